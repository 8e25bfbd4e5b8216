"""Python state a traced branch or loop body reaches in less common ways (finder9).

The effects watcher (``py2lax.runtime.effects``) snapshots what a traced body can reach
and refuses, or carries, what it changed. Each program here changed an object the watch
did not reach, so the compiled program silently kept the change its trace made (once,
whichever branch the condition takes): Python's answer or a located error is required.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def _module(tmp_path, source: str, register: bool = True):
    """``source`` written to its own file and run as a module (registered in
    ``sys.modules`` unless ``register`` is false, as ``spec.loader.exec_module`` leaves it)."""
    path = tmp_path / "finder9_program.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(source))
    name = f"finder9_program_{abs(hash(source))}_{register}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _python_or_located(module, reset, *arguments):
    """The jitted answer equals Python's (each run from the same starting state), or the
    compiled call is refused with a located py2lax error."""
    reset(module)
    expected = module.f(*arguments)
    reset(module)
    traced = tuple(jnp.asarray(a) if isinstance(a, (float, np.ndarray)) else a
                   for a in arguments)
    try:
        got = py2lax.autograph_jit(module.f)(*traced)
    except py2lax.ConversionError as error:
        assert error.location is not None and error.location.line > 0, error
        return
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5)


def _nothing(module):
    pass


DEEP_HELPERS = """
LOG = []
def h3(v):
    LOG.append(v)
def h2(v):
    h3(v)
def h1(v):
    h2(v)
def f(x):
    if x > 0:
        h1(x)
    return x + len(LOG)
"""

DEEP_COUNTER = """
STATE = {"n": 0}
def h4():
    STATE["n"] += 1
def h3():
    h4()
def h2():
    h3()
def h1():
    h2()
def f(v):
    for i in range(v.shape[0]):
        if v[i] > 0:
            h1()
    return STATE["n"]
"""

MANY_OBJECTS = """
class P:
    def __init__(self):
        self.hit = 0.0
def mark(ps, v):
    ps[-1].hit = v
def f(x):
    ps = [P() for _ in range(2500)]
    if x > 0:
        mark(ps, x)
    return ps[-1].hit
"""

DEEP_TREE_LIST = """
class Leaf:
    def __init__(self):
        self.cache = []
class Mid:
    def __init__(self):
        self.leaves = [Leaf()]
class Top:
    def __init__(self):
        self.mids = [Mid()]
class Model:
    def __init__(self):
        self.top = Top()
def record(m, v):
    m.top.mids[0].leaves[0].cache.append(v)
def f(x):
    m = Model()
    if x > 0:
        record(m, x)
    return len(m.top.mids[0].leaves[0].cache)
"""

# the Model object is carried (its `top` is a nested working copy); `top.mids`, a list of
# objects, is shared by the copy with the original, and the leaf's value was set in the
# original while the true branch was traced
SHARED_BY_WORKING_COPY = """
class Leaf:
    def __init__(self):
        self.val = 0.0
class Top:
    def __init__(self):
        self.mids = [[Leaf()]]
class Model:
    def __init__(self):
        self.top = Top()
def bump(m, v):
    m.top.mids[0][0].val = v
def f(x):
    m = Model()
    if x > 0:
        bump(m, x)
    return m.top.mids[0][0].val
"""

BOUND_METHOD_IN_DICT = """
class Sink:
    def __init__(self):
        self.got = []
    def put(self, v):
        self.got.append(v)
def f(x):
    s = Sink()
    handlers = {"p": s.put}
    if x > 0:
        handlers["p"](x)
    return len(s.got)
"""

FUNCTION_IN_DISPATCH_TABLE = """
HITS = {"a": 0}
def on_a():
    HITS["a"] += 1
DISPATCH = {"a": on_a}
def f(x):
    if x > 0:
        DISPATCH["a"]()
    return HITS["a"]
"""

NESTED_OBJECT_SHARED_LIST = """
class Inner:
    def __init__(self):
        self.n = 0.0
        self.tags = ["a"]
class Outer:
    def __init__(self):
        self.inner = Inner()
def f(x):
    o = Outer()
    if x > 0:
        o.inner.n = x
        o.inner.tags.append("b")
    return len(o.inner.tags)
"""

LAMBDA_DEFAULT = """
def f(x):
    store = []
    put = lambda v, s=store: s.append(v)
    if x > 0:
        put(x)
    return len(store)
"""

HELPER_DEFAULT_OBJECT = """
class Stats:
    def __init__(self):
        self.n = 0
def observe(v, stats=Stats()):
    stats.n += 1
    return stats
def f(x):
    s = observe.__defaults__[0]
    if x > 0:
        observe(x)
    return s.n
