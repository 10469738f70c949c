/* atomics (aarch64): C11 atomics and __atomic builtins on 8/16/32/64-bit objects, built without
   LSE (armv8-a, no outline atomics: every read-modify-write is an inline ldxr/stxr loop), plus
   the exclusives and acquire/release instructions by hand: ldxr/stxr, ldaxr/stlxr of every
   size, ldxp/stxp and ldaxp/stlxp pairs (a 128-bit add), ldar/stlr, clrex making the next store
   exclusive fail; single-threaded; prints every result.
   build-flags: -march=armv8-a -mno-outline-atomics -latomic */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define SHOW(expr) printf("%-44s = %llx\n", #expr, (unsigned long long)(expr))
#define SHOWV(var) printf("%-44s -> %llx\n", "  " #var, (unsigned long long)(var))

static _Atomic uint32_t a32 = 0x10;
static _Atomic uint64_t a64 = 0x100000000ULL;
static int32_t s32 = -5;
static int64_t s64 = -5;
static uint8_t b8 = 0xf0;
static uint16_t h16 = 0xff00;
static uint64_t plain64 = 7;
static uint64_t pair[2] __attribute__((aligned(16))) = {0xfffffffffffffff0ULL, 1};
static uint32_t wpair[2] __attribute__((aligned(8))) = {0x7fffffff, 0x80000000};

/* A read-modify-write by an exclusive loop: ld (load-exclusive), op computes %1 from the old
   value %0 and the operand %4, st (store-exclusive) writes its status to %w2, 0 = success.
   R is the register width prefix ("x" or "w") of the value operands. */
#define RMW(name, T, ld, st, R, op) static T name(T *p, T v) { \
    T old, new; uint32_t fail; \
    __asm__ volatile("1: " ld " %" R "0, [%3]\n\t" op "\n\t" st " %w2, %" R "1, [%3]\n\t" \
                     "cbnz %w2, 1b" \
                     : "=&r"(old), "=&r"(new), "=&r"(fail) : "r"(p), "r"(v) : "memory", "cc"); \
    return old; }
RMW(smin_x, int64_t, "ldaxr", "stlxr", "x", "cmp %x0, %x4\n\tcsel %x1, %x0, %x4, lt")
RMW(smax_x, int64_t, "ldxr", "stlxr", "x", "cmp %x0, %x4\n\tcsel %x1, %x0, %x4, gt")
RMW(smin_w, int32_t, "ldaxr", "stxr", "w", "cmp %w0, %w4\n\tcsel %w1, %w0, %w4, lt")
RMW(smax_w, int32_t, "ldxr", "stxr", "w", "cmp %w0, %w4\n\tcsel %w1, %w0, %w4, gt")
RMW(umin_w, uint32_t, "ldxr", "stxr", "w", "cmp %w0, %w4\n\tcsel %w1, %w0, %w4, lo")
RMW(umax_w, uint32_t, "ldaxr", "stlxr", "w", "cmp %w0, %w4\n\tcsel %w1, %w0, %w4, hi")
RMW(add_b, uint8_t, "ldxrb", "stxrb", "w", "add %w1, %w0, %w4")          /* wraps at 8 bits */
RMW(sub_h, uint16_t, "ldaxrh", "stlxrh", "w", "sub %w1, %w0, %w4")
RMW(eor_b, uint8_t, "ldaxrb", "stlxrb", "w", "eor %w1, %w0, %w4")
RMW(orr_h, uint16_t, "ldxrh", "stxrh", "w", "orr %w1, %w0, %w4")

/* 128-bit add on a 16-byte aligned pair: the pair exclusives, carrying across the halves. */
static void add128(uint64_t *p, uint64_t lo, uint64_t hi, uint64_t old[2])
{
    uint64_t o0, o1, n0, n1;
    uint32_t fail;
    __asm__ volatile("1: ldaxp %0, %1, [%5]\n\t"
                     "adds %2, %0, %6\n\tadc %3, %1, %7\n\t"
                     "stlxp %w4, %2, %3, [%5]\n\tcbnz %w4, 1b"
                     : "=&r"(o0), "=&r"(o1), "=&r"(n0), "=&r"(n1), "=&r"(fail)
                     : "r"(p), "r"(lo), "r"(hi) : "memory", "cc");
    old[0] = o0;
    old[1] = o1;
}

/* Swap the two words of a 32-bit pair (ldxp/stxp of W registers). */
static uint64_t swap_wpair(uint32_t *p)
{
    uint32_t a, b, fail;
    __asm__ volatile("1: ldxp %w0, %w1, [%3]\n\tstxp %w2, %w1, %w0, [%3]\n\tcbnz %w2, 1b"
                     : "=&r"(a), "=&r"(b), "=&r"(fail) : "r"(p) : "memory");
    return (uint64_t)b << 32 | a;
}

/* clrex drops the reservation: the store-exclusive fails (status 1) and memory is unchanged. */
static uint32_t store_after_clrex(uint64_t *p, uint64_t v)
{
    uint64_t old;
    uint32_t fail;
    __asm__ volatile("ldxr %0, [%2]\n\tclrex\n\tstxr %w1, %3, [%2]"
                     : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v) : "memory");
    return fail;
}

