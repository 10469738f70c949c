"""hostfs: the root file system, backed by a directory on the host.

Confinement. The guest must never reach a host file outside the root, so the host never resolves
a path for us. Every directory inode pins its host directory with an O_PATH file descriptor, and
every host call is an *at() call relative to such a descriptor, on a single name that contains no
"/", with the final symlink never followed (O_NOFOLLOW / follow_symlinks=False). A lookup opens the
child directory relative to its parent's descriptor with O_NOFOLLOW, so no host symlink (even one
swapped in by a racing guest thread) can carry the walk outside. Guest-level symlinks and ".." are
resolved by FsContext.walk in kernel/vfs.py.

Owners, modes and special files are the guest's own, kept in an extended attribute (META) on
the host file -- QEMU's virtfs "mapped-xattr" model: the host file stays owned by whoever runs
the VM, and needs no privilege to carry a guest uid 1000 or a setuid bit. A file without the
attribute (what `jitvm rootfs` built) is owned by root with the host's mode. A guest symlink is
a regular host file holding the target, and a guest FIFO or device node an empty regular file,
each marked by its type in META: no host tool that follows links or opens FIFOs can be led
outside the root or blocked by what a guest made. Host symlinks already in the tree (the
rootfs builder's) still work. A host without user xattrs (some tmpfs, some overlays) gets the
older behaviour, said once on the console: everything owned by root (chown: EPERM, as on vfat),
host symlinks and FIFOs. When the VM does not run as host root, files the guest creates or
chmods keep the owner's rw (and x for directories) on the host, so the VM can always reopen
them; META holds the guest's mode. Host device nodes, sockets and FIFOs under the root are never
opened (ENXIO; a FIFO is served by the kernel's named pipe, kernel/pipe.py), and every host open
is O_NONBLOCK, so a name swapped for a FIFO between lookup and open cannot block a vCPU.

Open files are objects. A guest descriptor keeps the host descriptor it opened for its lifetime;
/proc/<pid>/fd/N reopens that host descriptor (HostFile.reopen), never the name, so a renamed,
replaced or deleted file is still the one the guest opened, as on Linux.

Host descriptors are the kernel's (HostFds): the guest's files may hold the host's limit less a
reserve for the VM itself (compile process, caches, console); past that the guest gets ENFILE,
Linux's error for a full fs.file-max, and the VM never runs out. A directory is pinned by one
descriptor however many lookups reach it (HostFS.pins), so an open file costs one host descriptor
plus at most its directory's.
"""
import os
import resource
import stat as _stat
import weakref
from collections.abc import MutableMapping

from kernel import pagecache
from kernel.errno import (EEXIST, EINVAL, EISDIR, ELOOP, ENFILE, ENODATA, ENOTDIR, ENXIO,
                          EOPNOTSUPP, EPERM, EXDEV, Errno)
from kernel.uapi import (EXT4_SUPER_MAGIC, O_ACCMODE, O_APPEND, O_TRUNC, SEEK_DATA, SEEK_HOLE,
                         Stat, dtype, makedev)
from kernel.vfs import File, FileSystem, Inode, host_errors

_PIN = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN = os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC | os.O_NONBLOCK    # every host open of a file
VM_RESERVE = 256        # host descriptors never given to guest files (the VM's own needs)
META = "user.jitvm.stat"    # b"uid gid mode rdev" (decimal): the guest's view of a host file
XATTR_PREFIX = "user.jitvm.x."  # + a guest's own extended attribute name (GuestXattrs)


