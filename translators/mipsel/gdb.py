"""mipsel for a remote debugger (jitvm/gdb/): gdb's target description and where each register
lives in the CPU state array (cpu.py).

Names and order follow gdb's feature files (gdb/features/mips-cpu.xml, mips-cp0.xml,
mips-fpu.xml) and QEMU's mips gdb-xml: r0..r31 0..31, sr 32, lo 33, hi 34, badvaddr 35, cause
36, pc 37, f0..f31 38..69 (32-bit: FR=0), fcsr 70, fir 71. Registers are 32-bit: the low half of
the sign-extended state. sr, badvaddr and cause are kernel state this CPU does not keep: 0.
"""
from translators.mipsel import cpu

ARCHITECTURE = "mips"

_RTYPES = {cpu.SP: "data_ptr", cpu.RA: "code_ptr"}

# (feature, [(gdb number, name, bits, type, (state index, lowest bit, width) or None)])
FEATURES = (
    ("org.gnu.gdb.mips.cpu",
     [(i, f"r{i}", 32, _RTYPES.get(i, "int"), (cpu.R0 + i, 0, 32)) for i in range(32)]
     + [(33, "lo", 32, "int", (cpu.LO, 0, 32)), (34, "hi", 32, "int", (cpu.HI, 0, 32)),
        (37, "pc", 32, "code_ptr", (cpu.PC, 0, 32))]),
    ("org.gnu.gdb.mips.cp0",
     [(32, "status", 32, "int", None), (35, "badvaddr", 32, "int", None),
      (36, "cause", 32, "int", None)]),
    ("org.gnu.gdb.mips.fpu",
     [(38 + i, f"f{i}", 32, "ieee_single", (cpu.F0 + i, 0, 32)) for i in range(32)]
     + [(70, "fcsr", 32, "int", (cpu.FCSR, 0, 32)), (71, "fir", 32, "int", (cpu.FIR, 0, 32))]),
)

# `break 5` (gdb's MIPS Linux breakpoint): Exit.BREAKPOINT with pc on it, SIGTRAP
BREAKPOINTS = {4: (0x0005000D).to_bytes(4, "little")}
