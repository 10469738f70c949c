/* sig_handler: handlers, siginfo and ucontext, masks and pending sets, delivery order,
   SA_RESETHAND, SA_NODEFER, SIG_IGN, sigaltstack + SA_ONSTACK. Prints one line per check.
   The ucontext part uses a raw kill() ecall at a known label with known values in s2/s3/fs0/fs1,
   so the handler can check the saved pc and registers, and changes saved s3/fs1 to show that
   rt_sigreturn restores registers from the frame. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ucontext.h>
#include <unistd.h>

static volatile int got[65];
static volatile int order[32], norder;
static siginfo_t last;
static volatile int ctx_ok, depth, maxdepth;
static char *alt_lo, *alt_hi;
static volatile int on_alt, alt_flags, alt_eperm;
extern char kill_ecall_ret[];

static void show(const char *what, int ok) { printf("%-40s %s\n", what, ok ? "ok" : "FAIL"); }

static void on_info(int sig, siginfo_t *si, void *ucv)
{
    got[sig]++;
    last = *si;
    (void)ucv;
}

static void on_ctx(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    unsigned long *g = uc->uc_mcontext.__gregs;
    double two_and_a_half = 2.5;
    ctx_ok = g[REG_PC] == (unsigned long)kill_ecall_ret       /* delivered after the ecall */
          && g[18] == 0x1122334455667788UL                     /* s2 */
          && g[10] == 0                                        /* a0: kill's return value */
          && g[REG_SP] > (unsigned long)&uc                    /* interrupted sp is above us */
          && uc->uc_mcontext.__fpregs.__d.__f[8] == 0x3ff8000000000000ULL;   /* fs0 = 1.5 */
    g[19] = 0x777;                                             /* s3 after sigreturn */
    memcpy(&uc->uc_mcontext.__fpregs.__d.__f[9], &two_and_a_half, 8);      /* fs1 */
    got[sig]++;
    (void)si;
}

__attribute__((noinline)) static long kill_with_regs(long *s3_out, double *fs0_out, double *fs1_out)
{
    register long a0 asm("a0") = getpid();
    register long a1 asm("a1") = SIGUSR1;
    register long a7 asm("a7") = 129;                          /* __NR_kill */
    register long s2 asm("s2") = 0x1122334455667788L;
    register long s3 asm("s3") = 0x33;
    register double fs0 asm("fs0") = 1.5;
    register double fs1 asm("fs1") = 0.5;
    asm volatile(".globl kill_ecall_ret\n\tecall\nkill_ecall_ret:\n"
                 : "+r"(a0), "+r"(s3), "+f"(fs0), "+f"(fs1)
                 : "r"(a1), "r"(a7), "r"(s2) : "memory");
    *s3_out = s3;
    *fs0_out = fs0;
    *fs1_out = fs1;
    return a0;
}

static void on_order(int sig) { order[norder++] = sig; }

static void on_nodefer(int sig)
{
    depth++;
    if (depth > maxdepth)
        maxdepth = depth;
    if (got[sig]++ == 0)
        raise(sig);            /* nested now with SA_NODEFER, after we return without it */
    depth--;
}

static void on_resethand(int sig)
{
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    maxdepth = sigismember(&now, sig);     /* blocked inside its own handler */
    got[sig]++;
}

static void on_alt_handler(int sig)
{
    char here;
    stack_t cur, again;
    on_alt = &here >= alt_lo && &here < alt_hi;
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
    memset(&again, 0, sizeof again);
    again.ss_sp = alt_lo;
    again.ss_size = 16384;
    alt_eperm = sigaltstack(&again, NULL) == -1 && errno == EPERM;
    got[sig]++;
}

static void install(int sig, void (*h)(int), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    if (mask)
        sa.sa_mask = *mask;
    sigaction(sig, &sa, NULL);
}

static void install_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void print_order(const char *what)
{
    printf("%s:", what);
    for (int i = 0; i < norder; i++)
        printf(" %d", order[i]);
    printf("\n");
    norder = 0;
}

