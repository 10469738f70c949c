"""Process file descriptors and cross-process inspection. Being written."""

SYSCALLS = {}
