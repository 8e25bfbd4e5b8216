"""Seed tutorial "How to think in JAX", *static arguments*: ``f(x, neg)``.

``-x if neg else x`` with a traced ``neg`` raises ``TracerBoolConversionError`` under
plain ``jax.jit``. The tutorial marks ``neg`` static, which compiles one program per
value of ``neg``. With py2lax the conditional expression becomes a ``lax.cond`` and one
program serves both values; marking ``neg`` static still works and keeps it Python.

Run: python examples/seed_neg.py
"""

import functools

import jax
import jax.numpy as jnp

import py2lax
from _timing import report, seconds_per_call


def f(x, neg):
    return -x if neg else x


f_jit = py2lax.autograph_jit(f)
f_static = py2lax.autograph_jit(f, static_argnums=(1,))  # the tutorial's way, still fine

if __name__ == "__main__":
    try:
        jax.jit(f)(1, True)
    except jax.errors.TracerBoolConversionError as error:
        print(f"plain jax.jit: {type(error).__name__}")

    assert f_jit(1, True) == f_static(1, True) == f(1, True) == -1
    assert f_jit(1, False) == f_static(1, False) == f(1, False) == 1
    print(f"py2lax: f(1, True) = {f_jit(1, True)}, f(1, False) = {f_jit(1, False)}")
    args = (jnp.float32(1.0), jnp.bool_(True))
    report(seconds_per_call(f, *args), seconds_per_call(f_jit, *args))
