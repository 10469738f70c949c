/* Accounting: getrusage (self, children, thread), wait4's rusage, times(), the CPU-time clocks.
 * A CPU-bound loop must show user time; a child's time reaches its parent at wait; page faults
 * and peak memory grow when memory is touched; blocking is a voluntary switch. Only facts that do
 * not depend on speed are printed, so the output is compared with qemu-user's. */
#define _GNU_SOURCE              /* RUSAGE_THREAD */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static long usec(struct timeval tv) { return tv.tv_sec * 1000000L + tv.tv_usec; }

static void burn(long ms) {            /* spin until this process has used `ms` of CPU */
    struct timespec t0, t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    do {
        for (int i = 0; i < 100000; i++)
            sink += i * 7;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

int main(void) {
    struct rusage self, after, kids, thread, waited;
    getrusage(RUSAGE_SELF, &self);
    burn(200);
    getrusage(RUSAGE_THREAD, &thread);
    getrusage(RUSAGE_SELF, &after);
    printf("user time grows with work: %s\n", usec(after.ru_utime) - usec(self.ru_utime) >=
           150000 ? "yes" : "no");
    /* (not compared with the process's: Linux scales the two differently, cputime_adjust) */
    printf("thread time: %s\n", usec(thread.ru_utime) >= 100000 ? "yes" : "no");

    long before_flt = after.ru_minflt;
    volatile char *mem = malloc(8 << 20);
    for (long i = 0; i < 8 << 20; i += 4096)
        mem[i] = 1;
    getrusage(RUSAGE_SELF, &after);
    sink += mem[4096];
    /* (a host with transparent huge pages faults once per 2 MiB) */
    printf("touching 8 MiB: faults %s, maxrss %s\n",
           after.ru_minflt > before_flt ? "grew" : "did not grow",
           after.ru_maxrss >= 8 * 1024 ? ">= 8 MiB" : "too small");
    free((void *)mem);

    long before_vcsw = after.ru_nvcsw;
    usleep(20000);
    getrusage(RUSAGE_SELF, &after);
    printf("sleeping is a voluntary switch: %s\n", after.ru_nvcsw > before_vcsw ? "yes" : "no");

    getrusage(RUSAGE_CHILDREN, &kids);
    printf("children before any: %ld us\n", usec(kids.ru_utime));
    pid_t pid = fork();
    if (pid == 0) {
        burn(300);
        _exit(0);
    }
    int status;
    wait4(pid, &status, 0, &waited);
    printf("wait4 gives the child's time: %s\n", usec(waited.ru_utime) >= 200000 ? "yes" : "no");
    getrusage(RUSAGE_CHILDREN, &kids);
    printf("children's time after wait: %s\n",
           usec(kids.ru_utime) >= usec(waited.ru_utime) ? "yes" : "no");
    struct tms tm;
    clock_t now = times(&tm);
    long hz = sysconf(_SC_CLK_TCK);
    printf("times(): user %s, children %s, clock %s\n", tm.tms_utime >= hz / 10 ? "ok" : "zero",
           tm.tms_cutime >= hz / 10 ? "ok" : "zero", now > 0 ? "ok" : "bad");
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    printf("thread cpu clock: %s\n", ts.tv_sec > 0 || ts.tv_nsec > 100000000 ? "ok" : "small");
    printf("bad who: %d\n", getrusage(5, &self));
    return 0;
}
