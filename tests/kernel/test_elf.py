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
