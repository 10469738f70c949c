"""riscv64 Linux ABI facts, as data (psABI + arch/riscv/include/uapi). The kernel reads these; it
never names a riscv64 register itself.
"""
from translators.asm_generic import SYSCALL_NAMES as _GENERIC
from translators.riscv64 import cpu
from translators.riscv64 import signal as sigframe   # rt_sigframe layout, build/restore

ELF_MACHINE = 243            # EM_RISCV
ELF_CLASS = 64
SYSCALL_NAMES = {**_GENERIC, 258: "riscv_hwprobe", 259: "riscv_flush_icache"}

# UserContext mapping: where the kernel finds pc, sp, tls, the syscall number/arguments/result.
PC = cpu.PC
SP = cpu.SP
TP = cpu.TP                  # thread pointer register (TLS)
RA = cpu.RA
SYSCALL_NR = 17              # a7
SYSCALL_ARGS = (10, 11, 12, 13, 14, 15)   # a0..a5
SYSCALL_RET = 10             # a0; errors are -errno in a0 (no separate error flag)
SYSCALL_INSN_LEN = 4         # ecall has no compressed form
CLONE_ARGS_ORDER = ("flags", "stack", "parent_tid", "tls", "child_tid")  # CONFIG_CLONE_BACKWARDS

STACK_ALIGN = 16
HWCAP = sum(1 << (ord(c) - ord("a")) for c in "imafdc")    # AT_HWCAP: one bit per base letter
HWCAP2 = None               # no AT_HWCAP2 in the auxiliary vector
SA_RESTORER = 0              # no sa_restorer in struct sigaction: handlers return to TRAMPOLINE
OPEN_FLAGS = {}              # open(2) flags: the asm-generic values (kernel/uapi.py)
PLATFORM = "riscv64"
SHMLBA = 4096           # shmat alignment: PAGE_SIZE (asm-generic)
UNAME_MACHINE = "riscv64"
STAT_LAYOUT = "asm-generic"

# `ebreak` is always SIGTRAP/TRAP_BRKPT (no break codes); FP exceptions never trap on RISC-V.
BREAK_SIGNALS = {}
# An illegal instruction: SIGILL's si_code name and whether si_addr is the pc (do_trap_insn_illegal)
ILLEGAL_SIGINFO = ("ILL_ILLOPC", True)


def cpuinfo(cpu_index):
    """One CPU's paragraph of /proc/cpuinfo, as Linux's riscv c_show prints it."""
    return (f"processor\t: {cpu_index}\nhart\t\t: {cpu_index}\nisa\t\t: rv64imafdc\n"
            "mmu\t\t: sv39\nmvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n\n")
