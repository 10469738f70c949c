"""The VFS below the system calls: path walks and confinement to the root directory, hostfs,
devfs and the console, open file descriptions and the fd table."""
import os
import stat
from types import SimpleNamespace

import pytest

from kernel.devfs import Console, DevFS, HostStream
from kernel.errno import (EBADF, EINVAL, ELOOP, EMFILE, ENOENT, ENOSPC, ENOTDIR, ENOTTY, ESPIPE,
                          Errno)
from kernel.fdtable import FdTable
from kernel.namespace import make_root
from kernel.uapi import O_RDONLY, O_RDWR, O_WRONLY, TCGETS, TIOCGWINSZ, DEFAULT_TERMIOS, Termios
from kernel.vfs import File, FsContext
from tests.kernel.fakes import FakeMM
from translators.riscv64 import abi as riscv64_abi


def errno_of(fn, *args, **kw):
    with pytest.raises(Errno) as e:
        fn(*args, **kw)
    return e.value.errno


@pytest.fixture
def root(tmp_path):
    """<tmp>/root is the guest root; <tmp>/outside holds host files the guest must not see."""
    r = tmp_path / "root"
    (r / "etc").mkdir(parents=True)
    (r / "etc" / "passwd").write_text("guest passwd\n")
    (r / "bin").mkdir()
    (r / "bin" / "sh").write_bytes(b"\x7fELF")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_text("host secret\n")
    return r


@pytest.fixture
def fs(root):
    return FsContext(make_root(str(root)))


def read_all(fs, path, **kw):
    f = fs.open(path, **kw)
    try:
        return f.read(1 << 20)
    finally:
        f.put()


# ---- walking ------------------------------------------------------------------------------------
def test_walk_gives_canonical_paths(fs, root):
    (root / "a" / "b").mkdir(parents=True)
    assert fs.walk(fs.cwd, "/a/./b//").pathname == "/a/b"
    assert fs.walk(fs.cwd, "a/b/../b").path == ("a", "b")
    assert fs.walk(fs.cwd, "/").pathname == "/"
    assert errno_of(fs.walk, fs.cwd, "") == ENOENT
    assert errno_of(fs.walk, fs.cwd, "/etc/passwd/") == ENOTDIR
    assert errno_of(fs.walk, fs.cwd, "/etc/passwd/x") == ENOTDIR
    assert errno_of(fs.walk, fs.cwd, "/nope/x") == ENOENT


def test_dotdot_at_root_stays_at_root(fs, root):
    (root / "a").mkdir()
    assert read_all(fs, "/../../../etc/passwd") == b"guest passwd\n"
    assert read_all(fs, "a/../../../../../etc/passwd") == b"guest passwd\n"
    assert fs.walk(fs.walk(fs.cwd, "/a"), "../../..").path == ()
    assert errno_of(fs.walk, fs.cwd, "/../outside/secret") == ENOENT


def test_absolute_symlink_resolves_inside_the_root(fs, root):
    os.symlink("/etc/passwd", root / "pw")
    os.symlink("../../../../etc/passwd", root / "bin" / "rel")
    assert read_all(fs, "/pw") == b"guest passwd\n"
    assert read_all(fs, "/bin/rel") == b"guest passwd\n"
    assert fs.walk(fs.cwd, "/pw").pathname == "/etc/passwd"
    assert fs.walk(fs.cwd, "/pw", follow=False).inode.is_link


def test_host_symlinks_to_outside_do_not_escape(fs, root, tmp_path):
    os.symlink(str(tmp_path / "outside"), root / "abs")      # an absolute host path
    os.symlink("../outside", root / "rel")                   # climbs out on the host
    assert errno_of(fs.walk, fs.cwd, "/abs/secret") == ENOENT
    assert errno_of(fs.walk, fs.cwd, "/rel/secret") == ENOENT
    assert errno_of(fs.open, "/abs/secret") == ENOENT


def test_symlink_loops_give_eloop(fs, root):
    os.symlink("b", root / "a")
    os.symlink("a", root / "b")
    os.symlink("self", root / "self")
    assert errno_of(fs.walk, fs.cwd, "/a") == ELOOP
    assert errno_of(fs.walk, fs.cwd, "/self/x") == ELOOP
    assert fs.walk(fs.cwd, "/a", follow=False).inode.is_link    # not following is fine


