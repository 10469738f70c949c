"""Scheduling: per-CPU runtimes, wait queues, timers, and blocking system calls.

Each virtual CPU has a runtime (`CpuRuntime`, zCore's per-CPU executor): its run queue, the
thread it runs, its time accounting, and a host thread of its own (CPU 0's is the thread that
called `run`). A CPU picks from its own queue and steals from the busiest other queue when that is
empty; new and woken threads go to the least loaded CPU their affinity allows; a CPU with nothing
to run sleeps in select() until another CPU sends it an IPI (a byte on its wake pipe), a timer is
due, or -- CPU 0 only -- a watched host fd (the console) is readable. Idle CPUs cost no host CPU.

Locking: one big kernel lock (`Scheduler.lock`) protects all kernel state -- process and thread
tables, run queues, wait queues, timers, address spaces, files. A CPU holds it whenever it runs
kernel code and releases it only while its thread is in user mode (`user_mode`) or while it is
idle. So guest code runs in parallel on all CPUs (compiled code does not hold the GIL), and kernel
code runs on one CPU at a time. Fields that other host threads touch without the lock:
CpuRuntime.out_of_user (an Event) and the CPU's ctl words written by `Cpu.interrupt`.

Preemption: a CPU enters user mode with a budget of params.TIME_SLICE instructions; compiled code
counts it down and exits with Exit.BUDGET (the timer interrupt); the thread goes to the back of a
run queue. Another CPU can cut a slice short with `Cpu.interrupt` (Exit.INTERRUPT, the IPI): for
a signal, a stop or kill of the thread it runs, or a TLB shootdown (`shootdown`).

Blocking: a system call that cannot finish now raises `WouldBlock(queue, ..., deadline=...)`. The
kernel then rewinds the thread to its system-call instruction and parks it on those wait queues
(and/or until the deadline); a `wake` makes it runnable and it executes the call again from the
start. So a handler that may block must be safe to re-enter: progress it has to keep goes in
`thread.restart` (a dict the kernel clears when the call completes or is interrupted). This is
the classic restart design (Linux's -ERESTARTSYS, xv6's sleep loops): no kernel stacks, no host
thread per guest thread -- a parked thread costs nothing.
"""
import heapq
import itertools
import os
import select
import threading
import time
from collections import deque
from contextlib import contextmanager


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
SUBMITTED = "D"        # its system call waits for the system-call CPU (kernel/syscall_cpu.py)
IDLE_WAKE = 1.0        # seconds: an idle CPU re-checks the world at least this often (a safety
                       # net; every event that gives it work also sends it an IPI)


def _select(fds, timeout):
    """The readable ones of fds, waiting up to `timeout` seconds."""
    try:
        return select.select(fds, [], [], timeout)[0]
    except (OSError, ValueError):        # a watched fd was closed meanwhile
        return []


class CpuRuntime:
    """One virtual CPU's runtime. `cpu` is the machine's Cpu (None in unit tests)."""

    def __init__(self, index, cpu):
        self.index, self.cpu = index, cpu
        self.runq = deque()
        self.current = None             # the thread it runs (in user mode or in the kernel)
        self.idle = False
        self.out_of_user = threading.Event()
        self.out_of_user.set()
        self.times = {"user": 0.0, "system": 0.0, "idle": 0.0}    # seconds, for /proc/stat
        self._since = time.monotonic()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)

    def load(self):
        return len(self.runq) + (self.current is not None)

    def ipi(self):
        """Wake this CPU if it sleeps (idempotent: the pipe keeps one byte until it looks)."""
        try:
            os.write(self._wake_w, b"!")
        except BlockingIOError:
            pass

    def interrupt(self):
        """Make it leave user mode at its next block boundary (no-op unless it is there)."""
        if self.cpu is not None and not self.out_of_user.is_set():
            self.cpu.interrupt()

    def shootdown(self):
        """Wait until this CPU no longer runs guest code with what its TLB and translations held
        before now (called, with the kernel lock, by a CPU that changed an address space this
        one is running)."""
        if not self.out_of_user.is_set():
            self.interrupt()
            self.out_of_user.wait()

    def account(self, kind):
        """Charge the time since the last call to `kind` (user, system or idle)."""
        now = time.monotonic()
        self.times[kind] += now - self._since
        self._since = now

    def drain(self):
        try:
            while os.read(self._wake_r, 64):
                pass
        except BlockingIOError:
            pass

    def close(self):
        os.close(self._wake_r)
        os.close(self._wake_w)


