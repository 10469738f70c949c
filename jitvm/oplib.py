"""The interpreter's op table: every op of an ISA (jitvm/ops.py -- the code translated regions
inline) linked into one object file, kept beside the ops and loaded once per process.
`table(isa)` is an int64 array of their addresses indexed by op number; the run loops' `step`
calls through it (jitvm/loop_template.py), one indirect call an instruction.

So the interpreter runs the very machine code the ops are (one semantic definition, compiled
once for both compiled tiers), and nothing compiles the semantics into one giant switch function:
that compilation grew faster than the number of instructions (the aarch64 switch took ~15
minutes on two cores; its ops take a few, and compile in parallel).

Op 0 (the decoder's "no instruction") and ops without semantics run the generated dispatch's
`illegal`, which reports Exit.ILLEGAL.
"""
import os
import sys
import time

import numpy as np

from jitvm import ops

OPLIB_VERSION = 1       # raise when the way the library is linked changes


def path(isa):
    return ops.ops_dir(isa) / f"oplib-{OPLIB_VERSION}.o"


def _symbols(isa):
    """Each op number's op, as the table holds them."""
    return [ops.symbol(isa.NAME, isa.semantic(op)[1]) for op in range(len(isa.NAMES))]


def build(isa, progress=print):
    """Compile the ops not kept yet, link all of them and emit the library's object code."""
    import llvmlite.binding as llvm

    from jitvm.compiled import target_machine
    ops.warm(isa, progress=progress)
    t = time.perf_counter()
    fnames = isa.op_functions()
    progress(f"linking {len(fnames)} ops into the {isa.NAME} interpreter's op table ...")
    mod = llvm.parse_bitcode(ops.bitcode(isa, fnames[0]))
    for fname in fnames[1:]:
        mod.link_in(llvm.parse_bitcode(ops.bitcode(isa, fname)))
    # Only the ops keep their names: the JIT linker resolves even local symbols by name across
    # every object it loaded (see region_ir.build), so their helpers get names of their own.
    keep = {ops.symbol(isa.NAME, f) for f in fnames}
    defined = [v for v in (*mod.functions, *mod.global_variables) if not v.is_declaration]
    for k, v in enumerate(v for v in defined if v.name not in keep):
        v.linkage = "internal"
        v.name = f"jitvm_oplib_{isa.NAME}.{k}"
    tm = target_machine()
    mod.triple, mod.data_layout = tm.triple, str(tm.target_data)
    mod.verify()
    data = tm.emit_object(mod)
    out = path(isa)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)            # atomic: VMs and warm processes share the directory
    progress(f"op table ready ({len(data) / 1e6:.1f} MB of machine code, "
             f"{time.perf_counter() - t:.0f} s to link)")
    return data


_tables = {}


def table(isa, progress=None):
    """The op table of `isa` (an engine IsaInfo), built on first use (then with progress on
    stderr: minutes, once per semantics version -- `jitvm cache --warm` does it ahead of time)."""
    if isa.NAME not in _tables:
        from jitvm.compiled import load_native_object, native_address
        try:
            data = path(isa).read_bytes()
        except OSError:
            if progress is None:
                print(f"jitvm: compiling the {isa.NAME} engine (once; `jitvm cache --warm "
                      f"--arch {isa.NAME}` does it ahead of time) ...", file=sys.stderr)
                progress = lambda s: print(f"jitvm: {s}", file=sys.stderr, flush=True)  # noqa: E731
            data = build(isa, progress)
        sym = _symbols(isa)
        first = load_native_object(data, sym[0])
        _tables[isa.NAME] = np.array([first] + [native_address(s) for s in sym[1:]], np.int64)
    return _tables[isa.NAME]


def executor(isa_name):
    """execute(op, r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm) -> next pc: one decoded instruction
    run the interpreter's way (through the op table; in the python tier, the generated dispatch),
    for tests and tools that run instructions one at a time."""
    from jitvm.compiled import PURE_PYTHON
    if PURE_PYTHON:
        import importlib
        return importlib.import_module(f"translators.{isa_name}._dispatch").execute
    import ctypes

    from jitvm.isa import isa_info
    ot = table(isa_info(isa_name))
    proto = ctypes.CFUNCTYPE(ctypes.c_int64, *([ctypes.c_void_p] * 3), *([ctypes.c_int64] * 8))
    fns = {}

    def execute(op, r, m, *args):
        op = int(op)
        if op not in fns:
            fns[op] = proto(int(ot[op] if 0 < op < len(ot) else ot[0]))
        return np.int64(fns[op](r.ctypes.data, m[0].ctypes.data, m[4].ctypes.data,
                                *(int(a) for a in args)))
    return execute
