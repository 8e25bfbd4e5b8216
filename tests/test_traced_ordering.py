"""``sorted(...)`` and ``list.sort()`` by traced values give Python's order under jit.

A stable ``jnp.argsort`` of the keys (runtime/ordering.py): equal keys keep their
original order, with ``reverse=True`` too, as in Python. Python is the oracle.
"""

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import py2lax


def by_key(a, b, c):
    levels = [a, b, c]
    ranked = sorted(levels, key=lambda t: -t)
    levels.sort()
    return ranked[0] + levels[0] * 2.0, ranked, levels


def top_two(xs):
    doubled = [x * 2 for x in xs]
    doubled.sort(reverse=True)
    return doubled, sorted(xs)[-2:]


def median_of_three(x, y, z):
    middle = sorted([x, y, z])[1]
    if middle > 0:
        return middle
    return -middle


def ties_keep_their_order(xs):
    keyed = [x * 10.0 for x in xs]
    return sorted(keyed, key=lambda v: abs(v) // 10, reverse=True)


def _same(expected, got):
    expected = jax.tree_util.tree_leaves(jax.tree_util.tree_map(np.asarray, expected))
    got = jax.tree_util.tree_leaves(jax.tree_util.tree_map(np.asarray, got))
    assert len(expected) == len(got)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-6)


@pytest.mark.parametrize(("function", "args"), [
    (by_key, (1.0, -2.0, 0.5)),
    (top_two, (np.array([0.3, -1.0, 2.0]),)),
    (median_of_three, (0.5, -1.0, 2.0)),
    (median_of_three, (-0.5, -1.0, 2.0)),
    (ties_keep_their_order, (np.array([1.0, -1.0, 2.5, 1.5]),)),
])
def test_order_matches_python(function, args):
    expected = function(*args)
    _same(expected, py2lax.autograph_jit(function)(*args))
    _same(expected, py2lax.convert(function)(*args))


def test_items_python_cannot_order_by_value_keep_the_located_error():
    def first_label(x):
        pairs = [(x, "a"), (-x, "b")]
        return sorted(pairs)[0][1]

    with pytest.raises(py2lax.TracedValueError, match="orders Python items"):
        py2lax.autograph_jit(first_label)(1.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=6), st.booleans())
def test_stable_order_with_repeated_keys(values, reverse):
    def order(xs):
        return sorted(list(xs), key=lambda v: v % 3, reverse=reverse)

    xs = np.array(values, np.int32)
    _same(order(xs), py2lax.autograph_jit(order)(xs))
