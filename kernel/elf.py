"""The ELF loader (Linux's binfmt_elf): maps PT_LOAD segments into an address space and builds the
initial stack the ABI specifies.

Static executables (ET_EXEC), static-PIE and dynamic executables (ET_DYN) are loaded; for a
PT_INTERP the interpreter is loaded from the guest's root file system too. Every way an image can
be wrong raises ExecError with one line that says what is wrong.
"""
import io
import os
from dataclasses import dataclass

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from kernel import params
from kernel.errno import Errno
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.vm import PAGE, BytesBacking, Vma, page_down, page_up

ELF_MACHINES = {3: "x86 (i386)", 8: "mips", 40: "arm", 62: "x86_64", 183: "aarch64",
                243: "riscv", 258: "loongarch"}

AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY = 0, 3, 4, 5, 6, 7, 8, 9
AT_UID, AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK = 11, 12, 13, 14, 15, 16, 17
AT_SECURE, AT_RANDOM, AT_EXECFN = 23, 25, 31


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
    if len(data) < 64:
        raise ExecError(f"{name}: truncated ELF header ({len(data)} bytes)")
    if data[4] != 2:
        raise ExecError(f"{name}: 32-bit ELF, but {abi.PLATFORM} runs 64-bit programs")
    machine = int.from_bytes(data[18:20], "little")
    if machine != abi.ELF_MACHINE:
        what = ELF_MACHINES.get(machine, f"machine {machine}")
        raise ExecError(f"{name}: ELF for {what}, not {abi.PLATFORM}; "
                        f"use --arch or build it for {abi.PLATFORM}")


def _segments(elf, name, size):
    loads, interp = [], None
    for seg in elf.iter_segments():
        h = seg.header
        if h.p_type == "PT_LOAD":
            if h.p_offset + h.p_filesz > size:
                raise ExecError(f"{name}: truncated ELF (segment ends past the end of the file)")
            if h.p_filesz > h.p_memsz:
                raise ExecError(f"{name}: corrupt ELF (segment file size exceeds memory size)")
            loads.append(h)
        elif h.p_type == "PT_INTERP":
            interp = seg.get_interp_name()
    if not loads:
        raise ExecError(f"{name}: no loadable segments")
    return loads, interp


def _map_image(mm, data, name, elf, loads, bias):
    backing = BytesBacking(data, name)
    for h in loads:
        perm = (PTE_R if h.p_flags & 4 else 0) | (PTE_W if h.p_flags & 2 else 0) | \
               (PTE_X if h.p_flags & 1 else 0)
        start = page_down(bias + h.p_vaddr)
        lead = bias + h.p_vaddr - start
        end = page_up(bias + h.p_vaddr + h.p_memsz)
        mm.add(Vma(start, end, perm, backing, h.p_offset - lead, lead + h.p_filesz, name=name))
    return max(bias + h.p_vaddr + h.p_memsz for h in loads)


def _parse(data, abi, name):
    check_header(data, abi, name)
    try:
        elf = ELFFile(io.BytesIO(data))
        kind = elf.header.e_type
        loads, interp = _segments(elf, name, len(data))
    except (ELFError, ValueError, KeyError, OSError, Exception) as e:
        if isinstance(e, ExecError):
            raise
        raise ExecError(f"{name}: truncated or corrupt ELF ({e})")
    if kind not in ("ET_EXEC", "ET_DYN"):
        raise ExecError(f"{name}: ELF type {kind} is not an executable")
    return elf, kind, loads, interp


def load(mm, data, abi, name, read_guest_file):
    """Map the program (and its interpreter) into mm. `read_guest_file(path) -> bytes` reads from
    the guest's root file system, for PT_INTERP."""
    elf, kind, loads, interp = _parse(data, abi, name)
    bias = 0
    if kind == "ET_DYN":
        bias = page_down(params.ELF_ET_DYN_BASE) - page_down(min(h.p_vaddr for h in loads))
    top = _map_image(mm, data, name, elf, loads, bias)
    ehdr = elf.header
    phdr = next((bias + h.p_vaddr + ehdr.e_phoff - h.p_offset for h in loads
                 if h.p_offset <= ehdr.e_phoff < h.p_offset + h.p_filesz), 0)
    entry, base = bias + ehdr.e_entry, 0
    if interp:
        try:
            idata = read_guest_file(interp)
        except (OSError, Errno):
            raise ExecError(f"{name}: dynamically linked, and its interpreter {interp} is not in "
                            f"the root file system; link it statically or install its libc", 2)
        ielf, _, iloads, _ = _parse(idata, abi, interp)
        base = page_down(params.MMAP_BASE - (64 << 20))
        ibias = base - page_down(min(h.p_vaddr for h in iloads))
        _map_image(mm, idata, interp, ielf, iloads, ibias)
        entry = ibias + ielf.header.e_entry
    mm.brk_start = mm.brk = page_up(top)
    return Image(entry, phdr, ehdr.e_phentsize, ehdr.e_phnum, base, bias + ehdr.e_entry, mm.brk)


def build_stack(mm, image, abi, argv, envp, execfn, creds=(0, 0, 0, 0)):
    """Map the stack and lay out argc, argv, envp and auxv below its top; returns the new sp."""
    top = params.STACK_TOP
    mm.add(Vma(top - params.STACK_SIZE, top, PTE_R | PTE_W, name="[stack]"))
    blob, offsets = bytearray(), {}

    def put(key, b):
        offsets[key] = len(blob)
        blob.extend(b)
    put("execfn", execfn.encode() + b"\0")
    put("platform", abi.PLATFORM.encode() + b"\0")
    put("random", os.urandom(16))
    for i, a in enumerate(argv):
        put(("arg", i), a + b"\0")
    for i, e in enumerate(envp):
        put(("env", i), e + b"\0")
    strings = (top - 16 - len(blob)) & ~15
    at = lambda key: strings + offsets[key]      # noqa: E731
    uid, euid, gid, egid = creds
    auxv = [(AT_PHDR, image.phdr), (AT_PHENT, image.phent), (AT_PHNUM, image.phnum),
            (AT_PAGESZ, PAGE), (AT_BASE, image.base), (AT_FLAGS, 0), (AT_ENTRY, image.exe_entry),
            (AT_UID, uid), (AT_EUID, euid), (AT_GID, gid), (AT_EGID, egid),
            (AT_HWCAP, abi.HWCAP), (AT_CLKTCK, 100), (AT_SECURE, 0),
            (AT_RANDOM, at("random")), (AT_PLATFORM, at("platform")),
            (AT_EXECFN, at("execfn")), (AT_NULL, 0)]
    words = [len(argv)] + [at(("arg", i)) for i in range(len(argv))] + [0] + \
            [at(("env", i)) for i in range(len(envp))] + [0] + [x for kv in auxv for x in kv]
    sp = (strings - 8 * len(words)) & ~(abi.STACK_ALIGN - 1)
    if top - sp > params.STACK_SIZE // 4:
        raise ExecError("argument list too long", 7)             # E2BIG
    mm.write(strings, bytes(blob))
    mm.write(sp, b"".join((w & (1 << 64) - 1).to_bytes(8, "little") for w in words))
    return sp
