"""The mipsel (MIPS32 Release 2, user mode) encoding table: the only module that knows where bits
are.

Written in the vocabulary of "MIPS32 Architecture For Programmers Volume II: The MIPS32
Instruction Set" (rev. 2.x; opcodes checked against llvm-mc-19 by
tests/translators/mipsel/test_mips_decoder.py). Three parts, as in the other ports:

FIELDS   the manual's instruction fields: opcode 31:26, rs 25:21, rt 20:16, rd 15:11, sa 10:6,
         function 5:0, the 16-bit immediate/offset, instr_index 25:0, code. Register fields keep
         the manual's names (rs, rt, rd, base) so the disassembler knows them for general
         registers. Branch offsets and instr_index are declared as the byte values they stand
         for ("15:0=17:2": offset << 2).
FORMATS  operand assignments for the decoder's (rd, rs1, rs2, rs3, rm, imm), WRITTEN IN ASSEMBLY
         OPERAND ORDER (the disassembler prints them in this order): addu rd, rs, rt;
         sllv rd, rt, rs; lw rt, offset(base). Conventions the semantics rely on:
           rd   the destination (rt of the immediate forms and loads), also the data register
                of stores and sc (rt), which is both read and written by lwl/lwr/sc/ins
           rs1  the first source (rs, or rt of the shifts), or the base of a memory access
           rs2  the second source (rt), or the shift amount register (rs) of sllv/srlv/srav/rotrv
           imm  the immediate: sign- or zero-extended as the instruction says; loads/stores:
                the offset; branches: the byte offset from the delay slot (target = pc + 4 + imm);
                j/jal: instr_index << 2 (target = ((pc + 4) & 0xF0000000) | imm)
           rm   a second small field: ext's size, ins's msb, break's second code, pref's hint
         A constant like "rd=31" is an implied operand (the link register of jal/bal*).
rows     one per instruction, grouped as the manual's opcode tables (SPECIAL, REGIMM, SPECIAL2,
         SPECIAL3, the primary opcodes): the 32-bit pattern with spaces between the fields,
         opcode first, as the manual draws it (0/1 fixed, - operand bits).

The assembler's aliases are not rows: nop/ssnop/ehb/pause are sll forms, move is addu/or with
$zero, b is beq $zero, $zero and bal is bgezal $zero; beqz/bnez, negu, not likewise.
Patterns may not overlap (no group is needed); list order decides nothing. Not in the table (so
illegal, SIGILL): privileged instructions (COP0, cache, wait, eret, tlb*), sdbbp, MIPS16e and
microMIPS, MSA, DSP, COP2 and every Release 6 encoding.
"""
from translators.decodetable import Enc, Field

FIELDS = {
    # registers
    "rs": Field("25:21"), "rt": Field("20:16"), "rd": Field("15:11"),
    "base": Field("25:21"),                         # loads/stores: rs under the manual's name
    # immediates
    "sa": Field("10:6"),
    "immediate": Field("15:0", signed=True),        # sign-extended (addi, slti, sltiu, teqi..)
    "uimmediate": Field("15:0"),                    # zero-extended (andi, ori, xori, lui)
    "offset": Field("15:0", signed=True),           # loads/stores: base + offset
    "boffset": Field("15:0=17:2", signed=True),     # branches: offset << 2, from the delay slot
    "instr_index": Field("25:0=27:2"),              # j/jal: instr_index << 2
    "code": Field("25:6"),                          # syscall
    "code_hi": Field("25:16"), "code_lo": Field("15:6"),    # break code_hi, code_lo
    "tcode": Field("15:6"),                         # teq/tne/tge/tgeu/tlt/tltu
    "stype": Field("10:6"),                         # sync
    "sync_zero": Field("25:11"),                    # sync: 0 in the manual, ignored (as QEMU
                                                    # and llvm-objdump do)
    "hint": Field("20:16"),                         # pref
    "lsb": Field("10:6"),                           # ext/ins: pos
    "size": Field("15:11", add=1),                  # ext: the manual's msbd (size - 1), + 1
    "msb": Field("15:11"),                          # ins: pos + size - 1
    "hwr": Field("15:11"),                          # rdhwr: the hardware register (manual: rd)
}

