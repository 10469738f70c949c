"""The RV64GC encoding table: the only module that knows where bits are.

Written in the vocabulary of the RISC-V Unprivileged ISA manual (and riscv-opcodes' per-extension
files). Three parts:

FIELDS   named instruction fields. "31:25=11:5 11:7=4:0" reads like the manual's immediate
         diagrams: instruction bits 31..25 hold value bits 11..5, and so on; a lone "11:7" is a
         plain field. `signed` sign-extends from the value's top bit, `add` offsets it (the
         compressed x8..x15 registers).
FORMATS  the spec's formats as operand assignments: "rd=%rd imm=%imm_i" fills the decoder's
         operand rd from field rd, imm from field imm_i; "rs1=2" is a constant (compressed
         instructions imply sp, x0, ra); "-%f" marks a field the instruction ignores (fence's
         rd, the aq/rl of lr/sc are routed to `rm` only so the disassembler can print them).
rows     one per instruction, grouped per extension like riscv-opcodes: the bit pattern exactly as
         the manual draws it (0/1 fixed, - operand bits, spaces only for readability), then the
         operands (a format name, optionally followed by overrides).

Compressed rows name the 32-bit instruction they expand to; the decoder returns that
instruction's op, so C adds no semantics. `nonzero=` names an operand whose zero value is a
reserved encoding (c.lui with imm 0, c.lwsp with rd x0, ...).

Patterns may overlap only inside a named `group`, where the more specific pattern (a superset of
fixed bits) wins -- decoder.py checks this and that every bit is assigned exactly once; list order
never decides anything.
"""
from collections import namedtuple

Field = namedtuple("Field", "spec signed add", defaults=(False, 0))
Enc = namedtuple("Enc", "name pattern args expands nonzero group ext",
                 defaults=(None, None, None, None))

FIELDS = {
    # --- 32-bit formats
    "rd": Field("11:7"),
    "rs1": Field("19:15"),
    "rs2": Field("24:20"),
    "rs3": Field("31:27"),
    "rm": Field("14:12"),
    "aqrl": Field("26:25"),
    "imm_i": Field("31:20=11:0", signed=True),
    "imm_s": Field("31:25=11:5 11:7=4:0", signed=True),
    "imm_b": Field("31=12 7=11 30:25=10:5 11:8=4:1", signed=True),
    "imm_u": Field("31:12=31:12", signed=True),
    "imm_j": Field("31=20 19:12=19:12 20=11 30:21=10:1", signed=True),
    "shamt": Field("25:20"),          # RV64: 6-bit shift amount
    "shamtw": Field("24:20"),
    "csr": Field("31:20"),
    "zimm": Field("19:15"),
    "fence": Field("31:20"),          # fm[3:0] pred[3:0] succ[3:0]
    # --- compressed formats (quadrant bits 1:0 != 11)
    "c_rd": Field("11:7"),            # rd/rs1 of CR and CI
    "c_rs2": Field("6:2"),
    "c_rdp": Field("4:2", add=8),     # rd'  (x8..x15)
    "c_rs1p": Field("9:7", add=8),    # rs1' (x8..x15)
    "c_rs2p": Field("4:2", add=8),    # rs2' (x8..x15)
    "c_imm6": Field("12=5 6:2=4:0", signed=True),
    "c_shamt": Field("12=5 6:2=4:0"),
    "c_lui": Field("12=17 6:2=16:12", signed=True),
    "c_addi16sp": Field("12=9 6=4 5=6 4:3=8:7 2=5", signed=True),
    "c_addi4spn": Field("12:11=5:4 10:7=9:6 6=2 5=3"),
    "c_lwsp": Field("12=5 6:4=4:2 3:2=7:6"),
    "c_ldsp": Field("12=5 6:5=4:3 4:2=8:6"),
    "c_swsp": Field("12:9=5:2 8:7=7:6"),
    "c_sdsp": Field("12:10=5:3 9:7=8:6"),
    "c_lw": Field("12:10=5:3 6=2 5=6"),
    "c_ld": Field("12:10=5:3 6:5=7:6"),
    "c_j": Field("12=11 11=4 10:9=9:8 8=10 7=6 6=7 5:3=3:1 2=5", signed=True),
    "c_b": Field("12=8 11:10=4:3 6:5=7:6 4:3=2:1 2=5", signed=True),
}

