"""The decoder, derived from the encoding table (encodings.py) and validated when imported.

translators/decodetable.py checks the table (every bit assigned once, no overlaps) and lays it
out as flat int64 arrays; the compiled `decode` below walks them: the primary opcode and the
function bits (encodings.BUCKET) pick a bucket, the bucket's rows are tried most specific first,
and the matching row says how to fill each operand (a field or a constant).

decode(inst) -> (op, ilen=4, rd, rs1, rs2, rs3, rm, imm): op indexes NAMES (0 = OP_ILLEGAL);
operands as encodings.py describes (branch offsets and instr_index already in bytes).
ENDS_BLOCK[op]: 0, or how the op ends a block (encodings.ENDS_BLOCK: 2 = after its delay slot).
"""
import numpy as np

from jitvm.compiled import jit, sext
from translators import decodetable
from translators.mipsel import encodings as E

OP_ILLEGAL = 0

TABLE = decodetable.Table(E.FIELDS, E.FORMATS, E.INSTRUCTIONS, E.ENDS_BLOCK,
                          buckets={32: E.BUCKET})
NAMES, OPS, EXT = TABLE.names, TABLE.ops, TABLE.ext
ROWS, ROW_OF_OP, ENDS_BLOCK = TABLE.rows, TABLE.row_of_op, TABLE.ends_block
FIELD_NAMES, FIELD_ID = TABLE.field_names, TABLE.field_id
Row, _extract, match_row = TABLE.row, TABLE.extract, TABLE.match_row
OPERANDS, _check_overlaps = decodetable.OPERANDS, decodetable.check_overlaps

# ---- the arrays compiled code reads (module globals: Numba freezes them into decode) ----------

F_START, F_BITS, F_SIGNED, F_ADD = TABLE.F_START, TABLE.F_BITS, TABLE.F_SIGNED, TABLE.F_ADD
CH_SRC, CH_MASK, CH_DST = TABLE.CH_SRC, TABLE.CH_MASK, TABLE.CH_DST
R_MASK, R_MATCH, R_OP = TABLE.R_MASK, TABLE.R_MATCH, TABLE.R_OP
R_SRC, R_CONST = TABLE.R_SRC, TABLE.R_CONST
B_START, B_ROW = TABLE.B_START, TABLE.B_ROW
FID_BUCKET = FIELD_ID["_bucket32"]


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
    inst = np.int64(inst) & 0xFFFFFFFF
    b = _field(FID_BUCKET, inst)
    for e in range(B_START[b], B_START[b + 1]):
        row = B_ROW[e]
        if (inst & R_MASK[row]) == R_MATCH[row]:
            return (R_OP[row], np.int64(4), _operand(row, 0, inst), _operand(row, 1, inst),
                    _operand(row, 2, inst), _operand(row, 3, inst), _operand(row, 4, inst),
                    _operand(row, 5, inst))
    z = np.int64(0)
    return (np.int64(OP_ILLEGAL), np.int64(4), z, z, z, z, z, z)
