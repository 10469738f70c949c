"""Policy family: nice values, scheduling policies, I/O priorities, the execution domain
(personality) and capabilities -- Linux 6.6's rules and errnos (kernel/sys.c, kernel/sched/core.c,
block/ioprio.c, kernel/exec_domain.c, kernel/capability.c with security/commoncap.c).

Implemented:
  getpriority setpriority  PRIO_PROCESS, PRIO_PGRP, PRIO_USER. Nice values run -20..19 (others are
                   clamped); the raw getpriority returns 20 - nice, the best of the set (the C
                   library turns it back). Lowering a nice value needs RLIMIT_NICE to allow it
                   (20 - nice <= the limit) or CAP_SYS_NICE: EACCES; changing a process whose real
                   and effective uid both differ from the caller's effective uid needs
                   CAP_SYS_NICE: EPERM; no such process: ESRCH. setpriority goes on past a refused
                   process and reports the last error, as Linux.
  sched_setscheduler sched_setparam sched_getscheduler sched_getparam sched_setattr
  sched_getattr sched_get_priority_max sched_get_priority_min sched_rr_get_interval
                   SCHED_OTHER, BATCH, IDLE, FIFO, RR (priorities 1..99), DEADLINE (runtime <=
                   deadline <= period, 100 us .. 4.19 s; admission control against 95% of every
                   CPU: EBUSY), SCHED_RESET_ON_FORK / SCHED_FLAG_RESET_ON_FORK, KEEP_POLICY,
                   KEEP_PARAMS, sched_attr sizes (E2BIG, the size written back). Who may do what is
                   Linux's user_check_sched_setscheduler: real-time policies need RLIMIT_RTPRIO or
                   CAP_SYS_NICE, DEADLINE always needs CAP_SYS_NICE, leaving SCHED_IDLE needs
                   RLIMIT_NICE, another user's process needs CAP_SYS_NICE -- all EPERM.
                   sched_rr_get_interval: SCHED_RR 100 ms; FIFO and DEADLINE 0; the fair policies
                   0, as Linux with HZ=250 (their base slice, 0.75 ms x (1 + log2 CPUs), is under
                   one 4 ms jiffy).
  ioprio_set ioprio_get   IOPRIO_WHO_PROCESS, PGRP, USER; classes NONE, RT (needs CAP_SYS_NICE or
                   CAP_SYS_ADMIN), BE, IDLE; levels 0..7 (the hint bits above them are kept).
                   WHO_PROCESS reports the value set (0, class NONE, if none was); PGRP and USER
                   the best effective one, where an unset priority follows the nice value and
                   policy (BE/IDLE/RT, (nice + 20) / 5), as Linux >= 6.0. The first ioprio_set
                   gives a process its io_context (what kcmp(KCMP_IO) compares); fork passes it
                   on only when a class is set (copy_io).
  personality      any value is kept, per process (PER_LINUX at start); 0xffffffff only asks.
                   exec resets the low byte to PER_LINUX and keeps the flags (binfmt_elf's rule).
  capget capset    _LINUX_CAPABILITY_VERSION_1, _2, _3 (a wrong version is answered with _3 and
                   EINVAL; capget with a NULL data pointer is the probe and returns 0). The sets
                   follow the ids as Linux's without file capabilities: euid 0 -> full effective
                   set, any of the real/effective/saved uids 0 -> full permitted set, otherwise
                   none (CAP_LAST_CAP 40); setuid calls drop and restore them by
                   cap_emulate_setxuid's rules, exec recomputes them, capset may only drop
                   (EPERM), and only for the caller (EPERM).

Kept and reported, not acted on: jitvm's scheduler (kernel/sched.py) gives every runnable thread
the same time slice whatever its nice value, policy or real-time priority, and there is no block
layer for an I/O priority to order. The capability sets decide what this family and
syscalls/pidfd.py allow (CAP_SYS_NICE, CAP_SYS_ADMIN, CAP_SETPCAP, CAP_SYS_PTRACE: `capable`);
the other permission checks of the kernel look at the effective uid, as they did.

Partial:
  - Linux keeps nice, policy, priority and I/O priority per thread (setpriority(PRIO_PROCESS,
    tid) changes one thread); jitvm keeps one set per process, as it keeps credentials: a thread
    id names its process.
  - RLIMIT_NICE and RLIMIT_RTPRIO are obeyed, but kernel/process.py's default limits make them
    unlimited where Linux's start at 0, so an unprivileged process may lower its nice value or
    take a real-time policy until those limits are lowered.
  - No SCHED_FLAG_UTIL_CLAMP (EOPNOTSUPP, a kernel without CONFIG_UCLAMP_TASK); a SCHED_DEADLINE
    process's fork is not refused (Linux: EAGAIN); sched_getattr shows no runtime for the fair
    policies (as 6.6; Linux >= 6.12 shows the slice there).
  - Capabilities: no ambient or bounding set changes (prctl), no securebits, no file
    capabilities; a sequence of setuid calls between two looks at the sets counts as one change.
  - personality at exec: the generic binfmt_elf rule (riscv64's); loongarch64's kernel also
    drops the flags when the domain was not PER_LINUX. PER_CLEAR_ON_SETID is not cleared for
    set-id programs.
  - /proc/<pid>/stat shows nice 0 and policy 0 whatever is set: kernel/procfs.py does not ask
    `nice_of(p)` / `policy_of(p)`.

Where the state lives: two immutable records on the process's Credentials (kernel/process.py),
`creds.task_policy` (TaskPolicy) and `creds.cap_sets` (CapSets), set lazily -- a process that never
used these calls has neither and gets Linux's defaults. They sit on the credentials because clone
copies those at fork (kernel/fork.py `duplicate`), which is exactly when Linux copies these
attributes, and exec keeps them; each record names the pid and address space it was last brought
up to date for, so the first look after a fork or an exec applies what Linux does there
(SCHED_RESET_ON_FORK, copy_io, the personality and capability rules at exec). This relies on
`duplicate` copying the Credentials object with its attributes (copy.copy); the fork tests in
tests/kernel/test_policy_pidfd.py go through kernel/fork.py and would notice.
"""
import struct
import weakref
from dataclasses import dataclass, replace

