"""A64 data processing, immediate and register: one `exec_<name>` per instruction.

Menu: adr/adrp; add/adds/sub/subs (immediate, shifted register, extended register); and/orr/
eor/ands (immediate, with DecodeBitMasks), and/bic/orr/orn/eor/eon/ands/bics (shifted register);
movn/movz/movk; sbfm/bfm/ubfm (asr, lsl, lsr, sxtb, uxth, sbfx, ubfiz, bfi, bfxil ... are their
aliases); extr (ror #imm); adc/adcs/sbc/sbcs; ccmn/ccmp (register, immediate); csel/csinc/
csinv/csneg; rbit/rev16/rev32/rev/clz/cls; udiv/sdiv/lslv/lsrv/asrv/rorv; madd/msub/smaddl/
smsubl/umaddl/umsubl/smulh/umulh.

Operands as encodings.py decodes them: rm = sf (0: the 32-bit W form, 1: X), imm the immediate
or its packed sub-fields. A W result is written zero-extended (the architecture's rule); W
sources are read as their low 32 bits. Which operands take SP for register 31 follows the
manual's "Xn|SP" (add/sub immediate and extended, logical immediate's destination); everything
else reads and writes XZR -- cpu.py's accessors.

Flags go to the four slots NF, ZF, CF, VF (cpu.py says why). Unallocated encodings the table
lets through because they depend on sf (sf=0 with N=1 or imm6 >= 32, hw >= 2, a ROR shift in
add/sub, extend shifts > 4, reserved bitmask immediates) exit with Exit.ILLEGAL, changing
nothing. Division by zero gives 0, INT_MIN / -1 gives INT_MIN (the manual's definitions).
"""
import numpy as np

from jitvm.compiled import jit, ltu, s64, sext32, u64
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT
from translators.intops import mulh64, mulhu64, srl64
from translators.aarch64.cpu import CF, NF, VF, ZF, wsp, wx, xr

M32 = 0xFFFFFFFF
INT64_MIN = np.int64(-(1 << 63))
LSL, LSR, ASR, ROR = 0, 1, 2, 3


# ---- helpers ------------------------------------------------------------------------------------
@jit
def illegal(m, pc):
    """An encoding the manual leaves unallocated that the table could not exclude."""
    m[4][CTL_EXIT] = Exit.ILLEGAL
    return pc


@jit
def src(r, n, sf):
    """Read Xn (XZR at 31), as its low word when sf == 0."""
    v = xr(r, n)
    return v if sf else v & M32


@jit
def src_sp(r, n, sf):
    """Read Xn|SP, as its low word when sf == 0."""
    return r[n] if sf else r[n] & M32


@jit
def res(v, sf):
    """A result as the register receives it: W results zero-extended."""
    return v if sf else v & M32


@jit
def ones(n):
    """n low bits set, 0 <= n <= 64."""
    return np.int64(-1) if n >= 64 else (np.int64(1) << n) - 1


@jit
def ror(x, s, sf):
    """Rotate right the datasize-bit value x (W: its low word) by 0 <= s < datasize."""
    if sf:
        return x if s == 0 else srl64(x, s) | (x << (64 - s))
    w = x & M32
    return ((w >> s) | (w << (32 - s))) & M32 if s else w


@jit
def shift_reg(x, kind, amount, sf):
    """The manual's ShiftReg: x (already datasize wide) shifted LSL/LSR/ASR/ROR by amount."""
    if kind == LSL:
        return res(x << amount, sf)
    if kind == LSR:
        return srl64(x, amount) if sf else (x & M32) >> amount
    if kind == ASR:
        return x >> amount if sf else (sext32(x) >> amount) & M32
    return ror(x, amount, sf)


@jit
def extend_reg(x, option, shift, sf):
    """The manual's ExtendReg: UXTB UXTH UXTW UXTX SXTB SXTH SXTW SXTX (option 0..7) of Xm,
    shifted left by 0..4."""
    size = option & 3
    if size == 3:
        v = x
    else:
        bits = 8 << size
        v = x & ((np.int64(1) << bits) - 1)
        if option & 4:
            sign = np.int64(1) << (bits - 1)
            v = (v ^ sign) - sign
    return res(v << shift, sf)


