"""tmpfs: a file system in host memory (Linux mm/shmem.c), mounted at /tmp by `jitvm boot`.

Files, directories, symlinks and FIFOs (opened as the kernel's named pipes by the VFS), with
hard links, rename, unlink of open files (the data lives while a description holds it), modes and
times. File data is a bytearray per inode; the size limit is the machine's memory, as for Linux's
default tmpfs (half of RAM) -- here `TmpFS(max_bytes)`.
"""
import itertools
import time

from kernel import pagecache
from kernel.errno import (EEXIST, EINVAL, EISDIR, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, ENXIO, EPERM,
                          EXDEV, Errno)
from kernel.uapi import (O_ACCMODE, O_APPEND, O_RDONLY, O_TRUNC, S_IFDIR, S_IFLNK,
                         S_IFMT, S_IFREG, TMPFS_MAGIC, Stat, dtype, makedev)
from kernel.vfs import File, FileSystem, Inode

_devs = itertools.count(40)


class TmpFS(FileSystem):
    fstype = "tmpfs"

    def __init__(self, max_bytes=256 << 20):
        self.dev = makedev(0, next(_devs))
        self.max_bytes, self.used = max_bytes, 0
        self._inos = itertools.count(2)
        self.root = TmpInode(self, S_IFDIR | 0o1777, ino=1)
        self.root.parent = self.root

    def statfs(self):
        blocks = self.max_bytes // 4096
        used = (self.used + 4095) // 4096
        return dict(ftype=TMPFS_MAGIC, bsize=4096, blocks=blocks, bfree=blocks - used,
                    bavail=blocks - used, files=1 << 20, ffree=(1 << 20) - next(self._inos))


