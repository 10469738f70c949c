"""The system call boundary for an ABI that is not asm-generic's (MIPS o32, from its ABI module's
tables): the calling convention, errno, signals, ioctls, termios, sockets -- and the identity for
the asm-generic ABIs. Values checked against arch/mips/include/uapi/asm/*.h."""
import struct

import numpy as np
import pytest

from kernel import signal as S
from kernel import uapi
from kernel.abimap import errno_out, fmt, syscall_args
from kernel.context import UserContext
from kernel.errno import EAGAIN, ENOENT, ENOSYS
from kernel.sigabi import SignalAbi
from tests.kernel.fakes import FakeMM
from translators.mipsel import abi as o32
from translators.mipsel import cpu as mcpu
from translators.mipsel import signal as msignal
from translators.riscv64 import abi as generic


def test_stack_arguments_and_64_bit_pairs():
    mm = FakeMM(1 << 16, base=0x10000)
    mm.write(0x10010, struct.pack("<4i", 5, 6, -7, 8))       # 16..28($sp)
    assert syscall_args(o32, mm, 0x10000, "mmap2", [1, 2, 3, 4], 6) == [1, 2, 3, 4, 5, 6]
    assert syscall_args(o32, mm, 0x10000, "write", [1, 2, 3, 4], 3) == [1, 2, 3]
    # pread64(fd, buf, count, [pad], lo, hi): the offset takes the aligned pair at 16($sp)
    mm.write(0x10010, struct.pack("<2I", 0x89ABCDEF, 0x1))
    assert syscall_args(o32, mm, 0x10000, "pread64", [3, 0x400, 10, 0], 4) == [3, 0x400, 10,
                                                                               0x189ABCDEF]
    # ftruncate64(fd, [pad], lo, hi); ftruncate (32-bit length) is not a pair
    assert syscall_args(o32, mm, 0, "ftruncate64", [3, 0, 5, 0], 2) == [3, 5]
    assert syscall_args(o32, mm, 0, "ftruncate", [3, 5, 0, 0], 2) == [3, 5]
    assert syscall_args(generic, mm, 0, "pread64", [3, 0x400, 10, 7, 0, 0], 4) == [3, 0x400, 10, 7]


def test_errors_set_a3_with_a_positive_mips_errno():
    regs = mcpu.new_regs()
    ctx = UserContext(regs, o32)
    ctx.set_return(-ENOSYS)
    assert regs[mcpu.V0] == 89 and regs[mcpu.A3] == 1        # MIPS's ENOSYS
    ctx.set_return(-ENOENT)
    assert regs[mcpu.V0] == ENOENT and regs[mcpu.A3] == 1     # 1..34 are the same
    ctx.set_return(42)
    assert regs[mcpu.V0] == 42 and regs[mcpu.A3] == 0
    assert errno_out(generic) == {} and EAGAIN not in errno_out(o32)    # 11 on both


def test_setting_the_pc_clears_a_pending_delay_slot():
    regs = mcpu.new_regs()
    ctx = UserContext(regs, o32)
    ctx.pc = 0x400100
    assert regs[mcpu.NPC] == 0x400104
    ctx.skip_syscall()
    assert (regs[mcpu.PC], regs[mcpu.NPC]) == (0x400104, 0x400108)


def test_signal_numbers_masks_and_flags():
    sa = SignalAbi(o32)
    assert sa.sig_out(S.SIGCHLD) == 18 and sa.sig_in(18) == S.SIGCHLD
    assert sa.sig_out(S.SIGBUS) == 10 and sa.sig_out(S.SIGUSR1) == 16
    assert sa.sig_in(7) == S.SIGSTKFLT                         # SIGEMT's twin
    assert sa.sig_out(S.SIGRTMIN + 3) == 35                   # real-time signals as they are
    with pytest.raises(Exception):
        sa.sig_in(100)                                        # past the kernel's 64
    mask = S.bit(S.SIGCHLD) | S.bit(S.SIGINT)
    assert sa.mask_out(mask) == ((1 << 17) | (1 << 1)).to_bytes(16, "little")
    assert sa.mask_in(sa.mask_out(mask)) == mask and sa.setsize == 16
    assert sa.how_in(1) == S.SIG_BLOCK and sa.how_in(3) == S.SIG_SETMASK
    assert sa.sa_flags_in(0x8) == S.SA_SIGINFO and sa.sa_flags_out(S.SA_NOCLDWAIT) == 0x10000
    assert sa.status_out(S.SIGCHLD) == 18                     # killed by SIGCHLD's number
    assert sa.status_out(0x7F | S.SIGTSTP << 8) == 0x7F | 24 << 8
    ident = SignalAbi(generic)
    assert ident.sig_out(S.SIGCHLD) == S.SIGCHLD and ident.setsize == 8


def test_sigaction_stack_t_and_siginfo_layouts():
    sa = SignalAbi(o32)
    layout, order = sa.sigaction_layout()
    assert order == ("flags", "handler", "mask") and struct.calcsize(layout) == 24
    assert sa.unpack_stack(struct.pack("<IIi", 0x5000, 0x2000, 1)) == (0x5000, 1, 0x2000)
    info = sa.pack_info(S.SigInfo(S.SIGSEGV, S.SEGV_MAPERR, addr=0x1234))
    assert struct.unpack_from("<iiiI", info) == (11, S.SEGV_MAPERR, 0, 0x1234)
    timer = sa.pack_info(S.SigInfo(S.SIGALRM, S.SI_TIMER))
    assert struct.unpack_from("<ii", timer) == (14, -3)       # MIPS's SI_TIMER
    chld = sa.pack_info(S.SigInfo(S.SIGCHLD, S.CLD_KILLED, pid=7, status=S.SIGTERM))
    assert struct.unpack_from("<iiiiIi", chld) == (18, S.CLD_KILLED, 0, 7, 0, 15)
    assert SignalAbi(generic).pack_info(S.SigInfo(S.SIGCHLD)) == S.SigInfo(S.SIGCHLD).pack()


