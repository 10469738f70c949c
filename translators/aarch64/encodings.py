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
Scalar FP (single and double; half only in fcvt) and the V=1 loads/stores have their own
sections below; half-precision arithmetic (FEAT_FP16), BF16, fjcvtzs, SVE, LSE atomics,
PAC-with-register forms (braa, retaa, ...), MTE, CRC32 and the rest of the system space decode
as illegal.
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
    # scalar floating point (the V registers: Rd, Rn, Rm, Ra, Rt, Rt2 name V0..V31 there)
    "ftype": Field("23:22"), "ftype_d": Field("22"),          # ftype_d: 0 single, 1 double
    "sf_ftype": Field("31=1 22=0"), "imm8_fp": Field("20:13"), "scale": Field("15:10"),
    "cmp_zero": Field("3"),
    # V=1 loads/stores: rm = scale:L (scale = log2 of the access's bytes, 0..4 for B H S D Q)
    "scale_L": Field("31:30=2:1 22=0"), "L": Field("22"), "L_Q": Field("22", add=8),
    **{f"L_scale{s}": Field("22", add=s << 1) for s in range(5)},
    "imm12_16": Field("21:10=15:4"), "opc_lit": Field("30", add=2),
    **{f"mode_scale{s}": Field("24:23", add=s << 2) for s in (2, 3, 4)},
    "imm7_16": Field("21:15=10:4", signed=True),
    # AdvSIMD structure loads/stores: Q, opcode:size (multiple), R:opcode:S:size (single)
    "Q": Field("30"), "opcode_size": Field("15:10"), "R_opcode_S_size": Field("21=6 15:10=5:0"),
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
    # scalar FP: rm = ftype_d (0 S, 1 D) unless said otherwise
    "FP1": "rd=%Rd rs1=%Rn rm=%ftype_d",
    "FP2": "rd=%Rd rs1=%Rn rs2=%Rm rm=%ftype_d",
    "FP3": "rd=%Rd rs1=%Rn rs2=%Rm rs3=%Ra rm=%ftype_d",
    "FCVT_INT": "rd=%Rd rs1=%Rn rm=%sf_ftype",            # rm = sf << 1 | ftype_d
    "FCVT_FIX": "rd=%Rd rs1=%Rn rm=%sf_ftype imm=%scale",
    "VLDST_IMM9": "rd=%Rt rs1=%Rn_SP imm=%imm9 rm=%scale_L",
    "VLDST_REG": "rd=%Rt rs1=%Rn_SP rs2=%Rm imm=%option_S rm=%scale_L",
    "VPAIR": "rd=%Rt rs2=%Rt2 rs1=%Rn_SP",
    "VMULTI": "rd=%Rt rs1=%Rn_SP rm=%Q imm=%opcode_size",
    "VSINGLE": "rd=%Rt rs1=%Rn_SP rm=%Q imm=%R_opcode_S_size",
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

