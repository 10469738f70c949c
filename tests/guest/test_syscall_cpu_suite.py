"""The differential suite's core with every system call on a dedicated CPU (--syscall-cpu,
kernel/syscall_cpu.py): the guest programs, signals, busybox applets and shell scripts must
give qemu's output as they do with the symmetric kernel. tests/differential.py adds
`--syscall-cpu --smp 2` to every jitvm run when JITVM_TEST_SYSCALL_CPU=1; this runs those test
files so, in a pytest of their own. (The whole normal suite passes the same way; the rest is
left to a manual `JITVM_TEST_SYSCALL_CPU=1 make test`: it doubles the suite's time.)"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
FILES = ["tests/guest/test_differential.py", "tests/guest/test_signals.py",
         "tests/guest/test_busybox.py", "tests/guest/test_shell.py"]

pytestmark = pytest.mark.isas("riscv64")     # the inner run covers every ISA itself


@pytest.mark.slow
def test_differential_suite_with_a_syscall_cpu():
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-m", "not slow",
                        "-p", "no:cacheprovider", *FILES], cwd=REPO, capture_output=True,
                       text=True, env=dict(os.environ, JITVM_TEST_SYSCALL_CPU="1"), timeout=3000)
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]
    print(p.stdout.splitlines()[-1])
