"""Miscellaneous system calls (Linux kernel/reboot.c).

Implemented:
  reboot   LINUX_REBOOT_CMD_POWER_OFF, HALT, RESTART, RESTART2: the machine stops. The command
           is left in `kernel.reboot_cmd`; the boot loop (kernel/boot.py) and `jitvm run`
           (kernel/session.py) end once the call returns, before any thread runs again.
           There is no restart: RESTART stops the machine like POWER_OFF.
Stubs:
  reboot   CAD_ON, CAD_OFF -> 0 (there is no Ctrl-Alt-Del to trap; busybox init disables it)
  reboot   KEXEC, SW_SUSPEND and unknown commands -> EINVAL
"""
from kernel.errno import EINVAL, EPERM, Errno

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


SYSCALLS = {
    "reboot": (sys_reboot, "hex hex hex ptr"),
}
