"""The guest test programs themselves, under the reference emulator (qemu-user): each builds,
exits with the status it is meant to, and prints the same thing twice. No jitvm here: this checks
the corpus that the differential tests compare jitvm against."""
import subprocess

import pytest
from tests.tools import need

from tests.differential import QEMU, qemu_command

ENV = {"PATH": "/bin:/usr/bin", "LANG": "C"}
# name -> (arguments, expected exit status as a shell reports it: 128+N for signal N)
EXPECTED = {
    "hello": (["a", "b c"], 3),
    "hello_nocompress": (["x"], 3),
    "exitcode": (["42"], 42),
    "int_ops": ([], 0),
    "atomics": ([], 0),
    "compressed": ([], 0),
    "rvc_mix": ([], 0),
    "delay_slots": ([], 0),
    "memory": ([], 0),
    "files": ([], 0),
    "identity": ([], 0),
    "sort_bench": (["50000"], 0),
    "segv": ([], 128 + 11),
    "rofault": ([], 128 + 11),
    "illegal": ([], 128 + 4),
    "jump_data": ([], 128 + 11),
    "smc": ([], 0),
}
# Where qemu-user is not a fair oracle for a program on an ISA: the reason. Those runs assert
# Linux's documented behaviour under jitvm instead (test_differential.py), not qemu's output.
QEMU_DIFFERS = {
    ("loongarch64", "identity"): "QEMU 7.2 gives loongarch64 16 KiB pages (AT_PAGESZ 16384); "
                                 "jitvm, like Linux built with 4 KiB pages, gives 4096",
    ("loongarch64", "memory"): "the same 16 KiB pages change its page-size line and mmap sums",
    # qemu-mipsel 7.2 where it is not Linux (tests/guest/README.md): the program's own checks
    ("mipsel", "files"): "glibc's readdir (32-bit offsets) lists nothing under qemu: the host's "
                         "64-bit directory offsets pass through",
    ("mipsel", "timers"): "qemu delivers si_code -2 for a timer; MIPS's SI_TIMER is -3",
    ("mipsel", "sig_handler"): "qemu neither saves nor restores FCSR in the signal frame",
    ("mipsel", "sig_fault"): "qemu sends SIGTRAP for break 6/7 and teq ...,7 (Linux: SIGFPE) and "
                             "SIGBUS for a misaligned lw (Linux emulates it)",
    ("mipsel", "policy"): "qemu passes PIDFD_NONBLOCK and the MIPS siginfo to the host "
                          "unconverted and hangs (so it is not run under qemu at all)",
    ("mipsel", "file_objects"): "qemu reports the SIGBUS past a file's end a page off",
    ("mipsel", "net_inet"): "qemu hands SO_ERROR's errno over unconverted (the host's 111, "
                            "not MIPS's ECONNREFUSED 146)",
}

QEMU_HANGS = {("mipsel", "policy")}


def run(qemu, prog, args):
    p = subprocess.run([*qemu, str(prog), *args], capture_output=True, env=ENV, timeout=120,
                       start_new_session=True)        # see differential.run_qemu
    return (128 - p.returncode if p.returncode < 0 else p.returncode), p.stdout


@pytest.mark.guest_programs
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_program_under_qemu(arch, guest_bin, name):
    need(QEMU[arch])
    args, status = EXPECTED[name]
    prog = guest_bin(name)
    if (arch, name) in QEMU_HANGS:
        pytest.skip(QEMU_DIFFERS[arch, name])
    first, second = run(qemu_command(arch), prog, args), run(qemu_command(arch), prog, args)
    if (arch, name) in QEMU_DIFFERS:
        assert first == second
        return
    assert first[0] == status, first[1].decode(errors="replace")
    assert first == second                    # deterministic output
    assert b"FAIL" not in first[1]