# Decoding buckets on the primary opcode and the function field (bits 5:0): SPECIAL, SPECIAL2,
# SPECIAL3 and COP1 rows land in one bucket each, rows whose low bits are an immediate in all 64
# of their opcode's: 4096 buckets, REGIMM's (the fullest) 15 rows.
BUCKET = "31:26=11:6 5:0=5:0"

FORMATS = {
    "R3": "rd=%rd rs1=%rs rs2=%rt",                 # addu rd, rs, rt
    "SHIFT": "rd=%rd rs1=%rt imm=%sa",              # sll rd, rt, sa
    "SHIFTV": "rd=%rd rs1=%rt rs2=%rs",             # sllv rd, rt, rs
    "R2": "rd=%rd rs1=%rt",                         # wsbh/seb/seh rd, rt
    "CL": "rd=%rd rs1=%rs -%rt",                    # clz/clo rd, rs (rt should equal rd: ignored)
    "I": "rd=%rt rs1=%rs imm=%immediate",           # addiu rt, rs, immediate
    "IU": "rd=%rt rs1=%rs imm=%uimmediate",         # andi rt, rs, immediate
    "LUI": "rd=%rt imm=%uimmediate",
    "MEM": "rd=%rt imm=%offset rs1=%base",          # lw rt, offset(base)
    "PREF": "rm=%hint imm=%offset rs1=%base",       # pref hint, offset(base)
    "SYNCI": "imm=%offset rs1=%base",               # synci offset(base)
    "B2": "rs1=%rs rs2=%rt imm=%boffset",           # beq rs, rt, offset
    "B1": "rs1=%rs imm=%boffset",                   # bgez rs, offset
    "J": "imm=%instr_index",                        # j target
    "JR": "rs1=%rs",                                # jr rs
    "JALR": "rd=%rd rs1=%rs",                       # jalr rd, rs
    "HILO2": "rs1=%rs rs2=%rt",                     # mult rs, rt
    "MFHI": "rd=%rd",                               # mfhi rd
    "MTHI": "rs1=%rs",                              # mthi rs
    "TRAP": "rs1=%rs rs2=%rt imm=%tcode",           # teq rs, rt, code
    "TRAPI": "rs1=%rs imm=%immediate",              # teqi rs, immediate
    "SYSCALL": "imm=%code",
    "BREAK": "imm=%code_hi rm=%code_lo",
    "SYNC": "imm=%stype",
    "EXT": "rd=%rt rs1=%rs imm=%lsb rm=%size",      # ext rt, rs, pos, size
    "INS": "rd=%rt rs1=%rs imm=%lsb rm=%msb",       # ins rt, rs, pos, size (size = msb - pos + 1)
    "RDHWR": "rd=%rt imm=%hwr",                     # rdhwr rt, rd
}

RS, RT, RD, SA = "-----", "-----", "-----", "-----"
ZERO5 = "00000"
IMM16 = "----------------"


def _group(ext, rows):
    return [Enc(name, pattern, args, ext=ext) for name, pattern, args in rows]


def _special(ext, rows):
    """SPECIAL (opcode 000000) rows: (name, the rs rt rd sa fields, function, format)."""
    return _group(ext, [(n, f"000000 {mid} {fn:06b}", fmt) for n, mid, fn, fmt in rows])


R_MID = f"{RS} {RT} {RD} {ZERO5}"                 # rs rt rd 0

# ---- arithmetic and logic ---------------------------------------------------------------------
alu = _special("alu", [
    ("add",  R_MID, 0b100000, "R3"), ("addu", R_MID, 0b100001, "R3"),
    ("sub",  R_MID, 0b100010, "R3"), ("subu", R_MID, 0b100011, "R3"),
    ("and",  R_MID, 0b100100, "R3"), ("or",   R_MID, 0b100101, "R3"),
    ("xor",  R_MID, 0b100110, "R3"), ("nor",  R_MID, 0b100111, "R3"),
    ("slt",  R_MID, 0b101010, "R3"), ("sltu", R_MID, 0b101011, "R3"),
    ("movz", R_MID, 0b001010, "R3"), ("movn", R_MID, 0b001011, "R3"),
]) + _group("alu", [
    ("addi",  f"001000 {RS} {RT} {IMM16}", "I"),
    ("addiu", f"001001 {RS} {RT} {IMM16}", "I"),
    ("slti",  f"001010 {RS} {RT} {IMM16}", "I"),
    ("sltiu", f"001011 {RS} {RT} {IMM16}", "I"),    # sign-extended, then compared unsigned
    ("andi",  f"001100 {RS} {RT} {IMM16}", "IU"),
    ("ori",   f"001101 {RS} {RT} {IMM16}", "IU"),
    ("xori",  f"001110 {RS} {RT} {IMM16}", "IU"),
    ("lui",   f"001111 {ZERO5} {RT} {IMM16}", "LUI"),
])

