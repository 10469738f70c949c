"""Running one program on a fresh kernel (what `jitvm run` does): the user-mode-emulation
counterpart of booting (kernel/boot.py), with the host's standard streams as the guest's.
Reading them never stalls the other guest threads: see HostStream in kernel/devfs.py."""
from kernel import hostnet, signal
from kernel.errno import Errno
from kernel.kernel import Kernel

DEADLOCK_STATUS = 1     # `jitvm run`'s status when no guest thread can ever run again


def run_program(machine, rootfs, image, name, argv, envp, cwd="/", strace=False, debug=False,
                syscall_cpu=False, gdb_port=None,
                monitor=None, forward=(), net="guest"):
    """Returns (exit status as a shell reports it, the finished Process). syscall_cpu: CPU 0
    runs every system call (kernel/syscall_cpu.py). gdb_port: the program stops before its first
    instruction until gdb connects there (kernel/debug.py). monitor: the address of a monitor
    console (kernel/monitor.py). forward: --forward's (proto, host port, guest port) triples
    (kernel/hostfwd.py). net: --net's "guest", "none" or "host" (kernel/hostnet.py)."""
    from kernel.fdtable import FdTable
    from kernel.namespace import make_root
    from kernel.vfs import FsContext
    root = make_root(rootfs)
    k = Kernel(machine, root, strace=strace, debug=debug, syscall_cpu=syscall_cpu)
    hostnet.use(k, net)
    from kernel.procfs import ProcFS
    root.mount("/proc", ProcFS(k))
    from kernel.devpts import mount_devpts
    mount_devpts(k, root)
    fs = FsContext(root)
    try:
        fs.chdir(cwd)
    except Errno:
        pass                    # the host cwd's guest counterpart is not a directory: stay at /
    from kernel.devfs import restore_host_terminals
    p = k.spawn(image, name, argv, envp, FdTable.with_stdio(), fs)
    from kernel import hostfwd
    forwards = hostfwd.start(k, forward)        # --forward: host ports into the guest
    try:
        if monitor is not None:
            from kernel.monitor import Monitor
            Monitor(k, monitor)
        if gdb_port is not None:
            from kernel.debug import serve_gdb
            serve_gdb(k, gdb_port, p, wait=True)
        # until the program exits, or reboot(2) stops the machine (kernel/syscalls/misc.py)
        k.sched.run(until=lambda: p.exited or k.reboot_cmd is not None)
    finally:
        restore_host_terminals()
        for f in forwards:
            f.close()
    if not p.exited:
        # powered off by reboot(2) while it ran; or every thread blocked for good (the
        # scheduler logged "deadlock"), which must not look like success
        return (0 if k.reboot_cmd is not None else DEADLOCK_STATUS), p
    if p.term_signal:
        desc = signal.DESCRIPTIONS.get(p.term_signal, f"Signal {p.term_signal}")
        import sys
        print(desc, file=sys.stderr, flush=True)
        return 128 + p.term_signal, p
    return p.exit_code, p
