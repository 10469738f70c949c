"""Booting the machine (`jitvm boot`): the kernel's table of contents.

`boot()` reads top to bottom in the order zCore's primary_main and ArceOS's rust_main follow:
banner, memory, frame allocator, CPUs, console, file systems, the first process, run, power off.
One call per step; every message is printk-style, "[    0.123456] ..." with seconds since
power-on, on the console.

The machine stops when init (pid 1) exits or someone calls reboot(2) (busybox `poweroff -f`);
the host status is init's exit status, or 128+N if signal N killed it, as a shell reports it.
"""
import atexit
import os
import signal
import sys
import time

from kernel import devpts, hostfwd, hostnet, params
from kernel.devfs import ConsoleDriver, DevFS, restore_host_terminals
from kernel.elf import ExecError
from kernel.errno import Errno
from kernel.fdtable import FdTable
from kernel.hostfs import HostFS
from kernel.kernel import Kernel
from kernel.printk import KernelLog
from kernel.syscalls.misc import CMD_HALT, CMD_RESTART, CMD_RESTART2
from kernel.uapi import O_RDWR
from kernel.vfs import FsContext, MountTable



def version():
    """The installed package's version (pyproject.toml), as `uname -v`-ish banner text."""
    from importlib import metadata
    try:
        return metadata.version("jitvm")
    except metadata.PackageNotFoundError:
        return "(not installed)"


class Panic(Exception):
    """The kernel cannot go on (no init to run): "Kernel panic - not syncing: ..."."""


class BootLog:
    """printk. Until the console is registered, messages wait in the log buffer (as early
    printk's do) and are printed when it is."""

    def __init__(self):
        self.t0 = time.monotonic()
        self.buffer, self.console = [], None
        self.klog = KernelLog(self.t0)      # what dmesg reads: the boot log and what follows

    def __call__(self, msg):
        self.klog.add(msg)
        self.show(msg)

    def show(self, msg):
        line = f"[{time.monotonic() - self.t0:12.6f}] {msg}\n"
        if self.console:
            self.console.kernel_write(line)
        else:
            self.buffer.append(line)

    def register_console(self, console):
        self.console = console
        for line in self.buffer:
            console.kernel_write(line)
        self.buffer.clear()

    def flush_to_stderr(self):
        """Boot failed before the console came up: the messages must not be lost."""
        sys.stderr.write("".join(self.buffer))
        self.buffer.clear()

    def kernel_line(self, line):
        """Kernel.log's sink: "jitvm: ..." messages are printk; --strace lines (no prefix) go to
        the host's stderr, which the raw console shares, hence CR LF on a terminal."""
        if line.startswith("jitvm: "):
            self.show(line[len("jitvm: "):])     # (Kernel.log has put it in the kernel log)
        else:
            os.write(2, (line + ("\r\n" if os.isatty(2) else "\n")).encode(errors="replace"))


