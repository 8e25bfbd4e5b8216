"""--standalone: a ternary lowered to ``lax.cond`` whose branch calls a function the
code defines (``rd()``, ``g = lambda: ...``) closes over it: a function is no operand
lax.cond takes (JAX: "Error interpreting argument ... as an abstract array")."""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone

DEF = """
import jax.numpy as jnp

def f(x, w):
    a = jnp.tanh(x)
    def rd():
        return jnp.tanh(a)
    b = jnp.tanh(jnp.sum(w) * 0.25 if x > 0.5 else rd())
    return b + a
"""

LAMBDA = """
import jax.numpy as jnp

def f(x, w):
    g = lambda t: t * 2.0
    b = g(x) if x > 0.5 else jnp.sum(w)
    return b
"""


@pytest.mark.parametrize("source", [DEF, LAMBDA], ids=["def", "lambda"])
@pytest.mark.parametrize("x", [0.2, 0.9])
def test_ternary_branch_calls_a_local_function(tmp_path, source, x):
    original, converted, text = standalone(source, tmp_path)
    w = jnp.asarray([0.5, -0.2, 0.9, 0.4])
    same(original(x, w), converted(jnp.float32(x), w))