# ---- C4.1.94 Data Processing -- Scalar Floating-Point (single and double; half only in fcvt) --
# M=0 S=0; ftype 0x here (00 single, 01 double: rm), 1x (half needs FEAT_FP16, absent on the
# cortex-a53 we match) decodes as illegal. Rd/Rn/Rm/Ra name V registers.
FP = "0 0 0 11110 0- 1"
fp = _group("fp", [
    # Floating-point data-processing (1 source): M 0 S 11110 ftype 1 opcode 10000 Rn Rd
    ("fmov_reg", FP + " 000000 10000 " + R, "FP1"),
    ("fabs",     FP + " 000001 10000 " + R, "FP1"),
    ("fneg",     FP + " 000010 10000 " + R, "FP1"),
    ("fsqrt",    FP + " 000011 10000 " + R, "FP1"),
    # fcvt between S, D and H (the half forms are base ARMv8): rm = ftype (the source), imm =
    # opc (the target); one row per pair (EXPANSIONS): 10 in either is unallocated (or BF16)
    ("fcvt",     "0 0 0 11110 00 1 0001 01 10000 " + R, "rd=%Rd rs1=%Rn rm=0 imm=1"),
    ("frintn",   FP + " 001000 10000 " + R, "FP1"),
    ("frintp",   FP + " 001001 10000 " + R, "FP1"),
    ("frintm",   FP + " 001010 10000 " + R, "FP1"),
    ("frintz",   FP + " 001011 10000 " + R, "FP1"),
    ("frinta",   FP + " 001100 10000 " + R, "FP1"),
    ("frintx",   FP + " 001110 10000 " + R, "FP1"),
    ("frinti",   FP + " 001111 10000 " + R, "FP1"),
    # Floating-point data-processing (2 source): M 0 S 11110 ftype 1 Rm opcode 10 Rn Rd
    ("fmul",   FP + " ----- 0000 10 " + R, "FP2"),
    ("fdiv",   FP + " ----- 0001 10 " + R, "FP2"),
    ("fadd",   FP + " ----- 0010 10 " + R, "FP2"),
    ("fsub",   FP + " ----- 0011 10 " + R, "FP2"),
    ("fmax",   FP + " ----- 0100 10 " + R, "FP2"),
    ("fmin",   FP + " ----- 0101 10 " + R, "FP2"),
    ("fmaxnm", FP + " ----- 0110 10 " + R, "FP2"),
    ("fminnm", FP + " ----- 0111 10 " + R, "FP2"),
    ("fnmul",  FP + " ----- 1000 10 " + R, "FP2"),
    # Floating-point data-processing (3 source): M 0 S 11111 ftype o1 Rm o0 Ra Rn Rd
    ("fmadd",  "0 0 0 11111 0- 0 ----- 0 ----- " + R, "FP3"),
    ("fmsub",  "0 0 0 11111 0- 0 ----- 1 ----- " + R, "FP3"),
    ("fnmadd", "0 0 0 11111 0- 1 ----- 0 ----- " + R, "FP3"),
    ("fnmsub", "0 0 0 11111 0- 1 ----- 1 ----- " + R, "FP3"),
    # Floating-point compare: M 0 S 11110 ftype 1 Rm op=00 1000 Rn opcode2 (E, #0.0, 000);
    # imm = the #0.0 bit (then Rm, which should be 0, is ignored, as qemu and LLVM do)
    ("fcmp",   FP + " ----- 00 1000 ----- 0 - 000", "rs1=%Rn rs2=%Rm imm=%cmp_zero rm=%ftype_d"),
    ("fcmpe",  FP + " ----- 00 1000 ----- 1 - 000", "rs1=%Rn rs2=%Rm imm=%cmp_zero rm=%ftype_d"),
    # Floating-point conditional compare: ... Rm cond 01 Rn op nzcv
    ("fccmp",  FP + " ----- ---- 01 ----- 0 ----", "rs1=%Rn rs2=%Rm imm=%cond_nzcv rm=%ftype_d"),
    ("fccmpe", FP + " ----- ---- 01 ----- 1 ----", "rs1=%Rn rs2=%Rm imm=%cond_nzcv rm=%ftype_d"),
    # Floating-point conditional select: ... Rm cond 11 Rn Rd
    ("fcsel",  FP + " ----- ---- 11 " + R, "FP2 imm=%cond"),
    # Floating-point immediate: ... imm8 100 imm5=00000 Rd
    ("fmov_imm", FP + " -------- 100 00000 -----", "rd=%Rd imm=%imm8_fp rm=%ftype_d"),
    # Conversion between floating-point and fixed-point: sf 0 S 11110 ftype 0 rmode opcode
    # scale Rn Rd (rm = sf:ftype; fbits = 64 - scale)
    ("scvtf_fix",  "- 0 0 11110 0- 0 00 010 ------ " + R, "FCVT_FIX"),
    ("ucvtf_fix",  "- 0 0 11110 0- 0 00 011 ------ " + R, "FCVT_FIX"),
    ("fcvtzs_fix", "- 0 0 11110 0- 0 11 000 ------ " + R, "FCVT_FIX"),
    ("fcvtzu_fix", "- 0 0 11110 0- 0 11 001 ------ " + R, "FCVT_FIX"),
    # Conversion between floating-point and integer: sf 0 S 11110 ftype 1 rmode opcode 000000
    ("fcvtns", "- 0 0 11110 0- 1 00 000 000000 " + R, "FCVT_INT"),
    ("fcvtnu", "- 0 0 11110 0- 1 00 001 000000 " + R, "FCVT_INT"),
    ("scvtf",  "- 0 0 11110 0- 1 00 010 000000 " + R, "FCVT_INT"),
    ("ucvtf",  "- 0 0 11110 0- 1 00 011 000000 " + R, "FCVT_INT"),
    ("fcvtas", "- 0 0 11110 0- 1 00 100 000000 " + R, "FCVT_INT"),
    ("fcvtau", "- 0 0 11110 0- 1 00 101 000000 " + R, "FCVT_INT"),
    ("fcvtps", "- 0 0 11110 0- 1 01 000 000000 " + R, "FCVT_INT"),
    ("fcvtpu", "- 0 0 11110 0- 1 01 001 000000 " + R, "FCVT_INT"),
    ("fcvtms", "- 0 0 11110 0- 1 10 000 000000 " + R, "FCVT_INT"),
    ("fcvtmu", "- 0 0 11110 0- 1 10 001 000000 " + R, "FCVT_INT"),
    ("fcvtzs", "- 0 0 11110 0- 1 11 000 000000 " + R, "FCVT_INT"),
    ("fcvtzu", "- 0 0 11110 0- 1 11 001 000000 " + R, "FCVT_INT"),
    # FMOV (general): Wd <- Sn (rm 0) or Xd <- Dn (rm 1, the expansion), and back;
    # the top half: Xd <- Vn.D[1], Vd.D[1] <- Xn (sf=1 ftype=10 rmode=01)
    ("fmov_to_gen",      "0 0 0 11110 00 1 00 110 000000 " + R, "rd=%Rd rs1=%Rn rm=0"),
    ("fmov_from_gen",    "0 0 0 11110 00 1 00 111 000000 " + R, "rd=%Rd rs1=%Rn rm=0"),
    ("fmov_to_gen_d1",   "1 0 0 11110 10 1 01 110 000000 " + R, "rd=%Rd rs1=%Rn"),
    ("fmov_from_gen_d1", "1 0 0 11110 10 1 01 111 000000 " + R, "rd=%Rd rs1=%Rn"),
])
fp_fcvt = _expand("fp", "fcvt", [
    (f"0 0 0 11110 {src:02b} 1 0001 {dst:02b} 10000 " + R, f"rd=%Rd rs1=%Rn rm={src} imm={dst}")
    for src, dst in ((0, 3), (1, 0), (1, 3), (3, 0), (3, 1))])
