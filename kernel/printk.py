"""The kernel log (Linux's printk ring buffer): what dmesg, syslog(2) and /proc/kmsg read.

Every kernel message is a record (seconds since boot, level, text) in a ring of LOG_BUF_LEN
bytes; the oldest go first when it is full. Where a message is also shown is the caller's
business (kernel/kernel.py Kernel.log: the boot console, or `jitvm run`'s stderr).

syslog(2) reads records as Linux formats them with printk.time on: "<6>[    1.234567] text\n".
SYSLOG_ACTION_READ (and /proc/kmsg) consumes what it returns and waits while nothing is unread;
READ_ALL returns the whole ring without consuming; CLEAR forgets it.
"""
import time
from collections import deque

from kernel.sched import WaitQueue

LOG_BUF_LEN = 1 << 17           # CONFIG_LOG_BUF_SHIFT=17
KERN_ERR, KERN_WARNING, KERN_NOTICE, KERN_INFO, KERN_DEBUG = 3, 4, 5, 6, 7


class KernelLog:
    def __init__(self, t0=None):
        self.t0 = time.monotonic() if t0 is None else t0
        self.records = deque()          # (seq, formatted bytes)
        self.size = 0
        self.next_seq = 0
        self.read_seq = 0               # first record SYSLOG_ACTION_READ has not returned
        self.clear_seq = 0              # first record READ_ALL returns (after a CLEAR)
        self.wq = WaitQueue()           # readers of /proc/kmsg and SYSLOG_ACTION_READ

    def add(self, text, level=KERN_INFO, when=None):
        when = time.monotonic() - self.t0 if when is None else when
        for line in text.splitlines() or [""]:
            rec = f"<{level}>[{when:12.6f}] {line}\n".encode(errors="replace")
            self.records.append((self.next_seq, rec))
            self.next_seq += 1
            self.size += len(rec)
        while self.size > LOG_BUF_LEN:
            self.size -= len(self.records.popleft()[1])
        self.wq.wake_all()

    def _since(self, seq):
        return [rec for s, rec in self.records if s >= seq]

    def read_all(self, limit=None):
        """The records since the last clear; with `limit`, the newest whole records that fit."""
        recs = self._since(self.clear_seq)
        if limit is not None:
            total, keep = 0, 0
            for rec in reversed(recs):
                if total + len(rec) > limit:
                    break
                total, keep = total + len(rec), keep + 1
            recs = recs[len(recs) - keep:]
        return b"".join(recs)

    def clear(self):
        self.clear_seq = self.next_seq

    def unread(self):
        return b"".join(self._since(self.read_seq))

    def consume(self, n):
        """Up to n bytes of whole unread records (at least one, cut if it alone is longer)."""
        out = b""
        for s, rec in self.records:
            if s < self.read_seq:
                continue
            if out and len(out) + len(rec) > n:
                break
            out += rec[:n - len(out)]
            self.read_seq = s + 1
        return out
