"""LoongArch64 base integer instructions: one `exec_<name>` per instruction.

Menu: arithmetic and logic (3R, 2R, immediate forms), shifts and rotates, multiply/divide,
bit counting and reversal, bytepick/alsl/bstrins/bstrpick, the upper-immediate and pc-relative
forms, branches and jumps, loads and stores (plain, indexed, ldptr/stptr, preld/preldx as no-ops),
the bound-checking loads/stores and asrtle.d/asrtgt.d, crc.w.*.w and crcc.w.*.w.

Operands as the decoder delivers them: rd, rs1 = rj, rs2 = rk; immediates already sign- or
zero-extended, ldptr/branch offsets already scaled to bytes, lu12i/lu32i/lu52i/addu16i/pcadd*
immediates raw (shifted here). Every `.w` result is a 32-bit value sign-extended into the 64-bit
register. Memory instructions check `faulted(m)` before writing a register: a faulting
instruction changes nothing and re-runs.

Where the manual leaves a result undefined, this matches qemu-loongarch64 7.2 (the differential
oracle; every ALU instruction here was compared with it on a few thousand operand pairs): x/0 = x
and x%0 = 0 for every width (QEMU divides by 1 instead), INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0;
bstrins/bstrpick with msb < lsb are illegal (SIGILL there); the bound checks compare unsigned.
"""
import numpy as np

from jitvm.compiled import jit, ltu, s64, sext32, u64
from jitvm.exits import Exit
from jitvm.mmu import (CTL_EXIT, CTL_FAULT_ADDR, faulted, load_s8, load_s16, load_s32, load_u8,
                       load_u16, load_u32, load_u64, store_u8, store_u16, store_u32, store_u64)
from translators.intops import div_trunc, mulh64, mulhu64, rem_trunc, sext8, sext16, srl64
from translators.loongarch64.cpu import FCC0, RA, wx

M32 = 0xFFFFFFFF
INT64_MIN = np.int64(-(1 << 63))
CRC32_POLY = 0xEDB88320        # CRC-32 (IEEE 802.3), reflected
CRC32C_POLY = 0x82F63B78       # CRC-32C (Castagnoli), reflected


# ---- helpers ------------------------------------------------------------------------------------
@jit
def rotr64(x, s):
    """Rotate right by 0..63 (s == 0 apart: a shift by 64 is undefined in LLVM)."""
    return x if s == 0 else srl64(x, s) | (x << (64 - s))


@jit
def rotr32(x, s):
    """Rotate the low word right by 0..31, sign-extended."""
    w = x & M32
    return sext32((w >> s) | (w << (32 - s)))


@jit
def clz64(x):
    """Leading zeros of the 64-bit pattern x (64 for 0), by halving."""
    if x == 0:
        return np.int64(64)
    n = np.int64(0)
    for k in (32, 16, 8, 4, 2, 1):
        if x & (np.int64(-1) << (64 - k)) == 0:       # the top k bits are all zero
            n += k
            x <<= k
    return n


@jit
def ctz64(x):
    """Trailing zeros (64 for 0): the lowest set bit alone, counted from the top."""
    return np.int64(64) if x == 0 else 63 - clz64(x & -x)


@jit
def bswap_in_halves(x):
    """Swap the two bytes of every halfword."""
    return ((x >> 8) & 0x00FF00FF00FF00FF) | ((x & 0x00FF00FF00FF00FF) << 8)


@jit
def swap_halves_in_words(x):
    """Swap the two halfwords of every word."""
    return ((x >> 16) & 0x0000FFFF0000FFFF) | ((x & 0x0000FFFF0000FFFF) << 16)


@jit
def bitrev_in_bytes(v):
    """Reverse the bits of every byte (QEMU's helper_bitswap)."""
    v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1)
    v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2)
    return ((v >> 4) & 0x0F0F0F0F0F0F0F0F) | ((v & 0x0F0F0F0F0F0F0F0F) << 4)


@jit
def bswap64(x):
    return rotr64(swap_halves_in_words(bswap_in_halves(x)), 32)


