"""qemu-user, the reference each guest ISA is checked and measured against (tests, `jitvm bench`,
the applet list of a Debian rootfs). Stdlib only."""
import shutil

QEMU = {"riscv64": "qemu-riscv64-static", "loongarch64": "qemu-loongarch64-static",
        "aarch64": "qemu-aarch64-static"}
# The CPU qemu models, where its default is not the one jitvm implements: qemu-aarch64's default
# `max` offers SVE, MTE, LSE and more (glibc would pick routines jitvm has no instructions for).
QEMU_CPU = {"aarch64": "cortex-a53"}


def qemu_command(arch):
    """argv[:n] that runs a guest program of `arch` under its qemu (None if not installed)."""
    exe = shutil.which(QEMU[arch])
    return exe and [exe, *(("-cpu", QEMU_CPU[arch]) if arch in QEMU_CPU else ())]
