"""IEEE 754 binary32/binary64 arithmetic in every rounding mode, with exact exception flags.

ISA-neutral: RISC-V, LoongArch and AArch64 semantics call these and add their own register rules
(NaN-boxing, which comparisons signal, what an out-of-range conversion returns). Conventions:

* A value is its raw bit pattern in an int64: binary32 zero-extended in the low 32 bits, binary64
  as the signed 64-bit pattern. A format is named by its fraction width: F32 = 23, F64 = 52.
* Rounding modes RNE RTZ RDN RUP RMM = 0..4; flags NX UF OF DZ NV = 1 2 4 8 16 (the order RISC-V
  and LoongArch use; other ISAs remap). Results come back as (bits, flags).
* A NaN result is the format's default NaN (positive, quiet, zero payload) -- what RISC-V,
  LoongArch and AArch64's default-NaN mode deliver. An ISA that propagates payloads (x86) checks
  its operands before calling.
* `tiny_after`: whether tininess is detected after rounding (RISC-V, x86) or before (AArch64).

How: a small software float in int64 arithmetic (SoftFloat's scheme: significands carrying guard
bits plus a "jam" bit -- the OR of everything shifted out -- and one shared round_pack) computes
every case exactly, subnormals and directed modes included. The common case -- round to nearest
even, finite operands, a result far from both underflow and overflow -- takes a fast path through
the host FPU, which rounds to nearest even, reading exactness off an error-free transformation.
"""
import numpy as np

from jitvm.compiled import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits, fma64, jit

RNE, RTZ, RDN, RUP, RMM = 0, 1, 2, 3, 4
NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
F32, F64 = 23, 52
# classify() results, in IEEE 754's class order (RISC-V's fclass bit order too)
(NEG_INF, NEG_NORMAL, NEG_SUBNORMAL, NEG_ZERO, POS_ZERO, POS_SUBNORMAL, POS_NORMAL, POS_INF,
 SNAN, QNAN) = range(10)
# compare() results
LT, EQ, GT, UNORDERED = 0, 1, 2, 3

_MIN64 = -0x7FFFFFFFFFFFFFFF - 1
_M62 = (1 << 62) - 1
# Fast-path windows: inside them an error-free transformation is exact (its error term cannot
# underflow) and no result can be tiny or overflow.
_SAFE64_LO, _SAFE64_HI = 2.0 ** -960, 2.0 ** 960
_SAFE32_LO, _SAFE32_HI = 2.0 ** -125, 2.0 ** 126


# ---- fields -----------------------------------------------------------------------------------

@jit
def _ebits(fmt):
    return 11 if fmt == F64 else 8


@jit
def _bias(fmt):
    return (1 << (_ebits(fmt) - 1)) - 1


@jit
def _emax(fmt):
    """The all-ones biased exponent (infinities and NaNs)."""
    return (1 << _ebits(fmt)) - 1


@jit
def sign_mask(fmt):
    return np.int64(_MIN64) if fmt == F64 else np.int64(0x80000000)


@jit
def neg(x, fmt):
    return x ^ sign_mask(fmt)


@jit
def _fields(x, fmt):
    """(sign, biased exponent, fraction)."""
    e = _ebits(fmt)
    return (x >> (fmt + e)) & 1, (x >> fmt) & ((1 << e) - 1), x & ((np.int64(1) << fmt) - 1)


@jit
def _pack(sign, bexp, frac, fmt):
    v = (np.int64(bexp) << fmt) | frac
    return v | sign_mask(fmt) if sign else v


@jit
def default_nan(fmt):
    return _pack(0, _emax(fmt), np.int64(1) << (fmt - 1), fmt)


@jit
def is_nan(x, fmt):
    s, e, f = _fields(x, fmt)
    return e == _emax(fmt) and f != 0


@jit
def is_snan(x, fmt):
    s, e, f = _fields(x, fmt)
    return e == _emax(fmt) and f != 0 and (f >> (fmt - 1)) == 0


