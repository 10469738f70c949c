/* int_ops (aarch64): the A64 base integer instructions over edge values, printed in hex, with the
   cases the Arm ARM defines checked against their values. Exits 0 when every check holds, else 1.
     - two-operand ops (add/sub/logical in register, shifted and extended forms, variable shifts,
       multiplies and the 128-bit high halves, divides), 64- and 32-bit: "name: r r r ...";
     - flag-setting ops (adds/subs/adcs/sbcs/negs/ngcs/ands/bics, 64- and 32-bit; the carry
       ones with C clear and set): "name: r/nzcv ..." with NZCV as one hex digit;
     - every condition code under every NZCV, by csel and by b.cond; ccmp/ccmn;
     - unary ops: bitfield moves (ubfx/sbfx/bfi/bfxil/ubfiz/sbfiz, extends, immediate shifts),
       extr, rev/rev16/rev32, clz/cls/rbit, cbz/tbz on the 32-bit view, movz/movk/movn.
   A64 division never traps: x/0 = 0 and MIN/-1 = MIN, checked at the end. */
#include <stdint.h>
#include <stdio.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One instruction each (inline asm), so the compiler can neither fold nor pick another; the
   result is early-clobber because some bodies write it before reading the operands. */
#define RR(fn, insn) static int64_t fn(int64_t a, int64_t b) \
    { int64_t r; __asm__ volatile(insn : "=&r"(r) : "r"(a), "r"(b)); return r; }
RR(add_x, "add %0, %1, %2")           RR(add_w, "add %w0, %w1, %w2")
RR(sub_x, "sub %0, %1, %2")           RR(sub_w, "sub %w0, %w1, %w2")
RR(add_lsl, "add %0, %1, %2, lsl #7") RR(sub_asr, "sub %0, %1, %2, asr #63")
RR(add_lsr_w, "add %w0, %w1, %w2, lsr #31")
RR(add_uxtb, "add %0, %1, %w2, uxtb #2") RR(add_sxth, "add %0, %1, %w2, sxth")
RR(sub_sxtw, "sub %0, %1, %w2, sxtw #4") RR(add_uxtw_w, "add %w0, %w1, %w2, uxth #1")
RR(and_x, "and %0, %1, %2")           RR(orr_x, "orr %0, %1, %2")
RR(eor_x, "eor %0, %1, %2")           RR(bic_x, "bic %0, %1, %2")
RR(orn_x, "orn %0, %1, %2")           RR(eon_x, "eon %0, %1, %2")
RR(and_ror, "and %0, %1, %2, ror #13") RR(orr_w_ror, "orr %w0, %w1, %w2, ror #31")
RR(lslv_x, "lsl %0, %1, %2")          RR(lslv_w, "lsl %w0, %w1, %w2")
RR(lsrv_x, "lsr %0, %1, %2")          RR(lsrv_w, "lsr %w0, %w1, %w2")
RR(asrv_x, "asr %0, %1, %2")          RR(asrv_w, "asr %w0, %w1, %w2")
RR(rorv_x, "ror %0, %1, %2")          RR(rorv_w, "ror %w0, %w1, %w2")
RR(mul_x, "mul %0, %1, %2")           RR(mul_w, "mul %w0, %w1, %w2")
RR(mneg_x, "mneg %0, %1, %2")
RR(madd_x, "madd %0, %1, %2, %1")     RR(msub_w, "msub %w0, %w1, %w2, %w2")
RR(smull, "smull %0, %w1, %w2")       RR(umull, "umull %0, %w1, %w2")
RR(smaddl, "smaddl %0, %w1, %w2, %1") RR(umsubl, "umsubl %0, %w1, %w2, %2")
RR(smulh, "smulh %0, %1, %2")         RR(umulh, "umulh %0, %1, %2")
RR(sdiv_x, "sdiv %0, %1, %2")         RR(udiv_x, "udiv %0, %1, %2")
RR(sdiv_w, "sdiv %w0, %w1, %w2")      RR(udiv_w, "udiv %w0, %w1, %w2")
RR(extr_x, "extr %0, %1, %2, #17")    RR(extr_x63, "extr %0, %1, %2, #63")
RR(extr_w, "extr %w0, %w1, %w2, #9")
RR(bfi_x, "mov %0, %2\n\tbfi %0, %1, #12, #20")     /* into b's bits */
RR(bfxil_x, "mov %0, %2\n\tbfxil %0, %1, #40, #24")
RR(bfi_w, "mov %0, %2\n\tbfi %w0, %w1, #28, #4")    /* 32-bit: clears b's upper half */

