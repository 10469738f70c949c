"""SMP benchmark: parallel speed-up of CPU-bound guest processes, and the idle cost of a booted VM.

    python perf/bench_smp.py [--arch A] [--quick] [--repeat R] [--engine jit|interp] [--smp LIST]
                             [--jobs K] [--workload NAME] [--size N] [--idle-smp LIST]
                             [--idle-window S] [--settle S] [--only parallel|idle] [--rootfs DIR]
                             [--out DIR]

--arch (default riscv64) picks the guest ISA: the workload is built with its toolchain, the runs
and boots get `--arch A`, and the root file system is its (`jitvm rootfs --arch A`).

1. Parallel. K copies (--jobs, default 2) of a CPU-bound static guest program (--workload, default
   perf/workloads/integer.c, built like `jitvm bench` builds it, then copied into the rootfs's
   /tmp so the guest's shell can exec it) run at once in one VM:
       jitvm run --stats --smp N --engine E ROOTFS/bin/busybox sh -c "W & W & wait ..."
   for every N of --smp (default 1,2). One unmeasured warm-up run per setting first, with
   JITVM_COMPILE=sync so that every block that gets hot is compiled into the persistent
   translation cache (a background compile still running when a VM exits is dropped, and would
   be started again, next to the guest, in every measured run); it also checks the setting
   works. Then R repeats, interleaved and alternating in ABBA order (1,2 then 2,1 ...) so a drift
   in the machine's load hits every setting alike. Reported per setting: wall time (the whole
   `jitvm run`, ~1 s of start-up included), in-VM time (`--stats` "guest run time": start-up
   excluded), host CPU time of the VM process and of its helper processes (the compile process,
   polled from /proc), "VM process cores busy" (its CPU / wall: ~1 while the guest runs on one
   host thread, up to K or the host's cores when it runs in parallel; and the peak over any 1 s),
   the CPU time of its busiest threads, and the blocks translated during the run (0 when the
   warm-up did its job); medians, spread = (max - min) / median. The speed-up is the first
   setting's median over each other's, on wall and in-VM time, with the range of the per-repeat
   ratios and the ratio of the best runs. Before every repeat, K plain Python busy loops measure
   how many host cores the shared machine gives K busy processes right now: the ceiling of any
   speed-up at that moment. The issue's aim is 1.7x or better for 2 jobs on --smp 2 on a 2-core
   host. Every run must exit 0 and print K identical lines, the same for every setting (a wrong
   answer makes the time meaningless), else the script fails.
2. Idle. For every N of --idle-smp (default 1,4): `jitvm boot --smp N` on a pseudo-terminal
   (busybox init and its login shell, or --init), wait for the prompt, check the shell answers,
   let it settle (--settle, default 3 s: the jit tier may still be compiling boot-time code in its
   compile process), then sample the CPU time (utime + stime, all threads) of the VM process and,
   separately, of every process of its session (the compile helper included) over --idle-window
   seconds (default 10) from /proc/PID/stat. Reported as percent of one host core, with the
   busiest host thread's share. Then the shell must still answer (the echo round trip is timed:
   an idle VM that no longer wakes up would look perfectly cheap), and `poweroff -f` must stop
   the VM; any process of its session still alive afterwards is killed by pid and reported.
3. The tables are printed and written to DIR/smp.md (default bench-results/), with the command
   lines, the host's CPU count and load averages.
With --only syscall-cpu it measures instead the dedicated system-call CPU (`--syscall-cpu`)
against the symmetric kernel: perf/bench_syscall_cpu.py, whose docstring says how.

Nothing here passes or fails on speed: it measures and records. Progress goes to stderr. The exit
status is 1 when a run fails or prints a wrong answer, or an idle VM fails to boot, to answer or
to shut down cleanly.
"""
import argparse
import fcntl
import os
import re
import resource
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from perf import bench  # noqa: E402  (build_c, the workloads, LAUNCH, the environment)

C_WORKLOADS = [w.name for w in bench.WORKLOADS if w.kind == "c"]
# input sizes for one copy (full, --quick): a few seconds of guest time each on the jit tier
SIZES = {"integer": (2000, 20), "sort": (1000000, 20000), "crc_hash": (8192, 128),
         "fp": (280, 80), "memory": (1000, 10)}
