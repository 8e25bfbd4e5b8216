"""Lists and dicts whose length (or key set) a traced ``if`` decided.

Python meaning: none of its own. Converted code on Python values never makes these; they
stand, under a trace, for the Python list or dict that the taken branch left::

    L = [x, 1.0]
    if x > 0.0:
        L.append(x * 2.0)   # L has 3 items or 2, depending on a traced value
    return sum(L), len(L)

``lax.cond`` needs both branches to give the same structure. When they leave a list with
different lengths, or a dict with different keys, the statement gives a
:class:`MaskedList` (:class:`MaskedDict`): every slot (key) either branch had, its value
(a zero of the same type where the branch had none), and a *present* flag per slot, a
Python ``True`` where both branches have it and a traced bool otherwise. A list's present
slots are always a prefix (its traced length).

What has one answer whatever the flags say is computed with Python's meaning: ``len`` (a
traced count), ``sum``/``any``/``all``/``max``/``min`` (masked reductions, as for a
filtered generator: ``runtime/masked``), ``k in d`` / ``v in L`` (a traced bool),
``d.get(k, default)``, ``d[k]`` / ``L[i]`` (the value; an absent key or index raises
Python's ``KeyError``/``IndexError`` when the compiled program runs), ``L.append(v)``,
``d[k] = v``, ``d.setdefault``, ``d.pop(k, default)``, a ``for`` over the items (each
iteration's body runs under its present flag), and a later traced ``if`` that changes it
again (the flags merge again). Anything that needs one concrete Python value (iterating
it in plain Python, ``str(L)``, returning it from the compiled function, a method not
listed) raises a located :class:`ValueDependentShapeError` naming the container.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
import numpy as np

from py2lax.diagnostics.errors import ValueDependentShapeError
from py2lax.runtime.values import is_traced

_CONTAINER_METHODS = frozenset(
    {n for t in (list, dict, set) for n in dir(t) if not n.startswith("_")})
_NUMBERS = (bool, int, float, complex, np.generic, np.ndarray, jax.Array)


def _location():
    from py2lax.runtime.conversions import user_location  # conversions imports a lot

    return user_location()


def refusal(container, what: str) -> ValueDependentShapeError:
    """The located error for ``what`` (an operation) on a masked container."""
    kind = ("list" if isinstance(container, MaskedList) else
            "set" if isinstance(container, MaskedSet) else "dict")
    name = getattr(container, "name", None)
    subject = f"{kind} {name!r}" if name else f"this {kind}"
    unit = {"list": "length", "set": "set of members"}.get(kind, "set of keys")
    if isinstance(container, MaskedDict) and not container.ordered and all(
            _flag(p) is True for p in container.present.values()):
        return _order_refusal(container, what)  # the same keys in another order
    return ValueDependentShapeError(
        f"{subject} has a {unit} that a traced `if` decided, and {what} needs it as one "
        "concrete Python value",
        location=_location(), names=(name,) if name else (),
        rule="under jit, a list that grows (or a dict that gains keys) only in some branches "
        "of a traced `if` is kept as every item either branch had plus a traced 'present' "
        "flag per item; len, sum, any, all, max, min, `in`, indexing, .get, .append and a "
        "converted `for` over it work, but a Python value of the whole container does not "
        "exist until the program runs.",
        fix=f"keep the items in a fixed-length array and a count or mask (e.g. `{name or 'L'}"
        " = jnp.zeros(n)` updated with `.at[count].set(v)`), compute what you need from it "
        "with len/sum/max/`in` inside the function, or make the condition static."
        + (" For an array of the items (`jnp.array`, `jnp.stack`), keep every candidate "
           "and the condition as a mask: `jnp.where(mask, values, 0.0)`, "
           "`jnp.sum(mask)` items." if kind == "list" else ""),
    )


def _order_refusal(container, what: str) -> ValueDependentShapeError:
    """The located error for ``what`` on a dict whose branches inserted the same keys in
    different orders: only its order is unknown."""
    name = container.name or "d"
    keys = list(container.keys_)
    return ValueDependentShapeError(
        f"dict {name!r} has its keys in an order that a traced `if` decided (each branch "
        f"inserted them in another order), and {what.split(' (the order')[0]} needs "
        "that order",
        location=_location(), names=(name,),
        rule="Python iterates a dict in insertion order; under jit the branches' keys are "
        "one set whose values are carried, but which branch's order holds is known only "
        "when the program runs. Reading by key, len, `in`, sum/max/min of the values work.",
        fix=f"insert the keys in one order on every path (create them before the `if`: "
        f"`{name} = {{k: 0.0 for k in {keys!r}}}`, then only assign values), or iterate a "
        f"fixed list of keys (`for k in {keys!r}: ... {name}[k]`).",
    )


def is_masked(value) -> bool:
    return isinstance(value, (MaskedList, MaskedDict, MaskedSet, _View, Enumerated))


def truth_of(value):
    """``bool(value)`` as a condition sees it: for a masked container, whether it holds
    an item (a traced bool where a traced ``if`` decided that); any other value as it is.

    >>> truth_of([1])
    [1]
    """
    if is_masked(value):
        length = value.length()
        return length > 0 if is_traced(length) else builtins.bool(length)
    return value


def _flag(value):
    """A present flag as given: a Python bool, or a traced bool scalar."""
    if isinstance(value, (bool, np.bool_)):
        return builtins.bool(value)
    if not is_traced(value) and np.ndim(value) == 0:
        return builtins.bool(value)  # a concrete array lax returned
    return jnp.asarray(value, bool)


def _count(flags):
    if all(f is True for f in flags):
        return len(flags)
    return sum((jnp.asarray(f, jnp.int32) for f in flags), jnp.int32(0))


def _and(a, b):
    if a is True:
        return b
    if b is True:
        return a
    if a is False or b is False:
        return False
    return jnp.logical_and(a, b)


def _or_all(flags):
    result = False
    for flag in flags:
        if flag is True:
            return True
        if flag is False:
            continue
        result = flag if result is False else jnp.logical_or(result, flag)
    return result


def _select(flag, when_true, when_false):
    if flag is True:
        return when_true
    if flag is False:
        return when_false
    return jnp.where(flag, when_true, when_false)


def _certainly_in_range(index, flags) -> bool:
    """Whether a Python ``index`` is in range whatever the traced flags say: the present
    slots are a prefix, so the leading ``True`` flags are the fewest items the list can
    hold (``L[-1]`` of a list that had an item before any traced `if` needs no check,
    whose callback every read would otherwise compile in)."""
    if is_traced(index):
        return False
    fewest = 0
    for flag in flags:
        if flag is not True:
            break
        fewest += 1
    return -fewest <= index < fewest


def _raise_if(bad, error) -> None:
    """Python's error where ``bad`` holds when the program runs (a Python bool: now)."""
    if bad is False:
        return
    if bad is True:
        raise error()
    from py2lax.runtime.conversions import raise_when

    raise_when(bad, error, location=_location())


