"""File system calls that take a path (Linux fs/namei.c, fs/open.c, fs/stat.c semantics).

Implemented:
  openat       O_CREAT/O_EXCL/O_TRUNC/O_APPEND/O_DIRECTORY/O_NOFOLLOW/O_CLOEXEC/O_NONBLOCK/O_PATH;
               the new file's mode is mode & ~umask; O_CREAT follows a dangling symlink
  readlinkat   faccessat, faccessat2 (by the real ids unless AT_EACCESS)
  getcwd       chdir, fchdir
  mkdirat      unlinkat (AT_REMOVEDIR), renameat, renameat2 (flags 0 and RENAME_NOREPLACE)
  symlinkat    linkat (AT_SYMLINK_FOLLOW, AT_EMPTY_PATH; both names resolved inside the root)
  mknodat      S_IFREG, S_IFIFO (a named pipe: kernel/pipe.py), device nodes and sockets (root
               only; they open with ENXIO: the guest's devices come from devfs)
  fchmodat     fchownat (owners and modes are kept by each file system: kernel/hostfs.py)
Permissions are Linux's (kernel/perm.py): search on every directory walked, read/write on open,
write+search on the directory to create or remove a name, the sticky bit, owner-only chmod.
  utimensat    UTIME_NOW/UTIME_OMIT, NULL path = the dirfd itself (futimens)
  truncate     newfstatat, statx (AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW; statx fills the basic stats)
  statfs
Stubs:
  sync         -> 0 (host writes are already in the host's page cache)
Not here: umask (task family), RENAME_EXCHANGE/RENAME_WHITEOUT (-> EINVAL), O_TMPFILE (EOPNOTSUPP).
"""
import os
import time

from kernel import perm
from kernel.errno import (EACCES, EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, ENAMETOOLONG,
                          ENOENT, ENOTDIR, ENOTEMPTY, EOPNOTSUPP, EPERM, ERANGE, EXDEV, Errno)
from kernel.uapi import (AT_EACCESS, AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_REMOVEDIR,
                         AT_STATX_SYNC_TYPE, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, O_CLOEXEC,
                         O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_TMPFILE,
                         RENAME_NOREPLACE, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT,
                         S_IFREG,
                         S_IFSOCK, STATX__RESERVED, UTIME_NOW, UTIME_OMIT, X_OK,
                         as_int, open_flags_in, pack_stat, pack_statfs, pack_statx, read_times,
                         time_size)
from kernel.vfs import MAXSYMLINKS, PATH_MAX, Location

U32 = 0xFFFFFFFF


# ---- helpers shared with fd.py -----------------------------------------------------------------
def read_path(t, ptr):
    """A guest path as str (bytes that are not UTF-8 survive via surrogateescape, as in os)."""
    return os.fsdecode(t.proc.mm.read_cstr(ptr, PATH_MAX))


def fd_location(t, dirfd):
    """The Location a dirfd stands for (AT_FDCWD: the cwd). Pipes and host streams have none."""
    if as_int(dirfd) == AT_FDCWD:
        return t.proc.fs.cwd
    f = t.proc.fds.get(dirfd)
    if f.loc is None:
        raise Errno(ENOTDIR)
    return f.loc


def start_of(t, dirfd, path):
    """Where a path walk starts. Like Linux, dirfd is only looked at for a relative path."""
    return t.proc.fs.root if path.startswith("/") else fd_location(t, dirfd)


def resolve(t, dirfd, path, follow=True, flags=0):
    """(dirfd, path, AT_* flags) -> Location, honouring AT_EMPTY_PATH."""
    if not path and flags & AT_EMPTY_PATH:
        return fd_location(t, dirfd)
    return t.proc.fs.walk(start_of(t, dirfd, path), path, follow)


def stat_at(t, dirfd, pathname, flags):
    """What fstatat/statx describe; AT_EMPTY_PATH on a pipe or host stream asks the File."""
    path = read_path(t, pathname)
    if not path and flags & AT_EMPTY_PATH and as_int(dirfd) != AT_FDCWD:
        return t.proc.fds.get(dirfd).stat()
    return resolve(t, dirfd, path, not flags & AT_SYMLINK_NOFOLLOW, flags).inode.getattr()


def _exists(fs, d, name):
    try:
        fs.step(d, name)
        return True
    except Errno as e:
        if e.errno != ENOENT:
            raise
        return False


