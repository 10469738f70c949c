/* int_ops (mipsel): the MIPS32r2 integer instructions over edge values, printed in hex, with the
   cases the architecture defines checked against their values. Exits 0 when every check holds,
   else 1.
     - two-operand ops (addu/subu/logic/slt/sltu, variable shifts and rotrv, mul, the HI/LO ones:
       mult/multu/div/divu with mfhi/mflo, madd/maddu/msub/msubu accumulating onto set HI/LO),
       movn/movz: "name: r r r ...";
     - every branch condition (beq/bne/blez/bgtz/bltz/bgez and the -likely forms) taken or not;
     - unary ops: immediate shifts, rotr, ext/ins, seb/seh/wsbh, clz/clo, slti/sltiu,
       andi/ori/xori (zero-extended immediates), addiu (sign-extended), lui;
     - trapping add/sub/addi that do not overflow (sig_fault has one that does).
   MIPS leaves the result of a division by zero unpredictable (there is no trap: gcc adds a teq
   after div) and of MIN / -1 too; the "div/divu" lines print qemu's results (x / 0 = x,
   x % 0 = 0 there), which is what jitvm follows. The division ops are inline asm `div $0, a, b`,
   which has no teq. */
#include <stdint.h>
#include <stdio.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One instruction each (inline asm), so the compiler can neither fold nor pick another. */
#define RR(fn, insn) static uint32_t fn(uint32_t a, uint32_t b) \
    { uint32_t r; __asm__ volatile(insn : "=&r"(r) : "r"(a), "r"(b) : "hi", "lo"); return r; }
RR(addu_, "addu %0, %1, %2")      RR(subu_, "subu %0, %1, %2")
RR(and_, "and %0, %1, %2")        RR(or_, "or %0, %1, %2")
RR(xor_, "xor %0, %1, %2")        RR(nor_, "nor %0, %1, %2")
RR(slt_, "slt %0, %1, %2")        RR(sltu_, "sltu %0, %1, %2")
RR(sllv_, "sllv %0, %1, %2")      RR(srlv_, "srlv %0, %1, %2")
RR(srav_, "srav %0, %1, %2")      RR(rotrv_, "rotrv %0, %1, %2")
RR(mul_, "mul %0, %1, %2")
RR(mult_lo, "mult %1, %2\n\tmflo %0")   RR(mult_hi, "mult %1, %2\n\tmfhi %0")
RR(multu_lo, "multu %1, %2\n\tmflo %0") RR(multu_hi, "multu %1, %2\n\tmfhi %0")
RR(div_lo, "div $0, %1, %2\n\tmflo %0") RR(div_hi, "div $0, %1, %2\n\tmfhi %0")
RR(divu_lo, "divu $0, %1, %2\n\tmflo %0") RR(divu_hi, "divu $0, %1, %2\n\tmfhi %0")
/* HI:LO = 0x00000001:0x80000000 before the accumulating ones */
#define ACC "li %0, 1\n\tmthi %0\n\tlui %0, 0x8000\n\tmtlo %0\n\t"
RR(madd_lo, ACC "madd %1, %2\n\tmflo %0")   RR(madd_hi, ACC "madd %1, %2\n\tmfhi %0")
RR(maddu_lo, ACC "maddu %1, %2\n\tmflo %0") RR(maddu_hi, ACC "maddu %1, %2\n\tmfhi %0")
RR(msub_lo, ACC "msub %1, %2\n\tmflo %0")   RR(msub_hi, ACC "msub %1, %2\n\tmfhi %0")
RR(msubu_lo, ACC "msubu %1, %2\n\tmflo %0") RR(msubu_hi, ACC "msubu %1, %2\n\tmfhi %0")
RR(movn_, "li %0, 0x5a\n\tmovn %0, %1, %2")  RR(movz_, "li %0, 0x5a\n\tmovz %0, %1, %2")
RR(ins_reg, "move %0, %2\n\tins %0, %1, 4, 12")     /* a's low 12 bits into b's bits 4..15 */
RR(ins_top, "move %0, %2\n\tins %0, %1, 31, 1")

typedef uint32_t (*op_fn)(uint32_t, uint32_t);
#define OP(f) {#f, f}
static const struct { const char *name; op_fn fn; } OPS[] = {
    OP(addu_), OP(subu_), OP(and_), OP(or_), OP(xor_), OP(nor_), OP(slt_), OP(sltu_), OP(sllv_),
    OP(srlv_), OP(srav_), OP(rotrv_), OP(mul_), OP(mult_lo), OP(mult_hi), OP(multu_lo),
    OP(multu_hi), OP(div_lo), OP(div_hi), OP(divu_lo), OP(divu_hi), OP(madd_lo), OP(madd_hi),
    OP(maddu_lo), OP(maddu_hi), OP(msub_lo), OP(msub_hi), OP(msubu_lo), OP(msubu_hi),
    OP(movn_), OP(movz_), OP(ins_reg), OP(ins_top),
};

