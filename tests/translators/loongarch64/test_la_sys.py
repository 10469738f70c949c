"""loongarch64 system instructions (la_sys.py): syscall, break, cpucfg, rdtime*."""
import pytest

import translators.loongarch64.la_sys as la
from lahelpers import PC, Machine, sx, ux
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT_INFO, CTL_INSTRET

A0, A1 = 4, 5

# what `cpucfg` returns under qemu-loongarch64 7.2 (measured)
QEMU72 = {0: 0x14C010, 1: 0x3F2F2FE, 2: 0x40C00F, 4: 0x5F5E100, 5: 0x10001, 16: 0x2C3D,
          17: 0x6080003, 18: 0x6080003, 19: 0x608000F, 20: 0x60E000F}


def test_syscall():
    mc = Machine()
    assert mc.run("syscall", imm=0) == PC and mc.exit == Exit.SYSCALL


@pytest.mark.parametrize("code", [0, 6, 7, 0x7FFF])
def test_break_code(code):
    mc = Machine()
    assert mc.run("break", imm=code) == PC
    assert mc.exit == Exit.BREAKPOINT and mc.ctl[CTL_EXIT_INFO] == code


@pytest.mark.parametrize("word", [*range(22), 100, -1, 1 << 32])
def test_cpucfg(word):
    mc = Machine()
    mc.r[A1] = word
    assert mc.run("cpucfg", rd=A0, rs1=A1) == PC + 4
    assert mc.r[A0] == QEMU72.get(word, 0)


def test_cpucfg_has_no_vector_or_lbt():
    word2 = int(la.CPUCFG[2])
    assert word2 & 1 and not word2 & (0b11 << 6) and not word2 & (0b111 << 18)


def test_rdtime():
    mc = Machine()
    mc.ctl[CTL_INSTRET] = 0x1_8765_4321
    mc.r[A1] = 77
    assert mc.run("rdtime.d", rd=A0, rs1=A1) == PC + 4
    assert mc.r[A0] == 0x1_8765_4321 and mc.r[A1] == 0    # rj: the counter id, 0
    mc.r[A1] = 77
    mc.run("rdtimel.w", rd=A0, rs1=A1)
    assert ux(mc.r[A0]) == 0xFFFF_FFFF_8765_4321 and mc.r[A1] == 0
    mc.run("rdtimeh.w", rd=A0, rs1=A1)
    assert mc.r[A0] == 1
    mc.ctl[CTL_INSTRET] = sx(0x8000_0000_0000_0000)
    mc.run("rdtimeh.w", rd=A0, rs1=A1)
    assert ux(mc.r[A0]) == 0xFFFF_FFFF_8000_0000
    mc.run("rdtime.d", rd=A0, rs1=A0)               # rd == rj: the id is written last
    assert mc.r[A0] == 0
    mc.run("rdtime.d", rd=0, rs1=0)
    assert mc.r[0] == 0
