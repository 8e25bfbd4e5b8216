"""Programs in the shape of JAX bug reports and questions about control flow under jit.

Each is the kind of function users post with ``TracerBoolConversionError``,
``ConcretizationTypeError`` or ``TracerIntegerConversionError`` (an ``if`` on an array,
``range(n)`` with a traced ``n``, ``max(x, 0)``, ``x or default``, a body function given
to ``lax.scan``/``fori_loop``/``vmap`` that uses Python control flow), re-expressed
and run as a new py2lax user would.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from case import Case

F = np.float32
SRC = "source: JAX issue tracker questions (TracerBoolConversionError and friends), re-expressed"


def mandelbrot_escape(cr, ci, max_iter):
    zr = 0.0
    zi = 0.0
    for i in range(max_iter):
        zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
        if zr * zr + zi * zi > 4.0:
            return i
    return max_iter


def mandelbrot_vmapped(cs_r, cs_i):
    def escape(cr, ci):
        zr = 0.0
        zi = 0.0
        k = 0
        while zr * zr + zi * zi <= 4.0 and k < 30:
            zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
            k += 1
        return k

    return jax.vmap(escape)(cs_r, cs_i)


def julia_complex(z, c):
    k = 0
    while jnp.abs(z) < 2.0 and k < 40:
        z = z * z + c
        k += 1
    return k


def relu_with_if(x):
    if x > 0:
        return x
    else:
        return 0.0 * x


def max_of_traced(x, y):
    return max(x, y) + min(x, 0.0)


def min_step_to_end(t, dt, t_end):
    steps = 0
    while t < t_end:
        h = min(dt, t_end - t)
        t = t + h
        steps += 1
    return t, steps


def default_with_or(x, scale):
    s = scale or 1.0
    return x * s


def range_of_traced(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def range_of_traced_start_stop(a, b):
    total = 0.0
    for i in range(a, b, 2):
        total = total + 1.0 / (i + 1)
    return total


def negative_step_range(n):
    out = 0
    for i in range(n, 0, -1):
        out = out * 2 + i
    return out


def scan_body_with_if(xs):
    def body(carry, x):
        if x > 0:
            carry = carry + x
        else:
            carry = carry * 0.5
        return carry, carry

    final, hist = lax.scan(body, 0.0, xs)
    return final, hist


def fori_body_with_while(n, x):
    def body(i, acc):
        k = 0
        while k < i:
            acc = acc + 0.1
            k += 1
        return acc

    return lax.fori_loop(0, n, body, x)


def vmap_helper_with_if(xs):
    def helper(x):
        if x > 1.0:
            return x * 2.0
        elif x < -1.0:
            return -x
        return x * x

    return jax.vmap(helper)(xs)


def grad_through_static_loop(x):
    def f(v):
        for k in range(5):
            if v > 1.0:
                v = v * 0.5
            else:
                v = v + k * 0.1
        return v

    return jax.grad(f)(x)


def grad_of_piecewise(x):
    def f(v):
        if v < 0.0:
            return v * v
        return jnp.sin(v)

    return jax.grad(f)(x)


def shape_condition_static(x):
    if x.shape[0] > 2:
        return x[:2].sum()
    return x.sum()


def ndim_dispatch(x):
    if x.ndim == 1:
        return x * 2.0
    total = x[0] * 0.0
    for row in x:
        total = total + row
    return total


def len_loop(x):
    total = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            total = total + x[i]
    return total


def index_by_loop_counter(x):
    i = 0
    total = 0.0
    while i < x.shape[0]:
        total = total + x[i] * (i + 1)
        i += 1
    return total


def optional_argument_none(x, mask=None):
    if mask is None:
        mask = jnp.ones_like(x)
    total = 0.0
    for e, m in zip(x, mask):
        if m > 0:
            total = total + e
    return total


def isinstance_dispatch(x):
    if isinstance(x, (list, tuple)):
        x = jnp.stack(x)
    if jnp.sum(x) > 0:
        return x
    return -x


def assert_positive(x):
    assert x.shape == (3,), "expected three values"
    if jnp.all(x > 0):
        return jnp.log(x)
    return x


def print_in_branch(x):
    if x > 0:
        print("positive branch")
        y = x + 1.0
    else:
        y = x - 1.0
    return y


def enumerate_zip_loop(xs, ys):
    total = 0.0
    for i, (a, b) in enumerate(zip(xs, ys)):
        if a > b:
            total = total + i * (a - b)
    return total


def nested_function_with_loop(x, n):
    def inner(v, m):
        for _ in range(m):
            v = jnp.tanh(v) + 0.1
        return v

    out = x
    for k in range(n):
        if k % 2 == 0:
            out = inner(out, 2)
    return out


def while_with_and_not(x):
    k = 0
    done = False
    while not done and k < 20:
        x = x * 0.7
        if x < 0.1:
            done = True
        k += 1
    return x, k


def any_all_builtins(v):
    if any(v > 2.0):
        return 1
    if all(v > 0.0):
        return 2
    return 3


def abs_round_builtins(x):
    if abs(x) > 1.5:
        return round(x * 10.0) / 10.0
    return abs(x)


def sum_builtin_over_array(v):
    s = sum(v)
    if s > 1.0:
        return s
    return -s


def int_cast_static_shape(x):
    n = int(x.shape[0] / 2)
    total = 0.0
    for i in range(n):
        total = total + x[i]
    return total


def lax_cond_mixed_with_if(x):
    y = lax.cond(x > 0, lambda v: v * 2.0, lambda v: v - 1.0, x)
    if y > 1.0:
        y = y * 10.0
    return y


def jnp_where_inside_loop(v, n):
    for _ in range(n):
        v = jnp.where(v > 1.0, v * 0.5, v + 1.0)
        if jnp.all(v < 1.2):
            break
    return v


def _mandelbrot_loop(cs_r, cs_i):
    out = []
    for cr, ci in zip(cs_r, cs_i):
        zr = zi = 0.0
        k = 0
        while zr * zr + zi * zi <= 4.0 and k < 30:
            zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
            k += 1
        out.append(k)
    return np.array(out, np.int32)


def _scan_loop(xs):
    carry = 0.0
    hist = []
    for x in xs:
        carry = carry + x if x > 0 else carry * 0.5
        hist.append(carry)
    return carry, np.array(hist, np.float32)


def _fori_loop(n, x):
    for i in range(n):
        x = x + 0.1 * i
    return x


def _vmap_loop(xs):
    return np.array([x * 2.0 if x > 1.0 else (-x if x < -1.0 else x * x) for x in xs], np.float32)


CASES = [
    Case(mandelbrot_escape, [(F(-0.75), F(0.1), 50), (F(1.0), F(1.0), 50), (F(0.0), F(0.0), 50)],
         note=SRC + " (jax issue 24740: return inside for over range(max_iter))"),
    Case(mandelbrot_escape, [(F(-0.75), F(0.1), 50), (F(1.0), F(1.0), 50)],
         static_argnums=(2,), label="static max_iter", note=SRC),
    Case(mandelbrot_vmapped,
         [(np.array([0.0, 1.0, -1.0, 0.3], F), np.array([0.0, 1.0, 0.0, 0.5], F))],
         oracle=_mandelbrot_loop, note=SRC + "; a while loop in a function given to jax.vmap"),
    Case(julia_complex, [(np.complex64(0.1 + 0.1j), np.complex64(-0.4 + 0.6j)),
                         (np.complex64(1.5 + 0.0j), np.complex64(0.3 + 0.0j))],
         note=SRC + "; complex arithmetic"),
    Case(relu_with_if, [(F(2.0),), (F(-2.0),)], note=SRC),
    Case(max_of_traced, [(1.0, 2.0), (3.0, -1.0), (-2.0, -5.0)], note=SRC + "; max/min builtins"),
    Case(min_step_to_end, [(F(0.0), F(0.3), F(1.0)), (F(0.0), F(0.5), F(1.0))],
         note=SRC + "; min(dt, t_end - t)"),
    Case(default_with_or, [(2.0, 0.0), (2.0, 3.0)],
         note=SRC + "; `scale or 1.0` with a traced scale (jnp.where(scale, scale, 1.0))"),
    Case(range_of_traced, [(0,), (5,)], note=SRC + " (TracerIntegerConversionError)"),
    Case(range_of_traced_start_stop, [(1, 8), (5, 2)], note=SRC),
    Case(negative_step_range, [(0,), (4,)], note=SRC + "; negative step"),
    Case(scan_body_with_if, [(np.array([1.0, -2.0, 3.0], F),)], oracle=_scan_loop,
         note=SRC + "; if in a scan body"),
    Case(fori_body_with_while, [(3, F(0.0))], oracle=_fori_loop,
         note=SRC + "; while in a fori_loop body"),
    Case(vmap_helper_with_if, [(np.array([2.0, -3.0, 0.5], F),)], oracle=_vmap_loop,
         note=SRC + "; if/elif under vmap"),
    Case(grad_through_static_loop, [(F(3.0),), (F(0.5),)], note=SRC + "; jax.grad through a loop"),
    Case(grad_of_piecewise, [(F(-1.0),), (F(1.0),)],
         note=SRC + "; jax.grad of a piecewise function"),
    Case(shape_condition_static, [(np.arange(4, dtype=F),), (np.arange(2, dtype=F),)],
         note=SRC + "; a condition on a shape is static"),
    Case(ndim_dispatch, [(np.arange(3, dtype=F),), (np.arange(6, dtype=F).reshape(3, 2),)],
         note=SRC + "; dispatch on ndim"),
    Case(len_loop, [(np.array([1.0, -1.0, 2.0], F),)], note=SRC + "; range(len(x))"),
    Case(index_by_loop_counter, [(np.array([1.0, 2.0, 3.0], F),)], note=SRC),
    Case(optional_argument_none, [(np.array([1.0, 2.0], F),)], note=SRC + "; mask=None default"),
    Case(isinstance_dispatch, [([1.0, -3.0],), (np.array([1.0, 2.0], F),)],
         note=SRC + "; isinstance on the argument"),
    Case(assert_positive, [(np.array([1.0, 2.0, 3.0], F),), (np.array([1.0, -2.0, 3.0], F),)],
         note=SRC + "; assert on a static shape"),
    Case(print_in_branch, [(1.0,), (-1.0,)], note=SRC + "; print in a traced branch"),
    Case(enumerate_zip_loop, [(np.array([3.0, 1.0, 5.0], F), np.array([1.0, 2.0, 0.0], F))],
         note=SRC + "; enumerate(zip(...)) with tuple unpacking"),
    Case(nested_function_with_loop, [(F(0.5), 4)], note=SRC),
    Case(while_with_and_not, [(F(1.0),), (F(0.05),)], note=SRC + "; `while not done and ...`"),
    Case(any_all_builtins, [(np.array([1.0, 3.0], F),), (np.array([1.0, 0.5], F),),
                            (np.array([-1.0, 0.5], F),)], note=SRC + "; any/all of arrays"),
    Case(abs_round_builtins, [(2.345,), (-0.5,)], note=SRC + "; abs/round builtins"),
    Case(sum_builtin_over_array, [(np.array([0.5, 1.0], F),), (np.array([0.1, 0.2], F),)],
         note=SRC + "; builtin sum over an array"),
    Case(int_cast_static_shape, [(np.arange(6, dtype=F),)], note=SRC + "; int() of a shape"),
    Case(lax_cond_mixed_with_if, [(1.0,), (-1.0,)], note=SRC + "; lax.cond next to an if"),
    Case(jnp_where_inside_loop, [(np.array([3.0, 0.5], F), 10)], note=SRC),
]
