/* TLB shootdown: once mprotect or munmap returns, no other thread may still write through the
 * old mapping, even one running on another CPU at that moment.
 *
 * A writer thread stores an ever-increasing counter into a shared page as fast as it can. The
 * main thread makes the page read-only (or unmaps it), reads the page, waits, reads it again:
 * both reads must agree, and the writer must have been stopped by SIGSEGV. A CPU that kept a
 * stale writable TLB entry would go on writing until its time slice ends.
 * build-flags: -pthread
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile long *page;
static atomic_int started, faulted;
static sigjmp_buf env;
static __thread int in_writer;

static void on_segv(int sig)
{
    (void)sig;
    if (in_writer) {
        atomic_store(&faulted, 1);
        siglongjmp(env, 1);
    }
    _exit(3);                   /* the main thread faulted: not expected */
}

static void *writer(void *arg)
{
    (void)arg;
    in_writer = 1;
    if (sigsetjmp(env, 1) == 0) {
        for (long i = 1;; i++) {
            page[0] = i;
            if (i == 1000)
                atomic_store(&started, 1);
        }
    }
    return NULL;
}

static void pause_ms(int ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static int round_trip(int unmap)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    atomic_store(&started, 0);
    atomic_store(&faulted, 0);
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    while (!atomic_load(&started))
        ;                                /* the writer is running, on another CPU if any */
    int ok = 1;
    if (unmap) {
        /* put a read-only page back at the same address: the old frame is gone */
        munmap((void *)page, 4096);
        mmap((void *)page, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    } else {
        mprotect((void *)page, 4096, PROT_READ);
    }
    long first = page[0];
    pause_ms(30);
    long second = page[0];
    pthread_join(t, NULL);
    if (first != second) {
        printf("FAIL %s: the page changed after the call returned (%ld, then %ld)\n",
               unmap ? "munmap" : "mprotect", first, second);
        ok = 0;
    }
    if (unmap && first != 0) {
        printf("FAIL munmap: a fresh page reads %ld\n", first);
        ok = 0;
    }
    if (!atomic_load(&faulted)) {
        printf("FAIL %s: the writer never faulted\n", unmap ? "munmap" : "mprotect");
        ok = 0;
    }
    munmap((void *)page, 4096);
    return ok;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5, failed = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    for (int i = 0; i < rounds; i++) {
        failed += !round_trip(0);
        failed += !round_trip(1);
    }
    printf("%d rounds of mprotect and munmap under a running writer: %d failed\n", rounds, failed);
    return failed != 0;
}
