"""System calls on file descriptors (Linux fs/read_write.c, fs/fcntl.c, fs/ioctl.c semantics).

Implemented:
  close     read, write, readv, writev, pread64, pwrite64, preadv, pwritev
  lseek     SEEK_SET/CUR/END (+ SEEK_DATA/HOLE on host files); ESPIPE on ttys and pipes
  fstat     fstatfs, getdents64 ("." and ".." first; d_off stable across calls)
  fchmod    fchown (as chmod/chown on the inode the descriptor was opened at), ftruncate, fsync,
            fdatasync
  dup       dup2, dup3
  fcntl     F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL, record locks
            F_GETLK/F_SETLK/F_SETLKW and F_OFD_GETLK/F_OFD_SETLK/F_OFD_SETLKW (kernel/locks.py;
            no EDEADLK detection), F_GETPIPE_SZ/F_SETPIPE_SZ
  ioctl     FIOCLEX/FIONCLEX/FIONBIO, FICLONE/FICLONERANGE (checked, then EOPNOTSUPP: no
            file system here shares blocks) here; the rest by the file (terminals: TCGETS,
            TCSETS*, TIOCGWINSZ, ...); anything else ENOTTY
Stubs:
  fcntl F_SETOWN -> 0, F_GETOWN -> 0
Reads and writes go through File.read_for/write_for, so a pipe or terminal can block (WouldBlock)
and keep partial progress in t.restart.
"""
import struct
import time

from kernel import locks
from kernel.errno import EAGAIN, EBADF, EINVAL, EISDIR, EOPNOTSUPP, EXDEV, Errno
from kernel.sched import WouldBlock
from kernel.syscalls.fs import U32, chmod, chown
from kernel.uapi import (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_GETLK, F_GETOWN,
                         F_GETPIPE_SZ, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_RDLCK, F_SETFD,
                         F_SETFL, F_SETLK, F_SETLKW, F_SETOWN, F_SETPIPE_SZ, F_UNLCK, F_WRLCK,
                         FD_CLOEXEC, FICLONE, FICLONERANGE, FIOCLEX, FIONBIO, FIONCLEX, FLOCK,
                         O_APPEND, O_CLOEXEC, O_NONBLOCK, O_PATH, S_IFDIR, S_IFMT, S_IFREG,
                         SEEK_CUR, SEEK_END, SEEK_HOLE, SEEK_SET, SETFL_MASK, as_int, fcntl_in,
                         flock_struct, ioctl_in, open_flags_in, open_flags_out, pack_stat,
                         pack_statfs, read_iovecs)

# Linux caps one read/write at MAX_RW_COUNT (2 GiB - 4 KiB); we cap lower so a huge count cannot
# make the kernel allocate gigabytes. Callers loop on short counts, as POSIX allows.
MAX_IO = 1 << 24
UIO_MAXIOV = 1024
PIPEFS_MAGIC = 0x50495045


def _file(t, fd):
    """An fd usable for I/O: O_PATH descriptors are EBADF for everything but a few calls."""
    f = t.proc.fds.get(fd)
    if f.flags & O_PATH:
        raise Errno(EBADF)
    return f


def _readable(t, fd):
    f = _file(t, fd)
    if not f.readable:
        raise Errno(EBADF)
    return f


def _writable(t, fd):
    f = _file(t, fd)
    if not f.writable:
        raise Errno(EBADF)
    return f


def _count(count):
    """size_t count -> bytes to transfer now; 'negative' (> SSIZE_MAX) is EINVAL."""
    if count < 0:
        raise Errno(EINVAL)
    return min(count, MAX_IO)


def _iovecs(t, iov, iovcnt):
    if not 0 <= iovcnt <= UIO_MAXIOV:
        raise Errno(EINVAL)
    vecs = read_iovecs(t.proc.mm, t.kernel.abi, iov, iovcnt)
    if sum(n for _, n in vecs) >= 1 << 63:
        raise Errno(EINVAL)
    return vecs


def _scatter(t, vecs, data):
    pos = 0
    for base, n in vecs:
        chunk = data[pos:pos + n]
        if not chunk:
            break
        t.proc.mm.write(base, chunk)
        pos += len(chunk)


def _gather(t, vecs):
    return b"".join(t.proc.mm.read(b, n) for b, n in vecs if n)[:MAX_IO]


# ---- I/O ---------------------------------------------------------------------------------------
def sys_close(t, fd):
    f = t.proc.fds.get(fd)
    table = locks.table_of(getattr(t, "kernel", None))
    if table and f.loc is not None:      # POSIX: any close drops the process's locks on the file
        table.release_owner(f.identity(), t.proc)
    t.proc.fds.close(fd)
    return 0


