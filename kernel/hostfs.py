"""hostfs: the root file system, backed by a directory on the host.

Confinement. The guest must never reach a host file outside the root, so the host never resolves
a path for us. Every directory inode pins its host directory with an O_PATH file descriptor, and
every host call is an *at() call relative to such a descriptor, on a single name that contains no
"/", with the final symlink never followed (O_NOFOLLOW / follow_symlinks=False). A lookup opens the
child directory relative to its parent's descriptor with O_NOFOLLOW, so no host symlink (even one
swapped in by a racing guest thread) can carry the walk outside. Guest-level symlinks and ".." are
resolved by FsContext.walk in kernel/vfs.py.

Owners and permissions. The guest runs as root and sees every file owned by root. Modes are the
host's. When the VM itself does not run as host root, files the guest creates or chmods keep the
owner's rw (and x for directories) on the host, so the VM can always reopen what its root made.
Host device nodes and sockets under the root are never opened (ENXIO): the guest's devices
come from devfs. A host FIFO is never opened either: the VFS serves it with the kernel's named
pipe for that inode (kernel/pipe.py), which mknodat creates FIFOs for.
"""
import os
import stat as _stat

from kernel.errno import (EEXIST, EINVAL, EISDIR, ELOOP, ENOTDIR, ENXIO, EOPNOTSUPP, EPERM, EXDEV,
                          Errno)
from kernel.uapi import (EXT4_SUPER_MAGIC, O_ACCMODE, O_APPEND, O_TRUNC, SEEK_DATA, SEEK_HOLE,
                         Stat, dtype, makedev)
from kernel.vfs import File, FileSystem, Inode, host_errors

_PIN = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _proc(fd):
    """A path naming exactly the object behind `fd` (for chmod/utime, which have no O_PATH form)."""
    return f"/proc/self/fd/{fd}"


def _check_name(name):
    # Defence in depth: the walk never hands us these, and a "/" would let the host resolve.
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise Errno(EINVAL, f"bad name {name!r}")


def host_stat(st):
    """A host os.stat_result as the guest sees it: owned by root."""
    return Stat(dev=makedev(os.major(st.st_dev), os.minor(st.st_dev)), ino=st.st_ino,
                mode=st.st_mode, nlink=st.st_nlink, uid=0, gid=0,
                rdev=makedev(os.major(st.st_rdev), os.minor(st.st_rdev)), size=st.st_size,
                blksize=st.st_blksize, blocks=st.st_blocks, atime_ns=st.st_atime_ns,
                mtime_ns=st.st_mtime_ns, ctime_ns=st.st_ctime_ns)


class HostFS(FileSystem):
    fstype = "ext4"     # what /proc/mounts and statfs report; programs only care it is a disk fs

    def __init__(self, hostdir):
        self.hostroot = os.path.realpath(hostdir)
        fd = os.open(self.hostroot, _PIN)
        self.root = HostInode(self, None, "", os.fstat(fd), fd)
        # Owner bits added on the host so a non-root VM can reopen what the guest's root made.
        self.keep_file = 0 if os.geteuid() == 0 else 0o600
        self.keep_dir = 0 if os.geteuid() == 0 else 0o700

    def statfs(self):
        with host_errors():
            v = os.statvfs(self.root.dirfd())
        return dict(ftype=EXT4_SUPER_MAGIC, bsize=v.f_bsize, blocks=v.f_blocks, bfree=v.f_bfree,
                    bavail=v.f_bavail, files=v.f_files, ffree=v.f_ffree, namelen=v.f_namemax)


