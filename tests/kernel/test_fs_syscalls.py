"""The fs and fd system call families, called as the dispatcher calls them: raw int64 arguments,
guest memory behind t.proc.mm (a fake over a bytearray), a temp directory as the guest root."""
import os
import stat
import struct

import pytest

from kernel.errno import (EACCES, EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP,
                          ENAMETOOLONG, ENFILE, ENOENT, ENOTDIR, ENOTEMPTY, ENOTTY, EOPNOTSUPP,
                          EPERM, ERANGE, ESPIPE, EXDEV, Errno)
from kernel.fdtable import FdTable
from kernel.namespace import make_root
from kernel.process import Credentials
from kernel.syscalls import fd as F
from kernel.syscalls import fs as S
from kernel.uapi import (AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW,
                         AT_SYMLINK_NOFOLLOW, EXT4_SUPER_MAGIC, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD,
                         F_GETFL, F_SETFD, F_SETFL, FICLONE, FICLONERANGE, FIOCLEX, FIONBIO,
                         O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW,
                         O_NONBLOCK, O_PATH, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, RENAME_EXCHANGE,
                         RENAME_NOREPLACE, SEEK_CUR, SEEK_END, SEEK_SET, TCGETS, TIOCGWINSZ,
                         TMPFS_MAGIC, UTIME_NOW, UTIME_OMIT, R_OK, W_OK, X_OK)
from kernel.vfs import FsContext
from tests.kernel.fakes import FakeKernel, FakeMM


class Proc:
    def __init__(self, rootdir):
        self.mm, self.fds, self.umask, self.pid = FakeMM(), FdTable(), 0o022, 1
        self.fs = FsContext(make_root(rootdir))
        self.creds = self.fs.cred = Credentials()


class Thread:
    def __init__(self, rootdir):
        self.proc, self.kernel = Proc(rootdir), FakeKernel()

    def __call__(self, fn, *args):
        """Call an adapter; str arguments become NUL-terminated guest strings."""
        mm = self.proc.mm
        return fn(self, *(mm.alloc(os.fsencode(a) + b"\0") if isinstance(a, str) else a
                          for a in args))

    def err(self, fn, *args):
        with pytest.raises(Errno) as e:
            self(fn, *args)
        return e.value.errno

    def open(self, path, flags=O_RDONLY, mode=0o644, dirfd=AT_FDCWD):
        return self(S.sys_openat, dirfd, path, flags, mode)

    def read(self, fd, n=4096):
        buf = self.proc.mm.alloc(n)
        got = self(F.sys_read, fd, buf, n)
        return self.proc.mm.read(buf, got)

    def write(self, fd, data):
        return self(F.sys_write, fd, self.proc.mm.alloc(data), len(data))

    def stat(self, path, flags=0, dirfd=AT_FDCWD):
        buf = self.proc.mm.alloc(128)
        assert self(S.sys_newfstatat, dirfd, path, buf, flags) == 0
        return unpack_stat(self.proc.mm.read(buf, 128))


def unpack_stat(b):
    dev, ino, mode, nlink, uid, gid, rdev, _, size, blksize, _, blocks, asec, ansec, msec, mnsec, \
        csec, cnsec, _, _ = struct.unpack("<QQIIIIQQqiiqqQqQqQII", b)
    return dict(ino=ino, mode=mode, nlink=nlink, uid=uid, size=size, rdev=rdev, atime=(asec, ansec),
                mtime=(msec, mnsec))


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "root"
    (r / "etc").mkdir(parents=True)
    (r / "etc" / "passwd").write_text("root:x:0:0\n")
    (r / "bin").mkdir()
    (r / "bin" / "sh").write_bytes(b"#!x")
    os.chmod(r / "bin" / "sh", 0o755)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_text("host secret\n")
    return r


@pytest.fixture
def t(root):
    return Thread(str(root))


def test_an_isas_own_open_flags_are_translated_both_ways(root):
    """arm64 spells O_DIRECTORY and O_NOFOLLOW with other bits (abi.OPEN_FLAGS): its
    O_NOFOLLOW on a symlink must give ELOOP, its O_DIRECTORY on a file ENOTDIR, and F_GETFL
    must hand its own bits back."""
    from translators.aarch64 import abi
    t = Thread(str(root))
    t.kernel = type("Arm64Kernel", (FakeKernel,), {"abi": abi})()
    a64_directory, a64_nofollow = 0o40000, 0o100000
    t(S.sys_symlinkat, "/etc/passwd", AT_FDCWD, "/etc/l")
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/l", a64_nofollow, 0) == ELOOP
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/passwd", a64_directory, 0) == ENOTDIR
    fd = t(S.sys_openat, AT_FDCWD, "/etc", a64_directory, 0)
    assert t(F.sys_fcntl, fd, F_GETFL, 0) & (a64_directory | O_DIRECTORY) == a64_directory


# ---- openat / close / read / write ---------------------------------------------------------------
def test_open_read_close(t):
    fd = t.open("/etc/passwd")
    assert fd == 0 and t.read(fd) == b"root:x:0:0\n" and t.read(fd) == b""
    assert t(F.sys_close, fd) == 0
    assert t.err(F.sys_close, fd) == EBADF
    assert t.err(F.sys_read, fd, t.proc.mm.alloc(4), 4) == EBADF


