"""Timers that deliver through descriptors or signals, signals read as a file, and setting the
clock (Linux's fs/timerfd.c, kernel/time/posix-timers.c and posix-cpu-timers.c, fs/signalfd.c,
kernel/time/time.c and ntp.c).

Implemented:
  timerfd_create   CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME and the two _ALARM clocks
                   (root only: CAP_WAKE_ALARM); TFD_NONBLOCK, TFD_CLOEXEC. A read returns the
                   8-byte count of expirations since the last read (blocks until >= 1, EAGAIN
                   when non-blocking, EINVAL for a buffer < 8); POLLIN for poll/select/epoll
                   while it is >= 1; fstat shows an anonymous inode; ioctl TFD_IOC_SET_TICKS
  timerfd_settime  relative or TFD_TIMER_ABSTIME; TFD_TIMER_CANCEL_ON_SET (the next read after
                   the clock is set fails with ECANCELED); interval; the old value
  timerfd_gettime
  timer_create     CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME (+ _ALARM, root only), the
                   CPU-time clocks (2, 3, and the negative per-pid ids glibc passes; see Partial);
                   SIGEV_SIGNAL (si_code SI_TIMER, si_value, si_tid, si_overrun), SIGEV_NONE,
                   SIGEV_THREAD_ID, SIGEV_THREAD (to the kernel a SIGEV_SIGNAL: libc runs the
                   thread); a NULL sevp is SIGALRM with the timer id as si_value
  timer_settime    relative or TIMER_ABSTIME, interval, the old value
  timer_gettime timer_getoverrun timer_delete
  signalfd4        SFD_NONBLOCK, SFD_CLOEXEC; a new mask for an existing signalfd. A read takes
                   pending signals of the mask -- the reading thread's, then its process's -- as
                   128-byte struct signalfd_siginfo records (blocks until one; EAGAIN when
                   non-blocking; EINVAL for a buffer < 128); POLLIN while one is pending. As on
                   Linux, the caller must block those signals or they are delivered as usual.
  settimeofday clock_settime   set CLOCK_REALTIME; root only (CAP_SYS_TIME): EPERM otherwise;
                   other clocks EINVAL (the CPU clocks EPERM, as Linux); the timezone is kept for
                   gettimeofday
  adjtimex clock_adjtime       a query answers TIME_OK (TIME_ERROR once STA_UNSYNC is set);
                   modes that change anything need root; ADJ_SETOFFSET steps the clock;
                   clock_adjtime: CLOCK_REALTIME only (EOPNOTSUPP for the other clocks)
Partial:
  - The guest's CLOCK_REALTIME is the host's plus a per-kernel offset (k.realtime_offset_ns,
    added by kernel/syscalls/time.py's reads and by the timers here). File timestamps and
    FUTEX_CLOCK_REALTIME waits ignore it; so does an absolute clock_nanosleep already asleep.
  - adjtimex slews nothing: ADJ_OFFSET_SINGLESHOT (adjtime) steps the clock at once; ADJ_OFFSET,
    ADJ_FREQUENCY, ADJ_TICK, ... are stored and read back but do not change the clock's rate.
  - CPU-time timers are checked, not driven by the CPU: first when the expiry could be reached
    at the earliest (the CPU time left, as wall time), then with a back-off while the process
    does not run. CPU time is counted at time-slice ends, so they fire up to a slice late.
  - si_overrun and timer_getoverrun are counted when the timer's signal is delivered (its
    siginfo is written out: a handler frame, sigtimedwait, a signalfd read). A signal taken
    without its siginfo (sigwait) or discarded is noticed at the timer's next look.
  - CLOCK_TAI: EINVAL (clock_gettime has no TAI clock yet). A new mask for a signalfd does not
    wake its pollers (a matching signal that arrives does).
How a timer ends: a timerfd with its file (release); POSIX timers with their process -- on exit
(the process is exited when the timer next fires) and on execve (the address space the timer was
created in is gone: the table is emptied when it is next used, and a firing timer finds that).
"""
import struct
import time
import weakref
from dataclasses import dataclass, field

from kernel import rusage
from kernel.abimap import fmt
from kernel import signal as S
from kernel.errno import EAGAIN, ECANCELED, EINVAL, EOPNOTSUPP, EPERM, Errno
from kernel.sched import WaitQueue, WouldBlock
from kernel.uapi import (O_CLOEXEC, O_NONBLOCK, O_RDWR, POLLIN, Stat, as_int, open_flags_in,
                         pack_times, read_times, time_size)
from kernel.vfs import File

NSEC = 10**9

# ---- clocks (uapi/linux/time.h) -----------------------------------------------------------------
CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID = 0, 1, 2, 3
CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME = 4, 5, 6, 7
CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM, CLOCK_TAI = 8, 9, 11
KNOWN_CLOCKS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11}       # Linux's posix_clocks[] (10 is unused)
TIMER_CLOCKS = {CLOCK_REALTIME: time.CLOCK_REALTIME, CLOCK_MONOTONIC: time.CLOCK_MONOTONIC,
                CLOCK_BOOTTIME: time.CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM: time.CLOCK_REALTIME,
                CLOCK_BOOTTIME_ALARM: time.CLOCK_BOOTTIME}     # the host clock each reads
