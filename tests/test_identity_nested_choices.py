"""An object chosen by a traced ``if`` nested in another traced ``if``'s branch.

``t = a``, ``if x > 0: t = b`` and inside it ``if x > 2: t = c``: Python's ``t`` is
``a``, ``b`` or ``c``. The inner statement's choice stayed inside the outer branch: the
outer branch gave a new object, which the outer choice took for one the branch made, so
a later ``t.n = ...`` reached none of ``b`` and ``c`` and ``t is c`` was False (a silent
wrong answer), or the inner write-back left the branch's traced values in ``c`` (JAX's
UnexpectedTracerError). The outer branch now gives the inner choice's code mapped to its
own candidates (``runtime/identity.chosen_code``), and objects from outside both
statements are written once, by the outer statement.
"""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax
from conftest import assert_tree_close


class C:
    def __init__(self, n):
        self.n = n


def nested_in_true(x):
    a, b, c = C(1.0), C(2.0), C(3.0)
    t = a
    if x > 0:
        t = b
        if x > 2:
            t = c
            t.n = t.n + 0.5
    t.n = t.n * 2.0
    return a.n, b.n, c.n, t.n, (1.0 if t is c else 0.0), (1.0 if t is b else 0.0)


def nested_in_else(x):
    a, b, c = C(1.0), C(2.0), C(3.0)
    t = a
    if x > 0:
        t = b
    else:
        if x < -2:
            t = c
    t.n = t.n + 10.0
    return a.n, b.n, c.n, (1.0 if t is a else 0.0)


def three_levels(x):
    a, b, c, d = C(1.0), C(2.0), C(3.0), C(4.0)
    t = a
    if x > 0:
        t = b
        if x > 2:
            t = c
            if x > 4:
                t = d
    t.n = t.n + 100.0
    return a.n, b.n, c.n, d.n, (1.0 if t is c else 0.0)


def inner_makes_a_new_one(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
        if x > 2:
            t = C(7.0)
    t.n = t.n + 1.0
    return a.n, b.n, t.n, (1.0 if t is b else 0.0)


@pytest.mark.parametrize("function", [nested_in_true, nested_in_else, three_levels,
                                      inner_makes_a_new_one])
@pytest.mark.parametrize("x", [5.0, 3.0, 1.0, -1.0, -3.0])
def test_a_nested_choice_keeps_pythons_objects(function, x):
    expected = function(x)
    assert py2lax.convert(function)(x) == expected
    assert_tree_close(py2lax.autograph_jit(function)(jnp.float32(x)), expected)
