"""Sockets: what every address family shares (Linux net/socket.c, net/core/sock.c, and the common
ground of net/unix/af_unix.c and net/ipv4/tcp.c).

A Socket is an open file description (kernel/vfs.py File): read, write, close, poll, epoll, fcntl,
dup and fork work on it as on a pipe. The families (kernel/unix.py, kernel/inet.py) subclass it
with their addresses -- bind, connect, where a datagram goes -- and use the data paths here:

  streams (unix SOCK_STREAM, TCP)      the receiving socket's `recvq` holds Packets (the bytes of
                                       one send, with the fds and credentials it carried); a read
                                       joins packets, except across passed fds or, under
                                       SO_PASSCRED, across writers.
  records (datagrams, SOCK_SEQPACKET)  one Packet per send; a read takes one, truncating.

Connection state is Linux's: `state` (CLOSED, LISTENING, CONNECTING, CONNECTED) plus the pair of
shutdown bits per socket -- RCV_SHUTDOWN (no more data will come: an empty queue reads as end of
file) and SEND_SHUTDOWN (sending is EPIPE). A family mirrors a shutdown or close onto the peer
as Linux does (unix: both directions; TCP: a FIN, or a reset).

Blocking follows kernel/pipe.py: a call that must wait raises WouldBlock on the socket's queue `q`
(every change to a socket wakes it; a reader making room wakes the writing peer); O_NONBLOCK or
MSG_DONTWAIT make it EAGAIN; SO_RCVTIMEO/SO_SNDTIMEO give the wait a deadline (then EAGAIN). A
blocking send that moved some bytes keeps the count in t.restart["written"], so a signal makes it
return that count, as on Linux (kernel/signal.py). Sends carry borrowed Files for SCM_RIGHTS: a
Packet takes its own reference on each.

Not here: out-of-band data (MSG_OOB is EOPNOTSUPP), SO_LINGER's waiting (the value is kept),
the collector of sockets that are only in flight inside each other (such cycles leak).
"""
import itertools
import struct
import time
from collections import deque
from dataclasses import dataclass

from kernel import netdev
from kernel.abimap import fmt
from kernel.errno import EAGAIN, ECONNRESET, EDOM, EINVAL, ENOPROTOOPT, ENOTCONN, EPIPE, Errno
from kernel.sched import WaitQueue, WouldBlock
from kernel.uapi import (FIONREAD, LINGER, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_PEEK, MSG_TRUNC,
                         O_NONBLOCK, O_RDWR, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP,
                         POLLRDNORM, POLLWRBAND, POLLWRNORM, S_IFSOCK, SO_ACCEPTCONN,
                         SO_BROADCAST, SO_DEBUG, SO_DOMAIN, SO_DONTROUTE, SO_ERROR, SO_KEEPALIVE,
                         SO_LINGER, SO_NO_CHECK, SO_OOBINLINE, SO_PASSCRED, SO_PEERCRED,
                         SO_PRIORITY, SO_PROTOCOL, SO_RCVBUF, SO_RCVBUFFORCE, SO_RCVLOWAT,
                         SO_RCVTIMEO_NEW, SO_RCVTIMEO_OLD, SO_REUSEADDR, SO_REUSEPORT,
                         SO_SNDBUF, SO_SNDBUFFORCE, SO_SNDLOWAT, SO_SNDTIMEO_NEW,
                         SO_SNDTIMEO_OLD, SO_TIMESTAMP_OLD, SO_TYPE, SOCK_BUF_DEFAULT,
                         SOL_SOCKET, SOMAXCONN, UCRED, Stat, makedev)
from kernel.vfs import File

SOCKFS_DEV = makedev(0, 8)
RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK = 1, 2, 3
CLOSED, LISTENING, CONNECTING, CONNECTED = "close", "listen", "connecting", "established"
SOCK_MIN_SNDBUF, SOCK_MIN_RCVBUF = 4608, 2304     # what SO_SNDBUF/SO_RCVBUF never go below
SIGPIPE = 13
NOBODY = 65534                  # overflowuid/overflowgid: SO_PEERCRED of a peer without creds
_FLAGS = (SO_DEBUG, SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST, SO_OOBINLINE, SO_DONTROUTE,
          SO_PASSCRED, SO_REUSEPORT, SO_NO_CHECK, SO_TIMESTAMP_OLD)    # kept as 0/1
