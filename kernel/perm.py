"""Permission checks on files, as Linux's fs/namei.c generic_permission and its callers.

Who asks: the caller's Credentials (kernel/process.py): its fs ids (the effective ones unless
setfsuid/setfsgid changed them), plus its supplementary groups. Root (fsuid 0) has the
capabilities Linux grants it: CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (read, write and search
anything; execute a file only if some x bit is set), CAP_FOWNER (act as any file's owner: chmod, utimes, sticky directories),
CAP_CHOWN, CAP_FSETID and CAP_MKNOD.

What is checked where (the VFS and the system calls call these):
  every directory a path walk passes through   MAY_EXEC (search)          kernel/vfs.py walk
  open                                          MAY_READ / MAY_WRITE       may_open
  creating or removing a name                   MAY_WRITE|MAY_EXEC on the directory, and for
                                                removal the sticky-bit rule (may_delete)
  execve                                        MAY_EXEC on a regular file
  chmod, utimes to a given time                 owner or root (owner_or_root)
  chown                                         root; the owner may change the group to one of
                                                its own groups
"""
from kernel.errno import EACCES, EPERM, Errno
from kernel.uapi import S_IFDIR, S_IFMT, S_IFREG

MAY_EXEC, MAY_WRITE, MAY_READ = 1, 2, 4
S_ISUID, S_ISGID, S_ISVTX = 0o4000, 0o2000, 0o1000


def in_group(cred, gid):
    return gid == cred.fsgid or gid in cred.groups


def allowed(cred, st, mask, real=False):
    """Does `cred` have `mask` (MAY_* bits) on the file `st` (a uapi.Stat) describes? `real`:
    judge by the real ids, as access(2) does."""
    uid, gid = (cred.uid, cred.gid) if real else (cred.fsuid, cred.fsgid)
    if uid == 0:
        # CAP_DAC_OVERRIDE: anything, except executing a file no one may execute
        return not (mask & MAY_EXEC and st.mode & S_IFMT != S_IFDIR and not st.mode & 0o111)
    if uid == st.uid:
        bits = st.mode >> 6
    elif gid == st.gid or st.gid in cred.groups:
        bits = st.mode >> 3
    else:
        bits = st.mode
    return not mask & ~bits & 7


def check(cred, st, mask):
    """EACCES unless allowed. No credentials (cred None): the kernel itself, always allowed."""
    if cred is not None and not allowed(cred, st, mask):
        raise Errno(EACCES)


def is_owner(cred, st):
    return cred is None or cred.fsuid == 0 or cred.fsuid == st.uid


def owner_or_root(cred, st):
    """chmod, utimes with explicit times, ...: EPERM unless the owner or CAP_FOWNER."""
    if not is_owner(cred, st):
        raise Errno(EPERM)


def may_delete(cred, dir_st, st):
    """Removing or renaming away the name of `st` from the directory `dir_st`."""
    check(cred, dir_st, MAY_WRITE | MAY_EXEC)
    if dir_st.mode & S_ISVTX and not is_owner(cred, st) and not is_owner(cred, dir_st):
        raise Errno(EPERM)          # the sticky bit: only the file's or directory's owner


def may_exec(cred, st):
    if st.mode & S_IFMT != S_IFREG:
        raise Errno(EACCES)
    check(cred, st, MAY_EXEC)


def new_owner(cred, dir_st, mode):
    """(uid, gid, mode) of a file created in `dir_st`: the creator's ids, except that a setgid
    directory gives its group (and to a new directory its setgid bit)."""
    if cred is None:
        return 0, 0, mode
    gid = cred.fsgid
    if dir_st.mode & S_ISGID:
        gid = dir_st.gid
        if mode & S_IFMT == S_IFDIR:
            mode |= S_ISGID
    elif mode & S_ISGID and not in_group(cred, gid) and cred.fsuid != 0:
        mode &= ~S_ISGID
    return cred.fsuid, gid, mode


def chmod_mode(cred, st, mode):
    """The mode chmod really sets: without CAP_FSETID, a file whose group the caller is not in
    loses S_ISGID."""
    owner_or_root(cred, st)
    if cred is not None and cred.fsuid != 0 and not in_group(cred, st.gid):
        mode &= ~S_ISGID
    return mode


def check_chown(cred, st, uid, gid):
    """chown's rules (uid/gid -1: unchanged). Non-root: only the owner, only to its own uid, and
    only to a group it is in."""
    if cred is None or cred.fsuid == 0:
        return
    if uid != -1 and uid != st.uid or not is_owner(cred, st):
        raise Errno(EPERM)
    if gid != -1 and gid != st.gid and not in_group(cred, gid):
        raise Errno(EPERM)