from kernel import params
from kernel.errno import E2BIG, EACCES, EBUSY, EINVAL, EOPNOTSUPP, EPERM, ESRCH, Errno
from kernel.process import RLIMIT_NAMES
from kernel.uapi import as_int, pack_timespec

RLIMIT_NICE, RLIMIT_RTPRIO = RLIMIT_NAMES.index("NICE"), RLIMIT_NAMES.index("RTPRIO")

# ---- capabilities (include/uapi/linux/capability.h) ---------------------------------------------
CAP_KILL, CAP_SETUID, CAP_SETPCAP, CAP_SYS_PTRACE, CAP_SYS_ADMIN, CAP_SYS_NICE = 5, 7, 8, 19, 21, 23
CAP_LAST_CAP = 40                       # CAP_CHECKPOINT_RESTORE, the last one in Linux 6.6
CAP_FULL = (1 << (CAP_LAST_CAP + 1)) - 1
CAP_V1, CAP_V2, CAP_V3 = 0x19980330, 0x20071026, 0x20080522
CAP_U32S = {CAP_V1: 1, CAP_V2: 2, CAP_V3: 2}       # __user_cap_data_struct entries copied


@dataclass(frozen=True)
class CapSets:
    """A process's capability sets, with what they were computed for (see the module doc)."""
    owner: int              # pid
    mm: object              # weakref to its address space then (None: a zombie's)
    ids: tuple              # (uid, euid, suid) then
    effective: int
    permitted: int
    inheritable: int


def _mmref(p):
    return weakref.ref(p.mm) if p.mm is not None else None


def _since(rec, p):
    """(forked, execed): what p went through since rec was brought up to date. A record under
    another pid was copied by fork; a new address space under the same pid means an exec."""
    if rec.owner != p.pid:
        return True, bool(p.did_exec)
    old = rec.mm() if rec.mm is not None else None
    return False, p.mm is not None and old is not p.mm


def _root_caps(ids):
    """(effective, permitted) of a process whose sets come from its ids alone: what exec gives
    (root: everything; others: nothing) followed by any setuid calls (cap_emulate_setxuid)."""
    uid, euid, suid = ids
    return (CAP_FULL if euid == 0 else 0), (CAP_FULL if 0 in (uid, euid, suid) else 0)


