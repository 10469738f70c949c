"""Moving data between descriptors inside the kernel (Linux fs/splice.c, fs/read_write.c
copy_file_range; sendfile is in fd.py).

Implemented:
  copy_file_range  between regular files, at explicit offsets or the files' own; flags must be 0
  splice           pipe -> file, file -> pipe, pipe -> pipe (one side must be a pipe; the pipe's
                   offset must be NULL); SPLICE_F_NONBLOCK
  tee              pipe -> pipe, copying without consuming
  vmsplice         user memory -> pipe (write end), pipe -> user memory (read end)
No byte is lost or doubled when a signal interrupts: each call first waits (WouldBlock) for
data in its source and room in a pipe destination, then moves at most what fits, at once.
"""
from kernel.errno import EAGAIN, EBADF, EINVAL, EISDIR, ESPIPE, Errno
from kernel.sched import WouldBlock
from kernel.syscalls.fd import MAX_IO, _file, _gather, _iovecs, _readable, _scatter, _writable
from kernel.uapi import O_APPEND, O_NONBLOCK, S_IFDIR, S_IFMT, as_int

SPLICE_F_MOVE, SPLICE_F_NONBLOCK, SPLICE_F_MORE, SPLICE_F_GIFT = 1, 2, 4, 8


def _is_pipe(f):
    return hasattr(f, "pipe")


def _offset(t, f, ptr):
    """(offset to use, write-back function) for an loff_t *ptr or, if NULL, the file offset."""
    if ptr:
        off = as_int(int.from_bytes(t.proc.mm.read(ptr, 8), "little", signed=True))
        if off < 0:
            raise Errno(EINVAL)
        return off, lambda n: t.proc.mm.write(ptr, (off + n).to_bytes(8, "little"))
    off = f.offset

    def advance(n):
        f.offset = off + n
    return off, advance


def _regular(f):
    if f.stat().mode & S_IFMT == S_IFDIR:
        raise Errno(EISDIR)
    if not f.seekable or _is_pipe(f):
        raise Errno(EINVAL)


def sys_copy_file_range(t, fd_in, off_in, fd_out, off_out, length, flags):
    if flags:
        raise Errno(EINVAL)
    src, dst = _readable(t, fd_in), _writable(t, fd_out)
    if dst.flags & O_APPEND:
        raise Errno(EBADF)
    _regular(src)
    _regular(dst)
    rpos, radvance = _offset(t, src, off_in)
    wpos, wadvance = _offset(t, dst, off_out)
    n = min(as_int(length) & (1 << 63) - 1, MAX_IO)
    if src.identity() == dst.identity() and rpos < wpos + n and wpos < rpos + n:
        raise Errno(EINVAL)             # overlapping ranges of one file
    data = src.pread(n, rpos)
    done = dst.pwrite(data, wpos) if data else 0
    radvance(done)
    wadvance(done)
    return done


def _nonblock(f, flags):
    return flags & SPLICE_F_NONBLOCK or f.flags & O_NONBLOCK


def _wait_for_data(f, flags):
    """A pipe source: its bytes, or 0 at end of file; waits while empty and writers remain."""
    p = f.pipe
    if p.buf or not p.writers:
        return len(p.buf)
    if _nonblock(f, flags):
        raise Errno(EAGAIN)
    raise WouldBlock(p.rq)


def _room(t, f, flags):
    """A pipe destination's free room, waiting while there is none."""
    if _nonblock(f, flags) and f.pipe.readers and not f.pipe.free:
        raise Errno(EAGAIN)
    room = f.room_for(t)
    return MAX_IO if room is None else room


def sys_splice(t, fd_in, off_in, fd_out, off_out, length, flags):
    src, dst = _readable(t, fd_in), _writable(t, fd_out)
    n = min(as_int(length) & (1 << 63) - 1, MAX_IO)
    if not (_is_pipe(src) or _is_pipe(dst)):
        raise Errno(EINVAL)
    if _is_pipe(src) and off_in or _is_pipe(dst) and off_out:
        raise Errno(ESPIPE)
    if dst.flags & O_APPEND and not _is_pipe(dst):
        raise Errno(EINVAL)
    if not n:
        return 0
    if _is_pipe(src):
        avail = _wait_for_data(src, flags)
        if not avail:
            return 0                    # end of file: no writer left
        n = min(n, avail)
        if _is_pipe(dst):
            n = min(n, _room(t, dst, flags))
            return dst.write_for(t, src.read(n))
        wpos, wadvance = _offset(t, dst, off_out)
        data = src.read(n)              # a regular file takes it all without blocking
        done = dst.pwrite(data, wpos)
        wadvance(done)
        return done
    n = min(n, _room(t, dst, flags))     # file -> pipe
    rpos, radvance = _offset(t, src, off_in)
    data = src.pread(n, rpos)
    done = dst.write_for(t, data) if data else 0
    radvance(done)
    return done


def sys_tee(t, fd_in, fd_out, length, flags):
    src, dst = _readable(t, fd_in), _writable(t, fd_out)
    if not (_is_pipe(src) and _is_pipe(dst)) or src.pipe is dst.pipe:
        raise Errno(EINVAL)
    n = min(as_int(length) & (1 << 63) - 1, MAX_IO)
    avail = _wait_for_data(src, flags)
    if not avail or not n:
        return 0
    n = min(n, avail, _room(t, dst, flags))
    return dst.write_for(t, bytes(src.pipe.buf[:n]))


def sys_vmsplice(t, fd, iov, nr_segs, flags):
    f = _file(t, fd)
    if not _is_pipe(f):
        raise Errno(EBADF)
    vecs = _iovecs(t, iov, nr_segs)
    if f.writable:
        data = _gather(t, vecs)
        if not data:
            return 0
        room = _room(t, f, flags)
        return f.write_for(t, data[:room])
    avail = _wait_for_data(f, flags)
    data = f.read(min(avail, sum(n for _, n in vecs), MAX_IO)) if avail else b""
    _scatter(t, vecs, data)
    return len(data)


SYSCALLS = {
    "copy_file_range": (sys_copy_file_range, "fd ptr fd ptr size hex"),
    "splice": (sys_splice, "fd ptr fd ptr size hex"),
    "tee": (sys_tee, "fd fd size hex"),
    "vmsplice": (sys_vmsplice, "fd ptr int hex"),
}
