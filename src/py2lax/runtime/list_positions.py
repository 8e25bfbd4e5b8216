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

import builtins
import numbers

import jax.numpy as jnp
import numpy as np

from py2lax.runtime.choices import StringChoice, item_of_choice
from py2lax.runtime.conversions import raise_when, user_location
from py2lax.runtime.values import is_jax_array, is_traced, numbers_of_one_shape


def is_traced_position(items, index, kinds=(list,)) -> bool:
    """True for a list (or one of ``kinds``) indexed by a traced integer scalar whose
    items a ``jnp.where`` can choose between (numbers, or arrays of one shape)."""
    if type(items) not in kinds or not items or not is_traced(index):
        return False
    if jnp.ndim(index) != 0 or not jnp.issubdtype(jnp.result_type(index), jnp.integer):
        return False
    return numbers_of_one_shape(items)


def _checked(items, index, problem: str = "list index out of range"):
    """``index`` as a position from the start (Python's negative positions count from
    the end); a position outside the list raises Python's IndexError at run time."""
    length = len(items)
    raise_when((index < -length) | (index >= length), lambda: IndexError(problem),
               location=user_location())
    return jnp.where(index < 0, index + length, index)


def _length(items) -> int:
    try:
        return builtins.len(items)
    except TypeError:  # (no length: the usual check decides)
        return -1


def getitem(items, index, caught=False, within=None):
    """``items[index]``, also for a Python list or tuple and a traced ``index``, for a
    dict with integer keys and a traced integer key, and for a NumPy array (a module's
    table) and traced integer indices, read from a JAX copy (the read
    ``transforms/list_reads.py`` writes).

    ``caught=True``: the read is inside a ``try`` that catches ``IndexError`` (see
    ``transforms/caught_division.py``), where Python runs the handler for a position
    outside the sequence; a compiled read at a traced position never raises (JAX
    clamps it), so a traced position into an array, list or tuple is refused at the
    user's line instead of silently reading another item. ``caught="store"`` checks
    the position of a write ``items[index] = v`` the same way, and reads nothing.
    ``within``: the position is ``i % within`` (an int) or ``i % len(items)`` ("len"), in
    range by construction when the sequence has that many items: nothing to refuse.

    >>> import jax, jax.numpy as jnp
    >>> float(jax.jit(lambda i: getitem([0.5, 1.5, 2.5], i))(jnp.int32(-1)))
    2.5
    >>> getitem([0.5, 1.5, 2.5], 1)
    1.5
    """
    if caught and within is not None and (within == "len" or 0 < within <= _length(items)):
        if caught == "store":  # (never out of range)
            return None
        caught = False
    if caught and isinstance(items, (list, tuple, np.ndarray, jnp.ndarray)) and builtins.any(
            is_traced(leaf) for leaf in _index_leaves(index)):
        raise _caught_position_error("write" if caught == "store" else "read")
    if caught and is_jax_array(items):
        _check_in_range(items, index)  # (JAX clamps a Python position too)
    if caught == "store":  # a write's position, checked before the write (not read)
        return None
    if is_traced_position(items, index, (list, tuple)):
        return read(items, index)
    if is_traced_key(items, index):
        return read_key(items, index)
    if isinstance(items, np.ndarray) and _traced_integers(items, index):
        return _table_read(items, index)
    if type(index) is StringChoice:  # `WEIGHTS[mode]`, mode chosen by a traced `if`
        return item_of_choice(items, index)
    return items[index]


def _index_leaves(index) -> list:
    """The values an index is made of (``i``, ``(i, j)``, ``i:j``, ``(k, lo:hi)``)."""
    leaves = []
    for part in index if type(index) is tuple else (index,):
        leaves += [part.start, part.stop, part.step] if isinstance(part, slice) else [part]
    return leaves


def _check_in_range(array, index) -> None:
    """NumPy's IndexError for a Python integer position outside ``array``'s axis."""
    positions = index if type(index) is tuple else (index,)
    if builtins.any(p is None or p is Ellipsis for p in positions):
        return
    for axis, position in enumerate(positions[:jnp.ndim(array)]):
        if isinstance(position, numbers.Integral) and not isinstance(position, bool):
            size = jnp.shape(array)[axis]
            if not -size <= int(position) < size:
                raise IndexError(f"index {int(position)} is out of bounds for axis {axis} "
                                 f"with size {size}")


