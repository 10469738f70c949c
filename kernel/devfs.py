"""devfs: the device nodes mounted at /dev, and the console.

  null 1:3  zero 1:5  full 1:7  random 1:8  urandom 1:9     (drivers/char/mem.c, random.c)
  tty 5:0   console 5:1   ptmx 5:2 (a new pseudo-terminal: kernel/devpts.py, mounted at /dev/pts)
  loop-control 10:237, loop0..7 block 7:N                   (drivers/block/loop.c: kernel/loop.py)
  fd -> /proc/self/fd, stdin/stdout/stderr -> /proc/self/fd/{0,1,2}   (as udev makes them)
Root may mknod more device nodes here (busybox's mount makes /dev/loopN so). A block device node
in any file system opens its driver by number, as Linux's def_blk_fops (open_block_device).

Two kinds of console, one per way of running the VM:

`jitvm boot` -- the machine has a real console (ConsoleDriver): the host terminal in raw mode is
its hardware, and the guest's line discipline (kernel/tty.py) does echo, line editing and ^C.
Host fd 0 is watched by the scheduler and its bytes are fed to the Tty; output goes through the
Tty's OPOST processing to host fd 1. /dev/console opens it; /dev/tty is the caller's controlling
terminal (ENXIO without one). The host terminal's modes are put back by
`restore_host_terminals()` on every way out.

`jitvm run` -- user-mode emulation, as qemu-user: the guest's stdin/stdout/stderr are the VM's
(HostStream), and /dev/tty and /dev/console (Console) are host fds 0 and 1. termios ioctls pass
through to the host terminal, so the guest shell's line editing puts it in raw mode and back;
over pipes the Console emulates a terminal (24x80) and HostStream is no terminal at all. A read
of a host fd with no data parks the thread (WouldBlock) until the scheduler sees the fd readable,
so other guest threads keep running. The VM's own stdio is never closed by a guest close().
"""
import fcntl
import itertools
import os
import select
import signal
import stat as statmod
import struct
import termios
import time
import weakref

from kernel import params
from kernel.errno import (EAGAIN, EEXIST, EIO, ENODEV, ENOENT, ENOSPC, ENOTBLK, ENOTTY, ENXIO,
                         EPERM, Errno)
from kernel.hostfs import host_stat
from kernel.loop import LOOP_CTRL_MINOR, LOOP_MAJOR, MISC_MAJOR, LoopDevices, LoopFile
from kernel.sched import WaitQueue, WouldBlock
from kernel.tty import Tty, controlling_tty
from kernel.uapi import (DEFAULT_TERMIOS, FIONREAD, O_NOCTTY, O_NONBLOCK, POLLIN, POLLOUT,
                         POLLRDNORM, POLLWRNORM, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK,
                         S_IFMT, S_IFSOCK, TCGETS, TCSETS, TCSETSF, TCSETSW, TIOCGPGRP,
                         TIOCGWINSZ, TIOCSCTTY, TIOCSPGRP, TIOCSWINSZ, TMPFS_MAGIC, Stat, Termios,
                         dtype, makedev, pack_winsize, termios_size)
from kernel.vfs import SPECIAL_OPENERS, File, FileSystem, Inode, host_errors

DEVFS_DEV = makedev(0, 5)       # an anonymous device number, as devtmpfs gets
CONSOLE_RDEV = makedev(5, 1)


# Host terminal modes as they were before the VM first changed them (host fd -> attrs).
_saved_modes = {}


def restore_host_terminals():
    """Put the user's terminal back the way the VM found it (call when the VM exits: a guest
    killed in raw mode must not leave the shell unusable)."""
    for fd, attrs in _saved_modes.items():
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, attrs)
        except (OSError, termios.error):
            pass
    _saved_modes.clear()


def _save_host_modes(fd):
    _saved_modes.setdefault(fd, termios.tcgetattr(fd))


def host_winsize(*fds):
    """(rows, cols) of the first host terminal among fds, else the default console size."""
    for fd in fds:
        try:
            rows, cols = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ,
                                                           b"\0" * 8))[:2]
        except OSError:
            continue
        if rows and cols:
            return rows, cols
    return params.CONSOLE_WINSIZE


