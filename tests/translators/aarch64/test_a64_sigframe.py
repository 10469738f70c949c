"""The aarch64 signal frame and ABI against the cross compiler's headers (Linux's uapi and glibc's
ucontext_t), and a build/restore round trip of every register the frame carries."""
import struct
import subprocess

import numpy as np

from tests.tools import need
from translators.aarch64 import abi, cpu
from translators.aarch64 import signal as frame
from translators.aarch64.disasm import disasm

GLIBC = r"""
#include <stddef.h>
#include <signal.h>
#include <sys/ucontext.h>
#define EQ(a, b) _Static_assert((a) == (b), #a)
EQ(offsetof(ucontext_t, uc_stack), %(UC_STACK)d);
EQ(offsetof(ucontext_t, uc_sigmask), %(UC_SIGMASK)d);
EQ(offsetof(ucontext_t, uc_mcontext), %(UC_MCONTEXT)d);
EQ(offsetof(mcontext_t, fault_address), %(SC_FAULT_ADDRESS)d);
EQ(offsetof(mcontext_t, regs), %(SC_REGS)d);
EQ(offsetof(mcontext_t, sp), %(SC_SP)d);
EQ(offsetof(mcontext_t, pc), %(SC_PC)d);
EQ(offsetof(mcontext_t, pstate), %(SC_PSTATE)d);
EQ(offsetof(mcontext_t, __reserved), %(SC_RESERVED)d);
EQ(sizeof(mcontext_t), %(SC_RESERVED)d + %(RESERVED_SIZE)d);
EQ(sizeof(siginfo_t), %(SIGINFO_SIZE)d);
"""
UAPI = r"""
#include <asm/signal.h>
#include <asm/sigcontext.h>
#include <asm/hwcap.h>
#define EQ(a, b) _Static_assert((a) == (b), #a)
EQ(FPSIMD_MAGIC, %(FPSIMD_MAGIC)d);
EQ(sizeof(struct fpsimd_context), %(FPSIMD_SIZE)d);
EQ(__builtin_offsetof(struct fpsimd_context, vregs), 16);
EQ(MINSIGSTKSZ, %(MINSIGSTKSZ)d);
EQ(HWCAP_FP | HWCAP_ASIMD, %(HWCAP)d);
EQ(SA_RESTORER, %(SA_RESTORER)d);
EQ(sizeof(struct sigaction), 32);          /* handler, flags, restorer, mask */
"""


def test_frame_layout_matches_the_cross_compilers_headers(tmp_path):
    gcc = need("aarch64-linux-gnu-gcc")
    names = {k: getattr(frame, k) for k in dir(frame) if k.isupper() and
             isinstance(getattr(frame, k), int)}
    for name, text in (("glibc.c", GLIBC), ("uapi.c", UAPI)):
        src = tmp_path / name
        src.write_text(text % dict(names, HWCAP=abi.HWCAP, SA_RESTORER=abi.SA_RESTORER))
        r = subprocess.run([gcc, "-fsyntax-only", str(src)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert frame.RT_SIGFRAME_SIZE == 4688 and frame.FRAME_SIZE % 16 == 0


def test_trampoline_is_mov_x8_rt_sigreturn_svc():
    a, b = struct.unpack("<II", frame.TRAMPOLINE)
    assert disasm(a, 0).split() == ["movz", "x8,", "#0x8b"]          # 139
    assert disasm(b, 4).split() in (["svc", "#0"], ["svc", "#0x0"])
    assert abi.SYSCALL_NAMES[139] == "rt_sigreturn"


def test_every_register_round_trips_and_the_handler_sees_linux_entry_state():
    regs = cpu.new_regs()
    rng = np.random.default_rng(1)
    regs[:] = rng.integers(-2**63, 2**63 - 1, cpu.NREGS, dtype=np.int64)
    regs[cpu.NF], regs[cpu.ZF], regs[cpu.CF], regs[cpu.VF] = 1, 0, 1, 1
    regs[cpu.FPSR], regs[cpu.FPCR] = 0x1F, 0x00C0_0000
    saved = regs.copy()
    info = struct.pack("<iiiiQ", 11, 0, 1, 0, 0xDEAD000)      # SIGSEGV at 0xdead000
    f = frame.build_frame(regs, info, 0x5, (0, 2, 0))
    mc = frame.UC + frame.UC_MCONTEXT
    assert struct.unpack_from("<Q", f, mc)[0] == 0xDEAD000                # fault_address
    assert struct.unpack_from("<Q", f, mc + frame.SC_PSTATE)[0] == 0xB000_0000     # N C V
    assert struct.unpack_from("<II", f, mc + frame.SC_RESERVED) == (frame.FPSIMD_MAGIC, 528)
    end = mc + frame.SC_RESERVED + frame.FPSIMD_SIZE
    assert f[end:end + 8] == bytes(8)                                     # the terminator
    rec = struct.unpack_from("<QQ", f, frame.FRAME_RECORD)
    assert rec == (int(saved[29]) & (1 << 64) - 1, int(saved[cpu.LR]) & (1 << 64) - 1)

    frame.enter_handler(regs, 0x400100, 11, 0x7000_0000, 0x1000)
    assert (regs[0], regs[1], regs[2]) == (11, 0x7000_0000, 0x7000_0000 + frame.UC)
    assert regs[29] == 0x7000_0000 + frame.FRAME_RECORD and regs[cpu.LR] == 0x1000
    assert regs[cpu.SP] == 0x7000_0000 and regs[cpu.PC] == 0x400100

    regs[:] = 0
    mask, stack = frame.restore_frame(regs, f)
    assert mask == 5 and stack == (0, 2, 0)
    keep = [i for i in range(cpu.NREGS) if i not in (cpu.RES_ADDR, cpu.RES_VALUE,
                                                     cpu.RES_VALUE2, cpu.RES_SIZE, cpu.TPIDR_EL0)
            and not 44 <= i < cpu.V0]
    assert all(regs[i] == saved[i] for i in keep if i not in (cpu.FPSR, cpu.FPCR))
    assert (regs[cpu.FPSR], regs[cpu.FPCR]) == (0x1F, 0x00C0_0000)
    assert regs[cpu.RES_ADDR] == -1