# How long an instruction is, and the fields the decoder buckets on (fixed in every pattern).
LENGTH_FIELD = "1:0"          # 11 = 32-bit; anything else = 16-bit compressed
LENGTH_32 = 3
MAJOR = {32: "6:0", 16: "15:13=4:2 1:0=1:0"}

FORMATS = {
    "NONE": "",
    "R": "rd=%rd rs1=%rs1 rs2=%rs2",
    "R_RM": "rd=%rd rs1=%rs1 rs2=%rs2 rm=%rm",
    "R1": "rd=%rd rs1=%rs1",
    "R1_RM": "rd=%rd rs1=%rs1 rm=%rm",
    "R4": "rd=%rd rs1=%rs1 rs2=%rs2 rs3=%rs3 rm=%rm",
    "AMO": "rd=%rd rs1=%rs1 rs2=%rs2 rm=%aqrl",
    "LR": "rd=%rd rs1=%rs1 rm=%aqrl",
    "I": "rd=%rd rs1=%rs1 imm=%imm_i",
    "SH": "rd=%rd rs1=%rs1 imm=%shamt",
    "SHW": "rd=%rd rs1=%rs1 imm=%shamtw",
    "S": "rs1=%rs1 rs2=%rs2 imm=%imm_s",
    "B": "rs1=%rs1 rs2=%rs2 imm=%imm_b",
    "U": "rd=%rd imm=%imm_u",
    "J": "rd=%rd imm=%imm_j",
    "CSR": "rd=%rd rs1=%rs1 imm=%csr",
    "CSRI": "rd=%rd rs1=%zimm imm=%csr",
    "FENCE": "imm=%fence -%rs1 -%rd",
    "FENCE_I": "-%imm_i -%rs1 -%rd",
    # compressed: operands of the 32-bit instruction each one expands to
    "CR": "rd=%c_rd rs1=%c_rd rs2=%c_rs2",
    "CI": "rd=%c_rd rs1=%c_rd imm=%c_imm6",
    "CSS": "rs1=2 rs2=%c_rs2 imm=%c_swsp",
    "CIW": "rd=%c_rdp rs1=2 imm=%c_addi4spn",
    "CL": "rd=%c_rdp rs1=%c_rs1p imm=%c_lw",
    "CS": "rs1=%c_rs1p rs2=%c_rs2p imm=%c_lw",
    "CA": "rd=%c_rs1p rs1=%c_rs1p rs2=%c_rs2p",
    "CB": "rd=%c_rs1p rs1=%c_rs1p imm=%c_imm6",
    "CJ": "rd=0 imm=%c_j",
}


def _group(ext, rows):
    return [Enc(*row, ext=ext) for row in rows]


