"""Task family: identity, credentials, process groups and sessions, limits, system info.

Implemented: getpid getppid gettid getuid geteuid getgid getegid getresuid
getresgid setuid setgid setresuid setresgid setreuid setregid getgroups setgroups getrusage
setfsuid setfsgid setsid getsid getpgid setpgid set_tid_address set_robust_list get_robust_list
prlimit64 getrlimit setrlimit
umask uname sethostname setdomainname sysinfo getrandom prctl sched_getaffinity sched_setaffinity
sched_yield getcpu.
Stubs:
  rseq     -> ENOSYS: no restartable sequences, as from a Linux built without CONFIG_RSEQ and
           from qemu-user (see sys_rseq).
(kill, tkill, tgkill and the rt_sig* calls are the signal family: syscalls/signal.py; clone,
execve, exit, exit_group, wait4, waitid, futex the process family: syscalls/proc.py.)
"""
import os
import struct

from kernel import params, rusage
from kernel.abimap import fmt, long_bytes
from kernel.errno import EACCES, EINVAL, ENOSYS, EPERM, ESRCH, Errno
from kernel.process import RLIM_INFINITY, RLIMIT_NAMES
from kernel.uapi import as_int, pack_rusage


def sys_getpid(t):
    return t.proc.pid


def sys_getppid(t):
    return t.proc.ppid


def sys_gettid(t):
    return t.tid


def sys_getuid(t):
    return t.proc.creds.uid


def sys_geteuid(t):
    return t.proc.creds.euid


def sys_getgid(t):
    return t.proc.creds.gid


def sys_getegid(t):
    return t.proc.creds.egid


def _put_ids(t, ptrs, ids):
    for p, v in zip(ptrs, ids):
        t.proc.mm.write(p, struct.pack("<I", v))
    return 0


def sys_getresuid(t, ruid, euid, suid):
    c = t.proc.creds
    return _put_ids(t, (ruid, euid, suid), (c.uid, c.euid, c.suid))


def sys_getresgid(t, rgid, egid, sgid):
    c = t.proc.creds
    return _put_ids(t, (rgid, egid, sgid), (c.gid, c.egid, c.sgid))


def _set_ids(t, kind, *ids):
    c = t.proc.creds
    names = ("uid", "euid", "suid") if kind == "u" else ("gid", "egid", "sgid")
    for name, v in zip(names, ids):
        v &= 0xFFFFFFFF
        if v == 0xFFFFFFFF:
            continue                       # -1: leave unchanged
        if c.euid != 0 and v not in (getattr(c, names[0]), getattr(c, names[1]), getattr(c, names[2])):
            raise Errno(EPERM)
        setattr(c, name, v)
    return 0


def _set_fs_id(t, name, value):
    """setfsuid/setfsgid: always return the old value; change it only to one of the caller's
    ids (or anything, for root)."""
    c = t.proc.creds
    old, value = getattr(c, "fs" + name), value & 0xFFFFFFFF
    ids = (c.uid, c.euid, c.suid) if name == "uid" else (c.gid, c.egid, c.sgid)
    if value != 0xFFFFFFFF and (c.euid == 0 or value in ids or value == old):
        setattr(c, "fs" + name, value)
    return old


def sys_setfsuid(t, uid):
    return _set_fs_id(t, "uid", uid)


def sys_setfsgid(t, gid):
    return _set_fs_id(t, "gid", gid)


def sys_setuid(t, uid):
    return _set_ids(t, "u", uid, uid, uid) if t.proc.creds.euid == 0 else _set_ids(t, "u", -1, uid)


def sys_setgid(t, gid):
    return _set_ids(t, "g", gid, gid, gid) if t.proc.creds.euid == 0 else _set_ids(t, "g", -1, gid)


def sys_setresuid(t, r, e, s):
    return _set_ids(t, "u", r, e, s)


def sys_setresgid(t, r, e, s):
    return _set_ids(t, "g", r, e, s)


def sys_setreuid(t, r, e):
    return _set_ids(t, "u", r, e)


def sys_setregid(t, r, e):
    return _set_ids(t, "g", r, e)


NGROUPS_MAX = 65536
RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD = 0, -1, 1


