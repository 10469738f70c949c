"""AF_INET and AF_INET6 on the kernel's own loopback (the issue's `--net guest`): TCP and UDP
between guest processes over 127.0.0.0/8 and ::1, never touching a host socket.

No packets and no TCP state machine: a TCP connection is a pair of kernel/sock.py stream queues
made at connect (the handshake of a loopback connection completes before connect returns, as on
Linux, so the client may write before accept); a UDP datagram goes straight to the receive queue
of the socket bound where it is sent. What a program can observe is Linux's:
  - addresses: every address is kept as 16 bytes, IPv4 ones v4-mapped (::ffff:a.b.c.d), so an
    AF_INET6 socket that is not IPV6_V6ONLY serves IPv4 peers and shows them mapped;
  - binding: 127.0.0.0/8, ::1 or the wildcard (anything else EADDRNOTAVAIL), ports below 1024
    for root only, EADDRINUSE unless SO_REUSEADDR allows it (TCP: not next to a listener),
    ephemeral ports from 32768-60999 on connect, listen or send from an unbound socket;
  - connect: ECONNREFUSED where nobody listens; ENETUNREACH for a non-loopback address; a
    non-blocking connect says EINPROGRESS and is writable at once (SO_ERROR gives the outcome);
    a full backlog makes a client wait until accept makes room;
  - closing: a FIN (the peer reads end of file), or a reset (ECONNRESET) when unread data was
    left or the connection was never accepted; writing to a peer that closed succeeds once and
    then fails with EPIPE (and SIGPIPE), as the reset comes back;
  - UDP: a connected socket only hears from its peer, and a datagram sent to a port nobody
    holds makes the connected sender's next call fail with ECONNREFUSED (the ICMP error).
Not modelled: TIME_WAIT (a port is free again as soon as its sockets close), urgent data,
multicast and broadcast, raw sockets, other interfaces (--net host and --forward are not here).
"""
import itertools
import struct

from kernel.errno import (EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EALREADY,
                          ECONNREFUSED, EDESTADDRREQ, EINPROGRESS, EINVAL, EISCONN, EMSGSIZE,
                          ENETUNREACH, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPIPE, EPROTONOSUPPORT,
                          ESOCKTNOSUPPORT, Errno)
from kernel.sock import (CLOSED, CONNECTED, CONNECTING, LISTENING, PROC_NET, RCV_SHUTDOWN,
                         SEND_SHUTDOWN, SHUTDOWN_MASK, Packet, Socket, peer_cred_of, sigpipe)
from kernel.uapi import (AF_INET, AF_INET6, AF_UNSPEC, IP_RECVERR, IP_TOS, IP_TTL, IPPROTO_IP,
                         IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP, IPV6_V6ONLY, MSG_OOB, O_NONBLOCK,
                         POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND,
                         POLLWRNORM, SO_REUSEADDR, SO_REUSEPORT, SOCK_DGRAM, SOCK_STREAM, TCP_CORK,
                         TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_MAXSEG, TCP_NODELAY,
                         TCP_QUICKACK, TCP_USER_TIMEOUT)

V4MAPPED = bytes(10) + b"\xff\xff"
ANY4, ANY6 = V4MAPPED + bytes(4), bytes(16)
LOOPBACK4, LOOPBACK6 = V4MAPPED + bytes([127, 0, 0, 1]), bytes(15) + b"\x01"
EPHEMERAL = range(32768, 61000)         # /proc/sys/net/ipv4/ip_local_port_range
PRIVILEGED_PORTS = 1024                 # ip_unprivileged_port_start
UDP_MAX = {AF_INET: 65507, AF_INET6: 65527}     # the largest datagram payload
LOOPBACK_MSS = 65483
IPPROTO_RAW = 255
# IPPROTO_TCP / IPPROTO_IP options kept and reported, with Linux's defaults
TCP_DEFAULTS = {TCP_NODELAY: 0, TCP_CORK: 0, TCP_KEEPIDLE: 7200, TCP_KEEPINTVL: 75,
                TCP_KEEPCNT: 9, TCP_QUICKACK: 1, TCP_USER_TIMEOUT: 0}
