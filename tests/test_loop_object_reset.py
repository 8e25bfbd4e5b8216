"""A traced loop that changes an object and then gives its name a new one (the reset
pattern ``if acc.total > limit: acc = Acc()``).

A compiled loop is traced once, so the first iteration's change to the object the loop
started with cannot be made again in later iterations. That matters only when another
name reaches that object (``first = acc`` before the loop): then the loop is refused with
a located error. When the name alone holds its objects, nobody can see the difference,
and the loop converts with Python's answer.
"""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax
from conftest import assert_tree_close


class Acc:
    def __init__(self):
        self.total = 0.0
        self.count = 0

    def add(self, v):
        self.total = self.total + v
        self.count += 1


def reset_in_for(x, n):
    acc = Acc()
    resets = 0
    for i in range(n):
        acc.add(x * i)
        if acc.total > 5.0:
            acc = Acc()
            resets += 1
    return acc.total, acc.count, resets


def reset_in_while(x):
    acc = Acc()
    while x < 20.0:
        acc.add(x)
        x = x * 2.0
        if acc.count >= 2:
            acc = Acc()
    return acc.total, acc.count, x


def attribute_written_then_reset(x, n):
    state = Acc()
    for _ in range(n):
        state.total = state.total + x
        if state.total > 10.0:
            state = Acc()
    return state.total


def reset_with_a_second_holder(x, n):
    acc = Acc()
    first = acc
    for _ in range(n):
        acc.add(x)
        if acc.total > 5.0:
            acc = Acc()
    return acc.total, first.total


@pytest.mark.parametrize("function, python_args, jax_args", [
    (reset_in_for, (1.5, 6), (jnp.float32(1.5), jnp.int32(6))),
    (reset_in_while, (1.0,), (jnp.float32(1.0),)),
    (attribute_written_then_reset, (3.0, 7), (jnp.float32(3.0), jnp.int32(7))),
], ids=lambda v: getattr(v, "__name__", None))
def test_an_object_only_its_name_holds_may_be_reset_in_a_traced_loop(
        function, python_args, jax_args):
    assert_tree_close(function(*python_args), py2lax.autograph_jit(function)(*jax_args),
                      dtype=None)


def test_a_reset_another_name_would_see_is_refused_at_the_loop():
    with pytest.raises(py2lax.CarryTypeError) as caught:
        py2lax.autograph_jit(reset_with_a_second_holder)(jnp.float32(3.0), jnp.int32(4))
    assert caught.value.location.filename == __file__
    assert caught.value.names == ("acc",)
