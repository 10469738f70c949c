"""Signals: the tables, generation, and delivery on the way back to user mode (Linux's
kernel/signal.c in miniature; numbers are asm-generic -- an ABI that numbers them otherwise is
translated at the boundary: kernel/sigabi.py).

Where the state lives (fields on kernel/process.py's classes, this module owns them):
  Process.sighand         {sig: SigAction}; a missing entry is SIG_DFL. Entries are immutable and
                          replaced, never changed in place, so fork may copy the dict shallowly.
  Process.shared_pending  SigPending for process-directed signals (kill, alarm, SIGCHLD)
  Thread.pending          SigPending for thread-directed ones (tgkill, faults, SIGPIPE)
  Thread.sigmask          blocked signals, bit (sig - 1)
  Thread.saved_sigmask    the mask rt_sigsuspend replaced, restored once a handler is set up
  Thread.altstack         (ss_sp, ss_size, ss_flags) from sigaltstack; (0, 0, SS_DISABLE) if none
  Process.unkillable      set on a booted system's init: signals it has not caught are dropped
                          (Linux's SIGNAL_UNKILLABLE); faults still kill it. Not under `jitvm
                          run`, whose program is pid 1 but, as under qemu-user, no init.

Generation (`send`) queues a SigInfo and wakes a thread that can take it; what it does is
decided at delivery (`deliver_pending`, called by run_slice before user mode is entered): the
default action, nothing (ignored), or a handler frame built by the ISA (k.abi.sigframe).
Blocking system calls are restarted by re-execution (kernel/sched.py), so "interrupted" means:
the thread's pc is still on its ecall, and t.restart["_blocked"] says so.
"""
import time
from dataclasses import dataclass, field

from kernel.context import Restored
from kernel.errno import EFAULT, EINTR, Errno

# ---- the tables ---------------------------------------------------------------------------------
SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL = range(1, 10)
SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT = range(10, 17)
SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG = range(17, 24)
SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSYS = range(24, 32)
SIGRTMIN, NSIG = 32, 64

# What a shell prints when a child dies of the signal (strsignal, as busybox ash shows it).
DESCRIPTIONS = {
    SIGHUP: "Hangup", SIGINT: "Interrupt", SIGQUIT: "Quit", SIGILL: "Illegal instruction",
    SIGTRAP: "Trace/breakpoint trap", SIGABRT: "Aborted", SIGBUS: "Bus error",
    SIGFPE: "Floating point exception", SIGKILL: "Killed", SIGUSR1: "User defined signal 1",
    SIGSEGV: "Segmentation fault", SIGUSR2: "User defined signal 2", SIGPIPE: "Broken pipe",
    SIGALRM: "Alarm clock", SIGTERM: "Terminated", SIGSTKFLT: "Stack fault",
    SIGXCPU: "CPU time limit exceeded", SIGXFSZ: "File size limit exceeded",
    SIGVTALRM: "Virtual timer expired", SIGPROF: "Profiling timer expired",
    SIGIO: "I/O possible", SIGPWR: "Power failure", SIGSYS: "Bad system call",
}
NAMES = {v: k for k, v in dict(globals()).items()
         if k.startswith("SIG") and isinstance(v, int) and k not in ("SIGRTMIN",)}

# Default actions (signal(7)); real-time signals terminate.
TERM, CORE, IGNORE, STOP, CONT = "term", "core", "ignore", "stop", "continue"
DEFAULT_ACTION = {sig: TERM for sig in range(1, NSIG + 1)}
DEFAULT_ACTION.update({s: CORE for s in (SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
                                         SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS)})
DEFAULT_ACTION.update({SIGCHLD: IGNORE, SIGURG: IGNORE, SIGWINCH: IGNORE, SIGCONT: CONT,
                       SIGSTOP: STOP, SIGTSTP: STOP, SIGTTIN: STOP, SIGTTOU: STOP})
CORE_DUMPING = {s for s, a in DEFAULT_ACTION.items() if a == CORE}
STOP_SIGNALS = {s for s, a in DEFAULT_ACTION.items() if a == STOP}
# Faults the CPU raises: delivered before anything else pending (Linux's SYNCHRONOUS_MASK).
SYNCHRONOUS = (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS)

