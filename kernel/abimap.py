"""A guest ABI's calling convention and numbering, met at the system call boundary.

Inside, the kernel works in one numbering -- asm-generic's (kernel/errno.py, kernel/signal.py,
kernel/uapi.py), which riscv64, loongarch64 and aarch64 use -- and with 64-bit argument values.
An ABI module that differs says so as data, and this module turns that into the translation:

  ERRNO                 errno name -> the ABI's number (names missing: asm-generic's number)
  SYSCALL_ERROR_FLAG    a register set to 1 on failure, with a positive errno in the result
                        register (MIPS's a3), else -errno in the result register
  SYSCALL_STACK_ARGS    offsets from sp of the arguments past the registers (o32: 16..28)
  ALIGN_64BIT_ARGS      on a 32-bit ABI, a 64-bit argument takes an even-aligned pair of words
  LONG_BYTES            4 on a 32-bit ABI: struct layouts with longs and pointers (`fmt`)
  TIME32_SYSCALLS       a 32-bit ABI's older calls, whose time structs hold 32-bit time_t
                        (kernel/uapi.py time_fields; trap.syscall sets t.time32)
  RLIMIT_NAMES          the resources in the ABI's numbering; RLIM_INFINITY: its 32-bit value

Names of the 32-bit ABIs' system calls whose 64-bit twins the kernel implements already (Linux's
own names: ftruncate64 is ftruncate with a 64-bit length) map here too (COMPAT_NAMES).
"""
from functools import lru_cache

from kernel import errno as E

# a 32-bit ABI's system call -> the positions of its 64-bit parameters (loff_t, u64) in the C
# prototype, each of which takes two argument words (truncate and ftruncate take a long)
WIDE_PARAMS = {"pread64": (3,), "pwrite64": (3,), "truncate64": (1,), "ftruncate64": (1,),
               "fallocate": (2, 3), "sync_file_range": (1, 2), "readahead": (1,),
               "fadvise64": (1, 2), "fadvise64_64": (1, 2), "lookup_dcookie": (0,)}
# 32-bit ABIs' names of calls the kernel implements under their 64-bit names
COMPAT_NAMES = {"ftruncate64": "ftruncate", "truncate64": "truncate", "fcntl64": "fcntl",
                "sendfile64": "sendfile", "fadvise64_64": "fadvise64"}


@lru_cache(maxsize=None)
def errno_out(abi):
    """{asm-generic errno: the ABI's} for the values that differ (empty for asm-generic ABIs)."""
    table = getattr(abi, "ERRNO", {})
    return {v: table[name] for v, name in E.NAMES.items() if table.get(name, v) != v}


def long_bytes(abi):
    return getattr(abi, "LONG_BYTES", 8)     # (abi None: the kernel's own 64-bit layouts)


def read_ulong(mm, abi, ptr):
    """An unsigned long (or a pointer) of the ABI's size at ptr."""
    return int.from_bytes(mm.read(ptr, long_bytes(abi)), "little")


def fmt(abi, spec):
    """A struct format with "l"/"L" for the ABI's long/unsigned long (and pointers)."""
    wide = long_bytes(abi) // 8
    return spec.translate({ord("l"): "iq"[wide], ord("L"): "IQ"[wide]})


def syscall_args(abi, mm, sp, name, regs_args, nparams):
    """The `nparams` argument values of system call `name`: the register arguments, then (ABIs
    with SYSCALL_STACK_ARGS) words read from the user stack, then 64-bit parameters assembled
    from their pair of words. Raises Errno(EFAULT) if the stack cannot be read."""
    wide = WIDE_PARAMS.get(name, ()) if long_bytes(abi) == 4 else ()
    nwords = nparams + 2 * len(wide)            # a pair's second word, and its alignment pad
    words = list(regs_args)
    for off in getattr(abi, "SYSCALL_STACK_ARGS", ())[:max(0, nwords - len(words))]:
        w = int.from_bytes(mm.read(sp + off, 4), "little")
        words.append(w - (1 << 32) if w >> 31 else w)        # as the register would hold it
    if not wide:
        return words[:nparams]
    out, i = [], 0
    for p in range(nparams):
        if p in wide:
            i += i & 1 if abi.ALIGN_64BIT_ARGS else 0
            lo, hi = (words[i:i + 2] + [0, 0])[:2]
            v = (lo & 0xFFFFFFFF) | (hi & 0xFFFFFFFF) << 32
            out.append(v - (1 << 64) if v >> 63 else v)
            i += 2
        else:
            out.append(words[i] if i < len(words) else 0)
            i += 1
    return out
