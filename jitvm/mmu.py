"""The software MMU: guest virtual -> guest physical, in compiled code.

Guest physical memory is one numpy byte array (`mem8`) with 16/32/64-bit views over the same
buffer, so an aligned access is one array read. Address spaces are 4-level radix page tables
(9 bits a level, 4 KiB pages, 48-bit virtual addresses) kept *in guest physical memory*, in the
format below; the kernel writes them (kernel/pagetable.py), compiled code walks them here.

PTE: bit 0 V (valid), 1 R, 2 W, 3 X, 4 U; bits 12..47 the physical page. A valid entry with none of
R/W/X points at the next-level table. Permissions are exact: a store to an R-only page faults (the
kernel uses that for copy-on-write).

Each CPU has a direct-mapped TLB inside its `ctl` array, as QEMU's softmmu has: an entry holds
the page's virtual address once per access kind the PTE allows (columns TLB_R, TLB_W, TLB_X; -1
where it does not) and the addend from a virtual to a physical address in that page. A hit is
one compare, of the address masked to its page *and its alignment bits* against the column for
the access, so a misaligned access takes the slow path as a miss does. Whoever changes a PTE must
flush the TLBs that may hold it (`flush_tlb`). A miss walks the table; a missing or insufficient
mapping is a page fault: the access returns nothing, ctl records address and access kind, and the
instruction must have changed no state, so the kernel can fix the mapping and re-run it.

`m` below is the machine tuple (mem8, mem16, mem32, mem64, ctl) every semantic function receives.
"""
import numpy as np

from jitvm.compiled import PURE_PYTHON, carray, cas, jit
from jitvm.exits import Exit

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PTE_V, PTE_R, PTE_W, PTE_X, PTE_U = 1, 2, 4, 8, 16
PTE_ADDR_MASK = 0x0000_FFFF_FFFF_F000
VA_BITS = 48
LEVELS = 4

# ---- ctl: per-CPU control words shared between compiled code and Python -----------------------
CTL_EXIT = 0          # Exit reason, NONE while running
CTL_FAULT_ADDR = 1    # faulting virtual address
CTL_FAULT_KIND = 2    # Access value of the faulting access
CTL_PT_ROOT = 3       # physical address of the current page-table root
CTL_BUDGET = 4        # instructions left in this time slice
CTL_INSTRET = 5       # instructions retired by this CPU
CTL_EXIT_INFO = 6     # extra word for the exit (e.g. the illegal instruction's bits)
CTL_MEM_SIZE = 7      # bytes of guest physical memory
CTL_TLB_MISSES = 8
CTL_NREGS = 9         # length of the register array (for block_views)
CTL_IRQ = 10          # set with `interrupt`: an interrupt is pending (read by Python only)
CTL_JT = 11           # address of the running code cache's jump table (jitvm/blocks.py)
CTL_STAT_BASE = 16    # 16..63: the run loops' words (see jitvm/loop_template.py)
TLB_ENTRIES = 256
TLB_R, TLB_W, TLB_X, TLB_ADDEND = range(4)      # the words of a TLB entry
TLB_WORDS = 4
CTL_TLB = 64
CTL_WORDS = CTL_TLB + TLB_WORDS * TLB_ENTRIES
PAGE_MASK = -PAGE_SIZE      # ~(PAGE_SIZE - 1)


def new_ctl(mem_size, nregs):
    ctl = np.zeros(CTL_WORDS, dtype=np.int64)
    ctl[CTL_MEM_SIZE] = mem_size
    ctl[CTL_NREGS] = nregs
    flush_tlb(ctl)
    return ctl


def flush_tlb(ctl):
    tlb = ctl[CTL_TLB:CTL_WORDS].reshape(TLB_ENTRIES, TLB_WORDS)
    tlb[:, :TLB_ADDEND] = -1
    tlb[:, TLB_ADDEND] = 0


_INTERRUPT = int(Exit.INTERRUPT)

# The slow paths: a translated region keeps them out of line (jitvm/ops.py), or LLVM inlines a
# page-table walk at every load and store and hoists its address arithmetic for every invariant
# guest address into the region's entry, paid on each call of the region.
OUT_OF_LINE = ("walk", "_load_bytes", "_store_bytes")


