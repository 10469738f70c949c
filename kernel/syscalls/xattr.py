"""Extended attributes (Linux fs/xattr.c): setxattr getxattr listxattr removexattr, each in its
path, l- (the link itself) and f- (descriptor) forms.

Namespaces as Linux checks them: user.* needs read (get, list) or write (set, remove) permission
and is refused on symlinks and special files (EPERM); trusted.* is root's only (others neither
see nor set it); security.* is readable by all, settable by root; system.* (ACLs): EOPNOTSUPP.
The file systems keep them (Inode.xattrs(): a dict, or None for "not supported"): tmpfs in
memory, hostfs in host user xattrs of its own (kernel/hostfs.py). devfs and procfs: EOPNOTSUPP.
"""
import os

from kernel import perm
from kernel.errno import E2BIG, EEXIST, EINVAL, ENODATA, EOPNOTSUPP, EPERM, ERANGE, Errno
from kernel.syscalls.fs import read_path, resolve
from kernel.uapi import AT_FDCWD, S_IFDIR, S_IFMT, S_IFREG

XATTR_CREATE, XATTR_REPLACE = 1, 2
XATTR_NAME_MAX, XATTR_SIZE_MAX, XATTR_LIST_MAX = 255, 65536, 65536


def _inode(t, where, follow):
    """(path pointer or fd, follow) -> the inode; an int `where` is a descriptor."""
    if isinstance(where, tuple):
        f = t.proc.fds.get(where[0])
        if f.loc is None:
            raise Errno(EOPNOTSUPP)
        return f.loc.inode
    return resolve(t, AT_FDCWD, read_path(t, where), follow).inode


def _name(t, ptr):
    name = os.fsdecode(t.proc.mm.read_cstr(ptr, XATTR_NAME_MAX + 1))
    if not name or len(os.fsencode(name)) > XATTR_NAME_MAX:
        raise Errno(ERANGE)
    return name


def _allowed(t, inode, name, write):
    """Linux's xattr_permission for one name."""
    cred, st = t.proc.creds, inode.getattr()
    ns = name.split(".", 1)[0]
    if ns == "trusted":
        if cred.euid != 0:
            raise Errno(EPERM if write else ENODATA)
    elif ns == "security":
        if write and cred.euid != 0:
            raise Errno(EPERM)
    elif ns == "user":
        if st.mode & S_IFMT not in (S_IFREG, S_IFDIR):
            raise Errno(EPERM if write else ENODATA)
        perm.check(cred, st, perm.MAY_WRITE if write else perm.MAY_READ)
    else:
        raise Errno(EOPNOTSUPP)         # system.* (POSIX ACLs) and unknown namespaces


def _store(inode):
    store = inode.xattrs()
    if store is None:
        raise Errno(EOPNOTSUPP)
    return store


def _set(t, where, follow, name, value, size, flags):
    inode = _inode(t, where, follow)
    name = _name(t, name)
    if flags & ~(XATTR_CREATE | XATTR_REPLACE) or size > XATTR_SIZE_MAX:
        raise Errno(EINVAL if size <= XATTR_SIZE_MAX else E2BIG)
    _allowed(t, inode, name, write=True)
    store = _store(inode)
    if flags & XATTR_CREATE and name in store:
        raise Errno(EEXIST)
    if flags & XATTR_REPLACE and name not in store:
        raise Errno(ENODATA)
    store[name] = t.proc.mm.read(value, size) if size else b""
    return 0


def _get(t, where, follow, name, value, size):
    inode = _inode(t, where, follow)
    name = _name(t, name)
    _allowed(t, inode, name, write=False)
    data = _store(inode).get(name)
    if data is None:
        raise Errno(ENODATA)
    if size:
        if len(data) > size:
            raise Errno(ERANGE)
        t.proc.mm.write(value, data)
    return len(data)


def _list(t, where, follow, buf, size):
    inode = _inode(t, where, follow)
    visible = []
    for name in sorted(_store(inode)):
        try:
            _allowed(t, inode, name, write=False)
            visible.append(os.fsencode(name) + b"\0")
        except Errno:
            pass
    data = b"".join(visible)
    if size:
        if len(data) > size:
            raise Errno(ERANGE)
        t.proc.mm.write(buf, data)
    return len(data)


def _remove(t, where, follow, name):
    inode = _inode(t, where, follow)
    name = _name(t, name)
    _allowed(t, inode, name, write=True)
    store = _store(inode)
    if name not in store:
        raise Errno(ENODATA)
    del store[name]
    return 0


SYSCALLS = {
    "setxattr": (lambda t, p, n, v, s, f: _set(t, p, True, n, v, s, f), "path str ptr size hex"),
    "lsetxattr": (lambda t, p, n, v, s, f: _set(t, p, False, n, v, s, f), "path str ptr size hex"),
    "fsetxattr": (lambda t, fd, n, v, s, f: _set(t, (fd,), True, n, v, s, f),
                  "fd str ptr size hex"),
    "getxattr": (lambda t, p, n, v, s: _get(t, p, True, n, v, s), "path str ptr size"),
    "lgetxattr": (lambda t, p, n, v, s: _get(t, p, False, n, v, s), "path str ptr size"),
    "fgetxattr": (lambda t, fd, n, v, s: _get(t, (fd,), True, n, v, s), "fd str ptr size"),
    "listxattr": (lambda t, p, b, s: _list(t, p, True, b, s), "path ptr size"),
    "llistxattr": (lambda t, p, b, s: _list(t, p, False, b, s), "path ptr size"),
    "flistxattr": (lambda t, fd, b, s: _list(t, (fd,), True, b, s), "fd ptr size"),
    "removexattr": (lambda t, p, n: _remove(t, p, True, n), "path str"),
    "lremovexattr": (lambda t, p, n: _remove(t, p, False, n), "path str"),
    "fremovexattr": (lambda t, fd, n: _remove(t, (fd,), True, n), "fd str"),
}
