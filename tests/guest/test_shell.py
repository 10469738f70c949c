"""A busybox ash script with pipelines, redirections, here-documents, subshells, traps, wait,
kill and two dozen external applets: the same output under jitvm as under qemu-riscv64-static."""
import shutil

import pytest

from tests.differential import compare

SCRIPT = "everything.sh"


@pytest.mark.parametrize("engine", ["interp", "jit"])
def test_shell_script_matches_qemu(rootfs, engine):
    from pathlib import Path
    d = rootfs / "tmp" / f"jitvm-shell-test-{engine}"
    d.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).parent / "scripts" / SCRIPT, d / SCRIPT)
    status, out = compare(rootfs / "bin" / "busybox", ["sh", SCRIPT], engine, rootfs, cwd=d,
                          shell=True)
    assert status == 0 and b"== applets" in out and out.rstrip().endswith(b"cleaned")
