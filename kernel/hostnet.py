"""--net host: the guest's AF_INET and AF_INET6 sockets are host sockets, as under qemu-user --
for users who want the guest on their network. AF_UNIX stays the guest's own (kernel/unix.py).

A HostSocket is a guest File over a non-blocking host socket; no host call made for the guest
ever waits. A call that would block parks the thread as kernel/pipe.py's do: waiting to read or
accept arms a one-shot watch of the host fd (CPU 0 polls it: kernel/sched.py watch_host_fd);
waiting to write or for a connect to finish looks again every HOST_RECHECK seconds, and poll,
select and epoll do the same (wait_queues() is None). Addresses, flags and socket options
pass through unchanged: the guest's numbers (kernel/uapi.py) are the generic Linux ones, which
the Linux hosts this runs on use too. Each socket is charged to the host descriptor budget of
guest files (kernel/hostfs.py HostFds): past it, ENFILE.

Partial: no SCM_RIGHTS/SCM_CREDENTIALS on these (they are AF_UNIX's), a blocking send returns
what the host took at once (possibly less than asked),
and /proc/net/tcp does not list host sockets.
"""
import fcntl
import itertools
import select
import socket
import struct
import time

from kernel import netdev
from kernel.errno import (EAGAIN, EALREADY, EINPROGRESS, EINVAL, EISCONN, ENFILE, EPIPE,
                          EPROTONOSUPPORT, ESOCKTNOSUPPORT, Errno)
from kernel.hostfs import host_fds
from kernel.inet import V4MAPPED, pack_addr, parse_addr
from kernel.poll import HOST_RECHECK
from kernel.sched import WaitQueue, WouldBlock
from kernel.sock import SOCKFS_DEV, Received, sigpipe
from kernel.uapi import (AF_INET, AF_INET6, FIONREAD, IPPROTO_TCP, IPPROTO_UDP, MSG_DONTWAIT,
                         MSG_NOSIGNAL, MSG_TRUNC, MSG_WAITALL, O_NONBLOCK, O_RDWR, POLLIN,
                         POLLOUT, POLLPRI, POLLRDHUP, S_IFSOCK, SOCK_DGRAM, SOCK_STREAM, Stat)
from kernel.vfs import File, host_errors

_inos = itertools.count(500000)


def use(k, net):
    """--net: "guest" or "none" (the kernel's own loopback), or "host" (these host sockets, and
    an eth0 mirroring the host's interface: kernel/netdev.py)."""
    k.net = net
    if net == "host":
        k.log(netdev.mirror_host() or "--net host: the host has no IPv4 interface but lo",
              quiet=True)
ALL_EVENTS = POLLIN | POLLOUT | POLLPRI | POLLRDHUP


def to_host(family, raw):
    """A guest sockaddr -> the address tuple Python's socket module takes."""
    ip, port = parse_addr(family, raw)
    if family == AF_INET:
        return socket.inet_ntoa(ip[12:]), port
    flow, scope = struct.unpack_from("<I", raw, 4)[0], (
        struct.unpack_from("<I", raw, 24)[0] if len(raw) >= 28 else 0)
    return socket.inet_ntop(socket.AF_INET6, ip), port, flow, scope


def to_guest(family, addr):
    if family == AF_INET:
        return pack_addr(AF_INET, V4MAPPED + socket.inet_aton(addr[0]), addr[1])
    return pack_addr(AF_INET6, socket.inet_pton(socket.AF_INET6, addr[0]), addr[1])


