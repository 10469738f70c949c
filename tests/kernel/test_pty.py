"""Pseudo-terminals in isolation (kernel/pty.py, kernel/devpts.py): pairs made by a devpts
instance over a fake kernel, signals recorded, fake processes standing in for the kernel's."""
import struct
from types import SimpleNamespace

import pytest

from kernel import params
from kernel import tty as T
from kernel.devfs import DevFS
from kernel.devpts import DEVPTS_SUPER_MAGIC, DevPts, devpts_for_mount
from kernel.errno import EAGAIN, EINVAL, EIO, ENOENT, ENOTTY, Errno
from kernel.fdtable import FdTable
from kernel.procfs import _tty as proc_tty
from kernel.sched import WouldBlock
from kernel.uapi import (FIONREAD, O_CLOEXEC, O_NOCTTY, O_NONBLOCK, O_RDWR, POLLHUP, POLLIN,
                         POLLOUT, TCGETS, TCSETS, TIOCGDEV, TIOCGPGRP, TIOCGPTLCK, TIOCGPTN,
                         TIOCGPTPEER, TIOCGWINSZ, TIOCPKT, TIOCPKT_FLUSHREAD, TIOCPKT_FLUSHWRITE,
                         TIOCPKT_START, TIOCPKT_STOP, TIOCSCTTY, TIOCSIG, TIOCSPGRP, TIOCSPTLCK,
                         TIOCSWINSZ, Termios, makedev)
from tests.kernel.fakes import FakeMM
from translators.riscv64 import abi as riscv64_abi


class FakeProc:
    def __init__(self, pid, pgid=None, sid=None, ppid=0, uid=0):
        self.pid, self.pgid, self.sid, self.ppid = pid, pgid or pid, sid or pid, ppid
        self.exited, self.sighand, self.mm = False, {}, FakeMM(4096, base=0)
        self.creds = type("C", (), {"euid": uid, "fsuid": uid, "fsgid": uid})()
        self.fds = FdTable()


class FakeThread:
    kernel = SimpleNamespace(abi=riscv64_abi)      # asm-generic uapi values

    def __init__(self, proc):
        self.proc, self.restart, self.sigmask = proc, {}, 0


class FakeKernel:
    def __init__(self, *procs):
        self.processes = {p.pid: p for p in procs}
        self.sched = type("S", (), {"current": None})()


class World:
    """A devpts instance, a kernel with a shell in its own session (pid 10) and a terminal
    emulator (pid 5, another session) holding the masters; every signal recorded."""

    def __init__(self):
        self.emu, self.shell = FakeProc(5, uid=1000), FakeProc(10, uid=1000)
        self.k = FakeKernel(self.emu, self.shell)
        self.pts = DevPts(self.k, "gid=5,mode=620")
        self.t_emu, self.t_shell = FakeThread(self.emu), FakeThread(self.shell)
        self.sent = []          # (pgid, sig) from the line discipline; (pid, sig) from hang-ups

    def as_(self, t):
        self.k.sched.current = t
        return t

    def master(self, flags=O_RDWR):
        self.as_(self.t_emu)
        m = self.pts.open_master(flags)
        m.pty.send_signal = lambda k, pgid, sig: self.sent.append(("pgrp", pgid, sig))
        m.pty.signal_proc = lambda k, p, sig: self.sent.append(("proc", p.pid, sig))
        return m

    def ioctl(self, f, t, req, value=None, fmt="<i"):
        """ioctl with an int argument in t's memory at 0x100; returns the int there after."""
        mm = t.proc.mm
        if value is not None:
            mm.write(0x100, struct.pack(fmt, value))
        f.ioctl(t, req, 0x100)
        return struct.unpack(fmt, mm.read(0x100, struct.calcsize(fmt)))[0]

    def slave(self, m, t=None, flags=O_RDWR):
        self.ioctl(m, self.t_emu, TIOCSPTLCK, 0)
        self.as_(t or self.t_shell)
        return self.pts.root.lookup(str(m.pty.index)).open(flags)


@pytest.fixture
def w():
    return World()


def drain(m):
    out = b""
    while True:
        try:
            out += m.read(4096)
        except (WouldBlock, Errno):
            return out


