"""The aarch64 signal frame, as Linux lays it out (ABI data plus the two copies in and out).

    struct rt_sigframe { siginfo_t info; struct ucontext uc; };      arch/arm64/kernel/signal.c
    struct frame_record { u64 fp, lr; };                             just above it

Sources: arch/arm64/include/uapi/asm/ucontext.h (uc_flags, uc_link, uc_stack, uc_sigmask padded
to 128 bytes, then uc_mcontext aligned to 16: offset 176) and asm/sigcontext.h (struct
sigcontext = fault_address, regs[31], sp, pc, pstate, then __reserved[4096] aligned to 16: offset
288). The FP/SIMD state is a record in __reserved: struct _aarch64_ctx {u32 magic, u32 size}
heads each one; FPSIMD_MAGIC 0x46508001, size 528 = head + fpsr + fpcr + __uint128 vregs[32];
a {0, 0} head ends the list. sizeof(struct rt_sigframe) is 128 + 176 + 288 + 4096 = 4688.

get_sigframe puts the frame record at round_down(sp - 16, 16) and the rt_sigframe below it;
FRAME_SIZE covers both, so (sp - FRAME_SIZE) & ~15 is where Linux puts the rt_sigframe, and the
record sits at FRAME_SIZE - 16 into it. On entry x29 points at the record (which holds the
interrupted x29 and x30, so unwinders walk through the handler), x30 = the return trampoline:
sa_restorer under SA_RESTORER (musl's), else the vDSO's __kernel_rt_sigreturn (glibc's case) --
we have no vDSO, so the kernel maps a page with the same two instructions (TRAMPOLINE).

Partial, as documented: no esr_context record for faults (Linux adds one with the exception
syndrome); fault_address holds the siginfo's si_addr for SIGSEGV/SIGBUS, else 0.
"""
import struct

from translators.aarch64.cpu import CF, FPCR, FPSR, LR, NF, PC, RES_ADDR, SP, V0, VF, ZF

SIGINFO_SIZE = 128
UC = SIGINFO_SIZE                  # offset of the ucontext in the frame
UC_FLAGS, UC_LINK, UC_STACK, UC_SIGMASK, UC_MCONTEXT = 0, 8, 16, 40, 176
SC_FAULT_ADDRESS, SC_REGS, SC_SP, SC_PC, SC_PSTATE, SC_RESERVED = 0, 8, 256, 264, 272, 288
RESERVED_SIZE = 4096
RT_SIGFRAME_SIZE = UC + UC_MCONTEXT + SC_RESERVED + RESERVED_SIZE    # 4688
FRAME_RECORD = RT_SIGFRAME_SIZE                                      # {fp, lr}
FRAME_SIZE = RT_SIGFRAME_SIZE + 16
FPSIMD_MAGIC, FPSIMD_SIZE = 0x46508001, 528
MINSIGSTKSZ, SIGSTKSZ = 5120, 16384                 # arch/arm64/include/uapi/asm/signal.h

# mov x8, #139 (__NR_rt_sigreturn) ; svc #0 -- the body of the vDSO's __kernel_rt_sigreturn, the
# pattern libgcc's unwinder recognises
TRAMPOLINE = struct.pack("<II", 0xD2801168, 0xD4000001)

_MC = UC + UC_MCONTEXT             # sigcontext's offset in the frame
_FPSIMD = _MC + SC_RESERVED        # the first (and only) record
_SIGSEGV, _SIGBUS = 11, 7


def _u64(v):
    return int(v) & (1 << 64) - 1


def _s64(v):
    return v - (1 << 64) if v >> 63 else v


def build_frame(regs, info, sigmask, stack):
    """The frame's bytes: siginfo `info` (128 bytes), the registers of `regs` (the CPU's int64
    array) and the mask to restore; `stack` is uc_stack: (ss_sp, ss_flags, ss_size)."""
    f = bytearray(FRAME_SIZE)
    info = info.ljust(SIGINFO_SIZE, b"\0")
    f[0:SIGINFO_SIZE] = info
    struct.pack_into("<QiiQ", f, UC + UC_STACK, stack[0], stack[1], 0, stack[2])
    struct.pack_into("<Q", f, UC + UC_SIGMASK, sigmask)
    signo, = struct.unpack_from("<i", info, 0)
    fault = struct.unpack_from("<Q", info, 16)[0] if signo in (_SIGSEGV, _SIGBUS) else 0
    pstate = (int(regs[NF]) << 31 | int(regs[ZF]) << 30 | int(regs[CF]) << 29
              | int(regs[VF]) << 28)                              # EL0t, NZCV
    struct.pack_into("<Q31QQQQ", f, _MC, fault, *(_u64(regs[i]) for i in range(31)),
                     _u64(regs[SP]), _u64(regs[PC]), pstate)
    struct.pack_into("<IIII", f, _FPSIMD, FPSIMD_MAGIC, FPSIMD_SIZE,
                     _u64(regs[FPSR]) & 0xFFFFFFFF, _u64(regs[FPCR]) & 0xFFFFFFFF)
    struct.pack_into("<64Q", f, _FPSIMD + 16, *(_u64(regs[V0 + i]) for i in range(64)))
    # the terminator after the record is already zero
    struct.pack_into("<QQ", f, FRAME_RECORD, _u64(regs[29]), _u64(regs[LR]))
    return bytes(f)


def restore_frame(regs, frame):
    """Load the registers saved in `frame` back into `regs`; returns (sigmask, uc_stack)."""
    g = struct.unpack_from("<31QQQQ", frame, _MC + SC_REGS)
    for i in range(31):
        regs[i] = _s64(g[i])
    regs[SP], regs[PC] = _s64(g[31]), _s64(g[32])
    pstate = g[33]
    regs[NF], regs[ZF], regs[CF], regs[VF] = (pstate >> 31 & 1, pstate >> 30 & 1,
                                              pstate >> 29 & 1, pstate >> 28 & 1)
    # The records: FPSIMD is the one the kernel requires; others (none written here) are skipped.
    off = _FPSIMD
    while off + 8 <= _MC + SC_RESERVED + RESERVED_SIZE:
        magic, size = struct.unpack_from("<II", frame, off)
        if magic == 0 or size < 8:
            break
        if magic == FPSIMD_MAGIC and size >= FPSIMD_SIZE:
            fpsr, fpcr = struct.unpack_from("<II", frame, off + 8)
            regs[FPSR], regs[FPCR] = fpsr, fpcr
            v = struct.unpack_from("<64Q", frame, off + 16)
            for i in range(64):
                regs[V0 + i] = _s64(v[i])
        off += size
    regs[RES_ADDR] = -1                             # no exclusive monitor survives a trap
    sigmask, = struct.unpack_from("<Q", frame, UC + UC_SIGMASK)
    ss_sp, ss_flags, _, ss_size = struct.unpack_from("<QiiQ", frame, UC + UC_STACK)
    return sigmask, (ss_sp, ss_flags, ss_size)


def enter_handler(regs, handler, sig, frame, trampoline):
    """Registers on entry to handler(sig, &frame->info, &frame->uc), returning to trampoline.
    (Linux sets x1 and x2 only for SA_SIGINFO handlers; setting them always is harmless to a
    handler that takes one argument.)"""
    regs[PC] = _s64(_u64(handler))
    regs[0] = sig
    regs[1] = frame
    regs[2] = frame + UC
    regs[29] = frame + FRAME_RECORD
    regs[LR] = trampoline
    regs[SP] = frame
    regs[RES_ADDR] = -1
