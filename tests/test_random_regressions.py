"""Programs found by an independent random program generator (issues 12 and 13), minimized.

Each program mixes the constructs of real code (closures over loop variables, container
and object updates, swaps, masks, strings in branches, early exits). Each must either give
Python's answer (``py2lax.convert(f)`` on Python values exactly, ``jax.jit`` of it on jax
arrays closely) or raise a located ``ConversionError`` naming this file and the line.
The functions live at module level so ``inspect`` can read their source.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

X, Y, N, V = 0.3, -0.7, 3, (0.1, 0.5, -1.2, 1.9)
INPUTS = [(0.3, -0.7, 3, (0.1, 0.5, -1.2, 1.9)), (-1.5, 0.2, 5, (-0.3, 1.2, 0.8, -1.9)),
          (1.0, 1.0, 0, (1.0, -1.0, 0.5, 0.0))]


def _close(expected, actual) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, tuple):
        return (isinstance(actual, tuple) and len(expected) == len(actual)
                and all(map(_close, expected, actual)))
    return np.allclose(np.asarray(expected, np.float64), np.asarray(actual, np.float64),
                       rtol=1e-5, atol=1e-5)


def agrees(f, inputs=INPUTS):
    """``f`` converted gives Python's answer on Python values and under ``jax.jit``."""
    converted = py2lax.convert(f)
    jitted = jax.jit(converted)
    for x, y, n, v in inputs:
        expected = f(float(x), float(y), int(n), np.array(v, np.float32))
        assert _close(expected, converted(float(x), float(y), int(n), np.array(v, np.float32)))
        expected = f(np.float32(x), np.float32(y), int(n), np.array(v, np.float32))
        actual = jitted(jnp.float32(x), jnp.float32(y), jnp.int32(n), jnp.asarray(v, jnp.float32))
        assert _close(expected, actual), (expected, actual)


def refused_at(f, text: str, *words: str) -> py2lax.ConversionError:
    """``jax.jit(py2lax.convert(f))`` raises a ConversionError located at ``text``'s line."""
    import inspect
    lines, first = inspect.getsourcelines(f)
    line = first + next(i for i, t in enumerate(lines) if text in t)
    with pytest.raises(py2lax.ConversionError) as info:
        jax.jit(py2lax.convert(f))(jnp.float32(X), jnp.float32(Y), jnp.int32(N),
                                   jnp.asarray(V, jnp.float32))
    message = str(info.value)
    assert message.startswith(f"{__file__}:{line}:"), message
    assert "carried value #" not in message and "py2lax/runtime" not in message, message
    for word in words:
        assert word in message, message
    return info.value


# --------------------------------------------------------------------------- functions
# A function assigned in a loop with a traced trip count over a variable that held None
# (or nothing callable) before it: which function Python calls afterwards depends on the
# trip count. Was a raw JAX TypeError ("Cannot determine dtype of <function ...>").

def def_in_traced_loop_after_none(x, y, n, v):
    g = None
    for i in range(n):
        def g():
            return i * 0.25 + x
    if g is not None:
        return g()
    return x


def lambda_in_traced_loop_after_none(x, y, n, v):
    h = None
    for i in range(n):
        h = lambda t: t + i
    return y if h is None else h(y)


def lambda_in_traced_while_after_zero(x, y, n, v):
    h = 0.0
    k = 0
    while k < n:
        k += 1
        h = lambda: x * k
    return y + h() if callable(h) else y


def object_in_traced_loop_after_none(x, y, n, v):
    box = None
    for e in v:
        if e > 0.0:
            box = dataclasses.make_dataclass("B", ["p"])(e)
    return x


@pytest.mark.parametrize("f, line, name", [
    (def_in_traced_loop_after_none, "for i in range(n):", "'g'"),
    (lambda_in_traced_loop_after_none, "for i in range(n):", "'h'"),
    (lambda_in_traced_while_after_zero, "while k < n:", "'h'"),
])
def test_function_assigned_in_traced_loop_is_refused_at_the_loop(f, line, name):
    error = refused_at(f, line, name, "after an iteration")
    assert isinstance(error, py2lax.CarryTypeError)


def def_in_static_loop_after_none(x, y, n, v):
    g = None
    for i in range(3):
        def g():
            return i * 0.25 + x
    if g is not None:
        return g()
    return x


def test_function_assigned_in_static_loop_still_works():
    agrees(def_in_static_loop_after_none)


# --------------------------------------------------------------------------- walrus
# A walrus in a comprehension's `if` whose target the element reads (`[r for t in L if
# (r := ...) > 0]`) inside a loop with a traced trip count: the element reads the `r` its
# own iteration bound, not an earlier one, yet `r` was carried as a loop input that may be
# unassigned, and a run with zero iterations raised UnboundLocalError through
# jax.debug.callback (a raw JaxRuntimeError); Python never reads `r` before binding it.

def walrus_in_comprehension_in_traced_loop(x, y, n, v):
    c = 0.0
    ws = [x, y, 1.0]
    for i in range(n):
        c = c + sum([r for t in ws if (r := t * 0.5) > -10.0])
    return c


def walrus_in_dict_comprehension_in_traced_loop(x, y, n, v):
    c = x
    for e in range(n):
        c = c + sum({k: r * y for k in range(3) if (r := k * 0.5) > -10.0}.values())
    return c


def walrus_in_comprehension_in_traced_while(x, y, n, v):
    c, k = 0.0, 0
    while k < n:
        k += 1
        c = c + max([q * x for t in (1.0, 2.0) if (q := t * 0.5) > 0.0])
    return c


def walrus_in_nested_comprehension_in_traced_loop(x, y, n, v):
    c = 0.0
    for i in range(n):
        c = c + sum([sum([r for t in (x, y) if (r := t * s) > -10.0]) for s in (1.0, 2.0)])
    return c


@pytest.mark.parametrize("f", [walrus_in_comprehension_in_traced_loop,
                               walrus_in_dict_comprehension_in_traced_loop,
                               walrus_in_comprehension_in_traced_while,
                               walrus_in_nested_comprehension_in_traced_loop])
def test_walrus_read_by_its_own_comprehension_is_not_a_loop_input(f):
    agrees(f)
