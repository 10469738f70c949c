"""translators.ieee754: hand-derived edge cases, then a randomized check against exact rationals.

The reference below rounds Python Fractions by the book (IEEE 754 section 4, tininess after
rounding); it shares no code with the module under test. Runs under Numba, and under plain Python
via test_python_engine (a subprocess with JITVM_ENGINE=python).
"""
import math
import os
import random
import subprocess
import sys
from fractions import Fraction

import pytest

from translators import ieee754 as fp
from translators.ieee754 import DZ, F32, F64, NV, NX, OF, RDN, RMM, RNE, RTZ, RUP, UF

MODES = (RNE, RTZ, RDN, RUP, RMM)
PY = os.environ.get("JITVM_ENGINE") == "python"
# the python tier computes with numpy scalars, which warn where the FPU overflows on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


# ---- exact reference --------------------------------------------------------------------------

def ebits(fmt):
    return 11 if fmt == F64 else 8


def to_frac(bits, fmt):
    """Fraction for a finite value, else 'nan', '+inf', '-inf'; (value, sign)."""
    e = ebits(fmt)
    bias = (1 << (e - 1)) - 1
    s = (bits >> (fmt + e)) & 1
    be = (bits >> fmt) & ((1 << e) - 1)
    f = bits & ((1 << fmt) - 1)
    if be == (1 << e) - 1:
        return ("nan" if f else ("-inf" if s else "+inf")), s
    v = Fraction(f, 1 << fmt) * Fraction(2) ** (1 - bias) if be == 0 else \
        Fraction((1 << fmt) | f, 1 << fmt) * Fraction(2) ** (be - bias)
    return (-v if s else v), s


def pack(s, be, f, fmt):
    return (s << (fmt + ebits(fmt))) | (be << fmt) | f


def ref_round(q, fmt, rm):
    """Round a nonzero Fraction to fmt: (bits as unsigned int, flags)."""
    e = ebits(fmt)
    bias = (1 << (e - 1)) - 1
    emin = 1 - bias
    s = 1 if q < 0 else 0
    a = abs(q)
    lead = a.numerator.bit_length() - a.denominator.bit_length()
    while Fraction(2) ** lead > a:
        lead -= 1
    while Fraction(2) ** (lead + 1) <= a:
        lead += 1

    def rnd(ulp):
        scaled = a / Fraction(2) ** ulp
        fl = math.floor(scaled)
        rem = scaled - fl
        up = {RNE: rem > Fraction(1, 2) or (rem == Fraction(1, 2) and fl % 2 == 1),
              RMM: rem >= Fraction(1, 2), RTZ: False,
              RDN: rem != 0 and s == 1, RUP: rem != 0 and s == 0}[rm]
        return (fl + up) * Fraction(2) ** ulp, rem != 0

    val, inexact = rnd(max(lead, emin) - fmt)
    flags = NX if inexact else 0
    if inexact and rnd(lead - fmt)[0] < Fraction(2) ** emin:
        flags |= UF
    if val >= Fraction(2) ** (bias + 1):
        flags |= OF | NX
        if rm == RTZ or (rm == RDN and s == 0) or (rm == RUP and s == 1):
            return pack(s, (1 << e) - 2, (1 << fmt) - 1, fmt), flags
        return pack(s, (1 << e) - 1, 0, fmt), flags
    if val == 0:
        return pack(s, 0, 0, fmt), flags
    if val < Fraction(2) ** emin:
        return pack(s, 0, int(val / Fraction(2) ** (emin - fmt)), fmt), flags
    le = val.numerator.bit_length() - val.denominator.bit_length()
    while Fraction(2) ** le > val:
        le -= 1
    while Fraction(2) ** (le + 1) <= val:
        le += 1
    return pack(s, le + bias, int(val / Fraction(2) ** (le - fmt)) - (1 << fmt), fmt), flags


