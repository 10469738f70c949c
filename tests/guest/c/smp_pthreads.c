/* smp_pthreads: pthreads, futex-based synchronisation and atomics under real contention, with
 * output that does not depend on how the threads are scheduled or on how many CPUs run them:
 *   a) a counter under a pthread mutex (lock and trylock), with an invariant checked inside;
 *   b) a bounded producer/consumer queue on pthread_cond_wait/signal (sum, count, FIFO order);
 *   c) C11 atomics (RISC-V AMOs and LR/SC, LoongArch am*_db and LL/SC, AArch64 ldxr/stxr
 *      loops -- built without LSE; MIPS32 ll/sc loops and libatomic's locks for 64 bits):
 *      fetch_add on 64- and 32-bit words (with the values returned checked to be a permutation), compare-exchange
 *      loops (weak and strong), an explicit lr/sc (ll/sc) loop -- the one piece of inline asm,
 *      one per ISA; the check names keep RISC-V's instruction names, so every ISA prints the
 *      same lines -- fetch_xor/or/and on shared bit masks, spinlocks built on
 *      atomic_exchange (amoswap.w and amoswap.d) guarding plain counters, sub-word atomics on
 *      neighbouring bytes and halfwords, and plain byte stores to neighbouring bytes;
 *   d) __thread variables (.tdata and .tbss): fresh in every thread, private, not disturbed
 *      by the other threads' writes between barriers;
 *   e) barriers (round counts, one serial thread per round), join chains, pthread_exit
 *      values, pthread_once, a rwlock and a semaphore ping-pong.
 *
 *   smp_pthreads [MULT [THREADS]]     work multiplier (default 1), threads (default 4, 1..16)
 *
 * stdout: "ok   <check>" or "FAIL <check>: got X, want Y" per check, then "<n> checks, <m>
 * failed"; exit status 0 iff every check passed. stderr (not compared with the oracle): the
 * CPUs the worker threads were seen on (sched_getcpu), e.g. "cpus seen: 0 1 2 3".
 * build-flags: -pthread -latomic */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXT 16

static int nt = 4;             /* worker threads */
static long mult = 1;
static int checks, failures;

static void check(const char *what, long long got, long long want)
{
    checks++;
    if (got == want) {
        printf("ok   %s: %lld\n", what, got);
    } else {
        failures++;
        printf("FAIL %s: got %lld, want %lld\n", what, got, want);
    }
    fflush(stdout);
}

/* ---- which CPUs the workers ran on (stderr only: the oracle runs on the host's CPUs) ---- */
static atomic_ullong cpus_seen;            /* 64 bits on 32-bit ISAs too */

static void note_cpu(void)
{
    int c = sched_getcpu();
    if (c >= 0 && c < 64) atomic_fetch_or(&cpus_seen, 1ULL << c);
}

static void run_threads(int n, void *(*fn)(void *), void **results)
{
    pthread_t th[MAXT];
    for (long i = 0; i < n; i++)
        if (pthread_create(&th[i], NULL, fn, (void *)i)) {
            printf("FAIL pthread_create\n");
            exit(1);
        }
    for (int i = 0; i < n; i++) pthread_join(th[i], results ? &results[i] : NULL);
}

/* ---- a) mutex ------------------------------------------------------------------------------ */
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long mtx_counter, mtx_a, mtx_b;             /* plain: only touched under mtx */
static long mutex_iters;

static void *mutex_worker(void *arg)
{
    long id = (long)arg, broken = 0;
    for (long i = 0; i < mutex_iters; i++) {
        if (id & 1) {
            while (pthread_mutex_trylock(&mtx)) sched_yield();
        } else {
            pthread_mutex_lock(&mtx);
        }
        long a = mtx_a;
        if (mtx_b != a) broken++;
        mtx_a = a + 1;
        mtx_counter++;
        mtx_b = a + 1;
        pthread_mutex_unlock(&mtx);
        if ((i & 1023) == 0) note_cpu();
    }
    return (void *)broken;
}

