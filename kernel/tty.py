"""Terminals: the N_TTY line discipline and the controlling-terminal rules job control needs.

A Tty sits between a driver (the console in kernel/devfs.py: host fd 0 in, host fd 1 out) and
the guest's open files on it (devfs.TtyFile):

    driver --receive(bytes)--> input processing: ISIG, IXON, ICRNL/INLCR/IGNCR, canonical
                               editing (erase, kill, werase, lnext, EOF), echo  --> read()
    write() --> output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, tabs) --> driver write

Linux splits this over drivers/tty/n_tty.c (processing), tty_ioctl.c (termios) and
tty_jobctrl.c (sessions, foreground process group, SIGTTIN/SIGTTOU); it is one small noun here.

Sessions without a field on Process: the tty remembers the session it controls (`session`, a
sid) and its foreground process group (`pgrp`). A process's controlling terminal is the tty whose
session is its sid, so setsid() drops it and fork() keeps it without the tty being told. A
session whose leader has exited no longer holds the tty (Linux clears it in disassociate_ctty;
`disassociate` below is that step, for the process-exit path to call).

Blocking is by restart (kernel/sched.py): a read with no input raises WouldBlock(read_q), with a
deadline for VTIME; the driver's receive() wakes the queue. `t` is the calling thread (for
VTIME's deadline and job control); it may be None for the kernel's own writes.
"""
import struct
import time
import weakref

from kernel import params
from kernel.errno import EAGAIN, EINVAL, EIO, ENOTTY, EPERM, ESRCH, Errno
from kernel.sched import WaitQueue, WouldBlock
from kernel.uapi import (DEFAULT_TERMIOS, FIONREAD, NCCS, TCFLSH, TCGETS, TCSBRK, TCSBRKP,
                         TCSETS, TCSETSF, TCSETSW, TCXONC, TIOCEXCL, TIOCGETD, TIOCGPGRP, TIOCGSID,
                         TIOCGWINSZ, TIOCNOTTY, TIOCNXCL, TIOCOUTQ, TIOCSCTTY, TIOCSETD,
                         TIOCSPGRP, TIOCSWINSZ, Termios, as_int, pack_winsize, termios_size)

# ---- asm-generic termbits.h --------------------------------------------------------------------
# c_iflag
IGNBRK, BRKINT, IGNPAR, PARMRK, INPCK, ISTRIP = 1, 2, 4, 0o10, 0o20, 0o40
INLCR, IGNCR, ICRNL, IUCLC, IXON, IXANY = 0o100, 0o200, 0o400, 0o1000, 0o2000, 0o4000
IXOFF, IMAXBEL, IUTF8 = 0o10000, 0o20000, 0o40000
# c_oflag
OPOST, OLCUC, ONLCR, OCRNL, ONOCR, ONLRET = 1, 2, 4, 0o10, 0o20, 0o40
TABDLY = XTABS = 0o14000
# c_lflag
ISIG, ICANON, ECHO, ECHOE, ECHOK, ECHONL = 1, 2, 0o10, 0o20, 0o40, 0o100
NOFLSH, TOSTOP, ECHOCTL, ECHOPRT, ECHOKE = 0o200, 0o400, 0o1000, 0o2000, 0o4000
FLUSHO, PENDIN, IEXTEN = 0o10000, 0o40000, 0o100000
# c_cc indexes
VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC = range(8)
VSTART, VSTOP, VSUSP, VEOL, VREPRINT, VDISCARD, VWERASE, VLNEXT, VEOL2 = range(8, 17)

TCOOFF, TCOON, TCIOFF, TCION = range(4)             # TCXONC arguments
TCIFLUSH, TCOFLUSH, TCIOFLUSH = range(3)            # TCFLSH arguments
N_TTY = 0

SIGHUP, SIGINT, SIGQUIT, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH = 1, 2, 3, 18, 20, 21, 22, 28
STOP_SIGNALS = (SIGTSTP, SIGTTIN, SIGTTOU)


