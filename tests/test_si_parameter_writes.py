"""An ``if`` on a traced test that writes into a parameter in place (``v[i] = x``,
``v /= s``): lax.cond where every such parameter is a JAX array (no caller sees it
change), Python's ``if`` where the test is a Python value (a NumPy array changes for the
caller), and a TypeError naming the user's line where the test is traced and the
parameter a NumPy array. Before, the ``if`` stayed Python and stopped at its traced test.
"""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import transpile

SOURCE = textwrap.dedent("""
    def f(x, v):
        if x > 0:
            v /= 2.0
            v[0] = x
        else:
            v[1] = -x
        return v.sum()
""")


def converted():
    text = transpile(SOURCE, "m.py", all_functions=True, standalone=True)
    namespace: dict = {"__name__": "m"}
    exec(compile(text, "m.py", "exec"), namespace)
    return text, namespace["f"]


def original():
    namespace: dict = {"__name__": "o"}
    exec(compile(SOURCE, "o.py", "exec"), namespace)
    return namespace["f"]


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_traced_test_on_a_jax_array_runs_lax_cond(x):
    text, f = converted()
    assert "_py2lax_parameter_cond" in text
    v = np.array([1.0, -2.0, 3.0, 4.0])
    expected = original()(x, v.copy())
    assert np.allclose(jax.jit(f)(x, jnp.asarray(v)), expected)


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_python_test_changes_the_callers_numpy_array(x):
    _, f = converted()
    given, mine = np.array([1.0, -2.0, 3.0, 4.0]), np.array([1.0, -2.0, 3.0, 4.0])
    assert np.allclose(f(x, given), original()(x, mine))
    assert np.allclose(given, mine)


def test_traced_test_on_a_numpy_array_is_located():
    _, f = converted()
    v = np.array([1.0, -2.0, 3.0, 4.0])
    with pytest.raises(TypeError, match=r"m\.py:3: .*parameter `v` in place"):
        jax.jit(lambda x: f(x, v))(1.0)


def test_a_second_run_keeps_the_output():
    once = transpile(SOURCE, "m.py", all_functions=True, standalone=True)
    assert transpile(once, "m.py", all_functions=True, standalone=True) == once
