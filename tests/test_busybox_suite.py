"""busybox's own test suite (Debian's busybox source, the one the rootfs is built from), run by
its own runner inside the guest and, on the same binary, under qemu-user in a chroot
(tests/busybox_suite.py): no test may fail under jitvm that passes under qemu, but for KNOWN
ones, each with its reason. Both sides' counts are printed (`pytest -s`, or in a failure).

Slow: 5-10 minutes of jitvm and 2-4 of qemu per ISA on the 2-core machine (more with its load);
the suite's biggest repetitions are left out (busybox_suite.SLOW_APPLETS and SLOW_TESTS:
`python -m tests.busybox_suite --all` runs them too).
"""
import os

import pytest

from tests import busybox_suite as suite

# "applet: test" (as busybox_suite names results) -> why it may fail under jitvm though it passes
# under qemu: qemu's fault, or a limit jitvm documents. A kernel bug does not belong here.
KNOWN = {
    # The test itself says "NB: this fails if /bin/false is a busybox symlink: busybox looks at
    # argv[0] and says 'qwerty: applet not found'" -- as it does under jitvm, and would under
    # Linux (127). qemu passes because binfmt_misc without the P flag (oracle_binfmt.sh's F
    # alone) hands qemu the file name as argv[0]: busybox sees "/bin/false".
    "start-stop-daemon: start-stop-daemon with both -x and -a":
        "qemu: binfmt_misc loses argv[0] (the test's own NB: fails where /bin/false is busybox)",
}
KNOWN_ISA = {"riscv64": {}, "loongarch64": {}, "aarch64": {}}


def known_for(arch):
    return {**KNOWN, **KNOWN_ISA.get(arch, {})}


@pytest.mark.slow
def test_busybox_testsuite_no_worse_than_qemu(arch, rootfs, tmp_path):
    why = suite.qemu_ready(arch)
    if why:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    applets, skip = suite.test_applets(), tuple(suite.SLOW_TESTS)
    qemu = suite.run_side("qemu", rootfs, arch, applets, tmp_path, skip)
    jitvm = suite.run_side("jitvm", rootfs, arch, applets, tmp_path, skip)
    suite.confirm_oracle(qemu, jitvm, rootfs, arch, tmp_path, skip)
    for side in (qemu, jitvm):          # runtest -v's whole output, for a look after a failure
        (tmp_path / f"{side.name}.log").write_text(side.output)
    known = known_for(arch)
    report = suite.table(arch, jitvm, qemu, known)
    print(report)
    assert "Traceback" not in jitvm.output, jitvm.output[-4000:]
    assert qemu.count("PASS") > 500, f"the qemu side ran too little:\n{qemu.output[-4000:]}"
    bad = suite.regressions(jitvm, qemu, known)
    assert not bad, (f"{len(bad)} test(s) fail under jitvm and pass under qemu (logs in "
                     f"{tmp_path})\n{report}\n" + suite.failure_report(bad, jitvm, qemu))
