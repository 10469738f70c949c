"""A64 loads and stores (every addressing mode, size and sign extension, assembled by llvm-mc-19),
pairs, exclusives, acquire/release; branches; system instructions."""
import pytest

from a64helpers import DATA, PC, Machine, assemble, needs_llvm, sx, ux
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT_INFO, CTL_INSTRET
from translators.aarch64.cpu import FPCR, LR, RES_ADDR, SP, TPIDR_EL0

# slow while aarch64 is not registered: `make warm` does not compile its dispatch, so the
# first of these compiles it (about 4 minutes on a fresh machine)
pytestmark = [needs_llvm, pytest.mark.slow]
PATTERN = bytes(range(0x80, 0xC0))          # 64 bytes with the sign bit set in every byte


def machine():
    mc = Machine()
    mc.write(DATA, PATTERN)
    mc.r[1] = DATA
    mc.r[SP] = DATA + 0x800
    return mc


def le(data, signed=False):
    return int.from_bytes(data, "little", signed=signed)


@pytest.mark.parametrize("line, want", [
    ("ldrb w0, [x1, #3]", PATTERN[3]),
    ("ldrsb w0, [x1, #3]", le(PATTERN[3:4], True) & 0xFFFF_FFFF),
    ("ldrsb x0, [x1, #3]", le(PATTERN[3:4], True)),
    ("ldrh w0, [x1, #2]", le(PATTERN[2:4])),
    ("ldrsh w0, [x1, #2]", le(PATTERN[2:4], True) & 0xFFFF_FFFF),
    ("ldrsh x0, [x1, #2]", le(PATTERN[2:4], True)),
    ("ldr w0, [x1, #4]", le(PATTERN[4:8])),
    ("ldrsw x0, [x1, #4]", le(PATTERN[4:8], True)),
    ("ldr x0, [x1, #8]", le(PATTERN[8:16])),
    ("ldur x0, [x1, #3]", le(PATTERN[3:11])),
    ("ldursw x0, [x1, #1]", le(PATTERN[1:5], True)),
    ("ldtrh w0, [x1, #5]", le(PATTERN[5:7])),
    ("ldr x0, [x1, x2, lsl #3]", le(PATTERN[16:24])),        # x2 = 2
    ("ldrh w0, [x1, w3, sxtw #1]", le(PATTERN[6:8])),        # w3 = 3
    ("ldrb w0, [x1, w2, uxtw]", PATTERN[2]),
    ("ldur w0, [sp, #-4]", le(PATTERN[12:16])),              # sp = DATA + 16
])
def test_loads(line, want):
    mc = machine()
    mc.r[2] = 2
    mc.r[3] = sx(0xFFFF_FFFF_0000_0003)                      # w3 = 3, upper half ignored
    mc.r[0] = -1
    mc.r[SP] = DATA + 16
    assert mc.asm(line) == PC + 4 and mc.exit == Exit.NONE
    assert ux(mc.r[0]) == want & ((1 << 64) - 1), line


def test_stores_and_writeback():
    mc = machine()
    mc.r[2] = sx(0x1122_3344_5566_7788)
    lines = ["strb w2, [x1, #1]", "strh w2, [x1, #2]!", "str w2, [x1], #4", "str x2, [x1, #8]",
             "sturh w2, [x1, #-1]", "str xzr, [x1, #16]", "stp x2, xzr, [sp, #-16]!",
             "stp w2, w2, [x1], #8", "str x2, [x1, x3, lsl #3]"]
    mc.r[3] = 1
    for w in assemble(lines):
        assert mc.word(w) == PC + 4 and mc.exit == Exit.NONE
    x2 = 0x1122_3344_5566_7788
    assert mc.r[1] == DATA + 14                      # +2 (pre), +4 (post), +8 (stp post)
    assert mc.read(DATA, 6) == bytes([0x80, 0x88, 0x88, 0x77, 0x66, 0x88])
    assert mc.read(DATA + 6, 8) == bytes.fromhex("8877665588776655")
    assert mc.u64(DATA + 14) == x2 and mc.u64(DATA + 22) == x2
    assert mc.r[SP] == DATA + 0x800 - 16
    assert mc.u64(DATA + 0x800 - 16) == x2 and mc.u64(DATA + 0x800 - 8) == 0


