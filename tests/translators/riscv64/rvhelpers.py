"""riscv64 unit-test helpers: a tiny machine with an identity-mapped page table, and the GNU
cross binutils to assemble real instructions.

    from rvhelpers import DATA, Machine     # (pytest puts this test directory on sys.path)

    def test_x():
        mc = Machine()                      # pages DATA..top mapped read/write, va == pa
        mc.r[11] = DATA
        npc = mc.run("ld", rd=10, rs1=11, imm=8)
        assert mc.exit == Exit.NONE and mc.r[10] == ...

Instructions run the interpreter's way (tests/translators/tinymachine.py: through the op table),
so these tests cover it too.
"""
import subprocess

from tests.tools import need
from tests.translators.tinymachine import (DATA, L0_TABLE, PAGES, PC, RW, TinyMachine,  # noqa: F401
                                          sx, ux)


class Machine(TinyMachine):
    def __init__(self):
        super().__init__("riscv64")


def assemble(tmp_path, source, march="rv64gc"):
    """Assemble `source`; returns (the .text bytes, objdump -M no-aliases lines (pc, text))."""
    need("riscv64-linux-gnu-as")
    need("riscv64-linux-gnu-objdump")
    src, obj, binf = tmp_path / f"{march}.s", tmp_path / f"{march}.o", tmp_path / f"{march}.bin"
    src.write_text(".option norelax\n.text\n" + source + "\n")
    subprocess.run(["riscv64-linux-gnu-as", f"-march={march}", "-o", obj, src], check=True)
    subprocess.run(["riscv64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", obj, binf],
                   check=True)
    dump = subprocess.run(["riscv64-linux-gnu-objdump", "-d", "-M", "no-aliases", obj],
                          check=True, capture_output=True, text=True).stdout
    lines = []
    for line in dump.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0].strip().endswith(":"):
            text = " ".join(p.strip() for p in parts[2:]).split("#")[0].strip()
            lines.append((int(parts[0].strip()[:-1], 16), text))
    return binf.read_bytes(), lines


def instructions(code):
    """(pc, instruction bits) for each instruction in a .text image."""
    pc, out = 0, []
    while pc < len(code):
        lo = int.from_bytes(code[pc:pc + 2], "little")
        n = 4 if lo & 3 == 3 else 2
        out.append((pc, int.from_bytes(code[pc:pc + n], "little")))
        pc += n
    return out
