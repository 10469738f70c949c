"""TEMPLATE of the compiled run loops, instantiated once per ISA by jitvm/engine.py, which writes a
copy with ISA_NAME replaced into the translation cache and imports it from there. (Numba caches
compiled code only for real source files, and only when callees are module globals -- not when
they are passed in as arguments -- hence a file per ISA.) Do not import this module directly.

Two loops share the decode cache `dc` (one row per recently seen pc):
  run_interp -- the interpreter tier: fetch/decode once per pc, then call the instruction's op
                through the op table `ot` (jitvm/oplib.py; in the python tier, the ISA's
                generated dispatch).
  run_jit    -- the translating tier: look pc up in the jump table `jt` (pc, region address,
                block index; two rows per pc, jitvm.blocks.jt_slots); a hit calls the compiled
                block through its region's address, so blocks chain here without returning to
                Python; a miss interprets one basic block and counts its heat; hot blocks are
                queued for translation and reported with Exit.HOT when the queue fills (or at
                the next exit).
"""

from jitvm.blocks import DELAYED, JT_SIZE, jt_row
from jitvm.compiled import PURE_PYTHON, call_block, call_op, carray, jit, native
from jitvm.exits import Exit
from jitvm.mmu import CTL_EXIT, CTL_EXIT_INFO, CTL_INSTRET, block_views, raw
from translators.ISA_NAME import ENDS_BLOCK, NAMES, decode, fetch
from translators.ISA_NAME._dispatch import execute
from translators.ISA_NAME.cpu import PC

try:        # an ISA with delay slots (MIPS) says when one is pending; the others never have one
    from translators.ISA_NAME.cpu import in_delay_slot
except ImportError:
    @jit
    def in_delay_slot(r):
        return False

# decode-cache columns
DC_PC, DC_OP, DC_LEN, DC_RD, DC_RS1, DC_RS2, DC_RS3, DC_RM, DC_IMM, DC_END = range(10)
DC_COLS = 10
DC_SIZE = 1 << 14
# ctl words owned by the engine (jitvm/mmu.py reserves 16..63 for it)
CTL_HOT_N = 16       # how many block start pcs wait in the hot queue
CTL_HOT_Q = 17       # the queue itself: CTL_HOT_Q .. CTL_HOT_Q + HOT_CAP - 1
HOT_CAP = 16
CTL_STAT_BLOCKS_INTERP = 40
CTL_STAT_BLOCKS_JIT = 41


@jit
def lookup(m, dc, pc):
    """Decode-cache row for pc, decoding on a miss; -1 after a fetch fault or illegal insn."""
    s = (pc >> 1) & (DC_SIZE - 1)
    if dc[s, DC_PC] == pc:
        return s
    return fill(m, dc, pc, s)


@jit(inline="never")
def fill(m, dc, pc, s):
    inst = fetch(m, pc)
    if inst < 0:
        return -1
    op, ilen, rd, rs1, rs2, rs3, rm, imm = decode(inst)
    if op == 0:
        ctl = m[4]
        ctl[CTL_EXIT] = Exit.ILLEGAL
        ctl[CTL_EXIT_INFO] = inst
        return -1
    dc[s, DC_PC] = pc
    dc[s, DC_OP] = op
    dc[s, DC_LEN] = ilen
    dc[s, DC_RD] = rd
    dc[s, DC_RS1] = rs1
    dc[s, DC_RS2] = rs2
    dc[s, DC_RS3] = rs3
    dc[s, DC_RM] = rm
    dc[s, DC_IMM] = imm
    dc[s, DC_END] = ENDS_BLOCK[op]
    return s


