"""riscv64 CPU state: one int64 array `r`, laid out as below.

Every semantic function takes `r` first. Registers hold raw 64-bit patterns (int64); FP registers
hold the IEEE bits, single precision NaN-boxed (upper 32 bits all ones) as the F extension
requires.
"""
import numpy as np

from jitvm.compiled import jit

X0 = 0            # x0..x31 at 0..31 (x0 always reads 0: see wx)
F0 = 32           # f0..f31 at 32..63, raw bits
PC = 64
FCSR = 65         # fflags in bits 0..4 (NV DZ OF UF NX), frm in bits 5..7
RES_ADDR = 66     # LR/SC reservation: address, or -1 when none is held
RES_VALUE = 67    # the value LR loaded (SC succeeds only if memory still holds it)
NREGS = 72

# ABI register numbers (psABI names)
RA, SP, GP, TP = 1, 2, 3, 4
A0 = 10

XNAMES = ("zero ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 "
          "s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6").split()
FNAMES = ("ft0 ft1 ft2 ft3 ft4 ft5 ft6 ft7 fs0 fs1 fa0 fa1 fa2 fa3 fa4 fa5 fa6 fa7 "
          "fs2 fs3 fs4 fs5 fs6 fs7 fs8 fs9 fs10 fs11 ft8 ft9 ft10 ft11").split()


def new_regs():
    r = np.zeros(NREGS, dtype=np.int64)
    r[RES_ADDR] = -1
    return r


@jit
def wx(r, rd, v):
    """Write integer register rd; the only place x0 is special."""
    if rd != 0:
        r[rd] = v
