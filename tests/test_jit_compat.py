"""``autograph_jit`` is a drop-in for ``jax.jit``: every function that plain ``jax.jit``
already runs (control flow on static values, Python loops over traced arrays, lists
built in loops, ...) must give the same result, with the same side effects per trace.

Oracle: ``jax.jit(f)`` itself, and the eager Python function.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import pytest

from conftest import assert_tree_close, f32
from py2lax import autograph_jit

pytestmark = pytest.mark.usefixtures("time_limit")

TABLE = [0.5 * k for k in range(16)]


def shape_if(x):
    if x.shape[0] > 2:
        x = x[:2]
    return x * 2


def python_while(x):
    i = 0
    while i < 12:
        x = x + i
        i = i + 1
    return x


def static_range_list_index(x):
    for i in range(len(TABLE)):
        x = x * 0.9 + TABLE[i]
    return x


def static_range_stack(x):
    rows = []
    for i in range(x.shape[0]):
        rows.append(x[i] * i)
    return jnp.stack(rows)


def static_range_dict_keys(x):
    params = {f"w{i}": float(i) for i in range(12)}
    for i in range(12):
        x = x + params[f"w{i}"]
    return x


def static_range_shapes(x):
    for i in range(10):
        x = x + jnp.zeros(i + 1).sum()
    return x


def static_range_slices(x):
    total = x[0] * 0
    for i in range(x.shape[0] - 1):
        total = total + x[i:i + 2].sum()
    return total


def static_range_static_if(x):
    for i in range(12):
        if i % 3 == 0:
            x = x * 2
        else:
            x = x - 1
    return x


def array_rows_list(xs):
    outs = []
    for row in xs:
        outs.append(row.sum())
    return jnp.stack(outs)


def array_rows_tuple_result(xs):
    best = None
    for row in xs:
        best = row if best is None else jnp.maximum(best, row)
    return best


def enumerate_rows_python_index(xs):
    total = xs[0] * 0
    for i, row in enumerate(xs):
        total = total + row * TABLE[i]
    return total


def zip_with_python_list(xs):
    total = xs[0] * 0
    for row, w in zip(xs, TABLE):
        total = total + row * w
    return total


def unpack_rows(xs):
    total = 0.0
    for a, b in xs:
        total = total + a * b
    return total


def nested_python_loops(x):
    for i in range(3):
        for j in range(4):
            x = x + i * j
    return x


def comprehension(xs):
    return jnp.stack([row * 2 for row in xs])


def static_python_int_loop_variable_after(x):
    for i in range(10):
        x = x + 1
    return x * i


FUNCTIONS = [shape_if, python_while, static_range_list_index, static_range_stack,
             static_range_dict_keys, static_range_shapes, static_range_slices,
             static_range_static_if, array_rows_list,
             array_rows_tuple_result, enumerate_rows_python_index, zip_with_python_list,
             unpack_rows, nested_python_loops, comprehension,
             static_python_int_loop_variable_after]

ARGS = {
    "shape_if": (jnp.arange(5.0),),
    "unpack_rows": (jnp.arange(24.0).reshape(12, 2),),
}


def _args(function):
    return ARGS.get(function.__name__, (jnp.arange(12.0).reshape(12, 1) * 0.25 + 1,))


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_same_as_jax_jit(function):
    args = _args(function)
    by_jax = jax.jit(lambda *a: function(*a))(*args)
    eager = function(*args)
    assert_tree_close(eager, by_jax)           # sanity: plain jax.jit runs it
    assert_tree_close(by_jax, autograph_jit(function)(*args), dtype="exact")


TRACE_LOG = []


def logs_each_iteration(x):
    for i in range(12):
        TRACE_LOG.append(i)
        x = x + i
    return x


def test_static_loop_side_effects_same_as_jax_jit():
    TRACE_LOG.clear()
    jax.jit(lambda x: logs_each_iteration(x))(f32(0.0))
    by_jax = list(TRACE_LOG)
    TRACE_LOG.clear()
    autograph_jit(logs_each_iteration)(f32(0.0))
    by_py2lax = list(TRACE_LOG)
    TRACE_LOG.clear()
    assert by_jax == list(range(12))
    assert by_py2lax == by_jax


def test_static_argnums_semantics_same_as_jax_jit():
    def f(x, n):
        for i in range(n):
            x = x * 2
        return x

    by_jax = jax.jit(lambda x, n: f(x, n), static_argnums=1)
    by_py2lax = autograph_jit(f, static_argnums=1)
    for n in (0, 3, 20):
        assert_tree_close(by_jax(f32(1.0), n), by_py2lax(f32(1.0), n), dtype="exact")


def test_weak_types_same_as_jax_jit():
    def f(x):
        return x * 2

    assert autograph_jit(f)(2.0).weak_type == jax.jit(lambda x: f(x))(2.0).weak_type


def _write_through_a_list(w0, x):
    w = w0.copy()
    rows = [w]
    rows[0][1] = x  # reaches `w` too (py2lax records the new array for the old one)
    if x > 1.0:
        rows[0][2] = x * 2.0
    return w


def test_no_tracer_outlives_its_trace_under_jax_checking_leaks():
    """py2lax's own records (alias writes, types of joined values) die with the call that
    made them: JAX's leak checker finds nothing, and the answer is Python's."""
    with jax.checking_leaks():
        result = autograph_jit(_write_through_a_list)(jnp.zeros(3), f32(2.0))
    assert result.tolist() == [0.0, 2.0, 4.0]
