"""The ELF loader (Linux's binfmt_elf): maps PT_LOAD segments into an address space and builds the
initial stack the ABI specifies.

Static executables (ET_EXEC), static-PIE and dynamic executables (ET_DYN) are loaded; for a
PT_INTERP the interpreter is loaded from the guest's root file system too. Every way an image can
be wrong raises ExecError with one line that says what is wrong.
"""
import os
import struct
from dataclasses import dataclass

from kernel import params
from kernel.errno import EINVAL, Errno
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.vm import PAGE, BytesBacking, Vma, page_down, page_up

ELF_MACHINES = {3: "x86 (i386)", 8: "mips", 40: "arm", 62: "x86_64", 183: "aarch64",
                243: "riscv", 258: "loongarch"}

AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY = 0, 3, 4, 5, 6, 7, 8, 9
AT_UID, AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK = 11, 12, 13, 14, 15, 16, 17
AT_SECURE, AT_BASE_PLATFORM, AT_RANDOM, AT_HWCAP2, AT_EXECFN = 23, 24, 25, 26, 31


class ExecError(Exception):
    """The file cannot be executed; `errno` is what execve returns to a guest."""

    def __init__(self, msg, errno=8):       # ENOEXEC
        super().__init__(msg)
        self.errno = errno


@dataclass
class Image:
    entry: int          # where the first instruction runs (the interpreter's, if any)
    phdr: int           # AT_PHDR: the program headers in memory
    phent: int
    phnum: int
    base: int           # AT_BASE: where the interpreter was loaded (0 without one)
    exe_entry: int      # AT_ENTRY: the program's own entry point
    brk: int            # end of the highest segment: where the heap starts


def check_header(data, abi, name):
    """Reject what is not an ELF for this machine, with a message that says what to do."""
    if len(data) < 4 or data[:4] != b"\x7fELF":
        if data[:2] == b"#!":
            raise ExecError(f"{name}: is a script; run its interpreter (e.g. /bin/sh {name})")
        raise ExecError(f"{name}: not an ELF executable")
    if len(data) < 52:
        raise ExecError(f"{name}: truncated ELF header ({len(data)} bytes)")
    if data[4] not in (1, 2):
        raise ExecError(f"{name}: corrupt ELF header (class {data[4]} is neither 32- nor 64-bit)")
    if data[5] != 1:
        raise ExecError(f"{name}: big-endian or corrupt ELF (data encoding {data[5]}); "
                        f"{abi.PLATFORM} runs little-endian programs")
    bits = 32 if data[4] == 1 else 64
    if bits != abi.ELF_CLASS:
        raise ExecError(f"{name}: {bits}-bit ELF, but {abi.PLATFORM} runs "
                        f"{abi.ELF_CLASS}-bit programs")
    if len(data) < EHDR[bits].size:
        raise ExecError(f"{name}: truncated ELF header ({len(data)} bytes)")
    machine = int.from_bytes(data[18:20], "little")
    if machine != abi.ELF_MACHINE:
        what = ELF_MACHINES.get(machine, f"machine {machine}")
        raise ExecError(f"{name}: ELF for {what}, not {abi.PLATFORM}; "
                        f"use --arch or build it for {abi.PLATFORM}")


# e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize, e_phentsize,
# e_phnum (from offset 16); program headers as (p_type, p_flags, p_offset, p_vaddr, p_filesz,
# p_memsz) whichever order the class stores them in
EHDR = {32: struct.Struct("<HHIIIIIHHH"), 64: struct.Struct("<HHIQQQIHHH")}
PHDR = {32: struct.Struct("<IIIIIIII"), 64: struct.Struct("<IIQQQQQQ")}
ET_EXEC, ET_DYN = 2, 3
PT_LOAD, PT_INTERP = 1, 3
PATH_MAX = 4096


@dataclass
class Phdr:
    p_type: int
    p_flags: int
    p_offset: int
    p_vaddr: int
    p_filesz: int
    p_memsz: int


@dataclass
class Header:
    e_type: int
    e_entry: int
    e_phoff: int
    e_phentsize: int
    e_phnum: int


