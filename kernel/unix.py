"""AF_UNIX sockets (Linux net/unix/af_unix.c): SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET.

Names: a path name is a socket inode (S_IFSOCK) that bind creates in the guest's file system --
a tmpfs inode, or on the host-backed root a marker file (kernel/hostfs.py), never a host socket;
`_by_inode` maps the inode to the bound socket, so connect resolves the path through the guest
VFS (following links, with search permission on the way and write permission on the socket, as
unix_find_bsd) and finds the socket there. Opening the inode is ENXIO. An abstract name starts
with a NUL byte and lives in `_abstract` only. A socket is autobound to an abstract name of five
hex digits by bind with an empty address and, under SO_PASSCRED, by connect and send.

Connections are Linux's: connect creates the server's end at once and queues it on the listener
(up to backlog + 1; more wait, or EAGAIN), so the client can write before accept. SO_PEERCRED is
the other side's credentials at connect (the listener's: at listen). Closing an end shuts the
peer down both ways (a reset -- ECONNRESET once -- if data was left unread); a datagram sender
connected to a closed socket gets ECONNREFUSED. A stream send on a shut-down connection is EPIPE
with SIGPIPE; a SOCK_SEQPACKET one is EPIPE only, as in Linux.

Datagram queues hold max_dgram_qlen (10) records when the receiver is not connected back to the
sender, as Linux; otherwise the sender's SO_SNDBUF in bytes bounds them.
"""
import itertools
import os

from kernel import perm
from kernel.errno import (EADDRINUSE, ECONNREFUSED, EEXIST, EINVAL, EISCONN, EMSGSIZE, ENOTCONN,
                          ENXIO, EOPNOTSUPP, EPERM, EPIPE, EPROTONOSUPPORT, EPROTOTYPE,
                          ESOCKTNOSUPPORT, Errno)
from kernel.sock import (CLOSED, CONNECTED, LISTENING, RCV_SHUTDOWN, SEND_SHUTDOWN,
                         SHUTDOWN_MASK, PROC_NET, Packet, Socket, peer_cred_of)
from kernel.uapi import (AF_UNIX, AF_UNSPEC, MSG_OOB, POLLERR, POLLHUP, POLLIN, POLLOUT,
                         POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM, S_IFMT, S_IFSOCK,
                         SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM)
from kernel.vfs import SPECIAL_OPENERS

UNIX_PATH_MAX = 108
MAX_DGRAM_QLEN = 10                     # /proc/sys/net/unix/max_dgram_qlen
SOCK_TYPES = (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET)
FAMILY_BYTES = AF_UNIX.to_bytes(2, "little")

_by_inode = {}          # (file system, inode number) -> the socket bound there
_abstract = {}          # abstract name (leading NUL included) -> socket
_live = {}              # ino -> every unix socket not yet released (/proc/net/unix)
_autobind = itertools.count(1)


def parse_addr(raw):
    """A sockaddr_un -> None (autobind: the family alone), b"\\0name" (abstract) or the path
    bytes (up to the first NUL, as unix_mkname_bsd)."""
    if len(raw) < 2 or int.from_bytes(raw[:2], "little") != AF_UNIX:
        raise Errno(EINVAL)
    if len(raw) > 2 + UNIX_PATH_MAX:
        raise Errno(EINVAL)
    path = bytes(raw[2:])
    if not path:
        return None
    if path[0] == 0:
        return path
    return path.split(b"\0", 1)[0]


def sockaddr(name):
    """A bound name as getsockname and recvfrom give it (a path name with its NUL)."""
    if name is None:
        return FAMILY_BYTES
    return FAMILY_BYTES + (name if name[0] == 0 else name + b"\0")


def _open_socket_inode(t, loc, flags):
    raise Errno(ENXIO)                  # open(2) of a socket inode


SPECIAL_OPENERS[S_IFSOCK] = _open_socket_inode


def find(t, name, type_):
    """The socket a name leads to, for connect and sendto."""
    if name[0] == 0:
        s = _abstract.get(name)
    else:
        fs = t.proc.fs
        loc = fs.walk(fs.cwd, os.fsdecode(name))
        perm.check(t.proc.creds, loc.inode.getattr(), perm.MAY_WRITE)
        if loc.inode.mode & S_IFMT != S_IFSOCK:
            raise Errno(ECONNREFUSED)
        s = _by_inode.get((loc.inode.fs, loc.inode.ino))
    if s is None or s.dead:
        raise Errno(ECONNREFUSED)
    if s.type != type_:
        raise Errno(EPROTOTYPE)
    return s


