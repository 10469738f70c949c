"""The N_TTY line discipline in isolation (kernel/tty.py): a Tty whose device output is a
bytearray, whose signals are recorded, and fake processes standing in for the kernel's."""
import os
import struct
import time
from types import SimpleNamespace

import pytest

from kernel import tty as T
from kernel.errno import EAGAIN, EIO, ENOTTY, EPERM, Errno
from kernel.sched import WouldBlock
from kernel.signal import SIG_IGN, SigAction
from kernel.uapi import (FIONREAD, TCGETS, TCSETS, TCSETSF, TIOCGPGRP, TIOCGWINSZ, TIOCSCTTY,
                         TIOCSPGRP, TIOCSWINSZ, Termios)
from tests.kernel.fakes import FakeMM
from translators.riscv64 import abi as riscv64_abi


class FakeProc:
    def __init__(self, pid, pgid=None, sid=None, ppid=0):
        self.pid, self.pgid, self.sid, self.ppid = pid, pgid or pid, sid or pid, ppid
        self.exited, self.sighand, self.mm = False, {}, FakeMM(4096, base=0)
        self.creds = type("C", (), {"euid": 0})()


class FakeThread:
    kernel = SimpleNamespace(abi=riscv64_abi)      # asm-generic uapi values

    def __init__(self, proc):
        self.proc, self.restart, self.sigmask = proc, {}, 0


class FakeKernel:
    def __init__(self, *procs):
        self.processes = {p.pid: p for p in procs}
        self.sched = type("S", (), {"current": None})()


@pytest.fixture
def term():
    """A console-like tty with a shell (pid 1, session and foreground group 1)."""
    out, sent = bytearray(), []
    tty = T.Tty(out.extend, signal_pgrp=lambda k, pgid, sig: sent.append((pgid, sig)))
    shell = FakeProc(1)
    tty.attach(FakeKernel(shell))
    tty.set_ctty(shell)
    tty.out, tty.sent, tty.shell = out, sent, FakeThread(shell)
    return tty


def typed(tty, data):
    """Type data; return what was echoed."""
    tty.out.clear()
    tty.receive(data)
    return bytes(tty.out)


def set_modes(tty, t, lflag_off=0, lflag_on=0, iflag_off=0, iflag_on=0, oflag_off=0, **cc):
    """TCGETS, change, TCSETS -- as a guest's tcsetattr does."""
    tty.ioctl(t, TCGETS, 0)
    tio = Termios.unpack(t.proc.mm.read(0, 36))
    tio.lflag = tio.lflag & ~lflag_off | lflag_on
    tio.iflag = tio.iflag & ~iflag_off | iflag_on
    tio.oflag &= ~oflag_off
    chars = bytearray(tio.cc)
    for name, v in cc.items():
        chars[getattr(T, name)] = v
    tio.cc = bytes(chars)
    t.proc.mm.write(0, tio.pack())
    tty.ioctl(t, TCSETS, 0)


# ---- canonical mode ------------------------------------------------------------------------------
def test_defaults_are_a_fresh_linux_console(term):
    tio = term.tio
    assert tio.iflag == T.ICRNL | T.IXON
    assert tio.oflag == T.OPOST | T.ONLCR
    assert tio.lflag == (T.ISIG | T.ICANON | T.ECHO | T.ECHOE | T.ECHOK | T.IEXTEN | T.ECHOCTL
                         | T.ECHOKE)
    assert tio.cc[T.VINTR] == 3 and tio.cc[T.VERASE] == 0x7F and tio.cc[T.VEOF] == 4
    assert tio.cc[T.VMIN] == 1 and tio.cc[T.VTIME] == 0 and tio.cc[T.VSUSP] == 26


def test_a_line_is_readable_once_complete_and_return_becomes_newline(term):
    assert typed(term, b"hel") == b"hel"
    assert not term.readable()
    with pytest.raises(WouldBlock):
        term.read(term.shell, 100)
    assert typed(term, b"lo\r") == b"lo\r\n"        # ICRNL in, ONLCR on the echo
    assert term.read(term.shell, 100) == b"hello\n"


