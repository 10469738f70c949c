"""Every kernel tunable in one place (xv6's param.h)."""
MEM_SIZE = 512 << 20           # default guest physical memory (--mem)
PAGE_SIZE = 4096
TIME_SLICE = 200_000           # guest instructions a thread runs before the timer trap
MAX_PROCESSES = 256            # fork beyond this fails with EAGAIN
MAX_THREADS = 1024             # live threads of all processes; clone beyond this: EAGAIN
MAX_FDS = 1024                 # RLIMIT_NOFILE
STACK_SIZE = 8 << 20           # RLIMIT_STACK: how far the stack VMA may grow down
TASK_SIZE = 0x40_0000_0000     # user space ends here (Sv39's 256 GiB; an ELF segment beyond: EINVAL)
STACK_TOP = 0x3F_FFFF_F000     # just under TASK_SIZE, as Linux places it
MMAP_BASE = 0x3F_0000_0000     # top-down mmaps start below this: above a PIE and its heap, under
                               # the stack and its gap (Linux: mmap_base = stack top - gap)
ELF_ET_DYN_BASE = 0x2A_AAAA_A000   # where a static-PIE or the dynamic linker is loaded


def address_space(abi):
    """TASK_SIZE, STACK_TOP, MMAP_BASE, ELF_ET_DYN_BASE for programs of `abi`: the values above,
    or a 32-bit ABI's own (abi.ADDRESS_SPACE)."""
    return getattr(abi, "ADDRESS_SPACE", None) or dict(
        TASK_SIZE=TASK_SIZE, STACK_TOP=STACK_TOP, MMAP_BASE=MMAP_BASE,
        ELF_ET_DYN_BASE=ELF_ET_DYN_BASE)
HOSTNAME = "jitvm"
KERNEL_RELEASE = "6.6.0-jitvm"
TTY_BUF_SIZE = 4096            # N_TTY_BUF_SIZE: input a terminal buffers before it stops reading
CONSOLE_WINSIZE = (24, 80)     # rows, columns of the console when the host is not a terminal
PTY_BUF_SIZE = 65536           # bytes a pty holds unread each way before its writer waits
PTY_MAX = 4096                 # /proc/sys/kernel/pty/max: pty pairs at once (then ENOSPC)
INIT_PATHS = ("/sbin/init", "/etc/init", "/bin/init", "/bin/sh")   # tried in order, as Linux
LOOP_DEVICES_MAX = 256         # loop devices LOOP_CTL_ADD/GET_FREE may make (Linux: the minor space)
