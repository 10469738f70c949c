"""perf/bench_syscall_cpu.py end to end with --quick at --smp 2: every mix runs under both
kernels with the same output, and the table is printed and written. Nothing about speed."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import need

pytestmark = pytest.mark.isas("riscv64")

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_bench_syscall_cpu_quick(tmp_path, rootfs):
    need("riscv64-linux-gnu-gcc")
    p = subprocess.run([sys.executable, str(REPO / "perf/bench_syscall_cpu.py"), "--quick",
                        "--smp", "2", "--rootfs", str(rootfs), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=900, cwd=REPO)
    assert p.returncode == 0, p.stdout + p.stderr
    text = (tmp_path / "syscall_cpu.md").read_text()
    assert text in p.stdout
    for mix in ("cpu", "syscalls", "busybox"):
        assert f"| {mix} | 2 | " in text, text
