"""A static loop that grows a list and reads it back (``xs[-1]``, ``len(xs)``) compiles as
one scan carrying the list as a buffer and a count (``runtime/readable_growth``): Python's
values, a program whose size does not grow with the number of iterations, and, after a
traced ``break``, a list of traced length."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax import autograph_jit


def grow_until(x, n):
    xs = [x]
    for i in range(n):
        if xs[-1] > 10.0:
            break
        xs.append(xs[-1] * 1.5 + 1.0)
    return xs[-1], len(xs), sum(xs)


def recurrence(x, n):
    xs = [x, x + 1.0]
    for i in range(n):
        xs.append(xs[-1] + 0.5 * xs[-2])
    return xs[-1], len(xs)


def kept_when_positive(x, n):
    xs = []
    t = x
    for i in range(n):
        if t > 0:
            xs.append(t)
        if len(xs) > 3:
            t = t - xs[-1]
        t = t - 0.3
    return len(xs), sum(xs)


def _agree(function, n, x):
    expected = function(x, n)
    got = autograph_jit(functools.partial(function, n=n))(jnp.float32(x))
    for want, have in zip(expected, got):
        np.testing.assert_allclose(np.asarray(have), want, rtol=1e-5)


@pytest.mark.parametrize("function", [grow_until, recurrence, kept_when_positive])
@pytest.mark.parametrize("x", [1.0, 20.0, -0.5])
def test_matches_python(function, x):
    _agree(function, 12, x)


def test_program_size_does_not_grow_with_the_trip_count():
    sizes = []
    for n in (10, 40):
        lowered = autograph_jit(functools.partial(grow_until, n=n)).lower(jnp.float32(1.0))
        sizes.append(len(lowered.as_text()))
    assert sizes[1] < sizes[0] * 1.05  # one scan either way, not 40 nested conds


def test_a_long_loop_gives_pythons_answer():
    _agree(grow_until, 200, 0.01)
    _agree(recurrence, 50, 0.1)


def pairs_replaced(x):
    ps = [(x, 0.0), (x + 1.0, 2.0)]
    if x > 0:
        ps[0] = (x * 3.0, 1.0)
    return ps[0][0] + ps[1][1]


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_a_list_of_tuples_through_a_traced_if(x):
    # (its unchanged items were compared as a dict's (key, value) pairs: a traced `!=`)
    np.testing.assert_allclose(autograph_jit(pairs_replaced)(jnp.float32(x)),
                               pairs_replaced(x))


def bounded_history(x):
    xs = [x]
    while xs[-1] < 10.0:
        py2lax.loop_options(max_iterations=50)
        xs.append(xs[-1] * 1.5 + 1.0)
    return xs[-1], len(xs), max(xs)


def too_small_a_bound(x):
    xs = [x]
    while xs[-1] < 10.0:
        py2lax.loop_options(max_iterations=2)
        xs.append(xs[-1] * 1.5 + 1.0)
    return xs[-1]


@pytest.mark.parametrize("x", [1.0, 0.01, 20.0])
def test_a_bounded_while_reads_the_list_it_grows(x):
    # (refused before: 'the loop also reads it, so its items cannot be the stacked outputs')
    for want, have in zip(bounded_history(x), autograph_jit(bounded_history)(jnp.float32(x))):
        np.testing.assert_allclose(np.asarray(have), want, rtol=1e-5)


def test_a_bound_too_small_raises_when_the_program_runs():
    with pytest.raises(Exception, match="max_iterations"):
        jax.block_until_ready(autograph_jit(too_small_a_bound)(jnp.float32(1.0)))
