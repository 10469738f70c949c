"""Address spaces: VMAs over a page table, with demand paging and copy-on-write.

A Vma says what a range of user addresses *may* hold (permissions, anonymous or file data); pages
are only allocated when first touched, by `fault`. Whenever a mapping is removed or loses
permissions, `flush_tlbs` bumps `tlb_gen` (as Linux's mm->context.tlb_gen) -- every CPU flushes
its TLB before it next enters guest code in this address space -- and shoots down the CPUs running
it right now (`active_cpus`, Linux's mm_cpumask): they leave guest code before the change counts
as done, so a freed frame is never reused while a stale TLB entry still reaches it. `code_gen` is
bumped likewise when executable memory goes away, so stale translations are dropped.

fork() copies an address space lazily: private pages become read-only in both and share one
frame (a reference each); the first write faults and copies (`fault`). Shared anonymous memory
(MAP_SHARED|MAP_ANONYMOUS) lives in a SharedPages object that every VMA over it references, so a
page first touched after the fork is still the same page for parent and child.
"""
import bisect
import itertools
from dataclasses import dataclass, field, replace

import numpy as np

from jitvm.mmu import PTE_ADDR_MASK
from kernel import params
from kernel.errno import EFAULT, EINVAL, ENOMEM, Errno
from kernel.frames import OutOfMemory


class PastEndOfFile(Exception):
    """An access to a page of a file mapping that lies wholly past the file's end: SIGBUS
    (BUS_ADRERR) for the program, EFAULT for a system call."""
from kernel.pagetable import PTE_R, PTE_V, PTE_W, PTE_X, PageTable

PAGE = params.PAGE_SIZE
PERM_RWX = PTE_R | PTE_W | PTE_X
# Every address space starts its tlb_gen in its own range: a CPU decides whether to flush its TLB
# by comparing (page-table root, tlb_gen), and a new address space may get the root frame of one
# that just died -- with a generation of its own, the pair never matches a stale TLB.
_GENERATIONS = itertools.count(1)


def page_down(x):
    return x & ~(PAGE - 1)


def page_up(x):
    return (x + PAGE - 1) & ~(PAGE - 1)


class BytesBacking:
    """File data held in memory (an ELF image read once): pread like an open file."""

    def __init__(self, data, name=""):
        self.data, self.name = data, name

    def pread(self, size, offset):
        return self.data[offset:offset + size]


class SharedPages:
    """The memory object behind a shared anonymous mapping (Linux's shmem file): page index ->
    frame. It holds one reference per frame; each page-table mapping holds another. `users`
    counts the VMAs over it; the frames are released with the last."""

    name = "/dev/zero (deleted)"

    def __init__(self, frames):
        self.frames, self.pages, self.users = frames, {}, 1

    def frame(self, index):
        """The frame of page `index`, allocated zero-filled on first use."""
        pa = self.pages.get(index)
        if pa is None:
            pa = self.pages[index] = self.frames.alloc()
        return pa

    def detach(self):
        self.users -= 1
        if self.users == 0:
            for pa in self.pages.values():
                self.frames.put(pa)
            self.pages = {}


def _attach(backing):
    if isinstance(backing, SharedPages):
        backing.users += 1


@dataclass
class Vma:
    start: int
    end: int
    perm: int                   # PTE_R | PTE_W | PTE_X
    backing: object = None      # has pread(size, offset); None for anonymous memory
    offset: int = 0             # file offset of `start`
    file_bytes: int = 1 << 62   # file data covers [start, start+file_bytes); zeros after (bss)
    shared: bool = False
    name: str = ""              # shown in /proc/<pid>/maps

    def split(self, at):
        """Cut at `at`; self keeps the low part, the high part is returned."""
        delta = at - self.start
        hi = Vma(at, self.end, self.perm, self.backing, self.offset + delta,
                 max(0, self.file_bytes - delta), self.shared, self.name)
        _attach(self.backing)
        self.end = at
        self.file_bytes = min(self.file_bytes, delta)
        return hi