SIG_DFL, SIG_IGN = 0, 1
SA_NOCLDSTOP, SA_NOCLDWAIT, SA_SIGINFO = 1, 2, 4
SA_ONSTACK, SA_RESTART, SA_NODEFER, SA_RESETHAND = 0x08000000, 0x10000000, 0x40000000, 0x80000000
SA_EXPOSE_TAGBITS = 0x800
SA_KNOWN = (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER
            | SA_RESETHAND | SA_EXPOSE_TAGBITS)       # others are cleared, as Linux >= 5.11 does
SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK = 0, 1, 2
SS_ONSTACK, SS_DISABLE, SS_AUTODISARM = 1, 2, 1 << 31

# si_code values (asm-generic/siginfo.h)
SI_USER, SI_KERNEL, SI_QUEUE, SI_TIMER, SI_TKILL = 0, 0x80, -1, -2, -6
SI_MESGQ, SI_ASYNCIO, SI_SIGIO = -3, -4, -5
ILL_ILLOPC, FPE_INTDIV, SEGV_MAPERR, SEGV_ACCERR, BUS_ADRALN, TRAP_BRKPT = 1, 1, 1, 2, 1, 1
SEGV_BNDERR, BUS_ADRERR = 3, 2
# the synchronous signals and si_codes an ISA's ABI names for its traps (break codes, FP traps)
FAULT_SIGNALS = {"SIGFPE": SIGFPE, "SIGTRAP": SIGTRAP, "SIGILL": SIGILL, "SIGSEGV": SIGSEGV,
                 "SIGBUS": SIGBUS}
FAULT_CODES = {"FPE_INTDIV": 1, "FPE_INTOVF": 2, "FPE_FLTDIV": 3, "FPE_FLTOVF": 4,
               "FPE_FLTUND": 5, "FPE_FLTRES": 6, "FPE_FLTINV": 7, "FPE_FLTSUB": 8,
               "FPE_FLTUNK": 14, "TRAP_BRKPT": TRAP_BRKPT, "ILL_ILLOPC": ILL_ILLOPC,
               "SI_KERNEL": SI_KERNEL}
CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED = range(1, 7)

# System calls that return EINTR after a handler even with SA_RESTART (signal(7), "Interruption
# of system calls"): sleeps, the signal waits, and the multiplexers.
NOT_RESTARTED = {"nanosleep", "clock_nanosleep", "rt_sigsuspend", "rt_sigtimedwait", "ppoll",
                 "pselect6", "epoll_pwait", "epoll_pwait2", "io_getevents", "semtimedop", "semop",
                 "msgsnd", "msgrcv", "poll", "epoll_wait", "pause"}


def bit(sig):
    return 1 << (sig - 1)


UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP)
FULL_MASK = (1 << NSIG) - 1


def lowest(mask):
    """The lowest signal number in mask (0 if empty)."""
    return (mask & -mask).bit_length()


# ---- state --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SigAction:
    handler: int = SIG_DFL
    flags: int = 0
    mask: int = 0
    restorer: int = 0         # where the handler returns, under the ABI's SA_RESTORER flag


DEFAULT = SigAction()


@dataclass
class SigInfo:
    """One instance of a signal (siginfo_t). `why` is for the kernel's log only."""
    signo: int
    code: int = SI_KERNEL
    pid: int = 0
    uid: int = 0
    addr: int = 0                  # faults
    status: int = 0                # SIGCHLD
    value: int = 0                 # sigqueue's sigval
    raw: bytes = b""               # a whole siginfo from rt_sigqueueinfo
    why: str = ""

    def pack(self):
        """The 128-byte asm-generic siginfo_t (signo, errno, code, then the union at 16)."""
        import struct
        if self.raw:
            return struct.pack("<i", self.signo) + self.raw[4:128]
        head = struct.pack("<iii4x", self.signo, 0, self.code)
        if self.code > 0 and self.signo in SYNCHRONOUS:
            body = struct.pack("<Q", self.addr & (1 << 64) - 1)
        elif self.signo == SIGCHLD and self.code > 0:
            body = struct.pack("<iIi4xqq", self.pid, self.uid, self.status, 0, 0)
        else:
            body = struct.pack("<iIQ", self.pid, self.uid, self.value & (1 << 64) - 1)
        return (head + body).ljust(128, b"\0")