REALTIME_CLOCKS = {CLOCK_REALTIME, CLOCK_REALTIME_ALARM}        # moved by settimeofday
ALARM_CLOCKS = {CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM}     # need CAP_WAKE_ALARM
# negative clock ids name a CPU-time clock: ~pid << 3 | per-thread << 2 | which
CPUCLOCK_PROF, CPUCLOCK_VIRT, CPUCLOCK_SCHED, CPUCLOCK_PERTHREAD = 0, 1, 2, 4
TIMER_ABSTIME = 1

# How often a timer that is not due yet is looked at while nothing moves (a CPU-time clock whose
# process does not run; a signal that waits for delivery): back-off from MIN doubling to MAX.
RECHECK_MIN_NS, RECHECK_MAX_NS = 1_000_000, 100_000_000


def clock_ns(k, clock):
    """Now on one of TIMER_CLOCKS, as the guest sees it."""
    ns = time.clock_gettime_ns(TIMER_CLOCKS[clock])
    return ns + getattr(k, "realtime_offset_ns", 0) if clock in REALTIME_CLOCKS else ns


def _cpu_clock(t, clock):
    """A CPU-time clock id -> a function returning that clock's ns (EINVAL if it names no thread
    or process: posix_cpu_timer_create)."""
    if clock == CLOCK_PROCESS_CPUTIME_ID:       # pid 0 (the caller), as glibc encodes them
        clock = ~0 << 3 | CPUCLOCK_SCHED
    elif clock == CLOCK_THREAD_CPUTIME_ID:
        clock = ~0 << 3 | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED
    which, pid = clock & 3, ~(clock >> 3)
    if which > CPUCLOCK_SCHED:
        raise Errno(EINVAL)
    if clock & CPUCLOCK_PERTHREAD:
        th = t if pid in (0, t.tid) else next((x for x in t.proc.threads if x.tid == pid), None)
        if th is None:
            raise Errno(EINVAL)
        usage = lambda: th.usage                # noqa: E731
    else:
        p = t.proc if pid in (0, t.proc.pid) else t.kernel.processes.get(pid)
        if p is None or p.exited:
            raise Errno(EINVAL)
        usage = lambda: rusage.of_process(p)    # noqa: E731
    if which == CPUCLOCK_VIRT:
        return lambda: usage().utime_ns
    return lambda: (lambda u: u.utime_ns + u.stime_ns)(usage())


def _read_timespec(t, ptr):
    sec, nsec = read_times(t, ptr)
    if sec < 0 or not 0 <= nsec < NSEC:
        raise Errno(EINVAL)
    return sec * NSEC + nsec


def _read_itimerspec(t, ptr):
    """struct itimerspec: (interval, value) in ns; EINVAL for an invalid timespec."""
    return _read_timespec(t, ptr), _read_timespec(t, ptr + time_size(t))


def _itimerspec(t, value, interval):
    return pack_times(t, *divmod(interval, NSEC), *divmod(value, NSEC))


def _is_root(t):
    return t.proc.creds.euid == 0                # CAP_SYS_TIME, CAP_WAKE_ALARM


# ---- the timer engine ---------------------------------------------------------------------------
class Timer:
    """One timer's expiry arithmetic and its alarm on the scheduler (sched.call_at), shared by
    timerfds and POSIX timers. `expires` is when it next expires (ns on the clock it runs on;
    None: disarmed), `interval` its period (0: one-shot). An alarm cannot be taken back, so each
    carries the generation it was set in, and a stale one does nothing."""
    cpu = None                  # for a CPU-time clock: a function returning its ns

    def __init__(self, k, clock):
        self.k, self.clock, self.base = k, clock, clock
        self.expires, self.interval = None, 0
        self.gen = 0
        self._backoff, self._seen = RECHECK_MIN_NS, None

    def now(self):
        return self.cpu() if self.cpu is not None else clock_ns(self.k, self.base)

    def arm(self, value, interval, absolute):
        """Start (value > 0 ns, relative or absolute) or stop (value 0) the timer. A relative
        CLOCK_REALTIME timer runs on CLOCK_MONOTONIC, as an hrtimer does: setting the clock moves
        only absolute ones."""
        self.gen += 1
        self.interval = interval
        _timekeeping(self.k).timers.discard(self)
        if not value:
            self.expires = None
            return
        self.base = (CLOCK_MONOTONIC if self.clock in REALTIME_CLOCKS and not absolute
                     else self.clock)
        self.expires = value if absolute else self.now() + value
        if self.base in REALTIME_CLOCKS:
            _timekeeping(self.k).timers.add(self)
        self.schedule()

    def forward(self, now):
        """Count the expiries at or before `now` and move `expires` past them (hrtimer_forward);
        a one-shot timer is then disarmed."""
        if self.expires is None or now < self.expires:
            return 0
        if not self.interval:
            self.expires = None
            return 1
        n = (now - self.expires) // self.interval + 1
        self.expires += n * self.interval
        return n

    def remaining(self, now):
        return 0 if self.expires is None else max(self.expires - now, 0)

    def schedule(self, delay_ns=None):
        """Set the alarm (by default for `expires`); earlier alarms go stale."""
        if delay_ns is None:
            delay_ns = self.expires - self.now()
        self.gen += 1
        gen = self.gen
        at = (time.monotonic_ns() + max(delay_ns, 0)) / NSEC     # the scheduler's clock, in s
        self.k.sched.call_at(at, lambda: self._alarm(gen))

    def look_again(self, now, stalled):
        """Alarm for the next look at a timer that is not due (the clock was set back, CPU time
        lags wall time) or that waits for its signal's delivery: at its expiry, but while
        nothing moves (`stalled`) no sooner than a back-off that doubles up to RECHECK_MAX_NS."""
        self._backoff = min(self._backoff * 2, RECHECK_MAX_NS) if stalled else RECHECK_MIN_NS
        wait = max(self.expires - now, 0)
        if stalled or self.cpu is not None:
            wait = max(wait, self._backoff)
        self.schedule(wait)

    def _alarm(self, gen):
        if gen != self.gen or self.expires is None:
            return
        now = self.now()
        if now < self.expires:
            stalled, self._seen = self.cpu is not None and now == self._seen, now
            self.look_again(now, stalled)
            return
        self.expired(now)

    def expired(self, now):
        """The alarm found the timer due. Subclasses count or signal; a periodic timer's next
        alarm is set when that is consumed (read, delivered), as Linux re-arms it only then."""
        raise NotImplementedError

    def clock_was_set(self):
        """settimeofday moved CLOCK_REALTIME under this absolute timer: look again."""
        if self.expires is not None:
            self.schedule()


