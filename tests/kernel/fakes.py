"""Stand-ins shared by the kernel unit tests."""
import struct

from kernel.errno import EFAULT, ENAMETOOLONG, Errno
from kernel.fdtable import FdTable
from kernel.process import Credentials
from kernel.sched import WouldBlock
from kernel.sigabi import SignalAbi
from kernel.syscalls import fd as F
from kernel.syscalls import net as N
from kernel.uapi import AF_UNIX, MSGHDR, SOCK_STREAM, SOL_SOCKET, unpack_cmsgs
from translators.riscv64 import abi as riscv64_abi


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


class FakeKernel:
    """Records the signals the kernel code sends; its ABI is riscv64's (asm-generic values)."""
    net = "guest"
    abi = riscv64_abi
    sigabi = SignalAbi(riscv64_abi)

    def __init__(self):
        self.signals = []

    def send_signal(self, t, sig):
        self.signals.append(sig)


class FakeProc:
    """What the socket and file calls use of a process."""

    def __init__(self, fs, pid=1, uid=0):
        self.mm, self.fds, self.umask, self.pid = FakeMM(8 << 20), FdTable(), 0o022, pid
        self.fs = fs
        self.creds = Credentials(uid=uid, euid=uid, suid=uid, gid=uid, egid=uid, sgid=uid)


class SocketThread:
    """A thread of its own process for the net family's tests: calling it runs a system call
    adapter and gives its result, -errno, or "blocks" (the kernel would park and retry)."""

    def __init__(self, fs, pid=1, uid=0):
        self.proc, self.kernel, self.restart = FakeProc(fs, pid, uid), FakeKernel(), {}

    def __call__(self, fn, *args):
        try:
            r = fn(self, *args)
        except Errno as e:
            r = -e.errno
        except WouldBlock:
            return "blocks"             # the kernel would park the thread and call again
        self.restart.clear()
        return r

    def twin(self):
        """Another thread of the same process (its own restart state)."""
        other = SocketThread(self.proc.fs)
        other.proc, other.kernel = self.proc, self.kernel
        return other

    def mem(self, data):
        return self.proc.mm.alloc(data)

    def socket(self, type_, family=AF_UNIX):
        return self(N.sys_socket, family, type_, 0)

    def pair(self, type_=SOCK_STREAM):
        sv = self.mem(8)
        assert self(N.sys_socketpair, AF_UNIX, type_, 0, sv) == 0
        return struct.unpack("<ii", self.proc.mm.read(sv, 8))

    def send(self, fd, data, flags=0):
        return self(N.sys_sendto, fd, self.mem(data), len(data), flags, 0, 0)

    def recv(self, fd, n=4096, flags=0):
        buf = self.mem(n)
        got = self(N.sys_recvfrom, fd, buf, n, flags, 0, 0)
        if isinstance(got, str) or got < 0:
            return got
        return self.proc.mm.read(buf, min(got, n))

    def addr(self, name):
        raw = struct.pack("<H", AF_UNIX) + name
        return self.mem(raw), len(raw)

    def bind(self, fd, name):
        return self(N.sys_bind, fd, *self.addr(name))

    def connect(self, fd, name):
        return self(N.sys_connect, fd, *self.addr(name))

    def name_of(self, fn, fd):
        buf, ln = self.mem(128), self.mem(struct.pack("<i", 128))
        assert self(fn, fd, buf, ln) == 0
        n = struct.unpack("<i", self.proc.mm.read(ln, 4))[0]
        return self.proc.mm.read(buf, n)[2:]

    def getopt(self, fd, name, size=4):
        buf, ln = self.mem(size), self.mem(struct.pack("<i", size))
        assert self(N.sys_getsockopt, fd, SOL_SOCKET, name, buf, ln) == 0
        return self.proc.mm.read(buf, struct.unpack("<i", self.proc.mm.read(ln, 4))[0])

    def setopt(self, fd, name, value):
        return self(N.sys_setsockopt, fd, SOL_SOCKET, name, self.mem(struct.pack("<i", value)), 4)

    def sendmsg(self, fd, data, control=b"", flags=0):
        iov = self.mem(struct.pack("<QQ", self.mem(data), len(data)))
        ctl = self.mem(control) if control else 0
        msg = self.mem(MSGHDR.pack(0, 0, iov, 1, ctl, len(control), 0))
        return self(N.sys_sendmsg, fd, msg, flags)

    def recvmsg(self, fd, n=4096, space=256, flags=0):
        """-> (data, [(level, type, data)], msg_flags) or an errno."""
        buf, ctl = self.mem(n), self.mem(space)
        iov = self.mem(struct.pack("<QQ", buf, n))
        msg = self.mem(MSGHDR.pack(0, 0, iov, 1, ctl, space, 0))
        got = self(N.sys_recvmsg, fd, msg, flags)
        if isinstance(got, str) or got < 0:
            return got
        *_, clen, mflags = MSGHDR.unpack(self.proc.mm.read(msg, MSGHDR.size))
        return (self.proc.mm.read(buf, min(got, n)),
                unpack_cmsgs(self.proc.mm.read(ctl, clen)) if clen else [], mflags)

    def close(self, fd):
        return self(F.sys_close, fd)

    def file(self, fd):
        return self.proc.fds.get(fd)
