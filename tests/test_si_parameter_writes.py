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


AFTER_A_RETURN = textwrap.dedent("""
    def put(arr, i, val):
        arr[i] = val


    def f(x, v):
        k = 0
        while k < 3:
            if x > k:
                return x * 2.0
            k += 1
        put(v, 0, 5.0)
        return v.sum()
""")


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_a_write_after_a_traced_return_runs_when_the_function_goes_on(x):
    """``put(v, 0, 5.0)`` after a loop lax runs that may return: the rest of the
    function is ``if not returned:``, a traced test, which the write kept Python."""
    namespace: dict = {"__name__": "m"}
    text = transpile(AFTER_A_RETURN, "m.py", all_functions=True, standalone=True)
    exec(compile(text, "m.py", "exec"), namespace)
    python: dict = {"__name__": "o"}
    exec(compile(AFTER_A_RETURN, "o.py", "exec"), python)
    given, mine = np.array([1.0, -2.0, 3.0, 4.0]), np.array([1.0, -2.0, 3.0, 4.0])
    expected = python["f"](x, mine)
    assert np.allclose(jax.jit(namespace["f"])(x, jnp.asarray(given)), expected)
    assert np.allclose(namespace["f"](x, given), expected)
    assert np.allclose(given, mine)
    assert transpile(text, "m.py", all_functions=True, standalone=True) == text


CALLED_BY_THE_MODULE = {
    "traced-if": """
        def f(x, v):
            if x > 0:
                v[0] = x
            return v.sum()


        def g(x, v):
            f(x, v)
            return v
    """,
    "helper": """
        def put(arr, i, val):
            arr[i] = val


        def f(x, v):
            put(v, 1, x)
            return v.sum()


        def g(x, v):
            f(x, v)
            return v
    """,
}


@pytest.mark.parametrize("name", sorted(CALLED_BY_THE_MODULE))
def test_a_function_the_module_calls_keeps_its_callers_array_or_says_why(name):
    """``g`` reads ``v`` after ``f(x, v)``: under jit a lax.cond (or a `_kept` copy)
    in ``f`` would update a copy ``g`` never sees, a silent wrong answer. ``f`` is not
    an entry point, so its writes stay Python, which stop at the traced test."""
    source = textwrap.dedent(CALLED_BY_THE_MODULE[name])
    text = transpile(source, "m.py", all_functions=True, standalone=True)
    namespace: dict = {"__name__": "m"}
    exec(compile(text, "m.py", "exec"), namespace)
    python: dict = {"__name__": "o"}
    exec(compile(source, "o.py", "exec"), python)
    expected = python["g"](1.5, np.array([1.0, -2.0, 3.0, 4.0]))
    try:
        got = jax.jit(namespace["g"])(1.5, jnp.asarray([1.0, -2.0, 3.0, 4.0]))
    except Exception:  # noqa: BLE001 - a refusal is allowed, never a wrong answer
        pass  # (the helper's write into a JAX array raises JAX's own error there)
    else:
        assert np.allclose(got, expected)
    given = np.array([1.0, -2.0, 3.0, 4.0])
    assert np.allclose(namespace["g"](1.5, given), expected)
