/* Timers and signals as files: timerfd with poll, select and epoll; POSIX timers delivering
 * signals (a handler with si_value, sigwaitinfo with si_overrun, SIGEV_THREAD_ID, SIGEV_NONE, a
 * NULL sigevent, a CPU-time clock); signalfd reading SIGUSR1, a sigqueue value, SIGCHLD and a
 * timer's signal; the clock-setting calls' errors (none that would change the clock).
 * Every line printed holds however slow the machine is, so qemu-user's output is the oracle.
 *
 * `timers settime` (root, under jitvm only: it sets the clock) steps CLOCK_REALTIME and back,
 * checks a TFD_TIMER_CANCEL_ON_SET timerfd, then the same calls without privilege. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef sigev_notify_thread_id                  /* glibc < 2.41 names only the union member */
#define sigev_notify_thread_id _sigev_un._tid
#endif

static int fails;
#define CHECK(c, what) do { if (c) printf("ok %s\n", what); \
    else { printf("FAIL %s (errno %s)\n", what, strerror(errno)); fails++; } } while (0)
/* The kernel's struct timeval for the raw settimeofday/gettimeofday calls: two longs on every
   ISA. (musl on a 32-bit ISA has a 64-bit time_t in its own and names the calls *_time32.) */
struct k_timeval { long tv_sec, tv_usec; };
#if !defined(SYS_settimeofday) && defined(SYS_settimeofday_time32)
#define SYS_settimeofday SYS_settimeofday_time32
#define SYS_gettimeofday SYS_gettimeofday_time32
#endif
#define MS 1000000LL                /* long long: 10 s in ns does not fit a 32-bit long */

