"""The A64 table against llvm-mc-19: a corpus assembled by LLVM decodes to the rows and operands
written next to it, covers every row (and every expansion), and every word's disassembly
assembles back to the same word."""
import random
import re
import subprocess

import pytest

from a64helpers import ENCODING, LLVM_MC, assemble, needs_llvm
from translators.aarch64 import encodings as E
from translators.aarch64.decoder import ENDS_BLOCK, NAMES, OP_ILLEGAL, OPS, ROWS, decode, match_row
from translators.aarch64.disasm import disasm

# slow while aarch64 is not registered: `make warm` does not compile its dispatch, so the
# first of these compiles it (about 4 minutes on a fresh machine)
pytestmark = [needs_llvm, pytest.mark.slow]

# (assembly, table name, (rd, rs1, rs2, rs3, rm, imm) or None when only name and round trip count)
CORPUS = [
    ("adr x3, #-20", "adr", (3, 0, 0, 0, 0, -20)),
    ("adrp x3, #-8192", "adrp", (3, 0, 0, 0, 0, -8192)),
    ("add x0, sp, #16, lsl #12", "add_imm", (0, 31, 0, 0, 1, 0x10000)),
    ("add sp, x1, #4095", "add_imm", (31, 1, 0, 0, 1, 4095)),
    ("add w2, w3, #7", "add_imm", (2, 3, 0, 0, 0, 7)),
    ("adds x0, x1, #1", "adds_imm", (0, 1, 0, 0, 1, 1)),
    ("adds wzr, wsp, #1, lsl #12", "adds_imm", (31, 31, 0, 0, 0, 4096)),
    ("sub sp, sp, #0x40", "sub_imm", (31, 31, 0, 0, 1, 0x40)),
    ("sub w1, w2, #3, lsl #12", "sub_imm", None),
    ("subs x1, x2, #9", "subs_imm", None),
    ("subs x1, sp, #9, lsl #12", "subs_imm", None),
    ("and x0, x1, #0xff00ff00ff00ff00", "and_imm", (0, 1, 0, 0, 1, 551)),
    ("and sp, x1, #0xfffffffffffffff0", "and_imm", None),
    ("and w0, w1, #0x3", "and_imm", None),
    ("orr w0, wzr, #0x55555555", "orr_imm", None),
    ("orr x5, x6, #0x1", "orr_imm", None),
    ("eor x5, x6, #0x8000000000000000", "eor_imm", None),
    ("ands w5, w6, #0xfffe", "ands_imm", None),
    ("ands xzr, x6, #0x7", "ands_imm", None),
    ("movn x1, #0x1234, lsl #16", "movn", (1, 0, 0, 0, 1, 0x11234)),
    ("movn w1, #0", "movn", None),
    ("movz w2, #0xffff, lsl #16", "movz", (2, 0, 0, 0, 0, 0x1FFFF)),
    ("movz x2, #1, lsl #48", "movz", None),
    ("movk x3, #0xbeef, lsl #32", "movk", (3, 0, 0, 0, 1, 0x2BEEF)),
    ("sbfm x0, x1, #3, #7", "sbfm", (0, 1, 0, 0, 1, (1 << 12) | (3 << 6) | 7)),
    ("sbfm w0, w1, #0, #15", "sbfm", None),
    ("bfm x0, x1, #60, #3", "bfm", None),
    ("bfm w4, w5, #4, #2", "bfm", None),
    ("ubfm x0, x1, #63, #62", "ubfm", None),
    ("ubfm w0, w1, #31, #30", "ubfm", None),
    ("extr x0, x1, x2, #17", "extr", (0, 1, 2, 0, 1, (1 << 6) | 17)),
    ("extr w0, w1, w2, #31", "extr", (0, 1, 2, 0, 0, 31)),
    ("and x0, x1, x2, lsl #3", "and_sr", (0, 1, 2, 0, 1, 3)),
    ("bic w0, w1, w2, ror #4", "bic_sr", (0, 1, 2, 0, 0, (3 << 6) | 4)),
    ("orr x0, xzr, x2", "orr_sr", (0, 31, 2, 0, 1, 0)),
    ("orn x0, x1, x2, asr #63", "orn_sr", None),
    ("eor w0, w1, w2, lsr #31", "eor_sr", None),
    ("eon x0, x1, x2", "eon_sr", None),
    ("ands x0, x1, x2, lsl #1", "ands_sr", None),
    ("bics w0, w1, w2", "bics_sr", None),
    ("add x0, x1, x2, lsl #12", "add_sr", (0, 1, 2, 0, 1, 12)),
    ("adds w0, w1, w2, asr #3", "adds_sr", None),
    ("sub x0, xzr, x2, lsr #1", "sub_sr", None),
    ("subs xzr, x0, x1, lsl #3", "subs_sr", (31, 0, 1, 0, 1, 3)),
    ("add x0, sp, w1, uxtw #2", "add_ext", (0, 31, 1, 0, 1, (2 << 3) | 2)),
    ("add sp, sp, x1", "add_ext", None),
    ("add w0, w1, w2, sxtb", "add_ext", None),
    ("adds x0, x1, w2, sxth #1", "adds_ext", None),
    ("sub x0, x1, x2, sxtx #4", "sub_ext", None),
    ("subs xzr, sp, x1, uxtx #2", "subs_ext", None),
    ("adc x0, x1, x2", "adc", (0, 1, 2, 0, 1, 0)),
    ("adcs w0, w1, w2", "adcs", None),
    ("sbc x0, x1, x2", "sbc", None),
    ("sbcs w0, wzr, w2", "sbcs", None),
    ("ccmn x1, x2, #5, eq", "ccmn_reg", (0, 1, 2, 0, 1, 0x05)),
    ("ccmn w1, #31, #0, al", "ccmn_imm", (0, 1, 31, 0, 0, 0xE0)),
    ("ccmp x1, x2, #15, ne", "ccmp_reg", (0, 1, 2, 0, 1, 0x1F)),
    ("ccmp x1, #3, #4, ne", "ccmp_imm", (0, 1, 3, 0, 1, 0x14)),
    ("csel x0, x1, x2, hi", "csel", (0, 1, 2, 0, 1, 8)),
    ("csinc w0, w1, w2, lt", "csinc", (0, 1, 2, 0, 0, 11)),
    ("csinv x0, xzr, xzr, nv", "csinv", None),
    ("csneg w0, w1, w2, vs", "csneg", None),
    ("rbit x0, x1", "rbit", (0, 1, 0, 0, 1, 0)),
    ("rbit w0, w1", "rbit", None),
    ("rev16 w0, w1", "rev16", None),
    ("rev16 x0, x1", "rev16", None),
    ("rev32 x0, x1", "rev32", (0, 1, 0, 0, 1, 0)),
    ("rev w0, w1", "rev", (0, 1, 0, 0, 0, 0)),
    ("rev x0, x1", "rev", (0, 1, 0, 0, 1, 0)),
    ("clz x0, x1", "clz", None),
    ("cls w0, w1", "cls", None),
    ("udiv x0, x1, x2", "udiv", (0, 1, 2, 0, 1, 0)),
    ("sdiv w0, w1, w2", "sdiv", None),
    ("lslv x0, x1, x2", "lslv", None),
    ("lsrv w0, w1, w2", "lsrv", None),
    ("asrv x0, x1, x2", "asrv", None),
    ("rorv w0, w1, w2", "rorv", None),
    ("madd x0, x1, x2, x3", "madd", (0, 1, 2, 3, 1, 0)),
    ("msub w0, w1, w2, w3", "msub", (0, 1, 2, 3, 0, 0)),
    ("smaddl x0, w1, w2, x3", "smaddl", (0, 1, 2, 3, 1, 0)),
    ("smsubl x0, w1, w2, xzr", "smsubl", None),
    ("smulh x0, x1, x2", "smulh", (0, 1, 2, 0, 1, 0)),
    ("umaddl x0, w1, w2, x3", "umaddl", None),
    ("umsubl x0, w1, w2, x3", "umsubl", None),
    ("umulh x0, x1, x2", "umulh", None),
    ("b #-4", "b", (0, 0, 0, 0, 0, -4)),
    ("bl #134217724", "bl", (0, 0, 0, 0, 0, 134217724)),
    ("b.ne #-12", "b_cond", (0, 0, 0, 0, 1, -12)),
    ("b.al #8", "b_cond", (0, 0, 0, 0, 14, 8)),
    ("cbz x1, #16", "cbz", (1, 0, 0, 0, 1, 16)),
    ("cbnz w1, #-1048576", "cbnz", (1, 0, 0, 0, 0, -1048576)),
    ("tbz w3, #5, #-12", "tbz", (3, 0, 0, 0, 5, -12)),
    ("tbnz x3, #63, #32764", "tbnz", (3, 0, 0, 0, 63, 32764)),
    ("br x17", "br", (0, 17, 0, 0, 0, 0)),
    ("blr x30", "blr", None),
    ("ret", "ret", (0, 30, 0, 0, 0, 0)),
    ("ret x1", "ret", None),
    ("svc #0", "svc", (0, 0, 0, 0, 0, 0)),
    ("brk #0x3e8", "brk", (0, 0, 0, 0, 0, 1000)),
    ("hint #0", "hint", None),
    ("hint #34", "hint", None),                   # bti c
    ("hint #25", "hint", None),                   # paciasp
    ("clrex", "clrex", None),
    ("dsb ish", "dsb", (0, 0, 0, 0, 0, 11)),
    ("dmb ishld", "dmb", None),
    ("isb", "isb", None),
    ("dc zva, x3", "sys", (3, 0, 0, 0, 0, E.SYS_OPS["dc zva"])),
    ("ic ivau, x3", "sys", None),
    ("dc civac, x0", "sys", None),
    ("mrs x0, tpidr_el0", "mrs", (0, 0, 0, 0, 0, E.SYSREGS["tpidr_el0"])),
    ("mrs x1, nzcv", "mrs", None),
    ("mrs x1, dczid_el0", "mrs", None),
    ("mrs x1, cntvct_el0", "mrs", None),
    ("msr tpidr_el0, x5", "msr_reg", (5, 0, 0, 0, 0, E.SYSREGS["tpidr_el0"])),
    ("msr fpcr, x5", "msr_reg", None),
    ("stxr w3, x4, [x5]", "stxr", (4, 5, 3, 0, 3, 0)),
    ("stxrb w3, w4, [sp]", "stxr", (4, 31, 3, 0, 0, 0)),
    ("stlxrh w3, w4, [x5]", "stlxr", (4, 5, 3, 0, 1, 0)),
    ("ldxr w1, [x2]", "ldxr", (1, 2, 0, 0, 2, 0)),
    ("ldaxr x1, [x2]", "ldaxr", (1, 2, 0, 0, 3, 0)),
    ("stxp w1, x2, x3, [x4]", "stxp", (2, 4, 1, 3, 1, 0)),
    ("stlxp w1, w2, w3, [x4]", "stlxp", (2, 4, 1, 3, 0, 0)),
    ("ldxp x2, x3, [x4]", "ldxp", (2, 4, 0, 3, 1, 0)),
    ("ldaxp w2, w3, [sp]", "ldaxp", None),
    ("stlr x1, [x2]", "stlr", (1, 2, 0, 0, 3, 0)),
    ("stlrb w1, [x2]", "stlr", None),
    ("ldar w1, [x2]", "ldar", (1, 2, 0, 0, 2, 0)),
    ("ldarh w1, [x2]", "ldar", None),
    ("ldr w1, #8", "ldr_lit", (1, 0, 0, 0, 0, 8)),
    ("ldr x1, #-8", "ldr_lit", (1, 0, 0, 0, 1, -8)),
    ("ldrsw x1, #1048572", "ldr_lit", None),
    ("prfm pldl1keep, #8", "ldr_lit", None),
    ("ldur x1, [x2, #-256]", "ldst_unscaled", (1, 2, 0, 0, 0b1101, -256)),
    ("sturb w1, [sp, #255]", "ldst_unscaled", (1, 31, 0, 0, 0b0000, 255)),
    ("ldursh x1, [x2, #3]", "ldst_unscaled", (1, 2, 0, 0, 0b0110, 3)),
    ("prfum pldl1keep, [x2, #1]", "ldst_unscaled", None),
    ("ldr x0, [x1], #8", "ldst_post", (0, 1, 0, 0, 0b1101, 8)),
    ("strh w0, [x1], #-2", "ldst_post", None),
    ("ldtr w0, [x1, #4]", "ldst_unpriv", None),
    ("sttrb w0, [x1]", "ldst_unpriv", None),
    ("ldr x0, [x1, #8]!", "ldst_pre", (0, 1, 0, 0, 0b1101, 8)),
    ("str x30, [sp, #-16]!", "ldst_pre", (30, 31, 0, 0, 0b1100, -16)),
    ("ldrsb w0, [x1, #-1]!", "ldst_pre", None),
    ("ldr w0, [x1, w2, sxtw #2]", "ldst_reg", (0, 1, 2, 0, 0b1001, (6 << 1) | 1)),
    ("ldrb w0, [x1, x2]", "ldst_reg", (0, 1, 2, 0, 0b0001, 3 << 1)),
    ("str x0, [x1, x2, lsl #3]", "ldst_reg", None),
    ("ldrsh x0, [x1, w2, uxtw]", "ldst_reg", None),
    ("prfm pstl1strm, [x1, x2]", "ldst_reg", None),
    ("ldrb w0, [x1, #4095]", "ldst_ui", (0, 1, 0, 0, 0b0001, 4095)),
    ("ldrsb x0, [x1, #1]", "ldst_ui", (0, 1, 0, 0, 0b0010, 1)),
    ("strh w0, [x1, #8190]", "ldst_ui", (0, 1, 0, 0, 0b0100, 8190)),
    ("ldrsh w0, [x1, #2]", "ldst_ui", (0, 1, 0, 0, 0b0111, 2)),
    ("ldr w0, [sp, #16380]", "ldst_ui", (0, 31, 0, 0, 0b1001, 16380)),
    ("ldrsw x0, [x1, #4]", "ldst_ui", (0, 1, 0, 0, 0b1010, 4)),
    ("str x0, [x1, #32760]", "ldst_ui", (0, 1, 0, 0, 0b1100, 32760)),
    ("prfm pldl2keep, [x1, #8]", "ldst_ui", (2, 1, 0, 0, 0b1110, 8)),
    ("stp w1, w2, [sp, #-256]!", "stp_w", (1, 31, 2, 0, 3, -256)),
    ("ldp w1, w2, [sp], #-16", "ldp_w", (1, 31, 2, 0, 1, -16)),
    ("ldpsw x1, x2, [x3, #252]", "ldpsw", (1, 3, 2, 0, 2, 252)),
    ("stp x29, x30, [sp, #-512]!", "stp_x", (29, 31, 30, 0, 3, -512)),
    ("ldp x29, x30, [sp], #16", "ldp_x", (29, 31, 30, 0, 1, 16)),
    ("stnp x1, x2, [x3, #8]", "stp_x", (1, 3, 2, 0, 0, 8)),
    ("ldnp w1, w2, [x3]", "ldp_w", None),
    ("ldp x1, x2, [x3, #504]", "ldp_x", None),
    # scalar floating point and V-register loads/stores (a64_fp.py, a64_vmem.py)
    ("fmov s0, s1", "fmov_reg", (0, 1, 0, 0, 0, 0)),
    ("fmov d3, d4", "fmov_reg", None),
    ("fcvt h0, d1", "fcvt", (0, 1, 0, 0, 1, 3)),
    ("fcvt d0, h1", "fcvt", None),
    ("fcvt s2, d3", "fcvt", None),
    ("frintx d1, d2", "frintx", (1, 2, 0, 0, 1, 0)),
    ("fadd s1, s2, s3", "fadd", (1, 2, 3, 0, 0, 0)),
    ("fnmul d1, d2, d3", "fnmul", (1, 2, 3, 0, 1, 0)),
    ("fmadd d0, d1, d2, d3", "fmadd", (0, 1, 2, 3, 1, 0)),
    ("fnmsub s0, s1, s2, s3", "fnmsub", (0, 1, 2, 3, 0, 0)),
    ("fcmp d1, d2", "fcmp", (0, 1, 2, 0, 1, 0)),
    ("fcmpe s1, #0.0", "fcmpe", (0, 1, 0, 0, 0, 1)),
    ("fccmp d1, d2, #4, ne", "fccmp", (0, 1, 2, 0, 1, 20)),
    ("fcsel s0, s1, s2, lt", "fcsel", (0, 1, 2, 0, 0, 11)),
    ("fmov d0, #1.0", "fmov_imm", (0, 0, 0, 0, 1, 112)),
    ("fmov s0, #-0.125", "fmov_imm", None),
    ("fmov d0, #31.0", "fmov_imm", None),
    ("fmov s0, #0.1875", "fmov_imm", None),
    ("scvtf d0, w1, #3", "scvtf_fix", (0, 1, 0, 0, 1, 61)),
    ("fcvtzu x0, s1, #64", "fcvtzu_fix", (0, 1, 0, 0, 2, 0)),
    ("fcvtzs w0, d1", "fcvtzs", (0, 1, 0, 0, 1, 0)),
    ("ucvtf s0, x1", "ucvtf", (0, 1, 0, 0, 2, 0)),
    ("fcvtas w3, s1", "fcvtas", (3, 1, 0, 0, 0, 0)),
    ("fmov w0, s1", "fmov_to_gen", (0, 1, 0, 0, 0, 0)),
    ("fmov x0, d1", "fmov_to_gen", (0, 1, 0, 0, 1, 0)),
    ("fmov d0, x1", "fmov_from_gen", (0, 1, 0, 0, 1, 0)),
    ("fmov s0, w1", "fmov_from_gen", (0, 1, 0, 0, 0, 0)),
    ("fmov x0, v1.d[1]", "fmov_to_gen_d1", (0, 1, 0, 0, 0, 0)),
    ("fmov v0.d[1], x1", "fmov_from_gen_d1", (0, 1, 0, 0, 0, 0)),
    ("ldr q0, [x1, #32]", "vldst_ui", (0, 1, 0, 0, 9, 32)),
    ("ldr b0, [x1, #3]", "vldst_ui", (0, 1, 0, 0, 1, 3)),
    ("str h0, [x1, #6]", "vldst_ui", (0, 1, 0, 0, 2, 6)),
    ("ldr s0, [x1, #8]", "vldst_ui", (0, 1, 0, 0, 5, 8)),
    ("str d0, [sp, #16]", "vldst_ui", (0, 31, 0, 0, 6, 16)),
    ("ldur q0, [x1, #-3]", "vldst_unscaled", (0, 1, 0, 0, 9, -3)),
    ("stur b0, [x1]", "vldst_unscaled", (0, 1, 0, 0, 0, 0)),
    ("str q0, [x1], #16", "vldst_post", (0, 1, 0, 0, 8, 16)),
    ("ldr d0, [x1, #-8]!", "vldst_pre", (0, 1, 0, 0, 7, -8)),
    ("ldr q0, [x1, x2, lsl #4]", "vldst_reg", (0, 1, 2, 0, 9, 7)),
    ("str b0, [x1, w2, sxtw]", "vldst_reg", (0, 1, 2, 0, 0, 12)),
    ("ldr h0, [x1, w2, uxtw #1]", "vldst_reg", None),
    ("ldr s0, #8", "vldr_lit", (0, 0, 0, 0, 2, 8)),
    ("ldr q1, #-16", "vldr_lit", (1, 0, 0, 0, 4, -16)),
    ("ldr d1, #4", "vldr_lit", None),
    ("stp q0, q1, [sp, #-32]!", "vstp", (0, 31, 1, 0, 19, -32)),
    ("ldp s0, s1, [x0, #8]", "vldp", (0, 0, 1, 0, 10, 8)),
    ("ldnp d0, d1, [x0, #16]", "vldp", (0, 0, 1, 0, 12, 16)),
    ("ldp q0, q1, [x0], #32", "vldp", (0, 0, 1, 0, 17, 32)),
    ("ld1 { v0.16b }, [x0]", "ld_multi", (0, 0, 0, 0, 1, 28)),
    ("ld1 { v0.2d, v1.2d, v2.2d, v3.2d }, [x0], #64", "ld_multi_post", (0, 0, 31, 0, 1, 11)),
    ("st1 { v0.8b, v1.8b }, [x0], x2", "st_multi_post", (0, 0, 2, 0, 0, 40)),
    ("ld4 { v0.4s, v1.4s, v2.4s, v3.4s }, [x1]", "ld_multi", None),
    ("st3 { v30.4h, v31.4h, v0.4h }, [x1], #24", "st_multi_post", None),
    ("ld1r { v0.4s }, [x1]", "ld_single", (0, 1, 0, 0, 1, 50)),
    ("ld1 { v0.s }[3], [x1]", "ld_single", None),
    ("st1 { v0.d }[1], [x1], #8", "st_single_post", (0, 1, 31, 0, 1, 33)),
    ("ld2 { v0.h, v1.h }[5], [x1], x3", "ld_single_post", (0, 1, 3, 0, 1, 82)),
    ("ld3r { v0.8b, v1.8b, v2.8b }, [x1], #3", "ld_single_post", None),
    ("st4 { v0.b, v1.b, v2.b, v3.b }[15], [sp]", "st_single", (0, 31, 0, 0, 1, 79)),
    ("ld1r { v0.1d }, [x1], #8", "ld_single_post", None),
    ("fabs s1, s2", "fabs", (1, 2, 0, 0, 0, 0)),
    ("fneg d3, d4", "fneg", (3, 4, 0, 0, 1, 0)),
    ("fsqrt s5, s6", "fsqrt", (5, 6, 0, 0, 0, 0)),
    ("fcvt s0, h1", "fcvt", None),
    ("fcvt h0, s1", "fcvt", None),
    ("fcvt d0, s1", "fcvt", None),
    ("frintn s0, s1", "frintn", (0, 1, 0, 0, 0, 0)),
    ("frintp d0, d1", "frintp", (0, 1, 0, 0, 1, 0)),
    ("frintm s0, s1", "frintm", (0, 1, 0, 0, 0, 0)),
    ("frintz d0, d1", "frintz", (0, 1, 0, 0, 1, 0)),
    ("frinta s0, s1", "frinta", (0, 1, 0, 0, 0, 0)),
    ("frinti d0, d1", "frinti", (0, 1, 0, 0, 1, 0)),
    ("fsub s0, s1, s2", "fsub", (0, 1, 2, 0, 0, 0)),
    ("fmul d0, d1, d2", "fmul", (0, 1, 2, 0, 1, 0)),
    ("fdiv s0, s1, s2", "fdiv", (0, 1, 2, 0, 0, 0)),
    ("fmax d0, d1, d2", "fmax", (0, 1, 2, 0, 1, 0)),
    ("fmin s0, s1, s2", "fmin", (0, 1, 2, 0, 0, 0)),
    ("fmaxnm d0, d1, d2", "fmaxnm", (0, 1, 2, 0, 1, 0)),
    ("fminnm s0, s1, s2", "fminnm", (0, 1, 2, 0, 0, 0)),
    ("fmsub d0, d1, d2, d3", "fmsub", (0, 1, 2, 3, 1, 0)),
    ("fnmadd s0, s1, s2, s3", "fnmadd", (0, 1, 2, 3, 0, 0)),
    ("fcmp s1, #0.0", "fcmp", None),
    ("fcmpe d1, d2", "fcmpe", None),
    ("fccmpe s1, s2, #0, eq", "fccmpe", (0, 1, 2, 0, 0, 0)),
    ("ucvtf d0, w1, #32", "ucvtf_fix", (0, 1, 0, 0, 1, 32)),
    ("fcvtzs x0, d1, #10", "fcvtzs_fix", (0, 1, 0, 0, 3, 54)),
    ("fcvtns w0, s1", "fcvtns", (0, 1, 0, 0, 0, 0)),
    ("fcvtnu x0, d1", "fcvtnu", (0, 1, 0, 0, 3, 0)),
    ("scvtf s0, w1", "scvtf", (0, 1, 0, 0, 0, 0)),
    ("fcvtau x0, s1", "fcvtau", (0, 1, 0, 0, 2, 0)),
    ("fcvtps w0, d1", "fcvtps", (0, 1, 0, 0, 1, 0)),
    ("fcvtpu w0, s1", "fcvtpu", (0, 1, 0, 0, 0, 0)),
    ("fcvtms x0, d1", "fcvtms", (0, 1, 0, 0, 3, 0)),
    ("fcvtmu w0, d1", "fcvtmu", (0, 1, 0, 0, 1, 0)),
    ("fcvtzu w0, s1", "fcvtzu", (0, 1, 0, 0, 0, 0)),
    ("ldr h0, [x1, #2]", "vldst_ui", None),
    ("str s1, [x1, #4]", "vldst_ui", None),
    ("ldr d1, [x1, #8]", "vldst_ui", None),
    ("st1 { v0.16b }, [x0]", "st_multi", (0, 0, 0, 0, 1, 28)),
    ("ld1 { v0.16b }, [x0], #16", "ld_multi_post", None),
    ("ld1 { v0.b }[1], [x0]", "ld_single", None),
    ("str s0, [x1], #4", "vldst_post", (0, 1, 0, 0, 4, 4)),
    ("stp s0, s1, [sp, #8]", "vstp", (0, 31, 1, 0, 10, 8)),
    ("ldr q0, [x1, #16]!", "vldst_pre", (0, 1, 0, 0, 9, 16)),
    ("stp d0, d1, [x1], #16", "vstp", (0, 1, 1, 0, 13, 16)),
]


