"""System V IPC from a guest program (tests/guest/c/sysv_ipc.c): processes that share a segment,
ping-pong with semaphores and exchange typed messages, on both tiers.

qemu-user hands these calls to the host kernel, which is the oracle where qemu is a fair one.
Left out of the program because qemu 7.2 is not: it accepts shmat(SHM_REMAP) without an address
(Linux: EINVAL) and puts msg_lrpid where struct msqid64_ds has its padding. Left out because the
host decides: raising msg_qbytes past msgmnb (root in a container lacks CAP_SYS_RESOURCE).
"""
import pytest

from tests.differential import ORACLE_RETRIES, compare, run_jitvm, run_qemu

ENGINES = ["interp", "jit"]
# Where qemu is not a fair oracle: the same source built for riscv64 and run by qemu-riscv64 is
# (nothing the program prints depends on the ISA), so jitvm's output must equal that.
QEMU_UNFAIR = {
    ("loongarch64", "sysv_ipc"): "qemu-loongarch64 uses 16 KiB pages on a 4 KiB host: a segment "
    "smaller than a guest page is mapped only in part (stores past the host page fault) and an "
    "attach after a detach can fail with ENOMEM",
}


def linux_output(guest_bin, name, rootfs, jitvm_out):
    """What Linux prints for the program: the riscv64 build under qemu-riscv64 (run again on a
    difference, as tests/differential.py's compare does)."""
    for _ in range(ORACLE_RETRIES + 1):
        _, out, _ = run_qemu(guest_bin(name, arch="riscv64"), cwd=rootfs)
        if out == jitvm_out:
            break
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_sysv_ipc_matches_linux(arch, guest_bin, rootfs, engine):
    name = "sysv_ipc"
    if (arch, name) in QEMU_UNFAIR:
        status, out, err = run_jitvm(guest_bin(name), engine=engine, rootfs=rootfs, cwd=rootfs)
        assert b"Traceback" not in err, err.decode(errors="replace")
        expected = linux_output(guest_bin, name, rootfs, out)
        assert out.decode() == expected.decode(), err.decode(errors="replace")
    else:
        status, out = compare(guest_bin(name), [], engine, rootfs, cwd=rootfs)
    assert status == 0 and b"FAIL" not in out and out.endswith(b"all ok\n")
    assert b"counter 100, turns out of order 0" in out
    assert b"child: ok, ok, EIDRM" in out and b"child: received 7" in out
