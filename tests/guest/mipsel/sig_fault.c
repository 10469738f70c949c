/* sig_fault (mipsel): faults as signals. SIGSEGV handlers recover with siglongjmp (si_addr,
   si_code SEGV_MAPERR/SEGV_ACCERR; also a fetch from PROT_NONE and from a non-executable page)
   or fix the mapping and return (the store is retried); a misaligned ll is an address error:
   SIGBUS/BUS_ADRALN; SIGILL (a reserved opcode, mfc0 in user mode), SIGTRAP (break, teq with
   code 0) and SIGFPE (break 7 and 6: Linux's BRK_DIVZERO/BRK_OVERFLOW; teq ...,7, which gcc puts
   after every div; add overflowing; an FP divide by zero with FCSR's enable bit set) handlers
   step over the instruction by editing the saved pc (sc_pc of Linux's o32 sigcontext at
   ucontext + 24: glibc's and musl's mcontext_t name it differently); none of these sit in a
   delay slot, so the pc saved is the instruction's own. A stack overflow is caught on an
   alternate stack. Last, a fault with SIGSEGV blocked kills the process anyway (status 139).
   Where qemu-mipsel 7.2 is not Linux (tests/guest/README.md): a misaligned lw (Linux emulates
   it by default and the load succeeds; qemu sends SIGBUS); break 7/6 and teq ...,7 (Linux:
   SIGFPE FPE_INTDIV/FPE_INTOVF; qemu: SIGTRAP). Each line prints what happened.
   build-flags: -lm */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux's o32 struct sigcontext (arch/mips/include/uapi/asm/sigcontext.h), the part used here */
struct ksigcontext { uint32_t sc_regmask, sc_status; uint64_t sc_pc, sc_regs[32]; };
#define SC(uc) ((struct ksigcontext *)((char *)(uc) + 24))

static sigjmp_buf env;
static volatile int sig_seen, code_seen, fixups;
static void *volatile addr_seen;
static void *volatile fix_page;
static volatile unsigned long pc_seen;
static long page;
extern char ill_insn[], cp0_insn[], brk_insn[], brk7_insn[], brk6_insn[], teq0_insn[],
            teq7_insn[], addov_insn[], fdiv_insn[];

static void on_fault_jump(int sig, siginfo_t *si, void *ucv)
{
    sig_seen = sig;
    code_seen = si->si_code;
    addr_seen = si->si_addr;
    pc_seen = SC(ucv)->sc_pc;
    siglongjmp(env, 1);
}

static void on_fault_fix(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    addr_seen = si->si_addr;
    fixups++;
    mprotect(fix_page, page, PROT_READ | PROT_WRITE);    /* returning retries the store */
}

static void on_step(int sig, siginfo_t *si, void *ucv)
{
    sig_seen = sig;
    code_seen = si->si_code;
    addr_seen = si->si_addr;
    pc_seen = SC(ucv)->sc_pc;
    SC(ucv)->sc_pc += 4;                                 /* step over the 4-byte instruction */
}

