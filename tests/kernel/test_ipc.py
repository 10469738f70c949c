"""System V IPC (kernel/syscalls/ipc.py), called as the dispatcher calls it: raw int64
arguments, a small fake kernel with the real scheduler and real address spaces (so shared
segments share frames), blocking calls parked and re-entered as kernel/trap.py does."""
import struct
import subprocess
import time

import numpy as np
import pytest

from kernel.errno import (E2BIG, EACCES, EAGAIN, EEXIST, EFBIG, EINVAL, ENOENT, EPERM, ERANGE,
                          Errno)
from kernel.frames import FrameAllocator
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.process import Credentials, Process, Thread
from kernel.sched import Scheduler, WouldBlock
from kernel.syscalls import ipc as I
from kernel.syscalls import table
from kernel.vm import PAGE, AddressSpace
from tests.tools import need, need_module
from translators.riscv64 import abi

STACK_TOP = 0x7000_0000
SCRATCH = STACK_TOP - 0x10000       # each thread's argument buffers live here
BLOCKED = "blocked"


class FakeKernel:
    """What ipc.py uses of the Kernel: frames, sched (wake-ups, `current`), abi."""

    def __init__(self, abi=abi):
        self.abi = abi
        self.sched = Scheduler(self)
        self.frames = FrameAllocator(np.zeros(8 << 20, dtype=np.uint8))
        self.processes = {}

    def new_process(self, pid, uid=0, gid=0, mm=None):
        if mm is None:
            mm = AddressSpace(self.frames)
            mm.mmap(STACK_TOP - 0x10000, 0x10000, PTE_R | PTE_W, True, name="[stack]")
        p = Process(pid, None, mm, None, None, creds=Credentials(uid, uid, uid, gid, gid, gid))
        t = Thread(pid, p, None, kernel=self)
        t.scratch = SCRATCH
        p.threads.append(t)
        self.processes[pid] = p
        self.sched.add(t)
        return t

    def fork(self, t, pid):
        c = self.new_process(pid, t.proc.creds.euid, t.proc.creds.egid, mm=t.proc.mm.fork())
        return c

    def exit(self, t):
        """What Kernel.exit_process does that matters here: threads end, memory goes."""
        p = t.proc
        for th in p.threads:
            self.sched.exit(th)
        p.exit_code = 0
        p.mm.destroy()


@pytest.fixture
def k():
    return FakeKernel()


def put(t, data):
    """Copy bytes into t's scratch area; returns the guest address."""
    va = t.scratch
    t.proc.mm.write(va, data)
    t.scratch += (len(data) + 15) & ~15 or 16
    return va


def call(t, fn, *args):
    """One system call as kernel/trap.py makes it: the result, -errno, or BLOCKED (the thread
    is parked on the wait queues; `again` re-enters it once woken)."""
    t.kernel.sched.current = t
    try:
        r = fn(t, *args)
    except WouldBlock as wb:
        t.blocked_in = (fn, args)
        t.restart["_blocked"] = True
        t.kernel.sched.block(t, wb.queues, wb.deadline)
        return BLOCKED
    except Errno as e:
        r = -e.errno
    t.restart.clear()
    return r


def again(t):
    assert t.state == "R", "re-entered while still asleep"
    fn, args = t.blocked_in
    return call(t, fn, *args)


def interrupt(t):
    """A signal handler runs: kernel/signal.py wakes the thread and clears t.restart."""
    t.kernel.sched.wake(t)
    t.restart.clear()


def sops(t, *ops):
    return put(t, b"".join(I.SEMBUF.pack(n, o, f) for n, o, f in ops))


def semop(t, semid, *ops, timeout=None):
    if timeout is None:
        return call(t, I.sys_semop, semid, sops(t, *ops), len(ops))
    ts = put(t, struct.pack("<qq", int(timeout), int(timeout % 1 * 1e9)))
    return call(t, I.sys_semtimedop, semid, sops(t, *ops), len(ops), ts)


def semctl(t, semid, num, cmd, arg=0):
    return call(t, I.sys_semctl, semid, num, cmd, arg)


def shm_stat(t, shmid):
    buf = put(t, bytes(I.SHMID64_DS.size))
    assert call(t, I.sys_shmctl, shmid, I.IPC_STAT, buf) == 0
    f = I.SHMID64_DS.unpack(t.proc.mm.read(buf, I.SHMID64_DS.size))
    return dict(key=f[0], uid=f[1], mode=f[5], segsz=f[10], cpid=f[14], lpid=f[15],
                nattch=f[16])


def msg_stat(t, msqid):
    buf = put(t, bytes(I.MSQID64_DS.size))
    assert call(t, I.sys_msgctl, msqid, I.IPC_STAT, buf) == 0
    f = I.MSQID64_DS.unpack(t.proc.mm.read(buf, I.MSQID64_DS.size))
    return dict(mode=f[5], cbytes=f[13], qnum=f[14], qbytes=f[15], lspid=f[16], lrpid=f[17])


