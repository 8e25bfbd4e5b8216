"""A position in range by construction (``buf[i % 5]`` of at least 5 items, ``buf[i %
len(buf)]``) inside a ``try`` that catches IndexError: Python never runs the handler for
it, so a traced ``i`` is no reason to refuse (a ring buffer's write and read)."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def ring(p, data, k):
    buf = data.copy()
    try:
        buf[k % 5] = p
        y = buf[(k + 1) % len(buf)]
    except IndexError:
        buf[0] = 0.0
        y = 0.0
    return jnp.sum(buf) + y


def too_short(p, data, k):
    buf = data.copy()
    try:
        buf[k % 9] = p  # 9 > len(buf): Python may run the handler
    except IndexError:
        buf[0] = 0.0
    return jnp.sum(buf)


@pytest.mark.parametrize("k", [0, 7, -3])
def test_a_position_in_range_by_construction_converts(k):
    data = np.arange(5.0)
    want = ring(0.5, data, k)
    assert float(py2lax.autograph_jit(ring)(0.5, jnp.asarray(data), jnp.int32(k))) == want
    assert py2lax.convert(ring)(0.5, data, k) == want


def test_a_modulus_larger_than_the_sequence_is_still_refused():
    with pytest.raises(py2lax.TracedValueError):
        py2lax.autograph_jit(too_short)(0.5, jnp.arange(5.0), jnp.int32(7))
