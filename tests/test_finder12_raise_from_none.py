"""``raise KeyError("k") from None`` under a traced condition, in a ``try`` whose handler
catches it and does not read the exception, jumps to that handler as ``raise
KeyError("k")`` does: the cause only shows in a traceback. It was refused (finder12 w015).

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def raise_from_none_caught(x):
    try:
        if x > 0:
            raise KeyError("k") from None
        r = 1
    except KeyError:
        r = 2
    return r


def raise_from_none_in_loop(v):
    s = 0.0
    for x in v:
        try:
            if x < 0:
                raise ValueError("negative") from None
            s += x
        except ValueError:
            s -= 10.0
    return s


@pytest.mark.parametrize("x", [1, -1])
def test_under_jit_the_handler_runs_as_in_python(x):
    assert int(py2lax.autograph_jit(raise_from_none_caught)(jnp.int32(x))) == \
        raise_from_none_caught(x)


def test_in_a_loop_under_jit():
    v = [1.0, -1.0, 2.0]
    assert float(py2lax.autograph_jit(raise_from_none_in_loop)(jnp.array(v))) == \
        raise_from_none_in_loop(v)


@pytest.mark.parametrize("x", [1, -1])
def test_python_values(x):
    assert py2lax.convert(raise_from_none_caught)(x) == raise_from_none_caught(x)
