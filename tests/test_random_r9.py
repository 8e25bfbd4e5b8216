"""Programs found by a ninth independent random program generator (issues 12 and 13).

The generator (kept outside the repository) writes ``def kernel(p, q, data, reps, steps,
gain)`` over module-level helpers, a dataclass, a class with static and class methods and
a module-level instance, a nested ``@jax.jit`` function and helpers that return ranges;
each program here is one of its failures, minimized. Each must give Python's answer
(``py2lax.convert(f)`` on Python values exactly, ``jax.jit`` of it on jax arrays closely)
or raise a located ``ConversionError`` naming this file and the line.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax

DATA = (0.4, -1.1, 0.9, 0.2, -0.3)
INPUTS = [(0.3, -0.7, DATA, 3), (-1.2, 0.5, DATA[::-1], 0), (1.0, 1.0, DATA, 5)]


def _close(expected, actual) -> bool:
    if isinstance(expected, tuple):
        return (isinstance(actual, tuple) and len(expected) == len(actual)
                and all(map(_close, expected, actual)))
    return np.allclose(np.asarray(expected, np.float64), np.asarray(actual, np.float64),
                       rtol=1e-4, atol=1e-5)


def agrees(f, inputs=INPUTS):
    """``f(p, q, data, reps)`` converted gives Python's answer on Python values (the same
    types too) and under ``jax.jit`` (``reps`` traced)."""
    converted = py2lax.convert(f)
    jitted = jax.jit(converted)
    for p, q, data, reps in inputs:
        expected = f(p, q, np.array(data, np.float32), reps)
        actual = converted(p, q, np.array(data, np.float32), reps)
        assert type(actual) is type(expected) and _close(expected, actual), (expected, actual)
        expected = f(np.float32(p), np.float32(q), np.array(data, np.float32), reps)
        actual = jitted(jnp.float32(p), jnp.float32(q), jnp.asarray(data, jnp.float32),
                        jnp.int32(reps))
        assert _close(expected, actual), (expected, actual)


# -- a range made by a helper, iterated by the caller's for ------------------------------

def evens(n):
    return range(0, n, 2)


def ticks(n):
    return range(n)


def range_from_a_helper(p, q, data, reps):
    acc = p * 0.5
    for i in evens(reps + 2):
        acc = acc + data[i % 5] * 0.5
    for i in ticks(reps):
        if acc > q:
            break
        acc = jnp.tanh(acc + i * 0.25)
    return acc


def range_kept_in_a_name(p, q, data, reps):
    steps = range(1, reps)
    total = q
    for i in steps:
        total = total + data[i] * p
    return total


@pytest.mark.parametrize("f", [range_from_a_helper, range_kept_in_a_name])
def test_a_range_with_a_traced_bound_made_outside_the_for_runs_as_fori_loop(f):
    """``for i in evens(n)`` where ``evens`` returns ``range(0, n, 2)``: the range keeps its
    traced bounds until the caller's ``for`` lowers it (was a TracedValueError at the
    helper's ``return range(0, n, 2)``)."""
    agrees(f)


def range_read_by_python(p, q, data, reps):
    picks = range(reps)
    return p * sum([data[i] for i in picks])


def test_a_range_with_a_traced_bound_read_by_python_is_refused_at_the_reading_line():
    with pytest.raises(py2lax.ConversionError) as info:
        jax.jit(py2lax.convert(range_read_by_python))(
            jnp.float32(0.5), jnp.float32(0.0), jnp.asarray(DATA, jnp.float32), jnp.int32(3))
    import inspect
    lines, first = inspect.getsourcelines(range_read_by_python)
    assert str(info.value).startswith((f"{__file__}:{first + 1}:", f"{__file__}:{first + 2}:")), (
        str(info.value))
    assert range_read_by_python(0.5, 0.0, np.array(DATA, np.float32), 3) == pytest.approx(
        py2lax.convert(range_read_by_python)(0.5, 0.0, np.array(DATA, np.float32), 3))


# -- a helper that assigns items of the array a for loop iterates -----------------------

def bump(arr, k, amount):
    arr[k] += amount


def helper_bumps_the_iterated_array(p, q, data, reps):
    acc = p * 0.5
    buf = data.copy()
    for i, z in enumerate(buf):
        acc = acc + 0.05 * z
        bump(buf, reps % 5, 0.1)
    return acc, jnp.sum(buf)


def helper_bumps_it_in_a_traced_if(p, q, data, reps):
    acc = p
    buf = data.copy()
    for z in buf:
        acc = acc + z
        if acc > q:
            bump(buf, 3, 0.5)
    return acc


@pytest.mark.parametrize("f", [helper_bumps_the_iterated_array, helper_bumps_it_in_a_traced_if])
def test_a_helper_writing_into_the_iterated_array_is_seen_by_later_items(f):
    """NumPy's loop reads each item when it gets there, after the helper's earlier writes
    (``bump(buf, 1, 0.1)`` inside ``for z in buf``); the compiled loop read a copy taken
    before the loop (a silent wrong answer)."""
    agrees(f)
def ticks(n):
    return range(n)


def return_in_a_python_loop_inside_a_compiled_loop(p, q, data, reps):
    acc = p
    for i in range(4):          # static, longer than UNROLL_LIMIT: compiled
        for k in ticks(4):      # a Python range: a Python loop inside the compiled body
            acc = acc + 1.0 + k * 10
            return acc
    return acc


def test_a_return_in_a_python_loop_inside_a_compiled_loop_stops_it():
    """The Python loop's first iteration runs under cond (the outer loop's flag is traced),
    and both branches leave the flag a Python True: the next iteration must not run
    (was 12.0 for Python's 1.0: the second item's body ran unconditionally)."""
    agrees(return_in_a_python_loop_inside_a_compiled_loop)


def closure_reads_a_variable_a_loop_with_a_traced_break_assigns(p, q, data, reps):
    acc = p
    def shifted(z):
        return jnp.tanh(z + acc)
    acc = shifted(acc + 0.1)
    for i in range(3):          # short: unrolled, later iterations under cond
        acc = acc * 0.5
        if acc < q:
            break
    return acc


def test_a_variable_a_closure_reads_is_assigned_by_an_unrolled_loop_with_a_traced_break():
    """The body's own `nonlocal acc; acc = acc_in` (acc is a closure's cell) was taken for
    a callee's write in the iterations run under cond: OuterWriteError."""
    agrees(closure_reads_a_variable_a_loop_with_a_traced_break_assigns)
