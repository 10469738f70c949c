"""Translating hot guest basic blocks into Numba-compiled functions.

A block is the run of instructions from a start pc to the first one that ends a block (a branch,
jump, trap or fence.i), at most MAX_INSNS long and never crossing a page. Its translation is a
sequence of calls to the *same* exec_<name> semantic functions the interpreter uses, with every
decoded field a constant, so Numba inlines and folds them.

Blocks that become hot together are compiled together, as one *region*: a C-callable function
`region(idx, r, mem, ctl)` whose body is a switch over the blocks' bodies. Numba's fixed cost per
compiled function (~0.3 s here) is then paid once per batch instead of once per block.

A block of a region goes on to a successor in the same region directly, but only while the
running code cache's jump table maps the successor's pc to that very copy (its `entry` id, which
also names the pc, is in the successor's row): the jump
table holds only translations whose own code was checked (by key, when installed) and is emptied
when code changes (fence.i, munmap...), so a region never runs its copy of a block whose guest
code has changed since, nor one from another program that had other code at that address.

Generated region modules live in the persistent translation cache (JITVM_CACHE or
~/.cache/jitvm), and an index file per block -- named by a hash of ISA, engine and semantics
version, start pc and code bytes -- says which region and index hold it. A second run finds its
hot blocks there and loads the machine code Numba cached beside each region: nothing compiles.
"""
import hashlib
import importlib.util
import os
import sys
import time
from pathlib import Path

from jitvm.exits import Exit
from jitvm.mmu import CTL_JT, PAGE_SIZE

ENGINE_VERSION = 4
MAX_INSNS = 64
CHAIN_LIMIT = 4096      # instructions a region may run before it returns to the run loop
JT_SIZE = 1 << 14       # jump-table rows (pc, region address, entry), indexed by jt_slot(pc)
# The cache on disk keeps the most recently used regions within this many bytes (`trim`).
CACHE_LIMIT = int(float(os.environ.get("JITVM_CACHE_MB", "1024")) * 1e6)
_TRAPS_RETIRE = f"ctl[0] == {int(Exit.SYSCALL)} or ctl[0] == {int(Exit.FENCE_I)} " \
                f"or ctl[0] == {int(Exit.BREAKPOINT)}"
_loaded = {}                    # region path -> compiled function (one import per process)


def cache_root():
    return Path(os.environ.get("JITVM_CACHE", Path.home() / ".cache" / "jitvm"))


def scan(isa, m, pc):
    """Decode the block at pc: a list of (pc, inst, fields) with fields = decode(inst)."""
    insns, page = [], pc // PAGE_SIZE
    while len(insns) < MAX_INSNS:
        inst = int(isa.fetch(m, pc))
        if inst < 0:
            break
        fields = tuple(int(x) for x in isa.decode(inst))
        op, ilen = fields[0], fields[1]
        if op == 0:
            break
        insns.append((pc, inst, fields))
        if isa.ENDS_BLOCK[op]:
            break
        pc += ilen
        if pc // PAGE_SIZE != page:
            break
    m[4][0] = 0            # scanning must not leave a fetch fault behind: the guest will see it
    return insns


def jt_slot(pc):
    return (pc >> 1) & (JT_SIZE - 1)


def entry(name, k):
    """What identifies block k of region `name` in a jump table's third column (and as the
    region's `idx` argument): the region's name hash above, k in the low 16 bits."""
    return (int(name[2:13], 16) << 16) | k


