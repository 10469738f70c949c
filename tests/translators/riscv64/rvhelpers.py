"""riscv64 unit-test helpers: a tiny machine with an identity-mapped page table, and the GNU
cross binutils to assemble real instructions.

    from rvhelpers import DATA, Machine     # (pytest puts this test directory on sys.path)

    def test_x():
        mc = Machine()                      # pages DATA..top mapped read/write, va == pa
        mc.r[11] = DATA
        npc = mc.run("ld", rd=10, rs1=11, imm=8)
        assert mc.exit == Exit.NONE and mc.r[10] == ...

Instructions run through the generated `execute` switch (the interpreter's path), so these tests
cover the dispatch too.
"""
import subprocess

import numpy as np

from jitvm.exits import Exit
from jitvm.mmu import (CTL_EXIT, CTL_PT_ROOT, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, flush_tlb,
                       machine_tuple, new_ctl)
from translators.riscv64 import execute
from translators.riscv64.cpu import new_regs
from translators.riscv64.decoder import OPS
from tests.tools import need

PAGES = 64
L0_TABLE = 0x3000          # tables at 0x0000 (root) .. 0x3000 (last level); data pages follow
DATA = 0x10000             # first mapped page
PC = 0x20000
RW = PTE_R | PTE_W


class Machine:
    def __init__(self):
        self.mem8 = np.zeros(PAGES << 12, dtype=np.uint8)
        self.r = new_regs()
        self.ctl = new_ctl(len(self.mem8), len(self.r))
        self.m = machine_tuple(self.mem8, self.ctl)
        mem64 = self.mem8.view(np.int64)
        for table in (0x0000, 0x1000, 0x2000):      # one table per upper level, entry 0 only
            mem64[table >> 3] = (table + 0x1000) | PTE_V
        self.ctl[CTL_PT_ROOT] = 0
        for va in range(DATA, PAGES << 12, 0x1000):
            self.map(va, RW | PTE_X)

    def map(self, va, perm):
        """Identity-map the page holding va with PTE permission bits `perm` (0 = unmapped)."""
        page = va & ~0xFFF
        self.mem8.view(np.int64)[(L0_TABLE >> 3) + (page >> 12)] = (
            page | PTE_V | PTE_U | perm if perm else 0)
        flush_tlb(self.ctl)

    def run(self, name, rd=0, rs1=0, rs2=0, rs3=0, rm=0, imm=0, pc=PC, ilen=4):
        """Execute one instruction by name through the dispatch; returns the next pc."""
        self.ctl[CTL_EXIT] = 0
        i = np.int64
        return int(execute(i(OPS[name]), self.r, self.m, i(pc), i(ilen), i(rd), i(rs1), i(rs2),
                           i(rs3), i(rm), i(imm)))

    @property
    def exit(self):
        return Exit(int(self.ctl[CTL_EXIT]))

    def write(self, va, data):
        self.mem8[va:va + len(data)] = np.frombuffer(bytes(data), dtype=np.uint8)

    def read(self, va, n):
        return bytes(self.mem8[va:va + n])

    def u64(self, va):
        return int.from_bytes(self.read(va, 8), "little")


def assemble(tmp_path, source, march="rv64gc"):
    """Assemble `source`; returns (the .text bytes, objdump -M no-aliases lines (pc, text))."""
    need("riscv64-linux-gnu-as")
    need("riscv64-linux-gnu-objdump")
    src, obj, binf = tmp_path / f"{march}.s", tmp_path / f"{march}.o", tmp_path / f"{march}.bin"
    src.write_text(".option norelax\n.text\n" + source + "\n")
    subprocess.run(["riscv64-linux-gnu-as", f"-march={march}", "-o", obj, src], check=True)
    subprocess.run(["riscv64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", obj, binf],
                   check=True)
    dump = subprocess.run(["riscv64-linux-gnu-objdump", "-d", "-M", "no-aliases", obj],
                          check=True, capture_output=True, text=True).stdout
    lines = []
    for line in dump.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0].strip().endswith(":"):
            text = " ".join(p.strip() for p in parts[2:]).split("#")[0].strip()
            lines.append((int(parts[0].strip()[:-1], 16), text))
    return binf.read_bytes(), lines


def instructions(code):
    """(pc, instruction bits) for each instruction in a .text image."""
    pc, out = 0, []
    while pc < len(code):
        lo = int.from_bytes(code[pc:pc + 2], "little")
        n = 4 if lo & 3 == 3 else 2
        out.append((pc, int.from_bytes(code[pc:pc + n], "little")))
        pc += n
    return out


def sx(v):
    """A Python int as the signed 64-bit value a register holds (2**64 - 1 -> -1)."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def ux(v):
    """A register value as unsigned 64-bit."""
    return int(v) & ((1 << 64) - 1)