@dataclass
class SigPending:
    mask: int = 0
    queue: list = field(default_factory=list)      # SigInfo, oldest first

    def add(self, info):
        if info.signo < SIGRTMIN and self.mask & bit(info.signo):
            return                     # standard signals do not queue: one instance at most
        self.mask |= bit(info.signo)
        self.queue.append(info)

    def take(self, sig):
        i = next(i for i, x in enumerate(self.queue) if x.signo == sig)
        info = self.queue.pop(i)
        if not any(x.signo == sig for x in self.queue):
            self.mask &= ~bit(sig)
        return info

    def discard(self, mask):
        self.queue = [x for x in self.queue if not bit(x.signo) & mask]
        self.mask &= ~mask


def init_thread(t):
    """Give t (and its process) the signal fields, if the process stage has not yet."""
    if not isinstance(getattr(t, "pending", None), SigPending):
        t.pending = SigPending()
    if not hasattr(t, "altstack"):
        t.altstack = (0, 0, SS_DISABLE)
        t.saved_sigmask = None
    init_process(t.proc)
    return t


def init_process(p):
    if not isinstance(getattr(p, "shared_pending", None), SigPending):
        p.shared_pending = SigPending()
    if getattr(p, "sighand", None) is None:
        p.sighand = {}
    return p


def action(p, sig):
    return p.sighand.get(sig, DEFAULT)


def set_action(p, sig, act):
    """Install act for sig; setting a signal to be ignored discards its pending instances."""
    if act == DEFAULT:
        p.sighand.pop(sig, None)
    else:
        p.sighand[sig] = act
    if _ignores(act, sig):
        p.shared_pending.discard(bit(sig))
        for t in p.threads:
            init_thread(t).pending.discard(bit(sig))


def _ignores(act, sig):
    return act.handler == SIG_IGN or (act.handler == SIG_DFL and DEFAULT_ACTION[sig] == IGNORE)


def fork_state(parent, child, share_handlers=False):
    """Signal state of a new thread `child` cloned from thread `parent` (fork or clone):
    the mask and alternate stack are inherited, nothing is pending. Handlers are shared or
    copied by the process stage (Process.sighand); interval timers are not inherited."""
    init_thread(parent)
    child.sigmask = parent.sigmask
    child.pending = SigPending()
    child.altstack = parent.altstack
    child.saved_sigmask = None
    init_process(child.proc)


def reset_on_exec(p):
    """execve: handled signals revert to SIG_DFL (ignored ones stay ignored), flags and masks
    are cleared; the mask and pending signals are kept (flush_signal_handlers)."""
    init_process(p)
    p.sighand = {s: SigAction(SIG_IGN) for s, a in p.sighand.items() if a.handler == SIG_IGN}
    for t in p.threads:
        init_thread(t).altstack = (0, 0, SS_DISABLE)


# ---- generation ---------------------------------------------------------------------------------
def may_signal(sender, target, sig):
    """kill(2)'s permission rule: privileged, or a real/effective uid matching the target's real
    or saved uid; SIGCONT may always be sent within a session."""
    s, c = sender.creds, target.creds
    return (s.euid == 0 or {s.uid, s.euid} & {c.uid, c.suid}
            or (sig == SIGCONT and sender.sid == target.sid))


def send(k, p, sig, info=None, thread=None):
    """Generate sig for process p (or, with `thread`, for that one thread of p)."""
    if p.exited or not sig:
        return
    init_process(p)
    info = info or SigInfo(sig)
    if getattr(p, "unkillable", False) and action(p, sig).handler == SIG_DFL:
        return                         # init takes only the signals it catches (SIGNAL_UNKILLABLE)
    if sig == SIGKILL:                 # cannot be caught, blocked or ignored: the process
        _die(k, p, sig)                # dies now, stopped or not (Linux's complete_signal)
        return
    if sig in STOP_SIGNALS or sig == SIGCONT:
        _job_control_on_send(k, p, sig)
    targets = [thread] if thread else p.threads
    for t in targets:
        init_thread(t)
    blocked_everywhere = all(t.sigmask & bit(sig) for t in targets) if targets else True
    if _ignores(action(p, sig), sig) and not blocked_everywhere:
        return                         # dropped at generation, as Linux does
    (thread.pending if thread else p.shared_pending).add(info)
    for t in targets:                  # wake one thread that can take it
        if _wants(t, sig):
            k.sched.notify_signal(t)   # wake it, or interrupt the CPU running it
            break


def send_thread(k, t, sig, info=None):
    send(k, t.proc, sig, info, thread=t)


def send_to_pgrp(k, pgid, sig):
    """A kernel-generated signal for every process of a group (the tty's ^C, ^Z, SIGHUP...)."""
    for p in [p for p in k.processes.values() if p.pgid == pgid and not p.exited]:
        send(k, p, sig)


