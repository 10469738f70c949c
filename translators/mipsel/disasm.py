"""Disassembly for traces and error messages, in llvm-objdump-19's syntax for mipsel
(`llvm-objdump-19 -d --triple=mipsel --mcpu=mips32r2`) minus its aliases.

Works from the decoded operands. Each row's operands are listed in assembly order (encodings.py
FORMATS) and the field names say how to print them: general registers by llvm's names ($zero,
$1.. $27, $gp, $sp, $fp, $ra), immediates in hex ("-0x4"), memory operands as "offset(base)",
branch and jump targets as absolute addresses ("beq $4, $5, 0x28"). As llvm-objdump does, a
zero code is left out at the end (break, syscall, sync, teq..), jalr leaves out rd when it is
$ra, div/divu print the "$zero" destination the assembler writes and ins prints its size.
No aliases (nop, move, b, bal, beqz, negu, not ...): one mnemonic per table row, what the
semantics run.
"""
from translators.mipsel.decoder import NAMES, OP_ILLEGAL, OPERANDS, ROW_OF_OP, decode

M32 = 0xFFFFFFFF
GPR_NAMES = ["$zero"] + [f"${i}" for i in range(1, 28)] + ["$gp", "$sp", "$fp", "$ra"]
REG_NAMES = dict.fromkeys(("rs", "rt", "rd", "base"), GPR_NAMES)
# the FPU's fields (encodings.py COP1 section): FP registers, condition codes, control registers
REG_NAMES.update(dict.fromkeys(("fs", "ft", "fd", "fr", "fs_d", "ft_d", "fd_d", "fr_d"),
                               [f"$f{i}" for i in range(32)]))
REG_NAMES.update(dict.fromkeys(("cc_c", "cc_b", "cc_m"), [f"$fcc{i}" for i in range(8)]))
REG_NAMES["fcr"] = [f"${i}" for i in range(32)]
OPTIONAL_CCS = {"cc_c", "cc_b"}               # c.cond.fmt, bc1f/bc1t: $fcc0 is left out
BRANCH_OFFSETS = {"boffset"}                 # bytes from the delay slot
JUMP_INDEXES = {"instr_index"}               # within the delay slot's 256 MiB region
OPTIONAL_CODES = {"code", "code_hi", "code_lo", "tcode", "stype"}   # left out when 0 at the end
DEST_ZERO = {"div", "divu"}                  # llvm writes "div $zero, rs, rt"


def hex_imm(v):
    return f"-0x{-v:x}" if v < 0 else f"0x{v:x}"


def disasm(inst, pc=0):
    """One instruction as llvm-objdump would print it (mnemonic, a space, operands)."""
    fields = [int(v) for v in decode(inst)]
    op = fields[0]
    if op == OP_ILLEGAL:
        return f".word 0x{inst & M32:08x}  # illegal"
    name = NAMES[op]
    value = dict(zip(OPERANDS, fields[2:]))
    out = []                                 # (text, field)
    for operand, (kind, src) in ROW_OF_OP[op].operands.items():
        v = value[operand]
        if kind == "const":
            continue                         # implied: the $ra of jal/bal*
        if src in OPTIONAL_CCS and v == 0:
            continue
        if src == "base":                    # "offset(base)": the offset came just before
            out[-1] = (f"{out[-1][0]}({REG_NAMES[src][v]})", src)
        elif src in REG_NAMES:
            out.append((REG_NAMES[src][v], src))
        elif src in BRANCH_OFFSETS:
            out.append((f"0x{(pc + 4 + v) & M32:x}", src))
        elif src in JUMP_INDEXES:
            out.append((f"0x{((pc + 4) & 0xF0000000) | v:x}", src))
        elif src == "msb":                   # ins: the size, msb - pos + 1
            out.append((hex_imm(v - value["imm"] + 1), src))
        elif src == "hwr":
            out.append((f"${v}", src))
        else:
            out.append((hex_imm(v), src))
    if name == "jalr" or name == "jalr.hb":
        if value["rd"] == 31:
            out = out[1:]
    while out and out[-1][1] in OPTIONAL_CODES and out[-1][0] == "0x0":
        out.pop()
    texts = [t for t, _ in out]
    if name in DEST_ZERO:
        texts = ["$zero"] + texts
    return f"{name} {', '.join(texts)}" if texts else name
