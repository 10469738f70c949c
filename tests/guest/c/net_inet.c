/* TCP and UDP over loopback (127.0.0.1, ::1): an echo server and client in two processes with
 * half-close, refused and non-blocking connects, an epoll server with 50 clients, UDP round trips
 * and the ICMP error of a connected UDP socket, IPv6 and v4-mapped peers, EADDRINUSE, a write
 * after the peer closed. Compared with qemu-user (the host kernel). Every port is one the kernel
 * picked (bind to port 0), so parallel runs on the host do not meet; nothing printed depends on a
 * port number or a pid. Prints what it sees, then "all ok". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno); \
                                  fails++; } } while (0)
#define CLIENTS 50

static struct sockaddr_in lo4(int port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int port_of(int fd) {
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    CHECK(getsockname(fd, (void *)&a, &len) == 0);
    return ntohs(((struct sockaddr_in *)&a)->sin_port);   /* same place in sockaddr_in6 */
}

static int tcp_listener(int family, const char *addr) {
    int s = socket(family, SOCK_STREAM, 0), one = 1;
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    struct sockaddr_storage a = {0};
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a4 = (void *)&a;
        a4->sin_family = AF_INET;
        inet_pton(AF_INET, addr, &a4->sin_addr);
        len = sizeof *a4;
    } else {
        struct sockaddr_in6 *a6 = (void *)&a;
        a6->sin6_family = AF_INET6;
        inet_pton(AF_INET6, addr, &a6->sin6_addr);
        len = sizeof *a6;
    }
    CHECK(bind(s, (void *)&a, len) == 0);
    CHECK(listen(s, 64) == 0);
    return s;
}

static const char *peer_text(int fd, int peer) {
    static char text[INET6_ADDRSTRLEN];
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    CHECK((peer ? getpeername : getsockname)(fd, (void *)&a, &len) == 0);
    if (a.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&a)->sin_addr, text, sizeof text);
    else
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a)->sin6_addr, text, sizeof text);
    return text;
}

static void echo(void) {
    int srv = tcp_listener(AF_INET, "127.0.0.1"), port = port_of(srv);
    printf("listener on %s, port chosen %d\n", peer_text(srv, 0), port != 0);
    pid_t child = fork();
    if (child == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = lo4(port);
        if (connect(c, (void *)&a, sizeof a) != 0) _exit(1);
        if (write(c, "hello over tcp", 14) != 14) _exit(2);
        shutdown(c, SHUT_WR);
        char buf[64];
        size_t got = 0;
        ssize_t n;
        while ((n = read(c, buf + got, sizeof buf - got)) > 0)
            got += n;
        printf("client got '%.*s' then EOF %zd\n", (int)got, buf, n);
        _exit(0);
    }
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    int conn = accept(srv, (void *)&from, &flen);
    CHECK(conn >= 0);
    printf("accepted from %s (length %u), local %s\n", inet_ntoa(from.sin_addr), flen,
           peer_text(conn, 0));
    char buf[64];
    size_t got = 0;
    ssize_t n;
    while ((n = read(conn, buf + got, sizeof buf - got)) > 0)
        got += n;
    printf("server read %zu bytes then EOF %zd\n", got, n);
    for (size_t i = 0; i < got; i++)
        buf[i] = toupper((unsigned char)buf[i]);
    CHECK(write(conn, buf, got) == (ssize_t)got);   /* half-closed: we may still write */
    close(conn);
    int status;
    waitpid(child, &status, 0);
    printf("client status %d\n", WEXITSTATUS(status));
    close(srv);
}