def sys_read(t, fd, buf, count):
    f = _readable(t, fd)
    data = f.read_for(t, _count(count)) if count else b""
    if data:
        t.proc.mm.write(buf, data)
    return len(data)


def sys_write(t, fd, buf, count):
    f = _writable(t, fd)
    n = _count(count)
    return f.write_for(t, t.proc.mm.read(buf, n)) if n else 0


def sys_readv(t, fd, iov, iovcnt):
    f = _readable(t, fd)
    vecs = _iovecs(t, iov, iovcnt)
    total = min(sum(n for _, n in vecs), MAX_IO)
    data = f.read_for(t, total) if total else b""     # one read: a terminal line lands in one go
    _scatter(t, vecs, data)
    return len(data)


def sys_writev(t, fd, iov, iovcnt):
    f = _writable(t, fd)
    data = _gather(t, _iovecs(t, iov, iovcnt))
    return f.write_for(t, data) if data else 0     # one write: atomic on pipes and terminals


def sys_sendfile(t, out_fd, in_fd, offset_ptr, count):
    """Copy from in_fd (at *offset_ptr, or its file offset) to out_fd, through the kernel."""
    src, dst = _readable(t, in_fd), _writable(t, out_fd)
    if hasattr(src, "pipe"):
        raise Errno(EINVAL)                 # Linux: a pipe has no splice_read
    n = min(_count(count), 1 << 20)          # a short count is allowed; callers loop
    # Wait for room in the destination first and take no more than fits, as Linux's splice does:
    # the write then completes at once, so a signal can neither strand bytes taken from a stream
    # nor return a count the source's offset has not moved by.
    room = dst.room_for(t)
    if room is not None:
        n = min(n, room)
    if offset_ptr:
        off = t.proc.mm.read_u64(offset_ptr)
        if off < 0:
            raise Errno(EINVAL)
    elif src.seekable:
        off = src.offset
    else:
        # A stream: what it gives is gone from it, so the bytes a destination without room_for
        # (a terminal) still holds when it blocks wait for the restarted call in t.restart.
        data = t.restart.get("sendfile_data")
        if data is None:
            data = t.restart["sendfile_data"] = src.read_for(t, n)
        return dst.write_for(t, data) if data else 0
    # Read at the offset without moving it, and move it by what was written: if the write
    # blocks (a full pipe), the call restarts and must find the same bytes at the same place.
    data = src.pread(n, off)
    done = dst.write_for(t, data) if data else 0
    if offset_ptr:
        t.proc.mm.write_u64(offset_ptr, off + done)
    else:
        src.offset = off + done
    return done


def sys_pread64(t, fd, buf, count, offset):
    f = _readable(t, fd)
    if offset < 0:
        raise Errno(EINVAL)
    data = f.pread(_count(count), offset)
    if data:
        t.proc.mm.write(buf, data)
    return len(data)


def sys_pwrite64(t, fd, buf, count, offset):
    f = _writable(t, fd)
    if offset < 0:
        raise Errno(EINVAL)
    n = _count(count)
    return f.pwrite(t.proc.mm.read(buf, n), offset) if n else 0


def sys_preadv(t, fd, iov, iovcnt, offset, offset_hi=0):
    f = _readable(t, fd)
    vecs = _iovecs(t, iov, iovcnt)
    if offset < 0:
        raise Errno(EINVAL)
    data = f.pread(min(sum(n for _, n in vecs), MAX_IO), offset)
    _scatter(t, vecs, data)
    return len(data)


def sys_pwritev(t, fd, iov, iovcnt, offset, offset_hi=0):
    f = _writable(t, fd)
    vecs = _iovecs(t, iov, iovcnt)
    if offset < 0:
        raise Errno(EINVAL)
    return f.pwrite(_gather(t, vecs), offset)


def sys_lseek(t, fd, offset, whence):
    f = _file(t, fd)
    if not 0 <= whence <= SEEK_HOLE:
        raise Errno(EINVAL)
    return f.seek(offset, whence)


# ---- metadata ----------------------------------------------------------------------------------
def sys_fstat(t, fd, statbuf):
    t.proc.mm.write(statbuf, pack_stat(t.proc.fds.get(fd).stat()))
    return 0


