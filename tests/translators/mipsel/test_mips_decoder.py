"""The decoder against LLVM: every table row assembled by llvm-mc-19 with known operands, and
random words whose legality and mnemonic llvm-objdump-19 must agree with."""
import random

import pytest

import mips_corpus
from translators.mipsel import encodings as E
from translators.mipsel.decoder import (ENDS_BLOCK, NAMES, OP_ILLEGAL, OPS, ROWS, decode,
                                        match_row)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return mips_corpus.build(tmp_path_factory.mktemp("asm"))


def fields(inst):
    return tuple(int(v) for v in decode(inst))


def llvm_name(text, inst):
    """The table name of llvm-objdump's mnemonic (aliases undone)."""
    return mips_corpus.objdump_style(text, inst).split()[0]


def test_every_row_decodes_the_operands_it_was_assembled_with(corpus):
    bad = [(hex(pc), hex(inst), text, want, fields(inst))
           for pc, inst, text, want in corpus if want is not None and fields(inst) != want]
    assert not bad


def test_every_instruction_has_llvms_name(corpus):
    for pc, inst, text, _ in corpus:
        row = match_row(inst)
        assert row is not None and NAMES[row.op] == llvm_name(text, inst), (hex(pc), hex(inst),
                                                                              text)
        assert NAMES[fields(inst)[0]] == NAMES[row.op]


def test_corpus_covers_every_row(corpus):
    seen = {id(match_row(inst)) for _, inst, _, _ in corpus}
    assert seen >= {id(row) for row in ROWS if row.enc.ext in E.INTEGER_EXTS}


# rdhwr decodes for every hardware register (mips_sys makes the ones Linux does not allow
# illegal); llvm-objdump-19 knows only $29 although llvm-mc assembles the others.
LLVM_GAPS = {"rdhwr"}


def test_legality_and_names_agree_with_llvm(tmp_path):
    """Words near every row (its pattern with random operands, or one fixed bit flipped) and
    random words: we decode exactly the instructions llvm-objdump knows, by the same name,
    except the ones outside the table (MSA, DSP, privileged ...), which must be illegal."""
    rnd = random.Random(2024)
    words = [rnd.getrandbits(32) for _ in range(3000)]
    for row in ROWS:
        fixed = [b for b in range(32) if row.mask >> b & 1]
        for _ in range(8):
            w = row.match | (rnd.getrandbits(32) & ~row.mask)
            words += [w, w ^ (1 << rnd.choice(fixed))]
    bad = []
    for w, text in zip(words, mips_corpus.dump_words(tmp_path, words)):
        op = fields(w)[0]
        theirs = llvm_name(text, w) if text != "<unknown>" else None
        if not _integer(NAMES[op]) or (theirs in OPS and not _integer(theirs)):
            continue            # the FPU's rows: the FPU helper's tests
        if NAMES[op] in LLVM_GAPS and theirs is None:
            continue
        if op != OPS.get(theirs, OP_ILLEGAL):
            bad.append(f"{w:#010x}: ours {NAMES[op]}, llvm-objdump {text!r}")
    assert not bad, "\n".join(bad[:20])


EXT_OF = {NAMES[row.op]: row.enc.ext for row in ROWS}


def _integer(name):
    """Whether `name` is illegal or one of this (integer) table's instructions."""
    return name == "illegal" or EXT_OF.get(name) in E.INTEGER_EXTS