/* Branches: 1 when taken. The -likely forms also say whether their slot ran (bit 1). */
#define BR2(fn, insn) static uint32_t fn(uint32_t a, uint32_t b) { uint32_t r; \
    __asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 1\n\t" insn " %1, %2, 1f\n\t" \
                     "nop\n\tli %0, 0\n1:\n\t.set pop" : "=&r"(r) : "r"(a), "r"(b)); return r; }
#define BR1(fn, insn) static uint32_t fn(uint32_t a, uint32_t b) { uint32_t r; (void)b; \
    __asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 1\n\t" insn " %1, 1f\n\t" \
                     "nop\n\tli %0, 0\n1:\n\t.set pop" : "=&r"(r) : "r"(a)); return r; }
#define BRL1(fn, insn) static uint32_t fn(uint32_t a, uint32_t b) { uint32_t r; (void)b; \
    __asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 1\n\t" insn " %1, 1f\n\t" \
                     "ori %0, %0, 2\n\tli %0, 0\n1:\n\t.set pop" : "=&r"(r) : "r"(a)); return r; }
#define BRL2(fn, insn) static uint32_t fn(uint32_t a, uint32_t b) { uint32_t r; \
    __asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 1\n\t" insn " %1, %2, 1f\n\t" \
                     "ori %0, %0, 2\n\tli %0, 0\n1:\n\t.set pop" : "=&r"(r) : "r"(a), "r"(b)); \
    return r; }
BR2(beq_, "beq") BR2(bne_, "bne") BR1(blez_, "blez") BR1(bgtz_, "bgtz") BR1(bltz_, "bltz")
BR1(bgez_, "bgez") BRL2(beql_, "beql") BRL2(bnel_, "bnel") BRL1(blezl_, "blezl")
BRL1(bgtzl_, "bgtzl") BRL1(bltzl_, "bltzl") BRL1(bgezl_, "bgezl")
static const struct { const char *name; op_fn fn; } BRS[] = {
    OP(beq_), OP(bne_), OP(blez_), OP(bgtz_), OP(bltz_), OP(bgez_), OP(beql_), OP(bnel_),
    OP(blezl_), OP(bgtzl_), OP(bltzl_), OP(bgezl_),
};

/* Unary: immediate forms, bitfields, byte and bit counts. */
#define UN(fn, insn) static uint32_t fn(uint32_t a) \
    { uint32_t r; __asm__ volatile(insn : "=&r"(r) : "r"(a)); return r; }
UN(sll_31, "sll %0, %1, 31")      UN(srl_1, "srl %0, %1, 1")      UN(sra_31, "sra %0, %1, 31")
UN(sra_4, "sra %0, %1, 4")        UN(rotr_1, "rotr %0, %1, 1")    UN(rotr_16, "rotr %0, %1, 16")
UN(ext_8_16, "ext %0, %1, 8, 16") UN(ext_31_1, "ext %0, %1, 31, 1") UN(ext_0_32, "ext %0, %1, 0, 32")
UN(ins_0, "li %0, -1\n\tins %0, %1, 0, 8") UN(ins_zero, "li %0, -1\n\tins %0, $0, 8, 16")
UN(seb_, "seb %0, %1")            UN(seh_, "seh %0, %1")          UN(wsbh_, "wsbh %0, %1")
UN(wsbh_rotr, "wsbh %0, %1\n\trotr %0, %0, 16")                   /* the byte swap idiom */
UN(clz_, "clz %0, %1")            UN(clo_, "clo %0, %1")
UN(slti_, "slti %0, %1, -1")      UN(sltiu_, "sltiu %0, %1, -1")  /* sltiu: sign-extended imm */
UN(slti_max, "slti %0, %1, 0x7fff")
UN(andi_, "andi %0, %1, 0x8001") UN(ori_, "ori %0, %1, 0x8001")  UN(xori_, "xori %0, %1, 0xffff")
UN(addiu_, "addiu %0, %1, -32768") UN(lui_or, "lui %0, 0x8765\n\tor %0, %0, %1")
UN(negu_, "negu %0, %1")          UN(not_, "not %0, %1")
static const struct { const char *name; uint32_t (*fn)(uint32_t); } UNS[] = {
    OP(sll_31), OP(srl_1), OP(sra_31), OP(sra_4), OP(rotr_1), OP(rotr_16), OP(ext_8_16),
    OP(ext_31_1), OP(ext_0_32), OP(ins_0), OP(ins_zero), OP(seb_), OP(seh_), OP(wsbh_),
    OP(wsbh_rotr), OP(clz_), OP(clo_), OP(slti_), OP(sltiu_), OP(slti_max), OP(andi_), OP(ori_),
    OP(xori_), OP(addiu_), OP(lui_or), OP(negu_), OP(not_),
};

