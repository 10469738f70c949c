"""A64 Advanced SIMD (NEON) data processing: one `exec_<name>` per instruction.

Menu (the Arm ARM's classes; encodings.py has the rows):
  three same        add sub mul mla mls cmtst cmeq cmgt cmge cmhi cmhs sshl ushl smax smin umax
                    umin smaxp sminp umaxp uminp addp shadd uhadd srhadd urhadd shsub uhsub
                    sqadd uqadd sqsub uqsub (vector only; QC in FPSR); and bic orr orn eor
                    bsl bit bif;
                    FP: fadd fsub fmul fdiv fmla fmls fmax fmin fmaxnm fminnm fabd faddp fcmeq
                    fcmge fcmgt (the compares, fabd, add/sub/cm*/[su]shl also scalar)
  two-reg misc      rev64 rev32 rev16 saddlp uaddlp sadalp uadalp cls clz cnt not rbit cmgt/cmge/cmeq/cmle/
                    cmlt #0 abs neg xtn(2); FP: fabs fneg fsqrt fcvtzs fcvtzu scvtf ucvtf
                    fcmgt/fcmeq/fcmlt/fcmge/fcmle #0 frintn/m/p/z/a/x/i fcvtl(2) fcvtn(2)
                    (single <-> double only)
  across lanes      saddlv uaddlv smaxv umaxv sminv uminv addv; scalar pairwise addp d
  permute, extract, table lookup   uzp1/2 trn1/2 zip1/2, ext, tbl, tbx
  copy              dup (element, general, scalar), ins (general, element), smov, umov
  modified imm      movi mvni orr bic fmov (AdvSIMDExpandImm, every cmode)
  shift by imm      sshr ssra srshr srsra ushr usra urshr ursra shl sli sri (also scalar d),
                    shrn(2) rshrn(2) sshll(2) ushll(2)
  three different   [su]addl [su]addw [su]subl [su]subw addhn raddhn subhn rsubhn [su]abal
                    [su]abdl [su]mlal [su]mlsl [su]mull (and their "2" forms)
Not here (decode as illegal): the other saturating ops (sqdmulh, sqxtn, sqshl, ...) and the
scalar saturating forms, polynomial multiply, the by-element forms, FP16, fixed-point
conversions, pairwise/across FP other than faddp, crypto, dot products.

Register state (cpu.py): Vn's low 64 bits in r[V0 + 2n], its high 64 bits in r[V0 + 2n + 1].
A 64-bit (Q=0) result and every scalar result zero the rest of the register. Operands as
encodings.py decodes them: rm = Q, or 2 for a scalar encoding; imm = size/sz/the immediate.

Every function here is compiled out of line (inline="never"; LLVM still inlines small ones):
Numba relabels the blocks of each function it inlines from a process-wide counter, so labels
grow with every inline, and the aarch64 dispatch switch (before the op table, jitvm/oplib.py),
compiled in one process with this module last, reached block names longer than LLVM accepts.

How: each class has one engine (compiled once, not into every exec_) that loops
over lanes of the two 64-bit halves; a lane is an int64 holding the element's bits zero-extended
(64-bit lanes: the raw pattern). Signed views go through sx(). Add, sub and the logical ops work
on whole halves (SWAR). Unallocated arrangements return False and the exec_ raises Exit.ILLEGAL
without writing anything.

FP follows the manual's pseudocode with translators/ieee754.py doing the arithmetic and
a64_fp.py's FPCR/FPSR rules (the same as the scalar instructions): rounding mode from
FPCR.RMode, flags ORed into FPSR's cumulative bits (IDC included), tininess before rounding,
NaN operands propagated (quieted; signalling ones first, operands in the manual's order) unless
FPCR.DN asks for the default NaN, FPCR.FZ flushing subnormal operands and tiny results.
"""
import numpy as np

from jitvm.compiled import jit
from translators import ieee754 as F
from translators.intops import srl64
from translators.aarch64.a64_base import illegal
from translators.aarch64.a64_fp import DN, accrue, flush_in, flush_out
from translators.aarch64.cpu import FPCR, FPSR, V0, wx, xr

MIN64 = np.int64(-(1 << 63))


# ---- lanes --------------------------------------------------------------------------------------
@jit(inline="never")
def emask(e):
    """The low e bits set (e = 8, 16, 32, 64)."""
    return np.int64(-1) if e >= 64 else (np.int64(1) << e) - 1


@jit(inline="never")
def sx(v, e):
    """The e-bit lane v as a signed value."""
    if e >= 64:
        return v
    s = np.int64(1) << (e - 1)
    return ((v & emask(e)) ^ s) - s


@jit(inline="never")
def lane(lo, hi, i, e):
    """Element i (e bits) of the 128-bit value hi:lo, zero-extended."""
    b = i * e
    return srl64(lo if b < 64 else hi, b & 63) & emask(e)


@jit(inline="never")
def put(lo, hi, i, e, v):
    """hi:lo with element i (e bits) replaced by v's low e bits."""
    sh = (i * e) & 63
    mk = emask(e) << sh
    val = (v << sh) & mk
    if i * e < 64:
        return (lo & ~mk) | val, hi
    return lo, (hi & ~mk) | val


@jit(inline="never")
def vget(r, n):
    return r[V0 + 2 * n], r[V0 + 2 * n + 1]


@jit(inline="never")
def vset(r, n, lo, hi, q):
    """Write Vn; a 64-bit (q=0) or scalar (q=2) result zeroes the high half."""
    r[V0 + 2 * n] = lo
    r[V0 + 2 * n + 1] = hi if q == 1 else np.int64(0)


@jit(inline="never")
def nlanes(q, e):
    """Elements in a 64-bit (q=0) or 128-bit (q=1) vector, 1 for a scalar (q=2)."""
    return 1 if q == 2 else (64 << q) // e


@jit(inline="never")
def ult(a, b):
    """Unsigned a < b of two lanes."""
    return (a ^ MIN64) < (b ^ MIN64)


@jit(inline="never")
def clz_e(x, e):
    """Leading zeros of the e-bit lane x."""
    n = np.int64(0)
    for i in range(e - 1, -1, -1):
        if (x >> i) & 1:
            return n
        n += 1
    return n


@jit(inline="never")
def popcount8(x):
    x = x - ((x >> 1) & 0x55)
    x = (x & 0x33) + ((x >> 2) & 0x33)
    return (x + (x >> 4)) & 0x0F


@jit(inline="never")
def rbit8(x):
    x = ((x >> 1) & 0x55) | ((x & 0x55) << 1)
    x = ((x >> 2) & 0x33) | ((x & 0x33) << 2)
    return ((x >> 4) & 0x0F) | ((x & 0x0F) << 4)


