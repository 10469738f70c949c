/* sig_fault (loongarch64): faults as signals. SIGSEGV handlers recover with siglongjmp (si_addr,
   si_code SEGV_MAPERR/SEGV_ACCERR) or fix the mapping and return (the store is retried); SIGILL
   and SIGTRAP handlers step over the instruction by editing the saved pc (sc_pc: every LoongArch
   instruction is 4 bytes); `break 7` and `break 6`, the division-by-zero and overflow checks
   compilers emit, raise SIGFPE (FPE_INTDIV, FPE_INTOVF) on Linux, while the division itself
   never traps; a stack overflow is caught on an alternate stack. Last, a fault with SIGSEGV
   blocked kills the process anyway (status 139).
   Not printed, because QEMU 7.2 is no Linux oracle for them: the si_code and si_addr of SIGILL
   (Linux: SI_KERNEL and 0, from force_sig in do_ri; QEMU: 0 and the pc). And QEMU 7.2 raises
   SIGTRAP/TRAP_BRKPT for every break code: its two break lines differ from Linux's. */
#define _GNU_SOURCE
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
static volatile unsigned long pc_seen;
static long page;
extern char ill_insn[], brk_insn[], brk7_insn[], brk6_insn[];

static void on_fault_jump(int sig, siginfo_t *si, void *uc)
{
    sig_seen = sig;
    code_seen = si->si_code;
    addr_seen = si->si_addr;
    (void)uc;
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
    pc_seen = uc->uc_mcontext.__pc;
    uc->uc_mcontext.__pc += 4;                           /* step over the 4-byte instruction */
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
    if (sig == SIGFPE)
        return c == FPE_INTDIV ? "FPE_INTDIV" : c == FPE_INTOVF ? "FPE_INTOVF" : "?";
    if (sig == SIGTRAP)
        return c == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
    return "?";
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

    /* store to a read-only page, read from a PROT_NONE page (one page each, of whatever size
       the system has) */
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
    printf("PROT_NONE fetch: sig=%d %s addr_ok=%d\n", sig_seen, segv_code(code_seen),
           addr_seen == ro + page + 16);

    /* a jump into a readable, not executable page */
    if (sigsetjmp(env, 1) == 0)
        ((void (*)(void))(ro + 32))();
    printf("non-executable fetch: sig=%d %s addr_ok=%d\n", sig_seen, segv_code(code_seen),
           addr_seen == ro + 32);

    /* the mask is restored by siglongjmp(env, savemask=1): SIGSEGV is not left blocked */
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));

    /* a handler that fixes the mapping; the faulting store runs again */
    fix_page = ro;
    handle(SIGSEGV, on_fault_fix, 0);
    *(volatile char *)(ro + 200) = 7;
    printf("fixed up: fixups=%d value=%d addr_ok=%d\n", fixups, ro[200], addr_seen == ro + 200);

    /* illegal instruction and breakpoint: the handler steps over them */
    handle(SIGILL, on_step, 0);
    asm volatile(".globl ill_insn\nill_insn:\n\t.4byte 0x00000000" ::: "memory");
    printf("illegal: sig=%d pc_ok=%d\n", sig_seen, pc_seen == (unsigned long)ill_insn);
    handle(SIGTRAP, on_step, 0);
    asm volatile(".globl brk_insn\nbrk_insn:\n\tbreak 0" ::: "memory");
    printf("break 0: sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen, sig_code(sig_seen, code_seen),
           addr_seen == (void *)brk_insn, pc_seen == (unsigned long)brk_insn);

    /* the division-by-zero and overflow checks (gcc's -mcheck-zero-division code): SIGFPE */
    handle(SIGFPE, on_step, 0);
    sig_seen = 0;
    asm volatile(".globl brk7_insn\nbrk7_insn:\n\tbreak 7" ::: "memory");
    printf("break 7 (BRK_DIVZERO): sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen,
           sig_code(sig_seen, code_seen), addr_seen == (void *)brk7_insn,
           pc_seen == (unsigned long)brk7_insn);
    sig_seen = 0;
    asm volatile(".globl brk6_insn\nbrk6_insn:\n\tbreak 6" ::: "memory");
    printf("break 6 (BRK_OVERFLOW): sig=%d %s addr_ok=%d pc_ok=%d\n", sig_seen,
           sig_code(sig_seen, code_seen), addr_seen == (void *)brk6_insn,
           pc_seen == (unsigned long)brk6_insn);

    /* the division instructions themselves never trap (the result is unspecified) */
    long q;
    sig_seen = 0;
    asm volatile("div.d %0, %1, %2\n\tmod.w %0, %1, %2" : "=&r"(q) : "r"(42L), "r"(0L));
    printf("div.d / mod.w by zero: signals=%d\n", sig_seen);

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
