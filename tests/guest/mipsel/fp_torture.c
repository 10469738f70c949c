/* fp_torture (mipsel): the MIPS32r2 FPU's scalar instructions (single and double) over tables of
 * awkward operands, under every FCSR rounding mode and with flush-to-zero (FS).
 *
 * One line per case, all in hex, for a replay test to parse:
 *     add.d fcsr=<FCSR in> a=<a> b=<b> [c=<c>] -> <result> fcsr=<FCSR out>
 * Operands are loaded with ldc1 into $f0, $f2, $f6 (single-precision instructions read the low
 * 32 bits); the result register $f4 starts as 0x5555555555555555. Only even registers and
 * ldc1/sdc1 are used, and a single-precision or word result prints as its 32 bits alone: the
 * lines are then the same whether the FPU runs with FR=0 (zig's FP32 build; jitvm always) or
 * FR=1 (qemu runs Debian's FPXX build so), where the other half of a register is unpredictable
 * or another register. Before each instruction FCSR is set (RM in bits 1:0: 0 nearest, 1 towards
 * zero, 2 up, 3 down; FS bit 24), which clears the flags; after it FCSR is printed whole: cause
 * (bits 17:12: E V Z O U I), flags (6:2: V Z O U I) and the condition codes (cc0 bit 23, cc1-7
 * bits 25-31) the compares set. No enable bits: an enabled exception traps (sig_fault has one).
 * NaNs are the legacy MIPS encoding: a quiet NaN has the top fraction bit CLEAR (0x7ff7ffff...,
 * 0x7fbfffff are the default NaNs), the other ISAs' quiet NaNs are signalling here.
 * Not covered: the 64-bit integer (L) and paired-single formats, which need FR=1.
 * The C library's view closes the output: fesetround/fegetround and fetestexcept around plain
 * C arithmetic (the libm lines).
 * build-flags: -O1 -lm
 */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef uint32_t u32;
#define G 0x5555555555555555ull
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define FS (1u << 24)
static const u32 M_ALL[] = {0, 1, 2, 3, FS};
static const u32 M_RM[] = {0, 1, 2, 3};
static const u32 M_NR[] = {0};

static const u64 dv[] = {
    0, 0x8000000000000000, 1, 0x8000000000000001, 0x000fffffffffffff, 0x0010000000000000,
    0x7fefffffffffffff, 0xffefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff7ffffffffffff, 0x7ff4000000000abc, 0xfff0000000000123,       /* quiet (legacy) NaNs */
    0x7ff8000000000000, 0xfff8000000000005,                           /* signalling NaNs */
    0x3ff0000000000000, 0x3ff0000000000001, 0xbff0000000000000, 0x3fefffffffffffff,
    0x4008000000000000, 0x3fb999999999999a, 0x3fd5555555555555, 0x3ca0000000000000,
    0x3ff8000000000000, 0x41dfffffffc00000, 0xc1e0000000200000, 0x41e0000000000000,
    0xc1e0000000000000, 0x3fe0000000000000, 0xbfe8000000000000, 0x4004000000000000,
    0xc004000000000000, 0x3690000000000000, 0x47efffffe0000000, 0x3810000000000000,
};
static const u64 sv[] = {
    0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
    0xff800000, 0x7fbfffff, 0x7fa00abc, 0xff800123,                   /* quiet (legacy) NaNs */
    0x7fc00000, 0xffc00005,                                           /* signalling NaNs */
    0x3f800000, 0x3f800001, 0xbf800000, 0x3f7fffff, 0x40400000, 0x3dcccccd, 0x3eaaaaab,
    0x33800000, 0x3fc00000, 0x4f000000, 0xcf000000, 0x4effffff, 0x3f000000, 0xbf400000,
    0x40200000, 0xc0200000, 0x5f000000,
};
/* multiply-add operands: the cube of these, plus hand-picked triples */
static const u64 dfv[] = {
    0, 0x8000000000000000, 1, 0x0010000000000000, 0x7fefffffffffffff, 0x7ff0000000000000,
    0x7ff7ffffffffffff, 0x7ff8000000000001, 0x3ff0000000000001, 0xbff0000000000000,
    0x3fd5555555555555,
};
static const u64 sfv[] = {
    0, 0x80000000, 1, 0x00800000, 0x7f7fffff, 0x7f800000, 0x7fbfffff, 0x7fc00001, 0x3f800001,
    0xbf800000, 0x3eaaaaab,
};
static const u64 dtriples[][3] = {
    {0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002},
    {0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000},
    {0x2000000000000001, 0x1fffffffffffffff, 0x8010000000000000},
    {0x7fe0000000000001, 0x4000000000000000, 0xffefffffffffffff},
    {0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000},
    {0x7ff0000000000000, 0, 0x7ff7ffffffffffff},
    {0x7ff7000000000001, 0x7ff8000000000002, 0x7ff7000000000003},
};
static const u64 striples[][3] = {
    {0x39800001, 0x397ffffe, 0x3f800003}, {0x3f800001, 0x3f800001, 0xbf800002},
    {0x7f000001, 0x40000000, 0xff7fffff}, {0x3f800000, 0x33800000, 0x3f800000},
    {0x7f800000, 0, 0x7fbfffff}, {0x7fbf0001, 0x7fc00002, 0x7fbf0003},
};
/* 32-bit integers for cvt.s.w / cvt.d.w */
static const u64 iv[] = {0, 1, 3, 0xffffffff, 0x7fffffff, 0x80000000, 0x1000001, 0xff000001,
                         0x7fffff80, 0xfffff801, 0x12345678};