@jit
def _snan_flag(a, b, c, fmt):
    return NV if is_snan(a, fmt) or is_snan(b, fmt) or is_snan(c, fmt) else 0


@jit
def _bitlen(x):
    """Number of significant bits of x >= 0."""
    n = 0
    if x >> 32:
        x >>= 32
        n += 32
    if x >> 16:
        x >>= 16
        n += 16
    if x >> 8:
        x >>= 8
        n += 8
    if x >> 4:
        x >>= 4
        n += 4
    if x >> 2:
        x >>= 2
        n += 2
    if x >> 1:
        x >>= 1
        n += 1
    return n + x


@jit
def _unpack(bexp, frac, fmt):
    """(sig, exp) of a finite nonzero value = sig * 2**exp, sig normalized to fmt+1 bits."""
    if bexp == 0:
        sh = fmt + 1 - _bitlen(frac)
        return frac << sh, 1 - _bias(fmt) - fmt - sh
    return frac | (np.int64(1) << fmt), bexp - _bias(fmt) - fmt


@jit
def _shr_jam(x, d):
    """x >> d with every shifted-out bit OR-ed into the last bit (the sticky "jam" bit)."""
    if d <= 0:
        return x
    if d >= 63:
        return np.int64(1) if x != 0 else np.int64(0)
    lost = 1 if (x & ((np.int64(1) << d) - 1)) != 0 else 0
    return (x >> d) | lost


# ---- rounding ---------------------------------------------------------------------------------

@jit
def _round_shift(sig, sh, sign, rm):
    """(sig / 2**sh rounded to an integer in mode rm, inexact) for sig > 0 of the given sign.

    With a jam bit in sig this is still exact as long as sh >= 2: the jam bit then only tells
    "strictly between" apart from "exactly on" a rounding boundary, which is all it has to."""
    if sh <= 0:
        return sig << -sh, 0
    if sh >= 64:               # everything is below half an ulp
        up = (rm == RUP and sign == 0) or (rm == RDN and sign == 1)
        return np.int64(1 if up else 0), 1
    kept = sig >> sh
    rem = sig - (kept << sh)
    if rem == 0:
        return kept, 0
    half = np.int64(1) << (sh - 1)
    if rm == RNE:
        up = rem > half or (rem == half and (kept & 1) == 1)
    elif rm == RMM:
        up = rem >= half
    elif rm == RDN:
        up = sign == 1
    elif rm == RUP:
        up = sign == 0
    else:
        up = False
    return kept + (1 if up else 0), 1


@jit(inline="never")
def round_pack(sign, exp, sig, fmt, rm, tiny_after):
    """The value (-1)**sign * sig * 2**exp rounded to fmt: (bits, flags).

    sig > 0 fits in 63 bits; when inexact its last bit is a jam bit and it must carry at least two
    bits below the result's last place (every caller keeps more)."""
    emin = 1 - _bias(fmt)
    lead = exp + _bitlen(sig) - 1            # exponent of the leading bit, unbounded
    q = max(lead, emin) - fmt                # exponent of the result's last place
    kept, inexact = _round_shift(sig, q - exp, sign, rm)
    if kept >> (fmt + 1):                    # rounded up into the next binade
        kept >>= 1
        q += 1
    flags = NX if inexact else 0
    if inexact and lead < emin:
        tiny = True
        if tiny_after and lead == emin - 1:
            # tiny unless rounding to full precision, exponent unbounded, reaches 2**emin
            k2, _ = _round_shift(sig, lead - fmt - exp, sign, rm)
            tiny = (k2 >> (fmt + 1)) == 0
        if tiny:
            flags |= UF
    if kept < (np.int64(1) << fmt):          # subnormal or zero
        return _pack(sign, 0, kept, fmt), flags
    bexp = q + fmt + _bias(fmt)
    if bexp >= _emax(fmt):
        flags |= OF | NX
        if rm == RTZ or (rm == RDN and sign == 0) or (rm == RUP and sign == 1):
            return _pack(sign, _emax(fmt) - 1, (np.int64(1) << fmt) - 1, fmt), flags
        return _pack(sign, _emax(fmt), 0, fmt), flags
    return _pack(sign, bexp, kept - (np.int64(1) << fmt), fmt), flags