def test_open_errors(t, root):
    assert t.err(S.sys_openat, AT_FDCWD, "/nope", O_RDONLY, 0) == ENOENT
    assert t.err(S.sys_openat, AT_FDCWD, "", O_RDONLY, 0) == ENOENT
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/passwd", O_DIRECTORY, 0) == ENOTDIR
    assert t.err(S.sys_openat, AT_FDCWD, "/etc", O_WRONLY, 0) == EISDIR
    assert t.err(S.sys_openat, AT_FDCWD, "/etc", O_RDWR | O_CREAT, 0) == EISDIR
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/passwd", O_CREAT | O_EXCL, 0o644) == EEXIST
    assert t.err(S.sys_openat, AT_FDCWD, "/new/", O_CREAT | O_WRONLY, 0o644) == EISDIR
    assert t.err(S.sys_openat, AT_FDCWD, "/x" * 3000, O_RDONLY, 0) == ENAMETOOLONG
    assert t.err(S.sys_openat, AT_FDCWD, "/" + "n" * 256, O_RDONLY, 0) == ENAMETOOLONG
    assert t.err(S.sys_openat, AT_FDCWD, 0x5, O_RDONLY, 0) == EFAULT
    assert t.err(S.sys_openat, 99, "etc", O_RDONLY, 0) == EBADF
    assert t.open("/etc/passwd", dirfd=99) >= 0          # dirfd ignored for absolute paths
    os.symlink("passwd", root / "etc" / "link")
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/link", O_RDONLY | O_NOFOLLOW, 0) == ELOOP


def test_host_descriptors_are_a_budget(t, root, monkeypatch):
    """Guest files hold host descriptors from one budget (HostFds): past it the guest gets ENFILE,
    and a directory costs one descriptor however many of its files are open."""
    fds = t.proc.fs.mounts.at(()).fds
    for i in range(50):
        (root / "etc" / f"f{i}").write_text(str(i))
    opened = [t.open(f"/etc/f{i}") for i in range(10)]
    held = fds.used
    monkeypatch.setattr(fds, "max", held + 5)
    opened += [t.open(f"/etc/f{i}") for i in range(10, 15)]
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/f15", O_RDONLY, 0) == ENFILE
    assert fds.used == fds.max
    t(F.sys_close, opened.pop())
    assert t.read(t.open("/etc/f15")) == b"15"


def test_open_relative_to_dirfd(t):
    d = t.open("/etc", O_DIRECTORY)
    assert t.read(t.open("passwd", dirfd=d)) == b"root:x:0:0\n"
    f = t.open("/etc/passwd")
    assert t.err(S.sys_openat, f, "x", O_RDONLY, 0) == ENOTDIR


def test_create_uses_umask_and_truncates(t, root):
    fd = t.open("/etc/new", O_WRONLY | O_CREAT | O_EXCL, 0o666)
    assert t.write(fd, b"hello") == 5
    assert stat.S_IMODE(os.stat(root / "etc" / "new").st_mode) == 0o644
    fd = t.open("/etc/new", O_RDWR | O_TRUNC)
    assert t.read(fd) == b""
    assert (root / "etc" / "new").read_bytes() == b""


def test_append_writes_at_the_end(t, root):
    fd = t.open("/etc/passwd", O_WRONLY | O_APPEND)
    t.write(fd, b"x\n")
    assert (root / "etc" / "passwd").read_bytes() == b"root:x:0:0\nx\n"
    assert t(F.sys_fcntl, fd, F_GETFL, 0) & O_APPEND


def test_create_through_a_dangling_symlink_stays_inside(t, root, tmp_path):
    os.symlink(str(tmp_path / "outside" / "made"), root / "evil")
    assert t.err(S.sys_openat, AT_FDCWD, "/evil", O_WRONLY | O_CREAT, 0o600) == ENOENT
    assert not (tmp_path / "outside" / "made").exists()
    os.symlink("/etc/made", root / "dangling")
    fd = t.open("/dangling", O_WRONLY | O_CREAT, 0o600)
    t.write(fd, b"in")
    assert (root / "etc" / "made").read_bytes() == b"in"
    assert t.err(S.sys_openat, AT_FDCWD, "/dangling", O_CREAT | O_EXCL, 0) == EEXIST


def test_o_path_handles(t, root):
    os.symlink("/etc/passwd", root / "pw")
    fd = t.open("/pw", O_PATH | O_NOFOLLOW)
    buf = t.proc.mm.alloc(128)
    t(F.sys_fstat, fd, buf)
    assert stat.S_ISLNK(unpack_stat(t.proc.mm.read(buf, 128))["mode"])
    assert t.err(F.sys_read, fd, buf, 4) == EBADF
    d = t.open("/etc", O_PATH)
    assert t.read(t.open("passwd", dirfd=d)) == b"root:x:0:0\n"