# ---- the signal layer, through one adapter ------------------------------------------------------
def send_to_pgrp(k, pgid, sig):
    """Send `sig` (from the kernel, SI_KERNEL) to every live process in group `pgid`.

    Adapter: the signal stage (kernel/signal.py) generates signals per process with
    `send(k, p, sig)` and has no process-group call yet; when it grows `send_to_pgrp(k, pgid,
    sig)` that is used instead. Init is skipped for a signal it has not caught: Linux marks it
    SIGNAL_UNKILLABLE, so ^C on `--init /bin/sh -c 'sleep 9'` does nothing, as on a real
    kernel. Without a signal stage at all only default actions exist: stop signals are dropped
    (nothing could continue the process) and the rest take effect."""
    from kernel import signal
    if hasattr(signal, "send_to_pgrp"):
        return signal.send_to_pgrp(k, pgid, sig)
    for p in [p for p in list(k.processes.values()) if p.pgid == pgid and not p.exited]:
        if p.pid == 1 and _handler(p, sig) == 0:
            continue
        if hasattr(signal, "send"):
            signal.send(k, p, sig)
        elif sig not in STOP_SIGNALS and hasattr(k, "exit_process"):
            k.exit_process(p, sig=sig)


def _handler(p, sig):
    """p's handler for sig: 0 SIG_DFL, 1 SIG_IGN, else an address."""
    from kernel import signal
    action = getattr(signal, "action", None)
    return action(p, sig).handler if action and getattr(p, "sighand", None) is not None else 0


def ignores_or_blocks(t, sig):
    """Whether thread t ignores or blocks `sig` (tty_jobctrl.c: then SIGTTOU is not sent and the
    write goes ahead; SIGTTIN makes the read fail with EIO)."""
    return _handler(t.proc, sig) == 1 or bool(getattr(t, "sigmask", 0) & (1 << (sig - 1)))


# Every Tty attached to a kernel, so process exit can find the one a session leader held.
_ttys = weakref.WeakKeyDictionary()     # Kernel -> [Tty]


def controlling_tty(k, p):
    """p's controlling terminal (the Tty whose session is p's), or None."""
    try:
        ttys = _ttys.get(k, ())
    except TypeError:
        return None             # None, or a stand-in kernel no tty was ever attached to
    for tty in ttys:
        if tty.is_ctty_of(p):
            return tty
    return None


def session_leader_exited(k, p):
    """Hook for the process-exit path: a session leader's exit hangs up its controlling
    terminal -- SIGHUP to the foreground group, and the tty is free (Linux's
    disassociate_ctty(1) from do_exit)."""
    if p.pid != p.sid:
        return
    for tty in list(_ttys.get(k, ())):
        if tty.session == p.sid:
            tty.disassociate(on_exit=True)


def _is_cntrl(c):
    return c < 32 or c == 127


def _is_continuation(c, iflag):
    return iflag & IUTF8 and 0x80 <= c < 0xC0


