"""CLI golden input: searches and scans as scientific code writes them.

Every function here converts with and without ``--standalone``: ``break`` in ``for``
loops, ranges with steps, helpers called from jitted code, enumerate and zip, chained
comparisons and ``not``.
"""

import jax
import jax.numpy as jnp


def _py2lax_dtyped(branch, dtypes):
    """``branch`` with its outputs cast to ``dtypes`` (the ``result_type`` of both
    branches' outputs): both branches of a ``lax.cond`` give one dtype."""
    return lambda *args: jax.tree.map(jnp.asarray, branch(*args), dtypes)


def _py2lax_as_dtype(value, like):
    """``value`` cast, leaf by leaf, to the dtype of ``like``: a loop's carry starts
    with the dtype one iteration gives it (an int counter that ``+= 0.5`` makes a
    float)."""
    return jax.tree.map(lambda v, t: jnp.asarray(v, t.dtype), value, like)


TOLERANCE = 1e-3  # a module constant: static


def clipped(v, bound):
    """A helper: converted along with the functions that call it."""
    # if v > bound:  ->  lax.cond
    def if_true_16(v):
        v = bound
        return (v,)
    def if_false_16(v):
        # elif v < -bound:  ->  lax.cond
        def if_true_18(v):
            v = -bound
            return (v,)
        v, = jax.lax.cond(v < -bound, if_true_18, lambda v: (v,), v)
        return (v,)
    v, = jax.lax.cond(v > bound, if_true_16, if_false_16, v)
    return v


@jax.jit
def first_index_above(xs, limit):
    found = -1
    # for i in range(xs.shape[0]):  ->  lax.while_loop
    broke_26 = False
    if xs.shape[0] > 0:
        def loop_body_26(i, carry):
            found, broke_26 = carry
            # if xs[i] > limit:  ->  lax.cond
            def if_true_27(found, broke_26):
                found = i
                broke_26 = True
                return (found, broke_26)
            found, broke_26 = jax.lax.cond(xs[i] > limit, if_true_27, lambda found, broke_26: (found, broke_26), found, broke_26)
            return (found, broke_26)
        def loop_cond_26(state):
            index, (found, broke_26) = state
            return jnp.logical_and(index < xs.shape[0], jnp.logical_not(broke_26))
        def loop_step_26(state):
            index, carry = state
            return (index + 1, loop_body_26(index, carry))
        found, broke_26 = jax.lax.while_loop(loop_cond_26, loop_step_26, (0, (found, broke_26)))[1]
    return found


@jax.jit
def sum_until_large(xs, limit):
    total = 0.0
    # for x in xs:  ->  lax.while_loop
    broke_36 = False
    if len(xs) > 0:
        def loop_body_36(x, carry):
            total, broke_36 = carry
            # if total > limit:  ->  lax.cond
            def if_true_37(total, broke_36):
                broke_36 = True
                return (total, broke_36)
            def if_false_37(total, broke_36):
                total = total + clipped(x, 1.0)
                return (total, broke_36)
            total, broke_36 = jax.lax.cond(total > limit, if_true_37, if_false_37, total, broke_36)
            return (total, broke_36)
        def loop_cond_36(state):
            index, (total, broke_36) = state
            return jnp.logical_and(index < len(xs), jnp.logical_not(broke_36))
        def loop_step_36(state):
            index, carry = state
            return (index + 1, loop_body_36(jnp.asarray(xs)[index], carry))
        total, broke_36 = jax.lax.while_loop(loop_cond_36, loop_step_36, (0, (total, broke_36)))[1]
    return total


@jax.jit
def every_other(xs, n):
    total = 0.0
    # for i in range(1, n, 2):  ->  lax.fori_loop
    def loop_body_46(i, carry):
        total, = carry
        i = 1 + i * 2
        total = total + xs[i]
        return (total,)
    total, = jax.lax.fori_loop(0, jnp.maximum(0, (n - 1 + 1) // 2), loop_body_46, (total,))
    # for j in range(n - 1, -1, -3):  ->  lax.fori_loop
    start_48 = n - 1
    def loop_body_48(j, carry):
        total, = carry
        j = start_48 + j * -3
        total = total - 0.5 * xs[j]
        return (total,)
    total, = jax.lax.fori_loop(0, jnp.maximum(0, (start_48 - -1 + 2) // 3), loop_body_48, (total,))
    return total


@jax.jit
def running_max(xs):
    best = xs[0]
    out = jnp.zeros_like(xs)
    # for i, x in enumerate(xs):  ->  lax.scan
    if len(xs) > 0:
        def loop_body_57(carry, item):
            best, out = carry
            i, x = item
            # if not x < best:  ->  lax.cond, jnp.logical_not
            def if_true_58(best):
                best = x
                return (best,)
            best, = jax.lax.cond(jnp.logical_not(x < best), if_true_58, lambda best: (best,), best)
            out = out.at[i].set(best)
            return ((best, out), None)
        best, out = jax.lax.scan(loop_body_57, (best, out), (jnp.arange(len(xs)), jnp.asarray(xs)))[0]
    return out


@jax.jit
def in_band(xs, low, high):
    count = 0
    # for a, b in zip(xs, xs[::-1]):  ->  lax.scan
    if len(xs) > 0:
        def loop_body_67(carry, item):
            count, = carry
            a, b = item
            # if low < a * b < high:  ->  lax.cond
            def if_true_68(count):
                count = count + 1
                return (count,)
            count, = jax.lax.cond(jnp.logical_and(low < a * b, a * b < high), if_true_68, lambda count: (count,), count)
            return ((count,), None)
        count, = jax.lax.scan(loop_body_67, (count,), (jnp.asarray(xs)[:len(xs[::-1])], jnp.asarray(xs[::-1])[:len(xs)]))[0]
    return count


@jax.jit
def bisect(f_low, f_high, a, b):
    steps = 0
    # while b - a > TOLERANCE and steps < 50:  ->  lax.while_loop, jnp.logical_and
    def loop_cond_76(carry):
        a, b, steps = carry
        return jnp.logical_and(b - a > TOLERANCE, steps < 50)
    def loop_body_76(carry):
        a, b, steps = carry
        middle = 0.5 * (a + b)
        # if (middle * middle - 2.0) * f_low > 0:  ->  lax.cond
        def if_true_78(a, b):
            a = middle
            return (a, b)
        def if_false_78(a, b):
            b = middle
            return (a, b)
        dtypes_78 = jax.tree.map(jnp.result_type, jax.eval_shape(if_true_78, a, b), jax.eval_shape(if_false_78, a, b))
        a, b = jax.lax.cond((middle * middle - 2.0) * f_low > 0, _py2lax_dtyped(if_true_78, dtypes_78), _py2lax_dtyped(if_false_78, dtypes_78), a, b)
        steps += 1
        return (a, b, steps)
    types_76 = jax.eval_shape(loop_body_76, (a, b, steps))
    a = _py2lax_as_dtype(a, types_76[0])
    b = _py2lax_as_dtype(b, types_76[1])
    a, b, steps = jax.lax.while_loop(loop_cond_76, loop_body_76, (a, b, steps))
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
