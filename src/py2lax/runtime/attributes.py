"""An object's own attributes, whether it keeps them in ``__dict__`` or in ``__slots__``.

The runtime carries a user object's attributes through a traced ``if`` or loop and writes
them back (``runtime/objects.py``), and snapshots them to undo a branch that did not run
(``runtime/snapshots.py``). Reading ``vars(obj)`` sees only ``__dict__``: an object of a
class with ``__slots__`` has none, so it was not carried at all, and the traced values its
branch or loop body assigned leaked out of the trace (``UnexpectedTracerError``). These
helpers list both kinds; a slot that was never assigned is not an attribute yet (reading
it raises ``AttributeError``), so it is left out, and restoring deletes it again.
"""

from __future__ import annotations

import functools

from py2lax.transforms.private_names import mangle


def has_attributes(obj) -> bool:
    """Whether ``obj`` keeps assignable attributes of its own (in ``__dict__`` or slots).

    >>> class P:
    ...     __slots__ = ("x",)
    >>> has_attributes(P()), has_attributes(3)
    (True, False)
    """
    return isinstance(getattr(obj, "__dict__", None), dict) or bool(slot_names(type(obj)))


def attributes_of(obj) -> dict[str, object]:
    """``obj``'s attributes by name: its assigned slots, then its ``__dict__``.

    >>> class P:
    ...     __slots__ = ("x", "__v", "unset")
    ...     def __init__(self):
    ...         self.x, self.__v = 1.0, 2.0
    >>> attributes_of(P())
    {'x': 1.0, '_P__v': 2.0}
    """
    found = {}
    for name in slot_names(type(obj)):
        try:
            found[name] = getattr(obj, name)
        except AttributeError:  # declared, never assigned
            pass
    attributes = getattr(obj, "__dict__", None)
    if isinstance(attributes, dict):
        found.update(attributes)
    return found


def restore_attributes(obj, saved: dict[str, object]) -> None:
    """Give ``obj`` exactly the attributes ``saved`` (what :func:`attributes_of` read)."""
    for name in attributes_of(obj).keys() - saved.keys():
        object.__delattr__(obj, name)
    for name, value in saved.items():
        object.__setattr__(obj, name, value)


@functools.lru_cache(maxsize=1024)
def slot_names(cls: type) -> tuple[str, ...]:
    """The attribute names the ``__slots__`` of ``cls`` and its bases declare, mangled as
    Python stores them (``__slots__ = ("__v",)`` in ``class P`` makes ``_P__v``)."""
    names: list[str] = []
    for klass in cls.__mro__:
        declared = klass.__dict__.get("__slots__", ())
        for name in (declared,) if isinstance(declared, str) else declared:
            name = mangle(name, klass.__name__)
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return tuple(names)
