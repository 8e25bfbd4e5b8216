"""``jax.vmap`` of converted functions whose control flow depends on batched values.

Under ``vmap`` a traced ``if`` becomes ``lax.cond`` with a batched predicate, which JAX
runs as both branches followed by a per-example select; a ``while`` with a batched
condition keeps running until every example is done while freezing the finished ones;
loops with batched trip counts and batched ``break``/``return`` are the same loops.

Oracle: the *original* function run eagerly on each example separately (plain Python on
concrete values), stacked. Every function is checked through three compositions:
``jax.vmap(py2lax.convert(f))``, ``jax.vmap(py2lax.autograph_jit(f))`` and
``jax.jit(jax.vmap(py2lax.convert(f)))``.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax
from conftest import assert_tree_close, primitives

pytestmark = pytest.mark.usefixtures("time_limit")


# --------------------------------------------------------------------------- helpers
@functools.cache
def compositions(function, in_axes):
    return {
        "vmap(convert(f))": jax.vmap(py2lax.convert(function), in_axes=in_axes),
        "vmap(autograph_jit(f))": jax.vmap(py2lax.autograph_jit(function), in_axes=in_axes),
        "jit(vmap(convert(f)))": jax.jit(jax.vmap(py2lax.convert(function), in_axes=in_axes)),
    }


def per_example(function, args, in_axes):
    """The eager oracle: ``function`` on each example, results stacked along axis 0."""
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    size = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    results = []
    for b in range(size):
        example = [a if ax is None else jnp.take(a, b, axis=ax) for a, ax in zip(args, axes)]
        results.append(function(*example))
    return jax.tree_util.tree_map(lambda *leaves: np.stack([np.asarray(x) for x in leaves]),
                                  *results)


def assert_vmap_matches(function, *args, in_axes=0, dtype="kind"):
    expected = per_example(function, args, in_axes)
    for how, batched in compositions(function, in_axes).items():
        actual = batched(*args)
        try:
            assert_tree_close(expected, actual, dtype=dtype)
        except AssertionError as error:
            raise AssertionError(f"{how}: {error}") from None
    return expected


def batched_primitives(function, *args, in_axes=0):
    return primitives(jax.make_jaxpr(jax.vmap(py2lax.convert(function), in_axes=in_axes))(*args))


def f32s(*values):
    return jnp.array(values, dtype=jnp.float32)


def i32s(*values):
    return jnp.array(values, dtype=jnp.int32)


# ------------------------------------------------------------------------------- if
def relu_or_affine(x):
    if x > 0:
        y = x * 2.0
    else:
        y = 1.0 - x
    return y


def sqrt_or_negate(x):
    # The unselected branch computes NaN (sqrt of a negative): the select must drop it.
    if x >= 0:
        y = jnp.sqrt(x)
    else:
        y = -x
    return y


def classify(x, y):
    if x > y and x > 0:
        label = 2
        score = x - y
    elif x > y or y < -1:
        label = 1
        score = x * y
    else:
        label = 0
        score = -x
    return label, score


def early_returns(x):
    if x < -1:
        return x * 0.0, -1
    if x > 1:
        return jnp.log(x), 1
    return x * x, 0


def ternary(x, t):
    return jnp.sin(x) if x > t else jnp.cos(x) + t


def if_on_reduction(v):
    if jnp.sum(v) > 0:
        v = v / jnp.sum(v)
    else:
        v = jnp.zeros_like(v) + 1.0
    return v


def if_updates_dict_and_list(x):
    state = {"a": x, "b": x * 2}
    items = [x, x + 1]
    if x > 0.5:
        state["a"] = state["a"] * 10
        items[1] = items[1] - 5
    return state, items


XS = f32s(-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.5)


def test_vmap_if_batched_predicate():
    assert_vmap_matches(relu_or_affine, XS)


def test_vmap_if_runs_both_branches_and_selects():
    # With a batched predicate there is no `cond` left: both branches run, then select.
    counts = batched_primitives(relu_or_affine, XS)
    assert counts["cond"] == 0, counts
    assert counts["select_n"] >= 1, counts
    assert_vmap_matches(sqrt_or_negate, XS)
    assert not np.isnan(np.asarray(jax.jit(jax.vmap(py2lax.convert(sqrt_or_negate)))(XS))).any()


def scale_by_sign_of(x, t):
    if t > 0:
        y = x * t
    else:
        y = jnp.sin(x) - t
    return y


@pytest.mark.parametrize("t", [0.5, -2.0])
def test_vmap_if_unbatched_predicate_keeps_cond(t):
    # Only the operand is batched; the predicate (on `t`) is not: one cond for the batch.
    counts = batched_primitives(scale_by_sign_of, XS, jnp.float32(t), in_axes=(0, None))
    assert counts["cond"] == 1, counts
    assert_vmap_matches(scale_by_sign_of, XS, jnp.float32(t), in_axes=(0, None))


def test_vmap_ternary_batched_predicate():
    assert_vmap_matches(ternary, XS, XS[::-1] * 0.5)


def test_vmap_elif_chain_with_and_or():
    ys = f32s(-2.0, 0.5, -0.5, -3.0, 1.0, 1.0, 9.0)
    assert_vmap_matches(classify, XS, ys)


def test_vmap_early_returns_from_if():
    assert_vmap_matches(early_returns, XS)


def test_vmap_if_on_reduction_of_each_example():
    v = jnp.array([[1.0, 2.0, 3.0], [-1.0, -2.0, 0.5], [0.0, 0.0, 0.0], [4.0, -4.0, 1.0]],
                  dtype=jnp.float32)
    assert_vmap_matches(if_on_reduction, v)


def test_vmap_if_mutating_containers():
    assert_vmap_matches(if_updates_dict_and_list, XS)


def test_vmap_if_with_in_axes_1_and_nested_vmap():
    m = jnp.reshape(jnp.linspace(-2.0, 2.0, 12, dtype=jnp.float32), (3, 4))
    expected = np.vectorize(lambda x: float(relu_or_affine(np.float32(x))))(np.asarray(m))
    converted = py2lax.convert(relu_or_affine)
    assert_tree_close(expected, jax.jit(jax.vmap(jax.vmap(converted)))(m))
    assert_tree_close(expected.T, jax.vmap(jax.vmap(converted), in_axes=1)(m))


# ---------------------------------------------------------------------------- while
def halve_and_count(x):
    n = 0
    while x > 1.0:
        x = x / 2.0
        n = n + 1
    return x, n


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps = steps + 1
    return steps


def while_true_with_break(x, limit):
    total = 0.0
    while True:
        total = total + x
        if total > limit:
            break
        x = x * 1.5
    return total


def while_with_unbatched_condition(x, n):
    i = 0
    while i < n:
        x = jnp.sin(x) + i
        i = i + 1
    return x


def newton_sqrt(a):
    x = a
    while jnp.abs(x * x - a) > 1e-4 * a:
        x = 0.5 * (x + a / x)
    return x


def test_vmap_while_batched_condition():
    xs = f32s(0.5, 1.0, 3.0, 100.0, 1e6)
    assert_vmap_matches(halve_and_count, xs)
    counts = batched_primitives(halve_and_count, xs)
    assert counts["while"] >= 1, counts


def test_vmap_while_integer_state_with_if_inside():
    assert_vmap_matches(collatz_steps, i32s(1, 2, 6, 7, 27))


def test_vmap_while_true_with_batched_break():
    assert_vmap_matches(while_true_with_break, f32s(1.0, 0.1, 5.0, 2.0), f32s(0.5, 10.0, 100.0, 3.0))


def test_vmap_while_unbatched_condition_batched_body():
    assert_vmap_matches(while_with_unbatched_condition, XS, jnp.int32(4), in_axes=(0, None))


def test_vmap_while_batched_bound_unbatched_state():
    assert_vmap_matches(while_with_unbatched_condition, jnp.float32(0.3), i32s(0, 1, 5),
                        in_axes=(None, 0))


def test_vmap_newton_iterations_differ_per_example():
    assert_vmap_matches(newton_sqrt, f32s(2.0, 9.0, 1e4, 0.25))


# -------------------------------------------------------------- range with batched bounds
def triangular(x, n):
    s = x
    for i in range(n):
        s = s + i * x
    return s


def strided(x, lo, hi, step):
    acc = x
    for i in range(lo, hi, step):
        acc = acc * 0.5 + i
    return acc


def nested_loops(x, n):
    total = 0.0
    for i in range(n):
        y = x
        while y > 1.0:
            y = y / 3.0
            total = total + 1.0
        x = x * 2.0
    return total


def bounded_power(x, n):
    y = 1.0
    for _ in range(n):
        py2lax.loop_options(max_iterations=12)
        y = y * x
    return y


def test_vmap_range_batched_trip_count():
    assert_vmap_matches(triangular, f32s(1.0, 2.0, 3.0, -1.0), i32s(0, 1, 4, 9))


def test_vmap_range_batched_n_unbatched_x():
    assert_vmap_matches(triangular, jnp.float32(1.5), i32s(0, 3, 7), in_axes=(None, 0))


def test_vmap_range_batched_lower_upper_and_step():
    lo, hi, step = i32s(0, 10, -3, 5), i32s(7, 0, 8, 5), i32s(2, -3, 3, 1)
    assert_vmap_matches(strided, f32s(1.0, 2.0, 3.0, 4.0), lo, hi, step)


def test_vmap_nested_range_and_while():
    assert_vmap_matches(nested_loops, f32s(0.5, 3.0, 40.0), i32s(2, 5, 0))


def test_vmap_bounded_loop_batched_trip_count():
    assert_vmap_matches(bounded_power, f32s(2.0, 1.5, -1.0), i32s(0, 12, 5))
    counts = batched_primitives(bounded_power, f32s(2.0, 1.5, -1.0), i32s(0, 12, 5))
    assert counts["scan"] >= 1 and counts["while"] == 0, counts


def test_vmap_bounded_loop_exceeded_in_one_example_raises():
    compiled = jax.jit(jax.vmap(py2lax.convert(bounded_power)))
    with pytest.raises(Exception, match="max_iterations"):
        jax.block_until_ready(compiled(f32s(2.0, 1.5), i32s(3, 13)))


# --------------------------------------------------------------------------- break
def sum_until(xs, limit):
    s = 0.0
    for x in xs:
        if s > limit:
            break
        s = s + x
    return s


def first_n_until(x, n, limit):
    count = 0
    for i in range(n):
        x = x * 1.7 + 0.1
        count = count + 1
        if x > limit:
            break
    return x, count


def break_in_long_static_range(x):
    for i in range(40):
        if x > 50.0:
            break
        x = x + i * 0.5
    return x


def break_with_continue(xs, t):
    s = 0.0
    kept = 0
    for x in xs:
        if x < 0:
            continue
        if x > t:
            break
        s = s + x
        kept = kept + 1
    return s, kept


def test_vmap_break_over_array_batched_condition():
    xs = jnp.tile(jnp.arange(8.0, dtype=jnp.float32), (4, 1))
    assert_vmap_matches(sum_until, xs, f32s(-1.0, 2.0, 9.5, 100.0))


def test_vmap_break_over_unbatched_array_batched_limit():
    xs = jnp.arange(10.0, dtype=jnp.float32)
    assert_vmap_matches(sum_until, xs, f32s(-1.0, 2.0, 9.5, 100.0), in_axes=(None, 0))


def test_vmap_break_in_range_batched_bound_and_condition():
    assert_vmap_matches(first_n_until, f32s(0.5, 0.5, 3.0, 0.0), i32s(10, 2, 10, 0),
                        f32s(5.0, 5.0, 1.0, 1.0))


def test_vmap_break_in_long_static_range():
    assert_vmap_matches(break_in_long_static_range, f32s(0.0, 10.0, 49.0, 60.0))


def test_vmap_break_and_continue():
    xs = jnp.array([[1.0, -2.0, 3.0, 9.0, 1.0],
                    [-1.0, -1.0, -1.0, -1.0, -1.0],
                    [0.5, 0.5, 0.5, 0.5, 0.5]], dtype=jnp.float32)
    assert_vmap_matches(break_with_continue, xs, f32s(5.0, 0.0, 0.1))


# ---------------------------------------------------------- early return inside loops
def index_of_first_above(xs, t):
    for i in range(xs.shape[0]):
        if xs[i] > t:
            return i
    return -1


def first_above_in_array_loop(xs, t):
    for i, x in enumerate(xs):
        if x > t:
            return x * 10.0, i
    return jnp.float32(0.0), -1


def return_from_while(x, limit):
    steps = 0
    while steps < 100:
        x = x * 2.0
        steps = steps + 1
        if x > limit:
            return x, steps
    return -x, steps


def return_in_traced_range(x, n):
    for i in range(n):
        x = x + i
        if x > 10:
            return x * 100
    return x


def test_vmap_early_return_in_static_range():
    xs = jnp.tile(jnp.linspace(0.0, 1.0, 12, dtype=jnp.float32), (4, 1))
    assert_vmap_matches(index_of_first_above, xs, f32s(-1.0, 0.5, 0.95, 2.0))


def test_vmap_early_return_in_loop_over_array():
    xs = jnp.reshape(jnp.sin(jnp.arange(24.0, dtype=jnp.float32)), (3, 8))
    assert_vmap_matches(first_above_in_array_loop, xs, f32s(0.5, 0.99, -2.0))


def test_vmap_early_return_from_while():
    assert_vmap_matches(return_from_while, f32s(1.0, 0.001, 3.0), f32s(10.0, 1e3, 1e30))


def test_vmap_early_return_in_traced_range():
    assert_vmap_matches(return_in_traced_range, f32s(0.0, 5.0, 0.0, 20.0), i32s(3, 10, 0, 2))


# ----------------------------------------------------------- vmap composed with grad
def test_vmap_of_grad_through_batched_if_and_loop():
    def f(x, n):
        y = x
        for i in range(n):
            py2lax.loop_options(max_iterations=8)
            if y > 1.0:
                y = jnp.sqrt(y)
            else:
                y = y * y + x
        return y

    xs, ns = f32s(0.3, 2.0, 9.0, 0.9), i32s(0, 3, 8, 5)
    expected = per_example(jax.grad(f), (xs, ns), 0)
    actual = jax.jit(jax.vmap(jax.grad(py2lax.convert(f))))(xs, ns)
    assert_tree_close(expected, actual, rtol=1e-4)
