"""--standalone: an ``if`` whose branch ends the function, where the end writes into a
parameter (``put_and_get(v, ...)``, its inner ``if not returned:`` a
``_py2lax_parameter_cond``), runs through ``_py2lax_parameter_cond`` too: lax.cond under
a traced test where ``v`` is a JAX array, Python's ``if`` (the caller's NumPy array
changed) where the test is a Python value."""

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
    if x > 1.0:
        return jnp.tanh(x)
    for i in range(n):
        if n == 5:
            return x * 2.0
    c = put_and_get(v, 1, x)
    return c + jnp.sum(v)
"""


@pytest.mark.parametrize("x, n", [(0.3, 2), (1.5, 2), (0.3, 5)])
def test_traced_test_over_an_ending_write_into_a_jax_parameter(tmp_path, x, n):
    original, converted, text = standalone(SOURCE, tmp_path)
    v = np.array([0.5, -0.2, 0.9, 0.4])
    expected = original(x, n, v.copy())
    same(expected, converted(jnp.float32(x), n, jnp.asarray(v)))


def test_python_test_changes_the_callers_numpy_array(tmp_path):
    original, converted, text = standalone(SOURCE, tmp_path)
    namespace: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), namespace)
    v, w = np.array([0.5, -0.2, 0.9, 0.4]), np.array([0.5, -0.2, 0.9, 0.4])
    same(original(0.3, 2, v), namespace["f"](0.3, 2, w))
    same(v, w)
    assert v[1] != -0.2