def test_read_write_permissions_and_counts(t):
    ro, wo = t.open("/etc/passwd"), t.open("/etc/passwd", O_WRONLY)
    buf = t.proc.mm.alloc(16)
    assert t.err(F.sys_write, ro, buf, 1) == EBADF
    assert t.err(F.sys_read, wo, buf, 1) == EBADF
    assert t.err(F.sys_read, ro, buf, -1) == EINVAL
    assert t.err(F.sys_read, ro, 0x10, 4) == EFAULT
    assert t.err(F.sys_write, wo, 0x10, 4) == EFAULT
    assert t(F.sys_read, ro, buf, 0) == 0
    assert t.err(F.sys_read, t.open("/etc"), buf, 4) == EISDIR


def test_readv_writev(t, root):
    mm = t.proc.mm
    fd = t.open("/etc/v", O_RDWR | O_CREAT, 0o644)
    a, b = mm.alloc(b"abc"), mm.alloc(b"defgh")
    iov = mm.alloc(struct.pack("<QQQQ", a, 3, b, 5))
    assert t(F.sys_writev, fd, iov, 2) == 8
    assert (root / "etc" / "v").read_bytes() == b"abcdefgh"
    t(F.sys_lseek, fd, 0, SEEK_SET)
    x, y = mm.alloc(2), mm.alloc(10)
    iov = mm.alloc(struct.pack("<QQQQ", x, 2, y, 10))
    assert t(F.sys_readv, fd, iov, 2) == 8
    assert mm.read(x, 2) == b"ab" and mm.read(y, 6) == b"cdefgh"
    assert t.err(F.sys_readv, fd, iov, -1) == EINVAL
    assert t.err(F.sys_writev, fd, iov, 1025) == EINVAL


def test_pread_pwrite_leave_the_offset(t, root):
    mm = t.proc.mm
    fd = t.open("/etc/passwd", O_RDWR)
    buf = mm.alloc(4)
    assert t(F.sys_pread64, fd, buf, 4, 2) == 4 and mm.read(buf, 4) == b"ot:x"
    assert t(F.sys_pwrite64, fd, mm.alloc(b"R"), 1, 0) == 1
    assert t.read(fd, 4) == b"Root"
    assert t.err(F.sys_pread64, fd, buf, 4, -1) == EINVAL
    tty = t.open("/dev/tty", O_RDWR)
    assert t.err(F.sys_pread64, tty, buf, 4, 0) == ESPIPE
    assert t(F.sys_preadv, fd, mm.alloc(struct.pack("<QQ", buf, 4)), 1, 5, 0) == 4
    assert mm.read(buf, 4) == b"x:0:"


def test_lseek(t):
    fd = t.open("/etc/passwd")
    assert t(F.sys_lseek, fd, 5, SEEK_SET) == 5
    assert t(F.sys_lseek, fd, 2, SEEK_CUR) == 7
    assert t(F.sys_lseek, fd, -1, SEEK_END) == 10
    assert t.read(fd) == b"\n"
    assert t(F.sys_lseek, fd, 100, SEEK_SET) == 100 and t.read(fd) == b""
    assert t.err(F.sys_lseek, fd, -20, SEEK_END) == EINVAL
    assert t.err(F.sys_lseek, fd, 0, 9) == EINVAL
    assert t.err(F.sys_lseek, t.open("/dev/console", O_RDWR), 0, SEEK_SET) == ESPIPE
    assert t(F.sys_lseek, t.open("/dev/null"), 10, SEEK_SET) == 0


# ---- stat family ---------------------------------------------------------------------------------
def test_fstat_newfstatat_statx(t, root):
    os.symlink("passwd", root / "etc" / "pw")
    st = t.stat("/etc/passwd")
    assert stat.S_ISREG(st["mode"]) and st["size"] == 11 and st["uid"] == 0
    assert st["ino"] == os.stat(root / "etc" / "passwd").st_ino
    assert t.stat("/etc/pw")["ino"] == st["ino"]
    assert stat.S_ISLNK(t.stat("/etc/pw", AT_SYMLINK_NOFOLLOW)["mode"])
    fd = t.open("/etc/passwd")
    assert t.stat("", AT_EMPTY_PATH, dirfd=fd)["ino"] == st["ino"]
    assert t.err(S.sys_newfstatat, AT_FDCWD, "", t.proc.mm.alloc(128), 0) == ENOENT
    assert t.err(S.sys_newfstatat, AT_FDCWD, "/etc", t.proc.mm.alloc(128), 0x8) == EINVAL
    assert t.err(S.sys_newfstatat, AT_FDCWD, "/etc", 0x20, 0) == EFAULT
    buf = t.proc.mm.alloc(256)
    assert t(S.sys_statx, AT_FDCWD, "/etc/passwd", 0, 0x7FF, buf) == 0
    mask, _, _, nlink, uid, _, mode = struct.unpack("<IIQIIIH", t.proc.mm.read(buf, 30))
    ino, size = struct.unpack("<QQ", t.proc.mm.read(buf + 32, 16))
    assert (mask & 0x7FF, uid, mode, ino, size) == (0x7FF, 0, st["mode"], st["ino"], 11)
    assert t.err(S.sys_statx, AT_FDCWD, "/etc", 0, 0x80000000, buf) == EINVAL
    dev = t.stat("/dev/tty")
    assert stat.S_ISCHR(dev["mode"]) and dev["rdev"] == (5 << 8) | 0
    assert t(S.sys_statx, AT_FDCWD, "/dev/console", 0, 0x7FF, buf) == 0
    assert struct.unpack("<II", t.proc.mm.read(buf + 128, 8)) == (5, 1)


