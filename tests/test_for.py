"""``for`` loops: ranges with traced or static bounds, iteration over arrays, Python
containers. Oracle: the original function run eagerly."""

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
    assert_tree_close,
    converted_primitives,
    f32,
    has_control_flow,
    has_loop,
    i32,
)
from py2lax import autograph_jit
from py2lax.runtime import UNROLL_LIMIT

pytestmark = pytest.mark.usefixtures("time_limit")

bounds = st.sampled_from([-3, -1, 0, 1, 2, 5]) | st.integers(-12, 12)
steps = st.sampled_from([1, 2, 3, -1, -2, -3, 5, -5])


# ------------------------------------------------------------ traced range bounds
def range_start_stop_step(start, stop, step):
    trips = 0
    total = 0
    for i in range(start, stop, step):
        total = total + i * (trips + 1)
        trips = trips + 1
    return total, trips


_range3_all_traced = autograph_jit(range_start_stop_step)
_range3_static_step = autograph_jit(range_start_stop_step, static_argnames="step")


@PROPERTY
@given(start=bounds, stop=bounds, step=steps)
def test_range_all_bounds_traced(start, stop, step):
    assert_same(range_start_stop_step, i32(start), i32(stop), i32(step),
                jitted=_range3_all_traced, dtype="exact")


@PROPERTY
@given(start=bounds, stop=bounds, step=steps)
def test_range_traced_start_stop_static_step(start, stop, step):
    # one compile per distinct step value
    assert_same(range_start_stop_step, i32(start), i32(stop), step,
                jitted=_range3_static_step)


def test_range_traced_is_a_loop():
    counts = converted_primitives(range_start_stop_step, i32(0), i32(5), i32(1))
    assert has_loop(counts), counts


def range_zero_step(n, step):
    total = 0
    for i in range(0, n, step):
        total = total + i
    return total


def test_range_zero_step_raises_value_error_like_python():
    with pytest.raises(ValueError):
        range_zero_step(3, 0)
    with pytest.raises(ValueError):
        autograph_jit(range_zero_step, static_argnames="step")(i32(3), 0)


def range_stop_only(x, n):
    y = x * 0
    for i in range(n):
        y = y + x * i
    return y


_range_stop_only = autograph_jit(range_stop_only)


@PROPERTY
@given(x=st.floats(-5, 5, width=32), n=st.sampled_from([-2, 0, 1]) | st.integers(-3, 30))
def test_range_stop_only_zero_one_many_trips(x, n):
    assert_same(range_stop_only, f32(x), i32(n), jitted=_range_stop_only)


def range_start_stop(a, b):
    total = 0
    for i in range(a, b):
        total = total * 2 + i
    return total


_range_start_stop = autograph_jit(range_start_stop)


@PROPERTY
@given(a=bounds, b=bounds)
def test_range_start_and_stop_traced(a, b):
    assert_same(range_start_stop, i32(a), i32(b), jitted=_range_start_stop, dtype="exact")


def range_negative_literal_step(n):
    out = 0
    for i in range(n, -1, -1):
        out = out * 3 + i
    return out


_range_negative_literal_step = autograph_jit(range_negative_literal_step)


@PROPERTY
@given(n=bounds)
def test_range_negative_literal_step(n):
    assert_same(range_negative_literal_step, i32(n), jitted=_range_negative_literal_step,
                dtype="exact")


def reversed_range(a, b):
    out = 0
    for i in reversed(range(a, b)):
        out = out * 3 + i
    for i in reversed(range(a, b, 3)):
        out = out * 5 - i
    return out


_reversed_range = autograph_jit(reversed_range)


@PROPERTY
@given(a=bounds, b=bounds)
def test_reversed_range_with_traced_bounds_counts_down_like_python(a, b):
    assert_same(reversed_range, i32(a), i32(b), jitted=_reversed_range, dtype="exact")
    assert py2lax.convert(reversed_range)(a, b) == reversed_range(a, b)


def test_reversed_range_with_a_bound_that_calls_stays_python_iteration():
    calls = []

    def bound(n):
        calls.append(n)
        return n

    def f(n):
        total = 0
        for i in reversed(range(bound(n))):
            total = total * 2 + i
        return total

    assert py2lax.convert(f)(4) == f(4) and calls == [4, 4]