@dataclass
class Timekeeping:
    """Per-kernel clock state for settimeofday, clock_settime and adjtimex (Linux's timekeeper
    and NTP state). The offset itself is k.realtime_offset_ns, read by kernel/syscalls/time.py."""
    status: int = 0                 # STA_* (0: in sync, as the host under NTP); adjtimex sets it
    maxerror: int = 16_000          # us
    esterror: int = 16_000
    constant: int = 2
    tick: int = 10_000              # us per USER_HZ tick
    freq: int = 0                   # scaled ppm, stored only
    offset: int = 0                 # ADJ_OFFSET, stored only
    tai: int = 0
    timers: weakref.WeakSet = field(default_factory=weakref.WeakSet)
    """armed absolute CLOCK_REALTIME timers and CANCEL_ON_SET timerfds: told when it is set"""


def _timekeeping(k):
    tk = getattr(k, "timekeeping", None)
    if tk is None:
        tk = k.timekeeping = Timekeeping()
    return tk


def set_realtime(k, ns):
    """CLOCK_REALTIME := ns (Linux's do_settimeofday64 and clock_was_set)."""
    k.realtime_offset_ns = ns - time.clock_gettime_ns(time.CLOCK_REALTIME)
    for timer in list(_timekeeping(k).timers):
        timer.clock_was_set()


# ---- timerfd ------------------------------------------------------------------------------------
TFD_NONBLOCK, TFD_CLOEXEC = O_NONBLOCK, O_CLOEXEC
TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET = 1, 2
TFD_IOC_SET_TICKS = 0x40085400              # _IOW('T', 0, u64)
ANON_INODE = Stat(mode=0o600)               # anon_inodefs: no file type bits, rw for the owner


class TimerFd(File, Timer):
    """A timer read as a file: `ticks` expirations not yet read. Like Linux's, a periodic one
    counts the periods it missed when it is read (forward) and only then sets its next alarm."""
    link_name = "anon_inode:[timerfd]"

    def __init__(self, k, clock, flags):
        File.__init__(self, O_RDWR | flags & O_NONBLOCK)
        Timer.__init__(self, k, clock)
        self.ticks = 0
        self.cancel_on_set = self.canceled = False
        self.q = WaitQueue()

    def _tick(self, n):
        if n:
            self.ticks += n
            self.poll_gen += 1
            self.q.wake_all()

    def expired(self, now):
        self._tick(self.forward(now))

    def catch_up(self):
        """Count the expiries since the alarm (or not yet seen by it: it runs between slices)."""
        if self.expires is not None:
            self._tick(self.forward(self.now()))

    def settime(self, flags, value, interval):
        """-> the old (value, interval)."""
        self.catch_up()
        old = (self.remaining(self.now()), self.interval)
        self.ticks, self.canceled = 0, False
        self.arm(value, interval, bool(flags & TFD_TIMER_ABSTIME))
        self.cancel_on_set = (self.clock in REALTIME_CLOCKS and flags & TFD_TIMER_ABSTIME
                              and flags & TFD_TIMER_CANCEL_ON_SET) != 0
        if self.cancel_on_set:
            _timekeeping(self.k).timers.add(self)
        return old

    def gettime(self):
        self.catch_up()
        return self.remaining(self.now()), self.interval

    def clock_was_set(self):
        if self.cancel_on_set:                  # timerfd_clock_was_set
            self.canceled = True
            self._tick(1)
        super().clock_was_set()

    def read_for(self, t, n):
        if n < 8:
            raise Errno(EINVAL)
        self.catch_up()
        if self.canceled:
            self.canceled, self.ticks = False, 0
            raise Errno(ECANCELED)
        if not self.ticks:
            if self.flags & O_NONBLOCK or t is None:
                raise Errno(EAGAIN)
            raise WouldBlock(self.q)
        ticks, self.ticks = self.ticks, 0
        self.poll_gen += 1
        if self.expires is not None:
            self.schedule()                      # the next period's alarm
        return struct.pack("<Q", ticks)

    def read(self, n):
        return self.read_for(None, n)

    def write(self, data):
        raise Errno(EINVAL)

    def poll_mask(self):
        self.catch_up()
        return POLLIN if self.ticks else 0

    def wait_queues(self):
        return (self.q,)

    def ioctl(self, t, request, arg):
        if request & 0xFFFFFFFF != TFD_IOC_SET_TICKS:
            return super().ioctl(t, request, arg)
        ticks = t.proc.mm.read_u64(arg)
        if not ticks:
            raise Errno(EINVAL)
        self.ticks = 0
        self._tick(ticks)
        return 0

    def stat(self):
        return ANON_INODE

    def release(self):
        self.arm(0, 0, False)
        self.cancel_on_set = False


