"""busybox's own test suite (Debian's busybox source, the one the rootfs is built from), run by
its own runner inside the guest and, on the same binary, under qemu-user in a chroot
(tests/busybox_suite.py): no test may fail under jitvm that passes under qemu, but for KNOWN
ones, each with its reason. Both sides' counts are printed (`pytest -s`, or in a failure).

It runs on each busybox binary an ISA has (the flavours of busybox_suite's doc): the rootfs's,
built here from that source, and Debian's own busybox-static (DEBIAN_ARCH's ISAs).

Slow: 5-10 minutes of jitvm and 2-4 of qemu per ISA on the 2-core machine (more with its load);
the suite's biggest repetitions are left out (busybox_suite.SLOW_APPLETS and SLOW_TESTS:
`python -m tests.busybox_suite --all` runs them too).
"""
import os

import pytest

from jitvm.rootfs import DEBIAN_ARCH
from tests import busybox_suite as suite

# "applet: test" (as busybox_suite names results) -> why it may fail under jitvm though it passes
# under qemu: qemu's fault, or a limit jitvm documents. A kernel bug does not belong here.
KNOWN = {
    # None now. "start-stop-daemon: start-stop-daemon with both -x and -a" was here while the
    # oracle's binfmt_misc entry lacked the P flag: qemu then got /bin/false's path as argv[0]
    # and passed where Linux and jitvm fail (the test's own NB: "this fails if /bin/false is a
    # busybox symlink"). tests/guest/oracle_binfmt.sh registers with P now; qemu_ready insists.
}
KNOWN_ISA = {"riscv64": {}, "loongarch64": {}, "aarch64": {}}
# The same for Debian's busybox-static (the `debian` flavour), by ISA. aarch64: none -- every
# one of the 879 results is the same on both sides (843 PASS, 10 FAIL, 26 SKIPPED/UNTESTED).
# The ten that fail also fail under qemu: six of them (cpio's hardlink listing, sed's two NUL
# tests and its nonexistent label, `unzip foo.zip foo/`, hostname -d: no domain for "jitvm")
# fail on the source-built busybox under qemu as well; the four Unicode tests (expand,
# unexpand, fold, ls) because Debian's build has FEATURE_CHECK_UNICODE_IN_ENV -- Unicode only
# when LANG or LC_ALL names UTF-8, and busybox_suite.ENV sets neither.
KNOWN_DEBIAN = {"aarch64": {}}


def known_for(arch, flavour="source"):
    return {**KNOWN, **KNOWN_ISA.get(arch, {}),
            **(KNOWN_DEBIAN.get(arch, {}) if flavour == "debian" else {})}


@pytest.mark.slow
@pytest.mark.parametrize("flavour", [
    "source",
    # Debian's own busybox-static, built by Debian from the same source package with its own
    # configuration (debian/config/pkg/static: PREFER_APPLETS and SH_STANDALONE, so every
    # applet a test runs is busybox re-executing /proc/self/exe). On aarch64 on the 2-core
    # machine: 5 minutes of jitvm (14.5 while an engine compiled beside it) and 2.5 of qemu
    # with its reruns; the whole test 8 minutes.
    pytest.param("debian", marks=pytest.mark.isas(*DEBIAN_ARCH)),
])
def test_busybox_testsuite_no_worse_than_qemu(request, arch, flavour, tmp_path):
    why = suite.qemu_ready(arch)
    if why:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    rootfs = request.getfixturevalue("rootfs" if flavour == "source" else "debian")
    if flavour == "debian":
        suite.check_debian_binary(rootfs)
    applets, skip = suite.test_applets(), tuple(suite.SLOW_TESTS)
    qemu = suite.run_side("qemu", rootfs, arch, applets, tmp_path, skip, flavour=flavour)
    jitvm = suite.run_side("jitvm", rootfs, arch, applets, tmp_path, skip, flavour=flavour)
    suite.confirm_oracle(qemu, jitvm, rootfs, arch, tmp_path, skip, flavour=flavour)
    for side in (qemu, jitvm):          # runtest -v's whole output, for a look after a failure
        (tmp_path / f"{side.name}.log").write_text(side.output)
    known = known_for(arch, flavour)
    report = suite.table(arch, jitvm, qemu, known, flavour)
    print(report)
    assert "Traceback" not in jitvm.output, jitvm.output[-4000:]
    assert qemu.count("PASS") > 500, f"the qemu side ran too little:\n{qemu.output[-4000:]}"
    bad = suite.regressions(jitvm, qemu, known)
    assert not bad, (f"{len(bad)} test(s) fail under jitvm and pass under qemu (logs in "
                     f"{tmp_path})\n{report}\n" + suite.failure_report(bad, jitvm, qemu))
