"""execve: replace a process's program (Linux's fs/exec.c, binfmt_script and binfmt_elf).

Three steps, with the point of no return between the second and the third:
  1. find the program: check the file may be executed (kernel/perm.py; execute permission is
     enough, read is not needed) and follow `#!` lines to their interpreter (at most
     MAX_INTERP_DEPTH scripts deep); a setuid/setgid program (not a script) brings new
     effective ids;
  2. build the new image in a fresh AddressSpace (kernel/elf.py). Any error up to here leaves
     the caller untouched and becomes execve's errno;
  3. switch (`commit`): other threads end, the old address space is released (which lets a
     vfork parent run again), close-on-exec descriptors close, handled signals revert to their
     default, the registers start over at the new entry point.
"""
import os

from kernel import params, perm, rusage, signal
from kernel.elf import ExecError, build_stack, load
from kernel.errno import ELOOP, ENOEXEC, ENOMEM, Errno
from kernel.frames import OutOfMemory
from kernel.process import unshare
from kernel.uapi import O_RDONLY
from kernel.vm import AddressSpace

MAX_INTERP_DEPTH = 4        # BINPRM_MAX_RECURSION: scripts whose interpreter is a script...
SHEBANG_MAX = 256           # BINPRM_BUF_SIZE: how much of a #! line the kernel looks at


def new_image(k, data, name, argv, envp, execfn=None, creds=(0, 0, 0, 0)):
    """A fresh address space holding ELF `data` with its stack built: (mm, entry pc, sp).
    Raises ExecError (with the errno execve returns) and then leaves nothing behind."""
    space = params.address_space(k.abi)
    mm = AddressSpace(k.frames, mmap_top=space["MMAP_BASE"], task_size=space["TASK_SIZE"],
                      stack_top=space["STACK_TOP"])
    try:
        img = load(mm, data, k.abi, name, k.read_guest_file)
        sp = build_stack(mm, img, k.abi, argv, envp, execfn or name, creds)
    except (ExecError, Errno, OutOfMemory) as e:
        mm.destroy()
        if isinstance(e, ExecError):
            raise
        raise ExecError(f"{name}: cannot build the image: {e!r}", getattr(e, "errno", ENOMEM))
    return mm, img.entry, sp


def read_program(fs, loc):
    """The whole file at Location loc, if it is a regular file the caller may execute."""
    perm.may_exec(fs.cred, loc.inode.getattr())
    f = loc.inode.open(O_RDONLY)        # open_exec: MAY_EXEC, no read permission needed
    try:
        return f.read_all()
    finally:
        f.put()


def parse_shebang(data):
    """'#!interpreter [one optional argument]' -> (interpreter, argument or None), as bytes.
    Like Linux, only spaces and tabs separate; everything after the name is one argument."""
    line = data[2:SHEBANG_MAX].split(b"\n", 1)[0].split(b"\0", 1)[0].strip(b" \t")
    end = next((i for i, c in enumerate(line) if c in b" \t"), len(line))
    interp, arg = line[:end], line[end:].strip(b" \t")
    if not interp:
        raise Errno(ENOEXEC)
    return interp, arg or None


def execve(t, loc, filename, argv, envp):
    """Run the program at Location `loc` (`filename` is the path the caller gave, for scripts'
    argv and AT_EXECFN) in t's process. Returns 0 or raises Errno; on success the caller's
    old image is gone and t starts at the new entry point."""
    k, p = t.kernel, t.proc
    if not argv:
        argv = [b""]            # Linux >= 5.18: never start a program with argc == 0
    script = os.fsencode(filename)      # what the interpreter is told to run (bprm->interp)
    for depth in range(MAX_INTERP_DEPTH + 1):
        data = read_program(p.fs, loc)
        if data[:2] != b"#!":
            break
        interp, arg = parse_shebang(data)
        argv = [interp] + ([arg] if arg else []) + [script] + argv[1:]
        loc, script = p.fs.walk(p.fs.cwd, os.fsdecode(interp)), interp
    else:
        raise Errno(ELOOP)
    c = p.creds
    euid, egid = c.euid, c.egid
    if depth == 0:                      # set-id bits count on a program, never on a script
        st = loc.inode.getattr()
        if st.mode & perm.S_ISUID:
            euid = st.uid
        if st.mode & perm.S_ISGID and st.mode & 0o010:
            egid = st.gid
    try:
        mm, entry, sp = new_image(k, data, loc.pathname, argv, envp, filename,
                                  (c.uid, euid, c.gid, egid))
    except ExecError as e:
        if k.debug:
            k.log(f"execve {filename}: {e}")
        raise Errno(e.errno, str(e)) from None
    commit(t, mm, entry, sp)
    c.euid, c.egid = euid, egid
    c.suid, c.sgid = euid, egid         # exec saves the effective ids (Linux's bprm creds)
    p.comm = filename.rsplit("/", 1)[-1][:15]
    p.exe, p.argv, p.did_exec = loc.pathname, list(argv), True
    return 0


def commit(t, mm, entry, sp):
    """The point of no return: t's process becomes the new image."""
    k, p = t.kernel, t.proc
    for other in list(p.threads):              # de_thread: only the caller survives
        if other is not t:
            k.end_thread(other, tell_memory=True)
    if t.tid != p.pid:                          # ... and takes over the leader's id
        k.threads.pop(t.tid, None)
        t.tid = p.pid
        k.threads[t.tid] = t
    old = p.mm
    rusage.note_rss(p)                          # ru_maxrss is a peak across execs, as Linux's
    # mm_release: the robust list and clear_child_tid belong to the old image
    k.futexes.exit_robust_list(t)
    if t.clear_child_tid and old.users > 1:
        k.futexes.clear_child_tid(t)
    t.clear_child_tid = t.robust_list = 0
    p.mm = mm
    k.release_vfork_parent(p)
    k.release_mm(old)
    if getattr(p.fds, "users", 1) > 1:          # a table shared by CLONE_FILES is unshared
        fds = p.fds.clone()
        unshare(p.fds)
        p.fds = fds
    p.fds.close_on_exec()
    reset = getattr(signal, "reset_on_exec", None)
    if reset is not None:
        reset(p)
    t.ctx.regs[:] = k.machine.new_regs()
    t.ctx.pc, t.ctx.sp = entry, sp
