"""Translations stay correct when guest code changes (the issue's invalidation cases), and a
second run takes its translations from the persistent cache."""
import re

import pytest

from tests.differential import run_jitvm

# the phases smc prints; the second is the ISA's own instruction barrier
SMC_OUT = {"riscv64": ["first code", "rewritten, fence.i", "rewritten, clear_cache",
                       "munmap + new mapping", "mprotect RW -> RX", "after execve"],
           "loongarch64": ["first code", "rewritten, ibar 0", "rewritten, clear_cache",
                           "munmap + new mapping", "mprotect RW -> RX", "after execve"],
           "aarch64": ["first code", "rewritten, ic ivau", "rewritten, clear_cache",
                       "munmap + new mapping", "mprotect RW -> RX", "after execve"],
           "mipsel": ["first code", "rewritten, synci", "rewritten, clear_cache",
                      "rewritten, cacheflush", "munmap + new mapping", "mprotect RW -> RX",
                      "after execve"]}


@pytest.fixture(scope="module")
def workdir(rootfs):
    d = rootfs / "tmp" / "jitvm-translation-test"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.mark.parametrize("smp", [1, 2])
def test_changed_code_never_runs_stale_translations(arch, guest_bin, rootfs, workdir, smp):
    """smc: generated code called 6000 times a phase (compiled on the jit tier), then changed by
    the ISA's instruction barrier (fence.i, ibar), the C library's __clear_cache
    (riscv_flush_icache; ibar), munmap/mmap, mprotect and execve. Twice: the second run meets
    every phase's code in the translation cache already."""
    import shutil
    shutil.copy2(guest_bin("smc"), workdir / "smc")      # execve(argv[0]) must find it
    for run in range(2):
        rc, out, err = run_jitvm("./smc", ["exec"], workdir, b"", "jit", rootfs,
                                 extra=["--stats", "--smp", str(smp)])
        text = out.decode()
        assert rc == 0 and "STALE" not in text, text + err.decode(errors="replace")
        assert [line.split(" k=")[0].strip() for line in text.splitlines()] == SMC_OUT[arch]
        ran = re.search(r"blocks run: compiled (\d+)", err.decode())
        assert ran and int(ran.group(1)) > 0, err.decode()     # translated code did run
    stats = err.decode()
    loaded = re.search(r"loaded from the cache: (\d+)", stats)
    assert loaded and int(loaded.group(1)) > 0, stats