def _same_type(items, container, what):
    """The items as one array type, for selecting among them by a traced position."""
    avals = {(jnp.shape(v), jnp.result_type(v)) for v in items}
    if len(avals) > 1:
        shapes = {a[0] for a in avals}
        if len(shapes) > 1:
            raise refusal(container, f"{what} (its items have different shapes)")
    return items


class _Masked:
    """What the masked containers share: Python's protocols refuse with a located error."""

    def __len__(self):
        raise refusal(self, "Python's `len()` here (py2lax gives a traced length when "
                      "it converts `len(...)` of a name it can see)")

    def __iter__(self):
        raise refusal(self, "iterating it in Python")

    def __bool__(self):
        """Python's truth: whether it holds an item, where that is known while tracing
        (``L = [x]`` then a traced ``if`` appends: always true); a traced ``if L:`` or
        ``not L`` asks :func:`truth_of` instead."""
        length = self.length()
        if is_traced(length):
            raise refusal(self, "its truth value")
        return length > 0

    def __contains__(self, item):
        raise refusal(self, "Python's `in` here")

    def __repr__(self):
        raise refusal(self, "repr()/str()")

    __str__ = __repr__

    def __format__(self, spec):
        raise refusal(self, "formatting it")

    def __jax_array__(self):
        raise refusal(self, "an array of it (`jnp.array`, `jnp.asarray`, `jnp.stack`)")

    __array__ = __jax_array__

    def __eq__(self, other):
        raise refusal(self, "comparing it with ==")

    def __ne__(self, other):
        raise refusal(self, "comparing it with !=")

    __hash__ = None

    def __add__(self, other):
        raise refusal(self, "`+` on it")

    __radd__ = __mul__ = __rmul__ = __iadd__ = __add__

    def _operator(self, other):
        raise refusal(self, "an operator (`|`, `&`, `-`, `^`, `<`...) on it")

    __or__ = __ror__ = __and__ = __rand__ = __sub__ = __rsub__ = __xor__ = __rxor__ = _operator
    __ior__ = __iand__ = __isub__ = __ixor__ = _operator
    __lt__ = __le__ = __gt__ = __ge__ = _operator

    def __delitem__(self, key):
        raise refusal(self, "`del` of an item")

    def __reversed__(self):
        raise refusal(self, "reversed()")

    def __getattr__(self, name):
        if name in _CONTAINER_METHODS:
            raise refusal(self, f"`.{name}()`")
        raise AttributeError(name)

    def __reduce__(self):
        raise refusal(self, "copying or pickling it")

    def __copy__(self):
        return self.copy()

    def _set(self, **parts):
        """Changes give the object new parts (never change a part in place): py2lax's
        watch on Python objects in traced branches (runtime/effects) can then see and
        undo them."""
        for name, value in parts.items():
            object.__setattr__(self, name, value)

    def __deepcopy__(self, memo):
        return self.copy()


