"""Network interfaces as tools see them (Linux net/core/dev_ioctl.c, net/core/net-procfs.c): the
SIOCGIF* ioctls any socket answers, and /proc/net/dev and /proc/net/if_inet6. With the kernel's
own loopback (kernel/inet.py) there is one interface, `lo` (127.0.0.1/8, ::1/128, MTU 65536);
under --net host (kernel/hostnet.py) also `eth0`, mirroring the host's first interface that has
an IPv4 address (its address, netmask, MTU and up/running state), since guest sockets then
reach what the host reaches.

Setting interface state (SIOCSIFFLAGS: `ifconfig lo up`) is accepted from root and changes
nothing -- lo is always up; the other SIOCSIF* requests are EPERM for others and EOPNOTSUPP for
root. The packet counters of /proc/net/dev stay 0: data never travels as packets here.
"""
import fcntl
import socket
import struct

from kernel.errno import ENODEV, EOPNOTSUPP, EPERM, Errno
from kernel.uapi import (AF_INET, ARPHRD_ETHER, ARPHRD_LOOPBACK, IFF_BROADCAST,
                         IFF_MULTICAST, IFF_LOOPBACK, IFF_RUNNING, IFF_UP,
                         IFNAMSIZ, IFREQ_SIZE, SIOCGIFADDR, SIOCGIFBRDADDR, SIOCGIFCONF,
                         SIOCGIFDSTADDR, SIOCGIFFLAGS, SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFMAP,
                         SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFNAME, SIOCGIFNETMASK, SIOCGIFTXQLEN,
                         SIOCSIFFLAGS, ifconf, ifreq_size)


class Interface:
    def __init__(self, name, index, flags, mtu, addr, netmask, hwtype):
        self.name, self.index, self.flags, self.mtu = name, index, flags, mtu
        self.addr, self.netmask, self.hwtype = addr, netmask, hwtype


INTERFACES = [Interface("lo", 1, IFF_UP | IFF_LOOPBACK | IFF_RUNNING, 65536, "127.0.0.1",
                        "255.0.0.0", ARPHRD_LOOPBACK)]
GETTERS = {SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK,
           SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFTXQLEN, SIOCGIFMAP,
           SIOCGIFNAME}


def mirror_host():
    """--net host: add eth0, the host's first interface with an IPv4 address, as the guest's
    second interface. Returns its description for the log, or None if the host has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _, name in socket.if_nameindex():
            if name == "lo":
                continue
            req = name.encode()[:IFNAMSIZ - 1].ljust(IFREQ_SIZE, b"\0")
            try:    # the host's own interface requests (Linux numbers them as the guest does)
                addr = socket.inet_ntoa(fcntl.ioctl(s, SIOCGIFADDR, req)[20:24])
                mask = socket.inet_ntoa(fcntl.ioctl(s, SIOCGIFNETMASK, req)[20:24])
                flags = struct.unpack_from("<H", fcntl.ioctl(s, SIOCGIFFLAGS, req), 16)[0]
                mtu = struct.unpack_from("<i", fcntl.ioctl(s, SIOCGIFMTU, req), 16)[0]
            except OSError:
                continue                # no IPv4 address
            keep = IFF_UP | IFF_RUNNING | IFF_BROADCAST | IFF_MULTICAST
            INTERFACES.append(Interface("eth0", 2, flags & keep, mtu, addr, mask, ARPHRD_ETHER))
            return f"eth0 mirrors the host's {name} ({addr}/{mask})"
    return None


def handles(request):
    """Is this one of the interface requests (0x8910-0x8970) every socket passes here?"""
    return 0x8910 <= request <= 0x8970


def _sin(addr):
    return struct.pack("<H", AF_INET) + bytes(2) + socket.inet_aton(addr) + bytes(8)


def _union(iface, request, size=IFREQ_SIZE):
    """The union of a struct ifreq of `size` bytes answering `request`."""
    if request == SIOCGIFFLAGS:
        body = struct.pack("<H", iface.flags)
    elif request in (SIOCGIFADDR, SIOCGIFDSTADDR):
        body = _sin(iface.addr)
    elif request == SIOCGIFNETMASK:
        body = _sin(iface.netmask)
    elif request == SIOCGIFBRDADDR:
        a, m = (struct.unpack(">I", socket.inet_aton(x))[0] for x in (iface.addr, iface.netmask))
        body = _sin(socket.inet_ntoa(struct.pack(">I", a | ~m & 0xFFFFFFFF))
                    if iface.flags & IFF_BROADCAST else "0.0.0.0")
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
    return body.ljust(size - IFNAMSIZ, b"\0")


def ioctl(t, request, arg):
    """An interface ioctl on any socket (sock_ioctl -> dev_ioctl)."""
    mm, size, conf = t.proc.mm, ifreq_size(t.kernel.abi), ifconf(t.kernel.abi)
    if request == SIOCGIFCONF:
        length, buf = conf.unpack(mm.read(arg, conf.size))
        out = b"".join(iface.name.encode().ljust(IFNAMSIZ, b"\0")
                       + _union(iface, SIOCGIFADDR, size) for iface in INTERFACES)
        if buf:                         # as many whole entries as fit; NULL asks for the size
            out = out[:max(0, length) // size * size]
            mm.write(buf, out)
        mm.write(arg, struct.pack("<i", len(out)))
        return 0
    req = mm.read(arg, size)
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
    mm.write(arg + IFNAMSIZ, _union(iface, request, size))
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