def range_index_used_as_array_index(xs, n):
    s = xs[0] * 0
    for i in range(n):
        s = s + xs[i] * (i + 1)
    return s


def test_range_index_used_to_index_array():
    xs = jnp.arange(10.0)
    jitted = autograph_jit(range_index_used_as_array_index)
    for n in (0, 1, 7, 10):
        assert_same(range_index_used_as_array_index, xs, i32(n), jitted=jitted)


def for_else(n):
    s = 0
    for i in range(n):
        s = s + i
    else:
        s = s * 10
    return s


@pytest.mark.parametrize("n", [0, 1, 5])
def test_for_else_without_break(n):
    assert_same(for_else, i32(n), dtype="exact")


def s_int_plus_float_in_range(x, n):
    s = 0
    for i in range(n):
        s = s + x
    return s


def test_fori_promotes_int_accumulator_to_float32():
    jitted = autograph_jit(s_int_plus_float_in_range)
    for n in (0, 1, 4):
        out = jitted(f32(1.5), i32(n))
        assert out.dtype == jnp.float32
        assert float(out) == float(s_int_plus_float_in_range(f32(1.5), i32(n)))


def s_plus_index(n):
    s = 0
    for i in range(n):
        s = s + i
    return s


def test_fori_weak_int_accumulator_plus_index():
    for n in (0, 1, 5):
        assert_same(s_plus_index, i32(n))


# ----------------------------------------------------------------- static ranges
def long_static_range(x):
    y = x * 0
    for i in range(1000):
        y = y + jnp.sin(x * i) * 0.001
    return y


def test_long_static_range_compiles_as_a_loop():
    counts = converted_primitives(long_static_range, f32(0.3))
    assert has_loop(counts), counts
    assert counts["sin"] < 10 and counts["add"] < 20, counts  # not 1000 unrolled bodies


def test_long_static_range_value():
    assert_same(long_static_range, f32(0.3), dtype="exact")


def test_grad_through_long_static_range_matches_eager_grad():
    expected = jax.grad(long_static_range)(f32(0.3))        # plain Python loop, eager
    actual = jax.jit(jax.grad(py2lax.convert(long_static_range)))(f32(0.3))
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)


def test_grad_without_jit_through_long_static_range():
    expected = jax.grad(long_static_range)(f32(0.7))
    actual = jax.grad(py2lax.convert(long_static_range))(f32(0.7))
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5)


WEIGHTS = [float(k) / 7 for k in range(20)]


def static_range_indexing_python_list(x):
    y = x * 0
    for i in range(len(WEIGHTS)):
        y = y + WEIGHTS[i] * x
    return y


def test_static_range_indexing_python_list_unrolls():
    assert len(WEIGHTS) > UNROLL_LIMIT
    assert_same(static_range_indexing_python_list, f32(2.0), dtype="exact")


def static_range_indexing_nested_list(x):
    table = [[1.0, 2.0], [3.0, 4.0]] * 6
    y = x * 0
    for i in range(12):
        row = table[i]
        y = y + row[0] * x - row[1]
    return y


def test_static_range_with_local_python_list():
    assert_same(static_range_indexing_nested_list, f32(0.5))


def static_range_appending(x):
    outs = []
    for i in range(20):
        outs.append(x * i)
    return jnp.stack(outs)


def test_long_static_range_appending_to_python_list_matches_python():
    # Python (and plain jax.jit) give 20 rows
    assert_same(static_range_appending, f32(1.5), dtype="exact")


def short_static_range(x):
    y = x
    for i in range(3):
        y = y * 2 + i
    return y


def test_short_static_range_is_unrolled():
    assert UNROLL_LIMIT >= 3
    assert_same(short_static_range, f32(1.0))
    counts = converted_primitives(short_static_range, f32(1.0))
    assert not has_loop(counts), counts
    assert counts["mul"] == 3, counts


def exactly_unroll_limit(x):
    y = x
    for i in range(UNROLL_LIMIT):
        y = y * 2
    return y


def just_above_unroll_limit(x):
    y = x
    for i in range(UNROLL_LIMIT + 1):
        y = y * 2
    return y


