"""The virtual file system: inodes, open files, mounts and path resolution.

Three nouns, as in xv6/Linux:
  Inode     one file in some FileSystem. Directory operations (lookup, create, mkdir, unlink, ...)
            are methods of the directory inode; the defaults refuse, so a small file system
            (devfs, procfs, tmpfs) only overrides what it supports.
  File      an open file description: what open() creates and dup()/fork() share -- the offset and
            the status flags. It is reference-counted (get/put) so pipes can see their last close.
  Location  where a path led: the canonical guest path (a tuple of names, no symlinks, no "..")
            and the inode there. Because the walk below resolves every component itself, the
            canonical path is always known: getcwd, ".." and /proc/self/fd readlink use it.

FsContext (per process: cwd, plus the shared MountTable) walks paths component by component.
The host never resolves a guest ".." or symlink: ".." at the root stays at the root, absolute
symlink targets restart at the guest root, and more than MAXSYMLINKS links fail with ELOOP.
hostfs keeps the walk confined on the host side too (see kernel/hostfs.py).

Plugging in a file system (procfs, tmpfs): subclass FileSystem (give it `root`, `statfs()`) and
Inode (`mode`, `ino`, `getattr()`, and for directories `lookup(name)` + `readdir()`), then
`mounts.mount("/proc", ProcFS(...))`. Regular files return a File subclass from `open(flags)`;
directories get the generic DirFile. A "magic" link (/proc/<pid>/fd/N) overrides `follow()` to
return the Location it points at instead of link text.

What the rest of the kernel calls:
    root = make_root("/path/to/rootfs")     # kernel/namespace.py: hostfs at /, devfs at /dev
    root.mount("/proc", ProcFS(...))        # more file systems plug in the same way
    data = root.read_file("/lib/ld.so")     # whole file by absolute guest path
    fs = FsContext(root)                    # per process, cwd /; FsContext(HostFS(dir)) works too
                                            # (a namespace of that one file system)
    fs.chdir("/home")                       # a str or a Location
    child_fs = fs.clone()                   # fork: own cwd, same mount table
    f = fs.open("/bin/busybox")             # a File: pread(size, offset), stat(), put() when done
    fds = FdTable.with_stdio()              # kernel/fdtable.py: fds 0,1,2 over host fds 0,1,2
    child_fds = fds.clone(); fds.close_on_exec(); fds.close_all()
"""
import contextlib
import os
import termios
from dataclasses import dataclass

from kernel import perm
from kernel.errno import (EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTTY,
                          EPERM, EROFS, ESPIPE, Errno)
from kernel.uapi import (O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOCTTY, O_PATH,
                         O_RDONLY, O_TRUNC, O_WRONLY, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM,
                         S_IFDIR, S_IFLNK, S_IFMT, SEEK_CUR, SEEK_END, SEEK_SET, Stat, dtype,
                         pack_dirent64)

MAXSYMLINKS = 40        # Linux's limit on links followed in one walk (include/linux/namei.h)
# How the files of a special type open, whatever file system they live in -- registered by the
# modules built on this one (kernel/pipe.py: FIFOs, the kernel's named pipes), as Linux's
# init_special_inode hands a FIFO to pipefifo_fops.
SPECIAL_OPENERS = {}
PATH_MAX = 4096
NAME_MAX = 255


@contextlib.contextmanager
def host_errors():
    """Turn a host OSError into the guest's Errno (host and guest share the asm-generic numbers on
    x86_64/aarch64/riscv64 hosts). Every host call goes through this: never a traceback."""
    try:
        yield
    except OSError as e:
        raise Errno(e.errno or EINVAL, str(e)) from None
    except termios.error as e:      # not an OSError subclass; args are (errno, message)
        raise Errno(e.args[0] if e.args and isinstance(e.args[0], int) else EINVAL) from None


# ---- inodes and file systems -------------------------------------------------------------------
class FileSystem:
    fstype = "none"     # shown in /proc/mounts
    root = None         # the root directory Inode
    source = None       # /proc/mounts' source field when it is not the type's usual one (a device)
    readonly = False    # mounted read-only: /proc/mounts says "ro"

    def statfs(self):
        """-> dict for uapi.pack_statfs."""
        raise Errno(EINVAL)


