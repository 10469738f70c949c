/* Pseudo-terminals: posix_openpt/grantpt/unlockpt/ptsname, a locked slave, a child on the slave
 * with setsid + TIOCSCTTY, typing through the master (echo, canonical lines), ^C -> SIGINT,
 * window size -> SIGWINCH, background read -> SIGTTIN, EIO on the master after the slave closes,
 * raw mode and packet mode, hang-up when the master closes. Needs fork. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int fails;
#define CHECK(c, what) do { if (c) printf("ok %s\n", what); \
    else { printf("FAIL %s (errno %s)\n", what, strerror(errno)); fails++; } } while (0)

/* What the master read, with CR and control characters visible. */
static void show(const char *label, const char *buf, int n) {
    printf("%s: \"", label);
    for (int i = 0; i < n; i++) {
        unsigned char c = buf[i];
        if (c == '\r') printf("\\r");
        else if (c == '\n') printf("\\n");
        else if (c < 32 || c == 127) printf("\\x%02x", c);
        else putchar(c);
    }
    printf("\"\n");
    fflush(stdout);
}

/* Read the master until `want` has appeared (or 20 s pass); returns the byte count. */
static int read_until(int m, char *buf, int size, const char *want) {
    int n = 0;
    buf[0] = 0;
    while (n < size - 1 && !strstr(buf, want)) {
        struct pollfd p = {m, POLLIN, 0};
        if (poll(&p, 1, 20000) != 1) break;
        int r = read(m, buf + n, size - 1 - n);
        if (r <= 0) break;
        n += r;
        buf[n] = 0;
    }
    return n;
}

static volatile sig_atomic_t got;
static void on_signal(int sig) { got = sig; }

static void say(const char *s) { write(1, s, strlen(s)); }

/* The child: a session of its own on the slave. Its stdout is the slave. */
static void child(const char *name) {
    setsid();
    int s = open(name, O_RDWR);             /* a session leader's open: the controlling tty */
    if (s < 0) _exit(10);
    dup2(s, 0); dup2(s, 1); dup2(s, 2);
    if (s > 2) close(s);
    if (ioctl(0, TIOCSCTTY, 0) != 0) say("TIOCSCTTY failed\n");
    if (tcgetpgrp(0) == getpid()) say("foreground ok\n");
    char *tn = ttyname(0);
    if (tn && strcmp(tn, name) == 0) say("ttyname ok\n");
    int t = open("/dev/tty", O_RDWR);
    if (t >= 0) { say("/dev/tty ok\n"); close(t); }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGWINCH, &sa, 0);
    sigset_t block, none;
    sigemptyset(&block);
    sigemptyset(&none);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGWINCH);
    sigprocmask(SIG_BLOCK, &block, 0);

    say("type a line\n");
    char line[100];
    int n = read(0, line, sizeof line - 1);
    line[n > 0 ? n : 0] = 0;
    say("got: ");
    say(line);

    say("waiting for SIGINT\n");
    while (got != SIGINT) sigsuspend(&none);
    say("child got SIGINT\n");
    say("waiting for SIGWINCH\n");
    while (got != SIGWINCH) sigsuspend(&none);
    struct winsize ws;
    ioctl(0, TIOCGWINSZ, &ws);
    char msg[64];
    snprintf(msg, sizeof msg, "child got SIGWINCH %dx%d\n", ws.ws_row, ws.ws_col);
    say(msg);

    /* a background job reading the terminal is stopped by SIGTTIN */
    pid_t bg = fork();
    if (bg == 0) {
        setpgid(0, 0);
        read(0, line, 1);
        _exit(0);
    }
    setpgid(bg, bg);
    int st;
    waitpid(bg, &st, WUNTRACED);
    if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN) say("background read: SIGTTIN\n");
    kill(bg, SIGKILL);
    waitpid(bg, &st, 0);
    say("bye\n");
    _exit(3);
}

static int open_pair(char *name, size_t size) {
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) != 0) return -1;
    if (ptsname_r(m, name, size) != 0) return -1;
    return m;
}

