"""Signals: the riscv64 frame layout against Linux's uapi, and the kernel's generation, delivery,
masks, interrupted system calls and sigreturn, on a small fake kernel (real scheduler, real
address space; no CPU -- the register array is the translator's layout, driven by hand)."""
import struct
import subprocess

import numpy as np
import pytest

from kernel import signal as S
from kernel.context import UserContext
from kernel.errno import EINTR, EINVAL, EPERM, ESRCH, Errno
from kernel.frames import FrameAllocator
from kernel.pagetable import PTE_R, PTE_W
from kernel.process import Credentials, Process, Thread
from kernel.sched import WouldBlock, Scheduler
from kernel.sigabi import SignalAbi
from kernel.syscalls import signal as SS
from kernel.syscalls import table
from kernel.vm import AddressSpace
from translators.riscv64 import abi, cpu
from translators.riscv64 import signal as frame
from translators.riscv64.disasm import disasm
from tests.tools import need

STACK_TOP = 0x7000_0000


# ---- the frame layout ---------------------------------------------------------------------------
def test_frame_layout_matches_linux_uapi():
    """Numbers from arch/riscv/include/uapi/asm/{ucontext,sigcontext,ptrace}.h: uc_mcontext
    follows uc_sigmask padded to 1024 bits and is 16-aligned; sigcontext is user_regs_struct
    (pc, x1..x31) then the FP union, whose largest (Q) member is 528 bytes."""
    assert (frame.UC_FLAGS, frame.UC_LINK, frame.UC_STACK, frame.UC_SIGMASK) == (0, 8, 16, 40)
    assert frame.UC_MCONTEXT == 40 + 128 + 8 == 176      # sigmask + __unused[120], aligned 16
    assert frame.SC_FPREGS == 32 * 8
    assert frame.SIGCONTEXT_SIZE == 784 and frame.UCONTEXT_SIZE == 960
    assert frame.FRAME_SIZE == 128 + 960 and frame.FRAME_SIZE % 16 == 0


CHECK_UAPI = r"""
#include <stddef.h>
#include <asm/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#define EQ(a, b) _Static_assert((a) == (b), #a)
EQ(offsetof(struct ucontext, uc_sigmask), %(UC_SIGMASK)d);
EQ(offsetof(struct ucontext, uc_mcontext), %(UC_MCONTEXT)d);
EQ(offsetof(struct sigcontext, sc_fpregs), %(SC_FPREGS)d);
EQ(sizeof(struct sigcontext), %(SIGCONTEXT_SIZE)d);
EQ(sizeof(struct ucontext), %(UCONTEXT_SIZE)d);
EQ(sizeof(struct sigaction), 24);
"""
CHECK_C = r"""
#include <stddef.h>
#include <signal.h>
#include <sys/ucontext.h>
#define EQ(a, b) _Static_assert((a) == (b), #a)
EQ(offsetof(ucontext_t, uc_stack), %(UC_STACK)d);
EQ(offsetof(ucontext_t, uc_sigmask), %(UC_SIGMASK)d);
EQ(offsetof(ucontext_t, uc_mcontext), %(UC_MCONTEXT)d);
EQ(offsetof(mcontext_t, __gregs[REG_PC]), 0);
EQ(offsetof(mcontext_t, __fpregs), %(SC_FPREGS)d);
EQ(offsetof(mcontext_t, __fpregs.__d.__fcsr), %(SC_FPREGS)d + 256);
EQ(sizeof(mcontext_t), %(SIGCONTEXT_SIZE)d);
EQ(sizeof(siginfo_t), %(SIGINFO_SIZE)d);
EQ(offsetof(siginfo_t, si_addr), 16);
EQ(offsetof(siginfo_t, si_status), 24);
EQ(sizeof(stack_t), 24);
"""


