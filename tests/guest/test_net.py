"""Sockets from guest programs, compared with qemu-<arch>-static (qemu-user passes socket calls
to the host kernel, a fair oracle for AF_UNIX and for TCP/UDP on loopback addresses; the programs
use only those, with names and ports of their own so parallel runs do not meet)."""
import pytest

from tests.differential import compare

ENGINES = ["interp", "jit"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["net_unix", "net_inet"])
def test_matches_qemu(arch, guest_bin, rootfs, engine, name):
    status, out = compare(guest_bin(name), engine=engine, rootfs=rootfs, cwd=rootfs)
    assert status == 0 and b"FAIL" not in out and out.endswith(b"all ok\n")
