"""The loongarch64 signal frame, as Linux lays it out (ABI data plus the two copies in and out).

    struct rt_sigframe { siginfo_t rs_info; struct ucontext rs_uc; };
    arch/loongarch/kernel/signal.c (get_sigframe, setup_extcontext, setup_rt_frame)

Sources: arch/loongarch/include/uapi/asm/ucontext.h (uc_flags, uc_link, uc_stack, uc_sigmask
padded to 128 bytes, then uc_mcontext aligned to 16: offset 176) and asm/sigcontext.h (struct
sigcontext = sc_pc, sc_regs[32], sc_flags, then sc_extcontext[] aligned to 16: offset 272).
The FP registers are not in sigcontext but in an *extended context record* after the frame:
Linux reserves, below the (16-aligned) stack pointer, a 16-byte end marker, then the FPU record
(struct sctx_info {magic, size, padding} + struct fpu_context {regs[32], fcc, fcsr}: 16 + 272,
size field 288), then the rt_sigframe itself (576 bytes) -- so the record starts exactly at
sc_extcontext. fcc holds $fcc0..7 as one byte each (fcc0 in the lowest byte).
QEMU 7.2 writes the same offsets but a record size of 592; the kernel's layout is the reference.

The handler returns to `ra`. Linux points ra at the vDSO's __vdso_rt_sigreturn; we have no vDSO,
so the kernel maps a page holding the same two instructions (TRAMPOLINE) and points ra there.
"""
import struct

from translators.loongarch64.cpu import A0, F0, FCC0, FCSR, PC, RA, RES_ADDR, SP

SIGINFO_SIZE = 128
UC = SIGINFO_SIZE                  # offset of the ucontext in the frame
UC_FLAGS, UC_LINK, UC_STACK, UC_SIGMASK, UC_MCONTEXT = 0, 8, 16, 40, 176
SC_PC, SC_REGS, SC_FLAGS, SC_EXTCONTEXT = 0, 8, 264, 272
SC_USED_FP = 1
RT_SIGFRAME_SIZE = UC + UC_MCONTEXT + SC_EXTCONTEXT      # 576
FPU_CTX_MAGIC = 0x46505501
SCTX_INFO_SIZE = 16                                      # u32 magic, u32 size, u64 padding
FPU_RECORD_SIZE = SCTX_INFO_SIZE + 272                   # fpu_context: regs[32], fcc, fcsr
FRAME_SIZE = RT_SIGFRAME_SIZE + FPU_RECORD_SIZE + SCTX_INFO_SIZE   # 880, a multiple of 16
MINSIGSTKSZ, SIGSTKSZ = 4096, 16384                      # arch/loongarch/include/uapi/asm/signal.h

# li.w a7, 139 (__NR_rt_sigreturn) ; syscall 0 -- the body of Linux's __vdso_rt_sigreturn
TRAMPOLINE = struct.pack("<II", 0x03822C0B, 0x002B0000)

_MC = UC + UC_MCONTEXT             # sigcontext's offset in the frame
_FPU = RT_SIGFRAME_SIZE            # the FPU record's offset in the frame


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
    struct.pack_into("<Q", f, _MC + SC_PC, _u64(regs[PC]))
    struct.pack_into("<32Q", f, _MC + SC_REGS, 0, *(_u64(regs[i]) for i in range(1, 32)))
    struct.pack_into("<I", f, _MC + SC_FLAGS, SC_USED_FP)
    fcc = sum((int(regs[FCC0 + i]) & 1) << (8 * i) for i in range(8))
    struct.pack_into("<IIQ32QQI", f, _FPU, FPU_CTX_MAGIC, FPU_RECORD_SIZE, 0,
                     *(_u64(regs[F0 + i]) for i in range(32)), fcc, _u64(regs[FCSR]) & 0xFFFFFFFF)
    return bytes(f)                # the end marker after the record stays zero


def restore_frame(regs, frame):
    """Load the registers saved in `frame` back into `regs`; returns (sigmask, uc_stack).
    The extended context is walked record by record, as Linux's parse_extcontext does."""
    regs[PC] = _s64(struct.unpack_from("<Q", frame, _MC + SC_PC)[0])
    g = struct.unpack_from("<32Q", frame, _MC + SC_REGS)
    for i in range(1, 32):
        regs[i] = _s64(g[i])
    off = _MC + SC_EXTCONTEXT
    while off + SCTX_INFO_SIZE <= len(frame):
        magic, size = struct.unpack_from("<II", frame, off)
        if magic == 0 or size < SCTX_INFO_SIZE:
            break
        if magic == FPU_CTX_MAGIC and off + SCTX_INFO_SIZE + 268 <= len(frame):
            fp = struct.unpack_from("<32QQI", frame, off + SCTX_INFO_SIZE)
            for i in range(32):
                regs[F0 + i] = _s64(fp[i])
            for i in range(8):
                regs[FCC0 + i] = (fp[32] >> (8 * i)) & 1
            regs[FCSR] = fp[33] & 0x1F1F031F             # fcsr0's defined bits
        off += size
    regs[RES_ADDR] = -1                             # no LL reservation survives a trap
    sigmask, = struct.unpack_from("<Q", frame, UC + UC_SIGMASK)
    ss_sp, ss_flags, _, ss_size = struct.unpack_from("<QiiQ", frame, UC + UC_STACK)
    return sigmask, (ss_sp, ss_flags, ss_size)


def enter_handler(regs, handler, sig, frame, trampoline):
    """Registers on entry to handler(sig, &frame->rs_info, &frame->rs_uc), returning to
    trampoline."""
    regs[PC] = _s64(_u64(handler))
    regs[A0] = sig
    regs[A0 + 1] = frame
    regs[A0 + 2] = frame + UC
    regs[RA] = trampoline
    regs[SP] = frame
    regs[RES_ADDR] = -1
