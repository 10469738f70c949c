"""`jitvm bench`: CPU-bound guest workloads under every jitvm tier, under qemu and under Unicorn.

    jitvm bench [--arch riscv64|loongarch64|aarch64] [--quick] [--repeat R]
                [--tiers jit,interp,python,qemu,unicorn] [--workloads a,b] [--rootfs DIR]
                [--out DIR]
    python perf/bench.py ...                     (the same)

--arch picks the guest ISA (default riscv64): the same workloads and tiers, the C workloads built
for it, its root file system (`jitvm rootfs --arch A`) for busybox, and its qemu-<arch>-static.

Workloads (deterministic output; input size from argv so --quick can shrink them):
  integer   perf/workloads/integer.c: CoreMark-style mix (list ops, int matrix, state machine, CRC16)
  sort      tests/guest/c/sort_bench.c: prime sieve, quicksort, CRC-32
  crc_hash  perf/workloads/crc_hash.c: CRC-32 (bitwise, table), Adler-32, FNV-1a, a 64-bit mix
  fp        perf/workloads/fp.c: double matrix multiply and n-body
  memory    perf/workloads/memory.c: memset/memcpy/memmove/memcmp/strlen/strchr/strcmp
  gzip      busybox gzip -c over a generated file in the rootfs's /tmp
  md5sum    busybox md5sum over the same kind of file
  sh_loop   busybox sh -c with an arithmetic while loop (builtins only)

Method. The C workloads are built with the ISA's toolchain from tests/guest/build.py
(TOOLCHAINS[arch]: riscv64 and aarch64 gcc, loongarch64 zig) into tests/guest/bin/<arch>/bench/
(sort_bench, a test program too, into tests/guest/bin/<arch>/). Every (workload, tier) pair runs once per
repeat, interleaved (all tiers of repeat 1, then of repeat 2, ...), after one unmeasured jit run
that fills the translation cache (JITVM_COMPILE=sync: every block that gets hot is compiled
before the guest goes on, so the measured runs find them all and no compile runs beside them).
Guest instructions and in-VM time come from `jitvm run --stats` ("instructions retired",
"guest run time": jitvm's start-up, ~0.6 s of imports and cache loading, excluded). qemu has no
instruction counter: it is credited with the jit tier's count for the same input (the programs are
deterministic) and its in-VM time is its wall time. The python tier is ~1000x slower and runs a
reduced input; comparisons with it are per instruction (MIPS). Outputs of jit, interp and qemu must
agree byte for byte (python's too, against a qemu run at its own input size), or the run fails.
Unicorn, when the `unicorn` package imports (`pip install unicorn`), runs the C workloads through
perf/unicorn_run.py (a small Linux system-call shim around Unicorn's CPU): its in-VM time is the
time inside Unicorn's emu_start, and like qemu it is credited with the jit tier's instruction count
(counting with a Unicorn block hook would slow it down 10-50x). Its output is checked against
qemu's, and a difference or a failed run is reported in the tables, not fatal. The busybox
workloads need files or a shell, which the shim does not provide: Unicorn skips them. The shim
runs riscv64 only; for an ISA Unicorn has no CPU for (loongarch64) the column says so.
Medians over repeats; spread = (max - min) / median of the in-VM time.
Then the start-up latency (perf/startup.py): a warm boot to a shell prompt, one command and
power-off, and (not with --quick) the same with an empty translation cache.
Writes DIR/results.md (the tables, also printed) and DIR/mips.png (in-VM MIPS, log scale), both
titled with the ISA.
Nothing here passes or fails on speed: it measures and records.
"""
import argparse
import hashlib
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.differential import QEMU, elf_arch, oracle_path, qemu_command  # noqa: E402  (stdlib only)
from translators import DEFAULT_ISA, ISAS  # noqa: E402  (stdlib only)