@pytest.fixture(scope="module")
def words():
    return assemble([line for line, _, _ in CORPUS])


def fields(inst):
    return tuple(int(v) for v in decode(inst))


def test_corpus_decodes_to_its_rows_and_operands(words):
    bad = []
    for (line, name, want), w in zip(CORPUS, words):
        got = fields(w)
        if NAMES[got[0]] != name or (want is not None and got[2:] != want):
            bad.append(f"{line!r} {w:#010x}: {NAMES[got[0]]} {got[2:]}, want {name} {want}")
    assert not bad, "\n".join(bad)


def test_corpus_covers_every_row(words):
    seen = {id(match_row(w)) for w in words}
    # the AdvSIMD rows have their corpus in test_a64_simd.py (every arrangement)
    missing = [row.enc.name for row in ROWS if id(row) not in seen and row.enc.ext != "simd"]
    assert not missing


def test_disassembly_assembles_back_to_the_same_word(words):
    texts = [disasm(w).replace("\t", " ") for w in words]
    again = assemble(texts)
    bad = [f"{line!r} {w:#010x} -> {text!r} -> {w2:#010x}"
           for (line, _, _), w, text, w2 in zip(CORPUS, words, texts, again) if w != w2]
    assert not bad, "\n".join(bad)


def test_disassembly_with_a_pc_prints_targets():
    w = assemble(["b.ne #-12", "adrp x0, #8192"])
    assert disasm(w[0], 0x1000) == "b.ne\t0xff4"
    assert disasm(w[1], 0x1234) == "adrp\tx0, 0x3000"


