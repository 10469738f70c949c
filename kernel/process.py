"""Processes and threads (zCore's Process/Thread, xv6's struct proc).

A Process owns what its threads share: address space, file descriptors, file-system context,
signal handlers, credentials, limits; and its place in the process tree (parent, children,
process group, session). A Thread owns its UserContext, its signal mask and its pending signals.

Lifecycle (kernel/kernel.py drives it): created by spawn or clone -> running -> exited (a zombie:
threads gone, memory and files released, `wait_status` kept) -> reaped by the parent's wait, which
removes it from the process table. Pieces that clone may share between processes (mm, fds, fs,
sighand) carry a `users` count; the last user releases them.
"""
import copy
from dataclasses import dataclass, field

from kernel import params
from kernel.rusage import Usage
from kernel.sched import WaitQueue

RLIMIT_NAMES = ("CPU FSIZE DATA STACK CORE RSS NPROC NOFILE MEMLOCK AS LOCKS SIGPENDING "
                "MSGQUEUE NICE RTPRIO RTTIME").split()
RLIM_INFINITY = (1 << 64) - 1
RLIMIT_CORE = RLIMIT_NAMES.index("CORE")
SIGCHLD = 17


def default_rlimits():
    lim = {i: (RLIM_INFINITY, RLIM_INFINITY) for i in range(len(RLIMIT_NAMES))}
    lim[RLIMIT_NAMES.index("STACK")] = (params.STACK_SIZE, RLIM_INFINITY)
    lim[RLIMIT_NAMES.index("NOFILE")] = (params.MAX_FDS, params.MAX_FDS)
    lim[RLIMIT_NAMES.index("NPROC")] = (params.MAX_PROCESSES, params.MAX_PROCESSES)
    lim[RLIMIT_CORE] = (0, RLIM_INFINITY)
    # Linux's init_task: raising one's priority or taking a real-time policy needs privilege
    lim[RLIMIT_NAMES.index("NICE")] = lim[RLIMIT_NAMES.index("RTPRIO")] = (0, 0)
    return lim


def share(obj):
    """One more process uses obj (an mm, FdTable, FsContext or sighand shared by clone)."""
    obj.users = getattr(obj, "users", 1) + 1
    return obj


def unshare(obj):
    """One process less uses obj; True if that was the last (the caller releases it)."""
    obj.users = getattr(obj, "users", 1) - 1
    return obj.users <= 0


def duplicate(obj):
    """A private copy for the child (sighand without CLONE_SIGHAND): obj.copy() if it has one."""
    return obj.copy() if hasattr(obj, "copy") else copy.copy(obj)


@dataclass
class Credentials:
    uid: int = 0
    euid: int = 0
    suid: int = 0
    gid: int = 0
    egid: int = 0
    sgid: int = 0
    groups: tuple = ()          # supplementary group ids (setgroups)
    # whose file permissions apply (kernel/perm.py): the effective ids, unless setfsuid/setfsgid
    # said otherwise since they last changed
    fsuid: int = field(default=0, init=False)
    fsgid: int = field(default=0, init=False)

    def __post_init__(self):
        self.fsuid, self.fsgid = self.euid, self.egid

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name in ("euid", "egid"):            # Linux: the fs id follows the effective one
            super().__setattr__("fs" + name[1:], value)


@dataclass(eq=False)
class Process:
    pid: int
    parent: "Process | None"        # None: no parent (the first process; reparented to nobody)
    mm: object                      # kernel.vm.AddressSpace
    fds: object                     # kernel.fdtable.FdTable
    fs: object                      # kernel.vfs.FsContext (root, cwd)
    comm: str = ""
    exe: str = ""
    argv: list = field(default_factory=list)
    umask: int = 0o022
    creds: Credentials = field(default_factory=Credentials)
    rlimits: dict = field(default_factory=default_rlimits)
    sighand: object = field(default_factory=dict)   # signal actions; kernel/signal.py owns it
    threads: list = field(default_factory=list)     # live threads; [0] is the oldest
    children: list = field(default_factory=list)    # oldest first (wait reports in this order)
    pgid: int = 0
    sid: int = 0
    exit_signal: int = SIGCHLD      # sent to the parent at exit (clone's CSIGNAL byte)
    did_exec: bool = False          # setpgid on a child that has exec'd fails with EACCES
    start_time: float = 0.0         # k.uptime() at creation (/proc/<pid>/stat starttime)
    usage_dead: Usage = field(default_factory=Usage)        # its exited threads' (rusage.py)
    usage_children: Usage = field(default_factory=Usage)    # reaped children's, theirs included
    # exit and job-control state; kernel/kernel.py owns these fields
    exit_code: int | None = None    # exit status (0..255) once exited normally
    term_signal: int = 0            # the signal that killed it, if any
    core_dumped: bool = False
    zombie: bool = False            # exited, not yet reaped
    stopped: bool = False           # job-control stopped (all threads in sched STOPPED)
    stop_report: int = 0            # stop signal not yet reported to a WUNTRACED wait
    cont_report: bool = False       # continue not yet reported to a WCONTINUED wait

    def __post_init__(self):
        self.child_wait = WaitQueue()   # threads in wait4/waitid for one of our children
        self.vfork_wait = None          # a vfork parent sleeps here until we exec or exit
        self.vfork_done = True
        if self.fs is not None and self.fs.cred is None:
            self.fs.cred = self.creds   # whose permissions its path walks check (kernel/perm.py)

    @property
    def ppid(self):
        return self.parent.pid if self.parent is not None else 0

    @property
    def exited(self):
        return self.exit_code is not None or self.term_signal != 0

    @property
    def wait_status(self):
        """The wait4 status word of an exited process (Linux's encoding)."""
        if self.term_signal:
            return self.term_signal | (0x80 if self.core_dumped else 0)
        return (self.exit_code & 0xFF) << 8

    @property
    def state(self):
        """The state letter of /proc/<pid>/stat."""
        if self.zombie or not self.threads:
            return "Z"
        letters = {t.state for t in self.threads}
        for s in ("R", "S", "T"):
            if s in letters:
                return s
        return "S"


@dataclass(eq=False)
class Thread:
    tid: int
    proc: Process
    ctx: object                     # kernel.context.UserContext
    kernel: object = None           # the Kernel (machine, process table, clock)
    clear_child_tid: int = 0        # CLONE_CHILD_CLEARTID / set_tid_address: zeroed at exit
    robust_list: int = 0            # set_robust_list head, walked at exit
    sigmask: int = 0                # blocked signals, bit (sig - 1); kernel/signal.py owns it
    pending: set = field(default_factory=set)       # signals sent to this thread
    # scheduling state; kernel/sched.py owns these fields
    state: str = "R"
    affinity: int = -1              # sched_setaffinity mask: bit n allows CPU n (-1: all)
    rq: object = None               # the CpuRuntime whose run queue holds it
    on_cpu: object = None           # the CpuRuntime running it now (user mode or kernel)
    last_cpu: int = 0               # where it ran last (getcpu)
    waiting_on: list = field(default_factory=list)
    deadline: float | None = None
    restart: dict = field(default_factory=dict)     # progress kept across re-entered calls
    usage: Usage = field(default_factory=Usage)     # times, faults, switches (kernel/rusage.py)
