"""Seed tutorials "Jit with Jax" and "Why is JAX jit needed": SELU.

The tutorials write SELU with ``jnp.where`` over a whole array and show that ``jit``
makes it an order of magnitude faster than eager, op-by-op execution. The formula is a
case distinction, so here it is written the way it reads, for one number, with an
``if``; py2lax turns the ``if`` into a ``lax.cond`` and ``jax.vmap`` maps it over the
array (a ``cond`` on a batched condition becomes an element-wise select).

The eager baseline is the tutorials' own ``jnp.where`` version run op by op, as in the
tutorials: the ``if`` version cannot run eagerly on a whole array.

Run: python examples/seed_selu.py
"""

import jax
import jax.numpy as jnp
import numpy as np

import py2lax
from _timing import report, seconds_per_call


def selu(x, alpha=1.67, lambda_=1.05):
    if x > 0:
        return lambda_ * x
    else:
        return lambda_ * (alpha * jnp.exp(x) - alpha)


def selu_where(x, alpha=1.67, lambda_=1.05):  # the tutorials' version
    return lambda_ * jnp.where(x > 0, x, alpha * jnp.exp(x) - alpha)


selu_jit = jax.jit(jax.vmap(py2lax.convert(selu)))

if __name__ == "__main__":
    x = jnp.linspace(-3.0, 3.0, 1_000_000)
    y = selu_jit(x)
    assert np.allclose(y, selu_where(x), atol=1e-6)
    for value in (-1.0, 0.0, 2.0):  # eager Python on single numbers
        assert np.isclose(selu(jnp.float32(value)), y[int(round((value + 3) / 6 * 999_999))],
                          atol=1e-5)
    print(f"py2lax: selu(-1) = {float(selu_jit(jnp.array([-1.0]))[0]):.6f}, "
          f"selu(2) = {float(selu_jit(jnp.array([2.0]))[0]):.6f}, "
          f"sum over 1e6 points = {float(y.sum()):.1f}")
    report(seconds_per_call(selu_where, x), seconds_per_call(selu_jit, x))
