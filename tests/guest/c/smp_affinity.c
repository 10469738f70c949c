/* smp_affinity: the CPUs a guest sees, and CPU affinity that the scheduler honours.
 *
 *   smp_affinity NCPUS
 *
 * Checks that sysconf(_SC_NPROCESSORS_ONLN), sched_getaffinity's CPU_COUNT, the "processor"
 * lines of /proc/cpuinfo and the cpuN lines of /proc/stat all say NCPUS; then for every CPU k:
 * sched_setaffinity to {k}, sched_yield, and getcpu / sched_getcpu must say k (and the mask
 * read back must be {k}); a thread created while pinned inherits {k} and runs on k; a thread
 * pinned from outside with pthread_setaffinity_np moves to its CPU; a forked child inherits the
 * mask; masks with no usable CPU are EINVAL; the full mask restored reads back as NCPUS CPUs.
 * Prints "ok   ..." / "FAIL ..." per check and a total; exit status 0 iff all passed.
 * Not a differential test: under qemu-user the answers are the host's.
 * build-flags: -pthread */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int checks, failures;

static void check(const char *what, long got, long want)
{
    checks++;
    if (got == want) {
        printf("ok   %s: %ld\n", what, got);
    } else {
        failures++;
        printf("FAIL %s: got %ld, want %ld\n", what, got, want);
    }
    fflush(stdout);
}

static long raw_getcpu(void)
{
    unsigned cpu = 12345, node = 12345;
    if (syscall(SYS_getcpu, &cpu, &node, NULL) != 0) return -errno;
    return cpu;
}

static int count_lines(const char *path, const char *prefix, int digit_after)
{
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    char line[512];
    int n = 0;
    size_t len = strlen(prefix);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, prefix, len) && (!digit_after || (line[len] >= '0' && line[len] <= '9')))
            n++;
    fclose(f);
    return n;
}

/* the single CPU in the calling thread's mask, -1 if not exactly one, -errno on error */
static long only_cpu(pid_t tid)
{
    cpu_set_t s;
    CPU_ZERO(&s);
    if (sched_getaffinity(tid, sizeof s, &s)) return -errno;
    if (CPU_COUNT(&s) != 1) return -1;
    for (int c = 0; c < CPU_SETSIZE; c++) if (CPU_ISSET(c, &s)) return c;
    return -1;
}

static long settle_and_getcpu(void)
{
    /* the move to an allowed CPU happens at the latest when the thread next gets scheduled */
    for (int i = 0; i < 3; i++) sched_yield();
    return raw_getcpu();
}

static void *inherit_worker(void *arg)
{
    long *out = arg;
    out[0] = only_cpu(0);
    out[1] = settle_and_getcpu();
    out[2] = sched_getcpu();
    return NULL;
}

