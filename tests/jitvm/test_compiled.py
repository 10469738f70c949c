"""jitvm/compiled.py: guest integer arithmetic wraps in compiled code as it does in Python."""
import numpy as np
import pytest

from jitvm import compiled

pytestmark = pytest.mark.skipif(compiled.PURE_PYTHON, reason="the python tier compiles nothing")


def test_signed_overflow_wraps_and_is_seen():
    """With Numba's default "no signed wrap" flags, LLVM folded `r[0] + 1 < r[0]` to False:
    a guest's overflow check (or a region's inlined addi + blt) would never fire."""
    @compiled.jit(cache=False)
    def overflowed(r):
        r[1] = r[0] + 1
        return r[1] < r[0]

    @compiled.jit(cache=False)
    def high_half_sign(a, b):
        return (a * b) >> 63          # an arithmetic shift of a product that may wrap

    r = np.array([2**63 - 1, 0], dtype=np.int64)
    assert overflowed(r) and r[1] == -2**63
    assert high_half_sign(np.int64(2**62), np.int64(2)) == -1