@jit
def crc_update(crc, data, nbytes, poly):
    """A reflected CRC register `crc` (low 32 bits) after the low `nbytes` bytes of data, least
    significant first, with no inversion before or after (the instruction's definition: software
    inverts), as a sign-extended word. Bitwise: crc instructions are rare, a table is not needed."""
    crc &= M32
    for i in range(8 * nbytes):
        crc = (crc >> 1) ^ (poly if (crc ^ (data >> i)) & 1 else 0)
    return sext32(crc)


@jit
def illegal(m, pc):
    """An encoding QEMU rejects (SIGILL) though the table lets it through (register-dependent)."""
    m[4][CTL_EXIT] = Exit.ILLEGAL
    return pc


@jit
def loaded(r, m, pc, ilen, rd, v):
    """Finish a load of v: write rd unless the access faulted (then the instruction re-runs)."""
    if faulted(m):
        return pc
    wx(r, rd, v)
    return pc + ilen


@jit
def stored(done, pc, ilen):
    return pc + ilen if done else pc


@jit
def out_of_bounds(m, addr, bound, greater):
    """The bound check of ldgt/stgt/asrtgt (`greater`: addr > bound) or ldle/stle/asrtle
    (addr <= bound), compared unsigned as QEMU 7.2 does. A failure exits with Exit.BOUNDS and
    the address checked; the instruction then changed nothing."""
    fails = not ltu(bound, addr) if greater else ltu(bound, addr)
    if fails:
        ctl = m[4]
        ctl[CTL_EXIT] = Exit.BOUNDS
        ctl[CTL_FAULT_ADDR] = addr
    return fails


# ---- 3R arithmetic and logic --------------------------------------------------------------------

@jit
def exec_add_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] + r[rs2]))
    return pc + ilen


@jit
def exec_add_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] + r[rs2])
    return pc + ilen


@jit
def exec_sub_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] - r[rs2]))
    return pc + ilen


@jit
def exec_sub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] - r[rs2])
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
def exec_maskeqz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(0) if r[rs2] == 0 else r[rs1])
    return pc + ilen


@jit
def exec_masknez(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(0) if r[rs2] != 0 else r[rs1])
    return pc + ilen


@jit
def exec_nor(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, ~(r[rs1] | r[rs2]))
    return pc + ilen


@jit
def exec_and(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] & r[rs2])
    return pc + ilen


@jit
def exec_or(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] | r[rs2])
    return pc + ilen


@jit
def exec_xor(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] ^ r[rs2])
    return pc + ilen


@jit
def exec_orn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] | ~r[rs2])
    return pc + ilen


@jit
def exec_andn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] & ~r[rs2])
    return pc + ilen


# ---- shifts by register (the amount is rk mod 32 or mod 64) -------------------------------------

@jit
def exec_sll_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] << (r[rs2] & 31)))
    return pc + ilen


@jit
def exec_srl_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32((r[rs1] & M32) >> (r[rs2] & 31)))
    return pc + ilen


@jit
def exec_sra_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1]) >> (r[rs2] & 31))
    return pc + ilen


@jit
def exec_sll_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] << (r[rs2] & 63))
    return pc + ilen


@jit
def exec_srl_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, srl64(r[rs1], r[rs2] & 63))
    return pc + ilen


@jit
def exec_sra_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] >> (r[rs2] & 63))
    return pc + ilen


@jit
def exec_rotr_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rotr32(r[rs1], r[rs2] & 31))
    return pc + ilen


@jit
def exec_rotr_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rotr64(r[rs1], r[rs2] & 63))
    return pc + ilen


# ---- shifts by immediate (ui5 / ui6) ------------------------------------------------------------

@jit
def exec_slli_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] << imm))
    return pc + ilen


@jit
def exec_slli_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] << imm)
    return pc + ilen


@jit
def exec_srli_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32((r[rs1] & M32) >> imm))
    return pc + ilen


@jit
def exec_srli_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, srl64(r[rs1], imm))
    return pc + ilen


@jit
def exec_srai_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1]) >> imm)
    return pc + ilen


@jit
def exec_srai_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] >> imm)
    return pc + ilen