def _setxuid(old, new, eff, perm):
    """cap_emulate_setxuid: losing every root id drops the sets; the effective set follows the
    effective uid leaving or reaching 0."""
    if 0 in old and 0 not in new:
        eff = perm = 0
    if old[1] == 0 and new[1] != 0:
        eff = 0
    if old[1] != 0 and new[1] == 0:
        eff = perm
    return eff, perm


def caps_of(p):
    """(effective, permitted, inheritable) of process p, brought up to date."""
    c = p.creds
    ids = (c.uid, c.euid, c.suid)
    rec = getattr(c, "cap_sets", None)
    if rec is None:
        return (*_root_caps(ids), 0)
    forked, execed = _since(rec, p)
    eff, perm, inh = rec.effective, rec.permitted, rec.inheritable
    if execed:
        eff, perm = _root_caps(ids)         # the inheritable set survives exec
    elif rec.ids != ids:
        eff, perm = _setxuid(rec.ids, ids, eff, perm)
    if forked or execed or rec.ids != ids:
        c.cap_sets = CapSets(p.pid, _mmref(p), ids, eff, perm, inh)
    return eff, perm, inh


def capable(p, cap):
    """Does process p hold capability `cap` in its effective set?"""
    return bool(caps_of(p)[0] >> cap & 1)


# ---- the per-process scheduling record ----------------------------------------------------------
SCHED_NORMAL, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE = 0, 1, 2, 3, 5, 6
SCHED_RESET_ON_FORK = 0x40000000
SETPARAM_POLICY = -1                    # sched_setparam / SCHED_FLAG_KEEP_POLICY: keep the policy
FAIR = (SCHED_NORMAL, SCHED_BATCH)
RT = (SCHED_FIFO, SCHED_RR)
VALID_POLICIES = (*FAIR, *RT, SCHED_IDLE, SCHED_DEADLINE)
PER_LINUX, PER_MASK = 0x0000, 0x00ff
IOPRIO_CLASS_NONE, IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE = 0, 1, 2, 3


@dataclass(frozen=True)
class TaskPolicy:
    """What these calls keep for a process (see the module doc); replaced, never changed."""
    owner: int                          # pid
    mm: object = None                   # weakref to its address space then
    nice: int = 0
    policy: int = SCHED_NORMAL
    rt_priority: int = 0
    reset_on_fork: bool = False
    dl: tuple = (0, 0, 0, 0)            # SCHED_DEADLINE runtime, deadline, period (ns), flags
    ioprio: int | None = None           # None: no io_context yet
    personality: int = PER_LINUX


def policy_of(p):
    """Process p's TaskPolicy, brought up to date with any fork or exec since it was stored."""
    rec = getattr(p.creds, "task_policy", None)
    if rec is None:
        return TaskPolicy(p.pid, _mmref(p))
    forked, execed = _since(rec, p)
    if forked:
        rec = _after_fork(rec)
    if execed:
        rec = replace(rec, personality=PER_LINUX | (rec.personality & ~PER_MASK))
    if forked or execed:
        rec = _store(p, replace(rec, owner=p.pid, mm=_mmref(p)))
    return rec


def _store(p, rec):
    p.creds.task_policy = rec
    return rec


def _after_fork(rec):
    """sched_fork and copy_io: SCHED_RESET_ON_FORK sends a real-time or deadline child back to
    SCHED_OTHER at nice 0 (a fair one only to nice >= 0), once; an io_context is passed on only
    when it holds a class."""
    if rec.reset_on_fork:
        if rec.policy in RT or rec.policy == SCHED_DEADLINE:
            rec = replace(rec, policy=SCHED_NORMAL, nice=0, rt_priority=0, dl=(0, 0, 0, 0))
        elif rec.nice < 0:
            rec = replace(rec, nice=0)
        rec = replace(rec, reset_on_fork=False)
    if rec.ioprio is not None and not IOPRIO_CLASS_RT <= _ioclass(rec.ioprio) <= IOPRIO_CLASS_IDLE:
        rec = replace(rec, ioprio=None)
    return rec


def nice_of(p):
    return policy_of(p).nice


def io_context_of(p):
    """What kcmp(KCMP_IO) compares: the process if it has an io_context, else None (NULL)."""
    return p if not p.zombie and policy_of(p).ioprio is not None else None


