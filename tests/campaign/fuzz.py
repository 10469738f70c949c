"""The instruction-fuzzing campaign: random instruction streams under jitvm and under qemu-user.

Each stream is 4-8 instructions with a random initial state (every integer and FP register,
fcsr; most integer registers point into a scratch area, so loads and stores often land), run by
one guest program, tests/guest/c/fuzz.c (its comment describes the harness), which prints one
line per stream: how it ended (the end of the stream, or a signal with si_code, si_addr and the
faulting instruction's offset), the registers it changed and a hash of the scratch memory. The
same input runs under `qemu-<arch>-static` and `jitvm run --engine E`; every line must match but
for the documented differences (QEMU_DIFFERS below).

    python -m tests.campaign.fuzz --arch riscv64 --streams 2000 --engine jit [--seed S]
    python -m tests.campaign.fuzz --arch loongarch64 --only 1234      # one stream, shown in full

A stream is a function of (arch, seed, index) alone, so one reported index reproduces alone.

Instructions come from the project's own encoding table (a row picked at random, its operand bits
random) or are raw random bits (to meet what the table calls illegal: SIGILL must match too),
then filtered by the project's decoder: ISAS[arch].excluded says what is left out and why. Kept
on purpose: illegal and reserved encodings, loads, stores, atomics, FP in every rounding mode
(the invalid ones too), fence/fence.i/ibar/dbar, fflags/frm/fcsr access, cpucfg.

The jit tier: a stream that runs once is never translated. With --engine jit every JIT_EVERY-th
stream runs JIT_REPS times and jitvm translates a block after JIT_HOT runs (probe and hot
thresholds alike, compiled synchronously), so its last runs execute the region compiler's code;
the harness prints a run that differs from the first. The translation cache is a new directory
per campaign unless one is given, so streams are compiled, not loaded from an earlier campaign.
"""
import argparse
import importlib.util
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import translators                                           # noqa: E402
from translators.aarch64.encodings import SYSREGS as A64_SYSREGS   # noqa: E402
from tests.differential import ENV, LAUNCH, ORACLE_RETRIES, QEMU   # noqa: E402

# Layout shared with tests/guest/c/fuzz.c
SCRATCH, SCRATCH_SIZE = 0x50000000, 0x4000       # then as much read-only
CODE, SLOT, SLOTS = 0x51000000, 64, 1024
RECORD = struct.Struct("<32Q32QQ8sII48s")        # struct record: x, f, fcsr, fcc, len, runs, code

CHUNK = 1000            # streams per guest run (jit: keeps a VM under JITVM_MAX_REGIONS)
# jit: every JIT_EVERY-th stream runs JIT_REPS times, translated after JIT_HOT runs (about 0.2 s
# a stream, most of it LLVM); the others run once, interpreted by the jit tier's run loop
JIT_REPS, JIT_HOT, JIT_EVERY = 6, 3, 8
MASK64 = (1 << 64) - 1


@dataclass
class Isa:
    """What the campaign knows of one ISA."""
    name: str
    excluded: dict                 # op name -> why the generator leaves it out
    entry_reg: int                 # holds the stream's address on entry (tests/guest/c/fuzz.c)
    compressed: float = 0.0        # share of 16-bit instructions
    qemu_args: tuple = ()
    # instructions whose name starts with a key get, 7 times in 10, one of these values in the
    # named encoding field (random ones are nearly all illegal)
    fields: dict = field(default_factory=dict)
    # the encoding table's extension groups rows are drawn from (empty: every row)
    groups: tuple = ()
    x_first: int = 1               # the first integer register the harness compares (X_FIRST)


