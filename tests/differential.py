"""Differential testing: the same guest binary under jitvm and under qemu-user, compared.

qemu-<arch>-static is the oracle. Both run with the same small environment, the same arguments,
stdin and working directory (a directory inside the root file system, which jitvm's guest sees at
the same relative place), so stdout and exit status must match exactly.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jitvm.qemu import QEMU, QEMU_CPU, qemu_command  # noqa: F401  (re-exported for the tests)

REPO = Path(__file__).resolve().parent.parent
# One variable: qemu-user passes the environment in reverse order, Linux (and jitvm) in order.
ENV = {"PATH": "/bin:/sbin:/usr/bin:/usr/sbin"}
# qemu-loongarch64 7.2 fails now and then on a loaded machine (seen: busybox gzip "out of
# memory", a grep that printed nothing), so a difference from jitvm is confirmed by running the
# oracle again, up to this many times; jitvm itself runs once.
ORACLE_RETRIES = 2
LAUNCH = f"import sys; sys.path.insert(0, {str(REPO)!r}); from jitvm.cli import main; main()"


def status_of(rc):
    """A shell's view of an exit: 128+N for death by signal N (qemu re-raises the signal)."""
    return 128 - rc if rc < 0 else rc


def oracle_path(rootfs):
    """PATH for qemu runs: qemu-user resolves a guest shell's commands on the *host*, so /bin
    would find host programs. This host directory links every command name of the rootfs's
    bin directories (the first in PATH order wins, as in the guest) to the file it leads to
    inside the rootfs -- symlinks followed there, so an applet reaches the rootfs's busybox and
    bash's `ls` Debian's coreutils -- so the shell under qemu runs the same programs as under
    jitvm. One directory per rootfs and state of its bin directories (a rebuilt rootfs gets a
    new one)."""
    import hashlib
    import tempfile
    from jitvm.elfdeps import resolve
    rootfs = Path(rootfs).resolve()
    dirs = ("bin", "sbin", "usr/bin", "usr/sbin")
    key = bytes(rootfs) + repr([(rootfs / sub).stat().st_mtime_ns if (rootfs / sub).is_dir()
                                else 0 for sub in dirs]).encode()
    d = Path(tempfile.gettempdir()) / ("jitvm-oracle-" + hashlib.sha1(key).hexdigest()[:10])
    if not d.exists():
        tmp = Path(tempfile.mkdtemp(dir=d.parent))
        for sub in dirs:
            for entry in sorted((rootfs / sub).iterdir()) if (rootfs / sub).is_dir() else []:
                host = resolve(rootfs, f"/{sub}/{entry.name}")
                if host is not None and host.is_file() and not (tmp / entry.name).exists():
                    (tmp / entry.name).symlink_to(host)
        try:
            tmp.rename(d)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)     # another test built it meanwhile
    return str(d)


def elf_arch(prog):
    """The ISA of an ELF file, from its e_machine (as `jitvm run` detects it)."""
    import translators
    with open(prog, "rb") as f:
        head = f.read(20)
    return translators.ELF_MACHINES[int.from_bytes(head[18:20], "little")]


def run_qemu(prog, args=(), cwd=None, stdin=b"", arch=None, timeout=120, shell_root=None):
    """arch: the ISA whose qemu runs prog (default: prog's own, from its ELF header).
    shell_root: the rootfs whose applets a guest shell should find on PATH (see oracle_path);
    otherwise the guest gets exactly ENV."""
    if arch is None:
        arch = elf_arch(prog if Path(prog).is_absolute() or cwd is None else Path(cwd) / prog)
    qemu = qemu_command(arch)
    assert qemu, f"{QEMU[arch]} missing: run `make deps`"
    env = dict(ENV, PATH=oracle_path(shell_root)) if shell_root else ENV
    # A session of its own: under qemu the guest sees the host's session, and a CI runner in a
    # pid namespace may have its session leader outside it (getsid(0) == 0 there).
    p = subprocess.run([*qemu, str(prog), *map(str, args)], input=stdin, capture_output=True,
                       cwd=cwd, env=env, timeout=timeout, start_new_session=True)
    return status_of(p.returncode), p.stdout, p.stderr


# JITVM_TEST_SYSCALL_CPU=1: every jitvm run of the tests gets --syscall-cpu (and --smp 2 where
# the test gives no --smp), so the whole differential suite checks the system-call CPU
# (tests/guest/test_syscall_cpu_suite.py runs it so, in the slow set).
SYSCALL_CPU = os.environ.get("JITVM_TEST_SYSCALL_CPU") == "1"


def run_jitvm(prog, args=(), cwd=None, stdin=b"", engine="interp", rootfs=None, extra=(),
              timeout=600, env=None):
    cmd = [sys.executable, "-c", LAUNCH, "run", "--engine", engine]
    if rootfs:
        cmd += ["--rootfs", str(rootfs)]
    if SYSCALL_CPU and "--syscall-cpu" not in extra:
        extra = [*extra, "--syscall-cpu"] + ([] if "--smp" in extra else ["--smp", "2"])
    cmd += [*extra, str(prog), *map(str, args)]
    e = dict(ENV, **(env or {}))
    if engine == "jit":
        # translate synchronously and early, so compiled blocks certainly run in the test
        e.update(JITVM_COMPILE="sync", JITVM_HOT_THRESHOLD="2000")
    e["JITVM_CACHE"] = os.environ.get("JITVM_CACHE", os.path.expanduser("~/.cache/jitvm"))
    p = subprocess.run(cmd, input=stdin, capture_output=True, cwd=cwd, env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def compare(prog, args=(), engine="interp", rootfs=None, cwd=None, stdin=b"", arch=None,
            shell=False):
    """Run under both; assert identical stdout and status; return (status, stdout).
    shell=True for a guest that runs other programs by PATH (busybox sh): qemu then gets a PATH
    leading to the rootfs's applets, as the guest's /bin does under jitvm."""
    def oracle():
        return run_qemu(prog, args, cwd, stdin, arch, shell_root=rootfs if shell else None)

    qs, qout, qerr = oracle()
    js, jout, jerr = run_jitvm(prog, args, cwd, stdin, engine, rootfs)
    assert b"Traceback" not in jerr, jerr.decode(errors="replace")
    for _ in range(ORACLE_RETRIES):
        if (js, jout) == (qs, qout):
            break
        qs, qout, qerr = oracle()         # a difference must survive the oracle running again
    assert jout == qout, (f"stdout differs for {prog} {list(args)} ({engine})\n--- qemu "
                          f"(status {qs}, stderr {qerr[-500:]!r})\n"
                          f"{qout.decode(errors='replace')}\n--- jitvm (status {js})\n"
                          f"{jout.decode(errors='replace')}\n--- jitvm stderr\n"
                          f"{jerr.decode(errors='replace')}")
    assert js == qs, f"status {js} != qemu's {qs}; jitvm stderr:\n{jerr.decode(errors='replace')}"
    return js, jout
