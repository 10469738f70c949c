"""LoongArch64 atomics: ll/sc, the am* read-modify-writes (also their _db forms), dbar, ibar.

Atomic between vCPUs as translators/atomic.py says (every atomic is a full barrier, so the _db
forms need nothing more). Misaligned ll/sc/am* exit with Exit.MISALIGNED (the hardware raises
ALE; QEMU 7.2 user mode lets them pass).

am*.w rd, rk, rj: rd = the old word sign-extended (also for .wu), memory = old op rk's low word
(ammax/ammin compare the words signed, the .wu/.du forms unsigned). rd == rj or rd == rk (rd not
$r0) is undefined in the manual and SIGILL in QEMU 7.2, so Exit.ILLEGAL here.
ll/sc: the reservation is (address, value loaded) in r[RES_ADDR], r[RES_VALUE]; sc rd, rj, si14
stores rd's value iff it targets the reserved address and a compare-and-swap from the reserved
value succeeds, writes 1 (stored) or 0 to rd, and always drops the reservation (the manual's
LLbit; QEMU 7.2 keeps it, which only a second sc without an ll could tell). Value-based, as
QEMU's: an A-B-A change by another vCPU between ll and sc goes unnoticed.

amo/load_linked/store_conditional are compiled once and called (inline="never"), as in rv_a.py:
inlined into 40 callers they would cost long compiles for no gain.
The loads, compare-and-swaps and read-modify-writes are translators/atomic.py's.
"""
import numpy as np

from jitvm.compiled import fence, jit
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT
from translators.atomic import (ADD, AND, MAX, MAXU, MIN, MINU, OR, READ, SWAP, WRITE, XOR,
                                amo_cas, amo_load, atomic_pa, rmw)
from translators.loongarch64.cpu import RES_ADDR, RES_VALUE, wx


@jit(inline="never")
def amo(r, m, pc, ilen, rd, rs1, rs2, kind, size):
    if rd != 0 and (rd == rs1 or rd == rs2):
        m[4][CTL_EXIT] = Exit.ILLEGAL
        return pc
    pa = atomic_pa(m, r[rs1], size, WRITE)
    if pa < 0:
        return pc
    wx(r, rd, rmw(m, pa, r[rs2], kind, size))
    return pc + ilen


@jit(inline="never")
def load_linked(r, m, pc, ilen, rd, rs1, imm, size):
    va = r[rs1] + imm
    pa = atomic_pa(m, va, size, READ)
    if pa < 0:
        return pc
    v = amo_load(m, pa, size)
    r[RES_ADDR] = va
    r[RES_VALUE] = v
    wx(r, rd, v)
    return pc + ilen


@jit(inline="never")
def store_conditional(r, m, pc, ilen, rd, rs1, imm, size):
    va = r[rs1] + imm
    pa = atomic_pa(m, va, size, WRITE)
    if pa < 0:
        return pc
    ok = r[RES_ADDR] == va and amo_cas(m, pa, r[RES_VALUE], r[rd], size)
    r[RES_ADDR] = -1
    wx(r, rd, np.int64(1) if ok else np.int64(0))
    return pc + ilen


@jit
def exec_ll_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_linked(r, m, pc, ilen, rd, rs1, imm, 4)


@jit
def exec_ll_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_linked(r, m, pc, ilen, rd, rs1, imm, 8)


@jit
def exec_sc_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_conditional(r, m, pc, ilen, rd, rs1, imm, 4)


@jit
def exec_sc_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_conditional(r, m, pc, ilen, rd, rs1, imm, 8)


@jit
def exec_dbar(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fence()                     # every hint as the full barrier (code 0): simple, and rare
    return pc + ilen


@jit
def exec_ibar(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.FENCE_I   # code may have changed: drop translations, resume after us
    return pc + ilen


# ---- am* (rd = old, rj = address, rk = operand), then the same again with _db ---------------

@jit
def exec_amswap_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, SWAP, 4)


@jit
def exec_amswap_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, SWAP, 8)


@jit
def exec_amadd_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, ADD, 4)


@jit
def exec_amadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, ADD, 8)


@jit
def exec_amand_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, AND, 4)


@jit
def exec_amand_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, AND, 8)


@jit
def exec_amor_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, OR, 4)


@jit
def exec_amor_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, OR, 8)


@jit
def exec_amxor_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, XOR, 4)


@jit
def exec_amxor_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, XOR, 8)


@jit
def exec_ammax_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAX, 4)


@jit
def exec_ammax_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAX, 8)


@jit
def exec_ammin_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MIN, 4)


@jit
def exec_ammin_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MIN, 8)


@jit
def exec_ammax_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAXU, 4)


@jit
def exec_ammax_du(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAXU, 8)


@jit
def exec_ammin_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MINU, 4)


@jit
def exec_ammin_du(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MINU, 8)


@jit
def exec_amswap_db_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, SWAP, 4)


@jit
def exec_amswap_db_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, SWAP, 8)


@jit
def exec_amadd_db_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, ADD, 4)


@jit
def exec_amadd_db_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, ADD, 8)


@jit
def exec_amand_db_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, AND, 4)


@jit
def exec_amand_db_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, AND, 8)


@jit
def exec_amor_db_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, OR, 4)


@jit
def exec_amor_db_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, OR, 8)


@jit
def exec_amxor_db_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, XOR, 4)


@jit
def exec_amxor_db_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, XOR, 8)


@jit
def exec_ammax_db_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAX, 4)


@jit
def exec_ammax_db_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAX, 8)


@jit
def exec_ammin_db_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MIN, 4)


@jit
def exec_ammin_db_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MIN, 8)


@jit
def exec_ammax_db_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAXU, 4)


@jit
def exec_ammax_db_du(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MAXU, 8)


@jit
def exec_ammin_db_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MINU, 4)


@jit
def exec_ammin_db_du(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return amo(r, m, pc, ilen, rd, rs1, rs2, MINU, 8)
