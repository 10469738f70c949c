"""procfs: the process and system information file system mounted at /proc (Linux fs/proc/).

  /proc/self -> <pid>, thread-self -> <pid>/task/<tid>, mounts -> self/mounts
  /proc/<pid>/  stat statm status cmdline comm environ maps mounts mountinfo exe cwd root fd/
                task/<tid>/
  /proc/meminfo cpuinfo stat uptime loadavg version filesystems sys/kernel/... sys/fs/...
  /proc/kmsg (the kernel log, consumed as read: kernel/printk.py)

Every file is generated when it is opened (a snapshot: reading it twice through one descriptor
gives the same text) and reports size 0, as Linux does. The layouts are the documented ones
(Documentation/filesystems/proc.rst, man 5 proc); they are what busybox ps, top, free, uptime,
mount and df parse. "self" means the thread running the current system call (k.sched.current).

Process fields come from kernel/process.py; the optional ones are read with getattr and a default:
  p.start_time (k.uptime() at creation), times and faults from kernel/rusage.py,
  p.envp (list of bytes), p.state ("R", "S", "T", "Z"), t.state (kernel/sched.py letters).
"""
import os
import time

from kernel import params, rusage
from kernel.errno import EACCES, EAGAIN, ENOENT, ENXIO, Errno
from kernel.hostfs import host_fds
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.rusage import ticks
from kernel.sched import SUBMITTED, WouldBlock
from kernel.sock import PROC_NET
from kernel.tty import controlling_tty
from kernel.uapi import (O_ACCMODE, O_NONBLOCK, O_RDONLY, POLLIN, POLLRDNORM, PROC_SUPER_MAGIC,
                         S_IFDIR, S_IFLNK, S_IFREG, Stat, dtype, makedev)
from kernel.vfs import File, FileSystem, Inode, Location

PROC_DEV = makedev(0, 22)
HZ = 100                    # USER_HZ: the unit of every tick count in /proc
PAGE = params.PAGE_SIZE
STATE_NAMES = {"R": "R (running)", "S": "S (sleeping)", "T": "T (stopped)", "Z": "Z (zombie)",
               "X": "X (dead)"}


# ---- inodes ------------------------------------------------------------------------------------
class ProcInode(Inode):
    owner = None        # -> (uid, gid): a process's files are its (ps reads its USER here)

    def __init__(self, fs, ino, mode):
        self.fs, self.ino, self.mode = fs, ino, mode

    def getattr(self):
        t = self.fs.boot_ns
        uid, gid = self.owner() if self.owner else (0, 0)
        return Stat(dev=PROC_DEV, ino=self.ino, mode=self.mode, uid=uid, gid=gid,
                    nlink=2 if self.is_dir else 1, blksize=1024, atime_ns=t, mtime_ns=t,
                    ctime_ns=t)


class ProcDir(ProcInode):
    """A directory whose entries come from `children()` -> {name: Inode}, asked afresh."""

    def __init__(self, fs, ino, children):
        super().__init__(fs, ino, S_IFDIR | 0o555)
        self.children = children

    def lookup(self, name):
        try:
            return self.children()[name]
        except KeyError:
            raise Errno(ENOENT) from None

    def readdir(self):
        return [(name, i.ino, dtype(i.mode)) for name, i in self.children().items()]


class ProcText(ProcInode):
    """A read-only file whose text `make()` produces at open."""

    def __init__(self, fs, ino, make, perm=0o444):
        super().__init__(fs, ino, S_IFREG | perm)
        self.make = make

    def open(self, flags):
        if flags & O_ACCMODE != O_RDONLY:
            raise Errno(EACCES)
        data = self.make()
        return ProcFile(data.encode() if isinstance(data, str) else data)


