/* fuzz: the guest harness of the instruction-fuzzing campaign (tests/campaign/fuzz.py writes its
   input and compares its output under jitvm and qemu). One run executes many short random
   instruction streams:

     fuzz [FIRST] < records      FIRST: the index of the first record (default 0)

   A record (struct record) holds a stream's code, its initial integer and FP registers, fcsr
   (loongarch64: fcsr0 and the eight condition flags) and how many times to run it (so that a
   translating VM compiles it). Stream i goes into 64-byte slot i % SLOTS of a fixed code area,
   so its address depends on i alone, followed by the all-zero word (illegal on both ISAs); a
   batch of slots is written, made read-execute (a store by a stream cannot change code) and the
   instruction cache flushed. Each run starts from a fresh scratch area with every register
   loaded from the record; one of them (riscv64 t6, loongarch64 $t8) holds the stream's address,
   for the jump into it. Every run ends in a signal, the end word's SIGILL or a fault of the
   stream's own: the handler (on an alternate stack: sp is random) restores the harness's tp and
   riscv64's gp before any C code, takes the integer registers from the ucontext and points the
   saved pc at fuzz_resume, where sigreturn lands with the stream's FP state; fuzz_resume stores
   that and returns to C. One line per stream:
     <i> end mem=<hash> <changed registers>
     <i> sig=<n> code=<si_code> addr=<si_addr> pc=<offset in the stream> mem=<hash> <changed>
   changed registers: xN=, fN= (hex), fcsr=, fcc= (loongarch64), those that differ from the
   record; mem: a hash of what changed in the scratch area. A later run that prints another line prints it as
   <i>@<run> <line>. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* Fixed addresses, so pc-relative results, si_addr and pointers agree between VMs. Sizes are
   multiples of 16 KiB, QEMU 7.2's loongarch64 page. */
#define SCRATCH 0x50000000UL          /* 16 KiB read-write, reset before every run */
#define SCRATCH_SIZE 0x4000UL
#define RDONLY (SCRATCH + SCRATCH_SIZE)   /* 16 KiB read-only, after it nothing is mapped */
#define CODE 0x51000000UL
#define CODE_SIZE 0x10000UL
#define SLOT 64
#define SLOTS (CODE_SIZE / SLOT)
#define MAXCODE 48                    /* stream bytes in a record; the end word follows */

struct record {                       /* tests/campaign/fuzz.py RECORD, 584 bytes */
    uint64_t x[32], f[32];            /* x[0] unused */
    uint64_t fcsr;
    uint8_t fcc[8];                   /* loongarch64 fcc0..fcc7 (0 or 1); riscv64: zero */
    uint32_t len;                     /* code bytes */
    uint32_t runs;                    /* times to run it (a translating VM compiles it) */
    uint8_t code[MAXCODE];
};

struct result { uint64_t x[32], f[32], fcsr; uint8_t fcc[8]; };

/* Used by the assembly below (offsets hard-coded there: x at 0, f at 256, fcsr at 512, fcc at
   520, in both structures). */
struct result fuzz_out;               /* x from the handler, the rest from fuzz_resume */
uint64_t fuzz_saved[32];              /* the harness's registers while a stream runs */
uint64_t fuzz_dummy;                  /* an lr/sc (ll/sc) here drops any earlier reservation */
void fuzz_run(const struct record *r, uint64_t entry);
void fuzz_handler(int, siginfo_t *, void *);
extern char fuzz_resume[];
static volatile int sig_no, sig_code;
static volatile uint64_t sig_addr, sig_pc;

/* Per ISA: fuzz_run(r, entry) saves the harness's sp, ra, gp/tp and callee-saved registers in
   fuzz_saved, drops any reservation, loads fcsr (and fcc), the FP and then the integer
   registers from r (the pointer to r last; ENTRY_REG = entry) and jumps to entry.
   fuzz_resume stores the FP registers and fcsr (and fcc) in fuzz_out, clears fcsr, restores
   the harness and returns from fuzz_run. fuzz_handler restores tp (and gp) for the C handler. */
#if defined(__riscv)
#define ENTRY_REG 31                  /* t6 */
#define HAS_FCC 0
/* No linker relaxation here: it would turn the la of fuzz_saved into an access through gp,
   which is the stream's when the handler starts. */
