"""Disassembly for traces and error messages in Arm syntax, canonical forms (no aliases: `orr x0,
xzr, x1` rather than `mov x0, x1`, `subs xzr, x0, #1` rather than `cmp`, `ubfm` rather than
`lsr`), immediates in hex as llvm-objdump -M no-aliases prints them. Works from the decoded
operands; register 31 prints as sp/wsp where the table's field is an *_SP one, else xzr/wzr.
Branch targets print as absolute addresses ("b 0x1020") given the pc, else as the offset
llvm-mc reads back ("b #32"; tests/translators/aarch64 reassembles every row's output).
"""
from translators.aarch64.decoder import NAMES, OP_ILLEGAL, OPERANDS, ROW_OF_OP, ROWS, decode
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
    if name in FP_NAMES:
        return _fp(name, rd, rs1, rs2, rs3, rm, imm)
    if name in VMEM_NAMES:
        return _vmem(name, rd, rs1, rs2, rm, imm, target)
    if name in SIMD_NAMES:
        return _simd(name, rd, rs1, rs2, rm, imm)
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


# ---- scalar floating point and V-register loads/stores (a64_fp.py, a64_vmem.py) ---------------
FP_NAMES = {row.name for row in ROWS if row.enc.ext == "fp"}
VMEM_NAMES = {row.name for row in ROWS if row.enc.ext == "vldst"}
FTYPE = "sd-h"                                   # ftype 00 S, 01 D, 11 H
VSCALE = "bhsdq"


def fp_imm(imm8):
    """VFPExpandImm's value (the double form: the single one is the same number), printed so
    that llvm-mc reads it back exactly."""
    import struct
    b6 = (imm8 >> 6) & 1
    exp = ((b6 ^ 1) << 10) | ((0xFF if b6 else 0) << 2) | ((imm8 >> 4) & 3)
    bits = ((imm8 >> 7) << 63) | (exp << 52) | ((imm8 & 15) << 48)
    return f"#{struct.unpack('<d', bits.to_bytes(8, 'little'))[0]!r}"


