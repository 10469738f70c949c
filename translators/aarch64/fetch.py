"""Instruction fetch: every A64 instruction is one aligned little-endian 32-bit word."""
import numpy as np

from jitvm.compiled import jit
from jitvm.mmu import fetch_u16


@jit
def fetch(m, pc):
    """The instruction word at pc, or -1 after a fetch fault (recorded in ctl)."""
    lo = fetch_u16(m, pc)
    if lo < 0:
        return lo
    hi = fetch_u16(m, pc + 2)
    return np.int64(-1) if hi < 0 else lo | (hi << 16)
