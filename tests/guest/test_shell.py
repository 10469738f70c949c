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


def test_more_than_a_pipe_holds_through_sendfile(rootfs):
    """busybox cat copies with sendfile: into a pipe it blocks and restarts many times, and must
    resume where it stopped (it once re-read past what the pipe had taken: data went missing).
    Kernel work, the same on every tier: the interpreter runs it."""
    d = rootfs / "tmp" / "jitvm-shell-test-pipe"
    d.mkdir(parents=True, exist_ok=True)
    status, out = compare(rootfs / "bin" / "busybox",
                          ["sh", "-c", "seq 1 30000 > big.txt; cat big.txt | wc -c; "
                                       "cat big.txt | cat | md5sum; rm big.txt"],
                          "interp", rootfs, cwd=d, shell=True)
    assert status == 0 and out.startswith(b"168894\n")
