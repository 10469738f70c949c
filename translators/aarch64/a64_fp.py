"""A64 scalar floating point, single and double (and half in fcvt): one `exec_<name>` each.

Menu: fmov (register, immediate, general <-> S/D, general <-> Vn.D[1]); fabs fneg fsqrt;
fadd fsub fmul fdiv fnmul; fmax fmin fmaxnm fminnm; fmadd fmsub fnmadd fnmsub (fused);
fcmp fcmpe (register, #0.0), fccmp fccmpe, fcsel; fcvt between S, D and H; frintn/p/m/z/a/x/i;
scvtf ucvtf (integer and fixed-point); fcvtzs fcvtzu (integer and fixed-point), fcvtns/nu,
fcvtps/pu, fcvtms/mu, fcvtas/au. The arithmetic is translators/ieee754.py; this file adds the
Arm ARM's rules (its FPProcessNaNs, FPMax/FPMaxNum, FPCompare, FPToFixed pseudocode):

  - Operands as encodings.py decodes them: rm = ftype (0 single, 1 double), or sf << 1 | ftype
    for the integer conversions. Rd/Rn/Rm/Ra are V registers (cpu.V0: two int64 halves each);
    a scalar result is written with the rest of the 128-bit register zeroed.
  - FPCR: RMode (23:22: RN RP RM RZ) rounds every op that reads it; DN (25) makes every NaN
    result the default NaN; FZ (24; gcc's -ffast-math start-up code sets it) reads subnormal
    single/double operands as zeros (IDC) and flushes results tiny before rounding to zeros
    (UFC, not IXC). AHP (26) selects the alternative half format of fcvt (no infinities or
    NaNs: exponent 31 is a normal binade; a NaN converts to zero, an infinity or overflow to
    the largest magnitude, each with IOC); Linux starts programs with FPCR = 0.
  - NaNs propagate (DN = 0): the first signalling NaN operand, quieted (IOC), else the first
    quiet one; fused ops look at the addend first. Negated operands (fmsub, fnmadd, fnmsub) are
    negated before that, so a NaN comes out with its sign flipped, as the pseudocode and QEMU
    have it; fnmul negates its result, NaN included.
  - FPSR accrues IOC DZC OFC UFC IXC (bits 0..4) from ieee754's NV DZ OF UF NX, and IDC
    (bit 7) from this file's IDC; tininess is
    detected before rounding (TINY_AFTER False). Exceptions never trap (Linux enables none).
  - Out-of-range float -> integer conversions saturate, NaN gives 0, both with IOC.
"""
import numpy as np

from jitvm.compiled import jit
from translators.ieee754 import (EQ, F32, F64, GT, LT, NV, NX, OF, RDN, RMM, RNE, RTZ, RUP,
                                 UF, add, compare, convert, convert_nan, default_nan, div,
                                 fma, from_int, is_nan, is_snan, mul, neg, quiet, round_int,
                                 round_pack, scalb, sign_mask, sqrt, to_int)
from translators.aarch64.a64_base import cond_holds, illegal
from translators.aarch64.cpu import CF, FPCR, FPSR, NF, V0, VF, ZF, wx, xr

TINY_AFTER = False
M32 = 0xFFFFFFFF
DN, FZ = 1 << 25, 1 << 24
AHP = 1 << 26
IDC = 32                                      # beside ieee754's flags: an input flushed (FZ)
H = 3                                         # ftype of half precision (fcvt only)
# operations of the out-of-line cores
ADD, SUB, MUL, DIV, MAX, MIN, MAXNM, MINNM = 0, 1, 2, 3, 4, 5, 6, 7


# ---- registers, FPCR, FPSR ---------------------------------------------------------------

@jit
def fmt_of(ftype):
    return F64 if ftype & 1 else F32


@jit
def rd_fp(r, n, ftype):
    """The S (low word) or D (low doubleword) view of Vn."""
    v = r[V0 + 2 * n]
    return v if ftype & 1 else v & M32