typedef int64_t (*op_fn)(int64_t, int64_t);
#define OP(f) {#f, f}
static const struct { const char *name; op_fn fn; } OPS[] = {
    OP(add_x), OP(add_w), OP(sub_x), OP(sub_w), OP(add_lsl), OP(sub_asr), OP(add_lsr_w),
    OP(add_uxtb), OP(add_sxth), OP(sub_sxtw), OP(add_uxtw_w), OP(and_x), OP(orr_x), OP(eor_x),
    OP(bic_x), OP(orn_x), OP(eon_x), OP(and_ror), OP(orr_w_ror), OP(lslv_x), OP(lslv_w),
    OP(lsrv_x), OP(lsrv_w), OP(asrv_x), OP(asrv_w), OP(rorv_x), OP(rorv_w), OP(mul_x),
    OP(mul_w), OP(mneg_x), OP(madd_x), OP(msub_w), OP(smull), OP(umull), OP(smaddl),
    OP(umsubl), OP(smulh), OP(umulh), OP(sdiv_x), OP(udiv_x), OP(sdiv_w), OP(udiv_w),
    OP(extr_x), OP(extr_x63), OP(extr_w), OP(bfi_x), OP(bfxil_x), OP(bfi_w),
};

/* Flag-setting: NZCV in (for adcs/sbcs: C), the result and NZCV out. */
#define FL(fn, insn) static int64_t fn(int64_t a, int64_t b, uint64_t *nzcv) \
    { int64_t r; uint64_t f = *nzcv; \
      __asm__ volatile("msr nzcv, %1\n\t" insn "\n\tmrs %1, nzcv" \
                       : "=&r"(r), "+r"(f) : "r"(a), "r"(b)); \
      *nzcv = f; return r; }
FL(adds_x, "adds %0, %2, %3")   FL(adds_w, "adds %w0, %w2, %w3")
FL(subs_x, "subs %0, %2, %3")   FL(subs_w, "subs %w0, %w2, %w3")
FL(adcs_x, "adcs %0, %2, %3")   FL(adcs_w, "adcs %w0, %w2, %w3")
FL(sbcs_x, "sbcs %0, %2, %3")   FL(sbcs_w, "sbcs %w0, %w2, %w3")
FL(ands_x, "ands %0, %2, %3")   FL(bics_w, "bics %w0, %w2, %w3")
FL(negs_x, "negs %0, %3")       FL(ngcs_w, "ngcs %w0, %w3")
FL(adds_sxtw, "adds %0, %2, %w3, sxtw #1") FL(subs_lsl_w, "subs %w0, %w2, %w3, lsl #16")
FL(adc_x, "adc %0, %2, %3")     FL(sbc_w, "sbc %w0, %w2, %w3")   /* carry in, flags kept */

typedef int64_t (*fl_fn)(int64_t, int64_t, uint64_t *);
#define FOP(f, cin) {#f, f, cin}
static const struct { const char *name; fl_fn fn; int carry_in; } FOPS[] = {
    FOP(adds_x, 0), FOP(adds_w, 0), FOP(subs_x, 0), FOP(subs_w, 0), FOP(adcs_x, 1),
    FOP(adcs_w, 1), FOP(sbcs_x, 1), FOP(sbcs_w, 1), FOP(ands_x, 0), FOP(bics_w, 0),
    FOP(negs_x, 0), FOP(ngcs_w, 1), FOP(adds_sxtw, 0), FOP(subs_lsl_w, 0), FOP(adc_x, 1),
    FOP(sbc_w, 1),
};

