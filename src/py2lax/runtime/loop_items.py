"""What a compiled loop iterates over: a static range, a traced range, or array rows.

Each kind answers the same questions: its length (a Python int or a traced scalar), its
first item and the rest (for running the first iteration as Python), the item at a
traced index ``k``, and how ``lax.fori_loop``/``lax.scan`` should iterate it.
"""

from __future__ import annotations

import builtins
import functools

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.runtime.jax_compat import weakly_typed
from py2lax.runtime.conversions import IndexedItems, user_location
from py2lax.runtime.values import is_jax_array, is_traced

# ``enumerate``/``zip`` below are py2lax's see-through versions (runtime/loops.py).


class StaticRange:
    """A Python ``range`` compiled as a loop: the index is traced, the bounds are not."""

    traced = False

    def __init__(self, indices: range):
        self.indices, self.length = indices, len(indices)
        self.static_length = self.length

    def first(self):
        return self.indices[0]

    def rest(self):
        return StaticRange(self.indices[1:])

    def at(self, k):
        return self.indices.start + k * self.indices.step

    def scan_inputs(self):
        return jnp.arange(self.length), self.at

    def fori_bounds(self):
        """``(lower, upper, index)`` for ``lax.fori_loop``, as one would write it by hand."""
        if self.indices.step == 1:
            return self.indices.start, self.indices.stop, lambda i: i
        return 0, self.length, self.at


class RangeArguments:
    """``range(start, stop, step)`` with a traced bound, called through a name other
    than ``range`` (``for i in fn(n)`` with ``fn`` a static argument that is ``range``).

    Only a ``for`` statement can iterate it (as ``fori_loop``); anywhere else a traced
    bound has no Python meaning.
    """

    def __init__(self, *arguments):
        if len(arguments) == 1:
            arguments = (0, arguments[0])
        self.start, self.stop = arguments[0], arguments[1]
        self.step = arguments[2] if len(arguments) > 2 else 1

    def _as_python_range(self, *_):
        """Any use but a converted ``for`` needs Python's range, which a traced bound
        cannot make: JAX's own error, which py2lax restates at the user's line."""
        return builtins.range(self.start, self.stop, self.step)

    __iter__ = __len__ = __reversed__ = __getitem__ = __contains__ = _as_python_range


class TracedRange:
    traced = True

    def __init__(self, lower, upper, step):
        lower, upper, step = (_as_index(b) for b in (lower, upper, step))
        self.lower, self.upper, self.step = lower, upper, step
        if is_traced(step):
            _zero_step_raises(step)

    static_length = None

    @functools.cached_property
    def length(self):
        """Computed only when asked: a unit-step ``fori_loop`` needs no trip count."""
        return _trip_count(self.lower, self.upper, self.step)

    def first(self):
        return self.lower

    def at(self, k):
        return self.lower + k * self.step

    def fori_bounds(self):
        if not is_traced(self.step) and self.step == 1:
            return self.lower, self.upper, lambda i: i
        return 0, self.length, self.at


def _zero_step_raises(step) -> None:
    """``range(a, b, step)`` with a traced ``step``: the compiled program raises Python's
    ValueError when ``step`` is zero as it runs (the trip count would be 0: the loop was
    silently skipped)."""
    from py2lax.runtime.raising_branches import raised_if

    location = user_location()
    raised_if(step == 0, ValueError("range() arg 3 must not be zero"),
              str(location) if location is not None else "",
              "in a `for` over a range whose step is traced")


class Rows:
    """Arrays iterated along their leading axis (``xs``, ``enumerate(xs)``, ``zip(xs, ys)``)."""

    def __init__(self, sequences, make_item):
        self.sequences, self.make_item = sequences, make_item
        leaves = jax.tree_util.tree_leaves(sequences)
        self.length = self.static_length = leaves[0].shape[0]
        self.traced = any(is_traced(leaf) for leaf in leaves)

    @classmethod
    def of(cls, iterable) -> "Rows | None":
        if isinstance(iterable, enumerate) and is_jax_array(iterable.iterable):
            xs = _iterable_array(iterable.iterable)
            indices = jnp.arange(xs.shape[0]) + iterable.start
            # (the index is a Python int in Python: weakly typed, so `acc + i` keeps an
            # int8 `acc` int8, as NumPy does)
            return cls((indices, xs), lambda row: (weakly_typed(row[0]), row[1]))
        if isinstance(iterable, zip) and iterable.iterables and all(
            is_jax_array(x) for x in iterable.iterables
        ):
            arrays = [_iterable_array(x) for x in iterable.iterables]
            length = min(x.shape[0] for x in arrays)
            return cls(tuple(x[:length] for x in arrays), tuple)
        if is_jax_array(iterable) and not isinstance(iterable, (enumerate, zip)):
            return cls(_iterable_array(iterable), lambda row: row)
        if isinstance(iterable, IndexedItems):  # `np.ndenumerate(a)` of a traced `a`
            return cls(*iterable.scan_inputs())
        return None

    def _map(self, function):
        return jax.tree_util.tree_map(function, self.sequences)

    def scan_inputs(self):
        return self.sequences, self.make_item

    def first(self):
        return self.make_item(self._map(lambda x: x[0]))

    def rest(self):
        return Rows(self._map(lambda x: x[1:]), self.make_item)

    def at(self, k):
        return self.make_item(self._map(lambda x: lax.dynamic_index_in_dim(x, k, keepdims=False)))


def _iterable_array(value):
    if jnp.ndim(value) == 0:
        raise TypeError("iteration over a 0-d array")
    return value


_INDEX_DTYPE = jnp.result_type(int)  # int32, or int64 with jax_enable_x64


def _as_index(bound):
    """A traced bound as the default signed integer: Python's range indices are ints, and
    unsigned or mixed widths would make ``upper - lower`` wrap around."""
    if not is_traced(bound):
        return bound
    if not jnp.issubdtype(bound.dtype, jnp.integer):
        raise TypeError(f"'{bound.dtype}' object cannot be interpreted as an integer "
                        "(range() needs integer bounds, as in Python)")
    if bound.dtype != _INDEX_DTYPE:
        return lax.convert_element_type(bound, _INDEX_DTYPE)
    return bound


def _trip_count(lower, upper, step):
    """``len(range(lower, upper, step))`` for traced bounds."""
    if not is_traced(step):
        if step == 0:
            raise ValueError("range() arg 3 must not be zero")
        if step > 0:
            return jnp.maximum(0, (upper - lower + step - 1) // step)
        return jnp.maximum(0, (lower - upper - step - 1) // (-step))
    up = jnp.maximum(0, (upper - lower + step - 1) // jnp.maximum(step, 1))
    down = jnp.maximum(0, (lower - upper - step - 1) // jnp.maximum(-step, 1))
    return jnp.where(step > 0, up, down)


# -- running a loop as Python ------------------------------------------------------------
