"""The mipsel encoding table: validation rules, the contract's integer instruction list exactly,
semantic-module grouping and the block-end kinds."""
import pytest

from translators.decodetable import Enc
from translators.mipsel import encodings as E
from translators.mipsel.decoder import EXT, NAMES, OPS, ROWS, TABLE, Row, _check_overlaps

# The integer instruction list of the mipsel contract (the lead's brief): MIPS32 Release 2 user
# mode without the FPU. b/bal, nop/ssnop/ehb, move ... are assembler aliases of these.
CONTRACT = set("""
add addu addi addiu sub subu and or xor nor andi ori xori lui slt sltu slti sltiu
sll srl sra sllv srlv srav rotr rotrv mult multu div divu mfhi mflo mthi mtlo
mul madd maddu msub msubu clz clo ext ins wsbh seb seh movn movz
beq bne blez bgtz bltz bgez bltzal bgezal j jal jr jalr jr.hb jalr.hb
beql bnel blezl bgtzl bltzl bgezl bltzall bgezall
lb lbu lh lhu lw lwl lwr sb sh sw swl swr ll sc sync synci pref rdhwr
teq tne tge tgeu tlt tltu teqi tnei tgei tgeiu tlti tltiu syscall break
""".split())


def integer_names():
    return {NAMES[row.op] for row in ROWS if row.enc.ext in E.INTEGER_EXTS}


def test_integer_table_is_exactly_the_contract_list():
    assert integer_names() == CONTRACT


def test_every_row_assigns_every_bit_once():
    for row in ROWS:       # Row() validates on construction; re-check the invariant explicitly
        covered = row.mask
        for f in row.fields:
            bits = TABLE.parsed[f][2]
            assert not covered & bits, (row.name, f)
            covered |= bits
        assert covered == 0xFFFFFFFF, row.name


def test_rejects_unassigned_or_doubly_assigned_bits():
    with pytest.raises(ValueError, match="neither fixed nor a field"):
        Row(Enc("bad", "000000 ----- ----- ----- 00000 100001", "rd=%rd rs1=%rs"), 1)
    with pytest.raises(ValueError, match="overlaps"):
        Row(Enc("bad", "000000 ----- ----- ----- 00000 100001", "R3 rm=%base"), 1)


def test_rejects_overlaps_outside_a_group():
    a = Row(Enc("a", "000000 ----- ----- ----- 00000 100001", "R3"), 1)
    b = Row(Enc("b", "000000 ----- ----- ----- ----- 100001", "R3 imm=%sa"), 1)
    with pytest.raises(ValueError, match="overlap"):
        _check_overlaps([a, b])


def test_semantic_modules_cover_contiguous_op_ranges():
    module_of = {ext: mod for mod, exts in E.SEMANTIC_MODULES.items() for ext in exts}
    order = [module_of[EXT[op]] for op in range(1, len(NAMES))]
    runs = [m for i, m in enumerate(order) if i == 0 or order[i - 1] != m]
    assert runs == list(E.SEMANTIC_MODULES)
    assert module_of[EXT[OPS["clz"]]] == "mips_base"
    assert module_of[EXT[OPS["jalr"]]] == "mips_branch"
    assert module_of[EXT[OPS["sc"]]] == "mips_mem"
    assert module_of[EXT[OPS["teq"]]] == "mips_sys"


def test_ends_block():
    delayed = {"beq", "bne", "blez", "bgtz", "bltz", "bgez", "bltzal", "bgezal", "j", "jal",
               "jr", "jr.hb", "jalr", "jalr.hb"}
    likely = {"beql", "bnel", "blezl", "bgtzl", "bltzl", "bgezl", "bltzall", "bgezall"}
    integer = {k: v for k, v in E.ENDS_BLOCK.items() if k in integer_names()}
    assert integer == {**dict.fromkeys(delayed, 2), **dict.fromkeys(likely, 1),
                       "syscall": 1, "break": 1, "synci": 1}