@jit
def wr_fp(r, n, bits):
    """A scalar write: the value zero-extended to 128 bits."""
    r[V0 + 2 * n] = bits
    r[V0 + 2 * n + 1] = 0


@jit
def rounding(fpcr):
    """ieee754's mode for FPCR.RMode: 0 RN, 1 RP (up), 2 RM (down), 3 RZ."""
    rm = (fpcr >> 22) & 3
    return RNE if rm == 0 else (RUP if rm == 1 else (RDN if rm == 2 else RTZ))


@jit
def accrue(r, flags):
    """FPSR's cumulative bits from the flags: NV DZ OF UF NX IDC -> IOC DZC OFC UFC IXC IDC."""
    if flags:
        r[FPSR] |= (((flags >> 4) & 1) | ((flags >> 2) & 2) | (flags & 4) | ((flags << 2) & 8)
                    | ((flags << 4) & 16) | ((flags & IDC) << 2))


@jit
def done(r, rd, bits, flags, pc, ilen):
    accrue(r, flags)
    wr_fp(r, rd, bits)
    return pc + ilen


@jit
def set_nzcv(r, nzcv):
    r[NF] = (nzcv >> 3) & 1
    r[ZF] = (nzcv >> 2) & 1
    r[CF] = (nzcv >> 1) & 1
    r[VF] = nzcv & 1


# ---- flush to zero (FPCR.FZ) ------------------------------------------------------------

@jit
def flush_in(x, fmt, fpcr):
    """A subnormal operand under FZ reads as a zero of its sign, raising IDC: (value, flags)."""
    sm = sign_mask(fmt)
    mag = x & ~sm
    if fpcr & FZ and mag != 0 and mag < (np.int64(1) << fmt):
        return x & sm, IDC
    return x, 0


@jit
def flush_out(v, flags, fmt, fpcr):
    """Under FZ a result tiny before rounding -- subnormal, or rounded to zero or up to the
    smallest normal with ieee754's underflow flag -- becomes a zero of its sign, UFC only."""
    if fpcr & FZ == 0:
        return v, flags
    sm = sign_mask(fmt)
    mag = v & ~sm
    least = np.int64(1) << fmt
    if (mag != 0 and mag < least) or ((mag == 0 or mag == least) and flags & UF):
        return v & sm, (flags & ~(UF | NX)) | UF
    return v, flags


# ---- NaNs ----------------------------------------------------------------------------------

@jit
def process_nan(x, fmt, fpcr):
    """FPProcessNaN: the NaN x quieted (IOC when it signalled), or the default NaN under DN."""
    flags = NV if is_snan(x, fmt) else 0
    return (default_nan(fmt) if fpcr & DN else quiet(x, fmt)), flags


@jit
def process_nans(a, b, c, fmt, fpcr):
    """FPProcessNaNs3 (repeat an operand for fewer): (found, result, flags) -- the first
    signalling NaN of a, b, c, else the first quiet one."""
    for x in (a, b, c):
        if is_snan(x, fmt):
            v, fl = process_nan(x, fmt, fpcr)
            return True, v, fl
    for x in (a, b, c):
        if is_nan(x, fmt):
            v, fl = process_nan(x, fmt, fpcr)
            return True, v, fl
    return False, np.int64(0), 0


# ---- out-of-line cores ---------------------------------------------------------------------

@jit
def fmax(a, b, fmt, want_max):
    """FPMax/FPMin of two non-NaN operands: +0 beats -0 for max, -0 for min."""
    sm = sign_mask(fmt)
    if (a & ~sm) == 0 and (b & ~sm) == 0:
        neg_a, neg_b = (a & sm) != 0, (b & sm) != 0
        negative = (neg_a and neg_b) if want_max else (neg_a or neg_b)
        return sm if negative else np.int64(0)
    c = compare(a, b, fmt)
    return a if (c == GT) == want_max and c != EQ else b


