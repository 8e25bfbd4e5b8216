"""The list a scan step appends to, and the lists a compiled loop's body may grow.

Python meaning: none of its own; these stand, while one iteration of a compiled loop is
traced, for the Python list the loop grows (``runtime/list_growth``)::

    out = []
    for x in v:              # a scan: each step's appended items are its stacked outputs
        if x > 0:
            out.append(x)    # one item on some iterations: a slot with a traced flag

A scan step cannot read such a list (the items earlier steps appended are not there:
they become stacked outputs), so every read raises :class:`ListRead` and the loop runs
another way. Appending is what the step may do, also under a traced ``if``: the branches
then leave the step's list with different lengths, and it becomes a
:class:`MaskedAppendOnly`, the appended slots each with a traced *present* flag, which
the scan stacks with the items (``list_growth``). Both are pytrees, so each branch of a
traced ``if`` appends to its own copy.

While a loop's body is traced to find out whether it grows lists, the lists it receives
are *watched* (:func:`watched_lists`): a traced ``if`` inside it that leaves one of them
with different lengths (``runtime/conditionals``) reports the loop position with
``GrowingLists``, and the loop becomes such a scan.
"""

from __future__ import annotations

import contextlib

import jax

from py2lax.runtime.masked_containers import MaskedList, _count, _flag


class ListRead(Exception):
    """A loop body read a list it also grows: its items are not scan outputs yet."""


class GrowingLists(Exception):
    """Raised while tracing a loop body that appends to carried lists."""

    def __init__(self, positions):
        super().__init__(positions)
        self.positions = positions


@jax.tree_util.register_pytree_node_class
class AppendOnly:
    """The list a scan step appends to: reading it would see only the items from before
    the loop (the appended ones become stacked outputs), so reading is refused and the
    loop runs another way (as Python when its length is static). Not a ``list``: JAX and
    py2lax look inside lists (their lengths, their items), which this one refuses."""

    def __init__(self, items=()):
        self._items = list(items)

    def _refuse(self, *args, **kwargs):
        raise ListRead()

    __getitem__ = __setitem__ = __delitem__ = __len__ = __iter__ = _refuse
    __contains__ = __reversed__ = __bool__ = __eq__ = __add__ = __radd__ = _refuse
    index = count = copy = pop = insert = remove = sort = reverse = clear = _refuse
    __hash__ = None

    def append(self, value):
        self._items.append(value)

    def extend(self, values):
        self._items.extend(values)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def tree_flatten(self):
        return (self.stored(),), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(children[0])

    def stored(self) -> list:
        """The items the step holds: the loop's initial ones, then this step's."""
        return list(self._items)

    def slots(self):
        """``(items, flags)`` of every slot."""
        return self.stored(), [True] * len(self._items)


@jax.tree_util.register_pytree_node_class
class MaskedAppendOnly(MaskedList):
    """A scan step's list after a traced ``if`` appended to it on one path only: its
    slots past the initial items are what this step appended, each present where the
    path that appended it ran. Appending works (``MaskedList.append``); reads are refused
    as :class:`AppendOnly` refuses them."""

    def _refuse(self, *args, **kwargs):
        raise ListRead()

    length = masked_view = contains = __getitem__ = __setitem__ = _refuse
    pop = insert = __len__ = __iter__ = __contains__ = __bool__ = _refuse

    def _length(self):
        return _count([_flag(p) for p in self.present])

    def append(self, value):
        """One more slot, there: the step's present slots need not be a prefix (no one
        reads them by position; the loop puts the present ones first afterwards)."""
        self._set(items=[*self.items, value], present=[*self.present, True])

    def extend(self, values):
        for value in list(values):
            self.append(value)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def slots(self):
        """``(items, flags)`` of every slot."""
        return list(self.items), list(self.present)

    def tree_flatten(self):
        return (self.items, self.present), (len(self.items), self.name)

    @classmethod
    def tree_unflatten(cls, aux, children):
        items, present = children
        return cls(items, present, aux[1])

    def copy(self):
        return MaskedAppendOnly(self.items, self.present, self.name)


def is_append_only(value) -> bool:
    return isinstance(value, (AppendOnly, MaskedAppendOnly))


# id(list a watched loop body received, or a traced branch's copy of one) -> the position
# of that list among the loop's carried values
_WATCHED: dict[int, int] = {}


@contextlib.contextmanager
def watched_lists(marks: dict):
    """Mark the lists ``{id(list): position}`` as grown by the loop being traced, while
    the body runs (ids are only meaningful while the lists are alive)."""
    before = {key: _WATCHED[key] for key in marks if key in _WATCHED}
    _WATCHED.update(marks)  # an inner loop given the list: its own position
    try:
        yield
    finally:
        for key in marks:
            _WATCHED.pop(key, None)
        _WATCHED.update(before)


def copies_of_watched(pairs) -> dict:
    """``{id(copy): position}`` for the ``(copy, given)`` pairs where ``given`` is a
    watched list: a traced branch's copy of it is watched too."""
    return {id(copy): _WATCHED[id(given)] for copy, given in pairs
            if type(given) is list and id(given) in _WATCHED}


def grown_position(container):
    """The loop position of a watched list, or None."""
    if type(container) is not list:
        return None
    return _WATCHED.get(id(container))
