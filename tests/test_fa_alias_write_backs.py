"""A call of the function's own ``lambda``/``def`` that writes into none of its
parameters leaves the caller's array as it was: nothing holding it needs it back.

``l3 = [a, b, c]`` then ``a = h(a)`` (``h = lambda t: jnp.tanh(t)``) wrote ``l3`` back
after the call, as if ``h`` could have changed ``a`` in place. That write-back made
``--standalone`` keep the loop around it Python ("it writes into an object `l3` holds
too"), so a traced trip count gave a located refusal where the runtime compiles it. A
helper that does write into its parameter is written back as before (NumPy's answer).
Python's answer is the oracle: jitted, unjitted on NumPy values, and with the runtime.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from standalone_oracle import same, standalone

READ_ONLY = """
import jax.numpy as jnp

def f(x, n, m):
    a = jnp.tanh(x)
    b = jnp.sin(x)
    c = x * 0.0
    for i0 in range(0, n, 2):
        l3 = [a, b, c]
        if m % 2 == 0:
            l3[0], l3[2] = l3[2], l3[0]
        c = jnp.tanh(l3[0] * 0.5 + l3[1] * 0.25 - l3[2])
        h = lambda t: jnp.tanh(t + i0 * 0.5)
        def g(t):
            return t * 0.5
        a = h(a)
        a = g(a)
    return c, a
"""

WRITING = """
import numpy as np

def f(x, n, m):
    a = np.full(2, x, np.float32)
    l3 = [a, 1.0]
    def h(t):
        t[0] = t[0] + 1.0
        return t * 0.5
    b = h(a)
    return l3[0][0] + b[1] + n + m
"""


@pytest.mark.parametrize("x, n, m", [(0.3, 5, 2), (-0.7, 0, 1), (1.1, 2, 3)])
def test_read_only_helpers_need_no_write_back(x, n, m, tmp_path):
    f, compiled, text = standalone(READ_ONLY, tmp_path, static=(2,))
    expected = f(np.float32(x), n, m)
    same(expected, compiled(jnp.float32(x), jnp.int32(n), m))
    namespace: dict = {}
    exec(compile(text, "prog_standalone.py", "exec"), namespace)
    same(expected, namespace["f"](np.float32(x), n, m))  # on Python values
    runtime = py2lax.autograph_jit(f, static_argnums=(2,))
    same(expected, runtime(jnp.float32(x), jnp.int32(n), m))


def test_a_helper_that_writes_into_its_parameter_is_still_written_back(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(WRITING)
    namespace: dict = {}
    exec(compile(WRITING, str(path), "exec"), namespace)
    f = namespace["f"]
    expected = f(np.float32(0.5), 1, 2)
    same(expected, py2lax.convert(f)(np.float32(0.5), 1, 2))
    same(expected, py2lax.autograph_jit(f)(jnp.float32(0.5), 1, 2))
