/* identity: process identity, system information, randomness and clocks. Prints only facts that
   hold on any machine ("ok" lines, fixed strings); exits 0 when all hold, else 1. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int failures;
static void check(const char *what, int ok)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void)
{
    check("getpid() > 0", getpid() > 0);
    check("getppid() >= 0", getppid() >= 0);
    check("gettid() == getpid() (one thread)", gettid() == getpid());
    check("getuid() == geteuid()", getuid() == geteuid());
    check("getgid() == getegid()", getgid() == getegid());
    check("getpgrp() > 0", getpgrp() > 0);
    check("getsid(0) > 0", getsid(0) > 0);

    struct utsname u;
    check("uname() == 0", uname(&u) == 0);
    printf("sysname=%s machine=%s\n", u.sysname, u.machine);
    check("release is non-empty", u.release[0] != 0);

    struct rlimit rl, rl2;
    check("getrlimit(RLIMIT_STACK) == 0", getrlimit(RLIMIT_STACK, &rl) == 0);
    check("stack soft limit <= hard limit", rl.rlim_cur <= rl.rlim_max);
    check("prlimit(0, RLIMIT_NOFILE) == 0", prlimit(0, RLIMIT_NOFILE, NULL, &rl2) == 0);
    check("NOFILE soft limit >= 3", rl2.rlim_cur >= 3);

    struct sysinfo si;
    check("sysinfo() == 0", sysinfo(&si) == 0);
    check("sysinfo totalram > 0", si.totalram > 0);
    check("sysinfo mem_unit > 0", si.mem_unit > 0);
    check("sysconf(_SC_PAGESIZE) == 4096", sysconf(_SC_PAGESIZE) == 4096);
    check("sysconf(_SC_NPROCESSORS_ONLN) >= 1", sysconf(_SC_NPROCESSORS_ONLN) >= 1);

    unsigned char rnd[16];
    ssize_t n = getrandom(rnd, sizeof rnd, 0);
    printf("getrandom returned %zd bytes\n", n);
    check("getrandom filled 16 bytes", n == 16);

    double m0 = now(CLOCK_MONOTONIC), r0 = now(CLOCK_REALTIME);
    check("CLOCK_REALTIME after 2020", r0 > 1577836800.0);
    struct timeval tv;
    check("gettimeofday() == 0", gettimeofday(&tv, NULL) == 0);
    check("gettimeofday agrees with CLOCK_REALTIME (5 s)",
          tv.tv_sec + tv.tv_usec * 1e-6 - r0 < 5.0 && tv.tv_sec + 1.0 >= r0);
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    check("nanosleep(10ms) == 0", nanosleep(&ten_ms, NULL) == 0);
    double m1 = now(CLOCK_MONOTONIC);
    check("monotonic clock advanced >= 10ms across nanosleep", m1 - m0 >= 0.010);
    check("monotonic clock advanced < 10s", m1 - m0 < 10.0);
    check("CLOCK_PROCESS_CPUTIME_ID readable", now(CLOCK_PROCESS_CPUTIME_ID) >= 0.0);
    check("time(NULL) close to CLOCK_REALTIME", time(NULL) - (long)r0 < 10);

    printf("%s (%d failures)\n", failures ? "FAIL" : "all ok", failures);
    return failures != 0;
}
