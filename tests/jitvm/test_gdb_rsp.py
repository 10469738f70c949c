"""The gdb stub's protocol layers without a machine: packet framing (jitvm/gdb/rsp.py) and the
commands (jitvm/gdb/stub.py) against a fake target, for both ISAs' register tables."""
import importlib

import numpy as np
import pytest

from jitvm.gdb import rsp
from jitvm.gdb.stub import GdbStub, target_xml


# ---- packets --------------------------------------------------------------------------------
def test_frame_and_checksum():
    assert rsp.frame("OK") == b"$OK#9a"
    assert rsp.frame("") == b"$#00"
    assert rsp.checksum(b"qSupported") == sum(b"qSupported") % 256


def test_escape_round_trip():
    raw = bytes(range(256))
    esc = rsp.escape(raw)
    assert not any(b in esc for b in b"$#*") and rsp.unescape(esc) == raw
    assert rsp.escape(b"}") == b"}]"


def test_reader_splits_acks_packets_and_interrupts_across_feeds():
    r = rsp.Reader()
    assert r.feed(b"+$qC#b") == [("ack", None)]             # the packet is not complete yet
    assert r.feed(b"4\x03-") == [("packet", b"qC"), ("interrupt", None), ("nak", None)]
    assert r.feed(b"$qC#00") == [("bad", None)]
    assert r.feed(rsp.frame(b"X10,2:}]*")) == [("packet", b"X10,2:}]*")]


def test_hex_values_are_little_endian():
    assert rsp.le_hex(0x1122, 4) == "22110000"
    assert rsp.le_hex(-1, 2) == "ffff"
    assert rsp.from_le_hex("22110000") == 0x1122


def test_signal_numbers_are_gdbs_not_linuxs():
    assert rsp.gdb_signal("SIGBUS") == 10 and rsp.gdb_signal("SIGUSR1") == 30
    assert rsp.gdb_signal("SIG34") == 46 and rsp.signal_name(11) == "SIGSEGV"


# ---- commands against a fake target ----------------------------------------------------------
LINUX = {2: "SIGINT", 5: "SIGTRAP", 7: "SIGBUS", 9: "SIGKILL", 11: "SIGSEGV", 10: "SIGUSR1",
         14: "SIGALRM", 17: "SIGCHLD"}


class FakeTarget:
    def __init__(self, isa):
        self.desc = importlib.import_module(f"translators.{isa}.gdb")
        self.cpu = importlib.import_module(f"translators.{isa}.cpu")
        self.signal_names = LINUX
        self.regs_ = {7: self.cpu.new_regs(), 8: self.cpu.new_regs()}
        self.mem = {0x1000 + i: i for i in range(16)}
        self.last_stop = ("stop", 7, 5)
        self.attached = False
        self.calls = []
        self.bps = {}

    def threads(self):
        return sorted(self.regs_)

    def regs(self, tid):
        return self.regs_.get(tid or 7)

    def read_memory(self, addr, n):
        out = bytearray()
        while len(out) < n and addr + len(out) in self.mem:
            out.append(self.mem[addr + len(out)])
        return bytes(out)

    def write_memory(self, addr, data):
        if addr not in self.mem:
            return False
        for i, b in enumerate(data):
            self.mem[addr + i] = b
        return True

    def insert_breakpoint(self, addr, insn):
        self.bps[addr] = insn
        return True

    def remove_breakpoint(self, addr):
        self.bps.pop(addr, None)
        return True

    def insert_watchpoint(self, addr, n):
        self.calls.append(("watch", addr, n))
        return addr in self.mem

    def remove_watchpoint(self, addr):
        self.calls.append(("unwatch", addr))
        return True

    def resume(self, actions, default):
        self.calls.append(("resume", actions, default))

    def interrupt(self):
        self.calls.append(("interrupt",))

    def detach(self):
        self.calls.append(("detach",))

    def kill(self):
        self.calls.append(("kill",))

    def attach(self, pid):
        return pid == 7

    def exe_path(self):
        return "/bin/prog"

    def pass_signals(self, numbers):
        self.calls.append(("pass", numbers))


@pytest.fixture(params=["riscv64", "loongarch64", "aarch64"])
def stub(request):
    target = FakeTarget(request.param)
    sent = []
    s = GdbStub(target, sent.append)
    s.sent, s.t = sent, target
    return s


def packets(stub):
    """The payloads the stub sent since the last call (acks dropped)."""
    out = [e[1].decode("latin-1") for e in rsp.Reader().feed(b"".join(stub.sent))
           if e[0] == "packet"]
    stub.sent.clear()
    return out


def test_acks_until_no_ack_mode(stub):
    stub.feed(rsp.frame("qSupported:multiprocess+;swbreak+"))
    assert stub.sent[0] == b"+" and "PacketSize=4000" in packets(stub)[0]
    stub.feed(rsp.frame("QStartNoAckMode"))
    assert packets(stub) == ["OK"]
    stub.feed(rsp.frame("qC"))
    assert stub.sent[0] != b"+" and packets(stub) == ["QC7"]
    stub.feed(b"$qC#00")
    assert stub.sent == [b"-"]


def test_target_description_numbers_every_register(stub):
    xml = target_xml(stub.t.desc).decode()
    assert xml.count("<reg ") == len(stub.regs) and stub.t.desc.ARCHITECTURE in xml
    stub.feed(rsp.frame("qXfer:features:read:target.xml:0,20"))
    first = packets(stub)[0]
    assert first.startswith("m<?xml") and len(first) == 0x21
    stub.feed(rsp.frame(f"qXfer:features:read:target.xml:0,{len(xml) + 10:x}"))
    assert packets(stub)[0] == "l" + xml


