"""Signals as a guest ABI numbers and lays them out, for the system call boundary and the frames.

The kernel numbers signals, sigaction flags and mask operations as asm-generic does
(kernel/signal.py) and keeps masks as 64-bit ints. An ABI that differs (MIPS o32) lists its own
values in its ABI module -- SIGNALS (name -> number), NSIG (its sigset_t's bits), SA_FLAGS,
SIG_HOW -- and its 32-bit siginfo and stack_t come from LONG_BYTES and SIGINFO_CODE_FIRST; this
module turns them into the translations. One SignalAbi per kernel (`k.sigabi`); for an
asm-generic ABI every translation is the identity.

Partial: a guest's real-time signals above the kernel's 64 (MIPS numbers them up to 127) are
refused with EINVAL; signalfd's siginfo, F_SETSIG, PR_SET_PDEATHSIG, timer_create's sigevent and
/proc's signal masks still use the kernel's numbers.
"""
import struct

from kernel import signal as S
from kernel.abimap import fmt, long_bytes
from kernel.errno import EINVAL, Errno


def _bijection(kernel_values, guest_table):
    """{kernel value: guest value} for the names in both tables that differ."""
    return {v: guest_table[name] for name, v in kernel_values.items()
            if name in guest_table and guest_table[name] != v}


def _move_bits(value, moves):
    out = value & ~sum(moves)
    for src, dst in moves.items():
        if value & src:
            out |= dst
    return out


