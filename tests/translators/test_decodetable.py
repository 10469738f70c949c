"""translators/decodetable.py on small made-up tables: patterns that leave bucket bits open go
into every bucket they cover, a bucket tries its most specific rows first, and two widths are
told apart by a length field."""
import pytest

from translators.decodetable import Enc, Field, Table

FIELDS = {"rd": Field("3:0"), "imm": Field("7:4", signed=True), "off": Field("9:0"),
          "hi": Field("15:4"), "lo": Field("7:2")}
FORMATS = {"R": "rd=%rd", "RI": "rd=%rd imm=%imm", "J": "imm=%off"}


def table(rows, ends=(), **kw):
    return Table(FIELDS, FORMATS, [Enc(*r) for r in rows], set(ends), **kw)


def test_rows_go_into_every_bucket_they_cover_most_specific_first():
    t = table([("jump", "01 ----------", "J"),                       # 2 of 4 bucket bits fixed
               ("add", "1100 ---- ----", "RI", None, None, "g"),
               ("inc", "1100 0001 ----", "R imm=1", None, None, "g")],  # narrower: wins
              ends={"jump"}, buckets={12: "11:8"})
    sizes = {b: int(t.B_START[b + 1] - t.B_START[b]) for b in range(t.nbuckets)}
    assert {b for b, n in sizes.items() if n} == {4, 5, 6, 7, 12}
    assert sizes[12] == 2 and t.rows[t.B_ROW[t.B_START[12]]].name == "inc"
    assert [t.match_row(w).name for w in (0x400, 0x7FF, 0xC15, 0xC25)] == \
        ["jump", "jump", "inc", "add"]
    assert t.match_row(0x000) is None and t.match_row(0xD00) is None
    assert t.extract("imm", 0xC25) == 2 and t.extract("imm", 0xCF5) == -1
    assert list(t.ends_block) == [0, 1, 0, 0]


def test_two_widths_by_length_field():
    t = table([("big", "------------ 0111", "rd=%hi"), ("small", "------ 00", "rd=%lo")],
              buckets={16: "3:2", 8: "1:0"}, length=("1:0", 3))
    assert t.match_row(0xABC7).name == "big"
    assert t.match_row(0x12FC).name == "small"          # 8-bit: the upper byte is not its own
    assert t.match_row(0xABCB) is None                  # 16-bit, bucket 2: nothing there
    with pytest.raises(ValueError, match="length bits disagree"):
        table([("bad", "------ 11", "rd=%lo")], buckets={16: "3:2", 8: "1:0"},
              length=("1:0", 3))


def test_table_errors():
    with pytest.raises(ValueError, match="overlap"):
        table([("a", "1100 ---- ----", "RI"), ("b", "1100 0001 ----", "R imm=1")],
              buckets={12: "11:8"})
    with pytest.raises(ValueError, match="duplicate"):
        table([("a", "1100 ---- ----", "RI"), ("a", "1101 ---- ----", "RI")],
              buckets={12: "11:8"})
    with pytest.raises(ValueError, match="ENDS_BLOCK"):
        table([("a", "1100 ---- ----", "RI")], ends={"b"}, buckets={12: "11:8"})
    with pytest.raises(ValueError, match="need"):
        table([("a", "1100 ---- ---", "RI")], buckets={12: "11:8"})


def test_ends_block_kinds_from_a_dict():
    """mipsel's ENDS_BLOCK is a dict name -> kind (2: the block ends after the delay slot);
    a set stays kind 1 for each name."""
    rows = [("jump", "01 ----------", "J"), ("add", "1100 ---- ----", "RI")]
    t = Table(FIELDS, FORMATS, [Enc(*r) for r in rows], {"jump": 2, "add": 1},
              buckets={12: "11:8"})
    assert list(t.ends_block) == [0, 2, 1]
    assert list(table(rows, ends={"jump"}, buckets={12: "11:8"}).ends_block) == [0, 1, 0]
