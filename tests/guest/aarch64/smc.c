/* smc (aarch64): code written at run time, then changed under the translator's feet. Each phase
   calls a generated function (`b 1f; ...; 1: add x0, x0, #K; ret`) often enough for a
   translating VM to compile it (and the loop calling it), then changes K by one of the ways a
   program may change code: rewriting it in place followed by the architecture's own sequence
   (dc cvau / dsb ish / ic ivau / dsb ish / isb over the lines written: A64 user code maintains
   the caches itself, Linux has no cache-flush system call for it), by __builtin___clear_cache
   (libgcc's __aarch64_sync_cache_range, the same sequence with CTR_EL0's line sizes), by munmap
   and a new mapping at the same address, by mprotect round trips, and by execve of a program
   that maps other code at the same address. A stale translation shows as a wrong sum. Mappings
   are one page of whatever size the system reports.
     smc          every phase but the last
     smc exec     all of them (the execve needs a system that runs aarch64 binaries: jitvm;
                  qemu-user only with binfmt_misc) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CODE ((void *)0x5a000000)
#define CALLS 6000

typedef long (*fn_t)(long);
static size_t page;

/* Two blocks: the entry branches (a direct b) to the part that changes. The entry's bytes never
   change, so a VM finds its translation again by them; it must not go on into an old copy of
   the second block. */
static void emit(uint32_t *p, int k)
{
    p[0] = 0x14000000 | 16;                                  /* b p+64 */
    p[16] = 0x91000000 | ((uint32_t)(k & 0xfff) << 10);      /* add x0, x0, #k */
    p[17] = 0xd65f03c0;                                      /* ret */
}

/* What the Arm ARM prescribes after writing instructions (B2.4.4): clean the data cache to the
   point of unification, invalidate the instruction cache there, then an isb in this thread. */
static void sync_icache(char *lo, char *hi)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    size_t dline = 4u << (ctr >> 16 & 15), iline = 4u << (ctr & 15);
    for (char *a = (char *)((uintptr_t)lo & -dline); a < hi; a += dline)
        __asm__ volatile("dc cvau, %0" :: "r"(a) : "memory");
    __asm__ volatile("dsb ish" ::: "memory");
    for (char *a = (char *)((uintptr_t)lo & -iline); a < hi; a += iline)
        __asm__ volatile("ic ivau, %0" :: "r"(a) : "memory");
    __asm__ volatile("dsb ish\n\tisb" ::: "memory");
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

    emit(p, 3);                                        /* rewrite in place + dc/ic/isb */
    sync_icache((char *)p, (char *)p + 72);
    bad |= phase("rewritten, ic ivau", 3);

    emit(p, 5);                                        /* rewrite + the compiler's way */
    __builtin___clear_cache((char *)p, (char *)p + 72);
    bad |= phase("rewritten, clear_cache", 5);

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
