"""Host tools the tests need: skip without them locally, fail under CI (CI=true), so a missing
install step cannot hide behind skips."""
import os
import shutil

import pytest


def need(tool, hint="run `make deps`"):
    """The path of `tool` on PATH, or skip (fail under CI) with `hint`."""
    path = shutil.which(tool)
    if path is None:
        msg = f"{tool} not found: {hint}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def need_module(name, hint="run `make deps`"):
    """Import and return module `name`, or skip (fail under CI) with `hint`."""
    import importlib
    try:
        return importlib.import_module(name)
    except ImportError:
        msg = f"Python module {name} not installed: {hint}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg, allow_module_level=True)
