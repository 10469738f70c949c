"""aarch64 Linux ABI facts, as data (AAPCS64 + arch/arm64/include/uapi). The kernel reads these; it
never names an aarch64 register itself.
"""
from translators.asm_generic import SYSCALL_NAMES as _GENERIC
from translators.aarch64 import cpu
from translators.aarch64 import signal as sigframe   # rt_sigframe layout, build/restore

ELF_MACHINE = 183            # EM_AARCH64
ELF_CLASS = 64
# The asm-generic table with renameat (arm64 defines __ARCH_WANT_RENAMEAT; glibc's rename() uses
# it), and getrlimit/setrlimit, newfstatat and fstat, which the generic table has already.
SYSCALL_NAMES = {**_GENERIC, 38: "renameat"}

# UserContext mapping: where the kernel finds pc, sp, tls, the syscall number/arguments/result.
PC = cpu.PC
SP = cpu.SP
TP = cpu.TPIDR_EL0           # TLS: the C library writes tpidr_el0 with msr; CLONE_SETTLS sets it
RA = cpu.LR
SYSCALL_NR = 8               # x8
SYSCALL_ARGS = (0, 1, 2, 3, 4, 5)         # x0..x5
SYSCALL_RET = 0              # x0; errors are -errno in x0
SYSCALL_INSN_LEN = 4         # svc #0
CLONE_ARGS_ORDER = ("flags", "stack", "parent_tid", "tls", "child_tid")  # as riscv64

STACK_ALIGN = 16
# AT_HWCAP (arch/arm64/include/uapi/asm/hwcap.h): FP | ASIMD, nothing else -- so glibc's ifunc
# selectors keep to the generic and ASIMD routines (no SVE, MTE, MOPS, LSE atomics, which jitvm
# does not implement: their instructions raise SIGILL). HWCAP_CPUID (mrs of the ID registers) is
# not offered either: glibc then never reads MIDR_EL1. qemu -cpu cortex-a53 gives 0x8fb.
HWCAP = 0x1 | 0x2
HWCAP2 = 0                   # AT_HWCAP2: arm64 always supplies it
# struct sigaction has sa_restorer (handler, flags, restorer, mask) and SA_RESTORER means "return
# there" -- musl sets it, glibc does not (then the kernel's trampoline, sigframe.TRAMPOLINE).
SA_RESTORER = 0x04000000
# open(2) flags where arm64 differs from asm-generic (arch/arm64/include/uapi/asm/fcntl.h):
# guest bit -> the asm-generic bit the kernel uses (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE)
OPEN_FLAGS = {0o40000: 0o200000, 0o100000: 0o400000, 0o200000: 0o40000, 0o400000: 0o100000}
PLATFORM = "aarch64"
SHMLBA = 4 * 4096       # shmat alignment: 4 * PAGE_SIZE (arch/arm64/include/asm/shmparam.h)
UNAME_MACHINE = "aarch64"
STAT_LAYOUT = "asm-generic"

# `brk #imm` from EL0 is SIGTRAP/TRAP_BRKPT whatever the immediate (arm64's brk_handler);
# no FP exception traps (Linux leaves FPCR's trap enables off, and most cores lack them).
BREAK_SIGNALS = {}
# An undefined instruction: do_el0_undef -> force_signal_inject(SIGILL, ILL_ILLOPC, pc)
ILLEGAL_SIGINFO = ("ILL_ILLOPC", True)


def cpuinfo(cpu_index):
    """One CPU's paragraph of /proc/cpuinfo, as arm64's c_show prints it (a Cortex-A53 r0p4 with
    only the features jitvm implements)."""
    return (f"processor\t: {cpu_index}\nBogoMIPS\t: 100.00\nFeatures\t: fp asimd\n"
            "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\n"
            "CPU part\t: 0xd03\nCPU revision\t: 4\n\n")
