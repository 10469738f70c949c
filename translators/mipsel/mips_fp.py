"""mipsel FPU (COP1 and COP1X of MIPS32 Release 2, FR=0): one `exec_<name>` per instruction.

Menu: add sub mul div sqrt abs mov neg recip rsqrt (.s .d), madd msub nmadd nmsub (.s .d),
round trunc ceil floor cvt .w.s/.w.d, cvt.s.d cvt.d.s cvt.s.w cvt.d.w, the compares c.cond.s/.d
(c.f c.un c.eq c.ueq c.olt c.ult c.ole c.ule and the signalling c.sf c.ngle c.seq c.ngl c.lt
c.nge c.le c.ngt, to FCC 0..7), bc1f bc1t bc1fl bc1tl, movf movt (GPR, SPECIAL function 1) and
movf movt movz movn (.s .d), mfc1 mtc1 mfhc1 mthc1 cfc1 ctc1, lwc1 swc1 ldc1 sdc1 lwxc1 swxc1
ldxc1 sdxc1.
Not in the table, so SIGILL as in QEMU 7.2 with FR=0: the 64-bit integer format (cvt round
trunc ceil floor .l, cvt.s.l cvt.d.l), paired single, luxc1/suxc1, prefx.

The arithmetic is translators/ieee754.py; this file adds the MIPS register and status rules as
qemu-mipsel 7.2 (its default CPU, 24Kf, running an FP32 binary with FR=0: our oracle) has them,
checked instruction by instruction against it (tests/translators/mipsel/test_mips_fp_qemu.py):

  - Registers (cpu.py): 32 single-precision registers of 32 bits. A .d operand is the pair
    (n, n+1), low word in the even one. An odd register number in a .d operand of an
    arithmetic, compare, convert, abs/neg/mov or COP1X instruction is a Reserved Instruction
    (SIGILL): the encoding table does not decode it. movf/movt/movz/movn.d and ldc1/sdc1 take
    the pair holding it (n & ~1, n | 1); mfhc1/mthc1 name the odd register n | 1.
  - Legacy NaNs (FCSR.NAN2008 = 0): a NaN is signalling when its fraction's top bit is SET,
    and QEMU runs legacy MIPS in default-NaN mode: every NaN result is the default NaN,
    0x7FBFFFFF / 0x7FF7FFFFFFFFFFFF (nothing propagates); invalid is raised by signalling NaN
    operands as IEEE says for the other operations. ieee754.py thinks the other way round
    about quiet bits, so NaN operands are dealt with here before it is called.
  - madd/msub/nmadd/nmsub are NOT fused (QEMU 7.2: a multiply, then an add, two roundings,
    flags of both); nmadd/nmsub negate that result, a NaN included (0xFFBFFFFF).
    recip = 1 / x; rsqrt = 1 / sqrt(x), two roundings.
  - abs, neg, mov, movf/movt/movz/movn, the moves between register files and the memory ops
    are bit copies: no NaN check, FCSR untouched (QEMU: abs/neg are non-arithmetic even
    without ABS2008).
  - Float to word (cvt/round/trunc/ceil/floor .w): a NaN or an out-of-range value (either
    sign) gives 0x7FFFFFFF and invalid, no inexact.
  - FCSR (FCR31): RM 1:0 (RN RZ RP RM), Flags 6:2, Enables 11:7, Cause 17:12 (bits I U O Z V
    from low to high: ieee754's flag order; E, bit 17, is never set by an operation), FCC0 23,
    FS 24, FCC1..7 31:25. Every arithmetic op, compare and conversion sets Cause to what it
    raised; an enabled exception traps: Exit.FP_TRAP, the destination (register or condition
    code) is not written, Flags are not updated, the instruction's own pc is returned. Else
    Flags accrue. Tininess is detected after rounding. FS (flush to zero): a result whose
    exact value is nonzero and below the smallest normal becomes a zero of its sign, with no
    flags (QEMU: the softfloat's output-denormal flag, which MIPS does not map); denormal
    operands are not flushed.
  - cfc1/ctc1 as QEMU's helpers: FCR0 (FIR) reads 0x00739300 (24Kf: F64 L W D S, PRId 0x93)
    and is read-only; FCCR (25), FEXR (26), FENR (28) are views of FCSR; a write to FCCR with
    bits above 7 set, or to FEXR/FENR with bits 22:18 set, is ignored; FCSR's writable bits are
    0xFF83FFFF (NAN2008 and ABS2008 stay 0). cfc1 of another number reads FCSR (1 and 5 read
    0: no UFR/FRE on the 24Kf); ctc1 to another number does nothing. A ctc1 that leaves a Cause
    bit set whose Enable is set -- or Cause.E, which has no Enable -- traps after the write.
  - Memory: addresses are 32 bits (va). Misaligned lwc1/ldc1/swc1/sdc1 (and the indexed
    forms) are done as plain accesses: QEMU raises SIGBUS, but Linux emulates them for user
    programs (arch/mips/kernel/unaligned.c handles the COP1 loads and stores too), as
    mips_mem.py does for lw/sw.

Delay slots (cpu.py): a plain instruction ends with `advance(r)`; a fault or trap returns pc and
leaves NPC alone; bc1f/bc1t are delayed branches and bc1fl/bc1tl branch-likely (mips_branch).
"""
import numpy as np

