"""CLI golden input: loops, with ``jax.jit`` in the spellings people use."""

from functools import partial

import jax
import jax.numpy as jnp
from jax import jit


@jax.jit
def sum_up_to(x):
    s = 0.0
    n = 1
    while n < x:  # traced condition
        s = s + n
        n = n + 1
    return s


@partial(jax.jit, static_argnums=(1,))
def repeat_add(x, n):
    y = 0.0
    for i in range(n):  # static trip count
        y = y + x
    return y


@jit
def traced_trip_count(x, n):
    total = x * 0
    for i in range(n):
        total = total + x * i
    return total


@jax.jit
def first_above(xs, limit):
    found = xs[0] * 0
    for x in xs:
        if x > limit:
            found = x
            break
    return found


@jax.jit
def weighted(xs, ws):
    acc = 0.0
    for i, (x, w) in enumerate(zip(xs, ws)):
        acc = acc + x * w * i
    return acc


@jax.jit
def newton_sqrt(a):
    x = a
    i = 0
    # Iterate until converged or out of steps.
    while i < 20 and jnp.abs(x * x - a) > 1e-6:
        x = 0.5 * (x + a / x)
        i = i + 1
    return x


@jax.jit
def no_control_flow(x):
    # Nothing to rewrite: kept exactly as written.
    return jnp.sin(x) * 2


def f32(v):
    return jnp.asarray(v, dtype=jnp.float32)


CASES = {
    "sum_up_to": [(f32(5.0),), (f32(0.0),)],
    "repeat_add": [(f32(2.0), 4), (f32(2.0), 0)],
    "traced_trip_count": [(f32(1.5), jnp.int32(4)), (f32(1.5), jnp.int32(0))],
    "first_above": [(f32([1.0, 5.0, 7.0]), f32(4.0)), (f32([1.0, 2.0]), f32(9.0))],
    "weighted": [(f32([1.0, 2.0, 3.0]), f32([0.5, 0.5, 2.0]))],
    "newton_sqrt": [(f32(2.0),), (f32(9.0),)],
    "no_control_flow": [(f32(0.3),)],
}
