"""Disassembly for traces and error messages, in llvm-objdump's syntax minus its aliases.

Works from the decoded operands. Each row's operands are listed in assembly order (encodings.py
FORMATS), and the manual's field names say which register file an operand names ($a0, $fa0,
$fcc0, $fcsr0). Branch offsets print as llvm-objdump prints them, the byte offset then the
target (objdump writes a symbol there, we write the address): "beq $a0, $a1, -8 <0xff8>".
No aliases (nop, move, ret, jr): one mnemonic per table row, what the semantics run.
"""
from translators.loongarch64.cpu import FNAMES, XNAMES
from translators.loongarch64.decoder import NAMES, OP_ILLEGAL, OPERANDS, ROW_OF_OP, decode
from translators.loongarch64.encodings import FCMP_CONDS

MASK64 = (1 << 64) - 1
REG_NAMES = {
    **dict.fromkeys(("rd", "rj", "rk"), [f"${n}" for n in XNAMES]),
    **dict.fromkeys(("fd", "fj", "fk", "fa"), [f"${n}" for n in FNAMES]),
    **dict.fromkeys(("cd", "cj", "ca"), [f"$fcc{i}" for i in range(8)]),
    **dict.fromkeys(("fcsrd", "fcsrs"), [f"$fcsr{i}" for i in range(4)]),
}
TARGETS = {"offs16", "offs21", "offs26"}     # pc-relative, except jirl's (relative to rj)


def disasm(inst, pc=0):
    """One instruction as llvm-objdump would print it (mnemonic, a space, operands)."""
    fields = [int(v) for v in decode(inst)]
    op = fields[0]
    if op == OP_ILLEGAL:
        return f".word 0x{inst & 0xFFFFFFFF:08x}  # illegal"
    name = NAMES[op]
    value = dict(zip(OPERANDS, fields[2:]))
    if name.startswith("fcmp.cond."):
        name = name.replace("cond", FCMP_CONDS.get(value["rm"], f"cond{value['rm']}"))
    out = []
    for operand, (kind, src) in ROW_OF_OP[op].operands.items():
        v = value[operand]
        if kind == "const" or src.startswith("cond"):
            continue                    # implied ($ra of bl) or part of the mnemonic (fcmp)
        if src in REG_NAMES:
            out.append(REG_NAMES[src][v])
        elif src in TARGETS and name != "jirl":
            out.append(f"{v} <0x{(pc + v) & MASK64:x}>")
        elif src == "sa2" and name.startswith("alsl"):
            out.append(str(v + 1))      # the assembler writes the shift, the field holds it - 1
        else:
            out.append(str(v))
    return f"{name} {', '.join(out)}" if out else name