def send(t, msqid, mtype, text, flags=0):
    return call(t, I.sys_msgsnd, msqid, put(t, struct.pack("<q", mtype) + text), len(text), flags)


def recv(t, msqid, size, msgtyp=0, flags=0):
    """(mtype, text) or -errno or BLOCKED."""
    buf = put(t, bytes(8 + size))
    t.recv_buf = buf
    r = call(t, I.sys_msgrcv, msqid, buf, size, msgtyp, flags)
    return _received(t, r)


def _received(t, r):
    if r == BLOCKED or r < 0:
        return r
    data = t.proc.mm.read(t.recv_buf, 8 + r)
    return struct.unpack_from("<q", data)[0], data[8:]


# ---- layouts ------------------------------------------------------------------------------------
def _off(fmt):
    return struct.calcsize("<" + I._IPC64_PERM + fmt)


CHECK_UAPI = f"""
#include <stddef.h>
#include <linux/ipc.h>
#include <linux/shm.h>
#include <linux/sem.h>
#include <linux/msg.h>
#define EQ(a, b) _Static_assert((a) == (b), #a)
EQ(sizeof(struct ipc64_perm), 48);
EQ(offsetof(struct ipc64_perm, mode), 20);
EQ(offsetof(struct ipc64_perm, seq), 24);
EQ(sizeof(struct shmid64_ds), {I.SHMID64_DS.size});
EQ(offsetof(struct shmid64_ds, shm_segsz), {_off("")});
EQ(offsetof(struct shmid64_ds, shm_cpid), {_off("Qqqq")});
EQ(offsetof(struct shmid64_ds, shm_nattch), {_off("Qqqqii")});
EQ(sizeof(struct shminfo64), {I.SHMINFO64.size});
EQ(sizeof(struct shm_info), {I.SHM_INFO_S.size});
EQ(offsetof(struct shm_info, shm_tot), 8);
EQ(sizeof(struct semid64_ds), {I.SEMID64_DS.size});
EQ(offsetof(struct semid64_ds, sem_nsems), {_off("qq")});
EQ(sizeof(struct sembuf), {I.SEMBUF.size});
EQ(sizeof(struct seminfo), {I.SEMINFO.size});
EQ(sizeof(struct msqid64_ds), {I.MSQID64_DS.size});
EQ(offsetof(struct msqid64_ds, msg_qbytes), {_off("qqqQQ")});
EQ(offsetof(struct msqid64_ds, msg_lspid), {_off("qqqQQQ")});
EQ(sizeof(struct msginfo), {I.MSGINFO.size});
EQ(offsetof(struct msginfo, msgseg), 28);
EQ(IPC_CREAT, {I.IPC_CREAT}); EQ(IPC_EXCL, {I.IPC_EXCL}); EQ(IPC_NOWAIT, {I.IPC_NOWAIT});
EQ(IPC_INFO, {I.IPC_INFO}); EQ(SHM_RDONLY, {I.SHM_RDONLY}); EQ(SHM_RND, {I.SHM_RND});
EQ(SHM_REMAP, {I.SHM_REMAP}); EQ(SHM_EXEC, {I.SHM_EXEC}); EQ(SHM_STAT_ANY, {I.SHM_STAT_ANY});
EQ(SEM_UNDO, {I.SEM_UNDO}); EQ(SETALL, {I.SETALL}); EQ(SEM_STAT_ANY, {I.SEM_STAT_ANY});
EQ(MSG_NOERROR, {I.MSG_NOERROR}); EQ(MSG_EXCEPT, {I.MSG_EXCEPT}); EQ(MSG_COPY, {I.MSG_COPY});
EQ(MSG_STAT_ANY, {I.MSG_STAT_ANY}); EQ(SEMVMX, {I.SEMVMX}); EQ(MSGMNB, {I.MSGMNB});
EQ(SHMMNI, {I.SHMMNI}); EQ(SEMOPM, {I.SEMOPM});
"""
# the C library's view (glibc on riscv64, musl on loongarch64): the structures programs pass
CHECK_LIBC = f"""
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/shm.h>
#include <sys/sem.h>
#include <sys/msg.h>
#define EQ(a, b) _Static_assert((a) == (b), #a)
EQ(sizeof(struct shmid_ds), {I.SHMID64_DS.size});
EQ(offsetof(struct shmid_ds, shm_perm.mode), 20);
EQ(offsetof(struct shmid_ds, shm_segsz), {_off("")});
EQ(offsetof(struct shmid_ds, shm_nattch), {_off("Qqqqii")});
EQ(sizeof(struct semid_ds), {I.SEMID64_DS.size});
EQ(offsetof(struct semid_ds, sem_nsems), {_off("qq")});
EQ(sizeof(struct msqid_ds), {I.MSQID64_DS.size});
EQ(offsetof(struct msqid_ds, msg_qbytes), {_off("qqqQQ")});
EQ(offsetof(struct msqid_ds, msg_lrpid), {_off("qqqQQQi")});
"""