def sys_getrusage(t, who, usage):
    who = as_int(who)
    if who == RUSAGE_SELF:
        u = rusage.of_process(t.proc)
    elif who == RUSAGE_CHILDREN:
        u = rusage.of_children(t.proc)
    elif who == RUSAGE_THREAD:
        u = rusage.of_thread(t)
    else:
        raise Errno(EINVAL)
    t.proc.mm.write(usage, pack_rusage(t.kernel.abi, u))
    return 0


def sys_getgroups(t, size, lst):
    groups = t.proc.creds.groups
    size = as_int(size)
    if size < 0 or size and size < len(groups):
        raise Errno(EINVAL)
    if size and groups:
        t.proc.mm.write(lst, struct.pack(f"<{len(groups)}I", *groups))
    return len(groups)


def sys_setgroups(t, size, lst):
    if t.proc.creds.euid != 0:
        raise Errno(EPERM)
    size = as_int(size)
    if not 0 <= size <= NGROUPS_MAX:
        raise Errno(EINVAL)
    t.proc.creds.groups = tuple(sorted(set(struct.unpack(f"<{size}I",
                                                         t.proc.mm.read(lst, 4 * size)))))
    return 0


def sys_setsid(t):
    """A new session and process group led by the caller -- unless it already leads a group
    (any process has pgid == its pid), so that a group never spans two sessions."""
    p, k = t.proc, t.kernel
    if any(q.pgid == p.pid for q in k.processes.values()):
        raise Errno(EPERM)
    p.sid = p.pgid = p.pid
    detach = getattr(k, "detach_ctty", None)    # the tty stage forgets the controlling terminal
    if detach is not None:
        detach(p)
    return p.sid


def sys_getsid(t, pid):
    return _proc(t, pid).sid


def sys_getpgid(t, pid):
    return _proc(t, pid).pgid


def sys_setpgid(t, pid, pgid):
    """Move the caller or one of its children into a process group of the caller's session
    (Linux's rules: ESRCH not ours, EACCES child has exec'd, EPERM session leader, other session,
    or no such group in the session)."""
    me, k = t.proc, t.kernel
    pid, pgid = as_int(pid), as_int(pgid)
    if pgid < 0:
        raise Errno(EINVAL)
    target = me if pid in (0, me.pid) else k.processes.get(pid)
    if target is None or target.zombie or (target is not me and target.parent is not me):
        raise Errno(ESRCH)
    if target is not me:
        if target.sid != me.sid:
            raise Errno(EPERM)
        if target.did_exec:
            raise Errno(EACCES)
    if target.sid == target.pid:
        raise Errno(EPERM)
    pgid = pgid or target.pid
    # (a group lives while any member, zombies not yet reaped included, has its id)
    if pgid != target.pid and not any(q.pgid == pgid and q.sid == me.sid
                                      for q in k.processes.values()):
        raise Errno(EPERM)
    target.pgid = pgid
    return 0


def _proc(t, pid):
    pid = as_int(pid)
    if pid == 0:
        return t.proc
    p = t.kernel.processes.get(pid)
    if p is None or pid < 0:
        raise Errno(ESRCH)
    return p


def sys_set_tid_address(t, tidptr):
    t.clear_child_tid = tidptr
    return t.tid


def sys_set_robust_list(t, head, length):
    if length != 3 * long_bytes(t.kernel.abi):      # struct robust_list_head: 3 longs
        raise Errno(EINVAL)
    t.robust_list = head
    return 0


def sys_get_robust_list(t, pid, head_ptr, len_ptr):
    pid = as_int(pid)
    target = t if pid == 0 else t.kernel.threads.get(pid)
    if target is None:
        raise Errno(ESRCH)
    word = fmt(t.kernel.abi, "<L")
    t.proc.mm.write(head_ptr, struct.pack(word, target.robust_list))
    t.proc.mm.write(len_ptr, struct.pack(word, 3 * long_bytes(t.kernel.abi)))
    return 0


def sys_rseq(t, area, size, flags, sig):
    """Refused on purpose. glibc 2.35+ registers a restartable-sequence area for each thread it
    starts, on the ports that define an RSEQ_SIG (not every port does); refused, it leaves
    __rseq_size 0 and its sched_getcpu asks getcpu(2) instead. Accepting the area would oblige
    the kernel to keep the area's cpu_id current at every return to the thread and to move the
    pc to the abort handler of a critical section that is preempted or signalled. A row of its
    own, so the refusal is listed (`jitvm syscalls`) and not logged as an unknown call."""
    raise Errno(ENOSYS)


