"""Forms real code mixes (issue 13), found by the random-program tester's v3 mode.

Python is the oracle: each function runs eagerly on plain values, through
``py2lax.convert`` on the same values (exactly equal), and through ``autograph_jit`` on
JAX values (close), for inputs that take every path. Each class here was once refused
for a reason Python does not have, or answered differently.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from conftest import assert_tree_close

import py2lax


def three_ways(function, *args, static_argnums=()):
    """Python's result == the converted function's (plain values) ~ the jitted one's."""
    expected = function(*args)
    assert_tree_close(expected, py2lax.convert(function)(*args), dtype=None, rtol=0, atol=0)
    jax_args = tuple(a if i in static_argnums else jnp.asarray(a) for i, a in enumerate(args))
    actual = py2lax.autograph_jit(function, static_argnums=static_argnums)(*jax_args)
    assert_tree_close(expected, actual, dtype=None)
    return expected


# --- a walrus in a later operand of `and`/`or`, in an `if` with an `else` ----------------
# The target is assigned only when Python evaluates that operand, and read only on the
# paths where it was. Testing the whole condition first left it assigned in one branch of
# a traced `if` and read in another: "variable 'z' is assigned only in the true branch".

def walrus_after_and_with_else(x, y):
    s = 0.0
    if y < x and (z := x * 2.0) > 1.0:
        s = z
    else:
        s = -1.0
    return s


def walrus_after_and_in_elif_chain(x, y):
    if x > 2.0:
        s = 0.5
    elif y < x and (z := x - y) > 1.0:
        s = z * 0.5
    elif (d := y * 2.0) > x:
        s = d
    else:
        s = d - 1.0
    return s


def walrus_after_two_ands_in_loop_with_return(x, y, w):
    s = 0.0
    for i in range(w.shape[0]):
        if x > 0.0 and w[i] > -5.0 and (z := w[i] + x) > 1.0:
            s = s + z
        else:
            try:
                if y > 2.0:
                    return s, x
                s -= 2.0
            finally:
                s += 1.0
    return s, x


def walrus_after_or_read_in_else(x, y):
    # `z` is read only in the `else`, which runs only when `y > x` was false.
    if y > x or (z := x - y) > 1.0:
        s = 1.0
    else:
        s = z * 3.0
    return s


@pytest.mark.parametrize("x, y", [(1.5, -0.5), (0.2, -0.5), (1.5, 3.0), (3.0, 1.0), (-1.0, -3.0)])
@pytest.mark.parametrize("function", [walrus_after_and_with_else, walrus_after_and_in_elif_chain,
                                      walrus_after_or_read_in_else])
def test_a_walrus_in_a_later_operand_binds_where_python_reads_it(function, x, y):
    three_ways(function, x, y)


@pytest.mark.parametrize("x, y", [(1.5, -0.5), (-1.0, 3.0), (-1.0, 0.0), (0.5, 0.0)])
def test_a_walrus_after_and_in_a_loop_with_a_return_in_try(x, y):
    three_ways(walrus_after_two_ands_in_loop_with_return, x, y, np.array([0.5, -1.0, 2.0]))


def test_a_walrus_after_and_with_a_static_first_operand_stays_python():
    def choose(x, n):
        if n > 1 and (m := n * 2) > 3:
            return x * m
        else:
            return x
    assert three_ways(choose, 1.5, 2, static_argnums=(1,)) == 6.0
    assert three_ways(choose, 1.5, 1, static_argnums=(1,)) == 1.5
