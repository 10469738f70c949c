"""Process family: creating, replacing, ending and waiting for processes and threads; futexes.

Implemented:
  clone clone3    fork, vfork and thread flag combinations (kernel/fork.py); CLONE_VFORK parks
                  the caller until the child execs or exits
  execve execveat #! scripts, AT_EMPTY_PATH (fexecve), AT_SYMLINK_NOFOLLOW (kernel/exec.py)
  exit exit_group
  wait4 waitid    WNOHANG WUNTRACED/WSTOPPED WCONTINUED WEXITED WNOWAIT __WALL __WCLONE;
                  pid > 0, -1, 0 (own group), < -1 (group -pid); P_ALL P_PID P_PGID
  futex           WAIT WAKE WAIT_BITSET WAKE_BITSET REQUEUE CMP_REQUEUE WAKE_OP, private and
                  shared, FUTEX_CLOCK_REALTIME (kernel/futex.py)
wait4 and waitid report the child's rusage (kernel/rusage.py). Not implemented: PI futexes,
  FUTEX_FD, FUTEX_WAIT_REQUEUE_PI (-> ENOSYS, which glibc handles), clone3 set_tid, P_PIDFD (-> EINVAL).
"""
import struct
import time

from kernel import fork
from kernel.abimap import long_bytes, read_ulong
from kernel.errno import E2BIG, ECHILD, EFAULT, EINVAL, ELOOP, ENOSYS, ESRCH, Errno
from kernel.exec import execve
from kernel.futex import BITSET_MATCH_ANY
from kernel.process import RLIMIT_NAMES, SIGCHLD
from kernel.rusage import Usage, of_process
from kernel.sched import WouldBlock
from kernel.signal import SigInfo
from kernel.syscalls.fs import read_path, resolve
from kernel.uapi import (AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, as_int, pack_rusage,
                         read_times)

# ---- clone --------------------------------------------------------------------------------------


def sys_clone(t, a0, a1, a2, a3, a4):
    # the argument order differs between ISAs (CONFIG_CLONE_BACKWARDS and friends)
    a = dict(zip(t.kernel.abi.CLONE_ARGS_ORDER, (a0, a1, a2, a3, a4)))
    flags = a["flags"] & 0xFFFFFFFF
    exit_signal = t.kernel.sigabi.sig_in(flags & fork.CSIGNAL, allow_zero=True)
    return _clone(t, flags & ~fork.CSIGNAL, a["stack"], a["parent_tid"], a["tls"],
                  a["child_tid"], exit_signal)


CLONE_ARGS = struct.Struct("<11Q")     # struct clone_args, CLONE_ARGS_SIZE_VER2 = 88 bytes


def sys_clone3(t, uargs, size):
    if size < 64:
        raise Errno(EINVAL)
    if size > 4096:
        raise Errno(E2BIG)
    raw = t.proc.mm.read(uargs, size)
    if any(raw[CLONE_ARGS.size:]):
        raise Errno(E2BIG)               # fields of a newer kernel that we would ignore
    (flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
     set_tid_size, cgroup) = CLONE_ARGS.unpack(raw[:CLONE_ARGS.size].ljust(CLONE_ARGS.size, b"\0"))
    if (flags & ~(0xFFFFFFFF | fork.CLONE_CLEAR_SIGHAND) or flags & fork.CSIGNAL
            or flags & fork.CLONE_DETACHED or exit_signal > 64
            or set_tid or set_tid_size or (flags & (fork.CLONE_THREAD | fork.CLONE_PARENT)
                                           and exit_signal)
            or (stack == 0) != (stack_size == 0)):
        raise Errno(EINVAL)
    sp = stack + stack_size if stack else 0     # clone3 takes the lowest address and a size
    exit_signal = t.kernel.sigabi.sig_in(exit_signal, allow_zero=True)
    return _clone(t, flags, sp, parent_tid, tls, child_tid, exit_signal)


def _clone(t, flags, stack, parent_tid, tls, child_tid, exit_signal):
    r = t.restart
    if "vfork_child" not in r:
        child = fork.clone(t, flags, stack, parent_tid, tls, child_tid, exit_signal)
        if not flags & fork.CLONE_VFORK:
            return child.tid
        # Linux's vfork wait is killable only: the signal stage must not turn it into EINTR
        r["vfork_child"], r["_uninterruptible"] = child.proc, True
    c = r["vfork_child"]
    if c.vfork_done:
        return c.pid
    raise WouldBlock(c.vfork_wait)


# ---- execve -------------------------------------------------------------------------------------
MAX_ARG_STRLEN = 32 * 4096
RLIMIT_STACK = RLIMIT_NAMES.index("STACK")