__asm__(
    ".option push\n .option norelax\n .text\n"
    ".globl fuzz_handler\nfuzz_handler:\n"
    "   lla t0, fuzz_saved\n   ld gp, 16(t0)\n   ld tp, 24(t0)\n   tail fuzz_on_signal\n"
    ".globl fuzz_run\nfuzz_run:\n"
    "   lla t0, fuzz_saved\n"
    "   sd ra, 0(t0)\n   sd sp, 8(t0)\n   sd gp, 16(t0)\n   sd tp, 24(t0)\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n   sd s\\n, 32+8*\\n(t0)\n   fsd fs\\n, 128+8*\\n(t0)\n"
    "   .endr\n"
    "   lla t0, fuzz_dummy\n   lr.d t1, (t0)\n   sc.d t1, t1, (t0)\n"
    "   ld t0, 512(a0)\n   fscsr t0\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n   fld f\\n, 256+8*\\n(a0)\n   .endr\n"
    "   mv t6, a1\n"
    "   .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
    "   ld x\\n, 8*\\n(a0)\n   .endr\n"
    "   ld a0, 80(a0)\n   jr t6\n"
    ".globl fuzz_resume\nfuzz_resume:\n"
    "   lla t0, fuzz_out\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n   fsd f\\n, 256+8*\\n(t0)\n   .endr\n"
    "   frcsr t1\n   sd t1, 512(t0)\n   fscsr zero\n"
    "   lla t0, fuzz_saved\n"
    "   ld ra, 0(t0)\n   ld sp, 8(t0)\n   ld gp, 16(t0)\n   ld tp, 24(t0)\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11\n   ld s\\n, 32+8*\\n(t0)\n   fld fs\\n, 128+8*\\n(t0)\n"
    "   .endr\n"
    "   ret\n"
    ".option pop\n");
#define UC_PC(uc) ((uc)->uc_mcontext.__gregs[0])
#define UC_X(uc, i) ((uc)->uc_mcontext.__gregs[i])

#elif defined(__loongarch__)
#define ENTRY_REG 20                  /* $t8 */
#define HAS_FCC 1
__asm__(
    ".text\n"
    ".globl fuzz_handler\nfuzz_handler:\n"
    "   la.pcrel $t0, fuzz_saved\n   ld.d $tp, $t0, 16\n   b fuzz_on_signal\n"
    ".globl fuzz_run\nfuzz_run:\n"
    "   la.pcrel $t0, fuzz_saved\n"
    "   st.d $ra, $t0, 0\n   st.d $sp, $t0, 8\n   st.d $tp, $t0, 16\n   st.d $r21, $t0, 24\n"
    "   st.d $fp, $t0, 32\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8\n   st.d $s\\n, $t0, 40+8*\\n\n   .endr\n"
    "   .irp n, 0,1,2,3,4,5,6,7\n   fst.d $fs\\n, $t0, 112+8*\\n\n   .endr\n"
    "   la.pcrel $t0, fuzz_dummy\n   ll.d $t1, $t0, 0\n   sc.d $t1, $t0, 0\n"
    "   ld.d $t0, $a0, 512\n   movgr2fcsr $fcsr0, $t0\n"
    "   .irp n, 0,1,2,3,4,5,6,7\n   ld.b $t0, $a0, 520+\\n\n   movgr2cf $fcc\\n, $t0\n   .endr\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n   fld.d $f\\n, $a0, 256+8*\\n\n   .endr\n"
    "   move $t8, $a1\n"
    "   .irp n, 1,2,3,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,21,22,23,24,25,26,27,28,29,30,31\n"
    "   ld.d $r\\n, $a0, 8*\\n\n   .endr\n"
    "   ld.d $a0, $a0, 32\n   jirl $zero, $t8, 0\n"
    ".globl fuzz_resume\nfuzz_resume:\n"
    "   la.pcrel $t0, fuzz_out\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n   fst.d $f\\n, $t0, 256+8*\\n\n   .endr\n"
    "   movfcsr2gr $t1, $fcsr0\n   st.d $t1, $t0, 512\n   movgr2fcsr $fcsr0, $zero\n"
    "   .irp n, 0,1,2,3,4,5,6,7\n   movcf2gr $t1, $fcc\\n\n   st.b $t1, $t0, 520+\\n\n   .endr\n"
    "   la.pcrel $t0, fuzz_saved\n"
    "   ld.d $ra, $t0, 0\n   ld.d $sp, $t0, 8\n   ld.d $tp, $t0, 16\n   ld.d $r21, $t0, 24\n"
    "   ld.d $fp, $t0, 32\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8\n   ld.d $s\\n, $t0, 40+8*\\n\n   .endr\n"
    "   .irp n, 0,1,2,3,4,5,6,7\n   fld.d $fs\\n, $t0, 112+8*\\n\n   .endr\n"
    "   jirl $zero, $ra, 0\n");
#define UC_PC(uc) ((uc)->uc_mcontext.__pc)
#define UC_X(uc, i) ((uc)->uc_mcontext.__gregs[i])

