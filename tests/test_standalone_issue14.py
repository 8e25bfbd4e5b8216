"""`--standalone` output never gives a different answer: Python's, or an error.

Where plain lax cannot keep Python's meaning the statement stays the user's own: right
when what it tests is static under ``jax.jit``, JAX's own error when it is traced.

* A ``while`` whose condition changes Python state each time it is tested (``tick()``
  that bumps a ``nonlocal`` counter, ``c.next()`` that sets an attribute, a ``global``
  counter): lax traces the condition once, so the change would happen once.
"""

from __future__ import annotations

import copy
import sys
import textwrap

import jax
import pytest

from conftest import assert_tree_close
from py2lax import transpile
from test_standalone_builtins import _NoPy2lax, standalone_agrees, to_jax


def standalone(source: str) -> dict:
    """The namespace of ``source`` through ``--standalone``, imported without py2lax."""
    text = transpile(textwrap.dedent(source), "program.py", all_functions=True,
                     standalone=True)
    assert transpile(text, "program.py", all_functions=True, standalone=True) == text
    plain: dict = {}
    blocker = _NoPy2lax()
    sys.meta_path.insert(0, blocker)
    try:
        exec(compile(text, "program_standalone.py", "exec"), plain)
    finally:
        sys.meta_path.remove(blocker)
    plain["__text__"] = text
    return plain


def agrees_or_raises(source: str, name: str, *inputs: tuple, errors=(Exception,)) -> str:
    """Jitted, the output gives Python's answer on each input or raises one of
    ``errors``; with every argument static it gives Python's answer."""
    python: dict = {}
    exec(compile(textwrap.dedent(source), "program.py", "exec"), python)
    plain = standalone(source)
    for args in inputs:
        expected = python[name](*copy.deepcopy(args))
        static = tuple(range(len(args)))
        assert_tree_close(expected, jax.jit(plain[name], static_argnums=static)(*args),
                          dtype=None)
        try:
            got = jax.jit(plain[name])(*(to_jax(a) for a in args))
        except errors:
            continue
        assert_tree_close(expected, got, dtype=None)
    return plain["__text__"]


# -- a while condition that changes Python state ---------------------------------------
EFFECTFUL_CONDITIONS = {
    "nonlocal-counter": ("""
        def f(x):
            n = 0
            def tick():
                nonlocal n
                n += 1
                return n
            while tick() < 5 and x > 0:
                x = x - 1
            return x, n
        """, [(2.0,), (10.0,), (-1.0,)]),
    "method-writing-a-dict-item": ("""
        class D:
            def __init__(self):
                self.d = {"n": 0}
            def bump(self):
                self.d["n"] += 1
                return self.d["n"]
        def f(x):
            o = D()
            while o.bump() < 5 and x > 0:
                x = x - 1
            return x, o.d["n"]
        """, [(2.0,), (10.0,)]),
    "global-counter": ("""
        CALLS = 0
        def count():
            global CALLS
            CALLS += 1
            return CALLS
        def f(x):
            global CALLS
            CALLS = 0
            while count() < 6 and x > 1.0:
                x = x / 2
            return x, CALLS
        """, [(3.0,), (100.0,)]),
    "method-setting-an-attribute-second-operand": ("""
        class Counter:
            def __init__(self):
                self.k = 0
            def next(self):
                self.k += 1
                return self.k
        def f(x):
            c = Counter()
            while x > 1.0 and c.next() < 4:
                x = x - 1.0
            return x, c.k
        """, [(2.5,), (10.0,)]),
    "helper-appending-to-a-list": ("""
        def f(x):
            seen = []
            def test(v):
                seen.append(1)
                return v > 1.0
            while test(x):
                x = x / 3
            return x, len(seen)
        """, [(3.0,), (100.0,)]),
}


@pytest.mark.parametrize("case", list(EFFECTFUL_CONDITIONS))
def test_a_while_condition_with_effects_stays_python(case):
    source, inputs = EFFECTFUL_CONDITIONS[case]
    text = agrees_or_raises(source, "f", *inputs, errors=(jax.errors.ConcretizationTypeError,))
    assert "while_loop" not in text


PURE_CONDITIONS = {
    "module-helper": ("""
        import jax.numpy as jnp
        def norm2(v):
            return jnp.sum(v * v)
        def f(x):
            v = jnp.array([x, x])
            while norm2(v) > 1.0:
                v = v / 2
            return v
        """, [(3.0,), (0.1,)]),
    "method-reading-an-attribute": ("""
        class Box:
            def __init__(self, v):
                self.v = v
            def big(self):
                return self.v > 1.0
        def f(x):
            b = Box(x)
            while b.big():
                b.v = b.v / 2
            return b.v
        """, [(3.0,), (0.5,)]),
}


@pytest.mark.parametrize("case", list(PURE_CONDITIONS))
def test_a_while_condition_that_only_reads_is_a_while_loop(case):
    source, inputs = PURE_CONDITIONS[case]
    assert "while_loop" in standalone_agrees(source, "f", *inputs)


# -- an `if` in a `try` whose skipped branch raises while tracing ----------------------
# lax.cond traces both branches: a branch Python skips that raises when traced
# (`math.sqrt(-1.0)`) would run the user's handler whatever the test says.
CAUGHT_WHILE_TRACING = {
    "math-domain-error": ("""
        import math
        def f(x):
            try:
                if x > 0:
                    v = x
                else:
                    v = math.sqrt(-1.0)
            except ValueError:
                v = -1.0
            return v
        """, [(2.0,), (-1.0,)]),
    "parse-error": ("""
        def f(x):
            try:
                if x > 0:
                    v = x / 2
                else:
                    v = float(int("abc"))
            except ValueError:
                v = -1.0
            return v
        """, [(2.0,), (-1.0,)]),
    "log-of-zero-in-a-loop": ("""
        import math
        def f(xs):
            total = 0.0
            for v in xs:
                try:
                    if v > 0:
                        total = total + v
                    else:
                        total = total + math.log(0.0)
                except ValueError:
                    total = total - 1.0
            return total
        """, [((1.0, 2.0),), ((1.0, -1.0, 3.0),)]),
}


@pytest.mark.parametrize("case", list(CAUGHT_WHILE_TRACING))
def test_a_branch_raising_while_traced_in_a_try_stays_python(case):
    source, inputs = CAUGHT_WHILE_TRACING[case]
    text = agrees_or_raises(source, "f", *inputs, errors=(jax.errors.ConcretizationTypeError,))
    assert "lax.cond" not in text


def test_a_try_around_jnp_branches_keeps_lax_cond():
    source = """
        def f(xs):
            s = 0.0
            for x in xs:
                try:
                    if x == 0:
                        continue
                    s += 1.0 / x
                except ZeroDivisionError:
                    s -= 1
            return s
        """
    import numpy as np
    assert "lax.cond" in standalone_agrees(source, "f", (np.array([1.0, 0.0, 2.0]),))
