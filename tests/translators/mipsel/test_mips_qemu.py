"""mips_base's ALU, HI/LO and bit-field instructions and mips_mem's lwl/lwr/swl/swr against
qemu-mipsel 7.2, the oracle.

One guest program of inline asm (built with zig for mipsel-linux-musleabihf, MIPS32r2) runs every
instruction on edge and random operands (a fixed seed) under qemu and prints each result; the
same cases then run through the dispatch. Slow (a zig build): -m slow.
"""
import random
import subprocess
import sys

import pytest

from jitvm.exits import Exit
from mipshelpers import DATA, PC, Machine, s32
from tests.tools import need, need_module
from translators.mipsel.cpu import HI, LO

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")]

M32 = 0xFFFFFFFF
EDGE = [0, 1, 2, 5, 31, 32, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF,
        0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0x12345678, 0x9ABCDEF0, 0xFFFF8000]
R3 = "addu subu and or xor nor slt sltu movz movn mul sllv srlv srav rotrv".split()
R2 = "clz clo wsbh seb seh".split()
SHIFTS = "sll srl sra rotr".split()
IMMS = [("addiu", True), ("slti", True), ("sltiu", True), ("andi", False), ("ori", False),
        ("xori", False)]
HILO = "mult multu div divu madd maddu msub msubu".split()
PARTS = "lwl lwr swl swr".split()
PER_OP = 10

# (asm operands) -> our operand registers: %0 = $4 (rd, also read: rd_in), %1 = $5, %2 = $6
RD, RA_, RB = 4, 5, 6


class Case:
    """One instruction: its asm (%0 = rd, %1 = rs, %2 = rt), its decoded fields, its inputs."""
    def __init__(self, name, asm, a=0, b=0, rd_in=0, rm=0, imm=0, hilo=None, mem=None, off=0):
        self.name, self.asm, self.a, self.b, self.rd_in = name, asm, a, b, rd_in
        self.rm, self.imm, self.hilo, self.mem, self.off = rm, imm, hilo, mem, off

    def c_source(self):
        if self.mem is not None:                 # lwl/lwr/swl/swr %0, off(%1), %1 = &mem
            return (f'mem = {self.mem}ull; d = {self.rd_in}u; __asm__ volatile("{self.asm}" : '
                    f'"+r"(d) : "r"(&mem) : "memory"); printf("%x %llx\\n", d, mem);')
        if self.hilo is not None:                # HI:LO in, HI and LO out
            hi, lo = self.hilo >> 32, self.hilo & M32
            return (f'hi = {hi}u; lo = {lo}u; __asm__ volatile(".set noreorder\\nmthi %0\\n'
                    f'mtlo %1\\n{self.asm}\\nmfhi %0\\nmflo %1\\n.set reorder" : "+r"(hi), '
                    f'"+r"(lo) : "r"({self.a}u), "r"({self.b}u) : "hi", "lo"); '
                    'printf("%x %x\\n", hi, lo);')
        return (f'd = {self.rd_in}u; __asm__ volatile("{self.asm}" : "+r"(d) : "r"({self.a}u), '
                f'"r"({self.b}u)); printf("%x\\n", d);')

    def ours(self):
        mc = Machine()
        mc.r[RD], mc.r[RA_], mc.r[RB] = s32(self.rd_in), s32(self.a), s32(self.b)
        if self.mem is not None:
            mc.write(DATA, self.mem.to_bytes(8, "little"))
            mc.r[RA_] = DATA
            npc = mc.run(self.name, rd=RD, rs1=RA_, imm=self.off)
        elif self.hilo is not None:
            mc.r[HI], mc.r[LO] = s32(self.hilo >> 32), s32(self.hilo)
            npc = mc.run(self.name, rs1=RA_, rs2=RB)
        else:
            npc = mc.run(self.name, rd=RD, rs1=self.rs1, rs2=self.rs2, rm=self.rm, imm=self.imm)
        assert npc == PC + 4 and mc.exit == Exit.NONE, self.asm
        if self.mem is not None:
            return f"{int(mc.r[RD]) & M32:x} {int.from_bytes(mc.read(DATA, 8), 'little'):x}"
        if self.hilo is not None:
            return f"{int(mc.r[HI]) & M32:x} {int(mc.r[LO]) & M32:x}"
        return f"{int(mc.r[RD]) & M32:x}"

    rs1, rs2 = RA_, RB


def cases():
    rng = random.Random(1)

    def value():
        return rng.choice(EDGE) if rng.random() < 0.5 else rng.getrandbits(32)

    out = []
    for _ in range(PER_OP):
        for n in R3:
            c = Case(n, f"{n} %0,%1,%2", value(), value(), rd_in=value())
            if n in ("sllv", "srlv", "srav", "rotrv"):     # rd, rt, rs: the value is rt
                c.asm, c.rs1, c.rs2 = f"{n} %0,%2,%1", RB, RA_
            out.append(c)
        out += [Case(n, f"{n} %0,%1", value(), rd_in=value()) for n in R2]
        for n in SHIFTS:
            s = rng.choice([0, 1, 31, rng.randint(0, 31)])
            out.append(Case(n, f"{n} %0,%1,{s}", value(), imm=s))
        for n, signed in IMMS:
            imm = rng.choice([-32768, -1, 0, 32767, rng.randint(-32768, 32767)]) if signed \
                else rng.randint(0, 0xFFFF)
            out.append(Case(n, f"{n} %0,%1,{imm}", value(), imm=imm))
        imm = rng.randint(0, 0xFFFF)
        out.append(Case("lui", f"lui %0,{imm}", imm=imm))
        pos = rng.randint(0, 31)
        size = rng.randint(1, 32 - pos)
        out.append(Case("ext", f"ext %0,%1,{pos},{size}", value(), imm=pos, rm=size))
        out.append(Case("ins", f"ins %0,%1,{pos},{size}", value(), rd_in=value(), imm=pos,
                        rm=pos + size - 1))
        for n in HILO:
            a, b = value(), value()
            if n.startswith("div") and rng.random() < 0.3:
                b = rng.choice([0, 0xFFFFFFFF])
                a = rng.choice([a, 0x80000000])
            asm = f"{n} $zero,%2,%3" if n.startswith("div") else f"{n} %2,%3"
            out.append(Case(n, asm, a, b, hilo=(value() << 32) | value()))
        for n in PARTS:
            off = rng.randint(0, 7) if n[0] == "l" else rng.randint(0, 7)
            out.append(Case(n, f"{n} %0,{off}(%1)", rd_in=value(), off=off,
                            mem=rng.getrandbits(64)))
    return out


def test_against_qemu(tmp_path):
    qemu = need("qemu-mipsel-static")
    need_module("ziglang")
    todo = cases()
    body = "\n".join(c.c_source() for c in todo)
    src = tmp_path / "alu.c"
    src.write_text("#include <stdio.h>\n"
                   "int main(void) { unsigned d, hi, lo; unsigned long long mem;\n"
                   f"{body}\nreturn 0; }}\n")
    subprocess.run([sys.executable, "-m", "ziglang", "cc", "-target", "mipsel-linux-musleabihf",
                    "-static", "-O0", "-o", tmp_path / "alu", src], check=True)
    lines = subprocess.run([qemu, tmp_path / "alu"], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    assert len(lines) == len(todo)
    bad = [f"{c.asm} a={c.a:#x} b={c.b:#x} rd={c.rd_in:#x} hilo={c.hilo} mem={c.mem}: "
           f"qemu {want}, ours {got}"
           for c, want in zip(todo, lines) if (got := c.ours()) != want]
    assert not bad, "\n".join(bad[:20])
