"""Data processing and flags against qemu-aarch64-static -cpu cortex-a53, the oracle.

One guest program, assembled by llvm-mc-19 and wrapped in a minimal static ELF here (no linker
needed): for each case it loads x1, x2, x3 and NZCV, runs the instruction, and appends x0 and
NZCV to a buffer it finally write()s. qemu runs the ELF; the tiny machine steps the same words
(fetch, decode, dispatch) and handles the two system calls itself. The outputs must be equal.
"""
import random
import struct
import subprocess

import pytest

from a64helpers import Machine, assemble, needs_llvm
from jitvm.exits import Exit
from test_a64_random import case
from tests.tools import need
from translators.aarch64 import decode, fetch

# slow while aarch64 is not registered: `make warm` does not compile its dispatch, so the
# first of these compiles it (about 4 minutes on a fresh machine)
pytestmark = [needs_llvm, pytest.mark.slow]
BASE = 0x20000                   # code and buffer inside the tiny machine's mapped pages
BUF = 0x30000
MEMSZ = 0x18000


def mov64(reg, v):
    return [f"movz {reg}, #{(v >> (16 * i)) & 0xFFFF:#x}, lsl #{16 * i}" if i == 0 else
            f"movk {reg}, #{(v >> (16 * i)) & 0xFFFF:#x}, lsl #{16 * i}" for i in range(4)]


def program(rnd):
    values = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, (1 << 63) - 1, 1 << 63,
              (1 << 64) - 1] + [rnd.getrandbits(64) for _ in range(8)]
    lines = mov64("x28", BUF)
    insts = [case(rnd, bits)[0] for bits in (32, 64) for _ in range(150)]
    insts += [f"{mn} {r}1, {r}2, #{rnd.randrange(16)}, {c}" for mn in ("ccmp", "ccmn")
              for r in "xw" for c in ("eq", "ne", "hs", "lt", "gt", "hi")]
    insts += [f"{mn} {r}0, {r}1, #{rnd.randrange(24)}, #{rnd.randrange(1, 8)}"
              for mn in ("ubfx", "sbfx", "bfi", "bfxil", "ubfiz", "sbfiz") for r in "xw"]
    insts += [f"{mn} {r}0, {r}1, #{v:#x}" for mn in ("and", "ands", "orr", "eor")
              for r, v in (("x", 0x00FF_00FF_00FF_00FF), ("w", 0x7FFF_FFFE),
                           ("x", 0xFFFF_FFFF_0000_0000))]
    for inst in insts:
        lines += mov64("x1", rnd.choice(values)) + mov64("x2", rnd.choice(values))
        lines += mov64("x3", rnd.choice(values))
        lines += mov64("x9", rnd.randrange(16) << 28) + ["msr nzcv, x9", "movz x0, #0x5a5a",
                                                         inst, "mrs x9, nzcv",
                                                         "stp x0, x9, [x28], #16"]
    lines += mov64("x1", BUF) + ["sub x2, x28, x1", "movz x0, #1", "movz x8, #64", "svc #0",
                                 "movz x0, #0", "movz x8, #93", "svc #0"]
    return lines, insts


def elf(code):
    """A static aarch64 ELF: one RWX PT_LOAD at BASE holding `code`, MEMSZ bytes in memory."""
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 2, 183, 1,
                       BASE + 0x78, 0x40, 0, 0, 64, 56, 1, 0, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 7, 0, BASE, BASE, 0x78 + len(code), MEMSZ, 0x1000)
    return ehdr + phdr + code


def run_tiny(image):
    mc = Machine()
    mc.write(BASE, image)
    pc, out = BASE + 0x78, b""
    for _ in range(200_000):
        inst = int(fetch(mc.m, pc))
        op, ilen, rd, rs1, rs2, rs3, rm, imm = (int(v) for v in decode(inst))
        npc = mc.run_op(op, pc, rd, rs1, rs2, rs3, rm, imm)
        if mc.exit == Exit.SYSCALL:
            nr = int(mc.r[8])
            if nr == 93:
                return out
            assert nr == 64
            out += mc.read(int(mc.r[1]), int(mc.r[2]))
            npc = pc + 4
        else:
            assert mc.exit == Exit.NONE, (hex(pc), hex(inst), mc.exit)
        pc = npc
    raise AssertionError("did not exit")


