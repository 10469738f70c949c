"""The system calls asm-generic left out and older ABIs still number (MIPS o32, like i386 and
arm): each is its modern successor with the extra arguments filled in, as Linux defines them
(fs/namei.c, fs/open.c: `open` is `openat(AT_FDCWD, ...)` and so on).

  paths     open creat access mkdir rmdir unlink link symlink readlink rename chmod chown
            lchown mknod
  process   fork waitpid getpgrp pause alarm
  fds       epoll_create epoll_wait eventfd signalfd send recv
  pipe      pipe: both descriptors as results where the ABI returns two (abi.SYSCALL_RET2, MIPS's
            v1), else written to the array as on x86
  32-bit    _llseek mmap2 statfs64 fstatfs64 (abi.STATFS64's layout) set_thread_area (the
            value form: MIPS and m68k; x86's takes a descriptor, not supported) cacheflush
            (MIPS's; whatever the range, every translation of the address space goes)
"""
import struct

from kernel import signal
from kernel.errno import EINTR, EINVAL, Errno
from kernel.sched import WouldBlock
from kernel.syscalls import fd, fs, mm, net, poll, proc, task, timers
from kernel.uapi import (AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, O_CREAT, O_TRUNC, O_WRONLY,
                         as_int, open_flags_out)

# ---- paths: the *at calls from the current directory --------------------------------------------


def sys_open(t, pathname, flags, mode):
    return fs.sys_openat(t, AT_FDCWD, pathname, flags, mode)


def sys_creat(t, pathname, mode):
    # O_CREAT|O_WRONLY|O_TRUNC in the guest's spelling: sys_openat translates guest flags
    flags = open_flags_out(t.kernel.abi, O_CREAT | O_WRONLY | O_TRUNC)
    return fs.sys_openat(t, AT_FDCWD, pathname, flags, mode)


def sys_access(t, pathname, mode):
    return fs.sys_faccessat(t, AT_FDCWD, pathname, mode)


def sys_mkdir(t, pathname, mode):
    return fs.sys_mkdirat(t, AT_FDCWD, pathname, mode)


def sys_rmdir(t, pathname):
    return fs.sys_unlinkat(t, AT_FDCWD, pathname, AT_REMOVEDIR)


def sys_unlink(t, pathname):
    return fs.sys_unlinkat(t, AT_FDCWD, pathname, 0)


def sys_link(t, oldpath, newpath):
    return fs.sys_linkat(t, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0)


def sys_symlink(t, target, linkpath):
    return fs.sys_symlinkat(t, target, AT_FDCWD, linkpath)


def sys_readlink(t, pathname, buf, bufsiz):
    return fs.sys_readlinkat(t, AT_FDCWD, pathname, buf, bufsiz)


def sys_rename(t, oldpath, newpath):
    return fs.sys_renameat(t, AT_FDCWD, oldpath, AT_FDCWD, newpath)


def sys_chmod(t, pathname, mode):
    return fs.sys_fchmodat(t, AT_FDCWD, pathname, mode)


def sys_chown(t, pathname, owner, group):
    return fs.sys_fchownat(t, AT_FDCWD, pathname, owner, group, 0)


def sys_lchown(t, pathname, owner, group):
    return fs.sys_fchownat(t, AT_FDCWD, pathname, owner, group, AT_SYMLINK_NOFOLLOW)


def sys_mknod(t, pathname, mode, dev):
    return fs.sys_mknodat(t, AT_FDCWD, pathname, mode, dev)


# ---- processes --------------------------------------------------------------------------------
SIGCHLD = 17                # the kernel's own number (asm-generic): fork's exit signal


def sys_fork(t):
    return proc._clone(t, 0, 0, 0, 0, 0, SIGCHLD)


def sys_waitpid(t, pid, wstatus, options):
    return proc.sys_wait4(t, pid, wstatus, options, 0)


def sys_pause(t):
    """Sleep until a signal handler runs (then -EINTR, never restarted: signal.NOT_RESTARTED)."""
    signal.init_thread(t)
    if signal.has_deliverable(t):
        return -EINTR
    raise WouldBlock()                  # only a signal wakes it


def sys_alarm(t, seconds):
    """SIGALRM in `seconds` (0: cancel); the seconds left of the previous one, rounded as
    Linux's alarm_setitimer does (a part second counts from half a second, and never as 0)."""
    left, _ = signal.set_alarm(t.kernel, t.proc, float(seconds & 0xFFFFFFFF), 0.0)
    sec, frac = divmod(left, 1.0)
    return int(sec) + (1 if frac >= 0.5 or (sec == 0 and frac > 0) else 0)


def sys_getpgrp(t):
    return task.sys_getpgid(t, 0)


# ---- descriptors: the calls their *1/*2/*4 successors extend with flags ----------------------


def sys_epoll_create(t, size):
    if as_int(size) <= 0:
        raise Errno(EINVAL)
    return poll.sys_epoll_create1(t, 0)


