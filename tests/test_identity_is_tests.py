"""``t is a``, ``t in [a, b]`` and ``t == a`` after a traced ``if`` chose ``t``.

``t = a`` then ``if x > 0: t = b``: Python's ``t`` is ``a`` or ``b``; the compiled
program's ``t`` is a new object standing for the chosen one (``runtime/identity.py``),
so ``t is a`` was always False, and ``t in [a, c]`` and ``t == a`` (identity for a class
without ``__eq__``) with it: silent wrong answers (ob's w020). The tests are now
``py2lax.runtime.same_object``/``contains``/``equal`` (``transforms/identity_checks.py``):
traced bools where the condition decides, Python's answer on Python values.
"""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax
from conftest import assert_tree_close


class C:
    def __init__(self, n):
        self.n = n


class Outer:
    def __init__(self, inner):
        self.inner = inner


def is_after_choice(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    t.n = t.n + 1.0
    same = 1.0 if t is a else 0.0
    return same, a.n, b.n


def is_not_picks_a_branch(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
        t.n = t.n * 3.0
    if t is not a:
        y = x + 1.0
    else:
        y = x - 1.0
    return y, a.n, b.n


def two_choices(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    u = a
    if x > 1:
        u = b
    return 1.0 if t is u else 0.0


def is_in_a_loop(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    total = 0.0
    for o in [a, b]:
        if o is t:
            total = total + o.n
    return total


def closure_tests(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b

    def check():
        return 1.0 if t is b else 0.0
    return check() + (lambda: 10.0 if t is a else 0.0)()


def attribute_is(x):
    i1, i2 = C(1.0), C(2.0)
    o = Outer(i1)
    if x > 0:
        o.inner = i2
    o.inner.n = o.inner.n + 5.0
    return i1.n, i2.n, (1.0 if o.inner is i1 else 0.0)


def membership(x):
    a, b, c = C(1.0), C(2.0), C(3.0)
    t = a
    if x > 0:
        t = b
    found = 1.0 if t in [a, c] else 0.0
    missing = 1.0 if t not in (b,) else 0.0
    return found, missing


def membership_of_sets_and_dicts(x):
    a, b, c = C(1.0), C(2.0), C(3.0)
    t = a
    if x > 0:
        t = b
    return (1.0 if t in {a, c} else 0.0), (1.0 if t not in {b: 1} else 0.0)


def counted(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    return [a, b, a].count(t) + 0.0, (t, b).count(b) + 0.0, "abab".count("ab")


def equality_without_eq(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    return (1.0 if t == a else 0.0), (1.0 if t != b else 0.0)


class Same(C):
    def same(self, other):
        return 1.0 if self is other else 0.0


def method_compares_self(x):
    a, b = Same(1.0), Same(2.0)
    t = a
    if x > 0:
        t = b
    return t.same(a), a.same(t), b.same(t)


def alias_of_the_chosen(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    u = t
    u.n = u.n * 10.0
    return a.n, b.n, (1.0 if u is a else 0.0), (1.0 if u == b else 0.0)


@pytest.mark.parametrize("function", [alias_of_the_chosen, method_compares_self,
                                      is_after_choice, is_not_picks_a_branch, two_choices,
                                      is_in_a_loop, closure_tests, attribute_is, membership,
                                      membership_of_sets_and_dicts, counted,
                                      equality_without_eq])
@pytest.mark.parametrize("x", [3.0, 0.5, -1.0])
def test_identity_after_a_traced_choice_is_pythons(function, x):
    expected = function(x)
    assert py2lax.convert(function)(x) == expected
    assert_tree_close(py2lax.autograph_jit(function)(jnp.float32(x)), expected)


class Valued:
    def __init__(self, n):
        self.n = n

    def __eq__(self, other):
        return self.n == other.n


def plain_values(x, a, b, c):
    """On values no traced choice made, the tests are Python's own."""
    d, e = a, c
    v, w = Valued(1.0), Valued(1.0)
    if x > 0:
        d, e = b, a
        w = Valued(2.0)
    return (d is a, d is not c, d == c, e == a, d in [c, b], e not in [c], d is e,
            w == v, w != v, w in [Valued(2.0)], v not in [w])


def test_identity_tests_on_python_values_are_pythons():
    a, b, c = [1], [2], [1]
    for x in (1.0, -1.0):
        assert py2lax.convert(plain_values)(x, a, b, c) == plain_values(x, a, b, c)
    source = py2lax.to_source(plain_values)
    assert "same_object(d, a)" in source and "contains(d, [c, b])" in source