def test_against_qemu(tmp_path):
    qemu = need("qemu-aarch64-static")
    lines, insts = program(random.Random(11))
    words = assemble(lines)
    code = b"".join(w.to_bytes(4, "little") for w in words)
    path = tmp_path / "dp"
    path.write_bytes(elf(code))
    path.chmod(0o755)
    theirs = subprocess.run([qemu, "-cpu", "cortex-a53", str(path)], capture_output=True,
                            check=True).stdout
    ours = run_tiny(elf(code))
    assert len(theirs) == len(ours) == 16 * len(insts)
    bad = []
    for i in range(len(theirs) // 16):
        t, o = theirs[16 * i:16 * i + 16], ours[16 * i:16 * i + 16]
        if t != o:
            bad.append(f"{insts[i]}: qemu {t.hex()} ours {o.hex()}")
    assert not bad, "\n".join(bad[:20])



LOADS = [("ldrb", "w", 0), ("ldrsb", "w", 0), ("ldrsb", "x", 0), ("ldrh", "w", 1),
         ("ldrsh", "w", 1), ("ldrsh", "x", 1), ("ldr", "w", 2), ("ldrsw", "x", 2),
         ("ldr", "x", 3), ("strb", "w", 0), ("strh", "w", 1), ("str", "w", 2), ("str", "x", 3)]


def memory_cases(rnd):
    """Each case: the lines to run with x1 = an address, x2 = an index, x3 = a value."""
    out = []
    for mn, r, size in LOADS:
        rt = f"{r}3" if mn.startswith("st") else f"{r}0"
        scaled = rnd.randrange(0, 16) << size
        unscaled = rnd.randrange(-64, 64)
        u = mn[:2] + "u" + mn[2:]
        t = mn[:2] + "t" + mn[2:]
        out += [[f"{mn} {rt}, [x1, #{scaled}]"], [f"{u} {rt}, [x1, #{unscaled}]"],
                [f"{t} {rt}, [x1, #{unscaled}]"],
                [f"{mn} {rt}, [x1, #{unscaled}]!"], [f"{mn} {rt}, [x1], #{unscaled}"],
                [f"{mn} {rt}, [x1, x2, lsl #{size}]"], [f"{mn} {rt}, [x1, w2, sxtw]"],
                [f"{mn} {rt}, [x1, w2, uxtw #{size}]" if size else f"{mn} {rt}, [x1, w2, uxtw]"],
                [f"{mn} {rt}, [x1, x2, sxtx]"]]
    for mn, r, scale in (("ldp", "w", 4), ("ldp", "x", 8), ("ldpsw", "x", 4), ("stp", "w", 4),
                         ("stp", "x", 8), ("ldnp", "x", 8), ("stnp", "w", 4)):
        regs = f"{r}3, {r}4" if mn.startswith("st") else f"{r}0, {r}5"
        off = rnd.randrange(-8, 8) * scale
        out += [[f"{mn} {regs}, [x1, #{off}]"]]
        if "n" not in mn:
            out += [[f"{mn} {regs}, [x1, #{off}]!"], [f"{mn} {regs}, [x1], #{off}"]]
    for sfx, r in (("b", "w"), ("h", "w"), ("", "w"), ("", "x")):
        out += [[f"ldaxr{sfx} {r}0, [x1]", f"stlxr{sfx} w5, {r}3, [x1]", "add x0, x0, x5"],
                [f"ldxr{sfx} {r}0, [x1]", f"stxr{sfx} w5, {r}3, [x1]", f"stxr{sfx} w6, {r}0, [x1]",
                 "add x0, x5, x6, lsl #1"],
                [f"stlr{sfx} {r}3, [x1]", f"ldar{sfx} {r}0, [x1, #0]"]]
    out += [["ldxp x0, x5, [x1]", "stxp w6, x3, x0, [x1]", "add x0, x5, x6"],
            ["ldaxp w0, w5, [x1]", "stlxp w6, w5, w3, [x1]", "add x0, x0, x6, lsl #32"]]
    return out


def test_loads_and_stores_against_qemu(tmp_path):
    qemu = need("qemu-aarch64-static")
    rnd = random.Random(12)
    cases = memory_cases(rnd)
    pattern = bytes(rnd.getrandbits(8) for _ in range(512))

    def lines_for(data):
        lines = mov64("x28", BUF)
        for case_lines in cases:
            lines += mov64("x1", data + 256 + 16 * rnd.randrange(-4, 4))     # pair-aligned
            # an index that stays inside the data both as Xm and as an extended Wm
            index = ([0, 8, 0xFFFF_FFFF_0000_0008] if "uxtw" in case_lines[0] else
                     [0, 8, 0xFFFF_FFFF_0000_0008, 0x1_FFFF_FFF8] if "sxtw" in case_lines[0]
                     else [0, 1, 8, 0xFFFF_FFFF_FFFF_FFF8])
            lines += mov64("x2", rnd.choice(index))
            lines += mov64("x3", rnd.getrandbits(64)) + mov64("x4", rnd.getrandbits(64))
            lines += ["movz x0, #0x5a5a", "movz x5, #0", *case_lines, "stp x0, x1, [x28], #16"]
        lines += mov64("x1", BUF) + ["sub x2, x28, x1", "movz x0, #1", "movz x8, #64", "svc #0"]
        lines += mov64("x1", data) + ["movz x2, #512", "movz x0, #1", "movz x8, #64", "svc #0",
                                      "movz x0, #0", "movz x8, #93", "svc #0"]
        return lines

    state = rnd.getstate()
    size = len(lines_for(0)) * 4                  # the same length whatever the address
    rnd.setstate(state)
    data = (BASE + 0x78 + size + 15) & ~15
    code = b"".join(w.to_bytes(4, "little") for w in assemble(lines_for(data)))
    image = elf(code + bytes(data - BASE - 0x78 - len(code)) + pattern)
    path = tmp_path / "mem"
    path.write_bytes(image)
    path.chmod(0o755)
    theirs = subprocess.run([qemu, "-cpu", "cortex-a53", str(path)], capture_output=True,
                            check=True).stdout
    ours = run_tiny(image)
    assert len(theirs) == len(ours) == 16 * len(cases) + 512
    bad = [f"{cases[i]}: qemu {theirs[16 * i:16 * i + 16].hex()} ours {ours[16 * i:][:16].hex()}"
           for i in range(len(cases)) if theirs[16 * i:16 * i + 16] != ours[16 * i:16 * i + 16]]
    assert not bad, "\n".join(bad[:20])
    assert theirs[-512:] == ours[-512:]


def test_system_registers_against_qemu(tmp_path):
    qemu = need("qemu-aarch64-static")
    reads = ["mrs x1, fpcr", "mrs x1, fpsr", "mrs x1, ctr_el0", "mrs x1, dczid_el0",
             "mrs x1, cntfrq_el0", "mrs x1, tpidrro_el0", "mrs x1, nzcv", "mrs x1, tpidr_el0"]
    lines = mov64("x28", BUF) + ["movn x0, #0", "msr fpcr, x0", "msr fpsr, x0", "msr nzcv, x0",
                                 "msr tpidr_el0, x0"]
    for read in reads:
        lines += ["movn x1, #0", read, "str x1, [x28], #8"]
    lines += mov64("x1", BUF) + [f"movz x2, #{8 * len(reads)}", "movz x0, #1", "movz x8, #64",
                                 "svc #0", "movz x0, #0", "movz x8, #93", "svc #0"]
    image = elf(b"".join(w.to_bytes(4, "little") for w in assemble(lines)))
    path = tmp_path / "sysregs"
    path.write_bytes(image)
    path.chmod(0o755)
    theirs = subprocess.run([qemu, "-cpu", "cortex-a53", str(path)], capture_output=True,
                            check=True).stdout
    ours = run_tiny(image)
    got = {r: (theirs[8 * i:8 * i + 8].hex(), ours[8 * i:8 * i + 8].hex())
           for i, r in enumerate(reads)}
    assert all(t == o for t, o in got.values()), got


def test_branches_against_qemu(tmp_path):
    """Each conditional branch jumps over one instruction or not: x0 says which."""
    qemu = need("qemu-aarch64-static")
    rnd = random.Random(13)
    values = [0, 1, 1 << 31, 1 << 32, 1 << 63, (1 << 64) - 1, 0xFFFF_FFFF_0000_0000]
    branches = [f"b.{c} #8" for c in "eq ne hs lo mi pl vs vc hi ls ge lt gt le al".split()]
    branches += [f"{mn} {r}1, #8" for mn in ("cbz", "cbnz") for r in "wx"]
    branches += [f"{mn} x1, #{bit}, #8" for mn in ("tbz", "tbnz") for bit in (0, 31, 32, 63)]
    lines = mov64("x28", BUF)
    cases = []
    for _ in range(4):
        for br in branches:
            lines += mov64("x1", rnd.choice(values)) + mov64("x9", rnd.randrange(16) << 28)
            lines += ["msr nzcv, x9", "movz x0, #2", br, "movz x0, #1", "str x0, [x28], #8"]
            cases.append(br)
    lines += ["bl #8", "movz x30, #0", "str x30, [x28], #8", "adr x0, #-4", "str x0, [x28], #8",
              "adr x5, #16", "blr x5", "movz x0, #0", "b #8", "ret", "str x30, [x28], #8"]
    cases += ["bl", "adr", "blr/ret"]
    lines += mov64("x1", BUF) + [f"movz x2, #{8 * len(cases)}", "movz x0, #1", "movz x8, #64",
                                 "svc #0", "movz x0, #0", "movz x8, #93", "svc #0"]
    image = elf(b"".join(w.to_bytes(4, "little") for w in assemble(lines)))
    path = tmp_path / "branches"
    path.write_bytes(image)
    path.chmod(0o755)
    theirs = subprocess.run([qemu, "-cpu", "cortex-a53", str(path)], capture_output=True,
                            check=True).stdout
    ours = run_tiny(image)
    assert len(theirs) == len(ours) == 8 * len(cases)
    bad = [f"{c}: qemu {theirs[8 * i:8 * i + 8].hex()} ours {ours[8 * i:8 * i + 8].hex()}"
           for i, c in enumerate(cases) if theirs[8 * i:8 * i + 8] != ours[8 * i:8 * i + 8]]
    assert not bad, "\n".join(bad[:20])
