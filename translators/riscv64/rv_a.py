"""RV64A: LR/SC and the AMOs, atomic between vCPUs running at once on different host threads.

Every atomic first translates its address with WRITE permission (LR with READ), so a page fault
happens before anything is read or written and the instruction simply re-runs. Misaligned atomics
exit with Exit.MISALIGNED. The write is one compare-and-swap on the physical address
(jitvm.compiled.cas, a sequentially consistent host cmpxchg), so every atomic is also a full
barrier: stronger than any aq/rl combination asks (the decoder routes aq/rl to `rm` only for the
disassembler).

AMOs: load, combine, compare-and-swap; retried if another vCPU changed the word in between.
LR/SC: the reservation is (address, value loaded) in r[RES_ADDR], r[RES_VALUE]; SC succeeds iff
it targets the reserved address and a compare-and-swap from that value succeeds, and always
drops the reservation. (A value-based reservation, as QEMU's: an A-B-A change by another vCPU
between LR and SC goes unnoticed. Lock-free code built on LR/SC loops is unaffected, since it
only needs the word to hold the value it read.)

amo/load_reserved/store_conditional are compiled once and called (inline="never"): inlining them
into 22 callers made the interpreter's former switch take ~17 s longer to compile, for a saving of one
call (~ns) on instructions that are rare.
"""
import numpy as np

from jitvm.compiled import jit
from translators.atomic import (ADD, AND, MAX, MAXU, MIN, MINU, OR, READ, SWAP, WRITE, XOR,
                                amo_cas, amo_load, atomic_pa, rmw)
from translators.riscv64.cpu import RES_ADDR, RES_VALUE, wx


@jit(inline="never")
def amo(r, m, pc, ilen, rd, rs1, rs2, kind, size):
    pa = atomic_pa(m, r[rs1], size, WRITE)
    if pa < 0:
        return pc
    wx(r, rd, rmw(m, pa, r[rs2], kind, size))
    return pc + ilen


@jit(inline="never")
def load_reserved(r, m, pc, ilen, rd, rs1, size):
    va = r[rs1]
    pa = atomic_pa(m, va, size, READ)
    if pa < 0:
        return pc
    v = amo_load(m, pa, size)
    r[RES_ADDR] = va
    r[RES_VALUE] = v
    wx(r, rd, v)
    return pc + ilen


@jit(inline="never")
def store_conditional(r, m, pc, ilen, rd, rs1, rs2, size):
    va = r[rs1]
    pa = atomic_pa(m, va, size, WRITE)
    if pa < 0:
        return pc
    ok = r[RES_ADDR] == va and amo_cas(m, pa, r[RES_VALUE], r[rs2], size)
    r[RES_ADDR] = -1
    wx(r, rd, np.int64(0) if ok else np.int64(1))
    return pc + ilen


@jit
def exec_lr_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_reserved(r, m, pc, ilen, rd, rs1, 4)


@jit
def exec_lr_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_reserved(r, m, pc, ilen, rd, rs1, 8)


@jit
def exec_sc_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_conditional(r, m, pc, ilen, rd, rs1, rs2, 4)


@jit
def exec_sc_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_conditional(r, m, pc, ilen, rd, rs1, rs2, 8)


@jit
def exec_amoswap_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, SWAP, 4)


@jit
def exec_amoadd_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, ADD, 4)


@jit
def exec_amoxor_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, XOR, 4)


@jit
def exec_amoand_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, AND, 4)


@jit
def exec_amoor_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, OR, 4)


@jit
def exec_amomin_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MIN, 4)


@jit
def exec_amomax_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAX, 4)


@jit
def exec_amominu_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MINU, 4)


@jit
def exec_amomaxu_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAXU, 4)


@jit
def exec_amoswap_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, SWAP, 8)


@jit
def exec_amoadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, ADD, 8)


@jit
def exec_amoxor_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, XOR, 8)


@jit
def exec_amoand_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, AND, 8)


@jit
def exec_amoor_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, OR, 8)


@jit
def exec_amomin_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MIN, 8)


@jit
def exec_amomax_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAX, 8)


@jit
def exec_amominu_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MINU, 8)


@jit
def exec_amomaxu_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAXU, 8)
