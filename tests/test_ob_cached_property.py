"""A ``functools.cached_property`` first read inside a traced statement.

Python computes it at the first read and stores it in the object only on the paths where
that read runs (the taken branch, a loop that runs at least once). A compiled program
cannot add an attribute on some paths only, so py2lax refuses at the statement's line,
naming the property and the fix (read it once before); it used to say only that "an
attribute is added, removed, or set". Read before the statement, it converts."""

import functools

import numpy as np
import pytest
import jax.numpy as jnp

import py2lax


class Model:
    def __init__(self, w):
        self.w = w

    @functools.cached_property
    def scale(self):
        return self.w * 2.0


def read_in_branch(x):
    m = Model(x + 1.0)
    if x > 0:
        y = m.scale + x
    else:
        y = x - 1.0
    return y + m.scale


def read_in_loop(x):
    m = Model(x + 1.0)
    s = 0.0
    i = 0
    while i < x:
        s = s + m.scale
        i = i + 1
    return s


def read_before(x):
    m = Model(x + 1.0)
    m.scale
    if x > 0:
        y = m.scale + x
    else:
        y = x - 1.0
    return y + m.scale


@pytest.mark.parametrize("fn", [read_in_branch, read_in_loop])
def test_first_read_inside_is_refused_naming_the_property(fn):
    with pytest.raises(py2lax.OuterWriteError) as caught:
        py2lax.autograph_jit(fn)(jnp.float32(1.5))
    message = str(caught.value)
    assert "`m.scale` (a functools.cached_property) is first read" in message
    assert "test_ob_cached_property.py" in message and "before the statement" in message


@pytest.mark.parametrize("x", [1.5, -1.5])
def test_read_before_the_statement_matches_python(x):
    want = read_before(np.float32(x))
    got = py2lax.autograph_jit(read_before)(jnp.float32(x))
    np.testing.assert_allclose(np.asarray(got), want)