class HostFds:
    """The budget of host descriptors guest files may hold (fs.file-max), one per VM process (the
    host's limit is per process). The soft RLIMIT_NOFILE is raised to the hard limit once; the
    budget is that less VM_RESERVE (at least 64)."""

    def __init__(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != hard:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
                soft = hard
            except (ValueError, OSError):
                pass
        if soft == resource.RLIM_INFINITY:
            soft = 1 << 20
        self.max = max(64, soft - VM_RESERVE)
        self.used = 0

    def open(self, *args, **kw):
        """os.open, charged to the budget: ENFILE when it is spent."""
        if self.used >= self.max:
            raise Errno(ENFILE, "the guest's share of host file descriptors is used up")
        fd = os.open(*args, **kw)
        self.used += 1
        return fd

    def close(self, fd):
        self.used -= 1
        os.close(fd)


_fds = None


def host_fds():
    global _fds
    if _fds is None:
        _fds = HostFds()
    return _fds


def _proc(fd):
    """A path naming exactly the object behind `fd` (for chmod/utime, which have no O_PATH form)."""
    return f"/proc/self/fd/{fd}"


def _check_name(name):
    # Defence in depth: the walk never hands us these, and a "/" would let the host resolve.
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise Errno(EINVAL, f"bad name {name!r}")


def _host_flags(flags):
    """The host open flags for a guest open of a regular file (the offset, O_APPEND and the
    other status flags are the kernel's own)."""
    return (flags & O_ACCMODE) | (os.O_TRUNC if flags & O_TRUNC else 0)


def _identity(st):
    """What File.identity() gives for the host file `st` describes."""
    return (makedev(os.major(st.st_dev), os.minor(st.st_dev)), st.st_ino)


_MARKABLE = {_stat.S_IFLNK, _stat.S_IFIFO, _stat.S_IFCHR, _stat.S_IFBLK, _stat.S_IFSOCK}


def guest_mode(host_mode, meta):
    """The guest's type and mode: META's, except that only a regular host file may stand for
    another type (a META that says otherwise keeps the host's type)."""
    if meta is None:
        return host_mode
    kind, host_kind = _stat.S_IFMT(meta[2]), _stat.S_IFMT(host_mode)
    if kind == host_kind or host_kind == _stat.S_IFREG and kind in _MARKABLE:
        return meta[2]
    return host_kind | (meta[2] & 0o7777)


def host_stat(st, meta=None):
    """A host os.stat_result as the guest sees it: with the owner, type, mode and device number
    META gives, or owned by root."""
    uid, gid, mode, rdev = meta or (0, 0, st.st_mode,
                                    makedev(os.major(st.st_rdev), os.minor(st.st_rdev)))
    mode = guest_mode(st.st_mode, meta)
    return Stat(dev=_identity(st)[0], ino=st.st_ino, mode=mode, nlink=st.st_nlink, uid=uid,
                gid=gid, rdev=rdev, size=st.st_size, blksize=st.st_blksize, blocks=st.st_blocks,
                atime_ns=st.st_atime_ns, mtime_ns=st.st_mtime_ns, ctime_ns=st.st_ctime_ns)


def read_meta(target):
    """META of a host path (never following a final symlink) or descriptor, or None."""
    try:
        if isinstance(target, int):
            raw = os.getxattr(target, META)
        else:
            raw = os.getxattr(target, META, follow_symlinks=False)
        uid, gid, mode, rdev = map(int, raw.split())
        return uid, gid, mode, rdev
    except (OSError, ValueError):       # none (ENODATA), a host symlink (no user xattrs), junk
        return None


class HostFS(FileSystem):
    fstype = "ext4"     # what /proc/mounts and statfs report; programs only care it is a disk fs

    def __init__(self, hostdir):
        self.hostroot = os.path.realpath(hostdir)
        self.fds = host_fds()
        self.pins = weakref.WeakValueDictionary()   # (st_dev, st_ino) -> directory HostInode
        fd = self.fds.open(self.hostroot, _PIN)
        self.xattrs = _has_user_xattrs(_proc(fd))
        self.root = HostInode(self, None, "", os.fstat(fd), fd)
        # Owner bits added on the host so a non-root VM can reopen what the guest's root made.
        self.keep_file = 0 if os.geteuid() == 0 else 0o600
        self.keep_dir = 0 if os.geteuid() == 0 else 0o700

    def notes(self):
        """What the boot log should say about this file system."""
        if not self.xattrs:
            return [f"hostfs: {self.hostroot} has no user extended attributes: guest file owners "
                    "are not kept (chown fails), symlinks and FIFOs are host ones -- put the "
                    "root file system on ext4, xfs or btrfs to keep them"]
        return []

    def statfs(self):
        with host_errors():
            v = os.statvfs(self.root.dirfd())
        return dict(ftype=EXT4_SUPER_MAGIC, bsize=v.f_bsize, blocks=v.f_blocks, bfree=v.f_bfree,
                    bavail=v.f_bavail, files=v.f_files, ffree=v.f_ffree, namelen=v.f_namemax)


def _has_user_xattrs(path):
    try:
        os.getxattr(path, META)
        return True
    except OSError as e:
        return e.errno == ENODATA


class HostInode(Inode):
    """A host file named by (parent directory inode, name); a directory also pins itself with an
    O_PATH descriptor `_fd`, which its children use as their dir_fd. A directory has one
    HostInode while anything holds it (HostFS.pins), so its children share one descriptor; its
    `parent` and `name` are never used (renames would stale them): the VFS's Location knows the
    path."""

    def __init__(self, fs, parent, name, st, fd=None):
        self.fs, self.parent, self.name, self._fd = fs, parent, name, fd
        self.ino = st.st_ino
        meta = self._meta() if fs.xattrs and not _stat.S_ISLNK(st.st_mode) else None
        self.mode = guest_mode(st.st_mode, meta)      # the guest's type and permissions
        if fd is not None:
            fs.pins[(st.st_dev, st.st_ino)] = self

    def __del__(self):
        if self._fd is not None:
            try:
                self.fs.fds.close(self._fd)
            except (OSError, TypeError, AttributeError):    # interpreter shutdown
                pass

    def dirfd(self):
        if self._fd is None:    # never let a None dir_fd fall back to the host's cwd
            raise Errno(ENOTDIR)
        return self._fd

    def _pdir(self):
        return self.parent.dirfd()

    def _path(self):
        """A host path naming exactly this inode (for the xattr calls, which have no *at form):
        through the pinned descriptor of it or of its directory, never following a final link."""
        if self._fd is not None:
            return _proc(self._fd) + "/."     # "/.": the directory, not the magic link
        return f"{_proc(self._pdir())}/{self.name}"

    def _meta(self):
        return read_meta(self._path())

    def _store_meta(self, uid, gid, mode, rdev=0):
        """Record the guest's view in META -- when it differs from what the host file says by
        itself (or META is there already)."""
        st = os.stat(self._path(), follow_symlinks=False)
        if (uid, gid, mode, rdev) == (0, 0, st.st_mode, 0) and read_meta(self._path()) is None:
            return
        if not self.fs.xattrs or _stat.S_ISLNK(st.st_mode):
            raise Errno(EPERM)          # no place to keep it (see the module docstring)
        os.setxattr(self._path(), META, f"{uid} {gid} {mode} {rdev}".encode(),
                    follow_symlinks=False)
        self.mode = mode

    # ---- directory operations ------------------------------------------------------------------
    def lookup(self, name):
        _check_name(name)
        with host_errors():
            st = os.stat(name, dir_fd=self.dirfd(), follow_symlinks=False)
            if not _stat.S_ISDIR(st.st_mode):
                return HostInode(self.fs, self, name, st)
            pinned = self.fs.pins.get((st.st_dev, st.st_ino))
            if pinned is not None:
                return pinned
            fd = self.fs.fds.open(name, _PIN, dir_fd=self._fd)
            st = os.fstat(fd)           # describe what we pinned, not what we first saw
            pinned = self.fs.pins.get((st.st_dev, st.st_ino))   # swapped for a pinned one?
            if pinned is not None:
                self.fs.fds.close(fd)
                return pinned
        return HostInode(self.fs, self, name, st, fd)

    def readdir(self):
        with host_errors():
            fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=self.dirfd())
            try:
                with os.scandir(fd) as it:
                    out = [(e.name, e.inode(), _entry_type(e)) for e in it]
            finally:
                os.close(fd)
        if self.fs.xattrs:              # a marked regular file may be a guest symlink, FIFO, ...
            base, reg = _proc(self.dirfd()), dtype(_stat.S_IFREG)
            out = [(name, ino, dtype(guest_mode(_stat.S_IFREG, meta)) if dt == reg and (
                meta := read_meta(f"{base}/{name}")) else dt) for name, ino, dt in out]
        return out

    def create(self, name, mode):
        _check_name(name)
        with host_errors():
            fd = os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600, dir_fd=self.dirfd())
            try:
                os.fchmod(fd, (mode & 0o7777) | self.fs.keep_file)  # exact mode: no host umask
                st = os.fstat(fd)
            finally:
                os.close(fd)
        return HostInode(self.fs, self, name, st)

    def mkdir(self, name, mode):
        _check_name(name)
        with host_errors():
            os.mkdir(name, 0o700, dir_fd=self.dirfd())
        self.lookup(name).chmod(mode)

    def symlink(self, name, target):
        _check_name(name)
        if not self.fs.xattrs:
            with host_errors():
                os.symlink(target, name, dir_fd=self.dirfd())
            return
        self._marked(name, _stat.S_IFLNK | 0o777, 0, os.fsencode(target))

    def mknod(self, name, mode, rdev=0):
        """FIFOs, device nodes and sockets: marked empty files (a FIFO opens the kernel's named
        pipe; a device node has no driver here: ENXIO). Without xattrs only FIFOs, as host ones."""
        _check_name(name)
        if self.fs.xattrs:
            self._marked(name, mode, rdev, b"")
            return
        if not _stat.S_ISFIFO(mode):
            raise Errno(EPERM)
        with host_errors():
            os.mkfifo(name, 0o600, dir_fd=self.dirfd())
        self.lookup(name).chmod(mode)

    def _marked(self, name, mode, rdev, content):
        """A regular host file standing for a guest file of another type (META says which)."""
        with host_errors():
            fd = os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o600 | self.fs.keep_file, dir_fd=self.dirfd())
            try:
                os.write(fd, content)
                os.setxattr(fd, META, f"0 0 {mode} {rdev}".encode())
            except OSError:
                os.unlink(name, dir_fd=self.dirfd())
                raise
            finally:
                os.close(fd)

    def link(self, name, inode):
        _check_name(name)
        if not isinstance(inode, HostInode) or inode.fs is not self.fs:
            raise Errno(EXDEV)
        if inode.parent is None or inode.is_dir:
            raise Errno(EPERM)      # no hard links to directories
        with host_errors():
            os.link(inode.name, name, src_dir_fd=inode._pdir(), dst_dir_fd=self.dirfd(),
                    follow_symlinks=False)

    def unlink(self, name):
        _check_name(name)
        with host_errors():
            os.unlink(name, dir_fd=self.dirfd())

    def rmdir(self, name):
        _check_name(name)
        with host_errors():
            os.rmdir(name, dir_fd=self.dirfd())

    def rename(self, name, newdir, newname, noreplace=False):
        _check_name(name)
        _check_name(newname)
        if not isinstance(newdir, HostInode) or newdir.fs is not self.fs:
            raise Errno(EXDEV)
        with host_errors():
            if noreplace:
                # Python has no renameat2; check-then-rename is atomic enough under one guest.
                try:
                    os.stat(newname, dir_fd=newdir.dirfd(), follow_symlinks=False)
                    raise Errno(EEXIST)
                except FileNotFoundError:
                    pass
            os.rename(name, newname, src_dir_fd=self.dirfd(), dst_dir_fd=newdir.dirfd())

    # ---- the file itself -----------------------------------------------------------------------
    def getattr(self):
        with host_errors():
            if self._fd is not None:
                st = os.stat(self._fd)
            else:
                st = os.stat(self.name, dir_fd=self._pdir(), follow_symlinks=False)
            meta = self._meta() if self.fs.xattrs and not _stat.S_ISLNK(st.st_mode) else None
        return host_stat(st, meta)

    def readlink(self):
        if not self.is_link:
            raise Errno(EINVAL)
        with host_errors():
            try:
                return os.readlink(self.name, dir_fd=self._pdir())
            except OSError as e:
                if e.errno != EINVAL:
                    raise
            # a guest symlink: the target is the marked file's content
            fd = os.open(self.name, os.O_RDONLY | _OPEN, dir_fd=self._pdir())
            try:
                return os.fsdecode(os.read(fd, 4096))
            finally:
                os.close(fd)

    def open(self, flags):
        kind = _stat.S_IFMT(self.mode)
        if kind == _stat.S_IFLNK:
            raise Errno(ELOOP)
        if kind != _stat.S_IFREG:
            raise Errno(ENXIO, "a device node or socket without a driver")
        with host_errors():
            fd = self.fs.fds.open(self.name, _host_flags(flags) | _OPEN, dir_fd=self._pdir())
        return HostFile.adopt(self.fs, fd)

    def _with_pinned(self, fn):
        """Run fn(path) on a /proc/self/fd path that names exactly this inode."""
        with host_errors():
            if self._fd is not None:
                return fn(_proc(self._fd))
            fd = os.open(self.name, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self._pdir())
            try:
                if _stat.S_ISLNK(os.fstat(fd).st_mode):
                    raise Errno(EOPNOTSUPP)     # Linux has no lchmod either
                return fn(_proc(fd))
            finally:
                os.close(fd)

    def chmod(self, mode):
        keep = self.fs.keep_dir if self.is_dir else self.fs.keep_file
        st = self.getattr()
        mode = (st.mode & ~0o7777) | (mode & 0o7777)
        self._with_pinned(lambda p: os.chmod(p, (mode & 0o7777) | keep))
        with host_errors():
            self._store_meta(st.uid, st.gid, mode, st.rdev)
        self.mode = mode

    def xattrs(self):
        return GuestXattrs(self._path()) if self.fs.xattrs else None

    def where(self):
        if self._fd is None:
            return None
        try:
            host = os.readlink(_proc(self._fd))
        except OSError:
            return None
        root = self.fs.hostroot
        if host.endswith(" (deleted)") or not (host == root or host.startswith(root + "/")):
            return None
        return tuple(p for p in host[len(root):].split("/") if p)

    def chown(self, uid, gid):
        st = self.getattr()
        with host_errors():
            self._store_meta(st.uid if uid == -1 else uid, st.gid if gid == -1 else gid, st.mode,
                             st.rdev)

    def truncate(self, size):
        if self.is_dir:
            raise Errno(EISDIR)
        if not _stat.S_ISREG(self.mode):
            raise Errno(EINVAL)
        with host_errors():
            fd = os.open(self.name, os.O_WRONLY | _OPEN, dir_fd=self._pdir())
            try:
                if not _stat.S_ISREG(os.fstat(fd).st_mode):
                    raise Errno(EINVAL)
                os.ftruncate(fd, size)
                pagecache.truncated(_identity(os.fstat(fd)), size)
            finally:
                os.close(fd)

    def set_times(self, atime_ns, mtime_ns):
        if atime_ns is None or mtime_ns is None:
            st = self.getattr()
            atime_ns = st.atime_ns if atime_ns is None else atime_ns
            mtime_ns = st.mtime_ns if mtime_ns is None else mtime_ns
        with host_errors():
            if self._fd is not None:
                os.utime(_proc(self._fd), ns=(atime_ns, mtime_ns))
            else:
                os.utime(self.name, ns=(atime_ns, mtime_ns), dir_fd=self._pdir(),
                         follow_symlinks=False)


