"""The policy family (nice values, scheduling policies, I/O priorities, personality, capabilities)
and the pidfd family (pidfds, kcmp, process_vm_readv/writev) on the real Kernel object with a
fake machine: real scheduler, frames, address spaces, fork (kernel/fork.py) and exit
(kernel/kernel.py); no CPU -- system calls are called directly, as the trap handler would."""
import struct

import numpy as np
import pytest

from kernel import fork, signal as S
from kernel.context import UserContext
from kernel.errno import (E2BIG, EACCES, EBADF, EBUSY, EFAULT, EINVAL, ENOENT, EOPNOTSUPP, EPERM,
                          ESRCH, Errno)
from kernel.fdtable import FdTable
from kernel.kernel import Kernel
from kernel.pagetable import PTE_R, PTE_W
from kernel.pipe import make_pipe
from kernel.poll import Epoll, poll_files
from kernel.process import RLIMIT_NAMES, Credentials, Process, Thread
from kernel.sched import WouldBlock
from kernel.syscalls import ipc
from kernel.syscalls import pidfd as PF
from kernel.syscalls import policy as P
from kernel.uapi import EPOLL_CTL_ADD, O_NONBLOCK, O_RDWR, POLLIN
from translators.riscv64 import abi, cpu

BUF = 0x10000                      # scratch memory every fake process has mapped (64 KiB)
NICE, RTPRIO = RLIMIT_NAMES.index("NICE"), RLIMIT_NAMES.index("RTPRIO")
SIGCHLD = 17


class FakeMachine:
    abi = abi
    cpus = [None]

    def __init__(self):
        self.mem8 = np.zeros(16 << 20, dtype=np.uint8)


class FakeFs:
    """What clone and Process need of an FsContext."""
    cred = None

    def clone(self):
        return FakeFs()


@pytest.fixture
def k():
    return Kernel(FakeMachine(), root=None, log=lambda line: None)


def spawn(k, uid=0, parent=None, gid=None):
    """A process with one thread and BUF..BUF+64K mapped read/write; parent: a Thread."""
    from kernel.vm import AddressSpace
    parent = parent.proc if parent is not None else None
    pid = k.alloc_pid()
    mm = AddressSpace(k.frames)
    mm.mmap(BUF, 0x10000, PTE_R | PTE_W, True)
    gid = uid if gid is None else gid
    p = Process(pid, parent, mm, FdTable(), FakeFs(), comm=f"p{pid}",
                creds=Credentials(uid, uid, uid, gid, gid, gid), pgid=pid, sid=pid)
    if parent is not None:
        parent.children.append(p)
        p.pgid, p.sid = parent.pgid, parent.sid
    k.processes[pid] = p
    t = Thread(pid, p, UserContext(cpu.new_regs(), abi), kernel=k)
    k.add_thread(t)
    return S.init_thread(t)


def forked(k, t, flags=SIGCHLD):
    return S.init_thread(fork.clone(t, flags))


def call(fn, t, *args):
    """A system call's result as the guest sees it: the value, or -errno."""
    try:
        return fn(t, *args)
    except Errno as e:
        return -e.errno


def limit(t, resource, value):
    t.proc.rlimits[resource] = (value, value)


def sched_param(t, prio, at=BUF):
    t.proc.mm.write(at, struct.pack("<i", prio))
    return at


# ==== nice values ================================================================================
def test_nice_values_raw_and_clamped(k):
    t = spawn(k)
    assert P.sys_getpriority(t, P.PRIO_PROCESS, 0) == 20
    assert P.sys_setpriority(t, P.PRIO_PROCESS, 0, 5) == 0
    assert P.sys_getpriority(t, P.PRIO_PROCESS, t.proc.pid) == 15
    P.sys_setpriority(t, P.PRIO_PROCESS, 0, 100)
    assert P.sys_getpriority(t, P.PRIO_PROCESS, 0) == 1                  # nice 19
    P.sys_setpriority(t, P.PRIO_PROCESS, 0, -100)
    assert P.sys_getpriority(t, P.PRIO_PROCESS, 0) == 40                 # nice -20 (root)
    assert call(P.sys_getpriority, t, 3, 0) == -EINVAL
    assert call(P.sys_setpriority, t, -1, 0, 0) == -EINVAL
    assert call(P.sys_getpriority, t, P.PRIO_PROCESS, 999) == -ESRCH
    assert call(P.sys_setpriority, t, P.PRIO_PROCESS, -5, 0) == -ESRCH


def test_lowering_nice_needs_rlimit_nice_or_cap_sys_nice(k):
    t = spawn(k, uid=1000)
    limit(t, NICE, 0)                                   # Linux's default
    assert P.sys_setpriority(t, P.PRIO_PROCESS, 0, 10) == 0      # raising the value: anyone
    assert call(P.sys_setpriority, t, P.PRIO_PROCESS, 0, 9) == -EACCES
    limit(t, NICE, 30)                                  # 20 - nice <= 30: down to nice -10
    assert P.sys_setpriority(t, P.PRIO_PROCESS, 0, -10) == 0
    assert call(P.sys_setpriority, t, P.PRIO_PROCESS, 0, -11) == -EACCES
    assert P.sys_getpriority(t, P.PRIO_PROCESS, 0) == 30


def test_other_users_processes_need_cap_sys_nice(k):
    root = spawn(k)
    user = spawn(k, uid=1000, parent=root)
    other = spawn(k, uid=1000, parent=root)
    assert call(P.sys_setpriority, user, P.PRIO_PROCESS, root.proc.pid, 5) == -EPERM
    assert P.sys_setpriority(user, P.PRIO_PROCESS, other.proc.pid, 5) == 0
    assert P.sys_setpriority(root, P.PRIO_PROCESS, user.proc.pid, 7) == 0
    assert P.sys_getpriority(user, P.PRIO_PROCESS, user.proc.pid) == 13
    # a group with a refused member: the others are still changed, the error is reported
    assert call(P.sys_setpriority, user, P.PRIO_PGRP, root.proc.pgid, 9) == -EPERM
    assert [P.nice_of(p.proc) for p in (root, user, other)] == [0, 9, 9]
    # lowering one's nice value needs RLIMIT_NICE, which starts at 0 as on Linux
    assert call(P.sys_setpriority, user, P.PRIO_PROCESS, 0, 3) == -EACCES


