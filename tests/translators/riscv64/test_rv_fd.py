"""RV64F/D semantics: register rules by hand, then a differential run against qemu.

test_against_qemu builds tests/guest/riscv64/fp_torture.c, runs it under qemu-riscv64-static (each
output line is one instruction with its operands, result and fflags) and replays every line
through the exec_ functions on a scratch register file, alternating the static rounding-mode field
with the dynamic one (rm=7, frm in fcsr). Everything runs under Numba and, via
test_python_engine, under plain Python (JITVM_ENGINE=python).
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

from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_PT_ROOT, PTE_R, PTE_U, PTE_V, PTE_W, machine_tuple, new_ctl
from translators.riscv64 import rv_d, rv_f
from translators.riscv64.cpu import F0, FCSR, NREGS, new_regs

PY = os.environ.get("JITVM_ENGINE") == "python"
# the python tier computes with numpy scalars, which warn where the FPU overflows on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
REPO = Path(__file__).resolve().parents[3]
PC = 0x1000
RD, RS1, RS2, RS3 = 5, 1, 2, 3
NV, DZ, OF, UF, NX = 16, 8, 4, 2, 1


def s64(v):
    return v - (1 << 64) if v >> 63 else v


def box(x):
    return s64(0xFFFFFFFF00000000 | x)


def machine(mapped=False):
    """The (mem8, .., ctl) tuple; with mapped, va 0x10000..0x10fff -> pa 0x8000, read/write."""
    mem = np.zeros(1 << 16, dtype=np.uint8)
    ctl = new_ctl(mem.size, NREGS)
    if mapped:
        m64 = mem.view(np.int64)
        ctl[CTL_PT_ROOT] = 0x1000
        for table, nxt in ((0x1000, 0x2000), (0x2000, 0x3000), (0x3000, 0x4000)):
            m64[table >> 3] = nxt | PTE_V
        m64[(0x4000 >> 3) + 0x10] = 0x8000 | PTE_V | PTE_R | PTE_W | PTE_U
    return machine_tuple(mem, ctl)


def run(fn, r, m=None, rm=0, pc=PC):
    m = machine() if m is None else m
    return fn(r, m, pc, 4, RD, RS1, RS2, RS3, rm, 0), m


# ---- register rules -------------------------------------------------------------------------

def test_nan_boxing():
    r = new_regs()
    r[F0 + RS1] = 0x000000003F800000           # 1.0f, not boxed: reads as the canonical NaN
    r[F0 + RS2] = box(0x3F800000)
    assert run(rv_f.exec_fadd_s, r)[0] == PC + 4
    assert r[F0 + RD] == box(0x7FC00000) and r[FCSR] == 0
    rv_f.exec_fsgnjn_s(r, machine(), PC, 4, RD, RS1, RS1, 0, 0, 0)
    assert r[F0 + RD] == box(0xFFC00000)
    r[F0 + RS1] = box(0x3F800000)
    run(rv_f.exec_fadd_s, r)
    assert r[F0 + RD] == box(0x40000000)        # results are written boxed
    r[F0 + RS1] = s64(0x1234567880000001)
    run(rv_f.exec_fmv_x_w, r)                   # moves ignore boxing; sign-extend bit 31
    assert r[RD] == s64(0xFFFFFFFF80000001)
    r[RS1] = 0x7F800001
    run(rv_f.exec_fmv_w_x, r)
    assert r[F0 + RD] == box(0x7F800001)        # bits moved unchanged, sNaN included
    r[F0 + RS1] = 0x3FF0000000000000            # a double read as a single
    run(rv_d.exec_fcvt_d_s, r)
    assert r[F0 + RD] == 0x7FF8000000000000
    run(rv_f.exec_fclass_s, r)
    assert r[RD] == 1 << 9                      # quiet NaN


def test_rounding_mode_field():
    r = new_regs()
    r[F0 + RS1] = box(0x3F800000)
    r[F0 + RS2] = box(0x33800001)               # 1 + (just over half an ulp)
    run(rv_f.exec_fadd_s, r, rm=1)              # static RTZ
    assert r[F0 + RD] == box(0x3F800000) and r[FCSR] == NX
    r[FCSR] = 3 << 5                            # frm = RUP, dynamic
    run(rv_f.exec_fsub_s, r, rm=7)              # 1 - 2**-24 - tiny, up: 1 - 2**-24
    assert r[F0 + RD] == box(0x3F7FFFFF) and r[FCSR] == (3 << 5) | NX
    for rm, frm in ((5, 0), (6, 0), (7, 5), (7, 6), (7, 7)):
        r[FCSR] = frm << 5
        r[F0 + RD] = 42
        next_pc, m = run(rv_d.exec_fadd_d, r, rm=rm)
        assert next_pc == PC and m[4][CTL_EXIT] == Exit.ILLEGAL and r[F0 + RD] == 42
    r[FCSR] = 5 << 5                            # fmin has no rm field: never illegal
    next_pc, m = run(rv_f.exec_fmin_s, r, rm=7)
    assert next_pc == PC + 4 and m[4][CTL_EXIT] == 0


def test_flags_accrue():
    r = new_regs()
    r[F0 + RS1] = 0x3FF0000000000000
    r[F0 + RS2] = 0
    run(rv_d.exec_fdiv_d, r)
    assert r[FCSR] == DZ
    r[F0 + RS1] = 0x7FF0000000000001
    run(rv_d.exec_feq_d, r)                     # sNaN: even feq signals
    assert r[FCSR] == DZ | NV and r[RD] == 0
    r[FCSR] = 0
    r[F0 + RS1] = 0x7FF8000000000000
    run(rv_d.exec_feq_d, r)
    assert r[FCSR] == 0
    run(rv_d.exec_fle_d, r)
    assert r[FCSR] == NV


def test_conversions_to_integer():
    r = new_regs()
    r[F0 + RS1] = box(0x4F800000)               # 2**32
    run(rv_f.exec_fcvt_wu_s, r)
    assert r[RD] == -1 and r[FCSR] == NV        # saturated 0xffffffff, sign-extended
    r[FCSR] = 0
    r[F0 + RS1] = box(0x4F000000)               # 2**31
    run(rv_f.exec_fcvt_wu_s, r)
    assert r[RD] == s64(0xFFFFFFFF80000000) and r[FCSR] == 0
    r[F0 + RS1] = box(0x7FC00000)
    run(rv_f.exec_fcvt_w_s, r)
    assert r[RD] == 0x7FFFFFFF and r[FCSR] == NV
    r[F0 + RS1] = s64(0xFFF0000000000000)
    run(rv_d.exec_fcvt_lu_d, r)
    assert r[RD] == 0
    r[F0 + RS1] = 0x7FF0000000000000
    run(rv_d.exec_fcvt_lu_d, r)
    assert r[RD] == -1
    r[FCSR] = 0
    r[F0 + RS1] = s64(0xBFE0000000000000)       # -0.5 -> unsigned, RTZ: 0 and inexact
    run(rv_d.exec_fcvt_wu_d, r, rm=1)
    assert r[RD] == 0 and r[FCSR] == NX
    r[RS1] = -1
    run(rv_d.exec_fcvt_d_wu, r)                 # only the low 32 bits count
    assert r[F0 + RD] == 0x41EFFFFFFFE00000


def test_x0_is_not_written():
    r = new_regs()
    r[F0 + RS1] = 0x3FF0000000000000
    rv_d.exec_fcvt_l_d(r, machine(), PC, 4, 0, RS1, 0, 0, 0, 0)
    assert r[0] == 0


def test_loads_and_stores():
    m = machine(mapped=True)
    r = new_regs()
    r[RS1] = 0x10000
    r[F0 + RS2] = s64(0x1122334455667788)
    assert rv_d.exec_fsd(r, m, PC, 4, 0, RS1, RS2, 0, 0, 8) == PC + 4
    assert rv_d.exec_fld(r, m, PC, 4, RD, RS1, 0, 0, 0, 8) == PC + 4
    assert r[F0 + RD] == 0x1122334455667788
    assert rv_f.exec_fsw(r, m, PC, 4, 0, RS1, RS2, 0, 0, 20) == PC + 4   # low half, unchecked
    assert rv_f.exec_flw(r, m, PC, 4, RD, RS1, 0, 0, 0, 20) == PC + 4
    assert r[F0 + RD] == box(0x55667788)
    assert m[0][0x8000 + 20] == 0x88
    r[RS1] = 0x20000                            # unmapped: fault, nothing written
    r[F0 + RD] = 7
    assert rv_f.exec_flw(r, m, PC, 4, RD, RS1, 0, 0, 0, 0) == PC
    assert m[4][CTL_EXIT] == Exit.PAGE_FAULT and r[F0 + RD] == 7
    m[4][CTL_EXIT] = 0
    assert rv_d.exec_fsd(r, m, PC, 4, 0, RS1, RS2, 0, 0, 0) == PC
    assert m[4][CTL_EXIT] == Exit.PAGE_FAULT


# ---- differential: fp_torture under qemu ------------------------------------------------------

LINE = re.compile(r"^(\S+) rm=(\d) (.*) -> ([0-9a-f]+) flags=([0-9a-f]+)$")
INT_IN = re.compile(r"fmv\.[wd]\.x|fcvt\.[sd]\.(w|wu|l|lu)")
INT_OUT = re.compile(r"f(eq|lt|le|class)\..|fmv\.x\..|fcvt\.(w|wu|l|lu)\.[sd]")


def torture_output():
    """fp_torture's output under qemu: built first (a missing toolchain is a failure)."""
    spec = importlib.util.spec_from_file_location("guest_build", REPO / "tests/guest/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for tool in (build.CC["riscv64"], "qemu-riscv64-static"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the F/D differential test (apt-get install "
                        "gcc-riscv64-linux-gnu qemu-user-static)")
    prog = build.build("fp_torture", "riscv64", progress=lambda s: None)
    res = subprocess.run(["qemu-riscv64-static", str(prog)], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


def exec_fn(op):
    name = "exec_" + op.replace(".", "_")
    return getattr(rv_f, name, None) or getattr(rv_d, name)


def test_against_qemu():
    lines = torture_output()
    assert len(lines) > 100000
    m = machine()
    r = new_regs()
    fns = {}
    bad = []
    for i, line in enumerate(lines):
        op, rm, operands, want, want_flags = LINE.match(line).groups()
        rm = int(rm)
        fn = fns.get(op) or fns.setdefault(op, exec_fn(op))
        r[:] = 0
        r[FCSR] = rm << 5
        for name, val in re.findall(r"(\w)=([0-9a-f]+)", operands):
            reg = {"a": RS1, "b": RS2, "c": RS3}[name]
            r[reg if INT_IN.fullmatch(op) else F0 + reg] = s64(int(val, 16))
        assert fn(r, m, PC, 4, RD, RS1, RS2, RS3, rm if i % 2 else 7, 0) == PC + 4, line
        got = int(r[RD] if INT_OUT.fullmatch(op) else r[F0 + RD]) & ((1 << 64) - 1)
        got_flags = int(r[FCSR]) & 31
        if (got, got_flags) != (int(want, 16), int(want_flags, 16)):
            bad.append(f"{line}   [got {got:016x} flags={got_flags:x}, rm field "
                       f"{rm if i % 2 else 7}]")
    assert not bad, f"{len(bad)} of {len(lines)} differ:\n" + "\n".join(bad[:40])


@pytest.mark.skipif(PY, reason="this is the plain-Python run")
def test_python_engine():
    """This file again under JITVM_ENGINE=python: the same semantics as plain CPython."""
    env = dict(os.environ, JITVM_ENGINE="python")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          str(Path(__file__).resolve())], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]
