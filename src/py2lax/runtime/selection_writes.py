"""NumPy's rules for a write through an array selection (``a[m] = v``, ``a[1:3] += v``)
that JAX's ``.at[...]``/``jnp.where`` would not enforce.

Python meaning::

    a[m] = v     # v broadcasts to a[m]'s shape: (count of m, *rest), in order
    a[m] += v    # a[m].__iadd__(v): casts the result back with "same_kind"

A traced mask's count is not known at trace time. A value with one axis for it
(``a[m] = b[:3]``, ``a[m] = b`` with ``b`` of ``a``'s shape) is written item by item
into the selected positions, and NumPy's ``ValueError`` for a count that differs is
raised when the program runs, at the user's line; a value with more such axes cannot
be written as Python does: refused at the user's line. An in-place operator on a
selection that NumPy refuses to cast back (an int array ``a[m] += 0.5``, ``a[1:] /= 2``:
UFuncTypeError) is refused too, where JAX would silently truncate or promote.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from py2lax.diagnostics.errors import (InPlaceArgumentError, ShapeMismatchError,
                                       ValueDependentShapeError)
from py2lax.runtime.conversions import user_location

# NumPy's "same_kind" casting, by dtype kind: a result may go back to a kind at or above
# its own (bool < integers < floats < complex)
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def check_masked_value(target, mask_ndim: int, value) -> None:
    """Refuse ``target[m] = value`` with a traced boolean ``m`` over ``target``'s first
    ``mask_ndim`` axes where ``value`` cannot be written by :func:`written_in_order`:
    more than one axis of it would have to match ``m``'s count."""
    rest = jnp.shape(target)[mask_ndim:]
    shape = jnp.shape(value)
    leading = shape[:max(len(shape) - len(rest), 0)]
    if all(n == 1 for n in leading) or len(leading) == 1:
        return
    raise ValueDependentShapeError(
        f"the value written through a traced boolean mask has shape {tuple(shape)}, so "
        "its axes must match how many elements the mask selects, which the values decide",
        location=user_location(),
        rule="NumPy puts the k-th value at the k-th selected position and raises unless "
        "the counts agree; under jit the mask's count is not known.",
        fix="write the positionwise update `a = jnp.where(m, b, a)` (or `a[m] = b[m]`, "
        "which py2lax writes that way), or a scalar `a[m] = v`.")


def in_order(target, mask_ndim: int, value) -> bool:
    """Whether ``target[m] = value`` gives ``value``'s items to the selected positions
    one by one (``value`` has one axis for the count), as :func:`written_in_order` does."""
    rest = jnp.shape(target)[mask_ndim:]
    shape = jnp.shape(value)
    leading = shape[:max(len(shape) - len(rest), 0)]
    return len(leading) == 1 and leading[0] != 1


def written_in_order(target, mask, value):
    """NumPy's ``target[mask] = value`` where ``value``'s first axis holds one item per
    selected position (``a[m] = b[:3]``): the k-th item goes to the k-th position the
    mask selects, in C order. NumPy raises ``ValueError`` unless the mask selects
    exactly that many, which a traced mask decides when the program runs: checked then,
    at the user's line."""
    from py2lax.runtime.conversions import raise_when

    flat_shape = (int(np.prod(jnp.shape(mask), dtype=int)),)
    rest = jnp.shape(target)[jnp.ndim(mask):]
    count = jnp.shape(value)[0]
    check_fits(value, (count, *rest))
    flags = jnp.reshape(mask, flat_shape)
    selected = jnp.sum(flags, dtype=jnp.int32)
    raise_when(selected != count, lambda n: ValueError(
        f"NumPy boolean array indexing assignment cannot assign {count} input values to "
        f"the {int(n)} output values where the mask is true"), selected,
        location=user_location())
    if count == 0:
        return target
    value = jnp.broadcast_to(jnp.asarray(value, target.dtype), (count, *rest))
    positions = jnp.clip(jnp.cumsum(flags) - 1, 0, count - 1)
    flat = jnp.reshape(target, flat_shape + rest)
    chosen = jnp.reshape(flags, flat_shape + (1,) * len(rest))
    return jnp.reshape(jnp.where(chosen, value[positions], flat), jnp.shape(target))


def check_fits(value, selected_shape: tuple) -> None:
    """Refuse ``a[i] = value`` where NumPy cannot broadcast ``value`` to ``a[i]``'s shape
    (it drops leading axes of length 1 first), which JAX reports as an internal error."""
    shape = tuple(jnp.shape(value))
    while len(shape) > len(selected_shape) and shape[0] == 1:
        shape = shape[1:]
    try:
        if np.broadcast_shapes(shape, tuple(selected_shape)) == tuple(selected_shape):
            return
    except ValueError:
        pass
    raise ShapeMismatchError(
        f"could not broadcast the value's shape {tuple(jnp.shape(value))} into the "
        f"selected shape {tuple(selected_shape)}, as NumPy raises here (ValueError)",
        location=user_location(),
        rule="an item assignment writes the value into the selected part of the array, "
        "broadcast to that part's shape.",
        fix="give a value of the selected part's shape (or one that broadcasts to it).")


def check_in_place_cast(target_dtype, result_dtype, op: str) -> None:
    """Refuse ``a[sel] <op> v`` whose result NumPy cannot cast back into ``a``'s dtype."""
    target, result = np.dtype(target_dtype), np.dtype(result_dtype)
    if _KIND_RANK.get(result.kind, 0) <= _KIND_RANK.get(target.kind, 0):
        return
    raise InPlaceArgumentError(
        f"`{op}` on a part of a {target.name} array gives {result.name} values, which "
        f"NumPy refuses to cast back (UFuncTypeError: casting rule 'same_kind')",
        location=user_location(),
        rule="an in-place operator writes its result into the array itself; JAX would "
        "silently convert it to the array's dtype instead of raising.",
        fix=f"make the array {result.name} first (`a = a.astype({result.name!r})`), or "
        f"convert the result explicitly (`a[m] = (a[m] {op[:-1]} v).astype(a.dtype)`).")
