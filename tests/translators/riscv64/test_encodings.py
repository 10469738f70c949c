"""The encoding table: validation rules and completeness for RV64GC (semantics for every op and
the generated dispatch: tests/translators/test_dispatch.py)."""
import pytest

from translators.riscv64 import encodings as E
from translators.riscv64.decoder import NAMES, ROWS, Row, _check_overlaps


def test_every_row_assigns_every_bit_once():
    for row in ROWS:     # Row() validates on construction; re-check the invariant explicitly
        assert row.mask | sum(1 << b for b in range(row.width) if not row.mask >> b & 1) \
            == (1 << row.width) - 1


def test_rejects_unassigned_or_doubly_assigned_bits():
    with pytest.raises(ValueError, match="neither fixed nor a field"):
        Row(E.Enc("bad", "------- ----- ----- 000 ----- 0110011", "rd=%rd rs1=%rs1"), 1)
    with pytest.raises(ValueError, match="overlaps"):
        Row(E.Enc("bad", "0000000 ----- ----- 000 ----- 0110011", "R rs3=%rs3"), 1)


def test_rejects_overlaps_outside_a_group():
    a = Row(E.Enc("a", "100 0 ----- 00000 10", "CR rd=0 rs2=0"), 1)
    b = Row(E.Enc("b", "100 0 ----- ----- 10", "CR"), 1)
    with pytest.raises(ValueError, match="overlap"):
        _check_overlaps([a, b])
    ga = Row(E.Enc("a", "100 0 ----- 00000 10", "CR rd=0 rs2=0", group="g"), 1)
    gb = Row(E.Enc("b", "100 0 ----- ----- 10", "CR", group="g"), 1)
    _check_overlaps([ga, gb])                    # grouped, one strictly more specific: fine
    same = Row(E.Enc("c", "100 0 ----- ----- 10", "CR", group="g"), 1)
    with pytest.raises(ValueError, match="overlap"):
        _check_overlaps([gb, same])              # equally specific: ambiguous even in a group


def test_rv64gc_is_complete():
    counts = {name: len(getattr(E, name)) for name in (
        "rv_i", "rv64_i", "rv_m", "rv64_m", "rv_a", "rv64_a", "rv_f", "rv64_f", "rv_d",
        "rv64_d", "rv_c", "rv64_c", "rv_c_d", "rv_zicsr", "rv_zifencei")}
    assert counts == {"rv_i": 40, "rv64_i": 12, "rv_m": 8, "rv64_m": 5, "rv_a": 11,
                      "rv64_a": 11, "rv_f": 26, "rv64_f": 4, "rv_d": 26, "rv64_d": 6,
                      "rv_c": 26, "rv64_c": 7, "rv_c_d": 4, "rv_zicsr": 6, "rv_zifencei": 1}
    for row in E.COMPRESSED:
        assert row.expands in NAMES
