/* fp_torture: every F and D instruction over a table of awkward operands, in every rounding mode.
 *
 * One line per case, all in hex, parsed by tests/translators/riscv64/test_rv_fd.py, which replays
 * each case through the Python semantics and compares result bits and fflags:
 *     fadd.d rm=1 a=<reg> b=<reg> -> <reg> flags=<fflags>
 * FP operands and results are whole 64-bit f registers (so NaN-boxing is visible: the single
 * table includes two improperly boxed values); integer ones are whole x registers. The rounding
 * mode is set with fsrm and every instruction uses the dynamic mode; ops without a rounding mode
 * print rm=0. Each instruction is inline asm so the compiler cannot fold or reorder it.
 * build-flags: -O1
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;

static double D(u64 x) { double d; memcpy(&d, &x, 8); return d; }
static u64 B(double d) { u64 x; memcpy(&x, &d, 8); return x; }

#define BOX(x) (0xffffffff00000000ull | (x))
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const u64 dv[] = {
    0, 0x8000000000000000, 1, 0x8000000000000001, 3, 0x000fffffffffffff, 0x0010000000000000,
    0x8010000000000000, 0x0018000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
    0x7fe0000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
    0x7ff0000000000001, 0xfff8000000000005, 0x3ff0000000000000, 0x3ff0000000000001,
    0xbff0000000000000, 0x3fefffffffffffff, 0x4000000000000000, 0x4008000000000000,
    0x3fb999999999999a, 0x3fd5555555555555, 0x3ca0000000000000, 0x3cb0000000000000,
    0x4340000000000000, 0x3ff8000000000000, 0x43e0000000000000, 0xc3e0000000000000,
    0x41dfffffffc00000, 0xc1e0000000200000, 0x3fe0000000000000, 0xbfe8000000000000,
    0x4004000000000000, 0x3690000000000000, 0x47efffffe0000000, 0x3810000000000000,
};
static const u64 sv[] = {
    BOX(0), BOX(0x80000000), BOX(1), BOX(0x80000001), BOX(3), BOX(0x007fffff), BOX(0x00800000),
    BOX(0x80800000), BOX(0x00c00000), BOX(0x7f7fffff), BOX(0xff7fffff), BOX(0x7f000000),
    BOX(0x7f800000), BOX(0xff800000), BOX(0x7fc00000), BOX(0x7f800001), BOX(0xffc00005),
    BOX(0x3f800000), BOX(0x3f800001), BOX(0xbf800000), BOX(0x3f7fffff), BOX(0x40000000),
    BOX(0x40400000), BOX(0x3dcccccd), BOX(0x3eaaaaab), BOX(0x33800000), BOX(0x34000000),
    BOX(0x4b800000), BOX(0x3fc00000), BOX(0x5f000000), BOX(0xdf000000), BOX(0x4f000000),
    BOX(0xcf000000), BOX(0x3f000000), BOX(0xbf400000), BOX(0x40200000), BOX(0x4f800000),
    0x000000003f800000, 0xfffffffe3f800000,
};
/* fused multiply-add operands: fewer (cubed), plus hand-picked triples below */
static const u64 dfv[] = {
    0, 0x8000000000000000, 1, 0x0010000000000000, 0x7fefffffffffffff, 0x7ff0000000000000,
    0x7ff8000000000000, 0x7ff0000000000001, 0x3ff0000000000001, 0xbff0000000000000,
    0x3fd5555555555555, 0x3ca0000000000000,
};
static const u64 sfv[] = {
    BOX(0), BOX(0x80000000), BOX(1), BOX(0x00800000), BOX(0x7f7fffff), BOX(0x7f800000),
    BOX(0x7fc00000), BOX(0x7f800001), BOX(0x3f800001), BOX(0xbf800000), BOX(0x3eaaaaab),
    BOX(0x33800000),
};
static const u64 dtriples[][3] = {
    {0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002},  /* exact 2**-104 */
    {0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000},  /* -2**-106 */
    {0x2000000000000001, 0x1fffffffffffffff, 0x8010000000000000},  /* near underflow */
    {0x1ff0000000000001, 0x1ff0000000000001, 0x800fffffffffffff},
    {0x7fe0000000000001, 0x4000000000000000, 0xffefffffffffffff},  /* overflow cancelled */
    {0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000},  /* 1 + half ulp tie */
    {0xbff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000},
    {0x3ff8000000000000, 0x3ca0000000000000, 0x3ff0000000000000},  /* just above the tie */
    {0x7ff0000000000000, 0, 0x7ff8000000000000},                    /* inf*0 + qNaN */
    {0x0000000000000001, 0x3fe0000000000000, 0},                    /* min sub / 2 */
    {0x0000000000000003, 0x3fe0000000000000, 0x8000000000000000},
};
static const u64 striples[][3] = {
    {BOX(0x39800001), BOX(0x397ffffe), BOX(0x3f800003)},  /* double rounding would go wrong */
    {BOX(0x39800001), BOX(0x39800001), BOX(0x3f800003)},
    {BOX(0x3f800001), BOX(0x3f800001), BOX(0xbf800002)},
    {BOX(0x3f800001), BOX(0x3f7fffff), BOX(0xbf800000)},
    {BOX(0x20000001), BOX(0x1fffffff), BOX(0x80800000)},
    {BOX(0x7f000001), BOX(0x40000000), BOX(0xff7fffff)},
    {BOX(0x3f800000), BOX(0x33800000), BOX(0x3f800000)},
    {BOX(0x3fc00000), BOX(0x33800000), BOX(0x3f800000)},
    {BOX(0x7f800000), BOX(0), BOX(0x7fc00000)},
    {BOX(1), BOX(0x3f000000), BOX(0)},
    {0x000000003f800000, BOX(0x3f800000), BOX(0)},
};
static const u64 iv[] = {
    0, 1, 3, 0xffffffffffffffff, 0x7fffffff, 0xffffffff80000000, 0x0000000080000000,
    0xffffffff, 0x100000001, 0x7fffffffffffffff, 0x8000000000000000, 0x123456789abcdef1,
    0x1000001, 0xffffffffff000001, 0x20000000000001, 0xfffffffffffffffe, 0xffffffff7fffffff,
    0x7fffff80, 0x7ffffffffffffc00, 0xfffffffffffff801,
};

