"""Differentiating converted functions: ``jax.grad`` (reverse mode) and ``jax.jvp`` /
``jax.jacfwd`` (forward mode) through converted ``if``, ``while`` and ``for``.

Oracle: JAX differentiating the *original* function eagerly. Plain Python control flow
on concrete values is differentiable by ``jax.grad`` without ``jit`` (each branch and
iteration runs as Python, only the arithmetic is traced), so ``jax.grad(f)(x)`` is the
gradient the converted, jitted program must reproduce.

What must hold:

* ``if`` / ternaries on traced values (``lax.cond``) differentiate in both modes.
* Loops with a static trip count differentiate in reverse mode: short static ranges
  (unrolled), long static ranges (``range(50)`` > ``UNROLL_LIMIT``: ``fori_loop`` with
  static bounds, i.e. a ``scan``) and ``for`` over arrays (``scan``).
* Loops whose trip count is traced (``range(n)`` with traced ``n``, ``while`` on a
  traced condition, ``for`` with a traced ``break``) differentiate in reverse mode when
  the loop opens with ``py2lax.loop_options(max_iterations=N)``; without the bound
  reverse mode raises, while forward mode works without it.
* A bounded loop that needs more than ``N`` iterations raises at run time instead of
  returning a truncated result.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from py2lax.diagnostics.errors import CarryTypeError
from conftest import assert_tree_close, converted_primitives, f32, i32, primitives

pytestmark = pytest.mark.usefixtures("time_limit")

RTOL = 1e-4
ATOL = 1e-5


# --------------------------------------------------------------------------- helpers
# Compiled functions are cached per test function, so parametrized cases with the same
# argument types reuse one compilation (the suite must stay fast on two CPU cores).
@functools.cache
def jitted(function):
    return py2lax.autograph_jit(function)


@functools.cache
def jit_grad(function, argnums=0):
    return jax.jit(jax.grad(py2lax.convert(function), argnums))


@functools.cache
def grad_of_jitted(function, argnums=0):
    return jax.grad(jitted(function), argnums)


def assert_grad_matches(function, *args, argnums=0, rtol=RTOL, atol=ATOL):
    """jax.grad of the eager function (the oracle) equals jit(grad(convert(f))) and
    grad(autograph_jit(f))."""
    expected = jax.grad(function, argnums)(*args)
    converted = {
        "jit(grad(convert(f)))": jit_grad(function, argnums)(*args),
        "grad(autograph_jit(f))": grad_of_jitted(function, argnums)(*args),
    }
    for how, actual in converted.items():
        try:
            assert_tree_close(expected, actual, rtol=rtol, atol=atol)
        except AssertionError as error:
            raise AssertionError(f"{how}: {error}") from None
    return expected


def assert_value_matches(function, *args, rtol=RTOL, atol=ATOL):
    assert_tree_close(function(*args), jitted(function)(*args), rtol=rtol, atol=atol)


def primitives_of_jit(function, *args):
    """Primitives of the converted function traced with every argument traced."""
    return primitives(jax.make_jaxpr(py2lax.convert(function))(*args))


def finite_difference(function, x, eps=1e-3):
    """Central difference of a scalar function of a float64 scalar, computed in NumPy."""
    x = float(x)
    return (float(function(x + eps)) - float(function(x - eps))) / (2 * eps)


def float0_like(value):
    return np.zeros(np.shape(value), dtype=jax.dtypes.float0)


# ----------------------------------------------------------------- if (lax.cond)
def branchy(x):
    if x > 0:
        y = x * x + jnp.sin(x)
    else:
        y = jnp.exp(x) - 3.0 * x
    return y


def elif_chain(x, w):
    if x < -1:
        y = w * x
    elif x < 1:
        y = w * w * x
    else:
        y = jnp.cos(w * x)
    return y + w


def nested_if_with_returns(x):
    if x > 0:
        if x > 2:
            return jnp.log(x)
        return x ** 3
    return -x * jnp.tanh(x)


def ternary_and_logic(x, y):
    z = x * y if (x > 0 and y > 0) or x < -2 else x - y
    return z * z


def if_on_array(v):
    if jnp.sum(v) > 1.0:
        v = v * v
    else:
        v = jnp.sin(v)
    return jnp.sum(v * jnp.arange(v.shape[0]))


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.7, 3.0])
def test_grad_through_if(x):
    assert converted_primitives(branchy, f32(x))["cond"] >= 1
    assert_grad_matches(branchy, f32(x))


@pytest.mark.parametrize("x", [-3.0, 0.5, 2.0])
def test_grad_through_elif_both_arguments(x):
    assert_grad_matches(elif_chain, f32(x), f32(1.3), argnums=(0, 1))


@pytest.mark.parametrize("x", [-1.5, 1.0, 4.0])
def test_grad_through_nested_if_with_returns(x):
    assert_grad_matches(nested_if_with_returns, f32(x))


@pytest.mark.parametrize("x, y", [(1.0, 2.0), (1.0, -2.0), (-3.0, 0.5), (-1.0, 0.5)])
def test_grad_through_ternary_with_and_or(x, y):
    assert_grad_matches(ternary_and_logic, f32(x), f32(y), argnums=(0, 1))


@pytest.mark.parametrize("scale", [0.1, 1.0])
def test_grad_through_if_on_array(scale):
    assert_grad_matches(if_on_array, scale * jnp.linspace(-1.0, 2.0, 5, dtype=jnp.float32))


def test_grad_through_if_matches_finite_differences():
    # An independent oracle: float64 central differences of the eager function.
    for x in (-1.2, 0.4, 2.5):
        fd = finite_difference(lambda v: branchy(np.float64(v)), x)
        actual = jit_grad(branchy)(f32(x))
        assert float(actual) == pytest.approx(fd, rel=1e-3, abs=1e-3)


@pytest.mark.parametrize("x", [-2.0, 0.7])
def test_forward_mode_through_if(x):
    converted = jitted(branchy)
    expected = jax.jvp(branchy, (f32(x),), (f32(1.0),))
    assert_tree_close(expected, jax.jvp(converted, (f32(x),), (f32(1.0),)), rtol=RTOL)
    assert_tree_close(jax.jacfwd(branchy)(f32(x)), jax.jacfwd(converted)(f32(x)), rtol=RTOL)


# ------------------------------------------------- loops with a static trip count
def short_static_range(x):
    for i in range(5):
        x = jnp.sin(x) + 0.1 * i
    return x


def long_static_range(x, w):
    # range(50) is longer than UNROLL_LIMIT: compiled as fori_loop with static bounds
    # (a scan), which must stay reverse-differentiable.
    y = x
    for i in range(50):
        y = y + 0.01 * jnp.tanh(w * y + i * 0.02)
    return y


def long_static_range_with_step_and_if(x):
    acc = 0.0
    for i in range(3, 60, 2):
        if jnp.sin(x * i) > 0:
            acc = acc + x * i * 0.01
        else:
            acc = acc - jnp.cos(x) * 0.01
    return acc


def long_static_range_indexing(v):
    total = 0.0
    for i in range(v.shape[0]):
        total = total + v[i] * v[(i + 1) % v.shape[0]]
    return total


def static_while(x):
    i = 0
    while i < 20:          # static condition: a Python loop, even under jit
        x = x * 0.9 + jnp.sin(x)
        i = i + 1
    return x


def for_over_array(xs, w):
    s = 0.0
    for x in xs:
        s = s + jnp.sin(w * x) * x
    return s


def for_over_array_with_if(xs):
    s = 0.0
    for x in xs:
        if x > 0.2:
            s = s + x * x
        else:
            s = s * 0.5 + x
    return s


def enumerate_and_zip(xs, ys):
    s = 0.0
    for i, x in enumerate(xs):
        s = s + i * x * x
    for x, y in zip(xs, ys):
        s = s + x * jnp.exp(-y)
    return s


def scan_over_rows(m, h):
    # An RNN-like loop over the rows of a matrix.
    for row in m:
        h = jnp.tanh(row * h + 0.5 * h[::-1])
    return jnp.sum(h * h)


@pytest.mark.parametrize("x", [-0.5, 1.2])
def test_grad_through_short_static_range(x):
    assert_grad_matches(short_static_range, f32(x))


def test_long_static_range_is_compiled_as_a_scan():
    assert 50 > py2lax.runtime.UNROLL_LIMIT
    counts = converted_primitives(long_static_range, f32(0.3), f32(1.1))
    assert counts["scan"] >= 1 and counts["while"] == 0, counts


@pytest.mark.parametrize("x, w", [(0.3, 1.1), (-2.0, 0.4)])
def test_grad_through_long_static_range(x, w):
    assert_value_matches(long_static_range, f32(x), f32(w))
    assert_grad_matches(long_static_range, f32(x), f32(w), argnums=(0, 1))


def test_second_order_through_long_static_range():
    expected = jax.hessian(long_static_range, (0, 1))(f32(0.3), f32(1.1))
    actual = jax.jit(jax.hessian(py2lax.convert(long_static_range), (0, 1)))(f32(0.3), f32(1.1))
    assert_tree_close(expected, actual, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("x", [0.37, 1.9])
def test_grad_through_long_static_range_with_step_and_if(x):
    assert_grad_matches(long_static_range_with_step_and_if, f32(x))


def test_grad_through_static_range_indexing_an_array():
    v = jnp.linspace(-1.0, 1.0, 12, dtype=jnp.float32)
    assert_grad_matches(long_static_range_indexing, v)


def test_grad_through_static_while():
    assert_grad_matches(static_while, f32(0.4))


def test_grad_through_for_over_array():
    xs = jnp.linspace(-1.0, 2.0, 16, dtype=jnp.float32)
    counts = converted_primitives(for_over_array, xs, f32(0.7))
    assert counts["scan"] >= 1, counts
    assert_grad_matches(for_over_array, xs, f32(0.7), argnums=(0, 1))


def test_grad_through_for_over_array_with_if():
    xs = jnp.array([0.5, -1.0, 0.1, 0.9, 0.3, -0.2, 1.5, 0.0, 0.25, 2.0], dtype=jnp.float32)
    assert_grad_matches(for_over_array_with_if, xs)


def test_grad_through_enumerate_and_zip():
    xs = jnp.linspace(0.0, 1.0, 11, dtype=jnp.float32)
    ys = jnp.linspace(1.0, -1.0, 11, dtype=jnp.float32)
    assert_grad_matches(enumerate_and_zip, xs, ys, argnums=(0, 1))


def test_grad_through_scan_over_rows():
    m = jnp.reshape(jnp.sin(jnp.arange(40.0, dtype=jnp.float32)), (10, 4))
    h = jnp.array([0.1, -0.2, 0.3, 0.4], dtype=jnp.float32)
    assert_grad_matches(scan_over_rows, m, h, argnums=(0, 1))


def test_grad_through_long_static_range_matches_finite_differences():
    def eager64(x):
        return long_static_range(np.float64(x), np.float64(1.1))

    fd = finite_difference(eager64, 0.3)
    actual = jit_grad(long_static_range)(f32(0.3), f32(1.1))
    assert float(actual) == pytest.approx(fd, rel=1e-3)


# ------------------------------------ traced trip counts with max_iterations (masked scan)
def bounded_power(x, n):
    y = 1.0
    for _ in range(n):
        py2lax.loop_options(max_iterations=10)
        y = y * x
    return y


def bounded_range_with_bounds(x, lo, hi):
    y = x
    for i in range(lo, hi, 2):
        py2lax.loop_options(max_iterations=8)
        y = jnp.sin(y) * i + x
    return y


def bounded_countdown(x, n):
    y = x
    for i in range(n, 0, -1):
        py2lax.loop_options(max_iterations=12)
        y = y + jnp.cos(y * i) * 0.1
    return y


def bounded_halving(x):
    while x > 1:
        py2lax.loop_options(max_iterations=64)
        x = x / 2
    return x


def bounded_integrate(x, w):
    # Euler steps of size 0.1 until time w: a traced condition on a carried counter.
    # (The counter is an int: a float `t = t + 0.1` would accumulate in float64 as
    # eager Python but in float32 when compiled, and the trip counts could differ.)
    k = 0
    while k < 10.0 * w:
        py2lax.loop_options(max_iterations=40)
        x = x + 0.1 * jnp.sin(w * x)
        k = k + 1
    return x


def bounded_newton_sqrt(a):
    x = a
    while jnp.abs(x * x - a) > 1e-3:
        py2lax.loop_options(max_iterations=30)
        x = 0.5 * (x + a / x)
    return x


def bounded_break_over_array(xs, limit):
    s = 0.0
    for x in xs:
        py2lax.loop_options(max_iterations=16)
        if s > limit:
            break
        s = s + x * x
    return s


def bounded_break_traced_range(x, n):
    y = x
    for i in range(n):
        py2lax.loop_options(max_iterations=20)
        y = y * 1.1 + jnp.sin(y)
        if y > 10.0:
            break
    return y


def bounded_break_static_range(x):
    y = x
    for i in range(50):
        py2lax.loop_options(max_iterations=50)
        if y > 5.0:
            break
        y = y + jnp.sin(y) + 0.2
    return y


def bounded_return_in_loop(xs, t):
    for i in range(xs.shape[0]):
        py2lax.loop_options(max_iterations=16)
        if xs[i] > t:
            return xs[i] * xs[i] * t
    return jnp.sum(xs) * t


@pytest.mark.parametrize("n", [0, 1, 4, 10])
def test_bounded_traced_range_grad(n):
    assert_value_matches(bounded_power, f32(1.3), i32(n))
    assert_grad_matches(bounded_power, f32(1.3), i32(n))


def test_bounded_traced_range_is_a_scan_not_a_while():
    counts = primitives_of_jit(bounded_power, f32(1.3), i32(3))
    assert counts["scan"] >= 1 and counts["while"] == 0, counts


@pytest.mark.parametrize("lo, hi", [(0, 7), (3, 4), (5, 2), (-4, 11)])
def test_bounded_traced_range_with_lower_and_step_grad(lo, hi):
    assert_value_matches(bounded_range_with_bounds, f32(0.3), i32(lo), i32(hi))
    assert_grad_matches(bounded_range_with_bounds, f32(0.3), i32(lo), i32(hi))


@pytest.mark.parametrize("n", [0, 5, 12])
def test_bounded_traced_negative_step_range_grad(n):
    assert_grad_matches(bounded_countdown, f32(0.8), i32(n))


@pytest.mark.parametrize("x", [0.5, 3.0, 1000.0])
def test_bounded_while_grad(x):
    assert_value_matches(bounded_halving, f32(x))
    assert_grad_matches(bounded_halving, f32(x))


@pytest.mark.parametrize("w", [0.05, 1.05, 2.55])
def test_bounded_while_grad_wrt_parameter_in_condition_and_body(w):
    # Gradients flow to `w` through the body; the trip count depends on `w` too.
    assert_value_matches(bounded_integrate, f32(0.5), f32(w))
    assert_grad_matches(bounded_integrate, f32(0.5), f32(w), argnums=(0, 1))


@pytest.mark.parametrize("a", [2.0, 9.0, 50.0])
def test_bounded_newton_iteration_grad(a):
    # d sqrt(a)/da = 1 / (2 sqrt(a)): differentiating through the iterations gets close.
    actual = jit_grad(bounded_newton_sqrt)(f32(a))
    assert float(actual) == pytest.approx(0.5 / np.sqrt(a), rel=1e-2)
    assert_grad_matches(bounded_newton_sqrt, f32(a), rtol=1e-3)


@pytest.mark.parametrize("limit", [-1.0, 0.5, 3.0, 100.0])
def test_bounded_break_over_array_grad(limit):
    xs = jnp.linspace(0.1, 1.6, 16, dtype=jnp.float32)
    assert_value_matches(bounded_break_over_array, xs, f32(limit))
    assert_grad_matches(bounded_break_over_array, xs, f32(limit))


@pytest.mark.parametrize("x, n", [(0.5, 3), (0.5, 20), (3.0, 20), (0.5, 0)])
def test_bounded_break_in_traced_range_grad(x, n):
    assert_value_matches(bounded_break_traced_range, f32(x), i32(n))
    assert_grad_matches(bounded_break_traced_range, f32(x), i32(n))


@pytest.mark.parametrize("x", [0.1, 6.0])
def test_bounded_break_in_static_range_grad(x):
    assert_value_matches(bounded_break_static_range, f32(x))
    assert_grad_matches(bounded_break_static_range, f32(x))


@pytest.mark.parametrize("t", [-5.0, 0.45, 10.0])
def test_bounded_early_return_in_loop_grad(t):
    xs = jnp.linspace(0.0, 1.0, 12, dtype=jnp.float32)
    assert_value_matches(bounded_return_in_loop, xs, f32(t))
    assert_grad_matches(bounded_return_in_loop, xs, f32(t), argnums=(0, 1))


def test_bounded_loop_per_example_gradients_under_vmap():
    xs = jnp.array([1.5, 2.0, 0.5], dtype=jnp.float32)
    ns = jnp.array([0, 3, 10], dtype=jnp.int32)
    actual = jax.jit(jax.vmap(jax.grad(py2lax.convert(bounded_power))))(xs, ns)
    expected = [jax.grad(bounded_power)(x, int(n)) for x, n in zip(xs, ns)]
    assert_tree_close(jnp.stack(expected), actual, rtol=RTOL)


# A carried variable initialised with a Python int and updated with floats takes the
# loop's float dtype (README: "a loop variable initialised with a Python number (s = 0)
# and updated with arrays takes the dtype the loop gives it"); a bound must not change that.
def bounded_sum_from_int(x, n):
    y = 0
    for i in range(n):
        py2lax.loop_options(max_iterations=10)
        y = y + x * i
    return y


def bounded_while_from_int(x):
    s = 0
    while s < x:
        py2lax.loop_options(max_iterations=20)
        s = s + 0.5 * x + 0.25
    return s


def bounded_break_from_int(xs):
    s = 0
    for x in xs:
        py2lax.loop_options(max_iterations=16)
        if s > 2.0:
            break
        s = s + x
    return s


PROMOTED_CARRY = [
    pytest.param(bounded_sum_from_int, (f32(1.5), i32(4)), id="range(n)"),
    pytest.param(bounded_while_from_int, (f32(3.0),), id="while"),
    pytest.param(bounded_break_from_int, (jnp.linspace(0.1, 1.6, 16, dtype=jnp.float32),),
                 id="for-with-break"),
]


@pytest.mark.parametrize("function, args", PROMOTED_CARRY)
def test_bounded_loop_carry_promoted_from_python_int(function, args):
    assert_value_matches(function, *args)
    assert_grad_matches(function, *args)


def power_of_vector(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def bounded_power_of_vector(x, n):
    y = 1.0
    for _ in range(n):
        py2lax.loop_options(max_iterations=10)
        y = y * x
    return y


@pytest.mark.parametrize("function", [power_of_vector, bounded_power_of_vector])
def test_loop_carry_changing_shape_is_a_py2lax_error(function):
    # `y` is a scalar before the loop and a vector after an iteration: with a traced
    # trip count its shape would depend on `n`. py2lax names the variable, with or
    # without a bound.
    with pytest.raises(CarryTypeError, match="'y'"):
        py2lax.autograph_jit(function)(jnp.array([1.0, 2.0, 3.0]), i32(3))


# ------------------------------------------------- max_iterations exceeded at run time
def run_to_completion(callable_, *args):
    return jax.block_until_ready(callable_(*args))


BOUND_EXCEEDED = [
    pytest.param(bounded_power, (f32(1.3), i32(11)), id="range(n)"),
    pytest.param(bounded_halving, (f32(2.0 ** 70),), id="while"),
    pytest.param(bounded_break_traced_range, (f32(0.01), i32(25)), id="range-with-break"),
]


@pytest.mark.parametrize("function, args", BOUND_EXCEEDED)
def test_exceeding_max_iterations_raises_at_run_time(function, args):
    with pytest.raises(Exception, match="max_iterations"):
        run_to_completion(jitted(function), *args)


@pytest.mark.parametrize("function, args", BOUND_EXCEEDED)
def test_exceeding_max_iterations_raises_under_grad(function, args):
    with pytest.raises(Exception, match="max_iterations"):
        run_to_completion(jit_grad(function), *args)


def test_exceeding_max_iterations_raises_with_break_over_array():
    def long_break(xs):
        s = 0.0
        for x in xs:
            py2lax.loop_options(max_iterations=4)
            if s > 100.0:
                break
            s = s + x
        return s

    xs = jnp.ones(10, dtype=jnp.float32)
    compiled = py2lax.autograph_jit(long_break)
    with pytest.raises(Exception, match="max_iterations"):
        run_to_completion(compiled, xs)
    # Stopping (break) within the bound is fine.
    assert float(compiled(xs * 50.0)) == pytest.approx(150.0)


def test_reaching_max_iterations_exactly_is_not_an_error():
    assert float(run_to_completion(jitted(bounded_power), f32(2.0), i32(10))) == 1024.0
    grad = run_to_completion(jit_grad(bounded_power), f32(2.0), i32(10))
    assert float(grad) == pytest.approx(10 * 2.0 ** 9)


# ------------------------------- traced trip counts without a bound: reverse mode refuses
def power(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def halving(x):
    while x > 1:
        x = x / 2
    return x * x


def integrate(x, w):
    k = 0
    while k < 10.0 * w:
        x = x + 0.1 * jnp.sin(w * x)
        k = k + 1
    return x


def break_over_array(xs):
    s = 0.0
    for x in xs:
        if s > 3.0:
            break
        s = s + x * x
    return s


def break_in_static_range(x):
    y = x
    for i in range(50):
        if y > 5.0:
            break
        y = y + jnp.sin(y) + 0.2
    return y


UNBOUNDED = [
    pytest.param(power, (f32(1.3), i32(4)), id="range(n)"),
    pytest.param(halving, (f32(37.0),), id="while"),
    pytest.param(integrate, (f32(0.5), f32(1.05)), id="while-on-carried-value"),
]

# JAX's own message today; a py2lax message pointing at loop_options is welcome too.
REVERSE_MODE_REFUSED = r"(?i)reverse-mode|max_iterations|loop_options"


@pytest.mark.parametrize("function, args", UNBOUNDED)
def test_reverse_mode_without_bound_raises(function, args):
    # The converted function itself runs (a lax.while_loop) ...
    assert_value_matches(function, *args)
    # ... but reverse mode through it raises, under either composition.
    with pytest.raises(Exception, match=REVERSE_MODE_REFUSED):
        run_to_completion(jit_grad(function), *args)
    with pytest.raises(Exception, match=REVERSE_MODE_REFUSED):
        run_to_completion(grad_of_jitted(function), *args)


KNOWN_LENGTH_WITH_BREAK = [
    pytest.param(break_in_static_range, (f32(0.1),), id="static-range-with-break"),
    # the carry (`s = 0.0`) is a Python number: the array iterated is what is differentiated
    pytest.param(break_over_array, (jnp.linspace(0.1, 1.6, 16, dtype=jnp.float32),),
                 id="for-over-array-with-break"),
]


@pytest.mark.parametrize("function, args", KNOWN_LENGTH_WITH_BREAK)
def test_loop_of_known_length_with_break_is_differentiated_when_grad_sees_it(function, args):
    """jit(grad(convert(f))): the loop works on a differentiated value while it is traced,
    so its known length makes it a masked scan. grad(autograph_jit(f)) sees only the
    compiled while_loop and still gets the located message."""
    assert_value_matches(function, *args)
    expected = jax.grad(function)(*args)
    assert_tree_close(expected, jit_grad(function)(*args), rtol=RTOL, atol=ATOL)
    with pytest.raises(Exception, match=REVERSE_MODE_REFUSED):
        run_to_completion(grad_of_jitted(function), *args)


@pytest.mark.parametrize("function, args", UNBOUNDED + KNOWN_LENGTH_WITH_BREAK)
def test_forward_mode_without_bound_works(function, args):
    float_args = [i for i, a in enumerate(args) if jnp.issubdtype(jnp.result_type(a), jnp.floating)]
    tangents = tuple(jnp.ones_like(a) if i in float_args else float0_like(a)
                     for i, a in enumerate(args))
    expected = jax.jvp(function, args, tangents)  # eager Python
    converted = py2lax.convert(function)
    actual = jax.jit(lambda *a: jax.jvp(converted, a, tangents))(*args)
    assert_tree_close(expected, actual, rtol=RTOL, atol=ATOL)
    expected_jac = jax.jacfwd(function, argnums=tuple(float_args))(*args)
    actual_jac = jax.jacfwd(jitted(function), argnums=tuple(float_args))(*args)
    assert_tree_close(expected_jac, actual_jac, rtol=RTOL, atol=ATOL)


def test_unbounded_traced_loops_are_while_loops():
    # Guard for the tests above: the loops really are traced-trip-count loops.
    for function, args in [(power, (f32(1.3), i32(4))), (halving, (f32(37.0),)),
                           (break_over_array, (jnp.ones(16, dtype=jnp.float32),)),
                           (break_in_static_range, (f32(0.1),))]:
        counts = primitives_of_jit(function, *args)
        assert counts["while"] >= 1, (function.__name__, counts)


def newton_sqrt(x):
    """A static range that stops at a traced `break`: a while_loop, unless differentiated."""
    y = x
    for _ in range(50):
        fy = y * y - x
        if abs(fy) < 1e-6:
            break
        y = y - fy / (2 * y)
    return y


def grad_of_newton_inside(x):
    return jax.grad(lambda z: newton_sqrt(z) * z)(x)


def test_grad_inside_jit_through_static_range_with_traced_break():
    expected = grad_of_newton_inside(np.float32(3.0))  # eager: Python's loop under grad
    got = py2lax.autograph_jit(grad_of_newton_inside)(f32(3.0))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_static_range_with_traced_break_stays_a_while_loop_when_not_differentiated():
    counts = primitives_of_jit(newton_sqrt, f32(3.0))
    assert counts["while"] >= 1 and counts["scan"] == 0, counts


def test_grad_without_jit_runs_the_loop_as_python_exactly():
    """jax.grad's tracers hold their values without jit: the converted loop is Python's,
    so the result is the original's to the last bit."""
    assert py2lax.convert(grad_of_newton_inside)(np.float32(3.0)) == grad_of_newton_inside(
        np.float32(3.0))


def newton_cube_root(x):
    y = x
    for _ in range(10):
        y = y - 0.1 * (y ** 3 - 2.0)
        if abs(y ** 3 - 2.0) < 1e-3:
            break
    return y * x


def test_grad_of_a_compiled_range_loop_with_a_traced_break_names_its_bound():
    # Inside jit the derivative is invisible, so the loop stays a while_loop that stops
    # early; the error names the range's length as the bound to state.
    with pytest.raises(py2lax.ConversionError) as caught:
        jax.grad(py2lax.autograph_jit(newton_cube_root))(jnp.float32(0.4))
    message = str(caught.value)
    assert "traced" in message and "`break`" in message
    assert "max_iterations=10)" in message
    # The order the message offers instead: the derivative is seen, the range bounds it.
    expected = jax.grad(py2lax.convert(newton_cube_root))(jnp.float32(0.4))
    assert jnp.allclose(jax.jit(jax.grad(py2lax.convert(newton_cube_root)))(jnp.float32(0.4)),
                        expected)
