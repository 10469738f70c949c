"""Host port forwarding (QEMU's hostfwd): `--forward tcp:HOSTPORT:GUESTPORT` makes the VM listen
on the host's 127.0.0.1:HOSTPORT and hand each connection to the guest socket listening on
GUESTPORT, so a guest `httpd -p 8080` can be fetched from the host. Nothing else on the host can
reach a guest port.

Each host connection becomes a HostBridge: the client end of a guest TCP connection
(kernel/inet.py), living in the kernel, whose other side is the host socket. Host -> guest: CPU 0
polls the host socket (kernel/sched.py watch_host_fd) and moves what it reads into the guest
socket's queue as room allows (a full queue stops the watch until the guest reads). Guest -> host:
what the guest sends lands in the bridge's queue and is written to the host socket at once,
non-blocking; what the host does not take yet is retried from a timer. Shutdowns and closes pass
through as FINs; a host reset resets the guest side.

`--forward udp:HOSTPORT:GUESTPORT`: each host client (address and port) gets a UdpRelay, a guest
UDP socket on an ephemeral port that sends the client's datagrams to 127.0.0.1:GUESTPORT and
passes what the guest sends back to it (as QEMU's udp hostfwd, by the client's address). A
datagram nobody in the guest receives is dropped, as UDP does.

Partial: a host connection that arrives while no guest socket listens on GUESTPORT is closed at
once, as a refused connection; relays live as long as the VM (one per host client).
"""
import socket
import time

from kernel.errno import Errno
from kernel.inet import LOOPBACK4, TcpSocket, UdpSocket, find_listener, pack_addr
from kernel.sock import RCV_SHUTDOWN, SEND_SHUTDOWN
from kernel.uapi import AF_INET

RETRY = 0.01            # seconds between attempts to push data the host socket refused
CHUNK = 1 << 16


def parse(spec):
    """"tcp:HOSTPORT:GUESTPORT" -> (proto, host port, guest port); ValueError if malformed."""
    proto, host, guest = spec.split(":")
    if proto not in ("tcp", "udp"):
        raise ValueError(f"{spec}: the protocol is tcp or udp")
    host, guest = int(host), int(guest)
    if not (0 < host < 65536 and 0 < guest < 65536):
        raise ValueError(f"{spec}: ports are 1-65535")
    return proto, host, guest


def start(k, specs):
    """The --forward options [(proto, host port, guest port)] -> their listening Forwards."""
    return [(Forward if proto == "tcp" else UdpForward)(k, host, guest)
            for proto, host, guest in specs]


