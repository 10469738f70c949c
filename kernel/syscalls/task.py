"""Task family: identity, credentials, limits, exit.

Implemented: exit exit_group getpid getppid gettid getuid geteuid getgid getegid getresuid
getresgid setuid setgid setresuid setresgid setreuid setregid getgroups setgroups setsid getsid
getpgid setpgid set_tid_address set_robust_list get_robust_list prlimit64 getrlimit setrlimit
umask uname sysinfo getrandom prctl sched_getaffinity sched_yield getcpu kill tgkill tkill.
Stubs (the signal stage replaces them): rt_sigaction, rt_sigprocmask, sigaltstack -> 0.
"""
import os
import struct

from kernel import params
from kernel.errno import EINVAL, EPERM, ESRCH, Errno
from kernel.process import RLIM_INFINITY, RLIMIT_NAMES


def sys_exit(t, status):
    # single-threaded processes: the last thread's exit ends the process
    t.kernel.exit_process(t.proc, status & 0xFF)
    return 0


def sys_exit_group(t, status):
    t.kernel.exit_process(t.proc, status & 0xFF)
    return 0


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


def sys_getgroups(t, size, lst):
    return 0                               # no supplementary groups


def sys_setgroups(t, size, lst):
    if t.proc.creds.euid != 0:
        raise Errno(EPERM)
    return 0


def sys_setsid(t):
    p = t.proc
    if p.pgid == p.pid:
        raise Errno(EPERM)
    p.sid = p.pgid = p.pid
    return p.sid


def sys_getsid(t, pid):
    return _proc(t, pid).sid


def sys_getpgid(t, pid):
    return _proc(t, pid).pgid


def sys_setpgid(t, pid, pgid):
    p = _proc(t, pid)
    p.pgid = pgid or p.pid
    return 0


def _proc(t, pid):
    if pid == 0:
        return t.proc
    p = t.kernel.processes.get(pid)
    if p is None:
        raise Errno(ESRCH)
    return p


def sys_set_tid_address(t, tidptr):
    t.clear_child_tid = tidptr
    return t.tid


def sys_set_robust_list(t, head, length):
    if length != 24:
        raise Errno(EINVAL)
    t.robust_list = head
    return 0


def sys_get_robust_list(t, pid, head_ptr, len_ptr):
    t.proc.mm.write_u64(head_ptr, t.robust_list)
    t.proc.mm.write_u64(len_ptr, 24)
    return 0


def _rlimit(t, resource, new, old):
    if not 0 <= resource < len(RLIMIT_NAMES):
        raise Errno(EINVAL)
    mm = t.proc.mm
    if old:
        mm.write(old, struct.pack("<QQ", *t.proc.rlimits[resource]))
    if new:
        cur, mx = struct.unpack("<QQ", mm.read(new, 16))
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
    return _rlimit(t, resource, 0, old)


def sys_setrlimit(t, resource, new):
    return _rlimit(t, resource, new, 0)


def sys_umask(t, mask):
    old, t.proc.umask = t.proc.umask, mask & 0o777
    return old


def sys_uname(t, buf):
    k = t.kernel
    fields = ("Linux", params.HOSTNAME, params.KERNEL_RELEASE, "#1 SMP jitvm",
              k.abi.UNAME_MACHINE, "(none)")
    t.proc.mm.write(buf, b"".join(f.encode().ljust(65, b"\0") for f in fields))
    return 0


def sys_sysinfo(t, buf):
    k = t.kernel
    frames = k.frames
    total = frames.nframes * params.PAGE_SIZE
    free = frames.free_count * params.PAGE_SIZE
    uptime = int(k.uptime())
    data = struct.pack("<q3Q6QH6xQQI", uptime, 0, 0, 0, total, free, 0, 0, 0, 0,
                       len(k.processes), 0, 0, 1)
    t.proc.mm.write(buf, data.ljust(112, b"\0"))
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


