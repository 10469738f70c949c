# jitvm: install what it needs, build the guest software, boot, test.
#
#   make boot [ARCH=loongarch64]   install dependencies, build ARCH's rootfs (default riscv64),
#                                  compile its engine, boot it
#   make test        install dependencies; for every ISA in TEST_ARCHES build the rootfs and guest
#                    programs and compile the engine; run the normal tests
#   make test-slow   the long tests (pytest -m slow)
#   make deps | rootfs | warm | guest       single steps, for ARCH
#   make rootfs-loongarch64 | warm-riscv64 | guest-loongarch64 ...   the same for a named ISA
#
# Works as root or, for the apt steps, through sudo. Every step is a no-op when already done.

SHELL       := /bin/bash
PYTHON      ?= python3
# One pytest worker per core; a test file stays on one worker (its tests share scratch places).
PYTEST_ARGS ?= -n auto --dist loadfile
BOOT_ARGS   ?=
ARCH        ?= riscv64
# The ISAs `make test` prepares (rootfs, guest programs, engine) and tests; e.g.
# `make test TEST_ARCHES=riscv64` for one.
TEST_ARCHES ?= riscv64 loongarch64 aarch64
export JITVM_TEST_ISAS := $(TEST_ARCHES)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# qemu-user-static: the oracle for every ISA. gcc-riscv64-linux-gnu, gcc-aarch64-linux-gnu,
# gcc-mipsel-linux-gnu: the guest compilers of riscv64, aarch64 and mipsel (loongarch64's is zig,
# from pip; mipsel's musl programs too). gcc, libc6-dev:
# busybox's host tools (kconfig). llvm-19: llvm-mc-19/llvm-objdump-19 know LoongArch (bookworm's
# binutils do not), for encoding checks.
# e2fsprogs: mke2fs -d and debugfs make the ext2/ext4 images tests/kernel/test_ext2_loop.py reads.
# gdb-multiarch: the debugger tests/guest/test_gdb.py drives against `jitvm run -g` (and qemu's -g).
APT_PKGS    := qemu-user-static gcc-riscv64-linux-gnu libc6-dev-riscv64-cross \
               gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
               gcc-mipsel-linux-gnu libc6-dev-mipsel-cross gcc libc6-dev \
               llvm-19 make bzip2 dpkg-dev tmux e2fsprogs gdb-multiarch
say          = @printf '\n==> %s\n' "$(1)"

.PHONY: deps deps-apt deps-pip rootfs warm guest oracle boot test test-slow clean-guest

deps: deps-apt deps-pip

# Debian packages, plus a deb-src entry for bookworm main (for `apt-get source busybox`).
# `apt-get update` runs once, and only if something is missing.
deps-apt:
	$(call say,Debian packages: $(APT_PKGS))
	@set -e; \
	missing=$$(for p in $(APT_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	$(PYTHON) -m pip --version >/dev/null 2>&1 || missing="$$missing python3-pip"; \
	added=0; $(PYTHON) jitvm/rootfs.py --ensure-deb-src || { [ $$? = 10 ] && added=1; }; \
	sources=$$(ls /var/lib/apt/lists/ 2>/dev/null | grep -c '_Sources' || true); \
	if [ -n "$$(echo $$missing)" ] || [ $$added = 1 ] || [ "$$sources" = 0 ]; then \
	    echo "apt-get update"; $(SUDO) apt-get update -q; fi; \
	if [ -n "$$(echo $$missing)" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else echo "all present"; fi

# The project itself (editable) with its test extras -- ziglang, loongarch64's guest compiler,
# among the dependencies; skipped when every requirement in pyproject.toml is installed and the
# editable install points at this checkout.
define PIP_CHECK
import json, re, sys, tomllib, pathlib, importlib.metadata as md
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
try:
    for r in p["dependencies"] + p["optional-dependencies"]["test"]:
        md.version(re.split(r"[^A-Za-z0-9_.-]", r, maxsplit=1)[0])
except md.PackageNotFoundError:
    sys.exit(1)
urls = {json.loads(d.read_text("direct_url.json") or "{}").get("url")
        for d in md.distributions(name="jitvm")}
sys.exit(pathlib.Path.cwd().as_uri() not in urls)
endef
export PIP_CHECK

deps-pip:
	$(call say,Python packages: pip install -e '.[test]')
	@if $(PYTHON) -c "$$PIP_CHECK" 2>/dev/null; then echo "all present"; else \
	    flags=""; $(PYTHON) -c 'import os, sys, sysconfig; sys.exit(not os.path.exists( \
	        os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))' \
	        && flags="--break-system-packages"; \
	    $(PYTHON) -m pip install -q --root-user-action=ignore $$flags -e '.[test]'; fi

# Each per-ISA step has a name per ISA (rootfs-riscv64, ...); the plain name means ARCH's.
rootfs: rootfs-$(ARCH)
warm: warm-$(ARCH)
guest: guest-$(ARCH)

rootfs-%:
	$(call say,$* rootfs (python -m jitvm.rootfs --arch $*))
	@$(PYTHON) -m jitvm.rootfs --arch $*

# The engine -- the ops (each instruction's semantics, compiled in one process per core), the
# interpreter's op table linked from them, the run loops -- is compiled once per ISA and
# semantics version (two to five minutes on two cores); do it here, with progress, not inside
# the first run.
warm-%:
	$(call say,compiling the $* engine (python -m jitvm cache --warm --arch $*))
	@$(PYTHON) -m jitvm cache --warm --arch $*

guest-%:
	$(call say,$* guest test programs (tests/guest/build.py --arch $*))
	@$(PYTHON) tests/guest/build.py --arch $*

boot: deps rootfs warm
	$(call say,booting: python -m jitvm boot --arch $(ARCH) $(BOOT_ARGS))
	@$(PYTHON) -m jitvm boot --arch $(ARCH) $(BOOT_ARGS)

# qemu-user as the oracle for guest shells: the host runs guest ELFs through qemu (binfmt_misc)
oracle:
	$(call say,qemu oracle: binfmt_misc for riscv64 loongarch64 aarch64 mipsel)
	@$(SUDO) bash tests/guest/oracle_binfmt.sh

test: deps $(TEST_ARCHES:%=rootfs-%) $(TEST_ARCHES:%=warm-%) $(TEST_ARCHES:%=guest-%) oracle
	$(call say,tests: pytest -q -m 'not slow' $(PYTEST_ARGS))
	@$(PYTHON) -m pytest -q -m 'not slow' $(PYTEST_ARGS)

# pytest exits 5 when it selects no test; that is not a failure while no test is marked slow.
test-slow: deps $(TEST_ARCHES:%=rootfs-%) $(TEST_ARCHES:%=guest-%)
	$(call say,slow tests: pytest -q -m slow $(PYTEST_ARGS))
	@$(PYTHON) -m pytest -q -m slow $(PYTEST_ARGS) || { rc=$$?; \
	    if [ $$rc = 5 ]; then echo "no slow tests selected"; else exit $$rc; fi; }

clean-guest:
	rm -rf tests/guest/bin