# ---- making pairs --------------------------------------------------------------------------------
def test_each_ptmx_open_makes_a_pair_with_the_lowest_free_number(w):
    a, b = w.master(), w.master()
    assert w.ioctl(a, w.t_emu, TIOCGPTN) == 0 and w.ioctl(b, w.t_emu, TIOCGPTN) == 1
    assert [n for n, _, _ in w.pts.root.readdir()] == ["ptmx", "0", "1"]
    a.put()
    assert [n for n, _, _ in w.pts.root.readdir()] == ["ptmx", "1"]
    assert w.ioctl(w.master(), w.t_emu, TIOCGPTN) == 0


def test_the_slave_node_belongs_to_the_opener_with_the_mount_options(w):
    m = w.master()
    st = w.pts.root.lookup("0").getattr()
    assert (st.uid, st.gid, st.mode, st.rdev) == (1000, 5, 0o20620, makedev(136, 0))
    assert w.ioctl(m, w.t_emu, TIOCGDEV, fmt="<I") == makedev(136, 0)
    plain = DevPts(w.k)                                 # Linux's defaults: the opener's group, 0600
    w.as_(w.t_emu)
    plain.open_master(O_RDWR)
    st = plain.root.lookup("0").getattr()
    assert (st.uid, st.gid, st.mode) == (1000, 1000, 0o20600)
    assert plain.ptmx.getattr().mode == 0o20000 and plain.statfs()["ftype"] == DEVPTS_SUPER_MAGIC


def test_a_locked_slave_cannot_be_opened(w):
    m = w.master()
    assert w.ioctl(m, w.t_emu, TIOCGPTLCK) == 1
    with pytest.raises(Errno) as e:
        w.pts.root.lookup("0").open(O_RDWR)
    assert e.value.errno == EIO
    w.slave(m)
    assert w.ioctl(m, w.t_emu, TIOCGPTLCK) == 0


def test_mount_options_and_mounting_again(w):
    with pytest.raises(Errno) as e:
        DevPts(w.k, "bogus=1")
    assert e.value.errno == EINVAL
    devfs = DevFS()
    proc = type("P", (), {"fs": type("F", (), {"mounts": type("M", (), {
        "at": staticmethod(lambda path: devfs)})()})()})()
    t = type("T", (), {"proc": proc, "kernel": w.k})()
    first = devpts_for_mount(t, "")
    assert devfs.pts is first and devpts_for_mount(t, "mode=600,ptmxmode=666") is first
    assert first.mode == 0o600 and first.ptmx.mode & 0o777 == 0o666


# ---- data both ways ------------------------------------------------------------------------------
def test_master_writes_are_typed_input_and_echoes_come_back(w):
    m = w.master()
    s = w.slave(m)
    assert m.write(b"hello\r") == 6
    assert m.read(100) == b"hello\r\n"
    assert s.read_for(w.t_shell, 100) == b"hello\n"
    assert s.write_for(w.t_shell, b"out\nput") == 7
    assert m.read(100) == b"out\r\nput"                # the slave's OPOST: ONLCR


def test_termios_and_window_size_through_the_master_are_the_slaves(w):
    m = w.master()
    s = w.slave(m)
    t = w.t_emu
    m.ioctl(t, TCGETS, 0x200)
    tio = Termios.unpack(t.proc.mm.read(0x200, 36))
    assert tio.lflag & T.ECHO and tio.cflag == 0o277          # B38400 CS8 CREAD, no HUPCL
    tio.lflag &= ~(T.ECHO | T.ICANON)
    t.proc.mm.write(0x200, tio.pack())
    m.ioctl(t, TCSETS, 0x200)
    m.write(b"x")
    assert drain(m) == b"" and s.read_for(w.t_shell, 10) == b"x"
    t.proc.mm.write(0x200, struct.pack("<HHHH", 50, 132, 0, 0))
    m.ioctl(t, TIOCSWINSZ, 0x200)
    s.ioctl(w.t_shell, TIOCGWINSZ, 0x300)
    assert struct.unpack("<HH", w.shell.mm.read(0x300, 4)) == (50, 132)
    assert ("pgrp", 10, T.SIGWINCH) in w.sent


def test_fionread_on_each_side(w):
    m = w.master()
    s = w.slave(m)
    s.write_for(w.t_shell, b"abc")
    assert w.ioctl(m, w.t_emu, FIONREAD) == 3
    m.write(b"x\n")
    assert w.ioctl(s, w.t_shell, FIONREAD) == 2