# ---- shifts and rotates (rotr/rotrv: Release 2, the R bit in srl's rs / srlv's sa) ------------
shift = _special("shift", [
    ("sll",   f"{ZERO5} {RT} {RD} {SA}", 0b000000, "SHIFT"),
    ("srl",   f"{ZERO5} {RT} {RD} {SA}", 0b000010, "SHIFT"),
    ("rotr",  f"00001 {RT} {RD} {SA}", 0b000010, "SHIFT"),
    ("sra",   f"{ZERO5} {RT} {RD} {SA}", 0b000011, "SHIFT"),
    ("sllv",  f"{RS} {RT} {RD} {ZERO5}", 0b000100, "SHIFTV"),
    ("srlv",  f"{RS} {RT} {RD} {ZERO5}", 0b000110, "SHIFTV"),
    ("rotrv", f"{RS} {RT} {RD} 00001", 0b000110, "SHIFTV"),
    ("srav",  f"{RS} {RT} {RD} {ZERO5}", 0b000111, "SHIFTV"),
])

# ---- multiply and divide: HI/LO, and SPECIAL2's mul/madd/msub --------------------------------
HILO_MID = f"{RS} {RT} {ZERO5} {ZERO5}"
muldiv = _special("muldiv", [
    ("mfhi",  f"{ZERO5} {ZERO5} {RD} {ZERO5}", 0b010000, "MFHI"),
    ("mthi",  f"{RS} {ZERO5} {ZERO5} {ZERO5}", 0b010001, "MTHI"),
    ("mflo",  f"{ZERO5} {ZERO5} {RD} {ZERO5}", 0b010010, "MFHI"),
    ("mtlo",  f"{RS} {ZERO5} {ZERO5} {ZERO5}", 0b010011, "MTHI"),
    ("mult",  HILO_MID, 0b011000, "HILO2"), ("multu", HILO_MID, 0b011001, "HILO2"),
    ("div",   HILO_MID, 0b011010, "HILO2"), ("divu",  HILO_MID, 0b011011, "HILO2"),
]) + _group("muldiv", [
    ("madd",  f"011100 {HILO_MID} 000000", "HILO2"),
    ("maddu", f"011100 {HILO_MID} 000001", "HILO2"),
    ("mul",   f"011100 {R_MID} 000010", "R3"),
    ("msub",  f"011100 {HILO_MID} 000100", "HILO2"),
    ("msubu", f"011100 {HILO_MID} 000101", "HILO2"),
])

# ---- bit manipulation: clz/clo (SPECIAL2), ext/ins and BSHFL (SPECIAL3, Release 2) ----------
bits = _group("bits", [
    ("clz",  f"011100 {RS} {RT} {RD} {ZERO5} 100000", "CL"),
    ("clo",  f"011100 {RS} {RT} {RD} {ZERO5} 100001", "CL"),
    ("ext",  f"011111 {RS} {RT} ----- ----- 000000", "EXT"),
    ("ins",  f"011111 {RS} {RT} ----- ----- 000100", "INS"),
    ("wsbh", f"011111 {ZERO5} {RT} {RD} 00010 100000", "R2"),
    ("seb",  f"011111 {ZERO5} {RT} {RD} 10000 100000", "R2"),
    ("seh",  f"011111 {ZERO5} {RT} {RD} 11000 100000", "R2"),
])

# ---- branches and jumps: delayed (the next instruction, the delay slot, always runs) and
# branch-likely (the slot runs only if taken) -------------------------------------------------


def _regimm(ext, rows):
    """REGIMM (opcode 000001) rows: (name, rt's value, format)."""
    return _group(ext, [(n, f"000001 {RS} {rt:05b} {IMM16}", fmt) for n, rt, fmt in rows])


