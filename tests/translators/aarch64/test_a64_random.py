"""Data-processing (register) instructions assembled by llvm-mc-19 with random operands and
shifts, run through the dispatch, against a Python model written from the manual's pseudocode
(ShiftReg, ExtendReg, AddWithCarry, the csel family, variable shifts, multiplies, divides,
rev/rbit/clz/cls)."""
import random

import pytest

from a64helpers import Machine, assemble, needs_llvm, sx, ux
from test_a64_base import EDGES, add_with_carry, holds, signed

# slow while aarch64 is not registered: `make warm` does not compile its dispatch, so the
# first of these compiles it (about 4 minutes on a fresh machine)
pytestmark = [needs_llvm, pytest.mark.slow]
SHIFTS = ("lsl", "lsr", "asr", "ror")
EXTENDS = ("uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx")


def shift(x, kind, n, bits):
    mask = (1 << bits) - 1
    x &= mask
    if kind == "lsl":
        return (x << n) & mask
    if kind == "lsr":
        return x >> n
    if kind == "asr":
        return (signed(x, bits) >> n) & mask
    return ((x >> n) | (x << (bits - n))) & mask if n else x


def extend(x, option, n, bits):
    width = (8, 16, 32, 64)[option & 3]
    v = x & ((1 << width) - 1)
    if option >= 4:
        v = signed(v, width)
    return (v << n) & ((1 << bits) - 1)


