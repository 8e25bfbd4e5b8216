"""Lists grown in a loop whose trip count is traced, bounded by ``loop_options``.

``py2lax.loop_options(max_iterations=N)`` makes such a loop N masked scan steps; a list
it appends to becomes the steps' stacked outputs with a flag per step that ran, so it is
a list of traced length afterwards (``len``/``sum``/``max`` of it are Python's). These
raised an internal ``TypeError`` from ``lax.cond`` before (the body's lists are longer
than the carried ones). Without a bound the loop is refused, and the error names the
bound; a loop that also reads the list it grows is refused at its line.
"""

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax import ConversionError, autograph_jit


def prefix_count(x, n):
    ys = []
    for i in range(n):
        py2lax.loop_options(max_iterations=6)
        ys.append(x * i)
    return sum(ys) + len(ys)


def halvings(x):
    history = []
    while x > 1.0:
        py2lax.loop_options(max_iterations=20)
        x = x / 2.0
        history.append(x)
    return len(history), x


def collatz(n):
    seq = [n]
    while n != 1:
        py2lax.loop_options(max_iterations=200)
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        seq.append(n)
    return len(seq), max(seq)


def until_negative(x, n):
    out = []
    for i in range(n):
        py2lax.loop_options(max_iterations=10)
        if x[i] < 0:
            break
        out.append(x[i] * 2)
    return len(out), sum(out)


def split_by_sign(x, n):
    pos, neg = [], []
    for i in range(n):
        py2lax.loop_options(max_iterations=6)
        if x[i] > 0:
            pos.append(x[i])
        else:
            neg.append(x[i])
    return len(pos), len(neg), sum(pos) - sum(neg)


def reads_what_it_grows(x, n):
    out = [x[0]]
    for i in range(1, n):
        py2lax.loop_options(max_iterations=7)
        out.append(out[-1] * 0.5 + x[i])
    return len(out)


def unbounded(x, n):
    ys = []
    for i in range(n):
        ys.append(x[i] * 2)
    return len(ys)


V = np.array([1.0, -2.0, 3.0, 4.0, -5.0, 6.0], np.float32)


def _same(got, want):
    got = np.atleast_1d(np.asarray(got, np.float64))
    want = np.atleast_1d(np.asarray(want, np.float64))
    assert got.shape == want.shape and np.allclose(got, want), (got, want)


@pytest.mark.parametrize("n", [0, 3, 6])
def test_for_range_with_a_bound(n):
    _same(autograph_jit(prefix_count)(jnp.float32(1.5), jnp.int32(n)), prefix_count(1.5, n))


@pytest.mark.parametrize("x", [0.5, 10.0, 100.0])
def test_while_with_a_bound(x):
    _same(autograph_jit(halvings)(jnp.float32(x)), halvings(x))


@pytest.mark.parametrize("n", [1, 6, 7])
def test_while_with_an_if_and_a_bound(n):
    _same(autograph_jit(collatz)(jnp.int32(n)), collatz(n))


@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("function", [until_negative, split_by_sign])
def test_break_and_conditional_appends_with_a_bound(function, n):
    _same(autograph_jit(function)(jnp.asarray(V), jnp.int32(n)), function(V, n))


@pytest.mark.parametrize("n", [0, 1, 4, 6])
def test_reading_the_list_it_grows(n):
    # the list is carried as a buffer of max_iterations rows and a count (it was refused)
    _same(autograph_jit(reads_what_it_grows)(jnp.asarray(V), jnp.int32(n)),
          reads_what_it_grows(V, n))


def test_without_a_bound_the_error_says_how_to_give_one():
    with pytest.raises(ConversionError, match=r"loop_options\(max_iterations=N\)"):
        autograph_jit(unbounded)(jnp.asarray(V), jnp.int32(4))