CLK_TCK = os.sysconf("SC_CLK_TCK")
PROMPT = b"# "


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- processes: CPU time from /proc, sessions, cleanup ------------------------------------------
def _stat_fields(path):
    """Fields of a /proc/.../stat line after the command name (state is [0]), or None."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    return data[data.rindex(b")") + 2:].split()


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds; None once it is gone."""
    f = _stat_fields(f"/proc/{pid}/stat")
    return None if f is None else (int(f[11]) + int(f[12])) / CLK_TCK


def thread_cpu(pid):
    """{tid: utime + stime seconds} of every thread of pid."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        f = _stat_fields(f"/proc/{pid}/task/{tid}/stat")
        if f is not None:
            out[int(tid)] = (int(f[11]) + int(f[12])) / CLK_TCK
    return out


def session_pids(sid):
    """Live (not zombie) processes whose session id is sid (a process started with
    start_new_session=True has sid == its pid, and so do all its descendants that do not setsid)."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            f = _stat_fields(f"/proc/{name}/stat")
            if f is not None and int(f[3]) == sid and f[0] != b"Z":
                pids.append(int(name))
    return pids


def session_cpu(sid):
    """{pid: utime + stime seconds} of every live process of session sid."""
    out = {}
    for pid in session_pids(sid):
        c = cpu_seconds(pid)
        if c is not None:
            out[pid] = c
    return out


def _label(pid):
    """A short name for a process: its command line, the Python launcher boiled down."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"pid {pid}"
    argv = [x.decode(errors="replace") for x in argv if x]
    if not argv:                             # exiting: its memory (and command line) is gone
        try:
            argv = [Path(f"/proc/{pid}/comm").read_text().strip(), "[exiting]"]
        except OSError:
            return f"pid {pid}"
    if len(argv) > 2 and argv[1] == "-c":
        argv = [Path(argv[0]).name, "-c", "..."] + argv[3:]
    return f"pid {pid} ({' '.join(argv)[:60]})"


def reap_session(sid, grace=5.0):
    """Wait up to `grace` seconds for the processes of session sid to end (a helper may still be
    exiting when the VM process is reaped), then kill (by pid) those still alive; return their
    descriptions."""
    end = time.monotonic() + grace
    while session_pids(sid) and time.monotonic() < end:
        time.sleep(0.05)
    left = []
    for pid in session_pids(sid):
        left.append(_label(pid))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def _stop(p, timeout=10):
    """End a child we started: SIGTERM, then SIGKILL, by its pid."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


# ---- 1. parallel CPU-bound processes ------------------------------------------------------------
def _stats_value(err, pattern):
    m = re.search(pattern, err)
    return float(m.group(1)) if m else None


def parallel_cmd(busybox, guest_prog, size, jobs, smp, engine, rootfs, arch=bench.DEFAULT_ISA):
    parts = [f"{guest_prog} {size} & p{i}=$!;" for i in range(jobs)]
    waits = [f"wait $p{i} || s=$?;" for i in range(jobs)]
    script = " ".join(parts + ["s=0;"] + waits + ["exit $s"])
    return [sys.executable, "-c", bench.LAUNCH, "run", "--stats", "--arch", arch, "--engine",
            engine, "--smp", str(smp), "--rootfs", str(rootfs), str(busybox), "sh", "-c", script]


def _peak(samples, span=1.0):
    """The most host cores the VM process kept busy over any `span` seconds (from CPU-time
    samples): above 1 only if its threads really ran at the same time. None for a shorter run."""
    best, j = None, 0
    for i in range(len(samples)):
        while samples[i][0] - samples[j][0] > span:
            j += 1
        if j and samples[i][0] - samples[j - 1][0] >= span:
            t0, c0 = samples[j - 1]
            x = (samples[i][1] - c0) / (samples[i][0] - t0)
            best = x if best is None else max(best, x)
    return best


