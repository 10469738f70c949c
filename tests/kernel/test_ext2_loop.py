"""The loop driver (kernel/loop.py) and the read-only ext2/3/4 reader (kernel/ext2.py).

Images are made on the host by e2fsprogs' mke2fs -d from a populated directory (Debian package
e2fsprogs, in the Makefile's APT_PKGS) and read back inode by inode against the host's own view
of that directory: contents, types, modes, owners, sizes, times, links, symlink targets, device
numbers. The loop ioctls and mount(2) are called as the dispatcher calls them, on a fake thread."""
import os
import shutil
import stat
import struct
import subprocess

import pytest

from kernel.errno import EACCES, EBUSY, EEXIST, EINVAL, ENODEV, ENOTBLK, ENXIO, EPERM, EROFS, Errno
from kernel.ext2 import EXT2_SUPER_MAGIC, Ext2FS
from kernel.fdtable import FdTable
from kernel.namespace import make_root
from kernel.procfs import mounts as proc_mounts
from kernel.process import Credentials
from kernel.syscalls import fd as F
from kernel.syscalls import fs as S
from kernel.syscalls import mount as M
from kernel.uapi import (AT_FDCWD, BLKGETSIZE64, BLKROGET, BLKSSZGET, LO_FLAGS_AUTOCLEAR,
                         LO_FLAGS_READ_ONLY, LOOP_CLR_FD, LOOP_CONFIG, LOOP_CONFIGURE,
                         LOOP_CTL_ADD, LOOP_CTL_GET_FREE, LOOP_CTL_REMOVE, LOOP_GET_STATUS64,
                         LOOP_INFO64, LOOP_SET_BLOCK_SIZE, LOOP_SET_CAPACITY, LOOP_SET_FD,
                         LOOP_SET_STATUS64, O_CREAT, O_RDONLY, O_RDWR, O_WRONLY, S_IFBLK,
                         makedev)
from kernel.vfs import FsContext
from tests.kernel.fakes import FakeMM
from translators.riscv64 import abi as riscv64_abi

MS_RDONLY = 1
MKE2FS = shutil.which("mke2fs") or shutil.which("mke2fs", path="/sbin:/usr/sbin")
needs_mke2fs = pytest.mark.skipif(MKE2FS is None, reason="needs mke2fs (e2fsprogs)")


class ImageDev:
    """A block device over image bytes, as kernel/loop.py's LoopDevice looks to a file system."""
    rdev, name, read_only = makedev(7, 0), "loop0", True

    def __init__(self, data):
        self.data, self.size = data, len(data)

    def read(self, offset, n):
        return self.data[offset:offset + n]


