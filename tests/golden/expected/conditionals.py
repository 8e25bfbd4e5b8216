"""Golden input: conditionals. ``CASES`` lists argument tuples to compare eagerly
against the transpiled module under jax.jit (see tests/test_golden.py)."""

import jax.numpy as jnp
import numpy as np
import py2lax


def sign(x):
    def if_true_9():
        y = 1.0
        return (y,)

    def if_false_9():
        def if_true_11():
            y = -1.0
            return (y,)

        def if_false_11():
            y = 0.0
            return (y,)
        y, = py2lax.cond(x < 0, if_true_11, if_false_11, ())
        return (y,)
    y, = py2lax.cond(x > 0, if_true_9, if_false_9, ())
    return y


def clip_above(x, limit):
    def if_true_19(x):
        x = limit
        return (x,)
    x, = py2lax.cond(x > limit, if_true_19, None, (x,))
    return x


def live_only(x, y):
    a = x + 1
    b = y + 1

    def if_true_27(a, b):
        a = a * 2
        t = a + b
        b = t - a
        return (a, b)
    a, b = py2lax.cond(x > y, if_true_27, None, (a, b))
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
    def if_true_47():
        return_value = x
        return (return_value,)

    def if_false_47():
        y = x * 3
        return_value = y + 1
        return (return_value,)
    return_value, = py2lax.cond(x > 2, if_true_47, if_false_47, ())
    return return_value


def returns_in_elif(x):
    def if_true_54():
        return_value = x * 0 + 5
        return (return_value,)

    def if_false_54():
        def if_true_56():
            return_value = x
            return (return_value,)

        def if_false_56():
            return_value = -x * 0.5
            return (return_value,)
        return_value, = py2lax.cond(x > 0, if_true_56, if_false_56, ())
        return (return_value,)
    return_value, = py2lax.cond(x > 5, if_true_54, if_false_54, ())
    return return_value


def ternary(x, y):
    z = py2lax.if_exp(x > y, lambda: x, lambda: y)
    return py2lax.if_exp(py2lax.and_(0 < z, lambda: z < 3), lambda: z * 2, lambda: z)


def boolean_ops(x, y):
    both = py2lax.and_(x > 0, lambda: y > 0)
    either = py2lax.or_(x > 0, lambda: y > 0)
    neither = py2lax.not_(either)
    return (both, either, neither)


def nested(x, y):
    def if_true_74():
        def if_true_75():
            z = x + y
            return (z,)

        def if_false_75():
            z = x - y
            return (z,)
        z, = py2lax.cond(y > 0, if_true_75, if_false_75, ())
        return (z,)

    def if_false_74():
        z = y * 2
        return (z,)
    z, = py2lax.cond(x > 0, if_true_74, if_false_74, ())
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