@pytest.mark.parametrize("line", [
    "casal x0, x1, [x2]", "ldadd w0, w1, [x2]", "crc32b w0, w1, w2", "pacia x0, x1",
    "retaa", "hvc #0", "msr daifset, #2", "ldg x0, [x1]",
    # half-precision arithmetic (FEAT_FP16, absent on cortex-a53) and fjcvtzs (ARMv8.3)
    "fadd h0, h1, h2", "fmov h0, w1", "fcvtzs w0, h1", "fjcvtzs w0, d1",
    "bfcvt h0, s1",
])
def test_outside_the_table_is_illegal(line):
    """LSE, CRC32, PAC with registers, EL1+, MTE, FP16 and BF16 are not in the table."""
    w = _assemble_with_features(line)
    assert fields(w)[0] == OP_ILLEGAL, NAMES[fields(w)[0]]


def _assemble_with_features(line):
    out = subprocess.run([LLVM_MC, "--triple=aarch64", "--show-encoding",
                          "-mattr=+lse,+crc,+pauth,+mte,+fp-armv8,+neon,+fullfp16,+jsconv,+bf16"],
                         input=line + "\n", capture_output=True, text=True, check=True)
    m = ENCODING.search(out.stdout)
    return int.from_bytes(bytes(int(b, 16) for b in m.group(1).split(",")), "little")


