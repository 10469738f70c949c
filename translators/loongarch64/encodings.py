"""The LoongArch64 (LA64 user level, scalar FP) encoding table: the only module that knows where
bits are.

Written in the vocabulary of the LoongArch Reference Manual, volume 1 (opcodes checked against
llvm-mc-19 by tests/translators/loongarch64/test_la_decoder.py). Three parts, as in riscv64:

FIELDS   the manual's operand fields. Register fields keep its names (rd/fd/cd, rj/fj/cj, rk/fk,
         fa, ca) so the disassembler knows the register file from the field. Offsets and the
         si14 of ldptr/stptr/ll/sc are declared as the byte offsets they stand for:
         "25:10=17:2" puts instruction bits 25..10 at value bits 17..2, i.e. offs16 << 2.
FORMATS  the manual's formats (2R, 3R, 4R, 2RI12, 2RI14, 2RI16, 1RI20, 1RI21, I26, and special
         ones) as operand assignments for the decoder's (rd, rs1, rs2, rs3, rm, imm), WRITTEN
         IN ASSEMBLY OPERAND ORDER: the disassembler prints the fields in the order they appear
         here (beq rj, rd, offs16; amswap.w rd, rk, rj). "rd=1" is a constant operand.
rows     one per instruction, grouped by the manual's sections: the 32-bit pattern (0/1 fixed,
         - operand bits; spaces separate the fields, opcode first, as the manual draws it).
         fcmp needs three patterns per precision (EXPANSIONS) to leave its reserved conditions
         illegal.

LoongArch opcodes are prefixes of varying length (6 bits for b, 22 for 2R ops), so the decoder
buckets on opcode bits (BUCKET) and puts a short-opcode row into every bucket it covers.
Patterns may overlap only inside a named `group` (none needed so far); list order decides
nothing. LSX/LASX, LBT and privileged instructions are absent: they decode as illegal (SIGILL).
"""
from translators.decodetable import Enc, Field

FIELDS = {
    "rd": Field("4:0"), "rj": Field("9:5"), "rk": Field("14:10"),
    "fd": Field("4:0"), "fj": Field("9:5"), "fk": Field("14:10"), "fa": Field("19:15"),
    "cd": Field("2:0"), "cj": Field("7:5"), "ca": Field("17:15"),
    "fcsrd": Field("1:0"), "fcsrs": Field("6:5"),     # fcsr0..3 only (high bits fixed 0)
    "ui5": Field("14:10"), "ui6": Field("15:10"), "ui12": Field("21:10"),
    "si12": Field("21:10", signed=True),
    "si14": Field("23:10=15:2", signed=True),         # ldptr/stptr/ll/sc: si14 << 2, bytes
    "si16": Field("25:10", signed=True),
    "si20": Field("24:5", signed=True),
    "offs16": Field("25:10=17:2", signed=True),       # offsets: bytes from the branch's pc
    "offs21": Field("4:0=22:18 25:10=17:2", signed=True),
    "offs26": Field("9:0=27:18 25:10=17:2", signed=True),
    "sa2": Field("16:15"), "sa3": Field("17:15"),
    "msbw": Field("20:16"), "lsbw": Field("14:10"), "msbd": Field("21:16"), "lsbd": Field("15:10"),
    "code": Field("14:0"), "hint": Field("4:0"),
    # fcmp's condition (bits 19:15), one field per pattern of valid values (see fp_cmp)
    "cond": Field("18:15"), "cond_10x0x": Field("17=2 15=0", add=0x10),
    "cond_1100x": Field("15", add=0x18),
}

# Decoding buckets on the top ten opcode bits and bits 17:15, which tell apart most of the 3R
# ops those ten share (bucket 0 alone holds ~80 rows): 8192 buckets, ~6 rows tried on average.
BUCKET = "31:22=12:3 17:15=2:0"