def ref_sqrt_frac(q):
    """A Fraction that rounds like sqrt(q) in every mode at <= 53 bits (exact or sticky-offset)."""
    k = 1200
    n = q.numerator * (1 << (2 * k)) // q.denominator   # floor(q * 4**k)
    r = math.isqrt(n)
    exact = r * r == n and q.numerator * (1 << (2 * k)) % q.denominator == 0
    return Fraction(r, 1 << k) if exact else Fraction(2 * r + 1, 1 << (k + 1))


# ---- operand generators -----------------------------------------------------------------------

def interesting(fmt):
    e = ebits(fmt)
    emax = (1 << e) - 1
    one = pack(0, emax >> 1, 0, fmt)
    vals = [0, 1, 2, 3, (1 << fmt) - 1, 1 << fmt, (1 << fmt) + 1, one, one + 1, one - 1,
            pack(0, emax - 1, (1 << fmt) - 1, fmt), pack(0, emax - 1, 0, fmt),
            pack(0, emax, 0, fmt),
            pack(0, emax, 1 << (fmt - 1), fmt), pack(0, emax, 1, fmt), pack(0, 1, 1, fmt),
            pack(0, emax >> 1, 1 << (fmt - 1), fmt), pack(0, (emax >> 1) + 1, 1 << (fmt - 2), fmt)]
    return vals + [v | (1 << (fmt + e)) for v in vals]


def random_operand(rng, fmt):
    e = ebits(fmt)
    emax = (1 << e) - 1
    pick = rng.random()
    if pick < 0.15:
        return rng.choice(interesting(fmt))
    if pick < 0.3:
        be = rng.choice([0, 1, 2, emax - 2, emax - 1, fmt, fmt + 1])
    elif pick < 0.4:
        be = rng.randrange(emax)
    else:
        be = (emax >> 1) + rng.randrange(-30, 30)
    frac = rng.getrandbits(fmt) if rng.random() < 0.7 else rng.choice(
        [0, 1, (1 << fmt) - 1, 1 << (fmt - 1), rng.getrandbits(8)])
    return pack(rng.getrandbits(1), be, frac, fmt)


def ref_binop(op, a, b, fmt, rm):
    x, sx = to_frac(a, fmt)
    y, sy = to_frac(b, fmt)
    if isinstance(x, str) or isinstance(y, str) or x == 0 or y == 0:
        return None                      # specials are covered by the hand-written cases
    if op == "add":
        q = x + y
        if q == 0:
            return pack(1 if rm == RDN else 0, 0, 0, fmt), 0
    elif op == "mul":
        q = x * y
    elif op == "div":
        q = x / y
    return ref_round(q, fmt, rm)


# ---- randomized: every op, every mode, both formats, against the reference --------------------

N_RANDOM = 300 if PY else 2000


@pytest.mark.parametrize("fmt", [F32, F64])
@pytest.mark.parametrize("op", ["add", "mul", "div", "sqrt", "fma"])
def test_random_against_exact(op, fmt):
    rng = random.Random(hash((op, fmt)) & 0xFFFF)
    fn = {"add": fp.add, "mul": fp.mul, "div": fp.div}.get(op)
    checked = 0
    while checked < N_RANDOM:
        a, b, c = (random_operand(rng, fmt) for _ in range(3))
        if op == "add" and rng.random() < 0.3:     # near-cancellation
            b = (a ^ (1 << (fmt + ebits(fmt)))) + rng.randrange(-3, 4)
            b &= (1 << (fmt + ebits(fmt) + 1)) - 1
        rm = rng.choice(MODES)
        if op == "sqrt":
            x, _ = to_frac(a, fmt)
            if isinstance(x, str) or x <= 0:
                continue
            want = ref_round(ref_sqrt_frac(x), fmt, rm)
            got = fp.sqrt(signed(a, fmt), fmt, rm, True)
        elif op == "fma":
            vals = [to_frac(v, fmt)[0] for v in (a, b, c)]
            if any(isinstance(v, str) or v == 0 for v in vals):
                continue
            if rng.random() < 0.5:                   # aim c at the product: cancellation
                c2 = ref_round(-vals[0] * vals[1], fmt, rng.choice(MODES))[0]
                c2 ^= rng.choice([0, 1, 2])
                if isinstance(to_frac(c2, fmt)[0], str) or to_frac(c2, fmt)[0] == 0:
                    continue
                c, vals[2] = c2, to_frac(c2, fmt)[0]
            q = vals[0] * vals[1] + vals[2]
            want = ref_round(q, fmt, rm) if q != 0 else (pack(rm == RDN, 0, 0, fmt), 0)
            got = fp.fma(signed(a, fmt), signed(b, fmt), signed(c, fmt), fmt, rm, True)
        else:
            want = ref_binop(op, a, b, fmt, rm)
            if want is None:
                continue
            got = fn(signed(a, fmt), signed(b, fmt), fmt, rm, True)
        got = (unsigned(got[0], fmt), int(got[1]))
        assert got == want, f"{op} fmt={fmt} rm={rm} a={a:x} b={b:x} c={c:x}: " \
                            f"{got[0]:x}/{got[1]} want {want[0]:x}/{want[1]}"
        checked += 1