# ---- finding processes --------------------------------------------------------------------------
def find_task(k, pid):
    """find_task_by_vpid: the process a thread id, a process id or a zombie's pid names."""
    if pid <= 0:
        return None
    t = k.threads.get(pid)
    return t.proc if t is not None else k.processes.get(pid)


def _task_or_self(t, pid):
    """0: the caller; else find_task or ESRCH."""
    if pid == 0:
        return t.proc
    p = find_task(t.kernel, pid)
    if p is None:
        raise Errno(ESRCH)
    return p


def _rlimit(p, resource):
    return p.rlimits[resource][0]


# ---- nice values --------------------------------------------------------------------------------
PRIO_PROCESS, PRIO_PGRP, PRIO_USER = 0, 1, 2
MIN_NICE, MAX_NICE = -20, 19


def _prio_targets(t, which, who):
    """The processes getpriority/setpriority act on (kernel/sys.c's three loops)."""
    if not PRIO_PROCESS <= which <= PRIO_USER:
        raise Errno(EINVAL)
    k, me = t.kernel, t.proc
    if which == PRIO_PROCESS:
        p = me if who == 0 else find_task(k, who)
        return [p] if p is not None else []
    if which == PRIO_PGRP:
        pgid = who or me.pgid
        return [p for p in k.processes.values() if p.pgid == pgid]
    uid = who & 0xFFFFFFFF if who else me.creds.uid
    return [p for p in k.processes.values() if p.creds.uid == uid]


def sys_getpriority(t, which, who):
    found = [20 - nice_of(p) for p in _prio_targets(t, as_int(which), as_int(who))]
    if not found:
        raise Errno(ESRCH)
    return max(found)


def sys_setpriority(t, which, who, niceval):
    targets = _prio_targets(t, as_int(which), as_int(who))
    nice = max(MIN_NICE, min(MAX_NICE, as_int(niceval)))
    error = ESRCH
    for p in targets:
        error = _set_one_prio(t.proc, p, nice, error)
    if error:
        raise Errno(error)
    return 0


def _set_one_prio(me, p, nice, error):
    c, pc = me.creds, p.creds
    if not (pc.uid == c.euid or pc.euid == c.euid or capable(me, CAP_SYS_NICE)):
        return EPERM
    cur = policy_of(p)
    if nice < cur.nice and not (20 - nice <= _rlimit(p, RLIMIT_NICE) or capable(me, CAP_SYS_NICE)):
        return EACCES
    _store(p, replace(cur, nice=nice))
    return 0 if error == ESRCH else error


# ---- scheduling policies ------------------------------------------------------------------------
MAX_RT_PRIO = 100
SCHED_FLAG_RESET_ON_FORK, SCHED_FLAG_RECLAIM, SCHED_FLAG_DL_OVERRUN = 0x01, 0x02, 0x04
SCHED_FLAG_KEEP_POLICY, SCHED_FLAG_KEEP_PARAMS = 0x08, 0x10
SCHED_FLAG_UTIL_CLAMP = 0x20 | 0x40
SCHED_FLAG_ALL = 0x7F
SCHED_FLAG_SUGOV = 0x10000000
SCHED_DL_FLAGS = SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN | SCHED_FLAG_SUGOV
SCHED_ATTR_SIZE_VER0, SCHED_ATTR_SIZE_VER1 = 48, 56
SCHED_ATTR = struct.Struct("<IIQiIQQQII")           # struct sched_attr (VER1, 56 bytes)
DL_SCALE = 10
DL_PERIOD_MIN_NS, DL_PERIOD_MAX_NS = 100 * 1000, (1 << 22) * 1000   # sched_deadline_period_*_us
BW_SHIFT = 20
RT_RUNTIME_US, RT_PERIOD_US = 950_000, 1_000_000    # sched_rt_runtime_us / sched_rt_period_us
RR_TIMESLICE_NS = 100_000_000


@dataclass
class SchedAttr:
    """struct sched_attr as the kernel handles it (sched_setscheduler builds one too)."""
    policy: int = 0
    flags: int = 0
    nice: int = 0
    priority: int = 0
    runtime: int = 0
    deadline: int = 0
    period: int = 0
    util_min: int = 0
    util_max: int = 0


