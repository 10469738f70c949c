"""busybox's own test suite, test by test, under jitvm and under qemu-user on the same binary.

An oracle nobody here wrote: `testsuite/` of Debian's busybox source package -- the one the
rootfs's busybox is built from -- run by its own runner (`runtest -v`) twice on the same static
busybox: inside the guest under jitvm, and under qemu-user in a chroot on the host. Each side's
output becomes {"applet: test": status}; tests/test_busybox_suite.py asserts that nothing fails
under jitvm that passes under qemu.

    python -m tests.busybox_suite --arch riscv64           # both sides: counts, then differences
    python -m tests.busybox_suite --arch loongarch64 --applets sed,awk --side jitvm
    python -m tests.busybox_suite --arch riscv64 --all     # SLOW_APPLETS and SLOW_TESTS too
    python -m tests.busybox_suite --arch aarch64 --debian  # on Debian's own busybox-static

Two busybox binaries (flavours) can be tested: the rootfs's, built here from that source
(`source`), and Debian's busybox-static package for the ISAs of jitvm.rootfs.DEBIAN_ARCH
(`debian`: `jitvm rootfs --debian`), built by Debian from the same source package -- its
testsuite and its build configuration (debian/config/pkg/static) are in the source tree.

The scratch root (`prepare`), one per side (the tests write beside themselves): a copy of the
arch's rootfs (its /tmp left empty) and, as in busybox's build tree, which the tests assume
(mdev.tests copies ../busybox, strings-works-like-GNU reads ../../busybox):
  /bbtest/busybox     -> /bin/busybox; runtest's `bindir`, its applet links go in
                      /bbtest/runtest-tempdir-links
  /bbtest/.config     the build's configuration (build_config): runtest says UNTESTED for an
                      applet configured out, `optional` skips a test whose feature is off
  /bbtest/testsuite/  busybox's testsuite/ as shipped, but for two lines: runtest echoes
                      "=== applet: NAME" before each applet's tests (the same test name occurs
                      under several applets: results are named "applet: test"), and testing.sh's
                      `testing` says SKIPPED for the tests left out (SLOW_TESTS, unless --all).
Both sides get the same environment (ENV: PATH, HOME, SHELL -- taskset.tests runs `$SHELL -c` --
and SKIP_INTERNET_TESTS, or the wget tests would fetch google.com), stdin /dev/null, and stdout
and stderr merged.

jitvm: `jitvm run --rootfs ROOT ROOT/bin/busybox sh -c "cd /bbtest/testsuite && ./runtest -v ..."`
on the default engine (jit); the guest kernel mounts devfs, procfs and a tmpfs on /tmp itself.

qemu: `chroot ROOT /bin/busybox sh -c ...` on the host, where binfmt_misc
(tests/guest/oracle_binfmt.sh, `make oracle`) runs every guest ELF through qemu-<arch>-static,
argv[0] kept (its P flag): the shell, runtest and each applet it starts are the same guest
busybox. The chroot is entered in new mount, UTS, IPC and pid
namespaces (`unshare`), in which ROOT gets what the guest kernel gives the guest: procfs on /proc,
a tmpfs /dev holding kernel/devfs.py's nodes and links, a tmpfs /tmp, jitvm's host name. What a
test mounts (mount.tests runs as root) or sets (the host name) stays in the namespaces, and their
end kills whatever a test left running. Needs root (CI has it). One thing does reach the host:
mount.tests' loop mounts use the host kernel's loop devices (`umount -d` detaches them again).

A run that prints nothing for `idle` seconds is killed: the applet it was in gets a "HUNG" entry
and the run goes on with the applets after it, so a hang costs one applet, not the suite. Tests
qemu did not pass run again under qemu (`confirm_oracle`): qemu-loongarch64 fails now and then.

Statuses: PASS, FAIL, SKIPPED (a feature configured out, the applet not built, or left out here),
UNTESTED (an old-style test of an applet configured out), HUNG; `table` and `regressions` say
MISSING for a test a side never reported.
"""
import argparse
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from jitvm.rootfs import DEBIAN_ARCH, build_debian_rootfs, build_rootfs, cache_root  # noqa: E402
from tests.differential import LAUNCH, ORACLE_RETRIES, QEMU  # noqa: E402

