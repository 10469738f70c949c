"""Memory family: the program break and memory mappings.

Implemented: brk mmap munmap mprotect mremap madvise msync mlock munlock mlockall munlockall
riscv_flush_icache mincore membarrier memfd_create (a file in a kernel-private tmpfs; no seals:
MFD_ALLOW_SEALING is accepted, F_ADD_SEALS is not implemented).
MAP_SHARED file mappings go through the page cache (kernel/pagecache.py): every mapping of a file
page shares one frame, and the data is written back on msync, munmap and the last unmap (exit).
Partial: mremap of a shared file mapping grows or moves it as anonymous memory.
Stubs: madvise, mlock* (mlock2 too) -> 0: nothing is ever paged out.
"""
import itertools
import os

from kernel.errno import EACCES, EEXIST, EINVAL, ENODEV, ENOMEM, EPERM, Errno
from kernel.pagecache import SharedFileBacking
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.tmpfs import TmpFS
from kernel.uapi import O_RDWR, map_flags_in
from kernel.vm import PAGE, page_up

PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS = 0x1, 0x2, 0x10, 0x20
MAP_FIXED_NOREPLACE = 0x100000
MREMAP_MAYMOVE, MREMAP_FIXED = 1, 2
MLOCK_ONFAULT = 1
MS_ASYNC, MS_INVALIDATE, MS_SYNC = 1, 2, 4


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

    def beyond_eof(self, offset):
        """The page at file offset `offset` lies wholly past the end: SIGBUS (kernel/vm.py)."""
        return offset >= self.f.size()

    def __del__(self):
        self.f.put()


def sys_brk(t, addr):
    return t.proc.mm.set_brk(addr)


def sys_mmap(t, addr, length, prot, flags, fd, offset):
    mm, flags = t.proc.mm, map_flags_in(t.kernel.abi, flags)
    if length <= 0 or offset & (PAGE - 1) or not flags & (MAP_SHARED | MAP_PRIVATE):
        raise Errno(EINVAL)
    if page_up(length) > (1 << 46):
        raise Errno(ENOMEM)
    backing, name = None, ""
    shared_file = flags & MAP_SHARED and not flags & MAP_ANONYMOUS
    if not flags & MAP_ANONYMOUS:
        f = t.proc.fds.get(fd)
        if not f.seekable or f.loc is not None and f.loc.inode.is_dir:
            raise Errno(ENODEV)     # pipes, epoll, directories: nothing to map
        if not f.readable or shared_file and prot & PROT_WRITE and not f.writable:
            raise Errno(EACCES)
        backing = SharedFileBacking(f, mm.frames) if shared_file else FileBacking(f)
        name = backing.name
    fixed = bool(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
    if flags & MAP_FIXED_NOREPLACE and not mm._is_free(addr, page_up(length)):
        raise Errno(EEXIST)
    perm = perm_of(prot)
    start = mm.mmap(addr, length, perm, fixed, backing, offset, bool(flags & MAP_SHARED), name)
    if shared_file:
        backing.map_pages(mm, start, start + page_up(length), offset, perm)
    return start


def _sync_shared(mm, start, end):
    """Write back the shared file mappings that overlap [start, end)."""
    for v in mm.vmas:
        if v.start < end and start < v.end and isinstance(v.backing, SharedFileBacking):
            v.backing.sync()


def sys_munmap(t, addr, length):
    if length > 0:
        _sync_shared(t.proc.mm, addr, addr + page_up(length))
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
    if addr & (PAGE - 1) or flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) or \
            flags & MS_ASYNC and flags & MS_SYNC:
        raise Errno(EINVAL)
    mm, end = t.proc.mm, addr + page_up(length)
    if sum(min(v.end, end) - max(v.start, addr) for v in mm.vmas
           if v.start < end and addr < v.end) != end - addr:
        raise Errno(ENOMEM)         # some of the range is not mapped
    _sync_shared(mm, addr, end)     # MS_ASYNC too: there is no flusher thread to leave it to
    return 0


def sys_mlock(t, addr, length):
    return 0


