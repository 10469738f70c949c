"""Run one static riscv64 Linux ELF under Unicorn, for `jitvm bench`'s "unicorn" column.

    python perf/unicorn_run.py [--stats] [--count] [--trace] PROG [ARGS...]

The program gets this process's arguments and environment, writes its stdout and stderr to ours byte
for byte, and its exit status becomes ours, so the run can be compared with qemu-riscv64-static's.
--stats prints "unicorn run time: S s" on stderr: the time inside Unicorn's emu_start only (the
~0.2 s of importing Unicorn and loading the ELF excluded, as jitvm's "guest run time" excludes its
start-up). --count also counts guest instructions ("instructions retired: N") with a Python block
hook; that slows Unicorn down many times over, so timed runs leave it off and `jitvm bench`
credits Unicorn with the jit tier's count for the same deterministic program and input.
--trace prints every system call on stderr.

Unicorn emulates a bare CPU (no OS), so this file is the OS: it maps the PT_LOAD segments, builds
the Linux initial stack (argc, argv, envp, auxv) and answers the few system calls a CPU-bound static
glibc program makes. It is a benchmark harness, not a kernel: no files (openat fails with ENOENT),
no signals, no threads, no file-backed mmap; anything else returns -ENOSYS.
"""
import os
import resource
import struct
import sys
import time

from elftools.elf.elffile import ELFFile
from unicorn import (UC_ARCH_RISCV, UC_HOOK_BLOCK, UC_HOOK_INTR, UC_MODE_RISCV64, UC_PROT_ALL, Uc,
                     UcError)
from unicorn import riscv_const as R

PAGE = 0x1000
STACK_TOP, STACK_SIZE = 0x40_0000_0000, 8 << 20     # 8 MiB stack ending at 256 GiB
MMAP_BASE = 0x20_0000_0000                         # anonymous mmaps grow up from 128 GiB
PIE_BASE = 0x1_0000_0000                           # where an ET_DYN (static-pie) program goes
HWCAP = sum(1 << (ord(c) - ord("A")) for c in "IMAFDC")     # rv64gc, as Linux reports it
ECALL = 8                      # Unicorn's intno for ecall from any mode (RISCV_EXCP_U_ECALL)
# errno values (asm-generic)
ENOENT, EBADF, ENOMEM, EFAULT, EINVAL, ENOTTY, ENOSYS = 2, 9, 12, 14, 22, 25, 38
A = [getattr(R, f"UC_RISCV_REG_A{i}") for i in range(8)]


def up(x):
    return (x + PAGE - 1) & ~(PAGE - 1)


