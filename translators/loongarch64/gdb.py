"""loongarch64 for a remote debugger (jitvm/gdb/): gdb's target description and where each
register lives in the CPU state array (cpu.py).

Names and order follow gdb's feature files (gdb/features/loongarch/base64.xml, fpu64.xml) and
QEMU's loongarch gdb-xml: r0..r31 0..31, orig_a0 32, pc 33, badv 34, f0..f31 35..66,
fcc0..fcc7 67..74, fcsr 75. orig_a0 (the syscall's first argument before the call) and badv (the
last bad address) are kernel-entry state this CPU does not keep: they read as 0.
"""
from translators.loongarch64 import cpu

ARCHITECTURE = "loongarch64"

_RTYPES = {1: "code_ptr", 2: "data_ptr", 3: "data_ptr", 22: "data_ptr"}

# (feature, [(gdb number, name, bits, type, (state index, lowest bit, width) or None)])
FEATURES = (
    ("org.gnu.gdb.loongarch.base",
     [(i, f"r{i}", 64, _RTYPES.get(i, "uint64"), (cpu.R0 + i, 0, 64)) for i in range(32)]
     + [(32, "orig_a0", 64, "uint64", None), (33, "pc", 64, "code_ptr", (cpu.PC, 0, 64)),
        (34, "badv", 64, "code_ptr", None)]),
    ("org.gnu.gdb.loongarch.fpu",
     [(35 + i, f"f{i}", 64, "ieee_double", (cpu.F0 + i, 0, 64)) for i in range(32)]
     + [(67 + i, f"fcc{i}", 8, "uint8", (cpu.FCC0 + i, 0, 8)) for i in range(8)]
     + [(75, "fcsr", 32, "uint32", (cpu.FCSR, 0, 32))]),
)

# `break 0`: Exit.BREAKPOINT with pc on it (codes abi.BREAK_SIGNALS lists mean other things)
BREAKPOINTS = {4: (0x002A0000).to_bytes(4, "little")}
