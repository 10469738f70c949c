"""The persistent translation cache: what is in it, clearing it, and warming it.

Two kinds of compiled code live on disk:
  * the engine, which depends only on an ISA's semantics and is compiled once per semantics
    version: the ops (jitvm/ops.py: each instruction's semantics, which translated code inlines),
    the interpreter's op table linked from them (jitvm/oplib.py) and the run loops, all beside
    the translator's sources (jitvm.paths.beside_sources), and
  * the translation cache: translated regions of hot guest blocks (jitvm/blocks.py), under
    <root>/blocks/<isa>/.
`warm` compiles the first kind ahead of time, with progress, so the first `jitvm run` or
`jitvm boot` does not pay for it.
"""
import shutil
import time

from jitvm.paths import beside_sources, cache_root


def _size(path):
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def stats():
    """Lines describing the cache's contents."""
    root = cache_root()
    from jitvm.blocks import CACHE_LIMIT
    lines = [f"translation cache: {root} (translated blocks kept within "
             f"{CACHE_LIMIT / 1e6:.0f} MB, least recently used go first; JITVM_CACHE_MB)"]
    blocks = root / "blocks"
    for isa_dir in sorted(blocks.iterdir()) if blocks.exists() else []:
        regions = list((isa_dir / "regions").glob("r_*.o"))
        index = list((isa_dir / "index").glob("*"))
        lines.append(f"  {isa_dir.name}: {len(index)} blocks in {len(regions)} regions, "
                     f"{_size(isa_dir) / 1e6:.1f} MB")
    import translators
    for isa in translators.ISAS:
        loops = beside_sources(isa, "jitvm-loops")
        lines.append(f"compiled engine ({isa}, beside the sources, not part of the cache): "
                     f"{len(list(loops.glob('loop_*.py')))} run-loop instantiations in {loops}")
    return lines


def clear():
    """Remove the translated blocks (the rootfs and the compiled engine are kept). "loops" and
    "ops": where older versions kept run loops and ops in the cache root."""
    root = cache_root()
    for part in ("blocks", "loops", "ops"):
        shutil.rmtree(root / part, ignore_errors=True)


def warm(isa, progress=print):
    """Compile the ops, the interpreter's op table and the run loops of `isa` now (kept on disk
    afterwards)."""
    from jitvm import oplib
    from jitvm.engine import load_loops
    from jitvm.isa import isa_info
    info = isa_info(isa)
    t = time.perf_counter()
    if not oplib.path(info).exists():
        oplib.build(info, progress=progress)
    oplib.table(info)
    progress(f"compiling the {isa} run loops ...")
    load_loops(isa)          # their C entry points compile on import
    progress(f"{isa} engine ready in {time.perf_counter() - t:.0f} s")
