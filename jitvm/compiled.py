"""The one place Numba is imported.

Every compiled function in jitvm (instruction semantics, the MMU, the interpreter loop, generated
blocks) is decorated with `jit` from here. With JITVM_ENGINE=python in the environment *before*
this module is first imported, `jit` is the identity and the whole machine runs as plain CPython:
slow, but steppable under pdb and the reference for the `python` tier.

Integer discipline: every guest integer is an int64 (numpy or Python); mixing uint64 and int64 in
Numba yields float64, so unsigned operations go through the helpers below, which convert both
operands explicitly.
"""
import os
import struct
import warnings

import numpy as np

PURE_PYTHON = os.environ.get("JITVM_ENGINE") == "python"

if PURE_PYTHON:
    # numpy scalars warn on wrap-around; wrapping is the guest semantics we want.
    warnings.filterwarnings("ignore", category=RuntimeWarning, message=".*overflow encountered.*")

    def jit(fn=None, **_):
        return fn if fn is not None else (lambda f: f)

    def f64_from_bits(i):
        return struct.unpack("<d", struct.pack("<q", int(i)))[0]

    def f64_to_bits(f):
        return np.int64(struct.unpack("<q", struct.pack("<d", float(f)))[0])

    def f32_from_bits(i):
        return np.float32(struct.unpack("<f", struct.pack("<I", int(i) & 0xFFFFFFFF))[0])

    def f32_to_bits(f):
        return np.int64(struct.unpack("<I", struct.pack("<f", np.float32(f)))[0])

    def fma64(a, b, c):
        return _exact_fma(float(a), float(b), float(c))

    def call_block(addr, idx, r, mem, ctl):  # pragma: no cover - never reached in python mode
        raise RuntimeError("compiled blocks do not exist in the python tier")

    carray = native = load_native_object = native_address = code_size = c_entry_module = None
    target_machine = call_op = None

    import threading
    _atomic = threading.Lock()

    def cas(arr, idx, expected, new):
        """See the compiled cas below. Here atomic only against other cas calls: python-tier
        vCPUs take turns on the GIL, and a plain store may still slip between read and write."""
        with _atomic:
            old = arr[idx]
            if old == expected:
                arr[idx] = new
            return old

    def fence():
        pass
