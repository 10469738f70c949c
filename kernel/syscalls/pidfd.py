"""Pidfd family: process file descriptors and looking into other processes -- Linux 6.6's rules
and errnos (kernel/pid.c, kernel/signal.c, kernel/kcmp.c, mm/process_vm_access.c).

Implemented:
  pidfd_open       a PidFd for a process (flags 0 or PIDFD_NONBLOCK; always close-on-exec; pid
                   <= 0 or a thread that is not a leader: EINVAL; no such process: ESRCH). It is
                   readable (POLLIN | POLLRDNORM) once the whole process has exited, reaped or
                   not; read and write: EINVAL. readlink of /proc/<pid>/fd/N: anon_inode:[pidfd].
  pidfd_send_signal  signals the process the pidfd names, with kill's permission rule (EPERM)
                   and siginfo rule (another process may not be sent si_code >= 0 or SI_TKILL:
                   EPERM; a signo differing from sig: EINVAL); flags must be 0; a pidfd whose
                   process was reaped: ESRCH; a zombie: 0, nothing sent; not a pidfd: EBADF.
  pidfd_getfd      a close-on-exec duplicate, in the caller, of another process's descriptor
                   (the same open file description), if the caller may ptrace it (below: EPERM);
                   exited: ESRCH; no such descriptor: EBADF; flags must be 0.
  kcmp             KCMP_FILE, VM, FILES, FS, SIGHAND, IO, SYSVSEM, EPOLL_TFD: 0 if both processes
                   use the same object, else 1 or 2 by an order that is total and consistent but
                   scrambled by per-boot random cookies, as Linux's (kptr_obfuscate). A zombie has
                   no address space, files, fs or io_context (NULL compares equal to NULL). ESRCH,
                   EPERM (ptrace read access to both), EBADF, EINVAL.
  process_vm_readv process_vm_writev  copies between the caller's iovecs and another address
                   space's, remote iovec by remote iovec and page by page, stopping at the first
                   page it cannot read or write on either side: the bytes copied until then, or
                   EFAULT if none; flags must be 0; over UIO_MAXIOV iovecs: EINVAL; a local iovec
                   beyond user space: EFAULT; nothing to copy: 0 before the target is looked for;
                   exited: ESRCH; no ptrace access: EPERM.

Who may look (`may_access`, Linux's __ptrace_may_access with real credentials): the process
itself, or a caller whose real uid is the target's real, effective and saved uid and whose real
gid is the target's three gids, or one holding CAP_SYS_PTRACE (syscalls/policy.py `capable`).

Partial:
  - No dumpable flag: Linux refuses (EPERM) access to a process that changed its ids since its
    last exec even to its own new uid, unless the caller has CAP_SYS_PTRACE; jitvm allows it.
    No Yama ptrace_scope.
  - Only pidfd_open's descriptors are pidfds: a /proc/<pid> directory descriptor is not accepted
    by pidfd_send_signal (Linux takes it: EBADF here). clone's CLONE_PIDFD and waitid's P_PIDFD
    belong to kernel/fork.py and syscalls/proc.py (`process_of` gives them the process).
  - KCMP_SYSVSEM: a process has an undo list once it used SEM_UNDO (syscalls/ipc.py keeps them
    per process) or while it has more than one thread; Linux makes one at the first clone with
    CLONE_SYSVSEM, which pthread_create passes, and keeps it after the thread is gone. KCMP_IO
    compares io_contexts as syscalls/policy.py keeps them: one per process, not per thread.

Waking pollers at exit, with no hook in the exit path: kernel/kernel.py wakes the parent's
`child_wait` when a process exits. A PidFd waits on the child_wait queues of the target's parent
and of every process above it. The target's parent can change only when that parent exits --
the target then goes to pid 1, an ancestor of every process -- and that exit wakes the queue of
the parent's own parent, which is in the set: the poller looks again and computes the set anew.
So whichever parent the target has when it exits, the poller is woken. A target without a
parent (pid 1, or an orphan once pid 1 is gone) is looked at every kernel/poll.py HOST_RECHECK.
"""
import os
import struct

from kernel import params
from kernel import signal as S
from kernel.errno import EBADF, EFAULT, EINVAL, ENOENT, EPERM, ESRCH, Errno
from kernel.pagetable import PTE_W
from kernel.poll import Epoll
from kernel.syscalls import ipc, policy
from kernel.uapi import (O_NONBLOCK, O_RDWR, POLLIN, POLLRDNORM, Stat, as_int, open_flags_in,
                         read_iovecs)
