"""Timers as files and signals, and signals as a file (tests/guest/c/timers.c): timerfd with
poll, select and epoll; POSIX timers (handler with si_value, si_overrun, SIGEV_THREAD_ID,
SIGEV_NONE, a NULL sigevent, absolute and CPU-time clocks); signalfd with SIGUSR1, sigqueue,
SIGCHLD and a timer's signal; the clock-setting calls' errors. Compared with qemu-<arch>-static:
the program prints only what holds however slow the machine is.

`timers settime` sets the clock, which under qemu-user would set the host's: it runs under jitvm
only, against what Linux prints.
"""
import pytest

from tests.differential import compare, run_jitvm

ENGINES = ["interp", "jit"]


@pytest.fixture(scope="module")
def workdir(rootfs):
    d = rootfs / "tmp" / "jitvm-timertest"
    d.mkdir(parents=True, exist_ok=True)
    return d


# Where qemu is not a fair oracle the program's own checks must pass under jitvm instead.
QEMU_UNFAIR = {"mipsel": "qemu-mipsel 7.2 delivers a POSIX timer's signal with si_code -2 "
                         "(asm-generic's SI_TIMER); MIPS's is -3"}


@pytest.mark.parametrize("engine", ENGINES)
def test_timers_match_qemu(arch, guest_bin, rootfs, workdir, engine):
    if arch in QEMU_UNFAIR:
        status, out, err = run_jitvm(guest_bin("timers"), [], workdir, b"", engine, rootfs)
        assert status == 0, (out + err).decode(errors="replace")
    else:
        status, out = compare(guest_bin("timers"), [], engine, rootfs, cwd=workdir)
    assert status == 0 and b"FAIL" not in out and out.endswith(b"all ok\n")


SETTIME = """\
uid 0
clock_settime +1000 s: 0
CLOCK_REALTIME moved by about 1000 s: yes
gettimeofday agrees: yes
CANCEL_ON_SET timerfd read: -1 Operation canceled
adjtimex ADJ_SETOFFSET -1000 s: 0
CLOCK_REALTIME back: yes
settimeofday timezone only: 0
gettimeofday timezone: -60
as uid 1000: clock_settime -1 Operation not permitted
as uid 1000: settimeofday -1 Operation not permitted
as uid 1000: adjtimex query 0
as uid 1000: adjtimex ADJ_MAXERROR -1 Operation not permitted
as uid 1000: timerfd on CLOCK_REALTIME_ALARM -1 Operation not permitted
"""


def test_setting_the_clock(guest_bin, rootfs, workdir):
    rc, out, err = run_jitvm(guest_bin("timers"), ["settime"], workdir, b"", "interp", rootfs)
    assert b"Traceback" not in err and b"internal error" not in err, err.decode(errors="replace")
    assert (rc, out.decode()) == (0, SETTIME)
