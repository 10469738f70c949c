"""The loongarch64 encoding table: validation rules, the contract's instruction list exactly,
semantic-module grouping, block ends and the fcmp condition ranges."""
import pytest

from translators.decodetable import Enc
from translators.loongarch64 import encodings as E
from translators.loongarch64.decoder import (EXT, NAMES, OP_ILLEGAL, OPS, ROWS, TABLE, Row,
                                             _check_overlaps, decode)

# The instruction list of the loongarch64 contract (the lead's brief to the helpers).
_SD = "fadd fsub fmul fdiv fmax fmin fmaxa fmina fscaleb fcopysign fabs fneg flogb fclass fsqrt " \
      "frecip frsqrt fmov fmadd fmsub fnmadd fnmsub fcmp.cond fld fst fldx fstx fldgt fldle " \
      "fstgt fstle frint"
_AM = "amswap amadd amand amor amxor ammax ammin"
CONTRACT = set("""
add.w add.d sub.w sub.d slt sltu maskeqz masknez nor and or xor orn andn
sll.w srl.w sra.w sll.d srl.d sra.d rotr.w rotr.d mul.w mulh.w mulh.wu mul.d mulh.d mulh.du
mulw.d.w mulw.d.wu div.w mod.w div.wu mod.wu div.d mod.d div.du mod.du
crc.w.b.w crc.w.h.w crc.w.w.w crc.w.d.w crcc.w.b.w crcc.w.h.w crcc.w.w.w crcc.w.d.w
alsl.w alsl.wu alsl.d bytepick.w bytepick.d
clo.w clz.w cto.w ctz.w clo.d clz.d cto.d ctz.d revb.2h revb.4h revb.2w revb.d
revh.2w revh.d bitrev.4b bitrev.8b bitrev.w bitrev.d ext.w.h ext.w.b
slli.w slli.d srli.w srli.d srai.w srai.d rotri.w rotri.d
bstrins.w bstrpick.w bstrins.d bstrpick.d
slti sltui addi.w addi.d lu52i.d andi ori xori addu16i.d lu12i.w lu32i.d pcaddi pcalau12i
pcaddu12i pcaddu18i
ld.b ld.h ld.w ld.d st.b st.h st.w st.d ld.bu ld.hu ld.wu preld
ldx.b ldx.h ldx.w ldx.d stx.b stx.h stx.w stx.d ldx.bu ldx.hu ldx.wu preldx
ldptr.w ldptr.d stptr.w stptr.d
ldgt.b ldgt.h ldgt.w ldgt.d ldle.b ldle.h ldle.w ldle.d stgt.b stgt.h stgt.w stgt.d
stle.b stle.h stle.w stle.d asrtle.d asrtgt.d
ll.w ll.d sc.w sc.d ammax.wu ammax.du ammin.wu ammin.du
ammax_db.wu ammax_db.du ammin_db.wu ammin_db.du dbar ibar
beqz bnez bceqz bcnez jirl b bl beq bne blt bge bltu bgeu
syscall break cpucfg rdtimel.w rdtimeh.w rdtime.d fsel
movgr2fr.w movgr2fr.d movgr2frh.w movfr2gr.s movfr2gr.d movfrh2gr.s movgr2fcsr movfcsr2gr
movfr2cf movcf2fr movgr2cf movcf2gr fcvt.s.d fcvt.d.s
ftint.w.s ftint.w.d ftint.l.s ftint.l.d ffint.s.w ffint.s.l ffint.d.w ffint.d.l
""".split()) | {f"{op}.{p}" for op in _SD.split() for p in "sd"} \
    | {f"{op}{db}.{w}" for op in _AM.split() for db in ("", "_db") for w in "wd"} \
    | {f"{op}.{i}.{f}" for op in ("ftintrm", "ftintrp", "ftintrz", "ftintrne")
       for i in "wl" for f in "sd"}


def test_table_is_exactly_the_contract_list():
    assert set(NAMES[1:]) == CONTRACT
    assert len(NAMES) == len(CONTRACT) + 1


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
        Row(Enc("bad", "0000 00000001 00000 ----- ----- -----", "2R"), 1)
    with pytest.raises(ValueError, match="overlaps"):
        Row(Enc("bad", "0000 00000001 00000 ----- ----- -----", "3R rs3=%ui5"), 1)


def test_rejects_overlaps_outside_a_group():
    a = Row(Enc("a", "0000 00000001 00000 ----- ----- -----", "3R"), 1)
    b = Row(Enc("b", "0000 00000001 ----- ----- ----- -----", "3R rm=%fa"), 1)
    with pytest.raises(ValueError, match="overlap"):
        _check_overlaps([a, b])


def test_semantic_modules_cover_contiguous_op_ranges():
    module_of = {ext: mod for mod, exts in E.SEMANTIC_MODULES.items() for ext in exts}
    order = [module_of[EXT[op]] for op in range(1, len(NAMES))]
    runs = [m for i, m in enumerate(order) if i == 0 or order[i - 1] != m]
    assert runs == list(E.SEMANTIC_MODULES)
    assert module_of[EXT[OPS["bceqz"]]] == "la_base"
    assert module_of[EXT[OPS["fld.s"]]] == "la_fp"
    assert module_of[EXT[OPS["ibar"]]] == "la_atomic"
    assert module_of[EXT[OPS["rdtime.d"]]] == "la_sys"


def test_ends_block():
    assert E.ENDS_BLOCK == {"beqz", "bnez", "bceqz", "bcnez", "jirl", "b", "bl", "beq", "bne",
                            "blt", "bge", "bltu", "bgeu", "syscall", "break", "ibar"}


@pytest.mark.parametrize("name", ["fcmp.cond.s", "fcmp.cond.d"])
def test_fcmp_decodes_exactly_the_manuals_conditions(name):
    base = {"fcmp.cond.s": 0x0C100000, "fcmp.cond.d": 0x0C200000}[name]
    valid = set()
    for cond in range(32):
        op, _, cd, fj, fk, _, rm, _ = (int(v) for v in decode(base | cond << 15 | 7 << 10 | 3))
        if op != OP_ILLEGAL:
            assert (NAMES[op], cd, fj, fk, rm) == (name, 3, 0, 7, cond)
            valid.add(cond)
    assert valid == set(E.FCMP_CONDS)