@jit(inline="never")
def swar_add(a, b, e):
    """Lane-wise a + b of two 64-bit halves: add without the lanes' top bits (no carry crosses a
    lane), then put the top bits back with xor."""
    if e >= 64:
        return a + b
    h = np.int64(0)
    for i in range(64 // e):
        h |= np.int64(1) << (i * e + e - 1)
    return ((a & ~h) + (b & ~h)) ^ ((a ^ b) & h)


@jit(inline="never")
def swar_sub(a, b, e):
    if e >= 64:
        return a - b
    h = np.int64(0)
    for i in range(64 // e):
        h |= np.int64(1) << (i * e + e - 1)
    return ((a | h) - (b & ~h)) ^ ((a ^ ~b) & h)


@jit(inline="never")
def swar_nonzero(x, e):
    """All ones in every e-bit lane of x that is nonzero, zeros elsewhere: the lane's low bits
    plus all-but-top ones carry into its top bit exactly when they are nonzero."""
    if e >= 64:
        return np.int64(-1) if x != 0 else np.int64(0)
    h = np.int64(0)
    for i in range(64 // e):
        h |= np.int64(1) << (i * e + e - 1)
    top = (((x & ~h) + ~h) | x) & h
    return srl64(top, e - 1) * emask(e)      # each lane's 1 times 2**e - 1: no carries


# ---- three same (integer) -----------------------------------------------------------------------
(ADD, SUB, MUL, MLA, MLS, CMTST, CMEQ, CMGT, CMGE, CMHI, CMHS, SSHL, USHL, SMAX, SMIN, UMAX,
 UMIN, SMAXP, SMINP, UMAXP, UMINP, ADDP, SHADD, UHADD, SRHADD, URHADD, SHSUB, UHSUB, SQADD, UQADD,
 SQSUB, UQSUB) = range(32)
QC = np.int64(1) << 27        # FPSR.QC: a saturating op clipped a result


@jit(inline="never")
def int2(k, x, y, d, e):
    """One lane of a two-operand integer op (d: the destination lane, for mla/mls)."""
    if k == ADD or k == ADDP:
        return x + y
    if k == SUB:
        return x - y
    if k == MUL:
        return x * y
    if k == MLA:
        return d + x * y
    if k == MLS:
        return d - x * y
    if k == CMTST:
        return np.int64(-1) if x & y else np.int64(0)
    if k == CMEQ:
        return np.int64(-1) if x == y else np.int64(0)
    if k == CMGT:
        return np.int64(-1) if sx(x, e) > sx(y, e) else np.int64(0)
    if k == CMGE:
        return np.int64(-1) if sx(x, e) >= sx(y, e) else np.int64(0)
    if k == CMHI:
        return np.int64(-1) if ult(y, x) else np.int64(0)
    if k == CMHS:
        return np.int64(0) if ult(x, y) else np.int64(-1)
    if k == SSHL or k == USHL:
        # the shift is the signed low byte of y: left if positive, right if negative
        sh = sx(y & 0xFF, 8)
        if sh >= 0:
            return np.int64(0) if sh >= e else x << sh
        sh = -sh
        if k == SSHL:
            return sx(x, e) >> min(sh, 63)
        return np.int64(0) if sh >= e else srl64(x, sh)
    if k == SMAX or k == SMAXP:
        return x if sx(x, e) >= sx(y, e) else y
    if k == SMIN or k == SMINP:
        return x if sx(x, e) <= sx(y, e) else y
    if k == UMAX or k == UMAXP:
        return y if ult(x, y) else x
    if k == UMIN or k == UMINP:
        return x if ult(x, y) else y
    # halving: at most 32-bit lanes (size 3 is unallocated), so the sum is exact in int64
    if k == SHADD or k == SRHADD:
        return (sx(x, e) + sx(y, e) + (1 if k == SRHADD else 0)) >> 1
    if k == UHADD or k == URHADD:
        return (x + y + (1 if k == URHADD else 0)) >> 1
    if k == SHSUB:
        return (sx(x, e) - sx(y, e)) >> 1
    return (x - y) >> 1                                            # UHSUB


@jit(inline="never")
def saturate(k, x, y, e):
    """sqadd/uqadd/sqsub/uqsub of one lane: (result, whether it saturated)."""
    if e < 64:
        if k == SQADD or k == SQSUB:
            v = sx(x, e) + sx(y, e) if k == SQADD else sx(x, e) - sx(y, e)
            hi = (np.int64(1) << (e - 1)) - 1
            lo = -hi - 1
        else:
            v = x + y if k == UQADD else x - y
            hi = emask(e)
            lo = np.int64(0)
        if v > hi:
            return hi, True
        if v < lo:
            return lo, True
        return v, False
    if k == UQADD:
        s = x + y
        return (np.int64(-1), True) if ult(s, x) else (s, False)
    if k == UQSUB:
        return (np.int64(0), True) if ult(x, y) else (x - y, False)
    s = x + y if k == SQADD else x - y
    over = ((x ^ s) & (y ^ s)) < 0 if k == SQADD else ((x ^ y) & (x ^ s)) < 0
    if over:                                 # the true result has x's sign
        return (MIN64 if x < 0 else ~MIN64), True
    return s, False


@jit(inline="never")
def three_same(r, rd, rn, rm_, q, size, k):
    """Advanced SIMD three same (integer): False for an unallocated arrangement."""
    e = 8 << size
    if q == 2:
        if size != 3:
            return False
    elif size == 3 and (q == 0 or MUL <= k <= MLS or SMAX <= k <= UMINP or
                        SHADD <= k <= UHSUB):                            # no 2d forms
        return False
    alo, ahi = vget(r, rn)
    blo, bhi = vget(r, rm_)
    if k == ADD:
        vset(r, rd, swar_add(alo, blo, e), swar_add(ahi, bhi, e), q)
        return True
    if k == SUB:
        vset(r, rd, swar_sub(alo, blo, e), swar_sub(ahi, bhi, e), q)
        return True
    if k == CMEQ:                            # what the string routines run most
        vset(r, rd, ~swar_nonzero(alo ^ blo, e), ~swar_nonzero(ahi ^ bhi, e), q)
        return True
    if k == CMTST:
        vset(r, rd, swar_nonzero(alo & blo, e), swar_nonzero(ahi & bhi, e), q)
        return True
    dlo, dhi = vget(r, rd)
    n = nlanes(q, e)
    lo = hi = np.int64(0)
    pairwise = SMAXP <= k <= ADDP
    clipped = False
    for i in range(n):
        if pairwise:                       # lanes of Vm:Vn taken two at a time
            j = 2 * i
            x = lane(alo, ahi, j, e) if j < n else lane(blo, bhi, j - n, e)
            y = lane(alo, ahi, j + 1, e) if j < n else lane(blo, bhi, j + 1 - n, e)
        else:
            x = lane(alo, ahi, i, e)
            y = lane(blo, bhi, i, e)
        if k >= SQADD:
            v, c = saturate(k, x, y, e)
            clipped = clipped or c
        else:
            v = int2(k, x, y, lane(dlo, dhi, i, e), e)
        lo, hi = put(lo, hi, i, e, v)
    vset(r, rd, lo, hi, q)
    if clipped:
        r[FPSR] |= QC
    return True


@jit(inline="never")
def _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, k):
    return pc + ilen if three_same(r, rd, rs1, rs2, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_add_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, ADD)


@jit(inline="never")
def exec_sub_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SUB)


@jit(inline="never")
def exec_mul_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, MUL)


@jit(inline="never")
def exec_mla_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, MLA)


@jit(inline="never")
def exec_mls_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, MLS)


@jit(inline="never")
def exec_cmtst(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, CMTST)


@jit(inline="never")
def exec_cmeq_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, CMEQ)


@jit(inline="never")
def exec_cmgt_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, CMGT)


@jit(inline="never")
def exec_cmge_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, CMGE)


@jit(inline="never")
def exec_cmhi_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, CMHI)


@jit(inline="never")
def exec_cmhs_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, CMHS)


@jit(inline="never")
def exec_sshl_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SSHL)


@jit(inline="never")
def exec_ushl_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, USHL)


@jit(inline="never")
def exec_smax_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SMAX)


@jit(inline="never")
def exec_smin_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SMIN)


@jit(inline="never")
def exec_umax_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UMAX)


@jit(inline="never")
def exec_umin_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UMIN)


