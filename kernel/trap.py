"""Trap dispatch: turns a CPU's exit into kernel work (zCore's `run_user` loop body).

Every ISA-specific exit becomes one TrapReason; system calls go through the table, page faults
to the address space, and what cannot be fixed becomes a signal for the process.
"""
import sys
import traceback
from enum import IntEnum

from jitvm.exits import Access, Exit
from kernel import abimap, signal
from kernel.context import Restored
from kernel.errno import EIO, ENOSYS, Errno
from kernel.frames import OutOfMemory
from kernel.sched import WouldBlock
from kernel.vm import PastEndOfFile


class TrapReason(IntEnum):
    SYSCALL = 1
    PAGE_FAULT = 2
    ILLEGAL_INSTRUCTION = 3
    BREAKPOINT = 4
    TIMER = 5
    MISALIGNED = 6
    INTERRUPT = 7       # another CPU's IPI; whatever it was for happens on the way back
    BOUNDS = 8          # a bounds-checked access or assertion failed its check
    FP_EXCEPTION = 9    # an FP exception the program enabled (trapping FP)


FROM_EXIT = {Exit.SYSCALL: TrapReason.SYSCALL, Exit.PAGE_FAULT: TrapReason.PAGE_FAULT,
             Exit.ILLEGAL: TrapReason.ILLEGAL_INSTRUCTION, Exit.BREAKPOINT: TrapReason.BREAKPOINT,
             Exit.BUDGET: TrapReason.TIMER, Exit.MISALIGNED: TrapReason.MISALIGNED,
             Exit.INTERRUPT: TrapReason.INTERRUPT, Exit.BOUNDS: TrapReason.BOUNDS,
             Exit.FP_TRAP: TrapReason.FP_EXCEPTION}
ACCESS_WORDS = {Access.READ: "read from", Access.WRITE: "write to", Access.EXEC: "execute at"}


def handle(k, t, cpu, exit):
    reason = FROM_EXIT[exit]
    if reason == TrapReason.SYSCALL:
        syscall(k, t)
    elif reason == TrapReason.PAGE_FAULT:
        page_fault(k, t, cpu)
    # faults become signals (kernel/signal.py): a handler runs, or the process dies with a log
    elif reason == TrapReason.ILLEGAL_INSTRUCTION:
        pc, (si_code, at_pc) = t.ctx.pc, k.abi.ILLEGAL_SIGINFO
        signal.force_fault(k, t, signal.SIGILL, signal.FAULT_CODES[si_code], pc if at_pc else 0,
                           f"illegal instruction at pc {pc:#x}: {k.machine.disasm_at(cpu, pc)}")
    elif reason == TrapReason.BREAKPOINT and k.debugger is not None \
            and k.debugger.breakpoint_hit(t):
        pass                    # a debugger's breakpoint: its process stopped (kernel/debug.py)
    elif reason == TrapReason.BREAKPOINT:
        # the ABI says which break codes mean something else (a division by zero...)
        # (or, abi.break_signal, also which si_addr: MIPS's trap instructions give none)
        pc, code = t.ctx.pc, cpu.exit_info
        if hasattr(k.abi, "break_signal"):
            sig, si_code, addr = k.abi.break_signal(code, pc)
        else:
            (sig, si_code), addr = k.abi.BREAK_SIGNALS.get(code, ("SIGTRAP", "TRAP_BRKPT")), pc
        why = (f"breakpoint at pc {pc:#x}" if sig == "SIGTRAP"
               else f"break {code} ({si_code}) at pc {pc:#x}")
        signal.force_fault(k, t, signal.FAULT_SIGNALS[sig], signal.FAULT_CODES[si_code], addr,
                           why)
    elif reason == TrapReason.BOUNDS:
        signal.force_fault(k, t, signal.SIGSEGV, signal.SEGV_BNDERR, cpu.fault_addr,
                           f"bounds check failed for {cpu.fault_addr:#x} at pc {t.ctx.pc:#x}: "
                           f"{k.machine.disasm_at(cpu, t.ctx.pc)}")
    elif reason == TrapReason.FP_EXCEPTION:
        pc, si_code = t.ctx.pc, k.abi.fp_trap_code(t.ctx.regs)
        signal.force_fault(k, t, signal.SIGFPE, signal.FAULT_CODES[si_code], pc,
                           f"floating-point exception ({si_code}) at pc {pc:#x}")
    elif reason == TrapReason.MISALIGNED:
        signal.force_fault(k, t, signal.SIGBUS, signal.BUS_ADRALN, cpu.fault_addr,
                           f"misaligned atomic access to {cpu.fault_addr:#x} at pc {t.ctx.pc:#x}")
    elif reason == TrapReason.TIMER:
        t.usage.nivcsw += 1     # the slice ended; the scheduler decides who runs next
    # INTERRUPT: signals and TLB state are looked at before the thread next enters user mode.


