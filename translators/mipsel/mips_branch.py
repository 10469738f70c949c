"""mipsel branches and jumps: one `exec_<name>` per instruction, all with a delay slot.

Menu: beq/bne/blez/bgtz/bltz/bgez and their linking forms bltzal/bgezal (b and bal are the
assembler's beq $zero, $zero and bgezal $zero), the branch-likely forms beql/bnel/blezl/bgtzl/
bltzl/bgezl/bltzall/bgezall, j/jal, jr/jalr (and their .hb forms: the hazard barrier needs
nothing in an emulator).

The delay-slot contract (cpu.py): a branch returns the pc of its delay slot (pc + 4) and sets
NPC to where execution goes after the slot: the target if taken, else pc + 8. A branch-likely
that is not taken nullifies the slot: NPC = pc + 12 and it returns pc + 8. Linking forms write
pc + 8 to the link register (rd: $ra, or jalr's rd) AFTER reading their sources, so
`jalr $ra, $ra` and `bgezal $ra, ...` see the old value. Branch offsets arrive as bytes from the
delay slot (target = pc + 4 + imm), j/jal's as instr_index << 2 within the delay slot's 256 MiB
region. Every pc and target is a 32-bit value, sign-extended like the registers.
"""
from jitvm.compiled import jit
from translators.mipsel.cpu import NPC, sx32, wx


@jit
def branch(r, taken, pc, target):
    """A delayed branch: the delay slot runs next, then the target if taken, else pc + 8."""
    r[NPC] = sx32(target) if taken else sx32(pc + 8)
    return sx32(pc + 4)


@jit
def branch_likely(r, taken, pc, target):
    """A branch-likely: the delay slot runs only when taken; not taken skips over it."""
    if taken:
        r[NPC] = sx32(target)
        return sx32(pc + 4)
    r[NPC] = sx32(pc + 12)
    return sx32(pc + 8)


@jit
def region_target(pc, imm):
    """j/jal: the delay slot's 256 MiB region, with instr_index << 2 inside it."""
    return ((pc + 4) & 0xF0000000) | imm


# ---- compare and branch (imm: bytes from the delay slot) -------------------------------------

@jit
def exec_beq(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, r[rs1] == r[rs2], pc, pc + 4 + imm)


@jit
def exec_bne(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, r[rs1] != r[rs2], pc, pc + 4 + imm)


@jit
def exec_blez(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, r[rs1] <= 0, pc, pc + 4 + imm)


@jit
def exec_bgtz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, r[rs1] > 0, pc, pc + 4 + imm)


@jit
def exec_bltz(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, r[rs1] < 0, pc, pc + 4 + imm)


@jit
def exec_bgez(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, r[rs1] >= 0, pc, pc + 4 + imm)


@jit
def exec_bltzal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    taken = r[rs1] < 0                        # before the link: rs may be $ra
    wx(r, rd, pc + 8)
    return branch(r, taken, pc, pc + 4 + imm)


@jit
def exec_bgezal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    taken = r[rs1] >= 0
    wx(r, rd, pc + 8)
    return branch(r, taken, pc, pc + 4 + imm)


# ---- branch-likely ---------------------------------------------------------------------------

@jit
def exec_beql(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, r[rs1] == r[rs2], pc, pc + 4 + imm)


@jit
def exec_bnel(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, r[rs1] != r[rs2], pc, pc + 4 + imm)


@jit
def exec_blezl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, r[rs1] <= 0, pc, pc + 4 + imm)


@jit
def exec_bgtzl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, r[rs1] > 0, pc, pc + 4 + imm)


@jit
def exec_bltzl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, r[rs1] < 0, pc, pc + 4 + imm)


@jit
def exec_bgezl(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch_likely(r, r[rs1] >= 0, pc, pc + 4 + imm)


@jit
def exec_bltzall(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    taken = r[rs1] < 0
    wx(r, rd, pc + 8)                         # linked whether taken or not
    return branch_likely(r, taken, pc, pc + 4 + imm)


@jit
def exec_bgezall(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    taken = r[rs1] >= 0
    wx(r, rd, pc + 8)
    return branch_likely(r, taken, pc, pc + 4 + imm)


# ---- jumps ----------------------------------------------------------------------------------

@jit
def exec_j(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, True, pc, region_target(pc, imm))


@jit
def exec_jal(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    wx(r, rd, pc + 8)
    return branch(r, True, pc, region_target(pc, imm))


@jit
def exec_jr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, True, pc, r[rs1])


@jit
def exec_jr_hb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    return branch(r, True, pc, r[rs1])


@jit
def exec_jalr(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    target = r[rs1]                           # before the link: rd may be rs
    wx(r, rd, pc + 8)
    return branch(r, True, pc, target)


@jit
def exec_jalr_hb(r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
    target = r[rs1]
    wx(r, rd, pc + 8)
    return branch(r, True, pc, target)