def _parent(t, dirfd, pathname):
    path = read_path(t, pathname)
    return t.proc.fs.walk_parent(start_of(t, dirfd, path), path)


def _may_create(t, d, mode):
    """Write and search permission on directory Location d; -> (uid, gid, mode) the new file
    gets (perm.new_owner)."""
    cred = t.proc.creds
    dst = d.inode.getattr()
    perm.check(cred, dst, perm.MAY_WRITE | perm.MAY_EXEC)
    return perm.new_owner(cred, dst, mode)


def _own(inode, uid, gid):
    """Give a file just made its owner (file systems make files owned by root)."""
    if (uid, gid) != (0, 0):
        inode.chown(uid, gid)
    return inode


def _may_delete(t, d, name):
    perm.may_delete(t.proc.creds, d.inode.getattr(), t.proc.fs.step(d, name).inode.getattr())


# ---- open --------------------------------------------------------------------------------------
def sys_openat(t, dirfd, pathname, flags, mode):
    flags = open_flags_in(t.kernel.abi, flags & U32)
    path = read_path(t, pathname)
    fs = t.proc.fs
    if flags & O_TMPFILE == O_TMPFILE:
        raise Errno(EOPNOTSUPP)
    if flags & O_PATH:      # O_PATH ignores every flag but these (fs/open.c build_open_flags)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    if flags & O_CREAT and flags & O_DIRECTORY:
        raise Errno(EINVAL)
    start = start_of(t, dirfd, path)
    if flags & O_CREAT:
        loc = _open_create(t, start, path, flags, mode & ~t.proc.umask & 0o7777)
    else:
        loc = fs.walk(start, path, follow=not flags & O_NOFOLLOW)
    if loc.inode.is_link and not flags & O_PATH:
        raise Errno(ELOOP)      # O_NOFOLLOW met a symlink
    if flags & O_DIRECTORY and not loc.inode.is_dir:
        raise Errno(ENOTDIR)
    f = fs.open_location(loc, flags, t)     # a FIFO may block here until its other end opens
    return t.proc.fds.install(f, cloexec=bool(flags & O_CLOEXEC))


def _open_create(t, start, path, flags, mode):
    """O_CREAT: find or create the last name. A symlink there is followed (unless O_EXCL or
    O_NOFOLLOW), and if it dangles, its target is created -- Linux does the same."""
    fs = t.proc.fs
    for _ in range(MAXSYMLINKS + 1):
        d, name, trailing = fs.walk_parent(start, path)
        if name in ("", ".", "..") or trailing:
            raise Errno(EISDIR)
        try:
            loc = fs.step(d, name)
        except Errno as e:
            if e.errno != ENOENT:
                raise
            uid, gid, mode = _may_create(t, d, mode)
            return Location(d.path + (name,), _own(d.inode.create(name, mode), uid, gid))
        if flags & O_EXCL:
            raise Errno(EEXIST)
        if not loc.inode.is_link or flags & O_NOFOLLOW:
            if loc.inode.is_dir:
                raise Errno(EISDIR)
            return loc
        magic = loc.inode.follow()
        if magic is not None:
            return magic
        start, path = d, loc.inode.readlink()
    raise Errno(ELOOP)


# ---- names -------------------------------------------------------------------------------------
def sys_readlinkat(t, dirfd, pathname, buf, bufsiz):
    bufsiz = as_int(bufsiz)
    if bufsiz <= 0:
        raise Errno(EINVAL)
    loc = resolve(t, dirfd, read_path(t, pathname), follow=False, flags=AT_EMPTY_PATH)
    if not loc.inode.is_link:
        raise Errno(EINVAL)
    target = os.fsencode(loc.inode.readlink())[:bufsiz]
    t.proc.mm.write(buf, target)
    return len(target)


def sys_faccessat2(t, dirfd, pathname, mode, flags):
    if mode & ~7 or flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH):
        raise Errno(EINVAL)
    loc = resolve(t, dirfd, read_path(t, pathname), not flags & AT_SYMLINK_NOFOLLOW, flags)
    if mode and not perm.allowed(t.proc.creds, loc.inode.getattr(), mode,
                                 real=not flags & AT_EACCESS):
        raise Errno(EACCES)     # (R_OK, W_OK, X_OK are MAY_READ, MAY_WRITE, MAY_EXEC)
    return 0