fp_fmov_x = (_expand("fp", "fmov_to_gen", [("1 0 0 11110 01 1 00 110 000000 " + R,
                                             "rd=%Rd rs1=%Rn rm=1")])
             + _expand("fp", "fmov_from_gen", [("1 0 0 11110 01 1 00 111 000000 " + R,
                                                 "rd=%Rd rs1=%Rn rm=1")]))

# ---- C4.1.88 Loads and Stores with V=1 (the SIMD&FP registers) ----------------------------------
# rm = scale << 1 | L: scale 0..4 for B H S D Q (size, or opc<1> for Q), L 1 for a load. The
# first row of each class takes the B/H/S/D sizes (opc = 0L); Q (size 00, opc 1L) is an
# EXPANSION; size 01..11 with opc 1x is unallocated (no row).
vldst = _group("vldst", [
    # Load register (literal): opc 011 V=1 00 imm19 Rt; opc 00 S, 01 D, 10 Q (rm = scale)
    ("vldr_lit", "0- 011 1 00 ------------------- -----", "rd=%Rt imm=%imm19 rm=%opc_lit"),
    # unscaled immediate, immediate post-/pre-indexed (no unprivileged form with V=1)
    ("vldst_unscaled", "-- 111 1 00 0- 0 --------- 00 " + R, "VLDST_IMM9"),
    ("vldst_post",     "-- 111 1 00 0- 0 --------- 01 " + R, "VLDST_IMM9"),
    ("vldst_pre",      "-- 111 1 00 0- 0 --------- 11 " + R, "VLDST_IMM9"),
    # register offset: size 111 1 00 opc 1 Rm option S 10 Rn Rt
    ("vldst_reg", "-- 111 1 00 0- 1 ----- --- - 10 " + R, "VLDST_REG"),
    # unsigned immediate: size 111 1 01 opc imm12 Rn Rt (B here, the other scales EXPANSIONS)
    ("vldst_ui", "00 111 1 01 0- ------------ " + R, "rd=%Rt rs1=%Rn_SP imm=%imm12_1 rm=%L_scale0"),
    # pairs: opc 101 V=1 mode L imm7 Rt2 Rn Rt; opc 00 S, 01 D, 10 Q; rm = scale << 2 | mode
    ("vstp", "00 101 1 0 -- 0 ------- ----- " + R, "VPAIR imm=%imm7_4 rm=%mode_scale2"),
    ("vldp", "00 101 1 0 -- 1 ------- ----- " + R, "VPAIR imm=%imm7_4 rm=%mode_scale2"),
])
vldst_q = _expand("vldst", "vldr_lit", [("10 011 1 00 ------------------- -----",
                                         "rd=%Rt imm=%imm19 rm=4")])
