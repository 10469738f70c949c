"""Loads and stores of the V registers (a64_vmem.py): a few hand-checked cases, then every form
against qemu-aarch64-static -cpu cortex-a53 (V0-V5, V30, V31 in full and the base register
after each case, and the data area at the end)."""
import random
import struct

import pytest

from a64helpers import DATA, Machine, assemble, needs_llvm
from test_a64_fp import compare_with_qemu, elf, getv, setv
from test_a64_qemu import BASE, mov64
from jitvm.exits import Exit

pytestmark = [needs_llvm, pytest.mark.slow]

VREGS = (0, 1, 2, 3, 4, 5, 30, 31)


@pytest.fixture(scope="module")
def mc():
    m = Machine()
    m.write(DATA, bytes(range(256)))
    return m


def test_scalar_loads_zero_the_register(mc):
    setv(mc, 0, -1 & (1 << 64) - 1, 0x77)
    mc.r[1] = DATA
    mc.asm("ldr h0, [x1, #2]")
    assert getv(mc, 0) == (0x0302, 0)
    mc.asm("ldr q0, [x1], #16")
    assert getv(mc, 0) == (0x0706050403020100, 0x0F0E0D0C0B0A0908) and mc.r[1] == DATA + 16


def test_lane_load_keeps_the_other_lanes(mc):
    setv(mc, 2, 0x1111_1111_1111_1111, 0x2222_2222_2222_2222)
    mc.r[1] = DATA
    mc.asm("ld1 { v2.s }[2], [x1]")
    assert getv(mc, 2) == (0x1111_1111_1111_1111, 0x2222_2222_0302_0100)
    mc.asm("ld1r { v2.8b }, [x1]")
    assert getv(mc, 2) == (0, 0)


def test_interleaved_structures(mc):
    mc.r[1] = DATA
    mc.asm("ld2 { v4.8b, v5.8b }, [x1]")
    assert getv(mc, 4) == (0x0E0C0A0806040200, 0) and getv(mc, 5) == (0x0F0D0B0907050301, 0)


def test_unallocated_forms_are_illegal(mc):
    mc.r[0] = DATA
    for word in (0x0C401000,                      # ld_multi opcode 0001
                 0x0D40D000,                      # ld1r with S = 1
                 0x0C408C00):                     # ld2 { v0.1d, v1.1d }: no .1d for LD2-LD4
        mc.word(word)
        assert mc.exit == Exit.ILLEGAL, hex(word)


def vmem_cases(rnd):
    out = []
    for t, scale in (("b", 0), ("h", 1), ("s", 2), ("d", 3), ("q", 4)):
        for mn in ("ldr", "str"):
            reg = f"{t}{rnd.choice((0, 1, 31))}"
            u = mn[:2] + "u" + mn[2:]
            out += [f"{mn} {reg}, [x1, #{rnd.randrange(0, 8) << scale}]",
                    f"{u} {reg}, [x1, #{rnd.randrange(-64, 64)}]",
                    f"{mn} {reg}, [x1, #{rnd.randrange(-64, 64)}]!",
                    f"{mn} {reg}, [x1], #{rnd.randrange(-64, 64)}",
                    f"{mn} {reg}, [x1, x2, lsl #{scale}]" if scale else f"{mn} {reg}, [x1, x2]",
                    f"{mn} {reg}, [x1, w2, sxtw]",
                    f"{mn} {reg}, [x1, w2, uxtw #{scale}]" if scale else
                    f"{mn} {reg}, [x1, w2, uxtw]",
                    f"{mn} {reg}, [x1, x2, sxtx]"]
    out += ["ldr s3, #-64", "ldr d4, #8", "ldr q5, #-32"]
    for t, size in (("s", 4), ("d", 8), ("q", 16)):
        for mn in ("ldp", "stp", "ldnp", "stnp"):
            regs = f"{t}{rnd.choice((0, 2))}, {t}{rnd.choice((1, 31))}"
            off = rnd.randrange(-4, 4) * size
            out.append(f"{mn} {regs}, [x1, #{off}]")
            if "n" not in mn:
                out += [f"{mn} {regs}, [x1, #{off}]!", f"{mn} {regs}, [x1], #{off}"]
    arr = ("8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d")
    for mn in ("ld1", "st1"):
        for n in (1, 2, 3, 4):
            for _ in range(2):
                a = rnd.choice(arr)
                first = rnd.choice((0, 30))
                regs = "{ " + ", ".join(f"v{(first + i) % 32}.{a}" for i in range(n)) + " }"
                nbytes = n * (16 if a in ("16b", "8h", "4s", "2d") else 8)
                out += [f"{mn} {regs}, [x1]", f"{mn} {regs}, [x1], #{nbytes}",
                        f"{mn} {regs}, [x1], x2"]
    for n in (2, 3, 4):
        for mn in (f"ld{n}", f"st{n}"):
            for _ in range(3):
                a = rnd.choice(arr[:6] + ("2d",))
                first = rnd.choice((0, 31))
                regs = "{ " + ", ".join(f"v{(first + i) % 32}.{a}" for i in range(n)) + " }"
                out += [f"{mn} {regs}, [x1]", f"{mn} {regs}, [x1], x2"]
    for n in (1, 2, 3, 4):
        for mn in (f"ld{n}", f"st{n}"):
            for t, lanes, size in (("b", 16, 1), ("h", 8, 2), ("s", 4, 4), ("d", 2, 8)):
                first = rnd.choice((0, 30))
                regs = "{ " + ", ".join(f"v{(first + i) % 32}.{t}" for i in range(n)) + " }"
                lane = rnd.randrange(lanes)
                out += [f"{mn} {regs}[{lane}], [x1]", f"{mn} {regs}[{lane}], [x1], #{n * size}",
                        f"{mn} {regs}[{lane}], [x1], x2"]
        for a in arr:
            esize = {"b": 1, "h": 2, "s": 4, "d": 8}[a[-1]]
            regs = "{ " + ", ".join(f"v{i}.{a}" for i in range(n)) + " }"
            out += [f"ld{n}r {regs}, [x1]", f"ld{n}r {regs}, [x1], #{n * esize}"]
    return out


