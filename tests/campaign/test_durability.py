"""What the guest wrote is on the host, byte for byte, however the guest wrote it and however the
run ended.

tests/guest/c/campaign_durable.c writes 400 files (0 bytes to 1 MiB) in the root's /tmp/dur by
seven routes: one write(), odd-sized writes, MAP_SHARED mappings (msync'ed, unmapped, or left
for exit), O_APPEND pieces, junk truncated away and rewritten, rename() (over older files) and
pwrite()s from the end. The host recomputes every file (expected() below, the same formula) and
compares after the VM has gone: when the program exits; when it exits while four children still
hold mappings never synced and open descriptors (the run ends with them); when the shell ends the
machine with `poweroff -f` or `halt -f` under such children (busybox calls sync() first; Linux
then has every byte on disk, mapped ones included). Also: a MAP_SHARED mapping and read()/write()
of the same file agree at once, as Linux's single page cache makes them.
"""
import numpy as np
import pytest

from tests.campaign.sandbox import Sandbox

SPECIAL = [0, 1, 7, 4095, 4096, 4097, 65536, 1 << 20, (1 << 20) - 1]
M64 = (1 << 64) - 1


def mix(x):
    """splitmix64's finaliser, as campaign_durable.c has it."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def size_of(i):
    if i < len(SPECIAL):
        return SPECIAL[i]
    h = mix(i * 7919 + 1)
    return h % ((1 << 20) + 1) if i % 32 == 0 else h % 49153


def expected(i):
    """File i's content: 64-bit little-endian word j is i << 44 ^ j * 0x9E3779B97F4A7C15."""
    size = size_of(i)
    j = np.arange((size + 7) // 8, dtype=np.uint64)
    words = np.uint64((i << 44) & M64) ^ (j * np.uint64(0x9E3779B97F4A7C15))
    return words.astype("<u8").tobytes()[:size]


ROUTES = ["write", "odd writes", "MAP_SHARED", "O_APPEND", "truncated and rewritten", "renamed",
          "pwrite from the end"]


def assert_files(sandbox, n):
    d = sandbox.root / "tmp" / "dur"
    wrong = []
    for i in range(n):
        path = d / f"f{i}"
        want = expected(i)
        if not path.exists():
            wrong.append(f"f{i} ({ROUTES[i % 7]}, {len(want)} bytes): missing")
            continue
        got = path.read_bytes()
        if got != want:
            at = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]),
                      min(len(got), len(want)))
            wrong.append(f"f{i} ({ROUTES[i % 7]}): {len(got)} bytes, want {len(want)}; "
                         f"first difference at {at}")
    assert not wrong, f"{len(wrong)} of {n} files wrong:\n" + "\n".join(wrong[:40])
    assert sorted(p.name for p in (d / "tmp").iterdir()) == [], "renamed files left behind"


@pytest.fixture
def sandbox(arch, rootfs, tmp_path):
    return Sandbox.make(arch, rootfs, tmp_path)


@pytest.fixture
def durable(sandbox, guest_bin):
    return sandbox.install(guest_bin("campaign_durable"))


def test_files_after_the_program_exits(sandbox, durable):
    r = sandbox.run(durable, ["write", 400], timeout=300).check()
    assert r.status == 0 and r.out == b"wrote 400\n", r.text()
    assert_files(sandbox, 400)


@pytest.mark.parametrize("n", [140, pytest.param(400, marks=pytest.mark.slow)])
def test_files_when_the_run_ends_under_children_holding_them(sandbox, durable, n):
    """The run's program exits while four children keep shared mappings (never synced nor
    unmapped) and open descriptors: the run ends with them, and their bytes must be there.
    (140 files: every route, some thirty of them held, in the normal suite's time.)"""
    r = sandbox.run(durable, ["hold", n], timeout=300).check()
    assert r.status == 0 and r.out == f"wrote {n}, four children hold theirs\n".encode(), r.text()
    assert_files(sandbox, n)


@pytest.mark.parametrize("stop,n", [
    ("poweroff -f", 70),
    pytest.param("poweroff -f", 400, marks=pytest.mark.slow),
    pytest.param("halt -f", 400, marks=pytest.mark.slow),
])
def test_files_after_the_machine_is_stopped(sandbox, durable, stop, n):
    """The shell stops the machine while the children still hold their files."""
    r = sandbox.shell(f"{sandbox.guest(durable)} hold {n}; echo \"status $?\"; {stop}; "
                      "echo 'still running'", timeout=300).check()
    assert r.status == 0, r.text()
    assert r.out == f"wrote {n}, four children hold theirs\nstatus 0\n".encode(), r.text()
    assert_files(sandbox, n)


def test_shared_mapping_agrees_with_read_and_write(sandbox, durable):
    r = sandbox.run(durable, ["coherence"], timeout=180).check()
    assert r.status == 0 and b"FAIL" not in r.out and r.out.endswith(b"all ok\n"), r.text()
    data = (sandbox.root / "tmp" / "dur" / "coherent").read_bytes()
    assert len(data) == 8192
    for off, text in ((10, b"MAPPED"), (4100, b"WRITTEN"), (200, b"SECOND"), (5000, b"CHILD"),
                      (6000, b"PARENT")):
        assert data[off:off + len(text)] == text, (off, data[off:off + len(text)])


@pytest.mark.slow
@pytest.mark.parametrize("engine,smp", [("jit", 1), ("interp", 2)])
def test_files_on_other_tiers(sandbox, durable, engine, smp):
    r = sandbox.run(durable, ["hold", 400], engine=engine, smp=smp, timeout=600).check()
    assert r.status == 0, r.text()
    assert_files(sandbox, 400)