IP_DEFAULTS = {IP_TOS: 0, IP_TTL: 64, IP_RECVERR: 0}

_ports = {}             # (protocol, port) -> [sockets bound there], in binding order
_ephemeral = itertools.count()
_live = {}              # ino -> every inet socket not yet released (/proc/net/tcp, udp)


def is_v4(ip):
    return ip[:12] == V4MAPPED


def is_any(ip):
    return ip in (ANY4, ANY6)


def is_local(ip):
    return ip == LOOPBACK6 or is_v4(ip) and ip[12] == 127


def parse_addr(family, raw):
    """A sockaddr_in / sockaddr_in6 for a socket of `family` -> (16-byte address, port)."""
    if len(raw) < 2:
        raise Errno(EINVAL)
    fam = int.from_bytes(raw[:2], "little")
    if family == AF_INET:
        if len(raw) < 16:
            raise Errno(EINVAL)
        if fam not in (AF_INET, AF_UNSPEC):
            raise Errno(EAFNOSUPPORT)
        return V4MAPPED + bytes(raw[4:8]), int.from_bytes(raw[2:4], "big")
    if len(raw) < 24:                   # SIN6_LEN_RFC2133: without sin6_scope_id
        raise Errno(EINVAL)
    if fam != AF_INET6:
        raise Errno(EAFNOSUPPORT)
    return bytes(raw[8:24]), int.from_bytes(raw[2:4], "big")


def pack_addr(family, ip, port):
    if family == AF_INET:
        return struct.pack("<H", AF_INET) + port.to_bytes(2, "big") + ip[12:] + bytes(8)
    return struct.pack("<H", AF_INET6) + port.to_bytes(2, "big") + bytes(4) + ip + bytes(4)


def source_for(dest):
    """The local address loopback traffic to `dest` comes from (the lo route's src)."""
    return LOOPBACK4 if is_v4(dest) else LOOPBACK6


