/* sig_handler (loongarch64): handlers, siginfo and ucontext, masks and pending sets, delivery
   order, SA_RESETHAND, SA_NODEFER, SIG_IGN, sigaltstack + SA_ONSTACK. Prints one line per check.
   The ucontext part (the only LoongArch-specific one: the rest is riscv64's sig_handler.c) uses a
   raw kill() `syscall 0` at a known label with known values in s2/s3, ft0/ft1, fs0/fs1, the eight
   condition flags and fcsr0, so the handler can check the saved pc, registers and FPU record
   (uc_mcontext at offset 176 of ucontext_t; sigcontext {sc_pc; sc_regs[32]; sc_flags} and the
   extcontext records 16-aligned after it), change saved s3/ft1/fs1, and clobber the live FP
   registers, flags and fcsr0, to show that rt_sigreturn restores all of them from the frame. */
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

/* The FPU record in the frame's extcontext: {u32 magic, u32 size, u64 pad} then the payload
   {u64 regs[32]; u64 fcc (fcc0 in byte 0 ... fcc7 in byte 7); u32 fcsr}. Records are walked by
   their size field, which is only checked to be large enough (the kernel writes 288, QEMU 7.2
   592). */
struct fpu_ctx { uint64_t regs[32]; uint64_t fcc; uint32_t fcsr; };

static struct fpu_ctx *find_fpu(ucontext_t *uc, int *size_ok)
{
    unsigned char *p = (unsigned char *)uc->uc_mcontext.__extcontext;
    for (int i = 0; i < 8; i++) {
        uint32_t magic = *(uint32_t *)p, size = *(uint32_t *)(p + 4);
        if (magic == 0x46505501) {
            *size_ok = size >= 16 + sizeof(struct fpu_ctx);
            return (struct fpu_ctx *)(p + 16);
        }
        if (magic == 0 || size < 16)
            break;
        p += size;
    }
    return NULL;
}

#define FCC_IN 0x0100000101000001ULL      /* fcc0, fcc3, fcc4 and fcc7 set */
#define FCSR_IN 0x100u                    /* RM = 1: round towards zero */
static volatile int fp_ok, fp_size_ok, flags_ok;

static void on_ctx(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    unsigned long *g = uc->uc_mcontext.__gregs;
    double two_and_a_half = 2.5;
    int size_ok = 0;
    ctx_ok = uc->uc_mcontext.__pc == (unsigned long)kill_ecall_ret   /* after the syscall */
          && g[25] == 0x1122334455667788UL                          /* s2 = $r25 */
          && g[4] == 0                                              /* a0: kill's return value */
          && g[3] > (unsigned long)&uc                              /* interrupted sp is above us */
          && g[0] == 0;                                             /* $zero */
    flags_ok = (uc->uc_mcontext.__flags & 1) != 0;                  /* SC_USED_FP */
    struct fpu_ctx *fpu = find_fpu(uc, &size_ok);
    fp_size_ok = size_ok;
    fp_ok = fpu && fpu->regs[24] == 0x3ff8000000000000ULL          /* fs0 = 1.5 */
               && fpu->regs[8] == 0x400c000000000000ULL             /* ft0 = 3.5 */
               && fpu->fcc == FCC_IN && (fpu->fcsr & 0x300) == FCSR_IN;
    g[26] = 0x777;                                                  /* s3 after sigreturn */
    if (fpu) {
        memcpy(&fpu->regs[25], &two_and_a_half, 8);                 /* fs1 */
        memcpy(&fpu->regs[9], &two_and_a_half, 8);                  /* ft1 */
    }
    /* clobber the live caller-saved FP state: sigreturn must bring the frame's back */
    __asm__ volatile("movgr2fr.d $f8, $zero\n\tmovgr2fr.d $f9, $zero\n\t"
                     "movgr2cf $fcc0, $zero\n\tmovgr2cf $fcc3, $zero\n\t"
                     "movgr2cf $fcc4, $zero\n\tmovgr2cf $fcc7, $zero\n\t"
                     "addi.w $t0, $zero, 1\n\tmovgr2cf $fcc1, $t0\n\t"
                     "ori $t0, $zero, 0x300\n\tmovgr2fcsr $fcsr0, $t0"
                     ::: "$f8", "$f9", "$t0", "memory");
    got[sig]++;
    (void)si;
}

