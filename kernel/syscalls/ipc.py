"""System V IPC (Linux's ipc/: shm.c, sem.c, msg.c, util.c): shared memory segments, semaphore
sets and message queues, in one namespace per kernel (`namespace(k)`, hung off the Kernel).

Implemented:
  shmget shmat shmdt   IPC_PRIVATE, IPC_CREAT, IPC_EXCL; SHM_RDONLY, SHM_EXEC, SHM_RND,
                       SHM_REMAP, address hints (the ABI's SHMLBA: attach alignment)
  shmctl               IPC_STAT IPC_SET IPC_RMID IPC_INFO SHM_INFO SHM_STAT SHM_STAT_ANY
                       SHM_LOCK SHM_UNLOCK (a mode bit only: nothing is ever swapped)
  semget semop semtimedop   blocking, IPC_NOWAIT, SEM_UNDO, timeouts, EIDRM on removal
  semctl               GETVAL SETVAL GETALL SETALL GETPID GETNCNT GETZCNT IPC_STAT IPC_SET
                       IPC_RMID IPC_INFO SEM_INFO SEM_STAT SEM_STAT_ANY
  msgget msgsnd msgrcv msgtyp 0 / > 0 / < 0, MSG_EXCEPT, MSG_NOERROR, MSG_COPY, IPC_NOWAIT;
                       a send blocks while the queue is full (msg_qbytes), a receive while no
                       message matches
  msgctl               IPC_STAT IPC_SET IPC_RMID IPC_INFO MSG_INFO MSG_STAT MSG_STAT_ANY
Permissions are Linux's ipcperms: the caller's effective uid against the owner's and creator's
uid, its groups against theirs, root (CAP_IPC_OWNER, CAP_SYS_ADMIN) allowed everything.

Shared memory: a segment's memory is a ShmPages, kernel/vm.py's SharedPages (the memory object of
MAP_SHARED|MAP_ANONYMOUS) under every VMA that attaches it, so attached processes share frames
and see each other's stores at once. SharedPages.users counts those VMAs; it is shm_nattch, and
as in Linux a fork (AddressSpace.fork keeps shared VMAs shared) and a split VMA count as
attaches. Exit and exec release the address space, whose VMAs detach; a segment marked by
IPC_RMID (SHM_DEST) goes with its last detach.

Blocking follows kernel/sched.py's restart design, and nothing is done on a sleeper's behalf: a
blocked semop/msgsnd/msgrcv keeps what it parsed in t.restart and, when woken, tries again from
the start -- so its operations are applied exactly once, by the call that returns success, and a
signal between the wake-up and the retry loses nothing. Every change that may let a sleeper
proceed wakes all sleepers of that object; those that still cannot proceed sleep again. Linux
instead completes a woken semop or msgrcv in the waker (FIFO hand-over); here a third process
can overtake a woken sleeper. GETNCNT/GETZCNT count as Linux does: the sleepers that would not
proceed now, judged in arrival order.

SEM_UNDO adjustments are applied when the process exits (Kernel.exit_process calls exit_sem).
semop, msgsnd and msgrcv end with EINTR on a signal, SA_RESTART or not, as signal(7) says
(kernel/signal.py NOT_RESTARTED).

Partial:
  - shm_atime/shm_lpid change at shmat/shmdt and detaches, not at fork (Linux's shm_open).
  - /proc/sysvipc is not provided; the kernel.shm*/sem/msg* sysctls are the constants below.
"""
import struct
import time
from itertools import chain

from kernel.abimap import fmt, long_bytes
from kernel.errno import (E2BIG, EACCES, EAGAIN, EEXIST, EFBIG, EIDRM, EINVAL, ENOENT, ENOMEM,
                          ENOMSG, ENOSPC, EPERM, ERANGE, Errno)
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.perm import in_group
from kernel.process import RLIMIT_NAMES
from kernel.sched import WaitQueue, WouldBlock
from kernel.uapi import read_times
from kernel.vm import PAGE, SharedPages, page_up


