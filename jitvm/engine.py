"""The execution engine: tiers, code caches and the dispatch between them.

Tiers (`--engine`):
  jit     the compiled interpreter for cold code; blocks executed `HOT_THRESHOLD` times are
          translated to compiled functions (jitvm/blocks.py) and chained in the run loop. A
          block is looked up in the persistent translation cache sooner, after
          `PROBE_THRESHOLD` executions: a translation made by an earlier run costs only a load.
  interp  the compiled interpreter only.
  python  the same interpreter and semantics in plain CPython (JITVM_ENGINE=python at start-up).

The engine hands control back to its caller (the kernel, through jitvm/machine.py) only for exits
that need it; FENCE_I and HOT are handled here.
"""
import hashlib
import importlib.util
import os
import sys
import threading
from dataclasses import dataclass

import numpy as np

from jitvm import blocks
from jitvm.isa import isa_info, semantics_version
from jitvm.paths import beside_sources
from jitvm.compiled import PURE_PYTHON
from jitvm.exits import Exit
from jitvm.mmu import CTL_INSTRET, CTL_IRQ, CTL_JT

# Tunables (environment variables, for experiments and tests):
#   JITVM_HOT_THRESHOLD  executions of a block before it is translated (default 500)
#   JITVM_PROBE_THRESHOLD  executions before the translation cache is asked for it (default 32)
#   JITVM_COMPILE        "process" (default): translate in a separate compile process
#                        (jitvm/compile_worker.py) while the interpreter keeps running the guest;
#                        regions are picked up between time slices once built (a thread would
#                        not do: Numba and LLVM hold the GIL while compiling, stalling the
#                        guest), and ones still building at exit are finished for the next run.
#                        "sync": translate at once, stopping the guest meanwhile (tests use it
#                        so compiled blocks certainly run).
HOT_THRESHOLD = int(os.environ.get("JITVM_HOT_THRESHOLD", "500"))
PROBE_THRESHOLD = min(int(os.environ.get("JITVM_PROBE_THRESHOLD", "32")), HOT_THRESHOLD)
# Compiled regions one VM keeps loaded at most (their machine code stays in memory until exit);
# beyond it, new hot blocks stay interpreted and --stats says so.
MAX_REGIONS = int(os.environ.get("JITVM_MAX_REGIONS", "4000"))
REGION_INSNS = 192      # guest instructions in one region at most (see Engine._batches)
PATH_BLOCKS = 96        # blocks one translate_hot takes, hot ones and those along their paths
COMPILE_MODE = os.environ.get("JITVM_COMPILE", "process")
TIERS = ("jit", "interp", "python")


