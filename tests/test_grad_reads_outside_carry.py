"""``jax.grad`` of a converted function whose loop with a traced ``break`` carries only
Python numbers but differentiates through what it iterates or reads: the loop has a
known length, so it runs as a masked scan and reverse mode goes through it (before, the
carry alone was looked at and the loop became a while_loop jax.grad refuses)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def sum_of_squares_until_negative(v):
    acc = 0.0
    for x in v:
        if x < 0:
            return acc
        acc = acc + x * x
    return acc


def weighted_until_threshold(w, limit):
    total = 0.0
    for i in range(6):
        total = total + w * i
        if i * 1.0 > limit:
            break
    return total


def reference_sum_of_squares(v):
    keep = np.cumsum(np.asarray(v) < 0) == 0
    return np.where(keep, 2.0 * np.asarray(v), 0.0)


@pytest.mark.parametrize("values", [[1.0, 2.0, -1.0, 3.0], [1.0, 2.0, 3.0], [-1.0, 2.0]])
def test_grad_through_items_iterated_by_a_loop_with_an_early_return(values):
    v = jnp.asarray(values, jnp.float32)
    converted = py2lax.convert(sum_of_squares_until_negative)
    assert float(converted(v)) == pytest.approx(sum_of_squares_until_negative(np.asarray(values)))
    np.testing.assert_allclose(jax.grad(converted)(v), reference_sum_of_squares(values), rtol=1e-6)


@pytest.mark.parametrize("limit", [-1.0, 2.5, 10.0])
def test_grad_through_a_value_the_loop_body_reads_from_the_function(limit):
    converted = py2lax.convert(weighted_until_threshold)
    # d total / d w is the sum of the i the loop reached, as Python computes it.
    expected = float(jax.grad(weighted_until_threshold)(1.5, limit))
    assert float(jax.grad(converted)(jnp.float32(1.5), limit)) == pytest.approx(expected)
    assert float(jax.grad(converted)(jnp.float32(1.5), jnp.float32(limit))) == pytest.approx(expected)
