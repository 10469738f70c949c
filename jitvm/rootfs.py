"""Build the guest root file system: a static busybox and a minimal /etc.

    python -m jitvm.rootfs [--arch riscv64] [--rebuild]

Steps (each prints a "[n/4]" line with its elapsed time):
  1. fetch Debian's busybox source  (`apt-get source busybox`, adding a deb-src entry if needed)
  2. configure                      (`make defconfig`, then CONFIG_CHANGES and the arch's own)
  3. build                          (the arch's TOOLCHAINS entry, -j2; output goes to a log file)
  4. assemble the rootfs            (busybox, applet symlinks from busybox.links, /etc, empty dirs,
                                     and glibc's runtime in /lib where the arch's toolchain has
                                     one: Debian's libc6-<arch>-cross, so dynamic programs run)

Toolchains: riscv64, aarch64 and mipsel use Debian's cross gcc (static glibc); loongarch64, which has no
Debian cross compiler, uses zig's clang and musl (`python -m ziglang cc`, the PyPI package `ziglang`).

Everything lives under the cache root, JITVM_CACHE or ~/.cache/jitvm:
  src/busybox/              unpacked source package (shared by all arches)
  build/busybox-<arch>/     out-of-tree build and build.log
  rootfs/<arch>/            the result; rootfs/<arch>.stamp says what built it
  rootfs/<arch>-debian/     `--debian`: Debian's own busybox-static, bash, coreutils and their
                            libraries instead (build_debian_rootfs; apt's state in apt/<debarch>/)

A second run returns at once unless the busybox version, the config changes (the arch's
TOOLCHAINS entry included) or the layout below changed (or --rebuild). Stdlib only: this runs before `pip install` (only the zig toolchain needs
ziglang at build time). The rootfs path is always the last line printed.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# Applied on top of `make defconfig` for every arch. Everything else in defconfig stays on: ash
# with line editing, history, tab completion and job control, vi, ps, top, free, gzip, awk, sed, ...
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


@dataclass(frozen=True)
class Toolchain:
    """How busybox is compiled for one arch: what goes on busybox's `make` command line."""
    describe: str                    # for the progress line
    needs: tuple = ()                # host commands that must exist ("python:<module>" = a module)
    # Debian binutils+gcc prefix: CROSS_COMPILE=<cross> gives CC, AR, STRIP, ... all at once.
    cross: str = ""
    # make variable -> command. Each becomes a small script in the build directory (busybox's
    # make and trylink want one word per tool).
    tools: dict = field(default_factory=dict)
    # Arguments the CC script drops (it also links: LD is $(CC) -nostdlib); shell patterns,
    # `*` a wildcard; why, in the table.
    drop_args: tuple = ()
    make_vars: dict = field(default_factory=dict)   # further make variables
    # CONFIG changes on top of CONFIG_CHANGES: "y", "n" or a string option's value
    config: dict = field(default_factory=dict)
    # Source fixes: (file, old text, new text). With any, the arch builds from its own copy of
    # the source tree (build/busybox-<arch>/src), so the shared one stays Debian's.
    patches: tuple = ()
    # The directory of the arch's glibc runtime (ld.so, libc.so.6, libm.so.6, ...), copied into
    # the rootfs's /lib; "" when there is none (a musl-only toolchain).
    glibc: str = ""


ZIG = (sys.executable, "-m", "ziglang")