class InetSocket(Socket):
    """What TCP and UDP sockets share: an address, a port, and the bind table."""
    proto = 0

    def __init__(self, family, type_, protocol, flags=0):
        super().__init__(type_, protocol, flags)
        self.family = family
        self.ip = ANY4 if family == AF_INET else ANY6      # bound address
        self.src = None                 # the local address once connected (if bound to ANY)
        self.port = 0
        self.uid = 0                    # the creator's, for /proc/net (set by the syscall)
        self.popts = {}                 # (level, name) -> int: protocol options kept
        _live[self.ino] = self

    # ---- addresses and the bind table ----------------------------------------------------------
    @property
    def v6only(self):
        return bool(self.popts.get((IPPROTO_IPV6, IPV6_V6ONLY)))

    def scope(self):
        """The kinds of destination a wildcard-bound socket takes: "4" and/or "6"."""
        if self.ip == ANY4:
            return {"4"}
        return {"6"} if self.v6only else {"4", "6"}

    def covers(self, ip):
        if is_any(self.ip):
            return ("4" if is_v4(ip) else "6") in self.scope()
        return self.ip == ip

    def overlaps(self, other):
        if not is_any(self.ip):
            return other.covers(self.ip)
        if not is_any(other.ip):
            return self.covers(other.ip)
        return bool(self.scope() & other.scope())

    def may_share(self, other):
        """May self be bound on the port other holds, where their addresses overlap?"""
        if self.proto == IPPROTO_UDP:
            return (self.opts.get(SO_REUSEADDR) and other.opts.get(SO_REUSEADDR)
                    or self.opts.get(SO_REUSEPORT) and other.opts.get(SO_REUSEPORT))
        return (self.opts.get(SO_REUSEADDR) and other.opts.get(SO_REUSEADDR)
                and other.state != LISTENING)

    def in_use(self, port, listening=False):
        for other in _ports.get((self.proto, port), ()):
            if other is not self and self.overlaps(other) and (
                    other.state == LISTENING if listening else not self.may_share(other)):
                return True
        return False

    def take_port(self, port):
        self.port = port
        _ports.setdefault((self.proto, port), []).append(self)

    def drop_port(self):
        holders = _ports.get((self.proto, self.port), [])
        if self in holders:
            holders.remove(self)
            if not holders:
                del _ports[(self.proto, self.port)]
        self.port = 0

    def autobind(self):
        for _ in EPHEMERAL:
            port = EPHEMERAL[next(_ephemeral) % len(EPHEMERAL)]
            if not _ports.get((self.proto, port)):
                self.take_port(port)
                return
        raise Errno(EAGAIN)             # every ephemeral port taken, as Linux says

    def bind(self, t, raw, mknod=None):
        if self.family == AF_INET and len(raw) >= 2 and raw[0] == AF_UNSPEC and raw[1] == 0:
            if raw[4:8] != bytes(4):    # AF_UNSPEC is taken as AF_INET for INADDR_ANY only
                raise Errno(EAFNOSUPPORT)
        ip, port = parse_addr(self.family, raw)
        if self.port:
            raise Errno(EINVAL)
        if not (is_any(ip) or is_local(ip)):
            raise Errno(EADDRNOTAVAIL)
        if self.family == AF_INET6 and is_v4(ip) and self.v6only:
            raise Errno(EINVAL)
        if 0 < port < PRIVILEGED_PORTS and t is not None and t.proc.creds.euid != 0:
            raise Errno(EACCES)
        self.ip = ANY4 if ip == ANY4 and self.family == AF_INET6 else ip
        if port:
            if self.in_use(port):
                self.ip = ANY4 if self.family == AF_INET else ANY6
                raise Errno(EADDRINUSE)
            self.take_port(port)
        else:
            self.autobind()
        return 0

    def local_ip(self):
        return self.src or self.ip

    def getsockname(self):
        return pack_addr(self.family, self.local_ip(), self.port)

    def destination(self, raw):
        """Where a connect or sendto goes: the wildcard means this host; ENETUNREACH off it."""
        ip, port = parse_addr(self.family, raw)
        if self.family == AF_INET6 and is_v4(ip) and self.v6only:
            raise Errno(ENETUNREACH)
        if is_any(ip):
            ip = LOOPBACK4 if is_v4(ip) or self.family == AF_INET else LOOPBACK6
        if not is_local(ip):
            raise Errno(ENETUNREACH)
        return ip, port

    def sender_addr(self, receiver):
        """How the receiver names us: in its family (IPv4 peers of an IPv6 socket mapped)."""
        return pack_addr(receiver.family, self.local_ip(), self.port)

    # ---- options -------------------------------------------------------------------------------
    def proto_getsockopt(self, t, level, name):
        value = self.popts.get((level, name))
        if value is None:
            value = self.option_default(level, name)
        return struct.pack("<i", value)

    def proto_setsockopt(self, t, level, name, raw):
        self.option_default(level, name)        # ENOPROTOOPT for what we do not know
        if len(raw) < 4:
            raise Errno(EINVAL)
        if level == IPPROTO_IPV6 and name == IPV6_V6ONLY and self.port:
            raise Errno(EINVAL)
        self.popts[(level, name)] = struct.unpack_from("<i", raw)[0]

    def option_default(self, level, name):
        if level == IPPROTO_IP and name in IP_DEFAULTS:
            return IP_DEFAULTS[name]
        if level == IPPROTO_IPV6 and name == IPV6_V6ONLY and self.family == AF_INET6:
            return 0
        raise Errno(ENOPROTOOPT)

    def release(self):
        _live.pop(self.ino, None)
        self.drop_port()
        super().release()


def find_listener(ip, port):
    """The listening TCP socket a SYN to ip:port reaches (a specific address before the
    wildcard), or None."""
    found = [s for s in _ports.get((IPPROTO_TCP, port), ())
             if s.state == LISTENING and not s.dead and s.covers(ip)]
    found.sort(key=lambda s: is_any(s.ip))
    return found[0] if found else None


