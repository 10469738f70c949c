"""mipsel loads, stores and atomics: one `exec_<name>` per instruction.

Menu: lb/lbu/lh/lhu/lw, sb/sh/sw, the unaligned-word halves lwl/lwr/swl/swr, pref (a hint:
nothing), ll/sc, sync, synci.

Operands: rd = rt (the loaded register, or the stored data), rs1 = base, imm = offset; the
address is the low 32 bits of base + offset (`va`). A faulting access changes nothing: the load
helpers of jitvm/mmu.py record the fault in ctl, and the instruction returns its own pc with NPC
untouched, so it re-runs (or the kernel reports it) as the instruction it is -- in a delay slot
too. Misaligned lh/lhu/lw/sh/sw are done as plain accesses, byte by byte where needed: Linux
emulates them for user programs (arch/mips/kernel/unaligned.c), so a program sees the access
succeed either way.

lwl/lwr/swl/swr, little-endian: with b = address & 3, lwl fills the top b + 1 bytes of rt
from the aligned word's bytes 0..b (the most significant part of an unaligned word whose last
byte is at the address), lwr the low 4 - b bytes from bytes b..3; swl stores rt's top b + 1
bytes at the aligned word's bytes 0..b, swr rt's low 4 - b bytes at bytes b..3. lwl/lwr read the
aligned word (one page: it faults exactly when the bytes they need do); swl/swr write only their
bytes. Each first touches the byte at the address itself, so a fault reports that address (the
hardware's BadVAddr; QEMU 7.2 does the same with a byte access before the word).

ll/sc as loongarch64's ll.w/sc.w (translators/atomic.py): the reservation is the address and the
value ll loaded (r[RES_ADDR], r[RES_VALUE]); sc stores iff it targets the reserved address and a
compare-and-swap from the reserved value succeeds, writes 1 (stored) or 0 to rt and drops the
reservation. A misaligned ll/sc is Exit.MISALIGNED (the hardware's address error: SIGBUS).
sync is a full barrier (every stype); synci exits with Exit.FENCE_I (code may have changed:
translations are dropped), like loongarch64's ibar, and ends its block.
"""
import numpy as np

from jitvm.compiled import fence, jit
from jitvm.exits import Exit
from jitvm.mmu import (CTL_EXIT, faulted, load_s8, load_s16, load_s32, load_u8, load_u16,
                       load_u32, store_u8, store_u16, store_u32)
from translators.atomic import READ, WRITE, amo_cas, amo_load, atomic_pa
from translators.mipsel.cpu import RES_ADDR, RES_VALUE, advance, va, wx

M32 = 0xFFFFFFFF


@jit
def loaded(r, m, pc, rd, v):
    """Finish a load of v: write rt unless the access faulted (then the instruction re-runs)."""
    if faulted(m):
        return pc
    wx(r, rd, v)
    return advance(r)


@jit
def stored(r, done, pc):
    return advance(r) if done else pc


# ---- loads --------------------------------------------------------------------------------------

@jit
def exec_lb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, rd, load_s8(m, va(r[rs1] + imm)))


@jit
def exec_lbu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, rd, load_u8(m, va(r[rs1] + imm)))


@jit
def exec_lh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, rd, load_s16(m, va(r[rs1] + imm)))


@jit
def exec_lhu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, rd, load_u16(m, va(r[rs1] + imm)))


@jit
def exec_lw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, rd, load_s32(m, va(r[rs1] + imm)))


@jit
def part_word(m, a):
    """The aligned word holding address a, after a byte access at a itself (the fault address
    of lwl/lwr is theirs, not the word's); 0 after a fault."""
    load_u8(m, a)
    return np.int64(0) if faulted(m) else load_u32(m, a & ~3)


@jit
def exec_lwl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = va(r[rs1] + imm)
    w = part_word(m, a)
    keep = (np.int64(1) << (8 * (3 - (a & 3)))) - 1     # rt's low bytes that stay
    return loaded(r, m, pc, rd, ((w << (8 * (3 - (a & 3)))) & M32) | (r[rd] & keep))


@jit
def exec_lwr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = va(r[rs1] + imm)
    w = part_word(m, a)
    shift = 8 * (a & 3)
    fill = M32 >> shift                                  # rt's low bytes that are replaced
    return loaded(r, m, pc, rd, (r[rd] & ~fill) | (w >> shift))


# ---- stores (rd = rt: the data) ----------------------------------------------------------------

@jit
def exec_sb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(r, store_u8(m, va(r[rs1] + imm), r[rd]), pc)


@jit
def exec_sh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(r, store_u16(m, va(r[rs1] + imm), r[rd]), pc)


@jit
def exec_sw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(r, store_u32(m, va(r[rs1] + imm), r[rd]), pc)


@jit
def store_bytes(m, a, v, n):
    """Store the low n (0..4) bytes of v at a, all inside one aligned word; False on a fault
    (nothing written: the first access is the one that can fault, the rest share its page)."""
    if n == 0:
        return True
    if n == 4:
        return store_u32(m, a, v)
    if n == 3:
        if a & 1:                             # bytes 1..3: a byte, then an aligned halfword
            return store_u8(m, a, v) and store_u16(m, a + 1, v >> 8)
        return store_u16(m, a, v) and store_u8(m, a + 2, v >> 16)
    if n == 2:
        return store_u16(m, a, v)
    return store_u8(m, a, v)


@jit
def exec_swl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = va(r[rs1] + imm)
    b = a & 3                                 # rt's top b + 1 bytes at the word's bytes 0..b:
    v = r[rd] & M32                           # its top byte at a first (the fault address),
    done = store_u8(m, a, v >> 24) and store_bytes(m, a & ~3, v >> (8 * (3 - b)), b)
    return stored(r, done, pc)                # then the other b below it


@jit
def exec_swr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = va(r[rs1] + imm)                      # rt's low 4 - b bytes at the word's bytes b..3
    return stored(r, store_bytes(m, a, r[rd], 4 - (a & 3)), pc)


@jit
def exec_pref(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return advance(r)                         # a hint: never faults


# ---- ll/sc, sync, synci -------------------------------------------------------------------------

@jit(inline="never")
def load_linked(r, m, pc, rd, addr):
    pa = atomic_pa(m, addr, 4, READ)
    if pa < 0:
        return pc
    v = amo_load(m, pa, 4)
    r[RES_ADDR] = addr
    r[RES_VALUE] = v
    wx(r, rd, v)
    return advance(r)


@jit(inline="never")
def store_conditional(r, m, pc, rd, addr):
    pa = atomic_pa(m, addr, 4, WRITE)
    if pa < 0:
        return pc
    ok = r[RES_ADDR] == addr and amo_cas(m, pa, r[RES_VALUE], r[rd], 4)
    r[RES_ADDR] = -1
    wx(r, rd, np.int64(1) if ok else np.int64(0))
    return advance(r)


@jit
def exec_ll(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_linked(r, m, pc, rd, va(r[rs1] + imm))


@jit
def exec_sc(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_conditional(r, m, pc, rd, va(r[rs1] + imm))


@jit
def exec_sync(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fence()                                   # every stype as the full barrier (stype 0)
    return advance(r)


@jit
def exec_synci(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    m[4][CTL_EXIT] = Exit.FENCE_I             # code may have changed: drop translations
    return advance(r)