def case(rnd, bits):
    """A random instruction: (assembly, model(x1, x2, x3, nzcv) -> (x0, flags or None))."""
    r = "x" if bits == 64 else "w"
    mask = (1 << bits) - 1
    kind = rnd.choice(["log", "addsub", "ext", "carry", "csel", "dp2", "dp1", "mul"])
    if kind == "log":
        mn = rnd.choice(["and", "bic", "orr", "orn", "eor", "eon", "ands", "bics"])
        sk, n = rnd.choice(SHIFTS), rnd.randrange(bits)

        def model(a, b, c, f):
            y = shift(b, sk, n, bits)
            if mn in ("bic", "orn", "eon", "bics"):
                y = ~y & mask
            v = {"and": a & y, "bic": a & y, "ands": a & y, "bics": a & y, "orr": a | y,
                 "orn": a | y, "eor": a ^ y, "eon": a ^ y}[mn] & mask
            fl = ("N" if v >> (bits - 1) else "-") + ("Z" if v == 0 else "-") + "--"
            return v, fl if mn in ("ands", "bics") else None
        return f"{mn} {r}0, {r}1, {r}2, {sk} #{n}", model
    if kind == "addsub":
        mn = rnd.choice(["add", "adds", "sub", "subs"])
        sk, n = rnd.choice(SHIFTS[:3]), rnd.randrange(bits)

        def model(a, b, c, f):
            y = shift(b, sk, n, bits)
            sub = mn.startswith("sub")
            v, fl = add_with_carry(a, ~y if sub else y, int(sub), bits)
            return v, fl if mn.endswith("s") else None
        return f"{mn} {r}0, {r}1, {r}2, {sk} #{n}", model
    if kind == "ext":
        mn = rnd.choice(["add", "adds", "sub", "subs"])
        option, n = rnd.randrange(8), rnd.randrange(5)
        rm = "x2" if bits == 64 and option & 3 == 3 else "w2"

        def model(a, b, c, f):
            y = extend(b, option, n, bits)
            sub = mn.startswith("sub")
            v, fl = add_with_carry(a, ~y if sub else y, int(sub), bits)
            return v, fl if mn.endswith("s") else None
        return f"{mn} {r}0, {r}1, {rm}, {EXTENDS[option]} #{n}", model
    if kind == "carry":
        mn = rnd.choice(["adc", "adcs", "sbc", "sbcs"])

        def model(a, b, c, f):
            sub = mn.startswith("sbc")
            v, fl = add_with_carry(a, ~b if sub else b, int("C" in f), bits)
            return v, fl if mn.endswith("s") else None
        return f"{mn} {r}0, {r}1, {r}2", model
    if kind == "csel":
        mn, cond = rnd.choice(["csel", "csinc", "csinv", "csneg"]), rnd.randrange(14)

        def model(a, b, c, f):
            if holds(cond, *(ch != "-" for ch in f)):
                return a & mask, None
            return {"csel": b, "csinc": b + 1, "csinv": ~b, "csneg": -b}[mn] & mask, None
        cname = ("eq ne hs lo mi pl vs vc hi ls ge lt gt le".split())[cond]
        return f"{mn} {r}0, {r}1, {r}2, {cname}", model
    if kind == "dp2":
        mn = rnd.choice(["udiv", "sdiv", "lslv", "lsrv", "asrv", "rorv"])

        def model(a, b, c, f):
            a, b = a & mask, b & mask
            if mn == "udiv":
                return (a // b if b else 0), None
            if mn == "sdiv":
                sa, sb = signed(a, bits), signed(b, bits)
                q = 0 if sb == 0 else abs(sa) // abs(sb) * (1 if (sa < 0) == (sb < 0) else -1)
                return q & mask, None
            return shift(a, {"lslv": "lsl", "lsrv": "lsr", "asrv": "asr", "rorv": "ror"}[mn],
                         b % bits, bits), None
        return f"{mn} {r}0, {r}1, {r}2", model
    if kind == "dp1":
        mn = rnd.choice(["rbit", "rev16", "rev", "clz", "cls"] + (["rev32"] if bits == 64 else []))

        def model(a, b, c, f):
            a &= mask
            nbytes = bits // 8
            if mn == "rbit":
                return int(f"{a:0{bits}b}"[::-1], 2), None
            if mn in ("rev16", "rev32", "rev"):
                chunk = {"rev16": 2, "rev32": 4, "rev": nbytes}[mn]
                data = a.to_bytes(nbytes, "little")
                out = b"".join(data[i:i + chunk][::-1] for i in range(0, nbytes, chunk))
                return int.from_bytes(out, "little"), None
            if mn == "clz":
                return bits - a.bit_length(), None
            s = signed(a, bits)
            return bits - 1 - (s if s >= 0 else ~s).bit_length(), None
        return f"{mn} {r}0, {r}1", model
    mn = rnd.choice(["madd", "msub"] + (["smaddl", "smsubl", "umaddl", "umsubl", "smulh",
                                         "umulh"] if bits == 64 else []))

    def model(a, b, c, f):
        m64 = (1 << 64) - 1
        if mn in ("madd", "msub"):
            p = (a & mask) * (b & mask)
            return ((c + p) if mn == "madd" else (c - p)) & mask, None
        if mn in ("smulh", "umulh"):
            s = signed if mn == "smulh" else (lambda v, n: v & m64)
            return ((s(a, 64) * s(b, 64)) >> 64) & m64, None
        conv = (lambda v: signed(v, 32)) if mn[0] == "s" else (lambda v: v & 0xFFFFFFFF)
        p = conv(a) * conv(b)
        return ((c + p) if "add" in mn else (c - p)) & m64, None
    if mn in ("smulh", "umulh"):
        return f"{mn} x0, x1, x2", model
    if mn in ("madd", "msub"):
        return f"{mn} {r}0, {r}1, {r}2, {r}3", model
    return f"{mn} x0, w1, w2, x3", model


@pytest.mark.parametrize("bits", [32, 64])
def test_random_data_processing_against_the_model(bits):
    rnd = random.Random(bits * 7919)
    cases = [case(rnd, bits) for _ in range(400)]
    words = assemble([line for line, _ in cases])
    mc = Machine()
    values = EDGES + [rnd.getrandbits(64) for _ in range(6)]
    for (line, model), w in zip(cases, words):
        a, b, c = rnd.choice(values), rnd.choice(values), rnd.choice(values)
        flags = "".join(ch if rnd.getrandbits(1) else "-" for ch in "NZCV")
        mc.r[1], mc.r[2], mc.r[3] = sx(a), sx(b), sx(c)
        mc.set_nzcv(flags)
        mc.word(w)
        want, want_flags = model(a, b, c, flags)
        assert ux(mc.r[0]) == want, (line, hex(a), hex(b), hex(c), flags)
        assert mc.nzcv == (want_flags or flags), (line, hex(a), hex(b), flags)
