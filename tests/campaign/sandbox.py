"""A private root file system with canaries beside it, and a guarded `jitvm run`, for the hostile
campaign (tests/campaign/).

    sb = Sandbox.make(arch, rootfs, tmp_path)    # tmp_path/root: a copy of the arch's rootfs
    prog = sb.install(guest_bin("campaign_escape"))   # copied to root/tmp/, host path returned
    r = sb.run(prog, [sb.base], timeout=120)     # never hangs the test: killed after timeout
    r.check()                                    # no traceback, internal error, host fd errors
    assert sb.secret not in r.out and sb.canaries_unchanged()

Layout on the host (`base` is a fresh temporary directory):
    base/root/         the guest's "/" (a copy: probes may scribble on it)
    base/secret.txt    a random token the guest must never read
    base/nowrite/      a directory the guest must never write into
    base/hostcwd/      the VM's host working directory (a host call relative to the host cwd
                       would land here)
`canaries_unchanged()` compares a digest of everything in base but root/ (names, types, modes,
sizes, times, contents, link targets) with the one taken when the sandbox was made.

The guest runs with the interpreter tier unless a test asks otherwise: the campaign is about the
kernel, which is the same on every tier, and the interpreter starts fastest. The arch's engine is
compiled (`jitvm cache --warm`, as `make test` does first) before the first sandbox of a session
is made, so that minutes of compiling after a change to the semantics never count against a
test's timeout.
"""
import hashlib
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.differential import ENV, LAUNCH

# What a VM that failed in itself prints (kernel/trap.py, jitvm/cli.py, a host fd limit reached
# by the VM, Python's own out-of-memory): none may appear whatever the guest does.
VM_FAILURES = (b"Traceback", b"internal error", b"Too many open files", b"MemoryError")
INTERNAL_ERROR_STATUS = 70      # jitvm/cli.py's status for an exception that escaped the kernel


@dataclass
class Run:
    status: int             # the VM's exit status (128+N: the guest died of signal N)
    out: bytes
    err: bytes
    seconds: float

    def text(self):
        return (f"status {self.status} after {self.seconds:.1f} s\n--- stdout\n"
                f"{self.out.decode(errors='replace')[-6000:]}\n--- stderr\n"
                f"{self.err.decode(errors='replace')[-4000:]}")

    def check(self):
        """The VM itself survived whatever the guest did: it exited by itself (not by a host
        signal), not with an internal error, and printed no sign of one."""
        assert self.status >= 0, f"the VM died of host signal {-self.status}\n{self.text()}"
        assert self.status != INTERNAL_ERROR_STATUS, self.text()
        for bad in VM_FAILURES:
            assert bad not in self.err and bad not in self.out, f"{bad!r} printed\n{self.text()}"
        return self


def environment():
    cache_dir = os.environ.get("JITVM_CACHE", os.path.expanduser("~/.cache/jitvm"))
    return dict(ENV, JITVM_CACHE=cache_dir)


@cache
def warm_engine(arch):
    """Compile arch's engine now, with no timeout (a second or two when it is compiled already)."""
    subprocess.run([sys.executable, "-c", LAUNCH, "cache", "--warm", "--arch", arch],
                   env=environment(), capture_output=True, check=True)


class Hung(AssertionError):
    """The VM did not exit within the test's timeout (it was killed)."""


class Sandbox:
    def __init__(self, base, secret):
        self.base = Path(base)
        self.root = self.base / "root"
        self.hostcwd = self.base / "hostcwd"
        self.secret = secret
        self._digest = self.canary_digest()

    @classmethod
    def make(cls, arch, rootfs, base):
        warm_engine(arch)
        base = Path(base)
        # the rootfs's /tmp holds other tests' scratch files: start with an empty one
        shutil.copytree(rootfs, base / "root", symlinks=True,
                        ignore=lambda d, names: names if Path(d) == Path(rootfs) / "tmp" else [])
        secret = f"SECRET-{secrets.token_hex(16)}".encode()
        (base / "secret.txt").write_bytes(secret + b"\n")
        (base / "nowrite").mkdir()
        (base / "nowrite" / "keep.txt").write_bytes(b"the guest must not touch this directory\n")
        (base / "hostcwd").mkdir()
        return cls(base, secret)

    def install(self, prog, name=None):
        """Copy a host file into the root's /tmp; returns its host path (the guest's /tmp/name)."""
        dst = self.root / "tmp" / (name or Path(prog).name)
        shutil.copy(prog, dst)
        dst.chmod(0o755)
        return dst

    def guest(self, host_path):
        """The guest's name for a host path inside the root."""
        return "/" + str(Path(host_path).relative_to(self.root))

    def run(self, program, args=(), *, timeout=180, engine="interp", mem=None, smp=None,
            nofile=None, stdin=b""):
        """`jitvm run` of `program` (a host path) in this root, from base/hostcwd. nofile: the
        VM's host RLIMIT_NOFILE (soft and hard), as a host with that limit would give it.
        Raises Hung if it has not exited after `timeout` seconds (its process group is killed)."""
        cmd = [sys.executable, "-c", LAUNCH, "run", "--engine", engine, "--rootfs", str(self.root)]
        if mem:
            cmd += ["--mem", mem]
        if smp:
            cmd += ["--smp", str(smp)]
        cmd += [str(program), *map(str, args)]
        env = environment()

        def limit():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        started = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=self.hostcwd, env=env,
                             start_new_session=True, preexec_fn=limit)
        try:
            out, err = p.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)        # the session we started, by its id
            out, err = p.communicate()
            raise Hung(f"the VM hung: no exit within {timeout} s\n"
                       + Run(-9, out, err, time.monotonic() - started).text()) from None
        return Run(p.returncode, out, err, time.monotonic() - started)

    def shell(self, script, **kw):
        """Run a busybox sh script (written to the root's /tmp/script.sh) as the run's program."""
        path = self.root / "tmp" / "script.sh"
        path.write_text(script)
        return self.run(self.root / "bin" / "busybox", ["sh", "/tmp/script.sh"], **kw)

    # ---- the canaries -----------------------------------------------------------------------
    def canary_digest(self):
        """Everything in base except root/: a change anywhere shows."""
        h = hashlib.sha256()
        for dirpath, dirnames, filenames in os.walk(self.base):
            here = Path(dirpath)
            if here == self.base:
                dirnames[:] = [d for d in dirnames if d != "root"]
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                p = here / name
                st = p.lstat()
                h.update(os.fsencode(p.relative_to(self.base)) + b"\0")
                h.update(f"{st.st_mode:o} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"
                         .encode())
                if p.is_symlink():
                    h.update(os.fsencode(os.readlink(p)))
                elif p.is_file():
                    h.update(p.read_bytes())
        return h.hexdigest()

    def seal(self):
        """Take the canaries' digest again: after a test has put more of its own beside the root."""
        self._digest = self.canary_digest()

    def canaries_unchanged(self):
        return self.canary_digest() == self._digest

    def assert_confined(self, *runs):
        """The secret's text appears in no output, nothing outside the root changed."""
        for r in runs:
            assert self.secret not in r.out and self.secret not in r.err, \
                f"the guest read the host's secret\n{r.text()}"
        assert self.canaries_unchanged(), (
            "something outside the root changed: "
            + str(sorted(str(p.relative_to(self.base)) for p in self.base.rglob("*")
                         if not p.is_relative_to(self.root))))