def fstatfs_info(t, fd):
    """What statfs reports for the file system of descriptor fd (pack_statfs's arguments)."""
    f = t.proc.fds.get(fd)
    if f.loc is not None:
        return f.loc.inode.fs.statfs()
    # pipes and host streams: an in-memory file system with nothing to report
    return dict(ftype=PIPEFS_MAGIC, bsize=4096, blocks=0, bfree=0, bavail=0, files=0, ffree=0)


def sys_fstatfs(t, fd, buf):
    t.proc.mm.write(buf, pack_statfs(**fstatfs_info(t, fd)))
    return 0


def sys_getdents64(t, fd, dirp, count):
    data = _file(t, fd).getdents(count & U32)
    if data:
        t.proc.mm.write(dirp, data)
    return len(data)


def sys_fchmod(t, fd, mode):
    f = _file(t, fd)
    return chmod(t, f.loc.inode, mode) if f.loc is not None else 0


def sys_fchown(t, fd, owner, group):
    f = _file(t, fd)
    return chown(t, f.loc.inode, owner, group) if f.loc is not None else 0


def sys_ftruncate(t, fd, length):
    f = _file(t, fd)
    if length < 0 or not f.writable:
        raise Errno(EINVAL)
    f.truncate(length)
    return 0


def sys_fsync(t, fd):
    return _file(t, fd).fsync()


sys_fdatasync = sys_fsync


# ---- descriptors -------------------------------------------------------------------------------
def sys_dup(t, fd):
    return t.proc.fds.install(t.proc.fds.get(fd).get())


def sys_dup3(t, oldfd, newfd, flags):
    if flags & ~O_CLOEXEC or oldfd == newfd:
        raise Errno(EINVAL)
    fds = t.proc.fds
    return fds.install_at(newfd, fds.get(oldfd).get(), cloexec=bool(flags & O_CLOEXEC))


def sys_dup2(t, oldfd, newfd):
    if oldfd == newfd:
        t.proc.fds.get(oldfd)
        return newfd
    return t.proc.fds.install_at(newfd, t.proc.fds.get(oldfd).get())


def sys_fcntl(t, fd, cmd, arg):
    guest_cmd = as_int(cmd)
    fds, cmd = t.proc.fds, fcntl_in(t.kernel.abi, guest_cmd)
    f = fds.get(fd)
    if cmd in (F_DUPFD, F_DUPFD_CLOEXEC):
        if not 0 <= arg < fds.limit:
            raise Errno(EINVAL)
        return fds.install(f.get(), cloexec=cmd == F_DUPFD_CLOEXEC, minfd=arg)
    if cmd == F_GETFD:
        return FD_CLOEXEC if fds.get_cloexec(fd) else 0
    if cmd == F_SETFD:
        fds.set_cloexec(fd, bool(arg & FD_CLOEXEC))
        return 0
    if cmd == F_GETFL:
        return open_flags_out(t.kernel.abi, f.flags)
    if f.flags & O_PATH:
        raise Errno(EBADF)
    if cmd == F_SETFL:
        f.flags = (f.flags & ~SETFL_MASK) | (open_flags_in(t.kernel.abi, arg) & SETFL_MASK)
        return 0
    if cmd in _LOCK_CMDS:
        return _fcntl_lock(t, f, cmd, arg, flock_struct(t.kernel.abi, guest_cmd))
    if cmd in (F_GETPIPE_SZ, F_SETPIPE_SZ):
        if not hasattr(f, "set_size"):
            raise Errno(EBADF)
        return f.pipe.capacity if cmd == F_GETPIPE_SZ else f.set_size(as_int(arg))
    if cmd in (F_SETOWN, F_GETOWN):
        return 0
    raise Errno(EINVAL)


_LOCK_CMDS = (F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW)


def _lock_range(f, whence, start, length):
    """l_whence/l_start/l_len -> [start, end) with end None for "to end of file"."""
    if whence == SEEK_SET:
        base = 0
    elif whence == SEEK_CUR:
        base = f.offset
    elif whence == SEEK_END:
        base = f.size()
    else:
        raise Errno(EINVAL)
    start += base
    end = None
    if length > 0:
        end = start + length
    elif length < 0:
        start, end = start + length, start
    if start < 0:
        raise Errno(EINVAL)
    return start, end


