"""Network interfaces as tools see them (Linux net/core/dev_ioctl.c, net/core/net-procfs.c): the
SIOCGIF* ioctls any socket answers, and /proc/net/dev and /proc/net/if_inet6. With the kernel's
own loopback (kernel/inet.py) there is one interface, `lo` (127.0.0.1/8, ::1/128, MTU 65536).

Setting interface state (SIOCSIFFLAGS: `ifconfig lo up`) is accepted from root and changes
nothing -- lo is always up; the other SIOCSIF* requests are EPERM for others and EOPNOTSUPP for
root. The packet counters of /proc/net/dev stay 0: data never travels as packets here.
"""
import socket
import struct

from kernel.errno import ENODEV, EOPNOTSUPP, EPERM, Errno
from kernel.uapi import (AF_INET, ARPHRD_LOOPBACK, IFCONF, IFF_LOOPBACK, IFF_RUNNING, IFF_UP,
                         IFNAMSIZ, IFREQ_SIZE, SIOCGIFADDR, SIOCGIFBRDADDR, SIOCGIFCONF,
                         SIOCGIFDSTADDR, SIOCGIFFLAGS, SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFMAP,
                         SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFNAME, SIOCGIFNETMASK, SIOCGIFTXQLEN,
                         SIOCSIFFLAGS)


class Interface:
    def __init__(self, name, index, flags, mtu, addr, netmask, hwtype):
        self.name, self.index, self.flags, self.mtu = name, index, flags, mtu
        self.addr, self.netmask, self.hwtype = addr, netmask, hwtype


INTERFACES = [Interface("lo", 1, IFF_UP | IFF_LOOPBACK | IFF_RUNNING, 65536, "127.0.0.1",
                        "255.0.0.0", ARPHRD_LOOPBACK)]
GETTERS = {SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK,
           SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFTXQLEN, SIOCGIFMAP,
           SIOCGIFNAME}


def handles(request):
    """Is this one of the interface requests (0x8910-0x8970) every socket passes here?"""
    return 0x8910 <= request <= 0x8970


def _sin(addr):
    return struct.pack("<H", AF_INET) + bytes(2) + socket.inet_aton(addr) + bytes(8)


def _union(iface, request):
    """The 24-byte union of a struct ifreq answering `request`."""
    if request == SIOCGIFFLAGS:
        body = struct.pack("<H", iface.flags)
    elif request in (SIOCGIFADDR, SIOCGIFDSTADDR):
        body = _sin(iface.addr)
    elif request == SIOCGIFNETMASK:
        body = _sin(iface.netmask)
    elif request == SIOCGIFBRDADDR:
        body = _sin("0.0.0.0")
    elif request == SIOCGIFHWADDR:
        body = struct.pack("<H", iface.hwtype) + bytes(14)
    elif request == SIOCGIFMTU:
        body = struct.pack("<i", iface.mtu)
    elif request == SIOCGIFINDEX:
        body = struct.pack("<i", iface.index)
    elif request == SIOCGIFTXQLEN:
        body = struct.pack("<i", 1000)
    else:                               # SIOCGIFMETRIC 0, SIOCGIFMAP all zero
        body = b""
    return body.ljust(IFREQ_SIZE - IFNAMSIZ, b"\0")


def ioctl(t, request, arg):
    """An interface ioctl on any socket (sock_ioctl -> dev_ioctl)."""
    mm = t.proc.mm
    if request == SIOCGIFCONF:
        length, buf = IFCONF.unpack(mm.read(arg, IFCONF.size))
        out = b"".join(iface.name.encode().ljust(IFNAMSIZ, b"\0") + _union(iface, SIOCGIFADDR)
                       for iface in INTERFACES)
        if buf:                         # as many whole entries as fit; NULL asks for the size
            out = out[:max(0, length) // IFREQ_SIZE * IFREQ_SIZE]
            mm.write(buf, out)
        mm.write(arg, struct.pack("<i", len(out)))
        return 0
    req = mm.read(arg, IFREQ_SIZE)
    if request == SIOCGIFNAME:
        index = struct.unpack_from("<i", req, IFNAMSIZ)[0]
        iface = next((i for i in INTERFACES if i.index == index), None)
        if iface is None:
            raise Errno(ENODEV)
        mm.write(arg, iface.name.encode().ljust(IFNAMSIZ, b"\0"))
        return 0
    name = req[:IFNAMSIZ].split(b"\0", 1)[0].decode(errors="replace")
    iface = next((i for i in INTERFACES if i.name == name), None)
    if request not in GETTERS:
        if t.proc.creds.euid != 0:
            raise Errno(EPERM)
        if iface is None:
            raise Errno(ENODEV)
        if request == SIOCSIFFLAGS:
            return 0                    # lo stays up (module docstring)
        raise Errno(EOPNOTSUPP)
    if iface is None:
        raise Errno(ENODEV)
    mm.write(arg + IFNAMSIZ, _union(iface, request))
    return 0


def proc_net_dev():
    head = ("Inter-|   Receive                                                |  Transmit\n"
            " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
            "errs drop fifo colls carrier compressed\n")
    return head + "".join(f"{i.name:>6}:" + " ".join(["       0"] * 2 + ["   0"] * 4
                                                      + ["         0", "        0"]
                                                      + ["       0"] * 2 + ["   0"] * 4
                                                      + ["      0", "         0"]) + "\n"
                          for i in INTERFACES)


def proc_if_inet6():
    """/proc/net/if_inet6: address, index, prefix length, scope (0x10: host), flags, name."""
    return "00000000000000000000000000000001 01 80 10 80       lo\n"


PROC_FILES = {"dev": proc_net_dev, "if_inet6": proc_if_inet6}     # kernel/sock.py's PROC_NET
