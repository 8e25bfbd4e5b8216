"""Writes through a NumPy view that a local name holds (``row = grid[i]``, ``v = a[1:]``,
``r = a.ravel()``, ``b = a.T``, a view of a view, a helper's view of its parameter): NumPy
changes the array the view is a part of, so after ``autograph_jit`` the array must hold the
write too, when the written value is traced and the arrays become JAX arrays.

The oracle is the original function on NumPy arrays; ``convert`` on the same values and
``autograph_jit`` on jnp values must agree with it (``runtime/holders.written_into_view``).
Before, most of these were refused, and ``a[2] = ...`` after a write through ``v = a[1:3]``,
or ``left = u[:1]`` after ``u[1:-1] = u0``, gave a silently different answer.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_tree_close

import py2lax


def slice_view_under_if(x):
    a = np.zeros(4)
    v = a[1:]
    if x > 0:
        v[0] = x
    return a

def row_view_in_loop(x):
    M = np.zeros((2, 2))
    row = M[0]
    for j in range(2):
        if x > j:
            row[j] = x
    return M

def ravel_view(x):
    a = np.zeros((2, 2))
    r = a.ravel()
    if x > 0:
        r[3] = x
    return a

def transpose_view(x):
    a = np.zeros((2, 3))
    b = a.T
    b[1, 0] = x
    return a

def reshape_view(x):
    a = np.zeros(4)
    m = a.reshape(2, 2)
    m[1, 0] = x
    return a, m

def view_then_root_write(x):
    a = np.zeros(4)
    v = a[1:3]
    v[0] = x
    a[2] = x * 2
    return a, v

def row_iadd(x):
    M = np.ones((2, 2))
    row = M[1]
    row += x
    return M

def row_straight_traced(x):
    g = np.zeros((3, 3))
    for i in range(3):
        row = g[i]
        row[i] = x * i
    return g

def view_of_param(g, x):
    row = g[1]
    row[0] = x
    return g.sum(), row

def ghost_cells(u0):
    u = np.zeros(6)
    u[1:-1] = u0
    left = u[:1]
    right = u[-1:]
    left[0] = u[1]
    right[0] = u[-2]
    return u

def two_views(x):
    a = np.zeros(4)
    p = a[:2]
    q = a[1:3]
    p[1] = x
    return q[0], a

def view_written_in_while(x, n):
    a = np.zeros(3)
    v = a[1:]
    i = 0
    while i < n:
        v[0] = v[0] + x
        i += 1
    return a


def fill_row(M, i, x):
    row = M[i]
    row[:] = x

def helper_writes_through_view(x):
    M = np.zeros((2, 3))
    fill_row(M, 1, x)
    return M

def bump_first(v, x):
    head = v[:1]
    head += x

def helper_iadd_view(x):
    a = np.ones(3)
    bump_first(a, x)
    return a

def root_rebound(x):
    g = np.zeros(3)
    row = g[1:]
    g = g + 1.0
    row[0] = x
    return g, row

def view_in_while_cond(x, n):
    a = np.zeros(3)
    v = a[:2]
    while a[0] < n:
        v[0] = v[0] + x
    return a

def param_view(g, x):
    row = g[1]
    row[0] = x
    return g

def view_returned_only(x):
    a = np.zeros(3)
    v = a[1:]
    if x > 0:
        v[1] = x
    return v

def two_level_under_if(x):
    M = np.zeros((3, 3))
    block = M[1:]
    row = block[0]
    if x > 1:
        row[2] = x
    return M, block

def view_iadd_in_traced_loop(x, n):
    a = np.zeros(4)
    v = a[2:]
    for i in range(n):
        v += x
    return a


def second_name_for_an_array(x):
    lo = hi = np.zeros(2, np.float32)
    if x > 0:
        hi[0] = x
    return lo


def accumulator_second_name(v):
    acc = np.zeros(2, np.float32)
    total = acc
    for x in v:
        if x[0] > 0:
            acc += x
    return total


def parted_names(x):
    prev = np.zeros(2)
    cur = prev
    cur = cur + 1.0
    cur[0] = x
    return prev, cur


CASES = [
    (slice_view_under_if, (2.0,)), (slice_view_under_if, (-1.0,)),
    (row_view_in_loop, (1.5,)), (row_view_in_loop, (5.0,)),
    (ravel_view, (2.0,)), (ravel_view, (-2.0,)),
    (transpose_view, (3.0,)), (reshape_view, (3.0,)), (view_then_root_write, (3.0,)),
    (row_iadd, (2.0,)), (row_straight_traced, (2.0,)), (ghost_cells, (np.arange(4.0),)),
    (two_views, (5.0,)), (view_written_in_while, (1.5, 3)), (view_written_in_while, (1.5, 0)),
    (helper_writes_through_view, (2.0,)), (helper_iadd_view, (2.0,)), (root_rebound, (3.0,)),
    (view_in_while_cond, (1.5, 4.0)), (param_view, (np.zeros((2, 2)), 5.0)),
    (view_returned_only, (2.0,)), (view_returned_only, (-2.0,)),
    (two_level_under_if, (2.0,)), (two_level_under_if, (0.0,)),
    (view_iadd_in_traced_loop, (1.5, 3)), (view_iadd_in_traced_loop, (1.5, 0)),
    (second_name_for_an_array, (2.0,)), (second_name_for_an_array, (-2.0,)),
    (accumulator_second_name, (np.array([[1.0, 2.0], [-1.0, 5.0], [3.0, 0.5]]),)),
    (parted_names, (4.0,)),
]


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize("function, args", CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)])
def test_a_write_through_a_view_reaches_its_array(function, args):
    expected = function(*_copies(args))
    assert_tree_close(py2lax.convert(function)(*_copies(args)), expected)
    jitted = py2lax.autograph_jit(function)(
        *[jnp.asarray(a, jnp.float32) if isinstance(a, (np.ndarray, float)) else a
          for a in args])
    assert_tree_close(jitted, expected, rtol=1e-5, atol=1e-5)


def test_a_write_through_a_loop_item_of_a_traced_scan_stays_refused():
    """``for p, v in zip(pos, vel): p += v`` over traced rows: the scan's item is no
    view py2lax can place in ``pos``, so the write is refused at its line, not lost."""
    def rows_of_zip_iadd(pos, vel):
        pos = pos.copy()
        for p, v in zip(pos, vel):
            p += v
        return pos

    with pytest.raises(py2lax.InPlaceArgumentError, match="p \\+= v"):
        py2lax.autograph_jit(rows_of_zip_iadd)(jnp.ones((2, 2)), jnp.ones((2, 2)))
