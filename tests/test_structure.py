"""What the compiled program looks like: ``cond``/``while``/``scan`` in the jaxpr exactly
where control flow depends on traced values, none where it is static."""

from __future__ import annotations

import jax.numpy as jnp
import pytest

import py2lax
from conftest import converted_primitives, f32, i32
from py2lax.runtime import UNROLL_LIMIT

pytestmark = pytest.mark.usefixtures("time_limit")


def traced_if(x):
    if x > 0:
        x = x * 2
    return x


def traced_elif(x):
    if x > 1:
        y = x
    elif x > 0:
        y = x * 2
    else:
        y = x * 3
    return y


def traced_ternary(x):
    return x if x > 0 else -x


def static_shape_if(x):
    if x.shape[0] > 2:
        x = x[:2]
    return x


def static_none_if(x, y=None):
    if y is None:
        return x
    return x + y


def static_argument_if(x, flag):
    if flag:
        x = x * 2
    return x


def concrete_closure_if(x):
    if SWITCH:
        x = x + 1
    return x


SWITCH = True


def traced_while(x):
    while x < 100:
        x = x * 2
    return x


def python_counter_while(x):
    i = 0
    while i < 4:
        x = x + 1
        i = i + 1
    return x


def traced_range(x, n):
    for i in range(n):
        x = x + i
    return x


def short_static_range(x):
    for i in range(UNROLL_LIMIT):
        x = x * 2
    return x


def long_static_range(x):
    for i in range(UNROLL_LIMIT * 10):
        x = x * 2
    return x


def rows_loop(xs):
    t = xs[0] * 0
    for row in xs:
        t = t + row
    return t


def short_rows_loop_static(xs):
    t = 0.0
    for row in [1.0, 2.0, 3.0]:
        t = t + row * xs
    return t


def traced_and(x, y):
    return x > 0 and y > 0


def static_and(x, y=None):
    if y is not None and y.ndim > 0:
        x = x + y
    return x


def if_in_traced_loop(x, n):
    for i in range(n):
        if x > 10:
            x = x - 10
        else:
            x = x * 3
    return x


def traced_if_in_static_short_loop(x):
    for i in range(3):
        if x > 10:
            x = x - 10
    return x


X = f32(1.5)
CASES = [
    # function, args, kwargs for converted_primitives, expected counts (None: absent)
    pytest.param(traced_if, (X,), {}, {"cond": 1, "while": 0, "scan": 0}, id="traced-if"),
    pytest.param(traced_elif, (X,), {}, {"cond": 2}, id="traced-elif"),
    pytest.param(traced_ternary, (X,), {}, {"cond": 1}, id="traced-ternary"),
    pytest.param(static_shape_if, (jnp.ones(3),), {}, {"cond": 0}, id="static-shape-if"),
    pytest.param(static_none_if, (X,), {}, {"cond": 0}, id="static-none-if"),
    pytest.param(static_argument_if, (X, True), {"static_argnums": (1,)}, {"cond": 0},
                 id="static-argument-if"),
    pytest.param(concrete_closure_if, (X,), {}, {"cond": 0}, id="concrete-global-if"),
    pytest.param(traced_while, (X,), {}, {"while": 1, "cond": 0}, id="traced-while"),
    pytest.param(python_counter_while, (X,), {}, {"while": 0, "scan": 0, "cond": 0},
                 id="python-counter-while"),
    pytest.param(traced_range, (X, i32(3)), {}, {"while": 1}, id="traced-range"),
    pytest.param(short_static_range, (X,), {}, {"while": 0, "scan": 0, "mul": UNROLL_LIMIT},
                 id="short-static-range-unrolled"),
    pytest.param(rows_loop, (jnp.ones((50, 2)),), {}, {"scan": 1, "while": 0}, id="rows-scan"),
    pytest.param(short_rows_loop_static, (X,), {}, {"scan": 0, "while": 0},
                 id="python-list-loop"),
    pytest.param(traced_and, (X, X), {}, {"and": 1, "cond": 0}, id="traced-and"),
    pytest.param(static_and, (X,), {}, {"cond": 0, "and": 0}, id="static-and"),
    pytest.param(if_in_traced_loop, (X, i32(3)), {}, {"while": 1, "cond": 1},
                 id="if-in-traced-loop"),
    pytest.param(traced_if_in_static_short_loop, (X,), {}, {"cond": 3, "while": 0, "scan": 0},
                 id="traced-if-in-unrolled-loop"),
]


@pytest.mark.parametrize("function, args, kwargs, expected", CASES)
def test_primitive_counts(function, args, kwargs, expected):
    counts = converted_primitives(function, *args, **kwargs)
    for name, count in expected.items():
        assert counts[name] == count, f"{name}: {counts[name]} != {count} in {dict(counts)}"


def test_long_static_range_is_one_loop():
    counts = converted_primitives(long_static_range, X)
    assert counts["scan"] + counts["while"] == 1, counts
    assert counts["mul"] == 1, counts


def test_static_if_leaves_no_trace_of_the_other_branch():
    counts = converted_primitives(static_shape_if, jnp.ones(2))
    assert sum(counts.values()) == 0, counts


def test_traced_if_branches_are_both_compiled():
    def f(x):
        if x > 0:
            y = jnp.sin(x)
        else:
            y = jnp.cos(x)
        return y

    counts = converted_primitives(f, X)
    assert counts["cond"] == 1 and counts["sin"] == 1 and counts["cos"] == 1, counts


def test_to_source_agrees_with_structure():
    assert "py2lax.cond(" in py2lax.to_source(traced_if)
    assert "py2lax.cond(" not in py2lax.to_source(static_shape_if)
    assert "py2lax.while_loop(" in py2lax.to_source(traced_while)
    assert "py2lax.fori_loop(" in py2lax.to_source(traced_range)
    assert "py2lax.for_each(" in py2lax.to_source(rows_loop)
