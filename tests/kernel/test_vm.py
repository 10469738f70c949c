"""Address spaces: demand paging, copy-on-write, munmap/mprotect splitting, brk, user copies,
and agreement between the kernel's page tables and the compiled MMU walk."""
import numpy as np
import pytest

from jitvm import mmu
from kernel.errno import Errno
from kernel.frames import FrameAllocator, OutOfMemory
from kernel.pagetable import PTE_R, PTE_W, PTE_X
from kernel.vm import PAGE, AddressSpace, BytesBacking, Vma

RW = PTE_R | PTE_W


@pytest.fixture
def mm():
    return AddressSpace(FrameAllocator(np.zeros(4 << 20, dtype=np.uint8)))


def test_demand_paging_allocates_on_first_touch(mm):
    mm.mmap(0x10000, 3 * PAGE, RW, True)
    mm.write(0x10000, b"t")                      # allocates the page-table levels too
    before = mm.frames.free_count
    assert mm.pt.lookup(0x11000) is None
    mm.write(0x11ff0, b"x" * 32)                 # straddles two pages
    assert mm.frames.free_count == before - 2
    assert mm.read(0x11ff0, 32) == b"x" * 32
    assert mm.read(0x10001, 3) == b"\0\0\0"


def test_file_backing_and_bss_zeroing(mm):
    data = bytes(range(256)) * 40
    mm.add(Vma(0x20000, 0x23000, PTE_R, BytesBacking(data), 0, 5000))
    got = mm.read(0x20000, 3 * PAGE)
    assert got[:5000] == data[:5000] and got[5000:] == bytes(3 * PAGE - 5000)


def test_write_to_readonly_is_efault_but_populate_works(mm):
    mm.add(Vma(0x30000, 0x31000, PTE_R))
    with pytest.raises(Errno):
        mm.write(0x30000, b"a")
    mm.populate(0x30000, b"abc")
    assert mm.read(0x30000, 3) == b"abc"


def test_copy_on_write_shares_until_written(mm):
    mm.mmap(0x40000, PAGE, RW, True)
    mm.write(0x40000, b"parent")
    pa, _ = mm.pt.lookup(0x40000)
    mm.frames.get(pa)                            # a second mapping, as fork makes
    mm.pt.protect(0x40000, PTE_R)
    assert mm.fault(0x40000, PTE_W)
    new_pa, perm = mm.pt.lookup(0x40000)
    assert new_pa != pa and perm & PTE_W
    assert mm.read(0x40000, 6) == b"parent"


def test_munmap_splits_and_frees(mm):
    mm.mmap(0x50000, 4 * PAGE, RW, True)
    mm.write(0x50000, b"\1" * 4 * PAGE)
    free = mm.frames.free_count
    mm.munmap(0x51000, 2 * PAGE)
    assert [(v.start, v.end) for v in mm.vmas] == [(0x50000, 0x51000), (0x53000, 0x54000)]
    assert mm.frames.free_count == free + 2
    assert mm.find(0x52000) is None


def test_mprotect_splits_and_bumps_generations(mm):
    mm.mmap(0x60000, 3 * PAGE, RW | PTE_X, True)
    gen, code = mm.tlb_gen, mm.code_gen
    mm.mprotect(0x61000, PAGE, PTE_R)
    assert [v.perm for v in mm.vmas] == [RW | PTE_X, PTE_R, RW | PTE_X]
    assert mm.tlb_gen > gen and mm.code_gen > code


def test_brk_grows_and_shrinks(mm):
    mm.brk_start = mm.brk = 0x100000
    assert mm.set_brk(0x100000 + 3 * PAGE + 5) == 0x100000 + 3 * PAGE + 5
    mm.write(0x100000 + 3 * PAGE, b"hi")
    assert mm.set_brk(0x100010) == 0x100010
    assert mm.find(0x100000 + 2 * PAGE) is None
    assert mm.set_brk(0) == 0x100010             # brk(0) asks for the current break


def test_mmap_picks_free_area_top_down(mm):
    a = mm.mmap(0, 2 * PAGE, RW, False)
    b = mm.mmap(0, PAGE, RW, False)
    assert b + PAGE <= a and a % PAGE == 0


def test_out_of_memory_is_reported():
    mm = AddressSpace(FrameAllocator(np.zeros(64 * PAGE, dtype=np.uint8)))
    mm.mmap(0x100000, 128 * PAGE, RW, True)
    with pytest.raises(OutOfMemory):
        for p in range(128):
            mm.fault(0x100000 + p * PAGE, PTE_W)


def test_compiled_walk_agrees_with_kernel_tables(mm):
    mm.mmap(0x7000_0000, 2 * PAGE, RW, True)
    mm.write(0x7000_0ff8, (0x1122334455667788).to_bytes(8, "little"))
    mm.write(0x7000_1000, b"\x99")                # fault the second page in
    ctl = mmu.new_ctl(len(mm.frames.mem8), 72)
    ctl[mmu.CTL_PT_ROOT] = mm.pt.root
    m = mmu.machine_tuple(mm.frames.mem8, ctl)
    assert mmu.load_u64(m, 0x7000_0ff8) == 0x1122334455667788
    assert mmu.load_u32(m, 0x7000_0ffc) == 0x11223344
    assert mmu.load_u64(m, 0x7000_0ffc) == 0x99_11223344            # misaligned across pages
    assert ctl[mmu.CTL_EXIT] == 0
    assert mmu.store_u16(m, 0x7000_1fff, 0xBEEF) is False          # runs into an unmapped page
    assert ctl[mmu.CTL_EXIT] == 2 and ctl[mmu.CTL_FAULT_ADDR] == 0x7000_2000
