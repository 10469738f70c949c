"""QEMU's Ctrl-A prefix on the boot console (`jitvm boot`): the keys reach the machine monitor
(kernel/monitor.py) without a second terminal.

  Ctrl-A c        switch between the guest's console and the monitor ("(jitvm) " prompt)
  Ctrl-A Ctrl-A   type a Ctrl-A into the guest
  Ctrl-A h        list these keys

In the monitor the host terminal is still raw, so this module echoes and edits the line itself
(backspace, ^U; Enter runs it). The guest runs on meanwhile; what it prints still shows.
"""
CTRL_A = 0x01
HELP = (b"\r\nC-a c    switch between console and monitor\r\nC-a C-a  type C-a\r\n"
        b"C-a h    this help\r\n")


class ConsoleEscape:
    def __init__(self, write, make_monitor):
        self.write = write                  # bytes -> the host terminal
        self.make_monitor = make_monitor    # () -> the Monitor (made on first use)
        self.monitor = None
        self.in_monitor = False
        self.prefix = False                 # the last byte was Ctrl-A
        self.line = bytearray()

    def filter(self, data):
        """Bytes from the keyboard -> the bytes for the guest's line discipline."""
        out = bytearray()
        for b in data:
            if self.prefix:
                self.prefix = False
                if b == ord("c"):
                    self._toggle()
                elif b == ord("h"):
                    self.write(HELP)
                elif self.in_monitor:
                    continue
                else:
                    out += bytes([CTRL_A]) if b == CTRL_A else bytes([CTRL_A, b])
            elif b == CTRL_A:
                self.prefix = True
            elif self.in_monitor:
                self._key(b)
            else:
                out.append(b)
        return bytes(out)

    def _toggle(self):
        self.in_monitor = not self.in_monitor
        self.line.clear()
        if self.in_monitor:
            if self.monitor is None:
                self.monitor = self.make_monitor()
            self.write(b"\r\njitvm monitor -- type help; C-a c goes back to the console\r\n"
                       b"(jitvm) ")
        else:
            self.write(b"\r\n")

    def _key(self, b):
        if b in (0x7F, 0x08):               # backspace
            if self.line:
                self.line.pop()
                self.write(b"\b \b")
        elif b == 0x15:                     # ^U
            self.write(b"\b \b" * len(self.line))
            self.line.clear()
        elif b in (0x0D, 0x0A):
            text = self.line.decode(errors="replace").strip()
            self.line.clear()
            self.write(b"\r\n")
            if text:
                reply = self.monitor.command(text)
                self.write(reply.replace("\n", "\r\n").encode(errors="replace"))
            self.write(b"(jitvm) ")
        elif b >= 0x20:
            self.line.append(b)
            self.write(bytes([b]))