@jit(inline="never")
def exec_smaxp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SMAXP)


@jit(inline="never")
def exec_sminp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SMINP)


@jit(inline="never")
def exec_umaxp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UMAXP)


@jit(inline="never")
def exec_uminp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UMINP)


@jit(inline="never")
def exec_addp_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, ADDP)


@jit(inline="never")
def exec_shadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SHADD)


@jit(inline="never")
def exec_uhadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UHADD)


@jit(inline="never")
def exec_srhadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SRHADD)


@jit(inline="never")
def exec_urhadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, URHADD)


@jit(inline="never")
def exec_shsub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SHSUB)


@jit(inline="never")
def exec_uhsub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UHSUB)


@jit(inline="never")
def exec_sqadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SQADD)


@jit(inline="never")
def exec_uqadd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UQADD)


@jit(inline="never")
def exec_sqsub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SQSUB)


@jit(inline="never")
def exec_uqsub(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ts(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UQSUB)


@jit(inline="never")
def exec_addp_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """addp d, v.2d: the two lanes of one register added."""
    if imm != 3:
        return illegal(m, pc)
    lo, hi = vget(r, rs1)
    vset(r, rd, lo + hi, 0, 2)
    return pc + ilen


# ---- logical (three same, size = the operation) -------------------------------------------------
AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF = range(8)


@jit(inline="never")
def logic(k, n, m_, d):
    if k == AND:
        return n & m_
    if k == BIC:
        return n & ~m_
    if k == ORR:
        return n | m_
    if k == ORN:
        return n | ~m_
    if k == EOR:
        return n ^ m_
    if k == BSL:                                 # Vd selects: 1 takes Vn, 0 takes Vm
        return (d & n) | (~d & m_)
    if k == BIT:                                 # Vm selects where Vn goes into Vd
        return (n & m_) | (d & ~m_)
    return (d & m_) | (n & ~m_)                  # BIF


@jit(inline="never")
def _lg(r, pc, ilen, rd, rs1, rs2, q, k):
    nlo, nhi = vget(r, rs1)
    mlo, mhi = vget(r, rs2)
    dlo, dhi = vget(r, rd)
    vset(r, rd, logic(k, nlo, mlo, dlo), logic(k, nhi, mhi, dhi), q)
    return pc + ilen


@jit(inline="never")
def exec_and_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, AND)


@jit(inline="never")
def exec_bic_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, BIC)


@jit(inline="never")
def exec_orr_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, ORR)


@jit(inline="never")
def exec_orn_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, ORN)


@jit(inline="never")
def exec_eor_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, EOR)


@jit(inline="never")
def exec_bsl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, BSL)


@jit(inline="never")
def exec_bit(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, BIT)


@jit(inline="never")
def exec_bif(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _lg(r, pc, ilen, rd, rs1, rs2, rm, BIF)


# ---- two-register miscellaneous (integer), across lanes -----------------------------------------
(REV64, REV32, REV16, CLS, CLZ, CNT, NOT, RBIT, CMGT0, CMGE0, CMEQ0, CMLE0, CMLT0, ABS,
 NEG) = range(15)


@jit(inline="never")
def two_misc(r, rd, rn, q, size, k):
    e = 8 << size
    if q == 2:
        if size != 3:
            return False
    elif size == 3 and (q == 0 or k <= NOT):
        return False
    if (k == REV64 and e >= 64) or (k == REV32 and e >= 32) or (k == REV16 and e >= 16):
        return False
    alo, ahi = vget(r, rn)
    if k == NOT:
        vset(r, rd, ~alo, ~ahi, q)
        return True
    if k == CMEQ0:
        vset(r, rd, ~swar_nonzero(alo, e), ~swar_nonzero(ahi, e), q)
        return True
    n = nlanes(q, e)
    # rev: element i of a container of c/e elements comes from element i ^ (c/e - 1)
    flip = (64 // e - 1) if k == REV64 else ((32 // e - 1) if k == REV32 else (16 // e - 1))
    lo = hi = np.int64(0)
    for i in range(n):
        if k <= REV16:
            v = lane(alo, ahi, i ^ flip, e)
        else:
            x = lane(alo, ahi, i, e)
            s = sx(x, e)
            if k == CLS:
                v = clz_e(x ^ (emask(e) if s < 0 else 0), e) - 1
            elif k == CLZ:
                v = clz_e(x, e)
            elif k == CNT:
                v = popcount8(x)
            elif k == RBIT:
                v = rbit8(x)
            elif k == CMGT0:
                v = np.int64(-1) if s > 0 else np.int64(0)
            elif k == CMGE0:
                v = np.int64(-1) if s >= 0 else np.int64(0)
            elif k == CMEQ0:
                v = np.int64(-1) if s == 0 else np.int64(0)
            elif k == CMLE0:
                v = np.int64(-1) if s <= 0 else np.int64(0)
            elif k == CMLT0:
                v = np.int64(-1) if s < 0 else np.int64(0)
            elif k == ABS:
                v = -s if s < 0 else s
            else:
                v = -s
        lo, hi = put(lo, hi, i, e, v)
    vset(r, rd, lo, hi, q)
    return True


@jit(inline="never")
def _tm(r, m, pc, ilen, rd, rs1, rm, imm, k):
    return pc + ilen if two_misc(r, rd, rs1, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_rev64_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, REV64)


@jit(inline="never")
def exec_rev32_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, REV32)


@jit(inline="never")
def exec_rev16_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, REV16)


@jit(inline="never")
def exec_cls_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CLS)


@jit(inline="never")
def exec_clz_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CLZ)


@jit(inline="never")
def exec_cnt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CNT)


@jit(inline="never")
def exec_not_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, NOT)


@jit(inline="never")
def exec_rbit_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, 0, RBIT)             # size 01 is the opcode


@jit(inline="never")
def exec_cmgt_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CMGT0)


@jit(inline="never")
def exec_cmge_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CMGE0)


@jit(inline="never")
def exec_cmeq_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CMEQ0)


@jit(inline="never")
def exec_cmle_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CMLE0)


@jit(inline="never")
def exec_cmlt_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, CMLT0)


@jit(inline="never")
def exec_abs_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, ABS)


@jit(inline="never")
def exec_neg_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _tm(r, m, pc, ilen, rd, rs1, rm, imm, NEG)


