"""Newton's method for Kepler's equation ``E - e sin(E) = M``.

Given the mean anomaly ``M`` and eccentricity ``e`` of an orbit, find the eccentric
anomaly ``E``. The derivative comes from ``jax.grad``; the iteration stops when the step
is below a tolerance or after ``max_iter`` steps: ``while abs(step) > tol and it <
max_iter``, a traced condition that becomes a ``lax.while_loop``. The starting guess is
a conditional expression on the traced ``e``, which becomes a ``lax.cond``.

Run: python examples/newton.py
"""

import jax
import jax.numpy as jnp
import numpy as np

import py2lax
from _timing import report, seconds_per_call


def kepler(E, e, M):
    return E - e * jnp.sin(E) - M


def solve_kepler(M, e, tol=1e-6, max_iter=50):
    E = M if e < 0.8 else jnp.pi  # the usual starting guesses
    step = 1.0
    it = 0
    while abs(step) > tol and it < max_iter:
        step = kepler(E, e, M) / jax.grad(kepler)(E, e, M)
        E = E - step
        it = it + 1
    return E, it


solve_kepler_jit = py2lax.autograph_jit(solve_kepler)

if __name__ == "__main__":
    for M, e in [(1.0, 0.5), (0.3, 0.95)]:
        args = (jnp.float32(M), jnp.float32(e))
        E, it = solve_kepler_jit(*args)
        eager_E, eager_it = solve_kepler(*args)
        assert np.allclose(E, eager_E, atol=1e-6) and abs(int(it) - int(eager_it)) <= 1
        assert abs(float(kepler(E, args[1], args[0]))) < 1e-5
        print(f"Kepler's equation, M = {M}, e = {e}: E = {float(E):.6f} "
              f"({int(it)} Newton steps)")
    report(seconds_per_call(solve_kepler, *args), seconds_per_call(solve_kepler_jit, *args))