def signed(bits, fmt):
    """The int64 pattern the module takes (binary64 is signed)."""
    return bits - (1 << 64) if fmt == F64 and bits >> 63 else bits


def unsigned(bits, fmt):
    return int(bits) & ((1 << 64) - 1 if fmt == F64 else 0xFFFFFFFF)


@pytest.mark.parametrize("fmt", [F32, F64])
def test_conversions_against_exact(fmt):
    rng = random.Random(fmt)
    other = F64 if fmt == F32 else F32
    for _ in range(N_RANDOM):
        a = random_operand(rng, fmt)
        rm = rng.choice(MODES)
        x, s = to_frac(a, fmt)
        if isinstance(x, str):
            continue
        want = ref_round(x, other, rm) if x != 0 else (pack(s, 0, 0, other), 0)
        got = fp.convert(signed(a, fmt), fmt, other, rm, True)
        assert (unsigned(got[0], other), int(got[1])) == want, f"{a:x} rm={rm}"
        for signed_, width in ((True, 32), (False, 32), (True, 64), (False, 64)):
            lo, hi = ((-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed_
                      else (0, (1 << width) - 1))
            n = math.floor(x) if rm == RDN else math.ceil(x) if rm == RUP else math.trunc(x) \
                if rm == RTZ else round(x) if rm == RNE else \
                (math.floor(abs(x) + Fraction(1, 2)) * (1 if x >= 0 else -1))
            v, flags, status = fp.to_int(signed(a, fmt), fmt, rm, signed_, width)
            if lo <= n <= hi:
                assert (status, int(flags)) == (0, NX if n != x else 0)
                assert int(v) == (n if n < (1 << 63) else n - (1 << 64)), f"{a:x} rm={rm}"
            else:
                assert (status, int(flags)) == (2 if n > 0 else 3, NV)
    for _ in range(N_RANDOM):
        width = rng.choice([32, 64])
        v = rng.getrandbits(rng.randrange(1, width + 1))
        for signed_ in (True, False):
            n = v - (1 << width) if signed_ and v >> (width - 1) else v
            rm = rng.choice(MODES)
            want = ref_round(Fraction(n), fmt, rm) if n else (0, 0)
            arg = v - (1 << 64) if v >> 63 else v
            got = fp.from_int(arg, signed_, width, fmt, rm, True)
            assert (unsigned(got[0], fmt), int(got[1])) == want, f"{v:x} {signed_} {width}"


@pytest.mark.parametrize("fmt", [F32, F64])
def test_round_int_and_scalb_against_exact(fmt):
    rng = random.Random(fmt + 7)
    span = 2 * ((1 << ebits(fmt)) + fmt)
    for _ in range(N_RANDOM):
        a = random_operand(rng, fmt)
        rm = rng.choice(MODES)
        x, s = to_frac(a, fmt)
        if isinstance(x, str) or x == 0:
            continue
        n = math.floor(x) if rm == RDN else math.ceil(x) if rm == RUP else math.trunc(x) \
            if rm == RTZ else round(x) if rm == RNE else \
            (math.floor(abs(x) + Fraction(1, 2)) * (1 if x >= 0 else -1))
        want = (ref_round(Fraction(n), fmt, rm)[0] if n else pack(s, 0, 0, fmt),
                NX if n != x else 0)
        got = fp.round_int(signed(a, fmt), fmt, rm)
        assert (unsigned(got[0], fmt), int(got[1])) == want, f"round_int {a:x} rm={rm}"
        k = rng.randrange(-span, span) if rng.random() < 0.7 else rng.choice(
            [-(1 << 62), 1 << 62, -span * 4, span * 4])
        want = ref_round(x * Fraction(2) ** k, fmt, rm) if abs(k) < span * 2 else None
        got = fp.scalb(signed(a, fmt), k, fmt, rm, True)
        if want is None:            # far out: the result is that of a smaller k
            want = fp.scalb(signed(a, fmt), span * (1 if k > 0 else -1), fmt, rm, True)
            want = (unsigned(want[0], fmt), int(want[1]))
        assert (unsigned(got[0], fmt), int(got[1])) == want, f"scalb {a:x} {k} rm={rm}"
        e = int(fp.ilogb(signed(a, fmt), fmt))
        assert Fraction(2) ** e <= abs(x) < Fraction(2) ** (e + 1), f"ilogb {a:x}"


# ---- hand-derived cases -----------------------------------------------------------------------

ONE32, ONE64 = 0x3F800000, 0x3FF0000000000000
QNAN32, QNAN64 = 0x7FC00000, 0x7FF8000000000000
SNAN32, SNAN64 = 0x7F800001, 0x7FF0000000000001
INF32 = 0x7F800000
MAX32 = 0x7F7FFFFF
MIN_NORMAL32 = 0x00800000


def test_add_rounding_modes_f32():
    # 1 + 2**-24 is exactly halfway between 1 and 1+2**-23: RNE -> 1 (even), RMM/RUP -> up
    half_ulp = 0x33800000
    want = {RNE: ONE32, RTZ: ONE32, RDN: ONE32, RUP: ONE32 + 1, RMM: ONE32 + 1}
    for rm, bits in want.items():
        assert tuple(map(int, fp.add(ONE32, half_ulp, F32, rm, True))) == (bits, NX)
    # -(1 + 2**-24): RDN rounds away, RUP toward zero
    n = 0x80000000
    assert int(fp.add(ONE32 | n, half_ulp | n, F32, RDN, True)[0]) == (ONE32 + 1) | n
    assert int(fp.add(ONE32 | n, half_ulp | n, F32, RUP, True)[0]) == ONE32 | n


def test_exact_cancellation_sign():
    assert int(fp.add(ONE32, ONE32 | 0x80000000, F32, RNE, True)[0]) == 0
    assert int(fp.add(ONE32, ONE32 | 0x80000000, F32, RDN, True)[0]) == 0x80000000
    assert int(fp.add(0x80000000, 0x80000000, F32, RNE, True)[0]) == 0x80000000


def test_overflow_per_mode():
    for rm, want in {RNE: INF32, RMM: INF32, RUP: INF32, RTZ: MAX32, RDN: MAX32}.items():
        assert tuple(map(int, fp.mul(MAX32, 0x40000000, F32, rm, True))) == (want, OF | NX)
    neg = 0x80000000
    assert int(fp.mul(MAX32 | neg, 0x40000000, F32, RUP, True)[0]) == MAX32 | neg
    assert int(fp.mul(MAX32 | neg, 0x40000000, F32, RDN, True)[0]) == INF32 | neg


def test_underflow_tininess_after_rounding():
    # (1 - 2**-23) * (1 + 2**-23) * 2**-126 = (1 - 2**-46) * 2**-126 rounds up to 2**-126 in RNE:
    # tiny before rounding, not after (rounded to 24 bits with unbounded exponent it is 2**-126).
    a, b = 0x3F7FFFFE, 0x00800001
    assert tuple(map(int, fp.mul(a, b, F32, RNE, True))) == (MIN_NORMAL32, NX)
    assert tuple(map(int, fp.mul(a, b, F32, RNE, False))) == (MIN_NORMAL32, NX | UF)
    # RTZ: the largest subnormal, tiny either way
    assert tuple(map(int, fp.mul(a, b, F32, RTZ, True))) == (0x007FFFFF, NX | UF)
    # (1 - 2**-24) * 2**-126 needs only 24 bits: tiny after rounding too, so UF in RNE
    assert tuple(map(int, fp.mul(0x3F7FFFFF, MIN_NORMAL32, F32, RNE, True))) == (MIN_NORMAL32,
                                                                                 NX | UF)
    # exact subnormal result: no underflow flag
    assert tuple(map(int, fp.mul(0x3F000000, MIN_NORMAL32, F32, RNE, True))) == (0x00400000, 0)
    # smallest subnormal / 2: RNE ties to 0, RUP to the smallest subnormal, both UF|NX
    assert tuple(map(int, fp.mul(0x3F000000, 1, F32, RNE, True))) == (0, UF | NX)
    assert tuple(map(int, fp.mul(0x3F000000, 1, F32, RUP, True))) == (1, UF | NX)
    assert tuple(map(int, fp.mul(0x3F400000, 1, F32, RMM, True))) == (1, UF | NX)


def test_specials_and_flags():
    assert tuple(map(int, fp.add(INF32, INF32 | 0x80000000, F32, RNE, True))) == (QNAN32, NV)
    assert tuple(map(int, fp.add(SNAN32, ONE32, F32, RNE, True))) == (QNAN32, NV)
    assert tuple(map(int, fp.add(QNAN32 | 5, ONE32, F32, RNE, True))) == (QNAN32, 0)
    assert tuple(map(int, fp.div(ONE32, 0x80000000, F32, RNE, True))) == (INF32 | 0x80000000, DZ)
    assert tuple(map(int, fp.div(0, 0, F32, RNE, True))) == (QNAN32, NV)
    assert tuple(map(int, fp.sqrt(0xBF800000, F32, RNE, True))) == (QNAN32, NV)
    assert tuple(map(int, fp.sqrt(0x80000000, F32, RNE, True))) == (0x80000000, 0)
    assert tuple(map(int, fp.mul(INF32, 0, F32, RNE, True))) == (QNAN32, NV)
    assert tuple(map(int, fp.div(signed(SNAN64, F64), ONE64, F64, RNE, True))) \
        == (QNAN64, NV)


def test_fma_specials():
    assert tuple(map(int, fp.fma(INF32, 0, QNAN32, F32, RNE, True))) == (QNAN32, NV)
    assert tuple(map(int, fp.fma(INF32, ONE32, INF32 | 0x80000000, F32, RNE, True))) == (QNAN32, NV)
    # (+0 * x) + -0 = +0 except in RDN; (-0 * x) + -0 = -0
    assert int(fp.fma(0, ONE32, 0x80000000, F32, RNE, True)[0]) == 0
    assert int(fp.fma(0, ONE32, 0x80000000, F32, RDN, True)[0]) == 0x80000000
    assert int(fp.fma(0x80000000, ONE32, 0x80000000, F32, RNE, True)[0]) == 0x80000000


def test_fma_single_no_double_rounding():
    # a*b = 2**-24 * (1 - 2**-46); c = 1 + 3*2**-23. The exact sum sits just below the midpoint
    # between 1+3ulp and 1+4ulp; rounding it to double first lands exactly on the midpoint, and
    # ties-to-even would then give 1+4ulp. Once-rounded: 1+3ulp.
    bits, flags = fp.fma(0x39800001, 0x397FFFFE, 0x3F800003, F32, RNE, True)
    assert (int(bits), int(flags)) == (0x3F800003, NX)


def test_fma_rounds_once_f64():
    # (1 + 2**-52)**2 - 1 - 2**-51 = 2**-104, exact only in a fused operation
    a = ONE64 + 1
    c = signed(0xBFF0000000000002, F64)
    assert tuple(map(int, fp.fma(a, a, c, F64, RNE, True))) == (0x3970000000000000, 0)


def test_fma_fast_path_agrees_with_exact_rationals():
    """The host-FMA path (_fast_fma) decides exactness by an error-free transformation; aim at
    its hard cases -- exact integer arithmetic, c = -RN(a*b) (the result is the product's rounding
    error, exact), c just off it, tiny c -- and compare with the exact reference in every case it
    takes."""
    import struct
    rng = random.Random(5)
    b64 = lambda f: signed(struct.unpack("<Q", struct.pack("<d", f))[0], F64)
    b32 = lambda f: struct.unpack("<I", struct.pack("<f", f))[0]
    taken = {F32: 0, F64: 0}
    for _ in range(400 if PY else 4000):
        if rng.random() < 0.3:
            x, y = float(rng.randint(-999, 999) or 1), float(rng.randint(-999, 999) or 1)
            z = float(rng.randint(-10 ** 6, 10 ** 6))
        else:
            x = rng.uniform(-1, 1) * 2.0 ** rng.randint(-60, 60) or 1.0
            y = rng.uniform(-1, 1) * 2.0 ** rng.randint(-60, 60) or 1.0
            z = rng.choice([-(x * y), -(x * y) * (1 + 2.0 ** -rng.randint(1, 60)),
                            rng.uniform(-1, 1) * 2.0 ** rng.randint(-1074, -1000),
                            rng.uniform(-1, 1) * 2.0 ** rng.randint(-60, 60)])
        for fmt, conv in ((F64, b64), (F32, b32)):
            if fmt == F32:
                x, y = float(struct.unpack("<f", struct.pack("<f", x))[0]) or 1.0, \
                    float(struct.unpack("<f", struct.pack("<f", y))[0]) or 1.0
                z = -(x * y) if rng.random() < 0.4 else z
                if not 2.0 ** -100 < abs(z) < 2.0 ** 100:
                    z = 1.0
            a, b, c = conv(x), conv(y), conv(z)
            ok, bits, flags = fp._fast_fma(a, b, c, fmt)
            if ok:
                taken[fmt] += 1
                q = to_frac(unsigned(a, fmt), fmt)[0] * to_frac(unsigned(b, fmt), fmt)[0] \
                    + to_frac(unsigned(c, fmt), fmt)[0]
                want = ref_round(q, fmt, RNE)
                assert (unsigned(bits, fmt), int(flags)) == want, \
                    f"fmt={fmt} a={a:x} b={b:x} c={c:x}"
    assert min(taken.values()) > (200 if PY else 2000)    # the fast path is the common case


def test_to_int_saturation():
    assert tuple(map(int, fp.to_int(QNAN32, F32, RNE, True, 32))) == (0x7FFFFFFF, NV, 1)
    assert tuple(map(int, fp.to_int(INF32 | 0x80000000, F32, RNE, True, 32))) == (-(1 << 31), NV, 3)
    assert tuple(map(int, fp.to_int(0x4F800000, F32, RNE, True, 32))) == (0x7FFFFFFF, NV, 2)
    assert tuple(map(int, fp.to_int(0x4F800000, F32, RNE, False, 32))) == (0xFFFFFFFF, NV, 2)
    assert tuple(map(int, fp.to_int(0x4F800000, F32, RNE, False, 64))) == (1 << 32, 0, 0)
    assert tuple(map(int, fp.to_int(0xBF800000, F32, RNE, False, 32))) == (0, NV, 3)
    # -0.5 -> unsigned: RNE/RTZ/RUP give 0 (inexact), RDN gives -1 (invalid)
    assert tuple(map(int, fp.to_int(0xBF000000, F32, RTZ, False, 32))) == (0, NX, 0)
    assert tuple(map(int, fp.to_int(0xBF000000, F32, RDN, False, 32))) == (0, NV, 3)
    # 2**63 as unsigned 64 fits; as signed it saturates; -2**63 signed fits exactly
    assert tuple(map(int, fp.to_int(0x5F000000, F32, RNE, False, 64))) == (-(1 << 63), 0, 0)
    assert tuple(map(int, fp.to_int(0x5F000000, F32, RNE, True, 64))) == ((1 << 63) - 1, NV, 2)
    assert tuple(map(int, fp.to_int(0xDF000000, F32, RNE, True, 64))) == (-(1 << 63), 0, 0)
    # 2.5 in RNE -> 2, RMM -> 3
    assert int(fp.to_int(0x40200000, F32, RNE, True, 32)[0]) == 2
    assert int(fp.to_int(0x40200000, F32, RMM, True, 32)[0]) == 3


def test_from_int_extremes():
    assert int(fp.from_int(-1, False, 64, F64, RNE, True)[0]) == 0x43F0000000000000    # 2**64
    assert tuple(map(int, fp.from_int(-1, False, 64, F64, RTZ, True))) == (0x43EFFFFFFFFFFFFF, NX)
    assert int(fp.from_int(-(1 << 63), True, 64, F32, RNE, True)[0]) == 0xDF000000
    assert tuple(map(int, fp.from_int(0x7FFFFFFF, True, 32, F32, RTZ, True))) == (0x4EFFFFFF, NX)


def test_minmax_compare_classify():
    nz = 0x80000000
    assert int(fp.minmax(0, nz, F32, False)[0]) == nz
    assert int(fp.minmax(nz, 0, F32, True)[0]) == 0
    assert tuple(map(int, fp.minmax(SNAN32, ONE32, F32, True))) == (ONE32, NV)
    assert tuple(map(int, fp.minmax(QNAN32, QNAN32 | 1, F32, False))) == (QNAN32, 0)
    assert fp.compare(0, nz, F32) == fp.EQ
    assert fp.compare(ONE32 | nz, 0, F32) == fp.LT
    assert fp.compare(QNAN32, 0, F32) == fp.UNORDERED
    assert fp.classify(SNAN32, F32) == fp.SNAN
    assert fp.classify(1 | nz, F32) == fp.NEG_SUBNORMAL
    assert fp.classify(signed(0xFFF0000000000000, F64), F64) == fp.NEG_INF


def test_nan_payload_helpers():
    assert int(fp.quiet(SNAN32 | 0x1234, F32)) == QNAN32 | 0x1235
    assert int(fp.quiet(signed(0xFFF0000000000003, F64), F64)) == signed(0xFFF8000000000003, F64)
    assert int(fp.convert_nan(signed(0x7FF4000012345678, F64), F64, F32)) == 0x7FE00000
    assert int(fp.convert_nan(0xFFA00001, F32, F64)) == signed(0xFFFC000020000000, F64)
    assert tuple(map(int, fp.round_int(0xBE99999A, F32, RNE))) == (0x80000000, NX)   # -0.3
    assert tuple(map(int, fp.round_int(SNAN32, F32, RNE))) == (QNAN32, NV)
    assert tuple(map(int, fp.scalb(ONE32, 1 << 40, F32, RNE, True))) == (INF32, OF | NX)
    assert tuple(map(int, fp.scalb(INF32 | 0x80000000, -5, F32, RNE, True))) == \
        (INF32 | 0x80000000, 0)
    assert int(fp.ilogb(1, F32)) == -149 and int(fp.ilogb(MAX32, F32)) == 127


@pytest.mark.skipif(PY, reason="this is the plain-Python run")
def test_python_engine():
    """The same tests under JITVM_ENGINE=python (plain CPython: the same code, no Numba)."""
    env = dict(os.environ, JITVM_ENGINE="python")
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          os.path.abspath(__file__)], env=env, cwd=root, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