@dataclass
class AddressSpace:
    frames: object
    vmas: list = field(default_factory=list)      # sorted by start, non-overlapping
    brk_start: int = 0
    brk: int = 0
    mmap_top: int = params.MMAP_BASE
    task_size: int = params.TASK_SIZE      # user space ends here (the ABI's: params.address_space)
    stack_top: int = params.STACK_TOP
    tlb_gen: int = 0
    code_gen: int = 0
    users: int = 1          # processes using it (CLONE_VM without CLONE_THREAD: vfork)

    def __post_init__(self):
        self.pt = PageTable(self.frames)
        self.tlb_gen = next(_GENERATIONS) << 32
        self.code_caches = {}       # the engine's translations for this address space, per CPU
        self.active_cpus = set()    # CPUs running it now (kernel/sched.py's user_mode)

    def flush_tlbs(self):
        """Every TLB entry for this address space is stale from now on (see the docstring)."""
        self.tlb_gen += 1
        for cpu in list(self.active_cpus):
            cpu.shootdown()

    # ---- the VMA list ------------------------------------------------------------------------
    def find(self, va):
        i = bisect.bisect_right([v.start for v in self.vmas], va) - 1
        if i >= 0 and self.vmas[i].start <= va < self.vmas[i].end:
            return self.vmas[i]
        return None

    def _split_at(self, addr):
        v = self.find(addr)
        if v is not None and v.start < addr:
            self.vmas.insert(self.vmas.index(v) + 1, v.split(addr))

    def _range(self, start, end):
        """The VMAs inside [start, end), split so they fit exactly."""
        self._split_at(start)
        self._split_at(end)
        return [v for v in self.vmas if start <= v.start and v.end <= end]

    def add(self, vma):
        self._unmap_range(vma.start, vma.end)
        bisect.insort(self.vmas, vma, key=lambda v: v.start)
        return vma

    # ---- faults ------------------------------------------------------------------------------
    def fault(self, va, access):
        """Make va accessible for `access` (PTE_R/W/X) if a VMA allows it. False means SIGSEGV.
        Raises OutOfMemory when no frame is left, PastEndOfFile for SIGBUS."""
        vma = self.find(va)
        if vma is None or not (vma.perm & access):
            return False
        page = page_down(va)
        cur = self.pt.lookup(page)
        if cur is None and vma.backing is not None and getattr(vma.backing, "beyond_eof", None) \
                and vma.backing.beyond_eof(vma.offset + page - vma.start):
            raise PastEndOfFile()
        if cur is None and isinstance(vma.backing, SharedPages):
            pa = vma.backing.frame((vma.offset + page - vma.start) // PAGE)
            self.frames.get(pa)
            self.pt.map(page, pa, vma.perm)
        elif cur is None:
            pa = self.frames.alloc(zero=False)
            self._fill(vma, page, pa)
            self.pt.map(page, pa, vma.perm)
        elif access == PTE_W and not (cur[1] & PTE_W):
            pa = cur[0]
            if self.frames.shared(pa) and not vma.shared:      # copy-on-write
                new = self.frames.alloc(zero=False)
                m = self.frames.mem8
                m[new:new + PAGE] = m[pa:pa + PAGE]
                self.frames.put(pa)
                pa = new
            self.pt.map(page, pa, vma.perm)
            self.flush_tlbs()           # other CPUs may still read the old frame
        else:
            self.tlb_gen += 1                          # a stale TLB entry: just refill
        return True

    def _fill(self, vma, page, pa):
        m = self.frames.mem8
        data = b""
        if vma.backing is not None:
            rel = page - vma.start
            n = max(0, min(PAGE, vma.file_bytes - rel))
            if n:
                data = vma.backing.pread(n, vma.offset + rel)
        m[pa:pa + len(data)] = memoryview(data)
        m[pa + len(data):pa + PAGE] = 0

    # ---- kernel access to user memory (copy_from_user / copy_to_user) --------------------------
    def _pages(self, va, n, access):
        """(physical address, length) pieces covering [va, va+n), faulting pages in."""
        if va < 0 or n < 0 or va + n > (1 << 47):
            raise Errno(EFAULT)
        while n > 0:
            off = va & (PAGE - 1)
            chunk = min(n, PAGE - off)
            cur = self.pt.lookup(page_down(va))
            if cur is None or not (cur[1] & access):
                try:
                    ok = self.fault(va, access)
                except OutOfMemory:
                    raise Errno(ENOMEM)
                except PastEndOfFile:
                    raise Errno(EFAULT)
                if not ok:
                    raise Errno(EFAULT)
                cur = self.pt.lookup(page_down(va))
            yield cur[0] + off, chunk
            va += chunk
            n -= chunk

    def physical(self, va, access=PTE_R):
        """The physical address of user address va (faulting its page in): futex keys."""
        pa, _ = next(self._pages(va, 1, access))
        return pa

    def read(self, va, n):
        m = self.frames.mem8
        return b"".join(m[pa:pa + k].tobytes() for pa, k in self._pages(va, n, PTE_R))

    def write(self, va, data):
        m, pos = self.frames.mem8, 0
        data = memoryview(bytes(data))
        for pa, k in self._pages(va, len(data), PTE_W):
            m[pa:pa + k] = data[pos:pos + k]
            pos += k

    def read_cstr(self, va, limit=4096):
        out = bytearray()
        while len(out) < limit:
            chunk = self.read(va + len(out), min(PAGE - ((va + len(out)) & (PAGE - 1)),
                                                 limit - len(out)))
            i = chunk.find(b"\0")
            if i >= 0:
                return bytes(out + chunk[:i])
            out += chunk
        raise Errno(EFAULT if limit < 4096 else 36)     # ENAMETOOLONG for over-long paths

    def read_u64(self, va):
        return int.from_bytes(self.read(va, 8), "little", signed=True)

    def write_u64(self, va, v):
        self.write(va, (v & (1 << 64) - 1).to_bytes(8, "little"))

    def poke(self, va, data):
        """Write data as a debugger does (ptrace's FOLL_FORCE): read-only private pages too, a
        page still shared copy-on-write being copied first, so a breakpoint in one process's
        text never shows in another's. Translations of the address space are dropped."""
        m, pos = self.frames.mem8, 0
        while pos < len(data):
            a = va + pos
            vma = self.find(a)
            if vma is None or not vma.perm or (vma.shared and not vma.perm & PTE_W):
                raise Errno(EFAULT)
            page = page_down(a)
            try:
                if self.pt.lookup(page) is None and not self.fault(
                        a, PTE_R if vma.perm & PTE_R else vma.perm & -vma.perm):
                    raise Errno(EFAULT)
                pa = self.pt.lookup(page)[0]
                if self.frames.shared(pa) and not vma.shared:
                    new = self.frames.alloc(zero=False)
                    m[new:new + PAGE] = m[pa:pa + PAGE]
                    self.frames.put(pa)
                    self.pt.map(page, new, vma.perm)
                    self.flush_tlbs()
                    pa = new
            except (OutOfMemory, PastEndOfFile):
                raise Errno(EFAULT) from None
            off = a & (PAGE - 1)
            k = min(len(data) - pos, PAGE - off)
            m[pa + off:pa + off + k] = memoryview(bytes(data))[pos:pos + k]
            pos += k
        self.code_gen += 1

    def populate(self, va, data):
        """Write data regardless of permissions (the ELF loader filling read-only pages)."""
        m, pos = self.frames.mem8, 0
        while pos < len(data):
            a = va + pos
            if self.pt.lookup(page_down(a)) is None:
                vma = self.find(a)
                pa = self.frames.alloc()
                self.pt.map(page_down(a), pa, vma.perm)
            pa = self.pt.lookup(page_down(a))[0] + (a & (PAGE - 1))
            k = min(len(data) - pos, PAGE - (a & (PAGE - 1)))
            m[pa:pa + k] = memoryview(data)[pos:pos + k]
            pos += k

    # ---- mmap, munmap, mprotect, brk ---------------------------------------------------------
    def free_area(self, length, hint=0):
        """A free range of `length` bytes: at hint if free, else top-down below mmap_top."""
        if hint and self._is_free(page_down(hint), length):
            return page_down(hint)
        top = self.mmap_top
        for v in reversed(self.vmas):
            if v.start >= top:
                continue
            if v.end <= top - length:
                break
            top = min(top, v.start)
        addr = page_down(top - length)
        if addr <= self.brk + (64 << 20):            # keep room for the heap to grow
            raise Errno(ENOMEM)
        return addr

    def _is_free(self, start, length):
        return start > 0 and start + length <= self.stack_top and all(
            v.end <= start or v.start >= start + length for v in self.vmas)

    def mmap(self, addr, length, perm, fixed, backing=None, offset=0, shared=False, name=""):
        if length <= 0 or (fixed and addr & (PAGE - 1)):
            raise Errno(EINVAL)
        length = page_up(length)
        start = addr if fixed else self.free_area(length, addr)
        if shared and backing is None:
            backing, offset = SharedPages(self.frames), 0
        self.add(Vma(start, start + length, perm, backing, offset, shared=shared, name=name))
        return start

    def _unmap_range(self, start, end):
        gone = self._range(start, end)
        if not gone:
            return
        freed, mem64 = [], self.pt.mem64
        for v in gone:
            self.vmas.remove(v)
            for page, slot in self.present(v.start, v.end):
                freed.append(int(mem64[slot]) & PTE_ADDR_MASK)
                mem64[slot] = 0
            if v.perm & PTE_X:
                self.code_gen += 1
        self.flush_tlbs()               # before the frames can be reused
        for pa in freed:
            self.frames.put(pa)
        for v in gone:
            if isinstance(v.backing, SharedPages):
                v.backing.detach()

    def munmap(self, addr, length):
        if addr & (PAGE - 1) or length <= 0:
            raise Errno(EINVAL)
        self._unmap_range(addr, addr + page_up(length))

    def mprotect(self, addr, length, perm):
        if addr & (PAGE - 1):
            raise Errno(EINVAL)
        end = addr + page_up(length)
        covered = sum(v.end - v.start for v in self._range(addr, end))
        if covered != end - addr:
            raise Errno(ENOMEM)
        for v in self._range(addr, end):
            if v.perm & PTE_X and not perm & PTE_X:
                self.code_gen += 1
            v.perm = perm
            for page, slot in self.present(v.start, v.end):
                keep_cow = self.frames.shared(int(self.pt.mem64[slot]) & PTE_ADDR_MASK) \
                    and not v.shared
                self.pt.protect(page, perm & ~PTE_W if keep_cow else perm)
        self.flush_tlbs()

    def set_brk(self, new):
        """The brk system call: returns the (possibly unchanged) program break."""
        if new < self.brk_start:
            return self.brk
        old_top, new_top = page_up(self.brk), page_up(new)
        if new_top > old_top:
            if not self._is_free(old_top, new_top - old_top):
                return self.brk
            heap = self.find(old_top - 1) if old_top > self.brk_start else None
            if heap is not None and heap.name == "[heap]":
                heap.end = new_top
            else:
                self.add(Vma(old_top, new_top, PTE_R | PTE_W, name="[heap]"))
        elif new_top < old_top:
            self._unmap_range(new_top, old_top)
        self.brk = new
        return new

    # ---- the page table, page by page -------------------------------------------------------
    def present(self, start, end):
        """[(page address, index of its PTE in mem64)] for every mapped page in [start, end),
        found by walking only the page-table entries that exist (a sparse 8 MiB stack or a
        reserved arena costs what is mapped, not what is reserved)."""
        mem64, out = self.pt.mem64, []

        def walk(table, level, base):
            span = 1 << (12 + 9 * level)
            lo = max(0, (start - base) // span)
            hi = min(512, -(-(end - base) // span))
            if lo >= hi:
                return
            first = (table >> 3) + lo
            entries = mem64[first:first + hi - lo]
            for i in np.flatnonzero(entries & PTE_V):
                va = base + (lo + int(i)) * span
                if level == 0:
                    out.append((va, first + int(i)))
                else:
                    walk(int(entries[i]) & PTE_ADDR_MASK, level - 1, va)
        walk(self.pt.root, 3, 0)
        return out

    def fork(self):
        """A copy-on-write copy for fork(): private pages are shared read-only (a frame reference
        per mapping); shared mappings stay shared and writable. Both sides' TLBs are invalid."""
        child = AddressSpace(self.frames, brk_start=self.brk_start, brk=self.brk,
                             mmap_top=self.mmap_top, code_gen=self.code_gen,
                             task_size=self.task_size, stack_top=self.stack_top)
        mem64 = self.pt.mem64
        try:
            for v in self.vmas:
                child.vmas.append(replace(v))
                _attach(v.backing)
                for va, slot in self.present(v.start, v.end):
                    pte = int(mem64[slot])
                    pa, perm = pte & PTE_ADDR_MASK, pte & PERM_RWX
                    if not v.shared and perm & PTE_W:
                        perm &= ~PTE_W
                        mem64[slot] = pte & ~PTE_W
                    self.frames.get(pa)
                    child.pt.map(va, pa, perm)
        except OutOfMemory:             # page-table frames for the child
            child.destroy()
            raise
        finally:
            self.flush_tlbs()           # our writable entries are read-only copy-on-write now
        return child

    def destroy(self):
        self._unmap_range(0, 1 << 48)
        self.pt.destroy()
