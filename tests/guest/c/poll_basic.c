/* Readiness: poll, select and epoll on pipes with timeouts, and eventfd. No fork needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define CHECK(c, what) do { if (c) printf("ok %s\n", what); \
    else { printf("FAIL %s (errno %s)\n", what, strerror(errno)); fails++; } } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
    int p[2];
    char buf[64];
    pipe(p);

    struct pollfd fds[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    CHECK(poll(fds, 2, 0) == 1 && fds[0].revents == 0 && fds[1].revents == POLLOUT,
          "poll: empty pipe writable, not readable");
    double t0 = now();
    CHECK(poll(fds, 1, 100) == 0, "poll times out");
    double dt = now() - t0;
    CHECK(dt >= 0.09 && dt < 5, "poll waited about 100 ms");
    write(p[1], "abc", 3);
    CHECK(poll(fds, 1, -1) == 1 && fds[0].revents == POLLIN, "poll: readable after write");
    struct pollfd bad = {999, POLLIN, 0};
    CHECK(poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL, "poll: POLLNVAL for a closed fd");

    fd_set rs, ws;
    FD_ZERO(&rs); FD_ZERO(&ws);
    FD_SET(p[0], &rs); FD_SET(p[1], &ws);
    struct timeval tv = {0, 0};
    CHECK(select(p[1] + 1, &rs, &ws, NULL, &tv) == 2 && FD_ISSET(p[0], &rs) && FD_ISSET(p[1], &ws),
          "select: both ready");
    read(p[0], buf, sizeof buf);
    FD_ZERO(&rs); FD_SET(p[0], &rs);
    tv.tv_sec = 0; tv.tv_usec = 50000;
    t0 = now();
    CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &rs), "select times out");
    CHECK(now() - t0 >= 0.045, "select waited about 50 ms");

    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0, "epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "epoll_ctl ADD");
    errno = 0;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == -1 && errno == EEXIST, "epoll_ctl EEXIST");
    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "epoll: nothing ready");
    t0 = now();
    CHECK(epoll_wait(ep, out, 4, 60) == 0 && now() - t0 >= 0.055, "epoll_wait times out");
    write(p[1], "x", 1);
    CHECK(epoll_wait(ep, out, 4, -1) == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 0x1234,
          "epoll: readable");
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "epoll: level-triggered reports again");
    ev.events = EPOLLIN | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0, "epoll_ctl MOD to edge-triggered");
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "epoll ET: first report");
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "epoll ET: no new edge");
    write(p[1], "y", 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "epoll ET: new data is a new edge");
    ev.events = EPOLLIN | EPOLLONESHOT;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && epoll_wait(ep, out, 4, 0) == 0, "epoll ONESHOT");
    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
    close(p[0]);
    ev.events = EPOLLOUT;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && (out[0].events & EPOLLERR), "epoll: EPOLLERR, no reader");
    close(p[1]);
    close(ep);

    int efd = eventfd(2, EFD_NONBLOCK);
    uint64_t v;
    struct pollfd pe = {efd, POLLIN, 0};
    CHECK(poll(&pe, 1, 0) == 1, "eventfd readable");
    CHECK(read(efd, &v, 8) == 8 && v == 2, "eventfd read takes the count");
    errno = 0;
    CHECK(read(efd, &v, 8) == -1 && errno == EAGAIN, "eventfd EAGAIN at zero");
    v = 5; write(efd, &v, 8); v = 6; write(efd, &v, 8);
    CHECK(read(efd, &v, 8) == 8 && v == 11, "eventfd writes add up");
    close(efd);
    efd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    int ones = 0;
    while (read(efd, &v, 8) == 8) ones += v;
    CHECK(ones == 3, "eventfd semaphore mode counts down by one");
    printf("%s\n", fails ? "SOME FAILED" : "all ok");
    return fails != 0;
}