rv_i = _group("rv_i", [
    ("lui",    "-------------------- ----- 0110111", "U"),
    ("auipc",  "-------------------- ----- 0010111", "U"),
    ("jal",    "-------------------- ----- 1101111", "J"),
    ("jalr",   "------------ ----- 000 ----- 1100111", "I"),
    ("beq",    "------- ----- ----- 000 ----- 1100011", "B"),
    ("bne",    "------- ----- ----- 001 ----- 1100011", "B"),
    ("blt",    "------- ----- ----- 100 ----- 1100011", "B"),
    ("bge",    "------- ----- ----- 101 ----- 1100011", "B"),
    ("bltu",   "------- ----- ----- 110 ----- 1100011", "B"),
    ("bgeu",   "------- ----- ----- 111 ----- 1100011", "B"),
    ("lb",     "------------ ----- 000 ----- 0000011", "I"),
    ("lh",     "------------ ----- 001 ----- 0000011", "I"),
    ("lw",     "------------ ----- 010 ----- 0000011", "I"),
    ("lbu",    "------------ ----- 100 ----- 0000011", "I"),
    ("lhu",    "------------ ----- 101 ----- 0000011", "I"),
    ("sb",     "------- ----- ----- 000 ----- 0100011", "S"),
    ("sh",     "------- ----- ----- 001 ----- 0100011", "S"),
    ("sw",     "------- ----- ----- 010 ----- 0100011", "S"),
    ("addi",   "------------ ----- 000 ----- 0010011", "I"),
    ("slti",   "------------ ----- 010 ----- 0010011", "I"),
    ("sltiu",  "------------ ----- 011 ----- 0010011", "I"),
    ("xori",   "------------ ----- 100 ----- 0010011", "I"),
    ("ori",    "------------ ----- 110 ----- 0010011", "I"),
    ("andi",   "------------ ----- 111 ----- 0010011", "I"),
    # RV64 widens the shift amount to 6 bits (riscv-opcodes' rv64_i overrides these three)
    ("slli",   "000000 ------ ----- 001 ----- 0010011", "SH"),
    ("srli",   "000000 ------ ----- 101 ----- 0010011", "SH"),
    ("srai",   "010000 ------ ----- 101 ----- 0010011", "SH"),
    ("add",    "0000000 ----- ----- 000 ----- 0110011", "R"),
    ("sub",    "0100000 ----- ----- 000 ----- 0110011", "R"),
    ("sll",    "0000000 ----- ----- 001 ----- 0110011", "R"),
    ("slt",    "0000000 ----- ----- 010 ----- 0110011", "R"),
    ("sltu",   "0000000 ----- ----- 011 ----- 0110011", "R"),
    ("xor",    "0000000 ----- ----- 100 ----- 0110011", "R"),
    ("srl",    "0000000 ----- ----- 101 ----- 0110011", "R"),
    ("sra",    "0100000 ----- ----- 101 ----- 0110011", "R"),
    ("or",     "0000000 ----- ----- 110 ----- 0110011", "R"),
    ("and",    "0000000 ----- ----- 111 ----- 0110011", "R"),
    ("fence",  "---- ---- ---- ----- 000 ----- 0001111", "FENCE"),
    ("ecall",  "000000000000 00000 000 00000 1110011", "NONE"),
    ("ebreak", "000000000001 00000 000 00000 1110011", "NONE"),
])

rv64_i = _group("rv64_i", [
    ("lwu",    "------------ ----- 110 ----- 0000011", "I"),
    ("ld",     "------------ ----- 011 ----- 0000011", "I"),
    ("sd",     "------- ----- ----- 011 ----- 0100011", "S"),
    ("addiw",  "------------ ----- 000 ----- 0011011", "I"),
    ("slliw",  "0000000 ----- ----- 001 ----- 0011011", "SHW"),
    ("srliw",  "0000000 ----- ----- 101 ----- 0011011", "SHW"),
    ("sraiw",  "0100000 ----- ----- 101 ----- 0011011", "SHW"),
    ("addw",   "0000000 ----- ----- 000 ----- 0111011", "R"),
    ("subw",   "0100000 ----- ----- 000 ----- 0111011", "R"),
    ("sllw",   "0000000 ----- ----- 001 ----- 0111011", "R"),
    ("srlw",   "0000000 ----- ----- 101 ----- 0111011", "R"),
    ("sraw",   "0100000 ----- ----- 101 ----- 0111011", "R"),
])

rv_zifencei = _group("rv_zifencei", [
    ("fence.i", "------------ ----- 001 ----- 0001111", "FENCE_I"),
])

rv_zicsr = _group("rv_zicsr", [
    ("csrrw",  "------------ ----- 001 ----- 1110011", "CSR"),
    ("csrrs",  "------------ ----- 010 ----- 1110011", "CSR"),
    ("csrrc",  "------------ ----- 011 ----- 1110011", "CSR"),
    ("csrrwi", "------------ ----- 101 ----- 1110011", "CSRI"),
    ("csrrsi", "------------ ----- 110 ----- 1110011", "CSRI"),
    ("csrrci", "------------ ----- 111 ----- 1110011", "CSRI"),
])

