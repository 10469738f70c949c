"""Timers that deliver through descriptors or signals. Being written."""

SYSCALLS = {}
