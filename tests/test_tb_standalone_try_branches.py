"""``--standalone``: an ``if`` on a traced test in the body of a ``try`` is ``lax.cond``
where tracing its branches can raise nothing the handlers catch (the module's own
helpers that raise nothing, a loop inside whose partial work the runtime keeps), and
stays Python where a branch may raise (a helper with a ``raise``). Python's answer is
the oracle, jitted and on plain values."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from standalone_oracle import same, standalone

HELPER_IN_TRY = """
import jax.numpy as jnp

class Ops:
    @staticmethod
    def leaky(t):
        if t > 0.0:
            return t
        return t * 0.1

class Scaler:
    def __init__(self, k):
        self.k = k

    def apply(self, t):
        if t > 0.0:
            return t * self.k
        return -t * self.k * 0.5

SCALER = Scaler(0.5)

def f(x, n):
    c = x * 0.0
    w = jnp.ones(4) * x
    try:
        if x > n * 0.5:
            c = Ops.leaky(x - 1.0) + SCALER.apply(x)
            w = w.at[n % 4].set(c)
        else:
            c = jnp.tanh(x)
    except ValueError:
        c = c - 100.0
    return c, w
"""

LOOP_IN_TRY = """
import jax.numpy as jnp

def f(x, n):
    a, c = x * 0.5, x * 0.0
    try:
        if n % 2 == 0:
            return c, jnp.sin(x)
        else:
            k = 0
            while k < 3:
                k = k + 1
                a = jnp.sin(a + x)
        c = jnp.tanh(a)
    except ValueError:
        c = c - 5.0
    return c, a
"""

RAISING_HELPER_IN_TRY = """
import jax.numpy as jnp

def checked(t):
    if t > 10.0:
        raise ValueError("too big")
    return t

def f(x, n):
    c = x * 0.0
    try:
        if x > n * 0.5:
            c = checked(x)
    except ValueError:
        c = c - 100.0
    return c
"""


@pytest.mark.parametrize("x, n", [(2.0, 1), (0.2, 3), (-1.0, 2)])
def test_helpers_that_raise_nothing_keep_the_if_lax(tmp_path, x, n):
    original, converted, text = standalone(HELPER_IN_TRY, tmp_path)
    assert "jax.lax.cond(x > n * 0.5" in text, text
    same(original(np.float32(x), n), converted(jnp.float32(x), n))
    plain: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), plain)
    same(original(np.float32(x), n), plain["f"](np.float32(x), n))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_an_inner_loop_in_the_try_keeps_the_if_lax(tmp_path, n):
    original, converted, text = standalone(LOOP_IN_TRY, tmp_path)
    assert "stays Python" not in text.split("def f")[1]
    same(original(np.float32(0.3), n), converted(jnp.float32(0.3), n))


def test_a_helper_that_raises_keeps_the_if_python(tmp_path):
    original, converted, text = standalone(RAISING_HELPER_IN_TRY, tmp_path, static=(1,))
    # the handler catches what `checked` raises: Python's `if`, never lax.cond
    assert "jax.lax.cond" not in text.split("def f")[1]
    assert float(original(np.float32(20.0), 1)) == -100.0
    with pytest.raises(TypeError) as caught:
        jax.jit(converted.__wrapped__)(jnp.float32(20.0), 1)
    assert f"{tmp_path / 'prog.py'}:12" in str(caught.value).splitlines()[0]


NESTED_RAISE = """
import jax.numpy as jnp

def inner(t):
    if t > 3.0:
        raise ValueError("big")
    return t

def outer(t):
    return inner(t) * 2.0

def f(x, n):
    c = x * 0.0
    try:
        if x > n * 0.5:
            c = outer(x)
    except ValueError:
        c = c - 100.0
    return c
"""


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_a_helper_calling_one_that_raises_keeps_the_if_python(tmp_path, x):
    original, converted, text = standalone(NESTED_RAISE, tmp_path, static=(0, 1))
    assert "jax.lax.cond" not in text.split("def f")[1]
    same(original(x, 1), converted(x, 1))  # static: Python's `if`, its handler


KEPT_INSIDE = """
import jax.numpy as jnp

class Acc:
    @staticmethod
    def squash(t):
        return t * 0.5

def f(x, n, m):
    c = x * 0.0
    try:
        if m % 2 == 0:
            raise ValueError("caught")
        k = 0
        while k < n and k < 3:
            k = k + 1
            c = jnp.tanh(c + Acc.squash(x))
    except ValueError:
        c = c - 0.5
    return c
"""


def test_an_if_holding_a_statement_kept_python_stays_python(tmp_path):
    # the `while` stays Python (a helper call inside a `try`); lax.cond would trace it
    # whatever `m` is, and its traced test would stop where Python never runs it
    original, converted, text = standalone(KEPT_INSIDE, tmp_path, static=(2,))
    same(original(np.float32(0.5), 2, 2), converted(jnp.float32(0.5), 2, 2))


LOOP_RETURNING_IN_TRY = """
import jax.numpy as jnp

def f(x, n):
    a, c = x * 0.5, x * 0.0
    try:
        if n % 2 == 0:
            return c, jnp.sin(x)
        k = 0
        while k < n - 1:
            k = k + 1
            a = jnp.sin(a + x)
            if n < 2:
                return jnp.tanh(k * 0.5), c + x
    except ValueError:
        c = c - 5.0
    return c, a
"""

STRING_AFTER_RETURN_IN_TRY = """
import jax.numpy as jnp

def f(x):
    c = x * 0.0
    try:
        if x > 1.0:
            return c + 1.0
        s = "lo"
        if x > 0.5:
            s = "high"
        c = jnp.tanh(c + len(s) * 0.125)
    except ValueError:
        c = c - 0.5
    return c
"""


@pytest.mark.parametrize("n", [-1, 1, 3, 4])
def test_a_loop_that_returns_inside_a_try_is_lax(tmp_path, n):
    original, converted, text = standalone(LOOP_RETURNING_IN_TRY, tmp_path)
    assert "jax.lax.while_loop" in text
    same(original(np.float32(0.3), n), converted(jnp.float32(0.3), n))


@pytest.mark.parametrize("x", [2.0, 0.7, 0.1])
def test_a_string_expression_after_a_return_inside_a_try(tmp_path, x):
    original, converted, text = standalone(STRING_AFTER_RETURN_IN_TRY, tmp_path)
    same(original(np.float32(x)), converted(jnp.float32(x)))
