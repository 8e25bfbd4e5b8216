"""Benchmark programs, each written twice.

* ``<name>``: plain Python control flow, what a user writes; py2lax converts it, and it
  also runs eagerly (op by op) on concrete inputs.
* ``<name>_lax``: the twin a JAX expert writes by hand with ``lax.while_loop``,
  ``fori_loop``, ``cond`` or ``scan``, carrying exactly the values that are needed.

``PROGRAMS`` lists them with example inputs. The Python versions must stay module-level
functions defined in this file: py2lax reads their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import jax.numpy as jnp
from jax import lax


# --- Newton's method for a root, with a tolerance ----------------------------------------

def newton_root(x, tol, maxit):
    """Root of x**3 - 2x - 5 (Newton's own example), from the guess ``x``."""
    f = x**3 - 2 * x - 5
    it = 0
    while abs(f) > tol and it < maxit:
        x = x - f / (3 * x**2 - 2)
        f = x**3 - 2 * x - 5
        it = it + 1
    return x, it


def newton_root_lax(x, tol, maxit):
    def cond(state):
        _, f, it = state
        return (jnp.abs(f) > tol) & (it < maxit)

    def body(state):
        x, f, it = state
        x = x - f / (3 * x**2 - 2)
        return x, x**3 - 2 * x - 5, it + 1

    x, _, it = lax.while_loop(cond, body, (x, x**3 - 2 * x - 5, 0))
    return x, it


# --- for i in range(n) with a traced n: truncated exp series ----------------------------

def exp_series(x, n):
    """exp(x) elementwise from the first ``n`` terms of its Taylor series."""
    s = jnp.zeros_like(x)
    term = jnp.ones_like(x)
    for i in range(n):
        s = s + term
        term = term * x / (i + 1)
    return s


def exp_series_lax(x, n):
    def body(i, state):
        s, term = state
        return s + term, term * x / (i + 1)

    s, _ = lax.fori_loop(0, n, body, (jnp.zeros_like(x), jnp.ones_like(x)))
    return s


# --- Collatz: while n != 1 with if/else on parity ---------------------------------------

def collatz_steps(n):
    """Number of Collatz steps from ``n`` down to 1."""
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps = steps + 1
    return steps


def collatz_steps_lax(n):
    def body(state):
        n, steps = state
        n = lax.cond(n % 2 == 0, lambda m: m // 2, lambda m: 3 * m + 1, n)
        return n, steps + 1

    _, steps = lax.while_loop(lambda state: state[0] != 1, body, (n, 0))
    return steps


# --- RK4 with a traced number of steps ---------------------------------------------------

def lotka_volterra(y):
    prey, predator = y[0], y[1]
    return jnp.stack([1.1 * prey - 0.4 * prey * predator,
                      0.1 * prey * predator - 0.4 * predator])


def rk4(y0, dt, n_steps):
    """Integrate the Lotka-Volterra system for ``n_steps`` RK4 steps of size ``dt``."""
    y = y0
    for _ in range(n_steps):
        k1 = lotka_volterra(y)
        k2 = lotka_volterra(y + 0.5 * dt * k1)
        k3 = lotka_volterra(y + 0.5 * dt * k2)
        k4 = lotka_volterra(y + dt * k3)
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


def rk4_lax(y0, dt, n_steps):
    def body(_, y):
        k1 = lotka_volterra(y)
        k2 = lotka_volterra(y + 0.5 * dt * k1)
        k3 = lotka_volterra(y + 0.5 * dt * k2)
        k4 = lotka_volterra(y + dt * k3)
        return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

    return lax.fori_loop(0, n_steps, body, y0)


# --- Mandelbrot escape time: `and` in the while condition --------------------------------

def mandelbrot(c, max_iter):
    """Iterations before z -> z**2 + c escapes the disc of radius 2 (at most max_iter)."""
    z = jnp.zeros_like(c)  # the same start as the twin: a strong complex64, not a weak 0j
    k = 0
    while k < max_iter and abs(z) < 2:
        z = z * z + c
        k = k + 1
    return k


def mandelbrot_lax(c, max_iter):
    def cond(state):
        z, k = state
        return (k < max_iter) & (jnp.abs(z) < 2)

    def body(state):
        z, k = state
        return z * z + c, k + 1

    _, k = lax.while_loop(cond, body, (jnp.zeros_like(c), 0))
    return k


# --- Piecewise if/elif/else on a traced scalar --------------------------------------------

def huber_like(x):
    """A smooth piecewise function: linear, quadratic, linear."""
    if x < -1.0:
        y = -x - 0.5
    elif x < 1.0:
        y = 0.5 * x * x
    else:
        y = x - 0.5
    return y


def huber_like_lax(x):
    return lax.cond(
        x < -1.0,
        lambda x: -x - 0.5,
        lambda x: lax.cond(x < 1.0, lambda x: 0.5 * x * x, lambda x: x - 0.5, x),
        x,
    )


# --- A static range(1000) loop -------------------------------------------------------------

def static_recurrence(x):
    """A damped sum over a fixed 1000 steps: s <- 0.99 s + cos(x i)."""
    s = jnp.zeros_like(x)
    for i in range(1000):
        s = 0.99 * s + jnp.cos(x * i)
    return s


def static_recurrence_lax(x):
    return lax.fori_loop(0, 1000, lambda i, s: 0.99 * s + jnp.cos(x * i), jnp.zeros_like(x))


# --- for row in xs: a scan over the rows of an array ------------------------------------

def ema(xs, alpha):
    """Exponential moving average of the rows of ``xs``."""
    m = jnp.zeros_like(xs[0])
    for row in xs:
        m = alpha * m + (1 - alpha) * row
    return m


def ema_lax(xs, alpha):
    def step(m, row):
        return alpha * m + (1 - alpha) * row, None

    m, _ = lax.scan(step, jnp.zeros_like(xs[0]), xs)
    return m


# --- The list ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Program:
    name: str
    python: Callable      # plain Python control flow (converted by py2lax)
    lax: Callable         # the hand-written lax twin
    make_args: Callable   # () -> tuple of example inputs (concrete jax arrays)
    what: str             # the construct it exercises


def _args_newton():
    return jnp.float32(10.0), jnp.float32(1e-4), jnp.int32(50)


def _args_exp():
    return jnp.linspace(-2.0, 2.0, 256, dtype=jnp.float32), jnp.int32(30)


def _args_collatz():
    return (jnp.int32(27),)


def _args_rk4():
    return jnp.array([10.0, 5.0], jnp.float32), jnp.float32(0.01), jnp.int32(500)


def _args_mandelbrot():
    return jnp.complex64(-0.75 + 0.02j), jnp.int32(1000)  # 158 iterations


def _args_huber():
    return (jnp.float32(0.3),)


def _args_static():
    return (jnp.linspace(0.0, 1.0, 128, dtype=jnp.float32),)


def _args_ema():
    rows = jnp.sin(jnp.arange(500 * 16, dtype=jnp.float32).reshape(500, 16) * 0.01)
    return rows, jnp.float32(0.9)


PROGRAMS = [
    Program("newton_root", newton_root, newton_root_lax, _args_newton,
            "while abs(f) > tol and it < maxit"),
    Program("exp_series", exp_series, exp_series_lax, _args_exp,
            "for i in range(n), n traced"),
    Program("collatz_steps", collatz_steps, collatz_steps_lax, _args_collatz,
            "while n != 1 + if/else"),
    Program("rk4", rk4, rk4_lax, _args_rk4,
            "for _ in range(n_steps), n_steps traced"),
    Program("mandelbrot", mandelbrot, mandelbrot_lax, _args_mandelbrot,
            "while k < max_iter and abs(z) < 2"),
    Program("huber_like", huber_like, huber_like_lax, _args_huber,
            "if/elif/else on a traced scalar"),
    Program("static_recurrence", static_recurrence, static_recurrence_lax, _args_static,
            "for i in range(1000), static"),
    Program("ema", ema, ema_lax, _args_ema,
            "for row in xs (scan)"),
]
