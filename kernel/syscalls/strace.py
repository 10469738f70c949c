"""`--strace`: one line per system call with decoded arguments and result, as strace prints it.

Each syscall row names its argument kinds (see kernel/syscalls/__init__.py); this module turns
raw register values into text by kind. Buffers are shown after the call, so read() shows the data
it returned.
"""
from kernel.errno import NAMES as ERRNO_NAMES

_FLAGS = {
    "oflags": [(0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"),
               (0o2000, "O_APPEND"), (0o4000, "O_NONBLOCK"), (0o200000, "O_DIRECTORY"),
               (0o400000, "O_NOFOLLOW"), (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH")],
    "prot": [(1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC")],
    "mapflags": [(1, "MAP_SHARED"), (2, "MAP_PRIVATE"), (0x10, "MAP_FIXED"),
                 (0x20, "MAP_ANONYMOUS"), (0x100, "MAP_GROWSDOWN"), (0x4000, "MAP_NORESERVE"),
                 (0x20000, "MAP_STACK"), (0x100000, "MAP_FIXED_NOREPLACE")],
    "atflags": [(0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"),
                (0x400, "AT_SYMLINK_FOLLOW"), (0x1000, "AT_EMPTY_PATH")],
}
_WHENCE = {0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END"}
_IOCTLS = {0x5401: "TCGETS", 0x5402: "TCSETS", 0x5403: "TCSETSW", 0x5404: "TCSETSF",
           0x540F: "TIOCGPGRP", 0x5410: "TIOCSPGRP", 0x5413: "TIOCGWINSZ", 0x5414: "TIOCSWINSZ"}


def _quote(b, limit=32):
    s = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else
                {"\n": "\\n", "\t": "\\t", '"': '\\"', "\\": "\\\\"}.get(c, f"\\x{ord(c):02x}")
                for c in b[:limit].decode("latin-1"))
    return f'"{s}"' + ("..." if len(b) > limit else "")


def _flags(kind, v):
    names, rest = [], v
    if kind == "oflags":
        names.append(("O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE")[v & 3])
        rest &= ~3
    for bit, name in _FLAGS[kind]:
        if rest & bit:
            names.append(name)
            rest &= ~bit
    if rest or not names:
        names.append(hex(rest))
    return "|".join(names)


def format_arg(mm, kind, v, args, result):
    s32 = (v & 0xFFFFFFFF) - ((v & 0x80000000) << 1)
    try:
        if kind in ("fd", "int"):
            return str(s32)
        if kind == "dirfd":
            return "AT_FDCWD" if s32 == -100 else str(s32)
        if kind in ("path", "str"):
            return _quote(mm.read_cstr(v), 4096) if v else "NULL"
        if kind.startswith("buf:"):
            n = args[int(kind[4:])]
            shown = result if isinstance(result, int) and result >= 0 else n
            return _quote(mm.read(v, min(max(shown, 0), 64)))
        if kind in ("ptr", "hex"):
            return hex(v & (1 << 64) - 1) if v else ("NULL" if kind == "ptr" else "0")
        if kind in ("size", "uint"):
            return str(v & (1 << 64) - 1)
        if kind == "mode":
            return f"0{v & 0o7777:o}"
        if kind in _FLAGS:
            return _flags(kind, v)
        if kind == "whence":
            return _WHENCE.get(v, str(v))
        if kind == "ioctl":
            return _IOCTLS.get(v & 0xFFFFFFFF, hex(v))
    except Exception:       # an unreadable guest pointer: show the pointer itself
        return hex(v & (1 << 64) - 1)
    return str(v)


def format_call(mm, name, kinds, args, result):
    kinds = kinds.split()
    shown = ", ".join(format_arg(mm, k, a, args, result) for k, a in zip(kinds, args))
    if result is None:
        res = "?"
    elif isinstance(result, int) and -4096 < result < 0:
        e = -result
        res = f"-1 {ERRNO_NAMES.get(e, e)} ({_strerror(e)})"
    elif kinds and name in ("mmap", "brk", "mremap"):
        res = hex(result)
    else:
        res = str(result)
    return f"{name}({shown}) = {res}"


def _strerror(e):
    import os
    return os.strerror(e)
