"""Seed tutorial "Just-in-time compilation", *Be careful with conditionals*: ``myabs``.

Under plain ``jax.jit``, ``if x > 0`` on a traced ``x`` raises
``TracerBoolConversionError``, and the tutorial rewrites the function with ``lax.cond``.
With py2lax the function runs as written: the ``if`` becomes that ``lax.cond``.

Run: python examples/seed_myabs.py
"""

import jax
import jax.numpy as jnp

import py2lax
from _timing import report, seconds_per_call


def myabs(x):
    if x > 0:
        return x
    else:
        return -x


myabs_jit = py2lax.autograph_jit(myabs)

if __name__ == "__main__":
    x = jnp.array(-2)
    try:
        jax.jit(myabs)(x)
    except jax.errors.TracerBoolConversionError as error:
        print(f"plain jax.jit: {type(error).__name__}")

    assert myabs_jit(x) == myabs(x) == 2 and myabs_jit(jnp.array(3)) == 3
    print(f"py2lax: myabs(-2) = {myabs_jit(x)}, myabs(3) = {myabs_jit(jnp.array(3))}")
    report(seconds_per_call(myabs, x), seconds_per_call(myabs_jit, x))
