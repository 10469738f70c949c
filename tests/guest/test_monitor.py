"""The machine monitor (kernel/monitor.py) against running machines, through its client
(`jitvm monitor`): `jitvm run --monitor` on a spinning program, `jitvm boot --monitor`."""
import re
import subprocess
import sys
import time

REPO = __file__.rsplit("/tests/", 1)[0]
TIMEOUT = 120


def monitor(address, *commands):
    out = subprocess.run([sys.executable, "-m", "jitvm", "monitor", address, *commands],
                         cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)
    assert out.returncode == 0, out.stderr
    return out.stdout


def wait_for(proc, text):
    seen = ""
    while text not in seen:
        line = proc.stderr.readline()
        assert line, seen
        seen += line
    return seen


def instret(info_cpus):
    return int(re.search(r"instret=(\d+)", info_cpus).group(1))


def test_monitor_of_a_running_program(arch, guest_bin, tmp_path):
    sock = f"unix:{tmp_path}/mon.sock"
    vm = subprocess.Popen([sys.executable, "-m", "jitvm", "run", "--monitor", sock,
                           str(guest_bin("gdb_target")), "spin"], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(vm, "monitor on")
        time.sleep(2)                       # a sample interval passes: MIPS can be shown
        first = monitor(sock, "info mem").split("-", 1)[0]   # the ELF header's page
        out = monitor(sock, "info cpus", "ps", "info registers 1", "info mem", "info jit",
                      f"x/4x 0x{first}", "x/2g 0", "bogus")
        assert re.search(r"CPU 0: .* [\d.]+ MIPS instret=\d+", out), out
        assert re.search(r"\n\s+1\s+0 R\s+1 gdb_target\n", out), out
        assert re.search(r"\bpc=([0-9a-f]{8}){1,2}\b", out) and "[stack]" in out   # 32/64-bit
        assert "blocks run: compiled" in out and "exits to the kernel: BUDGET=" in out
        assert f"{int(first, 16):016x}: 464c457f" in out      # mapped, present: "\x7fELF"
        assert "0000000000000000: ???????????????? ????????????????" in out
        assert "unknown command: bogus" in out
        held = monitor(sock, "stop", "info cpus")
        time.sleep(0.5)
        again = monitor(sock, "info cpus", "cont")
        assert "stopped 1 threads" in held and instret(held) == instret(again)
        time.sleep(0.5)
        assert instret(monitor(sock, "info cpus")) > instret(again)
    finally:
        vm.kill()
        vm.communicate()


def test_monitor_of_a_booted_machine(arch, rootfs, tmp_path):
    sock = f"unix:{tmp_path}/boot.sock"
    vm = subprocess.Popen([sys.executable, "-m", "jitvm", "boot", "--arch", arch, "--monitor",
                           sock, "--init", "/bin/sh -c 'sleep 3; echo bye'"], cwd=REPO,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seen = ""
    while "monitor on" not in seen:
        line = vm.stdout.readline()
        assert line, seen
        seen += line
    deadline = time.monotonic() + 30
    while "sleep" not in (ps := monitor(sock, "ps")):
        assert time.monotonic() < deadline, ps
        time.sleep(0.2)
    assert re.search(r"\n\s+1\s+0 S\s+1 sh\n", ps) and re.search(r"\s+2\s+1 [RS]\s+1 sleep", ps)
    out, _ = vm.communicate(timeout=TIMEOUT)
    assert "bye" in out and vm.returncode == 0
