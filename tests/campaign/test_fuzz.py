"""The instruction-fuzzing campaign (tests/campaign/fuzz.py): random instruction streams give the
same registers, memory and signals under jitvm as under qemu-user, but for the documented
differences (fuzz.QEMU_DIFFERS, and fuzz.ISAS' exclusions). The normal suite runs a sample on
both tiers; the slow part is the reliability goal's 10,000 streams per ISA (CAMPAIGN).

A failure lists how many streams differ in which way and a few of each, with a command that
reruns one stream alone."""
import pytest

from jitvm.paths import cache_root
from tests.campaign import fuzz
from tests.differential import QEMU
from tests.tools import need

# (engine, streams, every how many-th stream the jit tier compiles). The sample's translations
# go to the usual cache (the harness's own ~400 blocks cost ~20 s to compile the first time);
# the campaign compiles everything afresh.
SAMPLE = [("interp", 500, fuzz.JIT_EVERY), ("jit", 100, 4)]
# The goal's 10,000 streams per ISA on the interpreter (its semantics are the jit's: one
# definition per instruction); the jit tier, which translates every 8th stream afresh at ~0.2 s
# each, runs 2,000 so the slow set fits CI's time (10,000 took ~7 minutes per ISA).
CAMPAIGN = {"interp": 10_000, "jit": 2_000}


def run(arch, guest_bin, engine, streams, **kw):
    need(QEMU[arch])
    guest_bin("fuzz")                # builds it, or skips without the cross toolchain
    res = fuzz.campaign(arch, streams, engine, **kw)
    assert res.streams == streams
    if res.kinds:
        pytest.fail(res.summary() + "\n\n" + "\n\n".join(res.differences), pytrace=False)


@pytest.mark.parametrize("engine, streams, every", SAMPLE)
def test_fuzz_sample(arch, guest_bin, engine, streams, every):
    run(arch, guest_bin, engine, streams, jit_every=every, cache=cache_root())


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["interp", "jit"])
def test_fuzz_campaign(arch, guest_bin, engine):
    run(arch, guest_bin, engine, CAMPAIGN[engine])