static double now(clockid_t clk) {
    struct timespec ts;
    clock_gettime(clk, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct itimerspec its(long long interval_ns, long long value_ns) {
    struct itimerspec v = {{interval_ns / 1000000000, interval_ns % 1000000000},
                           {value_ns / 1000000000, value_ns % 1000000000}};
    return v;
}

static long long ns(struct timespec ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

static int fails_with(long r, int err) { return r == -1 && errno == err; }

static int is_anon(int fd, const char *name) {
    struct stat st;
    char path[64], link[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == 0 && (st.st_mode & 0777) == 0600
        && st.st_size == 0 && strcmp(link, name) == 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, ms % 1000 * MS};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

/* ---- timerfd ------------------------------------------------------------------------------- */
static void test_timerfd(void) {
    uint64_t n = 0;
    char small[4];
    struct itimerspec v, old;
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK(fd >= 0, "timerfd_create");
    int fl = fcntl(fd, F_GETFL);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC && (fl & O_ACCMODE) == O_RDWR && (fl & O_NONBLOCK),
          "timerfd: O_RDWR, TFD_NONBLOCK and TFD_CLOEXEC");
    CHECK(is_anon(fd, "anon_inode:[timerfd]"), "timerfd: fstat and /proc show an anon inode");
    CHECK(fails_with(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL),
          "timerfd: CPU clock EINVAL");
    CHECK(fails_with(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL), "timerfd: bad flags EINVAL");
    int boot = timerfd_create(CLOCK_BOOTTIME, 0);
    CHECK(boot >= 0, "timerfd: CLOCK_BOOTTIME");
    close(boot);
    CHECK(fails_with(read(fd, &n, 8), EAGAIN), "timerfd: unarmed read EAGAIN");
    CHECK(fails_with(read(fd, small, 4), EINVAL), "timerfd: a 4-byte read EINVAL");
    CHECK(timerfd_gettime(fd, &v) == 0 && !ns(v.it_value) && !ns(v.it_interval),
          "timerfd_gettime: unarmed is zero");

    v = its(0, 10000 * MS);
    CHECK(timerfd_settime(fd, 0, &v, &old) == 0 && !ns(old.it_value), "timerfd_settime 10 s");
    CHECK(timerfd_gettime(fd, &v) == 0 && ns(v.it_value) > 0 && ns(v.it_value) <= 10000 * MS
          && !ns(v.it_interval), "timerfd_gettime: 0 < left <= 10 s");
    v = its(0, 50 * MS);
    CHECK(timerfd_settime(fd, 0, &v, &old) == 0 && ns(old.it_value) > 0
          && ns(old.it_value) <= 10000 * MS, "timerfd_settime 50 ms: the old value back");
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 10000) == 1 && p.revents == POLLIN, "poll: readable at expiry");
    CHECK(read(fd, &n, 8) == 8 && n == 1, "read: 1 expiration");
    CHECK(poll(&p, 1, 0) == 0, "poll: not readable after the read");
    CHECK(timerfd_gettime(fd, &v) == 0 && !ns(v.it_value), "timerfd_gettime: expired is zero");

    v = its(20 * MS, 20 * MS);
    timerfd_settime(fd, 0, &v, NULL);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7}, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    CHECK(epoll_wait(ep, out, 2, 10000) == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 7,
          "epoll: periodic timerfd readable");
    sleep_ms(100);
    CHECK(read(fd, &n, 8) == 8 && n >= 4, "read: missed periods counted (>= 4 after 120 ms)");
    v = its(0, 0);
    CHECK(timerfd_settime(fd, 0, &v, &old) == 0 && ns(old.it_interval) == 20 * MS
          && ns(old.it_value) > 0 && ns(old.it_value) <= 20 * MS, "settime: the old value back");
    CHECK(fails_with(read(fd, &n, 8), EAGAIN) && epoll_wait(ep, out, 2, 0) == 0,
          "disarmed: nothing to read");
    close(ep);

    v = its(0, 10 * MS);
    timerfd_settime(fd, 0, &v, NULL);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(fd, &rs);
    CHECK(select(fd + 1, &rs, NULL, NULL, NULL) == 1 && FD_ISSET(fd, &rs), "select: readable");
    read(fd, &n, 8);

    int rt = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec t;
    double t0 = now(CLOCK_MONOTONIC);
    clock_gettime(CLOCK_REALTIME, &t);
    v = its(0, ns(t) + 30 * MS);
    CHECK(timerfd_settime(rt, TFD_TIMER_ABSTIME, &v, NULL) == 0, "settime: absolute realtime");
    CHECK(read(rt, &n, 8) == 8 && n == 1 && now(CLOCK_MONOTONIC) - t0 >= 0.02,
          "blocking read: woken at the absolute time");
    v = its(0, 1000000000);                     /* 1970-01-01 00:00:01: long past */
    timerfd_settime(rt, TFD_TIMER_ABSTIME, &v, NULL);
    CHECK(read(rt, &n, 8) == 8 && n == 1, "absolute time in the past: expired at once");

    int pipefd[2];
    pipe(pipefd);
    struct itimerspec bad = its(0, 0);
    bad.it_value.tv_nsec = 1000000000;
    CHECK(fails_with(timerfd_settime(fd, 0, &bad, NULL), EINVAL), "settime: tv_nsec 1e9 EINVAL");
    v = its(0, MS);
    CHECK(fails_with(timerfd_settime(fd, 4, &v, NULL), EINVAL), "settime: bad flags EINVAL");
    CHECK(fails_with(timerfd_settime(pipefd[0], 0, &v, NULL), EINVAL), "settime: a pipe EINVAL");
    CHECK(fails_with(timerfd_settime(99, 0, &v, NULL), EBADF), "settime: a closed fd EBADF");
    CHECK(fails_with(timerfd_gettime(pipefd[0], &v), EINVAL), "gettime: a pipe EINVAL");
    close(pipefd[0]);
    close(pipefd[1]);
    close(rt);
    close(fd);
}

/* ---- POSIX timers -------------------------------------------------------------------------- */
static volatile sig_atomic_t hits, bad_info, alarms, alarm_code;

static void on_timer(int sig, siginfo_t *si, void *uc) {
    hits++;
    if (sig != SIGRTMIN || si->si_code != SI_TIMER || si->si_value.sival_int != 42)
        bad_info++;
}

static void on_alarm(int sig, siginfo_t *si, void *uc) {
    alarms++;
    alarm_code = si->si_code;
}