if PURE_PYTHON:
    def dispatch(ot, op, rp, mp, cp, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
        r, m = block_views(rp, mp, cp)
        return execute(op, r, m, pc, ilen, rd, rs1, rs2, rs3, rm, imm)
else:
    @jit
    def dispatch(ot, op, rp, mp, cp, pc, ilen, rd, rs1, rs2, rs3, rm, imm):
        return call_op(ot[op], rp, mp, cp, pc, ilen, rd, rs1, rs2, rs3, rm, imm)


@jit
def step(r, m, p, dc, ot, s, pc):
    """Execute the decoded instruction in row s; returns True if it retired.
    p = raw(r, m): ops take raw pointers."""
    npc = dispatch(ot, dc[s, DC_OP], p[0], p[1], p[2], pc, dc[s, DC_LEN], dc[s, DC_RD],
                   dc[s, DC_RS1], dc[s, DC_RS2], dc[s, DC_RS3], dc[s, DC_RM], dc[s, DC_IMM])
    r[PC] = npc
    e = m[4][CTL_EXIT]
    # a faulting or illegal instruction did not retire; a system call or fence.i did
    return e == 0 or e == Exit.SYSCALL or e == Exit.FENCE_I or e == Exit.BREAKPOINT


@jit(inline="never")
def run_interp(r, m, dc, ot, budget):
    ctl = m[4]
    p = raw(r, m)
    n = 0
    while n < budget:
        pc = r[PC]
        s = lookup(m, dc, pc)
        if s < 0:
            break
        if step(r, m, p, dc, ot, s, pc):
            n += 1
        if ctl[CTL_EXIT] != 0:
            break
    if ctl[CTL_EXIT] == 0:
        ctl[CTL_EXIT] = Exit.BUDGET
    ctl[CTL_INSTRET] += n
    return ctl[CTL_EXIT]


@jit(inline="never")
def run_jit(r, m, dc, ot, jt, heat, budget, threshold):
    ctl = m[4]
    p = raw(r, m)
    n = 0
    while n < budget and ctl[CTL_EXIT] == 0:
        pc = r[PC]
        if in_delay_slot(r):             # a branch's slot is pending (after an exit between
            s = lookup(m, dc, pc)        # them): run it before any block may start
            if s < 0:
                break
            if step(r, m, p, dc, ot, s, pc):
                n += 1
            continue
        h = jt_row(jt, pc)
        if jt[h, 0] == pc:
            n += call_block(jt[h, 1], jt[h, 2], p[0], p[1], p[2])
            ctl[CTL_STAT_BLOCKS_JIT] += 1
            continue
        ctl[CTL_STAT_BLOCKS_INTERP] += 1
        slot = False
        while True:                      # interpret one basic block (a delayed branch's: and
            pc2 = r[PC]                  # its slot, as blocks.scan makes them)
            s = lookup(m, dc, pc2)
            if s < 0:
                break
            if step(r, m, p, dc, ot, s, pc2):
                n += 1
            if ctl[CTL_EXIT] != 0 or slot or dc[s, DC_END] == 1:
                break
            slot = dc[s, DC_END] == DELAYED
        heat[h] += 1
        if heat[h] == threshold and ctl[CTL_HOT_N] < HOT_CAP:
            ctl[CTL_HOT_Q + ctl[CTL_HOT_N]] = pc
            ctl[CTL_HOT_N] += 1
            if ctl[CTL_HOT_N] == HOT_CAP and ctl[CTL_EXIT] == 0:
                ctl[CTL_EXIT] = Exit.HOT
    if ctl[CTL_EXIT] == 0:
        ctl[CTL_EXIT] = Exit.BUDGET
    ctl[CTL_INSTRET] += n
    return ctl[CTL_EXIT]


# ---- entry points from Python for the compiled tiers (see jitvm.compiled.native) -------------
if not PURE_PYTHON:
    NOPS = len(NAMES)       # the op table's length

    @native("p", "v", "p", "p", "p", "i")
    def run_interp_native(rp, mp, cp, dcp, otp, budget):
        r, m = block_views(rp, mp, cp)
        return run_interp(r, m, carray(dcp, (DC_SIZE, DC_COLS)), carray(otp, NOPS), budget)

    @native("p", "v", "p", "p", "p", "p", "p", "i", "i")
    def run_jit_native(rp, mp, cp, dcp, otp, jtp, hp, budget, threshold):
        r, m = block_views(rp, mp, cp)
        return run_jit(r, m, carray(dcp, (DC_SIZE, DC_COLS)), carray(otp, NOPS),
                       carray(jtp, (JT_SIZE, 3)), carray(hp, JT_SIZE), budget, threshold)
