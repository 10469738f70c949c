"""Disassembly for traces and error messages in Arm syntax, canonical forms (no aliases: `orr x0,
xzr, x1` rather than `mov x0, x1`, `subs xzr, x0, #1` rather than `cmp`, `ubfm` rather than
`lsr`), immediates in hex as llvm-objdump -M no-aliases prints them. Works from the decoded
operands; register 31 prints as sp/wsp where the table's field is an *_SP one, else xzr/wzr.
Branch targets print as absolute addresses ("b 0x1020") given the pc, else as the offset
llvm-mc reads back ("b #32"; tests/translators/aarch64 reassembles every row's output).
"""
from translators.aarch64.decoder import NAMES, OP_ILLEGAL, OPERANDS, ROW_OF_OP, decode
from translators.aarch64.encodings import CONDS, SYS_OPS, SYSREGS

MASK64 = (1 << 64) - 1
SHIFTS = ("lsl", "lsr", "asr", "ror")
EXTENDS = ("uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx")
SYSREG_NAMES = {v: k for k, v in SYSREGS.items()}
SYS_NAMES = {v: k for k, v in SYS_OPS.items()}
BARRIER = {15: "sy", 14: "st", 13: "ld", 11: "ish", 10: "ishst", 9: "ishld", 7: "nsh",
           6: "nshst", 5: "nshld", 3: "osh", 2: "oshst", 1: "oshld"}
SIZE_SUFFIX = ("b", "h", "", "")
# size:opc -> mnemonic stem (ldst classes; "" = unallocated)
LDST = {0b0000: "strb", 0b0001: "ldrb", 0b0010: "ldrsb", 0b0011: "ldrsb",
        0b0100: "strh", 0b0101: "ldrh", 0b0110: "ldrsh", 0b0111: "ldrsh",
        0b1000: "str", 0b1001: "ldr", 0b1010: "ldrsw",
        0b1100: "str", 0b1101: "ldr", 0b1110: "prfm"}


def reg(n, sf=1, sp=False):
    if n == 31:
        return ("sp" if sf else "wsp") if sp else ("xzr" if sf else "wzr")
    return f"{'x' if sf else 'w'}{n}"


def h(v):
    return f"#{v:#x}" if v >= 0 else f"#-{-v:#x}"


def bitmask(imm, sf):
    from translators.aarch64.a64_base import decode_bit_masks
    ok, wmask, _ = decode_bit_masks(imm, True, sf)
    return int(wmask) & (MASK64 if sf else 0xFFFFFFFF) if ok else None


def ldst_regs(size_opc):
    """(mnemonic, Rt is X) of a load/store register size:opc."""
    name = LDST.get(size_opc, "")
    size, opc = size_opc >> 2, size_opc & 3
    is_x = size == 3 or (opc == 2 and size < 3)           # ldrsb/ldrsh x, ldrsw
    return name, is_x


def disasm(inst, pc=None):
    """One instruction: mnemonic, a tab, operands."""
    fields = [int(v) for v in decode(inst)]
    op = fields[0]
    if op == OP_ILLEGAL:
        return f".inst 0x{inst & 0xFFFFFFFF:08x}  // illegal"
    name = NAMES[op]
    v = dict(zip(OPERANDS, fields[2:]))
    row = ROW_OF_OP[op]
    sp_fields = {k for k, (kind, src) in row.operands.items()
                 if kind == "field" and src.endswith("_SP")}
    rd, rs1, rs2, rs3, rm, imm = (v[k] for k in OPERANDS)
    text = _disasm(name, rd, rs1, rs2, rs3, rm, imm, pc, "rd" in sp_fields, "rs1" in sp_fields,
                   inst)
    mnemonic, _, args = text.partition(" ")
    return f"{mnemonic}\t{args}" if args else mnemonic


