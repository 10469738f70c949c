"""A dedicated system-call CPU (`--syscall-cpu`): CPU 0 runs every system call, the other CPUs
only guest code -- the split of zCore's experiment, where one hart executes the system calls
that the other harts submit (a `RemoteSyscallFuture` on a submission queue) and the calling task
is parked until it completes.

Here: a thread whose slice ends with a system call does not run it on its own CPU. The CPU puts
it on this submission queue (state SUBMITTED; /proc shows it running) and goes on with another
thread; CPU 0 takes requests in order, runs each with the kernel's one system-call path
(kernel/trap.py), and the completion makes the thread runnable again on a user CPU. So:
  - a call that blocks parks the thread on its wait queues as before; woken, it re-executes the
    system-call instruction on a user CPU and is submitted anew (the restart design of
    kernel/sched.py needs nothing else);
  - signals are delivered on the user CPU on the way back to user mode, as always; a signal that
    comes while the request waits is taken after the call completes (or interrupts it if it
    blocks), as Linux delivers it on return from the system call;
  - a thread stopped or killed while its request waits leaves the queue; its pc still points at
    the system-call instruction, so a stopped thread re-executes it when continued;
  - exit and exec run on CPU 0 like every other call.
Page faults, illegal instructions, breakpoints and time-slice ends are handled by the CPU that
took them: they are about that CPU's TLB and the thread it runs, they are short, and sending
them to CPU 0 would only add a round trip (zCore's split, too, covers system calls only).
CPU 0 also keeps what was CPU 0's before: the console and the other host fds, the timers.

The kernel runs under one big lock either way, so this does not add parallelism: what it changes
is where kernel work runs (one host thread, its caches warm) and that a user CPU never waits for
a long system call -- perf/bench_smp.py measures whether that pays.
"""
import time
from collections import deque

from kernel import trap
from kernel.sched import RUNNABLE, SUBMITTED


class SyscallCpu:
    def __init__(self, sched, rt):
        self.sched, self.rt = sched, rt
        self.queue = deque()
        self.served = 0

    def submit(self, t):
        """From a user CPU, with the kernel lock: t trapped with a system call."""
        t.state = SUBMITTED
        self.queue.append(t)
        if self.rt.idle:
            self.rt.ipi()

    def cancel(self, t):
        """t is stopped or killed before its request was served."""
        if t in self.queue:
            self.queue.remove(t)

    def serve(self, k):
        """On CPU 0, with the kernel lock: run the oldest request. Returns False if none."""
        if not self.queue:
            return False
        t, rt = self.queue.popleft(), self.rt
        rt.current, t.on_cpu = t, rt
        k.sched.current = t
        start = time.perf_counter_ns()
        try:
            trap.syscall(k, t)
        finally:
            rt.current = t.on_cpu = None
            t.usage.stime_ns += time.perf_counter_ns() - start
        self.served += 1
        # done, or blocked and woken again within the call (a signal it raised itself): back to
        # a user CPU -- place() left it alone while it was on this one
        if t.state in (SUBMITTED, RUNNABLE):
            t.state = RUNNABLE
            self.sched.place(t)
        return True
