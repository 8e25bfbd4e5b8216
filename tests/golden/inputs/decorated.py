"""Golden input: decorators. Functions decorated with ``autograph_jit``/``jax.jit`` keep
their (rewritten) decorators; static parameters stay Python."""

import functools

import jax
import jax.numpy as jnp

import py2lax
from py2lax import autograph_jit as ajit


@ajit
def myabs(x):
    if x > 0:
        return x
    else:
        return -x


@py2lax.autograph_jit(static_argnames=("mode",))
def mode_switch(x, mode):
    if mode == "double":
        x = x * 2
    if x > 10:
        x = x - 10
    return x


@functools.partial(jax.jit, static_argnums=(1,))
def f_loop(x, n):
    y = 0.0
    for i in range(n):
        y = y + x
    return y


@jax.jit
def clamp(x):
    while x > 1:
        x = x / 2
    return x


def f32(v):
    return jnp.float32(v)


CASES = {
    "myabs": [(f32(-2.0),), (f32(3.0),)],
    "mode_switch": [(f32(3.0), "double"), (f32(6.0), "double"), (f32(12.0), "keep")],
    "f_loop": [(f32(2.0), 10), (f32(2.0), 0)],
    "clamp": [(f32(0.5),), (f32(17.0),)],
}
