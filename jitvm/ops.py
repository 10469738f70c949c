"""Each instruction's semantic function, compiled once as a C-callable *op* and kept as LLVM
bitcode, for translated regions (jitvm/region_ir.py) to inline.

An op is the instruction's `exec_<name>` behind raw pointers:

    int64 jitvm_op_<isa>_<name>(int64 *r, uint8 *mem, int64 *ctl,
                                int64 pc, ilen, rd, rs1, rs2, rs3, rm, imm)   -> next pc

compiled by Numba from the very function the interpreter runs (one semantic definition for every
tier). A region calls ops with the decoded fields as constants; LLVM inlines them and folds the
constants, so a region costs LLVM's time only, not Numba's front end again for every guest
instruction (type inference and lowering of an inlined call cost ~0.1 s an instruction).

Ops depend only on the semantics, like the interpreter: they are kept beside the translator's
sources (as Numba keeps its machine code), in __pycache__/jitvm-ops-<semantics>-<OPS_VERSION>/
(jitvm.paths.beside_sources). `jitvm cache --warm` builds them all;
otherwise each is built the first time a region needs it.
"""
import os
import re
import time

from jitvm.paths import beside_sources

ARGS = ("pc", "ilen", "rd", "rs1", "rs2", "rs3", "rm", "imm")


def symbol(isa_name, fname):
    return f"jitvm_op_{isa_name}_{fname}"


OPS_VERSION = 3     # raise when the way ops are built changes (kept ones are then not used)


def ops_dir(isa):
    """Where the ops of `isa` (an engine IsaInfo) live; created on first use."""
    return beside_sources(isa.NAME, f"jitvm-ops-{isa.version}-{OPS_VERSION}")


_read = {}                      # (isa, semantics version, op) -> bitcode, once per process


def bitcode(isa, fname):
    """The LLVM bitcode of op `fname` (e.g. "exec_add"), compiled now if not kept yet."""
    key = (isa.NAME, isa.version, fname)
    if key not in _read:
        path = ops_dir(isa) / f"{fname}.bc"
        try:
            _read[key] = path.read_bytes()
        except OSError:
            _read[key] = _compile(isa, fname)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(_read[key])
            os.replace(tmp, path)     # atomic: VMs and compile processes share the directory
    return _read[key]


def _compile(isa, fname):
    """Compile op `fname` with Numba; its module, with every function but the op made internal
    (so ops compiled in different processes never clash when a region links several)."""
    import importlib

    import llvmlite.binding as llvm

    from jitvm.compiled import c_entry_module, target_machine
    from jitvm.mmu import OUT_OF_LINE, block_views
    fn = getattr(importlib.import_module(isa.semantic_module(fname)), fname)

    def op(rp, mp, cp, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
        r, m = block_views(rp, mp, cp)
        return fn(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm)

    bitcode, entry, impl = c_entry_module(op, len(ARGS))
    mod = llvm.parse_bitcode(bitcode)
    # the C entry point, and the function in Numba's calling convention behind it, are named for
    # the op (and the region inlines both); Numba's helpers they call are left to LLVM to inline
    name = symbol(isa.NAME, fname)
    slow = [_mangled("jitvm.mmu." + f) for f in OUT_OF_LINE]
    for f in mod.functions:
        if f.is_declaration:
            continue
        if f.name == entry:
            f.name = name
        else:
            f.linkage = "internal"
            if f.name == impl:
                f.name = name + "_impl"
        if any(f.name.startswith(prefix) for prefix in slow):
            f.add_function_attribute("noinline")
            f.add_function_attribute("cold")
    for g in mod.global_variables:
        if not g.is_declaration:
            g.linkage = "internal"
    # Numba's C entry point calls the body with a `noinline` call-site attribute: drop it
    impl_call = re.compile(rf'(call .*@"?{re.escape(name)}_impl"?\(.*\)) #\d+$')
    text = "\n".join(impl_call.sub(r"\1", line) for line in str(mod).splitlines())
    mod = llvm.parse_assembly(text)
    # optimized once more with the body inlined: the interpreter's op table (jitvm/oplib.py)
    # runs this code as it is; a region optimizes it again after inlining it
    tm = target_machine()
    mod.triple, mod.data_layout = tm.triple, str(tm.target_data)
    pb = llvm.create_pass_builder(tm, llvm.create_pipeline_tuning_options(speed_level=2))
    pb.getModulePassManager().run(mod, pb)
    return mod.as_bitcode()


def _mangled(qualname):
    """The start of Numba's (Itanium-style) symbol for the function `qualname`."""
    return "_ZN" + "".join(f"{len(part)}{part}" for part in qualname.split("."))


def warm(isa, progress=print, jobs=None):
    """Build every op of `isa` not kept yet, with progress; returns how many were built. They
    compile in `jobs` processes at once (default: one per CPU): each op is a Numba compilation
    of its own, so they parallelise perfectly."""
    todo = [f for f in isa.op_functions() if not (ops_dir(isa) / f"{f}.bc").exists()]
    if not todo:
        return 0
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    progress(f"compiling {len(todo)} ops of {isa.NAME} in {jobs} processes (each instruction's "
             "semantics behind a C entry point, kept as LLVM bitcode) ...")
    t = time.perf_counter()

    def built(n):
        if n % 40 == 0 or n == len(todo):
            progress(f"  ops: {n}/{len(todo)} ({time.perf_counter() - t:.0f} s)")
    if jobs == 1:
        for n, f in enumerate(todo, 1):
            bitcode(isa, f)
            built(n)
        return len(todo)
    import concurrent.futures
    import multiprocessing
    with concurrent.futures.ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_build_one, isa.NAME, f) for f in todo]
        for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            fut.result()            # a failed op raises here, with the worker's traceback
            built(n)
    return len(todo)


def _build_one(isa_name, fname):
    """In a warm process: build one op (kept on disk by `bitcode`)."""
    from jitvm.isa import isa_info
    bitcode(isa_info(isa_name), fname)
    return fname