ISAS = {
    "riscv64": Isa(
        name="riscv64",
        excluded={
            **dict.fromkeys(("jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu"),
                            "a control transfer leaves the stream"),
            "ecall": "a system call with random arguments (the guest programs test those)",
            "ebreak": "a breakpoint: SIGTRAP is sig_fault's (tests/guest/riscv64/sig_fault.c)",
            "csr:counter": "csrr* of cycle/time/instret (0xC00-0xC02): host- and time-dependent",
        },
        entry_reg=31,
        compressed=0.25,
        fields={"csrr": ("csr", (0x001, 0x002, 0x003))},       # fflags, frm, fcsr
        # qemu-riscv64 7.2's default CPU has Zba/Zbb/Zbc/Zbs too; jitvm is RV64GC, as its
        # HWCAP says, so without these a bit-manipulation word would run under qemu only
        qemu_args=("-cpu", "any,zba=false,zbb=false,zbc=false,zbs=false"),
    ),
    "loongarch64": Isa(
        name="loongarch64",
        excluded={
            **dict.fromkeys(("beqz", "bnez", "bceqz", "bcnez", "jirl", "b", "bl", "beq", "bne",
                             "blt", "bge", "bltu", "bgeu"), "a control transfer leaves the stream"),
            "syscall": "a system call with random arguments (the guest programs test those)",
            "break": "a breakpoint: QEMU 7.2 raises SIGTRAP for every code, Linux SIGFPE for 6 "
                     "and 7 (tests/guest/loongarch64/sig_fault.c)",
            **dict.fromkeys(("rdtimel.w", "rdtimeh.w", "rdtime.d"),
                            "reads the stable counter: time-dependent"),
            # QEMU_DIFFERS, as an exclusion: nothing after such an instruction could be compared
            **dict.fromkeys(("fldgt.s", "fldgt.d", "fldle.s", "fldle.d", "fstgt.s", "fstgt.d",
                             "fstle.s", "fstle.d"),
                            "QEMU 7.2 accesses rj + rk where the manual says rj (measured: "
                            "fstgt.d faults at the sum); jitvm follows the manual"),
            "preldx": "QEMU 7.2 lacks it (SIGILL); the manual and llvm-mc have it, a hint that "
                      "jitvm runs as a no-op",
        },
        entry_reg=20,
    ),
    "aarch64": Isa(
        name="aarch64",
        excluded={
            **dict.fromkeys(("b", "bl", "b_cond", "cbz", "cbnz", "tbz", "tbnz", "br", "blr",
                             "ret"), "a control transfer leaves the stream"),
            "svc": "a system call with random arguments (the guest programs test those)",
            "brk": "a breakpoint: SIGTRAP is sig_fault's (tests/guest/aarch64/sig_fault.c)",
            "mrs:cntvct_el0": "reads the virtual counter: time-dependent",
            "sys": "cache maintenance by address (dc cvau, ic ivau, ...): qemu-user runs it as "
                   "a no-op, Linux faults on an unmapped address; tests/guest/aarch64/smc.c "
                   "uses it",
            **dict.fromkeys(("ld_multi", "ld_multi_post", "ld_single", "ld_single_post",
                             "st_multi", "st_multi_post", "st_single", "st_single_post"),
                            "AdvSIMD structure loads/stores: the campaign keeps to the base "
                            "integer and scalar FP instructions"),
        },
        entry_reg=17,
        x_first=0,
        # AdvSIMD ("simd") is left out: base integer and scalar FP (with the FP/SIMD register
        # loads and stores) only
        groups=("dp_imm", "dp_reg", "branch", "ldst", "system", "fp", "vldst"),
        # mrs/msr: the registers EL0 may access (a random one is nearly always SIGILL)
        fields={"mrs": ("o0_op1_CRn_CRm_op2", tuple(A64_SYSREGS.values())),
                "msr_reg": ("o0_op1_CRn_CRm_op2", tuple(A64_SYSREGS.values()))},
        qemu_args=("-cpu", "cortex-a53"),     # the oracle's CPU: no LSE, no FP16, no SVE
    ),
}
COUNTER_CSRS = range(0xC00, 0xC03)


# ---- generation ----------------------------------------------------------------------------

