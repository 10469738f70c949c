"""Pipe and FIFO semantics, driven as system calls drive them: WouldBlock means "park and retry",
t.restart carries a large write's progress between retries."""
import pytest

from kernel.errno import EAGAIN, EPIPE, ENXIO, Errno
from kernel.pipe import PIPE_BUF, PIPE_SIZE, make_pipe, open_fifo
from kernel.sched import WouldBlock
from kernel.uapi import (O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, POLLERR, POLLHUP, POLLIN,
                         POLLOUT, S_IFIFO)
from kernel.vfs import Location


class FakeKernel:
    def __init__(self):
        self.signals = []

    def send_signal(self, t, sig):
        self.signals.append(sig)


class T:
    """A thread as the pipe sees it: a restart dict and a kernel to signal."""
    def __init__(self):
        self.restart, self.kernel = {}, FakeKernel()


def errno_of(fn, *a):
    with pytest.raises(Errno) as e:
        fn(*a)
    return e.value.errno


def test_read_write_and_eof():
    r, w = make_pipe()
    assert w.write(b"hello") == 5
    assert r.read(3) == b"hel" and r.read(100) == b"lo"
    with pytest.raises(WouldBlock) as wb:      # empty, writer open: park on the read queue
        r.read(1)
    assert r.pipe.rq in wb.value.queues
    w.put()
    assert r.read(1) == b""                     # no writers: end of file
    r.put()


def test_nonblocking_empty_and_full():
    r, w = make_pipe(O_NONBLOCK)
    assert errno_of(r.read, 1) == EAGAIN
    assert w.write(bytes(PIPE_SIZE + 100)) == PIPE_SIZE        # partial when non-blocking
    assert errno_of(w.write, b"x") == EAGAIN


def test_small_writes_are_atomic():
    r, w = make_pipe()
    t = T()
    w.write_for(t, bytes(PIPE_SIZE - 100))
    with pytest.raises(WouldBlock):         # 200 <= PIPE_BUF bytes do not fit: nothing written
        w.write_for(t, b"y" * 200)
    assert len(r.pipe.buf) == PIPE_SIZE - 100
    r.read(PIPE_BUF)
    assert w.write_for(t, b"y" * 200) == 200


def test_large_blocking_write_keeps_progress_across_restarts():
    r, w = make_pipe()
    t = T()
    data = bytes(range(256)) * 1024         # 256 KiB: four pipefuls
    got = bytearray()
    while True:
        try:
            n = w.write_for(t, data)
            break
        except WouldBlock:                  # the kernel parks the writer; a reader drains
            got += r.read(1 << 20)
    got += r.read(1 << 20)
    assert n == len(data) and bytes(got) == data


def test_epipe_and_sigpipe():
    r, w = make_pipe()
    r.put()
    t = T()
    assert errno_of(w.write_for, t, b"x") == EPIPE
    assert t.kernel.signals == [13]


def test_partial_write_then_reader_gone_returns_count():
    r, w = make_pipe()
    t = T()
    with pytest.raises(WouldBlock):
        w.write_for(t, bytes(PIPE_SIZE * 2))
    assert t.restart["written"] == PIPE_SIZE
    r.put()
    assert w.write_for(t, bytes(PIPE_SIZE * 2)) == PIPE_SIZE


def test_poll_masks():
    r, w = make_pipe()
    assert r.poll_mask() == 0 and w.poll_mask() & POLLOUT
    w.write(b"z")
    assert r.poll_mask() & POLLIN
    w.write(bytes(PIPE_SIZE - 1))
    assert not w.poll_mask() & POLLOUT
    w.put()
    assert r.poll_mask() & POLLHUP
    r2, w2 = make_pipe()
    r2.put()
    assert w2.poll_mask() & POLLERR


def test_fstat_is_fifo():
    r, w = make_pipe()
    st = r.stat()
    assert st.mode & 0o170000 == S_IFIFO and st.ino == w.stat().ino


class FakeInode:
    fs, ino, mode = object(), 77, S_IFIFO | 0o644


def test_fifo_open_rendezvous():
    loc = Location(("f",), FakeInode())
    reader, writer = T(), T()
    with pytest.raises(WouldBlock):                 # reader first: waits for a writer
        open_fifo(reader, loc, O_RDONLY)
    with pytest.raises(WouldBlock):                 # writer: sees no reader yet...
        open_fifo(writer, loc, O_WRONLY)
    r = open_fifo(reader, loc, O_RDONLY)            # ...but the reader, retried, meets it
    w = open_fifo(writer, loc, O_WRONLY)            # and then the writer completes too
    w.write(b"via fifo")
    w.put()
    assert r.read(100) == b"via fifo" and r.read(100) == b""
    r.put()


def test_fifo_nonblocking_opens():
    loc = Location(("g",), type("I", (FakeInode,), {"ino": 78})())
    assert errno_of(open_fifo, T(), loc, O_WRONLY | O_NONBLOCK) == ENXIO
    r = open_fifo(T(), loc, O_RDONLY | O_NONBLOCK)
    assert r.read(1) == b""          # no writer ever: EOF, not EAGAIN... (Linux: 0)
    assert not r.poll_mask() & POLLHUP               # never had a writer: not hung up
    w = open_fifo(T(), loc, O_WRONLY | O_NONBLOCK)
    rw = open_fifo(T(), loc, O_RDWR)
    for f in (r, w, rw):
        f.put()


def test_pipe_sizes():
    r, w = make_pipe()
    assert w.set_size(5000) == 8192 and w.pipe.capacity == 8192