# ---- sessions, job control, signals ----------------------------------------------------------------
def test_a_session_leader_opening_the_slave_gets_it_as_controlling_terminal(w):
    m = w.master()
    w.slave(m)
    pty = m.pty
    assert pty.session == 10 and pty.pgrp == 10
    assert T.controlling_tty(w.k, w.shell) is pty
    assert proc_tty(w.k, w.shell) == (makedev(136, 0), 10)
    assert proc_tty(w.k, w.emu) == (0, -1)
    assert w.ioctl(m, w.t_emu, TIOCGPGRP) == 10         # the master may ask without holding it
    with pytest.raises(Errno) as e:
        w.ioctl(m, w.t_emu, TIOCSPGRP, 10)
    assert e.value.errno == ENOTTY


def test_o_noctty_and_a_second_terminal_do_not_make_it_controlling(w):
    m1, m2 = w.master(), w.master()
    w.slave(m1, flags=O_RDWR | O_NOCTTY)
    assert m1.pty.session == 0
    w.slave(m1)
    w.slave(m2)                                         # the shell has pts/0 already
    assert m1.pty.session == 10 and m2.pty.session == 0


def test_tiocsctty_on_the_slave_after_setsid(w):
    m = w.master()
    child = FakeProc(11, pgid=10, sid=10, ppid=10)
    w.k.processes[11] = child
    tc = FakeThread(child)
    s = w.slave(m, t=tc, flags=O_RDWR | O_NOCTTY)
    child.sid = child.pgid = 11                         # setsid()
    s.ioctl(tc, TIOCSCTTY, 0)
    assert m.pty.session == 11 and m.pty.pgrp == 11


def test_interrupt_typed_on_the_master_signals_the_foreground_group(w):
    m = w.master()
    s = w.slave(m)
    m.write(b"partial\x03")
    assert ("pgrp", 10, T.SIGINT) in w.sent
    assert m.read(100) == b"partial^C"
    m.write(b"\n")
    assert s.read_for(w.t_shell, 100) == b"\n"          # the partial line was flushed
    m.ioctl(w.t_emu, TIOCSIG, T.SIGQUIT)
    assert ("pgrp", 10, T.SIGQUIT) in w.sent
    with pytest.raises(Errno):
        m.ioctl(w.t_emu, TIOCSIG, 9)


def test_a_background_read_of_the_slave_stops_the_reader(w):
    m = w.master()
    w.slave(m)
    bg = FakeProc(12, pgid=12, sid=10, ppid=10)
    w.k.processes[12] = bg
    tb = FakeThread(bg)
    s = w.slave(m, t=tb)
    with pytest.raises(WouldBlock) as e:
        s.read_for(tb, 10)
    assert ("pgrp", 12, T.SIGTTIN) in w.sent
    assert e.value.deadline is not None        # due at once: the stop must not be slept through


def test_a_session_leaders_exit_hangs_up_its_foreground_group(w):
    m = w.master()
    w.slave(m)
    m.pty.pgrp = 12
    w.shell.exit_code = 0
    T.session_leader_exited(w.k, w.shell)
    assert w.sent == [("pgrp", 12, T.SIGHUP)] and m.pty.session == 0


# ---- closing and hanging up ----------------------------------------------------------------------
def test_master_reads_eio_once_every_slave_is_closed(w):
    m = w.master()
    m.flags |= O_NONBLOCK
    with pytest.raises(Errno) as e:
        m.read(10)
    assert e.value.errno == EAGAIN                      # no slave opened yet: nothing to read
    s = w.slave(m)
    s2 = s.get()
    s.write_for(w.t_shell, b"last words")
    s.put()
    assert not m.poll_mask() & POLLHUP
    s2.put()
    assert m.poll_mask() & (POLLIN | POLLHUP) == POLLIN | POLLHUP
    assert m.read(100) == b"last words"
    with pytest.raises(Errno) as e:
        m.read(100)
    assert e.value.errno == EIO
    w.slave(m)                                          # opening it again clears that
    with pytest.raises(Errno) as e:
        m.read(100)
    assert e.value.errno == EAGAIN


