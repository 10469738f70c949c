"""The aarch64 dispatch, checked here because aarch64 is not in translators.ISAS yet (so
tests/translators/test_dispatch.py does not see it): one semantic function per op, in the
module its group names, _dispatch.py up to date; and the port stays unregistered until it
can run a program."""
import importlib

import translators
from translators.gen_dispatch import Dispatch, func_name


def test_every_op_has_exactly_one_semantic_function():
    d = Dispatch("aarch64")
    modules = {mod: importlib.import_module(f"translators.aarch64.{mod}") for mod in d.MODULES}
    for op in range(1, len(d.NAMES)):
        fn = func_name(d.NAMES[op])
        where = [mod for mod, module in modules.items() if hasattr(module, fn)]
        assert where == [d.module_of(op)], f"{d.NAMES[op]}: {fn} is in {where or 'no module'}"


def test_dispatch_is_up_to_date():
    d = Dispatch("aarch64")
    text, missing = d.generate()
    assert d.OUT.read_text() == text, "run: python -m translators.gen_dispatch aarch64"
    assert not missing


def test_not_registered_yet():
    """FP, AdvSIMD, the ABI, the signal frame and the rootfs are missing (see the package
    docstring): registering the ISA before them would put it in every ISA-parametrised test."""
    assert "aarch64" not in translators.ISAS
    assert 183 not in getattr(translators, "ELF_MACHINES", {})