from kernel.vfs import File

PIDFD_NONBLOCK = O_NONBLOCK
PAGE = params.PAGE_SIZE


# ---- the pidfd ----------------------------------------------------------------------------------
class PidFd(File):
    """An open pidfd: names one Process for as long as it is open, reaped or not (a pid reused
    later is another process)."""
    link_name = "anon_inode:[pidfd]"

    def __init__(self, proc, flags=0):
        super().__init__(O_RDWR | (flags & O_NONBLOCK))
        self.proc = proc

    def read(self, n):
        raise Errno(EINVAL)

    def write(self, data):
        raise Errno(EINVAL)

    def poll_mask(self):
        return POLLIN | POLLRDNORM if self.proc.exited else 0

    def wait_queues(self):
        """The child_wait queues of every process above the target (see the module doc)."""
        queues, seen, up = [], set(), self.proc.parent
        while up is not None and id(up) not in seen:
            seen.add(id(up))
            queues.append(up.child_wait)
            up = up.parent
        return queues or None

    def stat(self):
        return Stat(mode=0o600, ino=id(self) & 0xFFFFFF)


def process_of(f):
    """The Process a pidfd names, or None if f is no pidfd (for waitid's P_PIDFD, CLONE_PIDFD)."""
    return f.proc if isinstance(f, PidFd) else None


def _pidfd(t, fd):
    f = t.proc.fds.get(fd)
    if not isinstance(f, PidFd):
        raise Errno(EBADF)
    return f


def _reaped(k, p):
    return k.processes.get(p.pid) is not p


def sys_pidfd_open(t, pid, flags):
    pid, flags, k = as_int(pid), open_flags_in(t.kernel.abi, flags & 0xFFFFFFFF), t.kernel
    if flags & ~PIDFD_NONBLOCK or pid <= 0:
        raise Errno(EINVAL)
    p = k.processes.get(pid)
    if p is None:
        raise Errno(EINVAL if pid in k.threads else ESRCH)    # a thread, not a process
    return t.proc.fds.install(PidFd(p, flags), cloexec=True)


def sys_pidfd_send_signal(t, pidfd, sig, info, flags):
    if flags & 0xFFFFFFFF:
        raise Errno(EINVAL)
    p, sig, me, sa = _pidfd(t, pidfd).proc, as_int(sig), t.proc, t.kernel.sigabi
    raw = code = None
    if info:
        raw = me.mm.read(info, 128)
        signo, code = struct.unpack_from("<i", raw)[0], sa.info_code(raw)
        if signo != sig:
            raise Errno(EINVAL)
        if (p is not me or t.tid != p.pid) and (code >= 0 or code == S.SI_TKILL):
            raise Errno(EPERM)           # only to yourself may you claim to be the kernel
    if _reaped(t.kernel, p):
        raise Errno(ESRCH)
    sig = sa.sig_in(sig, allow_zero=True)           # EINVAL out of range
    siginfo = (S.SigInfo(sig, code, raw=raw) if raw else
               S.SigInfo(sig, S.SI_USER, me.pid, me.creds.uid))
    if not S.may_signal(me, p, sig):
        raise Errno(EPERM)
    if sig and not p.exited:
        S.send(t.kernel, p, sig, siginfo)
    return 0


def may_access(me, target):
    """ptrace_may_access with real credentials (PTRACE_MODE_*_REALCREDS): see the module doc."""
    if me is target:
        return True
    c, tc = me.creds, target.creds
    if c.uid == tc.uid == tc.euid == tc.suid and c.gid == tc.gid == tc.egid == tc.sgid:
        return True
    return policy.capable(me, policy.CAP_SYS_PTRACE)


def sys_pidfd_getfd(t, pidfd, fd, flags):
    if flags & 0xFFFFFFFF:
        raise Errno(EINVAL)
    p = _pidfd(t, pidfd).proc
    if _reaped(t.kernel, p):
        raise Errno(ESRCH)
    if not may_access(t.proc, p):
        raise Errno(EPERM)
    if p.fds is None:
        raise Errno(ESRCH)               # exited: its descriptors are gone
    f = p.fds.get(as_int(fd))
    return t.proc.fds.install(f.get(), cloexec=True)