def _nice_reduction_ok(p, nice):
    return 20 - nice <= _rlimit(p, RLIMIT_NICE)


def _needs_privilege(me, p, cur, a, policy, reset):
    """user_check_sched_setscheduler: True if only CAP_SYS_NICE allows this change."""
    if policy in FAIR and a.nice < cur.nice and not _nice_reduction_ok(p, a.nice):
        return True
    if policy in RT:
        limit = _rlimit(p, RLIMIT_RTPRIO)
        if policy != cur.policy and not limit:
            return True
        if a.priority > cur.rt_priority and a.priority > limit:
            return True
    if policy == SCHED_DEADLINE:
        return True
    if cur.policy == SCHED_IDLE and policy != SCHED_IDLE and not _nice_reduction_ok(p, cur.nice):
        return True
    if me.creds.euid not in (p.creds.euid, p.creds.uid):
        return True
    return cur.reset_on_fork and not reset


def _checkparam_dl(a):
    """__checkparam_dl: runtime <= deadline <= period within the sysctl bounds."""
    if a.flags & SCHED_FLAG_SUGOV:
        return True
    if a.deadline == 0 or a.runtime < 1 << DL_SCALE:
        return False
    if a.deadline >> 63 or a.period >> 63:
        return False
    period = a.period or a.deadline
    if period < a.deadline or a.deadline < a.runtime:
        return False
    return DL_PERIOD_MIN_NS <= period <= DL_PERIOD_MAX_NS


def _bandwidth(runtime, period):
    return (runtime << BW_SHIFT) // period if period else 0


def _dl_admit(k, p, runtime, period):
    """sched_dl_overflow: the deadline processes together may use 95% of every CPU."""
    limit = _bandwidth(RT_RUNTIME_US, RT_PERIOD_US) * len(k.sched.cpus)
    total = _bandwidth(runtime, period)
    for q in k.processes.values():
        if q is not p and not q.exited:
            pol = policy_of(q)
            if pol.policy == SCHED_DEADLINE:
                total += _bandwidth(pol.dl[0], pol.dl[2])
    if total > limit:
        raise Errno(EBUSY)


def _setscheduler(t, p, a):
    """__sched_setscheduler for a user's request: check, then keep the new values."""
    cur = policy_of(p)
    policy = a.policy
    if policy < 0:
        policy, reset = cur.policy, cur.reset_on_fork
    else:
        reset = bool(a.flags & SCHED_FLAG_RESET_ON_FORK)
        if policy not in VALID_POLICIES:
            raise Errno(EINVAL)
    if a.flags & ~(SCHED_FLAG_ALL | SCHED_FLAG_SUGOV) or a.priority > MAX_RT_PRIO - 1:
        raise Errno(EINVAL)
    if (policy == SCHED_DEADLINE and not _checkparam_dl(a)) or (policy in RT) != (a.priority != 0):
        raise Errno(EINVAL)
    if _needs_privilege(t.proc, p, cur, a, policy, reset) and not capable(t.proc, CAP_SYS_NICE):
        raise Errno(EPERM)
    if a.flags & SCHED_FLAG_SUGOV:
        raise Errno(EINVAL)
    if a.flags & SCHED_FLAG_UTIL_CLAMP:
        raise Errno(EOPNOTSUPP)          # built without CONFIG_UCLAMP_TASK
    new = replace(cur, reset_on_fork=reset)
    if not a.flags & SCHED_FLAG_KEEP_PARAMS:
        if policy == SCHED_DEADLINE:
            cpus = (1 << len(t.kernel.sched.cpus)) - 1
            if any(th.affinity & cpus != cpus for th in p.threads):
                raise Errno(EPERM)       # a deadline task may run on every CPU of its domain
            period = a.period or a.deadline
            _dl_admit(t.kernel, p, a.runtime, period)
            new = replace(new, dl=(a.runtime, a.deadline, period, a.flags & SCHED_DL_FLAGS))
        elif policy in FAIR:
            new = replace(new, nice=a.nice)
        new = replace(new, policy=policy, rt_priority=a.priority)
        if policy != SCHED_DEADLINE:
            new = replace(new, dl=(0, 0, 0, 0))
    _store(p, new)
    return 0


def _sched_target(t, pid):
    pid = as_int(pid)
    if pid < 0:
        raise Errno(EINVAL)
    return _task_or_self(t, pid)