@jit
def set_nz(r, v, sf):
    """N and Z of a result (flags of the logical ops; C and V cleared)."""
    r[NF] = (v >> 63) & 1 if sf else (v >> 31) & 1
    r[ZF] = np.int64(1) if res(v, sf) == 0 else np.int64(0)
    r[CF] = 0
    r[VF] = 0


@jit
def add_with_carry(r, x, y, carry, sf, setflags):
    """The manual's AddWithCarry(x, y, carry): the datasize-bit sum; NZCV when setflags.
    x, y are datasize wide (W: zero-extended words)."""
    if sf:
        s = x + y + carry
        if setflags:
            r[NF] = (s >> 63) & 1
            r[ZF] = np.int64(1) if s == 0 else np.int64(0)
            # unsigned carry out: the sum wrapped below x (or equals it with a carry in and y=-1)
            r[CF] = np.int64(1) if ltu(s, x) or (carry and s == x) else np.int64(0)
            r[VF] = (((x ^ s) & (y ^ s)) >> 63) & 1
        return s
    s = (x & M32) + (y & M32) + carry            # < 2**33: exact in int64
    w = s & M32
    if setflags:
        r[NF] = (w >> 31) & 1
        r[ZF] = np.int64(1) if w == 0 else np.int64(0)
        r[CF] = (s >> 32) & 1
        r[VF] = (((x ^ w) & (y ^ w)) >> 31) & 1
    return w


@jit
def cond_holds(r, cond):
    """The manual's ConditionHolds: cond<3:1> picks the test, cond<0> inverts it (not for 1111,
    which, like 1110, is always true)."""
    c = cond >> 1
    if c == 0:
        result = r[ZF] == 1                                   # EQ / NE
    elif c == 1:
        result = r[CF] == 1                                   # CS / CC
    elif c == 2:
        result = r[NF] == 1                                   # MI / PL
    elif c == 3:
        result = r[VF] == 1                                   # VS / VC
    elif c == 4:
        result = r[CF] == 1 and r[ZF] == 0                    # HI / LS
    elif c == 5:
        result = r[NF] == r[VF]                               # GE / LT
    elif c == 6:
        result = r[NF] == r[VF] and r[ZF] == 0                # GT / LE
    else:
        return True                                           # AL, NV
    return not result if cond & 1 else result


@jit
def decode_bit_masks(n_immr_imms, immediate, sf):
    """The manual's DecodeBitMasks(N, imms, immr, immediate) for datasize 32 << sf: (ok, wmask,
    tmask). ok is False for a reserved encoding: N:NOT(imms) with no bit set above bit 0, an
    element wider than the register, or (for the logical immediates) an all-ones element."""
    n = (n_immr_imms >> 12) & 1
    immr = (n_immr_imms >> 6) & 0x3F
    imms = n_immr_imms & 0x3F
    combined = (n << 6) | (~imms & 0x3F)
    length = -1
    for i in range(7):                                        # HighestSetBit
        if (combined >> i) & 1:
            length = i
    if length < 1 or (sf == 0 and length > 5):
        return False, np.int64(0), np.int64(0)
    levels = (1 << length) - 1
    if immediate and (imms & levels) == levels:
        return False, np.int64(0), np.int64(0)
    s = imms & levels
    rr = immr & levels
    d = (s - rr) & levels
    esize = 1 << length
    welem = ones(s + 1)
    telem = ones(d + 1)
    emask = ones(esize)
    if rr:                                                    # ROR(welem, R) within esize
        welem = (srl64(welem, rr) | (welem << (esize - rr))) & emask
    wmask, tmask = welem, telem
    e = esize
    while e < 64:                                             # Replicate to 64 bits
        wmask |= wmask << e
        tmask |= tmask << e
        e *= 2
    return True, res(wmask, sf), res(tmask, sf)


