"""Every ISA's generated dispatch: one semantic function per op, in the module its extension
names, and _dispatch.py up to date with the table and the semantics."""
import importlib

import pytest

import translators
from translators.gen_dispatch import Dispatch, func_name


@pytest.fixture(scope="module", params=translators.ISAS)
def dispatch(request):
    return Dispatch(request.param)


def test_every_op_has_exactly_one_semantic_function(dispatch):
    d = dispatch
    modules = {mod: importlib.import_module(f"translators.{d.isa}.{mod}") for mod in d.MODULES}
    for op in range(1, len(d.NAMES)):
        fn = func_name(d.NAMES[op])
        where = [mod for mod, module in modules.items() if hasattr(module, fn)]
        assert where == [d.module_of(op)], f"{d.NAMES[op]}: {fn} is in {where or 'no module'}"


def test_dispatch_is_up_to_date(dispatch):
    text, _ = dispatch.generate()
    assert dispatch.OUT.read_text() == text, \
        f"run: python -m translators.gen_dispatch {dispatch.isa}"