def test_pairs_and_ldpsw():
    mc = machine()
    lines = ["ldp x2, x3, [x1, #16]", "ldp w4, w5, [x1], #8", "ldpsw x6, x7, [x1, #-8]!",
             "ldnp w8, w9, [x1, #4]"]
    for w in assemble(lines):
        assert mc.word(w) == PC + 4 and mc.exit == Exit.NONE
    assert ux(mc.r[2]) == le(PATTERN[16:24]) and ux(mc.r[3]) == le(PATTERN[24:32])
    assert mc.r[4] == le(PATTERN[0:4]) and mc.r[5] == le(PATTERN[4:8])
    assert mc.r[6] == le(PATTERN[0:4], True) and mc.r[7] == le(PATTERN[4:8], True)
    assert mc.r[1] == DATA
    assert mc.r[8] == le(PATTERN[4:8]) and mc.r[9] == le(PATTERN[8:12])


def test_literal_loads():
    mc = machine()
    lit = DATA + 0x40
    mc.write(lit, (0x8877_6655_4433_2211).to_bytes(8, "little"))
    pc = lit - 8
    for line, want in [("ldr w0, #8", 0x4433_2211), ("ldr x0, #8", 0x8877_6655_4433_2211),
                       ("ldrsw x0, #12", le((0x88776655).to_bytes(4, "little"), True))]:
        assert mc.word(assemble([line])[0], pc=pc) == pc + 4
        assert ux(mc.r[0]) == want & ((1 << 64) - 1), line


def test_a_faulting_access_changes_nothing():
    mc = machine()
    mc.map(DATA + 0x1000, 0)
    mc.r[1] = DATA + 0x1000 - 8
    mc.r[2] = 5
    for line in ["ldr x2, [x1, #16]!", "ldp x2, x3, [x1, #8]", "str x2, [x1], #16"]:
        mc.r[1] = DATA + 0x1000 - 8 if "str" not in line else DATA + 0x1000
        before = mc.r.copy()
        assert mc.asm(line) == PC and mc.exit == Exit.PAGE_FAULT
        assert (mc.r == before).all(), line


def test_unallocated_size_opc_is_illegal():
    mc = machine()
    for name, rm in [("ldst_ui", 0b1011), ("ldst_post", 0b1110), ("ldst_pre", 0b1111)]:
        mc.run(name, rd=0, rs1=1, rm=rm)
        assert mc.exit == Exit.ILLEGAL, name
    mc.run("ldst_ui", rd=0, rs1=1, rm=0b1110, imm=8)        # prfm: a NOP
    assert mc.exit == Exit.NONE


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_exclusive_pairs_succeed_then_fail(size):
    mc = machine()
    sfx, reg = ("b", "w") if size == 0 else ("h", "w") if size == 1 else ("", "w" if size == 2
                                                                       else "x")
    lines = [f"ldaxr{sfx} {reg}2, [x1]", f"stlxr{sfx} w3, {reg}4, [x1]",
             f"stxr{sfx} w3, {reg}4, [x1]"]
    n = 1 << size
    mc.r[1] = DATA + 8 + (n if n < 4 else 0)                 # a byte/halfword inside a word
    mc.r[4] = sx(0x0102_0304_0506_0708)
    ld, st, st2 = assemble(lines)
    va = int(mc.r[1])
    mc.word(ld)
    assert ux(mc.r[2]) == le(mc.read(va, n)) and mc.r[RES_ADDR] == va
    mc.word(st)
    assert mc.r[3] == 0 and mc.read(va, n) == (0x0102_0304_0506_0708).to_bytes(8, "little")[:n]
    if n < 4:                                                # its neighbour kept its byte
        assert mc.read(DATA + 8, 1) == PATTERN[8:9]
    mc.word(st2)                                             # the monitor was cleared
    assert mc.r[3] == 1
    mc.word(ld)
    mc.write(va, b"\0" * n)                                  # another CPU stores in between
    mc.word(st)
    assert mc.r[3] == 1 and mc.read(va, n) == b"\0" * n


def test_exclusive_register_pairs_and_alignment():
    mc = machine()
    ldxp, stxp, ldxpw, stxpw, ldxr = assemble([
        "ldxp x2, x3, [x1]", "stxp w4, x5, x6, [x1]", "ldaxp w2, w3, [x1]",
        "stlxp w4, w5, w6, [x1]", "ldxr x2, [x1]"])
    mc.r[5], mc.r[6] = 0x55, 0x66
    mc.word(ldxp)
    assert ux(mc.r[2]) == le(PATTERN[0:8]) and ux(mc.r[3]) == le(PATTERN[8:16])
    mc.word(stxp)
    assert mc.r[4] == 0 and mc.u64(DATA) == 0x55 and mc.u64(DATA + 8) == 0x66
    mc.word(ldxpw)
    assert mc.r[2] == 0x55 and mc.r[3] == 0
    mc.word(stxpw)
    assert mc.r[4] == 0 and mc.u64(DATA) == 0x66_0000_0055
    mc.r[1] = DATA + 4
    assert mc.word(ldxr) == PC and mc.exit == Exit.MISALIGNED