def test_unroll_limit_boundary():
    assert not has_loop(converted_primitives(exactly_unroll_limit, f32(1.0)))
    assert has_loop(converted_primitives(just_above_unroll_limit, f32(1.0)))
    assert_same(exactly_unroll_limit, f32(1.0))
    assert_same(just_above_unroll_limit, f32(1.0))


def static_range_with_step(x):
    y = x * 0
    for i in range(30, 1, -3):
        y = y * 0.5 + i
    return y


def test_long_static_range_with_negative_step():
    assert_same(static_range_with_step, f32(1.0))
    assert has_loop(converted_primitives(static_range_with_step, f32(1.0)))


def static_range_index_as_shape(x):
    y = x
    for i in range(10):
        y = y + jnp.zeros(i + 1)[-1]
    return y


def test_long_static_range_whose_body_needs_a_concrete_index():
    assert_same(static_range_index_as_shape, f32(1.0))


# ------------------------------------------------------------ iterating over arrays
def sum_rows(xs):
    total = jnp.zeros(xs.shape[1:])
    for row in xs:
        total = total + row * 2
    return total


def sum_rows_enumerate(xs):
    total = jnp.zeros(xs.shape[1:])
    for i, row in enumerate(xs):
        total = total + row * i
    return total


def sum_rows_enumerate_start(xs):
    total = jnp.zeros(xs.shape[1:])
    for i, row in enumerate(xs, 5):
        total = total + row * i
    return total


def sum_rows_zip(xs, ys):
    total = xs[0] * 0
    for x, y in zip(xs, ys):
        total = total + x * y
    return total


def running_max(xs):
    best = xs[0]
    for x in xs:
        best = jnp.maximum(best, x)
        if x > best - 1:
            best = best + 0
    return best


@pytest.mark.parametrize("length", [1, 3, UNROLL_LIMIT + 5])
def test_for_row_in_array(length):
    xs = jnp.arange(length * 2, dtype=jnp.float32).reshape(length, 2)
    assert_same(sum_rows, xs, dtype="exact")
    assert_same(sum_rows_enumerate, xs, dtype="exact")
    assert_same(sum_rows_enumerate_start, xs, dtype="exact")
    assert_same(sum_rows_zip, xs, xs + 1, dtype="exact")
    assert_same(running_max, xs[:, 0], dtype="exact")


def test_for_over_traced_array_is_scan():
    xs = jnp.ones((50, 2))
    for function in (sum_rows, sum_rows_enumerate):
        assert converted_primitives(function, xs)["scan"] == 1
    assert converted_primitives(sum_rows_zip, xs, xs)["scan"] == 1


def test_zip_of_arrays_of_different_lengths_stops_at_shortest():
    assert_same(sum_rows_zip, jnp.arange(12.0), jnp.arange(5.0))
    assert_same(sum_rows_zip, jnp.arange(3.0), jnp.arange(7.0))


def test_for_over_empty_array():
    assert_same(sum_rows, jnp.zeros((0, 3)))


def vector_accumulator_from_zero(xs):
    s = 0
    for row in xs:
        s = s + row
    return s


@pytest.mark.parametrize("length", [1, 2, 5, 20])
def test_scalar_accumulator_becomes_vector_after_first_iteration(length):
    xs = jnp.arange(length * 3, dtype=jnp.float32).reshape(length, 3)
    out = assert_same(vector_accumulator_from_zero, xs, dtype="exact")
    assert out.shape == (3,)


def test_scalar_accumulator_of_zero_rows_stays_python_zero():
    out = autograph_jit(vector_accumulator_from_zero)(jnp.zeros((0, 3)))
    assert_tree_close(vector_accumulator_from_zero(jnp.zeros((0, 3))), out)


def rows_to_list(xs):
    ys = []
    for row in xs:
        ys.append(row * 2)
    return jnp.stack(ys)


@pytest.mark.parametrize("length", [3, 20])
def test_appending_rows_to_python_list_matches_python(length):
    # plain jax.jit handles this (iterating a tracer unrolls); so must py2lax
    xs = jnp.arange(length * 2.0).reshape(length, 2)
    assert_same(rows_to_list, xs, dtype="exact")


@PROPERTY
@given(values=st.lists(st.integers(-100, 100), min_size=10, max_size=10))
def test_enumerate_property(values):
    # fixed shape: one compile for every example; integer values keep float32 sums exact
    xs = jnp.asarray(values, dtype=jnp.float32)
    assert_same(sum_rows_enumerate, xs, jitted=_sum_rows_enumerate)