#elif defined(__aarch64__)
/* x[0..30] are X0..X30 and x[31] is SP (the harness compares all 32: X_FIRST 0); ENTRY_REG is
   x17 (IP1, the register the ABI leaves to branch veneers). The record's fcsr is
   (NZCV | FPCR) << 32 | FPSR: NZCV in bits 63:60, FPCR's bits 31:28, which are RES0 (FPSR's
   31:28 are not: cortex-a53 keeps AArch32's comparison flags there, and qemu lets EL0 write
   them). tpidr_el0 (the TLS pointer, which EL0 may write) is the harness's "tp". */
#define ENTRY_REG 17
#define X_FIRST 0
#define HAS_FCC 0
__asm__(
    ".text\n"
    ".globl fuzz_handler\nfuzz_handler:\n"          /* x0-x2 are the handler's arguments */
    "   adrp x9, fuzz_saved\n   add x9, x9, :lo12:fuzz_saved\n"
    "   ldr x10, [x9, #16]\n   msr tpidr_el0, x10\n   b fuzz_on_signal\n"
    ".globl fuzz_run\nfuzz_run:\n"
    "   adrp x9, fuzz_saved\n   add x9, x9, :lo12:fuzz_saved\n"
    "   mov x10, sp\n   stp x30, x10, [x9]\n   mrs x10, tpidr_el0\n   str x10, [x9, #16]\n"
    "   stp x19, x20, [x9, #24]\n   stp x21, x22, [x9, #40]\n   stp x23, x24, [x9, #56]\n"
    "   stp x25, x26, [x9, #72]\n   stp x27, x28, [x9, #88]\n   str x29, [x9, #104]\n"
    "   stp d8, d9, [x9, #112]\n   stp d10, d11, [x9, #128]\n   stp d12, d13, [x9, #144]\n"
    "   stp d14, d15, [x9, #160]\n"
    "   clrex\n"
    "   ldr x10, [x0, #512]\n   msr fpsr, x10\n   lsr x10, x10, #32\n"
    "   and x11, x10, #0x0fffffff\n   msr fpcr, x11\n"
    "   and x11, x10, #0xf0000000\n   msr nzcv, x11\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n   ldr d\\n, [x0, #256+8*\\n]\n   .endr\n"
    "   ldr x10, [x0, #248]\n   mov sp, x10\n"
    "   mov x17, x1\n"
    "   .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
    "   ldr x\\n, [x0, #8*\\n]\n   .endr\n"
    "   ldr x0, [x0]\n   br x17\n"
    ".globl fuzz_resume\nfuzz_resume:\n"            /* sp is still the stream's here */
    "   adrp x9, fuzz_out\n   add x9, x9, :lo12:fuzz_out\n"
    "   .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
    "30,31\n   str d\\n, [x9, #256+8*\\n]\n   .endr\n"
    "   mrs x10, fpcr\n   mrs x11, nzcv\n   orr x10, x10, x11\n   mrs x11, fpsr\n"
    "   orr x10, x11, x10, lsl #32\n   str x10, [x9, #512]\n"
    "   msr fpcr, xzr\n   msr fpsr, xzr\n"
    "   adrp x9, fuzz_saved\n   add x9, x9, :lo12:fuzz_saved\n"
    "   ldp x30, x10, [x9]\n   mov sp, x10\n   ldr x10, [x9, #16]\n   msr tpidr_el0, x10\n"
    "   ldp x19, x20, [x9, #24]\n   ldp x21, x22, [x9, #40]\n   ldp x23, x24, [x9, #56]\n"
    "   ldp x25, x26, [x9, #72]\n   ldp x27, x28, [x9, #88]\n   ldr x29, [x9, #104]\n"
    "   ldp d8, d9, [x9, #112]\n   ldp d10, d11, [x9, #128]\n   ldp d12, d13, [x9, #144]\n"
    "   ldp d14, d15, [x9, #160]\n"
    "   ret\n");
#define UC_PC(uc) ((uc)->uc_mcontext.pc)
#define UC_X(uc, i) ((i) < 31 ? (uc)->uc_mcontext.regs[i] : (uc)->uc_mcontext.sp)

#else
#error "fuzz: no register stub for this ISA"
#endif
#ifndef X_FIRST
#define X_FIRST 1                     /* riscv64 x0, loongarch64 $r0: the zero register */
#endif

void fuzz_on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sig_no = sig;
    sig_code = si->si_code;
    sig_addr = (uint64_t)si->si_addr;
    sig_pc = UC_PC(uc);
    for (int i = X_FIRST; i < 32; i++)
        fuzz_out.x[i] = UC_X(uc, i);
    UC_PC(uc) = (uint64_t)fuzz_resume;    /* sigreturn restores the FP state and goes there */
}

/* A hash of the scratch area's changes, which it undoes: 0 if the stream stored nothing (one
   pass over it, rather than a copy and a hash: this loop is most of what the harness runs). */