# Debian arch name -> how to build busybox for it.
TOOLCHAINS = {
    "riscv64": Toolchain(
        describe="riscv64-linux-gnu-gcc (glibc)",
        needs=("riscv64-linux-gnu-gcc",),
        cross="riscv64-linux-gnu-",
        glibc="/usr/riscv64-linux-gnu/lib",     # libc6-riscv64-cross (gcc's dependency)
    ),
    "aarch64": Toolchain(
        describe="aarch64-linux-gnu-gcc (glibc)",
        needs=("aarch64-linux-gnu-gcc",),
        cross="aarch64-linux-gnu-",
        glibc="/usr/aarch64-linux-gnu/lib",     # libc6-arm64-cross (gcc's dependency)
    ),
    "mipsel": Toolchain(
        # MIPS32r2 little-endian, o32, FPXX (Debian's defaults; jitvm's FPU is FR=0, which FPXX
        # code runs in).
        describe="mipsel-linux-gnu-gcc (glibc)",
        needs=("mipsel-linux-gnu-gcc",),
        cross="mipsel-linux-gnu-",
        glibc="/usr/mipsel-linux-gnu/lib",      # libc6-mipsel-cross (gcc's dependency)
    ),
    "loongarch64": Toolchain(
        # No LoongArch gcc or binutils in bookworm; zig bundles clang, lld and musl.
        describe="zig cc -target loongarch64-linux-musl (musl)",
        needs=("gcc", "python:ziglang"),
        tools={
            # -mcpu=generic_la64+d: zig's default CPU emits LSX vector code (SIGILL under QEMU
            # 7.2, which has no LSX) and plain generic_la64 is soft-float; "+d" gives lp64d.
            "CC": (*ZIG, "cc", "-target", "loongarch64-linux-musl", "-mcpu=generic_la64+d"),
            "AR": (*ZIG, "ar"),          # the host's GNU ar would do too; this keeps zig whole
        },
        # scripts/trylink's final link adds "informational" linker options that zig's linker
        # rejects ("unsupported linker arg"): --warn-common, -Map <file>, --verbose.
        drop_args=("-Wl,--warn-common", "-Wl,-Map,*", "-Wl,--verbose"),
        make_vars={
            "HOSTCC": "gcc",             # kconfig and the generators run on the host
            # Without CROSS_COMPILE busybox's ARCH would be the host's (x86_64) and pull in
            # arch/x86_64/Makefile's flags.
            "ARCH": "loongarch64",
            # The host strip cannot read LoongArch ELF; zig's linker already strips at -Os.
            "SKIP_STRIP": "y",
        },
        config={
            # networking/tc.c (busybox <= 1.36.1) uses TCA_CBQ_* which Linux 6.8's headers,
            # shipped by zig, no longer define (busybox bug 15931).
            "CONFIG_TC": "n",
            "CONFIG_FEATURE_TC_INGRESS": "n",
            # busybox keeps each applet's globals behind `extern T *const ptr`, assigned once
            # by casting the const away. clang treats such an object as constant memory and
            # reads it before the assignment: awk (and any applet using G right after
            # SET_PTR_TO_GLOBALS) dereferences NULL. Dropping the const is busybox's own
            # switch for this (libbb.h); it covers ptr_to_globals with the patch below.
            "CONFIG_EXTRA_CFLAGS": "-DBB_GLOBAL_CONST=",
            # Not a change: `make defconfig` pipes `#ifndef __linux__` through `$(CC) -E -`,
            # which zig cc cannot do (reading stdin needs `-x c`; it prints "unsupported
            # option '-mcpu='"); the failed check yields the right answer. Pinned so the
            # check after oldconfig would catch it going the other way.
            "CONFIG_PLATFORM_LINUX": "y",
        },
        patches=(
            # busybox 1.36.0's commit 117a8c9b7 "apply const trick to ptr_to_globals" (1.35's
            # libbb.h hard-codes this const; BB_GLOBAL_CONST did not reach it yet).
            ("include/libbb.h", "extern struct globals *const ptr_to_globals;",
             "extern struct globals *BB_GLOBAL_CONST ptr_to_globals;"),
        ),
    ),
}

# Bump when the assembled layout (files written by _assemble) changes.
LAYOUT_VERSION = 2

ETC = {
    "passwd": "root:x:0:0:root:/root:/bin/sh\n",
    "group": "root:x:0:\n",
    "hostname": "jitvm\n",
    # what getaddrinfo reads (kernel/inet.py: the guest's loopback is all there is)
    "hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    "services": "".join(f"{name}\t\t{port}/{proto}\n" for name, port, protos in (
        ("echo", 7, "tu"), ("ftp-data", 20, "t"), ("ftp", 21, "t"), ("ssh", 22, "t"),
        ("telnet", 23, "t"), ("smtp", 25, "t"), ("domain", 53, "tu"), ("tftp", 69, "u"),
        ("http", 80, "t"), ("pop3", 110, "t"), ("ntp", 123, "u"), ("imap2", 143, "t"),
        ("https", 443, "t"), ("syslog", 514, "u"), ("http-alt", 8080, "t"))
        for proto in ("tcp" if p == "t" else "udp" for p in protos)),
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