def page_fault(k, t, cpu):
    addr, access = cpu.fault_addr, cpu.fault_access
    try:
        if t.proc.mm.fault(addr, int(access)):
            t.usage.minflt += 1
            return
    except OutOfMemory:
        signal.force_fault(k, t, signal.SIGKILL, signal.SI_KERNEL, 0, "out of memory: no free "
                           "page frames (raise --mem or free memory in the guest)")
        return
    except PastEndOfFile:
        signal.force_fault(k, t, signal.SIGBUS, signal.BUS_ADRERR, addr, f"access to {addr:#x} "
                           f"past the end of its mapped file at pc {t.ctx.pc:#x}")
        return
    where = f"pc {t.ctx.pc:#x}"
    if access != Access.EXEC:
        where += f": {k.machine.disasm_at(cpu, t.ctx.pc)}"
    mapped = t.proc.mm.find(addr) is not None
    signal.force_fault(k, t, signal.SIGSEGV, signal.SEGV_ACCERR if mapped else signal.SEGV_MAPERR,
                       addr, f"{ACCESS_WORDS[access]} {'protected' if mapped else 'unmapped'} "
                       f"address {addr:#x} at {where}")


def syscall(k, t):
    ctx = t.ctx
    nr, args = ctx.syscall_nr, ctx.syscall_args
    ctx.skip_syscall()
    name, fn, kinds = k.syscalls.get(nr, (f"syscall_{nr}", None, ""))
    if fn is None:
        if nr not in k.unknown_syscalls:
            k.unknown_syscalls.add(nr)
            k.log(f"unimplemented system call {nr} ({name}) -> ENOSYS", quiet=True)
        result = -ENOSYS
    else:
        try:
            args = abimap.syscall_args(k.abi, t.proc.mm, ctx.sp, name, args,
                                       fn.__code__.co_argcount - 1)
            t.time32 = nr in k.time32_syscalls         # a 32-bit ABI's older time structs
            result = fn(t, *args)
        except WouldBlock as wb:
            # park the thread; it executes the system call again when woken
            ctx.pc = ctx.pc - k.abi.SYSCALL_INSN_LEN
            t.restart["_blocked"] = True      # a signal may interrupt it (-EINTR or restart)
            t.usage.nvcsw += 1
            k.sched.block(t, wb.queues, wb.deadline)
            if signal.has_deliverable(t) and not t.restart.get("_uninterruptible"):
                k.sched.wake(t)     # the call itself raised one (kill(getpid()...), a tty's
                                    # SIGTTIN): no later send will wake it, so act on it now
            if k.strace or t.proc.pid in k.strace_pids:
                k.log(f"[pid {t.tid}] {name}(...) blocks", plain=True)
            return
        except Errno as e:
            result = -e.errno
        except OSError as e:
            result = -(e.errno or EIO)
        except Exception as e:                 # a kernel bug must not take the VM down
            k.log(f"internal error in sys_{name}: {e!r} -> EIO")
            if k.debug:
                traceback.print_exc(file=sys.stderr)
            result = -EIO
    if k.strace or t.proc.pid in k.strace_pids:      # --strace, or the monitor's strace PID
        from kernel.syscalls.strace import format_call
        done = None if t.proc.exited else result
        k.log(f"[pid {t.tid}] " + format_call(t.proc.mm, name, kinds, args, done), plain=True)
    t.restart.clear()
    if not t.proc.exited and not isinstance(result, Restored):
        ctx.set_return(result)
