/* sig_handler (aarch64): handlers, siginfo and ucontext, masks and pending sets, delivery order,
   SA_RESETHAND, SA_NODEFER, SIG_IGN, sigaltstack + SA_ONSTACK, handlers with and without
   SA_SIGINFO. Prints one line per check.
   The ucontext part (the only AArch64-specific one: the rest is riscv64's sig_handler.c) uses a
   raw kill() `svc #0` at a known label with known values in x19/x20, q8-q17 (the callee-saved
   d8-d15 and two caller-saved registers, all 128 bits), NZCV, FPSR and FPCR, so the handler can
   check the saved pc, registers, pstate and the FPSIMD record in the frame (uc_mcontext's
   __reserved area: records {u32 magic, u32 size} walked by size; fpsimd_context's magic is
   0x46508001, then fpsr, fpcr and vregs[32] as 128-bit values), change saved x20, q9, q17 and
   NZCV, and clobber every live one of them with FPSR and FPCR (a helper that breaks the
   callee-saved rule on purpose, called last), to show that rt_sigreturn restores all of them
   from the frame. */
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
static volatile int ctx_ok, fp_ok, vregs_ok, depth, maxdepth;
static char *alt_lo, *alt_hi;
static volatile int on_alt, alt_flags, alt_eperm;
extern char kill_svc_ret[];

static void show(const char *what, int ok) { printf("%-40s %s\n", what, ok ? "ok" : "FAIL"); }

static void on_info(int sig, siginfo_t *si, void *ucv)
{
    got[sig]++;
    last = *si;
    (void)ucv;
}

typedef struct { uint64_t lo, hi; } v128;
#define NV 10                                  /* q8 .. q17 */
#define FPSIMD_MAGIC 0x46508001u
struct fpsimd_ctx { uint32_t magic, size, fpsr, fpcr; v128 vregs[32]; };

/* q8..q17 going in: q8 = 1.5 in the low half; the rest distinct patterns in both halves */
static const v128 V_IN[NV] = {
    {0x3ff8000000000000ULL, 0x0808080808080808ULL}, {0x3fe0000000000000ULL, 0x0909090909090909ULL},
    {0x1010101010101010ULL, 0xa0a0a0a0a0a0a0a0ULL}, {0x1111111111111111ULL, 0xb1b1b1b1b1b1b1b1ULL},
    {0x1212121212121212ULL, 0xc2c2c2c2c2c2c2c2ULL}, {0x1313131313131313ULL, 0xd3d3d3d3d3d3d3d3ULL},
    {0x1414141414141414ULL, 0xe4e4e4e4e4e4e4e4ULL}, {0x1515151515151515ULL, 0xf5f5f5f5f5f5f5f5ULL},
    {0x7ff8000000000001ULL, 0x8000000000000000ULL}, {0xfedcba9876543210ULL, 0x0123456789abcdefULL},
};
/* what the handler writes into the frame for q9 and q17 */
static const v128 V_NEW[2] = {{0x4004000000000000ULL, 0x2525252525252525ULL},    /* 2.5 */
                              {0x5555555555555555ULL, 0xaaaaaaaaaaaaaaaaULL}};
static v128 v_out[NV];
#define NZCV_IN 0x90000000u                    /* N and V */
#define NZCV_OUT 0x60000000u                   /* Z and C: written into the frame's pstate */
#define FPSR_IN 0x08000013u                    /* QC, IXC, DZC, IOC */
#define FPCR_IN 0x02c00000u                    /* DN, RMode = 3 (towards zero) */

static struct fpsimd_ctx *find_fpsimd(ucontext_t *uc)
{
    unsigned char *p = (unsigned char *)uc->uc_mcontext.__reserved;
    for (int i = 0; i < 8; i++) {
        uint32_t magic = *(uint32_t *)p, size = *(uint32_t *)(p + 4);
        if (magic == FPSIMD_MAGIC)
            return (struct fpsimd_ctx *)p;
        if (magic == 0 || size < 8)
            break;
        p += size;
    }
    return NULL;
}

/* Overwrites q8-q17, NZCV, FPSR and FPCR and returns: the live state the handler leaves for
   sigreturn to replace. It does not preserve d8-d15 (AAPCS64 says a callee must): on_ctx calls
   it last, so nothing of the handler uses them after it. */
void clobber_live_state(void);
__asm__(".text\n.globl clobber_live_state\n.type clobber_live_state, %function\n"
        "clobber_live_state:\n"
        "   movi v8.16b, #0xee\n   movi v9.16b, #0xee\n   movi v10.16b, #0xee\n"
        "   movi v11.16b, #0xee\n   movi v12.16b, #0xee\n   movi v13.16b, #0xee\n"
        "   movi v14.16b, #0xee\n   movi v15.16b, #0xee\n   movi v16.16b, #0xee\n"
        "   movi v17.16b, #0xee\n"
        "   msr fpsr, xzr\n   mov x9, #0x00400000\n   msr fpcr, x9\n   msr nzcv, xzr\n"
        "   ret\n");

