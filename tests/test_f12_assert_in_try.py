"""A traced `assert` in a `try` whose handler catches AssertionError: Python runs the
handler when the assertion fails; the run-time check had ended the compiled program."""

import jax.numpy as jnp
import pytest

import py2lax


def doubled_or_minus_one(x):
    try:
        assert x > 0, "not positive"
        y = x * 2.0
    except AssertionError:
        y = -1.0
    return y


def doubled_or_minus_one_broad(x):
    try:
        assert x > 0
        y = x * 2.0
    except Exception:
        y = -1.0
    return y


def not_caught_here(x):
    try:
        assert x > 0, "not positive"
        y = x * 2.0
    except ValueError:
        y = -1.0
    return y


@pytest.mark.parametrize("function", [doubled_or_minus_one, doubled_or_minus_one_broad])
@pytest.mark.parametrize("x", [3.0, -3.0])
def test_the_handler_runs_where_python_runs_it(function, x):
    assert float(py2lax.autograph_jit(function)(jnp.float32(x))) == function(x)
    assert py2lax.convert(function)(x) == function(x)


def test_an_assert_no_handler_catches_still_fails_when_run():
    assert float(py2lax.autograph_jit(not_caught_here)(jnp.float32(3.0))) == 6.0
    with pytest.raises(Exception, match="not positive"):
        float(py2lax.autograph_jit(not_caught_here)(jnp.float32(-3.0)))
