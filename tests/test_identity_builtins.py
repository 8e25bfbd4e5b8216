"""Python's builtins on an object a traced ``if`` chose (``t = a; if x > 0: t = b``).

``setattr(t, "n", v)`` is the same write as ``t.n = v`` and now reaches the chosen
object (``py2lax.setattr_``; it reached neither ``a`` nor ``b``). ``id(t)`` and
``t is a`` on a list the condition chose cannot be answered: the compiled program's
object is a new one, so ``id(t) == id(a)`` and ``t is a`` were always False (silent wrong
answers); they are now refused at the choice's line.
"""

from __future__ import annotations

import re

import jax.numpy as jnp
import pytest

import py2lax
from conftest import assert_tree_close


class C:
    def __init__(self, n):
        self.n = n


def setattr_after_choice(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    setattr(t, "n", t.n + 3.0)
    return a.n, b.n


def setattr_from_a_closure(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b

    def bump(name):
        setattr(t, name, getattr(t, name) * 5.0)
    bump("n")
    return a.n, b.n


@pytest.mark.parametrize("function", [setattr_after_choice, setattr_from_a_closure])
@pytest.mark.parametrize("x", [3.0, -1.0])
def test_setattr_reaches_the_chosen_object(function, x):
    expected = function(x)
    assert py2lax.convert(function)(x) == expected
    assert_tree_close(py2lax.autograph_jit(function)(jnp.float32(x)), expected)


def id_after_choice(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    return 1.0 if id(t) == id(a) else 0.0


def list_is_after_choice(x):
    a, b = [1.0], [2.0]
    t = a
    if x > 0:
        t = b
    return 1.0 if t is a else 0.0


@pytest.mark.parametrize("function, error, text", [
    (id_after_choice, py2lax.TracedValueError, "`id(t)`"),
    (list_is_after_choice, py2lax.OuterWriteError, "`is`"),
])
def test_what_only_the_running_program_knows_is_refused_at_the_choice(function, error, text):
    for x in (3.0, -1.0):
        assert py2lax.convert(function)(x) == function(x)
    with pytest.raises(error, match=re.escape(text)) as caught:
        py2lax.autograph_jit(function)(jnp.float32(-1.0))
    assert caught.value.location is not None and caught.value.location.line > 0
    assert "if x > 0" in str(caught.value)