/* $f0 = a, $f2 = b, $f6 = c, $f4 = G; FCSR = fc; the instruction(s); FCSR out; $f4 out */
#define DEF(fn, text)                                                                          \
    static u64 fn(const u64 *in, u32 fc, u32 *fo) {                                            \
        u64 r = G;                                                                             \
        u32 f;                                                                                 \
        __asm__ volatile(".set push\n\t.set noreorder\n\t"                                     \
                         "ldc1 $f0, 0(%[in])\n\tldc1 $f2, 8(%[in])\n\tldc1 $f6, 16(%[in])\n\t" \
                         "ldc1 $f4, 0(%[r])\n\tctc1 %[fc], $31\n\t"                            \
                         text "\n\t"                                                           \
                         "cfc1 %[f], $31\n\tctc1 $0, $31\n\tsdc1 $f4, 0(%[r])\n\t.set pop"     \
                         : [f] "=&r"(f)                                                        \
                         : [in] "r"(in), [r] "r"(&r), [fc] "r"(fc)                             \
                         : "memory", "$f0", "$f2", "$f4", "$f6");                              \
        *fo = f;                                                                               \
        return r;                                                                              \
    }
#define BIN(op) DEF(t_##op##_s, #op ".s $f4, $f0, $f2") DEF(t_##op##_d, #op ".d $f4, $f0, $f2")
#define UN(op) DEF(t_##op##_s, #op ".s $f4, $f0") DEF(t_##op##_d, #op ".d $f4, $f0")
#define TER(op) DEF(t_##op##_s, #op ".s $f4, $f6, $f0, $f2") \
                DEF(t_##op##_d, #op ".d $f4, $f6, $f0, $f2")
#define CMP(c) DEF(t_c_##c##_s, "c." #c ".s $f0, $f2") DEF(t_c_##c##_d, "c." #c ".d $f0, $f2")
BIN(add) BIN(sub) BIN(mul) BIN(div)
UN(sqrt) UN(abs) UN(neg) UN(mov)
#define TOW_DEF(op) DEF(t_##op##_w_s, #op ".w.s $f4, $f0") DEF(t_##op##_w_d, #op ".w.d $f4, $f0")
TOW_DEF(cvt) TOW_DEF(round) TOW_DEF(trunc) TOW_DEF(ceil) TOW_DEF(floor)
DEF(t_cvt_s_d, "cvt.s.d $f4, $f0") DEF(t_cvt_d_s, "cvt.d.s $f4, $f0")
DEF(t_cvt_s_w, "cvt.s.w $f4, $f0") DEF(t_cvt_d_w, "cvt.d.w $f4, $f0")
TER(madd) TER(msub) TER(nmadd) TER(nmsub)
CMP(f) CMP(un) CMP(eq) CMP(ueq) CMP(olt) CMP(ult) CMP(ole) CMP(ule)
CMP(sf) CMP(ngle) CMP(seq) CMP(ngl) CMP(lt) CMP(nge) CMP(le) CMP(ngt)
/* condition codes other than 0, and their users: bc1t with mov.d in its delay slot (min),
   movt.d/movf.d on cc3 */
DEF(t_c_lt_cc3_d, "c.lt.d $fcc3, $f0, $f2")
DEF(t_bc1t_min_d, "c.lt.d $f0, $f2\n\tbc1t 1f\n\tmov.d $f4, $f0\n\tmov.d $f4, $f2\n1:")
DEF(t_movt_min_d, "c.lt.d $fcc3, $f0, $f2\n\tmov.d $f4, $f2\n\tmovt.d $f4, $f0, $fcc3")
DEF(t_movf_max_s, "c.lt.s $fcc3, $f0, $f2\n\tmov.s $f4, $f2\n\tmovf.s $f4, $f0, $fcc3")

typedef u64 (*opfn)(const u64 *, u32, u32 *);
struct op { const char *name; opfn fn; int nargs; const u32 *modes; int nmodes;
            const u64 *v; int nv; int single_out; };
#define MODES(m) m, N(m)
/* single_out: the result is 32 bits (a single or a word) */
#define OP2(name, fn, m, v, s) {name, fn, 2, MODES(m), v, N(v), s}
#define OP1(name, fn, m, v, s) {name, fn, 1, MODES(m), v, N(v), s}
#define PAIR2(op, nm, m) OP2(nm ".s", t_##op##_s, m, sv, 1), OP2(nm ".d", t_##op##_d, m, dv, 0)
#define PAIR1(op, nm, m) OP1(nm ".s", t_##op##_s, m, sv, 1), OP1(nm ".d", t_##op##_d, m, dv, 0)
#define TOW(op) OP1(#op ".w.s", t_##op##_w_s, M_RM, sv, 1), OP1(#op ".w.d", t_##op##_w_d, M_RM, dv, 1)
#define CMPS(c) PAIR2(c_##c, "c." #c, M_NR)
static const struct op ops[] = {
    PAIR2(add, "add", M_ALL), PAIR2(sub, "sub", M_ALL), PAIR2(mul, "mul", M_ALL),
    PAIR2(div, "div", M_ALL),
    PAIR1(sqrt, "sqrt", M_ALL), PAIR1(abs, "abs", M_NR), PAIR1(neg, "neg", M_NR),
    PAIR1(mov, "mov", M_NR),
    TOW(cvt), TOW(round), TOW(trunc), TOW(ceil), TOW(floor),
    OP1("cvt.s.d", t_cvt_s_d, M_ALL, dv, 1), OP1("cvt.d.s", t_cvt_d_s, M_ALL, sv, 0),
    OP1("cvt.s.w", t_cvt_s_w, M_RM, iv, 1), OP1("cvt.d.w", t_cvt_d_w, M_NR, iv, 0),
    CMPS(f), CMPS(un), CMPS(eq), CMPS(ueq), CMPS(olt), CMPS(ult), CMPS(ole), CMPS(ule),
    CMPS(sf), CMPS(ngle), CMPS(seq), CMPS(ngl), CMPS(lt), CMPS(nge), CMPS(le), CMPS(ngt),
    OP2("c.lt.d cc3", t_c_lt_cc3_d, M_NR, dv, 0), OP2("bc1t min.d", t_bc1t_min_d, M_NR, dv, 0),
    OP2("movt.d min", t_movt_min_d, M_NR, dv, 0), OP2("movf.s max", t_movf_max_s, M_NR, sv, 1),
};

static void line(const char *name, int nargs, const u64 *in, u32 fc, u64 r, u32 f, int s)
{
    printf("%s fcsr=%x", name, fc);
    for (int k = 0; k < nargs; k++)
        printf(" %c=%016llx", "abc"[k], (unsigned long long)in[k]);
    printf(" -> %016llx fcsr=%x\n", (unsigned long long)(s ? r & 0xffffffff : r), f);
}

static void run_ops(void)
{
    for (int o = 0; o < N(ops); o++) {
        const struct op *op = &ops[o];
        for (int m = 0; m < op->nmodes; m++)
            for (int i = 0; i < op->nv; i++)
                for (int j = 0; j < (op->nargs == 2 ? op->nv : 1); j++) {
                    u64 in[3] = {op->v[i], op->nargs == 2 ? op->v[j] : 0, 0};
                    u32 f;
                    u64 r = op->fn(in, op->modes[m], &f);
                    line(op->name, op->nargs, in, op->modes[m], r, f, op->single_out);
                }
    }
}

static void fused1(const char *name, opfn fn, u64 a, u64 b, u64 c, u32 fc, int s)
{
    u64 in[3] = {a, b, c};
    u32 f;
    u64 r = fn(in, fc, &f);
    line(name, 3, in, fc, r, f, s);
}

static void run_fused(const char *name, opfn fn, const u64 *v, int n, const u64 (*t)[3], int nt,
                      int s)
{
    for (int m = 0; m < N(M_RM); m++) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++)
                    fused1(name, fn, v[i], v[j], v[k], M_RM[m], s);
        for (int i = 0; i < nt; i++)
            fused1(name, fn, t[i][0], t[i][1], t[i][2], M_RM[m], s);
    }
}

