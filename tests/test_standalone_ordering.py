"""`--standalone`: ``sorted(...)`` and ``min``/``max`` with ``key=`` ordered by traced values
(issue 14; finder6 m023, m024, finder7 q126).

Python compares the items with ``<``, one ``bool`` at a time, which a traced value cannot
give, and the output kept the call as written: JAX's ``TracerBoolConversionError``
(in a function with nothing else to convert, the function was not even rewritten). The
output now calls ``_py2lax_sorted`` and ``_py2lax_extremum``, the runtime's rule in plain
jax: a stable ``jnp.argsort`` of traced keys (``descending=`` for ``reverse=True``, which
keeps equal keys in their order as Python does), and ``min``/``max`` choosing one item at
a time with ``jnp.where`` (the first best item wins, as in Python); Python's own builtin
where no key is traced.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from conftest import assert_tree_close
from test_standalone_issue14 import standalone

PROGRAMS = """
    import numpy as np

    def argmin_by_key(a):                       # m023
        i = min(range(len(a)), key=lambda k: a[k])
        return i

    def sorted_array(xs):                       # m024
        s = sorted(xs)
        return s[0], s[-1]

    def order_by_values(x):                     # q126
        idx = sorted(range(3), key=lambda i: x[i])
        return idx

    def reversed_with_ties(x):
        return sorted([x[0], x[1], x[2], x[0]], reverse=True)

    def stable_reverse(x):
        return sorted(range(4), key=lambda i: x[i] > 1.5, reverse=True)

    def max_pair(x):
        pairs = [(x[0], 1.0), (x[1], 2.0), (x[2], 3.0)]
        return max(pairs, key=lambda p: p[0])

    def first_of_equal_keys(x):
        return max(range(3), key=lambda i: abs(x[i]))

    def two_arguments(a, b):
        return max(a, b, key=abs)

    def empty_with_default(x):
        return min([], key=abs, default=-1)

    def in_a_loop(x):
        total = 0.0
        for row in x:
            total += max(range(2), key=lambda j: row[j])
        return total
    """

CASES = [
    ("argmin_by_key", (np.array([3.0, 1.0, 2.0]),)),
    ("sorted_array", (np.array([3.0, 1.0, 2.0]),)),
    ("order_by_values", (np.array([3.0, 1.0, 2.0]),)),
    ("reversed_with_ties", (np.array([3.0, 1.0, 2.0]),)),
    ("stable_reverse", (np.array([1.0, 2.0, 1.0, 3.0]),)),
    ("max_pair", (np.array([3.0, 1.0, 3.0]),)),
    ("first_of_equal_keys", (np.array([-2.0, 2.0, 1.0]),)),
    ("two_arguments", (-3.0, 2.0)),
    ("two_arguments", (3.0, -3.0)),
    ("empty_with_default", (np.array([1.0]),)),
    ("in_a_loop", (np.array([[1.0, 2.0], [4.0, 3.0], [5.0, 5.0]]),)),
]


@pytest.fixture(scope="module")
def plain():
    return standalone(PROGRAMS)  # (a second run changes nothing: checked there)


@pytest.mark.parametrize("name, args", CASES)
def test_traced_keys_give_pythons_order(plain, name, args):
    python: dict = {}
    exec(textwrap.dedent(PROGRAMS), python)
    expected = python[name](*args)
    got = jax.jit(plain[name])(*(jnp.asarray(a) for a in args))
    assert_tree_close(expected, got, dtype=None)
    # Python values: Python's own builtin
    assert_tree_close(expected, plain[name](*args), dtype=None)


def test_the_output_names_the_helpers(plain):
    text = plain["__text__"]
    assert "s = _py2lax_sorted(xs)" in text
    assert "i = _py2lax_extremum(min, range(len(a)), key=lambda k: a[k])" in text


def test_static_items_keep_pythons_builtin():
    text = standalone("""
        def f(x):
            names = sorted(["b", "a", "c"], key=len)
            return x * len(names[0])
        """)["__text__"]
    assert "sorted(['b', 'a', 'c'], key=len)" in text or 'sorted(["b", "a", "c"], key=len)' in text


def test_a_loop_item_a_lambda_reads_keeps_its_type():
    """``f = lambda j: row[j]`` in the body of a loop lax runs: ``row`` is carried (the
    lambda reads it as a closure variable), typed by one iteration; the typing put the
    empty placeholder back afterwards (scan: carry input bool[0], output float32[2])."""
    source = """
        def g(x):
            total = 0.0
            for row in x:
                f = lambda j: row[j]
                total += f(0) * f(1)
            return total
        """
    python: dict = {}
    exec(textwrap.dedent(source), python)
    x = np.array([[1.0, 2.0], [4.0, 3.0]])
    assert_tree_close(python["g"](x), jax.jit(standalone(source)["g"])(jnp.asarray(x)),
                      dtype=None)


EDGES = """
    def f(w):
        edges = [(0, 1), (1, 2), (0, 2), (2, 3)]
        order = sorted(range(len(edges)), key=lambda k: edges[k][1] - edges[k][0])
        total = 0.0
        taken = 0
        for k in order:
            if w[k] > 0 and taken < 2:
                total += w[k]
                taken += 1
        return total, taken
    """


def test_python_items_with_a_python_key_keep_sorted_and_the_loop_over_them():
    """finder7 q168: Python's items (``range(len(edges))``) and a key reading only
    Python values keep ``sorted``, so the ``for k in order`` over its list stays Python;
    a first run's ``_py2lax_sorted(...)`` read again is a Python list too (the second
    run made the loop a scan: not a fixed point)."""
    plain = standalone(EDGES)  # (a second run changes nothing: checked there)
    assert "order = sorted(range(len(edges))" in plain["__text__"]
    assert "for k in order:" in plain["__text__"]
    python: dict = {}
    exec(textwrap.dedent(EDGES), python)
    w = np.array([1.0, -2.0, 3.0, 4.0])
    assert_tree_close(python["f"](w), jax.jit(plain["f"])(jnp.asarray(w)), dtype=None)
    again = standalone(EDGES.replace("order = sorted(", "order = _py2lax_sorted("))
    assert "for k in order:" in again["__text__"]