static sigset_t just(int sig) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

static void test_posix_timers(void) {
    struct sigaction sa = {.sa_sigaction = on_timer, .sa_flags = SA_SIGINFO};
    sigaction(SIGRTMIN, &sa, NULL);
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN,
                           .sigev_value.sival_int = 42};
    timer_t tm;
    struct itimerspec v, old;
    CHECK(timer_create(CLOCK_MONOTONIC, &sev, &tm) == 0, "timer_create SIGRTMIN");
    v = its(10 * MS, 10 * MS);
    CHECK(timer_settime(tm, 0, &v, &old) == 0 && !ns(old.it_value), "timer_settime 10 ms period");
    while (hits < 5)
        pause();
    CHECK(!bad_info, "handler: SIGRTMIN, SI_TIMER and si_value 42 every time");
    CHECK(timer_gettime(tm, &v) == 0 && ns(v.it_interval) == 10 * MS && ns(v.it_value) > 0
          && ns(v.it_value) <= 10 * MS, "timer_gettime: period and 0 < left <= 10 ms");
    CHECK(timer_getoverrun(tm) >= 0, "timer_getoverrun");
    v = its(0, 0);
    timer_settime(tm, 0, &v, NULL);
    int seen = hits;
    sleep_ms(40);
    CHECK(hits <= seen + 1 && timer_gettime(tm, &v) == 0 && !ns(v.it_value) && !ns(v.it_interval),
          "disarmed: no more signals, gettime zero");
    CHECK(timer_delete(tm) == 0, "timer_delete");

    /* blocked: the expirations while its signal waits are its overruns */
    sigset_t s = just(SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    sev.sigev_signo = SIGRTMIN + 1;
    sev.sigev_value.sival_int = 43;
    timer_create(CLOCK_MONOTONIC, &sev, &tm);
    v = its(5 * MS, 5 * MS);
    timer_settime(tm, 0, &v, NULL);
    sleep_ms(100);
    siginfo_t si;
    CHECK(sigwaitinfo(&s, &si) == SIGRTMIN + 1 && si.si_code == SI_TIMER
          && si.si_value.sival_int == 43, "sigwaitinfo: the timer's signal, once");
    CHECK(si.si_overrun >= 5, "si_overrun counts the periods it waited (>= 5)");
    CHECK(timer_getoverrun(tm) == si.si_overrun, "timer_getoverrun == si_overrun");
    timer_delete(tm);

    /* to one thread */
    s = just(SIGRTMIN + 2);
    sigprocmask(SIG_BLOCK, &s, NULL);
    struct sigevent tsev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN + 2,
                            .sigev_value.sival_int = 44};
    tsev.sigev_notify_thread_id = syscall(SYS_gettid);
    CHECK(timer_create(CLOCK_MONOTONIC, &tsev, &tm) == 0, "timer_create SIGEV_THREAD_ID");
    v = its(0, 5 * MS);
    timer_settime(tm, 0, &v, NULL);
    CHECK(sigwaitinfo(&s, &si) == SIGRTMIN + 2 && si.si_code == SI_TIMER
          && si.si_value.sival_int == 44, "SIGEV_THREAD_ID: the thread gets it");
    timer_delete(tm);
    tsev.sigev_notify_thread_id = 999999;
    CHECK(fails_with(timer_create(CLOCK_MONOTONIC, &tsev, &tm), EINVAL),
          "SIGEV_THREAD_ID: not our thread EINVAL");
    sev.sigev_signo = 65;
    CHECK(fails_with(timer_create(CLOCK_MONOTONIC, &sev, &tm), EINVAL), "signal 65 EINVAL");

    /* no notification: only timer_gettime tells */
    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    CHECK(timer_create(CLOCK_MONOTONIC, &none, &tm) == 0, "timer_create SIGEV_NONE");
    v = its(0, 10000 * MS);
    timer_settime(tm, 0, &v, NULL);
    CHECK(timer_gettime(tm, &v) == 0 && ns(v.it_value) > 0 && ns(v.it_value) <= 10000 * MS,
          "SIGEV_NONE: gettime counts down");
    v = its(10 * MS, 10 * MS);
    timer_settime(tm, 0, &v, NULL);
    sleep_ms(25);
    CHECK(timer_gettime(tm, &v) == 0 && ns(v.it_value) > 0 && ns(v.it_value) <= 10 * MS
          && ns(v.it_interval) == 10 * MS, "SIGEV_NONE periodic: the next period");
    v = its(0, 5 * MS);
    timer_settime(tm, 0, &v, NULL);
    sleep_ms(20);
    CHECK(timer_gettime(tm, &v) == 0 && !ns(v.it_value), "SIGEV_NONE one-shot: zero once expired");
    timer_delete(tm);

    /* NULL sigevent: SIGALRM */
    struct sigaction al = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
    sigaction(SIGALRM, &al, NULL);
    sigset_t alrm = just(SIGALRM), wait_mask;
    sigprocmask(SIG_BLOCK, &alrm, &wait_mask);          /* no lost wake-up: sigsuspend */
    CHECK(timer_create(CLOCK_REALTIME, NULL, &tm) == 0, "timer_create without a sigevent");
    v = its(0, 10 * MS);
    timer_settime(tm, 0, &v, NULL);
    while (!alarms)
        sigsuspend(&wait_mask);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
    CHECK(alarm_code == SI_TIMER, "NULL sigevent: SIGALRM with SI_TIMER");
    timer_delete(tm);

    /* absolute on CLOCK_REALTIME */
    s = just(SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &s, NULL);
    sev.sigev_signo = SIGRTMIN + 3;
    sev.sigev_value.sival_int = 45;
    timer_create(CLOCK_REALTIME, &sev, &tm);
    struct timespec t;
    double t0 = now(CLOCK_MONOTONIC);
    clock_gettime(CLOCK_REALTIME, &t);
    v = its(0, ns(t) + 20 * MS);
    CHECK(timer_settime(tm, TIMER_ABSTIME, &v, NULL) == 0, "timer_settime TIMER_ABSTIME");
    CHECK(sigwaitinfo(&s, &si) == SIGRTMIN + 3 && si.si_value.sival_int == 45
          && now(CLOCK_MONOTONIC) - t0 >= 0.015, "absolute timer: at its time");
    timer_delete(tm);

    /* CPU time */
    sev.sigev_signo = SIGRTMIN + 3;
    sev.sigev_value.sival_int = 46;
    CHECK(timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &tm) == 0, "timer_create CPU-time clock");
    v = its(0, 20 * MS);
    timer_settime(tm, 0, &v, NULL);
    double w0 = now(CLOCK_MONOTONIC), cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
    sigset_t pending;
    volatile unsigned spin = 0;
    do {
        for (int i = 0; i < 10000; i++)
            spin++;
        sigpending(&pending);
    } while (!sigismember(&pending, SIGRTMIN + 3) && now(CLOCK_MONOTONIC) - w0 < 60);
    double used = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    CHECK(sigwaitinfo(&s, &si) == SIGRTMIN + 3 && si.si_value.sival_int == 46 && used >= 0.015,
          "CPU-time timer: after 20 ms of CPU");
    timer_delete(tm);
}

