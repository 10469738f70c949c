"""Scalar floating point (a64_fp.py): hand-checked edge cases, then against
qemu-aarch64-static -cpu cortex-a53 (the oracle): every instruction over special and random
operands in every rounding mode, with and without FPCR.DN and FPCR.FZ, comparing V0 (all 128
bits), X0, NZCV and FPSR after each; and the ~265k cases of tests/guest/aarch64/fp_torture.c
run under qemu and replayed here."""
import importlib.util
import random
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from a64helpers import PC, Machine, assemble, needs_llvm
from test_a64_qemu import BASE, run_tiny
from tests.tools import need
from jitvm.exits import Exit
from translators.aarch64.cpu import FPCR, FPSR, V0
from translators.aarch64.decoder import decode

pytestmark = [needs_llvm, pytest.mark.slow]

QNAN32, SNAN32, INF32 = 0x7FC00000, 0x7F800001, 0x7F800000
QNAN64, INF64 = 0x7FF8000000000000, 0x7FF0000000000000
IOC, DZC, OFC, UFC, IXC, IDC = 1, 2, 4, 8, 16, 128
RN, RP, RM, RZ = 0, 1 << 22, 2 << 22, 3 << 22
DN, FZ = 1 << 25, 1 << 24


def f32(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


@pytest.fixture(scope="module")
def mc():
    return Machine()


def setv(mc, n, lo, hi=0x1111_2222_3333_4444):
    mc.r[V0 + 2 * n] = np.int64(lo - (1 << 64) if lo >> 63 else lo)
    mc.r[V0 + 2 * n + 1] = np.int64(hi - (1 << 64) if hi >> 63 else hi)


def getv(mc, n):
    return int(mc.r[V0 + 2 * n]) & (1 << 64) - 1, int(mc.r[V0 + 2 * n + 1]) & (1 << 64) - 1


def run(mc, line, fpcr=0, **regs):
    """Set V1, V2, V3 (low halves; upper halves garbage) from s1/d1..., run `line`: (V0, FPSR)."""
    mc.r[FPCR] = fpcr
    mc.r[FPSR] = 0
    setv(mc, 0, 0xDEAD_BEEF_DEAD_BEEF, 0x5555)
    for k, v in regs.items():
        setv(mc, int(k[1:]), v)
    mc.asm(line)
    assert mc.exit == Exit.NONE
    return getv(mc, 0), int(mc.r[FPSR])


def lo_fpsr(mc, line, fpcr=0, **regs):
    """(V0's low half, FPSR) after `line`; its high half must be zero (a scalar write)."""
    (lo, hi), fpsr = run(mc, line, fpcr, **regs)
    assert hi == 0
    return lo, fpsr


def test_scalar_write_zeroes_the_upper_bits(mc):
    (lo, hi), fpsr = run(mc, "fadd s0, s1, s2", s1=f32(1.5) | 0xFFFF_0000_0000_0000, s2=f32(2))
    assert (lo, hi, fpsr) == (f32(3.5), 0, 0)
    (lo, hi), _ = run(mc, "fmov v0.d[1], x5")          # an element write keeps D[0]
    assert lo == 0xDEAD_BEEF_DEAD_BEEF and hi == int(mc.r[5]) & (1 << 64) - 1


def test_nan_propagation(mc):
    # the first signalling NaN, quieted, beats an earlier quiet one; IOC
    (lo, _), fpsr = run(mc, "fadd s0, s1, s2", s1=0x7FC0_0001, s2=0xFF80_0002)
    assert (lo, fpsr) == (0xFFC0_0002, IOC)
    (lo, _), fpsr = run(mc, "fmul d0, d1, d2", d1=0xFFF8_0000_0000_0007, d2=0x7FF8_0000_0000_0009)
    assert (lo, fpsr) == (0xFFF8_0000_0000_0007, 0)
    # default NaN mode
    (lo, _), fpsr = run(mc, "fadd s0, s1, s2", DN, s1=0x7FC0_0001, s2=0xFF80_0002)
    assert (lo, fpsr) == (QNAN32, IOC)
    # invalid operations give the default NaN
    (lo, _), fpsr = run(mc, "fsub d0, d1, d2", d1=INF64, d2=INF64)
    assert (lo, fpsr) == (QNAN64, IOC)
    # fused: the addend first; inf * 0 + qNaN is invalid and gives the default NaN
    (lo, _), fpsr = run(mc, "fmadd s0, s1, s2, s3", s1=0x7FC0_0001, s2=f32(1), s3=0x7FC0_0003)
    assert (lo, fpsr) == (0x7FC0_0003, 0)
    (lo, _), fpsr = run(mc, "fmadd s0, s1, s2, s3", s1=INF32, s2=0, s3=0x7FC0_0003)
    assert (lo, fpsr) == (QNAN32, IOC)
    # negated operands are negated before NaN propagation; fnmul negates its NaN result
    (lo, _), _ = run(mc, "fmsub s0, s1, s2, s3", s1=0x7FC0_0001, s2=f32(1), s3=f32(1))
    assert lo == 0xFFC0_0001
    (lo, _), _ = run(mc, "fnmul s0, s1, s2", s1=0x7FC0_0001, s2=f32(1))
    assert lo == 0xFFC0_0001
    # fcvt keeps the payload's top bits
    (lo, _), fpsr = run(mc, "fcvt s0, d1", d1=0x7FF4_0000_2000_0000)
    assert (lo, fpsr) == (0x7FE0_0001, IOC)


def test_min_max(mc):
    assert run(mc, "fmax s0, s1, s2", s1=0x8000_0000, s2=0)[0][0] == 0
    assert run(mc, "fmin s0, s1, s2", s1=0, s2=0x8000_0000)[0][0] == 0x8000_0000
    assert lo_fpsr(mc, "fmaxnm d0, d1, d2", d1=QNAN64, d2=f64(-3)) == (f64(-3), 0)
    assert run(mc, "fmax d0, d1, d2", d1=QNAN64 | 5, d2=f64(-3))[0][0] == QNAN64 | 5
    (lo, _), fpsr = run(mc, "fminnm s0, s1, s2", s1=f32(1), s2=SNAN32)
    assert (lo, fpsr) == (QNAN32 | 1, IOC)


@pytest.mark.parametrize("fpcr, want", [(RN, 0x3F800000), (RP, 0x3F800001), (RM, 0x3F800000),
                                        (RZ, 0x3F800000)])
def test_rounding_modes(mc, fpcr, want):
    (lo, _), fpsr = run(mc, "fadd s0, s1, s2", fpcr, s1=f32(1), s2=f32(2.0 ** -30))
    assert (lo, fpsr) == (want, IXC)


def test_signed_zeros_and_flags(mc):
    assert run(mc, "fsub d0, d1, d2", d1=f64(1), d2=f64(1))[0][0] == 0
    assert run(mc, "fsub d0, d1, d2", RM, d1=f64(1), d2=f64(1))[0][0] == 1 << 63
    assert lo_fpsr(mc, "fdiv s0, s1, s2", s1=f32(-1), s2=0) == (0xFF80_0000, DZC)
    (lo, _), fpsr = run(mc, "fmul s0, s1, s2", s1=0x7F7F_FFFF, s2=f32(2))
    assert (lo, fpsr) == (INF32, OFC | IXC)
    (lo, _), fpsr = run(mc, "fmul s0, s1, s2", RZ, s1=0x7F7F_FFFF, s2=f32(2))
    assert (lo, fpsr) == (0x7F7F_FFFF, OFC | IXC)
    (lo, _), fpsr = run(mc, "fmul s0, s1, s2", s1=0x0080_0001, s2=f32(0.5))
    assert (lo, fpsr) == (0x0040_0000, UFC | IXC)
    assert run(mc, "fsqrt d0, d1", d1=f64(-0.0))[0][0] == 1 << 63
    assert run(mc, "fsqrt d0, d1", d1=f64(-1))[1] == IOC


def test_flush_to_zero(mc):
    # a subnormal operand reads as zero (IDC); a result tiny before rounding is flushed (UFC only)
    assert lo_fpsr(mc, "fadd s0, s1, s2", FZ, s1=0x8000_0001, s2=0) == (0, IDC)
    assert lo_fpsr(mc, "fmul s0, s1, s2", FZ, s1=0x0080_0001, s2=f32(0.5)) == (0, UFC)
    assert lo_fpsr(mc, "fmul d0, d1, d2", FZ, d1=f64(-2.0 ** -1000),
                   d2=f64(2.0 ** -23)) == (1 << 63, UFC)
    assert lo_fpsr(mc, "fcvt s0, d1", FZ, d1=f64(2.0 ** -130)) == (0, UFC)
    assert lo_fpsr(mc, "fcvt d0, s1", FZ, s1=1) == (0, IDC)
    assert xrun(mc, "fcvtzs w0, s1, #32", FZ, s1=0x0040_0000) == (0, IDC)
    mc.set_nzcv("")
    assert run(mc, "fcmp s1, #0.0", FZ, s1=0x0000_0001)[1] == IDC and mc.nzcv == "-ZC-"


def test_compare(mc):
    for line, regs, want, fpsr in [
            ("fcmp s1, s2", dict(s1=f32(1), s2=f32(2)), "N---", 0),
            ("fcmp s1, s2", dict(s1=0x8000_0000, s2=0), "-ZC-", 0),
            ("fcmp d1, d2", dict(d1=INF64, d2=f64(1e308)), "--C-", 0),
            ("fcmp d1, d2", dict(d1=QNAN64, d2=f64(1)), "--CV", 0),
            ("fcmpe d1, d2", dict(d1=QNAN64, d2=f64(1)), "--CV", IOC),
            ("fcmp s1, s2", dict(s1=SNAN32, s2=f32(1)), "--CV", IOC),
            ("fcmp s1, #0.0", dict(s1=0x8000_0000), "-ZC-", 0)]:
        mc.set_nzcv("")
        assert run(mc, line, **regs)[1] == fpsr and mc.nzcv == want, line
    setv(mc, 0, f32(-1))                     # fcmp s0, #0.0 with Rm = 1: Rm is ignored
    mc.word(0x1E212008)
    assert mc.exit == Exit.NONE and mc.nzcv == "N---"
    mc.set_nzcv("Z")
    run(mc, "fccmp s1, s2, #0x3, ne", s1=f32(1), s2=f32(1))
    assert mc.nzcv == "--CV"
    mc.set_nzcv("Z")
    run(mc, "fccmp s1, s2, #0x3, eq", s1=f32(1), s2=f32(1))
    assert mc.nzcv == "-ZC-"


def xrun(mc, line, fpcr=0, **regs):
    run(mc, line, fpcr, **regs)
    return int(mc.r[0]) & (1 << 64) - 1, int(mc.r[FPSR])


def test_conversions_saturate(mc):
    assert xrun(mc, "fcvtzs w0, s1", s1=f32(3e9)) == (0x7FFF_FFFF, IOC)
    assert xrun(mc, "fcvtzs w0, s1", s1=f32(-3e9)) == (0x8000_0000, IOC)
    assert xrun(mc, "fcvtzs x0, d1", d1=QNAN64) == (0, IOC)
    assert xrun(mc, "fcvtzu x0, d1", d1=f64(-0.5)) == (0, IXC)
    assert xrun(mc, "fcvtzu x0, d1", d1=f64(-1)) == (0, IOC)
    assert xrun(mc, "fcvtzu x0, d1", d1=f64(2.0 ** 64)) == ((1 << 64) - 1, IOC)
    assert xrun(mc, "fcvtzs x0, d1", d1=f64(-2.0 ** 63)) == (1 << 63, 0)
    assert xrun(mc, "fcvtas w0, d1", d1=f64(-2.5)) == (0xFFFF_FFFD, IXC)
    assert xrun(mc, "fcvtns w0, d1", d1=f64(-2.5)) == (0xFFFF_FFFE, IXC)
    assert xrun(mc, "fcvtps x0, s1", s1=f32(1.25)) == (2, IXC)
    assert xrun(mc, "fcvtms x0, s1", s1=f32(-1.25)) == ((1 << 64) - 2, IXC)
    assert xrun(mc, "fcvtzs w0, d1, #4", d1=f64(1.5)) == (24, 0)
    mc.r[1] = 7
    assert lo_fpsr(mc, "scvtf d0, x1, #1") == (f64(3.5), 0)
    mc.r[1] = -3
    assert run(mc, "scvtf s0, w1, #1")[0][0] == f32(-1.5)
    mc.r[1] = -1
    assert lo_fpsr(mc, "ucvtf s0, x1") == (f32(2.0 ** 64), IXC)
    assert run(mc, "ucvtf s0, x1", RZ)[0][0] == 0x5F7F_FFFF


def test_half_and_rounding_to_integral(mc):
    assert lo_fpsr(mc, "fcvt h0, s1", s1=f32(65520.0)) == (0x7C00, OFC | IXC)
    assert run(mc, "fcvt h0, d1", RZ, d1=f64(65520.0))[0][0] == 0x7BFF
    assert lo_fpsr(mc, "fcvt h0, s1", s1=f32(2.0 ** -25)) == (0, UFC | IXC)
    assert lo_fpsr(mc, "fcvt h0, d1", d1=f64(2.0 ** -24)) == (1, 0)
    assert run(mc, "fcvt s0, h1", s1=0x0001)[0][0] == f32(2.0 ** -24)
    assert run(mc, "fcvt d0, h1", s1=0xFC00)[0][0] == f64(float("-inf"))
    assert lo_fpsr(mc, "frintx s0, s1", s1=f32(2.5)) == (f32(2), IXC)
    assert lo_fpsr(mc, "frinti s0, s1", RP, s1=f32(2.5)) == (f32(3), 0)
    assert lo_fpsr(mc, "frinta d0, d1", d1=f64(-2.5)) == (f64(-3), 0)
    assert run(mc, "frintm d0, d1", d1=f64(-0.25))[0][0] == f64(-1)
    assert run(mc, "frintz d0, d1", d1=f64(-0.25))[0][0] == 1 << 63


AHP = 1 << 26


def test_alternative_half_precision(mc):
    """FPCR.AHP: no infinities or NaNs in half; exponent 31 is a normal binade (the Arm ARM's
    FPConvert/FPRound with alt_hp; qemu cortex-a53 agrees: the fuzz campaign found it)."""
    assert lo_fpsr(mc, "fcvt h0, s1", AHP, s1=f32(65536.0)) == (0x7C00, 0)       # 2**16
    assert lo_fpsr(mc, "fcvt h0, d1", AHP, d1=f64(131008.0)) == (0x7FFF, 0)      # the largest
    assert lo_fpsr(mc, "fcvt h0, d1", AHP, d1=f64(-1e300)) == (0xFFFF, IOC)      # saturates
    assert lo_fpsr(mc, "fcvt h0, s1", AHP, s1=f32(float("inf"))) == (0x7FFF, IOC)
    assert lo_fpsr(mc, "fcvt h0, s1", AHP, s1=0xFFC00000) == (0x8000, IOC)       # NaN: zero
    assert run(mc, "fcvt s0, h1", AHP, s1=0x7C00)[0][0] == f32(65536.0)
    assert run(mc, "fcvt d0, h1", AHP, s1=0xFFFF)[0][0] == f64(-131008.0)


def test_moves(mc):
    assert lo_fpsr(mc, "fmov d0, #-1.25") == (f64(-1.25), 0)
    assert lo_fpsr(mc, "fmov s0, #31.0") == (f32(31.0), 0)
    setv(mc, 1, 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210)
    mc.asm("fmov w0, s1")
    assert mc.r[0] == 0x89AB_CDEF
    mc.asm("fmov x0, v1.d[1]")
    assert mc.r[0] == np.int64(0xFEDC_BA98_7654_3210 - (1 << 64))
    mc.r[2] = -1
    mc.asm("fmov s1, w2")
    assert getv(mc, 1) == (0xFFFF_FFFF, 0)


# ---- against qemu --------------------------------------------------------------------------

S_SPECIAL = [0, 0x8000_0000, f32(1), f32(-1), INF32, 0xFF80_0000, QNAN32 | 1, 0xFFC0_0123,
             SNAN32, 0xFF81_2345, 1, 0x007F_FFFF, 0x0080_0000, 0x7F7F_FFFF, f32(0.5), f32(1.5),
             f32(2.5), f32(-2.5), f32(3), f32(2.0 ** 31), f32(2.0 ** 32), f32(2.0 ** 63),
             f32(2.0 ** 64), f32(-2.0 ** 31), f32(-2.0 ** 63), f32(65504), f32(65520),
             f32(2.0 ** -24), f32(2.0 ** -25), f32(1e-30), f32(-0.4999), 0x3F7F_FFFF]
D_SPECIAL = [0, 1 << 63, f64(1), f64(-1), INF64, 0xFFF0 << 48, QNAN64 | 1, 0xFFF8_0000_1234_0000,
             0x7FF0_0000_0000_0001, 0xFFF4_0000_0000_0000, 1, 0x000F_FFFF_FFFF_FFFF,
             0x0010_0000_0000_0000, 0x7FEF_FFFF_FFFF_FFFF, f64(0.5), f64(1.5), f64(2.5),
             f64(-2.5), f64(2.0 ** 31 - 0.5), f64(2.0 ** 31), f64(-2.0 ** 31 - 1),
             f64(2.0 ** 32), f64(2.0 ** 63), f64(2.0 ** 64), f64(-2.0 ** 63), f64(3.4e38),
             f64(3.5e38), f64(1e-40), f64(1e-310), f64(65520), f64(2.0 ** -25 * 1.5),
             f64(0.1), 0x3FEF_FFFF_FFFF_FFFF]
INTS = [0, 1, (1 << 64) - 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 63, (1 << 63) - 1,
        (1 << 53) + 1, (1 << 24) + 1, 0xFFFF_FFFF_8000_0001]


def operand(rnd, double):
    k = rnd.random()
    if k < 0.5:
        return rnd.choice(D_SPECIAL if double else S_SPECIAL)
    if k < 0.75:
        v = rnd.choice([1, -1]) * rnd.uniform(0, 4) * 2.0 ** rnd.randrange(-8, 8)
        return f64(v) if double else f32(v)
    return rnd.getrandbits(64 if double else 32)


def fp_cases(rnd):
    """(instruction, double) pairs: every scalar FP instruction in both precisions."""
    out = []
    for t, d in (("s", False), ("d", True)):
        for mn in ("fadd", "fsub", "fmul", "fdiv", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul"):
            out += [(f"{mn} {t}0, {t}1, {t}2", d)] * 8
        for mn in ("fmadd", "fmsub", "fnmadd", "fnmsub"):
            out += [(f"{mn} {t}0, {t}1, {t}2, {t}3", d)] * 8
        for mn in ("fabs", "fneg", "fsqrt", "fmov", "frintn", "frintp", "frintm", "frintz",
                   "frinta", "frintx", "frinti"):
            out += [(f"{mn} {t}0, {t}1", d)] * 5
        for mn in ("fcmp", "fcmpe"):
            out += [(f"{mn} {t}1, {t}2", d)] * 6 + [(f"{mn} {t}1, #0.0", d)] * 2
        for c in ("eq", "ne", "lt", "hi", "vs"):
            out += [(f"fccmp {t}1, {t}2, #{rnd.randrange(16)}, {c}", d),
                    (f"fccmpe {t}1, {t}2, #{rnd.randrange(16)}, {c}", d),
                    (f"fcsel {t}0, {t}1, {t}2, {c}", d)]
        for other in "sdh".replace(t, ""):
            out += [(f"fcvt {other}0, {t}1", d)] * 10
        for r in "wx":
            for mn in ("fcvtns", "fcvtnu", "fcvtas", "fcvtau", "fcvtps", "fcvtpu", "fcvtms",
                       "fcvtmu", "fcvtzs", "fcvtzu"):
                out += [(f"{mn} {r}0, {t}1", d)] * 4
            for mn in ("fcvtzs", "fcvtzu"):
                out += [(f"{mn} {r}0, {t}1, #{rnd.randrange(1, 33 if r == 'w' else 65)}", d)
                        for _ in range(4)]
            for mn in ("scvtf", "ucvtf"):
                out += [(f"{mn} {t}0, {r}1", None)] * 4
                out += [(f"{mn} {t}0, {r}1, #{rnd.randrange(1, 33 if r == 'w' else 65)}", None)
                        for _ in range(3)]
        out += [(f"fmov {t}0, #{v}", d) for v in ("1.0", "-0.125", "31.0", "0.1875")]
        out += [(f"fmov {'w' if t == 's' else 'x'}0, {t}1", d),
                (f"fmov {t}0, {'w' if t == 's' else 'x'}1", None)]
    out += [("fcvt s0, h1", None), ("fcvt d0, h1", None)] * 12
    out += [("fmov x0, v1.d[1]", True), ("fmov v0.d[1], x1", None)]
    return out


def elf(code, memsz):
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 2, 183, 1,
                       BASE + 0x78, 0x40, 0, 0, 64, 56, 1, 0, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 7, 0, BASE, BASE, 0x78 + len(code), memsz, 0x1000)
    return ehdr + phdr + code


CASE = ["ldp x1, x2, [x27], #16", "ldp x3, x9, [x27], #16", "ldr x10, [x27], #8",
        "fmov d1, x1", "fmov d2, x2", "fmov d3, x3", "fmov v1.d[1], x10", "msr fpcr, x9",
        "msr fpsr, xzr", "msr nzcv, x10", "fmov d0, x10", "fmov v0.d[1], x10",
        "movz x0, #0x5a5a"]
DUMP = ["mrs x9, nzcv", "mrs x10, fpsr", "str q0, [x28], #16", "stp x0, x9, [x28], #16",
        "str x10, [x28], #8", "msr fpcr, xzr"]


def diff_program(cases, inputs, out_bytes):
    """The ELF: code, then the inputs (40 bytes a case), then room for the outputs."""
    def lines(data, buf):
        from test_a64_qemu import mov64
        out = mov64("x27", data) + mov64("x28", buf)
        for inst in cases:
            out += CASE + [inst] + DUMP
        out += mov64("x1", buf) + mov64("x2", out_bytes) + ["movz x0, #1", "movz x8, #64",
                                                            "svc #0", "movz x0, #0",
                                                            "movz x8, #93", "svc #0"]
        return out
    size = 4 * len(lines(0, 0))
    data = (BASE + 0x78 + size + 15) & ~15
    buf = data + len(inputs)
    code = b"".join(w.to_bytes(4, "little") for w in assemble(lines(data, buf)))
    code += bytes(data - BASE - 0x78 - len(code)) + inputs
    return elf(code, buf + out_bytes - BASE)


def compare_with_qemu(tmp_path, image, name):
    qemu = need("qemu-aarch64-static")
    path = tmp_path / name
    path.write_bytes(image)
    path.chmod(0o755)
    theirs = subprocess.run([qemu, "-cpu", "cortex-a53", str(path)], capture_output=True,
                            check=True).stdout
    return theirs, run_tiny(image)


@pytest.mark.parametrize("seed", [1, 2])
def test_fp_against_qemu(tmp_path, seed):
    rnd = random.Random(seed)
    cases, inputs = [], b""
    for inst, double in fp_cases(rnd):
        if double is None:                     # an integer source
            regs = [rnd.choice(INTS + [rnd.getrandbits(64)]) for _ in range(3)]
        else:
            regs = [operand(rnd, double) | (rnd.getrandbits(32) << 32 if not double else 0)
                    for _ in range(3)]
        if inst.startswith("fcvt s0, h1") or inst.startswith("fcvt d0, h1"):
            regs[0] = rnd.choice([0x7C00, 0xFC00, 0x7E01, 0x7C01, 0x0001, 0x03FF, 0x0400,
                                  0x7BFF, 0x8000, rnd.getrandbits(16)])
        fpcr = (rnd.randrange(4) << 22 | (DN if rnd.random() < 0.2 else 0)
                | (FZ if rnd.random() < 0.25 else 0))
        nzcv = rnd.randrange(16) << 28 | rnd.getrandbits(16)
        inputs += struct.pack("<5Q", *regs, fpcr, nzcv)
        cases.append(inst)
    cases = [c for c in cases]
    theirs, ours = compare_with_qemu(tmp_path, diff_program(cases, inputs, 40 * len(cases)),
                                     f"fp{seed}")
    assert len(theirs) == len(ours) == 40 * len(cases)
    bad = []
    for i, inst in enumerate(cases):
        t, o = theirs[40 * i:40 * i + 40], ours[40 * i:40 * i + 40]
        if t != o:
            args = struct.unpack("<5Q", inputs[40 * i:40 * i + 40])
            bad.append(f"{inst} {[hex(a) for a in args]}:\n  qemu "
                       f"{[hex(v) for v in struct.unpack('<5Q', t)]}\n  ours "
                       f"{[hex(v) for v in struct.unpack('<5Q', o)]}")
    assert not bad, f"{len(bad)} differ\n" + "\n".join(bad[:20])


# ---- fp_torture under qemu, replayed ---------------------------------------------------------

REPO = Path(__file__).resolve().parents[3]
G = 0x5555_5555_5555_5555
FTOI = {"fcvtzs", "fcvtzu", "fcvtns", "fcvtnu", "fcvtps", "fcvtpu", "fcvtms", "fcvtmu", "fcvtas",
        "fcvtau"}


def torture_lines(name):
    """The instructions fp_torture.c runs for one of its case names (fadd.s, fcvtzs.w.d,
    scvtf.d.x#16, fcmpz.s, ...), between loading d0, d1, d3 and reading d2."""
    base, _, fix = name.partition("#")
    op, *types = base.split(".")
    fx = f", #{fix}" if fix else ""
    if op in FTOI:
        return [f"{op} {types[0]}9, {types[1]}0{fx}", "fmov d2, x9"]
    if op in ("scvtf", "ucvtf"):
        return ["fmov x9, d0", f"{op} {types[0]}2, {types[1]}9{fx}"]
    if op == "fcvt":
        return [f"fcvt {types[0]}2, {types[1]}0"]
    t = types[0]
    nzcv = ["mrs x9, nzcv", "fmov d2, x9"]
    if op in ("fcmp", "fcmpe"):
        return [f"{op} {t}0, {t}1"] + nzcv
    if op in ("fcmpz", "fcmpez"):
        return [f"{op[:-1]} {t}0, #0.0"] + nzcv
    if op == "fccmp":                             # the condition holds: it compares
        return ["msr nzcv, xzr", "movz x10, #0x4000, lsl #16", "msr nzcv, x10",
                f"fccmp {t}0, {t}1, #0xa, eq"] + nzcv
    if op == "fccmpe":                            # it does not: the immediate
        return ["msr nzcv, xzr", f"fccmpe {t}0, {t}1, #0xa, eq"] + nzcv
    if op in ("fmadd", "fmsub", "fnmadd", "fnmsub"):
        return [f"{op} {t}2, {t}0, {t}1, {t}3"]
    if op in ("fadd", "fsub", "fmul", "fdiv", "fnmul", "fmax", "fmin", "fmaxnm", "fminnm"):
        return [f"{op} {t}2, {t}0, {t}1"]
    return [f"{op} {t}2, {t}0"]


def torture_output():
    """fp_torture's output under qemu -cpu cortex-a53: built first (a missing toolchain is a
    failure, as for the other ISAs' FP tests)."""
    spec = importlib.util.spec_from_file_location("guest_build", REPO / "tests/guest/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    missing = build.missing_tool("aarch64")
    if missing is None and shutil.which("qemu-aarch64-static") is None:
        missing = "qemu-aarch64-static"
    if missing:
        pytest.fail(f"{missing} is needed for the FP differential test (make deps)")
    prog = build.build("fp_torture", "aarch64", progress=lambda s: None)
    out = subprocess.run(["qemu-aarch64-static", "-cpu", "cortex-a53", str(prog)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return [line for line in out.stdout.splitlines() if not line.startswith("libm")]


def s64(v):
    return np.int64(v - (1 << 64) if v >> 63 else v)


def test_fp_torture_against_qemu(mc):
    lines = torture_output()
    assert len(lines) > 200_000
    decoded, bad = {}, []
    for line in lines:
        left, right = line.split(" -> ")
        name, *operands = left.split()
        values = dict(x.split("=") for x in operands)
        want, want_fpsr = right.split()
        if name not in decoded:
            decoded[name] = [[int(v) for v in decode(w)] for w in assemble(torture_lines(name))]
        mc.r[FPCR] = int(values["fpcr"], 16)
        mc.r[FPSR] = 0
        for reg, key in ((0, "a"), (1, "b"), (3, "c")):
            mc.r[V0 + 2 * reg] = s64(int(values.get(key, "0"), 16))
            mc.r[V0 + 2 * reg + 1] = 0
        mc.r[V0 + 4] = s64(G)
        for op, ilen, *args in decoded[name]:
            mc.run_op(op, PC, *args)
            assert mc.exit == Exit.NONE, line
        got, fpsr = int(mc.r[V0 + 4]) & (1 << 64) - 1, int(mc.r[FPSR])
        if (got, fpsr) != (int(want, 16), int(want_fpsr.split("=")[1], 16)):
            bad.append(f"{line}   [ours {got:016x} fpsr={fpsr:x}]")
    assert not bad, f"{len(bad)} of {len(lines)} differ:\n" + "\n".join(bad[:40])
