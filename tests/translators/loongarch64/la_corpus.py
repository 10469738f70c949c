"""A test program covering every row of the loongarch64 encoding table, assembled by llvm-mc-19.

One line per row (per condition for fcmp), generated from the row's operands in assembly order:
each field gets a fixed, distinctive value (FIELD_VALUES), so the test knows the exact operands
the decoder must return, and llvm-mc rejects any syntax or range we get wrong. EXTRA adds edge
values (extreme offsets and immediates, $r21/$fp, the aliases llvm-objdump prints). build()
returns [(pc, inst, objdump text, expected decode or None)].
"""
import re
import subprocess

from tests.tools import need
from translators.loongarch64.cpu import FNAMES, XNAMES
from translators.loongarch64.decoder import OPERANDS, ROWS
from translators.loongarch64.encodings import FCMP_CONDS

FIELD_VALUES = {
    "rd": 4, "rj": 13, "rk": 31, "fd": 3, "fj": 9, "fk": 31, "fa": 20, "cd": 1, "cj": 6, "ca": 7,
    "fcsrd": 3, "fcsrs": 2, "ui5": 17, "ui6": 37, "ui12": 2748, "si12": -5, "si14": -1028,
    "si16": -300, "si20": -3, "offs16": -40, "offs21": 4000, "offs26": -100000, "sa2": 2,
    "sa3": 5, "msbw": 20, "lsbw": 3, "msbd": 40, "lsbd": 7, "code": 77, "hint": 8,
}
REG_FILES = {**dict.fromkeys(("rd", "rj", "rk"), XNAMES),
             **dict.fromkeys(("fd", "fj", "fk", "fa"), FNAMES),
             **dict.fromkeys(("cd", "cj", "ca"), [f"fcc{i}" for i in range(8)]),
             **dict.fromkeys(("fcsrd", "fcsrs"), [f"fcsr{i}" for i in range(4)])}

EXTRA = """
addi.d $sp, $sp, -2048
addi.w $r21, $fp, 2047
andi $zero, $zero, 0
or $a0, $a1, $zero
jirl $zero, $ra, 0
jirl $zero, $a0, 0
jirl $ra, $t0, -131072
beq $a0, $a1, -131072
bne $s0, $s1, 131068
beqz $a0, -4194304
bnez $t8, 4194300
bceqz $fcc0, -4
bcnez $fcc7, 4194300
b -4096
bl 134217724
ldptr.d $a0, $a1, 32764
stptr.w $a0, $a1, -32768
ll.w $a0, $sp, 0
sc.d $a0, $a1, -32768
ld.d $ra, $sp, 2040
st.d $ra, $sp, -2048
ld.bu $a0, $a0, -1
lu12i.w $a0, 524287
lu12i.w $a0, -524288
lu32i.d $a0, -1
lu52i.d $a0, $a0, -2048
pcalau12i $a0, 0
pcaddu18i $ra, -1
addu16i.d $a0, $a0, 32767
andi $a0, $a0, 4095
bstrpick.d $a0, $a1, 63, 0
bstrins.w $a0, $a1, 31, 31
slli.w $a0, $a0, 0
srai.d $a0, $a0, 63
alsl.d $a0, $a1, $a2, 1
alsl.wu $a0, $a1, $a2, 4
bytepick.d $a0, $a1, $a2, 0
rdtime.d $a0, $zero
rdtimel.w $a0, $zero
cpucfg $a0, $a0
movgr2fcsr $fcsr0, $zero
movfcsr2gr $a0, $fcsr0
break 0
break 7
syscall 0
dbar 0
ibar 0
preld 0, $sp, -2048
fmadd.d $fa0, $fa1, $fa2, $fa3
fsel $fs7, $ft15, $fa0, $fcc0
amadd_db.d $a0, $zero, $a1
"""


def _operand_text(row, field, value):
    if field in REG_FILES:
        return "$" + REG_FILES[field][value]
    if field == "sa2" and row.name.startswith("alsl"):
        return str(value + 1)
    return str(value)


def lines():
    """[(asm line, expected decode tuple)] covering every row."""
    out = []
    for row in ROWS:
        names = [row.name]
        if row.name.startswith("fcmp.cond."):   # the conditions this row's pattern covers
            names = [row.name.replace("cond", c) for v, c in FCMP_CONDS.items()
                     if (v << 15 ^ row.match) & row.mask & 0xF8000 == 0]
        for name in names:
            want = dict.fromkeys(OPERANDS, 0)
            ops = []
            for operand, (kind, src) in row.operands.items():
                if kind == "const":
                    want[operand] = src
                elif src.startswith("cond"):
                    want[operand] = {v: k for k, v in FCMP_CONDS.items()}[name.split(".")[1]]
                else:
                    want[operand] = FIELD_VALUES[src]
                    ops.append(_operand_text(row, src, FIELD_VALUES[src]))
            out.append((f"{name} {', '.join(ops)}".strip(),
                        (row.op, 4) + tuple(want[k] for k in OPERANDS)))
    return out + [(line, None) for line in EXTRA.strip().splitlines()]


DUMP = re.compile(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} ){4})\s*(.*)$")
TARGET = re.compile(r"<\.text(?:\+(0x[0-9a-f]+))?>")
# llvm-objdump 19 prints these aliases and has no option to turn them off; disasm does not
ALIASES = [(re.compile(a), b) for a, b in (
    (r"^nop$", "andi $zero, $zero, 0"), (r"^move (\S+), (\S+)$", r"or \1, \2, $zero"),
    (r"^ret$", "jirl $zero, $ra, 0"), (r"^jr (\S+)$", r"jirl $zero, \1, 0"))]


def objdump_style(text):
    """llvm-objdump's text as disasm() writes it: no aliases, targets as <0xaddress>."""
    for alias, full in ALIASES:
        text = alias.sub(full, text)
    return TARGET.sub(lambda mt: f"<{mt.group(1) or '0x0'}>", text)


def assemble(tmp_path, source):
    """[(pc, inst, llvm-objdump text)] of an assembly source (tabs become single spaces)."""
    mc, objdump = need("llvm-mc-19"), need("llvm-objdump-19")
    src, obj = tmp_path / "corpus.s", tmp_path / "corpus.o"
    src.write_text(source)
    subprocess.run([mc, "--triple=loongarch64", "-mattr=+d", "-filetype=obj", str(src),
                    "-o", str(obj)], check=True)
    dump = subprocess.run([objdump, "-d", str(obj)], check=True, capture_output=True,
                          text=True).stdout
    out = []
    for text in dump.splitlines():
        m = DUMP.match(text)
        if m:
            inst = int.from_bytes(bytes.fromhex(m.group(2).replace(" ", "")), "little")
            out.append((int(m.group(1), 16), inst, " ".join(m.group(3).split("\t")).strip()))
    return out


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
