"""The page cache of shared file mappings: (file identity, page index) -> physical frame.

MAP_SHARED file mappings create the cached pages. Two shared mappings of the same file page -- in
one process or in two -- map the same frame, so each sees the other's stores at once. The cache
holds one reference on each frame; each mapping holds its own. Modified data reaches the file on
msync, on munmap, and when the last mapping of the file goes (process exit included): every
cached page is written back, clipped to the file's size, since there is no dirty bit to tell
which pages changed.

One copy, as Linux's page cache: while a file has cached pages, the file systems' read() and
write() go through them (read_through, write_through): a read sees what a mapping stored before
it is written back, and a write() is seen through every mapping at once (and is what a later
write-back writes). Private mappings copy pages in at fault time, as on Linux after a write.
Partial: truncation zeroes cached bytes past the new end but leaves the pages mapped (Linux
unmaps them, so later accesses there raise SIGBUS).
"""
import weakref

from kernel import params

PAGE = params.PAGE_SIZE
_mapped = {}        # identity -> the PageCache holding its pages, while it has shared mappings


def _cached(key, offset, length):
    """(file bytes [lo, hi), guest memory address of lo) for each cached page of the file that
    [offset, offset+length) touches -- nothing when the file has no shared mapping."""
    cache = _mapped.get(key) if _mapped else None
    if cache is None or not length:
        return
    for index in range(offset // PAGE, (offset + length - 1) // PAGE + 1):
        pa = cache.pages.get((key, index))
        if pa is not None:
            lo, hi = max(offset, index * PAGE), min(offset + length, (index + 1) * PAGE)
            yield cache.frames.mem8, lo, hi, pa + lo - index * PAGE


def read_through(key, data, offset):
    """What read() returns for `data` read from the file at `offset`: the cached pages win."""
    out = None
    for m, lo, hi, at in _cached(key, offset, len(data)):
        out = out or bytearray(data)
        out[lo - offset:hi - offset] = m[at:at + hi - lo].tobytes()
    return data if out is None else bytes(out)


def write_through(key, data, offset):
    """A write() of `data` at `offset` also lands in the file's cached pages."""
    for m, lo, hi, at in _cached(key, offset, len(data)):
        m[at:at + hi - lo] = memoryview(data)[lo - offset:hi - offset]


def truncated(key, size):
    """The file was cut to `size`: cached bytes past it are zero (what a re-extension reads)."""
    cache = _mapped.get(key) if _mapped else None
    if cache is None:
        return
    m = cache.frames.mem8
    for (k, index), pa in cache.pages.items():
        if k == key and (index + 1) * PAGE > size:
            cut = max(0, size - index * PAGE)
            m[pa + cut:pa + PAGE] = 0


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
                f.pwrite(m[pa:pa + n].tobytes(), index * PAGE)   # (writes through: a no-op)

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
        _mapped[self.key] = self.cache

    def pread(self, size, offset):
        return self.f.pread(size, offset)

    def beyond_eof(self, offset):
        return offset >= self.f.size()

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
            _mapped.pop(self.key, None)
            self.cache.drop(self.key)
        self.f.put()
