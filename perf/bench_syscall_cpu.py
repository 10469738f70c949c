"""The dedicated system-call CPU (`--syscall-cpu`, kernel/syscall_cpu.py) against the usual
symmetric kernel, side by side in one run.

    python perf/bench_syscall_cpu.py [--arch A] [--smp 2,4] [--repeat R] [--quick] [--mix M,..]
                                     [--rootfs DIR] [--out DIR]

Three mixes, each a whole `jitvm run --smp N [--syscall-cpu] ROOTFS/bin/busybox sh -c ...`:
  cpu       two copies of perf/workloads/integer.c at once: guest code, almost no system calls
  syscalls  two copies of perf/workloads/syscalls.c at once: 1-byte writes and reads of a file,
            a pipe ping-pong between two processes, a futex ping-pong between two threads
  busybox   shell work: pipelines of echo|cat|wc, seq|sort|md5sum, find over /bin, in a loop
For every --smp N (default 2,4) both kernels run R times (default 3), interleaved in ABBA order
so that a drift in the shared machine's load hits both alike, after one unmeasured warm-up each
(with JITVM_COMPILE=sync: the hot code is in the translation cache before anything is timed).
Every run must exit 0 and print the same output as the others of its mix, or the script fails.
Reported: median wall time of each kernel, spread ((max - min) / median), and the ratio
symmetric / syscall-cpu (above 1: the dedicated CPU is faster). Written to DIR/syscall_cpu.md
(default bench-results/). Nothing here passes or fails on speed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (perf/bench.py: building workloads, the launcher)

REPO = bench.REPO
MIXES = ("cpu", "syscalls", "busybox")
SIZES = {"cpu": (4000, 200), "syscalls": (3000, 600), "busybox": (12, 3)}   # (full, --quick)
BUSYBOX_ROUND = ("echo round $i | cat | wc -c >/dev/null; seq 1 200 | sort -r | md5sum "
                 ">/dev/null; find /bin -name 'l*' | wc -l >/dev/null; ls /proc >/dev/null")


def script(mix, size, progs):
    if mix == "busybox":
        return (f"i=0; while [ $i -lt {size} ]; do i=$((i+1)); {BUSYBOX_ROUND}; done; "
                f"echo rounds $i")
    prog = progs[mix]
    return f"{prog} {size} & a=$!; {prog} {size} & b=$!; wait $a && wait $b"


def command(a, rootfs, smp, dedicated, text):
    return [sys.executable, "-c", bench.LAUNCH, "run", "--arch", a.arch, "--smp", str(smp),
            *(["--syscall-cpu"] if dedicated else []), "--rootfs", str(rootfs),
            str(rootfs / "bin" / "busybox"), "sh", "-c", text]


def run(cmd, cwd, env):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=1800)
    dt = time.perf_counter() - t0
    if r.returncode:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr.decode()[-2000:]}")
    return dt, r.stdout


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default=bench.DEFAULT_ISA, choices=bench.ISAS)
    ap.add_argument("--smp", default="2,4", metavar="LIST", help="CPU counts (default 2,4)")
    ap.add_argument("--repeat", type=int, default=3, metavar="R")
    ap.add_argument("--quick", action="store_true", help="smaller mixes, one repeat")
    ap.add_argument("--mix", default=",".join(MIXES), help=f"some of {','.join(MIXES)}")
    ap.add_argument("--rootfs", metavar="DIR", help="default: the one `jitvm rootfs` built")
    ap.add_argument("--out", default="bench-results", metavar="DIR")
    a = ap.parse_args(argv)
    repeat = 1 if a.quick else a.repeat
    smps = [int(x) for x in a.smp.split(",")]
    mixes = a.mix.split(",")
    from jitvm.rootfs import build_rootfs
    rootfs = Path(a.rootfs or build_rootfs(a.arch, progress=lambda s: print(s, file=sys.stderr)))
    # the programs go into the rootfs's /tmp, where the guest's shell finds them
    progs = {}
    for mix, src in (("cpu", "integer.c"), ("syscalls", "syscalls.c")):
        w = bench.Workload(Path(src).stem, "c", (0, 0, 0), REPO / "perf/workloads" / src)
        dest = rootfs / "tmp" / f"bench-{w.name}"
        dest.write_bytes(bench.build_c(w, a.arch).read_bytes())
        dest.chmod(0o755)
        progs[mix] = f"/tmp/{dest.name}"
    env = dict(os.environ, **bench._jitvm_env())
    rows = []
    for mix in mixes:
        size = SIZES[mix][1 if a.quick else 0]
        text = script(mix, size, progs)
        for smp in smps:
            times, outs = {False: [], True: []}, set()
            for dedicated in (False, True):         # warm-up: fills the translation cache
                print(f"{mix} --smp {smp}{' --syscall-cpu' if dedicated else ''}: warm-up",
                      file=sys.stderr)
                outs.add(run(command(a, rootfs, smp, dedicated, text), rootfs,
                             dict(env, JITVM_COMPILE="sync"))[1])
            for r in range(repeat):
                order = (False, True) if r % 2 == 0 else (True, False)
                for dedicated in order:
                    dt, out = run(command(a, rootfs, smp, dedicated, text), rootfs, env)
                    times[dedicated].append(dt)
                    outs.add(out)
                    print(f"{mix} --smp {smp}{' --syscall-cpu' if dedicated else ''}: "
                          f"{dt:.2f} s", file=sys.stderr)
            if len(outs) != 1:
                raise SystemExit(f"{mix} --smp {smp}: the runs printed different output: {outs}")
            rows.append((mix, smp, times[False], times[True]))
    lines = [f"# --syscall-cpu against the symmetric kernel ({a.arch}, {os.cpu_count()} host "
             f"cores, load {os.getloadavg()[0]:.2f}, {repeat} repeats, "
             f"{'quick' if a.quick else 'full'} sizes)", "",
             "| mix | --smp | symmetric s (spread) | --syscall-cpu s (spread) | "
             "symmetric / syscall-cpu |", "|---|---|---|---|---|"]
    for mix, smp, sym, ded in rows:
        ms, md = statistics.median(sym), statistics.median(ded)
        spread = lambda xs, m: (max(xs) - min(xs)) / m    # noqa: E731
        lines.append(f"| {mix} | {smp} | {ms:.2f} ({spread(sym, ms):.0%}) | "
                     f"{md:.2f} ({spread(ded, md):.0%}) | {ms / md:.2f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "syscall_cpu.md").write_text(text)


if __name__ == "__main__":
    main()