for _name, _op in (("vldst_unscaled", "00"), ("vldst_post", "01"), ("vldst_pre", "11")):
    vldst_q += _expand("vldst", _name, [(f"00 111 1 00 1- 0 --------- {_op} " + R,
                                         "VLDST_IMM9 rm=%L_Q")])
vldst_q += _expand("vldst", "vldst_reg", [("00 111 1 00 1- 1 ----- --- - 10 " + R,
                                           "VLDST_REG rm=%L_Q")])
vldst_q += _expand("vldst", "vldst_ui", [
    (f"{s:02b} 111 1 01 0- ------------ " + R,
     f"rd=%Rt rs1=%Rn_SP imm=%imm12_{1 << s} rm=%L_scale{s}") for s in (1, 2, 3)] + [
    ("00 111 1 01 1- ------------ " + R, "rd=%Rt rs1=%Rn_SP imm=%imm12_16 rm=%L_Q")])
for _name, _L in (("vstp", "0"), ("vldp", "1")):
    vldst_q += _expand("vldst", _name, [
        (f"01 101 1 0 -- {_L} ------- ----- " + R, "VPAIR imm=%imm7_8 rm=%mode_scale3"),
        (f"10 101 1 0 -- {_L} ------- ----- " + R, "VPAIR imm=%imm7_16 rm=%mode_scale4")])

# AdvSIMD load/store multiple structures (LD1-LD4/ST1-ST4; the manual's shared decode):
# 0 Q 0011000 L 000000 opcode size Rn Rt, post-indexed 0 Q 0011001 L 0 Rm opcode size Rn Rt
# (Rm = 31: by the bytes transferred). Single structure (one lane, or LDnR replicating):
# 0 Q 0011010 L R 00000 opcode S size Rn Rt, post-indexed 0 Q 0011011 L R Rm opcode S size Rn Rt.
# Unallocated opcode/size combinations are rejected by the semantics.
vstruct = _group("vldst", [
    ("st_multi",       "0 - 0011000 0 000000 ---- -- " + R, "VMULTI"),
    ("ld_multi",       "0 - 0011000 1 000000 ---- -- " + R, "VMULTI"),
    ("st_multi_post",  "0 - 0011001 0 0 ----- ---- -- " + R, "VMULTI rs2=%Rm"),
    ("ld_multi_post",  "0 - 0011001 1 0 ----- ---- -- " + R, "VMULTI rs2=%Rm"),
    ("st_single",      "0 - 0011010 0 - 00000 --- - -- " + R, "VSINGLE"),
    ("ld_single",      "0 - 0011010 1 - 00000 --- - -- " + R, "VSINGLE"),
    ("st_single_post", "0 - 0011011 0 - ----- --- - -- " + R, "VSINGLE rs2=%Rm"),
    ("ld_single_post", "0 - 0011011 1 - ----- --- - -- " + R, "VSINGLE rs2=%Rm"),
])