class GuestXattrs(MutableMapping):
    """A host file's guest extended attributes: host user xattrs named XATTR_PREFIX + the guest's
    name, so a guest can neither see nor forge META (or any other host attribute)."""

    def __init__(self, path):
        self.path = path

    def _host(self, name):
        return XATTR_PREFIX + name

    def __getitem__(self, name):
        try:
            with host_errors():
                return os.getxattr(self.path, self._host(name), follow_symlinks=False)
        except Errno as e:
            if e.errno == ENODATA:
                raise KeyError(name) from None
            raise

    def __setitem__(self, name, value):
        with host_errors():
            os.setxattr(self.path, self._host(name), value, follow_symlinks=False)

    def __delitem__(self, name):
        try:
            with host_errors():
                os.removexattr(self.path, self._host(name), follow_symlinks=False)
        except Errno as e:
            if e.errno == ENODATA:
                raise KeyError(name) from None
            raise

    def __iter__(self):
        with host_errors():
            names = os.listxattr(self.path, follow_symlinks=False)
        return iter([n[len(XATTR_PREFIX):] for n in names if n.startswith(XATTR_PREFIX)])

    def __len__(self):
        return sum(1 for _ in self)


def _entry_type(e):
    """d_type from a scandir entry, using the type the host directory already reported."""
    if e.is_symlink():
        return dtype(_stat.S_IFLNK)
    if e.is_dir(follow_symlinks=False):
        return dtype(_stat.S_IFDIR)
    if e.is_file(follow_symlinks=False):
        return dtype(_stat.S_IFREG)
    try:
        return dtype(e.stat(follow_symlinks=False).st_mode)
    except OSError:
        return 0


