"""The FPU rows of the mipsel table (encodings.py's COP1 section) against LLVM: every row
assembled by llvm-mc-19 with known operands decodes to them and disassembles as llvm-objdump-19
prints it; random words near every row decode exactly when llvm-objdump knows them, by the same
name, except where QEMU 7.2 (FR=0) and LLVM disagree (LLVM_GAPS)."""
import random

import pytest

import mips_corpus
from translators.mipsel import encodings as E
from translators.mipsel.decoder import NAMES, OP_ILLEGAL, OPERANDS, OPS, ROWS, decode, match_row
from translators.mipsel.disasm import disasm

FP_EXTS = set(E.COP1_SEMANTIC_MODULES["mips_fp"])
FP_ROWS = [row for row in ROWS if row.enc.ext in FP_EXTS]
# even registers throughout: llvm-objdump (FR=0) decodes no odd register in a .d operand
FIELD_VALUES = {**mips_corpus.FIELD_VALUES,
                "fs": 4, "ft": 18, "fd": 10, "fr": 22, "fs_d": 12, "ft_d": 28, "fd_d": 6,
                "fr_d": 30, "fcr": 31, "cc_c": 3, "cc_b": 5, "cc_m": 6}
EXTRA = """
c.eq.d $f0, $f2
c.ult.s $fcc0, $f1, $f3
bc1t 8
bc1f $fcc0, -8
bc1tl $fcc7, 131068
bc1fl -131072
movt $2, $3, $fcc0
movf.s $f1, $f3, $fcc0
cfc1 $2, $0
ctc1 $zero, $31
mfc1 $ra, $f31
mtc1 $zero, $f31
mfhc1 $2, $f30
lwc1 $f31, -32768($sp)
sdc1 $f30, 32767($4)
ldxc1 $f30, $zero($31)
madd.s $f31, $f1, $f2, $f3
"""
# Where QEMU 7.2 (24Kf, FR=0) decodes what llvm-objdump does not, or the other way round:
#   movf/movt/movz/movn.d, mfhc1/mthc1 with an odd register: QEMU runs them on the pair that
#   holds it (llvm-objdump: <unknown>); cvt.l.s/cvt.l.d: llvm-objdump decodes them, QEMU
#   raises Reserved Instruction with FR=0 (so do we: not in the table).
OURS_ONLY = {"movf.d", "movt.d", "movz.d", "movn.d", "mfhc1", "mthc1"}
LLVM_ONLY = {"cvt.l.s", "cvt.l.d"}


def _operand_text(field, value):
    if field in ("fs", "ft", "fd", "fr", "fs_d", "ft_d", "fd_d", "fr_d"):
        return f"$f{value}"
    if field.startswith("cc_"):
        return f"$fcc{value}"
    if field == "fcr":
        return f"${value}"
    return mips_corpus._operand_text(field, value)


def lines():
    out = []
    for row in FP_ROWS:
        want = dict.fromkeys(OPERANDS, 0)
        ops = []
        for operand, (kind, src) in row.operands.items():
            value = FIELD_VALUES[src]
            want[operand] = value
            if src == "base":
                ops[-1] = f"{ops[-1]}({mips_corpus.GPR[value]})"
            else:
                ops.append(_operand_text(src, value))
        out.append((f"{row.name} {', '.join(ops)}", (row.op, 4) + tuple(want[k] for k in OPERANDS)))
    return out + [(line, None) for line in EXTRA.strip().splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    src = lines()
    out = mips_corpus.assemble(tmp_path_factory.mktemp("asm"), "".join(s + "\n" for s, _ in src))
    assert len(out) == len(src)
    return [(pc, inst, text, want) for (pc, inst, text), (_, want) in zip(out, src)]


def fields(inst):
    return tuple(int(v) for v in decode(inst))


def test_every_row_decodes_the_operands_it_was_assembled_with(corpus):
    bad = [(hex(pc), hex(inst), text, want, fields(inst))
           for pc, inst, text, want in corpus if want is not None and fields(inst) != want]
    assert not bad


def test_corpus_covers_every_fp_row(corpus):
    seen = {id(match_row(inst)) for _, inst, _, _ in corpus}
    assert seen >= {id(row) for row in FP_ROWS}


def test_disassembly_matches_llvm_objdump(corpus):
    bad = []
    for pc, inst, text, _ in corpus:
        want, got = mips_corpus.objdump_style(text, inst), disasm(inst, pc)
        if got != want:
            bad.append(f"{pc:#x} {inst:#010x}: {got!r} != {want!r}")
    assert not bad, "\n".join(bad)


def test_legality_and_names_agree_with_llvm(tmp_path):
    rnd = random.Random(7)
    words = [rnd.getrandbits(26) | op << 26 for op in (0x11, 0x13, 0x31, 0x35, 0x39, 0x3D)
             for _ in range(300)]
    words += [rnd.getrandbits(32) & 0xFC1F07FF | 0x00000001 for _ in range(300)]   # movf/movt
    for row in FP_ROWS:
        fixed = [b for b in range(32) if row.mask >> b & 1]
        for _ in range(12):
            w = row.match | (rnd.getrandbits(32) & ~row.mask)
            words += [w, w ^ (1 << rnd.choice(fixed))]
    bad = []
    for w, text in zip(words, mips_corpus.dump_words(tmp_path, words)):
        op = fields(w)[0]
        theirs = mips_corpus.objdump_style(text, w).split()[0] if text != "<unknown>" else None
        if theirs is None and NAMES[op] in OURS_ONLY or op == OP_ILLEGAL and theirs in LLVM_ONLY:
            continue
        if op != OPS.get(theirs, OP_ILLEGAL):
            bad.append(f"{w:#010x}: ours {NAMES[op]}, llvm-objdump {text!r}")
    assert not bad, "\n".join(bad[:30])


def test_block_ends():
    assert {n: E.ENDS_BLOCK.get(n) for n in ("bc1f", "bc1t", "bc1fl", "bc1tl")} == {
        "bc1f": 2, "bc1t": 2, "bc1fl": 1, "bc1tl": 1}


@pytest.mark.parametrize("inst, text", [
    (0x46241040, "add.d $f0, $f1 (odd fs): not decoded"),
    (0x46201025, "cvt.l.d: not decoded (FR=0)"),
    (0x46a01021, "cvt.d.l"),
    (0x461011a6, "cvt.ps.s"),
    (0x46031004, "sqrt.s with ft != 0"),
    (0x46031072, "c.eq.s with bits 7:6 != 0"),
    (0x44021805, "mfc1 with low bits set"),
    (0x4ca00001 | 1 << 6, "ldxc1 $f1"),
])
def test_illegal(inst, text):
    assert fields(inst)[0] == OP_ILLEGAL, text