def mke2fs(tmp_path, src, *opts, size="8M", name="img"):
    img = tmp_path / name
    env = dict(os.environ, E2FSPROGS_FAKE_TIME="1700000000")
    subprocess.run([MKE2FS, "-q", "-F", *opts, "-d", str(src), str(img), size], check=True,
                   env=env, capture_output=True)
    return img


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A directory with every kind of file ext2 stores, and block maps of every depth."""
    d = tmp_path_factory.mktemp("tree")
    (d / "hello.txt").write_text("hello, ext2\n")
    (d / "empty").write_bytes(b"")
    (d / "sub" / "deeper").mkdir(parents=True)
    (d / "sub" / "deeper" / "f").write_bytes(bytes(range(256)) * 70)      # 17920 bytes: indirect
    (d / "sub" / "mode").write_text("x")
    os.chmod(d / "sub" / "mode", 0o4751)
    # Data in the direct blocks, past the single, double and (1 KiB blocks) triple indirect ones,
    # holes between: mke2fs -d keeps the holes, so the image stays small.
    with open(d / "sparse", "wb") as f:
        for off in (0, 300 << 10, 5 << 20, 70 << 20):
            f.seek(off)
            f.write(b"chunk at %d\n" % off)
    os.symlink("hello.txt", d / "fast")
    os.symlink("/" + "long/" * 20 + "target", d / "slow")                # >= 60 bytes: a block
    os.link(d / "hello.txt", d / "hard")
    os.mkfifo(d / "fifo")
    many = d / "many"
    many.mkdir()
    for i in range(300):                        # several directory blocks (an htree after -D)
        (many / f"file-{i:04d}-{'x' * (i % 40)}").write_text(str(i))
    if os.geteuid() == 0:
        os.mknod(d / "blk", stat.S_IFBLK | 0o640, os.makedev(8, 1))
        os.mknod(d / "chr", stat.S_IFCHR | 0o600, os.makedev(300, 70000))  # needs new encoding
        os.chown(d / "hello.txt", 70000, 65537)                             # high 16 bits
    os.utime(d / "hello.txt", ns=(1_600_000_000_123_456_789, 1_650_000_000_987_654_321))
    return d


def walk(fs):
    """{relative path: inode} of the whole image, lost+found left out."""
    out, todo = {}, [("", fs.root)]
    while todo:
        prefix, d = todo.pop()
        for name, ino, _ in d.readdir():
            if name == "lost+found" and not prefix:
                continue
            inode = d.lookup(name)
            assert inode.ino == ino
            out[prefix + name] = inode
            if inode.is_dir:
                todo.append((prefix + name + "/", inode))
    return out


def check_tree(fs, tree):
    files = walk(fs)
    host = {str(p.relative_to(tree)): p for p in tree.rglob("*")}
    assert set(files) == set(host)
    for rel, inode in files.items():
        hst, st = os.lstat(host[rel]), inode.getattr()
        assert (st.mode, st.uid, st.gid, st.nlink) == (hst.st_mode, hst.st_uid, hst.st_gid,
                                                       hst.st_nlink), rel
        if stat.S_ISREG(hst.st_mode):
            assert st.size == hst.st_size
            assert inode.open(O_RDONLY).read_all() == host[rel].read_bytes(), rel
        elif stat.S_ISLNK(hst.st_mode):
            assert inode.readlink() == os.readlink(host[rel])
        elif stat.S_ISCHR(hst.st_mode) or stat.S_ISBLK(hst.st_mode):
            assert st.rdev == makedev(os.major(hst.st_rdev), os.minor(hst.st_rdev))
        assert st.mtime_ns == hst.st_mtime_ns // 10**9 * 10**9, rel     # mke2fs -d keeps seconds
        assert st.dev == makedev(7, 0) and st.blksize == fs.block_size
    return files


@needs_mke2fs
@pytest.mark.parametrize("opts, fstype", [
    (("-t", "ext2", "-b", "1024", "-I", "128"), "ext2"),
    (("-t", "ext2", "-r", "0"), "ext2"),                    # revision 0: no features at all
    (("-t", "ext2", "-b", "4096"), "ext2"),
    (("-t", "ext3",), "ext3"),                              # a journal (not replayed)
    (("-t", "ext4",), "ext4"),                              # extents, flex_bg, 64bit, csums
    (("-t", "ext2", "-O", "meta_bg,^resize_inode"), "ext2"),
])
def test_images_read_back_as_the_directory_they_were_made_from(tmp_path, tree, opts, fstype):
    if "-r" in opts:                            # revision 0 has no room for these
        opts = opts + ("-I", "128")
    img = mke2fs(tmp_path, tree, *opts, size="16M")
    subprocess.run(["e2fsck", "-fyD", str(img)], capture_output=True)       # htree directories
    fs = Ext2FS(ImageDev(img.read_bytes()), fstype)
    files = check_tree(fs, tree)
    if fs.compat & 0x20:                        # dir_index: e2fsck -D made "many" an htree
        assert files["many"].flags & 0x1000
    sparse = files["sparse"].open(O_RDONLY)
    assert sparse.pread(17, 70 << 20) == b"chunk at %d" % (70 << 20)
    assert sparse.pread(8, 1 << 20) == bytes(8)                            # a hole
    assert sparse.pread(10, sparse.size() - 4) == b"320\n"                  # stops at the end
    assert fs.root.lookup("fast").getattr().size == len("hello.txt")


@needs_mke2fs
def test_times_with_nanoseconds_and_epoch_bits(tmp_path, tree):
    """Inodes of 256 bytes keep ns and two more epoch bits (a date past 2038) in *_extra."""
    img = mke2fs(tmp_path, tree, "-t", "ext4")
    for cmd in ("sif hello.txt mtime_extra 0x75bcd15c", "sif hello.txt mtime 0x80000000"):
        subprocess.run(["debugfs", "-w", "-R", cmd, str(img)], check=True, capture_output=True)
    st = Ext2FS(ImageDev(img.read_bytes()), "ext4").root.lookup("hello.txt").getattr()
    assert st.mtime_ns == (1 << 31) * 10**9 + (0x75bcd15d >> 2)


@needs_mke2fs
def test_statfs_counts_come_from_the_superblock(tmp_path, tree):
    img = mke2fs(tmp_path, tree, "-t", "ext2", "-b", "1024", "-N", "512", "-m", "5")
    fs = Ext2FS(ImageDev(img.read_bytes()))
    sf = fs.statfs()
    out = subprocess.run(["dumpe2fs", "-h", str(img)], capture_output=True, text=True).stdout
    sb = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}
    assert sf["ftype"] == EXT2_SUPER_MAGIC == 0xEF53 and sf["bsize"] == 1024
    assert sf["files"] == int(sb["Inode count"]) == 512
    assert sf["ffree"] == int(sb["Free inodes"])
    assert sf["bfree"] == int(sb["Free blocks"])
    assert sf["bavail"] == int(sb["Free blocks"]) - int(sb["Reserved block count"])
    assert 0 < sf["blocks"] < int(sb["Block count"])                       # less the metadata
    assert sf["flags"] & 1                                                 # ST_RDONLY


@needs_mke2fs
def test_what_cannot_be_read_is_refused(tmp_path, tree):
    ext4 = mke2fs(tmp_path, tree, "-t", "ext4", name="ext4").read_bytes()
    ext2 = mke2fs(tmp_path, tree, "-t", "ext2", name="ext2").read_bytes()
    logged = []
    with pytest.raises(Errno) as e:             # ext2's driver does not read extents
        Ext2FS(ImageDev(ext4), "ext2", log=logged.append)
    assert e.value.errno == EINVAL and "unsupported optional features" in logged[-1]
    with pytest.raises(Errno) as e:             # ext3 needs a journal
        Ext2FS(ImageDev(ext2), "ext3")
    assert e.value.errno == EINVAL
    Ext2FS(ImageDev(ext2), "ext4")              # ext4's reads ext2

    def patched(data, off, value):
        b = bytearray(data)
        b[1024 + off:1024 + off + 4] = (int.from_bytes(b[1024 + off:1028 + off], "little")
                                        | value).to_bytes(4, "little")
        return bytes(b)
    for bad in (patched(ext4, 96, 0x8000),      # inline_data
                patched(ext4, 96, 0x4),         # needs_recovery: a journal to replay
                ext2[:1080] + b"\0\0" + ext2[1082:],        # no magic
                ext2[:4096]):                   # the device is shorter than the block count
        with pytest.raises(Errno) as e:
            Ext2FS(ImageDev(bad), "ext4")
        assert e.value.errno == EINVAL
    Ext2FS(ImageDev(patched(ext4, 100, 0x80000)), "ext4")  # unknown ro_compat: fine read-only


@needs_mke2fs
def test_nothing_is_written(tmp_path, tree):
    fs = Ext2FS(ImageDev(mke2fs(tmp_path, tree).read_bytes()))
    hello = fs.root.lookup("hello.txt")
    for call in (lambda: fs.root.create("n", 0o644), lambda: fs.root.mkdir("d", 0o755),
                 lambda: fs.root.unlink("hello.txt"), lambda: fs.root.symlink("s", "t"),
                 lambda: fs.root.rename("hello.txt", fs.root, "x"), lambda: hello.chmod(0),
                 lambda: hello.chown(1, 1), lambda: hello.truncate(0),
                 lambda: hello.open(O_WRONLY), lambda: hello.open(O_RDWR),
                 lambda: fs.root.mknod("f", 0o10644), lambda: fs.root.link("l", hello),
                 lambda: hello.set_times(0, 0), lambda: fs.root.rmdir("sub")):
        with pytest.raises(Errno) as e:
            call()
        assert e.value.errno == EROFS


# ---- the loop driver and mount(2), through the system calls ------------------------------------
class Kernel:
    abi = riscv64_abi           # asm-generic open flags

    def __init__(self):
        self.klog, self.processes = [], {}

    def log(self, msg, plain=False, quiet=False):
        self.klog.append(msg)


class Proc:
    def __init__(self, rootdir):
        self.mm, self.fds, self.umask, self.pid = FakeMM(1 << 22), FdTable(), 0o022, 1
        self.fs = FsContext(make_root(rootdir))
        self.creds = self.fs.cred = Credentials()


class Thread:
    def __init__(self, rootdir):
        self.proc, self.kernel = Proc(rootdir), Kernel()
        self.kernel.processes[1] = self.proc

    def __call__(self, fn, *args):
        mm = self.proc.mm
        return fn(self, *(mm.alloc(os.fsencode(a) + b"\0") if isinstance(a, str) else a
                          for a in args))

    def err(self, fn, *args):
        with pytest.raises(Errno) as e:
            self(fn, *args)
        return e.value.errno

    def open(self, path, flags=O_RDONLY):
        return self(S.sys_openat, AT_FDCWD, path, flags, 0o644)

    def ioctl(self, fd, req, arg=0):
        return self(F.sys_ioctl, fd, req, arg)

    def status(self, fd):
        buf = self.proc.mm.alloc(LOOP_INFO64.size)
        self.ioctl(fd, LOOP_GET_STATUS64, buf)
        return LOOP_INFO64.unpack(self.proc.mm.read(buf, LOOP_INFO64.size))

    def get(self, fd, req, size):
        buf = self.proc.mm.alloc(size)
        self.ioctl(fd, req, buf)
        return int.from_bytes(self.proc.mm.read(buf, size), "little")

    def read_file(self, path):
        f = self.proc.fs.open(path)
        try:
            return f.read_all()
        finally:
            f.put()


@pytest.fixture
def guest(tmp_path, tree):
    root = tmp_path / "root"
    (root / "mnt").mkdir(parents=True)
    if MKE2FS:
        mke2fs(root, tree, "-t", "ext2", name="disk.img")
    return Thread(str(root)), root


def info(name=b"", flags=0, offset=0):
    return LOOP_INFO64.pack(0, 0, 0, offset, 0, 0, 0, 0, flags, name, b"", b"", 0, 0)


@needs_mke2fs
def test_busybox_mount_o_loop_sequence(guest):
    """What busybox's mount -r -o loop does (libbb/loop.c set_loop), then umount -d."""
    t, root = guest
    ctl = t.open("/dev/loop-control", O_RDWR)
    assert t.ioctl(ctl, LOOP_CTL_GET_FREE) == 0
    img = t.open("/disk.img")
    lfd = t.open("/dev/loop0")
    assert t.err(F.sys_ioctl, lfd, LOOP_GET_STATUS64, t.proc.mm.alloc(232)) == ENXIO   # free
    assert t.ioctl(lfd, LOOP_SET_FD, img) == 0
    assert t.err(F.sys_ioctl, lfd, LOOP_SET_FD, img) == EBUSY
    t.ioctl(lfd, LOOP_SET_STATUS64, t.proc.mm.alloc(info(b"/disk.img", LO_FLAGS_AUTOCLEAR)))
    st = t.status(lfd)
    size = (root / "disk.img").stat().st_size
    assert st[8] == LO_FLAGS_AUTOCLEAR | LO_FLAGS_READ_ONLY     # the image was opened read-only
    assert st[9].rstrip(b"\0") == b"/disk.img" and st[5] == 0
    assert t.get(lfd, BLKGETSIZE64, 8) == size and t.get(lfd, BLKSSZGET, 4) == 512
    assert t.get(lfd, BLKROGET, 4) == 1
    assert t.ioctl(ctl, LOOP_CTL_GET_FREE) == 1                 # loop0 is taken now
    assert t.err(M.sys_mount, "/dev/loop0", "/mnt", "ext2", 0, 0) == EACCES   # rw on a ro device
    assert t(M.sys_mount, "/dev/loop0", "/mnt", "ext2", MS_RDONLY, 0) == 0
    t(F.sys_close, lfd)                         # busybox closes it: the mount keeps it bound
    assert t.read_file("/mnt/hello.txt") == b"hello, ext2\n"
    assert t.err(S.sys_openat, AT_FDCWD, "/mnt/new", O_CREAT | O_WRONLY, 0o644) == EROFS
    assert t.err(S.sys_mkdirat, AT_FDCWD, "/mnt/d", 0o755) == EROFS
    assert "/dev/loop0 /mnt ext2 ro,relatime 0 0\n" in proc_mounts(t.proc)
    buf = t.proc.mm.alloc(120)
    t(S.sys_statfs, "/mnt/sub", buf)
    assert struct.unpack_from("<q", t.proc.mm.read(buf, 8))[0] == 0xEF53
    # umount -d: umount, then LOOP_CLR_FD -- AUTOCLEAR already let the device go.
    assert t(M.sys_umount2, "/mnt", 0) == 0
    lfd = t.open("/dev/loop0")
    assert t.err(F.sys_ioctl, lfd, LOOP_CLR_FD, 0) == ENXIO
    assert t.ioctl(ctl, LOOP_CTL_GET_FREE) == 0


