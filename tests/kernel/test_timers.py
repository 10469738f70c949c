"""kernel/syscalls/timers.py: timerfd, POSIX timers, signalfd and setting the clock, on the small
fake kernel of test_signal.py (real scheduler, real address space) with the clocks faked, so
every expiry is exact: time moves only when a test says so, and `tick` runs the scheduler's due
alarms as a CPU does between time slices."""
import struct
import subprocess
import time

import pytest

from kernel import signal as S
from kernel.errno import EAGAIN, EBADF, EINVAL, EOPNOTSUPP, EPERM, Errno
from kernel.fdtable import FdTable
from kernel.pagetable import PTE_R, PTE_W
from kernel.sched import WouldBlock
from kernel.syscalls import poll as P
from kernel.syscalls import signal as SS
from kernel.syscalls import table
from kernel.syscalls import time as T
from kernel.syscalls import timers as TM
from kernel.uapi import O_NONBLOCK, O_RDWR, POLLIN
from kernel.vm import AddressSpace
from tests.kernel.test_signal import STACK_TOP, FakeKernel, block
from tests.tools import need

MS = 1_000_000
SEC = 1_000_000_000
EPOCH = 1_700_000_000 * SEC         # the fake CLOCK_REALTIME at fake monotonic 0
SIGRTMIN = S.SIGRTMIN


class FakeTime:
    """The `time` module as the timer code, the scheduler and the clock reads see it."""

    def __init__(self):
        self.ns = 1000 * SEC

    def __getattr__(self, name):                 # CLOCK_* constants and the rest
        return getattr(time, name)

    def clock_gettime_ns(self, clock):
        return {time.CLOCK_REALTIME: EPOCH + self.ns, time.CLOCK_BOOTTIME: self.ns + 5 * SEC}.get(
            clock, self.ns)

    def time_ns(self):
        return EPOCH + self.ns

    def monotonic(self):
        return self.ns / SEC

    def monotonic_ns(self):
        return self.ns

    def advance(self, ns):
        self.ns += ns


@pytest.fixture
def clock(monkeypatch):
    fake = FakeTime()
    for mod in ("kernel.syscalls.timers", "kernel.sched", "kernel.syscalls.time", "kernel.poll",
                "kernel.syscalls.signal"):
        monkeypatch.setattr(f"{mod}.time", fake)
    return fake


@pytest.fixture
def k(clock):
    return FakeKernel()


def proc(k, pid, uid=0):
    t = k.new_process(pid, uid=uid)
    t.proc.fds = FdTable()
    k.sched.current = t
    return t


def tick(k, clock, ns=0):
    """Let ns pass, then run the alarms that are due."""
    clock.advance(ns)
    k.sched.fire_timers()


BUF = STACK_TOP - 0x8000                        # scratch guest memory (the fake stack's mapping)


def put(t, data, off=0):
    t.proc.mm.write(BUF + off, data)
    return BUF + off


def its(interval, value):
    return struct.pack("<qqqq", *divmod(interval, SEC), *divmod(value, SEC))


def read_its(t, ptr):
    isec, insec, vsec, vnsec = struct.unpack("<qqqq", t.proc.mm.read(ptr, 32))
    return isec * SEC + insec, vsec * SEC + vnsec


def errno_of(fn, *args, **kw):
    with pytest.raises(Errno) as e:
        fn(*args, **kw)
    return e.value.errno


# ---- timerfd -------------------------------------------------------------------------------------
def timerfd(t, clock=TM.CLOCK_MONOTONIC, flags=TM.TFD_NONBLOCK):
    return TM.sys_timerfd_create(t, clock, flags)


def settime(t, fd, interval, value, flags=0, old=True):
    out = BUF + 0x100 if old else 0
    assert TM.sys_timerfd_settime(t, fd, flags, put(t, its(interval, value)), out) == 0
    return read_its(t, out) if old else None


def test_timerfd_create_checks_clock_and_flags(k):
    t = proc(k, 2)
    fd = timerfd(t, TM.CLOCK_MONOTONIC, TM.TFD_NONBLOCK | TM.TFD_CLOEXEC)
    f = t.proc.fds.get(fd)
    assert f.flags == O_RDWR | O_NONBLOCK and fd in t.proc.fds.cloexec
    assert f.stat().mode == 0o600 and f.link_name == "anon_inode:[timerfd]"
    assert errno_of(TM.sys_timerfd_create, t, TM.CLOCK_PROCESS_CPUTIME_ID, 0) == EINVAL
    assert errno_of(TM.sys_timerfd_create, t, TM.CLOCK_MONOTONIC_RAW, 0) == EINVAL
    assert errno_of(TM.sys_timerfd_create, t, TM.CLOCK_MONOTONIC, 1) == EINVAL
    for c in (TM.CLOCK_REALTIME, TM.CLOCK_BOOTTIME, TM.CLOCK_REALTIME_ALARM):
        assert timerfd(t, c) >= 0
    user = proc(k, 3, uid=1000)
    assert errno_of(TM.sys_timerfd_create, user, TM.CLOCK_BOOTTIME_ALARM, 0) == EPERM
    with pytest.raises(Errno):
        f.write(b"x" * 8)


