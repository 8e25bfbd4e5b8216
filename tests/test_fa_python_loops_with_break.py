"""``--standalone``: a loop with ``break`` (or ``return``) that must stay Python.

Such a loop (over a Python list's items, or one whose body catches exceptions) was
refused and its whole function left as Python, so a traced test elsewhere in it raised
JAX's raw TracerBoolConversionError, naming no line of the user's. Now the loop stays
Python and runs each iteration only while its ``break`` flag is False (a ``for``'s target
assigned inside that guard, so it keeps the value it had at the ``break``), the ``if``
that sets the flag is Python's ``if`` where its test is a Python value when tracing, and
a flag a traced test sets stops at the loop's line with why it stayed Python.
Python's answer is the oracle: jitted, and on NumPy values unjitted.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from standalone_oracle import same, standalone

STATIC_BREAK = """
import jax.numpy as jnp

def f(xs, m):
    weights = [1.0, 0.5, 0.25, 2.0]
    total = 0.0
    for i, wt in enumerate(weights):
        if m > i:
            break
        total = total + wt * xs[i]
    return total, i, wt
"""

RETURN_IN_TRY = """
import jax.numpy as jnp

def f(x, v, m):
    c = x * 0.0
    if jnp.sum(v) < x or x > 3.0:
        for i0, e1 in enumerate(v):
            try:
                if m >= 2:
                    raise ValueError("caught")
                c = jnp.sin(x)
                return c + e1
            except ValueError:
                c = jnp.tanh(c - 0.5)
        return c * 2.0
    return c
"""

WHILE_GROWING = """
import jax.numpy as jnp

def f(x, m):
    fns = []
    k = 0
    while k < 10:
        k = k + 1
        fns.append(lambda k=k: k * x)
        if k >= m:
            break
    total = 0.0
    for h in fns:
        total = total + h()
    return total, k
"""

TRACED_BREAK = """
import jax.numpy as jnp

def f(xs, m):
    weights = [1.0, 0.5, 0.25, 2.0]
    total = 0.0
    for i in range(len(weights)):
        if xs[i] > 0:
            break
        total = total + weights[i]
    return total
"""


def _plain(text):
    namespace: dict = {}
    exec(compile(text, "prog_standalone.py", "exec"), namespace)
    return namespace["f"]


@pytest.mark.parametrize("m", [0, 2, 3, 5])
def test_a_break_on_a_static_test_stops_the_python_loop(m, tmp_path):
    f, compiled, text = standalone(STATIC_BREAK, tmp_path, static=(1,))
    xs = np.array([-1.0, -2.0, 3.0, 1.0], np.float32)
    expected = f(xs, m)
    same(expected, compiled(jnp.asarray(xs), m))
    same(expected, _plain(text)(xs, m))


@pytest.mark.parametrize("m", [0, 3, 20])
def test_a_python_while_stops_at_a_static_break(m, tmp_path):
    f, compiled, text = standalone(WHILE_GROWING, tmp_path, static=(1,))
    expected = f(np.float32(1.5), m)
    same(expected, compiled(jnp.float32(1.5), m))
    same(expected, _plain(text)(np.float32(1.5), m))


@pytest.mark.parametrize("m", [0, 2])
@pytest.mark.parametrize("x", [5.0, -5.0])
def test_a_return_inside_a_try_in_a_loop_under_a_traced_if(x, m, tmp_path):
    f, compiled, text = standalone(RETURN_IN_TRY, tmp_path, static=(2,))
    v = np.array([0.5, -1.0, 2.0], np.float32)
    expected = f(np.float32(x), v, m)
    same(expected, _plain(text)(np.float32(x), v, m))
    try:
        got = compiled(jnp.float32(x), jnp.asarray(v), m)
    except jax.errors.TracerBoolConversionError as error:  # the return flag lax carries
        assert str(error).startswith(f"{tmp_path / 'prog.py'}:"), error
    else:
        same(expected, got)


def test_a_traced_break_stops_at_the_loop_with_its_line(tmp_path):
    f, compiled, text = standalone(TRACED_BREAK, tmp_path, static=(1,))
    xs = np.array([-1.0, -2.0, 3.0, 1.0], np.float32)
    same(f(xs, 0), _plain(text)(xs, 0))
    with pytest.raises(jax.errors.TracerBoolConversionError) as caught:
        compiled(jnp.asarray(xs), 0)
    assert str(caught.value).startswith(f"{tmp_path / 'prog.py'}:7: "), caught.value
