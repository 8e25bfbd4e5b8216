"""``obj[i] = v`` on an object of the user's runs its ``__setitem__`` converted.

The write into its NumPy attribute (``self.a[i] = v``) then takes a traced value as any
converted write does (the attribute becomes a JAX array), under a traced ``if`` too;
unconverted, it raised JAX's raw "JAX arrays are immutable" TypeError.
"""

import jax
import numpy as np
import pytest

import py2lax


class Mat:
    def __init__(self, n):
        self.a = np.zeros(n)

    def __setitem__(self, i, v):
        self.a[i] = v

    def __getitem__(self, i):
        return self.a[i]


class Grid:
    def __init__(self, n):
        self.a = np.zeros((n, n))

    def __setitem__(self, ij, v):
        i, j = ij
        if v < 0:  # traced: converted as any method is
            v = 0.0
        self.a[i, j] = v


def set_under_traced_if(x):
    m = Mat(2)
    if x > 0:
        m[0] = x
    return m.a


def augmented(x):
    m = Mat(2)
    m[1] = x
    m[1] += 1.0
    return m.a, m[1]


def clamped_grid(x):
    grid = Grid(2)
    grid[0, 1] = x
    if x > 1:
        grid[1, 0] = -x
    return grid.a


@pytest.mark.parametrize("function", [set_under_traced_if, augmented, clamped_grid])
@pytest.mark.parametrize("x", [2.0, -1.0])
def test_user_setitem_matches_python(function, x):
    expected = jax.tree_util.tree_leaves(function(x))
    got = jax.tree_util.tree_leaves(py2lax.autograph_jit(function)(x))
    for e, g in zip(expected, got, strict=True):
        np.testing.assert_allclose(np.asarray(g), e)
    converted = jax.tree_util.tree_leaves(py2lax.convert(function)(x))
    for e, g in zip(expected, converted, strict=True):
        np.testing.assert_allclose(np.asarray(g), e)
