"""AddressSpace.fork: copy-on-write isolation both ways, shared anonymous memory that stays
shared (also for pages first touched after the fork), and every frame back on the free list
once both address spaces are destroyed."""
import numpy as np
import pytest

from kernel.frames import FrameAllocator
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.vm import PAGE, AddressSpace, BytesBacking, Vma

RW = PTE_R | PTE_W


@pytest.fixture
def frames():
    return FrameAllocator(np.zeros(8 << 20, dtype=np.uint8))


def test_private_pages_are_copied_on_write_both_ways(frames):
    parent = AddressSpace(frames)
    parent.mmap(0x10000, 2 * PAGE, RW, True)
    parent.write(0x10000, b"original")
    parent.write(0x11000, b"second page")
    child = parent.fork()
    pa, perm = parent.pt.lookup(0x10000)
    assert child.pt.lookup(0x10000) == (pa, perm) and not perm & PTE_W   # shared, read-only
    assert frames.refs[pa // PAGE] == 2
    child.write(0x10000, b"child!")
    assert parent.read(0x10000, 8) == b"original"
    assert child.read(0x10000, 8) == b"child!al"
    parent.write(0x11000, b"PARENT")
    assert child.read(0x11000, 11) == b"second page"
    assert parent.read(0x11000, 11) == b"PARENT page"
    # the last sharer of a frame writes in place instead of copying
    assert frames.refs[pa // PAGE] == 1
    parent.write(0x10000, b"x")
    assert parent.pt.lookup(0x10000)[0] == pa


def test_fork_invalidates_the_parents_tlb(frames):
    parent = AddressSpace(frames)
    parent.mmap(0x10000, PAGE, RW, True)
    parent.write(0x10000, b"a")
    gen = parent.tlb_gen
    child = parent.fork()
    assert parent.tlb_gen != gen
    assert child.tlb_gen != parent.tlb_gen and child.pt.root != parent.pt.root


def test_shared_anonymous_memory_stays_shared(frames):
    parent = AddressSpace(frames)
    addr = parent.mmap(0, 3 * PAGE, RW, False, shared=True)
    parent.write(addr, b"before fork")
    child = parent.fork()
    assert child.pt.lookup(addr)[1] & PTE_W                # writable, not COW
    child.write(addr, b"from child")
    assert parent.read(addr, 10) == b"from child"
    # a page nobody touched before the fork is still the same page afterwards
    parent.write(addr + 2 * PAGE, b"late")
    assert child.read(addr + 2 * PAGE, 4) == b"late"
    # so is a page of a part split off by munmap/mprotect
    child.mprotect(addr + PAGE, PAGE, PTE_R)
    parent.write(addr + PAGE + 8, b"split")
    assert child.read(addr + PAGE + 8, 5) == b"split"


def test_file_backed_and_unfaulted_pages_fork_lazily(frames):
    parent = AddressSpace(frames)
    data = bytes(range(256)) * 32
    parent.add(Vma(0x40000, 0x42000, PTE_R | PTE_X, BytesBacking(data), 0, len(data)))
    parent.mmap(0x50000, 16 * PAGE, RW, True)               # nothing touched yet
    child = parent.fork()
    assert child.read(0x41000, 4) == data[PAGE:PAGE + 4]
    assert child.pt.lookup(0x50000) is None
    child.write(0x50000, b"c")
    assert parent.read(0x50000, 1) == b"\0"


def test_refcounts_return_to_zero_on_destroy(frames):
    free = frames.free_count
    parent = AddressSpace(frames)
    parent.mmap(0x10000, 4 * PAGE, RW, True)
    parent.write(0x10000, b"p" * (4 * PAGE))
    shm = parent.mmap(0, 2 * PAGE, RW, False, shared=True)
    parent.write(shm, b"s")
    child = parent.fork()
    grandchild = child.fork()
    child.write(0x10000, b"c")
    grandchild.write(0x12000, b"g")
    grandchild.write(shm + PAGE, b"g")          # allocates the shared page after the forks
    for mm in (child, parent, grandchild):
        mm.destroy()
    assert frames.free_count == free
    assert not frames.refs.any()


def test_fork_of_a_sparse_region_costs_what_is_mapped(frames):
    parent = AddressSpace(frames)
    big = parent.mmap(0, 1 << 30, RW, False)     # a 1 GiB reservation, two pages touched
    parent.write(big, b"a")
    parent.write(big + (1 << 29), b"b")
    assert [va for va, _ in parent.present(big, big + (1 << 30))] == [big, big + (1 << 29)]
    child = parent.fork()
    assert child.read(big + (1 << 29), 1) == b"b"
    child.destroy()
    parent.destroy()