class Forward:
    """One --forward: the host listening socket and the guest port its connections go to."""

    def __init__(self, k, host_port, guest_port):
        self.k, self.guest_port = k, guest_port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", host_port))
        self.sock.listen(16)
        self.sock.setblocking(False)
        k.sched.watch_host_fd(self.sock.fileno(), self._accept)
        k.log(f"forwarding host 127.0.0.1:{host_port} to guest port {guest_port}")

    def _accept(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        listener = find_listener(LOOPBACK4, self.guest_port)
        if listener is None or listener.backlog_full():
            conn.close()                # nobody listens in the guest: refused
            return
        conn.setblocking(False)
        HostBridge(self.k, conn, listener)

    def close(self):
        self.k.sched.host_fds.pop(self.sock.fileno(), None)
        self.sock.close()


class HostBridge(TcpSocket):
    """The guest connection's client end, fed by (and feeding) a host socket."""

    def __init__(self, k, conn, listener):
        super().__init__(AF_INET)
        self.k, self.conn, self.fd = k, conn, conn.fileno()
        self.src, self.retry_due, self.watching = LOOPBACK4, False, False
        self.autobind()
        self.establish(None, listener, LOOPBACK4)
        self._watch()

    def _watch(self):
        if not self.watching and self.conn is not None:
            self.watching = True
            self.k.sched.watch_host_fd(self.fd, self._from_host)

    def _unwatch(self):
        if self.watching:
            self.watching = False
            self.k.sched.host_fds.pop(self.fd, None)

    def _from_host(self):
        """The host socket is readable: data, end of file or a reset for the guest."""
        peer = self.peer
        room = min(self.sndbuf, peer.rcvbuf) - peer.rbytes
        if peer.dead or self.shutdown_bits & SEND_SHUTDOWN:
            self._unwatch()
            return
        if room <= 0:
            self._unwatch()             # until the guest reads (changed() watches again)
            return
        try:
            data = self.conn.recv(min(room, CHUNK))
        except BlockingIOError:
            return
        except OSError:                 # a host reset resets the guest connection
            self._finish(reset=True)
            return
        if data:
            self.stream_send(None, data, 0)
            return
        self._unwatch()                 # the host shut its side: a FIN to the guest
        self.shutdown(SEND_SHUTDOWN, RCV_SHUTDOWN)
        peer.fin = True
        self._maybe_done()

    def changed(self):
        """Every change to this socket: the guest sent, read, shut down or closed."""
        super().changed()
        if self.conn is None:
            return
        self._to_host()
        if not self.peer.dead and not self.shutdown_bits & SEND_SHUTDOWN and \
                self.peer.rbytes < min(self.sndbuf, self.peer.rcvbuf):
            self._watch()
        self._maybe_done()

    def _to_host(self):
        n = 0
        while self.recvq:
            pkt = self.recvq[0]
            try:
                n = self.conn.send(pkt.data[pkt.off:])
            except BlockingIOError:
                n = 0
            except OSError:
                self._finish(reset=True)
                return
            pkt.off += n
            self.rbytes -= n
            if pkt.off < len(pkt.data):
                if not self.retry_due:  # the host is slow: try again soon
                    self.retry_due = True
                    self.k.sched.call_at(time.monotonic() + RETRY, self._retry)
                break
            self.recvq.popleft()
        if n and self.peer is not None and not self.peer.dead:
            self.peer.changed()         # room for the guest writer

    def _retry(self):
        self.retry_due = False
        if self.conn is not None:
            self.changed()

    def _maybe_done(self):
        if self.conn is None or self.recvq:
            return
        if self.fin or self.shutdown_bits & RCV_SHUTDOWN:
            try:
                self.conn.shutdown(socket.SHUT_WR)   # the guest's FIN, passed on
            except OSError:
                pass
        if self.peer.dead and self.shutdown_bits & SEND_SHUTDOWN:
            self._finish(reset=False)
        elif self.peer.dead and (self.fin or self.shutdown_bits & RCV_SHUTDOWN):
            self._finish(reset=False)

    def _finish(self, reset):
        """Both sides are done (or one reset): close the host socket and this end."""
        self._unwatch()
        conn, self.conn = self.conn, None
        if conn is not None:
            conn.close()
        if not self.dead:
            self.embryo = reset         # release() then resets the guest's end, as Linux's RST
            self.put()


class UdpForward:
    """One --forward udp:...: the host datagram socket and a relay per host client."""

    def __init__(self, k, host_port, guest_port):
        self.k, self.guest_port, self.relays = k, guest_port, {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", host_port))
        self.sock.setblocking(False)
        k.sched.watch_host_fd(self.sock.fileno(), self._from_host)
        k.log(f"forwarding host 127.0.0.1:{host_port}/udp to guest port {guest_port}")

    def _from_host(self):
        try:
            data, client = self.sock.recvfrom(CHUNK)
        except OSError:
            return
        relay = self.relays.get(client)
        if relay is None:
            relay = self.relays[client] = UdpRelay(self.sock, client)
        try:
            relay.sendmsg(None, data, 0, pack_addr(AF_INET, LOOPBACK4, self.guest_port), None,
                          None)
        except Errno:
            pass                        # as a lost datagram

    def close(self):
        self.k.sched.host_fds.pop(self.sock.fileno(), None)
        self.sock.close()


class UdpRelay(UdpSocket):
    """A host client's stand-in in the guest: what the guest sends to it goes to the client."""

    def __init__(self, host_sock, client):
        super().__init__(AF_INET)
        self.host_sock, self.client = host_sock, client
        self.autobind()

    def changed(self):
        super().changed()
        while self.recvq:
            pkt = self.recvq.popleft()
            self.rbytes -= len(pkt.data)
            try:
                self.host_sock.sendto(pkt.data, self.client)
            except OSError:
                pass                    # the host side dropped it: UDP