@jit(inline="never")
def xtn(r, rd, rn, q, size):
    """xtn(2): the low halves of Vn's 2e-bit lanes into the low (Q=0) or high (xtn2) half."""
    if size == 3:
        return False
    e = 8 << size
    alo, ahi = vget(r, rn)
    v = np.int64(0)
    for i in range(64 // e):
        v |= (lane(alo, ahi, i, 2 * e) & emask(e)) << (i * e)
    dlo, _ = vget(r, rd)
    if q:
        vset(r, rd, dlo, v, 1)
    else:
        vset(r, rd, v, 0, 0)
    return True


@jit(inline="never")
def exec_xtn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if xtn(r, rd, rs1, rm, imm) else illegal(m, pc)


@jit(inline="never")
def addlp(r, rd, rn, q, size, signed, acc=False):
    """saddlp/uaddlp: adjacent pairs of e-bit lanes summed into 2e-bit lanes; acc (sadalp,
    uadalp): added to Vd's 2e-bit lanes."""
    if size == 3:
        return False
    e = 8 << size
    alo, ahi = vget(r, rn)
    dlo, dhi = vget(r, rd)
    lo = hi = np.int64(0)
    for i in range((64 << q) // (2 * e)):
        x = lane(alo, ahi, 2 * i, e)
        y = lane(alo, ahi, 2 * i + 1, e)
        if signed:
            x, y = sx(x, e), sx(y, e)
        s = x + y + (lane(dlo, dhi, i, 2 * e) if acc else np.int64(0))
        lo, hi = put(lo, hi, i, 2 * e, s)
    vset(r, rd, lo, hi, q)
    return True


@jit(inline="never")
def exec_saddlp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if addlp(r, rd, rs1, rm, imm, True) else illegal(m, pc)


@jit(inline="never")
def exec_uaddlp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if addlp(r, rd, rs1, rm, imm, False) else illegal(m, pc)


@jit(inline="never")
def exec_sadalp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if addlp(r, rd, rs1, rm, imm, True, True) else illegal(m, pc)


@jit(inline="never")
def exec_uadalp(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return pc + ilen if addlp(r, rd, rs1, rm, imm, False, True) else illegal(m, pc)


SADDLV, UADDLV, SMAXV, UMAXV, SMINV, UMINV, ADDV = range(7)


@jit(inline="never")
def across(r, rd, rn, q, size, k):
    """One result from every lane, in the low element of Vd (the rest zeroed); the long adds
    give a 2e-bit sum."""
    if size == 3 or (size == 2 and q == 0):
        return False
    e = 8 << size
    alo, ahi = vget(r, rn)
    acc = lane(alo, ahi, 0, e)
    if k == SADDLV or k == SMAXV or k == SMINV:
        acc = sx(acc, e)
    for i in range(1, (64 << q) // e):
        x = lane(alo, ahi, i, e)
        s = sx(x, e)
        if k == SADDLV:
            acc += s
        elif k == UADDLV or k == ADDV:
            acc += x
        elif k == SMAXV:
            acc = max(acc, s)
        elif k == SMINV:
            acc = min(acc, s)
        elif k == UMAXV:
            acc = max(acc, x)
        else:
            acc = min(acc, x)
    width = 2 * e if k <= UADDLV else e
    vset(r, rd, acc & emask(width), 0, 2)
    return True


@jit(inline="never")
def _ac(r, m, pc, ilen, rd, rs1, rm, imm, k):
    return pc + ilen if across(r, rd, rs1, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_saddlv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ac(r, m, pc, ilen, rd, rs1, rm, imm, SADDLV)


@jit(inline="never")
def exec_uaddlv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ac(r, m, pc, ilen, rd, rs1, rm, imm, UADDLV)


@jit(inline="never")
def exec_smaxv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ac(r, m, pc, ilen, rd, rs1, rm, imm, SMAXV)


@jit(inline="never")
def exec_umaxv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ac(r, m, pc, ilen, rd, rs1, rm, imm, UMAXV)


@jit(inline="never")
def exec_sminv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ac(r, m, pc, ilen, rd, rs1, rm, imm, SMINV)


@jit(inline="never")
def exec_uminv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ac(r, m, pc, ilen, rd, rs1, rm, imm, UMINV)


@jit(inline="never")
def exec_addv(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _ac(r, m, pc, ilen, rd, rs1, rm, imm, ADDV)


# ---- permute, extract, table lookup -------------------------------------------------------------
UZP1, TRN1, ZIP1, UZP2, TRN2, ZIP2 = range(6)


@jit(inline="never")
def permute(r, rd, rn, rm_, q, size, k):
    if size == 3 and q == 0:
        return False
    e = 8 << size
    n = (64 << q) // e
    alo, ahi = vget(r, rn)
    blo, bhi = vget(r, rm_)
    lo = hi = np.int64(0)
    for i in range(n):
        p, odd = i >> 1, i & 1
        if k == UZP1 or k == UZP2:          # the even (odd) lanes of Vm:Vn
            j = 2 * i + (1 if k == UZP2 else 0)
            v = lane(alo, ahi, j, e) if j < n else lane(blo, bhi, j - n, e)
        elif k == ZIP1 or k == ZIP2:        # lanes of the low (high) halves interleaved
            j = p + (n // 2 if k == ZIP2 else 0)
            v = lane(blo, bhi, j, e) if odd else lane(alo, ahi, j, e)
        else:                               # TRN: even (odd) lanes of Vn, Vm side by side
            j = 2 * p + (1 if k == TRN2 else 0)
            v = lane(blo, bhi, j, e) if odd else lane(alo, ahi, j, e)
        lo, hi = put(lo, hi, i, e, v)
    vset(r, rd, lo, hi, q)
    return True


@jit(inline="never")
def _pm(r, m, pc, ilen, rd, rs1, rs2, rm, imm, k):
    return pc + ilen if permute(r, rd, rs1, rs2, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_uzp1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _pm(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UZP1)


@jit(inline="never")
def exec_uzp2(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _pm(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UZP2)


@jit(inline="never")
def exec_zip1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _pm(r, m, pc, ilen, rd, rs1, rs2, rm, imm, ZIP1)


@jit(inline="never")
def exec_zip2(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _pm(r, m, pc, ilen, rd, rs1, rs2, rm, imm, ZIP2)


@jit(inline="never")
def exec_trn1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _pm(r, m, pc, ilen, rd, rs1, rs2, rm, imm, TRN1)


@jit(inline="never")
def exec_trn2(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _pm(r, m, pc, ilen, rd, rs1, rs2, rm, imm, TRN2)


@jit(inline="never")
def exec_ext_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """Vm:Vn shifted right by imm bytes, the low 64 or 128 bits."""
    if rm == 0 and imm >= 8:
        return illegal(m, pc)
    nlo, nhi = vget(r, rs1)
    mlo, mhi = vget(r, rs2)
    if rm == 0:
        w0, w1, w2 = nlo, mlo, mlo
    else:
        w0, w1, w2 = nlo, nhi, mlo
    if imm >= 8:                             # start in the second word
        w0, w1, w2 = nhi, mlo, mhi
    s = (imm & 7) * 8
    if s == 0:
        lo, hi = w0, w1
    else:
        lo = srl64(w0, s) | (w1 << (64 - s))
        hi = srl64(w1, s) | (w2 << (64 - s))
    vset(r, rd, lo, hi, rm)
    return pc + ilen


@jit(inline="never")
def table(r, rd, rn, rm_, q, nregs, extend):
    """tbl/tbx: each index byte of Vm picks a byte of the nregs registers from Vn (wrapping at
    V31); out of range gives 0 (tbl) or keeps Vd's byte (tbx)."""
    ilo, ihi = vget(r, rm_)
    dlo, dhi = vget(r, rd)
    lo = hi = np.int64(0)
    for i in range(8 << q):
        idx = lane(ilo, ihi, i, 8)
        if idx < 16 * nregs:
            t = (rn + (idx >> 4)) & 31
            tlo, thi = vget(r, t)
            v = lane(tlo, thi, idx & 15, 8)
        elif extend:
            v = lane(dlo, dhi, i, 8)
        else:
            v = np.int64(0)
        lo, hi = put(lo, hi, i, 8, v)
    vset(r, rd, lo, hi, q)


@jit(inline="never")
def exec_tbl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    table(r, rd, rs1, rs2, rm, imm + 1, False)
    return pc + ilen


@jit(inline="never")
def exec_tbx(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    table(r, rd, rs1, rs2, rm, imm + 1, True)
    return pc + ilen


# ---- copy ---------------------------------------------------------------------------------------
@jit(inline="never")
def imm5_size(imm5):
    """The element size (0..3) imm5's lowest set bit gives, 4 for 0 or x0000 (unallocated)."""
    for s in range(4):
        if (imm5 >> s) & 1:
            return s
    return 4


@jit(inline="never")
def replicate(v, e):
    """The e-bit v repeated across 64 bits."""
    v &= emask(e)
    while e < 64:
        v |= v << e
        e *= 2
    return v


@jit(inline="never")
def exec_dup_elem(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    size = imm5_size(imm)
    if size == 4 or (size == 3 and rm == 0):
        return illegal(m, pc)
    e = 8 << size
    lo, hi = vget(r, rs1)
    v = lane(lo, hi, imm >> (size + 1), e)
    if rm == 2:                              # scalar: mov b0, v1.b[3]
        vset(r, rd, v, 0, 2)
    else:
        w = replicate(v, e)
        vset(r, rd, w, w, rm)
    return pc + ilen


@jit(inline="never")
def exec_dup_gen(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    size = imm5_size(imm)
    if size == 4 or (size == 3 and rm == 0):
        return illegal(m, pc)
    w = replicate(xr(r, rs1), 8 << size)
    vset(r, rd, w, w, rm)
    return pc + ilen


@jit(inline="never")
def exec_ins_gen(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    size = imm5_size(imm)
    if size == 4:
        return illegal(m, pc)
    lo, hi = vget(r, rd)
    lo, hi = put(lo, hi, imm >> (size + 1), 8 << size, xr(r, rs1))
    vset(r, rd, lo, hi, 1)
    return pc + ilen


@jit(inline="never")
def exec_ins_elem(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    imm5, imm4 = imm & 31, imm >> 5
    size = imm5_size(imm5)
    if size == 4:
        return illegal(m, pc)
    e = 8 << size
    slo, shi = vget(r, rs1)
    v = lane(slo, shi, imm4 >> size, e)
    lo, hi = vget(r, rd)
    lo, hi = put(lo, hi, imm5 >> (size + 1), e, v)
    vset(r, rd, lo, hi, 1)
    return pc + ilen


@jit(inline="never")
def exec_umov(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """umov w (b, h, s) with Q=0, umov x (d) with Q=1."""
    size = imm5_size(imm)
    if size == 4 or (size == 3) != (rm == 1):
        return illegal(m, pc)
    lo, hi = vget(r, rs1)
    wx(r, rd, lane(lo, hi, imm >> (size + 1), 8 << size))
    return pc + ilen


@jit(inline="never")
def exec_smov(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """smov w (b, h) with Q=0, smov x (b, h, s) with Q=1."""
    size = imm5_size(imm)
    if size >= 3 or (size == 2 and rm == 0):
        return illegal(m, pc)
    e = 8 << size
    lo, hi = vget(r, rs1)
    v = sx(lane(lo, hi, imm >> (size + 1), e), e)
    wx(r, rd, v if rm else v & 0xFFFFFFFF)
    return pc + ilen


# ---- modified immediate -------------------------------------------------------------------------
@jit(inline="never")
def expand_imm(op, cmode, imm8):
    """The manual's AdvSIMDExpandImm: the 64-bit pattern (both halves get it)."""
    c = cmode >> 1
    if c <= 3:                                   # 32-bit lanes, imm8 shifted by 0, 8, 16, 24
        return replicate(imm8 << (8 * c), 32)
    if c <= 5:                                   # 16-bit lanes, shifted by 0 or 8
        return replicate(imm8 << (8 * (c & 1)), 16)
    if c == 6:                                   # 32-bit lanes, shifting ones in (MSL)
        v = (imm8 << 8) | 0xFF if (cmode & 1) == 0 else (imm8 << 16) | 0xFFFF
        return replicate(v, 32)
    if (cmode & 1) == 0:
        if op == 0:
            return replicate(imm8, 8)
        v = np.int64(0)                          # each bit of imm8 a byte of ones or zeros
        for i in range(8):
            if (imm8 >> i) & 1:
                v |= np.int64(0xFF) << (8 * i)
        return v
    a, b, cdefgh = (imm8 >> 7) & 1, (imm8 >> 6) & 1, imm8 & 0x3F
    if op == 0:                                  # fmov single: a:NOT(b):b*5:cdefgh:0*19
        v = (a << 31) | ((b ^ 1) << 30) | ((0x1F if b else 0) << 25) | (cdefgh << 19)
        return replicate(v, 32)
    # fmov double: a:NOT(b):b*8:cdefgh:0*48
    return (a << 63) | ((b ^ 1) << 62) | ((0xFF if b else 0) << 54) | (cdefgh << 48)


@jit(inline="never")
def _modimm(r, m, pc, ilen, rd, q, imm, k):
    """k: 0 move, 1 move inverted, 2 orr, 3 bic."""
    op, cmode, imm8 = imm >> 12, (imm >> 8) & 15, imm & 0xFF
    if cmode == 15 and op == 1 and q == 0:       # fmov v.1d does not exist
        return illegal(m, pc)
    v = expand_imm(op, cmode, imm8)
    lo, hi = vget(r, rd)
    if k == 0:
        lo = hi = v
    elif k == 1:
        lo = hi = ~v
    elif k == 2:
        lo, hi = lo | v, hi | v
    else:
        lo, hi = lo & ~v, hi & ~v
    vset(r, rd, lo, hi, q)
    return pc + ilen


@jit(inline="never")
def exec_movi(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _modimm(r, m, pc, ilen, rd, rm, imm, 0)


@jit(inline="never")
def exec_fmov_vimm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _modimm(r, m, pc, ilen, rd, rm, imm, 0)


@jit(inline="never")
def exec_mvni(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _modimm(r, m, pc, ilen, rd, rm, imm, 1)


@jit(inline="never")
def exec_orr_vimm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _modimm(r, m, pc, ilen, rd, rm, imm, 2)


@jit(inline="never")
def exec_bic_vimm(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _modimm(r, m, pc, ilen, rd, rm, imm, 3)


# ---- shift by immediate -------------------------------------------------------------------------
(SSHR, SSRA, SRSHR, SRSRA, USHR, USRA, URSHR, URSRA, SHL, SLI, SRI, SHRN, RSHRN, SSHLL,
 USHLL) = range(15)


@jit(inline="never")
def shift_right(k, x, sh, e):
    """x (an e-bit lane) shifted right by 1 <= sh <= e: arithmetic or logical, rounded or not."""
    if k == SSHR or k == SSRA:
        return sx(x, e) >> min(sh, 63)
    if k == USHR or k == USRA:
        return np.int64(0) if sh >= 64 else srl64(x, sh)
    # rounding: (x + 2**(sh-1)) >> sh without the carry out of 64 bits, from x >> (sh-1)
    if k == SRSHR or k == SRSRA:
        t = sx(x, e) >> (sh - 1)
        return (t >> 1) + (t & 1)
    t = srl64(x, sh - 1)
    return srl64(t, 1) + (t & 1)


@jit(inline="never")
def shift_imm(r, rd, rn, q, immhb, k):
    immh = immhb >> 3
    hsb = 3 if immh >= 8 else (2 if immh >= 4 else (1 if immh >= 2 else 0))
    e = 8 << hsb
    narrow = k == SHRN or k == RSHRN
    if k >= SHRN:
        if hsb == 3:
            return False
    elif (q == 2 and hsb != 3) or (q == 0 and hsb == 3):
        return False
    alo, ahi = vget(r, rn)
    dlo, dhi = vget(r, rd)
    if k == SSHLL or k == USHLL:             # lanes of one half of Vn widened, shifted left
        sh = immhb - e
        src = ahi if q else alo
        lo = hi = np.int64(0)
        for i in range(64 // e):
            x = lane(src, 0, i, e)
            if k == SSHLL:
                x = sx(x, e)
            lo, hi = put(lo, hi, i, 2 * e, x << sh)
        vset(r, rd, lo, hi, 1)
        return True
    if narrow:                               # 2e-bit lanes of Vn shifted, narrowed to e
        sh = 2 * e - immhb
        v = np.int64(0)
        for i in range(64 // e):
            x = lane(alo, ahi, i, 2 * e)
            y = shift_right(USHR if k == SHRN else URSHR, x, sh, 2 * e)
            v |= (y & emask(e)) << (i * e)
        if q:
            vset(r, rd, dlo, v, 1)
        else:
            vset(r, rd, v, 0, 0)
        return True
    lo = hi = np.int64(0)
    for i in range(nlanes(q, e)):
        x = lane(alo, ahi, i, e)
        d = lane(dlo, dhi, i, e)
        if k == SHL:
            v = x << (immhb - e)
        elif k == SLI:
            sh = immhb - e
            v = (d & ~(emask(e) << sh)) | (x << sh)
        elif k == SRI:
            sh = 2 * e - immhb
            if sh >= e:
                v = d
            else:
                keep = emask(e) & ~srl64(emask(e), sh)
                v = (d & keep) | srl64(x, sh)
        else:
            v = shift_right(k, x, 2 * e - immhb, e)
            if k == SSRA or k == USRA or k == SRSRA or k == URSRA:
                v = v + d
        lo, hi = put(lo, hi, i, e, v)
    vset(r, rd, lo, hi, q)
    return True


@jit(inline="never")
def _sh(r, m, pc, ilen, rd, rs1, rm, imm, k):
    return pc + ilen if shift_imm(r, rd, rs1, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_sshr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SSHR)


@jit(inline="never")
def exec_ssra(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SSRA)


@jit(inline="never")
def exec_srshr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SRSHR)


@jit(inline="never")
def exec_srsra(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SRSRA)


@jit(inline="never")
def exec_ushr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, USHR)


@jit(inline="never")
def exec_usra(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, USRA)


@jit(inline="never")
def exec_urshr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, URSHR)


@jit(inline="never")
def exec_ursra(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, URSRA)


@jit(inline="never")
def exec_shl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SHL)


@jit(inline="never")
def exec_sli(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SLI)


@jit(inline="never")
def exec_sri(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SRI)


@jit(inline="never")
def exec_shrn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SHRN)


@jit(inline="never")
def exec_rshrn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, RSHRN)


@jit(inline="never")
def exec_sshll(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, SSHLL)


@jit(inline="never")
def exec_ushll(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _sh(r, m, pc, ilen, rd, rs1, rm, imm, USHLL)


# ---- three different ----------------------------------------------------------------------------
(SADDL, UADDL, SADDW, UADDW, SSUBL, USUBL, SSUBW, USUBW, SABAL, UABAL, SABDL, UABDL, SMLAL, UMLAL,
 SMLSL, UMLSL, SMULL, UMULL, ADDHN, RADDHN, SUBHN, RSUBHN) = range(22)


@jit(inline="never")
def three_diff(r, rd, rn, rm_, q, size, k):
    """e-bit lanes of one half (Q: the high one, the "2" forms) against 2e-bit lanes; the
    high-narrow ops (addhn ...) take 2e-bit lanes to e-bit ones."""
    if size == 3:
        return False
    e = 8 << size
    alo, ahi = vget(r, rn)
    blo, bhi = vget(r, rm_)
    dlo, dhi = vget(r, rd)
    if k >= ADDHN:
        v = np.int64(0)
        for i in range(64 // e):
            x = lane(alo, ahi, i, 2 * e)
            y = lane(blo, bhi, i, 2 * e)
            s = x + y if k <= RADDHN else x - y
            if k == RADDHN or k == RSUBHN:
                s += np.int64(1) << (e - 1)
            v |= (srl64(s & emask(2 * e), e) & emask(e)) << (i * e)
        if q:
            vset(r, rd, dlo, v, 1)
        else:
            vset(r, rd, v, 0, 0)
        return True
    signed = (k & 1) == 0                    # the S forms are the even ones
    wide = k == SADDW or k == UADDW or k == SSUBW or k == USUBW
    na = ahi if q else alo
    nb = bhi if q else blo
    lo = hi = np.int64(0)
    for i in range(64 // e):
        x = lane(alo, ahi, i, 2 * e) if wide else lane(na, 0, i, e)
        y = lane(nb, 0, i, e)
        if signed:
            x = x if wide else sx(x, e)
            y = sx(y, e)
        d = lane(dlo, dhi, i, 2 * e)
        if k <= UADDW:
            v = x + y
        elif k <= USUBW:
            v = x - y
        elif k <= UABDL:
            v = x - y if x >= y else y - x
            if k <= UABAL:
                v += d
        elif k <= UMLAL:
            v = d + x * y
        elif k <= UMLSL:
            v = d - x * y
        else:
            v = x * y
        lo, hi = put(lo, hi, i, 2 * e, v)
    vset(r, rd, lo, hi, 1)
    return True


@jit(inline="never")
def _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, k):
    return pc + ilen if three_diff(r, rd, rs1, rs2, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_saddl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SADDL)


@jit(inline="never")
def exec_uaddl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UADDL)


@jit(inline="never")
def exec_saddw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SADDW)


@jit(inline="never")
def exec_uaddw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UADDW)


@jit(inline="never")
def exec_ssubl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SSUBL)


@jit(inline="never")
def exec_usubl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, USUBL)


@jit(inline="never")
def exec_ssubw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SSUBW)


@jit(inline="never")
def exec_usubw(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, USUBW)


@jit(inline="never")
def exec_sabal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SABAL)


@jit(inline="never")
def exec_uabal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UABAL)


@jit(inline="never")
def exec_sabdl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SABDL)


@jit(inline="never")
def exec_uabdl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UABDL)


@jit(inline="never")
def exec_smlal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SMLAL)


@jit(inline="never")
def exec_umlal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UMLAL)


@jit(inline="never")
def exec_smlsl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SMLSL)


@jit(inline="never")
def exec_umlsl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UMLSL)


@jit(inline="never")
def exec_smull(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SMULL)


@jit(inline="never")
def exec_umull(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, UMULL)


@jit(inline="never")
def exec_addhn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, ADDHN)


@jit(inline="never")
def exec_raddhn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, RADDHN)


@jit(inline="never")
def exec_subhn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, SUBHN)


@jit(inline="never")
def exec_rsubhn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _td(r, m, pc, ilen, rd, rs1, rs2, rm, imm, RSUBHN)


# ---- floating point -----------------------------------------------------------------------------
@jit(inline="never")
def fp_rounding(r):
    """FPCR.RMode (RN, RP, RM, RZ) as an ieee754 rounding mode."""
    rmode = (r[FPCR] >> 22) & 3
    return F.RNE if rmode == 0 else (F.RUP if rmode == 1 else (F.RDN if rmode == 2 else F.RTZ))


@jit(inline="never")
def fp_raise(r, flags):
    """ieee754's flags (and a64_fp's IDC) into FPSR's cumulative bits."""
    accrue(r, flags)


@jit(inline="never")
def fz_in(x, fmt, fpcr):
    """An operand as FPUnpack reads it: under FPCR.FZ a subnormal is a zero (IDC)."""
    return flush_in(x, fmt, fpcr)


@jit(inline="never")
def fz_out(v, flags, fmt, fpcr):
    """A rounded result under FPCR.FZ: tiny ones become zeros (UFC, not IXC)."""
    return flush_out(v, flags, fmt, fpcr)


# Every ieee754 predicate goes through fkind/fcmp: their nested inlines stay in those two.
NUM, QNAN, SNAN, INF, ZERO = range(5)


@jit(inline="never")
def fkind(x, fmt):
    """NUM (finite, nonzero), QNAN, SNAN, INF or ZERO."""
    c = F.classify(x, fmt)
    if c == F.QNAN:
        return QNAN
    if c == F.SNAN:
        return SNAN
    if c == F.NEG_INF or c == F.POS_INF:
        return INF
    if c == F.NEG_ZERO or c == F.POS_ZERO:
        return ZERO
    return NUM


@jit(inline="never")
def fcmp(a, b, fmt):
    """ieee754.compare: LT, EQ, GT or UNORDERED."""
    return F.compare(a, b, fmt)


@jit(inline="never")
def fsign(fmt):
    return np.int64(-(1 << 63)) if fmt == F.F64 else np.int64(1 << 31)


@jit(inline="never")
def fp_nan1(a, fmt, dn):
    """FPProcessNaN: (result, flags) for a NaN operand."""
    flags = F.NV if fkind(a, fmt) == SNAN else 0
    return (F.default_nan(fmt) if dn else F.quiet(a, fmt)), flags


@jit(inline="never")
def fp_nans(a, b, c, n, fmt, dn):
    """FPProcessNaNs/FPProcessNaNs3 over the first n of (a, b, c), in that priority: signalling
    NaNs first, then quiet ones. (found, result, flags)."""
    ka, kb = fkind(a, fmt), fkind(b, fmt)
    kc = fkind(c, fmt) if n == 3 else NUM
    if ka == SNAN or (kb != SNAN and kc != SNAN and ka == QNAN):
        x, f = fp_nan1(a, fmt, dn)
        return True, x, f
    if kb == SNAN or (kc != SNAN and kb == QNAN):
        x, f = fp_nan1(b, fmt, dn)
        return True, x, f
    if kc == SNAN or kc == QNAN:
        x, f = fp_nan1(c, fmt, dn)
        return True, x, f
    return False, np.int64(0), 0


(FADD, FSUB, FMUL, FDIV, FMLA, FMLS, FMAX, FMIN, FMAXNM, FMINNM, FABD, FADDP, FCMEQ, FCMGE,
 FCMGT) = range(15)


@jit(inline="never")
def fp_maxmin(a, b, fmt, want_max, dn):
    """FPMax/FPMin: NaNs propagate; +0 beats -0 for max, -0 for min."""
    found, x, f = fp_nans(a, b, b, 2, fmt, dn)
    if found:
        return x, f
    c = fcmp(a, b, fmt)
    if c == F.EQ:                                # equal values; zeros may differ in sign
        sa = (a & fsign(fmt)) != 0
        return (b if sa == want_max else a), 0
    return (a if (c == F.GT) == want_max else b), 0


@jit(inline="never")
def fp2(k, a, b, d, fmt, rm, fpcr):
    """One lane of a two-operand FP op: (result bits, flags). The operands are read as
    FPUnpack does (FZ) and arithmetic results rounded as FPRound does (FZ)."""
    a, fa = fz_in(a, fmt, fpcr)
    b, fb = fz_in(b, fmt, fpcr)
    fd = 0
    if k == FMLA or k == FMLS:
        d, fd = fz_in(d, fmt, fpcr)
    v, f = fp2_core(k, a, b, d, fmt, rm, fpcr & DN)
    if not (FMAX <= k <= FMINNM or k >= FCMEQ):
        v, f = fz_out(v, f, fmt, fpcr)
    return v, f | fa | fb | fd


@jit(inline="never")
def fp2_core(k, a, b, d, fmt, rm, dn):
    ka, kb = fkind(a, fmt), fkind(b, fmt)
    if k == FCMEQ or k == FCMGE or k == FCMGT:
        if ka == QNAN or ka == SNAN or kb == QNAN or kb == SNAN:
            quiet = k == FCMEQ and ka != SNAN and kb != SNAN
            return np.int64(0), 0 if quiet else F.NV
        c = fcmp(a, b, fmt)
        t = c == F.EQ if k == FCMEQ else (c != F.LT if k == FCMGE else c == F.GT)
        return (np.int64(-1) if t else np.int64(0)), 0
    if k == FMLA or k == FMLS:
        if k == FMLS:
            a ^= fsign(fmt)
        found, x, f = fp_nans(d, a, b, 3, fmt, dn)
        if fkind(d, fmt) == QNAN and ((ka == INF and kb == ZERO) or (ka == ZERO and kb == INF)):
            return F.default_nan(fmt), F.NV            # inf * 0 + qNaN
        if found:
            return x, f
        return F.fma(a, b, d, fmt, rm, False)
    if k == FMAX or k == FMIN or k == FMAXNM or k == FMINNM:
        want_max = k == FMAX or k == FMAXNM
        if k == FMAXNM or k == FMINNM:           # a quiet NaN against a number loses
            inf = np.int64(0x7FF0000000000000) if fmt == F.F64 else np.int64(0x7F800000)
            loser = inf ^ fsign(fmt) if want_max else inf
            if ka == QNAN and kb != QNAN:
                a = loser
            elif kb == QNAN and ka != QNAN:
                b = loser
        return fp_maxmin(a, b, fmt, want_max, dn)
    found, x, f = fp_nans(a, b, b, 2, fmt, dn)
    if found:
        if k == FABD:
            x &= ~fsign(fmt)
        return x, f
    if k == FADD or k == FADDP:
        return F.add(a, b, fmt, rm, False)
    if k == FSUB or k == FABD:
        x, f = F.add(a, b ^ fsign(fmt), fmt, rm, False)
        return (x & ~fsign(fmt) if k == FABD else x), f
    if k == FMUL:
        return F.mul(a, b, fmt, rm, False)
    return F.div(a, b, fmt, rm, False)


@jit(inline="never")
def fp_three_same(r, rd, rn, rm_, q, sz, k):
    if sz == 1 and q == 0:
        return False
    e = 32 << sz
    fmt = F.F64 if sz else F.F32
    rmode = fp_rounding(r)
    fpcr = r[FPCR]
    alo, ahi = vget(r, rn)
    blo, bhi = vget(r, rm_)
    dlo, dhi = vget(r, rd)
    n = nlanes(q, e)
    lo = hi = np.int64(0)
    flags = 0
    for i in range(n):
        if k == FADDP:
            j = 2 * i
            x = lane(alo, ahi, j, e) if j < n else lane(blo, bhi, j - n, e)
            y = lane(alo, ahi, j + 1, e) if j < n else lane(blo, bhi, j + 1 - n, e)
        else:
            x = lane(alo, ahi, i, e)
            y = lane(blo, bhi, i, e)
        v, f = fp2(k, x, y, lane(dlo, dhi, i, e), fmt, rmode, fpcr)
        flags |= f
        lo, hi = put(lo, hi, i, e, v)
    vset(r, rd, lo, hi, q)
    fp_raise(r, flags)
    return True


@jit(inline="never")
def _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, k):
    return pc + ilen if fp_three_same(r, rd, rs1, rs2, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_fadd_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FADD)


@jit(inline="never")
def exec_fsub_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FSUB)


