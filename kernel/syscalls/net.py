"""Sockets family (Linux net/socket.c, net/core/scm.c): the guest-facing adapters.

Implemented:
  socket        AF_UNIX (kernel/unix.py), AF_INET and AF_INET6 (kernel/inet.py, or under --net
                host kernel/hostnet.py); SOCK_NONBLOCK, SOCK_CLOEXEC; any other family
                (netlink, packet) EAFNOSUPPORT
  socketpair    AF_UNIX only (AF_INET: EOPNOTSUPP, as Linux)
  bind listen accept accept4 connect getsockname getpeername shutdown
  sendto recvfrom sendmsg recvmsg   iovecs; SCM_RIGHTS and SCM_CREDENTIALS (AF_UNIX);
                MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL (streams), MSG_TRUNC, MSG_CTRUNC,
                MSG_NOSIGNAL, MSG_CMSG_CLOEXEC; recvfrom/recvmsg addresses truncated to the
                caller's length, the real length written back
  sendmmsg      messages one by one; one that would block after others went ends the call
  recvmmsg      the first receive may block, the rest take only what is queued (as under
                MSG_WAITFORONE); the timeout argument is not looked at
  setsockopt getsockopt   SOL_SOCKET in kernel/sock.py, protocol levels in the families
Sockets are Files: read, write, close, poll/epoll, fcntl, dup and fork need nothing here.
"""
import struct

from kernel import hostnet, inet, unix
from kernel.abimap import errno_out
from kernel.errno import EAFNOSUPPORT, EBADF, EINVAL, ENOBUFS, ENOTSOCK, EOPNOTSUPP, EPERM, Errno
from kernel.sched import WouldBlock
from kernel.sock import Received, Socket, cred_of
from kernel.syscalls.fd import MAX_IO, _iovecs
from kernel.syscalls.fs import make_node
from kernel.uapi import (AF_INET, AF_INET6, AF_UNIX, AT_FDCWD, MSG_CMSG_CLOEXEC, MSG_CTRUNC,
                         MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, O_PATH, SCM_CREDENTIALS, SCM_MAX_FD,
                         SCM_RIGHTS, SO_ERROR, SO_TYPE, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM,
                         SOCK_TYPE_MASK, SOL_SOCKET, UCRED, as_int, cmsg_align, cmsghdr,
                         level_out, mmsghdr_size, msghdr, open_flags_in, sockopt_in,
                         socket_type_in, socket_type_out, unpack_cmsgs)

SOCKADDR_MAX = 128              # sizeof(struct sockaddr_storage)
UIO_MAXIOV = 1024
CONTROL_MAX = 1 << 20           # Linux caps msg_controllen at INT_MAX; we at something sane
# family -> create(family, type, protocol, flags)
CREATORS = {AF_UNIX: unix.create, AF_INET: inet.create, AF_INET6: inet.create}


def _sock(t, fd):
    f = t.proc.fds.get(fd)
    if f.flags & O_PATH:
        raise Errno(EBADF)
    if not isinstance(f, (Socket, hostnet.HostSocket)):
        raise Errno(ENOTSOCK)
    return f


def _read_addr(t, ptr, addrlen):
    addrlen = as_int(addrlen)
    if not 0 <= addrlen <= SOCKADDR_MAX:
        raise Errno(EINVAL)
    return t.proc.mm.read(ptr, addrlen)


def _put_addr(t, ptr, lenptr, raw):
    """move_addr_to_user: as much of the address as the caller has room for; the full length."""
    if not ptr or not lenptr:
        return
    room = struct.unpack("<i", t.proc.mm.read(lenptr, 4))[0]
    if room < 0:
        raise Errno(EINVAL)
    raw = raw or b""
    if room and raw:
        t.proc.mm.write(ptr, raw[:room])
    t.proc.mm.write(lenptr, struct.pack("<i", len(raw)))


def _mknod(t, path, mode):
    return make_node(t, AT_FDCWD, path, mode)


# ---- making and naming sockets -----------------------------------------------------------------
def _split_type(t, type_):
    type_ = socket_type_in(t.kernel.abi, as_int(type_))
    flags = type_ & ~SOCK_TYPE_MASK
    if flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC):
        raise Errno(EINVAL)
    return type_ & SOCK_TYPE_MASK, flags


def sys_socket(t, domain, type_, protocol):
    kind, flags = _split_type(t, type_)
    domain = as_int(domain)
    create = CREATORS.get(domain)
    if create is None:
        raise Errno(EAFNOSUPPORT)
    if create is inet.create and t.kernel.net == "host":     # --net host: the host's sockets
        s = hostnet.create(t.kernel, domain, kind, as_int(protocol), flags & SOCK_NONBLOCK)
    else:
        s = create(domain, kind, as_int(protocol), flags & SOCK_NONBLOCK)
    s.uid = t.proc.creds.euid           # the owner /proc/net shows
    return t.proc.fds.install(s, cloexec=bool(flags & SOCK_CLOEXEC))


