"""Page tables in guest physical memory, in the format jitvm's compiled MMU walks (jitvm/mmu.py):
4 levels of 512 eight-byte entries, 4 KiB pages. The kernel only ever writes them here.
"""
import numpy as np

from jitvm import mmu

PTE_V, PTE_R, PTE_W, PTE_X, PTE_U = mmu.PTE_V, mmu.PTE_R, mmu.PTE_W, mmu.PTE_X, mmu.PTE_U
PERM_MASK = PTE_R | PTE_W | PTE_X
PAGE = mmu.PAGE_SIZE


class PageTable:
    def __init__(self, frames):
        self.frames = frames
        self.mem64 = frames.mem8.view("<i8")
        self.root = frames.alloc()
        self.tables = [self.root]          # every table frame, freed with the page table

    def _slot(self, va, create):
        """Index into mem64 of the leaf PTE for va, or None if an upper level is missing."""
        table = self.root
        for level in range(mmu.LEVELS - 1, 0, -1):
            i = (table >> 3) + ((va >> (12 + 9 * level)) & 511)
            pte = int(self.mem64[i])
            if not pte & PTE_V:
                if not create:
                    return None
                nxt = self.frames.alloc()
                self.tables.append(nxt)
                self.mem64[i] = nxt | PTE_V
                pte = nxt | PTE_V
            table = pte & mmu.PTE_ADDR_MASK
        return (table >> 3) + ((va >> 12) & 511)

    def lookup(self, va):
        """(physical page, permission bits) of the page holding va, or None if unmapped."""
        s = self._slot(va, False)
        if s is None:
            return None
        pte = int(self.mem64[s])
        return (pte & mmu.PTE_ADDR_MASK, pte & PERM_MASK) if pte & PTE_V else None

    def map(self, va, pa, perm):
        self.mem64[self._slot(va, True)] = pa | (perm & PERM_MASK) | PTE_V | PTE_U

    def unmap(self, va):
        """Remove the mapping of va's page; returns the physical page it had, or None."""
        s = self._slot(va, False)
        if s is None:
            return None
        pte = int(self.mem64[s])
        self.mem64[s] = 0
        return pte & mmu.PTE_ADDR_MASK if pte & PTE_V else None

    def protect(self, va, perm):
        s = self._slot(va, False)
        if s is not None and self.mem64[s] & PTE_V:
            pte = int(self.mem64[s])
            self.mem64[s] = (pte & ~PERM_MASK) | (perm & PERM_MASK)

    def resident(self):
        """Mapped user pages: valid entries in all page-table pages, less the entries that point
        to the lower-level tables themselves (every table but the root has exactly one)."""
        if not self.tables:
            return 0
        m64 = self.mem64
        valid = sum(int(np.count_nonzero(m64[a >> 3:(a >> 3) + 512] & PTE_V)) for a in self.tables)
        return max(0, valid - (len(self.tables) - 1))

    def destroy(self):
        for t in self.tables:
            self.frames.put(t)
        self.tables = []
