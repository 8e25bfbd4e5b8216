"""CLI golden input: searches and scans as scientific code writes them.

Every function here converts with and without ``--standalone``: ``break`` in ``for``
loops, ranges with steps, helpers called from jitted code, enumerate and zip, chained
comparisons and ``not``.
"""

import jax
import jax.numpy as jnp

TOLERANCE = 1e-3  # a module constant: static


def clipped(v, bound):
    """A helper: converted along with the functions that call it."""
    if v > bound:
        v = bound
    elif v < -bound:
        v = -bound
    return v


@jax.jit
def first_index_above(xs, limit):
    found = -1
    for i in range(xs.shape[0]):
        if xs[i] > limit:
            found = i
            break
    return found


@jax.jit
def sum_until_large(xs, limit):
    total = 0.0
    for x in xs:
        if total > limit:
            break
        total = total + clipped(x, 1.0)
    return total


@jax.jit
def every_other(xs, n):
    total = 0.0
    for i in range(1, n, 2):
        total = total + xs[i]
    for j in range(n - 1, -1, -3):
        total = total - 0.5 * xs[j]
    return total


@jax.jit
def running_max(xs):
    best = xs[0]
    out = jnp.zeros_like(xs)
    for i, x in enumerate(xs):
        if not x < best:
            best = x
        out = out.at[i].set(best)
    return out


@jax.jit
def in_band(xs, low, high):
    count = 0
    for a, b in zip(xs, xs[::-1]):
        if low < a * b < high:
            count = count + 1
    return count


@jax.jit
def bisect(f_low, f_high, a, b):
    steps = 0
    while b - a > TOLERANCE and steps < 50:
        middle = 0.5 * (a + b)
        if (middle * middle - 2.0) * f_low > 0:
            a = middle
        else:
            b = middle
        steps += 1
    return 0.5 * (a + b)


XS = jnp.array([0.5, -2.0, 3.0, 1.5, -0.25, 4.0])
CASES = {
    "first_index_above": [(XS, 1.0), (XS, 10.0), (XS, -5.0)],
    "sum_until_large": [(XS, 1.0), (XS, 100.0)],
    "every_other": [(XS, 6), (XS, 3), (XS, 1)],
    "running_max": [(XS,), (-XS,)],
    "in_band": [(XS, -1.0, 1.0), (XS, 0.0, 10.0)],
    "bisect": [(-1.0, 2.0, 1.0, 2.0), (-1.0, 14.0, 0.0, 4.0)],
}
