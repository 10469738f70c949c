"""Why compiled guest code handed control back to Python (a block exit that needs the host).

Compiled code never raises: it stores one of these in ctl[CTL_EXIT] and returns. The kernel's trap
dispatcher turns them into its ISA-neutral TrapReason.
"""
from enum import IntEnum


class Exit(IntEnum):
    NONE = 0          # still running
    SYSCALL = 1       # ecall/syscall instruction; pc points at it
    PAGE_FAULT = 2    # ctl[CTL_FAULT_ADDR], ctl[CTL_FAULT_KIND] say where and why; pc at the insn
    ILLEGAL = 3       # undecodable or unsupported instruction; ctl[CTL_EXIT_INFO] = its bits
    BREAKPOINT = 4    # ebreak/break
    BUDGET = 5        # the time slice ran out (the software timer interrupt)
    FENCE_I = 6       # code may have changed: drop translations, then continue at pc
    MISALIGNED = 7    # an atomic on a misaligned address (plain loads/stores are emulated)
    HOT = 8           # engine-internal: hot blocks are queued for translation
    INTERRUPT = 9     # another CPU asked this one into the kernel (the software IPI: a TLB
                      # shootdown, a signal or stop for the thread it runs, power-off)
    BOUNDS = 10       # a bound-checking access failed its check (a bounds-checked load,
                      # store or assertion); ctl[CTL_FAULT_ADDR] = the address checked
    FP_TRAP = 11      # an FP exception the guest enabled was raised (an enable bit of its
                      # FP status register); the kernel reads the cause from that register


class Access(IntEnum):
    """Access kinds; the values are the PTE permission bits the access needs."""
    READ = 2
    WRITE = 4
    EXEC = 8
