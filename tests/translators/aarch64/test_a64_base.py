"""A64 data processing semantics: flags at the edges against the manual's AddWithCarry written
out in Python, every condition code, bitmask immediates and bitfield aliases assembled by
llvm-mc-19 against independent references, and X31 as SP or XZR."""
import random

import pytest

from a64helpers import Machine, assemble, needs_llvm, sx, ux
from jitvm.exits import Exit
from translators.aarch64.cpu import SP

# slow while aarch64 is not registered (test_a64_qemu.py says why)
pytestmark = pytest.mark.slow

M64 = (1 << 64) - 1
EDGES = [0, 1, 2, 0x7F, 0x80, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
         0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, M64, M64 - 1, 0x1234_5678_9ABC_DEF0]


def signed(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def add_with_carry(x, y, c, bits):
    """The manual's AddWithCarry: (result, 'NZCV' string)."""
    mask = (1 << bits) - 1
    usum = (x & mask) + (y & mask) + c
    ssum = signed(x, bits) + signed(y, bits) + c
    res = usum & mask
    flags = ("N" if res >> (bits - 1) else "-") + ("Z" if res == 0 else "-") + \
            ("C" if usum != res else "-") + ("V" if ssum != signed(res, bits) else "-")
    return res, flags


@pytest.mark.parametrize("sf", [0, 1])
@pytest.mark.parametrize("name", ["adds_sr", "subs_sr", "adcs", "sbcs", "add_sr", "sub_sr"])
def test_add_sub_results_and_flags_at_the_edges(name, sf):
    bits = 64 if sf else 32
    mc = Machine()
    for x in EDGES:
        for y in EDGES:
            for carry in ((0, 1) if name in ("adcs", "sbcs") else (0,)):
                mc.set_nzcv("NZ-V" if not carry else "C")
                mc.r[1], mc.r[2] = sx(x), sx(y)
                mc.run(name, rd=0, rs1=1, rs2=2, rm=sf)
                sub = name.startswith("sub") or name.startswith("sbc")
                c = carry if name in ("adcs", "sbcs") else int(sub)
                want, flags = add_with_carry(x, ~y if sub else y, c, bits)
                assert ux(mc.r[0]) == want, (name, hex(x), hex(y), carry)
                if name.endswith("s") or name.endswith("s_sr"):
                    assert mc.nzcv == flags, (name, hex(x), hex(y), carry)
                else:
                    assert mc.nzcv == ("NZ-V" if not carry else "--C-")  # flags untouched


def holds(cond, n, z, c, v):
    """ConditionHolds, from the manual's table of condition codes."""
    return [z, not z, c, not c, n, not n, v, not v, c and not z, not (c and not z),
            n == v, n != v, not z and n == v, not (not z and n == v), True, True][cond]


def test_every_condition_code_on_every_flag_combination():
    mc = Machine()
    for flags in range(16):
        n, z, c, v = (flags >> 3) & 1, (flags >> 2) & 1, (flags >> 1) & 1, flags & 1
        for cond in range(16):
            mc.set_nzcv("".join(f for f, b in zip("NZCV", (n, z, c, v)) if b))
            want = holds(cond, n, z, c, v)
            assert mc.run("b_cond", rm=cond, imm=64, pc=0x1000) == (0x1040 if want else 0x1004)
            mc.r[1], mc.r[2] = 11, 22
            mc.run("csel", rd=0, rs1=1, rs2=2, rm=1, imm=cond)
            assert mc.r[0] == (11 if want else 22)
            mc.run("csinc", rd=0, rs1=31, rs2=31, rm=0, imm=cond ^ 1)       # cset
            assert mc.r[0] == (int(want) if cond < 14 else 0)


def test_ccmp_sets_nzcv_from_the_immediate_when_the_condition_fails():
    mc = Machine()
    mc.r[1] = 5
    mc.set_nzcv("Z")                                          # eq holds: compare 5 with 5
    mc.run("ccmp_imm", rs1=1, rs2=5, rm=1, imm=(0 << 4) | 0b0010)
    assert mc.nzcv == "-ZC-"
    mc.set_nzcv("")                                           # eq fails: nzcv = #0b1001
    mc.run("ccmp_imm", rs1=1, rs2=5, rm=1, imm=(0 << 4) | 0b1001)
    assert mc.nzcv == "N--V"
    mc.set_nzcv("")                                           # ne holds: ccmn 5 + -5
    mc.r[2] = -5
    mc.run("ccmn_reg", rs1=1, rs2=2, rm=1, imm=(1 << 4) | 0b1000)
    assert mc.nzcv == "-ZC-"


def logical_immediates(bits):
    """Every value a logical immediate of `bits` can encode, generated from the definition:
    a rotated run of 1..e-1 ones in an e-bit element, replicated."""
    out = set()
    e = 2
    while e <= bits:
        for ones in range(1, e):
            elem = (1 << ones) - 1
            for rot in range(e):
                r = ((elem >> rot) | (elem << (e - rot))) & ((1 << e) - 1)
                v = 0
                for i in range(bits // e):
                    v |= r << (i * e)
                out.add(v)
        e *= 2
    return sorted(out)


@needs_llvm
@pytest.mark.parametrize("bits", [32, 64])
def test_bitmask_immediates_decode_to_what_llvm_encoded(bits):
    values = logical_immediates(bits)
    assert len(values) == (5334 if bits == 64 else 1302)
    sample = random.Random(bits).sample(values, 150) + [values[0], values[-1]]
    reg = "x" if bits == 64 else "w"
    ops = [("orr_imm", "orr"), ("and_imm", "and"), ("eor_imm", "eor"), ("ands_imm", "ands")]
    lines = [f"{mn} {reg}0, {reg}1, #{v:#x}" for v in sample for _, mn in ops]
    words = iter(assemble(lines))
    mc = Machine()
    x = 0x0123_4567_89AB_CDEF & ((1 << bits) - 1)
    for v in sample:
        for _, mn in ops:
            mc.r[1] = sx(x | (0xDEAD_0000_0000_0000 if bits == 32 else 0))
            mc.word(next(words))
            want = {"orr": x | v, "and": x & v, "eor": x ^ v, "ands": x & v}[mn]
            assert ux(mc.r[0]) == want, (mn, hex(v))
    assert mc.nzcv[1] == ("Z" if x & sample[-1] == 0 else "-")


def test_reserved_bitmask_immediates_are_illegal():
    mc = Machine()
    mc.r[0] = 77
    mc.run("orr_imm", rd=0, rs1=1, rm=0, imm=(1 << 12) | 0)           # N=1 in a W form
    assert mc.exit == Exit.ILLEGAL and mc.r[0] == 77
    mc.run("orr_imm", rd=0, rs1=1, rm=1, imm=(1 << 12) | 0x3F)        # all ones, e = 64
    assert mc.exit == Exit.ILLEGAL
    mc.run("orr_imm", rd=0, rs1=1, rm=1, imm=0x3D)                    # e = 2, all ones
    assert mc.exit == Exit.ILLEGAL
    mc.run("orr_imm", rd=0, rs1=1, rm=1, imm=0x3E)                    # N:NOT(imms) < 2
    assert mc.exit == Exit.ILLEGAL and mc.r[0] == 77
    mc.run("orr_imm", rd=0, rs1=31, rm=1, imm=0x3C)                   # e = 2, one 1: 0b01...
    assert mc.exit == Exit.NONE and ux(mc.r[0]) == 0x5555_5555_5555_5555
    mc.run("orr_imm", rd=0, rs1=31, rm=1, imm=(1 << 6) | 0x38)        # e = 4, 0b0001 ror 1
    assert ux(mc.r[0]) == 0x8888_8888_8888_8888


def bitfield_reference(alias, x, a, b, bits, old):
    mask = (1 << bits) - 1
    x &= mask
    if alias == "ubfx":
        return (x >> a) & ((1 << b) - 1)
    if alias == "sbfx":
        return signed(x >> a, b) & mask
    if alias == "ubfiz":
        return ((x & ((1 << b) - 1)) << a) & mask
    if alias == "sbfiz":
        return (signed(x, b) << a) & mask
    if alias == "bfi":
        field = ((1 << b) - 1) << a
        return (old & ~field | (x << a) & field) & mask
    if alias == "bfxil":
        field = (1 << b) - 1
        return (old & ~field | (x >> a) & field) & mask
    raise ValueError(alias)


@needs_llvm
@pytest.mark.parametrize("bits", [32, 64])
def test_bitfield_aliases_against_references(bits):
    rnd = random.Random(bits + 1)
    reg = "x" if bits == 64 else "w"
    cases = []
    for alias in ("ubfx", "sbfx", "ubfiz", "sbfiz", "bfi", "bfxil"):
        for _ in range(20):
            a = rnd.randrange(bits)
            b = rnd.randrange(1, bits - a + 1)
            cases.append((alias, a, b, rnd.getrandbits(64), rnd.getrandbits(64)))
    lines = [f"{al} {reg}0, {reg}1, #{a}, #{b}" for al, a, b, _, _ in cases]
    shifts = [(kind, rnd.randrange(bits), rnd.getrandbits(64)) for kind in ("lsl", "lsr", "asr",
                                                                          "ror") for _ in range(8)]
    lines += [f"{kind} {reg}0, {reg}1, #{s}" for kind, s, _ in shifts]
    exts = ["sxtb", "sxth", "sxtw"] if bits == 64 else ["sxtb", "sxth", "uxtb", "uxth"]
    lines += [f"{e} {reg}0, w1" for e in exts]
    words = iter(assemble(lines))
    mc = Machine()
    mask = (1 << bits) - 1
    for alias, a, b, x, old in cases:
        mc.r[0], mc.r[1] = sx(old), sx(x)
        mc.word(next(words))
        assert ux(mc.r[0]) == bitfield_reference(alias, x, a, b, bits, old), (alias, a, b)
    for kind, s, x in shifts:
        mc.r[1] = sx(x)
        mc.word(next(words))
        xv = x & mask
        want = {"lsl": xv << s, "lsr": xv >> s, "asr": signed(xv, bits) >> s,
                "ror": (xv >> s) | (xv << (bits - s))}[kind] & mask
        assert ux(mc.r[0]) == want, (kind, s)
    x = 0xFEDC_BA98_8765_F0F0
    for e in exts:
        mc.r[1] = sx(x)
        mc.word(next(words))
        width = {"b": 8, "h": 16, "w": 32}[e[-1]]
        want = signed(x, width) if e[0] == "s" else x & ((1 << width) - 1)
        assert ux(mc.r[0]) == want & mask, e


@needs_llvm
def test_assembled_arithmetic_and_x31():
    lines = ["add x0, sp, #16", "add sp, sp, #32", "orr x2, xzr, x3", "sub x4, xzr, x3",
             "adds xzr, x3, #1", "add w5, w3, #1", "add x6, sp, w3, sxtw #2", "sub sp, sp, x3",
             "and sp, x3, #0xfffffffffffffff0", "movz x7, #0x1234, lsl #32",
             "movk x7, #0xbeef", "movn w8, #1", "movn x9, #0", "extr x10, x3, x3, #8",
             "madd x11, x3, x3, x1", "smulh x12, x3, x13", "umulh x14, x3, x13",
             "smaddl x15, w3, w13, xzr", "umsubl x16, w3, w13, x1", "clz w17, w1",
             "cls x18, x13", "rbit w19, w3", "rev x20, x3", "rev16 w21, w3", "rev32 x22, x3",
             "adr x23, #-4", "adrp x24, #-4096"]
    words = iter(assemble(lines))
    mc = Machine()
    mc.r[SP] = 0x8000
    mc.r[1] = 0x10
    mc.r[3] = sx(0xFFFF_FFFF_8000_0001)
    mc.r[13] = -3
    pc = 0x21234
    for _ in lines:
        assert mc.word(next(words), pc=pc) == pc + 4 and mc.exit == Exit.NONE
    x3, m = 0xFFFF_FFFF_8000_0001, M64
    assert mc.r[0] == 0x8010
    assert ux(mc.r[2]) == x3 and ux(mc.r[4]) == (-x3) & m
    assert mc.nzcv == "N---"                               # x3 + 1 negative, no carry
    assert mc.r[5] == 0x8000_0002                          # W result zero-extended
    assert ux(mc.r[6]) == (0x8020 + 4 * signed(0x8000_0001, 32)) & m
    assert ux(mc.r[SP]) == x3 & ~0xF                       # and sp, ... wrote SP
    assert mc.r[7] == 0x1234_0000_BEEF
    assert mc.r[8] == 0xFFFF_FFFE and ux(mc.r[9]) == m
    assert ux(mc.r[10]) == ((x3 >> 8) | (x3 << 56)) & m
    assert ux(mc.r[11]) == (x3 * x3 + 0x10) & m
    assert int(mc.r[12]) == (signed(x3, 64) * -3) >> 64
    assert ux(mc.r[14]) == (x3 * (M64 - 2)) >> 64
    assert int(mc.r[15]) == signed(0x8000_0001, 32) * -3
    assert ux(mc.r[16]) == (0x10 - 0x8000_0001 * 0xFFFF_FFFD) & m
    assert mc.r[17] == 27 and mc.r[18] == 61
    assert mc.r[19] == int(f"{0x8000_0001:032b}"[::-1], 2)
    assert ux(mc.r[20]) == int.from_bytes(x3.to_bytes(8, "little"), "big")
    assert mc.r[21] == 0x0080_0100
    assert ux(mc.r[22]) == 0xFFFF_FFFF_0100_0080
    assert mc.r[23] == pc - 4 and mc.r[24] == (pc & ~0xFFF) - 4096


def test_division_edges():
    mc = Machine()
    cases = [("sdiv", 1, -(1 << 63), -1, -(1 << 63)), ("sdiv", 1, 7, 0, 0),
             ("sdiv", 1, -7, 2, -3), ("sdiv", 0, 0x8000_0000, -1, 0x8000_0000),
             ("sdiv", 0, -7, 2, 0xFFFF_FFFD), ("udiv", 1, -1, 2, (1 << 63) - 1),
             ("udiv", 0, -1, 2, 0x7FFF_FFFF), ("udiv", 1, 5, 0, 0)]
    for name, sf, x, y, want in cases:
        mc.r[1], mc.r[2] = x, y
        mc.run(name, rd=0, rs1=1, rs2=2, rm=sf)
        assert mc.r[0] == want, (name, sf, x, y)


def test_unallocated_sf_dependent_forms_are_illegal():
    mc = Machine()
    for name, rm, imm in [("movz", 0, 2 << 16), ("add_sr", 0, 32), ("add_sr", 1, 3 << 6),
                          ("and_sr", 0, 40), ("sbfm", 0, 1 << 12), ("ubfm", 1, 0),
                          ("ubfm", 0, 0x20), ("extr", 0, 32), ("add_ext", 1, 5)]:
        mc.r[0] = 99
        mc.run(name, rd=0, rs1=1, rs2=2, rm=rm, imm=imm)
        assert mc.exit == Exit.ILLEGAL and mc.r[0] == 99, (name, rm, imm)