def test_pgrp_and_user_report_the_best(k):
    root = spawn(k)
    a = spawn(k, uid=4242, parent=root)
    b = spawn(k, uid=4242, parent=root)
    P.sys_setpriority(a, P.PRIO_PROCESS, 0, 10)
    P.sys_setpriority(b, P.PRIO_PROCESS, 0, 4)
    assert P.sys_getpriority(a, P.PRIO_USER, 0) == 16                # best of 10 and 4
    assert P.sys_getpriority(root, P.PRIO_USER, 4242) == 16
    assert P.sys_getpriority(root, P.PRIO_PGRP, 0) == 20             # root's own nice 0
    assert P.sys_setpriority(root, P.PRIO_USER, 4242, 2) == 0
    assert P.nice_of(a.proc) == P.nice_of(b.proc) == 2
    assert call(P.sys_getpriority, root, P.PRIO_USER, 54321) == -ESRCH
    assert call(P.sys_getpriority, root, P.PRIO_PGRP, 54321) == -ESRCH


def test_fork_inherits_and_exec_keeps_the_nice_value(k):
    t = spawn(k)
    P.sys_setpriority(t, P.PRIO_PROCESS, 0, 6)
    c = forked(k, t)
    P.sys_setpriority(t, P.PRIO_PROCESS, 0, 1)          # the parent's later change is its own
    assert P.nice_of(c.proc) == 6 and P.nice_of(t.proc) == 1
    exec_new_image(k, c)
    assert P.nice_of(c.proc) == 6


def exec_new_image(k, t):
    """What execve does to what these families look at: a new address space, did_exec."""
    from kernel.vm import AddressSpace
    old, p = t.proc.mm, t.proc
    p.mm = AddressSpace(k.frames)
    p.mm.mmap(BUF, 0x10000, PTE_R | PTE_W, True)
    p.did_exec = True
    k.release_mm(old)


# ==== scheduling policies ========================================================================
def test_policies_priorities_and_their_limits(k):
    t = spawn(k)
    assert [P.sys_sched_get_priority_max(t, p) for p in (0, 1, 2, 3, 5, 6)] == [0, 99, 99, 0, 0, 0]
    assert [P.sys_sched_get_priority_min(t, p) for p in (0, 1, 2, 3, 5, 6)] == [0, 1, 1, 0, 0, 0]
    assert call(P.sys_sched_get_priority_max, t, 4) == -EINVAL
    assert P.sys_sched_getscheduler(t, 0) == P.SCHED_NORMAL
    assert P.sys_sched_setscheduler(t, 0, P.SCHED_FIFO, sched_param(t, 10)) == 0
    assert P.sys_sched_getscheduler(t, t.proc.pid) == P.SCHED_FIFO
    P.sys_sched_getparam(t, 0, BUF + 8)
    assert struct.unpack("<i", t.proc.mm.read(BUF + 8, 4))[0] == 10
    assert P.sys_sched_setparam(t, 0, sched_param(t, 50)) == 0
    assert P.sys_sched_getparam(t, 0, BUF + 8) == 0
    assert struct.unpack("<i", t.proc.mm.read(BUF + 8, 4))[0] == 50
    for policy, prio in ((P.SCHED_FIFO, 0), (P.SCHED_RR, 100), (P.SCHED_NORMAL, 1), (4, 0),
                         (P.SCHED_FIFO, -1)):
        assert call(P.sys_sched_setscheduler, t, 0, policy, sched_param(t, prio)) == -EINVAL
    assert call(P.sys_sched_setscheduler, t, -1, 0, sched_param(t, 0)) == -EINVAL
    assert call(P.sys_sched_setscheduler, t, 0, 0, 0) == -EINVAL
    assert call(P.sys_sched_setscheduler, t, 0, -1, BUF) == -EINVAL
    assert call(P.sys_sched_setscheduler, t, 0, 0, 0x1000) == -EFAULT
    assert call(P.sys_sched_setscheduler, t, 999, 0, sched_param(t, 0)) == -ESRCH
    assert call(P.sys_sched_getscheduler, t, -1) == -EINVAL
    assert call(P.sys_sched_getparam, t, 999, BUF) == -ESRCH
    P.sys_sched_setscheduler(t, 0, P.SCHED_RR | P.SCHED_RESET_ON_FORK, sched_param(t, 3))
    assert P.sys_sched_getscheduler(t, 0) == P.SCHED_RR | P.SCHED_RESET_ON_FORK
    P.sys_sched_rr_get_interval(t, 0, BUF)
    assert struct.unpack("<qq", t.proc.mm.read(BUF, 16)) == (0, 100_000_000)
    P.sys_sched_setscheduler(t, 0, P.SCHED_FIFO, sched_param(t, 3))
    P.sys_sched_rr_get_interval(t, 0, BUF)
    assert struct.unpack("<qq", t.proc.mm.read(BUF, 16)) == (0, 0)


