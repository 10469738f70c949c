"""devpts: the file system at /dev/pts that names the slave of every pseudo-terminal (Linux
fs/devpts/inode.c), and what opening /dev/ptmx does.

    /dev/ptmx      5:2 in devfs: each open makes a new pair (kernel/pty.py) and is its master
    /dev/pts/ptmx  5:2 again, mode `ptmxmode` (000 by default, as Linux's)
    /dev/pts/N     136:N, the slave of pair N, from the master's open until its close

A new slave belongs to the opener (its fsuid), group `gid=` or else the opener's fsgid, mode
`mode=` (0600 by default): the mount options Linux's devpts takes, so grantpt has nothing left
to do. The kernel mounts one instance at /dev/pts with gid=tty (0 if the rootfs has no tty
group) and mode=620, as an init system does; `mount -t devpts` shows that instance again with
the options it is given (Linux makes a new instance per mount; here /dev/ptmx has one).
"""
import os
import time

from kernel import params
from kernel.errno import EINVAL, ENODEV, ENOENT, ENOSPC, Errno
from kernel.pty import MasterFile, Pty
from kernel.uapi import S_IFCHR, S_IFDIR, S_IFMT, Stat, dtype, makedev
from kernel.vfs import FileSystem, Inode, Location

DEVPTS_SUPER_MAGIC = 0x1CD1
DEVPTS_DEV = makedev(0, 24)     # an anonymous device number of its own
PTMX_RDEV = makedev(5, 2)


class PtsNode(Inode):
    """/dev/pts/N or /dev/pts/ptmx: a character device whose owner and mode can change."""

    def __init__(self, fs, ino, rdev, uid, gid, mode, open_):
        self.fs, self.ino, self.rdev, self.uid, self.gid = fs, ino, rdev, uid, gid
        self.mode, self._open = S_IFCHR | mode, open_
        self.time_ns = time.time_ns()

    def getattr(self):
        t = self.time_ns
        return Stat(dev=DEVPTS_DEV, ino=self.ino, mode=self.mode, rdev=self.rdev, uid=self.uid,
                    gid=self.gid, blksize=1024, atime_ns=t, mtime_ns=t, ctime_ns=t)

    def open(self, flags):
        return self._open(flags)

    def location(self):
        """Where a slave opened without a path (TIOCGPTPEER) says it is: /dev/pts/N."""
        return Location(("dev", "pts", str(self.ino - 3)), self)

    def chmod(self, mode):
        self.mode = (self.mode & S_IFMT) | (mode & 0o7777)
        self.time_ns = time.time_ns()

    def chown(self, uid, gid):
        self.uid = self.uid if uid == -1 else uid
        self.gid = self.gid if gid == -1 else gid
        self.time_ns = time.time_ns()

    def set_times(self, atime_ns, mtime_ns):
        if mtime_ns is not None:
            self.time_ns = mtime_ns


class PtsDir(Inode):
    ino = 1
    mode = S_IFDIR | 0o755

    def __init__(self, fs):
        self.fs = fs

    def getattr(self):
        t = self.fs.mounted_ns
        return Stat(dev=DEVPTS_DEV, ino=1, mode=self.mode, nlink=2, blksize=1024, atime_ns=t,
                    mtime_ns=t, ctime_ns=t)

    def lookup(self, name):
        if name == "ptmx":
            return self.fs.ptmx
        pty = self.fs.ptys.get(int(name)) if name.isdigit() and name == str(int(name)) else None
        if pty is None or not pty.master_open:
            raise Errno(ENOENT)
        return pty.node

    def readdir(self):
        entries = [("ptmx", 2, dtype(S_IFCHR))]
        return entries + [(str(i), p.node.ino, dtype(S_IFCHR))
                          for i, p in sorted(self.fs.ptys.items()) if p.master_open]


class DevPts(FileSystem):
    fstype = "devpts"

    def __init__(self, k, options=""):
        self.k = k
        self.mounted_ns = time.time_ns()
        self.ptys = {}              # index -> Pty, from the master's open until both sides close
        self.uid = self.gid = None  # None: the opener's
        self.mode = 0o600
        self.root = PtsDir(self)
        self.ptmx = PtsNode(self, 2, PTMX_RDEV, 0, 0, 0, self.open_master)
        self.set_options(options)

    def set_options(self, options):
        """uid=, gid=, mode=, ptmxmode=, max= (and newinstance, which changes nothing here)."""
        for opt in filter(None, options.split(",")):
            name, _, value = opt.partition("=")
            try:
                if name in ("uid", "gid"):
                    setattr(self, name, int(value))
                elif name == "mode":
                    self.mode = int(value, 8) & 0o777
                elif name == "ptmxmode":
                    self.ptmx.chmod(int(value, 8) & 0o777)
                elif name != "max" and name != "newinstance":
                    raise Errno(EINVAL)
            except ValueError:
                raise Errno(EINVAL) from None

    def open_master(self, flags):
        """ptmx_open: the lowest free number, a locked pair, and its slave node."""
        index = next(i for i in range(len(self.ptys) + 1) if i not in self.ptys)
        if index >= params.PTY_MAX:
            raise Errno(ENOSPC)
        t = self.k.sched.current if self.k else None
        creds = t.proc.creds if t is not None else None
        pty = Pty(index)
        pty.attach(self.k)
        pty.node = PtsNode(self, index + 3, pty.rdev,
                           self.uid if self.uid is not None else getattr(creds, "fsuid", 0),
                           self.gid if self.gid is not None else getattr(creds, "fsgid", 0),
                           self.mode, lambda flags: pty.open_slave(self._current(), flags))
        pty.on_free = lambda p: self.ptys.pop(p.index, None)
        pty.opener = lambda flags: pty.open_slave(None, flags)     # /dev/tty
        self.ptys[index] = pty
        return MasterFile(pty, flags)

    def _current(self):
        return self.k.sched.current if self.k else None

    def statfs(self):
        return dict(ftype=DEVPTS_SUPER_MAGIC, bsize=4096, blocks=0, bfree=0, bavail=0,
                    files=0, ffree=0)


def _tty_gid(mounts):
    """The rootfs's tty group, or 0."""
    try:
        text = os.fsdecode(mounts.read_file("/etc/group"))
    except Errno:
        return 0
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) > 2 and fields[0] == "tty" and fields[2].isdigit():
            return int(fields[2])
    return 0


def mount_devpts(k, mounts):
    """devpts at /dev/pts, the instance devfs's /dev/ptmx opens -- as an init system mounts it."""
    pts = DevPts(k, f"gid={_tty_gid(mounts)},mode=620")
    devfs = mounts.at(("dev",))
    if devfs is not None:
        devfs.pts = pts
    mounts.mount("/dev/pts", pts)
    return pts


def devpts_for_mount(t, options):
    """`mount -t devpts`: the instance /dev/ptmx opens (made now if there is none), with
    `options` applied."""
    devfs = t.proc.fs.mounts.at(("dev",))
    pts = getattr(devfs, "pts", None)
    if pts is None:
        if devfs is None:
            raise Errno(ENODEV)
        pts = devfs.pts = DevPts(t.kernel)
    pts.set_options(options)
    return pts