def test_timerfd_one_shot_read_poll_and_gettime(k, clock):
    t = proc(k, 2)
    fd = timerfd(t)
    f = t.proc.fds.get(fd)
    assert errno_of(f.read_for, t, 8) == EAGAIN and errno_of(f.read_for, t, 4) == EINVAL
    assert settime(t, fd, 0, 50 * MS) == (0, 0)
    tick(k, clock, 20 * MS)
    assert TM.sys_timerfd_gettime(t, fd, BUF + 0x200) == 0
    assert read_its(t, BUF + 0x200) == (0, 30 * MS)
    assert f.poll_mask() == 0
    tick(k, clock, 30 * MS)
    assert f.poll_mask() == POLLIN
    assert f.read_for(t, 8) == struct.pack("<Q", 1)
    assert f.poll_mask() == 0 and errno_of(f.read_for, t, 8) == EAGAIN
    assert f.gettime() == (0, 0)


def test_timerfd_periodic_counts_missed_periods_and_reports_the_old_value(k, clock):
    t = proc(k, 2)
    fd = timerfd(t)
    f = t.proc.fds.get(fd)
    settime(t, fd, 10 * MS, 10 * MS)
    tick(k, clock, 35 * MS)                      # expiries at 10, 20, 30
    assert struct.unpack("<Q", f.read_for(t, 64)) == (3,)
    assert f.gettime() == (5 * MS, 10 * MS)
    tick(k, clock, 5 * MS)                       # the alarm set by the read
    assert f.ticks == 1
    assert settime(t, fd, 0, 0) == (10 * MS, 10 * MS)   # disarm: the old value back
    assert f.ticks == 0 and f.gettime() == (0, 0)
    tick(k, clock, 100 * MS)
    assert f.poll_mask() == 0


def test_timerfd_blocking_read_and_poll_are_woken_by_the_alarm(k, clock):
    t = proc(k, 2)
    fd = timerfd(t, flags=0)
    f = t.proc.fds.get(fd)
    settime(t, fd, 0, 10 * MS, old=False)
    with pytest.raises(WouldBlock) as wb:
        f.read_for(t, 8)
    assert wb.value.queues == (f.q,)
    k.sched.block(t, wb.value.queues, None)
    tick(k, clock, 10 * MS)
    assert t.state == "R" and f.read_for(t, 8) == struct.pack("<Q", 1)
    # ppoll through the readiness family: blocks on the timer's queue, then reports POLLIN
    settime(t, fd, 0, 10 * MS, old=False)
    pfd = put(t, struct.pack("<ihh", fd, POLLIN, 0), 0x300)
    with pytest.raises(WouldBlock) as wb:
        P.sys_ppoll(t, pfd, 1, 0, 0, 8)
    assert f.q in wb.value.queues
    tick(k, clock, 10 * MS)
    assert P.sys_ppoll(t, pfd, 1, 0, 0, 8) == 1
    assert struct.unpack("<ihh", t.proc.mm.read(pfd, 8))[2] == POLLIN


def test_timerfd_in_epoll(k, clock):
    t = proc(k, 2)
    fd = timerfd(t)
    ep = P.sys_epoll_create1(t, 0)
    put(t, struct.pack("<I4xQ", POLLIN, 77), 0x400)
    assert P.sys_epoll_ctl(t, ep, 1, fd, BUF + 0x400) == 0
    settime(t, fd, 0, 5 * MS, old=False)
    out = BUF + 0x500
    assert P.sys_epoll_pwait(t, ep, out, 4, 0, 0, 8) == 0
    tick(k, clock, 5 * MS)
    assert P.sys_epoll_pwait(t, ep, out, 4, 0, 0, 8) == 1
    assert struct.unpack("<I4xQ", t.proc.mm.read(out, 16)) == (POLLIN, 77)


