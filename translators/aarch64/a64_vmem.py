"""A64 loads and stores of the SIMD&FP (V) registers: one `exec_<name>` per encoding class.

  vldst_ui        [Xn|SP, #imm]         ldr/str B H S D Q, unsigned offset (imm in bytes)
  vldst_unscaled  [Xn|SP, #simm9]       ldur/stur
  vldst_post      [Xn|SP], #simm9       vldst_pre [Xn|SP, #simm9]!
  vldst_reg       [Xn|SP, Xm{, ext {#s}}]   imm = option:S (shift = S ? scale : 0)
  vldr_lit        pc + imm19            rm = scale (2 S, 3 D, 4 Q)
  vstp vldp       pairs of S D Q; rm = scale << 2 | mode (0 stnp/ldnp, 1 post-index,
                  2 signed offset, 3 pre-index); rs2 = Rt2
  st_multi ld_multi (+ _post)     ST1-ST4/LD1-LD4 (multiple structures), rm = Q,
                  imm = opcode:size; rs2 = Rm of the post-indexed forms (31: by the bytes moved)
  st_single ld_single (+ _post)   ST1-ST4/LD1-LD4 of one lane and LD1R-LD4R, rm = Q,
                  imm = R:opcode:S:size
Elsewhere rm = scale << 1 | L: scale 0..4 for B H S D Q, L 1 for a load.

A B/H/S/D/Q load writes the whole 128-bit register (the value zero-extended); so do the
multiple-structure loads and LDnR of a 64-bit arrangement (Q = 0); a single-lane load changes
only its lane. A faulting access leaves the base register alone and the instruction re-runs
(the destination V registers may have changed: the architecture leaves them UNKNOWN); a store
may have written its first part (the allowed partial store). Rn is SP at 31, Rm of a register
offset or post-index XZR.
"""
import numpy as np

from jitvm.compiled import jit
from jitvm.mmu import faulted, load_u64
from translators.aarch64.a64_base import extend_reg, illegal
from translators.aarch64.a64_mem import load, store, untag
from translators.aarch64.cpu import V0, wsp, xr


# ---- whole registers -----------------------------------------------------------------------

# Out of line: each inlines several TLB paths (a64_mem's load/store dispatch on the size), and
# a pair or a structure access would otherwise inline them again and again.
@jit(inline="never")
def vload(r, m, t, va, scale):
    """Load 1 << scale bytes into Vt (zero-extended to 128 bits); False when it faulted."""
    if scale == 4:
        lo = load_u64(m, untag(va))
        if faulted(m):          # the fault is the first half's (its address is the one reported)
            return False
        hi = load_u64(m, untag(va + 8))
    else:
        lo = load(m, va, scale, False)
        hi = np.int64(0)
    if faulted(m):
        return False
    r[V0 + 2 * t] = lo
    r[V0 + 2 * t + 1] = hi
    return True


@jit(inline="never")
def vstore(r, m, t, va, scale):
    """Store the low 1 << scale bytes of Vt; False when it faulted."""
    if scale == 4:
        return store(m, va, r[V0 + 2 * t], 3) and store(m, va + 8, r[V0 + 2 * t + 1], 3)
    return store(m, va, r[V0 + 2 * t], scale)


@jit
def vmemop(r, m, pc, ilen, t, va, scale_l, rn, wb, new_base):
    scale = scale_l >> 1
    ok = vload(r, m, t, va, scale) if scale_l & 1 else vstore(r, m, t, va, scale)
    if not ok:
        return pc
    if wb:
        wsp(r, rn, new_base)
    return pc + ilen


