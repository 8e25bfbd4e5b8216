"""A narrow accumulator (``np.int8``/``jnp.int8``) plus ``enumerate``'s index: Python's
index is an int, so NumPy keeps int8 and wraps; under jit the index must not widen it."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def wrapping_sum(v):
    acc = np.int8(100)
    for i, x in enumerate(v):
        acc = acc + i
    return acc


def wrapping_sum_with_break(v):
    acc = jnp.int8(100)
    for i, x in enumerate(v):
        if x > 9:
            break
        acc = acc + i
    return acc


@pytest.mark.parametrize("function", [wrapping_sum, wrapping_sum_with_break])
def test_enumerate_index_keeps_a_narrow_accumulator_narrow(function):
    v = np.arange(1.0, 13.0, dtype=np.float32)
    want = function(v)
    got = py2lax.autograph_jit(function)(jnp.asarray(v))
    assert got.dtype == np.int8 and int(got) == int(want)
