"""Encoding tables to decoders: the ISA-independent half of every translators/<isa>/decoder.py.

An ISA's encodings.py declares FIELDS (named bit fields: "31:25=11:5 11:7=4:0" reads like the
manual's immediate diagrams, instruction bits 31..25 hold value bits 11..5 and so on; a lone
"11:7" is a plain field), FORMATS (operand assignments such as "rd=%rd imm=%imm_i") and one Enc
row per instruction with its bit pattern as the manual draws it. Table() validates that table
when the decoder is imported -- every pattern assigns each of its bits exactly once (fixed, or
to one field); two patterns may overlap only inside a named group where one is strictly more
specific -- numbers the instructions (op 0 = illegal) and lays everything out as flat int64
arrays for the compiled `decode` of each ISA's decoder.py (Numba caches only module-level
functions reading module-level arrays, so that function and its two helpers live there).

Bucketing: each instruction width has a bucket field (riscv64: the major opcode; loongarch64:
the top opcode bits). A pattern goes into every bucket its fixed bits allow -- LoongArch opcodes
are prefixes of varying length, so `b` (6 fixed bits) lands in many buckets and `add.w` in one.
A bucket's rows are tried most specific first, which is what "more specific wins" means; the
overlap check guarantees that any two rows sharing an instruction are nested, so that order is
the only one that can matter.
"""
from collections import namedtuple

import numpy as np

Field = namedtuple("Field", "spec signed add", defaults=(False, 0))
Enc = namedtuple("Enc", "name pattern args expands nonzero group ext",
                 defaults=(None, None, None, None))

OPERANDS = ("rd", "rs1", "rs2", "rs3", "rm", "imm")


def parse_field(spec):
    """[(inst_lo, width, value_lo)] chunks, the value's width, and the instruction bits used."""
    chunks, bits, top = [], 0, 0
    parts = spec.split()
    for part in parts:
        src, _, dst = part.partition("=")
        shi, _, slo = src.partition(":")
        shi, slo = int(shi), int(slo or shi)
        if not dst:
            if len(parts) != 1:
                raise ValueError(f"field {spec!r}: scrambled chunks need '=value bits'")
            dst = f"{shi - slo}:0"
        dhi, _, dlo = dst.partition(":")
        dhi, dlo = int(dhi), int(dlo or dhi)
        if shi - slo != dhi - dlo or shi < slo:
            raise ValueError(f"field {spec!r}: chunk {part!r} has mismatched widths")
        chunk_bits = ((1 << (shi - slo + 1)) - 1) << slo
        if bits & chunk_bits:
            raise ValueError(f"field {spec!r} uses an instruction bit twice")
        bits |= chunk_bits
        chunks.append((slo, shi - slo + 1, dlo))
        top = max(top, dhi + 1)
    return chunks, top, bits


def parse_pattern(pattern, widths):
    """(width, mask, match) of a pattern of 0/1/- (spaces only for readability)."""
    bits = pattern.replace(" ", "")
    if len(bits) not in widths or set(bits) - set("01-"):
        raise ValueError(f"pattern {pattern!r}: need {sorted(widths)} of 0/1/-")
    mask = match = 0
    for i, c in enumerate(reversed(bits)):
        if c != "-":
            mask |= 1 << i
            match |= int(c) << i
    return len(bits), mask, match


def parse_args(args, formats):
    """{operand: ('field', name) | ('const', value)} in the order written (a disassembler may
    print them in that order), and the ignored fields; a leading format name is expanded."""
    words = args.split()
    if words and "=" not in words[0] and not words[0].startswith("-"):
        words = formats[words[0]].split() + words[1:]
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
    """One decodable pattern: an instruction, or another form of one (enc.expands names it)."""

    def __init__(self, enc, op, table):
        self.enc, self.name, self.op = enc, enc.name, op
        self.width, self.mask, self.match = parse_pattern(enc.pattern, table.widths)
        self.operands, ignored = parse_args(enc.args, table.formats)
        self.fields = sorted({src for kind, src in self.operands.values() if kind == "field"}
                             | set(ignored))
        self._check_bits(table)

    def _check_bits(self, table):
        full = (1 << self.width) - 1
        seen = self.mask
        for f in self.fields:
            if f not in table.parsed:
                raise ValueError(f"{self.name}: unknown field {f}")
            fbits = table.parsed[f][2]
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