@pytest.mark.parametrize("isa", ["riscv64", "loongarch64", "aarch64"])
def test_layouts_match_the_cross_compilers_headers(tmp_path, isa):
    if isa in ("riscv64", "aarch64"):
        cc = [need(f"{isa}-linux-gnu-gcc")]
    else:
        need_module("ziglang")
        import sys
        cc = [sys.executable, "-m", "ziglang", "cc", "-target", "loongarch64-linux-musl"]
    for name, text in (("uapi.c", CHECK_UAPI), ("libc.c", CHECK_LIBC)):
        src = tmp_path / name
        src.write_text(text)
        r = subprocess.run([*cc, "-c", "-o", str(src.with_suffix(".o")), str(src)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_syscall_rows_are_registered():
    rows = table.by_name()
    for name in ("shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop",
                 "semctl", "msgget", "msgsnd", "msgrcv", "msgctl"):
        assert rows[name][0] is I.SYSCALLS[name][0]
    nrs = {n: nr for nr, n in abi.SYSCALL_NAMES.items()}
    assert table.build(abi)[nrs["semtimedop"]][1] is I.sys_semtimedop


# ---- keys, ids, permissions ---------------------------------------------------------------------
def test_keys_create_exclusive_and_private(k):
    t = k.new_process(1)
    a = call(t, I.sys_shmget, 0x1234, 8192, I.IPC_CREAT | 0o600)
    assert a >= 0
    assert call(t, I.sys_shmget, 0x1234, 100, 0) == a
    assert call(t, I.sys_shmget, 0x1234, 100, I.IPC_CREAT) == a
    assert call(t, I.sys_shmget, 0x1234, 100, I.IPC_CREAT | I.IPC_EXCL) == -EEXIST
    assert call(t, I.sys_shmget, 0x1234, 9000, 0) == -EINVAL          # bigger than it is
    assert call(t, I.sys_shmget, 0x9999, 100, 0) == -ENOENT
    p1 = call(t, I.sys_shmget, I.IPC_PRIVATE, 100, 0o600)
    p2 = call(t, I.sys_shmget, I.IPC_PRIVATE, 100, 0o600)
    assert len({a, p1, p2}) == 3
    assert call(t, I.sys_shmget, I.IPC_PRIVATE, 0, 0o600) == -EINVAL
    # a key is a C int: the register's upper half does not count
    assert call(t, I.sys_semget, 0xFFFF_FFFF_8000_0001, 1, I.IPC_CREAT | 0o600) >= 0
    assert call(t, I.sys_semget, 0x8000_0001, 1, 0) >= 0
    assert call(t, I.sys_semget, 0x4321, 0, I.IPC_CREAT) == -EINVAL
    assert call(t, I.sys_semget, 0x4321, I.SEMMSL + 1, I.IPC_CREAT) == -EINVAL
    s = call(t, I.sys_semget, 0x4321, 3, I.IPC_CREAT | 0o600)
    assert call(t, I.sys_semget, 0x4321, 0, 0) == s                    # nsems 0: any size
    assert call(t, I.sys_semget, 0x4321, 4, 0) == -EINVAL
    assert call(t, I.sys_msgget, 0x4321, I.IPC_CREAT | 0o600) >= 0      # its own key space


def test_a_reused_index_gets_a_new_id(k):
    t = k.new_process(1)
    ids = [call(t, I.sys_msgget, I.IPC_PRIVATE, 0o600) for _ in range(3)]
    assert ids == [0, 1, 2]
    assert call(t, I.sys_msgctl, ids[0], I.IPC_RMID, 0) == 0
    ns = I.namespace(k)
    ns.msg.last = I.MSGMNI - 1                       # as if the indexes had gone round
    new = call(t, I.sys_msgget, I.IPC_PRIVATE, 0o600)
    assert new == I.IPCMNI + 0                       # index 0, next sequence number
    assert call(t, I.sys_msgctl, ids[0], I.IPC_STAT, put(t, bytes(120))) == -EINVAL


def test_permissions_follow_owner_creator_group_and_root(k):
    owner = k.new_process(1, uid=100, gid=100)
    other = k.new_process(2, uid=200, gid=200)
    member = k.new_process(3, uid=300, gid=100)
    root = k.new_process(4)
    shmid = call(owner, I.sys_shmget, 0x77, 4096, I.IPC_CREAT | 0o640)
    assert call(other, I.sys_shmget, 0x77, 0, 0) == shmid          # no access asked for
    assert call(other, I.sys_shmget, 0x77, 0, 0o400) == -EACCES
    assert call(member, I.sys_shmget, 0x77, 0, 0o400) == shmid
    assert call(member, I.sys_shmat, shmid, 0, 0) == -EACCES        # group may not write
    assert call(member, I.sys_shmat, shmid, 0, I.SHM_RDONLY) > 0
    assert call(other, I.sys_shmat, shmid, 0, I.SHM_RDONLY) == -EACCES
    assert call(root, I.sys_shmat, shmid, 0, 0) > 0                  # CAP_IPC_OWNER
    assert call(other, I.sys_shmctl, shmid, I.IPC_STAT, put(other, bytes(112))) == -EACCES
    assert call(other, I.sys_shmctl, shmid, I.IPC_RMID, 0) == -EPERM
    assert call(member, I.sys_shmctl, shmid, I.IPC_RMID, 0) == -EPERM
    # IPC_SET hands the segment to uid 200: now it is the owner, and the creator still may act
    st = bytearray(I.SHMID64_DS.pack(0, 200, 200, 0, 0, 0o600, *[0] * 13))
    assert call(other, I.sys_shmctl, shmid, I.IPC_SET, put(other, bytes(st))) == -EPERM
    assert call(owner, I.sys_shmctl, shmid, I.IPC_SET, put(owner, bytes(st))) == 0
    s = shm_stat(owner, shmid)
    assert (s["uid"], s["mode"]) == (200, 0o600)
    assert call(other, I.sys_shmat, shmid, 0, 0) > 0
    assert call(member, I.sys_shmat, shmid, 0, I.SHM_RDONLY) == -EACCES
    assert call(owner, I.sys_shmat, shmid, 0, 0) > 0                 # cuid counts as owner
    # semaphores: reading and altering
    semid = call(owner, I.sys_semget, I.IPC_PRIVATE, 1, 0o640)
    assert semctl(member, semid, 0, I.GETVAL) == 0
    assert semctl(member, semid, 0, I.SETVAL, 1) == -EACCES
    assert semop(member, semid, (0, 0, I.IPC_NOWAIT)) == 0            # wait-for-zero reads
    assert semop(member, semid, (0, 1, 0)) == -EACCES
    assert semctl(other, semid, 0, I.GETVAL) == -EACCES
    assert semctl(other, semid, 0, I.IPC_RMID) == -EPERM
    # message queues: send needs write, receive read
    q = call(owner, I.sys_msgget, I.IPC_PRIVATE, 0o640)
    assert send(member, q, 1, b"x") == -EACCES
    assert send(owner, q, 1, b"x") == 0
    assert recv(member, q, 10, 0, I.IPC_NOWAIT) == (1, b"x")
    assert recv(other, q, 10, 0, I.IPC_NOWAIT) == -EACCES


# ---- shared memory ----------------------------------------------------------------------------
def test_two_processes_see_each_others_stores_at_once(k):
    a, b = k.new_process(1), k.new_process(2)
    shmid = call(a, I.sys_shmget, I.IPC_PRIVATE, 3 * PAGE, 0o600)
    pa, pb = call(a, I.sys_shmat, shmid, 0, 0), call(b, I.sys_shmat, shmid, 0, 0)
    assert pa > 0 and pb > 0 and pa % PAGE == 0
    a.proc.mm.write(pa + PAGE + 10, b"from a")
    assert b.proc.mm.read(pb + PAGE + 10, 6) == b"from a"
    b.proc.mm.write(pb + 2 * PAGE, b"from b")
    assert a.proc.mm.read(pa + 2 * PAGE, 6) == b"from b"
    assert a.proc.mm.physical(pa + PAGE) == b.proc.mm.physical(pb + PAGE)
    s = shm_stat(a, shmid)
    assert (s["segsz"], s["nattch"], s["cpid"], s["lpid"]) == (3 * PAGE, 2, 1, 2)
    assert a.proc.mm.find(pa).name == "/SYSV00000000 (deleted)"


def test_nattch_follows_fork_detach_exit_and_rmid_waits_for_the_last(k):
    free0 = k.frames.free_count
    a = k.new_process(1)
    shmid = call(a, I.sys_shmget, 0x55, 2 * PAGE, I.IPC_CREAT | 0o600)
    addr = call(a, I.sys_shmat, shmid, 0, 0)
    a.proc.mm.write(addr, b"before fork")
    child = k.fork(a, 2)
    assert shm_stat(a, shmid)["nattch"] == 2                 # the child's copy is an attach
    child.proc.mm.write(addr + PAGE, b"page first touched by the child")
    assert a.proc.mm.read(addr + PAGE, 31) == b"page first touched by the child"
    assert child.proc.mm.read(addr, 11) == b"before fork"
    second = call(child, I.sys_shmat, shmid, 0, I.SHM_RDONLY)
    assert shm_stat(a, shmid)["nattch"] == 3
    assert call(a, I.sys_shmctl, shmid, I.IPC_RMID, 0) == 0
    s = shm_stat(a, shmid)                                   # still there, key gone
    assert (s["key"], s["mode"] & I.SHM_DEST, s["nattch"]) == (0, I.SHM_DEST, 3)
    assert call(a, I.sys_shmget, 0x55, 0, 0) == -ENOENT
    assert call(a, I.sys_shmat, shmid, 0, 0) > 0             # Linux allows it
    assert call(a, I.sys_shmdt, addr) == 0
    assert shm_stat(a, shmid)["nattch"] == 3
    k.exit(child)                                            # exit detaches both of its
    assert shm_stat(a, shmid)["nattch"] == 1
    assert second and call(a, I.sys_shmdt, addr + 1) == -EINVAL
    rest = [v.start for v in a.proc.mm.vmas if isinstance(v.backing, I.ShmPages)]
    assert call(a, I.sys_shmdt, rest[0]) == 0
    assert call(a, I.sys_shmctl, shmid, I.IPC_STAT, put(a, bytes(112))) == -EINVAL
    assert call(a, I.sys_shmdt, rest[0]) == -EINVAL
    k.exit(a)
    assert k.frames.free_count == free0                      # every frame came back


def test_unattached_segment_keeps_its_data_until_removed(k):
    free0 = k.frames.free_count
    a = k.new_process(1)
    shmid = call(a, I.sys_shmget, I.IPC_PRIVATE, 100, 0o600)
    addr = call(a, I.sys_shmat, shmid, 0, 0)
    a.proc.mm.write(addr + 50, b"kept")
    assert call(a, I.sys_shmdt, addr) == 0
    assert shm_stat(a, shmid)["nattch"] == 0
    b = k.new_process(2)
    addr = call(b, I.sys_shmat, shmid, 0, 0)
    assert b.proc.mm.read(addr + 50, 4) == b"kept"
    k.exit(b)                                                # exec/exit: the mm goes
    assert shm_stat(a, shmid)["nattch"] == 0
    assert call(a, I.sys_shmctl, shmid, I.IPC_RMID, 0) == 0
    k.exit(a)
    assert k.frames.free_count == free0


def test_readonly_attach_and_exec_permission(k):
    a = k.new_process(1)
    shmid = call(a, I.sys_shmget, I.IPC_PRIVATE, PAGE, 0o600)
    addr = call(a, I.sys_shmat, shmid, 0, I.SHM_RDONLY)
    vma = a.proc.mm.find(addr)
    assert vma.perm == PTE_R and vma.shared
    assert a.proc.mm.fault(addr, PTE_W) is False             # a store: SIGSEGV
    with pytest.raises(Errno):
        a.proc.mm.write(addr, b"x")
    addr2 = call(a, I.sys_shmat, shmid, 0, I.SHM_EXEC)
    assert a.proc.mm.find(addr2).perm == PTE_R | PTE_W | PTE_X


def test_attach_addresses_hints_rounding_and_remap(k):
    a = k.new_process(1)
    shmid = call(a, I.sys_shmget, I.IPC_PRIVATE, 2 * PAGE, 0o600)
    want = 0x2000_0000
    assert call(a, I.sys_shmat, shmid, want, 0) == want
    assert call(a, I.sys_shmat, shmid, want + PAGE, 0) == -EINVAL        # overlaps
    assert call(a, I.sys_shmat, shmid, want + 100, 0) == -EINVAL         # unaligned
    assert call(a, I.sys_shmat, shmid, want + 2 * PAGE + 100, I.SHM_RND) == want + 2 * PAGE
    assert call(a, I.sys_shmat, shmid, want + PAGE, I.SHM_REMAP) == want + PAGE
    assert call(a, I.sys_shmat, shmid, 0, I.SHM_REMAP) == -EINVAL
    assert shm_stat(a, shmid)["nattch"] == 3      # [want, +PAGE) is what is left of the first
    # shmdt at the first attach's start takes what still lies in place from it
    assert call(a, I.sys_shmdt, want) == 0
    assert a.proc.mm.find(want) is None and a.proc.mm.find(want + PAGE) is not None
    other = k.new_process(2, uid=5)
    assert call(other, I.sys_shmat, shmid, PAGE, I.SHM_RND) == -EACCES
    assert call(a, I.sys_shmat, -1, 0, 0) == -EINVAL
    assert call(a, I.sys_shmat, shmid + 1, 0, 0) == -EINVAL


def test_loongarch_attaches_on_64k_boundaries():
    from translators.loongarch64 import abi as la_abi
    k = FakeKernel(la_abi)
    a = k.new_process(1)
    shmid = call(a, I.sys_shmget, I.IPC_PRIVATE, PAGE, 0o600)
    addr = call(a, I.sys_shmat, shmid, 0, 0)
    assert addr % 0x10000 == 0
    assert call(a, I.sys_shmat, shmid, 0x2000_1000, 0) == -EINVAL       # not SHMLBA-aligned
    assert call(a, I.sys_shmat, shmid, 0x2000_1000, I.SHM_RND) == 0x2000_0000


def test_shm_info_and_stat_by_index(k):
    a = k.new_process(1)
    buf = put(a, bytes(72))
    assert call(a, I.sys_shmctl, 0, I.IPC_INFO, buf) == 0
    assert I.SHMINFO64.unpack(a.proc.mm.read(buf, 72))[1:3] == (1, 4096)
    ids = [call(a, I.sys_shmget, I.IPC_PRIVATE, PAGE + 1, 0o600) for _ in range(2)]
    addr = call(a, I.sys_shmat, ids[1], 0, 0)
    a.proc.mm.write(addr, b"x")
    assert call(a, I.sys_shmctl, 0, I.SHM_INFO, buf) == 1
    used, tot, rss = I.SHM_INFO_S.unpack(a.proc.mm.read(buf, 48))[:3]
    assert (used, tot, rss) == (2, 4, 1)
    assert call(a, I.sys_shmctl, 1, I.SHM_STAT, put(a, bytes(112))) == ids[1]
    assert call(a, I.sys_shmctl, 7, I.SHM_STAT, put(a, bytes(112))) == -EINVAL
    assert call(a, I.sys_shmctl, ids[0], 99, 0) == -EINVAL


# ---- semaphores ---------------------------------------------------------------------------------
def test_semctl_values_pids_and_errors(k):
    t = k.new_process(7)
    s = call(t, I.sys_semget, I.IPC_PRIVATE, 3, 0o600)
    assert semctl(t, s, 1, I.SETVAL, 5) == 0
    assert semctl(t, s, 1, I.GETVAL) == 5 and semctl(t, s, 1, I.GETPID) == 7
    assert semctl(t, s, 0, I.GETPID) == 0
    assert semctl(t, s, 3, I.GETVAL) == -EINVAL
    assert semctl(t, s, 0, I.SETVAL, I.SEMVMX + 1) == -ERANGE
    assert semctl(t, s, 0, I.SETVAL, 0xFFFF_FFFF) == -ERANGE         # -1 as an int
    assert semctl(t, s, 0, I.SETVAL, (9 << 32) | 2) == 0             # only the int counts
    buf = put(t, struct.pack("<3H", 1, 2, 3))
    assert semctl(t, s, 0, I.SETALL, buf) == 0
    out = put(t, bytes(6))
    assert semctl(t, s, 0, I.GETALL, out) == 0
    assert struct.unpack("<3H", t.proc.mm.read(out, 6)) == (1, 2, 3)
    assert semctl(t, s, 0, I.SETALL, put(t, struct.pack("<3H", 1, 40000, 3))) == -ERANGE
    st = put(t, bytes(88))
    assert semctl(t, s, 0, I.IPC_STAT, st) == 0
    f = I.SEMID64_DS.unpack(t.proc.mm.read(st, 88))
    assert (f[5], f[12]) == (0o600, 3)
    assert semctl(t, s % I.IPCMNI, 0, I.SEM_STAT, put(t, bytes(88))) == s
    assert semctl(t, s % I.IPCMNI + 1, 0, I.SEM_STAT_ANY, put(t, bytes(88))) == -EINVAL
    assert semctl(t, s, 0, 42) == -EINVAL
    assert semctl(t, -1, 0, I.GETVAL) == -EINVAL
    info = put(t, bytes(40))
    assert semctl(t, 0, 0, I.IPC_INFO, info) == 0
    assert I.SEMINFO.unpack(t.proc.mm.read(info, 40))[8] == I.SEMVMX


def test_semop_checks_and_nonblocking_results(k):
    t = k.new_process(1)
    s = call(t, I.sys_semget, I.IPC_PRIVATE, 2, 0o600)
    assert call(t, I.sys_semop, s, sops(t, (0, 1, 0)), 0) == -EINVAL
    assert call(t, I.sys_semop, s, sops(t, (0, 1, 0)), I.SEMOPM + 1) == -E2BIG
    assert semop(t, s, (2, 1, 0)) == -EFBIG
    assert semop(t, s, (0, -1, I.IPC_NOWAIT)) == -EAGAIN
    assert semop(t, s, (0, 2, 0), (1, 1, 0)) == 0
    assert semop(t, s, (0, -1, 0), (1, -2, I.IPC_NOWAIT)) == -EAGAIN  # all or nothing
    assert semctl(t, s, 0, I.GETVAL) == 2
    assert semop(t, s, (0, I.SEMVMX, 0)) == -ERANGE
    assert semop(t, s, (0, -1, 0), (0, -1, 0)) == 0                  # in order, same semaphore
    assert semctl(t, s, 0, I.GETVAL) == 0
    assert semop(t, s, (0, 0, 0)) == 0                               # it is zero
    ts = put(t, struct.pack("<qq", 0, 1_000_000_000))
    assert call(t, I.sys_semtimedop, s, sops(t, (0, -1, 0)), 1, ts) == -EINVAL


def test_blocking_semop_is_applied_once_when_it_can(k):
    a, b = k.new_process(1), k.new_process(2)
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 2, 0o600)
    assert semop(a, s, (0, -2, 0), (1, 1, 0)) == BLOCKED
    assert a.state == "S"
    assert semctl(b, s, 0, I.GETNCNT) == 1 and semctl(b, s, 0, I.GETZCNT) == 0
    assert semop(b, s, (0, 1, 0)) == 0                   # not enough: it wakes and sleeps again
    assert again(a) == BLOCKED and semctl(b, s, 0, I.GETNCNT) == 1
    assert semop(b, s, (0, 1, 0)) == 0
    assert semctl(b, s, 0, I.GETNCNT) == 0               # awake and about to proceed: not waiting
    assert again(a) == 0
    assert [semctl(b, s, i, I.GETVAL) for i in (0, 1)] == [0, 1]
    assert semctl(b, s, 1, I.GETPID) == 1
    # woken again by an unrelated change, the finished call is not redone
    assert semop(b, s, (1, 5, 0)) == 0 and semctl(b, s, 1, I.GETVAL) == 6


def test_zero_waiters_and_counts_in_arrival_order(k):
    a, b, c = (k.new_process(i) for i in (1, 2, 3))
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 1, 0o600)
    assert semctl(a, s, 0, I.SETVAL, 1) == 0
    assert semop(a, s, (0, 0, 0)) == BLOCKED              # waits for zero
    assert semop(b, s, (0, -2, 0)) == BLOCKED             # waits for 2
    assert semctl(c, s, 0, I.GETZCNT) == 1 and semctl(c, s, 0, I.GETNCNT) == 1
    assert semop(c, s, (0, 1, 0)) == 0                    # 2: b can go, then a can
    assert (semctl(c, s, 0, I.GETNCNT), semctl(c, s, 0, I.GETZCNT)) == (0, 0)
    assert again(b) == 0 and again(a) == 0
    assert semctl(c, s, 0, I.GETVAL) == 0