@jit(inline="never")
def interrupt(ctl):
    """From another host thread: make the CPU owning ctl leave guest code at its next
    instruction or block boundary with Exit.INTERRUPT. The exit word is only claimed if it is
    still NONE, so an exit the CPU is already taking (a system call...) is never overwritten;
    CTL_IRQ covers a CPU that is between slices (jitvm/engine.py checks it before entering)."""
    ctl[CTL_IRQ] = 1
    cas(ctl, CTL_EXIT, 0, _INTERRUPT)


def machine_tuple(mem8, ctl):
    """The (mem8, mem16, mem32, mem64, ctl) tuple semantic functions take."""
    return (mem8, mem8.view(np.uint16), mem8.view(np.uint32), mem8.view(np.int64), ctl)


if PURE_PYTHON:
    def raw(r, m):
        return r, m, None

    def block_views(rp, mp, cp):
        return rp, mp
else:
    from jitvm.compiled import data_ptr, void_ptr

    @jit
    def raw(r, m):
        """(rp, mp, cp): raw pointers to the registers, memory and ctl. Calls that take these
        instead of the arrays pass scalars, with no reference counting per array per call."""
        return data_ptr(r), void_ptr(m[0]), data_ptr(m[4])

    @jit
    def block_views(rp, mp, cp):
        """The register array and machine tuple again, from raw pointers."""
        ctl = carray(cp, CTL_WORDS)
        n = ctl[CTL_MEM_SIZE]
        m = (carray(mp, n, np.uint8), carray(mp, n >> 1, np.uint16),
             carray(mp, n >> 2, np.uint32), carray(mp, n >> 3, np.int64), ctl)
        return carray(rp, ctl[CTL_NREGS]), m


@jit(inline="never")
def walk(m, va, need):
    """TLB miss: walk the page table; fill the TLB or record a page fault and return -1."""
    ctl = m[4]
    mem64 = m[3]
    ctl[CTL_TLB_MISSES] += 1
    if va < 0 or va >= (np.int64(1) << VA_BITS):
        ctl[CTL_EXIT] = Exit.PAGE_FAULT
        ctl[CTL_FAULT_ADDR] = va
        ctl[CTL_FAULT_KIND] = need
        return np.int64(-1)
    table = ctl[CTL_PT_ROOT]
    pte = np.int64(0)
    for level in range(LEVELS - 1, -1, -1):
        idx = (va >> (PAGE_SHIFT + 9 * level)) & 511
        pte = mem64[(table >> 3) + idx]
        if (pte & PTE_V) == 0:
            break
        if (pte & (PTE_R | PTE_W | PTE_X)) != 0:
            break
        table = pte & PTE_ADDR_MASK
    if (pte & PTE_V) == 0 or (pte & need) == 0 or (pte & (PTE_R | PTE_W | PTE_X)) == 0:
        ctl[CTL_EXIT] = Exit.PAGE_FAULT
        ctl[CTL_FAULT_ADDR] = va
        ctl[CTL_FAULT_KIND] = need
        return np.int64(-1)
    page = va & PAGE_MASK
    slot = _tlb_slot(va)
    ctl[slot + TLB_R] = page if pte & PTE_R else -1
    ctl[slot + TLB_W] = page if pte & PTE_W else -1
    ctl[slot + TLB_X] = page if pte & PTE_X else -1
    ctl[slot + TLB_ADDEND] = (pte & PTE_ADDR_MASK) - page
    return (pte & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1))


@jit
def _tlb_slot(va):
    return CTL_TLB + TLB_WORDS * ((va >> PAGE_SHIFT) & (TLB_ENTRIES - 1))


@jit
def tlb_lookup(ctl, va, need, size):
    """(hit, physical address): hit when the TLB maps va's page for an access needing `need`
    (PTE_R, PTE_W or PTE_X) and the access of `size` bytes at va is aligned."""
    slot = _tlb_slot(va)
    column = TLB_W if need == PTE_W else (TLB_X if need == PTE_X else TLB_R)
    return ctl[slot + column] == va & (PAGE_MASK | (size - 1)), va + ctl[slot + TLB_ADDEND]


