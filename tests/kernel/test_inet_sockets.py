"""AF_INET/AF_INET6 on the kernel's own loopback (kernel/inet.py), through the net family's
adapters: the bind table, connect outcomes, v4-mapped peers, UDP delivery, /proc/net/tcp."""
import socket
import struct

import pytest

from kernel.errno import (EACCES, EADDRINUSE, EADDRNOTAVAIL, EAGAIN, EALREADY, ECONNREFUSED,
                          ECONNRESET, EINPROGRESS, EISCONN, ENETUNREACH, ENOTCONN, EOPNOTSUPP,
                          EPIPE, EPROTONOSUPPORT)
from kernel.inet import _table
from kernel.poll import revents
from kernel.syscalls import net as N
from kernel.tmpfs import TmpFS
from kernel.uapi import (AF_INET, AF_INET6, AF_UNIX, IPPROTO_TCP, MSG_DONTWAIT, POLLERR, POLLHUP,
                         POLLIN, POLLOUT, SO_REUSEADDR, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM)
from kernel.vfs import FsContext
from tests.kernel.fakes import SocketThread


@pytest.fixture
def t():
    return SocketThread(FsContext(TmpFS()))


def sin(host="127.0.0.1", port=0):
    return struct.pack("<H", AF_INET) + struct.pack(">H", port) + socket.inet_aton(host) + bytes(8)


def sin6(host="::1", port=0):
    return (struct.pack("<H", AF_INET6) + struct.pack(">H", port) + bytes(4)
            + socket.inet_pton(socket.AF_INET6, host) + bytes(4))


def call(t, fn, fd, raw):
    return t(fn, fd, t.mem(raw), len(raw))


def name(t, fd, peer=False):
    """-> (host, port) as getsockname/getpeername report it."""
    buf, ln = t.mem(128), t.mem(struct.pack("<i", 128))
    r = t(N.sys_getpeername if peer else N.sys_getsockname, fd, buf, ln)
    if r:
        return r
    raw = t.proc.mm.read(buf, struct.unpack("<i", t.proc.mm.read(ln, 4))[0])
    port = struct.unpack(">H", raw[2:4])[0]
    if len(raw) == 16:
        return socket.inet_ntoa(raw[4:8]), port
    return socket.inet_ntop(socket.AF_INET6, raw[8:24]), port


def listener(t, family=AF_INET, host="127.0.0.1"):
    s = t.socket(SOCK_STREAM, family)
    assert call(t, N.sys_bind, s, sin(host) if family == AF_INET else sin6(host)) == 0
    assert t(N.sys_listen, s, 4) == 0
    return s, name(t, s)[1]


def test_bind_rules(t):
    s = t.socket(SOCK_STREAM, AF_INET)
    assert call(t, N.sys_bind, s, sin("10.0.0.1")) == -EADDRNOTAVAIL   # not an address of ours
    assert call(t, N.sys_bind, s, sin("127.0.0.1", 80)) == 0           # root may take port 80
    user = SocketThread(t.proc.fs, uid=1000)
    u = user.socket(SOCK_STREAM, AF_INET)
    assert call(user, N.sys_bind, u, sin("127.0.0.1", 81)) == -EACCES
    other = t.socket(SOCK_STREAM, AF_INET)
    assert call(t, N.sys_bind, other, sin("0.0.0.0", 80)) == -EADDRINUSE  # the wildcard overlaps
    for fd in (s, other):
        t.setopt(fd, SO_REUSEADDR, 1)
    assert call(t, N.sys_bind, other, sin("0.0.0.0", 80)) == 0          # both reuse, no listener
    assert t(N.sys_listen, s, 1) == 0
    assert t(N.sys_listen, other, 1) == -EADDRINUSE                      # one listener per port
    v6 = t.socket(SOCK_STREAM, AF_INET6)
    assert call(t, N.sys_bind, v6, sin6("::", 80)) == -EADDRINUSE       # dual stack covers v4