# ---- kcmp ---------------------------------------------------------------------------------------
(KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM,
 KCMP_EPOLL_TFD, KCMP_TYPES) = range(9)
_MASK64 = (1 << 64) - 1
# Linux's kcmp cookies: random per boot; the multiplier odd and with its top bit set
_COOKIES = [(int.from_bytes(os.urandom(8), "little"),
             int.from_bytes(os.urandom(8), "little") | 1 << 63 | 1) for _ in range(KCMP_TYPES)]


def _obfuscate(obj, kind):
    """kptr_obfuscate of the object's address (None is NULL), as a signed 64-bit value."""
    a, b = _COOKIES[kind]
    v = ((0 if obj is None else id(obj)) ^ a) * b & _MASK64
    return v - (1 << 64) if v >> 63 else v


def _order(x, y, kind):
    """kcmp_ptr: 0 equal, 1 x before y, 2 x after y."""
    a, b = _obfuscate(x, kind), _obfuscate(y, kind)
    return (a < b) | (a > b) << 1


def _file(p, idx):
    """The open file at descriptor idx (an unsigned int) of p, or None."""
    return p.fds.files.get(idx & 0xFFFFFFFF) if p.fds is not None else None


def _objects(k, p, kind):
    if kind == KCMP_VM:
        return p.mm
    if kind == KCMP_FILES:
        return p.fds
    if kind == KCMP_FS:
        return None if p.zombie else p.fs
    if kind == KCMP_SIGHAND:
        return p.sighand
    if kind == KCMP_IO:
        return policy.io_context_of(p)
    if kind == KCMP_SYSVSEM:
        # Linux gives a process an undo list when it first uses SEM_UNDO or creates a thread
        # with CLONE_SYSVSEM (as pthread_create does); its threads share it; exit drops it
        has = p in ipc.namespace(k).undo or len(p.threads) > 1
        return p if has and not p.zombie else None
    raise Errno(EINVAL)


def _epoll_target(p2, efd, tfd, toff):
    """get_epoll_tfile_raw_ptr: the file watched as descriptor `tfd` (its `toff`-th
    registration) by the epoll at descriptor `efd` of p2."""
    ep = _file(p2, efd)
    if ep is None:
        raise Errno(EBADF)
    if not isinstance(ep, Epoll):
        raise Errno(EINVAL)
    watched = [it.file for (fd, _), it in ep.items.items() if fd == tfd and it.file.refs > 0]
    if toff >= len(watched):
        raise Errno(ENOENT)
    return watched[toff]


def sys_kcmp(t, pid1, pid2, kind, idx1, idx2):
    k = t.kernel
    p1, p2 = policy.find_task(k, as_int(pid1)), policy.find_task(k, as_int(pid2))
    if p1 is None or p2 is None:
        raise Errno(ESRCH)
    if not (may_access(t.proc, p1) and may_access(t.proc, p2)):
        raise Errno(EPERM)
    kind = as_int(kind)
    if kind == KCMP_FILE:
        f1, f2 = _file(p1, idx1), _file(p2, idx2)
        if f1 is None or f2 is None:
            raise Errno(EBADF)
        return _order(f1, f2, KCMP_FILE)
    if kind == KCMP_EPOLL_TFD:          # idx2 points at struct kcmp_epoll_slot
        slot = struct.unpack("<III", t.proc.mm.read(idx2, 12))
        f1 = _file(p1, idx1)
        if f1 is None:
            raise Errno(EBADF)
        return _order(f1, _epoll_target(p2, *slot), KCMP_FILE)
    return _order(_objects(k, p1, kind), _objects(k, p2, kind), kind)


# ---- process_vm_readv / process_vm_writev -------------------------------------------------------
UIO_MAXIOV = 1024
MAX_RW_COUNT = 0x7FFFF000               # INT_MAX rounded down to a page, as every transfer


def _iovecs(t, iov, n):
    """iovec_from_user: EINVAL for too many, EFAULT if the array cannot be read."""
    n &= (1 << 64) - 1                  # an unsigned long
    if n > UIO_MAXIOV:
        raise Errno(EINVAL)
    return read_iovecs(t.proc.mm, t.kernel.abi, iov, n)


def _local_iovecs(t, iov, n):
    """import_iovec: every local buffer must lie in user space (access_ok: EFAULT); the total is
    cut at MAX_RW_COUNT."""
    out, total, task_size = [], 0, t.proc.mm.task_size
    for base, length in _iovecs(t, iov, n):
        if length >> 63 or length > task_size or base > task_size - length:
            raise Errno(EFAULT)
        length = min(length, MAX_RW_COUNT - total)
        out.append([base, length])
        total += length
    return out, total


