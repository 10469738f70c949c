"""tmpfs through the VFS: files, directories, links, FIFOs, rename, unlink of open files, times."""
import pytest

from kernel.errno import EEXIST, EINVAL, ENOENT, ENOTEMPTY, EXDEV, Errno
from kernel.pipe import PipeEnd
from kernel.tmpfs import TmpFS
from kernel.uapi import (O_APPEND, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_IFDIR,
                         S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, TMPFS_MAGIC)
from kernel.vfs import FsContext


@pytest.fixture
def fs():
    return FsContext(TmpFS())


def errno_of(fn, *a):
    with pytest.raises(Errno) as e:
        fn(*a)
    return e.value.errno


def test_files_and_dirs(fs):
    root = fs.root.inode
    root.mkdir("d", 0o755)
    d = fs.walk(fs.cwd, "/d").inode
    f = d.create("a", 0o644)
    assert errno_of(d.create, "a", 0o644) == EEXIST
    h = fs.open("/d/a", O_RDWR)
    assert h.write(b"hello") == 5 and h.pread(10, 1) == b"ello"
    h.seek(0, 0)
    assert h.read(100) == b"hello"
    h2 = fs.open("/d/a", O_WRONLY | O_APPEND)
    h2.write(b"!")
    assert fs.open("/d/a").read(100) == b"hello!"
    fs.open("/d/a", O_WRONLY | O_TRUNC)
    assert f.getattr().size == 0 and f.getattr().mode == S_IFREG | 0o644
    assert {e[0] for e in d.readdir()} == {"a"}
    assert errno_of(root.rmdir, "d") == ENOTEMPTY
    d.unlink("a")
    root.rmdir("d")
    assert errno_of(fs.walk, fs.cwd, "/d") == ENOENT
    assert fs.mounts.at(()).statfs()["ftype"] == TMPFS_MAGIC


def test_unlinked_open_file_keeps_data(fs):
    fs.root.inode.create("x", 0o600)
    h = fs.open("/x", O_RDWR)
    h.write(b"data")
    fs.root.inode.unlink("x")
    assert h.pread(10, 0) == b"data" and h.stat().nlink == 0


def test_links_symlinks_rename(fs):
    root = fs.root.inode
    f = root.create("f", 0o600)
    root.link("g", f)
    assert f.getattr().nlink == 2
    root.symlink("s", "f")
    assert fs.walk(fs.cwd, "/s", follow=False).inode.getattr().mode & S_IFMT == S_IFLNK
    assert fs.walk(fs.cwd, "/s").inode is f
    root.mkdir("d", 0o700)
    d = fs.walk(fs.cwd, "/d").inode
    root.rename("g", d, "h")
    assert fs.walk(fs.cwd, "/d/h").inode is f
    assert errno_of(root.rename, "f", d, "h", True) == EEXIST
    root.rename("f", d, "h")            # replaces: same inode anyway
    assert errno_of(root.rename, "d", d, "sub") == EINVAL       # into itself
    other = TmpFS().root
    assert errno_of(root.rename, "s", other, "s") == EXDEV


def test_fifo_and_times(fs):
    fs.root.inode.mknod("p", S_IFIFO | 0o644)
    loc = fs.walk(fs.cwd, "/p")
    assert loc.inode.getattr().mode & S_IFMT == S_IFIFO
    r = fs.open("/p", O_RDONLY | O_NONBLOCK)
    assert isinstance(r, PipeEnd)
    fs.root.inode.create("t", 0o600)
    inode = fs.walk(fs.cwd, "/t").inode
    inode.set_times(10**9, None)
    assert inode.getattr().atime_ns == 10**9
    assert fs.root.inode.getattr().mode & S_IFMT == S_IFDIR
