"""Guest users are separated (kernel/perm.py): a shell script that drops to uid 1 with busybox
`setuidgid` and tries root's files, compared with qemu-user, where the host kernel judges (it
needs host root to drop privileges, as CI has). The same busybox binary runs in both, from a
scratch directory reached by relative paths only, so no host directory above it matters.
Also: owners and modes survive the VM (kept in xattrs, kernel/hostfs.py), and a guest symlink
is no host symlink."""
import os
import shlex
import shutil
import stat

import pytest

from jitvm.rootfs import cache_root
from tests.differential import ORACLE_RETRIES, run_jitvm, run_qemu

SCRIPT = r"""
B=./busybox
umask 022
$B mkdir d t && $B chmod 1777 t
echo secret > d/secret && $B chmod 000 d/secret
echo data > d/rootfile && $B chmod 644 d/rootfile
printf '#!./busybox sh\necho ran\n' > d/prog && $B chmod 700 d/prog
echo x > t/rootowned
$B mkdir d/private && $B chmod 700 d/private && echo p > d/private/f
$B setuidgid 1 ./busybox sh -c '
  B=./busybox
  $B id -u
  $B cat d/secret; echo "read: $?"
  echo more >> d/rootfile; echo "append: $?"
  $B touch d/new; echo "create: $?"
  $B rm -f d/rootfile; echo "unlink: $?"
  ./d/prog; echo "exec: $?"
  $B chmod 666 d/rootfile; echo "chmod: $?"
  $B cat d/private/f; echo "search: $?"
  $B rm -f t/rootowned; echo "sticky: $?"
  echo mine > t/mine && $B cat t/mine; echo "own file: $?"
  $B chmod 600 t/mine; echo "chmod own: $?"
  $B ls -ln t/mine | $B cut -c1-10
  $B mkdir t/sub && $B ln -s mine t/sub/link; echo "own dir: $?"
  $B cp d/secret t/copy; echo "cp unreadable: $?"
  $B test -e t/copy; echo "copy made: $?"
' 2>&1
$B cat d/rootfile
$B rm -rf d t
"""


def test_a_user_is_refused_what_linux_refuses(arch, rootfs, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("qemu-user needs host root to drop to uid 1 (CI runs as root)")
    # Under qemu the scratch dir is a host dir; under jitvm it is inside the guest's root.
    host = tmp_path / "q"
    guest = rootfs / "tmp" / f"users-{os.getpid()}"
    try:
        for d in (host, guest):
            d.mkdir(parents=True)
            d.chmod(0o777)
            shutil.copy(rootfs / "bin" / "busybox", d / "busybox")
        args = ["sh", "-c", SCRIPT]
        js, jout, jerr = run_jitvm(guest / "busybox", args, cwd=guest, rootfs=rootfs)
        assert b"Traceback" not in jerr, jerr.decode(errors="replace")
        for _ in range(ORACLE_RETRIES + 1):
            qs, qout, _ = run_qemu(host / "busybox", args, cwd=host, arch=arch)
            if (qs, qout) == (js, jout):
                break
        text = jout.decode(errors="replace")
        assert jout == qout, f"--- qemu\n{qout.decode(errors='replace')}--- jitvm\n{text}"
        assert js == qs == 0
        for line in ("read: 1", "append: 1", "create: 1", "unlink: 1", "exec: 126", "chmod: 1",
                     "search: 1", "sticky: 1", "own file: 0", "cp unreadable: 1",
                     "copy made: 1"):
            assert line in text.splitlines(), text
    finally:
        shutil.rmtree(guest, ignore_errors=True)


def test_owners_modes_and_symlinks_are_the_guests(rootfs):
    """chown/chmod in the guest need no host privilege and outlive the VM; a guest symlink to
    a host path outside the root is a plain file on the host."""
    guest = rootfs / "tmp" / f"own-{os.getpid()}"
    guest.mkdir(parents=True)
    try:
        script = ("cd /tmp/" + guest.name + " && echo hi > f && chown 1234:56 f && "
                  "chmod 4710 f && ln -s /etc/shadow evil && mkfifo p")
        rc, out, err = run_jitvm(rootfs / "bin" / "busybox", ["sh", "-c", script], rootfs=rootfs)
        assert rc == 0, out + err
        rc, out, err = run_jitvm(rootfs / "bin" / "busybox",
                                 ["ls", "-ln", "/tmp/" + guest.name], rootfs=rootfs)
        lines = {line.split()[-1] if "->" not in line else line.split()[-3]: line
                 for line in out.decode().splitlines()[1:]}
        assert lines["f"].split()[:4] == ["-rws--x---", "1", "1234", "56"], out
        assert lines["evil"].startswith("lrwxrwxrwx") and lines["evil"].endswith(
            "evil -> /etc/shadow"), out
        assert lines["p"].startswith("prw-r--r--"), out
        for name in ("f", "evil", "p"):
            st = os.lstat(guest / name)
            assert stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid(), name
        assert (guest / "evil").read_text() == "/etc/shadow"
    finally:
        shutil.rmtree(guest, ignore_errors=True)


def test_busybox_cp_does_not_copy_unreadable_file(rootfs):
    """busybox's own test (testsuite/cp/, from the Debian source the rootfs was built from), run
    as its runner runs an old-style test: `sh -e` in a scratch directory."""
    tests = sorted(cache_root().glob("src/busybox/busybox-*/testsuite/cp"))
    assert tests, "no busybox source: `jitvm rootfs` fetches it"
    body = (tests[-1] / "cp-does-not-copy-unreadable-file").read_text()
    guest = rootfs / "tmp" / f"bbtest-{os.getpid()}"
    guest.mkdir(parents=True)
    guest.chmod(0o777)          # uid 1 could create bar here: only the read permission stops it
    try:
        script = f"cd /tmp/{guest.name} && sh -e -c {shlex.quote(body)} && echo passed"
        rc, out, err = run_jitvm(rootfs / "bin" / "busybox", ["sh", "-c", script], rootfs=rootfs)
        assert (rc, out) == (0, b"passed\n"), (out + err).decode(errors="replace")
    finally:
        shutil.rmtree(guest, ignore_errors=True)