class TmpInode(Inode):
    def __init__(self, fs, mode, ino=None, target=""):
        self.fs, self.mode = fs, mode
        self.ino = ino if ino is not None else next(fs._inos)
        self.nlink = 2 if mode & S_IFMT == S_IFDIR else 1
        self.entries = {} if mode & S_IFMT == S_IFDIR else None     # name -> TmpInode
        self.data = bytearray()
        self.target = target
        self.parent = None
        self.uid = self.gid = 0
        self.rdev = 0
        now = time.time_ns()
        self.atime = self.mtime = self.ctime = now

    def _touch(self):
        self.mtime = self.ctime = time.time_ns()

    def getattr(self):
        size = len(self.target) if self.is_link else len(self.data)
        if self.is_dir:
            size = 40 + 20 * len(self.entries)      # what tmpfs reports, roughly
        return Stat(dev=self.fs.dev, ino=self.ino, mode=self.mode, nlink=self.nlink,
                    uid=self.uid, gid=self.gid, rdev=self.rdev, size=size, blksize=4096,
                    blocks=(len(self.data) + 511) // 512,
                    atime_ns=self.atime, mtime_ns=self.mtime, ctime_ns=self.ctime)

    # ---- directory operations ------------------------------------------------------------------
    def _dir(self):
        if not self.is_dir:
            raise Errno(ENOTDIR)
        return self.entries

    def lookup(self, name):
        try:
            return self._dir()[name]
        except KeyError:
            raise Errno(ENOENT) from None

    def readdir(self):
        return [(name, i.ino, dtype(i.mode)) for name, i in self._dir().items()]

    def _add(self, name, inode):
        d = self._dir()
        if name in d:
            raise Errno(EEXIST)
        d[name] = inode
        if inode.is_dir:
            inode.parent = self
            self.nlink += 1
        self._touch()
        return inode

    def create(self, name, mode):
        return self._add(name, TmpInode(self.fs, S_IFREG | (mode & 0o7777)))

    def mkdir(self, name, mode):
        return self._add(name, TmpInode(self.fs, S_IFDIR | (mode & 0o7777)))

    def symlink(self, name, target):
        return self._add(name, TmpInode(self.fs, S_IFLNK | 0o777, target=target))

    def mknod(self, name, mode, rdev=0):
        """FIFOs, sockets and device nodes (which open with ENXIO: no driver behind them)."""
        inode = self._add(name, TmpInode(self.fs, mode))
        inode.rdev = rdev
        return inode

    def link(self, name, inode):
        if not isinstance(inode, TmpInode) or inode.fs is not self.fs:
            raise Errno(EXDEV)
        if inode.is_dir:
            raise Errno(EPERM)
        self._add(name, inode)
        inode.nlink += 1
        inode.ctime = time.time_ns()

    def _drop(self, inode):
        inode.nlink -= 1
        inode.ctime = time.time_ns()
        if inode.nlink == 0:
            self.fs.used -= len(inode.data)     # open descriptions keep the bytes themselves

    def unlink(self, name):
        inode = self.lookup(name)
        if inode.is_dir:
            raise Errno(EISDIR)
        del self.entries[name]
        self._touch()
        self._drop(inode)

    def rmdir(self, name):
        inode = self.lookup(name)
        if not inode.is_dir:
            raise Errno(ENOTDIR)
        if inode.entries:
            raise Errno(ENOTEMPTY)
        del self.entries[name]
        self.nlink -= 1
        inode.nlink = 0
        self._touch()

    def rename(self, name, newdir, newname, noreplace=False):
        if not isinstance(newdir, TmpInode) or newdir.fs is not self.fs:
            raise Errno(EXDEV)
        src = self.lookup(name)
        dest = newdir._dir().get(newname)
        if dest is not None and noreplace:
            raise Errno(EEXIST)
        if dest is src:
            return                  # two names of one inode: nothing to do
        if src.is_dir:      # not into itself or below
            d = newdir
            while True:
                if d is src:
                    raise Errno(EINVAL)
                if d.parent is d:
                    break
                d = d.parent
        if dest is not None:
            if dest.is_dir != src.is_dir:
                raise Errno(EISDIR if dest.is_dir else ENOTDIR)
            if dest.is_dir:
                newdir.rmdir(newname)
            else:
                newdir.unlink(newname)
        del self.entries[name]
        if src.is_dir:
            self.nlink -= 1
        self._touch()
        newdir._add(newname, src)
        src.ctime = time.time_ns()

    # ---- the file itself -----------------------------------------------------------------------
    def readlink(self):
        if not self.is_link:
            raise Errno(EINVAL)
        return self.target

    def open(self, flags):
        if self.mode & S_IFMT != S_IFREG:
            raise Errno(EINVAL if self.is_link else ENXIO)
        if flags & O_TRUNC and flags & O_ACCMODE != O_RDONLY:
            self.truncate(0)
        return TmpFile(self)

    def chmod(self, mode):
        self.mode = (self.mode & S_IFMT) | (mode & 0o7777)
        self.ctime = time.time_ns()

    def where(self):
        names, d = [], self
        while d.parent is not None and d.parent is not d:
            name = next((n for n, i in d.parent.entries.items() if i is d), None)
            if name is None:
                return None             # removed
            names.append(name)
            d = d.parent
        return tuple(reversed(names)) if d is self.fs.root else None

    def xattrs(self):
        if not hasattr(self, "_xattrs"):
            self._xattrs = {}
        return self._xattrs

    def chown(self, uid, gid):
        self.uid = self.uid if uid == -1 else uid
        self.gid = self.gid if gid == -1 else gid
        self.ctime = time.time_ns()

    def truncate(self, size):
        if self.is_dir:
            raise Errno(EISDIR)
        if self.mode & S_IFMT != S_IFREG:
            raise Errno(EINVAL)
        grow = size - len(self.data)
        if self.fs.used + grow > self.fs.max_bytes:
            raise Errno(ENOSPC)
        if grow > 0:
            self.data += bytes(grow)
        else:
            del self.data[size:]
        self.fs.used += grow
        self._touch()

    def set_times(self, atime_ns, mtime_ns):
        if atime_ns is not None:
            self.atime = atime_ns
        if mtime_ns is not None:
            self.mtime = mtime_ns
        self.ctime = time.time_ns()


class TmpFile(File):
    seekable = True

    def __init__(self, inode):
        super().__init__()
        self.inode = inode

    def identity(self):
        return (self.inode.fs.dev, self.inode.ino)

    # read() and write() go through the pages of the file's shared mappings (kernel/pagecache.py)
    def pread(self, n, offset):
        return pagecache.read_through(self.identity(), bytes(self.inode.data[offset:offset + n]),
                                      offset)

    def pwrite(self, data, offset):
        ino = self.inode
        end = offset + len(data)
        if end > len(ino.data):
            ino.truncate(end)
        ino.data[offset:end] = data
        ino._touch()
        pagecache.write_through(self.identity(), data, offset)
        return len(data)

    def write(self, data):
        if self.flags & O_APPEND:
            self.offset = len(self.inode.data)
        return super().write(data)

    def stat(self):
        return self.inode.getattr()

    def size(self):
        return len(self.inode.data)

    def truncate(self, size):
        self.inode.truncate(size)
        pagecache.truncated(self.identity(), size)
