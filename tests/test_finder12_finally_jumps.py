"""A ``break``, ``continue`` or ``return`` in a ``finally`` block cancels the jump its
``try`` had pending, as Python does.

``continue`` in the ``finally`` of a ``try`` whose body ran ``break`` goes on with the
loop; ``break`` there cancels the body's ``return``. The jumps are flags after
normalization (``broke_N``, ``continued_N``, ``returned``): the body's flag stayed set
beside the new one, so the loop stopped (or the function returned) where Python goes on.
Both on Python values and under jit the answers were wrong, silently (finder12 y001, y002).

Oracle: the original function run eagerly on the same inputs.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

pytestmark = pytest.mark.usefixtures("time_limit")


def continue_in_finally_after_break(v):
    s = 0
    for x in v:
        try:
            if x > 2:
                break
            s += x
        finally:
            if x == 3:
                continue
        s += 100
    return s


def break_in_finally_after_return(v):
    r = -1
    for x in v:
        try:
            if x > 2:
                return x
        finally:
            if x > 4:
                break
        r = x
    return r * 10


def return_in_try_continue_in_finally(v):
    total = 0
    for x in v:
        try:
            if x > 5:
                return -1
            total += x
        finally:
            if x > 8:
                continue
    return total


def loop_inside_finally_breaks_only_itself(v):
    s = 0
    for x in v:
        try:
            if x > 3:
                break
            s += x
        finally:
            for k in range(3):
                if k == 1:
                    break
                s += 100
    return s


CASES = [
    (continue_in_finally_after_break, [1, 3, 2, 5, 1]),
    (continue_in_finally_after_break, [1, 2]),
    (break_in_finally_after_return, [1, 5, 2]),
    (break_in_finally_after_return, [1, 3, 2]),
    (break_in_finally_after_return, [1, 2]),
    (return_in_try_continue_in_finally, [1, 9, 2]),
    (return_in_try_continue_in_finally, [1, 6, 2]),
    (loop_inside_finally_breaks_only_itself, [1, 5, 2]),
]


@pytest.mark.parametrize("function, values", CASES)
def test_python_values(function, values):
    expected = function(np.array(values))
    assert py2lax.convert(function)(np.array(values)) == expected


@pytest.mark.parametrize("function, values", CASES)
def test_under_jit(function, values):
    expected = function(np.array(values))
    assert int(py2lax.autograph_jit(function)(jnp.array(values))) == expected
