"""Miscellaneous system calls (Linux kernel/reboot.c).

Implemented:
  reboot   LINUX_REBOOT_CMD_POWER_OFF, HALT, RESTART, RESTART2: the machine stops. The command
           is left in `kernel.reboot_cmd`; the boot loop (kernel/boot.py) and `jitvm run`
           (kernel/session.py) end once the call returns, before any thread runs again.
           There is no restart: RESTART stops the machine like POWER_OFF.
  syslog   the kernel log (kernel/printk.py): READ (waits while nothing is unread), READ_ALL,
           READ_CLEAR, CLEAR, SIZE_UNREAD, SIZE_BUFFER; reading all and the size are open to
           every user (dmesg_restrict 0), the rest needs root. CONSOLE_OFF/ON/LEVEL -> 0.
  restart_syscall  EINTR (see the function)
Stubs:
  reboot   CAD_ON, CAD_OFF -> 0 (there is no Ctrl-Alt-Del to trap; busybox init disables it)
  reboot   KEXEC, SW_SUSPEND and unknown commands -> EINVAL
"""
from kernel.errno import EINTR, EINVAL, EPERM, Errno
from kernel.printk import LOG_BUF_LEN
from kernel.sched import WouldBlock

LINUX_REBOOT_MAGIC1 = 0xFEE1DEAD
LINUX_REBOOT_MAGIC2 = (672274793, 85072278, 369367448, 537993216)   # the authors' birthdays
CMD_RESTART, CMD_HALT, CMD_CAD_ON, CMD_CAD_OFF = 0x01234567, 0xCDEF0123, 0x89ABCDEF, 0
CMD_POWER_OFF, CMD_RESTART2 = 0x4321FEDC, 0xA1B2C3D4
STOPS_MACHINE = (CMD_POWER_OFF, CMD_HALT, CMD_RESTART, CMD_RESTART2)


def sys_reboot(t, magic1, magic2, cmd, arg):
    if t.proc.creds.euid != 0:
        raise Errno(EPERM)
    magic1, magic2, cmd = magic1 & 0xFFFFFFFF, magic2 & 0xFFFFFFFF, cmd & 0xFFFFFFFF
    if magic1 != LINUX_REBOOT_MAGIC1 or magic2 not in LINUX_REBOOT_MAGIC2:
        raise Errno(EINVAL)
    if cmd in (CMD_CAD_ON, CMD_CAD_OFF):
        return 0
    if cmd not in STOPS_MACHINE:
        raise Errno(EINVAL)
    t.kernel.reboot_cmd = cmd
    return 0


(SYSLOG_CLOSE, SYSLOG_OPEN, SYSLOG_READ, SYSLOG_READ_ALL, SYSLOG_READ_CLEAR, SYSLOG_CLEAR,
 SYSLOG_CONSOLE_OFF, SYSLOG_CONSOLE_ON, SYSLOG_CONSOLE_LEVEL, SYSLOG_SIZE_UNREAD,
 SYSLOG_SIZE_BUFFER) = range(11)


def sys_syslog(t, action, buf, size):
    klog, size = t.kernel.klog, size & 0xFFFFFFFF
    if action not in (SYSLOG_READ_ALL, SYSLOG_SIZE_BUFFER) and t.proc.creds.euid != 0:
        raise Errno(EPERM)
    if action in (SYSLOG_CLOSE, SYSLOG_OPEN, SYSLOG_CONSOLE_OFF, SYSLOG_CONSOLE_ON):
        return 0
    if action == SYSLOG_CONSOLE_LEVEL:
        if not 1 <= size <= 8:
            raise Errno(EINVAL)
        return 0
    if action == SYSLOG_SIZE_BUFFER:
        return LOG_BUF_LEN
    if action == SYSLOG_SIZE_UNREAD:
        return len(klog.unread())
    if action == SYSLOG_CLEAR:
        klog.clear()
        return 0
    if action not in (SYSLOG_READ, SYSLOG_READ_ALL, SYSLOG_READ_CLEAR):
        raise Errno(EINVAL)
    if not buf or size > 0x7FFFFFFF:
        raise Errno(EINVAL)
    if action == SYSLOG_READ:
        if not klog.unread():
            raise WouldBlock(klog.wq)
        data = klog.consume(size)
    else:
        data = klog.read_all(size)
        if action == SYSLOG_READ_CLEAR:
            klog.clear()
    t.proc.mm.write(buf, data)
    return len(data)


def sys_restart_syscall(t):
    """jitvm restarts an interrupted call by running it again (kernel/sched.py), so no program
    needs this; called directly, it gets Linux's answer for "nothing to restart"."""
    raise Errno(EINTR)


SYSCALLS = {
    "reboot": (sys_reboot, "hex hex hex ptr"),
    "restart_syscall": (sys_restart_syscall, ""),
    "syslog": (sys_syslog, "int ptr int"),
}
