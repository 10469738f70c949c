"""The guest never reads or writes a host file outside its root file system (kernel/vfs.py's
walk, kernel/hostfs.py's confinement), whatever it tries, and no attempt hangs or crashes the VM.

Each test runs on a private copy of the arch's rootfs with canaries beside it (sandbox.py): a
secret file the guest must not read and a directory it must not write. The probes are a guest C
program for what needs raw system calls (tests/guest/c/campaign_escape.c: O_PATH dirfds,
40/41-link chains, /proc magic links of other processes, mount/chroot/pivot_root/
open_by_handle_at, getcwd past PATH_MAX, a symlink swapped by a racing process) and busybox sh
scripts for what the applets do (cat, cp, ln, mv, tar, find, chroot, mount, mknod). Afterwards:
the secret's text is in no output, nothing outside the copy changed, and writes aimed outside
landed inside the copy where Linux's resolution puts them ("/.." is "/").

Expected answers are Linux's as the guest's root user, except where a VM may refuse a privilege
(mknod of devices, chroot, mount): there a refusal passes too, and only confinement is checked.
"""
import io
import os
import shlex
import tarfile

import pytest

from tests.campaign.sandbox import Sandbox


@pytest.fixture
def sandbox(arch, rootfs, tmp_path):
    sb = Sandbox.make(arch, rootfs, tmp_path)
    root, base = sb.root, sb.base
    # symlinks a rootfs might hold that point out of it, as the host sees them
    (root / "escape_rel").symlink_to("../secret.txt")
    (root / "escape_abs").symlink_to(base / "secret.txt")
    (root / "escape_dir").symlink_to("..")
    (root / "etc" / "escape_up").symlink_to("../../secret.txt")
    (root / "escape_nowrite").symlink_to(base / "nowrite")
    try:
        os.mknod(root / "hostnull", 0o666 | 0o020000, os.makedev(1, 3))   # a host char device
    except PermissionError:
        pass                    # not host root: the probe then sees ENOENT
    sb.seal()
    return sb


def test_system_call_probes(sandbox, guest_bin):
    prog = sandbox.install(guest_bin("campaign_escape"))
    r = sandbox.run(prog, [sandbox.base], timeout=180).check()
    sandbox.assert_confined(r)
    fails = [line for line in r.out.decode(errors="replace").splitlines()
             if line.startswith("FAIL")]
    assert not fails and r.out.endswith(b"all ok\n") and r.status == 0, r.text()
    # the writes aimed outside landed where Linux's resolution puts them: inside the root
    assert (sandbox.root / "mv_up").read_bytes() == b"f\n"
    odd = {os.fsencode(n) for n in os.listdir(os.fsencode(sandbox.root / "tmp/e/odd"))}
    assert b"new\nline" in odd and b"\xff\xfe" in odd and len(odd) == 16


# The C library's words for ELOOP and ENAMETOOLONG (riscv64's glibc, loongarch64's musl).
ELOOP = ("Too many levels of symbolic links", "Symbolic link loop")
ENAMETOOLONG = ("File name too long", "Filename too long")

NONZERO = "non-zero"
# Where a root-owned Linux may do what a VM may refuse (chroot, mount, mknod of devices): any
# status passes, and the outcome must only stay inside the root.
ANY = "any"
NO_DEVICE = ("No such device or address", "No such file or directory")

