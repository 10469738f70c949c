"""mipsel FPU semantics (mips_fp.py) by hand, through the op table (tests/translators/
tinymachine.py): FR=0 register pairs, FCSR (rounding, Cause/Flags/Enables, the trap, the
cfc1/ctc1 views), legacy NaNs, compares into each condition code, the bc1 delay-slot contract,
moves and memory. The values are qemu-mipsel 7.2's (test_mips_fp_qemu.py compares ~250 000
more against it)."""
import pytest

from mipshelpers import DATA, PC, Machine, s32
from jitvm.exits import Exit
from translators.mipsel.cpu import F0, FCSR, NPC

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
RN, RZ, RP, RM = 0, 1, 2, 3
I, U, O, Z, V = 1, 2, 4, 8, 16               # FCSR exception bits, low to high
ONE_D, TWO_D, ONE_S = 0x3FF0000000000000, 0x4000000000000000, 0x3F800000
DNAN_D, DNAN_S = 0x7FF7FFFFFFFFFFFF, 0x7FBFFFFF


def cause(x):
    return x << 12


def flags(x):
    return x << 2


def enables(x):
    return x << 7


def put_d(mc, n, v):
    mc.r[F0 + n], mc.r[F0 + n + 1] = v & 0xFFFFFFFF, v >> 32


def get_d(mc, n):
    return int(mc.r[F0 + n + 1]) << 32 | int(mc.r[F0 + n])


def fp_d(name, a, b=0, fcsr=0, mc=None):
    """name.d f4, f0, f2 with FCSR = fcsr: (f4 pair, FCSR); f4/f5 start as 0x55.."""
    mc = mc or Machine()
    mc.r[FCSR] = fcsr
    put_d(mc, 0, a)
    put_d(mc, 2, b)
    put_d(mc, 4, 0x5555555555555555)
    assert mc.run(name, rd=4, rs1=0, rs2=2) == PC + 4 and mc.exit == Exit.NONE
    return get_d(mc, 4), int(mc.r[FCSR])


def fp_s(name, a, b=0, fcsr=0, mc=None):
    mc = mc or Machine()
    mc.r[FCSR] = fcsr
    mc.r[F0 + 1], mc.r[F0 + 2], mc.r[F0 + 5] = a, b, 0x12345678
    assert mc.run(name, rd=4, rs1=1, rs2=2) == PC + 4 and mc.exit == Exit.NONE
    assert mc.r[F0 + 5] == 0x12345678                        # a single leaves f5 alone
    return int(mc.r[F0 + 4]), int(mc.r[FCSR])


# ---- rounding and status ------------------------------------------------------------------

def test_rounding_modes_arithmetic():
    x = 0x33800001                                 # just over half an ulp of 1.0f
    for rm, up, down in ((RN, 0x3F800001, 0xBF800001), (RZ, 0x3F800000, 0xBF800000),
                         (RP, 0x3F800001, 0xBF800000), (RM, 0x3F800000, 0xBF800001)):
        inexact = rm | cause(I) | flags(I)
        assert fp_s("add.s", ONE_S, x, fcsr=rm) == (up, inexact)
        assert fp_s("sub.s", 0xBF800000, x, fcsr=rm) == (down, inexact)
    third = 0x3FD5555555555555                     # 1/3 rounded down: 3 * it is just below 1
    for rm, want in ((RN, ONE_D), (RZ, 0x3FEFFFFFFFFFFFFF), (RP, ONE_D), (RM, 0x3FEFFFFFFFFFFFFF)):
        assert fp_d("mul.d", third, 0x4008000000000000, fcsr=rm)[0] == want


