"""RV64M: multiply and divide. Division never traps: the spec defines x/0 = -1 (all ones),
x%0 = x, and the one signed overflow MIN/-1 = MIN, MIN%-1 = 0.

Everything is int64; the high halves and truncating divisions are translators/intops.py's.
"""
import numpy as np

from jitvm.compiled import jit, s64, sext32, u64
from translators.intops import div_trunc, mulh64, mulhsu64, mulhu64, rem_trunc
from translators.riscv64.cpu import wx

MASK32 = 0xFFFFFFFF
INT64_MIN = np.int64(-(1 << 63))


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
