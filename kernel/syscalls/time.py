"""Time family: clocks and sleeping.

Implemented: clock_gettime clock_getres gettimeofday nanosleep clock_nanosleep times.
Sleeping parks the thread on a timer (kernel/sched.py); the CPU runs others meanwhile.
CLOCK_REALTIME reads add the offset settimeofday/clock_settime set (kernel/syscalls/timers.py).
"""
import struct
import time

from kernel import rusage
from kernel.abimap import fmt
from kernel.errno import EINVAL, Errno
from kernel.rusage import USER_HZ, ticks
from kernel.sched import WouldBlock
from kernel.uapi import pack_timespec, pack_times, read_times

CLOCKS = {0: time.CLOCK_REALTIME, 1: time.CLOCK_MONOTONIC, 2: time.CLOCK_PROCESS_CPUTIME_ID,
          3: time.CLOCK_THREAD_CPUTIME_ID, 4: time.CLOCK_MONOTONIC_RAW, 5: time.CLOCK_REALTIME,
          6: time.CLOCK_MONOTONIC, 7: time.CLOCK_BOOTTIME}
TIMER_ABSTIME = 1
CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID = 2, 3


def _read_timespec(t, ptr):
    sec, nsec = read_times(t, ptr)
    if sec < 0 or not 0 <= nsec < 1_000_000_000:
        raise Errno(EINVAL)
    return sec * 1_000_000_000 + nsec


def _now(clock, k=None):
    """The host's clock; CLOCK_REALTIME reads add k's offset (settimeofday: syscalls/timers.py)."""
    if clock not in CLOCKS:
        raise Errno(EINVAL)
    ns = time.clock_gettime_ns(CLOCKS[clock])
    return ns + getattr(k, "realtime_offset_ns", 0) if CLOCKS[clock] == time.CLOCK_REALTIME else ns


def sys_clock_gettime(t, clock, tp):
    if clock in (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID):    # the guest's, not ours
        u = rusage.of_process(t.proc) if clock == CLOCK_PROCESS_CPUTIME_ID else t.usage
        ns = u.utime_ns + u.stime_ns
    else:
        ns = _now(clock, t.kernel)
    t.proc.mm.write(tp, pack_timespec(t, ns))
    return 0


def sys_clock_getres(t, clock, res):
    _now(clock)
    if res:
        t.proc.mm.write(res, pack_timespec(t, 1))
    return 0


def sys_gettimeofday(t, tv, tz):
    ns = time.time_ns() + getattr(t.kernel, "realtime_offset_ns", 0)
    if tv:
        t.proc.mm.write(tv, pack_times(t, ns // 10**9, ns % 10**9 // 1000))
    if tz:
        t.proc.mm.write(tz, getattr(t.kernel, "sys_tz", bytes(8)))
    return 0


def _sleep(t, ns):
    """Block until ns from the first call (the call is re-entered after each wake-up)."""
    wake_at = t.restart.setdefault("wake_at", time.monotonic() + ns / 1e9)
    if time.monotonic() < wake_at:
        raise WouldBlock(deadline=wake_at)
    return 0


def sys_nanosleep(t, req, rem):
    return _sleep(t, _read_timespec(t, req))


def sys_clock_nanosleep(t, clock, flags, req, rem):
    ns = _read_timespec(t, req)
    if flags & TIMER_ABSTIME:
        ns -= _now(clock, t.kernel) if "wake_at" not in t.restart else 0
    else:
        _now(clock)
    return _sleep(t, max(ns, 0))


def sys_times(t, buf):
    if buf:
        u, c = rusage.of_process(t.proc), rusage.of_children(t.proc)
        t.proc.mm.write(buf, struct.pack(fmt(t.kernel.abi, "<4l"),       # clock_t: long
                                         ticks(u.utime_ns), ticks(u.stime_ns),
                                         ticks(c.utime_ns), ticks(c.stime_ns)))
    return int(t.kernel.uptime() * USER_HZ)


SYSCALLS = {
    "clock_gettime": (sys_clock_gettime, "int ptr"),
    "clock_getres": (sys_clock_getres, "int ptr"),
    "gettimeofday": (sys_gettimeofday, "ptr ptr"),
    "nanosleep": (sys_nanosleep, "ptr ptr"),
    "clock_nanosleep": (sys_clock_nanosleep, "int hex ptr ptr"),
    "times": (sys_times, "ptr"),
}
