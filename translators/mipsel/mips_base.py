"""mipsel integer arithmetic: one `exec_<name>` per instruction (MIPS32 Release 2, user mode).

Menu: add/addu/sub/subu/and/or/xor/nor/slt/sltu/movz/movn, the immediate forms addi/addiu/slti/
sltiu/andi/ori/xori/lui; shifts sll/srl/sra/sllv/srlv/srav and rotr/rotrv; HI/LO: mfhi/mflo/
mthi/mtlo, mult/multu/div/divu, madd/maddu/msub/msubu; mul; clz/clo; ext/ins/wsbh/seb/seh.

Operands as the decoder delivers them (encodings.py): rd the destination (rt of the immediate
forms), rs1/rs2 the sources, imm sign- or zero-extended as the instruction says. Registers hold
32-bit values sign-extended (cpu.py), so signed and unsigned comparisons read them directly: two
sign-extended words compare as unsigned 64-bit values exactly as their 32-bit patterns do.
Every instruction here ends with `advance(r)` (cpu.py: the delay-slot contract).

Overflow: add, addi and sub trap on signed 32-bit overflow without writing rd: Exit.BREAKPOINT
with ctl[CTL_EXIT_INFO] = 6 (BRK_OVERFLOW; Linux's do_ov sends SIGFPE/FPE_INTOVF), pc stays.

Where the manual leaves a result UNPREDICTABLE this matches qemu-mipsel 7.2 (measured, see
tests/translators/mipsel/test_mips_base.py): div/divu by zero, and div of INT_MIN by -1, divide
by 1 instead (LO = rs, HI = 0); ext with pos + size > 32 and ins with msb < pos are reserved
instructions (SIGILL); clz/clo ignore their rt field (which should repeat rd).
"""
import numpy as np

from jitvm.compiled import jit, ltu
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_EXIT_INFO
from translators.intops import div_trunc, sext8, sext16
from translators.mipsel.cpu import HI, LO, advance, sx32, wx

M32 = 0xFFFFFFFF
INT32_MIN = -(1 << 31)
BRK_OVERFLOW = 6          # arch/mips/include/uapi/asm/break.h


# ---- helpers ------------------------------------------------------------------------------------

@jit
def illegal(m, pc):
    """A reserved instruction the table lets through (a field value it cannot exclude)."""
    m[4][CTL_EXIT] = Exit.ILLEGAL
    return pc


@jit
def overflow(m, pc):
    """The integer-overflow exception of add/addi/sub: rd untouched, the instruction re-runs
    after the kernel's signal (the same exit as `break 6`)."""
    ctl = m[4]
    ctl[CTL_EXIT] = Exit.BREAKPOINT
    ctl[CTL_EXIT_INFO] = BRK_OVERFLOW
    return pc


@jit
def checked(r, m, pc, rd, v):
    """Write the exact sum/difference v of two words unless it overflows 32 bits."""
    if v != sx32(v):
        return overflow(m, pc)
    wx(r, rd, v)
    return advance(r)


@jit
def set_hilo(r, v):
    """HI:LO = the 64-bit value v (each half sign-extended into its register)."""
    r[HI] = sx32(v >> 32)
    r[LO] = sx32(v)


@jit
def hilo(r):
    """HI:LO as one 64-bit value."""
    return (r[HI] << 32) | (r[LO] & M32)


@jit
def product(a, b, unsigned):
    """The 64-bit product of two words, signed or unsigned (as a bit pattern: the unsigned
    product of two words may exceed 2**63 and wraps, which is what HI:LO holds)."""
    if unsigned:
        return (a & M32) * (b & M32)
    return sx32(a) * sx32(b)


@jit
def clz32(w):
    """Leading zeros of the word w (32 for 0), by halving."""
    w &= M32
    if w == 0:
        return np.int64(32)
    n = np.int64(0)
    for k in (16, 8, 4, 2, 1):
        if w >> (32 - k) == 0:         # the top k bits are all zero
            n += k
            w = (w << k) & M32
    return n


@jit
def rotr32(x, s):
    """Rotate the word x right by s (0..31)."""
    w = x & M32
    return (w >> s) | (w << (32 - s))     # s == 0: w | w << 32, whose low word is w


# ---- three-register arithmetic and logic -------------------------------------------------------

@jit
def exec_add(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return checked(r, m, pc, rd, r[rs1] + r[rs2])


@jit
def exec_addu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] + r[rs2])
    return advance(r)


@jit
def exec_sub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return checked(r, m, pc, rd, r[rs1] - r[rs2])


@jit
def exec_subu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] - r[rs2])
    return advance(r)


@jit
def exec_and(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] & r[rs2])
    return advance(r)


@jit
def exec_or(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] | r[rs2])
    return advance(r)


@jit
def exec_xor(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] ^ r[rs2])
    return advance(r)


@jit
def exec_nor(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, ~(r[rs1] | r[rs2]))
    return advance(r)


@jit
def exec_slt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(r[rs1] < r[rs2]))
    return advance(r)