@jit(inline="never")
def binary(op, a, b, fmt, fpcr):
    """(bits, flags) of a two-operand op."""
    a, fa = flush_in(a, fmt, fpcr)
    b, fb = flush_in(b, fmt, fpcr)
    v, fl = binary_core(op, a, b, fmt, fpcr)
    return flush_out(v, fl | fa | fb, fmt, fpcr)


@jit
def binary_core(op, a, b, fmt, fpcr):
    if op == MAXNM or op == MINNM:
        # FPMaxNum/FPMinNum: one quiet NaN against a non-quiet-NaN loses (becomes -inf/+inf)
        qa = is_nan(a, fmt) and not is_snan(a, fmt)
        qb = is_nan(b, fmt) and not is_snan(b, fmt)
        lose = (default_nan(fmt) & ~(np.int64(1) << (fmt - 1))) | (
            sign_mask(fmt) if op == MAXNM else np.int64(0))
        if qa and not qb:
            a = lose
        elif qb and not qa:
            b = lose
        op = MAX if op == MAXNM else MIN
    found, v, fl = process_nans(a, b, b, fmt, fpcr)
    if found:
        return v, fl
    mode = rounding(fpcr)
    if op == ADD:
        return add(a, b, fmt, mode, TINY_AFTER)
    if op == SUB:
        return add(a, neg(b, fmt), fmt, mode, TINY_AFTER)
    if op == MUL:
        return mul(a, b, fmt, mode, TINY_AFTER)
    if op == DIV:
        return div(a, b, fmt, mode, TINY_AFTER)
    return fmax(a, b, fmt, op == MAX), 0


@jit(inline="never")
def fused(addend, a, b, fmt, fpcr):
    """FPMulAdd: addend + a*b rounded once (negations already applied to the operands)."""
    addend, f1 = flush_in(addend, fmt, fpcr)
    a, f2 = flush_in(a, fmt, fpcr)
    b, f3 = flush_in(b, fmt, fpcr)
    v, fl = fused_core(addend, a, b, fmt, fpcr)
    return flush_out(v, fl | f1 | f2 | f3, fmt, fpcr)


@jit
def fused_core(addend, a, b, fmt, fpcr):
    found, v, fl = process_nans(addend, a, b, fmt, fpcr)
    sm = sign_mask(fmt)
    inf = default_nan(fmt) & ~(np.int64(1) << (fmt - 1))
    ma, mb = a & ~sm, b & ~sm
    if is_nan(addend, fmt) and not is_snan(addend, fmt) and (
            (ma == inf and mb == 0) or (ma == 0 and mb == inf)):
        return default_nan(fmt), NV                  # inf * 0 + qNaN: invalid
    if found:
        return v, fl
    return fma(a, b, addend, fmt, rounding(fpcr), TINY_AFTER)


@jit(inline="never")
def unary(a, fmt, fpcr, kind, mode):
    """kind 0: sqrt; 1: round to integral in `mode`, raising inexact; 2: the same, silently.
    Neither result can be subnormal unless the operand was."""
    a, fa = flush_in(a, fmt, fpcr)
    found, v, fl = process_nans(a, a, a, fmt, fpcr)
    if found:
        return v, fl | fa
    if kind == 0:
        v, fl = sqrt(a, fmt, rounding(fpcr), TINY_AFTER)
        return v, fl | fa
    v, fl = round_int(a, fmt, mode)
    return v, (fl if kind == 1 else fl & ~NX) | fa


@jit(inline="never")
def fcmp_flags(a, b, fmt, signal_all, fpcr):
    """FPCompare as NZCV (unordered 0011, equal 0110, less 1000, greater 0010) and flags:
    IOC for a signalling NaN, or (fcmpe) for any NaN."""
    a, fa = flush_in(a, fmt, fpcr)
    b, fb = flush_in(b, fmt, fpcr)
    if is_nan(a, fmt) or is_nan(b, fmt):
        bad = signal_all or is_snan(a, fmt) or is_snan(b, fmt)
        return 0b0011, (NV if bad else 0) | fa | fb
    c = compare(a, b, fmt)
    return (0b0110 if c == EQ else (0b1000 if c == LT else 0b0010)), fa | fb


