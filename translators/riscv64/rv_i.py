"""RV64I (and Zifencei): one `exec_<name>` per instruction.

Every function has the same signature (r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm) -> next pc, so
the interpreter (through its op table) and the block translator call them alike. Memory instructions check
`faulted(m)` before touching a register: a faulting instruction changes nothing and re-runs.
"""
import numpy as np

from jitvm.compiled import fence, jit, ltu, sext32
from jitvm.exits import Exit
from jitvm.mmu import (CTL_EXIT, faulted, load_s8, load_s16, load_s32, load_u8, load_u16,
                       load_u32, load_u64, store_u8, store_u16, store_u32, store_u64)
from translators.intops import srl32, srl64
from translators.riscv64.cpu import wx


# ---- upper immediates and jumps -----------------------------------------------------------------

@jit
def exec_lui(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, imm)
    return pc + ilen


@jit
def exec_auipc(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, pc + imm)
    return pc + ilen


@jit
def exec_jal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, pc + ilen)
    return pc + imm


@jit
def exec_jalr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    target = (r[rs1] + imm) & -2          # read rs1 before writing rd: they may be the same
    wx(r, rd, pc + ilen)
    return target


# ---- branches -----------------------------------------------------------------------------------

@jit
def branch(taken, pc, ilen, imm):
    return pc + imm if taken else pc + ilen


@jit
def exec_beq(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] == r[rs2], pc, ilen, imm)


@jit
def exec_bne(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] != r[rs2], pc, ilen, imm)


@jit
def exec_blt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] < r[rs2], pc, ilen, imm)


@jit
def exec_bge(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] >= r[rs2], pc, ilen, imm)


@jit
def exec_bltu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(ltu(r[rs1], r[rs2]), pc, ilen, imm)


@jit
def exec_bgeu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(not ltu(r[rs1], r[rs2]), pc, ilen, imm)


# ---- loads and stores ---------------------------------------------------------------------------

@jit
def exec_lb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_s8(m, r[rs1] + imm)
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_lh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_s16(m, r[rs1] + imm)
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_lw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_s32(m, r[rs1] + imm)
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_ld(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_u64(m, r[rs1] + imm)
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_lbu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_u8(m, r[rs1] + imm)
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_lhu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_u16(m, r[rs1] + imm)
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_lwu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = load_u32(m, r[rs1] + imm)
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_sb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if store_u8(m, r[rs1] + imm, r[rs2]) else pc


@jit
def exec_sh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if store_u16(m, r[rs1] + imm, r[rs2]) else pc


@jit
def exec_sw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if store_u32(m, r[rs1] + imm, r[rs2]) else pc


@jit
def exec_sd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if store_u64(m, r[rs1] + imm, r[rs2]) else pc


# ---- register-immediate -------------------------------------------------------------------------

@jit
def exec_addi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] + imm)
    return pc + ilen


@jit
def exec_slti(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(r[rs1] < imm))
    return pc + ilen


@jit
def exec_sltiu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(ltu(r[rs1], imm)))   # imm is sign-extended first, then compared unsigned
    return pc + ilen


@jit
def exec_xori(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] ^ imm)
    return pc + ilen


@jit
def exec_ori(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] | imm)
    return pc + ilen


@jit
def exec_andi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] & imm)
    return pc + ilen


@jit
def exec_slli(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] << imm)
    return pc + ilen


@jit
def exec_srli(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, srl64(r[rs1], imm))
    return pc + ilen


@jit
def exec_srai(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] >> imm)
    return pc + ilen


@jit
def exec_addiw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] + imm))
    return pc + ilen


@jit
def exec_slliw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] << imm))
    return pc + ilen


@jit
def exec_srliw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, srl32(r[rs1], imm))
    return pc + ilen


@jit
def exec_sraiw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1]) >> imm)
    return pc + ilen


# ---- register-register --------------------------------------------------------------------------

@jit
def exec_add(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] + r[rs2])
    return pc + ilen


@jit
def exec_sub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] - r[rs2])
    return pc + ilen


@jit
def exec_sll(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] << (r[rs2] & 63))
    return pc + ilen


@jit
def exec_slt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(r[rs1] < r[rs2]))
    return pc + ilen


@jit
def exec_sltu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(ltu(r[rs1], r[rs2])))
    return pc + ilen


@jit
def exec_xor(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] ^ r[rs2])
    return pc + ilen


@jit
def exec_srl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, srl64(r[rs1], r[rs2] & 63))
    return pc + ilen


@jit
def exec_sra(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] >> (r[rs2] & 63))
    return pc + ilen


@jit
def exec_or(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] | r[rs2])
    return pc + ilen


@jit
def exec_and(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] & r[rs2])
    return pc + ilen


@jit
def exec_addw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] + r[rs2]))
    return pc + ilen


@jit
def exec_subw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] - r[rs2]))
    return pc + ilen


@jit
def exec_sllw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] << (r[rs2] & 31)))
    return pc + ilen


@jit
def exec_srlw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, srl32(r[rs1], r[rs2] & 31))
    return pc + ilen


@jit
def exec_sraw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1]) >> (r[rs2] & 31))
    return pc + ilen


# ---- fences and traps ---------------------------------------------------------------------------

@jit
def exec_fence(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fence()                     # the strongest fence for every pred/succ set: simple, and rare
    return pc + ilen


@jit
def exec_fence_i(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.FENCE_I   # the engine drops its translations, then resumes after us
    return pc + ilen


@jit
def exec_ecall(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.SYSCALL   # pc stays on the ecall; the kernel advances it
    return pc


@jit
def exec_ebreak(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.BREAKPOINT
    return pc
