"""The A64 (AArch64 user level, base integer) encoding table: the only module that knows where
bits are.

Written in the vocabulary of the Arm Architecture Reference Manual for A-profile (DDI 0487),
section C4 "A64 Instruction Set Encoding": its encoding classes ("Add/subtract (immediate)",
"Load/store register (unsigned immediate)", ...) are the groups below, its field names (sf, op,
S, sh, imm12, N, immr, imms, hw, imm16, opc, size, option, Rd, Rn, Rm, Ra, Rt, Rt2, Rs, ...)
the FIELDS. Checked against llvm-mc-19 by tests/translators/aarch64/test_a64_decoder.py.

The decoded shape is the six slots every ISA shares (rd, rs1, rs2, rs3, rm, imm):

  rd = Rd or Rt         rs1 = Rn          rs2 = Rm, Rs (exclusive status) or Rt2 (pairs)
  rs3 = Ra, or Rt2 of ldxp/stxp            rm = sf (0: 32-bit W form, 1: 64-bit X form) where
  the class has sf; the access's size/opc where a load/store class has them (see below)
  imm = the immediate, already in bytes for every pc-relative offset and every scaled
  load/store offset; packed sub-fields where the manual has several (N:immr:imms,
  hw:imm16, shift:imm6, option:imm3, cond:nzcv), unpacked by the semantics.

Register number 31 is decoded as 31: whether it names SP or XZR is the instruction's (the manual
says per operand: "Rn ... (or SP)"); the semantics choose the accessor (cpu.py: xr/wx read and
write with XZR, r[n]/wsp with SP). The table records it for the disassembler: a field whose
name ends in _SP (Rd_SP, Rn_SP) names SP when 31.

One row per instruction, except where the manual's own decode shares one pseudocode across
sizes and sign-extensions -- the load/store register classes: there one row per encoding class
(ldst_ui, ldst_pre, ...) carries size:opc in `rm` (LDRB, LDRSH, STR, PRFM are its values, as
in the manual's "Shared decode for all encodings"), so a class needs one semantic function, not
fifteen. A scaled immediate needs a field per scale, so such a class has one row per size and
the others are EXPANSIONS (rows decoding to the same op). The exclusive and acquire/release
classes carry `size` in rm the same way (LDXRB..LDXR, STLRH, ...).

Unallocated combinations that depend on sf (sf=0 with N=1 or imm6<5>=1, hw>=2, ROR shifts in
add/sub, option<1>=0 ...) are rejected by the semantics (Exit.ILLEGAL), not the table.
FP/AdvSIMD (V=1 loads/stores, every FP and SIMD class), SVE, LSE atomics, PAC-with-register
forms (braa, retaa, ...), MTE, CRC32 and the rest of the system space decode as illegal.
"""
from translators.decodetable import Enc, Field