static void handle(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static const char *segv_code(int c)
{
    return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
}

static const char *sig_code(int sig, int c)
{
    if (c == SI_KERNEL)
        return "SI_KERNEL";
    if (sig == SIGILL)
        return c == ILL_ILLOPC ? "ILL_ILLOPC" : c == ILL_PRVOPC ? "ILL_PRVOPC" :
               c == ILL_COPROC ? "ILL_COPROC" : c == ILL_ILLOPN ? "ILL_ILLOPN" : "?";
    if (sig == SIGTRAP)
        return c == TRAP_BRKPT ? "TRAP_BRKPT" : c == 0 ? "0" : "?";
    if (sig == SIGBUS)
        return c == BUS_ADRALN ? "BUS_ADRALN" : c == BUS_ADRERR ? "BUS_ADRERR" : "?";
    if (sig == SIGFPE)
        return c == FPE_INTDIV ? "FPE_INTDIV" : c == FPE_INTOVF ? "FPE_INTOVF" :
               c == FPE_FLTDIV ? "FPE_FLTDIV" : "?";
    return "?";
}

/* one line for a stepped-over instruction at insn */
static void stepped(const char *what, char *insn)
{
    printf("%s: sig=%d %s addr_ok=%d pc_ok=%d\n", what, sig_seen, sig_code(sig_seen, code_seen),
           addr_seen == (void *)insn, pc_seen == (unsigned long)insn);
    sig_seen = 0;
    code_seen = -1;
    addr_seen = (void *)1;
}

__attribute__((noinline)) static int recurse(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

int main(void)
{
    page = sysconf(_SC_PAGESIZE);
    handle(SIGSEGV, on_fault_jump, 0);

    /* store to an unmapped address */
    if (sigsetjmp(env, 1) == 0) {
        *(volatile int *)0x10 = 1;
        printf("no fault?!\n");
    }
    printf("null store: sig=%d %s addr=%p\n", sig_seen, segv_code(code_seen), addr_seen);

    /* store to a read-only page, read from a PROT_NONE page */
    char *ro = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(env, 1) == 0)
        ro[100] = 1;
    printf("read-only store: sig=%d %s addr_ok=%d\n", sig_seen, segv_code(code_seen),
           addr_seen == ro + 100);
    mprotect(ro + page, page, PROT_NONE);
    if (sigsetjmp(env, 1) == 0)
        (void)*(volatile char *)(ro + page + 8);
    printf("PROT_NONE load: sig=%d %s addr_ok=%d\n", sig_seen, segv_code(code_seen),
           addr_seen == ro + page + 8);
    /* a jump into a PROT_NONE page: the fault address is the pc */
    if (sigsetjmp(env, 1) == 0)
        ((void (*)(void))(ro + page + 16))();
    printf("PROT_NONE fetch: sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen, segv_code(code_seen),
           addr_seen == ro + page + 16, pc_seen == (unsigned long)(ro + page + 16));

    /* a jump into a readable, not executable page: all zeros, so nops up to the PROT_NONE page
       where a CPU without execute-inhibit (Linux on a 24Kf) faults; SEGV_ACCERR either way */
    sig_seen = 0;
    if (sigsetjmp(env, 1) == 0)
        ((void (*)(void))(ro + page - 16))();
    printf("non-executable fetch: sig=%d %s\n", sig_seen, segv_code(code_seen));

    /* misaligned: ll is an address error (SIGBUS) everywhere; lw is one the kernel emulates */
    static uint32_t words[4] __attribute__((aligned(16))) = {0x11223344, 0x55667788};
    char *mis = (char *)words + 1;
    uint32_t v = 0;
    handle(SIGBUS, on_fault_jump, 0);
    sig_seen = 0;
    if (sigsetjmp(env, 1) == 0)
        __asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(mis) : "memory");
    printf("misaligned lw: sig=%d value=%08x\n", sig_seen, sig_seen ? 0 : v);
    sig_seen = 0;
    if (sigsetjmp(env, 1) == 0)
        __asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(mis) : "memory");
    printf("misaligned ll: sig=%d %s addr_ok=%d\n", sig_seen, sig_code(sig_seen, code_seen),
           addr_seen == mis);

    /* the mask is restored by siglongjmp(env, savemask=1): SIGSEGV is not left blocked */
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));

    /* a handler that fixes the mapping; the faulting store runs again */
    fix_page = ro;
    handle(SIGSEGV, on_fault_fix, 0);
    *(volatile char *)(ro + 200) = 7;
    printf("fixed up: fixups=%d value=%d addr_ok=%d\n", fixups, ro[200], addr_seen == ro + 200);

    /* reserved and privileged instructions, breakpoints and traps: the handler steps over */
    handle(SIGILL, on_step, 0);
    handle(SIGTRAP, on_step, 0);
    handle(SIGFPE, on_step, 0);
    asm volatile(".globl ill_insn\nill_insn:\n\t.word 0xec000000" ::: "memory");
    stepped("reserved opcode 59", ill_insn);
    asm volatile(".globl cp0_insn\ncp0_insn:\n\tmfc0 $8, $12" ::: "$8", "memory");
    stepped("mfc0 in user mode", cp0_insn);
    asm volatile(".globl brk_insn\nbrk_insn:\n\tbreak 0" ::: "memory");
    stepped("break 0", brk_insn);
    asm volatile(".globl brk7_insn\nbrk7_insn:\n\tbreak 7" ::: "memory");
    stepped("break 7 (BRK_DIVZERO)", brk7_insn);
    asm volatile(".globl brk6_insn\nbrk6_insn:\n\tbreak 6" ::: "memory");
    stepped("break 6 (BRK_OVERFLOW)", brk6_insn);
    asm volatile(".globl teq0_insn\nteq0_insn:\n\tteq $0, $0, 0" ::: "memory");
    stepped("teq $0,$0,0", teq0_insn);
    asm volatile(".globl teq7_insn\nteq7_insn:\n\tteq $0, $0, 7" ::: "memory");
    stepped("teq $0,$0,7 (gcc's divide-by-zero check)", teq7_insn);
    int big = 0x7fffffff, one = 1, sum;
    asm volatile(".globl addov_insn\naddov_insn:\n\tadd %0, %1, %2"
                 : "=r"(sum) : "r"(big), "r"(one) : "memory");
    stepped("add overflowing", addov_insn);

    /* the C compiler's own check: 42 / 0 runs teq after div */
    volatile int zero = 0, x = 42, q;
    q = x / zero;                     /* the quotient of a division by zero is unpredictable */
    (void)q;
    printf("42/0: sig=%d %s\n", sig_seen, sig_code(sig_seen, code_seen));
    sig_seen = 0;

    /* FP divide by zero: quiet (inf, the flag set) until FCSR's enable bit is set, then SIGFPE */
    double one_d = 1.0, zero_d = 0.0, r;
    uint32_t fcsr;
    asm volatile("div.d %0, %1, %2" : "=f"(r) : "f"(one_d), "f"(zero_d));
    asm volatile("cfc1 %0, $31" : "=r"(fcsr));
    printf("1.0/0.0 = %g, FCSR cause/flags = %x, signals=%d\n", r, fcsr & 0x3ffff, sig_seen);
    asm volatile("ctc1 %0, $31" :: "r"(1u << 10));       /* Enable.Z, flags cleared */
    asm volatile(".globl fdiv_insn\nfdiv_insn:\n\tdiv.d %0, %1, %2"
                 : "=f"(r) : "f"(one_d), "f"(zero_d));
    asm volatile("cfc1 %0, $31\n\tctc1 $0, $31" : "=r"(fcsr));
    stepped("div.d by zero, Enable.Z set", fdiv_insn);
    printf("FCSR after the trap: %x\n", fcsr);

    /* stack overflow, caught on an alternate stack */
    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    handle(SIGSEGV, on_fault_jump, SA_ONSTACK);
    sig_seen = 0;
    if (sigsetjmp(env, 1) == 0)
        recurse(0);
    printf("stack overflow caught on the alternate stack: sig=%d\n", sig_seen);

    /* a fault while SIGSEGV is blocked cannot be held back: default action, status 139 */
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    sigprocmask(SIG_BLOCK, &segv, NULL);
    printf("faulting with SIGSEGV blocked\n");
    fflush(stdout);
    *(volatile int *)0x10 = 1;
    printf("still alive?!\n");
    return 1;
}
