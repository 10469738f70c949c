"""The ELF loader: segments, the initial stack, and every kind of bad image."""
import shutil
import subprocess

import numpy as np
import pytest

import translators
from kernel.elf import ExecError, build_stack, load
from kernel.frames import FrameAllocator
from kernel.vm import AddressSpace

abi = translators.load("riscv64").abi
CC = "riscv64-linux-gnu-gcc"


@pytest.fixture(scope="module")
def static_elf(tmp_path_factory):
    if not shutil.which(CC):
        pytest.fail(f"{CC} missing: run `make deps`")
    d = tmp_path_factory.mktemp("elf")
    (d / "t.c").write_text("int x = 42; int main(void) { return x; }\n")
    subprocess.run([CC, "-static", "-O1", "-o", str(d / "t"), str(d / "t.c")], check=True)
    subprocess.run([CC, "-O1", "-o", str(d / "dyn"), str(d / "t.c")], check=True)
    return (d / "t").read_bytes(), (d / "dyn").read_bytes()


def fresh_mm():
    return AddressSpace(FrameAllocator(np.zeros(32 << 20, dtype=np.uint8)))


def no_files(path):
    raise FileNotFoundError(path)


def test_static_executable_and_stack(static_elf):
    mm = fresh_mm()
    img = load(mm, static_elf[0], abi, "/t", no_files)
    assert img.base == 0 and img.entry == img.exe_entry
    assert mm.find(img.entry) is not None and img.phnum > 0
    sp = build_stack(mm, img, abi, [b"/t", b"arg1"], [b"A=1"], "/t")
    assert sp % 16 == 0
    words = [mm.read_u64(sp + 8 * i) for i in range(6)]
    assert words[0] == 2
    assert mm.read_cstr(words[1]) == b"/t" and mm.read_cstr(words[2]) == b"arg1"
    assert words[3] == 0 and mm.read_cstr(words[4]) == b"A=1" and words[5] == 0
    auxv = {}
    i = sp + 48
    while True:
        k, v = mm.read_u64(i), mm.read_u64(i + 8)
        if k == 0:
            break
        auxv[k] = v
        i += 16
    assert auxv[6] == 4096 and auxv[9] == img.exe_entry and auxv[16] == abi.HWCAP
    assert len(mm.read(auxv[25], 16)) == 16 and mm.read_cstr(auxv[31]) == b"/t"
    assert auxv[3] == img.phdr and len(mm.read(img.phdr, img.phent * img.phnum)) > 0


@pytest.mark.parametrize("data,words", [
    (b"hello world, not an elf at all" * 3, "not an ELF"),
    (b"#!/bin/sh\necho hi\n", "is a script"),
    (b"\x7fELF\x02\x01\x01", "truncated ELF header"),
])
def test_bad_images(data, words):
    with pytest.raises(ExecError, match=words):
        load(fresh_mm(), data, abi, "/bad", no_files)


def test_wrong_machine():
    host = open(shutil.which("true") or "/bin/true", "rb").read()
    with pytest.raises(ExecError, match="ELF for x86_64, not riscv64"):
        load(fresh_mm(), host, abi, "/bin/true", no_files)


def test_truncated_body(static_elf):
    with pytest.raises(ExecError, match="truncated"):
        load(fresh_mm(), static_elf[0][:3000], abi, "/t", no_files)


def test_dynamic_without_interpreter(static_elf):
    with pytest.raises(ExecError, match="interpreter .* is not in the root file system"):
        load(fresh_mm(), static_elf[1], abi, "/dyn", no_files)


def _patched(data, phdr_index=None, field=None, value=None, at=None, raw=None):
    """The image with one program-header field (Elf64_Phdr offsets) or raw bytes replaced."""
    b = bytearray(data)
    if raw is not None:
        b[at:at + len(raw)] = raw
        return bytes(b)
    phoff = int.from_bytes(b[32:40], "little")
    off = phoff + 56 * phdr_index + {"type": 0, "offset": 8, "vaddr": 16, "filesz": 32,
                                     "memsz": 40}[field]
    width = 4 if field == "type" else 8
    b[off:off + width] = (value & (1 << 8 * width) - 1).to_bytes(width, "little")
    return bytes(b)


def _first(data, p_type):
    phoff, phnum = int.from_bytes(data[32:40], "little"), int.from_bytes(data[56:58], "little")
    return next(i for i in range(phnum)
                if int.from_bytes(data[phoff + 56 * i:phoff + 56 * i + 4], "little") == p_type)


@pytest.mark.parametrize("case,words,errno", [
    ("class 7", "class 7 is neither", 8),
    ("big-endian", "big-endian", 8),
    ("phentsize", "program header size", 8),
    ("phnum 0", "0 program headers", 8),
    ("phoff past the end", "program headers past the end", 8),
    ("memsz near 2**64", "outside user space", 22),
    ("kernel half", "outside user space", 22),
    ("filesz > memsz", "file size exceeds", 22),
    ("empty interpreter name", "interpreter name of 0 bytes", 8),
    ("unterminated interpreter name", "not NUL-terminated", 8),
    ("huge interpreter name", "interpreter name of", 8),
])
def test_malformed_images_are_refused_before_mapping(static_elf, case, words, errno):
    """binfmt_elf's checks, with its errnos (ENOEXEC 8, EINVAL 22): each of these was loaded
    and crashed later, or failed with a Python message, before the checks were written."""
    st, dyn = static_elf
    load0 = _first(st, 1)
    bad = {
        "class 7": lambda: _patched(st, at=4, raw=b"\x07"),
        "big-endian": lambda: _patched(st, at=5, raw=b"\x02"),
        "phentsize": lambda: _patched(st, at=54, raw=(32).to_bytes(2, "little")),
        "phnum 0": lambda: _patched(st, at=56, raw=b"\0\0"),
        "phoff past the end": lambda: _patched(st, at=32, raw=(len(st) - 8).to_bytes(8, "little")),
        "memsz near 2**64": lambda: _patched(st, load0, "memsz", -4096),
        "kernel half": lambda: _patched(st, load0, "vaddr", 0xFFFF_FFC0_0000_0000),
        "filesz > memsz": lambda: _patched(st, load0, "filesz", 1 << 40),
        "empty interpreter name": lambda: _patched(dyn, _first(dyn, 3), "filesz", 0),
        "unterminated interpreter name": lambda: _patched(dyn, _first(dyn, 3), "filesz", 4),
        "huge interpreter name": lambda: _patched(dyn, _first(dyn, 3), "filesz", 1 << 20),
    }[case]()
    mm = fresh_mm()
    with pytest.raises(ExecError, match=words) as e:
        load(mm, bad, abi, "/bad", no_files)
    assert e.value.errno == errno
    assert not mm.vmas, "nothing may be mapped before the image is checked"
