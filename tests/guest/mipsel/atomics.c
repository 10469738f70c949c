/* atomics (mipsel): C11 atomics and __atomic builtins on 8/16/32/64-bit objects, plus ll/sc by
   hand; single-threaded; prints every result. MIPS32 has only the 32-bit ll/sc: gcc and clang
   build 8- and 16-bit atomics as masked ll/sc loops on the containing word, and the 64-bit ones
   are calls into libatomic (-latomic; a lock around plain loads and stores): 8 bytes are not
   always lock-free, as the last lines print. By hand: min/max loops (slt + movn), byte and halfword
   read-modify-writes on a word (ext/ins, shifts), a 64-bit add over two words with each word's
   own ll/sc (not atomic as a whole; single-threaded it is exact). No forced sc failure: what a
   plain store or a system call between ll and sc does to the reservation differs (Linux's eret
   clears LLbit; qemu's sc compares values). sync is the full barrier.
   build-flags: -latomic */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define SHOW(expr) printf("%-44s = %llx\n", #expr, (unsigned long long)(expr))
#define SHOWV(var) printf("%-44s -> %llx\n", "  " #var, (unsigned long long)(var))

static _Atomic uint32_t a32 = 0x10;
static _Atomic uint64_t a64 = 0x100000000ULL;
static int32_t s32 = -5;
static uint8_t b8 = 0xf0;
static uint16_t h16 = 0xff00;
static uint64_t plain64 = 7;
static uint32_t bytes_word = 0x44332211;
static uint32_t pair[2] = {0xfffffff0, 1};

/* A read-modify-write by an ll/sc loop: op computes %1 from the old value %0 and operand %3;
   sc writes 1 to %1 on success, 0 on failure. */
#define RMW(name, T, op) static T name(T *p, T v) { \
    T old, new; \
    __asm__ volatile(".set push\n\t.set noreorder\n\t.set noat\n" \
                     "1:\tll %0, 0(%2)\n\t" op "\n\tsc %1, 0(%2)\n\tbeqz %1, 1b\n\tnop\n\t" \
                     "sync\n\t.set pop" \
                     : "=&r"(old), "=&r"(new) : "r"(p), "r"(v) : "memory", "$1"); \
    return old; }
/* slt $1 = old < v; movn new = v if so, else keep old: min; the other way round: max */
RMW(smin_w, int32_t, "move %1, %0\n\tslt $1, %3, %0\n\tmovn %1, %3, $1")
RMW(smax_w, int32_t, "move %1, %0\n\tslt $1, %0, %3\n\tmovn %1, %3, $1")
RMW(umin_w, uint32_t, "move %1, %0\n\tsltu $1, %3, %0\n\tmovn %1, %3, $1")
RMW(umax_w, uint32_t, "move %1, %0\n\tsltu $1, %0, %3\n\tmovn %1, %3, $1")
RMW(addu_w, uint32_t, "addu %1, %0, %3")
/* byte 1 of the word += v (ext/ins keep the other bytes) */
RMW(add_byte1, uint32_t, "ext $1, %0, 8, 8\n\taddu $1, $1, %3\n\tmove %1, %0\n\tins %1, $1, 8, 8")
/* the upper halfword ^= v */
RMW(xor_half1, uint32_t, "sll $1, %3, 16\n\txor %1, %0, $1")

/* A 64-bit add as two ll/sc loops with the carry between them (not atomic as a whole). */
static void add64_words(uint32_t *p, uint32_t lo)
{
    uint32_t old = addu_w(&p[0], lo);
    addu_w(&p[1], old + lo < old);
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

    /* Signed and unsigned min/max: ll/sc loops with slt/sltu + movn. */
    SHOW(smin_w(&s32, -9)); SHOWV(s32);
    SHOW(smax_w(&s32, 3));  SHOWV(s32);
    uint32_t u = 0xfffffff0u;
    SHOW(umin_w(&u, 5u));             SHOWV(u);
    SHOW(umax_w(&u, 0x80000000u));    SHOWV(u);

    /* Parts of a word by hand, and a 64-bit add over two words. */
    SHOW(add_byte1(&bytes_word, 0xf0)); SHOWV(bytes_word);   /* 0x22 + 0xf0 wraps in the byte */
    SHOW(xor_half1(&bytes_word, 0xffff)); SHOWV(bytes_word);
    add64_words(pair, 0x20);
    SHOWV(pair[0]); SHOWV(pair[1]);

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

    /* Sub-word atomics (masked ll/sc loops on the containing word). */
    SHOW(__atomic_fetch_add(&b8, 0x20, __ATOMIC_SEQ_CST));  SHOWV(b8);
    SHOW(__atomic_exchange_n(&b8, 0x5a, __ATOMIC_SEQ_CST)); SHOWV(b8);
    SHOW(__atomic_fetch_or(&h16, 0x00ff, __ATOMIC_SEQ_CST)); SHOWV(h16);
    uint16_t eh = 0xffff;
    SHOW(__atomic_compare_exchange_n(&h16, &eh, 0x1234, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    SHOWV(h16);

    /* __atomic builtins on plain objects (64-bit: libatomic), orders, fences. */
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
    SHOW(__atomic_always_lock_free(sizeof a32, 0));
    SHOW(__atomic_always_lock_free(sizeof a64, 0));

    uint64_t sum = a32 + a64 + (uint64_t)s32 + u + b8 + h16 + plain64 + bytes_word + pair[0]
                 + ((uint64_t)pair[1] << 32);
    printf("checksum %016llx\n", (unsigned long long)sum);
    return 0;
}