static void test_mutex(void)
{
    void *res[MAXT];
    mutex_iters = 20000 * mult;
    run_threads(nt, mutex_worker, res);
    long broken = 0;
    for (int i = 0; i < nt; i++) broken += (long)res[i];
    check("a) mutex: shared counter", mtx_counter, nt * mutex_iters);
    check("a) mutex: invariant broken inside the lock", broken, 0);
}

/* ---- b) producer / consumer -------------------------------------------------------------- */
#define QCAP 8
static long queue[QCAP];
static int qhead, qlen;
static long taken, total_items, per_producer;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;

struct consumed { long long sum; long count, disorder; };   /* sum: > 2^31 */
static struct consumed consumed[MAXT];
static int nprod;

static void *producer(void *arg)
{
    long p = (long)arg;
    for (long i = 1; i <= per_producer; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP) pthread_cond_wait(&notfull, &qlock);
        queue[(qhead + qlen++) % QCAP] = p * 1000000 + i;
        pthread_cond_signal(&notempty);
        pthread_mutex_unlock(&qlock);
    }
    note_cpu();
    return NULL;
}

static void *consumer(void *arg)
{
    struct consumed *me = &consumed[(long)arg];
    long last[MAXT] = {0};                  /* per producer: items must come in FIFO order */
    pthread_mutex_lock(&qlock);
    for (;;) {
        while (qlen == 0 && taken < total_items) pthread_cond_wait(&notempty, &qlock);
        if (qlen == 0) break;               /* everything taken */
        long item = queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        if (++taken == total_items) pthread_cond_broadcast(&notempty);
        pthread_cond_signal(&notfull);
        pthread_mutex_unlock(&qlock);
        long p = item / 1000000, i = item % 1000000;
        if (p < 0 || p >= nprod || i <= last[p]) me->disorder++;
        else last[p] = i;
        me->sum += item;
        me->count++;
        pthread_mutex_lock(&qlock);
    }
    pthread_mutex_unlock(&qlock);
    note_cpu();
    return NULL;
}

static void test_queue(void)
{
    nprod = nt / 2 > 0 ? nt / 2 : 1;
    int ncons = nt - nprod > 0 ? nt - nprod : 1;
    per_producer = 3000 * mult;
    total_items = nprod * per_producer;
    pthread_t p[MAXT], c[MAXT];
    for (long i = 0; i < ncons; i++) pthread_create(&c[i], NULL, consumer, (void *)i);
    for (long i = 0; i < nprod; i++) pthread_create(&p[i], NULL, producer, (void *)i);
    for (int i = 0; i < nprod; i++) pthread_join(p[i], NULL);
    for (int i = 0; i < ncons; i++) pthread_join(c[i], NULL);
    long long sum = 0, want = 0;
    long count = 0, disorder = 0;
    for (int i = 0; i < ncons; i++) {
        sum += consumed[i].sum;
        count += consumed[i].count;
        disorder += consumed[i].disorder;
    }
    for (long q = 0; q < nprod; q++)
        want += q * 1000000LL * per_producer + per_producer * (per_producer + 1LL) / 2;
    check("b) queue: items consumed", count, total_items);
    check("b) queue: sum of items", sum, want);
    check("b) queue: items out of FIFO order", disorder, 0);
    check("b) queue: left in the queue", qlen, 0);
}

/* ---- c) atomics --------------------------------------------------------------------------- */
#define T32_START 0x7ffff000u                  /* the 32-bit ticket crosses 2^31 */
static long atomic_iters;
static _Atomic int64_t add64;                   /* += 2^32 + 1: carries into the high word */
static _Atomic int64_t ticket64;
static atomic_uint add32;                       /* += 0x10001: wraps modulo 2^32 */
static atomic_uint ticket32 = T32_START;
static _Atomic int64_t cas64;
static atomic_uint cas32;
static int64_t lrsc64;                          /* only touched by the lr.d/sc.d loop */
static atomic_uint mask32;
static _Atomic uint64_t mask64;
static atomic_int spin32;                       /* amoswap.w lock */
static _Atomic int64_t spin64;                  /* amoswap.d lock */
static long spin32_counter, spin32_a, spin32_b; /* plain: only touched under spin32 */
static long spin64_counter;                     /* plain: only touched under spin64 */
static _Atomic unsigned char bytes8[MAXT];      /* neighbours in the same words */
static _Atomic unsigned short halves16[MAXT];
static _Atomic unsigned short add16;
static volatile unsigned char plain8[MAXT];     /* plain sb to neighbouring bytes */