class Kmsg(ProcInode):
    """/proc/kmsg: reading consumes the kernel log, waiting while nothing is unread (as
    syslog(2)'s SYSLOG_ACTION_READ; only for root, mode 0400)."""

    def __init__(self, fs, ino):
        super().__init__(fs, ino, S_IFREG | 0o400)

    def open(self, flags):
        if flags & O_ACCMODE != O_RDONLY:
            raise Errno(EACCES)
        return KmsgFile(self.fs.k.klog)


class KmsgFile(File):
    def __init__(self, klog):
        super().__init__()
        self.klog = klog

    def read(self, n):
        if not self.klog.unread():
            if self.flags & O_NONBLOCK:
                raise Errno(EAGAIN)
            raise WouldBlock(self.klog.wq)
        return self.klog.consume(n)

    def poll_mask(self):
        return POLLIN | POLLRDNORM if self.klog.unread() else 0

    def wait_queues(self):
        return (self.klog.wq,)


class ProcLink(ProcInode):
    def __init__(self, fs, ino, target, follow=None):
        super().__init__(fs, ino, S_IFLNK | 0o777)
        self.target, self._follow = target, follow

    def readlink(self):
        target = self.target()
        if target is None:
            raise Errno(ENOENT)
        return target

    def follow(self):
        return self._follow() if self._follow else None


class ProcFile(File):
    seekable = True

    def __init__(self, data):
        super().__init__()
        self.data = data

    def pread(self, n, offset):
        return self.data[offset:offset + n]

    def size(self):
        return len(self.data)


class Reopen(ProcInode):
    """What /proc/<pid>/fd/N leads to when the file has no path (a pipe, the VM's stdio):
    opening it makes a new description of the same object, as Linux does for pipes."""

    def __init__(self, fs, ino, f):
        # No file type in `mode`: the VFS must call our open(), not treat a pipe as a FIFO to
        # rendezvous on. stat() still reports the real type (getattr below).
        super().__init__(fs, ino, f.stat().mode & 0o7777)
        self.f = f

    def getattr(self):
        return self.f.stat()

    def open(self, flags):
        f = self.f
        if hasattr(f, "reopen"):
            return f.reopen(flags)
        from kernel.devfs import Console, HostStream
        if isinstance(f, HostStream):
            return HostStream(f.fd, flags & O_ACCMODE)
        if isinstance(f, Console):
            return Console(f.rfd, f.wfd)
        raise Errno(ENXIO)


