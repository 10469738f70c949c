"""Linux errno values (asm-generic/errno-base.h + errno.h; the same on riscv64, loongarch64,
aarch64 and x86_64 -- MIPS renumbers some: its ABI module's ERRNO table, kernel/abimap.py).

Kernel code raises `Errno(ENOENT)`; the syscall dispatcher turns it into the -ENOENT return value.
"""
EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, ECHILD = range(1, 11)
EAGAIN, ENOMEM, EACCES, EFAULT, ENOTBLK, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR = range(11, 21)
EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY, ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS = range(21, 31)
EMLINK, EPIPE, EDOM, ERANGE = range(31, 35)
EDEADLK, ENAMETOOLONG, ENOLCK, ENOSYS, ENOTEMPTY, ELOOP = 35, 36, 37, 38, 39, 40
ENODATA, ETIME, EOVERFLOW, EILSEQ, ENOTSOCK, EOPNOTSUPP = 61, 62, 75, 84, 88, 95
EAFNOSUPPORT, EADDRINUSE, ECONNREFUSED, ETIMEDOUT = 97, 98, 111, 110
# sockets (kernel/sock.py and the families)
EDESTADDRREQ, EMSGSIZE, EPROTOTYPE, ENOPROTOOPT, EPROTONOSUPPORT = 89, 90, 91, 92, 93
ESOCKTNOSUPPORT, EADDRNOTAVAIL, ENETDOWN, ENETUNREACH, ECONNABORTED = 94, 99, 100, 101, 103
ECONNRESET, ENOBUFS, EISCONN, ENOTCONN, EHOSTUNREACH = 104, 105, 106, 107, 113
EALREADY, EINPROGRESS = 114, 115
ENOMSG, EIDRM, ECANCELED = 42, 43, 125     # sysv ipc, timerfd's TFD_TIMER_CANCEL_ON_SET
ERESTARTSYS = 512  # kernel-internal: restart the call after a signal handler (never seen by guests)

NAMES = {v: k for k, v in sorted(globals().items(), reverse=True)
         if k.startswith("E") and isinstance(v, int)}


class Errno(Exception):
    """A system call failed with this errno."""

    def __init__(self, errno, detail=""):
        super().__init__(f"{NAMES.get(errno, errno)}{': ' + detail if detail else ''}")
        self.errno = errno