# ---- `jitvm run`: pass-through to the VM's own stdio -------------------------------------------
class Terminal:
    """termios state of a pass-through stream (`fd` is the host fd asked and set)."""

    def __init__(self, fd, emulate):
        self.fd, self.emulate = fd, emulate
        self.termios = Termios(**vars(DEFAULT_TERMIOS))
        self.winsize = params.CONSOLE_WINSIZE

    def is_tty(self):
        return os.isatty(self.fd)

    def ioctl(self, t, req, arg):
        host = self.is_tty()
        if not host and not self.emulate:
            raise Errno(ENOTTY)
        mm = t.proc.mm
        if req == TCGETS:
            mm.write(arg, (self._host_get() if host else self.termios).pack(t.kernel.abi))
        elif req in (TCSETS, TCSETSW, TCSETSF):
            tio = Termios.unpack(mm.read(arg, termios_size(t.kernel.abi)), t.kernel.abi)
            if host:
                self._host_set(tio, {TCSETS: termios.TCSANOW, TCSETSW: termios.TCSADRAIN,
                                     TCSETSF: termios.TCSAFLUSH}[req])
            else:
                self.termios = tio
        elif req == TIOCGWINSZ:
            mm.write(arg, pack_winsize(*(host_winsize(self.fd) if host else self.winsize)))
        elif req == TIOCSWINSZ:
            rows, cols = struct.unpack("<HH", mm.read(arg, 4))
            self.winsize = (rows, cols)     # never resize the user's real terminal
        elif req == TIOCGPGRP:
            # No line discipline here (that is `jitvm boot`): the caller is the foreground.
            mm.write(arg, struct.pack("<i", t.proc.pgid or t.proc.pid))
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


def _host_write(fd, data):
    view, done = memoryview(data), 0
    with host_errors():
        while done < len(view):     # a terminal or pipe may take less than asked
            done += os.write(fd, view[done:])
    return done


def _readable_now(fd):
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True                 # let the read itself report the error


def _never_waits(fd):
    """Reads of fd return at once whatever select says: a regular file (always "ready"), or a
    host terminal the guest put in non-canonical mode with VMIN 0 (the host's own VTIME)."""
    try:
        if statmod.S_ISREG(os.fstat(fd).st_mode):
            return True
        return os.isatty(fd) and not termios.tcgetattr(fd)[3] & termios.ICANON \
            and termios.tcgetattr(fd)[6][termios.VMIN] in (0, b"\0")
    except (OSError, termios.error):
        return True


# Threads waiting for a host fd to become readable: scheduler -> {fd: WaitQueue}.
_host_waits = weakref.WeakKeyDictionary()


def _wait_for_host(sched, fd):
    """Park the calling thread until host `fd` is readable. The watch is one-shot, so an fd
    nobody reads (or one at EOF) never keeps the idle scheduler awake."""
    queues = _host_waits.setdefault(sched, {})
    q = queues.get(fd)
    if q is None:
        q = queues[fd] = WaitQueue()

    def readable():
        sched.host_fds.pop(fd, None)    # the scheduler has no unwatch call; this is it
        q.wake_all()
    sched.watch_host_fd(fd, readable)
    raise WouldBlock(q)


def read_host(t, fd, n, nonblock):
    """A guest read of host fd: now if there is data (or the read never waits), EAGAIN for
    O_NONBLOCK, else park t until the fd is readable (t None: a plain blocking read)."""
    if t is not None and not _readable_now(fd) and not _never_waits(fd):
        if nonblock:
            raise Errno(EAGAIN)
        _wait_for_host(t.kernel.sched, fd)
    with host_errors():
        return os.read(fd, n)


def _host_poll_mask(rfd, wfd):
    try:
        r, w, _ = select.select([rfd] if rfd is not None else [],
                                [wfd] if wfd is not None else [], [], 0)
    except (OSError, ValueError):
        return POLLIN | POLLOUT
    return (POLLIN | POLLRDNORM if r else 0) | (POLLOUT | POLLWRNORM if w else 0)


class HostStream(File):
    """Pass-through to one host fd (the first process's stdin/stdout/stderr)."""

    def __init__(self, fd, flags):
        super().__init__(flags)
        self.fd = fd
        self.tty = Terminal(fd, emulate=False)

    def read_for(self, t, n):
        return read_host(t, self.fd, n, self.flags & O_NONBLOCK)

    def read(self, n):
        return read_host(None, self.fd, n, self.flags & O_NONBLOCK)

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

    def poll_mask(self):
        return _host_poll_mask(self.fd if self.readable else None,
                               self.fd if self.writable else None)

    def wait_queues(self):
        return None             # a host fd: pollers look again after a while


# One pass-through terminal state, shared by every open of /dev/tty and /dev/console.
_console_tty = {}


