"""LoongArch scalar floating point, single and double (LoongArch Reference Manual vol. 1, ch. 3).

Menu: arithmetic (fadd fsub fmul fdiv fmadd fmsub fnmadd fnmsub fsqrt frecip frsqrt fscaleb
flogb), fmax fmin fmaxa fmina, fabs fneg fcopysign fmov fclass, fcmp.cond, fsel, conversions
(fcvt ffint ftint ftintrm/rp/rz/rne frint), loads and stores (fld fst fldx fstx fldgt fldle
fstgt fstle), moves (movgr2fr movgr2frh movfr2gr movfrh2gr movgr2fcsr movfcsr2gr movfr2cf
movcf2fr movgr2cf movcf2gr). The arithmetic is translators/ieee754.py; this file adds
LoongArch's register rules, which follow QEMU 7.2 (our oracle) where the manual leaves room:

  - fcsr0: Enables 4:0, RM 9:8 (RNE RZ RP RM), Flags 20:16, Cause 28:24, bits V Z O U I from
    high to low (ieee754's flag order). Every arithmetic op, compare and conversion sets Cause
    to what it raised; an enabled exception traps (Exit.FP_TRAP: nothing written, Flags kept),
    otherwise Flags accrue. Moves, fabs/fneg/fcopysign, fclass, fsel and memory ops leave fcsr0.
    Tininess is detected after rounding.
  - NaNs propagate (QEMU's LoongArch softfloat, not the default NaN): the first signalling NaN
    of a, b (fmadd family: c, a, b), else the first quiet one, made quiet. Only invalid
    operations (inf - inf, 0 * inf, sqrt(-1), ...) produce the default NaN 0x7ff8.../0x7fc00000.
  - Singles are read from the low 32 bits, unchecked; results are NaN-boxed (upper half all
    ones) except frint.s (upper half zero), fcopysign.s (upper half from fk), fclass and ftint
    (integers), movgr2fr.w (upper half kept).
"""
import numpy as np

from jitvm.compiled import jit, sext32
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, faulted, load_u32, load_u64, store_u32, store_u64
from translators.ieee754 import (EQ, F32, F64, GT, LT, NV, DZ, RDN, RNE, RTZ, RUP, add,
                                 classify, compare, convert, convert_nan, default_nan, div,
                                 fma, from_int, ilogb, is_nan, is_snan, mul, neg, quiet,
                                 round_int, scalb, sign_mask, sqrt, to_int)
from translators.loongarch64.cpu import F0, FCC0, FCSR, wx
from translators.loongarch64.la_base import out_of_bounds

TINY_AFTER = True
BOX = -(1 << 32)                  # NaN-boxing: upper 32 bits all ones
LO32 = 0xFFFFFFFF
SIGN32 = 0x80000000
SIGN64 = -(1 << 63)
ENABLES = 0x1F
CAUSE_SHIFT, FLAGS_SHIFT = 24, 16
CAUSE = 0x1F << CAUSE_SHIFT
FCSR0_BITS = 0x1F1F031F           # Enables, RM, Flags, Cause; the rest is reserved, reads 0
ONE32, ONE64 = 0x3F800000, 0x3FF0000000000000
# operations of the out-of-line cores below
ADD, SUB, MUL, DIV = 0, 1, 2, 3
SQRT, RECIP, RSQRT, RINT, LOGB = 0, 1, 2, 3, 4


# ---- fcsr0 and register helpers -----------------------------------------------------------

@jit
def rounding(r):
    """ieee754's mode for fcsr0.RM: 0 RNE, 1 RZ, 2 RP (up), 3 RM (down) -> RNE RTZ RUP RDN."""
    rm = (r[FCSR] >> 8) & 3
    return rm ^ (rm >> 1)


@jit
def fp_status(r, m, flags):
    """Record an op's exceptions: Cause = flags; an enabled one traps (Flags unchanged, the
    caller writes nothing), else Flags |= flags. Returns True when the op may complete."""
    f = (r[FCSR] & ~CAUSE) | (np.int64(flags) << CAUSE_SHIFT)
    if flags & f & ENABLES:
        r[FCSR] = f
        m[4][CTL_EXIT] = Exit.FP_TRAP
        return False
    r[FCSR] = f | (np.int64(flags) << FLAGS_SHIFT)
    return True