@needs_mke2fs
def test_a_writable_loop_device_and_clear_while_busy(guest):
    t, root = guest
    img = t.open("/disk.img", O_RDWR)
    lfd = t.open("/dev/loop3", O_RDWR)
    t.ioctl(lfd, LOOP_SET_FD, img)
    assert t.status(lfd)[8] == 0 and t.get(lfd, BLKROGET, 4) == 0
    # A read-write mount: writing is not implemented, so EROFS (mount retries read-only).
    assert t.err(M.sys_mount, "/dev/loop3", "/mnt", "ext2", 0, 0) == EROFS
    assert any("writing is not implemented" in line for line in t.kernel.klog)
    data = (root / "disk.img").read_bytes()
    assert t(F.sys_lseek, lfd, 0, 2) == len(data)
    buf = t.proc.mm.alloc(4)
    t(F.sys_pread64, lfd, buf, 4, 1024 + 56)
    assert t.proc.mm.read(buf, 2) == b"\x53\xef"
    t(F.sys_pwrite64, lfd, t.proc.mm.alloc(b"JITVM"), 5, 4096)         # through to the file
    assert (root / "disk.img").read_bytes()[4096:4101] == b"JITVM"
    assert t(M.sys_mount, "/dev/loop3", "/mnt", "ext4", MS_RDONLY, 0) == 0
    assert t.ioctl(lfd, LOOP_CLR_FD) == 0        # in use: detached when the last user goes
    assert t.status(lfd)[8] & LO_FLAGS_AUTOCLEAR
    t(F.sys_close, lfd)
    assert t.read_file("/mnt/sub/mode") == b"x"
    (root / "bind").mkdir()
    t(M.sys_mount, "/mnt/sub", "/bind", "", 4096, 0)            # MS_BIND: it holds the device too
    t(M.sys_umount2, "/mnt", 0)
    peek = t.open("/dev/loop3")                 # a look at the device: still bound
    assert t.status(peek)[8] & LO_FLAGS_AUTOCLEAR
    t(F.sys_close, peek)
    assert t.read_file("/bind/mode") == b"x"
    t(M.sys_umount2, "/bind", 0)
    lfd = t.open("/dev/loop3")
    assert t.err(F.sys_ioctl, lfd, LOOP_GET_STATUS64, t.proc.mm.alloc(232)) == ENXIO