def block_body(isa, insns, pad, successors):
    """Source lines running one block inside a region's loop. `n` counts the instructions
    retired so far; an exit returns it. At the end, a successor that is a block of the same
    region is entered directly (`successors`: [(pc, entry)], likeliest first) if the jump table
    maps it to this copy: chaining without going back to the run loop, until CHAIN_LIMIT
    instructions."""
    lines = []
    for i, (pc, inst, f) in enumerate(insns):
        op, ilen, rd, rs1, rs2, rs3, rm, imm = f
        lines.append(f"{pad}# {pc:#x}: {isa.disasm(inst, pc)}")
        lines.append(f"{pad}npc = {isa.semantic(op)[1]}(r, m, {pc}, {ilen}, {rd}, {rs1}, {rs2}, "
                     f"{rs3}, {rm}, {imm})")
        # an exit: a fault did not retire the instruction, a trap did
        lines += [f"{pad}if ctl[0] != 0:", f"{pad}    r[{isa.PC}] = npc",
                  f"{pad}    return n + {i} + ({_TRAPS_RETIRE})"]
    lines += [f"{pad}r[{isa.PC}] = npc", f"{pad}n += {len(insns)}"]
    if successors:
        lines.append(f"{pad}if n < {CHAIN_LIMIT}:")
        for spc, e in successors:
            lines += [f"{pad}    if npc == {spc} and jt[{3 * jt_slot(spc) + 2}] == {e}:",
                      f"{pad}        idx = {e}", f"{pad}        continue"]
    lines.append(f"{pad}return n")
    return lines


def region_source(isa, batch, name):
    """Python source of one region compiling every block in `batch`."""
    by_module = {}
    for insns in batch:
        for _, _, f in insns:
            mod, fn = isa.semantic(f[0])
            by_module.setdefault(mod, set()).add(fn)
    lines = [f"# Generated by jitvm/blocks.py: {isa.NAME} region of {len(batch)} blocks. "
             "Do not edit.",
             "from jitvm.compiled import carray, int_ptr, region",
             "from jitvm.mmu import block_views"]
    lines += [f"from {mod} import {', '.join(sorted(fns))}" for mod, fns in sorted(by_module.items())]
    lines += ["", "", "@region", f"def {name}(idx, rp, mp, cp):",
              "    r, m = block_views(rp, mp, cp)", "    ctl = m[4]",
              f"    jt = carray(int_ptr(ctl[{CTL_JT}]), {3 * JT_SIZE})", "    n = 0",
              "    while True:"]
    starts = {insns[0][0]: entry(name, k) for k, insns in enumerate(batch)}
    for k, insns in enumerate(batch):
        last, _, (_, ilen, *_, imm) = insns[-1]
        # The successors a block can name statically, likeliest first: a loop back to itself,
        # falling through, a pc-relative branch or jump target. (An indirect jump goes back to
        # the run loop and its jump table: checking every block of the region here made Numba's
        # compile time grow with the square of the region's size.)
        order = [insns[0][0], last + ilen, last + imm]
        successors = [(pc, starts[pc]) for pc in dict.fromkeys(order) if pc in starts]
        lines.append(f"        if idx == {entry(name, k)}:  # block at {insns[0][0]:#x}, "
                     f"{len(insns)} instructions")
        lines += block_body(isa, insns, "            ", successors)
    lines += ["        return n", ""]
    return "\n".join(lines)


def block_key(isa, insns):
    h = hashlib.sha256(f"{isa.NAME}:{ENGINE_VERSION}:{isa.version}:{insns[0][0]}".encode())
    for pc, inst, _ in insns:
        h.update(inst.to_bytes(4, "little"))
    return h.hexdigest()[:24]


def _dir(isa_name):
    return cache_root() / "blocks" / isa_name


def _write_atomic(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)             # atomic: concurrent jitvm runs share the cache


class Loaded:
    """A region linked from its saved object code: what the jump table needs of it."""

    def __init__(self, address):
        self.address = address


