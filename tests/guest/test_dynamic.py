"""Dynamically linked glibc programs (tests/guest/dyn/): Debian's ld.so and libraries, which
`jitvm rootfs` copies into the rootfs's /lib, load and run them -- libm, pthreads, TLS in the
executable and in a library opened with dlopen, LD_LIBRARY_PATH. Compared with qemu-user running
the same binaries with -L <the cross glibc>. Only ISAs whose toolchain has a glibc
(tests/guest/build.py TOOLCHAINS[...].sysroot; loongarch64's zig toolchain is musl-only)."""
import os
import shutil
import subprocess

import pytest

from tests.differential import ENV, ORACLE_RETRIES, qemu_command, run_jitvm, status_of
from tests.guest.build import TOOLCHAINS, bin_dir

pytestmark = pytest.mark.isas(*[a for a, tc in TOOLCHAINS.items() if tc.sysroot])

CASES = {"dyn_hello": (["one", "two"], 3), "dyn_tls": ([], 0)}


@pytest.fixture
def dyndir(arch, guest_bin, rootfs):
    """The dynamic programs and their plugin, copied inside the rootfs (guest /tmp/dyn-<pid>)."""
    guest_bin("hello")                      # builds the arch's programs, dyn/ included
    d = rootfs / "tmp" / f"dyn-{os.getpid()}"
    shutil.copytree(bin_dir(arch) / "dyn", d, dirs_exist_ok=True)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("engine", ["interp", "jit"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_dynamic_program_matches_qemu(arch, rootfs, dyndir, engine, name):
    assert (rootfs / "lib" / "libc.so.6").exists(), "rootfs without glibc: rerun `jitvm rootfs`"
    args, want = CASES[name]
    guest_lib = "/" + str(dyndir.relative_to(rootfs))
    js, jout, jerr = run_jitvm(dyndir / name, args, cwd=dyndir, rootfs=rootfs, engine=engine,
                               env={"LD_LIBRARY_PATH": guest_lib})
    assert b"Traceback" not in jerr, jerr.decode(errors="replace")
    for _ in range(ORACLE_RETRIES + 1):
        q = subprocess.run([*qemu_command(arch), "-L", TOOLCHAINS[arch].sysroot, str(dyndir / name), *args],
                           capture_output=True, cwd=dyndir, timeout=120,
                           env=dict(ENV, LD_LIBRARY_PATH=str(dyndir)))
        if (status_of(q.returncode), q.stdout) == (js, jout):
            break
    assert jout == q.stdout, (f"--- qemu\n{q.stdout.decode(errors='replace')}--- jitvm\n"
                              f"{jout.decode(errors='replace')}{jerr.decode(errors='replace')}")
    assert js == status_of(q.returncode) == want
