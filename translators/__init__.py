"""Instruction-set translators: one package per guest ISA, every package with the same module names.

A translator knows one ISA completely (encodings, decoding, semantics, CPU state layout, ABI facts,
disassembly) and nothing about processes, files or scheduling. It imports only jitvm's compiled
primitives (`jitvm.compiled`, `jitvm.mmu`, `jitvm.exits`) -- the way QEMU target code calls the
core's load/store helpers -- never the engine or the kernel.
"""
import importlib

ISAS = ("riscv64", "loongarch64", "aarch64", "mipsel")
DEFAULT_ISA = "riscv64"
# e_machine -> ISA (each abi.ELF_MACHINE says the same; tests/translators/test_isas.py checks)
ELF_MACHINES = {243: "riscv64", 258: "loongarch64", 183: "aarch64", 8: "mipsel"}


def load(name):
    """The translator package for ISA `name`."""
    if name not in ISAS:
        raise ValueError(f"unsupported ISA {name!r}; jitvm supports: {', '.join(ISAS)}")
    pkg = importlib.import_module(f"translators.{name}")
    for part in ("abi", "cpu"):          # every translator has these modules
        importlib.import_module(f"translators.{name}.{part}")
    return pkg
