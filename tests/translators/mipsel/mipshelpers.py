"""mipsel unit-test helpers: the tiny machine (tests/translators/tinymachine.py) running mipsel
instructions by name the interpreter's way (through the op table), with the delay-slot state.

    from mipshelpers import DATA, Machine     # (pytest puts this test directory on sys.path)

    def test_x():
        mc = Machine()
        mc.r[5] = DATA
        npc = mc.run("lw", rd=4, rs1=5, imm=8)   # r[PC] = pc, r[NPC] = pc + 4 first
        assert mc.exit == Exit.NONE and mc.r[4] == ... and npc == PC + 4

Test files here are named test_mips_*.py: without __init__.py files, pytest needs test module
names unique across the tree.
"""
from tests.translators.tinymachine import (DATA, L0_TABLE, PAGES, PC, RW, TinyMachine,  # noqa: F401
                                          sx, ux)
from translators.mipsel import cpu


def s32(v):
    """A Python int as the sign-extended word a register holds (0xFFFFFFFF -> -1)."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


class Machine(TinyMachine):
    def __init__(self):
        super().__init__("mipsel")

    def run(self, name, pc=PC, npc=None, **kw):
        """Run one instruction at pc with NPC = npc (default pc + 4: not in a delay slot)."""
        self.r[cpu.PC] = pc
        self.r[cpu.NPC] = pc + 4 if npc is None else npc
        return super().run(name, pc=pc, **kw)

    @property
    def npc(self):
        return int(self.r[cpu.NPC])