def run_parallel(cmd, cwd, timeout, env=None):
    """One run: -> dict(wall, vm, cpu, helper_cpu, out, left). The jitvm process gets a session of
    its own, so whatever it starts can be watched and whatever it leaves behind ended. cpu is that
    of the whole process tree (getrusage of the reaped children); helper_cpu that of the
    processes other than the VM's own, polled from /proc every 0.2 s (their last fraction of a
    second may be missed)."""
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                         env=env or bench._jitvm_env(), start_new_session=True)
    helpers = {}                             # pid -> last CPU seconds seen
    threads = {}                             # tid of the VM process -> last CPU seconds seen
    samples = []                             # (time, CPU seconds of the VM process)
    try:
        while True:
            try:
                out, err = p.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            for q, c in session_cpu(p.pid).items():
                if q != p.pid:
                    helpers[q] = c
            threads.update(thread_cpu(p.pid))
            c = cpu_seconds(p.pid)
            if c is not None:
                samples.append((time.perf_counter(), c))
            if time.perf_counter() - t > timeout:
                raise TimeoutError
    except BaseException as e:               # a time-out, or ^C (which its session does not see)
        _stop(p)
        left = reap_session(p.pid, grace=1)
        if isinstance(e, TimeoutError):
            raise SystemExit(f"bench_smp: run timed out after {timeout} s: {shlex.join(cmd)}"
                             + "".join(f"\n  killed {x}" for x in left))
        raise
    wall = time.perf_counter() - t
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for q, c in session_cpu(p.pid).items():  # helpers still exiting
        if q != p.pid:
            helpers[q] = c
    left = reap_session(p.pid)
    err = err.decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"bench_smp: run failed with status {p.returncode}: {shlex.join(cmd)}\n"
                         f"{out.decode(errors='replace')}{err}")
    if left:
        log("  note: processes left behind by the run, killed: " + "; ".join(left))
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return {"wall": wall, "vm": _stats_value(err, r"guest run time: ([\d.]+) s"), "cpu": cpu,
            "helper_cpu": sum(helpers.values()), "helpers": len(helpers), "out": out,
            "threads": sorted(threads.values(), reverse=True), "peak": _peak(samples),
            "compiled": _stats_value(err, r"blocks translated: (\d+)"), "left": left}


SPIN = ("import time\nt = time.perf_counter()\nwhile time.perf_counter() - t < {s}: pass\n"
        "print(time.process_time())")


def host_capacity(k, seconds=1.0):
    """How many host cores k busy processes get right now: k spinning Pythons for `seconds`,
    their CPU time over that. k on an idle host; on a shared one, the most any K-way parallel
    guest could hope for at this moment."""
    procs = [subprocess.Popen([sys.executable, "-c", SPIN.format(s=seconds)],
                              stdout=subprocess.PIPE) for _ in range(k)]
    return sum(float(p.communicate()[0] or 0) for p in procs) / seconds


def check_output(out, jobs, reference):
    lines = out.decode(errors="replace").splitlines()
    if len(lines) != jobs or len(set(lines)) != 1:
        raise SystemExit(f"bench_smp: expected {jobs} identical lines, the guest printed:\n"
                         + out.decode(errors="replace"))
    if reference is not None and lines[0] != reference:
        raise SystemExit(f"bench_smp: output differs between settings: {lines[0]!r} vs "
                         f"{reference!r}")
    return lines[0]


def bench_parallel(a, rootfs, progress=log):
    w = bench.BY_NAME[a.workload]
    host_prog = bench.build_c(w, a.arch)
    workdir = rootfs / "tmp" / f"jitvm-bench-smp-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copy(host_prog, workdir / w.name)
        guest_prog = f"/tmp/{workdir.name}/{w.name}"
        busybox = (rootfs / "bin" / "busybox").resolve()
        cmds = {n: parallel_cmd(busybox, guest_prog, a.size, a.jobs, n, a.engine, rootfs, a.arch)
                for n in a.smp}
        runs = {n: [] for n in a.smp}
        reference = None
        # JITVM_COMPILE=sync: every block that gets hot is compiled on the spot and stored in
        # the translation cache. With the default background compile, a region still compiling
        # when the VM exits is dropped, so every later run would start the compile process
        # again (seconds of CPU next to the guest) and run those blocks interpreted.
        sync = dict(bench._jitvm_env(), JITVM_COMPILE="sync")
        for n in a.smp:
            progress(f"  warm-up  --smp {n}: {a.jobs} x {w.name} {a.size}, JITVM_COMPILE=sync "
                     f"(fills the translation cache; minutes when it is cold) ...")
            r = run_parallel(cmds[n], workdir, a.timeout, env=sync)
            reference = check_output(r["out"], a.jobs, reference)
            progress(f"  warm-up  --smp {n}: {r['wall']:.2f} s wall, "
                     f"{int(r['compiled'] or 0)} blocks translated")
        k = min(a.jobs, os.cpu_count() or 1)
        capacity = []
        for i in range(a.repeat):
            capacity.append(host_capacity(k))
            progress(f"  host: {k} spinning processes got {capacity[-1]:.2f} cores")
            order = a.smp if i % 2 == 0 else a.smp[::-1]
            for n in order:
                r = run_parallel(cmds[n], workdir, a.timeout)
                check_output(r["out"], a.jobs, reference)
                runs[n].append(r)
                vm = f", {r['vm']:.2f} s in VM" if r["vm"] is not None else ""
                progress(f"  run {i + 1}/{a.repeat} --smp {n}: {r['wall']:.2f} s wall{vm}, "
                         f"CPU {r['cpu'] - r['helper_cpu']:.1f} s VM process"
                         + (f" (peak {r['peak']:.2f} cores)" if r["peak"] is not None else "")
                         + f" + {r['helper_cpu']:.1f} s helpers")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"runs": runs, "cmds": cmds, "output": reference, "guest_prog": guest_prog,
            "capacity": capacity, "k": k}


