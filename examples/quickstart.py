"""The seeds' failing examples, made to work by one decorator.

Each function below raises ``TracerBoolConversionError`` or
``TracerIntegerConversionError`` under plain ``@jax.jit``. ``@autograph_jit`` rewrites
its ``if``/``while``/``for`` into ``lax.cond``/``lax.while_loop``/``lax.fori_loop`` and
hands the result to ``jax.jit``.

Run: python examples/quickstart.py          (runs them)
     py2lax examples/quickstart.py          (prints the rewritten module; runs nothing)
"""

import jax.numpy as jnp

import py2lax
from py2lax import autograph_jit
from _timing import report, seconds_per_call


@autograph_jit
def myabs(x):
    if x > 0:  # a traced condition: TracerBoolConversionError under plain jax.jit
        return x
    else:
        return -x


@autograph_jit
def f_loop(x, n):
    y = 0.0
    for i in range(n):  # a traced bound: TracerIntegerConversionError under plain jax.jit
        y = y + x
    return y


@autograph_jit
def sum_up_to(x):
    s = 0.0
    n = 1
    while n < x:  # a traced loop condition
        s = s + n
        n = n + 1
    return s


if __name__ == "__main__":
    print("myabs(-2)        =", myabs(jnp.array(-2)))
    print("f_loop(2., 10)   =", f_loop(2.0, 10))
    print("sum_up_to(5)     =", sum_up_to(jnp.array(5)))
    print()
    print("What py2lax compiled for sum_up_to:")
    print(py2lax.to_source(sum_up_to))
    print()
    # `.converted` is the rewritten function; called without jit it runs eagerly, op by op.
    x = jnp.array(500)
    print("sum_up_to(500):")
    report(seconds_per_call(sum_up_to.converted, x, min_calls=1), seconds_per_call(sum_up_to, x))
