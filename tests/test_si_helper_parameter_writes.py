"""A module helper that writes into a parameter of the function (``put(v, i, x)``,
``scale_all(v, s)``, ``t = put_and_get(v, i, x)``): the call rebinds ``v`` to what the
helper's ``_kept`` copy returns, which changes a NumPy array in place (the caller's own
caller sees it, as in Python) and gives a JAX array's update back. An ``if`` around it
runs through ``_py2lax_parameter_cond``, a loop stays Python. Before, a JAX array was
refused at the call ("changes `v` in place") and a traced ``if`` stopped at its test.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile

SOURCE = textwrap.dedent("""
    import jax.numpy as jnp


    def scale_all(arr, s):
        for k in range(arr.shape[0]):
            if arr[k] > 0.0:
                arr[k] = arr[k] * s


    def put_and_get(arr, i, val):
        arr[i] = jnp.tanh(arr[i] + val)
        return arr[i] * 0.5


    def swap_items(arr, i, j):
        arr[i], arr[j] = arr[j], arr[i]


    def f(x, v):
        t = put_and_get(v, 2, 0.25)
        if x > 0:
            scale_all(v, 0.5)
        else:
            swap_items(v, 0, 3)
        if x < 0.5:
            t = t + put_and_get(v, 1, 0.5)
        return v.sum() + t
""")


def module(text: str, name: str) -> dict:
    namespace: dict = {"__name__": name}
    exec(compile(text, f"{name}.py", "exec"), namespace)
    return namespace


def converted() -> dict:
    return module(transpile(SOURCE, "m.py", all_functions=True, standalone=True), "m")


@pytest.mark.parametrize("x", [1.5, 0.25, -1.5])
def test_jit_with_a_jax_array_agrees_with_python(x):
    v = np.array([1.0, -2.0, 3.0, 4.0])
    expected = module(SOURCE, "o")["f"](x, v.copy())
    got = jax.jit(converted()["f"])(x, jnp.asarray(v))
    assert np.allclose(got, expected, atol=1e-6)


@pytest.mark.parametrize("x", [1.5, 0.25, -1.5])
def test_plain_values_change_the_callers_numpy_array(x):
    given, mine = np.array([1.0, -2.0, 3.0, 4.0]), np.array([1.0, -2.0, 3.0, 4.0])
    assert np.allclose(converted()["f"](x, given), module(SOURCE, "o")["f"](x, mine))
    assert np.allclose(given, mine)


def test_a_traced_value_into_the_callers_numpy_array_is_located():
    f, v = converted()["f"], np.array([1.0, -2.0, 3.0, 4.0])
    with pytest.raises(TypeError, match=r"m\.py:(12|22): .*`v`|m\.py:12: .*`arr`"):
        jax.jit(lambda x: f(x, v))(1.0)


def test_a_second_run_keeps_the_output():
    once = transpile(SOURCE, "m.py", all_functions=True, standalone=True)
    assert transpile(once, "m.py", all_functions=True, standalone=True) == once
