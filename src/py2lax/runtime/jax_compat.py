"""The few JAX APIs py2lax needs that older JAX releases (down to 0.4.30) spell differently.

Each name here is the current JAX API when the installed JAX has it, and otherwise the
older spelling of the same thing, so the rest of the runtime is written once, against
current JAX. The CI runs the core tests on the oldest supported JAX (``.ci/run``).
"""

from __future__ import annotations

import functools

import jax
import numpy as np

try:  # JAX internals: is a transformation tracing now
    from jax._src.core import trace_state_clean
except ImportError:  # pragma: no cover - depends on the installed JAX
    def trace_state_clean() -> bool:
        return False


try:  # JAX internals: an array given JAX's weak type (what a Python scalar becomes)
    from jax._src.lax.lax import _convert_element_type as _convert_weak
except ImportError:  # pragma: no cover - depends on the installed JAX
    _convert_weak = None


def weakly_typed(value):
    """``value`` (an integer array) typed as a Python int is in JAX: ``jnp.int8(100) + i``
    then stays int8, as NumPy's ``np.int8(100) + i`` does for Python's ``enumerate`` index
    (an int32 index would widen it). Unchanged where JAX lacks the internal API."""
    if _convert_weak is None:
        return value
    try:
        return _convert_weak(value, weak_type=True)
    except TypeError:  # pragma: no cover - an older signature
        return value


def _abstract_value(value):
    return jax.core.get_aval(value)


#: The abstract value (shape, dtype, weak type, ...) of an array or tracer.
typeof = getattr(jax, "typeof", _abstract_value)  # `jax.typeof` is newer than 0.4.30


try:  # does a tracer hold a concrete value (jax.grad without jit)
    from jax._src.core import is_concrete
except ImportError:  # pragma: no cover - depends on the installed JAX
    try:  # in older JAX, a concrete tracer's abstract value is a ConcreteArray
        from jax._src.core import ConcreteArray as _ConcreteArray
    except ImportError:
        _ConcreteArray = ()

    def is_concrete(value) -> bool:
        return isinstance(jax.core.get_aval(value), _ConcreteArray)


_SHAPES_ARE_WEAK = hasattr(jax.ShapeDtypeStruct((), "float32"), "weak_type")


class _WeakShapeDtypeStruct(jax.ShapeDtypeStruct):
    """A ``ShapeDtypeStruct`` that keeps the weak type older JAX releases dropped."""

    __slots__ = ("weak_type",)

    def __init__(self, shape, dtype, weak_type: bool):
        super().__init__(shape, dtype)
        self.weak_type = weak_type


def eval_shape(function, *args):
    """``jax.eval_shape(function, *args)`` whose leaves have ``weak_type`` on every JAX.

    A carried ``s = 0`` joined with a float32 array must promote the way ``jnp`` does,
    which depends on weak types; older JAX's ``eval_shape`` does not report them,
    so there the leaves are read from the traced program's output types instead.
    """
    if _SHAPES_ARE_WEAK:
        return jax.eval_shape(function, *args)
    closed, shapes = jax.make_jaxpr(function, return_shape=True)(*args)
    leaves, tree = jax.tree_util.tree_flatten(shapes)
    weak = [_WeakShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in closed.out_avals]
    assert len(weak) == len(leaves)
    return jax.tree_util.tree_unflatten(tree, weak)


def debug_print(template: str, *values) -> None:
    """``jax.debug.print(template, *values)``, also where JAX cannot take every value.

    Older JAX formats the template with the tracers themselves while tracing (so
    ``{:.2f}`` fails) and accepts only arrays as values; there, and wherever a value
    holds Python numbers or strings (which ``jax.debug.print`` would print as arrays),
    the text is formatted when the compiled code runs, in a ``jax.debug.callback``
    that receives the arrays and keeps the other values as they are.
    """
    leaves, tree = jax.tree_util.tree_flatten(values)
    arrays = [i for i, leaf in enumerate(leaves)
              if isinstance(leaf, (jax.Array, jax.core.Tracer, np.ndarray))]
    if _debug_print_takes_any_value() and len(arrays) == len(leaves):
        jax.debug.print(template, *values)
        return
    # (a Python number among the values, `print("pos", x, [1, 2])`: jax.debug.print
    # made it an array, printed `[Array(1, dtype=int32), ...]` where Python prints `[1, 2]`)

    def show(*computed):
        filled = list(leaves)
        for index, value in zip(arrays, computed):
            filled[index] = value
        print(template.format(*jax.tree_util.tree_unflatten(tree, filled)))

    jax.debug.callback(show, *(leaves[i] for i in arrays))


@functools.cache
def _debug_print_takes_any_value() -> bool:
    try:
        jax.make_jaxpr(lambda x: jax.debug.print("{}{:.1f}", "", x))(1.0)
    except TypeError:
        return False
    return True