def test_conversions_round_by_mode():
    x = 0x4004000000000000                         # 2.5
    for rm, want in ((RN, 2), (RZ, 2), (RP, 3), (RM, 2)):
        v, f = fp_d("cvt.w.d", x, fcsr=rm)
        assert v == 0x5555555500000000 | want and f == rm | cause(I) | flags(I)   # f5 kept
    for name, want in (("round", 2), ("trunc", 2), ("ceil", 3), ("floor", 2)):
        for rm in (RN, RP, RM):                    # the explicit forms ignore FCSR.RM
            v, f = fp_d(name + ".w.d", x, fcsr=rm)
            assert v & 0xFFFFFFFF == want and f == rm | cause(I) | flags(I)
        v, f = fp_d(name + ".w.d", 0xC004000000000000)                     # -2.5
        assert s32(v) == -{"ceil": 2, "floor": 3}.get(name, 2)
    for rm, want in ((RN, 0x4B800000), (RZ, 0x4B800000), (RP, 0x4B800001), (RM, 0x4B800000)):
        assert fp_s("cvt.s.w", 0x01000001, fcsr=rm) == (want, rm | cause(I) | flags(I))
    assert fp_d("cvt.s.d", 0x3FF0000010000000, fcsr=RP)[0] & 0xFFFFFFFF == 0x3F800001
    assert fp_d("cvt.s.d", 0x3FF0000010000000, fcsr=RN)[0] & 0xFFFFFFFF == 0x3F800000


def test_float_to_word_invalid_is_int_max():
    for x in (0x7FF0000000000000, 0xFFF0000000000000, 0x41E0000000000000, 0xC1E0000000200000,
              DNAN_D, 0x7FF8000000000000):
        v, f = fp_d("trunc.w.d", x)
        assert v & 0xFFFFFFFF == 0x7FFFFFFF and f == cause(V) | flags(V)
    assert fp_d("trunc.w.d", 0xC1E0000000000000)[0] & 0xFFFFFFFF == 0x80000000   # INT_MIN fits


def test_cause_is_per_op_flags_accrue():
    mc = Machine()
    assert fp_d("add.d", ONE_D, 0x3CA0000000000001, mc=mc)[1] == cause(I) | flags(I)
    assert fp_d("add.d", ONE_D, ONE_D, fcsr=int(mc.r[FCSR]), mc=mc)[1] == flags(I)
    assert fp_d("div.d", ONE_D, 0, fcsr=int(mc.r[FCSR]), mc=mc) == (
        0x7FF0000000000000, cause(Z) | flags(I | Z))
    for name in ("abs.d", "neg.d", "mov.d"):       # bit copies: even an sNaN changes nothing
        assert fp_d(name, 0x7FF8000000000000, fcsr=cause(Z), mc=mc)[1] == cause(Z)


def test_flush_to_zero():
    fs = 1 << 24
    tiny = 0x0010000000000001                      # just above the smallest normal
    assert fp_d("mul.d", tiny, 0x3FE0000000000000)[0] == 0x0008000000000000        # denormal
    assert fp_d("mul.d", tiny, 0x3FE0000000000000, fcsr=fs) == (0, fs)              # flushed
    assert fp_d("mul.d", tiny | 1 << 63, 0x3FE0000000000000, fcsr=fs) == (1 << 63, fs)
    assert fp_d("add.d", 0x0000000000000001, 0, fcsr=fs) == (0, fs)    # operands: not flushed


# ---- legacy NaNs ----------------------------------------------------------------------------

def test_legacy_default_nan():
    assert fp_d("div.d", 0, 0) == (DNAN_D, cause(V) | flags(V))
    assert fp_s("sub.s", 0x7F800000, 0x7F800000) == (DNAN_S, cause(V) | flags(V))
    assert fp_d("sqrt.d", ONE_D | 1 << 63) == (DNAN_D, cause(V) | flags(V))
    # a quiet NaN (quiet bit CLEAR) does not propagate and does not signal ...
    assert fp_d("add.d", 0x7FF0000000001234, ONE_D) == (DNAN_D, 0)
    assert fp_s("mul.s", ONE_S, 0xFF800005) == (DNAN_S, 0)
    # ... a signalling one (quiet bit SET, the host's default NaN) signals
    assert fp_d("add.d", ONE_D, 0x7FF8000000000000) == (DNAN_D, cause(V) | flags(V))
    mc = Machine()
    mc.r[F0 + 1] = 0x7FC00000
    mc.run("cvt.d.s", rd=4, rs1=1)                                   # a double: f4 and f5
    assert get_d(mc, 4) == DNAN_D and mc.r[FCSR] == cause(V) | flags(V)
    assert fp_d("cvt.s.d", 0x7FF0000000000001)[0] & 0xFFFFFFFF == DNAN_S