class UnixSocket(Socket):
    family = AF_UNIX

    def __init__(self, type_, flags=0):
        super().__init__(type_, 0, flags)
        self.name = None                # bound name: path bytes or b"\0abstract"
        self.key = None                 # its _by_inode key
        self.embryo = False             # made by connect, not yet accept()ed
        _live[self.ino] = self

    def type_is_stream(self):
        return self.type == SOCK_STREAM

    def _named(self):
        return sockaddr(self.name)

    def _sender(self):
        """The address a receiver sees: none at all from an unbound socket (unix_copy_addr)."""
        return sockaddr(self.name) if self.name is not None else None

    # ---- names ---------------------------------------------------------------------------------
    def bind(self, t, raw, mknod):
        """mknod(t, path, mode) -> Inode creates the socket inode (the fs family's make_node)."""
        name = parse_addr(raw)
        if self.name is not None:
            raise Errno(EINVAL)
        if name is None:
            self.autobind()
        elif name[0] == 0:
            if name in _abstract:
                raise Errno(EADDRINUSE)
            _abstract[name] = self
            self.name = name
        else:
            try:
                inode = mknod(t, os.fsdecode(name), S_IFSOCK | 0o777)
            except Errno as e:
                raise Errno(EADDRINUSE) if e.errno == EEXIST else e
            self.key = (inode.fs, inode.ino)
            _by_inode[self.key] = self
            self.name = name
        return 0

    def autobind(self):
        while True:
            name = b"\0" + b"%05x" % (next(_autobind) & 0xFFFFF)
            if name not in _abstract:
                break
        _abstract[name] = self
        self.name = name

    def getsockname(self):
        return self._named()

    def getpeername(self):
        if self.peer is None or self.state != CONNECTED and self.type != SOCK_DGRAM:
            raise Errno(ENOTCONN)
        return self.peer._named()

    # ---- connections ---------------------------------------------------------------------------
    def listen(self, t, backlog):
        if self.type == SOCK_DGRAM:
            raise Errno(EOPNOTSUPP)
        if self.name is None or self.state not in (CLOSED, LISTENING):
            raise Errno(EINVAL)
        super().listen(t, backlog)

    def connect(self, t, raw):
        if len(raw) >= 2 and int.from_bytes(raw[:2], "little") == AF_UNSPEC:
            if self.type == SOCK_DGRAM:         # dissolve a datagram association
                self.peer = None
                self.state = CLOSED
                return 0
        name = parse_addr(raw)
        if name is None:
            raise Errno(EINVAL)
        if self.type == SOCK_DGRAM:
            target = find(t, name, self.type)
            if not self.may_send(target):
                raise Errno(EPERM)
            if self.passcred and self.name is None:
                self.autobind()
            self.peer, self.state = target, CONNECTED
            self.changed()
            return 0
        if self.state == CONNECTED:
            raise Errno(EISCONN)
        if self.state == LISTENING:
            raise Errno(EINVAL)
        target = find(t, name, self.type)
        if target.state != LISTENING:
            raise Errno(ECONNREFUSED)
        if target.backlog_full():
            self.block(t, 0, self.sndtimeo, target)
        if self.passcred and self.name is None:
            self.autobind()
        server = UnixSocket(self.type)
        server.name, server.embryo = target.name, True
        server.connected_to(self, peer_cred_of(t))
        self.connected_to(server, target.listener_cred)
        target.pending.append(server)
        target.changed()
        return 0

    def accept(self, t):
        if self.type == SOCK_DGRAM:
            raise Errno(EOPNOTSUPP)
        new = super().accept(t)
        new.embryo = False
        new.opts.update((k, v) for k, v in self.opts.items())   # SO_PASSCRED is inherited
        return new

    def may_send(self, other):
        """unix_may_send: a datagram socket connected elsewhere takes nothing from us."""
        return other.peer is None or other.peer is self or other.type != SOCK_DGRAM

    def shutdown_call(self, how):
        mode = how + 1                  # SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN
        mirror = 0
        if self.type != SOCK_DGRAM:
            mirror = (SEND_SHUTDOWN if mode & RCV_SHUTDOWN else 0) | (
                RCV_SHUTDOWN if mode & SEND_SHUTDOWN else 0)
        self.shutdown(mode, mirror)
        return 0

    # ---- data ----------------------------------------------------------------------------------
    def sendmsg(self, t, data, flags, addr, fds, cred):
        if flags & MSG_OOB:
            raise Errno(EOPNOTSUPP)
        if self.type == SOCK_STREAM:
            if addr:
                raise Errno(EISCONN if self.state == CONNECTED else EOPNOTSUPP)
            if self.state != CONNECTED:
                raise Errno(ENOTCONN)
            return self.stream_send(t, data, flags, fds, cred, self._sender())
        if self.type == SOCK_SEQPACKET:
            if self.state != CONNECTED:
                raise Errno(ENOTCONN)
            addr = None                 # ignored, as unix_seqpacket_sendmsg does
        if len(data) > self.sndbuf - 32:
            raise Errno(EMSGSIZE)
        if addr:
            name = parse_addr(addr)
            if name is None:
                raise Errno(EINVAL)
            dest = find(t, name, self.type)
        elif self.peer is None:
            raise Errno(ENOTCONN)
        else:
            dest = self.peer
        if self.passcred and self.name is None:
            self.autobind()
        if dest.dead:
            if self.type == SOCK_SEQPACKET:
                raise Errno(EPIPE)
            self.peer, self.state = None, CLOSED
            raise Errno(ECONNREFUSED)
        if not self.may_send(dest):
            raise Errno(EPERM)
        if dest.shutdown_bits & RCV_SHUTDOWN or self.shutdown_bits & SEND_SHUTDOWN:
            raise Errno(EPIPE)
        full = (dest is not self and dest.peer is not self and len(dest.recvq) > MAX_DGRAM_QLEN
                or dest.rbytes + len(data) > self.sndbuf and dest.recvq)
        if full:
            self.block(t, flags, self.sndtimeo, dest)
        pkt = Packet(bytes(data), [f.get() for f in fds] if fds else None, cred, self._sender())
        return self.record_deliver(t, dest, pkt, flags, False)

    def recvmsg(self, t, n, flags):
        if flags & MSG_OOB:
            raise Errno(EOPNOTSUPP)
        if self.type == SOCK_STREAM:
            if self.state != CONNECTED:
                raise Errno(EINVAL)
            return self.stream_recv(t, n, flags)
        if self.type == SOCK_SEQPACKET and self.state != CONNECTED:
            raise Errno(ENOTCONN)
        r = self.record_recv(t, n, flags)
        if self.type == SOCK_SEQPACKET:
            r.addr = None
        return r

    def poll_mask(self):
        if self.type != SOCK_DGRAM:
            return self.stream_poll()
        mask = POLLERR if self.err else 0           # unix_dgram_poll
        if self.shutdown_bits & RCV_SHUTDOWN:
            mask |= POLLRDHUP | POLLIN | POLLRDNORM
        if self.shutdown_bits == SHUTDOWN_MASK:
            mask |= POLLHUP
        if self.recvq:
            mask |= POLLIN | POLLRDNORM
        dest = self.peer
        if not (dest is not None and not dest.dead and dest.peer is not self
                and len(dest.recvq) > MAX_DGRAM_QLEN):
            mask |= POLLOUT | POLLWRNORM | POLLWRBAND
        return mask

    def writable_now(self):
        return self.state != LISTENING and super().writable_now()

    def release(self):
        _live.pop(self.ino, None)
        if self.key is not None and _by_inode.get(self.key) is self:
            del _by_inode[self.key]
        if self.name and self.name[0] == 0 and _abstract.get(self.name) is self:
            del _abstract[self.name]
        if self.type == SOCK_DGRAM:
            self.peer = None            # datagram peers are not told (they find out on send)
        super().release()