def test_statfs(t):
    buf = t.proc.mm.alloc(120)
    t(S.sys_statfs, "/etc", buf)
    ftype, bsize = struct.unpack("<qq", t.proc.mm.read(buf, 16))
    assert ftype == EXT4_SUPER_MAGIC and bsize > 0
    t(F.sys_fstatfs, t.open("/dev/null"), buf)
    assert struct.unpack("<q", t.proc.mm.read(buf, 8))[0] == TMPFS_MAGIC


# ---- getdents64 ----------------------------------------------------------------------------------
def dents(t, fd, count=4096):
    buf = t.proc.mm.alloc(count)
    n = t(F.sys_getdents64, fd, buf, count)
    data, out, pos = t.proc.mm.read(buf, n), [], 0
    while pos < n:
        ino, off, reclen, dt = struct.unpack_from("<QqHB", data, pos)
        out.append((data[pos + 19:pos + reclen].split(b"\0")[0].decode(), off, dt))
        pos += reclen
    return out


def test_getdents_lists_everything_once_with_stable_offsets(t, root):
    for i in range(30):
        (root / "etc" / f"file{i:02}").write_text("x")
    os.symlink("x", root / "etc" / "lnk")
    fd = t.open("/etc", O_DIRECTORY)
    seen = []
    while batch := dents(t, fd, 96):     # small buffer: many calls
        seen += batch
    names = [n for n, _, _ in seen]
    assert names[:2] == [".", ".."] and len(names) == len(set(names)) == 34
    types = {n: dt for n, _, dt in seen}
    assert (types["lnk"], types["."], types["file00"]) == (10, 4, 8)
    assert [off for _, off, _ in seen] == list(range(1, 35))
    # seekdir to an offset continues right after that entry; rewind starts again
    t(F.sys_lseek, fd, seen[9][1], SEEK_SET)
    assert dents(t, fd)[0][0] == seen[10][0]
    t(F.sys_lseek, fd, 0, SEEK_SET)
    assert len(dents(t, fd, 1 << 16)) == 34
    assert t(F.sys_getdents64, fd, t.proc.mm.alloc(8), 8) == 0     # at the end: 0, not EINVAL


def test_getdents_errors(t):
    t(F.sys_lseek, d := t.open("/"), 0, SEEK_SET)
    assert t.err(F.sys_getdents64, d, t.proc.mm.alloc(16), 16) == EINVAL    # too small
    assert t.err(F.sys_getdents64, t.open("/etc/passwd"), t.proc.mm.alloc(64), 64) == ENOTDIR
    assert "dev" in [n for n, _, _ in dents(t, t.open("/"))]
    assert {"null", "tty", "console", "zero"} <= {n for n, _, _ in dents(t, t.open("/dev"))}


# ---- names ---------------------------------------------------------------------------------------
def test_readlinkat(t, root):
    os.symlink("/etc/passwd", root / "pw")
    buf = t.proc.mm.alloc(64)
    assert t(S.sys_readlinkat, AT_FDCWD, "/pw", buf, 64) == 11
    assert t.proc.mm.read(buf, 11) == b"/etc/passwd"
    assert t(S.sys_readlinkat, AT_FDCWD, "/pw", buf, 4) == 4
    assert t.err(S.sys_readlinkat, AT_FDCWD, "/etc/passwd", buf, 64) == EINVAL
    assert t.err(S.sys_readlinkat, AT_FDCWD, "/pw", buf, 0) == EINVAL
    assert t.err(S.sys_readlinkat, AT_FDCWD, "/none", buf, 64) == ENOENT


def test_faccessat(t, root):
    assert t(S.sys_faccessat, AT_FDCWD, "/etc/passwd", R_OK | W_OK) == 0
    assert t(S.sys_faccessat, AT_FDCWD, "/bin/sh", X_OK) == 0
    assert t(S.sys_faccessat, AT_FDCWD, "/etc", X_OK) == 0
    from kernel.errno import EACCES
    assert t.err(S.sys_faccessat, AT_FDCWD, "/etc/passwd", X_OK) == EACCES
    assert t.err(S.sys_faccessat, AT_FDCWD, "/none", 0) == ENOENT
    assert t.err(S.sys_faccessat2, AT_FDCWD, "/etc", 8, 0) == EINVAL
    assert t.err(S.sys_faccessat2, AT_FDCWD, "/etc", 0, 0x1) == EINVAL
    os.symlink("nowhere", root / "dangle")
    assert t(S.sys_faccessat2, AT_FDCWD, "/dangle", 0, AT_SYMLINK_NOFOLLOW) == 0