def _do_setscheduler(t, pid, policy, param):
    if not param or as_int(pid) < 0:
        raise Errno(EINVAL)
    prio = struct.unpack("<I", t.proc.mm.read(param, 4))[0]
    p = _sched_target(t, pid)
    a = SchedAttr(policy=policy, priority=prio, nice=nice_of(p))
    if policy != SETPARAM_POLICY and policy & SCHED_RESET_ON_FORK:
        a.flags |= SCHED_FLAG_RESET_ON_FORK
        a.policy = policy & ~SCHED_RESET_ON_FORK
    return _setscheduler(t, p, a)


def sys_sched_setscheduler(t, pid, policy, param):
    policy = as_int(policy)
    if policy < 0:
        raise Errno(EINVAL)
    return _do_setscheduler(t, pid, policy, param)


def sys_sched_setparam(t, pid, param):
    return _do_setscheduler(t, pid, SETPARAM_POLICY, param)


def sys_sched_getscheduler(t, pid):
    pol = policy_of(_sched_target(t, pid))
    return pol.policy | (SCHED_RESET_ON_FORK if pol.reset_on_fork else 0)


def sys_sched_getparam(t, pid, param):
    if not param or as_int(pid) < 0:
        raise Errno(EINVAL)
    pol = policy_of(_sched_target(t, pid))
    t.proc.mm.write(param, struct.pack("<i", pol.rt_priority if pol.policy in RT else 0))
    return 0


def sys_sched_get_priority_max(t, policy):
    policy = as_int(policy)
    if policy in RT:
        return MAX_RT_PRIO - 1
    if policy in VALID_POLICIES:
        return 0
    raise Errno(EINVAL)


def sys_sched_get_priority_min(t, policy):
    policy = as_int(policy)
    if policy in RT:
        return 1
    if policy in VALID_POLICIES:
        return 0
    raise Errno(EINVAL)


def sys_sched_rr_get_interval(t, pid, interval):
    pol = policy_of(_sched_target(t, pid))
    ns = RR_TIMESLICE_NS if pol.policy == SCHED_RR else 0
    t.proc.mm.write(interval, pack_timespec(t, ns))
    return 0


def _get_params(pol, a):
    """get_params: what sched_getattr (and KEEP_PARAMS) read back for the current policy."""
    if pol.policy == SCHED_DEADLINE:
        a.priority = pol.rt_priority
        a.runtime, a.deadline, a.period, dl_flags = pol.dl
        a.flags = a.flags & ~SCHED_DL_FLAGS | dl_flags
    elif pol.policy in RT:
        a.priority = pol.rt_priority
    else:
        a.nice = pol.nice


def _copy_attr(t, uattr):
    """sched_copy_attr: size 0 means VER0; a size Linux cannot take, or non-zero bytes past the
    ones it knows, is E2BIG with its own size written back."""
    mm = t.proc.mm
    size = struct.unpack("<I", mm.read(uattr, 4))[0] or SCHED_ATTR_SIZE_VER0
    data = mm.read(uattr, size) if SCHED_ATTR_SIZE_VER0 <= size <= params.PAGE_SIZE else None
    if data is None or any(data[SCHED_ATTR.size:]):
        mm.write(uattr, struct.pack("<I", SCHED_ATTR.size))
        raise Errno(E2BIG)
    v = SCHED_ATTR.unpack(data[:SCHED_ATTR.size].ljust(SCHED_ATTR.size, b"\0"))
    a = SchedAttr(policy=v[1], flags=v[2], nice=v[3], priority=v[4], runtime=v[5], deadline=v[6],
                  period=v[7], util_min=v[8], util_max=v[9])
    if a.flags & SCHED_FLAG_UTIL_CLAMP and size < SCHED_ATTR_SIZE_VER1:
        raise Errno(EINVAL)
    a.nice = max(MIN_NICE, min(MAX_NICE, a.nice))
    return a


def sys_sched_setattr(t, pid, uattr, flags):
    if not uattr or as_int(pid) < 0 or flags & 0xFFFFFFFF:
        raise Errno(EINVAL)
    a = _copy_attr(t, uattr)
    if as_int(a.policy) < 0:
        raise Errno(EINVAL)
    if a.flags & SCHED_FLAG_KEEP_POLICY:
        a.policy = SETPARAM_POLICY
    p = _sched_target(t, pid)
    if a.flags & SCHED_FLAG_KEEP_PARAMS:
        _get_params(policy_of(p), a)
    return _setscheduler(t, p, a)