def test_ioctls_termios_fcntl_and_mmap_flags():
    assert uapi.ioctl_in(o32, 0x540D) == uapi.TCGETS
    assert uapi.ioctl_in(o32, 0x40087468) == uapi.TIOCGWINSZ
    assert uapi.ioctl_in(o32, 0x5401) == -1                  # TCGETA, not asm-generic's TCGETS
    assert uapi.ioctl_in(generic, 0x5401) == uapi.TCGETS
    tio = uapi.DEFAULT_TERMIOS
    raw = tio.pack(o32)
    assert len(raw) == uapi.termios_size(o32) == 40
    assert raw[17 + 4] == tio.cc[6] and raw[17 + 16] == tio.cc[4]     # VMIN at 4, VEOF at 16
    back = uapi.Termios.unpack(raw, o32)
    assert (back.lflag, back.cc[:16]) == (tio.lflag, tio.cc[:16])
    iexten = struct.unpack_from("<I", raw, 12)[0] & 0x100
    assert iexten and tio.lflag & 0o100000
    assert uapi.fcntl_in(o32, 33) == uapi.F_GETLK == uapi.fcntl_in(o32, 14)
    assert uapi.flock_struct(o32, 14).size == 36 and uapi.flock_struct(o32, 33) is uapi.FLOCK
    assert uapi.map_flags_in(o32, 0x802) == 0x22             # MAP_ANONYMOUS | MAP_PRIVATE


def test_sockets():
    assert uapi.socket_type_in(o32, 2 | 0x80) == uapi.SOCK_STREAM | uapi.SOCK_NONBLOCK
    assert uapi.socket_type_in(o32, 1) == uapi.SOCK_DGRAM
    assert uapi.socket_type_out(o32, uapi.SOCK_STREAM) == 2
    assert uapi.sockopt_in(o32, 0xFFFF, 0x1008) == (uapi.SOL_SOCKET, uapi.SO_TYPE)
    assert uapi.sockopt_in(o32, 0xFFFF, 2) == (uapi.SOL_SOCKET, -1)      # not SO_REUSEADDR
    assert uapi.sockopt_in(generic, 1, 2) == (uapi.SOL_SOCKET, uapi.SO_REUSEADDR)
    cm = uapi.pack_cmsg(uapi.SOL_SOCKET, uapi.SCM_RIGHTS, struct.pack("<i", 5), o32)
    assert struct.unpack_from("<Iii", cm) == (16, 0xFFFF, uapi.SCM_RIGHTS) and len(cm) == 16
    assert uapi.unpack_cmsgs(cm, o32) == [(uapi.SOL_SOCKET, uapi.SCM_RIGHTS, b"\5\0\0\0")]
    assert uapi.msghdr(o32).size == 28 and fmt(o32, "<lL") == "<iI"


def test_the_frame_resumes_a_pending_delay_slot_at_its_branch():
    regs = mcpu.new_regs()
    regs[mcpu.PC], regs[mcpu.NPC] = 0x400104, 0x400200       # the branch at 0x400100 was taken
    regs[mcpu.FCSR], regs[mcpu.HI] = 0x3, -2
    frame = msignal.build_frame(regs, b"", 1 << 100, (0, 2, 0))
    sc = msignal.RT_UC + msignal.UC_MCONTEXT
    assert struct.unpack_from("<Q", frame, sc + msignal.SC_PC)[0] == 0x400100
    fresh = mcpu.new_regs()
    mask, stack = msignal.restore_frame(fresh, frame)
    assert (fresh[mcpu.PC], fresh[mcpu.NPC]) == (0x400100, 0x400104)
    assert mask == 1 << 100 and stack == (0, 2, 0)
    assert fresh[mcpu.FCSR] == 3 and fresh[mcpu.HI] == -2


def test_the_legacy_frame_and_its_trampoline():
    legacy = msignal.LEGACY
    regs = mcpu.new_regs()
    regs[mcpu.PC], regs[mcpu.NPC], regs[5] = 0x400000, 0x400004, 77
    frame = legacy.build_frame(regs, b"", 0x12, None)
    assert len(frame) == legacy.FRAME_SIZE and legacy.FRAME_SIZE % 16 == 0
    legacy.enter_handler(regs, 0x401000, 18, 0x7FF000, 0x7FFF0000)
    assert regs[mcpu.PC] == regs[mcpu.T9] == 0x401000 and regs[4] == 18 and regs[5] == 0
    assert regs[6] == 0x7FF000 + msignal.SF_SC and regs[mcpu.RA] == 0x7FFF0008
    assert msignal.TRAMPOLINE[8:12] == struct.pack("<I", 0x24021017)     # li v0, 4119
    fresh = np.zeros_like(regs)
    mask, stack = legacy.restore_frame(fresh, frame)
    assert mask == 0x12 and stack is None and fresh[5] == 77 and fresh[mcpu.PC] == 0x400000
