"""Loops from numerical libraries, re-expressed with Python control flow.

Learning-rate schedules and gradient transforms in the style of optax, root finders and
line searches in the style of jaxopt, samplers in the style of blackjax and numpyro
(leapfrog, Metropolis-Hastings, slice-sampler stepping out), special functions in the
style of jax.scipy.special (series and continued fractions with while loops), and
optimiser loops with early stopping. Nothing is copied: each is written from the
algorithm's textbook description as a JAX user would write it with plain Python.
"""

import jax
import jax.numpy as jnp
import numpy as np

from case import Case

F = np.float32


def piecewise_constant_schedule(step):
    if step < 100:
        lr = 1e-2
    elif step < 500:
        lr = 5e-3
    elif step < 1000:
        lr = 1e-3
    else:
        lr = 1e-4
    return lr


def warmup_cosine_schedule(step, warmup, total):
    if step < warmup:
        return 1e-3 * step / warmup
    progress = (step - warmup) / (total - warmup)
    if progress > 1.0:
        progress = 1.0
    return 1e-3 * 0.5 * (1.0 + jnp.cos(jnp.pi * progress))


def clip_by_global_norm(grads, max_norm):
    total = 0.0
    for g in grads:
        total = total + jnp.sum(g * g)
    norm = jnp.sqrt(total)
    if norm > max_norm:
        grads = [g * (max_norm / norm) for g in grads]
    return grads


def adam_steps(x, n):
    m = 0.0
    v = 0.0
    for t in range(1, n + 1):
        g = 2.0 * (x - 2.0) + 0.3 * jnp.cos(x)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mhat = m / (1.0 - 0.9 ** t)
        vhat = v / (1.0 - 0.999 ** t)
        x = x - 0.1 * mhat / (jnp.sqrt(vhat) + 1e-8)
    return x


def early_stopping_training(w, patience):
    best = 1e9
    wait = 0
    epoch = 0
    while epoch < 200:
        loss = (w - 1.5) ** 2 + 0.01 * jnp.sin(10.0 * w) + 0.05
        if loss < best - 1e-4:
            best = loss
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                break
        w = w - 0.1 * (2.0 * (w - 1.5) + 0.1 * jnp.cos(10.0 * w))
        epoch += 1
    return best, epoch


def zoom_interval(lo, hi):
    def phi(a):
        return (a - 0.7) ** 2

    def dphi(a):
        return 2.0 * (a - 0.7)

    for _ in range(20):
        mid = 0.5 * (lo + hi)
        if phi(mid) > phi(0.0) + 1e-4 * mid * dphi(0.0) or phi(mid) >= phi(lo):
            hi = mid
        else:
            if jnp.abs(dphi(mid)) <= 0.9 * jnp.abs(dphi(0.0)):
                return mid
            if dphi(mid) * (hi - lo) >= 0:
                hi = lo
            lo = mid
    return 0.5 * (lo + hi)


def brent_like_bracket(a, b):
    def f(x):
        return jnp.exp(x) - 3.0

    fa = f(a)
    fb = f(b)
    if fa * fb > 0:
        return jnp.nan * a
    for _ in range(100):
        c = (a + b) / 2.0
        fc = f(c)
        if jnp.abs(fc) < 1e-6 or (b - a) / 2.0 < 1e-6:
            return c
        if jnp.sign(fc) == jnp.sign(fa):
            a, fa = c, fc
        else:
            b, fb = c, fc
    return (a + b) / 2.0


def _logp(x):
    return -0.5 * x * x


def leapfrog_trajectory(q, p, steps):
    eps = 0.1
    grad = jax.grad(_logp)
    p = p + 0.5 * eps * grad(q)
    for i in range(steps):
        q = q + eps * p
        if i != steps - 1:
            p = p + eps * grad(q)
    p = p + 0.5 * eps * grad(q)
    return q, p