def _fp(name, rd, rn, rm_reg, ra, rm, imm):
    f = FTYPE[rm & 3] if name != "fcvt" else FTYPE[rm]
    V = lambda n, t=f: f"{t}{n}"                                       # noqa: E731
    base = name.rsplit("_", 1)[0] if name.endswith("_fix") else name
    if name in ("fmov_reg", "fabs", "fneg", "fsqrt") or name.startswith("frint"):
        return f"{base.replace('_reg', '')} {V(rd)}, {V(rn)}"
    if name == "fcvt":
        return f"fcvt {FTYPE[imm]}{rd}, {V(rn)}"
    if name in ("fmul", "fdiv", "fadd", "fsub", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul"):
        return f"{name} {V(rd)}, {V(rn)}, {V(rm_reg)}"
    if name in ("fmadd", "fmsub", "fnmadd", "fnmsub"):
        return f"{name} {V(rd)}, {V(rn)}, {V(rm_reg)}, {V(ra)}"
    if name in ("fcmp", "fcmpe"):
        return f"{name} {V(rn)}, " + ("#0.0" if imm else V(rm_reg))
    if name in ("fccmp", "fccmpe"):
        return f"{name} {V(rn)}, {V(rm_reg)}, {h(imm & 15)}, {CONDS[imm >> 4]}"
    if name == "fcsel":
        return f"fcsel {V(rd)}, {V(rn)}, {V(rm_reg)}, {CONDS[imm]}"
    if name == "fmov_imm":
        return f"fmov {V(rd)}, {fp_imm(imm)}"
    if name == "fmov_to_gen":
        return f"fmov {reg(rd, rm)}, {V(rn)}"
    if name == "fmov_from_gen":
        return f"fmov {V(rd)}, {reg(rn, rm)}"
    if name == "fmov_to_gen_d1":
        return f"fmov {reg(rd)}, v{rn}.d[1]"
    if name == "fmov_from_gen_d1":
        return f"fmov v{rd}.d[1], {reg(rn)}"
    sf, t = rm >> 1, FTYPE[rm & 1]
    fix = f", #{64 - imm}" if name.endswith("_fix") else ""
    if base in ("scvtf", "ucvtf"):
        return f"{base} {t}{rd}, {reg(rn, sf)}{fix}"
    return f"{base} {reg(rd, sf)}, {t}{rn}{fix}"


ARRANGE = ("8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d")
MULTI = {0b0000: (1, 4), 0b0010: (4, 1), 0b0100: (1, 3), 0b0110: (3, 1), 0b0111: (1, 1),
         0b1000: (1, 2), 0b1010: (2, 1)}


def _vlist(t, n, suffix):
    return "{ " + ", ".join(f"v{(t + i) % 32}.{suffix}" for i in range(n)) + " }"


def _vmem(name, rt, rn, rm_reg, rm, imm, target):
    base = reg(rn, 1, True)
    if name == "vldr_lit":
        return f"ldr {VSCALE[rm]}{rt}, {target}"
    if name in ("vstp", "vldp"):
        scale, mode = rm >> 2, rm & 3
        mn = ("st" if name == "vstp" else "ld") + ("np" if mode == 0 else "p")
        regs = f"{VSCALE[scale]}{rt}, {VSCALE[scale]}{rm_reg}"
        if mode == 1:
            return f"{mn} {regs}, [{base}], {h(imm)}"
        if mode == 3:
            return f"{mn} {regs}, [{base}, {h(imm)}]!"
        return f"{mn} {regs}, [{base}" + (f", {h(imm)}]" if imm else "]")
    post = name.endswith("_post")
    if name.startswith(("st_multi", "ld_multi")):
        rpt, selem = MULTI.get(imm >> 2, (0, 0))
        if not rpt:
            return f"{name} <unallocated>"
        n = rpt * selem
        regs = _vlist(rt, n, ARRANGE[(imm & 3) * 2 + rm])
        wb = ("" if not post else f", {reg(rm_reg)}" if rm_reg != 31 else
              f", #{n * (16 if rm else 8)}")
        return f"{name[:2]}{selem} {regs}, [{base}]{wb}"
    if name.startswith(("st_single", "ld_single")):
        rbit, opcode, s, size = imm >> 6, (imm >> 3) & 7, (imm >> 2) & 1, imm & 3
        selem = ((opcode & 1) << 1 | rbit) + 1
        scale = opcode >> 1
        if scale == 3:
            regs, nbytes = _vlist(rt, selem, ARRANGE[size * 2 + rm]), selem << size
            mn = f"{name[:2]}{selem}r"
        else:
            if scale == 2 and size & 1:
                scale, index = 3, rm
            else:
                index = ((rm << 3 | s << 2 | size) >> scale)
            regs = _vlist(rt, selem, "bhsd"[scale]) + f"[{index}]"
            nbytes = selem << scale
            mn = f"{name[:2]}{selem}"
        wb = "" if not post else f", {reg(rm_reg)}" if rm_reg != 31 else f", #{nbytes}"
        return f"{mn} {regs}, [{base}]{wb}"
    scale, load = rm >> 1, rm & 1
    t = f"{VSCALE[scale]}{rt}"
    mn = "ldr" if load else "str"
    if name == "vldst_unscaled":
        return f"{mn[:2]}u{mn[2]} {t}, [{base}" + (f", {h(imm)}]" if imm else "]")
    if name == "vldst_post":
        return f"{mn} {t}, [{base}], {h(imm)}"
    if name == "vldst_pre":
        return f"{mn} {t}, [{base}, {h(imm)}]!"
    if name == "vldst_reg":
        option, s = imm >> 1, imm & 1
        ext = "lsl" if option == 3 else EXTENDS[option]
        amount = f" #{scale}" if s else ""
        ext_text = "" if option == 3 and not s else f", {ext}{amount}"
        return f"{mn} {t}, [{base}, {reg(rm_reg, 1 if option & 3 == 3 else 0)}{ext_text}]"
    return f"{mn} {t}, [{base}" + (f", {h(imm)}]" if imm else "]")


# ---- Advanced SIMD (a64_simd.py): rm = Q or 2 (scalar), imm as encodings.py says -----------------
SIMD_NAMES = {row.name for row in ROWS if row.enc.ext == "simd"}
ARR = {(0, 0): "8b", (1, 0): "16b", (0, 1): "4h", (1, 1): "8h", (0, 2): "2s", (1, 2): "4s",
       (0, 3): "1d", (1, 3): "2d"}
ELEM = "bhsd"
SIMD_LOGIC = ("and_v", "bic_v", "orr_v", "orn_v", "eor_v", "bsl", "bit", "bif")
SIMD_SHIFT_LEFT = ("shl", "sli", "sshll", "ushll")
SIMD_LONG = ("saddl", "uaddl", "ssubl", "usubl", "sabal", "uabal", "sabdl", "uabdl", "smlal",
             "umlal", "smlsl", "umlsl", "smull", "umull")
SIMD_WIDE = ("saddw", "uaddw", "ssubw", "usubw")
SIMD_HN = ("addhn", "raddhn", "subhn", "rsubhn")


def simd_mnemonic(name):
    for suffix in ("_v", "_reg", "_zero", "_s", "_vimm", "_elem", "_gen"):
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def modimm_text(op, cmode, imm8, q):
    """(arrangement, immediate operand text) of a modified immediate (AdvSIMDExpandImm)."""
    c = cmode >> 1
    if c <= 3:
        return ARR[(q, 2)], f"#{imm8:#x}" + (f", lsl #{8 * c}" if c else "")
    if c <= 5:
        return ARR[(q, 1)], f"#{imm8:#x}" + (", lsl #8" if c & 1 else "")
    if c == 6:
        return ARR[(q, 2)], f"#{imm8:#x}, msl #{8 if cmode & 1 == 0 else 16}"
    if cmode & 1 == 0:
        if op == 0:
            return ARR[(q, 0)], f"#{imm8:#x}"
        v = sum(0xFF << (8 * i) for i in range(8) if imm8 >> i & 1)
        return (ARR[(q, 3)] if q else None), f"#{v:#x}"
    return ARR[(q, 2 + op)], fp_imm(imm8)


def _simd(name, rd, rn, rm_reg, q, imm):
    mn = simd_mnemonic(name)
    V = lambda n, size, qq=q: f"v{n}.{ARR[(qq, size)]}"              # noqa: E731
    S = lambda n, size: f"{ELEM[size]}{n}"                            # noqa: E731
    scalar = q == 2
    if name in SIMD_LOGIC:
        return f"{mn} {V(rd, 0)}, {V(rn, 0)}, {V(rm_reg, 0)}"
    row = next(r for r in ROWS if r.name == name)
    fp = "vsz" in {src for kind, src in row.operands.values()}
    size = 2 + imm if fp else imm
    three = row.operands.get("rs2") is not None and name not in ("ext_v", "tbl", "tbx")
    if name in ("cnt", "not_v", "rbit_v"):
        size = 0
    if name in SIMD_LONG + SIMD_WIDE + SIMD_HN:
        two = "2" if q else ""
        if name in SIMD_HN:
            return f"{mn}{two} {V(rd, size)}, {V(rn, size + 1, 1)}, {V(rm_reg, size + 1, 1)}"
        a = V(rn, size + 1, 1) if name in SIMD_WIDE else V(rn, size)
        return f"{mn}{two} {V(rd, size + 1, 1)}, {a}, {V(rm_reg, size)}"
    if name in ("xtn", "fcvtn"):
        size = 2 if name == "fcvtn" else size
        return f"{mn}{'2' if q else ''} {V(rd, size)}, {V(rn, size + 1, 1)}"
    if name == "fcvtl":
        return f"fcvtl{'2' if q else ''} {V(rd, 3, 1)}, {V(rn, 2)}"
    if name in ("saddlp", "uaddlp", "sadalp", "uadalp"):
        return f"{mn} {V(rd, size + 1)}, {V(rn, size)}"
    if name in ("saddlv", "uaddlv"):
        return f"{mn} {S(rd, size + 1)}, {V(rn, size)}"
    if name in ("smaxv", "umaxv", "sminv", "uminv", "addv"):
        return f"{mn} {S(rd, size)}, {V(rn, size)}"
    if name == "addp_s":
        return f"addp {S(rd, 3)}, v{rn}.2d"
    if name == "ext_v":
        return f"ext {V(rd, 0)}, {V(rn, 0)}, {V(rm_reg, 0)}, #{imm:#x}"
    if name in ("tbl", "tbx"):
        regs = ", ".join(f"v{(rn + i) % 32}.16b" for i in range(imm + 1))
        return f"{mn} {V(rd, 0)}, {{{regs}}}, {V(rm_reg, 0)}"
    if name in ("dup_elem", "dup_gen", "ins_gen", "ins_elem", "umov", "smov"):
        imm5 = imm & 31
        sz = next((s for s in range(4) if imm5 >> s & 1), None)
        if sz is None:
            return f"{mn} <unallocated>"
        idx = imm5 >> (sz + 1)
        if name == "dup_elem":
            dst = S(rd, sz) if scalar else V(rd, sz)
            return f"{'mov' if scalar else 'dup'} {dst}, v{rn}.{ELEM[sz]}[{idx}]"
        if name == "dup_gen":
            return f"dup {V(rd, sz)}, {reg(rn, 1 if sz == 3 else 0)}"
        if name == "ins_gen":
            return f"mov v{rd}.{ELEM[sz]}[{idx}], {reg(rn, 1 if sz == 3 else 0)}"
        if name == "ins_elem":
            return f"mov v{rd}.{ELEM[sz]}[{idx}], v{rn}.{ELEM[sz]}[{(imm >> 5) >> sz}]"
        return f"{mn} {reg(rd, q)}, v{rn}.{ELEM[sz]}[{idx}]"
    if name.startswith(("movi", "mvni", "orr_vimm", "bic_vimm", "fmov_vimm")):
        arr, text = modimm_text(imm >> 12, (imm >> 8) & 15, imm & 0xFF, q)
        return f"{mn} {f'v{rd}.{arr}' if arr else f'd{rd}'}, {text}"
    if row.operands.get("imm", ("", ""))[1].startswith("immhb"):
        immh = imm >> 3
        sz = immh.bit_length() - 1
        e = 8 << sz
        amount = imm - e if name in SIMD_SHIFT_LEFT else 2 * e - imm
        if name in ("shrn", "rshrn"):
            return f"{mn}{'2' if q else ''} {V(rd, sz)}, {V(rn, sz + 1, 1)}, #{amount}"
        if name in ("sshll", "ushll"):
            return f"{mn}{'2' if q else ''} {V(rd, sz + 1, 1)}, {V(rn, sz)}, #{amount}"
        if scalar:
            return f"{mn} d{rd}, d{rn}, #{amount}"
        return f"{mn} {V(rd, sz)}, {V(rn, sz)}, #{amount}"
    if (scalar and not fp and size != 3) or (not scalar and size == 3 and q == 0):
        return f"{mn} <unallocated>"
    dst, src = (S(rd, size), S(rn, size)) if scalar else (V(rd, size), V(rn, size))
    if three:
        other = S(rm_reg, size) if scalar else V(rm_reg, size)
        return f"{mn} {dst}, {src}, {other}"
    if name.endswith("_zero"):
        return f"{mn} {dst}, {src}, " + ("#0.0" if fp else "#0")
    return f"{mn} {dst}, {src}"