class Console(File):
    """/dev/tty and /dev/console under `jitvm run`: host fd 0 in, host fd 1 out, a terminal."""

    def __init__(self, rfd=0, wfd=1):
        super().__init__()
        self.rfd, self.wfd = rfd, wfd
        self.tty = _console_tty.setdefault((rfd, wfd), Terminal(rfd, emulate=True))

    def read_for(self, t, n):
        return read_host(t, self.rfd, n, self.flags & O_NONBLOCK)

    def read(self, n):
        return read_host(None, self.rfd, n, self.flags & O_NONBLOCK)

    def write(self, data):
        return _host_write(self.wfd, data)

    def ioctl(self, t, req, arg):
        return self.tty.ioctl(t, req, arg)

    def isatty(self):
        return True

    def poll_mask(self):
        return _host_poll_mask(self.rfd, self.wfd)

    def wait_queues(self):
        return None


# ---- `jitvm boot`: the machine's console -------------------------------------------------------
class TtyFile(File):
    """An open file on a Tty. File.read/write have no thread; the scheduler's current one is
    the caller (Linux's `current`)."""

    def __init__(self, tty, flags):
        super().__init__(flags)
        self.tty = tty

    def _current(self):
        return self.tty.k.sched.current if self.tty.k else None

    def read_for(self, t, n):
        return self.tty.read(t, n, bool(self.flags & O_NONBLOCK))

    def write_for(self, t, data):
        return self.tty.write(t, data, bool(self.flags & O_NONBLOCK))

    def read(self, n):
        return self.read_for(self._current(), n)

    def write(self, data):
        return self.write_for(self._current(), data)

    def ioctl(self, t, req, arg):
        return self.tty.ioctl(t, req, arg)

    def isatty(self):
        return True

    def stat(self):
        if self.loc:
            return self.loc.inode.getattr()
        return Stat(mode=S_IFCHR | 0o600, rdev=CONSOLE_RDEV)

    def poll_mask(self):
        return ((POLLIN | POLLRDNORM if self.tty.readable() else 0)
                | (0 if self.tty.stopped else POLLOUT | POLLWRNORM))

    def wait_queues(self):
        return (self.tty.read_q, self.tty.write_q)

    @property
    def poll_gen(self):
        return self.tty.rx_count