def sys_epoll_wait(t, epfd, events, maxevents, timeout):
    return poll.sys_epoll_pwait(t, epfd, events, maxevents, timeout, 0, 0)


def sys_eventfd(t, initval):
    return poll.sys_eventfd2(t, initval, 0)


def sys_signalfd(t, fd, mask, sizemask):
    return timers.sys_signalfd4(t, fd, mask, sizemask, 0)


def sys_send(t, fdno, buf, length, flags):
    return net.sys_sendto(t, fdno, buf, length, flags, 0, 0)


def sys_recv(t, fdno, buf, length, flags):
    return net.sys_recvfrom(t, fdno, buf, length, flags, 0, 0)


# ---- pipe -------------------------------------------------------------------------------------


def sys_pipe(t, pipefd):
    abi = t.kernel.abi
    if getattr(abi, "SYSCALL_RET2", None) is None:
        return poll.sys_pipe2(t, pipefd, 0)
    rfd, wfd = poll.make_pipe_fds(t, 0)
    t.ctx.set_return2(wfd)
    return rfd


# ---- 32-bit ABIs ------------------------------------------------------------------------------


def sys__llseek(t, fdno, offset_high, offset_low, result, whence):
    offset = (offset_high & 0xFFFFFFFF) << 32 | offset_low & 0xFFFFFFFF
    pos = fd.sys_lseek(t, fdno, offset - (1 << 64) if offset >> 63 else offset, whence)
    t.proc.mm.write(result, struct.pack("<q", pos))
    return 0


def sys_mmap2(t, addr, length, prot, flags, fdno, pgoff):
    """mmap with the offset in 4096-byte units (whatever the page size): 32 bits reach 16 TiB."""
    if pgoff < 0:
        raise Errno(EINVAL)
    return mm.sys_mmap(t, addr, length, prot, flags, fdno, (pgoff & 0xFFFFFFFF) * 4096)


def sys_cacheflush(t, addr, nbytes, cache):
    """MIPS's cacheflush(addr, nbytes, cache) (and __clear_cache's fallback): code was
    written, so translations of the address space go, as riscv_flush_icache's."""
    return mm.sys_flush_icache(t, addr, addr + nbytes, 0)


def _statfs64(t, size, buf, info):
    """statfs64/fstatfs64 of a 32-bit ABI: its struct statfs64 (abi.STATFS64: format, fields)."""
    layout, fields = t.kernel.abi.STATFS64
    if size != struct.calcsize(layout):
        raise Errno(EINVAL)
    v = dict(type=info["ftype"], frsize=info["bsize"], namelen=info.get("namelen", 255),
             **{k: info.get(k, 0) for k in ("bsize", "blocks", "bfree", "bavail", "files",
                                            "ffree", "flags")})
    t.proc.mm.write(buf, struct.pack(layout, *(v.get(name, 0) for name in fields)))
    return 0


def sys_statfs64(t, pathname, size, buf):
    return _statfs64(t, size, buf, fs.statfs_info(t, pathname))


def sys_fstatfs64(t, fdno, size, buf):
    return _statfs64(t, size, buf, fd.fstatfs_info(t, fdno))


def sys_set_thread_area(t, tls):
    t.ctx.tls = tls
    return 0


SYSCALLS = {
    "open": (sys_open, "path oflags mode"), "creat": (sys_creat, "path mode"),
    "access": (sys_access, "path int"), "mkdir": (sys_mkdir, "path mode"),
    "rmdir": (sys_rmdir, "path"), "unlink": (sys_unlink, "path"),
    "link": (sys_link, "path path"), "symlink": (sys_symlink, "path path"),
    "readlink": (sys_readlink, "path ptr size"), "rename": (sys_rename, "path path"),
    "chmod": (sys_chmod, "path mode"), "chown": (sys_chown, "path int int"),
    "lchown": (sys_lchown, "path int int"), "mknod": (sys_mknod, "path mode hex"),
    "fork": (sys_fork, ""), "waitpid": (sys_waitpid, "int ptr hex"),
    "getpgrp": (sys_getpgrp, ""), "pipe": (sys_pipe, "ptr"),
    "pause": (sys_pause, ""), "alarm": (sys_alarm, "uint"),
    "epoll_create": (sys_epoll_create, "int"), "epoll_wait": (sys_epoll_wait, "fd ptr int int"),
    "eventfd": (sys_eventfd, "uint"), "signalfd": (sys_signalfd, "fd ptr size"),
    "send": (sys_send, "fd buf:2 size hex"), "recv": (sys_recv, "fd buf:2 size hex"),
    "_llseek": (sys__llseek, "fd hex hex ptr int"),
    "mmap2": (sys_mmap2, "ptr size prot mapflags fd hex"),
    "statfs64": (sys_statfs64, "path size ptr"), "fstatfs64": (sys_fstatfs64, "fd size ptr"),
    "set_thread_area": (sys_set_thread_area, "ptr"),
    "cacheflush": (sys_cacheflush, "ptr size int"),
}
