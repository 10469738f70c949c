"""Debugging a process from outside: the kernel's half of `jitvm run -g` and `jitvm boot -g`
(what ptrace gives Linux's gdbserver). jitvm/gdb/ speaks gdb's protocol; this module stops,
inspects and resumes the process it asks for.

All-stop: when one thread of the traced process stops for the debugger -- a breakpoint it
inserted, a finished single step, a signal about to be delivered, ^C -- every thread of the
process stops (the job-control stop of kernel/sched.py: off the run queues, CPUs running one are
interrupted and waited for, a blocked system call is re-executed after), and the debugger is
told once. The kernel calls in at five points (each a no-op unless `k.debugger` traces the
process): run_slice asks `stepping` and reports `stepped`; trap.handle offers a breakpoint exit
to `breakpoint_hit` before it becomes SIGTRAP; force_fault queues a fault signal instead of
killing (`traces`); deliver_pending offers each signal to `signal_stop` before acting on it
(a signal the debugger passes on comes back through `resume` and is delivered as usual);
exit_process reports `exited`; fork asks `forked` to take the breakpoints out of the child.
Everything here runs with the kernel lock held; the stub's socket is a host fd CPU 0 polls.
"""
from jitvm.exits import Exit
from kernel import signal
from kernel.errno import Errno
from kernel.params import PAGE_SIZE as PAGE