def test_forty_links_are_fine_and_forty_one_are_not(fs, root):
    os.symlink("/etc/passwd", root / "l0")
    for i in range(1, 41):
        os.symlink(f"l{i - 1}", root / f"l{i}")
    assert read_all(fs, "/l39") == b"guest passwd\n"         # 40 links
    assert errno_of(fs.walk, fs.cwd, "/l40") == ELOOP        # 41 links


def test_pinned_directory_survives_a_swap_to_a_symlink(fs, root, tmp_path):
    """A racing rename cannot redirect a directory we already hold to a host path."""
    (root / "d").mkdir()
    (root / "d" / "f").write_text("inside")
    held = fs.walk(fs.cwd, "/d")
    os.rename(root / "d", root / "moved")
    os.symlink(str(tmp_path / "outside"), root / "d")
    assert held.inode.lookup("f").open(O_RDONLY).read(10) == b"inside"
    assert errno_of(held.inode.lookup, "secret") == ENOENT
    assert fs.walk(fs.cwd, "/d", follow=False).inode.is_link
    assert errno_of(fs.walk, fs.cwd, "/d/secret") == ENOENT


def test_hostfs_refuses_names_the_host_would_resolve(fs):
    rootdir = fs.root.inode
    for bad in ("..", ".", "a/b", ""):
        assert errno_of(rootdir.lookup, bad) == EINVAL
        assert errno_of(rootdir.create, bad, 0o644) == EINVAL


def test_file_inode_has_no_children(fs):
    passwd = fs.walk(fs.cwd, "/etc/passwd").inode
    assert errno_of(passwd.lookup, "x") == ENOTDIR       # never a lookup relative to host cwd


def test_host_special_files_are_not_opened(fs, root):
    import socket
    from kernel.errno import ENXIO
    from kernel.pipe import PipeEnd
    from kernel.sched import WouldBlock
    from kernel.uapi import O_NONBLOCK
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(root / "sock"))
        assert errno_of(fs.open, "/sock") == ENXIO
    # A FIFO is the kernel's named pipe: the host FIFO itself is never opened.
    os.mkfifo(root / "fifo")
    with pytest.raises(WouldBlock):
        fs.open("/fifo")                        # a reader waits for a writer
    f = fs.open("/fifo", O_RDONLY | O_NONBLOCK)
    assert isinstance(f, PipeEnd) and f.read(10) == b""
    f.put()


def test_stat_reports_root_ownership(fs, root):
    st = fs.walk(fs.cwd, "/etc/passwd").inode.getattr()
    assert (st.uid, st.gid, st.size) == (0, 0, 13)
    assert stat.S_ISREG(st.mode)


# ---- mounts and devfs ---------------------------------------------------------------------------
def test_dev_is_mounted_even_without_a_dev_directory(fs):
    loc = fs.walk(fs.cwd, "/dev/null")
    st = loc.inode.getattr()
    assert stat.S_ISCHR(st.mode) and (st.rdev_major, st.rdev_minor) == (1, 3)
    assert fs.walk(fs.cwd, "/dev/..").path == ()
    names = [e[0] for e in _listing(fs, "/")]
    assert names[:2] == [".", ".."] and "dev" in names


def _listing(fs, path):
    d = fs.open(path)
    d.getdents(1 << 16)
    return d.entries


@pytest.mark.parametrize("name,major,minor", [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7),
                                              ("random", 1, 8), ("urandom", 1, 9),
                                              ("tty", 5, 0), ("console", 5, 1)])
def test_device_numbers(fs, name, major, minor):
    st = fs.walk(fs.cwd, f"/dev/{name}").inode.getattr()
    assert stat.S_ISCHR(st.mode) and (st.rdev_major, st.rdev_minor) == (major, minor)


