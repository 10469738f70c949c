"""Atomic memory operations every ISA's semantics share: the read-modify-writes (AMOs, am*) and the
loads and compare-and-swaps LL/SC and LR/SC are built from.

Atomic between vCPUs running at once on different host threads: an atomic first translates its
address (atomic_pa) with the permission it needs, so a page fault happens before anything is
read or written and the instruction re-runs; a misaligned one exits with Exit.MISALIGNED (the
hardware's alignment fault). The write is one compare-and-swap on the physical address
(jitvm.compiled.cas, a sequentially consistent host cmpxchg), so every atomic is also a full
barrier, stronger than any acquire/release ordering asks for. A read-modify-write loads,
combines and compare-and-swaps, again if another vCPU changed the word in between (`rmw`).
"""
import numpy as np

from jitvm.compiled import cas, jit, ltu, sext32
from jitvm.exits import Access, Exit
from jitvm.mmu import CTL_EXIT, CTL_FAULT_ADDR, translate

MASK32 = 0xFFFFFFFF
READ, WRITE = int(Access.READ), int(Access.WRITE)     # plain ints for compiled code
# what a read-modify-write does (`combine`)
SWAP, ADD, XOR, AND, OR, MIN, MAX, MINU, MAXU = range(9)


@jit
def amo_load(m, pa, size):
    """The value at physical address pa (4 bytes sign-extended, or 8)."""
    if size == 4:
        return sext32(np.int64(m[2][pa >> 2]))
    return m[3][pa >> 3]


@jit
def amo_cas(m, pa, expected, new, size):
    """Store `new` at pa iff it still holds `expected` (as amo_load returns it), atomically;
    True if it did."""
    if size == 4:
        return np.int64(cas(m[2], pa >> 2, expected & MASK32, new & MASK32)) == expected & MASK32
    return cas(m[3], pa >> 3, expected, new) == expected


@jit
def atomic_pa(m, va, size, need):
    """Physical address for an atomic access, or -1 with the exit recorded."""
    if va & (size - 1):
        ctl = m[4]
        ctl[CTL_EXIT] = Exit.MISALIGNED
        ctl[CTL_FAULT_ADDR] = va
        return np.int64(-1)
    return translate(m, va, need)


@jit
def combine(kind, old, src, size):
    """The value a read-modify-write stores: `old` (as loaded) combined with the source register's value `src`."""
    if size == 4:
        src = sext32(src)                 # .w compares and adds the low words, sign-extended
    if kind == SWAP:
        return src
    if kind == ADD:
        return old + src
    if kind == XOR:
        return old ^ src
    if kind == AND:
        return old & src
    if kind == OR:
        return old | src
    if kind == MIN:
        return old if old < src else src
    if kind == MAX:
        return old if old > src else src
    if size == 4:                         # unsigned word compares on the zero-extended words
        old_u, src_u = old & MASK32, src & MASK32
    else:
        old_u, src_u = old, src
    if kind == MINU:
        return old if ltu(old_u, src_u) else src
    return src if ltu(old_u, src_u) else old


@jit
def rmw(m, pa, src, kind, size):
    """Combine the value at physical address pa with `src` atomically; returns the old value
    (4 bytes sign-extended, or 8)."""
    old = amo_load(m, pa, size)
    while not amo_cas(m, pa, old, combine(kind, old, src, size), size):
        old = amo_load(m, pa, size)       # another vCPU wrote in between: again
    return old