SIDES = ("jitvm", "qemu")
ENV = {"PATH": "/bin:/sbin:/usr/bin:/usr/sbin", "HOME": "/root", "SHELL": "/bin/sh",
       "SKIP_INTERNET_TESTS": "1"}
BINDIR = "bbtest"                        # inside the root
TSDIR = f"{BINDIR}/testsuite"

# Left out unless --all: the suite's biggest repetitions, which cost more than the rest of it
# together and test little the rest does not (times: riscv64 on the 2-core development machine,
# under load from other test runs).
SLOW_APPLETS = {
    # sha1sum.tests is `. ./md5sum.tests sha1sum <digest>`: the same loop of 1000 `echo | head -c
    # N | sum` pipelines (2000 processes) with another hash; md5sum's run of it stays.
    # 130-150 s each under jitvm, ~60 s under qemu.
    **{s: "md5sum.tests' 1000-pipeline loop again, with another hash (md5sum runs it)"
       for s in ("sha1sum", "sha256sum", "sha512sum", "sha3sum")},
}
SLOW_TESTS = {
    # One bc prints numbers in many bases, another parses them, md5sum sums the result: one and
    # four minutes under qemu without a line of output, over ten each under jitvm. bc's 67 other
    # tests stay.
    "bc: bc parsing of numbers": "15 bases x 65537 numbers x 3 lines through two bc: 4 min "
                                 "under qemu",
    "bc: bc printing of numbers": "99 bases x b*b numbers x 3 lines through two bc: 1 min under "
                                  "qemu, over 10 under jitvm",
}
# Seconds without output before a run counts as hung: md5sum's loop prints nothing for ~2.5
# minutes under jitvm on a loaded machine.
IDLE = {"jitvm": 600, "qemu": 300}
IDLE_ALL = 3600                          # with --all: bc's big tests

MARKER = "=== applet: "
RESULT = re.compile(r"^(PASS|FAIL|SKIPPED|UNTESTED): (.*)$")
# The line added to runtest: where each applet's results begin.
RUNTEST_LOOP = 'for applet in $applets; do\n'
RUNTEST_MARKED = RUNTEST_LOOP + f'\techo "{MARKER}$applet"\n'
# Where testing.sh's `testing` has its test's name: the tests left out are skipped after it.
TESTING_NAME = '  [ -n "$1" ] || NAME="$2"\n'
# kernel/devfs.py's nodes and links, for the chroot's /dev: name -> (major, minor) / target.
DEV_NODES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8),
             "urandom": (1, 9), "tty": (5, 0)}
DEV_LINKS = {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1",
             "stderr": "/proc/self/fd/2"}


# ---- the source and the scratch root -------------------------------------------------------
def source_tree() -> Path:
    """The unpacked busybox source the rootfs was built from (jitvm/rootfs.py's fetch_source)."""
    found = sorted(d for d in (cache_root() / "src" / "busybox").glob("busybox-*")
                   if (d / "testsuite" / "runtest").exists())
    if not found:
        raise FileNotFoundError(f"no busybox source with a testsuite under {cache_root()}/src: "
                                "run `jitvm rootfs` (`make rootfs`)")
    return found[-1]


def build_config(arch, flavour="source") -> Path:
    """The .config the flavour's busybox was built with: ours from jitvm/rootfs.py's build
    directory, or the one debian/rules builds busybox-static with (from the same source tree)."""
    if flavour == "debian":
        cfg = source_tree() / "debian" / "config" / "pkg" / "static"
        hint = "Debian's source package changed its layout"
    else:
        cfg = cache_root() / "build" / f"busybox-{arch}" / ".config"
        hint = f"`jitvm rootfs --arch {arch} --rebuild`"
    if not cfg.exists():
        raise FileNotFoundError(f"{cfg} missing: {hint}")
    return cfg