@jit(inline="never")
def exec_fmul_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FMUL)


@jit(inline="never")
def exec_fdiv_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FDIV)


@jit(inline="never")
def exec_fmla_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FMLA)


@jit(inline="never")
def exec_fmls_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FMLS)


@jit(inline="never")
def exec_fmax_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FMAX)


@jit(inline="never")
def exec_fmin_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FMIN)


@jit(inline="never")
def exec_fmaxnm_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FMAXNM)


@jit(inline="never")
def exec_fminnm_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FMINNM)


@jit(inline="never")
def exec_fabd(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FABD)


@jit(inline="never")
def exec_faddp_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FADDP)


@jit(inline="never")
def exec_fcmeq_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FCMEQ)


@jit(inline="never")
def exec_fcmge_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FCMGE)


@jit(inline="never")
def exec_fcmgt_reg(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f3(r, m, pc, ilen, rd, rs1, rs2, rm, imm, FCMGT)


(FABS, FNEG, FSQRT, FCVTZS, FCVTZU, SCVTF, UCVTF, FCMGT0, FCMEQ0, FCMLT0, FCMGE0, FCMLE0,
 FRINTN, FRINTM, FRINTP, FRINTZ, FRINTA, FRINTX, FRINTI) = range(19)


@jit(inline="never")
def fp1(k, x, fmt, e, rm, fpcr):
    """One lane of a one-operand FP op: (result bits, flags); FZ as in fp2 (fabs, fneg and
    the integer operands of scvtf/ucvtf are not FP reads)."""
    if k == FABS or k == FNEG or k == SCVTF or k == UCVTF:
        return fp1_core(k, x, fmt, e, rm, fpcr & DN)
    x, fx = fz_in(x, fmt, fpcr)
    v, f = fp1_core(k, x, fmt, e, rm, fpcr & DN)
    if k == FSQRT:
        v, f = fz_out(v, f, fmt, fpcr)
    return v, f | fx


@jit(inline="never")
def fp1_core(k, x, fmt, e, rm, dn):
    if k == FABS:
        return x & ~fsign(fmt), 0
    if k == FNEG:
        return (x ^ fsign(fmt)) & emask(e), 0
    if k == FCVTZS or k == FCVTZU:
        v, f, status = F.to_int(x, fmt, F.RTZ, k == FCVTZS, e)
        return (np.int64(0) if status == 1 else v), f          # NaN converts to 0
    if k == SCVTF or k == UCVTF:
        return F.from_int(x, k == SCVTF, e, fmt, rm, False)
    kx = fkind(x, fmt)
    if k >= FCMGT0 and k <= FCMLE0:
        if kx == QNAN or kx == SNAN:
            quiet = k == FCMEQ0 and kx != SNAN
            return np.int64(0), 0 if quiet else F.NV
        c = fcmp(x, np.int64(0), fmt)
        if k == FCMGT0:
            t = c == F.GT
        elif k == FCMEQ0:
            t = c == F.EQ
        elif k == FCMLT0:
            t = c == F.LT
        elif k == FCMGE0:
            t = c != F.LT
        else:
            t = c != F.GT
        return (np.int64(-1) if t else np.int64(0)), 0
    if kx == QNAN or kx == SNAN:
        return fp_nan1(x, fmt, dn)
    if k == FSQRT:
        return F.sqrt(x, fmt, rm, False)
    mode = rm                                   # frintx, frinti: FPCR's mode
    if k == FRINTN:
        mode = F.RNE
    elif k == FRINTM:
        mode = F.RDN
    elif k == FRINTP:
        mode = F.RUP
    elif k == FRINTZ:
        mode = F.RTZ
    elif k == FRINTA:
        mode = F.RMM
    v, f = F.round_int(x, fmt, mode)
    return v, (f if k == FRINTX else f & ~F.NX)         # only frintx reports inexact


@jit(inline="never")
def fp_two_misc(r, rd, rn, q, sz, k):
    if sz == 1 and q == 0:
        return False
    e = 32 << sz
    fmt = F.F64 if sz else F.F32
    rmode = fp_rounding(r)
    fpcr = r[FPCR]
    alo, ahi = vget(r, rn)
    lo = hi = np.int64(0)
    flags = 0
    for i in range(nlanes(q, e)):
        v, f = fp1(k, lane(alo, ahi, i, e), fmt, e, rmode, fpcr)
        flags |= f
        lo, hi = put(lo, hi, i, e, v)
    vset(r, rd, lo, hi, q)
    fp_raise(r, flags)
    return True


@jit(inline="never")
def _f2(r, m, pc, ilen, rd, rs1, rm, imm, k):
    return pc + ilen if fp_two_misc(r, rd, rs1, rm, imm, k) else illegal(m, pc)


@jit(inline="never")
def exec_fabs_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FABS)