FIELDS = {
    # registers; *_SP: 31 names SP (the disassembler reads this), else 31 is XZR/WZR
    "Rd": Field("4:0"), "Rd_SP": Field("4:0"), "Rn": Field("9:5"), "Rn_SP": Field("9:5"),
    "Rm": Field("20:16"), "Ra": Field("14:10"), "Rt": Field("4:0"), "Rt2": Field("14:10"),
    "Rs": Field("20:16"),
    "sf": Field("31"), "size": Field("31:30"), "opc": Field("31:30"),
    "size_opc": Field("31:30=3:2 23:22=1:0"), "sz": Field("30"),
    # size:opc where a row fixes size (ldst_ui: one row per scale)
    **{f"opc_size{s}": Field("23:22", add=s << 2) for s in range(4)},
    # data processing immediates
    "imm12": Field("21:10"), "imm12_lsl12": Field("21:10=23:12"),
    "N_immr_imms": Field("22=12 21:16=11:6 15:10=5:0"),
    "hw_imm16": Field("22:21=17:16 20:5=15:0"),
    "immhi_immlo": Field("23:5=20:2 30:29=1:0", signed=True),           # adr: bytes
    "immhi_immlo_4k": Field("23:5=32:14 30:29=13:12", signed=True),     # adrp: bytes (<< 12)
    "N_imms": Field("22=6 15:10=5:0"),                 # extr: N (must equal sf), lsb
    # data processing register
    "shift_imm6": Field("23:22=7:6 15:10=5:0"),
    "option_imm3": Field("15:13=5:3 12:10=2:0"),
    "cond_nzcv": Field("15:12=7:4 3:0=3:0"), "imm5": Field("20:16"),
    "cond": Field("15:12"),
    # branches: offsets in bytes from the instruction
    "imm26": Field("25:0=27:2", signed=True), "imm19": Field("23:5=20:2", signed=True),
    "imm14": Field("18:5=15:2", signed=True), "b5_b40": Field("31=5 23:19=4:0"),
    "cond_b": Field("3:0"),
    # system
    "imm16": Field("20:5"),
    "o0_op1_CRn_CRm_op2": Field("19:5"),    # a system register (op0 = 2 + o0)
    "op1_CRn_CRm_op2": Field("18:5"),       # SYS: op1:CRn:CRm:op2
    "CRm": Field("11:8"), "op2": Field("7:5"), "CRm_op2": Field("11:5"),
    # loads and stores
    "imm9": Field("20:12", signed=True),
    "imm12_1": Field("21:10"), "imm12_2": Field("21:10=12:1"),
    "imm12_4": Field("21:10=13:2"), "imm12_8": Field("21:10=14:3"),
    "option_S": Field("15:13=3:1 12=0"),
    "mode": Field("24:23"),
    "imm7_4": Field("21:15=8:2", signed=True), "imm7_8": Field("21:15=9:3", signed=True),
}

# Buckets: the top eleven bits (the major classes and most sub-class bits): 2048 buckets.
BUCKET = "31:21"

FORMATS = {
    # operand order = assembly order
    "ADDSUB_IMM": "rd=%Rd_SP rs1=%Rn_SP imm=%imm12 rm=%sf",
    "ADDS_IMM": "rd=%Rd rs1=%Rn_SP imm=%imm12 rm=%sf",
    "LOG_IMM": "rd=%Rd_SP rs1=%Rn imm=%N_immr_imms rm=%sf",
    "ANDS_IMM": "rd=%Rd rs1=%Rn imm=%N_immr_imms rm=%sf",
    "MOVW": "rd=%Rd imm=%hw_imm16 rm=%sf",
    "BITFIELD": "rd=%Rd rs1=%Rn imm=%N_immr_imms rm=%sf",
    "EXTR": "rd=%Rd rs1=%Rn rs2=%Rm imm=%N_imms rm=%sf",
    "SHIFTED": "rd=%Rd rs1=%Rn rs2=%Rm imm=%shift_imm6 rm=%sf",
    "EXTENDED": "rd=%Rd_SP rs1=%Rn_SP rs2=%Rm imm=%option_imm3 rm=%sf",
    "EXTENDED_S": "rd=%Rd rs1=%Rn_SP rs2=%Rm imm=%option_imm3 rm=%sf",
    "RRR": "rd=%Rd rs1=%Rn rs2=%Rm rm=%sf",
    "RR": "rd=%Rd rs1=%Rn rm=%sf",
    "RRRR": "rd=%Rd rs1=%Rn rs2=%Rm rs3=%Ra rm=%sf",
    "CCMP_REG": "rs1=%Rn rs2=%Rm imm=%cond_nzcv rm=%sf",
    "CCMP_IMM": "rs1=%Rn rs2=%imm5 imm=%cond_nzcv rm=%sf",
    "CSEL": "rd=%Rd rs1=%Rn rs2=%Rm imm=%cond rm=%sf",
    "B": "imm=%imm26",
    "BCOND": "imm=%imm19 rm=%cond_b",
    "CB": "rd=%Rt imm=%imm19 rm=%sf",
    "TB": "rd=%Rt rm=%b5_b40 imm=%imm14",
    "BR": "rs1=%Rn",
    "EXC": "imm=%imm16",
    "MRS": "rd=%Rt imm=%o0_op1_CRn_CRm_op2",
    "MSR": "imm=%o0_op1_CRn_CRm_op2 rd=%Rt",
    "SYS": "imm=%op1_CRn_CRm_op2 rd=%Rt",
    "LDST_REG": "rd=%Rt rs1=%Rn_SP rs2=%Rm imm=%option_S rm=%size_opc",
    "LDST_IMM9": "rd=%Rt rs1=%Rn_SP imm=%imm9 rm=%size_opc",
    "EXCL": "rs2=%Rs rd=%Rt rs1=%Rn_SP rm=%size -%Rt2",
    "EXCL_PAIR": "rs2=%Rs rd=%Rt rs3=%Rt2 rs1=%Rn_SP rm=%sz",
    "LDX": "rd=%Rt rs1=%Rn_SP rm=%size -%Rs -%Rt2",
    "LDXP": "rd=%Rt rs3=%Rt2 rs1=%Rn_SP rm=%sz -%Rs",
    "ACQREL": "rd=%Rt rs1=%Rn_SP rm=%size -%Rs -%Rt2",
}