# ---- the file system ---------------------------------------------------------------------------
class ProcFS(FileSystem):
    fstype = "proc"

    def __init__(self, kernel):
        self.k = kernel
        self.boot_ns = time.time_ns()
        fixed = {"meminfo": meminfo, "cpuinfo": cpuinfo, "stat": stat, "uptime": uptime,
                 "loadavg": loadavg, "version": version, "filesystems": filesystems}
        self.top = {name: ProcText(self, 2 + i, lambda fn=fn: fn(self.k))
                    for i, (name, fn) in enumerate(fixed.items())}
        self.top["self"] = ProcLink(self, 20, lambda: self._self("{pid}"))
        self.top["thread-self"] = ProcLink(self, 21, lambda: self._self("{pid}/task/{tid}"))
        self.top["mounts"] = ProcLink(self, 22, lambda: "self/mounts")
        self.top["kmsg"] = Kmsg(self, 23)
        self.top["sys"] = self._tree(30, sys_tree(kernel))
        # /proc/net: the tables the socket families register (kernel/sock.py PROC_NET)
        self.top["net"] = ProcDir(self, 40, lambda: {
            name: ProcText(self, 4001 + i, fn)
            for i, (name, fn) in enumerate(sorted(PROC_NET.items()))})
        self.root = ProcDir(self, 1, self._root_children)

    def statfs(self):
        return dict(ftype=PROC_SUPER_MAGIC, bsize=4096, blocks=0, bfree=0, bavail=0, files=0,
                    ffree=0)

    def _tree(self, ino, spec):
        """A fixed directory tree from {name: text-function or sub-dict}."""
        kids, n = {}, ino * 100
        for name, v in spec.items():
            n += 1
            kids[name] = self._tree(n, v) if isinstance(v, dict) else ProcText(self, n, v)
        return ProcDir(self, ino, lambda: kids)

    def current(self):
        return getattr(self.k.sched, "current", None)

    def _self(self, fmt):
        t = self.current()
        return fmt.format(pid=t.proc.pid, tid=t.tid) if t is not None else None

    def _root_children(self):
        kids = dict(self.top)
        for pid, p in sorted(self.k.processes.items()):
            kids[str(pid)] = self.pid_dir(p)
        return kids

    # ---- /proc/<pid> ---------------------------------------------------------------------------
    def pid_dir(self, p, t=None):
        """/proc/<pid> (t None) or /proc/<pid>/task/<tid>: the same files, one for a thread."""
        base = 0x100000 + ((t.tid if t else p.pid) << 6) + (0x20 if t else 0)
        k = self.k
        texts = {"stat": lambda: proc_stat(k, p, t), "statm": lambda: proc_statm(p),
                 "status": lambda: proc_status(k, p, t), "cmdline": lambda: cmdline(p),
                 "comm": lambda: p.comm + "\n", "environ": lambda: environ(p),
                 "maps": lambda: maps(k, p), "mounts": lambda: mounts(p),
                 "mountinfo": lambda: mountinfo(p)}
        kids = {name: ProcText(self, base + i, fn) for i, (name, fn) in enumerate(texts.items())}
        kids["exe"] = ProcLink(self, base + 10, lambda: guest_path(k, p.exe) or None)
        kids["cwd"] = ProcLink(self, base + 11, lambda: p.fs.shown(p.fs.fresh(p.fs.cwd)),
                               lambda: p.fs.fresh(p.fs.cwd))
        kids["root"] = ProcLink(self, base + 12, lambda: "/", lambda: p.fs.root)
        kids["fd"] = ProcDir(self, base + 13, lambda: self.fd_links(p))
        if t is None:
            kids["task"] = ProcDir(self, base + 14, lambda: {
                str(th.tid): self.pid_dir(p, th) for th in p.threads})
        d = ProcDir(self, base, lambda: kids)
        for node in (d, *kids.values()):
            node.owner = lambda: (p.creds.euid, p.creds.egid)
        return d

    def fd_target(self, f, ino, path):
        """Where following /proc/<pid>/fd/N leads: the file's own object where it can be reopened
        (kept at its path, which readlink and getcwd show), else the place it was opened."""
        if f.loc is not None and not f.reopen_by_fd:
            return f.loc
        return Location(f.loc.path if f.loc else path, Reopen(self, ino, f))

    def fd_links(self, p):
        out = {}
        for fd, f in sorted(p.fds.files.items()):
            ino = 0x40000000 + (p.pid << 12) + fd
            path = ("proc", str(p.pid), "fd", str(fd))
            out[str(fd)] = ProcLink(self, ino, lambda f=f: describe(self.k, f),
                                    lambda f=f, ino=ino, path=path: self.fd_target(f, ino, path))
        return out


# ---- contents ----------------------------------------------------------------------------------
def guest_path(k, path):
    """A host path under the root file system as the guest names it (the first program's exe is
    given to the kernel as a host path); other paths unchanged."""
    hostroot = getattr(k.root.at(()) if hasattr(k.root, "at") else k.root, "hostroot", None)
    if hostroot and path:
        full = os.path.abspath(path)
        if full == hostroot or full.startswith(hostroot + "/"):
            return full[len(hostroot):] or "/"
    return path


def describe(k, f):
    """readlink of /proc/<pid>/fd/N."""
    if f.loc is not None:
        return f.loc.pathname
    if hasattr(f, "pipe"):
        return f"pipe:[{f.pipe.ino}]"
    if hasattr(f, "link_name"):
        return f.link_name
    from kernel.devfs import HostStream
    if isinstance(f, HostStream):   # the VM's stdio: what the host says, as a guest path if it can
        try:
            return guest_path(k, os.readlink(f"/proc/self/fd/{f.fd}"))
        except OSError:
            pass
    return "/dev/console"


