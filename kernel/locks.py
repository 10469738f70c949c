"""Record locks: fcntl F_SETLK/F_SETLKW/F_GETLK and the F_OFD_* forms (Linux fs/locks.c).

One table per kernel maps a file's identity (st_dev, st_ino) to its byte-range locks. A lock's
owner is what POSIX says holds it: the Process for classic POSIX locks (released when that process
closes *any* descriptor of the file, or exits), the open file description for OFD locks (released
when the description's last reference goes). Owners that are gone are purged lazily, whenever the
file's lock list is looked at; so a waiter blocked on a lock whose owner died also looks again
every RECHECK seconds instead of relying on a wake-up from the exit path.

Ranges are half-open [start, end) with end None meaning "to end of file and beyond".
"""
import weakref
from dataclasses import dataclass

from kernel.sched import WaitQueue
from kernel.uapi import F_RDLCK, F_UNLCK, F_WRLCK

RECHECK = 0.05


@dataclass(eq=False)
class Lock:
    owner: object           # a Process (POSIX lock) or a File (OFD lock)
    kind: int               # F_RDLCK or F_WRLCK
    start: int
    end: int | None
    pid: int                # what F_GETLK reports (-1 for OFD locks)

    def overlaps(self, start, end):
        return (end is None or self.start < end) and (self.end is None or start < self.end)

    @property
    def alive(self):
        o = self.owner
        return not getattr(o, "exited", False) and getattr(o, "refs", 1) > 0


class LockTable:
    def __init__(self):
        self.files = {}             # identity -> [Lock]
        self.q = WaitQueue()        # F_SETLKW waiters; woken by every unlock

    def _locks(self, key):
        locks = [lk for lk in self.files.get(key, ()) if lk.alive]
        if locks:
            self.files[key] = locks
        else:
            self.files.pop(key, None)
        return locks

    def conflict(self, key, owner, kind, start, end):
        """The first lock of another owner that `kind` over [start, end) would collide with."""
        for lk in self._locks(key):
            if lk.owner is not owner and lk.overlaps(start, end) and F_WRLCK in (kind, lk.kind):
                return lk
        return None

    def set(self, key, owner, kind, start, end, pid):
        """Lock, relock or (F_UNLCK) unlock [start, end) for owner; the caller checked conflicts.
        The owner's old locks lose the overlapped part (split in two if need be)."""
        kept = []
        for lk in self._locks(key):
            if lk.owner is not owner or not lk.overlaps(start, end):
                kept.append(lk)
                continue
            if lk.start < start:
                kept.append(Lock(owner, lk.kind, lk.start, start, lk.pid))
            if end is not None and (lk.end is None or lk.end > end):
                kept.append(Lock(owner, lk.kind, end, lk.end, lk.pid))
        if kind in (F_RDLCK, F_WRLCK):
            kept.append(Lock(owner, kind, start, end, pid))
        kept.sort(key=lambda lk: lk.start)
        if kept:
            self.files[key] = kept
        else:
            self.files.pop(key, None)
        self.q.wake_all()

    def release_owner(self, key, owner):
        """close(): a process drops its POSIX locks on the file."""
        if any(lk.owner is owner for lk in self.files.get(key, ())):
            self.set(key, owner, F_UNLCK, 0, None, 0)

    def __bool__(self):
        return bool(self.files)


_tables = weakref.WeakKeyDictionary()     # (Kernel) -> {flock: LockTable}
_no_kernel = {False: LockTable(), True: LockTable()}   # callers without a kernel (unit tests)


def table_of(kernel, flock=False):
    """The kernel's record-lock table, or (flock) its flock table: on Linux the two kinds of
    lock do not see each other. A flock lock is a whole-file lock owned by the open file."""
    tables = _no_kernel if kernel is None else _tables.setdefault(
        kernel, {False: LockTable(), True: LockTable()})
    return tables[flock]
