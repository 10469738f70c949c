"""Shared fixtures: the repository on sys.path, guest test programs and the guest rootfs, for
every ISA.

    def test_x(arch, guest_bin, rootfs):
        prog = guest_bin("hello")            # tests/guest/bin/<arch>/hello, built if stale
        prog = guest_bin("hello", libc="musl")   # .../bin/<arch>/musl/hello (build.MUSL's ISAs)
        sh = rootfs / "bin" / "sh"           # <arch>'s rootfs
        bb = debian / "bin" / "busybox"      # Debian's own busybox-static (DEBIAN_ARCH's ISAs)

A test that uses `arch` (or `rootfs` or `guest_bin`, which depend on it) runs once per ISA in
translators.ISAS. `@pytest.mark.isas("riscv64")` (on a test or a module) keeps it to the ISAs
named; a test parametrized over guest program names with `@pytest.mark.guest_programs` runs a
program only for the ISAs that have it (tests/guest/build.py's sources). Both deselect, not skip:
an ISA a test is not meant for is not a missing check. `rootfs_for(arch)` gives any ISA's rootfs.

Without the cross toolchain (`make deps` not run) these fixtures skip the test; under CI
(CI=true) they fail instead, so a missing install step cannot hide behind skips. A test that
uses `debian` must be kept to jitvm.rootfs.DEBIAN_ARCH's ISAs (`isas(*DEBIAN_ARCH)`).
"""
import importlib.util
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.tools import need, need_module  # noqa: E402  (needs REPO on sys.path)


def _guest_build():
    """tests/guest/build.py, loaded by path (no package named `tests` is assumed)."""
    spec = importlib.util.spec_from_file_location("guest_build", REPO / "tests/guest/build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


import translators  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "isas(*names): run this test only for these ISAs")
    config.addinivalue_line("markers", "guest_programs: the test's `name` parameter is a guest "
                                       "program; run it for the ISAs that have that program")


# The ISAs whose per-ISA slow sweeps (busybox's test suite, the syscall-CPU suite, the campaign,
# whole-program torture runs) CI runs. aarch64's would add ~25 minutes on two cores, more than
# CI's 90-minute budget holds beside the other two (docs/testing.md); its translator tests
# (tests/translators/aarch64) and its normal suite do run. JITVM_TEST_ALL_SLOW=1 runs every ISA's.
SLOW_SWEEP_ISAS = ("riscv64", "loongarch64")


# The ISAs under test: all of translators.ISAS unless JITVM_TEST_ISAS names some (the Makefile's
# TEST_ARCHES sets it). A test for another ISA -- any parameter naming it (arch, isa, ...), or a
# translator's own tests under tests/translators/<isa>/ -- is deselected.
TESTED_ISAS = tuple(os.environ.get("JITVM_TEST_ISAS", "").split() or translators.ISAS)


def _untested_isa(item, params):
    untested = set(translators.ISAS) - set(TESTED_ISAS)
    parts = Path(str(item.fspath)).parts
    return (any(isinstance(v, str) and v in untested for v in params.values())
            or (len(parts) > 2 and parts[-3] == "translators" and parts[-2] in untested))


def pytest_collection_modifyitems(config, items):
    build, keep, drop = _guest_build(), [], []
    programs = {isa: set(build.targets(isa)) for isa in translators.ISAS}
    all_slow = os.environ.get("JITVM_TEST_ALL_SLOW") == "1"
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        arch = params.get("arch")
        marker = item.get_closest_marker("isas")
        wrong_isa = arch is not None and marker is not None and arch not in marker.args
        wrong_isa |= (arch is not None and not all_slow and arch not in SLOW_SWEEP_ISAS
                      and item.get_closest_marker("slow") is not None)
        wrong_isa |= _untested_isa(item, params)
        no_program = (arch is not None and item.get_closest_marker("guest_programs") is not None
                      and params.get("name") not in programs[arch])
        (drop if wrong_isa or no_program else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=translators.ISAS)
def arch(request):
    """The guest ISA a test runs for (every ISA in turn)."""
    return request.param


@pytest.fixture(scope="session")
def guest_bin(arch):
    """A function name -> Path of the compiled guest program, for `arch` unless arch= is given."""
    build = _guest_build()
    default = arch

    def get(name, arch=None, libc=""):
        arch = arch or default
        tool = (build.MUSL[arch] if libc == "musl" else build.TOOLCHAINS[arch]).needs
        if tool.startswith("python:"):
            need_module(tool.removeprefix("python:"))
        else:
            need(tool)
        return build.build(name, arch, progress=lambda s: None, libc=libc)

    return get


@pytest.fixture(scope="session")
def rootfs_for():
    """A function arch -> Path of that arch's rootfs, built on first use (one to two minutes;
    cached afterwards)."""
    from jitvm.rootfs import TOOLCHAINS, build_rootfs

    def get(arch):
        for tool in TOOLCHAINS[arch].needs:
            if tool.startswith("python:"):
                need_module(tool.removeprefix("python:"))
            else:
                need(tool)
        return build_rootfs(arch, progress=lambda s: print(s, file=sys.stderr))

    return get


@pytest.fixture(scope="session")
def rootfs(arch, rootfs_for):
    """Path of `arch`'s rootfs, built on first use (one to two minutes; cached afterwards)."""
    return rootfs_for(arch)


@pytest.fixture(scope="session")
def debian(arch):
    """Path of `arch`'s rootfs around Debian's own busybox-static package (`jitvm rootfs --debian`:
    apt fetches it once, qemu lists its applets; cached afterwards). Only for the ISAs in
    jitvm.rootfs.DEBIAN_ARCH. Its /bin/busybox is Debian's binary; other programs in it (/bin/ls
    and the like) need not be busybox, so a test names /bin/busybox itself."""
    from jitvm.qemu import QEMU
    from jitvm.rootfs import DEBIAN_ARCH, build_debian_rootfs
    assert arch in DEBIAN_ARCH, f"Debian has no busybox-static for {arch}: mark the test isas()"
    for tool in ("apt-get", "dpkg-deb", QEMU[arch]):
        need(tool)
    return build_debian_rootfs(arch, progress=lambda s: print(s, file=sys.stderr))
