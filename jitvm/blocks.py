"""Translating hot guest basic blocks into compiled code.

A block is the run of instructions from a start pc to the first one that ends a block (a branch,
jump, trap or fence.i), at most MAX_INSNS long and never crossing a page. Its translation is a
sequence of calls to the *same* semantic functions the interpreter uses -- each compiled once by
Numba as an op (jitvm/ops.py) -- with every decoded field a constant, which LLVM inlines and folds.

Blocks that become hot together are compiled together, as one *region*: a C-callable function
`region(idx, r, mem, ctl)` whose body is a switch over the blocks' bodies, emitted as LLVM IR
(jitvm/region_ir.py). Compiling one is LLVM's work only, a few milliseconds per instruction.

A block of a region goes on to a successor in the same region directly, but only while the
running code cache's jump table maps the successor's pc to that very copy (its `entry` id, which
also names the pc, is in the successor's row): the jump table holds only translations whose own
code was checked (by key, when installed) and is emptied when code changes (fence.i, munmap...),
so a region never runs its copy of a block whose guest code has changed since, nor one from
another program that had other code at that address.

Regions live in the persistent translation cache (JITVM_CACHE or ~/.cache/jitvm) as object code,
with their IR beside it to read, and an index file per block -- named by a hash of ISA, engine
and semantics version, start pc and code bytes -- says which region and index hold it. A second
run finds its hot blocks there and links their object code (~1 ms a region): nothing compiles.
"""
import hashlib
import os
import time
from pathlib import Path

from jitvm import ops, region_ir
from jitvm.compiled import jit
from jitvm.exits import Exit
from jitvm.isa import isa_info
from jitvm.mmu import CTL_JT, PAGE_SIZE
from jitvm.paths import cache_root

ENGINE_VERSION = 8
MAX_INSNS = 64
DELAYED = 2             # ENDS_BLOCK kind of a branch with a delay slot (1: any other block end)
CHAIN_LIMIT = 4096      # instructions a region may run before it returns to the run loop
# The jump table's geometry is compiled into regions: raise ENGINE_VERSION when it changes.
JT_BITS = 14
JT_SIZE = 1 << JT_BITS  # jump-table rows (pc, region address, entry id), two per pc: jt_slots
JT_MIX = -0x61C8864680B583EB    # 2**64 / golden ratio as an int64: jt_slots' multiplicative hash
CTL_STAT_CHAINED = 42   # ctl word: blocks entered by chaining inside regions (engine's range)
# The cache on disk keeps the most recently used regions within this many bytes (`trim`).
CACHE_LIMIT = int(float(os.environ.get("JITVM_CACHE_MB", "1024")) * 1e6)
# exits that retire the instruction taking them (a fault or an illegal instruction does not)
RETIRING_EXITS = (int(Exit.SYSCALL), int(Exit.FENCE_I), int(Exit.BREAKPOINT))
_loaded = {}                    # object code path -> Loaded (linked once per process)


def scan(isa, m, pc):
    """Decode the block at pc: a list of (pc, inst, fields) with fields = decode(inst).

    A delayed branch (ENDS_BLOCK kind DELAYED, MIPS) ends its block after the next instruction,
    its delay slot; a block never ends between the two (a region chains only between whole
    blocks). Where the slot cannot join -- on the next page, undecodable, a branch itself -- the
    block ends before the branch, and the run loop interprets the branch and its slot."""
    insns, page = [], pc // PAGE_SIZE
    while len(insns) < MAX_INSNS:
        inst = int(isa.fetch(m, pc))
        if inst < 0:
            break
        fields = tuple(int(x) for x in isa.decode(inst))
        op, ilen = fields[0], fields[1]
        if op == 0:
            break
        if isa.ENDS_BLOCK[op] == DELAYED:
            slot = _delay_slot(isa, m, pc + ilen, page)
            if slot is not None:
                insns += [(pc, inst, fields), slot]
            break
        insns.append((pc, inst, fields))
        if isa.ENDS_BLOCK[op]:
            break
        pc += ilen
        if pc // PAGE_SIZE != page:
            break
    m[4][0] = 0            # scanning must not leave a fetch fault behind: the guest will see it
    return insns


