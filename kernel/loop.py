"""The loop driver (Linux drivers/block/loop.c): block devices whose sectors are a file's bytes,
so a disk image can be mounted (kernel/ext2.py) -- `mount -o loop disk.img /mnt`, losetup.

  /dev/loop-control  char 10:237   LOOP_CTL_GET_FREE (an unbound device, made if none is),
                                    LOOP_CTL_ADD, LOOP_CTL_REMOVE
  /dev/loopN         block 7:N     devfs makes loop0..7 (kernel/devfs.py), more as they are added

A loop device is unbound until LOOP_SET_FD or LOOP_CONFIGURE binds it to an open file (a regular
file or another block device); then read/write/lseek of the device are the file's bytes from
lo_offset on, for lo_sizelimit bytes (0: to the file's end), in whole 512-byte sectors.
Ioctls on a loop device: LOOP_SET_FD, LOOP_CONFIGURE, LOOP_CLR_FD, LOOP_SET_STATUS64,
LOOP_GET_STATUS64, LOOP_SET_CAPACITY, LOOP_SET_BLOCK_SIZE; on any block device BLKGETSIZE64,
BLKGETSIZE, BLKSSZGET, BLKBSZGET, BLKROGET, BLKFLSBUF. Not implemented (ENOTTY): the old 32-bit
LOOP_SET_STATUS/LOOP_GET_STATUS, LOOP_CHANGE_FD, LOOP_SET_DIRECT_IO; LO_FLAGS_PARTSCAN is kept
but no partition table is read (there are no /dev/loopNpM).

The device is read-only (LO_FLAGS_READ_ONLY) if the file or the device was opened without write
access, or LOOP_CONFIGURE asked; a write then fails with EPERM, as blkdev_write_iter's.
LO_FLAGS_AUTOCLEAR (what mount -o loop sets) unbinds the device when its last user is gone: no
open file of the device and no mount of it. A mount is noticed gone when the device is next looked
at (opened, asked, closed), so what the guest sees is the same as Linux's clear at umount.
"""
from kernel import params
from kernel.errno import EBADF, EBUSY, EEXIST, EINVAL, ENODEV, ENOSPC, ENOTTY, ENXIO, EPERM, Errno
from kernel.uapi import (BLKBSZGET, BLKFLSBUF, BLKGETSIZE, BLKGETSIZE64, BLKROGET, BLKSSZGET,
                         LO_FLAGS_AUTOCLEAR, LO_FLAGS_DIRECT_IO, LO_FLAGS_PARTSCAN,
                         LO_FLAGS_READ_ONLY, LO_NAME_SIZE, LOOP_CLR_FD, LOOP_CONFIG, LOOP_CONFIGURE,
                         LOOP_CTL_ADD, LOOP_CTL_GET_FREE, LOOP_CTL_REMOVE, LOOP_GET_STATUS64,
                         LOOP_INFO64, LOOP_SET_BLOCK_SIZE, LOOP_SET_CAPACITY, LOOP_SET_FD,
                         LOOP_SET_STATUS64, O_PATH, S_IFBLK, S_IFMT, S_IFREG, as_int, makedev)
from kernel.vfs import File

LOOP_MAJOR, LOOP_CTRL_MINOR, MISC_MAJOR = 7, 237, 10
SECTOR = 512
# What LOOP_SET_STATUS may set and clear, and LOOP_CONFIGURE set (loop.c's *_SETTABLE_FLAGS).
STATUS_SETTABLE = LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN
STATUS_CLEARABLE = LO_FLAGS_AUTOCLEAR
CONFIGURE_SETTABLE = (LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN
                      | LO_FLAGS_DIRECT_IO)


