"""Stand-ins shared by the kernel unit tests."""
from kernel.errno import EFAULT, ENAMETOOLONG, Errno


class FakeMM:
    """Guest memory for kernel unit tests: [base, base+size) is mapped, anything else EFAULT.
    The read/write/read_cstr interface of kernel.vm.AddressSpace, without page tables."""

    def __init__(self, size=1 << 20, base=0x10000):
        self.BASE = base
        self.mem = bytearray(size)
        self.top = self.BASE

    def _off(self, va, n):
        if va < self.BASE or va + n > self.BASE + len(self.mem):
            raise Errno(EFAULT)
        return va - self.BASE

    def read(self, va, n):
        o = self._off(va, n)
        return bytes(self.mem[o:o + n])

    def write(self, va, data):
        o = self._off(va, len(data))
        self.mem[o:o + len(data)] = data

    def read_cstr(self, va, limit=4096):
        o = self._off(va, 1)
        end = self.mem.find(b"\0", o, o + limit)
        if end < 0:
            raise Errno(ENAMETOOLONG)
        return bytes(self.mem[o:end])

    def alloc(self, data):
        """Copy bytes (or reserve n zero bytes) into guest memory; returns the address."""
        data = bytes(data) if not isinstance(data, int) else bytes(data)
        va = self.top
        self.write(va, data)
        self.top += (len(data) + 15) & ~15 or 16
        return va
