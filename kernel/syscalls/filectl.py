"""More calls on open files (Linux fs/locks.c flock, fs/open.c fallocate, fs/file.c close_range,
fs/read_write.c preadv2/pwritev2, mm/readahead.c, mm/fadvise.c, fs/sync.c).

Implemented:
  flock        LOCK_SH, LOCK_EX, LOCK_UN, LOCK_NB: whole-file locks owned by the open file
               description (dup'd and inherited descriptors share them; they go with its last
               close), independent of fcntl's record locks, as on Linux
  close_range  CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE
  preadv2      pwritev2: offset -1 means the file offset; RWF_HIPRI/DSYNC/SYNC/NOWAIT accepted,
               RWF_APPEND honoured, unknown flags EOPNOTSUPP
  fallocate    mode 0 and FALLOC_FL_KEEP_SIZE: the file grows to cover the range (what
               allocation means for the guest); punching holes, collapsing, zeroing: EOPNOTSUPP
               (as a file system without them)
  readahead    fadvise64, sync_file_range, syncfs: advice and write-out ordering; the data is
               already where the host keeps it, so each checks its arguments as Linux does and
               returns 0
"""
import time

from kernel import locks
from kernel.errno import EAGAIN, EBADF, EINVAL, EOPNOTSUPP, ESPIPE, Errno
from kernel.process import unshare
from kernel.sched import WouldBlock
from kernel.syscalls.fd import MAX_IO, _file, _gather, _iovecs, _readable, _scatter, _writable
from kernel.uapi import F_RDLCK, F_UNLCK, F_WRLCK, O_APPEND, as_int

LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN = 1, 2, 4, 8
CLOSE_RANGE_UNSHARE, CLOSE_RANGE_CLOEXEC = 2, 4
RWF_HIPRI, RWF_DSYNC, RWF_SYNC, RWF_NOWAIT, RWF_APPEND = 1, 2, 4, 8, 16
FALLOC_FL_KEEP_SIZE = 1
POSIX_FADV_MAX = 5          # NORMAL RANDOM SEQUENTIAL WILLNEED DONTNEED NOREUSE: 0..5
SYNC_FILE_RANGE_ALL = 7


def sys_flock(t, fd, operation):
    f = t.proc.fds.get(fd)
    op = operation & ~LOCK_NB
    kind = {LOCK_SH: F_RDLCK, LOCK_EX: F_WRLCK, LOCK_UN: F_UNLCK}.get(op)
    if kind is None:
        raise Errno(EINVAL)
    table, key = locks.table_of(getattr(t, "kernel", None), flock=True), f.identity()
    if kind != F_UNLCK and table.conflict(key, f, kind, 0, None):
        if operation & LOCK_NB:
            raise Errno(EAGAIN)         # (EWOULDBLOCK)
        # a conversion drops the old lock first (not atomic on Linux either)
        table.set(key, f, F_UNLCK, 0, None, -1)
        raise WouldBlock(table.q, deadline=time.monotonic() + locks.RECHECK)
    table.set(key, f, kind, 0, None, -1)
    return 0


def sys_close_range(t, first, last, flags):
    first, last = first & 0xFFFFFFFF, last & 0xFFFFFFFF
    if flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) or first > last:
        raise Errno(EINVAL)
    fds = t.proc.fds
    if flags & CLOSE_RANGE_UNSHARE and getattr(fds, "users", 1) > 1:
        t.proc.fds = fds.clone()
        unshare(fds)
        fds = t.proc.fds
    for fd in [fd for fd in sorted(fds.files) if first <= fd <= last]:
        if flags & CLOSE_RANGE_CLOEXEC:
            fds.set_cloexec(fd, True)
        else:
            fds.close(fd)
    return 0


def _rwf(flags):
    if flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND):
        raise Errno(EOPNOTSUPP)


def sys_preadv2(t, fd, iov, iovcnt, offset, offset_hi, flags):
    _rwf(flags)
    f = _readable(t, fd)
    vecs = _iovecs(t, iov, iovcnt)
    n = min(sum(n for _, n in vecs), MAX_IO)
    if as_int(offset) == -1:
        data = f.read_for(t, n)
    elif as_int(offset) < 0:
        raise Errno(EINVAL)
    elif not f.seekable:
        raise Errno(ESPIPE)
    else:
        data = f.pread(n, offset)
    _scatter(t, vecs, data)
    return len(data)


def sys_pwritev2(t, fd, iov, iovcnt, offset, offset_hi, flags):
    _rwf(flags)
    f = _writable(t, fd)
    data = _gather(t, _iovecs(t, iov, iovcnt))
    if as_int(offset) == -1 or flags & RWF_APPEND and f.seekable:
        if flags & RWF_APPEND and f.seekable:
            return f.pwrite(data, f.size())
        return f.write_for(t, data)
    if as_int(offset) < 0:
        raise Errno(EINVAL)
    if not f.seekable:
        raise Errno(ESPIPE)
    if f.flags & O_APPEND:              # Linux: O_APPEND wins over the offset of pwrite
        return f.pwrite(data, f.size())
    return f.pwrite(data, offset)


def sys_fallocate(t, fd, mode, offset, length):
    f = _file(t, fd)
    offset, length = as_int(offset), as_int(length)
    if offset < 0 or length <= 0:
        raise Errno(EINVAL)
    if not f.writable:
        raise Errno(EBADF)
    if mode & ~FALLOC_FL_KEEP_SIZE:
        raise Errno(EOPNOTSUPP)
    if not f.seekable:
        raise Errno(ESPIPE)
    if not mode & FALLOC_FL_KEEP_SIZE and f.size() < offset + length:
        f.truncate(offset + length)
    return 0


def sys_readahead(t, fd, offset, count):
    f = _file(t, fd)
    if not f.readable or not f.seekable:
        raise Errno(EBADF if not f.readable else EINVAL)
    return 0


def sys_fadvise64(t, fd, offset, length, advice):
    f = t.proc.fds.get(fd)
    if not f.seekable:
        raise Errno(ESPIPE)
    if not 0 <= as_int(advice) <= POSIX_FADV_MAX or as_int(length) < 0:
        raise Errno(EINVAL)
    return 0


def sys_sync_file_range(t, fd, offset, nbytes, flags):
    t.proc.fds.get(fd)
    if flags & ~SYNC_FILE_RANGE_ALL or as_int(offset) < 0 or as_int(nbytes) < 0:
        raise Errno(EINVAL)
    return 0


def sys_syncfs(t, fd):
    t.proc.fds.get(fd)
    return 0                # (as sync(2): the host has every write already)


SYSCALLS = {
    "flock": (sys_flock, "fd int"),
    "close_range": (sys_close_range, "int int hex"),
    "preadv2": (sys_preadv2, "fd ptr int int int hex"),
    "pwritev2": (sys_pwritev2, "fd ptr int int int hex"),
    "fallocate": (sys_fallocate, "fd hex int int"),
    "readahead": (sys_readahead, "fd int size"),
    "fadvise64": (sys_fadvise64, "fd int int int"),
    "sync_file_range": (sys_sync_file_range, "fd int int hex"),
    "syncfs": (sys_syncfs, "fd"),
}
