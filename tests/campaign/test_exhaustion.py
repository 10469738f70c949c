"""Resource exhaustion and fault modes end in the errno or signal Linux gives, and the VM still
works afterwards and exits cleanly: never a hang, a traceback, an internal error, or a VM killed
by a host limit ("Too many open files", MemoryError).

The probes are tests/guest/c/campaign_limits.c (one mode per limit: it checks Linux's answers
itself and prints "ok"/"FAIL" lines), run on a private copy of the rootfs (sandbox.py), mostly
from a busybox shell that must go on running commands afterwards. Limits that are the kernel's
own (kernel/params.py: processes, threads, descriptors) are met as Linux meets its limits; where
Linux would hang for ever (a pipe no reader will ever drain), `jitvm run` reports the deadlock
(kernel/session.py) and that is what is asserted.
"""
import pytest

from kernel.session import DEADLOCK_STATUS
from tests.campaign.sandbox import Sandbox


@pytest.fixture
def sandbox(arch, rootfs, tmp_path):
    return Sandbox.make(arch, rootfs, tmp_path)


PROG = "/tmp/campaign_limits"       # the guest's name for the program


@pytest.fixture
def limits(sandbox, guest_bin):
    """campaign_limits installed in the sandbox (as PROG): its host path."""
    return sandbox.install(guest_bin("campaign_limits"))


def lines(r):
    return r.out.decode(errors="replace").splitlines()


def assert_all_ok(r, text):
    """A campaign_limits run's section: no FAIL lines, and its "all ok"."""
    assert "FAIL" not in text and "all ok" in text, r.text()


def sections(r):
    """Output split at "== name" lines (what the scripts below print before each probe)."""
    out, name = {}, None
    for line in lines(r):
        if line.startswith("== "):
            name = line[3:]
            out[name] = ""
        elif name:
            out[name] += line + "\n"
    return out


def test_faults_end_in_their_signals(sandbox, limits):
    """Deep recursion, jumps to garbage, huge argv/env, full and closed pipes: each probe dies
    of (or reports) what Linux gives, and the shell that ran it goes on."""
    r = sandbox.shell(f"""
for mode in recurse recurse-alt garbage e2big pipes; do
    echo "== $mode"
    {PROG} $mode
    echo "status $?"
done
echo "== after"
ls /bin | grep -c '^busybox$'
""", timeout=240).check()
    s = sections(r)
    assert r.status == 0, r.text()
    assert s["recurse"] == "recursing\nstatus 139\n", r.text()       # SIGSEGV, as ash reports it
    assert s["recurse-alt"] == ("recursing\ncaught SIGSEGV on the alternate stack\n"
                                "status 0\n"), r.text()
    for mode in ("garbage", "e2big", "pipes"):
        assert_all_ok(r, s[mode])
        assert s[mode].endswith("status 0\n"), r.text()
    assert s["after"] == "1\n", r.text()
    assert b"Segmentation fault" in r.err     # the shell says what killed its child


def test_descriptors_of_twelve_processes(sandbox, limits):
    """Twelve processes open files until open() fails, all at once. Each must get EMFILE with its
    own table full (RLIMIT_NOFILE 1024), or ENFILE when the system's table is (Linux's
    fs.file-max): never a host error passed through, and the VM must not die of its own host
    limit. The VM runs with a host RLIMIT_NOFILE of 4096, less than the 12 x 1024 the guest may
    ask for (a host limit of 1024 or 4096 is common). Then the shell runs more commands."""
    r = sandbox.shell(f"""
{PROG} fds 12
echo "fds status $?"
ls /etc | grep -c '^passwd$'
echo alive
""", nofile=4096, timeout=240).check()
    text = r.out.decode(errors="replace")
    assert r.status == 0, r.text()
    assert_all_ok(r, text)
    assert text.endswith("all ok\nfds status 0\n1\nalive\n"), r.text()


def test_memory_exhaustion(sandbox, limits):
    """In 32 MiB: mmap and brk far past memory give ENOMEM; a process touching memory without
    end is killed (SIGKILL, as the OOM killer does) or sees ENOMEM; the kernel's own copy into
    fresh memory under pressure succeeds or kills, never fails; then memory is back."""
    r = sandbox.shell(f"""
{PROG} mem
echo "mem status $?"
echo alive
""", mem="32M", timeout=240).check()
    text = r.out.decode(errors="replace")
    assert r.status == 0, r.text()
    assert_all_ok(r, text)
    assert text.endswith("all ok\nmem status 0\nalive\n"), r.text()


def test_thread_limit(sandbox, limits):
    """pthread_create until it fails: EAGAIN at the kernel's thread limit (Linux's threads-max),
    then every thread joins and a new one starts."""
    r = sandbox.run(limits, ["threads"], timeout=240).check()
    assert r.status == 0, r.text()
    assert_all_ok(r, r.out.decode(errors="replace"))


@pytest.mark.parametrize("cap", [600, pytest.param(20000, marks=pytest.mark.slow)])
def test_fork_bomb_ends(sandbox, limits, cap):
    """Every process forks until fork fails, each child likewise: fork must fail with EAGAIN at
    the process limit, the bomb must end, every bomber be reaped, and fork work again. The
    program is the run's first process (process 1: orphans come to it). cap: forks in all
    (600: well past the limit, in a few seconds)."""
    r = sandbox.run(limits, ["forkbomb", cap], timeout=900).check()
    assert r.status == 0, r.text()
    assert_all_ok(r, r.out.decode(errors="replace"))


def test_pipe_nobody_reads_is_a_deadlock(sandbox, limits):
    """A child blocks writing into a pipe that no one will ever read while its parent waits for
    it: Linux would hang for ever; `jitvm run` sees that no thread can ever run again, says so
    and exits with DEADLOCK_STATUS (kernel/session.py) -- it must neither hang nor exit 0. The
    same from a shell: `yes` into a FIFO the shell holds open for reading."""
    r = sandbox.run(limits, ["pipe-block"], timeout=180).check()
    assert r.out == b"filling a pipe no one reads\n", r.text()
    assert r.status == DEADLOCK_STATUS and b"deadlock" in r.err, r.text()
    r = sandbox.shell("mkfifo /tmp/p; exec 3<>/tmp/p; echo filling; yes >&3; echo done",
                      timeout=180).check()
    assert r.out == b"filling\n", r.text()
    assert r.status == DEADLOCK_STATUS and b"deadlock" in r.err, r.text()


@pytest.mark.slow
def test_descriptors_at_a_host_limit_of_1024(sandbox, limits):
    """As test_descriptors_of_twelve_processes, on a host whose limit is the common 1024: less
    than one guest process may hold."""
    r = sandbox.shell(f"""
{PROG} fds 12
echo "fds status $?"
{PROG} fds 1
echo "one status $?"
echo alive
""", nofile=1024, timeout=600).check()
    text = r.out.decode(errors="replace")
    assert r.status == 0 and "FAIL" not in text and "all ok\nfds status 0\n" in text, r.text()
    assert text.endswith("all ok\none status 0\nalive\n"), r.text()