def test_getcwd_chdir_fchdir(t, root):
    (root / "a" / "b").mkdir(parents=True)
    os.symlink("a/b", root / "ab")
    buf = t.proc.mm.alloc(64)
    assert t(S.sys_getcwd, buf, 64) == 2 and t.proc.mm.read(buf, 2) == b"/\0"
    assert t(S.sys_chdir, "/ab") == 0
    assert t(S.sys_getcwd, buf, 64) == 5 and t.proc.mm.read(buf, 5) == b"/a/b\0"
    assert t.err(S.sys_getcwd, buf, 4) == ERANGE
    assert t.err(S.sys_chdir, "/etc/passwd") == ENOTDIR
    assert t.err(S.sys_chdir, "/none") == ENOENT
    t(S.sys_chdir, "..")
    assert t(S.sys_getcwd, buf, 64) == 3
    fd = t.open("/etc", O_DIRECTORY)
    assert t(S.sys_fchdir, fd) == 0 and t.read(t.open("passwd")) == b"root:x:0:0\n"
    assert t.err(S.sys_fchdir, t.open("passwd")) == ENOTDIR
    assert t.err(S.sys_fchdir, 77) == EBADF


def test_mkdirat(t, root):
    assert t(S.sys_mkdirat, AT_FDCWD, "/newdir/", 0o777) == 0
    assert stat.S_IMODE(os.stat(root / "newdir").st_mode) == 0o755
    assert t.err(S.sys_mkdirat, AT_FDCWD, "/newdir", 0o777) == EEXIST
    assert t.err(S.sys_mkdirat, AT_FDCWD, "/", 0o777) == EEXIST
    assert t.err(S.sys_mkdirat, AT_FDCWD, "/dev", 0o777) == EEXIST
    assert t.err(S.sys_mkdirat, AT_FDCWD, "/none/x", 0o777) == ENOENT
    assert t.err(S.sys_mkdirat, AT_FDCWD, "/etc/passwd/x", 0o777) == ENOTDIR


def test_unlinkat(t, root):
    (root / "d").mkdir()
    (root / "d" / "f").write_text("")
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/d", 0) == EISDIR
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/d", AT_REMOVEDIR) == ENOTEMPTY
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/d/f", AT_REMOVEDIR) == ENOTDIR
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/d/f/", 0) == ENOTDIR
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/d/.", AT_REMOVEDIR) == EINVAL
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/dev", AT_REMOVEDIR) == EBUSY
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/d/f", 0x1) == EINVAL
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/none", 0) == ENOENT
    assert t(S.sys_unlinkat, AT_FDCWD, "/d/f", 0) == 0
    assert t(S.sys_unlinkat, AT_FDCWD, "/d", AT_REMOVEDIR) == 0
    assert not (root / "d").exists()


def test_renameat2(t, root):
    (root / "a").write_text("A")
    (root / "b").write_text("B")
    assert t.err(S.sys_renameat2, AT_FDCWD, "/a", AT_FDCWD, "/b", RENAME_NOREPLACE) == EEXIST
    assert t.err(S.sys_renameat2, AT_FDCWD, "/a", AT_FDCWD, "/b", RENAME_EXCHANGE) == EINVAL
    assert t.err(S.sys_renameat2, AT_FDCWD, "/a", AT_FDCWD, "/dev/a", 0) == EXDEV
    assert t.err(S.sys_renameat2, AT_FDCWD, "/none", AT_FDCWD, "/c", 0) == ENOENT
    assert t.err(S.sys_renameat2, AT_FDCWD, "/dev", AT_FDCWD, "/c", 0) == EBUSY
    assert t(S.sys_renameat2, AT_FDCWD, "/a", AT_FDCWD, "/c", RENAME_NOREPLACE) == 0
    assert t(S.sys_renameat2, AT_FDCWD, "/c", AT_FDCWD, "/b", 0) == 0
    assert (root / "b").read_text() == "A" and not (root / "c").exists()
    (root / "d1" / "x").mkdir(parents=True)
    (root / "d2").mkdir()
    assert t.err(S.sys_renameat, AT_FDCWD, "/d2", AT_FDCWD, "/d1") == ENOTEMPTY


def test_symlinkat(t, root):
    assert t(S.sys_symlinkat, "/etc/passwd", AT_FDCWD, "/pw") == 0
    buf = t.proc.mm.alloc(64)
    assert t.proc.mm.read(buf, t(S.sys_readlinkat, AT_FDCWD, "/pw", buf, 64)) == b"/etc/passwd"
    assert t.stat("/pw", AT_SYMLINK_NOFOLLOW)["mode"] == stat.S_IFLNK | 0o777
    assert t.read(t.open("/pw")) == b"root:x:0:0\n"
    # on the host, a plain file that no host tool follows out of the root (kernel/hostfs.py)
    assert not os.path.islink(root / "pw") and (root / "pw").read_text() == "/etc/passwd"
    assert t.err(S.sys_symlinkat, "/x", AT_FDCWD, "/pw") == EEXIST
    assert t.err(S.sys_symlinkat, "", AT_FDCWD, "/q") == ENOENT