#define ASM(text, outs, ins) \
    __asm__ volatile("fsflags zero\n\t" text "\n\tfrflags %1" : outs : ins)

/* FP x FP -> FP */
#define FFF(fn, insn)                                                                          \
    static void fn(const u64 *v, int n, int rm) {                                              \
        for (int i = 0; i < n; i++)                                                            \
            for (int j = 0; j < n; j++) {                                                      \
                double a = D(v[i]), b = D(v[j]), r; long fl;                                   \
                ASM(insn " %0, %2, %3", "=&f"(r) COMMA "=&r"(fl), "f"(a) COMMA "f"(b));        \
                printf(insn " rm=%d a=%016lx b=%016lx -> %016lx flags=%lx\n", rm, v[i], v[j],  \
                       B(r), fl);                                                              \
            }                                                                                  \
    }
/* FP x FP -> int */
#define FFX(fn, insn)                                                                          \
    static void fn(const u64 *v, int n, int rm) {                                              \
        for (int i = 0; i < n; i++)                                                            \
            for (int j = 0; j < n; j++) {                                                      \
                double a = D(v[i]), b = D(v[j]); long r, fl;                                   \
                ASM(insn " %0, %2, %3", "=&r"(r) COMMA "=&r"(fl), "f"(a) COMMA "f"(b));        \
                printf(insn " rm=%d a=%016lx b=%016lx -> %016lx flags=%lx\n", rm, v[i], v[j],  \
                       r, fl);                                                                 \
            }                                                                                  \
    }
/* FP -> FP */
#define FF(fn, insn)                                                                           \
    static void fn(const u64 *v, int n, int rm) {                                              \
        for (int i = 0; i < n; i++) {                                                          \
            double a = D(v[i]), r; long fl;                                                    \
            ASM(insn " %0, %2", "=&f"(r) COMMA "=&r"(fl), "f"(a));                             \
            printf(insn " rm=%d a=%016lx -> %016lx flags=%lx\n", rm, v[i], B(r), fl);          \
        }                                                                                      \
    }
