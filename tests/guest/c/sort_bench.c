/* sort_bench [N]: CPU-bound workload for performance comparisons: a sieve of Eratosthenes up to
   N, a quicksort of N pseudo-random 64-bit keys, and CRC-32 over the sorted array. Prints
   checksums (deterministic for a given N; default 200000); exits 0 if the array came out
   sorted, else 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t next(void)           /* xorshift64 */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static long sieve(long n, uint8_t *composite)
{
    long count = 0;
    for (long i = 2; i <= n; i++) {
        if (composite[i])
            continue;
        count++;
        if (i > n / i)
            continue;                  /* i * i > n (and would overflow a 32-bit long) */
        for (long j = i * i; j <= n; j += i)
            composite[j] = 1;
    }
    return count;
}

static void quicksort(uint64_t *a, long lo, long hi)
{
    while (lo < hi) {
        uint64_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                uint64_t t = a[i]; a[i] = a[j]; a[j] = t;
                i++; j--;
            }
        }
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else                 { quicksort(a, i, hi); hi = j; }
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    uint32_t c = 0xffffffffu;
    while (n--)
        c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    if (n < 2) n = 2;
    uint8_t *composite = calloc(n + 1, 1);
    uint64_t *a = malloc(n * sizeof *a);
    long primes = sieve(n, composite);
    for (long i = 0; i < n; i++)
        a[i] = next();
    quicksort(a, 0, n - 1);
    int sorted = 1;
    for (long i = 1; i < n; i++)
        sorted &= a[i - 1] <= a[i];
    printf("n=%ld primes=%ld sorted=%s min=%016llx max=%016llx crc32=%08x\n", n, primes,
           sorted ? "yes" : "NO", (unsigned long long)a[0], (unsigned long long)a[n - 1],
           crc32((const uint8_t *)a, n * sizeof *a));
    return !sorted;
}