def test_registers_read_and_written_by_gdb_number(stub):
    regs, cpu = stub.t.regs_[7], stub.t.cpu
    regs[cpu.PC] = 0x10554
    if stub.t.desc.ARCHITECTURE == "riscv:rv64":
        regs[cpu.FCSR] = 0b101_00011       # riscv: frm 5, fflags 3
    pc_num = next(n for n, (name, _, _) in stub.regs.items() if name == "pc")
    assert stub.handle(f"p{pc_num:x}") == rsp.le_hex(0x10554, 8)
    g = stub.handle("g")
    assert len(g) == sum(bits // 4 for _, bits, _ in stub.regs.values())
    assert stub.handle(f"P{pc_num:x}={rsp.le_hex(0x20000, 8)}") == "OK"
    assert regs[cpu.PC] == 0x20000
    if stub.t.desc.ARCHITECTURE == "riscv:rv64":
        assert stub.handle("p42") == rsp.le_hex(3, 4) and stub.handle("p43") == rsp.le_hex(5, 4)
        assert stub.handle(f"P43={rsp.le_hex(1, 4)}") == "OK"
        assert regs[cpu.FCSR] == 0b001_00011   # only frm changed
    if stub.t.desc.ARCHITECTURE == "aarch64":      # registers made of several slots
        regs[cpu.ZF], regs[cpu.CF], regs[cpu.V0 + 2], regs[cpu.V0 + 3] = 1, 1, 5, -1
        assert stub.handle("p21") == rsp.le_hex(0x6000_0000, 4)            # cpsr: Z, C
        assert stub.handle("p23") == rsp.le_hex(5 | ((1 << 64) - 1) << 64, 16)   # v1
        assert stub.handle(f"P21={rsp.le_hex(0x9000_0000, 4)}") == "OK"    # N, V
        assert [regs[cpu.NF], regs[cpu.ZF], regs[cpu.CF], regs[cpu.VF]] == [1, 0, 0, 1]
        assert stub.handle(f"P23={rsp.le_hex(7 << 64 | 9, 16)}") == "OK"
        assert (regs[cpu.V0 + 2], regs[cpu.V0 + 3]) == (9, 7)
    assert stub.handle("P1=" + rsp.le_hex(-2, 8)) == "OK" and regs[1] == -2
    assert stub.handle("G" + g) == "OK" and regs[cpu.PC] == 0x10554
    assert stub.handle("Hg8") == "OK" and stub.handle(f"p{pc_num:x}") == rsp.le_hex(0, 8)


def test_memory_and_breakpoints(stub):
    assert stub.handle("m1002,4") == "02030405"
    assert stub.handle("m9000,4") == "E14"
    assert stub.handle("M1000,2:aabb") == "OK" and stub.t.mem[0x1001] == 0xBB
    assert stub.handle("X1004,1:}]") == "OK" and stub.t.mem[0x1004] == ord("}")
    assert stub.handle("Z0,1000,4") == "OK"
    assert stub.t.bps[0x1000] == stub.t.desc.BREAKPOINTS[4]
    assert stub.handle("z0,1000,4") == "OK" and not stub.t.bps
    assert stub.handle("Z2,1000,4") == "OK" and stub.t.calls[-1] == ("watch", 0x1000, 4)
    assert stub.handle("Z2,9000,4") == "E01" and stub.handle("z2,1000,4") == "OK"
    assert stub.handle("Z3,1000,4") == "" and stub.handle("Z4,1000,4") == ""   # read, access
    stub.handle("c")
    stub.stopped(7, 5, 0x1000)
    assert packets(stub) == ["T05watch:1000;thread:7;"]


def test_resume_waits_for_the_stop_and_maps_signals(stub):
    assert stub.handle("vCont?") == "vCont;c;C;s;S;t"
    assert stub.handle("vCont;s:7;c") is None
    assert stub.t.calls[-1] == ("resume", {7: ("s", 0)}, ("c", 0))
    stub.stopped(8, 11)                             # Linux SIGSEGV
    assert packets(stub) == ["T0bthread:8;"]
    stub.stopped(8, 11)                             # not waiting: nothing sent
    assert packets(stub) == []
    stub.handle("vCont;C0a:8")                      # gdb's SIGBUS -> Linux 7
    assert stub.t.calls[-1] == ("resume", {8: ("c", 7)}, None)
    stub.feed(b"\x03")
    assert stub.t.calls[-1] == ("interrupt",)
    stub.exited(3, 0)
    assert packets(stub) == ["W03"]
    stub.handle("c")
    stub.exited(0, 9)
    assert packets(stub) == ["X09"]


def test_threads_attach_detach_kill(stub):
    assert stub.handle("qfThreadInfo") == "m7,8" and stub.handle("qsThreadInfo") == "l"
    assert stub.handle("T8") == "OK" and stub.handle("T9") == "E01"
    assert stub.handle("?") == "T05thread:7;"
    assert stub.handle("vAttach;7") == "T05thread:7;" and stub.handle("vAttach;5") == "E01"
    assert stub.handle("qXfer:exec-file:read::0,100") == "l/bin/prog"
    assert stub.handle("QPassSignals:e;14") == "OK"          # gdb's SIGALRM and SIGCHLD
    assert stub.t.calls[-1] == ("pass", {14, 17})
    stub.feed(rsp.frame("D"))
    assert stub.closed and stub.t.calls[-1] == ("detach",) and packets(stub) == ["OK"]
