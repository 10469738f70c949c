"""The loongarch64 translator (LA64 base integer + scalar FP, as the LA464 core runs them): what
the engine and the kernel import. The same module names as every translator:

  encodings.py  the encoding table (the only place bit positions appear)
  decoder.py    decode(inst), NAMES, ENDS_BLOCK -- derived from the table, validated on import
  la_*.py       one exec_<name> semantic function per instruction: la_base (integer, branches,
                loads and stores), la_atomic (ll/sc, am*, barriers), la_fp (scalar FP),
                la_sys (syscall, break, cpucfg, rdtime)
  _dispatch.py  SEMANTICS[op], execute(op, ...): the table of them (translators/gen_dispatch.py)
  cpu.py, fetch.py, disasm.py, abi.py, signal.py

LSX/LASX (vector) and LBT are not implemented: their encodings are not in the table, so they
decode as illegal instructions (SIGILL), and AT_HWCAP says they are absent.
"""
from translators.loongarch64._dispatch import execute
from translators.loongarch64.cpu import F0, FCSR, NREGS, PC, RES_ADDR, RES_VALUE, new_regs
from translators.loongarch64.decoder import ENDS_BLOCK, NAMES, OP_ILLEGAL, decode
from translators.loongarch64.disasm import disasm
from translators.loongarch64.fetch import fetch

NAME = "loongarch64"
EM_LOONGARCH = 258
ELF_MACHINE = EM_LOONGARCH

__all__ = ["NAME", "EM_LOONGARCH", "ELF_MACHINE", "execute", "decode", "fetch", "disasm", "NAMES",
           "ENDS_BLOCK", "OP_ILLEGAL", "new_regs", "F0", "FCSR", "NREGS", "PC", "RES_ADDR",
           "RES_VALUE"]