def check_overlaps(rows):
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if not a.overlaps(b):
                continue
            nested = (a.mask | b.mask) in (a.mask, b.mask) and a.mask != b.mask
            if a.enc.group is None or a.enc.group != b.enc.group or not nested:
                raise ValueError(f"encodings {a.name} and {b.name} overlap; put them in one "
                                 "'more specific wins' group, with one pattern strictly narrower")


def _subsets(bits):
    """Every subset of the bit set `bits` (as ints), including 0 and `bits` itself."""
    s = bits
    while True:
        yield s
        if s == 0:
            return
        s = (s - 1) & bits


class Table:
    """An ISA's encoding table, validated, numbered and laid out for a compiled decoder.

    buckets: {width: bucket field spec}, widest first; the bucket numbers of the second width
    follow those of the first. length: (field spec, value) when instructions come in two
    widths: the field equals `value` for the widest (riscv64's "1:0" == 3), else the other.
    expansions: rows that decode as the instruction their `expands` names (riscv64's
    compressed forms; loongarch64's further ranges of valid fcmp conditions).
    ends_block: the names after which a basic block ends -- a set (each kind 1), or a dict
    name -> kind (mipsel: 1 after this instruction, 2 after the next one, a delay slot);
    the `ends_block` array holds the kind per op, 0 for the rest.
    """

    def __init__(self, fields, formats, instructions, ends_block, buckets, expansions=(),
                 length=None):
        self.formats, self.widths = formats, tuple(buckets)
        if len(self.widths) != (2 if length else 1):
            raise ValueError("two widths need a length field, one width none")
        defs = dict(fields)
        extra = ([("_length", length[0])] if length else []) + [
            (f"_bucket{w}", spec) for w, spec in buckets.items()]
        for name, spec in extra:
            defs[name] = Field(spec)
        self.field_names = list(defs)
        self.defs = defs
        self.parsed = {name: parse_field(d.spec) for name, d in defs.items()}
        self.field_id = {name: i for i, name in enumerate(self.field_names)}
        self.length_value = length[1] if length else None

        self.names = ["illegal"] + [e.name for e in instructions]
        self.ops = {name: op for op, name in enumerate(self.names)}
        if len(self.ops) != len(self.names):
            raise ValueError("duplicate instruction name in encodings")
        unknown = set(ends_block) - set(self.ops)
        if unknown:
            raise ValueError(f"ENDS_BLOCK names unknown instructions {sorted(unknown)}")
        self.ext = [None] + [e.ext for e in instructions]
        self.rows = [Row(e, self.ops[e.name], self) for e in instructions]
        self.rows += [Row(e, self.ops[e.expands], self) for e in expansions]
        self.row_of_op = {row.op: row for row in self.rows if row.enc.expands is None}
        # a set: every name in it ends a block (kind 1); a dict: name -> kind (mipsel: 2 ends
        # the block after the next instruction, a branch's delay slot)
        kinds = ends_block if isinstance(ends_block, dict) else dict.fromkeys(ends_block, 1)
        self.ends_block = np.array([kinds.get(n, 0) for n in self.names], dtype=np.int64)
        check_overlaps(self.rows)

        self.bucket_base, base = {}, 0
        for w in self.widths:
            self.bucket_base[w] = base
            base += 1 << self.parsed[f"_bucket{w}"][1]
        self.nbuckets = base
        self._layout()

    def extract(self, field, inst):
        """Plain-Python field extraction (table checks, tests, disassemblers)."""
        chunks, top, _ = self.parsed[field]
        v = 0
        for lo, width, dlo in chunks:
            v |= ((inst >> lo) & ((1 << width) - 1)) << dlo
        d = self.defs[field]
        if d.signed and v >> (top - 1):
            v -= 1 << top
        return v + d.add

    def _buckets(self, row):
        """The buckets `row` can match: one per value of the bucket bits it leaves open."""
        bucket_field = f"_bucket{row.width}"
        if self.length_value is not None:
            if self.parsed["_length"][2] & ~row.mask:
                raise ValueError(f"{row.name}: pattern does not fix the length bits")
            is_wide = self.extract("_length", row.match) == self.length_value
            if is_wide != (row.width == self.widths[0]):
                raise ValueError(f"{row.name}: length bits disagree with the pattern's width")
        free = self.parsed[bucket_field][2] & ~row.mask
        return sorted({self.bucket_base[row.width] + self.extract(bucket_field, row.match | s)
                       for s in _subsets(free)})

    def _layout(self):
        """The arrays compiled code reads: fields as chunks, rows, and per bucket its rows."""
        names, parsed, defs = self.field_names, self.parsed, self.defs
        chunks = [c for name in names for c in parsed[name][0]]
        self.F_START = np.cumsum([0] + [len(parsed[n][0]) for n in names]).astype(np.int64)
        self.F_BITS = np.array([parsed[n][1] for n in names], dtype=np.int64)
        self.F_SIGNED = np.array([defs[n].signed for n in names], dtype=np.int64)
        self.F_ADD = np.array([defs[n].add for n in names], dtype=np.int64)
        self.CH_SRC = np.array([c[0] for c in chunks], dtype=np.int64)
        self.CH_MASK = np.array([(1 << c[1]) - 1 for c in chunks], dtype=np.int64)
        self.CH_DST = np.array([c[2] for c in chunks], dtype=np.int64)

        rows = self.rows
        self.R_MASK = np.array([row.mask for row in rows], dtype=np.int64)
        self.R_MATCH = np.array([row.match for row in rows], dtype=np.int64)
        self.R_OP = np.array([row.op for row in rows], dtype=np.int64)
        self.R_SRC = np.full((len(rows), len(OPERANDS)), -1, dtype=np.int64)   # -1: constant
        self.R_CONST = np.zeros((len(rows), len(OPERANDS)), dtype=np.int64)
        self.R_NONZERO = np.full(len(rows), -1, dtype=np.int64)               # operand or -1
        for i, row in enumerate(rows):
            for k, name in enumerate(OPERANDS):
                kind, src = row.operands.get(name, ("const", 0))
                if kind == "field":
                    self.R_SRC[i, k] = self.field_id[src]
                else:
                    self.R_CONST[i, k] = src
            if row.enc.nonzero:
                self.R_NONZERO[i] = OPERANDS.index(row.enc.nonzero)

        # (bucket, more fixed bits first, table order) -> row index
        entries = sorted((b, -bin(row.mask).count("1"), i)
                         for i, row in enumerate(rows) for b in self._buckets(row))
        self.B_ROW = np.array([i for _, _, i in entries], dtype=np.int64)
        self.B_START = np.searchsorted([b for b, _, _ in entries],
                                       np.arange(self.nbuckets + 1)).astype(np.int64)

    def bucket_of(self, inst):
        """(bucket, width) of an instruction word (plain Python)."""
        width = self.widths[0]
        if self.length_value is not None and self.extract("_length", inst) != self.length_value:
            width = self.widths[1]
        inst &= (1 << width) - 1
        return self.bucket_base[width] + self.extract(f"_bucket{width}", inst), width

    def match_row(self, inst):
        """The row that decodes `inst` (plain Python: tests and disassemblers), or None."""
        b, width = self.bucket_of(inst)
        inst &= (1 << width) - 1
        for e in range(self.B_START[b], self.B_START[b + 1]):
            i = self.B_ROW[e]
            if inst & self.R_MASK[i] == self.R_MATCH[i]:
                return self.rows[i]
        return None

    def row(self, enc, op):
        """A Row of this table's fields and formats (tests build rows to probe validation)."""
        return Row(enc, op, self)
