"""The gdb remote serial protocol's packet layer: framing, checksums, escaping, acks, hex.

A packet is `$payload#cs` with cs the payload's byte sum mod 256 in two hex digits; inside a
payload the bytes $ # } * are sent as } followed by the byte xor 0x20. Until
QStartNoAckMode each packet is answered with + (good checksum) or - (resend). A lone 0x03
outside a packet is ^C. Nothing here knows a command; jitvm/gdb/stub.py does.
"""
INTERRUPT = b"\x03"
_ESCAPED = b"$#}*"


def checksum(data):
    return sum(data) & 0xFF


def escape(payload):
    out = bytearray()
    for b in payload:
        if b in _ESCAPED:
            out += bytes((0x7D, b ^ 0x20))
        else:
            out.append(b)
    return bytes(out)


def unescape(data):
    out, i = bytearray(), 0
    while i < len(data):
        if data[i] == 0x7D and i + 1 < len(data):
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def frame(payload):
    """The bytes that send `payload` (bytes or str)."""
    if isinstance(payload, str):
        payload = payload.encode("latin-1")
    body = escape(payload)
    return b"$" + body + b"#" + b"%02x" % checksum(body)


class Reader:
    """Splits the byte stream from gdb into events: ("packet", payload), ("interrupt", None),
    ("ack", None), ("nak", None) and ("bad", None) for a packet whose checksum is wrong."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        events = []
        while self.buf:
            c = self.buf[0]
            if c == 0x24:                                   # $
                end = self.buf.find(b"#")
                if end < 0 or len(self.buf) < end + 3:
                    break                                   # the rest comes later
                body, cs = bytes(self.buf[1:end]), bytes(self.buf[end + 1:end + 3])
                del self.buf[:end + 3]
                try:
                    good = int(cs, 16) == checksum(body)
                except ValueError:
                    good = False
                events.append(("packet", unescape(body)) if good else ("bad", None))
            else:
                del self.buf[:1]
                if c == 0x03:
                    events.append(("interrupt", None))
                elif c == 0x2B:                             # +
                    events.append(("ack", None))
                elif c == 0x2D:                             # -
                    events.append(("nak", None))
                # anything else between packets is noise; gdb never sends it
        return events


# ---- values -------------------------------------------------------------------------------------
def le_hex(value, nbytes):
    """value as gdb's register hex: target (little-endian) byte order."""
    return (value & ((1 << 8 * nbytes) - 1)).to_bytes(nbytes, "little").hex()


def from_le_hex(text):
    return int.from_bytes(bytes.fromhex(text), "little")


def hex_name(text):
    """qXfer annexes, monitor commands...: hex-encoded ASCII."""
    return bytes.fromhex(text).decode("latin-1")


# gdb's own signal numbers (include/gdb/signals.def), which the protocol uses whatever the
# target's are: SIGBUS is 10 there and 7 on Linux.
GDB_SIGNALS = {
    "SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGILL": 4, "SIGTRAP": 5, "SIGABRT": 6,
    "SIGEMT": 7, "SIGFPE": 8, "SIGKILL": 9, "SIGBUS": 10, "SIGSEGV": 11, "SIGSYS": 12,
    "SIGPIPE": 13, "SIGALRM": 14, "SIGTERM": 15, "SIGURG": 16, "SIGSTOP": 17, "SIGTSTP": 18,
    "SIGCONT": 19, "SIGCHLD": 20, "SIGTTIN": 21, "SIGTTOU": 22, "SIGIO": 23, "SIGXCPU": 24,
    "SIGXFSZ": 25, "SIGVTALRM": 26, "SIGPROF": 27, "SIGWINCH": 28, "SIGUSR1": 30,
    "SIGUSR2": 31, "SIGPWR": 32, "SIG32": 77, "SIG64": 78,
    **{f"SIG{n}": 45 + n - 33 for n in range(33, 64)},
}
_BY_NUMBER = {v: k for k, v in GDB_SIGNALS.items()}


def gdb_signal(name):
    """gdb's number for a signal name ("SIGSEGV", or "SIG40" for a real-time one)."""
    return GDB_SIGNALS.get(name, 143)                       # GDB_SIGNAL_UNKNOWN


def signal_name(number):
    return _BY_NUMBER.get(number)