def sys_socketpair(t, domain, type_, protocol, sv):
    kind, flags = _split_type(t, type_)
    domain = as_int(domain)
    if domain != AF_UNIX:
        raise Errno(EOPNOTSUPP if domain in CREATORS else EAFNOSUPPORT)
    t.proc.mm.read(sv, 8)               # EFAULT before any fd is allocated
    a, b = unix.socketpair(t, kind, as_int(protocol), flags & SOCK_NONBLOCK)
    fds, cloexec = t.proc.fds, bool(flags & SOCK_CLOEXEC)
    try:
        fa = fds.install(a, cloexec)
    except Errno:
        b.put()
        raise
    fb = fds.install(b, cloexec)
    t.proc.mm.write(sv, struct.pack("<ii", fa, fb))
    return 0


def sys_bind(t, fd, addr, addrlen):
    return _sock(t, fd).bind(t, _read_addr(t, addr, addrlen), _mknod)


def sys_listen(t, fd, backlog):
    _sock(t, fd).listen(t, as_int(backlog))
    return 0


def sys_accept4(t, fd, addr, addrlen, flags):
    flags = open_flags_in(t.kernel.abi, as_int(flags))
    if flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC):
        raise Errno(EINVAL)
    new = _sock(t, fd).accept(t)
    new.flags |= flags & SOCK_NONBLOCK  # the listener's O_NONBLOCK is not inherited
    try:
        _put_addr(t, addr, addrlen, new.getpeername())
    except Errno:
        new.put()
        raise
    return t.proc.fds.install(new, cloexec=bool(flags & SOCK_CLOEXEC))


def sys_accept(t, fd, addr, addrlen):
    return sys_accept4(t, fd, addr, addrlen, 0)


def sys_connect(t, fd, addr, addrlen):
    return _sock(t, fd).connect(t, _read_addr(t, addr, addrlen))


def sys_getsockname(t, fd, addr, addrlen):
    _put_addr(t, addr, addrlen, _sock(t, fd).getsockname())
    return 0


def sys_getpeername(t, fd, addr, addrlen):
    _put_addr(t, addr, addrlen, _sock(t, fd).getpeername())
    return 0


def sys_shutdown(t, fd, how):
    s, how = _sock(t, fd), as_int(how)
    if how not in (0, 1, 2):
        raise Errno(EINVAL)
    return s.shutdown_call(how)


# ---- options -----------------------------------------------------------------------------------
def sys_setsockopt(t, fd, level, name, optval, optlen):
    s, optlen = _sock(t, fd), as_int(optlen)
    if optlen < 0:
        raise Errno(EINVAL)
    raw = t.proc.mm.read(optval, min(optlen, 256)) if optlen else b""
    s.setsockopt(t, *sockopt_in(t.kernel.abi, as_int(level), as_int(name)), raw)
    return 0


def sys_getsockopt(t, fd, level, name, optval, optlen):
    s = _sock(t, fd)
    room = struct.unpack("<i", t.proc.mm.read(optlen, 4))[0]
    if room < 0:
        raise Errno(EINVAL)
    level, name = sockopt_in(t.kernel.abi, as_int(level), as_int(name))
    raw = s.getsockopt(t, level, name)
    if level == SOL_SOCKET and name == SO_TYPE:
        raw = struct.pack("<i", socket_type_out(t.kernel.abi, struct.unpack("<i", raw)[0]))
    elif level == SOL_SOCKET and name == SO_ERROR and raw != bytes(4):     # an errno
        err = struct.unpack("<i", raw)[0]
        raw = struct.pack("<i", errno_out(t.kernel.abi).get(err, err))
    raw = raw[:room]
    if raw:
        t.proc.mm.write(optval, raw)
    t.proc.mm.write(optlen, struct.pack("<i", len(raw)))
    return 0