def metropolis_chain(seed, n):
    key = jax.random.PRNGKey(seed)
    x = 0.0
    accepted = 0
    total = 0.0
    for _ in range(n):
        key, k1, k2 = jax.random.split(key, 3)
        proposal = x + 0.8 * jax.random.normal(k1)
        log_ratio = _logp(proposal) - _logp(x)
        if jnp.log(jax.random.uniform(k2)) < log_ratio:
            x = proposal
            accepted += 1
        total = total + x
    return total / n, accepted


def slice_sampler_step_out(x0, seed):
    key = jax.random.PRNGKey(seed)
    k1, k2 = jax.random.split(key)
    level = _logp(x0) + jnp.log(jax.random.uniform(k1))
    width = 0.5
    left = x0 - width * jax.random.uniform(k2)
    right = left + width
    steps = 0
    while _logp(left) > level and steps < 50:
        left = left - width
        steps += 1
    while _logp(right) > level and steps < 100:
        right = right + width
        steps += 1
    return left, right, steps


def lower_incomplete_gamma_series(a, x):
    if x <= 0:
        return 0.0 * x
    term = 1.0 / a
    total = term
    n = 1
    while n < 200:
        term = term * x / (a + n)
        total = total + term
        if jnp.abs(term) < jnp.abs(total) * 1e-7:
            break
        n += 1
    return total * jnp.exp(-x + a * jnp.log(x) - jax.scipy.special.gammaln(a))


def continued_fraction_tan(x):
    n = 30
    acc = 0.0
    k = n
    while k >= 1:
        acc = x * x / ((2 * k + 1) - acc)
        k -= 1
    return x / (1.0 - acc)


def digamma_recurrence(x):
    result = 0.0
    while x < 6.0:
        result = result - 1.0 / x
        x = x + 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    return result + jnp.log(x) - 0.5 * inv - inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 / 252))


def polyak_averaging(params, n):
    avg = params
    for t in range(n):
        params = params * 0.9 + 0.1 * jnp.sin(params + t)
        if t == 0:
            avg = params
        else:
            avg = avg + (params - avg) / (t + 1)
    return avg


def reduce_lr_on_plateau(losses):
    lr = 1.0
    best = losses[0]
    bad = 0
    for loss in losses:
        if loss < best:
            best = loss
            bad = 0
        else:
            bad += 1
        if bad > 1:
            lr = lr * 0.5
            bad = 0
    return lr


def newton_with_damping(x):
    for _ in range(30):
        f = x * x * x - 2.0 * x - 5.0
        df = 3.0 * x * x - 2.0
        step = f / df
        t = 1.0
        while jnp.abs((x - t * step) ** 3 - 2.0 * (x - t * step) - 5.0) > jnp.abs(f) and t > 1e-3:
            t = t * 0.5
        x = x - t * step
        if jnp.abs(step) < 1e-6:
            break
    return x


def gumbel_argmax_sample(seed, logits):
    key = jax.random.PRNGKey(seed)
    g = -jnp.log(-jnp.log(jax.random.uniform(key, logits.shape)))
    best = 0
    best_val = logits[0] + g[0]
    for i in range(1, logits.shape[0]):
        if logits[i] + g[i] > best_val:
            best_val = logits[i] + g[i]
            best = i
    return best


def kmeans_1d(points, iters):
    c0 = points[0]
    c1 = points[-1]
    for _ in range(iters):
        s0 = 0.0
        n0 = 0
        s1 = 0.0
        n1 = 0
        for p in points:
            if jnp.abs(p - c0) <= jnp.abs(p - c1):
                s0 = s0 + p
                n0 += 1
            else:
                s1 = s1 + p
                n1 += 1
        if n0 > 0:
            c0 = s0 / n0
        if n1 > 0:
            c1 = s1 / n1
    return c0, c1


def kmeans_2d(points, centers, iters):
    for _ in range(iters):
        sums = jnp.zeros_like(centers)
        counts = jnp.zeros(centers.shape[0])
        for p in points:
            best = 0
            best_d = jnp.sum((p - centers[0]) ** 2)
            for k in range(1, centers.shape[0]):
                d = jnp.sum((p - centers[k]) ** 2)
                if d < best_d:
                    best_d = d
                    best = k
            sums = sums.at[best].add(p)
            counts = counts.at[best].add(1.0)
        new = []
        for k in range(centers.shape[0]):
            if counts[k] > 0:
                new.append(sums[k] / counts[k])
            else:
                new.append(centers[k])
        centers = jnp.stack(new)
    return centers