def _timerfd(t, fd):
    f = t.proc.fds.get(fd)
    if not isinstance(f, TimerFd):
        raise Errno(EINVAL)
    return f


def sys_timerfd_create(t, clock, flags):
    clock, flags = as_int(clock), open_flags_in(t.kernel.abi, flags)   # TFD_NONBLOCK: O_NONBLOCK
    if flags & ~(TFD_NONBLOCK | TFD_CLOEXEC) or clock not in TIMER_CLOCKS:
        raise Errno(EINVAL)
    if clock in ALARM_CLOCKS and not _is_root(t):
        raise Errno(EPERM)
    return t.proc.fds.install(TimerFd(t.kernel, clock, flags), cloexec=bool(flags & TFD_CLOEXEC))


def sys_timerfd_settime(t, fd, flags, new, old):
    interval, value = _read_itimerspec(t, new)
    if flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET):
        raise Errno(EINVAL)
    prev = _timerfd(t, fd).settime(flags, value, interval)
    if old:
        t.proc.mm.write(old, _itimerspec(t, *prev))
    return 0


def sys_timerfd_gettime(t, fd, cur):
    t.proc.mm.write(cur, _itimerspec(t, *_timerfd(t, fd).gettime()))
    return 0


# ---- POSIX timers -------------------------------------------------------------------------------
SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD, SIGEV_THREAD_ID = 0, 1, 2, 4
DELAYTIMER_MAX = 0x7FFFFFFF
MAX_TIMERS = 1 << 15            # per process (Linux's bound is RLIMIT_SIGPENDING): EAGAIN beyond


@dataclass
class TimerSigInfo(S.SigInfo):
    """The siginfo of a POSIX timer: the asm-generic _timer layout puts si_tid and si_overrun
    where _kill has pid and uid, so those fields carry them. Writing it out is its delivery
    (kernel/signal.py packs a siginfo only then): the timer counts the overruns into it and
    re-arms, as Linux's posixtimer_rearm does at dequeue."""
    timer: object = field(default=None, repr=False, compare=False)

    def pack(self):
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.delivered(self)
        return super().pack()


