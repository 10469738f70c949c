"""busybox applets under jitvm against qemu-riscv64-static (the non-forking ones: fork, pipes and
job control come with the process stage). Inputs are files in a scratch directory inside the
rootfs, named by relative paths so both emulators see the same thing."""
import pytest

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


@pytest.fixture(scope="module")
def workdir(rootfs):
    import gzip
    d = rootfs / "tmp" / "jitvm-busybox-test"
    d.mkdir(parents=True, exist_ok=True)
    (d / "data.txt").write_text(TEXT)
    (d / "sorted.txt").write_text("".join(sorted(TEXT.splitlines(True))))
    (d / "data.txt.gz").write_bytes(gzip.compress(TEXT.encode(), mtime=0))
    return d


# On the jit tier the normal suite runs these; the whole list runs with -m slow (CI runs both).
JIT_SAMPLE = {"sh", "sort", "awk", "md5sum", "gzip", "sed"}


def _params():
    for argv in APPLETS:
        name = " ".join(argv)[:40]
        yield pytest.param("interp", argv, id=f"interp-{name}")
        marks = () if argv[0] in JIT_SAMPLE else (pytest.mark.slow,)
        yield pytest.param("jit", argv, id=f"jit-{name}", marks=marks)


@pytest.mark.parametrize("engine,argv", _params())
def test_applet_matches_qemu(rootfs, workdir, engine, argv):
    compare(rootfs / "bin" / "busybox", argv, engine, rootfs, cwd=workdir,
            stdin=TEXT.encode() if argv[0] == "tr" else b"", shell=True)