def test_timerfd_settime_checks(k):
    t = proc(k, 2)
    fd = timerfd(t)
    bad = put(t, its(0, 0)[:24] + struct.pack("<q", SEC))          # tv_nsec of 1e9
    assert errno_of(TM.sys_timerfd_settime, t, fd, 0, bad, 0) == EINVAL
    good = put(t, its(0, MS), 0x40)
    assert errno_of(TM.sys_timerfd_settime, t, fd, 4, good, 0) == EINVAL
    assert P.sys_pipe2(t, put(t, bytes(8), 0x80), 0) == 0
    pipe_fd = struct.unpack("<i", t.proc.mm.read(BUF + 0x80, 4))[0]
    assert errno_of(TM.sys_timerfd_settime, t, pipe_fd, 0, good, 0) == EINVAL
    assert errno_of(TM.sys_timerfd_settime, t, 99, 0, good, 0) == EBADF
    assert errno_of(TM.sys_timerfd_gettime, t, pipe_fd, BUF) == EINVAL


def test_timerfd_absolute_realtime_follows_the_clock_and_cancel_on_set(k, clock):
    t = proc(k, 2)
    fd = timerfd(t, TM.CLOCK_REALTIME)
    f = t.proc.fds.get(fd)
    now = TM.clock_ns(k, TM.CLOCK_REALTIME)
    settime(t, fd, 0, now + 60 * SEC, TM.TFD_TIMER_ABSTIME)
    rel = timerfd(t, TM.CLOCK_REALTIME)
    settime(t, rel, 0, 60 * SEC)                 # relative: runs on CLOCK_MONOTONIC
    TM.set_realtime(k, now + 61 * SEC)           # the clock jumps past the absolute expiry
    tick(k, clock)
    assert f.read_for(t, 8) == struct.pack("<Q", 1)
    assert t.proc.fds.get(rel).gettime()[0] == 60 * SEC
    settime(t, fd, 0, now + 3600 * SEC, TM.TFD_TIMER_ABSTIME | TM.TFD_TIMER_CANCEL_ON_SET)
    assert f.poll_mask() == 0
    TM.set_realtime(k, now)
    assert f.poll_mask() == POLLIN               # readable, and the read says why
    assert errno_of(f.read_for, t, 8) == TM.ECANCELED
    assert errno_of(f.read_for, t, 8) == EAGAIN  # once; the timer stays armed
    assert f.gettime()[0] == 3600 * SEC


def test_timerfd_set_ticks_ioctl_and_release(k, clock):
    t = proc(k, 2)
    fd = timerfd(t)
    f = t.proc.fds.get(fd)
    t.proc.mm.write_u64(BUF, 5)
    assert f.ioctl(t, TM.TFD_IOC_SET_TICKS, BUF) == 0
    assert f.read_for(t, 8) == struct.pack("<Q", 5)
    settime(t, fd, MS, MS, old=False)
    t.proc.fds.close(fd)                         # the last reference: the timer stops
    tick(k, clock, 10 * MS)
    assert f.expires is None and f.ticks == 0


# ---- POSIX timers ---------------------------------------------------------------------------------
def sigevent(value, signo, notify, tid=0):
    return struct.pack("<Qiii", value, signo, notify, tid).ljust(64, b"\0")


def timer_create(t, clk=TM.CLOCK_MONOTONIC, sev=None):
    sevp = put(t, sev, 0x600) if sev is not None else 0
    assert TM.sys_timer_create(t, clk, sevp, BUF + 0x700) == 0
    return struct.unpack("<i", t.proc.mm.read(BUF + 0x700, 4))[0]


def timer_settime(t, tid, interval, value, flags=0):
    new = put(t, its(interval, value), 0x800)
    assert TM.sys_timer_settime(t, tid, flags, new, BUF + 0x900) == 0
    return read_its(t, BUF + 0x900)


def timer_gettime(t, tid):
    assert TM.sys_timer_gettime(t, tid, BUF + 0xA00) == 0
    return read_its(t, BUF + 0xA00)


def sigwaitinfo(t, *sigs):
    """rt_sigtimedwait with a zero timeout -> the 128-byte siginfo (or None: nothing pending)."""
    t.proc.mm.write_u64(BUF + 0xB00, sum(S.bit(s) for s in sigs))
    put(t, bytes(16), 0xB10)
    t.restart.clear()
    try:
        SS.sys_rt_sigtimedwait(t, BUF + 0xB00, BUF + 0xC00, BUF + 0xB10, 8)
    except Errno as e:
        assert e.errno == EAGAIN
        return None
    return t.proc.mm.read(BUF + 0xC00, 128)


def si_timer(raw):
    """(signo, code, si_tid, si_overrun, si_value) of a siginfo_t."""
    signo, _, code, tid, overrun, value = struct.unpack_from("<iii4xiIQ", raw)
    return signo, code, tid, overrun, value


