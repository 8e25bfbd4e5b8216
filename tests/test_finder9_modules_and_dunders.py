"""Python state reached through modules, ``globals()``, enums and dunder methods, changed
in one branch of a traced ``if`` (finder9 m001-m020).

The watch of a traced branch (``py2lax.runtime.effects``) did not see a user module's
data (``settings.calls += 1``), ``globals()[...]``, or a container a carried object shares
with its original when the branch changes it through the object's own ``__iadd__`` or
``__setitem__``: the compiled program kept the change the trace made, whichever branch
ran. An enum with a mutable value made a raw error; a module held in a variable made the
look for shared arrays walk every imported module without end. Python's answer, or a
located py2lax error, is required.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def _module(tmp_path, source: str, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _python_or_located(module, *arguments):
    expected = module.f(*arguments)
    traced = tuple(jnp.asarray(a) for a in arguments)
    try:
        got = py2lax.autograph_jit(module.f)(*traced)
    except py2lax.ConversionError as error:
        assert error.location is not None and error.location.line > 0, error
        return
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5)


STATE_MODULE = """
calls = 0
history = []
"""

USER_MODULE_COUNTER = """
import finder9_state as sm
def f(x):
    sm.calls = 0
    if x > 0:
        sm.calls += 1
    return sm.calls
"""

USER_MODULE_LIST_BY_HELPER = """
import finder9_state as sm
def note(v):
    sm.history.append(v)
def f(x):
    del sm.history[:]
    if x > 0:
        note(x)
    return len(sm.history)
"""

GLOBALS_DICT = """
COUNT = 0
def f(x):
    globals()["COUNT"] = 0
    if x > 0:
        globals()["COUNT"] += 1
    return globals()["COUNT"]
"""

MODULE_IN_A_VARIABLE = """
import sys
STATE = [0]
def f(x):
    mod = sys.modules[__name__]
    mod.STATE[0] = 0
    if x > 0:
        mod.STATE[0] = 5
    return mod.STATE[0] + x
"""

ENUM_WITH_LIST_VALUE = """
import enum
class Mode(enum.Enum):
    A = [0]
def f(x):
    Mode.A.value[0] = 0
    if x > 0:
        Mode.A.value[0] = 1
    return Mode.A.value[0] + x
"""

OWN_IADD = """
class Vec:
    def __init__(self):
        self.vals = []
    def __iadd__(self, v):
        self.vals.append(v)
        return self
def f(x):
    acc = Vec()
    keep = acc
    if x > 0:
        acc += x
    return len(keep.vals)
"""

OWN_SETITEM = """
class Store:
    def __init__(self):
        self.d = {}
    def __setitem__(self, k, v):
        self.d[k] = v
def f(x):
    s = Store()
    if x > 0:
        s["a"] = x
    return len(s.d)
"""


@pytest.mark.parametrize("source", [
    pytest.param(USER_MODULE_COUNTER, id="user-module-counter"),
    pytest.param(USER_MODULE_LIST_BY_HELPER, id="user-module-list-by-helper"),
    pytest.param(GLOBALS_DICT, id="globals-dict"),
    pytest.param(MODULE_IN_A_VARIABLE, id="module-in-a-variable"),
    pytest.param(ENUM_WITH_LIST_VALUE, id="enum-with-list-value"),
    pytest.param(OWN_IADD, id="own-iadd"),
    pytest.param(OWN_SETITEM, id="own-setitem"),
])
def test_state_changed_in_one_branch_of_a_traced_if(tmp_path, monkeypatch, source):
    monkeypatch.syspath_prepend(str(tmp_path))
    _module(tmp_path, STATE_MODULE, "finder9_state")
    module = _module(tmp_path, source, f"finder9_program_{abs(hash(source))}")
    for x in (1.0, -1.0):
        _python_or_located(module, np.float32(x))