static void refusals(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4(0);
    CHECK(bind(s, (void *)&a, sizeof a) == 0);
    int port = port_of(s);
    int again = socket(AF_INET, SOCK_STREAM, 0);
    a = lo4(port);
    errno = 0;
    printf("bind a taken port: %d errno %d\n", bind(again, (void *)&a, sizeof a), errno);
    close(again);
    close(s);                                   /* now nobody listens on port */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    printf("connect to a closed port: %d errno %d\n", connect(c, (void *)&a, sizeof a), errno);
    close(c);

    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0;
    printf("non-blocking connect to a closed port: %d errno %d\n",
           connect(c, (void *)&a, sizeof a), errno);
    struct pollfd p = {c, POLLOUT, 0};
    printf("  poll %d revents %#x\n", poll(&p, 1, 5000), p.revents);
    int err;
    socklen_t len = sizeof err;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("  SO_ERROR %d\n", err);
    close(c);

    int srv = tcp_listener(AF_INET, "127.0.0.1");
    a = lo4(port_of(srv));
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0;
    printf("non-blocking connect: %d errno %d\n", connect(c, (void *)&a, sizeof a), errno);
    p.fd = c;
    printf("  poll %d revents %#x\n", poll(&p, 1, 5000), p.revents);
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("  SO_ERROR %d\n", err);
    errno = 0;
    int r = connect(c, (void *)&a, sizeof a);
    printf("  connect again: %d errno %d", r, r ? errno : 0);
    errno = 0;
    r = connect(c, (void *)&a, sizeof a);
    printf(", and again: %d errno %d\n", r, r ? errno : 0);
    int conn = accept(srv, NULL, NULL);
    CHECK(conn >= 0);
    int one = 1, v;
    CHECK(setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
    CHECK(setsockopt(conn, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0);
    len = sizeof v;
    getsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    printf("TCP_NODELAY %d", v);
    getsockopt(conn, SOL_SOCKET, SO_KEEPALIVE, &v, &len);
    printf(" SO_KEEPALIVE %d", v);
    getsockopt(conn, SOL_SOCKET, SO_TYPE, &v, &len);
    printf(" SO_TYPE %d", v);
    getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &v, &len);
    printf(" SO_ACCEPTCONN %d\n", v);

    /* the peer closes: end of file, one write goes out, the reset makes the next EPIPE */
    close(conn);
    char ch;
    p.events = POLLIN;
    poll(&p, 1, 5000);
    printf("after peer close: poll %#x read %zd\n", p.revents, read(c, &ch, 1));
    signal(SIGPIPE, SIG_IGN);
    CHECK(write(c, "x", 1) == 1);
    usleep(20000);
    errno = 0;
    printf("second write: %zd errno %d\n", write(c, "x", 1), errno);
    close(c);
    close(srv);
}

static void epoll_server(void) {
    int srv = tcp_listener(AF_INET, "127.0.0.1"), port = port_of(srv);
    pid_t child = fork();
    if (child == 0) {
        int fds[CLIENTS];
        struct sockaddr_in a = lo4(port);
        for (int i = 0; i < CLIENTS; i++) {
            fds[i] = socket(AF_INET, SOCK_STREAM, 0);
            if (connect(fds[i], (void *)&a, sizeof a) != 0) _exit(1);
            char msg[16];
            int n = snprintf(msg, sizeof msg, "%d", i);
            if (write(fds[i], msg, n) != n) _exit(2);
        }
        int good = 0;
        for (int i = 0; i < CLIENTS; i++) {
            char buf[16] = {0};
            if (read(fds[i], buf, sizeof buf - 1) > 0 && atoi(buf) == i * i)
                good++;
            close(fds[i]);
        }
        _exit(good == CLIENTS ? 0 : 3);
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {EPOLLIN, {.fd = srv}}, out[16];
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev) == 0);
    int served = 0, closed = 0;
    while (closed < CLIENTS) {
        int n = epoll_wait(ep, out, 16, 10000);
        if (n <= 0) {
            printf("FAIL epoll_wait %d\n", n);
            fails++;
            break;
        }
        for (int i = 0; i < n; i++) {
            int fd = out[i].data.fd;
            if (fd == srv) {
                int c = accept4(srv, NULL, NULL, SOCK_NONBLOCK);
                struct epoll_event cev = {EPOLLIN | EPOLLRDHUP, {.fd = c}};
                CHECK(c >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) == 0);
                continue;
            }
            char buf[16] = {0};
            ssize_t got = read(fd, buf, sizeof buf - 1);
            if (got > 0) {
                char reply[16];
                int v = atoi(buf), len = snprintf(reply, sizeof reply, "%d", v * v);
                CHECK(write(fd, reply, len) == len);
                served++;
            } else if (got == 0) {
                epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                close(fd);
                closed++;
            }
        }
    }
    int status;
    waitpid(child, &status, 0);
    printf("epoll server: served %d, closed %d, client status %d\n", served, closed,
           WEXITSTATUS(status));
    close(ep);
    close(srv);
}

