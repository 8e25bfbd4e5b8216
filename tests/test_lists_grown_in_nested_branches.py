"""A list the function alone holds, grown in one branch of a traced ``if`` nested in
another (``if ...: return`` then ``elif ...: record(hist, v)``): the outer branch hands
the list down to the inner one, so it is still one variable and the list becomes a
masked list (before, the outer branch's frame and operands counted as other holders and
the program was refused). An alias, a container, an object or a caller holding the
list keeps the located refusal."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def record(items, z):
    items.append(z)


def grown_after_an_early_return(p, q):
    hist = [p, q]
    acc = p
    if acc < q:
        return acc, hist[-1]
    elif p > 0.5:
        hist[-1] = jnp.tanh(hist[-1])
        record(hist, p * 2.0)
    acc = acc + 1.0
    return acc, hist[-1] + len(hist)


def grown_by_append_in_an_elif(p, q):
    hist = [p]
    if p < q:
        hist = [q, q]
    elif p > 0.5:
        hist[0] = p * 0.5
        hist.append(q)
    return sum(hist), len(hist)


class Box:
    pass


def aliased(p, q):
    hist = [p, q]
    other = hist
    if p < q:
        return p, len(other)
    elif p > 0.5:
        hist[-1] = q
        record(hist, p * 2.0)
    return p + 1.0, len(other)


def held_by_an_object(p, q):
    hist = [p, q]
    box = Box()
    box.items = hist
    if p < q:
        return p, len(box.items)
    elif p > 0.5:
        hist[-1] = q
        record(hist, p * 2.0)
    return p + 1.0, len(box.items)


def held_by_a_list(p, q):
    hist = [p, q]
    pair = [hist]
    if p < q:
        return p, len(pair[0])
    elif p > 0.5:
        hist[-1] = q
        record(hist, p * 2.0)
    return p + 1.0, len(pair[0])


POINTS = [(0.2, 0.1), (0.7, 0.1), (0.1, 0.9)]


@pytest.mark.parametrize("function", [grown_after_an_early_return, grown_by_append_in_an_elif])
@pytest.mark.parametrize("p, q", POINTS)
def test_list_grown_in_a_nested_branch_matches_python(function, p, q):
    expected = function(p, q)
    actual = py2lax.autograph_jit(function)(jnp.float32(p), jnp.float32(q))
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=1e-6)


@pytest.mark.parametrize("function", [aliased, held_by_an_object, held_by_a_list])
def test_list_another_name_holds_stays_refused_at_the_branch(function):
    with pytest.raises(py2lax.ConversionError, match="hist") as caught:
        py2lax.autograph_jit(function)(jnp.float32(0.7), jnp.float32(0.1))
    assert __file__ in str(caught.value)