/* kill(getpid(), SIGUSR1) by a raw syscall with known values in s2/s3, ft0/ft1, fs0/fs1, the
   condition flags and fcsr0; returns what they hold after the handler. */
__attribute__((noinline)) static long kill_with_regs(long *s3_out, double *fp_out,
                                                     uint64_t *fcc_out, uint32_t *fcsr_out)
{
    register long a0 asm("$a0") = getpid();
    register long a1 asm("$a1") = SIGUSR1;
    register long a7 asm("$a7") = 129;                         /* __NR_kill */
    register long s2 asm("$s2") = 0x1122334455667788L;
    register long s3 asm("$s3") = 0x33;
    register double ft0 asm("$f8") = 3.5;
    register double ft1 asm("$f9") = 0.25;
    register double fs0 asm("$f24") = 1.5;
    register double fs1 asm("$f25") = 0.5;
    uint64_t fcc;
    unsigned long fcsr, t;
    asm volatile("movgr2fcsr $fcsr0, %[fcsr_in]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 0, 0\n\tmovgr2cf $fcc0, %[t]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 8, 8\n\tmovgr2cf $fcc1, %[t]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 16, 16\n\tmovgr2cf $fcc2, %[t]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 24, 24\n\tmovgr2cf $fcc3, %[t]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 32, 32\n\tmovgr2cf $fcc4, %[t]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 40, 40\n\tmovgr2cf $fcc5, %[t]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 48, 48\n\tmovgr2cf $fcc6, %[t]\n\t"
                 "bstrpick.d %[t], %[fcc_in], 56, 56\n\tmovgr2cf $fcc7, %[t]\n\t"
                 ".globl kill_ecall_ret\n\tsyscall 0\nkill_ecall_ret:\n\t"
                 "movcf2gr %[fcc], $fcc0\n\t"
                 "movcf2gr %[t], $fcc1\n\tbstrins.d %[fcc], %[t], 15, 8\n\t"
                 "movcf2gr %[t], $fcc2\n\tbstrins.d %[fcc], %[t], 23, 16\n\t"
                 "movcf2gr %[t], $fcc3\n\tbstrins.d %[fcc], %[t], 31, 24\n\t"
                 "movcf2gr %[t], $fcc4\n\tbstrins.d %[fcc], %[t], 39, 32\n\t"
                 "movcf2gr %[t], $fcc5\n\tbstrins.d %[fcc], %[t], 47, 40\n\t"
                 "movcf2gr %[t], $fcc6\n\tbstrins.d %[fcc], %[t], 55, 48\n\t"
                 "movcf2gr %[t], $fcc7\n\tbstrins.d %[fcc], %[t], 63, 56\n\t"
                 "movfcsr2gr %[fcsr], $fcsr0\n\t"
                 "movgr2fcsr $fcsr0, $zero"
                 : "+r"(a0), "+r"(s3), "+f"(ft0), "+f"(ft1), "+f"(fs0), "+f"(fs1),
                   [fcc] "=&r"(fcc), [fcsr] "=&r"(fcsr), [t] "=&r"(t)
                 : "r"(a1), "r"(a7), "r"(s2), [fcc_in] "r"(FCC_IN), [fcsr_in] "r"(FCSR_IN)
                 : "memory");
    *s3_out = s3;
    fp_out[0] = ft0;
    fp_out[1] = ft1;
    fp_out[2] = fs0;
    fp_out[3] = fs1;
    *fcc_out = fcc;
    *fcsr_out = (uint32_t)fcsr;
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
    double fp[4];
    uint64_t fcc;
    uint32_t fcsr;
    long r = kill_with_regs(&s3, fp, &fcc, &fcsr);
    show("ucontext holds pc, s2, a0, sp, $zero", ctx_ok);
    show("sc_flags has SC_USED_FP", flags_ok);
    show("FPU record: ft0, fs0, fcc0-7, fcsr0", fp_ok);
    show("FPU record size >= 288", fp_size_ok);
    show("sigreturn restores the frame's s3/ft1/fs1",
         r == 0 && s3 == 0x777 && fp[1] == 2.5 && fp[3] == 2.5);
    show("untouched ft0/fs0 survive the handler", fp[0] == 3.5 && fp[2] == 1.5);
    printf("fcc after the handler: %016llx (want %016llx)\n", (unsigned long long)fcc,
           (unsigned long long)FCC_IN);
    printf("fcsr0 after the handler: %x (want %x)\n", fcsr, FCSR_IN);

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
