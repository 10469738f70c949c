/* memory [ROUNDS]: libc string and memory routines (default 400 rounds): memset, memcpy and
   memmove of buffers from 1 byte to 64 KB at varying alignments, strlen/strchr/strcmp over
   generated strings, memcmp. Prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF (64 * 1024)

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 400;
    uint8_t *a = malloc(BUF + 64), *b = malloc(BUF + 64);
    char *s = malloc(4096 + 1), *t = malloc(4096 + 1);
    uint64_t acc = 0, x = 0x9e3779b97f4a7c15ULL;
    for (long r = 0; r < rounds; r++) {
        for (size_t len = 1 + r % 7, off = r % 13; len <= BUF - 64; len = len * 2 + 3) {
            memset(a + off, (int)(r + len) & 0xff, len);
            memcpy(b + (off ^ 5), a + off, len);
            memmove(b + 1, b, len);
            acc += b[len / 2] + (uint64_t)memcmp(a + off, b + 1 + (off ^ 5), len) * 3;
        }
        for (int k = 0; k < 8; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            size_t n = 64 + (x >> 40) % 4000;
            for (size_t i = 0; i < n; i++) s[i] = (char)('a' + (x >> (i % 48)) % 26);
            s[n] = 0;
            memcpy(t, s, n + 1);
            t[n / 2] ^= (char)(r & 1);
            acc = acc * 31 + strlen(s) + (uint64_t)(strchr(s, 'z') ? strchr(s, 'z') - s : -1)
                  + (uint64_t)(strcmp(s, t) > 0) + (uint64_t)(strrchr(t, 'q') ? 1 : 0);
        }
    }
    printf("memory rounds=%ld acc=%016llx\n", rounds, (unsigned long long)acc);
    return 0;
}