def test_periodic_timer_signal_overrun_and_getoverrun(k, clock):
    t = proc(k, 2)
    block(t, SIGRTMIN)
    tid = timer_create(t, sev=sigevent(42, SIGRTMIN, TM.SIGEV_SIGNAL))
    assert tid == 0 and timer_create(t, sev=sigevent(1, SIGRTMIN, TM.SIGEV_NONE)) == 1
    assert timer_settime(t, tid, 10 * MS, 10 * MS) == (0, 0)
    assert timer_gettime(t, tid) == (10 * MS, 10 * MS)
    tick(k, clock, 10 * MS)
    assert t.proc.shared_pending.mask == S.bit(SIGRTMIN)
    for _ in range(3):                           # three more periods, the signal still queued
        tick(k, clock, 10 * MS)
    assert len(t.proc.shared_pending.queue) == 1
    assert si_timer(sigwaitinfo(t, SIGRTMIN)) == (SIGRTMIN, S.SI_TIMER, tid, 3, 42)
    assert TM.sys_timer_getoverrun(t, tid) == 3
    tick(k, clock, 5 * MS)                       # re-armed at delivery for the next period
    assert sigwaitinfo(t, SIGRTMIN) is None
    tick(k, clock, 5 * MS)
    assert si_timer(sigwaitinfo(t, SIGRTMIN))[3] == 0
    assert TM.sys_timer_getoverrun(t, tid) == 0
    assert timer_settime(t, tid, 0, 0) == (10 * MS, 10 * MS)
    assert timer_gettime(t, tid) == (0, 0)
    tick(k, clock, 50 * MS)
    assert sigwaitinfo(t, SIGRTMIN) is None


def test_timer_signal_runs_a_handler_and_rearms(k, clock):
    t = proc(k, 2)
    mm = t.proc.mm
    mm.write(BUF, struct.pack("<QQQ", 0x4000, S.SA_SIGINFO, 0))
    assert SS.sys_rt_sigaction(t, SIGRTMIN + 1, BUF, 0, 8) == 0
    tid = timer_create(t, sev=sigevent(7, SIGRTMIN + 1, TM.SIGEV_SIGNAL))
    timer_settime(t, tid, 4 * MS, 4 * MS)
    tick(k, clock, 9 * MS)                       # due at 4 (sent); 8 passes while queued
    S.deliver_pending(k, t)
    assert t.ctx.pc == 0x4000
    frame = int(t.ctx.regs[11])                  # a1: the siginfo on the handler's frame
    assert si_timer(mm.read(frame, 128)) == (SIGRTMIN + 1, S.SI_TIMER, tid, 1, 7)
    assert timer_gettime(t, tid) == (4 * MS, 3 * MS)        # (interval, value)
    tick(k, clock, 3 * MS)
    assert t.proc.shared_pending.mask == S.bit(SIGRTMIN + 1)


def test_null_sevp_is_sigalrm_with_the_timer_id(k, clock):
    t = proc(k, 2)
    block(t, S.SIGALRM)
    timer_create(t)
    tid = timer_create(t)
    assert tid == 1
    timer_settime(t, tid, 0, MS)
    tick(k, clock, MS)
    assert si_timer(sigwaitinfo(t, S.SIGALRM)) == (S.SIGALRM, S.SI_TIMER, 1, 0, 1)
    assert timer_gettime(t, tid) == (0, 0)


def test_sigev_none_and_absolute_timers(k, clock):
    t = proc(k, 2)
    tid = timer_create(t, sev=sigevent(0, 0, TM.SIGEV_NONE))
    timer_settime(t, tid, 10 * MS, 10 * MS)
    tick(k, clock, 25 * MS)
    assert timer_gettime(t, tid) == (10 * MS, 5 * MS)     # (interval, value): forwarded
    timer_settime(t, tid, 0, 10 * MS)
    tick(k, clock, 25 * MS)
    assert timer_gettime(t, tid) == (0, 0)       # a one-shot SIGEV_NONE: 0 once expired
    block(t, SIGRTMIN)
    rt = timer_create(t, TM.CLOCK_REALTIME, sigevent(5, SIGRTMIN, TM.SIGEV_SIGNAL))
    now = TM.clock_ns(k, TM.CLOCK_REALTIME)
    timer_settime(t, rt, 0, now + 20 * MS, TM.TIMER_ABSTIME)
    assert timer_gettime(t, rt) == (0, 20 * MS)
    TM.set_realtime(k, now + 20 * MS)            # the clock reaches it
    tick(k, clock)
    assert si_timer(sigwaitinfo(t, SIGRTMIN))[4] == 5
    timer_settime(t, rt, 0, now - SEC, TM.TIMER_ABSTIME)  # in the past: fires at once
    tick(k, clock)
    assert sigwaitinfo(t, SIGRTMIN) is not None