@jit
def read_s(r, n):
    return r[F0 + n] & LO32


@jit
def done_d(r, m, fd, bits, flags, pc, ilen):
    if not fp_status(r, m, flags):
        return pc
    r[F0 + fd] = bits
    return pc + ilen


@jit
def done_s(r, m, fd, bits, flags, pc, ilen):
    return done_d(r, m, fd, (bits & LO32) | BOX, flags, pc, ilen)


@jit
def pick_nan(a, b, fmt):
    """(result, flags) of an op with a NaN operand (QEMU's rule for LoongArch, as ARM's)."""
    if is_snan(a, fmt):
        return quiet(a, fmt), NV
    if is_snan(b, fmt):
        return quiet(b, fmt), NV
    return (a if is_nan(a, fmt) else b), 0


@jit
def one(fmt):
    return np.int64(ONE64) if fmt == F64 else np.int64(ONE32)


@jit
def infinity(fmt):
    """+inf: the default NaN without its quiet bit."""
    return default_nan(fmt) & ~(np.int64(1) << (fmt - 1))


# ---- out-of-line cores: NaN handling, then ieee754 -----------------------------------------

@jit(inline="never")
def binary(op, a, b, fmt, mode):
    if is_nan(a, fmt) or is_nan(b, fmt):
        return pick_nan(a, b, fmt)       # fsub too: the NaN keeps its own sign
    if op == ADD:
        return add(a, b, fmt, mode, TINY_AFTER)
    if op == SUB:
        return add(a, neg(b, fmt), fmt, mode, TINY_AFTER)
    if op == MUL:
        return mul(a, b, fmt, mode, TINY_AFTER)
    return div(a, b, fmt, mode, TINY_AFTER)


@jit(inline="never")
def unary(op, a, fmt, mode):
    if is_nan(a, fmt):
        return pick_nan(a, a, fmt)
    if op == SQRT:
        return sqrt(a, fmt, mode, TINY_AFTER)
    if op == RECIP:
        return div(one(fmt), a, fmt, mode, TINY_AFTER)
    if op == RSQRT:                      # two roundings, as QEMU: 1 / sqrt(a)
        s, f1 = sqrt(a, fmt, mode, TINY_AFTER)
        if is_nan(s, fmt):
            return s, f1
        v, f2 = div(one(fmt), s, fmt, mode, TINY_AFTER)
        return v, f1 | f2
    if op == RINT:
        return round_int(a, fmt, mode)
    # LOGB: floor(log2(a)) as QEMU computes it (a log2, not IEEE logB: negative is invalid)
    sm = sign_mask(fmt)
    if (a & ~sm) == 0:
        return infinity(fmt) | sm, DZ
    if a & sm:
        return default_nan(fmt), NV
    if a == infinity(fmt):
        return a, 0
    return from_int(ilogb(a, fmt), True, np.int64(64), fmt, np.int64(RNE), TINY_AFTER)  # exact


@jit(inline="never")
def fused(a, b, c, fmt, mode, neg_c, neg_sum):
    """a*b + c, c negated first (fmsub, fnmsub) and/or the sum negated (fnmadd, fnmsub).
    QEMU negates the exact sum, then rounds: fnmadd = round(-(a*b + c)), which in RP/RM is not
    the manual's -round(a*b + c); an exact zero sum gets its sign first (+0, or -0 in RM) and is
    then negated; a NaN result is the NaN picked (c, a, b order), never negated."""
    if is_nan(a, fmt) or is_nan(b, fmt) or is_nan(c, fmt):
        ma, mb, inf = a & ~sign_mask(fmt), b & ~sign_mask(fmt), infinity(fmt)
        if is_nan(c, fmt) and ((ma == inf and mb == 0) or (ma == 0 and mb == inf)):
            return quiet(c, fmt), NV     # inf * 0 + NaN: invalid, and c
        if is_snan(c, fmt):
            return quiet(c, fmt), NV
        if is_snan(a, fmt) or is_snan(b, fmt):
            return pick_nan(a, b, fmt)
        if is_nan(c, fmt):
            return c, 0
        return pick_nan(a, b, fmt)
    c1 = neg(c, fmt) if neg_c else c
    if not neg_sum:
        return fma(a, b, c1, fmt, mode, TINY_AFTER)
    v, fl = fma(neg(a, fmt), b, neg(c1, fmt), fmt, mode, TINY_AFTER)
    if (v & ~sign_mask(fmt)) == 0 and fl == 0:
        # an exact zero: its sign is that of a*b + c in this mode, negated (rare: recompute)
        v, fl = fma(a, b, c1, fmt, mode, TINY_AFTER)
        v = neg(v, fmt)
    return v, fl


