"""CLI golden input: conditionals under every spelling of ``autograph_jit``.

``CASES`` maps function names to argument tuples; tests/test_cli.py runs the original
and the rewritten module on them and compares the results.
"""

import functools

import jax
import jax.numpy as jnp

THRESHOLD = 0.5  # a module constant: static


@jax.jit
def relu(x):
    """Zero below zero."""
    # Negative inputs are clamped.
    # if x > 0:  ->  lax.cond
    def if_true_20():
        y = x
        return (y,)
    def if_false_20():
        y = jnp.zeros_like(x)  # same dtype as x
        return (y,)
    y, = jax.lax.cond(x > 0, if_true_20, if_false_20)
    return y


@jax.jit
def sign(x):
    # if x > 0:  ->  lax.cond
    def if_true_29():
        return_value = 1.0
        return (return_value,)
    def if_false_29():
        # elif x < 0:  ->  lax.cond
        def if_true_31():
            return_value = -1.0
            return (return_value,)
        def if_false_31():
            return_value = 0.0
            return (return_value,)
        return_value, = jax.lax.cond(x < 0, if_true_31, if_false_31)
        return (return_value,)
    return_value, = jax.lax.cond(x > 0, if_true_29, if_false_29)
    return return_value


@jax.jit
def early_exit(x):
    # if x > 5:  ->  lax.cond
    def if_true_39():
        return_value = x * 0 + 5
        return (return_value,)
    def if_false_39():
        y = x * 2
        return_value = y
        return (return_value,)
    return_value, = jax.lax.cond(x > 5, if_true_39, if_false_39)
    return return_value


@jax.jit
def sign_fallthrough(x):
    # if x > 0:  ->  lax.cond
    def if_true_47():
        return_value = 1.0
        return (return_value,)
    def if_false_47():
        # elif x < 0:  ->  lax.cond
        def if_true_49():
            return_value = -1.0
            return (return_value,)
        def if_false_49():
            return_value = 0.0
            return (return_value,)
        return_value, = jax.lax.cond(x < 0, if_true_49, if_false_49)
        return (return_value,)
    return_value, = jax.lax.cond(x > 0, if_true_47, if_false_47)
    return return_value


@functools.partial(jax.jit, static_argnames=("mode",))
def scale(x, mode):
    # `mode` is static: this stays a Python `if`.
    if mode == "double":
        x = x * 2

    # A traced condition on the result.
    # if x > 10 and x < 100:  ->  lax.cond, jnp.logical_and
    def if_true_61(x):
        x = x - 10
        return (x,)
    x, = jax.lax.cond(jnp.logical_and(x > 10, x < 100), if_true_61, lambda x: (x,), x)
    return x


@jax.jit
def gated(x):
    if THRESHOLD > 1:  # module constant: decided here, not traced
        x = x + 1
    # return x if x > THRESHOLD else -x  ->  lax.cond
    return jax.lax.cond(x > THRESHOLD, lambda x: x, lambda x: -x, x)


@jax.jit
def rank_aware(x):
    if x.ndim == 2:
        x = x.sum(axis=1)
    total = x.sum()
    # if total > 0:  ->  lax.cond
    def if_true_78(total):
        total = total * 2
        return (total,)
    total, = jax.lax.cond(total > 0, if_true_78, lambda total: (total,), total)
    return total


def helper_untouched(x):
    # Not decorated: reproduced verbatim.
    if x > 0:
        return x
    return -x


def f32(v):
    return jnp.asarray(v, dtype=jnp.float32)


CASES = {
    "relu": [(f32(-2.0),), (f32(3.0),)],
    "sign": [(f32(-2.0),), (f32(0.0),), (f32(5.0),)],
    "early_exit": [(f32(7.0),), (f32(2.0),)],
    "sign_fallthrough": [(f32(-2.0),), (f32(0.0),), (f32(5.0),)],
    "scale": [(f32(3.0), "double"), (f32(6.0), "double"), (f32(12.0), "keep")],
    "gated": [(f32(0.25),), (f32(2.0),)],
    "rank_aware": [(f32([1.0, 2.0]),), (f32([[1.0, -2.0], [-3.0, 1.0]]),)],
}
