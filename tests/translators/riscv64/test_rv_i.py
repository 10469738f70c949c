"""RV64I and Zicsr semantics, one instruction at a time through the interpreter's dispatch."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from jitvm.compiled import PURE_PYTHON
from jitvm.exits import Access, Exit
from jitvm.mmu import CTL_FAULT_ADDR, CTL_FAULT_KIND, CTL_INSTRET, PTE_R
from rvhelpers import DATA, PC, Machine, sx, ux
from translators.riscv64.cpu import FCSR

# the python tier computes with numpy scalars, which warn when they wrap as the guest intends
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

A0, A1, A2 = 10, 11, 12
MAX64 = (1 << 63) - 1


def alu(name, a, b=None, imm=0):
    """rd = a0 <- op(a1, a2 or imm); returns the result as unsigned 64-bit."""
    mc = Machine()
    mc.r[A1] = sx(a)
    if b is not None:
        mc.r[A2] = sx(b)
    assert mc.run(name, rd=A0, rs1=A1, rs2=A2, imm=imm) == PC + 4
    return ux(mc.r[A0])


@pytest.mark.parametrize("name, a, b, want", [
    ("add", MAX64, 1, 1 << 63),                       # wraps
    ("sub", 0, 1, 2**64 - 1),
    ("sll", 1, 63, 1 << 63),
    ("sll", 1, 64 + 3, 8),                            # only the low 6 bits of rs2 count
    ("srl", -1, 63, 1),
    ("srl", 1 << 63, 0, 1 << 63),
    ("sra", 1 << 63, 63, 2**64 - 1),
    ("slt", -1, 0, 1),
    ("slt", 0, -1, 0),
    ("sltu", -1, 0, 0),                               # -1 is the largest unsigned value
    ("sltu", 0, -1, 1),
    ("xor", 0xF0F0, 0xFF00, 0x0FF0),
    ("or", 0xF0, 0x0F, 0xFF),
    ("and", 0xF0, 0x3C, 0x30),
    ("addw", 0x7FFFFFFF, 1, 0xFFFFFFFF80000000),     # 32-bit overflow, sign-extended
    ("addw", 0x1_0000_0005, 0x2_0000_0001, 6),        # upper halves ignored
    ("subw", 0, 1, 2**64 - 1),
    ("sllw", 1, 31, 0xFFFFFFFF80000000),
    ("sllw", 1, 32 + 1, 2),                           # shift amount mod 32
    ("srlw", 0xFFFFFFFF_80000000, 31, 1),
    ("srlw", 0x80000000, 0, 0xFFFFFFFF80000000),      # shift 0 still sign-extends bit 31
    ("sraw", 0x80000000, 31, 2**64 - 1),
    ("sraw", 0xFFFFFFFF_7FFFFFFF, 4, 0x07FFFFFF),
])
def test_register_register(name, a, b, want):
    assert alu(name, a, b) == want


@pytest.mark.parametrize("name, a, imm, want", [
    ("addi", 5, -6, 2**64 - 1),
    ("slti", -5, -4, 1),
    ("sltiu", 5, -1, 1),                              # imm sign-extends, then compares unsigned
    ("sltiu", -1, -1, 0),
    ("xori", 0xFF, -1, 2**64 - 1 - 0xFF),
    ("ori", 0x100, 0x0FF, 0x1FF),
    ("andi", -1, 0x7FF, 0x7FF),
    ("slli", 3, 63, 1 << 63),
    ("srli", -1, 63, 1),
    ("srai", 1 << 63, 63, 2**64 - 1),
    ("srai", 1 << 62, 0, 1 << 62),
    ("addiw", 0x7FFFFFFF, 1, 0xFFFFFFFF80000000),
    ("addiw", 0xFFFFFFFF, 0, 2**64 - 1),              # sext.w
    ("slliw", 0x1_0000_0001, 31, 0xFFFFFFFF80000000),
    ("srliw", 0x80000000, 31, 1),
    ("srliw", -1, 0, 2**64 - 1),
    ("sraiw", 0x80000000, 31, 2**64 - 1),
])
def test_register_immediate(name, a, imm, want):
    assert alu(name, a, imm=imm) == want


def test_x0_is_never_written():
    mc = Machine()
    mc.r[A1] = 7
    mc.run("addi", rd=0, rs1=A1, imm=1)
    mc.run("lui", rd=0, imm=0x1000)
    assert mc.r[0] == 0


def test_lui_auipc():
    mc = Machine()
    mc.run("lui", rd=A0, imm=sx(0xFFFFFFFF_80000000))
    assert ux(mc.r[A0]) == 0xFFFFFFFF_80000000
    mc.run("auipc", rd=A0, imm=-0x1000, pc=PC)
    assert mc.r[A0] == PC - 0x1000


@pytest.mark.parametrize("name, a, b, taken", [
    ("beq", 3, 3, True), ("beq", 3, 4, False), ("bne", 3, 4, True),
    ("blt", -1, 0, True), ("blt", 0, -1, False), ("bge", 0, 0, True), ("bge", -1, 0, False),
    ("bltu", 0, -1, True), ("bltu", -1, 0, False), ("bgeu", -1, 0, True), ("bgeu", 0, 1, False),
])
def test_branches(name, a, b, taken):
    mc = Machine()
    mc.r[A1], mc.r[A2] = sx(a), sx(b)
    npc = mc.run(name, rs1=A1, rs2=A2, imm=-64)
    assert npc == (PC - 64 if taken else PC + 4)
    assert mc.run(name, rs1=A1, rs2=A2, imm=16, ilen=2) == (PC + 16 if taken else PC + 2)


def test_jal_jalr():
    mc = Machine()
    assert mc.run("jal", rd=1, imm=-2048) == PC - 2048
    assert mc.r[1] == PC + 4
    mc.r[A0] = 0x12345
    # rd == rs1: the target uses the old value; the low bit of the target is cleared
    assert mc.run("jalr", rd=A0, rs1=A0, imm=2, ilen=2) == 0x12346
    assert mc.r[A0] == PC + 2


def test_loads_extend():
    mc = Machine()
    mc.write(DATA, bytes.fromhex("80ff7f80 fffffff0 01020304 05060708"))
    mc.r[A1] = DATA
    for name, imm, want in [("lb", 0, 2**64 - 128), ("lbu", 0, 0x80), ("lh", 0, 2**64 - 128),
                            ("lhu", 0, 0xFF80), ("lw", 0, 0xFFFFFFFF807FFF80),
                            ("lwu", 0, 0x807FFF80), ("ld", 0, 0xF0FFFFFF807FFF80),
                            ("lw", 4, 0xFFFFFFFFF0FFFFFF), ("ld", 8, 0x0807060504030201)]:
        mc.r[A0] = 0
        assert mc.run(name, rd=A0, rs1=A1, imm=imm) == PC + 4
        assert ux(mc.r[A0]) == want, name


def test_stores_and_misaligned_across_pages():
    mc = Machine()
    mc.r[A1] = DATA + 0x1000 - 3                 # straddles two mapped pages
    mc.r[A2] = sx(0x1122334455667788)
    assert mc.run("sd", rs1=A1, rs2=A2) == PC + 4
    assert mc.read(DATA + 0x1000 - 3, 8) == bytes.fromhex("8877665544332211")
    for name, want in [("ld", 0x1122334455667788), ("lw", 0x55667788), ("lhu", 0x7788)]:
        mc.run(name, rd=A0, rs1=A1)
        assert ux(mc.r[A0]) == want
    mc.r[A2] = 0x0102
    for name, n in [("sb", 1), ("sh", 2), ("sw", 4)]:
        mc.run(name, rs1=A1, rs2=A2, imm=16)
        assert mc.read(DATA + 0x1000 + 13, n) == (0x0102).to_bytes(4, "little")[:n]


def test_faulting_load_leaves_rd_and_pc():
    mc = Machine()
    mc.map(DATA + 0x1000, 0)                     # second page unmapped
    mc.write(DATA + 0xFFC, b"\x01\x02\x03\x04")
    mc.r[A0] = 99
    mc.r[A1] = DATA + 0xFFC
    assert mc.run("ld", rd=A0, rs1=A1) == PC     # misaligned: the second half faults
    assert mc.exit == Exit.PAGE_FAULT and mc.r[A0] == 99
    assert mc.ctl[CTL_FAULT_ADDR] == DATA + 0x1000 and mc.ctl[CTL_FAULT_KIND] == Access.READ
    assert mc.run("lw", rd=A0, rs1=A1) == PC + 4 and mc.exit == Exit.NONE
    assert mc.r[A0] == 0x04030201


def test_faulting_store_writes_nothing():
    mc = Machine()
    mc.map(DATA + 0x1000, PTE_R)                 # read-only (as for copy-on-write)
    mc.r[A1] = DATA + 0xFFE
    mc.r[A2] = -1
    assert mc.run("sw", rs1=A1, rs2=A2) == PC
    assert mc.exit == Exit.PAGE_FAULT and mc.ctl[CTL_FAULT_KIND] == Access.WRITE
    assert mc.read(DATA + 0xFFE, 4) == bytes(4)


@pytest.mark.parametrize("name, exit, npc", [
    ("ecall", Exit.SYSCALL, PC), ("ebreak", Exit.BREAKPOINT, PC),
    ("fence.i", Exit.FENCE_I, PC + 4), ("fence", Exit.NONE, PC + 4)])
def test_traps_and_fences(name, exit, npc):
    mc = Machine()
    assert mc.run(name) == npc and mc.exit == exit


# ---- Zicsr ------------------------------------------------------------------------------------

def test_fp_csrs():
    mc = Machine()
    mc.r[A1] = 0xFF
    mc.run("csrrw", rd=A0, rs1=A1, imm=0x003)            # fcsr = 0xff
    assert mc.r[A0] == 0 and mc.r[FCSR] == 0xFF
    mc.run("csrrs", rd=A0, rs1=0, imm=0x002)             # read frm
    assert mc.r[A0] == 7
    mc.run("csrrci", rd=A0, rs1=0b00011, imm=0x001)      # clear NX, UF in fflags
    assert mc.r[A0] == 0x1F and mc.r[FCSR] == 0xFC
    mc.run("csrrwi", rd=A0, rs1=1, imm=0x002)            # frm = rtz
    assert mc.r[A0] == 7 and mc.r[FCSR] == 0x3C
    mc.r[A1] = 0x100 | 0x3
    mc.run("csrrs", rd=0, rs1=A1, imm=0x001)             # fflags |= 3; bits above 4 ignored
    assert mc.r[FCSR] == 0x3F
    mc.run("csrrc", rd=A0, rs1=A1, imm=0x003)
    assert mc.r[A0] == 0x3F and mc.r[FCSR] == 0x3C
    mc.run("csrrsi", rd=A0, rs1=0, imm=0x003)
    assert mc.r[A0] == 0x3C


def test_counters_read_only():
    mc = Machine()
    mc.ctl[CTL_INSTRET] = 1234
    for csr in (0xC00, 0xC01, 0xC02):
        assert mc.run("csrrs", rd=A0, rs1=0, imm=csr) == PC + 4 and mc.r[A0] == 1234
    mc.r[A0] = 5
    mc.r[A1] = 1
    for name, rs1 in [("csrrw", 0), ("csrrs", A1), ("csrrsi", 1), ("csrrci", 3)]:
        assert mc.run(name, rd=A0, rs1=rs1, imm=0xC00) == PC
        assert mc.exit == Exit.ILLEGAL and mc.r[A0] == 5


@pytest.mark.parametrize("csr", [0x000, 0x004, 0x100, 0x300, 0xC03, 0xF14])
def test_unknown_csr_is_illegal(csr):
    mc = Machine()
    assert mc.run("csrrs", rd=A0, rs1=0, imm=csr) == PC and mc.exit == Exit.ILLEGAL


def test_illegal_op():
    mc = Machine()
    i = np.int64
    assert mc._execute(i(0), mc.r, mc.m, i(PC), i(4), i(0), i(0), i(0), i(0), i(0), i(0)) == PC
    assert mc.exit == Exit.ILLEGAL


@pytest.mark.skipif(PURE_PYTHON, reason="already running on the python engine")
def test_python_engine_agrees():
    """The same unit tests on the plain-Python tier (JITVM_ENGINE=python)."""
    here = Path(__file__).parent
    files = [str(here / f) for f in ("test_rv_i.py", "test_rv_m.py", "test_rv_a.py",
                                     "test_decoder.py")]
    env = dict(os.environ, JITVM_ENGINE="python")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          *files], env=env, capture_output=True, text=True,
                         cwd=here.parent.parent.parent)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
