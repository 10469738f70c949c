"""Disk images in the guest: busybox's mke2fs, mount -o loop, losetup and umount -d on the loop
driver (kernel/loop.py) and the read-only ext2 reader (kernel/ext2.py), in one busybox shell.

Two images: one the guest makes itself with busybox mke2fs (empty but for lost+found: nothing in
the guest can write ext2), and one made on the host by e2fsprogs' mke2fs -d from a populated
directory, whose files the guest reads back and checksums against the host's."""
import hashlib
import os
import shutil
import subprocess

import pytest

from tests.differential import run_jitvm

MKE2FS = shutil.which("mke2fs") or shutil.which("mke2fs", path="/sbin:/usr/sbin")
FILES = {"hello.txt": b"hello from the host\n",
         "dir/sub/data.bin": bytes(range(256)) * 300,               # past the direct blocks
         "dir/empty": b""}

SCRIPT = r"""
cd "$1" || exit 1
mkdir -p g h
dd if=/dev/zero of=g.img bs=1k count=4096 2>/dev/null
mke2fs -F g.img >/dev/null 2>&1 && echo "mke2fs: ok"
mount -o loop g.img g 2>&1          # no type: ext3 is refused, ext2 read-write, then read-only
grep " $PWD/g " /proc/mounts | cut -d" " -f1,3,4
ls -a g | tr '\n' ' '; echo
stat -f -c "type %t" g
touch g/new 2>&1; echo "touch: $?"
mkdir g/d 2>&1; echo "mkdir: $?"
umount -d g && echo "umount -d: ok"
losetup -a; echo "losetup -a: done"
if [ -f host.img ]; then
  losetup /dev/loop1 host.img && losetup /dev/loop1
  mount -t ext4 /dev/loop1 h 2>&1 && echo "mounted host.img"   # EROFS, then read-only
  losetup -d /dev/loop1; echo "losetup -d while mounted: $?"
  (cd h && find . -type f | sort | while read -r f; do md5sum "$f"; done)
  readlink h/link
  ls -ln h/hello.txt | tr -s ' ' | cut -d' ' -f1,3,4
  rm h/hello.txt 2>&1; echo "rm: $?"
  umount h && losetup -a; echo "after umount: done"
fi
rm -rf g h g.img
"""


@pytest.fixture
def scratch(rootfs):
    d = rootfs / "tmp" / f"jitvm-mount-loop-{os.getpid()}"
    d.mkdir(parents=True, exist_ok=True)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def host_image(scratch, tmp_path):
    src = tmp_path / "src"
    for name, data in FILES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    os.symlink("dir/sub/data.bin", src / "link")
    os.chown(src / "hello.txt", 1000, 100)
    subprocess.run([MKE2FS, "-q", "-F", "-t", "ext4", "-d", str(src), str(scratch / "host.img"),
                    "8M"], check=True, capture_output=True)


def test_mount_o_loop_in_the_guest(rootfs, scratch, tmp_path):
    if MKE2FS is not None and os.geteuid() == 0:
        host_image(scratch, tmp_path)
    guest = "/" + str(scratch.relative_to(rootfs))
    status, out, err = run_jitvm(rootfs / "bin" / "busybox", ["sh", "-c", SCRIPT, "sh", guest],
                                 rootfs=rootfs, timeout=900)
    assert b"Traceback" not in err, err.decode(errors="replace")
    lines = out.decode().splitlines()
    expect = ["mke2fs: ok",
              "/dev/loop0 ext2 ro,relatime",
              ". .. lost+found ",
              "type ef53",
              "touch: g/new: Read-only file system", "touch: 1",
              "mkdir: can't create directory 'g/d': Read-only file system", "mkdir: 1",
              "umount -d: ok",
              "losetup -a: done"]
    if (scratch / "host.img").exists():
        expect += ["/dev/loop1: 0 host.img",
                   "mounted host.img",
                   "losetup -d while mounted: 0"]
        expect += [f"{hashlib.md5(data).hexdigest()}  ./{name}" for name, data in sorted(
            FILES.items())]
        expect += ["dir/sub/data.bin", "-rw-r--r-- 1000 100",
                   "rm: can't remove 'h/hello.txt': Read-only file system", "rm: 1",
                   "after umount: done"]
    assert lines == expect, out.decode() + err.decode(errors="replace")
    assert status == 0
