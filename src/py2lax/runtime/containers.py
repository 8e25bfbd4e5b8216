"""Item assignment and list growth, written as new values for the variable.

Python meaning::

    def setitem(target, index, value, op=None):
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
variable gets the updated array. A boolean mask of the array's shape
(``x[mask] = 0``) is a ``jnp.where``, which also works when the mask is traced.
"""

from __future__ import annotations

import operator

import jax.numpy as jnp

from py2lax.runtime.values import is_jax_array

IN_PLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
    "@=": operator.imatmul, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "<<=": operator.ilshift, ">>=": operator.irshift,
}


def setitem(target, index, value, op=None):
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
    """
    if not is_jax_array(target):
        if op is None:
            target[index] = value
        else:
            target[index] = IN_PLACE[op](target[index], value)
        return target
    if op is not None:
        value = IN_PLACE[op](target[index], value)
    if _is_full_mask(target, index):
        return jnp.where(index, jnp.asarray(value, target.dtype), target)
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


def _is_full_mask(target, index) -> bool:
    dtype = getattr(index, "dtype", None)
    return dtype == jnp.bool_ and jnp.shape(index) == jnp.shape(target)
