"""loongarch64 unit-test helpers: the tiny machine (tests/translators/tinymachine.py) running
loongarch64 instructions by name the interpreter's way (through the op table).

    from lahelpers import DATA, Machine     # (pytest puts this test directory on sys.path)

    def test_x():
        mc = Machine()
        mc.r[5] = DATA
        npc = mc.run("ld.d", rd=4, rs1=5, imm=8)
        assert mc.exit == Exit.NONE and mc.r[4] == ...

Test files here are named test_la_*.py: without __init__.py files, pytest needs test module
names unique across the tree (riscv64 has test_encodings.py etc.).
"""
from tests.translators.tinymachine import (DATA, L0_TABLE, PAGES, PC, RW, TinyMachine,  # noqa: F401
                                          sx, ux)


class Machine(TinyMachine):
    def __init__(self):
        super().__init__("loongarch64")
