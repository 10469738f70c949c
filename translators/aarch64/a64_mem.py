"""A64 loads and stores of the general registers: one `exec_<name>` per encoding class.

  ldst_ui        [Xn|SP, #imm]        unsigned offset (imm already scaled to bytes)
  ldst_unscaled  [Xn|SP, #simm9]      ldur*, prfum
  ldst_unpriv    [Xn|SP, #simm9]      ldtr*/sttr* (at EL0 the same as ldur*)
  ldst_post      [Xn|SP], #simm9      access at Xn, then Xn += simm9
  ldst_pre       [Xn|SP, #simm9]!     Xn += simm9, then access there
  ldst_reg       [Xn|SP, Xm{, ext {#s}}]   imm = option:S (shift = S ? size : 0)
  ldr_lit        pc + imm19           rm = opc: ldr Wt, ldr Xt, ldrsw, prfm
  stp_w ldp_w ldpsw stp_x ldp_x       rs2 = Rt2, rm = mode (0 stnp/ldnp, 1 post-index,
                                      2 signed offset, 3 pre-index), imm scaled to bytes
  stxr stlxr ldxr ldaxr stxp stlxp ldxp ldaxp   exclusives (rs2 = Rs, rs3 = Rt2, rm = size|sz)
  stlr ldar                           acquire/release (rm = size)

The register classes carry size:opc in rm as the manual's shared decode does: opc 00 store,
01 load zero-extended, 10 load sign-extended to 64 bits (size 11: PRFM, a NOP here), 11 load
sign-extended to 32 bits (size 00/01 only). Rt is XZR at 31, Rn is SP.

A faulting access changes nothing (no register, no writeback) and the instruction re-runs; a
pair's second access faulting after the first store was written is the architecture's allowed
partial store. Writeback with Rn == Rt is CONSTRAINED UNPREDICTABLE; here the writeback wins.

Exclusives: the monitor is (address, size, value loaded) in RES_ADDR/RES_SIZE/RES_VALUE(2),
value-based like atomic.py's LL/SC: a store-exclusive succeeds (writes 0 to Ws, else 1) iff it
targets the monitored address and size and a compare-and-swap from the monitored value
succeeds; it always clears the monitor. Byte and halfword exclusives compare-and-swap their
aligned word (a neighbour's change fails them: the architecture allows any spurious failure).
LIMITATION: the 128-bit pair (ldxp/stxp of X registers) checks the high doubleword and then
compare-and-swaps the low one, so another vCPU's store to the high doubleword between the two
is lost; atomic.py has no 16-byte compare-and-swap yet. Every exclusive is a full barrier
(seq_cst compare-and-swap), stronger than acquire/release asks; ldar/stlr add fences.
"""
import numpy as np

from jitvm.compiled import fence, jit
from jitvm.exits import Exit
from jitvm.mmu import (CTL_EXIT, CTL_FAULT_ADDR, faulted, load_s8, load_s16, load_s32, load_u8,
                       load_u16, load_u32, load_u64, store_u8, store_u16, store_u32, store_u64)
from translators.atomic import READ, WRITE, amo_cas, amo_load, atomic_pa
from translators.aarch64.a64_base import extend_reg, illegal
from translators.aarch64.cpu import RES_ADDR, RES_SIZE, RES_VALUE, RES_VALUE2, wsp, wx, xr

M32 = 0xFFFFFFFF
DONE, FAULT, UNALLOCATED = 0, 1, 2


@jit
def untag(va):
    """Top-byte ignore: Linux runs arm64 user space with TBI0, so bits 63:56 of a data address
    are not part of it, nor of the fault address it reports. As Linux's untagged_addr: an
    address with bit 55 set (the kernel's half, TTBR1) is left as it is, and faults."""
    return va & ((va << 8) >> 8)


@jit
def load(m, va, size, signed):
    """1 << size bytes at va (tag ignored), zero- or sign-extended to 64 bits."""
    va = untag(va)
    if size == 0:
        return load_s8(m, va) if signed else load_u8(m, va)
    if size == 1:
        return load_s16(m, va) if signed else load_u16(m, va)
    if size == 2:
        return load_s32(m, va) if signed else load_u32(m, va)
    return load_u64(m, va)


@jit
def store(m, va, v, size):
    """True when done (False: faulted, nothing written). The tag of va is ignored."""
    va = untag(va)
    if size == 0:
        return store_u8(m, va, v)
    if size == 1:
        return store_u16(m, va, v)
    if size == 2:
        return store_u32(m, va, v)
    return store_u64(m, va, v)


