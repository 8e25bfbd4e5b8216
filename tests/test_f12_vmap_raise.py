"""A user's `raise` under a traced condition, run under jax.vmap: it fires only for the
batch elements where Python would run it (vmap runs both branches of a cond on a batched
condition, and a while_loop's body for elements whose loop has ended)."""

import jax
import jax.numpy as jnp
import pytest

import py2lax


def raise_when_big(x):
    if x > 100.0:
        raise ValueError("too big")
    return x * 2.0


def raise_in_nested_branch(x):
    if x > 0.0:
        if x > 100.0:
            raise ValueError("too big")
        x = x + 1.0
    else:
        x = x - 1.0
    return x


def raise_in_else(x):
    if x < 100.0:
        x = x + 1.0
    else:
        raise ValueError("too big")
    return x


def raise_past_the_loops_end(x):
    while x < 10:
        if x >= 10:
            raise ValueError("never raised in Python")
        x += 1
    return x


def batched(function, values):
    return jax.block_until_ready(jax.vmap(py2lax.convert(function))(values))


@pytest.mark.parametrize("function", [raise_when_big, raise_in_nested_branch, raise_in_else])
def test_no_element_taking_the_raise_raises_nothing(function):
    values = jnp.array([-1.0, 2.0, 3.0])
    assert [float(v) for v in batched(function, values)] == [function(float(v)) for v in values]


@pytest.mark.parametrize("function", [raise_when_big, raise_in_nested_branch, raise_in_else])
def test_one_element_taking_the_raise_raises(function):
    with pytest.raises(Exception, match="too big"):
        batched(function, jnp.array([-1.0, 200.0]))


def test_a_finished_elements_loop_body_raises_nothing():
    values = jnp.array([8, 0])
    assert [int(v) for v in batched(raise_past_the_loops_end, values)] == [10, 10]


def test_loop_raise_still_fires_where_python_raises():
    def raise_at_five(n):
        i = 0
        while i < n:
            if i > 5:
                raise ValueError("past five")
            i += 1
        return i

    with pytest.raises(Exception, match="past five"):
        batched(raise_at_five, jnp.array([3, 8]))
