"""Deciding Python versus lax: is a value traced, and what is its truth value."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from py2lax.errors import Location, TracedTruthValueError


def is_traced(value) -> bool:
    """True when ``value`` is only known at run time (a tracer of jit, vmap, grad, ...)."""
    return isinstance(value, jax.core.Tracer)


def is_jax_array(value) -> bool:
    return isinstance(value, (jax.Array, jax.core.Tracer))


def truth(value, location: Location | None = None):
    """The traced scalar boolean that Python's ``bool(value)`` would compute."""
    shape = np.shape(value)
    if int(np.prod(shape)) != 1:
        raise TracedTruthValueError(
            f"the condition is a traced array of shape {shape}, which has no single truth value",
            location=location,
            rule="`if`, `while` and `and`/`or`/`not` need one boolean; Python raises "
            "'The truth value of an array with more than one element is ambiguous' here too.",
            fix="reduce the condition to a scalar, e.g. `jnp.all(...)` or `jnp.any(...)`, or "
            "select element-wise with `jnp.where(cond, a, b)`.",
        )
    value = jnp.reshape(value, ())
    if value.dtype != jnp.bool_:
        value = value != 0
    return value
