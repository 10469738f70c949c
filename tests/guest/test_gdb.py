"""The gdb stub end to end (`jitvm run -g PORT`, kernel/debug.py, jitvm/gdb/): a scripted
gdb-multiarch session on tests/guest/c/gdb_target.c, compared with the same script against
qemu-user's -g; gdb killed mid-session; and the protocol spoken directly, for every ISA (Debian
bookworm's gdb-multiarch 13.1 has no LoongArch, so that ISA gets only the direct client)."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from jitvm.gdb import rsp
from jitvm.qemu import qemu_command
from tests.tools import need

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 120

SESSION = """\
break main
continue
next
next
print local
next
print local
print counter
break finish_up
continue
backtrace
finish
print counter
set ${ret} = 3
continue
"""
# gdb's name for the register `finish` leaves the return value in (on aarch64 `$a0` is only a
# convenience variable of gdb's: setting it changes nothing, the exit status stays 49)
RETURN_REG = {"riscv64": "a0", "aarch64": "x0"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_jitvm(prog, port, *args, options=(), env=None):
    """`jitvm run -g port prog args`, returned once it waits for gdb."""
    p = subprocess.Popen([sys.executable, "-m", "jitvm", "run", *options, "-g", str(port),
                          str(prog), *args], cwd=REPO, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    seen = ""
    while "waiting for gdb" not in seen:
        line = p.stderr.readline()
        assert line, seen + p.stderr.read()
        seen += line
    return p


def start_qemu(arch, prog, port):
    p = subprocess.Popen([*qemu_command(arch), "-g", str(port), str(prog)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:         # qemu listens before it prints anything
        if subprocess.run(["ss", "-ltn", f"sport = :{port}"], capture_output=True,
                          text=True).stdout.count("\n") > 1:
            return p
        time.sleep(0.05)
    return p


def run_gdb(prog, port, script):
    cmds = [f"target remote :{port}"] + script.splitlines()
    args = [need("gdb-multiarch", "apt-get install gdb-multiarch"), "-batch", "-nx"]
    for c in cmds:
        args += ["-ex", c]
    return subprocess.run(args + [str(prog)], capture_output=True, text=True,
                          timeout=TIMEOUT).stdout


def normalized(out):
    """gdb's output without what differs between stubs by design (inferior naming, warnings
    about file transfer, the initial stop's pc line)."""
    out = re.sub(r"\[Inferior 1 \([^)]*\)", "[Inferior 1", out)
    out = re.sub(r"argv=0x[0-9a-f]+", "argv=STACK", out)    # the stacks are laid out apart
    return [ln for ln in out.splitlines() if not ln.startswith("warning:")]


@pytest.mark.isas("riscv64", "aarch64")
def test_gdb_session(arch, guest_bin):
    prog = guest_bin("gdb_target")
    session = SESSION.replace("{ret}", RETURN_REG[arch])
    port = free_port()
    vm = start_jitvm(prog, port)
    out = run_gdb(prog, port, session)
    stdout, _ = vm.communicate(timeout=TIMEOUT)
    for want in ("Breakpoint 1, main (argc=1, argv=", "$1 = 7", "$2 = 8", "$3 = 41",
                 "#0  finish_up (v=8) at", "#1  0x", "Value returned is $4 = 49", "$5 = 49",
                 "exited with code 03]"):
        assert want in out, out
    assert "counter 49 r 3" in stdout and vm.returncode == 3
    if qemu_command(arch):                         # the oracle: the same script under qemu
        port = free_port()
        qemu = start_qemu(arch, prog, port)
        expected = run_gdb(prog, port, session)
        qemu.communicate(timeout=TIMEOUT)
        assert normalized(out) == normalized(expected)


@pytest.mark.isas("aarch64")
def test_gdb_aarch64_registers(arch, guest_bin):
    """gdb's own types for aarch64's registers (what gdbserver describes; qemu-user's cpsr, fpsr
    and fpcr are plain ints, so this is not compared with it): the V registers are unions of
    vector views and not general registers, cpsr shows its flags, and writes reach the CPU --
    cpsr's C alone makes main's `b.le` fall through into the spin loop."""
    prog = guest_bin("gdb_target")
    port = free_port()
    vm = start_jitvm(prog, port)
    out = run_gdb(prog, port, "break main\ncontinue\nstepi\nstepi\ninfo registers\n"
                              "ptype $v0\nset $v7.d.u[0] = 5\nset $v7.d.u[1] = 0x1122334455667788\n"
                              "p/x $v7.q.u[0]\np $d7.u\nset $cpsr = 0x20000000\np $cpsr\n"
                              "stepi\np $pc\nset var spinning = 0\ncontinue")
    vm.communicate(timeout=TIMEOUT)
    assert re.search(r"^cpsr +0x60000000 +\[ EL=0 BTYPE=0 C Z \]$", out, re.M), out  # cmp w0, #1
    assert re.search(r"^fpcr +0x0 +\[ Len=0 Stride=0 RMode=0 \]$", out, re.M), out
    assert re.search(r"^tpidr +0x[0-9a-f]+ ", out, re.M) and not re.search(r"^v0 ", out, re.M)
    assert "type = union aarch64v {" in out and "= 0x11223344556677880000000000000005" in out
    assert "= 5\n" in out and "= [ EL=0 BTYPE=0 C ]" in out and "<main+28>" in out, out
    assert "exited with code 05]" in out and vm.returncode == 5