struct atomics_result { long long ticket64_sum, ticket32_sum, cas_retries, spin_broken; };
static struct atomics_result ares[MAXT];

static void spin_lock32(void)
{
    int spins = 0;
    while (atomic_exchange_explicit(&spin32, 1, memory_order_acquire)) {
        while (atomic_load_explicit(&spin32, memory_order_relaxed))
            if (++spins % 64 == 0) sched_yield();      /* the holder may be preempted */
    }
}

static void spin_unlock32(void) { atomic_store_explicit(&spin32, 0, memory_order_release); }

static void spin_lock64(void)
{
    int spins = 0;
    while (atomic_exchange_explicit(&spin64, 1, memory_order_acquire))
        if (++spins % 64 == 0) sched_yield();
}

static void spin_unlock64(void) { atomic_store_explicit(&spin64, 0, memory_order_release); }

static void lrsc_add(int64_t *p, int64_t v)
{
    int64_t old, tmp;
#if defined(__riscv)
    __asm__ volatile("1: lr.d.aq %0, (%2)\n"
                     "   add %1, %0, %3\n"
                     "   sc.d.rl %1, %1, (%2)\n"
                     "   bnez %1, 1b"
                     : "=&r"(old), "=&r"(tmp) : "r"(p), "r"(v) : "memory");
#elif defined(__loongarch__)
    __asm__ volatile("1: ll.d %0, %2, 0\n"      /* sc.d writes 1 on success, 0 on failure */
                     "   add.d %1, %0, %3\n"
                     "   sc.d %1, %2, 0\n"
                     "   beqz %1, 1b\n"
                     "   dbar 0"
                     : "=&r"(old), "=&r"(tmp) : "r"(p), "r"(v) : "memory");
#elif defined(__aarch64__)
    /* ldaxr/stlxr: acquire and release as riscv64's .aq/.rl; stlxr writes 0 on success */
    unsigned status;
    __asm__ volatile("1: ldaxr %0, [%3]\n"
                     "   add %1, %0, %4\n"
                     "   stlxr %w2, %1, [%3]\n"
                     "   cbnz %w2, 1b"
                     : "=&r"(old), "=&r"(tmp), "=&r"(status) : "r"(p), "r"(v) : "memory");
#elif defined(__mips__) && !defined(__mips64)
    /* MIPS32 has no 64-bit ll/sc: the loop adds to the low word (little-endian: offset 0). The
       sum stays below 2^32 (5 x threads x iterations), so the high word stays 0. */
    uint32_t o32, t32;
    (void)old, (void)tmp;
    __asm__ volatile(".set push\n\t.set noreorder\n"
                     "1:\tll %0, 0(%2)\n\t"
                     "addu %1, %0, %3\n\t"
                     "sc %1, 0(%2)\n\t"
                     "beqz %1, 1b\n\t"
                     "nop\n\t"
                     "sync\n\t.set pop"
                     : "=&r"(o32), "=&r"(t32) : "r"(p), "r"((uint32_t)v) : "memory");
#else
#error "lrsc_add: no load-linked/store-conditional loop for this ISA"
#endif
}