def test_thread_directed_timer_and_sigevent_checks(k, clock):
    t = proc(k, 2)
    block(t, SIGRTMIN)
    tid = timer_create(t, sev=sigevent(9, SIGRTMIN, TM.SIGEV_THREAD_ID, tid=2))
    timer_settime(t, tid, 0, MS)
    tick(k, clock, MS)
    assert t.pending.mask == S.bit(SIGRTMIN) and not t.proc.shared_pending.mask
    other = proc(k, 3, uid=1000)
    for sev, err in ((sigevent(0, SIGRTMIN, TM.SIGEV_THREAD_ID, tid=3), EINVAL),
                     (sigevent(0, 65, TM.SIGEV_SIGNAL), EINVAL),
                     (sigevent(0, 0, TM.SIGEV_THREAD), EINVAL),
                     (sigevent(0, SIGRTMIN, 3), EINVAL)):
        assert errno_of(TM.sys_timer_create, t, 1, put(t, sev, 0x600), BUF + 0x700) == err
    assert errno_of(TM.sys_timer_create, t, TM.CLOCK_MONOTONIC_RAW, 0, BUF) == EOPNOTSUPP
    assert errno_of(TM.sys_timer_create, t, 10, 0, BUF) == EINVAL
    assert errno_of(TM.sys_timer_create, other, TM.CLOCK_REALTIME_ALARM, 0, BUF) == EPERM


def test_timer_ids_delete_and_bad_ids(k, clock):
    t = proc(k, 2)
    a, b, c = (timer_create(t) for _ in range(3))
    assert (a, b, c) == (0, 1, 2)
    assert TM.sys_timer_delete(t, b) == 0
    assert errno_of(TM.sys_timer_delete, t, b) == EINVAL
    assert errno_of(TM.sys_timer_gettime, t, b, BUF) == EINVAL
    assert errno_of(TM.sys_timer_getoverrun, t, 99) == EINVAL
    assert errno_of(TM.sys_timer_settime, t, a, 0, 0, 0) == EINVAL      # NULL new value
    assert timer_create(t) == 1                  # the lowest free id again
    timer_settime(t, c, 0, MS)
    TM.sys_timer_delete(t, c)
    tick(k, clock, MS)
    assert not t.proc.shared_pending.mask        # deleted before it fired


def test_timers_die_with_exec_and_exit(k, clock):
    t = proc(k, 2)
    block(t, SIGRTMIN)
    tid = timer_create(t, sev=sigevent(0, SIGRTMIN, TM.SIGEV_SIGNAL))
    timer_settime(t, tid, MS, MS)
    t.proc.mm = AddressSpace(k.frames)           # what execve does to the process
    t.proc.mm.mmap(STACK_TOP - 0x10000, 0x10000, PTE_R | PTE_W, True, name="[stack]")
    tick(k, clock, 5 * MS)
    assert not t.proc.shared_pending.mask
    assert errno_of(TM.sys_timer_gettime, t, tid, BUF) == EINVAL and not t.proc.posix_timers.timers
    u = proc(k, 3)
    block(u, SIGRTMIN)
    tid = timer_create(u, sev=sigevent(0, SIGRTMIN, TM.SIGEV_SIGNAL))
    timer = u.proc.posix_timers.timers[tid]
    timer_settime(u, tid, MS, MS)
    k.exit_process(u.proc, 0)
    tick(k, clock, 5 * MS)
    assert not u.proc.shared_pending.mask and timer.expires is None


def test_cpu_time_timer_fires_when_the_process_has_run_long_enough(k, clock):
    t = proc(k, 2)
    block(t, SIGRTMIN)
    glibc_process_clock = ~0 << 3 | TM.CPUCLOCK_SCHED
    for clk in (TM.CLOCK_PROCESS_CPUTIME_ID, glibc_process_clock, TM.CLOCK_THREAD_CPUTIME_ID):
        tid = timer_create(t, clk, sigevent(clk & 0xFF, SIGRTMIN, TM.SIGEV_SIGNAL))
        timer_settime(t, tid, 0, 5 * MS)
        tick(k, clock, 50 * MS)                  # wall time passes, CPU time does not
        assert sigwaitinfo(t, SIGRTMIN) is None
        t.usage.utime_ns += 5 * MS
        tick(k, clock, 100 * MS)                 # within the back-off
        assert si_timer(sigwaitinfo(t, SIGRTMIN))[4] == clk & 0xFF
        TM.sys_timer_delete(t, tid)
    assert errno_of(TM.sys_timer_create, t, ~77 << 3 | 6, 0, BUF) == EINVAL   # no thread 77
    assert errno_of(TM.sys_timer_create, t, ~0 << 3 | 3, 0, BUF) == EINVAL    # which = 3