branch = _group("branch", [
    ("j",     "000010 " + "-" * 26, "J"),
    ("jal",   "000011 " + "-" * 26, "J rd=31"),
    ("beq",   f"000100 {RS} {RT} {IMM16}", "B2"),
    ("bne",   f"000101 {RS} {RT} {IMM16}", "B2"),
    ("blez",  f"000110 {RS} {ZERO5} {IMM16}", "B1"),
    ("bgtz",  f"000111 {RS} {ZERO5} {IMM16}", "B1"),
    ("beql",  f"010100 {RS} {RT} {IMM16}", "B2"),
    ("bnel",  f"010101 {RS} {RT} {IMM16}", "B2"),
    ("blezl", f"010110 {RS} {ZERO5} {IMM16}", "B1"),
    ("bgtzl", f"010111 {RS} {ZERO5} {IMM16}", "B1"),
]) + _regimm("branch", [
    ("bltz", 0b00000, "B1"), ("bgez", 0b00001, "B1"),
    ("bltzl", 0b00010, "B1"), ("bgezl", 0b00011, "B1"),
    ("bltzal", 0b10000, "B1 rd=31"), ("bgezal", 0b10001, "B1 rd=31"),
    ("bltzall", 0b10010, "B1 rd=31"), ("bgezall", 0b10011, "B1 rd=31"),
]) + _special("branch", [
    ("jr",      f"{RS} {ZERO5} {ZERO5} {ZERO5}", 0b001000, "JR"),
    ("jr.hb",   f"{RS} {ZERO5} {ZERO5} 10000", 0b001000, "JR"),
    ("jalr",    f"{RS} {ZERO5} {RD} {ZERO5}", 0b001001, "JALR"),
    ("jalr.hb", f"{RS} {ZERO5} {RD} 10000", 0b001001, "JALR"),
])

# ---- loads and stores (lwl/lwr/swl/swr: the unaligned word's two parts, little-endian) -------
_LOADS = [("lb", 0b100000), ("lh", 0b100001), ("lwl", 0b100010), ("lw", 0b100011),
          ("lbu", 0b100100), ("lhu", 0b100101), ("lwr", 0b100110),
          ("sb", 0b101000), ("sh", 0b101001), ("swl", 0b101010), ("sw", 0b101011),
          ("swr", 0b101110)]
mem = _group("mem", [(n, f"{op:06b} {RS} {RT} {IMM16}", "MEM") for n, op in _LOADS]) + _group(
    "mem", [
        ("pref", f"110011 {RS} ----- {IMM16}", "PREF"),
    ])

# ---- atomics and barriers ----------------------------------------------------------------------
atomic = _group("atomic", [
    ("ll",   f"110000 {RS} {RT} {IMM16}", "MEM"),
    ("sc",   f"111000 {RS} {RT} {IMM16}", "MEM"),
    ("sync", f"000000 {RS} {RT} {RD} ----- 001111", "SYNC -%sync_zero"),
]) + _regimm("atomic", [
    ("synci", 0b11111, "SYNCI"),
])

# ---- system: syscall, break, the traps, rdhwr ------------------------------------------------
TRAP_MID = f"{RS} {RT} ---------- "
system = _special("sys", [
    ("syscall", "-" * 20, 0b001100, "SYSCALL"),
    ("break",   "-" * 20, 0b001101, "BREAK"),
    ("tge",  TRAP_MID, 0b110000, "TRAP"), ("tgeu", TRAP_MID, 0b110001, "TRAP"),
    ("tlt",  TRAP_MID, 0b110010, "TRAP"), ("tltu", TRAP_MID, 0b110011, "TRAP"),
    ("teq",  TRAP_MID, 0b110100, "TRAP"), ("tne",  TRAP_MID, 0b110110, "TRAP"),
]) + _regimm("sys", [
    ("tgei", 0b01000, "TRAPI"), ("tgeiu", 0b01001, "TRAPI"),   # tgeiu/tltiu: sign-extended
    ("tlti", 0b01010, "TRAPI"), ("tltiu", 0b01011, "TRAPI"),   # immediate, compared unsigned
    ("teqi", 0b01100, "TRAPI"), ("tnei", 0b01110, "TRAPI"),
]) + _group("sys", [
    ("rdhwr", f"011111 {ZERO5} {RT} ----- {ZERO5} 111011", "RDHWR"),
])