@jit(inline="never")
def minmax(a, b, fmt, want_max, magnitude):
    """IEEE 754-2008 maxNum/minNum as QEMU 7.2 has them: a quiet NaN loses to a number, a
    signalling one gives a NaN and invalid. fmaxa/fmina compare magnitudes, ties by value;
    -0 < +0."""
    na, nb = is_nan(a, fmt), is_nan(b, fmt)
    if na or nb:
        if not (na and nb) and not is_snan(a, fmt) and not is_snan(b, fmt):
            return (b if na else a), 0
        return pick_nan(a, b, fmt)
    sm = sign_mask(fmt)
    if magnitude:
        c = compare(a & ~sm, b & ~sm, fmt)
        if c != EQ:
            return (a if (c == GT) == want_max else b), 0
    c = compare(a, b, fmt)
    if c == EQ:
        return (a if ((a & sm) == 0) == want_max else b), 0
    return (a if (c == GT) == want_max else b), 0


@jit(inline="never")
def fcmp(a, b, fmt, cond):
    """cond (the manual's 5-bit field): bit 0 signalling (invalid on any NaN, else only on
    sNaN), bits 1..4 true when less, equal, unordered, less-or-greater."""
    rel = compare(a, b, fmt)
    if cond & 1:
        fl = NV if is_nan(a, fmt) or is_nan(b, fmt) else 0
    else:
        fl = NV if is_snan(a, fmt) or is_snan(b, fmt) else 0
    c = cond >> 1
    if rel == LT:
        hit = c & 9
    elif rel == EQ:
        hit = c & 2
    elif rel == GT:
        hit = c & 8
    else:
        hit = c & 4
    return (1 if hit else 0), fl


@jit(inline="never")
def ftint(x, fmt, mode, width):
    """Float to signed integer: out of range saturates (invalid); a NaN gives 0 (invalid)."""
    if is_nan(x, fmt):
        return np.int64(0), NV
    v, fl, status = to_int(x, fmt, mode, True, width)
    return v, fl


@jit(inline="never")
def fcvt(x, src, dst, mode):
    if is_nan(x, src):
        return convert_nan(x, src, dst), NV if is_snan(x, src) else 0
    return convert(x, src, dst, mode, TINY_AFTER)


@jit(inline="never")
def scaleb(a, n, fmt, mode):
    if is_nan(a, fmt):
        return pick_nan(a, a, fmt)
    lim = 0x1000 if fmt == F64 else 0x200      # QEMU clamps n; the result is the same
    return scalb(a, max(-lim, min(lim, n)), fmt, mode, TINY_AFTER)


@jit
def fclass_bits(x, fmt):
    """The manual's fclass mask: sNaN 1, qNaN 2, then -inf -normal -subnormal -zero (4..0x20),
    +inf +normal +subnormal +zero (0x40..0x200). ieee754.classify counts -inf..+inf, sNaN, qNaN."""
    c = classify(x, fmt)
    if c <= 3:
        return np.int64(1) << (c + 2)
    if c <= 7:
        return np.int64(1) << (13 - c)
    return np.int64(1) << (c - 8)


# ---- shapes shared by the .s and .d instructions ------------------------------------------
# The cores above are compiled once per format: arguments that only select a branch go in as
# np.int64(...), since Numba would compile a copy per literal value.