/* Load-acquire / store-release of every size, round trips through one 64-bit word. */
static uint64_t acq_rel_mix(uint64_t *p)
{
    uint64_t x, w, h, b;
    __asm__ volatile("stlr %4, [%5]\n\t"
                     "ldarb %w3, [%5]\n\tldarh %w2, [%5]\n\tldar %w1, [%5]\n\tldar %0, [%5]\n\t"
                     "stlrb %w6, [%5]\n\tstlrh %w6, [%5]\n\t"
                     "ldar %0, [%5]"
                     : "=&r"(x), "=&r"(w), "=&r"(h), "=&r"(b)
                     : "r"(0x8899aabbccddeeffULL), "r"(p), "r"(0x1234) : "memory");
    return x ^ (w << 8) ^ (h << 16) ^ (b << 24);
}

int main(void)
{
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

    /* Signed and unsigned min/max: exclusive loops with cmp + csel. */
    SHOW(smin_w(&s32, -9)); SHOWV(s32);
    SHOW(smax_w(&s32, 3));  SHOWV(s32);
    SHOW(smin_x(&s64, -9)); SHOWV(s64);
    SHOW(smax_x(&s64, 3));  SHOWV(s64);
    uint32_t u = 0xfffffff0u;
    SHOW(umin_w(&u, 5u));             SHOWV(u);
    SHOW(umax_w(&u, 0x80000000u));    SHOWV(u);

    /* Byte and halfword exclusives. */
    uint8_t eb = 0xfe;
    uint16_t eh16 = 0x0001;
    SHOW(add_b(&eb, 3));        SHOWV(eb);
    SHOW(sub_h(&eh16, 2));      SHOWV(eh16);
    SHOW(eor_b(&eb, 0xff));     SHOWV(eb);
    SHOW(orr_h(&eh16, 0x8000)); SHOWV(eh16);

    /* Pairs: a 128-bit add with carry out of the low half; a W pair swapped. */
    uint64_t old[2];
    add128(pair, 0x20, 0x10, old);
    SHOWV(old[0]); SHOWV(old[1]); SHOWV(pair[0]); SHOWV(pair[1]);
    SHOW(swap_wpair(wpair)); SHOWV(wpair[0]); SHOWV(wpair[1]);

    /* clrex: the exclusive store fails; then acquire/release of every size. */
    uint64_t word = 0x55;
    SHOW(store_after_clrex(&word, 0x66)); SHOWV(word);
    SHOW(acq_rel_mix(&word)); SHOWV(word);

    /* Compare-exchange: one that succeeds, one that fails and reports the current value. */
    uint32_t e32 = 0xdeadbeefu;
    SHOW(atomic_compare_exchange_strong(&a32, &e32, 1u)); SHOWV(a32); SHOWV(e32);
    e32 = 99;
    SHOW(atomic_compare_exchange_strong(&a32, &e32, 2u)); SHOWV(a32); SHOWV(e32);
    uint64_t e64 = 0x0123456789abcdefULL;
    SHOW(atomic_compare_exchange_strong(&a64, &e64, ~0ULL)); SHOWV(a64); SHOWV(e64);
    e64 = 0;
    SHOW(atomic_compare_exchange_strong(&a64, &e64, 5)); SHOWV(a64); SHOWV(e64);
    uint64_t cur = atomic_load(&a64);             /* a weak CAS loop: a typical retry */
    while (!atomic_compare_exchange_weak(&a64, &cur, cur * 3 + 1))
        ;
    SHOWV(a64);

    /* Sub-word atomics (ldxrb/ldxrh loops). */
    SHOW(__atomic_fetch_add(&b8, 0x20, __ATOMIC_SEQ_CST));  SHOWV(b8);
    SHOW(__atomic_exchange_n(&b8, 0x5a, __ATOMIC_SEQ_CST)); SHOWV(b8);
    SHOW(__atomic_fetch_or(&h16, 0x00ff, __ATOMIC_SEQ_CST)); SHOWV(h16);
    uint16_t eh = 0xffff;
    SHOW(__atomic_compare_exchange_n(&h16, &eh, 0x1234, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    SHOWV(h16);

    /* __atomic builtins on plain objects, loads/stores with explicit orders, fences. */
    SHOW(__atomic_add_fetch(&plain64, 10, __ATOMIC_ACQ_REL)); SHOWV(plain64);
    SHOW(__atomic_sub_fetch(&plain64, 20, __ATOMIC_RELEASE)); SHOWV(plain64);
    SHOW(__atomic_nand_fetch(&plain64, 0xff, __ATOMIC_RELAXED)); SHOWV(plain64);
    __atomic_store_n(&plain64, 0xabcdef, __ATOMIC_RELEASE);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_thread_fence(memory_order_acquire);
    SHOW(__atomic_load_n(&plain64, __ATOMIC_ACQUIRE));
    static atomic_flag flag = ATOMIC_FLAG_INIT;
    SHOW(atomic_flag_test_and_set(&flag));
    SHOW(atomic_flag_test_and_set(&flag));
    atomic_flag_clear(&flag);
    SHOW(atomic_flag_test_and_set(&flag));
    SHOW(atomic_is_lock_free(&a64));

    uint64_t sum = a32 + a64 + (uint64_t)s32 + (uint64_t)s64 + u + b8 + h16 + plain64 + eb + eh16
                 + pair[0] + pair[1] + wpair[0] + word;
    printf("checksum %016llx\n", (unsigned long long)sum);
    return 0;
}
