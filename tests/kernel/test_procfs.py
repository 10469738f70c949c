"""procfs contents in the layouts Linux documents (man 5 proc), over a small fake kernel."""
import re
import time
from types import SimpleNamespace

import numpy as np
import pytest

import translators

from kernel.errno import EACCES, ENOENT, Errno
from kernel.fdtable import FdTable
from kernel.frames import FrameAllocator
from kernel.pipe import make_pipe
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.process import Process, Thread
from kernel.procfs import ProcFS
from kernel.sched import Scheduler
from kernel.uapi import O_WRONLY
from kernel.namespace import make_root
from kernel.vfs import FsContext
from kernel.vm import AddressSpace


@pytest.fixture
def world(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "prog").write_bytes(b"\x7fELF")
    root = make_root(tmp_path)
    frames = FrameAllocator(np.zeros(8 << 20, dtype=np.uint8))
    k = SimpleNamespace(frames=frames, processes={}, boot_time=time.monotonic() - 5,
                        machine=SimpleNamespace(cpus=[0, 1]), abi=translators.load("riscv64").abi,
                        root=root, next_pid=3)
    k.sched = Scheduler(k)
    k.uptime = lambda: time.monotonic() - k.boot_time
    mm = AddressSpace(frames)
    mm.mmap(0x10000, 0x2000, PTE_R | PTE_X, True, name=str(tmp_path / "bin" / "prog"))
    mm.mmap(0x3ff0000, 0x10000, PTE_R | PTE_W, True, name="[stack]")
    mm.write(0x3ff0000, b"touch")               # one resident page
    fds = FdTable()
    r, w = make_pipe()
    fds.install(r), fds.install(w)
    init = SimpleNamespace(pid=1)
    p = Process(2, init, mm, fds, FsContext(root), comm="prog", exe=str(tmp_path / "bin" / "prog"),
                argv=[b"prog", b"-x"], pgid=2, sid=1)
    t = Thread(2, p, None, kernel=k)
    p.threads.append(t)
    k.processes[2] = p
    k.sched.current = t
    root.mount("/proc", ProcFS(k))
    return SimpleNamespace(k=k, p=p, fs=FsContext(root), pipe_ino=r.pipe.ino, tmp=tmp_path)


def read(world, path):
    f = world.fs.open(path)
    try:
        return f.pread(1 << 20, 0).decode()
    finally:
        f.put()


def test_self_and_pid_dirs(world):
    loc = world.fs.walk(world.fs.cwd, "/proc/self", follow=False)
    assert loc.inode.readlink() == "2"
    names = {e[0] for e in world.fs.walk(world.fs.cwd, "/proc").inode.readdir()}
    assert {"self", "2", "meminfo", "cpuinfo", "stat", "uptime", "loadavg", "mounts"} <= names
    assert world.fs.walk(world.fs.cwd, "/proc/self/exe", follow=False).inode.readlink() == \
        "/bin/prog"
    assert world.fs.walk(world.fs.cwd, "/proc/self/exe").inode.is_dir is False   # followed


def test_stat_fields(world):
    text = read(world, "/proc/self/stat")
    m = re.fullmatch(r"(\d+) \((.*)\) (\S) (.*)\n", text)
    assert m and m.group(1) == "2" and m.group(2) == "prog" and m.group(3) == "R"
    rest = m.group(4).split()
    assert len(rest) + 3 == 52                  # every field of proc(5) through exit_code
    assert rest[0] == "1" and rest[1] == "2" and rest[2] == "1"     # ppid pgrp session
    assert int(rest[19]) == 0x12000             # vsize: 8 KiB + 64 KiB
    assert int(rest[20]) == 1                   # rss pages


def test_status_cmdline_comm(world):
    status = read(world, "/proc/2/status")
    assert "Name:\tprog\n" in status and "Pid:\t2\n" in status and "PPid:\t1\n" in status
    assert re.search(r"VmRSS:\s+4 kB", status)
    assert read(world, "/proc/2/cmdline") == "prog\0-x\0"
    assert read(world, "/proc/2/comm") == "prog\n"