class Generator:
    """Streams and initial states of one ISA, each a function of (seed, index)."""

    def __init__(self, arch, seed=1):
        self.isa, self.seed = ISAS[arch], seed
        self.t = translators.load(arch)
        self.table = __import__(f"translators.{arch}.decoder", fromlist=["TABLE"]).TABLE
        self.rows = {w: [r for r in self.table.rows if r.width == w
                         and (not self.isa.groups or r.enc.ext in self.isa.groups)]
                     for w in self.table.widths}

    def excluded(self, word):
        """Why `word` is left out, or None to keep it."""
        op, *_, imm = (int(v) for v in self.t.decode(word))
        name = self.t.NAMES[op]
        if name.startswith("csrr") and imm in COUNTER_CSRS:
            return self.isa.excluded["csr:counter"]
        if self.isa.name == "aarch64" and name == "mrs" and imm == A64_SYSREGS["cntvct_el0"]:
            return self.isa.excluded["mrs:cntvct_el0"]
        if self.isa.groups and self.table.ext[op] not in self.isa.groups + (None,):
            return "outside the groups drawn from (raw bits that decode to one)"
        return self.isa.excluded.get(name)

    def instruction(self, rng):
        """(word, length in bytes): a table row with random operands, or (1 in 16) raw bits."""
        while True:
            width = 16 if rng.random() < self.isa.compressed else 32
            if rng.random() < 1 / 16:
                word = rng.getrandbits(width)
                if self.isa.compressed:          # riscv64: bits 1:0 say the length
                    word = word | 3 if width == 32 else word & ~3 | rng.randrange(3)
            else:
                row = rng.choice(self.rows[width])
                word = row.match | (rng.getrandbits(width) & ~row.mask)
                for prefix, (name, values) in self.isa.fields.items():
                    if row.name.startswith(prefix) and rng.random() < 0.7:
                        word = self.insert(name, word, rng.choice(values))
            if not self.excluded(word):
                return word, width // 8

    def insert(self, name, word, value):
        """`word` with encoding field `name` set to `value`."""
        for lo, width, vlo in self.table.parsed[name][0]:
            mask = (1 << width) - 1
            word = word & ~(mask << lo) | (value >> vlo & mask) << lo
        return word

    def stream(self, index):
        rng = random.Random(f"{self.isa.name}:{self.seed}:{index}:code")
        return [self.instruction(rng) for _ in range(rng.randint(4, 8))]

    def state(self, index):
        """(x[32], f[32], fcsr, fcc bytes): several registers point into the scratch area."""
        rng = random.Random(f"{self.isa.name}:{self.seed}:{index}:state")
        x = [0] + [int_value(rng) for _ in range(31)]
        x[self.isa.entry_reg] = entry(index)
        if self.isa.name == "riscv64":
            f = [fp_value(rng, box=True) for _ in range(32)]
            frm = rng.randrange(5) if rng.random() < 0.85 else rng.randrange(5, 8)
            return x, f, frm << 5 | rng.getrandbits(5), bytes(8)
        if self.isa.name == "aarch64":
            return self.a64_state(rng, x, index)
        f = [fp_value(rng, box=False) for _ in range(32)]
        enables = rng.getrandbits(5) if rng.random() < 0.2 else 0     # trapping FP exceptions
        fcsr = (enables | rng.getrandbits(2) << 8                     # RM
                | rng.getrandbits(5) << 16 | rng.getrandbits(5) << 24)  # Flags, Cause
        return x, f, fcsr, bytes(rng.getrandbits(1) for _ in range(8))

    def a64_state(self, rng, x, index):
        """aarch64: x[0] is X0 (a register: drawn too), x[31] is SP, 16-byte aligned in the
        scratch area (Linux checks SP alignment, qemu does not); fcsr packs NZCV and FPCR above
        FPSR as tests/guest/c/fuzz.c does: (NZCV | FPCR) << 32 | FPSR."""
        x[0] = int_value(rng)
        x[31] = SCRATCH + (rng.randrange(0x400, SCRATCH_SIZE - 0x400) & ~15)
        x[self.isa.entry_reg] = entry(index)
        f = [fp_value(rng, box=False) for _ in range(32)]
        fpcr = (rng.getrandbits(2) << 22                                # RMode
                | (rng.random() < 0.2) << 24 | (rng.random() < 0.2) << 25   # FZ, DN
                | (rng.random() < 0.1) << 26)                           # AHP
        fpsr = (rng.getrandbits(5) | (rng.random() < 0.2) << 7          # IOC..IXC, IDC
                | (rng.random() < 0.1) << 27)                           # QC
        return x, f, (rng.getrandbits(4) << 28 | fpcr) << 32 | fpsr, bytes(8)

    def record(self, index, runs=1):
        x, f, fcsr, fcc = self.state(index)
        code = b"".join(w.to_bytes(n, "little") for w, n in self.stream(index))
        return RECORD.pack(*x, *f, fcsr, fcc, len(code), runs, code)

    def listing(self, index):
        """The stream as 'offset: word  disassembly' lines."""
        pc, out, off = entry(index), [], 0
        for word, n in self.stream(index):
            out.append(f"  +{off:<3d} {word:0{2 * n}x}  {self.t.disasm(word, pc + off)}")
            off += n
        return out


