"""SMP: `--smp N` virtual CPUs running guest threads in parallel.

smp_pthreads is differential: its output (mutexes, condition variables, C11 atomics as AMOs and
LR/SC, TLS, barriers, joins...) does not depend on scheduling, so jitvm at any CPU count must
print exactly what qemu-user prints (qemu runs the threads in parallel on the host's CPUs). Each
configuration runs several times, since a race shows up only now and then; across those runs
the worker threads must also have been seen on more than one CPU when there is more than one.

smp_affinity is not differential (under qemu the CPUs are the host's): it checks the CPU count
the guest sees (sysconf, sched_getaffinity, /proc) and that affinity is honoured (pinned to CPU
k, getcpu says k). The machine's CPU count also reaches busybox nproc, /proc/cpuinfo and a
booted system.

Every VM runs with a subprocess timeout, so a hang (a lost wake-up, a deadlocked CPU) fails the
test instead of blocking the suite.
"""
import re
import shutil

import pytest

from tests.differential import run_jitvm, run_qemu
from tests.test_boot import boot_piped

SMPS = [1, 2, 4]
RUNS = 3                    # runs of each configuration in the normal suite
TIMEOUT = 180               # seconds for one VM run (a normal run takes a few seconds)


@pytest.fixture(scope="module")
def workdir(rootfs):
    """A scratch directory inside the rootfs: the same relative place for qemu and jitvm."""
    d = rootfs / "tmp" / "jitvm-smptest"
    d.mkdir(parents=True, exist_ok=True)
    return d


def jitvm(prog, args, smp, rootfs, cwd, engine="interp", timeout=TIMEOUT, extra=()):
    """-> (status, stdout text, stderr text) of `jitvm run --smp smp prog args`."""
    rc, out, err = run_jitvm(prog, args, cwd, b"", engine, rootfs,
                             extra=["--smp", str(smp), *extra], timeout=timeout)
    err = err.decode(errors="replace")
    assert "Traceback" not in err and "internal error" not in err, err
    return rc, out.decode(errors="replace"), err


def cpus_seen(stderr):
    """The CPUs smp_pthreads' workers reported (sched_getcpu) on stderr."""
    m = re.search(r"^cpus seen:([ \d]*)$", stderr, re.M)
    assert m, f"no 'cpus seen' line on stderr:\n{stderr}"
    return {int(c) for c in m.group(1).split()}


def pthreads_match_qemu(guest_bin, rootfs, workdir, smp, runs, args=(), engine="interp",
                        timeout=TIMEOUT, extra=()):
    prog = guest_bin("smp_pthreads")
    qs, qout, qerr = run_qemu(prog, args, workdir)
    qout = qout.decode()
    assert qs == 0 and qout.endswith(" checks, 0 failed\n"), f"the oracle failed:\n{qout}{qerr}"
    seen = set()
    for run in range(runs):
        rc, out, err = jitvm(prog, args, smp, rootfs, workdir, engine, timeout, extra)
        assert out == qout, (f"run {run + 1} of {runs} (--smp {smp}, {engine}) differs from qemu:\n"
                             f"--- jitvm\n{out}--- jitvm stderr\n{err}")
        assert rc == qs, f"status {rc} != qemu's {qs}; stderr:\n{err}"
        cpus = cpus_seen(err)
        user = set(range(1 if "--syscall-cpu" in extra else 0, smp))   # CPU 0 runs no guest code
        assert cpus and cpus <= user, f"CPUs {sorted(cpus)} on a {smp}-CPU machine ({extra})"
        seen |= cpus
    if len(user) > 1:
        assert len(seen) > 1, (f"in {runs} runs on {smp} CPUs every worker thread ran on CPU "
                               f"{sorted(seen)}: the threads never ran in parallel")


@pytest.mark.parametrize("smp", SMPS)
def test_pthreads_match_qemu(guest_bin, rootfs, workdir, smp):
    pthreads_match_qemu(guest_bin, rootfs, workdir, smp, RUNS)


@pytest.mark.parametrize("smp", SMPS)
def test_affinity_and_getcpu(guest_bin, rootfs, workdir, smp):
    rc, out, err = jitvm(guest_bin("smp_affinity"), [smp], smp, rootfs, workdir)
    failed = [line for line in out.splitlines() if not line.startswith("ok   ")]
    assert rc == 0 and out.endswith(" checks, 0 failed\n"), (
        f"--smp {smp}: status {rc}\n" + "\n".join(failed) + f"\n--- stderr\n{err}")


@pytest.mark.parametrize("smp", [1, 4])
def test_busybox_nproc(rootfs, workdir, smp):
    rc, out, err = jitvm(rootfs / "bin" / "busybox", ["nproc"], smp, rootfs, workdir)
    assert (rc, out) == (0, f"{smp}\n"), err


def test_proc_cpuinfo_lists_every_cpu(rootfs, workdir):
    rc, out, err = jitvm(rootfs / "bin" / "busybox", ["cat", "/proc/cpuinfo"], 4, rootfs, workdir)
    assert rc == 0, err
    assert re.findall(r"^processor\s*: (\d+)$", out, re.M) == ["0", "1", "2", "3"], out


