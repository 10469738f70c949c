"""mips_mem semantics: loads sign/zero-extend, misaligned plain accesses work, lwl/lwr/swl/swr
at every alignment (little-endian), faults change nothing, ll/sc, sync/synci/pref."""
import pytest

from jitvm.exits import Exit
from jitvm.mmu import CTL_FAULT_ADDR
from mipshelpers import DATA, PC, RW, Machine, s32
from translators.mipsel.cpu import RES_ADDR

M32 = 0xFFFFFFFF
BYTES = bytes(range(0x81, 0x91))          # 81 82 83 ... 90


@pytest.fixture
def mc():
    m = Machine()
    m.write(DATA, BYTES)
    m.r[4] = DATA
    return m


def load(mc, name, off):
    npc = mc.run(name, rd=2, rs1=4, imm=off)
    assert mc.exit == Exit.NONE and npc == PC + 4 and mc.npc == PC + 8
    return int(mc.r[2])


def test_loads_extend(mc):
    assert load(mc, "lb", 0) == -0x7F
    assert load(mc, "lbu", 0) == 0x81
    assert load(mc, "lh", 0) == s32(0xFFFF8281)
    assert load(mc, "lhu", 0) == 0x8281
    assert load(mc, "lw", 0) == s32(0x84838281)
    assert load(mc, "lw", 4) == s32(0x88878685)


def test_offsets_and_32_bit_addresses(mc):
    mc.r[4] = DATA + 8
    assert load(mc, "lbu", -8) == 0x81
    mc.r[4] = s32(0xFFFFFFFF)              # base + offset wraps at 32 bits
    mc.run("lbu", rd=2, rs1=4, imm=DATA + 1)
    assert mc.exit == Exit.NONE and mc.r[2] == 0x81


def test_misaligned_plain_accesses(mc):
    assert load(mc, "lw", 1) == s32(0x85848382)
    assert load(mc, "lh", 3) == s32(0xFFFF8584)
    assert load(mc, "lhu", 1) == 0x8382
    mc.r[5] = 0x11223344
    assert mc.run("sw", rd=5, rs1=4, imm=3) == PC + 4
    assert mc.read(DATA, 8) == bytes([0x81, 0x82, 0x83, 0x44, 0x33, 0x22, 0x11, 0x88])
    mc.run("sh", rd=5, rs1=4, imm=9)
    assert mc.read(DATA + 9, 2) == bytes([0x44, 0x33])


def test_stores(mc):
    mc.r[5] = s32(0xAABBCCDD)
    mc.run("sb", rd=5, rs1=4, imm=0)
    mc.run("sh", rd=5, rs1=4, imm=2)
    mc.run("sw", rd=5, rs1=4, imm=4)
    assert mc.read(DATA, 8) == bytes([0xDD, 0x82, 0xDD, 0xCC, 0xDD, 0xCC, 0xBB, 0xAA])


# The aligned word at DATA + 4 is 88 87 86 85 (bytes 85 86 87 88); rt starts as 11223344.
# lwl at byte b: rt's top b+1 bytes = the word's bytes 0..b; lwr: rt's low 4-b = bytes b..3.
LWL = {0: 0x85223344, 1: 0x86853344, 2: 0x87868544, 3: 0x88878685}
LWR = {0: 0x88878685, 1: 0x11888786, 2: 0x11228887, 3: 0x11223388}


@pytest.mark.parametrize("b", range(4))
def test_lwl_lwr(mc, b):
    mc.r[2] = 0x11223344
    assert mc.run("lwl", rd=2, rs1=4, imm=4 + b) == PC + 4
    assert mc.r[2] == s32(LWL[b])
    mc.r[2] = 0x11223344
    assert mc.run("lwr", rd=2, rs1=4, imm=4 + b) == PC + 4
    assert mc.r[2] == s32(LWR[b])


@pytest.mark.parametrize("a", range(8))
def test_lwl_lwr_pair_loads_an_unaligned_word(mc, a):
    """The compiler's unaligned load: lwl rt, a+3; lwr rt, a."""
    mc.run("lwl", rd=2, rs1=4, imm=a + 3)
    mc.run("lwr", rd=2, rs1=4, imm=a)
    assert mc.r[2] == s32(int.from_bytes(BYTES[a:a + 4], "little"))


# swl at byte b writes rt's top b+1 bytes at the word's bytes 0..b; swr rt's low 4-b bytes at
# bytes b..3. rt = AABBCCDD, the word at DATA + 4 is 85 86 87 88.
SWL = {0: "aa868788", 1: "bbaa8788", 2: "ccbbaa88", 3: "ddccbbaa"}
SWR = {0: "ddccbbaa", 1: "85ddccbb", 2: "8586ddcc", 3: "858687dd"}


