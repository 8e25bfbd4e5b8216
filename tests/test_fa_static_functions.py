"""``--standalone``: functions are static Python values, never lax operands or carries.

A loop that makes a fresh list of closures in each iteration (``fns = []``, then an
inner loop appends ``def h(): ...`` or ``lambda e=e: ...`` and another calls them)
stayed Python, so its traced trip count gave a located refusal where the runtime
compiles it: the list is born and dropped inside each iteration, so lax carries none of
it, and only the inner loop that appends stays Python. A ternary inside a traced branch
that calls a nested ``def`` passed the function to ``lax.cond`` as an operand (JAX's raw
"Error interpreting argument ... as an abstract array"); the branches close over it.
Python's answer is the oracle: jitted, and on NumPy values unjitted.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from standalone_oracle import same, standalone

FRESH_DEFS = """
import jax.numpy as jnp

def f(x, n, v):
    w = jnp.asarray(v) * 0.5
    c = 0.0
    for i in range(n):
        fns = []
        for e in w:
            x = x + 0.25
            def h():
                return e * 0.25 + x
            fns.append(h)
        for h in fns:
            c = jnp.tanh(c + h())
    return c
"""

FRESH_LAMBDAS = """
import jax.numpy as jnp

def f(x, n, v):
    w = jnp.asarray(v) * 0.5
    c = 0.0
    k = 0
    while k < n and n >= 2:
        k = k + 1
        fns = []
        for e in w:
            fns.append(lambda e=e: e * 0.5 + x)
        for h in fns:
            c = jnp.tanh(c + h())
    return c
"""

TERNARY_CALLS_A_DEF = """
import jax.numpy as jnp

def f(x, n, v):
    a = jnp.tanh(x)
    b = 0.0
    if v[n % 4] > -1.0:
        def rd():
            return jnp.tanh(a)
        b = jnp.tanh(jnp.sum(v) if n == 3 else rd())
    return b
"""


def _plain(text):
    namespace: dict = {}
    exec(compile(text, "prog_standalone.py", "exec"), namespace)
    return namespace["f"]


@pytest.mark.parametrize("source", [FRESH_DEFS, FRESH_LAMBDAS, TERNARY_CALLS_A_DEF],
                         ids=["defs", "lambdas", "ternary"])
@pytest.mark.parametrize("x, n, v", [(0.3, 3, [-1.9, 1.5, 1.7, -0.4]),
                                     (-0.7, 0, [2.0, -3.0, 0.5, 0.1]),
                                     (0.1, 2, [-2.0, -3.0, 0.5, 0.1])])
def test_functions_stay_static_values(source, x, n, v, tmp_path):
    f, compiled, text = standalone(source, tmp_path)
    v = np.array(v, np.float32)
    expected = f(np.float32(x), n, v)
    same(expected, compiled(jnp.float32(x), jnp.int32(n), jnp.asarray(v)))
    same(expected, _plain(text)(np.float32(x), n, v))  # on Python values, not traced
