"""A failed ``assert`` under a traced condition raises, when the compiled program runs,
Python's own ``AssertionError: <message>`` (as a traced ``raise`` does), with the
user's line after it. It read ``AssertionError: file.py:LINE: assertion failed:
message``, which is not what Python says (and not what ``--standalone`` output says).

PYTEST_DONT_REWRITE: the programs' own asserts must read as Python words them."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def checked_sum(xs):
    s = 0.0
    for i in range(xs.shape[0]):
        assert xs[i] >= 0, f"bad value at {i}"
        s += xs[i]
    return s


def bare(x):
    assert x > 0
    return x


def test_the_compiled_assert_says_what_python_says():
    xs = np.array([1.0, -4.0])
    try:
        checked_sum(xs)
    except AssertionError as error:
        python = f"AssertionError: {error}"
    with pytest.raises(Exception) as compiled:
        py2lax.autograph_jit(checked_sum)(jnp.asarray(xs))
    text = str(compiled.value)
    assert python == "AssertionError: bad value at 1"
    assert python in text
    assert f"{__file__}:18" in text   # the failed assert's line
    assert float(py2lax.autograph_jit(checked_sum)(jnp.asarray([1.0, 4.0]))) == 5.0


def test_an_assert_without_a_message():
    with pytest.raises(Exception) as compiled:
        py2lax.autograph_jit(bare)(jnp.float32(-1.0))
    assert "AssertionError" in str(compiled.value)
    assert "assertion failed" not in str(compiled.value)
