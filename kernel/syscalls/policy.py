"""Scheduling policy, priorities, capabilities, personality. Being written."""

SYSCALLS = {}
