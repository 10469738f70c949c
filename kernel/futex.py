"""Futexes: wait queues keyed by a user memory word (Linux's kernel/futex/).

The key says which word two callers mean. A private futex (FUTEX_PRIVATE_FLAG), and any word in
memory that is not shared between address spaces, is keyed by (address space, virtual address);
a word in shared memory (MAP_SHARED anonymous) by the physical address of the word, so processes
that map the page at different addresses still meet.

Waiting follows the restart design (kernel/sched.py): the first entry compares the word and
parks the thread on the key's WaitQueue, remembering in t.restart that it is queued. The call
runs again when the thread is woken: a futex wake marks t.restart["futex_woken"] (-> 0), a
passed deadline means -ETIMEDOUT, anything else is a spurious wake-up (-> 0, which futex users
must tolerate anyway). The word is never re-read on re-entry: it may have changed back.
"""
import struct
import time

from kernel.abimap import fmt, long_bytes, read_ulong
from kernel.errno import EAGAIN, EFAULT, EINVAL, ETIMEDOUT, Errno
from kernel.sched import WaitQueue, WouldBlock

BITSET_MATCH_ANY = 0xFFFFFFFF
FUTEX_WAITERS, FUTEX_OWNER_DIED, FUTEX_TID_MASK = 0x80000000, 0x40000000, 0x3FFFFFFF
ROBUST_LIST_LIMIT = 2048        # entries walked at most, against a corrupt (circular) list