class Tty:
    """One terminal: termios, input buffers, window size, session and foreground group."""

    def __init__(self, write, name="console", signal_pgrp=send_to_pgrp):
        self.name = name
        self.driver_write = write       # bytes -> the device (after output processing)
        self.send_signal = signal_pgrp  # (kernel, pgid, sig); tests pass a recorder
        self.k = None                   # the Kernel, once attached (processes, scheduler)
        self.tio = Termios(**vars(DEFAULT_TERMIOS))
        self.tio.cc = self.tio.cc.ljust(NCCS, b"\0")
        self.winsize = (24, 80)
        self.read_q, self.write_q = WaitQueue(), WaitQueue()
        # Input readers may take: bytes, plus the offsets in it where canonical lines end (an
        # EOF-terminated line has no delimiter; an empty one is read as end-of-file).
        self.ready = bytearray()
        self.line_ends = []
        self.line = bytearray()         # the canonical line being edited (not readable yet)
        self.canon_column = 0           # output column where that line started (for erase)
        self.column = 0                 # output column of the cursor (tabs, erase, ONOCR)
        self.lnext = False              # the previous byte was VLNEXT: take this one literally
        self.stopped = False            # output stopped by VSTOP or TCOOFF
        self.eof = False                # the device will send nothing more (host EOF)
        self.last_rx = 0.0              # when input last arrived (VTIME's inter-byte timer)
        self.rx_count = 0               # receive() calls so far (epoll's edge trigger: poll_gen)
        self.unthrottle = None          # driver callback: there is room for input again
        self.session = 0                # sid of the session this is the controlling tty of
        self.pgrp = 0                   # its foreground process group
        self.rdev = 0                   # device number /proc/<pid>/stat shows as tty_nr
        self.opener = None              # flags -> a new File on this tty (/dev/tty), if any

    def attach(self, k):
        self.k = k
        _ttys.setdefault(k, []).append(self)

    def detach(self):
        """The device is gone for good (a pty pair both of whose sides are closed)."""
        ttys = _ttys.get(self.k, []) if self.k is not None else []
        if self in ttys:
            ttys.remove(self)

    # ---- termios helpers ------------------------------------------------------------------------
    def cc(self, i):
        return self.tio.cc[i]

    def _is(self, c, i):
        """Byte c is control character i (a 0 entry is _POSIX_VDISABLE: never matches)."""
        v = self.tio.cc[i]
        return v != 0 and c == v

    @property
    def canonical(self):
        return bool(self.tio.lflag & ICANON)

    def set_termios(self, tio):
        """TCSETS*: switching ICANON off makes the line being edited readable; switching it on
        makes what is buffered one line (n_tty_set_termios)."""
        was = self.canonical
        tio.cc = bytes(tio.cc).ljust(NCCS, b"\0")[:NCCS]
        self.tio = tio
        if was and not self.canonical:
            self.ready += self.line
            self.line.clear()
            self.line_ends.clear()
        elif not was and self.canonical and self.ready and \
                (not self.line_ends or self.line_ends[-1] != len(self.ready)):
            self.line_ends.append(len(self.ready))
        if self.stopped and not tio.iflag & IXON:
            self._start_output()
        self.read_q.wake_all()      # VMIN/VTIME or ICANON changed: readers re-check

    # ---- input: what the driver calls -----------------------------------------------------------
    def room(self):
        """How many bytes receive() can take now (the driver stops reading when this is 0: flow
        control instead of dropping input). A canonical line with nowhere to end always takes
        more: ordinary bytes are dropped but a newline still ends it, as n_tty does."""
        if self.canonical and not self.line_ends:
            return params.TTY_BUF_SIZE
        return max(0, params.TTY_BUF_SIZE - len(self.ready) - len(self.line))

    def receive(self, data):
        """Bytes from the device (typed keys, pasted or piped text)."""
        for c in data:
            self._receive_byte(c)
        self.last_rx = time.monotonic()
        self.rx_count += 1
        if self.readable():
            self.read_q.wake_all()

    def hangup_input(self):
        """The device has no more input (host stdin at EOF): like ^D on an empty line, except
        that every later read sees end-of-file too."""
        if self.line:
            self._end_line(b"")
        self.eof = True
        self.read_q.wake_all()

    def _receive_byte(self, c):
        tio = self.tio
        if tio.iflag & ISTRIP:
            c &= 0x7F
        if tio.iflag & IUCLC and tio.lflag & IEXTEN and 65 <= c <= 90:
            c += 32
        if self.lnext:
            self.lnext = False
            self._put(c)
            return
        if tio.iflag & IXON:
            if self._is(c, VSTART):
                self._start_output()
                return
            if self._is(c, VSTOP):
                self.stopped = True
                return
        if tio.lflag & ISIG:
            for i, sig in ((VINTR, SIGINT), (VQUIT, SIGQUIT), (VSUSP, SIGTSTP)):
                if self._is(c, i):
                    self._signal_char(c, sig)
                    return
        if self.stopped and tio.iflag & IXON and tio.iflag & IXANY:
            self._start_output()
        if c == 13:
            if tio.iflag & IGNCR:
                return
            if tio.iflag & ICRNL:
                c = 10
        elif c == 10 and tio.iflag & INLCR:
            c = 13
        if self.canonical and self._canon_special(c):
            return
        self._put(c)

    def _canon_special(self, c):
        """Canonical-mode editing characters; True if c was one (and is handled)."""
        lflag = self.tio.lflag
        if self._is(c, VERASE) or self._is(c, VKILL) or (self._is(c, VWERASE) and lflag & IEXTEN):
            self._erase(c)
            return True
        if self._is(c, VLNEXT) and lflag & IEXTEN:
            self.lnext = True
            if lflag & ECHO and lflag & ECHOCTL:
                self._echo(b"^\b")
            return True
        if self._is(c, VREPRINT) and lflag & ECHO and lflag & IEXTEN:
            self._echo_char(c)
            self._echo(b"\n")
            self.canon_column = self.column
            for b in self.line:
                self._echo_char(b)
            return True
        if c == 10:
            if lflag & (ECHO | ECHONL):
                self._echo(b"\n")
            self._end_line(b"\n")
            return True
        if self._is(c, VEOF):
            self._end_line(b"")         # the EOF character itself is never passed on
            return True
        if self._is(c, VEOL) or (self._is(c, VEOL2) and lflag & IEXTEN):
            if lflag & ECHO:
                self._echo_char(c)
            self._end_line(bytes([c]))
            return True
        return False

    def _put(self, c):
        """An ordinary byte: echo it and add it to the line (canonical) or the input (raw)."""
        if self.canonical:
            if len(self.line) >= params.TTY_BUF_SIZE - 1:
                return                  # line full: only a delimiter can still end it
            if not self.line:
                self.canon_column = self.column
            self.line.append(c)
        else:
            if len(self.ready) >= params.TTY_BUF_SIZE:
                return
            self.ready.append(c)
        if self.tio.lflag & ECHO:
            self._echo_char(c)

    def _end_line(self, delimiter):
        self.ready += self.line + delimiter
        self.line.clear()
        self.line_ends.append(len(self.ready))
        self.canon_column = self.column

    def _signal_char(self, c, sig):
        """^C, ^\\, ^Z (n_tty isig): flush unless NOFLSH, restart output, echo, signal."""
        if not self.tio.lflag & NOFLSH:
            self.flush_input()
        if self.tio.iflag & IXON:
            self._start_output()
        if self.tio.lflag & ECHO:
            self._echo_char(c)
        self.signal_foreground(sig)

    def _erase(self, c):
        """VERASE, VKILL, VWERASE (n_tty eraser)."""
        lflag = self.tio.lflag
        if not self.line:
            return
        if self._is(c, VKILL):
            if not lflag & ECHO:
                self.line.clear()
                return
            if not (lflag & ECHOK and lflag & ECHOKE and lflag & ECHOE):
                self.line.clear()
                self._echo_char(c)
                if lflag & ECHOK:
                    self._echo(b"\n")
                self.canon_column = self.column
                return
        word = self._is(c, VWERASE)
        seen_alnum = False
        while self.line:
            # one character: a UTF-8 sequence goes as a whole under IUTF8
            n = 1
            while n < len(self.line) and _is_continuation(self.line[-n], self.tio.iflag):
                n += 1
            ch = self.line[-n]
            if word:
                if chr(ch).isalnum() and ch < 128 or ch == 95:
                    seen_alnum = True
                elif seen_alnum:
                    break
            before = self._width(self.line)
            del self.line[-n:]
            if lflag & ECHO:
                if not lflag & ECHOE and not word and not self._is(c, VKILL):
                    self._echo_char(c)
                elif ch == 9:
                    self._echo(b"\b" * (before - self._width(self.line)))
                else:
                    self._echo(b"\b \b" * (before - self._width(self.line)))
            if not (word or self._is(c, VKILL)):
                break

    def _width(self, text):
        """Screen column after echoing `text` from the start of the line."""
        col = self.canon_column
        for c in text:
            if c == 9:
                col = (col | 7) + 1
            elif _is_cntrl(c):
                col += 2 if self.tio.lflag & ECHOCTL else 0
            elif not _is_continuation(c, self.tio.iflag):
                col += 1
        return col

    # ---- echo and output ------------------------------------------------------------------------
    def _echo_char(self, c):
        """Echo one input byte: control characters as ^X under ECHOCTL (tab and newline raw)."""
        if self.tio.lflag & ECHOCTL and _is_cntrl(c) and c not in (9, 10):
            self._echo(b"^" + bytes([c ^ 0x40]))
        else:
            self._echo(bytes([c]))

    def _echo(self, data):
        try:
            self._output(data)
        except Errno:
            pass        # the device is gone; input processing goes on (Linux drops echoes too)

    def _output(self, data):
        """Output processing (n_tty do_output_char) and the driver write."""
        if not self.tio.oflag & OPOST:
            self.driver_write(bytes(data))
            return
        oflag, out = self.tio.oflag, bytearray()
        for c in data:
            if c == 10:
                if oflag & ONLRET:
                    self.column = 0
                if oflag & ONLCR:
                    out += b"\r"
                    self.column = 0
            elif c == 13:
                if oflag & ONOCR and self.column == 0:
                    continue
                if oflag & OCRNL:
                    c = 10
                    if oflag & ONLRET:
                        self.column = 0
                else:
                    self.column = 0
            elif c == 9:
                spaces = 8 - (self.column & 7)
                self.column += spaces
                if oflag & TABDLY == XTABS:
                    out += b" " * spaces
                    continue
            elif c == 8:
                self.column = max(0, self.column - 1)
            elif not _is_cntrl(c):
                if oflag & OLCUC and 97 <= c <= 122:
                    c -= 32
                if not _is_continuation(c, self.tio.iflag):
                    self.column += 1
            out.append(c)
        self.driver_write(bytes(out))

    def write(self, t, data, nonblock=False):
        """A guest write(): job control (TOSTOP), flow control (^S), then output processing."""
        if self.tio.lflag & TOSTOP:
            self._job_control(t, SIGTTOU)
        if self.stopped:
            if nonblock:
                raise Errno(EAGAIN)
            raise WouldBlock(self.write_q)
        self._output(data)
        return len(data)

    def _start_output(self):
        self.stopped = False
        self.write_q.wake_all()

    # ---- reading --------------------------------------------------------------------------------
    def readable(self):
        """Whether a read would return now (canonical: a whole line; raw: any byte) -- what
        poll() reports as POLLIN."""
        if self.eof:
            return True
        return bool(self.line_ends) if self.canonical else bool(self.ready)

    def available(self):
        """FIONREAD: bytes a reader could take (canonical: complete lines only)."""
        if self.canonical:
            return self.line_ends[-1] if self.line_ends else 0
        return len(self.ready)

    def read(self, t, n, nonblock=False):
        self._job_control(t, SIGTTIN)
        if self.canonical:
            if self.line_ends:
                return self._take(min(n, self.line_ends[0]))
            return self._wait(t, nonblock, None) if not self.eof else b""
        vmin, vtime = self.cc(VMIN), self.cc(VTIME) / 10
        have = len(self.ready)
        if have >= max(1, min(n, vmin)) or self.eof or (vmin == 0 and vtime == 0):
            return self._take(n)
        if nonblock:
            if have:
                return self._take(n)
            raise Errno(EAGAIN)
        now = time.monotonic()
        if vmin == 0:               # VTIME alone: a timeout on the whole read
            deadline = t.restart.setdefault("tty_deadline", now + vtime) if t else now + vtime
        elif vtime and have:        # VMIN and VTIME: an inter-byte timer, from the last byte
            deadline = self.last_rx + vtime
        else:
            deadline = None
        if deadline is not None and now >= deadline:
            return self._take(n)
        return self._wait(t, nonblock, deadline)

    def _wait(self, t, nonblock, deadline):
        if nonblock:
            raise Errno(EAGAIN)
        raise WouldBlock(self.read_q, deadline=deadline)

    def _take(self, n):
        data = bytes(self.ready[:n])
        del self.ready[:n]
        ends = [e - n for e in self.line_ends]
        if self.canonical:
            if ends and ends[0] <= 0:
                ends.pop(0)             # that line is used up (an EOF line reads as 0 once)
        else:
            ends = [e for e in ends if e > 0]
        self.line_ends = ends
        if self.unthrottle and self.room():
            cb, self.unthrottle = self.unthrottle, None
            cb()
        return data

    def flush_input(self):
        self.ready.clear()
        self.line_ends.clear()
        self.line.clear()
        self.lnext = False

    # ---- sessions and job control (tty_jobctrl.c) -----------------------------------------------
    def _leader_alive(self):
        p = self.k.processes.get(self.session) if self.k and self.session else None
        return p is not None and not p.exited

    def is_ctty_of(self, p):
        return bool(self.session) and p.sid == self.session and self._leader_alive()

    def set_ctty(self, p):
        """Make this the controlling terminal of p's session, p's group in the foreground."""
        self.session, self.pgrp = p.sid, p.pgid

    def open(self, t, noctty):
        """open() without O_NOCTTY by a session leader with no controlling tty acquires a free
        tty (tty_open_proc_set_tty)."""
        if t is None or noctty:
            return
        p = t.proc
        if p.pid == p.sid and not self._leader_alive() and controlling_tty(self.k, p) is None:
            self.set_ctty(p)

    def disassociate(self, on_exit=False):
        """The session leader gave the tty up (TIOCNOTTY) or exited (on_exit): SIGHUP (and
        SIGCONT after TIOCNOTTY) to the foreground group; the tty then belongs to no session
        (disassociate_ctty; Kernel.exit_process calls session_leader_exited). A session
        whose leader is gone holds the tty no longer in any case (see _leader_alive)."""
        if self.pgrp and self.k:
            self.send_signal(self.k, self.pgrp, SIGHUP)
            if not on_exit:
                self.send_signal(self.k, self.pgrp, SIGCONT)
        self.session = self.pgrp = 0

    def signal_foreground(self, sig):
        if self.pgrp and self.k:
            self.send_signal(self.k, self.pgrp, sig)

    def resize(self, rows, cols):
        """A new window size (TIOCSWINSZ or the host window): SIGWINCH to the foreground."""
        if (rows, cols) != self.winsize:
            self.winsize = (rows, cols)
            self.signal_foreground(SIGWINCH)

    def _orphaned(self, pgid):
        """No member has a parent in another group of the same session (init does not count):
        nobody is left to continue a stopped job, so the job is not stopped (POSIX)."""
        procs = self.k.processes
        for p in list(procs.values()):
            if p.pgid != pgid or p.exited:
                continue
            parent = procs.get(p.ppid)
            if parent and not parent.exited and parent.pid != 1 and \
                    parent.pgid != pgid and parent.sid == p.sid:
                return False
        return True

    def _job_control(self, t, sig):
        """A background process touches its controlling terminal (__tty_check_change and
        n_tty's job_control): SIGTTIN for a read, SIGTTOU for a write or a mode change. If the
        signal is ignored or blocked a read fails with EIO and a write goes ahead; an orphaned
        group gets EIO. Otherwise the group is signalled and the call waits to be restarted."""
        if t is None or self.k is None or not self.pgrp:
            return
        p = t.proc
        if p.pgid == self.pgrp or not self.is_ctty_of(p):
            return
        masked = ignores_or_blocks(t, sig)
        if sig == SIGTTOU and masked:
            return
        if masked or self._orphaned(p.pgid):
            raise Errno(EIO)
        self.send_signal(self.k, p.pgid, sig)
        # Linux returns -ERESTARTSYS: the call runs again after the signal is acted on. A thread
        # parks without looking at its pending signals, so it must not park: it is due now.
        raise WouldBlock(self.read_q if sig == SIGTTIN else self.write_q,
                         deadline=time.monotonic())

    # ---- ioctl ----------------------------------------------------------------------------------
    def ioctl(self, t, req, arg):
        req, iarg = req & 0xFFFFFFFF, as_int(arg)      # some requests take an int, not a pointer
        mm, p = t.proc.mm, t.proc
        if req == TCGETS:
            mm.write(arg, self.tio.pack(t.kernel.abi))
        elif req in (TCSETS, TCSETSW, TCSETSF):
            self._job_control(t, SIGTTOU)
            tio = Termios.unpack(mm.read(arg, termios_size(t.kernel.abi)), t.kernel.abi)
            if req == TCSETSF:
                self.flush_input()
            self.set_termios(tio)       # TCSETSW's drain is immediate: output is synchronous
        elif req == TIOCGWINSZ:
            mm.write(arg, pack_winsize(*self.winsize))
        elif req == TIOCSWINSZ:
            self.resize(*struct.unpack("<HH", mm.read(arg, 4)))
        elif req in (TIOCGPGRP, TIOCGSID):
            if not self.is_ctty_of(p):
                raise Errno(ENOTTY)
            mm.write(arg, struct.pack("<i", self.pgrp if req == TIOCGPGRP else self.session))
        elif req == TIOCSPGRP:
            self._set_pgrp(t, struct.unpack("<i", mm.read(arg, 4))[0])
        elif req == TIOCSCTTY:
            self._sctty(p, iarg)
        elif req == TIOCNOTTY:
            if not self.is_ctty_of(p):
                raise Errno(ENOTTY)
            if p.pid == p.sid:
                self.disassociate()
        elif req == FIONREAD:
            mm.write(arg, struct.pack("<i", self.available()))
        elif req in (TIOCOUTQ, TIOCGETD):
            mm.write(arg, struct.pack("<i", 0))     # output is never queued; N_TTY
        elif req == TIOCSETD:
            if struct.unpack("<i", mm.read(arg, 4))[0] != N_TTY:
                raise Errno(EINVAL)
        elif req == TCFLSH:
            self._job_control(t, SIGTTOU)
            if iarg not in (TCIFLUSH, TCOFLUSH, TCIOFLUSH):
                raise Errno(EINVAL)
            if iarg != TCOFLUSH:
                self.flush_input()
        elif req == TCXONC:
            self._job_control(t, SIGTTOU)
            self._xonc(iarg)
        elif req in (TCSBRK, TCSBRKP, TIOCEXCL, TIOCNXCL):
            pass        # tcdrain/tcsendbreak: output is synchronous; exclusive mode: one user
        else:
            raise Errno(ENOTTY)
        return 0

    def _set_pgrp(self, t, pgid):
        p = t.proc
        if not self.is_ctty_of(p):
            raise Errno(ENOTTY)
        self._job_control(t, SIGTTOU)
        if pgid < 0:
            raise Errno(EINVAL)
        # a zombie not yet reaped still belongs to its group (Linux releases it at wait): a shell
        # hands the terminal to a pipeline whose members may all have exited already
        members = [q for q in self.k.processes.values() if q.pgid == pgid]
        if not members:
            raise Errno(ESRCH)
        if members[0].sid != p.sid:
            raise Errno(EPERM)
        self.pgrp = pgid

    def _sctty(self, p, steal):
        """TIOCSCTTY (tiocsctty): a session leader without a controlling tty takes this one if
        no live session holds it (stealing needs arg 1 and root)."""
        if p.pid == p.sid and self.is_ctty_of(p):
            return
        if p.pid != p.sid or controlling_tty(self.k, p) is not None:
            raise Errno(EPERM)         # not a session leader, or it has another terminal
        if self._leader_alive():
            if not (steal == 1 and p.creds.euid == 0):
                raise Errno(EPERM)
            self.disassociate()
        self.set_ctty(p)

    def _xonc(self, action):
        if action == TCOOFF:
            self.stopped = True
        elif action == TCOON:
            self._start_output()
        elif action in (TCIOFF, TCION):
            c = self.cc(VSTOP if action == TCIOFF else VSTART)
            if c:
                self.driver_write(bytes([c]))
        else:
            raise Errno(EINVAL)