def default_path(arch: str = "riscv64", debian: bool = False) -> Path:
    """Where `jitvm rootfs` puts arch's rootfs (debian: the one around Debian's own busybox)."""
    return cache_root() / "rootfs" / (arch + ("-debian" if debian else ""))


def config_changes(arch: str) -> dict:
    return {**CONFIG_CHANGES, **TOOLCHAINS[arch].config}


def _config_hash(arch: str = "riscv64") -> str:
    """What the busybox binary depends on (a change means rebuilding it): the config changes and
    any tools or make variables beyond CROSS_COMPILE (an arch with none hashes as before)."""
    tc = TOOLCHAINS[arch]
    key = sorted(config_changes(arch).items())
    extra = {k: v for k, v in (("tools", tc.tools), ("drop_args", tc.drop_args),
                                ("make_vars", tc.make_vars), ("patches", tc.patches)) if v}
    if extra:
        # The interpreter's path in the zig commands is not what built the binary.
        extra = json.loads(json.dumps(extra).replace(json.dumps(sys.executable)[1:-1], "python"))
        key.append(["toolchain", sorted(extra.items())])
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]


def _layout_hash(arch: str = "riscv64") -> str:
    """What the files around busybox depend on (a change means rewriting them only)."""
    text = json.dumps([LAYOUT_VERSION, ETC, EMPTY_DIRS, _glibc_files(arch)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _glibc_files(arch):
    """{name: size} of the arch's glibc runtime libraries (sanitizer runtimes left out: tens of
    MB nobody runs here)."""
    d = TOOLCHAINS[arch].glibc
    if not d or not os.path.isdir(d):
        return {}
    return {os.path.basename(p): os.path.getsize(p) for p in sorted(glob.glob(f"{d}/*.so.*"))
            if "san.so" not in p}


def _install_glibc(out, arch):
    (out / "lib").mkdir(exist_ok=True)
    for name in _glibc_files(arch):
        dst = out / "lib" / name
        if os.path.lexists(dst):
            dst.unlink()
        shutil.copy2(os.path.join(TOOLCHAINS[arch].glibc, name), dst,
                     follow_symlinks=False)          # (a link to its versioned file stays one)


def _refresh_layout(out, arch):
    for d in EMPTY_DIRS:
        (out / d).mkdir(parents=True, exist_ok=True)
    for name, body in ETC.items():
        (out / "etc" / name).write_text(body)
    _install_glibc(out, arch)


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


def missing_tools(arch: str) -> list[str]:
    """The host commands or Python modules that building arch's busybox needs and lacks."""
    import importlib.util
    out = []
    for need in TOOLCHAINS[arch].needs:
        if need.startswith("python:"):
            if importlib.util.find_spec(need.removeprefix("python:")) is None:
                out.append(f"Python module {need.removeprefix('python:')}")
        elif shutil.which(need) is None:
            out.append(need)
    return out


def _wrapper(name: str, argv: tuple, drop: tuple) -> str:
    """A POSIX sh script that runs argv plus its own arguments, minus those matching drop."""
    lines = ["#!/bin/sh", f"# {name} for busybox's make, written by jitvm/rootfs.py"]
    if drop:
        # a case pattern per entry: literal parts quoted, `*` left as the wildcard
        pats = "|".join("*".join(shlex.quote(part) if part else "" for part in d.split("*"))
                        for d in drop)
        lines += ["# drops: " + " ".join(drop),
                  f'for a; do shift; case $a in {pats}) ;; *) set -- "$@" "$a";; esac; done']
    lines.append("exec " + " ".join(shlex.quote(a) for a in argv) + ' "$@"')
    return "\n".join(lines) + "\n"


def make_args(arch: str, build: Path) -> list[str]:
    """The `make -C src O=build ...` variables for arch; writes the tool wrappers into build/bin."""
    tc = TOOLCHAINS[arch]
    args = [f"CROSS_COMPILE={tc.cross}"] if tc.cross else []
    for var, argv in tc.tools.items():
        script = build / "bin" / var.lower()
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(_wrapper(var, argv, tc.drop_args if var == "CC" else ()))
        script.chmod(0o755)
        args.append(f"{var}={script}")
    args += [f"{k}={v}" for k, v in tc.make_vars.items()]
    return args


def _config_line(key: str, val: str) -> str:
    if val == "y":
        return f"{key}=y"
    if val == "n":
        return f"# {key} is not set"
    return f"{key}={json.dumps(val)}"          # a string option: KEY="value"


def patched_source(srcdir: Path, build: Path, arch: str) -> Path:
    """srcdir itself, or for an arch with patches a patched copy of it in the build dir."""
    patches = TOOLCHAINS[arch].patches
    if not patches:
        return srcdir
    dst = build / "src"
    shutil.copytree(srcdir, dst, symlinks=True)
    for rel, old, new in patches:
        f = dst / rel
        text = f.read_text()
        if new in text:                      # a newer busybox that has the fix already
            continue
        if text.count(old) != 1:
            raise RuntimeError(f"patch for {rel} does not apply to {srcdir.name}: "
                               f"{old!r} found {text.count(old)} times")
        f.write_text(text.replace(old, new))
    return dst


def configure(srcdir: Path, build: Path, arch: str, log: Path):
    make = ["make", "-C", str(srcdir), f"O={build}", *make_args(arch, build)]
    _run(make + ["defconfig"], log)
    cfg = build / ".config"
    text = cfg.read_text()
    for key, val in config_changes(arch).items():
        line = _config_line(key, val)
        text, n = re.subn(rf"^(# )?{key}[= ].*$", line.replace("\\", "\\\\"), text,
                          flags=re.M)
        if n == 0:
            text += line + "\n"
    cfg.write_text(text)
    _run(make + ["oldconfig"], log, input=b"\n" * 2000)
    # oldconfig may turn an option back on through a dependency: say so rather than build
    # something else than the table describes.
    text = cfg.read_text()
    for key, val in config_changes(arch).items():
        m = re.search(rf"^{key}=(.*)$", text, re.M)
        have = "n" if m is None else "y" if m.group(1) == "y" else json.loads(m.group(1))
        if have != val:
            raise RuntimeError(f"{key} is {have!r} after oldconfig, wanted {val!r} (see {cfg})")


def build_busybox(srcdir: Path, build: Path, arch: str, log: Path):
    make = ["make", "-C", str(srcdir), f"O={build}", *make_args(arch, build),
            f"-j{os.cpu_count() or 2}"]
    _run(make + ["busybox", "busybox.links"], log)


def _assemble(busybox: Path, links: list, out: Path, arch: str, packages=(),
              install=True):
    """Write the rootfs in <out>.tmp: the .deb `packages` unpacked, busybox and its applet links
    (paths such as /usr/bin/awk) where the packages left them free, /etc, the empty directories
    and -- without packages -- the arch's glibc runtime (Debian's libc6 brings its own). With
    install, <out>.tmp then replaces out; the return value is the directory written."""
    from jitvm import debpkg
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for d in EMPTY_DIRS:
        (tmp / d).mkdir(parents=True, exist_ok=True)
    (tmp / "tmp").chmod(0o1777)
    for deb in packages:
        debpkg.unpack(deb, tmp)
    shutil.copy2(busybox, tmp / "bin" / "busybox")
    for applet in _busybox_links(tmp, links):
        dst = tmp / applet.lstrip("/")
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.symlink("/bin/busybox", dst)
    if not os.path.lexists(tmp / "sbin" / "init"):
        os.symlink("/bin/busybox", tmp / "sbin" / "init")
    for name, body in ETC.items():
        (tmp / "etc" / name).write_text(body)
    if not packages:
        _install_glibc(tmp, arch)
    if install:
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
        return out
    return tmp


def build_rootfs(arch: str = "riscv64", rebuild: bool = False, progress=print) -> Path:
    """Build (once) and return the rootfs directory for arch."""
    if arch not in TOOLCHAINS:
        raise ValueError(f"unsupported arch {arch!r}; known: {', '.join(TOOLCHAINS)}")
    out = default_path(arch)
    stamp = out.with_name(arch + ".stamp")
    want = {"config": _config_hash(arch), "layout": _layout_hash(arch)}
    if not rebuild and stamp.exists() and (out / "bin" / "busybox").exists():
        have = json.loads(stamp.read_text())
        srcs = sorted((cache_root() / "src" / "busybox").glob("busybox-*/Makefile"))
        cached = busybox_version(srcs[-1].parent) if srcs else have.get("busybox")
        if have.get("config") == want["config"] and have.get("busybox") == cached:
            if have.get("layout") != want["layout"]:
                progress(f"updating /etc, /lib and directories in {out}")
                _refresh_layout(out, arch)
                stamp.write_text(json.dumps(dict(have, layout=want["layout"])) + "\n")
            return out
    missing = missing_tools(arch)
    if missing:
        raise RuntimeError(f"building the {arch} rootfs needs {', '.join(missing)}: "
                           "run `make deps`")
    p = _Progress(progress, 4)
    p.step("fetching busybox source")
    srcdir = fetch_source(p)
    want["busybox"] = busybox_version(srcdir)
    build = cache_root() / "build" / f"busybox-{arch}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    log = build / "build.log"
    p.step(f"configuring busybox {want['busybox']} for {arch} (log: {log})")
    srcdir = patched_source(srcdir, build, arch)
    configure(srcdir, build, arch, log)
    p.step(f"building busybox with {TOOLCHAINS[arch].describe} -j{os.cpu_count() or 2} "
           "(a few minutes)")
    build_busybox(srcdir, build, arch, log)
    p.step(f"assembling rootfs in {out}")
    links = [line.strip() for line in (build / "busybox.links").read_text().splitlines()
             if line.strip()]
    _assemble(build / "busybox", links, out, arch)
    stamp.write_text(json.dumps(want) + "\n")
    p.note(f"done: {len(links)} applets, {time.monotonic() - p.t0:.0f}s in all")
    return out


# ---- a rootfs of Debian's own programs -----------------------------------------------------------

# jitvm ISA -> Debian architecture with a busybox-static package in bookworm (riscv64 was not a
# release architecture of bookworm, loong64 is only in sid).
DEBIAN_ARCH = {"aarch64": "arm64", "mipsel": "mipsel"}
# The dynamically linked Debian packages the Debian rootfs holds beside busybox-static; the
# shared libraries they need come with them (debian_packages).
DEBIAN_PROGRAMS = ("bash", "coreutils")
# The directories a command is looked up in (/etc/profile's PATH): a busybox applet link is left
# out where a package ships a command of that name in any of them, so the package's runs
# whatever the PATH order (coreutils' stat is /usr/bin/stat, busybox's /bin/stat).
BIN_DIRS = ("bin", "sbin", "usr/bin", "usr/sbin")
# Bump when what build_debian_rootfs writes changes.
DEBIAN_LAYOUT_VERSION = 2


def _debian_layout_hash() -> str:
    text = json.dumps([DEBIAN_LAYOUT_VERSION, ETC, EMPTY_DIRS, BIN_DIRS, DEBIAN_PROGRAMS])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _is_library_package(fields) -> bool:
    """Debian puts shared library packages in section libs (Policy 8); following only those
    from bash and coreutils leaves out base-files, debianutils, awk, ... which programs do not
    load."""
    return fields.get("Section", "").split("/")[-1] == "libs"


def debian_packages(debarch: str, progress=print) -> list[str]:
    """busybox-static, DEBIAN_PROGRAMS and the library packages they depend on, recursively."""
    from jitvm import debpkg
    return debpkg.closure(["busybox-static", *DEBIAN_PROGRAMS], debarch,
                          cache_root() / "apt" / debarch, _is_library_package, progress)


def _busybox_links(root: Path, links: list) -> list:
    """The applet paths (e.g. /usr/bin/awk) to link to busybox in root, which already holds the
    packages' files: those whose path and command name no package took (see BIN_DIRS)."""
    taken = {n for d in BIN_DIRS if (root / d).is_dir() for n in os.listdir(root / d)}
    return [a for a in links if a != "/bin/busybox" and not os.path.lexists(root / a.lstrip("/"))
            and not (os.path.dirname(a).lstrip("/") in BIN_DIRS and os.path.basename(a) in taken)]


def build_debian_rootfs(arch: str, rebuild: bool = False, progress=print) -> Path:
    """Build (once) and return a rootfs of Debian's own binaries for arch, as Debian built them
    -- software nobody here compiled: busybox-static (/bin/busybox and its applet links: /bin/sh,
    init, mount, vi, ...), bash and coreutils (ls, sort, date, ... replace those applets), and
    every shared library these need (libc6 and ld.so, libtinfo6, libacl1, libselinux1, ...) in
    Debian's layout (/lib/<triplet>/, /usr/lib/<triplet>/). The applet list comes from the binary
    itself (`busybox --list-full` under qemu-user, -cpu as jitvm/qemu.py says). Every ELF file's
    interpreter and DT_NEEDED libraries are checked to be in the result (jitvm/elfdeps.py): a
    missing one fails the build, not a guest program later."""
    from jitvm import debpkg, elfdeps
    if arch not in DEBIAN_ARCH:
        raise RuntimeError(f"Debian (bookworm) has no busybox-static package for {arch}; "
                           f"--debian works for {', '.join(DEBIAN_ARCH)}")
    out = default_path(arch, debian=True)
    stamp = out.with_name(out.name + ".stamp")
    have = json.loads(stamp.read_text()) if stamp.exists() else {}
    if (not rebuild and have.get("layout") == _debian_layout_hash()
            and (out / "bin/busybox").exists()):
        return out
    p = _Progress(progress, 5)
    debarch = DEBIAN_ARCH[arch]
    p.step(f"resolving busybox-static, {', '.join(DEBIAN_PROGRAMS)} and their libraries for "
           f"{debarch} (apt, a state directory of its own)")
    names = debian_packages(debarch, p.note)
    p.note(" ".join(names))
    p.step(f"fetching {len(names)} packages")
    work = cache_root() / "build" / f"busybox-{arch}-debian"
    shutil.rmtree(work, ignore_errors=True)
    debs = debpkg.download(names, debarch, cache_root() / "apt" / debarch, work / "debs", p.note)
    bbdeb = debs[names.index("busybox-static")]
    debpkg.unpack(bbdeb, work / "pkg")
    found = [f for f in (work / "pkg/bin/busybox", work / "pkg/usr/bin/busybox") if f.exists()]
    if not found:
        raise RuntimeError(f"{bbdeb.name} holds no bin/busybox or usr/bin/busybox")
    busybox = found[0]
    p.step(f"listing busybox's applets (busybox --list-full under qemu-{arch})")
    from jitvm.qemu import QEMU, qemu_command
    qemu = qemu_command(arch)
    if qemu is None:
        raise RuntimeError(f"{QEMU[arch]} is needed to list the applets: run `make deps`")
    r = subprocess.run([*qemu, str(busybox), "--list-full"], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"busybox --list-full failed under qemu: {r.stderr}")
    links = ["/" + line.strip() for line in r.stdout.splitlines() if line.strip()]
    p.step(f"assembling rootfs in {out}")
    tmp = _assemble(busybox, links, out, arch,
                    packages=[d for d in debs if d != bbdeb], install=False)
    p.step("checking every ELF file's interpreter and libraries")
    problems = elfdeps.missing(tmp)
    if problems:
        raise RuntimeError(f"the {arch} Debian rootfs in {tmp} lacks what its programs load "
                           f"(a library package not followed from {', '.join(DEBIAN_PROGRAMS)}?):"
                           "\n  " + "\n  ".join(problems))
    n = sum(1 for a in links if os.path.islink(tmp / a.lstrip("/"))
            and os.readlink(tmp / a.lstrip("/")) == "/bin/busybox")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    versions = {name: debpkg.version(deb) for name, deb in zip(names, debs)}
    stamp.write_text(json.dumps({"debs": versions, "layout": _debian_layout_hash()}) + "\n")
    p.note(f"done: Debian's busybox {versions['busybox-static']} ({n} applet links), "
           + ", ".join(f"{name} {versions[name]}" for name in DEBIAN_PROGRAMS)
           + f", {len(names) - 1 - len(DEBIAN_PROGRAMS)} library packages; "
           f"{time.monotonic() - p.t0:.0f}s in all")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m jitvm.rootfs", description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="riscv64", choices=sorted(TOOLCHAINS))
    ap.add_argument("--rebuild", action="store_true", help="build again even if up to date")
    ap.add_argument("--debian", action="store_true",
                    help="of Debian's own busybox-static, bash and coreutils packages and "
                         f"their libraries instead ({', '.join(DEBIAN_ARCH)})")
    ap.add_argument("--ensure-deb-src", action="store_true",
                    help="only add a deb-src entry to apt's sources if there is none")
    args = ap.parse_args(argv)
    if args.ensure_deb_src:
        return 10 if ensure_deb_src() else 0   # 10: added, run apt-get update
    try:
        build = build_debian_rootfs if args.debian else build_rootfs
        path = build(args.arch, args.rebuild, progress=lambda s: print(s, flush=True))
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print(f"rootfs build failed: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
