"""RV64D: double-precision floating point (the RISC-V unprivileged spec, chapter "D").

Same rules as rv_f.py (rounding-mode field, accrued fflags, saturating conversions), without
NaN-boxing: a double occupies the whole f register. fcvt.s.d and fcvt.d.s live here; their single
operand or result is NaN-boxed as in rv_f.
"""
import numpy as np

from jitvm.compiled import jit
from jitvm.mmu import faulted, load_u64, store_u64
from translators.ieee754 import (EQ, F32, F64, LT, add, classify, compare, convert, div, fma,
                                 from_int, minmax, mul, neg, sqrt)
from translators.riscv64.cpu import F0, wx
from translators.riscv64.rv_f import (TINY_AFTER, accrue, compare_flags, done_x, illegal,
                                      read_s, rounding_mode, to_int_x, write_s)

SIGN64 = -(1 << 63)


@jit
def read_d(r, n):
    return r[F0 + n]


@jit
def write_d(r, n, bits):
    r[F0 + n] = bits


@jit
def done_d(r, rd, bits, flags, pc, ilen):
    write_d(r, rd, bits)
    accrue(r, flags)
    return pc + ilen


# ---- loads, stores, moves -------------------------------------------------------------------

@jit
def exec_fld(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_u64(m, r[rs1] + imm)
    if faulted(m):
        return pc
    write_d(r, rd, v)
    return pc + ilen


@jit
def exec_fsd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if not store_u64(m, r[rs1] + imm, r[F0 + rs2]):
        return pc
    return pc + ilen


@jit
def exec_fmv_x_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[F0 + rs1])
    return pc + ilen


@jit
def exec_fmv_d_x(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_d(r, rd, r[rs1])
    return pc + ilen


# ---- arithmetic -------------------------------------------------------------------------------

@jit
def exec_fadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = add(read_d(r, rs1), read_d(r, rs2), F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_fsub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = add(read_d(r, rs1), neg(read_d(r, rs2), F64), F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_fmul_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = mul(read_d(r, rs1), read_d(r, rs2), F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_fdiv_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = div(read_d(r, rs1), read_d(r, rs2), F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_fsqrt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = sqrt(read_d(r, rs1), F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, neg_product, neg_addend):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    a = read_d(r, rs1)
    c = read_d(r, rs3)
    v, fl = fma(neg(a, F64) if neg_product else a, read_d(r, rs2), neg(c, F64) if neg_addend else c,
                F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_fmadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, False, False)     # a*b + c


@jit
def exec_fmsub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, False, True)      # a*b - c


@jit
def exec_fnmsub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, True, False)      # -(a*b) + c


@jit
def exec_fnmadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, True, True)       # -(a*b) - c


# ---- sign injection, min/max, compare, classify -----------------------------------------------

@jit
def exec_fsgnj_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_d(r, rd, (read_d(r, rs1) & ~SIGN64) | (read_d(r, rs2) & SIGN64))
    return pc + ilen


@jit
def exec_fsgnjn_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_d(r, rd, (read_d(r, rs1) & ~SIGN64) | (~read_d(r, rs2) & SIGN64))
    return pc + ilen


@jit
def exec_fsgnjx_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    write_d(r, rd, read_d(r, rs1) ^ (read_d(r, rs2) & SIGN64))
    return pc + ilen


@jit
def exec_fmin_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = minmax(read_d(r, rs1), read_d(r, rs2), F64, False)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_fmax_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = minmax(read_d(r, rs1), read_d(r, rs2), F64, True)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_feq_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = read_d(r, rs1), read_d(r, rs2)
    return done_x(r, rd, 1 if compare(a, b, F64) == EQ else 0, compare_flags(a, b, F64, False),
                  pc, ilen)


@jit
def exec_flt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = read_d(r, rs1), read_d(r, rs2)
    return done_x(r, rd, 1 if compare(a, b, F64) == LT else 0, compare_flags(a, b, F64, True),
                  pc, ilen)


@jit
def exec_fle_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = read_d(r, rs1), read_d(r, rs2)
    c = compare(a, b, F64)
    return done_x(r, rd, 1 if c == LT or c == EQ else 0, compare_flags(a, b, F64, True),
                  pc, ilen)


@jit
def exec_fclass_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(1) << classify(read_d(r, rs1), F64))
    return pc + ilen


@jit
def exec_fcvt_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_d(r, rs1), F64, rm, True, 32)


@jit
def exec_fcvt_wu_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_d(r, rs1), F64, rm, False, 32)


@jit
def exec_fcvt_l_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_d(r, rs1), F64, rm, True, 64)


@jit
def exec_fcvt_lu_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return to_int_x(r, m, pc, ilen, rd, read_d(r, rs1), F64, rm, False, 64)


@jit
def from_int_d(r, m, pc, ilen, rd, x, rm, signed, width):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = from_int(x, signed, width, F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)


@jit
def exec_fcvt_d_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_d(r, m, pc, ilen, rd, r[rs1], rm, True, 32)


@jit
def exec_fcvt_d_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_d(r, m, pc, ilen, rd, r[rs1], rm, False, 32)


@jit
def exec_fcvt_d_l(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_d(r, m, pc, ilen, rd, r[rs1], rm, True, 64)


@jit
def exec_fcvt_d_lu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return from_int_d(r, m, pc, ilen, rd, r[rs1], rm, False, 64)


# ---- between the formats ----------------------------------------------------------------------

@jit
def exec_fcvt_s_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)
    if mode < 0:
        return illegal(m, pc)
    v, fl = convert(read_d(r, rs1), F64, F32, mode, TINY_AFTER)
    write_s(r, rd, v)
    accrue(r, fl)
    return pc + ilen


@jit
def exec_fcvt_d_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    mode = rounding_mode(r, rm)          # exact, but a reserved rm is still illegal
    if mode < 0:
        return illegal(m, pc)
    v, fl = convert(read_s(r, rs1), F32, F64, mode, TINY_AFTER)
    return done_d(r, rd, v, fl, pc, ilen)