# ---- COP1 (FPU): the FPU helper's rows ----
# COP1 (opcode 010001) by its fmt field (S 10000, D 10001, W 10100; the fields as the manual
# names them: fr 25:21, ft 20:16, fs 15:11, fd 10:6), COP1X (010011: indexed loads and stores,
# madd family), lwc1/ldc1/swc1/sdc1 and SPECIAL's movf/movt (function 000001). FR=0, as QEMU 7.2
# runs FP32 programs on its default 24Kf: a .d operand is an even/odd register pair, and where
# QEMU raises Reserved Instruction for an odd register (arithmetic, compares, conversions,
# abs/neg/mov.d, COP1X) the table takes only even ones -- the `_d` fields, whose low bit is a
# fixed 0 -- which is also what llvm-objdump decodes. movf/movt/movz/movn.d, ldc1/sdc1 and
# mfhc1/mthc1 take any register (mips_fp: the pair holding it). Not rows, so illegal (SIGILL,
# as in QEMU with FR=0): the 64-bit integer format (cvt/round/trunc/ceil/floor .l, cvt.s.l,
# cvt.d.l), paired single (.ps), luxc1/suxc1, prefx.
COP1_FIELDS = {
    "fs": Field("15:11"), "ft": Field("20:16"), "fd": Field("10:6"), "fr": Field("25:21"),
    "fs_d": Field("15:12=4:1"), "ft_d": Field("20:17=4:1"),     # even registers only
    "fd_d": Field("10:7=4:1"), "fr_d": Field("25:22=4:1"),
    "fcr": Field("15:11"),                          # cfc1/ctc1: the control register number
    "cc_c": Field("10:8"),                          # c.cond.fmt's destination condition code
    "cc_b": Field("20:18"),                         # bc1f/bc1t
    "cc_m": Field("20:18"),                         # movf/movt: printed even when 0
}
COP1_FORMATS = {
    "F3": "rd=%fd rs1=%fs rs2=%ft",                 # add.s fd, fs, ft
    "F3D": "rd=%fd_d rs1=%fs_d rs2=%ft_d",
    "F2": "rd=%fd rs1=%fs",                         # sqrt.s fd, fs
    "F2D": "rd=%fd_d rs1=%fs_d",
    "F2_FROM_D": "rd=%fd rs1=%fs_d",                # cvt.s.d, cvt.w.d, trunc.w.d ..
    "F2_TO_D": "rd=%fd_d rs1=%fs",                  # cvt.d.s, cvt.d.w
    "FCMP": "rd=%cc_c rs1=%fs rs2=%ft",             # c.eq.s cc, fs, ft
    "FCMPD": "rd=%cc_c rs1=%fs_d rs2=%ft_d",
    "FMOVCF": "rd=%fd rs1=%fs rs2=%cc_m",           # movt.s fd, fs, cc
    "FMOVZ": "rd=%fd rs1=%fs rs2=%rt",              # movn.s fd, fs, rt
    "MOVCI": "rd=%rd rs1=%rs rs2=%cc_m",            # movt rd, rs, cc
    "MFC1": "rd=%rt rs1=%fs",                       # mfc1 rt, fs
    "MTC1": "rs1=%rt rd=%fs",                       # mtc1 rt, fs: fs is written
    "CFC1": "rd=%rt rs1=%fcr",
    "CTC1": "rs1=%rt rd=%fcr",
    "BC1": "rs1=%cc_b imm=%boffset",                # bc1t cc, offset
    "FMEM": "rd=%ft imm=%offset rs1=%base",         # lwc1 ft, offset(base)
    "FMEMX": "rd=%fd rs2=%rt rs1=%base",            # lwxc1 fd, index(base)
    "FMEMXD": "rd=%fd_d rs2=%rt rs1=%base",
    "FSTX": "rd=%fs rs2=%rt rs1=%base",             # swxc1 fs, index(base)
    "FSTXD": "rd=%fs_d rs2=%rt rs1=%base",
    "FMADD": "rd=%fd rs3=%fr rs1=%fs rs2=%ft",      # madd.s fd, fr, fs, ft = fs * ft + fr
    "FMADDD": "rd=%fd_d rs3=%fr_d rs1=%fs_d rs2=%ft_d",
}
_S, _D, _W = "10000", "10001", "10100"
_R, _E = "-----", "----0"                           # any register, an even one