@pytest.mark.isas("riscv64")
def test_gdb_on_a_dynamic_pie_program(arch, rootfs):
    """gdb relocates a PIE program and finds ld.so and libc by the auxiliary vector, and sees
    code without the stub's breakpoints (else it takes one for the program's own and skips
    it: `stepi` would not execute the instruction)."""
    prog = os.path.join(REPO, "tests/guest/bin/riscv64/dyn/dyn_hello")
    if not os.path.exists(prog):
        pytest.skip("dynamic test programs not built (tests/guest/build.py)")
    port = free_port()
    vm = start_jitvm(prog, port)
    out = run_gdb(prog, port, f"set sysroot {rootfs}\nbreak main\ncontinue\nstepi\n"
                              "info registers a5\ninfo sharedlibrary\ncontinue")
    stdout, _ = vm.communicate(timeout=TIMEOUT)
    assert re.search(r"Breakpoint 1, 0x0000002a[0-9a-f]+ in main \(\)", out), out
    assert re.search(r"a5\s+0x8\s+8", out) and "/lib/libc.so.6" in out, out
    assert f"exited with code {vm.returncode:02}]" in out and "argc 1" in stdout


@pytest.mark.isas("riscv64")
def test_gdb_write_watchpoint(arch, guest_bin):
    """`watch` (Z2): the process runs one instruction at a time and stops after the write
    (qemu-user has no watchpoints to compare with)."""
    prog = guest_bin("gdb_target")
    port = free_port()
    vm = start_jitvm(prog, port)
    out = run_gdb(prog, port, "break main\ncontinue\nwatch counter\ncontinue\ndelete\ncontinue")
    vm.communicate(timeout=TIMEOUT)
    assert "Hardware watchpoint 2: counter\n\nOld value = 41\nNew value = 49\n" in out, out
    assert "in finish_up (v=8) at" in out and "exited with code 061]" in out


@pytest.mark.isas("riscv64")
def test_gdb_reports_a_signal_before_delivery(arch, guest_bin):
    prog = guest_bin("segv")
    port = free_port()
    vm = start_jitvm(prog, port)
    out = run_gdb(prog, port, "continue\ncontinue")
    vm.communicate(timeout=TIMEOUT)
    assert "Program received signal SIGSEGV, Segmentation fault." in out
    assert "Program terminated with signal SIGSEGV" in out and vm.returncode == 128 + 11


@pytest.mark.isas("riscv64")
def test_killed_gdb_leaves_the_program_running(arch, guest_bin):
    prog = guest_bin("gdb_target")
    port = free_port()
    vm = start_jitvm(prog, port)
    run_gdb(prog, port, "break finish_up\ncontinue\nshell kill -9 $PPID")
    stdout, stderr = vm.communicate(timeout=TIMEOUT)
    assert "counter 49 r 49" in stdout and vm.returncode == 49, stderr
    assert "gdb closed the connection" in stderr


# ---- the protocol spoken directly: every ISA ------------------------------------------------
class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.reader = rsp.Reader()
        self.events = []
        assert self.ask("QStartNoAckMode") == "OK"

    def send(self, payload):
        self.sock.sendall(rsp.frame(payload))

    def reply(self):
        while True:
            while self.events:
                kind, payload = self.events.pop(0)
                if kind == "packet":
                    return payload.decode("latin-1")
            data = self.sock.recv(65536)
            assert data, "the stub closed the connection"
            self.events += self.reader.feed(data)

    def ask(self, payload):
        self.send(payload)
        return self.reply()


def symbols(prog):
    from elftools.elf.elffile import ELFFile
    with open(prog, "rb") as f:
        elf = ELFFile(f)
        table = elf.get_section_by_name(".symtab")
        syms = {s.name: s["st_value"] for s in table.iter_symbols()}
        return syms, elf["e_entry"]