int main(void)
{
    sigset_t set, old, pend;
    struct sigaction sa;

    /* siginfo from raise (tgkill) and sigqueue */
    install_info(SIGUSR1, on_info, 0);
    raise(SIGUSR1);
    show("raise runs the handler before returning", got[SIGUSR1] == 1);
    printf("si_signo=%d si_code=%d pid_ok=%d uid_ok=%d\n", last.si_signo, last.si_code,
           last.si_pid == getpid(), last.si_uid == getuid());
    union sigval v = {.sival_int = 42};
    sigqueue(getpid(), SIGUSR1, v);
    printf("sigqueue: si_code=%d value=%d pid_ok=%d\n", last.si_code, last.si_value.sival_int,
           last.si_pid == getpid());

    /* ucontext: saved registers in, changed registers out */
    install_info(SIGUSR1, on_ctx, 0);
    long s3;
    double fs0, fs1;
    long r = kill_with_regs(&s3, &fs0, &fs1);
    show("ucontext holds pc, s2, a0, sp, fs0", ctx_ok);
    show("sigreturn restores the frame's s3/fs1", r == 0 && s3 == 0x777 && fs1 == 2.5);
    show("untouched fs0 survives the handler", fs0 == 1.5);

    /* blocking, pending, unblocking: lowest first when handlers block everything */
    sigfillset(&set);
    for (int s = SIGUSR1; s <= SIGRTMIN + 1; s++)
        if (s == SIGUSR1 || s == SIGUSR2 || s == SIGALRM || s >= SIGRTMIN)
            install(s, on_order, 0, &set);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGALRM);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGRTMIN + 1);
    raise(SIGRTMIN);
    raise(SIGRTMIN);            /* real-time signals queue */
    raise(SIGALRM);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1);             /* standard ones do not */
    sigpending(&pend);
    printf("pending: usr1=%d usr2=%d alrm=%d rtmin=%d rtmin1=%d term=%d handled=%d\n",
           sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2), sigismember(&pend, SIGALRM),
           sigismember(&pend, SIGRTMIN), sigismember(&pend, SIGRTMIN + 1),
           sigismember(&pend, SIGTERM), norder);
    sigprocmask(SIG_SETMASK, &old, NULL);
    print_order("order (handlers block all)");

    /* the same without sa_mask: each frame goes on top of the last, so they nest */
    for (int s = SIGUSR1; s <= SIGRTMIN + 1; s++)
        if (s == SIGUSR1 || s == SIGUSR2 || s == SIGALRM || s >= SIGRTMIN)
            install(s, on_order, 0, NULL);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    raise(SIGUSR2);
    raise(SIGRTMIN);
    raise(SIGRTMIN);
    sigprocmask(SIG_SETMASK, &old, NULL);
    print_order("order (nested frames)");

    /* SIGKILL and SIGSTOP cannot be blocked */
    sigfillset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    sigprocmask(SIG_SETMASK, NULL, &set);
    printf("blocked: kill=%d stop=%d term=%d\n", sigismember(&set, SIGKILL),
           sigismember(&set, SIGSTOP), sigismember(&set, SIGTERM));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("sigaction(SIGKILL) fails: %d\n", sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);

    /* SA_RESETHAND: runs once, then SIG_DFL; the signal is blocked inside (no SA_NODEFER) */
    got[SIGUSR2] = 0;
    install(SIGUSR2, on_resethand, SA_RESETHAND, NULL);
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &sa);
    printf("resethand: calls=%d blocked_inside=%d now_default=%d\n", got[SIGUSR2], maxdepth,
           sa.sa_handler == SIG_DFL);

    /* SA_NODEFER: the raise inside the handler nests at once */
    got[SIGUSR2] = 0;
    maxdepth = 0;
    install(SIGUSR2, on_nodefer, SA_NODEFER, NULL);
    raise(SIGUSR2);
    printf("nodefer: calls=%d maxdepth=%d\n", got[SIGUSR2], maxdepth);

    /* SIG_IGN drops; a blocked ignored signal stays pending until ignored again */
    install(SIGUSR1, SIG_IGN, 0, NULL);
    raise(SIGUSR1);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    sigpending(&pend);
    int was = sigismember(&pend, SIGUSR1);
    install(SIGUSR1, SIG_IGN, 0, NULL);
    sigpending(&pend);
    printf("ignored: pending while blocked=%d after re-ignoring=%d\n", was,
           sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* default-ignored signals do nothing */
    raise(SIGCHLD);
    raise(SIGURG);
    raise(SIGWINCH);
    show("SIGCHLD/SIGURG/SIGWINCH ignored", 1);

    /* sigaltstack + SA_ONSTACK */
    static char altbuf[16384] __attribute__((aligned(16)));
    stack_t ss = {.ss_sp = altbuf, .ss_size = sizeof altbuf, .ss_flags = 0}, cur;
    alt_lo = altbuf;
    alt_hi = altbuf + sizeof altbuf;
    printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
    sigaltstack(NULL, &cur);
    printf("sigaltstack query: flags=%d size_ok=%d\n", cur.ss_flags, cur.ss_size == sizeof altbuf);
    install(SIGUSR2, on_alt_handler, SA_ONSTACK, NULL);
    raise(SIGUSR2);
    printf("onstack handler: on_alt=%d flags=%d eperm=%d\n", on_alt, alt_flags, alt_eperm);
    install(SIGUSR2, on_alt_handler, 0, NULL);
    raise(SIGUSR2);
    printf("plain handler: on_alt=%d flags=%d\n", on_alt, alt_flags);
    ss.ss_size = 100;
    printf("too small: %d %s\n", sigaltstack(&ss, NULL), errno == ENOMEM ? "ENOMEM" : "?");
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &cur);
    printf("disabled: flags=%d\n", cur.ss_flags);
    return 0;
}