TIERS = ("jit", "interp", "python", "qemu", "unicorn")
# ISAs perf/unicorn_run.py runs (its system-call shim is riscv64's), and Unicorn's name for each
# ISA's CPU family (UC_ARCH_<name>), to say whether Unicorn has one at all.
UNICORN_ISAS = ("riscv64",)
UNICORN_CPU = {"riscv64": "RISCV", "loongarch64": "LOONGARCH", "aarch64": "ARM64"}
ENV = {"PATH": "/bin:/sbin:/usr/bin:/usr/sbin"}
LAUNCH = f"import sys; sys.path.insert(0, {str(REPO)!r}); from jitvm.cli import main; main()"
UNICORN_RUN = REPO / "perf" / "unicorn_run.py"


class Workload:
    """kind "c": a guest program built from src; kind "busybox": argv(size) for busybox applets.
    sizes: (full, quick, python tier)."""

    def __init__(self, name, kind, sizes, src=None, argv=None, setup=None, unit=""):
        self.name, self.kind, self.sizes, self.src = name, kind, sizes, src
        self.argv, self.setup, self.unit = argv, setup, unit


def _data_file(workdir, size_kb):
    """A deterministic, moderately compressible text file of size_kb KB; returns its name."""
    name = f"data-{size_kb}k.txt"
    path = Path(workdir) / name
    if not path.exists():
        rng = random.Random(12345)
        words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
                 for _ in range(2000)]
        out, n = [], 0
        while n < size_kb * 1024:
            line = " ".join(rng.choice(words) for _ in range(rng.randint(4, 14))) + \
                   f" {rng.randint(0, 1 << 30)}\n"
            out.append(line)
            n += len(line)
        path.write_bytes("".join(out).encode()[:size_kb * 1024])
    return name


WORKLOADS = [
    Workload("integer", "c", (200, 20, 1), REPO / "perf/workloads/integer.c", unit="iters"),
    Workload("sort", "c", (200000, 20000, 2000), REPO / "tests/guest/c/sort_bench.c",
             unit="n"),
    Workload("crc_hash", "c", (1024, 128, 4), REPO / "perf/workloads/crc_hash.c", unit="KB"),
    Workload("fp", "c", (200, 80, 8), REPO / "perf/workloads/fp.c", unit="N"),
    Workload("memory", "c", (100, 10, 1), REPO / "perf/workloads/memory.c", unit="rounds"),
    Workload("gzip", "busybox", (4096, 256, 4), unit="KB",
             setup=_data_file, argv=lambda size, f: ["gzip", "-c", f]),
    Workload("md5sum", "busybox", (4096, 256, 4), unit="KB",
             setup=_data_file, argv=lambda size, f: ["md5sum", f]),
    Workload("sh_loop", "busybox", (20000, 2000, 20), unit="iters",
             argv=lambda size, f: ["sh", "-c", f"i=0; s=0; while [ $i -lt {size} ]; do "
                                               f"s=$(( (s + i * i) % 1000003 )); i=$((i + 1)); "
                                               f"done; echo $s"]),
]
BY_NAME = {w.name: w for w in WORKLOADS}


_GUEST_BUILD = []


def guest_build():
    """tests/guest/build.py, loaded once (TOOLCHAINS, build(), bin_dir(), ...)."""
    if not _GUEST_BUILD:
        import importlib.util
        spec = importlib.util.spec_from_file_location("guest_build",
                                                      REPO / "tests/guest/build.py")
        gb = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gb)
        _GUEST_BUILD.append(gb)
    return _GUEST_BUILD[0]


