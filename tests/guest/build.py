"""Compile the guest test programs into tests/guest/bin/<arch>/<name>.

    python -m tests.guest.build [--arch A | --all] [--force]   (or python tests/guest/build.py)

Sources: tests/guest/c/ holds portable C, built for every arch; tests/guest/<arch>/ holds what
only makes sense on one ISA (assembly, inline asm, encodings), and a file there replaces a
shared one of the same name. Every *.c and *.S becomes one static binary with the arch's
TOOLCHAINS entry, rebuilt only when its source (or this file) is newer:
  riscv64      riscv64-linux-gnu-gcc -static -O2 -march=rv64gc -mabi=lp64d   (glibc)
  loongarch64  python -m ziglang cc -target loongarch64-linux-musl -mcpu=generic_la64+d
               -static -O2                                                  (musl)
  aarch64      aarch64-linux-gnu-gcc -static -O2                           (glibc)
  mipsel       mipsel-linux-gnu-gcc -static -O2      (glibc; in progress: qemu only so far)
and, for the ISAs in MUSL, the same programs against musl too, in bin/<arch>/musl/:
  aarch64      python -m ziglang cc -target aarch64-linux-musl -static -O2
  mipsel       python -m ziglang cc -target mipsel-linux-musleabihf -static -O2 -fPIC
A TOOLCHAINS entry's `exclude` names shared programs an ISA does not build, and why.
Two source conventions:
  - an assembly file that defines `_start` is freestanding: linked with -nostdlib;
  - a line containing `build-flags: ...` in the source adds those flags (e.g. -latomic).
Variants: hello_nocompress is hello.c built with -march=rv64g (main has no RVC instructions;
static glibc itself is still rv64gc code).
Dynamic programs: for an arch whose toolchain has a glibc sysroot (riscv64, aarch64, mipsel:
Debian's libc6-<arch>-cross), tests/guest/dyn/*.c become dynamically linked programs in
bin/<arch>/dyn/, and dyn/lib<name>.c shared libraries lib<name>.so beside them; they run with the
glibc runtime that `jitvm rootfs` puts in the rootfs's /lib (under qemu: -L <sysroot>).
Stdlib only.
"""
import argparse
import fnmatch
import importlib.util
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE / "c"                   # portable sources, built for every arch


@dataclass(frozen=True)
class Toolchain:
    cc: tuple                         # the compiler driver, with its target options
    flags: tuple                      # then these, then the program's own flags
    needs: str                        # an executable on PATH, or "python:<module>"
    # variant name -> (source stem, flags appended after the others; a later -march wins)
    variants: dict = field(default_factory=dict)
    sysroot: str = ""                 # glibc for dynamic programs (qemu's -L); "" = none
    # flags of the programs' own `build-flags:` this compiler does not take (shell patterns)
    drop_flags: tuple = ()
    # shared programs not built for this ISA: name -> why
    exclude: dict = field(default_factory=dict)


TOOLCHAINS = {
    "riscv64": Toolchain(
        cc=("riscv64-linux-gnu-gcc",),
        flags=("-static", "-O2", "-march=rv64gc", "-mabi=lp64d", "-Wall"),
        needs="riscv64-linux-gnu-gcc",
        variants={"hello_nocompress": ("hello", ["-march=rv64g"])},
        sysroot="/usr/riscv64-linux-gnu",
    ),
    "loongarch64": Toolchain(
        # zig's default loongarch64 CPU uses LSX vector instructions, which QEMU 7.2 (the
        # oracle) lacks; generic_la64 alone is soft-float. generic_la64+d is lp64d, no LSX.
        cc=(sys.executable, "-m", "ziglang", "cc", "-target", "loongarch64-linux-musl",
            "-mcpu=generic_la64+d"),
        flags=("-static", "-O2", "-Wall"),
        needs="python:ziglang",          # -lm, -pthread, -latomic: zig accepts them (all in musl)
    ),
    "aarch64": Toolchain(
        cc=("aarch64-linux-gnu-gcc",),
        flags=("-static", "-O2", "-Wall"),
        needs="aarch64-linux-gnu-gcc",
        sysroot="/usr/aarch64-linux-gnu",
    ),
    # In progress: the engine does not run mipsel yet; the programs are checked under
    # qemu-mipsel-static. MIPS32r2 little-endian, o32, FPXX (Debian's gcc defaults).
    "mipsel": Toolchain(
        cc=("mipsel-linux-gnu-gcc",),
        flags=("-static", "-O2", "-Wall"),
        needs="mipsel-linux-gnu-gcc",
        sysroot="/usr/mipsel-linux-gnu",
        exclude={"fuzz": "no mipsel register stub yet (o32: 32-bit registers, HI/LO, FR=0 "
                         "FPRs), nor a mipsel record layout in tests/campaign/fuzz.py"},
    ),
}
ARCHES = tuple(TOOLCHAINS)

# The other C library: for an ISA whose programs are glibc ones, the same sources built against
# musl with zig too (into bin/<arch>/musl/), so both libcs' start-up, stdio, threads and signal
# paths meet the translator.
MUSL = {
    "aarch64": Toolchain(
        cc=(sys.executable, "-m", "ziglang", "cc", "-target", "aarch64-linux-musl"),
        flags=("-static", "-O2", "-Wall"),
        needs="python:ziglang",
        # zig names CPUs with -mcpu; its aarch64 baseline is armv8-a already (no LSE)
        drop_flags=("-march=*",),
    ),
    # "mipsel-linux-musl" alone is refused; musleabihf is hard-float o32 (FP32: FR=0 only).
    # -fPIC: musl's MIPS assembly (sigsetjmp) finds its GOT from $t9, which o32 PIC callers set
    # to the callee; zig's default non-PIC code calls it with jal and a stale $t9 (SIGSEGV).
    # Debian's gcc makes PIC-calling (abicalls) code by default too; still a static EXEC.
    "mipsel": Toolchain(
        cc=(sys.executable, "-m", "ziglang", "cc", "-target", "mipsel-linux-musleabihf"),
        flags=("-static", "-O2", "-fPIC", "-Wall"),
        needs="python:ziglang",
        drop_flags=("-march=*",),
    ),
}