@jit
def clz(x, sf):
    """Leading zeros of the datasize-bit value x (datasize for 0), by halving."""
    width = 64 if sf else 32
    if sf == 0:
        x = (x & M32) << 32
    if x == 0:
        return np.int64(width)
    n = np.int64(0)
    for k in (32, 16, 8, 4, 2, 1):
        if x & (np.int64(-1) << (64 - k)) == 0:
            n += k
            x <<= k
    return n


@jit
def rbit64(v):
    v = ((v >> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1)
    v = ((v >> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2)
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0F) | ((v & 0x0F0F0F0F0F0F0F0F) << 4)
    v = ((v >> 8) & 0x00FF00FF00FF00FF) | ((v & 0x00FF00FF00FF00FF) << 8)
    v = ((v >> 16) & 0x0000FFFF0000FFFF) | ((v & 0x0000FFFF0000FFFF) << 16)
    return srl64(v, 32) | (v << 32)


@jit
def rev_bytes_in(v, width):
    """Reverse the bytes inside every `width`-byte container of the 64-bit v (2, 4 or 8)."""
    v = ((v >> 8) & 0x00FF00FF00FF00FF) | ((v & 0x00FF00FF00FF00FF) << 8)
    if width >= 4:
        v = ((v >> 16) & 0x0000FFFF0000FFFF) | ((v & 0x0000FFFF0000FFFF) << 16)
    if width == 8:
        v = srl64(v, 32) | (v << 32)
    return v


# ---- PC-rel addressing --------------------------------------------------------------------------
@jit
def exec_adr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, pc + imm)
    return pc + ilen


@jit
def exec_adrp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, (pc & ~0xFFF) + imm)
    return pc + ilen


# ---- add/subtract (immediate): Rd|SP = Rn|SP +- imm (the S forms write XZR) ---------------------
@jit
def exec_add_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wsp(r, rd, add_with_carry(r, src_sp(r, rs1, rm), res(imm, rm), 0, rm, False))
    return pc + ilen


@jit
def exec_adds_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, add_with_carry(r, src_sp(r, rs1, rm), res(imm, rm), 0, rm, True))
    return pc + ilen


@jit
def exec_sub_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wsp(r, rd, add_with_carry(r, src_sp(r, rs1, rm), res(~imm, rm), 1, rm, False))
    return pc + ilen


@jit
def exec_subs_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, add_with_carry(r, src_sp(r, rs1, rm), res(~imm, rm), 1, rm, True))
    return pc + ilen


# ---- logical (immediate): Rd|SP = Rn op bitmask (ands: Rd is XZR-able and sets N, Z) ------------
@jit
def logical_imm(r, m, pc, ilen, rd, rs1, rm, imm, kind):
    ok, mask, _ = decode_bit_masks(imm, True, rm)
    if not ok:
        return illegal(m, pc)
    x = src(r, rs1, rm)
    if kind == 0:
        v = x & mask
    elif kind == 1:
        v = x | mask
    elif kind == 2:
        v = x ^ mask
    else:
        v = x & mask
        set_nz(r, v, rm)
        wx(r, rd, v)
        return pc + ilen
    wsp(r, rd, v)
    return pc + ilen


@jit
def exec_and_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_imm(r, m, pc, ilen, rd, rs1, rm, imm, 0)


@jit
def exec_orr_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_imm(r, m, pc, ilen, rd, rs1, rm, imm, 1)


@jit
def exec_eor_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_imm(r, m, pc, ilen, rd, rs1, rm, imm, 2)


@jit
def exec_ands_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_imm(r, m, pc, ilen, rd, rs1, rm, imm, 3)


# ---- move wide: imm = hw:imm16 ------------------------------------------------------------------
@jit
def exec_movn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    hw = imm >> 16
    if rm == 0 and hw >= 2:
        return illegal(m, pc)
    wx(r, rd, res(~((imm & 0xFFFF) << (16 * hw)), rm))
    return pc + ilen


