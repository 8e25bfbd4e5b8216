"""The Mandelbrot set, one pixel at a time, with the loop you would write in Python.

``escape_time`` iterates ``z = z**2 + c`` while ``k < max_iter and abs(z) <= 2``: a
traced ``while`` condition (a ``lax.while_loop`` with ``jnp.logical_and``). The
converted function is then vectorised over the whole grid with ``jax.vmap`` and
compiled: JAX's transformations compose with py2lax's output like with hand-written lax.

Eager Python computes one pixel at a time, so it is timed on a sample of pixels and
compared per pixel.

Run: python examples/mandelbrot.py
"""

import jax
import jax.numpy as jnp
import numpy as np

import py2lax
from _timing import report, seconds_per_call

MAX_ITER = 60


def escape_time(c):
    z = 0j
    k = 0
    while k < MAX_ITER and abs(z) <= 2.0:
        z = z * z + c
        k = k + 1
    return k


grid_escape_time = jax.jit(jax.vmap(py2lax.convert(escape_time)))


def grid(width, height):
    re = np.linspace(-2.2, 0.8, width)
    im = np.linspace(-1.2, 1.2, height)
    return jnp.asarray((re[None, :] + 1j * im[:, None]).astype(np.complex64))


if __name__ == "__main__":
    c = grid(64, 24)
    counts = np.asarray(grid_escape_time(c.ravel())).reshape(c.shape)

    sample = c.ravel()[::97]  # eager Python, pixel by pixel, on a sample
    eager_counts = [int(escape_time(p)) for p in sample]
    assert np.allclose(counts.ravel()[::97], eager_counts)

    for row in counts:
        print("".join(" .:-=+*#%@"[min(9, int(k) * 10 // MAX_ITER)] for k in row))
    inside = int((counts == MAX_ITER).sum())
    print(f"{inside} of {counts.size} grid points stay bounded for {MAX_ITER} iterations")

    pixels = c.ravel()
    eager = seconds_per_call(lambda: [escape_time(p) for p in sample[:6]], min_calls=1) / 6
    compiled = seconds_per_call(grid_escape_time, pixels) / pixels.size
    report(eager, compiled, per="pixel")
