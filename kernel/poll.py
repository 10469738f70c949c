"""Readiness: waiting for several files at once (Linux fs/select.c, fs/eventpoll.c, fs/eventfd.c).

Every File answers two questions (kernel/vfs.py): `poll_mask()` -- which of POLLIN, POLLOUT,
POLLHUP, POLLERR hold now -- and `wait_queues()` -- which WaitQueues are woken when that may change
(None: nothing will wake us, e.g. a host fd; we then look again every HOST_RECHECK seconds).

A waiting call computes readiness; if nothing is ready and time is left, it raises WouldBlock on
the union of the files' queues with its deadline. When woken it is executed again from the start
and recomputes everything; only the deadline survives, in t.restart["poll_deadline"], so a call
that is woken early by an unrelated change still times out when it first meant to.

Here: `Waiter` (the deadline and the blocking), `poll_files` (ppoll/pselect6), `Epoll` (an epoll
instance: level-triggered, EPOLLET, EPOLLONESHOT), `EventFd`. The guest-facing adapters that read
and write pollfd arrays, fd_sets and epoll_events are in kernel/syscalls/poll.py.
"""
import struct
import time
from dataclasses import dataclass

from kernel.errno import EAGAIN, EEXIST, EINVAL, ENOENT, EPERM, Errno
from kernel.sched import WaitQueue, WouldBlock
from kernel.uapi import (EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLLET, EPOLLEXCLUSIVE,
                         EPOLLONESHOT, O_NONBLOCK, O_RDWR, POLLERR, POLLHUP, POLLIN, POLLOUT,
                         POLLRDNORM, POLLWRNORM, Stat)
from kernel.vfs import File

HOST_RECHECK = 0.01     # seconds between looks at files that cannot wake a waiter
ALWAYS = POLLERR | POLLHUP      # reported whether asked for or not


class Waiter:
    """The time limit of one waiting call, kept across its re-entries."""

    def __init__(self, t, timeout_ns):
        """timeout_ns None waits for ever; 0 only looks."""
        if timeout_ns is None:
            self.deadline = None
        else:
            self.deadline = t.restart.setdefault("poll_deadline",
                                                 time.monotonic() + timeout_ns / 1e9)

    @property
    def expired(self):
        return self.deadline is not None and time.monotonic() >= self.deadline

    def remaining_ns(self):
        return max(0, int((self.deadline - time.monotonic()) * 1e9)) if self.deadline else 0

    def block(self, files):
        """Raise WouldBlock on every queue of `files` until the deadline."""
        queues, deadline = [], self.deadline
        for f in files:
            qs = f.wait_queues() if f is not None else ()
            if qs is None:
                soon = time.monotonic() + HOST_RECHECK
                deadline = soon if deadline is None else min(deadline, soon)
                continue
            queues += [q for q in qs if all(q is not have for have in queues)]
        raise WouldBlock(*queues, deadline=deadline)


def revents(f, events):
    """What poll() reports for one file: the asked-for bits that hold, plus errors and hang-ups."""
    return f.poll_mask() & (events | ALWAYS)


def poll_files(t, entries, timeout_ns, report):
    """The ppoll/pselect6 loop body. entries: [(File or None, events)]; report(masks, waiter) is
    called once the call completes (something ready, or time is up) and returns the result."""
    waiter = Waiter(t, timeout_ns)
    masks = [revents(f, ev) if f is not None else 0 for f, ev in entries]
    if any(masks) or waiter.expired:
        return report(masks, waiter)
    waiter.block(f for f, _ in entries)


def can_poll(f):
    """epoll refuses files that never change readiness (regular files, directories): EPERM."""
    return type(f).wait_queues is not File.wait_queues or type(f).poll_mask is not File.poll_mask


# ---- epoll -------------------------------------------------------------------------------------
@dataclass(eq=False)
class Interest:
    """One watched (fd, file) pair of an epoll instance (Linux's struct epitem)."""
    file: File
    events: int
    data: int
    armed: bool = True          # False after an EPOLLONESHOT event, until EPOLL_CTL_MOD
    seen_gen: object = None     # EPOLLET: the file's poll_gen when last reported
    seen_mask: int = 0