def pc_of(client, desc):
    """pc from a `g` reply, through the ISA's register table."""
    g, pos = client.ask("g"), 0
    for num, name, bits, _, _ in sorted(r for _, regs in desc.FEATURES for r in regs):
        if name == "pc":
            return rsp.from_le_hex(g[pos:pos + bits // 4])
        pos += bits // 4


def bp_kind(client, addr, desc):
    """4, or 2 where riscv's instruction at addr is compressed (as gdb itself chooses)."""
    low = int(client.ask(f"m{addr:x},1"), 16)
    return 2 if 2 in desc.BREAKPOINTS and low & 3 != 3 else 4


def test_protocol_break_step_interrupt_write_memory(arch, guest_bin):
    import importlib
    desc = importlib.import_module(f"translators.{arch}.gdb")
    prog = guest_bin("gdb_target")
    syms, entry = symbols(prog)
    port = free_port()
    # translated at once (JITVM_COMPILE=sync): the spinning loop runs as compiled code
    vm = start_jitvm(prog, port, "spin", options=["--stats"], env={"JITVM_COMPILE": "sync"})
    c = Client(port)
    stop = c.ask("?")
    assert re.fullmatch(r"T05thread:[0-9a-f]+;", stop)
    xml = c.ask("qXfer:features:read:target.xml:0,fffff")
    assert xml.startswith("l") and desc.FEATURES[1][0] in xml
    assert pc_of(c, desc) == entry
    main = syms["main"]
    kind = bp_kind(c, main, desc)
    code = c.ask(f"m{main:x},8")
    assert c.ask(f"Z0,{main:x},{kind}") == "OK"
    assert c.ask(f"m{main:x},8") == code          # reads show what the breakpoint replaced
    assert c.ask("vCont;c").startswith("T05thread:")
    assert pc_of(c, desc) == main
    assert c.ask(f"z0,{main:x},{kind}") == "OK"
    assert c.ask("s").startswith("T05thread:")
    assert pc_of(c, desc) in (main + 2, main + 4)
    c.send("c")
    time.sleep(1.0)                               # it spins (compiled, likely) until ^C
    c.sock.sendall(b"\x03")
    assert c.reply().startswith("T02thread:")
    loop = pc_of(c, desc)                         # in the loop, whose code is translated now
    kind = bp_kind(c, loop, desc)
    assert c.ask(f"Z0,{loop:x},{kind}") == "OK"   # drops the translation holding it
    assert c.ask("c").startswith("T05thread:") and pc_of(c, desc) == loop
    assert c.ask(f"z0,{loop:x},{kind}") == "OK"
    assert c.ask(f"M{syms['spinning']:x},4:00000000") == "OK"
    assert c.ask("c") == "W05"
    _, stderr = vm.communicate(timeout=TIMEOUT)
    assert vm.returncode == 5
    compiled = re.search(r"blocks run: compiled (\d+)", stderr)
    assert compiled and int(compiled.group(1)) > 0, stderr


def test_protocol_gdb_gone_with_a_breakpoint_inserted(arch, guest_bin):
    import importlib
    desc = importlib.import_module(f"translators.{arch}.gdb")
    prog = guest_bin("gdb_target")
    syms, _ = symbols(prog)
    port = free_port()
    vm = start_jitvm(prog, port)
    c = Client(port)
    target = syms["finish_up"]
    assert c.ask(f"Z0,{target:x},{bp_kind(c, target, desc)}") == "OK"
    assert c.ask("c").startswith("T05thread:") and pc_of(c, desc) == target
    c.sock.close()                                # no D, no z0: the stub must clean up
    stdout, stderr = vm.communicate(timeout=TIMEOUT)
    assert "counter 49 r 49" in stdout and vm.returncode == 49, stderr


def test_kill_from_gdb(arch, guest_bin):
    prog = guest_bin("gdb_target")
    port = free_port()
    vm = start_jitvm(prog, port, "spin")
    c = Client(port)
    c.send("k")
    vm.communicate(timeout=TIMEOUT)
    assert vm.returncode == 128 + signal.SIGKILL


# ---- jitvm boot -g: attach to a process of a running machine -------------------------------
def test_boot_attach_and_detach(arch, rootfs):
    port = free_port()
    vm = subprocess.Popen([sys.executable, "-m", "jitvm", "boot", "--arch", arch, "-g",
                           str(port), "--init", "/bin/sh -c 'sleep 2; echo released'"],
                          cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seen = ""
    while "gdb stub on" not in seen:
        line = vm.stdout.readline()
        assert line, seen
        seen += line
    c = Client(port)
    assert c.ask("!") == "OK" and c.ask("?") == "W00"       # nothing attached yet
    deadline = time.monotonic() + 30
    while (stop := c.ask("vAttach;2")) == "E01":           # pid 2: sleep, once sh forked it
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert stop == "T05thread:2;" and c.ask("qfThreadInfo") == "m2"
    assert c.ask("qAttached") == "1" and len(c.ask("g")) > 64 * 8     # 64+ registers (32-bit+)
    time.sleep(2.5)                                       # held: sleep cannot finish meanwhile
    assert c.ask("D") == "OK"                             # extended-remote: still connected
    out, _ = vm.communicate(timeout=TIMEOUT)
    assert "released" in out and vm.returncode == 0