@pytest.mark.parametrize("inst, want", [
    (0x00641021, ("addu", 4, 2, 3, 4, 0, 0, 0)),                  # addu $2, $3, $4
    (0x00031100, ("sll", 4, 2, 3, 0, 0, 0, 4)),                   # sll $2, $3, 4: rs1 = rt
    (0x00831006, ("srlv", 4, 2, 3, 4, 0, 0, 0)),                  # srlv $2, $3, $4: rs2 = rs
    (0x00831046, ("rotrv", 4, 2, 3, 4, 0, 0, 0)),
    (0x00231142, ("rotr", 4, 2, 3, 0, 0, 0, 5)),
    (0x2462FFFF, ("addiu", 4, 2, 3, 0, 0, 0, -1)),
    (0x3462FFFF, ("ori", 4, 2, 3, 0, 0, 0, 0xFFFF)),              # zero-extended
    (0x3C02FFFF, ("lui", 4, 2, 0, 0, 0, 0, 0xFFFF)),
    (0x2C62FFFF, ("sltiu", 4, 2, 3, 0, 0, 0, -1)),                # sign-extended
    (0x10850004, ("beq", 4, 0, 4, 5, 0, 0, 16)),                  # bytes from the delay slot
    (0x0481FFFE, ("bgez", 4, 0, 4, 0, 0, 0, -8)),
    (0x04110002, ("bgezal", 4, 31, 0, 0, 0, 0, 8)),               # bal: links in $ra
    (0x0C001002, ("jal", 4, 31, 0, 0, 0, 0, 0x4008)),             # instr_index << 2
    (0x0800_0000 | 0x3FFFFFF, ("j", 4, 0, 0, 0, 0, 0, 0x0FFFFFFC)),
    (0x03E00008, ("jr", 4, 0, 31, 0, 0, 0, 0)),
    (0x0320F809, ("jalr", 4, 31, 25, 0, 0, 0, 0)),
    (0x8FA2FFFC, ("lw", 4, 2, 29, 0, 0, 0, -4)),                  # lw $2, -4($sp)
    (0xAFBF001C, ("sw", 4, 31, 29, 0, 0, 0, 28)),                 # rd = the data
    (0x88820003, ("lwl", 4, 2, 4, 0, 0, 0, 3)),
    (0xC0820000, ("ll", 4, 2, 4, 0, 0, 0, 0)),
    (0xE0820000, ("sc", 4, 2, 4, 0, 0, 0, 0)),
    (0x7C623900, ("ext", 4, 2, 3, 0, 0, 8, 4)),                   # rm = size, imm = pos
    (0x7C625904, ("ins", 4, 2, 3, 0, 0, 11, 4)),                  # rm = msb
    (0x7C03E83B, ("rdhwr", 4, 3, 0, 0, 0, 0, 29)),
    (0x70621020, ("clz", 4, 2, 3, 0, 0, 0, 0)),
    (0x0064001A, ("div", 4, 0, 3, 4, 0, 0, 0)),
    (0x70640000, ("madd", 4, 0, 3, 4, 0, 0, 0)),
    (0x008001F4, ("teq", 4, 0, 4, 0, 0, 0, 7)),                   # teq $4, $zero, 7
    (0x048E0005, ("tnei", 4, 0, 4, 0, 0, 0, 5)),
    (0x0000000D, ("break", 4, 0, 0, 0, 0, 0, 0)),
    (0x0007000D, ("break", 4, 0, 0, 0, 0, 0, 7)),                 # break 7: imm = code_hi
    (0x000001CD, ("break", 4, 0, 0, 0, 0, 7, 0)),                 # break 0, 7: rm = code_lo
    (0x0000014C, ("syscall", 4, 0, 0, 0, 0, 0, 5)),
    (0x0000040F, ("sync", 4, 0, 0, 0, 0, 0, 16)),
    (0xCC800008, ("pref", 4, 0, 4, 0, 0, 0, 8)),
    (0x049F0004, ("synci", 4, 0, 4, 0, 0, 0, 4)),
    (0x7C0310A0, ("wsbh", 4, 2, 3, 0, 0, 0, 0)),
])
def test_fields(inst, want):
    got = fields(inst)
    assert (NAMES[got[0]],) + got[1:] == want


@pytest.mark.parametrize("inst", [
    0xFFFFFFFF,
    0x00431000,          # sll with a nonzero rs field
    0x00431002,          # srl with rs = 2 (rotr is rs = 1)
    0x00831086,          # srlv with sa = 2 (rotrv is sa = 1)
    0x03E00048,          # jr with hint 1 (jr.hb is 16)
    0x42000018,          # eret (privileged)
    0x40026000,          # mfc0
    0xBC800000,          # cache
    0x7000003F,          # sdbbp
    0x7C0310E0,          # BSHFL sa = 3: nothing
    0x7C03103F,          # SPECIAL3 function 111111
    0x04640000,          # REGIMM rt = 00100: nothing in Release 2
    0x0000000E,          # SPECIAL function 001110
])
def test_illegal(inst):
    assert fields(inst)[0] == OP_ILLEGAL


def test_upper_bits_ignored():
    assert fields(0x5_0064_1021) == fields(0x00641021)


def test_ends_block_kinds():
    kinds = {NAMES[op]: int(ENDS_BLOCK[op]) for op in range(len(NAMES)) if ENDS_BLOCK[op]}
    assert kinds == E.ENDS_BLOCK
    for name in ("beq", "bne", "blez", "bgtz", "bltz", "bgez", "bltzal", "bgezal", "j", "jal",
                 "jr", "jalr", "jr.hb", "jalr.hb"):
        assert kinds[name] == 2, name
    for name in ("beql", "bnel", "blezl", "bgtzl", "bltzl", "bgezl", "bltzall", "bgezall",
                 "syscall", "break", "synci"):
        assert kinds[name] == 1, name
    for name in ("sync", "teq", "tnei", "lw", "addu"):
        assert not ENDS_BLOCK[OPS[name]], name
    assert not ENDS_BLOCK[OP_ILLEGAL]