@jit
def op2_s(r, m, pc, ilen, rd, rs1, rs2, op):
    v, fl = binary(np.int64(op), read_s(r, rs1), read_s(r, rs2), F32, rounding(r))
    return done_s(r, m, rd, v, fl, pc, ilen)


@jit
def op2_d(r, m, pc, ilen, rd, rs1, rs2, op):
    v, fl = binary(np.int64(op), r[F0 + rs1], r[F0 + rs2], F64, rounding(r))
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def op1_s(r, m, pc, ilen, rd, rs1, op):
    v, fl = unary(np.int64(op), read_s(r, rs1), F32, rounding(r))
    return done_s(r, m, rd, v, fl, pc, ilen)


@jit
def op1_d(r, m, pc, ilen, rd, rs1, op):
    v, fl = unary(np.int64(op), r[F0 + rs1], F64, rounding(r))
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, neg_c, neg_sum):
    v, fl = fused(read_s(r, rs1), read_s(r, rs2), read_s(r, rs3), F32, rounding(r),
                  np.int64(neg_c), np.int64(neg_sum))
    return done_s(r, m, rd, v, fl, pc, ilen)


@jit
def fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, neg_c, neg_sum):
    v, fl = fused(r[F0 + rs1], r[F0 + rs2], r[F0 + rs3], F64, rounding(r), np.int64(neg_c),
                  np.int64(neg_sum))
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def minmax_s(r, m, pc, ilen, rd, rs1, rs2, want_max, magnitude):
    v, fl = minmax(read_s(r, rs1), read_s(r, rs2), F32, np.int64(want_max), np.int64(magnitude))
    return done_s(r, m, rd, v, fl, pc, ilen)


@jit
def minmax_d(r, m, pc, ilen, rd, rs1, rs2, want_max, magnitude):
    v, fl = minmax(r[F0 + rs1], r[F0 + rs2], F64, np.int64(want_max), np.int64(magnitude))
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def ftint_f(r, m, pc, ilen, rd, x, fmt, mode, width, zext):
    """The integer goes to an FP register. .w results are sign-extended, except that QEMU 7.2
    zero-extends those of ftintrz.w.s and ftintrne.w.s (their helpers return a uint32_t)."""
    v, fl = ftint(x, fmt, np.int64(mode), np.int64(width))
    if width == 32:
        v = v & LO32 if zext else sext32(v)
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def ffint_s(r, m, pc, ilen, rd, rs1, width):
    v, fl = from_int(r[F0 + rs1], True, np.int64(width), F32, rounding(r), TINY_AFTER)
    return done_s(r, m, rd, v, fl, pc, ilen)


@jit
def ffint_d(r, m, pc, ilen, rd, rs1, width):
    v, fl = from_int(r[F0 + rs1], True, np.int64(width), F64, rounding(r), TINY_AFTER)
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def fcmp_cc(r, m, pc, ilen, cd, a, b, fmt, cond):
    v, fl = fcmp(a, b, fmt, cond)
    if not fp_status(r, m, fl):
        return pc
    r[FCC0 + (cd & 7)] = v
    return pc + ilen


# ---- arithmetic -----------------------------------------------------------------------------

@jit
def exec_fadd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_s(r, m, pc, ilen, rd, rs1, rs2, ADD)


@jit
def exec_fadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_d(r, m, pc, ilen, rd, rs1, rs2, ADD)


@jit
def exec_fsub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_s(r, m, pc, ilen, rd, rs1, rs2, SUB)


@jit
def exec_fsub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_d(r, m, pc, ilen, rd, rs1, rs2, SUB)


@jit
def exec_fmul_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_s(r, m, pc, ilen, rd, rs1, rs2, MUL)


@jit
def exec_fmul_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_d(r, m, pc, ilen, rd, rs1, rs2, MUL)


@jit
def exec_fdiv_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_s(r, m, pc, ilen, rd, rs1, rs2, DIV)


@jit
def exec_fdiv_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op2_d(r, m, pc, ilen, rd, rs1, rs2, DIV)


@jit
def exec_fsqrt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_s(r, m, pc, ilen, rd, rs1, SQRT)


