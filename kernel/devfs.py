"""devfs: the device nodes mounted at /dev, and the console.

  null 1:3  zero 1:5  full 1:7  random 1:8  urandom 1:9     (drivers/char/mem.c, random.c)
  tty 5:0   console 5:1                                      both the Console below
  fd -> /proc/self/fd, stdin/stdout/stderr -> /proc/self/fd/{0,1,2}   (as udev makes them)

Console reads host fd 0 (blocking, as a read on a tty does) and writes host fd 1. If the host fd
is a terminal, termios ioctls pass through to it (as qemu-user does), so the guest shell's line
editing puts the real terminal into raw mode and back. If it is not (tests, pipes), the console
still behaves as a terminal with an emulated termios and a 24x80 window.

If the guest changed the host terminal's modes, `restore_host_terminals()` puts them back; the
VM calls it on exit.

HostStream is the pass-through open file for fds 0, 1, 2 of the first process: reads, writes and
seeks go to the same host fd, and whether TCGETS succeeds is up to the host's isatty(). The VM's
own stdio is never closed by a guest close().
"""
import fcntl
import os
import select
import struct
import termios
import time

from kernel.errno import EAGAIN, ENOENT, ENOSPC, ENOTTY, Errno
from kernel.hostfs import host_stat
from kernel.uapi import (DEFAULT_TERMIOS, FIONREAD, O_NONBLOCK, S_IFCHR, S_IFDIR, S_IFLNK,
                         TCGETS, TCSETS, TCSETSF, TCSETSW, TERMIOS_SIZE, TIOCGPGRP, TIOCGWINSZ,
                         TIOCSCTTY, TIOCSPGRP, TIOCSWINSZ, TMPFS_MAGIC, Stat, Termios, dtype,
                         makedev, pack_winsize)
from kernel.vfs import File, FileSystem, Inode, host_errors

DEVFS_DEV = makedev(0, 5)       # an anonymous device number, as devtmpfs gets


# Host terminal modes as they were before the guest first changed them (host fd -> attrs).
_saved_modes = {}


def restore_host_terminals():
    """Put the user's terminal back the way the guest found it (call when the VM exits: a guest
    killed in raw mode must not leave the shell unusable)."""
    for fd, attrs in _saved_modes.items():
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, attrs)
        except (OSError, termios.error):
            pass
    _saved_modes.clear()


class Terminal:
    """termios state of a console or host stream (`fd` is the host fd asked and set)."""

    def __init__(self, fd, emulate):
        self.fd, self.emulate = fd, emulate
        self.termios = Termios(**vars(DEFAULT_TERMIOS))
        self.winsize = (24, 80)

    def is_tty(self):
        return os.isatty(self.fd)

    def ioctl(self, t, req, arg):
        host = self.is_tty()
        if not host and not self.emulate:
            raise Errno(ENOTTY)
        mm = t.proc.mm
        if req == TCGETS:
            mm.write(arg, (self._host_get() if host else self.termios).pack())
        elif req in (TCSETS, TCSETSW, TCSETSF):
            tio = Termios.unpack(mm.read(arg, TERMIOS_SIZE))
            if host:
                self._host_set(tio, {TCSETS: termios.TCSANOW, TCSETSW: termios.TCSADRAIN,
                                     TCSETSF: termios.TCSAFLUSH}[req])
            else:
                self.termios = tio
        elif req == TIOCGWINSZ:
            mm.write(arg, pack_winsize(*(self._host_winsize() if host else self.winsize)))
        elif req == TIOCSWINSZ:
            rows, cols = struct.unpack("<HH", mm.read(arg, 4))
            self.winsize = (rows, cols)     # never resize the user's real terminal
        elif req == TIOCGPGRP:
            # Stand-in until the tty layer tracks a foreground group: the caller's own group.
            pgid = getattr(t.proc, "pgid", getattr(t.proc, "pid", 1))
            mm.write(arg, struct.pack("<i", pgid))
        elif req in (TIOCSPGRP, TIOCSCTTY):
            pass
        elif req == FIONREAD:
            n = 0
            if host:
                with host_errors():
                    n = struct.unpack("i", fcntl.ioctl(self.fd, termios.FIONREAD, b"\0" * 4))[0]
            mm.write(arg, struct.pack("<i", n))
        else:
            raise Errno(ENOTTY)
        return 0

    def _host_get(self):
        with host_errors():
            iflag, oflag, cflag, lflag, _, _, cc = termios.tcgetattr(self.fd)
        # Python gives VMIN/VTIME as ints in raw mode and 1-byte bytes otherwise.
        cc = bytes(c if isinstance(c, int) else c[0] for c in cc[:19])
        return Termios(iflag, oflag, cflag, lflag, 0, cc)

    def _host_set(self, tio, when):
        # Host and guest share the asm-generic termios bit values (x86_64 and arm64 hosts).
        with host_errors():
            cur = termios.tcgetattr(self.fd)
            _saved_modes.setdefault(self.fd, cur)
            cc = list(tio.cc) + list(cur[6][len(tio.cc):])
            termios.tcsetattr(self.fd, when, [tio.iflag, tio.oflag, tio.cflag, tio.lflag,
                                              cur[4], cur[5], cc])

    def _host_winsize(self):
        try:
            rows, cols = struct.unpack("HHHH", fcntl.ioctl(self.fd, termios.TIOCGWINSZ,
                                                           b"\0" * 8))[:2]
        except OSError:
            rows = cols = 0
        return (rows or 24, cols or 80)