def test_frame_layout_matches_the_cross_compilers_headers(tmp_path):
    """The same numbers, checked by the riscv64 compiler against glibc's ucontext_t and the
    kernel's struct sigcontext as installed with the cross toolchain."""
    gcc = need("riscv64-linux-gnu-gcc")
    for name, text in (("uapi.c", CHECK_UAPI), ("glibc.c", CHECK_C)):
        src = tmp_path / name
        src.write_text(text % {k: getattr(frame, k) for k in dir(frame) if k.isupper()})
        r = subprocess.run([gcc, "-fsyntax-only", str(src)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_trampoline_is_li_a7_rt_sigreturn_ecall():
    a, b = struct.unpack("<II", frame.TRAMPOLINE)
    assert disasm(a, 0).replace(" ", "") in ("lia7,139", "addia7,zero,139")
    assert disasm(b, 4).strip() == "ecall"
    assert abi.SYSCALL_NAMES[139] == "rt_sigreturn"


def test_build_and_restore_round_trip():
    regs = cpu.new_regs()
    for i in range(1, 32):
        regs[i] = -i * 0x1111
    for i in range(32):
        regs[cpu.F0 + i] = 0x4000_0000_0000_0000 + i
    regs[cpu.PC], regs[cpu.FCSR] = 0x10234, 0xE1
    info = S.SigInfo(S.SIGSEGV, S.SEGV_ACCERR, addr=0xDEAD).pack()
    data = frame.build_frame(regs, info, 0x5A5A, (0x9000, 0, 0x4000))
    assert len(data) == frame.FRAME_SIZE
    mc = frame.UC + frame.UC_MCONTEXT
    assert struct.unpack_from("<Q", data, mc)[0] == 0x10234                  # sc_regs.pc
    assert struct.unpack_from("<q", data, mc + 8 * 2)[0] == -2 * 0x1111      # sp = x2
    assert struct.unpack_from("<I", data, mc + frame.SC_FPREGS + 256)[0] == 0xE1
    assert struct.unpack_from("<iii", data, 0) == (S.SIGSEGV, 0, S.SEGV_ACCERR)
    assert struct.unpack_from("<Q", data, 16)[0] == 0xDEAD
    back = cpu.new_regs()
    mask, stack = frame.restore_frame(back, data)
    assert (mask, stack) == (0x5A5A, (0x9000, 0, 0x4000))
    assert (back[:66] == regs[:66]).all()


# ---- a small kernel -----------------------------------------------------------------------------
class FakeMachine:
    abi = abi


class FakeKernel:
    """What kernel/signal.py uses of the Kernel: abi, sched, syscalls, processes, the
    lifecycle calls (exit/stop/continue) and log."""

    def __init__(self):
        self.abi = abi
        self.sched = Scheduler(self)
        self.syscalls = table.build(abi)
        self.sigabi = SignalAbi(abi)
        self.processes = {}
        self.debugger = None
        self.strace_pids = set()
        self.frames = FrameAllocator(np.zeros(8 << 20, dtype=np.uint8))
        self.logged = []
        self.exited = []

    def log(self, msg, plain=False):
        self.logged.append(msg)

    def exit_process(self, p, code=0, sig=0, core=False):
        if not p.exited:
            p.term_signal, p.core_dumped, p.exit_code = sig, core, None if sig else code
            for t in p.threads:
                self.sched.exit(t)
            self.exited.append((p.pid, sig, core))

    def stop_process(self, p, sig):
        p.stopped, p.stop_report = True, sig
        for t in p.threads:
            self.sched.stop(t)

    def continue_process(self, p):
        p.stopped, p.cont_report = False, True
        for t in p.threads:
            self.sched.cont(t)

    def new_process(self, pid, parent=None, uid=0, pgid=None):
        mm = AddressSpace(self.frames)
        mm.mmap(STACK_TOP - 0x10000, 0x10000, PTE_R | PTE_W, True, name="[stack]")
        p = Process(pid, parent, mm, None, None, comm=f"p{pid}",
                    creds=Credentials(uid, uid, uid), pgid=pgid or pid, sid=1)
        ctx = UserContext(cpu.new_regs(), abi)
        ctx.sp, ctx.pc = STACK_TOP - 0x100, 0x1000
        t = Thread(pid, p, ctx, kernel=self)
        p.threads.append(t)
        if parent is not None:
            parent.children.append(p)
        self.processes[pid] = p
        self.sched.add(t)
        return S.init_thread(t)


@pytest.fixture
def k():
    return FakeKernel()


def sigaction(t, sig, handler, flags=0, mask=0):
    mm = t.proc.mm
    buf = t.ctx.sp - 0x800
    mm.write(buf, struct.pack("<QQQ", handler, flags, mask))
    assert SS.sys_rt_sigaction(t, sig, buf, 0, 8) == 0


def block(t, *sigs):
    t.sigmask |= sum(S.bit(s) for s in sigs)


def park_in(k, t, name, pc=0x2000):
    """t is blocked in system call `name`, as trap.syscall leaves it: pc on the ecall."""
    nr = {v: n for n, v in abi.SYSCALL_NAMES.items()}[name]
    t.ctx._set(abi.SYSCALL_NR, nr)
    t.ctx.pc = pc
    t.restart["_blocked"] = True
    k.sched.block(t, [], None)


def test_standard_signals_do_not_queue_realtime_ones_do(k):
    t = k.new_process(2)
    block(t, S.SIGUSR1, 34)
    for sig in (S.SIGUSR1, S.SIGUSR1, 34, 34):
        S.send(k, t.proc, sig)
    q = [i.signo for i in t.proc.shared_pending.queue]
    assert q == [S.SIGUSR1, 34, 34]


def test_delivery_builds_a_frame_and_sigreturn_restores(k):
    t = k.new_process(2)
    sigaction(t, S.SIGUSR1, 0x4000, S.SA_SIGINFO, mask=S.bit(S.SIGUSR2))
    t.ctx._set(10, 77)                               # a0 before the signal
    sp0 = t.ctx.sp
    S.send(k, t.proc, S.SIGUSR1, S.SigInfo(S.SIGUSR1, S.SI_USER, pid=9, uid=5))
    S.deliver_pending(k, t)
    regs = t.ctx.regs
    fr = t.ctx.sp
    assert t.ctx.pc == 0x4000 and fr % 16 == 0 and sp0 - fr >= frame.FRAME_SIZE
    assert (regs[10], regs[11], regs[12]) == (S.SIGUSR1, fr, fr + frame.UC)
    tramp = int(regs[cpu.RA])
    assert t.proc.mm.find(tramp).name == "[vdso]"
    assert t.proc.mm.read(tramp, 8) == frame.TRAMPOLINE
    assert t.sigmask == S.bit(S.SIGUSR1) | S.bit(S.SIGUSR2)
    assert struct.unpack("<iii4xiI", t.proc.mm.read(fr, 24)) == (S.SIGUSR1, 0, S.SI_USER, 9, 5)
    t.ctx.pc = tramp + 4                             # the handler returned through the trampoline
    assert S.sigreturn(k, t) == 77
    assert (t.ctx.pc, t.ctx.sp, t.sigmask) == (0x1000, sp0, 0)


def test_interrupted_call_gets_eintr_or_restarts(k):
    t = k.new_process(2)
    sigaction(t, S.SIGALRM, 0x4000, 0)
    park_in(k, t, "read")
    S.send(k, t.proc, S.SIGALRM)
    assert t.state == "R"                            # generation woke it
    S.deliver_pending(k, t)
    S.sigreturn(k, t)
    assert (t.ctx.pc, t.ctx.return_value, t.restart) == (0x2004, -EINTR, {})

    sigaction(t, S.SIGALRM, 0x4000, S.SA_RESTART)
    park_in(k, t, "read")
    S.send(k, t.proc, S.SIGALRM)
    S.deliver_pending(k, t)
    S.sigreturn(k, t)
    assert t.ctx.pc == 0x2000                        # back on the ecall: read runs again

    park_in(k, t, "nanosleep")                       # never restarted
    S.send(k, t.proc, S.SIGALRM)
    S.deliver_pending(k, t)
    S.sigreturn(k, t)
    assert (t.ctx.pc, t.ctx.return_value) == (0x2004, -EINTR)


def test_a_vfork_wait_is_not_interrupted_by_a_handler(k):
    """vfork's wait is killable only: a caught SIGCHLD (the child's exit) waits for clone to
    return the pid -- restarting clone would make a second child."""
    t = k.new_process(2)
    sigaction(t, S.SIGCHLD, 0x4000, S.SA_RESTART)
    park_in(k, t, "clone")
    t.restart.update(vfork_child=object(), _uninterruptible=True)
    S.send(k, t.proc, S.SIGCHLD)
    S.deliver_pending(k, t)
    assert t.ctx.pc == 0x2000 and "vfork_child" in t.restart     # still in clone, no handler
    assert t.proc.shared_pending.mask == S.bit(S.SIGCHLD)
    t.restart.clear()                                # clone returned
    S.deliver_pending(k, t)
    assert t.ctx.pc == 0x4000


def test_ignored_signal_leaves_a_blocked_call_parked(k):
    t = k.new_process(2)
    park_in(k, t, "read")
    S.send(k, t.proc, S.SIGCHLD)                     # default: ignore -> dropped, no wake-up
    assert t.state == "S" and not t.proc.shared_pending.mask
    block(t, S.SIGUSR1)
    S.send(k, t.proc, S.SIGUSR1)                     # blocked: stays pending, no wake-up
    assert t.state == "S" and t.proc.shared_pending.mask == S.bit(S.SIGUSR1)


def test_default_actions(k):
    t = k.new_process(2)
    S.send(k, t.proc, S.SIGTERM)
    S.deliver_pending(k, t)
    assert k.exited == [(2, S.SIGTERM, False)]
    t = k.new_process(3)
    S.send(k, t.proc, S.SIGQUIT)
    S.deliver_pending(k, t)
    assert k.exited[-1] == (3, S.SIGQUIT, True)
    t = k.new_process(4)
    block(t, S.SIGKILL)                              # cannot be: SIGKILL acts at generation
    S.send(k, t.proc, S.SIGKILL)
    assert k.exited[-1] == (4, S.SIGKILL, False)


def test_stop_and_continue(k):
    t = k.new_process(2)
    S.send(k, t.proc, S.SIGCONT)                     # nothing stopped: nothing to do
    S.send(k, t.proc, S.SIGTSTP)
    S.deliver_pending(k, t)
    assert t.state == "T" and t.proc.stopped
    S.send(k, t.proc, S.SIGUSR1)                     # a stopped process does not act on it
    assert t.state == "T"
    S.send(k, t.proc, S.SIGCONT)
    assert t.state == "R" and not t.proc.stopped and t.proc.cont_report
    block(t, S.SIGSTOP, S.SIGCONT)
    S.send(k, t.proc, S.SIGCONT)
    S.send(k, t.proc, S.SIGSTOP)                     # discards the pending SIGCONT
    assert t.proc.shared_pending.mask == S.bit(S.SIGUSR1) | S.bit(S.SIGSTOP)
    S.send(k, t.proc, S.SIGCONT)                     # and SIGCONT discards pending stops
    assert not t.proc.shared_pending.mask & S.bit(S.SIGSTOP)


def test_sigchld_to_the_parent(k):
    parent = k.new_process(2)
    child = k.new_process(3, parent=parent.proc)
    sigaction(parent, S.SIGCHLD, 0x4000, S.SA_SIGINFO | S.SA_NOCLDSTOP)
    S.send(k, child.proc, S.SIGSTOP)
    S.deliver_pending(k, child)
    assert not parent.proc.shared_pending.mask       # SA_NOCLDSTOP
    child.proc.exit_code = 4
    assert S.child_exited(k, child.proc) is False
    info = parent.proc.shared_pending.queue[0]
    assert (info.signo, info.code, info.pid, info.status) == (S.SIGCHLD, S.CLD_EXITED, 3, 4)
    sigaction(parent, S.SIGCHLD, S.SIG_IGN)
    assert S.child_exited(k, child.proc) is True     # auto-reaped
    sigaction(parent, S.SIGCHLD, S.SIG_DFL, S.SA_NOCLDWAIT)
    assert S.child_exited(k, child.proc) is True


def test_fault_with_handler_blocked_or_without_kills(k):
    t = k.new_process(2)
    sigaction(t, S.SIGSEGV, 0x4000, S.SA_SIGINFO)
    S.force_fault(k, t, S.SIGSEGV, S.SEGV_MAPERR, 0x10, "why")
    assert not k.exited and not k.logged             # handled: silent
    S.deliver_pending(k, t)
    assert t.ctx.pc == 0x4000
    assert struct.unpack("<iiiiQ", t.proc.mm.read(t.ctx.sp, 24)) == (11, 0, 1, 0, 0x10)
    t = k.new_process(3)
    sigaction(t, S.SIGSEGV, 0x4000, S.SA_SIGINFO)
    block(t, S.SIGSEGV)
    S.force_fault(k, t, S.SIGSEGV, S.SEGV_MAPERR, 0x10, "store to 0x10")
    assert k.exited == [(3, S.SIGSEGV, True)] and "store to 0x10" in k.logged[0]


def test_bad_stack_forces_sigsegv(k):
    t = k.new_process(2)
    sigaction(t, S.SIGUSR1, 0x4000)
    sigaction(t, S.SIGSEGV, 0x5000)
    t.ctx.sp = 0x1234_0000                           # nothing mapped there
    S.send(k, t.proc, S.SIGUSR1)
    S.deliver_pending(k, t)
    assert k.exited == [(2, S.SIGSEGV, True)]
    assert "cannot write the frame" in k.logged[0]


def test_altstack_and_onstack(k):
    t = k.new_process(2)
    alt = STACK_TOP - 0x8000
    ss = t.ctx.sp - 0x900
    t.proc.mm.write(ss, struct.pack("<QiiQ", alt, 0, 0, 0x2000))
    assert SS.sys_sigaltstack(t, ss, 0) == 0
    sigaction(t, S.SIGUSR1, 0x4000, S.SA_ONSTACK)
    S.send(k, t.proc, S.SIGUSR1)
    S.deliver_pending(k, t)
    assert alt < t.ctx.sp < alt + 0x2000
    with pytest.raises(Errno) as e:                  # cannot change it while on it
        SS.sys_sigaltstack(t, ss, 0)
    assert e.value.errno == EPERM
    t.proc.mm.write(ss, struct.pack("<QiiQ", alt, 0, 0, 100))


def test_sigsuspend_saves_the_mask_into_the_frame(k):
    t = k.new_process(2)
    sigaction(t, S.SIGUSR1, 0x4000)
    block(t, S.SIGUSR1, S.SIGUSR2)
    buf = t.ctx.sp - 0x800
    t.proc.mm.write_u64(buf, S.bit(S.SIGUSR2))
    with pytest.raises(WouldBlock):
        SS.sys_rt_sigsuspend(t, buf, 8)
    assert t.sigmask == S.bit(S.SIGUSR2)
    park_in(k, t, "rt_sigsuspend")
    t.restart["suspended"] = True
    S.send(k, t.proc, S.SIGUSR1)
    S.deliver_pending(k, t)
    assert t.ctx.pc == 0x4000
    S.sigreturn(k, t)
    assert t.ctx.return_value == -EINTR
    assert t.sigmask == S.bit(S.SIGUSR1) | S.bit(S.SIGUSR2)


def test_sigtimedwait_takes_a_blocked_signal_and_times_out(k):
    t = k.new_process(2)
    block(t, S.SIGUSR1)
    buf, ts = t.ctx.sp - 0x800, t.ctx.sp - 0x700
    t.proc.mm.write_u64(buf, S.bit(S.SIGUSR1))
    t.proc.mm.write(ts, struct.pack("<qq", 0, 0))
    with pytest.raises(Errno):                       # EAGAIN at once with a zero timeout
        SS.sys_rt_sigtimedwait(t, buf, 0, ts, 8)
    t.restart.clear()
    S.send(k, t.proc, S.SIGUSR1)
    assert SS.sys_rt_sigtimedwait(t, buf, 0, ts, 8) == S.SIGUSR1
    assert not t.proc.shared_pending.mask


def test_kill_targets_and_permissions(k):
    a = k.new_process(2, pgid=2)
    b = k.new_process(3, pgid=2, uid=1000)
    c = k.new_process(4, pgid=4, uid=1000)
    init = k.new_process(1)
    for t in (a, b, c, init):
        block(t, S.SIGUSR1)
    assert SS.sys_kill(b, -1, S.SIGUSR1) == 0        # all but init and self, where permitted
    assert [p.proc.shared_pending.mask != 0 for p in (a, b, c, init)] == [False, False, True, False]
    assert SS.sys_kill(a, 0, S.SIGUSR1) == 0         # own group: a and b
    assert a.proc.shared_pending.mask and b.proc.shared_pending.mask
    with pytest.raises(Errno) as e:
        SS.sys_kill(c, 2, 0)                         # uid 1000 may not signal root
    assert e.value.errno == EPERM
    with pytest.raises(Errno) as e:
        SS.sys_kill(a, -77, S.SIGUSR1)
    assert e.value.errno == ESRCH
    with pytest.raises(Errno) as e:
        SS.sys_kill(a, 2, 65)
    assert e.value.errno == EINVAL


def test_sigaction_and_sigprocmask_abi(k):
    t = k.new_process(2)
    old = t.ctx.sp - 0x600
    sigaction(t, S.SIGINT, 0x4321, S.SA_RESTART | S.SA_SIGINFO | 0x400, mask=S.FULL_MASK)
    assert SS.sys_rt_sigaction(t, S.SIGINT, 0, old, 8) == 0
    handler, flags, mask = struct.unpack("<QQQ", t.proc.mm.read(old, 24))
    assert (handler, flags) == (0x4321, S.SA_RESTART | S.SA_SIGINFO)   # unknown bit cleared
    assert mask == S.FULL_MASK & ~S.UNBLOCKABLE
    with pytest.raises(Errno):
        SS.sys_rt_sigaction(t, S.SIGINT, 0, old, 16)                   # sigsetsize must be 8
    t.proc.mm.write_u64(old, S.FULL_MASK)
    SS.sys_rt_sigprocmask(t, S.SIG_SETMASK, old, 0, 8)
    assert t.sigmask == S.FULL_MASK & ~S.UNBLOCKABLE


def test_reset_on_exec(k):
    t = k.new_process(2)
    sigaction(t, S.SIGUSR1, 0x4000, S.SA_RESTART)
    sigaction(t, S.SIGUSR2, S.SIG_IGN)
    block(t, S.SIGTERM)
    S.reset_on_exec(t.proc)
    assert S.action(t.proc, S.SIGUSR1) == S.DEFAULT
    assert S.action(t.proc, S.SIGUSR2).handler == S.SIG_IGN
    assert t.sigmask == S.bit(S.SIGTERM)


def test_init_takes_only_signals_it_catches(k):
    t = k.new_process(1)
    t.proc.unkillable = True                         # boot's init
    S.send(k, t.proc, S.SIGKILL)
    S.send(k, t.proc, S.SIGTERM)
    assert not k.exited and not t.proc.shared_pending.mask
    sigaction(t, S.SIGTERM, 0x4000)
    S.send(k, t.proc, S.SIGTERM)
    assert t.proc.shared_pending.mask == S.bit(S.SIGTERM)