def _disasm(name, rd, rs1, rs2, rs3, rm, imm, pc, rd_sp, rn_sp, inst):
    sf = rm
    X = lambda n: reg(n, 1)                                            # noqa: E731
    target = f"{(pc + imm) & MASK64:#x}" if pc is not None else f"#{imm}"
    base = name.split("_")[0]
    if name in ("adr", "adrp"):
        if pc is not None and name == "adrp":
            target = f"{((pc & ~0xFFF) + imm) & MASK64:#x}"
        return f"{name} {X(rd)}, {target}"
    if name.endswith("_imm") and base in ("add", "adds", "sub", "subs"):
        sh = ", lsl #12" if imm >= 4096 else ""
        return (f"{base} {reg(rd, sf, rd_sp)}, {reg(rs1, sf, True)}, "
                f"{h(imm >> 12 if imm >= 4096 else imm)}{sh}")
    if name.endswith("_imm") and base in ("and", "orr", "eor", "ands"):
        mask = bitmask(imm, sf)
        return f"{base} {reg(rd, sf, rd_sp)}, {reg(rs1, sf)}, " + (
            f"#{mask:#x}" if mask is not None else "<reserved>")
    if name in ("movn", "movz", "movk"):
        hw = imm >> 16
        return f"{name} {reg(rd, sf)}, {h(imm & 0xFFFF)}" + (f", lsl #{16 * hw}" if hw else "")
    if name in ("sbfm", "bfm", "ubfm"):
        return f"{name} {reg(rd, sf)}, {reg(rs1, sf)}, #{(imm >> 6) & 63}, #{imm & 63}"
    if name == "extr":
        return f"extr {reg(rd, sf)}, {reg(rs1, sf)}, {reg(rs2, sf)}, #{imm & 63}"
    if name.endswith("_sr"):
        amount = imm & 63
        sh = f", {SHIFTS[imm >> 6]} #{amount}" if amount or imm >> 6 else ""
        return f"{base} {reg(rd, sf)}, {reg(rs1, sf)}, {reg(rs2, sf)}{sh}"
    if name.endswith("_ext"):
        option, amount = imm >> 3, imm & 7
        wide = option & 3 == 3 and sf
        ext = EXTENDS[option]
        if rd_sp_or_rn_sp(name, rd, rs1) and option == (3 if sf else 2):
            ext = "lsl"
            ext_text = f", lsl #{amount}" if amount else ""
        else:
            ext_text = f", {ext}" + (f" #{amount}" if amount else "")
        return (f"{base} {reg(rd, sf, rd_sp)}, {reg(rs1, sf, True)}, "
                f"{reg(rs2, 1 if wide else 0)}{ext_text}")
    if name in ("adc", "adcs", "sbc", "sbcs", "udiv", "sdiv", "lslv", "lsrv", "asrv", "rorv"):
        return f"{name} {reg(rd, sf)}, {reg(rs1, sf)}, {reg(rs2, sf)}"
    if name.startswith(("ccmn", "ccmp")):
        y = reg(rs2, sf) if name.endswith("_reg") else h(rs2)
        return f"{base} {reg(rs1, sf)}, {y}, {h(imm & 15)}, {CONDS[imm >> 4]}"
    if name in ("csel", "csinc", "csinv", "csneg"):
        return f"{name} {reg(rd, sf)}, {reg(rs1, sf)}, {reg(rs2, sf)}, {CONDS[imm]}"
    if name in ("rbit", "rev16", "rev32", "rev", "clz", "cls"):
        return f"{name} {reg(rd, sf)}, {reg(rs1, sf)}"
    if name in ("madd", "msub"):
        return f"{name} {reg(rd, sf)}, {reg(rs1, sf)}, {reg(rs2, sf)}, {reg(rs3, sf)}"
    if name in ("smaddl", "smsubl", "umaddl", "umsubl"):
        return f"{name} {X(rd)}, {reg(rs1, 0)}, {reg(rs2, 0)}, {X(rs3)}"
    if name in ("smulh", "umulh"):
        return f"{name} {X(rd)}, {X(rs1)}, {X(rs2)}"
    if name in ("b", "bl"):
        return f"{name} {target}"
    if name == "b_cond":
        return f"b.{CONDS[rm]} {target}"
    if name in ("cbz", "cbnz"):
        return f"{name} {reg(rd, sf)}, {target}"
    if name in ("tbz", "tbnz"):
        return f"{name} {reg(rd, 1 if rm >= 32 else 0)}, #{rm:#x}, {target}"
    if name in ("br", "blr"):
        return f"{name} {X(rs1)}"
    if name == "ret":
        return "ret" if rs1 == 30 else f"ret {X(rs1)}"
    if name in ("svc", "brk"):
        return f"{name} {h(imm)}"
    if name == "hint":
        return {0: "nop", 1: "yield", 2: "wfe", 3: "wfi", 4: "sev", 5: "sevl"}.get(
            imm, f"hint #{imm:#x}")
    if name in ("dsb", "dmb"):
        return f"{name} {BARRIER.get(imm, f'#{imm:#x}')}"
    if name == "isb":
        return "isb" if imm == 15 else f"isb #{imm:#x}"
    if name == "clrex":
        return "clrex" if imm == 15 else f"clrex #{imm:#x}"
    if name == "sys":
        known = SYS_NAMES.get(imm)
        if known:
            return f"{known}, {X(rd)}"
        return (f"sys #{imm >> 11}, c{(imm >> 7) & 15}, c{(imm >> 3) & 15}, #{imm & 7}, "
                f"{X(rd)}")
    if name in ("mrs", "msr_reg"):
        sr = SYSREG_NAMES.get(imm)
        if sr is None:
            sr = (f"s{2 + (imm >> 14)}_{(imm >> 11) & 7}_c{(imm >> 7) & 15}_"
                  f"c{(imm >> 3) & 15}_{imm & 7}")
        return f"mrs {X(rd)}, {sr}" if name == "mrs" else f"msr {sr}, {X(rd)}"
    if name.startswith("ldst_") or name == "ldr_lit":
        return _ldst(name, rd, rs1, rs2, rm, imm, pc, target)
    if name.startswith(("stp", "ldp")):
        return _pair(name, rd, rs1, rs2, rm, imm)
    if name in ("stxr", "stlxr", "ldxr", "ldaxr", "stlr", "ldar"):
        rt = reg(rd, 1 if rm == 3 else 0)
        mn = name + SIZE_SUFFIX[rm]
        if name in ("stxr", "stlxr"):
            return f"{mn} {reg(rs2, 0)}, {rt}, [{reg(rs1, 1, True)}]"
        return f"{mn} {rt}, [{reg(rs1, 1, True)}]"
    if name in ("stxp", "stlxp", "ldxp", "ldaxp"):
        pair = f"{reg(rd, rm)}, {reg(rs3, rm)}, [{reg(rs1, 1, True)}]"
        return f"{name} {reg(rs2, 0)}, {pair}" if name.startswith("st") else f"{name} {pair}"
    return f"{name} ?"


