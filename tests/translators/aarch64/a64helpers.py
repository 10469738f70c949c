"""aarch64 unit-test helpers: the tiny machine (tests/translators/tinymachine.py) running A64
instructions by name through the generated dispatch, and llvm-mc-19 as the assembler.

    from a64helpers import DATA, Machine, assemble   # (pytest puts this directory on sys.path)

    mc = Machine()
    mc.r[1] = DATA
    mc.run("ldst_ui", rd=0, rs1=1, rm=0b1101, imm=8)        # ldr x0, [x1, #8]
    mc.asm("ldr x0, [x1, #8]")                               # the same, assembled and decoded

Test files here are named test_a64_*.py (pytest needs module names unique across the tree).
"""
import re
import shutil
import subprocess

import numpy as np
import pytest

from tests.translators.tinymachine import (DATA, PAGES, PC, RW, TinyMachine,  # noqa: F401
                                           sx, ux)
from jitvm.mmu import CTL_EXIT
from translators.aarch64.cpu import CF, NF, VF, ZF
from translators.aarch64.decoder import decode

LLVM_MC = shutil.which("llvm-mc-19") or shutil.which("llvm-mc")
needs_llvm = pytest.mark.skipif(LLVM_MC is None, reason="llvm-mc-19 not installed (make deps)")
ENCODING = re.compile(r"encoding: \[([^\]]*)\]")
_cache = {}


def assemble(lines):
    """The instruction words llvm-mc-19 --triple=aarch64 makes of `lines` (one instruction each;
    pc-relative operands as '#offset'), in order. Raises if any line does not assemble."""
    key = tuple(lines)
    if key not in _cache:
        src = "\n".join(lines) + "\n"
        out = subprocess.run([LLVM_MC, "--triple=aarch64", "--show-encoding"], input=src,
                             capture_output=True, text=True)
        if out.returncode or out.stderr.strip():
            raise AssertionError(out.stderr)
        words = [int.from_bytes(bytes(int(b, 16) for b in m.group(1).split(",")), "little")
                 for m in ENCODING.finditer(out.stdout)]
        assert len(words) == len(lines), out.stdout
        _cache[key] = words
    return _cache[key]


class Machine(TinyMachine):
    def __init__(self):
        super().__init__("aarch64")

    def word(self, inst, pc=PC):
        """Decode and execute one instruction word; returns the next pc."""
        op, ilen, rd, rs1, rs2, rs3, rm, imm = (int(v) for v in decode(inst))
        return self.run_op(op, pc, rd, rs1, rs2, rs3, rm, imm, ilen)

    def run_op(self, op, pc, rd, rs1, rs2, rs3, rm, imm, ilen=4):
        """Execute one decoded instruction (op number and operands); returns the next pc."""
        self.ctl[CTL_EXIT] = 0
        i = np.int64
        return int(self._execute(i(op), self.r, self.m, i(pc), i(ilen), i(rd), i(rs1), i(rs2),
                                 i(rs3), i(rm), i(imm)))

    def asm(self, line, pc=PC):
        return self.word(assemble([line])[0], pc)

    @property
    def nzcv(self):
        return "".join(c if self.r[f] else "-" for c, f in zip("NZCV", (NF, ZF, CF, VF)))

    def set_nzcv(self, text):
        for c, f in zip("NZCV", (NF, ZF, CF, VF)):
            self.r[f] = int(c in text)