# name -> (shell command, expected exit status (an int, NONZERO or ANY), text its output
# contains: a str, or a tuple of alternatives; the output is the command's last 300 bytes,
# newlines as |)
PROBES = {
    "cat /../secret.txt": ("cat /../secret.txt", 1, "No such file or directory"),
    "cat ../../secret.txt from /": ("cd / && cat ../../secret.txt", 1, "No such file"),
    "cd up from /": ("cd / && cd ../../../.. && pwd", 0, "/|"),
    "ls /..": ("ls /..", 0, "bin|"),
    "host path": ("cat $BASE/secret.txt", 1, "No such file"),
    "host path of the root": ("cat $BASE/root/../secret.txt", 1, "No such file"),
    "host-made relative link": ("cat /escape_rel", 1, "No such file"),
    "host-made absolute link": ("cat /escape_abs", 1, "No such file"),
    "host-made link to ..": ("ls /escape_dir/", 0, "bin|"),
    "host-made link in /etc": ("cat /etc/escape_up", 1, "No such file"),
    "host-made link to nowrite": ("sh -c 'echo x > /escape_nowrite/pwned'", NONZERO, "pwned"),
    "guest relative link": ("ln -s ../../../../../secret.txt /tmp/s1 && cat /tmp/s1", 1,
                            "No such file"),
    "guest absolute link": ("ln -s $BASE/secret.txt /tmp/s2 && cat /tmp/s2", 1, "No such file"),
    "link loop": ("ln -s loop /tmp/loop && cat /tmp/loop", 1, ELOOP),
    "cp via /proc/self/root": ("cp /proc/self/root/../secret.txt /tmp/x", 1, "No such file"),
    "readlink /proc/self/root": ("readlink /proc/self/root", 0, "/|"),
    "/proc/self/cwd up": ("cd /tmp && cat /proc/self/cwd/../../../secret.txt", 1, "No such"),
    "/proc/shell/fd/3": ("exec 3</tmp; cat /proc/$$/fd/3/../../../secret.txt", 1, "No such"),
    "/proc/self/exe up": ("cat /proc/self/exe/../secret.txt", 1, "Not a directory"),
    "dd": ("dd if=/../../secret.txt", 1, "No such file"),
    "hard link to the host path": ("ln $BASE/secret.txt /tmp/hl", 1, "No such file"),
    "hard link via ..": ("ln /../secret.txt /tmp/hl", 1, "No such file"),
    "write to /../nowrite": ("sh -c 'echo pwned > /../nowrite/p'", NONZERO, "nowrite/p"),
    "mkdir -p /../nowrite/x": ("mkdir -p /../nowrite/x && ls -d /nowrite/x", 0, "/nowrite/x|"),
    "touch ../nowrite/y from /": ("cd / && touch ../nowrite/y && ls /nowrite", 0, "x|y|"),
    "mv to /../../mvd": ("echo m > /tmp/m && mv /tmp/m /../../mvd && cat /mvd", 0, "m|"),
    "cp -r /.. into /tmp": ("cp -r /../etc /tmp/etc2 && ls /tmp/etc2 | grep -c passwd", 0, "1|"),
    "find secret.txt": ("find / -path /proc -prune -o -path /lib -prune -o -path /usr -prune "
                        "-o -name secret.txt -print", 0, ""),
    "tar of ..": ("tar -cf /tmp/t.tar -C / ../secret.txt", 1, "secret.txt"),
    # (busybox tar itself defers a symlink pointing out until the other members are written)
    "tar extract with ../ and a link out": ("mkdir /tmp/tx && tar -xf /tmp/evil.tar -C /tmp/tx",
                                            ANY, "removing leading"),
    "chroot": ("mkdir -p /tmp/jail && chroot /tmp/jail /bin/cat /../secret.txt", ANY, ""),
    "mount --bind": ("mkdir -p /tmp/mnt && mount -o bind / /tmp/mnt", ANY, ""),
    "mount proc": ("mount -t proc proc /tmp/mnt && ls /tmp/mnt/1/root/..", ANY, ""),
    "pivot_root": ("mkdir -p /tmp/old && pivot_root /tmp /tmp/old", ANY, ""),
    "mknod block 8:0": ("mknod /tmp/sda b 8 0 2>/dev/null; head -c 64 /tmp/sda", 1, NO_DEVICE),
    "host device node": ("test -e /hostnull || exit 6; cat /hostnull", 1,
                         "No such device or address"),
    "4000-byte name": ("cat /tmp/$(printf '%04000d' 0)", 1, ENAMETOOLONG),
    "5000-byte path": ("cat $(printf '%05000d' 0 | sed 's,0,/,g')x", 1, ENAMETOOLONG),
    "odd names": ("mkdir /tmp/odd && cd /tmp/odd && touch \"$(printf 'a\\nb')\" "
                  "\"$(printf '\\377')\" ' ' '-' '\\' '...' && ls -A | wc -l", 0, "6|"),
}

SCRIPT_HEAD = r"""
export BASE='{base}'
t() {{
    name=$1; shift
    out=$(sh -c "$*" 2>&1 </dev/null)
    rc=$?
    printf '%s\t%s\t%s\n' "$name" "$rc" "$(printf '%s|' "$out" | tr '\n' '|' | tail -c 300)"
}}
"""

SWAP_RACE = r"""
mkdir -p /tmp/rd && echo inner > /tmp/rd/inner
( while :; do ln -sfn /tmp/rd /tmp/rl; ln -sfn ../../../../.. /tmp/rl
              ln -sfn $BASE /tmp/rl; done ) &
swapper=$!
i=0
while [ $i -lt {rounds} ]; do
    cat /tmp/rl/secret.txt /tmp/rl/../secret.txt /tmp/rl/inner 2>/dev/null
    i=$((i+1))
done > /tmp/race.out
kill $swapper; wait
echo "race: $(grep -c inner /tmp/race.out) inner, $(grep -vc inner /tmp/race.out) other"
"""