def test_a_read_returns_at_most_one_line(term):
    typed(term, b"one\ntwo\n")
    assert term.read(term.shell, 100) == b"one\n"
    assert term.read(term.shell, 2) == b"tw"
    assert term.read(term.shell, 100) == b"o\n"


def test_erase_kill_and_word_erase(term):
    assert typed(term, b"abx\x7f") == b"abx\b \b"
    typed(term, b"c\n")
    assert term.read(term.shell, 100) == b"abc\n"
    assert typed(term, b"junk\x15") == b"junk" + b"\b \b" * 4       # ECHOKE: erased visually
    typed(term, b"ok\n")
    assert term.read(term.shell, 100) == b"ok\n"
    typed(term, b"one two  \x17three\n")
    assert term.read(term.shell, 100) == b"one three\n"


def test_erasing_control_characters_and_tabs_takes_their_width(term):
    assert typed(term, b"\x01") == b"^A"                              # ECHOCTL
    assert typed(term, b"\x7f") == b"\b \b\b \b"
    typed(term, b"ab\t")
    assert typed(term, b"\x7f") == b"\b" * 6                          # tab from column 2 to 8
    assert typed(term, b"\x7f\x7f\x7f") == b"\b \b\b \b"              # nothing left to erase
    typed(term, b"\n")
    assert term.read(term.shell, 100) == b"\n"


def test_literal_next_takes_the_next_character_as_data(term):
    assert typed(term, b"\x16\x03") == b"^\b^C"
    assert term.sent == []
    typed(term, b"\n")
    assert term.read(term.shell, 100) == b"\x03\n"


def test_eof_at_an_empty_line_reads_as_end_of_file(term):
    typed(term, b"\x04")
    assert term.read(term.shell, 100) == b""
    assert typed(term, b"ab\x04") == b"ab"          # EOF is not echoed and not passed on
    assert term.read(term.shell, 100) == b"ab"
    with pytest.raises(WouldBlock):
        term.read(term.shell, 100)


def test_host_end_of_input_is_end_of_file_for_good(term):
    typed(term, b"partial")
    term.hangup_input()
    assert term.read(term.shell, 100) == b"partial"
    assert term.read(term.shell, 100) == b""
    assert term.read(term.shell, 100) == b""


def test_input_mapping_inlcr_igncr(term):
    t = term.shell
    set_modes(term, t, iflag_off=T.ICRNL, iflag_on=T.IGNCR)
    typed(term, b"a\rb\n")
    assert term.read(t, 100) == b"ab\n"
    set_modes(term, t, iflag_off=T.IGNCR, iflag_on=T.INLCR, lflag_off=T.ICANON)
    typed(term, b"x\n")
    assert term.read(t, 100) == b"x\r"


# ---- output --------------------------------------------------------------------------------------
def test_output_processing_onlcr_and_opost(term):
    t = term.shell
    assert term.write(t, b"a\nb") == 3 and bytes(term.out) == b"a\r\nb"
    term.out.clear()
    set_modes(term, t, oflag_off=T.OPOST)
    term.write(t, b"a\nb")
    assert bytes(term.out) == b"a\nb"


def test_stop_and_start_characters_hold_output(term):
    t = term.shell
    typed(term, b"\x13")                              # ^S
    with pytest.raises(WouldBlock):
        term.write(t, b"held")
    with pytest.raises(Errno) as e:
        term.write(t, b"held", nonblock=True)
    assert e.value.errno == EAGAIN
    typed(term, b"\x11")                              # ^Q
    assert term.write(t, b"go") == 2


# ---- signals -------------------------------------------------------------------------------------
@pytest.mark.parametrize("key, sig", [(b"\x03", T.SIGINT), (b"\x1c", T.SIGQUIT),
                                      (b"\x1a", T.SIGTSTP)])