def test_linkat_stays_inside(t, root, tmp_path):
    os.symlink(str(tmp_path / "outside" / "secret"), root / "evil")
    os.symlink("/etc/passwd", root / "pw")
    assert t.err(S.sys_linkat, AT_FDCWD, "/evil", AT_FDCWD, "/got", AT_SYMLINK_FOLLOW) == ENOENT
    assert t(S.sys_linkat, AT_FDCWD, "/pw", AT_FDCWD, "/hard", AT_SYMLINK_FOLLOW) == 0
    assert os.stat(root / "hard").st_ino == os.stat(root / "etc" / "passwd").st_ino
    assert t(S.sys_linkat, AT_FDCWD, "/evil", AT_FDCWD, "/evil2", 0) == 0   # links the link
    assert os.path.islink(root / "evil2")
    assert t.err(S.sys_linkat, AT_FDCWD, "/etc", AT_FDCWD, "/e2", 0) == EPERM
    assert t.err(S.sys_linkat, AT_FDCWD, "/pw", AT_FDCWD, "/hard", 0) == EEXIST
    assert t.err(S.sys_linkat, AT_FDCWD, "/dev/null", AT_FDCWD, "/n", 0) == EXDEV
    assert t.err(S.sys_linkat, AT_FDCWD, "/pw", AT_FDCWD, "/x", 0x8) == EINVAL


# ---- attributes ----------------------------------------------------------------------------------
def test_chmod_chown(t, root):
    assert t(S.sys_fchmodat, AT_FDCWD, "/etc/passwd", 0o600) == 0
    assert stat.S_IMODE(os.stat(root / "etc" / "passwd").st_mode) == 0o600
    fd = t.open("/etc/passwd")
    assert t(F.sys_fchmod, fd, 0o640) == 0
    assert stat.S_IMODE(os.stat(root / "etc" / "passwd").st_mode) == 0o640
    assert t(S.sys_fchmodat, AT_FDCWD, "/etc", 0o700) == 0
    assert stat.S_IMODE(os.stat(root / "etc").st_mode) == 0o700
    assert t.err(S.sys_fchmodat, AT_FDCWD, "/none", 0o700) == ENOENT
    assert t(S.sys_fchownat, AT_FDCWD, "/etc/passwd", 1000, 1000, 0) == 0
    assert t.stat("/etc/passwd")["uid"] == 1000     # kept in an xattr: the host file is ours
    assert os.stat(root / "etc" / "passwd").st_uid == os.geteuid()
    assert stat.S_IMODE(t.stat("/etc/passwd")["mode"]) == 0o640
    assert t.err(S.sys_fchownat, AT_FDCWD, "/none", 0, 0, 0) == ENOENT
    assert t(F.sys_fchown, fd, 0, -1) == 0
    assert t.stat("/etc/passwd")["uid"] == 0
    assert t.err(F.sys_fchown, 55, 0, 0) == EBADF
    assert t(S.sys_fchmodat, AT_FDCWD, "/bin/sh", 0o4755) == 0      # chown clears setuid
    assert t(S.sys_fchownat, AT_FDCWD, "/bin/sh", 5, -1, 0) == 0
    assert t.stat("/bin/sh")["mode"] & 0o7777 == 0o755


def as_user(t, uid, gid=None, groups=()):
    t.proc.creds.uid = t.proc.creds.euid = uid
    t.proc.creds.gid = t.proc.creds.egid = uid if gid is None else gid
    t.proc.creds.groups = tuple(groups)


