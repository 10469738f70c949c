"""The gdb stub's socket: listens on 127.0.0.1:PORT, one gdb at a time, and feeds its bytes to a
GdbStub. The machine polls the sockets (`watch(fd, callback)`: the kernel's host fds, read by
CPU 0 between time slices and while idle), so gdb's packets are handled with the kernel lock
held and never race the guest. When gdb goes away -- the connection closes, a read or a send
fails, a send stalls for SEND_TIMEOUT -- the target is detached and the guest runs on.
"""
import socket

from jitvm.gdb.stub import GdbStub

SEND_TIMEOUT = 5.0      # seconds a reply may wait for gdb to read before gdb counts as gone


class GdbServer:
    def __init__(self, target, port, watch, unwatch, log):
        self.target, self.watch, self.unwatch, self.log = target, watch, unwatch, log
        self.conn = self.stub = None
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]

    def wait_for_client(self):
        """Block until gdb connects (`jitvm run -g`); later connections are refused."""
        self.log(f"waiting for gdb on 127.0.0.1:{self.port} "
                 f"(gdb-multiarch PROGRAM -ex 'target remote :{self.port}')")
        conn, _ = self.sock.accept()
        self.sock.close()
        self.sock = None
        self._connected(conn)

    def accept_any_time(self):
        """gdb may connect whenever (`jitvm boot -g`), one at a time."""
        self.sock.setblocking(False)
        self.watch(self.sock.fileno(), self._accept)
        self.log(f"gdb stub on 127.0.0.1:{self.port} (target extended-remote :{self.port}, "
                 "then attach PID)")

    def _accept(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        if self.conn is not None:
            conn.close()                    # one debugger at a time
            return
        self._connected(conn)

    def _connected(self, conn):
        conn.settimeout(SEND_TIMEOUT)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = conn
        self.stub = GdbStub(self.target, self._send)
        self.target.listener = self.stub
        self.watch(conn.fileno(), self._readable)

    def _readable(self):
        conn = self.conn
        if conn is None:
            return
        try:
            data = conn.recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._gone("gdb closed the connection")
            return
        self.stub.feed(data)
        if self.stub is not None and self.stub.closed:
            self._close()

    def _send(self, data):
        if self.conn is None:
            return
        try:
            self.conn.sendall(data)
        except OSError:
            self._gone("gdb stopped reading")

    def _gone(self, why):
        if self.conn is None:
            return
        self.log(f"{why}: detached, the program runs on")
        self._close()
        self.target.detach()

    def _close(self):
        conn, self.conn, self.stub = self.conn, None, None
        self.target.listener = None
        if conn is not None:
            self.unwatch(conn.fileno())
            conn.close()

    def close(self):
        self._close()
        if self.sock is not None:
            self.unwatch(self.sock.fileno())
            self.sock.close()
            self.sock = None
