"""Translated regions (jitvm/blocks.py, jitvm/region_ir.py) on real instructions: registers,
retired counts, exits and chaining, called the way the run loop calls them."""
import numpy as np
import pytest

from jitvm import blocks
from jitvm.compiled import PURE_PYTHON, call_block
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_JT, PTE_R, PTE_W
from rvhelpers import DATA, PC, Machine, assemble

pytestmark = pytest.mark.skipif(PURE_PYTHON, reason="regions are compiled code")

A0, A1, A2, A3 = 10, 11, 12, 13
LOOP = """
loop:   addi a0, a0, 1
        addi a1, a1, -1
        bnez a1, loop
        ecall
"""


class Region:
    """The blocks starting at `starts` (offsets into `source`; a list of lists: several regions)
    compiled as one region, and a jump
    table mapping each to it, as the engine installs them."""

    def __init__(self, tmp_path, monkeypatch, source, starts, way=0):
        from jitvm.isa import IsaInfo
        monkeypatch.setenv("JITVM_CACHE", str(tmp_path / "cache"))
        self.mc = mc = Machine()
        code, _ = assemble(tmp_path, source, march="rv64g")     # 4-byte instructions
        mc.write(PC, code)
        isa = IsaInfo("riscv64")
        groups = starts if isinstance(starts[0], list) else [starts]
        starts, self.entries = sum(groups, []), []
        for group in groups:
            batch = [blocks.scan(isa, mc.m, PC + s) for s in group]
            self.entries += blocks.compile_region(isa, batch)[0]
        self.ir = next((tmp_path / "cache").rglob("r_*.ll")).read_text()
        self.jt = np.full((blocks.JT_SIZE, 3), -1, dtype=np.int64)
        for s, (addr, e, _) in zip(starts, self.entries):
            first, second = blocks.jt_slots(PC + s)
            if way == 1:        # as if another block held the first row: the block takes its second
                self.jt[first] = (PC + s + 2 * blocks.JT_SIZE, 0, 0)
            self.jt[second if way else first] = (PC + s, addr, e)
        mc.ctl[CTL_JT] = self.jt.ctypes.data

    def call(self, k=0):
        """Run block k of the region; returns the instructions it retired."""
        addr, e, _ = self.entries[k]
        self.mc.ctl[CTL_EXIT] = 0
        return int(call_block(addr, e, self.mc.r, self.mc.mem8, self.mc.ctl))


@pytest.mark.parametrize("way", [0, 1])
def test_a_loop_chains_to_itself_and_on_to_its_successor(tmp_path, monkeypatch, way):
    reg = Region(tmp_path, monkeypatch, LOOP, [0, 12], way)
    mc = reg.mc
    mc.r[A1] = 100
    assert reg.call() == 3 * 100 + 1          # the loop, then the ecall block (it retires)
    assert mc.exit == Exit.SYSCALL
    assert (mc.r[A0], mc.r[A1]) == (100, 0)
    assert mc.r[64] == PC + 12                # at the ecall (the kernel moves past it)
    assert mc.ctl[blocks.CTL_STAT_CHAINED] == 100      # 99 times back to the loop, once on
    assert '%"local_regs" = alloca' in reg.ir           # registers were kept in locals


def test_chaining_needs_the_jump_table_to_map_this_very_copy(tmp_path, monkeypatch):
    reg = Region(tmp_path, monkeypatch, LOOP, [0, 12])
    reg.jt[blocks.jt_slots(PC)[0]] = -1           # the code there changed: the translation is gone
    reg.mc.r[A1] = 100
    assert reg.call() == 3                    # one time round, then back to the run loop
    assert (reg.mc.r[A0], reg.mc.r[64]) == (1, PC)
    assert reg.mc.exit == Exit.NONE


def test_a_fault_stops_before_the_faulting_instruction(tmp_path, monkeypatch):
    reg = Region(tmp_path, monkeypatch, """
        addi a0, a0, 1
        ld   a2, 0(a3)
        addi a0, a0, 1
        ecall
    """, [0])
    mc = reg.mc
    mc.r[A3], mc.r[A2] = DATA, 7
    mc.map(DATA, 0)                           # unmapped: the load faults
    assert reg.call() == 1                    # the first addi retired, the load did not
    assert mc.exit == Exit.PAGE_FAULT
    assert (mc.r[A0], mc.r[A2], mc.r[64]) == (1, 7, PC + 4)
    mc.map(DATA, PTE_R | PTE_W)               # mapped now: the whole block runs
    mc.write(DATA, (42).to_bytes(8, "little"))
    assert reg.call() == 4 and mc.exit == Exit.SYSCALL
    assert (mc.r[A0], mc.r[A2]) == (3, 42)