class ConsoleDriver:
    """The boot console's hardware: host fd 0 is its keyboard, host fd 1 its screen.

    A host terminal is put in raw mode (no echo, no line editing, no signals on the host side)
    so every key reaches the guest's line discipline: ^C is byte 3 for the guest, never a
    signal to the VM. Piped input works the same way, and its end is the guest's end-of-file.
    The driver reads only while the Tty has room (flow control): piped input is never lost."""

    def __init__(self, rfd=0, wfd=1):
        self.rfd, self.wfd = rfd, wfd
        self.tty = Tty(self.write, name="console")
        self.tty.rdev = CONSOLE_RDEV
        self.k = None
        self._winch = None          # (pipe read fd, pipe write fd, previous SIGWINCH handler)
        self.escape = None          # kernel/console_escape.py's Ctrl-A keys (set by the boot)

    def start(self, k):
        self.k = k
        self.tty.attach(k)
        if os.isatty(self.rfd):
            self._make_raw(self.rfd)
        self.tty.winsize = host_winsize(self.wfd, self.rfd)
        self._watch_input()
        self._watch_resize()

    def stop(self):
        """Give the host terminal back (idempotent; also safe before start)."""
        if self.k:
            self.k.sched.host_fds.pop(self.rfd, None)
        if self._winch:
            r, w, previous = self._winch
            self._winch = None
            try:
                signal.signal(signal.SIGWINCH, previous)
            except (ValueError, TypeError):
                pass
            os.close(r)
            os.close(w)
        restore_host_terminals()

    def open(self, flags):
        """/dev/console: a session leader without a terminal that opens it without O_NOCTTY
        gets it as its controlling terminal. (Linux never lets /dev/console become one; here the
        console is the only terminal there is, so it plays /dev/tty1 too.)"""
        f = TtyFile(self.tty, flags)
        self.tty.open(self.k.sched.current if self.k else None, flags & O_NOCTTY)
        return f

    def write(self, data):
        try:
            _host_write(self.wfd, data)
        except Errno:
            raise Errno(EIO) from None      # the host side is gone: a hung-up terminal

    def kernel_write(self, text):
        """printk: kernel messages bypass the line discipline; like a serial console driver,
        turn each newline into CR LF (the host terminal is raw)."""
        try:
            self.write(text.replace("\n", "\r\n").encode(errors="replace"))
        except Errno:
            pass

    # ---- host side ----------------------------------------------------------------------------
    @staticmethod
    def _make_raw(fd):
        """cfmakeraw on the host terminal, remembering its modes for restore_host_terminals."""
        _save_host_modes(fd)
        iflag, oflag, cflag, lflag, ispeed, ospeed, cc = termios.tcgetattr(fd)
        iflag &= ~(termios.IGNBRK | termios.BRKINT | termios.PARMRK | termios.ISTRIP
                   | termios.INLCR | termios.IGNCR | termios.ICRNL | termios.IXON)
        oflag &= ~termios.OPOST
        lflag &= ~(termios.ECHO | termios.ECHONL | termios.ICANON | termios.ISIG | termios.IEXTEN)
        cflag = cflag & ~(termios.CSIZE | termios.PARENB) | termios.CS8
        cc[termios.VMIN], cc[termios.VTIME] = 1, 0
        termios.tcsetattr(fd, termios.TCSADRAIN, [iflag, oflag, cflag, lflag, ispeed, ospeed, cc])

    def _watch_input(self):
        self.k.sched.watch_host_fd(self.rfd, self._input)

    def _input(self):
        room = self.tty.room()
        if room <= 0:
            # The guest is not reading: stop reading the host until it does.
            self.k.sched.host_fds.pop(self.rfd, None)
            self.tty.unthrottle = self._watch_input
            return
        try:
            data = os.read(self.rfd, min(room, 4096))
        except BlockingIOError:
            return
        except OSError:
            data = b""              # EIO: the host terminal hung up
        if data:
            data = self.escape.filter(data) if self.escape else data
            if data:
                self.tty.receive(data)
            return
        self.k.sched.host_fds.pop(self.rfd, None)
        self.tty.hangup_input()

    def _watch_resize(self):
        """Follow the host window: SIGWINCH's Python handler only writes a byte to a pipe the
        scheduler watches (the self-pipe trick), so the resize is handled on the next poll,
        between time slices, and an idle VM wakes for it at once."""
        if not (os.isatty(self.rfd) or os.isatty(self.wfd)):
            return
        r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

        def on_sigwinch(signum, frame):
            try:
                os.write(w, b"w")
            except OSError:
                pass
        try:
            previous = signal.signal(signal.SIGWINCH, on_sigwinch)
        except ValueError:          # not the main thread (tests): no resize tracking
            os.close(r)
            os.close(w)
            return
        self._winch = (r, w, previous)
        self.k.sched.watch_host_fd(r, self._resized)

    def _resized(self):
        try:
            os.read(self._winch[0], 64)
        except (OSError, TypeError):
            pass
        self.tty.resize(*host_winsize(self.wfd, self.rfd))


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
    def __init__(self, fs, ino, major, minor, make, perm=0o666, kind=S_IFCHR):
        self.fs, self.ino, self.make = fs, ino, make
        self.mode, self.rdev = kind | perm, makedev(major, minor)
        self.uid = self.gid = 0     # login and getty chown terminals to their user

    def getattr(self):
        t = self.fs.boot_ns
        return Stat(dev=DEVFS_DEV, ino=self.ino, mode=self.mode, rdev=self.rdev, blksize=4096,
                    uid=self.uid, gid=self.gid, atime_ns=t, mtime_ns=t, ctime_ns=t)

    def open(self, flags):
        if self.make is None:
            raise Errno(ENXIO)          # a node root made: no driver of that number here
        return self.make(flags)

    def chmod(self, mode):
        self.mode = (self.mode & S_IFMT) | (mode & 0o7777)

    def chown(self, uid, gid):
        self.uid = self.uid if uid == -1 else uid
        self.gid = self.gid if gid == -1 else gid

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

    def mknod(self, name, mode, rdev=0):
        """A device node, FIFO or socket (syslogd binds /dev/log) root makes (mknodat checked
        the caller); a char device of a number devfs has opens that device."""
        if name in self.fs.nodes:
            raise Errno(EEXIST)
        kind = mode & S_IFMT
        if kind not in (S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK):
            raise Errno(EPERM)
        same = next((n for n in self.fs.nodes.values()
                     if n.mode & S_IFMT == S_IFCHR == kind and n.rdev == rdev), None)
        node = DevNode(self.fs, next(self.fs.inos), 0, 0, same and same.make, mode & 0o7777, kind)
        node.rdev = rdev
        self.fs.nodes[name] = node
        return node

    def unlink(self, name):
        self.lookup(name)
        del self.fs.nodes[name]


