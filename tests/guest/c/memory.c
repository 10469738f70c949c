/* memory: malloc/free (small and large, so both brk and mmap are used), brk growth, anonymous
   mmap/munmap, mprotect to read-only, a big-array stress, and memcpy/memset/strlen/memmove/
   memcmp over unaligned buffers. Prints checksums only (never addresses); exits 0. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __GLIBC__
#define grow_break sbrk
#else
/* musl's sbrk() accepts only 0 (its malloc owns the break): move it with the system call, which
   returns the new break (or the old one on failure), and hand back the old one as sbrk does. */
static void *grow_break(intptr_t inc)
{
    char *old = (char *)syscall(SYS_brk, 0);
    char *new = (char *)syscall(SYS_brk, old + inc);
    return new == old + inc ? old : (void *)-1;
}
#endif

static uint64_t fnv(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    while (n--)
        h = (h ^ *b++) * 0x100000001b3ULL;
    return h;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = seed >> 24;
    }
}

int main(void)
{
    /* Small allocations: many, freed in a scrambled order, then reused. */
    enum { NSMALL = 2000 };
    static char *small[NSMALL];
    uint64_t h = 0;
    for (int i = 0; i < NSMALL; i++) {
        size_t n = 1 + (i * 37) % 300;
        small[i] = malloc(n);
        memset(small[i], i & 0xff, n);
    }
    for (int i = 0; i < NSMALL; i++) {
        int j = (i * 7919) % NSMALL;
        h = h * 31 + (uint8_t)small[j][0];
        free(small[j]);
    }
    printf("small malloc/free: %016llx\n", (unsigned long long)h);

    /* Large allocations (glibc uses mmap above 128 KiB) and realloc growth. */
    size_t big = 8 << 20;
    uint8_t *p = malloc(big);
    fill(p, big, 1);
    printf("large malloc 8MiB: %016llx\n", (unsigned long long)fnv(p, big));
    p = realloc(p, 2 * big);
    fill(p + big, big, 2);
    printf("realloc 16MiB:     %016llx\n", (unsigned long long)fnv(p, 2 * big));
    free(p);
    uint64_t *z = calloc(1 << 16, sizeof *z);
    uint64_t zs = 0;
    for (int i = 0; i < 1 << 16; i++)
        zs |= z[i];
    printf("calloc zeroed:     %s\n", zs ? "NO" : "yes");
    free(z);

    /* brk growth by hand. */
    char *b0 = grow_break(0);
    char *b1 = grow_break(1 << 20);
    if (b1 == (void *)-1) { perror("sbrk"); return 1; }
    memset(b1, 0x5a, 1 << 20);
    char *b2 = grow_break(0);
    printf("sbrk grew by:      %ld (old break returned: %s)\n", (long)(b2 - b0),
           b1 == b0 ? "yes" : "no");
    printf("sbrk memory:       %016llx\n", (unsigned long long)fnv(b1, 1 << 20));
    grow_break(-(1 << 20));
    printf("sbrk shrank back:  %s\n", grow_break(0) == b0 ? "yes" : "no");

    /* Anonymous mmap: zero-filled, written, partly unmapped, made read-only. */
    long pg = sysconf(_SC_PAGESIZE);
    size_t len = 64 * pg;
    uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { perror("mmap"); return 1; }
    int nonzero = 0;
    for (size_t i = 0; i < len; i++)
        nonzero += m[i] != 0;
    printf("mmap zero-filled:  %s (page size %ld)\n", nonzero ? "NO" : "yes", pg);
    fill(m, len, 3);
    printf("mmap contents:     %016llx\n", (unsigned long long)fnv(m, len));
    printf("munmap middle:     %d\n", munmap(m + 16 * pg, 16 * pg));
    printf("mprotect ro:       %d\n", mprotect(m, 16 * pg, PROT_READ));
    printf("read after ro:     %016llx\n", (unsigned long long)fnv(m, 16 * pg));
    printf("tail still rw:     %016llx\n",
           (unsigned long long)fnv(memset(m + 32 * pg, 7, 32 * pg), 32 * pg));
    printf("munmap rest:       %d %d\n", munmap(m, 16 * pg), munmap(m + 32 * pg, 32 * pg));

    /* Big array stress: 32 MiB of 64-bit words, strided read-modify-write. */
    size_t nw = 4 << 20;
    uint64_t *a = malloc(nw * sizeof *a);
    for (size_t i = 0; i < nw; i++)
        a[i] = i * 0x9e3779b97f4a7c15ULL;
    for (size_t s = 1; s < nw; s *= 3)
        for (size_t i = 0; i < nw; i += s)
            a[i] ^= a[(i * 5 + s) % nw] >> 7;
    printf("array stress:      %016llx\n", (unsigned long long)fnv(a, nw * sizeof *a));
    free(a);

    /* String and memory functions at every alignment. */
    static uint8_t src[600], dst[600];
    uint64_t sh = 0;
    for (int so = 0; so < 8; so++)
        for (int dof = 0; dof < 8; dof++) {
            fill(src, sizeof src, so * 8 + dof);
            memset(dst, 0xee, sizeof dst);
            size_t n = 300 + so * 13 + dof;
            memcpy(dst + dof, src + so, n);
            memset(dst + dof + n / 2, 0x11 + so, n / 4);
            memmove(dst + dof + 1, dst + dof, n / 3);
            sh = sh * 131 + fnv(dst, sizeof dst);
            sh += memcmp(dst + dof, src + so, n) < 0;
            for (int k = 0; k < 40; k++)
                src[so + k] = 'a' + (k % 26);
            src[so + 17 + dof] = 0;
            sh += strlen((char *)src + so);
            sh += (uint8_t *)strchr((char *)src + so, 'c') - src;
        }
    printf("unaligned mem/str: %016llx\n", (unsigned long long)sh);
    printf("ok\n");
    return 0;
}
