"""Signal numbers and their names and default actions (asm-generic; MIPS differs and remaps).

Only termination by signal is implemented so far (faults and kill of a whole process); handlers,
masks and frames are a later stage.
"""
SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL = range(1, 10)
SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM = range(10, 16)
SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU = 17, 18, 19, 20, 21, 22

# What a shell prints when a child dies of the signal (strsignal, as busybox ash shows it).
DESCRIPTIONS = {
    SIGHUP: "Hangup", SIGINT: "Interrupt", SIGQUIT: "Quit", SIGILL: "Illegal instruction",
    SIGTRAP: "Trace/breakpoint trap", SIGABRT: "Aborted", SIGBUS: "Bus error",
    SIGFPE: "Floating point exception", SIGKILL: "Killed", SIGUSR1: "User defined signal 1",
    SIGSEGV: "Segmentation fault", SIGUSR2: "User defined signal 2", SIGPIPE: "Broken pipe",
    SIGALRM: "Alarm clock", SIGTERM: "Terminated",
}
NAMES = {v: k for k, v in dict(globals()).items() if k.startswith("SIG") and isinstance(v, int)}
CORE_DUMPING = {SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV}


def deliver_pending(k, t):
    """Deliver t's pending unblocked signals before it returns to user mode (handlers, frames
    and masks arrive with the signal stage; until then nothing is ever pending)."""
