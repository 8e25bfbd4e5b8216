"""A traced `assert` inside a traced `if` branch or a while body, under jax.vmap, fails
only for elements where Python runs it (vmap runs both branches of a batched cond)."""

import jax
import jax.numpy as jnp
import pytest

import py2lax


def doubled_if_positive(x):
    if x > 0.0:
        assert x > 0.0, "positive"
        x = x * 2.0
    return x


def count_to_ten(x):
    while x < 10:
        assert x < 10, "below ten"
        x += 1
    return x


def test_an_assert_in_a_branch_not_taken_does_not_fail():
    got = jax.vmap(py2lax.convert(doubled_if_positive))(jnp.array([-1.0, 2.0]))
    assert [float(v) for v in got] == [-1.0, 4.0]


def test_an_assert_in_a_finished_loop_body_does_not_fail():
    got = jax.vmap(py2lax.convert(count_to_ten))(jnp.array([8, 0]))
    assert [int(v) for v in got] == [10, 10]


def test_a_failing_assert_still_fails_under_vmap():
    def checked(x):
        if x > 0.0:
            assert x < 5.0, "too big"
        return x

    with pytest.raises(Exception, match="too big"):
        jax.block_until_ready(jax.vmap(py2lax.convert(checked))(jnp.array([-1.0, 7.0])))
