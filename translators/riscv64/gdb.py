"""riscv64 for a remote debugger (jitvm/gdb/): gdb's target description and where each register
lives in the CPU state array (cpu.py).

Names, order and numbers follow gdb's own feature files (gdb/features/riscv/64bit-cpu.xml and
64bit-fpu.xml): x0..x31 are 0..31, pc 32, f0..f31 33..64, fflags 66, frm 67, fcsr 68 -- gdb
numbers the CSRs from 65 + CSR number, so 65 is unused.
"""
from translators.riscv64 import cpu

ARCHITECTURE = "riscv:rv64"

# gdb's names for x0..x31 (the psABI's, with s0 called fp) and the types gdb gives them
_XTYPES = {"ra": "code_ptr", "sp": "data_ptr", "gp": "data_ptr", "tp": "data_ptr",
           "fp": "data_ptr"}
_XNAMES = ["fp" if n == "s0" else n for n in cpu.XNAMES]

# (feature, [(gdb number, name, bits, type, (state index, lowest bit, width) or None)])
FEATURES = (
    ("org.gnu.gdb.riscv.cpu",
     [(i, n, 64, _XTYPES.get(n, "int"), (cpu.X0 + i, 0, 64)) for i, n in enumerate(_XNAMES)]
     + [(32, "pc", 64, "code_ptr", (cpu.PC, 0, 64))]),
    ("org.gnu.gdb.riscv.fpu",
     [(33 + i, n, 64, "ieee_double", (cpu.F0 + i, 0, 64)) for i, n in enumerate(cpu.FNAMES)]
     + [(66, "fflags", 32, "int", (cpu.FCSR, 0, 5)), (67, "frm", 32, "int", (cpu.FCSR, 5, 3)),
        (68, "fcsr", 32, "int", (cpu.FCSR, 0, 8))]),
)

# Z0 kinds gdb asks for: 4 for a 32-bit instruction slot (ebreak), 2 for a compressed one
# (c.ebreak). Either traps with pc on it, which is where gdb expects to find it.
BREAKPOINTS = {4: (0x00100073).to_bytes(4, "little"), 2: (0x9002).to_bytes(2, "little")}