# ---- half precision (IEEE format only: FPCR.AHP is not implemented) -------------------------

@jit
def _round_right(sig, sh, sign, mode):
    """(sig / 2**sh rounded to an integer in mode, inexact) for 0 < sig < 2**62, sh >= 1."""
    if sh >= 63:
        up = (mode == RUP and sign == 0) or (mode == RDN and sign == 1)
        return np.int64(1 if up else 0), True
    kept = sig >> sh
    rem = sig - (kept << sh)
    if rem == 0:
        return kept, False
    half = np.int64(1) << (sh - 1)
    if mode == RNE:
        up = rem > half or (rem == half and (kept & 1) == 1)
    elif mode == RMM:
        up = rem >= half
    else:
        up = (mode == RUP and sign == 0) or (mode == RDN and sign == 1)
    return kept + (1 if up else 0), True


@jit(inline="never")
def to_half(x, fmt, fpcr):
    """Single or double x rounded to half in FPCR's mode: (bits, flags)."""
    alt = (fpcr & AHP) != 0
    if is_nan(x, fmt):
        fl = NV if is_snan(x, fmt) else 0
        if alt:
            return ((x >> (fmt + (11 if fmt == F64 else 8) - 15)) & 0x8000), NV
        if fpcr & DN:
            return np.int64(0x7E00), fl
        return ((x >> (fmt + (11 if fmt == F64 else 8) - 15)) & 0x8000) | 0x7E00 | (
            (x >> (fmt - 10)) & 0x1FF), fl
    d = x if fmt == F64 else convert(x, F32, F64, RNE, TINY_AFTER)[0]   # exact
    sign = (d >> 63) & 1
    e, f = (d >> 52) & 0x7FF, d & ((np.int64(1) << 52) - 1)
    if e == 0x7FF:
        return ((sign << 15) | 0x7FFF, NV) if alt else ((sign << 15) | 0x7C00, 0)
    if e == 0 and f == 0:
        return sign << 15, 0
    sig, exp = (f, np.int64(-1074)) if e == 0 else (f | (np.int64(1) << 52), e - 1075)
    nbits = 0
    t = sig
    while t:
        t >>= 1
        nbits += 1
    lead = exp + nbits - 1
    q = max(lead, -14) - 10                  # the exponent of the result's last place
    kept, inexact = _round_right(sig, q - exp, sign, rounding(fpcr))
    if kept >> 11:
        kept >>= 1
        q += 1
    flags = (NX | UF) if inexact and lead < -14 else (NX if inexact else 0)
    if kept < 1024:
        return (sign << 15) | kept, flags
    bexp = q + 25
    if alt and bexp >= 32:
        return (sign << 15) | 0x7FFF, NV     # saturates: no OFC, no IXC
    if bexp >= 31 and not alt:
        mode = rounding(fpcr)
        if mode == RTZ or (mode == RDN and sign == 0) or (mode == RUP and sign == 1):
            return (sign << 15) | 0x7BFF, flags | OF | NX
        return (sign << 15) | 0x7C00, flags | OF | NX
    return (sign << 15) | (bexp << 10) | (kept - 1024), flags


@jit(inline="never")
def from_half(h, fmt, fpcr):
    """Half h widened (exactly) to single or double: (bits, flags)."""
    sign, e, f = (h >> 15) & 1, (h >> 10) & 31, h & 0x3FF
    if e == 31 and not fpcr & AHP:
        if f == 0:
            return (default_nan(fmt) & ~(np.int64(1) << (fmt - 1))) | (
                sign_mask(fmt) if sign else np.int64(0)), 0
        fl = 0 if f & 0x200 else NV
        if fpcr & DN:
            return default_nan(fmt), fl
        v = default_nan(fmt) | (np.int64(f) << (fmt - 10))
        return (v | sign_mask(fmt) if sign else v), fl
    if e == 0 and f == 0:
        return (sign_mask(fmt) if sign else np.int64(0)), 0
    sig, exp = (np.int64(f), np.int64(-24)) if e == 0 else (np.int64(f | 0x400), e - 25)
    return round_pack(sign, exp, sig, fmt, RNE, TINY_AFTER)