_sum_rows_enumerate = autograph_jit(sum_rows_enumerate)


def numpy_array_loop(x, table):
    y = x
    for value in table:
        y = y + float(value)
    return y


def test_for_over_numpy_array_stays_python():
    table = np.arange(20.0)
    expected = numpy_array_loop(f32(1.0), table)
    actual = jax.jit(lambda x: py2lax.convert(numpy_array_loop)(x, table))(f32(1.0))
    assert_tree_close(expected, actual)


# ------------------------------------------------------------ Python containers
def loop_over_list(x):
    for scale in [1.0, 2.0, 3.0]:
        x = x * scale
    return x


def loop_over_tuple_of_functions(x):
    for fn in (jnp.sin, jnp.cos, jnp.tanh):
        x = fn(x)
    return x


def loop_over_dict_items(params, x):
    for name, value in params.items():
        x = x + value * len(name)
    return x


def loop_over_dict_keys(params, x):
    for key in params:
        x = x * params[key]
    return x


def loop_over_string(x):
    for ch in "abc":
        x = x + ord(ch)
    return x


def test_loops_over_python_containers_stay_python():
    assert_same(loop_over_list, f32(1.5))
    assert_same(loop_over_tuple_of_functions, f32(0.5))
    params = {"a": f32(1.0), "bb": f32(2.0), "ccc": f32(3.0)}
    assert_same(loop_over_dict_items, params, f32(0.0))
    assert_same(loop_over_dict_keys, params, f32(1.0))
    assert_same(loop_over_string, f32(0.0))
    for fn in (loop_over_list, loop_over_tuple_of_functions, loop_over_string):
        assert not has_control_flow(converted_primitives(fn, f32(0.5)))
    assert not has_control_flow(converted_primitives(loop_over_dict_items, params, f32(0.0)))


def test_loops_over_literal_containers_left_as_python_in_source():
    assert "for scale in [1.0, 2.0, 3.0]:" in py2lax.to_source(loop_over_list)
    # (a loop over a dict's items is lowered: a traced `if` may have resized the dict, whose
    # items then run under their present flags; over a Python dict it runs as Python, as
    # test_loops_over_python_containers_stay_python checks)
    assert "py2lax.for_each(" in py2lax.to_source(loop_over_dict_items)


def loop_over_list_argument(xs, x):
    for item in xs:
        x = x + item
    return x


def test_loop_over_list_of_arrays_argument():
    xs = [f32(k) for k in range(12)]
    assert_same(loop_over_list_argument, xs, f32(0.0))
    assert not has_loop(converted_primitives(loop_over_list_argument, xs, f32(0.0)))


def loop_variable_used_after(x):
    for i in range(4):
        x = x + i
    return x, i


def test_static_loop_variable_used_after_loop():
    assert_same(loop_variable_used_after, f32(1.0))


def nested_for(xs, n):
    total = xs[0, 0] * 0
    for row in xs:
        for j in range(n):
            total = total + row[j % row.shape[0]] * j
    return total


def test_nested_for_over_rows_and_traced_range():
    xs = jnp.arange(12.0).reshape(4, 3)
    jitted = autograph_jit(nested_for)
    for n in (0, 2, 5):
        assert_same(nested_for, xs, i32(n), jitted=jitted)


def first_assigned_in_traced_for(n):
    for i in range(n):
        last = i * 2
    return last


def first_read_in_traced_for(n):
    for i in range(n):
        last = last + i * 2
    return last


def test_variable_first_assigned_in_traced_for_holds_the_last_iterations_value():
    assert int(autograph_jit(first_assigned_in_traced_for)(i32(3))) == 4
    with pytest.raises(Exception, match="UnboundLocalError"):  # Python's error, when run
        jax.block_until_ready(autograph_jit(first_assigned_in_traced_for)(i32(0)))


def test_variable_read_before_its_first_assignment_in_traced_for_raises():
    with pytest.raises(py2lax.UndefinedVariableError):
        autograph_jit(first_read_in_traced_for)(i32(3))


SIDE_EFFECTS = []


def static_range_with_global_side_effect(x):
    for i in range(12):
        SIDE_EFFECTS.append(i)
        x = x + WEIGHTS[i]     # Python list indexed by i: needs concrete i
    return x


