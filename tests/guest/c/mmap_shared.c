/* MAP_SHARED file mappings: stores reach the file (msync, munmap), two mappings of one file
 * see each other; a MAP_PRIVATE mapping does not write through. No fork needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
#define CHECK(c, what) do { if (c) printf("ok %s\n", what); \
    else { printf("FAIL %s (errno %s)\n", what, strerror(errno)); fails++; } } while (0)

int main(void) {
    char path[] = "/tmp/jitvm_mmap_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    char page[8192];
    memset(page, '.', sizeof page);
    write(fd, page, sizeof page);

    char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(a != MAP_FAILED && b != MAP_FAILED && a != b, "two shared mappings");
    memcpy(a + 10, "written via a", 13);
    CHECK(memcmp(b + 10, "written via a", 13) == 0, "mapping b sees a's store");
    memcpy(b + 4100, "second page via b", 17);
    CHECK(memcmp(a + 4100, "second page via b", 17) == 0, "mapping a sees b's store");
    CHECK(msync(a, 8192, MS_SYNC) == 0, "msync");
    char back[32] = {0};
    CHECK(pread(fd, back, 13, 10) == 13 && memcmp(back, "written via a", 13) == 0,
          "read() sees the data after msync");
    CHECK(pread(fd, back, 17, 4100) == 17 && memcmp(back, "second page via b", 17) == 0,
          "read() sees the second page");

    char *pv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(memcmp(pv + 10, "written via a", 13) == 0, "private mapping reads the file");
    memcpy(pv, "PRIVATE", 7);
    munmap(pv, 4096);

    memcpy(a + 200, "before munmap", 13);
    CHECK(munmap(a, 8192) == 0 && munmap(b, 8192) == 0, "munmap");
    CHECK(pread(fd, back, 13, 200) == 13 && memcmp(back, "before munmap", 13) == 0,
          "munmap writes back");
    CHECK(pread(fd, back, 7, 0) == 7 && memcmp(back, ".......", 7) == 0,
          "private stores never reach the file");

    int ro = open(path, O_RDONLY);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
          errno == EACCES, "EACCES: shared writable mapping of a read-only fd");
    close(ro);
    close(fd);
    unlink(path);
    printf("%s\n", fails ? "SOME FAILED" : "all ok");
    return fails != 0;
}
