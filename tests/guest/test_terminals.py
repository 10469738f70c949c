"""Pseudo-terminals from guest programs (kernel/pty.py, kernel/devpts.py).

pty_session (C) is compared with qemu-<arch>-static: qemu-user passes /dev/ptmx and the pty
ioctls through to the host kernel, so the host's ptys are a fair oracle. busybox's script, tty,
stty, ttysize and an interactive ash on a pty run under jitvm only (under qemu, script's child
shell would be the host's /bin/sh), checked against what Linux prints.
"""
import pytest

from tests.differential import compare, run_jitvm


@pytest.mark.parametrize("engine", ["interp", "jit"])
def test_pty_session_matches_qemu(guest_bin, rootfs, engine):
    status, out = compare(guest_bin("pty_session"), engine=engine, rootfs=rootfs, cwd=rootfs)
    assert status == 0 and b"FAIL" not in out and out.endswith(b"all ok\n")


def script(rootfs, command, stdin=b""):
    """busybox script: `command` on a new pty, its output as the master read it."""
    rc, out, err = run_jitvm(rootfs / "bin" / "busybox", ["script", "-q", "-c", command,
                                                          "/dev/null"], rootfs=rootfs,
                             cwd=rootfs, stdin=stdin, timeout=300)
    assert rc == 0, f"status {rc}\n{out.decode(errors='replace')}{err.decode(errors='replace')}"
    return out.decode(errors="replace")


def test_script_runs_a_command_on_a_pty(rootfs):
    out = script(rootfs, "tty; stty size; stty rows 30 cols 90; stty size; ttysize; stty -a; "
                         "ps -o tty,comm; ls -l /dev/pts | cat")
    lines = out.split("\r\n")                           # the slave's ONLCR
    assert lines[0] == "/dev/pts/0"
    assert "stty: standard input" in out                # a new pty is 0x0, as Linux's
    assert "30 90" in lines and "90 30" in lines
    assert "-hupcl" in out and " cs8 " in out and "rows 30; columns 90" in out
    assert "136,0  ps" in out
    assert any(ln.startswith("crw--w----") and ln.endswith(" 0") for ln in lines)   # mode 620


def test_an_interactive_shell_on_a_pty_has_job_control(rootfs):
    out = script(rootfs, "sh -i", stdin=b"tty\nsleep 30 &\njobs\nkill %1\nwait\nexit\n")
    assert "job control turned off" not in out and "/dev/pts/0\r\n" in out
    assert "[1]+  Running                    sleep 30" in out
    assert "[1]+  Terminated                 sleep 30" in out


def test_devpts_can_be_mounted_again(rootfs):
    rc, out, err = run_jitvm(rootfs / "bin" / "busybox", [
        "sh", "-c", "umount /dev/pts; ls -a /dev/pts | wc -l; mount -t devpts -o mode=600 devpts "
        "/dev/pts && script -q -c 'ls -l /dev/pts | cat' /dev/null"], rootfs=rootfs, cwd=rootfs)
    assert rc == 0, err.decode(errors="replace")
    lines = out.decode().split("\n")
    assert lines[0] == "2"                              # an empty /dev/pts: "." and ".."
    assert any(ln.startswith("crw-------") and ln.endswith(" 0\r") for ln in lines)


def test_telnetd_gives_a_shell_on_a_pty_with_job_control(rootfs):
    """telnetd on 127.0.0.1 (the kernel's own loopback) runs sh on a new pty; busybox telnet
    types into it. telnet quits at the end of its input, so the input waits until the remote
    shell has touched a file to say it is done."""
    done = "/tmp/jitvm-telnet-done"
    rc, out, err = run_jitvm(rootfs / "bin" / "busybox", ["sh", "-c", (
        f"rm -f {done}; telnetd -p 2323 -l /bin/sh || exit 1; ("
        "echo tty; echo 'echo $((6*7))'; echo 'sleep 30 &'; echo jobs; "
        f"echo 'kill %1; wait; touch {done}'; "
        f"while [ ! -e {done} ]; do sleep 0.2; done; sleep 1; echo exit"
        f") | telnet 127.0.0.1 2323; rm -f {done}")], rootfs=rootfs, cwd=rootfs, timeout=300)
    assert rc == 0, err.decode(errors="replace")
    out = out.decode(errors="replace")
    assert "/dev/pts/0\r\n" in out and "\r\n42\r\n" in out
    assert "[1]+  Running                    sleep 30" in out
    assert "[1]+  Terminated                 sleep 30" in out
