"""Instruction fetch: RISC-V instructions are one or two 16-bit parcels (low bits 11 = 32-bit)."""
import numpy as np

from jitvm.compiled import jit
from jitvm.mmu import fetch_u16


@jit
def fetch(m, pc):
    """The instruction bits at pc (16 or 32 bits), or -1 after a fetch fault (recorded in ctl)."""
    lo = fetch_u16(m, pc)
    if lo < 0 or (lo & 3) != 3:
        return lo
    hi = fetch_u16(m, pc + 2)
    return np.int64(-1) if hi < 0 else lo | (hi << 16)
