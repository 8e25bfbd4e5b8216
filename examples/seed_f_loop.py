"""Seed tutorial "Just-in-time compilation", *Be careful with loops*: ``f_loop(x, n)``.

``for i in range(n)`` with a traced ``n`` raises ``TracerIntegerConversionError`` under
plain ``jax.jit``. The tutorial's first fix, ``static_argnums=(1,)``, recompiles for
every new ``n``; its second rewrites the loop as ``lax.fori_loop``. py2lax writes that
``lax.fori_loop`` for you: one compilation serves every ``n``.

Run: python examples/seed_f_loop.py
"""

import jax
import jax.numpy as jnp

import py2lax
from _timing import report, seconds_per_call


def f_loop(x, n):
    y = 0.0
    for i in range(n):
        y = y + x
    return y


f_loop_jit = py2lax.autograph_jit(f_loop)

if __name__ == "__main__":
    try:
        jax.jit(f_loop)(2.0, 10)
    except jax.errors.TracerIntegerConversionError as error:
        print(f"plain jax.jit: {type(error).__name__}")

    results = {n: f_loop_jit(2.0, n) for n in (10, 11, 15)}
    for n, y in results.items():
        assert y == f_loop(2.0, n) == 2.0 * n
    compiled = getattr(f_loop_jit, "_cache_size", lambda: None)()  # programs in jit's cache
    assert compiled in (None, 1)  # one compiled program for every n
    print("py2lax: " + ", ".join(f"f_loop(2., {n}) = {y}" for n, y in results.items())
          + (f" (compiled {compiled} time)" if compiled else ""))
    args = (jnp.float32(2.0), 1000)
    report(seconds_per_call(f_loop, *args, min_calls=1), seconds_per_call(f_loop_jit, *args))
