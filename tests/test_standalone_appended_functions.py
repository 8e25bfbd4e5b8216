"""``--standalone``: a loop that appends functions it defines to a list.

lax stacks only arrays, so a ``scan`` whose body appends ``lambda: i`` or a nested
``def`` returned JAX's raw "not a valid JAX type". The loop stays Python (as the runtime
runs it), each closure reading the loop's variables late-bound, as Python's do.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from standalone_oracle import same, standalone

LAMBDAS = """
import jax.numpy as jnp

def f(x, v):
    fns = []
    for i in range(5):
        if x > 0.0:
            x = x * 0.5
        fns.append(lambda: i * x)
    total = 0.0
    for h in fns:
        total = total + h()
    return total + v[0]
"""

DEFS = """
import jax.numpy as jnp

def f(x, v):
    fns = []
    for i in range(4):
        if v[i] > x:
            x = x + v[i]
        def h():
            return i * 0.25 + x
        fns.extend([h, h])
    return jnp.stack([g() for g in fns])
"""


@pytest.mark.parametrize("source", [LAMBDAS, DEFS], ids=["lambda", "def"])
@pytest.mark.parametrize("x", [-0.5, 0.7])
def test_functions_appended_in_a_loop_see_python_late_binding(source, x, tmp_path):
    f, compiled, _ = standalone(source, tmp_path)
    v = np.array([0.25, 1.5, -0.5, 2.0], np.float32)
    same(f(np.float32(x), v), compiled(jnp.float32(x), jnp.asarray(v)))
