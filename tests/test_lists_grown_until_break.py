"""A list grown in a loop of known length that a traced ``break`` (or ``return``) may
stop: ``history.append(loss)`` then ``if loss < tol: break``. It was refused (the
length depends on where the loop stops). Now the loop is a scan whose steps run while it
has not stopped, and the list is a masked list (``runtime/masked_containers``): ``len``,
``sum``, ``max`` and ``[-1]`` give Python's answers under ``jax.jit``, and returning the
list itself (a value-dependent shape) is a located error. On Python values the converted
function is Python's.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.diagnostics.errors import ConversionError


def newton_history_unused(x, tol):
    history = []
    for _ in range(40):
        fx = x * x - 3.0
        history.append(fx)
        if abs(fx) < tol:
            break
        x = x - fx / (2 * x)
    return x


def newton_steps_counted(x, tol):
    history = []
    for _ in range(40):
        fx = x * x - 3.0
        history.append(fx)
        if abs(fx) < tol:
            break
        x = x - fx / (2 * x)
    return x, len(history)


def newton_returns_inside(x, tol):
    seen = []
    for i in range(40):
        fx = x * x - 3.0
        seen.append(fx)
        if abs(fx) < tol:
            return x, i
        x = x - fx / (2 * x)
    return x, -1


def doubled_until_large(v):
    seen = []
    for x in v:
        seen.append(x * 2.0)
        if x > 2.5:
            break
    return len(seen), seen[-1], max(seen), sum(seen)


def _close(expected, actual):
    expected, actual = np.asarray(expected, np.float64), np.asarray(actual, np.float64)
    return np.allclose(expected, actual, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("function", [newton_history_unused, newton_steps_counted,
                                      newton_returns_inside])
@pytest.mark.parametrize("tol", [1e-4, 1e-1, 1e-30])
def test_newton_loops_with_a_history(function, tol):
    expected = function(2.0, tol)
    assert py2lax.convert(function)(2.0, tol) == expected
    actual = py2lax.autograph_jit(function)(jnp.float32(2.0), jnp.float32(tol))
    for e, a in zip(np.atleast_1d(expected), np.atleast_1d(actual)) if isinstance(
            expected, tuple) else [(expected, actual)]:
        assert _close(e, a), (expected, actual)


@pytest.mark.parametrize("values", [[1.0, 3.0, 0.5, 4.0], [1.0, 0.5, 0.2, 0.1], [3.0, 1.0]])
def test_reductions_of_a_list_a_break_cut_short(values):
    v = np.array(values)
    expected = doubled_until_large(v)
    assert py2lax.convert(doubled_until_large)(v) == expected
    actual = py2lax.autograph_jit(doubled_until_large)(jnp.asarray(v, jnp.float32))
    assert all(_close(e, a) for e, a in zip(expected, actual)), (expected, actual)


def returns_the_list(v):
    seen = []
    for x in v:
        seen.append(x)
        if x > 2.5:
            break
    return seen


def test_returning_the_list_itself_is_a_located_error():
    assert returns_the_list(np.array([1.0, 3.0, 4.0])) == [1.0, 3.0]
    with pytest.raises(ConversionError, match="'seen'"):
        py2lax.autograph_jit(returns_the_list)(jnp.array([1.0, 3.0, 4.0, 5.0]))


def short_python_list(a, b, c, t):
    out = []
    for x in [a, b, c]:
        out.append(x)
        if x > t:
            break
    return len(out) + sum(out)


def test_a_short_loop_over_a_python_list():
    for args in [(1.0, 5.0, 2.0, 3.0), (1.0, 2.0, 2.5, 3.0), (4.0, 1.0, 1.0, 3.0)]:
        expected = short_python_list(*args)
        assert py2lax.convert(short_python_list)(*args) == expected
        actual = py2lax.autograph_jit(short_python_list)(*map(jnp.float32, args))
        assert _close(expected, actual), args


def grows_a_started_list(x, tol):
    history = [x]
    for i in range(20):
        history.append(x)
        history.append(i)
        if abs(x) < tol:
            break
        x = x / 2.0
    return len(history)


def test_a_started_list_grown_until_a_break_converts():
    expected = grows_a_started_list(1.0, 0.1)
    assert py2lax.convert(grows_a_started_list)(1.0, 0.1) == expected
    actual = py2lax.autograph_jit(grows_a_started_list)(jnp.float32(1.0), jnp.float32(0.1))
    assert int(actual) == expected


def grows_a_tuple(x, tol):
    seen = ()
    for v in iter([1.0, 2.0, 3.0, 4.0, 5.0]):  # an iterator: a Python loop, the break traced
        seen = seen + (v * x,)
        if x * v > tol:
            break
    return len(seen)


def test_a_refused_loop_names_its_states_not_branches():
    """A loop that stays refused names the states it compared (stopped early or going on),
    not the true and false branch of an `if` the user did not write."""
    assert py2lax.convert(grows_a_tuple)(1.0, 2.5) == 3
    with pytest.raises(ConversionError) as refused:
        py2lax.autograph_jit(grows_a_tuple)(jnp.float32(1.0), jnp.float32(2.5))
    message = str(refused.value)
    assert "where the loop has stopped early" in message and "true branch" not in message