def vmem_program(cases, rnd):
    """The ELF: code, then 512 bytes of data the cases access, the V registers' initial
    values, each case's x1 (an address in the data) and x2 (an index), then the output."""
    pattern = bytes(rnd.getrandbits(8) for _ in range(512))
    vinit = struct.pack("<16Q", *(rnd.getrandbits(64) for _ in range(16)))
    # an index that stays inside the data both as Xm and as an extended Wm
    indexes = [rnd.choice([0, 8, 0xFFFF_FFFF_0000_0008] if "uxtw" in c else
                          [0, 8, 0xFFFF_FFFF_0000_0008, 0x1_FFFF_FFF8] if "sxtw" in c else
                          [0, 1, 8, 0xFFFF_FFFF_FFFF_FFF8]) for c in cases]
    offsets = [16 * rnd.randrange(-4, 5) for _ in cases]
    per_case = 16 * len(VREGS) + 8

    def lines(data, buf):
        out = mov64("x28", buf) + mov64("x26", data + 512) + mov64("x27", data + 640)
        for case in cases:
            for i, v in enumerate(VREGS):
                out += [f"ldp x10, x11, [x26, #{16 * i}]", f"fmov d{v}, x10",
                        f"fmov v{v}.d[1], x11"]
            out += ["ldp x1, x2, [x27], #16", case]
            for v in VREGS:
                out += [f"fmov x10, d{v}", f"fmov x11, v{v}.d[1]", "stp x10, x11, [x28], #16"]
            out += ["str x1, [x28], #8"]
        out += mov64("x1", buf) + mov64("x2", per_case * len(cases))
        out += ["movz x0, #1", "movz x8, #64", "svc #0"]
        out += mov64("x1", data) + ["movz x2, #512", "movz x0, #1", "movz x8, #64", "svc #0",
                                    "movz x0, #0", "movz x8, #93", "svc #0"]
        return out

    size = 4 * len(lines(0, 0))
    data = (BASE + 0x78 + size + 15) & ~15
    table = b"".join(struct.pack("<QQ", data + 256 + off, index)
                     for off, index in zip(offsets, indexes))
    buf = data + 640 + len(table)
    code = b"".join(w.to_bytes(4, "little") for w in assemble(lines(data, buf)))
    code += bytes(data - BASE - 0x78 - len(code)) + pattern + vinit + table
    return elf(code, buf + per_case * len(cases) - BASE), per_case


@pytest.mark.parametrize("part", range(3))
def test_vmem_against_qemu(tmp_path, part):
    rnd = random.Random(21)
    cases = vmem_cases(rnd)
    cases = cases[part * len(cases) // 3:(part + 1) * len(cases) // 3]
    image, per_case = vmem_program(cases, rnd)
    theirs, ours = compare_with_qemu(tmp_path, image, "vmem")
    assert len(theirs) == len(ours) == per_case * len(cases) + 512
    bad = [f"{c}: qemu {theirs[per_case * i:per_case * (i + 1)].hex()}\n"
           f"   ours {ours[per_case * i:per_case * (i + 1)].hex()}"
           for i, c in enumerate(cases)
           if theirs[per_case * i:per_case * (i + 1)] != ours[per_case * i:per_case * (i + 1)]]
    assert not bad, f"{len(bad)} differ\n" + "\n".join(bad[:10])
    assert theirs[-512:] == ours[-512:]