_INTS = (SO_PRIORITY, SO_RCVLOWAT, SO_SNDLOWAT)                         # kept as given
_inos = itertools.count(10000)
# /proc/net/<name> -> function giving its text; each family registers its tables
PROC_NET = dict(netdev.PROC_FILES)


def _timeval(t, name):
    """SO_*TIMEO_NEW's timeval is 64-bit everywhere; _OLD's holds the ABI's longs."""
    return "<qq" if name in (SO_RCVTIMEO_NEW, SO_SNDTIMEO_NEW) else fmt(t.kernel.abi, "<ll")


@dataclass(eq=False)
class Packet:
    """The bytes of one send and what came with them. A stream reader consumes `data` from `off`."""
    data: bytes
    fds: list = None            # Files in flight (SCM_RIGHTS), one reference each
    cred: tuple = None          # (pid, uid, gid) of the sender (SCM_CREDENTIALS)
    addr: bytes = None          # the sender's sockaddr, for recvfrom
    off: int = 0

    def drop(self):
        for f in self.fds or ():
            f.put()
        self.fds = None


@dataclass
class Received:
    """What one receive got: `size` is what recv returns (the whole record under MSG_TRUNC)."""
    data: bytes
    size: int
    flags: int = 0              # msg_flags: MSG_TRUNC
    addr: bytes = None
    fds: list = None            # Files for the receiver, one reference each (close them if unused)
    cred: tuple = None


def take_fds(pkt, peek):
    """The files a receive hands out: the packet's own, or (peeking) new references to them."""
    if not pkt.fds:
        return None
    if peek:
        return [f.get() for f in pkt.fds]
    fds, pkt.fds = pkt.fds, None
    return fds


def sigpipe(t, flags):
    """EPIPE, with SIGPIPE to the sender unless MSG_NOSIGNAL."""
    if t is not None and not flags & MSG_NOSIGNAL:
        t.kernel.send_signal(t, SIGPIPE)
    return Errno(EPIPE)


def cred_of(t):
    """SCM_CREDENTIALS and SO_PEERCRED of the calling thread: (tgid, uid, gid) -- the real ids for
    a message (scm_send), the effective ones for a peer (init_peercred): `t` says which."""
    if t is None:
        return (0, 0, 0)
    return (t.proc.pid, t.proc.creds.uid, t.proc.creds.gid)


def peer_cred_of(t):
    if t is None:
        return (0, 0, 0)
    return (t.proc.pid, t.proc.creds.euid, t.proc.creds.egid)


