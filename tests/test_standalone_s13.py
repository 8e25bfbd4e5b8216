"""`--standalone` fixes of issue 14, helper sg: generated mixed programs that import
their classes and helpers from a module beside them (``from helpers import State, Acc``).

The command sees one file; it reads (never runs) the source of a module the file imports
from beside it, to learn which imported names are plain classes and dataclasses (whose
objects lax carries as their attribute dicts) and what their methods do. Python is the
oracle: the standalone output, jitted, gives Python's answer.
"""

from __future__ import annotations

import importlib
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile

HELPERS = """
import dataclasses

import jax.numpy as jnp


def push(items, val):
    items.append(val)


@dataclasses.dataclass
class State:
    p: object
    q: object


class Acc:
    def __init__(self, scale):
        self.scale = scale
        self.total = 0.0

    @classmethod
    def make(cls, scale):
        return cls(scale)

    def add(self, value):
        self.total = self.total + value * self.scale
        return self

    def copy(self):
        twin = Acc(self.scale)
        twin.total = self.total
        return twin


class Ops:
    factor = 0.25

    @staticmethod
    def leaky(t):
        return jnp.where(t > 0.0, t, t * 0.1)

    @classmethod
    def scaled(cls, t):
        return jnp.tanh(t) * cls.factor


class Scaler:
    def __init__(self, k):
        self.k = k

    def apply(self, t):
        return jnp.abs(t) * self.k


SCALER = Scaler(0.5)
"""


@pytest.fixture
def program(tmp_path, monkeypatch, request):
    """``program(source)``: the function ``f`` of ``source`` written beside a helpers
    module it imports, as Python runs it and as the standalone output, jitted."""
    helpers = "sg_helpers_" + request.node.name.replace("[", "_").replace("]", "_")
    (tmp_path / f"{helpers}.py").write_text(HELPERS)
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(source: str):
        source = textwrap.dedent(source).replace("helpers", helpers)
        path = tmp_path / "prog.py"
        path.write_text(source)
        original: dict = {}
        exec(compile(source, str(path), "exec"), original)
        text = transpile(source, str(path), all_functions=True, standalone=True)
        converted: dict = {}
        exec(compile(text, str(path), "exec"), converted)
        return original["f"], jax.jit(converted["f"]), text

    yield make
    sys.modules.pop(helpers, None)
    importlib.invalidate_caches()


def same(expected, got):
    for e, g in zip(jax.tree.leaves(expected), jax.tree.leaves(got)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-5, atol=1e-6)


def test_an_imported_dataclass_rebound_in_a_traced_if_is_carried_as_its_attributes(program):
    """mixed_31_006: ``State`` from the helpers module was unknown, so lax was handed the
    object itself (JAX's raw 'not a valid JAX type')."""
    f, jf, text = program("""
        import jax.numpy as jnp
        from helpers import State

        def f(x, y):
            st = State(y, 0.5)
            if x > 0.0:
                st = State(jnp.tanh(st.p + x), st.q * 0.5)
            return st.p + st.q
    """)
    for args in ((1.0, 0.3), (-1.0, 0.3)):
        same(f(*args), jf(*args))


def test_an_imported_object_changed_by_its_method_in_a_traced_if(program):
    """``acc.add(x)`` under a traced condition: the imported class's method changes
    ``acc``, which lax carries as its attribute dict."""
    f, jf, _ = program("""
        from helpers import Acc

        def f(x, y):
            acc = Acc(0.5)
            acc.add(y)
            if x > 0.0:
                acc.add(x)
            return acc.total
    """)
    for args in ((1.0, 0.3), (-1.0, 0.3)):
        same(f(*args), jf(*args))


