"""The decoder, derived from the encoding table (encodings.py) and validated when imported.

At import: every pattern must assign each of its bits exactly once (fixed, or to one field), two
patterns may overlap only inside a named group where the more specific one wins, and every
pattern must fix the bucketing bits. Then the table becomes flat int64 arrays that the compiled
`decode` walks: the major opcode picks a bucket, the bucket's rows are tried most specific
first, and the matching row says how to fill each operand (a field or a constant).

decode(inst) -> (op, ilen, rd, rs1, rs2, rs3, rm, imm): op indexes NAMES (0 = OP_ILLEGAL);
compressed instructions come back as the op of the 32-bit instruction they expand to, ilen 2.
"""
import numpy as np

from jitvm.compiled import jit, sext
from translators.riscv64 import encodings as E

OPERANDS = ("rd", "rs1", "rs2", "rs3", "rm", "imm")
OP_ILLEGAL = 0


# ---- reading the table ------------------------------------------------------------------------

def _parse_field(field):
    """[(inst_lo, width, value_lo)] chunks, the value's width, and the instruction bits used."""
    chunks, bits, top = [], 0, 0
    parts = field.spec.split()
    for part in parts:
        src, _, dst = part.partition("=")
        shi, _, slo = src.partition(":")
        shi, slo = int(shi), int(slo or shi)
        if not dst:
            if len(parts) != 1:
                raise ValueError(f"field {field.spec!r}: scrambled chunks need '=value bits'")
            dst = f"{shi - slo}:0"
        dhi, _, dlo = dst.partition(":")
        dhi, dlo = int(dhi), int(dlo or dhi)
        if shi - slo != dhi - dlo or shi < slo:
            raise ValueError(f"field {field.spec!r}: chunk {part!r} has mismatched widths")
        chunk_bits = ((1 << (shi - slo + 1)) - 1) << slo
        if bits & chunk_bits:
            raise ValueError(f"field {field.spec!r} uses an instruction bit twice")
        bits |= chunk_bits
        chunks.append((slo, shi - slo + 1, dlo))
        top = max(top, dhi + 1)
    return chunks, top, bits


FIELD_NAMES = list(E.FIELDS) + ["_length", "_major32", "_major16"]
_FIELD_DEFS = dict(E.FIELDS, _length=E.Field(E.LENGTH_FIELD), _major32=E.Field(E.MAJOR[32]),
                   _major16=E.Field(E.MAJOR[16]))
_PARSED = {name: _parse_field(_FIELD_DEFS[name]) for name in FIELD_NAMES}
FIELD_ID = {name: i for i, name in enumerate(FIELD_NAMES)}


def _parse_pattern(pattern):
    bits = pattern.replace(" ", "")
    if len(bits) not in (16, 32) or set(bits) - set("01-"):
        raise ValueError(f"pattern {pattern!r}: need 16 or 32 of 0/1/-")
    mask = match = 0
    for i, c in enumerate(reversed(bits)):
        if c != "-":
            mask |= 1 << i
            match |= int(c) << i
    return len(bits), mask, match


def _parse_args(args):
    """{operand: ('field', name) | ('const', value)} and the ignored fields, format expanded."""
    words = args.split()
    if words and "=" not in words[0] and not words[0].startswith("-"):
        words = E.FORMATS[words[0]].split() + words[1:]
    ops, ignored = {}, []
    for w in words:
        if w.startswith("-%"):
            ignored.append(w[2:])
            continue
        name, _, src = w.partition("=")
        if name not in OPERANDS:
            raise ValueError(f"{args!r}: unknown operand {name!r}")
        ops[name] = ("field", src[1:]) if src.startswith("%") else ("const", int(src))
    return ops, ignored


