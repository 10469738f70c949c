"""The persistent translation cache stays within its size limit, least recently used first."""
import os

from jitvm import blocks


def make_region(regions, name, size, used):
    regions.mkdir(parents=True, exist_ok=True)
    (regions / f"{name}.ll").write_text("#" * 100)
    obj = regions / f"{name}.o"
    obj.write_bytes(b"x" * size)
    os.utime(obj, (used, used))           # last use is the object code's modification time


def test_trim_removes_the_least_recently_used_regions(tmp_path, monkeypatch):
    monkeypatch.setenv("JITVM_CACHE", str(tmp_path))
    regions = tmp_path / "blocks" / "riscv64" / "regions"
    for i, name in enumerate(["r_old", "r_mid", "r_new"]):
        make_region(regions, name, 1000, used=1_000_000 + i)
    assert blocks.trim(limit=10_000) == 0                 # fits: nothing goes
    assert blocks.trim(limit=2_300) == 1                  # one must go: the oldest
    left = sorted(p.name for p in regions.rglob("r_*"))
    assert left == ["r_mid.ll", "r_mid.o", "r_new.ll", "r_new.o"]
    assert blocks.trim(limit=0) == 2 and not list(regions.rglob("r_*"))


def test_regions_without_object_code_go_first(tmp_path, monkeypatch):
    """Files of a region an older jitvm wrote (no .o) count, and are the first to go."""
    monkeypatch.setenv("JITVM_CACHE", str(tmp_path))
    regions = tmp_path / "blocks" / "riscv64" / "regions"
    make_region(regions, "r_new", 1000, used=2_000_000)
    (regions / "r_older.py").write_bytes(b"x" * 5000)
    assert blocks.trim(limit=2_000) == 1
    assert sorted(p.name for p in regions.iterdir()) == ["r_new.ll", "r_new.o"]
