"""loongarch64 base integer semantics (la_base.py), one instruction at a time through the dispatch.

Expected values for what the manual leaves undefined (division by zero, INT_MIN / -1) and for
crc/mulh were measured on qemu-loongarch64 7.2, the differential oracle.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lahelpers import DATA, PC, Machine, sx, ux
from jitvm.compiled import PURE_PYTHON
from jitvm.exits import Access, Exit
from jitvm.mmu import CTL_FAULT_ADDR, CTL_FAULT_KIND, PTE_R
from translators.loongarch64.cpu import FCC0, RA

# the python tier computes with numpy scalars, which warn when they wrap as the guest intends
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

A0, A1, A2 = 4, 5, 6
MAX64, MIN64 = (1 << 63) - 1, 1 << 63
M64 = 2**64 - 1
W = 0xFFFFFFFF_80000000            # INT32_MIN sign-extended


def alu(name, a, b=0, imm=0, rm=0, rd_in=0):
    """a0 <- op(a1, a2, imm, rm), a0 holding rd_in first; returns a0 as unsigned 64-bit."""
    mc = Machine()
    mc.r[A0], mc.r[A1], mc.r[A2] = sx(rd_in), sx(a), sx(b)
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2, rm=rm, imm=imm) == PC + 4
    assert mc.exit == Exit.NONE
    return ux(mc.r[A0])


@pytest.mark.parametrize("name, a, b, want", [
    ("add.w", 0x7FFFFFFF, 1, W),                        # 32-bit overflow, sign-extended
    ("add.w", 0x1_0000_0005, 0x2_0000_0001, 6),         # upper halves ignored
    ("add.d", MAX64, 1, MIN64),
    ("sub.w", 0, 1, M64),
    ("sub.d", 0, 1, M64),
    ("slt", M64, 0, 1), ("slt", 0, M64, 0),
    ("sltu", M64, 0, 0), ("sltu", 0, M64, 1),
    ("maskeqz", 0x1234, 0, 0), ("maskeqz", 0x1234, 1 << 63, 0x1234),
    ("masknez", 0x1234, 0, 0x1234), ("masknez", 0x1234, 5, 0),
    ("nor", 0xF0, 0x0F, M64 - 0xFF),
    ("and", 0xF0, 0x3C, 0x30), ("or", 0xF0, 0x0F, 0xFF), ("xor", 0xF0F0, 0xFF00, 0x0FF0),
    ("orn", 0xF0, M64 - 0x0F, 0xFF), ("andn", 0xFF, 0x0F, 0xF0),
    # shifts: the amount is rk mod 32 / mod 64; .w results sign-extend bit 31
    ("sll.w", 1, 31, W), ("sll.w", 1, 32 + 1, 2), ("sll.w", 0x8000_0001, 0, W | 1),
    ("srl.w", 0xFFFFFFFF_80000000, 31, 1), ("srl.w", 0x80000000, 0, W),
    ("sra.w", 0x80000000, 31, M64), ("sra.w", 0xFFFFFFFF_7FFFFFFF, 4, 0x07FFFFFF),
    ("sll.d", 1, 63, MIN64), ("sll.d", 1, 64 + 3, 8), ("srl.d", M64, 63, 1),
    ("srl.d", MIN64, 0, MIN64), ("sra.d", MIN64, 63, M64),
    ("rotr.w", 0x1, 1, W), ("rotr.w", 0xAB_1234_5678, 32 + 8, 0x78123456),
    ("rotr.w", 0x8000_0000, 0, W),
    ("rotr.d", 0x1, 1, MIN64), ("rotr.d", 0x0123456789ABCDEF, 64 + 4, 0xF0123456789ABCDE),
    ("rotr.d", MIN64 | 1, 0, MIN64 | 1),
    # multiply
    ("mul.w", 0x10000, 0x10000, 0), ("mul.w", 0x7FFFFFFF, 2, M64 - 1),
    ("mulh.w", W, W, 0x40000000), ("mulh.w", 0xFFFFFFFF, 1, M64),
    ("mulh.wu", 0xFFFFFFFF, 0xFFFFFFFF, M64 - 1),      # high word 0xfffffffe, sign-extended
    ("mulh.wu", 0xAF4CDFB5, MAX64, 0xFFFFFFFF_AF4CDFB4),
    ("mul.d", MAX64, 2, M64 - 1),
    ("mulh.d", M64, M64, 0), ("mulh.d", MIN64, MIN64, 1 << 62), ("mulh.d", MIN64, M64, 0),
    ("mulh.du", M64, M64, M64 - 1), ("mulh.du", MIN64, 2, 1),
    ("mulw.d.w", W, W, 1 << 62), ("mulw.d.w", 0x1_FFFFFFFF, 3, M64 - 2),
    ("mulw.d.wu", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE_00000001),
    # divide (QEMU 7.2: x / 0 = x, x % 0 = 0; INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0)
    ("div.w", 7, 0, 7), ("div.w", 7, 0x1_00000000, 7), ("div.w", M64 - 6, 2, M64 - 2),
    ("div.w", W, M64, W), ("div.w", 0x7, M64, M64 - 6),
    ("mod.w", 7, 0, 0), ("mod.w", W, M64, 0), ("mod.w", M64 - 6, 2, M64),
    ("div.wu", 7, 0, 7), ("div.wu", W, 0x1_00000000, W), ("div.wu", M64 - 6, 2, 0x7FFFFFFC),
    ("mod.wu", 7, 0, 0), ("mod.wu", W, M64, W), ("mod.wu", M64 - 6, 0x10, 9),
    ("div.d", 7, 0, 7), ("div.d", MIN64, M64, MIN64), ("div.d", MIN64, 0, MIN64),
    ("div.d", M64 - 6, 2, M64 - 2), ("div.d", MIN64, 0x1_00000000, W),
    ("mod.d", 7, 0, 0), ("mod.d", MIN64, M64, 0), ("mod.d", M64 - 6, 2, M64),
    ("div.du", M64 - 6, 0, M64 - 6), ("div.du", M64 - 6, 0x1_00000000, 0xFFFFFFFF),
    ("mod.du", 7, 0, 0), ("mod.du", M64 - 6, 0x1_00000000, 0xFFFFFFF9),
])
def test_three_register(name, a, b, want):
    assert alu(name, a, b) == want


@pytest.mark.parametrize("name, a, imm, want", [
    ("slli.w", 0x1_0000_0001, 31, W), ("slli.w", 0x1_8000_0000, 0, W),
    ("slli.d", 3, 63, MIN64),
    ("srli.w", 0x80000000, 31, 1), ("srli.w", M64, 0, M64),
    ("srli.w", 0x1_7FFF_FFFF, 0, 0x7FFFFFFF),
    ("srli.d", M64, 63, 1), ("srli.d", MIN64, 0, MIN64),
    ("srai.w", 0x80000000, 31, M64), ("srai.w", 0x1_7FFF_FFFF, 0, 0x7FFFFFFF),
    ("srai.d", MIN64, 63, M64), ("srai.d", 1 << 62, 0, 1 << 62),
    ("rotri.w", 0x1234_5678, 4, 0xFFFFFFFF_81234567), ("rotri.w", 0x8000_0000, 0, W),
    ("rotri.d", 0xF, 4, 0xF000000000000000), ("rotri.d", 5, 0, 5), ("rotri.d", 2, 63, 4),
    ("slti", M64 - 4, -4, 1), ("slti", 0, -1, 0),
    ("sltui", 5, -1, 1), ("sltui", M64, -1, 0),         # si12 sign-extends, compares unsigned
    ("addi.w", 0x7FFFFFFF, 1, W), ("addi.w", 0xFFFFFFFF, 0, M64),
    ("addi.d", 5, -6, M64),
    ("andi", M64, 0xFFF, 0xFFF), ("ori", 0x1000, 0x800, 0x1800),    # ui12: zero-extended
    ("xori", 0xFF, 0xFFF, 0xF00),
    ("lu52i.d", 0x1234_5678_9ABC_DEF0, -1, 0xFFF4_5678_9ABC_DEF0),
    ("lu52i.d", M64, 0x7FF, 0x7FFF_FFFF_FFFF_FFFF),
    ("addu16i.d", 1, -1, M64 - 0xFFFE), ("addu16i.d", 0, 0x7FFF, 0x7FFF_0000),
])
def test_register_immediate(name, a, imm, want):
    assert alu(name, a, imm=imm) == want


@pytest.mark.parametrize("name, a, want", [
    ("clo.w", 0xFFFF_FFFF_0000_0000, 0), ("clo.w", 0xFFF0_0000, 12), ("clo.w", M64, 32),
    ("clz.w", 0, 32), ("clz.w", 0xFFFF_FFFF_0000_8000, 16), ("clz.w", W, 0),
    ("cto.w", 0x1_0000_0000 - 1, 32), ("cto.w", 0x7, 3), ("cto.w", M64 - 0xFFFF_FFFF, 0),
    ("ctz.w", 0, 32), ("ctz.w", 0x1_0000_0000, 32), ("ctz.w", 0x80, 7),
    ("clo.d", M64, 64), ("clo.d", MIN64, 1), ("clz.d", 0, 64), ("clz.d", 1, 63),
    ("cto.d", M64, 64), ("cto.d", 0xFF, 8), ("ctz.d", 0, 64), ("ctz.d", MIN64, 63),
    ("revb.2h", 0x1122_3344_5566_8877, 0x6655_7788), ("revb.2h", 0x0080_0000, W),
    ("revb.4h", 0x1122_3344_5566_7788, 0x2211_4433_6655_8877),
    ("revb.2w", 0x1122_3344_5566_7788, 0x4433_2211_8877_6655),
    ("revb.d", 0x1122_3344_5566_7788, 0x8877_6655_4433_2211),
    ("revh.2w", 0x1122_3344_5566_7788, 0x3344_1122_7788_5566),
    ("revh.d", 0x1122_3344_5566_7788, 0x7788_5566_3344_1122),
    ("bitrev.4b", 0xFF_0102_0480, 0xFFFF_FFFF_8040_2001), ("bitrev.4b", 0x01, 0x80),
    ("bitrev.4b", 0x0100_0000, W),
    ("bitrev.8b", 0x0102_0408_1020_4080, 0x8040_2010_0804_0201),
    ("bitrev.w", 0xFFFF_FFFF_0000_0001, W), ("bitrev.w", 0x8000_0000, 1),
    ("bitrev.d", 1, MIN64), ("bitrev.d", 0x0123_4567_89AB_CDEF, 0xF7B3_D591_E6A2_C480),
    ("ext.w.h", 0x1_8000, 0xFFFF_FFFF_FFFF_8000), ("ext.w.h", 0xFFFF_7FFF, 0x7FFF),
    ("ext.w.b", 0x180, M64 - 0x7F), ("ext.w.b", 0x7F, 0x7F),
])
def test_two_register(name, a, want):
    assert alu(name, a) == want


@pytest.mark.parametrize("name, a, b, shift, want", [
    ("alsl.w", 1, 0, 1, 2), ("alsl.w", 0x4000_0000, 0, 1, W), ("alsl.w", 3, 5, 4, 53),
    ("alsl.wu", 0x4000_0000, 0, 1, 0x8000_0000), ("alsl.wu", 0, M64, 2, 0xFFFFFFFF),
    ("alsl.d", 1 << 60, 1, 3, MIN64 | 1), ("alsl.d", M64, 0, 4, M64 - 15),
])
def test_alsl(name, a, b, shift, want):
    # rd = (rj << shift) + rk; the encoding's sa2 (rm) is shift - 1
    assert alu(name, a, b, rm=shift - 1) == want


@pytest.mark.parametrize("name, sa, want", [
    # rj = 0x..._8899AABB_CCDDEEFF, rk = 0x..._00112233_44556677
    ("bytepick.w", 0, 0x44556677), ("bytepick.w", 1, 0x556677CC),
    ("bytepick.w", 2, 0x6677CCDD), ("bytepick.w", 3, 0x77CCDDEE),
    ("bytepick.d", 0, 0x0011_2233_4455_6677), ("bytepick.d", 1, 0x1122_3344_5566_7788),
    ("bytepick.d", 4, 0x4455_6677_8899_AABB), ("bytepick.d", 7, 0x77_8899_AABB_CCDD_EE),
])
def test_bytepick(name, sa, want):
    assert alu(name, 0x8899_AABB_CCDD_EEFF, 0x0011_2233_4455_6677, rm=sa) == want
    # sign extension of bytepick.w's word
    assert alu("bytepick.w", 0x0, 0x8000_0000, rm=0) == W


@pytest.mark.parametrize("name, rd_in, rj, msb, lsb, want", [
    ("bstrins.w", M64, 0, 7, 4, M64 - 0xF0),
    ("bstrins.w", 0, M64, 31, 31, W),                   # the .w result sign-extends
    ("bstrins.w", 0xFFFF_FFFF_0000_0000, 0x5, 3, 0, 5),
    ("bstrins.w", 0x1234_5678, 0xABCD, 31, 16, 0xFFFF_FFFF_ABCD_5678),
    ("bstrins.d", 0, M64, 63, 63, MIN64), ("bstrins.d", M64, 0, 63, 0, 0),
    ("bstrins.d", 0x1111_1111_1111_1111, 0xAB, 39, 32, 0x1111_11AB_1111_1111),
    ("bstrpick.w", 0, 0x8765_4321, 31, 0, 0xFFFF_FFFF_8765_4321),     # msb 31 sign-extends
    ("bstrpick.w", 0, 0x8765_4321, 31, 28, 8), ("bstrpick.w", M64, 0x8765_4321, 30, 0, 0x0765_4321),
    ("bstrpick.w", 0, 0x8765_4321, 5, 5, 1),
    ("bstrpick.d", 0, M64, 63, 0, M64), ("bstrpick.d", 0, MIN64, 63, 63, 1),
    ("bstrpick.d", M64, 0x1234_5678_9ABC_DEF0, 47, 16, 0x5678_9ABC),
])
def test_bit_fields(name, rd_in, rj, msb, lsb, want):
    assert alu(name, rj, rm=msb, imm=lsb, rd_in=rd_in) == want


@pytest.mark.parametrize("name", ["bstrins.w", "bstrpick.w", "bstrins.d", "bstrpick.d"])
def test_bit_field_msb_below_lsb_is_illegal(name):
    mc = Machine()                                      # as QEMU 7.2: SIGILL
    mc.r[A0] = 99
    assert mc.run(name, rd=A0, rs1=A1, rm=3, imm=5) == PC
    assert mc.exit == Exit.ILLEGAL and mc.r[A0] == 99


def test_upper_immediates():
    mc = Machine()
    mc.run("lu12i.w", rd=A0, imm=-1)
    assert ux(mc.r[A0]) == 0xFFFF_FFFF_FFFF_F000
    mc.run("lu12i.w", rd=A0, imm=0x7FFFF)
    assert ux(mc.r[A0]) == 0x7FFF_F000
    mc.r[A0] = sx(0xAAAA_AAAA_1234_5678)
    mc.run("lu32i.d", rd=A0, imm=-2)                # bits 32..51 = si20, 52..63 its sign
    assert ux(mc.r[A0]) == 0xFFFF_FFFE_1234_5678
    mc.run("lu32i.d", rd=A0, imm=0x7FFFF)
    assert ux(mc.r[A0]) == 0x0007_FFFF_1234_5678
    pc = 0x1_2345_6788
    for name, imm, want in [("pcaddi", -1, pc - 4), ("pcaddi", 0x7FFFF, pc + (0x7FFFF << 2)),
                            ("pcalau12i", 1, 0x1_2345_7000), ("pcalau12i", -1, 0x1_2345_5000),
                            ("pcaddu12i", -1, pc - 0x1000), ("pcaddu18i", 2, pc + (2 << 18)),
                            ("pcaddu18i", -0x80000, pc - (1 << 37))]:
        assert mc.run(name, rd=A0, imm=imm, pc=pc) == pc + 4
        assert mc.r[A0] == want, name


def test_r0_is_never_written():
    mc = Machine()
    mc.r[A1] = 7
    mc.run("addi.d", rd=0, rs1=A1, imm=1)
    mc.run("lu12i.w", rd=0, imm=1)
    mc.run("pcaddi", rd=0, imm=1)
    mc.run("jirl", rd=0, rs1=A1, imm=0)
    mc.write(DATA, b"\xff" * 8)
    mc.r[A1] = DATA
    mc.run("ld.d", rd=0, rs1=A1)
    mc.run("bstrins.d", rd=0, rs1=A1, rm=63, imm=0)
    assert mc.r[0] == 0


@pytest.mark.parametrize("name, a, b, taken", [
    ("beq", 3, 3, True), ("beq", 3, 4, False), ("bne", 3, 4, True), ("bne", 3, 3, False),
    ("blt", -1, 0, True), ("blt", 0, -1, False), ("bge", 0, 0, True), ("bge", -1, 0, False),
    ("bltu", 0, -1, True), ("bltu", -1, 0, False), ("bgeu", -1, 0, True), ("bgeu", 0, 1, False),
])
def test_compare_branches(name, a, b, taken):
    mc = Machine()
    mc.r[A1], mc.r[A0] = a, b                           # beq rj, rd, offs: rs1 = rj, rd = rd
    assert mc.run(name, rd=A0, rs1=A1, imm=-(1 << 17)) == (PC - (1 << 17) if taken else PC + 4)
    assert mc.run(name, rd=A0, rs1=A1, imm=(1 << 17) - 4) == (
        PC + (1 << 17) - 4 if taken else PC + 4)


def test_zero_and_flag_branches():
    mc = Machine()
    mc.r[A1] = 0
    assert mc.run("beqz", rs1=A1, imm=-(1 << 22)) == PC - (1 << 22)
    assert mc.run("bnez", rs1=A1, imm=-(1 << 22)) == PC + 4
    mc.r[A1] = MIN64 - (1 << 64)
    assert mc.run("bnez", rs1=A1, imm=(1 << 22) - 4) == PC + (1 << 22) - 4
    mc.r[FCC0 + 7] = 1
    assert mc.run("bcnez", rs1=7, imm=8) == PC + 8
    assert mc.run("bceqz", rs1=7, imm=8) == PC + 4
    assert mc.run("bceqz", rs1=6, imm=8) == PC + 8


def test_jumps():
    mc = Machine()
    assert mc.run("b", imm=-(1 << 27)) == PC - (1 << 27) and mc.r[RA] == 0
    assert mc.run("bl", imm=(1 << 27) - 4) == PC + (1 << 27) - 4 and mc.r[RA] == PC + 4
    mc.r[A0] = 0x12345
    # rd == rj: the target uses the old value; no bits of it are cleared
    assert mc.run("jirl", rd=A0, rs1=A0, imm=-4) == 0x12341
    assert mc.r[A0] == PC + 4


def test_loads_extend():
    mc = Machine()
    mc.write(DATA, bytes.fromhex("80ff7f80 fffffff0 01020304 05060708"))
    mc.r[A1] = DATA
    for name, imm, want in [("ld.b", 0, M64 - 127), ("ld.bu", 0, 0x80), ("ld.h", 0, M64 - 127),
                            ("ld.hu", 0, 0xFF80), ("ld.w", 0, 0xFFFFFFFF_807FFF80),
                            ("ld.wu", 0, 0x807FFF80), ("ld.d", 0, 0xF0FFFFFF_807FFF80),
                            ("ld.w", 4, 0xFFFFFFFF_F0FFFFFF), ("ld.d", 8, 0x0807060504030201),
                            ("ldptr.w", 4, 0xFFFFFFFF_F0FFFFFF),
                            ("ldptr.d", 8, 0x0807060504030201)]:
        mc.r[A0] = 0
        assert mc.run(name, rd=A0, rs1=A1, imm=imm) == PC + 4
        assert ux(mc.r[A0]) == want, name
    mc.r[A1], mc.r[A2] = DATA + 16, -16
    for name, want in [("ldx.b", M64 - 127), ("ldx.bu", 0x80), ("ldx.h", M64 - 127),
                       ("ldx.hu", 0xFF80), ("ldx.w", 0xFFFFFFFF_807FFF80), ("ldx.wu", 0x807FFF80),
                       ("ldx.d", 0xF0FFFFFF_807FFF80)]:
        assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC + 4
        assert ux(mc.r[A0]) == want, name


def test_stores_and_misaligned_across_pages():
    mc = Machine()
    mc.r[A1] = DATA + 0x1000 - 3                        # straddles two mapped pages
    mc.r[A0] = sx(0x1122334455667788)
    assert mc.run("st.d", rd=A0, rs1=A1) == PC + 4
    assert mc.read(DATA + 0x1000 - 3, 8) == bytes.fromhex("8877665544332211")
    for name, want in [("ld.d", 0x1122334455667788), ("ld.w", 0x55667788), ("ld.hu", 0x7788)]:
        mc.run(name, rd=A2, rs1=A1)
        assert ux(mc.r[A2]) == want
    mc.r[A0] = 0x0102
    for name, n in [("st.b", 1), ("st.h", 2), ("st.w", 4), ("stptr.w", 4)]:
        mc.run(name, rd=A0, rs1=A1, imm=16)
        assert mc.read(DATA + 0x1000 + 13, n) == (0x0102).to_bytes(4, "little")[:n]
    mc.r[A0] = -1
    assert mc.run("stptr.d", rd=A0, rs1=A1, imm=-8) == PC + 4
    assert mc.read(DATA + 0x1000 - 11, 8) == b"\xff" * 8
    mc.r[A2] = 0x20
    for name, n in [("stx.b", 1), ("stx.h", 2), ("stx.w", 4), ("stx.d", 8)]:
        mc.write(DATA, bytes(8))
        mc.r[A1] = DATA - 0x20
        assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC + 4
        assert mc.read(DATA, 8) == b"\xff" * n + bytes(8 - n), name


def test_faulting_load_leaves_rd_and_pc():
    mc = Machine()
    mc.map(DATA + 0x1000, 0)                            # second page unmapped
    mc.write(DATA + 0xFFC, b"\x01\x02\x03\x04")
    mc.r[A0] = 99
    mc.r[A1] = DATA + 0xFFC
    assert mc.run("ld.d", rd=A0, rs1=A1) == PC      # misaligned: the second half faults
    assert mc.exit == Exit.PAGE_FAULT and mc.r[A0] == 99
    assert mc.ctl[CTL_FAULT_ADDR] == DATA + 0x1000 and mc.ctl[CTL_FAULT_KIND] == Access.READ
    mc.r[A2] = 4
    assert mc.run("ldx.w", rd=A0, rs1=A1, rs2=A2) == PC and mc.r[A0] == 99
    assert mc.run("ld.w", rd=A0, rs1=A1) == PC + 4 and mc.exit == Exit.NONE
    assert mc.r[A0] == 0x04030201


def test_faulting_store_writes_nothing():
    mc = Machine()
    mc.map(DATA + 0x1000, PTE_R)                        # read-only (as for copy-on-write)
    mc.r[A1] = DATA + 0xFFE
    mc.r[A0] = -1
    assert mc.run("st.w", rd=A0, rs1=A1) == PC
    assert mc.exit == Exit.PAGE_FAULT and mc.ctl[CTL_FAULT_KIND] == Access.WRITE
    assert mc.read(DATA + 0xFFE, 4) == bytes(4)


def test_preld_is_a_hint():
    mc = Machine()
    mc.r[A1] = 0x7FFF_0000_0000                         # unmapped: still no fault
    assert mc.run("preld", rd=0, rs1=A1, imm=64) == PC + 4 and mc.exit == Exit.NONE
    assert mc.run("preldx", rd=0, rs1=A1, rs2=A1) == PC + 4 and mc.exit == Exit.NONE


GT, LE = ["ldgt", "stgt"], ["ldle", "stle"]


@pytest.mark.parametrize("kind", GT + LE)
@pytest.mark.parametrize("size", "bhwd")
def test_bound_checks(kind, size):
    name = f"{kind}.{size}"
    n = {"b": 1, "h": 2, "w": 4, "d": 8}[size]
    mc = Machine()
    mc.write(DATA, b"\x80" * 8)
    mc.r[A1] = DATA                                     # address rj; bound rk; data/dest rd
    # passes: gt needs rj > rk, le rj <= rk (compared unsigned, as QEMU 7.2)
    mc.r[A2] = DATA - 1 if kind in GT else DATA
    mc.r[A0] = 0x0102030405060708
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC + 4 and mc.exit == Exit.NONE
    if kind.startswith("ld"):
        assert ux(mc.r[A0]) == ux(sx(int.from_bytes(b"\x80" * n, "little", signed=True)))
    else:
        data = (0x0102030405060708).to_bytes(8, "little")
        assert mc.read(DATA, 8) == data[:n] + b"\x80" * (8 - n)
    # fails: nothing written, Exit.BOUNDS with the address checked
    mc.write(DATA, b"\x80" * 8)
    mc.r[A2] = DATA if kind in GT else DATA - 1
    mc.r[A0] = 55
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC
    assert mc.exit == Exit.BOUNDS and mc.ctl[CTL_FAULT_ADDR] == DATA
    assert mc.r[A0] == 55 and mc.read(DATA, 8) == b"\x80" * 8
    # unsigned: an address "below zero" is above every bound
    mc.r[A1], mc.r[A2] = -8, 0
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC
    assert mc.exit == (Exit.PAGE_FAULT if kind in GT else Exit.BOUNDS)


def test_bound_check_comes_before_the_access():
    mc = Machine()
    mc.map(DATA, 0)
    mc.r[A1], mc.r[A2] = DATA, DATA
    assert mc.run("ldgt.d", rd=A0, rs1=A1, rs2=A2) == PC and mc.exit == Exit.BOUNDS
    assert mc.run("ldle.d", rd=A0, rs1=A1, rs2=A2) == PC and mc.exit == Exit.PAGE_FAULT


@pytest.mark.parametrize("name, a, b, fails", [
    ("asrtle.d", 1, 1, False), ("asrtle.d", 2, 1, True), ("asrtle.d", -1, 0, True),
    ("asrtle.d", 0, -1, False),
    ("asrtgt.d", 2, 1, False), ("asrtgt.d", 1, 1, True), ("asrtgt.d", 0, -1, True),
    ("asrtgt.d", -1, 0, False),
])
def test_asserts(name, a, b, fails):
    mc = Machine()
    mc.r[A1], mc.r[A2] = a, b
    assert mc.run(name, rs1=A1, rs2=A2) == (PC if fails else PC + 4)
    assert mc.exit == (Exit.BOUNDS if fails else Exit.NONE)
    if fails:
        assert mc.ctl[CTL_FAULT_ADDR] == a


@pytest.mark.parametrize("name, rj, rk, want", [       # values from qemu-loongarch64 7.2
    ("crc.w.b.w", 0x12345678ABCDEF61, 0xFFFFFFFF, 0x174841BC),   # ~crc32(b"a")
    ("crc.w.h.w", 0xFFFFFFFFFFFF1234, 0x1, 0x5188B3FE),
    ("crc.w.w.w", 0x64636261, 0x0, 0xFFFFFFFF_CCC6120D),
    ("crc.w.d.w", 0x0807060504030201, 0xDEADBEEF, 0xFFFFFFFF_E3159794),
    ("crcc.w.b.w", 0x61, 0xFFFFFFFF, 0x3E2FBCCF),
    ("crcc.w.h.w", 0x1234, 0x8BADF00D, 0xFFFFFFFF_CCF31A0C),
    ("crcc.w.w.w", 0x61626364, 0x12345678, 0x05AE929C),
    ("crcc.w.d.w", 0x0807060504030201, 0xFFFFFFFF, 0xFFFFFFFF_B976E07E),
])
def test_crc(name, rj, rk, want):
    assert alu(name, rj, rk) == want


@pytest.mark.parametrize("poly, check", [("crc", 0xCBF43926), ("crcc", 0xE3069283)])
def test_crc_check_value(poly, check):
    """The standard check value of each CRC ("123456789"), mixing the four widths; the
    instructions do not invert, software does."""
    data, crc = b"123456789", 0xFFFFFFFF
    for chunk, width in [(data[0:1], "b"), (data[1:3], "h"), (data[3:7], "w"), (data[7:8], "b"),
                         (data[8:9], "b")]:
        crc = alu(f"{poly}.w.{width}.w", int.from_bytes(chunk, "little"), crc) & 0xFFFFFFFF
    assert crc ^ 0xFFFFFFFF == check
    assert alu(f"{poly}.w.d.w", int.from_bytes(data[:8], "little"), 0xFFFFFFFF) == alu(
        f"{poly}.w.w.w", int.from_bytes(data[4:8], "little"),
        alu(f"{poly}.w.w.w", int.from_bytes(data[:4], "little"), 0xFFFFFFFF))


@pytest.mark.skipif(PURE_PYTHON, reason="already running on the python engine")
def test_python_engine_agrees():
    """The same unit tests on the plain-Python tier (JITVM_ENGINE=python)."""
    here = Path(__file__).parent
    files = [str(here / f) for f in ("test_la_base.py", "test_la_atomic.py", "test_la_sys.py")]
    env = dict(os.environ, JITVM_ENGINE="python")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          *files], env=env, capture_output=True, text=True,
                         cwd=here.parent.parent.parent)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