class TcpSocket(InetSocket):
    proto = IPPROTO_TCP
    close_mirror = RCV_SHUTDOWN         # a FIN: the peer reads end of file, and may still write

    def __init__(self, family, flags=0):
        super().__init__(family, SOCK_STREAM, IPPROTO_TCP, flags)
        self.connect_pending = False    # a non-blocking connect has not been asked about yet
        self.waiting = []               # LISTENING: non-blocking connects waiting for room

    def type_is_stream(self):
        return True

    def option_default(self, level, name):
        if level == IPPROTO_TCP:
            if name == TCP_MAXSEG:
                return LOOPBACK_MSS if self.state == CONNECTED else 536
            if name in TCP_DEFAULTS:
                return TCP_DEFAULTS[name]
            raise Errno(ENOPROTOOPT)
        return super().option_default(level, name)

    # ---- connections ---------------------------------------------------------------------------
    def listen(self, t, backlog):
        if self.state not in (CLOSED, LISTENING) or self.connect_pending:
            raise Errno(EINVAL)
        if not self.port:
            self.autobind()
        elif self.state != LISTENING and self.in_use(self.port, listening=True):
            raise Errno(EADDRINUSE)
        super().listen(t, backlog)

    def connect(self, t, raw):
        if self.connect_pending:        # asked again after EINPROGRESS: the outcome, once
            self.connect_pending = False
            if self.state == CONNECTING:
                raise Errno(EALREADY)
            if self.state == CONNECTED:
                return 0
            raise Errno(self.take_err() or ECONNREFUSED)
        if self.state in (CONNECTED, LISTENING):
            raise Errno(EISCONN)
        if self.state == CONNECTING:
            raise Errno(EALREADY)
        ip, port = self.destination(raw)
        nonblocking = bool(self.flags & O_NONBLOCK)
        listener = find_listener(ip, port) if port else None
        if listener is None:
            if nonblocking:             # the refusal arrives after EINPROGRESS
                self.state, self.err, self.shutdown_bits = CLOSED, ECONNREFUSED, SHUTDOWN_MASK
                self.connect_pending = True
                self.changed()
                raise Errno(EINPROGRESS)
            raise Errno(ECONNREFUSED)
        if not self.port:
            self.autobind()
        if is_any(self.ip):
            self.src = source_for(ip)
        self.dest = (ip, port)
        if listener.backlog_full():
            if not nonblocking:
                self.block(t, 0, self.sndtimeo, listener)
            self.state, self.connect_pending = CONNECTING, True
            listener.waiting.append(self)
            self.changed()
            raise Errno(EINPROGRESS)
        self.establish(t, listener, ip)
        if nonblocking:
            self.connect_pending = True
            raise Errno(EINPROGRESS)
        return 0

    def establish(self, t, listener, ip):
        """The handshake: make the server's end and queue it for accept."""
        server = TcpSocket(listener.family)
        server.ip, server.port, server.uid = listener.ip, listener.port, listener.uid
        server.src = ip
        server.opts.update(listener.opts)
        server.popts.update(listener.popts)
        server.sndbuf, server.rcvbuf = listener.sndbuf, listener.rcvbuf
        server.embryo = True
        server.connected_to(self, peer_cred_of(t) if t is not None else None)
        self.connected_to(server, listener.listener_cred)
        listener.pending.append(server)
        listener.changed()

    def accept(self, t):
        new = super().accept(t)
        new.embryo = False
        while self.waiting and not self.backlog_full():     # room: a waiting SYN gets in
            client = self.waiting.pop(0)
            if client.state == CONNECTING and not client.dead:
                client.establish(None, self, client.dest[0])
        return new

    def getpeername(self):
        if self.state != CONNECTED or self.peer is None:
            raise Errno(ENOTCONN)
        return self.peer.sender_addr(self)

    def shutdown_call(self, how):
        if self.state == LISTENING and how != 1:
            self.release_waiting()
            self.state = CLOSED
            while self.pending:
                self.pending.popleft().put()
            self.changed()
            return 0
        if self.state != CONNECTED:
            raise Errno(ENOTCONN)
        mode = how + 1
        self.shutdown(mode, RCV_SHUTDOWN if mode & SEND_SHUTDOWN else 0)
        if mode & SEND_SHUTDOWN and self.peer is not None:
            self.peer.fin = True
        return 0

    def release_waiting(self):
        for client in self.waiting:     # SYNs to a listener that is gone: refused
            client.state, client.err, client.shutdown_bits = CLOSED, ECONNREFUSED, SHUTDOWN_MASK
            client.changed()
        self.waiting = []

    def peer_closed(self, peer, reset):
        if not reset:
            peer.fin = True
        super().peer_closed(peer, reset)

    def release(self):
        self.release_waiting()
        super().release()

    # ---- data ----------------------------------------------------------------------------------
    def sendmsg(self, t, data, flags, addr, fds, cred):
        if flags & MSG_OOB:
            raise Errno(EOPNOTSUPP)
        if self.state == CONNECTING:    # waiting in a full backlog
            self.block(t, flags, self.sndtimeo)
        if self.err and not (t is not None and t.restart.get("written")):
            err = self.take_err()       # a reset, or a refused connect
            raise sigpipe(t, flags) if err == EPIPE else Errno(err)
        if self.state != CONNECTED:
            raise sigpipe(t, flags)     # sk_stream_wait_connect: EPIPE (the address is ignored)
        return self.stream_send(t, data, flags, None, None, None)

    def send_to_dead_peer(self, t, data, flags, done):
        """The peer closed: these bytes go out and a reset comes back (EPIPE from now on)."""
        self.err, self.shutdown_bits = EPIPE, SHUTDOWN_MASK
        self.changed()
        return len(data)

    def recvmsg(self, t, n, flags):
        if flags & MSG_OOB:
            raise Errno(EOPNOTSUPP if self.state == CONNECTED else EINVAL)
        if self.state == LISTENING:
            raise Errno(ENOTCONN)
        r = self.stream_recv(t, n, flags)
        r.addr = None
        return r

    def poll_mask(self):
        return self.stream_poll()