def test_signal_characters_signal_the_foreground_group_and_flush(term, key, sig):
    term.pgrp = 7
    echo = typed(term, b"abc" + key)
    assert term.sent == [(7, sig)]
    assert echo == b"abc^" + bytes([key[0] ^ 0x40])
    term.pgrp = 1
    typed(term, b"\n")
    assert term.read(term.shell, 100) == b"\n"        # "abc" was flushed


def test_noflsh_keeps_the_input(term):
    set_modes(term, term.shell, lflag_on=T.NOFLSH)
    typed(term, b"abc\x03\n")
    assert term.read(term.shell, 100) == b"abc\n"


def test_without_isig_control_characters_are_data(term):
    t = term.shell
    set_modes(term, t, lflag_off=T.ISIG | T.ICANON | T.ECHO)
    assert typed(term, b"\x03\x1a") == b""
    assert term.read(t, 100) == b"\x03\x1a" and term.sent == []


def test_window_size_and_sigwinch(term):
    t = term.shell
    t.proc.mm.write(8, struct.pack("<HH", 50, 132))
    term.ioctl(t, TIOCSWINSZ, 8)
    assert term.sent == [(1, T.SIGWINCH)]
    term.ioctl(t, TIOCGWINSZ, 16)
    assert t.proc.mm.read(16, 4) == struct.pack("<HH", 50, 132)
    term.resize(50, 132)
    assert len(term.sent) == 1                        # no change, no signal


# ---- non-canonical reads -------------------------------------------------------------------------
def test_vmin_and_vtime(term):
    t = term.shell
    set_modes(term, t, lflag_off=T.ICANON | T.ECHO, VMIN=0, VTIME=0)
    assert term.read(t, 10) == b""                     # a poll: returns at once
    set_modes(term, t, VMIN=3, VTIME=0)
    typed(term, b"ab")
    with pytest.raises(WouldBlock) as wb:
        term.read(t, 10)
    assert wb.value.deadline is None
    assert term.read(t, 2) == b"ab"                    # a smaller read needs fewer bytes
    typed(term, b"cde")
    assert term.read(t, 10) == b"cde"
    set_modes(term, t, VMIN=0, VTIME=5)                # a 0.5 s timeout on the whole read
    with pytest.raises(WouldBlock) as wb:
        term.read(t, 10)
    assert 0.3 < wb.value.deadline - time.monotonic() <= 0.5
    t.restart["tty_deadline"] = time.monotonic() - 1   # the restarted call finds it expired
    assert term.read(t, 10) == b""
    set_modes(term, t, VMIN=5, VTIME=1)                # an inter-byte timer after the first
    typed(term, b"x")
    term.last_rx -= 1
    assert term.read(t, 10) == b"x"


def test_switching_icanon_off_makes_the_edited_line_readable(term):
    t = term.shell
    typed(term, b"half")
    set_modes(term, t, lflag_off=T.ICANON)
    assert term.read(t, 100) == b"half"


def test_tcsetsf_flushes_input_and_fionread_counts_complete_lines(term):
    t = term.shell
    typed(term, b"ab\ncd")
    term.ioctl(t, FIONREAD, 40)
    assert struct.unpack("<i", t.proc.mm.read(40, 4))[0] == 3
    term.ioctl(t, TCGETS, 0)
    term.ioctl(t, TCSETSF, 0)
    assert not term.readable() and not term.line


def test_nonblocking_read_of_an_empty_tty_is_eagain(term):
    with pytest.raises(Errno) as e:
        term.read(term.shell, 10, nonblock=True)
    assert e.value.errno == EAGAIN


# ---- sessions and job control --------------------------------------------------------------------
@pytest.fixture
def job(term):
    """A background job (pid 5, group 5) in the shell's session, the shell in the foreground."""
    p = FakeProc(5, pgid=5, sid=1, ppid=1)
    shell2 = FakeProc(2, pgid=2, sid=1, ppid=1)       # a parent outside the job's group
    p.ppid = 2
    term.k.processes.update({5: p, 2: shell2})
    return FakeThread(p)