/* The C library's view: the rounding mode by fesetround, the flags by fetestexcept. */
static void run_libm(void)
{
    static const struct { const char *name; int mode; } modes[] = {
        {"FE_TONEAREST", FE_TONEAREST}, {"FE_UPWARD", FE_UPWARD},
        {"FE_DOWNWARD", FE_DOWNWARD}, {"FE_TOWARDZERO", FE_TOWARDZERO},
    };
    volatile double one = 1.0, three = 3.0, zero = 0.0, big = 0x1p1023, tiny = 0x1p-1022;
    for (int m = 0; m < N(modes); m++) {
        fesetround(modes[m].mode);
        feclearexcept(FE_ALL_EXCEPT);
        volatile double q = one / three, nq = -one / three;
        int inexact = fetestexcept(FE_INEXACT) != 0;
        volatile double ov = big * 4.0;
        int overflow = fetestexcept(FE_OVERFLOW) != 0;
        volatile double un = tiny / three;
        int underflow = fetestexcept(FE_UNDERFLOW) != 0;
        volatile double dz = one / zero;
        int divzero = fetestexcept(FE_DIVBYZERO) != 0;
        volatile double nan = zero / zero;
        int invalid = fetestexcept(FE_INVALID) != 0;
        union { double d; u64 u; } a = {q}, b = {nq}, c = {ov}, d = {un}, e = {dz}, g = {nan};
        printf("libm %s: fegetround ok=%d 1/3=%016llx -1/3=%016llx big*4=%016llx "
               "tiny/3=%016llx 1/0=%016llx 0/0=%016llx flags NX=%d OF=%d UF=%d DZ=%d NV=%d\n",
               modes[m].name, fegetround() == modes[m].mode, (unsigned long long)a.u,
               (unsigned long long)b.u, (unsigned long long)c.u, (unsigned long long)d.u,
               (unsigned long long)e.u, (unsigned long long)g.u, inexact, overflow, underflow,
               divzero, invalid);
    }
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
    run_ops();
    run_fused("madd.d", t_madd_d, dfv, N(dfv), dtriples, N(dtriples), 0);
    run_fused("msub.d", t_msub_d, dfv, N(dfv), dtriples, N(dtriples), 0);
    run_fused("nmadd.d", t_nmadd_d, dfv, N(dfv), dtriples, N(dtriples), 0);
    run_fused("nmsub.d", t_nmsub_d, dfv, N(dfv), dtriples, N(dtriples), 0);
    run_fused("madd.s", t_madd_s, sfv, N(sfv), striples, N(striples), 1);
    run_fused("msub.s", t_msub_s, sfv, N(sfv), striples, N(striples), 1);
    run_fused("nmadd.s", t_nmadd_s, sfv, N(sfv), striples, N(striples), 1);
    run_fused("nmsub.s", t_nmsub_s, sfv, N(sfv), striples, N(striples), 1);
    run_libm();
    return 0;
}