def _strings(t, ptr):
    """A NULL-terminated array of C strings in guest memory (argv, envp)."""
    out, total, mm = [], 0, t.proc.mm
    if not ptr:
        return out
    limit = t.proc.rlimits[RLIMIT_STACK][0] // 4     # a quarter of the stack, as Linux allows
    abi = t.kernel.abi
    while True:
        p = read_ulong(mm, abi, ptr + long_bytes(abi) * len(out))
        if not p:
            return out
        try:
            s = mm.read_cstr(p, MAX_ARG_STRLEN)
        except Errno as e:
            raise Errno(E2BIG) if e.errno != EFAULT else e
        total += len(s) + 9
        if total > limit:
            raise Errno(E2BIG)
        out.append(s)


def sys_execve(t, pathname, argv, envp):
    return _execve(t, AT_FDCWD, pathname, argv, envp, 0)


def sys_execveat(t, dirfd, pathname, argv, envp, flags):
    if flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW):
        raise Errno(EINVAL)
    return _execve(t, dirfd, pathname, argv, envp, flags)


def _execve(t, dirfd, pathname, argv, envp, flags):
    path = read_path(t, pathname)
    args, env = _strings(t, argv), _strings(t, envp)
    loc = resolve(t, dirfd, path, not flags & AT_SYMLINK_NOFOLLOW, flags)
    if loc.inode.is_link:
        raise Errno(ELOOP)
    dirfd = as_int(dirfd)
    if path.startswith("/") or dirfd == AT_FDCWD:
        filename = path
    else:       # what Linux names a program run through a descriptor (fexecve)
        filename = f"/dev/fd/{dirfd}" + (f"/{path}" if path else "")
    return execve(t, loc, filename, args, env)


# ---- exit ---------------------------------------------------------------------------------------
def sys_exit(t, status):
    t.kernel.exit_thread(t, status & 0xFF)
    return 0


def sys_exit_group(t, status):
    t.kernel.exit_process(t.proc, status & 0xFF)
    return 0


# ---- wait ---------------------------------------------------------------------------------------
WNOHANG, WUNTRACED, WSTOPPED, WEXITED, WCONTINUED = 1, 2, 2, 4, 8
WNOWAIT, WNOTHREAD, WALL, WCLONE = 0x01000000, 0x20000000, 0x40000000, 0x80000000
P_ALL, P_PID, P_PGID = 0, 1, 2
CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED = 1, 2, 3, 5, 6
SIGCONT = 18


def _s32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def _ready_child(t, match, options):
    """(child, what) for the first child (oldest first) with something to report; None if
    children match but none is ready; ECHILD if none matches at all."""
    any_match = False
    for c in list(t.proc.children):
        if not match(c):
            continue
        # without __WALL, __WCLONE picks "clone" children (exit signal not SIGCHLD) only
        if not options & WALL and bool(options & WCLONE) != (c.exit_signal != SIGCHLD):
            continue
        any_match = True
        if c.zombie and options & WEXITED:
            return c, "exited"
        if c.stop_report and options & WSTOPPED and not c.zombie:
            return c, "stopped"
        if c.cont_report and options & WCONTINUED and not c.zombie:
            return c, "continued"
    if not any_match:
        raise Errno(ECHILD)
    return None


def _collect(t, c, what, keep=False):
    """Consume what was reported, unless WNOWAIT."""
    if keep:
        return
    if what == "exited":
        t.kernel.reap(c)
    elif what == "stopped":
        c.stop_report = 0
    else:
        c.cont_report = False


def _child_usage(c):
    """What wait reports of a child: its own usage and its reaped children's."""
    return of_process(c).add(c.usage_children)


def sys_wait4(t, pid, wstatus, options, rusage):
    if options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE):
        raise Errno(EINVAL)
    pid = _s32(pid)
    if pid == -(1 << 31):
        raise Errno(ESRCH)
    me = t.proc
    if pid > 0:
        match = lambda c: c.pid == pid                  # noqa: E731
    elif pid == -1:
        match = lambda c: True                          # noqa: E731
    else:
        group = me.pgid if pid == 0 else -pid
        match = lambda c: c.pgid == group               # noqa: E731
    hit = _ready_child(t, match, options | WEXITED)
    if hit is None:
        if options & WNOHANG:
            return 0
        raise WouldBlock(me.child_wait)
    c, what = hit
    status = {"exited": lambda: c.wait_status, "stopped": lambda: 0x7F | c.stop_report << 8,
              "continued": lambda: 0xFFFF}[what]()
    mm = me.mm
    if wstatus:
        mm.write(wstatus, struct.pack("<i", _s32(t.kernel.sigabi.status_out(status))))
    if rusage:
        mm.write(rusage, pack_rusage(t.kernel.abi, _child_usage(c)))
    _collect(t, c, what)
    return c.pid


