/* flock, close_range, preadv2/pwritev2, fallocate, the advice calls, copy_file_range, splice, tee
 * and vmsplice, with their error cases; compared with qemu-user (the host kernel's answers).
 * Run with the current directory writable (it uses ./fc.*). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHOW(what, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%-40s %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : ""); } while (0)

static long size_of(int fd) {
    struct stat st;
    fstat(fd, &st);
    return st.st_size;
}

static void locks(void) {
    int a = open("fc.lock", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int b = open("fc.lock", O_RDWR);
    int a2 = dup(a);
    SHOW("flock(a, LOCK_EX)", flock(a, LOCK_EX));
    SHOW("flock(b, LOCK_SH|LOCK_NB) conflicts", flock(b, LOCK_SH | LOCK_NB));
    SHOW("flock(dup of a, LOCK_EX) is the same", flock(a2, LOCK_EX | LOCK_NB));
    SHOW("fcntl lock unaffected by flock", fcntl(b, F_SETLK, &(struct flock){.l_type = F_WRLCK}));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {                     /* blocks until the parent's lock goes */
        int c = open("fc.lock", O_RDWR);
        int r = flock(c, LOCK_EX);
        printf("child got the lock after the parent unlocked: %d\n", r);
        fflush(stdout);
        _exit(0);
    }
    usleep(100000);
    printf("parent unlocks\n");
    fflush(stdout);
    SHOW("flock(a, LOCK_UN)", flock(a, LOCK_UN));
    waitpid(pid, 0, 0);
    SHOW("flock(b, LOCK_EX|LOCK_NB) after", flock(b, LOCK_EX | LOCK_NB));
    close(b);                            /* the last close of b's description drops it */
    SHOW("flock(a, LOCK_EX|LOCK_NB) after close", flock(a, LOCK_EX | LOCK_NB));
    SHOW("flock bad op", flock(a, 0));
    close(a);
    close(a2);
}

static void ranges(void) {
    int fds[6];
    for (int i = 0; i < 6; i++)
        fds[i] = open("/dev/null", O_RDONLY);
    SHOW("close_range(cloexec)", syscall(SYS_close_range, fds[0], fds[2], 4));
    printf("  cloexec set: %d %d\n", fcntl(fds[0], F_GETFD), fcntl(fds[3], F_GETFD));
    SHOW("close_range", syscall(SYS_close_range, fds[3], ~0U, 0));
    SHOW("  fcntl on a closed one", fcntl(fds[4], F_GETFD));
    SHOW("close_range first > last", syscall(SYS_close_range, 9, 8, 0));
    for (int i = 0; i < 3; i++)
        close(fds[i]);
}

static void vectors(void) {
    int fd = open("fc.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec w[2] = {{"hello ", 6}, {"world", 5}};
    SHOW("pwritev2 at the file offset (-1)", pwritev2(fd, w, 2, -1, 0));
    SHOW("  offset now", lseek(fd, 0, SEEK_CUR));
    char a[8] = {0}, b[8] = {0};
    struct iovec r[2] = {{a, 4}, {b, 7}};
    SHOW("preadv2 at 0", preadv2(fd, r, 2, 0, 0));
    printf("  got [%s][%s]\n", a, b);
    /* (no bad-flags case: qemu-loongarch64 7.2 has no preadv2 at all) */
    SHOW("fallocate grows", fallocate(fd, 0, 0, 100));
    printf("  size %ld\n", size_of(fd));
    SHOW("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 1000));
    printf("  size %ld\n", size_of(fd));
    SHOW("fallocate len 0", fallocate(fd, 0, 0, 0));
    SHOW("posix_fadvise bad advice", posix_fadvise(fd, 0, 0, 99));
    SHOW("posix_fadvise WILLNEED", posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED));
    SHOW("readahead", readahead(fd, 0, 4096));
    SHOW("sync_file_range", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
    SHOW("syncfs", syncfs(fd));
    close(fd);
}

static void moving(void) {
    int src = open("fc.data", O_RDONLY);
    int dst = open("fc.copy", O_RDWR | O_CREAT | O_TRUNC, 0644);
    loff_t in = 6, out = 0;
    SHOW("copy_file_range 5 from offset 6", copy_file_range(src, &in, dst, &out, 5, 0));
    printf("  offsets now %ld %ld\n", (long)in, (long)out);
    SHOW("copy_file_range flags", copy_file_range(src, 0, dst, 0, 5, 1));
    int p[2], q[2];
    pipe(p);
    pipe(q);
    loff_t off = 0;
    SHOW("splice file -> pipe", splice(src, &off, p[1], 0, 11, 0));
    SHOW("tee pipe -> pipe", tee(p[0], q[1], 100, 0));
    SHOW("splice pipe -> file", splice(p[0], 0, dst, 0, 100, 0));
    char buf[32] = {0};
    SHOW("read the tee'd copy", read(q[0], buf, sizeof buf));
    printf("  [%s]\n", buf);
    SHOW("splice empty pipe, NONBLOCK", splice(p[0], 0, dst, 0, 10, SPLICE_F_NONBLOCK));
    SHOW("splice file -> file", splice(src, 0, dst, 0, 10, 0));
    SHOW("splice with a pipe offset", splice(p[0], &off, dst, 0, 10, 0));
    struct iovec v = {"vmsplice!", 9};
    SHOW("vmsplice into a pipe", vmsplice(q[1], &v, 1, 0));
    memset(buf, 0, sizeof buf);
    read(q[0], buf, sizeof buf);
    printf("  [%s]\n", buf);
    SHOW("vmsplice on a file", vmsplice(src, &v, 1, 0));
    printf("  copy is %ld bytes\n", size_of(dst));
    close(src);
    close(dst);
}

int main(void) {
    locks();
    ranges();
    vectors();
    moving();
    unlink("fc.lock");
    unlink("fc.data");
    unlink("fc.copy");
    printf("all ok\n");            /* (the comparison with qemu is the check) */
    return 0;
}
