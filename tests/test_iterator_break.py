"""A ``for`` loop over an iterator that stops at ``break`` leaves the iterator where
Python leaves it: the item after the break is still there for the code that follows.

With a traced ``break`` the position is known only when the program runs: an iterator
read again afterwards, or one without end, is a located refusal (never a wrong answer or
a trace that never ends).
"""

import itertools

import jax
import numpy as np
import pytest

import py2lax


def split_at_marker(lines):
    it = iter(lines)
    header = []
    for line in it:
        if line == "---":
            break
        header.append(line)
    return header, list(it)


def first_above_then_rest(x):
    it = iter([1.0, 2.0, 3.0, 4.0])
    first = 0.0
    for a in it:
        if a > x:
            first = a
            break
    rest = 0.0
    for b in it:
        rest += b
    return first, rest


def next_after_break(n):
    it = iter(range(10))
    for v in it:
        if v == n:
            break
    return next(it)


def pairs_then_rest(n):
    it = iter(range(10))
    for a, b in zip(it, it):
        if a >= n:
            break
    return list(it)


@pytest.mark.parametrize(("function", "args"), [
    (split_at_marker, (("a", "b", "---", "c", "d"),)),
    (first_above_then_rest, (2.5,)),
    (next_after_break, (3,)),
    (pairs_then_rest, (4,)),
])
def test_break_leaves_the_iterator_where_python_does(function, args):
    assert py2lax.convert(function)(*args) == function(*args)


def test_static_break_under_jit_keeps_the_rest():
    jitted = py2lax.autograph_jit(next_after_break, static_argnums=0)
    assert int(jitted(3)) == next_after_break(3)


def test_traced_break_on_an_iterator_read_again_is_refused_at_the_loop():
    with pytest.raises(py2lax.ConversionError, match="reads again afterwards") as refused:
        py2lax.autograph_jit(first_above_then_rest)(2.5)
    assert "test_iterator_break.py" in str(refused.value)


def count_until(x):
    n = 0
    for n in itertools.count():
        if x > 5:
            break
        x = x * 2
    return x, n


def test_traced_break_on_an_endless_iterator_is_refused_not_unrolled_forever(monkeypatch):
    from py2lax.runtime import loops

    monkeypatch.setattr(loops, "_UNROLLED_AFTER_TRACED_BREAK", 25)
    with pytest.raises(py2lax.ConversionError, match="never stop"):
        py2lax.autograph_jit(count_until)(1.0)


def test_traced_break_on_a_generator_nobody_reads_again_converts():
    def first_large(x):
        found = -1.0
        for v in (float(k) for k in range(6)):
            if v * x > 3.0:
                found = v
                break
        return found

    for x in (1.0, 0.1):
        np.testing.assert_allclose(
            np.asarray(jax.block_until_ready(py2lax.autograph_jit(first_large)(x))),
            first_large(x))
