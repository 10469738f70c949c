"""mips_base semantics through the tiny machine: 32-bit results sign-extended, the overflow
traps, HI/LO with 64-bit products and accumulations, divisions as qemu-mipsel 7.2 computes the
unpredictable cases, shifts/rotates, clz/clo, ext/ins bounds, wsbh/seb/seh."""
import pytest

from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT_INFO
from mipshelpers import PC, Machine, s32
from translators.mipsel.cpu import HI, LO, NPC

M32 = 0xFFFFFFFF


@pytest.fixture
def mc():
    return Machine()


def alu(mc, name, a, b=0, imm=0, rd=2, **kw):
    """Run `name rd, $3, $4` (or with imm) on words a, b; returns rd as an unsigned word."""
    mc.r[3], mc.r[4] = s32(a), s32(b)
    npc = mc.run(name, rd=rd, rs1=3, rs2=4, imm=imm, **kw)
    assert mc.exit == Exit.NONE and npc == PC + 4 and mc.npc == PC + 8
    v = int(mc.r[rd])
    assert v == s32(v), f"{name}: {v:#x} is not a sign-extended word"
    return v & M32


@pytest.mark.parametrize("name, a, b, want", [
    ("addu", 0x7FFFFFFF, 1, 0x80000000),            # wraps, sign-extended
    ("addu", 0xFFFFFFFF, 1, 0),
    ("add", 0x7FFFFFFE, 1, 0x7FFFFFFF),
    ("add", 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF),
    ("subu", 0, 1, 0xFFFFFFFF),
    ("subu", 0x80000000, 1, 0x7FFFFFFF),
    ("sub", 5, 7, 0xFFFFFFFE),
    ("and", 0xF0F0F0F0, 0xFF00FF00, 0xF000F000),
    ("or", 0xF0F0F0F0, 0x0F000000, 0xFFF0F0F0),
    ("xor", 0xFFFFFFFF, 0x0F0F0F0F, 0xF0F0F0F0),
    ("nor", 0, 0, 0xFFFFFFFF),
    ("nor", 0xFFFF0000, 0x0000FF00, 0x000000FF),
    ("slt", 0xFFFFFFFF, 0, 1),
    ("slt", 0, 0xFFFFFFFF, 0),
    ("sltu", 0xFFFFFFFF, 0, 0),
    ("sltu", 0, 0xFFFFFFFF, 1),
    ("sltu", 0x7FFFFFFF, 0x80000000, 1),
    ("mul", 0x10000, 0x10000, 0),                    # the low word only
    ("mul", 0xFFFFFFFF, 0xFFFFFFFF, 1),
    ("mul", 0x12345678, 0x9ABCDEF0, (0x12345678 * 0x9ABCDEF0) & M32),
])
def test_three_register(mc, name, a, b, want):
    assert alu(mc, name, a, b) == want


@pytest.mark.parametrize("name, a, b", [
    ("add", 0x7FFFFFFF, 1), ("add", 0x80000000, 0xFFFFFFFF), ("add", 0x40000000, 0x40000000),
    ("sub", 0x80000000, 1), ("sub", 0x7FFFFFFF, 0xFFFFFFFF), ("sub", 0, 0x80000000),
])
def test_overflow_traps_and_leaves_rd(mc, name, a, b):
    mc.r[2] = 1234
    mc.r[3], mc.r[4] = s32(a), s32(b)
    npc = mc.run(name, rd=2, rs1=3, rs2=4)
    assert mc.exit == Exit.BREAKPOINT and mc.ctl[CTL_EXIT_INFO] == 6     # BRK_OVERFLOW
    assert npc == PC and mc.npc == PC + 4 and mc.r[2] == 1234


def test_addi_overflow(mc):
    mc.r[3] = 0x7FFFFFFF
    mc.r[2] = 99
    assert mc.run("addi", rd=2, rs1=3, imm=1) == PC and mc.exit == Exit.BREAKPOINT
    assert mc.ctl[CTL_EXIT_INFO] == 6 and mc.r[2] == 99
    mc.r[3] = s32(0x80000000)
    assert mc.run("addi", rd=2, rs1=3, imm=-1) == PC and mc.exit == Exit.BREAKPOINT
    assert alu(mc, "addi", 0x80000000, imm=1) == 0x80000001
    assert alu(mc, "addiu", 0x7FFFFFFF, imm=1) == 0x80000000      # addiu never traps


def test_zero_register_is_never_written(mc):
    alu(mc, "addu", 5, 6, rd=0)
    assert mc.r[0] == 0