class SignalAbi:
    def __init__(self, abi):
        self.abi = abi
        names = {name: num for num, name in S.NAMES.items() if num < S.SIGRTMIN}
        self.sig_out_map = _bijection(names, getattr(abi, "SIGNALS", {}))
        self.sig_in_map = {g: k for k, g in self.sig_out_map.items()}
        self.nsig = getattr(abi, "NSIG", S.NSIG)
        self.setsize = self.nsig // 8
        kernel_sa = {n: getattr(S, n) for n in ("SA_NOCLDSTOP", "SA_NOCLDWAIT", "SA_SIGINFO",
                                                "SA_ONSTACK", "SA_RESTART", "SA_NODEFER",
                                                "SA_RESETHAND")}
        sa_out = _bijection(kernel_sa, getattr(abi, "SA_FLAGS", {}))
        self.sa_out_bits, self.sa_in_bits = sa_out, {g: k for k, g in sa_out.items()}
        self.how = {getattr(abi, "SIG_HOW", {}).get(n, v): v for n, v in
                    (("SIG_BLOCK", S.SIG_BLOCK), ("SIG_UNBLOCK", S.SIG_UNBLOCK),
                     ("SIG_SETMASK", S.SIG_SETMASK))}
        codes = {n: getattr(S, n) for n in ("SI_QUEUE", "SI_TIMER", "SI_MESGQ", "SI_ASYNCIO",
                                            "SI_SIGIO", "SI_TKILL")}
        self.code_out_map = _bijection(codes, getattr(abi, "SI_CODES", {}))
        self.code_in_map = {g: k for k, g in self.code_out_map.items()}
        self.long = long_bytes(abi)
        self.code_first = getattr(abi, "SIGINFO_CODE_FIRST", False)
        # bit moves between the kernel's 64-bit mask and the guest's low 64 bits
        self.mask_out_bits = {S.bit(k): S.bit(g) for k, g in self.sig_out_map.items()}
        self.mask_in_bits = {S.bit(g): S.bit(k) for k, g in self.sig_out_map.items()}

    # ---- numbers --------------------------------------------------------------------------
    def sig_out(self, sig):
        return self.sig_out_map.get(sig, sig)

    def sig_in(self, sig, allow_zero=False):
        """A guest's signal number as the kernel's; EINVAL if out of range (or unsupported)."""
        sig = (sig & 0xFFFFFFFF) - ((sig & 0x80000000) << 1)
        if not (0 if allow_zero else 1) <= sig <= min(self.nsig, S.NSIG):
            raise Errno(EINVAL)
        return self.sig_in_map.get(sig, sig)

    def code_out(self, code):
        """A siginfo's si_code as the guest numbers the negative (sender) codes."""
        return self.code_out_map.get(code, code)

    def code_in(self, code):
        return self.code_in_map.get(code, code)

    def info_code(self, raw):
        """The si_code of a guest's siginfo bytes, in the kernel's numbers."""
        return self.code_in(struct.unpack_from("<i", raw, 4 if self.code_first else 8)[0])

    def how_in(self, how):
        if how not in self.how:
            raise Errno(EINVAL)
        return self.how[how]

    def sa_flags_in(self, flags):
        return _move_bits(flags, self.sa_in_bits)

    def sa_flags_out(self, flags):
        return _move_bits(flags, self.sa_out_bits)

    def status_out(self, status):
        """A wait status in the guest's numbers: killed (low 7 bits), stopped (0x7f | sig << 8)."""
        if status & 0xFF == 0x7F:
            return 0x7F | self.sig_out(status >> 8 & 0xFF) << 8 | status & ~0xFFFF
        if status & 0x7F:
            return self.sig_out(status & 0x7F) | status & ~0x7F
        return status

    # ---- sets -----------------------------------------------------------------------------
    def mask_out(self, mask):
        """The guest's sigset_t bytes for the kernel's mask."""
        return _move_bits(mask, self.mask_out_bits).to_bytes(self.setsize, "little")

    def mask_in(self, data):
        """The kernel's mask from a guest's sigset_t bytes (signals past the kernel's 64: none)."""
        low = int.from_bytes(data[:8], "little") & S.FULL_MASK
        return _move_bits(low, self.mask_in_bits)

    def read_mask(self, mm, ptr):
        return self.mask_in(mm.read(ptr, self.setsize))

    def write_mask(self, mm, ptr, mask, size=None):
        mm.write(ptr, self.mask_out(mask)[:size or self.setsize])

    # ---- structs --------------------------------------------------------------------------
    def sigaction_layout(self):
        """(struct format, field order) of the ABI's struct sigaction: asm-generic's handler,
        flags, [restorer,] mask; or flags first where the ABI says so (SIGACTION_FLAGS_FIRST)."""
        if getattr(self.abi, "SIGACTION_FLAGS_FIRST", False):
            return fmt(self.abi, f"<IL{self.setsize}s"), ("flags", "handler", "mask")
        if self.abi.SA_RESTORER:
            return fmt(self.abi, f"<LLL{self.setsize}s"), ("handler", "flags", "restorer", "mask")
        return fmt(self.abi, f"<LL{self.setsize}s"), ("handler", "flags", "mask")

    def stack_layout(self):
        """(format, field order) of stack_t: {ss_sp; int ss_flags; size_t ss_size} (asm-generic)
        or {ss_sp; ss_size; ss_flags} (abi.STACK_T_SIZE_SECOND: MIPS)."""
        if getattr(self.abi, "STACK_T_SIZE_SECOND", False):
            return fmt(self.abi, "<LLi"), ("sp", "size", "flags")
        return fmt(self.abi, "<Li4xL" if self.long == 8 else "<LiL"), ("sp", "flags", "size")

    def pack_stack(self, sp, flags, size):
        layout, order = self.stack_layout()
        v = dict(sp=sp, flags=flags, size=size)
        return struct.pack(layout, *(v[k] for k in order))

    def unpack_stack(self, data):
        """(ss_sp, ss_flags, ss_size) from a guest's stack_t."""
        layout, order = self.stack_layout()
        v = dict(zip(order, struct.unpack_from(layout, data)))
        return v["sp"], v["flags"], v["size"]

    def stack_size(self):
        return struct.calcsize(self.stack_layout()[0])

    def generic_raw(self, raw):
        """A guest's own siginfo bytes (rt_sigqueueinfo's) in the asm-generic 64-bit layout, for
        the kill/rt union the guest can queue: signo, errno, code; pid, uid, sigval."""
        if self.long == 8 and not self.code_first:
            return raw
        signo, a, b = struct.unpack_from("<iii", raw)
        code, errno = (a, b) if self.code_first else (b, a)
        pid, uid, value = struct.unpack_from("<iII", raw, 12 if self.long == 4 else 16)
        return (struct.pack("<iii4xiIQ", signo, errno, self.code_in(code), pid, uid, value)
                .ljust(128, b"\0"))

    def pack_info(self, info):
        """The 128-byte siginfo_t of SigInfo `info` in the guest's numbering and layout."""
        signo, generic = self.sig_out(info.signo), info.pack()   # packing is a timer's delivery
        if info.raw:                   # rt_sigqueueinfo's: the caller's bytes, our signo
            return struct.pack("<i", signo) + info.raw[4:128]
        if self.long == 8 and not self.code_first:
            return struct.pack("<i", signo) + generic[4:]
        # 32-bit: the union follows the three ints at 12 (pointers and clock_t 4 bytes)
        code = self.code_out(info.code)
        head = struct.pack("<iii", signo, *((code, 0) if self.code_first else (0, code)))
        if info.code > 0 and info.signo in S.SYNCHRONOUS:
            body = struct.pack("<I", info.addr & 0xFFFFFFFF)
        elif info.signo == S.SIGCHLD and info.code > 0:
            status = info.status
            if info.code in (S.CLD_KILLED, S.CLD_DUMPED, S.CLD_STOPPED, S.CLD_TRAPPED):
                status = self.sig_out(status)
            body = struct.pack("<iIiii", info.pid, info.uid, status, 0, 0)
        else:
            body = struct.pack("<iII", info.pid, info.uid, info.value & 0xFFFFFFFF)
        return (head + body).ljust(128, b"\0")