static atomic_int go, pinned_tid;
static void *pinned_later_worker(void *arg)
{
    long *out = arg;
    atomic_store(&pinned_tid, (int)syscall(SYS_gettid));
    while (!atomic_load(&go)) sched_yield();
    out[0] = only_cpu(0);
    out[1] = settle_and_getcpu();
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: smp_affinity NCPUS\n");
        return 2;
    }
    int n = atoi(argv[1]);
    char what[128];

    check("sysconf(_SC_NPROCESSORS_ONLN)", sysconf(_SC_NPROCESSORS_ONLN), n);
    check("sysconf(_SC_NPROCESSORS_CONF)", sysconf(_SC_NPROCESSORS_CONF), n);
    cpu_set_t all;
    CPU_ZERO(&all);
    long r = sched_getaffinity(0, sizeof all, &all) ? -errno : 0;
    check("sched_getaffinity", r, 0);
    check("sched_getaffinity CPU_COUNT", CPU_COUNT(&all), n);
    check("/proc/cpuinfo processor lines", count_lines("/proc/cpuinfo", "processor", 0), n);
    check("/proc/stat cpuN lines", count_lines("/proc/stat", "cpu", 1), n);
    long raw = syscall(SYS_sched_getaffinity, 0, 4, &all);
    check("sched_getaffinity with a 4-byte mask is EINVAL", raw < 0 ? errno : 0, EINVAL);
    long cpu0 = raw_getcpu();
    check("getcpu before pinning is a valid CPU", cpu0 >= 0 && cpu0 < n, 1);

    for (int k = 0; k < n; k++) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(k, &one);
        snprintf(what, sizeof what, "cpu %d: sched_setaffinity({%d})", k, k);
        check(what, sched_setaffinity(0, sizeof one, &one) ? -errno : 0, 0);
        snprintf(what, sizeof what, "cpu %d: mask read back", k);
        check(what, only_cpu(0), k);
        snprintf(what, sizeof what, "cpu %d: getcpu after sched_yield", k);
        check(what, settle_and_getcpu(), k);
        snprintf(what, sizeof what, "cpu %d: sched_getcpu", k);
        check(what, sched_getcpu(), k);
        /* a few hundred thousand instructions: a time slice or more, still on k */
        volatile long spin = 0;
        for (long i = 0; i < 300000; i++) spin += i;
        snprintf(what, sizeof what, "cpu %d: still there after a busy loop", k);
        check(what, raw_getcpu(), k);
    }

    /* pinned to the last CPU: a new thread inherits the mask and runs there */
    int last = n - 1;
    long res[3] = {-9, -9, -9};
    pthread_t th;
    pthread_create(&th, NULL, inherit_worker, res);
    pthread_join(th, NULL);
    check("new thread inherits the mask", res[0], last);
    check("new thread runs on the inherited CPU (getcpu)", res[1], last);
    check("new thread runs on the inherited CPU (sched_getcpu)", res[2], last);

    /* a forked child inherits the mask too */
    pid_t c = fork();
    if (c == 0) _exit(only_cpu(0) == last && settle_and_getcpu() == last ? 0 : 1);
    int st = -1;
    waitpid(c, &st, 0);
    check("forked child inherits the mask and runs there",
          WIFEXITED(st) ? WEXITSTATUS(st) : 100 + st, 0);

    /* back to every CPU */
    r = sched_setaffinity(0, sizeof all, &all) ? -errno : 0;
    check("full mask restored", r, 0);
    cpu_set_t now;
    CPU_ZERO(&now);
    sched_getaffinity(0, sizeof now, &now);
    check("full mask read back: CPU_COUNT", CPU_COUNT(&now), n);
    r = settle_and_getcpu();
    check("getcpu with the full mask is a valid CPU", r >= 0 && r < n, 1);

    /* another thread pinned from outside (by its tid) moves there */
    res[0] = res[1] = -9;
    atomic_store(&go, 0);
    atomic_store(&pinned_tid, 0);
    pthread_create(&th, NULL, pinned_later_worker, res);
    while (!atomic_load(&pinned_tid)) sched_yield();
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(last, &one);
    check("pthread_setaffinity_np on another thread",
          pthread_setaffinity_np(th, sizeof one, &one), 0);
    check("its mask read by tid", only_cpu(atomic_load(&pinned_tid)), last);
    atomic_store(&go, 1);
    pthread_join(th, NULL);
    check("that thread sees the mask", res[0], last);
    check("that thread runs on its CPU", res[1], last);

    /* masks with no usable CPU */
    cpu_set_t none;
    CPU_ZERO(&none);
    r = sched_setaffinity(0, sizeof none, &none) ? errno : 0;
    check("empty mask is EINVAL", r, EINVAL);
    if (n < CPU_SETSIZE) {
        cpu_set_t beyond;
        CPU_ZERO(&beyond);
        CPU_SET(n, &beyond);
        r = sched_setaffinity(0, sizeof beyond, &beyond) ? errno : 0;
        check("mask of a CPU that does not exist is EINVAL", r, EINVAL);
    }
    CPU_ZERO(&now);
    sched_getaffinity(0, sizeof now, &now);
    check("failed calls left the mask alone", CPU_COUNT(&now), n);

    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