class HostFile(File):
    """An open host regular file. The offset is ours (pread/pwrite on the host fd), so dup'd
    descriptors share it through this object, and O_APPEND is applied here, not by the host.
    Reads and writes go through the page cache's shared pages of the file, if it is mapped."""
    seekable = True
    reopen_by_fd = True

    def __init__(self, fs, fd, st):
        super().__init__()
        self.fs, self.fd, self.key = fs, fd, _identity(st)

    @classmethod
    def adopt(cls, fs, fd):
        """A HostFile over a descriptor just opened (charged to fs.fds) -- if it is a regular
        file: a name swapped for something else under us is refused, and the descriptor closed."""
        try:
            st = os.fstat(fd)
            if _stat.S_ISREG(st.st_mode):
                return cls(fs, fd, st)
        except OSError:
            pass
        fs.fds.close(fd)
        raise Errno(ENXIO)

    def reopen(self, flags):
        """open("/proc/self/fd/N"): the host reopens the very file this descriptor has open."""
        with host_errors():
            fd = self.fs.fds.open(_proc(self.fd), _host_flags(flags) | (_OPEN & ~os.O_NOFOLLOW))
        return HostFile.adopt(self.fs, fd)

    def identity(self):
        return self.key

    def pread(self, n, offset):
        with host_errors():
            data = os.pread(self.fd, n, offset)
        return pagecache.read_through(self.key, data, offset)

    def pwrite(self, data, offset):
        with host_errors():
            n = os.pwrite(self.fd, data, offset)
        pagecache.write_through(self.key, data[:n], offset)
        return n

    def write(self, data):
        if self.flags & O_APPEND:
            self.offset = self.size()
        return super().write(data)

    def stat(self):
        with host_errors():
            return host_stat(os.fstat(self.fd), read_meta(self.fd) if self.fs.xattrs else None)

    def seek(self, offset, whence):
        if whence in (SEEK_DATA, SEEK_HOLE):
            with host_errors():
                self.offset = os.lseek(self.fd, offset, whence)
            return self.offset
        return super().seek(offset, whence)

    def truncate(self, size):
        with host_errors():
            os.ftruncate(self.fd, size)
        pagecache.truncated(self.key, size)

    def fsync(self):
        with host_errors():
            os.fsync(self.fd)
        return 0

    def release(self):
        self.fs.fds.close(self.fd)