# ---- signalfd -------------------------------------------------------------------------------------
def signalfd(t, fd, *sigs, flags=TM.SFD_NONBLOCK):
    t.proc.mm.write_u64(BUF + 0xD00, sum(S.bit(s) for s in sigs))
    return TM.sys_signalfd4(t, fd, BUF + 0xD00, 8, flags)


SSI = struct.Struct("<IiiIIiIIIIiiQQQQHHiQI28x")


def ssi(data, i=0):
    (signo, errno, code, pid, uid, fd, tid, band, overrun, trapno, status, int_, ptr, utime, stime,
     addr, *_rest) = SSI.unpack_from(data, 128 * i)
    return dict(signo=signo, code=code, pid=pid, uid=uid, tid=tid, overrun=overrun,
                status=status, int=int_, ptr=ptr, addr=addr)


def test_signalfd_reads_blocked_signals_as_records(k, clock):
    t = proc(k, 2)
    block(t, S.SIGUSR1, S.SIGUSR2, S.SIGCHLD)
    fd = signalfd(t, -1, S.SIGUSR1, S.SIGKILL, flags=TM.SFD_NONBLOCK | TM.SFD_CLOEXEC)
    f = t.proc.fds.get(fd)
    assert f.mask == S.bit(S.SIGUSR1) and fd in t.proc.fds.cloexec
    assert f.flags == O_RDWR | O_NONBLOCK and f.link_name == "anon_inode:[signalfd]"
    assert errno_of(f.read_for, t, 128) == EAGAIN and errno_of(f.read_for, t, 127) == EINVAL
    assert f.poll_mask() == 0
    S.send(k, t.proc, S.SIGUSR2, S.SigInfo(S.SIGUSR2, S.SI_USER, pid=5, uid=6))
    assert f.poll_mask() == 0                    # not in its mask
    S.send(k, t.proc, S.SIGUSR1, S.SigInfo(S.SIGUSR1, S.SI_USER, pid=7, uid=8))
    assert f.poll_mask() == POLLIN
    rec = ssi(f.read_for(t, 1024))
    assert (rec["signo"], rec["code"], rec["pid"], rec["uid"]) == (S.SIGUSR1, S.SI_USER, 7, 8)
    assert signalfd(t, fd, S.SIGUSR1, S.SIGUSR2, S.SIGCHLD) == fd     # a new mask
    S.send(k, t.proc, S.SIGCHLD, S.SigInfo(S.SIGCHLD, S.CLD_EXITED, pid=9, uid=0, status=7))
    data = f.read_for(t, 128 * 4)
    assert len(data) == 256                      # lowest first: SIGUSR2, then SIGCHLD
    assert ssi(data, 0)["signo"] == S.SIGUSR2
    assert {key: ssi(data, 1)[key] for key in ("signo", "code", "pid", "status")} == \
        dict(signo=S.SIGCHLD, code=S.CLD_EXITED, pid=9, status=7)
    assert t.pending.mask == t.proc.shared_pending.mask == 0


def test_signalfd_sees_queued_values_faults_and_timer_records(k, clock):
    t = proc(k, 2)
    block(t, SIGRTMIN, S.SIGSEGV)
    f = t.proc.fds.get(signalfd(t, -1, SIGRTMIN, S.SIGSEGV))
    S.send_thread(k, t, S.SIGSEGV, S.SigInfo(S.SIGSEGV, S.SEGV_MAPERR, addr=0xDEAD))
    S.send(k, t.proc, SIGRTMIN, S.SigInfo(SIGRTMIN, S.SI_QUEUE, pid=3, uid=4, value=-5))
    tid = timer_create(t, sev=sigevent(1234, SIGRTMIN, TM.SIGEV_SIGNAL))
    timer_settime(t, tid, 0, MS)
    tick(k, clock, MS)
    data = f.read_for(t, 128 * 3)
    assert ssi(data, 0)["signo"] == S.SIGSEGV and ssi(data, 0)["addr"] == 0xDEAD
    queued = ssi(data, 1)
    assert (queued["code"], queued["pid"], queued["uid"], queued["int"]) == (S.SI_QUEUE, 3, 4, -5)
    timer = ssi(data, 2)
    assert (timer["code"], timer["tid"], timer["overrun"], timer["int"], timer["pid"]) == \
        (S.SI_TIMER, tid, 0, 1234, 0)