def test_removal_wakes_sleepers_with_eidrm(k):
    a, b = k.new_process(1), k.new_process(2)
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 1, 0o600)
    assert semop(a, s, (0, -1, 0)) == BLOCKED
    assert semctl(b, s, 0, I.IPC_RMID) == 0
    assert a.state == "R" and again(a) == -I.EIDRM
    assert semctl(b, s, 0, I.GETVAL) == -EINVAL


def test_semtimedop_times_out_with_eagain(k):
    a = k.new_process(1)
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 1, 0o600)
    assert semop(a, s, (0, -1, 0), timeout=0) == -EAGAIN             # already past
    assert semop(a, s, (0, -1, 0), timeout=0.02) == BLOCKED
    assert a.deadline is not None
    time.sleep(0.03)
    k.sched.fire_timers()
    assert a.state == "R" and again(a) == -EAGAIN
    assert semctl(a, s, 0, I.GETNCNT) == 0


def test_a_signal_ends_the_wait_without_applying(k):
    a, b = k.new_process(1), k.new_process(2)
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 1, 0o600)
    assert semop(a, s, (0, -1, 0)) == BLOCKED
    interrupt(a)                                          # -EINTR, t.restart cleared
    assert semctl(b, s, 0, I.GETNCNT) == 0
    assert semop(b, s, (0, 1, 0)) == 0
    assert semctl(b, s, 0, I.GETVAL) == 1                 # nobody took it


