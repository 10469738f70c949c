"""aarch64 CPU state: one int64 array `r`, laid out as below.

Registers hold raw 64-bit patterns (int64); a W (32-bit) result is written zero-extended, as the
architecture does. Slot 31 is SP: register number 31 names SP or XZR depending on the operand
(encodings.py), so every access goes through one of four accessors, the only place XZR exists:

  xr(r, n)        read Xn, 31 = XZR (reads 0)       r[n]            read Xn, 31 = SP
  wx(r, n, v)     write Xn, 31 = XZR (discarded)    wsp(r, n, v)    write Xn, 31 = SP

With n a constant (every compiled tier), the test on 31 folds away.

NZCV lives in four slots, each 0 or 1, not as one packed PSTATE word and not as lazy operands.
Why: a flag-setting instruction writes four independent values and a consumer reads only those
it tests (b.eq: Z; b.hi: C and Z; cset lt: N and V), so a region compiler that keeps register
slots in SSA values sees which flag writes are dead and drops them -- `subs; b.ne` keeps only Z.
A packed word would make every consumer depend on every producer (a read-modify-write of one
slot); lazy flags (last operands + op kind) cost a switch at every consumer that a compiler
cannot see through. MRS/MSR NZCV pack and unpack the four (a64_sys.py).
"""
import numpy as np

from jitvm.compiled import jit

X0 = 0            # X0..X30 at 0..30
SP = 31           # the stack pointer (register number 31 where an operand is "Xn|SP")
PC = 32
NF, ZF, CF, VF = 33, 34, 35, 36       # the condition flags, each 0 or 1
TPIDR_EL0 = 37
FPCR = 38
FPSR = 39
RES_ADDR = 40     # exclusive monitor: the address LDXR/LDXP loaded, or -1 when none is held
RES_VALUE = 41    # the value it loaded (a STXR succeeds only if memory still holds it)
RES_VALUE2 = 42   # the second register of an LDXP
RES_SIZE = 43     # the bytes the monitor covers
V0 = 64           # V0..V31 (128 bits: low half at V0 + 2*i, high half at V0 + 2*i + 1), for FP
NREGS = 128

LR = 30           # the link register (procedure call standard)
FP = 29           # the frame pointer

XNAMES = [f"x{i}" for i in range(31)] + ["sp"]


def new_regs():
    r = np.zeros(NREGS, dtype=np.int64)
    r[RES_ADDR] = -1
    return r


@jit
def xr(r, n):
    """Read Xn where 31 means XZR."""
    return np.int64(0) if n == 31 else r[n]


@jit
def wx(r, n, v):
    """Write Xn where 31 means XZR (the write is discarded)."""
    if n != 31:
        r[n] = v


@jit
def wsp(r, n, v):
    """Write Xn where 31 means SP."""
    r[n] = v