def _cop1(ext, rows):
    """COP1 rows: (name, fmt, the ft fs fd fields, function, format)."""
    return _group(ext, [(n, f"010001 {fmt} {mid} {fn:06b}", f) for n, fmt, mid, fn, f in rows])


def _sd(ops):
    """(op, function, fields of .s, of .d) -> the .s and .d rows of each op."""
    return [(f"{op}.{k}", fmt, mid_s if k == "s" else mid_d, fn, fmt_s if k == "s" else fmt_d)
            for op, fn, mid_s, mid_d, fmt_s, fmt_d in ops for k, fmt in (("s", _S), ("d", _D))]


_3S, _3D = f"{_R} {_R} {_R}", f"{_E} {_E} {_E}"
_2S, _2D = f"{ZERO5} {_R} {_R}", f"{ZERO5} {_E} {_E}"
fp_arith = _cop1("fp_arith", _sd([
    ("add", 0b000000, _3S, _3D, "F3", "F3D"), ("sub", 0b000001, _3S, _3D, "F3", "F3D"),
    ("mul", 0b000010, _3S, _3D, "F3", "F3D"), ("div", 0b000011, _3S, _3D, "F3", "F3D"),
    ("sqrt", 0b000100, _2S, _2D, "F2", "F2D"), ("abs", 0b000101, _2S, _2D, "F2", "F2D"),
    ("mov", 0b000110, _2S, _2D, "F2", "F2D"), ("neg", 0b000111, _2S, _2D, "F2", "F2D"),
    ("recip", 0b010101, _2S, _2D, "F2", "F2D"), ("rsqrt", 0b010110, _2S, _2D, "F2", "F2D"),
])) + _group("fp_arith", [
    (f"{op}.{k}", f"010011 {reg} {reg} {reg} {reg} {fn:03b} {fmt}", f)
    for op, fn in (("madd", 0b100), ("msub", 0b101), ("nmadd", 0b110), ("nmsub", 0b111))
    for k, fmt, reg, f in (("s", "000", _R, "FMADD"), ("d", "001", _E, "FMADDD"))
])

# c.cond.fmt cc, fs, ft: one row per condition (function 11 cond; bits 7:6 zero), named as the
# manual and llvm-objdump name them. cond bit 0: true if unordered, 1: if equal, 2: if less,
# 3: signalling (invalid on quiet NaNs too).
C_CONDS = ("f", "un", "eq", "ueq", "olt", "ult", "ole", "ule",
           "sf", "ngle", "seq", "ngl", "lt", "nge", "le", "ngt")
fp_cmp = _cop1("fp_cmp", [
    (f"c.{c}.{k}", fmt, f"{mid} --- 00", 0b110000 | i, f)
    for k, fmt, mid, f in (("s", _S, f"{_R} {_R}", "FCMP"), ("d", _D, f"{_E} {_E}", "FCMPD"))
    for i, c in enumerate(C_CONDS)
])

fp_cvt = _cop1("fp_cvt", [
    ("cvt.s.d", _D, f"{ZERO5} {_E} {_R}", 0b100000, "F2_FROM_D"),
    ("cvt.s.w", _W, _2S, 0b100000, "F2"),
    ("cvt.d.s", _S, f"{ZERO5} {_R} {_E}", 0b100001, "F2_TO_D"),
    ("cvt.d.w", _W, f"{ZERO5} {_R} {_E}", 0b100001, "F2_TO_D"),
] + [
    (f"{op}.w.{k}", fmt, _2S if k == "s" else f"{ZERO5} {_E} {_R}", fn,
     "F2" if k == "s" else "F2_FROM_D")
    for op, fn in (("round", 0b001100), ("trunc", 0b001101), ("ceil", 0b001110),
                   ("floor", 0b001111), ("cvt", 0b100100))
    for k, fmt in (("s", _S), ("d", _D))
])