def _state(p, t=None):
    if p.exited:
        return "Z"
    if t is None and hasattr(p, "state"):
        return p.state
    # a thread whose system call waits for or runs on the system-call CPU is running, for Linux
    states = ["R" if th.state == SUBMITTED else th.state for th in ([t] if t else p.threads)]
    for s in ("R", "S", "T"):
        if s in states:
            return s
    return "S"


def _rss_pages(mm):
    pt = getattr(mm, "pt", None)
    return pt.resident() if pt is not None else 0


def _vm(p):
    vmas = list(getattr(p.mm, "vmas", ()))
    size = sum(v.end - v.start for v in vmas)
    stack = sum(v.end - v.start for v in vmas if v.name == "[stack]")
    exe = sum(v.end - v.start for v in vmas if v.perm & PTE_X)
    return vmas, size, stack, exe


def _tty(k, p):
    """tty_nr and tpgid: p's controlling terminal and its foreground group (0 and -1: none)."""
    tty = controlling_tty(k, p)
    return (tty.rdev, tty.pgrp or -1) if tty is not None else (0, -1)


def proc_stat(k, p, t=None):
    vmas, vsize, _, _ = _vm(p)
    starttime = int(getattr(p, "start_time", 0.0) * HZ)
    code = [v for v in vmas if v.perm & PTE_X]
    stack = [v for v in vmas if v.name == "[stack]"]
    heap = [v for v in vmas if v.name == "[heap]"]
    nthreads = max(1, len(p.threads))
    u = rusage.of_thread(t) if t else rusage.of_process(p)
    c = rusage.of_children(p)
    fields = [
        (t.tid if t else p.pid), f"({p.comm})", _state(p, t), p.ppid, p.pgid, p.sid,
        *_tty(k, p), 0x400000,                              # tty_nr, tpgid, flags
        u.minflt, c.minflt, u.majflt, c.majflt,
        ticks(u.utime_ns), ticks(u.stime_ns), ticks(c.utime_ns), ticks(c.stime_ns),
        20, 0, nthreads, 0, starttime, vsize, _rss_pages(p.mm),
        (1 << 64) - 1,                                      # rsslim: RLIM_INFINITY
        code[0].start if code else 0, code[-1].end if code else 0,
        stack[0].end if stack else 0, 0, 0,                 # startstack kstkesp kstkeip
        0, 0, 0, 0, 0, 0, 0,                                # signal blocked ignore catch wchan..
        17, _last_cpu(p, t), 0, 0, 0, 0, 0,                 # exit_signal processor rt policy ...
        heap[0].start if heap else 0, heap[0].end if heap else 0,     # start_data end_data
        getattr(p.mm, "brk_start", 0), 0, 0, 0, 0,          # start_brk arg_* env_*
        p.exit_code or 0,
    ]
    return " ".join(map(str, fields)) + "\n"


def _last_cpu(p, t):
    t = t or (p.threads[0] if p.threads else None)
    return t.last_cpu if t is not None else 0


def proc_statm(p):
    _, size, _, exe = _vm(p)
    rss = _rss_pages(p.mm)
    return f"{size // PAGE} {rss} 0 {exe // PAGE} 0 {(size - exe) // PAGE} 0\n"


