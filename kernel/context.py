"""UserContext: a thread's saved user registers, seen through the ISA's ABI (zCore's UserContext).

The register array belongs to the translator's layout; this class is the only kernel code that
indexes it, and it does so through the ABI module's register numbers.
"""
from kernel.abimap import errno_out


class Restored(int):
    """A system call's result when it restored every register itself (sigreturn): the result
    register already holds what the interrupted code had, and no error flag may be touched."""


class UserContext:
    def __init__(self, regs, abi):
        self.regs, self.abi = regs, abi

    def _get(self, i):
        return int(self.regs[i])

    def _set(self, i, v):
        v &= (1 << 64) - 1
        self.regs[i] = v - (1 << 64) if v >> 63 else v

    @property
    def pc(self):
        return self._get(self.abi.PC)

    @pc.setter
    def pc(self, v):
        """Set the pc; an ISA with delay slots (abi.NPC) then has none pending."""
        self._set(self.abi.PC, v)
        if getattr(self.abi, "NPC", None) is not None:
            self._set(self.abi.NPC, v + self.abi.SYSCALL_INSN_LEN)
    sp = property(lambda s: s._get(s.abi.SP), lambda s, v: s._set(s.abi.SP, v))
    tls = property(lambda s: s._get(s.abi.TP), lambda s, v: s._set(s.abi.TP, v))

    @property
    def syscall_nr(self):
        return self._get(self.abi.SYSCALL_NR)

    @property
    def syscall_args(self):
        return tuple(self._get(i) for i in self.abi.SYSCALL_ARGS)

    def set_return(self, value):
        """The system call's result: a value >= 0 or -errno (asm-generic's), as the ABI returns
        it (kernel/abimap.py: its errno numbers; an error flag register, if it has one)."""
        if -4096 < value < 0:
            value = -errno_out(self.abi).get(-value, -value)
        flag = getattr(self.abi, "SYSCALL_ERROR_FLAG", None)
        if flag is not None:
            self._set(flag, int(-4096 < value < 0))
            value = -value if -4096 < value < 0 else value
        self._set(self.abi.SYSCALL_RET, value)

    def set_return2(self, value):
        """A second result register (abi.SYSCALL_RET2: MIPS pipe()'s second descriptor)."""
        self._set(self.abi.SYSCALL_RET2, value)

    @property
    def return_value(self):
        """The value in the return register (rt_sigreturn hands it back unchanged)."""
        return self._get(self.abi.SYSCALL_RET)

    def skip_syscall(self):
        """Return past the system call instruction (the trap left pc on it)."""
        self.pc = self.pc + self.abi.SYSCALL_INSN_LEN

    def copy(self):
        return UserContext(self.regs.copy(), self.abi)