class HostInode(Inode):
    """A host file named by (parent directory inode, name); a directory also pins itself with an
    O_PATH descriptor `_fd`, which its children use as their dir_fd."""

    def __init__(self, fs, parent, name, st, fd=None):
        self.fs, self.parent, self.name, self._fd = fs, parent, name, fd
        self.mode, self.ino = st.st_mode, st.st_ino

    def __del__(self):
        if self._fd is not None:
            try:
                os.close(self._fd)
            except (OSError, TypeError):    # TypeError: interpreter shutdown
                pass

    def dirfd(self):
        if self._fd is None:    # never let a None dir_fd fall back to the host's cwd
            raise Errno(ENOTDIR)
        return self._fd

    def _pdir(self):
        return self.parent.dirfd()

    # ---- directory operations ------------------------------------------------------------------
    def lookup(self, name):
        _check_name(name)
        with host_errors():
            st = os.stat(name, dir_fd=self.dirfd(), follow_symlinks=False)
            fd = None
            if _stat.S_ISDIR(st.st_mode):
                fd = os.open(name, _PIN, dir_fd=self._fd)
                st = os.fstat(fd)       # describe what we pinned, not what we first saw
        return HostInode(self.fs, self, name, st, fd)

    def readdir(self):
        with host_errors():
            fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=self.dirfd())
            try:
                with os.scandir(fd) as it:
                    return [(e.name, e.inode(), _entry_type(e)) for e in it]
            finally:
                os.close(fd)

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
        with host_errors():
            os.symlink(target, name, dir_fd=self.dirfd())

    def mknod(self, name, mode, rdev=0):
        # Only FIFOs: a host FIFO marks the name (ls shows "p"); opening it never touches the
        # host object -- the kernel's named pipe serves it (kernel/pipe.py).
        _check_name(name)
        if not _stat.S_ISFIFO(mode):
            raise Errno(EPERM)
        with host_errors():
            os.mkfifo(name, 0o600, dir_fd=self.dirfd())
        self.lookup(name).chmod(mode)

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
                return host_stat(os.stat(self._fd))
            return host_stat(os.stat(self.name, dir_fd=self._pdir(), follow_symlinks=False))

    def readlink(self):
        if not self.is_link:
            raise Errno(EINVAL)
        with host_errors():
            return os.readlink(self.name, dir_fd=self._pdir())

    def open(self, flags):
        kind = _stat.S_IFMT(self.mode)
        if kind == _stat.S_IFLNK:
            raise Errno(ELOOP)
        if kind != _stat.S_IFREG:
            raise Errno(ENXIO, "host special file")
        hflags = (flags & O_ACCMODE) | (os.O_TRUNC if flags & O_TRUNC else 0)
        with host_errors():
            fd = os.open(self.name, hflags | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC,
                         dir_fd=self._pdir())
            if not _stat.S_ISREG(os.fstat(fd).st_mode):  # swapped under us: refuse
                os.close(fd)
                raise Errno(ENXIO)
        return HostFile(fd)

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
        self._with_pinned(lambda p: os.chmod(p, (mode & 0o7777) | keep))

    def truncate(self, size):
        if self.is_dir:
            raise Errno(EISDIR)
        if not _stat.S_ISREG(self.mode):
            raise Errno(EINVAL)
        with host_errors():
            fd = os.open(self.name, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self._pdir())
            try:
                os.ftruncate(fd, size)
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
    descriptors share it through this object, and O_APPEND is applied here, not by the host."""
    seekable = True

    def __init__(self, fd):
        super().__init__()
        self.fd = fd

    def pread(self, n, offset):
        with host_errors():
            return os.pread(self.fd, n, offset)

    def pwrite(self, data, offset):
        with host_errors():
            return os.pwrite(self.fd, data, offset)

    def write(self, data):
        if self.flags & O_APPEND:
            self.offset = self.size()
        return super().write(data)

    def stat(self):
        with host_errors():
            return host_stat(os.fstat(self.fd))

    def seek(self, offset, whence):
        if whence in (SEEK_DATA, SEEK_HOLE):
            with host_errors():
                self.offset = os.lseek(self.fd, offset, whence)
            return self.offset
        return super().seek(offset, whence)

    def truncate(self, size):
        with host_errors():
            os.ftruncate(self.fd, size)

    def fsync(self):
        with host_errors():
            os.fsync(self.fd)
        return 0

    def release(self):
        os.close(self.fd)