def test_unprivileged_real_time_needs_rlimit_rtprio(k):
    root = spawn(k)
    t = spawn(k, uid=1000, parent=root)
    limit(t, RTPRIO, 0)
    limit(t, NICE, 0)
    assert call(P.sys_sched_setscheduler, t, 0, P.SCHED_FIFO, sched_param(t, 1)) == -EPERM
    limit(t, RTPRIO, 20)
    assert P.sys_sched_setscheduler(t, 0, P.SCHED_RR, sched_param(t, 20)) == 0
    assert call(P.sys_sched_setparam, t, 0, sched_param(t, 21)) == -EPERM
    assert P.sys_sched_setparam(t, 0, sched_param(t, 5)) == 0
    assert call(P.sys_sched_setscheduler, t, root.proc.pid, 0, sched_param(t, 0)) == -EPERM
    assert P.sys_sched_setscheduler(t, 0, P.SCHED_BATCH, sched_param(t, 0)) == 0
    assert P.sys_sched_setscheduler(t, 0, P.SCHED_IDLE, sched_param(t, 0)) == 0
    # leaving SCHED_IDLE counts as raising the priority from nice 20
    assert call(P.sys_sched_setscheduler, t, 0, P.SCHED_NORMAL, sched_param(t, 0)) == -EPERM
    # a reset-on-fork flag may not be taken away by its owner
    P.sys_sched_setscheduler(root, 0, P.SCHED_NORMAL | P.SCHED_RESET_ON_FORK, sched_param(t, 0))
    P.sys_sched_setscheduler(root, 0, P.SCHED_NORMAL | P.SCHED_RESET_ON_FORK, sched_param(t, 0))
    root.proc.creds.euid = 1000                         # (as if it had dropped privilege)
    assert call(P.sys_sched_setscheduler, root, 0, P.SCHED_NORMAL, sched_param(t, 0)) == -EPERM


def test_reset_on_fork(k):
    t = spawn(k)
    P.sys_sched_setscheduler(t, 0, P.SCHED_FIFO | P.SCHED_RESET_ON_FORK, sched_param(t, 30))
    P.sys_setpriority(t, P.PRIO_PROCESS, 0, -5)
    c = forked(k, t)
    assert (P.sys_sched_getscheduler(c, 0), P.sys_getpriority(c, P.PRIO_PROCESS, 0)) == (0, 20)
    assert P.sys_sched_getscheduler(t, 0) == P.SCHED_FIFO | P.SCHED_RESET_ON_FORK
    P.sys_sched_setscheduler(t, 0, P.SCHED_BATCH | P.SCHED_RESET_ON_FORK, sched_param(t, 0))
    c = forked(k, t)
    assert (P.sys_sched_getscheduler(c, 0), P.nice_of(c.proc)) == (P.SCHED_BATCH, 0)
    P.sys_sched_setscheduler(t, 0, P.SCHED_RR, sched_param(t, 7))
    c = forked(k, t)                                    # without the flag: inherited as is
    assert P.sys_sched_getscheduler(c, 0) == P.SCHED_RR and P.nice_of(c.proc) == -5


ATTR = struct.Struct("<IIQiIQQQII")


def put_attr(t, size=56, policy=0, flags=0, nice=0, prio=0, runtime=0, deadline=0, period=0,
             at=BUF, umin=0, umax=0):
    t.proc.mm.write(at, ATTR.pack(size, policy, flags, nice, prio, runtime, deadline, period,
                                  umin, umax))
    return at


def get_attr(t, usize=56, at=BUF + 0x100):
    t.proc.mm.write(at, bytes(64))
    assert P.sys_sched_getattr(t, 0, at, usize, 0) == 0
    return ATTR.unpack(t.proc.mm.read(at, 56))


def test_sched_setattr_and_getattr(k):
    t = spawn(k)
    assert P.sys_sched_setattr(t, 0, put_attr(t, nice=-3, policy=P.SCHED_BATCH), 0) == 0
    assert get_attr(t)[:5] == (56, P.SCHED_BATCH, 0, -3, 0)
    assert get_attr(t, 48)[0] == 48 and get_attr(t, 4000)[0] == 56
    assert P.sys_sched_setattr(t, 0, put_attr(t, size=0, nice=-50), 0) == 0    # size 0: VER0
    assert get_attr(t)[1:4] == (0, 0, -20)                                     # nice clamped
    assert call(P.sys_sched_getattr, t, 0, BUF, 47, 0) == -EINVAL
    assert call(P.sys_sched_getattr, t, 0, BUF, 56, 1) == -EINVAL
    assert call(P.sys_sched_setattr, t, 0, put_attr(t), 1) == -EINVAL
    assert call(P.sys_sched_setattr, t, 0, put_attr(t, size=40), 0) == -E2BIG
    assert struct.unpack("<I", t.proc.mm.read(BUF, 4))[0] == 56              # our size, told
    t.proc.mm.write(BUF + 56, b"\0" * 7 + b"\1")
    assert call(P.sys_sched_setattr, t, 0, put_attr(t, size=64), 0) == -E2BIG
    t.proc.mm.write(BUF + 56, bytes(8))
    assert P.sys_sched_setattr(t, 0, put_attr(t, size=64, policy=P.SCHED_IDLE), 0) == 0
    assert call(P.sys_sched_setattr, t, 0, put_attr(t, flags=0x80), 0) == -EINVAL
    assert call(P.sys_sched_setattr, t, 0, put_attr(t, flags=0x20, umin=10), 0) == -EOPNOTSUPP
    assert call(P.sys_sched_setattr, t, 0, put_attr(t, size=48, flags=0x20), 0) == -EINVAL
    P.sys_sched_setattr(t, 0, put_attr(t, policy=P.SCHED_FIFO, prio=9), 0)
    assert get_attr(t)[1:5] == (P.SCHED_FIFO, 0, 0, 9)              # no nice shown for RT
    # KEEP_POLICY changes parameters only; KEEP_PARAMS keeps them
    P.sys_sched_setattr(t, 0, put_attr(t, policy=P.SCHED_NORMAL, prio=12, flags=8), 0)
    assert get_attr(t)[1:5] == (P.SCHED_FIFO, 0, 0, 12)
    P.sys_sched_setattr(t, 0, put_attr(t, policy=P.SCHED_FIFO, flags=0x10 | 1), 0)
    assert get_attr(t)[1:5] == (P.SCHED_FIFO, 1, 0, 12)


