"""loongarch64 atomics (la_atomic.py): ll/sc reservations, every am* in .w/.d (and _db), faults,
misalignment, the register overlaps QEMU 7.2 rejects, dbar/ibar."""
import pytest

from lahelpers import DATA, PC, Machine, sx, ux
from jitvm.exits import Access, Exit
from jitvm.mmu import CTL_FAULT_ADDR, CTL_FAULT_KIND, PTE_R
from translators.loongarch64.cpu import RES_ADDR, RES_VALUE

# the python tier computes with numpy scalars, which warn when they wrap as the guest intends
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

A0, A1, A2 = 4, 5, 6
M32, M64 = 2**32 - 1, 2**64 - 1


def s32(v):
    v &= M32
    return v - (1 << 32) if v >> 31 else v


@pytest.mark.parametrize("width", [4, 8])
def test_ll_sc(width):
    w = "w" if width == 4 else "d"
    mc = Machine()
    mc.write(DATA + 8, (0x80000001 if width == 4 else 0x8000000000000001).to_bytes(width, "little"))
    mc.r[A1] = DATA
    assert mc.run(f"ll.{w}", rd=A0, rs1=A1, imm=8) == PC + 4    # imm: si14 << 2, in bytes
    loaded = sx(0xFFFFFFFF80000001) if width == 4 else sx(0x8000000000000001)
    assert mc.r[A0] == loaded and mc.r[RES_ADDR] == DATA + 8 and mc.r[RES_VALUE] == loaded
    mc.r[A2] = 42                                       # sc rd, rj, si14: rd is data and result
    assert mc.run(f"sc.{w}", rd=A2, rs1=A1, imm=8) == PC + 4
    assert mc.r[A2] == 1 and mc.r[RES_ADDR] == -1
    assert int.from_bytes(mc.read(DATA + 8, width), "little") == 42
    # reservation gone: the second sc fails and stores nothing
    mc.r[A2] = 7
    mc.run(f"sc.{w}", rd=A2, rs1=A1, imm=8)
    assert mc.r[A2] == 0 and int.from_bytes(mc.read(DATA + 8, width), "little") == 42


def test_sc_fails_on_other_address_or_changed_value():
    mc = Machine()
    mc.r[A1] = DATA
    mc.run("ll.d", rd=A0, rs1=A1)
    mc.r[A2] = 5
    mc.run("sc.d", rd=A2, rs1=A1, imm=8)
    assert mc.r[A2] == 0 and mc.r[RES_ADDR] == -1 and mc.read(DATA + 8, 8) == bytes(8)
    mc.run("ll.w", rd=A0, rs1=A1)
    mc.write(DATA, b"\x05")                             # someone else wrote in between
    mc.r[A2] = 9
    mc.run("sc.w", rd=A2, rs1=A1)
    assert mc.r[A2] == 0 and mc.read(DATA, 4) == b"\x05\0\0\0"


def test_sc_to_r0_still_stores():
    mc = Machine()
    mc.r[A1] = DATA
    mc.run("ll.w", rd=A0, rs1=A1)
    assert mc.run("sc.w", rd=0, rs1=A1) == PC + 4     # stores $r0's 0, result dropped
    assert mc.r[0] == 0 and mc.r[RES_ADDR] == -1


AM_CASES = [   # (op, memory, rk) -> expected new memory value, from Python integers
    ("swap", lambda m, s, u: s), ("add", lambda m, s, u: m + s), ("xor", lambda m, s, u: m ^ s),
    ("and", lambda m, s, u: m & s), ("or", lambda m, s, u: m | s),
    ("min", lambda m, s, u: min(m, s)), ("max", lambda m, s, u: max(m, s)),
    ("min", lambda m, s, u: m if u(m) < u(s) else s),    # the unsigned forms
    ("max", lambda m, s, u: m if u(m) > u(s) else s),
]


@pytest.mark.parametrize("db", ["", "_db"])
@pytest.mark.parametrize("index", range(len(AM_CASES)))
@pytest.mark.parametrize("width", [4, 8])
@pytest.mark.parametrize("mem, src", [(5, -3), (-7, 2), (0x7FFFFFFF, 1), (0x80000000, 0x7FFFFFFF),
                                      (1 << 40, -(1 << 40)), (-1, 0x1_0000_0001)])