# ---- C4.1.95 Data Processing -- Scalar Floating-Point and Advanced SIMD: the AdvSIMD classes ----
# (semantics: a64_simd.py). The operands: rd = Vd (or Xd/Wd of umov/smov), rs1 = Vn (Xn/Wn of
# dup/ins general), rs2 = Vm; rm = Q (0: the 64-bit arrangements 8b 4h 2s 1d, 1: 16b 8h 4s 2d),
# or 2 for an encoding's scalar form (the manual's "Advanced SIMD scalar ..." classes: one
# element, EXPANSIONS of the vector row); imm = size (integer classes), sz (FP classes: 0
# single, 1 double), immh:immb (shift by immediate), imm5/imm5:imm4 (copy), op:cmode:abcdefgh
# (modified immediate), imm4 (extract), len (table lookup). Unallocated (Q, size) arrangements
# (size 11 in most classes, 2d/1d where the class has none, sz=1 with Q=0) decode here and are
# rejected by the semantics (Exit.ILLEGAL), as the base classes do with sf.
FIELDS.update({
    "vsize": Field("23:22"), "vsz": Field("22"), "imm4": Field("14:11"),
    "len": Field("14:13"), "imm5_imm4": Field("20:16=4:0 14:11=8:5"),
    # immh:immb of a shift by immediate: one field per immh prefix (immh = 0000 is the modified
    # immediate class), the prefix's fixed bits added back
    "immhb_1": Field("21:16", add=64), "immhb_01": Field("20:16", add=32),
    "immhb_001": Field("19:16", add=16), "immhb_0001": Field("18:16", add=8),
})
FORMATS.update({
    "V3": "rd=%Rd rs1=%Rn rs2=%Rm rm=%Q imm=%vsize",        # three same/different, permute
    "V3L": "rd=%Rd rs1=%Rn rs2=%Rm rm=%Q",                  # logical three same: size fixed
    "V2": "rd=%Rd rs1=%Rn rm=%Q imm=%vsize",                # two-register misc, across lanes
    "VF3": "rd=%Rd rs1=%Rn rs2=%Rm rm=%Q imm=%vsz",         # FP three same
    "VF2": "rd=%Rd rs1=%Rn rm=%Q imm=%vsz",                 # FP two-register misc
})


def _modimm_field(op, cmode):
    """op:cmode:abcdefgh as one value when the row fixes op and some cmode bits (cmode<i> is
    instruction bit 12 + i): the free cmode bits are chunks, the fixed ones added back."""
    chunks, add = ["18:16=7:5", "9:5=4:0"], op << 12
    for i, c in enumerate(reversed(cmode)):
        if c == "-":
            chunks.append(f"{12 + i}={8 + i}")
        else:
            add |= int(c) << (8 + i)
    name = f"modimm_{op}_{cmode}"
    FIELDS[name] = Field(" ".join(chunks), add=add)
    return name


SIMD_OPS = []        # (name, pattern, args) rows and the EXPANSIONS giving them other encodings
SIMD_EXP = []


def _simd(name, pattern, args, scalar=None):
    """A vector row; `scalar`, the pattern of its scalar encoding (rm = 2), an expansion."""
    SIMD_OPS.append((name, pattern, args))
    if scalar:
        SIMD_EXP.append((name, scalar, FORMATS.get(args, args).replace("rm=%Q", "rm=2")))


# Advanced SIMD three same: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd
# (scalar: 01 U 11110 size 1 Rm opcode 1 Rn Rd; size must be 11 there)
for _n, _u, _op, _sc in (
        ("add_v", 0, "10000", 1), ("sub_v", 1, "10000", 1), ("mul_v", 0, "10011", 0),
        ("mla_v", 0, "10010", 0), ("mls_v", 1, "10010", 0),
        ("cmtst", 0, "10001", 1), ("cmeq_reg", 1, "10001", 1), ("cmgt_reg", 0, "00110", 1),
        ("cmge_reg", 0, "00111", 1), ("cmhi_reg", 1, "00110", 1), ("cmhs_reg", 1, "00111", 1),
        ("sshl_v", 0, "01000", 1), ("ushl_v", 1, "01000", 1),
        ("smax_v", 0, "01100", 0), ("smin_v", 0, "01101", 0), ("umax_v", 1, "01100", 0),
        ("umin_v", 1, "01101", 0), ("smaxp", 0, "10100", 0), ("sminp", 0, "10101", 0),
        ("umaxp", 1, "10100", 0), ("uminp", 1, "10101", 0), ("addp_v", 0, "10111", 0),
        ("shadd", 0, "00000", 0), ("uhadd", 1, "00000", 0), ("srhadd", 0, "00010", 0),
        ("urhadd", 1, "00010", 0), ("shsub", 0, "00100", 0), ("uhsub", 1, "00100", 0),
        ("sqadd", 0, "00001", 0), ("uqadd", 1, "00001", 0), ("sqsub", 0, "00101", 0),
        ("uqsub", 1, "00101", 0)):
    _simd(_n, f"0 - {_u} 01110 -- 1 ----- {_op} 1 " + R, "V3",
          f"01 {_u} 11110 -- 1 ----- {_op} 1 " + R if _sc else None)
# logical: opcode 00011, the operation in U:size
for _n, _u, _size in (("and_v", 0, "00"), ("bic_v", 0, "01"), ("orr_v", 0, "10"),
                      ("orn_v", 0, "11"), ("eor_v", 1, "00"), ("bsl", 1, "01"),
                      ("bit", 1, "10"), ("bif", 1, "11")):
    _simd(_n, f"0 - {_u} 01110 {_size} 1 ----- 00011 1 " + R, "V3L")
