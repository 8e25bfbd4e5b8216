"""``for e in u:`` whose body calls a module helper that writes into ``u``
(``bump_at(u, 3, 0.25)``): NumPy's loop reads each item as it is then, so the last
iteration sees the bumps the earlier ones made. ``--standalone`` rewrote the call as
``u = bump_at_written(u, 3, 0.25)[1]`` and then scanned a copy of ``u`` taken before the
loop: a silent wrong answer (generated program 72080); a loop kept as Python (over a
parameter) iterated the JAX array it started with while the call rebound ``u``. The
rewritten call now counts as the in-place write it stands for, and the loop reads ``u``
by position (``for u_index in range(len(u)): e = u[u_index]``), as the runtime does."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py2lax import autograph_jit
from standalone_oracle import same, standalone

SOURCE = """
import jax.numpy as jnp

def bump_at(arr, i, val):
    arr[i] += val

def f(v, y):
    c = 0.0
    u = v.copy()
    for e in u:
        c = jnp.tanh(c + e * 0.25 + y)
        bump_at(u, 3, 0.25)
    return c, jnp.sum(u)
"""

SOURCE_ENUMERATED = """
import jax.numpy as jnp

def scale_next(arr, i, k):
    arr[(i + 1) % 4] *= k

def f(v, y):
    total = 0.0
    u = v.copy()
    for i, e in enumerate(u):
        total = total + e * y
        scale_next(u, i, 2.0)
    return total, u
"""

SOURCE_PARAMETER = """
import jax.numpy as jnp

def bump_at(arr, i, val):
    arr[i] += val

def f(v, y):
    c = 0.0
    for e in v:
        c = jnp.tanh(c + e * 0.25 + y)
        bump_at(v, 3, 0.25)
    return c
"""

SOURCE_ZIPPED = """
import jax.numpy as jnp

def bump_at(arr, i, val):
    arr[i] += val

def f(v, y):
    c = 0.0
    u = v.copy()
    w = v * 2
    for e, g in zip(u, w):
        c = jnp.tanh(c + e * 0.25 + g * y)
        bump_at(u, 3, 0.25)
    return c, u
"""

VALUES = [np.array([-0.652, 0.344, 0.275, 0.331], np.float32),
          np.array([1.0, -2.0, 0.5, 3.0], np.float32)]


@pytest.mark.parametrize("source", [SOURCE, SOURCE_ENUMERATED, SOURCE_PARAMETER,
                                    SOURCE_ZIPPED])
@pytest.mark.parametrize("v", VALUES)
def test_loop_reads_the_items_a_helper_wrote(tmp_path, source, v):
    """Jitted with a JAX array, and on NumPy values: Python's (NumPy's) answer. A loop
    over a parameter stays Python (the caller's NumPy array must change) and reads the
    parameter by position too."""
    original, jitted, text = standalone(source, tmp_path)
    expected = original(v.copy(), np.float32(0.3))
    same(expected, jitted(jnp.asarray(v), jnp.float32(0.3)))
    assert "jax.lax.scan" not in text
    namespace: dict = {}
    exec(compile(text, str(tmp_path / "prog.py"), "exec"), namespace)
    same(expected, namespace["f"](v.copy(), np.float32(0.3)))  # plain NumPy values


@pytest.mark.parametrize("v", VALUES)
def test_runtime_agrees(tmp_path, v):
    namespace: dict = {}
    path = tmp_path / "prog.py"
    path.write_text(SOURCE)
    exec(compile(SOURCE, str(path), "exec"), namespace)
    expected = namespace["f"](v.copy(), np.float32(0.3))
    same(expected, autograph_jit(namespace["f"])(jnp.asarray(v), jnp.float32(0.3)))
