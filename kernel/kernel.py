"""The Kernel: state every system call may need -- the machine, physical frames, the process
table, the root file system, the clock -- the lifecycle of processes (spawn, exit, reparent,
reap; clone is kernel/fork.py, execve kernel/exec.py) and the loop that runs user threads.
"""
import sys
import time

from jitvm.exits import Exit
from kernel import params, rusage, signal, trap, tty
from kernel.context import UserContext
from kernel.elf import ExecError
from kernel.exec import new_image
from kernel.errno import EAGAIN
from kernel.frames import FrameAllocator
from kernel.futex import FutexTable
from kernel.printk import KernelLog
from kernel.process import RLIMIT_CORE, Process, Thread, unshare
from kernel.sched import Scheduler
from kernel.sigabi import SignalAbi
from kernel.syscall_cpu import SyscallCpu
from kernel.syscalls import ipc, table

PID_MAX = 32768         # /proc/sys/kernel/pid_max's classic default
PID_WRAP = 300          # ids below this are not reused after a wrap (Linux's RESERVED_PIDS)


class Kernel:
    def __init__(self, machine, root, strace=False, debug=False, log=None, klog=None,
                 syscall_cpu=False):
        self.machine, self.abi = machine, machine.abi
        self.frames = FrameAllocator(machine.mem8)
        self.root = root                        # the root file system (kernel.vfs)
        self.processes = {}                     # pid -> Process, zombies included
        self.threads = {}                       # tid -> live Thread
        self.next_pid, self.pid_wrapped = 1, False
        self.futexes = FutexTable(self)
        self.boot_time = time.monotonic()
        self.syscalls = table.build(self.abi)
        self.sigabi = SignalAbi(self.abi)       # signals in the ABI's numbering (kernel/sigabi.py)
        self.time32_syscalls = getattr(self.abi, "TIME32_SYSCALLS", frozenset())
        self.unknown_syscalls = set()
        self.strace, self.debug = strace, debug
        self.strace_pids = set()                # traced one by one (kernel/monitor.py)
        self.hostname = params.HOSTNAME          # sethostname/uname
        self.net = "guest"      # --net: "guest"/"none", the kernel's own loopback; "host": the
                                # host's sockets (kernel/hostnet.py)
        self.reboot_cmd = None                   # set by reboot(2): the machine stops
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.klog = klog or KernelLog(self.boot_time)   # dmesg (kernel/printk.py)
        self.sched = Scheduler(self)
        self.debugger = None                     # kernel/debug.py's, under `-g PORT`
        if syscall_cpu:
            self.sched.syscall_cpu = SyscallCpu(self.sched, self.sched.cpus[0])
        self.frames.on_oom = self._oom_kill

    def log(self, msg, plain=False, quiet=False):
        """A kernel message: into the kernel log, and shown where this machine shows them (the
        boot console; `jitvm run`'s stderr) unless `quiet` -- then only with --strace or debug.
        `plain` lines (strace output) are shown only, not logged."""
        if not plain:
            self.klog.add(msg)
        if plain or not quiet or self.strace or self.debug:
            self._log(msg if plain else f"jitvm: {msg}")

    def _oom_kill(self):
        """The OOM killer: no frame is free, so the process with the most resident memory dies
        of SIGKILL (Linux's oom_badness is mostly RSS) -- unless it is the one asking, which then
        fails instead: its fault kills it, its system call gets ENOMEM. True if one was killed."""
        cur = self.sched.current
        mine = cur.proc.mm if cur is not None else None
        live = [p for p in self.processes.values()
                if p.mm is not None and not p.exited and p.pid != 1]
        if not live:
            return False
        victim = max(live, key=lambda p: p.mm.pt.resident())
        if victim.mm is mine:
            return False
        self.log(f"Out of memory: Killed process {victim.pid} ({victim.comm}), "
                 f"{victim.mm.pt.resident() * params.PAGE_SIZE >> 10} kB resident")
        signal.send(self, victim, signal.SIGKILL)
        return True

    def uptime(self):
        return time.monotonic() - self.boot_time

    def alloc_pid(self):
        """A free id for a process or thread (one id space, as in Linux), or None when the
        table is full. Ids count up to PID_MAX, then wrap to PID_WRAP (Linux's RESERVED_PIDS)."""
        if len(self.threads) + len(self.processes) >= PID_MAX - PID_WRAP:
            return None
        while True:
            pid = self.next_pid
            self.next_pid = pid + 1
            if self.next_pid >= PID_MAX:
                self.next_pid, self.pid_wrapped = PID_WRAP, True
            # after a wrap, an id still naming a process group or session is not reused either
            if pid not in self.processes and pid not in self.threads and not (
                    self.pid_wrapped and any(q.pgid == pid or q.sid == pid
                                             for q in self.processes.values())):
                return pid

    def can_fork(self):
        """A guest fork bomb meets EAGAIN here and the rest of the system stays usable."""
        return len(self.processes) < params.MAX_PROCESSES

    def can_add_thread(self):
        return len(self.threads) < params.MAX_THREADS

    # ---- creating and ending processes --------------------------------------------------------
    def spawn(self, image, name, argv, envp, fds, fs, parent=None):
        """A new process running ELF `image` (bytes); raises ExecError if it cannot run."""
        mm, entry, sp = new_image(self, image, name, argv, envp)
        ctx = UserContext(self.machine.new_regs(), self.abi)
        ctx.pc, ctx.sp = entry, sp
        pid = self.alloc_pid()
        if pid is None:
            self.release_mm(mm)
            raise ExecError("too many processes", EAGAIN)
        p = Process(pid, parent, mm, fds, fs, comm=name.rsplit("/", 1)[-1][:15], exe=name,
                    argv=list(argv), pgid=pid, sid=pid, start_time=self.uptime())
        if parent is not None:
            p.pgid, p.sid = parent.pgid, parent.sid
            parent.children.append(p)
        self.add_thread(Thread(pid, p, ctx, kernel=self))
        self.processes[pid] = p
        return p

    def add_thread(self, t):
        t.proc.threads.append(t)
        self.threads[t.tid] = t
        self.sched.add(t)

    def read_guest_file(self, path):
        """Whole contents of a file in the guest's root file system (for PT_INTERP)."""
        return self.root.read_file(path)

    def exit_thread(self, t, code):
        """exit(2): one thread ends; the last one ends the process."""
        if len(t.proc.threads) <= 1:
            self.exit_process(t.proc, code)
        else:
            self.end_thread(t, tell_memory=True)

    def exit_process(self, p, code=0, sig=0, core=False):
        """The one way a process ends (exit_group, a fatal signal, a fault): its threads stop,
        its memory and files are released, its children go to init, and it stays a zombie
        holding its wait status until the parent reaps it."""
        if p.exited:
            return
        if sig:
            # like Linux with core_pattern a file: no core (and no WCOREDUMP) under RLIMIT_CORE 0
            p.term_signal, p.core_dumped = sig, core and p.rlimits[RLIMIT_CORE][0] > 0
        else:
            p.exit_code = code & 0xFF
        shared_mm = p.mm is not None and p.mm.users > 1
        for t in list(p.threads):
            self.end_thread(t, tell_memory=shared_mm)
        ipc.exit_sem(self, p)                   # SEM_UNDO adjustments
        self._release(p)
        tty.session_leader_exited(self, p)      # its terminal's foreground group: SIGHUP
        p.zombie, p.stopped = True, False
        self.release_vfork_parent(p)
        self._reparent_children(p)
        self.notify_parent(p)
        if self.debugger is not None:
            self.debugger.exited(p)             # gdb hears W or X

    def end_thread(self, t, tell_memory):
        """A thread leaves: robust futexes it held are marked owner-died, and (when someone
        else still uses the memory) its clear_child_tid word is zeroed and woken -- that is how
        pthread_join learns of the exit."""
        p = t.proc
        if p.mm is not None:
            self.futexes.exit_robust_list(t)
            if t.clear_child_tid and tell_memory:
                self.futexes.clear_child_tid(t)
        t.clear_child_tid = t.robust_list = 0
        self.sched.exit(t)
        if t in p.threads:
            p.threads.remove(t)
            p.usage_dead.add(t.usage)
        self.threads.pop(t.tid, None)

    def _release(self, p):
        """Free what a zombie no longer needs; its mm and fds become None."""
        rusage.note_rss(p)
        if p.fds is not None and unshare(p.fds):
            p.fds.close_all()
        p.fds = None
        if p.mm is not None:
            self.release_mm(p.mm)
        p.mm = None

    def release_mm(self, mm):
        if unshare(mm):
            mm.destroy()

    def release_vfork_parent(self, p):
        if not p.vfork_done:
            p.vfork_done = True
            p.vfork_wait.wake_all()

    def _reparent_children(self, p):
        """Orphans go to init (pid 1), or to nobody if there is none; a zombie without a parent
        is reaped at once."""
        init = self.processes.get(1)
        if init is p or (init is not None and init.exited):
            init = None
        for c in p.children:
            c.parent = init
            if init is not None:
                init.children.append(c)
        orphans, p.children = p.children, []
        for c in orphans:
            if c.zombie:
                self.notify_parent(c)

    def notify_parent(self, p):
        """p exited: tell its parent (the signal stage sends the exit signal) and wake its
        wait4/waitid; reap p at once if nobody will (no parent, or SIGCHLD ignored)."""
        parent = p.parent
        autoreap = parent is None or parent.exited
        if not autoreap:
            child_exited = getattr(signal, "child_exited", None)
            autoreap = bool(child_exited and child_exited(self, p))
            parent.child_wait.wake_all()
        if autoreap:
            self.reap(p)

    def reap(self, p):
        """Remove a zombie from the process table (wait4 collected it); its times become the
        parent's children's."""
        self.processes.pop(p.pid, None)
        if p.parent is not None:
            rusage.reaped(p.parent, p)
        if p.parent is not None and p in p.parent.children:
            p.parent.children.remove(p)

    def stop_process(self, p, sig):
        """Job-control stop: every thread off the CPU until continue_process; a WUNTRACED wait
        reports it. (The signal stage sends the parent SIGCHLD.)"""
        if p.exited or p.stopped:
            return
        p.stopped, p.stop_report, p.cont_report = True, sig, False
        for t in p.threads:
            self.sched.stop(t)
        if p.parent is not None:
            p.parent.child_wait.wake_all()

    def continue_process(self, p):
        if p.exited or not p.stopped:
            return
        p.stopped, p.stop_report, p.cont_report = False, 0, True
        for t in p.threads:
            self.sched.cont(t)
        if p.parent is not None:
            p.parent.child_wait.wake_all()

    def send_signal(self, target, sig):
        """A kernel-generated signal for a Thread (SIGPIPE from a pipe write) or a whole Process;
        generation and delivery are kernel/signal.py's."""
        if isinstance(target, Thread):
            signal.send_thread(self, target, sig)
        else:
            signal.send(self, target, sig)

    # ---- running ------------------------------------------------------------------------------
    def run(self, p):
        """Run until process p has exited."""
        self.sched.run(until=lambda: p.exited)
        return p

    def run_slice(self, rt, t):
        """On CPU runtime rt (kernel/sched.py): enter user mode for one time slice of thread t,
        then handle the trap that ended it. Called and returns with the kernel lock held."""
        self.sched.current = t
        signal.deliver_pending(self, t)       # on the way back to user mode, as Linux does
        if t.state != "R" or t.proc.exited:
            return
        mm, cpu = t.proc.mm, rt.cpu
        args = (t.ctx.regs, mm.pt.root, mm.tlb_gen, mm.code_caches, mm.code_gen,
                params.TIME_SLICE)           # read with the lock held
        # a debugger's single step runs one instruction instead of a slice (kernel/debug.py)
        step = self.debugger is not None and self.debugger.stepping(t)
        start = time.perf_counter_ns()
        with self.sched.user_mode(rt, mm):
            e = cpu.step_user(*args[:-1]) if step else cpu.run_user(*args)
        entered = time.perf_counter_ns()    # user time: the guest code; system: the trap
        self.sched.current = t
        t.usage.utime_ns += entered - start
        if t.state != "R" or t.proc.exited:
            # stopped or killed from another CPU meanwhile: the trap is dropped, and a stopped
            # thread re-executes the instruction that took it (pc still points there)
            return
        if e == Exit.SYSCALL and self.sched.syscall_cpu is not None and not step:
            self.sched.syscall_cpu.submit(t)    # CPU 0 runs it (kernel/syscall_cpu.py)
            return
        try:
            trap.handle(self, t, cpu, e)
            if step:
                self.debugger.stepped(t, e)
        finally:
            t.usage.stime_ns += time.perf_counter_ns() - entered
