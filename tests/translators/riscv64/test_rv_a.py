"""RV64A: LR/SC reservations and every AMO in .w and .d, faults and misalignment."""
import pytest

from jitvm.exits import Access, Exit
from jitvm.mmu import CTL_FAULT_KIND, PTE_R
from rvhelpers import DATA, PC, Machine, sx
from translators.riscv64.cpu import RES_ADDR, RES_VALUE

# the python tier computes with numpy scalars, which warn when they wrap as the guest intends
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

A0, A1, A2 = 10, 11, 12
M32, M64 = 2**32 - 1, 2**64 - 1


def s32(v):
    v &= M32
    return v - (1 << 32) if v >> 31 else v


@pytest.mark.parametrize("width", [4, 8])
def test_lr_sc(width):
    w = "w" if width == 4 else "d"
    mc = Machine()
    mc.write(DATA, (0x80000001 if width == 4 else 0x8000000000000001).to_bytes(width, "little"))
    mc.r[A1] = DATA
    mc.r[A2] = 42
    assert mc.run(f"lr.{w}", rd=A0, rs1=A1) == PC + 4
    loaded = sx(0xFFFFFFFF80000001) if width == 4 else sx(0x8000000000000001)
    assert mc.r[A0] == loaded and mc.r[RES_ADDR] == DATA and mc.r[RES_VALUE] == loaded
    assert mc.run(f"sc.{w}", rd=A0, rs1=A1, rs2=A2) == PC + 4
    assert mc.r[A0] == 0 and mc.r[RES_ADDR] == -1
    assert int.from_bytes(mc.read(DATA, width), "little") == 42
    # reservation gone: the second sc fails and stores nothing
    mc.r[A2] = 7
    mc.run(f"sc.{w}", rd=A0, rs1=A1, rs2=A2)
    assert mc.r[A0] == 1 and int.from_bytes(mc.read(DATA, width), "little") == 42


def test_sc_fails_on_other_address_or_changed_value():
    mc = Machine()
    mc.r[A1] = DATA
    mc.run("lr.d", rd=A0, rs1=A1)
    mc.r[A1] = DATA + 8
    mc.run("sc.d", rd=A0, rs1=A1, rs2=A2)
    assert mc.r[A0] == 1 and mc.r[RES_ADDR] == -1
    mc.r[A1] = DATA
    mc.run("lr.w", rd=A0, rs1=A1)
    mc.write(DATA, b"\x05")                       # someone else wrote in between
    mc.r[A2] = 9
    mc.run("sc.w", rd=A0, rs1=A1, rs2=A2)
    assert mc.r[A0] == 1 and mc.read(DATA, 4) == b"\x05\0\0\0"


AMO_CASES = [   # (op, memory, rs2) -> expected new memory value, from Python integers
    ("swap", lambda m, s, u: s), ("add", lambda m, s, u: m + s), ("xor", lambda m, s, u: m ^ s),
    ("and", lambda m, s, u: m & s), ("or", lambda m, s, u: m | s),
    ("min", lambda m, s, u: min(m, s)), ("max", lambda m, s, u: max(m, s)),
    ("minu", lambda m, s, u: m if u(m) < u(s) else s),
    ("maxu", lambda m, s, u: m if u(m) > u(s) else s),
]
VALUES = [(5, -3), (-1, 1), (0x7FFFFFFF, 0x7FFFFFFF), (-(1 << 31), 0x1_0000_0001),
          (1 << 40, -(1 << 62))]


@pytest.mark.parametrize("op, fn", AMO_CASES, ids=[c[0] for c in AMO_CASES])
@pytest.mark.parametrize("width", [4, 8])
def test_amo(op, fn, width):
    mask = M32 if width == 4 else M64
    sign = s32 if width == 4 else sx
    for mem, src in VALUES:
        mc = Machine()
        mc.write(DATA + 8, (mem & mask).to_bytes(width, "little"))
        mc.write(DATA + 8 + width, b"\xAA" * 4)    # the neighbour must not change
        mc.r[A1], mc.r[A2] = DATA + 8, sx(src)
        assert mc.run(f"amo{op}.{'w' if width == 4 else 'd'}", rd=A0, rs1=A1, rs2=A2) == PC + 4
        assert mc.exit == Exit.NONE
        assert mc.r[A0] == sign(mem), (op, mem, src)             # old value, sign-extended
        want = fn(sign(mem), sign(src), lambda v: v & mask) & mask
        assert int.from_bytes(mc.read(DATA + 8, width), "little") == want, (op, mem, src)
        assert mc.read(DATA + 8 + width, 4) == b"\xAA" * 4


def test_amo_rd_equals_rs2():
    mc = Machine()
    mc.write(DATA, (10).to_bytes(8, "little"))
    mc.r[A1], mc.r[A0] = DATA, 5
    mc.run("amoadd.d", rd=A0, rs1=A1, rs2=A0)
    assert mc.r[A0] == 10 and mc.u64(DATA) == 15


@pytest.mark.parametrize("name", ["amoadd.w", "amoswap.d", "lr.w", "sc.d"])
def test_misaligned_atomic(name):
    mc = Machine()
    mc.r[A1], mc.r[A0] = DATA + 2, 77
    mc.r[RES_ADDR] = DATA + 2
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC
    assert mc.exit == Exit.MISALIGNED and mc.r[A0] == 77 and mc.read(DATA, 16) == bytes(16)


@pytest.mark.parametrize("name", ["amoor.w", "amomax.d", "sc.w"])
def test_atomic_on_read_only_page_faults_before_anything(name):
    mc = Machine()
    mc.map(DATA, PTE_R)
    mc.write(DATA, b"\x01" * 8)
    mc.r[A1], mc.r[A2], mc.r[A0] = DATA, -1, 77
    mc.r[RES_ADDR], mc.r[RES_VALUE] = DATA, 0x0101010101010101
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC
    assert mc.exit == Exit.PAGE_FAULT and mc.ctl[CTL_FAULT_KIND] == Access.WRITE
    assert mc.r[A0] == 77 and mc.read(DATA, 8) == b"\x01" * 8
    assert mc.r[RES_ADDR] == DATA                 # the sc re-runs after the fault is fixed
