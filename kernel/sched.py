"""Scheduling: run queues, wait queues, timers, and blocking system calls.

A system call that cannot finish now raises `WouldBlock(queue, ..., deadline=...)`. The kernel
then rewinds the thread to its system-call instruction and parks it on those wait queues (and/or
until the deadline); a `wake` makes it runnable and it executes the call again from the start.
So a handler that may block must be safe to re-enter: progress it has to keep goes in
`thread.restart` (a dict the kernel clears when the call completes or is interrupted). This is
the classic restart design (Linux's -ERESTARTSYS, xv6's sleep loops): no kernel stacks, no host
thread per guest thread -- a parked thread costs nothing.

The host side is event-driven too: file descriptors registered with `watch_host_fd` (the console)
are polled between time slices, and when nothing is runnable the CPU sleeps in select() until a
timer or host input arrives -- an idle machine uses no host CPU.
"""
import heapq
import itertools
import select
import time
from collections import deque



class WouldBlock(Exception):
    """Raised by a system call that must wait. See the module docstring."""

    def __init__(self, *queues, deadline=None):
        super().__init__("would block")
        self.queues, self.deadline = queues, deadline


class WaitQueue:
    """Threads waiting for one event (data in a pipe, a child's exit, a futex word...)."""

    def __init__(self):
        self.waiters = []

    def wake_all(self):
        for t in list(self.waiters):
            t.kernel.sched.wake(t)

    def wake_one(self):
        if self.waiters:
            t = self.waiters[0]
            t.kernel.sched.wake(t)
            return True
        return False

    def __len__(self):
        return len(self.waiters)


RUNNABLE, BLOCKED, STOPPED, DEAD = "R", "S", "T", "X"


class Scheduler:
    """One CPU's scheduler (round robin). Per-CPU runtimes for --smp build on this."""

    def __init__(self, kernel):
        self.k = kernel
        self.runq = deque()
        self.timers = []                 # heap of (deadline, seq, thread)
        self._seq = itertools.count()
        self.host_fds = {}               # host fd -> callback(), polled between slices
        self.current = None

    # ---- thread states ------------------------------------------------------------------------
    def add(self, t):
        t.state = RUNNABLE
        self.runq.append(t)

    def block(self, t, queues, deadline):
        t.state = BLOCKED
        t.waiting_on = list(queues)
        for q in queues:
            q.waiters.append(t)
        t.deadline = deadline
        if deadline is not None:
            heapq.heappush(self.timers, (deadline, next(self._seq), t))

    def wake(self, t):
        """Make a blocked thread runnable (it will retry its system call)."""
        if t.state != BLOCKED:
            return
        self._unlink(t)
        t.state = RUNNABLE
        self.runq.append(t)

    def stop(self, t):
        """Job-control stop: off the run queue until `cont`."""
        if t.state == BLOCKED:
            self._unlink(t)
        t.state = STOPPED
        if t in self.runq:
            self.runq.remove(t)

    def cont(self, t):
        if t.state == STOPPED:
            self.add(t)

    def exit(self, t):
        if t.state == BLOCKED:
            self._unlink(t)
        t.state = DEAD
        if t in self.runq:
            self.runq.remove(t)

    def _unlink(self, t):
        for q in t.waiting_on:
            if t in q.waiters:
                q.waiters.remove(t)
        t.waiting_on = []
        t.deadline = None

    # ---- host events --------------------------------------------------------------------------
    def watch_host_fd(self, fd, callback):
        self.host_fds[fd] = callback

    def poll_host(self, timeout):
        """Run callbacks of host fds that are readable, waiting up to `timeout` seconds."""
        if not self.host_fds:
            if timeout:
                time.sleep(timeout)
            return
        try:
            ready, _, _ = select.select(list(self.host_fds), [], [], timeout)
        except (OSError, ValueError):
            return
        for fd in ready:
            self.host_fds[fd]()

    def call_at(self, deadline, fn):
        """Run fn() at `deadline` (an interval timer: kernel/signal.py's alarm); the idle CPU
        sleeps no longer than the earliest of these and the blocked threads' deadlines."""
        heapq.heappush(self.timers, (deadline, next(self._seq), fn))

    def fire_timers(self):
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            _, _, t = heapq.heappop(self.timers)
            if callable(t):
                t()
            elif t.state == BLOCKED and t.deadline is not None and t.deadline <= now:
                self.wake(t)

    # ---- the CPU loop -------------------------------------------------------------------------
    def run(self, until):
        """Run threads until `until()` is true."""
        k = self.k
        cpu = k.machine.cpus[0]
        slices = 0
        while not until():
            self.fire_timers()
            if not self.runq:
                wait = None
                if self.timers:
                    wait = max(0.0, self.timers[0][0] - time.monotonic())
                if wait is None and not self.host_fds:
                    k.log("deadlock: every thread is blocked and nothing can wake them")
                    return
                self.poll_host(min(wait, 1.0) if wait is not None else 1.0)
                continue
            t = self.runq.popleft()
            if t.state != RUNNABLE:
                continue
            self.current = t
            k.run_slice(cpu, t)
            self.current = None
            if t.state == RUNNABLE:
                self.runq.append(t)
            slices += 1
            if self.host_fds and slices % 4 == 0:
                self.poll_host(0)

