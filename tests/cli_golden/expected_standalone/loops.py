"""CLI golden input: loops, with ``jax.jit`` in the spellings people use."""

from functools import partial

import jax
import jax.numpy as jnp
from jax import jit


def _py2lax_as_dtype(value, like):
    """``value`` cast, leaf by leaf, to the dtype of ``like``: a loop's carry starts
    with the dtype one iteration gives it (an int counter that ``+= 0.5`` makes a
    float)."""
    return jax.tree.map(lambda v, t: jnp.asarray(v, t.dtype), value, like)


@jax.jit
def sum_up_to(x):
    s = 0.0
    n = 1
    # traced condition
    # while n < x:  ->  lax.while_loop
    def loop_cond_14(carry):
        s, n = carry
        return n < x
    def loop_body_14(carry):
        s, n = carry
        s = s + n
        n = n + 1
        return (s, n)
    s, n = jax.lax.while_loop(loop_cond_14, loop_body_14, (s, n))
    return s


@partial(jax.jit, static_argnums=(1,))
def repeat_add(x, n):
    y = 0.0
    # static trip count
    # for i in range(n):  ->  lax.fori_loop
    def loop_body_23(i, carry):
        y, = carry
        y = y + x
        return (y,)
    y, = jax.lax.fori_loop(0, n, loop_body_23, (y,))
    return y


@jit
def traced_trip_count(x, n):
    total = x * 0
    # for i in range(n):  ->  lax.fori_loop
    def loop_body_31(i, carry):
        total, = carry
        total = total + x * i
        return (total,)
    total, = jax.lax.fori_loop(0, n, loop_body_31, (total,))
    return total


@jax.jit
def first_above(xs, limit):
    found = xs[0] * 0
    # for x in xs:  ->  lax.while_loop
    broke_39 = False
    if len(xs) > 0:
        def loop_body_39(x, carry):
            found, broke_39 = carry
            # if x > limit:  ->  lax.cond
            def if_true_40(found, broke_39):
                found = x
                broke_39 = True
                return (found, broke_39)
            found, broke_39 = jax.lax.cond(x > limit, if_true_40, lambda found, broke_39: (found, broke_39), found, broke_39)
            return (found, broke_39)
        def loop_cond_39(state):
            index, (found, broke_39) = state
            return jnp.logical_and(index < len(xs), jnp.logical_not(broke_39))
        def loop_step_39(state):
            index, carry = state
            return (index + 1, loop_body_39(jnp.asarray(xs)[index], carry))
        found, broke_39 = jax.lax.while_loop(loop_cond_39, loop_step_39, (0, (found, broke_39)))[1]
    return found


@jax.jit
def weighted(xs, ws):
    acc = 0.0
    # for i, (x, w) in enumerate(zip(xs, ws)):  ->  lax.scan
    def loop_body_49(carry, item):
        acc, = carry
        i, (x, w) = item
        acc = acc + x * w * i
        return ((acc,), None)
    acc, = jax.lax.scan(loop_body_49, (acc,), (jnp.arange(min(len(xs), len(ws))), (jnp.asarray(xs)[:len(ws)], jnp.asarray(ws)[:len(xs)])))[0]
    return acc


@jax.jit
def newton_sqrt(a):
    x = a
    i = 0
    # Iterate until converged or out of steps.
    # while i < 20 and jnp.abs(x * x - a) > 1e-6:  ->  lax.while_loop, jnp.logical_and
    def loop_cond_59(carry):
        x, i = carry
        return jnp.logical_and(i < 20, jnp.abs(x * x - a) > 1e-6)
    def loop_body_59(carry):
        x, i = carry
        x = 0.5 * (x + a / x)
        i = i + 1
        return (x, i)
    x = _py2lax_as_dtype(x, jax.eval_shape(loop_body_59, (x, i))[0])
    x, i = jax.lax.while_loop(loop_cond_59, loop_body_59, (x, i))
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