/* ---- signalfd ------------------------------------------------------------------------------ */
static void test_signalfd(void) {
    struct signalfd_siginfo r[4];
    char small[64];
    sigset_t blocked, m = just(SIGUSR1);
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigaddset(&blocked, SIGUSR2);
    sigaddset(&blocked, SIGCHLD);
    sigaddset(&blocked, SIGRTMIN + 4);
    sigprocmask(SIG_BLOCK, &blocked, NULL);

    int sfd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(sfd >= 0, "signalfd");
    CHECK(fcntl(sfd, F_GETFD) == FD_CLOEXEC && fcntl(sfd, F_GETFL) & O_NONBLOCK,
          "signalfd: SFD_NONBLOCK and SFD_CLOEXEC");
    CHECK(is_anon(sfd, "anon_inode:[signalfd]"), "signalfd: an anon inode");
    CHECK(fails_with(read(sfd, r, sizeof r[0]), EAGAIN), "signalfd: nothing pending EAGAIN");
    CHECK(fails_with(read(sfd, small, sizeof small), EINVAL), "signalfd: a 64-byte read EINVAL");
    struct pollfd p = {sfd, POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 0, "poll: not readable");
    kill(getpid(), SIGUSR2);
    CHECK(poll(&p, 1, 0) == 0, "poll: a signal outside the mask does not count");
    kill(getpid(), SIGUSR1);
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "poll: readable with SIGUSR1 pending");
    CHECK(read(sfd, r, sizeof r) == sizeof r[0] && r[0].ssi_signo == SIGUSR1
          && r[0].ssi_code == SI_USER && r[0].ssi_pid == (uint32_t)getpid()
          && r[0].ssi_uid == getuid(), "read: SIGUSR1 from kill, with pid and uid");
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 99});
    CHECK(read(sfd, r, sizeof r) == sizeof r[0] && r[0].ssi_code == SI_QUEUE
          && r[0].ssi_int == 99, "read: sigqueue's code and value");

    sigaddset(&m, SIGUSR2);
    sigaddset(&m, SIGCHLD);
    sigaddset(&m, SIGRTMIN + 4);
    CHECK(signalfd(sfd, &m, 0) == sfd, "signalfd: a new mask for the same fd");
    kill(getpid(), SIGUSR1);
    CHECK(read(sfd, r, sizeof r) == 2 * sizeof r[0] && r[0].ssi_signo == SIGUSR1
          && r[1].ssi_signo == SIGUSR2, "read: two records, lowest signal first");

    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
        _exit(7);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
    CHECK(epoll_wait(ep, &out, 1, 10000) == 1 && out.events == EPOLLIN,
          "epoll: woken by SIGCHLD, which it blocks");
    CHECK(read(sfd, r, sizeof r) == sizeof r[0] && r[0].ssi_signo == SIGCHLD
          && r[0].ssi_code == CLD_EXITED && r[0].ssi_status == 7
          && r[0].ssi_pid == (uint32_t)child, "read: SIGCHLD with CLD_EXITED, status and pid");
    waitpid(child, NULL, 0);
    close(ep);

    fcntl(sfd, F_SETFL, 0);                      /* blocking reads */
    fflush(stdout);
    child = fork();
    if (child == 0) {
        sleep_ms(50);
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    CHECK(read(sfd, r, sizeof r[0]) == sizeof r[0] && r[0].ssi_signo == SIGUSR2
          && r[0].ssi_pid == (uint32_t)child, "blocking read: woken by the child's SIGUSR2");
    CHECK(read(sfd, r, sizeof r[0]) == sizeof r[0] && r[0].ssi_signo == SIGCHLD,
          "blocking read: then its SIGCHLD");
    waitpid(child, NULL, 0);

    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 4,
                           .sigev_value.sival_int = 47};
    timer_t tm;
    timer_create(CLOCK_MONOTONIC, &sev, &tm);
    struct itimerspec v = its(0, 5 * MS);
    timer_settime(tm, 0, &v, NULL);
    CHECK(read(sfd, r, sizeof r) == sizeof r[0] && r[0].ssi_signo == (uint32_t)SIGRTMIN + 4
          && r[0].ssi_code == SI_TIMER && r[0].ssi_int == 47 && r[0].ssi_overrun == 0,
          "read: a timer's signal with its value");
    timer_delete(tm);

    int pipefd[2];
    pipe(pipefd);
    CHECK(fails_with(signalfd(pipefd[0], &m, 0), EINVAL), "signalfd on a pipe EINVAL");
    CHECK(fails_with(syscall(SYS_signalfd4, -1, &m, 8, 1), EINVAL), "signalfd4: bad flags EINVAL");
    close(pipefd[0]);
    close(pipefd[1]);
    close(sfd);
    sigprocmask(SIG_UNBLOCK, &blocked, NULL);
}

