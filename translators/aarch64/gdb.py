"""aarch64 for a remote debugger (jitvm/gdb/): gdb's target description and where each register
lives in the CPU state array (cpu.py).

Names, numbers and types follow gdb's feature files (gdb/features/aarch64-core.xml and
aarch64-fpu.xml): x0..x30 0..30, sp 31, pc 32, cpsr 33 (32 bits: NZCV in 31..28, from the four
flag slots), v0..v31 34..65 (128 bits, each two slots), fpsr 66, fpcr 67.
"""
from translators.aarch64 import cpu

ARCHITECTURE = "aarch64"

_CPSR = ((None, 0, 28), (cpu.VF, 0, 1), (cpu.CF, 0, 1), (cpu.ZF, 0, 1), (cpu.NF, 0, 1))

# (feature, [(gdb number, name, bits, type, location (translators/regfield.py) or None)])
FEATURES = (
    ("org.gnu.gdb.aarch64.core",
     [(i, f"x{i}", 64, "int", (cpu.X0 + i, 0, 64)) for i in range(31)]
     + [(31, "sp", 64, "data_ptr", (cpu.SP, 0, 64)), (32, "pc", 64, "code_ptr", (cpu.PC, 0, 64)),
        (33, "cpsr", 32, "int", _CPSR)]),
    ("org.gnu.gdb.aarch64.fpu",
     [(34 + i, f"v{i}", 128, "uint128", ((cpu.V0 + 2 * i, 0, 64), (cpu.V0 + 2 * i + 1, 0, 64)))
      for i in range(32)]
     + [(66, "fpsr", 32, "int", (cpu.FPSR, 0, 32)), (67, "fpcr", 32, "int", (cpu.FPCR, 0, 32))]),
)

# brk #0: Exit.BREAKPOINT with pc on it (what gdb's aarch64 breakpoint is)
BREAKPOINTS = {4: (0xD4200000).to_bytes(4, "little")}
