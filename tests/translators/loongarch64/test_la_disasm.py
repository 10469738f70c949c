"""disasm() against llvm-objdump-19 on every row of the table (aliases undone, branch targets
as addresses)."""
import pytest

import la_corpus
from translators.loongarch64.disasm import disasm


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return la_corpus.build(tmp_path_factory.mktemp("asm"))


def test_matches_llvm_objdump(corpus):
    bad = []
    for pc, inst, text, _ in corpus:
        want, got = la_corpus.objdump_style(text), disasm(inst, pc)
        if got != want:
            bad.append(f"{pc:#x} {inst:#010x}: {got!r} != {want!r}")
    assert not bad, "\n".join(bad)


def test_examples():
    assert disasm(0x001018A4) == "add.w $a0, $a1, $a2"
    assert disasm(0x5BFFF885, 0x1000) == "beq $a0, $a1, -8 <0xff8>"
    assert disasm(0x0C2C8401) == "fcmp.sune.d $fcc1, $fa0, $fa1"
    assert disasm(0x4C000020) == "jirl $zero, $ra, 0"
    assert disasm(0x000518A4) == "alsl.w $a0, $a1, $a2, 3"
    assert disasm(0x00000000) == ".word 0x00000000  # illegal"
