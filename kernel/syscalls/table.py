"""The system call table: every family listed explicitly, joined with the ABI's numbering.

A family module has SYSCALLS (name -> (function, argument kinds)) and may name in STUBS the
rows that only pretend (accept and do nothing where Linux would act); `jitvm syscalls` lists
each number of an ABI as implemented, stub or missing (ENOSYS)."""
from kernel.abimap import COMPAT_NAMES
from kernel.syscalls import (fd, filectl, fs, ipc, legacy, misc, mm, mount, net, pidfd, policy,
                             poll, proc, signal, task, time, timers, transfer, xattr)

FAMILIES = (fs, fd, filectl, transfer, mount, xattr, mm, poll, proc, task, signal, time, timers,
            ipc, policy, pidfd, net, misc, legacy)


def by_name():
    rows = {}
    for family in FAMILIES:
        for name, row in family.SYSCALLS.items():
            assert name not in rows, f"system call {name} defined twice"
            rows[name] = row
    return rows


def listing(abi):
    """[(number, name, "implemented" | "stub" | "missing", family module name)] in ABI order."""
    where = {name: family for family in FAMILIES for name in family.SYSCALLS}
    where.update((alias, where[name]) for alias, name in COMPAT_NAMES.items() if name in where)
    out = []
    for nr, name in sorted(abi.SYSCALL_NAMES.items()):
        family = where.get(name)
        state = ("missing" if family is None else
                 "stub" if name in getattr(family, "STUBS", ()) else "implemented")
        out.append((nr, name, state, family.__name__.rsplit(".", 1)[-1] if family else ""))
    return out


def _row(rows, name):
    return rows.get(name) or rows.get(COMPAT_NAMES.get(name), (None, ""))


def build(abi):
    """number -> (name, function or None, argkinds) for every number the ABI names (a 32-bit
    ABI's name for a call the kernel has under its 64-bit name: kernel/abimap.py)."""
    rows = by_name()
    return {nr: (name, *_row(rows, name)) for nr, name in abi.SYSCALL_NAMES.items()}