from jitvm.compiled import jit
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, faulted, load_u32, load_u64, store_u32, store_u64
from translators.ieee754 import (EQ, F32, F64, LT, NV, NX, RDN, RNE, RTZ, RUP, UNORDERED,
                                 add, compare, convert, div, from_int, is_nan, mul, neg,
                                 sign_mask, sqrt, to_int)
from translators.mipsel.cpu import F0, FCSR, advance, va, wx
from translators.mipsel.mips_branch import branch, branch_likely

TINY_AFTER = True
LO32 = 0xFFFFFFFF
DNAN32, DNAN64 = 0x7FBFFFFF, 0x7FF7FFFFFFFFFFFF     # legacy MIPS default NaNs
ONE32, ONE64 = 0x3F800000, 0x3FF0000000000000
MIN32, MIN64 = 0x00800000, 0x0010000000000000       # the smallest normals
WORD_INVALID = 0x7FFFFFFF                          # float to word: NaN or out of range
FIR_24KF = 0x00739300
FLAGS_SHIFT, ENABLES_SHIFT, CAUSE_SHIFT = 2, 7, 12
CAUSE = 0x3F << CAUSE_SHIFT
CAUSE_E = 0x20                                     # unimplemented operation: no enable bit
FS_BIT = 24
FCSR_RW = 0xFF83FFFF
# operations of the arithmetic core
ADD, SUB, MUL, DIV, SQRT, NARROW = 0, 1, 2, 3, 4, 5


# ---- FCSR, registers ----------------------------------------------------------------------

@jit
def rounding(r):
    """ieee754's mode for FCSR.RM: 0 RN, 1 RZ, 2 RP (up), 3 RM (down) -> RNE RTZ RUP RDN."""
    rm = r[FCSR] & 3
    return rm ^ (rm >> 1)


@jit
def flush(r):
    """FCSR.FS: flush tiny results to zero."""
    return (r[FCSR] >> FS_BIT) & 1


@jit
def fp_status(r, m, flags):
    """Record an op's exceptions: Cause = flags; an enabled one traps (Flags unchanged, the
    caller writes nothing), else Flags |= flags. Returns True when the op may complete."""
    f = (r[FCSR] & ~np.int64(CAUSE)) | (np.int64(flags) << CAUSE_SHIFT)
    if flags & (f >> ENABLES_SHIFT) & 0x1F:
        r[FCSR] = f
        m[4][CTL_EXIT] = Exit.FP_TRAP
        return False
    r[FCSR] = f | (np.int64(flags) << FLAGS_SHIFT)
    return True


@jit
def fcc_bit(cc):
    """FCSR bit of condition code cc: FCC0 is bit 23, FCC1..7 bits 25..31."""
    return 23 if cc == 0 else 24 + cc


@jit
def fcc(r, cc):
    return (r[FCSR] >> fcc_bit(cc)) & 1


@jit
def get_s(r, n):
    return r[F0 + n] & LO32


@jit
def put_s(r, n, v):
    r[F0 + n] = v & LO32