class _Local:
    """The caller's side: its iovecs, consumed in order (the kernel's iov_iter)."""

    def __init__(self, mm, vecs):
        self.mm, self.vecs, self.i = mm, [v for v in vecs if v[1]], 0

    @property
    def left(self):
        return sum(n for _, n in self.vecs[self.i:])

    def _pieces(self, n):
        """(address, length) pieces of the next n bytes, split at vector and page ends."""
        i, off = self.i, 0
        while n > 0 and i < len(self.vecs):
            base, length = self.vecs[i]
            addr = base + off
            k = min(n, length - off, PAGE - (addr & (PAGE - 1)))
            yield addr, k
            n -= k
            off += k
            if off == length:
                i, off = i + 1, 0

    def _advance(self, n):
        while n > 0:
            base, length = self.vecs[self.i]
            k = min(n, length)
            self.vecs[self.i] = [base + k, length - k]
            n -= k
            if k == length:
                self.i += 1

    def put(self, data):
        """Copy data out to the caller; returns how much landed before a fault (if any)."""
        done = 0
        try:
            for addr, k in self._pieces(len(data)):
                self.mm.write(addr, data[done:done + k])
                done += k
        except Errno:
            pass
        self._advance(done)
        return done

    def take(self, n):
        """Up to n bytes from the caller, as far as they can be read."""
        out = bytearray()
        try:
            for addr, k in self._pieces(n):
                out += self.mm.read(addr, k)
        except Errno:
            pass
        self._advance(len(out))
        return bytes(out)


def _copy_vec(mm, addr, length, local, write):
    """process_vm_rw_single_vec: one remote iovec, a page at a time. Returns (bytes, ok); ok is
    False once a page of either side could not be reached (EFAULT for the call if nothing moved)."""
    moved = 0
    while length > 0 and local.left:
        n = min(length, PAGE - (addr & (PAGE - 1)), local.left)
        try:
            if write:
                mm.physical(addr, PTE_W)         # pin the page for writing first
                data = local.take(n)
                mm.write(addr, data)
                done = len(data)
            else:
                done = local.put(mm.read(addr, n))
        except Errno:
            return moved, False
        moved += done
        if done < n:
            return moved, False
        addr, length = addr + n, length - n
    return moved, True


def _process_vm(t, pid, lvec, liovcnt, rvec, riovcnt, flags, write):
    if flags:
        raise Errno(EINVAL)
    local, total = _local_iovecs(t, lvec, liovcnt)
    if not total:
        return 0
    remote = _iovecs(t, rvec, riovcnt)
    if not any(0 < n < 1 << 63 for _, n in remote):
        return 0                          # no page to pin: the target is not even looked for
    p = policy.find_task(t.kernel, as_int(pid))
    if p is None or p.mm is None:
        raise Errno(ESRCH)
    if p.mm is not t.proc.mm and not may_access(t.proc, p):
        raise Errno(EPERM)
    it, copied = _Local(t.proc.mm, local), 0
    for base, n in remote:
        if not it.left:
            break
        moved, ok = _copy_vec(p.mm, base, n, it, write)
        copied += moved
        if not ok:
            if not copied:
                raise Errno(EFAULT)
            break
    return copied


def sys_process_vm_readv(t, pid, lvec, liovcnt, rvec, riovcnt, flags):
    return _process_vm(t, pid, lvec, liovcnt, rvec, riovcnt, flags, write=False)


def sys_process_vm_writev(t, pid, lvec, liovcnt, rvec, riovcnt, flags):
    return _process_vm(t, pid, lvec, liovcnt, rvec, riovcnt, flags, write=True)


SYSCALLS = {
    "pidfd_open": (sys_pidfd_open, "int hex"),
    "pidfd_send_signal": (sys_pidfd_send_signal, "fd int ptr hex"),
    "pidfd_getfd": (sys_pidfd_getfd, "fd int hex"),
    "kcmp": (sys_kcmp, "int int int hex hex"),
    "process_vm_readv": (sys_process_vm_readv, "int ptr size ptr size hex"),
    "process_vm_writev": (sys_process_vm_writev, "int ptr size ptr size hex"),
}
