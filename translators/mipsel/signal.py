"""The o32 signal frames, as Linux lays them out (arch/mips/kernel/signal.c, uapi asm/sigcontext.h,
asm/ucontext.h). MIPS has two kinds: a handler registered with SA_SIGINFO gets

    struct rt_sigframe { u32 rs_ass[4]; u32 rs_pad[2]; siginfo_t rs_info; struct ucontext rs_uc; }

and returns through rt_sigreturn; any other handler gets the older (LEGACY below)

    struct sigframe { u32 sf_ass[4]; u32 sf_pad[2]; struct sigcontext sf_sc; sigset_t sf_mask; }

and returns through sigreturn. o32's ucontext is {u32 uc_flags; u32 uc_link; stack_t uc_stack
(ss_sp, ss_size, ss_flags); pad; struct sigcontext uc_mcontext (at 24); sigset_t uc_sigmask (16
bytes)}, and its sigcontext (592 bytes) {u32 sc_regmask, sc_status; u64 sc_pc; u64 sc_regs[32];
u64 sc_fpregs[32]; u32 sc_acx, sc_fpc_csr, sc_fpc_eir, sc_used_math, sc_dsp; pad; u64 sc_mdhi,
sc_mdlo; u32 sc_hi1..sc_lo3}. With FR=0 the FP registers are saved as the 16 even/odd pairs,
each double in its even slot.

sc_pc is where the interrupted code resumes: the branch, if a delay slot was pending (Linux's
EPC with Cause.BD), so the branch and its slot run again as a unit. Get_sigframe leaves 32 bytes
below sp (FRAME_SIZE includes them). On entry: a0 = signal, a1 = &info (rt; 0 for the legacy
frame), a2 = &uc or &sc, t9 = pc = handler, ra = the kernel's trampoline (MIPS has no
SA_RESTORER: the vDSO's two instructions, mapped by the kernel; the legacy one 8 bytes in).
"""
import struct
from types import SimpleNamespace

from translators.mipsel.cpu import F0, FCSR, HI, LO, NPC, PC, RA, RES_ADDR, SP, T9

SIGINFO_SIZE = 128
SC_SIZE = 592
SC_PC, SC_REGS, SC_FPREGS, SC_FPC_CSR, SC_USED_MATH, SC_MDHI, SC_MDLO = 8, 16, 272, 532, 540, 552, 560
SIGSET_SIZE = 16
# rt_sigframe: the args area, siginfo at 24, ucontext at 152 (its mcontext at +24, mask at +616)
RT_INFO, RT_UC = 24, 24 + SIGINFO_SIZE
UC_STACK, UC_MCONTEXT, UC_SIGMASK = 8, 24, 24 + SC_SIZE
RT_SIGFRAME_SIZE = RT_UC + UC_SIGMASK + SIGSET_SIZE              # 784
# sigframe: sigcontext at 24, mask after it
SF_SC, SF_MASK = 24, 24 + SC_SIZE
SIGFRAME_SIZE = SF_MASK + SIGSET_SIZE                            # 632
GAP = 32                     # get_sigframe: sp -= 32 before placing the frame
MINSIGSTKSZ, SIGSTKSZ = 2048, 8192                               # asm/signal.h
# li v0, 4193 (__NR_rt_sigreturn); syscall -- then li v0, 4119 (__NR_sigreturn); syscall
TRAMPOLINE = struct.pack("<IIII", 0x24021061, 0x0000000C, 0x24021017, 0x0000000C)
LEGACY_TRAMPOLINE = 8


def _round16(n):
    return (n + 15) & ~15


FRAME_SIZE = _round16(RT_SIGFRAME_SIZE + GAP)


def _u64(v):
    return int(v) & (1 << 64) - 1


def _s32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def _pack_sigcontext(f, off, regs):
    pc = int(regs[PC])
    if int(regs[NPC]) != _s32(pc + 4):          # a delay slot is pending: resume at its branch
        pc -= 4
    struct.pack_into("<IIQ", f, off, 0, 0, _u64(_s32(pc)))
    struct.pack_into("<32Q", f, off + SC_REGS, 0, *(_u64(regs[i]) for i in range(1, 32)))
    pairs = [(int(regs[F0 + i]) & 0xFFFFFFFF) | (int(regs[F0 + i + 1]) & 0xFFFFFFFF) << 32
             for i in range(0, 32, 2)]
    struct.pack_into("<32Q", f, off + SC_FPREGS, *(x for p in pairs for x in (p, 0)))
    struct.pack_into("<II", f, off + SC_FPC_CSR, int(regs[FCSR]) & 0xFFFFFFFF, 0)
    struct.pack_into("<I", f, off + SC_USED_MATH, 1)
    struct.pack_into("<QQ", f, off + SC_MDHI, _u64(regs[HI]), _u64(regs[LO]))


