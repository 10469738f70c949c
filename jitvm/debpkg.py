"""Debian packages built for another architecture, fetched without adding a dpkg architecture.

apt runs with a state directory of its own under the cache root (package lists and downloaded
.debs: <cache>/apt/<debian arch>/), the host's own apt sources, and APT::Architectures naming the
foreign architecture; nothing the host's apt or dpkg knows changes. One `apt-get update` per
architecture fills the lists (tens of MB); later downloads reuse them.

    debs = download(["busybox-static"], "arm64", progress=print)     # [Path of the .deb]
    unpack(debs[0], directory)                                       # dpkg-deb -x

Stdlib only (it runs from jitvm/rootfs.py before `pip install`).
"""
import subprocess
from pathlib import Path


def _apt(state: Path, arch: str) -> list[str]:
    host = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    return ["apt-get", "-q", "-o", f"APT::Architectures={host},{arch}",
            "-o", f"Dir::State::Lists={state}/lists", "-o", f"Dir::Cache={state}/cache",
            "-o", "Dir::State::status=/dev/null"]


def download(packages, arch: str, state: Path, dest: Path, progress=print) -> list[Path]:
    """The .deb files of `packages` for Debian architecture `arch` (e.g. arm64, mipsel), in dest.
    Raises RuntimeError with apt's words when a package or the lists cannot be had."""
    for sub in ("lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    apt = _apt(state, arch)
    if not any((state / "lists").glob(f"*binary-{arch}_Packages*")):
        progress(f"apt-get update for {arch} (package lists in {state})")
        r = subprocess.run(apt + ["update"], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"apt-get update for {arch} failed:\n{r.stdout}{r.stderr}")
    dest.mkdir(parents=True, exist_ok=True)
    names = [f"{p}:{arch}" for p in packages]
    r = subprocess.run(apt + ["download", *names], cwd=dest, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"apt-get download {' '.join(names)} failed:\n{r.stdout}{r.stderr}")
    return [max(dest.glob(f"{p}_*_{arch}.deb"), key=lambda f: f.stat().st_mtime)
            for p in packages]


def unpack(deb: Path, into: Path):
    """Extract a .deb's files (dpkg-deb -x: no maintainer scripts run)."""
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dpkg-deb", "-x", str(deb), str(into)], check=True)


def version(deb: Path) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], capture_output=True,
                          text=True, check=True).stdout.strip()