def _rlimit(t, resource, new, old, compat=False):
    """prlimit64's work (struct rlimit64: two u64), or with `compat` getrlimit/setrlimit's on a
    32-bit ABI: two unsigned longs, RLIM_INFINITY its own (abi.RLIM_INFINITY) and larger limits
    reported as it (Linux's compat_getrlimit)."""
    abi = t.kernel.abi
    names = getattr(abi, "RLIMIT_NAMES", RLIMIT_NAMES)      # the ABI's numbering
    if not 0 <= resource < len(names):
        raise Errno(EINVAL)
    resource = RLIMIT_NAMES.index(names[resource])
    mm, layout, inf = t.proc.mm, "<QQ", RLIM_INFINITY
    if compat and long_bytes(abi) == 4:
        layout, inf = "<II", abi.RLIM_INFINITY
    if old:
        mm.write(old, struct.pack(layout, *(min(v, inf) for v in t.proc.rlimits[resource])))
    if new:
        cur, mx = (RLIM_INFINITY if v == inf else v
                   for v in struct.unpack(layout, mm.read(new, struct.calcsize(layout))))
        if cur > mx:
            raise Errno(EINVAL)
        if mx > t.proc.rlimits[resource][1] and t.proc.creds.euid != 0:
            raise Errno(EPERM)
        t.proc.rlimits[resource] = (cur, mx)
    return 0


def sys_prlimit64(t, pid, resource, new, old):
    if pid not in (0, t.proc.pid):
        raise Errno(ESRCH) if pid not in t.kernel.processes else Errno(EPERM)
    return _rlimit(t, resource, new, old)


def sys_getrlimit(t, resource, old):
    return _rlimit(t, resource, 0, old, compat=True)


def sys_setrlimit(t, resource, new):
    return _rlimit(t, resource, new, 0, compat=True)


def sys_umask(t, mask):
    old, t.proc.umask = t.proc.umask, mask & 0o777
    return old


def sys_uname(t, buf):
    k = t.kernel
    fields = ("Linux", k.hostname, params.KERNEL_RELEASE, "#1 SMP jitvm",
              k.abi.UNAME_MACHINE, getattr(k, "domainname", "(none)"))
    t.proc.mm.write(buf, b"".join(f.encode().ljust(65, b"\0") for f in fields))
    return 0


def _uts_name(t, name, length):
    if t.proc.creds.euid != 0:
        raise Errno(EPERM)
    if not 0 <= length <= 64:
        raise Errno(EINVAL)
    return t.proc.mm.read(name, length).split(b"\0")[0].decode(errors="replace")


def sys_sethostname(t, name, length):
    t.kernel.hostname = _uts_name(t, name, length)
    return 0


def sys_setdomainname(t, name, length):
    t.kernel.domainname = _uts_name(t, name, length)
    return 0


