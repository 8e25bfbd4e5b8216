"""``sorted(items, key=..., reverse=...)`` and ``items.sort()`` ordered by traced values.

Python compares items with ``<``, one ``bool`` at a time, which a traced value cannot
give. The order still has a value the compiled program can compute when the keys are
numbers: a stable ``jnp.argsort`` of the keys (``descending=`` keeps equal keys in their
original order, as ``reverse=True`` does), and the items, numbers or arrays of one shape,
taken in that order. ``key`` runs once per item, as in Python. Anything else (strings,
tuples of keys, items of several shapes) goes to Python's own ``sorted``, whose error
py2lax reports at the user's line.

>>> import jax, jax.numpy as jnp
>>> [float(v) for v in jax.jit(lambda x: traced_sorted([x, 0.5, -x]))(jnp.float32(2.0))]
[-2.0, 0.5, 2.0]
>>> traced_sorted([3, 1, 2], reverse=True)
[3, 2, 1]
"""

from __future__ import annotations

import builtins

import jax.numpy as jnp

from py2lax.runtime.values import is_traced, numbers_of_one_shape


def traced_sorted(iterable, /, *, key=None, reverse=False):
    """Python's ``sorted``; by a stable ``jnp.argsort`` when a key is traced."""
    from py2lax.runtime.masked_containers import is_masked, refusal

    if is_masked(iterable):  # how many items there are is decided when the program runs
        raise refusal(getattr(iterable, "mapping", iterable), "sorted()")
    items = list(iterable)
    keys = items if key is None else [key(item) for item in items]
    order = _order(keys, reverse)
    if order is None:
        if key is None:
            return builtins.sorted(items, reverse=reverse)
        positions = builtins.sorted(range(len(items)), key=keys.__getitem__, reverse=reverse)
        return [items[position] for position in positions]
    if not numbers_of_one_shape(items):
        return builtins.sorted(items, key=key, reverse=reverse)  # Python's (traced) error
    stacked = jnp.stack([jnp.asarray(item) for item in items])
    return [stacked[order[place]] for place in range(len(items))]


def sort_in_place(items: list, key=None, reverse=False) -> None:
    """``items.sort(key=key, reverse=reverse)`` of a Python list."""
    items[:] = traced_sorted(items, key=key, reverse=reverse)


def _order(keys: list, reverse: bool):
    """The positions in sorted order, traced, when a key is a traced number; else None."""
    if not builtins.any(is_traced(k) for k in keys):
        return None
    if not (numbers_of_one_shape(keys) and jnp.ndim(keys[0]) == 0):
        return None
    return jnp.argsort(jnp.stack([jnp.asarray(k) for k in keys]), stable=True,
                       descending=reverse)
