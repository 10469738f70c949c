/* Pipes: fork + write/read, EOF on close, EPIPE with SIGPIPE ignored and by default,
 * O_NONBLOCK EAGAIN, PIPE_BUF atomicity, a 1 MiB transfer with a checksum, FIFOs. Needs fork. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c, what) do { if (c) printf("ok %s\n", what); \
    else { printf("FAIL %s (errno %s)\n", what, strerror(errno)); fails++; } } while (0)

static unsigned sum(const unsigned char *p, size_t n, unsigned s) {
    while (n--) s = s * 31 + *p++;
    return s;
}

int main(void) {
    int p[2];
    char buf[256];
    CHECK(pipe(p) == 0, "pipe");
    struct stat st;
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "fstat is S_IFIFO");
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        write(p[1], "hello from child", 16);
        _exit(0);
    }
    close(p[1]);
    ssize_t n = read(p[0], buf, sizeof buf);
    CHECK(n == 16 && memcmp(buf, "hello from child", 16) == 0, "read child's message");
    CHECK(read(p[0], buf, sizeof buf) == 0, "EOF after the writer exits");
    int status;
    waitpid(c, &status, 0);
    close(p[0]);

    /* EPIPE with SIGPIPE ignored */
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE, "EPIPE when SIGPIPE is ignored");
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);

    /* default SIGPIPE kills the writer */
    pipe(p);
    c = fork();
    if (c == 0) {
        close(p[0]);
        write(p[1], "x", 1);
        _exit(99);
    }
    close(p[0]);
    close(p[1]);
    waitpid(c, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "SIGPIPE kills by default");

    /* O_NONBLOCK */
    CHECK(pipe2(p, O_NONBLOCK) == 0, "pipe2 O_NONBLOCK");
    errno = 0;
    CHECK(read(p[0], buf, 1) == -1 && errno == EAGAIN, "EAGAIN on empty");
    static char big[1 << 20];
    n = write(p[1], big, sizeof big);
    CHECK(n > 0 && n < (ssize_t)sizeof big, "partial write when full");
    printf("pipe capacity %zd\n", n);
    errno = 0;
    CHECK(write(p[1], "y", 1) == -1 && errno == EAGAIN, "EAGAIN on full");
    CHECK(fcntl(p[1], F_GETPIPE_SZ) == n, "F_GETPIPE_SZ");
    close(p[0]);
    close(p[1]);

    /* 1 MiB through a pipe between two processes */
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7 + (i >> 9));
    unsigned want = sum((unsigned char *)big, sizeof big, 1);
    pipe(p);
    c = fork();
    if (c == 0) {
        close(p[0]);
        size_t off = 0;
        while (off < sizeof big) {
            ssize_t k = write(p[1], big + off, sizeof big - off < 10000 ? sizeof big - off : 10000);
            if (k <= 0) _exit(1);
            off += k;
        }
        _exit(0);
    }
    close(p[1]);
    unsigned got = 1;
    size_t total = 0;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        got = sum((unsigned char *)buf, n, got);
        total += n;
    }
    waitpid(c, &status, 0);
    CHECK(total == sizeof big && got == want, "1 MiB transfer checksum");
    printf("transferred %zu bytes, checksum %08x\n", total, got);
    close(p[0]);

    /* one big blocking write is all delivered */
    pipe(p);
    c = fork();
    if (c == 0) {
        close(p[0]);
        _exit(write(p[1], big, 300000) == 300000 ? 0 : 1);
    }
    close(p[1]);
    total = 0;
    while ((n = read(p[0], buf, sizeof buf)) > 0) total += n;
    waitpid(c, &status, 0);
    CHECK(total == 300000 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "large blocking write returns its full count");
    close(p[0]);

    /* FIFO: open blocks until both ends are there */
    char path[] = "/tmp/jitvm_fifo_XXXXXX";
    int tmp = mkstemp(path);
    close(tmp);
    unlink(path);
    CHECK(mkfifo(path, 0600) == 0, "mkfifo");
    CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode), "stat FIFO");
    errno = 0;
    CHECK(open(path, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO, "ENXIO without reader");
    c = fork();
    if (c == 0) {
        int w = open(path, O_WRONLY);
        write(w, "through the fifo", 16);
        _exit(0);
    }
    int r = open(path, O_RDONLY);
    n = read(r, buf, sizeof buf);
    CHECK(n == 16 && memcmp(buf, "through the fifo", 16) == 0, "FIFO transfer");
    CHECK(read(r, buf, sizeof buf) == 0, "FIFO EOF");
    waitpid(c, &status, 0);
    close(r);
    unlink(path);
    printf("%s\n", fails ? "SOME FAILED" : "all ok");
    return fails != 0;
}