def _unpack_sigcontext(regs, frame, off):
    pc, = struct.unpack_from("<Q", frame, off + SC_PC)
    g = struct.unpack_from("<32Q", frame, off + SC_REGS)
    for i in range(1, 32):
        regs[i] = _s32(g[i])
    fp = struct.unpack_from("<32Q", frame, off + SC_FPREGS)
    for i in range(0, 32, 2):
        regs[F0 + i], regs[F0 + i + 1] = fp[i] & 0xFFFFFFFF, fp[i] >> 32 & 0xFFFFFFFF
    regs[FCSR], = struct.unpack_from("<I", frame, off + SC_FPC_CSR)
    hi, lo = struct.unpack_from("<QQ", frame, off + SC_MDHI)
    regs[HI], regs[LO] = _s32(hi), _s32(lo)
    regs[PC] = _s32(pc)
    regs[NPC] = _s32(pc + 4)
    regs[RES_ADDR] = -1                 # no LL reservation survives a trap


def build_frame(regs, info, sigmask, stack):
    """The rt_sigframe's bytes (FRAME_SIZE, the gap above it zero): siginfo `info`, the registers
    of `regs`, the mask to restore (the guest's 128-bit sigset as an int); `stack` is uc_stack:
    (ss_sp, ss_flags, ss_size)."""
    f = bytearray(FRAME_SIZE)
    f[RT_INFO:RT_INFO + SIGINFO_SIZE] = info.ljust(SIGINFO_SIZE, b"\0")
    struct.pack_into("<IIi", f, RT_UC + UC_STACK, stack[0] & 0xFFFFFFFF, stack[2] & 0xFFFFFFFF,
                     stack[1])
    _pack_sigcontext(f, RT_UC + UC_MCONTEXT, regs)
    f[RT_UC + UC_SIGMASK:RT_UC + UC_SIGMASK + SIGSET_SIZE] = sigmask.to_bytes(SIGSET_SIZE, "little")
    return bytes(f)


def restore_frame(regs, frame):
    """Load the registers saved in an rt_sigframe back into `regs`; returns (sigmask, uc_stack)."""
    _unpack_sigcontext(regs, frame, RT_UC + UC_MCONTEXT)
    sigmask = int.from_bytes(frame[RT_UC + UC_SIGMASK:RT_UC + UC_SIGMASK + SIGSET_SIZE], "little")
    ss_sp, ss_size, ss_flags = struct.unpack_from("<IIi", frame, RT_UC + UC_STACK)
    return sigmask, (ss_sp, ss_flags, ss_size)


def _enter(regs, handler, sig, frame, trampoline, info, context):
    regs[PC] = regs[T9] = _s32(handler)
    regs[NPC] = _s32(handler + 4)
    regs[4], regs[5], regs[6] = sig, info, context
    regs[SP] = frame
    regs[RA] = trampoline
    regs[RES_ADDR] = -1


def enter_handler(regs, handler, sig, frame, trampoline):
    """Registers on entry to handler(sig, &frame->rs_info, &frame->rs_uc)."""
    _enter(regs, handler, sig, frame, trampoline, frame + RT_INFO, frame + RT_UC)


# ---- the legacy sigframe: handlers without SA_SIGINFO, sigreturn -------------------------------

def _build_legacy(regs, info, sigmask, stack):
    f = bytearray(_round16(SIGFRAME_SIZE + GAP))
    _pack_sigcontext(f, SF_SC, regs)
    f[SF_MASK:SF_MASK + SIGSET_SIZE] = sigmask.to_bytes(SIGSET_SIZE, "little")
    return bytes(f)


def _restore_legacy(regs, frame):
    """sigreturn: the registers and mask; the sigframe has no stack_t (None: leave it)."""
    _unpack_sigcontext(regs, frame, SF_SC)
    return int.from_bytes(frame[SF_MASK:SF_MASK + SIGSET_SIZE], "little"), None


def _enter_legacy(regs, handler, sig, frame, trampoline):
    _enter(regs, handler, sig, frame, trampoline + LEGACY_TRAMPOLINE, 0, frame + SF_SC)


LEGACY = SimpleNamespace(FRAME_SIZE=_round16(SIGFRAME_SIZE + GAP), TRAMPOLINE=TRAMPOLINE,
                         MINSIGSTKSZ=MINSIGSTKSZ, build_frame=_build_legacy,
                         restore_frame=_restore_legacy, enter_handler=_enter_legacy)