def test_memory_devices(fs):
    null, zero, full, rnd = (fs.open(f"/dev/{n}", O_RDWR)
                             for n in ("null", "zero", "full", "urandom"))
    assert null.read(10) == b"" and null.write(b"abc") == 3
    assert zero.read(5) == b"\0" * 5 and zero.write(b"x") == 1
    assert full.read(3) == b"\0" * 3 and errno_of(full.write, b"x") == ENOSPC
    assert len(rnd.read(16)) == 16
    assert null.seek(100, 0) == 0


def test_dev_symlinks_point_at_proc(fs):
    assert fs.walk(fs.cwd, "/dev/stdout", follow=False).inode.readlink() == "/proc/self/fd/1"
    assert errno_of(fs.walk, fs.cwd, "/dev/stdout") == ENOENT     # until procfs is mounted


class FakeThread:
    kernel = SimpleNamespace(abi=riscv64_abi)      # asm-generic uapi values

    def __init__(self):
        self.proc = type("P", (), {"mm": FakeMM(4096, base=0), "pid": 1})()


def test_console_is_a_terminal_even_over_pipes():
    r, w = os.pipe()
    r2, w2 = os.pipe()
    try:
        con = Console(rfd=r, wfd=w2)
        assert con.write(b"hello") == 5 and os.read(r2, 10) == b"hello"
        os.write(w, b"typed\n")
        assert con.read(100) == b"typed\n"
        t = FakeThread()
        assert con.ioctl(t, TCGETS, 0) == 0
        assert Termios.unpack(t.proc.mm.read(0, 36)) == Termios.unpack(DEFAULT_TERMIOS.pack())
        con.ioctl(t, TIOCGWINSZ, 100)
        assert t.proc.mm.read(100, 4) == bytes([24, 0, 80, 0])
        assert errno_of(con.seek, 0, 0) == ESPIPE
        assert errno_of(con.ioctl, t, 0x1234, 0) == ENOTTY
    finally:
        for fd in (r, w, r2, w2):
            os.close(fd)


def test_host_stream_passes_through_and_is_no_tty_over_a_pipe():
    r, w = os.pipe()
    try:
        out = HostStream(w, O_WRONLY)
        assert out.write(b"x" * 10) == 10 and os.read(r, 20) == b"x" * 10
        assert errno_of(out.ioctl, FakeThread(), TCGETS, 0) == ENOTTY
        assert errno_of(out.seek, 0, 1) == ESPIPE
        assert stat.S_ISFIFO(out.stat().mode)
        out.put()
        os.write(w, b"still open")      # a guest close never closes the VM's own fd
    finally:
        os.close(r)
        os.close(w)


# ---- open files and the fd table ----------------------------------------------------------------
class Counted(File):
    released = 0

    def release(self):
        Counted.released += 1


def test_fdtable_lowest_free_and_limits():
    fds = FdTable(limit=4)
    assert [fds.install(Counted()) for _ in range(4)] == [0, 1, 2, 3]
    assert errno_of(fds.install, Counted()) == EMFILE
    fds.close(1)
    assert fds.install(Counted()) == 1
    fds.close(2)
    assert errno_of(fds.install, Counted(), minfd=3) == EMFILE     # 2 is free, but below minfd
    assert errno_of(fds.close, 7) == EBADF
    assert errno_of(fds.get, -1) == EBADF
    assert errno_of(fds.install_at, 4, Counted()) == EBADF


def test_fdtable_refcounts_dup_fork_and_exec():
    Counted.released = 0
    fds = FdTable()
    f = Counted()
    a = fds.install(f)
    b = fds.install(f.get(), cloexec=True)
    child = fds.clone()
    fds.close(a)
    assert Counted.released == 0
    fds.close_on_exec()
    assert b not in fds.files and Counted.released == 0
    child.close_all()
    assert Counted.released == 1


def test_dup_shares_the_offset(fs):
    fds = FdTable()
    a = fds.install(fs.open("/etc/passwd"))
    b = fds.install(fds.get(a).get())
    assert fds.get(a).read(6) == b"guest "
    assert fds.get(b).read(6) == b"passwd"


def test_with_stdio_wraps_host_fds():
    fds = FdTable.with_stdio()
    assert all(isinstance(fds.get(fd), HostStream) for fd in fds.files)
    assert set(fds.files) <= {0, 1, 2}


