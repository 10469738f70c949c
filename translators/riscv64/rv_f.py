"""RV64F: single-precision floating point (the RISC-V unprivileged spec, chapter "F").

The arithmetic itself is translators/ieee754.py; this file adds RISC-V's register rules:
  - NaN-boxing: a single lives in the low half of a 64-bit f register whose upper 32 bits are all
    ones; an operand that is not boxed reads as the canonical NaN, and results are written boxed.
    Moves and stores (fmv.x.w, fsw, fsgnj* excepted -- they read operands) copy bits unchecked.
  - rounding: the instruction's rm field, 7 meaning "dynamic" (frm, fcsr bits 5..7); a reserved
    mode (5, 6, or dynamic with frm >= 5) makes the instruction illegal.
  - fflags (fcsr bits 0..4) accrue: NX 1, UF 2, OF 4, DZ 8, NV 16 -- ieee754's flag order.
  - conversions to integer saturate; NaN converts to the largest value. 32-bit results are
    sign-extended to 64 bits, fcvt.wu included.
The helpers here (rounding_mode, illegal, accrue, ...) are shared with rv_d.py.
"""
import numpy as np

from jitvm.compiled import jit, sext32
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, faulted, load_u32, store_u32
from translators.ieee754 import (EQ, F32, LT, NV, add, classify, compare, div, fma, from_int,
                                 is_nan, is_snan, minmax, mul, neg, sqrt, to_int)
from translators.riscv64.cpu import F0, FCSR, wx

TINY_AFTER = True          # RISC-V detects tininess after rounding
BOX = -(1 << 32)           # upper 32 bits all ones
CANONICAL_NAN32 = 0x7FC00000
SIGN32 = 0x80000000


# ---- shared with rv_d ---------------------------------------------------------------------------

@jit
def rounding_mode(r, rm):
    """The mode an rm field selects, or -1 if it is reserved."""
    if rm == 7:
        rm = (r[FCSR] >> 5) & 7
    return rm if rm <= 4 else -1


@jit
def illegal(m, pc):
    m[4][CTL_EXIT] = Exit.ILLEGAL
    return pc


@jit
def accrue(r, flags):
    if flags:
        r[FCSR] |= flags


@jit
def compare_flags(a, b, fmt, signaling):
    """feq signals invalid only for a signaling NaN, flt/fle for any NaN."""
    if signaling:
        return NV if is_nan(a, fmt) or is_nan(b, fmt) else 0
    return NV if is_snan(a, fmt) or is_snan(b, fmt) else 0


# ---- single-precision registers -------------------------------------------------------------

@jit
def read_s(r, n):
    """f[n] as a single: a value that is not NaN-boxed reads as the canonical NaN."""
    v = r[F0 + n]
    return v & 0xFFFFFFFF if (v >> 32) == -1 else np.int64(CANONICAL_NAN32)


@jit
def write_s(r, n, bits):
    r[F0 + n] = (bits & 0xFFFFFFFF) | BOX


@jit
def done_s(r, rd, bits, flags, pc, ilen):
    write_s(r, rd, bits)
    accrue(r, flags)
    return pc + ilen


@jit
def done_x(r, rd, v, flags, pc, ilen):
    wx(r, rd, v)
    accrue(r, flags)
    return pc + ilen


# ---- loads, stores, moves -------------------------------------------------------------------

@jit
def exec_flw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_u32(m, r[rs1] + imm)
    if faulted(m):
        return pc
    write_s(r, rd, v)
    return pc + ilen


@jit
def exec_fsw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if not store_u32(m, r[rs1] + imm, r[F0 + rs2]):
        return pc
    return pc + ilen


@jit
def exec_fmv_x_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[F0 + rs1]))
    return pc + ilen