static void udp(void) {
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = lo4(0), from;
    CHECK(bind(a, (void *)&addr, sizeof addr) == 0);
    int aport = port_of(a);
    addr = lo4(aport);
    CHECK(sendto(b, "ping", 4, 0, (void *)&addr, sizeof addr) == 4);
    printf("udp sender autobound: %d, name %s\n", port_of(b) != 0, peer_text(b, 0));
    char buf[64];
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(a, buf, sizeof buf, 0, (void *)&from, &flen);
    printf("udp got %zd from %s, port matches %d\n", n, inet_ntoa(from.sin_addr),
           ntohs(from.sin_port) == port_of(b));
    CHECK(sendto(a, "pong!", 5, 0, (void *)&from, flen) == 5);
    n = recv(b, buf, 2, MSG_TRUNC);
    printf("udp reply truncated: %zd\n", n);
    errno = 0;
    printf("udp recv empty: %zd errno %d\n", recv(b, buf, sizeof buf, MSG_DONTWAIT), errno);
    errno = 0;
    printf("udp send without address: %zd errno %d\n", send(b, "x", 1, 0), errno);

    /* a child answers datagrams: a round trip between processes */
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < 3; i++) {
            struct sockaddr_in f;
            socklen_t fl = sizeof f;
            ssize_t m = recvfrom(a, buf, sizeof buf, 0, (void *)&f, &fl);
            if (m <= 0) _exit(1);
            sendto(a, buf, m, 0, (void *)&f, fl);
        }
        _exit(0);
    }
    CHECK(connect(b, (void *)&addr, sizeof addr) == 0);
    printf("connected udp peer %s, local %s\n", peer_text(b, 1), peer_text(b, 0));
    for (int i = 0; i < 3; i++) {
        char msg[8];
        int len = snprintf(msg, sizeof msg, "r%d", i);
        CHECK(send(b, msg, len, 0) == len);
        n = recv(b, buf, sizeof buf, 0);
        printf("round trip %d: '%.*s'\n", i, (int)n, buf);
    }
    int status;
    waitpid(child, &status, 0);
    close(a);
    /* nobody holds the port now: the next call after a send fails with ECONNREFUSED */
    CHECK(send(b, "lost", 4, 0) == 4);
    usleep(20000);
    errno = 0;
    printf("connected udp after port unreachable: %zd errno %d", recv(b, buf, sizeof buf,
           MSG_DONTWAIT), errno);
    errno = 0;
    printf(", then %zd errno %d\n", recv(b, buf, sizeof buf, MSG_DONTWAIT), errno);
    close(b);
}

static void ipv6(void) {
    int srv = tcp_listener(AF_INET6, "::1"), port = port_of(srv);
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {0};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_loopback;
    CHECK(connect(c, (void *)&a, sizeof a) == 0);
    int conn = accept(srv, NULL, NULL);
    printf("ipv6: peer %s,", peer_text(conn, 1));
    printf(" client local %s\n", peer_text(c, 0));
    CHECK(write(c, "six", 3) == 3);
    char buf[8];
    CHECK(read(conn, buf, 8) == 3);
    close(c);
    close(conn);
    close(srv);

    /* a dual-stack listener on :: hears IPv4 clients as v4-mapped addresses */
    srv = tcp_listener(AF_INET6, "::");
    struct sockaddr_in a4 = lo4(port_of(srv));
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, (void *)&a4, sizeof a4) == 0);
    conn = accept(srv, NULL, NULL);
    printf("dual stack: peer %s,", peer_text(conn, 1));
    printf(" local %s\n", peer_text(conn, 0));
    int v6only = 1;
    errno = 0;
    printf("IPV6_V6ONLY after bind: %d errno %d\n",
           setsockopt(srv, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only), errno);
    close(c);
    close(conn);
    close(srv);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    echo();
    refusals();
    epoll_server();
    udp();
    ipv6();
    if (fails)
        return 1;
    printf("all ok\n");
    return 0;
}