FORMATS = {
    "2R": "rd=%rd rs1=%rj",
    "3R": "rd=%rd rs1=%rj rs2=%rk",
    "3R_SA2": "rd=%rd rs1=%rj rs2=%rk rm=%sa2",       # alsl (shift sa2 + 1), bytepick.w
    "3R_SA3": "rd=%rd rs1=%rj rs2=%rk rm=%sa3",       # bytepick.d
    "2RI5": "rd=%rd rs1=%rj imm=%ui5",
    "2RI6": "rd=%rd rs1=%rj imm=%ui6",
    "BSTR_W": "rd=%rd rs1=%rj rm=%msbw imm=%lsbw",
    "BSTR_D": "rd=%rd rs1=%rj rm=%msbd imm=%lsbd",
    "2RI12": "rd=%rd rs1=%rj imm=%si12",
    "2RI14": "rd=%rd rs1=%rj imm=%si14",
    "2RI16": "rd=%rd rs1=%rj imm=%si16",
    "1RI20": "rd=%rd imm=%si20",
    "1RI21": "rs1=%rj imm=%offs21",
    "CJ21": "rs1=%cj imm=%offs21",                    # bceqz/bcnez
    "I26": "imm=%offs26",
    "BR16": "rs1=%rj rd=%rd imm=%offs16",             # beq rj, rd, offs16 ...
    "AM": "rd=%rd rs2=%rk rs1=%rj",                   # amswap.w rd, rk, rj
    "ASRT": "rs1=%rj rs2=%rk",
    "CODE": "imm=%code",
    "PRELD": "rd=%hint rs1=%rj imm=%si12",
    "PRELDX": "rd=%hint rs1=%rj rs2=%rk",
    # floating point
    "2F": "rd=%fd rs1=%fj",
    "3F": "rd=%fd rs1=%fj rs2=%fk",
    "4F": "rd=%fd rs1=%fj rs2=%fk rs3=%fa",
    "FCMP": "rd=%cd rs1=%fj rs2=%fk rm=%cond",        # fcmp.cond.s cd, fj, fk
    "FSEL": "rd=%fd rs1=%fj rs2=%fk rs3=%ca",
    "F_R": "rd=%fd rs1=%rj", "R_F": "rd=%rd rs1=%fj",
    "C_F": "rd=%cd rs1=%fj", "F_C": "rd=%fd rs1=%cj",
    "C_R": "rd=%cd rs1=%rj", "R_C": "rd=%rd rs1=%cj",
    "FCSR_R": "rd=%fcsrd rs1=%rj", "R_FCSR": "rd=%rd rs1=%fcsrs",
    "F_2RI12": "rd=%fd rs1=%rj imm=%si12",
    "F_3R": "rd=%fd rs1=%rj rs2=%rk",
}

R3 = "----- ----- -----"        # rk rj rd
R2 = "----- -----"              # rj rd


def _group(ext, rows):
    return [Enc(name, pattern, args, ext=ext) for name, pattern, args in rows]


def _3r(ext, prefix, names):
    """3R-layout rows sharing a 12-bit opcode prefix: (name, next five opcode bits, format)."""
    return _group(ext, [(n, f"{prefix} {op:05b} {R3}", fmt) for n, op, fmt in names])


