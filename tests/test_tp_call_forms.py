"""Call forms from issue 13 item 7: a module-level helper under ``@jax.jit`` or
``@partial(jax.jit, ...)`` is the user's code, so its body is converted when a converted
function calls it (it used to be called as library code, and its ``if`` on a traced value
raised ``TracerBoolConversionError``)."""

from functools import partial

import jax
import jax.numpy as jnp
import pytest

import py2lax


@jax.jit
def _halved_when_large(x):
    if x > 4.0:
        return x / 2.0
    return x


@partial(jax.jit, static_argnames=("steps",))
def _doubled_below_five(x, steps):
    for _ in range(steps):
        if x > 5.0:
            x = x - 5.0
        x = x * 2.0
    return x


def _python_doubled_below_five(x, steps):
    for _ in range(steps):
        if x > 5.0:
            x = x - 5.0
        x = x * 2.0
    return x


@pytest.mark.parametrize("x", [2.0, 9.0])
def test_a_module_level_jit_helper_is_converted(x):
    @py2lax.autograph_jit
    def f(v):
        return _halved_when_large(v) + 1.0

    assert float(f(jnp.float32(x))) == pytest.approx((x / 2.0 if x > 4.0 else x) + 1.0)


@pytest.mark.parametrize("x", [1.5, 2.0, 7.0])
def test_a_partial_jit_helper_keeps_its_static_arguments(x):
    @py2lax.autograph_jit
    def f(v):
        return _doubled_below_five(v, steps=3)

    assert float(f(jnp.float32(x))) == pytest.approx(_python_doubled_below_five(x, 3))


def test_a_jit_helper_assigned_from_a_call_is_converted():
    def clamp(v):
        if v < 0.0:
            v = 0.0 * v
        return v

    clamped = jax.jit(clamp)

    @py2lax.autograph_jit
    def f(v):
        return clamped(v) + clamped(-v)

    assert float(f(jnp.float32(3.0))) == pytest.approx(3.0)
    assert float(f(jnp.float32(-2.0))) == pytest.approx(2.0)


class _Scaler:
    def scaled(self, x, s):
        return x * s if x > 0 else x


@pytest.mark.parametrize("x", [2.0, -1.0])
def test_a_partial_of_a_bound_method_is_converted(x):
    """``partial(obj.method, ...)``: the partial's function is a bound method, which
    used to be taken for library code (not a plain function) and called unconverted."""
    import functools

    @py2lax.autograph_jit
    def f(v):
        scaled = functools.partial(_Scaler().scaled, s=3.0)
        return scaled(v) + scaled(v - 5.0)

    def python(v):
        return (v * 3.0 if v > 0 else v) + (((v - 5.0) * 3.0) if v - 5.0 > 0 else v - 5.0)

    assert float(f(jnp.float32(x))) == pytest.approx(python(x))