def test_fork_shares_mounts_but_not_cwd(fs, root):
    (root / "a").mkdir()
    child = fs.clone()
    child.chdir(child.walk(child.cwd, "/a"))
    assert child.cwd.pathname == "/a" and fs.cwd.pathname == "/"
    assert child.mounts is fs.mounts
    assert isinstance(child.mounts.at(("dev",)), DevFS)


def test_make_root_is_one_shared_namespace(root):
    from kernel.vfs import MountTable
    mounts = make_root(str(root))
    assert isinstance(mounts, MountTable) and isinstance(mounts.at(("dev",)), DevFS)
    assert mounts.read_file("/etc/passwd") == b"guest passwd\n"
    with pytest.raises(Errno) as e:
        mounts.read_file("/nope")
    assert e.value.errno == ENOENT
    a, b = FsContext(mounts), FsContext(mounts)
    a.chdir("/etc")                     # the lead's session passes a str
    assert a.cwd.pathname == "/etc" and b.cwd.pathname == "/" and a.mounts is b.mounts


def test_mounts_stack_and_shared_ones_propagate(fs):
    """Linux's sharedsubtree.rst, as busybox's mount.tests "mount bind+rshared" uses it: a
    mount over a mount hides it until unmounted; a mount inside a shared mount appears in its
    peers; a bind of a shared mount is a peer."""
    from kernel.tmpfs import TmpFS
    mounts = fs.mounts
    a, b, c, d = TmpFS(), TmpFS(), TmpFS(), TmpFS()
    mounts.mount("/s1", a)
    mounts.mount("/s1/sub", d)
    mounts.mount("/s2", b)
    mounts.set_propagation(("s2",), shared=True, recursive=True)
    mounts.mount(("s1",), b, group=mounts.group[("s2",)])     # mount --bind s2 s1
    assert mounts.at(("s1",)) is b and mounts.at(("s1", "sub")) is None   # a and d hidden
    mounts.mount(("s2", "x"), c)                                 # inside s2 -> also in s1
    assert mounts.at(("s1", "x")) is c and mounts.at(("s2", "x")) is c
    assert mounts.group[("s1", "x")] == mounts.group[("s2", "x")]   # the copies are peers
    mounts.unmount(("s1",))
    assert mounts.at(("s1",)) is a and mounts.at(("s1", "sub")) is d and ("s1", "x") not in mounts.fs
    mounts.move(("s1",), ("m",))
    assert mounts.at(("m", "sub")) is d and mounts.at(("s1",)) is None
    with pytest.raises(Errno):
        mounts.set_propagation(("nowhere",), shared=True, recursive=False)


def test_mountpoint_entries_carry_the_mounted_inode(fs, root):
    (root / "dev").mkdir()
    listing = _listing(fs, "/")
    assert [name for name, _, _ in listing].count("dev") == 1
    assert dict((n, i) for n, i, _ in listing)["dev"] == fs.walk(fs.cwd, "/dev").inode.ino == 1


def test_a_file_swapped_for_a_symlink_is_not_followed(fs, root, tmp_path):
    inode = fs.walk(fs.cwd, "/etc/passwd").inode
    os.unlink(root / "etc" / "passwd")
    os.symlink(str(tmp_path / "outside" / "secret"), root / "etc" / "passwd")
    assert errno_of(inode.open, O_RDONLY) == ELOOP
    assert errno_of(inode.truncate, 0) == ELOOP
    from kernel.errno import EOPNOTSUPP
    assert errno_of(inode.chmod, 0o777) == EOPNOTSUPP
    inode.set_times(0, 0)                       # lutimes: touches the link, not the target
    assert os.stat(tmp_path / "outside" / "secret").st_mtime_ns != 0
    assert (tmp_path / "outside" / "secret").read_text() == "host secret\n"


def test_host_errors_become_errno():
    import termios
    from kernel.vfs import host_errors
    for exc, want in [(FileNotFoundError(ENOENT, "x"), ENOENT),
                      (termios.error(ENOTTY, "x"), ENOTTY), (OSError("no errno"), EINVAL)]:
        with pytest.raises(Errno) as e, host_errors():
            raise exc
        assert e.value.errno == want