def flavour_rootfs(arch, flavour="source", progress=None) -> Path:
    """The rootfs holding the flavour's busybox (built on first use; for `debian`, checked by
    check_debian_binary)."""
    progress = progress or (lambda s: print(s, file=sys.stderr))
    if flavour == "source":
        return build_rootfs(arch, progress=progress)
    return check_debian_binary(build_debian_rootfs(arch, progress=progress))


def check_debian_binary(root) -> Path:
    """root, whose /bin/busybox must come from the source package whose testsuite runs: their
    Debian versions must match but for a binNMU suffix (+bN, a rebuild of the same source)."""
    # The binary names its version: "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1)".
    m = re.search(rb"BusyBox v[^ ]+ \(Debian ([^)]+)\)", (Path(root) / "bin/busybox").read_bytes())
    binary = m.group(1).decode() if m else "of no Debian version"
    source = (source_tree() / "debian" / "changelog").read_text().split("(", 1)[1].split(")")[0]
    if re.sub(r"\+b\d+$", "", binary) != source:
        raise RuntimeError(f"Debian's busybox-static is {binary}, the source tree {source}: "
                           "`jitvm rootfs --rebuild` fetches the current source")
    return Path(root)


def test_applets(everything=False) -> list:
    """The applets the testsuite has tests for, as runtest visits them: a directory of old-style
    tests or a NAME.tests script; all_*.tests (about the source tree) left out, as runtest
    leaves them out unless named, and SLOW_APPLETS unless `everything`."""
    ts = source_tree() / "testsuite"
    names = {p.name for p in ts.iterdir() if p.is_dir()}
    names |= {p.name.removesuffix(".tests") for p in ts.glob("*.tests")}
    return sorted(n for n in names
                  if not n.startswith("all_") and (everything or n not in SLOW_APPLETS))


def _edit(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name} changed: find {old.strip()!r} again"
    path.write_text(text.replace(old, new))


def prepare(rootfs, arch, dest, skip_tests=(), flavour="source") -> Path:
    """The scratch root at dest (module doc), from the flavour's rootfs. skip_tests: "applet:
    test" names that testing() reports as SKIPPED without running."""
    rootfs, dest = Path(rootfs), Path(dest)
    shutil.copytree(rootfs, dest, symlinks=True,
                    ignore=lambda d, names: names if Path(d) == rootfs / "tmp" else [])
    (dest / BINDIR).mkdir()
    os.symlink("/bin/busybox", dest / BINDIR / "busybox")
    shutil.copy(build_config(arch, flavour), dest / BINDIR / ".config")
    ts = dest / TSDIR
    shutil.copytree(source_tree() / "testsuite", ts, symlinks=True)
    _edit(ts / "runtest", RUNTEST_LOOP, RUNTEST_MARKED)
    if skip_tests:
        names = "|".join(shlex.quote(t.split(": ", 1)[1]) for t in skip_tests)
        _edit(ts / "testing.sh", TESTING_NAME,
              TESTING_NAME + f'  case "$NAME" in {names}) echo "SKIPPED: $NAME"; return 0;; esac\n')
    return dest


def script(applets) -> str:
    """The shell command each side runs in the root (bindir and tsdir as runtest would guess
    them from the working directory; given anyway)."""
    return (f"cd /{TSDIR} && exec env bindir=/{BINDIR} tsdir=/{TSDIR} ./runtest -v "
            + " ".join(applets))


# ---- the two sides -------------------------------------------------------------------------
def jitvm_command(root, cmd):
    return [sys.executable, "-c", LAUNCH, "run", "--rootfs", str(root),
            str(Path(root) / "bin" / "busybox"), "sh", "-c", cmd]


# Run by unshare as the first process of the new namespaces, as root on the host: what the guest
# kernel mounts for the guest, then the chroot. $1 the root, $2 its host name, $3 the command.
_QEMU_SETUP = r"""set -e
R=$1
mount -t proc proc "$R/proc"
mount -t tmpfs -o mode=755 jitvm-dev "$R/dev"
mount -t tmpfs -o mode=1777 jitvm-tmp "$R/tmp"
""" + "".join(f'mknod -m 666 "$R/dev/{n}" c {a} {b}\n' for n, (a, b) in DEV_NODES.items()) \
    + "".join(f'ln -s {t} "$R/dev/{n}"\n' for n, t in DEV_LINKS.items()) + r"""
hostname "$2"
exec chroot "$R" /bin/busybox sh -c "$3"
"""