def test_sched_deadline():
    machine = FakeMachine()
    machine.cpus = [None, None]
    k = Kernel(machine, root=None, log=lambda line: None)
    t = spawn(k)
    ms = 1_000_000
    for bad in (dict(runtime=ms, deadline=0), dict(runtime=100, deadline=10 * ms),
                dict(runtime=2 * ms, deadline=ms), dict(runtime=ms, deadline=2 * ms, period=ms),
                dict(runtime=10, deadline=50_000), dict(runtime=ms, deadline=5000 * ms)):
        assert call(P.sys_sched_setattr, t, 0, put_attr(t, policy=6, **bad), 0) == -EINVAL
    assert call(P.sys_sched_setscheduler, t, 0, 6, sched_param(t, 0)) == -EINVAL
    assert P.sys_sched_setattr(t, 0, put_attr(t, policy=6, runtime=19 * ms // 2,
                                              deadline=10 * ms, flags=P.SCHED_FLAG_DL_OVERRUN),
                               0) == 0
    assert get_attr(t)[1:8] == (6, P.SCHED_FLAG_DL_OVERRUN, 0, 0, 19 * ms // 2, 10 * ms, 10 * ms)
    assert P.sys_sched_getscheduler(t, 0) == 6
    P.sys_sched_rr_get_interval(t, 0, BUF)
    assert struct.unpack("<qq", t.proc.mm.read(BUF, 16)) == (0, 0)
    u = spawn(k)                        # two CPUs: 190% for all of them together
    assert call(P.sys_sched_setattr, u, 0, put_attr(u, policy=6, runtime=10 * ms,
                                                    deadline=10 * ms), 0) == -EBUSY
    assert P.sys_sched_setattr(u, 0, put_attr(u, policy=6, runtime=9 * ms, deadline=10 * ms),
                               0) == 0
    assert P.sys_sched_setattr(t, 0, put_attr(t), 0) == 0          # back to SCHED_OTHER
    assert get_attr(t)[1:8] == (0, 0, 0, 0, 0, 0, 0)
    v = spawn(k, uid=1000)
    assert call(P.sys_sched_setattr, v, 0, put_attr(v, policy=6, runtime=ms, deadline=10 * ms),
                0) == -EPERM                  # never for the unprivileged
    t.affinity = 0b01                   # a deadline task must be free to run on every CPU
    assert call(P.sys_sched_setattr, t, 0, put_attr(t, policy=6, runtime=ms, deadline=10 * ms),
                0) == -EPERM


# ==== I/O priorities =============================================================================
BE, IDLE, RTC = 2 << 13, 3 << 13, 1 << 13


def test_ioprio_classes_and_who(k):
    root = spawn(k)
    t = spawn(k, uid=1000, parent=root)
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_PROCESS, 0) == 0             # unset: class NONE
    assert P.sys_ioprio_set(t, P.IOPRIO_WHO_PROCESS, 0, BE | 7) == 0
    assert P.sys_ioprio_get(root, P.IOPRIO_WHO_PROCESS, t.proc.pid) == BE | 7
    assert P.sys_ioprio_set(t, P.IOPRIO_WHO_PROCESS, 0, IDLE) == 0
    assert call(P.sys_ioprio_set, t, P.IOPRIO_WHO_PROCESS, 0, RTC | 4) == -EPERM
    assert P.sys_ioprio_set(root, P.IOPRIO_WHO_PROCESS, 0, RTC | 4) == 0
    assert call(P.sys_ioprio_set, t, P.IOPRIO_WHO_PROCESS, 0, 1) == -EINVAL     # NONE, level 1
    assert P.sys_ioprio_set(t, P.IOPRIO_WHO_PROCESS, 0, 8) == 0                 # a hint bit
    assert call(P.sys_ioprio_set, t, P.IOPRIO_WHO_PROCESS, 0, 5 << 13) == -EINVAL
    assert call(P.sys_ioprio_set, t, 4, 0, BE) == -EINVAL
    assert call(P.sys_ioprio_get, t, 0, 0) == -EINVAL
    assert call(P.sys_ioprio_set, t, P.IOPRIO_WHO_PROCESS, root.proc.pid, BE) == -EPERM
    assert call(P.sys_ioprio_get, t, P.IOPRIO_WHO_PROCESS, 999) == -ESRCH
    assert call(P.sys_ioprio_set, t, P.IOPRIO_WHO_USER, 31337, BE) == -ESRCH
    # ioprio_set(WHO_USER, 0) means uid 0 (Linux's code), ioprio_get(WHO_USER, 0) the caller's
    assert call(P.sys_ioprio_set, t, P.IOPRIO_WHO_USER, 0, BE | 1) == -EPERM
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_USER, 0) == BE | 4      # class NONE: from nice 0


def test_ioprio_groups_report_the_best_effective_value(k):
    t = spawn(k)
    c = forked(k, t)
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_PGRP, 0) == BE | 4          # both unset, nice 0
    P.sys_setpriority(t, P.PRIO_PGRP, 0, 10)
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_PGRP, 0) == BE | 6          # (10 + 20) / 5
    P.sys_ioprio_set(c, P.IOPRIO_WHO_PROCESS, 0, BE | 2)
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_PGRP, 0) == BE | 2
    P.sys_sched_setscheduler(t, 0, P.SCHED_IDLE, sched_param(t, 0))
    P.sys_ioprio_set(c, P.IOPRIO_WHO_PROCESS, 0, 0)                     # set, but class NONE
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_PGRP, 0) == BE | 6          # c: BE 6, t: IDLE 6
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_PROCESS, 0) == 0
    assert P.sys_ioprio_set(t, P.IOPRIO_WHO_PGRP, 0, IDLE) == 0
    assert P.sys_ioprio_get(t, P.IOPRIO_WHO_PROCESS, c.proc.pid) == IDLE


def test_fork_passes_an_io_context_on_only_with_a_class(k):
    t = spawn(k)
    P.sys_ioprio_set(t, P.IOPRIO_WHO_PROCESS, 0, BE | 3)
    c = forked(k, t)
    assert P.sys_ioprio_get(c, P.IOPRIO_WHO_PROCESS, 0) == BE | 3
    assert PF.sys_kcmp(t, t.proc.pid, c.proc.pid, PF.KCMP_IO, 0, 0) != 0    # its own context
    P.sys_ioprio_set(t, P.IOPRIO_WHO_PROCESS, 0, 0)
    c2, c3 = forked(k, t), forked(k, t)
    assert P.sys_ioprio_get(c2, P.IOPRIO_WHO_PROCESS, 0) == 0
    assert PF.sys_kcmp(t, c2.proc.pid, c3.proc.pid, PF.KCMP_IO, 0, 0) == 0   # both NULL