R = "----- -----"              # Rn Rd (or Rn Rt)


def _group(ext, rows):
    return [Enc(name, pattern, args, ext=ext) for name, pattern, args in rows]


def _expand(ext, name, rows):
    """Further rows decoding as `name` (another size's scaled field, the other shift)."""
    return [Enc(f"{name}#{i}", pattern, args, expands=name, ext=ext)
            for i, (pattern, args) in enumerate(rows)]


# ---- C4.1.86 Data Processing -- Immediate -------------------------------------------------------
dp_imm = _group("dp_imm", [
    # PC-rel. addressing: op immlo 10000 immhi Rd
    ("adr",  "0 -- 10000 ------------------- -----", "rd=%Rd imm=%immhi_immlo"),
    ("adrp", "1 -- 10000 ------------------- -----", "rd=%Rd imm=%immhi_immlo_4k"),
    # Add/subtract (immediate): sf op S 100010 sh imm12 Rn Rd (sh=1: EXPANSIONS)
    ("add_imm",  "- 0 0 100010 0 ------------ " + R, "ADDSUB_IMM"),
    ("adds_imm", "- 0 1 100010 0 ------------ " + R, "ADDS_IMM"),
    ("sub_imm",  "- 1 0 100010 0 ------------ " + R, "ADDSUB_IMM"),
    ("subs_imm", "- 1 1 100010 0 ------------ " + R, "ADDS_IMM"),
    # Logical (immediate): sf opc 100100 N immr imms Rn Rd
    ("and_imm",  "- 00 100100 - ------ ------ " + R, "LOG_IMM"),
    ("orr_imm",  "- 01 100100 - ------ ------ " + R, "LOG_IMM"),
    ("eor_imm",  "- 10 100100 - ------ ------ " + R, "LOG_IMM"),
    ("ands_imm", "- 11 100100 - ------ ------ " + R, "ANDS_IMM"),
    # Move wide (immediate): sf opc 100101 hw imm16 Rd
    ("movn", "- 00 100101 -- ---------------- -----", "MOVW"),
    ("movz", "- 10 100101 -- ---------------- -----", "MOVW"),
    ("movk", "- 11 100101 -- ---------------- -----", "MOVW"),
    # Bitfield: sf opc 100110 N immr imms Rn Rd
    ("sbfm", "- 00 100110 - ------ ------ " + R, "BITFIELD"),
    ("bfm",  "- 01 100110 - ------ ------ " + R, "BITFIELD"),
    ("ubfm", "- 10 100110 - ------ ------ " + R, "BITFIELD"),
    # Extract: sf op21 100111 N o0 Rm imms Rn Rd (N = sf, checked by the semantics)
    ("extr", "- 00 100111 - 0 ----- ------ " + R, "EXTR"),
])
dp_imm_sh12 = []
for _name, _fmt in (("add_imm", "ADDSUB_IMM"), ("adds_imm", "ADDS_IMM"),
                    ("sub_imm", "ADDSUB_IMM"), ("subs_imm", "ADDS_IMM")):
    _op_s = {"add_imm": "0 0", "adds_imm": "0 1", "sub_imm": "1 0", "subs_imm": "1 1"}[_name]
    dp_imm_sh12 += _expand("dp_imm", _name, [
        (f"- {_op_s} 100010 1 ------------ " + R, _fmt + " imm=%imm12_lsl12")])