# ---- 2.2.1 integer arithmetic ------------------------------------------------------------------
base_arith = _3r("base_arith", "0000 00000001", [
    ("add.w", 0b00000, "3R"), ("add.d", 0b00001, "3R"), ("sub.w", 0b00010, "3R"),
    ("sub.d", 0b00011, "3R"), ("slt", 0b00100, "3R"), ("sltu", 0b00101, "3R"),
    ("nor", 0b01000, "3R"), ("and", 0b01001, "3R"), ("or", 0b01010, "3R"),
    ("xor", 0b01011, "3R"), ("orn", 0b01100, "3R"), ("andn", 0b01101, "3R"),
    ("mul.w", 0b11000, "3R"), ("mulh.w", 0b11001, "3R"), ("mulh.wu", 0b11010, "3R"),
    ("mul.d", 0b11011, "3R"), ("mulh.d", 0b11100, "3R"), ("mulh.du", 0b11101, "3R"),
    ("mulw.d.w", 0b11110, "3R"), ("mulw.d.wu", 0b11111, "3R"),
]) + _3r("base_arith", "0000 00000010", [
    ("div.w", 0b00000, "3R"), ("mod.w", 0b00001, "3R"), ("div.wu", 0b00010, "3R"),
    ("mod.wu", 0b00011, "3R"), ("div.d", 0b00100, "3R"), ("mod.d", 0b00101, "3R"),
    ("div.du", 0b00110, "3R"), ("mod.du", 0b00111, "3R"),
]) + _group("base_arith", [
    ("alsl.w",    "0000 00000000 010 -- " + R3, "3R_SA2"),
    ("alsl.wu",   "0000 00000000 011 -- " + R3, "3R_SA2"),
    ("alsl.d",    "0000 00000010 110 -- " + R3, "3R_SA2"),
    ("slti",      "0000 001000 ------------ " + R2, "2RI12"),
    ("sltui",     "0000 001001 ------------ " + R2, "2RI12"),
    ("addi.w",    "0000 001010 ------------ " + R2, "2RI12"),
    ("addi.d",    "0000 001011 ------------ " + R2, "2RI12"),
    ("lu52i.d",   "0000 001100 ------------ " + R2, "2RI12"),
    ("andi",      "0000 001101 ------------ " + R2, "2RI12 imm=%ui12"),
    ("ori",       "0000 001110 ------------ " + R2, "2RI12 imm=%ui12"),
    ("xori",      "0000 001111 ------------ " + R2, "2RI12 imm=%ui12"),
    ("addu16i.d", "0001 00 ---------------- " + R2, "2RI16"),
    ("lu12i.w",   "0001 010 -------------------- -----", "1RI20"),
    ("lu32i.d",   "0001 011 -------------------- -----", "1RI20"),
    ("pcaddi",    "0001 100 -------------------- -----", "1RI20"),
    ("pcalau12i", "0001 101 -------------------- -----", "1RI20"),
    ("pcaddu12i", "0001 110 -------------------- -----", "1RI20"),
    ("pcaddu18i", "0001 111 -------------------- -----", "1RI20"),
])

# ---- 2.2.2 shifts ------------------------------------------------------------------------------
base_shift = _3r("base_shift", "0000 00000001", [
    ("sll.w", 0b01110, "3R"), ("srl.w", 0b01111, "3R"), ("sra.w", 0b10000, "3R"),
    ("sll.d", 0b10001, "3R"), ("srl.d", 0b10010, "3R"), ("sra.d", 0b10011, "3R"),
    ("rotr.w", 0b10110, "3R"), ("rotr.d", 0b10111, "3R"),
]) + _group("base_shift", [
    ("slli.w",  "0000 00000100 00001 ----- " + R2, "2RI5"),
    ("slli.d",  "0000 00000100 0001 ------ " + R2, "2RI6"),
    ("srli.w",  "0000 00000100 01001 ----- " + R2, "2RI5"),
    ("srli.d",  "0000 00000100 0101 ------ " + R2, "2RI6"),
    ("srai.w",  "0000 00000100 10001 ----- " + R2, "2RI5"),
    ("srai.d",  "0000 00000100 1001 ------ " + R2, "2RI6"),
    ("rotri.w", "0000 00000100 11001 ----- " + R2, "2RI5"),
    ("rotri.d", "0000 00000100 1101 ------ " + R2, "2RI6"),
])

