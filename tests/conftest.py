"""Shared fixtures: the repository on sys.path, guest test programs and the guest rootfs.

    def test_x(guest_bin, rootfs, rootfs_for):
        prog = guest_bin("hello")            # Path to tests/guest/bin/riscv64/hello, built if stale
        la = guest_bin("hello", arch="loongarch64")
        sh = rootfs / "bin" / "sh"           # the riscv64 rootfs; rootfs_for("loongarch64") another

Without the cross toolchain (`make deps` not run) these fixtures skip the test; under CI
(CI=true) they fail instead, so a missing install step cannot hide behind skips.
"""
import importlib.util
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


@pytest.fixture(scope="session")
def guest_bin():
    """A function name -> Path of the compiled guest program (riscv64 unless arch= is given)."""
    build = _guest_build()

    def get(name, arch="riscv64"):
        tool = build.TOOLCHAINS[arch].needs
        if tool.startswith("python:"):
            need_module(tool.removeprefix("python:"))
        else:
            need(tool)
        return build.build(name, arch, progress=lambda s: None)

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
def rootfs(rootfs_for):
    """Path of the riscv64 rootfs, built on first use (about a minute; cached afterwards)."""
    return rootfs_for("riscv64")