# ---- moves, sign operations ----------------------------------------------------------------

@jit
def exec_fmov_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wr_fp(r, rd, rd_fp(r, rs1, rm))
    return pc + ilen


@jit
def exec_fabs(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wr_fp(r, rd, rd_fp(r, rs1, rm) & ~sign_mask(fmt_of(rm)))
    return pc + ilen


@jit
def exec_fneg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wr_fp(r, rd, neg(rd_fp(r, rs1, rm), fmt_of(rm)))
    return pc + ilen


@jit
def exec_fmov_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """VFPExpandImm: sign imm8<7>, exponent NOT(b6):Replicate(b6):imm8<5:4>, fraction imm8<3:0>."""
    sign, b6, mid = (imm >> 7) & 1, (imm >> 6) & 1, (imm >> 4) & 3
    if rm:
        exp = ((b6 ^ 1) << 10) | ((0xFF if b6 else 0) << 2) | mid
        bits = (np.int64(sign) << 63) | (np.int64(exp) << 52) | (np.int64(imm & 15) << 48)
    else:
        exp = ((b6 ^ 1) << 7) | ((0x1F if b6 else 0) << 2) | mid
        bits = (np.int64(sign) << 31) | (np.int64(exp) << 23) | (np.int64(imm & 15) << 19)
    wr_fp(r, rd, bits)
    return pc + ilen


@jit
def exec_fmov_to_gen(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rd_fp(r, rs1, rm))                       # Wd <- Sn (zero-extended), Xd <- Dn
    return pc + ilen


@jit
def exec_fmov_from_gen(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = xr(r, rs1)
    wr_fp(r, rd, v if rm else v & M32)
    return pc + ilen


@jit
def exec_fmov_to_gen_d1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[V0 + 2 * rs1 + 1])
    return pc + ilen


@jit
def exec_fmov_from_gen_d1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[V0 + 2 * rd + 1] = xr(r, rs1)                    # an element write: D[0] is kept
    return pc + ilen


# ---- arithmetic ----------------------------------------------------------------------------

@jit
def arith(r, pc, ilen, rd, rs1, rs2, rm, op):
    fmt = fmt_of(rm)
    v, fl = binary(op, rd_fp(r, rs1, rm), rd_fp(r, rs2, rm), fmt, r[FPCR])
    return done(r, rd, v, fl, pc, ilen)


@jit
def exec_fadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, ADD)


@jit
def exec_fsub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, SUB)


@jit
def exec_fmul(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, MUL)


@jit
def exec_fdiv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, DIV)


@jit
def exec_fmax(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, MAX)


@jit
def exec_fmin(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, MIN)


@jit
def exec_fmaxnm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, MAXNM)


@jit
def exec_fminnm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return arith(r, pc, ilen, rd, rs1, rs2, rm, MINNM)