# ---- 2.2.3 bit manipulation --------------------------------------------------------------------
_2R_OPS = ["clo.w", "clz.w", "cto.w", "ctz.w", "clo.d", "clz.d", "cto.d", "ctz.d", "revb.2h",
           "revb.4h", "revb.2w", "revb.d", "revh.2w", "revh.d", "bitrev.4b", "bitrev.8b",
           "bitrev.w", "bitrev.d", "ext.w.h", "ext.w.b"]            # 2R opcodes 00100..10111
base_bits = _group("base_bits", [
    (n, f"0000 00000000 00000 {i + 4:05b} " + R2, "2R") for i, n in enumerate(_2R_OPS)
]) + _3r("base_bits", "0000 00000001", [
    ("maskeqz", 0b00110, "3R"), ("masknez", 0b00111, "3R"),
]) + _group("base_bits", [
    ("bytepick.w", "0000 00000000 100 -- " + R3, "3R_SA2"),
    ("bytepick.d", "0000 00000000 11 --- " + R3, "3R_SA3"),
    ("bstrins.w",  "0000 0000011 ----- 0 ----- " + R2, "BSTR_W"),
    ("bstrpick.w", "0000 0000011 ----- 1 ----- " + R2, "BSTR_W"),
    ("bstrins.d",  "0000 000010 ------ ------ " + R2, "BSTR_D"),
    ("bstrpick.d", "0000 000011 ------ ------ " + R2, "BSTR_D"),
])

# ---- 2.2.4 branches (and 3.2.5's bceqz/bcnez, which read a condition flag) ---------------------
OFFS16 = "----------------"
base_branch = _group("base_branch", [
    ("beqz",  f"010000 {OFFS16} ----- -----", "1RI21"),
    ("bnez",  f"010001 {OFFS16} ----- -----", "1RI21"),
    ("bceqz", f"010010 {OFFS16} 00 --- -----", "CJ21"),
    ("bcnez", f"010010 {OFFS16} 01 --- -----", "CJ21"),
    ("jirl",  f"010011 {OFFS16} " + R2, "2RI16 imm=%offs16"),
    ("b",     f"010100 {OFFS16} ----------", "I26"),
    ("bl",    f"010101 {OFFS16} ----------", "I26 rd=1"),      # links in $ra
    ("beq",   f"010110 {OFFS16} " + R2, "BR16"),
    ("bne",   f"010111 {OFFS16} " + R2, "BR16"),
    ("blt",   f"011000 {OFFS16} " + R2, "BR16"),
    ("bge",   f"011001 {OFFS16} " + R2, "BR16"),
    ("bltu",  f"011010 {OFFS16} " + R2, "BR16"),
    ("bgeu",  f"011011 {OFFS16} " + R2, "BR16"),
])

# ---- 2.2.5 ordinary loads and stores -----------------------------------------------------------
_MEM12 = ["ld.b", "ld.h", "ld.w", "ld.d", "st.b", "st.h", "st.w", "st.d", "ld.bu", "ld.hu",
          "ld.wu"]                                                 # 2RI12 opcodes 0010 100000..
base_mem = _group("base_mem", [
    (n, f"0010 1{i:05b} ------------ " + R2, "2RI12") for i, n in enumerate(_MEM12)
]) + _group("base_mem", [
    ("preld",   "0010 101011 ------------ " + R2, "PRELD"),
    ("ldptr.w", "0010 0100 -------------- " + R2, "2RI14"),
    ("stptr.w", "0010 0101 -------------- " + R2, "2RI14"),
    ("ldptr.d", "0010 0110 -------------- " + R2, "2RI14"),
    ("stptr.d", "0010 0111 -------------- " + R2, "2RI14"),
]) + _3r("base_mem", "0011 10000000", [
    ("ldx.b", 0b00000, "3R"), ("ldx.h", 0b01000, "3R"), ("ldx.w", 0b10000, "3R"),
    ("ldx.d", 0b11000, "3R"),
]) + _3r("base_mem", "0011 10000001", [
    ("stx.b", 0b00000, "3R"), ("stx.h", 0b01000, "3R"), ("stx.w", 0b10000, "3R"),
    ("stx.d", 0b11000, "3R"),
]) + _3r("base_mem", "0011 10000010", [
    ("ldx.bu", 0b00000, "3R"), ("ldx.hu", 0b01000, "3R"), ("ldx.wu", 0b10000, "3R"),
    ("preldx", 0b11000, "PRELDX"),
])