@jit
def exec_rotri_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rotr32(r[rs1], imm))
    return pc + ilen


@jit
def exec_rotri_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rotr64(r[rs1], imm))
    return pc + ilen


# ---- multiply ---------------------------------------------------------------------------------

@jit
def exec_mul_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(sext32(r[rs1]) * sext32(r[rs2])))       # |product| <= 2**62: no wrap
    return pc + ilen


@jit
def exec_mulh_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (sext32(r[rs1]) * sext32(r[rs2])) >> 32)     # |product| <= 2**62: exact
    return pc + ilen


@jit
def exec_mulh_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    # the high word of the 64-bit product, sign-extended (the manual's SignExtend; QEMU's sari)
    wx(r, rd, ((r[rs1] & M32) * (r[rs2] & M32)) >> 32)
    return pc + ilen


@jit
def exec_mul_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] * r[rs2])
    return pc + ilen


@jit
def exec_mulh_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, mulh64(r[rs1], r[rs2]))
    return pc + ilen


@jit
def exec_mulh_du(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, mulhu64(r[rs1], r[rs2]))
    return pc + ilen


@jit
def exec_mulw_d_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1]) * sext32(r[rs2]))
    return pc + ilen


@jit
def exec_mulw_d_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (r[rs1] & M32) * (r[rs2] & M32))
    return pc + ilen


# ---- divide: never traps (compilers emit `break 7` checks); QEMU 7.2's results --------------

@jit
def exec_div_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = sext32(r[rs1]), sext32(r[rs2])
    wx(r, rd, a if b == 0 else sext32(div_trunc(a, b)))     # -2**31/-1 wraps to -2**31
    return pc + ilen


@jit
def exec_mod_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = sext32(r[rs1]), sext32(r[rs2])
    wx(r, rd, np.int64(0) if b == 0 else sext32(rem_trunc(a, b)))
    return pc + ilen


@jit
def exec_div_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1] & M32, r[rs2] & M32
    wx(r, rd, sext32(a if b == 0 else a // b))
    return pc + ilen


@jit
def exec_mod_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1] & M32, r[rs2] & M32
    wx(r, rd, np.int64(0) if b == 0 else sext32(a % b))
    return pc + ilen


@jit
def exec_div_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1], r[rs2]
    overflow = a == INT64_MIN and b == -1
    wx(r, rd, a if b == 0 or overflow else div_trunc(a, b))
    return pc + ilen


@jit
def exec_mod_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1], r[rs2]
    wx(r, rd, np.int64(0) if b == 0 or b == -1 else rem_trunc(a, b))
    return pc + ilen


@jit
def exec_div_du(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1], r[rs2]
    wx(r, rd, a if b == 0 else s64(u64(a) // u64(b)))
    return pc + ilen


@jit
def exec_mod_du(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1], r[rs2]
    wx(r, rd, np.int64(0) if b == 0 else s64(u64(a) % u64(b)))
    return pc + ilen


# ---- crc.w.{b,h,w,d}.w rd, rj, rk: rd = CRC of rk's word updated with rj's low bytes -----------

@jit
def exec_crc_w_b_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 1, CRC32_POLY))
    return pc + ilen


@jit
def exec_crc_w_h_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 2, CRC32_POLY))
    return pc + ilen


@jit
def exec_crc_w_w_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 4, CRC32_POLY))
    return pc + ilen


@jit
def exec_crc_w_d_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 8, CRC32_POLY))
    return pc + ilen


@jit
def exec_crcc_w_b_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 1, CRC32C_POLY))
    return pc + ilen


@jit
def exec_crcc_w_h_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 2, CRC32C_POLY))
    return pc + ilen


@jit
def exec_crcc_w_w_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 4, CRC32C_POLY))
    return pc + ilen


@jit
def exec_crcc_w_d_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, crc_update(r[rs2], r[rs1], 8, CRC32C_POLY))
    return pc + ilen


# ---- alsl (shift by rm + 1, then add) and bytepick (rm = sa) ----------------------------------

@jit
def exec_alsl_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32((r[rs1] << (rm + 1)) + r[rs2]))
    return pc + ilen