def test_static_range_side_effects_happen_once_per_iteration():
    SIDE_EFFECTS.clear()
    expected = static_range_with_global_side_effect(f32(0.0))
    python_effects = list(SIDE_EFFECTS)
    SIDE_EFFECTS.clear()
    actual = autograph_jit(static_range_with_global_side_effect)(f32(0.0))
    assert_tree_close(expected, actual)
    assert SIDE_EFFECTS == python_effects == list(range(12))
    SIDE_EFFECTS.clear()


def last_row_after_loop(xs):
    for row in xs:
        pass
    return row


@pytest.mark.parametrize("length", [1, 3, 12])
def test_loop_variable_of_array_loop_used_after_loop(length):
    # the array's length is static and non-zero; plain jax.jit runs this too
    assert_same(last_row_after_loop, jnp.arange(length * 2.0).reshape(length, 2))


def float_bound(n):
    total = 0
    for i in range(n):
        total = total + 1
    return total


def test_range_of_traced_float_is_a_type_error_like_python():
    with pytest.raises(TypeError):
        float_bound(f32(3.0))
    with pytest.raises(TypeError):
        autograph_jit(float_bound)(f32(3.0))


def iterate_0d(x):
    total = 0.0
    for v in x:
        total = total + v
    return total


def test_iterating_a_0d_array_is_a_type_error_like_python():
    with pytest.raises(TypeError):
        iterate_0d(f32(3.0))
    with pytest.raises(TypeError):
        autograph_jit(iterate_0d)(f32(3.0))


def range_bound_reassigned_in_body(n):
    total = 0
    for i in range(n):
        n = n + 1          # range(n) was evaluated once: no effect on the trip count
        total = total + 1
    return total, n


def range_target_reassigned_in_body(n):
    total = 0
    for i in range(n):
        i = i * 2          # the next iteration still gets the next range value
        total = total + i
    return total


@pytest.mark.parametrize("n", [0, 1, 4])
def test_reassigning_range_bound_or_target_in_body(n):
    assert_same(range_bound_reassigned_in_body, i32(n))
    assert_same(range_target_reassigned_in_body, i32(n))


def loop_index_initialised_before(n):
    i = -1
    for i in range(n):
        pass
    return i


@pytest.mark.parametrize("n", [0, 1, 5])
def test_traced_range_target_used_after_loop_when_initialised(n):
    assert_same(loop_index_initialised_before, i32(n))


def enumerate_of_zip(xs, ys):
    t = xs[0] * 0
    for i, (a, b) in enumerate(zip(xs, ys)):
        t = t + i * a * b
    return t


def test_enumerate_of_zip_of_arrays():
    assert_same(enumerate_of_zip, jnp.arange(12.0), jnp.arange(12.0) + 1)


def triangular(n):
    t = 0
    for i in range(n):
        for j in range(i):
            t = t + j
    return t


@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_inner_range_bounded_by_outer_index(n):
    assert_same(triangular, i32(n))


def shadowed_range(x):
    def range(n):          # the user's own `range`, not the builtin
        return [10, 20]

    for i in range(3):
        x = x + i
    return x


def test_shadowed_range_is_not_the_builtin():
    assert_same(shadowed_range, f32(0.0))


INTEGER_DTYPES = [jnp.int8, jnp.int16, jnp.int32, jnp.uint8, jnp.uint16, jnp.uint32]


def sum_of_range(n):
    s = 0
    for i in range(n):
        s = s + i
    return s


@pytest.mark.parametrize("integer", INTEGER_DTYPES, ids=lambda d: d.__name__)
def test_traced_range_bound_of_any_integer_dtype(integer):
    # Python: range() accepts any integer (numpy/jax scalars of every integer dtype);
    # the sum's dtype is not compared (Python gives an int, jit an unsigned array)
    assert_same(sum_of_range, integer(5), dtype=None)


def sum_of_range_start_stop(a, b):
    s = 0
    for i in range(a, b):
        s = s + i
    return s


def test_traced_range_bounds_of_different_integer_dtypes():
    assert_same(sum_of_range_start_stop, jnp.int32(1), jnp.int16(5))
    assert_same(sum_of_range_start_stop, jnp.uint8(1), jnp.int32(5), dtype=None)