class UdpSocket(InetSocket):
    proto = IPPROTO_UDP

    def __init__(self, family, flags=0):
        super().__init__(family, SOCK_DGRAM, IPPROTO_UDP, flags)
        self.dest = None                # connected: (address, port)

    def listen(self, t, backlog):
        raise Errno(EOPNOTSUPP)

    def accept(self, t):
        raise Errno(EOPNOTSUPP)

    def connect(self, t, raw):
        if len(raw) >= 2 and int.from_bytes(raw[:2], "little") == AF_UNSPEC:
            self.dest, self.state, self.src = None, CLOSED, None    # dissolve the association
            return 0
        ip, port = self.destination(raw)
        if not self.port:
            self.autobind()
        if is_any(self.ip):
            self.src = source_for(ip)
        self.dest, self.state = (ip, port), CONNECTED
        self.changed()
        return 0

    def getpeername(self):
        if self.dest is None:
            raise Errno(ENOTCONN)
        return pack_addr(self.family, *self.dest)

    def shutdown_call(self, how):
        self.shutdown(how + 1, 0)
        if self.dest is None:
            raise Errno(ENOTCONN)       # applied anyway (it wakes readers), as inet_shutdown
        return 0

    def receiver(self, ip, port):
        """The socket a datagram to ip:port is for: bound there (the most recently bound of the
        most specific), and if connected, connected to us."""
        me = (self.src or (source_for(ip) if is_any(self.ip) else self.ip), self.port)
        found = [s for s in _ports.get((IPPROTO_UDP, port), ())
                 if not s.dead and s.covers(ip) and (s.dest is None or s.dest == me)]
        pool = [s for s in found if not is_any(s.ip)] or found
        return pool[-1] if pool else None

    def sendmsg(self, t, data, flags, addr, fds, cred):
        if flags & MSG_OOB:
            raise Errno(EOPNOTSUPP)
        if self.err:
            raise Errno(self.take_err())
        if addr:
            ip, port = self.destination(addr)
        elif self.dest is None:
            raise Errno(EDESTADDRREQ)
        else:
            ip, port = self.dest
        if self.shutdown_bits & SEND_SHUTDOWN:
            raise sigpipe(t, flags)
        if len(data) > UDP_MAX[AF_INET if is_v4(ip) else AF_INET6]:
            raise Errno(EMSGSIZE)
        if not port:
            raise Errno(EINVAL)
        if not self.port:
            self.autobind()
        dest = self.receiver(ip, port)
        if dest is None:
            if self.dest is not None:
                self.err = ECONNREFUSED     # port unreachable: told on the next call
                self.changed()
            return len(data)
        if dest.rbytes + len(data) > dest.rcvbuf:
            return len(data)            # the receiver's buffer is full: dropped
        src = self.src or (source_for(ip) if is_any(self.ip) else self.ip)
        pkt = Packet(bytes(data), None, None, pack_addr(dest.family, src, self.port))
        return self.record_deliver(t, dest, pkt, flags, False)

    def recvmsg(self, t, n, flags):
        if flags & MSG_OOB:
            raise Errno(EOPNOTSUPP)
        if self.err:
            raise Errno(self.take_err())
        return self.record_recv(t, n, flags)

    def type_is_stream(self):
        return False

    def poll_mask(self):
        mask = POLLERR if self.err else 0       # datagram_poll
        if self.shutdown_bits & RCV_SHUTDOWN:
            mask |= POLLRDHUP | POLLIN | POLLRDNORM
        if self.shutdown_bits == SHUTDOWN_MASK:
            mask |= POLLHUP
        if self.recvq:
            mask |= POLLIN | POLLRDNORM
        return mask | POLLOUT | POLLWRNORM | POLLWRBAND


