"""Zicsr: the user-level CSRs a Linux program touches.

  fflags 0x001, frm 0x002, fcsr 0x003   read/write, kept in r[FCSR] (see cpu.py)
  cycle 0xC00, time 0xC01, instret 0xC02  read-only; all three read ctl[CTL_INSTRET], the
      instructions this CPU retired (the engine adds each slice's count when the slice ends, so
      the value can lag by up to one time slice). `time` in instructions is monotonic, which is
      all user code may assume; the kernel's clock_gettime does not use it.

Anything else, or a write to a read-only CSR, is an illegal instruction (Exit.ILLEGAL, pc
unchanged). Per the spec, csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with zimm = 0 do not
write, so they may read read-only CSRs. The decoder puts the CSR number in `imm`, zimm in `rs1`.
"""
import numpy as np

from jitvm.compiled import jit
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_INSTRET
from translators.riscv64.cpu import FCSR, wx

CSR_FFLAGS, CSR_FRM, CSR_FCSR = 0x001, 0x002, 0x003
CSR_CYCLE, CSR_TIME, CSR_INSTRET = 0xC00, 0xC01, 0xC02
CSR_NAMES = {CSR_FFLAGS: "fflags", CSR_FRM: "frm", CSR_FCSR: "fcsr", CSR_CYCLE: "cycle",
             CSR_TIME: "time", CSR_INSTRET: "instret"}

FFLAGS_MASK = 0x1F
FRM_SHIFT = 5
FCSR_MASK = 0xFF
WRITE, SET, CLEAR = 0, 1, 2


@jit
def csr_read(r, m, csr):
    if csr == CSR_FFLAGS:
        return r[FCSR] & FFLAGS_MASK
    if csr == CSR_FRM:
        return (r[FCSR] >> FRM_SHIFT) & 7
    if csr == CSR_FCSR:
        return r[FCSR] & FCSR_MASK
    return m[4][CTL_INSTRET]          # cycle, time, instret


@jit
def csr_write(r, csr, v):
    if csr == CSR_FFLAGS:
        r[FCSR] = (r[FCSR] & ~FFLAGS_MASK) | (v & FFLAGS_MASK)
    elif csr == CSR_FRM:
        r[FCSR] = (r[FCSR] & FFLAGS_MASK) | ((v & 7) << FRM_SHIFT)
    else:
        r[FCSR] = v & FCSR_MASK


@jit
def csr_op(r, m, pc, ilen, rd, csr, src, kind, writes):
    """The six instructions: read the old value into rd, maybe write src/set bits/clear bits."""
    fp = csr == CSR_FFLAGS or csr == CSR_FRM or csr == CSR_FCSR
    counter = csr == CSR_CYCLE or csr == CSR_TIME or csr == CSR_INSTRET
    if not (fp or (counter and not writes)):
        m[4][CTL_EXIT] = Exit.ILLEGAL
        return pc
    old = csr_read(r, m, csr)
    if writes:
        if kind == WRITE:
            csr_write(r, csr, src)
        elif kind == SET:
            csr_write(r, csr, old | src)
        else:
            csr_write(r, csr, old & ~src)
    wx(r, rd, old)
    return pc + ilen


@jit
def exec_csrrw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return csr_op(r, m, pc, ilen, rd, imm, r[rs1], WRITE, True)


@jit
def exec_csrrs(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return csr_op(r, m, pc, ilen, rd, imm, r[rs1], SET, rs1 != 0)


@jit
def exec_csrrc(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return csr_op(r, m, pc, ilen, rd, imm, r[rs1], CLEAR, rs1 != 0)


@jit
def exec_csrrwi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return csr_op(r, m, pc, ilen, rd, imm, np.int64(rs1), WRITE, True)


@jit
def exec_csrrsi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return csr_op(r, m, pc, ilen, rd, imm, np.int64(rs1), SET, rs1 != 0)


@jit
def exec_csrrci(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return csr_op(r, m, pc, ilen, rd, imm, np.int64(rs1), CLEAR, rs1 != 0)