def _med_spread(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None, None
    m = statistics.median(xs)
    return m, ((max(xs) - min(xs)) / m * 100 if m else 0.0)


def _ms(xs, nd=2):
    m, sp = _med_spread(xs)
    if m is None:
        return "-"
    return f"{m:.{nd}f} (±{sp:.0f}%)" if len(xs) > 1 else f"{m:.{nd}f}"


def _threads(rs):
    """The CPU seconds of the three busiest threads of the VM process, medians over runs."""
    top = [statistics.median(r["threads"][i] if len(r["threads"]) > i else 0.0 for r in rs)
           for i in range(3)]
    return " / ".join(f"{x:.1f}" for x in top)


def _peak_median(rs):
    peaks = [r["peak"] for r in rs if r["peak"] is not None]
    return f"{statistics.median(peaks):.2f}" if peaks else "- (runs < 1 s)"


def parallel_table(a, res):
    runs, base = res["runs"], a.smp[0]
    L = [f"### Parallel: {a.jobs} x `{a.workload} {a.size}` at once in one VM, engine {a.engine}",
         "", f"`jitvm run --smp N busybox sh -c \"{'W & ' * a.jobs}wait\"`; {a.repeat} "
         f"interleaved repeat(s) (ABBA order) after one warm-up run per setting; medians "
         f"(spread). Every run printed `{res['output']}` {a.jobs} times.", "",
         "| --smp | wall s | in-VM s | speed-up (wall) | speed-up (in-VM) | host CPU s: VM "
         "process + helpers | VM process cores busy: mean, peak 1 s | busiest host threads, "
         "CPU s | blocks translated |", "|---|---|---|---|---|---|---|---|---|"]
    summary = []

    def med(rs, k):
        return _med_spread([r[k] for r in rs])[0]

    for n in a.smp:
        rs = runs[n]
        walls, vms = [r["wall"] for r in rs], [r["vm"] for r in rs]
        own = [r["cpu"] - r["helper_cpu"] for r in rs]
        busy = [(r["cpu"] - r["helper_cpu"]) / r["wall"] for r in rs]
        comp = [int(r["compiled"]) for r in rs if r["compiled"] is not None]
        if n == base:
            sw = sv = "1.00 (base)"
        else:
            sp = {}
            for k in ("wall", "vm"):
                b, m = med(runs[base], k), med(rs, k)
                pairs = [x[k] / y[k] for x, y in zip(runs[base], rs) if x[k] and y[k]]
                rng = f" ({min(pairs):.2f}-{max(pairs):.2f})" if len(pairs) > 1 else ""
                sp[k] = (b / m if b and m else None, rng,
                         min(x[k] for x in runs[base]) / min(y[k] for y in rs)
                         if b and m else None)
            sw = f"**{sp['wall'][0]:.2f}x**{sp['wall'][1]}"
            sv = f"**{sp['vm'][0]:.2f}x**{sp['vm'][1]}" if sp["vm"][0] else "-"
            summary.append(
                f"speed-up --smp {base} / --smp {n} ({a.jobs} jobs): "
                f"{sp['wall'][0]:.2f}x wall (best runs {sp['wall'][2]:.2f}x)"
                + (f", {sp['vm'][0]:.2f}x in-VM (best runs {sp['vm'][2]:.2f}x)"
                   if sp["vm"][0] else "")
                + "; the aim is 1.7x or better for 2 jobs on --smp 2, 2 host cores")
        if n == base and _med_spread(busy)[0] < 0.9:
            summary.append(f"caution: at --smp {base} the VM process had only "
                           f"{_med_spread(busy)[0]:.2f} of a host core (other load on the "
                           f"machine, or start-up): the ratios are at least this noisy")
        L.append(f"| {n} | {_ms(walls)} | {_ms(vms)} | {sw} | {sv} | "
                 f"{_ms(own, 1)} + {_ms([r['helper_cpu'] for r in rs], 1)} | {_ms(busy)}, "
                 f"{_peak_median(rs)} | "
                 f"{_threads(rs)} | {', '.join(map(str, comp)) or '-'} |")
    cap = res["capacity"]
    L += ["", f"Host capacity: {res['k']} busy host processes (plain Python loops, 1 s, before "
          f"every repeat) got {statistics.median(cap):.2f} cores (median; "
          f"{min(cap):.2f}-{max(cap):.2f}) of the {res['k']} they asked for: on a shared "
          f"machine no {res['k']}-way parallel guest can do better than that."]
    if statistics.median(cap) < res["k"] - 0.3:
        summary.append(f"caution: the host gave {res['k']} busy processes only "
                       f"{statistics.median(cap):.2f} cores (other load): speed-ups are capped "
                       f"near that")
    L += ["", "Speed-ups are ratios of the medians, with the range of the per-repeat ratios in "
          "parentheses. Wall time includes jitvm's start-up (~1 s, serial); in-VM time is "
          "`--stats` \"guest run time\", start-up excluded. Host CPU: the VM process (all its "
          "threads), and its helper processes (the jit tier's compile process); \"VM process "
          "cores busy\" = its CPU / wall time: ~1 when the guest runs on one host thread, towards "
          f"{min(a.jobs, os.cpu_count() or 1)} when the jobs run in parallel (peak: the most over "
          "any 1 s, from CPU time polled every 0.2 s; above 1 only if threads really ran at "
          "the same time); its busiest "
          "threads (polled every 0.2 s) show whether the guest's work was spread over several "
          "host threads at all. \"Blocks "
          "translated\" per run (from `--stats`) should be 0 after the warm-up.", ""]
    return L, summary


# ---- 2. idle cost of a booted VM ----------------------------------------------------------------
class Console:
    """A `jitvm boot` whose stdin/stdout/stderr are a pty slave (its controlling terminal)."""

    def __init__(self, cmd):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            cmd, stdin=self.slave, stdout=self.slave, stderr=self.slave, cwd=REPO,
            env=bench._jitvm_env(), start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        self.screen = b""
        self.log = b""

    def pump(self, timeout):
        """Read what the VM printed, for up to timeout seconds; False once the pty is closed."""
        if not select.select([self.master], [], [], max(timeout, 0))[0]:
            return True
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return False
        self.screen += data
        self.log += data
        return bool(data)

    def expect(self, needle, timeout):
        end = time.monotonic() + timeout
        while needle not in self.screen:
            left = end - time.monotonic()
            if left <= 0 or not self.pump(min(left, 0.5)) or self.proc.poll() is not None:
                self.pump(0)
                if needle in self.screen:
                    break
                raise RuntimeError(f"no {needle!r} on the console within {timeout} s; the "
                                   f"end of the screen:\n"
                                   f"{self.log[-1500:].decode(errors='replace')}")
        i = self.screen.index(needle) + len(needle)
        self.screen = self.screen[i:]

    def idle(self, seconds):
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.pump(min(left, 0.5))

    def send(self, data):
        os.write(self.master, data)

    def close(self):
        _stop(self.proc)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def boot_cmd(smp, engine, rootfs, init, arch=bench.DEFAULT_ISA):
    cmd = [sys.executable, "-c", bench.LAUNCH, "boot", "--arch", arch, "--smp", str(smp),
           "--engine", engine, "--rootfs", str(rootfs)]
    return cmd + (["--init", init] if init else [])


def idle_cost(smp, a, rootfs, progress=log):
    cmd = boot_cmd(smp, a.engine, rootfs, a.init, a.arch)
    con = Console(cmd)
    pid = con.proc.pid
    r = {"smp": smp, "cmd": cmd}
    try:
        t = time.monotonic()
        con.expect(PROMPT, a.timeout)
        r["boot"] = time.monotonic() - t
        con.send(b"echo idle-$((6*7))\r")          # the shell answers: it is at its prompt
        con.expect(b"idle-42\r\n", 60)
        con.expect(PROMPT, 60)
        progress(f"  idle --smp {smp}: at the prompt after {r['boot']:.1f} s; settling "
                 f"{a.settle:g} s, then sampling {a.idle_window:g} s ...")
        con.idle(a.settle)
        c0, s0, th0 = cpu_seconds(pid), session_cpu(pid), thread_cpu(pid)
        t0 = time.monotonic()
        con.idle(a.idle_window)
        c1, s1, th1 = cpu_seconds(pid), session_cpu(pid), thread_cpu(pid)
        dt = time.monotonic() - t0
        if c0 is None or c1 is None:
            raise RuntimeError("the VM process ended during the window:\n"
                               + con.log[-1500:].decode(errors="replace"))
        r["window"] = dt
        r["vm_pct"] = (c1 - c0) / dt * 100
        # per process, so that one exiting during the window does not count negative; a process
        # that both starts and ends within the window is missed
        others = {q: (c - s0.get(q, 0.0)) / dt * 100 for q, c in s1.items() if q != pid}
        r["all_pct"] = r["vm_pct"] + sum(others.values())
        r["others"] = ", ".join(f"{_label(q)}: {x:.1f}%" for q, x in
                                sorted(others.items(), key=lambda kv: -kv[1]) if x > 0) or "-"
        per = sorted(((th1[k] - th0.get(k, 0.0)) / dt * 100 for k in th1), reverse=True)
        r["threads"] = len(th1)
        r["busiest_pct"] = per[0] if per else 0.0
        t = time.monotonic()
        con.send(b"echo still-$((6*7))\r")
        con.expect(b"still-42\r\n", 60)
        r["echo_ms"] = (time.monotonic() - t) * 1000
        con.expect(PROMPT, 60)
        progress(f"  idle --smp {smp}: VM process {r['vm_pct']:.1f}% of a core "
                 f"(session {r['all_pct']:.1f}%), echo answered in {r['echo_ms']:.0f} ms; "
                 f"poweroff -f ...")
        con.send(b"poweroff -f\r")
        try:
            end = time.monotonic() + 60
            while con.proc.poll() is None and time.monotonic() < end:
                con.pump(0.2)
            status = con.proc.wait(1)
            con.pump(0.2)
            r["shutdown"] = "clean" if status == 0 and b"reboot: Power down" in con.log \
                else f"status {status}"
        except subprocess.TimeoutExpired:
            r["shutdown"] = "did not power off within 60 s: SIGTERM"
    except RuntimeError as e:
        r["error"] = str(e)
        r["shutdown"] = "error"
        progress(f"  idle --smp {smp}: FAILED: {e}")
    finally:
        con.close()
        time.sleep(0.2)
        left = reap_session(pid)
    if left:
        r["shutdown"] += "; left behind and killed: " + "; ".join(left)
    else:
        r["shutdown"] += ", no process left"
    progress(f"  idle --smp {smp}: shutdown {r['shutdown']}")
    return r


def idle_table(a, results):
    init = f"`--init {a.init}`" if a.init else "busybox init and its login shell"
    L = [f"### Idle: `jitvm boot --smp N` ({init}, engine {a.engine}) at the shell prompt",
         "", f"CPU time over a {a.idle_window:g} s window after {a.settle:g} s of settling, in "
         f"percent of one host core: the VM process (all its threads), and its whole session "
         f"(the compile helper too). The echo round trip is timed after the window.", "",
         "| --smp | VM process | whole session | busiest thread | threads | echo after idle | "
         "boot to prompt | shutdown |", "|---|---|---|---|---|---|---|---|"]
    busy = []
    for r in results:
        if "error" in r:
            L.append(f"| {r['smp']} | failed: {r['error'].splitlines()[0]} | | | | | | "
                     f"{r['shutdown']} |")
            continue
        L.append(f"| {r['smp']} | **{r['vm_pct']:.1f}%** | {r['all_pct']:.1f}% | "
                 f"{r['busiest_pct']:.1f}% | {r['threads']} | {r['echo_ms']:.0f} ms | "
                 f"{r['boot']:.1f} s | {r['shutdown']} |")
        if r["others"] != "-":
            busy.append(f"--smp {r['smp']}: {r['others']}")
    if busy:
        L += ["", "Other processes of the session that used CPU in the window: "
              + "; ".join(busy) + "."]
    return L + [""]


# ---- the report ---------------------------------------------------------------------------------
def machine_line(load_start):
    la = os.getloadavg()
    return (f"host: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), load average "
            f"{' '.join(f'{x:.2f}' for x in load_start)} at the start, "
            f"{' '.join(f'{x:.2f}' for x in la)} at the end (1, 5, 15 min); "
            f"{time.strftime('%Y-%m-%d %H:%M')}")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        prog="python perf/bench_smp.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="SMP benchmark: K CPU-bound guest processes at once under --smp 1 vs --smp 2 "
                    "(speed-up), and the CPU a booted, idle --smp 4 VM burns. Prints a table, "
                    "writes DIR/smp.md.",
        epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--arch", default=bench.DEFAULT_ISA, choices=bench.ISAS,
                    help=f"guest ISA: {', '.join(bench.ISAS)} (default {bench.DEFAULT_ISA})")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: tiny inputs, 1 repeat (unless --repeat), idle only at "
                         "--smp 4 (unless --idle-smp) with a 2 s window and 0.5 s of settling; "
                         "the numbers mean little")
    ap.add_argument("--repeat", type=int, default=None, metavar="R",
                    help="measured runs per --smp setting, interleaved (default 3; 1 with --quick)")
    ap.add_argument("--engine", default="jit", choices=("jit", "interp"),
                    help="execution tier for every run and boot (default jit)")
    ap.add_argument("--smp", default="1,2", metavar="LIST",
                    help="comma-separated CPU counts for the parallel runs; the first is the base "
                         "of the speed-ups (default 1,2)")
    ap.add_argument("--jobs", type=int, default=2, metavar="K",
                    help="guest processes run at once (default 2)")
    ap.add_argument("--workload", default="integer", choices=C_WORKLOADS,
                    help="the CPU-bound guest program, one of `jitvm bench`'s C workloads "
                         "(default integer: perf/workloads/integer.c, small working set, few "
                         "system calls)")
    ap.add_argument("--size", type=int, default=None, metavar="N",
                    help="its input size, per copy (default: a few seconds of jit-tier guest time "
                         f"each: {', '.join(f'{k} {v[0]}' for k, v in SIZES.items())}; "
                         f"--quick: {', '.join(f'{k} {v[1]}' for k, v in SIZES.items())})")
    ap.add_argument("--idle-smp", default=None, metavar="LIST",
                    help="comma-separated CPU counts to boot for the idle measurement (default "
                         "1,4: --smp 4 is the one that matters, 1 is the baseline; 4 with --quick)")
    ap.add_argument("--idle-window", type=float, default=None, metavar="S",
                    help="seconds of CPU-time sampling while the guest idles (default 10; 2 with "
                         "--quick)")
    ap.add_argument("--settle", type=float, default=None, metavar="S",
                    help="seconds to wait at the prompt before sampling (default 3; 0.5 with "
                         "--quick)")
    ap.add_argument("--init", default=None, metavar="CMDLINE",
                    help="boot with this --init (e.g. /bin/sh) instead of busybox init's login "
                         "shell; its prompt must end with \"# \" (a hash, a space)")
    ap.add_argument("--only", choices=("parallel", "idle", "syscall-cpu"), default=None,
                    help="run one of the two measurements (default both); syscall-cpu: the "
                         "dedicated system-call CPU against the symmetric kernel instead "
                         "(perf/bench_syscall_cpu.py, --smp 2 and up)")
    ap.add_argument("--rootfs", metavar="DIR",
                    help="root file system (default: the one `jitvm rootfs --arch A` built); the "
                         "workload is copied into a directory of its /tmp for the run")
    ap.add_argument("--timeout", type=float, default=1800, metavar="S",
                    help="give up on one run (a warm-up with a cold translation cache can take "
                         "minutes), or on a boot reaching its prompt, after S seconds "
                         "(default 1800)")
    ap.add_argument("--out", default="bench-results", metavar="DIR",
                    help="directory for smp.md (default ./bench-results)")
    a = ap.parse_args(argv)

    def cpus(text, opt):
        try:
            xs = [int(x) for x in text.split(",") if x.strip()]
        except ValueError:
            xs = []
        if not xs or any(x < 1 for x in xs) or len(set(xs)) != len(xs):
            ap.error(f"{opt}: a comma-separated list of distinct CPU counts >= 1, e.g. 1,2")
        return xs

    a.smp = cpus(a.smp, "--smp")
    a.idle_smp = cpus(a.idle_smp or ("4" if a.quick else "1,4"), "--idle-smp")
    if a.repeat is None:
        a.repeat = 1 if a.quick else 3
    if a.repeat < 1 or a.jobs < 1:
        ap.error("--repeat and --jobs must be at least 1")
    if a.size is None:
        full, quick = SIZES.get(a.workload, bench.BY_NAME[a.workload].sizes[:2])
        a.size = quick if a.quick else full
    if a.idle_window is None:
        a.idle_window = 2.0 if a.quick else 10.0
    if a.settle is None:
        a.settle = 0.5 if a.quick else 3.0
    if a.idle_window <= 0 or a.settle < 0:
        ap.error("--idle-window must be positive and --settle not negative")
    return a