@jit
def get_d(r, n):
    """The double in the pair holding register n (FR=0): low word in the even register."""
    n &= 30
    return (r[F0 + n + 1] << 32) | (r[F0 + n] & LO32)


@jit
def put_d(r, n, v):
    n &= 30
    r[F0 + n] = v & LO32
    r[F0 + n + 1] = (v >> 32) & LO32


@jit
def done_s(r, m, pc, fd, v, fl):
    if not fp_status(r, m, fl):
        return pc
    put_s(r, fd, v)
    return advance(r)


@jit
def done_d(r, m, pc, fd, v, fl):
    if not fp_status(r, m, fl):
        return pc
    put_d(r, fd, v)
    return advance(r)


# ---- legacy NaNs, and the arithmetic core ---------------------------------------------------

@jit
def snan(x, fmt):
    """A signalling NaN in the legacy encoding: the fraction's top bit set."""
    return is_nan(x, fmt) and ((x >> (fmt - 1)) & 1) == 1


@jit
def dnan(fmt):
    return np.int64(DNAN64) if fmt == F64 else np.int64(DNAN32)


@jit
def one(fmt):
    return np.int64(ONE64) if fmt == F64 else np.int64(ONE32)


@jit
def _calc(op, a, b, fmt, mode):
    """ieee754 on operands that are not NaNs; NARROW is cvt.s.d of a (fmt is F32)."""
    if op == ADD:
        return add(a, b, fmt, mode, TINY_AFTER)
    if op == SUB:
        return add(a, neg(b, fmt), fmt, mode, TINY_AFTER)
    if op == MUL:
        return mul(a, b, fmt, mode, TINY_AFTER)
    if op == DIV:
        return div(a, b, fmt, mode, TINY_AFTER)
    if op == SQRT:
        return sqrt(a, fmt, mode, TINY_AFTER)
    return convert(a, F64, F32, mode, TINY_AFTER)


@jit(inline="never")
def arith(op, a, b, fmt, mode, ftz):
    """a op b (SQRT, NARROW: of a) as QEMU's legacy-MIPS softfloat: (bits, flags)."""
    src = F64 if op == NARROW else fmt
    if is_nan(a, src) or is_nan(b, src):
        return dnan(fmt), NV if snan(a, src) or snan(b, src) else 0
    v, fl = _calc(op, a, b, fmt, mode)
    if is_nan(v, fmt):                                  # an invalid operation
        return dnan(fmt), fl
    if ftz:
        # Flush when the exact value is below the smallest normal: a result below it says so
        # (rounding is monotonic); a result equal to it, inexact, may have been rounded up to
        # it -- truncated, the value shows which (rare: recompute).
        sm, lim = sign_mask(fmt), MIN64 if fmt == F64 else MIN32
        mag = v & ~sm
        if mag < lim or (mag == lim and fl & NX and
                         (_calc(op, a, b, fmt, np.int64(RTZ))[0] & ~sm) < lim):
            return v & sm, 0
    return v, fl


@jit(inline="never")
def reciprocal(a, fmt, mode, ftz, root):
    """recip (1 / a) or rsqrt (1 / sqrt(a), rounded twice, flags of both)."""
    f1 = 0
    if root:
        a, f1 = arith(np.int64(SQRT), a, a, fmt, mode, ftz)
    v, f2 = arith(np.int64(DIV), one(fmt), a, fmt, mode, ftz)
    return v, f1 | f2


@jit(inline="never")
def madd(a, b, c, fmt, mode, ftz, sub, negate):
    """a * b + c (sub: - c) rounded twice, as QEMU 7.2 (not fused); negate: the result's sign
    flipped afterwards, a NaN's too."""
    p, f1 = arith(np.int64(MUL), a, b, fmt, mode, ftz)
    v, f2 = arith(np.int64(SUB if sub else ADD), p, c, fmt, mode, ftz)
    return (neg(v, fmt) if negate else v), f1 | f2


@jit(inline="never")
def widen(x):
    """cvt.d.s: exact."""
    if is_nan(x, F32):
        return np.int64(DNAN64), NV if snan(x, F32) else 0
    return convert(x, F32, F64, np.int64(RNE), TINY_AFTER)