def test_block_ends_and_numbering():
    ends = {NAMES[op] for op in range(len(NAMES)) if ENDS_BLOCK[op]}
    assert ends == E.ENDS_BLOCK
    assert NAMES[OP_ILLEGAL] == "illegal" and OPS["svc"] > 0
    assert fields(0)[0] == OP_ILLEGAL                  # udf #0


def llvm_objdump(tmp_path, words):
    """llvm-objdump-19 -M no-aliases text of each word ('<unknown>' when LLVM rejects it)."""
    src = tmp_path / "w.s"
    src.write_text("".join(f".inst {w:#x}\n" for w in words))
    obj = tmp_path / "w.o"
    subprocess.run([LLVM_MC, "--triple=aarch64", "-filetype=obj", str(src), "-o", str(obj)],
                   check=True)
    objdump = LLVM_MC.replace("llvm-mc", "llvm-objdump")
    out = subprocess.run([objdump, "-d", "-M", "no-aliases", str(obj)], capture_output=True,
                         text=True, check=True).stdout
    lines = [line for line in out.splitlines() if re.match(r"\s+[0-9a-f]+:\s", line)]
    assert len(lines) == len(words)
    return [line.split(":", 1)[1].strip() for line in lines]


def test_words_near_every_row_agree_with_llvm(tmp_path):
    """Each row's pattern with random operands, and with one fixed bit flipped. Where LLVM
    rejects a word the table accepts (an sf-dependent unallocated form, encodings.py), running
    it must raise Exit.ILLEGAL; where both accept it, our disassembly must assemble to a word
    that disassembles the same (logical immediates have non-canonical immr encodings)."""
    from a64helpers import DATA, Machine
    from jitvm.exits import Exit
    rnd = random.Random(2026)
    words = []
    for row in ROWS:
        fixed = [b for b in range(32) if row.mask >> b & 1]
        for _ in range(6):
            w = row.match | (rnd.getrandbits(32) & ~row.mask)
            words += [w, w ^ (1 << rnd.choice(fixed))]
    texts = llvm_objdump(tmp_path, words)
    mc = Machine()
    rejected, both = [], []
    for w, text in zip(words, texts):
        if fields(w)[0] == OP_ILLEGAL:
            continue
        if "<unknown>" in text:
            mc.r[:32] = DATA + 0x800
            mc.word(w)
            if mc.exit != Exit.ILLEGAL:
                rejected.append(f"{w:#010x} {disasm(w)!r}: LLVM rejects it, we ran it")
        else:
            both.append(w)
    assert not rejected, "\n".join(rejected[:20])
    ours = [disasm(w).replace("\t", " ") for w in both]
    out = subprocess.run([LLVM_MC, "--triple=aarch64", "--show-encoding"],
                         input="".join(t + "\n" for t in ours), capture_output=True, text=True)
    refused = {int(line.split(":")[1]) - 1 for line in out.stderr.splitlines() if "error:" in line}
    unpredictable = {int(line.split(":")[1]) - 1 for line in out.stderr.splitlines()
                     if "error: unpredictable" in line}
    assert refused == unpredictable, out.stderr[:2000]
    again = iter(int.from_bytes(bytes(int(b, 16) for b in m.group(1).split(",")), "little")
                 for m in ENCODING.finditer(out.stdout))
    bad = []
    for i, (w, text) in enumerate(zip(both, ours)):
        if i in refused:
            continue
        w2 = next(again)
        if w2 != w and disasm(w2).replace("\t", " ") != text:
            bad.append(f"{w:#010x} {text!r} -> {w2:#010x}")
    assert not bad, "\n".join(bad[:20])