@needs_mke2fs
def test_loop_configure_offset_and_control(guest):
    t, root = guest
    data = (root / "disk.img").read_bytes()
    (root / "padded.img").write_bytes(bytes(8192) + data)
    img = t.open("/padded.img", O_RDWR)
    ctl = t.open("/dev/loop-control", O_RDWR)
    assert t.ioctl(ctl, LOOP_CTL_ADD, 12) == 12
    assert t.err(F.sys_ioctl, ctl, LOOP_CTL_ADD, 12) == EEXIST
    lfd = t.open("/dev/loop12", O_RDWR)         # devfs shows the new device
    config = LOOP_CONFIG.pack(img, 0, info(b"padded", LO_FLAGS_READ_ONLY, offset=8192))
    t.ioctl(lfd, LOOP_CONFIGURE, t.proc.mm.alloc(config))
    assert t.status(lfd)[3] == 8192 and t.status(lfd)[8] == LO_FLAGS_READ_ONLY
    assert t.get(lfd, BLKGETSIZE64, 8) == len(data)
    assert t.err(F.sys_pwrite64, lfd, t.proc.mm.alloc(b"x"), 1, 0) == EPERM
    with open(root / "padded.img", "ab") as f:  # the file grows: seen at LOOP_SET_CAPACITY
        f.write(bytes(1000))
    assert t.get(lfd, BLKGETSIZE64, 8) == len(data)
    t.ioctl(lfd, LOOP_SET_CAPACITY)
    assert t.get(lfd, BLKGETSIZE64, 8) == len(data) + 512                 # whole sectors
    t.ioctl(lfd, LOOP_SET_BLOCK_SIZE, 4096)
    assert t.get(lfd, BLKSSZGET, 4) == 4096
    assert t.err(F.sys_ioctl, lfd, LOOP_SET_BLOCK_SIZE, 3000) == EINVAL
    assert t.err(F.sys_ioctl, ctl, LOOP_CTL_REMOVE, 12) == EBUSY
    t(M.sys_mount, "/dev/loop12", "/mnt", "ext2", MS_RDONLY, 0)
    assert t.read_file("/mnt/hello.txt") == b"hello, ext2\n"
    t(M.sys_umount2, "/mnt", 0)
    t.ioctl(lfd, LOOP_CLR_FD)
    t(F.sys_close, lfd)
    assert t.ioctl(ctl, LOOP_CTL_REMOVE, 12) == 0
    assert t.err(S.sys_openat, AT_FDCWD, "/dev/loop12", O_RDONLY, 0) != 0
    assert t.err(F.sys_ioctl, ctl, LOOP_CTL_REMOVE, 12) == ENODEV


