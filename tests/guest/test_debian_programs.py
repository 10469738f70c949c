"""Debian's own dynamically linked programs -- bash 5.2 and coreutils 9.1 from the arm64 (...)
packages, with their libraries and ld.so, as `jitvm rootfs --debian` assembles them -- running a
shell script under jitvm and under qemu-user, compared (stdout and exit status).

The oracle: qemu-<arch> -cpu <QEMU_CPU> -L <the Debian rootfs> <rootfs>/bin/bash script. qemu
hands the script's execve calls to the host kernel, whose binfmt_misc (`make oracle`) starts
qemu again for each guest ELF: QEMU_LD_PREFIX and QEMU_CPU in the environment give those the same
-L and -cpu. qemu does not look up an execve path inside -L, so the script's commands come by a
host PATH (tests/differential.py oracle_path: every command name of the rootfs linked to its
file there) rather than /bin:/usr/bin, which would find the host's own coreutils. The script
therefore prints no PATH, no absolute working directory and no raw environment.

Files the script reads are made in a scratch directory inside the rootfs with fixed contents,
modes and mtimes, and the script writes nothing there (the directory's mtime stays fixed).
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from jitvm.rootfs import DEBIAN_ARCH
from tests.differential import (ENV, ORACLE_RETRIES, QEMU_CPU, oracle_path, qemu_command,
                                run_jitvm, status_of)

pytestmark = pytest.mark.isas(*DEBIAN_ARCH)

# Under qemu a file's owner is the host's; jitvm shows the rootfs's files as root's and runs the
# guest as root. The two agree on owners and on `id` only when the tests run as root.
AS_ROOT = os.geteuid() == 0
LS_L = "ls -l" if AS_ROOT else "ls -lgo"
ID = "id; id -un" if AS_ROOT else "echo not root"

SCRIPT = f"""\
set -u
export TZ=UTC0                    # neither side has /etc/localtime; qemu would read the host's
echo "bash ${{BASH_VERSINFO[0]}}.${{BASH_VERSINFO[1]}}"
{LS_L}
{LS_L} -a --time-style=long-iso sub
ls -1 -S -r; ls -d */ ; ls -F
stat --format='%n %s %a %F %Y %h' words.txt sub link table.txt
stat -L --printf='%n -> %s\\n' link
sort words.txt | uniq -c | sort -k1,1nr -k2
sort -t: -k3,3n table.txt | cut -d: -f1 | paste -sd, -
wc words.txt table.txt; wc -l < words.txt; wc -c < table.txt
seq 1 10 | tail -n 3; seq -s, 2 3 20; seq -w 8 11 | tr '\\n' ' '; echo
date -d @0 -u; date -u -d @1000000000 '+%Y-%m-%d %H:%M:%S %A %j'
date -u -d '2024-02-28 12:00 + 1 day' +%F; date -d @86400 '+%s %Z'
cut -d: -f1,3 table.txt | tr a-z A-Z; cut -c2-4 words.txt | head -n 3
tr -s 'a-z' < words.txt | tr -d '\\n' | head -c 30; echo
printf '%5.2f|%-6s|%x|%o|%e|%q\\n' 3.14159 ab 255 8 12345.678 "a b"
head -n 2 table.txt; tail -n 1 table.txt; head -c 7 words.txt; echo; tail -c 4 table.txt
md5sum words.txt table.txt; sha256sum table.txt
env -i A=1 B='two words' env
{ID}
n=0; while read -r w; do n=$((n + ${{#w}})); done < words.txt; echo "letters: $n"
echo "$(( (7 * 6) % 5 + 2 ** 10 ))" $((16#ff)) $(( 10 > 3 ? 1 : 0 )) $(( -7 / 2 ))
(cd sub && basename "$PWD"; echo "subshell $BASH_SUBSHELL"; exit 5); echo "subshell status $?"
x=$(sort -r words.txt | head -n 1); echo "last word: $x"
echo "nested $(echo $(seq 3 | wc -l) lines)"
cat words.txt | tr -c 'a-z\\n' '_' | sort -u | tail -n 2
f() {{ local a=$1; echo "f $a $#"; return 4; }}; f one two; echo "status $?"
[[ -d sub && -L link && ! -e nothing ]] && echo tests-ok
arr=(c b a); echo "${{arr[@]}}" "${{#arr[@]}}"; IFS=, ; echo "${{arr[*]}}"; unset IFS
declare -A m=([k]=v [j]=w)
for k in $(printf '%s\\n' "${{!m[@]}}" | sort); do echo "$k=${{m[$k]}}"; done
true | false | true; echo "pipe ${{PIPESTATUS[*]}}"
set -o pipefail; false | true; echo "pipefail $?"; set +o pipefail
case "$(basename "$(pwd)")" in jitvm-debian-*) echo in-workdir;; esac
exec 3< table.txt; read -r first <&3; exec 3<&-; echo "fd3: $first"
exit 3
"""


def _files(d: Path):
    """The script's inputs: fixed bytes, modes and mtimes (2001-02-03 04:05:06 UTC)."""
    (d / "sub").mkdir(parents=True, exist_ok=True)
    for name, data, mode in (("words.txt", "pear\napple\nfig\napple\nkiwi\npear\napple\n", 0o644),
                             ("table.txt", "root:x:0\nalice:y:1000\nbob:z:7\n", 0o640),
                             ("sub/file", "hi\n", 0o600)):
        (d / name).write_text(data)
        (d / name).chmod(mode)
    if not (d / "link").is_symlink():
        (d / "link").symlink_to("words.txt")
    (d / "script.sh").write_text(SCRIPT)
    (d / "script.sh").chmod(0o644)
    (d / "sub").chmod(0o755)
    for name in ("words.txt", "table.txt", "sub/file", "link", "script.sh", "sub", "."):
        os.utime(d / name, (981173106, 981173106), follow_symlinks=False)


@pytest.fixture(scope="module")
def workdir(debian):
    d = debian / "tmp" / f"jitvm-debian-{os.getpid()}"
    _files(d)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_the_rootfs_is_debian_s_layout(debian):
    """coreutils and bash are Debian's files, busybox keeps the rest (sh, init, mount, vi), and
    every ELF file's interpreter and libraries are there (what the build checked)."""
    from jitvm.elfdeps import missing, resolve
    from jitvm.rootfs import DEBIAN_PROGRAMS
    for path in ("bin/bash", "bin/ls", "bin/date", "usr/bin/sort", "usr/bin/stat", "usr/bin/env"):
        assert not (debian / path).is_symlink() and (debian / path).read_bytes()[:4] == b"\x7fELF"
    for path in ("bin/sh", "sbin/init", "bin/mount", "bin/vi", "bin/grep"):
        assert os.readlink(debian / path) == "/bin/busybox", path
    assert not (debian / "bin/stat").exists()           # coreutils' is /usr/bin/stat
    interp = dependencies_of(debian / "bin/bash")[0]
    # glibc's dynamic linker: /lib/ld-linux-aarch64.so.1 and the like; MIPS's is /lib/ld.so.1
    assert interp.startswith(("/lib/ld-linux-", "/lib/ld.so."))
    assert resolve(debian, interp).is_file()
    assert missing(debian) == []
    stamp = json.loads(debian.with_name(debian.name + ".stamp").read_text())
    assert {"busybox-static", *DEBIAN_PROGRAMS, "libc6"} <= set(stamp["debs"])


def dependencies_of(path):
    from jitvm.elfdeps import dependencies
    return dependencies(path.read_bytes())


def run_oracle(arch, root, cwd, argv):
    if not Path(f"/proc/sys/fs/binfmt_misc/qemu-{arch}").exists():
        pytest.skip(f"binfmt_misc has no qemu-{arch} for the script's commands: run `make oracle`")
    env = dict(ENV, PATH=oracle_path(root), QEMU_LD_PREFIX=str(root))
    if arch in QEMU_CPU:
        env["QEMU_CPU"] = QEMU_CPU[arch]
    q = subprocess.run([*qemu_command(arch), "-L", str(root), str(root / "bin" / "bash"), *argv],
                       capture_output=True, cwd=cwd, env=env, timeout=120,
                       start_new_session=True)
    return status_of(q.returncode), q.stdout, q.stderr


@pytest.mark.parametrize("engine", ["interp", "jit"])
def test_bash_script_with_coreutils_matches_qemu(arch, debian, workdir, engine):
    js, jout, jerr = run_jitvm(debian / "bin" / "bash", ["script.sh"], cwd=workdir,
                               rootfs=debian, engine=engine)
    assert b"Traceback" not in jerr, jerr.decode(errors="replace")
    for _ in range(ORACLE_RETRIES + 1):
        qs, qout, qerr = run_oracle(arch, debian, workdir, ["script.sh"])
        if (qs, qout) == (js, jout):
            break
    assert b"command not found" not in qerr + jerr, (qerr + jerr).decode(errors="replace")
    assert jout == qout, (f"--- qemu (status {qs})\n{qout.decode(errors='replace')}"
                          f"{qerr.decode(errors='replace')}--- jitvm (status {js})\n"
                          f"{jout.decode(errors='replace')}{jerr.decode(errors='replace')}")
    assert js == qs == 3
    assert b"letters: " in jout and b"bash 5." in jout