def sys_sched_getattr(t, pid, uattr, usize, flags):
    usize &= 0xFFFFFFFF
    if (not uattr or as_int(pid) < 0 or flags & 0xFFFFFFFF
            or not SCHED_ATTR_SIZE_VER0 <= usize <= params.PAGE_SIZE):
        raise Errno(EINVAL)
    pol = policy_of(_sched_target(t, pid))
    a = SchedAttr(policy=pol.policy, flags=SCHED_FLAG_RESET_ON_FORK if pol.reset_on_fork else 0)
    _get_params(pol, a)
    size = min(usize, SCHED_ATTR.size)
    data = SCHED_ATTR.pack(size, a.policy, a.flags & SCHED_FLAG_ALL, a.nice, a.priority, a.runtime,
                           a.deadline, a.period, 0, 0)        # no util clamps (no uclamp)
    t.proc.mm.write(uattr, data[:size])
    return 0


# ---- I/O priorities -----------------------------------------------------------------------------
IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP, IOPRIO_WHO_USER = 1, 2, 3
IOPRIO_CLASS_SHIFT = 13


def _ioclass(ioprio):
    return ioprio >> IOPRIO_CLASS_SHIFT & 7


def _ioprio_check(me, ioprio):
    """ioprio_check_cap: a known class, level 0 for NONE, privilege for RT."""
    cls = _ioclass(ioprio)
    if cls == IOPRIO_CLASS_RT:
        if not (capable(me, CAP_SYS_NICE) or capable(me, CAP_SYS_ADMIN)):
            raise Errno(EPERM)
    elif cls == IOPRIO_CLASS_NONE:
        if ioprio & 7:
            raise Errno(EINVAL)
    elif cls not in (IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE):
        raise Errno(EINVAL)


def _io_targets(t, which, who, uid_for_zero):
    """The processes of ioprio_get/ioprio_set. `uid_for_zero`: the uid that WHO_USER 0 means
    (ioprio_set compares with uid 0 there, ioprio_get with the caller's -- Linux's own code)."""
    k, me = t.kernel, t.proc
    if which == IOPRIO_WHO_PROCESS:
        p = me if who == 0 else find_task(k, who)
        return [p] if p is not None else []
    if which == IOPRIO_WHO_PGRP:
        pgid = who or me.pgid
        return [p for p in k.processes.values() if p.pgid == pgid]
    if which == IOPRIO_WHO_USER:
        uid = who & 0xFFFFFFFF if who else uid_for_zero
        return [p for p in k.processes.values() if p.creds.uid == uid]
    raise Errno(EINVAL)


def _effective_ioprio(p):
    """__get_task_ioprio: the priority p's I/O gets -- an unset class follows the CPU policy."""
    pol = policy_of(p)
    prio = pol.ioprio if pol.ioprio is not None and not p.zombie else 0
    if _ioclass(prio) == IOPRIO_CLASS_NONE:
        cls = (IOPRIO_CLASS_IDLE if pol.policy == SCHED_IDLE else
               IOPRIO_CLASS_RT if pol.policy in (*RT, SCHED_DEADLINE) else IOPRIO_CLASS_BE)
        prio = cls << IOPRIO_CLASS_SHIFT | (pol.nice + 20) // 5
    return prio


def sys_ioprio_set(t, which, who, ioprio):
    which, who, ioprio = as_int(which), as_int(who), as_int(ioprio)
    me = t.proc
    _ioprio_check(me, ioprio)
    targets = _io_targets(t, which, who, uid_for_zero=0)
    if not targets:
        raise Errno(ESRCH)
    for p in targets:
        if p.creds.uid not in (me.creds.euid, me.creds.uid) and not capable(me, CAP_SYS_NICE):
            raise Errno(EPERM)
        if not p.exited:                 # an exiting task gets no new io_context
            _store(p, replace(policy_of(p), ioprio=ioprio & 0xFFFF))
    return 0


