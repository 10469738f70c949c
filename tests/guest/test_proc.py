"""Processes and threads in guest programs: fork/wait, execve, vfork, pthreads, futexes and the
process limit, on both tiers.

qemu-user is the oracle where it is a fair one. It is not for: vfork (qemu emulates it with
fork, so the parent neither waits nor sees the child's writes), execve of a riscv64 binary (qemu
hands execve to the host kernel, which needs binfmt_misc to run one), and a fork bomb (the
limit would be the host's). There the expected output is Linux's documented behaviour.
"""
import shutil

import pytest

from tests.differential import compare, run_jitvm

ENGINES = ["interp", "jit"]


@pytest.fixture(scope="module")
def workdir(rootfs):
    """A scratch directory inside the rootfs: the same relative place for qemu and jitvm."""
    d = rootfs / "tmp" / "jitvm-proctest"
    d.mkdir(parents=True, exist_ok=True)
    return d


def local_copy(guest_bin, workdir, name):
    """The program copied into the scratch directory, named ./name: a path that means the same
    file to the host (qemu, jitvm's loader) and to the guest (execve of argv[0])."""
    shutil.copy2(guest_bin(name), workdir / name)
    return f"./{name}"


def jitvm_out(prog, args, engine, rootfs, cwd):
    rc, out, err = run_jitvm(prog, args, cwd, b"", engine, rootfs)
    assert b"Traceback" not in err and b"internal error" not in err, err.decode(errors="replace")
    return rc, out.decode()


@pytest.mark.parametrize("engine", ENGINES)
def test_fork_and_wait_match_qemu(guest_bin, rootfs, workdir, engine):
    status, out = compare(guest_bin("proc_fork_wait"), [], engine, rootfs, cwd=workdir)
    assert status == 0
    assert b"WRONG" not in out and b"killed by 9" in out and b"orphan: reparented" in out


def test_accounting_matches_qemu(guest_bin, rootfs, workdir):
    """getrusage, wait4's rusage, times() and the CPU-time clocks (kernel/rusage.py)."""
    status, out = compare(guest_bin("rusage"), [], "interp", rootfs, cwd=workdir)
    assert status == 0 and out.count(b": yes") == 5 and b"zero" not in out, out


def test_clone3(guest_bin, rootfs, workdir):
    """qemu 7.2 answers clone3 with ENOSYS; these are Linux's answers."""
    rc, out = jitvm_out(guest_bin("proc_fork_wait"), ["clone3"], "interp", rootfs, workdir)
    assert rc == 0
    assert out == ("== clone3\n"
                   "clone3 as fork: pid ok exited 12\n"
                   "clone3 with a short struct: -1 Invalid argument\n"
                   "clone3 CLONE_THREAD without CLONE_SIGHAND: -1 Invalid argument\n"
                   "clone3 with a signal in flags: -1 Invalid argument\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_exec_sh_scripts_and_errors_match_qemu(guest_bin, rootfs, workdir, engine):
    prog = local_copy(guest_bin, workdir, "proc_exec")
    status, out = compare(prog, [], engine, rootfs, cwd=workdir)
    assert status == 0
    assert b"inner: argx ./outer.sh last" in out and b"fd7 closed\nfd8 open" in out


@pytest.mark.parametrize("engine", ENGINES)
def test_exec_of_itself(guest_bin, rootfs, workdir, engine):
    prog = local_copy(guest_bin, workdir, "proc_exec")
    rc, out = jitvm_out(prog, ["self"], engine, rootfs, workdir)
    assert rc == 0
    assert out == ("== self\n"
                   "child: argc=5 [a b] [] [c] env=this environ[1]=(null) comm=proc_exec "
                   "fd7=closed fd8=open\n"
                   "self status: 9\n"
                   "parent comm still proc_exec\n")


# Does the C library's vfork() share the parent's memory? glibc's does (a clone with CLONE_VM |
# CLONE_VFORK); musl has no loongarch64 vfork.s, so there vfork() is fork() and the parent keeps
# its own copy (var stays 0) -- Linux behaviour for that binary either way.
VFORK_SHARES_MEMORY = {"riscv64": True, "loongarch64": False, "aarch64": True, "mipsel": True}


@pytest.mark.parametrize("engine", ENGINES)
def test_vfork_and_posix_spawn(arch, guest_bin, rootfs, workdir, engine):
    rc, out = jitvm_out(guest_bin("proc_vfork"), [], engine, rootfs, workdir)
    assert rc == 0
    var = 42 if VFORK_SHARES_MEMORY[arch] else 0
    assert out == ("child runs first\n"
                   f"parent resumed: var={var}\n"
                   "vfork child status 3\n"
                   "from the child shell\n"
                   "exec'd child status 0; our fd still open\n"
                   "posix_spawn: 0, status 5\n"
                   "posix_spawn of a missing file: No such file or directory\n")


@pytest.mark.parametrize("engine,rounds", [("interp", 20), ("jit", 3)])
def test_threads_match_qemu_every_round(guest_bin, rootfs, workdir, engine, rounds):
    """The whole pthread set `rounds` times in one process: every round prints the same."""
    status, out = compare(guest_bin("proc_threads"), [rounds], engine, rootfs, cwd=workdir)
    lines = out.decode().splitlines()
    assert status == 0 and len(lines) == 4 * rounds
    assert lines == lines[:4] * rounds
    assert lines[0] == "mutex total 80000, atomic total 160000, tls results 1204006, main tls 100"


def test_robust_mutex_owner_death(guest_bin, rootfs, workdir):
    """The robust list walk at thread and process exit (qemu-user has no set_robust_list)."""
    rc, out = jitvm_out(guest_bin("proc_threads"), ["robust"], "interp", rootfs, workdir)
    assert rc == 0
    assert out == ("owner thread died: EOWNERDEAD\n"
                   "relock: 0\n"
                   "owner process died: EOWNERDEAD\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_futex_matches_qemu(guest_bin, rootfs, workdir, engine):
    status, out = compare(guest_bin("proc_futex"), [], engine, rootfs, cwd=workdir)
    assert status == 0
    assert b"cmp_requeue: 3" in out and b"shared futex: woke 1, child exited 9" in out


def test_fork_bomb_meets_the_process_limit(guest_bin, rootfs, workdir):
    rc, out = jitvm_out(guest_bin("proc_forkbomb"), [], "interp", rootfs, workdir)
    assert rc == 0
    assert out == ("forked some: yes; stopped by EAGAIN: yes\n"
                   "killed and reaped all: yes\n"
                   "fork works again: yes\n"
                   "ok\n")


def test_time_reports_what_a_command_used(rootfs):
    """busybox `time` (wait4's rusage): a CPU-bound loop shows user time, sleeping does not."""
    loop = "i=0; while [ $i -lt 1000 ]; do i=$((i+1)); done"
    rc, out, err = run_jitvm(rootfs / "bin" / "busybox",
                             ["sh", "-c", f"time sh -c '{loop}'; time sleep 0.3"], rootfs=rootfs)
    assert rc == 0, err
    secs = {}                       # "user\t0m 0.31s" -> {"user": [0.31, ...]}
    for line in err.decode().splitlines():
        name, _, value = line.partition("\t")
        if value:
            minutes, _, rest = value.partition("m ")
            secs.setdefault(name, []).append(int(minutes) * 60 + float(rest.rstrip("s")))
    assert secs["user"][0] > 0.05 and secs["user"][1] < 0.05, secs
    assert secs["real"][1] >= 0.3, secs