class Guest:
    def __init__(self, path, argv, env, trace=False):
        self.uc = uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV64)
        self.trace, self.status = trace, None
        # Unicorn resets mstatus to 0, and FS=Off makes every FP instruction illegal: set FS=Dirty.
        uc.reg_write(R.UC_RISCV_REG_MSTATUS, 3 << 13)
        self.entry, phdr, phnum, phent, end = self.load(path)
        self.brk_start = self.brk = self.brk_mapped = up(end)
        self.mmap_next = MMAP_BASE
        uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE, UC_PROT_ALL)
        sp = self.initial_stack(path, argv, env, [
            (3, phdr), (4, phent), (5, phnum), (6, PAGE), (9, self.entry), (16, HWCAP), (17, 100),
            (11, os.getuid()), (12, os.geteuid()), (13, os.getgid()), (14, os.getegid()),
            (23, 0)])                                 # AT_SECURE=0; AT_RANDOM, AT_EXECFN added
        uc.reg_write(R.UC_RISCV_REG_SP, sp)
        uc.hook_add(UC_HOOK_INTR, self.on_trap)

    def load(self, path):
        """Map and fill every PT_LOAD segment; (entry, AT_PHDR, phnum, phentsize, end of image)."""
        with open(path, "rb") as f:
            elf = ELFFile(f)
            h = elf.header
            if h["e_machine"] != "EM_RISCV" or elf.elfclass != 64:
                raise SystemExit(f"unicorn_run: {path}: not a riscv64 ELF")
            if any(s["p_type"] == "PT_INTERP" for s in elf.iter_segments()):
                raise SystemExit(f"unicorn_run: {path}: dynamically linked (only static ELFs run)")
            base = PIE_BASE if h["e_type"] == "ET_DYN" else 0
            loads = [s for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]
            lo = min(s["p_vaddr"] for s in loads) & ~(PAGE - 1)
            hi = up(max(s["p_vaddr"] + s["p_memsz"] for s in loads))
            # One RWX mapping for the whole image: segments share pages at their edges, and the
            # benchmark does not need W^X (mprotect is a no-op below).
            self.uc.mem_map(base + lo, hi - lo, UC_PROT_ALL)
            phdr = None
            for s in loads:
                self.uc.mem_write(base + s["p_vaddr"], s.data())   # bss stays zero-filled
                if s["p_offset"] <= h["e_phoff"] < s["p_offset"] + s["p_filesz"]:
                    phdr = base + s["p_vaddr"] + h["e_phoff"] - s["p_offset"]
            return base + h["e_entry"], phdr, h["e_phnum"], h["e_phentsize"], base + hi

    def initial_stack(self, path, argv, env, auxv):
        """Strings at the top, then (16-byte aligned, growing down) argc, argv[], 0, envp[], 0,
        auxv pairs, AT_NULL: the layout the Linux ABI gives _start. Returns sp."""
        sp = STACK_TOP

        def push(data):
            nonlocal sp
            sp -= len(data)
            self.uc.mem_write(sp, data)
            return sp
        execfn = push(os.fsencode(path) + b"\0")
        strs = [push(os.fsencode(s) + b"\0") for s in argv + env]
        rand = push(os.urandom(16))
        auxv = auxv + [(25, rand), (31, execfn), (0, 0)]          # AT_RANDOM, AT_EXECFN, AT_NULL
        words = [len(argv), *strs[:len(argv)], 0, *strs[len(argv):], 0,
                 *(x for pair in auxv for x in pair)]
        sp = (sp - 8 * len(words)) & ~15
        self.uc.mem_write(sp, struct.pack(f"<{len(words)}Q", *words))
        return sp

    def run(self):
        try:
            self.uc.emu_start(self.entry, (1 << 64) - 1)   # no stop address: exit_group stops it
        except UcError as e:
            pc = self.uc.reg_read(R.UC_RISCV_REG_PC)
            print(f"unicorn_run: {e} at pc {pc:#x}", file=sys.stderr)
            self.status = 128 + 11                       # as if killed by SIGSEGV
        if self.status is None:
            raise SystemExit("unicorn_run: emulation stopped without exit")
        return self.status

    # --- system calls ---------------------------------------------------------------------

    def on_trap(self, uc, intno, _):
        if intno != ECALL:                    # illegal instruction, misaligned fetch, ...
            pc = uc.reg_read(R.UC_RISCV_REG_PC)
            print(f"unicorn_run: CPU exception {intno} near pc {pc:#x}", file=sys.stderr)
            self.status = 128 + 4                        # as if killed by SIGILL
            uc.emu_stop()
            return
        # Unicorn has already moved pc past the ecall: just put the result in a0.
        nr, *args = (uc.reg_read(r) for r in (R.UC_RISCV_REG_A7, *A[:6]))
        handler = getattr(self, f"sys_{nr}", None)
        try:
            ret = self.FIXED.get(nr, -ENOSYS) if handler is None else handler(*args)
        except UcError:                       # a bad guest pointer
            ret = -EFAULT
        except OSError as e:                  # the host said no (e.g. an unknown clock id)
            ret = -e.errno
        if self.trace:
            print(f"  syscall {nr}({', '.join(map(hex, args))}) = {ret}", file=sys.stderr)
        uc.reg_write(A[0], ret & (1 << 64) - 1)

    def read_mem(self, addr, n):
        return bytes(self.uc.mem_read(addr, n))

    def sys_64(self, fd, buf, n, *_):                 # write
        if fd not in (1, 2):
            return -EBADF
        data = self.read_mem(buf, n)
        while data:                                   # the host may take it in pieces (pipes)
            data = data[os.write(fd, data):]
        return n

    def sys_66(self, fd, iov, cnt, *_):               # writev
        total = 0
        for i in range(cnt):
            base, n = struct.unpack("<QQ", self.read_mem(iov + 16 * i, 16))
            r = self.sys_64(fd, base, n)
            if r < 0:
                return r
            total += r
        return total

    def sys_93(self, status, *_):                     # exit (one thread: the same as exit_group)
        self.status = status & 0xFF
        self.uc.emu_stop()
        return 0

    sys_94 = sys_93                                   # exit_group

    def sys_214(self, addr, *_):                      # brk: grow the heap mapping on demand
        if addr < self.brk_start:
            return self.brk
        if addr > self.brk_mapped:
            new = up(addr)
            try:
                self.uc.mem_map(self.brk_mapped, new - self.brk_mapped, UC_PROT_ALL)
            except UcError:
                return self.brk                       # Linux's way to say no
            self.brk_mapped = new
        self.brk = addr
        return addr

    def sys_222(self, addr, length, prot, flags, fd, off):   # mmap: anonymous only
        if not flags & 0x20:                          # MAP_ANONYMOUS
            return -EBADF
        length = up(length)
        if flags & 0x10:                              # MAP_FIXED: replace what is there
            self.sys_215(addr, length)
        else:                                         # hints ignored; addresses never reused
            addr, self.mmap_next = self.mmap_next, self.mmap_next + length
        try:
            self.uc.mem_map(addr, length, UC_PROT_ALL)
        except UcError:
            return -ENOMEM
        return addr

    def sys_215(self, addr, length, *_):              # munmap
        try:
            self.uc.mem_unmap(addr, up(length))
        except UcError:
            pass                                      # (partly) unmapped already: fine for Linux
        return 0

    def sys_113(self, clock, ts, *_):                 # clock_gettime (host clock ids match)
        t = time.clock_gettime_ns(clock)
        self.uc.mem_write(ts, struct.pack("<qq", t // 10**9, t % 10**9))
        return 0

    def sys_80(self, fd, buf, *_):                    # fstat: the host's view of fd 0-2
        try:
            st = os.fstat(fd) if fd in (0, 1, 2) else None
        except OSError:
            st = None
        if st is None:
            return -EBADF
        # struct stat of asm-generic (riscv64): 128 bytes
        self.uc.mem_write(buf, struct.pack(
            "<QQIIIIQQqiiqqQqQqQII", st.st_dev, st.st_ino, st.st_mode, st.st_nlink, st.st_uid,
            st.st_gid, st.st_rdev, 0, st.st_size, st.st_blksize, 0, st.st_blocks,
            int(st.st_atime), st.st_atime_ns % 10**9, int(st.st_mtime), st.st_mtime_ns % 10**9,
            int(st.st_ctime), st.st_ctime_ns % 10**9, 0, 0))
        return 0

    def sys_79(self, dirfd, path, buf, flags, *_):    # newfstatat: only fstat(fd) in disguise
        if flags & 0x1000 and self.read_mem(path, 1) == b"\0":   # AT_EMPTY_PATH, ""
            return self.sys_80(dirfd, buf)
        return -ENOENT

    def sys_261(self, pid, res, new, old, *_):        # prlimit64: report the host's limits
        if old:
            inf = (1 << 64) - 1
            lim = [inf if v == resource.RLIM_INFINITY else v for v in resource.getrlimit(res)]
            self.uc.mem_write(old, struct.pack("<QQ", *lim))
        return 0

    def sys_278(self, buf, n, *_):                    # getrandom
        self.uc.mem_write(buf, os.urandom(n))
        return n

    def sys_160(self, buf, *_):                       # uname: six 65-byte fields
        fields = ("Linux", "unicorn", "6.1.0", "#1", "riscv64", "(none)")
        self.uc.mem_write(buf, b"".join(f.encode().ljust(65, b"\0") for f in fields))
        return 0

    def sys_96(self, *_):                             # set_tid_address: returns the tid
        return os.getpid()

    # Fixed answers: mprotect (everything is RWX already), set_robust_list, futex (one thread:
    # nobody to wait for), ioctl (TCGETS on stdout: not a terminal, so stdio buffers fully, as
    # under qemu with a pipe), openat (no file system), readlinkat (/proc/self/exe: glibc copes),
    # rseq and riscv_hwprobe (glibc falls back to generic code).
    FIXED = {226: 0, 99: 0, 98: 0, 29: -ENOTTY, 56: -ENOENT, 78: -EINVAL, 293: -ENOSYS,
             258: -ENOSYS}


def add_counter(uc):
    """Count instructions with a block hook: a block's count is cached by (address, size), decoded
    from the instruction-length bits (RVC instructions have low bits != 0b11). Returns a cell."""
    counts, total = {}, [0]

    def on_block(uc, addr, size, _):
        n = counts.get((addr, size))
        if n is None:
            code, i, n = bytes(uc.mem_read(addr, size)), 0, 0
            while i < size:
                i, n = i + (4 if code[i] & 3 == 3 else 2), n + 1
            counts[addr, size] = n
        total[0] += n
    uc.hook_add(UC_HOOK_BLOCK, on_block)
    return total


def environment():
    """The environment this process was started with, as qemu would pass it on. Not os.environ:
    Python adds LC_CTYPE=C.UTF-8 to that when the locale is C (PEP 538)."""
    try:
        with open("/proc/self/environ", "rb") as f:
            return [os.fsdecode(e) for e in f.read().split(b"\0") if e]
    except OSError:
        return [f"{k}={v}" for k, v in os.environ.items()]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    opts = set()
    while argv and argv[0] in ("--stats", "--count", "--trace"):
        opts.add(argv.pop(0))
    if not argv:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    g = Guest(argv[0], argv, environment(), "--trace" in opts)
    counter = add_counter(g.uc) if "--count" in opts else None
    t = time.perf_counter()
    status = g.run()
    t = time.perf_counter() - t
    if "--stats" in opts or counter is not None:
        print(f"unicorn run time: {t:.6f} s", file=sys.stderr)
        if counter is not None:
            print(f"instructions retired: {counter[0]}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