class Row:
    """One decodable pattern: a 32-bit instruction or a compressed form of one."""

    def __init__(self, enc, op):
        self.enc, self.name, self.op = enc, enc.name, op
        self.width, self.mask, self.match = _parse_pattern(enc.pattern)
        self.operands, ignored = _parse_args(enc.args)
        self.fields = sorted({src for kind, src in self.operands.values() if kind == "field"}
                             | set(ignored))
        self._check_bits()

    def _check_bits(self):
        full = (1 << self.width) - 1
        seen = self.mask
        for f in self.fields:
            fbits = _PARSED[f][2]
            if fbits & seen:
                raise ValueError(f"{self.name}: field {f} overlaps bits already assigned")
            seen |= fbits
        if seen != full:
            raise ValueError(f"{self.name}: bits {full & ~seen:#x} are neither fixed nor a field")
        if self.enc.nonzero and self.enc.nonzero not in self.operands:
            raise ValueError(f"{self.name}: nonzero={self.enc.nonzero} is not an operand")

    def overlaps(self, other):
        return (self.width == other.width
                and ((self.match ^ other.match) & self.mask & other.mask) == 0)


def _extract(field, inst):
    """Plain-Python field extraction (table checks and tests; decode has its own compiled one)."""
    chunks, top, _ = _PARSED[field]
    v = 0
    for lo, width, dlo in chunks:
        v |= ((inst >> lo) & ((1 << width) - 1)) << dlo
    d = _FIELD_DEFS[field]
    if d.signed and v >> (top - 1):
        v -= 1 << top
    return v + d.add


NAMES = ["illegal"] + [e.name for e in E.INSTRUCTIONS]
OPS = {name: op for op, name in enumerate(NAMES)}
if len(OPS) != len(NAMES):
    raise ValueError("duplicate instruction name in encodings")
EXT = [None] + [e.ext for e in E.INSTRUCTIONS]
ROWS = [Row(e, OPS[e.name]) for e in E.INSTRUCTIONS]
ROWS += [Row(e, OPS[e.expands]) for e in E.COMPRESSED]
ROW_OF_OP = {row.op: row for row in ROWS if row.enc.expands is None}
ENDS_BLOCK = np.array([int(n in E.ENDS_BLOCK) for n in NAMES], dtype=np.int64)


def _check_overlaps(rows):
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if not a.overlaps(b):
                continue
            nested = (a.mask | b.mask) in (a.mask, b.mask) and a.mask != b.mask
            if a.enc.group is None or a.enc.group != b.enc.group or not nested:
                raise ValueError(f"encodings {a.name} and {b.name} overlap; put them in one "
                                 "'more specific wins' group, with one pattern strictly narrower")


def _bucket(row):
    """Bucket number: 32-bit rows by major opcode, then the compressed ones by quadrant+funct3."""
    key = "_major32" if row.width == 32 else "_major16"
    if _PARSED[key][2] & ~row.mask:
        raise ValueError(f"{row.name}: pattern does not fix the bucketing bits {key}")
    if (_extract("_length", row.match) == E.LENGTH_32) != (row.width == 32):
        raise ValueError(f"{row.name}: length bits disagree with the pattern's width")
    b = _extract(key, row.match)
    return b if row.width == 32 else NBUCKET32 + b


_check_overlaps(ROWS)
NBUCKET32 = 1 << _PARSED["_major32"][1]
NBUCKETS = NBUCKET32 + (1 << _PARSED["_major16"][1])
# within a bucket, more fixed bits first: that is what "more specific wins" means
_ORDER = sorted(ROWS, key=lambda row: (_bucket(row), -bin(row.mask).count("1")))

# ---- the arrays compiled code reads -------------------------------------------------------------

