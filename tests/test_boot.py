"""`jitvm boot` end to end: the boot log, init's exit status, power-off, and the console driven
through a pseudo-terminal the way a person types at it (line editing, ^C, ^Z, job control, vi).

Every test starts a real VM (`python -m jitvm boot`) on the busybox rootfs; typing waits for
the shell's prompt first, as a person would. They run the interpreter tier (what is tested is the
kernel, and a cold translation cache would make the jit tier's first hot loops slow); the first
test boots with the default engine."""
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

import translators

REPO = Path(__file__).resolve().parent.parent
PROMPT = b"# "
ENGINE = ("--engine", "interp")

# the console and kernel on riscv64; test_every_isa_boots_to_an_interactive_shell for each ISA
pytestmark = pytest.mark.isas("riscv64")


def boot_cmd(rootfs, *args, arch="riscv64"):
    return [sys.executable, "-m", "jitvm", "boot", "--arch", arch, "--rootfs", str(rootfs), *args]


def boot_piped(rootfs, *args, stdin=b"", timeout=120, engine=ENGINE, arch="riscv64"):
    """Boot with stdin a pipe (not a terminal): -> (status, output with CR LF made LF)."""
    r = subprocess.run(boot_cmd(rootfs, *engine, *args, arch=arch), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout, cwd=REPO)
    return r.returncode, r.stdout.replace(b"\r\n", b"\n").decode(errors="replace")


class Console:
    """A VM whose stdin/stdout/stderr are a pty slave (its controlling terminal, as in a real
    login); the test holds the master: send() types, expect() reads the screen."""

    def __init__(self, rootfs, *args, rows=24, cols=80, arch="riscv64"):
        self.master, slave = os.openpty()
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.slave = slave
        self.modes_before = termios.tcgetattr(slave)
        self.proc = subprocess.Popen(
            boot_cmd(rootfs, *ENGINE, *args, arch=arch), stdin=slave, stdout=slave, stderr=slave, cwd=REPO,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        self.screen = b""

    def expect(self, pattern, timeout=60):
        """Read until `pattern` (bytes or a compiled regex) appears after the last match."""
        end = time.monotonic() + timeout
        while True:
            m = (pattern.search(self.screen) if hasattr(pattern, "search")
                 else re.search(re.escape(pattern), self.screen))
            if m:
                seen, self.screen = self.screen[:m.end()], self.screen[m.end():]
                return seen
            left = end - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"no {pattern!r} on the console; it shows:\n"
                                     f"{self.screen.decode(errors='replace')}")

    def _read(self, timeout):
        if not select.select([self.master], [], [], min(timeout, 1.0))[0]:
            return self.proc.poll() is None or timeout > 1.0
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return False
        self.screen += data
        return bool(data)

    def send(self, keys):
        os.write(self.master, keys)

    def command(self, line, then=PROMPT, timeout=60):
        """Type a command line at the prompt; return what the console showed until `then`."""
        self.send(line + b"\r")
        return self.expect(then, timeout)

    def wait(self, timeout=60):
        try:
            return self.proc.wait(timeout)
        finally:
            self.modes_after = termios.tcgetattr(self.slave)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def shell(rootfs):
    """`jitvm boot --init /bin/sh` on a pty, at its first prompt."""
    con = Console(rootfs, "--init", "/bin/sh")
    try:
        con.expect(b"Run /bin/sh as init process")
        con.expect(PROMPT)
        yield con
    finally:
        con.close()


# ---- every ISA ----------------------------------------------------------------------------------
@pytest.mark.isas(*translators.ISAS)
def test_every_isa_boots_to_an_interactive_shell(arch, rootfs):
    """`jitvm boot --arch A --smp 4` with busybox init's login shell on a terminal: four CPUs,
    the ISA's uname, a pipeline, a background job under job control, ^C to a foreground job."""
    con = Console(rootfs, "--smp", "4", arch=arch)
    try:
        con.expect(b"Run /sbin/init as init process")
        con.expect(PROMPT)
        machine = translators.load(arch).abi.UNAME_MACHINE     # mipsel's Linux says "mips"
        assert f"{machine}\r\n".encode() in con.command(b"uname -m")
        assert b"4\r\n" in con.command(b"nproc")
        assert b"3\r\n" in con.command(b"printf 'a\\nb\\nc\\n' | sort -r | wc -l")
        con.command(b"sleep 100 &")
        assert b"sleep 100" in con.command(b"jobs")
        con.command(b"kill %1")
        con.send(b"sleep 200\r")
        time.sleep(1.0)
        con.send(b"\x03")                               # ^C: the foreground job dies
        con.expect(PROMPT)
        assert b"130\r\n" in con.command(b"echo $?")
        con.send(b"exit\r")
        con.expect(b"reboot: Power down")
        assert con.wait() == 0
    finally:
        con.close()


