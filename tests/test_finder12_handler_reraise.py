"""A handler that cleans up and re-raises (``except ValueError: n += 1; raise``), reached
by the ``try`` body's one ``raise`` under a traced condition.

The jump to the handler (normalize_exits) runs a copy of the handler after the body,
outside any ``except``, where a bare ``raise`` has no exception to raise again: such
handlers were not jumped to, and the traced ``raise`` was refused for every input, also
where Python returns a value. The copy now raises the body's own exception again (``raise
ValueError("neg")``), the one ``raise`` that can reach it (finder12 w012, w023).

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def cleanup_and_reraise(v):
    s = 0.0
    n = 0
    for x in v:
        try:
            if x < 0:
                raise ValueError("neg")
            s += x
        except ValueError:
            n += 1
            raise
    return s, n


def inner_handler_reraises_its_own(x):
    r = 0
    try:
        if x > 5:
            raise KeyError("k")
        r = 1
    except KeyError:
        try:
            if x > 8:
                raise ValueError("inner")
            r = 2
        except ValueError:
            r = 3
    return r


def test_under_jit_no_negative_value_gives_pythons_answer():
    v = [1.0, 2.0]
    s, n = py2lax.autograph_jit(cleanup_and_reraise)(jnp.array(v))
    assert (float(s), int(n)) == cleanup_and_reraise(np.array(v))


def test_under_jit_a_negative_value_raises_the_users_error_when_it_runs():
    with pytest.raises(Exception, match="neg"):
        jax.block_until_ready(py2lax.autograph_jit(cleanup_and_reraise)(jnp.array([1.0, -2.0])))


@pytest.mark.parametrize("v", [[1.0, 2.0], [1.0, -2.0, 3.0]])
def test_python_values(v):
    try:
        expected = cleanup_and_reraise(np.array(v))
    except ValueError as error:
        with pytest.raises(ValueError, match=str(error)):
            py2lax.convert(cleanup_and_reraise)(np.array(v))
    else:
        assert py2lax.convert(cleanup_and_reraise)(np.array(v)) == expected


@pytest.mark.parametrize("x", [1, 6, 9])
def test_a_nested_handlers_raise_is_its_own(x):
    assert int(py2lax.autograph_jit(inner_handler_reraises_its_own)(jnp.int32(x))) == \
        inner_handler_reraises_its_own(x)
    assert py2lax.convert(inner_handler_reraises_its_own)(x) == inner_handler_reraises_its_own(x)
