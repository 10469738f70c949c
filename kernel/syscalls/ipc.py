"""System V IPC (Linux ipc/): shared memory, semaphores, message queues. Being written."""

SYSCALLS = {}
