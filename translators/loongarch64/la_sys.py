"""LoongArch64 system instructions a Linux program uses: syscall, break, cpucfg, rdtime*.

  syscall code   Exit.SYSCALL with pc on the instruction (the kernel advances it)
  break code     Exit.BREAKPOINT, ctl[CTL_EXIT_INFO] = the 15-bit code (the kernel maps
                 7 -> SIGFPE/FPE_INTDIV, 6 -> SIGFPE/FPE_INTOVF, else SIGTRAP)
  cpucfg rd, rj  the configuration word rj (0 beyond the table): QEMU 7.2's la464, which already
                 lacks LSX, LASX and LBT, as qemu-loongarch64 7.2 returns them (measured)
  rdtime.d rd, rj / rdtimel.w / rdtimeh.w
                 rd = the stable counter (.w: its low or high word, sign-extended), rj = the
                 counter id, 0. The counter is riscv64's `time` (rv_zicsr.py): ctl[CTL_INSTRET],
                 the instructions this CPU retired, added by the engine as each slice ends, so
                 monotonic but lagging by up to a slice. cpucfg words 4/5 still say 100 MHz, as
                 the la464's; a program that divides by it gets instructions, not seconds (the
                 kernel's clock_gettime does not use it; QEMU 7.2 user mode returns host TSC
                 ticks, so no oracle agrees on the value anyway).
"""
import numpy as np

from jitvm.compiled import jit, ltu, sext32
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_EXIT_INFO, CTL_INSTRET
from translators.loongarch64.cpu import wx

# cpucfg words 0..20 of QEMU 7.2 `-cpu la464` (target/loongarch/cpu.c, loongarch_la464_initfn)
CPUCFG = np.array([
    0x0014C010,     # 0: PRID
    0x03F2F2FE,     # 1: ARCH=LA64, paging, IOCSR, PALEN/VALEN 48, UAL, RI, EP, RPLV, HP, IOCSR_BRD
    0x0040C00F,     # 2: FP, FP_SP, FP_DP, FP_VER 1, LLFTP, LLFTP_VER 1, LAM (no LSX/LASX/LBT)
    0,              # 3: (QEMU sets none of these implementation details)
    100_000_000,    # 4: the stable counter's crystal frequency, 100 MHz
    0x00010001,     # 5: CC_MUL 1, CC_DIV 1 (counter frequency = crystal * 1 / 1)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x00002C3D,     # 16: caches: L1 I and D, unified private L2, unified inclusive L3
    0x06080003,     # 17: L1 I-cache: 4 ways, 256 sets, 64-byte lines
    0x06080003,     # 18: L1 D-cache: the same
    0x0608000F,     # 19: L2: 16 ways, 256 sets, 64-byte lines
    0x060E000F,     # 20: L3: 16 ways, 16384 sets, 64-byte lines
], dtype=np.int64)
NCPUCFG = len(CPUCFG)


@jit
def exec_syscall(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.SYSCALL
    return pc


@jit
def exec_break(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    ctl = m[4]
    ctl[CTL_EXIT] = Exit.BREAKPOINT
    ctl[CTL_EXIT_INFO] = imm
    return pc


@jit
def exec_cpucfg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    i = r[rs1]
    wx(r, rd, CPUCFG[i] if ltu(i, NCPUCFG) else np.int64(0))    # unsigned: -1 is out of range
    return pc + ilen


@jit
def rdtime(r, m, pc, ilen, rd, rs1, v):
    """rd = v, then rj = the counter id 0 (so rj wins when they are the same, as in QEMU)."""
    wx(r, rd, v)
    wx(r, rs1, np.int64(0))
    return pc + ilen


@jit
def exec_rdtimel_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return rdtime(r, m, pc, ilen, rd, rs1, sext32(m[4][CTL_INSTRET]))


@jit
def exec_rdtimeh_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return rdtime(r, m, pc, ilen, rd, rs1, m[4][CTL_INSTRET] >> 32)   # sign-extended by >>


@jit
def exec_rdtime_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return rdtime(r, m, pc, ilen, rd, rs1, m[4][CTL_INSTRET])