@jit
def memop(r, m, rt, va, size_opc, prfm_ok):
    """The access of one load/store register instruction: DONE, FAULT or UNALLOCATED."""
    size, opc = size_opc >> 2, size_opc & 3
    if opc == 0:
        return DONE if store(m, va, xr(r, rt), size) else FAULT
    if opc >= 2 and size == 3:
        return DONE if opc == 2 and prfm_ok else UNALLOCATED       # PRFM: a hint
    if opc == 3 and size == 2:
        return UNALLOCATED
    v = load(m, va, size, opc >= 2)
    if faulted(m):
        return FAULT
    wx(r, rt, v & M32 if opc == 3 else v)
    return DONE


@jit
def finish(r, m, pc, ilen, status, rn, wb, new_base):
    if status == UNALLOCATED:
        return illegal(m, pc)
    if status == FAULT:
        return pc
    if wb:
        wsp(r, rn, new_base)
    return pc + ilen


@jit
def exec_ldst_ui(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return finish(r, m, pc, ilen, memop(r, m, rd, r[rs1] + imm, rm, True), rs1, False, 0)


@jit
def exec_ldst_unscaled(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return finish(r, m, pc, ilen, memop(r, m, rd, r[rs1] + imm, rm, True), rs1, False, 0)


@jit
def exec_ldst_unpriv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return finish(r, m, pc, ilen, memop(r, m, rd, r[rs1] + imm, rm, False), rs1, False, 0)


@jit
def exec_ldst_post(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    base = r[rs1]
    return finish(r, m, pc, ilen, memop(r, m, rd, base, rm, False), rs1, True, base + imm)


@jit
def exec_ldst_pre(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    va = r[rs1] + imm
    return finish(r, m, pc, ilen, memop(r, m, rd, va, rm, False), rs1, True, va)


@jit
def exec_ldst_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    option = imm >> 1
    if option & 2 == 0:                                   # option<1> = 0: unallocated
        return illegal(m, pc)
    shift = (rm >> 2) if imm & 1 else 0
    va = r[rs1] + extend_reg(xr(r, rs2), option, shift, 1)
    return finish(r, m, pc, ilen, memop(r, m, rd, va, rm, True), rs1, False, 0)


@jit
def exec_ldr_lit(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if rm == 3:                                           # PRFM (literal)
        return pc + ilen
    va = pc + imm
    v = load_u32(m, va) if rm == 0 else (load_u64(m, va) if rm == 1 else load_s32(m, va))
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


# ---- pairs --------------------------------------------------------------------------------------
@jit
def pair(r, m, pc, ilen, rt, rn, rt2, mode, imm, size, is_load, signed):
    base = r[rn]
    va = base if mode == 1 else base + imm
    n = 1 << size
    if is_load:
        v1 = load(m, va, size, signed)
        if faulted(m):                      # the first word's address, not the second's
            return pc
        v2 = load(m, va + n, size, signed)
        if faulted(m):
            return pc
        wx(r, rt2, v2)                      # rt == rt2 (CONSTRAINED UNPREDICTABLE): the first
        wx(r, rt, v1)                       # word, as qemu
    else:
        if not store(m, va, xr(r, rt), size) or not store(m, va + n, xr(r, rt2), size):
            return pc
    if mode == 1 or mode == 3:
        wsp(r, rn, base + imm)
    return pc + ilen


@jit
def exec_stp_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pair(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 2, False, False)


@jit
def exec_ldp_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pair(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 2, True, False)


@jit
def exec_ldpsw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if rm == 0:                                           # no "ldnpsw"
        return illegal(m, pc)
    return pair(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 2, True, True)


@jit
def exec_stp_x(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pair(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 3, False, False)


@jit
def exec_ldp_x(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pair(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 3, True, False)


# ---- exclusives ---------------------------------------------------------------------------------
@jit(inline="never")
def load_exclusive(r, m, pc, ilen, rt, rn, size):
    va = untag(r[rn])
    n = np.int64(1) << size
    pa = atomic_pa(m, va, n, READ)
    if pa < 0:
        return pc
    if size >= 2:
        v = amo_load(m, pa, n)
        r[RES_VALUE] = v
        v = v & M32 if size == 2 else v
    else:                                   # the aligned word holding the byte/halfword
        word = amo_load(m, pa & ~3, 4)
        r[RES_VALUE] = word
        v = ((word & M32) >> (8 * (pa & 3))) & ((np.int64(1) << (8 * n)) - 1)
    r[RES_ADDR] = va
    r[RES_SIZE] = n
    wx(r, rt, v)
    return pc + ilen


@jit(inline="never")
def store_exclusive(r, m, pc, ilen, rs, rt, rn, size):
    va = untag(r[rn])
    n = np.int64(1) << size
    pa = atomic_pa(m, va, n, WRITE)
    if pa < 0:
        return pc
    ok = r[RES_ADDR] == va and r[RES_SIZE] == n
    if ok:
        v = xr(r, rt)
        if size >= 2:
            ok = amo_cas(m, pa, r[RES_VALUE], v, n)
        else:
            sh = 8 * (pa & 3)
            mask = ((np.int64(1) << (8 * n)) - 1) << sh
            old = r[RES_VALUE]
            ok = amo_cas(m, pa & ~3, old, (old & ~mask) | ((v << sh) & mask), 4)
    r[RES_ADDR] = -1
    wx(r, rs, np.int64(0) if ok else np.int64(1))
    return pc + ilen


@jit(inline="never")
def load_exclusive_pair(r, m, pc, ilen, rt, rt2, rn, sz):
    va = untag(r[rn])
    n = np.int64(8) << sz                   # the whole pair, aligned to its size
    pa = atomic_pa(m, va, n, READ)
    if pa < 0:
        return pc
    v = amo_load(m, pa, 8)
    r[RES_VALUE] = v
    if sz == 0:
        v1, v2 = v & M32, (v >> 32) & M32
    else:
        v2 = amo_load(m, pa + 8, 8)
        r[RES_VALUE2] = v2
        v1 = v
    r[RES_ADDR] = va
    r[RES_SIZE] = n
    wx(r, rt, v1)
    wx(r, rt2, v2)
    return pc + ilen


@jit(inline="never")
def store_exclusive_pair(r, m, pc, ilen, rs, rt, rt2, rn, sz):
    va = untag(r[rn])
    n = np.int64(8) << sz
    pa = atomic_pa(m, va, n, WRITE)
    if pa < 0:
        return pc
    ok = r[RES_ADDR] == va and r[RES_SIZE] == n
    if ok:
        if sz == 0:
            ok = amo_cas(m, pa, r[RES_VALUE], (xr(r, rt) & M32) | (xr(r, rt2) << 32), 8)
        else:                               # see LIMITATION above
            ok = amo_load(m, pa + 8, 8) == r[RES_VALUE2] and amo_cas(m, pa, r[RES_VALUE],
                                                                     xr(r, rt), 8)
            if ok:
                amo_cas(m, pa + 8, r[RES_VALUE2], xr(r, rt2), 8)
    r[RES_ADDR] = -1
    wx(r, rs, np.int64(0) if ok else np.int64(1))
    return pc + ilen


@jit
def exec_stxr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_exclusive(r, m, pc, ilen, rs2, rd, rs1, rm)


@jit
def exec_stlxr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_exclusive(r, m, pc, ilen, rs2, rd, rs1, rm)


@jit
def exec_ldxr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_exclusive(r, m, pc, ilen, rd, rs1, rm)


@jit
def exec_ldaxr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_exclusive(r, m, pc, ilen, rd, rs1, rm)


@jit
def exec_stxp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_exclusive_pair(r, m, pc, ilen, rs2, rd, rs3, rs1, rm)


@jit
def exec_stlxp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_exclusive_pair(r, m, pc, ilen, rs2, rd, rs3, rs1, rm)


@jit
def exec_ldxp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_exclusive_pair(r, m, pc, ilen, rd, rs3, rs1, rm)


@jit
def exec_ldaxp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_exclusive_pair(r, m, pc, ilen, rd, rs3, rs1, rm)


# ---- load-acquire / store-release ---------------------------------------------------------------
@jit
def misaligned(m, va, size):
    """Acquire/release accesses need natural alignment (an alignment fault, SIGBUS, before any
    translation fault: Cortex-A53 has no LSE2); records Exit.MISALIGNED if va is not."""
    if va & ((np.int64(1) << size) - 1):
        m[4][CTL_EXIT] = Exit.MISALIGNED
        m[4][CTL_FAULT_ADDR] = untag(va)
        return True
    return False


@jit
def exec_stlr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if misaligned(m, r[rs1], rm):
        return pc
    fence()                                 # earlier accesses complete first
    return pc + ilen if store(m, r[rs1], xr(r, rd), rm) else pc


@jit
def exec_ldar(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if misaligned(m, r[rs1], rm):
        return pc
    v = load(m, r[rs1], rm, False)
    if faulted(m):
        return pc
    fence()                                 # later accesses wait for this one
    wx(r, rd, v)
    return pc + ilen
