"""Guest-visible constants and struct layouts for the file system calls.

Values and layouts are the asm-generic ones (include/uapi/asm-generic/*.h) as used by riscv64 and
loongarch64 and aarch64, little-endian, 64-bit `long`. An ISA whose values differ says so in its
ABI module and is translated at the system call boundary: aarch64 has its own O_DIRECTORY/
O_NOFOLLOW/O_DIRECT/O_LARGEFILE (abi.OPEN_FLAGS: open_flags_in/out); MIPS o32 has its own open
and mmap flags, fcntl commands, ioctl numbers, termios and 32-bit longs (abi.MAP_FLAGS, FCNTL,
IOCTLS, TERMIOS_CC, LONG_BYTES: map_flags_in, fcntl_in, ioctl_in, Termios, kernel/abimap.py fmt)
-- not yet its struct stat64 and socket constants.

Structs are packed with `struct` format strings; each pack_* returns exactly the bytes the guest
expects, so a syscall adapter only does `mm.write(ptr, pack_x(...))`.
"""
import struct
from functools import lru_cache
from dataclasses import dataclass

from kernel.abimap import fmt, long_bytes

# ---- open(2) flags, octal as in asm-generic/fcntl.h --------------------------------------------
O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR = 0o3, 0o0, 0o1, 0o2
O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC = 0o100, 0o200, 0o400, 0o1000
O_APPEND, O_NONBLOCK, O_DSYNC, O_ASYNC = 0o2000, 0o4000, 0o10000, 0o20000
O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW = 0o40000, 0o100000, 0o200000, 0o400000
O_NOATIME, O_CLOEXEC, O_SYNC = 0o1000000, 0o2000000, 0o4010000
O_PATH, O_TMPFILE = 0o10000000, 0o20200000     # O_TMPFILE includes O_DIRECTORY
# The status flags F_SETFL may change (fs/fcntl.c SETFL_MASK).
SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME


def _move_bits(flags, moves):
    """flags with each bit `src` of moves (src, dst) pairs moved to `dst`."""
    out = flags & ~sum(src for src, _ in moves)
    for src, dst in moves:
        if flags & src:
            out |= dst
    return out


def open_flags_in(abi, flags):
    """A guest's open(2)/fcntl flags in the values above: abi.OPEN_FLAGS maps each of the ISA's
    own bits that differ (guest bit -> asm-generic bit); the others are the same."""
    return _move_bits(flags, abi.OPEN_FLAGS.items())


def open_flags_out(abi, flags):
    """The other way: flags the kernel keeps, as the guest's ISA spells them (F_GETFL)."""
    return _move_bits(flags, [(generic, guest) for guest, generic in abi.OPEN_FLAGS.items()])


def map_flags_in(abi, flags):
    """A guest's mmap(2) flags in asm-generic values (abi.MAP_FLAGS: guest bit -> generic bit)."""
    return _move_bits(flags, getattr(abi, "MAP_FLAGS", {}).items())


# ---- *at(2) flags ------------------------------------------------------------------------------
AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW = 0x100, 0x200, 0x400
AT_NO_AUTOMOUNT, AT_EMPTY_PATH, AT_STATX_SYNC_TYPE = 0x800, 0x1000, 0x6000
AT_EACCESS = 0x200                      # faccessat only; shares its value with AT_REMOVEDIR
F_OK, X_OK, W_OK, R_OK = 0, 1, 2, 4
RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT = 1, 2, 4
UTIME_NOW, UTIME_OMIT = (1 << 30) - 1, (1 << 30) - 2
SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE = 0, 1, 2, 3, 4

# ---- fcntl(2) ----------------------------------------------------------------------------------
F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL = 0, 1, 2, 3, 4
F_GETLK, F_SETLK, F_SETLKW, F_SETOWN, F_GETOWN = 5, 6, 7, 8, 9
F_DUPFD_CLOEXEC = 1030
FD_CLOEXEC = 1
F_UNLCK = 2