@jit
def exec_fmv_w_x(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_s(r, rd, r[rs1])
    return pc + ilen


# ---- arithmetic -------------------------------------------------------------------------------

@jit
def exec_fadd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = add(read_s(r, rs1), read_s(r, rs2), F32, mode, TINY_AFTER)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_fsub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = add(read_s(r, rs1), neg(read_s(r, rs2), F32), F32, mode, TINY_AFTER)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_fmul_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = mul(read_s(r, rs1), read_s(r, rs2), F32, mode, TINY_AFTER)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_fdiv_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = div(read_s(r, rs1), read_s(r, rs2), F32, mode, TINY_AFTER)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_fsqrt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = sqrt(read_s(r, rs1), F32, mode, TINY_AFTER)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, neg_product, neg_addend):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    a = read_s(r, rs1)
    c = read_s(r, rs3)
    v, fl = fma(neg(a, F32) if neg_product else a, read_s(r, rs2), neg(c, F32) if neg_addend else c,
                F32, mode, TINY_AFTER)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_fmadd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, False, False)     # a*b + c


@jit
def exec_fmsub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, False, True)      # a*b - c


@jit
def exec_fnmsub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, True, False)      # -(a*b) + c


@jit
def exec_fnmadd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, True, True)       # -(a*b) - c


# ---- sign injection, min/max, compare, classify -----------------------------------------------

@jit
def exec_fsgnj_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_s(r, rd, (read_s(r, rs1) & ~SIGN32) | (read_s(r, rs2) & SIGN32))
    return pc + ilen


@jit
def exec_fsgnjn_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_s(r, rd, (read_s(r, rs1) & ~SIGN32) | (~read_s(r, rs2) & SIGN32))
    return pc + ilen


@jit
def exec_fsgnjx_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_s(r, rd, read_s(r, rs1) ^ (read_s(r, rs2) & SIGN32))
    return pc + ilen


@jit
def exec_fmin_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = minmax(read_s(r, rs1), read_s(r, rs2), F32, False)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_fmax_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = minmax(read_s(r, rs1), read_s(r, rs2), F32, True)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_feq_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = read_s(r, rs1), read_s(r, rs2)
    return done_x(r, rd, 1 if compare(a, b, F32) == EQ else 0, compare_flags(a, b, F32, False),
                  pc, ilen)


@jit
def exec_flt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = read_s(r, rs1), read_s(r, rs2)
    return done_x(r, rd, 1 if compare(a, b, F32) == LT else 0, compare_flags(a, b, F32, True),
                  pc, ilen)


@jit
def exec_fle_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = read_s(r, rs1), read_s(r, rs2)
    c = compare(a, b, F32)
    return done_x(r, rd, 1 if c == LT or c == EQ else 0, compare_flags(a, b, F32, True),
                  pc, ilen)


@jit
def exec_fclass_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(1) << classify(read_s(r, rs1), F32))
    return pc + ilen


# ---- conversions ------------------------------------------------------------------------------

@jit
def to_int_x(r, m, pc, ilen, rd, x, fmt, rm, signed, width):
    """fcvt.{w,wu,l,lu}.{s,d}: RISC-V's saturation values are ieee754.to_int's own."""
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl, status = to_int(x, fmt, mode, signed, width)
    return done_x(r, rd, sext32(v) if width == 32 else v, fl, pc, ilen)


@jit
def exec_fcvt_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_s(r, rs1), F32, rm, True, 32)


@jit
def exec_fcvt_wu_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_s(r, rs1), F32, rm, False, 32)


@jit
def exec_fcvt_l_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_s(r, rs1), F32, rm, True, 64)


@jit
def exec_fcvt_lu_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_s(r, rs1), F32, rm, False, 64)


@jit
def from_int_s(r, m, pc, ilen, rd, x, rm, signed, width):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = from_int(x, signed, width, F32, mode, TINY_AFTER)
    return done_s(r, rd, v, fl, pc, ilen)


@jit
def exec_fcvt_s_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_s(r, m, pc, ilen, rd, r[rs1], rm, True, 32)


@jit
def exec_fcvt_s_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_s(r, m, pc, ilen, rd, r[rs1], rm, False, 32)


@jit
def exec_fcvt_s_l(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_s(r, m, pc, ilen, rd, r[rs1], rm, True, 64)


@jit
def exec_fcvt_s_lu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_s(r, m, pc, ilen, rd, r[rs1], rm, False, 64)
