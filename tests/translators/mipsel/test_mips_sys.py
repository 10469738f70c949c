"""mips_sys semantics: syscall and break stay on their pc with the exit and code Linux would
see (do_bp/do_tr in arch/mips/kernel/traps.c), conditional traps, rdhwr."""
import pytest

from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT_INFO, CTL_INSTRET
from mipshelpers import PC, Machine, s32
from translators.mipsel import abi
from translators.mipsel.cpu import ULR
from translators.mipsel.mips_sys import TRAP_CODE


@pytest.fixture
def mc():
    return Machine()


def test_syscall(mc):
    assert mc.run("syscall", imm=0) == PC and mc.exit == Exit.SYSCALL and mc.npc == PC + 4


@pytest.mark.parametrize("hi, lo, code", [
    (0, 0, 0), (7, 0, 7), (0, 7, 7), (6, 0, 6),   # break 7 / break 0, 7: BRK_DIVZERO
    (7, 7, 7 << 10 | 7),                          # not a divide trap (the swapped halves)
    (1023, 1, 1 << 10 | 1023),
])
def test_break_codes_as_linux(mc, hi, lo, code):
    assert mc.run("break", imm=hi, rm=lo) == PC
    assert mc.exit == Exit.BREAKPOINT and mc.ctl[CTL_EXIT_INFO] == code and mc.npc == PC + 4


@pytest.mark.parametrize("name, a, b, fires", [
    ("teq", 5, 5, True), ("teq", 5, 6, False), ("tne", 5, 6, True), ("tne", 5, 5, False),
    ("tge", -1, -1, True), ("tge", -1, 0, False), ("tlt", -1, 0, True), ("tlt", 0, 0, False),
    ("tgeu", -1, 0, True), ("tgeu", 0, -1, False), ("tltu", 0, -1, True), ("tltu", -1, 0, False),
])
def test_register_traps(mc, name, a, b, fires):
    mc.r[4], mc.r[5] = a, b
    nxt = mc.run(name, rs1=4, rs2=5, imm=7)
    if fires:
        assert nxt == PC and mc.exit == Exit.BREAKPOINT and mc.ctl[CTL_EXIT_INFO] == 7 | TRAP_CODE
    else:
        assert nxt == PC + 4 and mc.exit == Exit.NONE and mc.npc == PC + 8


def test_teq_after_division_by_zero(mc):
    """gcc's `teq $divisor, $zero, 7`: code 7, which Linux turns into SIGFPE/FPE_INTDIV; the
    code is marked as a trap instruction's (abi.break_signal: other codes are SI_KERNEL)."""
    mc.r[4] = 0
    assert mc.run("teq", rs1=4, rs2=0, imm=7) == PC
    assert mc.exit == Exit.BREAKPOINT and mc.ctl[CTL_EXIT_INFO] == 7 | TRAP_CODE
    assert abi.break_signal(7 | TRAP_CODE, PC) == ("SIGFPE", "FPE_INTDIV", PC)
    assert abi.break_signal(0 | TRAP_CODE, PC) == ("SIGTRAP", "SI_KERNEL", 0)
    assert abi.break_signal(0, PC) == ("SIGTRAP", "TRAP_BRKPT", PC)


@pytest.mark.parametrize("name, a, imm, fires", [
    ("teqi", -1, -1, True), ("teqi", 0, 1, False), ("tnei", 0, 1, True), ("tnei", 1, 1, False),
    ("tgei", 0, -1, True), ("tgei", -2, -1, False), ("tlti", -2, -1, True), ("tlti", 3, 3, False),
    ("tgeiu", -1, -1, True), ("tgeiu", 5, -1, False),   # -1 is 0xFFFFFFFF, unsigned
    ("tltiu", 5, -1, True), ("tltiu", s32(0x80000000), 5, False),
])
def test_immediate_traps_have_code_zero(mc, name, a, imm, fires):
    mc.r[4] = a
    mc.ctl[CTL_EXIT_INFO] = 99
    nxt = mc.run(name, rs1=4, imm=imm)
    if fires:
        assert nxt == PC and mc.exit == Exit.BREAKPOINT and mc.ctl[CTL_EXIT_INFO] == TRAP_CODE
    else:
        assert nxt == PC + 4 and mc.exit == Exit.NONE


def test_rdhwr(mc):
    mc.r[ULR] = s32(0x7FFF7000 + 0x8000_0000)
    assert mc.run("rdhwr", rd=3, imm=29) == PC + 4 and mc.r[3] == mc.r[ULR]
    mc.run("rdhwr", rd=3, imm=0)
    assert mc.r[3] == 0                       # CPUNum
    mc.run("rdhwr", rd=3, imm=1)
    assert mc.r[3] == 32                      # SYNCI_Step, as QEMU's 24Kf
    mc.ctl[CTL_INSTRET] = 0x1_2345_6789
    mc.run("rdhwr", rd=3, imm=2)
    assert mc.r[3] == 0x23456789              # CC
    mc.run("rdhwr", rd=3, imm=3)
    assert mc.r[3] == 2                       # CCRes


@pytest.mark.parametrize("hwr", [4, 5, 28, 30, 31])
def test_rdhwr_others_are_reserved(mc, hwr):
    mc.r[3] = 42
    assert mc.run("rdhwr", rd=3, imm=hwr) == PC and mc.exit == Exit.ILLEGAL and mc.r[3] == 42