def sys_faccessat(t, dirfd, pathname, mode):
    return sys_faccessat2(t, dirfd, pathname, mode, 0)


def sys_getcwd(t, buf, size):
    fs = t.proc.fs
    path = os.fsencode(fs.shown(fs.fresh(fs.cwd))) + b"\0"
    if len(path) > PATH_MAX:
        raise Errno(ENAMETOOLONG)       # Linux's d_path gives up past a page
    if len(path) > size & (2**64 - 1):
        raise Errno(ERANGE)
    t.proc.mm.write(buf, path)
    return len(path)


def sys_chdir(t, pathname):
    path = read_path(t, pathname)
    loc = t.proc.fs.walk(t.proc.fs.cwd, path)
    if loc.inode.is_dir:
        perm.check(t.proc.creds, loc.inode.getattr(), perm.MAY_EXEC)
    t.proc.fs.chdir(loc)
    return 0


def sys_fchdir(t, fd):
    t.proc.fs.chdir(fd_location(t, fd))
    return 0


def sys_mkdirat(t, dirfd, pathname, mode):
    d, name, _ = _parent(t, dirfd, pathname)
    if name in ("", ".", "..") or t.proc.fs.mounts.at(d.path + (name,)):
        raise Errno(EEXIST)
    uid, gid, mode = _may_create(t, d, S_IFDIR | (mode & ~t.proc.umask & 0o7777))
    d.inode.mkdir(name, mode & 0o7777)
    _own(d.inode.lookup(name), uid, gid)
    return 0


def sys_unlinkat(t, dirfd, pathname, flags):
    if flags & ~AT_REMOVEDIR:
        raise Errno(EINVAL)
    d, name, trailing = _parent(t, dirfd, pathname)
    mounted = t.proc.fs.mounts.at(d.path + (name,)) is not None
    if flags & AT_REMOVEDIR:
        if name == ".":
            raise Errno(EINVAL)
        if name == "..":
            raise Errno(ENOTEMPTY)
        if name == "" or mounted:
            raise Errno(EBUSY)
        _may_delete(t, d, name)
        d.inode.rmdir(name)
        return 0
    if name in ("", ".", "..") or mounted:
        raise Errno(EISDIR)
    if trailing:    # "file/" names a directory that is not there
        raise Errno(EISDIR if t.proc.fs.step(d, name).inode.is_dir else ENOTDIR)
    _may_delete(t, d, name)
    d.inode.unlink(name)
    return 0


def sys_renameat2(t, olddirfd, oldpath, newdirfd, newpath, flags):
    if flags & ~RENAME_NOREPLACE:
        raise Errno(EINVAL)
    fs = t.proc.fs
    od, oname, otrail = _parent(t, olddirfd, oldpath)
    nd, nname, ntrail = _parent(t, newdirfd, newpath)
    for d, name in ((od, oname), (nd, nname)):
        if name in ("", ".", "..") or fs.mounts.at(d.path + (name,)):
            raise Errno(EBUSY)
    if od.inode.fs is not nd.inode.fs:
        raise Errno(EXDEV)
    src = fs.step(od, oname)
    if (otrail or ntrail) and not src.inode.is_dir:
        raise Errno(ENOTDIR)
    cred = t.proc.creds
    _may_delete(t, od, oname)
    if _exists(fs, nd, nname):
        _may_delete(t, nd, nname)
    else:
        perm.check(cred, nd.inode.getattr(), perm.MAY_WRITE | perm.MAY_EXEC)
    if src.inode.is_dir and od.path != nd.path:
        perm.check(cred, src.inode.getattr(), perm.MAY_WRITE)    # its ".." changes
    od.inode.rename(oname, nd.inode, nname, noreplace=bool(flags & RENAME_NOREPLACE))
    return 0


def sys_renameat(t, olddirfd, oldpath, newdirfd, newpath):
    return sys_renameat2(t, olddirfd, oldpath, newdirfd, newpath, 0)


def sys_symlinkat(t, target, newdirfd, linkpath):
    text = read_path(t, target)
    if not text:
        raise Errno(ENOENT)
    d, name, trailing = _parent(t, newdirfd, linkpath)
    if name in ("", ".", "..") or trailing or t.proc.fs.mounts.at(d.path + (name,)):
        raise Errno(EEXIST)
    uid, gid, _ = _may_create(t, d, S_IFLNK | 0o777)
    d.inode.symlink(name, text)
    _own(d.inode.lookup(name), uid, gid)
    return 0