def boot(machine, rootfs, init_argv=None, strace=False, debug=False, rfd=0, wfd=1,
         syscall_cpu=False, gdb_port=None, monitor=None, forward=(), net="guest"):
    """Start `machine` with the root file system in host directory `rootfs` and run it until it
    powers off. init_argv: the first program and its arguments (default: Linux's search,
    /sbin/init first). gdb_port: a gdb stub there, for gdb to attach to processes. monitor:
    the address of a monitor console (kernel/monitor.py). forward: --forward's (proto, host
    port, guest port) triples (kernel/hostfwd.py). net: --net's "guest", "none" or "host"
    (kernel/hostnet.py). Returns the host exit status."""
    log = BootLog()
    console = ConsoleDriver(rfd, wfd)
    previous = catch_host_exits()                       # SIGTERM/SIGHUP/exit restore the tty
    try:
        banner(log, machine)                            # jitvm version, machine, CPUs
        k = Kernel(machine, None, strace=strace, debug=debug, log=log.kernel_line, klog=log.klog,
                   syscall_cpu=syscall_cpu)
        hostnet.use(k, net)                             # --net: whose sockets AF_INET are
        memory(log, k)                                  # memory size, frame allocator
        bring_up_cpus(log, machine, syscall_cpu)        # per-CPU runtimes
        console.start(k)                                # the host terminal becomes the console
        log.register_console(console)
        log(f"printk: console [{console.tty.name}0] enabled")
        k.root = mount_root(log, rootfs)                # hostfs at /
        mount_devfs(log, k, console)                    # devfs at /dev, with the console
        mount_optional(log, k, "/proc", "procfs", "ProcFS")   # if kernel/procfs.py exists
        mount_optional(log, k, "/tmp", "tmpfs", "TmpFS")      # if kernel/tmpfs.py exists
        mount_devpts(log, k)                            # devpts at /dev/pts: the ptys
        gdb_stub(k, gdb_port)                           # -g: gdb may attach to processes
        console_monitor(k, console, monitor)            # --monitor; and Ctrl-A c
        hostfwd.start(k, forward)                       # --forward: host ports into the guest
        init = start_init(log, k, console, init_argv)   # pid 1 on the console
        k.sched.run(until=lambda: init.exited or stopping(k))    # run until power-off
        return power_off(log, k, init)                  # "reboot: Power down"
    except Panic as e:
        log(f"Kernel panic - not syncing: {e}")
        return 1
    finally:
        if log.console is None:
            log.flush_to_stderr()
        console.stop()                                  # the host terminal as it was
        release_host_exits(previous)


# ---- the steps ----------------------------------------------------------------------------------
def banner(log, machine):
    import platform
    log(f"jitvm version {version()} ({machine.isa_name}) "
        f"(Python {platform.python_version()}, engine {machine.engine.tier})")
    n = len(machine.cpus)
    log(f"Machine: jitvm virt, {n} CPU{'s' if n != 1 else ''}")


def memory(log, k):
    frames = k.frames
    log(f"Memory: {len(k.machine.mem8) >> 20} MiB available")
    log(f"frame allocator: {frames.nframes} frames of {params.PAGE_SIZE // 1024} KiB, "
        f"{frames.free_count} free")


def console_monitor(k, console, address):
    """The machine monitor (kernel/monitor.py): on --monitor's socket if given, and behind the
    console's Ctrl-A c in any case (kernel/console_escape.py), as QEMU's is."""
    from kernel.console_escape import ConsoleEscape
    from kernel.monitor import Monitor
    shared = Monitor(k, address) if address is not None else None
    console.escape = ConsoleEscape(console.write, lambda: shared or Monitor(k, None))


def bring_up_cpus(log, machine, syscall_cpu=False):
    """CPU 0 runs its scheduler loop on the boot thread; each secondary CPU gets a host thread
    of its own when the scheduler starts (kernel/sched.py)."""
    n = len(machine.cpus)
    log("CPU0: online, per-CPU runtime on the boot thread")
    if syscall_cpu:
        log("CPU0: dedicated to system calls: the other CPUs submit theirs to it and run only "
            "guest code (kernel/syscall_cpu.py)")
    if n > 1:
        log("smp: Bringing up secondary CPUs ...")
        for i in range(1, n):
            log(f"CPU{i}: online, per-CPU runtime on host thread jitvm-cpu{i}")
        log(f"smp: Brought up 1 node, {n} CPUs")


def mount_root(log, rootfs):
    log(f"Mounting root file system (hostfs: {rootfs}) on /")
    fs = HostFS(str(rootfs))
    log(f"hostfs: {fs.fds.max} host descriptors for guest files (fs.file-max)")
    for note in fs.notes():
        log(note)
    return MountTable(fs)


def mount_devfs(log, k, console):
    log("Mounting devfs on /dev")
    devfs = DevFS()
    devfs.console = console
    k.root.mount("/dev", devfs)


def mount_devpts(log, k):
    log("Mounting devpts on /dev/pts")
    devpts.mount_devpts(k, k.root)