# ==== personality ================================================================================
def test_personality_is_kept_per_process_and_reset_at_exec(k):
    t = spawn(k)
    assert P.sys_personality(t, 0xFFFFFFFF) == 0
    assert P.sys_personality(t, 0x0040000 | 0x06) == 0          # ADDR_NO_RANDOMIZE | PER_BSD
    assert P.sys_personality(t, -1) == 0x0040006                # (a 64-bit -1 asks too)
    c = forked(k, t)
    assert P.sys_personality(c, 0xFFFFFFFF) == 0x0040006
    exec_new_image(k, c)
    assert P.sys_personality(c, 0xFFFFFFFF) == 0x0040000        # low byte back to PER_LINUX
    assert P.sys_personality(t, 0xFFFFFFFF) == 0x0040006
    assert P.sys_personality(t, 0x80000000) == 0x0040006
    assert P.sys_personality(t, 0xFFFFFFFF) == 0x80000000       # any value, returned unsigned


# ==== capabilities ===============================================================================
HDR, DATA = BUF + 0x200, BUF + 0x300


def capget(t, pid=0, version=P.CAP_V3):
    t.proc.mm.write(HDR, struct.pack("<Ii", version, pid))
    t.proc.mm.write(DATA, bytes(24))
    r = call(P.sys_capget, t, HDR, DATA)
    if r < 0:
        return r
    e0, p0, i0, e1, p1, i1 = struct.unpack("<6I", t.proc.mm.read(DATA, 24))
    return e0 | e1 << 32, p0 | p1 << 32, i0 | i1 << 32


def capset(t, eff, perm, inh=0, pid=0, version=P.CAP_V3):
    t.proc.mm.write(HDR, struct.pack("<Ii", version, pid))
    t.proc.mm.write(DATA, struct.pack("<6I", eff & 0xFFFFFFFF, perm & 0xFFFFFFFF,
                                      inh & 0xFFFFFFFF, eff >> 32, perm >> 32, inh >> 32))
    return call(P.sys_capset, t, HDR, DATA)


FULL = (1 << 41) - 1


def test_root_has_every_capability_others_none(k):
    root = spawn(k)
    user = spawn(k, uid=1000, parent=root)
    assert capget(root) == (FULL, FULL, 0)
    assert capget(user) == (0, 0, 0)
    assert capget(user, pid=root.proc.pid) == (FULL, FULL, 0)
    assert capget(root, pid=999) == -ESRCH
    assert capget(root, pid=-1) == -EINVAL
    assert capget(root, version=P.CAP_V1) == (FULL & 0xFFFFFFFF, FULL & 0xFFFFFFFF, 0)
    # the probe: a wrong version with no data pointer is 0 and the version is written back
    root.proc.mm.write(HDR, struct.pack("<Ii", 0, 0))
    assert P.sys_capget(root, HDR, 0) == 0
    assert struct.unpack("<I", root.proc.mm.read(HDR, 4))[0] == P.CAP_V3
    root.proc.mm.write(HDR, struct.pack("<Ii", 12345, 0))
    assert call(P.sys_capget, root, HDR, DATA) == -EINVAL
    assert call(P.sys_capget, root, 0x1000, DATA) == -EFAULT


def test_capset_only_drops(k):
    t = spawn(k)
    keep = 1 << P.CAP_KILL | 1 << P.CAP_SETUID | 1 << 35
    assert capset(t, keep, keep | 1 << P.CAP_SYS_NICE) == 0
    assert capget(t) == (keep, keep | 1 << P.CAP_SYS_NICE, 0)
    assert capset(t, FULL, FULL) == -EPERM                      # the permitted set never grows
    assert capset(t, 1 << P.CAP_SYS_ADMIN, keep) == -EPERM      # effective within permitted
    assert capset(t, keep, keep, inh=1 << P.CAP_SYS_ADMIN) == -EPERM    # no CAP_SETPCAP
    assert capset(t, keep, keep, inh=1 << P.CAP_KILL) == 0
    assert capset(t, 0, keep, pid=999) == -EPERM                # only one's own sets
    assert capset(t, 0, keep, version=7) == -EINVAL
    assert capset(t, keep, 0) == -EPERM
    # what a capability allows, these families now refuse
    limit(t, NICE, 0)
    limit(t, RTPRIO, 0)
    assert call(P.sys_setpriority, t, P.PRIO_PROCESS, 0, -1) == -EACCES
    assert call(P.sys_sched_setscheduler, t, 0, P.SCHED_FIFO, sched_param(t, 1)) == -EPERM
    assert call(P.sys_ioprio_set, t, P.IOPRIO_WHO_PROCESS, 0, RTC) == -EPERM
    c = forked(k, t)
    assert capget(c) == (keep, keep, 1 << P.CAP_KILL)                # fork keeps the sets
    exec_new_image(k, c)
    assert capget(c) == (FULL, FULL, 1 << P.CAP_KILL)                           # exec: root's


def test_capabilities_follow_setuid(k):
    t = spawn(k)
    c = t.proc.creds
    c.euid = 1000                                   # setresuid(-1, 1000, -1)
    assert capget(t) == (0, FULL, 0)
    c.euid = 0                                      # back: effective = permitted
    assert capget(t) == (FULL, FULL, 0)
    capset(t, 1 << P.CAP_KILL, 1 << P.CAP_KILL | 1 << P.CAP_SETUID)
    c.uid = c.euid = c.suid = 1000                  # setuid(1000): every root id gone
    assert capget(t) == (0, 0, 0)
    u = spawn(k, uid=1000)
    u.proc.creds.euid = 0                           # a set-user-id-root program's view
    assert capget(u) == (FULL, FULL, 0)


