"""The loongarch64 signal frame against Linux's layout (arch/loongarch/kernel/signal.c): the
ucontext after siginfo, uc_mcontext at 176, the FPU record right after the rt_sigframe at
sc_extcontext (magic, Linux's size 288, regs, fcc packed a byte each, fcsr), the end marker, and
the trampoline's two instruction words. QEMU 7.2 writes a record size of 592 here, so frames are
checked against the kernel's layout rather than byte-compared with qemu."""
import struct

from translators.loongarch64 import cpu
from translators.loongarch64 import signal as sf


def test_offsets_are_linuxs():
    assert sf.UC + sf.UC_MCONTEXT == 304                     # sigcontext in the frame
    assert sf.RT_SIGFRAME_SIZE == 576 == 304 + sf.SC_EXTCONTEXT
    assert sf.FPU_RECORD_SIZE == 288 and sf.FRAME_SIZE == 880


def test_frame_holds_registers_fp_record_and_end_marker():
    regs = cpu.new_regs()
    for i in range(1, 32):
        regs[i] = 0x1000 + i
    regs[cpu.PC] = 0x12345678
    for i in range(32):
        regs[cpu.F0 + i] = -(i + 1)
    regs[cpu.FCC0 + 1] = 1
    regs[cpu.FCC0 + 7] = 1
    regs[cpu.FCSR] = 0x0300
    f = sf.build_frame(regs, b"\x07", 0xF0, (0, 2, 0))
    mc = 304
    assert struct.unpack_from("<Q", f, mc)[0] == 0x12345678            # sc_pc
    assert struct.unpack_from("<Q", f, mc + 8)[0] == 0                 # sc_regs[0] ($zero)
    assert struct.unpack_from("<Q", f, mc + 8 + 8 * 3)[0] == 0x1003    # $sp
    assert struct.unpack_from("<I", f, mc + 264)[0] == 1                # SC_USED_FP
    magic, size = struct.unpack_from("<II", f, 576)
    assert (magic, size) == (0x46505501, 288)
    assert struct.unpack_from("<q", f, 592)[0] == -1                    # $f0
    fcc, fcsr = struct.unpack_from("<QI", f, 592 + 256)
    assert fcc == (1 << 8) | (1 << 56) and fcsr == 0x0300
    assert f[864:880] == bytes(16)                                      # end of the records
    regs2 = cpu.new_regs()
    sf.restore_frame(regs2, f)
    assert list(regs2[:cpu.RES_ADDR]) == list(regs[:cpu.RES_ADDR])


def test_trampoline_is_li_w_a7_139_then_syscall_0():
    from translators.loongarch64.disasm import disasm
    words = struct.unpack("<II", sf.TRAMPOLINE)
    texts = [disasm(w, 0) for w in words]
    assert "139" in texts[0] and texts[0].split()[0] in ("addi.w", "li.w", "ori")
    assert texts[1].split()[0] == "syscall"