def _host_read(fd, n, nonblock):
    with host_errors():
        if nonblock and not select.select([fd], [], [], 0)[0]:
            raise Errno(EAGAIN)
        return os.read(fd, n)


def _host_write(fd, data):
    view, done = memoryview(data), 0
    with host_errors():
        while done < len(view):     # a terminal or pipe may take less than asked
            done += os.write(fd, view[done:])
    return done


class HostStream(File):
    """Pass-through to one host fd (the first process's stdin/stdout/stderr)."""

    def __init__(self, fd, flags):
        super().__init__(flags)
        self.fd = fd
        self.tty = Terminal(fd, emulate=False)

    def read(self, n):
        return _host_read(self.fd, n, self.flags & O_NONBLOCK)

    def write(self, data):
        return _host_write(self.fd, data)

    def pread(self, n, offset):
        with host_errors():
            return os.pread(self.fd, n, offset)

    def pwrite(self, data, offset):
        with host_errors():
            return os.pwrite(self.fd, data, offset)

    def seek(self, offset, whence):
        with host_errors():     # ESPIPE on a tty or pipe comes from the host
            return os.lseek(self.fd, offset, whence)

    def stat(self):
        with host_errors():
            return host_stat(os.fstat(self.fd))

    def ioctl(self, t, req, arg):
        return self.tty.ioctl(t, req, arg)

    def isatty(self):
        return os.isatty(self.fd)


# One console terminal state, shared by every open of /dev/tty and /dev/console.
_console_tty = {}


class Console(File):
    """/dev/tty and /dev/console: host fd 0 in, host fd 1 out, always a terminal."""

    def __init__(self, rfd=0, wfd=1):
        super().__init__()
        self.rfd, self.wfd = rfd, wfd
        self.tty = _console_tty.setdefault((rfd, wfd), Terminal(rfd, emulate=True))

    def read(self, n):
        return _host_read(self.rfd, n, self.flags & O_NONBLOCK)

    def write(self, data):
        return _host_write(self.wfd, data)

    def ioctl(self, t, req, arg):
        return self.tty.ioctl(t, req, arg)

    def isatty(self):
        return True


class NullFile(File):
    seekable = True

    def pread(self, n, offset):
        return b""

    def pwrite(self, data, offset):
        return len(data)

    def seek(self, offset, whence):
        return 0        # drivers/char/mem.c null_lseek


class ZeroFile(NullFile):
    def pread(self, n, offset):
        return bytes(n)


class FullFile(ZeroFile):
    def pwrite(self, data, offset):
        raise Errno(ENOSPC)


class RandomFile(NullFile):
    def pread(self, n, offset):
        return os.urandom(n)


class DevNode(Inode):
    def __init__(self, fs, ino, major, minor, make, perm=0o666):
        self.fs, self.ino, self.make = fs, ino, make
        self.mode, self.rdev = S_IFCHR | perm, makedev(major, minor)

    def getattr(self):
        t = self.fs.boot_ns
        return Stat(dev=DEVFS_DEV, ino=self.ino, mode=self.mode, rdev=self.rdev, blksize=4096,
                    atime_ns=t, mtime_ns=t, ctime_ns=t)

    def open(self, flags):
        return self.make()

    def chmod(self, mode):
        self.mode = S_IFCHR | (mode & 0o7777)

    def set_times(self, atime_ns, mtime_ns):
        pass            # device times are not kept; `touch /dev/null` must still succeed


class DevLink(DevNode):
    def __init__(self, fs, ino, target):
        super().__init__(fs, ino, 0, 0, None)
        self.mode, self.rdev, self.target = S_IFLNK | 0o777, 0, target

    def readlink(self):
        return self.target


class DevDir(DevNode):
    def __init__(self, fs):
        super().__init__(fs, 1, 0, 0, None)
        self.mode, self.rdev = S_IFDIR | 0o755, 0

    def lookup(self, name):
        try:
            return self.fs.nodes[name]
        except KeyError:
            raise Errno(ENOENT) from None

    def readdir(self):
        return [(name, n.ino, dtype(n.mode)) for name, n in self.fs.nodes.items()]


class DevFS(FileSystem):
    fstype = "devtmpfs"

    def __init__(self):
        self.boot_ns = time.time_ns()
        self.root = DevDir(self)
        devices = [("null", 1, 3, NullFile, 0o666), ("zero", 1, 5, ZeroFile, 0o666),
                   ("full", 1, 7, FullFile, 0o666), ("random", 1, 8, RandomFile, 0o666),
                   ("urandom", 1, 9, RandomFile, 0o666), ("tty", 5, 0, Console, 0o666),
                   ("console", 5, 1, Console, 0o600)]
        self.nodes = {}
        for name, major, minor, make, perm in devices:
            self.nodes[name] = DevNode(self, len(self.nodes) + 2, major, minor, make, perm)
        for name, target in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")]:
            self.nodes[name] = DevLink(self, len(self.nodes) + 2, target)

    def statfs(self):
        return dict(ftype=TMPFS_MAGIC, bsize=4096, blocks=0, bfree=0, bavail=0,
                    files=len(self.nodes) + 1, ffree=0)
