"""The mount namespace the kernel boots with: the root file system on a host directory, devfs at
/dev (as devtmpfs). procfs and tmpfs are mounted on it by kernel/boot.py and kernel/session.py.
Built on the file systems, which build on kernel/vfs.py."""
from kernel import pipe  # noqa: F401  (registers FIFOs with the VFS: kernel/vfs.py SPECIAL_OPENERS)
from kernel.devfs import DevFS
from kernel.hostfs import HostFS
from kernel.vfs import MountTable


def make_root(hostdir):
    """The boot mount table: hostfs over `hostdir` at "/", devfs at "/dev"."""
    mounts = MountTable(HostFS(hostdir))
    mounts.mount("/dev", DevFS())
    return mounts
