"""A test kept as Python in ``--standalone`` output that holds another such test.

The inner test becomes ``lax.cond(k >= 1, lambda a: a, lambda a: SCALER.apply(a), a)``;
the outer test's thunk then holds lambdas, whose parameters (gast ``Name`` nodes in a ``Param`` context)
were read as ``ast.arg`` nodes: an internal error, the function left as written.
"""

import warnings

import jax
import jax.numpy as jnp
import pytest

from py2lax import transpile

SOURCE = '''
import jax.numpy as jnp
from program_helpers import SCALER  # (another module's object: a call may change it)


def f(x, y, n, v):
    a = jnp.tanh(x + y)
    b = jnp.sin(y)
    c = x * 0.0
    w = jnp.asarray(v) * 0.5
    k = 0
    while k < n and n < 4:
        k = k + 1
        if -0.5 < c <= jnp.sum(w) * 0.25 and a > 2.0:
            c = c + 1.0
        elif x > -0.5:
            c = jnp.tanh(c)
        elif (-0.5 < b <= (a if k >= 1 else SCALER.apply(a)) or k % 2 == 0) and not n % 2 == 0:
            return jnp.tanh(y), c
    for i in range(3):
        if n % 2 == 0:
            return c, a
'''


@pytest.mark.parametrize("x, n", [(0.3, 2), (-0.9, 3), (0.3, 3)])
def test_nested_kept_tests_convert_and_stay_located(x, n):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an internal failure is a RuntimeWarning
        text = transpile(SOURCE, "prog.py", all_functions=True, standalone=True)
    assert "import py2lax" not in text and "py2lax." not in text
    converted = {}
    exec(compile(text, "prog_standalone.py", "exec"), converted)
    # the loop may return under a traced test and the function may fall off its end:
    # which one only Python can tell, so the output says so at the user's line
    with pytest.raises(jax.errors.TracerBoolConversionError, match=r"prog\.py:\d+: "):
        jax.jit(converted["f"], static_argnums=2)(jnp.float32(x), jnp.float32(0.2), n,
                                                   jnp.ones(4))