@pytest.mark.parametrize("b", range(4))
def test_swl_swr(mc, b):
    mc.r[5] = s32(0xAABBCCDD)
    assert mc.run("swl", rd=5, rs1=4, imm=4 + b) == PC + 4
    assert mc.read(DATA + 4, 4).hex() == SWL[b]
    assert mc.read(DATA, 4) == BYTES[:4] and mc.read(DATA + 8, 4) == BYTES[8:12]
    mc.write(DATA + 4, BYTES[4:8])
    assert mc.run("swr", rd=5, rs1=4, imm=4 + b) == PC + 4
    assert mc.read(DATA + 4, 4).hex() == SWR[b]


@pytest.mark.parametrize("a", range(8))
def test_swl_swr_pair_stores_an_unaligned_word(mc, a):
    mc.r[5] = 0x44332211
    mc.run("swl", rd=5, rs1=4, imm=a + 3)
    mc.run("swr", rd=5, rs1=4, imm=a)
    assert mc.read(DATA + a, 4) == bytes([0x11, 0x22, 0x33, 0x44])
    assert mc.read(DATA, a) == BYTES[:a]
    assert mc.read(DATA + a + 4, 12 - a) == BYTES[a + 4:16]


@pytest.mark.parametrize("name", ["lb", "lw", "lwl", "lwr", "ll"])
def test_faulting_load_changes_nothing(mc, name):
    mc.map(DATA, 0)
    mc.r[2] = 55
    assert mc.run(name, rd=2, rs1=4, imm=4) == PC
    assert mc.exit == Exit.PAGE_FAULT and mc.r[2] == 55 and mc.npc == PC + 4


@pytest.mark.parametrize("name", ["sb", "sh", "sw", "swl", "swr", "sc"])
def test_faulting_store_changes_nothing(mc, name):
    mc.map(DATA, 2)                          # read-only
    mc.r[5] = 0x12345678
    mc.r[RES_ADDR] = DATA + 4
    assert mc.run(name, rd=5, rs1=4, imm=4) == PC
    assert mc.exit == Exit.PAGE_FAULT and mc.npc == PC + 4
    assert mc.read(DATA, 16) == BYTES and mc.r[5] == 0x12345678


@pytest.mark.parametrize("name", ["lwl", "lwr", "swl", "swr"])
def test_partial_word_faults_report_their_address(mc, name):
    mc.map(DATA, 0)
    assert mc.run(name, rd=5, rs1=4, imm=6) == PC and mc.exit == Exit.PAGE_FAULT
    assert mc.ctl[CTL_FAULT_ADDR] == DATA + 6


def test_store_straddling_into_an_unmapped_page_writes_nothing(mc):
    mc.map(DATA + 0x1000, 0)
    mc.r[5] = -1
    assert mc.run("sw", rd=5, rs1=4, imm=0xFFE) == PC and mc.exit == Exit.PAGE_FAULT
    assert mc.read(DATA + 0xFFE, 2) == b"\0\0"


def test_ll_sc(mc):
    assert mc.run("ll", rd=2, rs1=4, imm=4) == PC + 4
    assert mc.r[2] == s32(0x88878685) and mc.r[RES_ADDR] == DATA + 4
    mc.r[2] = 0x11223344
    assert mc.run("sc", rd=2, rs1=4, imm=4) == PC + 4
    assert mc.r[2] == 1 and mc.read(DATA + 4, 4) == bytes([0x44, 0x33, 0x22, 0x11])
    mc.r[2] = 5                               # the reservation is gone: fails, no store
    assert mc.run("sc", rd=2, rs1=4, imm=4) == PC + 4
    assert mc.r[2] == 0 and mc.read(DATA + 4, 4) == bytes([0x44, 0x33, 0x22, 0x11])


def test_sc_fails_when_memory_changed_or_elsewhere(mc):
    mc.run("ll", rd=2, rs1=4, imm=0)
    mc.write(DATA, b"\0\0\0\0")               # another CPU wrote the word
    mc.r[2] = 9
    mc.run("sc", rd=2, rs1=4, imm=0)
    assert mc.r[2] == 0 and mc.read(DATA, 4) == b"\0\0\0\0"
    mc.run("ll", rd=2, rs1=4, imm=0)
    mc.r[2] = 9
    mc.run("sc", rd=2, rs1=4, imm=8)          # not the reserved address
    assert mc.r[2] == 0 and mc.read(DATA + 8, 4) == BYTES[8:12]


def test_misaligned_ll_sc(mc):
    assert mc.run("ll", rd=2, rs1=4, imm=2) == PC and mc.exit == Exit.MISALIGNED
    assert mc.ctl[CTL_FAULT_ADDR] == DATA + 2


def test_sync_pref_synci(mc):
    assert mc.run("sync", imm=0) == PC + 4 and mc.exit == Exit.NONE
    mc.map(DATA, 0)
    assert mc.run("pref", rs1=4, imm=0, rm=0) == PC + 4 and mc.exit == Exit.NONE
    assert mc.run("synci", rs1=4, imm=0) == PC + 4 and mc.exit == Exit.FENCE_I
    mc.map(DATA, RW)