static void session_test(void) {
    char name[64], buf[4096];
    int m = open_pair(name, sizeof name);
    CHECK(m >= 0, "posix_openpt and grantpt");
    CHECK(strncmp(name, "/dev/pts/", 9) == 0, "ptsname is /dev/pts/N");
    unsigned n;
    CHECK(ioctl(m, TIOCGPTN, &n) == 0 && (unsigned)atoi(name + 9) == n, "TIOCGPTN is N");
    CHECK(isatty(m), "the master is a terminal");
    errno = 0;
    CHECK(open(name, O_RDWR | O_NOCTTY) == -1 && errno == EIO, "a locked slave: EIO");
    CHECK(unlockpt(m) == 0, "unlockpt");
    struct stat st;
    CHECK(stat(name, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 136
          && minor(st.st_rdev) == n, "the slave is char 136:N");
    CHECK(st.st_uid == getuid() && (st.st_mode & 0600) == 0600, "it belongs to its opener");
    fcntl(m, F_SETFL, O_NONBLOCK);
    errno = 0;
    CHECK(read(m, buf, 10) == -1 && errno == EAGAIN, "nothing to read yet: EAGAIN");
    fcntl(m, F_SETFL, 0);

    int s = open(name, O_RDWR | O_NOCTTY);  /* held until the child has its own */
    struct winsize ws = {30, 100, 0, 0}, got_ws;
    CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0, "TIOCSWINSZ on the master");
    CHECK(ioctl(s, TIOCGWINSZ, &got_ws) == 0 && got_ws.ws_row == 30 && got_ws.ws_col == 100,
          "the slave has that size");
    struct termios tio;
    CHECK(tcgetattr(m, &tio) == 0 && (tio.c_lflag & ECHO) && (tio.c_lflag & ICANON)
          && (tio.c_oflag & ONLCR), "the master shows the slave's cooked modes");

    pid_t c = fork();
    if (c == 0) {
        close(m);
        close(s);
        child(name);
    }
    int k = read_until(m, buf, sizeof buf, "type a line\r\n");
    show("child says", buf, k);
    close(s);
    write(m, "hello\r", 6);
    k = read_until(m, buf, sizeof buf, "waiting for SIGINT\r\n");
    show("echo and reply", buf, k);
    write(m, "\x03", 1);
    k = read_until(m, buf, sizeof buf, "waiting for SIGWINCH\r\n");
    show("after ^C", buf, k);
    ws.ws_row = 40, ws.ws_col = 120;
    ioctl(m, TIOCSWINSZ, &ws);
    k = read_until(m, buf, sizeof buf, "bye\r\n");
    show("after resize", buf, k);
    int status;
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "the child exited 3");
    k = 0;
    int r;
    while ((r = read(m, buf + k, sizeof buf - 1 - k)) > 0) k += r;
    CHECK(r == -1 && errno == EIO, "EIO on the master once the slave is closed");
    struct pollfd p = {m, POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP)) == POLLHUP, "poll: POLLHUP");
    close(m);
}