rv_m = _group("rv_m", [
    ("mul",    "0000001 ----- ----- 000 ----- 0110011", "R"),
    ("mulh",   "0000001 ----- ----- 001 ----- 0110011", "R"),
    ("mulhsu", "0000001 ----- ----- 010 ----- 0110011", "R"),
    ("mulhu",  "0000001 ----- ----- 011 ----- 0110011", "R"),
    ("div",    "0000001 ----- ----- 100 ----- 0110011", "R"),
    ("divu",   "0000001 ----- ----- 101 ----- 0110011", "R"),
    ("rem",    "0000001 ----- ----- 110 ----- 0110011", "R"),
    ("remu",   "0000001 ----- ----- 111 ----- 0110011", "R"),
])

rv64_m = _group("rv64_m", [
    ("mulw",   "0000001 ----- ----- 000 ----- 0111011", "R"),
    ("divw",   "0000001 ----- ----- 100 ----- 0111011", "R"),
    ("divuw",  "0000001 ----- ----- 101 ----- 0111011", "R"),
    ("remw",   "0000001 ----- ----- 110 ----- 0111011", "R"),
    ("remuw",  "0000001 ----- ----- 111 ----- 0111011", "R"),
])


def _atomics(ext, width):
    funct3 = {"w": "010", "d": "011"}[width]
    amo = [("swap", "00001"), ("add", "00000"), ("xor", "00100"), ("and", "01100"),
           ("or", "01000"), ("min", "10000"), ("max", "10100"), ("minu", "11000"),
           ("maxu", "11100")]
    return _group(ext, [
        (f"lr.{width}", f"00010 -- 00000 ----- {funct3} ----- 0101111", "LR"),
        (f"sc.{width}", f"00011 -- ----- ----- {funct3} ----- 0101111", "AMO"),
    ] + [(f"amo{op}.{width}", f"{funct5} -- ----- ----- {funct3} ----- 0101111", "AMO")
         for op, funct5 in amo])


rv_a = _atomics("rv_a", "w")
rv64_a = _atomics("rv64_a", "d")


def _float(ext, fmt, fmtbits, load_funct3):
    """The F and D rows differ only in the fmt field (bits 26:25) and the load/store width."""
    s, f = fmt, fmtbits
    return _group(ext, [
        (f"fl{'w' if s == 's' else 'd'}", f"------------ ----- {load_funct3} ----- 0000111", "I"),
        (f"fs{'w' if s == 's' else 'd'}", f"------- ----- ----- {load_funct3} ----- 0100111", "S"),
        (f"fmadd.{s}",  f"----- {f} ----- ----- --- ----- 1000011", "R4"),
        (f"fmsub.{s}",  f"----- {f} ----- ----- --- ----- 1000111", "R4"),
        (f"fnmsub.{s}", f"----- {f} ----- ----- --- ----- 1001011", "R4"),
        (f"fnmadd.{s}", f"----- {f} ----- ----- --- ----- 1001111", "R4"),
        (f"fadd.{s}",   f"00000 {f} ----- ----- --- ----- 1010011", "R_RM"),
        (f"fsub.{s}",   f"00001 {f} ----- ----- --- ----- 1010011", "R_RM"),
        (f"fmul.{s}",   f"00010 {f} ----- ----- --- ----- 1010011", "R_RM"),
        (f"fdiv.{s}",   f"00011 {f} ----- ----- --- ----- 1010011", "R_RM"),
        (f"fsqrt.{s}",  f"01011 {f} 00000 ----- --- ----- 1010011", "R1_RM"),
        (f"fsgnj.{s}",  f"00100 {f} ----- ----- 000 ----- 1010011", "R"),
        (f"fsgnjn.{s}", f"00100 {f} ----- ----- 001 ----- 1010011", "R"),
        (f"fsgnjx.{s}", f"00100 {f} ----- ----- 010 ----- 1010011", "R"),
        (f"fmin.{s}",   f"00101 {f} ----- ----- 000 ----- 1010011", "R"),
        (f"fmax.{s}",   f"00101 {f} ----- ----- 001 ----- 1010011", "R"),
        (f"fcvt.w.{s}", f"11000 {f} 00000 ----- --- ----- 1010011", "R1_RM"),
        (f"fcvt.wu.{s}", f"11000 {f} 00001 ----- --- ----- 1010011", "R1_RM"),
        (f"feq.{s}",    f"10100 {f} ----- ----- 010 ----- 1010011", "R"),
        (f"flt.{s}",    f"10100 {f} ----- ----- 001 ----- 1010011", "R"),
        (f"fle.{s}",    f"10100 {f} ----- ----- 000 ----- 1010011", "R"),
        (f"fclass.{s}", f"11100 {f} 00000 ----- 001 ----- 1010011", "R1"),
        (f"fcvt.{s}.w", f"11010 {f} 00000 ----- --- ----- 1010011", "R1_RM"),
        (f"fcvt.{s}.wu", f"11010 {f} 00001 ----- --- ----- 1010011", "R1_RM"),
    ])


