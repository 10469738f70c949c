"""The mipsel translator (MIPS32 Release 2, little-endian, o32 Linux user mode): what the engine
and the kernel import. The same module names as every translator:

  encodings.py  the encoding table (the only place bit positions appear)
  decoder.py    decode(inst), NAMES, ENDS_BLOCK -- derived from the table, validated on import
  mips_*.py     one exec_<name> semantic function per instruction: mips_base (ALU, shifts,
                HI/LO multiply and divide, bit fields), mips_branch (branches and jumps, all
                with delay slots), mips_mem (loads, stores, ll/sc, sync, synci, pref),
                mips_sys (syscall, break, traps, rdhwr), mips_fp (COP1)
  _dispatch.py  SEMANTICS[op], execute(op, ...): the table of them (translators/gen_dispatch.py)
  cpu.py, fetch.py, disasm.py, abi.py, signal.py

Delay slots: every semantic function keeps NPC, the pc after the next instruction (cpu.py);
ENDS_BLOCK[op] is 2 for the delayed branches and jumps, whose block ends after their slot.
Not implemented (illegal, SIGILL): MIPS16e, microMIPS, MSA, DSP, COP2, Release 6 encodings and
the privileged instructions.
"""
from translators.mipsel._dispatch import execute
from translators.mipsel.cpu import F0, FCSR, NPC, NREGS, PC, RES_ADDR, RES_VALUE, new_regs
from translators.mipsel.decoder import ENDS_BLOCK, NAMES, OP_ILLEGAL, decode
from translators.mipsel.disasm import disasm
from translators.mipsel.fetch import fetch

NAME = "mipsel"
EM_MIPS = 8
ELF_MACHINE = EM_MIPS

__all__ = ["NAME", "EM_MIPS", "ELF_MACHINE", "execute", "decode", "fetch", "disasm", "NAMES",
           "ENDS_BLOCK", "OP_ILLEGAL", "new_regs", "F0", "FCSR", "NPC", "NREGS", "PC",
           "RES_ADDR", "RES_VALUE"]