def test_mknod_of_a_loop_node_opens_the_driver(guest):
    """busybox's FEATURE_MOUNT_LOOP_CREATE: with no /dev/loopN, mount makes one with mknod. A
    block node anywhere (devfs, or the root's hostfs) opens the loop device of its number."""
    t, root = guest
    assert t(S.sys_mknodat, AT_FDCWD, "/dev/loop20", S_IFBLK | 0o644, makedev(7, 20)) == 0
    assert t.err(S.sys_mknodat, AT_FDCWD, "/dev/loop20", S_IFBLK | 0o644, makedev(7, 20)) == EEXIST
    lfd = t.open("/dev/loop20")
    assert t.err(F.sys_ioctl, lfd, LOOP_GET_STATUS64, t.proc.mm.alloc(232)) == ENXIO  # unbound
    assert t.ioctl(t.open("/dev/loop-control"), LOOP_CTL_GET_FREE) == 0
    assert t(S.sys_unlinkat, AT_FDCWD, "/dev/loop20", 0) == 0
    t(S.sys_mknodat, AT_FDCWD, "/mnt/disk", S_IFBLK | 0o644, makedev(7, 2))
    t.ioctl(t.open("/mnt/disk"), LOOP_SET_FD, t.open("/disk.img"))
    assert t.ioctl(t.open("/dev/loop-control"), LOOP_CTL_GET_FREE) == 0
    assert t.status(t.open("/dev/loop2"))[9].rstrip(b"\0") == b"/disk.img"
    assert t.err(M.sys_mount, "/dev/null", "/mnt", "ext2", MS_RDONLY, 0) == ENOTBLK
    assert t.err(M.sys_mount, "/dev/loop1", "/mnt", "ext2", MS_RDONLY, 0) == EINVAL  # unbound