def build_c(w, arch=DEFAULT_ISA):
    """Compile a C workload for arch with tests/guest/build.py's TOOLCHAINS[arch]; return the
    binary's absolute path. A guest test program (tests/guest/c/ or tests/guest/<arch>/) is built
    by build.py itself into tests/guest/bin/<arch>/; the others go to tests/guest/bin/<arch>/bench/
    (their names, e.g. memory, would clash with test programs')."""
    gb = guest_build()
    missing = gb.missing_tool(arch)
    if missing:
        raise SystemExit(f"building {w.name} for {arch}: {missing} not installed "
                         f"(run `make deps`)")
    if w.src.parent in (gb.SHARED, gb.HERE / arch) and \
            gb.sources(arch).get(w.src.stem) == w.src:
        try:
            return gb.build(w.src.stem, arch, progress=lambda m: None).resolve()
        except (RuntimeError, OSError) as e:
            raise SystemExit(f"building {w.name} for {arch} failed:\n{e}")
    out = gb.bin_dir(arch) / "bench" / w.name
    newest = max(w.src.stat().st_mtime, Path(gb.__file__).stat().st_mtime)
    if out.exists() and out.stat().st_mtime >= newest:
        return out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tc = gb.TOOLCHAINS[arch]
    cmd = [*tc.cc, *tc.flags, "-o", str(out), str(w.src), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"building {w.name} for {arch} failed:\n{' '.join(cmd)}\n"
                         f"{r.stdout}{r.stderr}")
    return out.resolve()


def _jitvm_env():
    return dict(ENV, JITVM_CACHE=os.environ.get("JITVM_CACHE",
                                                 os.path.expanduser("~/.cache/jitvm")))


def run_jitvm(tier, prog, args, rootfs, cwd, env=None, arch=DEFAULT_ISA):
    """(stdout, instructions, wall s, in-VM s) of one `jitvm run --stats` of prog."""
    cmd = [sys.executable, "-c", LAUNCH, "run", "--stats", "--arch", arch, "--engine", tier,
           "--rootfs", str(rootfs), str(prog), *map(str, args)]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, env=dict(_jitvm_env(), **(env or {})), cwd=cwd)
    wall = time.perf_counter() - t
    err = p.stderr.decode(errors="replace")
    m1 = re.search(r"instructions retired: (\d+)", err)
    m2 = re.search(r"guest run time: ([\d.]+) s", err)
    if p.returncode != 0 or not (m1 and m2):
        raise SystemExit(f"jitvm --engine {tier} {prog} {args} failed ({p.returncode}):\n{err}")
    return p.stdout, int(m1.group(1)), wall, float(m2.group(1))


def run_qemu(prog, args, cwd, path_env, arch=DEFAULT_ISA):
    t = time.perf_counter()
    p = subprocess.run([*qemu_command(arch), str(prog), *map(str, args)], capture_output=True,
                       cwd=cwd, env=dict(ENV, PATH=path_env))
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{QEMU[arch]} {prog} {args} failed ({p.returncode}):\n"
                         f"{p.stderr.decode(errors='replace')}")
    return p.stdout, wall


def unicorn_missing(arch=DEFAULT_ISA):
    """None when the unicorn package imports in this Python (which runs perf/unicorn_run.py) and
    the shim runs arch, else a note for the tables saying why there is no Unicorn column."""
    if arch not in UNICORN_ISAS:
        return unicorn_lacks(arch)
    try:
        import unicorn  # noqa: F401
    except Exception as e:                   # ImportError, or OSError from its native library
        return f"not installed ({type(e).__name__}: {e}); install it with `pip install unicorn`"
    return None


def unicorn_lacks(arch, short=False):
    """Why there is no Unicorn run for arch, an ISA perf/unicorn_run.py does not run (short: for
    a table row)."""
    try:
        import unicorn
        from unicorn import unicorn_const
        cpus = sorted(n[len("UC_ARCH_"):] for n in dir(unicorn_const)
                      if n.startswith("UC_ARCH_") and n != "UC_ARCH_MAX")
        version = f" {unicorn.__version__}"
    except Exception:                        # not installed: no Unicorn release has LoongArch
        cpus, version = [], ""
    if UNICORN_CPU.get(arch) in cpus:
        why = f"perf/unicorn_run.py runs {', '.join(UNICORN_ISAS)} only"
        return f"not available: {why}" if short else \
            f"not available: Unicorn{version} has a {arch} CPU, but {why}"
    if short:
        return f"not available: Unicorn has no {arch} CPU"
    return (f"not available: Unicorn{version} has no {arch} CPU" +
            (f" (it has {', '.join(c.lower() for c in cpus)})" if cpus else ""))


