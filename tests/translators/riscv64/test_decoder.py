"""The decoder against GNU binutils: every table row, assembled by `as` and named by objdump."""
import pytest

import asm_corpus
from translators.riscv64 import encodings as E
from translators.riscv64.decoder import ENDS_BLOCK, NAMES, OP_ILLEGAL, OPS, decode, match_row


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return asm_corpus.build(tmp_path_factory.mktemp("asm"))


def fields(inst):
    return tuple(int(v) for v in decode(inst))


def objdump_name(text):
    name = text.split()[0]
    if name == "fence.tso":
        return "fence"                          # a fence with fm=1000, not its own row
    for suffix in (".aqrl", ".aq", ".rl"):
        if name.startswith(("amo", "lr.", "sc.")) and name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def test_every_instruction_has_objdumps_name(corpus):
    rvc, _ = corpus
    for pc, inst, text in rvc:
        row = match_row(inst)
        want = objdump_name(text)
        if text == "c.addi zero,0":
            want = "c.nop"                      # binutils has no separate c.nop row
        assert row is not None and row.name == want, (hex(pc), hex(inst), text)
        op, ilen = fields(inst)[:2]
        assert NAMES[op] == (row.enc.expands or row.name)
        assert ilen == (2 if row.name.startswith("c.") else 4)


def test_corpus_covers_every_row(corpus):
    rvc, _ = corpus
    seen = {match_row(inst).name for _, inst, _ in rvc}
    assert seen == {row.name for row in E.INSTRUCTIONS + E.COMPRESSED}


def test_compressed_expand_to_what_as_emits_without_c(corpus):
    rvc, norvc = corpus
    pairs = [(a, b) for a, b in zip(rvc, norvc) if a[1] & 3 != 3]
    assert len(pairs) == asm_corpus.COMPRESSED.strip().count("\n") + 1
    for (pc, inst, text), (_, full, full_text) in pairs:
        assert full & 3 == 3
        assert fields(inst)[0] == fields(full)[0]
        assert fields(inst)[2:] == fields(full)[2:], (text, full_text)


@pytest.mark.parametrize("inst, want", [
    (0x00150513, ("addi", 4, 10, 10, 0, 0, 0, 1)),
    (0x80010113, ("addi", 4, 2, 2, 0, 0, 0, -2048)),
    (0xFE113C23, ("sd", 4, 0, 2, 1, 0, 0, -8)),
    (0xFE000EE3, ("beq", 4, 0, 0, 0, 0, 0, -4)),
    (0x800000EF, ("jal", 4, 1, 0, 0, 0, 0, -(1 << 20))),
    (0x800002B7, ("lui", 4, 5, 0, 0, 0, 0, -(1 << 31))),
    (0x68C5F543, ("fmadd.s", 4, 10, 11, 12, 13, 7, 0)),
    (0xC0002573, ("csrrs", 4, 10, 0, 0, 0, 0, 0xC00)),
    (0x0021D573, ("csrrwi", 4, 10, 3, 0, 0, 0, 2)),
    (0x06C5A52F, ("amoadd.w", 4, 10, 11, 12, 0, 3, 0)),
    (0x4505, ("addi", 2, 10, 0, 0, 0, 0, 1)),            # c.li a0,1
    (0x8082, ("jalr", 2, 0, 1, 0, 0, 0, 0)),             # c.jr ra
    (0x9002, ("ebreak", 2, 0, 0, 0, 0, 0, 0)),
    (0x7139, ("addi", 2, 2, 2, 0, 0, 0, -64)),           # c.addi16sp
    (0xFFAA, ("sd", 2, 0, 2, 10, 0, 0, 504)),            # c.sdsp a0,504(sp)
])
def test_fields(inst, want):
    got = fields(inst)
    assert (NAMES[got[0]],) + got[1:] == want


@pytest.mark.parametrize("inst", [
    0x0000,              # all zero: c.addi4spn with imm 0
    0x6101,              # c.addi16sp with imm 0
    0x6501,              # c.lui a0,0
    0x4002,              # c.lwsp x0
    0x6002,              # c.ldsp x0
    0x8002,              # c.jr x0
    0x2001,              # c.addiw x0
    0x9C41,              # reserved CA slot in RV64
    0xFFFFFFFF,
    0x0000007F,          # unknown major opcode
    0x20005013,          # srli with a nonzero funct6
])
def test_reserved_and_illegal(inst):
    assert fields(inst)[0] == OP_ILLEGAL


def test_upper_half_ignored_for_compressed():
    assert fields(0xDEAD_4505) == fields(0x4505)


def test_ends_block():
    enders = {NAMES[op] for op in range(len(NAMES)) if ENDS_BLOCK[op]}
    assert enders == {"jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu", "ecall",
                      "ebreak", "fence.i"}
    assert not ENDS_BLOCK[OPS["csrrw"]] and not ENDS_BLOCK[OP_ILLEGAL]
