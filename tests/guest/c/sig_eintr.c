/* sig_eintr: blocking system calls interrupted by a handled signal (SIGALRM from setitimer and
   alarm, which glibc implements with setitimer on riscv64). Without SA_RESTART the call fails
   with EINTR; with SA_RESTART a pipe read is restarted after the handler (which writes the byte
   it then reads) but a sleep still fails with EINTR (signal(7): never restarted). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int fds[2];
static volatile int alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
    char c = 'x';
    write(fds[1], &c, 1);                 /* async-signal-safe */
}

static void on_alarm_quiet(int sig)
{
    (void)sig;
    alarms++;
}

static void handle(void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

static void arm_ms(long ms)
{
    struct itimerval it = {.it_value = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static const char *err(long r)
{
    return r >= 0 ? "ok" : errno == EINTR ? "EINTR" : strerror(errno);
}

int main(void)
{
    char c;
    long r;

    setvbuf(stdout, NULL, _IOLBF, 0);     /* lines survive the final death by SIGALRM */

    /* pipe read, no SA_RESTART: EINTR; the byte the handler wrote is still there */
    pipe(fds);
    handle(on_alarm, 0);
    arm_ms(50);
    r = read(fds[0], &c, 1);
    printf("read without SA_RESTART: %ld %s alarms=%d\n", r, err(r), alarms);
    r = read(fds[0], &c, 1);
    printf("then: %ld '%c'\n", r, c);

    /* pipe read, SA_RESTART: the read is restarted and gets the handler's byte */
    handle(on_alarm, SA_RESTART);
    arm_ms(50);
    r = read(fds[0], &c, 1);
    printf("read with SA_RESTART: %ld %s '%c' alarms=%d\n", r, err(r), c, alarms);

    /* nanosleep is never restarted */
    struct timespec ts = {.tv_sec = 5}, rem;
    arm_ms(50);
    r = nanosleep(&ts, &rem);
    printf("nanosleep with SA_RESTART: %ld %s alarms=%d\n", r, err(r), alarms);

    /* poll and pause: EINTR */
    read(fds[0], &c, 1);                  /* the byte the last alarm wrote: the pipe is empty */
    handle(on_alarm_quiet, SA_RESTART);
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    arm_ms(50);
    r = poll(&pfd, 1, 5000);
    printf("poll: %ld %s alarms=%d\n", r, err(r), alarms);
    arm_ms(50);
    r = pause();
    printf("pause: %ld %s alarms=%d\n", r, err(r), alarms);

    /* a blocked signal does not interrupt; it is delivered when unblocked */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_BLOCK, &set, &old);
    arm_ms(20);
    struct timespec short_sleep = {.tv_nsec = 100 * 1000 * 1000};
    r = nanosleep(&short_sleep, NULL);
    printf("sleep with SIGALRM blocked: %ld %s alarms=%d\n", r, err(r), alarms);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblocking: alarms=%d\n", alarms);

    /* alarm() and getitimer: what is left, and cancelling */
    alarm(10);
    unsigned left = alarm(0);
    printf("alarm left: %u\n", left);
    struct itimerval it = {.it_value = {.tv_sec = 3}}, cur;
    setitimer(ITIMER_REAL, &it, NULL);
    getitimer(ITIMER_REAL, &cur);
    printf("getitimer: %ld s left (<= 3: %d)\n", (long)cur.it_value.tv_sec + (cur.it_value.tv_usec > 0),
           cur.it_value.tv_sec <= 3);
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, &cur);
    getitimer(ITIMER_REAL, &cur);
    printf("cancelled: %ld.%06ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);

    /* a periodic timer */
    alarms = 0;
    struct itimerval per = {.it_interval = {.tv_usec = 20000}, .it_value = {.tv_usec = 20000}};
    setitimer(ITIMER_REAL, &per, NULL);
    while (alarms < 3)
        pause();
    memset(&per, 0, sizeof per);
    setitimer(ITIMER_REAL, &per, NULL);
    printf("periodic: alarms=%d\n", alarms);

    /* the default action of SIGALRM terminates: status 142 */
    signal(SIGALRM, SIG_DFL);
    alarm(1);
    pause();
    printf("still alive?!\n");
    return 1;
}