@jit
def exec_fsqrt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_d(r, m, pc, ilen, rd, rs1, SQRT)


@jit
def exec_frecip_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_s(r, m, pc, ilen, rd, rs1, RECIP)


@jit
def exec_frecip_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_d(r, m, pc, ilen, rd, rs1, RECIP)


@jit
def exec_frsqrt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_s(r, m, pc, ilen, rd, rs1, RSQRT)


@jit
def exec_frsqrt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_d(r, m, pc, ilen, rd, rs1, RSQRT)


@jit
def exec_flogb_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_s(r, m, pc, ilen, rd, rs1, LOGB)


@jit
def exec_flogb_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_d(r, m, pc, ilen, rd, rs1, LOGB)


@jit
def exec_fscaleb_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """fk holds an integer: its low 32 bits, signed, for .s."""
    v, fl = scaleb(read_s(r, rs1), sext32(r[F0 + rs2]), F32, rounding(r))
    return done_s(r, m, rd, v, fl, pc, ilen)


@jit
def exec_fscaleb_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = scaleb(r[F0 + rs1], r[F0 + rs2], F64, rounding(r))
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def exec_fmadd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, False, False)     # fj*fk + fa


@jit
def exec_fmadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, False, False)


@jit
def exec_fmsub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, True, False)      # fj*fk - fa


@jit
def exec_fmsub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, True, False)


@jit
def exec_fnmadd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, False, True)      # -(fj*fk + fa)


@jit
def exec_fnmadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, False, True)


@jit
def exec_fnmsub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_s(r, m, pc, ilen, rd, rs1, rs2, rs3, True, True)       # -(fj*fk - fa)


@jit
def exec_fnmsub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fused_d(r, m, pc, ilen, rd, rs1, rs2, rs3, True, True)


# ---- min/max, sign, class, compare, select --------------------------------------------------

@jit
def exec_fmax_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_s(r, m, pc, ilen, rd, rs1, rs2, True, False)


@jit
def exec_fmax_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_d(r, m, pc, ilen, rd, rs1, rs2, True, False)


@jit
def exec_fmin_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_s(r, m, pc, ilen, rd, rs1, rs2, False, False)


@jit
def exec_fmin_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_d(r, m, pc, ilen, rd, rs1, rs2, False, False)


@jit
def exec_fmaxa_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_s(r, m, pc, ilen, rd, rs1, rs2, True, True)


@jit
def exec_fmaxa_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_d(r, m, pc, ilen, rd, rs1, rs2, True, True)


@jit
def exec_fmina_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_s(r, m, pc, ilen, rd, rs1, rs2, False, True)


@jit
def exec_fmina_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return minmax_d(r, m, pc, ilen, rd, rs1, rs2, False, True)


@jit
def exec_fabs_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = (r[F0 + rs1] & (SIGN32 - 1)) | BOX
    return pc + ilen


@jit
def exec_fabs_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = r[F0 + rs1] & ~SIGN64
    return pc + ilen


@jit
def exec_fneg_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = ((r[F0 + rs1] ^ SIGN32) & LO32) | BOX
    return pc + ilen


@jit
def exec_fneg_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = r[F0 + rs1] ^ SIGN64
    return pc + ilen


@jit
def exec_fcopysign_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """fj's magnitude into fk: QEMU keeps fk's upper half too (no NaN-boxing)."""
    r[F0 + rd] = (r[F0 + rs2] & ~(SIGN32 - 1)) | (r[F0 + rs1] & (SIGN32 - 1))
    return pc + ilen


@jit
def exec_fcopysign_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = (r[F0 + rs2] & SIGN64) | (r[F0 + rs1] & ~SIGN64)
    return pc + ilen


@jit
def exec_fmov_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = (r[F0 + rs1] & LO32) | BOX
    return pc + ilen


@jit
def exec_fmov_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = r[F0 + rs1]
    return pc + ilen


@jit
def exec_fclass_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = fclass_bits(read_s(r, rs1), F32)
    return pc + ilen


@jit
def exec_fclass_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = fclass_bits(r[F0 + rs1], F64)
    return pc + ilen


