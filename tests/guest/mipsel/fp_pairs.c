/* fp_pairs (mipsel, FR=0 only): every FPU instruction of mips_fp.py over tables of awkward
 * operands, in every rounding mode, some with FCSR.FS (flush to zero) set too, showing both
 * registers of every pair (fp_torture.c prints only what FR=0 and FR=1 agree on).
 *
 * One line per case, all in hex, parsed by tests/translators/mipsel/test_mips_fp_qemu.py, which
 * replays each case through the Python semantics and compares the result and FCSR:
 *     add.d fcsr=<FCSR before> a=<pair f0> b=<pair f2> c=<pair f4> -> <pair f6> fcsr=<FCSR>
 * A "pair" is the 64-bit value of an even/odd register pair, odd register high: a .d operand,
 * or a .s/.w operand in the low half with other bits in the odd register, which the
 * instruction must not read (nor write: f6/f7 start as 0x5555555555555555). Operands go in
 * with mtc1/mthc1 (FR=0: mthc1 $fN writes $fN+1), results come out with mfc1/mfhc1. The
 * instruction runs between those moves in inline asm, so the compiler cannot fold it:
 *     op.d f6, f0, f2    madd.d f6, f4, f0, f2 (= f0 * f2 + f4)    c.cond.d $fcc1, f0, f2
 * Meaningful only as FP32 code (zig's mipsel-linux-musleabihf: QEMU runs it with FR=0); an FPXX
 * build (Debian's gcc) runs with FR=1 under QEMU, where the pairs are not pairs.
 */
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef uint32_t u32;
#define G 0x55555555u
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define FS (1u << 24)

static const u64 dv[] = {
    0, 0x8000000000000000, 1, 0x8000000000000001, 3, 0x000fffffffffffff, 0x0010000000000000,
    0x8010000000000000, 0x0018000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
    0x7fe0000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
    0x7ff0000000000001, 0xfff8000000000005, 0x7ff4000000000abc, 0xfff0000000000123,
    0x7ff7ffffffffffff, 0x3ff0000000000000, 0x3ff0000000000001, 0xbff0000000000000,
    0x3fefffffffffffff, 0x4000000000000000, 0x4008000000000000, 0x3fb999999999999a,
    0x3fd5555555555555, 0x3ca0000000000000, 0x3cb0000000000000, 0x4340000000000000,
    0x3ff8000000000000, 0x43e0000000000000, 0xc3e0000000000000, 0x41dfffffffc00000,
    0xc1e0000000200000, 0x41e0000000000000, 0xc1e0000000000000, 0x41dfffffffe00000,
    0x43f0000000000000, 0x3fe0000000000000, 0xbfe8000000000000, 0x4004000000000000,
    0xc004000000000000, 0x3690000000000000, 0x47efffffe0000000, 0x3810000000000000,
    0x2000000000000001, 0x1fffffffffffffff, 0x0010000000000001, 0x001fffffffffffff,
};
/* singles in the low half; the high half is what the odd register holds */
static const u64 sv[] = {
    0, 0x80000000, 1, 0x80000001, 3, 0x007fffff, 0x00800000, 0x80800000, 0x00c00000,
    0x7f7fffff, 0xff7fffff, 0x7f000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
    0xffc00005, 0x7fa00abc, 0xff800123, 0x7fbfffff, 0x3f800000, 0x3f800001, 0xbf800000,
    0x3f7fffff, 0x40000000, 0x40400000, 0x3dcccccd, 0x3eaaaaab, 0x33800000, 0x34000000,
    0x4b800000, 0x3fc00000, 0x5f000000, 0xdf000000, 0x4f000000, 0xcf000000, 0x3f000000,
    0xbf400000, 0x40200000, 0xc0200000, 0x4f800000, 0x5f800000, 0x4effffff, 0x20000001,
    0x1fffffff, 0x00800001, 0x00ffffff, 0x123456783f800000, 0xffffffffbf800000,
};
/* words (cvt.s.w, cvt.d.w): the low half; the high half must not matter */
static const u64 iv[] = {
    0, 1, 3, 0xffffffff, 0x7fffffff, 0x80000000, 0x80000001, 0x1000001, 0xff000001,
    0xfffffffe, 0x7fffff80, 0x123456789abcdef1, 0x00ffffff, 0x01000003,
};
/* madd family: the cube of these, plus hand-picked triples (a * b + c) */
static const u64 dfv[] = {
    0, 0x8000000000000000, 1, 0x0010000000000000, 0x7fefffffffffffff, 0x7ff0000000000000,
    0xfff8000000000005, 0x7ff4000000000001, 0x3ff0000000000001, 0xbff0000000000000,
    0x3fd5555555555555, 0x3ca0000000000000, 0x3ff0000000000000,
};
static const u64 sfv[] = {
    0, 0x80000000, 1, 0x00800000, 0x7f7fffff, 0x7f800000, 0xffc00005, 0x7fa00001,
    0x3f800001, 0xbf800000, 0x3eaaaaab, 0x33800000, 0x3f800000,
};
static const u64 dtriples[][3] = {
    {0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002},
    {0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000},
    {0x2000000000000001, 0x1fffffffffffffff, 0x8010000000000000},
    {0x1ff0000000000001, 0x1ff0000000000001, 0x800fffffffffffff},
    {0x7fe0000000000001, 0x4000000000000000, 0xffefffffffffffff},
    {0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000},
    {0x7ff0000000000000, 0, 0x7ff4000000000000},
    {0, 0xfff0000000000000, 0x7ff8000000000001},
    {0x7ff4000000000001, 0x7ff8000000000002, 0x7ff4000000000003},
    {0x0000000000000001, 0x3fe0000000000000, 0},
    {0x0000000000000003, 0x3fe0000000000000, 0x8000000000000000},
};
static const u64 striples[][3] = {
    {0x39800001, 0x397ffffe, 0x3f800003},
    {0x3f800001, 0x3f800001, 0xbf800002},
    {0x20000001, 0x1fffffff, 0x80800000},
    {0x7f000001, 0x40000000, 0xff7fffff},
    {0x3f800000, 0x33800000, 0x3f800000},
    {0x7f800000, 0, 0x7fa00000},
    {0x7fa00001, 0x7fc00002, 0x7fa00003},
    {1, 0x3f000000, 0},
};
/* flush to zero: operands whose sums, products, quotients are tiny or near it */
static const u64 tdv[] = {
    0x0010000000000000, 0x8010000000000000, 0x0010000000000001, 0x000fffffffffffff, 1,
    0x3fe0000000000000, 0x3ff0000000000000, 0x3ff0000000000001, 0x3fefffffffffffff,
    0x0018000000000000, 0x4000000000000000, 0x7fefffffffffffff, 0x3c90000000000000,
};
static const u64 tsv[] = {
    0x00800000, 0x80800000, 0x00800001, 0x007fffff, 1, 0x3f000000, 0x3f800000, 0x3f800001,
    0x3f7fffff, 0x00c00000, 0x40000000, 0x7f7fffff, 0x33000000,
};