static void *atomics_worker(void *arg)
{
    long id = (long)arg;
    struct atomics_result *r = &ares[id];
    unsigned bit32 = 1u << id;
    uint64_t bit64 = 1ULL << (63 - id);
    for (long i = 0; i < atomic_iters; i++) {
        atomic_fetch_add(&add64, ((int64_t)1 << 32) + 1);
        r->ticket64_sum += atomic_fetch_add(&ticket64, 1);
        atomic_fetch_add(&add32, 0x10001u);
        r->ticket32_sum += (unsigned)(atomic_fetch_add(&ticket32, 1u) - T32_START);

        int64_t o64 = atomic_load(&cas64);
        while (!atomic_compare_exchange_weak(&cas64, &o64, o64 + id + 1)) r->cas_retries++;
        unsigned o32 = atomic_load(&cas32);
        while (!atomic_compare_exchange_strong(&cas32, &o32, o32 + 3)) r->cas_retries++;
        lrsc_add(&lrsc64, 5);

        atomic_fetch_xor(&mask32, bit32);             /* toggled 2x per iteration: back to 0 */
        atomic_fetch_or(&mask64, bit64);
        atomic_fetch_xor(&mask32, bit32);
        atomic_fetch_and(&mask64, ~bit64);

        spin_lock32();
        long a = spin32_a;
        if (spin32_b != a) r->spin_broken++;
        spin32_a = a + 1;
        spin32_counter++;
        spin32_b = a + 1;
        spin_unlock32();
        spin_lock64();
        spin64_counter += 2;
        spin_unlock64();

        atomic_fetch_add(&bytes8[id], 1);
        atomic_fetch_add(&halves16[id], 3);
        atomic_fetch_add(&add16, 1);
        plain8[id]++;
        if ((i & 1023) == 0) note_cpu();
    }
    atomic_fetch_or(&mask32, bit32);
    atomic_fetch_or(&mask64, bit64);
    return NULL;
}

static void test_atomics(void)
{
    atomic_iters = 10000 * mult;
    run_threads(nt, atomics_worker, NULL);
    long long n = (long long)nt * atomic_iters;
    long long t64 = 0, t32 = 0, broken = 0, retries = 0;
    for (int i = 0; i < nt; i++) {
        t64 += ares[i].ticket64_sum;
        t32 += ares[i].ticket32_sum;
        broken += ares[i].spin_broken;
        retries += ares[i].cas_retries;
    }
    fprintf(stderr, "compare-exchange retries: %lld\n", retries);
    check("c) amoadd.d: 64-bit sum with carries", atomic_load(&add64), n * ((1LL << 32) + 1));
    check("c) amoadd.d: returned values are 0..n-1", t64, n * (n - 1) / 2);
    check("c) amoadd.w: 32-bit sum modulo 2^32", atomic_load(&add32),
          (long long)(uint32_t)(n * 0x10001));
    check("c) amoadd.w: returned values across 2^31", t32, n * (n - 1) / 2);
    check("c) amoadd.w: final 32-bit ticket", atomic_load(&ticket32),
          (long long)(uint32_t)(T32_START + n));
    long long want_cas = 0;
    for (int i = 0; i < nt; i++) want_cas += (long long)(i + 1) * atomic_iters;
    check("c) cas weak 64-bit loop", atomic_load(&cas64), want_cas);
    check("c) cas strong 32-bit loop", atomic_load(&cas32), (long long)(uint32_t)(3 * n));
    check("c) lr.d/sc.d loop", lrsc64, 5 * n);
    unsigned long long all64 = 0;
    for (int i = 0; i < nt; i++) all64 |= 1ULL << (63 - i);
    check("c) amoxor.w/amoor.w 32-bit mask", atomic_load(&mask32), (1LL << nt) - 1);
    check("c) amoor.d/amoand.d 64-bit mask", (long long)(atomic_load(&mask64) == all64), 1);
    check("c) amoswap.w spinlock: counter", spin32_counter, n);
    check("c) amoswap.w spinlock: invariant broken inside", broken, 0);
    check("c) amoswap.d spinlock: counter", spin64_counter, 2 * n);
    long long b8 = 0, h16 = 0, p8 = 0;
    for (int i = 0; i < nt; i++) {
        b8 += atomic_load(&bytes8[i]) == (unsigned char)atomic_iters;
        h16 += atomic_load(&halves16[i]) == (unsigned short)(3 * atomic_iters);
        p8 += plain8[i] == (unsigned char)atomic_iters;
    }
    check("c) 8-bit atomics on neighbouring bytes: right", b8, nt);
    check("c) 16-bit atomics on neighbouring halfwords: right", h16, nt);
    check("c) 16-bit shared atomic counter", atomic_load(&add16), (long long)(uint16_t)n);
    check("c) plain stores to neighbouring bytes: right", p8, nt);
}