def is_ignored(p, sig):
    return _ignores(action(init_process(p), sig), sig)


def is_blocked(t, sig):
    return bool(t.sigmask & bit(sig))


def _wants(t, sig):
    return (not t.sigmask & bit(sig) or sig in (SIGKILL, SIGSTOP)
            or (t.restart.get("_blocked") and t.restart.get("sigwait", 0) & bit(sig)))


def _job_control_on_send(k, p, sig):
    """Generating a stop signal discards pending SIGCONT; SIGCONT discards pending stops and
    resumes a stopped process, whatever its disposition (Linux's prepare_signal)."""
    drop = bit(SIGCONT) if sig != SIGCONT else sum(bit(s) for s in STOP_SIGNALS)
    p.shared_pending.discard(drop)
    for t in p.threads:
        init_thread(t).pending.discard(drop)
    if sig == SIGCONT and p.stopped:
        k.continue_process(p)
        _tell_parent(k, p, CLD_CONTINUED, SIGCONT)


def _stop(k, p, sig):
    """The default action of a stop signal: every thread off the CPU until SIGCONT."""
    k.stop_process(p, sig)
    _tell_parent(k, p, CLD_STOPPED, sig)


def _tell_parent(k, p, code, status):
    """SIGCHLD for a stop or continue, unless the parent set SA_NOCLDSTOP (the process stage
    wakes its wait4)."""
    parent = p.parent
    if parent is not None and not parent.exited:
        if not action(init_process(parent), SIGCHLD).flags & SA_NOCLDSTOP:
            send(k, parent, SIGCHLD, SigInfo(SIGCHLD, code, p.pid, p.creds.uid, status=status))


def child_exited(k, child):
    """Tell the parent that `child` has exited: its exit signal (SIGCHLD with CLD_EXITED/KILLED/
    DUMPED). Returns True if the child is to be reaped at once: the parent ignores SIGCHLD or set
    SA_NOCLDWAIT (Linux's do_notify_parent). Waking the parent's wait is the caller's."""
    parent = child.parent
    if parent is None or parent.exited:
        return False
    init_process(parent)
    sig = getattr(child, "exit_signal", SIGCHLD)
    if child.term_signal:
        code, status = (CLD_DUMPED if child.core_dumped else CLD_KILLED), child.term_signal
    else:
        code, status = CLD_EXITED, child.exit_code
    act = action(parent, SIGCHLD)
    autoreap = sig == SIGCHLD and (act.handler == SIG_IGN or bool(act.flags & SA_NOCLDWAIT))
    if sig and not (sig == SIGCHLD and act.handler == SIG_IGN):
        send(k, parent, sig, SigInfo(sig, code, child.pid, child.creds.uid, status=status))
    return autoreap


def force_fault(k, t, sig, code, addr, why):
    """A synchronous fault (force_sig_fault): a blocked or ignored fault signal cannot be
    held back, so it reverts to SIG_DFL; without a handler the process dies, with a one-line log."""
    init_thread(t)
    p = t.proc
    act = action(p, sig)
    if act.handler == SIG_IGN or t.sigmask & bit(sig):
        set_action(p, sig, DEFAULT)
        t.sigmask &= ~bit(sig)
        act = DEFAULT
    # under a debugger the fault waits in the queue: deliver_pending shows it to the debugger
    if act.handler == SIG_DFL and not (k.debugger is not None and k.debugger.traces(p)):
        _die(k, p, sig, why)
        return
    t.pending.discard(bit(sig))        # this fault's details replace any older instance
    t.pending.add(SigInfo(sig, code, addr=addr, why=why))


def _die(k, p, sig, why=""):
    if why:
        k.log(f"pid {p.pid} ({p.comm}) killed by {NAMES.get(sig, sig)}: {why}")
    k.exit_process(p, sig=sig, core=DEFAULT_ACTION[sig] == CORE)


# ---- delivery -----------------------------------------------------------------------------------
def has_deliverable(t):
    """Would returning to user mode run a handler or act on a signal now?"""
    init_thread(t)
    return bool((t.pending.mask | t.proc.shared_pending.mask) & ~t.sigmask)