# ---- C4.1.87 Branches, Exception Generating and System instructions ----------------------------
SYSREG_HI = "1101010100"
branch = _group("branch", [
    ("b",     "0 00101 --------------------------", "B"),
    ("bl",    "1 00101 --------------------------", "B"),
    ("b_cond", "0101010 0 ------------------- 0 ----", "BCOND"),
    ("cbz",   "- 011010 0 ------------------- -----", "CB"),
    ("cbnz",  "- 011010 1 ------------------- -----", "CB"),
    ("tbz",   "- 011011 0 ----- -------------- -----", "TB"),
    ("tbnz",  "- 011011 1 ----- -------------- -----", "TB"),
    # Unconditional branch (register): 1101011 opc op2=11111 op3=000000 Rn op4=00000
    ("br",    "1101011 0000 11111 000000 ----- 00000", "BR"),
    ("blr",   "1101011 0001 11111 000000 ----- 00000", "BR"),
    ("ret",   "1101011 0010 11111 000000 ----- 00000", "BR"),
])
system = _group("system", [
    # Exception generation: 11010100 opc imm16 op2 LL
    ("svc", "11010100 000 ---------------- 000 01", "EXC"),
    ("brk", "11010100 001 ---------------- 000 00", "EXC"),
    # Hints (NOP, YIELD, WFE, BTI, PACIASP, ...): every one a NOP at EL0 without PAC/BTI
    ("hint", SYSREG_HI + " 0 00 011 0010 ---- --- 11111", "imm=%CRm_op2"),
    # Barriers: 1101010100 0 00 011 0011 CRm op2 11111
    ("clrex", SYSREG_HI + " 0 00 011 0011 ---- 010 11111", "imm=%CRm"),
    ("dsb",   SYSREG_HI + " 0 00 011 0011 ---- 100 11111", "imm=%CRm"),
    ("dmb",   SYSREG_HI + " 0 00 011 0011 ---- 101 11111", "imm=%CRm"),
    ("isb",   SYSREG_HI + " 0 00 011 0011 ---- 110 11111", "imm=%CRm"),
    # System instruction (SYS: dc zva, dc civac, ic ivau, ...): L=0 op0=01
    ("sys",   SYSREG_HI + " 0 01 -------------- -----", "SYS"),
    # System register move: L o0=op0<0> op1 CRn CRm op2 Rt (op0<1> = 1)
    ("msr_reg", SYSREG_HI + " 0 1 --------------- -----", "MSR"),
    ("mrs",     SYSREG_HI + " 1 1 --------------- -----", "MRS"),
])