def sys_munlock(t, addr, length):
    return 0


def sys_mlockall(t, flags):
    return 0


def sys_munlockall(t):
    return 0


def sys_mlock2(t, addr, length, flags):
    if flags & ~MLOCK_ONFAULT:
        raise Errno(EINVAL)
    return 0


def sys_mincore(t, addr, length, vec):
    """One byte per page of [addr, addr+length): 1 if resident. ENOMEM where nothing is mapped."""
    mm = t.proc.mm
    if addr & (PAGE - 1):
        raise Errno(EINVAL)
    end = addr + page_up(length)
    if any(mm.find(va) is None for va in range(addr, end, PAGE)):
        raise Errno(ENOMEM)
    t.proc.mm.write(vec, bytes(int(mm.pt.lookup(va) is not None) for va in range(addr, end, PAGE)))
    return 0


MEMBARRIER_QUERY, MEMBARRIER_GLOBAL = 0, 1
MEMBARRIER_PRIVATE_EXPEDITED, MEMBARRIER_REGISTER_PRIVATE_EXPEDITED = 8, 16


def sys_membarrier(t, cmd, flags, cpu_id):
    """Every vCPU running this address space has passed a full barrier when it returns: the
    kernel lock this call holds is one, and each CPU takes it before it next runs guest code."""
    supported = (MEMBARRIER_GLOBAL | MEMBARRIER_PRIVATE_EXPEDITED
                 | MEMBARRIER_REGISTER_PRIVATE_EXPEDITED)
    if cmd == MEMBARRIER_QUERY:
        return supported
    if flags or cmd not in (MEMBARRIER_GLOBAL, MEMBARRIER_PRIVATE_EXPEDITED,
                            MEMBARRIER_REGISTER_PRIVATE_EXPEDITED):
        raise Errno(EINVAL)
    mm = t.proc.mm
    if cmd == MEMBARRIER_REGISTER_PRIVATE_EXPEDITED:
        mm.membarrier_registered = True
    elif cmd == MEMBARRIER_PRIVATE_EXPEDITED and not getattr(mm, "membarrier_registered", False):
        raise Errno(EPERM)
    else:
        mm.flush_tlbs()                 # interrupts the other CPUs running it: they stop and
    return 0                            # come back through the kernel


MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB = 1, 2, 4
_memfds = itertools.count()


def sys_memfd_create(t, name, flags):
    if flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING):
        raise Errno(EINVAL)             # (MFD_HUGETLB: no huge pages here)
    label = os.fsdecode(t.proc.mm.read_cstr(name, 250))
    k = t.kernel
    fs = getattr(k, "memfd_fs", None)
    if fs is None:
        fs = k.memfd_fs = TmpFS(max_bytes=len(k.machine.mem8))
    entry = f"memfd{next(_memfds)}"
    f = fs.root.create(entry, 0o777).open(O_RDWR)
    fs.root.unlink(entry)       # nameless: it lives while a descriptor or mapping holds it
    f.flags, f.link_name = O_RDWR, f"/memfd:{label} (deleted)"
    return t.proc.fds.install(f, cloexec=bool(flags & MFD_CLOEXEC))


def sys_flush_icache(t, start, end, flags):
    """Code was written (a JIT, a loader): every CPU drops its translations of this address
    space -- the one running the caller at once, the others before they next run guest code in
    it (they are interrupted now). The row below carries the one ISA name for this call that
    an ABI's table uses (riscv64's); ISAs without it never reach it."""
    mm = t.proc.mm
    mm.code_gen += 1
    mm.flush_tlbs()
    return 0


STUBS = {"madvise", "mlock", "munlock", "mlockall", "munlockall", "mlock2"}
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
    "riscv_flush_icache": (sys_flush_icache, "ptr ptr hex"),
    "mlock2": (sys_mlock2, "ptr size hex"), "mincore": (sys_mincore, "ptr size ptr"),
    "membarrier": (sys_membarrier, "int hex int"), "memfd_create": (sys_memfd_create, "path hex"),
}