def test_madd_family_is_unfused():
    """(1 + u) * (1 + u) - (1 + 2u) is u*u fused; QEMU 7.2 rounds the product first: 0."""
    mc = Machine()
    for reg, v in ((0, 0x3FF0000000000001), (2, 0x3FF0000000000001), (6, 0xBFF0000000000002)):
        put_d(mc, reg, v)
    assert mc.run("madd.d", rd=4, rs1=0, rs2=2, rs3=6) == PC + 4
    assert get_d(mc, 4) == 0 and mc.r[FCSR] == cause(I) | flags(I)
    mc.run("nmsub.d", rd=4, rs1=0, rs2=2, rs3=6)                      # -((1+2u) + (1+2u))
    assert get_d(mc, 4) == 0xC000000000000002 and mc.r[FCSR] == cause(I) | flags(I)
    put_d(mc, 0, 0x7FF0000000000000)
    put_d(mc, 2, 0)
    mc.run("nmadd.d", rd=4, rs1=0, rs2=2, rs3=6)                      # inf * 0: NaN, negated
    assert get_d(mc, 4) == DNAN_D | 1 << 63 and mc.r[FCSR] == cause(V) | flags(I | V)


# ---- traps --------------------------------------------------------------------------------

def test_enabled_exception_traps_and_leaves_the_destination():
    mc = Machine()
    mc.r[FCSR] = enables(Z | V) | flags(I)
    put_d(mc, 0, ONE_D)
    put_d(mc, 2, 0)
    put_d(mc, 4, 42)
    assert mc.run("div.d", rd=4, rs1=0, rs2=2) == PC and mc.exit == Exit.FP_TRAP
    assert get_d(mc, 4) == 42 and mc.npc == PC + 4                   # NPC untouched
    assert mc.r[FCSR] == enables(Z | V) | cause(Z) | flags(I)      # Cause set, Flags kept
    put_d(mc, 2, 0x7FF8000000000000)                               # sNaN: c.eq signals
    mc.r[FCSR] = enables(V) | 1 << 25
    assert mc.run("c.eq.d", rd=1, rs1=0, rs2=2) == PC and mc.exit == Exit.FP_TRAP
    assert mc.r[FCSR] == enables(V) | cause(V) | 1 << 25             # FCC1 not written
    mc.r[FCSR] = enables(I)                                        # inexact is not raised
    put_d(mc, 2, TWO_D)
    assert mc.run("add.d", rd=4, rs1=0, rs2=2) == PC + 4 and mc.exit == Exit.NONE


def test_ctc1_trap_after_the_write():
    mc = Machine()
    mc.r[4] = enables(I) | cause(I)
    assert mc.run("ctc1", rd=31, rs1=4) == PC and mc.exit == Exit.FP_TRAP
    assert mc.r[FCSR] == enables(I) | cause(I)
    mc.r[4] = 1 << 17                                              # Cause.E: always traps
    assert mc.run("ctc1", rd=31, rs1=4) == PC and mc.exit == Exit.FP_TRAP
    mc.r[4] = cause(O) | enables(I) | flags(V) | RM
    assert mc.run("ctc1", rd=31, rs1=4) == PC + 4 and mc.exit == Exit.NONE


# ---- control registers ------------------------------------------------------------------------

def test_cfc1_ctc1_views():
    mc = Machine()

    def get(n):
        mc.run("cfc1", rd=2, rs1=n)
        return int(mc.r[2]) & 0xFFFFFFFF

    def put(n, v):
        mc.r[3] = s32(v)
        assert mc.run("ctc1", rd=n, rs1=3) == PC + 4

    assert get(0) == 0x00739300 and get(1) == 0 and get(31) == 0
    put(0, 0xFFFFFFFF)                                             # FIR is read-only
    assert get(0) == 0x00739300 and get(31) == 0
    put(31, 0xFFFFFFFF & ~enables(0x1F) & ~(1 << 17))             # no enables, no Cause.E
    assert get(31) == 0xFF81F07F                                   # 22:18 read as zero
    assert get(25) == 0xFF and get(26) == 0x0001F07C and get(28) == 0x7    # FENR: FS at 2
    assert get(7) == get(31)                                       # other numbers: FCSR
    put(25, 0x100)                                                 # ignored: bits above 7
    assert get(25) == 0xFF
    put(25, 0x81)                                                  # FCC7 and FCC0 only
    assert get(31) == 0x8181F07F
    put(26, 0)                                                     # clears Cause and Flags
    assert get(31) == 0x81800003
    put(26, 0x00400000)                                            # ignored: bits 22:18
    put(28, 0x00000F02)                                            # enables U..V, RP, FS off
    put(5, 1)                                                      # nothing else is writable
    assert get(31) == 0x80800F02


