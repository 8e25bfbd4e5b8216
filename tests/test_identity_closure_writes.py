"""A closure (or a global's object) changed through a name the function does not bind,
after a traced ``if`` chose the object.

``t = a``, ``if x > 0: t = b``, then ``def bump(): t.n = t.n + 7.0``: in Python the
write lands in ``a`` or ``b``. The compiled ``t`` is a new object standing for the one
the condition chose (``runtime/identity.py``); the closure's ``t.n = ...`` was left as
Python's attribute write, which the choice never saw, so neither ``a`` nor ``b`` changed
(ob's w014). Writes through a free variable or a global are now ``py2lax.setattr_``
calls, like writes through the function's own names.
"""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax
from conftest import assert_tree_close


class C:
    def __init__(self, n):
        self.n = n


def closure_assigns(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b

    def bump():
        t.n = t.n + 7.0
    bump()
    return a.n, b.n


def closure_adds_twice(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b

    def bump(k):
        t.n += k
    bump(2.0)
    bump(3.0)
    return a.n, b.n, t.n


def closure_made_before_the_choice(x):
    a, b = C(1.0), C(2.0)
    t = a

    def bump():
        t.n = t.n * 3.0
    if x > 0:
        t = b
    bump()
    return a.n, b.n


def lambda_calls_a_method(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    g = lambda k: setattr_through(t, k)  # noqa: E731
    g(4.0)
    return a.n, b.n


def setattr_through(obj, k):
    obj.n = obj.n - k


@pytest.mark.parametrize("function", [closure_assigns, closure_adds_twice,
                                      closure_made_before_the_choice, lambda_calls_a_method])
@pytest.mark.parametrize("x", [3.0, -1.0])
def test_a_closure_changes_the_object_the_condition_chose(function, x):
    expected = function(x)
    assert py2lax.convert(function)(x) == expected
    assert_tree_close(py2lax.autograph_jit(function)(jnp.float32(x)), expected)


SHARED = C(1.0)


def global_chosen(x):
    t = C(0.0)
    if x > 0:
        t = SHARED

    def bump():
        t.n = t.n + 1.0
    bump()
    return SHARED.n + 0.0, t.n


def test_a_global_object_the_condition_chose_gets_the_closure_write_where_chosen():
    SHARED.n = 1.0
    expected = global_chosen(3.0)
    SHARED.n = 1.0
    result = py2lax.autograph_jit(global_chosen)(jnp.float32(-3.0))
    assert_tree_close(result, (1.0, 1.0))
    SHARED.n = 1.0
    result = py2lax.autograph_jit(global_chosen)(jnp.float32(3.0))
    assert_tree_close(result, expected)
    SHARED.n = 1.0  # (jit leaves JAX's traced value in a global's attribute, as jax.jit does)
