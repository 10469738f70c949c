"""The guest rootfs that jitvm.rootfs builds: layout, busybox, applet links, /etc."""
import os
import subprocess

import pytest
from elftools.elf.elffile import ELFFile

from jitvm.rootfs import deb_src_entry
from tests.tools import need


def test_busybox_is_a_static_riscv64_executable(rootfs):
    bb = rootfs / "bin" / "busybox"
    head = bb.read_bytes()[:64]
    assert head[:4] == b"\x7fELF" and head[4] == 2      # ELF64
    assert int.from_bytes(head[18:20], "little") == 243  # EM_RISCV
    assert os.access(bb, os.X_OK)
    with open(bb, "rb") as f:
        types = [seg["p_type"] for seg in ELFFile(f).iter_segments()]
    assert "PT_INTERP" not in types and "PT_LOAD" in types    # static: no dynamic loader


@pytest.mark.parametrize("path", ["bin/sh", "bin/ash", "bin/ls", "bin/vi", "bin/ps", "sbin/init",
                                  "usr/bin/awk", "bin/sed", "usr/bin/top", "usr/bin/free",
                                  "bin/gzip", "usr/bin/md5sum", "usr/bin/sha256sum", "usr/bin/od",
                                  "sbin/poweroff"])
def test_applet_links_point_at_busybox(rootfs, path):
    assert os.readlink(rootfs / path) == "/bin/busybox"


def test_directories(rootfs):
    for d in ["dev", "proc", "sys", "tmp", "root", "home", "etc", "usr/bin", "usr/sbin"]:
        assert (rootfs / d).is_dir(), d
    assert (rootfs / "tmp").stat().st_mode & 0o7777 == 0o1777


def test_etc(rootfs):
    etc = rootfs / "etc"
    assert etc.joinpath("passwd").read_text().startswith("root:x:0:0:root:/root:/bin/sh")
    assert etc.joinpath("group").read_text().startswith("root:x:0:")
    assert etc.joinpath("hostname").read_text().strip() == "jitvm"
    profile = etc.joinpath("profile").read_text()
    assert "PATH=" in profile and "PS1=" in profile
    inittab = etc.joinpath("inittab").read_text()
    assert "::wait:-/bin/sh" in inittab and "poweroff" in inittab
    assert not any("respawn" in l for l in inittab.splitlines() if not l.startswith("#"))


def test_stamp_makes_a_second_build_free(rootfs):
    from jitvm.rootfs import build_rootfs

    said = []
    assert build_rootfs("riscv64", progress=said.append) == rootfs
    assert said == []                                    # up to date: no step ran


def test_deb_src_entry_is_derived_from_apt_config():
    entry = deb_src_entry()
    if entry is None:
        pytest.skip("no `deb ... bookworm main` entry on this machine")
    name, body = entry
    assert "deb-src" in body and "bookworm" in body and "main" in body


def test_busybox_runs_under_the_reference_emulator(rootfs):
    qemu = need("qemu-riscv64-static")
    bb = str(rootfs / "bin" / "busybox")
    p = subprocess.run([qemu, bb, "sh", "-c", "echo $((6 * 7)); echo abc | md5sum"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["42", "0bee89b07a248e27c83fc3d5951213c1  -"]
