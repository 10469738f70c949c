"""RV64M semantics: the spec's division corner cases (no traps) and 128-bit high products."""
import pytest

from rvhelpers import PC, Machine, sx, ux

# the python tier computes with numpy scalars, which warn when they wrap as the guest intends
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

MIN64 = 1 << 63            # as unsigned
MAX64 = (1 << 63) - 1
M64 = 2**64 - 1


def rop(name, a, b):
    mc = Machine()
    mc.r[11], mc.r[12] = sx(a), sx(b)
    assert mc.run(name, rd=10, rs1=11, rs2=12) == PC + 4
    return ux(mc.r[10])


def high(a, b, sa, sb):
    """Reference high 64 bits with Python's big integers."""
    a = sx(a) if sa else ux(a)
    b = sx(b) if sb else ux(b)
    return ((a * b) >> 64) & M64


EXTREMES = [0, 1, 2, M64, MIN64, MAX64, 0xFFFFFFFF, 0x1_0000_0000, 0xDEADBEEFCAFEBABE, 3]


@pytest.mark.parametrize("a", EXTREMES)
@pytest.mark.parametrize("b", EXTREMES)
def test_mul_high(a, b):
    assert rop("mul", a, b) == (a * b) & M64
    assert rop("mulh", a, b) == high(a, b, True, True)
    assert rop("mulhu", a, b) == high(a, b, False, False)
    assert rop("mulhsu", a, b) == high(a, b, True, False)


@pytest.mark.parametrize("name, a, b, want", [
    ("mulh", MIN64, MIN64, 1 << 62),
    ("mulhu", M64, M64, M64 - 1),
    ("mulhsu", M64, M64, M64),                    # -1 * (2**64 - 1) = -(2**64) + 1
    ("mulw", 0x7FFFFFFF, 2, M64 - 1),             # 0xfffffffe sign-extended
    ("mulw", 0x1_0000_0003, 0x1_0000_0005, 15),
    ("div", 7, -2, sx(-3) & M64), ("div", -7, 2, sx(-3) & M64), ("div", -7, -2, 3),
    ("div", 5, 0, M64), ("div", MIN64, M64, MIN64),      # x/0 = -1; MIN/-1 = MIN
    ("divu", M64, 2, MAX64), ("divu", 5, 0, M64),
    ("rem", 7, -2, 1), ("rem", -7, 2, M64), ("rem", -7, -2, M64),
    ("rem", 5, 0, 5), ("rem", MIN64, M64, 0), ("rem", MIN64, 3, sx(-2) & M64),
    ("div", MIN64, 3, (-(2**63) // 3 + 1) & M64),
    ("remu", M64, 10, 5), ("remu", 5, 0, 5),
    ("divw", 0xFFFFFFFF_80000000, 0xFFFFFFFF, 0xFFFFFFFF80000000),   # INT32_MIN / -1
    ("divw", 7, 0, M64), ("divw", 0x1_0000_0007, 0xFFFF_FFFE, M64 - 2),  # 7 / -2 = -3
    ("divuw", 0xFFFFFFFF, 2, 0x7FFFFFFF), ("divuw", 0x80000000, 1, 0xFFFFFFFF80000000),
    ("divuw", 5, 0x1_0000_0000, M64),             # divisor's low word is 0
    ("remw", 0xFFFFFFFF_80000000, M64, 0), ("remw", 0xFFFFFFF9, 2, M64),
    ("remw", 0x1_8000_0000, 0, 0xFFFFFFFF80000000),   # x%0 = sext32(x)
    ("remuw", 0xFFFFFFFF, 0, M64), ("remuw", 0x1_0000_000B, 4, 3),
])
def test_divide_and_edges(name, a, b, want):
    assert rop(name, a, b) == want