# ---- compares and branches ------------------------------------------------------------------

CONDS = ("f", "un", "eq", "ueq", "olt", "ult", "ole", "ule",
         "sf", "ngle", "seq", "ngl", "lt", "nge", "le", "ngt")


@pytest.mark.parametrize("i, c", list(enumerate(CONDS)))
def test_compare_conditions(i, c):
    """cond bit 0: true if unordered, 1: if equal, 2: if less; 3: signalling. The other
    condition codes are left as they were; a quiet NaN signals only in the signalling half."""
    mc = Machine()
    cases = (("d", ONE_D, TWO_D, "lt"), ("d", TWO_D, ONE_D, "gt"), ("d", ONE_D, ONE_D, "eq"),
             ("d", 0, 1 << 63, "eq"), ("d", DNAN_D, ONE_D, "un"),
             ("d", ONE_D, 0x7FF8000000000000, "sun"), ("s", ONE_S, 0x40000000, "lt"),
             ("s", 0x80000000, 0, "eq"), ("s", 0x7F800001, ONE_S, "un"),
             ("s", 0x7FC00000, 0x7FC00000, "sun"))
    for cc in range(8):
        bit = 23 if cc == 0 else 24 + cc
        for fmt, a, b, rel in cases:
            want = {"lt": i & 4, "eq": i & 2, "gt": 0, "un": i & 1, "sun": i & 1}[rel] != 0
            invalid = rel == "sun" or (rel == "un" and i >= 8)
            before = (0xFE800000 & ~(1 << bit)) | (0 if want else 1 << bit)
            mc.r[FCSR] = before
            if fmt == "d":
                put_d(mc, 0, a)
                put_d(mc, 2, b)
            else:
                mc.r[F0 + 1], mc.r[F0 + 3] = a, b
            regs = (0, 2) if fmt == "d" else (1, 3)
            assert mc.run(f"c.{c}.{fmt}", rd=cc, rs1=regs[0], rs2=regs[1]) == PC + 4
            after = int(mc.r[FCSR])
            assert (after >> bit) & 1 == want, (c, fmt, cc, rel)
            assert after & ~0x3F07C == before ^ (1 << bit), (c, fmt, cc, rel)   # others kept
            assert after & 0x3F07C == (cause(V) | flags(V) if invalid else 0), (c, rel)


def test_bc1_delay_slot_contract():
    mc = Machine()
    for cc in (0, 3):
        bit = 23 if cc == 0 else 24 + cc
        for fcc in (0, 1):
            mc.r[FCSR] = fcc << bit
            for name, taken in (("bc1t", fcc == 1), ("bc1f", fcc == 0)):
                assert mc.run(name, rs1=cc, imm=-16) == PC + 4 and mc.exit == Exit.NONE
                assert mc.npc == (PC + 4 - 16 if taken else PC + 8)
            for name, taken in (("bc1tl", fcc == 1), ("bc1fl", fcc == 0)):
                npc = mc.run(name, rs1=cc, imm=64)
                if taken:
                    assert (npc, mc.npc) == (PC + 4, PC + 4 + 64)
                else:
                    assert (npc, mc.npc) == (PC + 8, PC + 12)      # the slot is skipped
    mc.r[FCSR] = 1 << 23
    mc.run("bc1t", rs1=1, imm=8)                                    # FCC1 is clear
    assert mc.npc == PC + 8


# ---- moves --------------------------------------------------------------------------------

