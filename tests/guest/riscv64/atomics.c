/* atomics: C11 atomics and __atomic builtins on 8/16/32/64-bit objects (AMOs, and LR/SC loops
   for compare-exchange; libatomic for sub-word sizes), single-threaded; prints every result.
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

/* gcc 12 has no __atomic_fetch_min/max builtins: use the AMO instructions directly. */
#define AMO(name, insn, T) static T name(T *p, T v) \
    { T old; __asm__ volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); \
      return old; }
AMO(amomin_w, "amomin.w.aqrl", int32_t)   AMO(amomax_w, "amomax.w.aqrl", int32_t)
AMO(amomin_d, "amomin.d.aqrl", int64_t)   AMO(amomax_d, "amomax.d.aqrl", int64_t)
AMO(amominu_w, "amominu.w", uint32_t)     AMO(amomaxu_w, "amomaxu.w.aq", uint32_t)

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

    /* Signed min/max map to amomin/amomax. */
    SHOW(amomin_w((int32_t *)&s32, -9)); SHOWV(s32);
    SHOW(amomax_w((int32_t *)&s32, 3));  SHOWV(s32);
    SHOW(amomin_d((int64_t *)&s64, -9)); SHOWV(s64);
    SHOW(amomax_d((int64_t *)&s64, 3));  SHOWV(s64);
    uint32_t u = 0xfffffff0u;                     /* unsigned: amominu/amomaxu */
    SHOW(amominu_w(&u, 5u));             SHOWV(u);
    SHOW(amomaxu_w(&u, 0x80000000u));    SHOWV(u);

    /* Compare-exchange: one that succeeds, one that fails and reports the current value. */
    uint32_t e32 = 0xdeadbeefu;
    SHOW(atomic_compare_exchange_strong(&a32, &e32, 1u)); SHOWV(a32); SHOWV(e32);
    e32 = 99;
    SHOW(atomic_compare_exchange_strong(&a32, &e32, 2u)); SHOWV(a32); SHOWV(e32);
    uint64_t e64 = 0x0123456789abcdefULL;
    SHOW(atomic_compare_exchange_strong(&a64, &e64, ~0ULL)); SHOWV(a64); SHOWV(e64);
    e64 = 0;
    SHOW(atomic_compare_exchange_strong(&a64, &e64, 5)); SHOWV(a64); SHOWV(e64);
    uint64_t cur = atomic_load(&a64);             /* a weak CAS loop: a typical LR/SC retry */
    while (!atomic_compare_exchange_weak(&a64, &cur, cur * 3 + 1))
        ;
    SHOWV(a64);

    /* Sub-word atomics (masked LR/SC sequences). */
    SHOW(__atomic_fetch_add(&b8, 0x20, __ATOMIC_SEQ_CST));  SHOWV(b8);
    SHOW(__atomic_exchange_n(&b8, 0x5a, __ATOMIC_SEQ_CST)); SHOWV(b8);
    SHOW(__atomic_fetch_or(&h16, 0x00ff, __ATOMIC_SEQ_CST)); SHOWV(h16);
    uint16_t eh = 0xffff;
    SHOW(__atomic_compare_exchange_n(&h16, &eh, 0x1234, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    SHOWV(h16);

    /* __atomic builtins on plain objects, loads/stores with explicit orders, fences. */
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

    uint64_t sum = a32 + a64 + (uint64_t)s32 + (uint64_t)s64 + u + b8 + h16 + plain64;
    printf("checksum %016llx\n", (unsigned long long)sum);
    return 0;
}
