"""The riscv64 signal frame, as Linux lays it out (ABI data plus the two copies in and out).

    struct rt_sigframe { siginfo_t info; struct ucontext uc; };   arch/riscv/kernel/signal.c

Sources: arch/riscv/include/uapi/asm/ucontext.h (uc_flags, uc_link, uc_stack, uc_sigmask padded to
128 bytes, then uc_mcontext aligned to 16), asm/sigcontext.h (struct sigcontext = user_regs_struct
sc_regs, then union __riscv_fp_state sc_fpregs) and asm/ptrace.h (user_regs_struct is pc, x1..x31;
the D member of the FP union is u64 f[32] + u32 fcsr; the Q member makes the union 528 bytes).
With no vector state the kernel puts nothing after sigcontext, so the frame is 1088 bytes.
glibc's ucontext_t/mcontext_t have the same offsets (tests/kernel/test_signal.py checks both).

The handler returns to `ra`. Linux points ra at __vdso_rt_sigreturn; we have no vDSO, so the
kernel maps a page holding the same two instructions (TRAMPOLINE) and points ra there.
"""
import struct

from translators.riscv64.cpu import A0, F0, FCSR, PC, RA, RES_ADDR, SP

SIGINFO_SIZE = 128
UC = SIGINFO_SIZE                  # offset of the ucontext in the frame
UC_FLAGS, UC_LINK, UC_STACK, UC_SIGMASK, UC_MCONTEXT = 0, 8, 16, 40, 176
SC_REGS = 0                        # sc_regs.pc, then x1..x31: 32 x u64
SC_FPREGS = 256                    # sc_fpregs.d.f[32] (u64), then fcsr (u32) at +256
FP_STATE_SIZE = 528                # sizeof(union __riscv_fp_state): the Q member
SIGCONTEXT_SIZE = SC_FPREGS + FP_STATE_SIZE            # 784
UCONTEXT_SIZE = UC_MCONTEXT + SIGCONTEXT_SIZE          # 960
FRAME_SIZE = SIGINFO_SIZE + UCONTEXT_SIZE              # 1088
MINSIGSTKSZ, SIGSTKSZ = 2048, 8192                     # asm-generic/signal.h (riscv uses it)

# li a7, 139 (__NR_rt_sigreturn) ; ecall -- the body of Linux's __vdso_rt_sigreturn
TRAMPOLINE = struct.pack("<II", 0x08B00893, 0x00000073)

_MC = UC + UC_MCONTEXT             # sigcontext's offset in the frame


def _u64(v):
    return int(v) & (1 << 64) - 1


def _s64(v):
    return v - (1 << 64) if v >> 63 else v


def build_frame(regs, info, sigmask, stack):
    """The frame's bytes: siginfo `info` (128 bytes), the registers of `regs` (the CPU's int64
    array) and the mask to restore; `stack` is uc_stack: (ss_sp, ss_flags, ss_size)."""
    f = bytearray(FRAME_SIZE)
    f[0:SIGINFO_SIZE] = info.ljust(SIGINFO_SIZE, b"\0")
    struct.pack_into("<QiiQ", f, UC + UC_STACK, stack[0], stack[1], 0, stack[2])
    struct.pack_into("<Q", f, UC + UC_SIGMASK, sigmask)
    gregs = [_u64(regs[PC])] + [_u64(regs[i]) for i in range(1, 32)]
    struct.pack_into("<32Q", f, _MC + SC_REGS, *gregs)
    struct.pack_into("<32QI", f, _MC + SC_FPREGS, *(_u64(regs[F0 + i]) for i in range(32)),
                     _u64(regs[FCSR]) & 0xFF)
    return bytes(f)


def restore_frame(regs, frame):
    """Load the registers saved in `frame` back into `regs`; returns (sigmask, uc_stack)."""
    g = struct.unpack_from("<32Q", frame, _MC + SC_REGS)
    regs[PC] = _s64(g[0])
    for i in range(1, 32):
        regs[i] = _s64(g[i])
    fp = struct.unpack_from("<32QI", frame, _MC + SC_FPREGS)
    for i in range(32):
        regs[F0 + i] = _s64(fp[i])
    regs[FCSR] = fp[32] & 0xFF                      # fflags + frm; reserved bits read as zero
    regs[RES_ADDR] = -1                             # no LR reservation survives a trap
    sigmask, = struct.unpack_from("<Q", frame, UC + UC_SIGMASK)
    ss_sp, ss_flags, _, ss_size = struct.unpack_from("<QiiQ", frame, UC + UC_STACK)
    return sigmask, (ss_sp, ss_flags, ss_size)


def enter_handler(regs, handler, sig, frame, trampoline):
    """Registers on entry to handler(sig, &frame->info, &frame->uc), returning to trampoline."""
    regs[PC] = _s64(_u64(handler))
    regs[A0] = sig
    regs[A0 + 1] = frame
    regs[A0 + 2] = frame + UC
    regs[RA] = trampoline
    regs[SP] = frame
    regs[RES_ADDR] = -1
