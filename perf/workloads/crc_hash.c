/* crc_hash [KB]: hashes of a generated KB-kilobyte buffer (default 2048): CRC-32 bit by bit and
   by table, Adler-32, FNV-1a 64, and a 64-bit multiply-xorshift mix. Prints every digest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
    static uint32_t t[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    uint32_t c = 0xffffffffu;
    while (n--) c = t[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    while (n--) { a = (a + *p++) % 65521; b = (b + a) % 65521; }
    return b << 16 | a;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    while (n--) { h ^= *p++; h *= 0x100000001b3ULL; }
    return h;
}

static uint64_t mix64(const uint64_t *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    while (n--) {
        uint64_t k = *p++ * 0xbf58476d1ce4e5b9ULL;
        k ^= k >> 31;
        h = (h ^ k) * 0x94d049bb133111ebULL;
        h = (h << 27 | h >> 37) + 0x52dce729;
    }
    return h ^ h >> 29;
}

int main(int argc, char **argv)
{
    long kb = argc > 1 ? atol(argv[1]) : 2048;
    if (kb < 1) kb = 1;
    size_t n = (size_t)kb * 1024;
    uint8_t *buf = malloc(n);
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (uint8_t)(x >> 24); }
    printf("crc_hash kb=%ld crc32b=%08x crc32t=%08x adler=%08x fnv=%016llx mix=%016llx\n", kb,
           crc32_bitwise(buf, n / 4), crc32_table(buf, n), adler32(buf, n),
           (unsigned long long)fnv1a(buf, n), (unsigned long long)mix64((const uint64_t *)buf, n / 8));
    return 0;
}
