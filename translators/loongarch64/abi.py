"""loongarch64 Linux ABI facts, as data (LoongArch ELF psABI + arch/loongarch/include/uapi). The
kernel reads these; it never names a loongarch64 register itself.
"""
from translators.asm_generic import SYSCALL_NAMES as _GENERIC
from translators.loongarch64 import cpu
from translators.loongarch64 import signal as sigframe   # rt_sigframe layout, build/restore

ELF_MACHINE = 258            # EM_LOONGARCH
ELF_CLASS = 64
# asm-generic, less what arch/loongarch/include/uapi/asm/unistd.h leaves out (no
# __ARCH_WANT_RENAMEAT, __ARCH_WANT_SET_GET_RLIMIT, and -- before Linux 6.11, the table
# QEMU 7.2 and the libcs follow -- no newfstatat/fstat: musl and glibc stat through statx).
SYSCALL_NAMES = {nr: name for nr, name in _GENERIC.items()
                 if name not in ("renameat", "getrlimit", "setrlimit", "newfstatat", "fstat")}

# UserContext mapping: where the kernel finds pc, sp, tls, the syscall number/arguments/result.
PC = cpu.PC
SP = cpu.SP
TP = cpu.TP                  # $tp ($r2), written by the C library directly
RA = cpu.RA
SYSCALL_NR = 11              # a7
SYSCALL_ARGS = (4, 5, 6, 7, 8, 9)         # a0..a5
SYSCALL_RET = 4              # a0; errors are -errno in a0 (no separate error flag)
SYSCALL_INSN_LEN = 4
CLONE_ARGS_ORDER = ("flags", "stack", "parent_tid", "child_tid", "tls")   # musl's clone.s

STACK_ALIGN = 16
# AT_HWCAP (arch/loongarch/include/uapi/asm/hwcap.h): CPUCFG | LAM | UAL | FPU | CRC32 -- no LSX,
# LASX or LBT, which jitvm does not implement (their instructions raise SIGILL). QEMU 7.2 gives
# 0x4e (it leaves out CPUCFG, which Linux always sets).
HWCAP = 0x01 | 0x02 | 0x04 | 0x08 | 0x40
HWCAP2 = None               # no AT_HWCAP2 in the auxiliary vector
SA_RESTORER = 0              # no sa_restorer in struct sigaction: handlers return to TRAMPOLINE
OPEN_FLAGS = {}              # open(2) flags: the asm-generic values (kernel/uapi.py)
PLATFORM = "loongarch"
SHMLBA = 64 << 10       # shmat alignment, forced (arch/loongarch/include/asm/shmparam.h)
UNAME_MACHINE = "loongarch64"
STAT_LAYOUT = "asm-generic"

# `break code` (arch/loongarch/include/uapi/asm/break.h, do_bp): the signal and si_code names
# the kernel sends for it; any other code is SIGTRAP/TRAP_BRKPT.
BREAK_SIGNALS = {6: ("SIGFPE", "FPE_INTOVF"),      # BRK_OVERFLOW
                 7: ("SIGFPE", "FPE_INTDIV")}      # BRK_DIVZERO
# An illegal instruction: do_ri's force_sig(SIGILL) -- si_code SI_KERNEL, si_addr 0
ILLEGAL_SIGINFO = ("SI_KERNEL", False)


def fp_trap_code(regs):
    """si_code name for an enabled FP exception (fcsr0's Cause bits, as Linux's do_fpe)."""
    cause = int(regs[cpu.FCSR]) >> 24 & 0x1F
    for bit, name in ((0x10, "FPE_FLTINV"), (0x08, "FPE_FLTDIV"), (0x04, "FPE_FLTOVF"),
                      (0x02, "FPE_FLTUND"), (0x01, "FPE_FLTRES")):
        if cause & bit:
            return name
    return "FPE_FLTUNK"


def cpuinfo(cpu_index):
    """One CPU's paragraph of /proc/cpuinfo, as Linux's show_cpuinfo prints it."""
    return (f"system type\t\t: jitvm\n\nprocessor\t\t: {cpu_index}\npackage\t\t\t: 0\n"
            f"core\t\t\t: {cpu_index}\nglobal_id\t\t: {cpu_index}\n"
            "CPU Family\t\t: Loongson-64bit\nModel Name\t\t: jitvm LA464\n"
            "CPU Revision\t\t: 0x10\nFPU Revision\t\t: 0x01\n"
            "Address Sizes\t\t: 48 bits physical, 48 bits virtual\n"
            "ISA\t\t\t: loongarch32 loongarch64\nFeatures\t\t: cpucfg lam ual fpu crc32\n\n")