def test_pairs_and_high_halves():
    mc = Machine()
    mc.write(DATA, (0x1122334455667788).to_bytes(8, "little"))
    mc.r[4] = DATA
    assert mc.run("ldc1", rd=6, rs1=4, imm=0) == PC + 4
    for n, want in ((6, 0x55667788), (7, 0x11223344)):            # low word in the even one
        mc.run("mfc1", rd=2, rs1=n)
        assert mc.r[2] == s32(want)
    mc.run("mfhc1", rd=3, rs1=6)
    assert mc.r[3] == 0x11223344
    mc.r[5] = -1
    mc.run("mthc1", rd=6, rs1=5)                                    # writes f7
    assert mc.r[F0 + 7] == 0xFFFFFFFF and mc.r[F0 + 6] == 0x55667788
    mc.run("mtc1", rd=6, rs1=5)
    mc.run("mfc1", rd=2, rs1=6)
    assert mc.r[2] == -1                                            # sign-extended
    mc.run("sdc1", rd=6, rs1=4, imm=8)
    assert mc.read(DATA + 8, 8) == b"\xff" * 8
    mc.run("ldc1", rd=9, rs1=4, imm=0)                              # odd: the pair f8/f9
    assert get_d(mc, 8) == 0x1122334455667788


def test_conditional_moves():
    mc = Machine()
    put_d(mc, 2, 0x1122334455667788)
    mc.r[FCSR] = 1 << 28                                            # FCC4
    for name, cc, moved in (("movt.d", 4, True), ("movf.d", 4, False), ("movt.d", 0, False),
                            ("movf.d", 0, True)):
        put_d(mc, 4, 0)
        mc.run(name, rd=4, rs1=2, rs2=cc)
        assert get_d(mc, 4) == (0x1122334455667788 if moved else 0), (name, cc)
    for name, rt, moved in (("movz.s", 0, True), ("movn.s", 0, False), ("movn.s", 1, True)):
        mc.r[F0 + 4], mc.r[1] = 0, 5
        mc.run(name, rd=4, rs1=2, rs2=rt)
        assert mc.r[F0 + 4] == (0x55667788 if moved else 0)
    mc.r[3], mc.r[2] = 77, 0
    for name, cc, moved in (("movt", 4, True), ("movf", 4, False), ("movf", 7, True)):
        mc.r[2] = 0
        mc.run(name, rd=2, rs1=3, rs2=cc)
        assert mc.r[2] == (77 if moved else 0)
    mc.run("movt", rd=0, rs1=3, rs2=4)
    assert mc.r[0] == 0


def test_memory():
    mc = Machine()
    mc.r[4], mc.r[5] = DATA - 8 + (1 << 32), 8                      # addresses are 32 bits
    mc.r[F0 + 3] = 0xDEADBEEF
    assert mc.run("swc1", rd=3, rs1=4, imm=8) == PC + 4
    assert mc.read(DATA, 4) == (0xDEADBEEF).to_bytes(4, "little")
    assert mc.run("lwxc1", rd=10, rs1=4, rs2=5) == PC + 4 and mc.r[F0 + 10] == 0xDEADBEEF
    put_d(mc, 2, 0x0102030405060708)
    mc.run("sdxc1", rd=2, rs1=4, rs2=5)
    mc.run("ldxc1", rd=12, rs1=4, rs2=5)
    assert get_d(mc, 12) == 0x0102030405060708
    mc.r[4] = DATA + 2                                              # misaligned: done anyway
    mc.run("lwc1", rd=10, rs1=4, imm=0)
    assert mc.r[F0 + 10] == 0x03040506
    mc.map(DATA + 0x1000, 0)                                        # a fault changes nothing
    mc.r[4] = DATA + 0x1000
    mc.r[F0 + 10] = 7
    assert mc.run("lwc1", rd=10, rs1=4, imm=0) == PC and mc.exit == Exit.PAGE_FAULT
    assert mc.r[F0 + 10] == 7 and mc.r[NPC] == PC + 4
    assert mc.run("sdc1", rd=2, rs1=4, imm=-4) == PC and mc.exit == Exit.PAGE_FAULT
    assert mc.read(DATA + 0xFFC, 4) == bytes(4)
