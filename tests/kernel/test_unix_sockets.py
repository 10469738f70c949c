"""AF_UNIX sockets through the net system call family, called as the dispatcher calls them: raw
arguments, guest memory in a FakeMM, WouldBlock meaning "park and retry". The guest root is a
tmpfs (and, for path names, also the host-backed root file system)."""
import os
import struct

import pytest

from kernel.errno import (EADDRINUSE, EAGAIN, EBADF, ECONNREFUSED, ECONNRESET, EINVAL, EISCONN,
                          ENOENT, ENOTCONN, ENOTSOCK, ENXIO, EPIPE, EPROTOTYPE)
from kernel.pipe import make_pipe
from kernel.poll import revents
from kernel.sched import WouldBlock
from kernel.syscalls import fd as F
from kernel.syscalls import fs as S
from kernel.syscalls import net as N
from kernel.tmpfs import TmpFS
from kernel.namespace import make_root
from kernel.uapi import (AF_UNIX, AT_FDCWD, MSG_CTRUNC, MSG_DONTWAIT, MSG_NOSIGNAL,
                         MSG_PEEK, MSG_TRUNC, MSG_WAITALL, O_RDONLY, POLLHUP, POLLIN,
                         POLLOUT, POLLRDHUP, S_IFMT, S_IFSOCK, SCM_CREDENTIALS, SCM_RIGHTS,
                         SHUT_WR, SO_ERROR, SO_PASSCRED, SO_PEERCRED, SO_RCVBUF, SO_TYPE,
                         SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_SEQPACKET, SOCK_STREAM,
                         SOL_SOCKET, UCRED, pack_cmsg)
from kernel.vfs import FsContext
from tests.kernel.fakes import SocketThread

SIGPIPE = 13


@pytest.fixture
def t():
    return SocketThread(FsContext(TmpFS()))


# ---- socketpair and streams --------------------------------------------------------------------
def test_stream_pair_transfers_and_blocks(t):
    a, b = t.pair()
    assert t.send(a, b"hello") == 5 and t.send(a, b" world") == 6
    assert t.recv(b, 3) == b"hel"
    assert t.recv(b, 100, MSG_PEEK) == b"lo world"      # the writes are joined
    assert t.recv(b) == b"lo world"
    assert t.recv(b) == "blocks"
    assert t.recv(b, flags=MSG_DONTWAIT) == -EAGAIN
    assert t(F.sys_write, b, t.mem(b"back"), 4) == 4      # plain read and write work too
    buf = t.mem(16)
    assert t(F.sys_read, a, buf, 16) == 4 and t.proc.mm.read(buf, 4) == b"back"


def test_shutdown_eof_and_epipe_with_sigpipe(t):
    a, b = t.pair()
    t.send(a, b"last")
    assert t(N.sys_shutdown, a, SHUT_WR) == 0
    assert t.recv(b) == b"last" and t.recv(b) == b""     # the data, then end of file
    assert t.send(a, b"x") == -EPIPE and t.kernel.signals == [SIGPIPE]
    assert t.send(a, b"x", MSG_NOSIGNAL) == -EPIPE and t.kernel.signals == [SIGPIPE]
    assert t.send(b, b"still") == 5 and t.recv(a) == b"still"   # the other way is open
    t.close(b)
    assert revents(t.file(a), POLLIN | POLLOUT) & POLLHUP
    assert t.recv(a) == b""


def test_close_with_unread_data_resets_the_peer(t):
    a, b = t.pair()
    t.send(a, b"unread")
    t.close(b)
    assert t.recv(a) == -ECONNRESET and t.recv(a) == b""


