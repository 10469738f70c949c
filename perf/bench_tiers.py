"""Side-by-side speed of one CPU-bound guest program under every jitvm tier and under qemu-user.

    python perf/bench_tiers.py [--arch A] [--size N] [--python-size n] [--repeat R] [--out FILE.md]

--arch (default riscv64) picks the guest ISA: sort_bench built with its toolchain
(tests/guest/build.py), run under `jitvm run --arch A` and qemu-<arch>-static.

Runs are interleaved (jit, interp, python, qemu, jit, interp, ...) so the noise of a shared machine
spreads over all of them alike. Guest instruction counts come from jitvm's `--stats` (the program
is deterministic, so qemu executes the same instructions for the same input); MIPS is instructions
over wall time *including* start-up, and "in-VM MIPS" excludes jitvm's start-up. The python tier
runs a smaller input (it is ~1000x slower) and its MIPS is compared per instruction.
Nothing here passes or fails: it prints and records what it measured.
"""
import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.differential import ENV, LAUNCH, qemu_command  # noqa: E402
from translators import DEFAULT_ISA, ISAS  # noqa: E402

PROGRAM = "sort_bench"


def build(arch=DEFAULT_ISA):
    from perf import bench
    return bench.build_c(bench.BY_NAME["sort"], arch)        # tests/guest/bin/<arch>/sort_bench


def run_jitvm(prog, size, engine, rootfs, arch=DEFAULT_ISA):
    cmd = [sys.executable, "-c", LAUNCH, "run", "--stats", "--arch", arch, "--engine", engine]
    if rootfs:
        cmd += ["--rootfs", str(rootfs)]
    t = time.perf_counter()
    p = subprocess.run(cmd + [str(prog), str(size)], capture_output=True, env=_env())
    wall = time.perf_counter() - t
    err = p.stderr.decode()
    if p.returncode != 0:
        raise SystemExit(f"jitvm --engine {engine} failed ({p.returncode}):\n{err}")
    insns = int(re.search(r"instructions retired: (\d+)", err).group(1))
    vm = float(re.search(r"guest run time: ([\d.]+) s", err).group(1))
    return p.stdout, insns, wall, vm


def run_qemu(prog, size, arch=DEFAULT_ISA):
    t = time.perf_counter()
    p = subprocess.run([*qemu_command(arch), str(prog), str(size)], capture_output=True, env=ENV)
    return p.stdout, time.perf_counter() - t


def _env():
    import os
    return dict(ENV, JITVM_CACHE=os.environ.get("JITVM_CACHE",
                                                 os.path.expanduser("~/.cache/jitvm")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", default=DEFAULT_ISA, choices=ISAS,
                    help=f"guest ISA: {', '.join(ISAS)} (default {DEFAULT_ISA})")
    ap.add_argument("--size", type=int, default=200000, help="input size for jit/interp/qemu")
    ap.add_argument("--python-size", type=int, default=2000, help="input size for the python tier")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rootfs", help="root file system (default: a temporary empty one)")
    ap.add_argument("--out", help="also write the table as markdown to this file")
    a = ap.parse_args()
    import tempfile
    rootfs = a.rootfs or tempfile.mkdtemp(prefix="jitvm-bench-root-")
    prog = build(a.arch)
    walls = {k: [] for k in ("jit", "interp", "python", "qemu")}
    vms = {k: [] for k in ("jit", "interp", "python")}
    insns, outputs = {}, {}
    run_jitvm(prog, a.size, "jit", rootfs, a.arch)  # warm the translation cache once
    for _ in range(a.repeat):
        for tier in ("jit", "interp", "python"):
            size = a.python_size if tier == "python" else a.size
            out, n, wall, vm = run_jitvm(prog, size, tier, rootfs, a.arch)
            insns[tier], outputs[tier] = n, out
            walls[tier].append(wall)
            vms[tier].append(vm)
        out, wall = run_qemu(prog, a.size, a.arch)
        outputs["qemu"] = out
        walls["qemu"].append(wall)
    assert outputs["jit"] == outputs["interp"] == outputs["qemu"], "tiers disagree on output!"
    insns["qemu"] = insns["jit"]
    rows = []
    for tier in ("jit", "interp", "python", "qemu"):
        w = statistics.median(walls[tier])
        spread = (max(walls[tier]) - min(walls[tier])) / w * 100
        mips = insns[tier] / w / 1e6
        vm = statistics.median(vms[tier]) if tier in vms else w
        rows.append((tier, insns[tier], w, spread, mips, insns[tier] / vm / 1e6))
    jit_vm_mips = rows[0][5]
    lines = [f"guest: {a.arch} {PROGRAM} (size {a.size}; python tier size {a.python_size}), "
             f"{a.repeat} interleaved repeats, medians",
             "", "| tier | guest insns | wall s (spread) | MIPS (wall) | in-VM MIPS | jit is x faster |",
             "|---|---|---|---|---|---|"]
    for tier, n, w, sp, mips, vmm in rows:
        lines.append(f"| {tier} | {n:,} | {w:.2f} (±{sp:.0f}%) | {mips:.1f} | {vmm:.1f} | "
                     f"{jit_vm_mips / vmm:.2f} |")
    text = "\n".join(lines)
    print(text)
    if a.out:
        Path(a.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
