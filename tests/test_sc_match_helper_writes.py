"""--standalone: a call of a helper that writes into its array argument inside a
``match`` case (``put_and_get(u, 0, x)`` on a local copy) gets the helper's
``_written`` copy, as in an ``if``'s branch: the case becomes a traced ``lax.cond``,
where the guard for a JAX array would stop it."""

import jax.numpy as jnp
import numpy as np
import pytest

from standalone_oracle import same, standalone

SOURCE = """
import jax.numpy as jnp

def put_and_get(arr, i, val):
    arr[i] = jnp.tanh(arr[i] + val)
    return arr[i] * 0.5

def f(x, n, v):
    c = x * 0.0
    match n:
        case 0:
            u = v.copy()
            c = jnp.tanh(c + put_and_get(u, 0, n * 0.5 - x))
            c = c + jnp.sum(u)
        case _:
            c = c - x
    return c
"""


@pytest.mark.parametrize("n", [0, 1])
def test_helper_write_in_a_traced_match_case(tmp_path, n):
    original, converted, text = standalone(SOURCE, tmp_path)
    assert "put_and_get_written" in text
    v = np.array([0.5, -0.2, 0.9, 0.4])
    same(original(0.3, n, v), converted(jnp.float32(0.3), n, jnp.asarray(v)))
