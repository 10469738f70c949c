"""`jitvm run` on bad input: one clear line, the right status, never a traceback."""
import shutil
import subprocess
import sys

import pytest

import translators

from tests.differential import ENV, LAUNCH, run_jitvm

# bad input is the kernel's and the CLI's, whatever the ISA: riscv64 stands for all
# (test_run_detects_the_isa_from_the_elf covers the others)
pytestmark = pytest.mark.isas("riscv64")


def jitvm(*args, timeout=600, **kw):
    p = subprocess.run([sys.executable, "-c", LAUNCH, *args], capture_output=True, env=ENV,
                       timeout=timeout, **kw)
    assert b"Traceback" not in p.stderr, p.stderr.decode()
    return p.returncode, p.stdout.decode(), p.stderr.decode()


@pytest.fixture
def root(rootfs):
    return str(rootfs)


def test_missing_program(root):
    st, _, err = jitvm("run", "--rootfs", root, "/no/such/program")
    assert st == 127 and "no such file" in err and len(err.strip().splitlines()) == 1


def test_not_an_elf(root, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("just text\n")
    st, _, err = jitvm("run", "--rootfs", root, str(f))
    assert st == 126 and "not an ELF executable" in err


def test_elf_for_another_machine(root):
    st, _, err = jitvm("run", "--rootfs", root, shutil.which("true") or "/bin/true")
    assert st == 126 and "ELF for x86_64, not riscv64" in err


def test_with_arch_a_path_the_host_has_for_another_machine_is_the_rootfs_s(root):
    """`jitvm run --arch A /bin/sh`: the host's /bin/sh is x86_64, so the rootfs's runs (its
    busybox link followed inside the rootfs); argv[0] stays as given."""
    st, out, err = jitvm("run", "--arch", "riscv64", "--rootfs", root, "/bin/sh", "-c",
                         'echo "$0" $(readlink /proc/$$/exe)')
    assert (st, out) == (0, "/bin/sh /bin/busybox\n"), err
    st, _, err = jitvm("run", "--arch", "riscv64", "--rootfs", root, "/no/such/program")
    assert st == 127 and "no such file" in err


def test_truncated_elf(root, guest_bin, tmp_path):
    f = tmp_path / "cut"
    f.write_bytes(guest_bin("hello").read_bytes()[:5000])
    st, _, err = jitvm("run", "--rootfs", root, str(f))
    assert st == 126 and "truncated" in err


def test_dynamic_elf_without_interpreter(tmp_path):
    (tmp_path / "d.c").write_text("int main(void) { return 0; }\n")
    subprocess.run(["riscv64-linux-gnu-gcc", "-o", str(tmp_path / "d"), str(tmp_path / "d.c")],
                   check=True)
    bare = tmp_path / "root"            # (the rootfs jitvm builds has glibc's ld.so)
    bare.mkdir()
    st, _, err = jitvm("run", "--rootfs", str(bare), str(tmp_path / "d"))
    assert st == 126 and "interpreter /lib/ld-linux-riscv64-lp64d.so.1 is not in the root" in err


def test_missing_rootfs(tmp_path, guest_bin):
    st, _, err = jitvm("run", "--rootfs", str(tmp_path / "none"), str(guest_bin("hello")))
    assert st != 0 and "not a directory" in err


@pytest.mark.parametrize("engine", ["interp", "jit"])
def test_jump_into_data_is_sigsegv(guest_bin, rootfs, engine):
    st, out, err = run_jitvm(guest_bin("jump_data"), engine=engine, rootfs=rootfs)
    assert st == 139 and out == b"jumping into data\n"
    assert b"Segmentation fault" in err and b"execute at" in err


def test_out_of_memory_kills_the_guest_not_the_vm(guest_bin, rootfs):
    st, out, err = run_jitvm(guest_bin("oom"), engine="interp", rootfs=rootfs,
                             extra=("--mem", "64M"))
    assert out.startswith(b"allocating\n")
    assert st == 137 and b"out of memory" in err, err.decode()


def test_help_explains_every_option():
    st, out, _ = jitvm("run", "--help")
    assert st == 0
    for opt in ("--arch", "--rootfs", "--engine", "--mem", "--strace", "--stats", "PROGRAM"):
        assert opt in out


def test_strace_decodes_arguments(guest_bin, rootfs):
    st, out, err = run_jitvm(guest_bin("exitcode"), ["4"], engine="interp", rootfs=rootfs,
                             extra=("--strace",))
    assert st == 4
    assert b"exit_group(4) = ?" in err and b"set_tid_address(0x" in err


def test_relative_program_path(guest_bin, rootfs, tmp_path):
    """glibc reads /proc/self/exe at start-up and requires an absolute path there."""
    import os
    prog = guest_bin("exitcode")
    rel = os.path.relpath(prog, tmp_path)
    st, out, err = jitvm("run", "--rootfs", str(rootfs), rel, "5", cwd=tmp_path)
    assert st == 5, err


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_is_not_a_program(root, tmp_path, kind):
    """Both used to be read: a FIFO blocked `jitvm run` for ever, /dev/zero read until
    MemoryError. They are opened without blocking and refused, as execve refuses them."""
    import os
    path = "/dev/zero"
    if kind == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    st, _, err = jitvm("run", "--rootfs", root, path, timeout=60)
    assert st == 126 and "not a regular file" in err and len(err.strip().splitlines()) == 1


def test_a_deadlocked_guest_exits_non_zero(root):
    """Every thread blocked for good (a FIFO nobody will open for writing) ends the run with a
    message and status 1, not 0."""
    st, _, err = jitvm("run", "--rootfs", root, f"{root}/bin/busybox", "sh", "-c",
                       "mkfifo /tmp/jitvm-deadlock-fifo; cat /tmp/jitvm-deadlock-fifo",
                       timeout=300)
    subprocess.run(["rm", "-f", f"{root}/tmp/jitvm-deadlock-fifo"])
    assert st == 1 and "deadlock" in err


@pytest.mark.isas(*translators.ISAS)
def test_run_detects_the_isa_from_the_elf(arch, guest_bin, rootfs):
    """No --arch: `jitvm run` reads the ISA from the ELF header and that ISA's rootfs is the
    default one, as qemu-<arch> would run it."""
    from tests.differential import run_qemu
    prog = guest_bin("hello")
    st, out, err = jitvm("run", "--engine", "interp", str(prog), "x")
    qs, qout, _ = run_qemu(prog, ["x"])
    assert (st, out) == (qs, qout.decode()) and arch in out, err