def test_sem_undo_is_applied_at_exit_clamped(k):
    a, b = k.new_process(1), k.new_process(2)
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 2, 0o600)
    assert semctl(a, s, 0, I.SETVAL, 3) == 0
    assert semop(b, s, (0, -2, I.SEM_UNDO), (1, 4, I.SEM_UNDO)) == 0
    assert semop(a, s, (1, -3, 0)) == 0                   # value 1; b's undo says -4
    child = k.fork(b, 3)                                  # fork does not inherit undo lists
    k.exit(child)
    assert semctl(a, s, 0, I.GETVAL) == 1
    k.exit(b)
    I.exit_sem(k, b.proc)
    assert [semctl(a, s, i, I.GETVAL) for i in (0, 1)] == [3, 0]
    assert semctl(a, s, 0, I.GETPID) == 2


def test_exit_applies_undo(k):
    a, b = k.new_process(1), k.new_process(2)
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 1, 0o600)
    assert semop(b, s, (0, 1, I.SEM_UNDO)) == 0
    k.exit(b)
    I.exit_sem(k, b.proc)                 # what Kernel.exit_process does
    assert semctl(a, s, 0, I.GETVAL) == 0


def test_setval_clears_undo_and_undo_range_is_checked(k):
    a, b = k.new_process(1), k.new_process(2)
    s = call(a, I.sys_semget, I.IPC_PRIVATE, 1, 0o600)
    assert semop(b, s, (0, 5, I.SEM_UNDO)) == 0
    assert semctl(a, s, 0, I.SETVAL, 5) == 0              # forgets b's adjustment
    I.exit_sem(k, b.proc)
    assert semctl(a, s, 0, I.GETVAL) == 5
    assert semop(b, s, (0, I.SEMAEM, I.SEM_UNDO)) == -ERANGE


