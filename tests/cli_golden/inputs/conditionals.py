"""CLI golden input: conditionals under every spelling of ``autograph_jit``.

``CASES`` maps function names to argument tuples; tests/test_cli.py runs the original
and the rewritten module on them and compares the results.
"""

import jax.numpy as jnp

import py2lax
from py2lax import autograph_jit
from py2lax import autograph_jit as ajit

THRESHOLD = 0.5  # a module constant: static


@autograph_jit
def relu(x):
    """Zero below zero."""
    # Negative inputs are clamped.
    if x > 0:
        y = x
    else:
        y = jnp.zeros_like(x)  # same dtype as x
    return y


@ajit
def sign(x):
    if x > 0:
        return 1.0
    elif x < 0:
        return -1.0
    else:
        return 0.0


@autograph_jit
def early_exit(x):
    if x > 5:
        return x * 0 + 5
    y = x * 2
    return y


@autograph_jit
def sign_fallthrough(x):
    if x > 0:
        return 1.0
    elif x < 0:
        return -1.0
    return 0.0


@py2lax.autograph_jit(static_argnames=("mode",))
def scale(x, mode):
    # `mode` is static: this stays a Python `if`.
    if mode == "double":
        x = x * 2

    # A traced condition on the result.
    if x > 10 and x < 100:
        x = x - 10
    return x


@autograph_jit
def gated(x):
    if THRESHOLD > 1:  # module constant: decided here, not traced
        x = x + 1
    return x if x > THRESHOLD else -x


@autograph_jit
def rank_aware(x):
    if x.ndim == 2:
        x = x.sum(axis=1)
    total = x.sum()
    if total > 0:
        total = total * 2
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
