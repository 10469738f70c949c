"""Pipes and FIFOs (Linux fs/pipe.c, fs/fifo.c; xv6 pipe.c).

A Pipe is the shared buffer; each open end is a PipeEnd (an open file description) that counts
as a reader, a writer, or both (a FIFO opened O_RDWR). pipe2() makes an anonymous Pipe with one
end of each kind; a FIFO inode in any file system names a Pipe kept in `_fifos` while it is open.

Blocking follows the restart design of kernel/sched.py: a read of an empty pipe raises
WouldBlock on `rq`, a write into a full one on `wq`, and every transfer or close wakes the other
side. Writes of at most PIPE_BUF bytes are atomic (all or nothing); a larger blocking write that
already moved some bytes keeps the count in t.restart["written"] and continues from there
when re-entered, so the caller sees one total. A signal that interrupts such a write makes it
return that count, never EINTR, as on Linux (kernel/signal.py _interrupt_syscall).
"""
import itertools
import struct

from kernel import params
from kernel.errno import EAGAIN, EBUSY, EINVAL, ENOTTY, ENXIO, EPERM, EPIPE, Errno
from kernel.sched import WaitQueue, WouldBlock
from kernel.uapi import (FIONREAD, O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, POLLERR,
                         POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, S_IFIFO, Stat, makedev)
from kernel.vfs import SPECIAL_OPENERS, File

PIPE_BUF = 4096                 # writes up to this size are atomic (POSIX)
PIPE_SIZE = 16 * params.PAGE_SIZE   # default capacity: 64 KiB, as Linux's 16 pipe buffers
PIPE_MAX_SIZE = 1 << 20         # /proc/sys/fs/pipe-max-size
PIPEFS_DEV = makedev(0, 12)
SIGPIPE = 13

_inos = itertools.count(4000)


class Pipe:
    """The buffer and the bookkeeping both ends share. `buf` is a bytearray used as a FIFO queue
    (CPython makes deleting from its front cheap)."""

    def __init__(self, capacity=PIPE_SIZE, named=False):
        self.buf = bytearray()
        self.capacity = capacity
        self.readers = self.writers = 0
        self.rq = WaitQueue()           # readers waiting for data or for the last writer to go
        self.wq = WaitQueue()           # writers waiting for room or for the last reader to go
        self.in_gen = self.out_gen = 0  # bumped when data / room appears (edge-triggered epoll)
        self.ino = next(_inos)
        # FIFO open rendezvous (fs/fifo.c): how many times each side was opened, and the queue
        # a blocking open waits on until the other side's counter moves.
        self.r_counter = self.w_counter = 0 if named else 1
        self.open_q = WaitQueue()
        self.named = named
        self.key = None                 # the _fifos key of a named pipe

    def changed(self, data=True, room=True):
        """Something changed for readers (data, or the last writer left) and/or for writers
        (room, or the last reader left): wake them."""
        if data:
            self.in_gen += 1
            self.rq.wake_all()
        if room:
            self.out_gen += 1
            self.wq.wake_all()

    @property
    def free(self):
        return self.capacity - len(self.buf)


