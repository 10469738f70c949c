"""Delay slots: a branch returns its slot's pc with NPC = the target (or pc + 8), the slot then
returns NPC; branch-likely not taken skips the slot; links are pc + 8, written after the sources
are read; a faulting instruction in a slot leaves pc and NPC alone."""
import pytest

from jitvm.exits import Exit
from mipshelpers import DATA, PC, Machine, s32
from translators.mipsel.cpu import NPC, RA

M32 = 0xFFFFFFFF


@pytest.fixture
def mc():
    return Machine()


def step(mc, name, pc, **kw):
    """Run one instruction at pc with the machine's current NPC (a real sequence)."""
    return mc.run(name, pc=pc, npc=mc.npc, **kw)


def test_taken_branch_then_slot_then_target(mc):
    mc.r[4] = mc.r[5] = 7
    slot = mc.run("beq", rs1=4, rs2=5, imm=0x100)
    assert slot == PC + 4 and mc.npc == PC + 4 + 0x100 and mc.exit == Exit.NONE
    mc.r[3] = 1
    nxt = step(mc, "addiu", slot, rd=3, rs1=3, imm=1)        # the delay slot runs
    assert mc.r[3] == 2 and nxt == PC + 0x104 and mc.npc == PC + 0x108


def test_not_taken_branch_runs_the_slot_then_falls_through(mc):
    mc.r[4], mc.r[5] = 7, 8
    slot = mc.run("beq", rs1=4, rs2=5, imm=0x100)
    assert slot == PC + 4 and mc.npc == PC + 8
    assert step(mc, "addiu", slot, rd=3, rs1=3, imm=1) == PC + 8 and mc.npc == PC + 12


@pytest.mark.parametrize("name, value, taken", [
    ("bne", 1, True), ("bne", 0, False),
    ("blez", 0, True), ("blez", -1, True), ("blez", 1, False),
    ("bgtz", 1, True), ("bgtz", 0, False), ("bgtz", s32(0x80000000), False),
    ("bltz", -1, True), ("bltz", 0, False),
    ("bgez", 0, True), ("bgez", s32(0x80000000), False),
])
def test_conditions(mc, name, value, taken):
    mc.r[4] = value
    assert mc.run(name, rs1=4, rs2=0, imm=-8) == PC + 4
    assert mc.npc == (PC + 4 - 8 if taken else PC + 8)


@pytest.mark.parametrize("name, value, taken", [
    ("beql", 0, True), ("beql", 1, False), ("bnel", 1, True), ("bnel", 0, False),
    ("blezl", 0, True), ("blezl", 1, False), ("bgtzl", 1, True), ("bgtzl", -5, False),
    ("bltzl", -1, True), ("bltzl", 0, False), ("bgezl", 0, True), ("bgezl", -1, False),
])
def test_branch_likely(mc, name, value, taken):
    mc.r[4] = value
    nxt = mc.run(name, rs1=4, rs2=0, imm=0x40)
    if taken:
        assert nxt == PC + 4 and mc.npc == PC + 0x44
    else:                                                     # the slot is nullified
        assert nxt == PC + 8 and mc.npc == PC + 12


@pytest.mark.parametrize("name, value, taken, likely", [
    ("bltzal", -1, True, False), ("bltzal", 0, False, False),
    ("bgezal", 0, True, False), ("bgezal", -1, False, False),
    ("bltzall", -1, True, True), ("bltzall", 1, False, True),
    ("bgezall", 1, True, True), ("bgezall", -1, False, True),
])
def test_linking_branches_link_whether_taken_or_not(mc, name, value, taken, likely):
    mc.r[4] = value
    nxt = mc.run(name, rd=RA, rs1=4, imm=0x20)
    assert mc.r[RA] == PC + 8
    if taken:
        assert nxt == PC + 4 and mc.npc == PC + 0x24
    elif likely:
        assert nxt == PC + 8 and mc.npc == PC + 12
    else:
        assert nxt == PC + 4 and mc.npc == PC + 8


def test_bal_is_bgezal_zero_and_reads_ra_before_linking(mc):
    mc.r[RA] = -4                      # bgezal $ra: the old $ra (negative) decides
    mc.run("bgezal", rd=RA, rs1=RA, imm=0x20)
    assert mc.npc == PC + 8 and mc.r[RA] == PC + 8
    mc.run("bgezal", rd=RA, rs1=0, imm=0x20)                 # bal
    assert mc.npc == PC + 0x24


def test_j_jal_stay_in_the_slots_region(mc):
    pc = 0x1FFFFFFC                    # the slot is at 0x20000000: its region counts
    assert mc.run("j", pc=pc, imm=0x40) == 0x20000000 and mc.npc == 0x20000040
    assert mc.run("jal", pc=PC, rd=RA, imm=0x123450) == PC + 4
    assert mc.npc == 0x123450 and mc.r[RA] == PC + 8


def test_jr_jalr(mc):
    mc.r[25] = 0x401000
    assert mc.run("jr", rs1=25) == PC + 4 and mc.npc == 0x401000
    assert mc.run("jalr", rd=RA, rs1=25) == PC + 4 and mc.npc == 0x401000
    assert mc.r[RA] == PC + 8
    mc.r[4] = 0x402000                 # jalr $4, $4: the target is the old $4
    mc.run("jalr", rd=4, rs1=4)
    assert mc.npc == 0x402000 and mc.r[4] == PC + 8
    mc.run("jr.hb", rs1=25)
    assert mc.npc == 0x401000
    mc.run("jalr.hb", rd=RA, rs1=25)
    assert mc.npc == 0x401000


def test_targets_are_sign_extended_words(mc):
    mc.r[4] = s32(0x80000000)
    mc.run("jr", rs1=4)
    assert mc.npc == s32(0x80000000)
    mc.run("beq", pc=0x7FFFFFF0, imm=0x10)
    assert mc.npc == s32(0x80000004)


def test_faulting_load_in_a_slot_leaves_pc_and_npc(mc):
    mc.r[4] = mc.r[5] = 1
    slot = mc.run("beq", rs1=4, rs2=5, imm=0x200)
    target = mc.npc
    mc.map(DATA, 0)
    mc.r[6] = DATA
    assert step(mc, "lw", slot, rd=7, rs1=6, imm=0) == slot
    assert mc.exit == Exit.PAGE_FAULT and mc.npc == target      # re-runs as the slot
    mc.map(DATA, 6)
    assert step(mc, "lw", slot, rd=7, rs1=6, imm=0) == target