def test_permissions_of_an_ordinary_user(t, root):
    """What Linux refuses uid 1000 on root's files (kernel/perm.py), and what it allows."""
    t(S.sys_mkdirat, AT_FDCWD, "/home", 0o755)
    t(S.sys_fchownat, AT_FDCWD, "/home", 1000, 1000, 0)
    t(S.sys_fchmodat, AT_FDCWD, "/etc/passwd", 0o644)
    os.mkdir(root / "secret")
    (root / "secret" / "key").write_text("k")
    t(S.sys_fchmodat, AT_FDCWD, "/secret", 0o700)
    (root / "locked").write_text("x")
    t(S.sys_fchmodat, AT_FDCWD, "/locked", 0o000)
    t(S.sys_mkdirat, AT_FDCWD, "/tmp", 0o777)
    t(S.sys_fchmodat, AT_FDCWD, "/tmp", 0o1777)
    t.write(t.open("/tmp/roots", O_WRONLY | O_CREAT, 0o666), b"r")
    as_user(t, 1000)
    assert t.read(t.open("/etc/passwd")) == b"root:x:0:0\n"
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/passwd", O_WRONLY, 0) == EACCES
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/passwd", O_RDONLY | O_TRUNC, 0) == EACCES
    assert t.err(S.sys_openat, AT_FDCWD, "/locked", O_RDONLY, 0) == EACCES
    assert t.err(S.sys_openat, AT_FDCWD, "/secret/key", O_RDONLY, 0) == EACCES   # no search
    assert t.err(S.sys_openat, AT_FDCWD, "/etc/new", O_WRONLY | O_CREAT, 0o644) == EACCES
    assert t.err(S.sys_mkdirat, AT_FDCWD, "/etc/d", 0o755) == EACCES
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/etc/passwd", 0) == EACCES
    assert t.err(S.sys_renameat2, AT_FDCWD, "/etc/passwd", AT_FDCWD, "/home/pw", 0) == EACCES
    assert t.err(S.sys_fchmodat, AT_FDCWD, "/etc/passwd", 0o666) == EPERM
    assert t.err(S.sys_fchownat, AT_FDCWD, "/etc/passwd", 1000, -1, 0) == EPERM
    assert t.err(S.sys_truncate, "/etc/passwd", 0) == EACCES
    assert t.err(S.sys_chdir, "/secret") == EACCES
    assert t.err(S.sys_faccessat, AT_FDCWD, "/etc/passwd", W_OK) == EACCES
    assert t(S.sys_faccessat, AT_FDCWD, "/etc/passwd", R_OK) == 0
    assert t.err(S.sys_mknodat, AT_FDCWD, "/home/null", stat.S_IFCHR | 0o666, 0x103) == EPERM
    # the sticky /tmp: a file there is only its owner's (or the directory's owner's) to remove
    assert t.err(S.sys_unlinkat, AT_FDCWD, "/tmp/roots", 0) == EPERM
    # in its own directory the user does what it likes, and owns what it makes
    fd = t.open("/home/mine", O_WRONLY | O_CREAT, 0o600)
    assert t.write(fd, b"mine") == 4
    assert (t.stat("/home/mine")["uid"], t.stat("/home/mine")["mode"] & 0o777) == (1000, 0o600)
    assert t(S.sys_mkdirat, AT_FDCWD, "/home/sub", 0o755) == 0
    assert t(S.sys_symlinkat, "mine", AT_FDCWD, "/home/ln") == 0
    assert t.stat("/home/ln", AT_SYMLINK_NOFOLLOW)["uid"] == 1000
    assert t(S.sys_fchmodat, AT_FDCWD, "/home/mine", 0o640) == 0
    assert t(S.sys_renameat2, AT_FDCWD, "/home/mine", AT_FDCWD, "/home/sub/mine", 0) == 0
    assert t(S.sys_unlinkat, AT_FDCWD, "/home/sub/mine", 0) == 0
    assert t.err(S.sys_fchownat, AT_FDCWD, "/home/sub", 0, -1, 0) == EPERM
    assert t.err(S.sys_fchownat, AT_FDCWD, "/home/sub", -1, 0, 0) == EPERM    # not in group 0
    as_user(t, 1000, groups=(50,))
    assert t(S.sys_fchownat, AT_FDCWD, "/home/sub", -1, 50, 0) == 0
    # group permissions
    as_user(t, 0)
    t(S.sys_fchownat, AT_FDCWD, "/locked", 0, 50, 0)
    t(S.sys_fchmodat, AT_FDCWD, "/locked", 0o040)
    as_user(t, 1001, groups=(50,))
    assert t.read(t.open("/locked")) == b"x"
    as_user(t, 1001)
    assert t.err(S.sys_openat, AT_FDCWD, "/locked", O_RDONLY, 0) == EACCES


def test_utimensat(t, root):
    mm = t.proc.mm
    ts = mm.alloc(struct.pack("<qqqq", 1000, 5, 2000, 7))
    assert t(S.sys_utimensat, AT_FDCWD, "/etc/passwd", ts, 0) == 0
    st = os.stat(root / "etc" / "passwd")
    assert (st.st_atime_ns, st.st_mtime_ns) == (1000 * 10**9 + 5, 2000 * 10**9 + 7)
    ts = mm.alloc(struct.pack("<qqqq", 0, UTIME_OMIT, 0, UTIME_NOW))
    assert t(S.sys_utimensat, AT_FDCWD, "/etc/passwd", ts, 0) == 0
    st = os.stat(root / "etc" / "passwd")
    assert st.st_atime_ns == 1000 * 10**9 + 5 and st.st_mtime > 1e9
    bad = mm.alloc(struct.pack("<qqqq", 0, 10**9, 0, 0))
    assert t.err(S.sys_utimensat, AT_FDCWD, "/etc/passwd", bad, 0) == EINVAL
    fd = t.open("/bin/sh")
    assert t(S.sys_utimensat, fd, 0, mm.alloc(struct.pack("<qqqq", 5, 0, 6, 0)), 0) == 0
    assert os.stat(root / "bin" / "sh").st_mtime_ns == 6 * 10**9
    assert t(S.sys_utimensat, AT_FDCWD, "/dev/null", 0, 0) == 0
    assert t.err(S.sys_utimensat, AT_FDCWD, "/none", 0, 0) == ENOENT
    os.symlink("nowhere", root / "dangle")
    assert t(S.sys_utimensat, AT_FDCWD, "/dangle", 0, AT_SYMLINK_NOFOLLOW) == 0


def test_truncate_ftruncate(t, root):
    assert t(S.sys_truncate, "/etc/passwd", 4) == 0
    assert (root / "etc" / "passwd").read_bytes() == b"root"
    fd = t.open("/etc/passwd", O_RDWR)
    assert t(F.sys_ftruncate, fd, 100) == 0 and os.path.getsize(root / "etc" / "passwd") == 100
    assert t.err(F.sys_ftruncate, fd, -1) == EINVAL
    assert t.err(F.sys_ftruncate, t.open("/etc/passwd"), 0) == EINVAL
    assert t.err(S.sys_truncate, "/etc", 0) == EISDIR
    assert t.err(S.sys_truncate, "/etc/passwd", -5) == EINVAL
    assert t.err(S.sys_truncate, "/none", 0) == ENOENT


def test_sync_family(t):
    fd = t.open("/etc/passwd", O_RDWR)
    assert t(F.sys_fsync, fd) == 0 and t(F.sys_fdatasync, fd) == 0 and t(S.sys_sync) == 0
    assert t.err(F.sys_fsync, 42) == EBADF


