"""A tiny machine for testing one ISA's semantics: an identity-mapped page table over 256 KiB of
guest memory, a register array and one instruction run by name the interpreter's way: through
the op table (jitvm/oplib.py; the generated dispatch in the python tier), so the tests cover
the compiled ops, the table and the decoder's op numbering too.

    mc = TinyMachine("riscv64")            # pages DATA..top mapped read/write/exec, va == pa
    mc.r[11] = DATA
    npc = mc.run("ld", rd=10, rs1=11, imm=8)
    assert mc.exit == Exit.NONE and mc.r[10] == ...
"""
import importlib

import numpy as np

from jitvm import oplib
from jitvm.exits import Exit
from jitvm.mmu import (CTL_EXIT, CTL_PT_ROOT, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, flush_tlb,
                       machine_tuple, new_ctl)

PAGES = 64
L0_TABLE = 0x3000          # tables at 0x0000 (root) .. 0x3000 (last level); data pages follow
DATA = 0x10000             # first mapped page
PC = 0x20000
RW = PTE_R | PTE_W


class TinyMachine:
    def __init__(self, isa):
        pkg = importlib.import_module(f"translators.{isa}")
        self._execute = oplib.executor(isa)
        self._ops = importlib.import_module(f"translators.{isa}.decoder").OPS
        self.mem8 = np.zeros(PAGES << 12, dtype=np.uint8)
        self.r = pkg.new_regs()
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
        """Execute one instruction by name through the op table (or, given a semantic function
        itself, call it directly); returns the next pc."""
        self.ctl[CTL_EXIT] = 0
        i = np.int64
        args = (self.r, self.m, i(pc), i(ilen), i(rd), i(rs1), i(rs2), i(rs3), i(rm), i(imm))
        if callable(name):
            return int(name(*args))
        return int(self._execute(i(self._ops[name]), *args))

    @property
    def exit(self):
        return Exit(int(self.ctl[CTL_EXIT]))

    def write(self, va, data):
        self.mem8[va:va + len(data)] = np.frombuffer(bytes(data), dtype=np.uint8)

    def read(self, va, n):
        return bytes(self.mem8[va:va + n])

    def u64(self, va):
        return int.from_bytes(self.read(va, 8), "little")


def sx(v):
    """A Python int as the signed 64-bit value a register holds (2**64 - 1 -> -1)."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def ux(v):
    """A register value as unsigned 64-bit."""
    return int(v) & ((1 << 64) - 1)