# ---- message queues -----------------------------------------------------------------------------
def test_message_types_and_selection(k):
    t = k.new_process(4)
    q = call(t, I.sys_msgget, I.IPC_PRIVATE, 0o600)
    for mtype, text in ((3, b"three"), (1, b"one"), (2, b"two"), (1, b"uno"), (5, b"five")):
        assert send(t, q, mtype, text) == 0
    s = msg_stat(t, q)
    assert (s["qnum"], s["cbytes"], s["qbytes"], s["lspid"]) == (5, 18, I.MSGMNB, 4)
    info = put(t, bytes(32))
    assert call(t, I.sys_msgctl, 0, I.MSG_INFO, info) == q
    assert I.MSGINFO.unpack(t.proc.mm.read(info, 32))[:2] == (1, 5)     # queues, messages
    assert call(t, I.sys_msgctl, q % I.IPCMNI, I.MSG_STAT, put(t, bytes(120))) == q
    assert call(t, I.sys_msgctl, q % I.IPCMNI + 1, I.MSG_STAT, put(t, bytes(120))) == -EINVAL
    assert recv(t, q, 100, 2) == (2, b"two")                          # first of that type
    assert recv(t, q, 100, -2) == (1, b"one")                         # lowest type <= 2
    assert recv(t, q, 100, 1, I.MSG_EXCEPT) == (3, b"three")          # first not of type 1
    assert recv(t, q, 100, 0, I.IPC_NOWAIT | I.MSG_COPY) == (1, b"uno")   # copied, stays
    assert recv(t, q, 2, 0) == -E2BIG                                  # stays too
    assert recv(t, q, 2, 0, I.MSG_NOERROR) == (1, b"un")               # truncated
    assert recv(t, q, 100, 4, I.IPC_NOWAIT) == -I.ENOMSG
    assert recv(t, q, 100, 0) == (5, b"five")
    assert msg_stat(t, q)["qnum"] == 0 and msg_stat(t, q)["lrpid"] == 4
    assert send(t, q, 0, b"x") == -EINVAL
    assert send(t, q, 1, bytes(I.MSGMAX + 1)) == -EINVAL
    assert send(t, q, 1, b"") == 0 and recv(t, q, 0) == (1, b"")
    assert recv(t, q, 10, 0, I.MSG_COPY) == -EINVAL                    # needs IPC_NOWAIT
    assert call(t, I.sys_msgrcv, q, put(t, bytes(16)), -1, 0, 0) == -EINVAL
    info = put(t, bytes(32))
    assert call(t, I.sys_msgctl, 0, I.IPC_INFO, info) == 0
    assert I.MSGINFO.unpack(t.proc.mm.read(info, 32))[2:6] == (8192, 16384, 32000, 16)