class HostSocket(File):
    link_name = property(lambda self: f"socket:[{self.ino}]")
    passcred = False

    def __init__(self, k, family, type_, protocol, flags=0, sock=None):
        super().__init__(O_RDWR | flags & O_NONBLOCK)
        budget = host_fds()
        if budget.used >= budget.max:
            if sock is not None:
                sock.close()
            raise Errno(ENFILE, "the guest's share of host file descriptors is used up")
        if sock is None:
            with host_errors():
                sock = socket.socket(family, type_, protocol)
        budget.used += 1
        sock.setblocking(False)
        self.k, self.sock, self.fd = k, sock, sock.fileno()
        self.family, self.type, self.protocol = family, type_, protocol
        self.ino = next(_inos)
        self.q = WaitQueue()
        self.connecting = False         # a blocking connect is waiting for the host's

    # ---- waiting -------------------------------------------------------------------------------
    def _wait(self, flags, readable):
        if self.flags & O_NONBLOCK or flags & MSG_DONTWAIT:
            raise Errno(EAGAIN)
        if not readable:                # the host fd is looked at again soon
            raise WouldBlock(deadline=time.monotonic() + HOST_RECHECK)
        sched = self.k.sched

        def readable_now():             # one-shot, so an fd nobody waits on is not polled
            sched.host_fds.pop(self.fd, None)
            self.q.wake_all()
        sched.watch_host_fd(self.fd, readable_now)
        raise WouldBlock(self.q)

    # ---- the socket calls (kernel/syscalls/net.py) ---------------------------------------------
    def bind(self, t, raw, mknod=None):
        with host_errors():
            self.sock.bind(to_host(self.family, raw))
        return 0

    def listen(self, t, backlog):
        with host_errors():
            self.sock.listen(backlog)

    def accept(self, t):
        try:
            conn, _ = self.sock.accept()
        except BlockingIOError:
            self._wait(0, readable=True)
        except OSError as e:
            raise Errno(e.errno or EINVAL) from None
        return HostSocket(self.k, self.family, self.type, self.protocol, sock=conn)

    def connect(self, t, raw):
        err = self.sock.connect_ex(to_host(self.family, raw))
        if self.connecting:             # our own blocking connect, looked at again
            if err in (EINPROGRESS, EALREADY):
                self._wait(0, readable=False)
            self.connecting = False
            if err in (0, EISCONN):
                return 0
            raise Errno(err)
        if err == EINPROGRESS and not self.flags & O_NONBLOCK:
            self.connecting = True
            self._wait(0, readable=False)
        if err:
            raise Errno(err)
        return 0

    def getsockname(self):
        with host_errors():
            return to_guest(self.family, self.sock.getsockname())

    def getpeername(self):
        with host_errors():
            return to_guest(self.family, self.sock.getpeername())

    def shutdown_call(self, how):
        with host_errors():
            self.sock.shutdown(how)
        return 0

    def getsockopt(self, t, level, name):
        with host_errors():
            return self.sock.getsockopt(level, name, 256)

    def setsockopt(self, t, level, name, raw):
        with host_errors():
            self.sock.setsockopt(level, name, raw)

    def sendmsg(self, t, data, flags, addr, fds, cred):
        if fds:
            raise Errno(EINVAL)
        host_flags = flags | MSG_DONTWAIT | MSG_NOSIGNAL
        try:
            if addr:
                return self.sock.sendto(data, host_flags, to_host(self.family, addr))
            return self.sock.send(data, host_flags)
        except BlockingIOError:
            self._wait(flags, readable=False)
        except OSError as e:
            if e.errno == EPIPE:
                raise sigpipe(t, flags) from None
            raise Errno(e.errno or EINVAL) from None

    def recvmsg(self, t, n, flags):
        host_flags = (flags & ~MSG_WAITALL) | MSG_DONTWAIT
        buf = bytearray(max(n, 0))
        try:    # recvmsg_into gives the host's count: a datagram's whole length under MSG_TRUNC
            size, _, mflags, addr = self.sock.recvmsg_into([buf], 0, host_flags)
        except BlockingIOError:
            self._wait(flags, readable=True)
        except OSError as e:
            raise Errno(e.errno or EINVAL) from None
        return Received(bytes(buf[:min(size, n)]), size, mflags & MSG_TRUNC,
                        to_guest(self.family, addr) if addr else None)

    # ---- the File side -------------------------------------------------------------------------
    def read_for(self, t, n):
        return self.recvmsg(t, n, 0).data

    def write_for(self, t, data):
        return self.sendmsg(t, data, 0, None, None, None)

    def read(self, n):
        return self.read_for(None, n)

    def write(self, data):
        return self.write_for(None, data)

    def poll_mask(self):
        p = select.poll()
        p.register(self.fd, ALL_EVENTS)
        return sum(ev for _, ev in p.poll(0))

    def wait_queues(self):
        return None                     # nothing wakes a poller: it looks again (kernel/poll.py)

    def stat(self):
        return Stat(dev=SOCKFS_DEV, ino=self.ino, mode=S_IFSOCK | 0o777, blksize=4096)

    def ioctl(self, t, request, arg):
        if request == FIONREAD:
            with host_errors():
                n = struct.unpack("<i", fcntl.ioctl(self.fd, FIONREAD, bytes(4)))[0]
            t.proc.mm.write(arg, struct.pack("<i", n))
            return 0
        if netdev.handles(request):
            return netdev.ioctl(t, request, arg)
        return super().ioctl(t, request, arg)

    def release(self):
        self.k.sched.host_fds.pop(self.fd, None)
        self.sock.close()
        host_fds().used -= 1


def create(k, family, type_, protocol, flags):
    """socket(AF_INET/AF_INET6, ...) under --net host."""
    if type_ == SOCK_STREAM and protocol not in (0, IPPROTO_TCP) or \
            type_ == SOCK_DGRAM and protocol not in (0, IPPROTO_UDP):
        raise Errno(EPROTONOSUPPORT)
    if type_ not in (SOCK_STREAM, SOCK_DGRAM):
        raise Errno(ESOCKTNOSUPPORT)
    return HostSocket(k, family, type_, protocol, flags)    # the host's numbers are the same