# ---- 2.2.6 bound-checked loads and stores, and the bound assertions ---------------------------
_BOUND = [f"{op}.{w}" for op in ("ldgt", "ldle", "stgt", "stle") for w in "bhwd"]
base_bound = _3r("base_bound", "0011 10000111", [
    (n, 0b10000 + i, "3R") for i, n in enumerate(_BOUND)            # 10000..11111
]) + _group("base_bound", [
    ("asrtle.d", "0000 00000000 00010 ----- ----- 00000", "ASRT"),
    ("asrtgt.d", "0000 00000000 00011 ----- ----- 00000", "ASRT"),
])

# ---- 2.2.9 CRC ---------------------------------------------------------------------------------
base_crc = _3r("base_crc", "0000 00000010", [
    (f"{c}.w.{w}.w", 0b01000 + 4 * j + i, "3R")
    for j, c in enumerate(("crc", "crcc")) for i, w in enumerate("bhwd")
])

# ---- 2.2.7 atomics, 2.2.8 barriers -------------------------------------------------------------
_AM = [f"am{op}{db}.{w}" for db in ("", "_db") for op in ("swap", "add", "and", "or", "xor",
                                                          "max", "min") for w in "wd"]
_AM_U = [f"am{op}{db}.{w}" for db in ("", "_db") for op in ("max", "min") for w in ("wu", "du")]
# opcode order: am*.w/d (14), ammax/min.wu/du (4), then the _db copies of both
_AM_ORDER = _AM[:14] + _AM_U[:4] + _AM[14:] + _AM_U[4:]
base_atomic = _group("base_atomic", [
    ("ll.w", "0010 0000 -------------- " + R2, "2RI14"),
    ("sc.w", "0010 0001 -------------- " + R2, "2RI14"),
    ("ll.d", "0010 0010 -------------- " + R2, "2RI14"),
    ("sc.d", "0010 0011 -------------- " + R2, "2RI14"),
]) + _group("base_atomic", [
    (n, f"0011 1000011 {i:06b} {R3}", "AM") for i, n in enumerate(_AM_ORDER)
])
base_barrier = _group("base_barrier", [
    ("dbar", "0011 10000111 00100 ---------------", "CODE"),
    ("ibar", "0011 10000111 00101 ---------------", "CODE"),
])

# ---- 2.2.10 system -----------------------------------------------------------------------------
base_sys = _group("base_sys", [
    ("syscall",   "0000 00000010 10110 ---------------", "CODE"),
    ("break",     "0000 00000010 10100 ---------------", "CODE"),
    ("rdtimel.w", "0000 00000000 00000 11000 " + R2, "2R"),
    ("rdtimeh.w", "0000 00000000 00000 11001 " + R2, "2R"),
    ("rdtime.d",  "0000 00000000 00000 11010 " + R2, "2R"),
    ("cpucfg",    "0000 00000000 00000 11011 " + R2, "2R"),
])


# ---- 3.2 floating point: the .s and .d of an op differ in the low opcode bits ------------------
def _fp(ext, prefix, ops, fmt, tail):
    """Rows `op.s` / `op.d` for (op, .s opcode) pairs; the .d opcode is the .s one + 1."""
    return _group(ext, [(f"{op}.{sd}", f"{prefix} {code + k:05b} {tail}", fmt)
                        for op, code in ops for k, sd in enumerate("sd")])