def evil_tar(outside):
    """A tar file with members that climb out ("../", "/..") and one through a symlink member
    pointing at `outside` (a host directory the guest must not write)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        def add(name, data=b"tar\n", link=None):
            ti = tarfile.TarInfo(name)
            if link:
                ti.type, ti.linkname = tarfile.SYMTYPE, link
                tf.addfile(ti)
            else:
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
        add("../../../../../nowrite/tar_up")
        add("/../nowrite/tar_abs")
        add("l", link=str(outside))
        add("l/tar_through_link")
    return buf.getvalue()


def run_shell_probes(sandbox, extra=""):
    (sandbox.root / "tmp" / "evil.tar").write_bytes(evil_tar(sandbox.base / "nowrite"))
    script = SCRIPT_HEAD.format(base=sandbox.base)
    for name, (cmd, _, _) in PROBES.items():
        script += f"t {shlex.quote(name)} {shlex.quote(cmd)}\n"
    script += extra + "echo 'script done'\n"
    return sandbox.shell(script, timeout=240).check()


def test_shell_probes(sandbox):
    has_device = (sandbox.root / "hostnull").exists()      # the host could mknod it
    r = run_shell_probes(sandbox, SWAP_RACE.format(rounds=10))
    sandbox.assert_confined(r)
    assert r.status == 0 and r.out.endswith(b"script done\n"), r.text()
    got = {}
    for line in r.out.decode(errors="replace").splitlines():
        if line.count("\t") == 2:
            name, rc, out = line.split("\t")
            got[name] = (int(rc), out)
    wrong = []
    for name, (cmd, status, text) in PROBES.items():
        rc, out = got.get(name, (None, "(no result line)"))
        if name == "host device node" and not has_device:
            continue
        texts = text if isinstance(text, tuple) else (text,)
        right = (status == ANY or (rc != 0 if status == NONZERO else rc == status))
        if not right or not any(t in out for t in texts):
            wrong.append(f"{name}: `{cmd}` gave status {rc}: {out!r}; want status {status} "
                         f"and {text!r}")
    assert not wrong, "\n".join(wrong) + "\n" + r.text()
    assert got["find secret.txt"][1] == "|", r.text()           # found nothing
    for name in ("ls /..", "host-made link to .."):             # the guest root's listing
        assert not {"secret.txt", "nowrite", "hostcwd"} & set(got[name][1].split("|")), r.text()
    race = [line for line in r.out.decode().splitlines() if line.startswith("race:")]
    assert race and race[0].endswith(" 0 other"), r.text()
    # writes aimed outside landed inside the copy
    assert (sandbox.root / "nowrite" / "x").is_dir() and (sandbox.root / "mvd").exists()


def test_program_outside_the_root(sandbox, guest_bin):
    """`jitvm run` of a program that lives on the host beside the secret: its /proc/self/exe
    names a host path, which the guest must not be able to follow out of the root."""
    (sandbox.base / "hostbin").mkdir()
    prog = sandbox.base / "hostbin" / "busybox"
    prog.write_bytes((sandbox.root / "bin" / "busybox").read_bytes())
    prog.chmod(0o755)
    sandbox.seal()
    r = sandbox.run(prog, ["sh", "-c",
                           "cat /proc/self/exe/../secret.txt; "
                           "cat \"$(dirname \"$(readlink /proc/self/exe)\")/../secret.txt\"; "
                           "cat /proc/self/exe > /tmp/exe.copy; "
                           "echo pwned > \"$(dirname \"$(readlink /proc/self/exe)\")/pwned\"; "
                           "echo end"], timeout=180).check()
    sandbox.assert_confined(r)
    assert r.status == 0 and r.out.endswith(b"end\n"), r.text()
    assert not (sandbox.base / "hostbin" / "pwned").exists()


def test_reopen_through_proc_fd_is_the_open_file(sandbox):
    """/proc/self/fd/N reopens the file the descriptor has open, as Linux does, whatever now
    has its name: a FIFO (a host open of it used to block the whole VM), another file renamed
    over it, nothing (deleted), a symlink to the secret's host path, a directory."""
    r = sandbox.shell(f"""
cd /tmp
echo one > f; exec 3<f; rm f; mkfifo f
echo "fifo: $(cat /proc/self/fd/3)"
echo two > g; exec 4<g; echo other > g.new; mv g.new g
echo "renamed over: $(cat /proc/self/fd/4)"
echo three > h; exec 5<h; rm h
echo "deleted: $(cat /proc/self/fd/5)"
echo four > s; exec 6<s; rm s; ln -s {sandbox.base}/secret.txt s
echo "symlink: $(cat /proc/self/fd/6)"
echo five > d; exec 7<d; rm d; mkdir d
echo "directory: $(cat /proc/self/fd/7)"
""", timeout=180).check()
    sandbox.assert_confined(r)
    assert r.status == 0 and r.out == (b"fifo: one\nrenamed over: two\ndeleted: three\n"
                                       b"symlink: four\ndirectory: five\n"), r.text()


@pytest.mark.slow
@pytest.mark.parametrize("smp", [1, 2])
def test_racing_swaps(sandbox, guest_bin, smp):
    """Many more walks through symlinks swapped by a racing process, on one and two vCPUs."""
    prog = sandbox.install(guest_bin("campaign_escape"))
    r = sandbox.run(prog, [sandbox.base, 5000], smp=smp, timeout=900).check()
    sandbox.assert_confined(r)
    assert b"ok walks through a swapped symlink" in r.out, r.text()
    r = sandbox.shell(SCRIPT_HEAD.format(base=sandbox.base) + SWAP_RACE.format(rounds=1000),
                      smp=smp, timeout=900).check()
    sandbox.assert_confined(r)
    assert b" 0 other\n" in r.out, r.text()