/* ---- the clock (only errors: nothing here may change the host's clock under qemu) --------- */
static void test_clock_errors(void) {
    struct timespec ts = {1, 0};
    CHECK(fails_with(clock_settime(CLOCK_MONOTONIC, &ts), EINVAL),
          "clock_settime MONOTONIC EINVAL");
    ts.tv_nsec = 1000000000;
    CHECK(fails_with(clock_settime(CLOCK_REALTIME, &ts), EINVAL),
          "clock_settime tv_nsec 1e9 EINVAL");
    struct k_timeval tv = {1, 1000000};
    CHECK(fails_with(syscall(SYS_settimeofday, &tv, NULL), EINVAL),
          "settimeofday tv_usec 1e6 EINVAL");
    struct timex tx = {0};
    CHECK(adjtimex(&tx) >= 0 && tx.precision >= 1 && tx.tick > 0, "adjtimex: a query");
    memset(&tx, 0, sizeof tx);
    CHECK(fails_with(clock_adjtime(CLOCK_MONOTONIC, &tx), EOPNOTSUPP),
          "clock_adjtime MONOTONIC EOPNOTSUPP");
}

/* ---- setting the clock (root; jitvm only) -------------------------------------------------- */
static int settime(void) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_REALTIME, &t0);
    int tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    struct itimerspec v = its(0, 0);
    v.it_value.tv_sec = t0.tv_sec + 3600;
    timerfd_settime(tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &v, NULL);
    struct timespec ahead = {t0.tv_sec + 1000, t0.tv_nsec};
    printf("uid %d\n", getuid());
    printf("clock_settime +1000 s: %d\n", clock_settime(CLOCK_REALTIME, &ahead));
    clock_gettime(CLOCK_REALTIME, &t1);
    long d = t1.tv_sec - t0.tv_sec;
    printf("CLOCK_REALTIME moved by about 1000 s: %s\n", d >= 999 && d <= 1005 ? "yes" : "no");
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday agrees: %s\n", tv.tv_sec - t1.tv_sec <= 1 ? "yes" : "no");
    uint64_t n;
    errno = 0;
    long r = read(tfd, &n, 8);
    printf("CANCEL_ON_SET timerfd read: %ld %s\n", r, strerror(errno));
    struct timex tx = {.modes = ADJ_SETOFFSET, .time = {-1000, 0}};
    printf("adjtimex ADJ_SETOFFSET -1000 s: %d\n", adjtimex(&tx));
    clock_gettime(CLOCK_REALTIME, &t1);
    d = t1.tv_sec - t0.tv_sec;
    printf("CLOCK_REALTIME back: %s\n", d >= 0 && d <= 5 ? "yes" : "no");
    struct timezone zone = {-60, 0}, got;
    printf("settimeofday timezone only: %ld\n", syscall(SYS_settimeofday, NULL, &zone));
    syscall(SYS_gettimeofday, &tv, &got);
    printf("gettimeofday timezone: %d\n", got.tz_minuteswest);
    zone.tz_minuteswest = 0;
    syscall(SYS_settimeofday, NULL, &zone);

    if (setuid(1000) != 0)
        return 1;
    errno = 0;
    printf("as uid 1000: clock_settime %d %s\n", clock_settime(CLOCK_REALTIME, &t1),
           strerror(errno));
    errno = 0;
    printf("as uid 1000: settimeofday %ld %s\n", syscall(SYS_settimeofday, NULL, NULL),
           strerror(errno));
    memset(&tx, 0, sizeof tx);
    printf("as uid 1000: adjtimex query %d\n", adjtimex(&tx));
    tx.modes = ADJ_MAXERROR;
    errno = 0;
    printf("as uid 1000: adjtimex ADJ_MAXERROR %d %s\n", adjtimex(&tx), strerror(errno));
    errno = 0;
    printf("as uid 1000: timerfd on CLOCK_REALTIME_ALARM %d %s\n",
           timerfd_create(CLOCK_REALTIME_ALARM, 0), strerror(errno));
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "settime") == 0)
        return settime();
    test_timerfd();
    test_posix_timers();
    test_signalfd();
    test_clock_errors();
    if (fails)
        return 1;
    printf("all ok\n");
    return 0;
}