class PosixTimer(Timer):
    """One timer of timer_create, owned by its process (table: TimerTable)."""

    def __init__(self, k, clock, proc, timer_id, notify, signo, value, thread, table):
        super().__init__(k, clock)
        self.proc, self.id, self.notify = proc, timer_id, notify
        self.signo, self.value = signo, value
        self.thread = thread                     # SIGEV_THREAD_ID's target
        self.table = table
        self.info = None                         # the TimerSigInfo last sent, until delivered
        self.overrun_last = 0                    # timer_getoverrun: the last delivered one's

    def _pending(self):
        q = self.thread.pending if self.notify == SIGEV_THREAD_ID else self.proc.shared_pending
        return any(x is self.info for x in q.queue)

    def schedule(self, delay_ns=None):
        if self.notify != SIGEV_NONE:            # Linux never starts those: gettime computes
            super().schedule(delay_ns)

    def settle(self):
        """A signal that left the queue without being delivered (sigwait took it without its
        siginfo; it was discarded or ignored) counts as delivered now."""
        if self.info is not None and not self._pending():
            self.overrun_last, self.info = self.info.uid, None

    def expired(self, now):
        if self.proc.exited or not self.table.current():
            self.arm(0, 0, False)                # the process exited or exec'd
            return
        self.settle()
        if self.info is not None:                # still queued: its delivery re-arms, but look
            self.look_again(now, stalled=True)   # again in case it leaves the queue otherwise
            return
        n = self.forward(now)
        self._send(n - 1)
        if self.expires is not None:
            self.look_again(now, stalled=False)  # the next period, then as above

    def _send(self, overrun):
        self.info = TimerSigInfo(self.signo, S.SI_TIMER, pid=self.id,
                                 uid=min(overrun, DELAYTIMER_MAX), value=self.value, timer=self)
        if self.notify == SIGEV_THREAD_ID:
            if self.thread in self.proc.threads:
                S.send(self.k, self.proc, self.signo, self.info, thread=self.thread)
        else:
            S.send(self.k, self.proc, self.signo, self.info)

    def delivered(self, info):
        """The signal `info` is being delivered: the expiries since it was sent are its
        overruns; a periodic timer goes on from now."""
        if info is not self.info:
            return                               # the timer was set again or deleted since
        if self.expires is not None:
            info.uid = min(info.uid + self.forward(self.now()), DELAYTIMER_MAX)
            self.schedule()
        self.overrun_last, self.info = info.uid, None

    def set(self, flags, value, interval):
        """timer_settime -> the old (value, interval)."""
        old = self.get()
        self.info, self.overrun_last = None, 0   # a pending signal no longer re-arms
        self.arm(value, interval if value else 0, bool(flags & TIMER_ABSTIME))
        return old

    def get(self):
        """(value, interval) as Linux's common_timer_get reports them."""
        if self.expires is None:
            return 0, self.interval
        now = self.now()
        if self.interval and now >= self.expires:        # waiting for delivery, or SIGEV_NONE
            n = self.forward(now)
            if self.info is not None and self._pending():
                self.info.uid = min(self.info.uid + n, DELAYTIMER_MAX)
        if self.expires is None:
            return 0, self.interval
        if now >= self.expires:                  # a one-shot that expired: 0 for SIGEV_NONE,
            return (0 if self.notify == SIGEV_NONE else 1), 0    # 1 ns until its alarm runs
        return self.expires - now, self.interval

    def delete(self):
        self.arm(0, 0, False)
        self.info = None


class TimerTable:
    """A process's POSIX timers, id -> PosixTimer, for the image (address space) they were
    created in: after an execve the table is stale, and its timers die."""

    def __init__(self, p):
        self.proc, self.timers = p, {}
        self._mm = weakref.ref(p.mm) if p.mm is not None else (lambda: None)

    def current(self):
        return self.proc.mm is not None and self._mm() is self.proc.mm

    def clear(self):
        for timer in self.timers.values():
            timer.delete()
        self.timers.clear()


def timers_of(p):
    """p's TimerTable, a fresh one after an execve (the old one's timers deleted)."""
    table = getattr(p, "posix_timers", None)
    if table is None or not table.current():
        if table is not None:
            table.clear()
        table = p.posix_timers = TimerTable(p)
    return table


def _timer(t, timer_id):
    timer = timers_of(t.proc).timers.get(as_int(timer_id))
    if timer is None:
        raise Errno(EINVAL)
    return timer


def _timer_clock(t, clock):
    """timer_create's clock -> (clock id for Timer, CPU-clock function or None)."""
    if clock in (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID) or clock < 0:
        return clock, _cpu_clock(t, clock)
    if clock not in KNOWN_CLOCKS:
        raise Errno(EINVAL)
    if clock not in TIMER_CLOCKS:                # MONOTONIC_RAW, the COARSE ones; TAI (which
        raise Errno(EOPNOTSUPP if clock != CLOCK_TAI else EINVAL)   # time.py cannot read)
    if clock in ALARM_CLOCKS and not _is_root(t):
        raise Errno(EPERM)
    return clock, None


def sys_timer_create(t, clock, sevp, idp):
    clock, cpu = _timer_clock(t, as_int(clock))
    table = timers_of(t.proc)
    S.init_thread(t)
    thread = None
    if sevp:
        layout = fmt(t.kernel.abi, "<Liii")     # sigval (a pointer's size), signo, notify, tid
        value, signo, notify, target = struct.unpack(layout, t.proc.mm.read(
            sevp, struct.calcsize(layout)))
        t.proc.mm.read(sevp, 64)                 # the whole struct sigevent, as Linux copies it
        if notify == SIGEV_THREAD_ID:
            thread = next((x for x in t.proc.threads if x.tid == target), None)
            if thread is None:
                raise Errno(EINVAL)
        elif notify not in (SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_NONE):
            raise Errno(EINVAL)
        if notify != SIGEV_NONE:
            signo = t.kernel.sigabi.sig_in(signo)      # EINVAL out of range
        if notify == SIGEV_THREAD:
            notify = SIGEV_SIGNAL
    if len(table.timers) >= MAX_TIMERS:
        raise Errno(EAGAIN)
    timer_id = next(i for i in range(len(table.timers) + 1) if i not in table.timers)
    if not sevp:
        value, signo, notify = timer_id, S.SIGALRM, SIGEV_SIGNAL
    timer = PosixTimer(t.kernel, clock, t.proc, timer_id, notify, signo, value, thread, table)
    timer.cpu = cpu
    t.proc.mm.write(idp, struct.pack("<i", timer_id))      # EFAULT: no timer made
    table.timers[timer_id] = timer
    return 0