/* trapping arithmetic that stays in range */
RR(add_t, "add %0, %1, %2") RR(sub_t, "sub %0, %1, %2")
UN(addi_t, "addi %0, %1, -100")

static const uint32_t VALUES[] = {0, 1, 2, 31, 32, 0x7fffffff, 0x80000000, 0xffffffff,
                                  0xfffffffe, 0x12345678, 0xdeadbeef, 0x00ff00ff, 0x8000ffff};
static uint64_t sum = 0xcbf29ce484222325ull;        /* FNV-1a over every result */
static int failures;

static void mix(uint32_t v)
{
    for (int i = 0; i < 4; i++)
        sum = (sum ^ (v >> (8 * i) & 0xff)) * 0x100000001b3ull;
}

static void check(const char *what, uint32_t got, uint32_t want)
{
    if (got != want) {
        printf("FAIL %s: %x, want %x\n", what, got, want);
        failures++;
    }
}

int main(void)
{
    for (unsigned o = 0; o < N(OPS); o++) {
        printf("%s:", OPS[o].name);
        for (unsigned i = 0; i < N(VALUES); i++)
            for (unsigned j = 0; j < N(VALUES); j++) {
                uint32_t r = OPS[o].fn(VALUES[i], VALUES[j]);
                mix(r);
                printf(" %x", r);
            }
        printf("\n");
    }
    for (unsigned o = 0; o < N(BRS); o++) {
        printf("%s:", BRS[o].name);
        for (unsigned i = 0; i < N(VALUES); i++)
            for (unsigned j = 0; j < 4; j++) {
                uint32_t r = BRS[o].fn(VALUES[i], VALUES[j]);
                mix(r);
                printf(" %x", r);
            }
        printf("\n");
    }
    for (unsigned o = 0; o < N(UNS); o++) {
        printf("%s:", UNS[o].name);
        for (unsigned i = 0; i < N(VALUES); i++) {
            uint32_t r = UNS[o].fn(VALUES[i]);
            mix(r);
            printf(" %x", r);
        }
        printf("\n");
    }
    printf("checksum %016llx\n", (unsigned long long)sum);

    /* What the architecture defines. */
    check("addu wraps", addu_(0xffffffff, 2), 1);
    check("slt signed", slt_(0x80000000, 0), 1);
    check("sltu unsigned", sltu_(0x80000000, 0), 0);
    check("sllv uses the amount mod 32", sllv_(1, 33), 2);
    check("srav sign", srav_(0x80000000, 4), 0xf8000000);
    check("rotrv", rotrv_(1, 1), 0x80000000);
    check("mul low word", mul_(0x10000, 0x10000), 0);
    check("mult hi", mult_hi(0x80000000, 2), 0xffffffff);
    check("multu hi", multu_hi(0xffffffff, 0xffffffff), 0xfffffffe);
    check("div lo (truncates)", div_lo(-7, 2), (uint32_t)-3);
    check("div hi (sign of the dividend)", div_hi(-7, 2), (uint32_t)-1);
    check("divu", divu_lo(0xffffffff, 16), 0x0fffffff);
    check("madd: HI:LO + a*b", madd_lo(0x80000000, 1), 0);
    check("madd: signed product", madd_hi(0x80000000, 1), 1);
    check("maddu carries into HI", maddu_hi(0x80000000, 1), 2);
    check("msubu borrows from HI", msubu_hi(1, 0x80000001), 0);
    check("movn moves when rt != 0", movn_(7, 1), 7);
    check("movz keeps when rt != 0", movz_(7, 1), 0x5a);
    check("ext", ext_8_16(0x12345678), 0x3456);
    check("ins", ins_reg(0xabc, 0xffff0000), 0xffffabc0);
    check("seb", seb_(0x80), 0xffffff80);
    check("seh", seh_(0x8000), 0xffff8000);
    check("wsbh", wsbh_(0x11223344), 0x22114433);
    check("wsbh + rotr 16 = bswap", wsbh_rotr(0x11223344), 0x44332211);
    check("clz 0", clz_(0), 32);
    check("clo -1", clo_(0xffffffff), 32);
    check("sltiu with -1 is unsigned < 0xffffffff", sltiu_(0xfffffffe), 1);
    check("andi zero-extends", andi_(0xffffffff), 0x8001);
    check("addiu sign-extends", addiu_(0), 0xffff8000);
    check("add (no overflow)", add_t(0x7ffffffe, 1), 0x7fffffff);
    check("sub (no overflow)", sub_t(0x80000001, 1), 0x80000000);
    check("addi (no overflow)", addi_t(100), 0);
    check("beql not taken annuls its slot", beql_(1, 2), 0);
    check("bnel taken runs its slot", bnel_(1, 2), 3);
    printf("%s (%d failures)\n", failures ? "FAIL" : "ok", failures);
    return failures != 0;
}