# ---- host-FPU fast paths (round to nearest even only) -----------------------------------------
# Each returns (ok, bits, flags); ok False sends the caller down the exact path. binary32 ops are
# computed in binary64 and rounded again: for + - * / sqrt that double rounding is harmless
# (53 >= 2*24 + 2, Figueroa 1995) -- but not for fma, whose fast path (`_fast_fma`) checks.

@jit
def _fin(x, fmt):
    return ((x >> fmt) & _emax(fmt)) != _emax(fmt)


@jit
def _fast_done32(p, exact):
    if not (abs(p) <= _SAFE32_HI):         # also keeps the cast below from overflowing
        return False, np.int64(0), 0
    f = np.float32(p)
    if not (_SAFE32_LO <= abs(f) <= _SAFE32_HI):
        return False, np.int64(0), 0
    inexact = not exact or np.float64(f) != p
    return True, f32_to_bits(f) & 0xFFFFFFFF, NX if inexact else 0


@jit
def _fast_done64(p, exact):
    if not (_SAFE64_LO <= abs(p) <= _SAFE64_HI):
        return False, np.int64(0), 0
    return True, f64_to_bits(p), 0 if exact else NX


@jit
def _fast_operands(a, b, fmt):
    if fmt == F64:
        return np.float64(f64_from_bits(a)), np.float64(f64_from_bits(b))
    return np.float64(f32_from_bits(a)), np.float64(f32_from_bits(b))


@jit
def _fast(op, a, b, fmt):
    """op 0 add, 1 mul, 2 div, 3 sqrt (of a)."""
    if not (_fin(a, fmt) and _fin(b, fmt)):
        return False, np.int64(0), 0
    x, y = _fast_operands(a, b, fmt)
    if op == 0:
        p = x + y
        t = p - x                                       # TwoSum: the rounding error exactly
        exact = (x - (p - t)) + (y - t) == 0.0
    elif op == 1:
        p = x * y
        exact = fma64(x, y, -p) == 0.0
    elif op == 2:
        if not (_SAFE64_LO <= abs(x)) or y == 0.0:      # keeps the remainder from underflowing
            return False, np.int64(0), 0
        p = x / y
        exact = fma64(-p, y, x) == 0.0
    else:
        if not (x > 0.0 and (fmt == F32 or x >= _SAFE64_LO)):
            return False, np.int64(0), 0
        p = np.sqrt(x)
        exact = fma64(-p, p, x) == 0.0
    if fmt == F64:
        return _fast_done64(p, exact)
    return _fast_done32(p, exact)


@jit
def _fast_fma(a, b, c, fmt):
    """fma's fast path, as `_fast` (ok, bits, flags). binary64: the host's fma, exactness from
    Boldo and Muller's ErrFma ("Exact and approximated error of the FMA", IEEE TC 2011): with
    u1 + u2 = x*y, z + u2 = a1 + z1 and u1 + a1 = b1 + b2 all exact, x*y + z - r = g + z1 exactly
    (g's two roundings are exact when nothing underflows), so r is exact iff g + z1 == 0.
    binary32: x*y is exact in binary64 (2*24 <= 53 bits) and TwoSum gives the sum s with its
    error; rounding s again is right unless s lies on a binary32 midpoint with error left over."""
    if not (_fin(a, fmt) and _fin(b, fmt) and _fin(c, fmt)):
        return False, np.int64(0), 0
    x, y = _fast_operands(a, b, fmt)
    z = _fast_operands(c, c, fmt)[0]
    u1 = x * y
    if fmt == F32:
        s = u1 + z
        t = s - u1
        exact = (u1 - (s - t)) + (z - t) == 0.0
        if not exact and (f64_to_bits(s) & 0x1FFFFFFF) == 0x10000000:
            return False, np.int64(0), 0
        return _fast_done32(s, exact)
    if not (_SAFE64_LO <= abs(u1) <= _SAFE64_HI and abs(z) <= _SAFE64_HI):
        return False, np.int64(0), 0                    # u2 could underflow; or overflow
    r = fma64(x, y, z)
    u2 = fma64(x, y, -u1)
    a1 = z + u2
    t = a1 - z
    z1 = (z - (a1 - t)) + (u2 - t)
    b1 = u1 + a1
    t = b1 - u1
    b2 = (u1 - (b1 - t)) + (a1 - t)
    g = (b1 - r) + b2
    return _fast_done64(r, g + z1 == 0.0)


