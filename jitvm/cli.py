"""The `jitvm` command line.

  jitvm boot [options]                    boot the machine: kernel, console, /sbin/init
  jitvm run [options] PROGRAM [ARGS...]   run one guest program, like qemu-<arch>
  jitvm rootfs [--arch A] [--rebuild]     build the default root file system (busybox)
  jitvm cache [--stats|--clear|--warm]    the translation cache and the compiled engine
  jitvm bench [--quick] [--repeat R] ...  the benchmark suite (perf/bench.py)

Nothing that imports Numba is imported before the arguments are parsed: `--engine python` must set
JITVM_ENGINE before jitvm.compiled is first imported.
"""
import argparse
import os
import sys
import time

# numpy's BLAS threads are never used by jitvm, and idle ones still cost CPU at start-up
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Numba imports SciPy, where installed, for np.linalg support that jitvm never compiles: ~0.5 s of
# every start-up. The command line is the whole process, so it can say "not here".
sys.modules.setdefault("scipy", None)

from translators import DEFAULT_ISA, ELF_MACHINES, ISAS    # noqa: E402  (stdlib only)

ARCHES = ISAS
ARCH_HELP = f"guest ISA: {', '.join(ISAS)} (default {DEFAULT_ISA})"


def _mem_size(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower().rstrip("ib")
    try:
        n = int(float(t[:-1]) * units[t[-1]]) if t and t[-1] in units else int(t)
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"bad memory size {text!r}; use e.g. 256M or 1G")
    if n < (16 << 20):
        raise argparse.ArgumentTypeError("guest memory must be at least 16M")
    return n & ~0xFFF


def _paragraphs(*paras):
    import textwrap
    return "\n\n".join(textwrap.fill(p, 78) for p in paras)


def _cpu_count(text):
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"bad CPU count {text!r}; use 1 to 64")
    return n