def monte_carlo_pi(seed, n):
    key = jax.random.PRNGKey(seed)
    inside = 0
    for _ in range(n):
        key, sub = jax.random.split(key)
        xy = jax.random.uniform(sub, (2,))
        if xy[0] * xy[0] + xy[1] * xy[1] < 1.0:
            inside += 1
    return 4.0 * inside / n


PTS = np.array([0.1, 0.3, 0.2, 5.0, 5.5, 4.8, 0.05], F)
PTS2 = np.array([[0.0, 0.0], [0.2, 0.1], [5.0, 5.0], [5.2, 4.9], [0.1, 0.3]], F)
CASES = [
    Case(piecewise_constant_schedule, [(0,), (250,), (700,), (5000,)],
         note="optax-style piecewise constant schedule"),
    Case(warmup_cosine_schedule, [(5, 10, 100), (50, 10, 100), (500, 10, 100)],
         note="optax-style warmup cosine schedule"),
    Case(clip_by_global_norm, [([np.array([3.0, 4.0], F), np.array([12.0], F)], F(1.0)),
                               ([np.array([0.3, 0.4], F)], F(1.0))],
         note="optax-style clip by global norm over a list of arrays"),
    Case(adam_steps, [(F(0.0), 5), (F(0.0), 50)], note="Adam by hand", atol=1e-4),
    Case(early_stopping_training, [(F(0.0), 3)], note="training with patience-based early stop",
         atol=1e-4),
    Case(zoom_interval, [(F(0.0), F(2.0))], note="jaxopt-style zoom on a bracket", atol=1e-4),
    Case(brent_like_bracket, [(F(0.0), F(2.0)), (F(2.0), F(3.0))],
         note="bracketing root finder with early return, NaN when not bracketed", atol=1e-4),
    Case(leapfrog_trajectory, [(F(1.0), F(0.5), 10), (F(1.0), F(0.5), 1)],
         note="blackjax-style leapfrog, skipping the last momentum update"),
    Case(metropolis_chain, [(0, 50)], static_argnums=(0,), note="random-walk Metropolis",
         atol=1e-4),
    Case(slice_sampler_step_out, [(F(0.3), 0), (F(2.0), 1)], static_argnums=(1,),
         note="numpyro-style slice sampler stepping out"),
    Case(lower_incomplete_gamma_series, [(F(2.0), F(1.5)), (F(0.5), F(0.0))],
         note="jax.scipy.special-style series with tolerance", atol=1e-4),
    Case(continued_fraction_tan, [(F(0.5),), (F(1.2),)], note="Lambert's continued fraction"),
    Case(digamma_recurrence, [(F(0.5),), (F(10.0),)], note="digamma by recurrence + asymptotics",
         atol=1e-4),
    Case(polyak_averaging, [(np.array([0.5, -0.5], F), 6)], note="Polyak averaging, if t == 0"),
    Case(reduce_lr_on_plateau, [(np.array([1.0, 0.9, 0.95, 0.97, 0.8, 0.85, 0.86], F),)],
         note="reduce-on-plateau schedule"),
    Case(newton_with_damping, [(F(2.0),), (F(4.0),)], note="damped Newton with an inner while "
         "(from x=0 it wanders chaotically: float32 rounding decides where it ends)", atol=1e-4),
    Case(gumbel_argmax_sample, [(0, np.array([0.1, 2.0, 0.5], F))], static_argnums=(0,),
         note="Gumbel-max sampling by hand"),
    Case(kmeans_1d, [(PTS, 5)], note="1-D k-means with two centres"),
    Case(kmeans_2d, [(PTS2, PTS2[:2].copy(), 3)], note="k-means, list of centres stacked",
         atol=1e-4),
    Case(monte_carlo_pi, [(0, 64)], static_argnums=(0,), note="Monte Carlo pi with jax.random"),
]