def sys_timer_settime(t, timer_id, flags, new, old):
    if not new:
        raise Errno(EINVAL)
    interval, value = _read_itimerspec(t, new)
    prev = _timer(t, timer_id).set(flags, value, interval)
    if old:
        t.proc.mm.write(old, _itimerspec(t, *prev))
    return 0


def sys_timer_gettime(t, timer_id, cur):
    t.proc.mm.write(cur, _itimerspec(t, *_timer(t, timer_id).get()))
    return 0


def sys_timer_getoverrun(t, timer_id):
    timer = _timer(t, timer_id)
    timer.settle()
    return timer.overrun_last


def sys_timer_delete(t, timer_id):
    timer = _timer(t, timer_id)
    timer.delete()
    del timer.table.timers[timer.id]
    return 0


# ---- signalfd -----------------------------------------------------------------------------------
SFD_NONBLOCK, SFD_CLOEXEC = O_NONBLOCK, O_CLOEXEC
_SSI = struct.Struct("<IiiIIiIIIIiiQQQQHHiQI28x")      # struct signalfd_siginfo
assert _SSI.size == 128
SI_SIGIO = -5
# si_code limits per signal for the kernel's own codes, and their layout (siginfo_layout)
_LAYOUT = {S.SIGILL: (11, "fault"), S.SIGFPE: (15, "fault"), S.SIGSEGV: (10, "fault"),
           S.SIGBUS: (5, "fault"), S.SIGTRAP: (6, "fault"), S.SIGCHLD: (6, "chld"),
           S.SIGIO: (6, "poll"), S.SIGSYS: (2, "sys")}


def _layout(signo, code):
    if 0 < code < S.SI_KERNEL:
        limit, layout = _LAYOUT.get(signo, (0, ""))
        if code <= limit:
            return layout
        return "poll" if code <= 6 else "kill"
    if code == S.SI_TIMER:
        return "timer"
    if code == SI_SIGIO:
        return "poll"
    return "rt" if code < 0 else "kill"


def signalfd_siginfo(info, sigabi=None):
    """A queued SigInfo as the 128-byte record a signalfd read returns (signalfd_copyinfo):
    the same layout on every ABI, its numbers the ABI's (sigabi)."""
    raw = info.pack()
    if info.raw and sigabi is not None:          # the sender's siginfo, in its ABI's layout
        raw = sigabi.generic_raw(raw)
    signo, errno, code = struct.unpack_from("<iii", raw)
    f = dict.fromkeys(("pid", "uid", "fd", "tid", "band", "overrun", "trapno", "status", "int",
                       "ptr", "utime", "stime", "addr", "addr_lsb", "syscall", "call_addr",
                       "arch"), 0)
    layout = _layout(signo, code)
    if layout in ("kill", "rt", "chld"):
        f["pid"], f["uid"] = struct.unpack_from("<iI", raw, 16)
    if layout in ("rt", "timer"):
        f["ptr"], = struct.unpack_from("<Q", raw, 24)
        f["int"], = struct.unpack_from("<i", raw, 24)
    if layout == "timer":
        f["tid"], f["overrun"] = struct.unpack_from("<iI", raw, 16)
    elif layout == "poll":
        f["band"], f["fd"] = struct.unpack_from("<qi", raw, 16)
    elif layout == "fault":
        f["addr"], = struct.unpack_from("<Q", raw, 16)
    elif layout == "chld":
        f["status"], f["utime"], f["stime"] = struct.unpack_from("<i4xqq", raw, 24)
    elif layout == "sys":
        f["call_addr"], f["syscall"], f["arch"] = struct.unpack_from("<QiI", raw, 16)
    m = 0xFFFFFFFF
    if sigabi is not None:
        if layout == "chld" and code != S.CLD_EXITED:
            f["status"] = sigabi.sig_out(f["status"])           # the signal that stopped/killed
        signo, code = sigabi.sig_out(signo), sigabi.code_out(code)
    return _SSI.pack(signo, errno, code, f["pid"] & m, f["uid"] & m, f["fd"], f["tid"] & m,
                     f["band"] & m, f["overrun"] & m, f["trapno"], f["status"], f["int"],
                     f["ptr"], f["utime"] & (1 << 64) - 1, f["stime"] & (1 << 64) - 1,
                     f["addr"], f["addr_lsb"], 0, f["syscall"], f["call_addr"], f["arch"])