/* Conditions: csel 1/0 and b.cond under a given NZCV, and ccmp/ccmn. */
#define COND(c) \
    static int64_t cs_##c(uint64_t f) { int64_t r; \
        __asm__ volatile("msr nzcv, %1\n\tcsel %0, %2, xzr, " #c : "=r"(r) : "r"(f), "r"(1L)); \
        return r; } \
    static int64_t b_##c(uint64_t f) { int64_t r; \
        __asm__ volatile("msr nzcv, %1\n\tmov %0, #1\n\tb." #c " 1f\n\tmov %0, #0\n1:" \
                         : "=&r"(r) : "r"(f)); return r; } \
    static uint64_t ccmp_##c(uint64_t f, int64_t a, int64_t b) { \
        __asm__ volatile("msr nzcv, %0\n\tccmp %1, %2, #0xa, " #c "\n\tmrs %0, nzcv" \
                         : "+r"(f) : "r"(a), "r"(b)); return f; } \
    static uint64_t ccmn_##c(uint64_t f, int64_t a, int64_t b) { \
        __asm__ volatile("msr nzcv, %0\n\tccmn %w1, %w2, #0x5, " #c "\n\tmrs %0, nzcv" \
                         : "+r"(f) : "r"(a), "r"(b)); return f; } \
    static uint64_t ccmpi_##c(uint64_t f, int64_t a, int64_t b) { (void)b; \
        __asm__ volatile("msr nzcv, %0\n\tccmp %1, #31, #0x3, " #c "\n\tmrs %0, nzcv" \
                         : "+r"(f) : "r"(a)); return f; }
COND(eq) COND(ne) COND(cs) COND(cc) COND(mi) COND(pl) COND(vs) COND(vc)
COND(hi) COND(ls) COND(ge) COND(lt) COND(gt) COND(le) COND(al) COND(nv)
#define C(c) {#c, cs_##c, b_##c, ccmp_##c, ccmn_##c, ccmpi_##c}
static const struct {
    const char *name;
    int64_t (*csel)(uint64_t), (*b)(uint64_t);
    uint64_t (*ccmp)(uint64_t, int64_t, int64_t), (*ccmn)(uint64_t, int64_t, int64_t),
             (*ccmpi)(uint64_t, int64_t, int64_t);
} CONDS[] = {
    C(eq), C(ne), C(cs), C(cc), C(mi), C(pl), C(vs), C(vc),
    C(hi), C(ls), C(ge), C(lt), C(gt), C(le), C(al), C(nv),
};

/* csel family after `cmp a, b` (cond lt): each picks a, or b transformed. */
RR(csel_lt, "cmp %1, %2\n\tcsel %0, %1, %2, lt")      RR(csinc_lt, "cmp %1, %2\n\tcsinc %0, %1, %2, lt")
RR(csinv_lt, "cmp %1, %2\n\tcsinv %0, %1, %2, lt")    RR(csneg_lt, "cmp %1, %2\n\tcsneg %0, %1, %2, lt")
RR(csneg_w_hs, "cmp %w1, %w2\n\tcsneg %w0, %w1, %w2, hs")
RR(cset_gt, "cmp %1, %2\n\tcset %0, gt")              RR(csetm_w_hi, "cmp %w1, %w2\n\tcsetm %w0, hi")
RR(cinc_w_mi, "cmn %w1, %w2\n\tcinc %w0, %w1, mi")    RR(cneg_vs, "cmn %1, %2\n\tcneg %0, %1, vs")

/* Unary: bitfields, extends, immediate shifts, bit counts and reversals. */
#define UN(fn, insn) static int64_t fn(int64_t a) \
    { int64_t r; __asm__ volatile(insn : "=&r"(r) : "r"(a)); return r; }
