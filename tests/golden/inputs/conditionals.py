"""Golden input: conditionals. ``CASES`` lists argument tuples to compare eagerly
against the transpiled module under jax.jit (see tests/test_golden.py)."""

import jax.numpy as jnp
import numpy as np


def sign(x):
    if x > 0:
        y = 1.0
    elif x < 0:
        y = -1.0
    else:
        y = 0.0
    return y


def clip_above(x, limit):
    if x > limit:
        x = limit
    return x


def live_only(x, y):
    a = x + 1
    b = y + 1
    if x > y:
        a = a * 2
        t = a + b
        b = t - a
    return a * b


def rank_dependent(x):
    if x.ndim == 2:
        x = x.sum(axis=1)
    return x


def with_default(x, y=None):
    if y is None:
        y = x * 0
    return x + y


def early_return(x):
    if x > 2:
        return x
    y = x * 3
    return y + 1


def returns_in_elif(x):
    if x > 5:
        return x * 0 + 5
    elif x > 0:
        return x
    return -x * 0.5


def ternary(x, y):
    z = x if x > y else y
    return z * 2 if 0 < z < 3 else z


def boolean_ops(x, y):
    both = x > 0 and y > 0
    either = x > 0 or y > 0
    neither = not either
    return both, either, neither


def nested(x, y):
    if x > 0:
        if y > 0:
            z = x + y
        else:
            z = x - y
    else:
        z = y * 2
    return z


def f32(v):
    return jnp.float32(v)


CASES = {
    "sign": [(f32(v),) for v in (-2.0, 0.0, 3.0)],
    "clip_above": [(f32(v), f32(1.0)) for v in (-2.0, 1.0, 3.0)],
    "live_only": [(f32(1.0), f32(2.0)), (f32(3.0), f32(-1.0))],
    "rank_dependent": [(jnp.ones((2, 3)),), (jnp.ones(3),)],
    "with_default": [(f32(1.0),), (f32(1.0), f32(2.0))],
    "early_return": [(f32(v),) for v in (-1.0, 2.0, 5.0)],
    "returns_in_elif": [(f32(v),) for v in (-1.0, 0.0, 2.0, 7.0)],
    "ternary": [(f32(a), f32(b)) for a, b in ((0.5, 0.1), (0.1, 2.0), (5.0, 1.0), (-1.0, -2.0))],
    "boolean_ops": [(f32(a), f32(b)) for a in (-1.0, 1.0) for b in (-1.0, 1.0)],
    "nested": [(f32(a), f32(b)) for a in (-1.0, 1.0) for b in (-1.0, 1.0)],
}
