"""Pseudo-terminals: Unix98 pty pairs (Linux drivers/tty/pty.c, and the master's special cases in
tty_io.c, tty_jobctrl.c and n_tty.c).

A Pty *is* the slave's terminal: a Tty (kernel/tty.py) with the whole line discipline the console
has -- echo, canonical editing, ISIG, job control, window size -- whose hardware is the master:

    master write() --> pending --receive()--> [Tty: the slave's N_TTY] --> slave read()
    master read()  <--   out   <---OPOST----  [Tty] <-- slave write() and echoes

The master side is raw, as Linux's pty master termios is (all flags off): a master read returns
exactly what the slave's output processing produced. Termios, window-size, TIOCSCTTY and
process-group ioctls on the master act on the slave (Linux's tty_pair_get_tty), so a terminal
emulator sets the slave's size with TIOCSWINSZ on its master and the slave's foreground group
gets SIGWINCH.

Life cycle (pty_open, pty_close; kernel/devpts.py makes the pairs and their /dev/pts/N nodes):
  - opening /dev/ptmx makes a pair, locked; TIOCSPTLCK 0 (unlockpt) unlocks it, and opening a
    locked slave is EIO;
  - when the last slave file is closed, master reads return what is buffered, then EIO
    (TTY_OTHER_CLOSED), and poll reports POLLHUP; opening the slave again clears that;
  - closing the master hangs the slave up (tty_vhangup): SIGHUP and SIGCONT to the session
    leader, the session loses its terminal, slave reads return 0 and writes fail with EIO;
    /dev/pts/N goes away and its number is free once no slave file is open either.
Blocking follows kernel/pipe.py: WouldBlock on the queue the other side wakes; a blocking write
larger than the room keeps its progress in t.restart["written"].

Partial: TIOCPKT reports data, flushes, and stop/start and flow-control changes, but not
TIOCPKT_IOCTL (no EXTPROC); TCXONC on a master (stopping the master's own output) is ENOTTY;
TIOCSTI and TIOCCONS are not implemented (ENOTTY).
"""
import struct

from kernel import params, signal
from kernel.devfs import TtyFile
from kernel.errno import EAGAIN, EINVAL, EIO, ENOTTY, Errno
from kernel.sched import WaitQueue, WouldBlock
from kernel.tty import (IXON, NOFLSH, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, TCFLSH,
                        TCIFLUSH, TCIOFLUSH, TCOFLUSH, TCXONC, TIOCGSID, TIOCNOTTY, TIOCOUTQ,
                        VSTART, VSTOP, Tty, send_to_pgrp)
from kernel.uapi import (FIONREAD, O_ACCMODE, O_CLOEXEC, O_NOCTTY, O_NONBLOCK, POLLERR, POLLHUP,
                         POLLIN, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, TIOCGDEV, TIOCGPGRP,
                         TIOCGPKT, TIOCGPTLCK, TIOCGPTN, TIOCGPTPEER, TIOCPKT, TIOCPKT_DOSTOP,
                         TIOCPKT_FLUSHREAD, TIOCPKT_FLUSHWRITE, TIOCPKT_NOSTOP, TIOCPKT_START,
                         TIOCPKT_STOP, TIOCSIG, TIOCSPGRP, TIOCSPTLCK, as_int, makedev,
                         open_flags_in)
from kernel.vfs import File

PTS_MAJOR = 136                 # UNIX98_PTY_SLAVE_MAJOR
CSIZE, CS8, CREAD, PARENB = 0o60, 0o60, 0o200, 0o400
PTY_CFLAG = 0o277               # B38400 | CS8 | CREAD: pts_driver->init_termios (no HUPCL)
U32 = 0xFFFFFFFF


def _int(mm, arg):
    return struct.unpack("<i", mm.read(arg, 4))[0]


def _put_int(mm, arg, v):
    mm.write(arg, struct.pack("<i", v))


def _flow(tio):
    """^S/^Q flow control is on, with the usual characters (what TIOCPKT_DOSTOP announces)."""
    return bool(tio.iflag & IXON) and tio.cc[VSTOP] == 0o23 and tio.cc[VSTART] == 0o21