def test_the_interpreter_still_runs_its_own_page_table_walk(tmp_path, monkeypatch):
    """A region keeps the page-table walk out of line, as a local copy; the JIT linker resolves
    symbols by name even when local, so under Numba's name it would replace the interpreter's
    (compiled for another calling convention: a crash on the next TLB miss)."""
    reg = Region(tmp_path, monkeypatch, """
        ld   a2, 0(a3)
        ecall
    """, [0])
    mc = reg.mc
    mc.r[A3] = DATA
    mc.write(DATA, (42).to_bytes(8, "little"))
    assert reg.call() == 2 and mc.r[A2] == 42
    mc.map(DATA, PTE_R | PTE_W)               # flushes the TLB: the next load walks
    mc.write(DATA, (43).to_bytes(8, "little"))
    mc.run("ld", rd=A2, rs1=A3)               # through the interpreter's dispatch
    assert mc.exit == Exit.NONE and mc.r[A2] == 43


CALLS = """
loop:   jal  ra, f
        addi a1, a1, -1
        bnez a1, loop
        ecall
f:      addi a0, a0, 1
        ret
"""


@pytest.mark.parametrize("way", [0, 1])
def test_a_return_finds_its_block_through_the_jump_table(tmp_path, monkeypatch, way):
    reg = Region(tmp_path, monkeypatch, CALLS, [0, 4, 12, 16], way)
    mc = reg.mc
    mc.r[A1] = 50
    assert reg.call() == 5 * 50 + 1 and mc.exit == Exit.SYSCALL
    assert (mc.r[A0], mc.r[A1], mc.r[1]) == (50, 0, PC + 4)
    # to f and back to the loop by name, 50 times each; the return (an indirect jump) 50 times
    assert mc.ctl[blocks.CTL_STAT_CHAINED] == 50 + 49 + 1 + 50
    reg.jt[blocks.jt_slots(PC + 4)[way]] = -1     # the return's target is not mapped any more
    mc.r[A1], mc.ctl[CTL_EXIT] = 50, 0
    assert reg.call() == 3 and mc.r[64] == PC + 4      # jal, addi, ret: back to the run loop


def test_a_block_of_another_region_is_entered_without_the_run_loop(tmp_path, monkeypatch):
    """The loop in one region, f in another: the call and the return hand over from region to
    region (a tail call), and the whole loop runs in one call from the run loop."""
    reg = Region(tmp_path, monkeypatch, CALLS, [[0, 4, 12], [16]])
    mc = reg.mc
    mc.r[A1] = 50
    assert reg.call() == 5 * 50 + 1 and mc.exit == Exit.SYSCALL
    assert (mc.r[A0], mc.r[A1], mc.r[64]) == (50, 0, PC + 12)
    assert mc.ctl[blocks.CTL_STAT_CHAINED] == 50 + 49 + 1 + 50
    mc.r[A1], mc.ctl[CTL_EXIT] = 10_000, 0      # 50,000 instructions: CHAIN_LIMIT still holds
    assert blocks.CHAIN_LIMIT <= reg.call() < blocks.CHAIN_LIMIT + 5
    assert mc.exit == Exit.NONE


def test_blocks_sharing_a_jump_table_row_are_both_translated(tmp_path, monkeypatch):
    """f is 32 KiB after the loop's first block: both want the same first row of the jump table.
    The engine's run loop must translate both (with one row each, one stayed interpreted)."""
    from jitvm import engine
    monkeypatch.setenv("JITVM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(engine, "COMPILE_MODE", "sync")
    mc = Machine()
    far = 2 * blocks.JT_SIZE
    code, _ = assemble(tmp_path, f"""
loop:   jal  ra, f
        addi a1, a1, -1
        bnez a1, loop
        ecall
        .skip {far} - 16
f:      addi a0, a0, 1
        ret
""", march="rv64g")
    mc.write(PC, code)
    assert blocks.jt_slots(PC)[0] == blocks.jt_slots(PC + far)[0]
    eng = engine.Engine("riscv64")
    cache = eng.new_code_cache()
    mc.r[64], mc.r[A1] = PC, 20_000
    while (e := eng.run(mc.r, mc.m, cache, 2_000)) != Exit.SYSCALL:
        assert e in (Exit.BUDGET, Exit.HOT)
    assert mc.r[A0] == 20_000
    assert {PC, PC + far} <= set(cache.jt[:, 0])
    # each block is interpreted until it is hot (some hundred times), not one of them throughout
    assert mc.ctl[eng.loops.CTL_STAT_BLOCKS_INTERP] < 10 * engine.HOT_THRESHOLD
    eng.shutdown()