@jit
def exec_fnmul(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fmt = fmt_of(rm)
    v, fl = binary(MUL, rd_fp(r, rs1, rm), rd_fp(r, rs2, rm), fmt, r[FPCR])
    return done(r, rd, neg(v, fmt), fl, pc, ilen)      # FPNeg of the result, NaN too


@jit
def multiply_add(r, pc, ilen, rd, rs1, rs2, rs3, rm, neg_addend, neg_product):
    fmt = fmt_of(rm)
    a, b, c = rd_fp(r, rs1, rm), rd_fp(r, rs2, rm), rd_fp(r, rs3, rm)
    v, fl = fused(neg(c, fmt) if neg_addend else c, neg(a, fmt) if neg_product else a, b, fmt,
                  r[FPCR])
    return done(r, rd, v, fl, pc, ilen)


@jit
def exec_fmadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multiply_add(r, pc, ilen, rd, rs1, rs2, rs3, rm, False, False)     # Ra + Rn*Rm


@jit
def exec_fmsub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multiply_add(r, pc, ilen, rd, rs1, rs2, rs3, rm, False, True)      # Ra - Rn*Rm


@jit
def exec_fnmadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multiply_add(r, pc, ilen, rd, rs1, rs2, rs3, rm, True, True)       # -Ra - Rn*Rm


@jit
def exec_fnmsub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multiply_add(r, pc, ilen, rd, rs1, rs2, rs3, rm, True, False)      # -Ra + Rn*Rm


@jit
def exec_fsqrt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = unary(rd_fp(r, rs1, rm), fmt_of(rm), r[FPCR], 0, RNE)
    return done(r, rd, v, fl, pc, ilen)


@jit
def frint(r, pc, ilen, rd, rs1, rm, mode, exact):
    v, fl = unary(rd_fp(r, rs1, rm), fmt_of(rm), r[FPCR], 1 if exact else 2, mode)
    return done(r, rd, v, fl, pc, ilen)


@jit
def exec_frintn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return frint(r, pc, ilen, rd, rs1, rm, RNE, False)


@jit
def exec_frintp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return frint(r, pc, ilen, rd, rs1, rm, RUP, False)


@jit
def exec_frintm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return frint(r, pc, ilen, rd, rs1, rm, RDN, False)


@jit
def exec_frintz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return frint(r, pc, ilen, rd, rs1, rm, RTZ, False)


@jit
def exec_frinta(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return frint(r, pc, ilen, rd, rs1, rm, RMM, False)


@jit
def exec_frintx(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return frint(r, pc, ilen, rd, rs1, rm, rounding(r[FPCR]), True)


@jit
def exec_frinti(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return frint(r, pc, ilen, rd, rs1, rm, rounding(r[FPCR]), False)


# ---- compares and selects ------------------------------------------------------------------

@jit
def fcompare(r, m, pc, ilen, rs1, rs2, rm, imm, signal_all):
    b = np.int64(0) if imm else rd_fp(r, rs2, rm)      # #0.0 ignores Rm (should be 0), as qemu
    nzcv, fl = fcmp_flags(rd_fp(r, rs1, rm), b, fmt_of(rm), signal_all, r[FPCR])
    accrue(r, fl)
    set_nzcv(r, nzcv)
    return pc + ilen


@jit
def exec_fcmp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcompare(r, m, pc, ilen, rs1, rs2, rm, imm, False)


@jit
def exec_fcmpe(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcompare(r, m, pc, ilen, rs1, rs2, rm, imm, True)


@jit
def cond_fcompare(r, pc, ilen, rs1, rs2, rm, imm, signal_all):
    if cond_holds(r, imm >> 4):
        nzcv, fl = fcmp_flags(rd_fp(r, rs1, rm), rd_fp(r, rs2, rm), fmt_of(rm), signal_all,
                              r[FPCR])
        accrue(r, fl)
        set_nzcv(r, nzcv)
    else:
        set_nzcv(r, imm & 15)
    return pc + ilen


@jit
def exec_fccmp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return cond_fcompare(r, pc, ilen, rs1, rs2, rm, imm, False)


@jit
def exec_fccmpe(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return cond_fcompare(r, pc, ilen, rs1, rs2, rm, imm, True)


@jit
def exec_fcsel(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wr_fp(r, rd, rd_fp(r, rs1 if cond_holds(r, imm) else rs2, rm))
    return pc + ilen


# ---- conversions ---------------------------------------------------------------------------

@jit(inline="never")
def fp_convert(x, src, dst, fpcr):
    """FPConvert between ftypes 0 (S), 1 (D), 3 (H): (bits, flags). FZ flushes S/D operands
    and S/D results (a half one is FZ16's, which cortex-a53 lacks)."""
    if src == H:
        return from_half(x, fmt_of(dst), fpcr)
    x, fa = flush_in(x, fmt_of(src), fpcr)
    if dst == H:
        v, fl = to_half(x, fmt_of(src), fpcr)
        return v, fl | fa
    sf, df = fmt_of(src), fmt_of(dst)
    if is_nan(x, sf):
        fl = NV if is_snan(x, sf) else 0
        return (default_nan(df) if fpcr & DN else convert_nan(x, sf, df)), fl | fa
    v, fl = convert(x, sf, df, rounding(fpcr), TINY_AFTER)
    return flush_out(v, fl | fa, df, fpcr)


@jit
def exec_fcvt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    x = r[V0 + 2 * rs1]
    x = x & 0xFFFF if rm == H else (x if rm == 1 else x & M32)
    v, fl = fp_convert(x, rm, imm, r[FPCR])
    return done(r, rd, v, fl, pc, ilen)


@jit(inline="never")
def float_to_int(x, fmt, mode, signed, sf, fbits, fpcr):
    """FPToFixed: x * 2**fbits rounded in mode to a W (sf 0) or X integer, saturating; NaN
    gives 0. (bits, flags)."""
    x, fa = flush_in(x, fmt, fpcr)
    if fbits:
        x = scalb(x, fbits, fmt, RNE, TINY_AFTER)[0]    # exact, or past every integer range
    v, fl, status = to_int(x, fmt, mode, signed, 64 if sf else 32)
    if status == 1:
        v = np.int64(0)
    return (v if sf else v & M32), fl | fa


@jit
def fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, mode, signed, scale):
    sf = rm >> 1
    fbits = 0
    if scale >= 0:                            # the fixed-point form
        if sf == 0 and scale < 32:
            return illegal(m, pc)
        fbits = 64 - scale
    v, fl = float_to_int(rd_fp(r, rs1, rm & 1), fmt_of(rm), mode, signed, sf, fbits, r[FPCR])
    accrue(r, fl)
    wx(r, rd, v)
    return pc + ilen


@jit(inline="never")
def int_to_float(x, signed, sf, fmt, fpcr, fbits):
    """FixedToFP: the W or X integer x / 2**fbits rounded to fmt. Rounding the integer and then
    scaling is exact: nothing this small or large gets near a subnormal or overflow."""
    v, fl = from_int(x, signed, 64 if sf else 32, fmt, rounding(fpcr), TINY_AFTER)
    if fbits:
        v = scalb(v, -fbits, fmt, RNE, TINY_AFTER)[0]
    return v, fl


@jit
def int_to_fp(r, m, pc, ilen, rd, rs1, rm, signed, scale):
    sf = rm >> 1
    fbits = 0
    if scale >= 0:
        if sf == 0 and scale < 32:
            return illegal(m, pc)
        fbits = 64 - scale
    v, fl = int_to_float(xr(r, rs1), signed, sf, fmt_of(rm), r[FPCR], fbits)
    return done(r, rd, v, fl, pc, ilen)


@jit
def exec_scvtf(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return int_to_fp(r, m, pc, ilen, rd, rs1, rm, True, -1)


@jit
def exec_ucvtf(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return int_to_fp(r, m, pc, ilen, rd, rs1, rm, False, -1)


@jit
def exec_scvtf_fix(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return int_to_fp(r, m, pc, ilen, rd, rs1, rm, True, imm)


@jit
def exec_ucvtf_fix(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return int_to_fp(r, m, pc, ilen, rd, rs1, rm, False, imm)


@jit
def exec_fcvtzs_fix(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RTZ, True, imm)


@jit
def exec_fcvtzu_fix(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RTZ, False, imm)


@jit
def exec_fcvtns(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RNE, True, -1)


@jit
def exec_fcvtnu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RNE, False, -1)


@jit
def exec_fcvtas(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RMM, True, -1)


@jit
def exec_fcvtau(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RMM, False, -1)


@jit
def exec_fcvtps(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RUP, True, -1)


@jit
def exec_fcvtpu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RUP, False, -1)


@jit
def exec_fcvtms(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RDN, True, -1)


@jit
def exec_fcvtmu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RDN, False, -1)


@jit
def exec_fcvtzs(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RTZ, True, -1)


@jit
def exec_fcvtzu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return fcvt_to_int(r, m, pc, ilen, rd, rs1, rm, RTZ, False, -1)