# ---- the user-visible structures ----------------------------------------------------------------
# The asm-generic 64-bit layouts, shared by riscv64 and loongarch64 (and aarch64). Little-endian,
# "long" and "unsigned long" are 8 bytes, pid_t/uid_t/gid_t/mode_t 4; struct module's "<" adds no
# padding, so the padding C inserts is spelled out as "x".
# include/uapi/asm-generic/ipcbuf.h, struct ipc64_perm (48 bytes):
#   key uid gid cuid cgid mode | seq __pad2 | (4 pad) __unused1 __unused2
_IPC64_PERM = "iIIIIIHH4xQQ"
# include/uapi/asm-generic/shmbuf.h, struct shmid64_ds (112): perm, shm_segsz, shm_atime,
#   shm_dtime, shm_ctime, shm_cpid, shm_lpid, shm_nattch, __unused4, __unused5
SHMID64_DS = struct.Struct("<" + _IPC64_PERM + "QqqqiiQQQ")
# shmbuf.h, struct shminfo64 (72): shmmax shmmin shmmni shmseg shmall __unused1..4
SHMINFO64 = struct.Struct("<9Q")
# include/uapi/linux/shm.h, struct shm_info (48): used_ids, shm_tot, shm_rss, shm_swp,
#   swap_attempts, swap_successes
SHM_INFO_S = struct.Struct("<i4x5Q")
# include/uapi/asm-generic/sembuf.h, struct semid64_ds (88): perm, sem_otime, sem_ctime,
#   sem_nsems, __unused3, __unused4
SEMID64_DS = struct.Struct("<" + _IPC64_PERM + "qqQQQ")
# include/uapi/linux/sem.h, struct sembuf (6): sem_num, sem_op, sem_flg; struct seminfo (40):
#   semmap semmni semmns semmnu semmsl semopm semume semusz semvmx semaem
SEMBUF = struct.Struct("<Hhh")
SEMINFO = struct.Struct("<10i")
# include/uapi/asm-generic/msgbuf.h, struct msqid64_ds (120): perm, msg_stime, msg_rtime,
#   msg_ctime, msg_cbytes, msg_qnum, msg_qbytes, msg_lspid, msg_lrpid, __unused4, __unused5
MSQID64_DS = struct.Struct("<" + _IPC64_PERM + "qqqQQQiiQQ")
# include/uapi/linux/msg.h, struct msginfo (32): msgpool msgmap msgmax msgmnb msgmni msgssz
#   msgtql, unsigned short msgseg; struct msgbuf: long mtype, then the text
MSGINFO = struct.Struct("<7iH2x")

# ---- flags and commands (include/uapi/linux/ipc.h, shm.h, sem.h, msg.h) ------------------------
IPC_PRIVATE = 0
IPC_CREAT, IPC_EXCL, IPC_NOWAIT = 0o1000, 0o2000, 0o4000
IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO = 0, 1, 2, 3
SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC = 0o10000, 0o20000, 0o40000, 0o100000
SHM_DEST, SHM_LOCKED = 0o1000, 0o2000           # mode bits a segment shows in IPC_STAT
SHM_LOCK, SHM_UNLOCK, SHM_STAT, SHM_INFO, SHM_STAT_ANY = 11, 12, 13, 14, 15
GETPID, GETVAL, GETALL, GETNCNT, GETZCNT, SETVAL, SETALL = 11, 12, 13, 14, 15, 16, 17
SEM_STAT, SEM_INFO, SEM_STAT_ANY = 18, 19, 20
SEM_UNDO = 0x1000
MSG_STAT, MSG_INFO, MSG_STAT_ANY = 11, 12, 13
MSG_NOERROR, MSG_EXCEPT, MSG_COPY = 0o10000, 0o20000, 0o40000
S_IRUGO, S_IWUGO, S_IXUGO = 0o444, 0o222, 0o111