@jit
def exec_movz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    hw = imm >> 16
    if rm == 0 and hw >= 2:
        return illegal(m, pc)
    wx(r, rd, (imm & 0xFFFF) << (16 * hw))
    return pc + ilen


@jit
def exec_movk(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    hw = imm >> 16
    if rm == 0 and hw >= 2:
        return illegal(m, pc)
    pos = 16 * hw
    old = xr(r, rd)
    wx(r, rd, res((old & ~(np.int64(0xFFFF) << pos)) | ((imm & 0xFFFF) << pos), rm))
    return pc + ilen


# ---- bitfield: imm = N:immr:imms, N must equal sf -----------------------------------------------
@jit
def bitfield(r, m, pc, ilen, rd, rs1, rm, imm, kind):
    if (imm >> 12) != rm or (rm == 0 and (imm & 0x820) != 0):     # sf=0: immr<5>, imms<5> 0
        return illegal(m, pc)
    ok, wmask, tmask = decode_bit_masks(imm, False, rm)
    if not ok:
        return illegal(m, pc)
    immr = (imm >> 6) & 0x3F
    imms = imm & 0x3F
    x = src(r, rs1, rm)
    bot = ror(x, immr, rm) & wmask
    if kind == 0:                                     # SBFM: the bits above copy src<S>
        top = -((x >> imms) & 1)
        v = (top & ~tmask) | (bot & tmask)
    elif kind == 1:                                   # BFM: the bits outside keep Rd's
        dst = src(r, rd, rm)
        bot = (dst & ~wmask) | bot
        v = (dst & ~tmask) | (bot & tmask)
    else:                                             # UBFM
        v = bot & tmask
    wx(r, rd, res(v, rm))
    return pc + ilen


@jit
def exec_sbfm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return bitfield(r, m, pc, ilen, rd, rs1, rm, imm, 0)


@jit
def exec_bfm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return bitfield(r, m, pc, ilen, rd, rs1, rm, imm, 1)


@jit
def exec_ubfm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return bitfield(r, m, pc, ilen, rd, rs1, rm, imm, 2)


@jit
def exec_extr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """Rd = (Rn:Rm) >> lsb, datasize bits; imm = N:imms (N must equal sf, lsb < datasize)."""
    lsb = imm & 0x3F
    if (imm >> 6) != rm or (rm == 0 and lsb >= 32):
        return illegal(m, pc)
    hi, lo = src(r, rs1, rm), src(r, rs2, rm)
    if lsb == 0:
        v = lo
    elif rm:
        v = srl64(lo, lsb) | (hi << (64 - lsb))
    else:
        v = ((lo >> lsb) | (hi << (32 - lsb))) & M32
    wx(r, rd, v)
    return pc + ilen


# ---- logical (shifted register): imm = shift:imm6 ----------------------------------------------
@jit
def shifted_operand(r, rs2, imm, sf):
    return shift_reg(src(r, rs2, sf), imm >> 6, imm & 0x3F, sf)


@jit
def bad_shift(imm, sf):
    return sf == 0 and (imm & 0x20) != 0


@jit
def logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, kind, invert, setflags):
    if bad_shift(imm, rm):
        return illegal(m, pc)
    x = src(r, rs1, rm)
    y = shifted_operand(r, rs2, imm, rm)
    if invert:
        y = res(~y, rm)
    if kind == 0:
        v = x & y
    elif kind == 1:
        v = x | y
    else:
        v = x ^ y
    if setflags:
        set_nz(r, v, rm)
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_and_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, False, False)


@jit
def exec_bic_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, True, False)


@jit
def exec_orr_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 1, False, False)


@jit
def exec_orn_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 1, True, False)


@jit
def exec_eor_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 2, False, False)


@jit
def exec_eon_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 2, True, False)


@jit
def exec_ands_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, False, True)


@jit
def exec_bics_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return logical_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, True, True)