class Inode:
    """One file. `mode` (S_IF* type and permissions) and `ino` are known from lookup time."""
    fs = None
    mode = 0
    ino = 0

    @property
    def is_dir(self):
        return self.mode & S_IFMT == S_IFDIR

    @property
    def is_link(self):
        return self.mode & S_IFMT == S_IFLNK

    def getattr(self) -> Stat:
        return Stat(ino=self.ino, mode=self.mode)

    # directory operations ---------------------------------------------------------------------
    def lookup(self, name):
        raise Errno(ENOTDIR)

    def readdir(self):
        """-> iterable of (name, ino, d_type), without "." and ".."."""
        raise Errno(ENOTDIR)

    def create(self, name, mode):
        """Create a regular file; EEXIST if the name exists. Returns its Inode."""
        raise Errno(EROFS)

    def mkdir(self, name, mode):
        raise Errno(EROFS)

    def symlink(self, name, target):
        raise Errno(EROFS)

    def mknod(self, name, mode, rdev=0):
        """Create a special file (mknodat): a FIFO, socket or device node of number rdev."""
        raise Errno(EPERM)

    def link(self, name, inode):
        raise Errno(EPERM)

    def unlink(self, name):
        raise Errno(EROFS)

    def rmdir(self, name):
        raise Errno(EROFS)

    def rename(self, name, newdir, newname, noreplace=False):
        raise Errno(EROFS)

    # operations on the file itself -------------------------------------------------------------
    def readlink(self):
        raise Errno(EINVAL)

    def follow(self):
        """A magic link returns the Location it points at; None means: use readlink()."""
        return None

    def where(self):
        """A directory's names from its file system's root as they are now -- after renames of
        it or its parents -- or None if unknown or removed (FsContext.fresh)."""
        return None

    def open(self, flags):
        """-> File for a non-directory (directories are opened as DirFile by FsContext)."""
        raise Errno(EINVAL)

    def chmod(self, mode):
        raise Errno(EPERM)

    def chown(self, uid, gid):
        """-1 leaves an id unchanged. The callers have checked perm.check_chown."""
        raise Errno(EPERM)

    def xattrs(self):
        """The file's extended attributes as a mutable mapping name -> bytes, or None if this
        file system has none (kernel/syscalls/xattr.py checks names and permissions)."""
        return None

    def truncate(self, size):
        raise Errno(EINVAL)

    def set_times(self, atime_ns, mtime_ns):
        """None leaves a time unchanged (UTIME_OMIT)."""
        raise Errno(EPERM)