class Pty(Tty):
    """One pty pair: the slave's Tty plus the master's buffers and the pair's state."""

    def __init__(self, index, signal_pgrp=send_to_pgrp, signal_proc=signal.send):
        self.packet, self.pktstatus = False, 0      # before Tty's __init__ sets `stopped`
        super().__init__(self._to_master, name=f"pts/{index}", signal_pgrp=signal_pgrp)
        self.index = index
        self.rdev = makedev(PTS_MAJOR, index)
        self.tio.cflag = PTY_CFLAG
        self.winsize = (0, 0)           # until someone sets it, as Linux's
        self.signal_proc = signal_proc  # (kernel, process, sig): the hang-up's SIGHUP to the leader
        self.out = bytearray()          # slave output (after OPOST) the master has not read
        self.pending = bytearray()      # master writes the line discipline had no room for yet
        self.master_rq, self.master_wq = WaitQueue(), WaitQueue()
        self.out_count = 0              # additions to `out`: the master's poll_gen
        self.locked = True              # TIOCSPTLCK: the slave cannot be opened
        self.master_open = True
        self.slaves = 0                 # open slave file descriptions
        self.other_closed = False       # TTY_OTHER_CLOSED: every slave file was closed again
        self.hung_up = False            # the master is closed: open slave files are dead
        self.node = None                # its /dev/pts/N inode (kernel/devpts.py)
        self.on_free = None             # called once neither side is open (frees the number)

    # ---- the slave's hardware: what reaches the master ------------------------------------------
    def _to_master(self, data):
        if self.master_open:
            self.out += data
            self.out_count += 1
            self.master_rq.wake_all()

    def write(self, t, data, nonblock=False):
        """A slave write(): as the console's, but it waits while the master has not read
        PTY_BUF_SIZE bytes already (echoes never wait)."""
        if self.hung_up:
            raise Errno(EIO)
        done = t.restart.get("written", 0) if t is not None else 0
        room = params.PTY_BUF_SIZE - len(self.out)
        if room > 0:
            done += super().write(t, data[done:done + room], nonblock)
        return self._finish(t, data, done, nonblock, self.write_q)

    @staticmethod
    def _finish(t, data, done, nonblock, queue):
        """The end of a write that may have moved only part of `data` (as kernel/pipe.py)."""
        if done == len(data) or (done and (nonblock or t is None)):
            return done
        if nonblock:
            raise Errno(EAGAIN)
        if t is not None:
            t.restart["written"] = done
        raise WouldBlock(queue)

    # ---- the master's side ----------------------------------------------------------------------
    def master_read(self, n, nonblock):
        if self.packet and self.pktstatus:
            status, self.pktstatus = self.pktstatus, 0
            return bytes([status])
        if not self.out:
            if self.other_closed:
                raise Errno(EIO)
            if nonblock:
                raise Errno(EAGAIN)
            raise WouldBlock(self.master_rq)
        head = b"\0" if self.packet else b""       # TIOCPKT_DATA
        n -= len(head)
        data = bytes(self.out[:n])
        del self.out[:n]
        self.write_q.wake_all()                     # slave writers waiting for room
        return head + data

    def master_write(self, t, data, nonblock):
        done = t.restart.get("written", 0) if t is not None else 0
        room = params.PTY_BUF_SIZE - len(self.pending)
        if room > 0 and done < len(data):
            chunk = data[done:done + room]
            self.pending += chunk
            done += len(chunk)
            self._feed()
        return self._finish(t, data, done, nonblock, self.master_wq)

    def _feed(self):
        """Hand pending master writes to the line discipline while it has room; when it has
        none, it calls back (Tty.unthrottle) once a slave read made some."""
        while self.pending:
            room = self.room()
            if room <= 0:
                self.unthrottle = self._feed
                break
            chunk = bytes(self.pending[:room])
            del self.pending[:room]
            self.receive(chunk)
        self.master_wq.wake_all()

    def master_poll(self):
        mask = POLLIN | POLLRDNORM if self.out else 0
        if self.packet and self.pktstatus:
            mask |= POLLPRI | POLLIN | POLLRDNORM
        if self.other_closed:
            mask |= POLLHUP
        if len(self.pending) < params.PTY_BUF_SIZE:
            mask |= POLLOUT | POLLWRNORM
        return mask

    def master_ioctl(self, t, req, arg):
        """The master's own requests (pty_unix98_ioctl and the master cases of tty_ioctl); the
        rest act on the slave."""
        req, iarg, mm = req & U32, as_int(arg), t.proc.mm
        if req == TIOCGPTN:
            mm.write(arg, struct.pack("<I", self.index))
        elif req == TIOCSPTLCK:
            self.locked = bool(_int(mm, arg))
        elif req == TIOCGPTLCK:
            _put_int(mm, arg, int(self.locked))
        elif req == TIOCPKT:
            if _int(mm, arg):
                if not self.packet:
                    self.pktstatus, self.packet = 0, True
            else:
                self.packet = False
        elif req == TIOCGPKT:
            _put_int(mm, arg, int(self.packet))
        elif req == TIOCSIG:
            if iarg not in (SIGINT, SIGQUIT, SIGTSTP):
                raise Errno(EINVAL)
            self.signal_foreground(iarg)
        elif req == TIOCGDEV:
            mm.write(arg, struct.pack("<I", self.rdev))
        elif req == FIONREAD:
            _put_int(mm, arg, len(self.out))
        elif req == TIOCOUTQ:
            _put_int(mm, arg, 0)                    # pty_chars_in_buffer: nothing is queued
        elif req == TIOCNOTTY:
            raise Errno(ENOTTY)                     # a master is nobody's controlling terminal
        elif req == TIOCGPGRP:                      # no controlling-terminal check from the master
            _put_int(mm, arg, self.pgrp if self._leader_alive() else 0)
        elif req == TIOCGSID:
            if not self._leader_alive():
                raise Errno(ENOTTY)
            _put_int(mm, arg, self.session)
        elif req == TCFLSH:                         # the master's own input and output
            if iarg not in (TCIFLUSH, TCOFLUSH, TCIOFLUSH):
                raise Errno(EINVAL)
            if iarg != TCOFLUSH:
                self.out.clear()
            if iarg != TCIFLUSH:
                self.pending.clear()
        elif req == TCXONC:
            raise Errno(ENOTTY)
        else:
            return self.ioctl(t, req, arg)
        return 0

    # ---- the slave's line discipline, as a pty changes it ---------------------------------------
    def ioctl(self, t, req, arg):
        """A slave's ioctl; an output flush is news for a packet-mode master (pty_flush_buffer),
        an input flush also drops master writes not yet taken (tty_buffer_flush)."""
        if req & U32 == TCFLSH and as_int(arg) in (TCIFLUSH, TCIOFLUSH):
            self.pending.clear()
        if req & U32 == TCFLSH and as_int(arg) in (TCOFLUSH, TCIOFLUSH):
            self._packet_status(TIOCPKT_FLUSHWRITE)
        return super().ioctl(t, req, arg)

    def set_termios(self, tio):
        """pty_set_termios: the slave is always CS8 without parity; a packet-mode master hears of
        ^S/^Q flow control being switched on or off."""
        before = _flow(self.tio)
        tio.cflag = tio.cflag & ~(CSIZE | PARENB) | CS8 | CREAD
        super().set_termios(tio)
        if _flow(self.tio) != before:
            self.pktstatus &= ~(TIOCPKT_DOSTOP | TIOCPKT_NOSTOP)
            self._packet_status(TIOCPKT_DOSTOP if not before else TIOCPKT_NOSTOP)

    def flush_input(self):
        super().flush_input()
        self._packet_status(TIOCPKT_FLUSHREAD)      # n_tty_packet_mode_flush

    def _signal_char(self, c, sig):
        if not self.tio.lflag & NOFLSH:
            self._packet_status(TIOCPKT_FLUSHWRITE)  # isig flushes the driver's output too
        super()._signal_char(c, sig)

    @property
    def stopped(self):
        return self._stopped

    @stopped.setter
    def stopped(self, value):
        """pty_stop/pty_start: ^S and ^Q are news for a packet-mode master."""
        if value != getattr(self, "_stopped", value):
            self.pktstatus &= ~(TIOCPKT_STOP | TIOCPKT_START)
            self._packet_status(TIOCPKT_STOP if value else TIOCPKT_START)
        self._stopped = value

    def _packet_status(self, bit):
        if self.packet:
            self.pktstatus |= bit
            self.out_count += 1
            self.master_rq.wake_all()

    # ---- opening and closing --------------------------------------------------------------------
    def open_slave(self, t, flags):
        """pty_open for the slave, then the controlling-terminal rule every tty open has."""
        if self.locked or not self.master_open:
            raise Errno(EIO)
        f = SlaveFile(self, flags)
        self.other_closed = False
        self.open(t, flags & O_NOCTTY)
        return f

    def slave_closed(self):
        self.slaves -= 1
        if self.slaves:
            return
        if self.master_open:
            self.other_closed = True
            self.out_count += 1
            self.master_rq.wake_all()
            self.master_wq.wake_all()
        else:
            self._free()

    def master_closed(self):
        self.master_open = False
        self.out.clear()
        self.pending.clear()
        self.unthrottle = None
        self.hangup()
        if not self.slaves:
            self._free()

    def hangup(self):
        """tty_vhangup of the slave: SIGHUP and SIGCONT to its session leader (only the leader:
        a shell passes the hang-up on to its jobs), the session loses the terminal, and open
        slave files read end-of-file and fail writes with EIO."""
        leader = self.k.processes.get(self.session) if self.k and self.session else None
        if leader is not None and not leader.exited:
            self.signal_proc(self.k, leader, SIGHUP)
            self.signal_proc(self.k, leader, SIGCONT)
        self.session = self.pgrp = 0
        self.hung_up = True
        self.read_q.wake_all()
        self.write_q.wake_all()

    def _free(self):
        self.detach()
        if self.on_free:
            self.on_free(self)


