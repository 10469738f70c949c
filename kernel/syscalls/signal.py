"""Signal family: handlers, masks, waiting for signals, sending them, interval timers.

Implemented: rt_sigaction rt_sigprocmask rt_sigpending rt_sigsuspend rt_sigtimedwait rt_sigreturn
sigaltstack kill tkill tgkill rt_sigqueueinfo rt_tgsigqueueinfo setitimer getitimer (ITIMER_REAL
only: ITIMER_VIRTUAL/ITIMER_PROF need CPU-time accounting -> EINVAL).
The machinery (generation, delivery, frames) is kernel/signal.py; these are thin adapters.
Signal numbers, masks, flags and structs cross in the guest ABI's numbering and layout
(t.kernel.sigabi, kernel/sigabi.py).
"""
import struct
import time

from kernel import signal as S
from kernel.errno import EAGAIN, EINTR, EINVAL, ENOMEM, ENOSYS, EPERM, ESRCH, Errno
from kernel.sched import WouldBlock
from kernel.uapi import pack_times, read_times


def _s32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def _signo(t, sig, allow_zero=False):
    return t.kernel.sigabi.sig_in(sig, allow_zero)


def _read_set(t, ptr):
    return t.kernel.sigabi.read_mask(t.proc.mm, ptr)


def _write_set(t, ptr, mask):
    t.kernel.sigabi.write_mask(t.proc.mm, ptr, mask)


def _check_setsize(t, sigsetsize):
    if sigsetsize != t.kernel.sigabi.setsize:
        raise Errno(EINVAL)


# ---- handlers and masks -------------------------------------------------------------------------
def sys_rt_sigaction(t, sig, act, oact, sigsetsize):
    """struct sigaction as the ABI lays it out (asm-generic: handler, flags, mask; with
    SA_RESTORER: handler, flags, restorer, mask; MIPS: flags, handler, mask)."""
    sig, sa = _signo(t, sig), t.kernel.sigabi
    _check_setsize(t, sigsetsize)
    p = S.init_process(t.proc)
    sa_restorer = t.kernel.abi.SA_RESTORER
    layout, order = sa.sigaction_layout()
    known = S.SA_KNOWN | sa_restorer
    new = None
    if act:
        f = dict(zip(order, struct.unpack(layout, t.proc.mm.read(act, struct.calcsize(layout)))))
        if sig in (S.SIGKILL, S.SIGSTOP):
            raise Errno(EINVAL)
        new = S.SigAction(f["handler"], sa.sa_flags_in(f["flags"]) & known,
                          sa.mask_in(f["mask"]) & ~S.UNBLOCKABLE, f.get("restorer", 0))
    old = S.action(p, sig)
    if oact:
        f = dict(handler=old.handler, flags=sa.sa_flags_out(old.flags), restorer=old.restorer,
                 mask=sa.mask_out(old.mask))
        t.proc.mm.write(oact, struct.pack(layout, *(f[k] for k in order)))
    if new is not None:
        S.set_action(p, sig, new)
    return 0


def sys_rt_sigprocmask(t, how, nset, oset, sigsetsize):
    _check_setsize(t, sigsetsize)
    S.init_thread(t)
    new = _read_set(t, nset) if nset else None
    if new is not None:
        how = t.kernel.sigabi.how_in(how)
    if oset:
        _write_set(t, oset, t.sigmask)
    if new is not None:
        mask = {S.SIG_BLOCK: t.sigmask | new, S.SIG_UNBLOCK: t.sigmask & ~new,
                S.SIG_SETMASK: new}[how]
        t.sigmask = mask & ~S.UNBLOCKABLE      # newly unblocked signals arrive on the way out
    return 0


def sys_rt_sigpending(t, uset, sigsetsize):
    if sigsetsize > t.kernel.sigabi.setsize:
        raise Errno(EINVAL)
    S.init_thread(t)
    pending = (t.pending.mask | t.proc.shared_pending.mask) & t.sigmask
    t.kernel.sigabi.write_mask(t.proc.mm, uset, pending, sigsetsize)
    return 0


# ---- waiting for signals ------------------------------------------------------------------------
def sys_rt_sigsuspend(t, uset, sigsetsize):
    """Wait with a temporary mask until a handler runs; always -EINTR. The old mask is kept in
    t.saved_sigmask, saved into the handler's frame and so restored by its sigreturn."""
    _check_setsize(t, sigsetsize)
    S.init_thread(t)
    if not t.restart.get("suspended"):            # first entry, not a retry after a wake-up
        mask = _read_set(t, uset) & ~S.UNBLOCKABLE
        if t.saved_sigmask is None:
            t.saved_sigmask = t.sigmask
        t.sigmask = mask
        t.restart["suspended"] = True
    if S.has_deliverable(t):
        return -EINTR                             # delivery on the way out sees saved_sigmask
    raise WouldBlock()                            # only a signal wakes us