_chunks = [c for name in FIELD_NAMES for c in _PARSED[name][0]]
F_START = np.cumsum([0] + [len(_PARSED[n][0]) for n in FIELD_NAMES]).astype(np.int64)
F_BITS = np.array([_PARSED[n][1] for n in FIELD_NAMES], dtype=np.int64)
F_SIGNED = np.array([_FIELD_DEFS[n].signed for n in FIELD_NAMES], dtype=np.int64)
F_ADD = np.array([_FIELD_DEFS[n].add for n in FIELD_NAMES], dtype=np.int64)
CH_SRC = np.array([c[0] for c in _chunks], dtype=np.int64)
CH_MASK = np.array([(1 << c[1]) - 1 for c in _chunks], dtype=np.int64)
CH_DST = np.array([c[2] for c in _chunks], dtype=np.int64)

R_MASK = np.array([row.mask for row in _ORDER], dtype=np.int64)
R_MATCH = np.array([row.match for row in _ORDER], dtype=np.int64)
R_OP = np.array([row.op for row in _ORDER], dtype=np.int64)
R_SRC = np.full((len(_ORDER), len(OPERANDS)), -1, dtype=np.int64)    # field id, -1 = constant
R_CONST = np.zeros((len(_ORDER), len(OPERANDS)), dtype=np.int64)
R_NONZERO = np.full(len(_ORDER), -1, dtype=np.int64)                   # operand index or -1
for _i, _row in enumerate(_ORDER):
    for _k, _name in enumerate(OPERANDS):
        _kind, _src = _row.operands.get(_name, ("const", 0))
        if _kind == "field":
            R_SRC[_i, _k] = FIELD_ID[_src]
        else:
            R_CONST[_i, _k] = _src
    if _row.enc.nonzero:
        R_NONZERO[_i] = OPERANDS.index(_row.enc.nonzero)
B_START = np.searchsorted([_bucket(row) for row in _ORDER], np.arange(NBUCKETS + 1)).astype(
    np.int64)

FID_LENGTH, FID_MAJOR32, FID_MAJOR16 = (FIELD_ID[n] for n in ("_length", "_major32", "_major16"))
LENGTH_32 = E.LENGTH_32


@jit
def _field(fid, inst):
    v = np.int64(0)
    for c in range(F_START[fid], F_START[fid + 1]):
        v |= ((inst >> CH_SRC[c]) & CH_MASK[c]) << CH_DST[c]
    if F_SIGNED[fid]:
        v = sext(v, F_BITS[fid])
    return v + F_ADD[fid]


@jit
def _operand(row, k, inst):
    f = R_SRC[row, k]
    return R_CONST[row, k] if f < 0 else _field(f, inst)


@jit
def decode(inst):
    inst = np.int64(inst)
    if _field(FID_LENGTH, inst) == LENGTH_32:
        inst &= 0xFFFFFFFF
        ilen = np.int64(4)
        b = _field(FID_MAJOR32, inst)
    else:
        inst &= 0xFFFF
        ilen = np.int64(2)
        b = NBUCKET32 + _field(FID_MAJOR16, inst)
    for row in range(B_START[b], B_START[b + 1]):
        if (inst & R_MASK[row]) == R_MATCH[row]:
            nz = R_NONZERO[row]
            if nz >= 0 and _operand(row, nz, inst) == 0:
                break                      # a reserved encoding
            return (R_OP[row], ilen, _operand(row, 0, inst), _operand(row, 1, inst),
                    _operand(row, 2, inst), _operand(row, 3, inst), _operand(row, 4, inst),
                    _operand(row, 5, inst))
    z = np.int64(0)
    return (np.int64(OP_ILLEGAL), ilen, z, z, z, z, z, z)


def match_row(inst):
    """The table row that decodes `inst` (plain Python: tests and the disassembler), or None."""
    width = 32 if _extract("_length", inst) == LENGTH_32 else 16
    inst &= (1 << width) - 1
    b = _extract("_major32", inst) if width == 32 else NBUCKET32 + _extract("_major16", inst)
    for i in range(B_START[b], B_START[b + 1]):
        if inst & R_MASK[i] == R_MATCH[i]:
            return _ORDER[i]
    return None
