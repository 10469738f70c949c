"""Nice values, scheduling policies, I/O priorities, personality, capabilities, pidfds, kcmp and
process_vm_readv/writev from a guest program (tests/guest/c/policy.c; kernel/syscalls/policy.py
and pidfd.py), on both tiers.

qemu-user hands these calls to the host kernel, so it is the oracle for what the program prints
by default: results and errnos only, with root dropping to another uid in children -- which
needs host root, as CI has (tests/guest/test_users.py). Where qemu is no fair oracle the program's
`linux` mode runs under jitvm only and its output is checked against what Linux documents and
does (QEMU_UNFAIR says why for each part).
"""
import os

import pytest

from tests.differential import compare, run_jitvm

ENGINES = ["interp", "jit"]

QEMU_UNFAIR = {
    "process_vm": "qemu-user 7.2 does not implement process_vm_readv/writev (ENOSYS)",
    "capabilities of root": "the host's root is a container's, without some capabilities "
                            "(CAP_SYS_RESOURCE here), where a Linux root has them all",
    "SCHED_DEADLINE": "the host kernel's admission control and CPU set decide",
    "kcmp(KCMP_EPOLL_TFD)": "qemu-user passes the kcmp_epoll_slot pointer to the host "
                            "unconverted",
    "pidfd_open of a thread": "the host kernel is newer: since Linux 6.15 (pidfs) a thread that "
                              "is not a leader is ENOENT; jitvm is Linux 6.6 (EINVAL)",
}

# What Linux 6.6 does for policy.c's `linux` mode (checked, apart from the parts QEMU_UNFAIR
# names, by building policy.c for the x86_64 host and running it there as root).
LINUX = """\
== pidfd_open of a thread
pidfd_open(a thread's id, 0): EINVAL
== process_vm
process_vm_readv: 11
  read: "child" + " data"
process_vm_writev: 6
  ours is still: "parent's own"
process_vm_readv into an unmapped page: 10
  the remote iovec after it is not tried: 10
process_vm_readv of an unmapped page: EFAULT
process_vm_readv into an unmapped local buffer: 4
process_vm_writev into a read-only page: EFAULT
process_vm_readv flags 1: EINVAL
process_vm_readv 1025 local iovecs: EINVAL
process_vm_readv(dead): ESRCH
process_vm_readv(dead) of nothing: 0
  the child's data now: "PARENTdata"
  user: process_vm_readv(root's process): EPERM
  user: process_vm_readv(self): 4
== capabilities of root
capget: effective 0x1ffffffffff permitted 0x1ffffffffff inheritable 0
capget version 1: 0
  0xffffffff 0xffffffff 0
setresuid(-1, USER, -1): 0
capget: effective 0 permitted 0x1ffffffffff inheritable 0
setresuid(-1, 0, -1): 0
capget: effective 0x1ffffffffff permitted 0x1ffffffffff inheritable 0
== SCHED_DEADLINE
sched_setattr SCHED_DEADLINE 1 ms in 10 ms: 0
sched_getscheduler: 6
sched_getattr: size 56 policy 6 flags 0 nice 0 prio 0 runtime 1000000 deadline 10000000 \
period 10000000
sched_rr_get_interval: 0.000000000
sched_setattr SCHED_OTHER: 0
== kcmp(KCMP_EPOLL_TFD)
the watched file: 0
another file: ordered
a second registration: ENOENT
not an epoll: EINVAL
"""


@pytest.fixture(scope="module")
def workdir(rootfs):
    d = rootfs / "tmp" / "jitvm-policytest"
    d.mkdir(parents=True, exist_ok=True)
    return d

# qemu-mipsel 7.2 passes PIDFD_NONBLOCK and the MIPS siginfo to the host unconverted and hangs
QEMU_HANGS = {"mipsel"}


@pytest.mark.parametrize("engine", ENGINES)
def test_policy_calls_match_qemu(arch, guest_bin, rootfs, workdir, engine):
    if os.geteuid() != 0:
        pytest.skip("qemu-user needs host root to drop to another uid (CI runs as root)")
    if arch in QEMU_HANGS:          # then Linux's lines below are the whole check
        status, out, _ = run_jitvm(guest_bin("policy"), [], workdir, b"", engine, rootfs)
    else:
        status, out = compare(guest_bin("policy"), [], engine, rootfs, cwd=workdir)
    assert status == 0 and out.endswith(b"all done\n")
    text = out.decode()
    for line in ("getpriority(PRIO_PGRP, 0) (clamped to -20): 40",
                 "  user: setpriority(self, 9) lowers it: EACCES",
                 "  user: setpriority(root's process): EPERM",
                 "  user: SCHED_FIFO 1: EPERM",
                 "  child of a reset-on-fork RR process: policy: 0",
                 "sched_rr_get_interval (RR): 0.100000000",
                 "  child: ioprio_get(PGRP, 0), the best: 16386",
                 "  child: personality(0xffffffff): 262150",
                 "capset everything back: EPERM",
                 "after setresuid(USER): effective 0 permitted 0 inheritable 0",
                 "poll(pidfd of an orphan, -1): POLLIN",
                 "  the child's handler saw SI_QUEUE and 5: status 55",
                 "  child read through its own pipe: \"through pidfd_getfd\"",
                 "kcmp(self, a child, KCMP_VM): differ",
                 "  user: kcmp(self, root's process, KCMP_VM): EPERM"):
        assert line + "\n" in text, line


@pytest.mark.parametrize("engine", ENGINES)
def test_what_qemu_cannot_show(guest_bin, rootfs, workdir, engine):
    rc, out, err = run_jitvm(guest_bin("policy"), ["linux"], workdir, b"", engine, rootfs)
    assert b"Traceback" not in err and b"internal error" not in err, err.decode(errors="replace")
    assert rc == 0
    text = out.decode()
    sections = [s.split("\n", 1)[0] for s in text.split("== ")[1:]]
    assert set(sections) == set(QEMU_UNFAIR)
    assert text == LINUX
