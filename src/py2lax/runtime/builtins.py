"""Python builtins that compare their arguments, made to work on traced values.

``max(x, 0.0)`` and ``min(dt, t_end - t)`` call ``bool()`` on a comparison, which a traced
value refuses. Converted code calls them through ``py2lax.converted(max)``, which gives
these versions: Python's own ``max``/``min`` unless an argument is a traced scalar, and
then Python's exact rule, one comparison at a time, as a select:
``max(a, b)`` is ``b if b > a else a`` (so a NaN is kept or dropped as Python would).
Anything else (one iterable argument, ``key=``, ``default=``, arrays with several
elements) goes to Python's builtin, which raises what it raises in Python.

>>> import jax, jax.numpy as jnp
>>> float(jax.jit(lambda x: traced_max(x, 0.5))(jnp.float32(0.25)))
0.5
>>> traced_min(3, 1, 2)
1
"""

from __future__ import annotations

import builtins

import jax.numpy as jnp

from py2lax.runtime.values import is_traced


def traced_max(*values, **options):
    """``max(*values, **options)``, with traced scalars compared by ``jnp.where``."""
    if not _traced_scalars(values, options):
        return builtins.max(*values, **options)
    result = values[0]
    for value in values[1:]:
        result = jnp.where(value > result, value, result)
    return result


def traced_min(*values, **options):
    """``min(*values, **options)``, with traced scalars compared by ``jnp.where``."""
    if not _traced_scalars(values, options):
        return builtins.min(*values, **options)
    result = values[0]
    for value in values[1:]:
        result = jnp.where(value < result, value, result)
    return result


def _traced_scalars(values, options) -> bool:
    return (not options and len(values) > 1 and any(is_traced(v) for v in values)
            and all(jnp.ndim(v) == 0 for v in values))


TRACE_AWARE = {builtins.max: traced_max, builtins.min: traced_min}