def sys_sysinfo(t, buf):
    k = t.kernel
    frames = k.frames
    total = frames.nframes * params.PAGE_SIZE
    free = frames.free_count * params.PAGE_SIZE
    uptime = int(k.uptime())
    # struct sysinfo: long uptime; unsigned long loads[3], 6 memory sizes; u16 procs (padded to
    # a long); unsigned long totalhigh, freehigh; u32 mem_unit; char _f[20 - 2 * long - 4]
    word = long_bytes(k.abi)
    layout = fmt(k.abi, f"<l3L6LH{word - 2}xLLI{20 - 2 * word - 4}x")
    data = struct.pack(layout, uptime, 0, 0, 0, total, free, 0, 0, 0, 0,
                       len(k.processes), 0, 0, 1)
    t.proc.mm.write(buf, data.ljust(-(-len(data) // word) * word, b"\0"))
    return 0


def sys_getrandom(t, buf, count, flags):
    if count < 0:
        raise Errno(EINVAL)
    count = min(count, 1 << 25)
    t.proc.mm.write(buf, os.urandom(count))
    return count


PR_SET_NAME, PR_GET_NAME = 15, 16


def sys_prctl(t, option, a2, a3, a4, a5):
    if option == PR_SET_NAME:
        t.proc.comm = t.proc.mm.read_cstr(a2, 16)[:15].decode(errors="replace")
        return 0
    if option == PR_GET_NAME:
        t.proc.mm.write(a2, t.proc.comm.encode()[:15].ljust(16, b"\0"))
        return 0
    raise Errno(EINVAL)


def _thread(t, tid):
    """The thread `tid` names for the sched_* calls (0: the caller)."""
    tid = as_int(tid)
    if tid == 0:
        return t
    target = t.kernel.threads.get(tid)
    if target is None or tid < 0:
        raise Errno(ESRCH)
    return target


def _all_cpus(t):
    return (1 << len(t.kernel.sched.cpus)) - 1


def sys_sched_getaffinity(t, tid, size, mask):
    target = _thread(t, tid)
    nbytes = max(8, (len(t.kernel.sched.cpus) + 63) // 64 * 8)
    if size < nbytes or size & 7:
        raise Errno(EINVAL)
    t.proc.mm.write(mask, (target.affinity & _all_cpus(t)).to_bytes(nbytes, "little"))
    return nbytes


def sys_sched_setaffinity(t, tid, size, mask):
    """The new mask takes effect when the thread next leaves a CPU: every trap does, and the
    scheduler then queues it on a CPU the mask allows."""
    target = _thread(t, tid)
    want = int.from_bytes(t.proc.mm.read(mask, min(as_int(size), 128)), "little") & _all_cpus(t)
    if not want:
        raise Errno(EINVAL)
    target.affinity = want
    return 0


def sys_sched_yield(t):
    return 0        # every system call ends the caller's turn on its CPU (kernel/sched.py)


def sys_getcpu(t, cpu, node, cache):
    if cpu:
        t.proc.mm.write(cpu, struct.pack("<I", t.last_cpu))
    if node:
        t.proc.mm.write(node, struct.pack("<I", 0))
    return 0


SYSCALLS = {
    "getpid": (sys_getpid, ""), "getppid": (sys_getppid, ""), "gettid": (sys_gettid, ""),
    "getuid": (sys_getuid, ""), "geteuid": (sys_geteuid, ""), "getgid": (sys_getgid, ""),
    "getegid": (sys_getegid, ""), "getresuid": (sys_getresuid, "ptr ptr ptr"),
    "getresgid": (sys_getresgid, "ptr ptr ptr"), "setuid": (sys_setuid, "int"),
    "setgid": (sys_setgid, "int"), "setresuid": (sys_setresuid, "int int int"),
    "setresgid": (sys_setresgid, "int int int"), "setreuid": (sys_setreuid, "int int"),
    "setregid": (sys_setregid, "int int"), "getgroups": (sys_getgroups, "int ptr"),
    "setgroups": (sys_setgroups, "int ptr"), "getrusage": (sys_getrusage, "int ptr"),
    "setfsuid": (sys_setfsuid, "int"), "setfsgid": (sys_setfsgid, "int"),
    "setdomainname": (sys_setdomainname, "ptr int"), "setsid": (sys_setsid, ""),
    "getsid": (sys_getsid, "int"), "getpgid": (sys_getpgid, "int"),
    "setpgid": (sys_setpgid, "int int"),
    "set_tid_address": (sys_set_tid_address, "ptr"),
    "set_robust_list": (sys_set_robust_list, "ptr size"),
    "get_robust_list": (sys_get_robust_list, "int ptr ptr"),
    "prlimit64": (sys_prlimit64, "int int ptr ptr"), "getrlimit": (sys_getrlimit, "int ptr"),
    "setrlimit": (sys_setrlimit, "int ptr"), "umask": (sys_umask, "mode"),
    "uname": (sys_uname, "ptr"), "sethostname": (sys_sethostname, "str size"),
    "sysinfo": (sys_sysinfo, "ptr"),
    "getrandom": (sys_getrandom, "ptr size hex"), "prctl": (sys_prctl, "int hex hex hex hex"),
    "sched_getaffinity": (sys_sched_getaffinity, "int size ptr"),
    "sched_setaffinity": (sys_sched_setaffinity, "int size ptr"),
    "sched_yield": (sys_sched_yield, ""), "getcpu": (sys_getcpu, "ptr ptr ptr"),
    "rseq": (sys_rseq, "ptr size hex hex"),
}
STUBS = {"rseq"}