def gdb_stub(k, port):
    """`jitvm boot -g PORT`: gdb (target extended-remote) attaches to a process by pid and
    debugs it while the rest of the machine runs on (kernel/debug.py)."""
    if port is not None:
        from kernel.debug import serve_gdb
        serve_gdb(k, port)


def mount_optional(log, k, path, name, cls_name):
    """Mount a file system from kernel/<name>.py if that module has been written yet (procfs and
    tmpfs arrive alongside this module); ProcFS takes the kernel, TmpFS nothing."""
    import importlib
    try:
        cls = getattr(importlib.import_module(f"kernel.{name}"), cls_name)
    except (ImportError, AttributeError):
        log(f"{name}: not available, /{path.strip('/')} not mounted")
        return
    log(f"Mounting {name} on {path}")
    k.root.mount(path, cls(k) if name == "procfs" else cls())


def start_init(log, k, console, argv):
    """The first process, with the console as fds 0, 1, 2. Without --init, Linux's search order
    (params.INIT_PATHS). An explicit --init also gets the console as its controlling terminal,
    so `--init /bin/sh` has job control; /sbin/init does not (as on Linux: busybox init gives it
    to each child with setsid() and TIOCSCTTY, which would fail if init held it)."""
    candidates = [argv] if argv else [[p] for p in params.INIT_PATHS]
    for cand in candidates:
        path = cand[0]
        try:
            image = k.root.read_file(path)
        except Errno as e:
            if argv:
                raise Panic(f"Requested init {path} failed (error -{e.errno}).") from None
            continue
        log(f"Run {path} as init process")
        fs = FsContext(k.root)
        fds = FdTable()
        con = fs.open("/dev/console", O_RDWR)
        for fd in (0, 1, 2):
            fds.install_at(fd, con if fd == 0 else con.get())
        try:
            p = k.spawn(image, path, [os.fsencode(a) for a in cand], init_environment(), fds, fs)
        except ExecError as e:
            fds.close_all()
            log(f"Starting init: {path} exists but couldn't execute it ({e})")
            if argv:
                raise Panic(f"Requested init {path} failed.") from None
            continue
        if argv:
            console.tty.set_ctty(p)
        return p
    raise Panic("No working init found.  Try passing --init.")


def init_environment():
    """What Linux gives init (envp_init): HOME=/ and TERM -- the host's TERM, since the console
    is the host terminal (Linux says "linux", its own console's type)."""
    return [b"HOME=/", b"TERM=" + os.fsencode(os.environ.get("TERM") or "linux")]


def stopping(k):
    return k.reboot_cmd is not None


def power_off(log, k, init):
    cmd = k.reboot_cmd
    status = 0
    if init.exited:
        status = 128 + init.term_signal if init.term_signal else init.exit_code
        why = f"killed by signal {init.term_signal}" if init.term_signal else \
            f"exited with status {init.exit_code}"
        if cmd is None:
            log(f"init: {why}")
    elif cmd is None:
        status = 1          # the scheduler found every thread blocked for good (it said so)
    log({CMD_HALT: "reboot: System halted", CMD_RESTART: "reboot: Restarting system",
         CMD_RESTART2: "reboot: Restarting system"}.get(cmd, "reboot: Power down"))
    return status


# ---- the host side ------------------------------------------------------------------------------
HOST_EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _host_signal(signum, frame):
    raise SystemExit(128 + signum)      # unwinds through boot()'s finally: terminal restored


def catch_host_exits():
    """Every way out of the VM puts the host terminal back: SIGTERM and SIGHUP become
    SystemExit (so `finally` blocks run), and atexit covers the rest."""
    atexit.register(restore_host_terminals)
    previous = {}
    for sig in HOST_EXIT_SIGNALS:
        try:
            previous[sig] = signal.signal(sig, _host_signal)
        except ValueError:              # not the main thread
            pass
    return previous


def release_host_exits(previous):
    for sig, handler in previous.items():
        signal.signal(sig, handler)