else:
    import numba
    from llvmlite import ir
    from numba import types
    from numba.core import cgutils
    from numba.cpython import numbers as _numbers
    from numba.extending import intrinsic

    # Numba marks int64 +, - and * "nsw" (no signed wrap): LLVM may then assume a sum never
    # overflows, and fold a guest's overflow check (x + 1 < x) or turn an arithmetic shift of a
    # product into a logical one. Guest arithmetic wraps: no flags on any integer op.
    _numbers._int_arith_flags = lambda rettype: []

    import copy

    from numba.core import inline_closurecall
    from numba.core import ir as _nir

    class _BlockCopier:
        """Numba's inliner (inline="always", used throughout the semantics) copies the callee's
        IR block by block with a fresh deepcopy memo each, so every block copies the whole
        variable scope again: quadratic in the inlined code, and ~80% of the compile time of a
        load/store op. Here the blocks of one copy share a memo (a block seen again starts the
        next copy): the same IR, with one scope as in the original."""
        memo, scope = {}, None

        def deepcopy(self, x, memo=None):
            if memo is not None or not isinstance(x, _nir.Block):
                return copy.deepcopy(x, memo)
            if x.scope is not self.scope or id(x) in self.memo:
                self.memo, self.scope = {}, x.scope
            return copy.deepcopy(x, self.memo)

        def __getattr__(self, name):
            return getattr(copy, name)

    inline_closurecall.copy = _BlockCopier()

    import functools
    import hashlib
    from pathlib import Path

    from numba.core import caching

    _REPO = Path(__file__).resolve().parent.parent

    @functools.lru_cache(maxsize=None)
    def _semantics_digest(isa):
        """A digest of every file compiled code of translators/<isa>/ can inline across modules:
        the machine's compiled helpers, the shared translator modules and that ISA's package
        (isa None: the machine's helpers and the shared modules only). Per ISA, so an edit to
        one translator does not make the others' compiled engines stale."""
        h = hashlib.sha256()
        top = _REPO / "translators"
        sources = sorted(top.glob("*.py"))
        if isa:
            sources += sorted(p for p in (top / isa).glob("*.py"))
        for path in [*(_REPO / "jitvm" / f for f in ("compiled.py", "mmu.py", "exits.py")),
                     *sources]:
            h.update(path.read_bytes())
        return h.hexdigest()

    def _isa_of(py_file):
        """The ISA whose translator package holds py_file (its run loops live in its
        __pycache__ too), or None."""
        parts = Path(py_file).parts
        i = len(parts) - 1 - parts[::-1].index("translators") if "translators" in parts else -1
        return parts[i + 1] if 0 <= i < len(parts) - 2 else None

    class _SemanticsStamped:
        """Numba's disk cache checks only the source file of the function itself. A cached
        function inlines (and links the cached code of) functions from other modules, so for
        the project's files the stamp also covers the compiled semantics: change the TLB layout
        in mmu.py and the cached atomics in rv_a.py must not keep the old one."""

        def get_source_stamp(self):
            return super().get_source_stamp(), _semantics_digest(_isa_of(self._py_file))

        @classmethod
        def from_function(cls, py_func, py_file):
            if not Path(py_file).resolve().is_relative_to(_REPO):
                return None
            return super().from_function(py_func, py_file)

    for _base in (caching.UserProvidedCacheLocator, caching.InTreeCacheLocator,
                  caching.UserWideCacheLocator):
        caching.CacheImpl._locator_classes.insert(
            caching.CacheImpl._locator_classes.index(_base),
            type(f"Semantics{_base.__name__}", (_SemanticsStamped, _base), {}))

    def jit(fn=None, **kw):
        """njit with the project's defaults: cached on disk, GIL released, inlined into callers."""
        opts = dict(cache=True, nogil=True, inline="always")
        opts.update(kw)
        if fn is None:
            return numba.njit(**opts)
        return numba.njit(**opts)(fn)

    @intrinsic
    def _bitcast(typingctx, val, target):
        to = target.instance_type if isinstance(target, types.NumberClass) else target.dtype

        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], context.get_value_type(to))
        return to(val, target), codegen

    @intrinsic
    def _fma(typingctx, a, b, c):
        def codegen(context, builder, sig, args):
            d = ir.DoubleType()
            fn = builder.module.declare_intrinsic("llvm.fma", [d], ir.FunctionType(d, [d, d, d]))
            return builder.call(fn, args)
        return types.float64(types.float64, types.float64, types.float64), codegen

    @intrinsic
    def _call_block(typingctx, addr, idx, r, mem, ctl):
        """Call block `idx` of a compiled region by address (jitvm/region_ir.py):
        int64 fn(int64 idx, int64* r, uint8* mem, int64* ctl, int64 0). r, mem, ctl: arrays, or raw
        pointers (as from jitvm.mmu.raw: the run loop's calls then pass no arrays, whose
        reference counting costs two calls per array per block entered)."""
        sig = types.int64(types.int64, types.int64, r, mem, ctl)

        def codegen(context, builder, sig, args):
            i64 = ir.IntType(64)
            fnty = ir.FunctionType(i64, [i64, i64.as_pointer(), ir.IntType(8).as_pointer(),
                                         i64.as_pointer(), i64])
            fptr = builder.inttoptr(args[0], fnty.as_pointer())
            ptrs = [args[1]]
            for ty, val, want in zip(sig.args[2:], args[2:], fnty.args[1:]):
                if isinstance(ty, types.Array):
                    val = cgutils.create_struct_proxy(ty)(context, builder, value=val).data
                ptrs.append(builder.bitcast(val, want))
            return builder.call(fptr, ptrs + [ir.Constant(i64, 0)])
        return sig, codegen

    @intrinsic
    def _call_op(typingctx, addr, rp, mp, cp, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
        """Call an op (jitvm/ops.py) by address, as the interpreter's op table holds them:
        int64 op(int64 *r, uint8 *mem, int64 *ctl, int64 pc, ilen, rd, rs1, rs2, rs3, rm, imm),
        with the raw pointers jitvm.mmu.raw makes."""
        fields = (pc, ilen, rd, rs1, rs2, rs3, rm, imm)
        sig = types.int64(addr, rp, mp, cp, *fields)

        def codegen(context, builder, sig, args):
            i64 = ir.IntType(64)
            fnty = ir.FunctionType(i64, [i64.as_pointer(), ir.IntType(8).as_pointer(),
                                         i64.as_pointer()] + [i64] * len(fields))
            fptr = builder.inttoptr(context.cast(builder, args[0], sig.args[0], types.int64),
                                    fnty.as_pointer())
            ptrs = [builder.bitcast(v, t) for v, t in zip(args[1:4], fnty.args[:3])]
            ints = [context.cast(builder, v, t, types.int64)
                    for v, t in zip(args[4:], sig.args[4:])]
            return builder.call(fptr, ptrs + ints)
        return sig, codegen

    @jit
    def call_op(addr, rp, mp, cp, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
        return _call_op(addr, rp, mp, cp, pc, ilen, rd, rs1, rs2, rs3, rm, imm)

    from numba import carray  # noqa: F401  (re-exported for jitvm.mmu.block_views)

    def native(*argtypes):
        """A C-callable entry point taking raw pointers ("p": int64*, "v": void*, "i": int64).
        Arrays rebuilt from raw pointers inside carry no reference count, so the calls below
        the entry point pay no atomic increments per array per call."""
        import ctypes
        kinds = {"p": types.CPointer(types.int64), "v": types.voidptr, "i": types.int64}
        sig = types.int64(*(kinds[k] for k in argtypes))
        cargs = [ctypes.c_int64 if k == "i" else ctypes.c_void_p for k in argtypes]

        def wrap(fn):
            cf = numba.cfunc(sig, nopython=True, cache=True)(fn)
            call = ctypes.CFUNCTYPE(ctypes.c_int64, *cargs)(cf.address)   # releases the GIL
            call.keepalive = cf
            return call
        return wrap

    def c_entry_module(fn, nargs):
        """fn compiled as a C entry point int64 (int64 *, void *, int64 *, nargs x int64), for
        jitvm/ops.py: (its LLVM module as bitcode, the entry's name, the name of the function in
        Numba's calling convention behind it). Uses Numba internals (the cfunc's library)."""
        sig = types.int64(types.CPointer(types.int64), types.voidptr, types.CPointer(types.int64),
                          *([types.int64] * nargs))
        cf = numba.cfunc(sig, nopython=True)(fn)
        return (cf._library._final_module.as_bitcode(), cf._wrapper_name,
                cf._wrapper_name[len("cfunc."):])

    def target_machine():
        """The LLVM target machine Numba compiles for (this host's CPU and features)."""
        from numba.core.registry import cpu_target
        return cpu_target.target_context.codegen()._tm

    def load_native_object(data, symbol):
        """Link object code (a translated region, jitvm/region_ir.py) into this process; returns
        the address of `symbol`. About 1 ms. Uses Numba internals: its MCJIT engine, which
        resolves the Numba runtime symbols the code refers to."""
        import llvmlite.binding as ll
        from numba.core.registry import cpu_target
        from numba.core.runtime import rtsys
        ctx = cpu_target.target_context
        rtsys.initialize(ctx)
        engine = ctx.codegen()._engine._ee
        engine.add_object_file(ll.ObjectFileRef.from_data(data))
        return native_address(symbol)

    def native_address(symbol):
        """The address of `symbol` in object code load_native_object loaded."""
        from numba.core.registry import cpu_target
        address = cpu_target.target_context.codegen()._engine._ee.get_function_address(symbol)
        if not address:
            raise RuntimeError(f"{symbol} not found in the object code")
        return address

    def code_size(data):
        """Bytes of machine code in object code `data` (for a profiler's symbol map)."""
        import llvmlite.binding as ll
        return sum(s.size() for s in ll.ObjectFileRef.from_data(data).sections() if s.is_text())

    @intrinsic
    def data_ptr(typingctx, arr):
        """The data pointer of a 1-D int64 array, as int64* (for the raw-pointer dispatch)."""
        sig = types.CPointer(arr.dtype)(arr)

        def codegen(context, builder, sig, args):
            return cgutils.create_struct_proxy(sig.args[0])(context, builder, value=args[0]).data
        return sig, codegen

    @intrinsic
    def void_ptr(typingctx, arr):
        """The data pointer of an array, as void*."""
        sig = types.voidptr(arr)

        def codegen(context, builder, sig, args):
            a = cgutils.create_struct_proxy(sig.args[0])(context, builder, value=args[0])
            return builder.bitcast(a.data, ir.IntType(8).as_pointer())
        return sig, codegen

    @intrinsic
    def cas(typingctx, arr, idx, expected, new):
        """Atomically: old = arr[idx]; if old == expected: arr[idx] = new. Returns old.
        Sequentially consistent (LLVM cmpxchg seq_cst: a full barrier, `lock cmpxchg` on x86):
        the one primitive the guests' atomic instructions are built from, so they stay atomic
        between vCPUs running on different host threads. expected/new are truncated to the
        array's element type."""
        dt = arr.dtype

        def codegen(context, builder, sig, args):
            aty = sig.args[0]
            ary = context.make_array(aty)(context, builder, args[0])
            idx = context.cast(builder, args[1], sig.args[1], types.intp)
            ptr = cgutils.get_item_pointer(context, builder, aty, ary, [idx])
            exp = context.cast(builder, args[2], sig.args[2], dt)
            val = context.cast(builder, args[3], sig.args[3], dt)
            pair = builder.cmpxchg(ptr, exp, val, "seq_cst", "seq_cst")
            return builder.extract_value(pair, 0)
        return dt(arr, idx, expected, new), codegen

    @intrinsic
    def fence(typingctx):
        """A full memory barrier (LLVM fence seq_cst: `mfence` on x86), also a compiler barrier:
        no guest load or store moves across it."""
        def codegen(context, builder, sig, args):
            builder.fence("seq_cst")
            return context.get_dummy_value()
        return types.none(), codegen

    @jit
    def f64_from_bits(i):
        return _bitcast(np.int64(i), np.float64)

    @jit
    def f64_to_bits(f):
        return _bitcast(np.float64(f), np.int64)

    @jit
    def f32_from_bits(i):
        return _bitcast(np.int32(i & 0xFFFFFFFF), np.float32)

    @jit
    def f32_to_bits(f):
        return np.int64(_bitcast(np.float32(f), np.int32)) & 0xFFFFFFFF

    @jit
    def fma64(a, b, c):
        """a*b+c rounded once (LLVM's fma: hardware where present, libm's exact fallback else)."""
        return _fma(np.float64(a), np.float64(b), np.float64(c))

    @jit
    def call_block(addr, idx, r, mem, ctl):
        return _call_block(addr, idx, r, mem, ctl)


def _exact_fma(a, b, c):
    """Correctly rounded a*b+c for the python tier, via exact rational arithmetic."""
    import math
    from fractions import Fraction
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:
        # IEEE: exact zero sum takes the sign of the RNE operation on the zero terms
        return a * b + c
    return _round_fraction(exact)


def _round_fraction(q):
    """Round an exact rational to the nearest double, ties to even (float() of a Fraction does)."""
    try:
        return float(q)
    except OverflowError:
        return float("inf") if q > 0 else float("-inf")


# ---- integer helpers shared by every ISA (compiled and plain) -------------------------------

@jit
def sext32(x):
    """Sign-extend the low 32 bits of x to int64."""
    return ((np.int64(x) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000     # LLVM: one movslq


@jit
def sext(x, bits):
    """Sign-extend the low `bits` bits of x."""
    m = np.int64(1) << (bits - 1)
    x = np.int64(x) & ((np.int64(1) << bits) - 1) if bits < 64 else np.int64(x)
    return (x ^ m) - m if bits < 64 else x


@jit
def u64(x):
    return np.uint64(np.int64(x))


@jit
def s64(x):
    return np.int64(np.uint64(x))


@jit
def ltu(a, b):
    """Unsigned a < b on int64 values."""
    return np.uint64(np.int64(a)) < np.uint64(np.int64(b))