static void on_ctx(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    mcontext_t *mc = &uc->uc_mcontext;
    ctx_ok = mc->pc == (unsigned long)kill_svc_ret              /* after the svc */
          && mc->regs[19] == 0x1122334455667788UL
          && mc->regs[0] == 0                                   /* kill's return value */
          && mc->sp > (unsigned long)&uc                        /* interrupted sp is above us */
          && (mc->pstate & 0xf0000000) == NZCV_IN;
    struct fpsimd_ctx *fp = find_fpsimd(uc);
    fp_ok = fp && fp->size == sizeof *fp && fp->fpsr == FPSR_IN && fp->fpcr == FPCR_IN;
    vregs_ok = fp != NULL;
    for (int k = 0; fp && k < NV; k++)
        vregs_ok &= fp->vregs[8 + k].lo == V_IN[k].lo && fp->vregs[8 + k].hi == V_IN[k].hi;
    mc->regs[20] = 0x777;                                       /* x20 after sigreturn */
    mc->pstate = (mc->pstate & ~0xf0000000ULL) | NZCV_OUT;
    if (fp) {
        fp->vregs[9] = V_NEW[0];
        fp->vregs[17] = V_NEW[1];
    }
    got[sig]++;
    (void)si;
    clobber_live_state();
}

/* kill(getpid(), SIGUSR1) by a raw svc with known values in x19/x20, q8-q17, NZCV, FPSR and
   FPCR; returns kill's result and stores what they hold after the handler (q8-q17 in v_out). */
__attribute__((noinline)) static long kill_with_regs(long *x20_out, uint64_t *nzcv_out,
                                                     uint64_t *fpsr_out, uint64_t *fpcr_out)
{
    register long x0 asm("x0") = getpid();
    register long x1 asm("x1") = SIGUSR1;
    register long x8 asm("x8") = 129;                          /* __NR_kill */
    register long x19 asm("x19") = 0x1122334455667788L;
    register long x20 asm("x20") = 0x33;
    uint64_t nzcv, fpsr, fpcr;
    asm volatile("ldp q8, q9, [%[in]]\n\tldp q10, q11, [%[in], #32]\n\t"
                 "ldp q12, q13, [%[in], #64]\n\tldp q14, q15, [%[in], #96]\n\t"
                 "ldp q16, q17, [%[in], #128]\n\t"
                 "msr fpsr, %[fpsr_in]\n\tmsr fpcr, %[fpcr_in]\n\tmsr nzcv, %[nzcv_in]\n\t"
                 ".globl kill_svc_ret\n\tsvc #0\nkill_svc_ret:\n\t"
                 "mrs %[nzcv], nzcv\n\tmrs %[fpsr], fpsr\n\tmrs %[fpcr], fpcr\n\t"
                 "msr fpcr, xzr\n\tmsr fpsr, xzr\n\t"
                 "stp q8, q9, [%[out]]\n\tstp q10, q11, [%[out], #32]\n\t"
                 "stp q12, q13, [%[out], #64]\n\tstp q14, q15, [%[out], #96]\n\t"
                 "stp q16, q17, [%[out], #128]"
                 : "+r"(x0), "+r"(x20), [nzcv] "=&r"(nzcv), [fpsr] "=&r"(fpsr),
                   [fpcr] "=&r"(fpcr)
                 : "r"(x1), "r"(x8), "r"(x19), [in] "r"(V_IN), [out] "r"(v_out),
                   [nzcv_in] "r"((uint64_t)NZCV_IN), [fpsr_in] "r"((uint64_t)FPSR_IN),
                   [fpcr_in] "r"((uint64_t)FPCR_IN)
                 : "memory", "cc", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16",
                   "v17");
    *x20_out = x20;
    *nzcv_out = nzcv;
    *fpsr_out = fpsr;
    *fpcr_out = fpcr;
    return x0;
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
    long x20;
    uint64_t nzcv, fpsr, fpcr;
    long r = kill_with_regs(&x20, &nzcv, &fpsr, &fpcr);
    show("ucontext holds pc, x19, x0, sp, nzcv", ctx_ok);
    show("FPSIMD record: magic, size, fpsr, fpcr", fp_ok);
    show("FPSIMD record: q8-q17, all 128 bits", vregs_ok);
    show("sigreturn restores the frame's x20/nzcv", r == 0 && x20 == 0x777 && nzcv == NZCV_OUT);
    int changed_ok = 1, kept_ok = 1;
    for (int k = 0; k < NV; k++) {
        v128 want = V_IN[k];
        if (k == 1 || k == 9)                       /* q9, q17: changed in the frame */
            want = V_NEW[k == 9];
        int same = v_out[k].lo == want.lo && v_out[k].hi == want.hi;
        if (k == 1 || k == 9)
            changed_ok &= same;
        else
            kept_ok &= same;
    }
    show("sigreturn restores the frame's q9/q17", changed_ok);
    show("clobbered q8, q10-q16 come back whole", kept_ok);
    printf("fpsr after the handler: %llx (want %x)\n", (unsigned long long)fpsr, FPSR_IN);
    printf("fpcr after the handler: %llx (want %x)\n", (unsigned long long)fpcr, FPCR_IN);

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