@jit
def exec_sltu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(ltu(r[rs1], r[rs2])))
    return advance(r)


@jit
def exec_movz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if r[rs2] == 0:
        wx(r, rd, r[rs1])
    return advance(r)


@jit
def exec_movn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if r[rs2] != 0:
        wx(r, rd, r[rs1])
    return advance(r)


# ---- immediate forms (imm already sign- or zero-extended) -------------------------------------

@jit
def exec_addi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return checked(r, m, pc, rd, r[rs1] + imm)


@jit
def exec_addiu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] + imm)
    return advance(r)


@jit
def exec_slti(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(r[rs1] < imm))
    return advance(r)


@jit
def exec_sltiu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(ltu(r[rs1], imm)))     # the sign-extended immediate, compared unsigned
    return advance(r)


@jit
def exec_andi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] & imm)
    return advance(r)


@jit
def exec_ori(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] | imm)
    return advance(r)


@jit
def exec_xori(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] ^ imm)
    return advance(r)


@jit
def exec_lui(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, imm << 16)
    return advance(r)


# ---- shifts and rotates: rs1 = rt (the value), imm = sa or rs2 = rs (its low 5 bits) ---------

@jit
def exec_sll(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] << imm)
    return advance(r)


@jit
def exec_srl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (r[rs1] & M32) >> imm)
    return advance(r)


@jit
def exec_sra(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] >> imm)                  # the register is sign-extended already
    return advance(r)


@jit
def exec_rotr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rotr32(r[rs1], imm))
    return advance(r)


@jit
def exec_sllv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] << (r[rs2] & 31))
    return advance(r)


@jit
def exec_srlv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (r[rs1] & M32) >> (r[rs2] & 31))
    return advance(r)


@jit
def exec_srav(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] >> (r[rs2] & 31))
    return advance(r)


@jit
def exec_rotrv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rotr32(r[rs1], r[rs2] & 31))
    return advance(r)


# ---- HI/LO: moves, multiply, divide, multiply-accumulate ------------------------------------

@jit
def exec_mfhi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[HI])
    return advance(r)


@jit
def exec_mflo(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[LO])
    return advance(r)


@jit
def exec_mthi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[HI] = r[rs1]
    return advance(r)


@jit
def exec_mtlo(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[LO] = r[rs1]
    return advance(r)


@jit
def exec_mult(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    set_hilo(r, product(r[rs1], r[rs2], False))
    return advance(r)


@jit
def exec_multu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    set_hilo(r, product(r[rs1], r[rs2], True))
    return advance(r)


@jit
def exec_div(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1], r[rs2]
    if b == 0 or (a == INT32_MIN and b == -1):
        b = np.int64(1)                       # as QEMU: LO = a, HI = 0
    q = div_trunc(a, b)
    r[LO] = sx32(q)
    r[HI] = sx32(a - q * b)
    return advance(r)


@jit
def exec_divu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1] & M32, r[rs2] & M32
    if b == 0:
        b = np.int64(1)                       # as QEMU: LO = a, HI = 0
    r[LO] = sx32(a // b)
    r[HI] = sx32(a % b)
    return advance(r)


@jit
def exec_madd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    set_hilo(r, hilo(r) + product(r[rs1], r[rs2], False))
    return advance(r)


@jit
def exec_maddu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    set_hilo(r, hilo(r) + product(r[rs1], r[rs2], True))
    return advance(r)


@jit
def exec_msub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    set_hilo(r, hilo(r) - product(r[rs1], r[rs2], False))
    return advance(r)


@jit
def exec_msubu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    set_hilo(r, hilo(r) - product(r[rs1], r[rs2], True))
    return advance(r)


@jit
def exec_mul(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, product(r[rs1], r[rs2], False))     # the low word; HI/LO are left alone
    return advance(r)


# ---- bit manipulation --------------------------------------------------------------------------

@jit
def exec_clz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, clz32(r[rs1]))
    return advance(r)


@jit
def exec_clo(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, clz32(~r[rs1]))
    return advance(r)


@jit
def exec_ext(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    pos, size = imm, rm                       # size = msbd + 1 (decoded)
    if pos + size > 32:
        return illegal(m, pc)
    wx(r, rd, ((r[rs1] & M32) >> pos) & ((np.int64(1) << size) - 1))
    return advance(r)


@jit
def exec_ins(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    pos, msb = imm, rm
    if msb < pos:
        return illegal(m, pc)
    mask = ((np.int64(1) << (msb - pos + 1)) - 1) << pos
    wx(r, rd, (r[rd] & ~mask) | ((r[rs1] << pos) & mask))
    return advance(r)


@jit
def exec_wsbh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    x = r[rs1]
    wx(r, rd, ((x >> 8) & 0x00FF00FF) | ((x & 0x00FF00FF) << 8))
    return advance(r)


@jit
def exec_seb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext8(r[rs1]))
    return advance(r)


@jit
def exec_seh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext16(r[rs1]))
    return advance(r)