def create(family, type_, protocol, flags):
    if type_ == SOCK_STREAM:
        if protocol not in (0, IPPROTO_TCP):
            raise Errno(EPROTONOSUPPORT)
        return TcpSocket(family, flags)
    if type_ == SOCK_DGRAM:
        if protocol not in (0, IPPROTO_UDP):
            raise Errno(EPROTONOSUPPORT)
        return UdpSocket(family, flags)
    raise Errno(ESOCKTNOSUPPORT)


# ---- /proc/net/{tcp,tcp6,udp,udp6} (net/ipv4/tcp_ipv4.c get_tcp4_sock, ipv6 likewise) ----------
TCP_STATES = {CONNECTED: 0x01, LISTENING: 0x0A, CLOSED: 0x07, CONNECTING: 0x02}


def _hex_ip(ip, v6):
    """An address as /proc prints it: the raw 32-bit words in host (little-endian) order."""
    words = struct.unpack("<4I", ip) if v6 else struct.unpack("<I", ip[12:])
    return "".join(f"{w:08X}" for w in words)


def _table(proto, v6):
    width = 32 if v6 else 8
    head = (f"  sl  {'local_address':<{width + 6}}{'rem_address':<{width + 6}}st tx_queue "
            f"rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
    lines, n = [head], 0
    for ino, s in sorted(_live.items()):
        if s.proto != proto or (s.family == AF_INET6) != v6 or (s.state == CLOSED and not s.port):
            continue
        if isinstance(s, TcpSocket):
            peer = (s.peer.local_ip(), s.peer.port) if s.state == CONNECTED and s.peer else None
            st = TCP_STATES[s.state]
        else:
            peer, st = s.dest, 0x01 if s.dest else 0x07
        rip, rport = peer or (ANY6 if v6 else ANY4, 0)
        lines.append(f"{n:4d}: {_hex_ip(s.local_ip(), v6)}:{s.port:04X} {_hex_ip(rip, v6)}:"
                     f"{rport:04X} {st:02X} 00000000:{s.rbytes:08X} 00:00000000 00000000 "
                     f"{s.uid:5d} {0:8d} {ino} 1 0000000000000000\n")
        n += 1
    return "".join(lines)


PROC_NET.update({"tcp": lambda: _table(IPPROTO_TCP, False),
                 "tcp6": lambda: _table(IPPROTO_TCP, True),
                 "udp": lambda: _table(IPPROTO_UDP, False),
                 "udp6": lambda: _table(IPPROTO_UDP, True),
                 "raw": lambda: _table(IPPROTO_RAW, False),      # no raw sockets: headers only
                 "raw6": lambda: _table(IPPROTO_RAW, True)})