def sys_mknodat(t, dirfd, pathname, mode, dev):
    make_node(t, dirfd, read_path(t, pathname), mode, dev)
    return 0


def make_node(t, dirfd, path, mode, dev=0):
    """mknodat with a path already read (a unix socket's bind makes its inode here): the new
    Inode. `mode` is before the umask."""
    kind = mode & S_IFMT
    if kind not in (0, S_IFREG, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK):
        raise Errno(EPERM if kind == S_IFDIR else EINVAL)
    d, name, trailing = t.proc.fs.walk_parent(start_of(t, dirfd, path), path)
    if name in ("", ".", "..") or trailing or _exists(t.proc.fs, d, name):
        raise Errno(EEXIST)
    if kind not in (0, S_IFREG, S_IFIFO, S_IFSOCK) and t.proc.creds.euid != 0:
        raise Errno(EPERM)          # device nodes need CAP_MKNOD
    uid, gid, mode = _may_create(t, d, (kind or S_IFREG) | (mode & ~t.proc.umask & 0o7777))
    if kind in (0, S_IFREG):
        inode = d.inode.create(name, mode & 0o7777)
    else:
        d.inode.mknod(name, mode, dev)
        inode = d.inode.lookup(name)
    return _own(inode, uid, gid)


def sys_linkat(t, olddirfd, oldpath, newdirfd, newpath, flags):
    if flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH):
        raise Errno(EINVAL)
    fs = t.proc.fs
    src = resolve(t, olddirfd, read_path(t, oldpath), bool(flags & AT_SYMLINK_FOLLOW), flags)
    if src.inode.is_dir:
        raise Errno(EPERM)
    d, name, trailing = _parent(t, newdirfd, newpath)
    if name in ("", ".", "..") or _exists(fs, d, name):
        raise Errno(EEXIST)
    if trailing:
        raise Errno(ENOENT)
    if d.inode.fs is not src.inode.fs:
        raise Errno(EXDEV)
    perm.check(t.proc.creds, d.inode.getattr(), perm.MAY_WRITE | perm.MAY_EXEC)
    d.inode.link(name, src.inode)
    return 0


# ---- attributes --------------------------------------------------------------------------------
def chmod(t, inode, mode):
    """chmod and fchmod: the owner or root; S_ISGID dropped as perm.chmod_mode says."""
    inode.chmod(perm.chmod_mode(t.proc.creds, inode.getattr(), mode & 0o7777))
    return 0


def chown(t, inode, owner, group):
    """chown, fchown, lchown (-1 keeps an id). Changing either id of a non-directory clears
    S_ISUID, and S_ISGID if group-executable -- for root too, as Linux since 2.2.13."""
    uid, gid = as_int(owner & U32), as_int(group & U32)
    uid, gid = (-1 if uid in (-1, U32) else uid), (-1 if gid in (-1, U32) else gid)
    st = inode.getattr()
    perm.check_chown(t.proc.creds, st, uid, gid)
    if uid == gid == -1:
        return 0
    inode.chown(uid, gid)
    if not inode.is_dir and not inode.is_link and st.mode & (perm.S_ISUID | perm.S_ISGID):
        cleared = st.mode & ~perm.S_ISUID
        if st.mode & 0o010:
            cleared &= ~perm.S_ISGID
        if cleared != st.mode:
            inode.chmod(cleared & 0o7777)
    return 0


def sys_fchmodat(t, dirfd, pathname, mode):
    return chmod(t, resolve(t, dirfd, read_path(t, pathname)).inode, mode)


def sys_fchownat(t, dirfd, pathname, owner, group, flags):
    if flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH):
        raise Errno(EINVAL)
    loc = resolve(t, dirfd, read_path(t, pathname), not flags & AT_SYMLINK_NOFOLLOW, flags)
    return chown(t, loc.inode, owner, group)


def _times(t, ptr):
    """utimensat's timespec[2] -> (atime_ns | None, mtime_ns | None); None = leave alone."""
    now = time.time_ns()
    if not ptr:
        return now, now
    out = []
    for i in range(2):
        sec, nsec = read_times(t, ptr + time_size(t) * i)
        if nsec == UTIME_NOW:
            out.append(now)
        elif nsec == UTIME_OMIT:
            out.append(None)
        elif not 0 <= nsec < 10**9:
            raise Errno(EINVAL)
        else:
            out.append(sec * 10**9 + nsec)
    return tuple(out)