# ---- heavier: more runs, more work, more threads, the jit tier ---------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("smp", [2, 3, 4])
def test_pthreads_heavy_interp(guest_bin, rootfs, workdir, smp):
    pthreads_match_qemu(guest_bin, rootfs, workdir, smp, 8, args=[3], timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("smp,threads", [(2, 1), (2, 3), (4, 8), (4, 16)])
def test_pthreads_thread_counts(guest_bin, rootfs, workdir, smp, threads):
    pthreads_match_qemu(guest_bin, rootfs, workdir, smp, 3, args=[1, threads], timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("smp", SMPS)
def test_pthreads_match_qemu_jit(guest_bin, rootfs, workdir, smp):
    pthreads_match_qemu(guest_bin, rootfs, workdir, smp, 5, args=[2], engine="jit", timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("smp", [2, 4])
def test_affinity_and_getcpu_jit(guest_bin, rootfs, workdir, smp):
    rc, out, err = jitvm(guest_bin("smp_affinity"), [smp], smp, rootfs, workdir, "jit", 600)
    failed = [line for line in out.splitlines() if not line.startswith("ok   ")]
    assert rc == 0 and out.endswith(" checks, 0 failed\n"), (
        f"--smp {smp}: status {rc}\n" + "\n".join(failed) + f"\n--- stderr\n{err}")


@pytest.mark.slow
def test_boot_smp_runs_the_guest_tests(arch, guest_bin, rootfs):
    """The same programs in a booted system (the boot path sets up the CPUs itself)."""
    for name in ("smp_pthreads", "smp_affinity"):
        shutil.copy(guest_bin(name), rootfs / "root" / f"jitvm-{name}")
    status, out = boot_piped(rootfs, "--smp", "4", "--init",
                             "/bin/sh -c '/root/jitvm-smp_affinity 4 && /root/jitvm-smp_pthreads'",
                             timeout=300, arch=arch)
    assert status == 0, out
    assert out.count(" checks, 0 failed\n") == 2, out


@pytest.mark.parametrize("smp", [2, 4])
def test_tlb_shootdown_stops_writers_on_other_cpus(guest_bin, rootfs, workdir, smp):
    """mprotect/munmap while another thread writes the page on another CPU: after the call
    returns, nothing writes through the old mapping (without the shootdown the writer goes on
    until its slice ends -- into a frame already reused for the new mapping, for munmap)."""
    prog = guest_bin("smp_shootdown")
    qs, qout, _ = run_qemu(prog, ["3"], workdir)
    rc, out, err = jitvm(prog, ["3"], smp, rootfs, workdir)
    assert (rc, out) == (qs, qout.decode()) and rc == 0, out + err


# ---- --syscall-cpu: CPU 0 runs every system call, the others only guest code ---------------------
@pytest.mark.parametrize("smp", [2, 4])
def test_syscall_cpu_pthreads_match_qemu(guest_bin, rootfs, workdir, smp):
    """Futexes, joins, TLS, atomics: the same output as qemu when every system call goes through
    the submission queue; the workers run on CPUs 1.. only (cpus_seen)."""
    pthreads_match_qemu(guest_bin, rootfs, workdir, smp, 2, extra=["--syscall-cpu"])


@pytest.mark.parametrize("smp", [2, 4])
def test_syscall_cpu_keeps_affinity_and_getcpu(guest_bin, rootfs, workdir, smp):
    """A thread pinned to CPU 0 alone still runs there (the system-call CPU takes it between
    requests: affinity is never overridden); pinned elsewhere, getcpu says where."""
    rc, out, err = jitvm(guest_bin("smp_affinity"), [smp], smp, rootfs, workdir,
                         extra=["--syscall-cpu"])
    failed = [line for line in out.splitlines() if not line.startswith("ok   ")]
    assert rc == 0 and out.endswith(" checks, 0 failed\n"), (
        f"--smp {smp}: status {rc}\n" + "\n".join(failed) + f"\n--- stderr\n{err}")


SHELL_MIX = r"""
i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo $i | cat | wc -c >/dev/null; done; echo loop $i
(sleep 0.3; echo child done) & pid=$!; kill -STOP $pid; kill -CONT $pid; wait $pid; echo st $?
sleep 5 & kill -TERM $!; wait $!; echo killed $?
trap 'echo got USR1' USR1; (sleep 0.2; kill -USR1 $$) & read -t 3 x </dev/zero; sleep 0.5; wait
grep -c 'jitvm role' /proc/cpuinfo; grep '^jitvm role' /proc/cpuinfo | sort | uniq -c
"""


def test_syscall_cpu_runs_a_shell_with_jobs_and_signals(rootfs, workdir):
    """Pipes, job control stops, kills, a signal during a blocking read, /proc's roles."""
    rc, out, err = jitvm(rootfs / "bin" / "busybox", ["sh", "-c", SHELL_MIX], 3, rootfs, workdir,
                         extra=["--syscall-cpu"])
    assert rc == 0, err
    assert out.splitlines() == ["loop 40", "child done", "st 0", "killed 143", "got USR1", "3",
                                "      2 jitvm role\t: guest code",
                                "      1 jitvm role\t: system calls"], out + err
