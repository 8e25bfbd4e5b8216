"""Every runnable example of the seed tutorials (shared/seeds/*.txt), through py2lax.

The examples that fail under plain ``jax.jit`` because of Python control flow on traced
values must work; the ones that already work must keep working (same values, same side
effects at trace time); the ones that cannot work under jit (value-dependent shapes)
must still raise.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jax import lax

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
    jaxpr_of,
    primitives,
)
from py2lax import autograph_jit

pytestmark = pytest.mark.usefixtures("time_limit")


# --------------------------------------------------------------- jit-with-jax.txt
global_list = []


def log2(x):
    global_list.append(x)
    ln_x = jnp.log(x)
    ln_2 = jnp.log(2.0)
    return ln_x / ln_2


def test_log2_side_effect_happens_once_at_trace_time():
    global_list.clear()
    jitted = autograph_jit(log2)
    assert float(jitted(3.0)) == pytest.approx(np.log2(3.0), rel=1e-6)
    assert len(global_list) == 1 and isinstance(global_list[0], jax.core.Tracer)
    jitted(3.0)
    assert len(global_list) == 1  # cached: no second trace
    global_list.clear()


def test_log2_jaxpr_is_unchanged():
    global_list.clear()
    assert primitives(jaxpr_of(py2lax.convert(log2), 3.0)) == primitives(jaxpr_of(log2, 3.0))
    global_list.clear()


def log2_if_rank_2(x):
    if x.ndim == 2:
        ln_x = jnp.log(x)
        ln_2 = jnp.log(2.0)
        return ln_x / ln_2
    else:
        return x


def test_log2_if_rank_2_rank_1_is_identity_without_cond():
    x = jnp.array([1, 2, 3])
    out = assert_same(log2_if_rank_2, x, dtype="exact")
    assert out.dtype == jnp.int32
    counts = converted_primitives(log2_if_rank_2, x)
    assert sum(counts.values()) == 0, counts  # `{ lambda ; a:i32[3]. let  in (a,) }`


def test_log2_if_rank_2_rank_2_takes_log_without_cond():
    x = jnp.array([[1.0, 2.0], [1.0, 2.0]])
    assert_same(log2_if_rank_2, x, dtype="exact")
    counts = converted_primitives(log2_if_rank_2, x)
    assert not has_control_flow(counts), counts
    assert counts["log"] == 2 and counts["div"] == 1, counts


def selu(x, alpha=1.67, lambda_=1.05):
    return lambda_ * jnp.where(x > 0, x, alpha * jnp.exp(x) - alpha)


@pytest.mark.parametrize("x", [jnp.arange(1000), jnp.linspace(-3.0, 3.0, 1001)],
                         ids=["int", "float"])
def test_selu(x):
    assert_same(selu, x, dtype="exact")


def test_selu_has_nothing_to_convert():
    assert "py2lax." not in py2lax.to_source(selu)
    assert not has_control_flow(converted_primitives(selu, jnp.arange(10.0)))


# ---------------------------------------------------- just-in-time-compilation.txt
@pytest.mark.filterwarnings("ignore::py2lax.ConversionWarning")
def test_lambda_sin_plus_cos():
    f = lambda x: jnp.sin(x) + jnp.cos(x)  # noqa: E731
    f_jit = autograph_jit(f)
    assert_tree_close(f(2.0), f_jit(2.0), dtype="exact")


@autograph_jit
def f_jit2(x):
    return jnp.sin(x) + jnp.cos(x)


def test_decorated_sin_plus_cos():
    assert_tree_close(jnp.sin(2.0) + jnp.cos(2.0), f_jit2(2.0), dtype="exact")


def bad_f(x):
    print("I have side effects!")
    return jnp.sin(x) + jnp.cos(x) + x


def test_bad_f_prints_once_like_jax_jit(capsys):
    jitted = autograph_jit(bad_f)
    first = jitted(2)
    assert capsys.readouterr().out == "I have side effects!\n"
    second = jitted(2)
    assert capsys.readouterr().out == ""
    assert float(first) == float(second) == pytest.approx(2.4931505, rel=1e-6)
    assert first.dtype == jnp.float32 and first.weak_type  # as jax.jit gives


def f_loop_static(x):
    y = 0.
    for i in range(10):
        y = y + x
    return y


def test_f_loop_static_range():
    out = assert_same(f_loop_static, 2, dtype="exact")
    assert float(out) == 20.0


def f_loop(x, n):
    y = 0.
    for i in range(n):
        y = y + x
    return y


_f_loop_jit = autograph_jit(f_loop)


def test_f_loop_traced_n_works():
    # plain jax.jit: TracerIntegerConversionError
    with pytest.raises(jax.errors.TracerIntegerConversionError):
        jax.jit(f_loop)(2, 10)
    assert float(_f_loop_jit(2, 10)) == 20.0
    assert float(_f_loop_jit(2, 11)) == 22.0
    assert float(_f_loop_jit(jnp.array(2), 15)) == 30.0


def test_f_loop_traced_n_compiles_once():
    jitted = autograph_jit(f_loop)
    for n in range(5):
        assert float(jitted(2.0, n)) == 2.0 * n
    assert jitted._cache_size() == 1
    assert has_loop(converted_primitives(f_loop, 2.0, 3))


@PROPERTY
@given(x=st.floats(-100, 100, width=32), n=st.integers(-3, 40))
def test_f_loop_property(x, n):
    assert_same(f_loop, f32(x), i32(n), jitted=_f_loop_jit)


def test_f_loop_static_argnums_recompiles_per_n():
    jitted = autograph_jit(f_loop, static_argnums=(1,))
    assert float(jitted(2, 10)) == 20.0
    assert float(jitted(2, 11)) == 22.0
    assert jitted._cache_size() == 2


def test_f_loop_static_argnums_via_partial_decorator():
    @functools.partial(autograph_jit, static_argnums=(1,))
    def f_loop(x, n):
        y = 0.
        for i in range(n):
            y = y + x
        return y

    assert float(f_loop(2, 10)) == 20.0


def test_f_loop_written_with_lax_fori_loop_still_works():
    @autograph_jit
    def f_loop(x, n):
        return lax.fori_loop(0, n, lambda i, y: y + x, 0.)

    assert float(f_loop(jnp.array(2), 15)) == 30.0


def sum_up_to(x):
    s = 0.0
    n = 1
    while n < x:
        s = s + n
        n = n + 1
    return s


_sum_up_to_jit = autograph_jit(sum_up_to)


def test_sum_up_to():
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(sum_up_to)(jnp.array(5))
    out = _sum_up_to_jit(jnp.array(5))
    assert float(out) == 10.0
    assert out.dtype == jnp.float32
    assert "while" in converted_primitives(sum_up_to, jnp.array(5))


@PROPERTY
@given(x=st.integers(-5, 60))
def test_sum_up_to_property(x):
    assert_same(sum_up_to, i32(x), jitted=_sum_up_to_jit)


def sum_up_to_augmented(x):
    # the variant shown in the seed's traceback: augmented assignments
    s = 0.0
    n = 0
    while n < x:
        n += 1
        s += n
    return s


_sum_up_to_augmented_jit = autograph_jit(sum_up_to_augmented)


@PROPERTY
@given(x=st.integers(-5, 60))
def test_sum_up_to_augmented_assignment_property(x):
    assert_same(sum_up_to_augmented, i32(x), jitted=_sum_up_to_augmented_jit)


def test_sum_up_to_written_with_lax_while_loop_still_works():
    @autograph_jit
    def sum_up_to(x):
        return lax.while_loop(
            lambda c: c[1] <= x,
            lambda c: (c[0] + c[1], c[1] + 1),
            (0, 1)
        )[0]

    assert int(sum_up_to(jnp.array(10))) == 55


def myabs(x):
    if x > 0:
        return x
    else:
        return -x


_myabs_jit = autograph_jit(myabs)


def test_myabs():
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(myabs)(jnp.array(-2))
    out = _myabs_jit(jnp.array(-2))
    assert int(out) == 2 and out.dtype == jnp.int32
    assert "cond" in converted_primitives(myabs, jnp.array(-2))


@PROPERTY
@given(x=st.integers(-1000, 1000))
def test_myabs_property(x):
    assert_same(myabs, i32(x), jitted=_myabs_jit, dtype="exact")


def test_myabs_written_with_lax_cond_still_works():
    @autograph_jit
    def myabs(x):
        return lax.cond(
            x > 0,
            lambda _: x,
            lambda _: -x,
            None
        )

    assert int(myabs(jnp.array(-2))) == 2


# ------------------------------------------------------------ how-to-think-in-jax.txt
def norm(X):
    X = X - X.mean(0)
    return X / X.std(0)


def test_norm():
    X = jnp.array(np.random.default_rng(0).random((100, 10)), dtype=jnp.float32)
    np.testing.assert_allclose(norm(X), autograph_jit(norm)(X), atol=1e-5)


def get_negatives(x):
    return x[x < 0]


def test_get_negatives_works_eagerly_but_not_under_jit():
    x = jnp.array(np.random.default_rng(1).standard_normal(10), dtype=jnp.float32)
    eager = get_negatives(x)
    assert bool(jnp.all(eager < 0))
    with pytest.raises(Exception):
        autograph_jit(get_negatives)(x)


def f_prints(x, y):
    print("Running f():")
    print(f"  x = {x}")
    print(f"  y = {y}")
    result = jnp.dot(x + 1, y + 1)
    print(f"  result = {result}")
    return result


def test_print_of_traced_values_prints_values_like_python(capsys):
    # print of a traced value prints the value at run time (Python's output), not a
    # tracer; text without traced values is printed when tracing, as jax.jit does
    rng = np.random.default_rng(2)
    x = jnp.asarray(rng.standard_normal((3, 4)), jnp.float32)
    y = jnp.asarray(rng.standard_normal(4), jnp.float32)
    f_prints(x, y)
    eager = capsys.readouterr().out
    jitted = autograph_jit(f_prints)
    out = jitted(x, y)
    out.block_until_ready()
    jax.effects_barrier()
    first = capsys.readouterr().out
    assert first == eager
    np.testing.assert_allclose(out, np.dot(x + 1, y + 1), rtol=1e-5)
    jitted(x, y).block_until_ready()
    jax.effects_barrier()
    second = capsys.readouterr().out
    # the values are printed on every run; the static line once per trace (like jax.jit)
    assert second.replace("Running f():\n", "") == eager.replace("Running f():\n", "")


def prints_braces(x):
    print("{} before", x, "{x}")
    return x


def test_print_of_traced_values_keeps_literal_braces(capsys):
    # jax.debug.print looks for placeholders in the template's first part only; literal
    # braces before the first value must still print as Python prints them
    prints_braces(jnp.float32(2.0))
    eager = capsys.readouterr().out
    autograph_jit(prints_braces)(jnp.float32(2.0)).block_until_ready()
    jax.effects_barrier()
    assert capsys.readouterr().out == eager == "{} before 2.0 {x}\n"


def f_neg(x, neg):
    return -x if neg else x


def test_ternary_on_traced_neg():
    with pytest.raises(jax.errors.TracerBoolConversionError):
        jax.jit(f_neg)(1, True)
    jitted = autograph_jit(f_neg)
    assert int(jitted(1, True)) == -1
    assert int(jitted(1, False)) == 1
    assert jitted._cache_size() == 1
    assert "cond" in converted_primitives(f_neg, 1, True)


def test_ternary_with_static_argnums():
    jitted = autograph_jit(f_neg, static_argnums=(1,))
    assert_tree_close(-1, jitted(1, True), dtype="kind")
    assert_tree_close(1, jitted(1, False), dtype="kind")
    assert jitted(1, True).dtype == jnp.int32
    # static: plain Python ternary, no cond
    assert "cond" not in converted_primitives(f_neg, 1, True, static_argnums=(1,))
    assert "if_exp" not in py2lax.to_source(f_neg, static_argnames=("neg",))


def f_reshape_bad(x):
    return x.reshape(jnp.array(x.shape).prod())


def f_reshape_good(x):
    return x.reshape((np.prod(x.shape),))


def test_reshape_with_traced_shape_still_fails():
    with pytest.raises(TypeError):
        autograph_jit(f_reshape_bad)(jnp.ones((2, 3)))


def test_reshape_with_numpy_prod_works():
    out = assert_same(f_reshape_good, jnp.ones((2, 3)), dtype="exact")
    assert out.shape == (6,)