def test_objects_an_imported_classmethod_or_copy_makes_are_of_its_class(program):
    """``Acc.make(1.5)`` (a classmethod returning ``cls(...)``) and ``acc.copy()`` (a
    method returning a fresh ``Acc``) make objects of ``Acc``, changed in a traced if."""
    f, jf, _ = program("""
        from helpers import Acc

        def f(x, y):
            acc = Acc.make(1.5)
            twin = acc.copy()
            if x > 0.0:
                acc.add(x)
                twin.add(y)
            return acc.total + twin.total
    """)
    for args in ((1.0, 0.3), (-1.0, 0.3)):
        same(f(*args), jf(*args))


def test_imported_static_and_class_methods_that_change_nothing_may_run_where_python_skips(
        program):
    """mixed_31_021, 31_026: ``Ops.scaled(a)`` in a traced ternary and ``Ops.leaky(b)``
    after a traced ``and``: their source shows they change nothing, so lax may run them
    (was kept Python: 'Python may skip `Ops.scaled(a)` here')."""
    f, jf, _ = program("""
        import jax.numpy as jnp
        from helpers import Ops

        def f(x, y):
            c = x if y > 0.0 else Ops.scaled(x)
            if y < 1.0 and Ops.leaky(x) > 0.1:
                c = c + 1.0
            return c
    """)
    for args in ((1.0, 0.3), (-1.0, 0.3), (0.5, -2.0), (2.0, 3.0)):
        same(f(*args), jf(*args))


def test_a_method_of_an_imported_module_object_that_changes_nothing(program):
    """mixed_32_007: ``-0.5 < jnp.sin(y) < jnp.tanh(SCALER.apply(x))``, ``SCALER`` the
    helpers module's ``Scaler(0.5)``, whose ``apply`` only reads ``self.k``."""
    f, jf, _ = program("""
        import jax.numpy as jnp
        from helpers import SCALER

        def f(x, y):
            c = 0.0
            if -0.5 < jnp.sin(y) < jnp.tanh(SCALER.apply(x)):
                c = x + y
            return c
    """)
    for args in ((1.0, 0.3), (-1.0, 0.3), (0.2, -0.4), (2.0, -1.0)):
        same(f(*args), jf(*args))


def test_an_imported_object_a_traced_if_replaces_by_its_copy(program):
    """mixed_32_016: ``acc = acc.copy()`` in a traced if, ``copy`` making a new ``Acc``
    (``twin = Acc(self.scale)``, whose attributes it sets): the if only rebinds ``acc``,
    which lax carries as a fresh object's attributes (was the object itself: JAX's raw
    'not a valid JAX type')."""
    f, jf, _ = program("""
        from helpers import Acc

        def f(x, y):
            acc = Acc.make(1.5)
            acc.add(y)
            if x > 0.0:
                acc = acc.copy()
            acc.add(x)
            return acc.total
    """)
    for args in ((1.0, 0.3), (-1.0, 0.3)):
        same(f(*args), jf(*args))


def test_objects_a_traced_loop_makes_itself_may_change_there(program):
    """mixed_32_037, 32_012: ``st = State(x, 0.5)`` then ``st.q = ...``, and ``acc =
    Acc.make(1.5)`` then ``acc.add(x)``, ``items = [x]`` then ``push(items, ...)``, in a
    traced ``while``'s body: objects made each iteration, whose changes nothing outside
    sees (was kept Python: 'it assigns an attribute', '`acc.add(x)` is called for its
    effect'; mixed_32_037, 32_012, 32_020). Needs
    /tmp/scratch/sg/proposed/python_form_made_inside.patch."""
    f, jf, _ = program("""
        import jax.numpy as jnp
        from helpers import State, Acc, push

        def f(x, n):
            c = 0.0
            k = 0
            while k < n:
                k = k + 1
                st = State(x, 0.5)
                for i in range(n):
                    st.q = jnp.tanh(st.q + x)
                acc = Acc.make(1.5)
                acc.add(x)
                items = [x]
                push(items, x * 0.5)
                c = c + st.p + st.q + acc.total + sum(items)
            return c
    """)
    for args in ((0.7, 3), (-0.4, 2), (0.3, 0)):
        same(f(*args), jf(*args))