@pytest.mark.parametrize("name, a, imm, want", [
    ("addiu", 5, -6, 0xFFFFFFFF),
    ("slti", 0xFFFFFFFF, 0, 1),
    ("slti", 5, -32768, 0),
    ("sltiu", 5, -1, 1),                               # -1 is 0xFFFFFFFF, unsigned
    ("sltiu", 0xFFFFFFFF, -1, 0),
    ("sltiu", 0, 1, 1),
    ("andi", 0xFFFFFFFF, 0xFFFF, 0xFFFF),              # zero-extended immediates
    ("ori", 0x80000000, 0x8000, 0x80008000),
    ("xori", 0xFFFFFFFF, 0xFFFF, 0xFFFF0000),
    ("lui", 0, 0xFFFF, 0xFFFF0000),
    ("lui", 0, 0x7FFF, 0x7FFF0000),
])
def test_immediate(mc, name, a, imm, want):
    assert alu(mc, name, a, imm=imm) == want


@pytest.mark.parametrize("name, a, sa, want", [
    ("sll", 0x00000001, 31, 0x80000000),
    ("sll", 0x80000001, 1, 0x00000002),
    ("srl", 0x80000000, 31, 1),
    ("srl", 0xFFFFFFFF, 0, 0xFFFFFFFF),
    ("sra", 0x80000000, 31, 0xFFFFFFFF),
    ("sra", 0x40000000, 30, 1),
    ("rotr", 0x12345678, 8, 0x78123456),
    ("rotr", 0x12345678, 0, 0x12345678),
    ("rotr", 0x80000001, 31, 0x00000003),
])
def test_shift_immediate(mc, name, a, sa, want):
    mc.r[3] = s32(a)
    assert mc.run(name, rd=2, rs1=3, imm=sa) == PC + 4
    assert int(mc.r[2]) & M32 == want and int(mc.r[2]) == s32(want)


@pytest.mark.parametrize("name, a, s, want", [
    ("sllv", 1, 33, 2),                                 # the low 5 bits of rs
    ("srlv", 0x80000000, 63, 1),
    ("srav", 0x80000000, 4, 0xF8000000),
    ("rotrv", 0x12345678, 36, 0x81234567),
    ("rotrv", 0x12345678, 32, 0x12345678),
])
def test_shift_variable(mc, name, a, s, want):
    assert alu(mc, name, a, s) == want


def hilo(mc):
    return ((int(mc.r[HI]) & M32) << 32) | (int(mc.r[LO]) & M32)


def run_hilo(mc, name, a, b, hi=0, lo=0):
    mc.r[HI], mc.r[LO] = s32(hi), s32(lo)
    mc.r[3], mc.r[4] = s32(a), s32(b)
    assert mc.run(name, rs1=3, rs2=4) == PC + 4 and mc.exit == Exit.NONE
    assert mc.r[HI] == s32(mc.r[HI]) and mc.r[LO] == s32(mc.r[LO])
    return hilo(mc)


def signed(v, bits=32):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


M64 = (1 << 64) - 1


@pytest.mark.parametrize("a, b", [(0xFFFFFFFF, 0xFFFFFFFF), (0x80000000, 0x80000000),
                                  (0x7FFFFFFF, 0x80000000), (0x12345678, 0x9ABCDEF0), (0, 5)])
def test_mult_multu(mc, a, b):
    assert run_hilo(mc, "mult", a, b) == (signed(a) * signed(b)) & M64
    assert run_hilo(mc, "multu", a, b) == a * b


@pytest.mark.parametrize("a, b, acc", [(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF_FFFFFFFF),
                                       (0x80000000, 0x80000000, 0x7FFFFFFF_FFFFFFFF),
                                       (0x12345678, 0x9ABCDEF0, 0x00000001_FFFFFFFF),
                                       (3, 4, 0)])
def test_madd_msub(mc, a, b, acc):
    hi, lo = acc >> 32, acc & M32
    assert run_hilo(mc, "madd", a, b, hi, lo) == (acc + signed(a) * signed(b)) & M64
    assert run_hilo(mc, "maddu", a, b, hi, lo) == (acc + a * b) & M64
    assert run_hilo(mc, "msub", a, b, hi, lo) == (acc - signed(a) * signed(b)) & M64
    assert run_hilo(mc, "msubu", a, b, hi, lo) == (acc - a * b) & M64