# ---- non-interactive boots ----------------------------------------------------------------------
def test_boot_log_then_init_and_its_exit_status(rootfs):
    status, out = boot_piped(rootfs, "--init", "/bin/sh -c 'echo hello; exit 3'",
                             "--smp", "2", "--mem", "128M", engine=())
    assert status == 3, out
    for line in ["jitvm version", "(riscv64)", "Machine: jitvm virt, 2 CPUs",
                 "Memory: 128 MiB available", "frame allocator: 32768 frames",
                 f"Mounting root file system (hostfs: {rootfs}) on /", "Mounting devfs on /dev",
                 "Run /bin/sh as init process", "hello", "reboot: Power down"]:
        assert line in out, f"{line!r} missing from:\n{out}"
    assert re.search(r"^\[ +0\.\d{6}\] jitvm version", out, re.M)
    assert out.index("Run /bin/sh") < out.index("hello") < out.index("reboot: Power down")


def test_init_killed_by_a_signal_is_128_plus_n(rootfs):
    status, out = boot_piped(rootfs, "--init", "/bin/sh -c 'kill -SEGV $$'")
    assert status == 128 + 11, out


def test_piped_stdin_is_typed_into_the_console_and_its_end_is_eof(rootfs):
    status, out = boot_piped(rootfs, "--init", "/bin/sh",
                             stdin=b"echo piped $((6*7))\nexit 5\n")
    assert status == 5 and "piped 42" in out, out
    status, out = boot_piped(rootfs, "--init", "/bin/sh", stdin=b"echo no exit\n")
    assert status == 0 and "no exit" in out, out        # EOF (^D) ends the shell


def test_the_console_is_a_terminal_for_the_guest(rootfs):
    status, out = boot_piped(rootfs, "--init",
                             "/bin/sh -c 'test -t 0 && test -t 1 && stty size && tty'")
    assert status == 0, out
    assert "24 80" in out and "/dev/console" in out


@pytest.mark.parametrize("cmd, message", [("poweroff -f", "reboot: Power down"),
                                          ("halt -f", "reboot: System halted")])
def test_reboot_system_call_stops_the_machine(rootfs, cmd, message):
    status, out = boot_piped(rootfs, "--init", f"/bin/sh -c 'echo bye; {cmd}; sleep 100'")
    assert status == 0 and "bye" in out and message in out, out


def test_missing_init_panics(rootfs):
    status, out = boot_piped(rootfs, "--init", "/no/such/init")
    assert status == 1
    assert "Kernel panic - not syncing: Requested init /no/such/init failed" in out


def test_default_init_runs_a_login_shell_then_powers_off(rootfs):
    status, out = boot_piped(rootfs, stdin=b"echo from the login shell\nexit\n")
    assert "Run /sbin/init as init process" in out
    assert "from the login shell" in out
    assert status == 0 and "reboot: Power down" in out, out


# ---- the console on a terminal ------------------------------------------------------------------
def test_interactive_shell_with_line_editing(shell):
    assert b"hi\r\n" in shell.command(b"echo hi")
    assert b"42\r\n" in shell.command(b"x=$((6*7)); echo $x")
    shell.send(b"echo typx")
    shell.expect(b"typx")
    shell.send(b"\x7fo\r")                              # backspace over the typo
    assert b"\r\ntypo\r\n" in shell.expect(PROMPT)
    assert b"/tmp\r\n" in shell.command(b"cd /tmp; pwd")
    shell.send(b"abc\x03")                              # ^C at the prompt: a new prompt
    shell.expect(PROMPT)
    assert b"still here" in shell.command(b"echo still here")
    shell.send(b"exit\r")
    assert shell.wait() == 0
    shell.expect(b"reboot: Power down")
    assert shell.modes_after == shell.modes_before      # the host terminal as it was


