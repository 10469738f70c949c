"""Pipes, readiness, shared file mappings and /proc, from guest programs.

pipe_basic, poll_basic, mmap_shared and file_objects are compared with qemu-<arch>-static (the host
kernel is a fair oracle for them, except where QEMU_UNFAIR says). procfs_self and the busybox
applets that read /proc run under jitvm only:
qemu-user shows the host's /proc (partly faked), so those assert what proc(5) documents.
pipe_basic needs fork (the process stage).
"""
import os
import re
import shutil

import pytest

import translators

from tests.differential import compare, run_jitvm

ENGINES = ["interp", "jit"]
# Where qemu is not a fair oracle, the program checks Linux's documented behaviour itself.
QEMU_UNFAIR = {
    ("loongarch64", "file_objects"): "qemu-loongarch64 uses 16 KiB pages and, as qemu-user on a "
    "4 KiB host, gives SIGSEGV, not SIGBUS, for a page past the end of a mapped file",
    ("loongarch64", "more_calls"): "qemu-loongarch64's 16 KiB pages make mincore report the "
    "host's 4 KiB pages of each",
    ("mipsel", "file_objects"): "qemu-mipsel 7.2 reports the SIGBUS a page past a mapped file's "
    "end one page late (+8193, not +4097) and then fails the program's own check",
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["pipe_basic", "poll_basic", "mmap_shared", "file_objects",
                                  "file_calls", "more_calls"])
def test_matches_qemu(arch, guest_bin, rootfs, engine, name):
    if (arch, name) in QEMU_UNFAIR:
        status, out, err = run_jitvm(guest_bin(name), engine=engine, rootfs=rootfs, cwd=rootfs)
        assert status == 0, out.decode(errors="replace") + err.decode(errors="replace")
    else:
        status, out = compare(guest_bin(name), engine=engine, rootfs=rootfs, cwd=rootfs)
    assert status == 0 and b"FAIL" not in out and out.endswith(b"all ok\n")