def socketpair(t, type_, protocol, flags):
    a = create(AF_UNIX, type_, protocol, flags)
    b = UnixSocket(a.type, flags)
    cred = peer_cred_of(t)
    a.connected_to(b, cred)
    b.connected_to(a, cred)
    return a, b


def proc_net_unix():
    """/proc/net/unix: Num RefCount Protocol Flags Type St Inode Path (af_unix.c unix_seq_show)."""
    lines = ["Num       RefCount Protocol Flags    Type St Inode Path\n"]
    for ino, s in sorted(_live.items()):
        flags = 1 << 16 if s.state == LISTENING else 0          # __SO_ACCEPTCON
        st = 3 if s.state == CONNECTED else 1                   # SS_CONNECTED / SS_UNCONNECTED
        line = f"0000000000000000: {s.refs + 1:08X} 00000000 {flags:08X} {s.type:04X} {st:02X} " \
               f"{ino:5d}"
        if s.name is not None:
            line += " " + ("@" + s.name[1:].decode(errors="replace") if s.name[0] == 0
                           else s.name.decode(errors="replace"))
        lines.append(line + "\n")
    return "".join(lines)


def create(family, type_, protocol, flags):
    """socket(AF_UNIX, ...): SOCK_RAW is taken as SOCK_DGRAM, as Linux does."""
    if protocol not in (0, AF_UNIX):
        raise Errno(EPROTONOSUPPORT)
    if type_ == SOCK_RAW:
        type_ = SOCK_DGRAM
    if type_ not in SOCK_TYPES:
        raise Errno(ESOCKTNOSUPPORT)
    return UnixSocket(type_, flags)


PROC_NET["unix"] = proc_net_unix