def fcntl_in(abi, cmd):
    """A guest's fcntl command as the kernel's: abi.FCNTL maps the commands it numbers otherwise
    (guest number -> asm-generic number; -1: not supported, EINVAL)."""
    return getattr(abi, "FCNTL", {}).get(cmd, cmd)


# struct flock (asm-generic, 64-bit): short l_type, l_whence; off_t l_start, l_len; pid_t l_pid
FLOCK = struct.Struct("<hh4xqqi4x")


def flock_struct(abi, cmd):
    """The struct flock a guest's lock command takes: asm-generic's 64-bit one (a 32-bit ABI's
    struct flock64 is the same) or, for abi.FLOCK32_CMDS, the ABI's own (abi.FLOCK32: a format
    giving type, whence, start, len, pid)."""
    if cmd in getattr(abi, "FLOCK32_CMDS", ()):
        return struct.Struct(abi.FLOCK32)
    return FLOCK

# ---- ioctl(2) on terminals (asm-generic/ioctls.h) ----------------------------------------------
TCGETS, TCSETS, TCSETSW, TCSETSF = 0x5401, 0x5402, 0x5403, 0x5404
TIOCSCTTY, TIOCGPGRP, TIOCSPGRP = 0x540E, 0x540F, 0x5410
TIOCGWINSZ, TIOCSWINSZ, FIONREAD, FIONBIO = 0x5413, 0x5414, 0x541B, 0x5421
FIONCLEX, FIOCLEX = 0x5450, 0x5451
TCSBRK, TCXONC, TCFLSH, TIOCEXCL, TIOCNXCL = 0x5409, 0x540A, 0x540B, 0x540C, 0x540D
TIOCOUTQ, TIOCNOTTY, TIOCSETD, TIOCGETD = 0x5411, 0x5422, 0x5423, 0x5424
TCSBRKP, TIOCGSID, TIOCSTI = 0x5425, 0x5429, 0x5412
# reflink (linux/fs.h: _IOW(0x94, 9, int), _IOW(0x94, 13, struct file_clone_range); MIPS differs)
FICLONE, FICLONERANGE = 0x40049409, 0x4020940D
# pseudo-terminal masters (_IOR/_IOW('T', n, int) with asm-generic's _IOC bits; MIPS differs)
TIOCPKT, TIOCGPTPEER = 0x5420, 0x5441
TIOCGPTN, TIOCSPTLCK, TIOCGDEV = 0x80045430, 0x40045431, 0x80045432
TIOCSIG, TIOCGPKT, TIOCGPTLCK = 0x40045436, 0x80045438, 0x80045439
TIOCPKT_DATA, TIOCPKT_FLUSHREAD, TIOCPKT_FLUSHWRITE = 0, 1, 2      # TIOCPKT status bits
TIOCPKT_STOP, TIOCPKT_START, TIOCPKT_NOSTOP, TIOCPKT_DOSTOP = 4, 8, 16, 32

# The kernel's ioctl requests; an ABI numbering them otherwise lists its own (abi.IOCTLS: name ->
# number), and a request of its that means nothing here is refused (ENOTTY), even if its number
# is one of ours (MIPS's 0x5401 is TCGETA, not TCGETS).
IOCTL_NAMES = ("TCGETS TCSETS TCSETSW TCSETSF TIOCSCTTY TIOCGPGRP TIOCSPGRP TIOCGWINSZ "
               "TIOCSWINSZ FIONREAD FIONBIO FIONCLEX FIOCLEX FICLONE FICLONERANGE TIOCPKT "
               "TIOCGPTPEER TIOCGPTN TIOCSPTLCK TIOCGDEV TIOCSIG TIOCGPKT TIOCGPTLCK TCSBRK "
               "TCXONC TCFLSH TIOCEXCL TIOCNXCL TIOCOUTQ TIOCNOTTY TIOCSETD TIOCGETD TCSBRKP "
               "TIOCGSID TIOCSTI BLKBSZGET BLKGETSIZE64").split()