# FP three same: 0 Q U 01110 a sz 1 Rm opcode 1 Rn Rd (scalar: 01 U 11110 a sz ...)
for _n, _u, _a, _op, _sc in (
        ("fadd_v", 0, 0, "11010", 0), ("fsub_v", 0, 1, "11010", 0), ("fmul_v", 1, 0, "11011", 0),
        ("fdiv_v", 1, 0, "11111", 0), ("fmla_v", 0, 0, "11001", 0), ("fmls_v", 0, 1, "11001", 0),
        ("fmax_v", 0, 0, "11110", 0), ("fmin_v", 0, 1, "11110", 0),
        ("fmaxnm_v", 0, 0, "11000", 0), ("fminnm_v", 0, 1, "11000", 0),
        ("fabd", 1, 1, "11010", 1), ("faddp_v", 1, 0, "11010", 0),
        ("fcmeq_reg", 0, 0, "11100", 1), ("fcmge_reg", 1, 0, "11100", 1),
        ("fcmgt_reg", 1, 1, "11100", 1)):
    _simd(_n, f"0 - {_u} 01110 {_a}- 1 ----- {_op} 1 " + R, "VF3",
          f"01 {_u} 11110 {_a}- 1 ----- {_op} 1 " + R if _sc else None)

# Advanced SIMD two-register miscellaneous: 0 Q U 01110 size 10000 opcode 10 Rn Rd
# (scalar: 01 U 11110 size 10000 opcode 10 Rn Rd)
for _n, _u, _size, _op, _sc in (
        ("rev64_v", 0, "--", "00000", 0), ("rev16_v", 0, "--", "00001", 0),
        ("rev32_v", 1, "--", "00000", 0), ("saddlp", 0, "--", "00010", 0),
        ("uaddlp", 1, "--", "00010", 0), ("sadalp", 0, "--", "00110", 0),
        ("uadalp", 1, "--", "00110", 0), ("cls_v", 0, "--", "00100", 0),
        ("clz_v", 1, "--", "00100", 0), ("cnt", 0, "00", "00101", 0),
        ("not_v", 1, "00", "00101", 0), ("rbit_v", 1, "01", "00101", 0),
        ("cmgt_zero", 0, "--", "01000", 1), ("cmge_zero", 1, "--", "01000", 1),
        ("cmeq_zero", 0, "--", "01001", 1), ("cmle_zero", 1, "--", "01001", 1),
        ("cmlt_zero", 0, "--", "01010", 1), ("abs_v", 0, "--", "01011", 1),
        ("neg_v", 1, "--", "01011", 1), ("xtn", 0, "--", "10010", 0)):
    _simd(_n, f"0 - {_u} 01110 {_size} 10000 {_op} 10 " + R,
          "V2" if _size == "--" else "rd=%Rd rs1=%Rn rm=%Q",
          f"01 {_u} 11110 {_size} 10000 {_op} 10 " + R if _sc else None)
# FP two-register misc: 0 Q U 01110 a sz 10000 opcode 10 Rn Rd
for _n, _u, _a, _op, _sc in (
        ("fabs_v", 0, 1, "01111", 0), ("fneg_v", 1, 1, "01111", 0),
        ("fsqrt_v", 1, 1, "11111", 0),
        ("fcvtzs_v", 0, 1, "11011", 1), ("fcvtzu_v", 1, 1, "11011", 1),
        ("scvtf_v", 0, 0, "11101", 1), ("ucvtf_v", 1, 0, "11101", 1),
        ("fcmgt_zero", 0, 1, "01100", 1), ("fcmeq_zero", 0, 1, "01101", 1),
        ("fcmlt_zero", 0, 1, "01110", 1), ("fcmge_zero", 1, 1, "01100", 1),
        ("fcmle_zero", 1, 1, "01101", 1),
        ("frintn_v", 0, 0, "11000", 0), ("frintm_v", 0, 0, "11001", 0),
        ("frintp_v", 0, 1, "11000", 0), ("frintz_v", 0, 1, "11001", 0),
        ("frinta_v", 1, 0, "11000", 0), ("frintx_v", 1, 0, "11001", 0),
        ("frinti_v", 1, 1, "11001", 0)):
    _simd(_n, f"0 - {_u} 01110 {_a}- 10000 {_op} 10 " + R, "VF2",
          f"01 {_u} 11110 {_a}- 10000 {_op} 10 " + R if _sc else None)
