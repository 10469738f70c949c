/* sig_fault (aarch64): faults as signals. SIGSEGV handlers recover with siglongjmp (si_addr,
   si_code SEGV_MAPERR/SEGV_ACCERR; also a fetch from PROT_NONE and from a non-executable page)
   or fix the mapping and return (the store is retried); an exclusive load from a misaligned
   address is an alignment fault: SIGBUS/BUS_ADRALN (plain loads may be misaligned); SIGILL
   (udf #0, an unallocated encoding, an EL1 system register read) and SIGTRAP (brk #0 and gcc's
   __builtin_trap, brk #0x3e8) handlers step over the instruction by editing the saved pc (every
   A64 instruction is 4 bytes; the pc saved is the instruction's own, as si_addr); integer
   division never traps and FP exceptions cannot be enabled on a core without trap support
   (cortex-a53); a stack overflow is caught on an alternate stack. Last, a fault with SIGSEGV
   blocked kills the process anyway (status 139).
   build-flags: -lm */
#define _GNU_SOURCE
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int sig_seen, code_seen, fixups;
static void *volatile addr_seen;
static void *volatile fix_page;
static volatile unsigned long pc_seen, fault_seen;
static long page;
extern char ill_insn[], unalloc_insn[], sysreg_insn[], brk_insn[], trap_insn[];

static void on_fault_jump(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sig_seen = sig;
    code_seen = si->si_code;
    addr_seen = si->si_addr;
    pc_seen = uc->uc_mcontext.pc;
    fault_seen = uc->uc_mcontext.fault_address;
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
    ucontext_t *uc = ucv;
    sig_seen = sig;
    code_seen = si->si_code;
    addr_seen = si->si_addr;
    pc_seen = uc->uc_mcontext.pc;
    uc->uc_mcontext.pc += 4;                             /* step over the 4-byte instruction */
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
    if (sig == SIGILL)
        return c == ILL_ILLOPC ? "ILL_ILLOPC" : c == ILL_ILLOPN ? "ILL_ILLOPN" : "?";
    if (sig == SIGTRAP)
        return c == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
    if (sig == SIGBUS)
        return c == BUS_ADRALN ? "BUS_ADRALN" : c == BUS_ADRERR ? "BUS_ADRERR" : "?";
    return "?";
}

__attribute__((noinline)) static int recurse(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

/* feenableexcept(FE_DIVBYZERO) as glibc does it, for any C library (musl has none): set FPCR.DZE
   and read it back; -1 when the bit does not stick (a core without FP trapping, as Cortex-A53) */
static int enable_dze(void)
{
    unsigned long fpcr, back;
    asm volatile("mrs %0, fpcr" : "=r"(fpcr));
    asm volatile("msr fpcr, %0" :: "r"(fpcr | 1ul << 9));
    asm volatile("mrs %0, fpcr" : "=r"(back));
    return back >> 9 & 1 ? 0 : -1;
}

int main(void)
{
    page = sysconf(_SC_PAGESIZE);
    handle(SIGSEGV, on_fault_jump, 0);

    /* store to an unmapped address; the frame's fault_address says it too */
    if (sigsetjmp(env, 1) == 0) {
        *(volatile int *)0x10 = 1;
        printf("no fault?!\n");
    }
    printf("null store: sig=%d %s addr=%p fault_address=%lx\n", sig_seen, segv_code(code_seen),
           addr_seen, fault_seen);

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

    /* a jump into a readable, not executable page */
    if (sigsetjmp(env, 1) == 0)
        ((void (*)(void))(ro + 32))();
    printf("non-executable fetch: sig=%d %s addr_ok=%d\n", sig_seen, segv_code(code_seen),
           addr_seen == ro + 32);

    /* misaligned: a plain load is fine, an exclusive load is an alignment fault (SIGBUS) */
    static uint64_t words[4] __attribute__((aligned(16))) = {0x1122334455667788ULL,
                                                           0x99aabbccddeeff00ULL};
    char *mis = (char *)words + 3;
    uint64_t v;
    memcpy(&v, mis, 8);
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(mis) : "memory");
    printf("misaligned ldr: %016llx\n", (unsigned long long)v);
    handle(SIGBUS, on_fault_jump, 0);
    sig_seen = 0;
    if (sigsetjmp(env, 1) == 0)
        __asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"(mis) : "memory");
    printf("misaligned ldxr: sig=%d %s addr_ok=%d\n", sig_seen, sig_code(sig_seen, code_seen),
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

    /* undefined instructions and breakpoints: the handler steps over them */
    handle(SIGILL, on_step, 0);
    asm volatile(".globl ill_insn\nill_insn:\n\tudf #0" ::: "memory");
    printf("udf #0: sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen, sig_code(sig_seen, code_seen),
           addr_seen == (void *)ill_insn, pc_seen == (unsigned long)ill_insn);
    sig_seen = 0;
    /* op0 = 0b0011 (bits 28:25): unallocated in the top-level A64 encoding table */
    asm volatile(".globl unalloc_insn\nunalloc_insn:\n\t.inst 0x06000000" ::: "memory");
    printf("unallocated 0x06000000: sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen,
           sig_code(sig_seen, code_seen), addr_seen == (void *)unalloc_insn,
           pc_seen == (unsigned long)unalloc_insn);
    sig_seen = 0;
    asm volatile(".globl sysreg_insn\nsysreg_insn:\n\tmrs x0, sctlr_el1" ::: "x0", "memory");
    printf("mrs sctlr_el1 at EL0: sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen,
           sig_code(sig_seen, code_seen), addr_seen == (void *)sysreg_insn,
           pc_seen == (unsigned long)sysreg_insn);
    handle(SIGTRAP, on_step, 0);
    sig_seen = 0;
    asm volatile(".globl brk_insn\nbrk_insn:\n\tbrk #0" ::: "memory");
    printf("brk #0: sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen, sig_code(sig_seen, code_seen),
           addr_seen == (void *)brk_insn, pc_seen == (unsigned long)brk_insn);
    sig_seen = 0;
    asm volatile(".globl trap_insn\ntrap_insn:\n\tbrk #0x3e8" ::: "memory");   /* __builtin_trap */
    printf("brk #0x3e8: sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen,
           sig_code(sig_seen, code_seen), addr_seen == (void *)trap_insn,
           pc_seen == (unsigned long)trap_insn);

    /* division by zero gives 0, no SIGFPE; no FP trap can be enabled, so 1/0 is inf quietly */
    handle(SIGFPE, on_step, 0);
    sig_seen = 0;
    volatile long zero = 0, x = 42;
    printf("42/0 = %ld, 42%%0 = %ld\n", x / zero, x % zero);
    volatile double dz = 0.0;
    int en = enable_dze();
    volatile double inf = 1.0 / dz;               /* volatile: divided before fetestexcept */
    printf("feenableexcept: %d, 1.0/0.0 = %g, FE_DIVBYZERO raised=%d, signals=%d\n", en, inf,
           fetestexcept(FE_DIVBYZERO) != 0, sig_seen);

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