class FutexTable:
    def __init__(self, kernel):
        self.k = kernel
        self.queues = {}        # key -> WaitQueue (removed when it empties)

    # ---- keys and words ------------------------------------------------------------------------
    def key(self, mm, uaddr, private):
        if uaddr & 3:
            raise Errno(EINVAL)
        vma = mm.find(uaddr)
        if vma is None:
            raise Errno(EFAULT)
        if private or not vma.shared:
            return ("mm", id(mm), uaddr)
        return ("phys", mm.physical(uaddr))

    @staticmethod
    def load(mm, uaddr):
        return struct.unpack("<I", mm.read(uaddr, 4))[0]

    # ---- wait and wake --------------------------------------------------------------------------
    def wait(self, t, uaddr, val, deadline, bitset=BITSET_MATCH_ANY, private=False):
        """FUTEX_WAIT(_BITSET): sleep while *uaddr == val, until woken or `deadline`
        (time.monotonic(), or None)."""
        r = t.restart
        if "futex_key" in r:                       # run again after a wake-up
            if r.get("futex_woken"):
                return 0
            if r["futex_deadline"] is not None and time.monotonic() >= r["futex_deadline"]:
                raise Errno(ETIMEDOUT)
            return 0
        if not bitset:
            raise Errno(EINVAL)
        key = self.key(t.proc.mm, uaddr, private)
        if self.load(t.proc.mm, uaddr) != val & 0xFFFFFFFF:
            raise Errno(EAGAIN)
        q = self.queues.setdefault(key, WaitQueue())
        r["futex_key"], r["futex_bitset"], r["futex_deadline"] = key, bitset, deadline
        raise WouldBlock(q, deadline=deadline)

    def wake_key(self, key, n, bitset=BITSET_MATCH_ANY):
        q = self.queues.get(key)
        woken = 0
        if q is not None:
            for w in list(q.waiters):
                if woken >= n:
                    break
                if w.restart.get("futex_bitset", BITSET_MATCH_ANY) & bitset:
                    w.restart["futex_woken"] = True
                    self.k.sched.wake(w)
                    woken += 1
            self._tidy(key)
        return woken

    def wake(self, mm, uaddr, n, bitset=BITSET_MATCH_ANY, private=False):
        if not bitset:
            raise Errno(EINVAL)
        return self.wake_key(self.key(mm, uaddr, private), n, bitset)

    def requeue(self, mm, uaddr, n_wake, n_requeue, uaddr2, cmpval=None, private=False):
        """FUTEX_(CMP_)REQUEUE: wake n_wake waiters of uaddr, move up to n_requeue of the rest
        to uaddr2 (without waking them). Returns woken + moved."""
        if n_wake < 0 or n_requeue < 0:
            raise Errno(EINVAL)
        k1, k2 = self.key(mm, uaddr, private), self.key(mm, uaddr2, private)
        if cmpval is not None and self.load(mm, uaddr) != cmpval & 0xFFFFFFFF:
            raise Errno(EAGAIN)
        woken = self.wake_key(k1, n_wake)
        q1 = self.queues.get(k1)
        moved = 0
        if q1 is not None and k1 != k2:
            q2 = self.queues.setdefault(k2, WaitQueue())
            for w in list(q1.waiters)[:n_requeue]:
                q1.waiters.remove(w)
                q2.waiters.append(w)
                w.waiting_on = [q2 if q is q1 else q for q in w.waiting_on]
                w.restart["futex_key"] = k2
                moved += 1
            self._tidy(k1)
            self._tidy(k2)
        return woken + moved

    def wake_op(self, mm, uaddr, n, uaddr2, n2, op, private=False):
        """FUTEX_WAKE_OP: *uaddr2 = oldval OP oparg; wake n on uaddr, and n2 on uaddr2 if
        oldval CMP cmparg. The read-modify-write is atomic: guest code does not run meanwhile."""
        k1, k2 = self.key(mm, uaddr, private), self.key(mm, uaddr2, private)
        kind, cmp = (op >> 28) & 0xF, (op >> 24) & 0xF
        oparg, cmparg = _sext12((op >> 12) & 0xFFF), _sext12(op & 0xFFF)
        if kind & 8:                                 # FUTEX_OP_OPARG_SHIFT
            if not 0 <= oparg <= 31:
                raise Errno(EINVAL)
            oparg, kind = 1 << oparg, kind & 7
        if kind > 4 or cmp > 5:
            raise Errno(EINVAL)
        old = self.load(mm, uaddr2)
        new = (oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg)[kind]
        mm.write(uaddr2, struct.pack("<I", new & 0xFFFFFFFF))
        s_old = old - (1 << 32) if old >> 31 else old
        hit = (s_old == cmparg, s_old != cmparg, s_old < cmparg, s_old <= cmparg,
               s_old > cmparg, s_old >= cmparg)[cmp]
        woken = self.wake_key(k1, n)
        if hit:
            woken += self.wake_key(k2, n2)
        return woken

    def _tidy(self, key):
        q = self.queues.get(key)
        if q is not None and not q.waiters:
            del self.queues[key]

    # ---- thread exit ----------------------------------------------------------------------------
    def clear_child_tid(self, t):
        """CLONE_CHILD_CLEARTID at exit: *tid = 0 and wake one waiter (pthread_join)."""
        mm = t.proc.mm
        try:
            mm.write(t.clear_child_tid, b"\0\0\0\0")
            self.wake(mm, t.clear_child_tid, 1)
        except Errno:
            pass

    def exit_robust_list(self, t):
        """Mark the robust mutexes t still holds FUTEX_OWNER_DIED and wake one waiter of each
        (struct robust_list_head {next, futex_offset, list_op_pending})."""
        head, mm = t.robust_list, t.proc.mm
        if not head or mm is None:
            return
        abi = t.kernel.abi
        mask = (1 << 8 * long_bytes(abi)) - 1
        try:
            layout = fmt(abi, "<LlL")
            nxt, offset, pending = struct.unpack(layout, mm.read(head, struct.calcsize(layout)))
            entry, pending = nxt & ~1, pending & ~1
            for _ in range(ROBUST_LIST_LIMIT):
                if entry == head:
                    break
                following = read_ulong(mm, abi, entry) & ~1    # read before the word changes
                if entry != pending:
                    self._owner_died(t, (entry + offset) & mask, False)
                entry = following
            if pending:
                self._owner_died(t, (pending + offset) & mask, True)
        except Errno:
            pass                # a corrupt list is the program's problem, as in Linux

    def _owner_died(self, t, uaddr, pending_op):
        mm = t.proc.mm
        word = self.load(mm, uaddr)
        if pending_op and word == 0:
            self.wake(mm, uaddr, 1)     # it died between taking and registering the lock
            return
        if word & FUTEX_TID_MASK != t.tid:
            return
        mm.write(uaddr, struct.pack("<I", (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED))
        if word & FUTEX_WAITERS:
            self.wake(mm, uaddr, 1)


def _sext12(v):
    return v - 0x1000 if v & 0x800 else v
