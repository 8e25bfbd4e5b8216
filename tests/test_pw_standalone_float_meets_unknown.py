"""--standalone: an ``if`` whose branches each give a different argument as it came
(``return n`` / ``return x``, an int and a float argument) joins them by jnp promotion,
as the runtime does (a plain ``lax.cond`` raised JAX's 'cond branches must have equal
output types')."""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone


def test_two_arguments_of_different_kinds(tmp_path):
    """``return n`` on one path, ``return x`` on the other: an int and a float argument."""
    f, jitted, _ = standalone("""
        def f(n, x):
            if n > x:
                return n
            return x
    """, tmp_path)
    for n, x in [(3, 2.5), (1, 2.5)]:
        same(f(n, x), jitted(jnp.int32(n), jnp.float32(x)))