def _forward(text):
    from kernel.hostfwd import parse
    try:
        return parse(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{e} (want tcp:HOSTPORT:GUESTPORT or udp:...)") from None


NET_HELP = ("whose network AF_INET/AF_INET6 sockets are on: guest (default) -- the kernel's "
            "own loopback, 127.0.0.1 and ::1 between guest processes, nothing of the host's; "
            "none -- the same (only the loopback interface); host -- the host's sockets, as "
            "qemu-user gives them")
FORWARD_HELP = ("listen on the host's 127.0.0.1:HOSTPORT and hand each connection to the guest "
                "socket listening on GUESTPORT (QEMU's hostfwd; repeatable; udp: relays "
                "datagrams, replies going back to their sender). Without it nothing on the host "
                "can reach a guest port")
SMP_HELP = ("number of virtual CPUs (default 1). Each runs guest threads on a host thread of "
            "its own, in parallel: compiled guest code runs without Python's GIL; the kernel "
            "itself runs on one CPU at a time")
DEBIAN_HELP = ("use the root file system of Debian's own binaries -- busybox-static, bash, "
               "coreutils and their libraries (`jitvm rootfs --arch A --debian` builds it) -- "
               "instead of the source-built one")
SYSCALL_CPU_HELP = ("dedicate CPU 0 to system calls (needs --smp 2 or more): the other CPUs run "
                    "only guest code and hand every system call to CPU 0 through a submission "
                    "queue, parking the thread until it completes (zCore's experiment; "
                    "perf/bench_syscall_cpu.py measures it)")


def parser():
    p = argparse.ArgumentParser(
        prog="jitvm",
        description="A binary-translation VM in Python: runs Linux programs for another ISA on a "
                    "Linux-compatible kernel written in Python, with guest code compiled by Numba.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    b = sub.add_parser(
        "boot", help="boot the machine on a root file system (a busybox shell by default)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_paragraphs(
            "Boot a jitvm machine: the kernel prints its boot log, mounts the root file system, "
            "devfs, procfs and tmpfs, and runs /sbin/init (busybox init: one login shell on the "
            "console, then power-off) as process 1 on the console."),
        epilog=_paragraphs(
            "The console is this terminal, switched to raw mode while the machine runs: echo, "
            "line editing, ^C, ^Z and ^\\ belong to the guest kernel's tty line discipline, so "
            "^C interrupts the guest's foreground job, never the VM. The terminal's modes are "
            "restored however the VM exits. When stdin is not a terminal (a pipe, CI), its "
            "bytes are typed into the console and its end is ^D on an empty line.",
            "The machine powers off when init exits or calls reboot(2) (`poweroff -f`); the "
            "exit status is init's, or 128+N if signal N killed it.") + """

examples:
  jitvm boot
  jitvm boot --init /bin/sh
  jitvm boot --init "/bin/sh -c 'uname -a; exit 3'"     # exits with status 3""")
    b.add_argument("--arch", default=DEFAULT_ISA, choices=ARCHES, help=ARCH_HELP)
    b.add_argument("--smp", type=_cpu_count, default=1, metavar="N",
                   help=SMP_HELP)
    b.add_argument("--syscall-cpu", action="store_true", help=SYSCALL_CPU_HELP)
    b.add_argument("--mem", type=_mem_size, default=None, metavar="SIZE",
                   help="guest physical memory, e.g. 256M, 1G (default 512M)")
    b.add_argument("--rootfs", metavar="DIR",
                   help="host directory mounted as / (default: the one `jitvm rootfs` built). "
                        "The guest cannot reach anything outside it")
    b.add_argument("--debian", action="store_true", help=DEBIAN_HELP)
    b.add_argument("--init", metavar="CMDLINE",
                   help="the first process instead of /sbin/init: a command line split like "
                        "a shell would (e.g. \"/bin/sh -c 'echo hi'\"); paths are in the "
                        "guest. It gets the console as its controlling terminal, so "
                        "`--init /bin/sh` has job control")
    b.add_argument("--engine", default="jit", choices=("jit", "interp", "python"),
                   help="execution tier: jit = compiled interpreter + hot blocks translated to "
                        "machine code (default); interp = compiled interpreter only; python = "
                        "the same semantics in plain CPython (slow; for debugging)")
    b.add_argument("--strace", action="store_true",
                   help="print every system call of every process, with decoded arguments and "
                        "result, to stderr")
    b.add_argument("--forward", type=_forward, action="append", default=[],
                   metavar="tcp|udp:HOSTPORT:GUESTPORT", help=FORWARD_HELP)
    b.add_argument("--net", default="guest", choices=("guest", "none", "host"), help=NET_HELP)
    b.add_argument("-g", "--gdb", type=int, metavar="PORT",
                   help="a gdb stub on 127.0.0.1:PORT: `gdb-multiarch -ex 'target "
                        "extended-remote :PORT' -ex 'attach PID'` stops and debugs one guest "
                        "process while the others run on; `detach` lets it go")
    b.add_argument("--monitor", nargs="?", const="", metavar="ADDRESS",
                   help="a monitor console (QEMU's monitor for jitvm) on unix:PATH or tcp:PORT "
                        "(default: a unix socket in the temporary directory, named in the boot "
                        "log): info cpus/processes/registers/mem/jit, x/Nx, stop, cont, "
                        "strace; connect with `jitvm monitor ADDRESS`")

    r = sub.add_parser("run", help="run one guest program (like qemu-<arch>)",
                       description="Run PROGRAM (a path on the host) on the jitvm kernel. The guest "
                                   "sees the root file system as / and nothing outside it. Exits "
                                   "with the guest's status, or 128+N if signal N killed it.")
    r.add_argument("--arch", default="auto", choices=("auto",) + ARCHES,
                   help=f"guest ISA ({', '.join(ISAS)}); auto reads it from PROGRAM's ELF "
                        "header (default)")
    r.add_argument("--rootfs", metavar="DIR",
                   help="host directory the guest sees as / (default: the one `jitvm rootfs` "
                        "built)")
    r.add_argument("--debian", action="store_true", help=DEBIAN_HELP)
    r.add_argument("--engine", default="jit", choices=("jit", "interp", "python"),
                   help="execution tier: jit = compiled interpreter + hot blocks translated to "
                        "machine code (default); interp = compiled interpreter only; python = "
                        "the same semantics in plain CPython (slow; for debugging and comparison)")
    r.add_argument("--smp", type=_cpu_count, default=1, metavar="N", help=SMP_HELP)
    r.add_argument("--syscall-cpu", action="store_true", help=SYSCALL_CPU_HELP)
    r.add_argument("--mem", type=_mem_size, default=None, metavar="SIZE",
                   help="guest physical memory, e.g. 256M, 1G (default 512M)")
    r.add_argument("--strace", action="store_true",
                   help="print every system call with decoded arguments and result to stderr")
    r.add_argument("--forward", type=_forward, action="append", default=[],
                   metavar="tcp|udp:HOSTPORT:GUESTPORT", help=FORWARD_HELP)
    r.add_argument("--net", default="guest", choices=("guest", "none", "host"), help=NET_HELP)
    r.add_argument("--stats", action="store_true",
                   help="print engine statistics at exit (blocks compiled, exits by reason, ...)")
    r.add_argument("-g", "--gdb", type=int, metavar="PORT",
                   help="debug with gdb, as qemu-user's -g: the program stops before its first "
                        "instruction and waits for gdb on 127.0.0.1:PORT (`gdb-multiarch "
                        "PROGRAM -ex 'target remote :PORT'`): breakpoints, single steps, "
                        "registers, memory, threads, ^C. If gdb goes away the program runs on")
    r.add_argument("--monitor", metavar="ADDRESS",
                   help="a monitor console on unix:PATH, tcp:PORT (or a bare PATH or PORT): "
                        "CPUs, processes, registers, memory, the translator, while the program "
                        "runs; connect with `jitvm monitor ADDRESS`")
    r.add_argument("program", metavar="PROGRAM",
                   help="the guest executable: a host path; with --arch, an absolute path the "
                        "host has no program of that ISA at is looked up in the rootfs")
    r.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS",
                   help="arguments passed to PROGRAM")

    c = sub.add_parser("cache", help="inspect, clear or warm the persistent translation cache",
                       description="The translation cache holds the translated regions of "
                                   "hot guest blocks (JITVM_CACHE, default ~/.cache/jitvm). "
                                   "The compiled engine -- interpreter, run loops and the "
                                   "instruction semantics translated code inlines -- is kept "
                                   "beside the sources and rebuilt when the semantics change.")
    c.add_argument("--stats", action="store_true", help="show what the cache holds (default)")
    c.add_argument("--clear", action="store_true",
                   help="delete the translated blocks (the rootfs and the compiled engine "
                        "are kept)")
    c.add_argument("--warm", action="store_true",
                   help="compile the engine -- the per-instruction ops (one process per "
                        "core), the interpreter's op table linked from them, the run loops -- "
                        "now (a few minutes the first time), so the first run or boot does not "
                        "wait for it")
    c.add_argument("--arch", default=DEFAULT_ISA, choices=ARCHES + ("all",),
                   help=f"ISA whose engine --warm compiles: {', '.join(ISAS)} or all "
                        f"(default {DEFAULT_ISA})")

    f = sub.add_parser("rootfs", help="build the default root file system (static busybox)",
                       description="Build, once, a root file system with a static busybox built "
                                   "from Debian's source with a cross compiler. Prints its path "
                                   "as the last line.")
    f.add_argument("--arch", default=DEFAULT_ISA, choices=ARCHES, help=ARCH_HELP)
    f.add_argument("--rebuild", action="store_true", help="build again even if it exists")
    f.add_argument("--debian", action="store_true",
                   help="build the rootfs of Debian's own packages for the ISA instead: "
                        "busybox-static, bash, coreutils and the libraries they need (fetched "
                        "with apt into a state directory of its own; aarch64 and mipsel)")

    s = sub.add_parser("syscalls",
                       help="list the system calls of an ISA: implemented, stub, missing",
                       description="Every system call number the ISA's ABI names, with what the "
                                   "kernel does with it: implemented, stub (accepted, does "
                                   "nothing where Linux would act) or missing (ENOSYS), and the "
                                   "kernel/syscalls module that has it.")
    s.add_argument("--arch", default=DEFAULT_ISA, choices=ARCHES, help=ARCH_HELP)
    s.add_argument("--state", choices=("implemented", "stub", "missing"),
                   help="list only the calls in this state")

    mo = sub.add_parser("monitor", help="talk to a running machine's monitor (--monitor)",
                        description="Connect to the monitor of a machine started with "
                                    "--monitor and run COMMANDs (or those read from stdin). "
                                    "`help` lists them.")
    mo.add_argument("address", metavar="ADDRESS", help="unix:PATH, tcp:PORT, PATH or PORT")
    mo.add_argument("commands", nargs="*", metavar="COMMAND",
                    help='e.g. "info cpus" "info jit"')

    sub.add_parser("bench", add_help=False,
                   help="run the benchmark suite: guest workloads under every tier and qemu "
                        "(see `jitvm bench --help`)")
    return p