# ==== pidfds =====================================================================================
def test_pidfd_open(k):
    t = spawn(k)
    c = forked(k, t)
    fd = PF.sys_pidfd_open(t, c.proc.pid, 0)
    f = t.proc.fds.get(fd)
    assert isinstance(f, PF.PidFd) and t.proc.fds.get_cloexec(fd) and f.flags == O_RDWR
    assert PF.process_of(f) is c.proc and f.link_name == "anon_inode:[pidfd]"
    f2 = t.proc.fds.get(PF.sys_pidfd_open(t, c.proc.pid, O_NONBLOCK))
    assert f2.flags == O_RDWR | O_NONBLOCK
    assert call(PF.sys_pidfd_open, t, c.proc.pid, 1) == -EINVAL
    assert call(PF.sys_pidfd_open, t, 0, 0) == -EINVAL
    assert call(PF.sys_pidfd_open, t, -3, 0) == -EINVAL
    assert call(PF.sys_pidfd_open, t, 999, 0) == -ESRCH
    th = fork.clone(t, fork.CLONE_VM | fork.CLONE_FS | fork.CLONE_FILES | fork.CLONE_SIGHAND
                    | fork.CLONE_THREAD)
    assert call(PF.sys_pidfd_open, t, th.tid, 0) == -EINVAL     # a thread, not a process
    with pytest.raises(Errno) as e:
        f.read(8)
    assert e.value.errno == EINVAL


def test_pidfd_becomes_readable_when_the_process_exits(k):
    t = spawn(k)
    c = forked(k, t)
    w = forked(k, t)                    # a sibling polls c's pidfd
    f = w.proc.fds.get(PF.sys_pidfd_open(w, c.proc.pid, 0))
    with pytest.raises(WouldBlock) as wb:
        poll_files(w, [(f, POLLIN)], None, lambda masks, waiter: masks)
    k.sched.block(w, wb.value.queues, None)
    assert w.state == "S"
    k.exit_process(c.proc, 3)
    assert w.state == "R" and f.poll_mask() & POLLIN    # woken by the exit, still a zombie
    assert poll_files(w, [(f, POLLIN)], None, lambda masks, waiter: masks)[0] & POLLIN
    k.reap(c.proc)
    assert f.poll_mask() & POLLIN


def test_pidfd_poller_follows_a_reparented_target(k):
    init = spawn(k)                     # pid 1: orphans go here
    mid = forked(k, init)
    target = forked(k, mid)
    w = forked(k, init)
    f = w.proc.fds.get(PF.sys_pidfd_open(w, target.proc.pid, 0))
    queues = f.wait_queues()
    assert queues == [mid.proc.child_wait, init.proc.child_wait]
    k.sched.block(w, queues, None)
    k.exit_process(mid.proc, 0)         # target now belongs to init; the poller looks again
    assert w.state == "R" and not f.poll_mask()
    k.sched.block(w, f.wait_queues(), None)
    k.exit_process(target.proc, 0)
    assert w.state == "R" and f.poll_mask() & POLLIN


def test_pidfd_send_signal(k):
    t = spawn(k)
    c = forked(k, t)
    fd = PF.sys_pidfd_open(t, c.proc.pid, 0)
    assert PF.sys_pidfd_send_signal(t, fd, 0, 0, 0) == 0
    assert PF.sys_pidfd_send_signal(t, fd, S.SIGUSR1, 0, 0) == 0
    info = c.proc.shared_pending.queue[-1]
    assert (info.signo, info.code, info.pid) == (S.SIGUSR1, S.SI_USER, t.proc.pid)
    assert call(PF.sys_pidfd_send_signal, t, fd, 0, 0, 1) == -EINVAL
    assert call(PF.sys_pidfd_send_signal, t, fd, 65, 0, 0) == -EINVAL
    pipe_fd = t.proc.fds.install(make_pipe()[0])
    assert call(PF.sys_pidfd_send_signal, t, pipe_fd, 0, 0, 0) == -EBADF     # not a pidfd
    assert call(PF.sys_pidfd_send_signal, t, 77, 0, 0, 0) == -EBADF
    # a siginfo: the same signal, and no claim to be the kernel or kill() towards others
    mm = t.proc.mm
    mm.write(BUF, struct.pack("<iii", S.SIGUSR2, 0, S.SI_QUEUE).ljust(128, b"\0"))
    assert PF.sys_pidfd_send_signal(t, fd, S.SIGUSR2, BUF, 0) == 0
    assert c.proc.shared_pending.queue[-1].code == S.SI_QUEUE
    assert call(PF.sys_pidfd_send_signal, t, fd, S.SIGUSR1, BUF, 0) == -EINVAL
    mm.write(BUF, struct.pack("<iii", S.SIGUSR2, 0, S.SI_USER))
    assert call(PF.sys_pidfd_send_signal, t, fd, S.SIGUSR2, BUF, 0) == -EPERM
    own = PF.sys_pidfd_open(t, t.proc.pid, 0)
    assert PF.sys_pidfd_send_signal(t, own, S.SIGUSR2, BUF, 0) == 0    # to oneself: allowed
    u = spawn(k, uid=1000, parent=t)
    ufd = PF.sys_pidfd_open(u, t.proc.pid, 0)
    assert call(PF.sys_pidfd_send_signal, u, ufd, 0, 0, 0) == -EPERM
    k.exit_process(c.proc, 0)
    assert PF.sys_pidfd_send_signal(t, fd, S.SIGTERM, 0, 0) == 0       # a zombie: nothing sent
    k.reap(c.proc)
    assert call(PF.sys_pidfd_send_signal, t, fd, 0, 0, 0) == -ESRCH
    assert call(PF.sys_pidfd_open, t, c.proc.pid, 0) == -ESRCH