@jax.tree_util.register_pytree_node_class
class MaskedList(_Masked):
    """A list whose length a traced condition decided: ``items[i]`` counts where
    ``present[i]`` (a prefix of the slots)."""


    def __init__(self, items, present, name=None, stacked=None):
        # a loop's appended items as one array (``Stacked``): what reads use, so that a
        # list of 1,000 slots is read by one array operation, not 1,000 selects; its
        # slots one by one are made only when something reads them so (items=None)
        object.__setattr__(self, "stacked", stacked)
        object.__setattr__(self, "_slots", None if items is None else (
            list(items), list(present)))
        object.__setattr__(self, "name", name)

    def _materialized(self):
        if self._slots is None:
            object.__setattr__(self, "_slots", self.stacked.one_by_one())
        return self._slots

    @property
    def items(self):
        return self._materialized()[0]

    @property
    def present(self):
        return self._materialized()[1]

    def _set(self, **parts):
        items, present = self._materialized()
        items, present = parts.pop("items", items), parts.pop("present", present)
        object.__setattr__(self, "_slots", (list(items), list(present)))
        object.__setattr__(self, "stacked", None)  # a change: the slots are the truth
        super()._set(**parts)

    def tree_flatten(self):
        return (self.items, self.present), (len(self.items), self.name)

    @classmethod
    def tree_unflatten(cls, aux, children):
        items, present = children
        return cls(items, present, aux[1])

    def copy(self):
        return MaskedList(self.items, self.present, self.name)

    def length(self):
        return self._length()

    def _length(self):
        if self.stacked is not None:
            return self.stacked.length()
        return _count([_flag(p) for p in self.present])

    def masked_view(self):
        """``(items, masks)`` as ``runtime/masked`` reduces them (None: always there)."""
        if self.stacked is not None and self.stacked.scalars():
            return StackedItems(self.stacked), StackedItems(self.stacked, 1)
        items, masks = [], []
        for item, flag in zip(self.items, map(_flag, self.present)):
            if flag is False:
                continue
            items.append(item)
            masks.append(None if flag is True else flag)
        return items, masks

    def contains(self, value):
        if self.stacked is not None and self.stacked.scalars() and jnp.ndim(value) == 0 and (
                isinstance(value, _NUMBERS)):
            return self.stacked.contains(value)
        found = []
        for item, flag in zip(self.items, map(_flag, self.present)):
            equal = True if item is value else item == value
            if not is_traced(equal) and np.ndim(equal) == 0:
                equal = builtins.bool(equal)
            elif np.ndim(equal) != 0:
                raise refusal(self, "`in` with array items")
            found.append(_and(flag, equal))
        return _or_all(found)

    def __getitem__(self, index):
        if isinstance(index, slice):
            raise refusal(self, "slicing it")
        if self.stacked is not None and self._slots is None:
            return self.stacked.item(index, self)
        flags = [_flag(p) for p in self.present]
        if not is_traced(index):
            index = operator_index(index)
            if index >= 0 and index < len(self.items) and flags[index] is True:
                return self.items[index]
        if self.stacked is not None:
            return self.stacked.item(index, self)
        length = self.length()
        position = index + length if not is_traced(index) and index < 0 else (
            jnp.where(index < 0, index + length, index))
        if not _certainly_in_range(index, flags):
            _raise_if(jnp.logical_or(position < 0, position >= length),
                      lambda *_: IndexError("list index out of range"))
        items = _same_type(self.items, self, "indexing it at a position its length decides")
        result = items[-1]
        for slot in range(len(items) - 2, -1, -1):
            result = jnp.where(position == slot, items[slot], result)
        return result

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            raise refusal(self, "assigning a slice")
        flags = [_flag(p) for p in self.present]
        if not is_traced(index):
            index = operator_index(index)
            if index >= 0 and index < len(self.items) and flags[index] is True:
                items = list(self.items)
                items[index] = value
                self._set(items=items)
                return
        length = self.length()
        position = index + length if not is_traced(index) and index < 0 else (
            jnp.where(index < 0, index + length, index))
        if not _certainly_in_range(index, flags):
            _raise_if(jnp.logical_or(position < 0, position >= length),
                      lambda *_: IndexError("list assignment index out of range"))
        _same_type([*self.items, value], self, "assigning at a position its length decides")
        self._set(items=[jnp.where(position == slot, value, item)
                         for slot, item in enumerate(self.items)])

    def append(self, value):
        flags = [_flag(p) for p in self.present]
        if all(f is True for f in flags):
            self._set(items=[*self.items, value], present=[*self.present, True])
            return
        _same_type([*self.items, value], self, "appending to it")
        length = self._length()
        items = [jnp.where(flag is not True and (length == slot), value, item)
                 if flag is not True else item
                 for slot, (item, flag) in enumerate(zip(self.items, flags))]
        present = [f if f is True else jnp.logical_or(f, length == slot)
                   for slot, f in enumerate(flags)]
        self._set(items=[*items, value], present=[*present, length == len(flags)])

    def pop(self, index=-1):
        """``L.pop(i)``: a position every branch had (the list shifts as Python's does),
        or the last item (``L.pop()``), whichever slot the traced length says it is."""
        flags = [_flag(p) for p in self.present]
        if is_traced(index):
            raise refusal(self, "`.pop()` at a traced position")
        index = operator_index(index)
        if 0 <= index < len(flags) and all(f is True for f in flags[:index + 1]):
            value = self.items[index]
            self._set(items=self.items[:index] + self.items[index + 1:],
                      present=self.present[:index] + self.present[index + 1:])
            return value
        if index != -1:
            raise refusal(self, f"`.pop({index})` (where that item is depends on the "
                          "condition)")
        if all(f is True for f in flags):
            value = self.items[-1]
            self._set(items=self.items[:-1], present=self.present[:-1])
            return value
        length = self.length()
        _raise_if(length == 0, lambda *_: IndexError("pop from empty list"))
        items = _same_type(self.items, self, "`.pop()`")
        value = items[-1]
        for slot in range(len(items) - 2, -1, -1):
            value = jnp.where(length - 1 == slot, items[slot], value)
        self._set(present=[_and(f, length - 1 != slot) if f is not False else False
                           for slot, f in enumerate(flags)])
        return value

    def insert(self, index, value):
        """``L.insert(i, v)`` before a position every branch had (``L.insert(0, v)``)."""
        flags = [_flag(p) for p in self.present]
        if is_traced(index):
            raise refusal(self, "`.insert()` at a traced position")
        index = operator_index(index)
        if not (0 <= index <= len(flags) and all(f is True for f in flags[:index])
                and (index < len(flags) or all(f is True for f in flags))):
            raise refusal(self, f"`.insert({index}, ...)` (where that position is depends "
                          "on the condition)")
        self._set(items=[*self.items[:index], value, *self.items[index:]],
                  present=[*self.present[:index], True, *self.present[index:]])

    def extend(self, values):
        if is_masked(values):
            raise refusal(values, "extending a list with it")
        for value in list(values):
            self.append(value)

    def __iadd__(self, values):
        self.extend(values)
        return self