def sys_ioprio_get(t, which, who):
    which, who = as_int(which), as_int(who)
    targets = _io_targets(t, which, who, uid_for_zero=t.proc.creds.uid)
    if not targets:
        raise Errno(ESRCH)
    if which == IOPRIO_WHO_PROCESS:      # the raw value, so an unset one is told apart
        pol, p = policy_of(targets[0]), targets[0]
        return pol.ioprio if pol.ioprio is not None and not p.zombie else 0
    return min(_effective_ioprio(p) for p in targets)


# ---- execution domain ---------------------------------------------------------------------------
def sys_personality(t, persona):
    p, persona = t.proc, persona & 0xFFFFFFFF
    cur = policy_of(p)
    if persona != 0xFFFFFFFF:
        _store(p, replace(cur, personality=persona))
    return cur.personality


# ---- capabilities -------------------------------------------------------------------------------
def _cap_version(mm, header):
    """cap_validate_magic: how many 32-bit words per set the caller's version has."""
    version = struct.unpack("<I", mm.read(header, 4))[0]
    if version in CAP_U32S:
        return CAP_U32S[version]
    mm.write(header, struct.pack("<I", CAP_V3))
    raise Errno(EINVAL)


def sys_capget(t, header, dataptr):
    mm = t.proc.mm
    try:
        words = _cap_version(mm, header)
    except Errno as e:
        if not dataptr and e.errno == EINVAL:
            return 0                     # the probe: the version is written back, no error
        raise
    if not dataptr:
        return 0
    pid = as_int(struct.unpack("<i", mm.read(header + 4, 4))[0])
    if pid < 0:
        raise Errno(EINVAL)
    p = t.proc if pid in (0, t.tid) else find_task(t.kernel, pid)
    if p is None:
        raise Errno(ESRCH)
    eff, perm, inh = caps_of(p)
    data = struct.pack("<6I", eff & 0xFFFFFFFF, perm & 0xFFFFFFFF, inh & 0xFFFFFFFF,
                       eff >> 32, perm >> 32, inh >> 32)
    mm.write(dataptr, data[:12 * words])
    return 0


def sys_capset(t, header, data):
    mm, p = t.proc.mm, t.proc
    words = _cap_version(mm, header)
    pid = as_int(struct.unpack("<i", mm.read(header + 4, 4))[0])
    if pid not in (0, t.tid):
        raise Errno(EPERM)               # only the caller's own sets
    v = struct.unpack(f"<{3 * words}I", mm.read(data, 12 * words)) + (0, 0, 0)
    eff, perm, inh = ((v[i] | v[i + 3] << 32) & CAP_FULL for i in range(3))
    old_eff, old_perm, old_inh = caps_of(p)
    if not old_eff >> CAP_SETPCAP & 1 and inh & ~(old_inh | old_perm):
        raise Errno(EPERM)               # no new inheritable bits beyond the permitted ones
    if perm & ~old_perm or eff & ~perm:  # (the bounding set, which also limits the
        raise Errno(EPERM)               # inheritable one, is always full here)
    c = p.creds
    c.cap_sets = CapSets(p.pid, _mmref(p), (c.uid, c.euid, c.suid), eff, perm, inh)
    return 0


SYSCALLS = {
    "getpriority": (sys_getpriority, "int int"),
    "setpriority": (sys_setpriority, "int int int"),
    "sched_setscheduler": (sys_sched_setscheduler, "int int ptr"),
    "sched_setparam": (sys_sched_setparam, "int ptr"),
    "sched_getscheduler": (sys_sched_getscheduler, "int"),
    "sched_getparam": (sys_sched_getparam, "int ptr"),
    "sched_setattr": (sys_sched_setattr, "int ptr hex"),
    "sched_getattr": (sys_sched_getattr, "int ptr size hex"),
    "sched_get_priority_max": (sys_sched_get_priority_max, "int"),
    "sched_get_priority_min": (sys_sched_get_priority_min, "int"),
    "sched_rr_get_interval": (sys_sched_rr_get_interval, "int ptr"),
    "ioprio_set": (sys_ioprio_set, "int int hex"),
    "ioprio_get": (sys_ioprio_get, "int int"),
    "personality": (sys_personality, "hex"),
    "capget": (sys_capget, "ptr ptr"),
    "capset": (sys_capset, "ptr ptr"),
}