@jit(inline="never")
def to_word(x, fmt, mode):
    """Float to a 32-bit integer in mode: a NaN or out of range is 0x7FFFFFFF, invalid."""
    v, fl, status = to_int(x, fmt, mode, True, np.int64(32))
    if fl & NV:
        return np.int64(WORD_INVALID), fl
    return v & LO32, fl


@jit(inline="never")
def c_cond(a, b, fmt, cond):
    """c.cond.fmt's condition (the function field's low 4 bits): bit 0 true if unordered,
    1 if equal, 2 if less; bit 3 signalling (invalid on any NaN, else only on a signalling
    one). Returns (true, flags)."""
    rel = compare(a, b, fmt)
    if rel == UNORDERED:
        signal = (cond & 8) != 0 or snan(a, fmt) or snan(b, fmt)
        return cond & 1, NV if signal else 0
    if rel == EQ:
        return (cond >> 1) & 1, 0
    if rel == LT:
        return (cond >> 2) & 1, 0
    return 0, 0


# ---- shapes shared by the .s and .d instructions ------------------------------------------
# Arguments that only select a branch go in as np.int64(...): Numba would compile a copy of a
# core per literal value.

@jit
def op_s(r, m, pc, fd, fs, ft, op):
    v, fl = arith(np.int64(op), get_s(r, fs), get_s(r, ft), F32, rounding(r), flush(r))
    return done_s(r, m, pc, fd, v, fl)


@jit
def op_d(r, m, pc, fd, fs, ft, op):
    v, fl = arith(np.int64(op), get_d(r, fs), get_d(r, ft), F64, rounding(r), flush(r))
    return done_d(r, m, pc, fd, v, fl)


@jit
def recip_s(r, m, pc, fd, fs, root):
    v, fl = reciprocal(get_s(r, fs), F32, rounding(r), flush(r), np.int64(root))
    return done_s(r, m, pc, fd, v, fl)


@jit
def recip_d(r, m, pc, fd, fs, root):
    v, fl = reciprocal(get_d(r, fs), F64, rounding(r), flush(r), np.int64(root))
    return done_d(r, m, pc, fd, v, fl)


@jit
def madd_s(r, m, pc, fd, fs, ft, fr, sub, negate):
    v, fl = madd(get_s(r, fs), get_s(r, ft), get_s(r, fr), F32, rounding(r), flush(r),
                 np.int64(sub), np.int64(negate))
    return done_s(r, m, pc, fd, v, fl)


@jit
def madd_d(r, m, pc, fd, fs, ft, fr, sub, negate):
    v, fl = madd(get_d(r, fs), get_d(r, ft), get_d(r, fr), F64, rounding(r), flush(r),
                 np.int64(sub), np.int64(negate))
    return done_d(r, m, pc, fd, v, fl)


@jit
def word_s(r, m, pc, fd, fs, mode):
    v, fl = to_word(get_s(r, fs), F32, mode)
    return done_s(r, m, pc, fd, v, fl)


@jit
def word_d(r, m, pc, fd, fs, mode):
    """The word goes to a single register: only fs is a pair."""
    v, fl = to_word(get_d(r, fs), F64, mode)
    return done_s(r, m, pc, fd, v, fl)


@jit
def compare_cc(r, m, pc, cc, a, b, fmt, cond):
    v, fl = c_cond(a, b, fmt, np.int64(cond))
    if not fp_status(r, m, fl):
        return pc
    bit = fcc_bit(cc)
    r[FCSR] = (r[FCSR] & ~(np.int64(1) << bit)) | (np.int64(v) << bit)
    return advance(r)


@jit
def move_s(r, fd, fs, cond):
    if cond:
        put_s(r, fd, get_s(r, fs))
    return advance(r)


@jit
def move_d(r, fd, fs, cond):
    """movf/movt/movz/movn.d: QEMU takes the pairs holding odd registers, no check."""
    if cond:
        put_d(r, fd, get_d(r, fs))
    return advance(r)


# ---- arithmetic -----------------------------------------------------------------------------

@jit
def exec_add_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_s(r, m, pc, rd, rs1, rs2, ADD)


@jit
def exec_add_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_d(r, m, pc, rd, rs1, rs2, ADD)


@jit
def exec_sub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_s(r, m, pc, rd, rs1, rs2, SUB)