class SignalFd(File):
    """Pending signals of `mask` read as records. Which signals: the reader's -- the thread that
    reads or polls (for poll/epoll, the kernel's current thread, as Linux uses `current`).
    Waiting readers and pollers are woken by kernel/signal.py's generation, which wakes a thread
    parked with these signals in t.restart["sigwait"] even though it blocks them (the mechanism
    rt_sigtimedwait uses)."""
    link_name = "anon_inode:[signalfd]"

    def __init__(self, k, mask, flags):
        super().__init__(O_RDWR | flags & O_NONBLOCK)
        self.k, self.mask = k, mask

    def _wait_for_them(self, t):
        t.restart["sigwait"] = t.restart.get("sigwait", 0) | self.mask

    def read_for(self, t, n):
        if n < _SSI.size:
            raise Errno(EINVAL)
        S.init_thread(t)
        records = []
        while len(records) < n // _SSI.size:
            info = S.dequeue(t, self.mask)
            if info is None:
                break
            records.append(signalfd_siginfo(info, t.kernel.sigabi))
        if not records:
            if self.flags & O_NONBLOCK:
                raise Errno(EAGAIN)
            self._wait_for_them(t)
            raise WouldBlock()
        return b"".join(records)

    def read(self, n):
        return self.read_for(self.k.sched.current, n)

    def write(self, data):
        raise Errno(EINVAL)

    def poll_mask(self):
        t = self.k.sched.current
        if t is None:
            return 0
        S.init_thread(t)
        return POLLIN if (t.pending.mask | t.proc.shared_pending.mask) & self.mask else 0

    def wait_queues(self):
        t = self.k.sched.current
        if t is not None:
            self._wait_for_them(t)               # woken by generation, not by a queue
        return ()

    def stat(self):
        return ANON_INODE


def sys_signalfd4(t, fd, mask, sizemask, flags):
    flags = open_flags_in(t.kernel.abi, flags)          # SFD_NONBLOCK is the ABI's O_NONBLOCK
    if flags & ~(SFD_NONBLOCK | SFD_CLOEXEC) or sizemask != t.kernel.sigabi.setsize:
        raise Errno(EINVAL)
    sigs = t.kernel.sigabi.read_mask(t.proc.mm, mask) & ~S.UNBLOCKABLE
    fd = as_int(fd)
    if fd != -1:
        f = t.proc.fds.get(fd)
        if not isinstance(f, SignalFd):
            raise Errno(EINVAL)
        f.mask = sigs
        return fd
    return t.proc.fds.install(SignalFd(t.kernel, sigs, flags), cloexec=bool(flags & SFD_CLOEXEC))


# ---- setting the clock --------------------------------------------------------------------------
TIME_SETTOD_SEC_MAX = (1 << 63) // NSEC - 30 * 365 * 86400       # KTIME_SEC_MAX - 30 years


def _settod(t, ns):
    """do_sys_settimeofday64's checks for a new time, then the step."""
    if ns is not None and not 0 <= ns // NSEC < TIME_SETTOD_SEC_MAX:
        raise Errno(EINVAL)
    if not _is_root(t):
        raise Errno(EPERM)


def sys_settimeofday(t, tv, tz):
    ns = zone = None
    if tv:
        sec, usec = read_times(t, tv)
        if not 0 <= usec < 1_000_000 or sec < 0:
            raise Errno(EINVAL)
        ns = sec * NSEC + usec * 1000
    if tz:
        zone = t.proc.mm.read(tz, 8)
    _settod(t, ns)
    if zone is not None:
        minuteswest, _ = struct.unpack("<ii", zone)
        if not -15 * 60 <= minuteswest <= 15 * 60:
            raise Errno(EINVAL)
        t.kernel.sys_tz = zone                   # what gettimeofday reports back
    if ns is not None:
        set_realtime(t.kernel, ns)
    return 0


def sys_clock_settime(t, clock, tp):
    clock = as_int(clock)
    cpu = clock in (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID) or clock < 0
    if clock != CLOCK_REALTIME and not cpu:
        raise Errno(EINVAL)                      # no clock_set: EINVAL, known clock or not
    if cpu:
        t.proc.mm.read(tp, 16)
        _cpu_clock(t, clock)                     # a CPU clock can never be set: EPERM after
        raise Errno(EPERM)                       # the other checks (posix_cpu_clock_set)
    ns = _read_timespec(t, tp)
    _settod(t, ns)
    set_realtime(t.kernel, ns)
    return 0


# struct __kernel_timex: modes, offset, freq, maxerror, esterror, status, constant, precision,
# tolerance, time (timeval), tick, ppsfreq, jitter, shift, stabil, jitcnt, calcnt, errcnt, stbcnt,
# tai, then 11 ints of padding
_TIMEX = struct.Struct("<I4xqqqqi4xqqqqqqqqi4xqqqqqi44x")
assert _TIMEX.size == 208
ADJ_OFFSET, ADJ_FREQUENCY, ADJ_MAXERROR, ADJ_ESTERROR = 0x1, 0x2, 0x4, 0x8
ADJ_STATUS, ADJ_TIMECONST, ADJ_TAI, ADJ_SETOFFSET = 0x10, 0x20, 0x80, 0x100
ADJ_MICRO, ADJ_NANO, ADJ_TICK = 0x1000, 0x2000, 0x4000
ADJ_ADJTIME, ADJ_OFFSET_READONLY = 0x8000, 0x2000       # with ADJ_OFFSET: adjtime(3)
STA_PLL, STA_UNSYNC, STA_CLOCKERR, STA_NANO = 0x1, 0x40, 0x1000, 0x2000
STA_RONLY = 0xFF00                   # read-only status bits (PPS*, CLOCKERR, NANO, MODE, CLK)
TIME_OK, TIME_ERROR = 0, 5
USER_HZ = 100
MAXFREQ_SCALED_PPM = 500 << 16      # tolerance: 500 ppm, scaled


