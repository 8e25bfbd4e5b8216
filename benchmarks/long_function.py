"""A 50-line function with the control flow scientific code has, for timing conversion.

Only converted (never run) by ``run.py``: the issue's target is that converting a
50-line function takes at most 10 ms.
"""

import jax.numpy as jnp


def fifty_lines(x, v, n, tol):
    total = 0.0
    count = 0
    best = x
    for i in range(n):
        if v[i] > best:
            best = v[i]
        elif v[i] < -best:
            best = -v[i]
        else:
            total = total + v[i]
        count = count + 1
    err = jnp.abs(x - best)
    it = 0
    while err > tol and it < 100:
        x = 0.5 * (x + best / x)
        err = jnp.abs(x * x - best)
        it = it + 1
        if it % 10 == 0:
            print(f"iteration {it}: err = {err:.3e}")
    rows = []
    for j, row in enumerate(v):
        if row < 0:
            continue
        rows.append(row * j)
        if j > 5:
            break
    scale = 1.0 if total > 0 else -1.0
    history = jnp.zeros(8)
    for k in range(8):
        history = history.at[k].set(scale * k * x)
        if history[k] > 100:
            history = history.at[k].set(100.0)
    result = total * scale + best
    if count == 0:
        return result
    mean = total / count
    assert mean == mean, "mean must not be NaN"
    while mean > 1.0:
        mean = mean / 2
    return result + mean + history.sum() + err