class StackedItems(list):
    """A masked list's items (``part`` 0) or flags (1), which ``runtime/masked`` reduces
    with one array operation (``stacked``); anything else reads them one by one (made
    when first read)."""

    def __init__(self, stacked, part=0):
        super().__init__()
        self.stacked, self.part = stacked, part
        self.made = False

    def _make(self):
        if not self.made:
            self.made = True
            values = self.stacked.one_by_one()[self.part]
            super().extend(values if self.part == 0 else [
                None if f is True else f for f in map(_flag, values)])

    def __iter__(self):
        self._make()
        return super().__iter__()

    def __len__(self):
        self._make()
        return super().__len__()

    def __getitem__(self, index):
        self._make()
        return super().__getitem__(index)


class Stacked:
    """The slots of a :class:`MaskedList` a compiled loop grew, as arrays: ``prefix`` the
    items before them (always there), ``values`` the loop's items stacked (a pytree whose
    leaves lead with the slot), present where the slot is below ``count``. Reads of a
    long list are then one array operation each (``len``, ``sum``, ``max``, ``[i]``,
    ``in``, a ``for`` over it: ``runtime/loops``)."""

    def __init__(self, prefix, values, count, certain=0):
        self.prefix, self.values, self.count = list(prefix), values, count
        self.certain = certain  # how many leading slots are there whatever the values

    @property
    def slots(self) -> int:
        return jax.tree_util.tree_leaves(self.values)[0].shape[0]

    def one_by_one(self):
        """``(items, present)``: the prefix, then each slot (present below ``count``)."""
        items = list(self.prefix) + [
            jax.tree_util.tree_map(lambda column, k=k: column[k], self.values)
            for k in range(self.slots)]
        present = [True] * len(self.prefix) + [
            True if k < self.certain else self.count > k for k in range(self.slots)]
        return items, present

    def scalars(self) -> bool:
        """Whether each slot is one number (not a tuple, not an array)."""
        return isinstance(self.values, jax.Array) and self.values.ndim == 1

    def flags(self):
        """Per slot of ``values``, whether it is there (a bool array)."""
        return jnp.arange(self.slots) < self.count

    def length(self):
        return len(self.prefix) + self.count

    def item(self, index, container):
        """``L[index]`` (Python's IndexError, when the program runs, for a slot not there)."""
        if not is_traced(index):
            index = operator_index(index)
            if 0 <= index < len(self.prefix):
                return self.prefix[index]
            if 0 <= index - len(self.prefix) < self.certain:
                return jax.tree_util.tree_map(
                    lambda column: column[index - len(self.prefix)], self.values)
        length = self.length()
        position = index + length if not is_traced(index) and index < 0 else (
            jnp.where(index < 0, index + length, index))
        if not _certainly_in_range(index, [True] * (len(self.prefix) + self.certain)):
            _raise_if(jnp.logical_or(position < 0, position >= length),
                      lambda *_: IndexError("list index out of range"))
        tail = jax.tree_util.tree_map(
            lambda column: column[jnp.clip(position - len(self.prefix), 0, self.slots - 1)],
            self.values)
        if not self.prefix:
            return tail
        _same_type([*self.prefix, tail], container, "indexing it at a position its length "
                   "decides")
        result = tail
        for slot in range(len(self.prefix) - 1, -1, -1):
            result = jnp.where(position == slot, self.prefix[slot], result)
        return result

    def contains(self, value):
        found = jnp.any(jnp.logical_and(self.flags(), self.values == value))
        for item in self.prefix:
            found = jnp.logical_or(found, item == value)
        return found


