"""Functions a traced condition chooses (``act = jnp.tanh if x > 0 else jnp.sin``), then
calls: each candidate is traced with the arguments and lax chooses the result, as
Python would call the one the condition picked. The oracle is Python, run eagerly."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import py2lax


def activation_by_sign(x, y):
    act = jnp.tanh if x > 0 else jnp.sin
    return act(y) * 2


def relu(z):
    return jnp.maximum(z, 0.0)


def leaky(z):
    return jnp.where(z > 0, z, 0.1 * z)


def layer(x, w):
    if jnp.sum(w) > 0:
        f = relu
    else:
        f = leaky
    return f(w * x)


def switch_in_loop(v):
    op = jnp.sin
    total = 0.0
    for e in v:
        if e > 0.5:
            op = jnp.cos
        total = total + op(e)
    return total


def lambdas(x):
    g = (lambda t: t * 2) if x > 1 else (lambda t: t - 1)
    return g(x) + g(3.0)


def compared(x):
    f = jnp.exp if x > 0 else jnp.log1p
    return jnp.where(f == jnp.exp, 1.0, 2.0)


def three_way(x):
    if x > 1:
        f = jnp.sin
    elif x > 0:
        f = jnp.cos
    else:
        f = jnp.tanh
    return f(x)


def scale(a, x):
    return a * x


def partials(x):
    import functools
    g = functools.partial(scale, 2.0)
    if x > 0:
        g = functools.partial(scale, 3.0)
    return g(x)


V = np.linspace(0.0, 1.0, 12)
CASES = [
    (activation_by_sign, (0.5, 0.3)), (activation_by_sign, (-0.5, 0.3)),
    (layer, (1.5, np.array([0.2, -0.5, 0.7]))), (layer, (1.5, np.array([-0.2, -0.5, 0.7]))),
    (switch_in_loop, (V,)), (switch_in_loop, (V * 0.4,)), (lambdas, (2.0,)), (lambdas, (0.5,)),
    (compared, (1.0,)), (compared, (-1.0,)),
    (three_way, (1.5,)), (three_way, (0.5,)), (three_way, (-0.5,)),
    (partials, (1.0,)), (partials, (-1.0,)),
]


@pytest.mark.parametrize("function, args", CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)])
def test_a_chosen_function_is_called_as_python_calls_it(function, args):
    want = function(*args)
    got = py2lax.autograph_jit(function)(*[jnp.asarray(a) for a in args])
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(py2lax.convert(function)(*args)), np.asarray(want))


def test_gradients_go_through_the_chosen_function_only():
    grad = jax.grad(py2lax.convert(activation_by_sign), argnums=1)
    assert float(grad(jnp.float32(1.0), jnp.float32(0.0))) == pytest.approx(2.0)  # tanh'(0)
    assert float(grad(jnp.float32(-1.0), jnp.float32(0.0))) == pytest.approx(2.0)  # sin'(0)


def named_choice(x):
    act = jnp.tanh if x > 0 else jnp.sin
    return {act: 1}


def test_a_use_that_needs_the_function_itself_is_refused_at_its_line():
    with pytest.raises(py2lax.TracedValueError) as caught:
        py2lax.autograph_jit(named_choice)(jnp.float32(1.0))
    message = str(caught.value)
    assert "tanh or sin" in message and "dict key" in message
    assert f":{named_choice.__code__.co_firstlineno + 2}" in message