def dequeue(t, allowed):
    """Take the signal to act on next among `allowed` ones: faults first, then the lowest
    number, the thread's own before the process's."""
    p = t.proc
    ready = (t.pending.mask | p.shared_pending.mask) & allowed
    if not ready:
        return None
    sync = ready & sum(bit(s) for s in SYNCHRONOUS)
    sig = lowest(sync or ready)
    return (t.pending if t.pending.mask & bit(sig) else p.shared_pending).take(sig)


def deliver_pending(k, t):
    """Act on t's pending unblocked signals before it returns to user mode. Each handler gets a
    frame on top of the previous one, so with several pending the last set up runs first --
    as Linux (and qemu-user) do."""
    init_thread(t)
    p = t.proc
    # a killable-only wait (vfork's) takes SIGKILL now and the rest once it has ended
    killable_only = t.restart.get("_blocked") and t.restart.get("_uninterruptible")
    while not p.exited and t.state == "R":
        # each handler set up blocks more: the mask is read again for the next signal
        info = dequeue(t, bit(SIGKILL) if killable_only else ~t.sigmask & FULL_MASK | UNBLOCKABLE)
        if info is None:
            break
        if k.debugger is not None and k.debugger.signal_stop(t, info):
            break                      # t stopped to show the debugger (kernel/debug.py)
        sig, act = info.signo, action(p, info.signo)
        if act.handler == SIG_IGN:
            continue
        if act.handler == SIG_DFL:
            what = DEFAULT_ACTION[sig]
            if what == STOP:
                _stop(k, p, sig)
            elif what in (TERM, CORE):
                _die(k, p, sig, info.why)
            continue
        _handle(k, t, info, act)
    if t.saved_sigmask is not None and not t.restart.get("_blocked"):
        t.sigmask, t.saved_sigmask = t.saved_sigmask, None     # sigsuspend ended without handler


def _interrupt_syscall(k, t, act):
    """The thread was parked in a system call (pc still on its ecall): restart it after the
    handler (SA_RESTART, for calls that allow it) or make it return -EINTR now."""
    ctx = t.ctx
    name = k.syscalls.get(ctx.syscall_nr, ("",))[0]
    done = t.restart.get("written")     # bytes a blocked write already moved (kernel/pipe.py)
    if done:
        ctx.skip_syscall()              # its count, as Linux returns: never -EINTR, no restart
        ctx.set_return(done)
    elif not (act.flags & SA_RESTART and name not in NOT_RESTARTED):
        ctx.skip_syscall()
        ctx.set_return(-EINTR)
    t.restart.clear()


def on_altstack(t, sp):
    """Is sp on t's alternate signal stack? (never, once armed with SS_AUTODISARM)"""
    ss_sp, ss_size, flags = t.altstack
    return not flags & SS_AUTODISARM and ss_sp < sp <= ss_sp + ss_size


def altstack_state(t, sp):
    """Linux's sas_ss_flags(sp): SS_DISABLE (none), SS_ONSTACK (sp on it) or 0 (usable)."""
    return SS_DISABLE if not t.altstack[1] else (SS_ONSTACK if on_altstack(t, sp) else 0)


def _handle(k, t, info, act):
    """Build the signal frame and enter the handler (Linux's handle_signal/setup_rt_frame)."""
    if t.restart.get("_blocked"):
        _interrupt_syscall(k, t, act)
    sf, ctx, sig = k.abi.sigframe, t.ctx, info.signo
    if not act.flags & SA_SIGINFO:
        sf = getattr(sf, "LEGACY", sf)            # an ABI's older frame (MIPS's sigframe)
    sp = ctx.sp
    ss_sp, ss_size, ss_flags = t.altstack
    uc_stack = (ss_sp, ss_flags, ss_size)         # __save_altstack: the flags as set
    if act.flags & SA_ONSTACK and altstack_state(t, sp) == 0:
        sp = ss_sp + ss_size
    if ss_flags & SS_AUTODISARM:
        t.altstack = (0, 0, SS_DISABLE)           # the handler may set up a new one
    frame = (sp - sf.FRAME_SIZE) & ~(k.abi.STACK_ALIGN - 1)
    old_mask = t.saved_sigmask if t.saved_sigmask is not None else t.sigmask
    try:
        if on_altstack(t, ctx.sp) and not on_altstack(t, frame):
            raise Errno(EFAULT)        # the alternate stack overflowed
        restorer = k.abi.SA_RESTORER and act.flags & k.abi.SA_RESTORER
        tramp = act.restorer if restorer else trampoline(t.proc.mm, sf.TRAMPOLINE)
        guest_mask = int.from_bytes(k.sigabi.mask_out(old_mask), "little")
        t.proc.mm.write(frame, sf.build_frame(ctx.regs, k.sigabi.pack_info(info), guest_mask,
                                              uc_stack))
    except Errno:
        # force_sigsegv: a handler for SIGSEGV itself cannot run on this stack either
        if sig == SIGSEGV:
            set_action(t.proc, SIGSEGV, DEFAULT)
        force_fault(k, t, SIGSEGV, SI_KERNEL, 0,
                    f"cannot write the frame for {NAMES.get(sig, sig)} at {frame:#x} "
                    f"(sp {ctx.sp:#x})")
        return
    sf.enter_handler(ctx.regs, act.handler, k.sigabi.sig_out(sig), frame, tramp)
    t.sigmask = (t.sigmask | act.mask | (0 if act.flags & SA_NODEFER else bit(sig))) & ~UNBLOCKABLE
    t.saved_sigmask = None
    if act.flags & SA_RESETHAND:
        set_action(t.proc, sig, DEFAULT)