def _terminate(signum, frame):
    raise SystemExit(128 + signum)          # unwinds: runs and boots stopped, /tmp cleaned


def main(argv=None):
    a = parse_args(argv)
    if a.only == "syscall-cpu":
        import bench_syscall_cpu
        smps = [n for n in a.smp if n >= 2] or [2, 4]
        return bench_syscall_cpu.main(
            ["--arch", a.arch, "--smp", ",".join(map(str, smps)), "--repeat", str(a.repeat),
             "--out", a.out] + (["--quick"] if a.quick else [])
            + (["--rootfs", a.rootfs] if a.rootfs else []))
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    if a.rootfs:
        rootfs = Path(a.rootfs)
    else:
        from jitvm import rootfs as rootfs_mod
        rootfs = Path(rootfs_mod.default_path(a.arch))
    if not (rootfs / "bin" / "busybox").exists():
        log(f"bench_smp: no busybox root file system at {rootfs}: run "
            f"`jitvm rootfs --arch {a.arch}`")
        return 1
    rootfs = rootfs.resolve()
    load_start = os.getloadavg()
    started = time.monotonic()
    L = [f"## jitvm SMP benchmark: {a.arch}", ""]
    summary, cmds, results = [], [], []
    if a.only in (None, "parallel"):
        log(f"parallel ({a.arch}): {a.jobs} x {a.workload} {a.size}, "
            f"--smp {','.join(map(str, a.smp))}, "
            f"engine {a.engine}, {a.repeat} repeat(s)")
        res = bench_parallel(a, rootfs)
        lines, s = parallel_table(a, res)
        L += lines
        summary += s
        cmds += [shlex.join(c) for c in res["cmds"].values()]
    if a.only in (None, "idle"):
        log(f"idle ({a.arch}): boot --smp {','.join(map(str, a.idle_smp))}, engine {a.engine}")
        results = [idle_cost(n, a, rootfs) for n in a.idle_smp]
        L += idle_table(a, results)
        for r in results:
            if "error" not in r:
                summary.append(f"idle --smp {r['smp']}: {r['vm_pct']:.1f}% of one host core "
                               f"(VM process), {r['all_pct']:.1f}% (whole session)")
        cmds += [shlex.join(r["cmd"]) for r in results]
    L += [machine_line(load_start) + f"; {time.monotonic() - started:.0f} s in all.", "",
          "Command lines (`LAUNCH` = " + f"`{bench.LAUNCH}`):", "", "```"]
    L += [c.replace(shlex.quote(bench.LAUNCH), "LAUNCH") for c in cmds] + ["```", ""]
    if summary:
        L += ["Summary:", ""] + [f"- {s}" for s in summary] + [""]
    text = "\n".join(L)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "smp.md").write_text(text)
    print(text)
    print(f"wrote {out / 'smp.md'}")
    bad = [r for r in results if "error" in r or not r["shutdown"].startswith("clean, no ")]
    if bad:
        log("bench_smp: an idle boot failed or did not shut down cleanly (see the table)")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("bench_smp: interrupted")
        sys.exit(130)