class MountPoint(DevDir):
    """An empty directory for a file system to be mounted on (/dev/pts, as udev makes it), so
    devpts can be mounted there again after an umount."""

    def __init__(self, fs, ino):
        super().__init__(fs)
        self.ino = ino

    def lookup(self, name):
        raise Errno(ENOENT)

    def readdir(self):
        return []

    def mknod(self, name, mode, rdev=0):
        raise Errno(EPERM)

    def unlink(self, name):
        raise Errno(ENOENT)


class DevFS(FileSystem):
    fstype = "devtmpfs"

    def __init__(self):
        self.boot_ns = time.time_ns()
        self.root = DevDir(self)
        self.console = None         # the ConsoleDriver under `jitvm boot`; None: pass-through
        self.pts = None             # the devpts instance /dev/ptmx opens (kernel/devpts.py)
        plain = lambda cls: (lambda flags: cls())                              # noqa: E731
        devices = [("null", 1, 3, plain(NullFile), 0o666), ("zero", 1, 5, plain(ZeroFile), 0o666),
                   ("full", 1, 7, plain(FullFile), 0o666),
                   ("random", 1, 8, plain(RandomFile), 0o666),
                   ("urandom", 1, 9, plain(RandomFile), 0o666), ("tty", 5, 0, self._tty, 0o666),
                   ("console", 5, 1, self._console, 0o600), ("ptmx", 5, 2, self._ptmx, 0o666)]
        self.nodes = {}
        for name, major, minor, make, perm in devices:
            self.nodes[name] = DevNode(self, len(self.nodes) + 2, major, minor, make, perm)
        for name, target in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")]:
            self.nodes[name] = DevLink(self, len(self.nodes) + 2, target)
        self.nodes["pts"] = MountPoint(self, len(self.nodes) + 2)     # devpts goes there
        self.inos = itertools.count(len(self.nodes) + 2)
        self.loops = LoopDevices(on_change=self._loop_nodes)
        self.nodes["loop-control"] = DevNode(self, next(self.inos), MISC_MAJOR, LOOP_CTRL_MINOR,
                                             self.loops.control, 0o600)
        self._loop_nodes()

    def _loop_nodes(self, dev=None, added=True):
        """/dev/loopN as the loop driver adds and removes devices (devtmpfs does so for Linux)."""
        for d in self.loops.devices.values() if dev is None else [dev]:
            node = self.nodes.get(d.name)
            if added and node is None:
                self.nodes[d.name] = DevNode(self, next(self.inos), LOOP_MAJOR, d.number, None,
                                             0o660, S_IFBLK)
            elif not added and node is not None and node.rdev == d.rdev:
                del self.nodes[d.name]

    def _console(self, flags):
        return self.console.open(flags) if self.console else Console()

    def _ptmx(self, flags):
        if self.pts is None:
            raise Errno(ENODEV)
        return self.pts.open_master(flags)

    def _tty(self, flags):
        """/dev/tty: the caller's controlling terminal (tty_open_current_tty); under `jitvm run`
        a caller without one (none but a pty can be) gets the pass-through console."""
        k = self.console.k if self.console else getattr(self.pts, "k", None)
        t = k.sched.current if k else None
        ctty = controlling_tty(k, t.proc) if t is not None else None
        if ctty is not None and ctty.opener is not None:
            return ctty.opener(flags)           # a pty's slave
        if not self.console:
            return Console()
        if ctty is not self.console.tty:
            raise Errno(ENXIO)
        return TtyFile(self.console.tty, flags)

    def statfs(self):
        return dict(ftype=TMPFS_MAGIC, bsize=4096, blocks=0, bfree=0, bavail=0,
                    files=len(self.nodes) + 1, ffree=0)


def block_device(t, inode):
    """The block device a node names (ENOTBLK: not a block device node; ENXIO: none of that
    number). The machine's block devices are the loop devices of the devfs at /dev."""
    st = inode.getattr()
    if st.mode & S_IFMT != S_IFBLK:
        raise Errno(ENOTBLK)
    devfs = inode.fs if isinstance(inode.fs, DevFS) else None
    if devfs is None and t is not None:
        devfs = t.proc.fs.mounts.at(("dev",))
    if not isinstance(devfs, DevFS):
        raise Errno(ENXIO)
    return devfs.loops.device(st.rdev, create=True)


def open_block_device(t, loc, flags):
    return LoopFile(block_device(t, loc.inode), flags, loc)


SPECIAL_OPENERS[S_IFBLK] = open_block_device    # a block device node anywhere opens its driver
