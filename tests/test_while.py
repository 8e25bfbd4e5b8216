"""``while`` loops and boolean operators: Python's meaning under jit.

Property tests draw trip counts of zero, one and many; every converted function is
jitted once at module level so each test compiles only once.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import py2lax
from conftest import (
    PROPERTY,
    assert_same,
    converted_primitives,
    equations,
    f32,
    has_control_flow,
    i32,
    jaxpr_of,
)
from py2lax import autograph_jit

pytestmark = pytest.mark.usefixtures("time_limit")

trip_counts = st.sampled_from([-1, 0, 1, 2]) | st.integers(-5, 50)


# ------------------------------------------------------------- traced condition
def count_down(n):
    total = 0
    while n > 0:
        total = total + n
        n = n - 1
    return total, n


_count_down = autograph_jit(count_down)


@PROPERTY
@given(n=trip_counts)
def test_while_traced_condition(n):
    assert_same(count_down, i32(n), jitted=_count_down, dtype="exact")


def test_while_traced_condition_is_while_loop():
    counts = converted_primitives(count_down, i32(3))
    assert counts["while"] == 1, counts


def carries_only_changed_and_read(x, n):
    i = 0
    s = x * 0
    k = x + 1           # read inside, never changed: closed over, not carried
    unused = x * 5      # assigned inside, never read again: not carried
    while i < n:
        t = i * 2           # temporary, assigned before read in every iteration
        s = s + k * t
        unused = s * 2
        i = i + 1
    return s


_carries = autograph_jit(carries_only_changed_and_read)


@PROPERTY
@given(x=st.floats(-10, 10, width=32), n=trip_counts)
def test_while_carries_values(x, n):
    assert_same(carries_only_changed_and_read, f32(x), i32(n), jitted=_carries)


def test_while_carries_exactly_changed_and_read_variables():
    jaxpr = jaxpr_of(py2lax.convert(carries_only_changed_and_read), f32(1.0), i32(3))
    (loop,) = equations(jaxpr, "while")
    # carried: i and s only (k is a constant of the body, t and unused are not carried)
    assert len(loop.params["body_jaxpr"].jaxpr.outvars) == 2, loop


def test_while_carried_names_in_source():
    source = py2lax.to_source(carries_only_changed_and_read)
    call = next(line for line in source.splitlines() if "py2lax.while_loop" in line)
    carried = call.split("=")[0].replace(" ", "").strip(",()").split(",")
    assert sorted(carried) == ["i", "s"], call


def python_counter(x):
    i = 0
    while i < 5:
        x = x * 2
        i = i + 1
    return x


def test_while_on_python_counter_stays_python():
    assert_same(python_counter, f32(1.5), dtype="exact")
    counts = converted_primitives(python_counter, f32(1.5))
    assert not has_control_flow(counts), counts
    assert counts["mul"] == 5


def while_else(n):
    i = 0
    while i < n:
        i = i + 2
    else:
        i = i * 10
    return i


@pytest.mark.parametrize("n", [-1, 0, 1, 4, 5])
def test_while_else_without_break(n):
    assert_same(while_else, i32(n), dtype="exact")


# ------------------------------------------------------- boolean operators in conditions
def newton_sqrt(a, tol):
    x = a
    err = jnp.abs(x * x - a)
    i = 0
    while i < 50 and err > tol:
        x = 0.5 * (x + a / x)
        err = jnp.abs(x * x - a)
        i = i + 1
    return x, i


_newton_sqrt = autograph_jit(newton_sqrt)


@PROPERTY
@given(a=st.floats(0.5, 1000, width=32), tol=st.sampled_from([1e-1, 1e-3, 1e6]))
def test_while_and_condition(a, tol):
    assert_same(newton_sqrt, f32(a), f32(tol), jitted=_newton_sqrt)


def or_not_condition(x, n):
    i = 0
    while not (i >= n) or x < 0:
        x = x + 1
        i = i + 1
    return x, i


_or_not_condition = autograph_jit(or_not_condition)


@PROPERTY
@given(x=st.integers(-5, 5), n=trip_counts)
def test_while_or_not_condition(x, n):
    assert_same(or_not_condition, i32(x), i32(n), jitted=_or_not_condition)


def chained_comparison(x):
    steps = 0
    while 0 < x < 1:
        x = x * 1.5
        steps = steps + 1
    return x, steps


_chained_comparison = autograph_jit(chained_comparison)


@PROPERTY
@given(x=st.sampled_from([0.0, 1.0, -0.5, 0.999]) | st.floats(-1, 2, width=32))
def test_while_chained_comparison(x):
    assert_same(chained_comparison, f32(x), jitted=_chained_comparison)


def boolean_ops_value(x, y):
    a = x > 0 and y > 0
    b = x > 0 or y > 0
    c = not x > 0
    return a, b, c


_boolean_ops_value = autograph_jit(boolean_ops_value)


@PROPERTY
@given(x=st.sampled_from([-1.0, 0.0, 1.0]), y=st.sampled_from([-1.0, 0.0, 1.0]))
def test_boolean_operators_on_traced_values(x, y):
    assert_same(boolean_ops_value, f32(x), f32(y), jitted=_boolean_ops_value, dtype="exact")


def static_short_circuit(x, y=None):
    if y is not None and y.shape[0] > 2:
        x = x + y[2]
    return x


def test_static_and_short_circuits_on_none():
    # `y.shape` must not be evaluated when y is None
    assert_same(static_short_circuit, f32(1.0), dtype="exact")
    assert_same(static_short_circuit, f32(1.0), jnp.arange(4.0), dtype="exact")
    assert_same(static_short_circuit, f32(1.0), jnp.arange(2.0), dtype="exact")


def mixed_short_circuit(x, y):
    if y is not None and x > 0:
        x = x + y
    return x


def test_mixed_static_and_traced_and():
    assert_same(mixed_short_circuit, f32(1.0), None)
    assert_same(mixed_short_circuit, f32(1.0), f32(2.0))
    assert_same(mixed_short_circuit, f32(-1.0), f32(2.0))


def test_or_does_not_evaluate_second_operand_when_first_is_static_true():
    def f(x, items):
        if True or items[0] > 0:
            x = x * 2
        return x

    assert_same(f, f32(1.0), [])


def truthy_value_of_or(x):
    y = None or x
    z = 0 or 5
    return y, z


def test_or_returns_operand_value_when_static():
    # Python: `None or x` is x itself (a float), not a boolean
    assert_same(truthy_value_of_or, f32(3.0))


def traced_or_value(x, y):
    return x or y


@pytest.mark.parametrize("x", [0.0, 2.5])
def test_or_of_traced_values_returns_an_operand(x):
    # Python: `x or y` is x when x is truthy, else y (a value, not a bool)
    assert_same(traced_or_value, f32(x), f32(7.0))


def and_with_side_effect_guard(x, n):
    calls = []

    def check():
        calls.append(1)
        return x > 0

    ok = n > 100 and check()
    return ok, len(calls)


def test_static_false_and_skips_second_operand_even_if_traced():
    # `n` is static (Python int): `n > 100` is False, `check()` must never run
    out = autograph_jit(and_with_side_effect_guard, static_argnames="n")(f32(1.0), 3)
    assert out == (False, 0)


# -------------------------------------------------------------------- promotion
def int_accumulator_float_update(x, n):
    s = 0
    i = 0
    while i < n:
        s = s + x
        i = i + 1
    return s


_int_accumulator_float_update = autograph_jit(int_accumulator_float_update)


@PROPERTY
@given(x=st.floats(-10, 10, width=32), n=trip_counts)
def test_while_s_zero_then_float32_promotes(x, n):
    out = _int_accumulator_float_update(f32(x), i32(n))
    expected = int_accumulator_float_update(f32(x), i32(n))
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), rtol=1e-5, atol=1e-5)
    assert out.dtype == jnp.float32  # the dtype the loop gives it


def weak_int_plus_int32(n):
    s = 0
    i = 0
    while i < n:
        s = s + i
        i = i + 1
    return s


def test_while_weak_int_accumulator_with_int32_updates():
    for n in (0, 1, 5):
        assert_same(weak_int_plus_int32, i32(n))


def float_counter(x):
    i = 0
    while i < x:
        i = i + 0.5
    return i


def test_while_counter_promoted_from_int_to_float():
    for x in (-1.0, 0.0, 0.25, 3.0):
        out = autograph_jit(float_counter)(f32(x))
        assert float(out) == float(float_counter(f32(x)))


# ------------------------------------------------------------------- definedness
def first_assigned_inside(n):
    i = 0
    while i < n:
        last = i * 2
        i = i + 1
    return last


def test_variable_first_assigned_in_traced_loop_used_after_raises():
    # Python's meaning: the loop's last value, and UnboundLocalError (raised when the
    # compiled program runs) where the loop ran zero times
    assert int(autograph_jit(first_assigned_inside)(i32(3))) == 4
    with pytest.raises(Exception, match="UnboundLocalError") as info:
        jax.block_until_ready(autograph_jit(first_assigned_inside)(i32(0)))
    assert "'last'" in str(info.value)


def test_variable_first_assigned_in_static_loop_works():
    assert_same(first_assigned_inside, 3, jit_kwargs=dict(static_argnums=0))


def temporary_inside_loop(n):
    i = 0
    s = 0
    while i < n:
        t = i * 2
        s = s + t
        i = i + 1
    return s


def test_temporary_defined_inside_traced_loop_is_fine():
    for n in (0, 1, 4):
        assert_same(temporary_inside_loop, i32(n))


# ------------------------------------------------------------------------- nesting
def nested_loops(x, n, m):
    total = x * 0
    for i in range(n):
        if i % 2 == 0:
            j = 0
            while j < m:
                total = total + x * j
                j = j + 1
        else:
            total = total - i
    return total


_nested_loops = autograph_jit(nested_loops)


@PROPERTY
@given(x=st.floats(-3, 3, width=32), n=st.integers(-1, 7), m=st.integers(-1, 6))
def test_while_inside_if_inside_for(x, n, m):
    assert_same(nested_loops, f32(x), i32(n), i32(m), jitted=_nested_loops)


def test_nested_loops_jaxpr():
    counts = converted_primitives(nested_loops, f32(1.0), i32(3), i32(2))
    assert counts["cond"] >= 1 and counts["while"] >= 2, counts


def while_in_while(n):
    i = 0
    total = 0
    while i < n:
        j = 0
        while j < i:
            total = total + j
            j = j + 1
        i = i + 1
    return total


_while_in_while = autograph_jit(while_in_while)


@PROPERTY
@given(n=st.integers(-2, 20))
def test_while_in_while(n):
    assert_same(while_in_while, i32(n), jitted=_while_in_while, dtype="exact")


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps = steps + 1
    return steps


_collatz_steps = autograph_jit(collatz_steps)


@PROPERTY
@given(n=st.integers(1, 200))
def test_if_inside_while(n):
    assert_same(collatz_steps, i32(n), jitted=_collatz_steps, dtype="exact")


def augmented_assignments(x, n):
    i = 0
    while i < n:
        x *= 2
        x -= 1
        i += 1
    return x


_augmented = autograph_jit(augmented_assignments)


@PROPERTY
@given(x=st.integers(-3, 3), n=st.integers(-1, 10))
def test_while_augmented_assignments(x, n):
    assert_same(augmented_assignments, i32(x), i32(n), jitted=_augmented, dtype="exact")


def tuple_carry(x, n):
    a, b = x, x * 0
    while n > 0:
        a, b = b, a + b
        n = n - 1
    return a, b


@pytest.mark.parametrize("n", [0, 1, 10])
def test_while_tuple_assignment(n):
    assert_same(tuple_carry, f32(1.0), i32(n))


def pytree_carry(x, n):
    state = {"x": x, "count": 0}
    while state["count"] < n:
        state = {"x": state["x"] * 2, "count": state["count"] + 1}
    return state


@pytest.mark.parametrize("n", [0, 3])
def test_while_carries_a_dict(n):
    assert_same(pytree_carry, f32(1.5), i32(n))


def chained_comparison_evaluates_middle_once(x):
    calls = []

    def middle():
        calls.append(1)
        return x

    inside = 0 < middle() < 1
    return inside, len(calls)


@pytest.mark.parametrize("x", [-1.0, 0.5, 2.0])
def test_chained_comparison_evaluates_middle_operand_once(x):
    # Python evaluates `middle()` exactly once in `0 < middle() < 1`
    assert_same(chained_comparison_evaluates_middle_once, f32(x))


def walrus_in_condition(x):
    n = 0
    while (y := x * 2) < 100:
        x = y
        n = n + 1
    return x, n


@pytest.mark.parametrize("x", [3.0, 200.0])
def test_walrus_in_while_condition(x):
    assert_same(walrus_in_condition, f32(x))


def while_true_with_break(n):
    i = 0
    while True:
        i = i + 1
        if i * i > n:
            break
    return i


@pytest.mark.parametrize("n", [0, 1, 10, 99])
def test_while_true_with_break_on_traced_condition(n):
    assert_same(while_true_with_break, i32(n), dtype="exact")


def done_flag(x):
    done = False
    steps = 0
    while not done:
        x = x / 2
        steps = steps + 1
        done = x < 1
    return x, steps


@pytest.mark.parametrize("x", [0.5, 10.0, 1000.0])
def test_while_not_done_flag(x):
    assert_same(done_flag, f32(x))


def int_truthiness(n):
    k = 0
    while n:
        n = n // 2
        k = k + 1
    return k


@pytest.mark.parametrize("n", [0, 1, 5, 1000])
def test_while_on_traced_int_truthiness(n):
    assert_same(int_truthiness, i32(n))