def test_pidfd_getfd(k):
    t = spawn(k)
    c = forked(k, t)
    r, w = make_pipe()
    cfd = c.proc.fds.install(w)
    fd = PF.sys_pidfd_open(t, c.proc.pid, 0)
    mine = PF.sys_pidfd_getfd(t, fd, cfd, 0)
    assert t.proc.fds.get(mine) is w and t.proc.fds.get_cloexec(mine) and w.refs == 2
    assert call(PF.sys_pidfd_getfd, t, fd, 500, 0) == -EBADF
    assert call(PF.sys_pidfd_getfd, t, fd, cfd, 1) == -EINVAL
    not_pidfd = t.proc.fds.install(r)
    assert call(PF.sys_pidfd_getfd, t, not_pidfd, cfd, 0) == -EBADF
    u = spawn(k, uid=1000)
    assert call(PF.sys_pidfd_getfd, u, PF.sys_pidfd_open(u, c.proc.pid, 0), cfd, 0) == -EPERM
    u2 = spawn(k, uid=1000, gid=5)                      # same uid, another gid: still no
    v = spawn(k, uid=1000)
    vfd = v.proc.fds.install(make_pipe()[0])
    assert call(PF.sys_pidfd_getfd, u2, PF.sys_pidfd_open(u2, v.proc.pid, 0), vfd, 0) == -EPERM
    assert PF.sys_pidfd_getfd(u, PF.sys_pidfd_open(u, v.proc.pid, 0), vfd, 0) >= 0
    k.exit_process(c.proc, 0)
    assert call(PF.sys_pidfd_getfd, t, fd, cfd, 0) == -ESRCH


# ==== kcmp =======================================================================================
def test_kcmp_compares_shared_objects(k):
    t = spawn(k)
    pid = t.proc.pid
    c = forked(k, t)
    v = fork.clone(t, fork.CLONE_VM | fork.CLONE_FILES | fork.CLONE_FS | fork.CLONE_SIGHAND
                   | fork.CLONE_VFORK | SIGCHLD)
    cpid, vpid = c.proc.pid, v.proc.pid
    for kind in (PF.KCMP_VM, PF.KCMP_FILES, PF.KCMP_FS, PF.KCMP_SIGHAND):
        assert PF.sys_kcmp(t, pid, vpid, kind, 0, 0) == 0
        r = PF.sys_kcmp(t, pid, cpid, kind, 0, 0)
        assert r in (1, 2) and PF.sys_kcmp(t, cpid, pid, kind, 0, 0) == 3 - r
    assert PF.sys_kcmp(t, pid, cpid, PF.KCMP_SYSVSEM, 0, 0) == 0       # no undo lists
    ipc.namespace(k).undo[c.proc] = {}                                  # (c used SEM_UNDO)
    assert PF.sys_kcmp(t, pid, cpid, PF.KCMP_SYSVSEM, 0, 0) in (1, 2)
    th = fork.clone(v, fork.CLONE_VM | fork.CLONE_FS | fork.CLONE_FILES | fork.CLONE_SIGHAND
                    | fork.CLONE_THREAD | fork.CLONE_SYSVSEM)
    assert PF.sys_kcmp(t, vpid, th.tid, PF.KCMP_SYSVSEM, 0, 0) == 0     # shared by threads
    assert PF.sys_kcmp(t, pid, vpid, PF.KCMP_SYSVSEM, 0, 0) in (1, 2)   # v has one now
    a, b = make_pipe()
    fa, fb = t.proc.fds.install(a), t.proc.fds.install(b)
    dup = t.proc.fds.install(a.get())
    assert PF.sys_kcmp(t, pid, pid, PF.KCMP_FILE, fa, dup) == 0
    assert PF.sys_kcmp(t, pid, pid, PF.KCMP_FILE, fa, fb) in (1, 2)
    assert call(PF.sys_kcmp, t, pid, pid, PF.KCMP_FILE, fa, 900) == -EBADF
    assert call(PF.sys_kcmp, t, pid, pid, 9, 0, 0) == -EINVAL
    assert call(PF.sys_kcmp, t, pid, 999, PF.KCMP_VM, 0, 0) == -ESRCH
    assert call(PF.sys_kcmp, t, 0, pid, PF.KCMP_VM, 0, 0) == -ESRCH
    u = spawn(k, uid=1000)
    assert call(PF.sys_kcmp, u, u.proc.pid, pid, PF.KCMP_VM, 0, 0) == -EPERM
    assert PF.sys_kcmp(u, u.proc.pid, u.proc.pid, PF.KCMP_VM, 0, 0) == 0     # oneself
    # a total order: three distinct objects sort consistently
    objs = [PF._obfuscate(x, PF.KCMP_FILE) for x in (a, b, t)]
    assert len(set(objs)) == 3
    # a zombie has no files, memory or fs: NULL equals NULL
    k.exit_process(c.proc, 0)
    z = forked(k, t)
    k.exit_process(z.proc, 0)
    assert PF.sys_kcmp(t, cpid, z.proc.pid, PF.KCMP_VM, 0, 0) == 0
    assert PF.sys_kcmp(t, cpid, z.proc.pid, PF.KCMP_FS, 0, 0) == 0
    assert call(PF.sys_kcmp, t, cpid, pid, PF.KCMP_FILE, 0, fa) == -EBADF


def test_kcmp_epoll_target(k):
    t = spawn(k)
    pid = t.proc.pid
    a, b = make_pipe()
    fa, fb = t.proc.fds.install(a), t.proc.fds.install(b)
    ep = Epoll()
    efd = t.proc.fds.install(ep)
    ep.ctl(EPOLL_CTL_ADD, fa, a, POLLIN)
    mm = t.proc.mm
    mm.write(BUF, struct.pack("<III", efd, fa, 0))
    assert PF.sys_kcmp(t, pid, pid, PF.KCMP_EPOLL_TFD, fa, BUF) == 0
    assert PF.sys_kcmp(t, pid, pid, PF.KCMP_EPOLL_TFD, fb, BUF) in (1, 2)
    mm.write(BUF, struct.pack("<III", efd, fa, 1))
    assert call(PF.sys_kcmp, t, pid, pid, PF.KCMP_EPOLL_TFD, fa, BUF) == -ENOENT
    mm.write(BUF, struct.pack("<III", fb, fa, 0))
    assert call(PF.sys_kcmp, t, pid, pid, PF.KCMP_EPOLL_TFD, fa, BUF) == -EINVAL
    assert call(PF.sys_kcmp, t, pid, pid, PF.KCMP_EPOLL_TFD, fa, 0x1000) == -EFAULT