"""


LONG_LIST_REVERSED = """
BIG = list(range(100_001))
def flip():
    BIG.reverse()
def f(x):
    if x > 0:
        flip()
    return BIG[0] + x
"""

LARGE_GLOBAL_ARRAY = """
IMG = np.zeros((400, 400))
def mark():
    IMG[0, 0] = 1.0
def f(x):
    if x > 0:
        mark()
    return IMG[0, 0] + x
"""

DICT_OF_MANY_LISTS = """
TABLE = {i: [0] for i in range(12000)}
def f(x):
    if x > 0:
        TABLE[5][0] = 1
    return TABLE[5][0] + x
"""

SLOTS_OBJECT_LIST = """
class S:
    __slots__ = ("v", "l")
    def __init__(self):
        self.v = 0.0
        self.l = []
def add(s, x):
    s.l.append(x)
def f(x):
    s = S()
    if x > 0:
        add(s, x)
    return len(s.l)
"""

SLOTS_OBJECT_VALUE = """
class S:
    __slots__ = ("v",)
    def __init__(self):
        self.v = 0.0
def f(x):
    s = S()
    if x > 0:
        s.v = x
    return s.v
"""


def _reset_observe(module):
    module.observe.__defaults__[0].n = 0


@pytest.mark.parametrize("source, reset", [
    pytest.param(DEEP_HELPERS, lambda m: m.LOG.clear(), id="helper-chain-appends-global"),
    pytest.param(DEEP_COUNTER, lambda m: m.STATE.update(n=0), id="helper-chain-counts"),
    pytest.param(MANY_OBJECTS, _nothing, id="2500-objects"),
    pytest.param(DEEP_TREE_LIST, _nothing, id="cache-five-attributes-down"),
    pytest.param(SHARED_BY_WORKING_COPY, _nothing, id="shared-by-working-copy"),
    pytest.param(BOUND_METHOD_IN_DICT, _nothing, id="bound-method-in-dict"),
    pytest.param(FUNCTION_IN_DISPATCH_TABLE, lambda m: m.HITS.update(a=0),
                 id="function-in-dispatch-table"),
    pytest.param(NESTED_OBJECT_SHARED_LIST, _nothing, id="nested-object-shared-list"),
    pytest.param(LAMBDA_DEFAULT, _nothing, id="lambda-default-list"),
    pytest.param(HELPER_DEFAULT_OBJECT, _reset_observe, id="helper-default-object"),
    pytest.param(LONG_LIST_REVERSED, lambda m: m.BIG.sort(), id="100001-items-reversed"),
    pytest.param(LARGE_GLOBAL_ARRAY, lambda m: m.IMG.fill(0.0), id="160000-element-array"),
    pytest.param(DICT_OF_MANY_LISTS, lambda m: m.TABLE[5].__setitem__(0, 0),
                 id="dict-of-12000-lists"),
    pytest.param(SLOTS_OBJECT_LIST, _nothing, id="slots-object-list"),
    pytest.param(SLOTS_OBJECT_VALUE, _nothing, id="slots-object-value"),
])
def test_reachable_state_changed_in_traced_branch(tmp_path, source, reset):
    module = _module(tmp_path, source)
    if "v.shape" in source:
        _python_or_located(module, reset, np.array([1.0, -1.0, 2.0], np.float32))
        return
    for x in (1.0, -1.0):
        _python_or_located(module, reset, x)


def test_helper_default_list_is_not_left_holding_tracers(tmp_path):
    """``def helper(x, cache=[])`` called in one branch of a traced if: the trace must not
    leave traced values in the default list (Python's next call would count them)."""
    module = _module(tmp_path, """
        def helper(x, cache=[]):
            cache.append(x)
            return len(cache)
        def f(x):
            if x > 0:
                k = helper(x)
            else:
                k = helper(-x)
            return k
        """)
    try:
        py2lax.autograph_jit(module.f)(jnp.float32(1.0))
    except py2lax.ConversionError as error:
        assert error.location is not None
    assert module.helper.__defaults__[0] == []


CLASS_STATE = """
class Reg:
    items = []
class Registry:
    count = 0
    @staticmethod
    def bump():
        Registry.count += 1
def f(x):
    Reg.items = []
    Registry.count = 0
    if x > 0:
        Reg.items.append(x)
        Registry.bump()
    return len(Reg.items) + Registry.count
"""


def test_class_data_of_a_module_run_without_sys_modules(tmp_path):
    """A module run by ``spec.loader.exec_module`` alone has no entry in ``sys.modules``:
    its classes' data (``Reg.items``, ``Registry.count``) is still the user's state."""
    module = _module(tmp_path, CLASS_STATE, register=False)
    for x in (1.0, -1.0):
        _python_or_located(module, _nothing, x)