@jit
def exec_sub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_d(r, m, pc, rd, rs1, rs2, SUB)


@jit
def exec_mul_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_s(r, m, pc, rd, rs1, rs2, MUL)


@jit
def exec_mul_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_d(r, m, pc, rd, rs1, rs2, MUL)


@jit
def exec_div_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_s(r, m, pc, rd, rs1, rs2, DIV)


@jit
def exec_div_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_d(r, m, pc, rd, rs1, rs2, DIV)


@jit
def exec_sqrt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_s(r, m, pc, rd, rs1, rs1, SQRT)


@jit
def exec_sqrt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return op_d(r, m, pc, rd, rs1, rs1, SQRT)


@jit
def exec_recip_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return recip_s(r, m, pc, rd, rs1, False)


@jit
def exec_recip_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return recip_d(r, m, pc, rd, rs1, False)


@jit
def exec_rsqrt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return recip_s(r, m, pc, rd, rs1, True)


@jit
def exec_rsqrt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return recip_d(r, m, pc, rd, rs1, True)


# madd.fmt fd, fr, fs, ft = fs * ft + fr: rs1 = fs, rs2 = ft, rs3 = fr

@jit
def exec_madd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_s(r, m, pc, rd, rs1, rs2, rs3, False, False)


@jit
def exec_madd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_d(r, m, pc, rd, rs1, rs2, rs3, False, False)


@jit
def exec_msub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_s(r, m, pc, rd, rs1, rs2, rs3, True, False)


@jit
def exec_msub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_d(r, m, pc, rd, rs1, rs2, rs3, True, False)


@jit
def exec_nmadd_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_s(r, m, pc, rd, rs1, rs2, rs3, False, True)


@jit
def exec_nmadd_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_d(r, m, pc, rd, rs1, rs2, rs3, False, True)


@jit
def exec_nmsub_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_s(r, m, pc, rd, rs1, rs2, rs3, True, True)


@jit
def exec_nmsub_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return madd_d(r, m, pc, rd, rs1, rs2, rs3, True, True)


# ---- sign and moves: bit copies, FCSR untouched ----------------------------------------------

@jit
def exec_abs_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    put_s(r, rd, get_s(r, rs1) & 0x7FFFFFFF)
    return advance(r)


@jit
def exec_abs_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    put_d(r, rd, get_d(r, rs1) & 0x7FFFFFFFFFFFFFFF)
    return advance(r)


@jit
def exec_neg_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    put_s(r, rd, get_s(r, rs1) ^ 0x80000000)
    return advance(r)


@jit
def exec_neg_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    put_d(r, rd, neg(get_d(r, rs1), F64))
    return advance(r)


@jit
def exec_mov_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_s(r, rd, rs1, True)


@jit
def exec_mov_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_d(r, rd, rs1, True)


# movf/movt.fmt fd, fs, cc (rs2 = cc; movt moves when FCC[cc] is 1, movf when 0);
# movz/movn.fmt fd, fs, rt (rs2 = rt, a general register)

@jit
def exec_movf_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_s(r, rd, rs1, fcc(r, rs2) == 0)


@jit
def exec_movt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_s(r, rd, rs1, fcc(r, rs2) == 1)


@jit
def exec_movf_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_d(r, rd, rs1, fcc(r, rs2) == 0)


@jit
def exec_movt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_d(r, rd, rs1, fcc(r, rs2) == 1)


@jit
def exec_movz_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_s(r, rd, rs1, r[rs2] == 0)


@jit
def exec_movn_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_s(r, rd, rs1, r[rs2] != 0)


@jit
def exec_movz_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_d(r, rd, rs1, r[rs2] == 0)


@jit
def exec_movn_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return move_d(r, rd, rs1, r[rs2] != 0)


# movf/movt rd, rs, cc: the general-register forms (SPECIAL function 1)

