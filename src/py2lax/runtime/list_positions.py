"""A Python list written at a traced position: ``h[b] += 1``, ``parent[ra] = rb``.

A list of numbers keeps its length whatever the position is, so Python's meaning needs
no value the program does not have: every item becomes "the new value if the position
is this item's, else the old item" (``jnp.where``), and a position outside the list
raises Python's ``IndexError`` when the compiled program runs (see
:func:`py2lax.runtime.conversions.raise_when`). Items that are not numbers or arrays of
one shape (strings, ``None``, objects) cannot be chosen by a traced position: those
writes keep Python's own error, which py2lax reports at the user's line.

Python meaning: ``items[index] = value`` (or ``items[index] <op>= value``) in place.
"""

from __future__ import annotations

import numbers

import jax.numpy as jnp
import numpy as np

from py2lax.runtime.conversions import raise_when, user_location
from py2lax.runtime.values import is_jax_array, is_traced


def is_traced_position(items, index) -> bool:
    """True for a list indexed by a traced integer scalar whose items a ``jnp.where`` can
    choose between (numbers, or arrays of one shape)."""
    if type(items) is not list or not items or not is_traced(index):
        return False
    if jnp.ndim(index) != 0 or not jnp.issubdtype(jnp.result_type(index), jnp.integer):
        return False
    shapes = set()
    for item in items:
        if isinstance(item, bool | numbers.Number):
            shapes.add(())
        elif is_jax_array(item) or isinstance(item, np.ndarray | np.generic):
            shapes.add(jnp.shape(item))
        else:
            return False
    return len(shapes) == 1


def _checked(items: list, index, problem: str = "list index out of range"):
    """``index`` as a position from the start (Python's negative positions count from
    the end); a position outside the list raises Python's IndexError at run time."""
    length = len(items)
    raise_when((index < -length) | (index >= length), lambda: IndexError(problem),
               location=user_location())
    return jnp.where(index < 0, index + length, index)


def getitem(items, index):
    """``items[index]``, also for a Python list and a traced ``index`` (the read
    ``transforms/list_reads.py`` writes).

    >>> import jax, jax.numpy as jnp
    >>> float(jax.jit(lambda i: getitem([0.5, 1.5, 2.5], i))(jnp.int32(-1)))
    2.5
    >>> getitem([0.5, 1.5, 2.5], 1)
    1.5
    """
    if is_traced_position(items, index):
        return read(items, index)
    return items[index]


def read(items: list, index):
    """``items[index]`` for a traced ``index``: the item at that position."""
    position = _checked(items, index)
    return jnp.stack([jnp.asarray(item) for item in items])[position]


def write_at(items: list, index, value, update=None) -> list:
    """``items[index] = value`` in place for a traced ``index``; ``update(old, value)``
    gives the new item for an augmented assignment (``h[b] += 1``)."""
    position = _checked(items, index, "list assignment index out of range")
    if update is not None:
        value = update(read(items, index), value)
    for place, item in enumerate(items):
        items[place] = jnp.where(position == place, value, item)
    return items
