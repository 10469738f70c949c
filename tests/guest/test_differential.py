"""Every guest program under jitvm (interp and jit tiers) against qemu-<arch>-static: stdout and
exit status must be identical. The expected statuses are in test_programs.EXPECTED; where qemu is
not a fair oracle (test_programs.QEMU_DIFFERS) the program's own checks must pass under jitvm."""
import importlib.util
from pathlib import Path

import pytest

from tests.differential import compare, run_jitvm

def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


programs = _load("programs", "test_programs.py")
build = _load("guest_build", "build.py")


@pytest.fixture(scope="module")
def workdir(rootfs):
    """A scratch directory inside the rootfs: the same relative place for qemu and jitvm."""
    d = rootfs / "tmp" / "jitvm-difftest"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.mark.guest_programs
@pytest.mark.parametrize("engine", ["interp", "jit"])
@pytest.mark.parametrize("name", sorted(programs.EXPECTED))
def test_program_matches_qemu(arch, guest_bin, rootfs, workdir, engine, name):
    args, status = programs.EXPECTED[name]
    if (arch, name) in programs.QEMU_DIFFERS:
        got, out, err = run_jitvm(guest_bin(name), args, workdir, engine=engine, rootfs=rootfs)
        assert b"FAIL" not in out and b"Traceback" not in err, (out + err).decode()
    else:
        got, _ = compare(guest_bin(name), args, engine, rootfs, cwd=workdir, arch=arch)
    assert got == status


# The same programs built against musl (tests/guest/build.py's MUSL: ISAs whose programs are glibc
# ones): a sample in the normal suite, every program on both tiers in the slow set.
MUSL_SAMPLE = ("atomics", "hello", "int_ops", "memory")


def _musl_case(engine, name, slow):
    marks = [pytest.mark.slow] if slow else []
    return pytest.param(engine, name, marks=marks, id=f"{engine}-{name}")


@pytest.mark.isas(*build.MUSL)
@pytest.mark.guest_programs
@pytest.mark.parametrize("engine, name", [
    _musl_case(engine, name, slow=not (engine == "jit" and name in MUSL_SAMPLE))
    for engine in ("interp", "jit") for name in sorted(programs.EXPECTED)])
def test_musl_program_matches_qemu(arch, guest_bin, rootfs, workdir, engine, name):
    args, status = programs.EXPECTED[name]
    prog = guest_bin(name, libc="musl")
    if (arch, name) in programs.QEMU_DIFFERS:
        got, out, err = run_jitvm(prog, args, workdir, engine=engine, rootfs=rootfs)
        assert b"FAIL" not in out and b"Traceback" not in err, (out + err).decode()
    else:
        got, _ = compare(prog, args, engine, rootfs, cwd=workdir, arch=arch)
    assert got == status


def test_python_tier_runs_the_same_semantics(arch, guest_bin, rootfs, workdir):
    """The plain-CPython tier on a short program (it is ~1000x slower than the compiled ones)."""
    compare(guest_bin("exitcode"), ["7"], "python", rootfs, cwd=workdir, arch=arch)
    compare(guest_bin("hello"), ["a"], "python", rootfs, cwd=workdir, arch=arch)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["interp", "jit"])
def test_fp_torture_whole_program(arch, guest_bin, rootfs, workdir, engine):
    """Every F/D operation in every rounding mode on ~160k operand pairs, with fflags, run as a
    whole program (the unit tests replay the same cases through the semantics directly)."""
    status, out = compare(guest_bin("fp_torture"), [], engine, rootfs, cwd=workdir, arch=arch)
    assert status == 0 and out.count(b"\n") > 100_000