def sys_rt_sigtimedwait(t, uset, uinfo, uts, sigsetsize):
    """Take a pending signal of the set (normally blocked ones) without running a handler."""
    _check_setsize(t, sigsetsize)
    S.init_thread(t)
    want = _read_set(t, uset) & ~S.UNBLOCKABLE
    info = S.dequeue(t, want)
    if info is not None:
        if uinfo:
            t.proc.mm.write(uinfo, t.kernel.sigabi.pack_info(info))
        return t.kernel.sigabi.sig_out(info.signo)
    deadline = t.restart.get("deadline")
    if uts and deadline is None:
        sec, nsec = read_times(t, uts)
        if sec < 0 or not 0 <= nsec < 1_000_000_000:
            raise Errno(EINVAL)
        deadline = t.restart["deadline"] = time.monotonic() + sec + nsec / 1e9
    if deadline is not None and time.monotonic() >= deadline:
        raise Errno(EAGAIN)
    t.restart["sigwait"] = want                   # these wake us even though blocked
    raise WouldBlock(deadline=deadline)


def sys_rt_sigreturn(t):
    return S.sigreturn(t.kernel, t)


def sys_sigreturn(t):
    """The older sigreturn of ABIs with two frame kinds (MIPS: handlers without SA_SIGINFO)."""
    if getattr(t.kernel.abi.sigframe, "LEGACY", None) is None:
        raise Errno(ENOSYS)
    return S.sigreturn(t.kernel, t, legacy=True)


def sys_sigaltstack(t, uss, uoss):
    S.init_thread(t)
    sp, sa = t.ctx.sp, t.kernel.sigabi
    new = sa.unpack_stack(t.proc.mm.read(uss, sa.stack_size())) if uss else None
    ss_sp, ss_size, flags = t.altstack
    old = sa.pack_stack(ss_sp, S.altstack_state(t, sp) | flags & S.SS_AUTODISARM, ss_size)
    if new is not None:
        nsp, nflags, nsize = new
        if S.on_altstack(t, sp):
            raise Errno(EPERM)
        mode = nflags & ~S.SS_AUTODISARM
        if mode not in (0, S.SS_ONSTACK, S.SS_DISABLE):
            raise Errno(EINVAL)
        if mode == S.SS_DISABLE:
            t.altstack = (0, 0, S.SS_DISABLE)
        elif nsize < t.kernel.abi.sigframe.MINSIGSTKSZ:
            raise Errno(ENOMEM)
        else:
            t.altstack = (nsp, nsize, nflags & ~S.SS_ONSTACK)
    if uoss:
        t.proc.mm.write(uoss, old)
    return 0


# ---- sending ------------------------------------------------------------------------------------
def _user_info(t, sig, code=S.SI_USER):
    return S.SigInfo(sig, code, t.proc.pid, t.proc.creds.uid)


def _deliver_to(t, targets, sig, info, thread=None):
    """Send to each process in targets that t may signal: ESRCH if none, EPERM if none allowed."""
    if not targets:
        raise Errno(ESRCH)
    allowed = [p for p in targets if S.may_signal(t.proc, p, sig)]
    if not allowed:
        raise Errno(EPERM)
    for p in allowed:
        if sig:                                   # signal 0: the existence/permission check
            S.send(t.kernel, p, sig, info, thread)
    return 0


def _live(k):
    return [p for p in k.processes.values() if not getattr(p, "zombie", False) and not p.exited]


def sys_kill(t, pid, sig):
    sig, pid, k = _signo(t, sig, allow_zero=True), _s32(pid), t.kernel
    if pid > 0:
        p = k.processes.get(pid)
        # a zombie still exists: kill succeeds and does nothing (Linux)
        return _deliver_to(t, [p] if p else [], sig, _user_info(t, sig))
    if pid == -1:
        targets = [p for p in _live(k) if p.pid > 1 and p is not t.proc]
    else:
        pgid = t.proc.pgid if pid == 0 else -pid
        targets = [p for p in _live(k) if p.pgid == pgid]
    return _deliver_to(t, targets, sig, _user_info(t, sig))