@jit(inline="never")
def exec_fneg_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FNEG)


@jit(inline="never")
def exec_fsqrt_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FSQRT)


@jit(inline="never")
def exec_fcvtzs_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FCVTZS)


@jit(inline="never")
def exec_fcvtzu_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FCVTZU)


@jit(inline="never")
def exec_scvtf_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, SCVTF)


@jit(inline="never")
def exec_ucvtf_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, UCVTF)


@jit(inline="never")
def exec_fcmgt_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FCMGT0)


@jit(inline="never")
def exec_fcmeq_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FCMEQ0)


@jit(inline="never")
def exec_fcmlt_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FCMLT0)


@jit(inline="never")
def exec_fcmge_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FCMGE0)


@jit(inline="never")
def exec_fcmle_zero(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FCMLE0)


@jit(inline="never")
def exec_frintn_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FRINTN)


@jit(inline="never")
def exec_frintm_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FRINTM)


@jit(inline="never")
def exec_frintp_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FRINTP)


@jit(inline="never")
def exec_frintz_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FRINTZ)


@jit(inline="never")
def exec_frinta_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FRINTA)


@jit(inline="never")
def exec_frintx_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FRINTX)


@jit(inline="never")
def exec_frinti_v(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return _f2(r, m, pc, ilen, rd, rs1, rm, imm, FRINTI)


@jit(inline="never")
def fp_convert_lanes(r, rd, rn, q, widen):
    """fcvtl(2): two singles (of Vn's low or high half) to doubles; fcvtn(2): two doubles to
    singles, into Vd's low half (the high one zeroed) or its high half (the low one kept)."""
    rmode = fp_rounding(r)
    fpcr = r[FPCR]
    dn = fpcr & DN
    alo, ahi = vget(r, rn)
    src, dst = (F.F32, F.F64) if widen else (F.F64, F.F32)
    es, ed = (32, 64) if widen else (64, 32)
    half = ahi if (widen and q) else alo
    lo = hi = np.int64(0)
    flags = 0
    for i in range(2):
        x, f = fz_in(lane(half, ahi, i, es), src, fpcr)
        flags |= f
        kx = fkind(x, src)
        if kx == QNAN or kx == SNAN:
            flags |= F.NV if kx == SNAN else 0
            v = F.default_nan(dst) if dn else F.convert_nan(x, src, dst)
        else:
            v, f = F.convert(x, src, dst, rmode, False)
            v, f = fz_out(v, f, dst, fpcr)
            flags |= f
        lo, hi = put(lo, hi, i, ed, v)
    if widen:
        vset(r, rd, lo, hi, 1)
    elif q:
        dlo, _ = vget(r, rd)
        vset(r, rd, dlo, lo, 1)
    else:
        vset(r, rd, lo, 0, 0)
    fp_raise(r, flags)


@jit(inline="never")
def exec_fcvtl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fp_convert_lanes(r, rd, rs1, rm, True)
    return pc + ilen


@jit(inline="never")
def exec_fcvtn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    fp_convert_lanes(r, rd, rs1, rm, False)
    return pc + ilen