def proc_status(k, p, t=None):
    _, size, stack, exe = _vm(p)
    rss_kb = _rss_pages(p.mm) * PAGE // 1024
    c = p.creds
    sigs = "0" * 16
    t0 = t or (p.threads[0] if p.threads else None)
    mask = (1 << len(k.machine.cpus)) - 1
    mask &= t0.affinity if t0 is not None else mask
    lines = [
        ("Name", p.comm), ("Umask", f"{p.umask:04o}"), ("State", STATE_NAMES[_state(p, t)]),
        ("Tgid", p.pid), ("Ngid", 0), ("Pid", t.tid if t else p.pid), ("PPid", p.ppid),
        ("TracerPid", 0), ("Uid", f"{c.uid}\t{c.euid}\t{c.suid}\t{c.euid}"),
        ("Gid", f"{c.gid}\t{c.egid}\t{c.sgid}\t{c.egid}"), ("FDSize", 64),
        ("Groups", " ".join(map(str, c.groups))),
        ("VmPeak", f"{size // 1024:8d} kB"), ("VmSize", f"{size // 1024:8d} kB"),
        ("VmLck", "       0 kB"), ("VmPin", "       0 kB"),
        ("VmHWM", f"{rss_kb:8d} kB"), ("VmRSS", f"{rss_kb:8d} kB"),
        ("VmData", f"{(size - stack - exe) // 1024:8d} kB"), ("VmStk", f"{stack // 1024:8d} kB"),
        ("VmExe", f"{exe // 1024:8d} kB"), ("VmLib", "       0 kB"), ("VmSwap", "       0 kB"),
        ("Threads", max(1, len(p.threads))), ("SigQ", "0/63432"),
        ("SigPnd", sigs), ("ShdPnd", sigs), ("SigBlk", sigs), ("SigIgn", sigs), ("SigCgt", sigs),
        ("CapInh", sigs), ("CapPrm", "000001ffffffffff"), ("CapEff", "000001ffffffffff"),
        ("CapBnd", "000001ffffffffff"), ("CapAmb", sigs), ("NoNewPrivs", 0), ("Seccomp", 0),
        ("Cpus_allowed", f"{mask:x}"), ("Cpus_allowed_list", _cpu_list(mask)),
        ("voluntary_ctxt_switches", 0), ("nonvoluntary_ctxt_switches", 0),
    ]
    return "".join(f"{name}:\t{value}\n" for name, value in lines)


def _cpu_list(mask):
    """A CPU mask as Linux lists it: "0-3", "1", "0,2"."""
    cpus = [i for i in range(mask.bit_length()) if mask >> i & 1]
    runs, start = [], None
    for i, c in enumerate(cpus):
        if start is None:
            start = c
        if i + 1 == len(cpus) or cpus[i + 1] != c + 1:
            runs.append(f"{start}-{c}" if c != start else f"{c}")
            start = None
    return ",".join(runs)


def _bytes(x):
    return x if isinstance(x, bytes) else os.fsencode(x)


def cmdline(p):
    if p.exited:
        return b""      # a zombie has no memory, so no command line
    return b"".join(_bytes(a) + b"\0" for a in p.argv)


def environ(p):
    return b"".join(_bytes(e) + b"\0" for e in getattr(p, "envp", ()))


def maps(k, p):
    lines = []
    for v in getattr(p.mm, "vmas", ()):
        perms = ("r" if v.perm & PTE_R else "-") + ("w" if v.perm & PTE_W else "-") + \
            ("x" if v.perm & PTE_X else "-") + ("s" if v.shared else "p")
        dev, ino, off = "00:00", 0, 0
        if v.backing is not None and v.name and not v.name.startswith("["):
            off = v.offset
            f = getattr(v.backing, "f", None)
            if f is not None:
                try:
                    st = f.stat()
                    dev, ino = f"{st.dev >> 8 & 0xFFF:02x}:{st.dev & 0xFF:02x}", st.ino
                except Errno:
                    pass
        head = f"{v.start:08x}-{v.end:08x} {perms} {off:08x} {dev} {ino} "
        name = guest_path(k, v.name) if v.name else ""
        lines.append(f"{head:<72} {name}" if name else head)
    return "".join(line + "\n" for line in lines)