TRAMPOLINE_VMA = "[vdso]"      # where /proc/<pid>/maps shows Linux's sigreturn code


def trampoline(mm, code):
    """Address of the sigreturn trampoline in mm, mapped (read+exec, demand-filled from `code`)
    on first use; fork copies the mapping with the rest of the address space."""
    from kernel.pagetable import PTE_R, PTE_X
    from kernel.vm import BytesBacking
    for v in mm.vmas:
        if v.name == TRAMPOLINE_VMA:
            return v.start
    return mm.mmap(0, len(code), PTE_R | PTE_X, False, backing=BytesBacking(code, "[vdso]"),
                   name=TRAMPOLINE_VMA)


def sigreturn(k, t, legacy=False):
    """rt_sigreturn (or with `legacy` an ABI's older sigreturn, whose frame has no stack_t):
    restore registers, mask and alternate stack from the frame at sp. Returns the restored
    return-value register so the system call path writes it back unchanged."""
    init_thread(t)
    sf, ctx = k.abi.sigframe, t.ctx
    if legacy:
        sf = sf.LEGACY
    frame = ctx.sp
    try:
        data = t.proc.mm.read(frame, sf.FRAME_SIZE)
    except Errno:
        force_fault(k, t, SIGSEGV, SI_KERNEL, 0, f"bad signal frame at {frame:#x}")
        return Restored(ctx.return_value)
    mask, stack = sf.restore_frame(ctx.regs, data)
    mask = k.sigabi.mask_in(mask.to_bytes(k.sigabi.setsize, "little"))
    t.sigmask = mask & ~UNBLOCKABLE & FULL_MASK
    ss_sp, ss_flags, ss_size = stack or (0, -1, 0)
    mode = ss_flags & ~SS_AUTODISARM
    if stack and not on_altstack(t, ctx.sp) and mode in (0, SS_ONSTACK, SS_DISABLE):
        # restore_altstack; one sigaltstack would refuse is ignored, as in Linux
        t.altstack = (0, 0, SS_DISABLE) if mode == SS_DISABLE else (ss_sp, ss_size, ss_flags)
    t.restart.clear()
    return Restored(ctx.return_value)


# ---- ITIMER_REAL (alarm) ------------------------------------------------------------------------
def set_alarm(k, p, value, interval):
    """Arm (value > 0 seconds) or disarm the process's ITIMER_REAL; returns the old
    (remaining, interval). Expiry sends SIGALRM and re-arms with the interval."""
    old = get_alarm(p)
    gen = getattr(p, "itimer_gen", 0) + 1
    p.itimer_gen = gen
    p.itimer_real = (time.monotonic() + value, interval) if value > 0 else None
    if value > 0:
        k.sched.call_at(p.itimer_real[0], lambda: _alarm_fired(k, p, gen))
    return old


def get_alarm(p):
    cur = getattr(p, "itimer_real", None)
    if cur is None:
        return 0.0, 0.0
    return max(cur[0] - time.monotonic(), 1e-6), cur[1]


def _alarm_fired(k, p, gen):
    if p.exited or getattr(p, "itimer_gen", 0) != gen:
        return                         # disarmed or re-armed since
    _, interval = p.itimer_real
    p.itimer_real = None
    if interval > 0:
        set_alarm(k, p, interval, interval)
    send(k, p, SIGALRM, SigInfo(SIGALRM, SI_KERNEL))