def test_am(db, index, width, mem, src):
    kind, fn = AM_CASES[index]
    unsigned = index >= 7
    suffix = ("wu" if width == 4 else "du") if unsigned else ("w" if width == 4 else "d")
    name = f"am{kind}{db}.{suffix}"
    bits = 8 * width
    mask = (1 << bits) - 1
    sext = s32 if width == 4 else sx
    mc = Machine()
    mc.write(DATA, (mem & mask).to_bytes(width, "little"))
    mc.r[A1] = DATA                                     # am* rd, rk, rj: rj = address
    mc.r[A2] = sx(src)
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC + 4
    assert mc.r[A0] == sext(mem)                        # old value, sign-extended (.wu too)
    want = fn(sext(mem), sext(src), lambda v: v & mask) & mask
    assert int.from_bytes(mc.read(DATA, width), "little") == want


@pytest.mark.parametrize("name", ["ll.w", "ll.d", "sc.w", "sc.d", "amadd.w", "amswap_db.d",
                                  "ammax.du"])
def test_misaligned_atomics_exit(name):
    mc = Machine()
    mc.r[A0] = 99
    mc.r[A1] = DATA + 2
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2) == PC
    assert mc.exit == Exit.MISALIGNED and mc.r[A0] == 99
    assert mc.ctl[CTL_FAULT_ADDR] == DATA + 2 and mc.read(DATA, 16) == bytes(16)


def test_faults_change_nothing():
    mc = Machine()
    mc.map(DATA, PTE_R)
    mc.r[A0] = 99
    mc.r[A1] = DATA
    mc.r[A2] = 1
    assert mc.run("amadd.d", rd=A0, rs1=A1, rs2=A2) == PC
    assert mc.exit == Exit.PAGE_FAULT and mc.ctl[CTL_FAULT_KIND] == Access.WRITE
    assert mc.r[A0] == 99 and mc.read(DATA, 8) == bytes(8)
    assert mc.run("ll.d", rd=A0, rs1=A1) == PC + 4 and mc.r[RES_ADDR] == DATA
    mc.r[A0] = 5
    assert mc.run("sc.d", rd=A0, rs1=A1) == PC and mc.exit == Exit.PAGE_FAULT
    assert mc.r[A0] == 5 and mc.r[RES_ADDR] == DATA         # kept: the sc re-runs
    mc.map(DATA, 0)
    assert mc.run("ll.w", rd=A0, rs1=A1) == PC and mc.exit == Exit.PAGE_FAULT
    assert mc.ctl[CTL_FAULT_KIND] == Access.READ


@pytest.mark.parametrize("rd, rj, rk", [(A0, A0, A2), (A0, A1, A0)])
def test_am_overlapping_registers_illegal(rd, rj, rk):
    mc = Machine()                                      # QEMU 7.2: SIGILL
    mc.r[A0] = mc.r[A1] = DATA
    assert mc.run("amswap.w", rd=rd, rs1=rj, rs2=rk) == PC
    assert mc.exit == Exit.ILLEGAL and mc.r[A0] == DATA and mc.read(DATA, 4) == bytes(4)
    # rd = $r0 discards the old value: not an overlap
    mc.r[A2] = 3
    assert mc.run("amadd.w", rd=0, rs1=A1, rs2=A2) == PC + 4
    assert mc.read(DATA, 4) == b"\x03\0\0\0"


def test_barriers():
    mc = Machine()
    assert mc.run("dbar", imm=0) == PC + 4 and mc.exit == Exit.NONE
    assert mc.run("ibar", imm=0) == PC + 4 and mc.exit == Exit.FENCE_I


def test_am_returns_unsigned_word_sign_extended():
    mc = Machine()
    mc.write(DATA, (0xFFFFFFFF).to_bytes(4, "little"))
    mc.r[A1], mc.r[A2] = DATA, 1
    mc.run("ammax_db.wu", rd=A0, rs1=A1, rs2=A2)
    assert ux(mc.r[A0]) == M64 and mc.read(DATA, 4) == b"\xff" * 4