@jit
def exec_fcmp_cond_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcmp_cc(r, m, pc, ilen, rd, read_s(r, rs1), read_s(r, rs2), F32, rm)


@jit
def exec_fcmp_cond_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcmp_cc(r, m, pc, ilen, rd, r[F0 + rs1], r[F0 + rs2], F64, rm)


@jit
def exec_fsel(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = r[F0 + rs1] if r[FCC0 + (rs3 & 7)] == 0 else r[F0 + rs2]
    return pc + ilen


# ---- conversions ----------------------------------------------------------------------------

@jit
def exec_fcvt_s_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = fcvt(r[F0 + rs1], F64, F32, rounding(r))
    return done_s(r, m, rd, v, fl, pc, ilen)


@jit
def exec_fcvt_d_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = fcvt(read_s(r, rs1), F32, F64, rounding(r))
    return done_d(r, m, rd, v, fl, pc, ilen)


@jit
def exec_ffint_s_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ffint_s(r, m, pc, ilen, rd, rs1, 32)


@jit
def exec_ffint_s_l(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ffint_s(r, m, pc, ilen, rd, rs1, 64)


@jit
def exec_ffint_d_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ffint_d(r, m, pc, ilen, rd, rs1, 32)


@jit
def exec_ffint_d_l(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ffint_d(r, m, pc, ilen, rd, rs1, 64)


@jit
def exec_frint_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """QEMU 7.2 writes this single result with the upper half zero, not NaN-boxed."""
    v, fl = unary(np.int64(RINT), read_s(r, rs1), F32, rounding(r))
    return done_d(r, m, rd, v & LO32, fl, pc, ilen)


@jit
def exec_frint_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op1_d(r, m, pc, ilen, rd, rs1, RINT)


@jit
def exec_ftintrm_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RDN, 32, False)


@jit
def exec_ftintrm_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RDN, 32, False)


@jit
def exec_ftintrm_l_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RDN, 64, False)


@jit
def exec_ftintrm_l_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RDN, 64, False)


@jit
def exec_ftintrp_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RUP, 32, False)


@jit
def exec_ftintrp_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RUP, 32, False)


@jit
def exec_ftintrp_l_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RUP, 64, False)


@jit
def exec_ftintrp_l_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RUP, 64, False)


@jit
def exec_ftintrz_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RTZ, 32, True)


@jit
def exec_ftintrz_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RTZ, 32, False)


@jit
def exec_ftintrz_l_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RTZ, 64, False)


@jit
def exec_ftintrz_l_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RTZ, 64, False)


@jit
def exec_ftintrne_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RNE, 32, True)


@jit
def exec_ftintrne_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RNE, 32, False)


@jit
def exec_ftintrne_l_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, RNE, 64, False)


@jit
def exec_ftintrne_l_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, RNE, 64, False)


@jit
def exec_ftint_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, rounding(r), 32, False)


@jit
def exec_ftint_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, rounding(r), 32, False)


@jit
def exec_ftint_l_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, read_s(r, rs1), F32, rounding(r), 64, False)


@jit
def exec_ftint_l_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return ftint_f(r, m, pc, ilen, rd, r[F0 + rs1], F64, rounding(r), 64, False)


# ---- loads and stores (the data register is fd: the rd operand) -----------------------------

@jit
def load_s(r, m, pc, ilen, fd, addr):
    v = load_u32(m, addr)
    if faulted(m):
        return pc
    r[F0 + fd] = v | BOX
    return pc + ilen


@jit
def load_d(r, m, pc, ilen, fd, addr):
    v = load_u64(m, addr)
    if faulted(m):
        return pc
    r[F0 + fd] = v
    return pc + ilen


@jit
def store_s(r, m, pc, ilen, fd, addr):
    return pc + ilen if store_u32(m, addr, r[F0 + fd]) else pc


@jit
def store_d(r, m, pc, ilen, fd, addr):
    return pc + ilen if store_u64(m, addr, r[F0 + fd]) else pc


@jit
def exec_fld_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_s(r, m, pc, ilen, rd, r[rs1] + imm)


@jit
def exec_fld_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_d(r, m, pc, ilen, rd, r[rs1] + imm)


