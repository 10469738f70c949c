"""The machine monitor (QEMU's monitor for a jitvm machine): a text console on a unix socket or a
TCP port (`jitvm boot --monitor unix:PATH`, `jitvm run --monitor PORT`; `jitvm monitor PATH` is
its client) that shows CPUs, processes, registers, memory and the translator while the guest
runs -- and, in `jitvm boot`, behind the console's Ctrl-A c (kernel/console_escape.py). Commands:

  info cpus                 per vCPU: thread, pc, user/system/idle seconds, MIPS (last second)
  info processes | ps       pid, ppid, state, threads, comm
  info registers [PID]      the registers of PID's threads (default: the first process)
  info mem [PID]            PID's memory areas (its /proc/PID/maps)
  info jit                  tier, regions translated and loaded from the cache, compile time,
                            blocks compiled vs interpreted (per second too), exits by reason
  x/N[bhwg] ADDR [PID]      N units of PID's memory at ADDR (pages not present are not faulted in)
  stop | cont               hold every guest thread / let them go on
  strace on|off [PID]       system-call trace of one process, or of all
  help, quit

The socket is a host fd CPU 0 polls (kernel/sched.py), so every command runs with the kernel lock
held: kernel state is consistent. A thread in user mode on another CPU changes its registers
while they are read -- `info registers` says "running" for it.
"""
import atexit
import os
import socket
import time

from translators import regfield

PROMPT = b"(jitvm) "
SAMPLE = 1.0                    # seconds between the samples `info cpus` and `info jit` rate