# ---- open file descriptions --------------------------------------------------------------------
class File:
    """An open file description. Subclasses override pread/pwrite (seekable files) or read/write
    (streams). `flags` holds the access mode and status flags (O_APPEND, O_NONBLOCK, ...)."""
    seekable = False
    reopen_by_fd = False        # /proc/<pid>/fd/N reopens this object (reopen()), not its path

    def __init__(self, flags=O_RDONLY, loc=None):
        self.flags = flags
        self.loc = loc              # Location it was opened at, or None (pipes, host stdio)
        self.offset = 0
        self.refs = 1               # fd table entries + other holders; see get/put

    @property
    def path(self):
        return self.loc.pathname if self.loc else ""

    @property
    def readable(self):
        return not self.flags & O_PATH and self.flags & O_ACCMODE != O_WRONLY

    @property
    def writable(self):
        return not self.flags & O_PATH and self.flags & O_ACCMODE != O_RDONLY

    def get(self):
        self.refs += 1
        return self

    def read_all(self):
        """The whole contents, from offset 0 (for exec and the ELF loader)."""
        chunks, off = [], 0
        while chunk := self.pread(1 << 20, off):
            chunks.append(chunk)
            off += len(chunk)
        return b"".join(chunks)

    def put(self):
        self.refs -= 1
        if self.refs == 0:
            self.release()

    def release(self):
        """Last reference gone: close host resources, wake the other end of a pipe, ..."""

    def stat(self) -> Stat:
        return self.loc.inode.getattr() if self.loc else Stat()

    def identity(self):
        """(st_dev, st_ino): what record locks and the shared-mapping page cache key files by."""
        st = self.stat()
        return (st.dev, st.ino)

    def read(self, n):
        data = self.pread(n, self.offset)
        self.offset += len(data)
        return data

    def write(self, data):
        n = self.pwrite(data, self.offset)
        self.offset += n
        return n

    def pread(self, n, offset):
        raise Errno(ESPIPE)

    def pwrite(self, data, offset):
        raise Errno(ESPIPE)

    def size(self):
        return self.stat().size

    def seek(self, offset, whence):
        if not self.seekable:
            raise Errno(ESPIPE)
        base = {SEEK_SET: 0, SEEK_CUR: self.offset}.get(whence)
        if base is None:
            base = self.size() if whence == SEEK_END else None
        if base is None or base + offset < 0:
            raise Errno(EINVAL)
        self.offset = base + offset
        return self.offset

    def getdents(self, count):
        raise Errno(ENOTDIR)

    # Calls made on behalf of a thread. A stream that may block (pipes, terminals) overrides these
    # to raise sched.WouldBlock, keep partial progress in t.restart, or signal t (SIGPIPE, SIGTTIN).
    def read_for(self, t, n):
        return self.read(n)

    def room_for(self, t):
        """How many bytes a write would take now without blocking, waiting (WouldBlock) while
        that is none; None: no limit known (sendfile takes no more than this from a stream)."""
        return None

    def write_for(self, t, data):
        return self.write(data)

    # Readiness (poll, select, epoll; kernel/poll.py). poll_mask() -> POLLIN/POLLOUT/POLLHUP/POLLERR
    # bits that hold now; wait_queues() -> the WaitQueues woken when they may change, or None if
    # nothing will wake a poller (a host fd: the poller then looks again after a short while).
    # poll_gen counts state changes, so edge-triggered epoll can see "new data" on a file that
    # was already readable. Regular files are always ready, as on Linux.
    poll_gen = 0

    def poll_mask(self):
        return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM     # DEFAULT_POLLMASK, whatever the mode

    def wait_queues(self):
        return ()

    def ioctl(self, t, request, arg):
        raise Errno(ENOTTY)

    def truncate(self, size):
        raise Errno(EINVAL)

    def fsync(self):
        return 0

    def isatty(self):
        return False


class PathFile(File):
    """O_PATH: a handle on a location that can be a dirfd, fstat'ed, fchdir'ed and closed."""


class DirFile(File):
    """An open directory. The listing is snapshotted when the offset is 0 (opendir/rewinddir) so
    that d_off values stay stable across getdents64 calls; d_off of an entry is its index + 1."""
    seekable = True

    def __init__(self, flags, loc, extra=(), parent_ino=0):
        super().__init__(flags, loc)
        self.extra, self.parent_ino, self.entries = extra, parent_ino, None

    def read(self, n):
        raise Errno(EISDIR)

    def pread(self, n, offset):
        raise Errno(EISDIR)

    def size(self):
        raise Errno(EINVAL)     # SEEK_END on a directory

    def getdents(self, count):
        if self.entries is None or self.offset == 0:
            inode = self.loc.inode
            self.entries = [(".", inode.ino, dtype(S_IFDIR)),
                            ("..", self.parent_ino or inode.ino, dtype(S_IFDIR))]
            # Mountpoints are listed with the mounted root's inode, whether or not the directory
            # below exists (the rootfs need not have /dev).
            mounted = {e[0]: e for e in self.extra}
            self.entries += [mounted.pop(e[0], e) for e in inode.readdir()]
            self.entries += mounted.values()
        out = bytearray()
        while self.offset < len(self.entries):
            name, ino, dt = self.entries[self.offset]
            rec = pack_dirent64(ino, self.offset + 1, dt, os.fsencode(name))
            if len(out) + len(rec) > count:
                if not out:
                    raise Errno(EINVAL)     # the buffer cannot hold even one entry
                break
            out += rec
            self.offset += 1
        return bytes(out)