# ==== process_vm_readv / process_vm_writev =======================================================
REMOTE = 0x40000                        # a 2-page area the tests map in the target


def iovecs(t, at, *vecs):
    t.proc.mm.write(at, b"".join(struct.pack("<QQ", b, n) for b, n in vecs))
    return at


def readv(t, pid, local, remote, flags=0):
    lv, rv = iovecs(t, BUF + 0x8000, *local), iovecs(t, BUF + 0x9000, *remote)
    return call(PF.sys_process_vm_readv, t, pid, lv, len(local), rv, len(remote), flags)


def writev(t, pid, local, remote, flags=0):
    lv, rv = iovecs(t, BUF + 0x8000, *local), iovecs(t, BUF + 0x9000, *remote)
    return call(PF.sys_process_vm_writev, t, pid, lv, len(local), rv, len(remote), flags)


@pytest.fixture
def pair(k):
    """(parent thread, child thread): the child has REMOTE..+8K mapped, holding a pattern."""
    t = spawn(k)
    c = forked(k, t)
    c.proc.mm.mmap(REMOTE, 0x2000, PTE_R | PTE_W, True)
    c.proc.mm.write(REMOTE, bytes(range(256)) * 32)
    return t, c


def test_process_vm_readv_copies_across_iovecs(pair):
    t, c = pair
    pid, mm = c.proc.pid, t.proc.mm
    assert readv(t, pid, [(BUF, 10), (BUF + 100, 6)],
                 [(REMOTE + 4090, 4), (REMOTE + 0x1000, 20)]) == 16
    assert mm.read(BUF, 10) == bytes([250, 251, 252, 253, 0, 1, 2, 3, 4, 5])
    assert mm.read(BUF + 100, 6) == bytes(range(6, 12))
    # the local side runs out first: only what fits
    assert readv(t, pid, [(BUF, 3)], [(REMOTE, 100)]) == 3


def test_process_vm_partial_transfers(pair):
    t, c = pair
    pid = c.proc.pid
    c.proc.mm.munmap(REMOTE + 0x1000, 0x1000)
    # the remote iovec runs into an unmapped page: the bytes before it
    assert readv(t, pid, [(BUF, 100)], [(REMOTE + 0x1000 - 10, 100)]) == 10
    # ... and the next remote iovec is not tried
    assert readv(t, pid, [(BUF, 100)], [(REMOTE + 0x1000 - 10, 20), (REMOTE, 50)]) == 10
    # nothing copied: EFAULT
    assert readv(t, pid, [(BUF, 100)], [(REMOTE + 0x1000, 10)]) == -EFAULT
    # a local page that cannot be written stops it too
    assert readv(t, pid, [(BUF + 0x10000 - 8, 16)], [(REMOTE, 16)]) == 8
    assert readv(t, pid, [(0x5000, 16)], [(REMOTE, 16)]) == -EFAULT
    assert readv(t, pid, [(BUF, 4), (0x5000, 16)], [(REMOTE, 16)]) == 4


def test_process_vm_writev(pair, k):
    t, c = pair
    pid = c.proc.pid
    t.proc.mm.write(BUF, b"hello, child")
    assert writev(t, pid, [(BUF, 5), (BUF + 7, 5)], [(REMOTE + 8, 10)]) == 10
    assert c.proc.mm.read(REMOTE + 8, 10) == b"hellochild"
    assert t.proc.mm.read(BUF, 12) == b"hello, child"      # (copy-on-write kept us apart)
    c.proc.mm.mprotect(REMOTE + 0x1000, 0x1000, PTE_R)
    assert writev(t, pid, [(BUF, 12)], [(REMOTE + 0x1000 - 4, 12)]) == 4
    assert writev(t, pid, [(BUF, 12)], [(REMOTE + 0x1000, 12)]) == -EFAULT
    assert writev(t, pid, [(0x5000, 4), (BUF, 4)], [(REMOTE, 12)]) == -EFAULT


def test_process_vm_errors_and_permission(pair, k):
    t, c = pair
    pid = c.proc.pid
    assert readv(t, pid, [(BUF, 4)], [(REMOTE, 4)], flags=1) == -EINVAL
    lv = iovecs(t, BUF, (BUF + 0x100, 4))
    assert call(PF.sys_process_vm_readv, t, pid, lv, 1025, lv, 1, 0) == -EINVAL
    assert call(PF.sys_process_vm_readv, t, pid, lv, 1, lv, 1025, 0) == -EINVAL
    assert call(PF.sys_process_vm_readv, t, pid, 0x1000, 1, BUF, 1, 0) == -EFAULT
    assert readv(t, pid, [(1 << 60, 4)], [(REMOTE, 4)]) == -EFAULT       # beyond user space
    assert readv(t, 999, [(BUF, 0)], [(REMOTE, 4)]) == 0      # nothing to copy: not looked for
    assert readv(t, 999, [(BUF, 4)], [(REMOTE, 0)]) == 0
    assert readv(t, 999, [(BUF, 4)], [(REMOTE, 4)]) == -ESRCH
    u = spawn(k, uid=1000)
    assert readv(u, pid, [(BUF, 4)], [(REMOTE, 4)]) == -EPERM
    assert readv(u, u.proc.pid, [(BUF, 4)], [(BUF + 8, 4)]) == 4       # oneself
    k.exit_process(c.proc, 0)
    assert readv(t, pid, [(BUF, 4)], [(REMOTE, 4)]) == -ESRCH           # a zombie: no memory


def test_rows_are_registered():
    from kernel.syscalls import table
    rows = table.by_name()
    for name in ("getpriority", "setpriority", "sched_setattr", "ioprio_get", "personality",
                 "capget", "capset", "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "kcmp",
                 "process_vm_readv", "process_vm_writev"):
        assert rows[name][0] is not None
    nrs = {name: nr for nr, name in abi.SYSCALL_NAMES.items()}
    assert all(name in nrs for name in P.SYSCALLS) and all(name in nrs for name in PF.SYSCALLS)
