"""Pipes and readiness family (Linux fs/pipe.c, fs/select.c, fs/eventpoll.c, fs/eventfd.c).

Implemented:
  pipe2          O_CLOEXEC, O_NONBLOCK (O_DIRECT packet mode is accepted and ignored)
  ppoll          pollfd array; POLLNVAL for closed fds; NULL timeout waits for ever; the
                 remaining time is written back, as Linux does
  pselect6       fd_set bitmaps; EBADF for a closed fd in a set; remaining time written back
  epoll_create1  EPOLL_CLOEXEC
  epoll_ctl      ADD/MOD/DEL; EPOLLET, EPOLLONESHOT; EPERM for regular files and directories
  epoll_pwait    timeout -1/0/ms;  epoll_pwait2 (timespec timeout)
  eventfd2       EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC
Not yet: the temporary signal mask of ppoll/pselect6/epoll_pwait is ignored (signals are
delivered under the thread's own mask); the signal stage can apply it around the wait.
The mechanics (waiting, epoll items, the eventfd counter) live in kernel/poll.py; these adapters
only move guest structs.
"""
import struct

from kernel.abimap import long_bytes
from kernel.errno import EBADF, EFAULT, EINVAL, Errno
from kernel.pipe import make_pipe
from kernel.poll import Epoll, EventFd, poll_files
from kernel.uapi import (EFD_SEMAPHORE, O_CLOEXEC, O_DIRECT, O_NONBLOCK, POLLERR, POLLHUP,
                         POLLIN, POLLNVAL, POLLOUT, POLLPRI, as_int, open_flags_in, pack_timespec,
                         read_times)

_POLLFD = struct.Struct("<ihh")
_EPOLL_EVENT = struct.Struct("<I4xQ")    # 16 bytes with padding: packed only on x86_64
EPOLL_MAXEVENTS = (1 << 31) // _EPOLL_EVENT.size
NSEC = 10**9


def _timespec_ns(t, ptr):
    """A struct timespec timeout -> ns; NULL -> None (wait for ever)."""
    if not ptr:
        return None
    sec, nsec = read_times(t, ptr)
    if sec < 0 or not 0 <= nsec < NSEC:
        raise Errno(EINVAL)
    return sec * NSEC + nsec


def _put_remaining(t, ptr, waiter):
    if ptr:
        t.proc.mm.write(ptr, pack_timespec(t, waiter.remaining_ns()))


# ---- pipes -------------------------------------------------------------------------------------
def make_pipe_fds(t, flags):
    """A new pipe's (read fd, write fd); flags as pipe2's, checked by the caller (check_pipe)."""
    r, w = make_pipe(flags & O_NONBLOCK)
    fds, cloexec = t.proc.fds, bool(flags & O_CLOEXEC)
    try:
        rfd = fds.install(r, cloexec)
    except Errno:
        w.put()
        raise
    return rfd, fds.install(w, cloexec)     # on EMFILE the read end must go too


def check_pipe(flags):
    if flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT):
        raise Errno(EINVAL)


def sys_pipe2(t, pipefd, flags):
    flags = open_flags_in(t.kernel.abi, flags)          # O_NONBLOCK is the ABI's
    check_pipe(flags)
    t.proc.mm.read(pipefd, 8)           # EFAULT before any fd is allocated
    t.proc.mm.write(pipefd, struct.pack("<ii", *make_pipe_fds(t, flags)))
    return 0


# ---- poll and select ---------------------------------------------------------------------------
def sys_ppoll(t, fds_ptr, nfds, tmo, sigmask, sigsetsize):
    return _poll(t, fds_ptr, nfds, tmo, lambda: _timespec_ns(t, tmo))


def sys_poll(t, fds_ptr, nfds, timeout_ms):
    """poll(2) of the ABIs that still number it (asm-generic has only ppoll)."""
    timeout_ms = as_int(timeout_ms)
    return _poll(t, fds_ptr, nfds, 0, lambda: None if timeout_ms < 0 else timeout_ms * 10**6)


def _poll(t, fds_ptr, nfds, tmo, timeout_ns):
    """ppoll and poll; tmo: where the time left goes (ppoll's timespec; 0 for poll),
    timeout_ns(): the timeout (None: for ever)."""
    if nfds > t.proc.fds.limit:
        raise Errno(EINVAL)
    mm, table = t.proc.mm, t.proc.fds.files
    raw = [_POLLFD.unpack_from(mm.read(fds_ptr, _POLLFD.size * nfds), i * _POLLFD.size)
           for i in range(nfds)] if nfds else []
    entries = [(table.get(fd) if fd >= 0 else None, events & 0xFFFF) for fd, events, _ in raw]

    def report(masks, waiter):
        out = bytearray()
        for (fd, events, _), (f, _), m in zip(raw, entries, masks):
            if fd >= 0 and f is None:
                m = POLLNVAL
            out += _POLLFD.pack(fd, events, m)
        if out:
            mm.write(fds_ptr, bytes(out))
        _put_remaining(t, tmo, waiter)
        return sum(1 for (fd, _, _), (f, _), m in zip(raw, entries, masks)
                   if m or (fd >= 0 and f is None))

    if any(fd >= 0 and f is None for (fd, _, _), (f, _) in zip(raw, entries)):
        return poll_files(t, entries, 0, report)        # POLLNVAL: ready now
    return poll_files(t, entries, timeout_ns(), report)


_SELECT_IN = POLLIN | POLLHUP | POLLERR     # fs/select.c POLLIN_SET, POLLOUT_SET, POLLEX_SET
_SELECT_OUT = POLLOUT | POLLERR
_SELECT_EX = POLLPRI