fp_arith = _fp("fp_arith", "0000 00010000", [
    ("fadd", 0b00001), ("fsub", 0b00101), ("fmul", 0b01001), ("fdiv", 0b01101),
    ("fmax", 0b10001), ("fmin", 0b10101), ("fmaxa", 0b11001), ("fmina", 0b11101),
], "3F", R3) + _fp("fp_arith", "0000 00010001", [
    ("fscaleb", 0b00001), ("fcopysign", 0b00101),
], "3F", R3) + _fp("fp_arith", "0000 00010001 01000", [
    ("fabs", 0b00001), ("fneg", 0b00101), ("flogb", 0b01001), ("fclass", 0b01101),
    ("fsqrt", 0b10001), ("frecip", 0b10101), ("frsqrt", 0b11001),
], "2F", R2) + _group("fp_arith", [
    (f"{op}.{sd}", f"0000 1000{code + k:04b} ----- {R3}", "4F")
    for op, code in (("fmadd", 0b0001), ("fmsub", 0b0101), ("fnmadd", 0b1001),
                     ("fnmsub", 0b1101)) for k, sd in enumerate("sd")
])

# fcmp.cond.s/d cd, fj, fk: the cond field (19:15) takes the 22 values of FCMP_CONDS; the other
# ten are reserved (an INE exception: SIGILL; llvm-objdump rejects them too). Three patterns
# cover exactly the valid values: 0xxxx, 10x0x and 1100x, each with its own part of cond.
fp_cmp = _group("fp_cmp", [
    ("fcmp.cond.s", "0000 11000001 0 ---- ----- ----- 00 ---", "FCMP"),
    ("fcmp.cond.d", "0000 11000010 0 ---- ----- ----- 00 ---", "FCMP"),
])
fp_cmp_conds = [
    Enc("fcmp.cond.s", "0000 11000001 1 0 - 0 - ----- ----- 00 ---", "FCMP rm=%cond_10x0x",
        expands="fcmp.cond.s", ext="fp_cmp"),
    Enc("fcmp.cond.s", "0000 11000001 1 1 0 0 - ----- ----- 00 ---", "FCMP rm=%cond_1100x",
        expands="fcmp.cond.s", ext="fp_cmp"),
    Enc("fcmp.cond.d", "0000 11000010 1 0 - 0 - ----- ----- 00 ---", "FCMP rm=%cond_10x0x",
        expands="fcmp.cond.d", ext="fp_cmp"),
    Enc("fcmp.cond.d", "0000 11000010 1 1 0 0 - ----- ----- 00 ---", "FCMP rm=%cond_1100x",
        expands="fcmp.cond.d", ext="fp_cmp"),
]

# (mnemonic, 5 opcode bits after "0000 00010001 <mid>") for the 2F conversions
_FTINT = [(f"{op}.{i}.{f}", mid, base + (8 if i == "l" else 0) + (1 if f == "d" else 0))
          for op, mid, base in (("ftintrm", "10100", 0b00001), ("ftintrp", "10100", 0b10001),
                                ("ftintrz", "10101", 0b00001), ("ftintrne", "10101", 0b10001),
                                ("ftint", "10110", 0b00001))
          for i in "wl" for f in "sd"]
_CVT = [("fcvt.s.d", "10010", 0b00110), ("fcvt.d.s", "10010", 0b01001)] + _FTINT + [
    ("ffint.s.w", "11010", 0b00100), ("ffint.s.l", "11010", 0b00110),
    ("ffint.d.w", "11010", 0b01000), ("ffint.d.l", "11010", 0b01010),
    ("frint.s", "11100", 0b10001), ("frint.d", "11100", 0b10010)]
fp_cvt = _group("fp_cvt", [(n, f"0000 00010001 {mid} {op:05b} {R2}", "2F")
                           for n, mid, op in _CVT])