class LoopDevice:
    """/dev/loopN. `backing` is the bound File (None: unbound), held with a reference."""

    def __init__(self, number):
        self.number = number
        self.rdev, self.name = makedev(LOOP_MAJOR, number), f"loop{number}"
        self.backing = None
        self.offset = self.sizelimit = self.flags = 0
        self.file_name = b""
        self.block_size = SECTOR
        self.size = 0                   # bytes, whole sectors
        self.opens = 0                  # open files of the device
        self.holders = []               # (MountTable, FileSystem) of mounts of the device

    @property
    def read_only(self):
        return bool(self.flags & LO_FLAGS_READ_ONLY)

    # ---- what the file systems and the device file read and write ------------------------------
    def read(self, offset, n):
        """Up to n bytes at byte `offset` of the device (fewer at its end; none if unbound)."""
        if self.backing is None or offset >= self.size:
            return b""
        return self.backing.pread(min(n, self.size - offset), self.offset + offset)

    def write(self, offset, data):
        if self.backing is None:
            raise Errno(ENXIO)
        if self.read_only:
            raise Errno(EPERM)
        if offset >= self.size:
            raise Errno(ENOSPC)
        return self.backing.pwrite(data[:self.size - offset], self.offset + offset)

    # ---- binding -------------------------------------------------------------------------------
    def bind(self, f, writable, flags=0, block_size=0):
        """LOOP_SET_FD / LOOP_CONFIGURE (loop_configure): bind to open file f."""
        self.settle()
        if self.backing is not None:
            raise Errno(EBUSY)
        mode = f.stat().mode & S_IFMT
        if mode not in (S_IFREG, S_IFBLK) or isinstance(f, LoopFile) and f.dev is self:
            raise Errno(EINVAL)         # loop_validate_file: no other kind, and no loop onto itself
        if block_size and (block_size & (block_size - 1) or not SECTOR <= block_size <= 4096):
            raise Errno(EINVAL)
        self.backing = f.get()
        self.flags = flags & CONFIGURE_SETTABLE
        if not (writable and f.writable):
            self.flags |= LO_FLAGS_READ_ONLY
        self.block_size = block_size or SECTOR
        self.file_name = f.path.encode(errors="surrogateescape")[:LO_NAME_SIZE - 1]
        self.resize()

    def resize(self):
        """The device size from the file's (at bind, LOOP_SET_STATUS64, LOOP_SET_CAPACITY)."""
        size = max(self.backing.size() - self.offset, 0)
        if self.sizelimit:
            size = min(size, self.sizelimit)
        self.size = size - size % SECTOR

    def clear(self):
        """LOOP_CLR_FD: unbind, dropping the file."""
        f, self.backing = self.backing, None
        self.offset = self.sizelimit = self.flags = self.size = 0
        self.file_name, self.block_size = b"", SECTOR
        if f is not None:
            f.put()

    def mounted(self):
        """Is the device mounted (somewhere in the mount tables of the mounts that hold it)?"""
        self.holders = [(m, fs) for m, fs in self.holders if _mounted(m, fs)]
        return bool(self.holders)

    def settle(self):
        """An AUTOCLEAR device whose last user went away is unbound (see the module docstring)."""
        if self.backing is not None and self.flags & LO_FLAGS_AUTOCLEAR and not self.opens \
                and not self.mounted():
            self.clear()

    def hold(self, mounts, fs):
        """A mount of the device (kernel/syscalls/mount.py): it keeps the device bound."""
        self.holders.append((mounts, fs))

    # ---- ioctls --------------------------------------------------------------------------------
    def ioctl(self, t, f, req, arg):
        mm = t.proc.mm
        if req == LOOP_SET_FD:
            self.bind(_fd_file(t, arg), f.writable)
        elif req == LOOP_CONFIGURE:
            fd, block_size, info = LOOP_CONFIG.unpack(mm.read(arg, LOOP_CONFIG.size))
            self.bind(_fd_file(t, fd), f.writable, LOOP_INFO64.unpack(info)[8], block_size)
            try:
                self.set_status(info, configure=True)
            except Errno:
                self.clear()
                raise
        elif req == LOOP_CLR_FD:
            self._bound()
            if self.opens > 1 or self.mounted():
                self.flags |= LO_FLAGS_AUTOCLEAR    # others use it: cleared when they are gone
            else:
                self.clear()
        elif req == LOOP_SET_STATUS64:
            self._bound()
            self.set_status(mm.read(arg, LOOP_INFO64.size))
        elif req == LOOP_GET_STATUS64:
            mm.write(arg, self.status())
        elif req == LOOP_SET_CAPACITY:
            self._bound()
            self.resize()
        elif req == LOOP_SET_BLOCK_SIZE:
            self._bound()
            if arg & (arg - 1) or not SECTOR <= arg <= 4096:
                raise Errno(EINVAL)
            self.block_size = arg
        else:
            return block_ioctl(t, self, req, arg)
        return 0

    def _bound(self):
        if self.backing is None:
            raise Errno(ENXIO)

    def set_status(self, info, configure=False):
        """loop_set_status: offset, size limit, file name and the settable flags."""
        (_, _, _, offset, sizelimit, _, _, _, flags, name, _, _, _, _) = LOOP_INFO64.unpack(info)
        self.offset, self.sizelimit = offset, sizelimit
        if not configure:
            self.flags &= ~STATUS_CLEARABLE
            self.flags |= flags & STATUS_SETTABLE
        self.file_name = name.split(b"\0", 1)[0][:LO_NAME_SIZE - 1] or self.file_name
        self.resize()

    def status(self):
        """struct loop_info64 for LOOP_GET_STATUS64 (ENXIO while unbound: how losetup and
        busybox's mount tell a free device)."""
        self.settle()
        self._bound()
        st = self.backing.stat()
        return LOOP_INFO64.pack(st.dev, st.ino, st.rdev or st.dev, self.offset, self.sizelimit,
                                self.number, 0, 0, self.flags, self.file_name, b"", b"", 0, 0)