def rd_sp_or_rn_sp(name, rd, rs1):
    """UXTX/UXTW prints as LSL when Rd or Rn is SP (add/sub, extended register)."""
    return rs1 == 31 or (rd == 31 and not name.startswith(("adds", "subs")))


def _ldst(name, rt, rn, rm_reg, size_opc, imm, pc, target):
    if name == "ldr_lit":
        if size_opc == 3:
            return f"prfm #{rt:#x}, {target}"
        mn = "ldrsw" if size_opc == 2 else "ldr"
        return f"{mn} {reg(rt, 0 if size_opc == 0 else 1)}, {target}"
    mn, is_x = ldst_regs(size_opc)
    if not mn:
        return f"{name} <unallocated>"
    if name in ("ldst_unscaled", "ldst_unpriv"):           # ldur*, stur*, ldtr*, sttr*
        letter = "u" if name == "ldst_unscaled" else "t"
        mn = "prfum" if mn == "prfm" else mn[:2] + letter + mn[2:]
    t = f"#{rt:#x}" if mn.startswith("prf") else reg(rt, 1 if is_x else 0)
    base = reg(rn, 1, True)
    if name == "ldst_post":
        return f"{mn} {t}, [{base}], {h(imm)}"
    if name == "ldst_pre":
        return f"{mn} {t}, [{base}, {h(imm)}]!"
    if name == "ldst_reg":
        option, s = imm >> 1, imm & 1
        wide = option & 3 == 3
        ext = "lsl" if option == 3 else EXTENDS[option]
        amount = f" #{size_opc >> 2}" if s else ""
        ext_text = "" if option == 3 and not s else f", {ext}{amount}"
        return f"{mn} {t}, [{base}, {reg(rm_reg, 1 if wide else 0)}{ext_text}]"
    return f"{mn} {t}, [{base}" + (f", {h(imm)}]" if imm else "]")


def _pair(name, rt, rn, rt2, mode, imm):
    base_name = name.split("_")[0]
    if mode == 0:
        base_name = base_name.replace("p", "np")
    is_x = name.endswith("_x") or name == "ldpsw"
    regs = f"{reg(rt, is_x)}, {reg(rt2, is_x)}"
    base = reg(rn, 1, True)
    if mode == 1:
        return f"{base_name} {regs}, [{base}], {h(imm)}"
    if mode == 3:
        return f"{base_name} {regs}, [{base}, {h(imm)}]!"
    return f"{base_name} {regs}, [{base}" + (f", {h(imm)}]" if imm else "]")
