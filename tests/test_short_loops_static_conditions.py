"""A short static loop that appends under a condition on the index alone (``if j % 2 ==
0``): the compiled loop would mask the list (its steps see a traced index), which
``jnp.stack`` cannot take; unrolled as Python the condition is static and the list a
plain one, as Python builds it. A condition on traced values keeps the masked list."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import py2lax


def even_multiples(x):
    ys = []
    for j in range(10):
        if j % 2 == 0:
            ys.append(x * j)
    return jnp.stack(ys)


def positives(v):
    out = []
    for i in range(v.shape[0]):
        if v[i] > 0:
            out.append(v[i])
    return sum(out), len(out)


def test_condition_on_the_index_gives_pythons_plain_list():
    np.testing.assert_allclose(py2lax.autograph_jit(even_multiples)(jnp.float32(1.5)),
                               np.asarray(even_multiples(1.5)))


def test_condition_on_traced_values_keeps_the_masked_list():
    v = np.array([1.0, -2.0, 3.0, -1.0, 0.5], np.float32)
    total, count = py2lax.autograph_jit(positives)(jnp.asarray(v))
    assert (float(total), int(count)) == (4.5, 3)
