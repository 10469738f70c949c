"""The gdb remote stub: gdb's commands answered against a debug target.

The target (kernel/debug.py's Debugger, or a fake in tests) stops, resumes and inspects one
process; this module only speaks the protocol. The stub is all-stop: a stop of one thread stops
them all, and gdb is told with one stop reply. Bytes come in through `feed`, replies go out
through the `send` callable; a resume (c, s, vCont) is answered later, when the target calls
`stopped` or `exited`.

What the target offers: `desc` (the translator's gdb module: FEATURES, ARCHITECTURE,
BREAKPOINTS, and TYPES where registers have types of their own), `signal_names` (number ->
"SIGSEGV"), `pid`, `threads()`, `regs(tid)` (the thread's CPU state array), `read_memory`,
`write_memory`, `insert_breakpoint`, `remove_breakpoint`, `insert_watchpoint`,
`remove_watchpoint`, `resume(actions, default)`, `interrupt()`, `attach(pid)`, `detach()`,
`kill()`, `last_stop`, `exe_path()`, `auxv()`, `pass_signals(numbers)`.
"""
from jitvm.gdb import rsp
from translators import regfield

PACKET_SIZE = 0x4000        # the largest packet gdb may send us (qSupported's PacketSize)
FEATURES = ("PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;qXfer:exec-file:read+;"
            "qXfer:auxv:read+;vContSupported+;QPassSignals+" % PACKET_SIZE)


def _type_xml(decl):
    """One type a feature defines (gdb-target.dtd's vector, union, flags), from the tuple form
    translators/<isa>/gdb.py's TYPES uses."""
    kind, ident = decl[:2]
    if kind == "vector":
        return [f'<vector id="{ident}" type="{decl[2]}" count="{decl[3]}"/>']
    if kind == "union":
        return ([f'<union id="{ident}">']
                + [f'<field name="{name}" type="{t}"/>' for name, t in decl[2]] + ["</union>"])
    if kind == "flags":
        return ([f'<flags id="{ident}" size="{decl[2]}">']
                + [f'<field name="{name}" start="{lo}" end="{hi}"/>' for name, lo, hi in decl[3]]
                + ["</flags>"])
    raise ValueError(f"unknown gdb type kind {kind!r}")


def target_xml(desc):
    """The target description for `desc` (a translator's gdb module), one document. A feature's
    types (desc.TYPES, optional) come before its registers: gdb looks a register's type up as
    it parses the register, and rejects one it does not know yet."""
    types = getattr(desc, "TYPES", {})
    out = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
           '<target version="1.0">', f"<architecture>{desc.ARCHITECTURE}</architecture>",
           "<osabi>GNU/Linux</osabi>"]
    for feature, regs in desc.FEATURES:
        out.append(f'<feature name="{feature}">')
        for decl in types.get(feature, ()):
            out += _type_xml(decl)
        out += [f'<reg name="{name}" bitsize="{bits}" type="{kind}" regnum="{num}"/>'
                for num, name, bits, kind, _ in regs]
        out.append("</feature>")
    out.append("</target>")
    return "\n".join(out).encode()


def _parse_tid(text):
    """A thread id of H, T, vCont: -1 all, 0 any, else the tid (we never say multiprocess+,
    but accept its p<pid>.<tid> form)."""
    if text.startswith("p"):
        text = text.split(".", 1)[-1] if "." in text else "-1"
    return -1 if text == "-1" else int(text, 16)