class Debugger:
    def __init__(self, k):
        self.k = k
        self.desc = k.machine.debug_description()   # the ISA's registers (translators/<isa>/gdb.py)
        self.signal_names = signal.NAMES
        self.proc = None            # the traced Process
        self._auxv = None           # its auxiliary vector (`auxv`)
        self.attached = False       # by vAttach (gdb detaches at quit), not started for gdb
        self.held = False           # its threads are stopped for the debugger
        self.last_stop = None       # ("stop", tid, signal, watchpoint hit) or ("exit", code, sig)
        self.breakpoints = {}       # address -> (the bytes it replaced, the break instruction)
        self.bp_mm = None           # the address space they are in (exec makes a new one)
        self.steps = set()          # tids to single-step once resumed
        self.watchpoints = {}       # address -> (length, the bytes last seen there)
        self.infos = {}             # tid -> the SigInfo its signal stop took off its queue
        self.passing = {}           # tid -> the SigInfo the debugger lets through
        self.passed = set()         # signals delivered without a stop (QPassSignals)
        self.listener = None        # the stub: stopped(tid, sig, watch), exited(code, sig)
        k.debugger = self

    # ---- the process -------------------------------------------------------------------------
    def trace(self, p, attached=False):
        """Start debugging p, stopped (`jitvm run -g`: before its first instruction)."""
        self.proc, self.attached, self.last_stop = p, attached, None
        self.breakpoints, self.bp_mm = {}, p.mm
        self._auxv = None if attached else self._initial_auxv(p)
        self._stop(p.threads[0], signal.SIGTRAP)

    def attach(self, pid):
        p = self.k.processes.get(pid)
        if p is None or p.exited or not p.threads or self.proc not in (None, p):
            return False
        if self.proc is None:
            self.trace(p, attached=True)
        return True

    def traces(self, p):
        return p is self.proc

    def threads(self):
        return [t.tid for t in self.proc.threads] if self.proc is not None else []

    def _thread(self, tid):
        if self.proc is None or not self.proc.threads:
            return None
        return next((t for t in self.proc.threads if t.tid == tid), self.proc.threads[0]
                    if tid == 0 else None)

    def regs(self, tid):
        """The thread's CPU state array: the stub reads it through the ISA's gdb table."""
        t = self._thread(tid)
        return t.ctx.regs if t is not None and self.held else None

    def exe_path(self):
        """The program's file for gdb on the host: `jitvm run` names it by its host path; a
        booted machine's paths are the guest's, so there gdb is given the file itself."""
        return self.proc.exe if self.proc is not None and not self.attached else None

    def auxv(self):
        """The auxiliary vector the program started with (gdb relocates a PIE program and
        finds ld.so by it); known when it was traced from its first instruction."""
        return self._auxv if self.proc is not None and self.proc.mm is self.bp_mm else None

    @staticmethod
    def _initial_auxv(p):
        """Read off the new stack, before the program ran: argc, argv..., 0, envp..., 0, then
        (type, value) pairs up to AT_NULL."""
        mm, sp = p.mm, p.threads[0].ctx.sp
        try:
            pos = sp + 8 * (mm.read_u64(sp) + 2)
            while mm.read_u64(pos):
                pos += 8
            start = pos = pos + 8
            while mm.read_u64(pos):
                pos += 16
            return mm.read(start, pos + 16 - start)
        except Errno:
            return None

    def pass_signals(self, numbers):
        self.passed = set(numbers)

    # ---- memory and breakpoints --------------------------------------------------------------
    def read_memory(self, addr, n):
        """What can be read of [addr, addr+n), page by page (b"" if nothing) -- with the bytes
        our breakpoints replaced, as gdbserver shows them: gdb reads code to decide where to
        step, and takes a break instruction it sees for the program's own."""
        mm, out = self._mm(), b""
        while mm is not None and len(out) < n:
            a = addr + len(out)
            try:
                out += mm.read(a, min(n - len(out), PAGE - (a & (PAGE - 1))))
            except Errno:
                break
        out = bytearray(out)
        for at, (orig, _) in self._breakpoints_in(addr, len(out)):
            for i, b in enumerate(orig):
                if addr <= at + i < addr + len(out):
                    out[at + i - addr] = b
        return bytes(out)

    def write_memory(self, addr, data):
        """A write over a breakpoint changes what it replaced; the breakpoint stays."""
        mm = self._mm()
        if mm is None:
            return False
        over = self._breakpoints_in(addr, len(data))
        for at, _ in over:
            self.remove_breakpoint(at)
        try:
            mm.poke(addr, data)
            return True
        except Errno:
            return False
        finally:
            for at, (_, insn) in over:
                self.insert_breakpoint(at, insn)

    def _breakpoints_in(self, addr, n):
        return [(at, bp) for at, bp in self.breakpoints.items()
                if at < addr + n and addr < at + len(bp[0])]

    def insert_breakpoint(self, addr, insn):
        mm = self._mm()
        if mm is None:
            return False
        if mm is not self.bp_mm:            # the process exec'd: the old ones are gone
            self.breakpoints, self.bp_mm = {}, mm
        if addr in self.breakpoints:
            return True
        try:
            orig = mm.read(addr, len(insn))
            mm.poke(addr, insn)             # drops the translations that held the old code
        except Errno:
            return False
        self.breakpoints[addr] = (orig, insn)
        return True

    def remove_breakpoint(self, addr):
        orig, _ = self.breakpoints.pop(addr, (None, None))
        if orig is not None and self._mm() is self.bp_mm:
            try:
                self.bp_mm.poke(addr, orig)
            except Errno:
                return False
        return True

    def _mm(self):
        return self.proc.mm if self.proc is not None else None

    # ---- write watchpoints: the process runs one instruction at a time while there are any,
    # and a watched value that changed stops it (after the write, as a hardware one would) --
    def insert_watchpoint(self, addr, n):
        data = self.read_memory(addr, n)
        if len(data) != n:
            return False
        self.watchpoints[addr] = (n, data)
        return True

    def remove_watchpoint(self, addr):
        self.watchpoints.pop(addr, None)
        return True

    def _watch_hit(self):
        hit = None
        for addr, (n, old) in list(self.watchpoints.items()):
            new = self.read_memory(addr, n)
            if new != old:
                self.watchpoints[addr] = (n, new)
                hit = addr if hit is None else hit
        return hit

    # ---- stopping and resuming ---------------------------------------------------------------
    def _stop(self, t, sig, watch=None):
        """All-stop: every thread of the process off the CPUs, then the one report."""
        p = self.proc
        self.steps.clear()
        for th in p.threads:
            self.k.sched.stop(th)
        for th in p.threads:
            if th.on_cpu is not None:
                th.on_cpu.shootdown()       # its registers settle before the debugger reads them
        self.held = True
        tid = t.tid if t is not None else p.threads[0].tid
        self.last_stop = ("stop", tid, sig, watch)
        if self.listener is not None:
            self.listener.stopped(tid, sig, watch)

    def resume(self, actions, default):
        """actions: tid -> (kind, signal), kind "c" (continue) or "s" (step one instruction);
        threads not named take `default`, or stay stopped if it is None. A signal given is
        delivered as the thread resumes; the one a signal stop reported is dropped if not."""
        p = self.proc
        if p is None or not self.held:
            return
        self.held, self.last_stop = False, None
        for addr, (n, _) in self.watchpoints.items():    # what the debugger wrote is no hit
            self.watchpoints[addr] = (n, self.read_memory(addr, n))
        for t in list(p.threads):
            act = actions.get(t.tid, default)
            if act is None:
                continue
            kind, sig = act
            info = self.infos.pop(t.tid, None)
            if sig:
                if info is None or info.signo != sig:
                    info = signal.SigInfo(sig, code=signal.SI_USER)
                signal.init_thread(t)
                t.pending.add(info)
                self.passing[t.tid] = info
            if kind == "s":
                self.steps.add(t.tid)
            if not p.stopped:               # a job-control stop outlasts the debugger's
                self.k.sched.cont(t)

    def interrupt(self):
        """^C from the debugger."""
        if self.proc is not None and not self.held and self.proc.threads:
            self._stop(None, signal.SIGINT)

    def detach(self):
        """The debugger leaves (D, or its connection went away): breakpoints out, and the
        process runs on as if it had never been stopped."""
        p = self.proc
        if p is not None:
            for addr in list(self.breakpoints):
                self.remove_breakpoint(addr)
            held = self.held
            self.proc, self.held = None, False
            if held and not p.stopped:
                for t in p.threads:
                    self.k.sched.cont(t)
        self.steps.clear()
        self.watchpoints.clear()
        self.infos.clear()
        self.passing.clear()
        self.last_stop, self.attached = None, False

    def kill(self):
        p = self.proc
        if p is None:
            return
        self.detach()
        self.k.exit_process(p, sig=signal.SIGKILL)
        self.last_stop = ("exit", 0, signal.SIGKILL)

    # ---- called by the kernel ------------------------------------------------------------------
    def stepping(self, t):
        return t.proc is self.proc and (t.tid in self.steps or bool(self.watchpoints))

    def stepped(self, t, exit):
        """After run_slice handled the trap of a single step: a watched value changed, or an
        instruction retired (a system call counts once it completed, not while it blocks)."""
        if t.state != "R" or t.proc.exited or t.proc is not self.proc:
            return
        hit = self._watch_hit() if self.watchpoints else None
        if hit is not None:
            self._stop(t, signal.SIGTRAP, watch=hit)
        elif t.tid in self.steps and exit in (Exit.BUDGET, Exit.SYSCALL):
            self._stop(t, signal.SIGTRAP)

    def breakpoint_hit(self, t):
        """A breakpoint exit: True if it is one of ours (reported; no SIGTRAP)."""
        if t.proc is not self.proc or t.proc.mm is not self.bp_mm \
                or t.ctx.pc not in self.breakpoints:
            return False
        self._stop(t, signal.SIGTRAP)
        return True

    def signal_stop(self, t, info):
        """A signal is about to be delivered to t: True if t stopped to report it first."""
        if t.proc is not self.proc or info.signo == signal.SIGKILL:
            return False
        if self.passing.get(t.tid) is info:
            del self.passing[t.tid]
            return False
        if info.signo in self.passed:
            return False
        self.infos[t.tid] = info
        self._stop(t, info.signo)
        return True

    def exited(self, p):
        if p is not self.proc:
            return
        self.detach()
        self.last_stop = ("exit", p.exit_code or 0, p.term_signal)
        if self.listener is not None:
            self.listener.exited(p.exit_code or 0, p.term_signal)

    def forked(self, parent, child_mm):
        """A child's copy of the traced memory: without our breakpoints (gdb follows no forks)."""
        if parent is self.proc and parent.mm is self.bp_mm:
            for addr, (orig, _) in self.breakpoints.items():
                try:
                    child_mm.poke(addr, orig)
                except Errno:
                    pass


def serve_gdb(k, port, proc=None, wait=False):
    """A gdb stub on 127.0.0.1:port. With `proc` (jitvm run -g), proc is stopped before its
    first instruction and, with `wait`, this returns once gdb has connected; without, gdb
    attaches to processes (extended-remote, `attach PID`) whenever it connects."""
    from jitvm.gdb.server import GdbServer
    dbg = Debugger(k)
    if proc is not None:
        dbg.trace(proc)
    server = GdbServer(dbg, port, watch=k.sched.watch_host_fd,
                       unwatch=lambda fd: k.sched.host_fds.pop(fd, None), log=k.log)
    if wait:
        server.wait_for_client()
    else:
        server.accept_any_time()
    return server
