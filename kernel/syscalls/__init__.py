"""System calls, one `sys_<name>(t, *args)` adapter each, grouped by family (fs, fd, mm, task,
signal, time, misc). `t` is the calling Thread; `t.proc` its Process. Arguments arrive as the raw
int64 register values. An adapter returns an int (>= 0) or raises kernel.errno.Errno.

Each family module ends with `SYSCALLS = {"name": (sys_name, "argkinds"), ...}`; the argument
kinds drive `--strace` (see kernel/syscalls/strace.py). table.py lists the families explicitly.
"""
