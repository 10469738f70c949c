/* memfd_create, mincore, membarrier and extended attributes, with their error cases; compared
 * with qemu-user (the host kernel's answers). Run with the current directory writable. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) printf("FAIL line %d: %s\n", __LINE__, #cond); } while (0)
#define SHOW(what, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%-36s %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : ""); } while (0)

static void memfd(void) {
    int fd = memfd_create("jitvm-test", MFD_CLOEXEC);
    printf("memfd_create: %s, cloexec %d\n", fd >= 0 ? "ok" : strerror(errno),
           fcntl(fd, F_GETFD));
    char link[64] = {0}, path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    readlink(path, link, sizeof link - 1);
    printf("  its link: %s\n", link);
    SHOW("  write", write(fd, "hello memfd", 11));
    char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("  mapped: %.11s\n", m);
    memcpy(m, "HELLO", 5);
    char buf[16] = {0};
    pread(fd, buf, 11, 0);
    printf("  read after a store through the mapping: %s\n", buf);
    CHECK(!strcmp(buf, "HELLO memfd") && !strcmp(link, "/memfd:jitvm-test (deleted)"));
    SHOW("  memfd_create bad flags", memfd_create("x", 0x100));
    munmap(m, 4096);
    close(fd);
}

static void residency(void) {
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(0, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    m[2 * page] = 1;
    unsigned char vec[4];
    SHOW("mincore", mincore(m, 4 * page, vec));
    printf("  resident: %d %d %d %d\n", vec[0], vec[1], vec[2], vec[3]);
    CHECK(vec[0] == 1 && vec[1] == 0 && vec[2] == 1 && vec[3] == 0);
    SHOW("mincore unaligned", mincore(m + 1, page, vec));
    munmap(m, 4 * page);
    SHOW("mincore unmapped", mincore(m, page, vec));
    long q = syscall(SYS_membarrier, 0, 0, 0);
    printf("membarrier query: global %s\n", q >= 0 && (q & 1) ? "yes" : "no");
    SHOW("membarrier private, unregistered", syscall(SYS_membarrier, 8, 0, 0));
    SHOW("membarrier register", syscall(SYS_membarrier, 16, 0, 0));
    SHOW("membarrier private", syscall(SYS_membarrier, 8, 0, 0));
    SHOW("membarrier bad", syscall(SYS_membarrier, 1 << 20, 0, 0));
}

static void xattrs(void) {
    int fd = open("mc.file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    SHOW("setxattr user.a", setxattr("mc.file", "user.a", "one", 3, 0));
    SHOW("setxattr CREATE existing", setxattr("mc.file", "user.a", "x", 1, XATTR_CREATE));
    SHOW("setxattr REPLACE missing", setxattr("mc.file", "user.b", "x", 1, XATTR_REPLACE));
    SHOW("fsetxattr user.b", fsetxattr(fd, "user.b", "two!", 4, 0));
    char v[16] = {0};
    SHOW("getxattr size query", getxattr("mc.file", "user.a", 0, 0));
    SHOW("getxattr", getxattr("mc.file", "user.a", v, sizeof v));
    printf("  value %s\n", v);
    CHECK(!strcmp(v, "one"));
    SHOW("getxattr small buffer", getxattr("mc.file", "user.b", v, 2));
    SHOW("getxattr missing", getxattr("mc.file", "user.zz", v, sizeof v));
    char names[64] = {0};
    long n = listxattr("mc.file", names, sizeof names);
    printf("listxattr %ld:", n);
    for (char *p = names; p < names + n; p += strlen(p) + 1)
        if (!strncmp(p, "user.", 5))
            printf(" %s", p);
    printf("\n");
    SHOW("removexattr", removexattr("mc.file", "user.a"));
    SHOW("removexattr again", removexattr("mc.file", "user.a"));
    SHOW("fgetxattr after", fgetxattr(fd, "user.b", v, sizeof v));
    SHOW("setxattr bad namespace", setxattr("mc.file", "bogus.x", "1", 1, 0));
    symlink("mc.file", "mc.link");
    SHOW("lsetxattr user.* on a symlink", lsetxattr("mc.link", "user.c", "1", 1, 0));
    SHOW("setxattr through the symlink", setxattr("mc.link", "user.c", "1", 1, 0));
    close(fd);
    unlink("mc.link");
    unlink("mc.file");
}

int main(void) {
    memfd();
    residency();
    xattrs();
    printf("all ok\n");             /* (the comparison with qemu is the check) */
    return 0;
}
