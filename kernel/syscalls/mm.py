"""Memory family: the program break and memory mappings.

Implemented: brk mmap munmap mprotect mremap madvise msync mlock munlock mlockall munlockall.
Partial: MAP_SHARED file mappings are private copies (writes do not reach the file yet).
Stubs: madvise, msync, mlock* -> 0.
"""
from kernel.errno import EBADF, EEXIST, EINVAL, ENOMEM, Errno
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.vm import PAGE, page_up

PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS = 0x1, 0x2, 0x10, 0x20
MAP_FIXED_NOREPLACE = 0x100000
MREMAP_MAYMOVE, MREMAP_FIXED = 1, 2


def perm_of(prot):
    """PROT_* to page permissions; write implies read, as on every Linux port."""
    return ((PTE_R if prot & (PROT_READ | PROT_WRITE) else 0) | (PTE_W if prot & PROT_WRITE else 0)
            | (PTE_X if prot & PROT_EXEC else 0))


class FileBacking:
    """Lets a VMA page in data from an open file. It holds a reference to the open file, so
    closing the descriptor after mmap (as loaders do) keeps the mapping readable; the reference
    is dropped when the last VMA using it goes (Python's refcounting makes that prompt)."""

    def __init__(self, f):
        self.f, self.name = f.get(), getattr(f, "path", "")

    def pread(self, size, offset):
        return self.f.pread(size, offset)

    def __del__(self):
        self.f.put()


def sys_brk(t, addr):
    return t.proc.mm.set_brk(addr)


def sys_mmap(t, addr, length, prot, flags, fd, offset):
    mm = t.proc.mm
    if length <= 0 or offset & (PAGE - 1) or not flags & (MAP_SHARED | MAP_PRIVATE):
        raise Errno(EINVAL)
    if page_up(length) > (1 << 46):
        raise Errno(ENOMEM)
    backing, name = None, ""
    if not flags & MAP_ANONYMOUS:
        f = t.proc.fds.get(fd)
        if f is None:
            raise Errno(EBADF)
        backing = FileBacking(f)
        name = backing.name
    fixed = bool(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
    if flags & MAP_FIXED_NOREPLACE and not mm._is_free(addr, page_up(length)):
        raise Errno(EEXIST)
    shared = bool(flags & MAP_SHARED) and backing is None
    return mm.mmap(addr, length, perm_of(prot), fixed, backing, offset, shared, name)


def sys_munmap(t, addr, length):
    t.proc.mm.munmap(addr, length)
    return 0


def sys_mprotect(t, addr, length, prot):
    t.proc.mm.mprotect(addr, length, perm_of(prot))
    return 0


def sys_mremap(t, old, old_len, new_len, flags, new_addr):
    """Grow/shrink in place when possible, else move (copying the contents)."""
    mm = t.proc.mm
    if old & (PAGE - 1) or new_len <= 0:
        raise Errno(EINVAL)
    old_len, new_len = page_up(old_len), page_up(new_len)
    vma = mm.find(old)
    if vma is None:
        raise Errno(EINVAL)
    if new_len <= old_len:
        if new_len < old_len:
            mm.munmap(old + new_len, old_len - new_len)
        return old
    if mm._is_free(old + old_len, new_len - old_len) and not flags & MREMAP_FIXED:
        mm.mmap(old + old_len, new_len - old_len, vma.perm, True, None, 0, vma.shared, vma.name)
        return old
    if not flags & MREMAP_MAYMOVE:
        raise Errno(ENOMEM)
    dest = new_addr if flags & MREMAP_FIXED else mm.free_area(new_len)
    data = mm.read(old, old_len)
    mm.mmap(dest, new_len, vma.perm | PTE_W, True, None, 0, vma.shared, vma.name)
    mm.write(dest, data)
    mm.mprotect(dest, new_len, vma.perm)
    mm.munmap(old, old_len)
    return dest


def sys_madvise(t, addr, length, advice):
    return 0


def sys_msync(t, addr, length, flags):
    return 0


def sys_mlock(t, addr, length):
    return 0


def sys_munlock(t, addr, length):
    return 0


def sys_mlockall(t, flags):
    return 0


def sys_munlockall(t):
    return 0


SYSCALLS = {
    "brk": (sys_brk, "ptr"),
    "mmap": (sys_mmap, "ptr size prot mapflags fd hex"),
    "munmap": (sys_munmap, "ptr size"),
    "mprotect": (sys_mprotect, "ptr size prot"),
    "mremap": (sys_mremap, "ptr size size hex ptr"),
    "madvise": (sys_madvise, "ptr size int"),
    "msync": (sys_msync, "ptr size hex"),
    "mlock": (sys_mlock, "ptr size"), "munlock": (sys_munlock, "ptr size"),
    "mlockall": (sys_mlockall, "hex"), "munlockall": (sys_munlockall, ""),
}