# ---- arithmetic -------------------------------------------------------------------------------

@jit(inline="never")
def add(a, b, fmt, rm, tiny_after):
    """a + b (subtract: add(a, neg(b)))."""
    if rm == RNE:
        ok, bits, flags = _fast(0, a, b, fmt)
        if ok:
            return bits, flags
    sa, ea, fa = _fields(a, fmt)
    sb, eb, fb = _fields(b, fmt)
    top = _emax(fmt)
    if ea == top or eb == top:
        if (ea == top and fa != 0) or (eb == top and fb != 0):
            return default_nan(fmt), _snan_flag(a, b, b, fmt)
        if ea == top and eb == top and sa != sb:
            return default_nan(fmt), NV                  # inf - inf
        return (a if ea == top else b), 0
    if ea == 0 and fa == 0:
        if eb == 0 and fb == 0 and sa != sb:
            return _pack(1 if rm == RDN else 0, 0, 0, fmt), 0
        return b, 0
    if eb == 0 and fb == 0:
        return a, 0
    ma, xa = _unpack(ea, fa, fmt)
    mb, xb = _unpack(eb, fb, fmt)
    if xa < xb or (xa == xb and ma < mb):            # make a the larger magnitude
        sa, ma, xa, sb, mb, xb = sb, mb, xb, sa, ma, xa
    g = 61 - fmt                                     # guard bits: leading bit at 61, carry fits
    ma <<= g
    mb = _shr_jam(mb << g, xa - xb)
    s = ma + mb if sa == sb else ma - mb
    if s == 0:                                       # exact cancellation: +0, or -0 rounding down
        return _pack(1 if rm == RDN else 0, 0, 0, fmt), 0
    return round_pack(sa, xa - g, s, fmt, rm, tiny_after)


@jit
def _mul_wide(a, b):
    """a * b for a, b < 2**53 as (hi, lo) with product = hi * 2**52 + lo, lo < 2**52."""
    m26 = (1 << 26) - 1
    a1, a0 = a >> 26, a & m26
    b1, b0 = b >> 26, b & m26
    mid = a1 * b0 + a0 * b1
    lo = a0 * b0 + ((mid & m26) << 26)
    hi = a1 * b1 + (mid >> 26) + (lo >> 52)
    return hi, lo & ((np.int64(1) << 52) - 1)


@jit
def _mul_sig(ma, xa, mb, xb):
    """The product of two significands as (sig, exp), sig at most 62 bits with a jam bit."""
    hi, lo = _mul_wide(ma, mb)
    if hi == 0:
        return lo, xa + xb
    low = lo & ((np.int64(1) << 44) - 1)
    return (hi << 8) | (lo >> 44) | (1 if low != 0 else 0), xa + xb + 44