#define BODY(text)                                                                             \
    __asm__ volatile(".set push\n\t.set noreorder\n\t"                                         \
                     "ctc1 %[fc], $31\n\t"                                                     \
                     "mtc1 %[a0], $f0\n\tmthc1 %[a1], $f0\n\t"                                 \
                     "mtc1 %[b0], $f2\n\tmthc1 %[b1], $f2\n\t"                                 \
                     "mtc1 %[c0], $f4\n\tmthc1 %[c1], $f4\n\t"                                 \
                     "mtc1 %[g], $f6\n\tmthc1 %[g], $f6\n\t" text "\n\t"                       \
                     "mfc1 %[r0], $f6\n\tmfhc1 %[r1], $f6\n\tcfc1 %[f], $31\n\t"               \
                     "ctc1 $zero, $31\n\t.set pop"                                             \
                     : [r0] "=&r"(r0), [r1] "=&r"(r1), [f] "=&r"(f)                            \
                     : [a0] "r"((u32)a), [a1] "r"((u32)(a >> 32)), [b0] "r"((u32)b),           \
                       [b1] "r"((u32)(b >> 32)), [c0] "r"((u32)c), [c1] "r"((u32)(c >> 32)),   \
                       [g] "r"(G), [fc] "r"(fc)                                                \
                     : "$f0", "$f1", "$f2", "$f3", "$f4", "$f5", "$f6", "$f7")
#define DEF(fn, text)                                                                          \
    static u64 fn(u64 a, u64 b, u64 c, u32 fc, u32 *fo) {                                      \
        u32 r0, r1, f;                                                                         \
        BODY(text);                                                                            \
        *fo = f;                                                                               \
        return ((u64)r1 << 32) | r0;                                                           \
    }
#define D2(fn, insn) DEF(fn, insn " $f6, $f0, $f2")
#define D1(fn, insn) DEF(fn, insn " $f6, $f0")
#define D3(fn, insn) DEF(fn, insn " $f6, $f4, $f0, $f2")
#define DC(fn, insn) DEF(fn, insn " $fcc1, $f0, $f2")

typedef u64 (*opfn)(u64, u64, u64, u32, u32 *);
struct op {
    const char *name;
    opfn fn;
    int arity, modes;          /* modes: 4 = every FCSR.RM, 8 = and each again with FS, 1 = RN */
    const u64 *v1, *v2;
    int n1, n2;
};

