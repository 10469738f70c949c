/* campaign_durable MODE N: writes N files of known content in /tmp/dur by many routes, for the
 * host to check byte for byte after the VM has gone (tests/campaign/test_durability.py).
 *
 * File i (/tmp/dur/f<i>) has size_of(i) bytes (0 to 1 MiB: edge sizes, then up to 48 KiB, and
 * up to 1 MiB for every 32nd; about 16 MiB for 400 files); its 64-bit word j (little-endian)
 * is i << 44 ^ j * 0x9E3779B97F4A7C15 (distinct in every file and place, and cheap), the last
 * word cut to the size. Route by i % 7:
 *   0 one write()              1 writes of odd sizes (1, 3, 4093, 65537, ...)
 *   2 a MAP_SHARED mapping: filled, then msync+munmap, or munmap, or left mapped at exit
 *   3 O_APPEND, reopened for each of five pieces
 *   4 written with 10000 bytes of junk past the end, ftruncate'd to size, truncate()'d to half
 *     and the second half pwrite()n again
 *   5 written under another name in /tmp/dur/tmp, then rename()d (over an older file, for odd i)
 *   6 pwrite()s of 4 KiB blocks from the last to the first
 * Modes:
 *   write N     all of them, then exit
 *   hold N      the route-2 files and every tenth other file are written by four children that
 *               keep their mappings (never msync'ed or unmapped) and an O_APPEND descriptor, say
 *               they are done, and wait for ever; the parent exits when all are done, leaving
 *               them running (then the run ends, or the shell powers off)
 *   coherence   a MAP_SHARED mapping and read()/write() on the same file agree at once, in one
 *               process and across two, as Linux's single page cache makes them ("ok"/"FAIL")
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t mix(uint64_t x) {              /* splitmix64's finaliser */
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static const long special[] = {0, 1, 7, 4095, 4096, 4097, 65536, 1 << 20, (1 << 20) - 1};

static long size_of(int i) {
    if (i < (int)(sizeof special / sizeof *special)) return special[i];
    uint64_t h = mix((uint64_t)i * 7919 + 1);
    return i % 32 == 0 ? (long)(h % ((1 << 20) + 1)) : (long)(h % 49153);
}

static unsigned char *content(int i, long size) {
    unsigned char *buf = malloc(size + 8);
    for (long j = 0; j * 8 < size; j++) {
        uint64_t w = (uint64_t)i << 44 ^ (uint64_t)j * 0x9E3779B97F4A7C15ull;
        memcpy(buf + j * 8, &w, 8);          /* little-endian on every guest ISA here */
    }
    return buf;
}

static void die(const char *what, int i) {
    printf("FAIL %s for file %d: %s\n", what, i, strerror(errno));
    exit(1);
}

static void write_all(int fd, const unsigned char *p, long n, int i) {
    while (n > 0) {
        long k = write(fd, p, n);
        if (k <= 0) die("write", i);
        p += k;
        n -= k;
    }
}

static char *name(int i, const char *dir) {
    static char buf[64];
    snprintf(buf, sizeof buf, "/tmp/dur/%sf%d", dir, i);
    return buf;
}

/* Write file i by its route. keep: never unmap a mapping, nor close the last descriptor. */
static void write_file(int i, int keep) {
    long size = size_of(i);
    unsigned char *data = content(i, size);
    int fd;
    switch (i % 7) {
    case 0:
        fd = open(name(i, ""), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) die("open", i);
        write_all(fd, data, size, i);
        close(fd);
        break;
    case 1: {
        static const long pieces[] = {1, 3, 4093, 65537, 17, 8192, 100003};
        fd = open(name(i, ""), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) die("open", i);
        for (long off = 0, k = 0; off < size; k++) {
            long n = pieces[k % 7] < size - off ? pieces[k % 7] : size - off;
            write_all(fd, data + off, n, i);
            off += n;
        }
        close(fd);
        break;
    }
    case 2: {
        fd = open(name(i, ""), O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || ftruncate(fd, size)) die("open/ftruncate", i);
        if (size == 0) {
            close(fd);
            break;
        }
        unsigned char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED) die("mmap", i);
        close(fd);                          /* the mapping keeps the file */
        memcpy(m, data, size);
        if (!keep && i % 3 != 2) {          /* else left for exit to write back (or not) */
            if (i % 3 == 0 && msync(m, size, MS_SYNC)) die("msync", i);
            munmap(m, size);
        }
        break;
    }
    case 3:
        unlink(name(i, ""));
        for (int piece = 0; piece < 5; piece++) {
            long from = size * piece / 5, to = size * (piece + 1) / 5;
            fd = open(name(i, ""), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd < 0) die("open", i);
            if (piece == 2) lseek(fd, 0, SEEK_SET);    /* O_APPEND ignores the offset */
            write_all(fd, data + from, to - from, i);
            if (!keep || piece < 4) close(fd);
        }
        break;
    case 4: {
        fd = open(name(i, ""), O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) die("open", i);
        write_all(fd, data, size, i);
        unsigned char junk[10000];
        memset(junk, 0xee, sizeof junk);
        write_all(fd, junk, sizeof junk, i);
        if (ftruncate(fd, size)) die("ftruncate", i);
        close(fd);
        if (truncate(name(i, ""), size / 2)) die("truncate", i);
        fd = open(name(i, ""), O_WRONLY);
        for (long off = size / 2; off < size;) {
            long k = pwrite(fd, data + off, size - off, off);
            if (k <= 0) die("pwrite", i);
            off += k;
        }
        close(fd);
        break;
    }
    case 5: {
        char tmp[64];
        strcpy(tmp, name(i, "tmp/"));
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) die("open", i);
        write_all(fd, data, size, i);
        close(fd);
        if (i % 2) {                         /* an older file of that name goes */
            fd = open(name(i, ""), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            write_all(fd, (const unsigned char *)"old content\n", 12, i);
            close(fd);
        }
        if (rename(tmp, name(i, ""))) die("rename", i);
        break;
    }
    case 6:
        fd = open(name(i, ""), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) die("open", i);
        for (long off = (size - 1) / 4096 * 4096; size > 0 && off >= 0; off -= 4096) {
            long n = size - off < 4096 ? size - off : 4096;
            if (pwrite(fd, data + off, n, off) != n) die("pwrite", i);
        }
        close(fd);
        break;
    }
    free(data);
}