# ---- limits: Linux's defaults (include/uapi/linux/{ipc,shm,sem,msg}.h), as the sysctls start --
IPCMNI = 32768                  # id = seq * IPCMNI + index (ipc/util.h, IPCMNI_SHIFT 15)
SEQ_MAX = (2**31 - 1) // IPCMNI
SHMMIN, SHMMNI = 1, 4096
SHMMAX = SHMALL = (1 << 64) - 1 - (1 << 24)
SEMMNI, SEMMSL, SEMOPM, SEMVMX = 32000, 32000, 500, 32767
SEMMNS, SEMAEM, SEMUSZ = SEMMNI * SEMMSL, SEMVMX, 20
MSGMNI, MSGMAX, MSGMNB, MSGSSZ = 32000, 8192, 16384, 16
MSGPOOL = MSGMNI * MSGMNB // 1024
MSGSEG = min(MSGPOOL * 1024 // MSGSSZ, 0xFFFF)
MMAP_MIN_ADDR = 65536           # vm.mmap_min_addr: a fixed attach below it needs root
RLIMIT_MEMLOCK = RLIMIT_NAMES.index("MEMLOCK")
MASK64 = (1 << 64) - 1


def s32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def s64(v):
    v &= MASK64
    return v - (1 << 64) if v >> 63 else v


def now():
    return int(time.time())


# ---- the namespace, ids and permissions (ipc/util.c) --------------------------------------------
class IpcIds:
    """One kind's objects (Linux's struct ipc_ids): by index and by key. Indexes are handed out
    cyclically and an index used again gets the next sequence number, so a stale id fails."""

    def __init__(self, limit):
        self.limit, self.by_index, self.by_key = limit, {}, {}
        self.seq, self.last = 0, -1

    def add(self, obj):
        if len(self.by_index) >= self.limit:
            raise Errno(ENOSPC)
        idx = next(i for i in chain(range(self.last + 1, self.limit), range(self.last + 1))
                   if i not in self.by_index)
        if idx <= self.last:
            self.seq = (self.seq + 1) % SEQ_MAX
        self.last = idx
        obj.index, obj.seq, obj.id = idx, self.seq, self.seq * IPCMNI + idx
        self.by_index[idx] = obj
        if obj.key != IPC_PRIVATE:
            self.by_key[obj.key] = obj
        return obj

    def lookup(self, ident):
        """The object with this id: EINVAL for a negative, unknown or stale one."""
        obj = self.by_index.get(ident % IPCMNI) if ident >= 0 else None
        if obj is None or obj.id != ident:
            raise Errno(EINVAL)
        return obj

    def at(self, index):
        """The object at this index (the *_STAT commands, as ipcs walks them)."""
        obj = self.by_index.get(index) if 0 <= index < IPCMNI else None
        if obj is None:
            raise Errno(EINVAL)
        return obj

    def forget_key(self, obj):
        """No shmget/semget/msgget finds it any more (it has become IPC_PRIVATE)."""
        if self.by_key.get(obj.key) is obj:
            del self.by_key[obj.key]
        obj.key = IPC_PRIVATE

    def remove(self, obj):
        self.forget_key(obj)
        self.by_index.pop(obj.index, None)
        obj.deleted = True

    def max_index(self):
        """What IPC_INFO and *_INFO return: the highest index in use, 0 if none."""
        return max(self.by_index, default=0)

    def __len__(self):
        return len(self.by_index)


class IpcNamespace:
    """Every System V IPC object of one kernel, and the processes' semaphore undo lists."""

    def __init__(self, k):
        self.k = k
        self.shm, self.sem, self.msg = IpcIds(SHMMNI), IpcIds(SEMMNI), IpcIds(MSGMNI)
        self.undo = {}          # Process -> {SemArray: [semadj per semaphore]}


def namespace(k):
    """The kernel's IPC namespace, created on first use (one per Kernel, as Linux's init_ipc_ns
    when nobody calls unshare(CLONE_NEWIPC))."""
    ns = getattr(k, "sysv_ipc", None)
    if ns is None:
        ns = k.sysv_ipc = IpcNamespace(k)
    return ns


def _ns(t):
    return namespace(t.kernel)


class IpcObject:
    """struct kern_ipc_perm: key, owner and creator, mode; `id`/`index`/`seq` come from IpcIds."""

    def __init__(self, key, cred, mode):
        self.key = key
        self.uid = self.cuid = cred.euid
        self.gid = self.cgid = cred.egid
        self.mode = mode & 0o777
        self.ctime = now()
        self.deleted = False
        self.id = self.index = self.seq = 0

    def perm_fields(self):
        return (self.key, self.uid, self.gid, self.cuid, self.cgid, self.mode, self.seq, 0, 0, 0)


def ipcperms(cred, obj, flag):
    """Linux's ipcperms: may `cred` have the access `flag` asks (its rwx bits, in any of the
    three positions) to obj? Root has CAP_IPC_OWNER."""
    requested = (flag >> 6 | flag >> 3 | flag) & 7
    granted = obj.mode
    if cred.euid in (obj.uid, obj.cuid):
        granted >>= 6
    elif in_group(cred, obj.cgid) or in_group(cred, obj.gid):
        granted >>= 3
    return not requested & ~granted & 7 or cred.euid == 0


def _check(t, obj, flag):
    if not ipcperms(t.proc.creds, obj, flag):
        raise Errno(EACCES)


def _owner_or_admin(t, obj):
    """IPC_SET and IPC_RMID (ipcctl_obtain_check): the owner, the creator, or CAP_SYS_ADMIN."""
    euid = t.proc.creds.euid
    if euid not in (obj.uid, obj.cuid) and euid != 0:
        raise Errno(EPERM)


def _get(t, ids, key, flags, create, more_checks=None):
    """ipcget: a new object for IPC_PRIVATE or an unused key with IPC_CREAT, else the key's."""
    key = s32(key)
    if key != IPC_PRIVATE:
        obj = ids.by_key.get(key)
        if obj is not None:
            if flags & IPC_CREAT and flags & IPC_EXCL:
                raise Errno(EEXIST)
            if more_checks is not None:
                more_checks(obj)
            _check(t, obj, flags)
            return obj.id
        if not flags & IPC_CREAT:
            raise Errno(ENOENT)
    return ids.add(create(key)).id


def _set_perm(t, obj, fields):
    """IPC_SET's common part (ipc_update_perm): uid, gid and the permission bits, from the
    fields of the caller's *id64_ds."""
    obj.uid, obj.gid = fields[1], fields[2]
    obj.mode = obj.mode & ~0o777 | fields[5] & 0o777
    obj.ctime = now()


def _pid(t):
    return t.proc.pid


# ---- shared memory (ipc/shm.c) ------------------------------------------------------------------
class ShmPages(SharedPages):
    """A segment's memory (Linux's shm file over shmem): SharedPages whose `users` -- the VMAs
    over it, which kernel/vm.py counts through attach, fork and split -- is shm_nattch, and
    whose frames stay while the segment exists, attached or not."""

    def __init__(self, seg, frames):
        super().__init__(frames)
        self.users, self.seg = 0, seg
        self.name = f"/SYSV{seg.key & 0xFFFFFFFF:08x} (deleted)"    # as /proc/<pid>/maps shows

    def detach(self):
        """One VMA over the segment went (shmdt, munmap, exit, exec): shm_close."""
        self.users -= 1
        seg = self.seg
        seg.dtime = now()
        cur = getattr(seg.ns.k.sched, "current", None)
        if cur is not None:
            seg.lpid = cur.proc.pid
        if self.users == 0 and seg.mode & SHM_DEST:
            seg.destroy()


class ShmSegment(IpcObject):
    def __init__(self, ns, key, cred, mode, size, pid):
        super().__init__(key, cred, mode)
        self.ns, self.size, self.cpid, self.lpid = ns, size, pid, 0
        self.atime = self.dtime = 0
        self.pages = ShmPages(self, ns.k.frames)

    @property
    def nattch(self):
        return self.pages.users

    def destroy(self):
        """shm_destroy: the memory goes back to the frame allocator."""
        self.ns.shm.remove(self)
        for pa in self.pages.pages.values():
            self.pages.frames.put(pa)
        self.pages.pages = {}

    def stat(self):
        return SHMID64_DS.pack(*self.perm_fields(), self.size, self.atime, self.dtime,
                               self.ctime, self.cpid, self.lpid, self.nattch, 0, 0)


def sys_shmget(t, key, size, shmflg):
    ns, size, shmflg = _ns(t), size & MASK64, s32(shmflg)

    def create(key):
        if not SHMMIN <= size <= SHMMAX:
            raise Errno(EINVAL)
        pages = page_up(size) // PAGE
        if sum(page_up(s.size) // PAGE for s in ns.shm.by_index.values()) + pages > SHMALL:
            raise Errno(ENOSPC)
        if pages > ns.k.frames.nframes:
            raise Errno(ENOMEM)         # more than the machine has (overcommit's heuristic)
        return ShmSegment(ns, key, t.proc.creds, shmflg, size, _pid(t))

    def more_checks(seg):
        if seg.size < size:
            raise Errno(EINVAL)

    return _get(t, ns.shm, key, shmflg, create, more_checks)


def _shmlba(k):
    return getattr(k.abi, "SHMLBA", PAGE)     # the alignment of attach addresses


def sys_shmat(t, shmid, shmaddr, shmflg):
    ns, shmid, shmflg = _ns(t), s32(shmid), s32(shmflg)
    addr, lba, mm = shmaddr & MASK64, _shmlba(t.kernel), t.proc.mm
    if shmid < 0:
        raise Errno(EINVAL)
    if addr:
        if addr & (lba - 1):
            if not shmflg & SHM_RND:
                raise Errno(EINVAL)     # (with SHMLBA == PAGE_SIZE: not page-aligned)
            addr &= ~(lba - 1)
            if not addr and shmflg & SHM_REMAP:
                raise Errno(EINVAL)
    elif shmflg & SHM_REMAP:
        raise Errno(EINVAL)
    perm, acc = (PTE_R, S_IRUGO) if shmflg & SHM_RDONLY else (PTE_R | PTE_W, S_IRUGO | S_IWUGO)
    if shmflg & SHM_EXEC:
        perm, acc = perm | PTE_X, acc | S_IXUGO
    seg = ns.shm.lookup(shmid)
    _check(t, seg, acc)
    size = page_up(seg.size)
    if addr:
        if not shmflg & SHM_REMAP and any(v.start < addr + size and addr < v.end
                                          for v in mm.vmas):
            raise Errno(EINVAL)
        if addr + size > mm.task_size:
            raise Errno(ENOMEM)
        if addr < MMAP_MIN_ADDR and t.proc.creds.euid != 0:
            raise Errno(EPERM)
    else:
        # a free range; SHMLBA-aligned, as Linux colours shared mappings where it forces SHMLBA
        addr = -(-mm.free_area(size + lba - PAGE) // lba) * lba
    seg.pages.users += 1                # the VMA's reference (kernel/vm.py drops it on unmap)
    try:
        mm.mmap(addr, size, perm, True, seg.pages, 0, True, seg.pages.name)
    except Exception:
        seg.pages.users -= 1
        raise
    seg.atime, seg.lpid = now(), _pid(t)
    return addr


def sys_shmdt(t, shmaddr):
    """Detach the segment attached at shmaddr: the VMA starting there over a segment's start,
    and every VMA of the same segment up to its size that still lies where the attach put it
    (parts split off by mprotect or munmap). ipc/shm.c's ksys_shmdt."""
    _ns(t)
    addr, mm = shmaddr & MASK64, t.proc.mm
    if addr & (PAGE - 1):
        raise Errno(EINVAL)
    found, size = None, 0
    for v in [v for v in mm.vmas if v.end > addr]:
        in_place = isinstance(v.backing, ShmPages) and v.start - addr == v.offset
        if found is None and in_place:
            found, size = v.backing, page_up(v.backing.seg.size)
            mm.munmap(v.start, v.end - v.start)
        elif found is not None and v.end - addr <= size and in_place and v.backing is found:
            mm.munmap(v.start, v.end - v.start)
    if found is None:
        raise Errno(EINVAL)
    return 0


def sys_shmctl(t, shmid, cmd, buf):
    ns, shmid, cmd, mm = _ns(t), s32(shmid), s32(cmd), t.proc.mm
    if cmd < 0 or shmid < 0:
        raise Errno(EINVAL)
    if cmd == IPC_INFO:
        mm.write(buf, SHMINFO64.pack(SHMMAX, SHMMIN, SHMMNI, SHMMNI, SHMALL, 0, 0, 0, 0))
        return ns.shm.max_index()
    if cmd == SHM_INFO:
        segs = ns.shm.by_index.values()
        mm.write(buf, SHM_INFO_S.pack(len(segs), sum(page_up(s.size) // PAGE for s in segs),
                                      sum(len(s.pages.pages) for s in segs), 0, 0, 0))
        return ns.shm.max_index()
    if cmd in (SHM_STAT, SHM_STAT_ANY, IPC_STAT):
        seg = ns.shm.lookup(shmid) if cmd == IPC_STAT else ns.shm.at(shmid)
        if cmd != SHM_STAT_ANY:
            _check(t, seg, S_IRUGO)
        mm.write(buf, seg.stat())
        return 0 if cmd == IPC_STAT else seg.id
    if cmd == IPC_SET:
        f = _read_set(mm, buf, SHMID64_DS)
        seg = ns.shm.lookup(shmid)
        _owner_or_admin(t, seg)
        _set_perm(t, seg, f)
        return 0
    if cmd == IPC_RMID:
        seg = ns.shm.lookup(shmid)
        _owner_or_admin(t, seg)
        if seg.nattch:
            seg.mode |= SHM_DEST        # goes with the last detach; attachable until then
            ns.shm.forget_key(seg)
        else:
            seg.destroy()
        return 0
    if cmd in (SHM_LOCK, SHM_UNLOCK):
        seg = ns.shm.lookup(shmid)
        c = t.proc.creds
        if c.euid != 0:                 # CAP_IPC_LOCK, or the owner within RLIMIT_MEMLOCK
            if c.euid not in (seg.uid, seg.cuid) or \
                    cmd == SHM_LOCK and not t.proc.rlimits[RLIMIT_MEMLOCK][0]:
                raise Errno(EPERM)
        seg.mode = seg.mode | SHM_LOCKED if cmd == SHM_LOCK else seg.mode & ~SHM_LOCKED
        return 0
    raise Errno(EINVAL)


def _read_set(mm, buf, layout):
    """An IPC_SET buffer (the whole structure is read, as Linux copies it): its fields; the
    uid, gid and mode that every one sets are fields 1, 2 and 5 of its ipc64_perm."""
    return layout.unpack(mm.read(buf, layout.size))


# ---- semaphores (ipc/sem.c) ---------------------------------------------------------------------
class SemArray(IpcObject):
    def __init__(self, key, cred, mode, nsems):
        super().__init__(key, cred, mode)
        self.vals, self.pids = [0] * nsems, [0] * nsems
        self.otime = 0
        self.queue = WaitQueue()        # threads asleep in semop, woken by every change
        self.sleepers = []              # their SemWait records, in arrival order

    @property
    def nsems(self):
        return len(self.vals)

    def stat(self):
        return SEMID64_DS.pack(*self.perm_fields(), self.otime, self.ctime, self.nsems, 0, 0)

    def changed(self):
        """Values went up or reached zero: every sleeper looks again."""
        self.queue.wake_all()

    def live_sleepers(self):
        """Sleepers still in their semop: a signal (which clears t.restart) or death ends one."""
        self.sleepers = [w for w in self.sleepers
                         if w.thread.restart.get("sem_wait") is w and w.thread.state != "X"]
        return self.sleepers


class SemWait:
    """A semop that had to wait: what it asked for, kept across re-entries in t.restart."""

    def __init__(self, thread, sma, ops, deadline, alter):
        self.thread, self.sma, self.ops, self.deadline, self.alter = \
            thread, sma, ops, deadline, alter


def _attempt(vals, ops, adj=None):
    """perform_atomic_semop on copies: (new values, new undo adjustments, None) when every
    operation can be done in order, else (None, None, the operation that must wait). ERANGE
    past SEMVMX or beyond what an undo adjustment can hold. `adj` None: undo not tracked."""
    vals = list(vals)
    adj = list(adj) if adj is not None else None
    for num, op, flg in ops:
        v = vals[num] + op
        if op == 0 and vals[num] or v < 0:
            return None, None, (num, op, flg)
        if v > SEMVMX:
            raise Errno(ERANGE)
        if flg & SEM_UNDO and adj is not None:
            u = adj[num] - op
            if not -SEMAEM - 1 <= u <= SEMAEM:
                raise Errno(ERANGE)
            adj[num] = u
        vals[num] = v
    return vals, adj, None


def _count_waiting(sma, semnum, zero):
    """count_semcnt: the sleepers whose blocking operation is on semnum and waits for zero
    (GETZCNT) or for an increase (GETNCNT). Sleepers that could proceed now (awake and about
    to) are not counted; what they will do is taken as done, in arrival order and again after
    each one (Linux's update_queue hands it over just so)."""
    vals, waiting = list(sma.vals), list(sma.live_sleepers())
    progress = True
    while progress:
        progress = False
        for w in list(waiting):
            try:
                new, _, blocking = _attempt(vals, w.ops)
            except Errno:
                new, blocking = vals, None      # it will fail with ERANGE: not waiting
            if blocking is None:
                vals, progress = new, True
                waiting.remove(w)
    blocked = [_attempt(vals, w.ops)[2] for w in waiting]
    return sum(b[0] == semnum and (b[1] == 0) == zero for b in blocked)


def sys_semget(t, key, nsems, semflg):
    ns, nsems, semflg = _ns(t), s32(nsems), s32(semflg)
    if not 0 <= nsems <= SEMMSL:
        raise Errno(EINVAL)

    def create(key):
        if not nsems:
            raise Errno(EINVAL)
        if sum(s.nsems for s in ns.sem.by_index.values()) + nsems > SEMMNS:
            raise Errno(ENOSPC)
        return SemArray(key, t.proc.creds, semflg, nsems)

    def more_checks(sma):
        if nsems > sma.nsems:
            raise Errno(EINVAL)

    return _get(t, ns.sem, key, semflg, create, more_checks)


def _undo_list(ns, p, sma):
    per_proc = ns.undo.setdefault(p, {})
    if sma not in per_proc:
        per_proc[sma] = [0] * sma.nsems
    return per_proc[sma]


def _deadline(t, utimeout):
    if not utimeout:
        return None
    sec, nsec = read_times(t, utimeout)
    if sec < 0 or not 0 <= nsec < 1_000_000_000:
        raise Errno(EINVAL)
    return time.monotonic() + sec + nsec / 1e9


def _semop(t, semid, usops, nsops, utimeout):
    ns = _ns(t)
    w = t.restart.get("sem_wait")
    if w is None:                       # the first entry: parse and check (do_semtimedop)
        semid, nsops = s32(semid), nsops & 0xFFFFFFFF
        if nsops < 1 or semid < 0:
            raise Errno(EINVAL)
        if nsops > SEMOPM:
            raise Errno(E2BIG)
        raw = t.proc.mm.read(usops, nsops * SEMBUF.size)
        ops = [(num, op, flg & 0xFFFF) for num, op, flg in SEMBUF.iter_unpack(raw)]
        deadline = _deadline(t, utimeout)
        sma = ns.sem.lookup(semid)
        if max(num for num, _, _ in ops) >= sma.nsems:
            raise Errno(EFBIG)
        alter = any(op for _, op, _ in ops)
        _check(t, sma, S_IWUGO if alter else S_IRUGO)
        w = SemWait(t, sma, ops, deadline, alter)
    sma = w.sma
    try:
        if sma.deleted:
            raise Errno(EIDRM)
        undo = any(flg & SEM_UNDO for _, _, flg in w.ops)
        adj = _undo_list(ns, t.proc, sma) if undo else None
        vals, new_adj, blocking = _attempt(sma.vals, w.ops, adj)
        if blocking is None:
            sma.vals = vals
            if undo:
                adj[:] = new_adj
            for num, _, _ in w.ops:
                sma.pids[num] = _pid(t)
            sma.otime = now()
            if w.alter:
                sma.changed()
            return 0
        if blocking[2] & IPC_NOWAIT or w.deadline is not None and time.monotonic() >= w.deadline:
            raise Errno(EAGAIN)
    except Errno:
        if w in sma.sleepers:
            sma.sleepers.remove(w)
        raise
    if w not in sma.live_sleepers():
        sma.sleepers.append(w)
    t.restart["sem_wait"] = w
    raise WouldBlock(sma.queue, deadline=w.deadline)


def sys_semop(t, semid, sops, nsops):
    return _semop(t, semid, sops, nsops, 0)


def sys_semtimedop(t, semid, sops, nsops, timeout):
    return _semop(t, semid, sops, nsops, timeout)


def sys_semctl(t, semid, semnum, cmd, arg):
    ns, semid, semnum, cmd, mm = _ns(t), s32(semid), s32(semnum), s32(cmd), t.proc.mm
    arg &= MASK64
    if semid < 0:
        raise Errno(EINVAL)
    if cmd in (IPC_INFO, SEM_INFO):
        used = cmd == SEM_INFO
        arrays = ns.sem.by_index.values()
        mm.write(arg, SEMINFO.pack(SEMMNS, SEMMNI, SEMMNS, SEMMNS, SEMMSL, SEMOPM, SEMOPM,
                                   len(arrays) if used else SEMUSZ, SEMVMX,
                                   sum(s.nsems for s in arrays) if used else SEMAEM))
        return ns.sem.max_index()
    if cmd in (IPC_STAT, SEM_STAT, SEM_STAT_ANY):
        sma = ns.sem.lookup(semid) if cmd == IPC_STAT else ns.sem.at(semid)
        if cmd != SEM_STAT_ANY:
            _check(t, sma, S_IRUGO)
        mm.write(arg, sma.stat())
        return 0 if cmd == IPC_STAT else sma.id
    if cmd in (IPC_SET, IPC_RMID):
        f = _read_set(mm, arg, SEMID64_DS) if cmd == IPC_SET else None
        sma = ns.sem.lookup(semid)
        _owner_or_admin(t, sma)
        if cmd == IPC_SET:
            _set_perm(t, sma, f)
        else:
            _remove_sem(ns, sma)
        return 0
    if cmd == SETVAL:
        val = s32(arg)                  # union semun's int, the low half on little-endian
        if not 0 <= val <= SEMVMX:
            raise Errno(ERANGE)
        sma = ns.sem.lookup(semid)
        if not 0 <= semnum < sma.nsems:
            raise Errno(EINVAL)
        _check(t, sma, S_IWUGO)
        for adj in _undo_lists(ns, sma):
            adj[semnum] = 0
        sma.vals[semnum], sma.pids[semnum], sma.ctime = val, _pid(t), now()
        sma.changed()
        return 0
    if cmd not in (GETALL, SETALL, GETVAL, GETPID, GETNCNT, GETZCNT):
        raise Errno(EINVAL)
    sma = ns.sem.lookup(semid)
    _check(t, sma, S_IWUGO if cmd == SETALL else S_IRUGO)
    if cmd == GETALL:
        mm.write(arg, struct.pack(f"<{sma.nsems}H", *sma.vals))
        return 0
    if cmd == SETALL:
        vals = list(struct.unpack(f"<{sma.nsems}H", mm.read(arg, 2 * sma.nsems)))
        if max(vals) > SEMVMX:
            raise Errno(ERANGE)
        for adj in _undo_lists(ns, sma):
            adj[:] = [0] * sma.nsems
        sma.vals, sma.pids, sma.ctime = vals, [_pid(t)] * sma.nsems, now()
        sma.changed()
        return 0
    if not 0 <= semnum < sma.nsems:
        raise Errno(EINVAL)
    if cmd == GETVAL:
        return sma.vals[semnum]
    if cmd == GETPID:
        return sma.pids[semnum]
    return _count_waiting(sma, semnum, zero=cmd == GETZCNT)


def _undo_lists(ns, sma):
    return [per_proc[sma] for per_proc in ns.undo.values() if sma in per_proc]


def _remove_sem(ns, sma):
    """freeary: sleepers wake to EIDRM; undo adjustments for it are dropped."""
    ns.sem.remove(sma)
    for per_proc in ns.undo.values():
        per_proc.pop(sma, None)
    sma.changed()


def exit_sem(k, p):
    """Process p has exited: apply its SEM_UNDO adjustments (Linux's exit_sem), each value
    clamped to 0..SEMVMX, and wake whoever that lets proceed."""
    ns = namespace(k)
    for sma, adj in ns.undo.pop(p, {}).items():
        if sma.deleted or not any(adj):
            continue
        for i, a in enumerate(adj):
            if a:
                sma.vals[i] = min(max(sma.vals[i] + a, 0), SEMVMX)
                sma.pids[i] = p.pid
        sma.changed()


# ---- message queues (ipc/msg.c) -----------------------------------------------------------------
class MsgQueue(IpcObject):
    def __init__(self, key, cred, mode):
        super().__init__(key, cred, mode)
        self.messages = []              # (mtype, text), oldest first
        self.cbytes, self.qbytes = 0, MSGMNB
        self.lspid = self.lrpid = 0
        self.stime = self.rtime = 0
        self.receivers, self.senders = WaitQueue(), WaitQueue()

    def stat(self):
        return MSQID64_DS.pack(*self.perm_fields(), self.stime, self.rtime, self.ctime,
                               self.cbytes, len(self.messages), self.qbytes, self.lspid,
                               self.lrpid, 0, 0)

    def fits(self, size):
        """msg_fits_inqueue: the bytes, and the count of messages, within msg_qbytes."""
        return self.cbytes + size <= self.qbytes and len(self.messages) + 1 <= self.qbytes

    def find(self, msgtyp, flags):
        """The index of the message msgrcv takes (find_msg with convert_mode), or None."""
        if flags & MSG_COPY:            # msgtyp counts messages
            return msgtyp if 0 <= msgtyp < len(self.messages) else None
        if msgtyp == 0:
            return 0 if self.messages else None
        if msgtyp < 0:                  # the lowest type <= |msgtyp|, the oldest of those
            limit = -msgtyp if msgtyp != -(1 << 63) else (1 << 63) - 1
            fit = [(m, i) for i, (m, _) in enumerate(self.messages) if m <= limit]
            return min(fit)[1] if fit else None
        except_ = flags & MSG_EXCEPT
        return next((i for i, (m, _) in enumerate(self.messages)
                     if (m != msgtyp if except_ else m == msgtyp)), None)


def sys_msgget(t, key, msgflg):
    ns, msgflg = _ns(t), s32(msgflg)
    return _get(t, ns.msg, key, msgflg, lambda key: MsgQueue(key, t.proc.creds, msgflg))


def sys_msgsnd(t, msqid, msgp, msgsz, msgflg):
    ns, mm = _ns(t), t.proc.mm
    pending = t.restart.get("msg_send")
    if pending is None:                 # the first entry: the message is read once
        msqid, msgflg, msgsz = s32(msqid), s32(msgflg), s64(msgsz)
        word = long_bytes(t.kernel.abi)            # struct msgbuf {long mtype; char mtext[]}
        mtype = int.from_bytes(mm.read(msgp, word), "little", signed=True)
        if msgsz > MSGMAX or msgsz < 0 or msqid < 0 or mtype < 1:
            raise Errno(EINVAL)
        text = mm.read(msgp + word, msgsz)
        pending = (ns.msg.lookup(msqid), mtype, text, msgflg)
    q, mtype, text, msgflg = pending
    _check(t, q, S_IWUGO)
    if q.deleted:
        raise Errno(EIDRM)
    if not q.fits(len(text)):
        if msgflg & IPC_NOWAIT:
            raise Errno(EAGAIN)
        t.restart["msg_send"] = pending
        raise WouldBlock(q.senders)
    q.messages.append((mtype, text))
    q.cbytes += len(text)
    q.lspid, q.stime = _pid(t), now()
    q.receivers.wake_all()
    return 0


def sys_msgrcv(t, msqid, msgp, msgsz, msgtyp, msgflg):
    ns, mm = _ns(t), t.proc.mm
    msqid, msgsz, msgtyp, msgflg = s32(msqid), s64(msgsz), s64(msgtyp), s32(msgflg)
    if msqid < 0 or msgsz < 0:
        raise Errno(EINVAL)
    if msgflg & MSG_COPY and (msgflg & MSG_EXCEPT or not msgflg & IPC_NOWAIT):
        raise Errno(EINVAL)
    q = t.restart.get("msg_recv") or ns.msg.lookup(msqid)
    _check(t, q, S_IRUGO)
    if q.deleted:
        raise Errno(EIDRM)
    i = q.find(msgtyp, msgflg)
    if i is None:
        if msgflg & IPC_NOWAIT:
            raise Errno(ENOMSG)
        t.restart["msg_recv"] = q
        raise WouldBlock(q.receivers)
    mtype, text = q.messages[i]
    if len(text) > msgsz and not msgflg & MSG_NOERROR:
        raise Errno(E2BIG)              # and the message stays
    if not msgflg & MSG_COPY:
        del q.messages[i]
        q.cbytes -= len(text)
        q.lrpid, q.rtime = _pid(t), now()
        q.senders.wake_all()
    text = text[:msgsz]
    # EFAULT now loses it, as in Linux
    mm.write(msgp, struct.pack(fmt(t.kernel.abi, "<l"), mtype) + text)
    return len(text)


def sys_msgctl(t, msqid, cmd, buf):
    ns, msqid, cmd, mm = _ns(t), s32(msqid), s32(cmd), t.proc.mm
    if msqid < 0 or cmd < 0:
        raise Errno(EINVAL)
    if cmd in (IPC_INFO, MSG_INFO):
        queues = ns.msg.by_index.values()
        if cmd == MSG_INFO:     # in use: queues, messages, bytes
            pool, nmap = len(queues), sum(len(q.messages) for q in queues)
            tql = sum(q.cbytes for q in queues)
        else:
            pool, nmap, tql = MSGPOOL, MSGMNB, MSGMNB
        mm.write(buf, MSGINFO.pack(pool, nmap, MSGMAX, MSGMNB, MSGMNI, MSGSSZ, tql, MSGSEG))
        return ns.msg.max_index()
    if cmd in (IPC_STAT, MSG_STAT, MSG_STAT_ANY):
        q = ns.msg.lookup(msqid) if cmd == IPC_STAT else ns.msg.at(msqid)
        if cmd != MSG_STAT_ANY:
            _check(t, q, S_IRUGO)
        mm.write(buf, q.stat())
        return 0 if cmd == IPC_STAT else q.id
    if cmd == IPC_SET:
        f = _read_set(mm, buf, MSQID64_DS)
        qbytes = f[15]                  # msg_qbytes
        q = ns.msg.lookup(msqid)
        _owner_or_admin(t, q)
        if qbytes > MSGMNB and t.proc.creds.euid != 0:                 # CAP_SYS_RESOURCE
            raise Errno(EPERM)
        _set_perm(t, q, f)
        q.qbytes = qbytes
        q.receivers.wake_all()          # they check their permission again
        q.senders.wake_all()            # and there may be room now
        return 0
    if cmd == IPC_RMID:
        q = ns.msg.lookup(msqid)
        _owner_or_admin(t, q)
        ns.msg.remove(q)
        q.receivers.wake_all()
        q.senders.wake_all()
        return 0
    raise Errno(EINVAL)


SYSCALLS = {
    "shmget": (sys_shmget, "hex size mode"),
    "shmat": (sys_shmat, "int ptr hex"),
    "shmdt": (sys_shmdt, "ptr"),
    "shmctl": (sys_shmctl, "int int ptr"),
    "semget": (sys_semget, "hex int mode"),
    "semop": (sys_semop, "int ptr uint"),
    "semtimedop": (sys_semtimedop, "int ptr uint ptr"),
    "semctl": (sys_semctl, "int int int hex"),
    "msgget": (sys_msgget, "hex mode"),
    "msgsnd": (sys_msgsnd, "int ptr size hex"),
    "msgrcv": (sys_msgrcv, "int ptr size int hex"),
    "msgctl": (sys_msgctl, "int int ptr"),
}
