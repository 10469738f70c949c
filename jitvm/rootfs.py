"""Build the guest root file system: a static busybox and a minimal /etc.

    python -m jitvm.rootfs [--arch riscv64] [--rebuild]

Steps (each prints a "[n/4]" line with its elapsed time):
  1. fetch Debian's busybox source  (`apt-get source busybox`, adding a deb-src entry if needed)
  2. configure                      (`make defconfig`, then the CONFIG_CHANGES below)
  3. build                          (cross compiler, -j2; output goes to a log file)
  4. assemble the rootfs            (busybox, applet symlinks from busybox.links, /etc, empty dirs)

Everything lives under the cache root, JITVM_CACHE or ~/.cache/jitvm:
  src/busybox/              unpacked source package (shared by all arches)
  build/busybox-<arch>/     out-of-tree build and build.log
  rootfs/<arch>/            the result; rootfs/<arch>.stamp says what built it

A second run returns at once unless the busybox version, the config changes or the layout below
changed (or --rebuild). Stdlib only: this runs before `pip install`. The rootfs path is always the
last line printed.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

# Debian arch name -> cross-compiler prefix.
CROSS = {"riscv64": "riscv64-linux-gnu-"}

# Applied on top of `make defconfig`. Everything else in defconfig stays on: ash with line
# editing, history, tab completion and job control, vi, ps, top, free, gzip, awk, sed, ...
CONFIG_CHANGES = {
    "CONFIG_STATIC": "y",
    # Already off in 1.35's defconfig; pinned because they need libraries or headers the cross
    # toolchain lacks (PAM, SELinux; Sun RPC left glibc in 2.32). Everything else, including
    # tc and the networking applets, builds statically against bookworm's glibc 2.36.
    "CONFIG_PAM": "n",
    "CONFIG_SELINUX": "n",
    "CONFIG_FEATURE_MOUNT_NFS": "n",
    "CONFIG_FEATURE_INETD_RPC": "n",
}

# Bump when the assembled layout (files written by _assemble) changes.
LAYOUT_VERSION = 1

ETC = {
    "passwd": "root:x:0:0:root:/root:/bin/sh\n",
    "group": "root:x:0:\n",
    "hostname": "jitvm\n",
    "profile": (
        "export PATH=/bin:/sbin:/usr/bin:/usr/sbin\n"
        "export HOME=${HOME:-/root}\n"
        "export PS1='\\u@\\h:\\w\\$ '\n"
        "alias ll='ls -l'\n"
    ),
    # busybox init runs sysinit, then the `wait` entries one after another, waiting for each.
    # So: one login shell on the console; when it exits, power off. (`askfirst`/`respawn` would
    # start a new shell for ever, and `once` would leave init running with nothing to do.)
    "inittab": (
        "# jitvm: one login shell on the console, then power off when it exits.\n"
        "# The leading '-' makes it a login shell and has init try TIOCSCTTY on the console.\n"
        "::sysinit:/bin/hostname -F /etc/hostname\n"
        "::wait:-/bin/sh\n"
        "::wait:/sbin/poweroff -f\n"
    ),
}
EMPTY_DIRS = ["tmp", "dev", "proc", "sys", "root", "home", "etc", "bin", "sbin", "usr/bin",
              "usr/sbin", "var/log", "mnt"]


def cache_root() -> Path:
    return Path(os.environ.get("JITVM_CACHE", Path.home() / ".cache" / "jitvm"))


def default_path(arch: str = "riscv64") -> Path:
    return cache_root() / "rootfs" / arch


def _config_hash() -> str:
    """What the busybox binary depends on (a change means rebuilding it)."""
    return hashlib.sha256(json.dumps(sorted(CONFIG_CHANGES.items())).encode()).hexdigest()[:16]


def _layout_hash() -> str:
    """What the files around busybox depend on (a change means rewriting them only)."""
    text = json.dumps([LAYOUT_VERSION, ETC, EMPTY_DIRS])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _refresh_layout(out):
    for d in EMPTY_DIRS:
        (out / d).mkdir(parents=True, exist_ok=True)
    for name, body in ETC.items():
        (out / "etc" / name).write_text(body)


class _Progress:
    def __init__(self, progress, total):
        self.say, self.total, self.n, self.t0 = progress, total, 0, time.monotonic()

    def step(self, what):
        self.n += 1
        self.say(f"[{self.n}/{self.total}] {what} ... (t={time.monotonic() - self.t0:.0f}s)")

    def note(self, what):
        self.say(f"      {what}")


def _sudo():
    return [] if os.geteuid() == 0 else ["sudo"]


# ---- deb-src -------------------------------------------------------------------------------

def _apt_files():
    return sorted(glob.glob("/etc/apt/sources.list") + glob.glob("/etc/apt/sources.list.d/*.list")
                  + glob.glob("/etc/apt/sources.list.d/*.sources"))


def _has_deb_src() -> bool:
    for f in _apt_files():
        text = Path(f).read_text(errors="replace")
        if re.search(r"^\s*deb-src\s", text, re.M):
            return True
        if re.search(r"^Types:.*\bdeb-src\b", text, re.M | re.I):
            return True
    return False


def deb_src_entry() -> tuple[str, str] | None:
    """(file name, contents) of a deb-src entry for bookworm main, built from the first `deb`
    entry that serves bookworm main; None if there is none."""
    for f in _apt_files():
        text = Path(f).read_text(errors="replace")
        if f.endswith(".sources"):
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict((k.strip().lower(), v.strip()) for k, v in
                              re.findall(r"^([A-Za-z-]+):(.*)$", stanza, re.M))
                if ("deb" in fields.get("types", "").split()
                        and "bookworm" in fields.get("suites", "").split()
                        and "main" in fields.get("components", "").split()):
                    body = ["Types: deb-src", f"URIs: {fields['uris']}", "Suites: bookworm",
                            "Components: main"]
                    if "signed-by" in fields:
                        body.append(f"Signed-By: {fields['signed-by']}")
                    return "jitvm-src.sources", "\n".join(body) + "\n"
        else:
            for line in text.splitlines():
                m = re.match(r"^\s*deb\s+(\[[^\]]*\]\s+)?(\S+)\s+bookworm\s+(.*)$", line)
                if m and "main" in m.group(3).split():
                    return "jitvm-src.list", f"deb-src {m.group(1) or ''}{m.group(2)} bookworm main\n"
    return None


def ensure_deb_src(say=print) -> bool:
    """Add a deb-src entry if none exists. Returns True if one was added (apt-get update due)."""
    if _has_deb_src():
        return False
    entry = deb_src_entry()
    if entry is None:
        raise RuntimeError("no `deb ... bookworm main` entry in /etc/apt to derive deb-src from")
    name, body = entry
    path = f"/etc/apt/sources.list.d/{name}"
    say(f"adding {path}")
    subprocess.run(_sudo() + ["tee", path], input=body.encode(), stdout=subprocess.DEVNULL,
                   check=True)
    return True


# ---- build steps ---------------------------------------------------------------------------

def _run(cmd, log=None, **kw):
    """Run cmd; with log, append its output there and raise with a pointer to it on failure."""
    if log is None:
        subprocess.run(cmd, check=True, **kw)
        return
    with open(log, "a") as f:
        f.write(f"\n$ {' '.join(map(str, cmd))}\n")
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw)
    if r.returncode:
        tail = Path(log).read_text(errors="replace").splitlines()[-25:]
        raise RuntimeError(f"{' '.join(map(str, cmd[:3]))} ... failed (exit {r.returncode})\n"
                           + "\n".join(tail) + f"\nfull log: {log}")


def fetch_source(p: _Progress) -> Path:
    src = cache_root() / "src" / "busybox"
    found = sorted(d for d in src.glob("busybox-*") if (d / "Makefile").exists())
    if found:
        p.note(f"using cached {found[-1]}")
        return found[-1]
    src.mkdir(parents=True, exist_ok=True)
    for attempt in (1, 2):
        r = subprocess.run(["apt-get", "source", "-q", "busybox"], cwd=src,
                           capture_output=True, text=True)
        if r.returncode == 0:
            break
        if attempt == 2:
            raise RuntimeError(f"apt-get source busybox failed:\n{r.stdout}{r.stderr}")
        p.note("apt-get source failed; ensuring a deb-src entry and running apt-get update")
        ensure_deb_src(p.note)
        _run(_sudo() + ["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
    found = sorted(d for d in src.glob("busybox-*") if d.is_dir())
    if not found:
        raise RuntimeError(f"apt-get source left no busybox-* directory in {src}")
    return found[-1]


def busybox_version(srcdir: Path) -> str:
    return srcdir.name.removeprefix("busybox-")


def configure(srcdir: Path, build: Path, arch: str, log: Path):
    make = ["make", "-C", str(srcdir), f"O={build}", f"CROSS_COMPILE={CROSS[arch]}"]
    _run(make + ["defconfig"], log)
    cfg = build / ".config"
    text = cfg.read_text()
    for key, val in CONFIG_CHANGES.items():
        line = f"{key}=y" if val == "y" else f"# {key} is not set"
        text, n = re.subn(rf"^(# )?{key}[= ].*$", line, text, flags=re.M)
        if n == 0:
            text += line + "\n"
    cfg.write_text(text)
    _run(make + ["oldconfig"], log, input=b"\n" * 2000)


def build_busybox(srcdir: Path, build: Path, arch: str, log: Path):
    make = ["make", "-C", str(srcdir), f"O={build}", f"CROSS_COMPILE={CROSS[arch]}",
            f"-j{os.cpu_count() or 2}"]
    _run(make + ["busybox", "busybox.links"], log)


def _assemble(build: Path, out: Path):
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for d in EMPTY_DIRS:
        (tmp / d).mkdir(parents=True, exist_ok=True)
    (tmp / "tmp").chmod(0o1777)
    shutil.copy2(build / "busybox", tmp / "bin" / "busybox")
    links = [l.strip() for l in (build / "busybox.links").read_text().splitlines() if l.strip()]
    for applet in links:                          # e.g. /usr/bin/awk
        dst = tmp / applet.lstrip("/")
        if applet == "/bin/busybox" or os.path.lexists(dst):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.symlink("/bin/busybox", dst)
    if not os.path.lexists(tmp / "sbin" / "init"):
        os.symlink("/bin/busybox", tmp / "sbin" / "init")
    for name, body in ETC.items():
        (tmp / "etc" / name).write_text(body)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return len(links)


def build_rootfs(arch: str = "riscv64", rebuild: bool = False, progress=print) -> Path:
    """Build (once) and return the rootfs directory for arch."""
    if arch not in CROSS:
        raise ValueError(f"unsupported arch {arch!r}; known: {', '.join(CROSS)}")
    out = default_path(arch)
    stamp = out.with_name(arch + ".stamp")
    want = {"config": _config_hash(), "layout": _layout_hash()}
    if not rebuild and stamp.exists() and (out / "bin" / "busybox").exists():
        have = json.loads(stamp.read_text())
        srcs = sorted((cache_root() / "src" / "busybox").glob("busybox-*/Makefile"))
        cached = busybox_version(srcs[-1].parent) if srcs else have.get("busybox")
        if have.get("config") == want["config"] and have.get("busybox") == cached:
            if have.get("layout") != want["layout"]:
                progress(f"updating /etc and directories in {out}")
                _refresh_layout(out)
                stamp.write_text(json.dumps(dict(have, layout=want["layout"])) + "\n")
            return out
    p = _Progress(progress, 4)
    p.step("fetching busybox source")
    srcdir = fetch_source(p)
    want["busybox"] = busybox_version(srcdir)
    build = cache_root() / "build" / f"busybox-{arch}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    log = build / "build.log"
    p.step(f"configuring busybox {want['busybox']} for {arch} (log: {log})")
    configure(srcdir, build, arch, log)
    p.step(f"building busybox with {CROSS[arch]}gcc -j{os.cpu_count() or 2} (a few minutes)")
    build_busybox(srcdir, build, arch, log)
    p.step(f"assembling rootfs in {out}")
    n = _assemble(build, out)
    stamp.write_text(json.dumps(want) + "\n")
    p.note(f"done: {n} applets, {time.monotonic() - p.t0:.0f}s in all")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m jitvm.rootfs", description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="riscv64", choices=sorted(CROSS))
    ap.add_argument("--rebuild", action="store_true", help="build again even if up to date")
    ap.add_argument("--ensure-deb-src", action="store_true",
                    help="only add a deb-src entry to apt's sources if there is none")
    args = ap.parse_args(argv)
    if args.ensure_deb_src:
        return 10 if ensure_deb_src() else 0   # 10: added, run apt-get update
    try:
        path = build_rootfs(args.arch, args.rebuild, progress=lambda s: print(s, flush=True))
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print(f"rootfs build failed: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
