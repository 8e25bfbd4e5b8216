"""Python objects whose state a traced body may change but cannot be snapshotted.

:mod:`py2lax.runtime.effects` watches a traced body by snapshotting the Python objects
it can reach and comparing afterwards; that needs a way to read an object's state and
put it back. Lists, dicts, attributes, NumPy arrays, deques, ``array.array`` and the
random generators have one. Generators, ``itertools`` objects, ``map``/``zip``/``filter``
objects and other C iterators do not: ``next(g)`` cannot be undone, and a compiled loop
would advance them once, at trace time, where Python advances them every iteration.

So while a body is traced, each such *opaque* object that the watcher finds in a place
it can write (a closure cell, a module global, a list or dict item, an attribute, an
argument of the body) is swapped for a :class:`Guard`. The first use of a guard (``next``,
iteration, ``send``, any attribute) stops the trace with :class:`Touched` before the real
object moved; the originals are always put back. The watcher then treats the object as
changed: a static loop runs as Python, a traced statement raises a located error.
"""

from __future__ import annotations

import array
import collections
import random
import types

import numpy as np

# Builtin iterators that advance, whatever attributes a subclass adds (py2lax's own
# `enumerate` and `zip` keep their arguments as attributes, which never change).
_ITERATOR_TYPES = (enumerate, zip, map, filter, reversed, types.GeneratorType)


def is_opaque(value) -> bool:
    """An iterator whose position can be neither read nor restored."""
    if isinstance(value, Guard):
        return False
    if isinstance(value, _ITERATOR_TYPES):
        return True
    kind = type(value)
    return hasattr(kind, "__next__") and not hasattr(value, "__dict__")


class Touched(BaseException):
    """A guarded object was used while a body was traced (a BaseException, so that the
    user's ``except Exception`` cannot hide it)."""

    def __init__(self, guard: "Guard"):
        super().__init__("a guarded Python object was used while tracing")
        self.guard = guard


class Guard:
    """Stands in for an opaque object while a body is traced; any use raises Touched."""

    __slots__ = ("py2lax_target", "py2lax_path")

    def __init__(self, target, path: str):
        object.__setattr__(self, "py2lax_target", target)
        object.__setattr__(self, "py2lax_path", path)

    def _touch(self, *_args, **_kwargs):
        raise Touched(self)

    def __getattr__(self, _name):
        raise Touched(self)

    __next__ = __iter__ = __len__ = __getitem__ = __setitem__ = __contains__ = _touch
    __call__ = __bool__ = __reversed__ = __enter__ = __exit__ = _touch

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "py2lax_target"))


class Holder:
    """A place that holds an object and can be written: a cell, a dict or list item, an
    attribute."""

    __slots__ = ("container", "key")

    def __init__(self, container, key):
        self.container, self.key = container, key

    def get(self):
        container, key = self.container, self.key
        if isinstance(container, types.CellType):
            return container.cell_contents
        if isinstance(container, (dict, list, collections.deque)):
            return container[key]
        return vars(container)[key]

    def put(self, value) -> None:
        container, key = self.container, self.key
        if isinstance(container, types.CellType):
            container.cell_contents = value
        elif isinstance(container, dict):
            dict.__setitem__(container, key, value)
        elif isinstance(container, list):
            list.__setitem__(container, key, value)
        elif isinstance(container, collections.deque):
            container[key] = value
        else:
            vars(container)[key] = value


class Guards:
    """Guards installed in place of opaque objects; ``remove()`` puts the objects back."""

    def __init__(self, places: list[tuple[Holder, str, object]]):
        self.installed: list[tuple[Holder, object]] = []
        self.guards: dict[int, Guard] = {}
        for holder, path, obj in places:
            try:
                if holder.get() is not obj:
                    continue
            except (KeyError, IndexError, TypeError, ValueError):
                continue
            guard = self.guards.get(id(obj))
            if guard is None:
                guard = self.guards[id(obj)] = Guard(obj, path)
            holder.put(guard)
            self.installed.append((holder, obj))

    def owns(self, guard: Guard) -> bool:
        return self.guards.get(id(object.__getattribute__(guard, "py2lax_target"))) is guard

    def remove(self) -> None:
        for holder, obj in reversed(self.installed):
            try:
                if isinstance(holder.get(), Guard):
                    holder.put(obj)
            except (KeyError, IndexError, TypeError, ValueError):
                pass
        self.installed = []

    def original(self, value):
        """``value``, or the object a guard of these stands for."""
        if isinstance(value, Guard) and self.owns(value):
            return object.__getattribute__(value, "py2lax_target")
        return value


# -- containers implemented in C, with a state that can be read and restored --------


class Buffer:
    """The contents of an ``array.array`` or ``bytearray`` (changed in place)."""

    def __init__(self, obj):
        self.saved = bytes(obj)

    def __eq__(self, other) -> bool:
        return isinstance(other, Buffer) and self.saved == other.saved

    def restore(self, obj) -> None:
        if isinstance(obj, array.array):
            restored = array.array(obj.typecode)
            restored.frombytes(self.saved)
            obj[:] = restored
        else:
            obj[:] = self.saved


BUFFERS = (array.array, bytearray)


def module_state(module):
    """The hidden global state a module's functions advance (``np.random.rand()`` draws
    from NumPy's global ``RandomState``, ``random.random()`` from ``random``'s own
    ``Random``), or None."""
    name = getattr(module, "__name__", "")
    if name in ("numpy", "numpy.random", "numpy.random.mtrand"):
        return np.random.mtrand._rand, "numpy.random's global state"
    if name == "random":
        return random._inst, "random's global state"
    return None