#define BIN(s) D2(t_##s##_s, #s ".s") D2(t_##s##_d, #s ".d")
#define UN(s) D1(t_##s##_s, #s ".s") D1(t_##s##_d, #s ".d")
#define TER(s) D3(t_##s##_s, #s ".s") D3(t_##s##_d, #s ".d")
BIN(add) BIN(sub) BIN(mul) BIN(div)
UN(sqrt) UN(abs) UN(neg) UN(mov) UN(recip) UN(rsqrt)
TER(madd) TER(msub) TER(nmadd) TER(nmsub)
D1(t_cvt_s_d, "cvt.s.d") D1(t_cvt_d_s, "cvt.d.s") D1(t_cvt_s_w, "cvt.s.w") D1(t_cvt_d_w, "cvt.d.w")
#define TOW(p) D1(t_##p##_w_s, #p ".w.s") D1(t_##p##_w_d, #p ".w.d")
TOW(cvt) TOW(round) TOW(trunc) TOW(ceil) TOW(floor)

#define OPW(p) {#p ".w.s", t_##p##_w_s, 1, 4, sv, 0, N(sv), 0}, \
               {#p ".w.d", t_##p##_w_d, 1, 4, dv, 0, N(dv), 0}
static const struct op ops[] = {
    {"add.s", t_add_s, 2, 4, sv, sv, N(sv), N(sv)},
    {"add.d", t_add_d, 2, 4, dv, dv, N(dv), N(dv)},
    {"sub.s", t_sub_s, 2, 4, sv, sv, N(sv), N(sv)},
    {"sub.d", t_sub_d, 2, 4, dv, dv, N(dv), N(dv)},
    {"mul.s", t_mul_s, 2, 4, sv, sv, N(sv), N(sv)},
    {"mul.d", t_mul_d, 2, 4, dv, dv, N(dv), N(dv)},
    {"div.s", t_div_s, 2, 4, sv, sv, N(sv), N(sv)},
    {"div.d", t_div_d, 2, 4, dv, dv, N(dv), N(dv)},
    {"add.s", t_add_s, 2, 8, tsv, tsv, N(tsv), N(tsv)},
    {"add.d", t_add_d, 2, 8, tdv, tdv, N(tdv), N(tdv)},
    {"sub.s", t_sub_s, 2, 8, tsv, tsv, N(tsv), N(tsv)},
    {"sub.d", t_sub_d, 2, 8, tdv, tdv, N(tdv), N(tdv)},
    {"mul.s", t_mul_s, 2, 8, tsv, tsv, N(tsv), N(tsv)},
    {"mul.d", t_mul_d, 2, 8, tdv, tdv, N(tdv), N(tdv)},
    {"div.s", t_div_s, 2, 8, tsv, tsv, N(tsv), N(tsv)},
    {"div.d", t_div_d, 2, 8, tdv, tdv, N(tdv), N(tdv)},
    {"sqrt.s", t_sqrt_s, 1, 4, sv, 0, N(sv), 0},
    {"sqrt.d", t_sqrt_d, 1, 4, dv, 0, N(dv), 0},
    {"recip.s", t_recip_s, 1, 8, sv, 0, N(sv), 0},
    {"recip.d", t_recip_d, 1, 8, dv, 0, N(dv), 0},
    {"rsqrt.s", t_rsqrt_s, 1, 4, sv, 0, N(sv), 0},
    {"rsqrt.d", t_rsqrt_d, 1, 4, dv, 0, N(dv), 0},
    {"abs.s", t_abs_s, 1, 1, sv, 0, N(sv), 0},
    {"abs.d", t_abs_d, 1, 1, dv, 0, N(dv), 0},
    {"neg.s", t_neg_s, 1, 1, sv, 0, N(sv), 0},
    {"neg.d", t_neg_d, 1, 1, dv, 0, N(dv), 0},
    {"mov.s", t_mov_s, 1, 1, sv, 0, N(sv), 0},
    {"mov.d", t_mov_d, 1, 1, dv, 0, N(dv), 0},
    {"cvt.s.d", t_cvt_s_d, 1, 8, dv, 0, N(dv), 0},
    {"cvt.s.d", t_cvt_s_d, 1, 8, tdv, 0, N(tdv), 0},
    {"cvt.d.s", t_cvt_d_s, 1, 4, sv, 0, N(sv), 0},
    {"cvt.s.w", t_cvt_s_w, 1, 4, iv, 0, N(iv), 0},
    {"cvt.d.w", t_cvt_d_w, 1, 4, iv, 0, N(iv), 0},
    OPW(cvt), OPW(round), OPW(trunc), OPW(ceil), OPW(floor),
};

static void line(const char *name, u32 fc, u64 a, u64 b, u64 c, u64 r, u32 f) {
    printf("%s fcsr=%x a=%016llx b=%016llx c=%016llx -> %016llx fcsr=%x\n", name, fc,
           (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
           (unsigned long long)r, f);
}

static u32 mode_fcsr(int mode) {
    return (u32)(mode & 3) | (mode & 4 ? FS : 0);
}

static void run_ops(void) {
    for (int k = 0; k < N(ops); k++) {
        const struct op *o = &ops[k];
        for (int mode = 0; mode < o->modes; mode++)
            for (int i = 0; i < o->n1; i++)
                for (int j = 0; j < (o->arity == 2 ? o->n2 : 1); j++) {
                    u64 a = o->v1[i], b = o->arity == 2 ? o->v2[j] : 0;
                    u32 f, fc = mode_fcsr(mode);
                    line(o->name, fc, a, b, 0, o->fn(a, b, 0, fc, &f), f);
                }
    }
}

static void run_fused(const char *name, opfn fn, const u64 *v, int n, const u64 (*t)[3], int nt) {
    u32 f;
    for (int mode = 0; mode < 8; mode++) {
        u32 fc = mode_fcsr(mode);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++)
                    line(name, fc, v[i], v[j], v[k], fn(v[i], v[j], v[k], fc, &f), f);
        for (int i = 0; i < nt; i++)
            line(name, fc, t[i][0], t[i][1], t[i][2], fn(t[i][0], t[i][1], t[i][2], fc, &f), f);
    }
}

/* c.cond.fmt, every condition, over a smaller table; FCC1 starts clear, then set */
#define CMP(c) DC(t_c_##c##_s, "c." #c ".s") DC(t_c_##c##_d, "c." #c ".d")
CMP(f) CMP(un) CMP(eq) CMP(ueq) CMP(olt) CMP(ult) CMP(ole) CMP(ule)
CMP(sf) CMP(ngle) CMP(seq) CMP(ngl) CMP(lt) CMP(nge) CMP(le) CMP(ngt)
#define C(c) {"c." #c, t_c_##c##_s, t_c_##c##_d}
static const struct { const char *name; opfn s, d; } conds[] = {
    C(f), C(un), C(eq), C(ueq), C(olt), C(ult), C(ole), C(ule),
    C(sf), C(ngle), C(seq), C(ngl), C(lt), C(nge), C(le), C(ngt),
};
static const u64 dcv[] = {
    0, 0x8000000000000000, 1, 0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
    0xfff4000000000005, 0x7fefffffffffffff,
};
static const u64 scv[] = {
    0, 0x80000000, 1, 0x3f800000, 0xbf800000, 0x3f800001, 0x7f800000, 0xff800000, 0x7fc00000,
    0x7f800001, 0xffa00005, 0x123456783f800000,
};

static void run_cmp(void) {
    char name[16];
    u32 f;
    for (int k = 0; k < N(conds); k++)
        for (int fmt = 0; fmt < 2; fmt++) {
            const u64 *v = fmt ? dcv : scv;
            snprintf(name, sizeof name, "%s.%c", conds[k].name, fmt ? 'd' : 's');
            for (int pre = 0; pre < 2; pre++)
                for (int i = 0; i < N(dcv); i++)
                    for (int j = 0; j < N(dcv); j++) {
                        u32 fc = pre ? 0x02000000 : 0;             /* FCC1 */
                        u64 r = (fmt ? conds[k].d : conds[k].s)(v[i], v[j], 0, fc, &f);
                        line(name, fc, v[i], v[j], 0, r, f);
                    }
        }
}

int main(void) {
    run_ops();
    run_fused("madd.d", t_madd_d, dfv, N(dfv), dtriples, N(dtriples));
    run_fused("msub.d", t_msub_d, dfv, N(dfv), dtriples, N(dtriples));
    run_fused("nmadd.d", t_nmadd_d, dfv, N(dfv), dtriples, N(dtriples));
    run_fused("nmsub.d", t_nmsub_d, dfv, N(dfv), dtriples, N(dtriples));
    run_fused("madd.s", t_madd_s, sfv, N(sfv), striples, N(striples));
    run_fused("msub.s", t_msub_s, sfv, N(sfv), striples, N(striples));
    run_fused("nmadd.s", t_nmadd_s, sfv, N(sfv), striples, N(striples));
    run_fused("nmsub.s", t_nmsub_s, sfv, N(sfv), striples, N(striples));
    run_cmp();
    return 0;
}