def test_blocking_receive_and_send(k):
    a, b = k.new_process(1), k.new_process(2)
    q = call(a, I.sys_msgget, I.IPC_PRIVATE, 0o600)
    assert recv(a, q, 100, 7) == BLOCKED
    assert send(b, q, 5, b"five") == 0                   # wakes a, which finds no type 7
    assert _received(a, again(a)) == BLOCKED
    assert send(b, q, 7, b"seven") == 0
    assert _received(a, again(a)) == (7, b"seven")
    assert recv(b, q, 100) == (5, b"five")
    # a full queue: 100 bytes
    st = bytearray(120)
    st[20:24] = struct.pack("<I", 0o600)
    st[88:96] = struct.pack("<Q", 100)
    assert call(a, I.sys_msgctl, q, I.IPC_SET, put(a, bytes(st))) == 0
    assert send(a, q, 1, bytes(60)) == 0
    assert send(a, q, 2, bytes(60), I.IPC_NOWAIT) == -EAGAIN
    assert send(a, q, 2, bytes(60)) == BLOCKED
    assert msg_stat(b, q)["qnum"] == 1
    assert recv(b, q, 100) == (1, bytes(60))             # room: the sender retries
    assert again(a) == 0
    assert recv(b, q, 100) == (2, bytes(60))


