"""`jitvm bench` end to end on the smallest workload with --quick: every tier finishes, the tiers
agree on the output (bench.py fails otherwise) and results.md / mips.png are written."""
import shutil
import subprocess
import sys
import time

import pytest

from tests.differential import LAUNCH

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