def _float64(ext, s, f):
    return _group(ext, [
        (f"fcvt.l.{s}",  f"11000 {f} 00010 ----- --- ----- 1010011", "R1_RM"),
        (f"fcvt.lu.{s}", f"11000 {f} 00011 ----- --- ----- 1010011", "R1_RM"),
        (f"fcvt.{s}.l",  f"11010 {f} 00010 ----- --- ----- 1010011", "R1_RM"),
        (f"fcvt.{s}.lu", f"11010 {f} 00011 ----- --- ----- 1010011", "R1_RM"),
    ])


rv_f = _float("rv_f", "s", "00", "010") + _group("rv_f", [
    ("fmv.x.w",  "11100 00 00000 ----- 000 ----- 1010011", "R1"),
    ("fmv.w.x",  "11110 00 00000 ----- 000 ----- 1010011", "R1"),
])
rv64_f = _float64("rv64_f", "s", "00")
rv_d = _float("rv_d", "d", "01", "011") + _group("rv_d", [
    ("fcvt.s.d", "01000 00 00001 ----- --- ----- 1010011", "R1_RM"),
    ("fcvt.d.s", "01000 01 00000 ----- --- ----- 1010011", "R1_RM"),
])
rv64_d = _float64("rv64_d", "d", "01") + _group("rv64_d", [
    ("fmv.x.d",  "11100 01 00000 ----- 000 ----- 1010011", "R1"),
    ("fmv.d.x",  "11110 01 00000 ----- 000 ----- 1010011", "R1"),
])