@jit
def exec_movf(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if fcc(r, rs2) == 0:
        wx(r, rd, r[rs1])
    return advance(r)


@jit
def exec_movt(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    if fcc(r, rs2) == 1:
        wx(r, rd, r[rs1])
    return advance(r)


# ---- conversions ----------------------------------------------------------------------------

@jit
def exec_cvt_s_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = arith(np.int64(NARROW), get_d(r, rs1), get_d(r, rs1), F32, rounding(r), flush(r))
    return done_s(r, m, pc, rd, v, fl)


@jit
def exec_cvt_d_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = widen(get_s(r, rs1))
    return done_d(r, m, pc, rd, v, fl)


@jit
def exec_cvt_s_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = from_int(get_s(r, rs1), True, np.int64(32), F32, rounding(r), TINY_AFTER)
    return done_s(r, m, pc, rd, v, fl)


@jit
def exec_cvt_d_w(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    v, fl = from_int(get_s(r, rs1), True, np.int64(32), F64, rounding(r), TINY_AFTER)
    return done_d(r, m, pc, rd, v, fl)


@jit
def exec_cvt_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_s(r, m, pc, rd, rs1, rounding(r))


@jit
def exec_cvt_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_d(r, m, pc, rd, rs1, rounding(r))


@jit
def exec_round_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_s(r, m, pc, rd, rs1, np.int64(RNE))


@jit
def exec_round_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_d(r, m, pc, rd, rs1, np.int64(RNE))


@jit
def exec_trunc_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_s(r, m, pc, rd, rs1, np.int64(RTZ))


@jit
def exec_trunc_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_d(r, m, pc, rd, rs1, np.int64(RTZ))


@jit
def exec_ceil_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_s(r, m, pc, rd, rs1, np.int64(RUP))


@jit
def exec_ceil_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_d(r, m, pc, rd, rs1, np.int64(RUP))


@jit
def exec_floor_w_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_s(r, m, pc, rd, rs1, np.int64(RDN))


@jit
def exec_floor_w_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return word_d(r, m, pc, rd, rs1, np.int64(RDN))


# ---- compare and branch ---------------------------------------------------------------------
# c.cond.fmt cc, fs, ft: rd = cc. The condition is the function field's low 4 bits
# (c_cond): f un eq ueq olt ult ole ule, then the signalling sf ngle seq ngl lt nge le ngt.

@jit
def exec_c_f_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 0)


@jit
def exec_c_f_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 0)


@jit
def exec_c_un_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 1)


@jit
def exec_c_un_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 1)


@jit
def exec_c_eq_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 2)


@jit
def exec_c_eq_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 2)


@jit
def exec_c_ueq_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 3)


@jit
def exec_c_ueq_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 3)


@jit
def exec_c_olt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 4)


@jit
def exec_c_olt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 4)


@jit
def exec_c_ult_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 5)


@jit
def exec_c_ult_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 5)


@jit
def exec_c_ole_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 6)


@jit
def exec_c_ole_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 6)


@jit
def exec_c_ule_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 7)


@jit
def exec_c_ule_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 7)


@jit
def exec_c_sf_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 8)


@jit
def exec_c_sf_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 8)


@jit
def exec_c_ngle_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 9)


@jit
def exec_c_ngle_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 9)


@jit
def exec_c_seq_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 10)


@jit
def exec_c_seq_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 10)


@jit
def exec_c_ngl_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 11)


@jit
def exec_c_ngl_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 11)


@jit
def exec_c_lt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 12)


@jit
def exec_c_lt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 12)


@jit
def exec_c_nge_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 13)


@jit
def exec_c_nge_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 13)


@jit
def exec_c_le_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 14)


@jit
def exec_c_le_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 14)


@jit
def exec_c_ngt_s(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_s(r, rs1), get_s(r, rs2), F32, 15)


@jit
def exec_c_ngt_d(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return compare_cc(r, m, pc, rd, get_d(r, rs1), get_d(r, rs2), F64, 15)


# bc1f/bc1t cc, offset: rs1 = cc, imm = the byte offset from the delay slot

@jit
def exec_bc1f(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, fcc(r, rs1) == 0, pc, pc + 4 + imm)


@jit
def exec_bc1t(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, fcc(r, rs1) == 1, pc, pc + 4 + imm)


@jit
def exec_bc1fl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, fcc(r, rs1) == 0, pc, pc + 4 + imm)


@jit
def exec_bc1tl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, fcc(r, rs1) == 1, pc, pc + 4 + imm)


