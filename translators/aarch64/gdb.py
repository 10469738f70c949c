"""aarch64 for a remote debugger (jitvm/gdb/): gdb's target description and where each register
lives in the CPU state array (cpu.py).

Names, numbers and types follow gdb's feature files (gdb/features/aarch64-core.xml,
aarch64-fpu.xml, aarch64-tls.xml), i.e. what gdbserver sends on Linux: x0..x30 0..30, sp 31,
pc 32, cpsr 33 (32 bits: NZCV in 31..28, from the four flag slots; the rest is EL0's zeros),
v0..v31 34..65 (128 bits, each two slots), fpsr 66, fpcr 67, tpidr 68 (TPIDR_EL0).

The types matter to gdb, not only the sizes: it files a register under `info registers` or
`info vector` by its type, and `p $v0.d.f[1]` needs the union. With v0..v31 typed as plain
128-bit integers, `info registers` listed all 32 of them and `p $v0.s.u` was an error (qemu-user
and gdbserver both give the union). TYPES is gdb 13.1's own description (`maint print xml-tdesc`
on an aarch64 Linux core file); `bfloat16` needs gdb 11 or later. Where qemu-user's description
differs, it is qemu's choice and gdbserver's is followed here: qemu's cpsr, fpsr and fpcr are
plain ints (no `[ EL=0 BTYPE=0 C Z ]`), its vnh has no f/bf views, and it has no tls feature
(TPIDR_EL0 is among its system registers).
"""
from translators.aarch64 import cpu

ARCHITECTURE = "aarch64"

_CPSR = ((None, 0, 28), (cpu.VF, 0, 1), (cpu.CF, 0, 1), (cpu.ZF, 0, 1), (cpu.NF, 0, 1))

# (feature, [(gdb number, name, bits, type, location (translators/regfield.py) or None)])
FEATURES = (
    ("org.gnu.gdb.aarch64.core",
     [(i, f"x{i}", 64, "int", (cpu.X0 + i, 0, 64)) for i in range(31)]
     + [(31, "sp", 64, "data_ptr", (cpu.SP, 0, 64)), (32, "pc", 64, "code_ptr", (cpu.PC, 0, 64)),
        (33, "cpsr", 32, "cpsr_flags", _CPSR)]),
    ("org.gnu.gdb.aarch64.fpu",
     [(34 + i, f"v{i}", 128, "aarch64v", ((cpu.V0 + 2 * i, 0, 64), (cpu.V0 + 2 * i + 1, 0, 64)))
      for i in range(32)]
     + [(66, "fpsr", 32, "fpsr_flags", (cpu.FPSR, 0, 32)),
        (67, "fpcr", 32, "fpcr_flags", (cpu.FPCR, 0, 32))]),
    ("org.gnu.gdb.aarch64.tls",
     [(68, "tpidr", 64, "data_ptr", (cpu.TPIDR_EL0, 0, 64))]),
)


def _flags(ident, *fields):
    """A 32-bit flags type; a field is (name, bit) or (name, lowest bit, highest bit). gdb shows
    a one-bit field by its name when set, a wider one as name=value."""
    return ("flags", ident, 4, tuple((f[0], f[1], f[-1]) for f in fields))


# The types FEATURES names, per feature (jitvm/gdb/stub.py's target_xml puts them before the
# registers): ("vector", id, element type, count), ("union", id, ((field, type), ...)),
# ("flags", id, bytes, ((field, lowest bit, highest bit), ...)).
TYPES = {
    "org.gnu.gdb.aarch64.core": (
        _flags("cpsr_flags", ("SP", 0), ("EL", 2, 3), ("nRW", 4), ("F", 6), ("I", 7), ("A", 8),
               ("D", 9), ("BTYPE", 10, 11), ("SSBS", 12), ("IL", 20), ("SS", 21), ("PAN", 22),
               ("UAO", 23), ("DIT", 24), ("TCO", 25), ("V", 28), ("C", 29), ("Z", 30),
               ("N", 31)),
    ),
    "org.gnu.gdb.aarch64.fpu": (
        *(("vector", ident, elem, count) for ident, elem, count in (
            ("v2d", "ieee_double", 2), ("v2u", "uint64", 2), ("v2i", "int64", 2),
            ("v4f", "ieee_single", 4), ("v4u", "uint32", 4), ("v4i", "int32", 4),
            ("v8f", "ieee_half", 8), ("v8u", "uint16", 8), ("v8i", "int16", 8),
            ("v8bf16", "bfloat16", 8), ("v16u", "uint8", 16), ("v16i", "int8", 16),
            ("v1u", "uint128", 1), ("v1i", "int128", 1))),
        ("union", "vnd", (("f", "v2d"), ("u", "v2u"), ("s", "v2i"))),
        ("union", "vns", (("f", "v4f"), ("u", "v4u"), ("s", "v4i"))),
        ("union", "vnh", (("bf", "v8bf16"), ("f", "v8f"), ("u", "v8u"), ("s", "v8i"))),
        ("union", "vnb", (("u", "v16u"), ("s", "v16i"))),
        ("union", "vnq", (("u", "v1u"), ("s", "v1i"))),
        ("union", "aarch64v", (("d", "vnd"), ("s", "vns"), ("h", "vnh"), ("b", "vnb"),
                               ("q", "vnq"))),
        _flags("fpsr_flags", ("IOC", 0), ("DZC", 1), ("OFC", 2), ("UFC", 3), ("IXC", 4),
               ("IDC", 7), ("QC", 27), ("V", 28), ("C", 29), ("Z", 30), ("N", 31)),
        _flags("fpcr_flags", ("FIZ", 0), ("AH", 1), ("NEP", 2), ("IOE", 8), ("DZE", 9),
               ("OFE", 10), ("UFE", 11), ("IXE", 12), ("EBF", 13), ("IDE", 15),
               ("Len", 16, 18), ("FZ16", 19), ("Stride", 20, 21), ("RMode", 22, 23),
               ("FZ", 24), ("DN", 25), ("AHP", 26)),
    ),
}

# brk #0: Exit.BREAKPOINT with pc on it (what gdb's aarch64 breakpoint is)
BREAKPOINTS = {4: (0xD4200000).to_bytes(4, "little")}