def test_background_read_gets_sigttin(term, job):
    with pytest.raises(WouldBlock):
        term.read(job, 10)
    assert term.sent == [(5, T.SIGTTIN)]


def test_background_read_with_sigttin_ignored_is_eio(term, job):
    job.proc.sighand[T.SIGTTIN] = SigAction(SIG_IGN)
    with pytest.raises(Errno) as e:
        term.read(job, 10)
    assert e.value.errno == EIO and term.sent == []


def test_background_read_from_an_orphaned_group_is_eio(term, job):
    del term.k.processes[2]
    with pytest.raises(Errno) as e:
        term.read(job, 10)
    assert e.value.errno == EIO


def test_background_write_is_stopped_only_with_tostop(term, job):
    assert term.write(job, b"x") == 1
    set_modes(term, term.shell, lflag_on=T.TOSTOP)
    with pytest.raises(WouldBlock):
        term.write(job, b"x")
    assert term.sent == [(5, T.SIGTTOU)]
    job.sigmask = 1 << (T.SIGTTOU - 1)                  # blocked: the write goes ahead
    assert term.write(job, b"x") == 1


def test_foreground_group_ioctls(term, job):
    t = term.shell
    t.proc.sighand[T.SIGTTOU] = SigAction(SIG_IGN)      # as a job-control shell does
    t.proc.mm.write(0, struct.pack("<i", 5))
    term.ioctl(t, TIOCSPGRP, 0)
    assert term.pgrp == 5
    term.ioctl(job, TIOCGPGRP, 8)
    assert struct.unpack("<i", job.proc.mm.read(8, 4))[0] == 5
    stranger = FakeThread(FakeProc(9))
    term.k.processes[9] = stranger.proc
    with pytest.raises(Errno) as e:
        term.ioctl(stranger, TIOCGPGRP, 0)
    assert e.value.errno == ENOTTY                     # not its controlling terminal
    t.proc.mm.write(0, struct.pack("<i", 9))
    with pytest.raises(Errno) as e:
        term.ioctl(t, TIOCSPGRP, 0)
    assert e.value.errno == EPERM                      # a group of another session


def test_controlling_terminal_rules(term):
    k = term.k
    leader = FakeThread(FakeProc(9))                   # setsid(): a session without a terminal
    member = FakeThread(FakeProc(10, pgid=9, sid=9))
    k.processes.update({9: leader.proc, 10: member.proc})
    with pytest.raises(Errno) as e:
        term.ioctl(member, TIOCSCTTY, 0)
    assert e.value.errno == EPERM                      # not a session leader
    with pytest.raises(Errno) as e:
        term.ioctl(leader, TIOCSCTTY, 0)
    assert e.value.errno == EPERM                      # session 1 still holds it
    term.open(leader, noctty=False)
    assert term.session == 1                           # nor does open() take it
    term.ioctl(leader, TIOCSCTTY, 1)                   # root may steal it
    assert term.session == 9 and term.pgrp == 9
    assert term.is_ctty_of(member.proc) and not term.is_ctty_of(term.shell.proc)
    leader.proc.exited = True                          # the leader is gone: the tty is free
    newcomer = FakeThread(FakeProc(11))
    k.processes[11] = newcomer.proc
    term.open(newcomer, noctty=True)
    assert term.session == 9
    term.open(newcomer, noctty=False)
    assert term.session == 11


# ---- the devices over it (kernel/devfs.py) -------------------------------------------------------
class FakeSched:
    def __init__(self):
        self.host_fds, self.current = {}, None

    def watch_host_fd(self, fd, callback):
        self.host_fds[fd] = callback