def _thread(k, tid, tgid=None):
    procs = [k.processes.get(tgid)] if tgid is not None else list(k.processes.values())
    for p in procs:
        for th in (p.threads if p else ()):
            if th.tid == tid:
                return th
    raise Errno(ESRCH)


def sys_tgkill(t, tgid, tid, sig):
    tgid, tid, sig = _s32(tgid), _s32(tid), _signo(t, sig, allow_zero=True)
    if tgid <= 0 or tid <= 0:
        raise Errno(EINVAL)
    th = _thread(t.kernel, tid, tgid)
    return _deliver_to(t, [th.proc], sig, _user_info(t, sig, S.SI_TKILL), th)


def sys_tkill(t, tid, sig):
    tid, sig = _s32(tid), _signo(t, sig, allow_zero=True)
    if tid <= 0:
        raise Errno(EINVAL)
    th = _thread(t.kernel, tid)
    return _deliver_to(t, [th.proc], sig, _user_info(t, sig, S.SI_TKILL), th)


def _queued_info(t, target_pid, sig, uinfo):
    raw = t.proc.mm.read(uinfo, 128)
    code = t.kernel.sigabi.info_code(raw)
    # only the kernel may claim to be the kernel or kill(): si_code >= 0 or SI_TKILL is refused
    if (code >= 0 or code == S.SI_TKILL) and target_pid != t.proc.pid:
        raise Errno(EPERM)
    return S.SigInfo(sig, code, raw=raw)


def sys_rt_sigqueueinfo(t, tgid, sig, uinfo):
    tgid, sig = _s32(tgid), _signo(t, sig, allow_zero=True)
    p = t.kernel.processes.get(tgid)
    info = _queued_info(t, tgid, sig, uinfo)
    return _deliver_to(t, [p] if p else [], sig, info)


def sys_rt_tgsigqueueinfo(t, tgid, tid, sig, uinfo):
    tgid, tid, sig = _s32(tgid), _s32(tid), _signo(t, sig, allow_zero=True)
    th = _thread(t.kernel, tid, tgid)
    info = _queued_info(t, tgid, sig, uinfo)
    return _deliver_to(t, [th.proc], sig, info, th)


# ---- interval timers ----------------------------------------------------------------------------
ITIMER_REAL = 0


def _timeval(seconds):
    us = round(seconds * 1e6)
    return us // 1_000_000, us % 1_000_000


def _itimerval(t, value, interval):
    return pack_times(t, *_timeval(interval), *_timeval(value))


def sys_getitimer(t, which, curr):
    if which != ITIMER_REAL:
        raise Errno(EINVAL)
    value, interval = S.get_alarm(t.proc)
    t.proc.mm.write(curr, _itimerval(t, value, interval))
    return 0


def sys_setitimer(t, which, new, old):
    """alarm() is this where the asm-generic table has no alarm system call."""
    if which != ITIMER_REAL:
        raise Errno(EINVAL)
    value = interval = 0.0
    if new:
        isec, iusec, vsec, vusec = read_times(t, new, 4)
        if not (0 <= iusec < 1_000_000 and 0 <= vusec < 1_000_000) or isec < 0 or vsec < 0:
            raise Errno(EINVAL)
        value, interval = vsec + vusec / 1e6, isec + iusec / 1e6
    prev = S.set_alarm(t.kernel, t.proc, value, interval) if new else S.get_alarm(t.proc)
    if old:
        t.proc.mm.write(old, _itimerval(t, *prev))
    return 0


SYSCALLS = {
    "rt_sigaction": (sys_rt_sigaction, "int ptr ptr size"),
    "rt_sigprocmask": (sys_rt_sigprocmask, "int ptr ptr size"),
    "rt_sigpending": (sys_rt_sigpending, "ptr size"),
    "rt_sigsuspend": (sys_rt_sigsuspend, "ptr size"),
    "rt_sigtimedwait": (sys_rt_sigtimedwait, "ptr ptr ptr size"),
    "rt_sigreturn": (sys_rt_sigreturn, ""), "sigreturn": (sys_sigreturn, ""),
    "sigaltstack": (sys_sigaltstack, "ptr ptr"),
    "kill": (sys_kill, "int int"), "tkill": (sys_tkill, "int int"),
    "tgkill": (sys_tgkill, "int int int"),
    "rt_sigqueueinfo": (sys_rt_sigqueueinfo, "int int ptr"),
    "rt_tgsigqueueinfo": (sys_rt_tgsigqueueinfo, "int int int ptr"),
    "getitimer": (sys_getitimer, "int ptr"), "setitimer": (sys_setitimer, "int ptr ptr"),
}
