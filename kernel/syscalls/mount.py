"""The file system tree: chroot, mount, umount2, unshare (Linux fs/namespace.c, fs/open.c
chroot, kernel/fork.c unshare).

Implemented:
  chroot   a process's "/" becomes a directory (root only): its walks, absolute symlinks, ".."
           and getcwd stay inside, as Linux's. Partial: a dynamic program's PT_INTERP is still
           read from the real root.
  mount    tmpfs (size=), proc, devtmpfs, ext2/ext3/ext4 read-only on a block device (a loop
           device: kernel/loop.py, kernel/ext2.py), MS_BIND of a directory, MS_MOVE, shared and
           private propagation (kernel/vfs.py MountTable); MS_REMOUNT is accepted and changes
           nothing. devpts shows the one instance /dev/ptmx opens again, with the options given
           (kernel/devpts.py; Linux would make a new instance).
           One mount table for all processes (one mount namespace).
  umount2  EBUSY while a process's cwd, root or an open file is below it (MNT_DETACH: at once)
  unshare  CLONE_FILES and CLONE_FS give the caller its own table / fs context; CLONE_SYSVSEM
           accepted; new namespaces: EINVAL (jitvm has one of each, as a kernel built without
           namespaces answers)
"""
import os

from kernel import perm
from kernel.devfs import block_device
from kernel.errno import EACCES, EBUSY, EINVAL, ENODEV, ENOTDIR, EPERM, EROFS, Errno
from kernel.ext2 import READABLE, Ext2FS
from kernel.process import unshare
from kernel.devpts import devpts_for_mount
from kernel.procfs import ProcFS
from kernel.syscalls.fs import read_path
from kernel.tmpfs import TmpFS
from kernel.vfs import FileSystem

MS_RDONLY, MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC = 1, 32, 4096, 8192, 16384
MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED = 1 << 17, 1 << 18, 1 << 19, 1 << 20
PROPAGATION = MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED
MNT_FORCE, MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW = 1, 2, 4, 8
CLONE_FS, CLONE_FILES, CLONE_SYSVSEM = 0x200, 0x400, 0x40000
CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x2000000, 0x4000000, 0x8000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME = 0x10000000, 0x20000000, 0x40000000, 0x80
NAMESPACES = (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
              | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)


def _root_only(t):
    if t.proc.creds.euid != 0:
        raise Errno(EPERM)


def _dir(t, path):
    fs = t.proc.fs
    loc = fs.walk(fs.cwd, path)
    if not loc.inode.is_dir:
        raise Errno(ENOTDIR)
    return loc


def sys_chroot(t, pathname):
    loc = _dir(t, read_path(t, pathname))
    perm.check(t.proc.creds, loc.inode.getattr(), perm.MAY_EXEC)
    _root_only(t)                       # CAP_SYS_CHROOT
    t.proc.fs.chroot = loc
    return 0


class BindMount(FileSystem):
    """A directory shown again at another place (mount --bind). `subdir`: that directory's path
    inside its file system (mountinfo's root field, "/" for a whole one)."""

    def __init__(self, loc, mounts):
        self.root, self.fs = loc.inode, loc.inode.fs
        self.fstype = self.fs.fstype
        at = mounts.mountpoint_of(loc.path)
        outer = getattr(mounts.at(at), "subdir", "/")        # a bind of a bind
        self.subdir = "/" + "/".join([*filter(None, outer.split("/")), *loc.path[len(at):]])

    def statfs(self):
        return self.fs.statfs()


def _new_fs(t, fstype, flags, source, data):
    if flags & MS_BIND:
        return BindMount(_dir(t, source), t.proc.fs.mounts)
    if fstype == "tmpfs":
        size = dict(o.partition("=")[::2] for o in data.split(",") if o).get("size")
        return TmpFS(_size(size)) if size else TmpFS()
    if fstype == "proc":
        return ProcFS(t.kernel)
    if fstype in READABLE:
        return _disk_fs(t, fstype, flags, source)
    if fstype == "devpts":
        return devpts_for_mount(t, data)
    devfs = t.proc.fs.mounts.at(("dev",))
    if fstype == "devtmpfs" and devfs is not None:
        return devfs                    # the one devtmpfs, shown again
    raise Errno(ENODEV)


