"""The Kernel: state every system call may need -- the machine, physical frames, the process
table, the root file system, the clock -- and the loop that runs user threads on a CPU.
"""
import sys
import time

from kernel import params, signal, trap
from kernel.context import UserContext
from kernel.elf import ExecError, build_stack, load
from kernel.frames import FrameAllocator
from kernel.process import Process, Thread
from kernel.sched import Scheduler
from kernel.syscalls import table
from kernel.vm import AddressSpace


class Kernel:
    def __init__(self, machine, root, strace=False, debug=False, log=None):
        self.machine, self.abi = machine, machine.abi
        self.frames = FrameAllocator(machine.mem8)
        self.root = root                        # the root file system (kernel.vfs)
        self.processes = {}
        self.next_pid = 1
        self.boot_time = time.monotonic()
        self.syscalls = table.build(self.abi)
        self.unknown_syscalls = set()
        self.strace, self.debug = strace, debug
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.sched = Scheduler(self)

    def log(self, msg, plain=False):
        self._log(msg if plain else f"jitvm: {msg}")

    def uptime(self):
        return time.monotonic() - self.boot_time

    def alloc_pid(self):
        if len(self.processes) >= params.MAX_PROCESSES:
            return None
        pid = self.next_pid
        self.next_pid += 1
        return pid

    # ---- creating and ending processes --------------------------------------------------------
    def spawn(self, image, name, argv, envp, fds, fs):
        """A new process running ELF `image` (bytes); raises ExecError if it cannot run."""
        mm = AddressSpace(self.frames)
        mm.code_cache = self.machine.new_code_cache()
        try:
            img = load(mm, image, self.abi, name, self.read_guest_file)
            ctx = UserContext(self.machine.new_regs(), self.abi)
            ctx.sp = build_stack(mm, img, self.abi, argv, envp, name)
        except ExecError:
            mm.destroy()
            raise
        ctx.pc = img.entry
        pid = self.alloc_pid()
        p = Process(pid, 0, mm, fds, fs, comm=name.rsplit("/", 1)[-1][:15], exe=name,
                    argv=argv, pgid=pid, sid=pid)
        t = Thread(pid, p, ctx, kernel=self)
        p.threads.append(t)
        self.processes[pid] = p
        self.sched.add(t)
        return p

    def read_guest_file(self, path):
        """Whole contents of a file in the guest's root file system (for PT_INTERP)."""
        return self.root.read_file(path)

    def exit_process(self, p, code):
        if not p.exited:
            p.exit_code = code
            self._release(p)

    def deliver_default(self, p, sig):
        """The default action of `sig` (handlers arrive with the signal stage)."""
        if sig in (signal.SIGCHLD, signal.SIGCONT, 23, 28):     # SIGURG, SIGWINCH: ignored
            return
        if not p.exited:
            p.term_signal = sig
            p.core_dumped = sig in signal.CORE_DUMPING
            self._release(p)

    def kill_on_fault(self, t, sig, why):
        self.log(f"pid {t.proc.pid} ({t.proc.comm}) killed by {signal.NAMES.get(sig, sig)}: {why}")
        self.deliver_default(t.proc, sig)

    def _release(self, p):
        for t in p.threads:
            self.sched.exit(t)
        p.fds.close_all()
        p.mm.destroy()

    # ---- running ------------------------------------------------------------------------------
    def run(self, p):
        """Run until process p has exited."""
        self.sched.run(until=lambda: p.exited)
        return p

    def run_slice(self, cpu, t):
        """Enter user mode for one time slice of thread t, then handle the trap that ended it."""
        signal.deliver_pending(self, t)       # on the way back to user mode, as Linux does
        if t.state != "R" or t.proc.exited:
            return
        mm = t.proc.mm
        e = cpu.run_user(t.ctx.regs, mm.pt.root, mm.tlb_gen, mm.code_cache, mm.code_gen,
                         params.TIME_SLICE)
        trap.handle(self, t, cpu, e)