def run_unicorn(prog, args, cwd):
    """(stdout, exit status, stderr, wall s, in-VM s) of one perf/unicorn_run.py run of prog."""
    cmd = [sys.executable, str(UNICORN_RUN), "--stats", str(prog), *map(str, args)]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, cwd=cwd, env=ENV)
    wall = time.perf_counter() - t
    err = p.stderr.decode(errors="replace")
    m = re.search(r"unicorn run time: ([\d.]+) s", err)
    return p.stdout, p.returncode, err, wall, float(m.group(1)) if m else wall


def _digest(b):
    return hashlib.sha1(b).hexdigest()[:12] + f" ({len(b)} bytes)"


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def _fmt(x, nd=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{nd}f}" if x >= 1 else f"{x:.{nd + 2}f}".rstrip("0").rstrip(".")


def run_suite(workloads, tiers, repeat, quick, rootfs, progress=print, arch=DEFAULT_ISA):
    """Run everything for guest ISA arch; returns {workload: {tier: result dict}}."""
    workdir = Path(rootfs) / "tmp" / f"jitvm-bench-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    qpath = oracle_path(rootfs)
    busybox = (Path(rootfs) / "bin" / "busybox").resolve()
    plans = {}                               # workload -> tier -> (prog, args, size)
    for w in workloads:
        prog = build_c(w, arch) if w.kind == "c" else busybox
        size_main = w.sizes[1] if quick else w.sizes[0]
        plans[w.name] = {}
        for tier in tiers:
            size = w.sizes[2] if tier == "python" else size_main
            f = w.setup(workdir, size) if w.setup else None
            args = [size] if w.kind == "c" else w.argv(size, f)
            plans[w.name][tier] = (prog, args, size)
    res = {w.name: {t: {"walls": [], "vms": [], "insns": None, "out": None,
                        "size": plans[w.name][t][2]} for t in tiers} for w in workloads}
    if "unicorn" in tiers:                   # d["skip"]: why there is no unicorn result
        missing = unicorn_missing(arch)
        for w in workloads:
            if missing or w.kind != "c":
                res[w.name]["unicorn"]["skip"] = \
                    (unicorn_lacks(arch, short=True) if arch not in UNICORN_ISAS
                     else "not installed") if missing else \
                    "skipped: busybox needs files or a shell, not in perf/unicorn_run.py"
    try:
        if "jit" in tiers:                   # fill the translation cache: unmeasured
            for w in workloads:
                prog, args, _ = plans[w.name]["jit"]
                progress(f"  warm-up  {w.name:9s} jit (compiling every hot block)")
                run_jitvm("jit", prog, args, rootfs, workdir, env={"JITVM_COMPILE": "sync"},
                          arch=arch)
        for r in range(repeat):
            for w in workloads:
                for tier in tiers:
                    prog, args, size = plans[w.name][tier]
                    d = res[w.name][tier]
                    if d.get("skip"):
                        continue
                    if tier == "qemu":
                        out, wall = run_qemu(prog, args, workdir, qpath, arch)
                        vm = wall
                    elif tier == "unicorn":      # a failure is reported, not fatal
                        out, rc, err, wall, vm = run_unicorn(prog, args, workdir)
                        if rc != 0:
                            last = (err.strip().splitlines() or [""])[-1]
                            d["skip"] = f"failed: exit status {rc}: {last}"
                            progress(f"  run {r + 1}/{repeat} {w.name:9s} {tier:6s} {d['skip']}")
                            continue
                    else:
                        out, n, wall, vm = run_jitvm(tier, prog, args, rootfs, workdir,
                                                     arch=arch)
                        if d["insns"] is not None and d["insns"] != n:
                            d["insns_varies"] = True
                        d["insns"] = n
                    d["walls"].append(wall)
                    d["vms"].append(vm)
                    d["out"] = out
                    progress(f"  run {r + 1}/{repeat} {w.name:9s} {tier:6s} {wall:7.2f} s wall")
        for w in workloads:                  # outputs must agree
            outs = {t: _digest(res[w.name][t]["out"]) for t in tiers
                    if t not in ("python", "unicorn")}
            if len(set(outs.values())) > 1:
                raise SystemExit(f"{w.name}: tiers disagree on output: {outs}")
            if "python" in tiers:
                prog, args, _ = plans[w.name]["python"]
                ref, _ = run_qemu(prog, args, workdir, qpath, arch)
                if ref != res[w.name]["python"]["out"]:
                    raise SystemExit(f"{w.name}: python tier's output differs from qemu's")
            u = res[w.name].get("unicorn", {})
            if u and not u.get("skip"):      # against qemu's output, run here if not a tier
                prog, args, _ = plans[w.name]["unicorn"]
                ref = res[w.name]["qemu"]["out"] if "qemu" in tiers else \
                    run_qemu(prog, args, workdir, qpath, arch)[0] if shutil.which(QEMU[arch]) \
                    else None
                if ref is None:
                    u["check"] = "output not checked (no qemu)"
                elif ref != u["out"]:
                    u["check"] = f"OUTPUT DIFFERS from qemu's {_digest(ref)}"
            for t in tiers:
                if res[w.name][t]["out"] is not None:
                    res[w.name][t]["digest"] = _digest(res[w.name][t]["out"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for w in workloads:
        for t in tiers:
            d = res[w.name][t]
            if d.get("skip"):
                d["insns"] = d["wall"] = d["vm"] = d["mips"] = None
                continue
            if t in ("qemu", "unicorn"):     # no instruction counters: the jit tier's count
                d["insns"] = res[w.name]["jit"]["insns"] if "jit" in tiers else \
                    res[w.name].get("interp", {}).get("insns")
            d["wall"] = statistics.median(d["walls"])
            d["vm"] = statistics.median(d["vms"])
            d["spread"] = (max(d["vms"]) - min(d["vms"])) / d["vm"] * 100 if d["vm"] else 0
            d["mips"] = d["insns"] / d["vm"] / 1e6 if d["insns"] else None
    return res


def tables(res, workloads, tiers, repeat, quick, arch=DEFAULT_ISA):
    names = [w.name for w in workloads]
    L = [f"## jitvm bench: {arch}", "",
         f"Guest ISA {arch} (qemu: {QEMU[arch]}): {len(names)} workloads, tiers "
         f"{', '.join(tiers)}, {repeat} interleaved "
         f"repeat(s){' (--quick inputs)' if quick else ''}, medians. "
         f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average "
         f"{os.getloadavg()[0]:.2f} at the end.", "",
         "In-VM MIPS (guest instructions / time inside the VM, start-up excluded; qemu: wall "
         "time and the jit tier's count; unicorn: time in emu_start and the jit tier's count) "
         "and how many times faster the jit tier is:", ""]
    cols = [f"{t} MIPS" for t in tiers] + [f"jit / {t}" for t in tiers if t != "jit" and "jit" in tiers]
    L += ["| workload | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    ratios = {t: [] for t in tiers}
    mips_all = {t: [] for t in tiers}
    for n in names:
        row = [n]
        for t in tiers:
            wrong = res[n][t].get("check", "").startswith("OUTPUT DIFFERS")
            row.append(_fmt(res[n][t]["mips"]) + (" (wrong output)" if wrong else ""))
            mips_all[t].append(res[n][t]["mips"])
        for t in tiers:
            if t != "jit" and "jit" in tiers:
                r = res[n]["jit"]["mips"] / res[n][t]["mips"] if res[n][t]["mips"] else None
                ratios[t].append(r)
                row.append(_fmt(r, 2))
        L.append("| " + " | ".join(row) + " |")

    def gm(xs, nd=1):                        # say so when some workloads have no value
        k = sum(1 for x in xs if x)
        return _fmt(geomean(xs), nd) + (f" ({k} of {len(xs)})" if 0 < k < len(xs) else "")
    row = ["**geometric mean**"] + [gm(mips_all[t]) for t in tiers] + \
          [gm(ratios[t], 2) for t in tiers if t != "jit" and "jit" in tiers]
    L.append("| " + " | ".join(row) + " |")
    if "unicorn" in tiers:
        L += ["", "unicorn: " + unicorn_note(res, workloads, arch)]
    L += ["", "Every run (wall includes jitvm's ~0.6 s start-up, unicorn's ~0.2 s; spread is over "
          "repeats of the in-VM time):", "",
          "| workload | tier | input | guest insns | wall s | in-VM s (spread) | in-VM MIPS | "
          "output |", "|---|---|---|---|---|---|---|---|"]
    for w in workloads:
        for t in tiers:
            d = res[w.name][t]
            if d.get("skip"):
                L.append(f"| {w.name} | {t} | {d['size']} {w.unit} | - | - | - | - | "
                         f"{d['skip']} |")
                continue
            ins = f"{d['insns']:,}" if d["insns"] else "-"
            if t in ("qemu", "unicorn"):         # credited with another tier's count
                ins += " (jit's)" if "jit" in tiers else " (interp's)"
            if d.get("insns_varies"):
                ins += " (varies)"
            sp = f"±{d['spread']:.0f}%" if len(d["vms"]) > 1 else "one run"
            L.append(f"| {w.name} | {t} | {d['size']} {w.unit} | {ins} | {d['wall']:.2f} | "
                     f"{d['vm']:.3f} ({sp}) | {_fmt(d['mips'])} | "
                     f"{d['digest']}{', ' + d['check'] if d.get('check') else ''} |")
    return "\n".join(L) + "\n"


def unicorn_note(res, workloads, arch=DEFAULT_ISA):
    """One paragraph: what the unicorn column is, and every workload it has no (good) result for."""
    missing = unicorn_missing(arch)
    if missing:
        return missing + "."
    import unicorn
    by = {}                                  # outcome -> workloads
    for w in workloads:
        d = res[w.name]["unicorn"]
        by.setdefault(d.get("skip") or d.get("check") or "output identical to qemu's",
                      []).append(w.name)
    return (f"Unicorn {unicorn.__version__}, through perf/unicorn_run.py (Unicorn's CPU, a Python "
            "shim for the system calls). " +
            "; ".join(f"{', '.join(names)}: {what}" for what, names in by.items()) + ".")


def parse_args(argv=None, prog="jitvm bench"):
    ap = argparse.ArgumentParser(
        prog=prog, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run the benchmark suite: CPU-bound guest workloads under jitvm's tiers, "
                    "qemu-<arch>-static and (where installed, riscv64 only) Unicorn, "
                    "interleaved; write DIR/results.md and DIR/mips.png.",
        epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--arch", default=DEFAULT_ISA, choices=ISAS,
                    help=f"guest ISA: {', '.join(ISAS)} (default {DEFAULT_ISA}); the C workloads "
                         "are built for it, busybox comes from its rootfs, qemu is "
                         "qemu-<arch>-static")
    ap.add_argument("--quick", action="store_true",
                    help="small inputs (about a tenth): a smoke run, numbers are noisier")
    ap.add_argument("--repeat", type=int, default=3, metavar="R",
                    help="interleaved repeats of every run (default 3); medians are reported")
    ap.add_argument("--tiers", default=",".join(TIERS), metavar="LIST",
                    help=f"comma-separated subset of {','.join(TIERS)} (default: all; unicorn "
                         "only runs where the unicorn package is installed)")
    ap.add_argument("--workloads", default=",".join(BY_NAME), metavar="LIST",
                    help=f"comma-separated subset of {','.join(BY_NAME)} (default: all)")
    ap.add_argument("--rootfs", metavar="DIR",
                    help="root file system (default: the one `jitvm rootfs --arch A` built); "
                         "busybox workloads use its busybox and a directory in its /tmp")
    ap.add_argument("--no-startup", action="store_true",
                    help="skip the start-up measurement (perf/startup.py: warm boot to a "
                         "prompt and one command; with full inputs also a cold boot)")
    ap.add_argument("--out", default="bench-results", metavar="DIR",
                    help="directory for results.md and mips.png (default ./bench-results)")
    a = ap.parse_args(argv)
    given = [x for x in a.tiers.split(",") if x]
    if not given or any(t not in TIERS for t in given):
        ap.error(f"--tiers: choose from {','.join(TIERS)}")
    a.tiers = [t for t in TIERS if t in given]
    names = [x for x in a.workloads.split(",") if x]
    if not names or any(n not in BY_NAME for n in names):
        ap.error(f"--workloads: choose from {','.join(BY_NAME)}")
    a.workloads = [BY_NAME[n] for n in names]
    if a.repeat < 1:
        ap.error("--repeat must be at least 1")
    return a


def main(argv=None, prog="jitvm bench"):
    a = parse_args(argv, prog)
    if a.rootfs:
        rootfs = Path(a.rootfs)
    else:
        from jitvm import rootfs as rootfs_mod
        rootfs = Path(rootfs_mod.default_path(a.arch))
    if not rootfs.is_dir():
        print(f"jitvm bench: no root file system at {rootfs}: run `jitvm rootfs --arch {a.arch}`",
              file=sys.stderr)
        return 1
    busybox = rootfs / "bin" / "busybox"
    if (any(w.kind == "busybox" for w in a.workloads) or not a.no_startup) and busybox.exists():
        try:
            found = elf_arch(busybox.resolve())
        except (OSError, KeyError):
            found = None
        if found != a.arch:
            print(f"jitvm bench: {busybox} is not a {a.arch} program ({found or 'unknown ISA'}): "
                  f"give --rootfs a {a.arch} root file system", file=sys.stderr)
            return 1
    if "qemu" in a.tiers and shutil.which(QEMU[a.arch]) is None:
        print(f"jitvm bench: {QEMU[a.arch]} not found (run `make deps`, or leave qemu out of "
              f"--tiers)", file=sys.stderr)
        return 1
    progress = lambda m: print(m, file=sys.stderr, flush=True)   # noqa: E731
    progress(f"jitvm bench: guest ISA {a.arch}, root file system {rootfs}")
    res = run_suite(a.workloads, a.tiers, a.repeat, a.quick, rootfs.resolve(), progress, a.arch)
    text = tables(res, a.workloads, a.tiers, a.repeat, a.quick, a.arch)
    if not a.no_startup:
        from perf import startup
        progress(f"start-up: boot ({a.arch}), one command, power-off")
        text += "\n" + startup.table(startup.measure(rootfs, a.repeat, cold=not a.quick,
                                                      progress=progress, arch=a.arch), a.arch)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text)
    from perf.chart import bar_chart
    drawn = [t for t in a.tiers if any(res[w.name][t]["mips"] for w in a.workloads)]
    bar_chart(out / "mips.png", [w.name for w in a.workloads], drawn,
              [[res[w.name][t]["mips"] for t in drawn] for w in a.workloads],
              title=f"{a.arch}: IN-VM MIPS PER WORKLOAD (LOG SCALE)")
    print(text)
    print(f"wrote {out / 'results.md'} and {out / 'mips.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(prog="python perf/bench.py"))
