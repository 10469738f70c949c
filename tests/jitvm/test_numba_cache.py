"""Numba's disk cache of the project's compiled functions goes stale with the semantics they
inline from other modules, not only with their own source file."""
import shutil
from pathlib import Path

import pytest

from jitvm import compiled

pytestmark = pytest.mark.skipif(compiled.PURE_PYTHON, reason="the python tier compiles nothing")
REPO = Path(__file__).resolve().parent.parent.parent


def test_a_cached_function_is_stale_when_a_module_it_inlines_changes(tmp_path, monkeypatch):
    from translators.riscv64.fetch import fetch      # inlines jitvm/mmu.py's TLB lookup
    locator = fetch._cache._impl.locator
    before = locator.get_source_stamp()
    (tmp_path / "jitvm").mkdir()
    for name in ("compiled.py", "mmu.py", "exits.py"):
        shutil.copy(REPO / "jitvm" / name, tmp_path / "jitvm" / name)
    shutil.copytree(REPO / "translators", tmp_path / "translators",
                    ignore=shutil.ignore_patterns("__pycache__"))
    try:
        monkeypatch.setattr(compiled, "_REPO", tmp_path)
        compiled._semantics_digest.cache_clear()
        assert locator.get_source_stamp() == before            # the same sources
        with open(tmp_path / "jitvm" / "mmu.py", "a") as f:
            f.write("\nTLB_ENTRIES = 512\n")
        compiled._semantics_digest.cache_clear()
        after = locator.get_source_stamp()
        assert after[0] == before[0] and after[1] != before[1]  # fetch.py as it was; mmu.py not
    finally:
        monkeypatch.undo()
        compiled._semantics_digest.cache_clear()


def test_a_translator_edit_leaves_other_isas_cached_code_alone(tmp_path, monkeypatch):
    from translators.riscv64.fetch import fetch
    locator = fetch._cache._impl.locator
    shutil.copytree(REPO / "jitvm", tmp_path / "jitvm", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "translators", tmp_path / "translators",
                    ignore=shutil.ignore_patterns("__pycache__"))
    try:
        monkeypatch.setattr(compiled, "_REPO", tmp_path)
        compiled._semantics_digest.cache_clear()
        before = locator.get_source_stamp()
        (tmp_path / "translators" / "other_isa").mkdir()
        (tmp_path / "translators" / "other_isa" / "cpu.py").write_text("NREGS = 1\n")
        compiled._semantics_digest.cache_clear()
        assert locator.get_source_stamp() == before
        with open(tmp_path / "translators" / "riscv64" / "cpu.py", "a") as f:
            f.write("\n# an edit\n")
        compiled._semantics_digest.cache_clear()
        assert locator.get_source_stamp()[1] != before[1]
    finally:
        monkeypatch.undo()
        compiled._semantics_digest.cache_clear()
