"""What the engine needs of a translator (translators/<isa>/), derived once per ISA.

Every layer of the engine reads an ISA through IsaInfo: the run loops, the region compiler, the
ops, the translation cache's keys. It sits below all of them and imports none of them.
"""
import hashlib
import importlib
import importlib.util

import translators


class IsaInfo:
    def __init__(self, name):
        pkg = translators.load(name)
        self.pkg, self.NAME = pkg, name
        self.fetch, self.decode, self.disasm = pkg.fetch, pkg.decode, pkg.disasm
        self.ENDS_BLOCK, self.NAMES = pkg.ENDS_BLOCK, pkg.NAMES
        self.PC = pkg.cpu.PC
        self.version = semantics_version(name)
        self.new_regs, self.nregs = pkg.cpu.new_regs, pkg.cpu.NREGS
        self._dispatch = importlib.import_module(f"translators.{name}._dispatch")
        self._sem = {}

    def semantic(self, op):
        """(module, function name) of the semantic function for op (the generated dispatch's
        `illegal` for op 0 and ops without semantics)."""
        if op not in self._sem:
            fn = self._dispatch.SEMANTICS[op]
            fn = getattr(fn, "py_func", fn)
            self._sem[op] = (fn.__module__, fn.__name__)
        return self._sem[op]

    def semantic_module(self, fname):
        fn = getattr(self._dispatch, fname)
        return getattr(fn, "py_func", fn).__module__

    def op_functions(self):
        """The names of every semantic function of the ISA."""
        return sorted({self.semantic(op)[1] for op in range(len(self.NAMES))})


_ISAS = {}


def isa_info(name):
    """The IsaInfo of `name`, made once per process."""
    if name not in _ISAS:
        _ISAS[name] = IsaInfo(name)
    return _ISAS[name]


def semantics_version(isa_name):
    """A digest of everything compiled code inlines from the translator. Numba's disk cache only
    notices edits to the file a function is defined in, so every generated file's name carries
    this: a change to any semantic function makes new files, never stale machine code."""
    dispatch = importlib.util.find_spec(f"translators.{isa_name}._dispatch").origin
    return hashlib.sha256(open(dispatch, "rb").read()).hexdigest()[:12]
