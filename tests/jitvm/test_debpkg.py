"""jitvm/debpkg.py's reading of apt's answers (the apt calls themselves run in
tests/guest/test_debian_programs.py, which builds the Debian rootfs)."""
from jitvm.debpkg import _depends


def test_depends_names_pre_depends_and_depends_first_alternatives():
    fields = {"Package": "x", "Pre-Depends": "libc6 (>= 2.34), libtinfo6 (>= 6)",
              "Depends": "base-files (>= 2.1.12), libfoo:any | libbar, debianutils"}
    assert _depends(fields) == ["libc6", "libtinfo6", "base-files", "libfoo", "debianutils"]
    assert _depends({"Package": "gcc-12-base"}) == []