# ---- add/subtract (shifted register): XZR everywhere; no ROR ------------------------------------
@jit
def addsub_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, sub, setflags):
    if bad_shift(imm, rm) or (imm >> 6) == ROR:
        return illegal(m, pc)
    y = shifted_operand(r, rs2, imm, rm)
    if sub:
        y = res(~y, rm)
    wx(r, rd, add_with_carry(r, src(r, rs1, rm), y, sub, rm, setflags))
    return pc + ilen


@jit
def exec_add_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, False)


@jit
def exec_adds_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, True)


@jit
def exec_sub_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 1, False)


@jit
def exec_subs_sr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_sr(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 1, True)


# ---- add/subtract (extended register): Rn|SP, Rd|SP unless S; imm = option:imm3 -----------------
@jit
def addsub_ext(r, m, pc, ilen, rd, rs1, rs2, rm, imm, sub, setflags):
    shift = imm & 7
    if shift > 4:
        return illegal(m, pc)
    y = extend_reg(xr(r, rs2), imm >> 3, shift, rm)
    if sub:
        y = res(~y, rm)
    v = add_with_carry(r, src_sp(r, rs1, rm), y, sub, rm, setflags)
    if setflags:
        wx(r, rd, v)
    else:
        wsp(r, rd, v)
    return pc + ilen


