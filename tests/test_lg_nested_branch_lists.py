"""Lists and dicts resized by a helper inside a traced `if` nested in another traced `if`.

A helper call (``note(log, v)``) changes the list in place, so the branch does not
rebind the variable: py2lax carries the list whole through the closure cell that holds
it. Inside another traced branch that cell must be carried by the enclosing branch too
(the inner `if` gives the variable a masked list, which only the enclosing branch's
results take out of its trace); these were refused with "changed in a branch of this
traced `if`" before.
"""

import jax.numpy as jnp
import pytest

from py2lax import autograph_jit


def note(log, v):
    log.append(v)


def put(d, k, v):
    d[k] = v


def two_levels(x, y):
    log = []
    if x > 0:
        if y > 0:
            note(log, x + y)
    return len(log), sum(log)


def three_levels(x, y, z):
    log = [0.0]
    if x > 0:
        note(log, x)
        if y > 0:
            if z > 0:
                note(log, z)
            note(log, y)
    return len(log), sum(log)


def read_in_outer_branch(x, y):
    log = []
    total = 0.0
    if x > 0:
        if y > 0:
            note(log, y)
        total = total + len(log) * 10.0
    return len(log), total


def other_branch_grows_too(x, y):
    log = []
    if x > 0:
        if y > 0:
            note(log, y)
    else:
        note(log, x)
        note(log, x)
    return len(log), sum(log)


def dict_key_added(x, y):
    d = {"a": 1.0}
    if x > 0:
        if y > 0:
            put(d, "b", y)
    return d.get("b", -1.0), len(d)


def _same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert jnp.allclose(jnp.asarray(g, jnp.float32), jnp.asarray(w, jnp.float32)), (got, want)


SIGNS = [(1.0, 2.0, 3.0), (1.0, 2.0, -3.0), (1.0, -2.0, 3.0), (-1.0, 2.0, 3.0)]


@pytest.mark.parametrize("function", [two_levels, read_in_outer_branch,
                                      other_branch_grows_too, dict_key_added])
@pytest.mark.parametrize("values", SIGNS)
def test_two_argument_programs_match_python(function, values):
    x, y, _ = values
    _same(autograph_jit(function)(jnp.float32(x), jnp.float32(y)), function(x, y))


@pytest.mark.parametrize("values", SIGNS)
def test_three_nested_ifs_match_python(values):
    got = autograph_jit(three_levels)(*map(jnp.float32, values))
    _same(got, three_levels(*values))