@jit
def exec_fst_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_s(r, m, pc, ilen, rd, r[rs1] + imm)


@jit
def exec_fst_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_d(r, m, pc, ilen, rd, r[rs1] + imm)


@jit
def exec_fldx_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_s(r, m, pc, ilen, rd, r[rs1] + r[rs2])


@jit
def exec_fldx_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_d(r, m, pc, ilen, rd, r[rs1] + r[rs2])


@jit
def exec_fstx_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_s(r, m, pc, ilen, rd, r[rs1] + r[rs2])


@jit
def exec_fstx_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_d(r, m, pc, ilen, rd, r[rs1] + r[rs2])


# Bound checks as la_base's ldgt/stle: unsigned, the check before the access, the address rj.
# (QEMU 7.2's FP forms access rj + rk, against the manual and its own integer forms; not copied.)

@jit
def exec_fldgt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], True):
        return pc
    return load_s(r, m, pc, ilen, rd, r[rs1])


@jit
def exec_fldgt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], True):
        return pc
    return load_d(r, m, pc, ilen, rd, r[rs1])


@jit
def exec_fldle_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], False):
        return pc
    return load_s(r, m, pc, ilen, rd, r[rs1])


@jit
def exec_fldle_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], False):
        return pc
    return load_d(r, m, pc, ilen, rd, r[rs1])


@jit
def exec_fstgt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], True):
        return pc
    return store_s(r, m, pc, ilen, rd, r[rs1])


@jit
def exec_fstgt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], True):
        return pc
    return store_d(r, m, pc, ilen, rd, r[rs1])


@jit
def exec_fstle_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], False):
        return pc
    return store_s(r, m, pc, ilen, rd, r[rs1])


@jit
def exec_fstle_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if out_of_bounds(m, r[rs1], r[rs2], False):
        return pc
    return store_d(r, m, pc, ilen, rd, r[rs1])


# ---- moves between register files ---------------------------------------------------------

@jit
def exec_movgr2fr_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """Low half only; the upper half stays (QEMU 7.2 deposits, no NaN-boxing)."""
    r[F0 + rd] = (r[F0 + rd] & ~np.int64(LO32)) | (r[rs1] & LO32)
    return pc + ilen


@jit
def exec_movgr2fr_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = r[rs1]
    return pc + ilen


@jit
def exec_movgr2frh_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = (r[rs1] << 32) | (r[F0 + rd] & LO32)
    return pc + ilen


@jit
def exec_movfr2gr_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[F0 + rs1]))
    return pc + ilen


@jit
def exec_movfr2gr_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[F0 + rs1])
    return pc + ilen


@jit
def exec_movfrh2gr_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[F0 + rs1] >> 32)
    return pc + ilen


@jit
def fcsr_view(n):
    """The fcsr0 bits fcsr n shows: fcsr1 Enables, fcsr2 Flags and Cause, fcsr3 RM."""
    if n == 0:
        return np.int64(FCSR0_BITS)
    if n == 1:
        return np.int64(ENABLES)
    if n == 2:
        return np.int64(0x1F1F0000)
    return np.int64(0x300) if n == 3 else np.int64(0)


@jit
def exec_movgr2fcsr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """rd = fcsr number. Reserved bits stay zero (QEMU 7.2 keeps whatever fcsr0 is given)."""
    mask = fcsr_view(rd)
    r[FCSR] = (r[FCSR] & ~mask) | (r[rs1] & mask)
    return pc + ilen


@jit
def exec_movfcsr2gr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[FCSR] & fcsr_view(rs1))
    return pc + ilen


@jit
def exec_movfr2cf(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[FCC0 + (rd & 7)] = r[F0 + rs1] & 1
    return pc + ilen


@jit
def exec_movcf2fr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[F0 + rd] = r[FCC0 + (rs1 & 7)]
    return pc + ilen


@jit
def exec_movgr2cf(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[FCC0 + (rd & 7)] = r[rs1] & 1
    return pc + ilen


@jit
def exec_movcf2gr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[FCC0 + (rs1 & 7)])
    return pc + ilen