# ---- mounts and path resolution ----------------------------------------------------------------
@dataclass(frozen=True)
class Location:
    path: tuple         # canonical guest path components
    inode: Inode

    @property
    def pathname(self):
        return "/" + "/".join(self.path)


class MountTable:
    """Guest path (tuple of names) -> FileSystem. Shared by all processes (one mount namespace).

    A mount over a place that already shows mounts hides them (they come back when it is
    unmounted), as Linux stacks mounts. Shared mounts (mount --make-shared, Linux's
    Documentation/filesystems/sharedsubtree.rst) are kept as peer groups: a mount made inside one
    member is made at the same place inside every peer, and a bind of a shared mount joins its
    group. Partial: unmounts do not propagate, and a slave mount is kept as a private one."""

    def __init__(self, rootfs):
        self.fs = {(): rootfs}
        self.group = {}         # path -> peer group number, for shared mounts
        self.hidden = {}        # path -> [({path: fs}, {path: group}) a mount there covered]
        self.groups = 0
        # path -> mount ID (/proc/<pid>/mountinfo): numbered as mounts are made, kept while the
        # mount exists (moved with it, put aside with it while covered: hidden_ids, in step
        # with hidden).
        self.ids = {(): 1}
        self.hidden_ids = {}    # path -> [{path: id}]
        self.last_id = 1

    def _below(self, path):
        return [p for p in self.fs if p[:len(path)] == path]

    def mount(self, path, fs, group=None, propagate=True):
        """Mount `fs` at canonical `path` (a tuple or a "/a/b" string); `group`: the peer group it
        joins (a bind of a shared mount). Mounts at the same place in the parent mount's peers
        follow."""
        if isinstance(path, str):
            path = tuple(p for p in path.split("/") if p)
        parent = self.mountpoint_of(path)
        peers = [q for q, g in self.group.items()
                 if propagate and q != parent and g == self.group.get(parent)]
        if propagate and parent in self.group and group is None:
            self.groups += 1            # a mount on a shared mount is shared, its copies peers
            group = self.groups
        covered = self._below(path)
        if covered:
            self.hidden.setdefault(path, []).append(
                ({p: self.fs.pop(p) for p in covered},
                 {p: self.group.pop(p) for p in covered if p in self.group}))
            self.hidden_ids.setdefault(path, []).append({p: self.ids.pop(p) for p in covered})
        self.fs[path] = fs
        self.last_id += 1
        self.ids[path] = self.last_id
        if group is not None:
            self.group[path] = group
        for q in peers:
            self.mount(q + path[len(parent):], fs, group, propagate=False)

    def unmount(self, path):
        """Remove the mount at canonical path `path` (a tuple) and every mount below it; what it
        covered shows again."""
        for p in self._below(path):
            del self.fs[p]
            self.group.pop(p, None)
            self.ids.pop(p, None)
        for p in [p for p in self.hidden if p[:len(path)] == path and p != path]:
            del self.hidden[p]          # what went with them covered nothing visible any more
            self.hidden_ids.pop(p, None)
        if self.hidden.get(path):
            fs, group = self.hidden[path].pop()
            self.fs.update(fs)
            self.group.update(group)
            self.ids.update(self.hidden_ids[path].pop())

    def move(self, old, new):
        """MS_MOVE: the mount at `old` and those below it, now at `new`."""
        for p in self._below(old):
            self.fs[new + p[len(old):]] = self.fs.pop(p)
            self.ids[new + p[len(old):]] = self.ids.pop(p)
            if p in self.group:
                self.group[new + p[len(old):]] = self.group.pop(p)

    def set_propagation(self, path, shared, recursive):
        """mount --make-[r]shared / --make-[r]private (EINVAL unless `path` is a mount point)."""
        if path not in self.fs:
            raise Errno(EINVAL)
        for p in self._below(path) if recursive else [path]:
            if not shared:
                self.group.pop(p, None)
            elif p not in self.group:
                self.groups += 1
                self.group[p] = self.groups

    def at(self, path):
        return self.fs.get(path)

    def children(self, path):
        """(name, ino, d_type) for mountpoints directly below `path`: getdents lists them even if
        the underlying directory has no such entry."""
        return [(p[-1], fs.root.ino, dtype(S_IFDIR)) for p, fs in self.fs.items()
                if len(p) == len(path) + 1 and p[:-1] == path]

    def read_file(self, path):
        """Whole contents of a file by absolute guest path (the ELF loader's PT_INTERP)."""
        f = FsContext(self).open(path)
        try:
            return f.read_all()
        finally:
            f.put()

    def mountpoint_of(self, path):
        """The longest mounted prefix of `path` (for /proc/mounts and statfs)."""
        for i in range(len(path), -1, -1):
            if path[:i] in self.fs:
                return path[:i]