_MOUNT_SOURCE = {"ext4": "/dev/root", "devtmpfs": "devtmpfs", "proc": "proc", "tmpfs": "tmpfs"}
_MOUNT_OPTS = {"proc": "rw,nosuid,nodev,noexec,relatime", "devtmpfs": "rw,relatime,mode=755"}


# The per-mount flags (fs/proc_namespace.c show_mnt_opts); other options are the file system's.
_MOUNT_FLAGS = {"rw", "ro", "nosuid", "nodev", "noexec", "noatime", "nodiratime", "relatime"}


def _mangle(text):
    """A name as the mount tables write it: space, tab, newline and backslash as octal escapes
    (fs/proc_namespace.c mangle), which getmntent and libmount undo."""
    return "".join(f"\\{ord(c):03o}" if c in " \t\n\\" else c for c in text)


def _mount_rows(p):
    """(path, fs, source, options) of each mount, in the order they were made (as Linux lists
    them: by mount ID)."""
    ids = p.fs.mounts.ids
    for path, fs in sorted(p.fs.mounts.fs.items(), key=lambda item: ids[item[0]]):
        src = fs.source or _MOUNT_SOURCE.get(fs.fstype, fs.fstype)
        opts = _MOUNT_OPTS.get(fs.fstype, "rw,relatime")
        yield path, fs, src, "ro" + opts[2:] if fs.readonly else opts


def mounts(p):
    return "".join(f"{_mangle(src)} {_mangle('/' + '/'.join(path))} {fs.fstype} {opts} 0 0\n"
                   for path, fs, src, opts in _mount_rows(p))


def mountinfo(p):
    """/proc/<pid>/mountinfo (man 5 proc): mount ID, parent ID, major:minor, the mount's root
    inside its file system, mount point, per-mount options, optional fields (shared:N), "-",
    type, source, per-superblock options. A mount's parent is the one its mount point is in --
    or the one it covers; the namespace's root mount is its own parent, as in Linux."""
    table, lines = p.fs.mounts, []
    for path, fs, src, both in _mount_rows(p):
        # /proc/mounts' options split: the mount's flags here, the file system's own after "-"
        opts = ",".join(o for o in both.split(",") if o in _MOUNT_FLAGS)
        sb = ",".join([both.split(",")[0]] + [o for o in both.split(",") if o not in _MOUNT_FLAGS])
        # a mount over another one sits on it
        covered = [ids[path] for ids in table.hidden_ids.get(path, ()) if path in ids]
        parent = (covered[-1] if covered else
                  table.ids[table.mountpoint_of(path[:-1])] if path else table.ids[()])
        dev = fs.root.getattr().dev
        major, minor = dev >> 8 & 0xFFF, (dev & 0xFF) | (dev >> 12 & 0xFFF00)
        shared = f" shared:{table.group[path]}" if path in table.group else ""
        lines.append(f"{table.ids[path]} {parent} {major}:{minor} "
                     f"{_mangle(getattr(fs, 'subdir', '/'))} {_mangle('/' + '/'.join(path))} "
                     f"{opts}{shared} - {fs.fstype} {_mangle(src)} {sb}\n")
    return "".join(lines)


