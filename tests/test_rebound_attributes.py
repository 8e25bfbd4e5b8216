"""An attribute (or item) that a traced branch gives a new value is rebound, not written
in place: every other name, list item or dict value holding the old value keeps it, as
in Python (``st.p = c`` then ``if t > 0: self.p = self.p * 0.5`` leaves ``c`` alone).

A branch's body changes the objects it receives; what they held before it ran, not after,
decides which arrays a branch left at their places (holders.arguments_at_entry).
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from conftest import assert_tree_close


@dataclasses.dataclass
class State:
    p: object
    q: object = 0.0

    def bump(self, t):
        self.q = self.q + t
        if t > 0.0:
            self.p = self.p * 0.5


class Point:
    def __init__(self, p, q):
        self.p = p
        self.q = q

    def move(self, t):
        if t > self.p:
            self.p = self.p + t * 0.5
        else:
            self.q = self.q - t * 0.25
        return self


def shift_if(point, t):
    if t > 0.0:
        point.q = point.q + t


def method_rebinds_a_shared_value(x, y):
    c = jnp.tanh(y + x)
    st = State(x + 0.0)
    st.p = c
    st.bump(y)
    return c, st.p


def list_item_holds_the_value(x, y):
    b = y - 0.25
    items = [x, b]
    point = Point(x, b)
    point.move(y)
    return items[1], point.q, point.p


def dict_value_holds_the_value(x, y):
    b = y - 0.25
    table = {"k": b}
    point = Point(x, b)
    shift_if(point, x)
    return table["k"], point.q


def rebound_in_a_loop(x, n):
    c = x * 2.0
    st = State(c)
    for _ in range(n):
        st.bump(x)
    return c, st.p, st.q


@pytest.mark.parametrize("function, args", [
    (method_rebinds_a_shared_value, (0.3, 0.2)),
    (method_rebinds_a_shared_value, (0.3, -0.2)),
    (list_item_holds_the_value, (0.3, 0.9)),
    (list_item_holds_the_value, (0.3, -0.9)),
    (dict_value_holds_the_value, (0.3, 0.9)),
    (dict_value_holds_the_value, (-0.3, 0.9)),
    (rebound_in_a_loop, (0.5, 3)),
], ids=lambda v: getattr(v, "__name__", None))
def test_a_value_rebound_in_a_traced_branch_leaves_its_other_holders(function, args):
    expected = function(*(np.float32(a) if isinstance(a, float) else a for a in args))
    got = py2lax.autograph_jit(function)(*(jnp.asarray(a) for a in args))
    assert_tree_close(expected, got, dtype=None)