fp_move = _cop1("fp_move", [
    (f"mov{tf}.{k}", fmt, f"--- 0 {i} {_R} {_R}", 0b010001, "FMOVCF")
    for k, fmt in (("s", _S), ("d", _D)) for i, tf in enumerate("ft")
] + [
    (f"mov{zn}.{k}", fmt, f"{RT} {_R} {_R}", fn, "FMOVZ")
    for k, fmt in (("s", _S), ("d", _D)) for zn, fn in (("z", 0b010010), ("n", 0b010011))
]) + _group("fp_move", [
    (n, f"010001 {rs} {RT} {_R} 00000000000", f)
    for n, rs, f in (("mfc1", "00000", "MFC1"), ("cfc1", "00010", "CFC1"),
                     ("mfhc1", "00011", "MFC1"), ("mtc1", "00100", "MTC1"),
                     ("ctc1", "00110", "CTC1"), ("mthc1", "00111", "MTC1"))
]) + _special("fp_move", [
    ("movf", f"{RS} --- 0 0 {RD} {ZERO5}", 0b000001, "MOVCI"),
    ("movt", f"{RS} --- 0 1 {RD} {ZERO5}", 0b000001, "MOVCI"),
])

fp_branch = _group("fp_branch", [
    (n, f"010001 01000 --- {nd}{tf} {IMM16}", "BC1")
    for n, nd, tf in (("bc1f", 0, 0), ("bc1t", 0, 1), ("bc1fl", 1, 0), ("bc1tl", 1, 1))
])

fp_mem = _group("fp_mem", [
    ("lwc1", f"110001 {RS} {RT} {IMM16}", "FMEM"), ("ldc1", f"110101 {RS} {RT} {IMM16}", "FMEM"),
    ("swc1", f"111001 {RS} {RT} {IMM16}", "FMEM"), ("sdc1", f"111101 {RS} {RT} {IMM16}", "FMEM"),
    ("lwxc1", f"010011 {RS} {RT} {ZERO5} {_R} 000000", "FMEMX"),
    ("ldxc1", f"010011 {RS} {RT} {ZERO5} {_E} 000001", "FMEMXD"),
    ("swxc1", f"010011 {RS} {RT} {_R} {ZERO5} 001000", "FSTX"),
    ("sdxc1", f"010011 {RS} {RT} {_E} {ZERO5} 001001", "FSTXD"),
])

COP1_INSTRUCTIONS = fp_arith + fp_cmp + fp_cvt + fp_move + fp_branch + fp_mem
COP1_SEMANTIC_MODULES = {"mips_fp": ("fp_arith", "fp_cmp", "fp_cvt", "fp_move", "fp_branch",
                                     "fp_mem")}
COP1_ENDS_BLOCK = {"bc1f": 2, "bc1t": 2, "bc1fl": 1, "bc1tl": 1}   # as beq / beql
# ---- end of COP1 ----

FIELDS.update(COP1_FIELDS)
FORMATS.update(COP1_FORMATS)

# Every op in op-number order (op 0 is ILLEGAL, numbered by the decoder).
INSTRUCTIONS = alu + shift + muldiv + bits + branch + mem + atomic + system + COP1_INSTRUCTIONS

# The integer groups (this part of the table; COP1's are the FPU helper's).
INTEGER_EXTS = ("alu", "shift", "muldiv", "bits", "branch", "mem", "atomic", "sys")

# Which module holds the semantics of each group (translators/gen_dispatch.py).
SEMANTIC_MODULES = {
    "mips_base": ("alu", "shift", "muldiv", "bits"),
    "mips_branch": ("branch",),
    "mips_mem": ("mem", "atomic"),
    "mips_sys": ("sys",),
    **COP1_SEMANTIC_MODULES,
}

# Instructions after which a basic block ends, and how (translators/decodetable.py):
#   2  a delayed branch or jump: the block ends after the NEXT instruction, its delay slot
#   1  after this instruction: branch-likely (its slot runs only when taken, so the branch
#      decides where to go on), syscall and break (always exit to the kernel), synci (code may
#      have changed: like loongarch64's ibar)
# The conditional traps (teq, ...) do not end a block, like loongarch64's asrtle/asrtgt and
# like a load that may fault: when they fire they exit as the instruction they are.
DELAYED = ("beq", "bne", "blez", "bgtz", "bltz", "bgez", "bltzal", "bgezal", "j", "jal", "jr",
           "jr.hb", "jalr", "jalr.hb")
LIKELY = ("beql", "bnel", "blezl", "bgtzl", "bltzl", "bgezl", "bltzall", "bgezall")
ENDS_BLOCK = {**dict.fromkeys(DELAYED, 2), **dict.fromkeys(LIKELY, 1),
              "syscall": 1, "break": 1, "synci": 1, **COP1_ENDS_BLOCK}
