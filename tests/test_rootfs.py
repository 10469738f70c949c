"""The guest rootfs that jitvm.rootfs builds, for every ISA it knows: layout, busybox, applet
links, /etc. Each arch's rootfs is built on first use (one to two minutes), then cached."""
import os
import subprocess

import pytest
from elftools.elf.elffile import ELFFile

from jitvm.rootfs import TOOLCHAINS, deb_src_entry
from tests.differential import QEMU, qemu_command
from tests.tools import need

# arch -> (ELF class, e_machine, e_flags mask, e_flags value: the ABI)
ELF = {
    "riscv64": (2, 243, 0x6, 0x4),          # EM_RISCV, EF_RISCV_FLOAT_ABI_DOUBLE
    "loongarch64": (2, 258, 0x7, 0x3),      # EM_LOONGARCH, EF_LOONGARCH_ABI_DOUBLE_FLOAT (lp64d)
    "aarch64": (2, 183, 0x0, 0x0),          # EM_AARCH64 (no ABI flags)
    "mipsel": (1, 8, 0xf000f000, 0x70001000),   # ELF32, EM_MIPS, EF_MIPS_ARCH_32R2, EF_MIPS_ABI_O32
}


def test_every_toolchain_has_its_facts_here():
    assert set(ELF) == set(QEMU) == set(TOOLCHAINS)


@pytest.fixture(params=sorted(TOOLCHAINS))
def arch_rootfs(request, rootfs_for):
    return request.param, rootfs_for(request.param)


def test_busybox_is_a_static_executable_of_the_arch(arch_rootfs):
    arch, rootfs = arch_rootfs
    bb = rootfs / "bin" / "busybox"
    head = bb.read_bytes()[:64]
    elf_class, machine, mask, flags = ELF[arch]
    assert head[:4] == b"\x7fELF" and head[4] == elf_class and head[5] == 1   # little-endian
    assert int.from_bytes(head[18:20], "little") == machine
    e_flags = int.from_bytes(head[48:52] if elf_class == 2 else head[36:40], "little")
    assert e_flags & mask == flags, hex(e_flags)
    assert os.access(bb, os.X_OK)
    with open(bb, "rb") as f:
        types = [seg["p_type"] for seg in ELFFile(f).iter_segments()]
    assert "PT_INTERP" not in types and "PT_LOAD" in types    # static: no dynamic loader


@pytest.mark.parametrize("path", ["bin/sh", "bin/ash", "bin/ls", "bin/vi", "bin/ps", "sbin/init",
                                  "usr/bin/awk", "bin/sed", "usr/bin/top", "usr/bin/free",
                                  "bin/gzip", "usr/bin/md5sum", "usr/bin/sha256sum", "usr/bin/od",
                                  "sbin/poweroff"])
def test_applet_links_point_at_busybox(arch_rootfs, path):
    assert os.readlink(arch_rootfs[1] / path) == "/bin/busybox"


def test_directories(arch_rootfs):
    rootfs = arch_rootfs[1]
    for d in ["dev", "proc", "sys", "tmp", "root", "home", "etc", "usr/bin", "usr/sbin"]:
        assert (rootfs / d).is_dir(), d
    assert (rootfs / "tmp").stat().st_mode & 0o7777 == 0o1777


def test_etc(arch_rootfs):
    etc = arch_rootfs[1] / "etc"
    assert etc.joinpath("passwd").read_text().startswith("root:x:0:0:root:/root:/bin/sh")
    assert etc.joinpath("group").read_text().startswith("root:x:0:")
    assert etc.joinpath("hostname").read_text().strip() == "jitvm"
    profile = etc.joinpath("profile").read_text()
    assert "PATH=" in profile and "PS1=" in profile
    inittab = etc.joinpath("inittab").read_text()
    assert "::wait:-/bin/sh" in inittab and "poweroff" in inittab
    assert not any("respawn" in l for l in inittab.splitlines() if not l.startswith("#"))


def test_stamp_makes_a_second_build_free(arch_rootfs):
    from jitvm.rootfs import build_rootfs

    arch, rootfs = arch_rootfs
    said = []
    assert build_rootfs(arch, progress=said.append) == rootfs
    assert said == []                                    # up to date: no step ran


def test_deb_src_entry_is_derived_from_apt_config():
    entry = deb_src_entry()
    if entry is None:
        pytest.skip("no `deb ... bookworm main` entry on this machine")
    name, body = entry
    assert "deb-src" in body and "bookworm" in body and "main" in body


def test_tool_wrapper_drops_only_the_listed_arguments(tmp_path):
    """The CC script a zig build gets: rejected linker flags gone, everything else in order."""
    from jitvm.rootfs import _wrapper

    script = tmp_path / "cc"
    script.write_text(_wrapper("CC", ("printf", "%s\\n"), ("-Wl,--warn-common", "-Wl,-Map,*")))
    script.chmod(0o755)
    args = ["-o", "a b", "-Wl,--warn-common", "-Wl,-Map,busybox.map", "-Wl,--gc-sections", "*"]
    out = subprocess.run([script, *args], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["-o", "a b", "-Wl,--gc-sections", "*"]


def test_busybox_runs_under_the_reference_emulator(arch_rootfs):
    arch, rootfs = arch_rootfs
    need(QEMU[arch])
    qemu = qemu_command(arch)
    bb = str(rootfs / "bin" / "busybox")
    p = subprocess.run([*qemu, bb, "sh", "-c", "echo $((6 * 7)); echo abc | md5sum"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["42", "0bee89b07a248e27c83fc3d5951213c1  -"]
    # awk keeps its globals behind busybox's const-pointer trick, which clang (zig's compiler)
    # miscompiled into a NULL dereference until the build dropped the const.
    p = subprocess.run([*qemu, bb, "awk", 'BEGIN { printf "%d %.2f\\n", 6 * 7, 1 / 4 }'],
                       capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout) == (0, "42 0.25\n"), p.stderr


def test_busybox_keeps_the_commands_no_package_ships(tmp_path):
    """In the Debian rootfs a package's command hides busybox's applet of that name in any of
    the bin directories (coreutils' /usr/bin/stat, busybox's /bin/stat)."""
    from jitvm.rootfs import _busybox_links
    for path in ("bin/ls", "usr/bin/stat", "usr/bin/sort"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(b"\x7fELF")
    links = ["/bin/busybox", "/bin/ls", "/bin/stat", "/usr/bin/sort", "/bin/sh", "/sbin/init",
             "/usr/bin/awk", "/linuxrc"]
    assert _busybox_links(tmp_path, links) == ["/bin/sh", "/sbin/init", "/usr/bin/awk", "/linuxrc"]

