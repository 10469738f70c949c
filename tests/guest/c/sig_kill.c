/* sig_kill: sending signals. kill() checks (signal 0, ESRCH, EINVAL), kill to self and to the own
   process group (the program first makes its own group, so kill(0) reaches nobody outside it),
   sigsuspend, sigtimedwait with a timeout, SIGCHLD with siginfo + waitpid, a child killed,
   stopped and continued, SIGCHLD ignored (children reaped by the kernel). kill(-1) is not here:
   under the reference emulator it would signal every process of the user running the tests.
   Ends by SIGTERM to itself: status 143. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int got[65];
static volatile pid_t chld_pid;
static volatile int chld_code, chld_status;

static void on_sig(int sig) { got[sig]++; }

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got[sig]++;
    chld_pid = si->si_pid;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static void handle(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static const char *e(int r) { return r == 0 ? "0" : errno == ESRCH ? "ESRCH" : errno == EINVAL ? "EINVAL" : errno == EPERM ? "EPERM" : "?"; }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    setpgid(0, 0);
    sigset_t set, old, none;
    sigemptyset(&none);

    printf("kill(self, 0): %s\n", e(kill(getpid(), 0)));
    printf("kill(no such pid, 0): %s\n", e(kill(99999, 0)));
    printf("kill(self, 65): %s\n", e(kill(getpid(), 65)));
    printf("kill(no such group, USR1): %s\n", e(kill(-99999, SIGUSR1)));

    handle(SIGUSR1, on_sig, 0);
    handle(SIGUSR2, on_sig, 0);
    kill(getpid(), SIGUSR1);
    printf("kill(self): handled before kill returned: %d\n", got[SIGUSR1]);
    kill(0, SIGUSR2);
    printf("kill(0): own group: %d\n", got[SIGUSR2]);
    /* kill(-pgrp); but a group 1 (we are init under `jitvm run`) makes that kill(-1), which
       skips the caller: then show what a group > 1 gives */
    if (getpgrp() > 1)
        kill(-getpgrp(), SIGUSR2);
    else
        got[SIGUSR2]++;
    printf("kill(-pgrp): %d\n", got[SIGUSR2]);

    /* sigsuspend: wait for SIGALRM with everything else blocked; the old mask comes back */
    handle(SIGALRM, on_sig, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct itimerval it = {.it_value = {.tv_usec = 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
    int r = sigsuspend(&none);
    sigprocmask(SIG_SETMASK, NULL, &set);
    printf("sigsuspend: %d %s alarm=%d mask_back=%d\n", r, errno == EINTR ? "EINTR" : "?",
           got[SIGALRM], sigismember(&set, SIGALRM) && sigismember(&set, SIGUSR1));

    /* sigtimedwait: times out with EAGAIN, then takes a pending blocked signal */
    struct timespec ts = {.tv_nsec = 50 * 1000 * 1000};
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    r = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait timeout: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    kill(getpid(), SIGUSR1);
    r = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait: %d code=%d pid_ok=%d handler_ran=%d\n", r, si.si_code,
           si.si_pid == getpid(), got[SIGUSR1] > 1);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SIGCHLD with siginfo, then waitpid */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    sigsuspend(&none);
    int st;
    pid_t w = waitpid(c, &st, 0);
    printf("SIGCHLD: pid_ok=%d code=%d status=%d; waitpid ok=%d exit=%d\n", chld_pid == c,
           chld_code, chld_status, w == c, WEXITSTATUS(st));

    /* a child killed by SIGTERM; a child stopped, continued, killed */
    c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    kill(c, SIGTERM);
    sigsuspend(&none);
    waitpid(c, &st, 0);
    printf("SIGTERM child: signaled=%d sig=%d; SIGCHLD code=%d status=%d\n", WIFSIGNALED(st),
           WTERMSIG(st), chld_code, chld_status);
    c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    printf("stopped: %d sig=%d\n", WIFSTOPPED(st), WSTOPSIG(st));
    kill(c, SIGCONT);
    waitpid(c, &st, WCONTINUED);
    printf("continued: %d\n", WIFCONTINUED(st));
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    printf("killed: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* kill(0) reaches the child too: it inherited the handler and waits in sigsuspend */
    got[SIGUSR2] = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    c = fork();
    if (c == 0) {
        sigsuspend(&none);
        _exit(got[SIGUSR2] == 1 ? 7 : 1);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    struct timespec pause_ts = {.tv_nsec = 20 * 1000 * 1000};
    nanosleep(&pause_ts, NULL);                 /* let the child reach sigsuspend */
    kill(0, SIGUSR2);
    waitpid(c, &st, 0);
    printf("kill(0) child exit=%d parent handled=%d\n", WEXITSTATUS(st), got[SIGUSR2]);

    /* SIGCHLD ignored: children are reaped by the kernel, wait reports ECHILD */
    handle(SIGCHLD, SIG_IGN, 0);
    c = fork();
    if (c == 0)
        _exit(0);
    w = wait(&st);
    printf("SIG_IGN SIGCHLD: wait=%d %s\n", w, errno == ECHILD ? "ECHILD" : "?");
    handle(SIGCHLD, SIG_DFL, SA_NOCLDWAIT);
    c = fork();
    if (c == 0)
        _exit(0);
    w = wait(&st);
    printf("SA_NOCLDWAIT: wait=%d %s\n", w, errno == ECHILD ? "ECHILD" : "?");

    kill(getpid(), SIGTERM);
    printf("still alive?!\n");
    return 1;
}
