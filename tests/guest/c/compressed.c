/* compressed: small tight loops over bytes and words; with -march=rv64gc gcc emits mostly
   compressed (RVC) instructions. Prints checksums; exits 0. */
#include <stdint.h>
#include <stdio.h>

static uint8_t buf[4096];

static uint32_t adler(const uint8_t *p, int n)
{
    uint32_t a = 1, b = 0;
    for (int i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

static uint64_t fnv(const uint8_t *p, int n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    while (n--)
        h = (h ^ *p++) * 0x100000001b3ULL;
    return h;
}

static int popcount_sum(const uint32_t *w, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        for (uint32_t x = w[i]; x; x &= x - 1)
            c++;
    return c;
}

int main(void)
{
    uint32_t x = 12345;
    for (unsigned i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = x >> 16;
    }
    for (int round = 0; round < 4; round++) {
        printf("round %d: adler=%08x fnv=%016llx pop=%d\n", round, adler(buf, sizeof buf),
               (unsigned long long)fnv(buf, sizeof buf),
               popcount_sum((const uint32_t *)buf, sizeof buf / 4));
        for (unsigned i = 1; i < sizeof buf; i++)
            buf[i] ^= buf[i - 1] + round;
    }
    return 0;
}