def qemu_command(root, cmd):
    hostname = (Path(root) / "etc" / "hostname").read_text().strip() or "jitvm"
    return ["unshare", "--mount", "--uts", "--ipc", "--pid", "--fork", "--kill-child",
            "--propagation", "private", "sh", "-c", _QEMU_SETUP, "setup", str(root), hostname,
            cmd]


def qemu_ready(arch):
    """Why the qemu side cannot run here, or None."""
    if os.geteuid() != 0:
        return "the qemu side chroots and mounts: it needs root"
    if not shutil.which(QEMU[arch]):
        return f"{QEMU[arch]} missing: run `make deps`"
    entry = Path(f"/proc/sys/fs/binfmt_misc/qemu-{arch}")
    if not entry.exists():
        return f"binfmt_misc has no qemu-{arch}: run `make oracle`"
    if not re.search(r"^flags: \S*P", entry.read_text(), re.M):
        # tests/guest/oracle_binfmt.sh says why the P flag matters
        return f"binfmt_misc's qemu-{arch} loses argv[0] (no P flag): run `make oracle`"
    if not shutil.which("unshare"):
        return "unshare (util-linux) missing"
    return None


def _env(side):
    env = dict(ENV)
    if side == "jitvm":
        # jitvm passes the host environment on to the guest, minus JITVM_*: ENV is all it gets.
        env["JITVM_CACHE"] = os.environ.get("JITVM_CACHE", str(cache_root()))
    return env


def watch(argv, env, idle, log=None, marks=None):
    """Run argv (stdin /dev/null, stderr into stdout) until it exits, or until it has printed
    nothing for `idle` seconds: then its process group -- started here -- is killed.
    log: a stream that gets the output as it comes; marks: a dict that gets, for each applet
    marker, the time it was read. Returns (output text, hung)."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env, start_new_session=True)
    chunks, hung, last, partial = [], False, time.monotonic(), b""
    fd = p.stdout.fileno()
    while True:
        ready, _, _ = select.select([fd], [], [], 5)
        if ready:
            data = os.read(fd, 65536)
            if not data:
                break
            chunks.append(data)
            last = time.monotonic()
            if marks is not None:
                *lines, partial = (partial + data).split(b"\n")
                for line in lines:
                    if line.startswith(MARKER.encode()):
                        marks[line[len(MARKER):].decode().strip()] = last
            if log:
                log.write(data.decode(errors="replace"))
                log.flush()
        elif time.monotonic() - last > idle:
            hung = True
            os.killpg(p.pid, signal.SIGKILL)
            break
    p.stdout.close()
    p.wait()
    return b"".join(chunks).decode(errors="replace"), hung


@dataclass
class Side:
    """One side's run of the suite."""
    name: str
    results: dict = field(default_factory=dict)     # "applet: test" -> status
    details: dict = field(default_factory=dict)     # "applet: test" -> its verbose lines
    seconds: float = 0.0
    applet_seconds: dict = field(default_factory=dict)   # applet -> its tests' wall time
    output: str = ""
    confirmed: list = field(default_factory=list)   # tests that passed only when run again

    def count(self, *statuses):
        return sum(1 for s in self.results.values() if s in statuses)

    def summary(self):
        hung = self.count("HUNG")
        return (f"{self.name}: {self.count('PASS')} passed, {self.count('FAIL')} failed, "
                f"{self.count('SKIPPED', 'UNTESTED')} skipped" + (f", {hung} hung" if hung else "")
                + f" in {self.seconds:.0f} s"
                + (f" ({len(self.confirmed)} passed when run again)" if self.confirmed else ""))


