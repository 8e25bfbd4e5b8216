"""``range(a, b, step)`` with a traced ``step``: a zero step raises Python's ValueError
when the compiled program runs (it computed a trip count of 0 and skipped the loop
silently; finder12 r017); other steps keep Python's iterations."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import pytest

import py2lax


def sum_over_stepped_range(a, step):
    s = 0
    for i in range(0, a, step):
        s += i
    return s


@pytest.mark.parametrize("a, step", [(10, 3), (10, -2), (-10, -3), (0, 1), (7, 7)])
def test_traced_step_matches_python(a, step):
    actual = py2lax.autograph_jit(sum_over_stepped_range)(jnp.int32(a), jnp.int32(step))
    assert int(actual) == sum_over_stepped_range(a, step)


def test_traced_zero_step_raises_pythons_error_when_run():
    with pytest.raises(ValueError, match="must not be zero"):
        sum_over_stepped_range(10, 0)
    with pytest.raises(Exception) as caught:
        jax.block_until_ready(
            py2lax.autograph_jit(sum_over_stepped_range)(jnp.int32(10), jnp.int32(0)))
    assert "range() arg 3 must not be zero" in str(caught.value)


def test_no_zero_step_in_a_batch_raises_nothing_under_vmap():
    """The check gets the step itself: under vmap a cond on a batched condition runs both
    branches, and the check raised for every batch."""
    steps = jnp.asarray([2, 3, 1], jnp.int32)
    actual = jax.vmap(lambda s: py2lax.convert(sum_over_stepped_range)(jnp.int32(10), s))(steps)
    assert [int(a) for a in actual] == [sum_over_stepped_range(10, int(s)) for s in steps]