def sys_waitid(t, idtype, id, infop, options, rusage):
    known = WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WNOTHREAD | WALL | WCLONE
    if options & ~known or not options & (WEXITED | WSTOPPED | WCONTINUED):
        raise Errno(EINVAL)
    me, id = t.proc, _s32(id)
    if idtype == P_ALL:
        match = lambda c: True                          # noqa: E731
    elif idtype == P_PID and id > 0:
        match = lambda c: c.pid == id                   # noqa: E731
    elif idtype == P_PGID and id >= 0:
        group = id or me.pgid
        match = lambda c: c.pgid == group               # noqa: E731
    else:
        raise Errno(EINVAL)
    hit = _ready_child(t, match, options)
    if hit is None and not options & WNOHANG:
        raise WouldBlock(me.child_wait)
    signo = code = pid = uid = status = 0
    if hit is not None:
        c, what = hit
        signo, pid, uid = SIGCHLD, c.pid, c.creds.uid
        if what == "exited" and c.term_signal:
            code, status = (CLD_DUMPED if c.core_dumped else CLD_KILLED), c.term_signal
        elif what == "exited":
            code, status = CLD_EXITED, c.exit_code
        elif what == "stopped":
            code, status = CLD_STOPPED, c.stop_report
        else:
            code, status = CLD_CONTINUED, SIGCONT
    if infop:       # the fields Linux writes: si_signo, si_errno, si_code; si_pid, si_uid, si_status
        info = SigInfo(signo, code, pid, uid, status=status)
        raw = t.kernel.sigabi.pack_info(info) if signo else bytes(128)
        union = 16 if long_bytes(t.kernel.abi) == 8 else 12
        me.mm.write(infop, raw[:union + 12])
    if rusage:
        me.mm.write(rusage, pack_rusage(t.kernel.abi,
                                        _child_usage(c) if hit is not None else Usage()))
    if hit is not None:
        _collect(t, c, what, keep=bool(options & WNOWAIT))
    return 0


# ---- futex --------------------------------------------------------------------------------------
FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP = 0, 1, 3, 4, 5
FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET = 9, 10
FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME = 128, 256


def _deadline(t, timeout, absolute, realtime):
    """A futex timeout as a time.monotonic() deadline (None: wait forever)."""
    if not timeout:
        return None
    sec, nsec = read_times(t, timeout)
    if sec < 0 or not 0 <= nsec < 1_000_000_000:
        raise Errno(EINVAL)
    ns = sec * 1_000_000_000 + nsec
    if absolute:
        clock = time.CLOCK_REALTIME if realtime else time.CLOCK_MONOTONIC
        ns -= time.clock_gettime_ns(clock)
    return time.monotonic() + ns / 1e9


def sys_futex(t, uaddr, op, val, timeout, uaddr2, val3):
    cmd, private = op & 127, bool(op & FUTEX_PRIVATE_FLAG)
    if op & FUTEX_CLOCK_REALTIME and cmd not in (FUTEX_WAIT, FUTEX_WAIT_BITSET):
        raise Errno(ENOSYS)
    ft, mm = t.kernel.futexes, t.proc.mm
    val, val3, val2 = val & 0xFFFFFFFF, val3 & 0xFFFFFFFF, _s32(timeout)
    if cmd in (FUTEX_WAIT, FUTEX_WAIT_BITSET):
        deadline = None
        if "futex_key" not in t.restart:            # the timeout is read on the first entry only
            deadline = _deadline(t, timeout, cmd == FUTEX_WAIT_BITSET,
                                 bool(op & FUTEX_CLOCK_REALTIME))
        bitset = BITSET_MATCH_ANY if cmd == FUTEX_WAIT else val3
        return ft.wait(t, uaddr, val, deadline, bitset, private)
    if cmd in (FUTEX_WAKE, FUTEX_WAKE_BITSET):
        bitset = BITSET_MATCH_ANY if cmd == FUTEX_WAKE else val3
        return ft.wake(mm, uaddr, max(_s32(val), 1), bitset, private)   # 0 wakes one, as Linux
    if cmd == FUTEX_REQUEUE:
        return ft.requeue(mm, uaddr, _s32(val), val2, uaddr2, None, private)
    if cmd == FUTEX_CMP_REQUEUE:
        return ft.requeue(mm, uaddr, _s32(val), val2, uaddr2, val3, private)
    if cmd == FUTEX_WAKE_OP:
        return ft.wake_op(mm, uaddr, max(_s32(val), 1), uaddr2, max(val2, 1), val3, private)
    raise Errno(ENOSYS)


SYSCALLS = {
    "clone": (sys_clone, "hex hex hex hex hex"), "clone3": (sys_clone3, "ptr size"),
    "execve": (sys_execve, "path ptr ptr"),
    "execveat": (sys_execveat, "dirfd path ptr ptr atflags"),
    "exit": (sys_exit, "int"), "exit_group": (sys_exit_group, "int"),
    "wait4": (sys_wait4, "int ptr hex ptr"), "waitid": (sys_waitid, "int int ptr hex ptr"),
    "futex": (sys_futex, "ptr hex uint ptr ptr hex"),
}
