"""Plain Python objects as carried state: ``obj.value = x`` inside a traced ``if`` or loop.

lax carries pytrees, and an instance of the user's own class is not one. Where such an
object is a carried variable (its attributes are assigned inside the statement), the
runtime carries its attributes instead: each branch or iteration works on a shallow
copy whose attributes are the traced values, and afterwards the results are written
back into the original object, so its identity is kept, as Python's in-place
assignment would. Attributes that are not arrays or numbers (names, settings,
functions) travel as static data and must not change inside the statement.

Python meaning of :func:`setattr_`, which the generated code calls for
``obj.attr = value`` (and ``obj.attr += value`` with ``op="+="``)::

    def setattr_(obj, name, value, op=None):
        setattr(obj, name, value if op is None else getattr(obj, name) <op> value)
        return obj
"""

from __future__ import annotations

import copy
import functools
import types

import jax
import numpy as np

from py2lax.runtime.containers import IN_PLACE
from py2lax.runtime.undefined import Undefined

_NOT_PLAIN = (type, types.ModuleType, types.FunctionType, types.MethodType,
              types.BuiltinFunctionType, functools.partial, jax.Array, np.ndarray, Undefined)


def setattr_(obj, name: str, value, op=None):
    """``obj.name = value`` (or ``obj.name <op> value``), returning ``obj``.

    >>> class Box:
    ...     value = 1
    >>> setattr_(Box(), "value", 2, op="+=").value
    3
    """
    if op is not None:
        value = IN_PLACE[op](getattr(obj, name), value)
    setattr(obj, name, value)
    return obj


def is_plain_object(value) -> bool:
    """An instance of a user class that lax cannot carry as it is."""
    if isinstance(value, _NOT_PLAIN) or not hasattr(value, "__dict__"):
        return False
    leaves = jax.tree_util.tree_leaves(value)
    return len(leaves) == 1 and leaves[0] is value  # not a registered pytree


def _is_dynamic(value) -> bool:
    return isinstance(value, (jax.Array, np.ndarray, np.generic, bool, int, float, complex))


@jax.tree_util.register_pytree_node_class
class ObjectState:
    """The array attributes of ``original`` as pytree leaves; the rest as static data."""

    def __init__(self, original, names: tuple[str, ...], values: list, static: tuple):
        self.original, self.names, self.values, self.static = original, names, values, static

    @classmethod
    def capture(cls, obj, original=None) -> "ObjectState":
        attributes = vars(obj)
        names = tuple(sorted(n for n, v in attributes.items() if _is_dynamic(v)))
        static = tuple(sorted((n, id(v)) for n, v in attributes.items() if n not in names))
        return cls(original if original is not None else obj, names,
                   [attributes[n] for n in names], static)

    def tree_flatten(self):
        return self.values, (self.original, self.names, self.static)

    @classmethod
    def tree_unflatten(cls, aux, values):
        original, names, static = aux
        return cls(original, names, list(values), static)

    def working_copy(self):
        """A shallow copy of the original carrying this state's values."""
        duplicate = copy.copy(self.original)
        for name, value in zip(self.names, self.values):
            setattr(duplicate, name, value)
        _ORIGINALS[id(duplicate)] = self.original
        return duplicate

    def write_back(self):
        for name, value in zip(self.names, self.values):
            setattr(self.original, name, value)
        return self.original


_ORIGINALS: dict[int, object] = {}  # working copy id -> original, while tracing


def to_states(values: tuple) -> tuple:
    """Plain objects among ``values`` become ``ObjectState`` pytrees."""
    return tuple(ObjectState.capture(v) if is_plain_object(v) else v for v in values)


def to_working_copies(values: tuple) -> tuple:
    return tuple(v.working_copy() if isinstance(v, ObjectState) else v for v in values)


def from_body(values: tuple) -> tuple:
    """A body's results: working copies (or objects) captured as states of their originals."""
    return tuple(ObjectState.capture(v, _ORIGINALS.get(id(v))) if is_plain_object(v) else v
                 for v in values)


def write_back(values: tuple) -> tuple:
    return tuple(v.write_back() if isinstance(v, ObjectState) else v for v in values)


def with_objects(function, skip: int = 0):
    """``function`` taking and returning carried tuples, seen through ``ObjectState``.

    The first ``skip`` arguments (an index or item) are passed as they are.
    """

    @functools.wraps(function)
    def wrapped(*arguments):
        head, carried = arguments[:skip], arguments[skip:]
        return from_body(tuple(function(*head, *to_working_copies(carried))))

    return wrapped


def carries_objects(values: tuple) -> bool:
    return any(is_plain_object(v) for v in values)