def _load(path):
    """The compiled region in `path`: linked from the object code saved beside it (`_save`), or
    through Numba (its cached machine code if present, else compiled here)."""
    if path not in _loaded:
        try:
            # last use, for `trim`, as the access time: Numba's cache checks the modification
            # time, which must stay as it was when the machine code was cached
            os.utime(path, (time.time(), path.stat().st_mtime))
        except OSError:
            pass
        obj, sym = path.with_suffix(".o"), path.with_suffix(".sym")
        if obj.exists() and sym.exists():
            try:
                from jitvm.compiled import load_native_object
                _loaded[path] = Loaded(load_native_object(obj.read_bytes(), sym.read_text()))
                return _loaded[path]
            except Exception:             # Numba's way below still works
                pass
        spec = importlib.util.spec_from_file_location(f"jitvm_regions.{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        _loaded[path] = getattr(mod, path.stem)
    return _loaded[path]


def loaded_regions():
    return _loaded


def lookup(isa, insns):
    """(address, index, keepalive) of a cached translation of this block, or None."""
    marker = _dir(isa.NAME) / "index" / f"{block_key(isa, insns)}"
    try:
        name, idx = marker.read_text().split()
    except (OSError, ValueError):
        return None
    path = _dir(isa.NAME) / "regions" / f"{name}.py"
    if not path.exists():
        return None                   # removed by `trim` (index entries are written only
                                      # once the region's machine code is in the cache)
    try:
        fn = _load(path)
    except Exception:                 # a damaged cache entry: translate the block again
        return None
    return fn.address, entry(name, int(idx)), fn


def prepare_region(isa, batch):
    """(path, source, block keys) of the region that compiles `batch`."""
    keys = [block_key(isa, insns) for insns in batch]
    name = "r_" + hashlib.sha256("".join(keys).encode()).hexdigest()[:24]
    path = _dir(isa.NAME) / "regions" / f"{name}.py"
    return path, region_source(isa, batch, name), keys


def build_region(isa_name, path, source, keys):
    """Write and compile a region (Numba caches its machine code beside it), then index its
    blocks; returns the seconds it took. Runs in the compile process (jitvm/compile_worker.py),
    or inline in sync mode; needs only names and strings."""
    t = time.perf_counter()
    path = Path(path)
    if not path.exists():
        _write_atomic(path, source)
    _save(path, _load(path))
    for k, key in enumerate(keys):
        _write_atomic(_dir(isa_name) / "index" / key, f"{path.stem} {k}\n")
    return time.perf_counter() - t


def _save(path, fn):
    """Keep the object code of a region just compiled beside it (what `_load` links fastest)."""
    from jitvm.compiled import native_object
    saved = native_object(fn) if native_object else None
    if saved is not None and not path.with_suffix(".o").exists():
        data, symbol = saved
        _write_atomic(path.with_suffix(".sym"), symbol)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.o.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path.with_suffix(".o"))     # last: .o present means .sym is too


def load_region(path, nblocks):
    """A built region, loaded here: [(address, index, keepalive)] per block."""
    path = Path(path)
    fn = _load(path)
    return [(fn.address, entry(path.stem, k), fn) for k in range(nblocks)]


def _region_files(regions):
    """{region name: [its files]}: the source and what Numba cached beside it."""
    out = {}
    for f in list(regions.glob("r_*")) + list((regions / "__pycache__").glob("r_*")):
        out.setdefault(f.name.split(".")[0], []).append(f)
    return out


def trim(limit=None):
    """Remove the least recently used regions until the translated blocks of every ISA fit in
    `limit` bytes (default CACHE_LIMIT). Index entries of removed regions are simply misses
    (`lookup`), and a region in use by a running VM stays loaded in it. Returns regions removed."""
    limit = CACHE_LIMIT if limit is None else limit
    regions = []
    for d in (cache_root() / "blocks").glob("*/regions"):
        for name, files in _region_files(d).items():
            try:
                size = sum(f.stat().st_size for f in files)
                used = (d / f"{name}.py").stat().st_atime
            except OSError:
                used, size = 0.0, 0
            regions.append((used, size, files))
    total = sum(size for _, size, _ in regions)
    removed = 0
    for _, size, files in sorted(regions, key=lambda r: r[0]):
        if total <= limit:
            break
        for f in files:
            try:
                f.unlink()
            except OSError:
                pass
        total -= size
        removed += 1
    return removed


def compile_region(isa, batch):
    """Compile the blocks in `batch` as one region, here and now: (entries, seconds)."""
    path, source, keys = prepare_region(isa, batch)
    seconds = build_region(isa.NAME, path, source, keys)
    return load_region(path, len(keys)), seconds
