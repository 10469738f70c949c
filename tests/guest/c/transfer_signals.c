/* Every byte exactly once: sendfile and splice from a file and a read/write copy loop into
 * a pipe, while an interval timer interrupts the writer thousands of times -- with SA_RESTART
 * (calls resume) and without (calls end with EINTR or a short count, and the loop goes on).
 * A child reads the pipe and checks the stream's length and every byte's value.
 * Output does not depend on timing; compared with qemu-user (the host kernel's answers). */
#define _GNU_SOURCE             /* splice */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (3 << 20)
static volatile long ticks;
static void on_alarm(int sig) { (void)sig; ticks++; }

static unsigned char byte_at(long i) { return (unsigned char)(i * 7 + (i >> 12)); }

static pid_t start_checker(int rfd, int wfd) {
    pid_t pid = fork();
    if (pid)
        return pid;
    close(wfd);
    static unsigned char buf[8192];
    long got = 0, bad = -1;
    for (;;) {
        ssize_t n = read(rfd, buf, 1 + got % sizeof buf);  /* odd sizes: partial pipe reads */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (bad < 0 && buf[i] != byte_at(got + i))
                bad = got + i;
        got += n;
    }
    printf("  received %ld bytes, %s\n", got, bad < 0 ? "every byte right" : "WRONG BYTES");
    if (bad >= 0)
        printf("  first wrong byte at %ld\n", bad);
    fflush(stdout);
    _exit(got != TOTAL || bad >= 0);
}

/* Send TOTAL bytes into wfd: 0 = sendfile from the file, 1 = a read/write loop, 2 = splice from
 * the file (at its file offset). */
static long send_all(int how, int file, int wfd) {
    static char buf[65536];
    long sent = 0;
    while (sent < TOTAL) {
        ssize_t n;
        if (how == 0)
            n = sendfile(wfd, file, NULL, TOTAL - sent);
        else if (how == 2)
            n = splice(file, NULL, wfd, NULL, TOTAL - sent, 0);
        else {
            n = read(file, buf, sizeof buf);
            for (ssize_t w = 0; w < n;) {
                ssize_t k = write(wfd, buf + w, n - w);
                if (k > 0)
                    w += k;
                else if (errno != EINTR)
                    return -1;
            }
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        sent += n;
    }
    return sent;
}

int main(void) {
    int file = open("xfer.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
    static unsigned char chunk[65536];
    for (long off = 0; off < TOTAL; off += sizeof chunk) {
        for (unsigned i = 0; i < sizeof chunk; i++)
            chunk[i] = byte_at(off + i);
        write(file, chunk, sizeof chunk);
    }
    const char *hows[] = {"sendfile", "read/write loop", "splice"};
    int failures = 0;
    long total_ticks = 0;
    for (int restart = 0; restart < 2; restart++)
        for (int how = 0; how < 3; how++) {
            struct sigaction sa = {0};
            sa.sa_handler = on_alarm;
            sa.sa_flags = restart ? SA_RESTART : 0;
            sigaction(SIGALRM, &sa, 0);
            lseek(file, 0, SEEK_SET);
            int p[2];
            pipe(p);
            pid_t checker = start_checker(p[0], p[1]);
            close(p[0]);
            ticks = 0;
            struct itimerval every = {{0, 300}, {0, 300}}, off = {{0, 0}, {0, 0}};
            setitimer(ITIMER_REAL, &every, 0);
            long sent = send_all(how, file, p[1]);
            setitimer(ITIMER_REAL, &off, 0);
            total_ticks += ticks;
            close(p[1]);
            int status;
            waitpid(checker, &status, 0);
            int ok = sent == TOTAL && WIFEXITED(status) && WEXITSTATUS(status) == 0;
            failures += !ok;
            printf("%s, %s: sent %ld: %s\n", hows[how], restart ? "SA_RESTART" : "no restart",
                   sent, ok ? "ok" : "FAIL");
            fflush(stdout);
        }
    int p[2];
    pipe(p);
    write(p[1], "x", 1);
    errno = 0;
    long r = sendfile(p[1], p[0], NULL, 1);    /* a pipe cannot be spliced from */
    printf("sendfile from a pipe: %ld %s\n", r, strerror(errno));
    unlink("xfer.data");
    /* stderr, not compared: how many interruptions there were depends on speed */
    fprintf(stderr, "%ld timer signals\n", total_ticks);
    if (!failures)
        printf("all ok\n");
    return failures != 0;
}