def die(msg, status=1):
    print(f"jitvm: {msg}", file=sys.stderr)
    sys.exit(status)


def detect_arch(data):
    if data[:4] != b"\x7fELF" or len(data) < 20:
        return None
    return ELF_MACHINES.get(int.from_bytes(data[18:20], "little"))


MAX_PROGRAM = 1 << 30      # bytes: a program file larger than this is refused, not read


def read_program(path):
    """The bytes of the program file, or exit with execve's verdict on it: only a regular file
    runs (a FIFO or a device would block or never end: opened non-blocking, never read)."""
    import stat
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        die(f"{path}: no such file", 127)
    except IsADirectoryError:
        die(f"{path}: is a directory", 126)
    except OSError as e:
        die(f"{path}: cannot read: {e.strerror}", 126)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            die(f"{path}: is a directory", 126)
        if not stat.S_ISREG(st.st_mode):
            die(f"{path}: not a regular file, so not a program (execve: Permission denied)", 126)
        if st.st_size > MAX_PROGRAM:
            die(f"{path}: {st.st_size} bytes is too large for a program "
                f"(at most {MAX_PROGRAM >> 20} MiB)", 126)
        chunks, left = [], st.st_size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as e:
        die(f"{path}: cannot read: {e.strerror}", 126)
    finally:
        os.close(fd)