class GdbStub:
    def __init__(self, target, send):
        self.target, self._send = target, send
        self.reader = rsp.Reader()
        self.ack = True             # until QStartNoAckMode
        self.waiting = False        # gdb resumed the target and waits for a stop reply
        self.gthread = 0            # Hg: whose registers g/p/m read (0: the stopped one)
        self.last_sent = b""
        self.closed = False
        self.extended = False       # `!`: gdb stays connected across detach, kill and exit
        self.regs = {num: (name, bits, where)
                     for _, regs in target.desc.FEATURES for num, name, bits, _, where in regs}
        self.xml = target_xml(target.desc)

    # ---- bytes in and out --------------------------------------------------------------------
    def feed(self, data):
        for kind, payload in self.reader.feed(data):
            if kind == "interrupt":
                if self.waiting:
                    self.target.interrupt()
            elif kind == "nak" and self.last_sent:
                self._raw(self.last_sent)
            elif kind == "bad":
                self._raw(b"-")
            elif kind == "packet":
                if self.ack:
                    self._raw(b"+")
                reply = self.handle(payload.decode("latin-1"))
                if reply is not None:
                    self.send(reply)
                if self.closed:
                    return

    def send(self, payload):
        self.last_sent = rsp.frame(payload)
        self._raw(self.last_sent)

    def _raw(self, data):
        self._send(data)

    # ---- events from the target ----------------------------------------------------------------
    def stopped(self, tid, sig, watch=None):
        if self.waiting:
            self.waiting = False
            self.send(self.stop_reply(("stop", tid, sig, watch)))

    def exited(self, code, sig):
        if self.waiting:
            self.waiting = False
            self.send(self.stop_reply(("exit", code, sig)))

    def stop_reply(self, stop):
        if stop is None:
            return "W00"                        # no process: what gdbserver --multi says
        kind, a, sig = stop[:3]
        if kind == "exit":
            return f"X{self._gdbsig(sig):02x}" if sig else f"W{a & 0xFF:02x}"
        watch = f"watch:{stop[3]:x};" if len(stop) > 3 and stop[3] is not None else ""
        return f"T{self._gdbsig(sig):02x}{watch}thread:{a:x};"

    def _gdbsig(self, sig):
        return rsp.gdb_signal(self.target.signal_names.get(sig, f"SIG{sig}")) if sig else 0

    def _linuxsig(self, gdbsig):
        name = rsp.signal_name(gdbsig)
        return next((n for n, s in self.target.signal_names.items() if s == name),
                    int(name[3:]) if name and name[3:].isdigit() else 0)

    # ---- commands --------------------------------------------------------------------------
    def handle(self, pkt):
        """The reply to one packet ("" = not supported), or None when it comes later."""
        t = self.target
        c, rest = pkt[:1], pkt[1:]
        if pkt.startswith("qSupported"):
            return FEATURES
        if pkt == "QStartNoAckMode":
            self.send("OK")
            self.ack = False
            return None
        if pkt == "!":
            self.extended = True
            return "OK"
        if c == "?":
            return self.stop_reply(t.last_stop)
        if c == "g":
            regs = self._regs()
            return "".join(self._reg_hex(regs, n) for n in sorted(self.regs)) if regs is not None \
                else "E01"
        if c == "G":
            return self._write_all(rest)
        if c == "p":
            n, regs = int(rest, 16), self._regs()
            return self._reg_hex(regs, n) if regs is not None and n in self.regs else "E01"
        if c == "P":
            n, value = rest.split("=")
            return self._write_reg(int(n, 16), rsp.from_le_hex(value))
        if c == "m":
            addr, n = (int(x, 16) for x in rest.split(","))
            data = t.read_memory(addr, n)
            return data.hex() if data else "E14"
        if c in "MX" and c:
            head, data = rest.split(":", 1)
            addr, n = (int(x, 16) for x in head.split(","))
            data = bytes.fromhex(data) if c == "M" else data.encode("latin-1")
            return "OK" if t.write_memory(addr, data[:n]) else "E14"
        if c in "Zz" and c:
            return self._breakpoint(c == "Z", rest)
        if c == "H":
            if rest[:1] == "g":
                self.gthread = max(_parse_tid(rest[1:]), 0)
            return "OK"
        if c == "T":
            return "OK" if _parse_tid(rest) in t.threads() else "E01"
        if c in "cCsS" and c:
            return self._legacy_resume(c, rest)
        if pkt.startswith("vCont"):
            return self._vcont(pkt)
        if pkt.startswith("vAttach;"):
            if not t.attach(int(pkt[8:], 16)):
                return "E01"
            self.gthread = 0
            return self.stop_reply(t.last_stop)
        if c == "D":
            t.detach()
            if self.extended:
                return "OK"
            self.send("OK")
            self.closed = True
            return None
        if c == "k" or pkt.startswith("vKill"):
            t.kill()
            if c == "k":                # gdb waits for no reply, and drops the connection
                self.closed = True
                return None
            return "OK"
        return self._query(pkt)

    def _query(self, pkt):
        t = self.target
        if pkt == "qC":
            tids = t.threads()
            stop = t.last_stop
            return f"QC{stop[1]:x}" if stop and stop[0] == "stop" else \
                (f"QC{tids[0]:x}" if tids else "")
        if pkt == "qfThreadInfo":
            tids = t.threads()
            return "m" + ",".join(f"{x:x}" for x in tids) if tids else "l"
        if pkt == "qsThreadInfo":
            return "l"
        if pkt.startswith("qAttached"):
            return "1" if t.attached else "0"
        if pkt.startswith("qXfer:features:read:"):
            annex, span = pkt[20:].split(":")
            return self._xfer(self.xml if annex == "target.xml" else None, span)
        if pkt.startswith("qXfer:exec-file:read:"):
            _, span = pkt[21:].split(":")
            exe = t.exe_path()
            return self._xfer(exe.encode() if exe else None, span)
        if pkt.startswith("qXfer:auxv:read:"):        # where a PIE program and ld.so were put
            _, span = pkt[16:].split(":")
            return self._xfer(t.auxv(), span)
        if pkt.startswith("QPassSignals:"):
            t.pass_signals({self._linuxsig(int(x, 16)) for x in pkt[13:].split(";") if x})
            return "OK"
        if pkt == "qSymbol::":
            return "OK"
        return ""

    @staticmethod
    def _xfer(data, span):
        if data is None:
            return "E00"
        off, n = (int(x, 16) for x in span.split(","))
        chunk = data[off:off + n]
        return ("l" if off + n >= len(data) else "m") + chunk.decode("latin-1")

    # ---- registers ---------------------------------------------------------------------------
    def _tid(self):
        if self.gthread > 0:
            return self.gthread
        stop = self.target.last_stop
        return stop[1] if stop and stop[0] == "stop" else 0

    def _regs(self):
        return self.target.regs(self._tid())

    def _reg_hex(self, regs, n):
        _, bits, where = self.regs[n]
        return rsp.le_hex(regfield.read(regs, where), bits // 8)

    def _write_reg(self, n, value, regs=None):
        regs = self._regs() if regs is None else regs
        if regs is None or n not in self.regs:
            return "E01"
        regfield.write(regs, self.regs[n][2], value)
        return "OK"

    def _write_all(self, text):
        regs = self._regs()
        if regs is None:
            return "E01"
        pos = 0
        for n in sorted(self.regs):
            width = self.regs[n][1] // 4
            if pos + width > len(text):
                break
            self._write_reg(n, rsp.from_le_hex(text[pos:pos + width]), regs)
            pos += width
        return "OK"

    # ---- breakpoints and resuming --------------------------------------------------------------
    def _breakpoint(self, insert, rest):
        kind, addr, size = rest.split(";")[0].split(",")
        addr = int(addr, 16)
        if kind == "2":                 # a write watchpoint (the target single-steps)
            t = self.target
            ok = t.insert_watchpoint(addr, int(size, 16)) if insert else \
                t.remove_watchpoint(addr)
            return "OK" if ok else "E01"
        if kind not in "01":            # read/access watchpoints: not supported
            return ""                   # (a hardware breakpoint, Z1, is a software one here)
        insn = self.target.desc.BREAKPOINTS.get(int(size, 16))
        if insn is None:
            return "E01"
        ok = self.target.insert_breakpoint(addr, insn) if insert else \
            self.target.remove_breakpoint(addr)
        return "OK" if ok else "E01"

    def _resume(self, actions, default):
        self.waiting, self.gthread = True, 0
        self.target.resume(actions, default)
        return None

    def _legacy_resume(self, c, rest):
        sig = 0
        if c in "CS":
            sig = self._linuxsig(int(rest.split(";")[0], 16))
        kind = c.lower()
        if kind == "c":
            return self._resume({}, ("c", sig))
        stop = self.target.last_stop
        tid = stop[1] if stop and stop[0] == "stop" else 0
        return self._resume({tid: ("s", sig)}, ("c", 0))

    def _vcont(self, pkt):
        if pkt == "vCont?":
            return "vCont;c;C;s;S;t"
        actions, default = {}, None
        for part in pkt[6:].split(";"):
            act, _, tid = part.partition(":")
            kind, sig = act[0], 0
            if kind in "CS":
                sig, kind = self._linuxsig(int(act[1:], 16)), kind.lower()
            if kind == "t":
                self.target.interrupt()
                continue
            if not tid or _parse_tid(tid) == -1:
                default = default or (kind, sig)
            else:
                actions.setdefault(_parse_tid(tid), (kind, sig))
        if not actions and default is None:
            return None
        return self._resume(actions, default)