@pytest.fixture
def pipes():
    fds = []

    def make():
        r, w = os.pipe()
        fds.extend((r, w))
        return r, w
    yield make
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def test_console_driver_feeds_host_input_to_the_line_discipline(pipes):
    from kernel.devfs import ConsoleDriver
    (kin, host_kbd), (host_screen, kout) = pipes(), pipes()
    k = FakeKernel()
    k.sched = FakeSched()
    con = ConsoleDriver(kin, kout)
    con.start(k)
    assert con.tty.winsize == (24, 80)                 # not a terminal: the default size
    os.write(host_kbd, b"ls\r")
    k.sched.host_fds[kin]()                            # the scheduler saw fd kin readable
    assert os.read(host_screen, 100) == b"ls\r\n"      # echoed through OPOST
    assert con.tty.read(None, 100) == b"ls\n"
    os.close(host_kbd)                                 # host EOF: the guest's end of file
    k.sched.host_fds[kin]()
    assert kin not in k.sched.host_fds and con.tty.read(None, 100) == b""
    con.stop()


def test_console_driver_stops_reading_while_the_tty_is_full(pipes):
    from kernel import params
    from kernel.devfs import ConsoleDriver
    (kin, host_kbd), (_, kout) = pipes(), pipes()
    k = FakeKernel()
    k.sched = FakeSched()
    con = ConsoleDriver(kin, kout)
    con.start(k)
    con.tty.set_termios(Termios(0, 0, con.tty.tio.cflag, 0, 0, con.tty.tio.cc))   # raw
    os.write(host_kbd, b"x" * (params.TTY_BUF_SIZE + 100))
    k.sched.host_fds[kin]()
    k.sched.host_fds[kin]()                            # no room: stops watching, loses nothing
    assert kin not in k.sched.host_fds
    assert len(con.tty.read(None, 1 << 20)) == params.TTY_BUF_SIZE
    assert kin in k.sched.host_fds                     # reading made room: watching again
    k.sched.host_fds[kin]()
    assert con.tty.read(None, 1 << 20) == b"x" * 100


def test_dev_tty_is_the_controlling_terminal_and_console_open_acquires_it(pipes):
    from kernel.devfs import ConsoleDriver, DevFS
    from kernel.errno import ENXIO
    (kin, _), (_, kout) = pipes(), pipes()
    leader = FakeProc(4)
    k = FakeKernel(leader)
    k.sched = FakeSched()
    devfs = DevFS()
    devfs.console = ConsoleDriver(kin, kout)
    devfs.console.start(k)
    k.sched.current = FakeThread(leader)
    with pytest.raises(Errno) as e:
        devfs.nodes["tty"].open(0)
    assert e.value.errno == ENXIO                      # no controlling terminal yet
    f = devfs.nodes["console"].open(2)                 # O_RDWR by a session leader
    assert devfs.console.tty.session == 4 and devfs.console.tty.pgrp == 4
    assert devfs.nodes["tty"].open(2).isatty() and f.isatty()
    devfs.console.stop()


def test_host_stream_reads_wait_for_the_host_fd_without_blocking_the_vm(pipes):
    from kernel.devfs import HostStream
    from kernel.uapi import O_RDONLY
    r, w = pipes()
    k = FakeKernel()
    k.sched = FakeSched()
    t = FakeThread(FakeProc(1))
    t.kernel = k
    f = HostStream(r, O_RDONLY)
    with pytest.raises(WouldBlock):
        f.read_for(t, 10)
    assert r in k.sched.host_fds                       # a one-shot watch
    os.write(w, b"data")
    k.sched.host_fds[r]()
    assert r not in k.sched.host_fds
    assert f.read_for(t, 10) == b"data"
    f.flags |= 0o4000                                  # O_NONBLOCK
    with pytest.raises(Errno) as e:
        f.read_for(t, 10)
    assert e.value.errno == EAGAIN


def test_session_leader_exit_hangs_up_the_terminal(term, job):
    term.pgrp = 5
    T.session_leader_exited(term.k, job.proc)          # not a leader: nothing happens
    assert term.session == 1
    T.session_leader_exited(term.k, term.shell.proc)
    assert term.sent == [(5, T.SIGHUP)] and term.session == 0 and term.pgrp == 0