@jit
def exec_alsl_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, ((r[rs1] << (rm + 1)) + r[rs2]) & M32)
    return pc + ilen


@jit
def exec_alsl_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (r[rs1] << (rm + 1)) + r[rs2])
    return pc + ilen


@jit
def exec_bytepick_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    # rd = rk's low 4 - sa bytes above rj's top sa bytes (of the low word), sign-extended
    a, b = r[rs1] & M32, r[rs2]
    wx(r, rd, sext32(b if rm == 0 else (b << (8 * rm)) | (a >> (32 - 8 * rm))))
    return pc + ilen


@jit
def exec_bytepick_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a, b = r[rs1], r[rs2]
    wx(r, rd, b if rm == 0 else (b << (8 * rm)) | srl64(a, 64 - 8 * rm))
    return pc + ilen


# ---- 2R bit operations ------------------------------------------------------------------------

@jit
def exec_clo_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, clz64(~r[rs1] & M32) - 32)
    return pc + ilen


@jit
def exec_clz_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, clz64(r[rs1] & M32) - 32)
    return pc + ilen


@jit
def exec_cto_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, ctz64(~r[rs1] | ~M32))            # a zero low word counts 32
    return pc + ilen


@jit
def exec_ctz_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, ctz64(r[rs1] | ~M32))
    return pc + ilen


@jit
def exec_clo_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, clz64(~r[rs1]))
    return pc + ilen


@jit
def exec_clz_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, clz64(r[rs1]))
    return pc + ilen


@jit
def exec_cto_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, ctz64(~r[rs1]))
    return pc + ilen


@jit
def exec_ctz_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, ctz64(r[rs1]))
    return pc + ilen


@jit
def exec_revb_2h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(bswap_in_halves(r[rs1])))
    return pc + ilen


@jit
def exec_revb_4h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, bswap_in_halves(r[rs1]))
    return pc + ilen


@jit
def exec_revb_2w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, swap_halves_in_words(bswap_in_halves(r[rs1])))
    return pc + ilen


@jit
def exec_revb_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, bswap64(r[rs1]))
    return pc + ilen


@jit
def exec_revh_2w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, swap_halves_in_words(r[rs1]))
    return pc + ilen


@jit
def exec_revh_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rotr64(swap_halves_in_words(r[rs1]), 32))
    return pc + ilen


@jit
def exec_bitrev_4b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(bitrev_in_bytes(r[rs1])))
    return pc + ilen


@jit
def exec_bitrev_8b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, bitrev_in_bytes(r[rs1]))
    return pc + ilen


@jit
def exec_bitrev_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    # reversing all 64 bits puts the low word's reversal in the high word
    wx(r, rd, sext32(srl64(bswap64(bitrev_in_bytes(r[rs1])), 32)))
    return pc + ilen


@jit
def exec_bitrev_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, bswap64(bitrev_in_bytes(r[rs1])))
    return pc + ilen


@jit
def exec_ext_w_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext16(r[rs1]))
    return pc + ilen


@jit
def exec_ext_w_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext8(r[rs1]))
    return pc + ilen


# ---- bit fields: rm = msb, imm = lsb; msb < lsb is illegal (as in QEMU) ------------------------

@jit
def field_mask(msb, lsb):
    """Ones in bits lsb..msb (0 <= lsb <= msb <= 63)."""
    width = msb - lsb + 1
    return np.int64(-1) << lsb if width == 64 - lsb else ((np.int64(1) << width) - 1) << lsb


@jit
def exec_bstrins_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if rm < imm:
        return illegal(m, pc)
    mask = field_mask(rm, imm)
    wx(r, rd, sext32((r[rd] & ~mask) | ((r[rs1] << imm) & mask)))
    return pc + ilen


@jit
def exec_bstrins_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if rm < imm:
        return illegal(m, pc)
    mask = field_mask(rm, imm)
    wx(r, rd, (r[rd] & ~mask) | ((r[rs1] << imm) & mask))
    return pc + ilen


@jit
def exec_bstrpick_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if rm < imm:
        return illegal(m, pc)
    wx(r, rd, sext32((r[rs1] & field_mask(rm, imm)) >> imm))     # only msb = 31 sign-extends
    return pc + ilen