def operator_index(index):
    import operator

    return operator.index(index)


@jax.tree_util.register_pytree_node_class
class MaskedDict(_Masked):
    """A dict whose keys a traced condition decided: ``values[k]`` counts where
    ``present[k]``; ``keys`` in insertion order."""


    def __init__(self, keys, values, present, name=None, ordered=True):
        object.__setattr__(self, "ordered", ordered)  # False: Python's order may differ
        object.__setattr__(self, "keys_", list(keys))
        object.__setattr__(self, "values_", dict(zip(keys, values)))
        object.__setattr__(self, "present", dict(zip(keys, present)))
        object.__setattr__(self, "name", name)

    def tree_flatten(self):
        return ([self.values_[k] for k in self.keys_], [self.present[k] for k in self.keys_]), (
            tuple(self.keys_), self.name, self.ordered)

    @classmethod
    def tree_unflatten(cls, aux, children):
        values, present = children
        return cls(aux[0], values, present, aux[1], aux[2])

    def copy(self):
        return MaskedDict(self.keys_, [self.values_[k] for k in self.keys_],
                          [self.present[k] for k in self.keys_], self.name, self.ordered)

    def in_order(self, what: str) -> None:
        """Refuse ``what`` when the keys' order is not known (see ``_check_order``)."""
        if not self.ordered:
            raise refusal(self, f"{what} (the order of its keys depends on the condition)")

    def _flag_of(self, key):
        self._check_key(key)
        return _flag(self.present[key]) if key in self.present else False

    def _check_key(self, key):
        if is_traced(key):
            raise refusal(self, "a traced key")
        try:
            hash(key)
        except TypeError:
            raise  # Python's own error for an unhashable key

    def length(self):
        return _count([_flag(self.present[k]) for k in self.keys_])

    def masked_view(self, part="keys"):
        items, masks = [], []
        for key in self.keys_:
            flag = _flag(self.present[key])
            if flag is False:
                continue
            items.append({"keys": key, "values": self.values_[key],
                          "items": (key, self.values_[key])}[part])
            masks.append(None if flag is True else flag)
        return items, masks

    def contains(self, key):
        return self._flag_of(key)

    def __getitem__(self, key):
        flag = self._flag_of(key)
        if flag is False:
            raise KeyError(key)
        _raise_if(jnp.logical_not(flag) if flag is not True else False,
                  lambda *_: KeyError(key))
        return self.values_[key]

    def get(self, key, default=None):
        flag = self._flag_of(key)
        if flag is True:
            return self.values_[key]
        if flag is False:
            return default
        if default is None or not isinstance(default, _NUMBERS):
            raise refusal(self, f".get({key!r}) with a default that is not a number "
                          f"({key!r} may be absent)")
        return jnp.where(flag, self.values_[key], default)

    def __setitem__(self, key, value):
        self._check_key(key)
        if key not in self.present:
            self._set(keys_=[*self.keys_, key])
        elif _flag(self.present[key]) is not True:
            self._check_order(key)
        self._set(values_={**self.values_, key: value}, present={**self.present, key: True})

    def _check_order(self, key):
        """A key that may be absent, set again: Python puts it last if it was absent."""
        later = self.keys_[self.keys_.index(key) + 1:]
        if any(_flag(self.present[k]) is not False for k in later):
            object.__setattr__(self, "ordered", False)  # iterating it is refused

    def setdefault(self, key, default=None):
        flag = self._flag_of(key)
        if flag is True:
            return self.values_[key]
        if flag is False:
            self[key] = default
            return default
        if default is None or not isinstance(default, _NUMBERS):
            raise refusal(self, f".setdefault({key!r}) with a default that is not a number")
        self._check_order(key)
        value = jnp.where(flag, self.values_[key], default)
        self._set(values_={**self.values_, key: value}, present={**self.present, key: True})
        return value

    def pop(self, key, *default):
        flag = self._flag_of(key)
        if flag is False:
            if default:
                return default[0]
            raise KeyError(key)
        value = self.values_[key]
        if flag is not True:
            if not default:
                _raise_if(jnp.logical_not(flag), lambda *_: KeyError(key))
            elif default[0] is None or not isinstance(default[0], _NUMBERS):
                raise refusal(self, f".pop({key!r}, default) with a default that is not "
                              "a number")
            else:
                value = jnp.where(flag, value, default[0])
        self._set(present={**self.present, key: False})
        return value

    def __delitem__(self, key):
        self.pop(key)

    def update(self, other=(), **more):
        if is_masked(other):
            raise refusal(other, "updating a dict with it")
        pairs = other.items() if isinstance(other, dict) else other
        for key, value in [*pairs, *more.items()]:
            self[key] = value

    def keys(self):
        return _View(self, "keys")

    def values(self):
        return _View(self, "values")

    def items(self):
        return _View(self, "items")