def test_acquire_release():
    mc = machine()
    mc.r[2] = -1
    for w in assemble(["stlrh w2, [x1]", "ldarb w3, [x1, #0]", "ldar x4, [x1]"]):
        assert mc.word(w) == PC + 4
    assert mc.read(DATA, 3) == bytes([0xFF, 0xFF, 0x82]) and mc.r[3] == 0xFF
    assert ux(mc.r[4]) == le(b"\xff\xff" + PATTERN[2:8])


def test_branches():
    mc = machine()
    b, bl, cbz, cbnz, tbz, tbnz, br, blr, ret = assemble([
        "b #-8", "bl #4096", "cbz w2, #16", "cbnz x2, #16", "tbz x2, #33, #-32",
        "tbnz w2, #0, #-32", "br x5", "blr x30", "ret"])
    mc.r[2] = sx(0xFFFF_FFFF_0000_0000)                     # w2 == 0, x2 != 0, bit 33 set
    assert mc.word(b) == PC - 8
    assert mc.word(bl) == PC + 4096 and mc.r[LR] == PC + 4
    assert mc.word(cbz) == PC + 16 and mc.word(cbnz) == PC + 16
    assert mc.word(tbz) == PC + 4 and mc.word(tbnz) == PC + 4
    mc.r[5] = 0x12340
    assert mc.word(br) == 0x12340
    mc.r[LR] = 0x5550
    assert mc.word(blr) == 0x5550 and mc.r[LR] == PC + 4       # reads x30 before linking
    assert mc.word(ret) == PC + 4


def test_system_registers_and_svc():
    mc = machine()
    lines = ["msr tpidr_el0, x2", "mrs x3, tpidr_el0", "msr nzcv, x4", "mrs x5, nzcv",
             "mrs x6, dczid_el0", "mrs x7, ctr_el0", "mrs x8, cntfrq_el0", "mrs x9, cntvct_el0",
             "msr fpcr, x10", "mrs x11, fpcr", "nop", "hint #34", "dmb ish", "dsb sy",
             "clrex", "mrs x12, tpidrro_el0"]
    mc.r[2], mc.r[4], mc.r[10] = 0x7FFF_1234, 0x6000_0000, -1
    mc.ctl[CTL_INSTRET] = 12345
    mc.r[RES_ADDR] = DATA
    for w in assemble(lines):
        assert mc.word(w) == PC + 4 and mc.exit == Exit.NONE
    assert mc.r[TPIDR_EL0] == 0x7FFF_1234 and mc.r[3] == 0x7FFF_1234
    assert mc.nzcv == "-ZC-" and mc.r[5] == 0x6000_0000
    assert mc.r[6] == 4 and mc.r[7] == 0x8444_8004 and mc.r[8] == 62_500_000
    assert mc.r[9] == 12345 and mc.r[11] == mc.r[FPCR] == 0x07F7_0000
    assert mc.r[RES_ADDR] == -1 and mc.r[12] == 0
    svc, brk, midr, isb = assemble(["svc #0", "brk #0x3e8", "mrs x0, midr_el1", "isb"])
    assert mc.word(svc) == PC and mc.exit == Exit.SYSCALL
    assert mc.word(brk) == PC and mc.exit == Exit.BREAKPOINT and mc.ctl[CTL_EXIT_INFO] == 1000
    # EL0 reads of MIDR_EL1 trap and Linux emulates them with the CPU's value (a Cortex-A53)
    assert mc.word(midr) == PC + 4 and mc.exit == Exit.NONE and mc.r[0] == 0x410F_D034
    assert mc.word(isb) == PC + 4 and mc.exit == Exit.FENCE_I


def test_dc_zva_zeroes_the_64_byte_block():
    mc = machine()
    mc.write(DATA + 64, b"\xAA" * 128)
    mc.r[2] = DATA + 64 + 37
    assert mc.asm("dc zva, x2") == PC + 4 and mc.exit == Exit.NONE
    assert mc.read(DATA + 64, 64) == b"\0" * 64 and mc.read(DATA + 128, 64) == b"\xAA" * 64
    assert mc.read(DATA, 64) == PATTERN
    assert mc.asm("dc civac, x2") == PC + 4 and mc.asm("ic ivau, x2") == PC + 4
    assert mc.exit == Exit.FENCE_I
    assert mc.asm("sys #0, c1, c2, #3, x2") == PC
    assert mc.exit == Exit.ILLEGAL
