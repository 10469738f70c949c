"""mipsel FPU against qemu-mipsel 7.2: tests/guest/mipsel/fp_pairs.c run under
qemu-mipsel-static prints one line per instruction with its operands, FCSR before, the result
and FCSR after (~250 000 cases: every rounding mode, flush-to-zero, legacy NaNs, the madd
family, all 16 compares); each is replayed through the exec_ functions of mips_fp.py, called
directly (np.int64 arguments, as the dispatch calls them), and must agree bit for bit.

The program is built with zig for mipsel-linux-musleabihf (FP32 code: QEMU runs it with FR=0,
as the VM does), through tests/guest/build.py's musl toolchain.
"""
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mipshelpers import PC, Machine
from translators.mipsel import cpu, mips_fp
from translators.mipsel.cpu import F0, FCSR

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
REPO = Path(__file__).resolve().parents[3]
LINE = re.compile(r"^(\S+) fcsr=([0-9a-f]+) a=([0-9a-f]+) b=([0-9a-f]+) c=([0-9a-f]+) -> "
                  r"([0-9a-f]+) fcsr=([0-9a-f]+)$")
FA, FB, FC, FD = 0, 2, 4, 6          # the registers fp_pairs uses (pairs f0, f2, f4, f6)


def torture_output():
    spec = importlib.util.spec_from_file_location("guest_build", REPO / "tests/guest/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    if "mipsel" not in getattr(build, "MUSL", {}):
        pytest.fail("tests/guest/build.py has no musl toolchain for mipsel")
    missing = "ziglang" if importlib.util.find_spec("ziglang") is None else None
    if missing is None and shutil.which("qemu-mipsel-static") is None:
        missing = "qemu-mipsel-static"
    if missing:
        pytest.fail(f"{missing} is needed for the FP differential test (make deps)")
    prog = build.build("fp_pairs", "mipsel", progress=lambda s: None, libc="musl")
    out = subprocess.run(["qemu-mipsel-static", str(prog)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def set_pair(r, n, v):
    r[F0 + n] = v & 0xFFFFFFFF
    r[F0 + n + 1] = (v >> 32) & 0xFFFFFFFF


def replay(lines):
    """[mismatch descriptions] of fp_pairs' lines replayed through mips_fp."""
    mc = Machine()
    r, i = mc.r, np.int64
    fns, bad = {}, []
    for line in lines:
        name, fcsr, a, b, c, want, want_fcsr = LINE.match(line).groups()
        f = fns.get(name) or fns.setdefault(name, getattr(mips_fp,
                                                          "exec_" + name.replace(".", "_")))
        r[:] = 0
        r[cpu.PC], r[cpu.NPC] = PC, PC + 4
        r[FCSR] = int(fcsr, 16)
        set_pair(r, FA, int(a, 16))
        set_pair(r, FB, int(b, 16))
        set_pair(r, FC, int(c, 16))
        set_pair(r, FD, 0x5555555555555555)
        if name.startswith("madd") or name.startswith("msub") or name.startswith("nm"):
            args = (i(FD), i(FA), i(FB), i(FC))           # fd, fs, ft, fr: fs * ft + fr
        elif name.startswith("c."):
            args = (i(1), i(FA), i(FB), i(0))             # $fcc1, fs, ft
        else:
            args = (i(FD), i(FA), i(FB), i(0))
        npc = f(r, mc.m, i(PC), i(4), *args, i(0), i(0))
        got = (int(r[F0 + FD + 1]) << 32) | int(r[F0 + FD])
        if (npc, got, int(r[FCSR])) != (PC + 4, int(want, 16), int(want_fcsr, 16)):
            bad.append(f"{line}   [got {got:016x} fcsr={int(r[FCSR]):x} npc={npc:#x}]")
    return bad


def test_against_qemu():
    lines = torture_output()
    assert len(lines) > 200000
    bad = replay(lines)
    assert not bad, f"{len(bad)} of {len(lines)} differ:\n" + "\n".join(bad[:40])
