"""File descriptor tables: small integers -> open file descriptions (kernel/vfs.py File).

The split is Linux's: the File holds the offset and status flags and is shared by dup() and fork();
the table entry holds only the close-on-exec flag. Threads created with CLONE_FILES share one
FdTable object; fork() gets `clone()`; execve calls `close_on_exec()`.

Reference counting: a File starts with one reference; `install` consumes one (even when it fails
with EMFILE), `close` drops one. Whoever else keeps a File (an mmap, a pipe end) calls get/put.
"""
import fcntl
import os
import threading

from kernel import params
from kernel.errno import EBADF, EMFILE, Errno
from kernel.uapi import as_int


class FdTable:
    def __init__(self, limit=params.MAX_FDS):
        self.files = {}         # fd -> File; guarded by lock
        self.cloexec = set()    # fds with FD_CLOEXEC; guarded by lock
        self.limit = limit      # RLIMIT_NOFILE
        self.lock = threading.Lock()    # threads of a process can open/close concurrently

    @classmethod
    def with_stdio(cls):
        """fds 0, 1, 2 over the VM's own host fds 0, 1, 2 (pass-through) for `jitvm run`.
        A host fd that is closed is left closed in the guest too."""
        from kernel.devfs import HostStream     # devfs imports vfs; keep this module light
        table = cls()
        for fd in (0, 1, 2):
            try:
                acc = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE    # 0/1/2 on every Linux
            except OSError:
                continue
            table.files[fd] = HostStream(fd, acc)
        return table

    # Every fd argument goes through as_int: a syscall may hand us a raw register value.
    def get(self, fd):
        f = self.files.get(as_int(fd))
        if f is None:
            raise Errno(EBADF)
        return f

    def install(self, f, cloexec=False, minfd=0):
        """Put f at the lowest free fd >= minfd; returns the fd."""
        with self.lock:
            fd = minfd
            while fd in self.files:
                fd += 1
            if fd >= self.limit:
                f.put()
                raise Errno(EMFILE)
            self._set(fd, f, cloexec)
        return fd

    def install_at(self, fd, f, cloexec=False):
        """dup2/dup3: put f at exactly fd, closing what was there."""
        fd = as_int(fd)
        if not 0 <= fd < self.limit:
            f.put()
            raise Errno(EBADF)
        with self.lock:
            old = self.files.get(fd)
            self._set(fd, f, cloexec)
        if old is not None:
            old.put()
        return fd

    def _set(self, fd, f, cloexec):
        self.files[fd] = f
        (self.cloexec.add if cloexec else self.cloexec.discard)(fd)

    def close(self, fd):
        fd = as_int(fd)
        with self.lock:
            f = self.files.pop(fd, None)
            self.cloexec.discard(fd)
        if f is None:
            raise Errno(EBADF)
        f.put()     # outside the lock: releasing a pipe end may wake other threads

    def get_cloexec(self, fd):
        self.get(fd)
        return as_int(fd) in self.cloexec

    def set_cloexec(self, fd, on):
        fd = as_int(fd)
        with self.lock:
            self.get(fd)
            (self.cloexec.add if on else self.cloexec.discard)(fd)

    def clone(self):
        """fork(): the child's table shares every File."""
        with self.lock:
            t = FdTable(self.limit)
            t.files = {fd: f.get() for fd, f in self.files.items()}
            t.cloexec = set(self.cloexec)
        return t

    def close_on_exec(self):
        for fd in sorted(self.cloexec):
            self.close(fd)

    def close_all(self):
        """Process exit."""
        for fd in sorted(self.files):
            self.close(fd)
