"""RV64M: multiply and divide. Division never traps: the spec defines x/0 = -1 (all ones),
x%0 = x, and the one signed overflow MIN/-1 = MIN, MIN%-1 = 0.

Everything is int64. The high half of a 64x64 product is built from 32-bit halves (so no 128-bit
type is needed); signed divisions truncate toward zero, which Python's and Numba's floor-dividing
`//` and `%` do not, hence `div_trunc`/`rem_trunc`.
"""
import numpy as np

from jitvm.compiled import jit, s64, sext32, u64
from translators.riscv64.cpu import wx

MASK32 = 0xFFFFFFFF
INT64_MIN = np.int64(-(1 << 63))


@jit
def mulhu64(a, b):
    """High 64 bits of the unsigned 128-bit product of the bit patterns a and b."""
    a_lo, a_hi = a & MASK32, (a >> 32) & MASK32
    b_lo, b_hi = b & MASK32, (b >> 32) & MASK32
    ll = a_lo * b_lo                  # each partial product is < 2**64: exact modulo 2**64
    lh = a_lo * b_hi
    hl = a_hi * b_lo
    hh = a_hi * b_hi
    mid = ((ll >> 32) & MASK32) + (lh & MASK32) + (hl & MASK32)    # < 3 * 2**32: no overflow
    return hh + ((lh >> 32) & MASK32) + ((hl >> 32) & MASK32) + ((mid >> 32) & MASK32)


@jit
def mulh64(a, b):
    """Signed high half: reading a negative operand as unsigned added 2**64 * other; undo it."""
    h = mulhu64(a, b)
    if a < 0:
        h -= b
    if b < 0:
        h -= a
    return h


@jit
def mulhsu64(a, b):
    h = mulhu64(a, b)
    if a < 0:
        h -= b
    return h


@jit
def div_trunc(a, b):
    """a / b rounded toward zero, b != 0 and not (MIN, -1)."""
    q = a // b
    if q < 0 and q * b != a:
        q += 1
    return q


@jit
def rem_trunc(a, b):
    """Remainder with the dividend's sign, b != 0 and not (MIN, -1)."""
    return a - div_trunc(a, b) * b


@jit
def div64(a, b):
    if b == 0:
        return np.int64(-1)
    if a == INT64_MIN and b == -1:
        return a
    return div_trunc(a, b)


@jit
def rem64(a, b):
    if b == 0:
        return a
    if b == -1:
        return np.int64(0)            # also MIN % -1, which a hardware srem would trap on
    return rem_trunc(a, b)


@jit
def exec_mul(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] * r[rs2])
    return pc + ilen


@jit
def exec_mulh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, mulh64(r[rs1], r[rs2]))
    return pc + ilen


@jit
def exec_mulhsu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, mulhsu64(r[rs1], r[rs2]))
    return pc + ilen


@jit
def exec_mulhu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, mulhu64(r[rs1], r[rs2]))
    return pc + ilen


@jit
def exec_div(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, div64(r[rs1], r[rs2]))
    return pc + ilen


@jit
def exec_divu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    b = r[rs2]
    wx(r, rd, np.int64(-1) if b == 0 else s64(u64(r[rs1]) // u64(b)))
    return pc + ilen


@jit
def exec_rem(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rem64(r[rs1], r[rs2]))
    return pc + ilen


@jit
def exec_remu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1], r[rs2]
    wx(r, rd, a if b == 0 else s64(u64(a) % u64(b)))
    return pc + ilen


# ---- the *w forms: 32-bit operands, sign-extended 32-bit results -------------------------------
# In 64 bits the 32-bit overflow case (-2**31 / -1 = 2**31) is exact and sext32 wraps it back to
# -2**31, which is what the spec asks for.

@jit
def exec_mulw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] * r[rs2]))
    return pc + ilen


@jit
def exec_divw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = sext32(r[rs1]), sext32(r[rs2])
    wx(r, rd, np.int64(-1) if b == 0 else sext32(div_trunc(a, b)))
    return pc + ilen


@jit
def exec_divuw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1] & MASK32, r[rs2] & MASK32
    wx(r, rd, np.int64(-1) if b == 0 else sext32(a // b))
    return pc + ilen


@jit
def exec_remw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = sext32(r[rs1]), sext32(r[rs2])
    wx(r, rd, a if b == 0 else sext32(rem_trunc(a, b)))
    return pc + ilen


@jit
def exec_remuw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1] & MASK32, r[rs2] & MASK32
    wx(r, rd, sext32(a) if b == 0 else sext32(a % b))
    return pc + ilen