def sys_utimensat(t, dirfd, pathname, times, flags):
    if flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH):
        raise Errno(EINVAL)
    atime, mtime = _times(t, times)
    if atime is None and mtime is None:
        return 0
    if not pathname:            # utimensat(fd, NULL, ...) is futimens(fd)
        if as_int(dirfd) == AT_FDCWD:
            raise Errno(EFAULT)
        f = t.proc.fds.get(dirfd)
        if f.loc is None:
            return 0
        loc = f.loc
    else:
        loc = resolve(t, dirfd, read_path(t, pathname), not flags & AT_SYMLINK_NOFOLLOW, flags)
    st = loc.inode.getattr()
    if not perm.is_owner(t.proc.creds, st):
        # to "now" needs write permission; to a time of one's choosing, ownership
        if not times or _all_now(t, times):
            perm.check(t.proc.creds, st, perm.MAY_WRITE)
        else:
            raise Errno(EPERM)
    loc.inode.set_times(atime, mtime)
    return 0


def _all_now(t, ptr):
    return all(read_times(t, ptr + time_size(t) * i)[1] in (UTIME_NOW, UTIME_OMIT)
               for i in range(2))


def sys_truncate(t, pathname, length):
    if length < 0:
        raise Errno(EINVAL)
    loc = t.proc.fs.walk(t.proc.fs.cwd, read_path(t, pathname))
    if loc.inode.is_dir:
        raise Errno(EISDIR)
    perm.check(t.proc.creds, loc.inode.getattr(), perm.MAY_WRITE)
    loc.inode.truncate(length)
    return 0


_STAT_FLAGS = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT


def sys_newfstatat(t, dirfd, pathname, statbuf, flags):
    if flags & ~_STAT_FLAGS:
        raise Errno(EINVAL)
    t.proc.mm.write(statbuf, pack_stat(stat_at(t, dirfd, pathname, flags)))
    return 0


def sys_statx(t, dirfd, pathname, flags, mask, buf):
    if flags & ~(_STAT_FLAGS | AT_STATX_SYNC_TYPE) or flags & AT_STATX_SYNC_TYPE == \
            AT_STATX_SYNC_TYPE or mask & STATX__RESERVED:
        raise Errno(EINVAL)
    t.proc.mm.write(buf, pack_statx(stat_at(t, dirfd, pathname, flags)))
    return 0


def statfs_info(t, pathname):
    """What statfs reports for the file system holding pathname (pack_statfs's arguments)."""
    return t.proc.fs.walk(t.proc.fs.cwd, read_path(t, pathname)).inode.fs.statfs()


def sys_statfs(t, pathname, buf):
    t.proc.mm.write(buf, pack_statfs(**statfs_info(t, pathname)))
    return 0


def sys_sync(t):
    return 0


SYSCALLS = {
    "openat": (sys_openat, "dirfd path oflags mode"),
    "readlinkat": (sys_readlinkat, "dirfd path ptr size"),
    "faccessat": (sys_faccessat, "dirfd path int"),
    "faccessat2": (sys_faccessat2, "dirfd path int atflags"),
    "getcwd": (sys_getcwd, "ptr size"),
    "chdir": (sys_chdir, "path"),
    "fchdir": (sys_fchdir, "fd"),
    "mkdirat": (sys_mkdirat, "dirfd path mode"),
    "unlinkat": (sys_unlinkat, "dirfd path atflags"),
    "renameat": (sys_renameat, "dirfd path dirfd path"),
    "renameat2": (sys_renameat2, "dirfd path dirfd path uint"),
    "symlinkat": (sys_symlinkat, "str dirfd path"),
    "mknodat": (sys_mknodat, "dirfd path mode hex"),
    "linkat": (sys_linkat, "dirfd path dirfd path atflags"),
    "fchmodat": (sys_fchmodat, "dirfd path mode"),
    "fchownat": (sys_fchownat, "dirfd path int int atflags"),
    "utimensat": (sys_utimensat, "dirfd path ptr atflags"),
    "truncate": (sys_truncate, "path int"),
    "newfstatat": (sys_newfstatat, "dirfd path ptr atflags"),
    "statx": (sys_statx, "dirfd path atflags hex ptr"),
    "statfs": (sys_statfs, "path ptr"),
    "sync": (sys_sync, ""),
}
