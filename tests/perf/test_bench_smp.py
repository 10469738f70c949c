"""perf/bench_smp.py end to end with --quick: the parallel runs finish with the right output under
--smp 1 and --smp 2, an idle --smp 4 VM boots, answers and powers off without leaving a process
behind, and the tables are printed and written to smp.md. Nothing is asserted about speed."""
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tools import need

# the bench scripts on riscv64 (`jitvm bench --arch` covers the others when run)
pytestmark = pytest.mark.isas("riscv64")

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_bench_smp_quick(tmp_path, rootfs):
    need("riscv64-linux-gnu-gcc")
    out = tmp_path / "bench"
    t = time.monotonic()
    p = subprocess.run([sys.executable, str(REPO / "perf/bench_smp.py"), "--quick", "--rootfs",
                        str(rootfs), "--out", str(out)], capture_output=True, text=True,
                       timeout=600, cwd=REPO)
    assert p.returncode == 0, p.stdout + p.stderr
    text = (out / "smp.md").read_text()
    assert text in p.stdout
    assert "### Parallel: 2 x `integer 20`" in text
    assert "Every run printed `integer iters=20 crc=" in text
    for row in ("| 1 | ", "| 2 | ", "| 4 | "):          # --smp 1 and 2 (parallel), 4 (idle)
        assert row in text, text
    assert "speed-up --smp 1 / --smp 2 (2 jobs): " in text
    assert "### Idle: `jitvm boot --smp N`" in text
    assert "clean, no process left" in text, text
    assert "idle --smp 4: " in text and "% of one host core" in text
    assert "host: " in text and "load average" in text
    print(f"bench_smp.py --quick: {time.monotonic() - t:.1f} s")