@jit
def exec_bstrpick_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if rm < imm:
        return illegal(m, pc)
    wx(r, rd, srl64(r[rs1] & field_mask(rm, imm), imm))
    return pc + ilen


# ---- immediate forms ----------------------------------------------------------------------------

@jit
def exec_slti(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(r[rs1] < imm))
    return pc + ilen


@jit
def exec_sltui(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, np.int64(ltu(r[rs1], imm)))      # si12 sign-extended, then compared unsigned
    return pc + ilen


@jit
def exec_addi_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, sext32(r[rs1] + imm))
    return pc + ilen


@jit
def exec_addi_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] + imm)
    return pc + ilen


@jit
def exec_andi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] & imm)
    return pc + ilen


@jit
def exec_ori(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] | imm)
    return pc + ilen


@jit
def exec_xori(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] ^ imm)
    return pc + ilen


@jit
def exec_lu12i_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, imm << 12)                      # si20: already sign-extended to 64 bits
    return pc + ilen


@jit
def exec_lu32i_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (r[rd] & M32) | (imm << 32))    # bits 52..63 repeat si20's sign
    return pc + ilen


@jit
def exec_lu52i_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (r[rs1] & ((np.int64(1) << 52) - 1)) | (imm << 52))
    return pc + ilen


@jit
def exec_addu16i_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, r[rs1] + (imm << 16))
    return pc + ilen


@jit
def exec_pcaddi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, pc + (imm << 2))
    return pc + ilen


@jit
def exec_pcalau12i(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (pc + (imm << 12)) & ~0xFFF)
    return pc + ilen


@jit
def exec_pcaddu12i(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, pc + (imm << 12))
    return pc + ilen


@jit
def exec_pcaddu18i(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, pc + (imm << 18))
    return pc + ilen


# ---- branches and jumps (imm: byte offset from this instruction) ------------------------------

@jit
def branch(taken, pc, ilen, imm):
    return pc + imm if taken else pc + ilen


@jit
def exec_beq(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] == r[rd], pc, ilen, imm)


@jit
def exec_bne(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] != r[rd], pc, ilen, imm)


@jit
def exec_blt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] < r[rd], pc, ilen, imm)


@jit
def exec_bge(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] >= r[rd], pc, ilen, imm)


@jit
def exec_bltu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(ltu(r[rs1], r[rd]), pc, ilen, imm)


@jit
def exec_bgeu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(not ltu(r[rs1], r[rd]), pc, ilen, imm)


@jit
def exec_beqz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] == 0, pc, ilen, imm)


@jit
def exec_bnez(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[rs1] != 0, pc, ilen, imm)


@jit
def exec_bceqz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[FCC0 + rs1] == 0, pc, ilen, imm)


@jit
def exec_bcnez(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r[FCC0 + rs1] != 0, pc, ilen, imm)


@jit
def exec_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + imm


@jit
def exec_bl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, RA, pc + ilen)
    return pc + imm


@jit
def exec_jirl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    target = r[rs1] + imm                     # read rj before writing rd: they may be the same
    wx(r, rd, pc + ilen)
    return target


# ---- loads and stores (st.*/stx.*: rd is the data; misaligned ones are emulated) ---------------

@jit
def exec_ld_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_s8(m, r[rs1] + imm))


@jit
def exec_ld_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_s16(m, r[rs1] + imm))


@jit
def exec_ld_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_s32(m, r[rs1] + imm))


@jit
def exec_ld_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u64(m, r[rs1] + imm))


@jit
def exec_ld_bu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u8(m, r[rs1] + imm))


@jit
def exec_ld_hu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u16(m, r[rs1] + imm))


@jit
def exec_ld_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u32(m, r[rs1] + imm))


@jit
def exec_st_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u8(m, r[rs1] + imm, r[rd]), pc, ilen)


@jit
def exec_st_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u16(m, r[rs1] + imm, r[rd]), pc, ilen)


@jit
def exec_st_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u32(m, r[rs1] + imm, r[rd]), pc, ilen)