# fcvtl/fcvtn: single <-> double only (sz=1); the half-precision forms (sz=0) stay illegal
_simd("fcvtl", "0 - 0 01110 0 1 10000 10111 10 " + R, "rd=%Rd rs1=%Rn rm=%Q")
_simd("fcvtn", "0 - 0 01110 0 1 10000 10110 10 " + R, "rd=%Rd rs1=%Rn rm=%Q")

# Advanced SIMD across lanes: 0 Q U 01110 size 11000 opcode 10 Rn Rd
for _n, _u, _op in (("saddlv", 0, "00011"), ("uaddlv", 1, "00011"), ("smaxv", 0, "01010"),
                    ("umaxv", 1, "01010"), ("sminv", 0, "11010"), ("uminv", 1, "11010"),
                    ("addv", 0, "11011")):
    _simd(_n, f"0 - {_u} 01110 -- 11000 {_op} 10 " + R, "V2")
# Advanced SIMD scalar pairwise: 01 U 11110 size 11000 opcode 10 Rn Rd (addp d, v.2d)
_simd("addp_s", "01 0 11110 -- 11000 11011 10 " + R, "rd=%Rd rs1=%Rn imm=%vsize")

# Advanced SIMD permute: 0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd
for _n, _op in (("uzp1", "001"), ("trn1", "010"), ("zip1", "011"), ("uzp2", "101"),
                ("trn2", "110"), ("zip2", "111")):
    _simd(_n, f"0 - 001110 -- 0 ----- 0 {_op} 10 " + R, "V3")
# Advanced SIMD extract: 0 Q 101110 op2=00 0 Rm 0 imm4 0 Rn Rd
_simd("ext_v", "0 - 101110 00 0 ----- 0 ---- 0 " + R, "rd=%Rd rs1=%Rn rs2=%Rm rm=%Q imm=%imm4")
# Advanced SIMD table lookup: 0 Q 001110 op2=00 0 Rm 0 len op 00 Rn Rd
_simd("tbl", "0 - 001110 00 0 ----- 0 -- 0 00 " + R, "rd=%Rd rs1=%Rn rs2=%Rm rm=%Q imm=%len")
_simd("tbx", "0 - 001110 00 0 ----- 0 -- 1 00 " + R, "rd=%Rd rs1=%Rn rs2=%Rm rm=%Q imm=%len")

# Advanced SIMD copy: 0 Q op 01110000 imm5 0 imm4 1 Rn Rd (scalar: 01 op 11110000 ...: the
# scalar DUP (element), "mov b0, v1.b[3]")
_simd("dup_elem", "0 - 0 01110000 ----- 0 0000 1 " + R, "rd=%Rd rs1=%Rn rm=%Q imm=%imm5",
      "01 0 11110000 ----- 0 0000 1 " + R)
_simd("dup_gen", "0 - 0 01110000 ----- 0 0001 1 " + R, "rd=%Rd rs1=%Rn rm=%Q imm=%imm5")
_simd("ins_gen", "0 1 0 01110000 ----- 0 0011 1 " + R, "rd=%Rd rs1=%Rn imm=%imm5")
_simd("smov", "0 - 0 01110000 ----- 0 0101 1 " + R, "rd=%Rd rs1=%Rn rm=%Q imm=%imm5")
_simd("umov", "0 - 0 01110000 ----- 0 0111 1 " + R, "rd=%Rd rs1=%Rn rm=%Q imm=%imm5")
_simd("ins_elem", "0 1 1 01110000 ----- 0 ---- 1 " + R, "rd=%Rd rs1=%Rn imm=%imm5_imm4")

# Advanced SIMD modified immediate: 0 Q op 0111100000 a b c cmode o2=0 1 d e f g h Rd. The
# instruction is op with cmode's pattern (AdvSIMDExpandImm); o2=1 (FP16 fmov) stays illegal.
for _n, _op, _cmodes in (("movi", 0, ("0--0", "10-0", "110-", "1110")),
                         ("orr_vimm", 0, ("0--1", "10-1")), ("fmov_vimm", 0, ("1111",)),
                         ("mvni", 1, ("0--0", "10-0", "110-")), ("bic_vimm", 1, ("0--1", "10-1")),
                         ("movi#1", 1, ("1110",)), ("fmov_vimm#1", 1, ("1111",))):
    for _cm in _cmodes:
        _row = (f"0 - {_op} 0111100000 --- {_cm} 0 1 ----- -----",
                f"rd=%Rd rm=%Q imm=%{_modimm_field(_op, _cm)}")
        if _n.endswith("#1") or _cm != _cmodes[0]:
            SIMD_EXP.append((_n.split("#")[0], *_row))
        else:
            SIMD_OPS.append((_n, *_row))

