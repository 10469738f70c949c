"""`jitvm monitor ADDRESS [COMMAND...]`: the client of a running machine's monitor
(kernel/monitor.py). With commands it runs them and exits; without, it reads commands from stdin
(a terminal gets the prompt). ADDRESS is what the machine printed: unix:PATH, tcp:PORT, a PORT
or a PATH."""
import os
import socket
import sys

PROMPT = b"(jitvm) "


def connect(address):
    kind, _, rest = address.partition(":")
    if not rest:
        kind, rest = ("tcp" if address.isdigit() else "unix"), address
    if kind == "tcp":
        return socket.create_connection(("127.0.0.1", int(rest)), timeout=30)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(rest)
    return s


def _until_prompt(s, buf=b""):
    while not buf.endswith(PROMPT):
        data = s.recv(65536)
        if not data:
            raise ConnectionError("the machine closed the monitor")
        buf += data
    return buf[:-len(PROMPT)]


def main(address, commands):
    try:
        s = connect(address)
        greeting = _until_prompt(s)
    except OSError as e:
        print(f"jitvm monitor: cannot reach {address}: {e}", file=sys.stderr)
        return 1
    interactive = not commands and os.isatty(0)
    if interactive:
        sys.stdout.write((greeting + PROMPT).decode(errors="replace"))
        sys.stdout.flush()
    lines = commands or (line.rstrip("\n") for line in sys.stdin)
    try:
        for line in lines:
            s.sendall(line.encode() + b"\n")
            if line.strip() in ("quit", "q"):
                break
            sys.stdout.write(_until_prompt(s).decode(errors="replace"))
            if interactive:
                sys.stdout.write(PROMPT.decode())
            sys.stdout.flush()
    except (OSError, ConnectionError) as e:
        print(f"jitvm monitor: {e}", file=sys.stderr)
        return 1
    return 0
