"""disasm() against llvm-objdump-19 on every integer row of the table and the corpus's extra
lines (aliases undone, symbols dropped, branch targets as addresses)."""
import pytest

import mips_corpus
from translators.mipsel.disasm import disasm


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return mips_corpus.build(tmp_path_factory.mktemp("asm"))


def test_matches_llvm_objdump(corpus):
    bad = []
    for pc, inst, text, _ in corpus:
        want, got = mips_corpus.objdump_style(text, inst), disasm(inst, pc)
        if got != want:
            bad.append(f"{pc:#x} {inst:#010x}: {got!r} != {want!r}")
    assert not bad, "\n".join(bad)


def test_examples():
    assert disasm(0x00641021) == "addu $2, $3, $4"
    assert disasm(0x10850004, 0x14) == "beq $4, $5, 0x28"
    assert disasm(0x0481FFFE, 0x1000) == "bgez $4, 0xffc"
    assert disasm(0x0C001002, 0x10000034) == "jal 0x10004008"
    assert disasm(0x8FA2FFFC) == "lw $2, -0x4($sp)"
    assert disasm(0x0320F809) == "jalr $25"
    assert disasm(0x03202009) == "jalr $4, $25"
    assert disasm(0x0064001A) == "div $zero, $3, $4"
    assert disasm(0x7C625904) == "ins $2, $3, 0x4, 0x8"
    assert disasm(0x7C03E83B) == "rdhwr $3, $29"
    assert disasm(0x0000000D) == "break"
    assert disasm(0x000001CD) == "break 0x0, 0x7"
    assert disasm(0x00000000) == "sll $zero, $zero, 0x0"       # llvm-objdump: nop
    assert disasm(0xFFFFFFFF) == ".word 0xffffffff  # illegal"