@jax.tree_util.register_pytree_node_class
class MaskedSet(_Masked):
    """A set of Python values (numbers, strings) whose members a traced condition
    decided: ``elements[i]`` is a member where ``present[i]``."""


    def __init__(self, elements, present, name=None):
        object.__setattr__(self, "elements", list(elements))
        object.__setattr__(self, "present", list(present))
        object.__setattr__(self, "name", name)

    def tree_flatten(self):
        return (self.present,), (tuple(self.elements), self.name)

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(aux[0], children[0], aux[1])

    def copy(self):
        return MaskedSet(self.elements, self.present, self.name)

    def _position(self, element):
        if is_traced(element):
            return None
        hash(element)  # Python's TypeError for an unhashable element
        for position, known in enumerate(self.elements):
            if type(known) is type(element) and known == element or (
                    known == element and hash(known) == hash(element)):
                return position
        return -1

    def length(self):
        return _count([_flag(p) for p in self.present])

    def masked_view(self):
        self.in_order("iterating it")
        items, masks = [], []
        for element, flag in sorted(zip(self.elements, map(_flag, self.present)),
                                    key=lambda pair: pair[0]):
            if flag is False:
                continue
            items.append(element)
            masks.append(None if flag is True else flag)
        return items, masks

    def in_order(self, what):
        """Python iterates a set of small non-negative ints in ascending order; other
        members' order depends on the set's history."""
        if not all(type(e) in (int, bool) and 0 <= e < 8 for e in self.elements):
            raise refusal(self, f"{what} (the order of its members is Python's hash order)")

    def contains(self, element):
        position = self._position(element)
        if position is None:  # a traced element: compared with every member
            return _or_all([_and(_flag(p), e == element)
                            for e, p in zip(self.elements, self.present)
                            if isinstance(e, (int, float, bool))])
        return False if position < 0 else _flag(self.present[position])

    def add(self, element):
        position = self._position(element)
        if position is None:
            raise refusal(self, "adding a traced value to it")
        if position < 0:
            self._set(elements=[*self.elements, element], present=[*self.present, True])
        else:
            self._set(present=[True if i == position else p
                               for i, p in enumerate(self.present)])

    def discard(self, element):
        position = self._position(element)
        if position is None:
            raise refusal(self, "removing a traced value from it")
        if position >= 0:
            self._set(present=[False if i == position else p
                               for i, p in enumerate(self.present)])

    def remove(self, element):
        position = self._position(element)
        if position is None:
            raise refusal(self, "removing a traced value from it")
        if position < 0:
            raise KeyError(element)
        _raise_if(jnp.logical_not(_flag(self.present[position]))
                  if _flag(self.present[position]) is not True else False,
                  lambda *_: KeyError(element))
        self._set(present=[False if i == position else p for i, p in enumerate(self.present)])

    def update(self, *others):
        for other in others:
            if is_masked(other):
                raise refusal(other, "updating a set with it")
            for element in list(other):
                self.add(element)

    def __ior__(self, other):
        if not isinstance(other, (set, frozenset)):
            return NotImplemented
        self.update(other)
        return self

    def clear(self):
        self._set(present=[False] * len(self.present))


