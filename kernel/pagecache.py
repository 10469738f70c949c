"""The page cache of shared file mappings: (file identity, page index) -> physical frame.

Only MAP_SHARED file mappings use it (private mappings and read() go straight to the file). Two
shared mappings of the same file page -- in one process or in two -- map the same frame, so each
sees the other's stores at once. The cache holds one reference on each frame; each mapping holds
its own. Modified data reaches the file on msync, on munmap, and when the last mapping of the
file goes (process exit included): every cached page is written back, clipped to the file's size,
since there is no dirty bit to tell which pages changed.

Not coherent with write(): a write() to a file while it is mapped shared is not seen through the
mapping, and the next write-back may overwrite it (Linux has one page cache for both).
"""
import weakref

from kernel import params

PAGE = params.PAGE_SIZE


class PageCache:
    def __init__(self, frames):
        self.frames = frames
        self.pages = {}         # (identity, index) -> physical address; holds one frame reference
        self.users = {}         # identity -> number of live SharedFileBacking objects

    def frame(self, key, index, f):
        """The frame caching page `index` of the file, read in on first use."""
        pa = self.pages.get((key, index))
        if pa is None:
            pa = self.frames.alloc()
            data = f.pread(PAGE, index * PAGE)
            self.frames.mem8[pa:pa + len(data)] = memoryview(data)
            self.pages[(key, index)] = pa
        return pa

    def writeback(self, key, f):
        if not f.writable:
            return
        size = f.size()
        m = self.frames.mem8
        for (k, index), pa in sorted(self.pages.items()):
            n = min(PAGE, size - index * PAGE)
            if k == key and n > 0:
                f.pwrite(m[pa:pa + n].tobytes(), index * PAGE)

    def drop(self, key):
        for k in [k for k in self.pages if k[0] == key]:
            self.frames.put(self.pages.pop(k))


_caches = weakref.WeakKeyDictionary()       # FrameAllocator -> PageCache (one per machine)


def cache_of(frames):
    c = _caches.get(frames)
    if c is None:
        c = _caches[frames] = PageCache(frames)
    return c


class SharedFileBacking:
    """The backing of a MAP_SHARED file VMA (see kernel/vm.py Vma.backing). It keeps the open
    file; VMAs split from one mmap share it, and when the last of them goes, so does it:
    that is when the cached pages are written back and, if no other mapping uses the file,
    freed."""

    def __init__(self, f, frames):
        self.f, self.name = f.get(), getattr(f, "path", "")
        self.cache, self.key = cache_of(frames), f.identity()
        self.cache.users[self.key] = self.cache.users.get(self.key, 0) + 1

    def pread(self, size, offset):
        return self.f.pread(size, offset)

    def map_pages(self, mm, start, end, offset, perm):
        """Map every file page of [start, end) to its cached frame now (the fault path would give
        each mapping a private copy). Pages past the end of the file are left to demand paging."""
        npages = (self.f.size() - offset + PAGE - 1) // PAGE
        for i, va in enumerate(range(start, end, PAGE)):
            if i >= npages:
                break
            pa = self.cache.frame(self.key, offset // PAGE + i, self.f)
            self.cache.frames.get(pa)
            old = mm.pt.lookup(va)
            if old is not None:
                self.cache.frames.put(old[0])
            mm.pt.map(va, pa, perm)

    def sync(self):
        self.cache.writeback(self.key, self.f)

    def __del__(self):
        try:
            self.sync()
        except Exception:       # a host error at exit must not escape a destructor
            pass
        users = self.cache.users
        users[self.key] -= 1
        if not users[self.key]:
            del users[self.key]
            self.cache.drop(self.key)
        self.f.put()
