"""A64 exception generation and system instructions a Linux program executes at EL0.

  svc #imm        Exit.SYSCALL with pc on the instruction (the kernel advances it); Linux
                  ignores the immediate (libcs use #0)
  brk #imm        Exit.BREAKPOINT, ctl[CTL_EXIT_INFO] = imm16 (Linux: SIGTRAP)
  hint #imm       every hint is a NOP: nop, yield, wfe, wfi, sev, sevl, the PAC hints
                  (paciasp, autiasp, ... -- jitvm does not advertise PAC), bti, csdb, ...
  clrex           clears the exclusive monitor
  dmb, dsb        a full host fence (the memory model is the host's, sequentially consistent
                  for the atomics; a fence keeps plain accesses from moving across)
  isb             Exit.FENCE_I: code may have changed, drop translations (ends the block)
  sys             the cache maintenance EL0 may execute: dc zva zeroes the 64-byte block at
                  Xt (DCZID_EL0.BS = 4 words = 64 bytes, DZP = 0), dc cvac/cvau/civac/cvap are
                  NOPs (no caches), ic ivau is Exit.FENCE_I; anything else is Exit.ILLEGAL
  mrs, msr        the registers below; any other is Exit.ILLEGAL (Linux: SIGILL)

  register      read                                         write
  nzcv          N:Z:C:V at bits 31:28 from the flag slots     sets the four slots
  fpcr, fpsr    the stored word                               stored, the bits cortex-a53
                                                              has (FPCR_MASK, FPSR_MASK);
                                                              the FP semantics come later
  tpidr_el0     the thread pointer                            stored
  tpidrro_el0   0 (Linux keeps it 0 for user threads)         illegal
  ctr_el0       CTR, QEMU cortex-a53's 0x84448004             illegal
  dczid_el0     4 (64-byte dc zva blocks, allowed)            illegal
  cntfrq_el0    62.5 MHz (QEMU's cortex-a53 generic timer)    illegal
  cntvct_el0    ctl[CTL_INSTRET], this CPU's retired          illegal
                instructions (monotonic, lags by up to a slice, as loongarch64's rdtime)
  midr_el1      0x410fd034, a Cortex-A53 r0p4 (as /proc/cpuinfo says): EL0 reads trap, and
                Linux's emulation (arm64 cpufeature.c, emulate_mrs) answers with the CPU's
                own value whatever AT_HWCAP says; qemu-user does the same
"""
import numpy as np

from jitvm.compiled import fence, jit
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_EXIT_INFO, CTL_INSTRET, store_u64
from translators.aarch64.a64_base import illegal
from translators.aarch64.a64_mem import untag
from translators.aarch64.cpu import CF, FPCR, FPSR, NF, RES_ADDR, TPIDR_EL0, VF, ZF, wx, xr
from translators.aarch64.encodings import SYS_OPS, SYSREGS

NZCV, FPCR_REG, FPSR_REG = SYSREGS["nzcv"], SYSREGS["fpcr"], SYSREGS["fpsr"]
TPIDR, TPIDRRO = SYSREGS["tpidr_el0"], SYSREGS["tpidrro_el0"]
CTR, DCZID = SYSREGS["ctr_el0"], SYSREGS["dczid_el0"]
CNTFRQ, CNTVCT = SYSREGS["cntfrq_el0"], SYSREGS["cntvct_el0"]
MIDR = SYSREGS["midr_el1"]
DC_ZVA, IC_IVAU = SYS_OPS["dc zva"], SYS_OPS["ic ivau"]
DC_NOPS = (SYS_OPS["dc cvac"], SYS_OPS["dc cvau"], SYS_OPS["dc civac"], SYS_OPS["dc cvap"])
DC_CVAC, DC_CVAU, DC_CIVAC, DC_CVAP = DC_NOPS

CTR_VALUE = 0x84448004          # IminLine = DminLine = 16 words (64 bytes), as QEMU cortex-a53
DCZID_VALUE = 4                 # BS = log2(words) = 4: 64-byte blocks; DZP = 0 (allowed)
ZVA_BYTES = 4 << DCZID_VALUE
CNTFRQ_VALUE = 62_500_000       # QEMU's generic timer on cortex-a53 (1 GHz / 16)
MIDR_VALUE = 0x410FD034         # implementer Arm, variant 0, part 0xd03 (Cortex-A53), r0p4
# AHP DN FZ RMode Stride Len, as qemu-aarch64 -cpu cortex-a53 keeps them: the trap enables
# (IDE IXE UFE OFE DZE IOE) read as zero (no trapped FP exceptions), FZ16 too (no FP16)
FPCR_MASK = 0x07F70000
FPSR_MASK = 0xF800009F          # N Z C V QC, IDC IXC UFC OFC DZC IOC


@jit
def exec_svc(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.SYSCALL
    return pc


@jit
def exec_brk(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    ctl = m[4]
    ctl[CTL_EXIT] = Exit.BREAKPOINT
    ctl[CTL_EXIT_INFO] = imm
    return pc


@jit
def exec_hint(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen


@jit
def exec_clrex(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[RES_ADDR] = -1
    return pc + ilen


@jit
def exec_dsb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fence()
    return pc + ilen


@jit
def exec_dmb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fence()
    return pc + ilen


@jit
def exec_isb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.FENCE_I
    return pc + ilen


@jit
def exec_sys(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if imm == DC_ZVA:
        va = untag(xr(r, rd)) & ~(ZVA_BYTES - 1)
        for i in range(ZVA_BYTES // 8):       # a fault part-way re-runs the whole (idempotent)
            if not store_u64(m, va + 8 * i, np.int64(0)):
                return pc
        return pc + ilen
    if imm == IC_IVAU:
        m[4][CTL_EXIT] = Exit.FENCE_I
        return pc + ilen
    if imm == DC_CVAC or imm == DC_CVAU or imm == DC_CIVAC or imm == DC_CVAP:
        return pc + ilen
    return illegal(m, pc)


@jit
def exec_mrs(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if imm == NZCV:
        v = (r[NF] << 31) | (r[ZF] << 30) | (r[CF] << 29) | (r[VF] << 28)
    elif imm == TPIDR:
        v = r[TPIDR_EL0]
    elif imm == FPCR_REG:
        v = r[FPCR]
    elif imm == FPSR_REG:
        v = r[FPSR]
    elif imm == TPIDRRO:
        v = np.int64(0)
    elif imm == CTR:
        v = np.int64(CTR_VALUE)
    elif imm == DCZID:
        v = np.int64(DCZID_VALUE)
    elif imm == CNTFRQ:
        v = np.int64(CNTFRQ_VALUE)
    elif imm == CNTVCT:
        v = m[4][CTL_INSTRET]
    elif imm == MIDR:
        v = np.int64(MIDR_VALUE)
    else:
        return illegal(m, pc)
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_msr_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = xr(r, rd)
    if imm == NZCV:
        r[NF] = (v >> 31) & 1
        r[ZF] = (v >> 30) & 1
        r[CF] = (v >> 29) & 1
        r[VF] = (v >> 28) & 1
    elif imm == TPIDR:
        r[TPIDR_EL0] = v
    elif imm == FPCR_REG:
        r[FPCR] = v & FPCR_MASK
    elif imm == FPSR_REG:
        r[FPSR] = v & FPSR_MASK
    else:
        return illegal(m, pc)
    return pc + ilen
