"""A static ``break`` taken in the first iteration of a static range longer than the
unroll limit. Under a trace that iteration runs apart, as Python (to see whether the
carry stays Python numbers); the rest of the loop must then not run at all. Before,
it ran the second iteration anyway: ``autograph_jit`` returned 2.0 where Python gives 1.0."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def sum_until_index(x, k):
    total = 0.0
    for i in range(6):
        total = total + i
        if i >= k:
            break
    return total + x


def collect_until_index(x, k):
    out = []
    for i in range(8):
        out.append(x * i)
        if i >= k:
            break
    return sum(out)


def scaled_until_threshold(w, limit):
    total = w * 0.0
    for i in range(6):
        total = total + w * i
        if i * 1.0 > limit:
            break
    return total


@pytest.mark.parametrize("function", [sum_until_index, collect_until_index])
@pytest.mark.parametrize("k", [0, 1, 4])
def test_static_break_matches_python_under_jit(function, k):
    expected = function(1.5, k)
    actual = py2lax.autograph_jit(function, static_argnums=1)(jnp.float32(1.5), k)
    assert float(actual) == pytest.approx(expected)


@pytest.mark.parametrize("limit", [-1.0, 0.5, 2.5])
def test_static_break_under_grad_and_jvp_without_jit(limit):
    converted = py2lax.convert(scaled_until_threshold)
    primal, tangent = jax.jvp(lambda w: converted(w, limit), (1.5,), (1.0,))
    assert float(primal) == pytest.approx(scaled_until_threshold(1.5, limit))
    expected = float(jax.grad(scaled_until_threshold)(1.5, limit))
    assert float(tangent) == pytest.approx(expected)
    assert float(jax.grad(converted)(jnp.float32(1.5), limit)) == pytest.approx(expected)
    np.testing.assert_allclose(
        jax.jit(jax.grad(converted), static_argnums=1)(jnp.float32(1.5), limit), expected)
