"""mipsel o32 Linux ABI facts, as data (the MIPS o32 psABI + arch/mips/include/uapi). The kernel
reads these; it never names a MIPS register or constant itself.

o32 is a 32-bit ABI and the one here whose numbering differs from asm-generic: system calls are
4000 + n (o32.py), errno values from 35 on, signal numbers, sigaction flags, open and mmap flags.
The kernel keeps asm-generic values inside and translates at the system call boundary with the
tables below (kernel/abimap.py).

PARTIAL (in progress): struct layouts with longs are translated where libc calls need them
(kernel/abimap.py `fmt`), not yet everywhere (SO_RCVTIMEO_OLD's timeval, struct flock, sysv
ipc's structs); the o32 stat64 calls and signals past the kernel's 64 are not implemented.
"""
from translators.mipsel import cpu, o32
from translators.mipsel.mips_sys import TRAP_CODE
from translators.mipsel import signal as sigframe   # rt_sigframe and the legacy sigframe

ELF_MACHINE = 8              # EM_MIPS (with ELFCLASS32, little-endian: mipsel)
ELF_CLASS = 32
LONG_BYTES = 4               # sizeof(long) = sizeof(void *): struct layouts, the stack, auxv

# The o32 table, with the *_time64 calls (64-bit time_t: the layouts every 64-bit ISA uses, and
# what glibc >= 2.34 and musl >= 1.2 call first) under the kernel's names for them. The calls
# they succeed keep their names and numbers; the kernel reads their timespec, timeval and
# itimerval as 32-bit (TIME32_SYSCALLS: glibc 2.36 still calls clock_nanosleep and utimensat's
# older forms when the time fits).
_TIME64 = {"clock_gettime64": "clock_gettime", "clock_settime64": "clock_settime",
           "clock_adjtime64": "clock_adjtime", "clock_getres_time64": "clock_getres",
           "clock_nanosleep_time64": "clock_nanosleep", "timer_gettime64": "timer_gettime",
           "timer_settime64": "timer_settime", "timerfd_gettime64": "timerfd_gettime",
           "timerfd_settime64": "timerfd_settime", "utimensat_time64": "utimensat",
           "pselect6_time64": "pselect6", "ppoll_time64": "ppoll",
           "io_pgetevents_time64": "io_pgetevents", "recvmmsg_time64": "recvmmsg",
           "mq_timedsend_time64": "mq_timedsend", "mq_timedreceive_time64": "mq_timedreceive",
           "semtimedop_time64": "semtimedop", "rt_sigtimedwait_time64": "rt_sigtimedwait",
           "futex_time64": "futex", "sched_rr_get_interval_time64": "sched_rr_get_interval"}
SYSCALL_NAMES = {nr: _TIME64.get(name, name) for nr, name in o32.SYSCALLS.items()}
TIME32_SYSCALLS = frozenset(
    nr for nr, name in o32.SYSCALLS.items()
    if name in {*_TIME64.values(), "nanosleep", "gettimeofday", "settimeofday", "getitimer",
                "setitimer", "io_getevents"})

# UserContext mapping: where the kernel finds pc, sp, tls, the syscall number/arguments/result.
PC = cpu.PC
NPC = cpu.NPC                # delay slots: setting the pc sets this to pc + 4 (kernel/context.py)
SP = cpu.SP
TP = cpu.ULR                 # set_thread_area / CLONE_SETTLS; read by `rdhwr $3, $29`
RA = cpu.RA
SYSCALL_NR = cpu.V0          # v0 = 4000 + n
SYSCALL_ARGS = (4, 5, 6, 7)  # a0..a3; the 5th to 8th at 16..28($sp) (the caller's o32 arg area)
SYSCALL_STACK_ARGS = (16, 20, 24, 28)
SYSCALL_RET = cpu.V0         # v0
SYSCALL_RET2 = cpu.V1        # v1: pipe()'s second descriptor
SYSCALL_ERROR_FLAG = cpu.A3  # a3 = 1 and v0 = a positive errno on failure, a3 = 0 on success
ALIGN_64BIT_ARGS = True      # a 64-bit argument takes an aligned pair of words, low word first
SYSCALL_INSN_LEN = 4
# clone(flags, stack, parent_tid, tls, child_tid): CLONE_BACKWARDS (child_tid is the 5th
# argument, read from 16($sp))
CLONE_ARGS_ORDER = ("flags", "stack", "parent_tid", "tls", "child_tid")

STACK_ALIGN = 8              # o32: sp 8-byte aligned at entry
# 32-bit user space (arch/mips/include/asm/processor.h TASK_SIZE 0x7fff8000); mmaps top-down from
# under the stack's gap, a static PIE or ld.so at 2/3 of it (ELF_ET_DYN_BASE)
ADDRESS_SPACE = dict(TASK_SIZE=0x7FFF_8000, STACK_TOP=0x7FFF_7000, MMAP_BASE=0x7700_0000,
                     ELF_ET_DYN_BASE=0x5555_5000)
