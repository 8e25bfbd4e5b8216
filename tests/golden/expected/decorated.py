"""Golden input: decorators. Functions decorated with ``autograph_jit``/``jax.jit`` keep
their (rewritten) decorators; static parameters stay Python."""

import functools

import jax
import jax.numpy as jnp

import py2lax
from py2lax import autograph_jit as ajit


@jax.jit
def myabs(x):
    def if_true_15():
        return_value = x
        return (return_value,)

    def if_false_15():
        return_value = -x
        return (return_value,)
    return_value, = py2lax.cond(x > 0, if_true_15, if_false_15, ())
    return return_value


@functools.partial(jax.jit, static_argnames=('mode',))
def mode_switch(x, mode):
    if mode == 'double':
        x = x * 2

    def if_true_25(x):
        x = x - 10
        return (x,)
    x, = py2lax.cond(x > 10, if_true_25, None, (x,))
    return x


@functools.partial(jax.jit, static_argnums=(1,))
def f_loop(x, n):
    y = 0.0

    def loop_body_33(i, y):
        y = y + x
        return (y,)
    y, = py2lax.fori_loop(0, n, loop_body_33, (y,))
    return y


@jax.jit
def clamp(x):
    def loop_cond_40(x):
        return x > 1

    def loop_body_40(x):
        x = x / 2
        return (x,)
    x, = py2lax.while_loop(loop_cond_40, loop_body_40, (x,))
    return x


def f32(v):
    return jnp.float32(v)


CASES = {
    "myabs": [(f32(-2.0),), (f32(3.0),)],
    "mode_switch": [(f32(3.0), "double"), (f32(6.0), "double"), (f32(12.0), "keep")],
    "f_loop": [(f32(2.0), 10), (f32(2.0), 0)],
    "clamp": [(f32(0.5),), (f32(17.0),)],
}
