/* atomics (loongarch64): C11 atomics and __atomic builtins on 8/16/32/64-bit objects (zig emits
   am*_db for read-modify-write, ll/sc loops for compare-exchange and masked ll.w/sc.w loops for
   sub-word sizes), every am* instruction (swap/add/and/or/xor/max/min, plain and _db, .w/.d and
   the unsigned max/min .wu/.du) through inline asm, and hand-written ll.w/sc.w and ll.d/sc.d
   compare-and-swap loops; single-threaded, prints every result, including the raw 64-bit
   register an am*.w returns (sign-extended).
   build-flags: -latomic */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define SHOW(expr) printf("%-44s = %llx\n", #expr, (unsigned long long)(expr))
#define SHOWV(var) printf("%-44s -> %llx\n", "  " #var, (unsigned long long)(var))

static _Atomic uint32_t a32 = 0x10;
static _Atomic uint64_t a64 = 0x100000000ULL;
static _Atomic int32_t s32 = -5;
static _Atomic int64_t s64 = -5;
static uint8_t b8 = 0xf0;
static uint16_t h16 = 0xff00;
static uint64_t plain64 = 7;

/* am<op>[_db].<w|d|wu|du> rd, rk, rj: rd = old *rj, *rj = op(old, rk). rd must differ from
   rj and rk (early clobber). The result is the whole 64-bit register. */
#define AM(fn, insn, T) static long fn(T *p, long v) \
    { long old; __asm__ volatile(insn " %0, %2, %1" : "=&r"(old) : "r"(p), "r"(v) : "memory"); \
      return old; }
AM(amswap_w, "amswap.w", uint32_t)       AM(amswap_db_w, "amswap_db.w", uint32_t)
AM(amswap_d, "amswap.d", uint64_t)       AM(amswap_db_d, "amswap_db.d", uint64_t)
AM(amadd_w, "amadd.w", uint32_t)         AM(amadd_db_w, "amadd_db.w", uint32_t)
AM(amadd_d, "amadd.d", uint64_t)         AM(amadd_db_d, "amadd_db.d", uint64_t)
AM(amand_w, "amand.w", uint32_t)         AM(amand_db_w, "amand_db.w", uint32_t)
AM(amand_d, "amand.d", uint64_t)         AM(amand_db_d, "amand_db.d", uint64_t)
AM(amor_w, "amor.w", uint32_t)           AM(amor_db_w, "amor_db.w", uint32_t)
AM(amor_d, "amor.d", uint64_t)           AM(amor_db_d, "amor_db.d", uint64_t)
AM(amxor_w, "amxor.w", uint32_t)         AM(amxor_db_w, "amxor_db.w", uint32_t)
AM(amxor_d, "amxor.d", uint64_t)         AM(amxor_db_d, "amxor_db.d", uint64_t)
AM(ammax_w, "ammax.w", uint32_t)         AM(ammax_db_w, "ammax_db.w", uint32_t)
AM(ammax_d, "ammax.d", uint64_t)         AM(ammax_db_d, "ammax_db.d", uint64_t)
AM(ammin_w, "ammin.w", uint32_t)         AM(ammin_db_w, "ammin_db.w", uint32_t)
AM(ammin_d, "ammin.d", uint64_t)         AM(ammin_db_d, "ammin_db.d", uint64_t)
AM(ammax_wu, "ammax.wu", uint32_t)       AM(ammax_db_wu, "ammax_db.wu", uint32_t)
AM(ammax_du, "ammax.du", uint64_t)       AM(ammax_db_du, "ammax_db.du", uint64_t)
AM(ammin_wu, "ammin.wu", uint32_t)       AM(ammin_db_wu, "ammin_db.wu", uint32_t)
AM(ammin_du, "ammin.du", uint64_t)       AM(ammin_db_du, "ammin_db.du", uint64_t)

typedef long (*am_w_fn)(uint32_t *, long);
typedef long (*am_d_fn)(uint64_t *, long);
static const struct { const char *name; am_w_fn w, w_db; am_d_fn d, d_db; } AMS[] = {
    {"amswap", amswap_w, amswap_db_w, amswap_d, amswap_db_d},
    {"amadd", amadd_w, amadd_db_w, amadd_d, amadd_db_d},
    {"amand", amand_w, amand_db_w, amand_d, amand_db_d},
    {"amor", amor_w, amor_db_w, amor_d, amor_db_d},
    {"amxor", amxor_w, amxor_db_w, amxor_d, amxor_db_d},
    {"ammax", ammax_w, ammax_db_w, ammax_d, ammax_db_d},
    {"ammin", ammin_w, ammin_db_w, ammin_d, ammin_db_d},
    {"ammax.u", ammax_wu, ammax_db_wu, ammax_du, ammax_db_du},
    {"ammin.u", ammin_wu, ammin_db_wu, ammin_du, ammin_db_du},
};
/* (memory before, operand) pairs: signs, the 32-bit boundary, equal values */
static const uint64_t MEM[] = {5, 0xfffffffffffffff0ULL, 0x80000000ULL, 0x7fffffffffffffffULL,
                               0x0123456789abcdefULL};
static const long OPND[] = {-3, 7, 0x7fffffff, (long)0x8000000000000000ULL, 5};

/* compare-and-swap with ll/sc: returns the value seen; *ok = 1 if the store happened */
static long cas_w(uint32_t *p, long expect, long desired, long *ok)
{
    long seen, tmp;
    __asm__ volatile("1: ll.w %0, %3, 0\n\t"
                     "   move %1, $zero\n\t"
                     "   bne %0, %4, 2f\n\t"
                     "   move %1, %5\n\t"
                     "   sc.w %1, %3, 0\n\t"
                     "   beqz %1, 1b\n\t"
                     "2: dbar 0"
                     : "=&r"(seen), "=&r"(tmp), "+m"(*p)
                     : "r"(p), "r"(expect), "r"(desired) : "memory");
    *ok = tmp;
    return seen;
}

static long cas_d(uint64_t *p, long expect, long desired, long *ok)
{
    long seen, tmp;
    __asm__ volatile("1: ll.d %0, %3, 0\n\t"
                     "   move %1, $zero\n\t"
                     "   bne %0, %4, 2f\n\t"
                     "   move %1, %5\n\t"
                     "   sc.d %1, %3, 0\n\t"
                     "   beqz %1, 1b\n\t"
                     "2: dbar 0"
                     : "=&r"(seen), "=&r"(tmp), "+m"(*p)
                     : "r"(p), "r"(expect), "r"(desired) : "memory");
    *ok = tmp;
    return seen;
}

/* fetch-and-op as an ll/sc loop with a non-zero offset (ll/sc offsets are multiples of 4) */
static long llsc_add_d_off8(uint64_t *base, long v)
{
    long old, tmp;
    __asm__ volatile("1: ll.d %0, %2, 8\n\t"
                     "   add.d %1, %0, %3\n\t"
                     "   sc.d %1, %2, 8\n\t"
                     "   beqz %1, 1b"
                     : "=&r"(old), "=&r"(tmp) : "r"(base), "r"(v) : "memory");
    return old;
}

static long llsc_inc_w_neg4(uint32_t *p)          /* offset -4 from p + 1 */
{
    long old, tmp;
    __asm__ volatile("1: ll.w %0, %2, -4\n\t"
                     "   addi.w %1, %0, 1\n\t"
                     "   sc.w %1, %2, -4\n\t"
                     "   beqz %1, 1b"
                     : "=&r"(old), "=&r"(tmp) : "r"(p + 1) : "memory");
    return old;
}

int main(void)
{
    /* C11 atomics (the same sequence as riscv64's atomics.c) */
    SHOW(atomic_fetch_add(&a32, 5));             SHOWV(a32);
    SHOW(atomic_fetch_sub(&a32, 0x20));          SHOWV(a32);   /* wraps below zero */
    SHOW(atomic_fetch_and(&a32, 0xff00ff00u));   SHOWV(a32);
    SHOW(atomic_fetch_or(&a32, 0x0f));           SHOWV(a32);
    SHOW(atomic_fetch_xor(&a32, 0xffffffffu));   SHOWV(a32);
    SHOW(atomic_exchange(&a32, 0xdeadbeefu));    SHOWV(a32);

    SHOW(atomic_fetch_add(&a64, 0xffffffffULL)); SHOWV(a64);
    SHOW(atomic_fetch_sub(&a64, 1));             SHOWV(a64);
    SHOW(atomic_fetch_and(&a64, 0xf0f0f0f0f0f0f0f0ULL)); SHOWV(a64);
    SHOW(atomic_fetch_or(&a64, 1));              SHOWV(a64);
    SHOW(atomic_fetch_xor(&a64, ~0ULL));         SHOWV(a64);
    SHOW(atomic_exchange(&a64, 0x0123456789abcdefULL)); SHOWV(a64);

    /* signed min/max: clang's builtins (ammax_db/ammin_db) */
    SHOW(__atomic_fetch_min((int32_t *)&s32, -9, __ATOMIC_SEQ_CST)); SHOWV(s32);
    SHOW(__atomic_fetch_max((int32_t *)&s32, 3, __ATOMIC_SEQ_CST));  SHOWV(s32);
    SHOW(__atomic_fetch_min((int64_t *)&s64, -9, __ATOMIC_SEQ_CST)); SHOWV(s64);
    SHOW(__atomic_fetch_max((int64_t *)&s64, 3, __ATOMIC_SEQ_CST));  SHOWV(s64);
    uint32_t u = 0xfffffff0u;                     /* unsigned: ammin_db.wu/ammax_db.wu */
    SHOW(__atomic_fetch_min(&u, 5u, __ATOMIC_RELAXED));           SHOWV(u);
    SHOW(__atomic_fetch_max(&u, 0x80000000u, __ATOMIC_ACQUIRE));  SHOWV(u);

    /* compare-exchange: one that succeeds, one that fails and reports the current value */
    uint32_t e32 = 0xdeadbeefu;
    SHOW(atomic_compare_exchange_strong(&a32, &e32, 1u)); SHOWV(a32); SHOWV(e32);
    e32 = 99;
    SHOW(atomic_compare_exchange_strong(&a32, &e32, 2u)); SHOWV(a32); SHOWV(e32);
    uint64_t e64 = 0x0123456789abcdefULL;
    SHOW(atomic_compare_exchange_strong(&a64, &e64, ~0ULL)); SHOWV(a64); SHOWV(e64);
    e64 = 0;
    SHOW(atomic_compare_exchange_strong(&a64, &e64, 5)); SHOWV(a64); SHOWV(e64);
    uint64_t cur = atomic_load(&a64);             /* a weak CAS loop: a typical ll/sc retry */
    while (!atomic_compare_exchange_weak(&a64, &cur, cur * 3 + 1))
        ;
    SHOWV(a64);

    /* sub-word atomics (masked ll.w/sc.w sequences) */
    SHOW(__atomic_fetch_add(&b8, 0x20, __ATOMIC_SEQ_CST));  SHOWV(b8);
    SHOW(__atomic_exchange_n(&b8, 0x5a, __ATOMIC_SEQ_CST)); SHOWV(b8);
    SHOW(__atomic_fetch_or(&h16, 0x00ff, __ATOMIC_SEQ_CST)); SHOWV(h16);
    uint16_t eh = 0xffff;
    SHOW(__atomic_compare_exchange_n(&h16, &eh, 0x1234, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    SHOWV(h16);
    static uint8_t bytes[8] = {1, 2, 3, 4, 0xfe, 0xff, 0x80, 0x7f};
    SHOW(__atomic_fetch_sub(&bytes[5], 2, __ATOMIC_SEQ_CST));
    SHOW(__atomic_fetch_nand(&bytes[6], 0xf0, __ATOMIC_SEQ_CST));
    SHOW(__atomic_fetch_max((int8_t *)&bytes[7], (int8_t)-1, __ATOMIC_SEQ_CST));
    SHOW(__atomic_fetch_min((int8_t *)&bytes[4], (int8_t)-3, __ATOMIC_SEQ_CST));
    SHOW(__atomic_fetch_max(&bytes[0], 0x90, __ATOMIC_SEQ_CST));
    static uint16_t halves[4] = {0x8000, 0x7fff, 0xffff, 1};
    SHOW(__atomic_fetch_add(&halves[1], 1, __ATOMIC_SEQ_CST));
    SHOW(__atomic_fetch_xor(&halves[3], 0xffff, __ATOMIC_SEQ_CST));
    SHOW(__atomic_fetch_min((int16_t *)&halves[0], (int16_t)5, __ATOMIC_SEQ_CST));
    SHOW(__atomic_exchange_n(&halves[2], 0xabcd, __ATOMIC_SEQ_CST));
    uint64_t bw, hw;
    __builtin_memcpy(&bw, bytes, 8);
    __builtin_memcpy(&hw, halves, 8);
    SHOWV(bw);                                    /* neighbours unchanged */
    SHOWV(hw);

    /* __atomic builtins on plain objects, loads/stores with explicit orders, fences */
    SHOW(__atomic_add_fetch(&plain64, 10, __ATOMIC_ACQ_REL)); SHOWV(plain64);
    SHOW(__atomic_sub_fetch(&plain64, 20, __ATOMIC_RELEASE)); SHOWV(plain64);
    __atomic_store_n(&plain64, 0xabcdef, __ATOMIC_RELEASE);
    atomic_thread_fence(memory_order_seq_cst);
    SHOW(__atomic_load_n(&plain64, __ATOMIC_ACQUIRE));
    static atomic_flag flag = ATOMIC_FLAG_INIT;
    SHOW(atomic_flag_test_and_set(&flag));
    SHOW(atomic_flag_test_and_set(&flag));
    atomic_flag_clear(&flag);
    SHOW(atomic_flag_test_and_set(&flag));
    SHOW(atomic_is_lock_free(&a64));

    /* every am* instruction: old value (the whole register) and the memory after */
    uint64_t amsum = 0;
    for (unsigned o = 0; o < sizeof AMS / sizeof AMS[0]; o++)
        for (int db = 0; db < 2; db++) {
            printf("%s%s:", AMS[o].name, db ? "_db" : "");
            for (unsigned i = 0; i < sizeof MEM / sizeof MEM[0]; i++) {
                uint32_t w[3] = {0x11111111u, (uint32_t)MEM[i], 0x22222222u};
                uint64_t d[3] = {0x3333333333333333ULL, MEM[i], 0x4444444444444444ULL};
                long ow = (db ? AMS[o].w_db : AMS[o].w)(&w[1], OPND[i]);
                long od = (db ? AMS[o].d_db : AMS[o].d)(&d[1], OPND[i]);
                printf(" w %lx->%x d %lx->%llx;", (unsigned long)ow, w[1], (unsigned long)od,
                       (unsigned long long)d[1]);
                if (w[0] != 0x11111111u || w[2] != 0x22222222u ||
                    d[0] != 0x3333333333333333ULL || d[2] != 0x4444444444444444ULL)
                    printf(" FAIL neighbour changed");
                amsum = amsum * 31 + (uint64_t)ow + w[1] + (uint64_t)od * 7 + d[1];
            }
            printf("\n");
        }
    printf("am checksum %016llx\n", (unsigned long long)amsum);
    uint32_t wz = 7;                               /* rd = $zero: the old value is dropped */
    __asm__ volatile("amadd_db.w $zero, %1, %0" : : "r"(&wz), "r"(5L) : "memory");
    SHOWV(wz);

    /* ll/sc compare-and-swap loops */
    uint32_t cw = 0x80000001u;
    uint64_t cd = 0x8000000000000001ULL;
    long ok;
    SHOW(cas_w(&cw, 0x80000001, 0x5555, &ok));  SHOWV(ok); SHOWV(cw);   /* ll.w sign-extends */
    SHOW(cas_w(&cw, (int32_t)0x80000001, 0x12345678, &ok)); SHOWV(ok); SHOWV(cw);
    SHOW(cas_w(&cw, 0x12345678, -1, &ok));     SHOWV(ok); SHOWV(cw);
    SHOW(cas_w(&cw, -1, 0, &ok));              SHOWV(ok); SHOWV(cw);
    SHOW(cas_d(&cd, (long)0x8000000000000001ULL, 42, &ok)); SHOWV(ok); SHOWV(cd);
    SHOW(cas_d(&cd, 41, 43, &ok));             SHOWV(ok); SHOWV(cd);
    SHOW(cas_d(&cd, 42, -2, &ok));             SHOWV(ok); SHOWV(cd);
    uint64_t pair[3] = {1, 2, 3};
    for (int i = 0; i < 5; i++)
        llsc_add_d_off8(pair, 0x100000000L);
    SHOW(pair[0]); SHOW(pair[1]); SHOW(pair[2]);
    uint32_t words[3] = {0xfffffffeu, 9, 9};
    SHOW(llsc_inc_w_neg4(&words[0]));
    SHOW(llsc_inc_w_neg4(&words[0]));
    SHOW(words[0]); SHOW(words[1]);
    /* a CAS-based counter through the C builtin, many iterations */
    static _Atomic uint64_t counter;
    for (int i = 0; i < 10000; i++) {
        uint64_t c = atomic_load_explicit(&counter, memory_order_relaxed);
        while (!atomic_compare_exchange_weak(&counter, &c, c + (uint64_t)i))
            ;
    }
    SHOWV(counter);

    uint64_t sum = a32 + a64 + (uint64_t)s32 + (uint64_t)s64 + u + b8 + h16 + plain64 + cw + cd;
    printf("checksum %016llx\n", (unsigned long long)sum);
    return 0;
}