def test_maps(world):
    lines = read(world, "/proc/self/maps").splitlines()
    assert lines[0].startswith("00010000-00012000 r-xp 00000000 ")
    assert lines[0].endswith(" /bin/prog") and lines[0].index("/bin/prog") == 73
    assert lines[1].startswith("03ff0000-04000000 rw-p") and lines[1].endswith("[stack]")


def test_fd_links(world):
    fd0 = world.fs.walk(world.fs.cwd, "/proc/self/fd/0", follow=False)
    assert fd0.inode.readlink() == f"pipe:[{world.pipe_ino}]"
    w = world.fs.open("/proc/self/fd/1", O_WRONLY)      # reopens the pipe
    w.write(b"again")
    assert world.p.fds.get(0).read(10) == b"again"
    w.put()


def test_system_files(world):
    mem = read(world, "/proc/meminfo")
    assert re.match(r"MemTotal:\s+8192 kB\nMemFree:\s+\d+ kB\nMemAvailable:", mem)
    assert "SwapTotal:" in mem and "Cached:" in mem
    cpu = read(world, "/proc/cpuinfo")
    assert cpu.count("processor\t: ") == 2 and "isa\t\t: rv64imafdc" in cpu
    assert "mmu\t\t: sv39" in cpu
    st = read(world, "/proc/stat")
    assert re.match(r"cpu  \d+ 0 \d+ \d+ ", st) and "\ncpu1 " in st and "\nbtime " in st
    assert "\nprocs_running " in st and "\nprocesses 2\n" in st
    up, idle = map(float, read(world, "/proc/uptime").split())
    assert up >= 5
    assert re.fullmatch(r"\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n",
                        read(world, "/proc/loadavg"))
    assert read(world, "/proc/mounts").splitlines()[:3] == [
        "/dev/root / ext4 rw,relatime 0 0", "devtmpfs /dev devtmpfs rw,relatime,mode=755 0 0",
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0"]
    assert read(world, "/proc/version").startswith("Linux version ")
    assert "\tproc\n" in read(world, "/proc/filesystems")
    assert read(world, "/proc/sys/kernel/ostype") == "Linux\n"


def test_mountinfo(world):
    """man 5 proc's fields; IDs stay with a mount while it is covered and moved; a bind mount's
    root is the directory it shows; names are escaped as getmntent undoes it."""
    from kernel.syscalls.mount import BindMount
    from kernel.tmpfs import TmpFS
    root, host = world.k.root, world.fs.walk(world.fs.root, "/bin").inode.fs
    for d in ("mnt", "a b", "bin/sub"):
        (world.tmp / d).mkdir()
    tmpfs = TmpFS()
    root.mount("/mnt", tmpfs)
    root.set_propagation(("mnt",), True, False)
    root.mount("/a b", BindMount(world.fs.walk(world.fs.root, "/bin/sub"), root))
    dev = host.root.getattr().dev
    disk = f"{dev >> 8 & 0xFFF}:{dev & 0xFF | dev >> 12 & 0xFFF00}"
    assert read(world, "/proc/self/mountinfo").splitlines() == [
        f"1 1 {disk} / / rw,relatime - ext4 /dev/root rw",
        "2 1 0:5 / /dev rw,relatime - devtmpfs devtmpfs rw,mode=755",
        "3 1 0:22 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
        f"4 1 0:{tmpfs.dev & 0xFF} / /mnt rw,relatime shared:1 - tmpfs tmpfs rw",
        f"5 1 {disk} /bin/sub /a\\040b rw,relatime - ext4 /dev/root rw"]
    assert "/a\\040b" in read(world, "/proc/mounts")
    root.mount("/mnt", TmpFS())                 # covers mount 4 ...
    assert read(world, "/proc/self/mountinfo").splitlines()[-1].startswith("6 4 0:")
    root.unmount(("mnt",))                      # ... which shows again with its ID
    root.move(("mnt",), ("bin", "sub"))
    assert read(world, "/proc/self/mountinfo").splitlines()[3].startswith("4 1 0:")
    assert " / /bin/sub " in read(world, "/proc/self/mountinfo").splitlines()[3]


def test_read_only_and_missing(world):
    for path, err in [("/proc/meminfo", EACCES), ("/proc/99/stat", ENOENT)]:
        with pytest.raises(Errno) as e:
            world.fs.open(path, O_WRONLY)
        assert e.value.errno == err
