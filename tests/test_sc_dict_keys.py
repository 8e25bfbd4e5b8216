"""--standalone: an ``if`` whose branch adds a key the dict does not have yet
(``d["r"] = ...`` after ``d = {"p": a}``) stays Python: lax.cond gives the same keys on
both paths. Under a static test it is Python's ``if``; under a traced one it stops at
the user's line saying why (JAX's own error named neither the line nor the key)."""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone

SOURCE = """
import jax.numpy as jnp

def f(x, w, m):
    d = {"p": x, "q": 0.5}
    if m > 1:
        d["r"] = jnp.abs(jnp.sum(w) * 0.25)
    if x > 0.0:
        d["q"] = x * 2.0
    return sum(d.values()) + len(d)
"""

TRACED = """
import jax.numpy as jnp

def f(x, w):
    d = {"p": x, "q": 0.5}
    if x > w[1]:
        d["r"] = jnp.abs(jnp.sum(w) * 0.25)
    return sum(d.values()) + len(d)
"""


@pytest.mark.parametrize("m", [0, 2])
@pytest.mark.parametrize("x", [-0.3, 0.4])
def test_a_new_key_under_a_static_test(tmp_path, m, x):
    original, converted, text = standalone(SOURCE, tmp_path, static=(2,))
    w = jnp.asarray([0.5, -0.2, 0.9, 0.4])
    same(original(x, w, m), converted(jnp.float32(x), w, m))


def test_a_new_key_under_a_traced_test_names_the_line_and_key(tmp_path):
    original, converted, text = standalone(TRACED, tmp_path)
    w = jnp.asarray([0.5, -0.2, 0.9, 0.4])
    with pytest.raises(Exception, match=r"prog\.py:6.*adds the key 'r' to the dict `d`"):
        converted(jnp.float32(0.3), w)