/* FP -> int */
#define FX(fn, insn)                                                                           \
    static void fn(const u64 *v, int n, int rm) {                                              \
        for (int i = 0; i < n; i++) {                                                          \
            double a = D(v[i]); long r, fl;                                                    \
            ASM(insn " %0, %2", "=&r"(r) COMMA "=&r"(fl), "f"(a));                             \
            printf(insn " rm=%d a=%016lx -> %016lx flags=%lx\n", rm, v[i], r, fl);             \
        }                                                                                      \
    }
/* int -> FP */
#define XF(fn, insn)                                                                           \
    static void fn(const u64 *v, int n, int rm) {                                              \
        for (int i = 0; i < n; i++) {                                                          \
            double r; long fl;                                                                 \
            ASM(insn " %0, %2", "=&f"(r) COMMA "=&r"(fl), "r"(v[i]));                          \
            printf(insn " rm=%d a=%016lx -> %016lx flags=%lx\n", rm, v[i], B(r), fl);          \
        }                                                                                      \
    }
/* FP x FP x FP -> FP, over the cube of v and then the hand-picked triples t */
#define FFFF(fn, insn)                                                                         \
    static void fn##_1(u64 x, u64 y, u64 z, int rm) {                                          \
        double a = D(x), b = D(y), c = D(z), r; long fl;                                       \
        ASM(insn " %0, %2, %3, %4", "=&f"(r) COMMA "=&r"(fl), "f"(a) COMMA "f"(b) COMMA "f"(c)); \
        printf(insn " rm=%d a=%016lx b=%016lx c=%016lx -> %016lx flags=%lx\n", rm, x, y, z,    \
               B(r), fl);                                                                      \
    }                                                                                          \
    static void fn(const u64 *v, int n, const u64 (*t)[3], int nt, int rm) {                   \
        for (int i = 0; i < n; i++)                                                            \
            for (int j = 0; j < n; j++)                                                        \
                for (int k = 0; k < n; k++) fn##_1(v[i], v[j], v[k], rm);                      \
        for (int i = 0; i < nt; i++) fn##_1(t[i][0], t[i][1], t[i][2], rm);                    \
    }
#define COMMA ,

FFF(fadd_s, "fadd.s") FFF(fsub_s, "fsub.s") FFF(fmul_s, "fmul.s") FFF(fdiv_s, "fdiv.s")
FFF(fadd_d, "fadd.d") FFF(fsub_d, "fsub.d") FFF(fmul_d, "fmul.d") FFF(fdiv_d, "fdiv.d")
FFF(fmin_s, "fmin.s") FFF(fmax_s, "fmax.s") FFF(fmin_d, "fmin.d") FFF(fmax_d, "fmax.d")
FFF(fsgnj_s, "fsgnj.s") FFF(fsgnjn_s, "fsgnjn.s") FFF(fsgnjx_s, "fsgnjx.s")
FFF(fsgnj_d, "fsgnj.d") FFF(fsgnjn_d, "fsgnjn.d") FFF(fsgnjx_d, "fsgnjx.d")
FFX(feq_s, "feq.s") FFX(flt_s, "flt.s") FFX(fle_s, "fle.s")
FFX(feq_d, "feq.d") FFX(flt_d, "flt.d") FFX(fle_d, "fle.d")
FF(fsqrt_s, "fsqrt.s") FF(fsqrt_d, "fsqrt.d") FF(fcvt_s_d, "fcvt.s.d") FF(fcvt_d_s, "fcvt.d.s")
FX(fcvt_w_s, "fcvt.w.s") FX(fcvt_wu_s, "fcvt.wu.s") FX(fcvt_l_s, "fcvt.l.s")
FX(fcvt_lu_s, "fcvt.lu.s") FX(fcvt_w_d, "fcvt.w.d") FX(fcvt_wu_d, "fcvt.wu.d")
FX(fcvt_l_d, "fcvt.l.d") FX(fcvt_lu_d, "fcvt.lu.d")
FX(fclass_s, "fclass.s") FX(fclass_d, "fclass.d") FX(fmv_x_w, "fmv.x.w") FX(fmv_x_d, "fmv.x.d")
XF(fcvt_s_w, "fcvt.s.w") XF(fcvt_s_wu, "fcvt.s.wu") XF(fcvt_s_l, "fcvt.s.l")
XF(fcvt_s_lu, "fcvt.s.lu") XF(fcvt_d_w, "fcvt.d.w") XF(fcvt_d_wu, "fcvt.d.wu")
XF(fcvt_d_l, "fcvt.d.l") XF(fcvt_d_lu, "fcvt.d.lu") XF(fmv_w_x, "fmv.w.x") XF(fmv_d_x, "fmv.d.x")
FFFF(fmadd_s, "fmadd.s") FFFF(fmsub_s, "fmsub.s") FFFF(fnmsub_s, "fnmsub.s")
FFFF(fnmadd_s, "fnmadd.s") FFFF(fmadd_d, "fmadd.d") FFFF(fmsub_d, "fmsub.d")
FFFF(fnmsub_d, "fnmsub.d") FFFF(fnmadd_d, "fnmadd.d")