def block_ioctl(t, dev, req, arg):
    """The generic block device ioctls (block/ioctl.c) of a device with .size, .read_only and
    .block_size (the logical block size)."""
    mm = t.proc.mm
    if req == BLKGETSIZE64:
        mm.write(arg, dev.size.to_bytes(8, "little"))
    elif req == BLKGETSIZE:
        mm.write(arg, (dev.size // SECTOR).to_bytes(8, "little"))
    elif req in (BLKSSZGET, BLKBSZGET):
        mm.write(arg, dev.block_size.to_bytes(4 if req == BLKSSZGET else 8, "little"))
    elif req == BLKROGET:
        mm.write(arg, int(dev.read_only).to_bytes(4, "little"))
    elif req == BLKFLSBUF:
        pass                            # nothing is buffered: reads and writes go to the file
    else:
        raise Errno(ENOTTY)
    return 0


def _fd_file(t, fd):
    f = t.proc.fds.get(fd)
    if f.flags & O_PATH:
        raise Errno(EBADF)
    return f


def _mounted(mounts, fs):
    """Is file system `fs` mounted anywhere in `mounts` -- shown or covered by another mount,
    itself or bound elsewhere (a BindMount's .fs)?"""
    held = lambda m: m is fs or getattr(m, "fs", None) is fs      # noqa: E731
    if any(held(m) for m in mounts.fs.values()):
        return True
    return any(held(m) for stack in mounts.hidden.values() for shown, _ in stack
               for m in shown.values())


class LoopFile(File):
    """An open /dev/loopN: the device's bytes, with its ioctls."""
    seekable = True

    def __init__(self, dev, flags, loc=None):
        super().__init__(flags, loc)
        self.dev = dev
        dev.settle()
        dev.opens += 1

    def pread(self, n, offset):
        return self.dev.read(offset, n)

    def pwrite(self, data, offset):
        return self.dev.write(offset, data)

    def size(self):
        return self.dev.size            # lseek(SEEK_END) is the device size; stat says 0

    def ioctl(self, t, req, arg):
        return self.dev.ioctl(t, self, req, arg)

    def release(self):
        self.dev.opens -= 1
        self.dev.settle()


class LoopControlFile(File):
    """An open /dev/loop-control."""

    def __init__(self, loops, flags):
        super().__init__(flags)
        self.loops = loops

    def ioctl(self, t, req, arg):
        loops, n = self.loops, as_int(arg)
        if req == LOOP_CTL_GET_FREE:
            for dev in sorted(loops.devices.values(), key=lambda d: d.number):
                dev.settle()
                if dev.backing is None:
                    return dev.number
            return loops.add(-1).number
        if req == LOOP_CTL_ADD:
            return loops.add(n).number
        if req == LOOP_CTL_REMOVE:
            return loops.remove(n)
        raise Errno(ENOTTY)


class LoopDevices:
    """The loop driver's devices by number (loop.c's loop_index_idr). `on_change(dev, added)` is
    called when one is added or removed, so devfs can show /dev/loopN as devtmpfs does."""

    def __init__(self, count=8, on_change=None):
        self.devices = {n: LoopDevice(n) for n in range(count)}
        self.on_change = on_change or (lambda dev, added: None)

    def add(self, n):
        """LOOP_CTL_ADD n, or the lowest free number for n < 0."""
        if n < 0:
            n = next(i for i in range(len(self.devices) + 1) if i not in self.devices)
        if n in self.devices:
            raise Errno(EEXIST)
        if n >= params.LOOP_DEVICES_MAX:
            raise Errno(ENODEV if n < 1 << 20 else EINVAL)
        dev = self.devices[n] = LoopDevice(n)
        self.on_change(dev, True)
        return dev

    def remove(self, n):
        dev = self.devices.get(n)
        if dev is None:
            raise Errno(ENODEV)
        dev.settle()
        if dev.backing is not None or dev.opens:
            raise Errno(EBUSY)
        del self.devices[n]
        self.on_change(dev, False)
        return 0

    def device(self, rdev, create=False):
        """The device of number rdev (ENXIO: no such block device). `create`: a node of a loop
        number not made yet makes it, as opening one does on Linux (loop_probe)."""
        major, minor = (rdev >> 8) & 0xFFF, (rdev & 0xFF) | ((rdev >> 12) & ~0xFF)
        if major != LOOP_MAJOR or minor not in self.devices and not create:
            raise Errno(ENXIO)
        if minor not in self.devices:
            try:
                return self.add(minor)
            except Errno:
                raise Errno(ENXIO) from None
        return self.devices[minor]

    def control(self, flags):
        return LoopControlFile(self, flags)