def startup_environment():
    """The environment jitvm was started with, in order, as the guest's (as under qemu-user).
    Not os.environ: CPython may have added LC_CTYPE to it (PEP 538 locale coercion)."""
    try:
        with open("/proc/self/environ", "rb") as f:
            return [e for e in f.read().split(b"\0") if b"=" in e]
    except OSError:
        return [os.fsencode(f"{k}={v}") for k, v in os.environ.items()]


def guest_cwd(rootfs):
    """The host working directory as the guest sees it, if it lies inside the root file system."""
    here, root = os.path.realpath(os.getcwd()), os.path.realpath(rootfs)
    if here == root or here.startswith(root + os.sep):
        return "/" + os.path.relpath(here, root).replace(os.sep, "/").lstrip(".")
    return "/"


def root_dir(a, arch):
    """The rootfs a boot or run uses: --rootfs, else the one `jitvm rootfs [--debian]` built."""
    from jitvm import rootfs as rootfs_mod
    if a.rootfs and a.debian:
        die("--rootfs and --debian: give one of them", 2)
    root = a.rootfs or rootfs_mod.default_path(arch, debian=a.debian)
    if not os.path.isdir(root):
        if a.rootfs:
            die(f"--rootfs {root}: not a directory")
        debian = " --debian" if a.debian else ""
        die(f"no root file system for {arch}{debian} yet: run `jitvm rootfs --arch {arch}"
            f"{debian}` (or `make rootfs`), or pass --rootfs DIR")
    return root