def meminfo(k):
    fr = k.frames
    total, free = fr.nframes * PAGE // 1024, fr.free_count * PAGE // 1024
    cached = 0
    from kernel.pagecache import _caches
    if fr in _caches:
        cached = len(_caches[fr].pages) * PAGE // 1024
    rows = [("MemTotal", total), ("MemFree", free), ("MemAvailable", free + cached),
            ("Buffers", 0), ("Cached", cached), ("SwapCached", 0),
            ("Active", total - free - cached), ("Inactive", cached),
            ("Active(anon)", total - free - cached), ("Inactive(anon)", 0),
            ("Active(file)", 0), ("Inactive(file)", cached), ("Unevictable", 0), ("Mlocked", 0),
            ("SwapTotal", 0), ("SwapFree", 0), ("Dirty", 0), ("Writeback", 0),
            ("AnonPages", total - free - cached), ("Mapped", cached), ("Shmem", 0),
            ("KReclaimable", 0), ("Slab", 0), ("SReclaimable", 0), ("SUnreclaim", 0),
            ("KernelStack", 0), ("PageTables", 0), ("CommitLimit", total // 2),
            ("Committed_AS", total - free), ("VmallocTotal", 0), ("VmallocUsed", 0)]
    return "".join(f"{name + ':':<15}{value:>9} kB\n" for name, value in rows)


def cpuinfo(k):
    blocks = [k.abi.cpuinfo(i) for i in range(len(k.machine.cpus))]
    if k.sched.syscall_cpu is not None:     # --syscall-cpu: each CPU's role (kernel/syscall_cpu.py)
        blocks = [b.rstrip("\n") + "\njitvm role\t: " + ("system calls" if i == 0 else "guest code")
                  + "\n\n" for i, b in enumerate(blocks)]
    return "".join(blocks)


def _cpu_ticks(k):
    """(user, system, idle) clock ticks for each CPU, as its runtime accounted them: user is
    time in guest code, system in the kernel (with the kernel lock), idle asleep."""
    return [tuple(int(c.times[kind] * HZ) for kind in ("user", "system", "idle"))
            for c in k.sched.cpus]


def stat(k):
    per = _cpu_ticks(k)
    line = lambda name, u, s, i: f"{name} {u} 0 {s} {i} 0 0 0 0 0 0\n"    # noqa: E731
    out = line("cpu ", *(sum(x[n] for x in per) for n in range(3)))
    out += "".join(line(f"cpu{n}", *x) for n, x in enumerate(per))
    threads = [t for p in k.processes.values() if not p.exited for t in p.threads]
    running = sum(1 for t in threads if t.state == "R")
    blocked = 0
    btime = int(time.time() - k.uptime())
    return out + (f"intr 0\nctxt 0\nbtime {btime}\nprocesses {getattr(k, 'next_pid', 2) - 1}\n"
                  f"procs_running {max(1, running)}\nprocs_blocked {blocked}\n"
                  f"softirq 0 0 0 0 0 0 0 0 0 0 0\n")


def uptime(k):
    per = _cpu_ticks(k)
    return f"{k.uptime():.2f} {sum(i for _, _, i in per) / HZ:.2f}\n"


def loadavg(k):
    live = [p for p in k.processes.values() if not p.exited]
    threads = [t for p in live for t in p.threads]
    running = max(1, sum(1 for t in threads if t.state == "R"))
    last = max(k.processes, default=1)
    return f"0.00 0.00 0.00 {running}/{max(1, len(threads))} {last}\n"


def version(k):
    return (f"Linux version {params.KERNEL_RELEASE} (jitvm@{params.HOSTNAME}) "
            f"(jitvm kernel in Python) #1 SMP jitvm\n")


def filesystems(k):
    return "".join(f"{'' if disk else 'nodev'}\t{name}\n" for name, disk in [
        ("sysfs", False), ("tmpfs", False), ("devtmpfs", False), ("proc", False),
        ("pipefs", False), ("ext3", True), ("ext2", True), ("ext4", True)])   # ext4's order


def sys_tree(k):
    text = lambda v: lambda: f"{v}\n"       # noqa: E731
    return {"kernel": {"hostname": text(params.HOSTNAME), "ostype": text("Linux"),
                       "osrelease": text(params.KERNEL_RELEASE),
                       "pid_max": text(32768), "ngroups_max": text(65536)},
            # file-max: the host descriptors guest files may hold (kernel/hostfs.py HostFds);
            # file-nr: allocated, free (always 0 since 2.6), max -- host-backed files only
            "fs": {"pipe-max-size": text(1 << 20), "file-max": lambda: f"{host_fds().max}\n",
                   "file-nr": lambda: f"{host_fds().used}\t0\t{host_fds().max}\n"},
            "vm": {"overcommit_memory": text(0)}}
