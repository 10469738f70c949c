"""Resource accounting: user and system time, faults, context switches, peak memory (Linux's
task cputime and struct rusage).

Each Thread has a Usage. User time is the host time its vCPU spent running its guest code
(kernel.run_slice), system time the time the kernel spent on the trap that ended the slice
(system calls, page faults, signals). A Process keeps the usage of its exited threads
(`usage_dead`) and of its reaped children and their reaped children (`usage_children`), as Linux
folds a child's times into its parent at wait. Read by getrusage, wait4/waitid, times(),
clock_gettime's CPU-time clocks and /proc/<pid>/stat.
"""
from dataclasses import dataclass, fields

from kernel import params

USER_HZ = 100           # the clock ticks of times() and /proc/<pid>/stat


@dataclass
class Usage:
    utime_ns: int = 0
    stime_ns: int = 0
    maxrss_kb: int = 0      # a peak: combined with max, not +
    minflt: int = 0         # page faults the kernel served
    majflt: int = 0         # (none: nothing is read from a disk on a fault)
    nvcsw: int = 0          # voluntary switches: the thread blocked
    nivcsw: int = 0         # involuntary: its time slice ended

    def add(self, other):
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            setattr(self, f.name, max(mine, theirs) if f.name == "maxrss_kb" else mine + theirs)
        return self


def rss_kb(mm):
    """Resident memory of an address space, in KiB (the pages its page table maps)."""
    return mm.pt.resident() * params.PAGE_SIZE // 1024 if mm is not None else 0


def of_thread(t):
    return t.usage


def note_rss(p):
    """Fold the current resident size into the peak (before an exec or exit drops the memory)."""
    if p.mm is not None:
        p.usage_dead.maxrss_kb = max(p.usage_dead.maxrss_kb, rss_kb(p.mm))


def of_process(p):
    """The process's own usage: its exited threads and the live ones."""
    note_rss(p)
    u = Usage().add(p.usage_dead)
    for t in p.threads:
        u.add(t.usage)
    return u


def of_children(p):
    return p.usage_children


def reaped(parent, child):
    """wait collected `child`: its usage and its children's become the parent's children's."""
    parent.usage_children.add(of_process(child)).add(child.usage_children)


def ticks(ns):
    return ns * USER_HZ // 1_000_000_000