def entry(index):
    """Where the harness puts stream `index` (its slot)."""
    return CODE + index % SLOTS * SLOT


EDGE = [0, 1, 2, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000,
        (1 << 63) - 1, 1 << 63, MASK64, 0xFFFFFFFF80000000, 0xFFFFFFFF7FFFFFFF]


def int_value(rng):
    k = rng.random()
    if k < 0.6:          # into the scratch area, far enough from its ends for most offsets;
        # sometimes into the read-only part or anywhere; mostly aligned
        off = (rng.randrange(0x400, SCRATCH_SIZE - 0x400) if rng.random() < 0.85
               else rng.randrange(2 * SCRATCH_SIZE))
        return SCRATCH + (off & ~7 if rng.random() < 0.75 else off)
    if k < 0.7:
        return rng.randint(-16, 16) & MASK64
    if k < 0.8:
        return rng.choice(EDGE)
    if k < 0.9:
        v = rng.getrandbits(32)
        return v | (MASK64 ^ 0xFFFFFFFF if v >> 31 and rng.random() < 0.5 else 0)
    return rng.getrandbits(64)


F32 = [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000,
       0x7F800001, 0xFFC00000, 0x00000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0x4F000000,
       0xCF000000, 0x5F000000, 0x3F000000, 0x3FC00000, 0x40490FDB]
F64 = [0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000, 0x7FF0000000000000,
       0xFFF0000000000000, 0x7FF8000000000000, 0x7FF0000000000001, 0xFFF8000000000000, 1,
       0x000FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF, 0x41E0000000000000,
       0xC1E0000000000000, 0x43E0000000000000, 0x3FE0000000000000, 0x3FF8000000000000,
       0x400921FB54442D18]


def fp_value(rng, box):
    """A double, or a single in the low half (NaN-boxed if `box`, riscv64's rule; sometimes not,
    which riscv64 reads as the canonical NaN)."""
    k = rng.random()
    if k < 0.4:
        single = rng.choice(F32) if rng.random() < 0.6 else rng.getrandbits(32)
        high = 0xFFFFFFFF if box and rng.random() < 0.9 else rng.getrandbits(32)
        return high << 32 | single
    if k < 0.85:
        return rng.choice(F64) if rng.random() < 0.6 else rng.getrandbits(64)
    return rng.getrandbits(64)


# ---- where qemu-user is not the oracle (QEMU_DIFFERS) -------------------------------------
#
# Each rule looks at one stream's two lines (parsed: {"sig": "11", "addr": "0", "x5": ...}), and
# where qemu is known to be no fair oracle rewrites qemu's (to Linux's answer, when that is
# certain) or takes jitvm's for the rest of the stream; it returns True when it did. Its
# docstring says why. The campaign counts how often each one applied.

class Stream:
    """What rules know of a stream: its instructions by offset, its initial registers."""

    def __init__(self, gen, index):
        self.x, self.f, self.fcsr, self.fcc = gen.state(index)
        self.insns, self.words, off = {}, {}, 0
        for word, n in gen.stream(index):
            fields = [int(v) for v in gen.t.decode(word)]
            self.insns[off], self.words[off] = (gen.t.NAMES[fields[0]], fields), word
            off += n

    def name_at(self, line):
        """The instruction a signal line points at, or None."""
        return self.insns.get(int(line["pc"]), (None,))[0] if "pc" in line else None

    def reached(self, line, off):
        """Whether the run `line` describes went past the instruction at `off`."""
        return "end" in line or int(line["pc"]) > off


