"""--standalone: an ``if`` whose branches give values of different kinds: a float on one
path and a parameter on the other (``if n > 0: return n`` / ``return 0.5``; bisection
(``a = middle`` or ``a`` as it came) called with int bounds), or two parameters (an int
and a float). A plain ``lax.cond`` raised JAX's 'cond branches must have equal output
types' for an int32 ``n``; the branches are cast to the dtype jnp promotion gives both,
as the runtime joins them.
"""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone


@pytest.mark.parametrize("source, inputs", [
    ("""
        def f(n):
            if n > 0:
                return n
            return 0.5
    """, [(3,), (-1,)]),
    ("""
        def f(a, b):
            steps = 0
            while b - a > 1e-3 and steps < 50:
                middle = 0.5 * (a + b)
                if middle * middle - 2.0 > 0:
                    b = middle
                else:
                    a = middle
                steps += 1
            return 0.5 * (a + b)
    """, [(1, 2), (1.0, 2.0)]),
])
def test_float_meets_an_int_argument(tmp_path, source, inputs):
    f, jitted, _ = standalone(source, tmp_path)
    for args in inputs:
        traced = [jnp.asarray(a, jnp.int32 if isinstance(a, int) else jnp.float32)
                  for a in args]
        same(f(*args), jitted(*traced))


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