class _View(_Masked):
    """``d.keys()``, ``d.values()``, ``d.items()`` of a :class:`MaskedDict`."""


    def __init__(self, mapping, part):
        object.__setattr__(self, "mapping", mapping)
        object.__setattr__(self, "part", part)

    @property
    def name(self):
        return self.mapping.name

    def masked_view(self):
        return self.mapping.masked_view(self.part)

    def length(self):
        return self.mapping.length()

    def contains(self, item):
        if self.part == "keys":
            return self.mapping.contains(item)
        raise refusal(self.mapping, f"`in` on its .{self.part}()")


class Enumerated(_Masked):
    """``enumerate(c)`` of a masked container: what a ``for`` over it reads (``(i, item)``
    under the item's present flag). A list's present slots are a prefix, so its indices
    are its slots' positions; a dict's or set's count only the members before that are
    there (a traced int where a traced ``if`` decided one of them)."""

    def __init__(self, source, start=0):
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "start", start)

    @property
    def name(self):
        return getattr(self.source, "name", None)

    def masked_view(self):
        source = self.source
        if isinstance(source, MaskedList):
            pairs = [(item, _flag(flag)) for item, flag in zip(source.items, source.present)]
            items = [(self.start + k, item) for k, (item, flag) in enumerate(pairs)
                     if flag is not False]
            return items, [None if f is True else f for _, f in pairs if f is not False]
        if isinstance(source, MaskedDict):
            source.in_order("iterating it")
        items, masks = source.masked_view()
        numbered, index = [], self.start
        for item, mask in zip(items, masks):
            numbered.append((index, item))
            index = index + (1 if mask is None else jnp.asarray(mask, jnp.int32))
        return numbered, masks

    def length(self):
        return self.source.length()


def masked_view(value):
    """``(items, masks)`` of a masked container, or None for anything else."""
    return value.masked_view() if is_masked(value) else None


# -- made by a traced `if` -------------------------------------------------------------


def _aval(value):
    if isinstance(value, str) or not isinstance(value, _NUMBERS):
        return None
    try:
        return (tuple(jnp.shape(value)), jnp.result_type(value))
    except TypeError:
        return None


def shape_of(value):
    """What a branch left in a carried variable, as far as masking is concerned: a list or
    dict (masked or not) with the types of its items, or None."""
    if isinstance(value, (list, MaskedList)) or _append_only(value):
        items = value.items if isinstance(value, MaskedList) else _stored(value)
        aval = _item_aval if _is_step_list(value) else _aval
        return ("list", [aval(v) for v in items], isinstance(value, MaskedList))
    if isinstance(value, (dict, MaskedDict)):
        keys = value.keys_ if isinstance(value, MaskedDict) else list(value)
        values = value.values_ if isinstance(value, MaskedDict) else value
        return ("dict", keys, [_aval(values[k]) for k in keys], isinstance(value, MaskedDict),
                getattr(value, "ordered", True))
    if isinstance(value, (set, MaskedSet)):
        elements = value.elements if isinstance(value, MaskedSet) else list(value)
        if not all(isinstance(e, (bool, int, float, str)) and not is_traced(e)
                   for e in elements):
            return None
        return ("set", elements, isinstance(value, MaskedSet))
    return None


def _unified_order(first: list, second: list):
    """One key order both branches' orders follow (each a subsequence), or None."""
    order = list(first) + [k for k in second if k not in first]
    for keys in (first, second):
        present = set(keys)
        if [k for k in order if k in present] != list(keys):
            return None
    return order


def mask_plan(left, right):
    """How to give two branches' values one structure: ``("list", avals)``,
    ``("dict", keys, avals)``, or None (they agree, or cannot be masked)."""
    if left is None or right is None or left[0] != right[0]:
        return None
    if left[0] == "set":
        _, a, masked_a = left
        _, b, masked_b = right
        if not (masked_a or masked_b) and set(a) == set(b):
            return None
        return ("set", list(a) + [e for e in b if e not in a])
    if left[0] == "list":
        _, a, masked_a = left
        _, b, masked_b = right
        if len(a) == len(b) and not (masked_a or masked_b):
            return None
        slots = max(len(a), len(b))
        avals = [(a[i] if i < len(a) else None) or (b[i] if i < len(b) else None)
                 for i in range(slots)]
        if any(v is None for v in a + b) or any(v is None for v in avals):
            return None
        return ("list", avals)
    _, keys_a, a, masked_a, ordered_a = left
    _, keys_b, b, masked_b, ordered_b = right
    if keys_a == keys_b and not (masked_a or masked_b):
        return None
    if any(v is None for v in a + b):
        return None
    if set(keys_a) == set(keys_b) and not (masked_a or masked_b):
        # the same keys in another order: every key is there, reads by key, len, sum
        # work; only iterating it needs the order, which the condition decides
        return ("dict", list(keys_a), list(a), False, "reordered")
    order = _unified_order(keys_a, keys_b)
    ordered = order is not None and ordered_a and ordered_b
    if order is None:
        order = list(keys_a) + [k for k in keys_b if k not in keys_a]
    known = dict(zip(keys_b, b)) | dict(zip(keys_a, a))
    return ("dict", order, [known[k] for k in order], ordered)


