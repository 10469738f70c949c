/* smc (mipsel): code written at run time, then changed under the translator's feet. Each phase
   calls a generated function (`b 1f; nop; ...; 1: jr $ra; addiu $v0, $a0, K` -- the add in jr's
   delay slot) often enough for a translating VM to compile it (and the loop calling it), then
   changes K by one of the ways a program may change code: rewriting it in place followed by the
   architecture's own sequence (MIPS32r2 user code may maintain the caches itself: synci over
   the lines written, SYNCI_Step from rdhwr $1, then sync and a jr.hb to clear the instruction
   hazard), by __builtin___clear_cache (gcc's: glibc's _flush_cache, the cacheflush system call;
   zig's: compiler-rt's __clear_cache, the same call), by cacheflush(2) itself (4147), by munmap
   and a new mapping at the same address, by mprotect round trips, and by execve of a program
   that maps other code at the same address. A stale translation shows as a wrong sum. Mappings
   are one page of whatever size the system reports.
     smc          every phase but the last
     smc exec     all of them (the execve needs a system that runs mipsel binaries: jitvm;
                  qemu-user only with binfmt_misc) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/cachectl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CODE ((void *)0x5a000000)
#define CALLS 6000

typedef long (*fn_t)(long);
static size_t page;

/* Two blocks: the entry branches (a b, which is beq $0, $0) to the part that changes. The
   entry's bytes never change, so a VM finds its translation again by them; it must not go on
   into an old copy of the second block. */
static void emit(uint32_t *p, int k)
{
    p[0] = 0x10000000 | 15;                                  /* b p+64 (from the slot: +60) */
    p[1] = 0;                                                /* nop: the delay slot */
    p[16] = 0x03e00008;                                      /* jr $ra */
    p[17] = 0x24820000 | (k & 0xffff);                       /* addiu $v0, $a0, k (slot) */
}

/* What MIPS32r2 gives user code after writing instructions: synci each line (the step from
   rdhwr $1, SYNCI_Step; 0 means no synci is needed), sync, then a jr.hb so this thread's
   instruction fetch sees them. */
static void sync_icache(char *lo, char *hi)
{
    uintptr_t step;
    __asm__ volatile("rdhwr %0, $1" : "=r"(step));
    for (char *a = (char *)((uintptr_t)lo & -step); step && a < hi; a += step)
        __asm__ volatile("synci 0(%0)" :: "r"(a) : "memory");
    __asm__ volatile(".set push\n\t.set noreorder\n\tsync\n\tbal 1f\n\tnop\n"
                     "1:\taddiu $ra, $ra, 12\n\tjr.hb $ra\n\tnop\n\t.set pop"
                     ::: "$31", "memory");
}

static uint32_t *map_code(void)
{
    void *p = mmap(CODE, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); exit(1); }
    return p;
}

static int phase(const char *name, int k)
{
    fn_t f = (fn_t)CODE;
    long sum = 0, want = 0;
    for (long i = 0; i < CALLS; i++) {
        sum += f(i);
        want += i + k;
        if (i % 500 == 0)
            syscall(SYS_getppid);  /* a kernel entry now and then, as real programs make: a
                                      VM may take its translations there */
    }
    printf("%-28s k=%-3d %s\n", name, k, sum == want ? "ok" : "STALE CODE");
    return sum != want;
}

int main(int argc, char **argv)
{
    int bad = 0;
    page = (size_t)sysconf(_SC_PAGESIZE);
    if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
        emit(map_code(), 21);                          /* same address, a new program */
        __builtin___clear_cache((char *)CODE, (char *)CODE + 72);
        return phase("after execve", 21);
    }
    uint32_t *p = map_code();
    emit(p, 1);
    __builtin___clear_cache((char *)p, (char *)p + 72);
    bad |= phase("first code", 1);

    emit(p, 3);                                        /* rewrite in place + synci/sync/jr.hb */
    sync_icache((char *)p, (char *)p + 72);
    bad |= phase("rewritten, synci", 3);

    emit(p, 5);                                        /* rewrite + the compiler's way */
    __builtin___clear_cache((char *)p, (char *)p + 72);
    bad |= phase("rewritten, clear_cache", 5);

    emit(p, 9);                                        /* rewrite + cacheflush(2) */
    cacheflush(p, 72, BCACHE);
    bad |= phase("rewritten, cacheflush", 9);

    munmap(p, page);                                   /* a new mapping at the same place */
    p = map_code();
    emit(p, 7);
    sync_icache((char *)p, (char *)p + 72);
    bad |= phase("munmap + new mapping", 7);

    mprotect(p, page, PROT_READ | PROT_WRITE);         /* W^X style: write, then make it X */
    emit(p, 11);
    mprotect(p, page, PROT_READ | PROT_EXEC);
    __builtin___clear_cache((char *)p, (char *)p + 72);
    bad |= phase("mprotect RW -> RX", 11);

    fflush(stdout);
    if (bad || argc < 2 || strcmp(argv[1], "exec") != 0)
        return bad;
    execl("/proc/self/exe", argv[0], "after-exec", (char *)NULL);
    perror("execl");
    return 2;
}
