"""A nested helper's traced ``if`` or loop that writes a ``nonlocal`` of the function
being compiled: Python writes the enclosing function's cell, and so does the converted
program (it was refused with OuterWriteError). A cell of a closure made before the
compiled call stays refused: it would keep a traced value after it."""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def if_in_helper(x):
    count = 0

    def bump(v):
        nonlocal count
        if v > 1:
            count += 2
        else:
            count += 1

    bump(x)
    if x > 0:
        bump(x - 1)
    return count


def loop_in_helper(x):
    total = 0.0

    def accumulate(n):
        nonlocal total
        i = 0
        while i < n:
            total = total + i
            i = i + 1
        for j in range(3):
            if n > j:
                total = total + n

    accumulate(x)
    accumulate(x - 1)
    return total


def through_another_helper(x):
    count = 0

    def bump(v):
        nonlocal count
        if v > 2:
            count += 2

    def go(v):
        bump(v)

    if x > 0:
        go(x)
    return count


def _counter():
    count = 0

    def step(x):
        nonlocal count
        if x > 0:
            count += 1
        return x * 2

    return step


made_before = _counter()


@pytest.mark.parametrize("program", [if_in_helper, loop_in_helper, through_another_helper])
@pytest.mark.parametrize("x", [1.5, -1.5, 2.5])
def test_matches_python(program, x):
    np.testing.assert_allclose(py2lax.autograph_jit(program)(jnp.float32(x)),
                               program(np.float32(x)), rtol=1e-6)
    assert py2lax.convert(program)(x) == program(x)


def test_a_cell_made_before_the_compiled_call_is_refused():
    with pytest.raises(py2lax.OuterWriteError, match=r"test_ob_nonlocal_helpers\.py:\d+: "
                       r"this `if` assigns 'count'"):
        py2lax.autograph_jit(made_before)(jnp.float32(1.0))
