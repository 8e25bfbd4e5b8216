"""Which object a name holds after a traced ``if``: kept in one branch, a new one in the
other, while another name (a variable, an attribute, a list) holds the first.

``keep = c`` then ``if x > 0: c = C() else: c.n = -x``: in Python ``keep`` sees the
change exactly when the false branch ran, and ``c`` is the new object otherwise. lax
returns values, so each branch also says which object its result is
(``runtime/identity.Identity``): the objects the statement received end as Python leaves
them (the branch's values where the condition chose them), the name gets an object with
the chosen values, and a later change through the name is made in the chosen one too.
Before, the write-back could not tell the objects apart: ``keep`` kept its old values, or
took the new object's (finder9 o010, o011, p003).
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from conftest import assert_tree_close
from py2lax.diagnostics.errors import OuterWriteError


class C:
    def __init__(self, n=0.0):
        self.n = n


class Holder:
    def __init__(self, c):
        self.c = c


@dataclasses.dataclass
class P:
    x: float
    y: float


def rebound_in_true_changed_in_false(x):
    c = C()
    keep = c
    if x > 0:
        c = C()
        c.n = x
    else:
        c.n = -x
    return keep.n, c.n


def changed_in_true_rebound_in_false(x):
    c = C()
    keep = c
    if x > 0:
        c.n = x
    else:
        c = C()
        c.n = -x
    return keep.n, c.n


def rebound_then_changed_after(x):
    c = C(1.0)
    keep = c
    if x > 0:
        c = C(x)
    c.n = c.n + 1.0
    return keep.n, c.n


def held_by_an_attribute(x):
    c = C()
    h = Holder(c)
    if x > 0:
        c.n = x
    else:
        c = C(7.0)
    return h.c.n, c.n


def held_by_a_list(x):
    c = C()
    items = [c]
    if x > 0:
        c.n = x
    else:
        c = C(3.0)
    return items[0].n, c.n


def _set_or_make(c, x):
    if x > 0:
        c.n = x
    else:
        c = C(2.0)
    return c.n


def a_helper_rebinds_its_parameter(x):
    c = C()
    r = _set_or_make(c, x)
    return r, c.n


def chosen_between_two_objects(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    t.n = t.n + 10.0
    return a.n, b.n, t.n


def chosen_then_changed_in_a_traced_if(x):
    a, b = C(1.0), C(2.0)
    t = a
    if x > 0:
        t = b
    if x > 1:
        t.n = 5.0
    return a.n, b.n, t.n


def rebound_in_a_nested_if(x):
    c = C()
    keep = c
    if x > 0:
        if x > 2:
            c = C()
        c.n = x
    return keep.n, c.n


def dataclass_rebound(x):
    p = P(0.0, 0.0)
    q = p
    if x > 0:
        p.x = x
    else:
        p = P(x, x)
    return q.x, p.x


class Outer:
    def __init__(self):
        self.inner = C(0.0)


def an_attributes_object_rebound(x):
    o = Outer()
    keep = o.inner
    if x > 0:
        o.inner.n = x
    else:
        o.inner = C(5.0)
    return keep.n, o.inner.n


def rebound_in_a_traced_loop(v):
    c = C()
    keep = c
    for i in range(v.shape[0]):
        if v[i] > 0:
            c.n = c.n + v[i]
        if v[i] > 2:
            c = C()
    return keep.n, c.n


def rebound_in_a_while(x):
    c = C(x)
    keep = c
    k = 0
    while k < 3:
        if c.n > 5.0:
            c = C(0.0)
        c.n = c.n + 2.0
        k += 1
    return keep.n, c.n


CASES = [
    (rebound_in_true_changed_in_false, [3.0, -1.0]),
    (changed_in_true_rebound_in_false, [3.0, -1.0]),
    (rebound_then_changed_after, [3.0, -1.0]),
    (held_by_an_attribute, [3.0, -1.0]),
    (held_by_a_list, [3.0, -1.0]),
    (a_helper_rebinds_its_parameter, [3.0, -1.0]),
    (chosen_between_two_objects, [3.0, -1.0]),
    (chosen_then_changed_in_a_traced_if, [3.0, 0.5, -1.0]),
    (rebound_in_a_nested_if, [3.0, 1.0, -1.0]),
    (dataclass_rebound, [3.0, -1.0]),
    (rebound_in_a_while, [3.0, -1.0]),
    (an_attributes_object_rebound, [3.0, -1.0]),
]


@pytest.mark.parametrize("function, inputs", CASES, ids=[c[0].__name__ for c in CASES])
def test_every_name_sees_pythons_object(function, inputs):
    jitted = py2lax.autograph_jit(function)
    for x in inputs:
        assert_tree_close(jitted(jnp.float32(x)), function(x))


@pytest.mark.parametrize("v", [[1.0, -1.0, 3.0], [1.0, 1.0]])
def test_a_loop_that_sometimes_rebinds(v):
    v = np.array(v)
    got = py2lax.autograph_jit(rebound_in_a_traced_loop)(jnp.asarray(v))
    assert_tree_close(got, rebound_in_a_traced_loop(v))


def labelled_after_a_choice(x):
    c = C()
    c.label = "start"
    keep = c
    if x > 0:
        c = C(x)
        c.label = "start"
    c.label = "changed"
    return keep.n, c.n


def test_a_change_the_choice_cannot_follow_is_refused_at_the_if():
    with pytest.raises(OuterWriteError) as caught:
        py2lax.autograph_jit(labelled_after_a_choice)(jnp.float32(1.0))
    message = str(caught.value)
    assert "test_objects_s10_identity.py" in message and "'c'" in message
    assert "label" in message