def x86_canonical(addr):
    return addr >> 47 in (0, (1 << 17) - 1)


def host_gp_fault(s, q, j):
    """qemu-user makes a guest access at the same host address; on an x86-64 host an address
    that is not canonical there (bits 63:47 not all equal) raises a general-protection fault,
    whose SIGSEGV carries si_addr 0, which qemu passes on. jitvm reports the address, as
    riscv64 Linux does (a page fault's stval); it is taken unchecked. (loongarch64 hardware may
    raise ADEM for such an address, which Linux sends as SIGBUS/BUS_ADRERR: not checked.)"""
    if q.get("sig") == j.get("sig") == "11" and q.get("addr") == "0" \
            and not x86_canonical(int(j["addr"], 16)):
        q["addr"] = j["addr"]
        return True
    return False


def sc_unchecked(s, q, j):
    """QEMU (7.2, and still 10.2: its issue #3323) fails an sc.w/sc.d that holds no matching
    reservation without any access: rd says "failed", no fault. RISC-V: "No SC.W instruction
    shall retire unless it passes memory permission checks", and a misaligned LR/SC raises an
    exception; jitvm checks the access first on both ISAs (the LoongArch manual does not exempt
    a failing sc from its address checks either). aarch64's store-exclusives the same: the Arm
    ARM makes an alignment fault of a misaligned one, and leaves it IMPLEMENTATION DEFINED whether
    one that fails its monitor check takes a translation fault. The rest of such a stream is not
    compared."""
    name = s.name_at(j)
    if j.get("sig") in ("7", "11") and name in ("sc.w", "sc.d", "stxr", "stlxr", "stxp", "stlxp") \
            and s.reached(q, int(j["pc"])):
        q.clear(), q.update(j)
        return True
    return False


def la_misaligned_atomic(s, q, j):
    """The LoongArch manual requires am*, ll and sc to be naturally aligned (else ALE, which
    Linux's do_ale sends as SIGBUS/BUS_ADRALN with the address); QEMU 7.2 does not check, and
    performs or faults the access. jitvm's SIGBUS there ends the comparison of the stream."""
    name = s.name_at(j)
    if j.get("sig") == "7" and j.get("code") == "1" and name \
            and name.startswith(("am", "ll.", "sc.")):
        size = 8 if name.endswith(("d", "du")) else 4
        if int(j["addr"], 16) % size:
            q.clear(), q.update(j)
            return True
    return False


def la_sigill(s, q, j):
    """Linux's do_ri (arch/loongarch/kernel/traps.c) sends SIGILL by force_sig: si_code
    SI_KERNEL (128), si_addr 0. QEMU 7.2 gives si_code 0 and the pc. Compared with Linux's."""
    if q.get("sig") == "4" and (q.get("code"), q.get("addr")) != ("128", "0"):
        q["code"], q["addr"] = "128", "0"
        return True
    return False


def la_bounds(s, q, j):
    """A failed bound check (ldgt/ldle/stgt/stle, asrtgt/asrtle): QEMU 7.2 raises SIGSYS with
    the pc of the start of its translation block; Linux since 6.4 (do_bce) sends SIGSEGV,
    SEGV_BNDERR (3), si_addr = the value of rj. Compared with Linux's at jitvm's pc if a bound
    check is there, else at the first one after it (qemu's registers are right: the
    instructions before the check did run)."""
    if q.get("sig") != "31":
        return False
    checks = [off for off, (name, _) in sorted(s.insns.items())
              if name.startswith(("ldgt", "ldle", "stgt", "stle", "asrt"))]
    jpc = int(j.get("pc", -1))
    off = jpc if jpc in checks else next((o for o in checks if o > jpc), None)
    if off is None:
        return False
    rj = s.insns[off][1][3]                        # decode(): op, ilen, rd, rs1 = rj, ...
    value = int(q.get(f"x{rj}", f"{s.x[rj]:x}"), 16) if rj else 0
    q.update(sig="11", code="3", addr=f"{value:x}", pc=str(off))
    return True


