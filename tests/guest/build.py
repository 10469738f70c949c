"""Compile the guest test programs in tests/guest/<arch>/ into tests/guest/bin/<arch>/<name>.

    python -m tests.guest.build [--force]      or      python tests/guest/build.py [--force]

Every *.c and *.S becomes one static binary (riscv64-linux-gnu-gcc -static -O2 -march=rv64gc
-mabi=lp64d), rebuilt only when its source is newer. Two source conventions:
  - an assembly file that defines `_start` is freestanding: linked with -nostdlib;
  - a line containing `build-flags: ...` in the source adds those flags (e.g. -latomic).
Variants: hello_nocompress is hello.c built with -march=rv64g (main has no RVC instructions;
static glibc itself is still rv64gc code).
Stdlib only.
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CC = {"riscv64": "riscv64-linux-gnu-gcc"}
BASE_FLAGS = {"riscv64": ["-static", "-O2", "-march=rv64gc", "-mabi=lp64d", "-Wall"]}
# variant name -> (source stem, flags appended after the base flags; later -march wins)
VARIANTS = {"riscv64": {"hello_nocompress": ("hello", ["-march=rv64g"])}}


def targets(arch="riscv64"):
    """{name: (source path, extra flags)} for every program of arch."""
    srcs = sorted((HERE / arch).glob("*.c")) + sorted((HERE / arch).glob("*.S"))
    out = {}
    for src in srcs:
        text = src.read_text()
        extra = []
        if src.suffix == ".S" and re.search(r"^\s*_start:", text, re.M):
            extra.append("-nostdlib")
        m = re.search(r"build-flags:\s*(.*?)\s*(\*/)?$", text, re.M)
        if m:
            extra += m.group(1).split()
        out[src.stem] = (src, extra)
    for name, (stem, flags) in VARIANTS.get(arch, {}).items():
        src, extra = out[stem]
        out[name] = (src, extra + flags)
    return out


def bin_dir(arch="riscv64") -> Path:
    return HERE / "bin" / arch


def build(name, arch="riscv64", force=False, progress=print) -> Path:
    """Build one program if its binary is missing or older than its source; return its path."""
    src, extra = targets(arch)[name]
    out = bin_dir(arch) / name
    if not force and out.exists() and out.stat().st_mtime >= max(src.stat().st_mtime,
                                                                 Path(__file__).stat().st_mtime):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    libs = [f for f in extra if f.startswith("-l")]      # libraries go after the source
    flags = [f for f in extra if not f.startswith("-l")]
    cmd = [CC[arch], *BASE_FLAGS[arch], *flags, "-o", str(out), str(src), *libs]
    progress(f"  CC  {arch}/{name}")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return out


def build_all(arch="riscv64", force=False, progress=print) -> dict:
    return {name: build(name, arch, force, progress) for name in targets(arch)}


def main(argv=None):
    ap = argparse.ArgumentParser(description="build the guest test programs")
    ap.add_argument("--arch", default="riscv64", choices=sorted(CC))
    ap.add_argument("--force", action="store_true", help="rebuild everything")
    args = ap.parse_args(argv)
    try:
        built = build_all(args.arch, args.force)
    except (RuntimeError, FileNotFoundError) as e:
        print(f"guest build failed: {e}", file=sys.stderr)
        return 1
    print(f"{len(built)} guest programs in {bin_dir(args.arch)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
