"""mipsel system instructions a Linux program uses: syscall, break, the traps, rdhwr.

  syscall code     Exit.SYSCALL with pc on the instruction (the kernel moves pc and NPC on)
  break hi, lo     Exit.BREAKPOINT, pc stays; ctl[CTL_EXIT_INFO] = the code as Linux's do_bp
                   computes it (arch/mips/kernel/traps.c): the 20-bit field hi:lo, and if that
                   is >= 1024 (assemblers put a one-number code in hi) its halves swapped,
                   lo << 10 | hi -- so `break 7` and `break 0, 7` are 7 (BRK_DIVZERO: SIGFPE/
                   FPE_INTDIV), 6 is BRK_OVERFLOW (FPE_INTOVF), `break 7, 7` is neither
  teq/tne/tge/tgeu/tlt/tltu rs, rt, code
                   when the condition holds: Exit.BREAKPOINT, info = code (do_tr: the 10-bit
                   field), pc stays -- gcc's `teq $divisor, $zero, 7` after div becomes SIGFPE/
                   FPE_INTDIV; else on to the next instruction
  teqi/tnei/tgei/tgeiu/tlti/tltiu rs, immediate
                   the same with info 0 (do_tr: "immediate versions don't provide a code");
                   tgeiu/tltiu compare with the sign-extended immediate, unsigned
  rdhwr rt, rd     the hardware registers Linux lets user mode read (hwrena): 0 CPUNum (0),
                   1 SYNCI_Step (32, QEMU 7.2's 24Kf), 2 CC (the instructions this CPU
                   retired, ctl[CTL_INSTRET], as loongarch64's rdtime), 3 CCRes (2, as QEMU),
                   29 UserLocal (the TLS pointer set_thread_area set); any other is a reserved
                   instruction (SIGILL)
"""
import numpy as np

from jitvm.compiled import jit, ltu
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_EXIT_INFO, CTL_INSTRET
from translators.mipsel.cpu import ULR, advance, sx32, wx

SYNCI_STEP = 32           # bytes between synci addresses (QEMU 7.2 -cpu 24Kf, measured)
CC_RES = 2                # cycles per CC increment (likewise)


@jit
def bp_exit(m, pc, code):
    ctl = m[4]
    ctl[CTL_EXIT] = Exit.BREAKPOINT
    ctl[CTL_EXIT_INFO] = code
    return pc


TRAP_CODE = 1 << 20       # marks a trap instruction's code in CTL_EXIT_INFO (break's are 20 bits)


@jit
def trap(r, m, pc, cond, code):
    return bp_exit(m, pc, code | TRAP_CODE) if cond else advance(r)


@jit
def exec_syscall(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.SYSCALL
    return pc


@jit
def exec_break(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    hi, lo = imm, rm
    code = (hi << 10) | lo
    if code >= 1 << 10:
        code = (lo << 10) | hi
    return bp_exit(m, pc, code)


# ---- traps: register forms (imm = the code) ---------------------------------------------------

@jit
def exec_teq(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] == r[rs2], imm)


@jit
def exec_tne(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] != r[rs2], imm)


@jit
def exec_tge(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] >= r[rs2], imm)


@jit
def exec_tgeu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, not ltu(r[rs1], r[rs2]), imm)


@jit
def exec_tlt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] < r[rs2], imm)


@jit
def exec_tltu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, ltu(r[rs1], r[rs2]), imm)


# ---- traps: immediate forms (imm = the sign-extended immediate; code 0) ----------------------

@jit
def exec_teqi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] == imm, 0)


@jit
def exec_tnei(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] != imm, 0)


@jit
def exec_tgei(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] >= imm, 0)


@jit
def exec_tgeiu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, not ltu(r[rs1], imm), 0)


@jit
def exec_tlti(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, r[rs1] < imm, 0)


@jit
def exec_tltiu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return trap(r, m, pc, ltu(r[rs1], imm), 0)


# ---- rdhwr rt, rd (imm = the hardware register number) ---------------------------------------

@jit
def exec_rdhwr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if imm == 29:
        v = r[ULR]
    elif imm == 0:
        v = np.int64(0)
    elif imm == 1:
        v = np.int64(SYNCI_STEP)
    elif imm == 2:
        v = sx32(m[4][CTL_INSTRET])
    elif imm == 3:
        v = np.int64(CC_RES)
    else:
        m[4][CTL_EXIT] = Exit.ILLEGAL
        return pc
    wx(r, rd, v)
    return advance(r)
