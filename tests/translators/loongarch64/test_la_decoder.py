"""The decoder against LLVM: every table row assembled by llvm-mc-19 with known operands, and
random words whose legality and mnemonic llvm-objdump-19 must agree with."""
import random

import pytest

import la_corpus
from translators.loongarch64 import encodings as E
from translators.loongarch64.decoder import (ENDS_BLOCK, NAMES, OP_ILLEGAL, OPS, ROWS, decode,
                                             match_row)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return la_corpus.build(tmp_path_factory.mktemp("asm"))


def fields(inst):
    return tuple(int(v) for v in decode(inst))


def llvm_name(text):
    """The table name of llvm-objdump's mnemonic (fcmp.<cond>.s is one row, aliases undone)."""
    name = la_corpus.objdump_style(text).split()[0]
    if name.startswith("fcmp."):
        return "fcmp.cond." + name.split(".")[2]
    return name


def test_every_row_decodes_the_operands_it_was_assembled_with(corpus):
    bad = [(hex(pc), hex(inst), text, want, fields(inst))
           for pc, inst, text, want in corpus if want is not None and fields(inst) != want]
    assert not bad


def test_every_instruction_has_llvms_name(corpus):
    for pc, inst, text, _ in corpus:
        row = match_row(inst)
        assert row is not None and NAMES[row.op] == llvm_name(text), (hex(pc), hex(inst), text)
        assert NAMES[fields(inst)[0]] == NAMES[row.op]


def test_corpus_covers_every_row(corpus):
    seen = {id(match_row(inst)) for _, inst, _, _ in corpus}
    assert seen == {id(row) for row in ROWS}


def test_legality_and_names_agree_with_llvm(tmp_path):
    """Words near every row (its pattern with random operands, or one fixed bit flipped) and
    random words: we decode exactly the instructions llvm-objdump knows, by the same name,
    except the ones outside the table (LSX/LASX, LBT, privileged), which must be illegal."""
    rnd = random.Random(2024)
    words = [rnd.getrandbits(32) for _ in range(2000)]
    for row in ROWS:
        fixed = [b for b in range(32) if row.mask >> b & 1]
        for _ in range(8):
            w = row.match | (rnd.getrandbits(32) & ~row.mask)
            words += [w, w ^ (1 << rnd.choice(fixed))]
    bad = []
    for w, text in zip(words, la_corpus.dump_words(tmp_path, words)):
        op = fields(w)[0]
        theirs = llvm_name(text) if text != "<unknown>" else None
        want = OPS.get(theirs, OP_ILLEGAL)
        if op != want:
            bad.append(f"{w:#010x}: ours {NAMES[op]}, llvm-objdump {text!r}")
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("inst, want", [
    (0x001018A4, ("add.w", 4, 4, 5, 6, 0, 0, 0)),                 # add.w $a0, $a1, $a2
    (0x000518A4, ("alsl.w", 4, 4, 5, 6, 0, 2, 0)),                # alsl.w ..., 3: rm = sa2 raw
    (0x000F98A4, ("bytepick.d", 4, 4, 5, 6, 0, 7, 0)),
    (0x00E80CA4, ("bstrpick.d", 4, 4, 5, 0, 0, 40, 3)),           # rm = msbd, imm = lsbd
    (0x5BFFF885, ("beq", 4, 5, 4, 0, 0, 0, -8)),                  # beq $a0, $a1, -8
    (0x48001060, ("bceqz", 4, 0, 3, 0, 0, 0, 16)),                # bceqz $fcc3, 16
    (0x4C000881, ("jirl", 4, 1, 4, 0, 0, 0, 8)),
    (0x50040000, ("b", 4, 0, 0, 0, 0, 0, 1024)),
    (0x57FFFDFF, ("bl", 4, 1, 0, 0, 0, 0, 134217724)),            # bl links in $ra
    (0x24FFF8A4, ("ldptr.w", 4, 4, 5, 0, 0, 0, -8)),              # si14 << 2
    (0x220010A4, ("ll.d", 4, 4, 5, 0, 0, 0, 16)),
    (0x386994C4, ("amswap_db.d", 4, 4, 6, 5, 0, 0, 0)),           # amswap_db.d $a0, $a1, $a2
    (0x0C2C8401, ("fcmp.cond.d", 4, 1, 0, 1, 0, 0x19, 0)),        # fcmp.sune.d $fcc1, ...
    (0x0D028820, ("fsel", 4, 0, 1, 2, 5, 0, 0)),
    (0x0114C083, ("movgr2fcsr", 4, 3, 4, 0, 0, 0, 0)),
    (0x0114C844, ("movfcsr2gr", 4, 4, 2, 0, 0, 0, 0)),
    (0x0114DCE4, ("movcf2gr", 4, 4, 7, 0, 0, 0, 0)),
    (0x2AC04088, ("preld", 4, 8, 4, 0, 0, 0, 16)),                # rd = hint
    (0x002A0007, ("break", 4, 0, 0, 0, 0, 0, 7)),
    (0x00011480, ("asrtle.d", 4, 0, 4, 5, 0, 0, 0)),
    (0x15FFFFE4, ("lu12i.w", 4, 4, 0, 0, 0, 0, -1)),              # si20 raw
    (0x03BFFC84, ("ori", 4, 4, 4, 0, 0, 0, 4095)),                # ui12
    (0x0041FC84, ("slli.d", 4, 4, 4, 0, 0, 0, 63)),
    (0x08218820, ("fmadd.d", 4, 0, 1, 2, 3, 0, 0)),
])
def test_fields(inst, want):
    got = fields(inst)
    assert (NAMES[got[0]],) + got[1:] == want


@pytest.mark.parametrize("inst", [
    0x00000000,          # all zero is not an instruction on LoongArch
    0xFFFFFFFF,
    0x2C008180,          # vld (LSX)
    0x04000004,          # csrrd (privileged)
    0x00011481,          # asrtle.d with a nonzero rd field
    0x0C1D0401,          # fcmp.s with the reserved condition 0x1a
    0x0114C084,          # movgr2fcsr $fcsr4
    0x48001260,          # bceqz with bits 9:8 = 10
    0x0C2C8409,          # fcmp with bits 4:3 != 0
])
def test_illegal(inst):
    assert fields(inst)[0] == OP_ILLEGAL


def test_upper_bits_ignored():
    assert fields(0x5_0010_18A4) == fields(0x001018A4)


def test_ends_block():
    enders = {NAMES[op] for op in range(len(NAMES)) if ENDS_BLOCK[op]}
    assert enders == E.ENDS_BLOCK and "ibar" in enders
    assert not ENDS_BLOCK[OPS["dbar"]] and not ENDS_BLOCK[OP_ILLEGAL]