def test_msgctl_set_limits_and_removal(k):
    owner, other, reader = (k.new_process(i, uid=i * 10) for i in (1, 2, 3))
    q = call(owner, I.sys_msgget, I.IPC_PRIVATE, 0o666)
    st = bytearray(120)
    st[4:8], st[20:24] = struct.pack("<I", 10), struct.pack("<I", 0o644)
    st[88:96] = struct.pack("<Q", I.MSGMNB + 1)
    assert call(owner, I.sys_msgctl, q, I.IPC_SET, put(owner, bytes(st))) == -EPERM
    st[88:96] = struct.pack("<Q", 50)
    assert call(other, I.sys_msgctl, q, I.IPC_SET, put(other, bytes(st))) == -EPERM
    assert call(owner, I.sys_msgctl, q, I.IPC_SET, put(owner, bytes(st))) == 0
    assert msg_stat(owner, q)["mode"] == 0o644 and msg_stat(owner, q)["qbytes"] == 50
    assert recv(reader, q, 10) == BLOCKED
    assert call(other, I.sys_msgctl, q, I.IPC_RMID, 0) == -EPERM
    assert call(owner, I.sys_msgctl, q, I.IPC_RMID, 0) == 0
    assert _received(reader, again(reader)) == -I.EIDRM
    assert send(owner, q, 1, b"x") == -EINVAL
