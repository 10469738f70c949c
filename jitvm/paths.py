"""Where jitvm keeps what it builds: the bottom layer of the engine (stdlib only).

  cache_root()             the translation cache and rootfs (JITVM_CACHE or ~/.cache/jitvm)
  beside_sources(isa, n)   compiled code that depends only on an ISA's semantics (its run loops,
                           its ops), kept next to the translator's sources like Numba's own cache
"""
import os
from pathlib import Path

TRANSLATORS = Path(__file__).resolve().parent.parent / "translators"


def cache_root():
    return Path(os.environ.get("JITVM_CACHE", Path.home() / ".cache" / "jitvm"))


def beside_sources(isa_name, name):
    """A directory for compiled code that depends only on an ISA's semantics (its run loops,
    its ops): beside the translator's sources, where Numba keeps the interpreter's machine
    code, or under the cache root if those are read-only. It is the engine, not translations
    of guest code: `jitvm cache --clear` keeps it, and a cold start does not rebuild it."""
    for d in (TRANSLATORS / isa_name / "__pycache__" / name,
              cache_root() / "engine" / isa_name / name):
        try:
            d.mkdir(parents=True, exist_ok=True)
            if os.access(d, os.W_OK):
                return d
        except OSError:
            continue
    raise RuntimeError(f"no writable directory for {name} (translators/{isa_name}/__pycache__)")