@jit
def exec_vldst_ui(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return vmemop(r, m, pc, ilen, rd, r[rs1] + imm, rm, rs1, False, 0)


@jit
def exec_vldst_unscaled(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return vmemop(r, m, pc, ilen, rd, r[rs1] + imm, rm, rs1, False, 0)


@jit
def exec_vldst_post(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    base = r[rs1]
    return vmemop(r, m, pc, ilen, rd, base, rm, rs1, True, base + imm)


@jit
def exec_vldst_pre(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    va = r[rs1] + imm
    return vmemop(r, m, pc, ilen, rd, va, rm, rs1, True, va)


@jit
def exec_vldst_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    option = imm >> 1
    if option & 2 == 0:                                   # option<1> = 0: unallocated
        return illegal(m, pc)
    shift = (rm >> 1) if imm & 1 else 0
    va = r[rs1] + extend_reg(xr(r, rs2), option, shift, 1)
    return vmemop(r, m, pc, ilen, rd, va, rm, rs1, False, 0)


@jit
def exec_vldr_lit(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if vload(r, m, rd, pc + imm, rm) else pc


@jit
def vpair(r, m, pc, ilen, rt, rn, rt2, rm, imm, is_load):
    scale, mode = rm >> 2, rm & 3
    base = r[rn]
    va = base if mode == 1 else base + imm
    n = np.int64(1) << scale
    if is_load:
        if not (vload(r, m, rt, va, scale) and vload(r, m, rt2, va + n, scale)):
            return pc
    elif not (vstore(r, m, rt, va, scale) and vstore(r, m, rt2, va + n, scale)):
        return pc
    if mode == 1 or mode == 3:
        wsp(r, rn, base + imm)
    return pc + ilen


@jit
def exec_vstp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return vpair(r, m, pc, ilen, rd, rs1, rs2, rm, imm, False)


@jit
def exec_vldp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return vpair(r, m, pc, ilen, rd, rs1, rs2, rm, imm, True)


# ---- elements (structure loads/stores) ------------------------------------------------------

@jit
def get_elem(r, t, index, esize):
    """Element `index` of Vt, 1 << esize bytes, zero-extended."""
    off = index << esize
    v = r[V0 + 2 * t + (off >> 3)]
    if esize == 3:
        return v
    return (v >> (8 * (off & 7))) & ((np.int64(1) << (8 << esize)) - 1)


@jit
def set_elem(r, t, index, esize, value):
    off = index << esize
    slot = V0 + 2 * t + (off >> 3)
    if esize == 3:
        r[slot] = value
        return
    sh = 8 * (off & 7)
    mask = ((np.int64(1) << (8 << esize)) - 1) << sh
    r[slot] = (r[slot] & ~mask) | ((value << sh) & mask)


@jit
def post_base(r, rn, rm, nbytes):
    """The base after a post-indexed structure access: Rm = 31 means by the bytes moved."""
    return r[rn] + (nbytes if rm == 31 else xr(r, rm))


@jit(inline="never")
def multi(r, m, pc, ilen, t, rn, rm, q, imm, is_load, post):
    """LD1-LD4/ST1-ST4 (multiple structures): opcode says registers (rpt x selem), size the
    element; selem > 1 interleaves the elements of selem registers."""
    opcode, size = imm >> 2, imm & 3
    if opcode == 0b0000:
        rpt, selem = 1, 4
    elif opcode == 0b0010:
        rpt, selem = 4, 1
    elif opcode == 0b0100:
        rpt, selem = 1, 3
    elif opcode == 0b0110:
        rpt, selem = 3, 1
    elif opcode == 0b0111:
        rpt, selem = 1, 1
    elif opcode == 0b1000:
        rpt, selem = 1, 2
    elif opcode == 0b1010:
        rpt, selem = 2, 1
    else:
        return illegal(m, pc)
    if size == 3 and q == 0 and selem != 1:               # no .1d arrangement for LD2-LD4
        return illegal(m, pc)
    va = r[rn]
    dbytes = 16 if q else 8
    if selem == 1:                                        # whole registers, in order
        for i in range(rpt):
            tt = (t + i) & 31
            a = va + i * dbytes
            if is_load:
                if not vload(r, m, tt, a, 4 if q else 3):
                    return pc
            elif not vstore(r, m, tt, a, 4 if q else 3):
                return pc
    else:
        elements = dbytes >> size
        a = va
        for e in range(elements):
            for s in range(selem):
                tt = (t + s) & 31
                if is_load:
                    v = load(m, a, size, False)
                    if faulted(m):
                        return pc
                    if e == 0 and q == 0:
                        r[V0 + 2 * tt + 1] = 0                # a 64-bit arrangement
                    set_elem(r, tt, e, size, v)
                elif not store(m, a, get_elem(r, tt, e, size), size):
                    return pc
                a += 1 << size
    if post:
        wsp(r, rn, post_base(r, rn, rm, dbytes * rpt * selem))
    return pc + ilen


@jit(inline="never")
def single(r, m, pc, ilen, t, rn, rm, q, imm, is_load, post):
    """LD1-LD4/ST1-ST4 of one lane (index from Q:S:size), or LD1R-LD4R (replicate)."""
    rbit, opcode, s, size = imm >> 6, (imm >> 3) & 7, (imm >> 2) & 1, imm & 3
    scale = opcode >> 1
    selem = ((opcode & 1) << 1 | rbit) + 1
    replicate = False
    index = 0
    if scale == 3:
        if not is_load or s:
            return illegal(m, pc)
        scale = size
        replicate = True
    elif scale == 0:
        index = (q << 3) | (s << 2) | size
    elif scale == 1:
        if size & 1:
            return illegal(m, pc)
        index = (q << 2) | (s << 1) | (size >> 1)
    else:
        if size & 2:
            return illegal(m, pc)
        if size & 1 == 0:
            index = (q << 1) | s
        else:
            if s:
                return illegal(m, pc)
            index = q
            scale = 3
    a = r[rn]
    for k in range(selem):
        tt = (t + k) & 31
        if replicate:
            v = load(m, a, scale, False)
            if faulted(m):
                return pc
            for e in range((16 if q else 8) >> scale):
                set_elem(r, tt, e, scale, v)
            if q == 0:
                r[V0 + 2 * tt + 1] = 0
        elif is_load:
            v = load(m, a, scale, False)
            if faulted(m):
                return pc
            set_elem(r, tt, index, scale, v)
        elif not store(m, a, get_elem(r, tt, index, scale), scale):
            return pc
        a += 1 << scale
    if post:
        wsp(r, rn, post_base(r, rn, rm, selem << scale))
    return pc + ilen


@jit
def exec_st_multi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multi(r, m, pc, ilen, rd, rs1, rs2, rm, imm, False, False)


@jit
def exec_ld_multi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multi(r, m, pc, ilen, rd, rs1, rs2, rm, imm, True, False)


@jit
def exec_st_multi_post(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multi(r, m, pc, ilen, rd, rs1, rs2, rm, imm, False, True)


@jit
def exec_ld_multi_post(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return multi(r, m, pc, ilen, rd, rs1, rs2, rm, imm, True, True)


@jit
def exec_st_single(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return single(r, m, pc, ilen, rd, rs1, rs2, rm, imm, False, False)


@jit
def exec_ld_single(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return single(r, m, pc, ilen, rd, rs1, rs2, rm, imm, True, False)


@jit
def exec_st_single_post(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return single(r, m, pc, ilen, rd, rs1, rs2, rm, imm, False, True)


@jit
def exec_ld_single_post(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return single(r, m, pc, ilen, rd, rs1, rs2, rm, imm, True, True)