/* ---- d) thread-local storage -------------------------------------------------------------- */
static __thread long tls_init = 0x1234;                        /* .tdata */
static __thread long tls_arr[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static __thread long tls_zero;                                 /* .tbss */
static __thread char tls_name[32];
static pthread_barrier_t tls_barrier;
static long *tls_addr[MAXT];
static long tls_rounds;

struct tls_result { long fresh_bad, disturbed; };
static struct tls_result tres[MAXT];

static void *tls_worker(void *arg)
{
    long id = (long)arg;
    struct tls_result *r = &tres[id];
    if (tls_init != 0x1234 || tls_zero != 0 || tls_name[0]) r->fresh_bad++;
    for (int i = 0; i < 8; i++) if (tls_arr[i] != i + 1) r->fresh_bad++;
    tls_addr[id] = &tls_zero;
    for (long round = 0; round < tls_rounds; round++) {
        tls_zero = id * 100000 + round;
        tls_init = ~tls_zero;
        tls_arr[round & 7] = id;
        snprintf(tls_name, sizeof tls_name, "t%ld r%ld", id, round);
        pthread_barrier_wait(&tls_barrier);            /* everyone has written theirs */
        sched_yield();
        char want[32];
        snprintf(want, sizeof want, "t%ld r%ld", id, round);
        if (tls_zero != id * 100000 + round || tls_init != ~tls_zero || tls_arr[round & 7] != id
            || strcmp(tls_name, want))
            r->disturbed++;
        pthread_barrier_wait(&tls_barrier);            /* everyone has checked */
    }
    note_cpu();
    return NULL;
}

static void test_tls(void)
{
    tls_rounds = 100 * mult;
    tls_zero = -1;
    strcpy(tls_name, "main");
    pthread_barrier_init(&tls_barrier, NULL, nt);
    run_threads(nt, tls_worker, NULL);
    pthread_barrier_destroy(&tls_barrier);
    long fresh = 0, disturbed = 0, distinct = 1;
    for (int i = 0; i < nt; i++) {
        fresh += tres[i].fresh_bad;
        disturbed += tres[i].disturbed;
        if (tls_addr[i] == &tls_zero) distinct = 0;
        for (int j = 0; j < i; j++) if (tls_addr[i] == tls_addr[j]) distinct = 0;
    }
    check("d) tls: fresh initial values in every thread", fresh, 0);
    check("d) tls: values disturbed by other threads", disturbed, 0);
    check("d) tls: a distinct address per thread", distinct, 1);
    check("d) tls: main thread's values kept", tls_zero == -1 && tls_init == 0x1234
          && !strcmp(tls_name, "main"), 1);
}

/* ---- e) barriers, joins, pthread_once, rwlock, semaphores --------------------------------- */
static pthread_barrier_t rbarrier;
static atomic_long arrivals[2];
static atomic_long serials;
static long barrier_rounds;

static void *barrier_worker(void *arg)
{
    long bad = 0;
    for (long r = 0; r < barrier_rounds; r++) {
        atomic_fetch_add(&arrivals[r & 1], 1);
        if (pthread_barrier_wait(&rbarrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            atomic_fetch_add(&serials, 1);
        /* round r+2 adds to this slot again, but only after everyone passed round r+1's wait */
        if (atomic_load(&arrivals[r & 1]) != nt * (r / 2 + 1)) bad++;
    }
    note_cpu();
    return (void *)bad;
}

static pthread_t chain[MAXT];
static void *chain_worker(void *arg)
{
    long id = (long)arg, prev = 0;
    if (id > 0) {
        void *ret;
        if (pthread_join(chain[id - 1], &ret)) return (void *)-1000000L;
        prev = (long)ret;
    }
    if (id & 1) pthread_exit((void *)(prev * 3 + id + 1));
    return (void *)(prev * 3 + id + 1);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_calls;
static pthread_barrier_t once_barrier;
static void once_init(void) { atomic_fetch_add(&once_calls, 1); }
static void *once_worker(void *arg)
{
    pthread_barrier_wait(&once_barrier);
    pthread_once(&once, once_init);
    return (void *)(long)atomic_load(&once_calls);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_x, rw_y, rw_iters;
static void *rw_worker(void *arg)
{
    long id = (long)arg, bad = 0;
    for (long i = 0; i < rw_iters; i++) {
        if (i % 4 == id % 4) {
            pthread_rwlock_wrlock(&rw);
            rw_x++;
            rw_y = rw_x;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            if (rw_x != rw_y) bad++;
            pthread_rwlock_unlock(&rw);
        }
    }
    return (void *)bad;
}

static sem_t ping, pong;
static long pingpong_iters, pong_seen_bad;
static volatile long ball;
static void *ponger(void *arg)
{
    for (long i = 0; i < pingpong_iters; i++) {
        sem_wait(&ping);
        if (ball != 2 * i + 1) pong_seen_bad++;
        ball++;
        sem_post(&pong);
    }
    return NULL;
}

static void test_sync(void)
{
    void *res[MAXT];
    barrier_rounds = 300 * mult;
    pthread_barrier_init(&rbarrier, NULL, nt);
    run_threads(nt, barrier_worker, res);
    pthread_barrier_destroy(&rbarrier);
    long bad = 0;
    for (int i = 0; i < nt; i++) bad += (long)res[i];
    check("e) barrier: rounds where someone saw a wrong count", bad, 0);
    check("e) barrier: one serial thread per round", atomic_load(&serials), barrier_rounds);

    for (long i = 0; i < nt; i++) pthread_create(&chain[i], NULL, chain_worker, (void *)i);
    void *ret;
    pthread_join(chain[nt - 1], &ret);
    long want = 0;
    for (long i = 0; i < nt; i++) want = want * 3 + i + 1;
    check("e) join chain: each thread joins the previous one", (long)ret, want);

    pthread_barrier_init(&once_barrier, NULL, nt);
    run_threads(nt, once_worker, res);
    pthread_barrier_destroy(&once_barrier);
    long ones = 0;
    for (int i = 0; i < nt; i++) ones += (long)res[i] == 1;
    check("e) pthread_once: calls", atomic_load(&once_calls), 1);
    check("e) pthread_once: threads that saw it done", ones, nt);

    rw_iters = 5000 * mult;
    run_threads(nt, rw_worker, res);
    bad = 0;
    for (int i = 0; i < nt; i++) bad += (long)res[i];
    long writes = 0;
    for (long id = 0; id < nt; id++)
        for (long i = 0; i < rw_iters; i++) writes += i % 4 == id % 4;
    check("e) rwlock: writes", rw_x, writes);
    check("e) rwlock: readers that saw a torn update", bad, 0);

    pingpong_iters = 2000 * mult;
    sem_init(&ping, 0, 0);
    sem_init(&pong, 0, 0);
    pthread_t pt;
    pthread_create(&pt, NULL, ponger, NULL);
    long ping_bad = 0;
    for (long i = 0; i < pingpong_iters; i++) {
        if (ball != 2 * i) ping_bad++;
        ball++;
        sem_post(&ping);
        sem_wait(&pong);
    }
    pthread_join(pt, NULL);
    check("e) semaphore ping-pong: hits", ball, 2 * pingpong_iters);
    check("e) semaphore ping-pong: out of turn", ping_bad + pong_seen_bad, 0);
}

int main(int argc, char **argv)
{
    if (argc > 1) mult = atol(argv[1]);
    if (argc > 2) nt = atoi(argv[2]);
    if (mult < 1 || nt < 1 || nt > MAXT) {
        fprintf(stderr, "usage: smp_pthreads [MULT [THREADS (1..%d)]]\n", MAXT);
        return 2;
    }
    printf("smp_pthreads: %d threads, multiplier %ld\n", nt, mult);
    test_mutex();
    test_queue();
    test_atomics();
    test_tls();
    test_sync();
    printf("%d checks, %d failed\n", checks, failures);
    unsigned long long seen = atomic_load(&cpus_seen);
    fprintf(stderr, "cpus seen:");
    for (int c = 0; c < 64; c++) if (seen >> c & 1) fprintf(stderr, " %d", c);
    fprintf(stderr, "\n");
    return failures ? 1 : 0;
}