def la_fcmp_reserved(s, q, j):
    """fcmp.cond.s/d with one of the ten reserved conditions: an INE exception (SIGILL) for
    jitvm, as llvm-objdump rejects them too; QEMU 7.2 computes some comparison. The rest of such
    a stream is not compared."""
    word = s.words.get(int(j.get("pc", -1)), 0)
    if j.get("sig") == "4" and word >> 20 in (0x0C1, 0x0C2) and s.reached(q, int(j["pc"])):
        q.clear(), q.update(j)
        return True
    return False


def a64_sigill(s, q, j):
    """Linux's do_undefinstr (arch/arm64/kernel/traps.c) sends SIGILL with si_code ILL_ILLOPC
    (1) and si_addr = the pc; QEMU 7.2 gives ILL_ILLOPN (2). Compared with Linux's (the same
    line as tests/guest/aarch64/sig_fault.c's)."""
    if q.get("sig") == "4" and q.get("code") == "2":
        q["code"] = "1"
        return True
    return False


def a64_kernel_half_fault(s, q, j):
    """A data access at an address whose bit 55 is set goes to the kernel's half (TTBR1) and
    faults; Linux reports it in si_addr as it is (arm64's untagged_addr leaves TTBR1 addresses
    alone), QEMU 7.2 gives 0 where the top byte is not 0xff. Compared with Linux's."""
    addr = int(j.get("addr", "0"), 16)
    if q.get("sig") == "11" and q.get("addr") == "0" and (addr >> 55) & 1:
        q["addr"] = j["addr"]
        return True
    return False


FCSR0_MASK = 0x1F1F031F          # Enables 4:0, RM 9:8, Flags 20:16, Cause 28:24


def la_fcsr_reserved(s, q, j):
    """movgr2fcsr $fcsr0 writes all 32 bits in QEMU 7.2 (its mask for fcsr0 is all ones), and
    movfcsr2gr from $fcsr0 reads them back; the manual's fcsr0 has only Enables, RM, Flags and
    Cause, the rest reads 0 (jitvm). Those bits are cleared in qemu's fcsr0 and in what a
    movfcsr2gr from it wrote."""
    changed = False
    for reg, initial in [("fcsr", s.fcsr)] + [(f"x{f[2]}", s.x[f[2]]) for name, f in
                                              s.insns.values()
                                              if name == "movfcsr2gr" and f[3] == 0]:
        if reg in q and int(q[reg], 16) & ~FCSR0_MASK:
            masked = int(q[reg], 16) & FCSR0_MASK
            q[reg] = f"{masked:x}"
            if masked == initial:          # printed only because of the reserved bits
                del q[reg]
            changed = True
    return changed


QEMU_DIFFERS = {
    "riscv64": [host_gp_fault, sc_unchecked],
    "loongarch64": [host_gp_fault, la_bounds, sc_unchecked, la_misaligned_atomic, la_sigill,
                    la_fcsr_reserved, la_fcmp_reserved],
    "aarch64": [host_gp_fault, sc_unchecked, a64_sigill, a64_kernel_half_fault],
}


def parse(line):
    """'12 sig=11 code=1 x5=3' -> {'sig': '11', 'code': '1', 'x5': '3'} ('end' -> '')."""
    return dict(t.partition("=")[::2] for t in line.split()[1:])


# ---- running -------------------------------------------------------------------------------