def test_connect_outcomes(t):
    s, port = listener(t)
    c = t.socket(SOCK_STREAM, AF_INET)
    assert call(t, N.sys_connect, c, sin("192.168.1.1", port)) == -ENETUNREACH
    assert call(t, N.sys_connect, c, sin("127.0.0.1", port + 1)) == -ECONNREFUSED
    assert t.send(c, b"x", 0x4000) == -EPIPE                            # unconnected: EPIPE
    assert call(t, N.sys_connect, c, sin("127.0.0.1", port)) == 0
    host, cport = name(t, c)
    assert host == "127.0.0.1" and 32768 <= cport < 61000                # an ephemeral port
    assert name(t, c, peer=True) == ("127.0.0.1", port)
    assert call(t, N.sys_connect, c, sin("127.0.0.1", port)) == -EISCONN
    conn = t(N.sys_accept4, s, 0, 0, 0)
    assert name(t, conn, peer=True) == ("127.0.0.1", cport)
    assert t.send(c, b"data") == 4 and t.recv(conn) == b"data"
    assert t(N.sys_shutdown, t.socket(SOCK_STREAM, AF_INET), 1) == -ENOTCONN


def test_nonblocking_connect_to_full_backlog_completes_at_accept(t):
    s = t.socket(SOCK_STREAM, AF_INET)
    call(t, N.sys_bind, s, sin())
    t(N.sys_listen, s, 0)                       # room for one
    port = name(t, s)[1]
    first, second = (t.socket(SOCK_STREAM | SOCK_NONBLOCK, AF_INET) for _ in range(2))
    assert call(t, N.sys_connect, first, sin(port=port)) == -EINPROGRESS
    assert call(t, N.sys_connect, second, sin(port=port)) == -EINPROGRESS
    assert revents(t.file(second), POLLOUT) == 0                        # still in the SYN queue
    assert call(t, N.sys_connect, second, sin(port=port)) == -EALREADY
    assert t(N.sys_accept4, s, 0, 0, 0) > 0
    assert revents(t.file(second), POLLOUT) == POLLOUT
    assert t(N.sys_accept4, s, 0, 0, 0) > 0


def test_refused_nonblocking_connect_reports_through_poll_and_so_error(t):
    c = t.socket(SOCK_STREAM | SOCK_NONBLOCK, AF_INET)
    assert call(t, N.sys_connect, c, sin(port=9)) == -EINPROGRESS
    assert revents(t.file(c), POLLOUT) == POLLOUT | POLLERR | POLLHUP
    assert call(t, N.sys_connect, c, sin(port=9)) == -ECONNREFUSED


def test_dual_stack_listener_sees_v4_mapped_peers(t):
    s, port = listener(t, AF_INET6, "::")
    c = t.socket(SOCK_STREAM, AF_INET)
    assert call(t, N.sys_connect, c, sin(port=port)) == 0
    conn = t(N.sys_accept4, s, 0, 0, 0)
    assert name(t, conn, peer=True)[0] == "::ffff:127.0.0.1"
    only4, port4 = listener(t, AF_INET, "0.0.0.0")
    c6 = t.socket(SOCK_STREAM, AF_INET6)
    assert call(t, N.sys_connect, c6, sin6("::1", port4)) == -ECONNREFUSED   # v4 listener only


def test_close_sends_fin_and_reset_on_unread_data(t):
    s, port = listener(t)
    c = t.socket(SOCK_STREAM, AF_INET)
    call(t, N.sys_connect, c, sin(port=port))
    conn = t(N.sys_accept4, s, 0, 0, 0)
    t.close(conn)
    assert revents(t.file(c), POLLIN | POLLOUT) == POLLIN | POLLOUT     # a FIN: no hang-up yet
    assert t.recv(c) == b""
    assert t.send(c, b"x") == 1                                          # goes out; reset back
    assert t.send(c, b"x") == -EPIPE and t.kernel.signals == [13]
    c2 = t.socket(SOCK_STREAM, AF_INET)
    call(t, N.sys_connect, c2, sin(port=port))
    conn2 = t(N.sys_accept4, s, 0, 0, 0)
    t.send(c2, b"never read")
    t.close(conn2)
    assert t.recv(c2) == -ECONNRESET


