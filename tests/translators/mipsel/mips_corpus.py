"""A test program covering every row of the mipsel encoding table, assembled by llvm-mc-19.

One line per row, generated from the row's operands in assembly order: each field gets a fixed,
distinctive value (FIELD_VALUES), so the test knows the exact operands the decoder must return,
and llvm-mc rejects any syntax or range we get wrong. EXTRA adds edge values (extreme offsets
and immediates, the aliases llvm-objdump prints). build() returns
[(pc, inst, objdump text, expected decode or None)].
"""
import re
import subprocess

from tests.tools import need
from translators.mipsel.decoder import OPERANDS, ROWS
from translators.mipsel.encodings import INTEGER_EXTS

MC_ARGS = ["-triple=mipsel", "-mcpu=mips32r2"]
OBJDUMP_ARGS = ["--triple=mipsel", "--mcpu=mips32r2"]

FIELD_VALUES = {
    "rs": 5, "rt": 17, "rd": 26, "base": 29, "sa": 13, "immediate": -300, "uimmediate": 48879,
    "offset": -1234, "boffset": 1000, "instr_index": 0x123450, "code": 0x54321,
    "code_hi": 1000, "code_lo": 13, "tcode": 777, "stype": 16, "hint": 30, "lsb": 5, "size": 9,
    "msb": 20, "hwr": 29,
}
GPR = ["$zero"] + [f"${i}" for i in range(1, 28)] + ["$gp", "$sp", "$fp", "$ra"]
REG_FIELDS = {"rs", "rt", "rd", "base"}

EXTRA = """
addiu $sp, $sp, -32768
addiu $2, $3, 32767
sll $zero, $zero, 0
sll $zero, $zero, 1
sll $zero, $zero, 3
sll $zero, $zero, 5
addu $2, $3, $zero
or $2, $3, $zero
subu $2, $zero, $3
sub $2, $zero, $3
nor $2, $3, $zero
beq $zero, $zero, -4
beq $4, $zero, 131068
bne $4, $zero, -131072
bgezal $zero, 8
bltzal $4, -8
jr $ra
jalr $25
jalr $ra, $25
jalr $4, $4
j 0x0ffffffc
jal 0
lw $ra, 28($sp)
sw $ra, 28($sp)
lwl $2, 3($4)
lwr $2, 0($4)
swl $2, 3($4)
swr $2, 0($4)
ll $2, 0($4)
sc $2, 0($4)
lui $2, 0
ori $2, $2, 65535
andi $2, $3, 1
sltiu $2, $3, 1
slti $2, $3, -32768
xori $2, $3, 0
teq $4, $zero, 7
teq $4, $5, 0
tne $4, $5, 1023
teqi $4, -32768
tltiu $4, -1
break
break 7
break 6
break 7, 7
break 0, 7
break 1023, 1023
syscall
syscall 1048575
sync
sync 4
rdhwr $3, $29
ext $2, $3, 0, 32
ext $2, $3, 31, 1
ins $2, $3, 0, 32
ins $2, $3, 31, 1
rotr $2, $3, 31
srl $2, $3, 0
sra $2, $3, 31
clz $2, $3
clo $31, $31
wsbh $2, $3
seb $2, $2
seh $ra, $zero
mult $zero, $zero
madd $3, $4
msubu $31, $31
mflo $2
mfhi $ra
mtlo $zero
mul $2, $3, $4
movz $2, $3, $4
movn $2, $3, $zero
pref 0, 0($4)
pref 31, -32768($4)
synci 0($4)
beql $4, $5, 8
bnel $4, $5, -8
bgezall $4, 8
bltzl $4, 8
jr.hb $ra
jalr.hb $4, $5
"""


def _operand_text(field, value):
    if field in REG_FIELDS:
        return GPR[value]
    if field == "hwr":
        return f"${value}"
    if field == "msb":
        return str(value - FIELD_VALUES["lsb"] + 1)     # ins writes the size
    return str(value)