HWCAP = 0                    # AT_HWCAP: no MIPS r6, MSA, CRC or GINV features (as qemu-mipsel)
HWCAP2 = None
SA_RESTORER = 0              # no sa_restorer on MIPS: handlers return to the kernel's trampoline
OPEN_FLAGS = o32.OPEN_FLAGS  # open(2) flags: guest bit -> asm-generic bit (kernel/uapi.py)
MAP_FLAGS = o32.MAP_FLAGS    # mmap(2) flags, likewise
PLATFORM = "mips"
BASE_PLATFORM = "mips32r2"   # AT_BASE_PLATFORM
SHMLBA = 0x40000             # shmat alignment (arch/mips/include/asm/shmparam.h: cache aliasing)
UNAME_MACHINE = "mips"
STAT_LAYOUT = "asm-generic"  # statx is the same everywhere; the o32 stat64 calls: not yet
STATFS64 = o32.STATFS64      # statfs64/fstatfs64 (kernel/syscalls/legacy.py)
ERRNO = o32.ERRNO            # errno names -> o32 values (those that differ)
RLIMIT_NAMES, RLIM_INFINITY = o32.RLIMIT_NAMES, o32.RLIM_INFINITY
FCNTL, IOCTLS = o32.FCNTL, o32.IOCTLS              # kernel/uapi.py fcntl_in, ioctl_in
FLOCK32_CMDS, FLOCK32 = o32.FLOCK32_CMDS, o32.FLOCK32              # uapi.flock_struct
SOCK_TYPES, SOL_SOCKET, SOCKOPTS = o32.SOCK_TYPES, o32.SOL_SOCKET, o32.SOCKOPTS    # sockopt_in
TERMIOS_CC, TERMIOS_LFLAG = o32.TERMIOS_CC, o32.TERMIOS_LFLAG    # uapi.Termios
# Signals (kernel/sigabi.py): MIPS's numbers; its SIGEMT travels as the kernel's SIGSTKFLT (the
# one asm-generic signal MIPS lacks), so every number has a twin
SIGNALS = {**o32.SIGNALS, "SIGSTKFLT": o32.SIGNALS["SIGEMT"]}
NSIG, SA_FLAGS, SIG_HOW, SI_CODES = o32.NSIG, o32.SA_FLAGS, o32.SIG_HOW, o32.SI_CODES
SIGACTION_FLAGS_FIRST = True  # struct sigaction {u32 sa_flags; handler; sigset_t sa_mask}
STACK_T_SIZE_SECOND = True   # stack_t {ss_sp; size_t ss_size; int ss_flags}
SIGINFO_CODE_FIRST = True    # siginfo {si_signo; si_code; si_errno; ...}

# `break code` and the trap instructions (arch/mips/kernel/traps.c do_trap_or_bp): BRK_OVERFLOW
# and BRK_DIVZERO are SIGFPE at the pc; the integer-overflow exception is reported as code 6 too
# (do_ov). Any other code: a break is SIGTRAP/TRAP_BRKPT, a trap instruction (mips_sys marks its
# code with TRAP_CODE) SIGTRAP by force_sig: SI_KERNEL, no address.
BREAK_SIGNALS = {6: ("SIGFPE", "FPE_INTOVF"), 7: ("SIGFPE", "FPE_INTDIV")}


def break_signal(code, pc):
    """(signal, si_code, si_addr) of an Exit.BREAKPOINT with this code (do_bp and do_tr)."""
    trap, code = code & TRAP_CODE, code & ~TRAP_CODE
    if code in BREAK_SIGNALS:
        return (*BREAK_SIGNALS[code], pc)
    return ("SIGTRAP", "SI_KERNEL", 0) if trap else ("SIGTRAP", "TRAP_BRKPT", pc)
# A reserved instruction: do_ri -> force_sig(SIGILL): si_code SI_KERNEL, si_addr 0
ILLEGAL_SIGINFO = ("SI_KERNEL", False)


def fp_trap_code(regs):
    """si_code name for an enabled FP exception (FCSR's Cause bits 16:12, as Linux's do_fpe)."""
    cause = int(regs[cpu.FCSR]) >> 12 & 0x1F
    for bit, name in ((0x10, "FPE_FLTINV"), (0x08, "FPE_FLTDIV"), (0x04, "FPE_FLTOVF"),
                      (0x02, "FPE_FLTUND"), (0x01, "FPE_FLTRES")):
        if cause & bit:
            return name
    return "FPE_FLTUNK"


def cpuinfo(cpu_index):
    """One CPU's paragraph of /proc/cpuinfo, as arch/mips/kernel/proc.c prints it."""
    return (f"system type\t\t: jitvm\nmachine\t\t\t: jitvm\nprocessor\t\t: {cpu_index}\n"
            "cpu model\t\t: MIPS 24Kf V7.4  FPU V0.0\nBogoMIPS\t\t: 100.00\n"
            "wait instruction\t: yes\nmicrosecond timers\t: yes\ntlb_entries\t\t: 64\n"
            "extra interrupt vector\t: yes\nhardware watchpoint\t: no\n"
            "isa\t\t\t: mips1 mips2 mips32r1 mips32r2\nASEs implemented\t: \n"
            "shadow register sets\t: 1\nkscratch registers\t: 0\npackage\t\t\t: 0\n"
            f"core\t\t\t: {cpu_index}\nVCED exceptions\t\t: not available\n"
            "VCEI exceptions\t\t: not available\n\n")
