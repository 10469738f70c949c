"""Physical frame allocator (xv6's kalloc): hands out 4 KiB frames of guest physical memory.

Frames are reference counted so copy-on-write pages can be shared between address spaces; a frame
returns to the free list when its last mapping goes. Frame 0 is never handed out, so a zero
physical address can mean "none".
"""
import numpy as np

from kernel import params


class OutOfMemory(Exception):
    """No free frame: the kernel kills the faulting process (the OOM killer's job)."""


class FrameAllocator:
    def __init__(self, mem8):
        self.mem8 = mem8
        self.nframes = len(mem8) // params.PAGE_SIZE
        self.refs = np.zeros(self.nframes, dtype=np.int32)
        self.free = list(range(self.nframes - 1, 0, -1))    # pop() hands out low frames first
        self.on_oom = None      # called with no frame free: True if it freed some (OOM killer)

    @property
    def free_count(self):
        return len(self.free)

    def alloc(self, zero=True):
        """A new frame's physical address, refcount 1, zero-filled unless zero=False."""
        if not self.free and not (self.on_oom and self.on_oom() and self.free):
            raise OutOfMemory()
        f = self.free.pop()
        self.refs[f] = 1
        pa = f * params.PAGE_SIZE
        if zero:
            self.mem8[pa:pa + params.PAGE_SIZE] = 0
        return pa

    def get(self, pa):
        """Share the frame at pa (one more mapping)."""
        self.refs[pa // params.PAGE_SIZE] += 1

    def put(self, pa):
        """Drop one reference; the frame is freed with the last."""
        f = pa // params.PAGE_SIZE
        self.refs[f] -= 1
        if self.refs[f] == 0:
            self.free.append(f)

    def shared(self, pa):
        return self.refs[pa // params.PAGE_SIZE] > 1