@jit(inline="never")
def mul(a, b, fmt, rm, tiny_after):
    if rm == RNE:
        ok, bits, flags = _fast(1, a, b, fmt)
        if ok:
            return bits, flags
    sa, ea, fa = _fields(a, fmt)
    sb, eb, fb = _fields(b, fmt)
    s = sa ^ sb
    top = _emax(fmt)
    a_zero = ea == 0 and fa == 0
    b_zero = eb == 0 and fb == 0
    if ea == top or eb == top:
        if (ea == top and fa != 0) or (eb == top and fb != 0):
            return default_nan(fmt), _snan_flag(a, b, b, fmt)
        if a_zero or b_zero:
            return default_nan(fmt), NV                  # inf * 0
        return _pack(s, top, 0, fmt), 0
    if a_zero or b_zero:
        return _pack(s, 0, 0, fmt), 0
    ma, xa = _unpack(ea, fa, fmt)
    mb, xb = _unpack(eb, fb, fmt)
    sig, exp = _mul_sig(ma, xa, mb, xb)
    return round_pack(s, exp, sig, fmt, rm, tiny_after)


@jit(inline="never")
def div(a, b, fmt, rm, tiny_after):
    if rm == RNE:
        ok, bits, flags = _fast(2, a, b, fmt)
        if ok:
            return bits, flags
    sa, ea, fa = _fields(a, fmt)
    sb, eb, fb = _fields(b, fmt)
    s = sa ^ sb
    top = _emax(fmt)
    a_zero = ea == 0 and fa == 0
    b_zero = eb == 0 and fb == 0
    if (ea == top and fa != 0) or (eb == top and fb != 0):
        return default_nan(fmt), _snan_flag(a, b, b, fmt)
    if (ea == top and eb == top) or (a_zero and b_zero):
        return default_nan(fmt), NV                      # inf/inf, 0/0
    if ea == top:
        return _pack(s, top, 0, fmt), 0
    if b_zero:
        return _pack(s, top, 0, fmt), DZ
    if a_zero or eb == top:
        return _pack(s, 0, 0, fmt), 0
    ma, xa = _unpack(ea, fa, fmt)
    mb, xb = _unpack(eb, fb, fmt)
    # Long division, ten quotient bits per step: the remainder stays below mb < 2**53.
    q = ma // mb
    rem = ma - q * mb
    for _ in range(6):
        rem <<= 10
        d = rem // mb
        q = (q << 10) | d
        rem -= d * mb
    sig = q | (1 if rem != 0 else 0)
    return round_pack(s, xa - xb - 60, sig, fmt, rm, tiny_after)