def _disk_fs(t, fstype, flags, source):
    """ext2/3/4 on a block device (kernel/ext2.py), read-only: a read-write mount is EACCES on a
    read-only device (blkdev_get_by_path) and EROFS otherwise, as writing is not implemented --
    either way busybox's and util-linux's mount retry read-only."""
    fs = t.proc.fs
    dev = block_device(t, fs.walk(fs.cwd, source).inode)
    dev.settle()
    if not flags & MS_RDONLY and dev.read_only:
        raise Errno(EACCES)
    disk = Ext2FS(dev, fstype, log=lambda line: t.kernel.log(line, quiet=True))
    if not flags & MS_RDONLY:           # an image of another type was refused (EINVAL) above
        disk.log(f"{disk.name}: writing is not implemented; mount read-only")
        raise Errno(EROFS)
    disk.log(f"{disk.name}: mounted filesystem read-only")
    disk.source = source                # /proc/mounts names the device (umount -d finds it there)
    dev.hold(fs.mounts, disk)
    return disk


def _size(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    try:
        if text[-1:].lower() in units:
            return int(text[:-1]) * units[text[-1].lower()]
        return int(text)
    except ValueError:
        raise Errno(EINVAL) from None


def sys_mount(t, source, target, fstype, flags, data):
    _root_only(t)
    loc = _dir(t, read_path(t, target))
    mounts = t.proc.fs.mounts
    if flags & PROPAGATION:
        # Exactly one propagation type; a slave or unbindable mount is kept as a private one.
        kind = flags & PROPAGATION
        if kind & (kind - 1):
            raise Errno(EINVAL)
        mounts.set_propagation(loc.path, kind == MS_SHARED, flags & MS_REC)
        return 0
    if flags & MS_REMOUNT:
        return 0
    src = read_path(t, source) if source else ""
    if flags & MS_MOVE:
        old = _dir(t, src).path
        if not old or mounts.at(old) is None or loc.path[:len(old)] == old:
            raise Errno(EINVAL)         # not a mount point, or into itself
        mounts.move(old, loc.path)
        return 0
    kind = read_path(t, fstype) if fstype else ""
    options = os.fsdecode(t.proc.mm.read_cstr(data, 4096)) if data else ""
    group = None
    if flags & MS_BIND:                 # a bind of a shared mount is its peer
        group = mounts.group.get(mounts.mountpoint_of(_dir(t, src).path))
    mounts.mount(loc.path, _new_fs(t, kind, flags, src, options), group)
    return 0


def _busy(k, path):
    inside = lambda loc: loc is not None and loc.path[:len(path)] == path   # noqa: E731
    for p in k.processes.values():
        if p.fs is not None and (inside(p.fs.cwd) or inside(p.fs.chroot)):
            return True
        if p.fds is not None and any(inside(f.loc) for f in p.fds.files.values()):
            return True
    return False


def sys_umount2(t, target, flags):
    if flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW):
        raise Errno(EINVAL)
    _root_only(t)
    fs = t.proc.fs
    loc = fs.walk(fs.cwd, read_path(t, target), follow=not flags & UMOUNT_NOFOLLOW)
    mounts = fs.mounts
    if not loc.path or mounts.at(loc.path) is None:
        raise Errno(EINVAL)             # not a mount point (or the root)
    if not flags & MNT_DETACH and _busy(t.kernel, loc.path):
        raise Errno(EBUSY)
    mounts.unmount(loc.path)
    return 0


def sys_unshare(t, flags):
    if flags & NAMESPACES:
        raise Errno(EINVAL)
    p = t.proc
    if flags & CLONE_FILES and getattr(p.fds, "users", 1) > 1:
        fds = p.fds.clone()
        unshare(p.fds)
        p.fds = fds
    if flags & CLONE_FS:
        p.fs = p.fs.clone()
        p.fs.cred = p.creds
    return 0


SYSCALLS = {
    "chroot": (sys_chroot, "path"),
    "mount": (sys_mount, "path path path hex ptr"),
    "umount2": (sys_umount2, "path hex"),
    "unshare": (sys_unshare, "hex"),
}