def reordered(plan) -> bool:
    """A plan for a dict whose branches hold the same keys in different orders: its
    structure is every path's, so a loop's carry may hold it too."""
    return plan[0] == "dict" and plan[-1] == "reordered"


def _append_only(value) -> bool:
    """A scan step's list (``runtime/append_only``), not masked yet."""
    from py2lax.runtime.append_only import AppendOnly

    return isinstance(value, AppendOnly)


def _stored(value) -> list:
    """A list's items; a scan step's list refuses reads by the user's code, but its
    structure is what a traced ``if`` masks."""
    return value.stored() if _append_only(value) else list(value)


def _masked_kind(value):
    """The masked list a traced ``if`` makes of ``value``: a scan step's list stays one
    whose reads are refused (``runtime/append_only``)."""
    from py2lax.runtime.append_only import MaskedAppendOnly, is_append_only

    return MaskedAppendOnly if is_append_only(value) else MaskedList


def _is_step_list(value) -> bool:
    """A scan step's list (``runtime/append_only``): its items become stacked arrays,
    so they may be tuples of numbers (``pairs.append((i, v[i]))``)."""
    from py2lax.runtime.append_only import is_append_only

    return is_append_only(value)


def _item_aval(value):
    """A step list item's type: a number's, or a tuple of numbers' (``("tuple", ...)``)."""
    if isinstance(value, tuple):
        avals = tuple(_aval(v) for v in value)
        return None if any(a is None for a in avals) else ("tuple", avals)
    return _aval(value)


def _zero(aval):
    if aval[0] == "tuple":
        return tuple(_zero(a) for a in aval[1])
    shape, dtype = aval
    return jnp.zeros(shape, dtype)


def masked_as(value, plan, name=None):
    """``value`` (a list or dict one branch left, masked or not) in the plan's structure."""
    if plan[0] == "set":
        if isinstance(value, MaskedSet):
            flags = dict(zip(value.elements, value.present))
        else:
            flags = {e: True for e in value}
        return MaskedSet(plan[1], [flags.get(e, False) for e in plan[1]], name)
    if plan[0] == "list":
        avals = plan[1]
        if isinstance(value, MaskedList):
            items, present = list(value.items), list(value.present)
        else:
            items = _stored(value)
            present = [True] * len(items)
        items += [_zero(a) for a in avals[len(items):]]
        present += [False] * (len(avals) - len(present))
        return _masked_kind(value)(items, present, name)
    _, order, avals, ordered = plan[:4]
    if isinstance(value, MaskedDict):
        values, present = value.values_, value.present
    else:
        values, present = value, {k: True for k in value}
    return MaskedDict(order, [values[k] if k in values else _zero(a)
                              for k, a in zip(order, avals)],
                      [present.get(k, False) for k in order], name, ordered)


def refuse_escaping(result, function_name: str) -> None:
    """What the outermost converted function returns, a dict whose every key is there
    as a plain dict (its order a traced ``if`` decided; ``jax.jit`` returns any dict's
    keys sorted); any other masked container in it is refused."""
    result = _plain_where_certain(result, 0)
    found = _find_masked(result, 0)
    if found is not None:
        raise refusal(found, f"returning it from {function_name}")
    return result


def _plain_where_certain(value, depth):
    if isinstance(value, MaskedDict) and all(
            _flag(value.present[k]) is True for k in value.keys_):
        return {k: value.values_[k] for k in value.keys_}
    if depth > 4 or type(value) not in (list, tuple, dict):
        return value
    if isinstance(value, dict):
        children = {k: _plain_where_certain(v, depth + 1) for k, v in value.items()}
        return value if all(children[k] is value[k] for k in value) else children
    children = [_plain_where_certain(v, depth + 1) for v in value]
    if all(a is b for a, b in zip(children, value)):
        return value
    return type(value)(children)


def _find_masked(value, depth):
    if is_masked(value):
        return value
    if depth > 4:
        return None
    if isinstance(value, (list, tuple)):
        children = value
    elif isinstance(value, dict):
        children = list(value.values())
    else:
        return None
    for child in children:
        found = _find_masked(child, depth + 1)
        if found is not None:
            return found
    return None
