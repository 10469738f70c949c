"""clone: new processes and threads (Linux's kernel/fork.c copy_process).

What the child shares with its creator and what it gets a copy of is decided flag by flag:

    CLONE_VM       the address space (else a copy-on-write copy, AddressSpace.fork)
    CLONE_FILES    the descriptor table (else FdTable.clone: same open files, own table)
    CLONE_FS       cwd and root (else FsContext.clone)
    CLONE_SIGHAND  the signal handler table (else a copy)
    CLONE_THREAD   the process itself: the child is a new Thread of the caller's Process
    CLONE_PARENT   the child's parent is the caller's parent
    CLONE_VFORK    the caller sleeps until the child execs or exits (kernel/syscalls/proc.py)
    CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID: thread
                   pointer and tid words, as pthread_create needs them
glibc's fork is SIGCHLD|CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID; its posix_spawn and musl's
vfork use CLONE_VM|CLONE_VFORK|SIGCHLD; pthread_create uses VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|
SETTLS|PARENT_SETTID|CHILD_CLEARTID. Namespaces are not supported (EINVAL).
"""
import struct

from kernel import signal
from kernel.errno import EAGAIN, EINVAL, ENOMEM, Errno
from kernel.frames import OutOfMemory
from kernel.process import Process, Thread, duplicate, share
from kernel.sched import WaitQueue

CSIGNAL = 0xFF
CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND = 0x100, 0x200, 0x400, 0x800
CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK, CLONE_PARENT = 0x1000, 0x2000, 0x4000, 0x8000
CLONE_THREAD, CLONE_NEWNS, CLONE_SYSVSEM, CLONE_SETTLS = 0x10000, 0x20000, 0x40000, 0x80000
CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_DETACHED = 0x100000, 0x200000, 0x400000
CLONE_UNTRACED, CLONE_CHILD_SETTID, CLONE_IO = 0x800000, 0x1000000, 0x80000000
CLONE_NEWNAMESPACES = 0x20000 | 0x2000000 | 0x4000000 | 0x8000000 | 0x10000000 | 0x20000000 \
    | 0x40000000                # NEWNS NEWCGROUP NEWUTS NEWIPC NEWUSER NEWPID NEWNET
CLONE_CLEAR_SIGHAND = 1 << 32   # clone3 only


def check_flags(flags):
    if flags & CLONE_NEWNAMESPACES or flags & CLONE_PIDFD:
        raise Errno(EINVAL)
    if flags & CLONE_THREAD and not flags & CLONE_SIGHAND:
        raise Errno(EINVAL)
    if flags & CLONE_SIGHAND and not flags & CLONE_VM:
        raise Errno(EINVAL)
    if flags & CLONE_CLEAR_SIGHAND and flags & CLONE_SIGHAND:
        raise Errno(EINVAL)


def clone(t, flags, stack=0, parent_tid=0, tls=0, child_tid=0, exit_signal=None):
    """Create the child of thread t; returns its Thread (the caller returns its tid)."""
    k, p = t.kernel, t.proc
    check_flags(flags)
    if exit_signal is None:
        exit_signal = flags & CSIGNAL
    if flags & CLONE_THREAD:
        if not k.can_add_thread():
            raise Errno(EAGAIN)
        proc = p
    else:
        if not k.can_fork():
            raise Errno(EAGAIN)
        proc = _new_process(t, flags, exit_signal)
    tid = proc.pid if proc is not p else k.alloc_pid()
    if tid is None:
        raise Errno(EAGAIN)
    ctx = t.ctx.copy()
    ctx.set_return(0)                       # the child sees clone() return 0
    if stack:
        ctx.sp = stack
    if flags & CLONE_SETTLS:
        ctx.tls = tls
    child = Thread(tid, proc, ctx, kernel=k, sigmask=t.sigmask, affinity=t.affinity,
                   last_cpu=t.last_cpu)
    fork_state = getattr(signal, "fork_state", None)
    if fork_state is not None:
        fork_state(t, child, bool(flags & CLONE_SIGHAND))
    if flags & CLONE_CHILD_CLEARTID:
        child.clear_child_tid = child_tid
    if flags & CLONE_CHILD_SETTID:
        _put_tid(proc.mm, child_tid, tid)   # in the child's memory (a COW copy after fork)
    if flags & CLONE_PARENT_SETTID:
        _put_tid(p.mm, parent_tid, tid)
    if proc is not p:
        k.processes[proc.pid] = proc
        proc.parent.children.append(proc)
    k.add_thread(child)
    return child


def _new_process(t, flags, exit_signal):
    k, p = t.kernel, t.proc
    pid = k.alloc_pid()
    if pid is None:
        raise Errno(EAGAIN)
    if flags & CLONE_VM:
        mm = share(p.mm)
    else:
        try:
            mm = p.mm.fork()
        except OutOfMemory:
            raise Errno(ENOMEM) from None
        if k.debugger is not None:
            k.debugger.forked(p, mm)        # the child's copy without gdb's breakpoints
    sighand = p.sighand if flags & CLONE_SIGHAND else duplicate(p.sighand)
    if flags & CLONE_CLEAR_SIGHAND and isinstance(sighand, dict):
        # handled signals back to default; ignored ones stay ignored (the exec rule)
        ign = getattr(signal, "SIG_IGN", 1)
        sighand = {s: a for s, a in sighand.items() if getattr(a, "handler", None) == ign}
    parent = p.parent if flags & CLONE_PARENT else p
    child = Process(
        pid, parent, mm,
        fds=share(p.fds) if flags & CLONE_FILES else p.fds.clone(),
        fs=p.fs if flags & CLONE_FS else p.fs.clone(),
        comm=p.comm, exe=p.exe, argv=list(p.argv), umask=p.umask,
        creds=duplicate(p.creds), rlimits=dict(p.rlimits), sighand=sighand,
        pgid=p.pgid, sid=p.sid,
        exit_signal=p.exit_signal if flags & CLONE_PARENT else exit_signal,
        start_time=k.uptime())
    if flags & CLONE_VFORK:
        child.vfork_wait, child.vfork_done = WaitQueue(), False
    return child


def _put_tid(mm, addr, tid):
    """Linux ignores a bad address here (the tid word is a convenience for the threads lib)."""
    if not addr:
        return
    try:
        mm.write(addr, struct.pack("<i", tid))
    except Errno:
        pass