def parse(text, side):
    """runtest -v's output into side.results and side.details; returns the last applet seen.
    A test's details are its verbose lines: for a new-style test the "=====" block before the
    result (input and command) and, after a FAIL, the diff; for an old-style one, after a FAIL,
    the `sh -x` trace of its script."""
    applet, before, after = None, [], None
    for line in text.splitlines():
        if line.startswith(MARKER):
            applet, before, after = line[len(MARKER):].strip(), [], None
            continue
        m = RESULT.match(line)
        if m and applet is not None:
            name, n = f"{applet}: {m.group(2)}", 2
            while name in side.results:                  # a name used twice within an applet
                name, n = f"{applet}: {m.group(2)} #{n}", n + 1
            side.results[name] = m.group(1)
            side.details[name] = before + [line]
            before, after = [], (side.details[name] if m.group(1) == "FAIL" else None)
        elif line.startswith("======================"):
            before, after = [line], None
        elif after is not None:
            after.append(line)
        else:
            before.append(line)
    return applet


def run_side(name, rootfs, arch, applets, workdir, skip_tests=(), idle=None, log=None,
             flavour="source") -> Side:
    """busybox's runtest over `applets` on one side (jitvm or qemu), in a fresh scratch root in
    workdir (from rootfs, whose busybox is of `flavour`); after an applet that hangs, on with
    the ones after it."""
    root = prepare(rootfs, arch, Path(workdir) / f"root-{name}", skip_tests, flavour)
    side, todo = Side(name), list(applets)
    started = time.monotonic()
    while todo:
        cmd = script(todo)
        argv = jitvm_command(root, cmd) if name == "jitvm" else qemu_command(root, cmd)
        marks = {}
        text, hung = watch(argv, _env(name), idle or IDLE[name], log, marks)
        ends = [*list(marks.values())[1:], time.monotonic()]
        side.applet_seconds.update((a, end - t) for (a, t), end in zip(marks.items(), ends))
        side.output += text
        last = parse(text, side)
        if not hung:
            break
        where = todo.index(last) if last in todo else 0
        side.results[f"{todo[where]}: (runtest)"] = "HUNG"
        side.details[f"{todo[where]}: (runtest)"] = text.splitlines()[-40:]
        todo = todo[where + 1:]
    side.seconds = time.monotonic() - started
    return side


# ---- the comparison -------------------------------------------------------------------------
def confirm_oracle(qemu: Side, jitvm: Side, rootfs, arch, workdir, skip_tests=(),
                   retries=ORACLE_RETRIES, log=None, flavour="source"):
    """qemu-user 7.2 fails now and then -- for loongarch64, a few random applets in every run of
    the suite say "out of memory" -- and a failure on both sides is no difference: it could hide
    a jitvm one, and qemu's pass count would change from run to run. So the applets of the tests
    qemu did not pass (skipped on both sides aside) run again under qemu, up to `retries` times;
    a test that passes in any run has passed (qemu.confirmed lists it), as tests/differential.py
    runs its oracle again."""
    skipped = {"SKIPPED", "UNTESTED"}
    for attempt in range(retries):
        doubtful = [t for t in dict.fromkeys([*qemu.results, *jitvm.results])
                    if qemu.results.get(t) != "PASS"
                    and not {qemu.results.get(t), jitvm.results.get(t)} <= skipped]
        applets = list(dict.fromkeys(t.split(": ", 1)[0] for t in doubtful))
        if not applets:
            return
        again = run_side("qemu", rootfs, arch, applets, Path(workdir) / f"rerun-{attempt + 1}",
                         skip_tests, log=log, flavour=flavour)
        shutil.rmtree(Path(workdir) / f"rerun-{attempt + 1}", ignore_errors=True)
        qemu.seconds += again.seconds
        qemu.output += f"\n=== run again: {' '.join(applets)}\n" + again.output
        for t in doubtful:
            if again.results.get(t) == "PASS":
                qemu.results[t], qemu.details[t] = "PASS", again.details[t]
                qemu.confirmed.append(t)


