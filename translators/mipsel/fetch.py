"""Instruction fetch: every MIPS32 instruction is one aligned little-endian 32-bit word."""
import numpy as np

from jitvm.compiled import jit
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_FAULT_ADDR, fetch_u16


@jit
def fetch(m, pc):
    """The instruction word at pc, or -1 after a fetch fault (recorded in ctl). A pc that is
    not a multiple of 4 (a jr to an odd address would enter MIPS16e/microMIPS, which this CPU
    lacks) is an address error: Exit.MISALIGNED at pc, SIGBUS as Linux's do_ade sends."""
    if pc & 3:
        ctl = m[4]
        ctl[CTL_EXIT] = Exit.MISALIGNED
        ctl[CTL_FAULT_ADDR] = pc & 0xFFFFFFFF
        return np.int64(-1)
    lo = fetch_u16(m, pc & 0xFFFFFFFF)
    if lo < 0:
        return lo
    hi = fetch_u16(m, (pc & 0xFFFFFFFF) + 2)
    return np.int64(-1) if hi < 0 else lo | (hi << 16)
