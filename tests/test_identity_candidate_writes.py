"""A change through another name reaches the object a traced ``if`` chose.

``t = a`` then ``if x > 0: t = b``: Python's ``t`` is ``b`` or ``a``, so ``a.n = ...``
afterwards shows in ``t.n`` exactly when the condition kept ``a``. The compiled ``t`` is
a new object holding the chosen values (``runtime/identity.py``): a change through ``a``
reached only ``a``, and ``t.n`` kept the old value (a silent wrong answer, found with ob's
w014/w020 variations). The chosen object now takes the candidate's new value where the
condition chose that candidate, whether ``a`` is changed by a statement of the function,
by a method, or by the write-back of a later traced ``if``.
"""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax
from conftest import assert_tree_close


class C:
    def __init__(self, n):
        self.n = n

    def grow(self, k):
        self.n = self.n * k


def assigned_through_the_candidate(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    a.n = a.n + 100.0
    return t.n, a.n, b.n


def method_through_the_candidate(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    b.grow(10.0)
    return t.n, (lambda: t.n + 0.5)()


def later_traced_if_through_the_candidate(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    if x > 2:
        a.n = x
    else:
        b.n = -x
    return t.n, a.n, b.n


@pytest.mark.parametrize("function", [assigned_through_the_candidate,
                                      method_through_the_candidate,
                                      later_traced_if_through_the_candidate])
@pytest.mark.parametrize("x", [3.0, 1.0, -1.0])
def test_the_chosen_object_shows_a_change_made_through_its_candidate(function, x):
    expected = function(x)
    assert py2lax.convert(function)(x) == expected
    assert_tree_close(py2lax.autograph_jit(function)(jnp.float32(x)), expected)