@pytest.mark.parametrize("engine", ["interp", pytest.param("jit", marks=pytest.mark.slow)])
def test_transfers_interrupted_by_signals_lose_no_byte(guest_bin, rootfs, engine):
    """sendfile, splice and a read/write loop into a pipe, interrupted by thousands of timer
    signals (with and without SA_RESTART): every byte arrives exactly once."""
    status, out = compare(guest_bin("transfer_signals"), engine=engine, rootfs=rootfs, cwd=rootfs)
    assert status == 0 and out.endswith(b"all ok\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_procfs_self(guest_bin, rootfs, engine):
    prog = guest_bin("procfs_self")
    # Run it from inside the root so that /proc/self/exe has a guest path to show.
    inside = rootfs / "tmp" / "procfs_self"
    inside.write_bytes(prog.read_bytes())
    inside.chmod(0o755)
    rc, out, err = run_jitvm(inside, engine=engine, rootfs=rootfs, cwd=rootfs)
    assert rc == 0, out.decode(errors="replace") + err.decode(errors="replace")
    assert b"FAIL" not in out and out.endswith(b"all ok\n")


def busybox(rootfs, *argv):
    rc, out, err = run_jitvm(rootfs / "bin" / "busybox", argv, rootfs=rootfs, cwd=rootfs)
    assert rc == 0, (f"{argv}: status {rc}\n{out.decode(errors='replace')}"
                     f"{err.decode(errors='replace')}")
    return out.decode()


def test_busybox_ps(rootfs):
    lines = busybox(rootfs, "ps").splitlines()
    assert lines[0].split()[:2] == ["PID", "USER"]
    assert any(re.match(r"\s*1 root\s", line) and "ps" in line for line in lines[1:])


def test_busybox_top(rootfs):
    out = busybox(rootfs, "top", "-b", "-n", "1")
    assert re.search(r"^Mem: \d+K used, \d+K free", out, re.M)
    assert re.search(r"^CPU:.*idle", out, re.M) and "Load average:" in out
    assert re.search(r"^\s*PID\s+PPID\s+USER", out, re.M) and "top -b -n 1" in out


def test_busybox_free(rootfs):
    out = busybox(rootfs, "free")
    m = re.search(r"^Mem:\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    assert m and int(m.group(1)) > 0 and int(m.group(1)) >= int(m.group(3)) > 0
    assert re.search(r"^Swap:\s+0", out, re.M)


def test_busybox_uptime(rootfs):
    assert re.search(r"up .*load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d",
                     busybox(rootfs, "uptime"))


def test_busybox_mount_and_df(rootfs):
    mounts = busybox(rootfs, "mount")
    assert "on / type ext4" in mounts and "proc on /proc type proc" in mounts
    assert "on /dev type devtmpfs" in mounts
    df = busybox(rootfs, "df").splitlines()
    assert df[0].startswith("Filesystem") and any(line.endswith(" /") for line in df[1:])


def test_busybox_cat_proc(arch, rootfs):
    cpuinfo = busybox(rootfs, "cat", "/proc/cpuinfo")
    cpuinfo = re.sub(r"jitvm role\t: .*\n", "", cpuinfo)     # with JITVM_TEST_SYSCALL_CPU=1
    assert cpuinfo == translators.load(arch).abi.cpuinfo(0)      # the ISA's own format
    assert busybox(rootfs, "readlink", "/proc/self/exe").strip() == "/bin/busybox"
    assert busybox(rootfs, "cat", "/proc/self/comm").strip() == "busybox"


def test_busybox_shell_pipeline(rootfs):
    out = busybox(rootfs, "sh", "-c", "seq 1 2000 | sort -rn | head -n 3; echo hi | cat /dev/stdin")
    assert out == "2000\n1999\n1998\nhi\n"


def test_dmesg_reads_the_kernel_log(guest_bin, rootfs):
    """Kernel messages go to the kernel log (kernel/printk.py), which dmesg reads through
    syslog(2) and /proc/kmsg: a process killed by a fault is reported there (and, under
    `jitvm run`, once on stderr, as qemu's "uncaught target signal" line)."""
    shutil.copy(guest_bin("segv"), rootfs / "tmp" / "dmesg-segv")
    script = ("/tmp/dmesg-segv >/dev/null; dmesg | grep -c 'killed by SIGSEGV'; "
              "dmesg -c >/dev/null; dmesg | wc -c; /tmp/dmesg-segv >/dev/null; "
              "dd if=/proc/kmsg bs=64k count=1 2>/dev/null | grep -c 'killed by SIGSEGV'")
    try:
        rc, out, err = run_jitvm(rootfs / "bin" / "busybox", ["sh", "-c", script],
                                 rootfs=rootfs, cwd=rootfs)
    finally:
        (rootfs / "tmp" / "dmesg-segv").unlink()
    # /proc/kmsg consumes: both reports are unread there, whatever dmesg -c cleared
    assert (rc, out.decode()) == (0, "1\n0\n2\n"), err.decode(errors="replace")
    assert err.decode().count("killed by") == 2, err


def test_mount_umount_and_chroot(rootfs):
    """mount(2) of tmpfs and --bind, umount2 (EBUSY while in use), chroot (kernel/syscalls/
    mount.py); root's, under jitvm only: qemu-user would mount on the host."""
    d = f"/tmp/mnt-{os.getpid()}"
    script = f"""
        mkdir -p {d}/m {d}/b {d}/c/bin && cp /bin/busybox {d}/c/bin/
        mount -t tmpfs -o size=1m none {d}/m && echo hi > {d}/m/x && cat {d}/m/x
        grep -c ' {d}/m tmpfs' /proc/mounts
        cd {d}/m && {{ umount {d}/m 2>/dev/null; echo busy $?; }}; cd /
        umount {d}/m && echo unmounted && ls {d}/m | wc -l
        mount --bind {d}/c {d}/b && ls {d}/b/bin && umount {d}/b
        chroot {d}/c /bin/busybox sh -c 'cd /; cd ..; /bin/busybox pwd; /bin/busybox ls /'
        rm -rf {d}
    """
    out = busybox(rootfs, "sh", "-c", script)
    assert out == "hi\n1\nbusy 1\nunmounted\n0\nbusybox\n/\nbin\n", out