class MasterFile(File):
    """An open /dev/ptmx: the master side of one Pty."""

    def __init__(self, pty, flags):
        super().__init__(flags)
        self.pty = pty

    def _current(self):
        return self.pty.k.sched.current if self.pty.k else None

    def read_for(self, t, n):
        return self.pty.master_read(n, bool(self.flags & O_NONBLOCK))

    def read(self, n):
        return self.read_for(self._current(), n)

    def write_for(self, t, data):
        return self.pty.master_write(t, data, bool(self.flags & O_NONBLOCK))

    def write(self, data):
        return self.write_for(self._current(), data)

    def ioctl(self, t, req, arg):
        if req & U32 == TIOCGPTPEER:
            return self._open_peer(t, open_flags_in(t.kernel.abi, as_int(arg)))   # the ABI's O_*
        return self.pty.master_ioctl(t, req, arg)

    def _open_peer(self, t, flags):
        """TIOCGPTPEER: open the slave without looking its name up (ptm_open_peer)."""
        if flags & ~(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC):
            raise Errno(EINVAL)
        f = self.pty.open_slave(t, flags)
        f.flags = flags & (O_ACCMODE | O_NONBLOCK)
        if self.pty.node is not None:
            f.loc = self.pty.node.location()
        return t.proc.fds.install(f, cloexec=bool(flags & O_CLOEXEC))

    def isatty(self):
        return True

    def poll_mask(self):
        return self.pty.master_poll()

    def wait_queues(self):
        return (self.pty.master_rq, self.pty.master_wq)

    @property
    def poll_gen(self):
        return self.pty.out_count

    def release(self):
        self.pty.master_closed()


class SlaveFile(TtyFile):
    """An open /dev/pts/N: the console's TtyFile, plus what a hang-up does to it
    (hung_up_tty_fops) and the pair's open count."""

    def __init__(self, pty, flags):
        super().__init__(pty, flags)
        pty.slaves += 1

    def read_for(self, t, n):
        if self.tty.hung_up:
            return b""
        return super().read_for(t, n)

    def ioctl(self, t, req, arg):
        if self.tty.hung_up:
            raise Errno(ENOTTY if req & U32 == TIOCSPGRP else EIO)
        return super().ioctl(t, req, arg)

    def poll_mask(self):
        if self.tty.hung_up:
            return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM
        mask = super().poll_mask()
        if len(self.tty.out) >= params.PTY_BUF_SIZE:
            mask &= ~(POLLOUT | POLLWRNORM)
        return mask

    def stat(self):
        node = self.tty.node
        return node.getattr() if node is not None else super().stat()

    def release(self):
        self.tty.slave_closed()
