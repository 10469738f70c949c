"""ext2, read-only (Linux fs/ext2/; the on-disk format in Documentation/filesystems/ext4/): the
file system on a block device (a loop device: kernel/loop.py), so a disk image made by mke2fs can
be mounted and read -- `mount -r -o loop disk.img /mnt`.

Read: the superblock (revision 0 and dynamic revision, any inode size), group descriptors (32
bytes, or 64 with the 64bit feature; META_BG placement), inodes, block maps (direct, indirect,
double and triple indirect) and, for ext4, extent trees; directories as linked lists of entries
(an htree directory reads the same way: its index blocks look like empty entries); regular files
(holes read as zeros); fast and slow symlinks; device, FIFO and socket inodes; stat (mode, 32-bit
uid/gid, 64-bit sizes, nanosecond times with the ext4 extra fields, links, blocks) and statfs.

Which images mount is Linux's rule, by the name asked for: an incompatible feature the driver
does not know refuses the mount (EINVAL, and a kernel log line saying which), an unknown
read-only-compatible feature does not (the mount is read-only anyway):
  ext2  filetype, meta_bg
  ext3  the same, and the image must have a journal (it is not replayed: needs_recovery refuses)
  ext4  also extents, 64bit, flex_bg (Linux's ext4 driver reads ext2 and ext3 images too)
Not read: inline_data, encryption, casefold, compression, journal devices (EINVAL); extended
attributes (listxattr shows none); checksums are not verified.

Writing is not implemented: only read-only mounts are made (mount -r, MS_RDONLY). A read-write
mount request fails with EROFS and a kernel log line -- the answer Linux gives for a device it
cannot write, so busybox's and util-linux's mount retry read-only and say so. Every call that would
change the file system fails with EROFS, as on any read-only mount.
"""
import os
import struct

from kernel.errno import EINVAL, EIO, ENOENT, ENOTDIR, ENXIO, EROFS, Errno
from kernel.uapi import (EXT4_SUPER_MAGIC, O_ACCMODE, O_RDONLY, O_TRUNC, S_IFBLK, S_IFCHR,
                         S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, Stat, dtype,
                         makedev)
from kernel.vfs import File, FileSystem, Inode

EXT2_SUPER_MAGIC = EXT4_SUPER_MAGIC     # ext2, ext3 and ext4 share 0xEF53
SUPERBLOCK_OFFSET, ROOT_INO = 1024, 2
ST_RDONLY, ST_VALID = 0x1, 0x20         # statfs f_flags

# Feature bits (the superblock's s_feature_compat / _incompat / _ro_compat).
COMPAT_HAS_JOURNAL, COMPAT_SPARSE_SUPER2 = 0x4, 0x200
INCOMPAT_FILETYPE, INCOMPAT_RECOVER, INCOMPAT_META_BG = 0x2, 0x4, 0x10
INCOMPAT_EXTENTS, INCOMPAT_64BIT, INCOMPAT_FLEX_BG = 0x40, 0x80, 0x200
RO_COMPAT_SPARSE_SUPER, RO_COMPAT_HUGE_FILE = 0x1, 0x8
# The incompatible features each driver name reads (ext3 also has RECOVER in Linux: the journal
# replay it would need is refused separately below).
READABLE = {"ext2": INCOMPAT_FILETYPE | INCOMPAT_META_BG,
            "ext3": INCOMPAT_FILETYPE | INCOMPAT_META_BG,
            "ext4": INCOMPAT_FILETYPE | INCOMPAT_META_BG | INCOMPAT_EXTENTS | INCOMPAT_64BIT
            | INCOMPAT_FLEX_BG}

# Inode flags (i_flags).
HUGE_FILE_FL, EXTENTS_FL, INLINE_DATA_FL = 0x40000, 0x80000, 0x10000000
N_DIRECT, IND, DIND, TIND = 12, 12, 13, 14
EXTENT_MAGIC = 0xF30A
EXT_INIT_MAX_LEN = 1 << 15              # an extent longer than this is unwritten: reads as zeros
# A directory entry's file_type (with the filetype feature) -> the S_IF* type.
FILE_TYPES = {1: S_IFREG, 2: S_IFDIR, 3: S_IFCHR, 4: S_IFBLK, 5: S_IFIFO, 6: S_IFSOCK, 7: S_IFLNK}
META_CACHE = 1024                       # metadata blocks (indirect, extent, directory) kept