def load_loops(isa_name):
    """The run loops for one ISA: jitvm/loop_template.py instantiated beside the translator's
    sources (jitvm.paths.beside_sources; Numba keeps their machine code next to them)."""
    here = os.path.dirname(__file__)
    text = open(os.path.join(here, "loop_template.py")).read().replace("ISA_NAME", isa_name)
    # blocks.py too: the loops inline its jump-table functions, and Numba's cache would not notice
    with open(blocks.__file__) as f:
        key = hashlib.sha256((text + semantics_version(isa_name) + f.read()).encode())
    key = key.hexdigest()[:12]
    path = beside_sources(isa_name, "jitvm-loops") / f"loop_{isa_name}_{key}.py"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("# Generated from jitvm/loop_template.py. Do not edit.\n" + text)
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(f"jitvm_loops_{isa_name}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@dataclass
class Stats:
    blocks_compiled: int = 0
    blocks_from_cache: int = 0
    compile_seconds: float = 0.0
    compile_failures: int = 0
    regions_compiled: int = 0
    blocks_not_translated: int = 0     # hot, but MAX_REGIONS were loaded already


class CodeCache:
    """Translations for one address space on one CPU: decode cache, jump table, heat counters,
    and the regions the compile process is building for them. Only that CPU's host thread
    writes them."""

    def __init__(self, loops):
        self.pending = []       # (future, gen, fresh, path, keys) for install_ready
        self.dc = np.full((loops.DC_SIZE, loops.DC_COLS), -1, dtype=np.int64)
        self.jt = np.full((blocks.JT_SIZE, 3), -1, dtype=np.int64)
        self.heat = np.zeros(blocks.JT_SIZE, dtype=np.int64)
        self.keep = {}          # pc -> compiled region (keeps its machine code alive)
        self.probed = set()     # pcs the translation cache did not have at PROBE_THRESHOLD
        self.gen = 0            # the address space's code_gen these translations belong to
        # the arrays' addresses, for the run loops (computed once: .ctypes costs microseconds)
        self.dc_addr, self.jt_addr, self.heat_addr = (
            a.ctypes.data for a in (self.dc, self.jt, self.heat))

    def flush(self):
        self.dc[:, 0] = -1
        self.jt[:] = -1         # every column: a region's chaining check reads the entry id
        self.heat[:] = 0
        self.keep.clear()
        self.probed.clear()


class Engine:
    def __init__(self, isa_name, tier="jit"):
        if tier not in TIERS:
            raise ValueError(f"unknown engine {tier!r}; choose one of {', '.join(TIERS)}")
        if (tier == "python") != PURE_PYTHON:
            raise RuntimeError("the python tier needs JITVM_ENGINE=python set before start-up")
        self.isa = isa_info(isa_name)
        self.tier = tier
        if tier != "python":
            from jitvm import oplib
            self.ot_addr = oplib.table(self.isa).ctypes.data    # the array lives on in oplib
        self.loops = load_loops(isa_name)
        self.stats = Stats()
        self._compiler = None
        # The engine's Python side (translation, the region table, stats) is shared by the CPUs'
        # host threads; this lock serialises it. It is never held while guest code runs, and
        # its holders never wait for the kernel lock.
        self._lock = threading.Lock()

    def new_code_cache(self):
        return CodeCache(self.loops)

    def run(self, regs, m, cache, budget):
        """Run guest code until an exit the kernel must handle; returns that Exit."""
        lp, ctl = self.loops, m[4]
        while True:
            if cache.pending:
                with self._lock:
                    self.install_ready(cache)
            ctl[0] = 0
            if ctl[CTL_IRQ]:              # an interrupt came before the line above cleared it
                return Exit.INTERRUPT
            if self.tier == "jit":
                ctl[CTL_JT] = cache.jt_addr
                start = ctl[CTL_INSTRET]
                e = lp.run_jit_native(regs.ctypes.data, m[0].ctypes.data, ctl.ctypes.data,
                                      cache.dc_addr, self.ot_addr, cache.jt_addr,
                                      cache.heat_addr, budget, PROBE_THRESHOLD)
            elif self.tier == "interp":
                e = lp.run_interp_native(regs.ctypes.data, m[0].ctypes.data, ctl.ctypes.data,
                                         cache.dc_addr, self.ot_addr, budget)
            else:
                e = lp.run_interp(regs, m, cache.dc, None, budget)
            e = Exit(int(e))
            if e == Exit.FENCE_I:
                cache.flush()
                continue
            if ctl[lp.CTL_HOT_N]:
                with self._lock:
                    self.translate_hot(m, cache)
                if e == Exit.HOT:          # the time slice goes on with what is left of it
                    budget = max(budget - int(ctl[CTL_INSTRET] - start), 1)
                    continue
            return e

    def step(self, regs, m, cache):
        """Execute one instruction with the interpreter (whatever the tier: a compiled block
        would run to its end); FENCE_I is handled here like in `run`."""
        lp, ctl = self.loops, m[4]
        ctl[0] = 0
        if ctl[CTL_IRQ]:
            return Exit.INTERRUPT
        if self.tier == "python":
            e = lp.run_interp(regs, m, cache.dc, None, 1)
        else:
            e = lp.run_interp_native(regs.ctypes.data, m[0].ctypes.data, ctl.ctypes.data,
                                     cache.dc_addr, self.ot_addr, 1)
        e = Exit(int(e))
        if e == Exit.FENCE_I:
            cache.flush()
            e = Exit.BUDGET
        return e

    def translate_hot(self, m, cache):
        """Hand the queued blocks to the translator. The run loop queues a block when it has run
        PROBE_THRESHOLD times: if the persistent cache has it, it is loaded at once; if not, its
        heat is set back so that it comes again after HOT_THRESHOLD runs in all, and then it is
        compiled, together with others as one region, by the compile process (or at once with
        JITVM_COMPILE=sync)."""
        lp, ctl = self.loops, m[4]
        queued = [int(ctl[lp.CTL_HOT_Q + i]) for i in range(int(ctl[lp.CTL_HOT_N]))]
        ctl[lp.CTL_HOT_N] = 0
        if len(blocks.loaded_regions()) >= MAX_REGIONS:
            self.stats.blocks_not_translated += sum(pc in cache.probed for pc in queued)
            cache.probed.difference_update(queued)
            return
        fresh = []
        for pc in queued:
            insns = blocks.scan(self.isa, m, pc)
            if not insns:
                continue
            hit = blocks.lookup(self.isa, insns)
            if hit is not None:
                self.stats.blocks_from_cache += 1
                self._install(cache, cache.gen, [(pc, *hit)])
            elif pc in cache.probed or PROBE_THRESHOLD == HOT_THRESHOLD:
                cache.probed.discard(pc)
                fresh.append((pc, insns))
            else:
                cache.probed.add(pc)
                cache.heat[blocks.jt_row(cache.jt, pc)] = 2 * PROBE_THRESHOLD - HOT_THRESHOLD
        if not fresh:
            return
        fresh = self._along_paths(m, cache, fresh)
        if COMPILE_MODE == "sync":
            for batch in self._batches(fresh):
                try:
                    self._install(cache, cache.gen, self._compile(batch))
                except Exception as e:      # these blocks stay interpreted; the guest goes on
                    self._compile_failed(e)
        else:
            self._submit(cache, fresh)

    def _along_paths(self, m, cache, fresh):
        """The hot blocks in `fresh`, each followed (depth first) by the blocks it reaches by
        static edges -- falling through, branch and call targets -- that have been probed
        already (run PROBE_THRESHOLD times, not in the translation cache): they would become hot
        one at a time and land in other regions; taken now, a region holds a hot path, and
        fewer of its block ends leave it for the run loop."""
        seen, out = {pc for pc, _ in fresh}, []
        stack = list(reversed(fresh))
        while stack:
            pc, insns = stack.pop()
            out.append((pc, insns))
            for nxt in reversed(blocks.static_successors(self.isa, insns)):   # the fall-through comes next
                if (nxt in seen or nxt not in cache.probed
                        or len(out) + len(stack) >= PATH_BLOCKS):
                    continue
                more = blocks.scan(self.isa, m, nxt)
                if more:
                    seen.add(nxt)
                    cache.probed.discard(nxt)
                    stack.append((nxt, more))
        return out

    def install_ready(self, cache):
        """Install the regions the compile process has finished for `cache` (between slices)."""
        still = []
        for fut, gen, fresh, path, keys in cache.pending:
            if not fut.done():
                still.append((fut, gen, fresh, path, keys))
                continue
            try:
                seconds = fut.result()
                entries = blocks.load_region(path, len(keys))
            except Exception as e:          # these blocks stay interpreted
                self._compile_failed(e)
                continue
            self._install(cache, gen, self._translated(fresh, entries, seconds))
        cache.pending = still

    def _install(self, cache, gen, entries):
        if cache.gen != gen:            # the code changed meanwhile: the translation is stale
            return
        for pc, addr, idx, keep in entries:
            h = blocks.jt_row(cache.jt, pc)
            cache.jt[h, 1], cache.jt[h, 2] = addr, idx
            cache.jt[h, 0] = pc
            cache.keep[pc] = keep

    def _compile(self, fresh):
        entries, seconds = blocks.compile_region(self.isa, [insns for _, insns in fresh])
        return self._translated(fresh, entries, seconds)

    @staticmethod
    def _batches(fresh):
        """Hot blocks in regions of at most REGION_INSNS instructions: a region's compile time
        grows faster than its size, and a smaller one is ready (and useful) sooner."""
        batch, n = [], 0
        for pc, insns in fresh:
            if batch and n + len(insns) > REGION_INSNS:
                yield batch
                batch, n = [], 0
            batch.append((pc, insns))
            n += len(insns)
        if batch:
            yield batch

    def _translated(self, fresh, entries, seconds):
        """Account for a compiled region; its jump-table entries for _install."""
        self.stats.compile_seconds += seconds
        self.stats.blocks_compiled += len(fresh)
        self.stats.regions_compiled += 1
        return [(pc, *e) for (pc, _), e in zip(fresh, entries)]

    def _submit(self, cache, fresh):
        """Queue regions for the compile process (started on first use)."""
        if self._compiler is None:
            from jitvm.compile_worker import CompileProcess
            self._compiler = CompileProcess()
        for batch in self._batches(fresh):
            insns = [insns for _, insns in batch]
            path, keys = blocks.prepare_region(self.isa, insns)
            fut = self._compiler.submit(self.isa.NAME, path, insns, keys)
            cache.pending.append((fut, cache.gen, batch, path, keys))

    def shutdown(self):
        """The machine is done: the compile process finishes the regions it was given on its
        own (so the next run finds them in the cache), and the cache is kept within its size
        limit."""
        compiler, self._compiler = self._compiler, None
        if compiler is not None:
            compiler.detach()
        if self.stats.regions_compiled:
            blocks.trim()

    def _compile_failed(self, e):
        self.stats.compile_failures += 1
        if self.stats.compile_failures == 1 or os.environ.get("JITVM_DEBUG"):
            print(f"jitvm: a region of hot blocks failed to compile and stays interpreted: "
                  f"{str(e).splitlines()[0][:200] if str(e) else repr(e)}", file=sys.stderr)