# ---- C4.1.89 Data Processing -- Register --------------------------------------------------------
SHIFTED = "----- ------ " + R          # Rm imm6 Rn Rd
dp_reg = _group("dp_reg", [
    # Logical (shifted register): sf opc 01010 shift N Rm imm6 Rn Rd
    ("and_sr",  "- 00 01010 -- 0 " + SHIFTED, "SHIFTED"),
    ("bic_sr",  "- 00 01010 -- 1 " + SHIFTED, "SHIFTED"),
    ("orr_sr",  "- 01 01010 -- 0 " + SHIFTED, "SHIFTED"),
    ("orn_sr",  "- 01 01010 -- 1 " + SHIFTED, "SHIFTED"),
    ("eor_sr",  "- 10 01010 -- 0 " + SHIFTED, "SHIFTED"),
    ("eon_sr",  "- 10 01010 -- 1 " + SHIFTED, "SHIFTED"),
    ("ands_sr", "- 11 01010 -- 0 " + SHIFTED, "SHIFTED"),
    ("bics_sr", "- 11 01010 -- 1 " + SHIFTED, "SHIFTED"),
    # Add/subtract (shifted register): sf op S 01011 shift 0 Rm imm6 Rn Rd
    ("add_sr",  "- 0 0 01011 -- 0 " + SHIFTED, "SHIFTED"),
    ("adds_sr", "- 0 1 01011 -- 0 " + SHIFTED, "SHIFTED"),
    ("sub_sr",  "- 1 0 01011 -- 0 " + SHIFTED, "SHIFTED"),
    ("subs_sr", "- 1 1 01011 -- 0 " + SHIFTED, "SHIFTED"),
    # Add/subtract (extended register): sf op S 01011 opt=00 1 Rm option imm3 Rn Rd
    ("add_ext",  "- 0 0 01011 00 1 ----- --- --- " + R, "EXTENDED"),
    ("adds_ext", "- 0 1 01011 00 1 ----- --- --- " + R, "EXTENDED_S"),
    ("sub_ext",  "- 1 0 01011 00 1 ----- --- --- " + R, "EXTENDED"),
    ("subs_ext", "- 1 1 01011 00 1 ----- --- --- " + R, "EXTENDED_S"),
    # Add/subtract (with carry): sf op S 11010000 Rm 000000 Rn Rd
    ("adc",  "- 0 0 11010000 ----- 000000 " + R, "RRR"),
    ("adcs", "- 0 1 11010000 ----- 000000 " + R, "RRR"),
    ("sbc",  "- 1 0 11010000 ----- 000000 " + R, "RRR"),
    ("sbcs", "- 1 1 11010000 ----- 000000 " + R, "RRR"),
    # Conditional compare (register / immediate): sf op 1 11010010 Rm|imm5 cond i 0 Rn 0 nzcv
    ("ccmn_reg", "- 0 1 11010010 ----- ---- 0 0 ----- 0 ----", "CCMP_REG"),
    ("ccmn_imm", "- 0 1 11010010 ----- ---- 1 0 ----- 0 ----", "CCMP_IMM"),
    ("ccmp_reg", "- 1 1 11010010 ----- ---- 0 0 ----- 0 ----", "CCMP_REG"),
    ("ccmp_imm", "- 1 1 11010010 ----- ---- 1 0 ----- 0 ----", "CCMP_IMM"),
    # Conditional select: sf op S=0 11010100 Rm cond op2 Rn Rd
    ("csel",  "- 0 0 11010100 ----- ---- 00 " + R, "CSEL"),
    ("csinc", "- 0 0 11010100 ----- ---- 01 " + R, "CSEL"),
    ("csinv", "- 1 0 11010100 ----- ---- 00 " + R, "CSEL"),
    ("csneg", "- 1 0 11010100 ----- ---- 01 " + R, "CSEL"),
    # Data-processing (1 source): sf 1 S=0 11010110 opcode2=00000 opcode Rn Rd
    ("rbit",  "- 1 0 11010110 00000 000000 " + R, "RR"),
    ("rev16", "- 1 0 11010110 00000 000001 " + R, "RR"),
    ("rev32", "1 1 0 11010110 00000 000010 " + R, "RR rm=1"),
    ("rev",   "0 1 0 11010110 00000 000010 " + R, "RR rm=0"),
    ("clz",   "- 1 0 11010110 00000 000100 " + R, "RR"),
    ("cls",   "- 1 0 11010110 00000 000101 " + R, "RR"),
    # Data-processing (2 source): sf 0 S=0 11010110 Rm opcode Rn Rd
    ("udiv", "- 0 0 11010110 ----- 000010 " + R, "RRR"),
    ("sdiv", "- 0 0 11010110 ----- 000011 " + R, "RRR"),
    ("lslv", "- 0 0 11010110 ----- 001000 " + R, "RRR"),
    ("lsrv", "- 0 0 11010110 ----- 001001 " + R, "RRR"),
    ("asrv", "- 0 0 11010110 ----- 001010 " + R, "RRR"),
    ("rorv", "- 0 0 11010110 ----- 001011 " + R, "RRR"),
    # Data-processing (3 source): sf op54=00 11011 op31 Rm o0 Ra Rn Rd
    ("madd",   "- 00 11011 000 ----- 0 ----- " + R, "RRRR"),
    ("msub",   "- 00 11011 000 ----- 1 ----- " + R, "RRRR"),
    ("smaddl", "1 00 11011 001 ----- 0 ----- " + R, "RRRR rm=1"),
    ("smsubl", "1 00 11011 001 ----- 1 ----- " + R, "RRRR rm=1"),
    ("smulh",  "1 00 11011 010 ----- 0 ----- " + R, "RRR -%Ra rm=1"),
    ("umaddl", "1 00 11011 101 ----- 0 ----- " + R, "RRRR rm=1"),
    ("umsubl", "1 00 11011 101 ----- 1 ----- " + R, "RRRR rm=1"),
    ("umulh",  "1 00 11011 110 ----- 0 ----- " + R, "RRR -%Ra rm=1"),
])
dp_reg_rev64 = _expand("dp_reg", "rev", [("1 1 0 11010110 00000 000011 " + R, "RR rm=1")])

