"""loongarch64 scalar FP (la_fp.py): register rules by hand, then a differential run against qemu.

The hand-written cases pin what the manual leaves to the implementation, as qemu-loongarch64 7.2
(the oracle) does it: NaN propagation, NaN-boxing, ftint's NaN and out-of-range results, fcsr0's
Cause/Flags/Enables. test_against_qemu builds tests/guest/loongarch64/fp_torture.c, runs it under
qemu-loongarch64-static (each output line is one instruction with its operands, result and
fcsr0) and replays every line through the exec_ functions, called directly (np.int64 arguments,
as the dispatch calls them). Everything runs under Numba and, via test_python_engine, under plain
Python (JITVM_ENGINE=python).
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lahelpers import DATA, PC, Machine, sx, ux
from jitvm.exits import Exit
from jitvm.mmu import CTL_FAULT_ADDR
from translators.loongarch64 import la_fp
from translators.loongarch64.cpu import F0, FCC0, FCSR

PY = os.environ.get("JITVM_ENGINE") == "python"
# the python tier computes with numpy scalars, which warn where the FPU overflows on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
REPO = Path(__file__).resolve().parents[3]
FD, FJ, FK, FA = 5, 1, 2, 3
V, Z, O, U, I = 16, 8, 4, 2, 1                 # fcsr0 exception bits, high to low
RNE, RZ, RP, RM = 0, 1, 2, 3                   # fcsr0.RM
G = 0x5555555555555555                         # what fd holds before an instruction
DQNAN, SQNAN = 0x7FF8000000000000, 0x7FC00000   # the default NaNs
ONE, TWO = 0x3FF0000000000000, 0x4000000000000000


def box(x):
    return 0xFFFFFFFF00000000 | x


def cause(x):
    return x << 24


def flags(x):
    return x << 16


def fn(name):
    return getattr(la_fp, "exec_" + name.replace(".", "_"))


def fp(name, a=0, b=0, c=0, rm=RNE, fcsr=None, mc=None, fd_in=G):
    """Run FP instruction `name` with fj, fk, fa = a, b, c (whole registers) and fcsr0.RM = rm
    (or the whole fcsr0); returns (fd as unsigned, fcsr0)."""
    mc = mc or Machine()
    mc.r[FCSR] = (rm << 8) if fcsr is None else fcsr
    mc.r[F0 + FD] = sx(fd_in)
    mc.r[F0 + FJ], mc.r[F0 + FK], mc.r[F0 + FA] = sx(a), sx(b), sx(c)
    assert mc.run(fn(name), rd=FD, rs1=FJ, rs2=FK, rs3=FA) == PC + 4
    assert mc.exit == Exit.NONE
    return ux(mc.r[F0 + FD]), int(mc.r[FCSR])


def res(name, *args, **kw):
    return fp(name, *args, **kw)[0]


# ---- rounding, Cause and Flags, traps -------------------------------------------------------

def test_rounding_modes_from_fcsr():
    x = box(0x33800001)                         # just over half an ulp of 1.0f
    for rm, up, down in ((RNE, 0x3F800001, 0xBF800001), (RZ, 0x3F800000, 0xBF800000),
                         (RP, 0x3F800001, 0xBF800000), (RM, 0x3F800000, 0xBF800001)):
        inexact = (rm << 8) | cause(I) | flags(I)
        assert fp("fadd.s", box(0x3F800000), x, rm=rm) == (box(up), inexact)
        assert fp("fsub.s", box(0xBF800000), x, rm=rm) == (box(down), inexact)    # -1 - x
    for rm, want in ((RNE, 2.0), (RZ, 2.0), (RP, 3.0), (RM, 2.0)):     # frint and ftint use RM
        assert res("frint.d", 0x4004000000000000, rm=rm) == np.float64(want).view(np.uint64)
        assert res("ftint.l.d", 0x4004000000000000, rm=rm) == int(want)
    for name, want in (("ftintrm", 2), ("ftintrp", 3), ("ftintrz", 2), ("ftintrne", 2)):
        for rm in (RNE, RP, RM):                  # the explicit forms ignore fcsr0.RM
            assert fp(name + ".w.d", 0x4004000000000000, rm=rm) == (want, (rm << 8) | cause(I)
                                                                    | flags(I))


def test_cause_is_per_op_flags_accrue():
    mc = Machine()
    _, f = fp("fadd.d", ONE, 0x3CA0000000000001, mc=mc)        # inexact
    assert f == cause(I) | flags(I)
    mc.r[F0 + FJ], mc.r[F0 + FK] = ONE, ONE
    mc.run(fn("fadd.d"), rd=FD, rs1=FJ, rs2=FK)                 # exact: Cause cleared
    assert mc.r[FCSR] == flags(I)
    mc.r[F0 + FK] = 0
    mc.run(fn("fdiv.d"), rd=FD, rs1=FJ, rs2=FK)
    assert mc.r[FCSR] == cause(Z) | flags(I | Z)
    for name in ("fabs.d", "fneg.s", "fmov.d", "fclass.d", "fcopysign.d", "movfr2gr.d"):
        mc.r[F0 + FJ] = 0x7FF0000000000001                      # even an sNaN: no fcsr change
        mc.run(fn(name), rd=FD, rs1=FJ, rs2=FK)
        assert mc.r[FCSR] == cause(Z) | flags(I | Z), name
    mc.r[FCSR] = 0
    mc.r[F0 + FK] = ONE
    mc.run(fn("fcmp.cond.d"), rd=0, rs1=FJ, rs2=FK, rm=0x4)     # ceq on an sNaN: invalid
    assert mc.r[FCSR] == cause(V) | flags(V)


def test_enabled_exception_traps():
    mc = Machine()
    enables = Z | V
    mc.r[FCSR] = enables | flags(I)
    mc.r[F0 + FJ], mc.r[F0 + FK], mc.r[F0 + FD] = ONE, 0, 42
    assert mc.run(fn("fdiv.d"), rd=FD, rs1=FJ, rs2=FK) == PC        # not completed
    assert mc.exit == Exit.FP_TRAP and mc.r[F0 + FD] == 42
    assert mc.r[FCSR] == enables | cause(Z) | flags(I)             # Cause set, Flags kept
    mc.r[F0 + FK] = DQNAN
    mc.r[FCC0 + 3] = 1
    assert mc.run(fn("fcmp.cond.d"), rd=3, rs1=FJ, rs2=FK, rm=0x3) == PC     # slt on a NaN
    assert mc.exit == Exit.FP_TRAP and mc.r[FCC0 + 3] == 1
    assert mc.r[FCSR] == enables | cause(V) | flags(I)
    mc.r[FCSR] = I                             # inexact enabled: frint 2.5 traps, 2.0 does not
    mc.r[F0 + FJ] = 0x4004000000000000
    assert mc.run(fn("frint.d"), rd=FD, rs1=FJ) == PC and mc.exit == Exit.FP_TRAP
    mc.r[F0 + FJ] = TWO
    assert mc.run(fn("frint.d"), rd=FD, rs1=FJ) == PC + 4 and mc.exit == Exit.NONE
    assert mc.r[F0 + FD] == TWO and mc.r[FCSR] == I
    mc.r[F0 + FJ] = 0x4008000000000000         # flogb(3) = 1: log2 is inexact, QEMU masks it
    assert mc.run(fn("flogb.d"), rd=FD, rs1=FJ) == PC + 4 and mc.r[F0 + FD] == ONE


# ---- NaNs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, a, b, c, want, fl", [
    ("fadd.d", 0x7FF800000000ABCD, ONE, 0, 0x7FF800000000ABCD, 0),       # qNaN kept
    ("fadd.d", ONE, 0x7FF000000000ABCD, 0, 0x7FF800000000ABCD, V),       # sNaN quieted
    ("fadd.d", 0x7FF8000000000001, 0x7FF0000000000002, 0, 0x7FF8000000000002, V),  # sNaN wins
    ("fadd.d", 0xFFF8000000000001, 0x7FF8000000000002, 0, 0xFFF8000000000001, 0),  # then a
    ("fsub.d", ONE, 0xFFF8000000000003, 0, 0xFFF8000000000003, 0),       # no sign flip
    ("fmul.d", 0x7FF0000000000000, 0, 0, DQNAN, V),                      # invalid: default
    ("fsub.d", 0x7FF0000000000000, 0x7FF0000000000000, 0, DQNAN, V),
    ("fsqrt.d", 0xBFF0000000000000, 0, 0, DQNAN, V),
    ("fdiv.s", box(0), box(0), 0, box(SQNAN), V),
    ("fadd.s", box(0xFFC00005), box(0x3F800000), 0, box(0xFFC00005), 0),
    ("fadd.s", 0x7FA00001, box(0x3F800000), 0, box(0x7FE00001), V),      # unboxed: low half
    ("fmax.d", DQNAN | 1, ONE, 0, ONE, 0),                               # maxNum: qNaN loses
    ("fmax.d", 0x7FF0000000000001, ONE, 0, DQNAN | 1, V),                # but sNaN does not
    ("fmina.s", box(SQNAN), box(0xC0000000), 0, box(0xC0000000), 0),
    ("fmadd.d", DQNAN | 5, 0x7FF0000000000006, 0x7FF0000000000007, DQNAN | 7, V),  # c, a, b
    ("fmadd.d", 0x7FF0000000000005, DQNAN | 6, DQNAN | 7, DQNAN | 5, V),
    ("fmadd.d", DQNAN | 5, DQNAN | 6, DQNAN | 7, DQNAN | 7, 0),
    ("fmadd.d", DQNAN | 5, DQNAN | 6, ONE, DQNAN | 5, 0),
    ("fmadd.d", 0x7FF0000000000000, 0, DQNAN | 7, DQNAN | 7, V),         # inf*0 + qNaN
    ("fmadd.d", 0x7FF0000000000000, 0, ONE, DQNAN, V),
    ("fnmadd.d", DQNAN | 5, ONE, ONE, DQNAN | 5, 0),                     # NaN not negated
    ("fnmsub.s", box(SQNAN | 5), box(0x3F800000), box(0), box(SQNAN | 5), 0),
    ("fcvt.s.d", 0x7FF4000012345678, 0, 0, box(0x7FE00000), V),          # payload's top bits
    ("fcvt.s.d", 0xFFF8000012345678, 0, 0, box(0xFFC00000), 0),
    ("fcvt.d.s", box(0x7FA00001), 0, 0, 0x7FFC000020000000, V),
    ("frint.d", 0x7FF0000000000009, 0, 0, DQNAN | 9, V),
    ("fscaleb.d", 0xFFF0000000000009, 1, 0, 0xFFF8000000000009, V),
    ("frecip.s", box(0xFFC00003), 0, 0, box(0xFFC00003), 0),
    ("frsqrt.d", 0x7FF0000000000009, 0, 0, DQNAN | 9, V),
])
def test_nan_results(name, a, b, c, want, fl):
    assert fp(name, a, b, c) == (want, cause(fl) | flags(fl))


# ---- fused multiply-add, min/max, scale, log, class -------------------------------------

def test_fused_negation():
    """QEMU rounds -(a*b + c) itself: in RP/RM fnmadd is not -(fmadd) for inexact results."""
    a = 0x3FF0000000000001                     # (1 + ulp)**2 = 1 + 2 ulp + ulp**2
    for rm, up, neg in ((RNE, 2, 2), (RZ, 2, 2), (RP, 3, 2), (RM, 2, 3)):
        assert res("fmadd.d", a, a, 0, rm=rm) == ONE + up
        assert res("fnmadd.d", a, a, 0, rm=rm) == 0xBFF0000000000000 + neg
        assert res("fnmsub.d", a, a, 0, rm=rm) == 0xBFF0000000000000 + neg
        assert res("fmsub.d", a, a, 0x8000000000000000, rm=rm) == ONE + up
    m0, p0 = 0x8000000000000000, 0
    for name, c, rne, rmz in (("fmadd.d", 0xBFF0000000000000, p0, m0),
                              ("fmsub.d", ONE, p0, m0),
                              ("fnmadd.d", 0xBFF0000000000000, m0, p0),   # -(+0), -(-0)
                              ("fnmsub.d", ONE, m0, p0)):
        assert res(name, ONE, ONE, c, rm=RNE) == rne, name       # an exact zero sum
        assert res(name, ONE, ONE, c, rm=RM) == rmz, name
    assert res("fnmadd.d", 0, ONE, 0x8000000000000000) == m0     # 0 + -0 = +0, negated
    assert res("fnmsub.s", box(0x3F800001), box(0x3F800001), box(0)) == box(0xBF800002)


@pytest.mark.parametrize("name, a, b, want", [
    ("fmax.d", 0, 0x8000000000000000, 0), ("fmax.d", 0x8000000000000000, 0, 0),
    ("fmin.d", 0, 0x8000000000000000, 0x8000000000000000),
    ("fmin.d", 0x8000000000000000, 0, 0x8000000000000000),
    ("fmax.d", 0xFFF0000000000000, ONE, ONE), ("fmin.d", 0xFFF0000000000000, ONE,
                                                0xFFF0000000000000),
    ("fmaxa.d", 0xC000000000000000, ONE, 0xC000000000000000),       # |-2| > |1|
    ("fmina.d", 0xC000000000000000, ONE, ONE),
    ("fmaxa.d", 0xBFF0000000000000, ONE, ONE), ("fmaxa.d", ONE, 0xBFF0000000000000, ONE),
    ("fmina.d", 0xBFF0000000000000, ONE, 0xBFF0000000000000),       # ties by value
    ("fmina.d", ONE, 0xBFF0000000000000, 0xBFF0000000000000),
    ("fmax.s", 0x3F800000, 0x40000000, box(0x40000000)),           # unboxed read, boxed out
    ("fmaxa.s", box(0xFF800000), box(0x7F7FFFFF), box(0xFF800000)),
])
def test_minmax(name, a, b, want):
    assert fp(name, a, b) == (want, 0)


@pytest.mark.parametrize("name, a, b, rm, want, fl", [
    ("fscaleb.d", ONE, 10, RNE, 0x4090000000000000, 0),
    ("fscaleb.d", ONE, -1074, RNE, 1, 0),                            # exact subnormal
    ("fscaleb.d", 3, -1, RNE, 2, U | I),                              # 1.5 min-sub, to even
    ("fscaleb.d", 3, -1, RZ, 1, U | I),
    ("fscaleb.d", ONE, (1 << 63) - 1, RNE, 0x7FF0000000000000, O | I),
    ("fscaleb.d", ONE, (1 << 63) - 1, RZ, 0x7FEFFFFFFFFFFFFF, O | I),
    ("fscaleb.d", ONE, 1 << 63, RP, 1, U | I),                        # -2**63: to +min-sub
    ("fscaleb.d", 0x8000000000000000, 5000, RNE, 0x8000000000000000, 0),
    ("fscaleb.d", 0xFFF0000000000000, -5000, RNE, 0xFFF0000000000000, 0),
    ("fscaleb.s", box(0x3F800000), 0x7777777700000003, RNE, box(0x41000000), 0),  # low 32
    ("fscaleb.s", box(0x3F800000), 0x80000000, RNE, box(0), U | I),
    ("flogb.d", ONE, 0, RNE, 0, 0),
    ("flogb.d", 0x3FFFFFFFFFFFFFFF, 0, RP, 0, 0),                     # floor, in any mode
    ("flogb.d", 0x7FEFFFFFFFFFFFFF, 0, RNE, 0x408FF80000000000, 0),   # 1023
    ("flogb.d", 1, 0, RNE, 0xC090C80000000000, 0),                    # -1074: subnormals too
    ("flogb.s", box(1), 0, RNE, box(0xC3150000), 0),                 # -149
    ("flogb.s", box(0x3F7FFFFF), 0, RNE, box(0xBF800000), 0),        # -1
    ("flogb.d", 0, 0, RNE, 0xFFF0000000000000, Z),
    ("flogb.d", 0x8000000000000000, 0, RNE, 0xFFF0000000000000, Z),
    ("flogb.d", 0xBFF0000000000000, 0, RNE, DQNAN, V),               # a log: negative invalid
    ("flogb.d", 0xFFF0000000000000, 0, RNE, DQNAN, V),
    ("flogb.d", 0x7FF0000000000000, 0, RNE, 0x7FF0000000000000, 0),
    ("flogb.d", 0xFFF8000000000001, 0, RNE, 0xFFF8000000000001, 0),  # a NaN before its sign
])
def test_fscaleb_flogb(name, a, b, rm, want, fl):
    assert fp(name, a, b, rm=rm) == (want, (rm << 8) | cause(fl) | flags(fl))


def test_fclass():
    cases = [(0x7FF0000000000001, 0x7F800001, 0x1), (DQNAN, SQNAN, 0x2),
             (0xFFF0000000000000, 0xFF800000, 0x4), (0xBFF0000000000000, 0xBF800000, 0x8),
             (0x8000000000000001, 0x80000001, 0x10), (0x8000000000000000, 0x80000000, 0x20),
             (0x7FF0000000000000, 0x7F800000, 0x40), (ONE, 0x3F800000, 0x80),
             (0x000FFFFFFFFFFFFF, 0x007FFFFF, 0x100), (0, 0, 0x200)]
    for d, s, want in cases:
        assert fp("fclass.d", d) == (want, 0)
        assert fp("fclass.s", s | 0x1234567800000000) == (want, 0)     # not boxed, unchecked


# ---- compare and select -------------------------------------------------------------------

# condition -> relations it holds for (Less, Equal, Greater, Unordered); s-forms signal on any NaN
CONDS = {0x0: "caf", 0x2: "clt", 0x4: "ceq", 0x6: "cle", 0x8: "cun", 0xA: "cult", 0xC: "cueq",
         0xE: "cule", 0x10: "cne", 0x14: "cor", 0x18: "cune"}
HOLDS = {"af": "", "lt": "L", "eq": "E", "le": "LE", "un": "U", "ult": "UL", "ueq": "UE",
         "ule": "ULE", "ne": "LG", "or": "LEG", "une": "ULG"}


@pytest.mark.parametrize("fmt", "sd")
def test_fcmp_conditions(fmt):
    if fmt == "d":
        one, two, qnan, snan = ONE, TWO, DQNAN, 0x7FF0000000000001
    else:
        one, two, qnan, snan = box(0x3F800000), box(0x40000000), box(SQNAN), box(0x7F800001)
    pairs = {"L": (one, two), "E": (one, one), "G": (two, one), "Uq": (qnan, one),
             "Us": (one, snan)}
    pairs["E0"] = (0, 0x8000000000000000) if fmt == "d" else (box(0), box(0x80000000))
    mc = Machine()
    for code, cname in CONDS.items():
        for signalling in (0, 1):
            cond = code | signalling
            for rel, (a, b) in pairs.items():
                mc.r[FCSR] = 0
                mc.r[FCC0 + 6] = 7
                mc.r[F0 + FJ], mc.r[F0 + FK] = sx(a), sx(b)
                assert mc.run(fn(f"fcmp.cond.{fmt}"), rd=6, rs1=FJ, rs2=FK, rm=cond) == PC + 4
                assert mc.r[FCC0 + 6] == (rel[0] in HOLDS[cname[1:]]), (cname, signalling, rel)
                invalid = rel == "Us" or (rel == "Uq" and signalling)
                assert mc.r[FCSR] == (cause(V) | flags(V) if invalid else 0), (cname, rel)


def test_fsel():
    mc = Machine()
    mc.r[F0 + FJ], mc.r[F0 + FK] = 11, 22
    for cf, want in ((0, 11), (1, 22)):
        mc.r[FCC0 + 5] = cf
        mc.run(fn("fsel"), rd=FD, rs1=FJ, rs2=FK, rs3=5)
        assert mc.r[F0 + FD] == want


# ---- conversions ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, a, want, fl", [
    ("ftint.w.d", DQNAN, 0, V),                                     # NaN -> 0
    ("ftint.l.s", box(0xFFC00000), 0, V),
    ("ftint.w.d", 0x7FF0000000000000, 0x7FFFFFFF, V),
    ("ftint.w.d", 0xFFF0000000000000, 0xFFFFFFFF80000000, V),       # .w: sign-extended
    ("ftint.w.d", 0x41E0000000000000, 0x7FFFFFFF, V),                # 2**31
    ("ftint.w.d", 0xC1E0000000000000, 0xFFFFFFFF80000000, 0),        # -2**31 fits
    ("ftint.w.d", 0x8000000000000000, 0, 0),                         # -0.0
    ("ftintrz.w.d", 0xC1E00000001FFFFF, 0xFFFFFFFF80000000, I),     # -2**31 - tiny, truncated
    ("ftint.l.d", 0x43E0000000000000, 0x7FFFFFFFFFFFFFFF, V),        # 2**63
    ("ftint.l.d", 0xC3E0000000000000, 0x8000000000000000, 0),        # -2**63 fits
    ("ftint.l.d", 0xC3F0000000000000, 0x8000000000000000, V),
    ("ftintrne.l.d", 0x4004000000000000, 2, I),
    ("ftintrm.w.s", box(0xC0000000), 0xFFFFFFFFFFFFFFFE, 0),         # sign-extended, but
    ("ftintrz.w.s", box(0xC0000000), 0x00000000FFFFFFFE, 0),         # QEMU zero-extends these
    ("ftintrne.w.s", box(0xC0000000), 0x00000000FFFFFFFE, 0),        # two (uint32_t helpers)
    ("ftintrz.w.s", box(0xCF800000), 0x0000000080000000, V),
    ("ftintrz.w.s", box(0x7FC00000), 0, V),
    ("ffint.d.w", 0x12345678FFFFFFFF, 0xBFF0000000000000, 0),        # low 32 bits, signed
    ("ffint.s.l", (1 << 63), box(0xDF000000), 0),
    ("ffint.s.w", 0x01000001, box(0x4B800000), I),                   # 2**24 + 1 to even
    ("ffint.d.l", 0x7FFFFFFFFFFFFFFF, 0x43E0000000000000, I),
    ("fcvt.s.d", 0x47F0000000000000, box(0x7F800000), O | I),
    ("fcvt.s.d", 0x3690000000000000, box(0), U | I),
    ("fcvt.s.d", 0x8000000000000000, box(0x80000000), 0),
    ("fcvt.d.s", 0xFFFFFFFF00000001, 0x36A0000000000000, 0),         # subnormal, exact
    ("frint.s", box(0x3FC00000), 0x40000000, I),                     # upper half zero (QEMU)
    ("frint.d", 0xBFD3333333333333, 0x8000000000000000, I),          # -0.3 -> -0.0
    ("frint.d", 0x4330000000000001, 0x4330000000000001, 0),          # already integral
])
def test_conversions(name, a, want, fl):
    assert fp(name, a) == (want, cause(fl) | flags(fl))


def test_conversion_rounding():
    big = (1 << 53) + 1                        # not a double: the mode decides
    for rm, pos, neg in ((RNE, 0x4340000000000000, 0xC340000000000000),
                         (RZ, 0x4340000000000000, 0xC340000000000000),
                         (RP, 0x4340000000000001, 0xC340000000000000),
                         (RM, 0x4340000000000000, 0xC340000000000001)):
        assert fp("ffint.d.l", big, rm=rm) == (pos, (rm << 8) | cause(I) | flags(I))
        assert fp("ffint.d.l", sx(-big), rm=rm)[0] == neg
    for rm, want in ((RNE, 0x3F800000), (RZ, 0x3F7FFFFF), (RP, 0x3F800000), (RM, 0x3F7FFFFF)):
        assert fp("fcvt.s.d", 0x3FEFFFFFFFFFFFFF, rm=rm)[0] == box(want)


# ---- moves, fcsr, fcc -----------------------------------------------------------------------

def test_moves_and_boxing():
    mc = Machine()
    mc.r[F0 + FD] = sx(0x1122334455667788)
    mc.r[4] = sx(0xAABBCCDDEEFF0011)
    mc.run(fn("movgr2fr.w"), rd=FD, rs1=4)               # the upper half stays (QEMU 7.2)
    assert ux(mc.r[F0 + FD]) == 0x11223344EEFF0011
    mc.run(fn("movgr2frh.w"), rd=FD, rs1=4)
    assert ux(mc.r[F0 + FD]) == 0xEEFF0011EEFF0011
    mc.run(fn("movgr2fr.d"), rd=FJ, rs1=4)
    assert ux(mc.r[F0 + FJ]) == 0xAABBCCDDEEFF0011
    mc.run(fn("movfr2gr.s"), rd=6, rs1=FJ)                # sign-extended low half
    assert ux(mc.r[6]) == 0xFFFFFFFFEEFF0011
    mc.run(fn("movfrh2gr.s"), rd=6, rs1=FJ)
    assert ux(mc.r[6]) == 0xFFFFFFFFAABBCCDD
    mc.run(fn("movfr2gr.d"), rd=6, rs1=FJ)
    assert ux(mc.r[6]) == 0xAABBCCDDEEFF0011
    mc.run(fn("movfr2gr.d"), rd=0, rs1=FJ)
    assert mc.r[0] == 0
    a, b = 0x123456783F800000, 0xABCDEF12BF800000
    assert res("fmov.s", 0x12345678BF800000) == box(0xBF800000)
    assert res("fmov.d", a) == a
    assert res("fabs.s", 0x12345678BF800000) == box(0x3F800000)
    assert res("fneg.s", 0x123456783F800000) == box(0xBF800000)
    assert res("fabs.d", 0xBFF0000000000000) == ONE
    assert res("fneg.d", 0) == 0x8000000000000000
    assert res("fcopysign.s", a, b) == 0xABCDEF12BF800000      # fk's upper half (QEMU)
    assert res("fcopysign.d", ONE, 0x8000000000000000) == 0xBFF0000000000000
    assert res("fcopysign.d", 0xFFF8000000000001, 1) == 0x7FF8000000000001


def test_fcsr_views():
    mc = Machine()

    def put(n, v):
        mc.r[4] = sx(v)
        mc.run(fn("movgr2fcsr"), rd=n, rs1=4)

    def get(n):
        mc.run(fn("movfcsr2gr"), rd=6, rs1=n)
        return ux(mc.r[6])

    put(0, 0xFFFFFFFFFFFFFFFF)
    assert [get(n) for n in range(4)] == [0x1F1F031F, 0x1F, 0x1F1F0000, 0x300]
    put(0, 0)
    put(1, 0xFFFFFFFF)
    assert [get(n) for n in range(4)] == [0x1F, 0x1F, 0, 0]
    put(2, 0xFFFFFFFF)
    assert get(0) == 0x1F1F001F
    put(3, 0x100)                                         # RM = RZ, nothing else touched
    assert get(0) == 0x1F1F011F and get(3) == 0x100
    put(2, 0)
    put(1, 0)
    mc.r[F0 + FJ], mc.r[F0 + FK] = sx(box(0x3F800000)), sx(box(0x33800001))
    mc.run(fn("fadd.s"), rd=FD, rs1=FJ, rs2=FK)        # the new rounding mode applies
    assert ux(mc.r[F0 + FD]) == box(0x3F800000) and get(2) == cause(I) | flags(I)


def test_fcc_moves():
    mc = Machine()
    for v, want in ((0xFE, 0), (3, 1), (-1, 1)):
        mc.r[4] = v
        mc.run(fn("movgr2cf"), rd=2, rs1=4)               # bit 0 only
        assert mc.r[FCC0 + 2] == want
        mc.run(fn("movcf2gr"), rd=6, rs1=2)
        assert mc.r[6] == want
    mc.r[F0 + FJ] = -1
    mc.run(fn("movfr2cf"), rd=7, rs1=FJ)
    assert mc.r[FCC0 + 7] == 1
    mc.r[F0 + FD] = -1
    mc.run(fn("movcf2fr"), rd=FD, rs1=7)
    assert mc.r[F0 + FD] == 1                             # the whole register: 0 or 1


# ---- loads and stores -----------------------------------------------------------------------

def test_loads_and_stores():
    mc = Machine()
    mc.write(DATA, (0x1122334455667788).to_bytes(8, "little"))
    mc.r[4], mc.r[5] = DATA, 4
    assert mc.run(fn("fld.s"), rd=FD, rs1=4, imm=0) == PC + 4
    assert ux(mc.r[F0 + FD]) == box(0x55667788)                    # NaN-boxed
    mc.run(fn("fldx.s"), rd=FD, rs1=4, rs2=5)
    assert ux(mc.r[F0 + FD]) == box(0x11223344)
    mc.run(fn("fld.d"), rd=FD, rs1=4, imm=0)
    assert ux(mc.r[F0 + FD]) == 0x1122334455667788
    mc.r[F0 + FJ] = sx(0xAABBCCDDEEFF0011)
    mc.run(fn("fst.s"), rd=FJ, rs1=4, imm=16)                       # the low half
    mc.run(fn("fst.d"), rd=FJ, rs1=4, imm=24)
    mc.run(fn("fstx.d"), rd=FJ, rs1=4, rs2=5)
    assert mc.read(DATA + 16, 8) == bytes.fromhex("1100ffee00000000")
    assert mc.read(DATA + 24, 8) == (0xAABBCCDDEEFF0011).to_bytes(8, "little")
    assert mc.read(DATA + 4, 8) == (0xAABBCCDDEEFF0011).to_bytes(8, "little")
    mc.map(DATA + 0x1000, 0)                                        # unmapped: nothing changes
    mc.r[F0 + FD] = 7
    assert mc.run(fn("fld.d"), rd=FD, rs1=4, imm=0x1000) == PC
    assert mc.exit == Exit.PAGE_FAULT and mc.r[F0 + FD] == 7
    mc.r[5] = 0x1000
    assert mc.run(fn("fstx.s"), rd=FJ, rs1=4, rs2=5) == PC and mc.exit == Exit.PAGE_FAULT


def test_bound_checks():
    mc = Machine()
    mc.write(DATA, (0x1122334455667788).to_bytes(8, "little"))
    mc.r[4] = DATA
    for bound, gt_ok in ((DATA - 8, True), (DATA, False), (-8, False)):   # unsigned compare
        mc.r[5] = sx(bound)
        for name, ok in (("fldgt.d", gt_ok), ("fldle.d", not gt_ok)):
            mc.r[F0 + FD] = 7
            next_pc = mc.run(fn(name), rd=FD, rs1=4, rs2=5)
            if ok:                                                  # the address is rj
                assert next_pc == PC + 4 and ux(mc.r[F0 + FD]) == 0x1122334455667788
            else:
                assert next_pc == PC and mc.exit == Exit.BOUNDS and mc.r[F0 + FD] == 7
                assert mc.ctl[CTL_FAULT_ADDR] == DATA
    mc.r[5] = DATA + 8
    mc.run(fn("fldgt.s"), rd=FD, rs1=4, rs2=5)
    assert mc.exit == Exit.BOUNDS
    mc.run(fn("fldle.s"), rd=FD, rs1=4, rs2=5)
    assert ux(mc.r[F0 + FD]) == box(0x55667788)
    mc.r[F0 + FJ] = sx(0xAABBCCDDEEFF0011)
    assert mc.run(fn("fstgt.d"), rd=FJ, rs1=4, rs2=5) == PC and mc.exit == Exit.BOUNDS
    assert mc.run(fn("fstgt.s"), rd=FJ, rs1=4, rs2=5) == PC
    assert mc.read(DATA, 8) == (0x1122334455667788).to_bytes(8, "little")
    assert mc.run(fn("fstle.s"), rd=FJ, rs1=4, rs2=5) == PC + 4
    assert mc.read(DATA, 8) == (0x11223344EEFF0011).to_bytes(8, "little")
    assert mc.run(fn("fstle.d"), rd=FJ, rs1=4, rs2=5) == PC + 4
    mc.r[5] = 0
    assert mc.run(fn("fstgt.d"), rd=FJ, rs1=4, rs2=5) == PC + 4
    assert mc.read(DATA, 8) == (0xAABBCCDDEEFF0011).to_bytes(8, "little")
    mc.map(DATA + 0x1000, 0)                   # the check comes before the access
    mc.r[4], mc.r[5] = DATA + 0x1000, DATA
    assert mc.run(fn("fldle.d"), rd=FD, rs1=4, rs2=5) == PC and mc.exit == Exit.BOUNDS
    assert mc.run(fn("fldgt.d"), rd=FD, rs1=4, rs2=5) == PC and mc.exit == Exit.PAGE_FAULT


# ---- differential: fp_torture under qemu ------------------------------------------------------

LINE = re.compile(r"^(\S+)(?: cond=([0-9a-f]+))? rm=(\d) (.*) -> ([0-9a-f]+) fcsr=([0-9a-f]+)$")


def torture_output():
    """fp_torture's output under qemu: built first (a missing toolchain is a failure, as for
    riscv64's F/D test)."""
    spec = importlib.util.spec_from_file_location("guest_build", REPO / "tests/guest/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    missing = build.missing_tool("loongarch64")
    if missing is None and shutil.which("qemu-loongarch64-static") is None:
        missing = "qemu-loongarch64-static"
    if missing:
        pytest.fail(f"{missing} is needed for the FP differential test (make deps)")
    prog = build.build("fp_torture", "loongarch64", progress=lambda s: None)
    out = subprocess.run(["qemu-loongarch64-static", str(prog)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_against_qemu():
    lines = torture_output()
    assert len(lines) > 150000
    mc = Machine()
    r, i = mc.r, np.int64
    fns, bad = {}, []
    for line in lines:
        op, cond, rm, operands, want, want_fcsr = LINE.match(line).groups()
        f = fns.get(op) or fns.setdefault(op, fn(op))
        r[:] = 0
        r[FCSR] = int(rm) << 8
        r[F0 + FD] = sx(G)
        for name, val in re.findall(r"(\w)=([0-9a-f]+)", operands):
            r[F0 + {"a": FJ, "b": FK, "c": FA}[name]] = sx(int(val, 16))
        if cond is None:
            assert f(r, mc.m, i(PC), i(4), i(FD), i(FJ), i(FK), i(FA), i(0), i(0)) == PC + 4
            got = ux(r[F0 + FD])
        else:                                                   # fcmp: fcc1 <- cond
            assert f(r, mc.m, i(PC), i(4), i(1), i(FJ), i(FK), i(0), i(int(cond, 16)),
                     i(0)) == PC + 4
            got = int(r[FCC0 + 1])
        if (got, int(r[FCSR])) != (int(want, 16), int(want_fcsr, 16)):
            bad.append(f"{line}   [got {got:016x} fcsr={int(r[FCSR]):x}]")
    assert not bad, f"{len(bad)} of {len(lines)} differ:\n" + "\n".join(bad[:40])


@pytest.mark.skipif(PY, reason="this is the plain-Python run")
def test_python_engine():
    """This file again under JITVM_ENGINE=python: the same semantics as plain CPython."""
    env = dict(os.environ, JITVM_ENGINE="python")
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          str(Path(__file__).resolve())], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