static int held(int i) { return i % 7 == 2 || i % 10 == 3; }

static int hold(int n) {
    int done[2];
    pipe(done);
    for (int c = 0; c < 4; c++) {
        if (fork() == 0) {
            for (int i = c; i < n; i += 4)
                if (held(i)) write_file(i, 1);
            write(done[1], "d", 1);
            for (;;) pause();                 /* mappings and descriptors stay */
        }
    }
    for (int i = 0; i < n; i++)
        if (!held(i)) write_file(i, 0);
    char b;
    for (int c = 0; c < 4; c++) read(done[0], &b, 1);
    printf("wrote %d, four children hold theirs\n", n);
    return 0;
}

/* ---- coherence ------------------------------------------------------------------------------ */
static int failures;

static void check(const char *what, int cond) {
    if (cond) printf("ok %s\n", what);
    else {
        printf("FAIL %s\n", what);
        failures++;
    }
}

static int coherence(void) {
    const char *path = "/tmp/dur/coherent";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char page[8192], got[16];
    memset(page, 'a', sizeof page);
    write(fd, page, sizeof page);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check("the mapping shows what write() wrote", m != MAP_FAILED && m[100] == 'a');

    memcpy(m + 10, "MAPPED", 6);
    check("pread() sees a store to the mapping at once",
          pread(fd, got, 6, 10) == 6 && memcmp(got, "MAPPED", 6) == 0);
    struct stat st;
    check("stat() size unchanged by the store", fstat(fd, &st) == 0 && st.st_size == 8192);

    pwrite(fd, "WRITTEN", 7, 4100);
    check("the mapping sees a pwrite() at once", memcmp(m + 4100, "WRITTEN", 7) == 0);

    pwrite(fd, "SECOND", 6, 200);
    munmap(m, 8192);
    check("a pwrite() while mapped survives the munmap",
          pread(fd, got, 6, 200) == 6 && memcmp(got, "SECOND", 6) == 0);
    check("and so does the store to the mapping",
          pread(fd, got, 6, 10) == 6 && memcmp(got, "MAPPED", 6) == 0);

    /* across processes: a child stores through its own mapping and exits without msync; the
     * parent, which has the file mapped too, sees the store in its mapping and via read() */
    m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        char *cm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        memcpy(cm + 5000, "CHILD", 5);
        write(p[1], "x", 1);
        pause();
        _exit(0);
    }
    char b;
    read(p[0], &b, 1);
    check("another process's store shows in our mapping", memcmp(m + 5000, "CHILD", 5) == 0);
    check("and through read() at once", pread(fd, got, 5, 5000) == 5 &&
          memcmp(got, "CHILD", 5) == 0);
    pwrite(fd, "PARENT", 6, 6000);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    check("a pwrite() survives another mapping's process being killed",
          pread(fd, got, 6, 6000) == 6 && memcmp(got, "PARENT", 6) == 0);
    munmap(m, 8192);
    close(fd);
    printf(failures ? "%d failures\n" : "all ok\n", failures);
    return failures != 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/tmp/dur", 0755);
    mkdir("/tmp/dur/tmp", 0755);
    const char *mode = argc > 1 ? argv[1] : "";
    int n = argc > 2 ? atoi(argv[2]) : 400;
    if (!strcmp(mode, "write")) {
        for (int i = 0; i < n; i++) write_file(i, 0);
        printf("wrote %d\n", n);
        return 0;
    }
    if (!strcmp(mode, "hold")) return hold(n);
    if (!strcmp(mode, "coherence")) return coherence();
    fprintf(stderr, "usage: campaign_durable write N | hold N | coherence\n");
    return 2;
}
