"""The machine interface: all the kernel knows of the hardware.

A Machine is guest physical memory (one numpy byte array), virtual CPUs and the engine for one ISA.
The kernel gives a CPU a thread's register array, an address space's page-table root and code
cache, and a budget; the CPU runs guest code and returns the Exit that needs the kernel, with the
fault address and access kind where there is one. The kernel never indexes a register array
itself: kernel/context.py maps the ABI's register numbers onto it.
"""
import numpy as np

import translators
from jitvm import mmu
from jitvm.blocks import CTL_STAT_CHAINED
from jitvm.engine import Engine
from jitvm.exits import Access, Exit


class Cpu:
    def __init__(self, machine, index):
        self.machine, self.index = machine, index
        self.ctl = mmu.new_ctl(len(machine.mem8), machine.engine.isa.nregs)
        self.m = mmu.machine_tuple(machine.mem8, self.ctl)
        self._tlb_owner = None            # (page-table root, tlb_gen) the TLB was filled for
        self.exits = {}                   # Exit name -> how many times it reached the kernel

    def run_user(self, regs, pt_root, tlb_gen, code_caches, code_gen, budget):
        """Enter guest code; returns the Exit that needs the kernel. code_caches: the address
        space's translations, one CodeCache per CPU (created here), so no two host threads
        ever write the same decode cache or jump table."""
        cache = self._enter(pt_root, tlb_gen, code_caches, code_gen)
        e = self.machine.engine.run(regs, self.m, cache, budget)
        self.exits[e.name] = self.exits.get(e.name, 0) + 1
        return e

    def step_user(self, regs, pt_root, tlb_gen, code_caches, code_gen):
        """Execute one guest instruction, interpreted (a debugger's single step); returns the
        Exit as run_user does, Exit.BUDGET once the instruction retired without one."""
        cache = self._enter(pt_root, tlb_gen, code_caches, code_gen)
        e = self.machine.engine.step(regs, self.m, cache)
        self.exits[e.name] = self.exits.get(e.name, 0) + 1
        return e

    def _enter(self, pt_root, tlb_gen, code_caches, code_gen):
        """This CPU's TLB and code cache made current for the address space."""
        if self._tlb_owner != (pt_root, tlb_gen):
            mmu.flush_tlb(self.ctl)
            self.ctl[mmu.CTL_PT_ROOT] = pt_root
            self._tlb_owner = (pt_root, tlb_gen)
        cache = code_caches.get(self.index)
        if cache is None:
            cache = code_caches[self.index] = self.machine.new_code_cache()
        if cache.gen != code_gen:
            cache.flush()
            cache.gen = code_gen
        return cache

    def interrupt(self):
        """From another host thread: leave guest code soon with Exit.INTERRUPT (jitvm/mmu.py)."""
        mmu.interrupt(self.ctl)

    def clear_interrupt(self):
        """Before entering guest code, with the kernel's decisions for it already made."""
        self.ctl[mmu.CTL_IRQ] = 0

    @property
    def fault_addr(self):
        return int(self.ctl[mmu.CTL_FAULT_ADDR])

    @property
    def fault_access(self):
        return Access(int(self.ctl[mmu.CTL_FAULT_KIND]))

    @property
    def exit_info(self):
        return int(self.ctl[mmu.CTL_EXIT_INFO])

    @property
    def instret(self):
        return int(self.ctl[mmu.CTL_INSTRET])

    @property
    def tlb_misses(self):
        return int(self.ctl[mmu.CTL_TLB_MISSES])

    @property
    def blocks_run(self):
        """(entered from the run loop, chained inside a region, interpreted): basic blocks this
        CPU has run (jit tier only)."""
        lp = self.machine.engine.loops
        return (int(self.ctl[lp.CTL_STAT_BLOCKS_JIT]), int(self.ctl[CTL_STAT_CHAINED]),
                int(self.ctl[lp.CTL_STAT_BLOCKS_INTERP]))


class Machine:
    def __init__(self, isa, mem_size, ncpus=1, engine="jit"):
        self.isa_name = isa
        self.abi = translators.load(isa).abi
        self.mem8 = np.zeros(mem_size, dtype=np.uint8)
        self.engine = Engine(isa, engine)
        self.cpus = [Cpu(self, i) for i in range(ncpus)]

    def new_regs(self):
        return self.engine.isa.new_regs()

    def new_code_cache(self):
        return self.engine.new_code_cache()

    def shutdown(self):
        """Power off: stop the engine's helpers (the compile process)."""
        self.engine.shutdown()

    def debug_description(self):
        """The ISA's registers and breakpoint instructions as a debugger sees them
        (translators/<isa>/gdb.py)."""
        import importlib
        return importlib.import_module(f"translators.{self.isa_name}.gdb")

    def disasm_at(self, cpu, pc):
        """Disassembly of the instruction at pc in cpu's current address space, for messages."""
        isa = self.engine.isa
        inst = int(isa.fetch(cpu.m, pc))
        cpu.ctl[mmu.CTL_EXIT] = 0
        return "<unmapped>" if inst < 0 else f"{isa.disasm(inst, pc)}  ({inst:#x})"


__all__ = ["Machine", "Cpu", "Exit", "Access"]
