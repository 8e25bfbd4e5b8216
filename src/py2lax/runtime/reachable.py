"""The objects a branch function can reach before it runs.

A traced ``if``'s branch may give an object that existed before the statement (``t = b``:
Python's ``t`` then *is* ``b``) or one it made (``s = State(Inner(x), "pos")``: no other
name holds it). ``runtime/identity.py`` tells them apart for the write-back; an object
holding a traced value of the branch was made there, but one holding only constants or
the function's own traced values (``Inner(x)``) could be either. Such an object existed
before only if the branch could reach it: through a variable of the function it closes
over, a global it names, or the values it was given, and the attributes and items of
those. Anything else the branch made.
"""

from __future__ import annotations

import types

import jax
import numpy as np

from py2lax.runtime.attributes import attributes_of, has_attributes

_LIMIT = 20_000  # objects walked at most (a huge structure is taken as all reachable)
_OPAQUE = (type, types.ModuleType, types.FunctionType, types.MethodType,
           types.BuiltinFunctionType, types.CodeType, jax.Array, np.ndarray, str, bytes)


class Reachable:
    """The ids of the objects reachable from ``roots`` (references kept, so the ids stay
    theirs); ``complete`` is False where the walk stopped at its limit."""

    def __init__(self, roots):
        self.held: dict[int, object] = {}
        self.complete = True
        pending = list(roots)
        while pending:
            value = pending.pop()
            if id(value) in self.held or isinstance(value, _OPAQUE) or value is None:
                continue
            if len(self.held) >= _LIMIT:
                self.complete = False
                return
            self.held[id(value)] = value
            pending.extend(parts_of(value))

    def may_hold(self, value) -> bool:
        """Whether ``value`` may have existed before the branch ran."""
        return not self.complete or self.held.get(id(value)) is value


def parts_of(value) -> list:
    """What ``value`` holds: a container's items, an object's attributes; nothing for an
    array, a string, a function, a class or a module."""
    if isinstance(value, _OPAQUE) or value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if has_attributes(value):
        return list(attributes_of(value).values())
    return []


def reachable_from(function, operands: tuple) -> Reachable:
    """The objects ``function`` (a branch, perhaps wrapped) can reach before it runs."""
    roots = list(operands)
    seen = set()
    while function is not None and id(function) not in seen:
        seen.add(id(function))
        for cell in getattr(function, "__closure__", None) or ():
            try:
                roots.append(cell.cell_contents)
            except ValueError:  # an empty cell
                pass
        code, names = getattr(function, "__code__", None), getattr(function, "__globals__", {})
        for name in _global_names(code):
            if name in names:
                roots.append(names[name])
        function = getattr(function, "__wrapped__", None)
    return Reachable(roots)


def _global_names(code) -> set:
    if not isinstance(code, types.CodeType):
        return set()
    found = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            found |= _global_names(constant)
    return found
