"""Item assignment and list growth, written as new values for the variable.

Python meaning::

    def setitem(target, index, value, op=None, view_of=None):
        if op is None:
            target[index] = value
        else:                      # e.g. op="+=":  target[index] += value
            target[index] = target[index] <op> value
        return target

    def append(target, value):
        target.append(value)
        return target

Lists, dicts and NumPy arrays are mutated in place and returned, exactly as above. JAX
arrays are immutable, so for them the same update is ``target.at[index].set(...)``: the
variable gets the updated array. A boolean mask over the array's leading axes
(``x[mask] = 0``, ``w[w < 0] += 1``) is a ``jnp.where``, which also works when the mask
is traced. A NumPy array that receives a traced value or a traced index (``out =
np.zeros(3)`` filled in a traced loop) cannot hold it: it becomes a JAX array at that
point, and the variable gets the updated JAX array.
"""

from __future__ import annotations

import contextlib
import operator
import sys
import threading

import jax
import jax.numpy as jnp
import numpy as np

from py2lax.diagnostics.errors import InPlaceArgumentError, Location
from py2lax.runtime.values import is_jax_array, is_traced

IN_PLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
    "@=": operator.imatmul, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "<<=": operator.ilshift, ">>=": operator.irshift,
}


def setitem(target, index, value, op=None, view_of=None):
    """``target[index] = value`` (or ``target[index] <op> value``), returning the new ``target``.

    Lists, dicts and NumPy arrays are updated in place and returned; a JAX array gets
    ``target.at[index].set(...)``, and a boolean mask of its shape a ``jnp.where``.

    >>> xs = [1, 2, 3]
    >>> setitem(xs, 0, 10) is xs  # a list: mutated in place, as in Python
    True
    >>> xs
    [10, 2, 3]
    >>> import jax.numpy as jnp
    >>> setitem(jnp.zeros(3), 1, 5.0, op="+=").tolist()  # a JAX array: a new array
    [0.0, 5.0, 0.0]

    ``view_of`` names another variable that reaches ``target``'s array (``row = grid[i]``,
    ``cur = prev``): NumPy would change what it sees too, which a JAX array (or a NumPy
    array given a traced value, which becomes one) cannot do, so that is refused.
    """
    if view_of is not None and (is_jax_array(target) or (
            isinstance(target, np.ndarray) and _traced_update(index, value))):
        raise view_update_error(view_of, sys._getframe(1))
    if not is_jax_array(target):
        if isinstance(target, np.ndarray) and _traced_update(index, value):
            SHARED_ARRAYS.check(target)  # the caller's array would not see the new one
            target = jnp.asarray(target)  # NumPy cannot hold a traced value: a jax array can
        else:
            if op is None:
                target[index] = value
            else:
                target[index] = IN_PLACE[op](target[index], value)
            return target
    mask = _leading_mask(target, index)
    if mask is not None:  # `x[x < 0] = 0`, `w[w < 0] += 1`: element-wise, any mask
        new = value if op is None else IN_PLACE[op](target, value)
        return jnp.where(mask, jnp.asarray(new, target.dtype), target)
    if op is not None:
        value = IN_PLACE[op](target[index], value)
    return target.at[index].set(value)


def append(target, value):
    """``target.append(value)``, returning ``target``.

    >>> append([1], 2)
    [1, 2]
    """
    target.append(value)
    return target


def extend(target, values):
    """``target.extend(values)``, returning ``target``.

    >>> extend([1], (2, 3))
    [1, 2, 3]
    """
    target.extend(values)
    return target


def _traced_update(index, value) -> bool:
    return any(is_traced(leaf) for leaf in jax.tree_util.tree_leaves((index, value)))


def _leading_mask(target, index):
    """A boolean array over the target's leading axes, shaped to broadcast over it."""
    if getattr(index, "dtype", None) != jnp.bool_:
        return None
    shape, target_shape = jnp.shape(index), jnp.shape(target)
    if shape != target_shape[:len(shape)]:
        return None
    return jnp.reshape(index, shape + (1,) * (len(target_shape) - len(shape)))


class _SharedArrays(threading.local):
    """NumPy arrays that a helper received as parameters it updates in place.

    Such an array cannot become a JAX array inside the helper (to hold a traced value):
    the caller keeps the NumPy array and would never see the update.
    """

    def __init__(self):
        self.refusals: dict[int, Exception] = {}

    @contextlib.contextmanager
    def holding(self, refusals: dict[int, Exception]):
        previous = dict(self.refusals)
        self.refusals.update(refusals)
        try:
            yield
        finally:
            self.refusals = previous

    def check(self, array) -> None:
        refusal = self.refusals.get(id(array))
        if refusal is not None:
            raise refusal


SHARED_ARRAYS = _SharedArrays()


def kept_in_place(inputs: tuple, outputs: tuple, info) -> tuple:
    """``outputs``, with each list or dict that replaces the one the statement received
    under the same name written into that original object instead.

    A traced statement works on copies of the containers it carries; Python changes the
    containers themselves, which every other name for them sees (``r = records[i]``,
    then ``r["flag"] = 1``).
    """
    outputs = list(outputs)
    for index, name in enumerate(info.carried):
        if name not in info.inputs or index >= len(outputs):
            continue
        position = info.inputs.index(name)
        if position < len(inputs):
            outputs[index] = update_in_place(inputs[position], outputs[index])
    return tuple(outputs)


def update_in_place(original, new):
    """``original`` holding ``new``'s contents, if both are lists or both dicts (nested
    containers too); else ``new``."""
    if original is new or type(original) is not type(new) or not isinstance(new, (list, dict)):
        return new
    if isinstance(new, dict):
        if list(original) != list(new):
            original.clear()
            original.update(new)
        else:
            for key, value in new.items():
                original[key] = update_in_place(original[key], value)
    elif len(original) != len(new):
        original[:] = new
    else:
        for index, value in enumerate(new):
            original[index] = update_in_place(original[index], value)
    return original


def indices(values: list):
    """A list used as an index (``a[[k, p]]``), as the index array NumPy makes of it.

    >>> indices([0, 2])
    array([0, 2])
    """
    if any(is_jax_array(v) for v in jax.tree_util.tree_leaves(values)):
        return jnp.asarray(values)
    return np.asarray(values)


def view_update_error(base: str, frame) -> InPlaceArgumentError:
    """An item assignment into a part of ``base`` taken earlier, on JAX arrays."""
    location = Location(frame.f_code.co_filename, frame.f_lineno)
    return InPlaceArgumentError(
        f"this assignment writes into an array that {base!r} reaches too (the same array, "
        "or a row or slice of it), and the result is a JAX array here",
        location=location, names=(base,),
        rule=f"with NumPy, the assignment changes the array in place, so {base!r} sees it "
        "too; a JAX array cannot change in place, so only this name would get the new value.",
        fix=f"assign into {base!r} itself (`{base}[i, j] = v` instead of `row = {base}[i]` "
        f"then `row[j] = v`; py2lax writes it as `{base} = {base}.at[i, j].set(v)`), or "
        "work on an explicit copy (`.copy()`) if the change should stay in the part.")
