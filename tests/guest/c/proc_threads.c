/* pthreads: create/join, mutexes, condition variables, C11 atomics, __thread variables,
 * pthread_exit values, detached threads, barriers. Deterministic output.
 *   proc_threads [ROUNDS]      (runs the whole set ROUNDS times; default 1)
 *   proc_threads robust        robust mutexes whose owner thread / process dies (EOWNERDEAD);
 *                              jitvm-only: qemu-user does not implement set_robust_list
 * build-flags: -pthread */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NT 4
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_total;
static atomic_long atomic_total;
static __thread long mine = 100;          /* every thread starts with its own 100 */
static __thread char tag[16];

static void *counter(void *arg) {
    long id = (long)arg;
    snprintf(tag, sizeof tag, "t%ld", id);
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&lock);
        locked_total++;
        pthread_mutex_unlock(&lock);
        atomic_fetch_add(&atomic_total, 2);
        mine += id;
    }
    if (syscall(SYS_gettid) == getpid()) return (void *)-1L;
    return (void *)(mine * 10 + (tag[1] - '0'));
}

/* a bounded queue with two condition variables */
#define QCAP 8
static int q[QCAP], qhead, qlen;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg) {
    long base = (long)arg;
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP) pthread_cond_wait(&notfull, &qlock);
        q[(qhead + qlen++) % QCAP] = (int)(base + i);
        pthread_cond_signal(&notempty);
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void *consumer(void *arg) {
    long sum = 0;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == 0) pthread_cond_wait(&notempty, &qlock);
        sum += q[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        pthread_cond_signal(&notfull);
        pthread_mutex_unlock(&qlock);
    }
    return (void *)sum;
}

static pthread_barrier_t barrier;
static atomic_int before, after_ok;

static void *barrier_user(void *arg) {
    atomic_fetch_add(&before, 1);
    pthread_barrier_wait(&barrier);
    if (atomic_load(&before) == NT) atomic_fetch_add(&after_ok, 1);
    pthread_exit((void *)((long)arg * 7));
}

static atomic_int detached_done;
static void *detached(void *arg) {
    atomic_store(&detached_done, 1);
    return NULL;
}

static void round_(void) {
    pthread_t th[NT];
    locked_total = 0;
    atomic_store(&atomic_total, 0);
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, counter, (void *)i);
    long check = 0;
    for (int i = 0; i < NT; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        check += (long)ret;
    }
    printf("mutex total %ld, atomic total %ld, tls results %ld, main tls %ld\n", locked_total,
           atomic_load(&atomic_total), check, mine);

    pthread_t p[2], c[2];
    qhead = qlen = 0;
    pthread_create(&p[0], NULL, producer, (void *)0L);
    pthread_create(&p[1], NULL, producer, (void *)10000L);
    pthread_create(&c[0], NULL, consumer, NULL);
    pthread_create(&c[1], NULL, consumer, NULL);
    long total = 0;
    for (int i = 0; i < 2; i++) {
        void *ret;
        pthread_join(p[i], NULL);
        pthread_join(c[i], &ret);
        total += (long)ret;
    }
    printf("queue sum %ld\n", total);

    atomic_store(&before, 0);
    atomic_store(&after_ok, 0);
    pthread_barrier_init(&barrier, NULL, NT);
    long exits = 0;
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, barrier_user, (void *)(i + 1));
    for (int i = 0; i < NT; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        exits += (long)ret;
    }
    pthread_barrier_destroy(&barrier);
    printf("barrier: %d of %d saw everyone; pthread_exit values %ld\n", atomic_load(&after_ok),
           NT, exits);

    pthread_t d;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    atomic_store(&detached_done, 0);
    pthread_create(&d, &attr, detached, NULL);
    while (!atomic_load(&detached_done)) sched_yield();
    printf("detached thread ran\n");
}

static void *die_holding(void *m) {
    pthread_mutex_lock(m);
    return NULL;                        /* exits without unlocking */
}

static void robust(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_t m;
    pthread_mutex_init(&m, &a);
    pthread_t th;
    pthread_create(&th, NULL, die_holding, &m);
    pthread_join(th, NULL);
    int r = pthread_mutex_lock(&m);
    printf("owner thread died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
    pthread_mutex_consistent(&m);
    pthread_mutex_unlock(&m);
    printf("relock: %d\n", pthread_mutex_lock(&m));
    pthread_mutex_unlock(&m);

    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_t *sm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                               -1, 0);
    pthread_mutex_init(sm, &a);
    pid_t c = fork();
    if (c == 0) { pthread_mutex_lock(sm); _exit(0); }
    waitpid(c, NULL, 0);
    r = pthread_mutex_lock(sm);
    printf("owner process died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "robust")) {
        robust();
        return 0;
    }
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    for (int r = 0; r < rounds; r++) round_();
    return 0;
}