@jit
def exec_st_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u64(m, r[rs1] + imm, r[rd]), pc, ilen)


@jit
def exec_preld(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen                          # a hint: never faults


@jit
def exec_ldx_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_s8(m, r[rs1] + r[rs2]))


@jit
def exec_ldx_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_s16(m, r[rs1] + r[rs2]))


@jit
def exec_ldx_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_s32(m, r[rs1] + r[rs2]))


@jit
def exec_ldx_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u64(m, r[rs1] + r[rs2]))


@jit
def exec_ldx_bu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u8(m, r[rs1] + r[rs2]))


@jit
def exec_ldx_hu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u16(m, r[rs1] + r[rs2]))


@jit
def exec_ldx_wu(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u32(m, r[rs1] + r[rs2]))


@jit
def exec_stx_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u8(m, r[rs1] + r[rs2], r[rd]), pc, ilen)


@jit
def exec_stx_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u16(m, r[rs1] + r[rs2], r[rd]), pc, ilen)


@jit
def exec_stx_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u32(m, r[rs1] + r[rs2], r[rd]), pc, ilen)


@jit
def exec_stx_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u64(m, r[rs1] + r[rs2], r[rd]), pc, ilen)


@jit
def exec_preldx(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    # a hint, as the manual defines it (QEMU 7.2 does not know preldx: SIGILL there)
    return pc + ilen


@jit
def exec_ldptr_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_s32(m, r[rs1] + imm))


@jit
def exec_ldptr_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return loaded(r, m, pc, ilen, rd, load_u64(m, r[rs1] + imm))


@jit
def exec_stptr_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u32(m, r[rs1] + imm, r[rd]), pc, ilen)


@jit
def exec_stptr_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return stored(store_u64(m, r[rs1] + imm, r[rd]), pc, ilen)


# ---- bound-checking accesses at rj, bound rk: the check first, then the access --------------

@jit
def exec_ldgt_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else loaded(r, m, pc, ilen, rd, load_s8(m, a))


@jit
def exec_ldgt_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else loaded(r, m, pc, ilen, rd, load_s16(m, a))


@jit
def exec_ldgt_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else loaded(r, m, pc, ilen, rd, load_s32(m, a))


@jit
def exec_ldgt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else loaded(r, m, pc, ilen, rd, load_u64(m, a))


@jit
def exec_ldle_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], False) else loaded(r, m, pc, ilen, rd, load_s8(m, a))


@jit
def exec_ldle_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return (pc if out_of_bounds(m, a, r[rs2], False)
            else loaded(r, m, pc, ilen, rd, load_s16(m, a)))


@jit
def exec_ldle_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return (pc if out_of_bounds(m, a, r[rs2], False)
            else loaded(r, m, pc, ilen, rd, load_s32(m, a)))


@jit
def exec_ldle_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return (pc if out_of_bounds(m, a, r[rs2], False)
            else loaded(r, m, pc, ilen, rd, load_u64(m, a)))


@jit
def exec_stgt_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else stored(store_u8(m, a, r[rd]), pc, ilen)


@jit
def exec_stgt_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else stored(store_u16(m, a, r[rd]), pc, ilen)


@jit
def exec_stgt_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else stored(store_u32(m, a, r[rd]), pc, ilen)


@jit
def exec_stgt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], True) else stored(store_u64(m, a, r[rd]), pc, ilen)


@jit
def exec_stle_b(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], False) else stored(store_u8(m, a, r[rd]), pc, ilen)


@jit
def exec_stle_h(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], False) else stored(store_u16(m, a, r[rd]), pc, ilen)


@jit
def exec_stle_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], False) else stored(store_u32(m, a, r[rd]), pc, ilen)


@jit
def exec_stle_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    a = r[rs1]
    return pc if out_of_bounds(m, a, r[rs2], False) else stored(store_u64(m, a, r[rd]), pc, ilen)


@jit
def exec_asrtle_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc if out_of_bounds(m, r[rs1], r[rs2], False) else pc + ilen


@jit
def exec_asrtgt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc if out_of_bounds(m, r[rs1], r[rs2], True) else pc + ilen