# ---- C4.1.88 Loads and Stores (V=0: the general registers) --------------------------------------
ldst = _group("ldst", [
    # Load/store exclusive: size 001000 o2 L o1 Rs o0 Rt2 Rn Rt
    ("stxr",  "-- 001000 0 0 0 ----- 0 ----- " + R, "EXCL"),
    ("stlxr", "-- 001000 0 0 0 ----- 1 ----- " + R, "EXCL"),
    ("ldxr",  "-- 001000 0 1 0 ----- 0 ----- " + R, "LDX"),
    ("ldaxr", "-- 001000 0 1 0 ----- 1 ----- " + R, "LDX"),
    ("stxp",  "1- 001000 0 0 1 ----- 0 ----- " + R, "EXCL_PAIR"),
    ("stlxp", "1- 001000 0 0 1 ----- 1 ----- " + R, "EXCL_PAIR"),
    ("ldxp",  "1- 001000 0 1 1 ----- 0 ----- " + R, "LDXP"),
    ("ldaxp", "1- 001000 0 1 1 ----- 1 ----- " + R, "LDXP"),
    # Load-acquire/store-release (o2=1 o1=0 o0=1)
    ("stlr",  "-- 001000 1 0 0 ----- 1 ----- " + R, "ACQREL"),
    ("ldar",  "-- 001000 1 1 0 ----- 1 ----- " + R, "ACQREL"),
    # Load register (literal): opc 011 V=0 00 imm19 Rt (opc: ldr w, ldr x, ldrsw, prfm)
    ("ldr_lit", "-- 011 0 00 ------------------- -----", "rd=%Rt imm=%imm19 rm=%opc"),
    # Load/store register (unscaled immediate, immediate post-indexed, unprivileged,
    # immediate pre-indexed): size 111 V=0 00 opc 0 imm9 op 0|1 Rn Rt
    ("ldst_unscaled", "-- 111 0 00 -- 0 --------- 00 " + R, "LDST_IMM9"),
    ("ldst_post",     "-- 111 0 00 -- 0 --------- 01 " + R, "LDST_IMM9"),
    ("ldst_unpriv",   "-- 111 0 00 -- 0 --------- 10 " + R, "LDST_IMM9"),
    ("ldst_pre",      "-- 111 0 00 -- 0 --------- 11 " + R, "LDST_IMM9"),
    # Load/store register (register offset): size 111 0 00 opc 1 Rm option S 10 Rn Rt
    ("ldst_reg", "-- 111 0 00 -- 1 ----- --- - 10 " + R, "LDST_REG"),
    # Load/store register (unsigned immediate): size 111 0 01 opc imm12 Rn Rt (size=00 here,
    # the other sizes' scaled offsets are EXPANSIONS)
    ("ldst_ui", "00 111 0 01 -- ------------ " + R,
     "rd=%Rt rs1=%Rn_SP imm=%imm12_1 rm=%opc_size0"),
])
ldst_ui_sizes = _expand("ldst", "ldst_ui", [
    (f"{s:02b} 111 0 01 -- ------------ " + R,
     f"rd=%Rt rs1=%Rn_SP imm=%imm12_{1 << s} rm=%opc_size{s}")
    for s in (1, 2, 3)])

