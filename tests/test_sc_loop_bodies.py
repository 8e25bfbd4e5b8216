"""--standalone: a loop with a ``return`` whose body holds a ``with`` of a quiet manager
(the runtime wraps the inner loop in its partial-carry ``try``) or a ``try`` whose
handlers catch nothing the values decide is a lax loop, as the runtime's is; a ``try``
whose handlers may catch what the values decide keeps the function Python."""

import jax.numpy as jnp
import pytest

from standalone_oracle import same, standalone

WITH = """
import jax.numpy as jnp

class Guard:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

def f(x, n):
    c = x * 0.0
    for i in range(n):
        with Guard():
            for j in range(n):
                c += jnp.tanh(x + j)
            return c * 0.5
    return c + 1.0
"""

TRY = """
import jax.numpy as jnp

def f(x, n, v):
    c = 0.0
    w = jnp.asarray(v) * 0.5
    for i in range(n):
        try:
            w = jnp.roll(w, 1) + 0.0 * jnp.minimum(v[3], c)
        except ValueError:
            c = jnp.tanh(c - 0.5)
        else:
            c += jnp.tanh(jnp.sum(w) * 0.25) * 0.5
        if c > 0.3 + i * 0.01:
            return w[1], c
    return w[0], c
"""

INDEXING = """
import jax.numpy as jnp

def f(x, n, v):
    c = 0.0
    for i in range(n):
        try:
            c += v[i] * x
        except IndexError:
            c = c - 1.0
        if i == 10:
            return c
    return c
"""


@pytest.mark.parametrize("n", [0, 1, 3])
def test_loop_with_return_under_a_quiet_manager_is_lax(tmp_path, n):
    original, converted, text = standalone(WITH, tmp_path)
    assert "left as Python" not in text
    same(original(0.3, n), converted(jnp.float32(0.3), n))


@pytest.mark.parametrize("n", [0, 1, 4])
def test_loop_with_return_around_a_try_of_value_free_errors_is_lax(tmp_path, n):
    v = (0.5, -0.2, 0.9, 0.4)
    original, converted, text = standalone(TRY, tmp_path)
    assert "left as Python" not in text
    same(original(0.3, n, v), converted(jnp.float32(0.3), n, v))


def test_a_handler_of_index_errors_keeps_the_loop_python(tmp_path):
    original, converted, text = standalone(INDEXING, tmp_path, static=(1,))
    # (the loop stays Python: the function's other statements may still be lax)
    assert "jax.lax.scan" not in text and "fori_loop" not in text and "while_loop" not in text
    v = (0.5, -0.2)
    same(original(0.3, 4, v), converted(jnp.float32(0.3), 4, v))


RAISED = """
import jax.numpy as jnp

def f(x, v, m):
    c = x * 0.0
    for i, e in enumerate(v):
        try:
            if m >= 2:
                raise ValueError("caught")
            c = jnp.sin(x + e)
            return jnp.tanh(c)
        except ValueError:
            c = jnp.tanh(c - 0.5)
        c = c + e
    return c
"""


@pytest.mark.parametrize("m", [1, 2])
def test_a_raise_under_a_static_test_caught_in_a_loop_with_return_is_lax(tmp_path, m):
    v = jnp.asarray([0.5, -0.2, 0.9])
    original, converted, text = standalone(RAISED, tmp_path, static=(2,))
    assert "left as Python" not in text
    same(original(0.3, v, m), converted(jnp.float32(0.3), v, m))


DIVISION = """
def f(x, n):
    c = x * 0.0
    d = 1.0
    for i in range(n):
        try:
            c = c + 1.0 / d
        except ZeroDivisionError:
            c = c - 1.0
        d = d - 1.0
        if i == 7:
            return c
    return c
"""


def test_a_handler_of_division_errors_keeps_the_loop_python(tmp_path):
    original, converted, text = standalone(DIVISION, tmp_path, static=(1,))
    # (the loop stays Python: the function's other statements may still be lax)
    assert "jax.lax.scan" not in text and "fori_loop" not in text and "while_loop" not in text
    same(original(0.3, 4), converted(jnp.float32(0.3), 4))