def lines():
    """[(asm line, expected decode tuple)] covering every integer row (the FPU's have their
    own corpus)."""
    out = []
    for row in (row for row in ROWS if row.enc.ext in INTEGER_EXTS):
        want = dict.fromkeys(OPERANDS, 0)
        ops = []
        for operand, (kind, src) in row.operands.items():
            if kind == "const":
                want[operand] = src
                continue
            value = FIELD_VALUES[src]
            want[operand] = value
            if src == "base":
                ops[-1] = f"{ops[-1]}({GPR[value]})"
            else:
                ops.append(_operand_text(src, value))
        if row.name in ("div", "divu"):
            ops = ["$zero"] + ops
        out.append((f"{row.name} {', '.join(ops)}".strip(),
                    (row.op, 4) + tuple(want[k] for k in OPERANDS)))
    return out + [(line, None) for line in EXTRA.strip().splitlines()]


DUMP = re.compile(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} ){4})\s*(.*)$")
SYMBOL = re.compile(r" <[^>]*>")           # llvm-objdump symbolizes immediates: <.text+0x4>
# llvm-objdump 19 prints these aliases and has no option to turn them off; disasm does not.
# Keyed by the mnemonic; move is addu or or, told apart by the word's function field.
SLL_ALIASES = {"nop": "0x0", "ssnop": "0x1", "ehb": "0x3", "pause": "0x5"}


def objdump_style(text, inst):
    """llvm-objdump's text as disasm() writes it: no aliases, no symbols, single spaces."""
    text = SYMBOL.sub("", text)
    if text.startswith(".set"):               # rdhwr is wrapped in .set push/mips32r2/pop
        text = next(t for t in text.split("\n") if t.startswith("rdhwr")).strip()
    name, _, rest = text.partition(" ")
    ops = rest.split(", ") if rest else []
    if name in SLL_ALIASES:
        return f"sll $zero, $zero, {SLL_ALIASES[name]}"
    if name == "move":
        return f"{'addu' if inst & 0x3F == 0x21 else 'or'} {ops[0]}, {ops[1]}, $zero"
    if name in ("negu", "neg"):
        return f"{'subu' if name == 'negu' else 'sub'} {ops[0]}, $zero, {ops[1]}"
    if name == "not":
        return f"nor {ops[0]}, {ops[1]}, $zero"
    if name == "b":
        return f"beq $zero, $zero, {ops[0]}"
    if name == "bal":
        return f"bgezal $zero, {ops[0]}"
    if name in ("beqz", "bnez", "beqzl", "bnezl"):
        return f"{name[:3]}{name[4:]} {ops[0]}, $zero, {ops[1]}"
    return text


def _run_objdump(tmp_path, source):
    mc, objdump = need("llvm-mc-19"), need("llvm-objdump-19")
    src, obj = tmp_path / "corpus.s", tmp_path / "corpus.o"
    src.write_text(".set noreorder\n.set noat\n" + source)
    subprocess.run([mc, *MC_ARGS, "-filetype=obj", str(src), "-o", str(obj)], check=True)
    return subprocess.run([objdump, "-d", *OBJDUMP_ARGS, str(obj)], check=True,
                          capture_output=True, text=True).stdout


def assemble(tmp_path, source):
    """[(pc, inst, llvm-objdump text)] of an assembly source (tabs become single spaces; the
    lines llvm-objdump wraps rdhwr in are joined back to their instruction)."""
    out = []
    for text in _run_objdump(tmp_path, source).splitlines():
        m = DUMP.match(text)
        if m:
            inst = int.from_bytes(bytes.fromhex(m.group(2).replace(" ", "")), "little")
            out.append([int(m.group(1), 16), inst, " ".join(m.group(3).split("\t")).strip()])
        elif out and out[-1][2].startswith(".set") and not text.startswith("\t.set pop"):
            out[-1][2] += "\n" + " ".join(text.split("\t")).strip()
    return [tuple(o) for o in out]


def build(tmp_path):
    """[(pc, inst, objdump text, expected decode or None)] for lines()."""
    corpus = lines()
    out = assemble(tmp_path, "".join(line + "\n" for line, _ in corpus))
    assert len(out) == len(corpus), (len(out), len(corpus))
    return [(pc, inst, text, want) for (pc, inst, text), (_, want) in zip(out, corpus)]


def dump_words(tmp_path, words):
    """llvm-objdump's text for each 32-bit word ('<unknown>' where LLVM finds no instruction)."""
    out = assemble(tmp_path, "".join(f".word {w:#x}\n" for w in words))
    assert [inst for _, inst, _ in out] == list(words)
    return [text for _, _, text in out]
