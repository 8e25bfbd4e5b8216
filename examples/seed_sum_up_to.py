"""Seed tutorial "Just-in-time compilation", *Be careful with loops*: ``sum_up_to``.

``while n < x`` with a traced ``x`` raises ``TracerBoolConversionError`` under plain
``jax.jit``; the tutorial rewrites it as a ``lax.while_loop`` over a tuple. With py2lax
the loop runs as written and becomes that ``lax.while_loop``.

Run: python examples/seed_sum_up_to.py
"""

import jax
import jax.numpy as jnp

import py2lax
from _timing import report, seconds_per_call


def sum_up_to(x):
    s = 0.0
    n = 1
    while n < x:
        s = s + n
        n = n + 1
    return s


sum_up_to_jit = py2lax.autograph_jit(sum_up_to)

if __name__ == "__main__":
    try:
        jax.jit(sum_up_to)(jnp.array(5))
    except jax.errors.TracerBoolConversionError as error:
        print(f"plain jax.jit: {type(error).__name__}")

    for x in (5, 10, 1000):
        assert sum_up_to_jit(jnp.array(x)) == sum_up_to(jnp.array(x)) == x * (x - 1) / 2
    print(f"py2lax: sum_up_to(5) = {sum_up_to_jit(jnp.array(5))}, "
          f"sum_up_to(10) = {sum_up_to_jit(jnp.array(10))}, "
          f"sum_up_to(1000) = {sum_up_to_jit(jnp.array(1000))}")
    x = jnp.array(1000)
    report(seconds_per_call(sum_up_to, x, min_calls=1), seconds_per_call(sum_up_to_jit, x))
