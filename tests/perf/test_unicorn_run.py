"""perf/unicorn_run.py (the Unicorn column of `jitvm bench`) runs a static glibc program exactly as
qemu-riscv64-static does: same stdout, same exit status. `make deps` installs unicorn (a test
extra); without it these tests skip, or fail under CI."""
import re
import subprocess
import sys

import pytest

from tests.differential import ENV, REPO, run_qemu
from tests.tools import need, need_module

# the bench scripts on riscv64 (`jitvm bench --arch` covers the others when run)
pytestmark = pytest.mark.isas("riscv64")

need_module("unicorn")

UNICORN_RUN = REPO / "perf" / "unicorn_run.py"


def run_unicorn(prog, args=(), opts=()):
    p = subprocess.run([sys.executable, str(UNICORN_RUN), *opts, str(prog), *map(str, args)],
                       capture_output=True, env=ENV, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


@pytest.mark.parametrize("name, args", [("hello", ["a", "b c"]), ("sort_bench", [3000])])
def test_same_as_qemu(guest_bin, name, args):
    """hello checks argv, envp and the exit status (3); sort_bench malloc, brk and stdio."""
    need("qemu-riscv64-static")
    prog = guest_bin(name)
    status, out, err = run_unicorn(prog, args)
    q_status, q_out, _ = run_qemu(prog, args)
    assert (status, out) == (q_status, q_out), err


def test_stats_and_count(guest_bin):
    """--stats reports the time in Unicorn; --count adds the instructions retired."""
    status, out, err = run_unicorn(guest_bin("sort_bench"), [2000], ["--stats", "--count"])
    assert status == 0 and out, err
    assert re.search(r"unicorn run time: [\d.]+ s", err), err
    m = re.search(r"instructions retired: (\d+)", err)
    assert m and int(m.group(1)) > 100_000, err