class Scheduler:
    """Every CPU's runtime, the timers and the host fds, under the big kernel lock."""

    def __init__(self, kernel):
        self.k = kernel
        machine = getattr(kernel, "machine", None)
        cpus = machine.cpus if machine is not None else [None]
        self.cpus = [CpuRuntime(i, c) for i, c in enumerate(cpus)]
        self.lock = threading.Lock()     # the big kernel lock (module docstring)
        self.timers = []                 # heap of (deadline, seq, thread or callable)
        self._seq = itertools.count()
        self.host_fds = {}               # host fd -> callback(), polled by CPU 0
        self.current = None              # the thread whose trap the kernel is handling now
        self.stopping = False
        self.crash = None                # an exception that stopped a secondary CPU
        self.syscall_cpu = None          # kernel/syscall_cpu.py's SyscallCpu, with --syscall-cpu

    def __del__(self):
        for c in getattr(self, "cpus", ()):
            c.close()

    # ---- thread states ------------------------------------------------------------------------
    def add(self, t):
        t.state = RUNNABLE
        self.place(t)

    def place(self, t, prefer=None):
        """Queue a runnable thread on the least loaded CPU its affinity allows (ties: `prefer`,
        else the CPU it last ran on), and wake that CPU. A thread still on a CPU is left alone:
        that CPU queues it when it comes back from user mode (or it would run twice at once)."""
        if t.rq is not None or t.on_cpu is not None:
            return
        # a dedicated system-call CPU runs a thread only if its affinity allows no other
        allowed = ([c for c in self.user_cpus() if t.affinity >> c.index & 1]
                   or [c for c in self.cpus if t.affinity >> c.index & 1] or self.user_cpus())
        last = prefer if prefer is not None else self.cpus[t.last_cpu % len(self.cpus)]
        c = min(allowed, key=lambda c: (c.load(), c is not last, c.index))
        c.runq.append(t)
        t.rq = c
        if c.idle:
            c.ipi()

    def user_cpus(self):
        """The CPUs that run guest code: all, but for a dedicated system-call CPU."""
        sc = self.syscall_cpu
        return self.cpus if sc is None else [c for c in self.cpus if c is not sc.rt]

    def _dequeue(self, t):
        if self.syscall_cpu is not None:
            self.syscall_cpu.cancel(t)
        if t.rq is not None:
            t.rq.runq.remove(t)
            t.rq = None

    def block(self, t, queues, deadline):
        self._dequeue(t)
        t.state = BLOCKED
        t.waiting_on = list(queues)
        for q in queues:
            q.waiters.append(t)
        t.deadline = deadline
        if deadline is not None:
            self._add_timer(deadline, t)

    def wake(self, t):
        """Make a blocked thread runnable (it will retry its system call)."""
        if t.state != BLOCKED:
            return
        self._unlink(t)
        t.state = RUNNABLE
        self.place(t)

    def notify_signal(self, t):
        """t has a signal to take: wake it if it is blocked in a system call; if it is running
        on another CPU, interrupt that CPU so it takes the signal now, not at the slice's end."""
        if t.state == BLOCKED:
            self.wake(t)
        elif t.on_cpu is not None:
            t.on_cpu.interrupt()

    def stop(self, t):
        """Job-control stop: off the run queue until `cont`."""
        if t.state == BLOCKED:
            self._unlink(t)
        t.state = STOPPED
        self._dequeue(t)
        if t.on_cpu is not None:
            t.on_cpu.interrupt()

    def cont(self, t):
        if t.state == STOPPED:
            self.add(t)

    def exit(self, t):
        if t.state == BLOCKED:
            self._unlink(t)
        t.state = DEAD
        self._dequeue(t)
        if t.on_cpu is not None:
            t.on_cpu.interrupt()

    def _unlink(self, t):
        for q in t.waiting_on:
            if t in q.waiters:
                q.waiters.remove(t)
        t.waiting_on = []
        t.deadline = None

    # ---- timers and host events ---------------------------------------------------------------
    def _add_timer(self, deadline, what):
        earliest = not self.timers or deadline < self.timers[0][0]
        heapq.heappush(self.timers, (deadline, next(self._seq), what))
        if earliest:                     # sleeping CPUs compute their timeout anew
            for c in self.cpus:
                if c.idle:
                    c.ipi()

    def call_at(self, deadline, fn):
        """Run fn() at `deadline` (an interval timer: kernel/signal.py's alarm); idle CPUs
        sleep no longer than the earliest of these and the blocked threads' deadlines."""
        self._add_timer(deadline, fn)

    def fire_timers(self):
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            _, _, t = heapq.heappop(self.timers)
            if callable(t):
                t()
            elif t.state == BLOCKED and t.deadline is not None and t.deadline <= now:
                self.wake(t)

    def watch_host_fd(self, fd, callback):
        self.host_fds[fd] = callback
        if self.cpus[0].idle:
            self.cpus[0].ipi()           # it sleeps in a select() without this fd

    def poll_host(self, timeout):
        """Run callbacks of host fds that are readable, waiting up to `timeout` seconds (with
        the kernel lock: for CPU 0 between time slices; idle waits go through `_idle`)."""
        if self.host_fds:
            self._ready(_select(list(self.host_fds), timeout))

    def _ready(self, fds):
        for fd in fds:
            cb = self.host_fds.get(fd)
            if cb is not None:
                cb()

    # ---- the CPUs ---------------------------------------------------------------------------
    def run(self, until):
        """Run every CPU until `until()` is true (checked under the kernel lock); CPU 0 on this
        host thread, the others on threads of their own, stopped and joined before returning."""
        self.stopping, self.crash = False, None
        with self.lock:
            cpus = [threading.Thread(target=self._secondary, args=(c, until), daemon=True,
                                     name=f"jitvm-cpu{c.index}") for c in self.cpus[1:]]
            for th in cpus:
                th.start()
            try:
                self._loop(self.cpus[0], until)
            finally:
                self.stop_all()
                self.lock.release()
                try:
                    for th in cpus:
                        th.join()
                finally:
                    self.lock.acquire()
        if self.crash is not None:
            raise self.crash

    def _secondary(self, c, until):
        with self.lock:
            try:
                self._loop(c, until)
            except BaseException as e:   # a kernel bug: stop the machine, report on CPU 0
                self.crash = e
                self.stop_all()

    def stop_all(self):
        self.stopping = True
        for c in self.cpus:
            c.ipi()
            c.interrupt()

    def _loop(self, c, until):
        k = self.k
        c.account("system")
        while not self.stopping:
            if until():
                self.stop_all()
                break
            self.fire_timers()
            if c.index == 0 and self.host_fds:
                self.poll_host(0)
            if self.syscall_cpu is not None and c is self.syscall_cpu.rt:
                if self.syscall_cpu.serve(k):
                    continue
                t = c.runq.popleft() if c.runq else None    # threads pinned to it alone
                if t is not None:
                    t.rq = None
                    if t.state != RUNNABLE:
                        continue
            else:
                t = self._pick(c)
            if t is None:
                self._idle(c)
                continue
            c.current, t.on_cpu, t.last_cpu = t, c, c.index
            try:
                k.run_slice(c, t)
            finally:
                c.current = t.on_cpu = None
            if t.state == RUNNABLE:
                self.place(t, prefer=c)

    def _pick(self, c):
        while c.runq:
            t = c.runq.popleft()
            t.rq = None
            if t.state == RUNNABLE:
                return t
        # steal: the oldest thread of the busiest queue that may run here
        for other in sorted(self.user_cpus(), key=lambda o: -len(o.runq)):
            for t in other.runq:
                if t.state == RUNNABLE and t.affinity >> c.index & 1:
                    self._dequeue(t)
                    return t
        return None

    def _idle(self, c):
        timeout = IDLE_WAKE
        if self.timers:
            timeout = min(timeout, max(0.0, self.timers[0][0] - time.monotonic()))
        elif not self.host_fds and all(o.idle or o is c for o in self.cpus) \
                and not any(o.current or o.runq for o in self.cpus) \
                and not (self.syscall_cpu and self.syscall_cpu.queue):
            self.k.log("deadlock: every thread is blocked and nothing can wake them")
            self.stop_all()
            return
        c.account("system")
        c.idle = True
        fds = [c._wake_r] + (list(self.host_fds) if c.index == 0 else [])   # with the lock
        self.lock.release()
        try:
            ready = _select(fds, timeout)
        finally:
            self.lock.acquire()
            c.idle = False
            c.account("idle")
        c.drain()
        self._ready(fd for fd in ready if fd != c._wake_r)

    @contextmanager
    def user_mode(self, c, mm):
        """Around entering user mode on CPU c: the kernel lock is released meanwhile; c is in
        mm's CPU set so that changes to mm shoot down its TLB (`shootdown`)."""
        mm.active_cpus.add(c)
        c.out_of_user.clear()
        if c.cpu is not None:
            c.cpu.clear_interrupt()
        c.account("system")
        self.lock.release()
        try:
            yield
        finally:
            c.out_of_user.set()
            self.lock.acquire()
            c.account("user")
            mm.active_cpus.discard(c)