@jit(inline="never")
def sqrt(a, fmt, rm, tiny_after):
    if rm == RNE:
        ok, bits, flags = _fast(3, a, a, fmt)
        if ok:
            return bits, flags
    s, e, f = _fields(a, fmt)
    if e == _emax(fmt) and f != 0:
        return default_nan(fmt), _snan_flag(a, a, a, fmt)
    if e == 0 and f == 0:
        return a, 0                                      # sqrt(-0) = -0
    if s:
        return default_nan(fmt), NV
    if e == _emax(fmt):
        return a, 0
    m, x = _unpack(e, f, fmt)
    if x & 1:
        m <<= 1
        x -= 1
    # Digit-by-digit square root: 58 root bits from m's bit pairs, then zero pairs.
    pairs = (_bitlen(m) + 1) // 2
    root = np.int64(0)
    rem = np.int64(0)
    for i in range(58):
        j = pairs - 1 - i
        rem = (rem << 2) | ((m >> (2 * j)) & 3 if j >= 0 else 0)
        t = (root << 2) | 1
        if rem >= t:
            rem -= t
            root = (root << 1) | 1
        else:
            root <<= 1
    sig = root | (1 if rem != 0 else 0)
    return round_pack(0, x // 2 - (58 - pairs), sig, fmt, rm, tiny_after)


# ---- fused multiply-add: exact sum in two 62-bit limbs (value = h * 2**62 + l) ----------------

@jit
def _bitlen2(h, l):
    return 62 + _bitlen(h) if h != 0 else _bitlen(l)


@jit
def _shift2(h, l, s):
    """(h, l) * 2**s: a left shift (the result must fit 124 bits) or a right shift with jam."""
    if s >= 62:
        return l << (s - 62), np.int64(0)
    if s >= 0:
        return (h << s) | (l >> (62 - s)), (l & ((np.int64(1) << (62 - s)) - 1)) << s
    d = -s
    if d >= 124:
        return np.int64(0), np.int64(1 if (h != 0 or l != 0) else 0)
    if d >= 62:
        lost = l != 0 or (h & ((np.int64(1) << (d - 62)) - 1)) != 0
        return np.int64(0), (h >> (d - 62)) | (1 if lost else 0)
    lost = (l & ((np.int64(1) << d) - 1)) != 0
    return h >> d, (l >> d) | ((h & ((np.int64(1) << d) - 1)) << (62 - d)) | (1 if lost else 0)


@jit(inline="never")
def fma(a, b, c, fmt, rm, tiny_after):
    """a * b + c rounded once. Negate the product or the addend by flipping a's or c's sign.

    inf * 0 + qNaN signals invalid, as RISC-V and AArch64 require (IEEE leaves it open)."""
    if rm == RNE:
        ok, bits, flags = _fast_fma(a, b, c, fmt)
        if ok:
            return bits, flags
    sa, ea, fa = _fields(a, fmt)
    sb, eb, fb = _fields(b, fmt)
    sc, ec, fc = _fields(c, fmt)
    top = _emax(fmt)
    a_inf, b_inf, c_inf = ea == top and fa == 0, eb == top and fb == 0, ec == top and fc == 0
    a_zero, b_zero, c_zero = ea == 0 and fa == 0, eb == 0 and fb == 0, ec == 0 and fc == 0
    inf_times_zero = (a_inf and b_zero) or (a_zero and b_inf)
    if (ea == top and fa != 0) or (eb == top and fb != 0) or (ec == top and fc != 0):
        return default_nan(fmt), _snan_flag(a, b, c, fmt) | (NV if inf_times_zero else 0)
    if inf_times_zero:
        return default_nan(fmt), NV
    sp = sa ^ sb
    if a_inf or b_inf:
        if c_inf and sc != sp:
            return default_nan(fmt), NV
        return _pack(sp, top, 0, fmt), 0
    if c_inf:
        return c, 0
    if a_zero or b_zero:
        if c_zero:
            return _pack(sp if sp == sc else (1 if rm == RDN else 0), 0, 0, fmt), 0
        return c, 0
    ma, xa = _unpack(ea, fa, fmt)
    mb, xb = _unpack(eb, fb, fmt)
    if c_zero:
        sig, exp = _mul_sig(ma, xa, mb, xb)
        return round_pack(sp, exp, sig, fmt, rm, tiny_after)
    mc, xc = _unpack(ec, fc, fmt)
    hi, lo = _mul_wide(ma, mb)
    ph, pl = hi >> 10, ((hi & 1023) << 52) | lo          # regroup base 2**52 -> base 2**62
    xp = xa + xb
    # Put the operand with the higher leading bit at bit 120; the other lands below it, and
    # whatever falls under bit 0 is jammed (it can then cancel at most one leading bit).
    base = max(xp + _bitlen2(ph, pl), xc + fmt + 1) - 121
    ph, pl = _shift2(ph, pl, xp - base)
    ch, cl = _shift2(np.int64(0), mc, xc - base)
    if ph < ch or (ph == ch and pl < cl):
        sp, ph, pl, sc, ch, cl = sc, ch, cl, sp, ph, pl
    if sp == sc:
        l = pl + cl
        h = ph + ch + (l >> 62)
        l &= _M62
    else:
        l = pl - cl
        h = ph - ch
        if l < 0:
            l += np.int64(1) << 62
            h -= 1
    if h == 0 and l == 0:
        return _pack(1 if rm == RDN else 0, 0, 0, fmt), 0
    sh = max(_bitlen2(h, l) - 62, 0)
    h, l = _shift2(h, l, -sh)
    return round_pack(sp, base + sh, l, fmt, rm, tiny_after)


# ---- conversions ------------------------------------------------------------------------------

@jit(inline="never")
def convert(x, src, dst, rm, tiny_after):
    """Float to float: widening is exact, narrowing rounds."""
    s, e, f = _fields(x, src)
    if e == _emax(src):
        if f != 0:
            return default_nan(dst), _snan_flag(x, x, x, src)
        return _pack(s, _emax(dst), 0, dst), 0
    if e == 0 and f == 0:
        return _pack(s, 0, 0, dst), 0
    m, xx = _unpack(e, f, src)
    return round_pack(s, xx, m, dst, rm, tiny_after)


@jit(inline="never")
def from_int(x, signed, width, fmt, rm, tiny_after):
    """The integer in the low `width` (32 or 64) bits of x, signed or not, rounded to fmt."""
    v = np.int64(x)
    if width == 32:
        v &= 0xFFFFFFFF
        if signed and v >= 0x80000000:
            v -= np.int64(1) << 32
    if v == 0:
        return _pack(0, 0, 0, fmt), 0
    neg = 1 if signed and v < 0 else 0
    if neg and v != _MIN64:
        v = -v
    if v < 0:   # magnitude 2**63 or more: halve it, jamming the lost bit
        return round_pack(neg, 1, ((v >> 1) & 0x7FFFFFFFFFFFFFFF) | (v & 1), fmt, rm, tiny_after)
    return round_pack(neg, 0, v, fmt, rm, tiny_after)


@jit(inline="never")
def to_int(x, fmt, rm, signed, width):
    """x rounded in mode rm to a `width`-bit integer: (value, flags, status).

    status 0: in range, flags NX if inexact. Otherwise flags are NV and value is saturated:
    status 1 NaN (value = the maximum), 2 too large (maximum), 3 too small (minimum). Unsigned
    64-bit values come back as their two's-complement int64 pattern. An ISA whose out-of-range
    results differ (x86's "integer indefinite", AArch64's NaN -> 0) substitutes by status."""
    if signed:
        hi = np.int64(0x7FFFFFFFFFFFFFFF) if width == 64 else (np.int64(1) << (width - 1)) - 1
        lo = -hi - 1
    else:
        hi = np.int64(-1) if width == 64 else (np.int64(1) << width) - 1
        lo = np.int64(0)
    s, e, f = _fields(x, fmt)
    if e == _emax(fmt):
        if f != 0:
            return hi, NV, 1
        return (lo, NV, 3) if s else (hi, NV, 2)
    if e == 0 and f == 0:
        return np.int64(0), 0, 0
    m, xx = _unpack(e, f, fmt)
    n = _bitlen(m) + xx                       # bits in the integer part
    if n > 64:
        return (lo, NV, 3) if s else (hi, NV, 2)
    if n == 64:                               # magnitude in [2**63, 2**64): exact (xx > 0)
        half = m << (xx - 1)                  # the magnitude / 2, below 2**63
        if s == 0 and not signed and width == 64:
            return ((half - (np.int64(1) << 62)) - (np.int64(1) << 62)) * 2, 0, 0
        if s == 1 and signed and width == 64 and half == (np.int64(1) << 62):
            return np.int64(_MIN64), 0, 0
        return (lo, NV, 3) if s else (hi, NV, 2)
    if xx >= 0:
        k, inexact = m << xx, 0
    else:
        k, inexact = _round_shift(m, -xx, s, rm)
    if s:
        if (signed and k - 1 > hi) or (not signed and k != 0):
            return lo, NV, 3
        return -k, NX if inexact else 0, 0
    if width == 32 and k > hi:
        return hi, NV, 2
    return k, NX if inexact else 0, 0


@jit(inline="never")
def round_int(x, fmt, rm):
    """x rounded to an integral value in mode rm, staying in fmt: (bits, flags), NX when that
    changed the value (IEEE roundToIntegralExact). Zeros keep their sign, also a value that
    rounds to zero; a NaN gives the default NaN."""
    s, e, f = _fields(x, fmt)
    if e == _emax(fmt):
        if f != 0:
            return default_nan(fmt), _snan_flag(x, x, x, fmt)
        return x, 0
    if e == 0 and f == 0:
        return x, 0
    m, xx = _unpack(e, f, fmt)
    if xx >= 0:                               # no fraction bits left: already integral
        return x, 0
    k, inexact = _round_shift(m, -xx, s, rm)
    if k == 0:
        return _pack(s, 0, 0, fmt), NX
    bits, _ = round_pack(s, 0, k, fmt, rm, True)     # exact: k has at most fmt+1 bits
    return bits, NX if inexact else 0


@jit(inline="never")
def scalb(x, n, fmt, rm, tiny_after):
    """x * 2**n rounded to fmt (IEEE scaleB; n any int64): (bits, flags). A NaN gives the
    default NaN; infinities and zeros come back unchanged."""
    s, e, f = _fields(x, fmt)
    if e == _emax(fmt):
        if f != 0:
            return default_nan(fmt), _snan_flag(x, x, x, fmt)
        return x, 0
    if e == 0 and f == 0:
        return x, 0
    lim = np.int64(4) << _ebits(fmt)          # past this every result over- or underflows
    n = max(-lim, min(lim, n))
    m, xx = _unpack(e, f, fmt)
    return round_pack(s, xx + n - 2, m << 2, fmt, rm, tiny_after)


@jit
def ilogb(x, fmt):
    """floor(log2(|x|)) of a finite nonzero x (the unbiased exponent, subnormals included)."""
    s, e, f = _fields(x, fmt)
    m, xx = _unpack(e, f, fmt)
    return xx + fmt


@jit
def quiet(x, fmt):
    """The NaN x made quiet (payload and sign kept), for ISAs that propagate NaN operands."""
    return x | (np.int64(1) << (fmt - 1))


@jit
def convert_nan(x, src, dst):
    """The NaN x converted to format dst as propagating ISAs do: sign and the leading payload
    bits kept, made quiet."""
    s, e, f = _fields(x, src)
    f = f >> (src - dst) if src > dst else f << (dst - src)
    return quiet(_pack(s, _emax(dst), f, dst), dst)


# ---- comparisons, min/max, classification ----------------------------------------------------

@jit
def compare(a, b, fmt):
    """LT, EQ, GT or UNORDERED. Quiet: the caller decides which NaNs signal."""
    if is_nan(a, fmt) or is_nan(b, fmt):
        return UNORDERED
    ma = a & ~sign_mask(fmt)
    mb = b & ~sign_mask(fmt)
    if ma == 0 and mb == 0:
        return EQ                                          # +0 == -0
    ka = -ma if (a & sign_mask(fmt)) != 0 else ma          # a key that orders like the value
    kb = -mb if (b & sign_mask(fmt)) != 0 else mb
    return LT if ka < kb else (EQ if ka == kb else GT)


@jit
def minmax(a, b, fmt, want_max):
    """IEEE 754-2019 minimumNumber / maximumNumber: a number beats a NaN, -0 < +0, sNaN signals."""
    flags = _snan_flag(a, b, b, fmt)
    na = is_nan(a, fmt)
    nb = is_nan(b, fmt)
    if na and nb:
        return default_nan(fmt), flags
    if na:
        return b, flags
    if nb:
        return a, flags
    c = compare(a, b, fmt)
    if c == EQ:
        a_pos = (a & sign_mask(fmt)) == 0
        return (a if a_pos == want_max else b), flags
    return (a if (c == GT) == want_max else b), flags


@jit
def classify(x, fmt):
    s, e, f = _fields(x, fmt)
    if e == _emax(fmt):
        if f != 0:
            return QNAN if (f >> (fmt - 1)) != 0 else SNAN
        return NEG_INF if s else POS_INF
    if e == 0:
        if f == 0:
            return NEG_ZERO if s else POS_ZERO
        return NEG_SUBNORMAL if s else POS_SUBNORMAL
    return NEG_NORMAL if s else POS_NORMAL