def sys_sched_getaffinity(t, pid, size, mask):
    n = len(t.kernel.machine.cpus)
    nbytes = max(8, (n + 63) // 64 * 8)
    if size < nbytes:
        raise Errno(EINVAL)
    t.proc.mm.write(mask, ((1 << n) - 1).to_bytes(nbytes, "little"))
    return nbytes


def sys_sched_yield(t):
    return 0


def sys_getcpu(t, cpu, node, cache):
    if cpu:
        t.proc.mm.write(cpu, struct.pack("<I", 0))
    if node:
        t.proc.mm.write(node, struct.pack("<I", 0))
    return 0


def _signal(t, pid, sig):
    if not 0 <= sig <= 64:
        raise Errno(EINVAL)
    p = t.kernel.processes.get(pid)
    if p is None:
        raise Errno(ESRCH)
    if sig:
        t.kernel.deliver_default(p, sig)
    return 0


def sys_kill(t, pid, sig):
    return _signal(t, t.proc.pid if pid in (0, -1) else abs(pid), sig)


def sys_tgkill(t, tgid, tid, sig):
    return _signal(t, tgid, sig)


def sys_tkill(t, tid, sig):
    return _signal(t, t.proc.pid, sig)


def sys_rt_sigaction(t, sig, act, oldact, sigsetsize):
    if oldact:
        t.proc.mm.write(oldact, bytes(32))
    return 0


def sys_rt_sigprocmask(t, how, nset, oset, sigsetsize):
    if oset:
        t.proc.mm.write(oset, bytes(8))
    return 0


def sys_sigaltstack(t, ss, old_ss):
    if old_ss:
        t.proc.mm.write(old_ss, struct.pack("<QiiQ", 0, 2, 0, 0))    # SS_DISABLE
    return 0


SYSCALLS = {
    "exit": (sys_exit, "int"), "exit_group": (sys_exit_group, "int"),
    "getpid": (sys_getpid, ""), "getppid": (sys_getppid, ""), "gettid": (sys_gettid, ""),
    "getuid": (sys_getuid, ""), "geteuid": (sys_geteuid, ""), "getgid": (sys_getgid, ""),
    "getegid": (sys_getegid, ""), "getresuid": (sys_getresuid, "ptr ptr ptr"),
    "getresgid": (sys_getresgid, "ptr ptr ptr"), "setuid": (sys_setuid, "int"),
    "setgid": (sys_setgid, "int"), "setresuid": (sys_setresuid, "int int int"),
    "setresgid": (sys_setresgid, "int int int"), "setreuid": (sys_setreuid, "int int"),
    "setregid": (sys_setregid, "int int"), "getgroups": (sys_getgroups, "int ptr"),
    "setgroups": (sys_setgroups, "int ptr"), "setsid": (sys_setsid, ""),
    "getsid": (sys_getsid, "int"), "getpgid": (sys_getpgid, "int"),
    "setpgid": (sys_setpgid, "int int"),
    "set_tid_address": (sys_set_tid_address, "ptr"),
    "set_robust_list": (sys_set_robust_list, "ptr size"),
    "get_robust_list": (sys_get_robust_list, "int ptr ptr"),
    "prlimit64": (sys_prlimit64, "int int ptr ptr"), "getrlimit": (sys_getrlimit, "int ptr"),
    "setrlimit": (sys_setrlimit, "int ptr"), "umask": (sys_umask, "mode"),
    "uname": (sys_uname, "ptr"), "sysinfo": (sys_sysinfo, "ptr"),
    "getrandom": (sys_getrandom, "ptr size hex"), "prctl": (sys_prctl, "int hex hex hex hex"),
    "sched_getaffinity": (sys_sched_getaffinity, "int size ptr"),
    "sched_yield": (sys_sched_yield, ""), "getcpu": (sys_getcpu, "ptr ptr ptr"),
    "kill": (sys_kill, "int int"), "tgkill": (sys_tgkill, "int int int"),
    "tkill": (sys_tkill, "int int"),
    # stubs until signal delivery exists
    "rt_sigaction": (sys_rt_sigaction, "int ptr ptr size"),
    "rt_sigprocmask": (sys_rt_sigprocmask, "int ptr ptr size"),
    "sigaltstack": (sys_sigaltstack, "ptr ptr"),
}