# The names older callers use for riscv64 (perf/bench.py, tests/translators/riscv64/test_rv_fd.py).
CC = {"riscv64": TOOLCHAINS["riscv64"].cc[0]}
BASE_FLAGS = {arch: list(t.flags) for arch, t in TOOLCHAINS.items()}


def missing_tool(arch="riscv64"):
    """None if arch's compiler is installed, else what is missing (for a skip message)."""
    need = TOOLCHAINS[arch].needs
    if need.startswith("python:"):
        mod = need.removeprefix("python:")
        return None if importlib.util.find_spec(mod) else f"Python module {mod}"
    return None if shutil.which(need) else need


def sources(arch="riscv64"):
    """{stem: source path}: the shared sources, then arch's own (which win on a clash)."""
    out = {}
    for d in (SHARED, HERE / arch):
        for src in sorted(d.glob("*.c")) + sorted(d.glob("*.S")):
            out[src.stem] = src
    return out


def targets(arch="riscv64"):
    """{name: (source path, extra flags)} for every program of arch."""
    tc = TOOLCHAINS[arch]
    out = {}
    for stem, src in sources(arch).items():
        if stem in tc.exclude:
            continue
        text = src.read_text()
        extra = []
        if src.suffix == ".S" and re.search(r"^\s*_start:", text, re.M):
            extra.append("-nostdlib")
        m = re.search(r"build-flags:\s*(.*?)\s*(\*/)?$", text, re.M)
        if m:
            extra += m.group(1).split()
        out[stem] = (src, extra)
    for name, (stem, flags) in tc.variants.items():
        src, extra = out[stem]
        out[name] = (src, extra + flags)
    return out


def bin_dir(arch="riscv64", libc="") -> Path:
    return HERE / "bin" / arch / libc


def build(name, arch="riscv64", force=False, progress=print, libc="") -> Path:
    """Build one program if its binary is missing or older than its source; return its path.
    libc "musl": the MUSL variant, where the ISA has one."""
    src, extra = targets(arch)[name]
    out = bin_dir(arch, libc) / name
    if not force and out.exists() and out.stat().st_mtime >= max(src.stat().st_mtime,
                                                                 Path(__file__).stat().st_mtime):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tc = MUSL[arch] if libc == "musl" else TOOLCHAINS[arch]
    extra = [f for f in extra if not any(fnmatch.fnmatch(f, p) for p in tc.drop_flags)]
    libs = [f for f in extra if f.startswith("-l")]      # libraries go after the source
    flags = [f for f in extra if not f.startswith("-l")]
    cmd = [*tc.cc, *tc.flags, *flags, "-o", str(out), str(src), *libs]
    progress(f"  CC  {arch}/{libc + '/' if libc else ''}{name}")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return out


def build_dynamic(arch="riscv64", force=False, progress=print) -> dict:
    """The dynamic programs and shared libraries of tests/guest/dyn/ (none without a sysroot)."""
    tc = TOOLCHAINS[arch]
    if not tc.sysroot:
        return {}
    out_dir = bin_dir(arch) / "dyn"
    out_dir.mkdir(parents=True, exist_ok=True)
    built = {}
    for src in sorted((HERE / "dyn").glob("*.c")):
        lib = src.stem.startswith("lib")
        out = out_dir / (src.stem + ".so" if lib else src.stem)
        built[out.name] = out
        if not force and out.exists() and out.stat().st_mtime >= max(
                src.stat().st_mtime, Path(__file__).stat().st_mtime):
            continue
        m = re.search(r"build-flags:\s*(.*?)\s*(\*/)?$", src.read_text(), re.M)
        extra = m.group(1).split() if m else []
        flags = [f for f in tc.flags if f != "-static"] + (["-shared", "-fPIC"] if lib else [])
        cmd = [*tc.cc, *flags, "-o", str(out), str(src), *extra]
        progress(f"  CC  {arch}/dyn/{out.name}")
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"{' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return built


def build_all(arch="riscv64", force=False, progress=print) -> dict:
    built = {name: build(name, arch, force, progress) for name in targets(arch)}
    if arch in MUSL:
        built.update({f"musl/{name}": build(name, arch, force, progress, "musl")
                      for name in targets(arch)})
    return {**built, **build_dynamic(arch, force, progress)}


def main(argv=None):
    ap = argparse.ArgumentParser(description="build the guest test programs")
    ap.add_argument("--arch", default="riscv64", choices=ARCHES)
    ap.add_argument("--all", action="store_true", help="every arch (overrides --arch)")
    ap.add_argument("--force", action="store_true", help="rebuild everything")
    args = ap.parse_args(argv)
    for arch in ARCHES if args.all else (args.arch,):
        try:
            missing = missing_tool(arch)
            if missing:
                raise RuntimeError(f"{missing} not installed: run `make deps`")
            built = build_all(arch, args.force)
        except (RuntimeError, FileNotFoundError) as e:
            print(f"guest build failed ({arch}): {e}", file=sys.stderr)
            return 1
        print(f"{len(built)} guest programs in {bin_dir(arch)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
