"""Where a debugger's register lives in a CPU state array (translators/<isa>/gdb.py's FEATURES).

A location is (state index, lowest bit, width) -- or, for a register made of several slots (an
aarch64 V register's two halves, cpsr's NZCV slots), a tuple of such pieces, lowest bits first;
a piece with index None is that many zero bits (read as 0, writes ignored).
"""


def _pieces(where):
    return where if isinstance(where[0], tuple) else (where,)


def read(regs, where):
    """The register's value (an unsigned int) from `regs`; 0 where `where` is None."""
    if where is None:
        return 0
    value, at = 0, 0
    for idx, shift, width in _pieces(where):
        if idx is not None:
            value |= (int(regs[idx]) >> shift & ((1 << width) - 1)) << at
        at += width
    return value


def write(regs, where, value):
    """Store `value` into the register's slots in `regs` (nothing where `where` is None)."""
    if where is None:
        return
    at = 0
    for idx, shift, width in _pieces(where):
        if idx is not None:
            mask = ((1 << width) - 1) << shift
            v = int(regs[idx]) & (1 << 64) - 1 & ~mask | ((value >> at) << shift & mask)
            regs[idx] = v - (1 << 64) if v >> 63 else v
        at += width
