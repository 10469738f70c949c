"""The system call table: every family listed explicitly, joined with the ABI's numbering.

A family module has SYSCALLS (name -> (function, argument kinds)) and may name in STUBS the
rows that only pretend (accept and do nothing where Linux would act); `jitvm syscalls` lists
each number of an ABI as implemented, stub or missing (ENOSYS)."""
from kernel.syscalls import (fd, filectl, fs, ipc, misc, mm, mount, net, pidfd, policy, poll,
                             proc, signal, task, time, timers, transfer, xattr)

FAMILIES = (fs, fd, filectl, transfer, mount, xattr, mm, poll, proc, task, signal, time, timers,
            ipc, policy, pidfd, net, misc)


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
    out = []
    for nr, name in sorted(abi.SYSCALL_NAMES.items()):
        family = where.get(name)
        state = ("missing" if family is None else
                 "stub" if name in getattr(family, "STUBS", ()) else "implemented")
        out.append((nr, name, state, family.__name__.rsplit(".", 1)[-1] if family else ""))
    return out


def build(abi):
    """number -> (name, function or None, argkinds) for every number the ABI names."""
    rows = by_name()
    return {nr: (name, *rows.get(name, (None, ""))) for nr, name in abi.SYSCALL_NAMES.items()}
