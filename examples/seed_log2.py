"""Seed tutorial "Jit with Jax": ``log2`` and ``log2_if_rank_2``.

``log2`` has a side effect (it appends to a global list): under ``jit`` it happens
once, while tracing, with py2lax exactly as without it. ``log2_if_rank_2`` branches on
``x.ndim``, which is static under ``jit``: py2lax sees that from the code and leaves the
``if`` as Python, so a rank-1 input traces to an empty jaxpr, as in the tutorial.

Run: python examples/seed_log2.py
"""

import jax
import jax.numpy as jnp
import numpy as np

import py2lax
from _timing import report, seconds_per_call

global_list = []


def log2(x):
    global_list.append(x)
    ln_x = jnp.log(x)
    ln_2 = jnp.log(2.0)
    return ln_x / ln_2


def log2_if_rank_2(x):
    if x.ndim == 2:
        ln_x = jnp.log(x)
        ln_2 = jnp.log(2.0)
        return ln_x / ln_2
    else:
        return x


log2_jit = py2lax.autograph_jit(log2)
log2_if_rank_2_jit = py2lax.autograph_jit(log2_if_rank_2)

if __name__ == "__main__":
    assert np.isclose(log2_jit(3.0), np.log2(3.0)) and np.isclose(log2_jit(5.0), np.log2(5.0))
    print(f"py2lax: log2(3.0) = {float(log2_jit(3.0)):.6f}; "
          f"side effect ran {len(global_list)} time (at trace time)")
    assert len(global_list) == 1

    vector, matrix = jnp.array([1, 2, 3]), jnp.array([[1.0, 2.0], [4.0, 8.0]])
    print("jaxpr for a rank-1 input:", jax.make_jaxpr(py2lax.convert(log2_if_rank_2))(vector))
    assert np.array_equal(log2_if_rank_2_jit(vector), vector)
    assert np.allclose(log2_if_rank_2_jit(matrix), log2_if_rank_2(matrix))
    print(f"py2lax: log2_if_rank_2([1, 2, 3]) = {log2_if_rank_2_jit(vector).tolist()}, "
          f"log2_if_rank_2([[1, 2], [4, 8]]) = {log2_if_rank_2_jit(matrix).tolist()}")
    report(seconds_per_call(log2_if_rank_2, matrix), seconds_per_call(log2_if_rank_2_jit, matrix))