def _head(path):
    """The first 20 bytes of the host file (enough for detect_arch); None if it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read(20)
    except OSError:
        return None


def program_path(a):
    """The host path PROGRAM names. A host path, as for qemu-user -- but with --arch, an absolute
    PROGRAM that the host has only as something else (no such file, or an ELF for another
    machine: the host's own /bin/bash) and the rootfs has as an arch program is the rootfs's,
    symlinks followed inside it: `jitvm run --arch aarch64 --debian /bin/bash` runs Debian's."""
    from pathlib import Path

    from jitvm import rootfs as rootfs_mod
    from jitvm.elfdeps import resolve
    if a.arch == "auto" or not os.path.isabs(a.program) or (a.rootfs and a.debian):
        return a.program
    head = _head(a.program)
    if head is not None and (head[:4] != b"\x7fELF" or detect_arch(head) == a.arch):
        return a.program            # the arch's program, a script, or what the kernel refuses
    root = Path(a.rootfs or rootfs_mod.default_path(a.arch, debian=a.debian))
    inside = resolve(root, a.program) if root.is_dir() else None
    if inside is not None and inside.is_file() and detect_arch(_head(inside) or b"") == a.arch:
        return str(inside)
    return a.program


def cmd_run(a):
    if a.engine == "python":
        os.environ["JITVM_ENGINE"] = "python"
    program = program_path(a)
    data = read_program(program)
    arch = a.arch
    if arch == "auto":
        arch = detect_arch(data) or DEFAULT_ISA     # the kernel then says what is wrong
    root = root_dir(a, arch)

    from jitvm.machine import Machine
    from kernel import params
    from kernel.elf import ExecError
    from kernel.session import run_program
    _check_syscall_cpu(a)
    machine = Machine(arch, a.mem or params.MEM_SIZE, a.smp, a.engine)
    argv = [os.fsencode(a.program)] + [os.fsencode(x) for x in a.args]
    envp = [e for e in startup_environment() if not e.startswith(b"JITVM_")]
    started = time.perf_counter()
    try:
        # the kernel's name for it is absolute: /proc/self/exe must be (glibc asserts it)
        status, proc = run_program(machine, root, data, os.path.abspath(program), argv, envp,
                                   cwd=guest_cwd(root), strace=a.strace,
                                   debug=bool(os.environ.get("JITVM_DEBUG")),
                                   syscall_cpu=a.syscall_cpu, gdb_port=a.gdb,
                                   monitor=a.monitor, forward=a.forward, net=a.net)
    except ExecError as e:
        die(str(e), 126)
    finally:
        machine.shutdown()
    if a.stats:
        print_stats(machine, time.perf_counter() - started)
    return status


def _check_syscall_cpu(a):
    if a.syscall_cpu and a.smp < 2:
        die("--syscall-cpu needs at least two CPUs (--smp 2): one for system calls, one for "
            "guest code", 2)


def print_stats(machine, seconds):
    s, cpus = machine.engine.stats, machine.cpus
    instret = sum(c.instret for c in cpus)
    exits = {}
    for c in cpus:
        for k, v in c.exits.items():
            exits[k] = exits.get(k, 0) + v
    lines = [f"engine: {machine.engine.tier}, {len(cpus)} CPU{'s' if len(cpus) > 1 else ''}",
             f"guest run time: {seconds:.3f} s ({instret / seconds / 1e6:.1f} MIPS)",
             f"instructions retired: {instret}"
             + (" (" + ", ".join(f"CPU{c.index} {c.instret}" for c in cpus) + ")"
                if len(cpus) > 1 else ""),
             f"blocks translated: {s.blocks_compiled} in {s.regions_compiled} regions "
             f"({s.compile_seconds:.2f} s compiling), loaded from the cache: "
             f"{s.blocks_from_cache}"
             + (f", left interpreted (JITVM_MAX_REGIONS reached): {s.blocks_not_translated}"
                if s.blocks_not_translated else ""),
             "blocks run: compiled {} (entered from the run loop's jump table {}, chained "
             "directly inside a region {}), interpreted {}".format(
                 sum(c.blocks_run[0] + c.blocks_run[1] for c in cpus),
                 *(sum(c.blocks_run[i] for c in cpus) for i in (0, 1, 2))),
             f"TLB misses: {sum(c.tlb_misses for c in cpus)}",
             "exits to the kernel: " + ", ".join(f"{k}={v}" for k, v in sorted(exits.items()))]
    print("\n".join("jitvm stats: " + x for x in lines), file=sys.stderr)


def cmd_boot(a):
    import shlex
    if a.engine == "python":
        os.environ["JITVM_ENGINE"] = "python"
    try:
        init_argv = shlex.split(a.init) if a.init is not None else None
    except ValueError as e:
        die(f"--init: {e}", 2)
    if init_argv == []:
        die("--init: empty command line", 2)
    root = root_dir(a, a.arch)
    from jitvm.machine import Machine
    from kernel import params
    from kernel.boot import boot
    _check_syscall_cpu(a)
    machine = Machine(a.arch, a.mem or params.MEM_SIZE, a.smp, a.engine)
    try:
        return boot(machine, root, init_argv, strace=a.strace,
                    debug=bool(os.environ.get("JITVM_DEBUG")), syscall_cpu=a.syscall_cpu,
                    gdb_port=a.gdb, monitor=monitor_address(a), forward=a.forward,
                    net=a.net)
    finally:
        machine.shutdown()


def cmd_cache(a):
    from jitvm import cache
    if a.clear:
        cache.clear()
        print("translation cache cleared")
    if a.warm:
        for isa in ISAS if a.arch == "all" else (a.arch,):
            cache.warm(isa)
    if a.stats or not (a.clear or a.warm):
        print("\n".join(cache.stats()))
    return 0


def cmd_rootfs(a):
    from jitvm import rootfs as rootfs_mod
    build = rootfs_mod.build_debian_rootfs if a.debian else rootfs_mod.build_rootfs
    path = build(a.arch, rebuild=a.rebuild)
    print(path)
    return 0


def cmd_syscalls(a):
    import translators
    from kernel.syscalls.table import listing
    rows = listing(translators.load(a.arch).abi)
    for nr, name, state, family in rows:
        if a.state in (None, state):
            print(f"{nr:4d}  {name:24s} {state:12s} {family}")
    counts = {s: sum(1 for r in rows if r[2] == s) for s in ("implemented", "stub", "missing")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    print(f"{a.arch}: {len(rows)} system calls: {summary}")
    return 0


def cmd_monitor(a):
    from jitvm.monitor_client import main as monitor
    return monitor(a.address, a.commands)


def monitor_address(a):
    """--monitor's address; a bare --monitor on boot gets a fresh unix socket."""
    if a.monitor == "":
        import tempfile
        return f"unix:{tempfile.gettempdir()}/jitvm-monitor-{os.getpid()}.sock"
    return a.monitor


def cmd_bench(argv):
    """`jitvm bench ARGS`: perf/bench.py of this source tree parses its own arguments."""
    import importlib.util
    from pathlib import Path
    repo = Path(__file__).resolve().parent.parent
    path = repo / "perf" / "bench.py"
    if not path.exists():
        die(f"{path} not found: `jitvm bench` needs the jitvm source tree")
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    spec = importlib.util.spec_from_file_location("jitvm_bench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.main(argv)


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["bench"]:
        sys.exit(cmd_bench(args[1:]))
    a = parser().parse_args(argv)
    try:
        status = {"boot": cmd_boot, "run": cmd_run, "rootfs": cmd_rootfs,
                  "cache": cmd_cache, "syscalls": cmd_syscalls,
                  "monitor": cmd_monitor}[a.command](a)
    except KeyboardInterrupt:
        status = 130
    except BrokenPipeError:                 # `jitvm syscalls | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 141
    except Exception as e:
        if os.environ.get("JITVM_DEBUG"):
            raise
        die(f"internal error: {e!r}\n(run again with JITVM_DEBUG=1 for a traceback, "
            "and please report it)", 70)
    sys.exit(status)


if __name__ == "__main__":
    main()