def test_signalfd_waiters_are_woken_by_signals_they_block(k, clock):
    t = proc(k, 2)
    block(t, S.SIGUSR1, S.SIGUSR2)
    fd = signalfd(t, -1, S.SIGUSR1, flags=0)
    f = t.proc.fds.get(fd)
    with pytest.raises(WouldBlock):              # a blocking read parks the thread ...
        f.read_for(t, 128)
    t.restart["_blocked"] = True                 # (as trap.py leaves it)
    k.sched.block(t, [], None)
    S.send(k, t.proc, S.SIGUSR1)                 # ... and the blocked signal wakes it
    assert t.state == "R"
    S.deliver_pending(k, t)                      # blocked: not delivered, the read runs again
    assert ssi(f.read_for(t, 128))["signo"] == S.SIGUSR1
    t.restart.clear()
    pfd = put(t, struct.pack("<ihh", fd, POLLIN, 0), 0x300)
    with pytest.raises(WouldBlock):              # the same for ppoll
        P.sys_ppoll(t, pfd, 1, 0, 0, 8)
    t.restart["_blocked"] = True
    k.sched.block(t, [], None)
    S.send(k, t.proc, S.SIGUSR2)                 # blocked and not in the mask: no wake-up
    assert t.state == "S"
    S.send(k, t.proc, S.SIGUSR1)
    assert t.state == "R" and P.sys_ppoll(t, pfd, 1, 0, 0, 8) == 1


def test_signalfd4_checks(k):
    t = proc(k, 2)
    t.proc.mm.write_u64(BUF, 0)
    assert errno_of(TM.sys_signalfd4, t, -1, BUF, 4, 0) == EINVAL
    assert errno_of(TM.sys_signalfd4, t, -1, BUF, 8, 1) == EINVAL
    assert errno_of(TM.sys_signalfd4, t, 77, BUF, 8, 0) == EBADF
    tfd = timerfd(t)
    assert errno_of(TM.sys_signalfd4, t, tfd, BUF, 8, 0) == EINVAL


# ---- setting the clock --------------------------------------------------------------------------
def test_settimeofday_and_clock_settime_move_realtime(k, clock):
    root, user = proc(k, 2), proc(k, 3, uid=1000)
    tv = put(root, struct.pack("<qq", 2_000_000_000, 250_000))
    assert errno_of(TM.sys_settimeofday, user, tv, 0) == EPERM
    assert errno_of(TM.sys_settimeofday, user, 0, 0) == EPERM
    assert errno_of(TM.sys_settimeofday, root, put(root, struct.pack("<qq", 1, 10**6), 16), 0) \
        == EINVAL
    assert errno_of(TM.sys_settimeofday, root, 0, put(root, struct.pack("<ii", 16 * 60, 0), 32)) \
        == EINVAL
    assert TM.sys_settimeofday(root, tv, put(root, struct.pack("<ii", -60, 0), 32)) == 0
    assert T.sys_gettimeofday(root, BUF + 64, BUF + 80) == 0
    assert struct.unpack("<qq", root.proc.mm.read(BUF + 64, 16)) == (2_000_000_000, 250_000)
    assert struct.unpack("<ii", root.proc.mm.read(BUF + 80, 8)) == (-60, 0)
    clock.advance(SEC)
    T.sys_clock_gettime(root, TM.CLOCK_REALTIME, BUF + 96)
    assert struct.unpack("<qq", root.proc.mm.read(BUF + 96, 16)) == (2_000_000_001, 250_000_000)
    T.sys_clock_gettime(root, TM.CLOCK_MONOTONIC, BUF + 96)    # the others do not move
    assert struct.unpack("<qq", root.proc.mm.read(BUF + 96, 16))[0] == clock.ns // SEC
    ts = put(root, struct.pack("<qq", 1_500_000_000, 5), 128)
    assert errno_of(TM.sys_clock_settime, user, TM.CLOCK_REALTIME, ts) == EPERM
    assert errno_of(TM.sys_clock_settime, root, TM.CLOCK_MONOTONIC, ts) == EINVAL
    assert errno_of(TM.sys_clock_settime, root, 99, ts) == EINVAL
    assert errno_of(TM.sys_clock_settime, root, TM.CLOCK_PROCESS_CPUTIME_ID, ts) == EPERM
    bad = put(user, struct.pack("<qq", 1, SEC), 160)
    assert errno_of(TM.sys_clock_settime, user, TM.CLOCK_REALTIME, bad) == EINVAL  # before EPERM
    assert TM.sys_clock_settime(root, TM.CLOCK_REALTIME, ts) == 0
    assert TM.clock_ns(k, TM.CLOCK_REALTIME) == 1_500_000_000 * SEC + 5


TIMEX = struct.Struct("<I4xqqqqi4xqqqqqqqqi4xqqqqqi44x")