# Compressed: (name, pattern, operands, expands-to, nonzero, group)
rv_c = _group("rv_c", [
    # quadrant 0
    ("c.addi4spn", "000 -------- --- 00", "CIW", "addi", "imm"),
    ("c.lw",       "010 --- --- -- --- 00", "CL", "lw"),
    ("c.sw",       "110 --- --- -- --- 00", "CS", "sw"),
    # quadrant 1
    ("c.nop",      "000 0 00000 00000 01", "NONE", "addi", None, "c.nop"),
    ("c.addi",     "000 - ----- ----- 01", "CI", "addi", None, "c.nop"),
    ("c.li",       "010 - ----- ----- 01", "CI rs1=0", "addi"),
    ("c.addi16sp", "011 - 00010 ----- 01", "rd=2 rs1=2 imm=%c_addi16sp", "addi", "imm",
     "c.addi16sp"),
    ("c.lui",      "011 - ----- ----- 01", "CI rs1=0 imm=%c_lui", "lui", "imm", "c.addi16sp"),
    ("c.srli",     "100 - 00 --- ----- 01", "CB imm=%c_shamt", "srli"),
    ("c.srai",     "100 - 01 --- ----- 01", "CB imm=%c_shamt", "srai"),
    ("c.andi",     "100 - 10 --- ----- 01", "CB", "andi"),
    ("c.sub",      "100 0 11 --- 00 --- 01", "CA", "sub"),
    ("c.xor",      "100 0 11 --- 01 --- 01", "CA", "xor"),
    ("c.or",       "100 0 11 --- 10 --- 01", "CA", "or"),
    ("c.and",      "100 0 11 --- 11 --- 01", "CA", "and"),
    ("c.j",        "101 ----------- 01", "CJ", "jal"),
    ("c.beqz",     "110 --- --- ----- 01", "rs1=%c_rs1p imm=%c_b", "beq"),
    ("c.bnez",     "111 --- --- ----- 01", "rs1=%c_rs1p imm=%c_b", "bne"),
    # quadrant 2
    ("c.slli",     "000 - ----- ----- 10", "CI imm=%c_shamt", "slli"),
    ("c.lwsp",     "010 - ----- ----- 10", "CI rs1=2 imm=%c_lwsp", "lw", "rd"),
    ("c.jr",       "100 0 ----- 00000 10", "CR rd=0 rs2=0", "jalr", "rs1", "c.mv"),
    ("c.mv",       "100 0 ----- ----- 10", "CR rs1=0", "add", None, "c.mv"),
    ("c.ebreak",   "100 1 00000 00000 10", "NONE", "ebreak", None, "c.add"),
    ("c.jalr",     "100 1 ----- 00000 10", "CR rd=1 rs2=0", "jalr", None, "c.add"),
    ("c.add",      "100 1 ----- ----- 10", "CR", "add", None, "c.add"),
    ("c.swsp",     "110 ------ ----- 10", "CSS", "sw"),
])

rv64_c = _group("rv64_c", [
    ("c.ld",       "011 --- --- -- --- 00", "CL imm=%c_ld", "ld"),
    ("c.sd",       "111 --- --- -- --- 00", "CS imm=%c_ld", "sd"),
    ("c.addiw",    "001 - ----- ----- 01", "CI", "addiw", "rd"),
    ("c.subw",     "100 1 11 --- 00 --- 01", "CA", "subw"),
    ("c.addw",     "100 1 11 --- 01 --- 01", "CA", "addw"),
    ("c.ldsp",     "011 - ----- ----- 10", "CI rs1=2 imm=%c_ldsp", "ld", "rd"),
    ("c.sdsp",     "111 ------ ----- 10", "CSS imm=%c_sdsp", "sd"),
])

rv_c_d = _group("rv_c_d", [
    ("c.fld",      "001 --- --- -- --- 00", "CL imm=%c_ld", "fld"),
    ("c.fsd",      "101 --- --- -- --- 00", "CS imm=%c_ld", "fsd"),
    ("c.fldsp",    "001 - ----- ----- 10", "CI rs1=2 imm=%c_ldsp", "fld"),
    ("c.fsdsp",    "101 ------ ----- 10", "CSS imm=%c_sdsp", "fsd"),
])

# Every op in op-number order (op 0 is ILLEGAL, numbered by decoder.py), then the C expansions.
INSTRUCTIONS = (rv_i + rv64_i + rv_zifencei + rv_zicsr + rv_m + rv64_m + rv_a + rv64_a
                + rv_f + rv64_f + rv_d + rv64_d)
COMPRESSED = rv_c + rv64_c + rv_c_d

# Which module holds the semantics of each extension group (translators/gen_dispatch.py).
SEMANTIC_MODULES = {
    "rv_i": ("rv_i", "rv64_i", "rv_zifencei"),
    "rv_zicsr": ("rv_zicsr",),
    "rv_m": ("rv_m", "rv64_m"),
    "rv_a": ("rv_a", "rv64_a"),
    "rv_f": ("rv_f", "rv64_f"),
    "rv_d": ("rv_d", "rv64_d"),
}

# Instructions after which a basic block ends: control transfer and traps.
ENDS_BLOCK = {"jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu",
              "ecall", "ebreak", "fence.i"}