def _delay_slot(isa, m, pc, page):
    """(pc, inst, fields) of the delay slot at pc, if it can end a block on `page`."""
    if pc // PAGE_SIZE != page:
        return None
    inst = int(isa.fetch(m, pc))
    if inst < 0:
        return None
    fields = tuple(int(x) for x in isa.decode(inst))
    if fields[0] == 0 or isa.ENDS_BLOCK[fields[0]]:
        return None
    return pc, inst, fields


@jit
def jt_slots(pc):
    """The two jump-table rows a block at pc may take (compiled for the run loop, called from
    Python; the regions' IR computes the same). The first comes from the pc's low bits, so
    blocks 32 KiB apart share it; the second from the top bits of pc * JT_MIX (the same whether
    the product wraps at 64 bits or not), so two such blocks rarely share that too -- with one
    row each, one of them stayed interpreted (busybox sh: 1.2M blocks a run)."""
    return (pc >> 1) & (JT_SIZE - 1), ((pc * JT_MIX) >> (64 - JT_BITS)) & (JT_SIZE - 1)


@jit
def jt_row(jt, pc):
    """pc's row in jump table `jt`: the one holding it, else the first if free, else the second
    (evicting the block there). Its heat counter counts pc's interpreted runs."""
    first, second = jt_slots(pc)
    if jt[first, 0] != pc and (jt[second, 0] == pc or jt[first, 0] != -1):
        return second
    return first


def entry(name, k):
    """What identifies block k of region `name` in a jump table's third column (and as the
    region's `idx` argument): the region's name hash above, k in the low 16 bits."""
    return (int(name[2:13], 16) << 16) | k


def static_successors(isa, insns):
    """(fall-through pc, pc-relative branch or jump target) of a block as from `scan`: the
    successors its branch (the last instruction, or the one before a delay slot) names without
    a register. Hints for chaining, checked when taken: a wrong one only misses a link."""
    end, _, (_, ilen, *_) = insns[-1]
    if len(insns) > 1 and isa.ENDS_BLOCK[insns[-2][2][0]] == DELAYED:
        return end + ilen, end + insns[-2][2][-1]     # MIPS: offsets count from the slot
    return end + ilen, end + insns[-1][2][-1]


def emit_region(isa, batch, name, local_regs=True):
    """LLVM IR of one region compiling every block in `batch` (jitvm/region_ir.py)."""
    starts = {insns[0][0]: entry(name, k) for k, insns in enumerate(batch)}
    plan = []
    for k, insns in enumerate(batch):
        # Successors chained to by name, likeliest first: a loop back to itself, then the static
        # ones. (Any other pc is looked up in the jump table, see jitvm/region_ir.py.)
        order = [insns[0][0], *static_successors(isa, insns)]
        plan.append((entry(name, k), insns,
                     [(pc, starts[pc]) for pc in dict.fromkeys(order) if pc in starts]))
    return region_ir.emit(isa, name, plan, region_id=entry(name, 0) >> 16,
                              local_regs=local_regs, nregs=isa.nregs, pc_reg=isa.PC,
                              chain_limit=CHAIN_LIMIT, ctl_jt=CTL_JT, ctl_chained=CTL_STAT_CHAINED,
                              jt_bits=JT_BITS, jt_mix=JT_MIX, jt_slots=jt_slots,
                              retiring_exits=RETIRING_EXITS)


def block_key(isa, insns):
    h = hashlib.sha256(
        f"{isa.NAME}:{ENGINE_VERSION}:{ops.OPS_VERSION}:{isa.version}:{insns[0][0]}".encode())
    for pc, inst, _ in insns:
        h.update(inst.to_bytes(4, "little"))
    return h.hexdigest()[:24]


def _dir(isa_name):
    return cache_root() / "blocks" / isa_name


def _write_atomic(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data) if isinstance(data, bytes) else tmp.write_text(data)
    os.replace(tmp, path)             # atomic: concurrent jitvm runs share the cache


class Loaded:
    """A region linked into this process: what the jump table needs of it."""

    def __init__(self, address):
        self.address = address


