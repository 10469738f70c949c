"""busybox applets under jitvm against qemu-user (the non-forking ones: fork, pipes and job
control come with the process stage), on two busybox binaries per ISA where there are two:

  source   the rootfs's busybox, built here from Debian's source (`rootfs` fixture)
  debian   Debian's own busybox-static package, as Debian built it (`debian` fixture; the ISAs
           in jitvm.rootfs.DEBIAN_ARCH)

Each applet runs as `ROOT/bin/busybox APPLET ARGS` -- that binary by name, whatever else the
rootfs's /bin holds. Inputs are files in a scratch directory inside the rootfs, named by relative
paths so both emulators see the same thing."""
import pytest

from jitvm.rootfs import DEBIAN_ARCH
from tests.differential import compare

TEXT = "".join(f"line {i % 7} {'abc' * (i % 3)} {i * i}\n" for i in range(200))
APPLETS = [
    ["echo", "hi", "there"],
    ["sh", "-c", "x=5; y=$((x * 7 + 1)); echo \"$y\"; i=0; while [ $i -lt 20 ]; do "
                 "i=$((i+1)); done; echo $i; case $y in 36) echo yes;; esac"],
    ["sh", "-c", "printf '%s-%d\\n' a 1 b 2; test -f data.txt && echo file; set -- 1 2 3; "
                 "echo $# \"$@\"; f() { echo in-f $1; }; f arg"],
    ["ls"], ["ls", "-a", "-1"],
    ["cat", "data.txt"],
    ["md5sum", "data.txt"], ["sha256sum", "data.txt"],
    ["sort", "data.txt"], ["sort", "-n", "-k3", "-r", "data.txt"],
    ["uniq", "-c", "sorted.txt"],
    ["wc", "data.txt"], ["wc", "-l", "-w", "-c", "data.txt"],
    ["sed", "-e", "s/line/LINE/g", "-e", "/abcabc/d", "data.txt"],
    ["awk", "{ s += $3 } END { printf \"%d %.3f\\n\", s, s / NR }", "data.txt"],
    ["awk", "-F", " ", "$2 == 3 { print NR, $0 }", "data.txt"],
    ["grep", "-n", "abcabc", "data.txt"], ["grep", "-c", "-v", "line 1", "data.txt"],
    ["cut", "-d", " ", "-f", "2,3", "data.txt"],
    ["tr", "a-z", "A-Z"],
    ["seq", "1", "3", "30"], ["seq", "-w", "5", "12"],
    ["printf", "%05.2f %x %s %c\\n", "3.14159", "255", "str", "z"],
    ["expr", "7", "*", "6"], ["expr", "length", "hello"],
    ["basename", "/usr/lib/libc.so.6", ".6"], ["dirname", "/usr/lib/x"],
    ["gzip", "-c", "data.txt"], ["gunzip", "-c", "data.txt.gz"],
    ["od", "-A", "x", "-t", "x1z", "-N", "64", "data.txt"],
    ["head", "-n", "5", "data.txt"], ["tail", "-n", "3", "data.txt"], ["tail", "-c", "20", "data.txt"],
]


# flavour -> the fixture giving its rootfs, and the marks that keep it to its ISAs
FLAVOURS = {"source": ("rootfs", ()),
            "debian": ("debian", (pytest.mark.isas(*DEBIAN_ARCH),))}


def _workdir(root):
    """The inputs in root's scratch directory; a file is replaced (by rename, so a test running
    meanwhile in another pytest worker never reads half of it) only if its bytes differ."""
    import gzip
    import os
    d = root / "tmp" / "jitvm-busybox-test"
    d.mkdir(parents=True, exist_ok=True)
    for name, data in (("data.txt", TEXT.encode()),
                       ("sorted.txt", "".join(sorted(TEXT.splitlines(True))).encode()),
                       ("data.txt.gz", gzip.compress(TEXT.encode(), mtime=0))):
        f = d / name
        if not f.exists() or f.read_bytes() != data:
            tmp = d / f".{name}.{os.getpid()}"
            tmp.write_bytes(data)
            tmp.replace(f)
    return d


# On the jit tier the normal suite runs these; the whole list runs with -m slow (CI runs both).
JIT_SAMPLE = {"sh", "sort", "awk", "md5sum", "gzip", "sed"}


def _params():
    for flavour, (_, only) in FLAVOURS.items():
        for argv in APPLETS:
            name = " ".join(argv)[:40]
            yield pytest.param(flavour, "interp", argv, id=f"{flavour}-interp-{name}", marks=only)
            slow = () if argv[0] in JIT_SAMPLE else (pytest.mark.slow,)
            yield pytest.param(flavour, "jit", argv, id=f"{flavour}-jit-{name}",
                               marks=(*only, *slow))


@pytest.mark.parametrize("flavour,engine,argv", _params())
def test_applet_matches_qemu(request, arch, flavour, engine, argv):
    root = request.getfixturevalue(FLAVOURS[flavour][0])
    compare(root / "bin" / "busybox", argv, engine, root, cwd=_workdir(root),
            stdin=TEXT.encode() if argv[0] == "tr" else b"", shell=True)
