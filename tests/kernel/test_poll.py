"""Readiness system calls (ppoll, pselect6, epoll, eventfd) with guest memory faked: what each
reports, when it blocks (WouldBlock) and that a re-entered call keeps its first deadline."""
import struct
import time
from types import SimpleNamespace

import pytest

from kernel.errno import EAGAIN, EBADF, EEXIST, EINVAL, ENOENT, EPERM, Errno
from kernel.fdtable import FdTable
from kernel.sched import WouldBlock
from kernel.syscalls import poll as P
from kernel.uapi import (EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLLET, EPOLLONESHOT,
                         O_NONBLOCK, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT)
from tests.kernel.test_fs_syscalls import FakeMM
from translators.riscv64 import abi as riscv64_abi


class Proc:
    def __init__(self):
        self.mm, self.fds, self.pid = FakeMM(), FdTable(), 1


class T:
    kernel = SimpleNamespace(abi=riscv64_abi)      # asm-generic layouts

    def __init__(self):
        self.proc, self.restart = Proc(), {}

    def pipe(self, flags=0):
        buf = self.proc.mm.alloc(8)
        assert P.sys_pipe2(self, buf, flags) == 0
        return struct.unpack("<ii", self.proc.mm.read(buf, 8))

    def write(self, fd, data):
        return self.proc.fds.get(fd).write(data)

    def read(self, fd, n):
        return self.proc.fds.get(fd).read(n)


def ppoll(t, pairs, timeout_ns=None):
    mm = t.proc.mm
    arr = mm.alloc(b"".join(struct.pack("<ihh", fd, ev, 0) for fd, ev in pairs) or 8)
    tmo = mm.alloc(struct.pack("<qq", *divmod(timeout_ns, 10**9))) if timeout_ns is not None else 0
    n = P.sys_ppoll(t, arr, len(pairs), tmo, 0, 8)
    return n, [struct.unpack_from("<ihh", mm.read(arr, 8 * len(pairs)), 8 * i)[2]
               for i in range(len(pairs))]


def test_ppoll_reports_readiness_and_nval():
    t = T()
    r, w = t.pipe()
    n, rev = ppoll(t, [(r, POLLIN), (w, POLLOUT), (99, POLLIN), (-1, POLLIN)], 0)
    assert n == 2 and rev == [0, POLLOUT, POLLNVAL, 0]
    t.write(w, b"x")
    n, rev = ppoll(t, [(r, POLLIN)], 0)
    assert n == 1 and rev == [POLLIN]
    t.proc.fds.close(w)
    t.read(r, 1)
    assert ppoll(t, [(r, POLLIN)], 0) == (1, [POLLHUP])


def test_ppoll_blocks_on_the_files_queues_with_its_first_deadline():
    t = T()
    r, w = t.pipe()
    with pytest.raises(WouldBlock) as wb:
        ppoll(t, [(r, POLLIN)], 50_000_000)
    deadline = wb.value.deadline
    assert t.proc.fds.get(r).pipe.rq in wb.value.queues and deadline > time.monotonic()
    with pytest.raises(WouldBlock) as wb2:          # re-entered early: same deadline
        ppoll(t, [(r, POLLIN)], 50_000_000)
    assert wb2.value.deadline == deadline
    time.sleep(0.06)
    assert ppoll(t, [(r, POLLIN)], 50_000_000) == (0, [0])     # timed out
    t.restart.clear()
    with pytest.raises(WouldBlock) as wb3:           # NULL timeout: no deadline
        ppoll(t, [(r, POLLIN)])
    assert wb3.value.deadline is None


def test_pselect6():
    t = T()
    r, w = t.pipe()
    mm = t.proc.mm
    nfds = max(r, w) + 1
    rset, wset = mm.alloc(struct.pack("<Q", 1 << r)), mm.alloc(struct.pack("<Q", 1 << w))
    tmo = mm.alloc(bytes(16))
    assert P.sys_pselect6(t, nfds, rset, wset, 0, tmo, 0) == 1
    assert struct.unpack("<Q", mm.read(rset, 8))[0] == 0
    assert struct.unpack("<Q", mm.read(wset, 8))[0] == 1 << w
    bad = mm.alloc(struct.pack("<Q", 1 << 20))
    with pytest.raises(Errno) as e:
        P.sys_pselect6(t, 21, bad, 0, 0, tmo, 0)
    assert e.value.errno == EBADF


def epoll_wait(t, ep, maxevents=8, timeout=0):
    buf = t.proc.mm.alloc(16 * maxevents)
    n = P.sys_epoll_pwait(t, ep, buf, maxevents, timeout, 0, 8)
    t.restart.clear()
    return [struct.unpack_from("<I4xQ", t.proc.mm.read(buf, 16 * n), 16 * i) for i in range(n)]