class Socket(File):
    """State and data paths of one socket; the family subclass says what addresses mean."""
    family = 0
    link_name = property(lambda self: f"socket:[{self.ino}]")    # /proc/<pid>/fd readlink
    # What the peer gets when this end closes without unread data (unix: both bits).
    close_mirror = SHUTDOWN_MASK

    def __init__(self, type_, protocol=0, flags=0):
        super().__init__(O_RDWR | flags & O_NONBLOCK)
        self.type, self.protocol = type_, protocol
        self.ino = next(_inos)
        self.q = WaitQueue()            # woken on every change to this socket
        self.poll_gen = 0
        self.state = CLOSED
        self.peer = None                # the other end of a connection (or a datagram default)
        self.recvq, self.rbytes = deque(), 0
        self.pending = deque()          # LISTENING: connected sockets accept() has not taken
        self.max_backlog = 0
        self.shutdown_bits = 0
        self.err = 0                    # SO_ERROR: reported once, by the next call or getsockopt
        self.fin = False                # TCP: the peer's FIN came (end of file before any error)
        self.dead = False               # released: the last descriptor is closed
        self.sndbuf = self.rcvbuf = SOCK_BUF_DEFAULT
        self.rcvtimeo = self.sndtimeo = None    # ns, None: wait for ever
        self.linger = (0, 0)
        self.opts = {}                  # SOL_SOCKET flags and ints that are kept and reported
        self.peer_cred = None           # SO_PEERCRED: (pid, uid, gid) of the peer at connect
        self.listener_cred = None       # LISTENING: ours at listen(), for SO_PEERCRED of clients

    # ---- state changes -------------------------------------------------------------------------
    def changed(self):
        self.poll_gen += 1
        self.q.wake_all()

    def take_err(self):
        err, self.err = self.err, 0
        return err

    @property
    def passcred(self):
        return bool(self.opts.get(SO_PASSCRED))

    def block(self, t, flags, timeo, *others):
        """Wait for a change to this socket (or to `others`): EAGAIN if non-blocking or when the
        SO_*TIMEO deadline has passed, else WouldBlock."""
        if self.flags & O_NONBLOCK or flags & MSG_DONTWAIT:
            raise Errno(EAGAIN)
        deadline = None
        if timeo is not None:
            restart = t.restart if t is not None else {}
            deadline = restart.setdefault("sock_deadline", time.monotonic() + timeo / 1e9)
            if time.monotonic() >= deadline:
                raise Errno(EAGAIN)
        raise WouldBlock(self.q, *(o.q for o in others), deadline=deadline)

    def listen(self, t, backlog):
        # a backlog above somaxconn (or negative, as an unsigned) is somaxconn (__sys_listen)
        self.max_backlog = backlog if 0 <= backlog <= SOMAXCONN else SOMAXCONN
        self.state = LISTENING
        self.listener_cred = peer_cred_of(t)    # what connecting clients see as SO_PEERCRED
        self.changed()

    def backlog_full(self):
        return len(self.pending) > self.max_backlog       # Linux lets backlog + 1 wait

    def accept(self, t):
        """The next connection from the backlog (a Socket with one reference)."""
        if self.state != LISTENING:
            raise Errno(EINVAL)
        if not self.pending:
            self.block(t, 0, self.rcvtimeo)
        new = self.pending.popleft()
        self.changed()                  # room in the backlog: a waiting connect may go on
        return new

    def connected_to(self, peer, cred):
        """Become one end of a connection with `peer`, whose process had credentials `cred`."""
        self.state, self.peer, self.peer_cred = CONNECTED, peer, cred
        self.changed()

    def shutdown(self, how_bits, mirror_bits):
        """shutdown(2): our bits, and the peer's (the family says which it sees)."""
        self.shutdown_bits |= how_bits
        self.changed()
        if self.peer is not None and not self.peer.dead and mirror_bits:
            self.peer.shutdown_bits |= mirror_bits
            self.peer.changed()

    def release(self):
        self.dead = True
        unread = bool(self.recvq)
        for pkt in self.recvq:
            pkt.drop()
        self.recvq.clear()
        self.rbytes = 0
        while self.pending:             # connections never accepted are reset
            self.pending.popleft().put()
        peer = self.peer
        if peer is not None and not peer.dead and peer.peer is self:
            self.peer_closed(peer, reset=unread or getattr(self, "embryo", False))
        self.changed()

    def peer_closed(self, peer, reset):
        """This end of a connection is gone: tell `peer` (a reset if data was left unread)."""
        peer.shutdown_bits |= SHUTDOWN_MASK if reset else self.close_mirror
        if reset:
            peer.err = ECONNRESET
        peer.changed()

    # ---- streams -------------------------------------------------------------------------------
    def stream_send(self, t, data, flags, fds=None, cred=None, addr=None):
        """Append to the peer's queue as room allows; the family has checked the state."""
        restart = t.restart if t is not None else {}
        done = restart.get("written", 0)
        if self.shutdown_bits & SEND_SHUTDOWN:
            if done:
                return done
            raise sigpipe(t, flags)
        peer = self.peer
        if peer.dead:
            return self.send_to_dead_peer(t, data, flags, done)
        room = min(self.sndbuf, peer.rcvbuf) - peer.rbytes
        if room > 0 and done < len(data):
            n = min(room, len(data) - done)
            peer.recvq.append(Packet(bytes(data[done:done + n]),
                                     [f.get() for f in fds] if fds and not done else None,
                                     cred, addr))
            peer.rbytes += n
            done += n
            peer.changed()
        if done == len(data):
            return done
        try:
            if t is not None:
                restart["written"] = done
            self.block(t, flags, self.sndtimeo)
        except Errno:
            if done:
                return done
            raise

    def send_to_dead_peer(self, t, data, flags, done):
        """The peer closed (a unix peer's close has already shut us down, so: TCP's)."""
        raise sigpipe(t, flags)

    def stream_recv(self, t, n, flags):
        """Bytes from the queue; end of file, an error, or a wait when it is empty."""
        if not self.recvq:
            if self.fin:
                return Received(b"", 0)
            if self.err:
                raise Errno(self.take_err())
            if self.shutdown_bits & RCV_SHUTDOWN:
                return Received(b"", 0)
            if self.state != CONNECTED:
                raise Errno(ENOTCONN)
            self.block(t, flags, self.rcvtimeo)
        peek = flags & MSG_PEEK
        out, fds, first, used = bytearray(), None, None, 0
        for pkt in self.recvq:
            if len(out) >= n:
                break
            if first is None:
                first = pkt
            elif self.passcred and pkt.cred != first.cred:
                break                   # never glue the messages of different writers
            take = pkt.data[pkt.off:pkt.off + n - len(out)]
            out += take
            fds = take_fds(pkt, peek)
            if not peek:
                pkt.off += len(take)
                used += len(take)
            if fds:
                break                   # passed fds end a read
        if used:
            while self.recvq and self.recvq[0].off == len(self.recvq[0].data):
                self.recvq.popleft().drop()
            self.rbytes -= used
            self.changed()
            if self.peer is not None:
                self.peer.changed()     # room for the writer
        return Received(bytes(out), len(out), 0, first.addr, fds, first.cred)

    def stream_poll(self):
        """unix_poll / tcp_poll for a connection-oriented socket."""
        if self.state == LISTENING:
            return POLLIN | POLLRDNORM if self.pending else 0
        mask = POLLERR if self.err else 0
        if self.shutdown_bits == SHUTDOWN_MASK or self.state == CLOSED:
            mask |= POLLHUP
        if self.shutdown_bits & RCV_SHUTDOWN:
            mask |= POLLIN | POLLRDNORM | POLLRDHUP
        if self.state == CONNECTING:
            return mask
        if self.recvq:
            mask |= POLLIN | POLLRDNORM
        if self.writable_now():
            mask |= POLLOUT | POLLWRNORM | POLLWRBAND
        return mask

    def writable_now(self):
        peer = self.peer
        if self.shutdown_bits & SEND_SHUTDOWN or peer is None or peer.dead:
            return True                 # the write does not wait: it fails
        return peer.rbytes < min(self.sndbuf, peer.rcvbuf)

    # ---- records -------------------------------------------------------------------------------
    def record_deliver(self, t, dest, pkt, flags, full):
        """Queue one record on `dest`, waiting (on dest too) while `full` says no room."""
        if full:
            self.block(t, flags, self.sndtimeo, dest)
        dest.recvq.append(pkt)
        dest.rbytes += len(pkt.data)
        dest.changed()
        return len(pkt.data)

    def record_recv(self, t, n, flags):
        if not self.recvq:
            if self.err:
                raise Errno(self.take_err())
            if self.shutdown_bits & RCV_SHUTDOWN:
                return Received(b"", 0)
            self.block(t, flags, self.rcvtimeo)
        pkt, peek = self.recvq[0], flags & MSG_PEEK
        size = len(pkt.data)
        fds = take_fds(pkt, peek)
        if not peek:
            self.recvq.popleft()
            self.rbytes -= size
            self.changed()
            if self.peer is not None:
                self.peer.changed()
        return Received(pkt.data[:n], size if flags & MSG_TRUNC else min(n, size),
                        MSG_TRUNC if size > n else 0, pkt.addr, fds, pkt.cred)

    # ---- the File side -------------------------------------------------------------------------
    def read_for(self, t, n):
        r = self.recvmsg(t, n, 0)
        for f in r.fds or ():           # read() has no room for passed fds: they are closed
            f.put()
        return r.data

    def write_for(self, t, data):
        return self.sendmsg(t, data, 0, None, None, cred_of(t))

    def read(self, n):
        return self.read_for(None, n)

    def write(self, data):
        return self.write_for(None, data)

    def stat(self):
        return Stat(dev=SOCKFS_DEV, ino=self.ino, mode=S_IFSOCK | 0o777, blksize=4096)

    def wait_queues(self):
        return (self.q,)

    def ioctl(self, t, request, arg):
        if request == FIONREAD:         # SIOCINQ: bytes queued (a datagram socket: the next one)
            n = self.rbytes if self.type_is_stream() else (
                len(self.recvq[0].data) if self.recvq else 0)
            t.proc.mm.write(arg, struct.pack("<i", n))
            return 0
        if netdev.handles(request):
            return netdev.ioctl(t, request, arg)
        return super().ioctl(t, request, arg)

    def type_is_stream(self):
        return False

    # ---- options -------------------------------------------------------------------------------
    def getsockopt(self, t, level, name):
        """-> the option's value as bytes (the caller truncates to optlen)."""
        if level != SOL_SOCKET:
            return self.proto_getsockopt(t, level, name)
        value = {SO_TYPE: self.type, SO_DOMAIN: self.family, SO_PROTOCOL: self.protocol,
                 SO_SNDBUF: self.sndbuf, SO_RCVBUF: self.rcvbuf,
                 SO_ACCEPTCONN: int(self.state == LISTENING)}.get(name)
        if name == SO_ERROR:
            value = self.take_err()
        elif name in _FLAGS:
            value = int(bool(self.opts.get(name)))
        elif name in _INTS:
            value = self.opts.get(name, 0 if name == SO_PRIORITY else 1)
        elif name == SO_LINGER:
            return LINGER.pack(*self.linger)
        elif name in (SO_RCVTIMEO_OLD, SO_RCVTIMEO_NEW, SO_SNDTIMEO_OLD, SO_SNDTIMEO_NEW):
            ns = self.rcvtimeo if name in (SO_RCVTIMEO_OLD, SO_RCVTIMEO_NEW) else self.sndtimeo
            return struct.pack(_timeval(t, name), *(divmod(ns // 1000, 10**6) if ns else (0, 0)))
        elif name == SO_PEERCRED:
            return UCRED.pack(*(self.peer_cred or (0, NOBODY, NOBODY)))
        if value is None:
            raise Errno(ENOPROTOOPT)
        return struct.pack("<i", value)

    def setsockopt(self, t, level, name, raw):
        if level != SOL_SOCKET:
            return self.proto_setsockopt(t, level, name, raw)
        if name in (SO_RCVTIMEO_OLD, SO_RCVTIMEO_NEW, SO_SNDTIMEO_OLD, SO_SNDTIMEO_NEW):
            layout = _timeval(t, name)
            if len(raw) < struct.calcsize(layout):
                raise Errno(EINVAL)
            sec, usec = struct.unpack_from(layout, raw)
            if not 0 <= usec < 10**6:
                raise Errno(EDOM)
            ns = None if sec == usec == 0 else max(0, sec * 10**9 + usec * 1000)
            if name in (SO_RCVTIMEO_OLD, SO_RCVTIMEO_NEW):
                self.rcvtimeo = ns
            else:
                self.sndtimeo = ns
            return
        if name == SO_LINGER:
            if len(raw) < LINGER.size:
                raise Errno(EINVAL)
            self.linger = LINGER.unpack_from(raw)
            return
        if len(raw) < 4:
            raise Errno(EINVAL)
        val = struct.unpack_from("<i", raw)[0]
        if name in (SO_SNDBUF, SO_SNDBUFFORCE):   # Linux doubles the request for bookkeeping
            self.sndbuf = max(min(val & 0xFFFFFFFF, SOCK_BUF_DEFAULT) * 2, SOCK_MIN_SNDBUF)
        elif name in (SO_RCVBUF, SO_RCVBUFFORCE):
            self.rcvbuf = max(min(val & 0xFFFFFFFF, SOCK_BUF_DEFAULT) * 2, SOCK_MIN_RCVBUF)
        elif name in _FLAGS or name in _INTS:
            self.opts[name] = val
        else:
            raise Errno(ENOPROTOOPT)
        self.changed()

    def proto_getsockopt(self, t, level, name):
        raise Errno(ENOPROTOOPT)

    def proto_setsockopt(self, t, level, name, raw):
        raise Errno(ENOPROTOOPT)

    # ---- what the families provide -------------------------------------------------------------
    # bind(t, addr), connect(t, addr), getsockname(), getpeername() -> sockaddr bytes,
    # sendmsg(t, data, flags, addr, fds, cred) -> count, recvmsg(t, n, flags) -> Received,
    # shutdown_call(how), poll_mask().
