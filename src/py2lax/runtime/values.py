"""Deciding Python versus lax: is a value traced, and what is its truth value."""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import Literal as _Literal

from py2lax.diagnostics.errors import Location, TracedTruthValueError
from py2lax.runtime.jax_compat import is_concrete as _is_concrete
from py2lax.runtime.jax_compat import trace_state_clean as _trace_state_clean


def is_traced(value) -> bool:
    """True when ``value`` is only known at run time (a tracer of jit, vmap, grad, ...)."""
    return isinstance(value, jax.core.Tracer)


def marked_along_wrappers(function, attribute: str) -> bool:
    """Whether ``function`` or one it wraps (``__wrapped__``) carries the true flag
    ``attribute``: a loop body a runtime wrapper already handles is not wrapped again."""
    while function is not None:
        if getattr(function, attribute, False):
            return True
        function = getattr(function, "__wrapped__", None)
    return False


TRACED = object()  # what `static_value` returns for a value only known at run time


def static_value(compute):
    """``bool(compute())`` if it is known while tracing, else ``TRACED``.

    A ``while`` condition must be looked at before deciding between a Python loop and
    ``lax.while_loop``. Evaluating it directly would leave its (unused) operations in the
    program when it turns out traced, so under a trace it is evaluated in a throwaway
    ``make_jaxpr`` instead: a constant result comes back as a literal.
    """
    if not inside_a_trace():
        return bool(compute())
    closed = jax.make_jaxpr(lambda: _concrete_or_traced(compute()))()
    result = closed.jaxpr.outvars[0]
    if isinstance(result, _Literal):
        return bool(result.val)
    if all(_is_concrete(c) for c in closed.consts if is_traced(c)):
        # It read tracers that carry concrete values (jax.grad without jit, say):
        # evaluated directly it is concrete, and nothing is left in any program.
        value = compute()
        return TRACED if is_traced(value) else bool(value)
    return TRACED


def _concrete_or_traced(value):
    return value if is_traced(value) else bool(value)


def inside_a_trace() -> bool:
    """Whether a JAX transformation (jit, grad, vmap, a lax body...) is tracing now."""
    return not _trace_state_clean()


def leaves(tree) -> list:
    """The leaves of a pytree (for the modules outside the runtime, which do not use JAX)."""
    return jax.tree_util.tree_leaves(tree)


_DIFFERENTIATING_TRACERS = ("JVPTracer", "LinearizeTracer")  # jax.jvp, jax.grad/vjp


def is_differentiated(tree) -> bool:
    """Whether a leaf of ``tree`` carries a derivative (``jax.grad``, ``jax.jvp`` traced
    it), also seen through ``jax.vmap``'s batching. Judged by the tracer's class name,
    which has held across JAX versions where the module paths have not."""
    for leaf in jax.tree_util.tree_leaves(tree):
        while isinstance(leaf, jax.core.Tracer):
            if type(leaf).__name__ in _DIFFERENTIATING_TRACERS:
                return True
            leaf = getattr(leaf, "val", None)  # a BatchTracer's value
    return False


def reads_a_derivative(body_fn, *trees) -> bool:
    """Whether a loop works on a value ``jax.grad`` or ``jax.jvp`` traces: in ``trees``
    (its carry, the items it iterates) or read by its body from the function around it
    (the body's closure cells): ``for x in v: acc = acc + x`` under ``jax.grad`` carries
    only Python numbers, yet differentiates through ``v``."""
    if is_differentiated(trees):
        return True
    cells = []
    for cell in getattr(body_fn, "__closure__", None) or ():
        try:
            contents = cell.cell_contents
        except ValueError:  # an empty cell: a name not bound yet
            continue
        if isinstance(contents, (jax.core.Tracer, tuple, list, dict)):
            cells.append(contents)
    return is_differentiated(cells)


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
    if shape != ():
        value = jnp.reshape(value, ())
    if jnp.result_type(value) != jnp.bool_:
        value = value != 0
    return value


def numbers_of_one_shape(items) -> bool:
    """True when ``items`` are numbers, or number arrays of one shape: what one
    ``jnp.stack`` holds, so a traced position or order can choose among them."""
    shapes = set()
    for item in items:
        if isinstance(item, bool | numbers.Number):
            shapes.add(())
        elif (is_jax_array(item) or isinstance(item, np.ndarray | np.generic)) and (
                jnp.issubdtype(item.dtype, jnp.number) or jnp.issubdtype(item.dtype, jnp.bool_)):
            shapes.add(jnp.shape(item))
        else:
            return False
    return len(shapes) <= 1