def ctl(t, ep, op, fd, events=0, data=0):
    return P.sys_epoll_ctl(t, ep, op, fd, t.proc.mm.alloc(struct.pack("<I4xQ", events, data)))


def test_epoll_level_edge_oneshot():
    t = T()
    r, w = t.pipe()
    ep = P.sys_epoll_create1(t, 0)
    ctl(t, ep, EPOLL_CTL_ADD, r, POLLIN, 111)
    assert epoll_wait(t, ep) == []
    with pytest.raises(WouldBlock):
        P.sys_epoll_pwait(t, ep, t.proc.mm.alloc(16), 1, -1, 0, 8)
    t.restart.clear()
    t.write(w, b"ab")
    assert epoll_wait(t, ep) == [(POLLIN, 111)]
    assert epoll_wait(t, ep) == [(POLLIN, 111)]         # level-triggered: again
    ctl(t, ep, EPOLL_CTL_MOD, r, POLLIN | EPOLLET, 222)
    assert epoll_wait(t, ep) == [(POLLIN, 222)]
    assert epoll_wait(t, ep) == []                      # edge: nothing new
    t.read(r, 1)
    assert epoll_wait(t, ep) == []                      # a read is no new data
    t.write(w, b"c")
    assert epoll_wait(t, ep) == [(POLLIN, 222)]
    ctl(t, ep, EPOLL_CTL_MOD, r, POLLIN | EPOLLONESHOT, 333)
    assert epoll_wait(t, ep) == [(POLLIN, 333)]
    assert epoll_wait(t, ep) == []                      # disarmed until MOD
    ctl(t, ep, EPOLL_CTL_MOD, r, POLLIN, 444)
    assert epoll_wait(t, ep) == [(POLLIN, 444)]
    ctl(t, ep, EPOLL_CTL_DEL, r)
    assert epoll_wait(t, ep) == []


def test_epoll_errors_and_hangup():
    t = T()
    r, w = t.pipe()
    ep = P.sys_epoll_create1(t, 0)
    ctl(t, ep, EPOLL_CTL_ADD, w, POLLOUT, 1)
    for args, err in [((EPOLL_CTL_ADD, w, POLLOUT), EEXIST), ((EPOLL_CTL_MOD, r, POLLIN), ENOENT),
                      ((EPOLL_CTL_ADD, ep, POLLIN), EINVAL)]:
        with pytest.raises(Errno) as e:
            ctl(t, ep, *args)
        assert e.value.errno == err
    assert epoll_wait(t, ep) == [(POLLOUT, 1)]
    t.proc.fds.close(r)
    assert epoll_wait(t, ep) == [(POLLOUT | POLLERR, 1)]
    t.proc.fds.close(w)                 # the item goes with the file
    assert epoll_wait(t, ep) == []
    with pytest.raises(Errno) as e:
        P.sys_epoll_pwait(t, ep, t.proc.mm.alloc(16), 0, 0, 0, 8)
    assert e.value.errno == EINVAL


def test_epoll_refuses_regular_files(tmp_path):
    from kernel.hostfs import HostFS
    from kernel.vfs import FsContext
    (tmp_path / "f").write_text("x")
    t = T()
    fd = t.proc.fds.install(FsContext(HostFS(tmp_path)).open("/f"))
    ep = P.sys_epoll_create1(t, 0)
    with pytest.raises(Errno) as e:
        ctl(t, ep, EPOLL_CTL_ADD, fd, POLLIN)
    assert e.value.errno == EPERM
    assert ppoll(t, [(fd, POLLIN | POLLOUT)], 0) == (1, [POLLIN | POLLOUT])   # always ready


def test_eventfd_counter_semaphore_nonblock():
    t = T()
    fd = P.sys_eventfd2(t, 3, O_NONBLOCK)
    f = t.proc.fds.get(fd)
    assert f.poll_mask() & POLLIN
    assert struct.unpack("<Q", f.read(8))[0] == 3
    with pytest.raises(Errno) as e:
        f.read(8)
    assert e.value.errno == EAGAIN
    f.write(struct.pack("<Q", 5))
    assert struct.unpack("<Q", f.read(8))[0] == 5
    sem = t.proc.fds.get(P.sys_eventfd2(t, 2, 1))       # EFD_SEMAPHORE, blocking
    assert [struct.unpack("<Q", sem.read(8))[0] for _ in range(2)] == [1, 1]
    with pytest.raises(WouldBlock):
        sem.read(8)
    for bad in (lambda: f.read(4), lambda: f.write(struct.pack("<Q", (1 << 64) - 1))):
        with pytest.raises(Errno) as e:
            bad()
        assert e.value.errno == EINVAL