class PipeEnd(File):
    """One open end of a pipe. Counts itself as a reader and/or writer until released."""

    def __init__(self, pipe, flags, loc=None):
        super().__init__(flags, loc)
        self.pipe = pipe
        if self.readable:
            pipe.readers += 1
            pipe.r_counter += 1
        if self.writable:
            pipe.writers += 1
            pipe.w_counter += 1
        # A FIFO reader is only hung up by writers that came after it (see poll_mask).
        self.w_seen = pipe.w_counter if pipe.named and not self.writable else 0
        pipe.open_q.wake_all()
        pipe.changed()

    def reopen(self, flags):
        """open("/proc/self/fd/N") of a pipe: a new description on the same pipe."""
        return PipeEnd(self.pipe, flags, self.loc)

    def release(self):
        p = self.pipe
        if self.readable:
            p.readers -= 1
        if self.writable:
            p.writers -= 1
        p.changed(data=self.writable, room=self.readable)
        if p.key is not None and not p.readers and not p.writers:
            p.buf.clear()               # the data of a FIFO nobody has open is discarded
            if not p.open_q.waiters:
                _fifos.pop(p.key, None)

    # ---- transfers -----------------------------------------------------------------------------
    def read(self, n):
        p = self.pipe
        if not p.buf:
            if not p.writers:
                return b""              # end of file
            if self.flags & O_NONBLOCK:
                raise Errno(EAGAIN)
            raise WouldBlock(p.rq)
        data = bytes(p.buf[:n])
        del p.buf[:n]
        p.changed(data=False)
        return data

    def write(self, data):
        return self.write_for(None, data)

    def write_for(self, t, data):
        p = self.pipe
        done = t.restart.get("written", 0) if t is not None else 0
        if not p.readers:
            if t is not None:
                send_sigpipe(t)
            if done:
                return done             # what got through before the reader left
            raise Errno(EPIPE)
        want = len(data) - done
        if len(data) <= PIPE_BUF and p.free < len(data):
            n = 0                       # atomic: all of it or wait
        else:
            n = min(p.free, want)
        if n:
            p.buf += memoryview(data)[done:done + n]
            done += n
            p.changed(room=False)
        if done == len(data):
            return done
        if self.flags & O_NONBLOCK:
            if done:
                return done
            raise Errno(EAGAIN)
        if t is not None:
            t.restart["written"] = done
        elif done:
            return done                 # no thread to keep progress for: a short write
        raise WouldBlock(p.wq)

    def room_for(self, t):
        p = self.pipe
        if not p.readers or p.free:
            return p.free or None       # no reader: the write raises EPIPE
        if self.flags & O_NONBLOCK:
            raise Errno(EAGAIN)
        raise WouldBlock(p.wq)

    # ---- what fstat, poll and ioctl see --------------------------------------------------------
    def stat(self):
        if self.loc is not None:        # a FIFO: the inode in its file system
            return super().stat()
        return Stat(dev=PIPEFS_DEV, ino=self.pipe.ino, mode=S_IFIFO | 0o600, blksize=4096)

    @property
    def poll_gen(self):
        return (self.pipe.in_gen if self.readable else 0, self.pipe.out_gen if self.writable else 0)

    def poll_mask(self):
        p, mask = self.pipe, 0
        if self.readable:
            if p.buf:
                mask |= POLLIN | POLLRDNORM
            # A FIFO reader that has never seen a writer is not hung up (fs/pipe.c f_version).
            if not p.writers and p.w_counter != self.w_seen:
                mask |= POLLHUP
        if self.writable:
            if p.free >= PIPE_BUF:
                mask |= POLLOUT | POLLWRNORM
            if not p.readers:
                mask |= POLLERR
        return mask

    def wait_queues(self):
        return (self.pipe.rq, self.pipe.wq)

    def ioctl(self, t, request, arg):
        if request == FIONREAD:
            t.proc.mm.write(arg, struct.pack("<i", len(self.pipe.buf)))
            return 0
        raise Errno(ENOTTY)

    def set_size(self, size):
        """F_SETPIPE_SZ: round up to a power-of-two number of pages, as Linux does."""
        if size <= 0:
            raise Errno(EINVAL)
        if size > PIPE_MAX_SIZE:
            raise Errno(EPERM)
        cap = params.PAGE_SIZE
        while cap < size:
            cap *= 2
        if cap < len(self.pipe.buf):
            raise Errno(EBUSY)
        self.pipe.capacity = cap
        self.pipe.changed(data=False)
        return cap


def send_sigpipe(t):
    """SIGPIPE to the writer thread."""
    t.kernel.send_signal(t, SIGPIPE)


def make_pipe(flags=0):
    """pipe2(): (read end, write end); flags may hold O_NONBLOCK."""
    p = Pipe()
    return PipeEnd(p, O_RDONLY | flags), PipeEnd(p, O_WRONLY | flags)


# ---- FIFOs -------------------------------------------------------------------------------------
_fifos = {}     # (file system, inode number) -> Pipe, while some end is open or being opened


def open_fifo(t, loc, flags):
    """Open a FIFO (fs/fifo.c fifo_open). O_RDONLY waits for a writer and O_WRONLY for a reader
    unless O_NONBLOCK (then a writer without reader gets ENXIO); O_RDWR never waits.

    A blocking open that must wait bumps its own side's counter once (waking the other side's
    blocked opener) and remembers the other side's counter in t.restart; it completes when that
    counter moves or the other side is open. So two blocking opens, in either order, meet."""
    key = (loc.inode.fs, loc.inode.ino)
    p = _fifos.get(key)
    if p is None:
        p = _fifos[key] = Pipe(named=True)
        p.key = key
    acc = flags & O_ACCMODE
    if acc == O_RDWR:
        return PipeEnd(p, flags, loc)
    reader = acc == O_RDONLY
    if acc == O_WRONLY and not p.readers and flags & O_NONBLOCK:
        if not any(w.restart.get("fifo_role") == "r" for w in p.open_q.waiters):
            raise Errno(ENXIO)
    elif not (flags & O_NONBLOCK or (p.writers if reader else p.readers)):
        other = p.w_counter if reader else p.r_counter
        restart = t.restart if t is not None else {}
        if restart.get("fifo") is None or restart["fifo"][0] is not p:
            restart["fifo"], restart["fifo_role"] = (p, other), "r" if reader else "w"
            if reader:
                p.r_counter += 1
            else:
                p.w_counter += 1
            p.open_q.wake_all()
        if other == restart["fifo"][1]:
            raise WouldBlock(p.open_q)
    return PipeEnd(p, flags, loc)


SPECIAL_OPENERS[S_IFIFO] = open_fifo      # a FIFO in any file system is a kernel pipe
