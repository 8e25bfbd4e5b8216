"""A Python list read or written at a traced position has Python's meaning under jit.

Histograms into a list of counts, union-find over a list of parents, a path filled in a
``while`` loop: the list keeps its length, so the traced position only chooses items
(runtime/list_positions.py, transforms/list_reads.py). Python, run on the same concrete
inputs, is the oracle.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import py2lax


def histogram(xs):
    h = [0, 0, 0, 0, 0]
    for x in xs:
        b = int(x * 5)
        if b > 4:
            b = 4
        h[b] += 1
    return h


def components(edges_a, edges_b):
    parent = list(range(6))
    for a, b in zip(edges_a, edges_b):
        ra = a
        while parent[ra] != ra:
            ra = parent[ra]
        rb = b
        while parent[rb] != rb:
            rb = parent[rb]
        if ra != rb:
            parent[ra] = rb
    return parent


def find(parent, i):
    while parent[i] != i:
        i = parent[i]
    return i


def components_by_helper(edges_a, edges_b):
    parent = list(range(6))
    for a, b in zip(edges_a, edges_b):
        ra = find(parent, a)
        rb = find(parent, b)
        if ra != rb:
            parent[ra] = rb
    return parent


def filled_path(x):
    path = [0.0, 0.0, 0.0]
    i = 0
    while i < 3:
        path[i] = x * i
        if path[i] > 2:
            break
        i += 1
    return path, i


def first_large(x):
    levels = [x, x * 2, x * 3]
    i = 0
    while i < 3 and levels[i] < 2.5:  # `levels[3]` is never read: `and` stops first
        i += 1
    return i


class Hist:
    def __init__(self, n):
        self.bins = [0] * n

    def add(self, v):
        i = 0
        if v > 0.5:
            i = 1
        self.bins[i] += 1


def method_histogram(xs):
    h = Hist(2)
    for x in xs:
        h.add(x)
    return h.bins


def pick(x, k):
    options = [x, x * 2.0, x * 3.0]
    return options[k] + options[-1]


def _same(expected, got):
    expected = jax.tree_util.tree_map(np.asarray, expected)
    got = jax.tree_util.tree_map(np.asarray, got)
    assert jax.tree_util.tree_structure(expected) == jax.tree_util.tree_structure(got)
    for e, g in zip(jax.tree_util.tree_leaves(expected), jax.tree_util.tree_leaves(got)):
        np.testing.assert_allclose(g, e, rtol=1e-6)


@pytest.mark.parametrize(("function", "args"), [
    (histogram, (np.array([0.1, 0.3, 0.9, 1.0, 0.6, 0.2]),)),
    (components, (np.array([0, 2, 4]), np.array([1, 3, 5]))),
    (components, (np.array([0, 1, 3]), np.array([1, 2, 4]))),
    (filled_path, (1.5,)),
    (filled_path, (0.1,)),
    (first_large, (0.5,)),
    (first_large, (1.0,)),
    (method_histogram, (np.array([0.1, 0.7, 0.9]),)),
    (pick, (1.0, -2)),
    (pick, (1.0, 1)),
])
def test_traced_position_gives_pythons_answer(function, args):
    expected = function(*args)
    _same(expected, py2lax.autograph_jit(function)(*args))
    _same(expected, py2lax.convert(function)(*args))  # Python values: Python itself


def test_a_position_outside_the_list_raises_pythons_index_error_when_run():
    with pytest.raises(IndexError, match="list index out of range"):
        pick(1.0, 5)
    with pytest.raises(Exception, match="list index out of range") as caught:
        jax.block_until_ready(py2lax.autograph_jit(pick)(1.0, 5))
    assert "test_list_positions.py" in str(caught.value)  # the user's line


def test_a_write_outside_the_list_raises_pythons_index_error_when_run():
    def put(x, k):
        levels = [0.0, 0.0]
        levels[k] = x
        return levels

    with pytest.raises(Exception, match="list assignment index out of range"):
        jax.block_until_ready(py2lax.autograph_jit(put)(1.0, 2))
    _same(put(1.0, -1), py2lax.autograph_jit(put)(1.0, -1))


def test_a_list_the_function_did_not_make_keeps_the_located_error():
    # (the helper's `parent` could be anything: its reads stay `parent[i]`)
    with pytest.raises(py2lax.TracedValueError, match="'parent'"):
        py2lax.autograph_jit(components_by_helper)(np.array([0, 2]), np.array([1, 3]))


def test_items_that_are_not_numbers_keep_the_located_error():
    def label(k):
        names = ["a", "b"]
        return len(names[k])

    with pytest.raises(py2lax.TracedValueError, match="names"):
        py2lax.autograph_jit(label)(jnp.int32(1))


# One jitted function for every drawn list: each length compiles once, not each example.
HISTOGRAM = py2lax.autograph_jit(histogram)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.0, 1.0, width=32), min_size=1, max_size=8))
def test_histogram_matches_python(values):
    xs = np.array(values, np.float32)
    _same(histogram(xs), HISTOGRAM(xs))


def drop_last_copy(a, b, c):
    levels = [a, b, c, a * 1.0]
    levels.remove(levels[-1])  # the first item equal to it: a traced position
    if a > 0:
        a = a * 2.0
    return sum(levels) + a, levels


def drop_value(xs, v):
    kept = [x for x in xs]
    kept.remove(v)
    return kept


@pytest.mark.parametrize(("function", "args"), [
    (drop_last_copy, (1.0, 2.0, 1.0)),
    (drop_last_copy, (3.0, 2.0, 1.0)),
    (drop_value, (np.array([1.0, 2.0, 3.0]), 2.0)),
    (drop_value, (np.array([2.0, 2.0, 3.0]), 2.0)),
])
def test_remove_by_traced_equality_gives_pythons_list(function, args):
    expected = function(*args)
    _same(expected, py2lax.autograph_jit(function)(*args))
    _same(expected, py2lax.convert(function)(*args))


def test_remove_of_a_missing_value_raises_value_error_when_run():
    with pytest.raises(Exception, match="not in list"):
        jax.block_until_ready(py2lax.autograph_jit(drop_value)(np.array([1.0, 2.0]), 5.0))


WEIGHTS = [0.5, 1.0, 2.0]
STAGES = (1.0, 2.0, 3.0)
GRID = np.arange(12.0).reshape(3, 4)


def weighted(x, i):
    return x * WEIGHTS[i]


def staged(x, n):
    s = 0.0
    for i in range(n):
        s = s + STAGES[i % 3] * x
    return s


def grid_cell(i, j):
    return GRID[i, j] + GRID[i, -1]


@pytest.mark.parametrize(("function", "args"), [
    (weighted, (1.0, 2)),
    (weighted, (1.0, -3)),
    (staged, (1.0, 5)),
    (grid_cell, (1, 2)),
    (grid_cell, (-1, 0)),
])
def test_module_level_tables_read_at_a_traced_position(function, args):
    _same(function(*args), py2lax.autograph_jit(function)(*args))


def test_a_module_table_read_outside_an_axis_raises_index_error_when_run():
    with pytest.raises(Exception, match="out of bounds for axis 1 with size 4"):
        jax.block_until_ready(py2lax.autograph_jit(grid_cell)(0, 7))
