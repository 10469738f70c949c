"""Debian packages built for another architecture, fetched without adding a dpkg architecture.

apt runs with a state directory of its own under the cache root (package lists and downloaded
.debs: <cache>/apt/<debian arch>/), the host's own apt sources, and APT::Architectures naming the
foreign architecture; nothing the host's apt or dpkg knows changes. One `apt-get update` per
architecture fills the lists (tens of MB); later downloads reuse them.

    names = closure(["bash"], "arm64", state, lambda f: f["Section"] == "libs")
    # ["bash", "libc6", "libtinfo6", "libgcc-s1", "gcc-12-base"]
    debs = download(names, "arm64", state, dest, progress=print)      # [Path of each .deb]
    unpack(debs[0], directory)                                       # dpkg-deb -x

Stdlib only (it runs from jitvm/rootfs.py before `pip install`).
"""
import re
import subprocess
from pathlib import Path


def _apt(state: Path, arch: str, tool: str = "apt-get") -> list[str]:
    host = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    return [tool, "-q", "-o", f"APT::Architectures={host},{arch}",
            "-o", f"Dir::State::Lists={state}/lists", "-o", f"Dir::Cache={state}/cache",
            "-o", "Dir::State::status=/dev/null"]


def _lists(state: Path, arch: str, progress):
    """Fill the state directory's package lists for arch, once."""
    for sub in ("lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    if not any((state / "lists").glob(f"*binary-{arch}_Packages*")):
        progress(f"apt-get update for {arch} (package lists in {state})")
        r = subprocess.run(_apt(state, arch) + ["update"], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"apt-get update for {arch} failed:\n{r.stdout}{r.stderr}")


def show(packages, arch: str, state: Path, progress=print) -> dict:
    """{name: {field: value}} of the candidate versions of `packages` for arch (`apt-cache show`);
    a name apt knows no such package by (a virtual one, a typo) is left out."""
    _lists(state, arch, progress)
    r = subprocess.run(_apt(state, arch, "apt-cache") + ["show", "--no-all-versions",
                                                         *(f"{p}:{arch}" for p in packages)],
                       capture_output=True, text=True)
    out = {}
    for stanza in r.stdout.split("\n\n"):
        fields = dict(re.findall(r"^([A-Za-z0-9-]+): ?(.*(?:\n[ \t].*)*)", stanza, re.M))
        if "Package" in fields:
            out[fields["Package"]] = fields
    return out


def _depends(fields: dict) -> list[str]:
    """The package names Pre-Depends and Depends name; of alternatives ("a | b") the first."""
    names = []
    for key in ("Pre-Depends", "Depends"):
        for group in fields.get(key, "").split(","):
            if group.strip():
                # "libc6 (>= 2.34)", "libfoo:any"
                names.append(re.split(r"[\s(:]", group.split("|")[0].strip(), 1)[0])
    return names


def closure(packages, arch: str, state: Path, follow, progress=print) -> list[str]:
    """packages, then every package reached through Pre-Depends and Depends for which
    follow(fields) is true (fields: its `apt-cache show` stanza), breadth first. Raises
    RuntimeError naming a package in `packages` that apt does not have."""
    found = show(packages, arch, state, progress)
    unknown = [p for p in packages if p not in found]
    if unknown:
        raise RuntimeError(f"apt knows no {arch} package {', '.join(unknown)}")
    order, frontier = list(packages), [found[p] for p in packages]
    while frontier:
        wanted = sorted({d for f in frontier for d in _depends(f)} - set(order))
        frontier = [f for name, f in sorted(show(wanted, arch, state, progress).items())
                    if name in wanted and follow(f)] if wanted else []
        order += [f["Package"] for f in frontier]
    return order


def download(packages, arch: str, state: Path, dest: Path, progress=print) -> list[Path]:
    """The .deb files of `packages` for Debian architecture `arch` (e.g. arm64, mipsel), in dest.
    Raises RuntimeError with apt's words when a package or the lists cannot be had."""
    _lists(state, arch, progress)
    apt = _apt(state, arch)
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