@jit
def exec_add_ext(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_ext(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, False)


@jit
def exec_adds_ext(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_ext(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 0, True)


@jit
def exec_sub_ext(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_ext(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 1, False)


@jit
def exec_subs_ext(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return addsub_ext(r, m, pc, ilen, rd, rs1, rs2, rm, imm, 1, True)


# ---- add/subtract with carry --------------------------------------------------------------------
@jit
def exec_adc(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, add_with_carry(r, src(r, rs1, rm), src(r, rs2, rm), r[CF], rm, False))
    return pc + ilen


@jit
def exec_adcs(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, add_with_carry(r, src(r, rs1, rm), src(r, rs2, rm), r[CF], rm, True))
    return pc + ilen


@jit
def exec_sbc(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, add_with_carry(r, src(r, rs1, rm), res(~xr(r, rs2), rm), r[CF], rm, False))
    return pc + ilen


@jit
def exec_sbcs(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, add_with_carry(r, src(r, rs1, rm), res(~xr(r, rs2), rm), r[CF], rm, True))
    return pc + ilen


# ---- conditional compare: imm = cond:nzcv; the _imm forms carry imm5 in rs2 ---------------------
@jit
def cond_compare(r, pc, ilen, rs1, y, rm, imm, sub):
    if cond_holds(r, imm >> 4):
        if sub:
            add_with_carry(r, src(r, rs1, rm), res(~y, rm), 1, rm, True)
        else:
            add_with_carry(r, src(r, rs1, rm), res(y, rm), 0, rm, True)
    else:
        r[NF] = (imm >> 3) & 1
        r[ZF] = (imm >> 2) & 1
        r[CF] = (imm >> 1) & 1
        r[VF] = imm & 1
    return pc + ilen


@jit
def exec_ccmn_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return cond_compare(r, pc, ilen, rs1, xr(r, rs2), rm, imm, False)


@jit
def exec_ccmn_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return cond_compare(r, pc, ilen, rs1, rs2, rm, imm, False)


@jit
def exec_ccmp_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return cond_compare(r, pc, ilen, rs1, xr(r, rs2), rm, imm, True)


@jit
def exec_ccmp_imm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return cond_compare(r, pc, ilen, rs1, rs2, rm, imm, True)


# ---- conditional select: imm = cond -------------------------------------------------------------
@jit
def exec_csel(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, src(r, rs1, rm) if cond_holds(r, imm) else src(r, rs2, rm))
    return pc + ilen


@jit
def exec_csinc(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, src(r, rs1, rm) if cond_holds(r, imm) else res(xr(r, rs2) + 1, rm))
    return pc + ilen


@jit
def exec_csinv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, src(r, rs1, rm) if cond_holds(r, imm) else res(~xr(r, rs2), rm))
    return pc + ilen


@jit
def exec_csneg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, src(r, rs1, rm) if cond_holds(r, imm) else res(-xr(r, rs2), rm))
    return pc + ilen


# ---- data-processing (1 source) -----------------------------------------------------------------
@jit
def exec_rbit(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v = rbit64(xr(r, rs1))
    wx(r, rd, v if rm else srl64(v, 32))
    return pc + ilen


@jit
def exec_rev16(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, res(rev_bytes_in(xr(r, rs1), 2), rm))
    return pc + ilen


@jit
def exec_rev32(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, rev_bytes_in(xr(r, rs1), 4))
    return pc + ilen


@jit
def exec_rev(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    x = xr(r, rs1)
    wx(r, rd, rev_bytes_in(x, 8) if rm else rev_bytes_in(x, 4) & M32)
    return pc + ilen


@jit
def exec_clz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, clz(xr(r, rs1), rm))
    return pc + ilen


@jit
def exec_cls(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """Leading sign bits: the leading zeros of x ^ (x >> 1), minus the sign bit itself."""
    x = xr(r, rs1)
    if rm == 0:
        x = sext32(x)
    wx(r, rd, clz(res(x ^ (x >> 1), rm), rm) - 1)
    return pc + ilen


# ---- data-processing (2 source) -----------------------------------------------------------------
@jit
def exec_udiv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    x, y = src(r, rs1, rm), src(r, rs2, rm)
    if y == 0:
        v = np.int64(0)
    elif rm:
        v = s64(u64(x) // u64(y))
    else:
        v = x // y                                    # both zero-extended words: positive
    wx(r, rd, v)
    return pc + ilen


@jit
def exec_sdiv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if rm:
        x, y = xr(r, rs1), xr(r, rs2)
    else:
        x, y = sext32(xr(r, rs1)), sext32(xr(r, rs2))
    if y == 0:
        v = np.int64(0)
    elif y == -1:
        v = -x                                        # INT_MIN / -1 wraps to INT_MIN
    else:
        v = x // y
        if v < 0 and v * y != x:                      # round toward zero, not down
            v += 1
    wx(r, rd, res(v, rm))
    return pc + ilen


@jit
def shift_by_reg(r, rd, rs1, rs2, rm, kind):
    amount = xr(r, rs2) & (63 if rm else 31)
    wx(r, rd, shift_reg(src(r, rs1, rm), kind, amount, rm))


@jit
def exec_lslv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    shift_by_reg(r, rd, rs1, rs2, rm, LSL)
    return pc + ilen


@jit
def exec_lsrv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    shift_by_reg(r, rd, rs1, rs2, rm, LSR)
    return pc + ilen


@jit
def exec_asrv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    shift_by_reg(r, rd, rs1, rs2, rm, ASR)
    return pc + ilen


@jit
def exec_rorv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    shift_by_reg(r, rd, rs1, rs2, rm, ROR)
    return pc + ilen


# ---- data-processing (3 source): rs3 = Ra -------------------------------------------------------
@jit
def exec_madd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, res(xr(r, rs3) + xr(r, rs1) * xr(r, rs2), rm))
    return pc + ilen


@jit
def exec_msub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, res(xr(r, rs3) - xr(r, rs1) * xr(r, rs2), rm))
    return pc + ilen


@jit
def exec_smaddl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, xr(r, rs3) + sext32(xr(r, rs1)) * sext32(xr(r, rs2)))
    return pc + ilen


@jit
def exec_smsubl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, xr(r, rs3) - sext32(xr(r, rs1)) * sext32(xr(r, rs2)))
    return pc + ilen


@jit
def exec_umaddl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, xr(r, rs3) + (xr(r, rs1) & M32) * (xr(r, rs2) & M32))
    return pc + ilen


@jit
def exec_umsubl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, xr(r, rs3) - (xr(r, rs1) & M32) * (xr(r, rs2) & M32))
    return pc + ilen


@jit
def exec_smulh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, mulh64(xr(r, rs1), xr(r, rs2)))
    return pc + ilen


@jit
def exec_umulh(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, mulhu64(xr(r, rs1), xr(r, rs2)))
    return pc + ilen