def _load(obj):
    """The region whose object code is in `obj`, linked into this process once (~1 ms). With
    JITVM_PERF_MAP=1 in the environment, its address range goes to /tmp/perf-<pid>.map, where
    Linux `perf report` finds names for JIT code: profiles then show time per region (its IR is
    in the cache, beside the object code)."""
    if obj not in _loaded:
        from jitvm.compiled import code_size, load_native_object
        data = obj.read_bytes()
        _loaded[obj] = Loaded(load_native_object(data, obj.stem))
        if os.environ.get("JITVM_PERF_MAP"):
            with open(f"/tmp/perf-{os.getpid()}.map", "a") as f:
                f.write(f"{_loaded[obj].address:x} {code_size(data):x} {obj.stem}\n")
        try:
            os.utime(obj)             # last use, for `trim`
        except OSError:
            pass
    return _loaded[obj]


def loaded_regions():
    return _loaded


def lookup(isa, insns):
    """(address, index, keepalive) of a cached translation of this block, or None."""
    marker = _dir(isa.NAME) / "index" / f"{block_key(isa, insns)}"
    try:
        name, idx = marker.read_text().split()
    except (OSError, ValueError):
        return None
    obj = _dir(isa.NAME) / "regions" / f"{name}.o"
    if not obj.exists():
        return None                   # removed by `trim` (index entries are written only
                                      # once the region's object code is in the cache)
    try:
        fn = _load(obj)
    except Exception:                 # a damaged cache entry: translate the block again
        return None
    return fn.address, entry(name, int(idx)), fn


def prepare_region(isa, batch):
    """(path of its object code, block keys) of the region that compiles `batch`."""
    keys = [block_key(isa, insns) for insns in batch]
    name = "r_" + hashlib.sha256("".join(keys).encode()).hexdigest()[:24]
    return _dir(isa.NAME) / "regions" / f"{name}.o", keys


def build_region(isa_name, path, batch, keys):
    """Compile the region of `batch` (its blocks as from `scan`) to object code kept in the
    cache, with its IR beside it to read, then index its blocks; returns the seconds it took.
    Runs in the compile process (jitvm/compile_worker.py), or inline in sync mode; needs only
    names, numbers and strings."""
    t = time.perf_counter()
    path = Path(path)
    if not path.exists():
        isa = isa_info(isa_name)
        batch = [[(pc, inst, tuple(fields)) for pc, inst, fields in insns] for insns in batch]
        for local_regs in (True, False):    # registers in locals if LLVM can promote them all
            text = emit_region(isa, batch, path.stem, local_regs)
            obj, promoted = region_ir.build(isa, path.stem, text)
            if promoted:
                break
        _write_atomic(path.with_suffix(".ll"), text)
        _write_atomic(path, obj)
    for k, key in enumerate(keys):
        _write_atomic(_dir(isa_name) / "index" / key, f"{path.stem} {k}\n")
    return time.perf_counter() - t


def load_region(path, nblocks):
    """A built region, loaded here: [(address, index, keepalive)] per block."""
    path = Path(path)
    fn = _load(path)
    return [(fn.address, entry(path.stem, k), fn) for k in range(nblocks)]


def _region_files(regions):
    """{region name: [its files]}, with what Numba cached for regions compiled the old way."""
    out = {}
    for f in list(regions.glob("r_*")) + list((regions / "__pycache__").glob("r_*")):
        out.setdefault(f.name.split(".")[0], []).append(f)
    return out


def _size(f):
    try:
        return f.stat().st_size
    except OSError:
        return 0


def trim(limit=None):
    """Remove the least recently used regions until the translated blocks of every ISA fit in
    `limit` bytes (default CACHE_LIMIT). Index entries of removed regions are simply misses
    (`lookup`), and a region in use by a running VM stays loaded in it. Returns regions removed."""
    limit = CACHE_LIMIT if limit is None else limit
    regions = []
    for d in (cache_root() / "blocks").glob("*/regions"):
        for name, files in _region_files(d).items():
            size = sum(_size(f) for f in files)
            try:
                used = (d / f"{name}.o").stat().st_mtime
            except OSError:
                used = 0.0          # no object code (a half-written or older kind of region)
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
    path, keys = prepare_region(isa, batch)
    seconds = build_region(isa.NAME, path, batch, keys)
    return load_region(path, len(keys)), seconds