int main(void) {
    for (int rm = 0; rm <= 4; rm++) {
        __asm__ volatile("fsrm %0" : : "r"(rm));
        fadd_s(sv, N(sv), rm); fsub_s(sv, N(sv), rm); fmul_s(sv, N(sv), rm); fdiv_s(sv, N(sv), rm);
        fadd_d(dv, N(dv), rm); fsub_d(dv, N(dv), rm); fmul_d(dv, N(dv), rm); fdiv_d(dv, N(dv), rm);
        fsqrt_s(sv, N(sv), rm); fsqrt_d(dv, N(dv), rm);
        fcvt_s_d(dv, N(dv), rm); fcvt_d_s(sv, N(sv), rm);
        fcvt_w_s(sv, N(sv), rm); fcvt_wu_s(sv, N(sv), rm);
        fcvt_l_s(sv, N(sv), rm); fcvt_lu_s(sv, N(sv), rm);
        fcvt_w_d(dv, N(dv), rm); fcvt_wu_d(dv, N(dv), rm);
        fcvt_l_d(dv, N(dv), rm); fcvt_lu_d(dv, N(dv), rm);
        fcvt_s_w(iv, N(iv), rm); fcvt_s_wu(iv, N(iv), rm);
        fcvt_s_l(iv, N(iv), rm); fcvt_s_lu(iv, N(iv), rm);
        fcvt_d_w(iv, N(iv), rm); fcvt_d_wu(iv, N(iv), rm);
        fcvt_d_l(iv, N(iv), rm); fcvt_d_lu(iv, N(iv), rm);
        fmadd_s(sfv, N(sfv), striples, N(striples), rm);
        fmsub_s(sfv, N(sfv), striples, N(striples), rm);
        fnmsub_s(sfv, N(sfv), striples, N(striples), rm);
        fnmadd_s(sfv, N(sfv), striples, N(striples), rm);
        fmadd_d(dfv, N(dfv), dtriples, N(dtriples), rm);
        fmsub_d(dfv, N(dfv), dtriples, N(dtriples), rm);
        fnmsub_d(dfv, N(dfv), dtriples, N(dtriples), rm);
        fnmadd_d(dfv, N(dfv), dtriples, N(dtriples), rm);
    }
    /* no rounding mode: run once */
    fmin_s(sv, N(sv), 0); fmax_s(sv, N(sv), 0); fmin_d(dv, N(dv), 0); fmax_d(dv, N(dv), 0);
    fsgnj_s(sv, N(sv), 0); fsgnjn_s(sv, N(sv), 0); fsgnjx_s(sv, N(sv), 0);
    fsgnj_d(dv, N(dv), 0); fsgnjn_d(dv, N(dv), 0); fsgnjx_d(dv, N(dv), 0);
    feq_s(sv, N(sv), 0); flt_s(sv, N(sv), 0); fle_s(sv, N(sv), 0);
    feq_d(dv, N(dv), 0); flt_d(dv, N(dv), 0); fle_d(dv, N(dv), 0);
    fclass_s(sv, N(sv), 0); fclass_d(dv, N(dv), 0);
    fmv_x_w(sv, N(sv), 0); fmv_x_d(dv, N(dv), 0); fmv_w_x(iv, N(iv), 0); fmv_d_x(iv, N(iv), 0);
    return 0;
}
