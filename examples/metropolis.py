"""A random-walk Metropolis sampler with the accept/reject step written as an ``if``.

Target: a mixture of two normal distributions, ``0.3 N(-2, 0.5^2) + 0.7 N(1.5, 1)``,
whose mean is 0.45. Each step proposes a move and accepts it ``if log(u) < log p(x')
- log p(x)``: a traced condition, so py2lax makes it a ``lax.cond``. The chain is a
``for`` loop over a static ``range(n_steps)``; being long, it is compiled as a loop
(``lax.fori_loop``, a ``scan``) rather than unrolled. The chain keeps running sums and a
histogram instead of storing every sample.

Randomness uses ``jax.random`` keys, so eager Python and the compiled sampler draw the
same numbers and their chains agree. Eager Python is slow per step, so it runs a short
chain and the comparison is per step.

Run: python examples/metropolis.py
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.stats import norm

import py2lax
from _timing import report, seconds_per_call

EDGES = jnp.linspace(-4.0, 4.0, 17)  # 16 histogram bins


def log_target(x):
    return jnp.logaddexp(jnp.log(0.3) + norm.logpdf(x, -2.0, 0.5),
                         jnp.log(0.7) + norm.logpdf(x, 1.5, 1.0))


def metropolis(key, n_steps, step_size=1.5):
    x = 0.0
    log_p = log_target(x)
    accepted = 0
    total = 0.0
    total_sq = 0.0
    histogram = jnp.zeros(EDGES.shape[0] - 1)
    for _ in range(n_steps):
        key, key_move, key_accept = jax.random.split(key, 3)
        proposal = x + step_size * jax.random.normal(key_move)
        log_p_proposal = log_target(proposal)
        if jnp.log(jax.random.uniform(key_accept)) < log_p_proposal - log_p:
            x = proposal
            log_p = log_p_proposal
            accepted = accepted + 1
        total = total + x
        total_sq = total_sq + x * x
        histogram = histogram + ((EDGES[:-1] <= x) & (x < EDGES[1:]))
    mean = total / n_steps
    return mean, jnp.sqrt(total_sq / n_steps - mean**2), accepted / n_steps, histogram


metropolis_jit = py2lax.autograph_jit(metropolis, static_argnames="n_steps")

if __name__ == "__main__":
    key = jax.random.PRNGKey(0)
    short, long = 100, 20_000

    eager = metropolis(key, short)
    compiled = metropolis_jit(key, short)
    for a, b in zip(eager, compiled):
        assert np.allclose(a, b, rtol=1e-4, atol=1e-4), (a, b)

    mean, std, acceptance, histogram = metropolis_jit(key, long)
    print(f"{long} steps: mean {float(mean):.3f} (exact 0.45), std {float(std):.3f} "
          f"(exact {np.sqrt(0.3 * 4.25 + 0.7 * 3.25 - 0.45**2):.3f}), "
          f"acceptance rate {float(acceptance):.2f}")
    for left, count in zip(np.asarray(EDGES[:-1]), np.asarray(histogram)):
        print(f"{left:5.1f} {'#' * int(round(60 * count / float(histogram.max())))}")

    report(seconds_per_call(metropolis, key, short, min_calls=1) / short,
           seconds_per_call(metropolis_jit, key, long) / long, per="step")
