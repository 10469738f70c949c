"""qemu-user, the reference each guest ISA is checked and measured against (tests, `jitvm bench`,
the applet list of a Debian rootfs). Stdlib only."""
import shutil

QEMU = {"riscv64": "qemu-riscv64-static", "loongarch64": "qemu-loongarch64-static",
        "aarch64": "qemu-aarch64-static", "mipsel": "qemu-mipsel-static"}
# The CPU qemu models, where its default is not the one jitvm implements: qemu-aarch64's default
# `max` offers SVE, MTE, LSE and more (glibc would pick routines jitvm has no instructions for).
# qemu-mipsel's default, 24Kf (MIPS32r2, FPU with legacy NaN), is the machine jitvm's mipsel
# models, but for one thing no -cpu changes: every MIPS32 CPU of qemu 7.2 with an FPU has 64-bit
# FP registers (FIR.F64), so, as Linux does, it runs an FPXX program (Debian's, gcc's default
# -mfpxx) with FR=1 and an FP32 one (zig's musleabihf) with FR=0, while jitvm has FR=0 only.
# FPXX code computes the same in either mode (it moves a double's high half with mthc1/mfhc1),
# so the outputs agree; only a program that looks at the register file (ldc1, then mfc1 of the
# odd register) could tell. (-cpu P5600 would be nan2008, which refuses legacy-NaN binaries.)
QEMU_CPU = {"aarch64": "cortex-a53"}


def qemu_command(arch):
    """argv[:n] that runs a guest program of `arch` under its qemu (None if not installed)."""
    exe = shutil.which(QEMU[arch])
    return exe and [exe, *(("-cpu", QEMU_CPU[arch]) if arch in QEMU_CPU else ())]