# ---- moves between register files (mfc1 rt, fs: rd = rt, rs1 = fs; mtc1 rt, fs: rd = fs,
# rs1 = rt; likewise the others) ------------------------------------------------------------

@jit
def exec_mfc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, get_s(r, rs1))
    return advance(r)


@jit
def exec_mtc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    put_s(r, rd, r[rs1])
    return advance(r)


@jit
def exec_mfhc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """The high word of the double in fs: with FR=0 the odd register of its pair."""
    wx(r, rd, get_s(r, rs1 | 1))
    return advance(r)


@jit
def exec_mthc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    put_s(r, rd | 1, r[rs1])
    return advance(r)


@jit
def read_fcr(r, n):
    """cfc1's value of control register n (QEMU's helper_cfc1 for the 24Kf)."""
    f = r[FCSR]
    if n == 0:
        return np.int64(FIR_24KF)                     # read-only: the 24Kf's
    if n == 1 or n == 5:
        return np.int64(0)
    if n == 25:                                       # FCCR: FCC7..1, FCC0
        return ((f >> 24) & 0xFE) | ((f >> 23) & 1)
    if n == 26:                                       # FEXR: Cause and Flags
        return f & 0x0003F07C
    if n == 28:                                       # FENR: Enables, FS, RM
        return (f & 0x00000F83) | ((f >> 22) & 4)
    return f


@jit
def exec_cfc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, read_fcr(r, rs1))
    return advance(r)


@jit
def exec_ctc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    """ctc1 rt, fs: rd = the control register, rs1 = rt. Only FCSR's views are writable."""
    v = r[rs1] & LO32
    f = r[FCSR]
    if rd == 25:
        if v & 0xFFFFFF00:
            return advance(r)
        f = (f & 0x017FFFFF) | ((v & 0xFE) << 24) | ((v & 1) << 23)
    elif rd == 26:
        if v & 0x007C0000:
            return advance(r)
        f = (f & 0xFFFC0F83) | (v & 0x0003F07C)
    elif rd == 28:
        if v & 0x007C0000:
            return advance(r)
        f = (f & 0xFEFFF07C) | (v & 0x00000F83) | ((v & 4) << 22)
    elif rd == 31:
        f = (v & FCSR_RW) | (f & ~np.int64(FCSR_RW))
    else:
        return advance(r)
    r[FCSR] = f
    if (((f >> ENABLES_SHIFT) & 0x1F) | CAUSE_E) & (f >> CAUSE_SHIFT) & 0x3F:
        m[4][CTL_EXIT] = Exit.FP_TRAP        # the write stands; the trap reports the ctc1
        return pc
    return advance(r)


# ---- loads and stores: lwc1 ft, offset(base): rd = ft, rs1 = base, imm = offset;
# lwxc1 fd, index(base): rd = fd, rs1 = base, rs2 = index --------------------------------------

@jit
def load_s(r, m, pc, ft, a):
    v = load_u32(m, va(a))
    if faulted(m):
        return pc
    put_s(r, ft, v)
    return advance(r)


@jit
def load_d(r, m, pc, ft, a):
    v = load_u64(m, va(a))
    if faulted(m):
        return pc
    put_d(r, ft, v)
    return advance(r)


@jit
def store_s(r, m, pc, ft, a):
    return advance(r) if store_u32(m, va(a), get_s(r, ft)) else pc


@jit
def store_d(r, m, pc, ft, a):
    return advance(r) if store_u64(m, va(a), get_d(r, ft)) else pc


@jit
def exec_lwc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_s(r, m, pc, rd, r[rs1] + imm)


@jit
def exec_ldc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_d(r, m, pc, rd, r[rs1] + imm)


@jit
def exec_swc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_s(r, m, pc, rd, r[rs1] + imm)


@jit
def exec_sdc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_d(r, m, pc, rd, r[rs1] + imm)


@jit
def exec_lwxc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_s(r, m, pc, rd, r[rs1] + r[rs2])


@jit
def exec_ldxc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return load_d(r, m, pc, rd, r[rs1] + r[rs2])


@jit
def exec_swxc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_s(r, m, pc, rd, r[rs1] + r[rs2])


@jit
def exec_sdxc1(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return store_d(r, m, pc, rd, r[rs1] + r[rs2])