@lru_cache(maxsize=None)
def _ioctls_in(abi):
    g = globals()
    refused = dict.fromkeys((g[n] for n in IOCTL_NAMES), -1)
    return {**refused, **{num: g[name] for name, num in abi.IOCTLS.items() if name in g}}


def ioctl_in(abi, request):
    """A guest's ioctl request number as the kernel's."""
    return _ioctls_in(abi).get(request, request) if hasattr(abi, "IOCTLS") else request


# ---- file types (the same numbers on every Linux) ----------------------------------------------
S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG = 0o170000, 0o140000, 0o120000, 0o100000
S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO = 0o060000, 0o040000, 0o020000, 0o010000
DT_UNKNOWN = 0


def as_int(v):
    """A C `int` argument from a raw 64-bit register: Linux uses the low 32 bits, signed. (riscv64
    sign-extends ints anyway; aarch64 and loongarch64 callers may leave the upper half zero.)"""
    return ((v & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000


def dtype(mode):
    """linux_dirent64.d_type for a st_mode: the S_IF* type shifted down (fs_umode_to_dtype)."""
    return (mode & S_IFMT) >> 12


def makedev(major, minor):
    """dev_t as the kernel's new_encode_dev: what glibc/musl major()/minor() decode."""
    return (minor & 0xFF) | ((major & 0xFFF) << 8) | ((minor & ~0xFF) << 12)


@dataclass
class Stat:
    """What stat reports about a file; times in nanoseconds since the epoch."""
    dev: int = 0
    ino: int = 0
    mode: int = 0
    nlink: int = 1
    uid: int = 0
    gid: int = 0
    rdev: int = 0
    size: int = 0
    blksize: int = 4096
    blocks: int = 0
    atime_ns: int = 0
    mtime_ns: int = 0
    ctime_ns: int = 0

    @property
    def rdev_major(self):
        return ((self.rdev >> 8) & 0xFFF)

    @property
    def rdev_minor(self):
        return (self.rdev & 0xFF) | ((self.rdev >> 12) & ~0xFF)


# struct stat (asm-generic/stat.h): 128 bytes.
_STAT = struct.Struct("<QQIIIIQQqiiqqQqQqQII")
assert _STAT.size == 128


def pack_stat(st):
    a, m, c = (divmod(t, 10**9) for t in (st.atime_ns, st.mtime_ns, st.ctime_ns))
    return _STAT.pack(st.dev, st.ino, st.mode, st.nlink, st.uid, st.gid, st.rdev, 0, st.size,
                      st.blksize, 0, st.blocks, *a, *m, *c, 0, 0)


# struct statx (uapi/linux/stat.h): 256 bytes; timestamps are {s64 sec, u32 nsec, s32 pad}.
STATX_BASIC_STATS, STATX_BTIME, STATX__RESERVED = 0x7FF, 0x800, 0x80000000
_STATX = struct.Struct("<IIQIIIHHQQQQ" + "qIi" * 4 + "IIIIQ")


def pack_statx(st, mask=STATX_BASIC_STATS):
    ts = lambda ns: (*divmod(ns, 10**9), 0)                               # noqa: E731
    dev = st.dev
    body = _STATX.pack(mask, st.blksize, 0, st.nlink, st.uid, st.gid, st.mode & 0xFFFF, 0,
                       st.ino, st.size, st.blocks, 0,
                       *ts(st.atime_ns), *ts(0), *ts(st.ctime_ns), *ts(st.mtime_ns),
                       st.rdev_major, st.rdev_minor, (dev >> 8) & 0xFFF,
                       (dev & 0xFF) | ((dev >> 12) & ~0xFF), 0)
    return body + bytes(256 - len(body))


def pack_dirent64(ino, off, dtype_, name):
    """One linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, NUL-terminated name, 8-aligned."""
    reclen = (19 + len(name) + 1 + 7) & ~7
    return struct.pack("<QqHB", ino, off, reclen, dtype_) + name + bytes(reclen - 19 - len(name))


# ---- time structs: timespec, timeval, itimerval and itimerspec are n time fields, 64-bit -- or
# 32-bit in a 32-bit ABI's older calls (time32: abi.TIME32_SYSCALLS, t.time32 set per call)
def time_fields(t, n=2):
    return "<" + ("i" if getattr(t, "time32", False) else "q") * n


def time_size(t, n=2):
    return struct.calcsize(time_fields(t, n))


def read_times(t, ptr, n=2):
    """n time fields at ptr as the guest wrote them (validation is the caller's business)."""
    return struct.unpack(time_fields(t, n), t.proc.mm.read(ptr, time_size(t, n)))


def pack_times(t, *values):
    return struct.pack(time_fields(t, len(values)), *values)


def pack_timespec(t, ns):
    return pack_times(t, *divmod(ns, 10**9))


def pack_rusage(abi, u):
    """struct rusage: ru_utime and ru_stime as timevals, then 14 longs (maxrss in KiB; the
    fields Linux leaves zero stay zero) -- the ABI's longs, whatever its time_t."""
    tv = lambda ns: (ns // 10**9, ns % 10**9 // 1000)      # noqa: E731
    return struct.pack(fmt(abi, "<4l14l"), *tv(u.utime_ns), *tv(u.stime_ns), u.maxrss_kb, 0, 0,
                       0, u.minflt, u.majflt, 0, 0, 0, 0, 0, 0, u.nvcsw, u.nivcsw)


def read_iovecs(mm, abi, iov, n):
    """The n-entry iovec array at iov -> [(base, len), ...] ({void *; size_t}: the ABI's longs)."""
    fmt = "<QQ" if long_bytes(abi) == 8 else "<II"
    return list(struct.iter_unpack(fmt, mm.read(iov, struct.calcsize(fmt) * n))) if n else []


# struct statfs (asm-generic/statfs.h, 64-bit): 120 bytes.
_STATFS = struct.Struct("<qqQQQQQiiqqq4q")
EXT4_SUPER_MAGIC, TMPFS_MAGIC, PROC_SUPER_MAGIC = 0xEF53, 0x01021994, 0x9FA0


def pack_statfs(ftype, bsize, blocks, bfree, bavail, files, ffree, namelen=255, flags=0):
    return _STATFS.pack(ftype, bsize, blocks, bfree, bavail, files, ffree, 0, 0, namelen,
                        bsize, flags, 0, 0, 0, 0)


# struct termios (asm-generic/termbits.h): four u32 flag words, c_line, c_cc[NCCS=19]: 36 bytes.
# An ABI with its own (abi.TERMIOS_CC: its c_cc names in order; TERMIOS_LFLAG: c_lflag bits that
# differ, guest bit -> asm-generic bit) is translated by pack/unpack.
NCCS = 19
_TERMIOS = struct.Struct("<IIIIB19s")
CC_NAMES = ("VINTR VQUIT VERASE VKILL VEOF VTIME VMIN VSWTC VSTART VSTOP VSUSP VEOL VREPRINT "
            "VDISCARD VWERASE VLNEXT VEOL2").split()


def termios_size(abi):
    names = getattr(abi, "TERMIOS_CC", None)
    return _TERMIOS.size if names is None else 17 + len(names)


@dataclass
class Termios:
    iflag: int
    oflag: int
    cflag: int
    lflag: int
    line: int
    cc: bytes           # NCCS bytes

    def pack(self, abi=None):
        cc = self.cc[:NCCS].ljust(NCCS, b"\0")
        names = getattr(abi, "TERMIOS_CC", None)
        if names is None:
            return _TERMIOS.pack(self.iflag, self.oflag, self.cflag, self.lflag, self.line, cc)
        guest_cc = bytes(cc[CC_NAMES.index(n)] if n in CC_NAMES else 0 for n in names)
        lflag = _move_bits(self.lflag, [(g, k) for k, g in abi.TERMIOS_LFLAG.items()])
        return struct.pack(f"<IIIIB{len(names)}s", self.iflag, self.oflag, self.cflag, lflag,
                           self.line, guest_cc)

    @classmethod
    def unpack(cls, data, abi=None):
        names = getattr(abi, "TERMIOS_CC", None)
        if names is None:
            return cls(*_TERMIOS.unpack(data))
        iflag, oflag, cflag, lflag, line, guest_cc = struct.unpack(f"<IIIIB{len(names)}s", data)
        cc = bytes(guest_cc[names.index(n)] if n in names else 0 for n in CC_NAMES)
        return cls(iflag, oflag, cflag, _move_bits(lflag, abi.TERMIOS_LFLAG.items()), line, cc)


# A fresh Linux tty (drivers/tty/tty_io.c tty_std_termios, INIT_C_CC): cooked mode with echo.
DEFAULT_TERMIOS = Termios(iflag=0o2400, oflag=0o5, cflag=0o2277, lflag=0o105073, line=0,
                          cc=b"\x03\x1c\x7f\x15\x04\x00\x01\x00\x11\x13\x1a\x00\x12\x0f\x17\x16")


def pack_winsize(rows, cols):
    return struct.pack("<HHHH", rows, cols, 0, 0)

# ---- poll(2), epoll(7), eventfd(2) (asm-generic/poll.h, uapi/linux/eventpoll.h) ---------------
POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20
POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND, POLLRDHUP = 0x40, 0x80, 0x100, 0x200, 0x2000
EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD = 1, 2, 3
EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET = 1 << 28, 1 << 29, 1 << 30, 1 << 31
EFD_SEMAPHORE = 1

# ---- fcntl(2) record locks and pipes (asm-generic/fcntl.h, linux/fcntl.h) ----------------------
F_RDLCK, F_WRLCK = 0, 1
F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW = 36, 37, 38
F_SETPIPE_SZ, F_GETPIPE_SZ = 1031, 1032

# ---- loop devices and block device ioctls (uapi/linux/loop.h, uapi/linux/fs.h) -----------------
LOOP_SET_FD, LOOP_CLR_FD, LOOP_SET_STATUS64, LOOP_GET_STATUS64 = 0x4C00, 0x4C01, 0x4C04, 0x4C05
LOOP_SET_CAPACITY, LOOP_SET_BLOCK_SIZE, LOOP_CONFIGURE = 0x4C07, 0x4C09, 0x4C0A
LOOP_CTL_ADD, LOOP_CTL_REMOVE, LOOP_CTL_GET_FREE = 0x4C80, 0x4C81, 0x4C82
LO_FLAGS_READ_ONLY, LO_FLAGS_AUTOCLEAR, LO_FLAGS_PARTSCAN, LO_FLAGS_DIRECT_IO = 1, 4, 8, 16
LO_NAME_SIZE = 64
# _IO(0x12, n); BLKBSZGET and BLKGETSIZE64 are _IOR(0x12, n, size_t) with the asm-generic
# direction bits and an 8-byte size_t.
BLKROGET, BLKGETSIZE, BLKFLSBUF, BLKSSZGET = 0x125E, 0x1260, 0x1261, 0x1268
BLKBSZGET, BLKGETSIZE64 = 0x80081270, 0x80081272
# struct loop_info64: device, inode, rdevice, offset, sizelimit (u64); number, encrypt_type,
# encrypt_key_size, flags (u32); file_name, crypt_name, encrypt_key; lo_init[2]. 232 bytes.
LOOP_INFO64 = struct.Struct("<5Q4I64s64s32s2Q")
# struct loop_config: fd, block_size (u32), a loop_info64, 8 reserved u64. 304 bytes.
LOOP_CONFIG = struct.Struct(f"<II{LOOP_INFO64.size}s64x")
assert LOOP_INFO64.size == 232 and LOOP_CONFIG.size == 304

# ---- sockets (linux/socket.h, asm-generic/socket.h, linux/in.h, linux/in6.h, linux/tcp.h) ------
# An ABI that numbers socket types, SOL_SOCKET and SO_* otherwise lists its own (abi.SOCK_TYPES:
# guest -> asm-generic; SOL_SOCKET; SOCKOPTS: name -> number), translated by the functions below;
# SOCK_NONBLOCK is its O_NONBLOCK. A 32-bit ABI's msghdr and cmsghdr hold 32-bit longs.
AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET = 0, 1, 2, 10, 16, 17
SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET = 1, 2, 3, 5
SOCK_TYPE_MASK, SOCK_NONBLOCK, SOCK_CLOEXEC = 0xF, O_NONBLOCK, O_CLOEXEC
SOL_SOCKET, IPPROTO_IP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IPV6 = 1, 0, 6, 17, 41
SO_DEBUG, SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_DONTROUTE, SO_BROADCAST = 1, 2, 3, 4, 5, 6
SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_NO_CHECK, SO_PRIORITY = 7, 8, 9, 10, 11, 12
SO_LINGER, SO_BSDCOMPAT, SO_REUSEPORT, SO_PASSCRED, SO_PEERCRED = 13, 14, 15, 16, 17
SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD = 18, 19, 20, 21
SO_TIMESTAMP_OLD, SO_ACCEPTCONN, SO_SNDBUFFORCE, SO_RCVBUFFORCE = 29, 30, 32, 33
SO_PROTOCOL, SO_DOMAIN, SO_RCVTIMEO_NEW, SO_SNDTIMEO_NEW = 38, 39, 66, 67
SCM_RIGHTS, SCM_CREDENTIALS = 1, 2
SCM_MAX_FD = 253                        # fds in one SCM_RIGHTS message (include/net/scm.h)
MSG_OOB, MSG_PEEK, MSG_DONTROUTE, MSG_CTRUNC, MSG_TRUNC = 0x1, 0x2, 0x4, 0x8, 0x20
MSG_DONTWAIT, MSG_EOR, MSG_WAITALL, MSG_CONFIRM, MSG_ERRQUEUE = 0x40, 0x80, 0x100, 0x800, 0x2000
MSG_NOSIGNAL, MSG_MORE, MSG_WAITFORONE, MSG_CMSG_CLOEXEC = 0x4000, 0x8000, 0x10000, 0x40000000
SHUT_RD, SHUT_WR, SHUT_RDWR = 0, 1, 2
TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT = 1, 2, 3, 4, 5, 6
TCP_QUICKACK, TCP_USER_TIMEOUT = 12, 18
IP_TOS, IP_TTL, IP_RECVERR, IPV6_V6ONLY = 1, 2, 11, 26
SOMAXCONN = 4096                        # /proc/sys/net/core/somaxconn: listen() backlogs cap here
SOCK_BUF_DEFAULT = 212992               # /proc/sys/net/core/[rw]mem_default and _max

# struct msghdr (64-bit): name, namelen, iov, iovlen, control, controllen, flags. 56 bytes.
MSGHDR = struct.Struct("<QI4xQQQQi4x")
MMSGHDR_SIZE = MSGHDR.size + 8          # struct mmsghdr: a msghdr and unsigned msg_len (+ pad)
CMSGHDR = struct.Struct("<Qii")         # cmsg_len (size_t), cmsg_level, cmsg_type
UCRED = struct.Struct("<iII")           # pid, uid, gid
LINGER = struct.Struct("<ii")


_MSGHDR32 = struct.Struct("<IiIIIIi")
_CMSGHDR32 = struct.Struct("<Iii")


def msghdr(abi=None):
    return MSGHDR if long_bytes(abi) == 8 else _MSGHDR32


def mmsghdr_size(abi=None):
    return msghdr(abi).size + long_bytes(abi)      # msg_len, padded to a long


def cmsghdr(abi=None):
    return CMSGHDR if long_bytes(abi) == 8 else _CMSGHDR32


def cmsg_align(n, abi=None):
    word = long_bytes(abi)
    return (n + word - 1) & -word


def level_in(abi, level):
    """A guest's option or control-message level as the kernel's (SOL_SOCKET may differ)."""
    guest = getattr(abi, "SOL_SOCKET", SOL_SOCKET)
    return SOL_SOCKET if level == guest else (-1 if level == SOL_SOCKET else level)


def level_out(abi, level):
    return getattr(abi, "SOL_SOCKET", SOL_SOCKET) if level == SOL_SOCKET else level


@lru_cache(maxsize=None)
def _sockopts_in(abi):
    g = globals()
    mine = {name: v for name, v in g.items() if name.startswith("SO_") and isinstance(v, int)}
    return {**dict.fromkeys(mine.values(), -1),
            **{num: mine[name] for name, num in abi.SOCKOPTS.items() if name in mine}}


def sockopt_in(abi, level, name):
    """(level, optname) of a guest's setsockopt/getsockopt in the kernel's numbers."""
    level = level_in(abi, level)
    if level == SOL_SOCKET and hasattr(abi, "SOCKOPTS"):
        name = _sockopts_in(abi).get(name, name)
    return level, name


def socket_type_in(abi, type_):
    """socket(2)'s type with its SOCK_NONBLOCK/SOCK_CLOEXEC flags, in the kernel's numbers."""
    kind, flags = type_ & SOCK_TYPE_MASK, type_ & ~SOCK_TYPE_MASK
    return getattr(abi, "SOCK_TYPES", {}).get(kind, kind) | open_flags_in(abi, flags)


def socket_type_out(abi, kind):
    return {k: g for g, k in getattr(abi, "SOCK_TYPES", {}).items()}.get(kind, kind)


def pack_cmsg(level, type_, data, abi=None):
    """One control message: header, data, padding to CMSG_SPACE."""
    hdr = cmsghdr(abi)
    body = hdr.pack(hdr.size + len(data), level_out(abi, level), type_) + data
    return body + bytes(cmsg_align(len(body), abi) - len(body))


def unpack_cmsgs(control, abi=None):
    """A control buffer -> [(level, type, data)]; None if a header is malformed (EINVAL)."""
    out, pos, hdr = [], 0, cmsghdr(abi)
    while pos + hdr.size <= len(control):
        length, level, type_ = hdr.unpack_from(control, pos)
        if length < hdr.size or pos + length > len(control):
            return None
        out.append((level_in(abi, level), type_, control[pos + hdr.size:pos + length]))
        pos += cmsg_align(length, abi)
    return out

# ---- network interfaces (uapi/linux/sockios.h, uapi/linux/if.h) --------------------------------
SIOCGIFNAME, SIOCGIFCONF, SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCGIFADDR = 0x8910, 0x8912, 0x8913, \
    0x8914, 0x8915
SIOCGIFDSTADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK, SIOCGIFMETRIC = 0x8917, 0x8919, 0x891B, 0x891D
SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFTXQLEN, SIOCGIFMAP = 0x8921, 0x8927, 0x8933, \
    0x8942, 0x8970
SIOCINQ, SIOCOUTQ = FIONREAD, 0x5411
IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x1, 0x8, 0x40
IFF_BROADCAST, IFF_MULTICAST = 0x2, 0x1000
IFNAMSIZ, IFREQ_SIZE = 16, 40           # struct ifreq: the name, then a 24-byte union
IFCONF = struct.Struct("<i4xQ")         # struct ifconf: ifc_len, ifc_buf


def ifreq_size(abi):
    """A 32-bit ABI's ifreq union is 16 bytes (its struct ifmap's longs are 4)."""
    return IFREQ_SIZE if long_bytes(abi) == 8 else 32


def ifconf(abi):
    return IFCONF if long_bytes(abi) == 8 else struct.Struct("<iI")
ARPHRD_LOOPBACK = 772
ARPHRD_ETHER = 1
