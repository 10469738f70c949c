"""jitvm/elfdeps.py: what an ELF file loads, and the check `jitvm rootfs --debian` makes with it
(every interpreter and DT_NEEDED library inside the rootfs) -- on small ELF files made here, in
both classes and byte orders, and on a real glibc library against pyelftools."""
import os
import struct

import pytest

from jitvm.elfdeps import dependencies, missing, resolve
from jitvm.rootfs import TOOLCHAINS

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NEEDED, DT_STRTAB, DT_RUNPATH = 1, 5, 29
BASE = 0x10000


def make_elf(interp=None, needed=(), runpath=None, wide=True, little=True):
    """An ELF image with PT_INTERP, PT_DYNAMIC (DT_NEEDED, DT_RUNPATH, DT_STRTAB) and one PT_LOAD
    mapping the whole file at BASE -- all dependencies() reads."""
    end = "<" if little else ">"
    ehsize, phentsize = (64, 56) if wide else (52, 32)
    strtab = b"\0"
    offsets = {}
    for name in [*needed, *([runpath] if runpath else [])]:
        offsets[name] = len(strtab)
        strtab += name.encode() + b"\0"
    interp_b = interp.encode() + b"\0" if interp else b""
    nph = 3 if interp else 2
    at_interp = ehsize + nph * phentsize
    at_str = at_interp + len(interp_b)
    at_dyn = at_str + len(strtab)
    tags = [(DT_NEEDED, offsets[n]) for n in needed]
    tags += [(DT_RUNPATH, offsets[runpath])] if runpath else []
    tags += [(DT_STRTAB, BASE + at_str), (0, 0)]
    dyn = b"".join(struct.pack(end + ("qQ" if wide else "iI"), t, v) for t, v in tags)
    size = at_dyn + len(dyn)

    def ph(typ, off, filesz):
        if wide:    # p_type p_flags p_offset p_vaddr p_paddr p_filesz p_memsz p_align
            return struct.pack(end + "IIQQQQQQ", typ, 4, off, BASE + off, BASE + off, filesz,
                               filesz, 8)
        return struct.pack(end + "IIIIIIII", typ, off, BASE + off, BASE + off, filesz, filesz,
                           4, 4)

    phdrs = ph(PT_LOAD, 0, size) + ph(PT_DYNAMIC, at_dyn, len(dyn))
    phdrs += ph(PT_INTERP, at_interp, len(interp_b)) if interp else b""
    ident = b"\x7fELF" + bytes([2 if wide else 1, 1 if little else 2, 1]) + bytes(9)
    if wide:
        head = ident + struct.pack(end + "HHIQQQIHHHHHH", 3, 183, 1, 0, ehsize, 0, 0, ehsize,
                                   phentsize, nph, 0, 0, 0)
    else:
        head = ident + struct.pack(end + "HHIIIIIHHHHHH", 3, 8, 1, 0, ehsize, 0, 0, ehsize,
                                   phentsize, nph, 0, 0, 0)
    return head + phdrs + interp_b + strtab + dyn


@pytest.mark.parametrize("wide,little", [(True, True), (False, True), (False, False)])
def test_dependencies_in_every_class_and_byte_order(wide, little):
    data = make_elf("/lib/ld.so.1", ["libc.so.6", "libm.so.6"], "$ORIGIN/../lib:/opt",
                    wide=wide, little=little)
    assert dependencies(data) == ("/lib/ld.so.1", ["libc.so.6", "libm.so.6"],
                                  ["$ORIGIN/../lib", "/opt"])
    assert dependencies(make_elf(wide=wide, little=little)) == (None, [], [])
    with pytest.raises(ValueError):
        dependencies(b"#!/bin/sh\n")


@pytest.mark.isas(*[a for a, tc in TOOLCHAINS.items() if tc.glibc])
def test_a_real_library_reads_as_pyelftools_reads_it(rootfs):
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile
    lib = rootfs / "lib" / "libm.so.6"
    with open(lib, "rb") as f:
        elf = ELFFile(f)
        want = [t.needed for s in elf.iter_sections() if isinstance(s, DynamicSection)
                for t in s.iter_tags() if t.entry.d_tag == "DT_NEEDED"]
    assert dependencies(lib.read_bytes())[1] == want and "libc.so.6" in want


def _put(path, data, mode=0o755):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)


@pytest.fixture
def root(tmp_path):
    """A Debian-shaped root: ld.so behind an absolute link, libraries in a multiarch directory
    that etc/ld.so.conf.d names, a plugin beside its helper library ($ORIGIN)."""
    r = tmp_path / "root"
    _put(r / "lib/tri/ld.so.1", make_elf(needed=[]))
    (r / "lib").joinpath("ld.so.1").symlink_to("/lib/tri/ld.so.1")
    _put(r / "etc/ld.so.conf.d/tri.conf", b"# multiarch\n/lib/tri\n/usr/lib/tri\n", 0o644)
    _put(r / "lib/tri/libc.so.6", make_elf(needed=["ld.so.1"]))
    _put(r / "usr/lib/tri/libfoo.so.1.2", make_elf(needed=["libc.so.6"]))
    (r / "usr/lib/tri/libfoo.so.1").symlink_to("libfoo.so.1.2")
    _put(r / "bin/prog", make_elf("/lib/ld.so.1", ["libfoo.so.1", "libc.so.6"]))
    _put(r / "usr/lib/tri/plug/a.so", make_elf(needed=["libhelp.so"], runpath="$ORIGIN"))
    _put(r / "usr/lib/tri/plug/libhelp.so", make_elf())
    _put(r / "bin/script", b"#!/bin/sh\n")
    return r


def test_a_complete_root_has_nothing_missing(root):
    assert missing(root) == []


def test_a_missing_library_or_interpreter_is_named(root):
    os.unlink(root / "usr/lib/tri/libfoo.so.1.2")            # the link to it now dangles
    os.unlink(root / "usr/lib/tri/plug/libhelp.so")
    _put(root / "bin/other", make_elf("/lib/ld-other.so.1"))
    problems = missing(root)
    assert problems[0] == "/bin/other: its interpreter /lib/ld-other.so.1 is not in the rootfs"
    assert problems[1].startswith("/bin/prog: needs libfoo.so.1, which is in none of /lib/tri, ")
    assert problems[2].startswith("/usr/lib/tri/plug/a.so: needs libhelp.so, which is in none "
                                  "of /usr/lib/tri/plug, /lib/tri")
    assert len(problems) == 3


def test_resolve_stays_inside_the_root(root, tmp_path):
    (root / "etc/passwd").write_text("guest's\n")
    (root / "pw").symlink_to("/etc/passwd")
    (root / "up").symlink_to("../../../../etc/passwd")
    assert resolve(root, "/pw") == root / "etc/passwd"
    assert resolve(root, "/up") == root / "etc/passwd"
    assert resolve(root, "/lib/ld.so.1") == root / "lib/tri/ld.so.1"
    (root / "loop").symlink_to("loop")
    assert resolve(root, "/loop") is None and resolve(root, "/nothing") is None
