"""--forward tcp|udp:HOSTPORT:GUESTPORT (kernel/hostfwd.py): a host client reaches a guest listener
through a real host socket on 127.0.0.1; the scheduler's host-fd polling drives the bridge."""
import socket
import struct

import pytest

from kernel.hostfwd import Forward, UdpForward, parse
from kernel.sched import Scheduler
from kernel.syscalls import net as N
from kernel.tmpfs import TmpFS
from kernel.uapi import AF_INET, SOCK_DGRAM, SOCK_STREAM
from kernel.vfs import FsContext
from tests.kernel.fakes import SocketThread

GUEST_PORT = 8080


class Kernel:
    def __init__(self):
        self.sched = Scheduler(self)
        self.logged = []

    def log(self, msg, **kw):
        self.logged.append(msg)


@pytest.fixture
def k():
    return Kernel()


def sin(port):
    return struct.pack("<H", AF_INET) + struct.pack(">H", port) + bytes([127, 0, 0, 1]) + bytes(8)


def guest_listener(t):
    s = t.socket(SOCK_STREAM, AF_INET)
    raw = sin(GUEST_PORT)
    assert t(N.sys_bind, s, t.mem(raw), len(raw)) == 0 and t(N.sys_listen, s, 4) == 0
    return s


def host_port(fwd):
    return fwd.sock.getsockname()[1]


def pump(k, until, rounds=200):
    for _ in range(rounds):
        if until():
            return True
        k.sched.poll_host(0.01)
        k.sched.fire_timers()
    return until()


def test_parse():
    assert parse("tcp:8081:80") == ("tcp", 8081, 80)
    assert parse("udp:5353:53") == ("udp", 5353, 53)
    for bad in ("sctp:1:2", "tcp:0:80", "tcp:80", "tcp:x:80"):
        with pytest.raises(ValueError):
            parse(bad)


def test_host_client_talks_to_guest_server(k):
    t = SocketThread(FsContext(TmpFS()))
    srv = guest_listener(t)
    fwd = Forward(k, 0, GUEST_PORT)
    host = socket.create_connection(("127.0.0.1", host_port(fwd)), timeout=5)
    assert pump(k, lambda: t.file(srv).pending)
    conn = t(N.sys_accept4, srv, 0, 0, 0)
    assert conn > 0
    host.sendall(b"GET / HTTP/1.0\r\n\r\n")
    got = bytearray()
    assert pump(k, lambda: got.extend(t.recv(conn, flags=0x40) if t.file(conn).recvq else b"")
                or got.endswith(b"\r\n\r\n"))
    assert bytes(got) == b"GET / HTTP/1.0\r\n\r\n"
    big = bytes(range(256)) * 2048              # more than a socket buffer
    sent = 0
    received = bytearray()
    host.setblocking(False)
    while len(received) < len(big):
        if sent < len(big):
            n = t.send(conn, big[sent:sent + 65536], 0x40)
            sent += n if isinstance(n, int) and n > 0 else 0
        k.sched.poll_host(0.001)
        k.sched.fire_timers()
        try:
            received += host.recv(1 << 16)
        except BlockingIOError:
            pass
    assert bytes(received) == big
    t.close(conn)                               # the guest closes: the host reads end of file
    host.settimeout(5)
    assert pump(k, lambda: True) and host.recv(10) == b""
    host.close()
    fwd.close()
    t.close(srv)


def test_nobody_listening_in_the_guest_is_refused(k):
    fwd = Forward(k, 0, GUEST_PORT + 1)
    host = socket.create_connection(("127.0.0.1", host_port(fwd)), timeout=5)
    pump(k, lambda: False, rounds=20)
    try:
        assert host.recv(10) == b""
    except ConnectionResetError:
        pass
    host.close()
    fwd.close()


def test_host_close_is_end_of_file_for_the_guest(k):
    t = SocketThread(FsContext(TmpFS()))
    srv = guest_listener(t)
    fwd = Forward(k, 0, GUEST_PORT)
    host = socket.create_connection(("127.0.0.1", host_port(fwd)), timeout=5)
    assert pump(k, lambda: t.file(srv).pending)
    conn = t(N.sys_accept4, srv, 0, 0, 0)
    host.sendall(b"bye")
    host.close()
    got = []
    assert pump(k, lambda: got.append(t.recv(conn, flags=0x40)) or got[-1] == b"")
    assert b"".join(g for g in got if isinstance(g, bytes)) == b"bye"
    t.close(conn)
    assert list(k.sched.host_fds) == [fwd.sock.fileno()]    # the bridge let its socket go
    fwd.close()
    t.close(srv)


def test_udp_datagrams_go_to_the_guest_and_replies_come_back(k):
    """Two host clients through one udp forward: each datagram reaches the guest socket from a
    port of its own (one relay per client), and the guest's replies go back to that client."""
    t = SocketThread(FsContext(TmpFS()))
    g = t.socket(SOCK_DGRAM, AF_INET)
    raw = sin(GUEST_PORT)
    assert t(N.sys_bind, g, t.mem(raw), len(raw)) == 0
    fwd = UdpForward(k, 0, GUEST_PORT)
    clients = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
    for i, c in enumerate(clients):
        c.settimeout(5)
        c.sendto(b"ping %d" % i, ("127.0.0.1", host_port(fwd)))
    assert pump(k, lambda: len(t.file(g).recvq) == 2)
    for _ in range(2):
        src = t.mem(16)
        srclen = t.mem(struct.pack("<i", 16))
        buf = t.mem(100)
        n = t(N.sys_recvfrom, g, buf, 100, 0, src, srclen)
        msg = t.proc.mm.read(buf, n)
        assert t(N.sys_sendto, g, t.mem(b"pong" + msg[4:]), len(msg), 0, src, 16) == len(msg)
    replies = sorted(c.recvfrom(100)[0] for c in clients)
    assert replies == [b"pong 0", b"pong 1"]
    assert len(fwd.relays) == 2
    for c in clients:
        c.close()
    fwd.close()
    t.close(g)
