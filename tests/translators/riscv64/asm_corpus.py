"""A test program covering every row of the encoding table, assembled by GNU as.

The 32-bit part is generated from the table's formats (one line per instruction, so a new row is
covered automatically; `as` rejects any operand syntax we get wrong). The compressed part is
written as ordinary instructions that `as -march=rv64gc` compresses; assembled with `.option
norvc` the same lines give the 32-bit expansions, one for one.
"""
from rvhelpers import assemble, instructions
from translators.riscv64.decoder import ROWS
from translators.riscv64.disasm import EXACT_CONVERSIONS, _reg_classes

REGS = {"x": ("a0", "t1", "s11", "a7"), "f": ("fa0", "fs1", "ft11", "fa7")}

TEMPLATES = {
    "R": "{n} {d},{s1},{s2}", "R_RM": "{n} {d},{s1},{s2},rtz", "R1": "{n} {d},{s1}",
    "R1_RM": "{n} {d},{s1},rdn", "R4": "{n} {d},{s1},{s2},{s3},rup",
    "AMO": "{n}.aqrl {d},{s2},({s1})", "LR": "{n}.aq {d},({s1})",
    "I": "{n} {d},{s1},-5", "SH": "{n} {d},{s1},37", "SHW": "{n} {d},{s1},19",
    "S": "{n} {s2},24({s1})", "B": "{n} {s1},{s2},.-40", "U": "{n} {d},0xfffff",
    "J": "{n} ra,.+2000", "CSR": "{n} {d},fcsr,{s1}", "CSRI": "{n} {d},frm,5",
    "FENCE": "{n} rw,w", "FENCE_I": "{n}", "NONE": "{n}",
}
LOAD_LIKE = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "flw", "fld", "jalr"}
EXTRA32 = """
addi a0,a0,1
addi sp,sp,-2048
lui a0,0x80000
auipc ra,0
jalr zero,0(ra)
sd ra,2040(sp)
beq a0,a1,.+4094
bgeu s0,s1,.-4096
jal zero,.-1048576
fence iorw,iorw
fence.tso
csrrs a0,cycle,zero
csrrs a0,instret,zero
csrrw zero,0x7c0,a1
csrrwi zero,fflags,31
fadd.d fa0,fa1,fa2
fadd.s fa0,fa1,fa2,rne
fmadd.d fa0,fa1,fa2,fa3,rmm
fcvt.s.d fa0,fa1,dyn
lr.d a0,(sp)
sc.w.rl a0,a2,(a1)
amoswap.d a0,a2,(a1)
slli a0,a0,0
"""
COMPRESSED = """
addi s0,sp,16
addi a5,sp,1020
fld fa0,8(a1)
lw a0,4(a1)
lw a5,124(s1)
ld a0,8(a1)
ld s0,248(a5)
fsd fa0,8(a1)
sw a0,4(a1)
sd a0,8(a1)
addi zero,zero,0
addi a0,a0,-3
addi t6,t6,31
addiw a0,a0,1
addiw s1,s1,-32
addi a0,zero,-32
addi sp,sp,-64
addi sp,sp,496
lui a0,0xfffe1
lui t0,0x1f
srli a0,a0,63
srai a1,a1,1
andi a2,a2,-1
andi s1,s1,31
sub a0,a0,a1
xor a0,a0,a1
or a0,a0,a1
and a0,a0,a1
subw a0,a0,a1
addw a0,a0,a1
j .-20
j .+2046
j .-2048
beq a0,zero,.+20
bne a5,zero,.-256
beq s0,zero,.+254
slli a0,a0,1
slli t0,t0,63
fld fa0,504(sp)
lw ra,252(sp)
ld ra,504(sp)
jr ra
add a0,zero,a1
ebreak
jalr a0
add a0,a0,a1
fsd fa0,8(sp)
sw a0,252(sp)
sd a0,504(sp)
"""


def corpus32():
    lines = []
    for row in ROWS:
        if row.enc.expands is not None:
            continue
        n, fmt = row.name, row.enc.args.split()[0]
        cd, c1, c2 = _reg_classes(n)
        if fmt == "I" and n in LOAD_LIKE:
            tmpl = "{n} {d},-8({s1})"
        elif fmt == "R1_RM" and n in EXACT_CONVERSIONS:
            tmpl = "{n} {d},{s1}"
        else:
            tmpl = TEMPLATES[fmt]
        lines.append(tmpl.format(n=n, d=REGS[cd][0], s1=REGS[c1][1], s2=REGS[c2][2],
                                 s3=REGS[c2][3]))
    return "\n".join(lines) + EXTRA32


def build(tmp_path):
    """[(pc, inst, objdump text)] with C, and the same program assembled without C."""
    out = []
    for name, rvc in (("rvc", ".option rvc"), ("norvc", ".option norvc")):
        d = tmp_path / name
        d.mkdir()
        code, dump = assemble(d, ".option norvc\n" + corpus32() + "\n" + rvc + "\n" + COMPRESSED)
        insts = instructions(code)
        assert len(insts) == len(dump)
        out.append([(pc, inst, text) for (pc, inst), (_, text) in zip(insts, dump)])
    return out