@jit
def _index(i):
    """An array index known to be >= 0 (a TLB hit's): unsigned, so that Numba leaves out its
    wrap-around for negative indices (a load of the array's length and three instructions)."""
    return np.uint64(i)


@jit
def translate(m, va, need):
    """Physical address of va for an access needing permission `need`, or -1 (fault recorded)."""
    hit, pa = tlb_lookup(m[4], va, need, 1)
    return pa if hit else walk(m, va, need)


@jit
def faulted(m):
    return m[4][CTL_EXIT] != 0


# ---- loads: return the value (zero- or sign-extended to int64); 0 after a fault --------------

@jit(inline="never")
def _load_bytes(m, va, n):
    """A load the TLB did not map at once (a miss, or misaligned: it may straddle two pages),
    byte by byte, each byte translated."""
    v = np.int64(0)
    for i in range(n):
        pa = translate(m, va + i, 2)
        if pa < 0:
            return np.int64(0)
        v |= np.int64(m[0][pa]) << (8 * i)
    return v


@jit
def load_u8(m, va):
    hit, pa = tlb_lookup(m[4], va, PTE_R, 1)
    return np.int64(m[0][_index(pa)]) if hit else _load_bytes(m, va, 1)


@jit
def load_s8(m, va):
    return (load_u8(m, va) ^ 0x80) - 0x80       # LLVM makes these sign extensions of one insn


@jit
def load_u16(m, va):
    hit, pa = tlb_lookup(m[4], va, PTE_R, 2)
    return np.int64(m[1][_index(pa >> 1)]) if hit else _load_bytes(m, va, 2)


@jit
def load_s16(m, va):
    return (load_u16(m, va) ^ 0x8000) - 0x8000


@jit
def load_u32(m, va):
    hit, pa = tlb_lookup(m[4], va, PTE_R, 4)
    return np.int64(m[2][_index(pa >> 2)]) if hit else _load_bytes(m, va, 4)


@jit
def load_s32(m, va):
    return (load_u32(m, va) ^ 0x80000000) - 0x80000000


@jit
def load_u64(m, va):
    hit, pa = tlb_lookup(m[4], va, PTE_R, 8)
    return m[3][_index(pa >> 3)] if hit else _load_bytes(m, va, 8)


# ---- stores: return True when done; on a fault nothing was written ---------------------------

@jit(inline="never")
def _store_bytes(m, va, v, n):
    """A store the TLB did not map at once, byte by byte. Both pages are translated first, so a
    fault on the second leaves memory untouched -- and reports its first byte, as Linux does."""
    if translate(m, va, PTE_W) < 0 or translate(m, (va + n - 1) & ~(PAGE_SIZE - 1), PTE_W) < 0:
        return False
    for i in range(n):
        pa = translate(m, va + i, PTE_W)
        m[0][pa] = (v >> (8 * i)) & 0xFF
    return True


@jit
def store_u8(m, va, v):
    hit, pa = tlb_lookup(m[4], va, PTE_W, 1)
    if not hit:
        return _store_bytes(m, va, v, 1)
    m[0][_index(pa)] = v & 0xFF
    return True


@jit
def store_u16(m, va, v):
    hit, pa = tlb_lookup(m[4], va, PTE_W, 2)
    if not hit:
        return _store_bytes(m, va, v, 2)
    m[1][_index(pa >> 1)] = v & 0xFFFF
    return True


@jit
def store_u32(m, va, v):
    hit, pa = tlb_lookup(m[4], va, PTE_W, 4)
    if not hit:
        return _store_bytes(m, va, v, 4)
    m[2][_index(pa >> 2)] = v & 0xFFFFFFFF
    return True


@jit
def store_u64(m, va, v):
    hit, pa = tlb_lookup(m[4], va, PTE_W, 8)
    if not hit:
        return _store_bytes(m, va, v, 8)
    m[3][_index(pa >> 3)] = v
    return True


# ---- instruction fetch ----------------------------------------------------------------------

@jit
def fetch_u16(m, va):
    pa = translate(m, va, PTE_X)
    return np.int64(m[1][pa >> 1]) if pa >= 0 else np.int64(-1)
