"""Integer helpers every ISA's semantics share: logical shifts, the high halves of 64x64-bit
products, division truncating toward zero, sign extension of bytes and halfwords.

Everything is int64 (jitvm/compiled.py: guest arithmetic wraps). The high half of a 64x64
product is built from 32-bit halves, so no 128-bit type is needed; signed divisions truncate
toward zero, which Python's and Numba's floor-dividing `//` and `%` do not.
"""
import numpy as np

from jitvm.compiled import jit, s64, sext32, u64

MASK32 = 0xFFFFFFFF


@jit
def srl64(x, s):
    """Logical right shift of an int64 by 0..63."""
    return s64(u64(x) >> np.uint64(s))


@jit
def srl32(x, s):
    """Logical right shift of the low 32 bits of x by 0..31, as a sign-extended word."""
    return sext32((x & 0xFFFFFFFF) >> s)


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
def sext8(x):
    return ((np.int64(x) & 0xFF) ^ 0x80) - 0x80


@jit
def sext16(x):
    return ((np.int64(x) & 0xFFFF) ^ 0x8000) - 0x8000
