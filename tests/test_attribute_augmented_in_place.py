"""``self.w *= k`` on an array attribute: NumPy changes the array object, so every name
holding it sees the change (the caller's ``w`` that built the object). Under jit the new
array is recorded as the old one's replacement and written back to its holders (before,
the caller's ``w`` stayed unchanged: a silent wrong answer; hp a26)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


class Model:
    def __init__(self, w):
        self.w = w

    def shrink(self, k):
        self.w *= k

    def shift(self, g):
        self.w -= 0.1 * g


def attribute_updated_in_place(w):
    m = Model(w)
    m.shrink(0.5)
    return m.w, w


def attribute_updated_in_a_loop(w, g):
    m = Model(w)
    for _ in range(5):
        m.shift(g)
    return m.w, w


@pytest.mark.parametrize("function, args", [
    (attribute_updated_in_place, ([1.0, 2.0],)),
    (attribute_updated_in_a_loop, ([1.0, 2.0], [0.5, -1.0])),
])
def test_an_attribute_updated_by_name_changes_the_array_other_names_hold(function, args):
    expected = function(*[np.array(a) for a in args])
    got = py2lax.autograph_jit(function)(*[jnp.array(a) for a in args])
    for want, have in zip(expected, got):
        np.testing.assert_allclose(np.asarray(have), want, rtol=1e-6)
