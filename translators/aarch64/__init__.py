"""The aarch64 translator (A64 user level as a Cortex-A53 runs it: base integer, scalar FP and the
AdvSIMD subset real programs use) -- registered, partial: see "Missing" below. The same module
names as every translator, plus abi.py, signal.py (the rt_sigframe with its FPSIMD and frame
records) and gdb.py --
  encodings.py  the encoding table in the Arm ARM's classes and field names (validated on import)
  decoder.py    decode(inst), NAMES, ENDS_BLOCK -- derived from the table
  a64_base.py   data processing, immediate and register (add/sub/logical incl. bitmask
                immediates, move wide, bitfield, extr, adc/sbc, ccmp/ccmn, csel family,
                rev/clz/cls/rbit, variable shifts, divides, multiply-accumulate and high halves)
  a64_branch.py b, bl, b.cond, cbz/cbnz, tbz/tbnz, br, blr, ret
  a64_mem.py    loads and stores of the general registers in every addressing mode, pairs,
                exclusives, acquire/release
  a64_sys.py    svc, brk, hints, barriers, dc zva and the EL0 cache ops, mrs/msr (nzcv, fpcr,
                fpsr, tpidr_el0, tpidrro_el0, ctr_el0, dczid_el0, cntfrq_el0, cntvct_el0)
  a64_fp.py     scalar FP, single and double (half in fcvt): arithmetic, fused multiply-add,
                min/max, compares to NZCV, conversions, rounding to integral, fmov; FPCR
                rounding modes, DN and FZ, FPSR flags, Arm NaN propagation
  a64_vmem.py   loads and stores of the V registers: ldr/str B-Q in every addressing mode,
                pairs, literals, LD1-LD4/ST1-ST4 (multiple structures, single lanes, LDnR)
  a64_simd.py   the AdvSIMD (NEON) data processing glibc's string routines, gcc's vectorizer
                and busybox use: three same/different, two-register misc, across lanes,
                permute, ext, tbl/tbx, copy (dup/ins/umov/smov), modified immediates, shifts
                by immediate, the FP vector ops (FPCR/FPSR as a64_fp.py); every arrangement
  _dispatch.py  SEMANTICS[op], execute(op, ...) (python -m translators.gen_dispatch aarch64)
  cpu.py        register layout: X0..X30, SP at 31, NZCV as four slots; the XZR/SP accessors
  fetch.py, disasm.py (Arm syntax, canonical forms: no aliases)
Tested in tests/translators/aarch64/ (test_a64_*.py): the table against llvm-mc-19/llvm-objdump-19
(a corpus covering every row, words near every row, disassembly round trips); semantics on
hand-computed cases, on random llvm-assembled instructions against a model of the manual's
pseudocode, and against qemu-aarch64-static -cpu cortex-a53 (a generated ELF run by qemu and
stepped through the dispatch: data processing, NZCV, loads/stores, pairs, exclusives).

Missing:
  - TBI (Linux ignores the top byte of user data addresses; here such an address faults)
  - LSE atomics, PAC, BTI, MTE, CRC32 are deliberately absent (not advertised: SIGILL)
  - known gaps in what is done: ldxp/stxp of two X registers is not atomic as a whole
    (atomic.py has no 16-byte compare-and-swap; a64_mem.py says what can be lost); cntvct_el0
    counts retired instructions, not time; FPCR.AHP (the alternative half-precision format)
    is ignored: fcvt to/from half is always IEEE; the AdvSIMD forms a64_simd.py's docstring
    lists as absent (saturating narrows, by-element, polynomial, FP16, crypto ...) are SIGILL
"""
from translators.aarch64._dispatch import execute
from translators.aarch64.cpu import NREGS, PC, RES_ADDR, RES_VALUE, SP, new_regs
from translators.aarch64.decoder import ENDS_BLOCK, NAMES, OP_ILLEGAL, decode
from translators.aarch64.disasm import disasm
from translators.aarch64.fetch import fetch

NAME = "aarch64"
EM_AARCH64 = 183
ELF_MACHINE = EM_AARCH64

__all__ = ["NAME", "EM_AARCH64", "ELF_MACHINE", "execute", "decode", "fetch", "disasm", "NAMES",
           "ENDS_BLOCK", "OP_ILLEGAL", "new_regs", "NREGS", "PC", "SP", "RES_ADDR", "RES_VALUE"]