static void raw_and_packet_test(void) {
    char name[64], buf[256];
    int m = open_pair(name, sizeof name);
    unlockpt(m);
    int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    CHECK(s >= 0 && isatty(s), "TIOCGPTPEER opens the slave");
    struct stat a, b;
    CHECK(fstat(s, &a) == 0 && stat(name, &b) == 0 && a.st_rdev == b.st_rdev,
          "the peer is the named slave");
    struct termios tio;
    tcgetattr(s, &tio);
    cfmakeraw(&tio);
    CHECK(tcsetattr(s, TCSANOW, &tio) == 0, "raw mode on the slave");
    write(m, "a\r\x03\x7f", 4);
    int n = read(s, buf, sizeof buf);
    CHECK(n == 4 && memcmp(buf, "a\r\x03\x7f", 4) == 0, "raw input passes unchanged");
    fcntl(m, F_SETFL, O_NONBLOCK);
    CHECK(read(m, buf, sizeof buf) == -1 && errno == EAGAIN, "no echo in raw mode");
    write(s, "x\ny", 3);
    n = read(m, buf, sizeof buf);
    CHECK(n == 3 && memcmp(buf, "x\ny", 3) == 0, "raw output: no CR added");

    int on = 1;
    CHECK(ioctl(m, TIOCPKT, &on) == 0, "TIOCPKT");
    write(s, "hi", 2);
    n = read(m, buf, sizeof buf);
    CHECK(n == 3 && memcmp(buf, "\0hi", 3) == 0, "packet mode: data after a zero byte");
    tcflush(s, TCIFLUSH);
    n = read(m, buf, sizeof buf);
    CHECK(n == 1 && buf[0] == TIOCPKT_FLUSHREAD, "packet mode: the slave's input flush");

    /* readiness through epoll on both sides, edge-triggered on the master */
    tio.c_lflag |= ICANON;
    tcsetattr(s, TCSANOW, &tio);
    int on0 = 0;
    ioctl(m, TIOCPKT, &on0);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = m}, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev);
    ev.events = EPOLLIN, ev.data.fd = s;
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    CHECK(epoll_wait(ep, out, 2, 0) == 0, "epoll: neither side readable");
    write(s, "ab", 2);
    CHECK(epoll_wait(ep, out, 2, 1000) == 1 && out[0].data.fd == m, "epoll: the master is");
    CHECK(epoll_wait(ep, out, 2, 0) == 0, "epoll: an edge is reported once");
    write(s, "c", 1);
    CHECK(epoll_wait(ep, out, 2, 1000) == 1 && out[0].data.fd == m, "epoll: more data, an edge");
    read(m, buf, sizeof buf);
    write(m, "half", 4);
    CHECK(epoll_wait(ep, out, 2, 0) == 0, "epoll: half a line is not readable");
    write(m, " line\n", 6);
    CHECK(epoll_wait(ep, out, 2, 1000) == 1 && out[0].data.fd == s, "epoll: a whole line is");
    n = read(s, buf, sizeof buf);
    CHECK(n == 10 && memcmp(buf, "half line\n", 10) == 0, "the slave reads the line");
    close(ep);

    /* the master closes: the slave is hung up */
    close(m);
    errno = 0;
    CHECK(read(s, buf, 1) == 0, "a hung-up slave reads end-of-file");
    CHECK(write(s, "x", 1) == -1 && errno == EIO, "and writes fail with EIO");
    struct stat gone;
    CHECK(stat(name, &gone) == -1 && errno == ENOENT, "its /dev/pts entry is gone");
    close(s);
}

static void hangup_test(void) {
    char name[64];
    int m = open_pair(name, sizeof name);
    unlockpt(m);
    int pipefd[2];
    pipe(pipefd);
    pid_t c = fork();
    if (c == 0) {
        close(pipefd[0]);
        close(m);
        setsid();
        int s = open(name, O_RDWR);
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sigaction(SIGHUP, &sa, 0);
        sigset_t block, none;
        sigemptyset(&block);
        sigemptyset(&none);
        sigaddset(&block, SIGHUP);
        sigprocmask(SIG_BLOCK, &block, 0);
        write(pipefd[1], "r", 1);
        while (got != SIGHUP) sigsuspend(&none);
        char b;
        int r = read(s, &b, 1);
        int w = write(s, "x", 1);
        char msg[64];
        int len = snprintf(msg, sizeof msg, "SIGHUP read=%d write=%d %s", r, w,
                           w < 0 && errno == EIO ? "EIO" : "?");
        write(pipefd[1], msg, len);
        _exit(0);
    }
    close(pipefd[1]);
    char b[64];
    read(pipefd[0], b, 1);
    close(m);
    int n = read(pipefd[0], b, sizeof b - 1);
    b[n > 0 ? n : 0] = 0;
    printf("session leader: %s\n", b);
    int status;
    waitpid(c, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the leader exited after the hang-up");
}

int main(void) {
    setvbuf(stdout, 0, _IOLBF, 0);
    session_test();
    raw_and_packet_test();
    hangup_test();
    printf(fails ? "%d failures\n" : "all ok\n", fails);
    return fails != 0;
}