static uint64_t restore(uint64_t *p, const uint64_t *pristine, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] != pristine[i]) {
            h = (h ^ i ^ p[i]) * 0x100000001b3ULL;
            p[i] = pristine[i];
        }
    return h;
}

/* Run stream i once from record r at `entry`; its line into buf. */
static void run_one(long i, struct record *r, uint64_t entry, const uint64_t *pristine,
                    char *buf, size_t size)
{
    r->x[ENTRY_REG] = entry;
    fuzz_run(r, entry);
    uint64_t mem = restore((uint64_t *)SCRATCH, pristine, SCRATCH_SIZE / 8);
    uint64_t off = sig_pc - entry;
    int n;
    if (sig_no == SIGILL && off == r->len)
        n = snprintf(buf, size, "%ld end mem=%016lx", i, (unsigned long)mem);
    else
        n = snprintf(buf, size, "%ld sig=%d code=%d addr=%lx pc=%ld mem=%016lx", i, sig_no,
                     sig_code, (unsigned long)sig_addr, (long)off, (unsigned long)mem);
    for (int k = X_FIRST; k < 32; k++)
        if (fuzz_out.x[k] != r->x[k])
            n += snprintf(buf + n, size - n, " x%d=%lx", k, (unsigned long)fuzz_out.x[k]);
    for (int k = 0; k < 32; k++)
        if (fuzz_out.f[k] != r->f[k])
            n += snprintf(buf + n, size - n, " f%d=%lx", k, (unsigned long)fuzz_out.f[k]);
    if (fuzz_out.fcsr != r->fcsr)
        n += snprintf(buf + n, size - n, " fcsr=%lx", (unsigned long)fuzz_out.fcsr);
    if (HAS_FCC && memcmp(fuzz_out.fcc, r->fcc, 8) != 0) {
        n += snprintf(buf + n, size - n, " fcc=");
        for (int k = 0; k < 8; k++)
            n += snprintf(buf + n, size - n, "%d", fuzz_out.fcc[k]);
    }
}

static void *read_all(size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *p = malloc(cap);
    ssize_t got;
    while (p && (got = read(0, p + n, cap - n)) > 0)
        if ((n += got) == cap)
            p = realloc(p, cap *= 2);
    *len = n;
    return p;
}

int main(int argc, char **argv)
{
    long base = argc > 1 ? atol(argv[1]) : 0;
    size_t len;
    struct record *recs = read_all(&len);
    long n = len / sizeof *recs;
    if (!recs || len % sizeof *recs) {
        fprintf(stderr, "fuzz: stdin is not whole %zu-byte records\n", sizeof *recs);
        return 2;
    }
    if (mmap((void *)SCRATCH, 2 * SCRATCH_SIZE, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED
        || mmap((void *)CODE, CODE_SIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
        perror("fuzz: mmap");
        return 2;
    }
    static uint64_t pristine[SCRATCH_SIZE / 8];
    uint64_t s = 0x9e3779b97f4a7c15ULL;                /* splitmix64: scratch and read-only data */
    for (size_t i = 0; i < 2 * SCRATCH_SIZE / 8; i++) {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        ((uint64_t *)SCRATCH)[i] = z ^ (z >> 31);
    }
    memcpy(pristine, (void *)SCRATCH, SCRATCH_SIZE);
    mprotect((void *)RDONLY, SCRATCH_SIZE, PROT_READ);

    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fuzz_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    int sigs[] = {SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP, SIGSYS};   /* SIGSYS: QEMU_DIFFERS */
    for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++)
        sigaction(sigs[k], &sa, NULL);

    static char first[4096], line[4096];
    for (long b = 0; b < n;) {                  /* a batch: slots `slot` .. `slot + m - 1` */
        long slot = (base + b) % SLOTS, m = n - b < SLOTS - slot ? n - b : SLOTS - slot;
        mprotect((void *)CODE, CODE_SIZE, PROT_READ | PROT_WRITE);
        memset((void *)CODE, 0, CODE_SIZE);
        for (long k = 0; k < m; k++)
            memcpy((char *)CODE + (slot + k) * SLOT, recs[b + k].code, recs[b + k].len);
        mprotect((void *)CODE, CODE_SIZE, PROT_READ | PROT_EXEC);
        __builtin___clear_cache((char *)CODE, (char *)CODE + CODE_SIZE);
        for (long k = 0; k < m; k++) {
            uint64_t entry = CODE + (slot + k) * SLOT;
            long i = base + b + k;
            run_one(i, &recs[b + k], entry, pristine, first, sizeof first);
            puts(first);
            for (int r = 1; r < (int)recs[b + k].runs; r++) {
                run_one(i, &recs[b + k], entry, pristine, line, sizeof line);
                if (strcmp(line, first) != 0)
                    printf("%ld@%d %s\n", i, r, line);
            }
        }
        b += m;
    }
    return 0;
}
