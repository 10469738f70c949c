"""Disassembly for traces and error messages, in `objdump -d -M no-aliases` syntax.

Works from the decoded operands, so compressed instructions print as the 32-bit instruction they
expand to (c.li a0,1 prints "addi a0,zero,1"): what the semantics actually run. Branch and jump
targets print as absolute hex addresses; objdump prints the same number without the 0x.
"""
from translators.riscv64.cpu import FNAMES, XNAMES
from translators.riscv64.decoder import NAMES, OP_ILLEGAL, ROW_OF_OP, decode
from translators.riscv64.rv_zicsr import CSR_NAMES

MASK64 = (1 << 64) - 1
ROUNDING = ("rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn")
INT_TYPES = ("w", "wu", "l", "lu")
LOADS = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "flw", "fld", "jalr"}
EXACT_CONVERSIONS = {"fcvt.d.w", "fcvt.d.wu", "fcvt.d.s"}   # objdump shows no rounding mode


def _reg_classes(name):
    """'x' or 'f' for (rd, rs1, rs2/rs3) of instruction `name`."""
    if not name.startswith("f") or name.startswith("fence"):
        return "x", "x", "x"
    if name in ("flw", "fld", "fsw", "fsd"):
        return "f", "x", "f"
    parts = name.split(".")
    if parts[0] == "fcvt":
        return ("x" if parts[1] in INT_TYPES else "f"), ("x" if parts[2] in INT_TYPES else "f"), "f"
    if parts[0] == "fmv":
        return ("x", "f", "f") if parts[1] == "x" else ("f", "x", "f")
    if parts[0] in ("feq", "flt", "fle", "fclass"):
        return "x", "f", "f"
    return "f", "f", "f"


def _fence_set(bits):
    return "".join(c for c, b in zip("iorw", (8, 4, 2, 1)) if bits & b) or "0"


def disasm(inst, pc=0):
    """One instruction as objdump would print it (mnemonic, tab-free, operands comma-separated)."""
    op, ilen, rd, rs1, rs2, rs3, rm, imm = (int(v) for v in decode(inst))
    if op == OP_ILLEGAL:
        return f".insn 0x{inst & (0xFFFF if ilen == 2 else 0xFFFFFFFF):x}  # illegal"
    name = NAMES[op]
    fmt = ROW_OF_OP[op].enc.args.split()[0]
    cd, c1, c2 = _reg_classes(name)
    reg = {"x": XNAMES, "f": FNAMES}
    d, s1, s2, s3 = reg[cd][rd], reg[c1][rs1], reg[c2][rs2], reg[c2][rs3]
    target = f"0x{(pc + imm) & MASK64:x}"
    rmode = "" if rm == 7 or name in EXACT_CONVERSIONS else "," + ROUNDING[rm]
    csr = CSR_NAMES.get(imm, f"0x{imm:x}")
    if fmt == "AMO":
        name += ("", ".rl", ".aq", ".aqrl")[rm]
        ops = f"{d},{s2},({s1})"
    elif fmt == "LR":
        name += ("", ".rl", ".aq", ".aqrl")[rm]
        ops = f"{d},({s1})"
    elif fmt == "I" and name in LOADS:
        ops = f"{d},{imm}({s1})"
    else:
        ops = {
            "R": f"{d},{s1},{s2}", "R_RM": f"{d},{s1},{s2}{rmode}", "R1": f"{d},{s1}",
            "R1_RM": f"{d},{s1}{rmode}", "R4": f"{d},{s1},{s2},{s3}{rmode}",
            "I": f"{d},{s1},{imm}", "SH": f"{d},{s1},0x{imm:x}", "SHW": f"{d},{s1},0x{imm:x}",
            "S": f"{s2},{imm}({s1})", "B": f"{s1},{s2},{target}",
            "U": f"{d},0x{(imm >> 12) & 0xFFFFF:x}", "J": f"{d},{target}",
            "CSR": f"{d},{csr},{s1}", "CSRI": f"{d},{csr},{rs1}",
            "FENCE": f"{_fence_set(imm >> 4)},{_fence_set(imm)}", "FENCE_I": "", "NONE": "",
        }[fmt]
    if name == "fence" and imm >> 8 == 0b1000:
        return "fence.tso"
    return f"{name} {ops}" if ops else name
