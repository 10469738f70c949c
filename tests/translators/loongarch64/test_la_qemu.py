"""la_base's ALU instructions and la_atomic's am* against qemu-loongarch64 7.2, the oracle.

One guest program of inline asm (built with zig, as tests/guest/build.py builds loongarch64)
runs every instruction on edge and random operands (a fixed seed) under qemu and prints each
result; the same cases then run through the dispatch. Slow (a zig build): -m slow.
"""
import random
import subprocess
import sys

import pytest

from lahelpers import DATA, PC, Machine, sx, ux
from jitvm.exits import Exit
from tests.tools import need, need_module

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")]

EDGE = [0, 1, 2, 31, 32, 63, 64, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF,
        0x80000000, 0xFFFFFFFF, 0x100000000, 2**63 - 1, 2**63, 2**64 - 1, 0xFFFFFFFF_80000000,
        0xFFFFFFFF_7FFFFFFF, 0x12345678_9ABCDEF0, 0xFEDCBA98_76543210, 0xFFFFFFFE]
R3 = ("add.w add.d sub.w sub.d slt sltu maskeqz masknez nor and or xor orn andn sll.w srl.w "
      "sra.w sll.d srl.d sra.d rotr.w rotr.d mul.w mulh.w mulh.wu mul.d mulh.d mulh.du mulw.d.w "
      "mulw.d.wu div.w mod.w div.wu mod.wu div.d mod.d div.du mod.du crc.w.b.w crc.w.h.w "
      "crc.w.w.w crc.w.d.w crcc.w.b.w crcc.w.h.w crcc.w.w.w crcc.w.d.w").split()
R2 = ("clo.w clz.w cto.w ctz.w clo.d clz.d cto.d ctz.d revb.2h revb.4h revb.2w revb.d revh.2w "
      "revh.d bitrev.4b bitrev.8b bitrev.w bitrev.d ext.w.h ext.w.b").split()
SHIFTS = [("slli.w", 31), ("srli.w", 31), ("srai.w", 31), ("rotri.w", 31),
          ("slli.d", 63), ("srli.d", 63), ("srai.d", 63), ("rotri.d", 63)]
IMMS = [("slti", 12), ("sltui", 12), ("addi.w", 12), ("addi.d", 12), ("lu52i.d", 12),
        ("addu16i.d", 16), ("andi", -12), ("ori", -12), ("xori", -12)]     # -12: ui12
AMS = [f"am{o}{db}.{w}" for db in ("", "_db") for o in "swap add and or xor max min".split()
       for w in "wd"] + [f"am{o}{db}.{w}" for db in ("", "_db") for o in ("max", "min")
                         for w in ("wu", "du")]
PER_OP = 8


class Case:
    """One instruction: its asm (%0 = rd, %1 = rj, %2 = rk), its decoded fields, its inputs."""
    def __init__(self, asm, a=0, b=0, rd_in=None, rm=0, imm=0, mem=None):
        self.asm, self.name, self.a, self.b = asm, asm.split()[0], a, b
        self.rd_in, self.rm, self.imm, self.mem = rd_in, rm, imm, mem

    def c_source(self):
        if self.mem is not None:                        # am* rd, rk, rj: rj = &mem
            return (f'mem = {self.mem}ull; __asm__ volatile("{self.asm}" : "=&r"(d) : '
                    f'"r"((uint64_t){self.b}ull), "r"(&mem) : "memory"); '
                    'printf("%lx %lx\\n", d, mem);')
        if self.rd_in is not None:                      # rd is read too (bstrins, lu32i.d)
            return (f'd = {self.rd_in}ull; __asm__ volatile("{self.asm}" : "+r"(d) : '
                    f'"r"((uint64_t){self.a}ull)); printf("%lx\\n", d);')
        return (f'__asm__ volatile("{self.asm}" : "=&r"(d) : "r"((uint64_t){self.a}ull), '
                f'"r"((uint64_t){self.b}ull)); printf("%lx\\n", d);')

    def ours(self):
        mc = Machine()
        mc.r[4] = sx(self.rd_in or 0)
        mc.r[5], mc.r[6] = sx(self.a), sx(self.b)
        if self.mem is not None:
            mc.write(DATA, self.mem.to_bytes(8, "little"))
            mc.r[5] = DATA
        npc = mc.run(self.name, rd=4, rs1=5, rs2=6, rm=self.rm, imm=self.imm)
        assert npc == PC + 4 and mc.exit == Exit.NONE, self.asm
        if self.mem is not None:
            return f"{ux(mc.r[4]):x} {int.from_bytes(mc.read(DATA, 8), 'little'):x}"
        return f"{ux(mc.r[4]):x}"


