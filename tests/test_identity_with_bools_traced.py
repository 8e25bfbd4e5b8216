"""``x is True`` / ``case True:`` on a traced scalar bool the program computed
(``a > 0``): Python's answer depends on the caller's values (True for Python numbers,
never for arrays), so it is refused at the user's line with the fix. Before, it was False
for every input and ``match (a > 0, b > 0): case (True, True)`` always fell to the last
case, silently (finder12 m012): the identity tests inside an ``and`` were never looked at."""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax


def quadrant(a, b):
    match (a > 0, b > 0):
        case (True, True):
            return 1
        case (True, False):
            return 2
        case (False, True):
            return 3
    return 4


def doubled_when_flagged(x):
    flag = x > 1.0
    if flag is True:
        return x * 2.0
    return x


def quadrant_by_guards(a, b):
    match (a > 0, b > 0):
        case (p, q) if p and q:
            return 1
        case (p, q) if p:
            return 2
        case (p, q) if q:
            return 3
    return 4


@pytest.mark.parametrize("function, line", [(quadrant, "case (True, True):"),
                                            (doubled_when_flagged, "if flag is True:")])
def test_identity_of_a_computed_traced_bool_is_refused_at_its_line(function, line):
    with pytest.raises(py2lax.ConversionError) as refused:
        py2lax.autograph_jit(function)(jnp.float32(1.0), *([jnp.float32(1.0)] * (function is quadrant)))
    message = str(refused.value)
    assert __file__ in message and line in message and "Fix:" in message


@pytest.mark.parametrize("a, b", [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)])
def test_the_fix_the_message_gives_matches_python(a, b):
    assert py2lax.autograph_jit(quadrant_by_guards)(jnp.float32(a), jnp.float32(b)) == quadrant(a, b)