class Epoll(File):
    """An epoll instance. It holds no reference on the files it watches (as in Linux): an item
    whose file has been released is dropped the next time it is looked at."""

    def __init__(self, flags=O_RDWR):
        super().__init__(flags)
        self.items = {}         # (fd, File) -> Interest

    def ctl(self, op, fd, f, events=0, data=0):
        key = (fd, f)
        if f is self or isinstance(f, Epoll) and f.watches(self):
            raise Errno(EINVAL)     # no loops
        if not can_poll(f):
            raise Errno(EPERM)
        if op == EPOLL_CTL_ADD:
            if key in self.items:
                raise Errno(EEXIST)
            self.items[key] = Interest(f, events, data)
        elif op == EPOLL_CTL_MOD:
            it = self.items.get(key)
            if it is None:
                raise Errno(ENOENT)
            if events & EPOLLEXCLUSIVE or it.events & EPOLLEXCLUSIVE:
                raise Errno(EINVAL)
            self.items[key] = Interest(f, events, data)
        elif op == EPOLL_CTL_DEL:
            if self.items.pop(key, None) is None:
                raise Errno(ENOENT)
        else:
            raise Errno(EINVAL)
        return 0

    def watches(self, other):
        return any(it.file is other or isinstance(it.file, Epoll) and it.file.watches(other)
                   for it in self._live())

    def _live(self):
        for key, it in list(self.items.items()):
            if it.file.refs <= 0:
                del self.items[key]
            else:
                yield it

    def harvest(self, maxevents):
        """Ready events as [(mask, data)], at most maxevents, updating ET and ONESHOT state."""
        out = []
        for it in self._live():
            if not it.armed:
                continue
            mask = revents(it.file, it.events)
            if not mask:
                it.seen_mask = 0
                continue
            if it.events & EPOLLET:
                gen = it.file.poll_gen
                if gen == it.seen_gen and not mask & ~it.seen_mask:
                    continue        # nothing new since the last report
                it.seen_gen, it.seen_mask = gen, mask
            if it.events & EPOLLONESHOT:
                it.armed = False
            out.append((mask, it.data))
            if len(out) == maxevents:
                break
        return out

    def wait(self, t, maxevents, timeout_ns):
        """epoll_pwait: ready events, or WouldBlock until one may be."""
        waiter = Waiter(t, timeout_ns)
        events = self.harvest(maxevents)
        if events or waiter.expired:
            return events
        waiter.block([it.file for it in self._live()])

    # An epoll fd is itself pollable: readable when some item is ready (checked level-triggered).
    def poll_mask(self):
        ready = any(it.armed and revents(it.file, it.events) for it in self._live())
        return POLLIN | POLLRDNORM if ready else 0

    def wait_queues(self):
        queues = []
        for it in self._live():
            qs = it.file.wait_queues()
            if qs is None:
                return None
            queues += qs
        return queues

    def stat(self):
        return Stat(mode=0o600, ino=id(self) & 0xFFFFFF)

    def read(self, n):
        raise Errno(EINVAL)

    link_name = "anon_inode:[eventpoll]"


# ---- eventfd -----------------------------------------------------------------------------------
EVENTFD_MAX = (1 << 64) - 2     # the counter never exceeds this


class EventFd(File):
    """A 64-bit counter: write adds, read takes all of it (or 1 in semaphore mode)."""
    link_name = "anon_inode:[eventfd]"

    def __init__(self, count, semaphore, flags=O_RDWR):
        super().__init__(flags)
        self.count, self.semaphore = count, semaphore
        self.q = WaitQueue()
        self.poll_gen = 0

    def _changed(self):
        self.poll_gen += 1
        self.q.wake_all()

    def _wait(self):
        if self.flags & O_NONBLOCK:
            raise Errno(EAGAIN)
        raise WouldBlock(self.q)

    def read(self, n):
        if n < 8:
            raise Errno(EINVAL)
        if self.count == 0:
            self._wait()
        value = 1 if self.semaphore else self.count
        self.count -= value
        self._changed()
        return struct.pack("<Q", value)

    def write(self, data):
        if len(data) < 8:
            raise Errno(EINVAL)
        value = struct.unpack("<Q", data[:8])[0]
        if value == (1 << 64) - 1:
            raise Errno(EINVAL)
        if self.count + value > EVENTFD_MAX:
            self._wait()
        if value:
            self.count += value
            self._changed()
        return 8

    def poll_mask(self):
        return ((POLLIN | POLLRDNORM if self.count else 0)
                | (POLLOUT | POLLWRNORM if self.count < EVENTFD_MAX else 0))

    def wait_queues(self):
        return (self.q,)

    def stat(self):
        return Stat(mode=0o600, ino=id(self) & 0xFFFFFF)