_MOVE = [("fmov.s", 0b00101, "2F"), ("fmov.d", 0b00110, "2F"),
         ("movgr2fr.w", 0b01001, "F_R"), ("movgr2fr.d", 0b01010, "F_R"),
         ("movgr2frh.w", 0b01011, "F_R"), ("movfr2gr.s", 0b01101, "R_F"),
         ("movfr2gr.d", 0b01110, "R_F"), ("movfrh2gr.s", 0b01111, "R_F")]
fp_move = _group("fp_move", [
    (n, f"0000 00010001 01001 {op:05b} {R2}", fmt) for n, op, fmt in _MOVE
]) + _group("fp_move", [
    ("movgr2fcsr", "0000 00010001 01001 10000 ----- 000 --", "FCSR_R"),
    ("movfcsr2gr", "0000 00010001 01001 10010 000 -- -----", "R_FCSR"),
    ("movfr2cf",   "0000 00010001 01001 10100 ----- 00 ---", "C_F"),
    ("movcf2fr",   "0000 00010001 01001 10101 00 --- -----", "F_C"),
    ("movgr2cf",   "0000 00010001 01001 10110 ----- 00 ---", "C_R"),
    ("movcf2gr",   "0000 00010001 01001 10111 00 --- -----", "R_C"),
    ("fsel",       "0000 11010000 00 --- " + R3, "FSEL"),
])

fp_mem = _group("fp_mem", [
    (n, f"0010 1011{i:02b} ------------ " + R2, "F_2RI12")
    for i, n in enumerate(("fld.s", "fst.s", "fld.d", "fst.d"))
]) + _3r("fp_mem", "0011 10000011", [
    ("fldx.s", 0b00000, "F_3R"), ("fldx.d", 0b01000, "F_3R"), ("fstx.s", 0b10000, "F_3R"),
    ("fstx.d", 0b11000, "F_3R"),
]) + _3r("fp_mem", "0011 10000111", [
    (f"{op}.{sd}", 0b01000 + 2 * j + k, "F_3R")
    for j, op in enumerate(("fldgt", "fldle", "fstgt", "fstle")) for k, sd in enumerate("sd")
])

# Every op in op-number order (op 0 is ILLEGAL, numbered by the decoder).
INSTRUCTIONS = (base_arith + base_shift + base_bits + base_branch + base_mem + base_bound
                + base_crc + base_atomic + base_barrier + base_sys
                + fp_arith + fp_cmp + fp_cvt + fp_move + fp_mem)

# Rows that decode as another instruction's op (decodetable's `expansions`).
EXPANSIONS = fp_cmp_conds

# Which module holds the semantics of each group (translators/gen_dispatch.py).
SEMANTIC_MODULES = {
    "la_base": ("base_arith", "base_shift", "base_bits", "base_branch", "base_mem",
                "base_bound", "base_crc"),
    "la_atomic": ("base_atomic", "base_barrier"),
    "la_sys": ("base_sys",),
    "la_fp": ("fp_arith", "fp_cmp", "fp_cvt", "fp_move", "fp_mem"),
}

# Instructions after which a basic block ends: control transfer, traps, and ibar (code may have
# changed under the translator).
ENDS_BLOCK = {"beqz", "bnez", "bceqz", "bcnez", "jirl", "b", "bl", "beq", "bne", "blt", "bge",
              "bltu", "bgeu", "syscall", "break", "ibar"}

# fcmp.cond.s/d: the manual's condition codes (the cond field, decoded into rm); the s-forms
# (odd codes) signal on any NaN, the c-forms only on a signalling one.
FCMP_CONDS = {0x0: "caf", 0x1: "saf", 0x2: "clt", 0x3: "slt", 0x4: "ceq", 0x5: "seq",
              0x6: "cle", 0x7: "sle", 0x8: "cun", 0x9: "sun", 0xA: "cult", 0xB: "sult",
              0xC: "cueq", 0xD: "sueq", 0xE: "cule", 0xF: "sule", 0x10: "cne", 0x11: "sne",
              0x14: "cor", 0x15: "sor", 0x18: "cune", 0x19: "sune"}
