"""loongarch64 CPU state: one int64 array `r`, laid out as below.

Every semantic function takes `r` first. Registers hold raw 64-bit patterns (int64). FP registers
hold the IEEE bits; a single-precision result is NaN-boxed (upper 32 bits all ones), as QEMU's
LoongArch target writes it (the manual leaves those bits undefined).
"""
import numpy as np

from jitvm.compiled import jit

R0 = 0            # $r0..$r31 at 0..31 ($r0 always reads 0: see wx)
F0 = 32           # $f0..$f31 at 32..63, raw bits
PC = 64
FCSR = 65         # fcsr0: Enables 4:0, RM 9:8, Flags 20:16, Cause 28:24 (V Z O U I, high to low)
FCC0 = 66         # $fcc0..$fcc7 at 66..73, each 0 or 1
RES_ADDR = 74     # LL/SC reservation: address, or -1 when none is held
RES_VALUE = 75    # the value LL loaded (SC succeeds only if memory still holds it)
NREGS = 76

# ABI register numbers (LoongArch ELF psABI names)
RA, TP, SP = 1, 2, 3
A0 = 4            # a0..a7 = $r4..$r11
FP = 22

XNAMES = ("zero ra tp sp a0 a1 a2 a3 a4 a5 a6 a7 t0 t1 t2 t3 t4 t5 t6 t7 t8 r21 fp "
          "s0 s1 s2 s3 s4 s5 s6 s7 s8").split()
FNAMES = [f"fa{i}" for i in range(8)] + [f"ft{i}" for i in range(16)] + [f"fs{i}" for i in range(8)]


def new_regs():
    r = np.zeros(NREGS, dtype=np.int64)
    r[RES_ADDR] = -1
    return r


@jit
def wx(r, rd, v):
    """Write general register rd; the only place $r0 is special."""
    if rd != 0:
        r[rd] = v
