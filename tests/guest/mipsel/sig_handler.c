/* sig_handler (mipsel): handlers, siginfo and ucontext, masks and pending sets, delivery order,
   SA_RESETHAND, SA_NODEFER, SIG_IGN, sigaltstack + SA_ONSTACK, handlers with and without
   SA_SIGINFO. Prints one line per check. MIPS numbers its signals its own way (SIGUSR1 16,
   SIGUSR2 17, SIGCHLD 18, ...), so the "order" lines show those numbers.
   The ucontext part (the only MIPS-specific one: the rest is aarch64's sig_handler.c) uses a
   raw kill() `syscall` at a known label with known values in $s0/$s1, HI/LO, the callee-saved
   doubles $f20-$f30 and FCSR (rounding mode, flags, condition codes 0 and 3), so the handler can
   check the kernel's o32 sigcontext (at ucontext + 24; read as Linux's struct, because glibc's
   and musl's mcontext_t name its fields differently): sc_pc (after the syscall), sc_regs (v0 =
   kill's result, a3 = 0: no error), sc_mdhi/sc_mdlo, sc_fpc_csr and sc_fpregs, then change
   saved $s1, LO and $f22 and clobber every live one of them (a helper that breaks the
   callee-saved rule on purpose, called last), to show that rt_sigreturn restores all of them.
   sc_fpregs[r] holds the double of even register r in either FPU mode (get_d). qemu runs
   Debian's FPXX programs with FR=1 and zig's FP32 ones with FR=0 (jitvm: FR=0 always); nothing
   printed depends on the mode. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int got[129];
static volatile int order[32], norder;
static siginfo_t last;
static volatile int ctx_ok, fp_ok, vregs_ok, depth, maxdepth;
static char *alt_lo, *alt_hi;
static volatile int on_alt, alt_flags, alt_eperm;
extern char kill_sys_ret[];

static void show(const char *what, int ok) { printf("%-40s %s\n", what, ok ? "ok" : "FAIL"); }

static void on_info(int sig, siginfo_t *si, void *ucv)
{
    got[sig]++;
    last = *si;
    (void)ucv;
}

/* Linux's o32 struct sigcontext (arch/mips/include/uapi/asm/sigcontext.h) */
struct ksigcontext {
    uint32_t sc_regmask, sc_status;
    uint64_t sc_pc, sc_regs[32], sc_fpregs[32];
    uint32_t sc_acx, sc_fpc_csr, sc_fpc_eir, sc_used_math, sc_dsp;
    uint64_t sc_mdhi, sc_mdlo;
};
#define SIGCONTEXT(uc) ((struct ksigcontext *)((char *)(uc) + 24))   /* o32 uc_mcontext */

#define NV 6                                   /* $f20, $f22, ..., $f30 */
static const uint64_t V_IN[NV] = {0x3ff8000000000000ULL, 0x3fe0000000000000ULL,   /* 1.5, 0.5 */
    0x1010101010101010ULL, 0x7ff8000000000001ULL, 0xfedcba9876543210ULL, 0x8000000000000000ULL};
static const uint64_t V_NEW = 0x4004000000000000ULL;    /* 2.5: the handler's $f22 */
static uint64_t v_out[NV];
#define HI_IN 0x5a5a0001u
#define LO_IN 0xa5a50002u
#define LO_OUT 0x00c0ffeeu                     /* written into the frame's sc_mdlo */
/* RM = 1 (towards zero), the inexact and underflow flags, condition codes 0 (bit 23) and 3 */
#define FCSR_IN 0x0880000du

/* 1 when the FPU runs with 64-bit registers (FR=1): ldc1 leaves the odd register alone */
static int fr1(void)
{
    static const double one = 1.0;
    uint32_t hi;
    __asm__ volatile(".set push\n\t.set fp=32\n\t.set oddspreg\n\t"
                     "mtc1 $zero, $f1\n\tldc1 $f0, 0(%1)\n\tmfc1 %0, $f1\n\t.set pop"
                     : "=r"(hi) : "r"(&one) : "$f0", "$f1");
    return hi != 0x3ff00000;
}

/* Linux's copy_fp_to_sigcontext stores get_fpr64(fpr[r]) in sc_fpregs[r]: with FR=1 the 64-bit
   register, with FR=0 (TIF_32BIT_FPREGS: even r only) the even/odd pair as one double -- either
   way the whole double of an even register is in its own slot. */
static uint64_t get_d(struct ksigcontext *sc, int r, int fr)
{
    (void)fr;
    return sc->sc_fpregs[r];
}

static void set_d(struct ksigcontext *sc, int r, int fr, uint64_t v)
{
    (void)fr;
    sc->sc_fpregs[r] = v;
}

/* Overwrites $f20-$f30, FCSR, HI and LO and returns: the live state the handler leaves for
   sigreturn to replace. It does not preserve $f20-$f30 (o32 says a callee must): on_ctx calls
   it last, so nothing of the handler uses them after it. */
void clobber_live_state(void);
__asm__(".text\n.globl clobber_live_state\n.type clobber_live_state, @function\n"
        ".set push\n.set noreorder\nclobber_live_state:\n"
        "   li $8, -1\n   mtc1 $8, $f20\n   mtc1 $8, $f22\n   mtc1 $8, $f24\n"
        "   mtc1 $8, $f26\n   mtc1 $8, $f28\n   mtc1 $8, $f30\n"
        "   mthc1 $8, $f20\n   mthc1 $8, $f22\n   mthc1 $8, $f24\n"
        "   mthc1 $8, $f26\n   mthc1 $8, $f28\n   mthc1 $8, $f30\n"
        "   ctc1 $zero, $31\n   mthi $8\n   mtlo $8\n"
        "   jr $31\n   nop\n.set pop\n");

