"""CLI golden input: searches and scans as scientific code writes them.

Every function here converts with and without ``--standalone``: ``break`` in ``for``
loops, ranges with steps, helpers called from jitted code, enumerate and zip, chained
comparisons and ``not``.
"""

import jax
import jax.numpy as jnp
import py2lax

TOLERANCE = 1e-3  # a module constant: static


def clipped(v, bound):
    """A helper: converted along with the functions that call it."""
    # if v > bound:  ->  lax.cond when traced
    def if_true_16(v):
        v = bound
        return (v,)
    def if_false_16(v):
        # elif v < -bound:  ->  lax.cond when traced
        def if_true_18(v):
            v = -bound
            return (v,)
        v, = py2lax.cond(v < -bound, if_true_18, None, (v,))
        return (v,)
    v, = py2lax.cond(v > bound, if_true_16, if_false_16, (v,))
    return v


@jax.jit
def first_index_above(xs, limit):
    found = -1
    # for i in range(xs.shape[0]):  ->  lax.while_loop when traced
    broke_26 = False
    def loop_body_26(i, found, broke_26):
        # if xs[i] > limit:  ->  lax.cond when traced
        def if_true_27(found, broke_26):
            found = i
            broke_26 = True
            return (found, broke_26)
        found, broke_26 = py2lax.cond(xs[i] > limit, if_true_27, None, (found, broke_26))
        return (found, broke_26)
    found, broke_26 = py2lax.fori_loop(0, xs.shape[0], loop_body_26, (found, broke_26), has_break=True)
    return found


@jax.jit
def sum_until_large(xs, limit):
    total = 0.0
    # for x in xs:  ->  lax.while_loop when traced
    broke_36 = False
    def loop_body_36(x, total, broke_36):
        # if total > limit:  ->  lax.cond when traced
        def if_true_37(total, broke_36):
            broke_36 = True
            return (total, broke_36)
        def if_false_37(total, broke_36):
            total = total + clipped(x, 1.0)
            return (total, broke_36)
        total, broke_36 = py2lax.cond(total > limit, if_true_37, if_false_37, (total, broke_36))
        return (total, broke_36)
    total, broke_36 = py2lax.for_each(xs, loop_body_36, (total, broke_36), has_break=True)
    return total


@jax.jit
def every_other(xs, n):
    total = 0.0
    # for i in range(1, n, 2):  ->  lax.fori_loop when traced
    def loop_body_46(i, total):
        total = total + xs[i]
        return (total,)
    total, = py2lax.fori_loop(1, n, loop_body_46, (total,), step=2)
    # for j in range(n - 1, -1, -3):  ->  lax.fori_loop when traced
    def loop_body_48(j, total):
        total = total - 0.5 * xs[j]
        return (total,)
    total, = py2lax.fori_loop(n - 1, -1, loop_body_48, (total,), step=-3)
    return total


@jax.jit
def running_max(xs):
    best = xs[0]
    out = jnp.zeros_like(xs)
    # for i, x in enumerate(xs):  ->  lax.scan when traced
    def loop_body_57(item, best, out):
        i, x = item
        # if not x < best:  ->  lax.cond, jnp.logical_not when traced
        def if_true_58(best):
            best = x
            return (best,)
        best, = py2lax.cond(py2lax.not_(x < best), if_true_58, None, (best,))
        out = out.at[i].set(best)
        return (best, out)
    best, out = py2lax.for_each(py2lax.enumerate(xs), loop_body_57, (best, out))
    return out


@jax.jit
def in_band(xs, low, high):
    count = 0
    # for a, b in zip(xs, xs[::-1]):  ->  lax.scan when traced
    def loop_body_67(item, count):
        a, b = item
        # if low < a * b < high:  ->  lax.cond when traced
        def if_true_68(count):
            count = count + 1
            return (count,)
        count, = py2lax.cond(py2lax.compare(low, '<', lambda: a * b, '<', lambda: high), if_true_68, None, (count,))
        return (count,)
    count, = py2lax.for_each(py2lax.zip(xs, xs[::-1]), loop_body_67, (count,))
    return count


@jax.jit
def bisect(f_low, f_high, a, b):
    steps = 0
    # while b - a > TOLERANCE and steps < 50:  ->  lax.while_loop, jnp.logical_and when traced
    def loop_cond_76(a, b, steps):
        return py2lax.and_(b - a > TOLERANCE, lambda: steps < 50)
    def loop_body_76(a, b, steps):
        middle = 0.5 * (a + b)
        # if (middle * middle - 2.0) * f_low > 0:  ->  lax.cond when traced
        def if_true_78(a, b):
            a = middle
            return (a, b)
        def if_false_78(a, b):
            b = middle
            return (a, b)
        a, b = py2lax.cond((middle * middle - 2.0) * f_low > 0, if_true_78, if_false_78, (a, b))
        steps += 1
        return (a, b, steps)
    a, b, steps = py2lax.while_loop(loop_cond_76, loop_body_76, (a, b, steps))
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
