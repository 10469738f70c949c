"""Processes and threads (zCore's Process/Thread, xv6's struct proc).

A Process owns what its threads share: address space, file descriptors, file-system context,
credentials, limits. A Thread owns its UserContext. Only single-threaded processes run so far;
fork/clone/wait and signals build on these classes.
"""
from dataclasses import dataclass, field

from kernel import params

RLIMIT_NAMES = ("CPU FSIZE DATA STACK CORE RSS NPROC NOFILE MEMLOCK AS LOCKS SIGPENDING "
                "MSGQUEUE NICE RTPRIO RTTIME").split()
RLIM_INFINITY = (1 << 64) - 1


def default_rlimits():
    lim = {i: (RLIM_INFINITY, RLIM_INFINITY) for i in range(len(RLIMIT_NAMES))}
    lim[RLIMIT_NAMES.index("STACK")] = (params.STACK_SIZE, RLIM_INFINITY)
    lim[RLIMIT_NAMES.index("NOFILE")] = (params.MAX_FDS, params.MAX_FDS)
    lim[RLIMIT_NAMES.index("NPROC")] = (params.MAX_PROCESSES, params.MAX_PROCESSES)
    lim[RLIMIT_NAMES.index("CORE")] = (0, RLIM_INFINITY)
    return lim


@dataclass
class Credentials:
    uid: int = 0
    euid: int = 0
    suid: int = 0
    gid: int = 0
    egid: int = 0
    sgid: int = 0


@dataclass
class Process:
    pid: int
    ppid: int
    mm: object                      # kernel.vm.AddressSpace
    fds: object                     # kernel.fdtable.FdTable
    fs: object                      # kernel.vfs.FsContext (root, cwd)
    comm: str = ""
    exe: str = ""
    argv: list = field(default_factory=list)
    umask: int = 0o022
    creds: Credentials = field(default_factory=Credentials)
    rlimits: dict = field(default_factory=default_rlimits)
    threads: list = field(default_factory=list)
    pgid: int = 0
    sid: int = 0
    exit_code: int | None = None    # exit status (0..255) once exited
    term_signal: int = 0            # the signal that killed it, if any
    core_dumped: bool = False

    @property
    def exited(self):
        return self.exit_code is not None or self.term_signal != 0


@dataclass(eq=False)
class Thread:
    tid: int
    proc: Process
    ctx: object                     # kernel.context.UserContext
    kernel: object = None           # the Kernel (machine, process table, clock)
    clear_child_tid: int = 0
    robust_list: int = 0
    # scheduling state; kernel/sched.py owns these fields
    state: str = "R"
    waiting_on: list = field(default_factory=list)
    deadline: float | None = None
    restart: dict = field(default_factory=dict)     # progress kept across re-entered calls