def test_udp_delivery_and_port_unreachable(t):
    a, b = t.socket(SOCK_DGRAM, AF_INET), t.socket(SOCK_DGRAM, AF_INET)
    call(t, N.sys_bind, a, sin())
    port = name(t, a)[1]
    assert t(N.sys_sendto, b, t.mem(b"hi"), 2, 0, t.mem(sin(port=port)), 16) == 2
    assert name(t, b)[0] == "0.0.0.0" and name(t, b)[1] != 0            # autobound on send
    assert t.recv(a) == b"hi"
    c = t.socket(SOCK_DGRAM, AF_INET)
    call(t, N.sys_connect, c, sin(port=port))
    call(t, N.sys_connect, a, sin(port=name(t, c)[1]))                  # a hears only c now
    t(N.sys_sendto, b, t.mem(b"no"), 2, 0, t.mem(sin(port=port)), 16)
    assert t.recv(a, flags=MSG_DONTWAIT) == -EAGAIN
    t.close(a)
    assert t.send(c, b"x") == 1 and t.recv(c, flags=MSG_DONTWAIT) == -ECONNREFUSED
    assert t(N.sys_listen, c, 1) == -EOPNOTSUPP
    assert t(N.sys_socketpair, AF_INET, SOCK_STREAM, 0, t.mem(8)) == -EOPNOTSUPP
    assert t(N.sys_socketpair, AF_UNIX, SOCK_STREAM, IPPROTO_TCP, t.mem(8)) == -EPROTONOSUPPORT


def test_proc_net_tcp_lists_listeners_in_kernel_format(t):
    s, port = listener(t)
    rows = [ln.split() for ln in _table(IPPROTO_TCP, False).splitlines()[1:]]
    assert [f"0100007F:{port:04X}", "00000000:0000", "0A"] in [r[1:4] for r in rows]
    t.close(s)
    assert f"0100007F:{port:04X}" not in _table(IPPROTO_TCP, False)


def test_interface_ioctls_show_lo(t):
    from kernel.syscalls import fd as F
    from kernel.uapi import IFCONF, IFF_LOOPBACK, IFF_UP, SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFMTU
    s = t.socket(SOCK_DGRAM, AF_INET)
    conf, buf = t.mem(IFCONF.pack(0, 0)), t.mem(80)
    assert t(F.sys_ioctl, s, SIOCGIFCONF, conf) == 0
    assert struct.unpack("<i", t.proc.mm.read(conf, 4))[0] == 40        # the size it needs
    t.proc.mm.write(conf, IFCONF.pack(80, buf))
    assert t(F.sys_ioctl, s, SIOCGIFCONF, conf) == 0
    entry = t.proc.mm.read(buf, 40)
    assert entry[:3] == b"lo\0" and socket.inet_ntoa(entry[20:24]) == "127.0.0.1"
    req = t.mem(b"lo".ljust(40, b"\0"))
    assert t(F.sys_ioctl, s, SIOCGIFFLAGS, req) == 0
    assert struct.unpack_from("<H", t.proc.mm.read(req, 40), 16)[0] & (IFF_UP | IFF_LOOPBACK) == 9
    assert t(F.sys_ioctl, s, SIOCGIFMTU, req) == 0
    assert struct.unpack_from("<i", t.proc.mm.read(req, 40), 16)[0] == 65536
    assert t(F.sys_ioctl, s, SIOCGIFMTU, t.mem(b"eth9".ljust(40, b"\0"))) == -19     # ENODEV
