"""The system call table: every family listed explicitly, joined with the ABI's numbering."""
from kernel.syscalls import (fd, filectl, fs, ipc, misc, mm, pidfd, policy, poll, proc, signal, task,
                             time, timers, transfer)

FAMILIES = (fs, fd, filectl, transfer, mm, poll, proc, task, signal, time, timers, ipc, policy,
            pidfd, misc)


def by_name():
    rows = {}
    for family in FAMILIES:
        for name, row in family.SYSCALLS.items():
            assert name not in rows, f"system call {name} defined twice"
            rows[name] = row
    return rows


def build(abi):
    """number -> (name, function or None, argkinds) for every number the ABI names."""
    rows = by_name()
    return {nr: (name, *rows.get(name, (None, ""))) for nr, name in abi.SYSCALL_NAMES.items()}
