/* Raw futex(2): WAIT/WAKE, timeouts (relative, absolute, CLOCK_REALTIME), bitsets,
 * CMP_REQUEUE, WAKE_OP, errors, and a shared futex between processes over MAP_SHARED memory.
 * build-flags: -pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long futex(void *uaddr, int op, uint32_t val, const void *timeout, void *uaddr2,
                  uint32_t val3) {
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

static const char *err(long r) {
    return r >= 0 ? "ok" : errno == EAGAIN ? "EAGAIN" : errno == ETIMEDOUT ? "ETIMEDOUT" :
           errno == EINVAL ? "EINVAL" : errno == EFAULT ? "EFAULT" : errno == ENOSYS ? "ENOSYS" :
           strerror(errno);
}

static void msleep(int ms) {
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static uint32_t f1, f2;
static atomic_int arrived, woke1, woke2;

static void *waiter(void *arg) {
    uint32_t *f = arg;
    atomic_fetch_add(&arrived, 1);
    long r = futex(f, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    /* after a requeue, the wake-up comes through f2 */
    atomic_fetch_add(r == 0 ? &woke1 : &woke2, 1);
    return NULL;
}

static void *bitset_waiter(void *arg) {
    atomic_fetch_add(&arrived, 1);
    futex(&f1, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0x2);
    atomic_fetch_add(&woke1, 1);
    return NULL;
}

static void start(pthread_t *th, int n, void *(*fn)(void *), void *arg) {
    atomic_store(&arrived, 0);
    atomic_store(&woke1, 0);
    atomic_store(&woke2, 0);
    for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, fn, arg);
    while (atomic_load(&arrived) < n) msleep(1);
    msleep(50);                      /* let them reach the kernel */
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct timespec rel = {0, 30 * 1000000L}, abs_past = {0, 0}, now;
    long r;

    f1 = 1;
    r = futex(&f1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("wait on a changed word: %ld %s\n", r, err(r));
    f1 = 0;
    r = futex(&f1, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0);
    printf("wait 30ms: %ld %s\n", r, err(r));
    r = futex(&f1, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs_past, NULL, FUTEX_BITSET_MATCH_ANY);
    printf("wait_bitset until the epoch of CLOCK_MONOTONIC: %ld %s\n", r, err(r));
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 20 * 1000000L;
    if (now.tv_nsec >= 1000000000L) { now.tv_sec++; now.tv_nsec -= 1000000000L; }
    r = futex(&f1, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &now, NULL,
              FUTEX_BITSET_MATCH_ANY);
    printf("wait_bitset 20ms on CLOCK_REALTIME: %ld %s\n", r, err(r));
    r = futex(&f1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    printf("wake nobody: %ld\n", r);
    r = futex((char *)&f1 + 1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("unaligned: %ld %s\n", r, err(r));
    r = futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("NULL: %ld %s\n", r, err(r));
    r = futex(&f1, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0);
    printf("bitset 0: %ld %s\n", r, err(r));
    r = futex(&f1, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
    printf("wake with CLOCK_REALTIME: %ld %s\n", r, err(r));

    pthread_t th[3];
    start(th, 1, waiter, &f1);
    r = futex(&f1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    pthread_join(th[0], NULL);
    printf("wake one waiter: %ld, it returned 0: %d\n", r, atomic_load(&woke1));

    start(th, 1, bitset_waiter, NULL);
    r = futex(&f1, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0x1);
    printf("wake_bitset 0x1 for a 0x2 waiter: %ld\n", r);
    r = futex(&f1, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0x6);
    pthread_join(th[0], NULL);
    printf("wake_bitset 0x6: %ld\n", r);

    start(th, 3, waiter, &f1);
    r = futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(long)INT_MAX, &f2, 7);
    printf("cmp_requeue with a stale value: %ld %s\n", r, err(r));
    r = futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(long)INT_MAX, &f2, 0);
    printf("cmp_requeue: %ld (1 woken + 2 moved)\n", r);
    msleep(50);
    r = futex(&f1, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    printf("nobody left on f1: %ld\n", r);
    r = futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    printf("woken from f2: %ld; all returned 0: %d\n", r, atomic_load(&woke1) == 3);

    f2 = 0;
    start(th, 1, waiter, &f1);
    start(th + 1, 1, waiter, &f2);
    r = futex(&f1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &f2,
              FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0));
    pthread_join(th[0], NULL);
    pthread_join(th[1], NULL);
    printf("wake_op: %ld woken, f2 now %u\n", r, f2);
    r = futex(&f1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &f2,
              FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_GT, 100));
    printf("wake_op, comparison false: %ld, f2 now %u\n", r, f2);

    /* shared: a child process waits on a word in MAP_SHARED memory */
    uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    uint32_t *ready = word + 1;
    pid_t c = fork();
    if (c == 0) {
        __atomic_store_n(ready, 1, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0)
            futex(word, FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(__atomic_load_n(word, __ATOMIC_SEQ_CST));
    }
    while (!__atomic_load_n(ready, __ATOMIC_SEQ_CST)) msleep(1);
    msleep(50);
    __atomic_store_n(word, 9, __ATOMIC_SEQ_CST);
    r = futex(word, FUTEX_WAKE, 1, NULL, NULL, 0);
    int st;
    waitpid(c, &st, 0);
    printf("shared futex: woke %ld, child exited %d\n", r, WEXITSTATUS(st));
    return 0;
}
