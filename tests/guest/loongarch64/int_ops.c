/* int_ops (loongarch64): LA64 integer instructions over edge values, printed in hex, one inline
   asm instruction each so the compiler can neither fold nor pick another instruction. The
   results the manual defines are checked ("FAIL" lines); division by zero and INT_MIN / -1,
   whose results the manual leaves open (no exception either way), are only printed: they show
   what QEMU computes. Exits 0 when every check holds, else 1. */
#include <stdint.h>
#include <stdio.h>

typedef int64_t i64;
typedef uint64_t u64;
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- two registers in, one out -------------------------------------------------------------- */
#define RR(fn, insn) static i64 fn(i64 a, i64 b) \
    { i64 r; __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
#define RRI(fn, insn, imm) static i64 fn(i64 a, i64 b) \
    { i64 r; __asm__ volatile(insn " %0, %1, %2, " #imm : "=r"(r) : "r"(a), "r"(b)); return r; }
RR(add_w, "add.w") RR(add_d, "add.d") RR(sub_w, "sub.w") RR(sub_d, "sub.d")
RR(slt, "slt") RR(sltu, "sltu") RR(and_, "and") RR(or_, "or") RR(xor_, "xor") RR(nor, "nor")
RR(andn, "andn") RR(orn, "orn")
RR(sll_w, "sll.w") RR(srl_w, "srl.w") RR(sra_w, "sra.w") RR(rotr_w, "rotr.w")
RR(sll_d, "sll.d") RR(srl_d, "srl.d") RR(sra_d, "sra.d") RR(rotr_d, "rotr.d")
RR(mul_w, "mul.w") RR(mulh_w, "mulh.w") RR(mulh_wu, "mulh.wu")
RR(mul_d, "mul.d") RR(mulh_d, "mulh.d") RR(mulh_du, "mulh.du")
RR(mulw_d_w, "mulw.d.w") RR(mulw_d_wu, "mulw.d.wu")
RR(div_w, "div.w") RR(mod_w, "mod.w") RR(div_wu, "div.wu") RR(mod_wu, "mod.wu")
RR(div_d, "div.d") RR(mod_d, "mod.d") RR(div_du, "div.du") RR(mod_du, "mod.du")
RR(maskeqz, "maskeqz") RR(masknez, "masknez")
RRI(bytepick_w0, "bytepick.w", 0) RRI(bytepick_w1, "bytepick.w", 1)
RRI(bytepick_w3, "bytepick.w", 3)
RRI(bytepick_d0, "bytepick.d", 0) RRI(bytepick_d3, "bytepick.d", 3)
RRI(bytepick_d7, "bytepick.d", 7)
RRI(alsl_w1, "alsl.w", 1) RRI(alsl_w4, "alsl.w", 4) RRI(alsl_wu2, "alsl.wu", 2)
RRI(alsl_wu4, "alsl.wu", 4) RRI(alsl_d1, "alsl.d", 1) RRI(alsl_d4, "alsl.d", 4)
RR(crc_w_b_w, "crc.w.b.w") RR(crc_w_h_w, "crc.w.h.w") RR(crc_w_w_w, "crc.w.w.w")
RR(crc_w_d_w, "crc.w.d.w") RR(crcc_w_b_w, "crcc.w.b.w") RR(crcc_w_h_w, "crcc.w.h.w")
RR(crcc_w_w_w, "crcc.w.w.w") RR(crcc_w_d_w, "crcc.w.d.w")

enum { PLAIN, DIV64, DIV32 };   /* DIV*: divisions, fed only operands the manual defines */
typedef i64 (*rr_fn)(i64, i64);
static const struct { const char *name; rr_fn fn; int kind; } OPS[] = {
    {"add.w", add_w}, {"add.d", add_d}, {"sub.w", sub_w}, {"sub.d", sub_d}, {"slt", slt},
    {"sltu", sltu}, {"and", and_}, {"or", or_}, {"xor", xor_}, {"nor", nor}, {"andn", andn},
    {"orn", orn}, {"sll.w", sll_w}, {"srl.w", srl_w}, {"sra.w", sra_w}, {"rotr.w", rotr_w},
    {"sll.d", sll_d}, {"srl.d", srl_d}, {"sra.d", sra_d}, {"rotr.d", rotr_d},
    {"mul.w", mul_w}, {"mulh.w", mulh_w}, {"mulh.wu", mulh_wu}, {"mul.d", mul_d},
    {"mulh.d", mulh_d}, {"mulh.du", mulh_du}, {"mulw.d.w", mulw_d_w}, {"mulw.d.wu", mulw_d_wu},
    {"div.w", div_w, DIV32}, {"mod.w", mod_w, DIV32}, {"div.wu", div_wu, DIV32},
    {"mod.wu", mod_wu, DIV32}, {"div.d", div_d, DIV64}, {"mod.d", mod_d, DIV64},
    {"div.du", div_du, DIV64}, {"mod.du", mod_du, DIV64},
    {"maskeqz", maskeqz}, {"masknez", masknez},
    {"bytepick.w 0", bytepick_w0}, {"bytepick.w 1", bytepick_w1}, {"bytepick.w 3", bytepick_w3},
    {"bytepick.d 0", bytepick_d0}, {"bytepick.d 3", bytepick_d3}, {"bytepick.d 7", bytepick_d7},
    {"alsl.w 1", alsl_w1}, {"alsl.w 4", alsl_w4}, {"alsl.wu 2", alsl_wu2},
    {"alsl.wu 4", alsl_wu4}, {"alsl.d 1", alsl_d1}, {"alsl.d 4", alsl_d4},
    {"crc.w.b.w", crc_w_b_w}, {"crc.w.h.w", crc_w_h_w}, {"crc.w.w.w", crc_w_w_w},
    {"crc.w.d.w", crc_w_d_w}, {"crcc.w.b.w", crcc_w_b_w}, {"crcc.w.h.w", crcc_w_h_w},
    {"crcc.w.w.w", crcc_w_w_w}, {"crcc.w.d.w", crcc_w_d_w},
};

/* ---- one register in (register-immediate forms and unary ops) ------------------------------ */
#define R1(fn, text) static i64 fn(i64 a) \
    { i64 r; __asm__ volatile(text : "=r"(r) : "r"(a)); return r; }
/* bstrins writes into rd: it starts as a known pattern */
#define RINS(fn, text) static i64 fn(i64 a) \
    { i64 r = 0x5a5a5a5aa5a5a5a5LL; __asm__ volatile(text : "+r"(r) : "r"(a)); return r; }
R1(slli_w0, "slli.w %0, %1, 0") R1(slli_w31, "slli.w %0, %1, 31")
R1(srli_w0, "srli.w %0, %1, 0") R1(srli_w31, "srli.w %0, %1, 31")
R1(srai_w0, "srai.w %0, %1, 0") R1(srai_w31, "srai.w %0, %1, 31")
R1(rotri_w0, "rotri.w %0, %1, 0") R1(rotri_w1, "rotri.w %0, %1, 1")
R1(rotri_w31, "rotri.w %0, %1, 31")
R1(slli_d0, "slli.d %0, %1, 0") R1(slli_d63, "slli.d %0, %1, 63")
R1(srli_d0, "srli.d %0, %1, 0") R1(srli_d63, "srli.d %0, %1, 63")
R1(srai_d0, "srai.d %0, %1, 0") R1(srai_d63, "srai.d %0, %1, 63")
R1(rotri_d0, "rotri.d %0, %1, 0") R1(rotri_d1, "rotri.d %0, %1, 1")
R1(rotri_d63, "rotri.d %0, %1, 63")
R1(addi_w_m, "addi.w %0, %1, -2048") R1(addi_w_p, "addi.w %0, %1, 2047")
R1(addi_d_m, "addi.d %0, %1, -2048") R1(addi_d_p, "addi.d %0, %1, 2047")
R1(addu16i_m, "addu16i.d %0, %1, -32768") R1(addu16i_p, "addu16i.d %0, %1, 32767")
R1(andi_, "andi %0, %1, 0xfff") R1(ori_, "ori %0, %1, 0x800") R1(xori_, "xori %0, %1, 0xfff")
R1(slti_m1, "slti %0, %1, -1") R1(slti_p, "slti %0, %1, 2047")
R1(sltui_m1, "sltui %0, %1, -1") R1(sltui_p, "sltui %0, %1, 64")
R1(bstrpick_w31_0, "bstrpick.w %0, %1, 31, 0") R1(bstrpick_w15_8, "bstrpick.w %0, %1, 15, 8")
R1(bstrpick_w31_31, "bstrpick.w %0, %1, 31, 31") R1(bstrpick_w0_0, "bstrpick.w %0, %1, 0, 0")
R1(bstrpick_d63_0, "bstrpick.d %0, %1, 63, 0") R1(bstrpick_d47_16, "bstrpick.d %0, %1, 47, 16")
R1(bstrpick_d63_63, "bstrpick.d %0, %1, 63, 63") R1(bstrpick_d31_0, "bstrpick.d %0, %1, 31, 0")
RINS(bstrins_w31_0, "bstrins.w %0, %1, 31, 0") RINS(bstrins_w15_8, "bstrins.w %0, %1, 15, 8")
RINS(bstrins_w31_31, "bstrins.w %0, %1, 31, 31") RINS(bstrins_w0_0, "bstrins.w %0, %1, 0, 0")
RINS(bstrins_d63_0, "bstrins.d %0, %1, 63, 0") RINS(bstrins_d47_16, "bstrins.d %0, %1, 47, 16")
RINS(bstrins_d63_32, "bstrins.d %0, %1, 63, 32") RINS(bstrins_d0_0, "bstrins.d %0, %1, 0, 0")
R1(clz_w, "clz.w %0, %1") R1(ctz_w, "ctz.w %0, %1") R1(clo_w, "clo.w %0, %1")
R1(cto_w, "cto.w %0, %1") R1(clz_d, "clz.d %0, %1") R1(ctz_d, "ctz.d %0, %1")
R1(clo_d, "clo.d %0, %1") R1(cto_d, "cto.d %0, %1")
R1(revb_2h, "revb.2h %0, %1") R1(revb_4h, "revb.4h %0, %1") R1(revb_2w, "revb.2w %0, %1")
R1(revb_d, "revb.d %0, %1") R1(revh_2w, "revh.2w %0, %1") R1(revh_d, "revh.d %0, %1")
R1(bitrev_4b, "bitrev.4b %0, %1") R1(bitrev_8b, "bitrev.8b %0, %1")
R1(bitrev_w, "bitrev.w %0, %1") R1(bitrev_d, "bitrev.d %0, %1")
R1(ext_w_b, "ext.w.b %0, %1") R1(ext_w_h, "ext.w.h %0, %1")

typedef i64 (*r1_fn)(i64);
static const struct { const char *name; r1_fn fn; } UNARY[] = {
    {"slli.w 0", slli_w0}, {"slli.w 31", slli_w31}, {"srli.w 0", srli_w0},
    {"srli.w 31", srli_w31}, {"srai.w 0", srai_w0}, {"srai.w 31", srai_w31},
    {"rotri.w 0", rotri_w0}, {"rotri.w 1", rotri_w1}, {"rotri.w 31", rotri_w31},
    {"slli.d 0", slli_d0}, {"slli.d 63", slli_d63}, {"srli.d 0", srli_d0},
    {"srli.d 63", srli_d63}, {"srai.d 0", srai_d0}, {"srai.d 63", srai_d63},
    {"rotri.d 0", rotri_d0}, {"rotri.d 1", rotri_d1}, {"rotri.d 63", rotri_d63},
    {"addi.w -2048", addi_w_m}, {"addi.w 2047", addi_w_p}, {"addi.d -2048", addi_d_m},
    {"addi.d 2047", addi_d_p}, {"addu16i.d -32768", addu16i_m}, {"addu16i.d 32767", addu16i_p},
    {"andi 0xfff", andi_}, {"ori 0x800", ori_}, {"xori 0xfff", xori_},
    {"slti -1", slti_m1}, {"slti 2047", slti_p}, {"sltui -1", sltui_m1}, {"sltui 64", sltui_p},
    {"bstrpick.w 31,0", bstrpick_w31_0}, {"bstrpick.w 15,8", bstrpick_w15_8},
    {"bstrpick.w 31,31", bstrpick_w31_31}, {"bstrpick.w 0,0", bstrpick_w0_0},
    {"bstrpick.d 63,0", bstrpick_d63_0}, {"bstrpick.d 47,16", bstrpick_d47_16},
    {"bstrpick.d 63,63", bstrpick_d63_63}, {"bstrpick.d 31,0", bstrpick_d31_0},
    {"bstrins.w 31,0", bstrins_w31_0}, {"bstrins.w 15,8", bstrins_w15_8},
    {"bstrins.w 31,31", bstrins_w31_31}, {"bstrins.w 0,0", bstrins_w0_0},
    {"bstrins.d 63,0", bstrins_d63_0}, {"bstrins.d 47,16", bstrins_d47_16},
    {"bstrins.d 63,32", bstrins_d63_32}, {"bstrins.d 0,0", bstrins_d0_0},
    {"clz.w", clz_w}, {"ctz.w", ctz_w}, {"clo.w", clo_w}, {"cto.w", cto_w},
    {"clz.d", clz_d}, {"ctz.d", ctz_d}, {"clo.d", clo_d}, {"cto.d", cto_d},
    {"revb.2h", revb_2h}, {"revb.4h", revb_4h}, {"revb.2w", revb_2w}, {"revb.d", revb_d},
    {"revh.2w", revh_2w}, {"revh.d", revh_d}, {"bitrev.4b", bitrev_4b},
    {"bitrev.8b", bitrev_8b}, {"bitrev.w", bitrev_w}, {"bitrev.d", bitrev_d},
    {"ext.w.b", ext_w_b}, {"ext.w.h", ext_w_h},
};

static const i64 VALUES[] = {
    0, 1, -1, 2, 7, -7, 63, 64, 0x7fffffff, -0x80000000LL, 0x80000000LL, 0xffffffffLL,
    0x123456789abcdef0LL, (i64)0xfedcba9876543210ULL, INT64_MAX, INT64_MIN,
};

static int failures;
static void check(const char *what, i64 got, i64 want)
{
    if (got != want) {
        printf("FAIL %s: got %016llx want %016llx\n", what, (unsigned long long)got,
               (unsigned long long)want);
        failures++;
    }
}

/* Is (a, b) a division the manual defines? The .w forms also want sign-extended operands. */
static int defined_div(int kind, i64 a, i64 b)
{
    if (kind == DIV64)
        return b != 0 && !(a == INT64_MIN && b == -1);
    return (int32_t)b != 0 && !((int32_t)a == INT32_MIN && (int32_t)b == -1);
}

/* CRC-32 of the low `bytes` bytes of data (little-endian), reflected polynomial, no inversion:
   what crc.w.*.w (0xedb88320) and crcc.w.*.w (Castagnoli, 0x82f63b78) compute. */
static uint32_t soft_crc(uint32_t crc, u64 data, int bytes, uint32_t poly)
{
    for (int i = 0; i < bytes; i++) {
        crc ^= (uint8_t)(data >> (8 * i));
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (poly & -(crc & 1));
    }
    return crc;
}

/* ---- upper-immediate and pc-relative forms --------------------------------------------------- */
static void check_immediates(void)
{
    i64 r;
    __asm__ volatile("lu12i.w %0, -1" : "=r"(r));
    check("lu12i.w -1", r, (i64)0xfffffffffffff000ULL);
    __asm__ volatile("lu12i.w %0, -0x80000" : "=r"(r));
    check("lu12i.w 0x80000", r, (i64)0xffffffff80000000ULL);
    __asm__ volatile("lu12i.w %0, 0x7ffff" : "=r"(r));
    check("lu12i.w 0x7ffff", r, 0x7ffff000);
    r = 0x12345678;
    __asm__ volatile("lu32i.d %0, -0x80000" : "+r"(r));
    check("lu32i.d 0x80000", r, (i64)0xfff8000012345678ULL);
    r = (i64)0xffffffff87654321ULL;
    __asm__ volatile("lu32i.d %0, 0x7ffff" : "+r"(r));
    check("lu32i.d 0x7ffff", r, 0x0007ffff87654321LL);
    r = -1;
    __asm__ volatile("lu32i.d %0, 0" : "+r"(r));
    check("lu32i.d 0", r, 0xffffffffLL);
    __asm__ volatile("lu52i.d %0, %1, -0x800" : "=r"(r) : "r"((i64)-1));
    check("lu52i.d -1, 0x800", r, (i64)0x800fffffffffffffULL);
    __asm__ volatile("lu52i.d %0, %1, 0x7ff" : "=r"(r) : "r"((i64)0x0123456789abcdefLL));
    check("lu52i.d x, 0x7ff", r, 0x7ff3456789abcdefLL);
    __asm__ volatile("lu52i.d %0, $zero, -1" : "=r"(r));
    check("lu52i.d 0, -1", r, (i64)0xfff0000000000000ULL);
    /* the four-instruction 64-bit constant sequence */
    __asm__ volatile("lu12i.w %0, -0x65433\n\tori %0, %0, 0xef0\n\tlu32i.d %0, 0x45678\n\t"
                     "lu52i.d %0, %0, 0x123" : "=r"(r));
    check("li.d 0x123456789abcdef0", r, 0x123456789abcdef0LL);
    __asm__ volatile("li.d %0, 0xfedcba9876543210" : "=r"(r));
    check("li.d 0xfedcba9876543210", r, (i64)0xfedcba9876543210ULL);

    /* pc-relative: pcaddi 0 gives the address of itself; the next instruction is 4 further */
    u64 here, v, v2;
    __asm__ volatile("pcaddi %0, 0\n\tpcaddu12i %1, 1" : "=&r"(here), "=r"(v));
    check("pcaddu12i 1", v - here, 0x1004);
    __asm__ volatile("pcaddi %0, 0\n\tpcaddu12i %1, -1" : "=&r"(here), "=r"(v));
    check("pcaddu12i -1", v - here, (i64)(4 - 0x1000));
    __asm__ volatile("pcaddi %0, 0\n\tpcaddu12i %1, -0x80000" : "=&r"(here), "=r"(v));
    check("pcaddu12i -0x80000", v - here, (i64)(4 - 0x80000000LL));
    __asm__ volatile("pcaddi %0, 0\n\tpcaddi %1, -3" : "=&r"(here), "=r"(v));
    check("pcaddi -3", v - here, 4 - 12);
    __asm__ volatile("pcaddi %0, 0\n\tpcaddi %1, 0x7ffff" : "=&r"(here), "=r"(v));
    check("pcaddi 0x7ffff", v - here, 4 + 0x7ffffLL * 4);
    __asm__ volatile("pcaddi %0, 0\n\tpcaddu18i %1, 1" : "=&r"(here), "=r"(v));
    check("pcaddu18i 1", v - here, 4 + (1 << 18));
    __asm__ volatile("pcaddi %0, 0\n\tpcaddu18i %1, -2" : "=&r"(here), "=r"(v));
    check("pcaddu18i -2", v - here, 4 - (2 << 18));
    __asm__ volatile("pcaddi %0, 0\n\tpcalau12i %1, 0" : "=&r"(here), "=r"(v));
    check("pcalau12i 0", v, (i64)((here + 4) & ~0xfffULL));
    __asm__ volatile("pcaddi %0, 0\n\tpcalau12i %1, 3" : "=&r"(here), "=r"(v));
    check("pcalau12i 3", v, (i64)((here + 4 + 0x3000) & ~0xfffULL));
    __asm__ volatile("pcaddi %0, 0\n\tpcalau12i %1, -1" : "=&r"(here), "=r"(v));
    check("pcalau12i -1", v, (i64)((here + 4 - 0x1000) & ~0xfffULL));
    /* a symbol's address, pc-relative (pcalau12i + addi.d) and absolute (lu12i.w, ori,
       lu32i.d, lu52i.d) */
    static volatile int anchor;
    __asm__ volatile("la.pcrel %0, %2\n\tla.abs %1, %2" : "=&r"(v), "=r"(v2) : "i"(&anchor));
    check("la.pcrel == la.abs", v, v2);
    check("la.pcrel == &anchor", v, (i64)(uintptr_t)&anchor);
}

int main(void)
{
    u64 sum = 0;
    for (unsigned o = 0; o < N(OPS); o++) {
        printf("%s:", OPS[o].name);
        for (unsigned i = 0; i < N(VALUES); i++)
            for (unsigned j = 0; j < N(VALUES); j += 3) {
                i64 a = VALUES[i], b = VALUES[j];
                if (OPS[o].kind == DIV32) {      /* .w divisions: sign-extended operands */
                    a = (int32_t)a;
                    b = (int32_t)b;
                }
                if (OPS[o].kind != PLAIN && !defined_div(OPS[o].kind, a, b)) {
                    if (j == 0 || i % 4 == 0)
                        printf(" -");
                    continue;
                }
                i64 r = OPS[o].fn(a, b);
                sum = sum * 31 + (u64)r;
                if (j == 0 || i % 4 == 0)
                    printf(" %llx", (unsigned long long)r);
            }
        printf("\n");
    }
    for (unsigned o = 0; o < N(UNARY); o++) {
        printf("%s:", UNARY[o].name);
        for (unsigned i = 0; i < N(VALUES); i++) {
            i64 r = UNARY[o].fn(VALUES[i]);
            sum = sum * 31 + (u64)r;
            printf(" %llx", (unsigned long long)r);
        }
        printf("\n");
    }
    printf("checksum %016llx\n", (unsigned long long)sum);

    /* What the manual leaves open: x/0, x%0 and MIN/-1 (no exception; QEMU's answer). */
    static const i64 DIVIDENDS[] = {12345, -777, 0, INT64_MIN, (i64)INT32_MIN, -1};
    static const char *const DIVNAMES[] = {"div.w", "mod.w", "div.wu", "mod.wu",
                                           "div.d", "mod.d", "div.du", "mod.du"};
    static const rr_fn DIVS[] = {div_w, mod_w, div_wu, mod_wu, div_d, mod_d, div_du, mod_du};
    for (unsigned o = 0; o < N(DIVS); o++) {
        printf("undefined %s: x/0", DIVNAMES[o]);
        for (unsigned i = 0; i < N(DIVIDENDS); i++) {
            i64 a = o < 4 ? (int32_t)DIVIDENDS[i] : DIVIDENDS[i];
            printf(" %llx", (unsigned long long)DIVS[o](a, 0));
        }
        i64 mn = o < 4 ? (i64)INT32_MIN : INT64_MIN;
        printf("; MIN/-1 %llx\n", (unsigned long long)DIVS[o](mn, -1));
    }

    /* Defined results, checked. */
    volatile i64 x = 12345, m7 = -7;
    volatile int32_t x32 = -777;
    check("C 64-bit /", x / m7, -1763);
    check("C 64-bit %", x % m7, 4);
    check("C 32-bit /", x32 / 5, -155);
    check("C 32-bit %", x32 % 5, -2);
    check("C 32-bit unsigned /", (uint32_t)x32 / 5u, 858993303);
    check("div.wu", div_wu(-777, 5), 858993303);
    check("mod.wu", mod_wu(-777, 5), 4);
    check("div.du", div_du(-1, 3), 0x5555555555555555LL);
    check("mod.du", mod_du(-1, 10), 5);
    check("div.d -7/2 rounds to 0", div_d(-7, 2), -3);
    check("mod.d -7%2 has the dividend's sign", mod_d(-7, 2), -1);
    check("mod.w sign", mod_w(7, -2), 1);
    /* shift amounts use the low 5 (.w) or 6 (.d) bits of rk */
    check("sll.d by 65", sll_d(1, 65), 2);
    check("sll.w by 33", sll_w(1, 33), 2);
    check("sll.w sign-extends", sll_w(1, 31), INT32_MIN);
    check("sra.w sign", sra_w(0x80000000LL, 4), (i64)(int32_t)0xf8000000);
    check("srl.w zero-fills bit 31, then sign-extends", srl_w(-1, 0), -1);
    check("srl.w by 4", srl_w(-1, 4), 0x0fffffff);
    check("rotr.w", rotr_w(0x12345678, 4), (i64)(int32_t)0x81234567);
    check("rotr.d by 64+8", rotr_d(0x0123456789abcdefLL, 72), (i64)0xef0123456789abcdULL);
    check("add.w wraps", add_w(0x7fffffff, 1), INT32_MIN);
    check("sub.w ignores high bits", sub_w(0x100000005LL, 0x200000003LL), 2);
    check("mulh.d", mulh_d(INT64_MIN, 2), -1);
    check("mulh.du", mulh_du(-1, -1), -2);
    check("mulh.w", mulh_w(0x7fffffff, 0x7fffffff), 0x3fffffff);
    check("mulh.wu", mulh_wu(-1, -1), (i64)(int32_t)0xfffffffe);
    check("mulw.d.w", mulw_d_w(-1, 0xffffffffLL), 1);
    check("mulw.d.wu", mulw_d_wu(-1, -1), (i64)0xfffffffe00000001ULL);
    check("mul.w", mul_w(0x10000, 0x10000), 0);
    check("sltu", sltu(1, -1), 1);
    check("slt", slt(1, -1), 0);
    check("sltui -1 (unsigned compare with all ones)", sltui_m1(0x7fffffffffffffffLL), 1);
    check("sltui 64", sltui_p(63), 1);
    check("maskeqz", maskeqz(0x1234, 5), 0x1234);
    check("maskeqz 0", maskeqz(0x1234, 0), 0);
    check("masknez", masknez(0x1234, 5), 0);
    check("masknez 0", masknez(0x1234, 0), 0x1234);
    check("bytepick.w 1", bytepick_w1(0x11223344, 0x55667788), (i64)(int32_t)0x66778811);
    check("bytepick.d 3", bytepick_d3(0x1122334455667788LL, (i64)0x99aabbccddeeff00ULL),
          (i64)0xccddeeff00112233ULL);
    check("alsl.w 4", alsl_w4(0x10000000, 1), 1);
    check("alsl.wu 2", alsl_wu2(0x40000000, 0x12), 0x12);
    check("alsl.wu 1", alsl_wu2(-1, 0) >> 32, 0);
    check("alsl.d 4", alsl_d4(0x1000000000000001LL, 3), 0x13);
    check("bstrpick.w 31,31", bstrpick_w31_31(0x80000000LL), 1);
    check("bstrpick.w 31,0", bstrpick_w31_0(0x80000000LL), INT32_MIN);
    check("bstrpick.d 47,16", bstrpick_d47_16(0x0123456789abcdefLL), 0x456789ab);
    check("bstrins.w 15,8", bstrins_w15_8(0x1ff), (i64)(int32_t)0xa5a5ffa5);
    check("bstrins.d 63,32", bstrins_d63_32(0x11223344), 0x11223344a5a5a5a5LL);
    check("clz.w 0", clz_w(0), 32);
    check("clz.w high half ignored", clz_w((i64)0xffffffff00000001ULL), 31);
    check("ctz.d 0", ctz_d(0), 64);
    check("clo.d", clo_d((i64)0xfff0000000000000ULL), 12);
    check("cto.w", cto_w(0x7fffffff), 31);
    check("revb.2h", revb_2h(0x11223344), 0x22114433);
    check("revb.2h sign", revb_2h(0x00800000), (i64)(int32_t)0x80000000);
    check("revb.4h", revb_4h(0x0123456789abcdefLL), 0x23016745ab89efcdLL);
    check("revb.2w", revb_2w(0x0123456789abcdefLL), 0x67452301efcdab89LL);
    check("revb.d", revb_d(0x0123456789abcdefLL), (i64)0xefcdab8967452301ULL);
    check("revh.2w", revh_2w(0x0123456789abcdefLL), 0x45670123cdef89abLL);
    check("revh.d", revh_d(0x0123456789abcdefLL), (i64)0xcdef89ab45670123ULL);
    check("bitrev.4b", bitrev_4b(0x01020380), (i64)(int32_t)0x8040c001);
    check("bitrev.8b", bitrev_8b(0x0100000000000001LL), (i64)0x8000000000000080ULL);
    check("bitrev.w", bitrev_w(1), INT32_MIN);
    check("bitrev.d", bitrev_d(1), INT64_MIN);
    check("ext.w.b", ext_w_b(0x180), (i64)-128);
    check("ext.w.h", ext_w_h(0x18000), (i64)-32768);
    check("addu16i.d", addu16i_m(0), (i64)0xffffffff80000000ULL);
    check("addi.w wraps", addi_w_p(0x7fffffff), (i64)(int32_t)0x800007fe);
    check("ori zero-extends its immediate", ori_(0), 0x800);
    check("xori zero-extends its immediate", xori_(-1), (i64)0xfffffffffffff000ULL);

    /* CRC instructions against a software CRC */
    static const u64 CRCDATA[] = {0, 0x31, 0x3332, 0x34333231, 0x3837363534333231ULL, ~0ULL};
    static const rr_fn CRCS[] = {crc_w_b_w, crc_w_h_w, crc_w_w_w, crc_w_d_w,
                                 crcc_w_b_w, crcc_w_h_w, crcc_w_w_w, crcc_w_d_w};
    for (unsigned o = 0; o < 8; o++)
        for (unsigned i = 0; i < N(CRCDATA); i++)
            for (int init = 0; init < 2; init++) {
                uint32_t crc0 = init ? 0xffffffffu : 0x12345678u;
                uint32_t want = soft_crc(crc0, CRCDATA[i], 1 << (o & 3),
                                         o < 4 ? 0xedb88320u : 0x82f63b78u);
                char what[40];
                snprintf(what, sizeof what, "crc op %u data %u init %d", o, i, init);
                /* the result is sign-extended; the old CRC comes from rk's low 32 bits */
                check(what, CRCS[o]((i64)CRCDATA[i], (i64)0x5500000000000000LL | crc0),
                      (i64)(int32_t)want);
            }
    /* zlib's crc32("123456789") = 0xcbf43926, crc32c = 0xe3069283, with the usual inversion */
    uint32_t c = ~0u, cc = ~0u;
    const char *msg = "123456789";
    for (int i = 0; i < 9; i++) {
        c = (uint32_t)crc_w_b_w(msg[i], c);
        cc = (uint32_t)crcc_w_b_w(msg[i], cc);
    }
    check("crc32(123456789)", ~c, 0xcbf43926);
    check("crc32c(123456789)", ~cc, 0xe3069283);

    check_immediates();
    printf("%s (%d failures)\n", failures ? "FAIL" : "ok", failures);
    return failures != 0;
}
