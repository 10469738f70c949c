"""A64 branches: one `exec_<name>` per instruction.

  b, bl          imm = the byte offset; bl links pc + 4 in X30
  b_cond         b.<cond>: rm = cond (a64_base.cond_holds)
  cbz, cbnz      rd = Rt (XZR at 31), rm = sf (W: the low word is tested)
  tbz, tbnz      rd = Rt, rm = the bit number b5:b40
  br, blr, ret   rs1 = Rn (ret's default X30 is in the encoding); blr links after reading Rn,
                 so `blr x30` jumps to the old X30

The engine follows a block's static successors as pc + imm, so every offset is in bytes.
BTI landing pads and pointer authentication are not implemented (hint space: NOPs).
"""
from jitvm.compiled import jit
from translators.aarch64.a64_base import cond_holds
from translators.aarch64.cpu import LR, wx, xr

M32 = 0xFFFFFFFF


@jit
def exec_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + imm


@jit
def exec_bl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    r[LR] = pc + 4
    return pc + imm


@jit
def exec_b_cond(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + imm if cond_holds(r, rm) else pc + ilen


@jit
def cb_value(r, rd, sf):
    v = xr(r, rd)
    return v if sf else v & M32


@jit
def exec_cbz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + imm if cb_value(r, rd, rm) == 0 else pc + ilen


@jit
def exec_cbnz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + imm if cb_value(r, rd, rm) != 0 else pc + ilen


@jit
def exec_tbz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + imm if (xr(r, rd) >> rm) & 1 == 0 else pc + ilen


@jit
def exec_tbnz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + imm if (xr(r, rd) >> rm) & 1 != 0 else pc + ilen


@jit
def exec_br(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return xr(r, rs1)


@jit
def exec_blr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    target = xr(r, rs1)
    wx(r, LR, pc + 4)
    return target


@jit
def exec_ret(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return xr(r, rs1)