def _caught_position_error(what: str):
    from py2lax.diagnostics.errors import TracedValueError
    return TracedValueError(
        f"a {what} at a traced position inside a `try` whose handler catches IndexError: "
        "Python raises for a position outside the sequence and runs the handler, but a "
        f"compiled {what} never raises (JAX clamps the position to the last item, or "
        "drops the write), so the handler would never run",
        location=user_location(),
        rule="exceptions are raised while tracing, never by the compiled program's "
        "values: `except IndexError` cannot see a traced position that is out of range.",
        fix="test the position instead of catching the error: `v = a[i] if 0 <= i < "
        "len(a) else 0` (py2lax makes it a lax.cond), or `jnp.where(i < len(a), "
        "a[jnp.minimum(i, len(a) - 1)], 0)`.")


def _traced_integers(table: np.ndarray, index) -> bool:
    positions = index if isinstance(index, tuple) else (index,)
    return (0 < len(positions) <= table.ndim and builtins.any(is_traced(p) for p in positions)
            and builtins.all(_is_integer_scalar(p) for p in positions))


def _is_integer_scalar(position) -> bool:
    if isinstance(position, bool):
        return False
    if isinstance(position, numbers.Integral):
        return True
    return (is_jax_array(position) or isinstance(position, np.generic)) and (
        jnp.ndim(position) == 0 and jnp.issubdtype(jnp.result_type(position), jnp.integer))


def _table_read(table: np.ndarray, index):
    """``table[index]`` of a NumPy array at traced integer positions, as NumPy reads it:
    negative positions from the end, one outside the axis raises IndexError (when run)."""
    positions = index if isinstance(index, tuple) else (index,)
    checked = []
    for axis, position in enumerate(positions):
        size = table.shape[axis]
        problem = f"index is out of bounds for axis {axis} with size {size}"
        raise_when((position < -size) | (position >= size), lambda p=problem: IndexError(p),
                   location=user_location())
        checked.append(jnp.where(position < 0, position + size, position))
    return jnp.asarray(table)[tuple(checked)]


def is_traced_key(items, key) -> bool:
    """True for a dict whose keys are Python integers, read at a traced integer scalar
    ``key``, whose values a ``jnp.where`` can choose between (numbers, or arrays of one
    shape): ``d[best]`` of ``d = {i: v[i] for i in range(n)}``."""
    if type(items) is not dict or not items or not is_traced(key):
        return False
    if jnp.ndim(key) != 0 or not jnp.issubdtype(jnp.result_type(key), jnp.integer):
        return False
    return (builtins.all(isinstance(k, numbers.Integral) and not isinstance(k, bool)
                         for k in items) and numbers_of_one_shape(items.values()))


def read_key(items: dict, key):
    """``items[key]`` for a traced integer ``key``: the value of the key it equals, and
    Python's ``KeyError`` (naming the key) when the program runs with a key the dict
    does not have."""
    keys = jnp.asarray(list(items), jnp.result_type(key))
    matches = keys == key
    raise_when(~jnp.any(matches), lambda missing: KeyError(int(missing)), key,
               location=user_location())
    values = jnp.stack([jnp.asarray(value) for value in items.values()])
    return values[jnp.argmax(matches)]


def read(items, index):
    """``items[index]`` for a traced ``index``: the item at that position."""
    position = _checked(items, index, f"{type(items).__name__} index out of range")
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


def is_chosen_key(items, key) -> bool:
    """True for a dict written at a string a traced condition chose (``d["lo" if c else
    "hi"] = v``) whose every possible key is there and holds a number or a JAX array
    (NumPy arrays change in place, so a masked write would not be Python's)."""
    if type(items) is not dict or type(key) is not StringChoice:
        return False
    if not builtins.all(c in items for c in key.candidates):
        return False
    values = [items[c] for c in key.candidates]
    return numbers_of_one_shape(values) and not builtins.any(
        isinstance(v, np.ndarray) for v in values)


def write_at_choice(items: dict, key: StringChoice, value, update=None) -> dict:
    """``items[key] = value`` in place for a key chosen by a traced condition: each
    possible key gets "the new value if it is the chosen one, else its old value", so
    exactly the entry Python writes changes. ``update(old, value)`` gives the new value
    of an augmented assignment (``counts[key] += 1``), computed from each key's own old
    value. A new value of another shape than the old ones would spread to every key
    (``jnp.where`` broadcasts): refused, as a key Python alone could choose."""
    old_shape = jnp.shape(items[key.candidates[0]])
    for position, candidate in enumerate(key.candidates):
        new = value if update is None else update(items[candidate], value)
        if jnp.shape(new) != old_shape:
            raise _key_needs_one_value(key)
        items[candidate] = jnp.where(key.index == position, new, items[candidate])
    return items


def _key_needs_one_value(key: StringChoice):
    from py2lax.runtime.choices import _needs_one_value  # (the refusal choices makes)

    return _needs_one_value(key, "a dict key whose new value has another shape than the "
                            "old ones", "write the dict inside each branch of the `if`.")