def adjtimex(t, modes=0, **fields):
    names = ("modes offset freq maxerror esterror status constant precision tolerance tv_sec "
             "tv_usec tick ppsfreq jitter shift stabil jitcnt calcnt errcnt stbcnt tai").split()
    values = dict.fromkeys(names, 0)
    values.update(fields, modes=modes)
    ptr = put(t, TIMEX.pack(*(values[n] for n in names)), 0xE00)
    result = TM.sys_adjtimex(t, ptr)
    return result, dict(zip(names, TIMEX.unpack(t.proc.mm.read(ptr, TIMEX.size))))


def test_adjtimex_queries_and_needs_root_to_change(k, clock):
    root, user = proc(k, 2), proc(k, 3, uid=1000)
    result, tx = adjtimex(user)
    assert result == TM.TIME_OK
    assert (tx["status"], tx["precision"], tx["tick"], tx["tolerance"]) == (0, 1, 10_000, 500 << 16)
    assert (tx["tv_sec"], tx["tv_usec"]) == divmod((EPOCH + clock.ns) // 1000, 1_000_000)
    assert adjtimex(user, TM.ADJ_ADJTIME | TM.ADJ_OFFSET_READONLY | TM.ADJ_OFFSET)[0] == TM.TIME_OK
    for modes in (TM.ADJ_STATUS, TM.ADJ_SETOFFSET, TM.ADJ_ADJTIME | TM.ADJ_OFFSET):
        assert errno_of(adjtimex, user, modes) == EPERM
    assert errno_of(adjtimex, root, TM.ADJ_TICK, tick=5000) == EINVAL
    assert errno_of(adjtimex, root, TM.ADJ_ADJTIME) == EINVAL
    assert adjtimex(root, TM.ADJ_STATUS, status=TM.STA_UNSYNC)[0] == TM.TIME_ERROR
    assert adjtimex(root, TM.ADJ_STATUS | TM.ADJ_MAXERROR, maxerror=7)[1]["maxerror"] == 7
    before = TM.clock_ns(k, TM.CLOCK_REALTIME)
    adjtimex(root, TM.ADJ_SETOFFSET | TM.ADJ_NANO, tv_sec=-10, tv_usec=5)
    assert TM.clock_ns(k, TM.CLOCK_REALTIME) == before - 10 * SEC + 5
    assert errno_of(adjtimex, root, TM.ADJ_SETOFFSET, tv_usec=10**6) == EINVAL
    ptr = put(root, bytes(TIMEX.size), 0xE00)
    assert TM.sys_clock_adjtime(root, TM.CLOCK_REALTIME, ptr) == TM.TIME_OK
    assert errno_of(TM.sys_clock_adjtime, root, TM.CLOCK_MONOTONIC, ptr) == EOPNOTSUPP
    assert errno_of(TM.sys_clock_adjtime, root, 10, ptr) == EINVAL


# ---- the ABI --------------------------------------------------------------------------------------
def test_every_call_is_in_the_table():
    rows = table.by_name()
    for name in TM.SYSCALLS:
        assert rows[name][0] is TM.SYSCALLS[name][0]


CHECK_UAPI = r"""
#include <stddef.h>
#include <sys/signalfd.h>
#include <sys/timex.h>
#include <signal.h>
#define EQ(a, b) _Static_assert((a) == (b), #a)
EQ(sizeof(struct signalfd_siginfo), 128);
EQ(offsetof(struct signalfd_siginfo, ssi_tid), 24);
EQ(offsetof(struct signalfd_siginfo, ssi_overrun), 32);
EQ(offsetof(struct signalfd_siginfo, ssi_int), 44);
EQ(offsetof(struct signalfd_siginfo, ssi_ptr), 48);
EQ(offsetof(struct signalfd_siginfo, ssi_addr), 72);
EQ(offsetof(struct signalfd_siginfo, ssi_call_addr), 88);
EQ(offsetof(struct signalfd_siginfo, ssi_arch), 96);
EQ(sizeof(struct timex), 208);
EQ(offsetof(struct timex, status), 40);
EQ(offsetof(struct timex, time), 72);
EQ(offsetof(struct timex, tick), 88);
EQ(offsetof(struct timex, tai), 160);
EQ(sizeof(struct sigevent), 64);
EQ(offsetof(struct sigevent, sigev_signo), 8);
EQ(offsetof(struct sigevent, sigev_notify), 12);
EQ(offsetof(struct sigevent, _sigev_un._tid), 16);
EQ(offsetof(siginfo_t, si_overrun), 20);
EQ(offsetof(siginfo_t, si_value), 24);
"""


def test_struct_layouts_match_the_cross_compilers_headers(tmp_path):
    gcc = need("riscv64-linux-gnu-gcc")
    src = tmp_path / "layouts.c"
    src.write_text(CHECK_UAPI)
    r = subprocess.run([gcc, "-fsyntax-only", str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert TM._SSI.size == 128 and TM._TIMEX.size == 208