def test_closing_the_master_hangs_the_slave_up(w):
    m = w.master()
    s = w.slave(m)
    m.put()
    assert w.sent == [("proc", 10, T.SIGHUP), ("proc", 10, T.SIGCONT)]
    assert T.controlling_tty(w.k, w.shell) is None
    assert s.read_for(w.t_shell, 10) == b""
    with pytest.raises(Errno) as e:
        s.write_for(w.t_shell, b"x")
    assert e.value.errno == EIO
    assert s.poll_mask() & (POLLIN | POLLOUT | POLLHUP) == POLLIN | POLLOUT | POLLHUP
    with pytest.raises(Errno) as e:
        w.pts.root.lookup("0")
    assert e.value.errno == ENOENT
    assert 0 in w.pts.ptys                              # the number is taken until the slave goes
    s.put()
    assert 0 not in w.pts.ptys and m.pty not in T._ttys.get(w.k, [])


# ---- blocking and flow control -------------------------------------------------------------------
def test_reads_block_or_say_eagain(w):
    m = w.master()
    s = w.slave(m)
    with pytest.raises(WouldBlock) as e:
        m.read(10)
    assert m.pty.master_rq in e.value.queues
    with pytest.raises(WouldBlock):
        s.read_for(w.t_shell, 10)
    s.flags |= O_NONBLOCK
    with pytest.raises(Errno) as e:
        s.read_for(w.t_shell, 10)
    assert e.value.errno == EAGAIN


def test_a_slave_writer_waits_for_the_master_to_read(w):
    m = w.master()
    s = w.slave(m)
    t = w.t_shell
    big = b"x" * (params.PTY_BUF_SIZE + 100)
    with pytest.raises(WouldBlock):
        s.write_for(t, big)
    assert t.restart["written"] == params.PTY_BUF_SIZE and not s.poll_mask() & POLLOUT
    assert len(m.read(1 << 20)) == params.PTY_BUF_SIZE
    assert s.write_for(t, big) == len(big)              # re-entered: the rest, one total
    t.restart.clear()
    m.read(1 << 20)
    s.write_for(t, big[:params.PTY_BUF_SIZE])
    s.flags |= O_NONBLOCK
    with pytest.raises(Errno) as e:
        s.write_for(t, b"more")
    assert e.value.errno == EAGAIN


def test_master_input_waits_while_a_raw_slave_is_not_reading(w):
    m = w.master()
    s = w.slave(m)
    m.pty.tio.lflag &= ~(T.ICANON | T.ECHO)
    data = bytes(range(97, 97 + 26)) * 400              # 10 KiB, more than the tty buffer
    assert m.write(data) == len(data)
    assert len(m.pty.pending) == len(data) - params.TTY_BUF_SIZE
    got = b""
    while len(got) < len(data):
        got += s.read_for(w.t_shell, 1000)
    assert got == data and not m.pty.pending


# ---- packet mode, the peer, /dev/tty ---------------------------------------------------------------
def test_packet_mode_prefixes_data_and_reports_flow_and_flushes(w):
    m = w.master()
    s = w.slave(m)
    w.ioctl(m, w.t_emu, TIOCPKT, 1)
    s.write_for(w.t_shell, b"hi")
    assert m.read(100) == b"\0hi"
    m.write(b"\x13")                                    # ^S
    assert m.read(100) == bytes([TIOCPKT_STOP])
    m.write(b"\x11")
    assert m.read(100) == bytes([TIOCPKT_START])
    m.write(b"\x03")
    assert m.read(100) == bytes([TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE])


def test_tiocgptpeer_opens_the_slave_as_a_new_fd(w):
    m = w.master()
    w.ioctl(m, w.t_emu, TIOCSPTLCK, 0)
    w.as_(w.t_shell)
    fd = m.ioctl(w.t_shell, TIOCGPTPEER, O_RDWR | O_CLOEXEC)
    f = w.shell.fds.get(fd)
    assert w.shell.fds.get_cloexec(fd) and f.loc.pathname == "/dev/pts/0"
    assert f.stat().rdev == makedev(136, 0) and m.pty.session == 10
    with pytest.raises(Errno):
        m.ioctl(w.t_shell, TIOCGPTPEER, O_RDWR | 0o100)     # O_CREAT: not an open flag here


def test_dev_tty_is_the_controlling_pty(w):
    devfs = DevFS()
    devfs.pts = w.pts
    m = w.master()
    w.slave(m)
    w.as_(w.t_shell)
    f = devfs.nodes["tty"].open(O_RDWR)
    m.write(b"y\n")
    assert f.read_for(w.t_shell, 10) == b"y\n"
    assert devfs.nodes["ptmx"].open(O_RDWR).pty.index == 1