def regressions(jitvm: Side, qemu: Side, known=None):
    """The tests that pass under qemu and not under jitvm, less `known`: {test: jitvm's status}."""
    known = known or {}
    return {t: jitvm.results.get(t, "MISSING") for t, s in qemu.results.items()
            if s == "PASS" and jitvm.results.get(t) != "PASS" and t not in known}


def table(arch, jitvm: Side, qemu: Side, known=None, flavour="source") -> str:
    """Both sides' counts, then every test whose status differs (and why, if known)."""
    known = known or {}
    rows = [f"busybox {source_tree().name.removeprefix('busybox-')} testsuite on {arch}"
            + (" (Debian's busybox-static)" if flavour == "debian" else ""),
            "  " + jitvm.summary(), "  " + qemu.summary()]
    differ = [t for t in dict.fromkeys([*qemu.results, *jitvm.results])
              if qemu.results.get(t) != jitvm.results.get(t)]
    if differ:
        rows.append(f"{'test':60} {'jitvm':8} {'qemu':8}")
    for t in differ:
        j, q = jitvm.results.get(t, "MISSING"), qemu.results.get(t, "MISSING")
        note = f"  known: {known[t]}" if t in known else ""
        if t in qemu.confirmed:
            note += "  (qemu: passed when run again)"
        rows.append(f"{t[:60]:60} {j:8} {q:8}{note}")
    return "\n".join(rows)


def failure_report(tests, jitvm: Side, qemu: Side) -> str:
    """Each test's verbose lines on both sides, for an assertion message."""
    out = []
    for t in tests:
        out.append(f"=== {t}: jitvm {jitvm.results.get(t, 'MISSING')}, qemu "
                   f"{qemu.results.get(t, 'MISSING')}")
        out += [f"  {line}" for line in jitvm.details.get(t, [])[-40:]]
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tests.busybox_suite",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="riscv64", choices=sorted(QEMU))
    ap.add_argument("--side", choices=(*SIDES, "both"), default="both")
    ap.add_argument("--applets", help="comma-separated applets (default: every one with tests)")
    ap.add_argument("--all", action="store_true",
                    help="run SLOW_APPLETS and SLOW_TESTS too (about 30 minutes more per side)")
    ap.add_argument("--debian", action="store_true",
                    help="on Debian's own busybox-static (`jitvm rootfs --debian`: "
                         f"{', '.join(DEBIAN_ARCH)})")
    ap.add_argument("--keep", metavar="DIR", help="keep the scratch roots and the logs in DIR")
    ap.add_argument("--verbose", action="store_true", help="show the runs' output as it comes")
    args = ap.parse_args(argv)
    applets = args.applets.split(",") if args.applets else test_applets(args.all)
    skip = () if args.all else tuple(SLOW_TESTS)
    sides = SIDES if args.side == "both" else (args.side,)
    if "qemu" in sides and (why := qemu_ready(args.arch)):
        print(f"qemu side unavailable: {why}", file=sys.stderr)
        return 2
    flavour = "debian" if args.debian else "source"
    rootfs = flavour_rootfs(args.arch, flavour)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bbsuite-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        done = {}
        for name in sides:
            shutil.rmtree(work / f"root-{name}", ignore_errors=True)
            done[name] = run_side(name, rootfs, args.arch, applets, work, skip,
                                  IDLE_ALL if args.all else None,
                                  sys.stderr if args.verbose else None, flavour)
            (work / f"{name}.log").write_text(done[name].output)
            print(done[name].summary(), file=sys.stderr)
        if len(done) == 2:
            confirm_oracle(done["qemu"], done["jitvm"], rootfs, args.arch, work, skip,
                           log=sys.stderr if args.verbose else None, flavour=flavour)
            (work / "qemu.log").write_text(done["qemu"].output)
            try:
                from tests.test_busybox_suite import known_for
                known = known_for(args.arch, flavour)
            except ImportError:                      # no pytest here
                known = {}
            print(table(args.arch, done["jitvm"], done["qemu"], known, flavour))
            return 1 if regressions(done["jitvm"], done["qemu"], known) else 0
        (side,) = done.values()
        for t, s in side.results.items():
            print(f"{s:8} {t}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