def test_nonblocking_flags_and_cloexec(t):
    sv = t.mem(8)
    assert t(N.sys_socketpair, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0
    a, b = struct.unpack("<ii", t.proc.mm.read(sv, 8))
    assert t.recv(a) == -EAGAIN and t.proc.fds.get_cloexec(a)
    assert t(N.sys_socket, AF_UNIX, SOCK_STREAM | 0x100, 0) == -EINVAL
    fd = t(S.sys_openat, AT_FDCWD, t.mem(b"/\0"), O_RDONLY, 0)
    assert t(N.sys_listen, fd, 1) == -ENOTSOCK and t(N.sys_listen, 99, 1) == -EBADF


def test_big_blocking_write_keeps_progress(t):
    a, b = t.pair()
    reader = t.twin()
    data = bytes(range(256)) * 2048            # 512 KiB: a few socket buffers
    buf, got = t.mem(data), bytearray()
    while True:
        try:
            n = N.sys_sendto(t, a, buf, len(data), 0, 0, 0)
            break
        except WouldBlock:
            got += reader.recv(b, 1 << 16)
    while len(got) < len(data):
        got += reader.recv(b, 1 << 16)
    assert n == len(data) and bytes(got) == data


def test_waitall_collects_across_waits(t):
    a, b = t.pair()
    buf = t.mem(10)
    t.send(a, b"12345")
    with pytest.raises(WouldBlock):
        N.sys_recvfrom(t, b, buf, 10, MSG_WAITALL, 0, 0)
    assert t.restart["written"] == 5               # what a signal would make it return
    t.twin().send(a, b"67890")
    assert N.sys_recvfrom(t, b, buf, 10, MSG_WAITALL, 0, 0) == 10
    assert t.proc.mm.read(buf, 10) == b"1234567890"


def test_poll_readiness(t):
    s = t.socket(SOCK_STREAM)
    assert revents(t.file(s), POLLIN | POLLOUT) == POLLOUT | POLLHUP   # unconnected, as Linux
    a, b = t.pair()
    assert revents(t.file(b), POLLIN | POLLOUT) == POLLOUT
    t.send(a, b"x")
    assert revents(t.file(b), POLLIN) == POLLIN
    t(N.sys_shutdown, a, SHUT_WR)
    assert revents(t.file(b), POLLIN | POLLRDHUP) == POLLIN | POLLRDHUP


# ---- names -------------------------------------------------------------------------------------
@pytest.fixture(params=["tmpfs", "hostfs"])
def named(request, tmp_path):
    if request.param == "tmpfs":
        return SocketThread(FsContext(TmpFS()))
    try:
        os.setxattr(tmp_path, "user.probe", b"1")
    except OSError:
        pytest.skip("no user xattrs here: hostfs cannot keep a socket inode")
    return SocketThread(FsContext(make_root(str(tmp_path))))


def test_path_bind_listen_connect_accept(named):
    t = named
    srv = t.socket(SOCK_STREAM)
    assert t.bind(srv, b"/sock\0") == 0
    st = t.mem(128)
    assert t(S.sys_newfstatat, AT_FDCWD, t.mem(b"/sock\0"), st, 0) == 0
    mode = struct.unpack_from("<I", t.proc.mm.read(st, 128), 16)[0]
    assert mode & S_IFMT == S_IFSOCK and mode & 0o777 == 0o755             # 0777 & ~umask
    assert t(S.sys_openat, AT_FDCWD, t.mem(b"/sock\0"), O_RDONLY, 0) == -ENXIO
    cli = t.socket(SOCK_STREAM)
    assert t.connect(cli, b"/sock") == -ECONNREFUSED                       # bound, not listening
    assert t(N.sys_listen, srv, 0) == 0
    assert t.connect(cli, b"/sock") == 0 and t.connect(cli, b"/sock") == -EISCONN
    assert t.send(cli, b"early") == 5                  # before accept: queued on the new socket
    conn = t(N.sys_accept4, srv, 0, 0, SOCK_CLOEXEC)
    assert conn > 0 and t.recv(conn) == b"early"
    assert t.name_of(N.sys_getsockname, srv) == b"/sock\0"
    assert t.name_of(N.sys_getpeername, cli) == b"/sock\0"
    assert t.name_of(N.sys_getsockname, cli) == b""                        # unbound
    assert t(N.sys_accept4, srv, 0, 0, 0) == "blocks"
    other = t.socket(SOCK_STREAM)
    assert t.bind(other, b"/sock") == -EADDRINUSE
    assert t.connect(other, b"/nothing") == -ENOENT
    dg = t.socket(SOCK_DGRAM)
    assert t.connect(dg, b"/sock") == -EPROTOTYPE
    t.close(srv)
    assert t.connect(other, b"/sock") == -ECONNREFUSED                     # the file remains


def test_backlog_limit_and_listener_close_resets(t):
    srv = t.socket(SOCK_STREAM | SOCK_NONBLOCK)
    t.bind(srv, b"\0abstract")
    t(N.sys_listen, srv, 1)
    clients = [t.socket(SOCK_STREAM | SOCK_NONBLOCK) for _ in range(3)]
    assert [t.connect(c, b"\0abstract") for c in clients] == [0, 0, -EAGAIN]   # backlog + 1
    assert t.name_of(N.sys_getpeername, clients[0]) == b"\0abstract"
    t.close(srv)
    assert t.recv(clients[0]) == -ECONNRESET           # the connection never accepted is reset
    assert t.recv(clients[0]) == b""
    assert t.send(clients[0], b"x", MSG_NOSIGNAL) == -EPIPE


def test_autobind_and_abstract_names(t):
    s = t.socket(SOCK_DGRAM)
    assert t(N.sys_bind, s, *t.addr(b"")) == 0
    name = t.name_of(N.sys_getsockname, s)
    assert len(name) == 6 and name[0] == 0 and int(name[1:], 16) >= 0
    assert t.bind(s, b"\0again") == -EINVAL            # bound already


def test_datagrams(t):
    rx, tx = t.socket(SOCK_DGRAM), t.socket(SOCK_DGRAM)
    t.bind(rx, b"/rx\0")
    t.bind(tx, b"/tx\0")
    assert t(N.sys_sendto, tx, t.mem(b"first"), 5, 0, *t.addr(b"/rx\0")) == 5
    assert t(N.sys_sendto, tx, t.mem(b"second!"), 7, 0, *t.addr(b"/rx\0")) == 7
    buf, src, ln = t.mem(16), t.mem(128), t.mem(struct.pack("<i", 128))
    assert t(N.sys_recvfrom, rx, buf, 3, MSG_PEEK | MSG_TRUNC, src, ln) == 5
    assert t.proc.mm.read(src, 6) == struct.pack("<H", AF_UNIX) + b"/tx\0"
    data, _, flags = t.recvmsg(rx, 3)
    assert data == b"fir" and flags & MSG_TRUNC       # the rest of a datagram is gone
    assert t.recv(rx) == b"second!" and t.recv(rx, flags=MSG_DONTWAIT) == -EAGAIN
    assert t.send(tx, b"x") == -ENOTCONN
    assert t.connect(tx, b"/rx") == 0 and t.send(tx, b"y") == 1
    assert t.name_of(N.sys_getpeername, tx) == b"/rx\0"
    t.close(rx)
    assert t.send(tx, b"z") == -ECONNREFUSED


def test_seqpacket_keeps_boundaries(t):
    a, b = t.pair(SOCK_SEQPACKET)
    t.send(a, b"one")
    t.send(a, b"two!")
    assert t.recv(b, 100) == b"one" and t.recv(b, 2) == b"tw" and t.recv(b, flags=MSG_DONTWAIT) \
        == -EAGAIN
    t.close(a)
    assert t.recv(b) == b""
    assert t.send(b, b"x") == -EPIPE and t.kernel.signals == []    # no SIGPIPE on seqpacket


# ---- passing fds and credentials ---------------------------------------------------------------
def test_scm_rights_passes_open_files(t):
    a, b = t.pair()
    r, w = make_pipe()
    rfd = t.proc.fds.install(r)
    assert t.sendmsg(a, b"fd", pack_cmsg(SOL_SOCKET, SCM_RIGHTS, struct.pack("<i", rfd))) == 2
    t.close(rfd)                                   # in flight, the pipe end stays open
    w.write(b"through the pipe")
    data, cmsgs, flags = t.recvmsg(b)
    assert data == b"fd" and flags == 0
    [(level, type_, payload)] = cmsgs
    assert (level, type_) == (SOL_SOCKET, SCM_RIGHTS)
    newfd = struct.unpack("<i", payload)[0]
    assert t.file(newfd) is r and r.read(100) == b"through the pipe"


def test_scm_rights_without_room_is_ctrunc_and_closes(t):
    a, b = t.pair()
    r, w = make_pipe()
    rfd = t.proc.fds.install(r)
    t.sendmsg(a, b"x", pack_cmsg(SOL_SOCKET, SCM_RIGHTS, struct.pack("<i", rfd)))
    t.close(rfd)
    data, cmsgs, flags = t.recvmsg(b, space=0)
    assert data == b"x" and cmsgs == [] and flags & MSG_CTRUNC
    assert r.refs == 0                             # the passed file was closed
    assert t.sendmsg(a, b"x", pack_cmsg(SOL_SOCKET, SCM_RIGHTS, struct.pack("<i", 77))) == -EBADF


def test_credentials_and_peercred():
    fs = FsContext(TmpFS())
    server, client = SocketThread(fs, pid=10, uid=0), SocketThread(fs, pid=20, uid=1000)
    srv = server.socket(SOCK_STREAM)
    server.bind(srv, b"\0creds")
    server(N.sys_listen, srv, 5)
    cli = client.socket(SOCK_STREAM)
    assert client.connect(cli, b"\0creds") == 0
    conn = server(N.sys_accept4, srv, 0, 0, 0)
    assert UCRED.unpack(server.getopt(conn, SO_PEERCRED, 12)) == (20, 1000, 1000)
    assert UCRED.unpack(client.getopt(cli, SO_PEERCRED, 12)) == (10, 0, 0)
    server.setopt(conn, SO_PASSCRED, 1)
    client.send(cli, b"who")
    data, cmsgs, _ = server.recvmsg(conn)
    assert data == b"who" and cmsgs == [(SOL_SOCKET, SCM_CREDENTIALS, UCRED.pack(20, 1000, 1000))]
    forged = pack_cmsg(SOL_SOCKET, SCM_CREDENTIALS, UCRED.pack(1, 0, 0))
    assert client.sendmsg(cli, b"x", forged) == -1                     # EPERM: not root
    assert server.sendmsg(conn, b"x", forged) == 1                     # root may


def test_options(t):
    a, b = t.pair()
    assert struct.unpack("<i", t.getopt(a, SO_TYPE))[0] == SOCK_STREAM
    assert struct.unpack("<i", t.getopt(a, SO_ERROR))[0] == 0
    t.setopt(a, SO_RCVBUF, 4096)
    assert struct.unpack("<i", t.getopt(a, SO_RCVBUF))[0] == 8192     # doubled, as Linux
    assert t.getopt(a, SO_TYPE, 2) == struct.pack("<h", SOCK_STREAM)  # truncated to optlen


def test_proc_net_unix_lists_bound_sockets(t):
    from kernel.unix import proc_net_unix
    s = t.socket(SOCK_STREAM)
    t.bind(s, b"\0listed")
    t(N.sys_listen, s, 1)
    line = [ln for ln in proc_net_unix().splitlines() if ln.endswith("@listed")]
    assert line and " 00010000 0001 01 " in line[0]
    t.close(s)
    assert "@listed" not in proc_net_unix()