def harness(arch):
    """Build (if stale) and return tests/guest/bin/<arch>/fuzz."""
    spec = importlib.util.spec_from_file_location("guest_build", REPO / "tests/guest/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return build.build("fuzz", arch, progress=lambda s: None)


def run_qemu(arch, prog, data, first):
    p = subprocess.run([shutil.which(QEMU[arch]), *ISAS[arch].qemu_args, str(prog), str(first)],
                       input=data, capture_output=True, env=ENV, timeout=1800,
                       start_new_session=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def run_jitvm(prog, data, first, engine, rootfs, cache):
    env = dict(ENV, JITVM_CACHE=str(cache))
    if engine == "jit":
        env.update(JITVM_COMPILE="sync", JITVM_HOT_THRESHOLD=str(JIT_HOT),
                   JITVM_PROBE_THRESHOLD=str(JIT_HOT))
    p = subprocess.run([sys.executable, "-c", LAUNCH, "run", "--engine", engine, "--rootfs",
                        str(rootfs), "--stats", str(prog), str(first)],
                       input=data, capture_output=True, env=env, timeout=3600)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def lines_by_stream(text):
    """{index: [its line, then any line of a later run that differed]}."""
    out = {}
    for line in text.splitlines():
        out.setdefault(int(line.split()[0].partition("@")[0]), []).append(line)
    return out


@dataclass
class Result:
    streams: int = 0
    seconds: dict = field(default_factory=dict)      # "qemu" / "jitvm" -> total seconds
    kinds: dict = field(default_factory=dict)        # kind of difference -> streams
    differences: list = field(default_factory=list)  # reports (a few of each kind) to print
    documented: dict = field(default_factory=dict)   # QEMU_DIFFERS rule -> streams it applied to
    stats: str = ""                                  # jitvm --stats of the last run

    def summary(self):
        return (f"{sum(self.kinds.values())} of {self.streams} streams differ"
                + "".join(f"\n  {n:6d}  {k}" for k, n in sorted(self.kinds.items())))


def campaign(arch, streams, engine="interp", seed=1, rootfs=None, start=0, progress=None,
             max_reports=20, show=False, jit_every=JIT_EVERY, cache=None):
    """Run streams [start, start + streams) of (arch, seed) under qemu and jitvm's `engine`;
    return a Result. show: report every stream, not only differences. jit_every: with the jit
    tier, run every jit_every-th stream JIT_REPS times. cache: jitvm's translation cache
    (default: a new one, so that every translation is compiled)."""
    gen, prog, res = Generator(arch, seed), harness(arch), Result()
    tmp = Path(tempfile.mkdtemp(prefix="jitvm-fuzz-"))
    rootfs = rootfs or tmp / "root"           # the harness needs no files: an empty root will do
    Path(rootfs).mkdir(exist_ok=True)
    try:
        for base in range(start, start + streams, CHUNK):
            n = min(CHUNK, start + streams - base)
            data = b"".join(gen.record(i, JIT_REPS if engine == "jit" and i % jit_every == 0
                                       else 1) for i in range(base, base + n))
            t0 = time.perf_counter()
            qrc, qout, qerr = run_qemu(arch, prog, data, base)
            t1 = time.perf_counter()
            jrc, jout, jerr = run_jitvm(prog, data, base, engine, rootfs, cache or tmp / "cache")
            res.seconds["qemu"] = res.seconds.get("qemu", 0) + t1 - t0
            res.seconds["jitvm"] = res.seconds.get("jitvm", 0) + time.perf_counter() - t1
            res.stats = "\n".join(l for l in jerr.splitlines() if l.startswith("jitvm stats"))
            for _ in range(ORACLE_RETRIES + 1):
                diffs, documented = compare(gen, base, n, (qrc, qout, qerr), (jrc, jout, jerr),
                                            engine, show)
                if not diffs or show:
                    break
                qrc, qout, qerr = run_qemu(arch, prog, data, base)   # must survive a rerun
            for name, count in documented.items():
                res.documented[name] = res.documented.get(name, 0) + count
            for kind, text in diffs:            # kind None: a stream shown (show=True)
                if kind:
                    res.kinds[kind] = res.kinds.get(kind, 0) + 1
                if res.kinds.get(kind, 0) <= 3 and len(res.differences) < max_reports:
                    res.differences.append(text)
            res.streams += n
            if progress:
                progress(f"{arch} {engine}: {res.streams}/{streams} streams, "
                         f"{sum(res.kinds.values())} differ")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def compare(gen, base, n, q, j, engine, show=False):
    """([(kind, report) of each stream that differs], {QEMU_DIFFERS rule: streams it applied
    to})."""
    (qrc, qout, qerr), (jrc, jout, jerr) = q, j
    if qrc != 0:
        raise RuntimeError(f"the harness failed under qemu (status {qrc}): {qerr[-2000:]}")
    ql, jl = lines_by_stream(qout), lines_by_stream(jout)
    reports, documented = [], {}
    for i in range(base, base + n):
        a, b = ql.get(i, []), jl.get(i, [])
        kind = ("no line from jitvm" if not b else "a later run differs" if len(b) > 1
                else "no line from qemu" if len(a) != 1 else None)
        applied = []
        if kind is None and a != b:
            qp, jp, s = parse(a[0]), parse(b[0]), Stream(gen, i)
            applied = [rule.__name__ for rule in QEMU_DIFFERS[gen.isa.name] if rule(s, qp, jp)]
            for name in applied:
                documented[name] = documented.get(name, 0) + 1
            differ = sorted(k for k in qp.keys() | jp.keys() if qp.get(k) != jp.get(k))
            kind = f"differ in {' '.join(differ)}" if differ else None
        if kind is None and not show:
            continue
        text = report(gen, i, engine, a, b)
        if applied:
            text += (f"\n  compared as (QEMU_DIFFERS {', '.join(applied)}):\n  qemu:  {i} "
                     + " ".join(f"{k}={v}" if v else k for k, v in qp.items()))
        if not b:                            # jitvm stopped here: the rest tells nothing new
            tail = "\n".join("    " + l for l in jerr.splitlines()[-15:])
            reports.append((kind, f"{text}\n  jitvm exited with status {jrc}; its stderr ends:"
                                  f"\n{tail}"))
            break
        reports.append((kind, text))
    return reports, documented


def report(gen, i, engine, qlines, jlines):
    x, f, fcsr, fcc = gen.state(i)
    return "\n".join([f"stream {i} of {gen.isa.name} seed {gen.seed} ({engine}): "
                      f"python -m tests.campaign.fuzz --arch {gen.isa.name} --seed {gen.seed} "
                      f"--only {i} --engine {engine}",
                      *gen.listing(i),
                      "  initial: " + ", ".join(f"x{k}={v:x}" for k, v in enumerate(x)
                                                if k >= gen.isa.x_first),
                      "  initial: " + ", ".join(f"f{k}={v:x}" for k, v in enumerate(f))
                      + f", fcsr={fcsr:x}" + (f", fcc={fcc.hex()}" if any(fcc) else ""),
                      *(f"  qemu:  {l}" for l in qlines or ["(no line)"]),
                      *(f"  jitvm: {l}" for l in jlines or ["(no line)"])])


def main(argv=None):
    ap = argparse.ArgumentParser(description="fuzz jitvm against qemu-user")
    ap.add_argument("--arch", default="riscv64", choices=translators.ISAS)
    ap.add_argument("--engine", default="interp", choices=("interp", "jit", "python"))
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--start", type=int, default=0, help="first stream index")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", type=int, help="run and show this one stream")
    ap.add_argument("--rootfs", help="the guest root (default: an empty directory)")
    a = ap.parse_args(argv)
    start, streams = (a.only, 1) if a.only is not None else (a.start, a.streams)
    t0 = time.perf_counter()
    res = campaign(a.arch, streams, a.engine, a.seed, a.rootfs, start, max_reports=50,
                   progress=lambda s: print(s, file=sys.stderr), show=a.only is not None,
                   jit_every=1 if a.only is not None else JIT_EVERY)
    for d in res.differences:
        print(d, end="\n\n")
    print(f"{res.summary()}\n{time.perf_counter() - t0:.1f} s (qemu "
          f"{res.seconds.get('qemu', 0):.1f} s, jitvm {res.seconds.get('jitvm', 0):.1f} s); "
          f"documented differences (QEMU_DIFFERS): {res.documented or 'none'}\n{res.stats}")
    return 1 if res.kinds else 0


if __name__ == "__main__":
    sys.exit(main())
