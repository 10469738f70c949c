"""What a dynamically linked ELF file needs at run time, and whether a root file system has it.

    interp, needed, runpath = dependencies(data)        # from the bytes of an ELF file
    problems = missing(root)                             # [] when every ELF in root can load

dependencies() reads PT_INTERP (the program interpreter, ld.so) and the PT_DYNAMIC entries
DT_NEEDED, DT_RUNPATH and DT_RPATH, of ELF32 and ELF64 files of either byte order. missing() walks
a root file system and checks every ELF file in it the way glibc's ld.so will look for them inside
that root: the interpreter by its absolute path, each DT_NEEDED name in the object's RUNPATH/RPATH
($ORIGIN expanded) and then the system search path -- the directories the rootfs's
/etc/ld.so.conf.d names (Debian's libc6 lists its multiarch directories there, which Debian's ld.so
also has built in), then /lib and /usr/lib. Symlinks are resolved inside the root, an absolute one
restarting at the root, as the guest's kernel resolves them. No ld.so.cache is consulted: the
rootfs has none.

Stdlib only (it runs from jitvm/rootfs.py before `pip install`).
"""
import os
import struct
from pathlib import Path

PT_DYNAMIC, PT_INTERP = 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_RPATH, DT_RUNPATH = 0, 1, 5, 15, 29
MAXSYMLINKS = 40


def dependencies(data: bytes):
    """(interpreter or None, [DT_NEEDED names], [RUNPATH or RPATH directories]) of an ELF image;
    (None, [], []) for a static one. Raises ValueError for what is not an ELF file."""
    if data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        raise ValueError("not an ELF file")
    wide, end = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        phoff, = struct.unpack_from(end + "Q", data, 32)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 54)
        ph, dyn = end + "IIQQQQQQ", end + "qQ"        # p_type p_flags p_offset p_vaddr ...
    else:
        phoff, = struct.unpack_from(end + "I", data, 28)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 42)
        ph, dyn = end + "IIIIIIII", end + "iI"        # p_type p_offset p_vaddr ...
    segs = []
    for i in range(phnum):
        f = struct.unpack_from(ph, data, phoff + i * phentsize)
        # (type, offset, vaddr, filesz) in both layouts (ELF64 has p_flags second)
        segs.append((f[0], f[2], f[3], f[5]) if wide else (f[0], f[1], f[2], f[4]))
    interp = None
    for typ, off, _, size in segs:
        if typ == PT_INTERP:
            interp = data[off:off + size].split(b"\0", 1)[0].decode(errors="surrogateescape")
    entries = []
    for typ, off, _, size in segs:
        if typ == PT_DYNAMIC:
            step = struct.calcsize(dyn)
            for at in range(off, off + size - step + 1, step):
                tag, val = struct.unpack_from(dyn, data, at)
                if tag == DT_NULL:
                    break
                entries.append((tag, val))
    strtab = next((v for t, v in entries if t == DT_STRTAB), None)
    if strtab is None:
        return interp, [], []
    # DT_STRTAB is an address: the file offset is where a PT_LOAD segment maps it from.
    base = next((o + strtab - va for t, o, va, sz in segs
                 if t == 1 and va <= strtab < va + sz), None)
    if base is None:
        raise ValueError("DT_STRTAB outside every PT_LOAD segment")

    def string(at):
        return data[base + at:data.index(b"\0", base + at)].decode(errors="surrogateescape")

    needed = [string(v) for t, v in entries if t == DT_NEEDED]
    runpath = [string(v) for t, v in entries if t == DT_RUNPATH]
    rpath = [string(v) for t, v in entries if t == DT_RPATH]
    dirs = [d for p in (runpath or rpath) for d in p.split(":") if d]     # RUNPATH hides RPATH
    return interp, needed, dirs


def resolve(root: Path, path: str):
    """The host path of guest `path` inside root with every symlink followed inside root (an
    absolute target restarts at root, ".." stops at it), or None if it leads nowhere."""
    parts, done, links = [p for p in path.split("/") if p], [], 0
    while parts:
        name = parts.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            done = done[:-1]
            continue
        host = root.joinpath(*done, name)
        if host.is_symlink():
            links += 1
            if links > MAXSYMLINKS:
                return None
            target = os.readlink(host)
            if target.startswith("/"):
                done = []
            parts = [p for p in target.split("/") if p] + parts
            continue
        if not os.path.lexists(host):
            return None
        done.append(name)
    return root.joinpath(*done)


def search_path(root: Path) -> list[str]:
    """The system library directories of the rootfs's ld.so: what /etc/ld.so.conf.d names, then
    /lib and /usr/lib."""
    dirs = []
    for conf in sorted((root / "etc" / "ld.so.conf.d").glob("*.conf")):
        for line in conf.read_text(errors="replace").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("/") and line not in dirs:
                dirs.append(line)
    return dirs + [d for d in ("/lib", "/usr/lib") if d not in dirs]


def missing(root: Path) -> list[str]:
    """One line per unmet need of an ELF file under root ("/bin/ls: libfoo.so.1 not found"), in
    path order; [] when every dynamic program and library there can be loaded."""
    root, system, problems = Path(root), search_path(Path(root)), []
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            host = Path(top, name)
            if host.is_symlink() or not host.is_file():
                continue
            with open(host, "rb") as f:
                if f.read(4) != b"\x7fELF":
                    continue
                data = f.read()
            guest = "/" + str(host.relative_to(root))
            try:
                interp, needed, runpath = dependencies(b"\x7fELF" + data)
            except (ValueError, struct.error) as e:
                problems.append(f"{guest}: unreadable ELF ({e})")
                continue
            if interp and resolve(root, interp) is None:
                problems.append(f"{guest}: its interpreter {interp} is not in the rootfs")
            origin = os.path.dirname(guest)
            dirs = [d.replace("$ORIGIN", origin).replace("${ORIGIN}", origin) for d in runpath]
            for lib in needed:
                where = [lib] if "/" in lib else [f"{d}/{lib}" for d in dirs + system]
                if not any(resolve(root, p) for p in where):
                    problems.append(f"{guest}: needs {lib}, which is in none of "
                                    f"{', '.join(dirs + system)}")
    return problems