def sys_pselect6(t, nfds, readfds, writefds, exceptfds, tmo, sig):
    nfds = as_int(nfds)
    if not 0 <= nfds <= t.proc.fds.limit:
        raise Errno(EINVAL)
    word = 8 * long_bytes(t.kernel.abi)            # fd_set: an array of longs
    mm, nbytes = t.proc.mm, (nfds + word - 1) // word * word // 8
    sets = [int.from_bytes(mm.read(p, nbytes), "little") if p and nbytes else 0
            for p in (readfds, writefds, exceptfds)]
    wanted = sets[0] | sets[1] | sets[2]
    fds = [fd for fd in range(nfds) if wanted >> fd & 1]

    def asked(fd):
        return ((_SELECT_IN if sets[0] >> fd & 1 else 0) | (_SELECT_OUT if sets[1] >> fd & 1 else 0)
                | (_SELECT_EX if sets[2] >> fd & 1 else 0))

    entries = []
    for fd in fds:
        f = t.proc.fds.files.get(fd)
        if f is None:
            raise Errno(EBADF)
        entries.append((_Masked(f, asked(fd)), asked(fd)))

    def report(masks, waiter):
        result, count = [0, 0, 0], 0
        for fd, m in zip(fds, masks):
            for i, bits in enumerate((_SELECT_IN, _SELECT_OUT, _SELECT_EX)):
                if sets[i] >> fd & 1 and m & bits:
                    result[i] |= 1 << fd
                    count += 1
        for p, r in zip((readfds, writefds, exceptfds), result):
            if p and nbytes:
                mm.write(p, r.to_bytes(nbytes, "little"))
        _put_remaining(t, tmo, waiter)
        return count

    return poll_files(t, entries, _timespec_ns(t, tmo), report)


class _Masked:
    """A file seen through select's sets: only the bits of the sets it is in count as ready
    (poll_files adds POLLERR/POLLHUP to every request, which select must not report unasked)."""

    def __init__(self, f, bits):
        self.f, self.bits = f, bits

    def poll_mask(self):
        return self.f.poll_mask() & self.bits

    def wait_queues(self):
        return self.f.wait_queues()


# ---- epoll -------------------------------------------------------------------------------------
def _epoll(t, epfd):
    ep = t.proc.fds.get(epfd)
    if not isinstance(ep, Epoll):
        raise Errno(EINVAL)
    return ep


def sys_epoll_create1(t, flags):
    flags = open_flags_in(t.kernel.abi, flags)
    if flags & ~O_CLOEXEC:
        raise Errno(EINVAL)
    return t.proc.fds.install(Epoll(), cloexec=bool(flags & O_CLOEXEC))


def sys_epoll_ctl(t, epfd, op, fd, event):
    ep = _epoll(t, epfd)
    f = t.proc.fds.get(fd)
    events = data = 0
    if as_int(op) != 2:                 # EPOLL_CTL_DEL ignores the event
        if not event:
            raise Errno(EFAULT)
        events, data = _EPOLL_EVENT.unpack(t.proc.mm.read(event, _EPOLL_EVENT.size))
    return ep.ctl(as_int(op), as_int(fd), f, events, data)


def _epoll_wait(t, epfd, events, maxevents, timeout_ns):
    maxevents = as_int(maxevents)
    if not 0 < maxevents <= EPOLL_MAXEVENTS:
        raise Errno(EINVAL)
    ep = _epoll(t, epfd)
    t.proc.mm.read(events, _EPOLL_EVENT.size)   # EFAULT now, not after consuming events
    ready = ep.wait(t, maxevents, timeout_ns)
    if ready:
        t.proc.mm.write(events, b"".join(_EPOLL_EVENT.pack(m, d) for m, d in ready))
    return len(ready)


def sys_epoll_pwait(t, epfd, events, maxevents, timeout, sigmask, sigsetsize):
    timeout = as_int(timeout)
    return _epoll_wait(t, epfd, events, maxevents, None if timeout < 0 else timeout * 10**6)


def sys_epoll_pwait2(t, epfd, events, maxevents, tmo, sigmask, sigsetsize):
    return _epoll_wait(t, epfd, events, maxevents, _timespec_ns(t, tmo))


# ---- eventfd -----------------------------------------------------------------------------------
def sys_eventfd2(t, initval, flags):
    flags = open_flags_in(t.kernel.abi, flags)          # EFD_NONBLOCK is the ABI's O_NONBLOCK
    if flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE):
        raise Errno(EINVAL)
    f = EventFd(initval & 0xFFFFFFFF, bool(flags & EFD_SEMAPHORE))
    f.flags |= flags & O_NONBLOCK
    return t.proc.fds.install(f, cloexec=bool(flags & O_CLOEXEC))


SYSCALLS = {
    "pipe2": (sys_pipe2, "ptr oflags"),
    "ppoll": (sys_ppoll, "ptr uint ptr ptr size"), "poll": (sys_poll, "ptr uint int"),
    "pselect6": (sys_pselect6, "int ptr ptr ptr ptr ptr"),
    "epoll_create1": (sys_epoll_create1, "oflags"),
    "epoll_ctl": (sys_epoll_ctl, "fd int fd ptr"),
    "epoll_pwait": (sys_epoll_pwait, "fd ptr int int ptr size"),
    "epoll_pwait2": (sys_epoll_pwait2, "fd ptr int ptr ptr size"),
    "eventfd2": (sys_eventfd2, "uint oflags"),
}
