"""--standalone: a conditional expression whose two values have different dtypes.

``y = x if x > 0 else 0`` became ``jax.lax.cond(x > 0, lambda x: x, lambda x: 0, x)``,
which JAX refuses for a float32 ``x`` ('cond branches must have equal output types'),
as it refuses ``n if n > 0 else 0.5`` for an int32 ``n``. Python gives either value; the
branches are now cast to the dtype jnp promotion gives both.
"""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone


@pytest.mark.parametrize("source, inputs", [
    ("""
        def f(x):
            y = x if x > 0 else 0
            return y
    """, [(2.0,), (-2.0,)]),
    ("""
        def f(n):
            return n if n > 0 else 0.5
    """, [(3,), (-1,)]),
    ("""
        def f(x, n):
            total = 0.0
            for i in range(n):
                total = total + (x * i if x * i < 4 else 0)
            return total
    """, [(1.5, 4), (-1.0, 3)]),
])
def test_mixed_dtype_ternary(tmp_path, source, inputs):
    f, jitted, _ = standalone(source, tmp_path)
    for args in inputs:
        traced = [jnp.asarray(a, jnp.int32 if isinstance(a, int) else jnp.float32)
                  for a in args]
        same(f(*args), jitted(*traced))


def test_same_kinds_stay_a_plain_cond(tmp_path):
    _, _, text = standalone("""
        def f(x):
            return x if x > 0 else -x
    """, tmp_path)
    assert "_py2lax_dtyped_pair" not in text