def _phdrs(data, bits, h, name):
    size = PHDR[bits].size
    if h.e_phentsize != size:
        raise ExecError(f"{name}: corrupt ELF (program header size {h.e_phentsize}, not {size})")
    if not 0 < h.e_phnum <= 65536 // size:
        raise ExecError(f"{name}: corrupt ELF ({h.e_phnum} program headers)")
    if h.e_phoff + h.e_phnum * size > len(data):
        raise ExecError(f"{name}: truncated ELF (program headers past the end of the file)")
    out = []
    for i in range(h.e_phnum):
        f = PHDR[bits].unpack_from(data, h.e_phoff + i * size)
        if bits == 64:      # type, flags, offset, vaddr, paddr, filesz, memsz, align
            out.append(Phdr(f[0], f[1], f[2], f[3], f[5], f[6]))
        else:               # type, offset, vaddr, paddr, filesz, memsz, flags, align
            out.append(Phdr(f[0], f[6], f[1], f[2], f[4], f[5]))
    return out


def _segments(data, phdrs, name, task_size):
    """binfmt_elf's checks, each with its errno, before anything is mapped."""
    loads, interp = [], None
    for ph in phdrs:
        if ph.p_type == PT_LOAD:
            if ph.p_filesz > ph.p_memsz:
                raise ExecError(f"{name}: corrupt ELF (segment file size exceeds memory size)",
                                EINVAL)
            if ph.p_offset + ph.p_filesz > len(data):
                raise ExecError(f"{name}: truncated ELF (segment ends past the end of the file)")
            if ph.p_memsz > task_size or ph.p_vaddr > task_size - ph.p_memsz:
                raise ExecError(f"{name}: a segment at {ph.p_vaddr:#x} (+{ph.p_memsz:#x}) lies "
                                f"outside user space (below {task_size:#x})", EINVAL)
            loads.append(ph)
        elif ph.p_type == PT_INTERP:
            if interp is not None:
                raise ExecError(f"{name}: corrupt ELF (two PT_INTERP headers)")
            if not 2 <= ph.p_filesz <= PATH_MAX or ph.p_offset + ph.p_filesz > len(data):
                raise ExecError(f"{name}: corrupt ELF (interpreter name of {ph.p_filesz} bytes)")
            raw = data[ph.p_offset:ph.p_offset + ph.p_filesz]
            if raw[-1] != 0:
                raise ExecError(f"{name}: corrupt ELF (interpreter name not NUL-terminated)")
            interp = raw[:-1].split(b"\0", 1)[0].decode(errors="surrogateescape")
    if not loads:
        raise ExecError(f"{name}: no loadable segments")
    return loads, interp


def _map_image(mm, data, name, loads, bias):
    backing = BytesBacking(data, name)
    for h in loads:
        perm = (PTE_R if h.p_flags & 4 else 0) | (PTE_W if h.p_flags & 2 else 0) | \
               (PTE_X if h.p_flags & 1 else 0)
        start = page_down(bias + h.p_vaddr)
        lead = bias + h.p_vaddr - start
        end = page_up(bias + h.p_vaddr + h.p_memsz)
        mm.add(Vma(start, end, perm, backing, h.p_offset - lead, lead + h.p_filesz, name=name))
    return max(bias + h.p_vaddr + h.p_memsz for h in loads)


def _parse(data, abi, name, task_size):
    check_header(data, abi, name)
    bits = abi.ELF_CLASS
    f = EHDR[bits].unpack_from(data, 16)
    h = Header(e_type=f[0], e_entry=f[3], e_phoff=f[4], e_phentsize=f[8], e_phnum=f[9])
    if h.e_type not in (ET_EXEC, ET_DYN):
        raise ExecError(f"{name}: ELF type {h.e_type} is not an executable (nor a shared "
                        "object)")
    loads, interp = _segments(data, _phdrs(data, bits, h, name), name, task_size)
    return h, loads, interp