def test_cooked_mode_reads_are_edited_by_the_line_discipline(shell):
    # `read` uses the tty in canonical mode: the guest kernel echoes and edits the line
    shell.send(b"read v; echo \"[$v]\"\r")
    time.sleep(0.5)
    shell.send(b"abx\x7fc\x17word\x7f\x7fr\r")
    assert b"[wor]" in shell.expect(PROMPT)


def test_sigterm_to_the_vm_restores_the_terminal(shell):
    shell.proc.send_signal(signal.SIGTERM)
    assert shell.wait() == 128 + signal.SIGTERM
    assert shell.modes_after == shell.modes_before


def test_window_size_follows_the_host_terminal(shell):
    assert b"24 80" in shell.command(b"stty size")
    fcntl.ioctl(shell.master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    time.sleep(0.5)                 # SIGWINCH reaches the VM (the shell redraws its prompt)
    shell.send(b"stty size\r")
    shell.expect(b"40 120\r\n")


# ---- job control (fork, exec, wait, signals) ----------------------------------------------------
def test_ctrl_c_interrupts_the_foreground_job(shell):
    shell.send(b"sleep 100\r")
    time.sleep(1.0)
    shell.send(b"\x03")
    shell.expect(PROMPT, timeout=20)
    assert b"alive" in shell.command(b"echo alive")


def test_background_jobs_and_fg(shell):
    shell.command(b"sleep 2 &")
    assert re.search(rb"\[1\]\+ +Running +sleep 2", shell.command(b"jobs"))
    shell.command(b"fg", timeout=20)
    assert b"Running" not in shell.command(b"jobs")


def test_ctrl_z_stops_the_job_then_bg_and_fg(shell):
    shell.send(b"sleep 100\r")
    time.sleep(1.0)
    shell.send(b"\x1a")
    assert re.search(rb"\[1\]\+ +Stopped +sleep 100", shell.expect(PROMPT, timeout=20))
    assert b"sleep 100" in shell.command(b"bg")
    assert re.search(rb"Running +sleep 100", shell.command(b"jobs"))
    shell.send(b"fg\r")
    time.sleep(1.0)
    shell.send(b"\x03")
    shell.expect(PROMPT, timeout=20)
    assert b"Running" not in shell.command(b"jobs")


def test_pipelines(shell):
    assert b"HI\r\n" in shell.command(b"echo hi | tr a-z A-Z")
    out = shell.command(b"ls -l /bin | head -2")
    assert re.search(rb"total \d+\r\n.*-> /bin/busybox\r\n", out)


def test_vi_edits_a_file(shell):
    shell.send(b"vi /tmp/note\r")
    shell.expect(b"/tmp/note")
    shell.send(b"ihello from vi\x1b")
    time.sleep(0.5)
    shell.send(b":wq\r")
    shell.expect(PROMPT)
    assert b"hello from vi\r\n" in shell.command(b"cat /tmp/note")


# ---- `jitvm run` keeps pass-through stdio -------------------------------------------------------
def test_jitvm_run_waiting_for_stdin_lets_other_processes_run(rootfs):
    busybox = rootfs / "bin" / "busybox"
    script = "(sleep 0.2; echo from-bg) & read x; echo got $x"
    p = subprocess.Popen([sys.executable, "-m", "jitvm", "run", *ENGINE, "--rootfs", str(rootfs),
                          str(busybox), "sh", "-c", script],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=REPO)
    try:
        # the shell waits in read(0) while its background job prints
        assert select.select([p.stdout], [], [], 60)[0], "the VM stalled in a stdin read"
        assert p.stdout.readline() == b"from-bg\n"
        p.stdin.write(b"typed\n")
        p.stdin.close()
        assert p.stdout.read() == b"got typed\n"
        assert p.wait(60) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_history_with_arrow_keys_and_proc_tools(shell):
    assert b"processor\t: 0" in shell.command(b"cat /proc/cpuinfo")
    out = shell.command(b"ps")
    assert re.search(rb"PID +USER +TIME +COMMAND", out) and b"/bin/sh" in out
    shell.command(b"echo first-entry")
    shell.command(b"echo second-entry")
    shell.send(b"\x1b[A\x1b[A")                     # up, up: back to `echo first-entry`
    shell.expect(b"first-entry")
    shell.send(b"\r")
    assert b"first-entry\r\n" in shell.expect(PROMPT)


def test_a_crashing_program_does_not_stop_the_shell(rootfs, guest_bin):
    import shutil
    shutil.copy(guest_bin("segv"), rootfs / "root" / "jitvm-segv")
    status, out = boot_piped(rootfs, "--init",
                             "/bin/sh -c '/root/jitvm-segv; echo status $?; echo shell goes on'")
    assert "Segmentation fault" in out and "status 139" in out and "shell goes on" in out, out
    assert status == 0


# ---- SMP: several CPUs, preemption ------------------------------------------------------------
@pytest.mark.parametrize("smp", ["1", "2"])
def test_a_cpu_bound_job_does_not_starve_the_shell(rootfs, smp):
    """Time slices end in the timer trap, so a busy loop in the background leaves the shell
    answering (on CPU 0 alone, or on the other CPU); ^C stops a busy foreground loop."""
    con = Console(rootfs, "--init", "/bin/sh", "--smp", smp)
    try:
        con.expect(PROMPT)
        con.command(b"while :; do :; done &")
        time.sleep(1.0)
        for i in range(3):
            assert f"answer {i}".encode() in con.command(f"echo answer {i}".encode(), timeout=10)
        con.command(b"kill %1")
        con.send(b"while :; do :; done\r")
        time.sleep(1.0)
        con.send(b"\x03")
        con.expect(PROMPT, timeout=10)
        assert b"alive" in con.command(b"echo alive")
    finally:
        con.close()


def test_smp_boot_reports_every_cpu(rootfs):
    status, out = boot_piped(rootfs, "--smp", "4", "--init",
                             "/bin/sh -c 'nproc; grep -c ^processor /proc/cpuinfo; "
                             "grep -c ^cpu[0-9] /proc/stat'")
    assert status == 0, out
    assert "Machine: jitvm virt, 4 CPUs" in out and "smp: Brought up 1 node, 4 CPUs" in out
    assert re.search(r"\n4\n4\n4\n", out), out


def test_ctrl_a_c_switches_to_the_monitor_and_back(shell):
    """QEMU's escape (kernel/console_escape.py): Ctrl-A c opens the monitor on the console, its
    commands answer with the machine's state, Ctrl-A c goes back, Ctrl-A Ctrl-A types a Ctrl-A."""
    shell.send(b"\x01c")
    shell.expect(b"(jitvm) ")
    out = shell.command(b"ps", then=b"(jitvm) ")
    assert re.search(rb"\n\s*1\s+0\s+\S+\s+\d+\s+sh", out), out
    assert b"CPU 0: " in shell.command(b"info cpus", then=b"(jitvm) ")
    shell.send(b"\x01c")
    assert b"back" in shell.command(b"echo back")
    # Ctrl-A Ctrl-A: the guest reads one Ctrl-A (od shows it as 001)
    shell.send(b"head -c 1 | od -An -to1\r")
    shell.send(b"\x01\x01")
    shell.expect(b"001")
    shell.expect(PROMPT)


def test_smp_4_with_a_syscall_cpu_boots_to_the_shell(rootfs):
    """--syscall-cpu: the boot log names CPU 0's role, and a shell runs pipelines, job control
    and /proc readers with every system call on CPU 0."""
    con = Console(rootfs, "--smp", "4", "--syscall-cpu", "--init", "/bin/sh")
    try:
        assert b"CPU0: dedicated to system calls" in con.expect(b"Run /bin/sh as init process")
        con.expect(PROMPT)
        assert b"3\r\n" in con.command(b"grep -c 'jitvm role.*guest' /proc/cpuinfo")
        assert b"4\r\n" in con.command(b"seq 1 100 | sort -n | tail -1 | wc -c")
        con.command(b"sleep 30 &")
        assert b"st=143" in con.command(b"kill %1; wait %1; echo st=$?")
    finally:
        con.close()
