"""The signal guest programs (tests/guest/{c,<arch>}/sig_*.c) under jitvm, interp and jit tiers,
against qemu-<arch>-static: stdout and exit status must match.

Where qemu-user is not a faithful oracle, the line qemu prints is replaced by what Linux prints
before comparing (QEMU_DIFFERS), each with the reason; jitvm must print the Linux line.
"""
import pytest

from tests.differential import run_jitvm, run_qemu

# name -> (arguments, exit status as a shell reports it)
PROGRAMS = {
    "sig_handler": ([], 0),
    "sig_fault": ([], 128 + 11),       # ends with a fault while SIGSEGV is blocked
    "sig_eintr": ([], 128 + 14),       # ends with SIGALRM's default action
    "sig_kill": ([], 128 + 15),        # ends with kill(getpid(), SIGTERM)
}

# (arch, name) -> {line prefix: the line Linux prints}; arch None: every ISA
QEMU_DIFFERS = {
    (None, "sig_handler"): {
        # Linux dequeues the lowest pending signal first (kernel/signal.c next_signal); with an
        # sa_mask blocking everything only that handler's frame is built, so handlers run lowest
        # first. qemu-user runs them highest first here. (SIGRTMIN is 34 in glibc, 35 in musl.)
        "order (handlers block all):": "order (handlers block all): 10 12 14 34 34 35",
    },
    ("loongarch64", "sig_handler"): {
        "order (handlers block all):": "order (handlers block all): 10 12 14 35 35 36",
    },
    (None, "sig_kill"): {
        # qemu-user does not pass SA_NOCLDWAIT to the host, so its child becomes a zombie that
        # wait() collects; Linux reaps it at exit and wait() fails with ECHILD (sigaction(2)).
        "SA_NOCLDWAIT:": "SA_NOCLDWAIT: wait=-1 ECHILD",
    },
    ("loongarch64", "sig_fault"): {
        # QEMU 7.2 raises SIGTRAP for every break code; Linux's do_bp
        # (arch/loongarch/kernel/traps.c) sends SIGFPE for BRK_DIVZERO and BRK_OVERFLOW.
        "break 7 (BRK_DIVZERO):": "break 7 (BRK_DIVZERO): sig=8 FPE_INTDIV addr_ok=1 pc_ok=1",
        "break 6 (BRK_OVERFLOW):": "break 6 (BRK_OVERFLOW): sig=8 FPE_INTOVF addr_ok=1 pc_ok=1",
    },
    ("mipsel", "sig_fault"): {
        # Linux emulates a misaligned lw for user programs (arch/mips/kernel/unaligned.c); QEMU
        # 7.2 sends SIGBUS. Its do_trap_or_bp sends SIGFPE for BRK_DIVZERO/BRK_OVERFLOW, from
        # break and from teq alike; QEMU sends SIGTRAP.
        "misaligned lw:": "misaligned lw: sig=0 value=88112233",
        "break 7 (BRK_DIVZERO):": "break 7 (BRK_DIVZERO): sig=8 FPE_INTDIV addr_ok=1 pc_ok=1",
        "break 6 (BRK_OVERFLOW):": "break 6 (BRK_OVERFLOW): sig=8 FPE_INTOVF addr_ok=1 pc_ok=1",
        "teq $0,$0,7": "teq $0,$0,7 (gcc's divide-by-zero check): sig=8 FPE_INTDIV addr_ok=1 "
                       "pc_ok=1",
        "42/0:": "42/0: sig=8 FPE_INTDIV",
    },
    ("mipsel", "sig_handler"): {
        # Linux saves FCSR in sc_fpc_csr and, with FR=0, each even register's double in its
        # slot (copy_fp_to_sigcontext); QEMU 7.2 saves no FCSR and, running zig's FP32 build
        # with FR=0, only the even registers' low halves.
        "sigcontext: fcsr": "sigcontext: fcsr                         ok",
        "sigcontext: $f20-$f30": "sigcontext: $f20-$f30, all 64 bits       ok",
        "sigreturn restores the frame's $f22": "sigreturn restores the frame's $f22      ok",
        "fcsr after the handler:": "fcsr after the handler: 880000d (want 880000d)",
    },
    ("aarch64", "sig_fault"): {
        # QEMU 7.2 gives an undefined instruction si_code ILL_ILLOPN; Linux's do_el0_undef
        # (arch/arm64/kernel/traps.c) sends ILL_ILLOPC.
        "udf #0:": "udf #0: sig=4 ILL_ILLOPC addr_ok=1 pc_ok=1",
        "unallocated 0x06000000:": "unallocated 0x06000000: sig=4 ILL_ILLOPC addr_ok=1 pc_ok=1",
        "mrs sctlr_el1 at EL0:": "mrs sctlr_el1 at EL0: sig=4 ILL_ILLOPC addr_ok=1 pc_ok=1",
    },
}


def linux_view(arch, name, out):
    differs = QEMU_DIFFERS.get((arch, name)) or QEMU_DIFFERS.get((None, name), {})
    lines = []
    for line in out.decode().splitlines():
        for prefix, linux in differs.items():
            if line.startswith(prefix):
                line = linux
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def workdir(rootfs):
    d = rootfs / "tmp" / "jitvm-sigtest"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.mark.parametrize("engine", ["interp", "jit"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_signal_program_matches_linux(arch, guest_bin, rootfs, workdir, engine, name):
    args, status = PROGRAMS[name]
    prog = guest_bin(name)
    qs, qout, _ = run_qemu(prog, args, cwd=workdir)
    js, jout, jerr = run_jitvm(prog, args, cwd=workdir, engine=engine, rootfs=rootfs)
    err = jerr.decode(errors="replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert qs == status, f"qemu: status {qs}\n{qout.decode()}"
    assert jout.decode() == linux_view(arch, name, qout), f"--- jitvm stderr\n{err}"
    assert js == status, err
    assert b"FAIL" not in jout


def test_fault_log_only_when_fatal(guest_bin, rootfs, workdir):
    """A handled fault is silent; the diagnostic line appears once, for the fault that kills."""
    _, _, err = run_jitvm(guest_bin("sig_fault"), cwd=workdir, rootfs=rootfs)
    lines = [x for x in err.decode().splitlines() if "killed by" in x]
    assert len(lines) == 1 and "SIGSEGV" in lines[0] and "0x10" in lines[0], lines