def load(mm, data, abi, name, read_guest_file):
    """Map the program (and its interpreter) into mm. `read_guest_file(path) -> bytes` reads from
    the guest's root file system, for PT_INTERP."""
    space = params.address_space(abi)
    ehdr, loads, interp = _parse(data, abi, name, space["TASK_SIZE"])
    bias = 0
    if ehdr.e_type == ET_DYN:
        bias = page_down(space["ELF_ET_DYN_BASE"]) - page_down(min(h.p_vaddr for h in loads))
    top = _map_image(mm, data, name, loads, bias)
    phdr = next((bias + h.p_vaddr + ehdr.e_phoff - h.p_offset for h in loads
                 if h.p_offset <= ehdr.e_phoff < h.p_offset + h.p_filesz), 0)
    entry, base = bias + ehdr.e_entry, 0
    if interp:
        try:
            idata = read_guest_file(interp)
        except (OSError, Errno):
            raise ExecError(f"{name}: dynamically linked, and its interpreter {interp} is not in "
                            f"the root file system; link it statically or install its libc", 2)
        ihdr, iloads, _ = _parse(idata, abi, interp, space["TASK_SIZE"])
        base = page_down(space["MMAP_BASE"] - (64 << 20))
        ibias = base - page_down(min(h.p_vaddr for h in iloads))
        _map_image(mm, idata, interp, iloads, ibias)
        entry = ibias + ihdr.e_entry
    mm.brk_start = mm.brk = page_up(top)
    return Image(entry, phdr, ehdr.e_phentsize, ehdr.e_phnum, base, bias + ehdr.e_entry, mm.brk)


def build_stack(mm, image, abi, argv, envp, execfn, creds=(0, 0, 0, 0)):
    """Map the stack and lay out argc, argv, envp and auxv below its top; returns the new sp."""
    top, word = mm.stack_top, abi.ELF_CLASS // 8
    mm.add(Vma(top - params.STACK_SIZE, top, PTE_R | PTE_W, name="[stack]"))
    blob, offsets = bytearray(), {}

    def put(key, b):
        offsets[key] = len(blob)
        blob.extend(b)
    put("execfn", execfn.encode() + b"\0")
    put("platform", abi.PLATFORM.encode() + b"\0")
    put("random", os.urandom(16))
    if getattr(abi, "BASE_PLATFORM", None):
        put("base_platform", abi.BASE_PLATFORM.encode() + b"\0")
    for i, a in enumerate(argv):
        put(("arg", i), a + b"\0")
    for i, e in enumerate(envp):
        put(("env", i), e + b"\0")
    strings = (top - 16 - len(blob)) & ~15
    at = lambda key: strings + offsets[key]      # noqa: E731
    uid, euid, gid, egid = creds
    secure = int((uid, gid) != (euid, egid))        # a set-id program: ld.so ignores LD_*
    auxv = [(AT_PHDR, image.phdr), (AT_PHENT, image.phent), (AT_PHNUM, image.phnum),
            (AT_PAGESZ, PAGE), (AT_BASE, image.base), (AT_FLAGS, 0), (AT_ENTRY, image.exe_entry),
            (AT_UID, uid), (AT_EUID, euid), (AT_GID, gid), (AT_EGID, egid),
            (AT_HWCAP, abi.HWCAP), (AT_CLKTCK, 100), (AT_SECURE, secure),
            (AT_RANDOM, at("random")), (AT_PLATFORM, at("platform")),
            (AT_EXECFN, at("execfn"))]
    if abi.HWCAP2 is not None:
        auxv.append((AT_HWCAP2, abi.HWCAP2))
    if getattr(abi, "BASE_PLATFORM", None):
        auxv.append((AT_BASE_PLATFORM, at("base_platform")))
    auxv.append((AT_NULL, 0))
    words = [len(argv)] + [at(("arg", i)) for i in range(len(argv))] + [0] + \
            [at(("env", i)) for i in range(len(envp))] + [0] + [x for kv in auxv for x in kv]
    sp = (strings - word * len(words)) & ~(abi.STACK_ALIGN - 1)
    if top - sp > params.STACK_SIZE // 4:
        raise ExecError("argument list too long", 7)             # E2BIG
    mm.write(strings, bytes(blob))
    mm.write(sp, b"".join((w & (1 << 8 * word) - 1).to_bytes(word, "little") for w in words))
    return sp
