"""Bisection: halve a bracketing interval until it is shorter than a tolerance.

The Python you would write anyway: a ``while`` loop on a tolerance and an ``if``/``else``
that keeps the half in which the function changes sign. Both depend on traced values,
so plain ``jax.jit`` raises ``TracerBoolConversionError``; with py2lax the loop is a
``lax.while_loop`` and the ``if`` a ``lax.cond``.

Run: python examples/bisection.py
"""

import jax.numpy as jnp
import numpy as np

import py2lax
from _timing import report, seconds_per_call


def f(x):
    return x**3 - 2.0 * x - 5.0  # Wallis's cubic; one real root, near 2.0946


def bisection(lo, hi, tol):
    f_lo = f(lo)
    steps = 0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if f_lo * f_mid <= 0:  # the sign changes in [lo, mid]
            hi = mid
        else:
            lo, f_lo = mid, f_mid
        steps = steps + 1
    return 0.5 * (lo + hi), steps


bisection_jit = py2lax.autograph_jit(bisection)

if __name__ == "__main__":
    args = (jnp.float32(2.0), jnp.float32(3.0), jnp.float32(1e-6))
    root, steps = bisection_jit(*args)
    eager_root, eager_steps = bisection(*args)
    assert np.allclose(root, eager_root) and int(steps) == int(eager_steps)
    assert abs(float(f(root))) < 1e-4

    print(f"root of x**3 - 2x - 5 in [2, 3]: {float(root):.6f} after {int(steps)} halvings")
    report(seconds_per_call(bisection, *args), seconds_per_call(bisection_jit, *args))