def _adjtimex(t, buf):
    """do_adjtimex on the per-kernel Timekeeping; returns the clock state."""
    mm = t.proc.mm
    raw = bytearray(mm.read(buf, _TIMEX.size))
    (modes, offset, freq, maxerror, esterror, status, constant, _precision, _tolerance,
     tv_sec, tv_usec, tick, *_rest) = _TIMEX.unpack(raw)
    root = _is_root(t)
    if modes & ADJ_ADJTIME:                      # timekeeping_validate_timex
        if not modes & ADJ_OFFSET:
            raise Errno(EINVAL)
        if not modes & ADJ_OFFSET_READONLY and not root:
            raise Errno(EPERM)
    else:
        if modes and not root:
            raise Errno(EPERM)
        if modes & ADJ_TICK and not 900_000 // USER_HZ <= tick <= 1_100_000 // USER_HZ:
            raise Errno(EINVAL)
    if modes & ADJ_SETOFFSET:
        if not root:
            raise Errno(EPERM)
        if not 0 <= tv_usec < (NSEC if modes & ADJ_NANO else 1_000_000):
            raise Errno(EINVAL)
    if modes & ADJ_FREQUENCY and not -(1 << 63) // 1000 <= freq <= ((1 << 63) - 1) // 1000:
        raise Errno(EINVAL)
    k, tk = t.kernel, _timekeeping(t.kernel)
    if modes & ADJ_SETOFFSET:                    # timekeeping_inject_offset: a step
        delta = tv_sec * NSEC + tv_usec * (1 if modes & ADJ_NANO else 1000)
        set_realtime(k, clock_ns(k, CLOCK_REALTIME) + delta)
    result_offset = tk.offset
    if modes & ADJ_ADJTIME:
        result_offset = 0                        # the adjustment is applied at once (Partial)
        if not modes & ADJ_OFFSET_READONLY and offset:
            set_realtime(k, clock_ns(k, CLOCK_REALTIME) + offset * 1000)
    else:
        if modes & ADJ_STATUS:
            tk.status = tk.status & STA_RONLY | status & ~STA_RONLY
        if modes & ADJ_NANO:
            tk.status |= STA_NANO
        if modes & ADJ_MICRO:
            tk.status &= ~STA_NANO
        if modes & ADJ_FREQUENCY:
            tk.freq = freq
        if modes & ADJ_MAXERROR:
            tk.maxerror = maxerror
        if modes & ADJ_ESTERROR:
            tk.esterror = esterror
        if modes & ADJ_TIMECONST:
            tk.constant = constant
        if modes & ADJ_TAI and constant >= 0:
            tk.tai = constant
        if modes & ADJ_OFFSET:
            tk.offset = offset
        if modes & ADJ_TICK:
            tk.tick = tick
        result_offset = tk.offset
    now = clock_ns(k, CLOCK_REALTIME)
    sub = now % NSEC if tk.status & STA_NANO else now % NSEC // 1000
    _TIMEX.pack_into(raw, 0, modes, result_offset, tk.freq, tk.maxerror, tk.esterror, tk.status,
                     tk.constant, 1, MAXFREQ_SCALED_PPM, now // NSEC, sub, tk.tick,
                     *[0] * 8, tk.tai)                  # no PPS: its eight fields are 0
    mm.write(buf, bytes(raw))
    return TIME_ERROR if tk.status & (STA_UNSYNC | STA_CLOCKERR) else TIME_OK


def sys_adjtimex(t, buf):
    return _adjtimex(t, buf)


def sys_clock_adjtime(t, clock, buf):
    clock = as_int(clock)
    if clock >= 0 and clock not in KNOWN_CLOCKS or clock < 0 and clock & 7 == 3:
        raise Errno(EINVAL)                      # unknown, or a clock fd (no PTP devices here)
    if clock != CLOCK_REALTIME:
        raise Errno(EOPNOTSUPP)                  # only CLOCK_REALTIME has clock_adj
    return _adjtimex(t, buf)


SYSCALLS = {
    "timerfd_create": (sys_timerfd_create, "int oflags"),
    "timerfd_settime": (sys_timerfd_settime, "fd int ptr ptr"),
    "timerfd_gettime": (sys_timerfd_gettime, "fd ptr"),
    "timer_create": (sys_timer_create, "int ptr ptr"),
    "timer_settime": (sys_timer_settime, "int int ptr ptr"),
    "timer_gettime": (sys_timer_gettime, "int ptr"),
    "timer_getoverrun": (sys_timer_getoverrun, "int"),
    "timer_delete": (sys_timer_delete, "int"),
    "signalfd4": (sys_signalfd4, "fd ptr size oflags"),
    "settimeofday": (sys_settimeofday, "ptr ptr"),
    "clock_settime": (sys_clock_settime, "int ptr"),
    "adjtimex": (sys_adjtimex, "ptr"),
    "clock_adjtime": (sys_clock_adjtime, "int ptr"),
}
