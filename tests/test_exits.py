"""``return``, ``break`` and ``continue`` inside traced ``if``/loops: Python's meaning.

Oracle: the original function run eagerly. Every converted function is jitted once.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import PROPERTY, assert_same, converted_primitives, f32, has_loop, i32
from py2lax import autograph_jit

pytestmark = pytest.mark.usefixtures("time_limit")

small = st.integers(-3, 12)
vectors = st.lists(st.integers(-5, 5), min_size=6, max_size=6)


def first_positive(xs):
    for i in range(xs.shape[0]):
        if xs[i] > 0:
            return i
    return -1


def first_positive_in_row_loop(xs):
    for i, x in enumerate(xs):
        if x > 0:
            return i
    return -1


def break_in_while(n, limit):
    i = 0
    total = 0
    while i < n:
        total = total + i
        if total > limit:
            break
        i = i + 1
    return total, i


def break_in_traced_range(n, limit):
    total = 0
    for i in range(n):
        if total + i > limit:
            break
        total = total + i
    return total


def continue_in_range(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        total = total + i
    return total


def continue_in_while(n):
    i = 0
    total = 0
    while i < n:
        i = i + 1
        if i % 2 == 0:
            continue
        total = total + i * i
    return total


def for_else_with_break(n, target):
    found = -1
    for i in range(n):
        if i == target:
            found = i
            break
    else:
        found = 100
    return found


def while_else_with_break(n, target):
    i = 0
    while i < n:
        if i == target:
            break
        i = i + 1
    else:
        i = -i
    return i


def return_inside_while(x, n):
    i = 0
    while i < n:
        x = x * 2
        if x > 50:
            return x, i
        i = i + 1
    return -x, i


def break_in_inner_loop(n, m):
    total = 0
    for i in range(n):
        for j in range(m):
            if j > i:
                break
            total = total + j
    return total


def return_from_nested_loops(n, m, target):
    for i in range(n):
        for j in range(m):
            if i * j == target:
                return i, j
    return -1, -1


def break_and_continue(n):
    total = 0
    i = 0
    while i < n:
        i = i + 1
        if i % 2 == 0:
            continue
        if i > 9:
            break
        total = total + i
    return total, i


INT_FUNCTIONS_2 = [break_in_while, break_in_traced_range, for_else_with_break,
                   while_else_with_break, break_in_inner_loop]
_JIT2 = {f.__name__: autograph_jit(f) for f in INT_FUNCTIONS_2}


@pytest.mark.parametrize("function", INT_FUNCTIONS_2, ids=lambda f: f.__name__)
@PROPERTY
@given(a=small, b=small)
def test_exits_two_int_arguments(function, a, b):
    assert_same(function, i32(a), i32(b), jitted=_JIT2[function.__name__], dtype="exact")


INT_FUNCTIONS_1 = [continue_in_range, continue_in_while, break_and_continue]
_JIT1 = {f.__name__: autograph_jit(f) for f in INT_FUNCTIONS_1}


@pytest.mark.parametrize("function", INT_FUNCTIONS_1, ids=lambda f: f.__name__)
@PROPERTY
@given(n=st.integers(-2, 20))
def test_exits_one_int_argument(function, n):
    assert_same(function, i32(n), jitted=_JIT1[function.__name__], dtype="exact")


_first_positive = autograph_jit(first_positive)
_first_positive_rows = autograph_jit(first_positive_in_row_loop)


@PROPERTY
@given(values=vectors)
def test_return_inside_for(values):
    xs = jnp.asarray(values, dtype=jnp.int32)
    assert_same(first_positive, xs, jitted=_first_positive)
    assert_same(first_positive_in_row_loop, xs, jitted=_first_positive_rows)


def test_return_inside_for_is_compiled_as_a_loop():
    assert has_loop(converted_primitives(first_positive, jnp.zeros(20, jnp.int32)))


_return_inside_while = autograph_jit(return_inside_while)


@PROPERTY
@given(x=st.floats(-10, 10, width=32), n=small)
def test_return_inside_while(x, n):
    assert_same(return_inside_while, f32(x), i32(n), jitted=_return_inside_while)


_return_from_nested_loops = autograph_jit(return_from_nested_loops)


@PROPERTY
@given(n=st.integers(-1, 6), m=st.integers(-1, 6), target=st.integers(-1, 30))
def test_return_from_nested_loops(n, m, target):
    assert_same(return_from_nested_loops, i32(n), i32(m), i32(target),
                jitted=_return_from_nested_loops, dtype="exact")


def break_in_static_loop(x):
    for i in range(100):
        if i * i > 30:
            break
        x = x + i
    return x


def test_break_in_static_loop_stays_python_semantics():
    assert_same(break_in_static_loop, f32(0.0))


def break_on_traced_condition_in_static_range(x):
    for i in range(20):
        if x > 100:
            break
        x = x * 2
    return x


@pytest.mark.parametrize("x", [0.0, 1.0, 3.0, 200.0, -1.0])
def test_break_on_traced_condition_in_static_range(x):
    assert_same(break_on_traced_condition_in_static_range, f32(x))


def return_in_loop_over_rows_value(xs, threshold):
    total = xs[0] * 0
    for x in xs:
        total = total + x
        if total > threshold:
            return total
    return total * 0 - 1


@pytest.mark.parametrize("threshold", [-100.0, 0.0, 3.0, 100.0])
def test_return_in_loop_over_rows(threshold):
    xs = f32(np.array([1.0, -2.0, 3.0, 4.0, 0.5]))
    assert_same(return_in_loop_over_rows_value, xs, f32(threshold))