# ---- descriptors ---------------------------------------------------------------------------------
def test_dup_family(t):
    fd = t.open("/etc/passwd")
    d = t(F.sys_dup, fd)
    assert d == fd + 1 and t.read(fd, 5) == b"root:" and t.read(d, 1) == b"x"
    other = t.open("/bin/sh")
    assert t(F.sys_dup3, fd, other, O_CLOEXEC) == other
    assert t(F.sys_fcntl, other, F_GETFD, 0) == 1 and t.read(other, 2) == b":0"
    assert t.err(F.sys_dup3, fd, fd, 0) == EINVAL
    assert t.err(F.sys_dup3, fd, 9, O_APPEND) == EINVAL
    assert t.err(F.sys_dup3, 77, 9, 0) == EBADF
    assert t.err(F.sys_dup3, fd, -1, 0) == EBADF
    assert t(F.sys_dup2, fd, fd) == fd
    assert t.err(F.sys_dup, 99) == EBADF


def test_fcntl(t):
    fd = t.open("/etc/passwd", O_RDWR | O_CLOEXEC)
    assert t(F.sys_fcntl, fd, F_GETFD, 0) == 1
    assert t(F.sys_fcntl, fd, F_SETFD, 0) == 0 and t(F.sys_fcntl, fd, F_GETFD, 0) == 0
    assert t(F.sys_fcntl, fd, F_DUPFD, 10) == 10
    assert t(F.sys_fcntl, fd, F_DUPFD_CLOEXEC, 10) == 11 and t(F.sys_fcntl, 11, F_GETFD, 0) == 1
    assert t(F.sys_fcntl, fd, F_GETFL, 0) == O_RDWR
    t(F.sys_fcntl, fd, F_SETFL, O_NONBLOCK | O_APPEND | O_WRONLY)
    assert t(F.sys_fcntl, fd, F_GETFL, 0) == O_RDWR | O_NONBLOCK | O_APPEND
    assert t(F.sys_fcntl, 10, F_GETFL, 0) & O_NONBLOCK       # the description is shared
    assert t.err(F.sys_fcntl, fd, F_DUPFD, -1) == EINVAL
    assert t.err(F.sys_fcntl, fd, 9999, 0) == EINVAL
    assert t.err(F.sys_fcntl, 50, F_GETFD, 0) == EBADF


def test_ioctl(t):
    mm = t.proc.mm
    buf = mm.alloc(64)
    fd = t.open("/etc/passwd")
    assert t.err(F.sys_ioctl, fd, TCGETS, buf) == ENOTTY
    tty = t.open("/dev/tty", O_RDWR)
    assert t(F.sys_ioctl, tty, TCGETS, buf) == 0
    assert t(F.sys_ioctl, tty, TIOCGWINSZ, buf) == 0
    rows, cols = struct.unpack("<HH", mm.read(buf, 4))
    assert rows > 0 and cols > 0
    assert t(F.sys_ioctl, fd, FIOCLEX, 0) == 0 and t(F.sys_fcntl, fd, F_GETFD, 0) == 1
    assert t(F.sys_ioctl, fd, FIONBIO, mm.alloc(struct.pack("<i", 1))) == 0
    assert t(F.sys_fcntl, fd, F_GETFL, 0) & O_NONBLOCK
    assert t.err(F.sys_ioctl, 99, TCGETS, buf) == EBADF


def test_ficlone_checks_then_says_no_shared_blocks(t):
    """cp (coreutils 9) tries FICLONE first: Linux's checks, then EOPNOTSUPP as on ext4/tmpfs."""
    mm = t.proc.mm
    src, dst = t.open("/etc/passwd"), t.open("/etc/copy", O_WRONLY | O_CREAT)
    assert t.err(F.sys_ioctl, dst, FICLONE, src) == EOPNOTSUPP
    rng = mm.alloc(struct.pack("<qQQQ", src, 0, 0, 0))
    assert t.err(F.sys_ioctl, dst, FICLONERANGE, rng) == EOPNOTSUPP
    assert t.err(F.sys_ioctl, src, FICLONE, dst) == EBADF           # the wrong way round
    assert t.err(F.sys_ioctl, dst, FICLONE, 0xFFFFFFFF) == EBADF    # fd -1
    assert t.err(F.sys_ioctl, dst, FICLONE, t.open("/etc", O_DIRECTORY)) == EISDIR
    assert t.err(F.sys_ioctl, dst, FICLONE, t.open("/dev/null")) == EXDEV    # another mount
    assert t.read(src) == b"root:x:0:0\n"                            # nothing moved


def test_int_arguments_use_the_low_32_bits(t):
    """aarch64/loongarch64 callers may pass a C int zero-extended: AT_FDCWD as 0xFFFFFF9C."""
    fd = t.open("/etc/passwd", dirfd=0xFFFFFF9C)
    assert t.read(fd | 0xABCD_0000_0000) == b"root:x:0:0\n"
    assert t.err(F.sys_close, 0xFFFFFFFF) == EBADF
    assert t.err(S.sys_readlinkat, AT_FDCWD, "/etc", t.proc.mm.alloc(8), 0xFFFFFFFF) == EINVAL