class Monitor:
    def __init__(self, k, address):
        self.k, self.m = k, k.machine
        self.desc = self.m.debug_description()      # register names and places, per ISA
        self.held = set()       # threads `stop` stopped (and `cont` lets go)
        self.samples = []       # (time, per-CPU instret, blocks (compiled, interpreted))
        self.clients = {}       # fd -> (socket, pending input)
        self.sock, self.where = None, "console"   # address None: the console's Ctrl-A c only
        if address is not None:
            self.sock, self.where = _listen(address)
            if self.where.startswith("unix:"):    # the socket file goes when jitvm does
                atexit.register(_unlink, self.where[5:])
            self.sock.setblocking(False)
            k.sched.watch_host_fd(self.sock.fileno(), self._accept)
            k.log(f"monitor on {self.where} (jitvm monitor {self.where})")
        self._sample()

    # ---- the socket ------------------------------------------------------------------------
    def _accept(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        conn.settimeout(5.0)
        self.clients[conn.fileno()] = (conn, b"")
        self.k.sched.watch_host_fd(conn.fileno(), lambda fd=conn.fileno(): self._readable(fd))
        self._send(conn, b"jitvm monitor -- type help\n" + PROMPT)

    def _readable(self, fd):
        conn, buf = self.clients[fd]
        try:
            data = conn.recv(4096, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._drop(fd)
            return
        buf += data
        while b"\n" in buf and fd in self.clients:
            line, buf = buf.split(b"\n", 1)
            cmd = line.decode(errors="replace").strip()
            if cmd in ("quit", "q"):
                self._drop(fd)
                return
            self._send(conn, (self.command(cmd) if cmd else "").encode() + PROMPT)
        if fd in self.clients:
            self.clients[fd] = (conn, buf)

    def _send(self, conn, data):
        try:
            conn.sendall(data)
        except OSError:
            self._drop(conn.fileno())

    def _drop(self, fd):
        conn, _ = self.clients.pop(fd, (None, b""))
        self.k.sched.host_fds.pop(fd, None)     # the scheduler's way to stop watching
        if conn is not None:
            conn.close()

    # ---- commands ----------------------------------------------------------------------------
    def command(self, line):
        words = line.split()
        try:
            if words[0] == "info" and len(words) > 1:
                fn = {"cpus": self.info_cpus, "processes": self.ps, "registers": self.info_regs,
                      "mem": self.info_mem, "jit": self.info_jit}.get(words[1])
                if fn is not None:
                    return fn(*words[2:])
            if words[0] == "ps":
                return self.ps()
            if words[0].startswith("x/") or words[0] == "x":
                return self.examine(words[0][2:], *words[1:])
            if words[0] in ("stop", "cont"):
                return self.stop() if words[0] == "stop" else self.cont()
            if words[0] == "strace" and len(words) > 1:
                return self.strace(*words[1:])
            if words[0] == "help":
                return __doc__.split("Commands:\n\n", 1)[1].split("\n\n", 1)[0] + "\n"
        except (ValueError, TypeError, LookupError) as e:
            return f"error: {e}\n"
        return f"unknown command: {line} (try help)\n"

    def _proc(self, pid=None):
        procs = self.k.processes
        p = procs.get(int(pid)) if pid is not None else (procs.get(1) or next(
            (q for q in procs.values() if not q.exited), None))
        if p is None or p.exited:
            raise LookupError(f"no live process {pid}" if pid else "no process")
        return p

    def _sample(self):
        cpus = self.m.cpus
        blocks = [c.blocks_run for c in cpus] if self.m.engine.tier == "jit" else []
        self.samples = (self.samples + [(time.monotonic(), [c.instret for c in cpus],
                                         (sum(b[0] + b[1] for b in blocks),
                                          sum(b[2] for b in blocks)))])[-2:]
        if not self.k.sched.stopping:
            self.k.sched.call_at(time.monotonic() + SAMPLE, self._sample)

    def _rates(self):
        """(seconds, per-CPU instructions, (compiled, interpreted) blocks) over the last
        sample interval."""
        if len(self.samples) < 2:
            return None
        (t0, i0, b0), (t1, i1, b1) = self.samples
        return t1 - t0, [b - a for a, b in zip(i0, i1)], (b1[0] - b0[0], b1[1] - b0[1])

    def info_cpus(self):
        rates = self._rates()
        out = []
        for rt in self.k.sched.cpus:
            t = rt.current
            who = f"thread {t.tid} ({t.proc.comm})" if t is not None else \
                ("idle" if rt.idle else f"between slices, {len(rt.runq)} runnable")
            pc = f" pc={t.ctx.pc:#x}" if t is not None else ""
            times = " ".join(f"{k}={v:.2f}s" for k, v in rt.times.items())
            mips = f" {rates[1][rt.index] / rates[0] / 1e6:.1f} MIPS" if rates else ""
            out.append(f"CPU {rt.index}: {who}{pc} {times}{mips} "
                       f"instret={rt.cpu.instret if rt.cpu else 0}")
        return "".join(line + "\n" for line in out)

    def ps(self):
        out = ["  PID  PPID S THR COMM"]
        for pid, p in sorted(self.k.processes.items()):
            state = "Z" if p.zombie else ("T" if p.stopped else p.state)
            out.append(f"{pid:5d} {p.ppid:5d} {state} {len(p.threads):3d} {p.comm}")
        return "".join(line + "\n" for line in out)

    def info_regs(self, pid=None):
        p, out = self._proc(pid), []
        for t in p.threads:
            running = t.on_cpu is not None and not t.on_cpu.out_of_user.is_set()
            out.append(f"thread {t.tid} ({'running: values in flight' if running else t.state})")
            cells = []
            for _, regs in self.desc.FEATURES:
                for _, name, bits, _, where in regs:
                    if where is None:
                        continue
                    v = regfield.read(t.ctx.regs, where)
                    cells.append(f"{name:>7}={v:0{(bits + 3) // 4}x}")
            out += [" ".join(cells[i:i + 4]) for i in range(0, len(cells), 4)]
        return "".join(line + "\n" for line in out)

    def info_mem(self, pid=None):
        from kernel.procfs import maps
        return maps(self.k, self._proc(pid))

    def info_jit(self):
        e = self.m.engine
        s, cpus = e.stats, self.m.cpus
        exits = {}
        for c in cpus:
            for name, n in c.exits.items():
                exits[name] = exits.get(name, 0) + n
        lines = [f"tier {e.tier}: {s.blocks_compiled} blocks translated in {s.regions_compiled} "
                 f"regions ({s.compile_seconds:.2f} s), {s.blocks_from_cache} loaded from the "
                 f"translation cache, {s.compile_failures} failed, {s.blocks_not_translated} "
                 "left interpreted at the region limit"]
        if e.tier == "jit":
            runs = [c.blocks_run for c in cpus]
            lines.append(f"blocks run: compiled {sum(r[0] + r[1] for r in runs)} (chained "
                         f"{sum(r[1] for r in runs)}), interpreted {sum(r[2] for r in runs)}")
            rates = self._rates()
            if rates:
                secs, _, (comp, interp) = rates
                lines.append(f"last {secs:.1f} s: {comp / secs:.0f} compiled and "
                             f"{interp / secs:.0f} interpreted blocks per second")
        lines.append("exits to the kernel: " + ", ".join(f"{k}={v}" for k, v in
                                                         sorted(exits.items())))
        return "".join(line + "\n" for line in lines)

    def examine(self, fmt, addr, pid=None):
        n, size = _format(fmt)
        mm, addr = self._proc(pid).mm, int(addr, 0)
        data = _peek(mm, addr, n * size)
        out = []
        for i in range(0, n * size, 16):
            row = data[i:i + 16]
            cells = [("?" * 2 * size) if row[j:j + size] is None or None in row[j:j + size]
                     else int.from_bytes(bytes(row[j:j + size]), "little").__format__(
                         f"0{2 * size}x") for j in range(0, len(row), size)]
            out.append(f"{addr + i:016x}: " + " ".join(cells))
        return "".join(line + "\n" for line in out)

    def stop(self):
        """Hold every guest thread (the debugger's and job control's stop); `cont` undoes it."""
        n = 0
        for t in list(self.k.threads.values()):
            if t.state in ("R", "S") and not t.proc.exited:
                self.k.sched.stop(t)
                self.held.add(t)
                n += 1
        for t in self.held:
            if t.on_cpu is not None:
                t.on_cpu.shootdown()
        return f"stopped {n} threads\n"

    def cont(self):
        held, self.held = self.held, set()
        for t in held:
            if not t.proc.stopped and not t.proc.exited:
                self.k.sched.cont(t)
        return f"continued {len(held)} threads\n"

    def strace(self, onoff, pid=None):
        on = {"on": True, "off": False}[onoff]
        if pid is None:
            self.k.strace = on
        else:
            pids = self.k.strace_pids
            (pids.add if on else pids.discard)(self._proc(pid).pid)
        return f"strace {onoff}{' for pid ' + pid if pid else ''}\n"

    def close(self):
        for fd in list(self.clients):
            self._drop(fd)
        if self.sock is None:
            return
        self.k.sched.host_fds.pop(self.sock.fileno(), None)
        self.sock.close()
        if self.where.startswith("unix:"):
            _unlink(self.where[5:])


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _listen(address):
    """A listening socket for "unix:PATH", "tcp:PORT", "PORT" or "PATH"."""
    kind, _, rest = address.partition(":")
    if not rest:
        kind, rest = ("tcp" if address.isdigit() else "unix"), address
    if kind == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(rest)))
        where = f"tcp:{s.getsockname()[1]}"
    else:
        _unlink(rest)                               # a stale socket of an earlier run
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(rest)
        where = f"unix:{rest}"
    s.listen(4)
    return s, where


def _format(fmt):
    """x/N[bhwg]: (count, unit size in bytes); QEMU's default unit is a 4-byte word."""
    digits = "".join(ch for ch in fmt if ch.isdigit())
    letters = [ch for ch in fmt if ch in "bhwg"]
    n = int(digits) if digits else 1
    if not 0 < n <= 4096:
        raise ValueError("count must be 1 to 4096")
    return n, {"b": 1, "h": 2, "w": 4, "g": 8}[letters[-1] if letters else "w"]


def _peek(mm, addr, n):
    """n bytes at addr as a list of ints, None where the page is not present (never faults one
    in: looking must not change the guest)."""
    page_size = 4096
    out = []
    mem = mm.frames.mem8
    while len(out) < n:
        a = addr + len(out)
        k = min(n - len(out), page_size - (a & (page_size - 1)))
        pte = mm.pt.lookup(a & ~(page_size - 1)) if 0 <= a < 1 << 47 else None
        if pte is None:
            out += [None] * k
        else:
            base = pte[0] + (a & (page_size - 1))
            out += [int(x) for x in mem[base:base + k]]
    return out