class FsContext:
    """A process's view of the file system: the mount table and its current directory.
    `root` is a MountTable (kernel/namespace.py's make_root, shared) or a bare root FileSystem.
    `cred`: whose permissions walks and opens check -- the process's Credentials, bound when the
    Process is made (kernel/process.py); None for the kernel's own lookups."""
    cred = None
    chroot = None       # the Location chroot(2) made the process's "/" (None: the real root)

    def __init__(self, root=None, mounts=None, cwd=None):
        if mounts is None:
            mounts = root if isinstance(root, MountTable) else MountTable(root)
        self.mounts = mounts
        self.cwd = cwd or self.root

    @property
    def root(self):
        return self.chroot or Location((), self.mounts.at(()).root)

    def clone(self):
        c = FsContext(mounts=self.mounts, cwd=self.cwd)
        c.chroot = self.chroot
        return c

    def shown(self, loc):
        """A Location's path as this process names it: inside a chroot, from its root (a place
        outside it is "(unreachable)", as Linux's getcwd says)."""
        root = self.root.path
        if loc.path[:len(root)] != root:
            return "(unreachable)" + loc.pathname
        return "/" + "/".join(loc.path[len(root):])

    def step(self, cur, name):
        """The child `name` of directory `cur`, crossing into a file system mounted there."""
        path = cur.path + (name,)
        fs = self.mounts.at(path)
        return Location(path, fs.root if fs else cur.inode.lookup(name))

    def at_path(self, path):
        """Re-walk a canonical path from the real root (canonical paths start there, chroot or
        not) without following links (used for "..")."""
        loc = Location((), self.mounts.at(()).root)
        for name in path:
            loc = self.step(loc, name)
            if not loc.inode.is_dir:
                raise Errno(ENOENT)
        return loc

    def parent(self, loc):
        """".." of loc: itself at the root (the process's own root too, after chroot)."""
        loc = self.fresh(loc)
        return self.at_path(loc.path[:-1]) if loc.path and loc.path != self.root.path else loc

    def fresh(self, loc):
        """loc with its path as it is now: a directory held across a rename of it or of a parent
        (a cwd, a dirfd) is where the rename put it, as a Linux dentry is."""
        if not loc.inode.is_dir or not loc.path:
            return loc
        # A mount point stays where it was mounted. where() counts from the file system's root,
        # so below a mount of a subtree (a bind mount) renames are not followed.
        mount = self.mounts.mountpoint_of(loc.path)
        fs_root = getattr(loc.inode.fs, "root", None)
        if self.mounts.at(loc.path) is not None or self.mounts.at(mount).root is not fs_root:
            return loc
        rel = loc.inode.where()
        if rel is None or mount + rel == loc.path:
            return loc
        return Location(mount + rel, loc.inode)

    def walk(self, start, path, follow=True):
        """Resolve `path` (str) from Location `start`. `follow` says whether a symlink in the last
        component is followed; a trailing slash always follows and demands a directory."""
        if not path:
            raise Errno(ENOENT)
        if len(path) >= PATH_MAX:
            raise Errno(ENAMETOOLONG)
        cur = self.root if path.startswith("/") else start
        pending = path.split("/")[::-1]         # a stack: the next component is at the end
        links = 0
        search = self.cred is not None and self.cred.fsuid != 0  # root: CAP_DAC_READ_SEARCH
        while pending:
            name = pending.pop()
            if not cur.inode.is_dir:
                raise Errno(ENOTDIR)
            if name in ("", "."):
                continue
            if search:
                perm.check(self.cred, cur.inode.getattr(), perm.MAY_EXEC)
            if name == "..":
                cur = self.parent(cur)
                continue
            if len(name) > NAME_MAX:
                raise Errno(ENAMETOOLONG)
            child = self.step(cur, name)
            if child.inode.is_link and (pending or follow):
                links += 1
                if links > MAXSYMLINKS:
                    raise Errno(ELOOP)
                magic = child.inode.follow()
                if magic is not None:
                    cur = magic
                    continue
                target = child.inode.readlink()
                if not target:
                    raise Errno(ENOENT)
                if target.startswith("/"):
                    cur = self.root             # absolute targets are relative to the guest root
                pending.extend(target.split("/")[::-1])
                continue
            cur = child
        return cur

    def walk_parent(self, start, path):
        """For calls that create or remove a name: -> (directory Location, last name, had a
        trailing slash). The last name may be "", "." or ".."; each caller decides what that
        means (mkdir "/" is EEXIST, rmdir "." is EINVAL, ...)."""
        if not path:
            raise Errno(ENOENT)
        if len(path) >= PATH_MAX:
            raise Errno(ENAMETOOLONG)
        stripped = path.rstrip("/")
        trailing = len(stripped) != len(path)
        head, _, name = stripped.rpartition("/")
        if "/" not in stripped:
            head = "/" if path.startswith("/") else "."
        elif not head:
            head = "/"
        if len(name) > NAME_MAX:
            raise Errno(ENAMETOOLONG)
        d = self.walk(start, head)
        if not d.inode.is_dir:
            raise Errno(ENOTDIR)
        return d, name, trailing

    def open_location(self, loc, flags, t=None):
        """Open what `loc` names. Directories become a DirFile listing mountpoints too. The
        description keeps the access mode and status flags; open-time-only flags are dropped.
        A FIFO, whatever file system it lives in, opens the kernel's named pipe for it (the open
        may block until the other end arrives: `t` is the opening thread)."""
        kept = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)
        if flags & O_PATH:
            return PathFile(kept, loc)
        self.may_open(loc, flags)
        opener = SPECIAL_OPENERS.get(loc.inode.mode & S_IFMT)
        if opener is not None:
            return opener(t, loc, kept)
        if loc.inode.is_dir:
            if flags & O_ACCMODE != O_RDONLY or flags & O_CREAT:
                raise Errno(EISDIR)
            parent_ino = self.parent(loc).inode.ino if loc.path else loc.inode.ino
            return DirFile(kept, loc, self.mounts.children(loc.path), parent_ino)
        if flags & O_DIRECTORY:
            raise Errno(ENOTDIR)
        f = loc.inode.open(flags)       # sees O_TRUNC
        f.flags, f.loc = kept, loc
        return f

    def may_open(self, loc, flags):
        """Linux's may_open: read and write permission for the access mode (and O_TRUNC)."""
        if self.cred is None or self.cred.fsuid == 0:
            return                      # root: CAP_DAC_OVERRIDE (and no exec asked here)
        mask = 0 if flags & O_ACCMODE == O_WRONLY else perm.MAY_READ
        if flags & O_ACCMODE != O_RDONLY or flags & O_TRUNC:
            mask |= perm.MAY_WRITE
        if mask:
            perm.check(self.cred, loc.inode.getattr(), mask)

    def open(self, path, flags=O_RDONLY, start=None):
        """Open an existing file by guest path (the ELF loader, execve's interpreter)."""
        return self.open_location(self.walk(start or self.cwd, path), flags)

    def chdir(self, loc):
        """Change to a Location, or to a guest path (str) resolved from the cwd."""
        if isinstance(loc, str):
            loc = self.walk(self.cwd, loc)
        if not loc.inode.is_dir:
            raise Errno(ENOTDIR)
        self.cwd = loc

