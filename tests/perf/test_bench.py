"""`jitvm bench` end to end on the smallest workload with --quick: every tier finishes, the tiers
agree on the output (bench.py fails otherwise) and results.md / mips.png are written. Also, without
running a VM: --arch builds each ISA's workloads apart, and the tables name the ISA and say why
there is no Unicorn column where Unicorn has no CPU for it."""
import shutil
import subprocess
import sys
import time

import pytest

from perf import bench
from tests.differential import LAUNCH, elf_arch
from tests.tools import need, need_module

# the bench scripts on riscv64 (`jitvm bench --arch` covers the others when run)
pytestmark = pytest.mark.isas("riscv64")


@pytest.mark.slow
def test_bench_quick(tmp_path, guest_bin, rootfs):
    assert shutil.which("qemu-riscv64-static"), "qemu-riscv64-static not found: run `make deps`"
    guest_bin("sort_bench")                  # skips without the cross compiler
    out = tmp_path / "bench"
    t = time.monotonic()
    p = subprocess.run([sys.executable, "-c", LAUNCH, "bench", "--quick", "--repeat", "1",
                        "--tiers", "jit,interp,qemu", "--workloads", "integer", "--rootfs",
                        str(rootfs), "--out", str(out)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    text = (out / "results.md").read_text()
    for tier in ("jit", "interp", "qemu"):
        assert f"| integer | {tier} |" in text
    assert "geometric mean" in text and text in p.stdout
    png = (out / "mips.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    # identical output digests for all three tiers
    digests = {line.split("|")[-2].strip() for line in text.splitlines()
               if line.startswith("| integer |") and line.count("|") == 9}
    assert len(digests) == 1, digests
    print(f"jitvm bench --quick: {time.monotonic() - t:.1f} s")


def test_arch_option():
    assert bench.parse_args([]).arch == "riscv64"
    assert bench.parse_args(["--arch", "loongarch64"]).arch == "loongarch64"
    with pytest.raises(SystemExit):
        bench.parse_args(["--arch", "sparc"])


def test_build_per_isa():
    """A workload is built for the ISA asked for, into tests/guest/bin/<arch>/bench/ (memory.c
    there must not replace the guest test program tests/guest/bin/<arch>/memory)."""
    need("riscv64-linux-gnu-gcc")
    need_module("ziglang")
    for arch in ("riscv64", "loongarch64"):
        prog = bench.build_c(bench.BY_NAME["memory"], arch)
        assert prog.parent == bench.guest_build().bin_dir(arch).resolve() / "bench"
        assert elf_arch(prog) == arch


def test_tables_name_the_isa():
    """For loongarch64 the Unicorn column is present and says Unicorn cannot run it: no error."""
    w = bench.BY_NAME["integer"]
    run = {"walls": [1.0], "vms": [0.5], "vm": 0.5, "wall": 1.0, "spread": 0, "size": 20,
           "insns": 10_000_000, "mips": 20.0, "digest": "abc (3 bytes)"}
    skip = bench.unicorn_lacks("loongarch64", short=True)
    res = {"integer": {"jit": dict(run), "qemu": dict(run, mips=40.0),
                       "unicorn": {"skip": skip, "size": 20, "mips": None}}}
    text = bench.tables(res, [w], ["jit", "qemu", "unicorn"], 1, True, "loongarch64")
    assert text.startswith("## jitvm bench: loongarch64\n")
    assert "qemu-loongarch64-static" in text
    assert "has no loongarch64 CPU" in text and "| integer | unicorn |" in text