def _u16(b, off):
    return int.from_bytes(b[off:off + 2], "little")


def _u32(b, off):
    return int.from_bytes(b[off:off + 4], "little")


class Ext2FS(FileSystem):
    """A mounted ext2/3/4 image on `dev`: a block device with .read(offset, n), .size (bytes) and
    .rdev (st_dev of its files, as Linux reports the device's number). `log` takes kernel log
    lines. Raises Errno(EINVAL) for an image it must not or cannot mount."""
    readonly = True

    def __init__(self, dev, fstype="ext2", log=None):
        self.dev, self.fstype = dev, fstype
        self.log = log or (lambda line: None)
        self.name = f"{fstype.upper()}-fs ({getattr(dev, 'name', 'device')})"
        self.meta = {}                  # block number -> bytes (metadata blocks, see META_CACHE)
        self.inodes = {}                # inode number -> Ext2Inode
        sb = dev.read(SUPERBLOCK_OFFSET, 1024)
        if len(sb) < 1024 or _u16(sb, 56) != EXT2_SUPER_MAGIC:
            self._refuse(f"VFS: Can't find {fstype} filesystem")
        self._superblock(sb)
        self._descriptors()
        self.root = self.inode(ROOT_INO)
        if not self.root.is_dir:
            self._refuse("error: corrupt root inode, run e2fsck")

    def _refuse(self, why):
        self.log(f"{self.name}: {why}")
        raise Errno(EINVAL, why)

    def _superblock(self, sb):
        log_bs = _u32(sb, 24)
        if log_bs > 6:
            self._refuse(f"error: bad block size {1024 << log_bs if log_bs < 32 else log_bs}")
        self.block_size = bs = 1024 << log_bs
        self.rev = _u32(sb, 76)
        self.compat, self.incompat, self.ro_compat = (
            (_u32(sb, 92), _u32(sb, 96), _u32(sb, 100)) if self.rev else (0, 0, 0))
        unknown = self.incompat & ~READABLE.get(self.fstype, 0)
        if unknown:
            self._refuse(f"error: couldn't mount because of unsupported optional features "
                         f"({unknown:x})")
        if self.fstype == "ext3" and not self.compat & COMPAT_HAS_JOURNAL:
            self._refuse("error: couldn't mount as ext3 due to feature incompatibilities")
        if self.incompat & INCOMPAT_RECOVER:
            self._refuse("error: needs journal recovery, which is not implemented")
        self.inode_size = _u16(sb, 88) if self.rev else 128
        if self.inode_size < 128 or self.inode_size > bs or self.inode_size & (self.inode_size - 1):
            self._refuse(f"error: unsupported inode size: {self.inode_size}")
        wide = self.incompat & INCOMPAT_64BIT
        self.inodes_count, self.first_data_block = _u32(sb, 0), _u32(sb, 20)
        self.blocks_count = _u32(sb, 4) | (_u32(sb, 0x150) << 32 if wide else 0)
        self.r_blocks = _u32(sb, 8) | (_u32(sb, 0x154) << 32 if wide else 0)
        self.free_blocks = _u32(sb, 12) | (_u32(sb, 0x158) << 32 if wide else 0)
        self.free_inodes = _u32(sb, 16)
        self.blocks_per_group, self.inodes_per_group = _u32(sb, 32), _u32(sb, 40)
        self.desc_size = max(_u16(sb, 254), 64) if wide else 32
        self.first_meta_bg = _u32(sb, 260)
        self.backup_bgs = (_u32(sb, 0x24C), _u32(sb, 0x250))
        if not self.blocks_per_group or not self.inodes_per_group or self.desc_size > bs:
            self._refuse("error: corrupt superblock")
        if self.blocks_count * bs > self.dev.size:
            self._refuse(f"bad geometry: block count {self.blocks_count} exceeds size of device "
                         f"({self.dev.size // bs} blocks)")
        self.groups = -(-(self.blocks_count - self.first_data_block) // self.blocks_per_group)
        if self.groups * self.inodes_per_group < self.inodes_count:
            self._refuse("error: inodes count not valid")
        self.uuid = bytes(sb[104:120])

    def has_super(self, group):
        """Does `group` hold a copy of the superblock (sparse_super: 0, 1, powers of 3, 5, 7)?"""
        if group == 0:
            return True
        if self.compat & COMPAT_SPARSE_SUPER2:
            return group in self.backup_bgs
        if group == 1 or not self.ro_compat & RO_COMPAT_SPARSE_SUPER:
            return True
        for p in (3, 5, 7):
            n = p
            while n < group:
                n *= p
            if n == group:
                return True
        return False

    def _descriptor_block(self, i):
        """Where block i of the group descriptor table is (ext2fs_descriptor_block_loc)."""
        per = self.block_size // self.desc_size
        if not self.incompat & INCOMPAT_META_BG or i < self.first_meta_bg:
            return self.first_data_block + 1 + i
        group = i * per                 # meta_bg: in the first group of its meta group
        return self.first_data_block + group * self.blocks_per_group + self.has_super(group)

    def _descriptors(self):
        """Each group's inode table block (bg_inode_table, and its high half with 64bit)."""
        per = self.block_size // self.desc_size
        self.inode_tables = []
        for i in range(-(-self.groups // per)):
            block = self.read_blocks(self._descriptor_block(i), 1)
            for g in range(min(per, self.groups - i * per)):
                off = g * self.desc_size
                table = _u32(block, off + 8)
                if self.desc_size >= 64:
                    table |= _u32(block, off + 0x28) << 32
                if not 0 < table < self.blocks_count:
                    self._refuse(f"error: group descriptor {i * per + g}: bad inode table")
                self.inode_tables.append(table)

    # ---- blocks and inodes ---------------------------------------------------------------------
    def read_blocks(self, block, count):
        """count whole blocks from `block` (EIO if the device ends first: a truncated image or a
        loop device cleared under the mount)."""
        n = count * self.block_size
        data = self.dev.read(block * self.block_size, n)
        if len(data) != n:
            raise Errno(EIO, f"block {block}: short read")
        return data

    def meta_block(self, block):
        data = self.meta.get(block)
        if data is None:
            if len(self.meta) >= META_CACHE:
                self.meta.clear()
            data = self.meta[block] = self.read_blocks(block, 1)
        return data

    def inode(self, ino):
        node = self.inodes.get(ino)
        if node is None:
            if not 1 <= ino <= self.inodes_count:
                raise Errno(EIO, f"bad inode number {ino}")
            group, index = divmod(ino - 1, self.inodes_per_group)
            block, off = divmod(index * self.inode_size, self.block_size)
            raw = self.meta_block(self.inode_tables[group] + block)[off:off + self.inode_size]
            node = Ext2Inode(self, ino, raw)
            if ino != ROOT_INO and len(self.inodes) >= META_CACHE:
                self.inodes = {ROOT_INO: self.root}
            self.inodes[ino] = node
        return node

    def statfs(self):
        """Linux ext2_statfs: the blocks count without the metadata overhead (bsddf)."""
        itb = -(-self.inodes_per_group * self.inode_size // self.block_size)
        gdb = -(-self.groups * self.desc_size // self.block_size)
        overhead = self.first_data_block + (itb + 2) * self.groups
        overhead += sum(1 + gdb for g in range(self.groups) if self.has_super(g))
        return dict(ftype=EXT2_SUPER_MAGIC, bsize=self.block_size,
                    blocks=max(self.blocks_count - overhead, 0), bfree=self.free_blocks,
                    bavail=max(self.free_blocks - self.r_blocks, 0), files=self.inodes_count,
                    ffree=self.free_inodes, flags=ST_RDONLY | ST_VALID)


class Ext2Inode(Inode):
    """One inode, decoded from its on-disk bytes (struct ext2_inode / ext4_inode)."""

    def __init__(self, fs, ino, raw):
        self.fs, self.ino = fs, ino
        self.mode = _u16(raw, 0)
        self.uid = _u16(raw, 2) | _u16(raw, 120) << 16
        self.gid = _u16(raw, 24) | _u16(raw, 122) << 16
        self.size = _u32(raw, 4)
        if self.mode & S_IFMT == S_IFREG or fs.incompat & INCOMPAT_64BIT:
            self.size |= _u32(raw, 108) << 32
        self.nlink, self.flags = _u16(raw, 26), _u32(raw, 32)
        self.blocks = _u32(raw, 28)
        if fs.ro_compat & RO_COMPAT_HUGE_FILE:
            self.blocks |= _u16(raw, 116) << 32
            if self.flags & HUGE_FILE_FL:
                self.blocks *= fs.block_size // 512
        self.file_acl = _u32(raw, 104)
        self.i_block = bytes(raw[40:100])
        extra = _u16(raw, 128) if len(raw) > 128 else 0
        self.ctime, self.mtime, self.atime = (_time(raw, base, 128 + extra, off)
                                              for base, off in ((12, 132), (16, 136), (8, 140)))
        self.children = None            # name -> inode number, read on first lookup

    def getattr(self):
        return Stat(dev=self.fs.dev.rdev, ino=self.ino, mode=self.mode, nlink=self.nlink,
                    uid=self.uid, gid=self.gid, rdev=self.rdev(), size=self.size,
                    blksize=self.fs.block_size, blocks=self.blocks, atime_ns=self.atime,
                    mtime_ns=self.mtime, ctime_ns=self.ctime)

    def rdev(self):
        """A device inode's number: old 16-bit encoding in i_block[0], else new in i_block[1]."""
        if self.mode & S_IFMT not in (S_IFCHR, S_IFBLK):
            return 0
        old = _u32(self.i_block, 0)
        if old:
            return makedev((old >> 8) & 0xFF, old & 0xFF)
        return _u32(self.i_block, 4)    # new_encode_dev, what makedev() gives

    # ---- data ----------------------------------------------------------------------------------
    def bmap(self, lblock):
        """The device block holding the file's block `lblock`, or 0 for a hole."""
        if self.flags & INLINE_DATA_FL:
            raise Errno(EIO, "inline data")
        if self.flags & EXTENTS_FL:
            return self._extent(lblock)
        per = self.fs.block_size // 4
        if lblock < N_DIRECT:
            return _u32(self.i_block, 4 * lblock)
        lblock -= N_DIRECT
        for slot, depth in ((IND, 1), (DIND, 2), (TIND, 3)):
            if lblock < per ** depth:
                block = _u32(self.i_block, 4 * slot)
                for level in range(depth - 1, -1, -1):
                    if block == 0:
                        return 0
                    index = lblock // per ** level % per
                    block = _u32(self.fs.meta_block(block), 4 * index)
                return block
            lblock -= per ** depth
        return 0

    def _extent(self, lblock):
        """Walk the extent tree from the header in i_block (ext4_ext_find_extent)."""
        node = self.i_block
        for _ in range(6):              # depth is at most 5 (EXT4_MAX_EXTENT_DEPTH)
            magic, entries, _, depth = struct.unpack_from("<4H", node)
            if magic != EXTENT_MAGIC or 12 + 12 * entries > len(node):
                raise Errno(EIO, f"inode {self.ino}: bad extent header")
            records = [struct.unpack_from("<IHHI", node, 12 + 12 * i) for i in range(entries)]
            if depth == 0:
                for first, length, hi, lo in records:
                    unwritten = length > EXT_INIT_MAX_LEN
                    length -= EXT_INIT_MAX_LEN if unwritten else 0
                    if first <= lblock < first + length:
                        return 0 if unwritten else (hi << 32 | lo) + lblock - first
                return 0
            chosen = None                # the last index entry starting at or before lblock
            for first, lo, hi, _ in records:
                if first > lblock:
                    break
                chosen = (hi << 32) | lo
            if chosen is None:
                return 0
            node = self.fs.meta_block(chosen)
        raise Errno(EIO, f"inode {self.ino}: extent tree too deep")

    def read(self, offset, n):
        """Up to n bytes of the file at `offset`: runs of adjacent blocks are one device read."""
        n = min(n, self.size - offset)
        if n <= 0:
            return b""
        bs = self.fs.block_size
        first, last = offset // bs, (offset + n - 1) // bs
        out, run_start, run_len = [], 0, 0
        for lblock in range(first, last + 2):
            phys = self.bmap(lblock) if lblock <= last else 0
            if run_len and phys == run_start + run_len:
                run_len += 1
                continue
            if run_len:
                out.append(self.fs.read_blocks(run_start, run_len))
            if lblock > last:
                break
            run_start, run_len = phys, 1 if phys else 0
            if not phys:
                out.append(bytes(bs))   # a hole
        data = b"".join(out)
        skip = offset - first * bs
        return data[skip:skip + n]

    # ---- directories ---------------------------------------------------------------------------
    def _entries(self):
        """(name, inode number, file_type) of each live entry, "." and ".." included."""
        bs, data = self.fs.block_size, self.read(0, self.size)
        typed = self.fs.incompat & INCOMPAT_FILETYPE
        pos = 0
        while pos + 8 <= len(data):
            ino, rec_len, name_len, ftype = struct.unpack_from("<IHBB", data, pos)
            if rec_len in (0, 65535) and bs == 65536:
                rec_len = bs            # ext4_rec_len_from_disk
            if not typed:
                name_len, ftype = name_len | ftype << 8, 0
            if rec_len < 8 or rec_len % 4 or pos % bs + rec_len > bs or 8 + name_len > rec_len:
                raise Errno(EIO, f"directory inode {self.ino}: bad entry at {pos}")
            if ino:
                yield os.fsdecode(data[pos + 8:pos + 8 + name_len]), ino, ftype
            pos += rec_len

    def _children(self):
        if not self.is_dir:
            raise Errno(ENOTDIR)
        if self.children is None:
            self.children = {name: (ino, ftype) for name, ino, ftype in self._entries()
                             if name not in (".", "..")}
        return self.children

    def lookup(self, name):
        try:
            return self.fs.inode(self._children()[name][0])
        except KeyError:
            raise Errno(ENOENT) from None

    def readdir(self):
        return [(name, ino, dtype(FILE_TYPES.get(ftype, 0)))
                for name, (ino, ftype) in self._children().items()]

    def readlink(self):
        if not self.is_link:
            raise Errno(EINVAL)
        acl_blocks = self.fs.block_size // 512 if self.file_acl else 0
        if self.size < len(self.i_block) and self.blocks - acl_blocks == 0:
            target = self.i_block[:self.size]           # a fast symlink: the target in i_block
        else:
            target = self.read(0, self.size)
        return os.fsdecode(target)

    def open(self, flags):
        if flags & O_ACCMODE != O_RDONLY or flags & O_TRUNC:
            raise Errno(EROFS)
        if self.mode & S_IFMT != S_IFREG:
            raise Errno(ENXIO)          # a char device or socket: no driver here
        return Ext2File(self, flags)

    # ---- everything that would write -------------------------------------------------------------
    def mknod(self, name, mode, rdev=0):
        raise Errno(EROFS)

    def link(self, name, inode):
        raise Errno(EROFS)

    def chmod(self, mode):
        raise Errno(EROFS)

    def chown(self, uid, gid):
        raise Errno(EROFS)

    def truncate(self, size):
        raise Errno(EROFS)

    def set_times(self, atime_ns, mtime_ns):
        raise Errno(EROFS)


def _time(raw, base, end, extra_off):
    """A timestamp in ns: signed 32-bit seconds, and if the inode's extra space holds its _extra
    word, 2 more epoch bits and the nanoseconds (ext4_decode_extra_time)."""
    sec = int.from_bytes(raw[base:base + 4], "little", signed=True)
    if extra_off + 4 > end:
        return sec * 10**9
    extra = _u32(raw, extra_off)
    return (sec + ((extra & 3) << 32)) * 10**9 + (extra >> 2)


class Ext2File(File):
    seekable = True

    def __init__(self, inode, flags):
        super().__init__(flags)
        self.inode = inode

    def pread(self, n, offset):
        return self.inode.read(offset, n)

    def pwrite(self, data, offset):
        raise Errno(EROFS)

    def truncate(self, size):
        raise Errno(EROFS)

    def stat(self):
        return self.inode.getattr()

    def size(self):
        return self.inode.size