def cases():
    rng = random.Random(1)

    def value():
        return rng.choice(EDGE) if rng.random() < 0.5 else rng.getrandbits(rng.choice([32, 64]))

    out = []
    for _ in range(PER_OP):
        out += [Case(f"{n} %0,%1,%2", value(), value()) for n in R3]
        out += [Case(f"{n} %0,%1", value()) for n in R2]
        for name, hi in SHIFTS:
            s = rng.choice([0, 1, hi, rng.randint(0, hi)])
            out.append(Case(f"{name} %0,%1,{s}", value(), imm=s))
        for name, bits in IMMS:
            imm = (rng.randint(0, 0xFFF) if bits < 0 else
                   rng.choice([-(1 << (bits - 1)), -1, rng.randint(-(1 << (bits - 1)),
                                                                   (1 << (bits - 1)) - 1)]))
            out.append(Case(f"{name} %0,%1,{imm}", value(), imm=imm))
        for name in ("alsl.w", "alsl.wu", "alsl.d"):
            sa = rng.randint(1, 4)
            out.append(Case(f"{name} %0,%1,%2,{sa}", value(), value(), rm=sa - 1))
        for name, hi in (("bytepick.w", 3), ("bytepick.d", 7)):
            sa = rng.randint(0, hi)
            out.append(Case(f"{name} %0,%1,%2,{sa}", value(), value(), rm=sa))
        for name, hi in (("bstrins.w", 31), ("bstrpick.w", 31), ("bstrins.d", 63),
                         ("bstrpick.d", 63)):
            lsb = rng.randint(0, hi)
            msb = rng.choice([lsb, hi, rng.randint(lsb, hi)])
            out.append(Case(f"{name} %0,%1,{msb},{lsb}", value(), rd_in=value(), rm=msb,
                            imm=lsb))
        for name in ("lu12i.w", "lu32i.d"):
            imm = rng.randint(-(1 << 19), (1 << 19) - 1)
            out.append(Case(f"{name} %0,{imm}", rd_in=value(), imm=imm))
        out += [Case(f"{n} %0,%1,%2", b=value(), mem=value()) for n in AMS]
    return out


def test_against_qemu(tmp_path):
    qemu = need("qemu-loongarch64-static")
    need_module("ziglang")
    todo = cases()
    body = "\n".join(c.c_source() for c in todo)
    src = tmp_path / "alu.c"
    src.write_text("#include <stdio.h>\n#include <stdint.h>\n"
                   f"int main(void) {{ uint64_t d, mem;\n{body}\nreturn 0; }}\n")
    subprocess.run([sys.executable, "-m", "ziglang", "cc", "-target", "loongarch64-linux-musl",
                    "-mcpu=generic_la64+d", "-static", "-O0", "-o", tmp_path / "alu", src],
                   check=True)
    lines = subprocess.run([qemu, tmp_path / "alu"], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    assert len(lines) == len(todo)
    bad = [f"{c.asm} a={c.a:#x} b={c.b:#x} rd={c.rd_in} mem={c.mem}: qemu {want}, ours {got}"
           for c, want in zip(todo, lines) if (got := c.ours()) != want]
    assert not bad, "\n".join(bad[:20])