# ---- sending -----------------------------------------------------------------------------------
def _control_in(t, s, control, controllen):
    """msg_control of a send -> (borrowed Files for SCM_RIGHTS or None, credentials)."""
    cred = cred_of(t)
    if not controllen:
        return None, cred
    if controllen > CONTROL_MAX:
        raise Errno(ENOBUFS)
    cmsgs = unpack_cmsgs(t.proc.mm.read(control, controllen), t.kernel.abi)
    if cmsgs is None:
        raise Errno(EINVAL)
    files = []
    for level, type_, data in cmsgs:
        if level != SOL_SOCKET:
            continue                    # IP-level options (IP_TTL, IP_PKTINFO...) are not acted on
        if s.family != AF_UNIX or type_ not in (SCM_RIGHTS, SCM_CREDENTIALS):
            raise Errno(EINVAL)
        if type_ == SCM_RIGHTS:
            fds = struct.unpack(f"<{len(data) // 4}i", data[:len(data) // 4 * 4])
            if not fds or len(files) + len(fds) > SCM_MAX_FD:
                raise Errno(EINVAL)
            files += [t.proc.fds.get(fd) for fd in fds]
        else:
            if len(data) != UCRED.size:
                raise Errno(EINVAL)
            cred = UCRED.unpack(data)
            c = t.proc.creds
            if c.euid != 0 and (cred[0] != t.proc.pid or cred[1] not in (c.uid, c.euid, c.suid)
                                or cred[2] not in (c.gid, c.egid, c.sgid)):
                raise Errno(EPERM)     # only root may claim to be someone else
    return files or None, cred


def _sendmsg(t, s, msg, flags):
    hdr = msghdr(t.kernel.abi)
    name, namelen, iov, iovlen, control, controllen, _ = hdr.unpack(t.proc.mm.read(msg, hdr.size))
    addr = _read_addr(t, name, namelen) if name and namelen else None
    vecs = _iovecs(t, iov, iovlen)
    data = b"".join(t.proc.mm.read(b, n) for b, n in vecs if n)[:MAX_IO]
    fds, cred = _control_in(t, s, control, controllen)
    return s.sendmsg(t, data, as_int(flags), addr, fds, cred)


def sys_sendto(t, fd, buf, length, flags, dest, addrlen):
    s = _sock(t, fd)
    addr = _read_addr(t, dest, addrlen) if dest and as_int(addrlen) else None
    data = t.proc.mm.read(buf, min(length, MAX_IO)) if length else b""
    return s.sendmsg(t, data, as_int(flags), addr, None, cred_of(t))


def sys_sendmsg(t, fd, msg, flags):
    return _sendmsg(t, _sock(t, fd), msg, flags)


def sys_sendmmsg(t, fd, msgvec, vlen, flags):
    s, sent = _sock(t, fd), 0
    for i in range(min(as_int(vlen) & 0xFFFFFFFF, UIO_MAXIOV)):
        hdr = msgvec + i * mmsghdr_size(t.kernel.abi)
        try:
            n = _sendmsg(t, s, hdr, flags)
        except (Errno, WouldBlock):
            if sent:
                return sent             # the error waits for the next call, as Linux
            raise
        t.proc.mm.write(hdr + msghdr(t.kernel.abi).size, struct.pack("<I", n))
        t.restart.pop("written", None)
        sent += 1
    return sent


# ---- receiving ---------------------------------------------------------------------------------
def _scatter_at(t, vecs, offset, data):
    """Write data into the iovecs as if they were one buffer, starting `offset` bytes in."""
    pos = 0
    for base, n in vecs:
        if offset >= pos + n:
            pos += n
            continue
        skip = max(0, offset - pos)
        chunk = data[:n - skip]
        if chunk:
            t.proc.mm.write(base + skip, chunk)
        data = data[len(chunk):]
        offset += len(chunk)
        pos += n
        if not data:
            break


def _receive(t, s, vecs, flags):
    """One receive into iovecs -> Received (size: the count recv returns). MSG_WAITALL on a
    stream keeps receiving until the buffers are full, end of file or passed fds; a wait in
    between keeps the count in t.restart["written"] (a signal then returns it, as Linux)."""
    total = min(sum(n for _, n in vecs), MAX_IO)
    done = t.restart.get("written", 0)
    while True:
        try:
            r = s.recvmsg(t, total - done, flags)
        except WouldBlock:
            if done:
                t.restart["written"] = done
            raise
        except Errno:
            if not done:
                raise
            r = None
        if r is not None:
            _scatter_at(t, vecs, done, r.data)
            done += len(r.data)
        keep_going = (r is not None and r.data and not r.fds and done < total
                      and flags & MSG_WAITALL and not flags & (MSG_PEEK | MSG_DONTWAIT)
                      and s.type == SOCK_STREAM)
        if not keep_going:
            if r is None:
                r = Received(b"", done)
            elif s.type == SOCK_STREAM:
                r.size = done
            return r


def _put_cmsg(abi, out, space, level, type_, data):
    """put_cmsg: append one control message to `out` as far as `space` allows; True if cut."""
    room, hdr = space - len(out), cmsghdr(abi)
    if room < hdr.size:
        return True
    length = min(hdr.size + len(data), room)
    body = hdr.pack(length, level_out(abi, level), type_) + data[:length - hdr.size]
    out += body + bytes(min(cmsg_align(len(body), abi), room) - len(body))
    return length < hdr.size + len(data)


def _control_out(t, s, r, flags, space):
    """The control messages of a receive (credentials, then passed fds, as scm_recv) ->
    (bytes, MSG_CTRUNC or 0). Passed fds that find no room (or no free fd) are closed."""
    out, trunc = bytearray(), False
    if r.cred is not None and s.passcred:
        trunc = _put_cmsg(t.kernel.abi, out, space, SOL_SOCKET, SCM_CREDENTIALS,
                          UCRED.pack(*r.cred))
    files, given, failed = r.fds or [], [], False
    fdmax = max(0, (space - len(out) - cmsghdr(t.kernel.abi).size) // 4)
    for f in files:
        if len(given) < fdmax and not failed:
            try:
                given.append(t.proc.fds.install(f, bool(flags & MSG_CMSG_CLOEXEC)))
                continue
            except Errno:
                failed = True           # EMFILE: install has closed it
                continue
        f.put()
    if given:
        _put_cmsg(t.kernel.abi, out, space, SOL_SOCKET, SCM_RIGHTS,
                  struct.pack(f"<{len(given)}i", *given))
    if len(given) < len(files):
        trunc = True
    return bytes(out), MSG_CTRUNC if trunc else 0


def _recvmsg(t, s, msg, flags):
    mm = t.proc.mm
    hdr = msghdr(t.kernel.abi)
    name, namelen, iov, iovlen, control, controllen, _ = hdr.unpack(mm.read(msg, hdr.size))
    flags = as_int(flags)
    r = _receive(t, s, _iovecs(t, iov, iovlen), flags)
    addr = r.addr or b""
    if name and namelen:
        mm.write(name, addr[:namelen])
    ctl, trunc = _control_out(t, s, r, flags, controllen if control else 0)
    if ctl:
        mm.write(control, ctl)
    mm.write(msg, hdr.pack(name, len(addr) if name else 0, iov, iovlen, control, len(ctl),
                           r.flags | trunc))
    return r.size


def sys_recvfrom(t, fd, buf, length, flags, src, addrlen):
    s, flags = _sock(t, fd), as_int(flags)
    r = _receive(t, s, [(buf, min(length, MAX_IO))], flags)
    for f in r.fds or ():
        f.put()                         # recvfrom has no room for passed fds
    if src:
        _put_addr(t, src, addrlen, r.addr)
    return r.size


def sys_recvmsg(t, fd, msg, flags):
    return _recvmsg(t, _sock(t, fd), msg, flags)


def sys_recvmmsg(t, fd, msgvec, vlen, flags, timeout):
    s, got = _sock(t, fd), 0
    for i in range(min(as_int(vlen) & 0xFFFFFFFF, UIO_MAXIOV)):
        hdr = msgvec + i * mmsghdr_size(t.kernel.abi)
        try:
            n = _recvmsg(t, s, hdr, flags if not got else as_int(flags) | MSG_DONTWAIT)
        except (Errno, WouldBlock):
            if got:
                return got
            raise
        t.proc.mm.write(hdr + msghdr(t.kernel.abi).size, struct.pack("<I", n))
        t.restart.pop("written", None)
        got += 1
    return got


SYSCALLS = {
    "socket": (sys_socket, "int int int"),
    "socketpair": (sys_socketpair, "int int int ptr"),
    "bind": (sys_bind, "fd ptr int"),
    "listen": (sys_listen, "fd int"),
    "accept": (sys_accept, "fd ptr ptr"),
    "accept4": (sys_accept4, "fd ptr ptr int"),
    "connect": (sys_connect, "fd ptr int"),
    "getsockname": (sys_getsockname, "fd ptr ptr"),
    "getpeername": (sys_getpeername, "fd ptr ptr"),
    "sendto": (sys_sendto, "fd ptr size int ptr int"),
    "recvfrom": (sys_recvfrom, "fd ptr size int ptr ptr"),
    "sendmsg": (sys_sendmsg, "fd ptr int"),
    "recvmsg": (sys_recvmsg, "fd ptr int"),
    "sendmmsg": (sys_sendmmsg, "fd ptr uint int"),
    "recvmmsg": (sys_recvmmsg, "fd ptr uint int ptr"),
    "shutdown": (sys_shutdown, "fd int"),
    "setsockopt": (sys_setsockopt, "fd int int ptr int"),
    "getsockopt": (sys_getsockopt, "fd int int ptr ptr"),
}
