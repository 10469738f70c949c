"""Every translator fills the same slots: the modules and names the engine and kernel use."""
import importlib

import pytest

import translators

MODULES = ("encodings", "decoder", "cpu", "abi", "signal", "fetch", "disasm", "_dispatch")
ABI_NAMES = ("ELF_MACHINE", "SYSCALL_NAMES", "PC", "SP", "TP", "RA", "SYSCALL_NR", "SYSCALL_ARGS",
             "SYSCALL_RET", "SYSCALL_INSN_LEN", "CLONE_ARGS_ORDER", "STACK_ALIGN", "HWCAP",
             "HWCAP2", "SA_RESTORER", "OPEN_FLAGS", "PLATFORM", "UNAME_MACHINE", "BREAK_SIGNALS",
             "ILLEGAL_SIGINFO", "SHMLBA", "cpuinfo", "sigframe")
SIGFRAME_NAMES = ("FRAME_SIZE", "TRAMPOLINE", "MINSIGSTKSZ", "build_frame", "restore_frame",
                  "enter_handler")


@pytest.mark.parametrize("isa", translators.ISAS)
def test_every_translator_has_the_same_slots(isa):
    for mod in MODULES:
        importlib.import_module(f"translators.{isa}.{mod}")
    pkg = translators.load(isa)
    for name in ABI_NAMES:
        assert hasattr(pkg.abi, name), f"{isa}/abi.py lacks {name}"
    for name in SIGFRAME_NAMES:
        assert hasattr(pkg.abi.sigframe, name), f"{isa}/signal.py lacks {name}"
    assert translators.ELF_MACHINES[pkg.abi.ELF_MACHINE] == isa == pkg.NAME


@pytest.mark.parametrize("isa", translators.ISAS)
def test_the_signal_frame_round_trips(isa):
    pkg = translators.load(isa)
    sf = pkg.abi.sigframe
    regs = pkg.cpu.new_regs()
    regs[:pkg.cpu.NREGS] = range(pkg.cpu.NREGS)
    regs[0] = 0
    if getattr(pkg.abi, "NPC", None) is not None:      # no delay slot pending (MIPS)
        regs[pkg.abi.NPC] = regs[pkg.abi.PC] + 4
    saved = regs.copy()
    frame = sf.build_frame(regs, b"\x01" * 16, 0x1234, (0x5000, 2, 0x800))
    assert len(frame) == sf.FRAME_SIZE and sf.FRAME_SIZE % 16 == 0
    regs[:] = -7
    mask, stack = sf.restore_frame(regs, frame)
    assert mask == 0x1234 and stack == (0x5000, 2, 0x800)
    assert regs[pkg.abi.PC] == saved[pkg.abi.PC] and regs[pkg.abi.SP] == saved[pkg.abi.SP]
    assert all(regs[i] == saved[i] for i in range(1, 32))
