"""disasm() against `riscv64-linux-gnu-objdump -d -M no-aliases`, on every row of the table.

Compressed instructions print as their 32-bit expansion, so they are compared with objdump's
text for the same line assembled without C (branch targets rebased to the compressed pc).
"""
import re

import pytest

import asm_corpus
from translators.riscv64.disasm import disasm

TARGET = re.compile(r"([0-9a-f]+) <[^>]*>$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return asm_corpus.build(tmp_path_factory.mktemp("asm"))


def objdump_style(text, shift):
    """objdump prints targets as 'hex <sym+off>'; ours are '0xhex'."""
    return TARGET.sub(lambda mt: f"0x{(int(mt.group(1), 16) + shift) % 2**64:x}", text)


def test_matches_objdump(corpus):
    rvc, norvc = corpus
    bad = []
    for (pc, inst, _), (pc32, _, text32) in zip(rvc, norvc):
        want = objdump_style(text32, pc - pc32)
        got = disasm(inst, pc)
        if got != want:
            bad.append(f"{pc:#x} {inst:#x}: {got!r} != {want!r}")
    assert not bad, "\n".join(bad)


def test_examples():
    assert disasm(0x00150513) == "addi a0,a0,1"
    assert disasm(0x00813083) == "ld ra,8(sp)"
    assert disasm(0x4505, 0x1000) == "addi a0,zero,1"
    assert disasm(0xFE000EE3, 0x1000) == "beq zero,zero,0xffc"
    assert disasm(0x0000) == ".insn 0x0  # illegal"