UN(ubfx_x, "ubfx %0, %1, #8, #16")    UN(sbfx_x, "sbfx %0, %1, #4, #8")
UN(ubfx_w, "ubfx %w0, %w1, #31, #1")  UN(sbfx_w, "sbfx %w0, %w1, #1, #31")
UN(ubfiz_x, "ubfiz %0, %1, #56, #8")  UN(sbfiz_w, "sbfiz %w0, %w1, #3, #29")
UN(sxtb_x, "sxtb %0, %w1")            UN(sxth_w, "sxth %w0, %w1")   UN(sxtw_x, "sxtw %0, %w1")
UN(uxtb_w, "uxtb %w0, %w1")           UN(uxth_w, "uxth %w0, %w1")
UN(lsl_i, "lsl %0, %1, #63")          UN(lsr_i, "lsr %0, %1, #1")   UN(asr_i, "asr %0, %1, #33")
UN(lsl_iw, "lsl %w0, %w1, #31")       UN(asr_iw, "asr %w0, %w1, #31") UN(ror_i, "ror %0, %1, #1")
UN(ror_iw, "ror %w0, %w1, #16")       UN(sbfm_raw, "sbfm %0, %1, #62, #3")
UN(ubfm_raw_w, "ubfm %w0, %w1, #30, #29")
UN(rev_x, "rev %0, %1")               UN(rev_w, "rev %w0, %w1")
UN(rev16_x, "rev16 %0, %1")           UN(rev32_x, "rev32 %0, %1")   UN(rev16_w, "rev16 %w0, %w1")
UN(clz_x, "clz %0, %1")               UN(clz_w, "clz %w0, %w1")
UN(cls_x, "cls %0, %1")               UN(cls_w, "cls %w0, %w1")
UN(rbit_x, "rbit %0, %1")             UN(rbit_w, "rbit %w0, %w1")
UN(neg_w, "neg %w0, %w1")             UN(mvn_x, "mvn %0, %1")
UN(and_imm, "and %0, %1, #0x00ff00ff00ff00ff") UN(orr_imm_w, "orr %w0, %w1, #0x80000001")
UN(eor_imm, "eor %0, %1, #0xfffffffffffffffe") UN(add_imm_lsl12, "add %0, %1, #0xabc, lsl #12")
UN(sub_imm_w, "sub %w0, %w1, #4095")
UN(cbz_w, "mov %0, #1\n\tcbz %w1, 1f\n\tmov %0, #0\n1:")     /* the low 32 bits only */
UN(cbnz_x, "mov %0, #1\n\tcbnz %1, 1f\n\tmov %0, #0\n1:")
UN(tbz_63, "mov %0, #1\n\ttbz %1, #63, 1f\n\tmov %0, #0\n1:")
UN(tbnz_31, "mov %0, #1\n\ttbnz %w1, #31, 1f\n\tmov %0, #0\n1:")
UN(movk_x, "mov %0, %1\n\tmovk %0, #0xbeef, lsl #48")
UN(movk_w, "mov %0, %1\n\tmovk %w0, #0xcafe, lsl #16")     /* clears the upper half */

typedef int64_t (*un_fn)(int64_t);
static const struct { const char *name; un_fn fn; } UNS[] = {
    OP(ubfx_x), OP(sbfx_x), OP(ubfx_w), OP(sbfx_w), OP(ubfiz_x), OP(sbfiz_w), OP(sxtb_x),
    OP(sxth_w), OP(sxtw_x), OP(uxtb_w), OP(uxth_w), OP(lsl_i), OP(lsr_i), OP(asr_i),
    OP(lsl_iw), OP(asr_iw), OP(ror_i), OP(ror_iw), OP(sbfm_raw), OP(ubfm_raw_w), OP(rev_x),
    OP(rev_w), OP(rev16_x), OP(rev32_x), OP(rev16_w), OP(clz_x), OP(clz_w), OP(cls_x),
    OP(cls_w), OP(rbit_x), OP(rbit_w), OP(neg_w), OP(mvn_x), OP(and_imm), OP(orr_imm_w),
    OP(eor_imm), OP(add_imm_lsl12), OP(sub_imm_w), OP(cbz_w), OP(cbnz_x), OP(tbz_63),
    OP(tbnz_31), OP(movk_x), OP(movk_w),
};
static const struct { const char *name; op_fn fn; } CSELS[] = {
    OP(csel_lt), OP(csinc_lt), OP(csinv_lt), OP(csneg_lt), OP(csneg_w_hs), OP(cset_gt),
    OP(csetm_w_hi), OP(cinc_w_mi), OP(cneg_vs),
};

static const int64_t VALUES[] = {
    0, 1, -1, 2, 7, -7, 31, 32, 63, 64, 0x7fffffff, -0x80000000LL, 0x80000000LL, 0xffffffffLL,
    0x100000000LL, 0x123456789abcdef0LL, INT64_MAX, INT64_MIN, (int64_t)0x8000000000000001ULL,
};

