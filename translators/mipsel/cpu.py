"""mipsel (MIPS32 release 2, little-endian, o32) CPU state: one int64 array `r`, laid out as below.

Every semantic function takes `r` first. A 32-bit machine on the 64-bit engine: general registers,
HI, LO and PC hold 32-bit values sign-extended to 64 bits (as a MIPS64 CPU keeps 32-bit results),
so comparisons and arithmetic read them directly; an address is the low 32 bits (`va`).

Delay slots: NPC is the architectural "next pc". Every instruction returns the pc to run next
and leaves NPC naming the one after it: a plain instruction returns NPC and advances it by 4
(`advance`); a branch returns its delay slot's pc (= NPC) and sets NPC to its target (or, not
taken, past the slot). So NPC != PC + 4 exactly while a delay slot is pending (`in_delay_slot`),
and any exit between a branch and its slot resumes correctly: the kernel reports (and a signal
handler returns to) the branch itself, as Linux does with Cause.BD.

FP registers (FR=0): 32 single-precision registers, each a 32-bit pattern (zero-extended); a
double lives in an even/odd pair, the low word in the even register.
"""
import numpy as np

from jitvm.compiled import jit, sext32

R0 = 0            # $0..$31 at 0..31 ($zero always reads 0: see wx)
PC = 32
NPC = 33          # the pc after PC's instruction (its branch target while a delay slot is pending)
HI, LO = 34, 35
F0 = 36           # $f0..$f31 at 36..67, 32-bit patterns
FCSR = 68         # FCSR (FCR31): RM 1:0, Flags 6:2, Enables 11:7, Cause 17:12, FCC0 23, FS 24,
                  # FCC1..7 31:25
FIR = 69          # FCR0, the FP implementation register (read-only)
ULR = 70          # UserLocal: the TLS pointer set_thread_area sets and `rdhwr $3, $29` reads
RES_ADDR = 71     # LL/SC reservation: address, or -1 when none is held
RES_VALUE = 72    # the value LL loaded (SC succeeds only if memory still holds it)
NREGS = 73

# o32 register names (the psABI's)
XNAMES = ("zero at v0 v1 a0 a1 a2 a3 t0 t1 t2 t3 t4 t5 t6 t7 "
          "s0 s1 s2 s3 s4 s5 s6 s7 t8 t9 k0 k1 gp sp fp ra").split()
V0, V1, A0, A3, T9, GP, SP, FP, RA = 2, 3, 4, 7, 25, 28, 29, 30, 31


def new_regs():
    r = np.zeros(NREGS, dtype=np.int64)
    r[NPC] = 4
    r[RES_ADDR] = -1
    return r


sx32 = sext32          # the low 32 bits, sign-extended: how a 32-bit result sits in a register


@jit
def va(v):
    """A register value as a guest virtual address (its low 32 bits)."""
    return v & 0xFFFFFFFF


@jit
def wx(r, rd, v):
    """Write general register rd with a 32-bit result; the only place $zero is special."""
    if rd != 0:
        r[rd] = sx32(v)


@jit
def advance(r):
    """The next pc of an instruction that does not branch: NPC, which moves on by 4."""
    npc = r[NPC]
    r[NPC] = sx32(npc + 4)
    return npc


@jit
def in_delay_slot(r):
    """True while a taken-or-not branch's delay slot is the next instruction to run."""
    return r[NPC] != sx32(r[PC] + 4)