static void on_ctx(int sig, siginfo_t *si, void *ucv)
{
    struct ksigcontext *sc = SIGCONTEXT(ucv);
    int fr = fr1();
    ctx_ok = sc->sc_pc == (uintptr_t)kill_sys_ret                /* after the syscall */
          && (uint32_t)sc->sc_regs[16] == 0x11223344u             /* $s0 */
          && sc->sc_regs[2] == 0 && sc->sc_regs[7] == 0           /* $v0 = 0, $a3 = 0: success */
          && (uint32_t)sc->sc_regs[29] > (uintptr_t)&sc           /* interrupted sp is above us */
          && (uint32_t)sc->sc_mdhi == HI_IN && (uint32_t)sc->sc_mdlo == LO_IN;
    fp_ok = sc->sc_fpc_csr == FCSR_IN;
    vregs_ok = 1;
    for (int k = 0; k < NV; k++)
        vregs_ok &= get_d(sc, 20 + 2 * k, fr) == V_IN[k];
    sc->sc_regs[17] = 0x777;                                      /* $s1 after sigreturn */
    sc->sc_mdlo = LO_OUT;
    set_d(sc, 22, fr, V_NEW);
    got[sig]++;
    (void)si;
    clobber_live_state();
}

/* kill(getpid(), SIGUSR1) by a raw syscall with known values in $s0/$s1, HI/LO, $f20-$f30 and
   FCSR; returns kill's result and stores what they hold after the handler ($f20.. in v_out). */
__attribute__((noinline)) static long kill_with_regs(long *s1_out, uint32_t *hi_out,
                                                     uint32_t *lo_out, uint32_t *fcsr_out)
{
    long pid = getpid();          /* before the register variables: a call clobbers them */
    register long v0 asm("$2") = 4037;                         /* __NR_kill (o32: 4000 + 37) */
    register long a0 asm("$4") = pid;
    register long a1 asm("$5") = SIGUSR1;
    register long a3 asm("$7");
    register long s0 asm("$16") = 0x11223344;
    register long s1 asm("$17") = 0x33;
    uint32_t hi, lo, fcsr;
    asm volatile(".set push\n\t.set noreorder\n\t"
                 "ldc1 $f20, 0(%[in])\n\tldc1 $f22, 8(%[in])\n\tldc1 $f24, 16(%[in])\n\t"
                 "ldc1 $f26, 24(%[in])\n\tldc1 $f28, 32(%[in])\n\tldc1 $f30, 40(%[in])\n\t"
                 "ctc1 %[fcsr_in], $31\n\tmthi %[hi_in]\n\tmtlo %[lo_in]\n\t"
                 "syscall\n"
                 ".globl kill_sys_ret\nkill_sys_ret:\n\t"
                 "mfhi %[hi]\n\tmflo %[lo]\n\tcfc1 %[fcsr], $31\n\tctc1 $zero, $31\n\t"
                 "sdc1 $f20, 0(%[out])\n\tsdc1 $f22, 8(%[out])\n\tsdc1 $f24, 16(%[out])\n\t"
                 "sdc1 $f26, 24(%[out])\n\tsdc1 $f28, 32(%[out])\n\tsdc1 $f30, 40(%[out])\n\t"
                 ".set pop"
                 : "+r"(v0), "+r"(s1), "=&r"(a3), [hi] "=&r"(hi), [lo] "=&r"(lo),
                   [fcsr] "=&r"(fcsr)
                 : "r"(a0), "r"(a1), "r"(s0), [in] "r"(V_IN), [out] "r"(v_out),
                   [hi_in] "r"(HI_IN), [lo_in] "r"(LO_IN), [fcsr_in] "r"(FCSR_IN)
                 : "memory", "hi", "lo", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14",
                   "$15", "$24", "$25", "$f20", "$f22", "$f24", "$f26", "$f28", "$f30");
    *s1_out = s1;
    *hi_out = hi;
    *lo_out = lo;
    *fcsr_out = fcsr;
    return a3 ? -v0 : v0;
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
    struct sigaction sa = {0};
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    if (mask)
        sa.sa_mask = *mask;
    sigaction(sig, &sa, NULL);
}

static void install_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa = {0};
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
    struct sigaction sa = {0};

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
    long s1;
    uint32_t hi, lo, fcsr;
    long r = kill_with_regs(&s1, &hi, &lo, &fcsr);
    show("sigcontext holds pc, s0, v0, a3, sp, hi/lo", ctx_ok);
    show("sigcontext: fcsr", fp_ok);
    show("sigcontext: $f20-$f30, all 64 bits", vregs_ok);
    show("sigreturn restores the frame's s1/lo", r == 0 && s1 == 0x777 && lo == LO_OUT);
    int changed_ok = 1, kept_ok = 1;
    for (int k = 0; k < NV; k++) {
        if (k == 1)                                 /* $f22: changed in the frame */
            changed_ok &= v_out[k] == V_NEW;
        else
            kept_ok &= v_out[k] == V_IN[k];
    }
    show("sigreturn restores the frame's $f22", changed_ok);
    show("clobbered $f20, $f24-$f30 come back whole", kept_ok);
    printf("hi after the handler: %x (want %x)\n", hi, HI_IN);
    printf("fcsr after the handler: %x (want %x)\n", fcsr, FCSR_IN);

    /* blocking, pending, unblocking: lowest first when handlers block everything */
    sigfillset(&set);
    for (int s = 1; s <= SIGRTMIN + 1; s++)   /* MIPS: SIGALRM 14 < SIGUSR1 16 */
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
    for (int s = 1; s <= SIGRTMIN + 1; s++)   /* MIPS: SIGALRM 14 < SIGUSR1 16 */
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