static int failures;
static uint64_t sum;
static void check(const char *what, int64_t got, int64_t want)
{
    if (got != want) {
        printf("FAIL %s: got %016llx want %016llx\n", what,
               (unsigned long long)got, (unsigned long long)want);
        failures++;
    }
}
static void mix(uint64_t v) { sum = sum * 31 + v; }

/* the NZCV nibble of an adds/subs/... */
static int flags(fl_fn fn, int64_t a, int64_t b, int carry)
{
    uint64_t f = carry ? 0x20000000 : 0;
    fn(a, b, &f);
    return (int)(f >> 28);
}

int main(void)
{
    for (unsigned o = 0; o < N(OPS); o++) {
        printf("%s:", OPS[o].name);
        for (unsigned i = 0; i < N(VALUES); i++)
            for (unsigned j = 0; j < N(VALUES); j += 3) {
                int64_t r = OPS[o].fn(VALUES[i], VALUES[j]);
                mix((uint64_t)r);
                if (j == 0 || i % 4 == 0)
                    printf(" %llx", (unsigned long long)r);
            }
        printf("\n");
    }
    /* Flag-setting ops: NZCV starts as N,Z,V set (0xd) or, for the carry-in ones, C alone. */
    for (unsigned o = 0; o < N(FOPS); o++)
        for (int cin = 0; cin <= FOPS[o].carry_in; cin++) {
            printf("%s%s:", FOPS[o].name, FOPS[o].carry_in ? (cin ? " C=1" : " C=0") : "");
            for (unsigned i = 0; i < N(VALUES); i++)
                for (unsigned j = 0; j < N(VALUES); j++) {
                    uint64_t f = FOPS[o].carry_in ? (uint64_t)cin << 29 : 0xd0000000;
                    int64_t r = FOPS[o].fn(VALUES[i], VALUES[j], &f);
                    mix((uint64_t)r ^ f);
                    if (j % 3 == 0 && (i % 3 == 0 || j == 0))
                        printf(" %llx/%x", (unsigned long long)r, (unsigned)(f >> 28));
                }
            printf("\n");
        }
    /* Every condition under every NZCV: csel and b.cond must agree (al and nv: always). */
    for (unsigned c = 0; c < N(CONDS); c++) {
        printf("cond %s:", CONDS[c].name);
        for (uint64_t f = 0; f < 16; f++) {
            int64_t s = CONDS[c].csel(f << 28), b = CONDS[c].b(f << 28);
            printf(" %lld", (long long)s);
            if (s != b) {
                printf(" FAIL(b.%s)", CONDS[c].name);
                failures++;
            }
            mix((uint64_t)s);
        }
        printf("\n");
    }
    /* ccmp/ccmn: compare if the condition holds, else take the immediate NZCV. */
    static const int64_t CC[][2] = {{5, 5}, {-1, 1}, {INT64_MIN, 1}, {0x7fffffff, -1},
                                    {0x80000000LL, 0x80000000LL}, {31, 0}};
    for (unsigned c = 0; c < N(CONDS); c++) {
        printf("ccmp/ccmn/ccmp#31 %s:", CONDS[c].name);
        for (uint64_t f = 0; f < 16; f += 5)
            for (unsigned k = 0; k < N(CC); k++) {
                uint64_t a = CONDS[c].ccmp(f << 28, CC[k][0], CC[k][1]) >> 28;
                uint64_t b = CONDS[c].ccmn(f << 28, CC[k][0], CC[k][1]) >> 28;
                uint64_t i = CONDS[c].ccmpi(f << 28, CC[k][0], 0) >> 28;
                printf(" %llx%llx%llx", (unsigned long long)a, (unsigned long long)b,
                       (unsigned long long)i);
                mix(a << 8 | b << 4 | i);
            }
        printf("\n");
    }
    for (unsigned o = 0; o < N(CSELS); o++) {
        printf("%s:", CSELS[o].name);
        for (unsigned i = 0; i < N(VALUES); i += 2)
            for (unsigned j = 0; j < N(VALUES); j += 5) {
                int64_t r = CSELS[o].fn(VALUES[i], VALUES[j]);
                mix((uint64_t)r);
                printf(" %llx", (unsigned long long)r);
            }
        printf("\n");
    }
    for (unsigned o = 0; o < N(UNS); o++) {
        printf("%s:", UNS[o].name);
        for (unsigned i = 0; i < N(VALUES); i++) {
            int64_t r = UNS[o].fn(VALUES[i]);
            mix((uint64_t)r);
            printf(" %llx", (unsigned long long)r);
        }
        printf("\n");
    }
    int64_t mz, mk, mn;
    __asm__ volatile("movz %0, #0x1234, lsl #32\n\tmovn %1, #0x5678, lsl #16\n\t"
                     "movn %w2, #0x1\n\tmovk %2, #0xffff, lsl #48"
                     : "=r"(mz), "=r"(mk), "=r"(mn));
    printf("movz/movn/movn.w+movk: %llx %llx %llx\n", (unsigned long long)mz,
           (unsigned long long)mk, (unsigned long long)mn);
    mix(mz ^ mk ^ mn);
    printf("checksum %016llx\n", (unsigned long long)sum);

    /* Division edge cases the Arm ARM defines (no trap). */
    volatile int64_t zero = 0, m1 = -1, mnv = INT64_MIN, x = 12345;
    check("sdiv x/0", sdiv_x(x, zero), 0);
    check("udiv x/0", udiv_x(x, zero), 0);
    check("sdiv MIN/-1", sdiv_x(mnv, m1), INT64_MIN);
    check("sdiv w x/0", sdiv_w(-777, zero), 0);
    check("udiv w x/0", udiv_w(-777, zero), 0);
    check("sdiv w MIN/-1", sdiv_w(INT32_MIN, m1), 0x80000000LL);   /* zero-extended W */
    check("udiv w ignores the upper half", udiv_w(0x100000010LL, 2), 8);
    /* The same through plain C (volatile operands: real sdiv/msub at run time). */
    check("C 64-bit /", x / -7, -1763);
    check("C 64-bit %", x % -7, 4);
    check("C 64-bit / 0 (UB in C; sdiv gives 0)", x / zero, 0);
    /* Shifts use the amount modulo the width; W results zero the upper half. */
    check("lslv by 65", lslv_x(1, 65), 2);
    check("lslv w by 33", lslv_w(1, 33), 2);
    check("asrv w sign", asrv_w(0x80000000LL, 4), 0xf8000000LL);
    check("add w wraps, upper half 0", add_w(0xffffffffLL, 1), 0);
    check("smulh", smulh(INT64_MIN, 2), -1);
    check("umulh", umulh(-1, -1), -2);
    check("smull", smull(-1, 0x7fffffff), -0x7fffffffLL);
    check("clz 0", clz_x(0), 64);
    check("clz w 0", clz_w(0), 32);
    check("cls 0 / -1", cls_x(0) + cls_x(-1), 126);
    check("rbit 1", rbit_x(1), INT64_MIN);
    check("rev", rev_x(0x0102030405060708LL), 0x0807060504030201LL);
    check("extr #63", extr_x63(1, INT64_MIN), 3);
    check("cbz w sees the low half", cbz_w(0x100000000LL), 1);
    /* Flags at the edges: NZCV as a nibble. */
    check("adds MAX+1: N V", flags(adds_x, INT64_MAX, 1, 0), 0x9);
    check("adds -1+1: Z C", flags(adds_x, -1, 1, 0), 0x6);
    check("subs 0-1: N", flags(subs_x, 0, 1, 0), 0x8);
    check("subs x-x: Z C", flags(subs_x, 5, 5, 0), 0x6);
    check("subs MIN-1: C V", flags(subs_x, INT64_MIN, 1, 0), 0x3);
    check("adds w 0x7fffffff+1: N V", flags(adds_w, 0x7fffffff, 1, 0), 0x9);
    check("adcs -1+0+C: Z C", flags(adcs_x, -1, 0, 1), 0x6);
    check("sbcs 0-0-!C (C=0): N", flags(sbcs_x, 0, 0, 0), 0x8);
    check("sbcs 0-0-!C (C=1): Z C", flags(sbcs_x, 0, 0, 1), 0x6);
    check("ands: N Z only, C V cleared", flags(ands_x, INT64_MIN, -1, 1), 0x8);
    printf("%s (%d failures)\n", failures ? "FAIL" : "ok", failures);
    return failures != 0;
}