# (a, b) -> (div HI, LO), (divu HI, LO): qemu-mipsel 7.2 measured (a zig-built program doing
# `div $zero, a, b; mfhi; mflo` after zeroing HI/LO): x/0 and INT_MIN/-1 divide by 1.
QEMU_DIV = [
    (7, 0, (0, 7), (0, 7)),
    (0xFFFFFFF9, 0, (0, 0xFFFFFFF9), (0, 0xFFFFFFF9)),
    (0, 0, (0, 0), (0, 0)),
    (0x80000000, 0xFFFFFFFF, (0, 0x80000000), (0x80000000, 0)),
    (0xFFFFFFF9, 2, (0xFFFFFFFF, 0xFFFFFFFD), (1, 0x7FFFFFFC)),
    (7, 0xFFFFFFFE, (1, 0xFFFFFFFD), (7, 0)),
    (0x80000000, 0, (0, 0x80000000), (0, 0x80000000)),
]


@pytest.mark.parametrize("a, b, div, divu", QEMU_DIV)
def test_div_as_qemu(mc, a, b, div, divu):
    assert run_hilo(mc, "div", a, b, 0x1111, 0x2222) == (div[0] << 32) | div[1]
    assert run_hilo(mc, "divu", a, b, 0x1111, 0x2222) == (divu[0] << 32) | divu[1]


def test_hi_lo_moves(mc):
    mc.r[5] = s32(0x80000000)
    mc.run("mthi", rs1=5)
    mc.run("mtlo", rs1=0)
    assert mc.r[HI] == s32(0x80000000) and mc.r[LO] == 0
    mc.run("mfhi", rd=6)
    mc.run("mflo", rd=7)
    assert mc.r[6] == s32(0x80000000) and mc.r[7] == 0


def test_movz_movn(mc):
    mc.r[2] = 1
    assert alu(mc, "movz", 5, 0) == 5
    assert alu(mc, "movz", 6, 1) == 5                   # rt != 0: rd kept
    assert alu(mc, "movn", 7, 1) == 7
    assert alu(mc, "movn", 8, 0) == 7


@pytest.mark.parametrize("a, clz, clo", [(0, 32, 0), (0xFFFFFFFF, 0, 32), (1, 31, 0),
                                         (0x80000000, 0, 1), (0x0000FFFF, 16, 0),
                                         (0xFFFF0000, 0, 16), (0x7FFFFFFF, 1, 0)])
def test_clz_clo(mc, a, clz, clo):
    assert alu(mc, "clz", a) == clz
    assert alu(mc, "clo", a) == clo


@pytest.mark.parametrize("pos, size, want", [(4, 8, 0xDE), (0, 32, 0x89ABCDEF), (31, 1, 1),
                                             (0, 1, 1), (28, 4, 0x8), (16, 16, 0x89AB)])
def test_ext(mc, pos, size, want):
    mc.r[3] = s32(0x89ABCDEF)
    assert mc.run("ext", rd=2, rs1=3, imm=pos, rm=size) == PC + 4
    assert mc.r[2] == s32(want)


@pytest.mark.parametrize("pos, size, want", [(4, 8, 0xFFFFF78F), (0, 32, 0x12345678),
                                             (31, 1, 0x7FFFFFFF), (0, 1, 0xFFFFFFFE),
                                             (16, 16, 0x5678FFFF)])
def test_ins(mc, pos, size, want):
    mc.r[2] = -1
    mc.r[3] = 0x12345678
    assert mc.run("ins", rd=2, rs1=3, imm=pos, rm=pos + size - 1) == PC + 4
    assert mc.r[2] == s32(want)


def test_ext_ins_out_of_bounds_are_reserved(mc):
    mc.r[2] = 77
    assert mc.run("ext", rd=2, rs1=3, imm=20, rm=16) == PC and mc.exit == Exit.ILLEGAL
    assert mc.run("ins", rd=2, rs1=3, imm=20, rm=19) == PC and mc.exit == Exit.ILLEGAL
    assert mc.r[2] == 77 and mc.r[NPC] == PC + 4


def test_wsbh_seb_seh(mc):
    assert alu(mc, "wsbh", 0x11223344) == 0x22114433
    assert alu(mc, "wsbh", 0x80FF0001) == 0xFF800100
    assert alu(mc, "seb", 0x1234567F) == 0x7F
    assert alu(mc, "seb", 0x12345680) == 0xFFFFFF80
    assert alu(mc, "seh", 0x12348000) == 0xFFFF8000
    assert alu(mc, "seh", 0xFFFF7FFF) == 0x7FFF