# Advanced SIMD shift by immediate: 0 Q U 011110 immh immb opcode 1 Rn Rd, immh != 0000 (the
# element size is immh's highest set bit; one row per immh prefix). Scalar: 01 U 111110 ...,
# 64-bit elements only (immh = 1xxx).
IMMH = (("1---", "immhb_1"), ("01--", "immhb_01"), ("001-", "immhb_001"),
        ("0001", "immhb_0001"))
for _n, _u, _op, _sc in (
        ("sshr", 0, "00000", 1), ("ssra", 0, "00010", 1), ("srshr", 0, "00100", 1),
        ("srsra", 0, "00110", 1), ("ushr", 1, "00000", 1), ("usra", 1, "00010", 1),
        ("urshr", 1, "00100", 1), ("ursra", 1, "00110", 1), ("shl", 0, "01010", 1),
        ("sli", 1, "01010", 1), ("sri", 1, "01000", 1), ("shrn", 0, "10000", 0),
        ("rshrn", 0, "10001", 0), ("sshll", 0, "10100", 0), ("ushll", 1, "10100", 0)):
    # the narrowing and lengthening shifts have no 64-bit narrow elements: no immh = 1xxx row
    for _i, (_immh, _f) in enumerate(IMMH if _sc else IMMH[1:]):
        _row = (f"0 - {_u} 011110 {_immh} --- {_op} 1 " + R, f"rd=%Rd rs1=%Rn rm=%Q imm=%{_f}")
        (SIMD_EXP.append((_n, *_row)) if _i else SIMD_OPS.append((_n, *_row)))
    if _sc:
        SIMD_EXP.append((_n, f"01 {_u} 111110 1--- --- {_op} 1 " + R,
                         "rd=%Rd rs1=%Rn rm=2 imm=%immhb_1"))

# Advanced SIMD three different: 0 Q U 01110 size 1 Rm opcode 00 Rn Rd
for _n, _u, _op in (
        ("saddl", 0, "0000"), ("uaddl", 1, "0000"), ("saddw", 0, "0001"), ("uaddw", 1, "0001"),
        ("ssubl", 0, "0010"), ("usubl", 1, "0010"), ("ssubw", 0, "0011"), ("usubw", 1, "0011"),
        ("addhn", 0, "0100"), ("raddhn", 1, "0100"), ("sabal", 0, "0101"), ("uabal", 1, "0101"),
        ("subhn", 0, "0110"), ("rsubhn", 1, "0110"), ("sabdl", 0, "0111"), ("uabdl", 1, "0111"),
        ("smlal", 0, "1000"), ("umlal", 1, "1000"), ("smlsl", 0, "1010"), ("umlsl", 1, "1010"),
        ("smull", 0, "1100"), ("umull", 1, "1100")):
    _simd(_n, f"0 - {_u} 01110 -- 1 ----- {_op} 00 " + R, "V3")

simd = _group("simd", SIMD_OPS)
simd_exp = [Enc(f"{name}#{i}", pattern, args, expands=name, ext="simd")
            for i, (name, pattern, args) in enumerate(SIMD_EXP)]

# Every op in op-number order (op 0 is ILLEGAL, numbered by the decoder).
INSTRUCTIONS = dp_imm + dp_reg + branch + ldst + ldst_pair + system + fp + vldst + vstruct + simd
EXPANSIONS = dp_imm_sh12 + dp_reg_rev64 + ldst_ui_sizes + fp_fcvt + fp_fmov_x + vldst_q + simd_exp

# Which module holds the semantics of each group (translators/gen_dispatch.py).
SEMANTIC_MODULES = {
    "a64_base": ("dp_imm", "dp_reg"),
    "a64_branch": ("branch",),
    "a64_mem": ("ldst",),
    "a64_sys": ("system",),
    "a64_fp": ("fp",),
    "a64_vmem": ("vldst",),
    "a64_simd": ("simd",),
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
