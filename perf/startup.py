"""Start-up latency, the other half of speed for an interactive shell: how long from `jitvm boot`
to a shell prompt, one command run and the machine powered off again.

    python perf/startup.py [--arch A] [--repeat R] [--cold] [--rootfs DIR]
                                                               (also part of `jitvm bench`)

warm  `jitvm boot --arch A` (busybox init, its login shell on the console) with `echo hi; exit`
      typed in, using the translation cache as it is. Target: under 2 s.
cold  the same with an empty translation cache (JITVM_CACHE a fresh directory): no translated
      block is found, every hot one is compiled again. The compiled engine (interpreter, run
      loops, the ops translated code inlines), kept beside the sources, is not part of it: it
      is rebuilt only when the semantics change (`jitvm cache --warm`, 2-4 minutes, once).
      Target: under 20 s.
Wall times of the whole command, medians over repeats. --arch (default riscv64) picks the guest ISA
and its root file system (`jitvm rootfs --arch A`), unless --rootfs names another.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from translators import DEFAULT_ISA as DEFAULT_ARCH, ISAS  # noqa: E402  (stdlib only)

LAUNCH = f"import sys; sys.path.insert(0, {str(REPO)!r}); from jitvm.cli import main; main()"
TYPED = b"echo hi\nexit\n"


def boot_once(rootfs, cache, arch=DEFAULT_ARCH):
    """Wall seconds of one boot, prompt, `echo hi`, power-off; raises if the output is wrong."""
    env = {"PATH": "/bin:/usr/bin", "JITVM_CACHE": str(cache)}
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", LAUNCH, "boot", "--arch", arch, "--rootfs",
                        str(rootfs)], input=TYPED, capture_output=True, env=env, timeout=900)
    wall = time.perf_counter() - t
    out = p.stdout.replace(b"\r\n", b"\n")
    if p.returncode != 0 or b"\nhi\n" not in out or b"reboot: Power down" not in out:
        raise SystemExit(f"jitvm boot --arch {arch} failed ({p.returncode}):\n"
                         f"{out.decode(errors='replace')}"
                         f"{p.stderr.decode(errors='replace')}")
    return wall


def _compile_workers(cache):
    """Pids of the compile processes a boot with translation cache `cache` left behind: they
    finish their regions for the next run (jitvm/compile_worker.py), and would compete with the
    next boot measured here."""
    mark = f"JITVM_CACHE={cache}".encode()
    for d in Path("/proc").iterdir():
        try:
            if (d.name.isdigit() and b"jitvm.compile_worker" in (d / "cmdline").read_bytes()
                    and mark in (d / "environ").read_bytes().split(b"\0")):
                yield int(d.name)
        except OSError:
            continue


def _settle(cache, kill):
    """Let the compile processes of the boot just measured finish (or end them: a cold boot's
    cache is thrown away), so that every boot starts on an idle machine."""
    deadline = time.monotonic() + 300
    while (pids := list(_compile_workers(cache))) and time.monotonic() < deadline:
        for pid in pids if kill else ():
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        time.sleep(0.2)


def measure(rootfs, repeat=3, cold=True, progress=print, arch=DEFAULT_ARCH):
    """{"warm": [s...], "cold": [s...]}: boots of arch interleaved, a cold one with a new cache
    each."""
    warm_cache = os.environ.get("JITVM_CACHE", os.path.expanduser("~/.cache/jitvm"))
    boot_once(rootfs, warm_cache, arch)                   # the warm cache holds what a boot needs
    _settle(warm_cache, kill=False)
    res = {"warm": [], "cold": []}
    for i in range(repeat):
        progress(f"  start-up {i + 1}/{repeat}: warm boot ...")
        res["warm"].append(boot_once(rootfs, warm_cache, arch))
        _settle(warm_cache, kill=False)
        if cold:
            progress(f"  start-up {i + 1}/{repeat}: cold boot (empty translation cache) ...")
            d = tempfile.mkdtemp(prefix="jitvm-cold-")
            try:
                res["cold"].append(boot_once(rootfs, d, arch))
            finally:
                _settle(d, kill=True)
                shutil.rmtree(d, ignore_errors=True)
    return res


def table(res, arch=DEFAULT_ARCH):
    rows = [("warm", "translation cache as it is", 2), ("cold", "empty translation cache", 20)]
    L = [f"Start-up ({arch}): `jitvm boot --arch {arch}`, busybox init and its shell, "
         "`echo hi`, `exit`, power-off "
         "(wall s, whole command):", "", "| boot | cache | median s | runs | target |",
         "|---|---|---|---|---|"]
    for key, what, target in rows:
        xs = res.get(key) or []
        if xs:
            L.append(f"| {key} | {what} | {statistics.median(xs):.2f} | "
                     f"{', '.join(f'{x:.2f}' for x in xs)} | under {target} s |")
    return "\n".join(L) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", default=DEFAULT_ARCH, choices=ISAS,
                    help=f"guest ISA: {', '.join(ISAS)} (default {DEFAULT_ARCH})")
    ap.add_argument("--repeat", type=int, default=3, help="boots of each kind (default 3)")
    ap.add_argument("--cold", action="store_true", help="also boot with an empty cache")
    ap.add_argument("--rootfs", help="root file system (default: the one "
                                     "`jitvm rootfs --arch A` built)")
    a = ap.parse_args(argv)
    from jitvm import rootfs as rootfs_mod
    rootfs = Path(a.rootfs or rootfs_mod.default_path(a.arch))
    if not (rootfs / "bin" / "busybox").exists():
        print(f"startup: no busybox root file system at {rootfs}: run "
              f"`jitvm rootfs --arch {a.arch}`", file=sys.stderr)
        return 1
    print(table(measure(rootfs, a.repeat, a.cold, lambda m: print(m, file=sys.stderr), a.arch),
                a.arch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