# Load/store register pair: opc 101 V=0 mode L imm7 Rt2 Rn Rt. mode 00 no-allocate, 01
# post-index, 10 signed offset, 11 pre-index; opc 00 W, 01 (L=1) ldpsw, 10 X. rm = the mode
# (0..3); imm = imm7 scaled to bytes.
PAIR = "rd=%Rt rs2=%Rt2 rs1=%Rn_SP rm=%mode"
ldst_pair = _group("ldst", [
    ("stp_w", "00 101 0 0 -- 0 ------- ----- " + R, PAIR + " imm=%imm7_4"),
    ("ldp_w", "00 101 0 0 -- 1 ------- ----- " + R, PAIR + " imm=%imm7_4"),
    ("ldpsw", "01 101 0 0 -- 1 ------- ----- " + R, PAIR + " imm=%imm7_4"),
    ("stp_x", "10 101 0 0 -- 0 ------- ----- " + R, PAIR + " imm=%imm7_8"),
    ("ldp_x", "10 101 0 0 -- 1 ------- ----- " + R, PAIR + " imm=%imm7_8"),
])

# Every op in op-number order (op 0 is ILLEGAL, numbered by the decoder).
INSTRUCTIONS = dp_imm + dp_reg + branch + ldst + ldst_pair + system
EXPANSIONS = dp_imm_sh12 + dp_reg_rev64 + ldst_ui_sizes

# Which module holds the semantics of each group (translators/gen_dispatch.py), in op order.
SEMANTIC_MODULES = {
    "a64_base": ("dp_imm", "dp_reg"),
    "a64_branch": ("branch",),
    "a64_mem": ("ldst",),
    "a64_sys": ("system",),
}

# Instructions after which a basic block ends: control transfer, traps, and isb (code may have
# changed under the translator: the software form of a context synchronization event).
ENDS_BLOCK = {"b", "bl", "b_cond", "cbz", "cbnz", "tbz", "tbnz", "br", "blr", "ret",
              "svc", "brk", "isb"}

CONDS = ("eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
         "al", "nv")


def sysreg(op0, op1, crn, crm, op2):
    """The decoded o0_op1_CRn_CRm_op2 of system register S<op0>_<op1>_C<n>_C<m>_<op2>."""
    return ((op0 - 2) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2


def sys_op(op1, crn, crm, op2):
    """The decoded op1_CRn_CRm_op2 of SYS #op1, C<n>, C<m>, #op2."""
    return (op1 << 11) | (crn << 7) | (crm << 3) | op2


# The system registers EL0 reads or writes here (the manual's names; op0, op1, CRn, CRm, op2).
SYSREGS = {
    "nzcv": sysreg(3, 3, 4, 2, 0), "fpcr": sysreg(3, 3, 4, 4, 0), "fpsr": sysreg(3, 3, 4, 4, 1),
    "tpidr_el0": sysreg(3, 3, 13, 0, 2), "tpidrro_el0": sysreg(3, 3, 13, 0, 3),
    "ctr_el0": sysreg(3, 3, 0, 0, 1), "dczid_el0": sysreg(3, 3, 0, 0, 7),
    "cntfrq_el0": sysreg(3, 3, 14, 0, 0), "cntvct_el0": sysreg(3, 3, 14, 0, 2),
    "midr_el1": sysreg(3, 0, 0, 0, 0),
}
# The SYS operations EL0 may execute (cache maintenance by VA): name -> op1_CRn_CRm_op2
SYS_OPS = {
    "dc zva": sys_op(3, 7, 4, 1), "dc cvac": sys_op(3, 7, 10, 1), "dc cvau": sys_op(3, 7, 11, 1),
    "dc civac": sys_op(3, 7, 14, 1), "dc cvap": sys_op(3, 7, 12, 1),
    "ic ivau": sys_op(3, 7, 5, 1),
}