def _fcntl_lock(t, f, cmd, arg, flock=FLOCK):
    ofd = cmd in (F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW)
    kind, whence, start, length, pid = flock.unpack(t.proc.mm.read(arg, flock.size))
    if kind not in (F_RDLCK, F_WRLCK, F_UNLCK) or ofd and pid != 0:
        raise Errno(EINVAL)
    start, end = _lock_range(f, whence, start, length)
    table, key = locks.table_of(getattr(t, "kernel", None)), f.identity()
    owner = f if ofd else t.proc
    if cmd in (F_GETLK, F_OFD_GETLK):
        if kind == F_UNLCK:
            raise Errno(EINVAL)
        lk = table.conflict(key, owner, kind, start, end)
        if lk is None:      # only l_type changes
            t.proc.mm.write(arg, struct.pack("<h", F_UNLCK))
        else:
            t.proc.mm.write(arg, flock.pack(lk.kind, SEEK_SET, lk.start,
                                            0 if lk.end is None else lk.end - lk.start, lk.pid))
        return 0
    if kind == F_RDLCK and not f.readable or kind == F_WRLCK and not f.writable:
        raise Errno(EBADF)
    if kind != F_UNLCK and table.conflict(key, owner, kind, start, end):
        if cmd in (F_SETLK, F_OFD_SETLK):
            raise Errno(EAGAIN)
        raise WouldBlock(table.q, deadline=time.monotonic() + locks.RECHECK)
    table.set(key, owner, kind, start, end, -1 if ofd else t.proc.pid)
    return 0


def sys_ioctl(t, fd, request, arg):
    f = _file(t, fd)
    request = ioctl_in(t.kernel.abi, request & U32)
    if request in (FIOCLEX, FIONCLEX):
        t.proc.fds.set_cloexec(fd, request == FIOCLEX)
        return 0
    if request == FIONBIO:
        on = struct.unpack("<i", t.proc.mm.read(arg, 4))[0]
        f.flags = f.flags | O_NONBLOCK if on else f.flags & ~O_NONBLOCK
        return 0
    if request in (FICLONE, FICLONERANGE):
        if request == FICLONE:          # the source descriptor, an int
            src = (arg & U32) - ((arg >> 31 & 1) << 32)
        else:                           # struct file_clone_range's __s64 src_fd
            src = int.from_bytes(t.proc.mm.read(arg, 8), "little", signed=True)
        return _clone(t, f, src)
    return f.ioctl(t, request, arg)


def _clone(t, dst, src_fd):
    """FICLONE/FICLONERANGE (fs/ioctl.c ioctl_file_clone, fs/remap_range.c): make dst share
    src's blocks. Every check Linux makes first, then EOPNOTSUPP: no file system here can share
    blocks between files (nor can ext4 or tmpfs), and cp --reflink=auto copies on that answer."""
    src = _file(t, src_fd)
    fs = [getattr(getattr(f, "loc", None), "inode", None) for f in (src, dst)]
    if None in fs or fs[0].fs is not fs[1].fs:
        raise Errno(EXDEV)
    modes = [f.stat().mode & S_IFMT for f in (src, dst)]
    if S_IFDIR in modes:
        raise Errno(EISDIR)
    if modes != [S_IFREG, S_IFREG]:
        raise Errno(EINVAL)
    if not src.readable or not dst.writable or dst.flags & O_APPEND:
        raise Errno(EBADF)
    raise Errno(EOPNOTSUPP)


SYSCALLS = {
    "close": (sys_close, "fd"),
    "read": (sys_read, "fd buf:2 size"),
    "write": (sys_write, "fd buf:2 size"),
    "readv": (sys_readv, "fd ptr int"),
    "writev": (sys_writev, "fd ptr int"),
    "pread64": (sys_pread64, "fd buf:2 size int"),
    "sendfile": (sys_sendfile, "fd fd ptr size"),
    "pwrite64": (sys_pwrite64, "fd buf:2 size int"),
    "preadv": (sys_preadv, "fd ptr int int int"),
    "pwritev": (sys_pwritev, "fd ptr int int int"),
    "lseek": (sys_lseek, "fd int whence"),
    "fstat": (sys_fstat, "fd ptr"),
    "fstatfs": (sys_fstatfs, "fd ptr"),
    "getdents64": (sys_getdents64, "fd ptr size"),
    "fchmod": (sys_fchmod, "fd mode"),
    "fchown": (sys_fchown, "fd int int"),
    "ftruncate": (sys_ftruncate, "fd int"),
    "fsync": (sys_fsync, "fd"),
    "fdatasync": (sys_fdatasync, "fd"),
    "dup": (sys_dup, "fd"),
    "dup2": (sys_dup2, "fd fd"),
    "dup3": (sys_dup3, "fd fd oflags"),
    "fcntl": (sys_fcntl, "fd int hex"),
    "ioctl": (sys_ioctl, "fd ioctl hex"),
}
