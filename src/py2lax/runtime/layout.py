"""What lax forgets about carried lists and dicts: key order and shared objects.

lax flattens carried state into arrays and builds it again: every dict comes back with
its keys sorted, and an object reachable at two places (``g = [[0.0] * 2] * 2``,
``both = [p, p]``, ``dict.fromkeys(keys, [0])``, ``[buf, buf]``) comes back as two
separate copies. Python keeps insertion order, and a write through one place shows at
the other. So a :class:`Layout` records, per carried variable, each dict's key order and
which places hold one and the same list, dict or NumPy array; every traced branch or
iteration gets its arguments back in that layout, and the primitive's results get the
layout the branches or iterations gave them.

When the layout itself would depend on a traced value (branches that insert keys in
different orders, or that keep a row shared in one branch only; a loop body that breaks
the sharing it received, or that writes into a shared NumPy array, which as a JAX array
cannot change in place), there is no one Python answer to compile: a located
:class:`~py2lax.diagnostics.errors.CarryTypeError` names the variable and the fix. A
static loop catches it and runs as Python instead.
"""

from __future__ import annotations

import collections

import numpy as np

from py2lax.diagnostics.errors import CarryTypeError

# The containers lax takes apart and builds again (custom pytrees are left alone).
_REBUILT = (list, dict, collections.OrderedDict, collections.defaultdict)
_MAX_DEPTH = 8
_MAX_PLACES = 10_000


class Layout:
    """Key orders and shared places of some values, by path (a name, then keys)."""

    def __init__(self, values, names):
        self.orders: dict[tuple, tuple] = {}
        # the names whose values are containers (a placeholder's value is not yet)
        self.roots = {_name(names, i) for i, value in enumerate(values)
                      if type(value) in _REBUILT or type(value) is tuple}
        places: dict[int, list[tuple]] = {}
        kinds: dict[int, str] = {}
        self._count = 0
        for index, value in enumerate(values):
            self._walk(value, (_name(names, index),), places, kinds, 0, set())
        self.groups: dict[tuple, tuple[tuple, ...]] = {}  # path -> its group's paths
        self.arrays: list[tuple[tuple, ...]] = []  # groups that are one NumPy array
        for key, paths in places.items():
            if len(paths) < 2:
                continue
            group = tuple(paths)
            if kinds[key] == "array":
                self.arrays.append(group)
            else:
                for path in group:
                    self.groups[path] = group

    def _walk(self, value, path, places, kinds, depth, stack) -> None:
        self._count += 1
        if depth > _MAX_DEPTH or self._count > _MAX_PLACES or id(value) in stack:
            return
        if type(value) in _REBUILT or isinstance(value, np.ndarray):
            places.setdefault(id(value), []).append(path)
            kinds[id(value)] = "array" if isinstance(value, np.ndarray) else "container"
        if type(value) in _REBUILT:
            stack = stack | {id(value)}
            if isinstance(value, dict):
                self.orders[path] = tuple(value)
                items = list(value.items())
            else:
                items = list(enumerate(value))
            for key, item in items:
                self._walk(item, path + (key,), places, kinds, depth + 1, stack)
        elif type(value) is tuple:
            for key, item in enumerate(value):
                self._walk(item, path + (key,), places, kinds, depth + 1, stack)

    @property
    def empty(self) -> bool:
        return not (self.groups or self.arrays or any(len(o) > 1 for o in self.orders.values()))

    def shared(self) -> set:
        return {frozenset(group) for group in self.groups.values()}

    def apply(self, values, names) -> tuple:
        """``values`` (as lax rebuilt them: fresh containers) with these key orders and
        these places sharing one object again."""
        if self.empty:
            return tuple(values)
        firsts: dict[tuple, object] = {}
        array_firsts = {path: group[0] for group in self.arrays for path in group[1:]}
        found: dict[tuple, object] = {}

        def fix(value, path, depth):
            group = self.groups.get(path)
            if group is not None and group in firsts:
                return firsts[group]
            if depth <= _MAX_DEPTH and type(value) in _REBUILT:
                if isinstance(value, dict):
                    order = self.orders.get(path)
                    if order is not None and list(value) != list(order) and set(value) == set(order):
                        items = [(key, value[key]) for key in order]
                        value.clear()
                        value.update(items)
                    for key in list(value):
                        value[key] = fix(value[key], path + (key,), depth + 1)
                else:
                    for key in range(len(value)):
                        value[key] = fix(value[key], path + (key,), depth + 1)
            elif depth <= _MAX_DEPTH and type(value) is tuple:
                value = tuple(fix(item, path + (key,), depth + 1)
                              for key, item in enumerate(value))
            elif path in array_firsts and array_firsts[path] in found:
                value = found[array_firsts[path]]  # one NumPy array: the same value
            found[path] = value
            if group is not None:
                firsts[group] = value
            return value

        return tuple(fix(value, (_name(names, index),), 0)
                     for index, value in enumerate(values))


def _name(names, index: int) -> str:
    return names[index] if index < len(names) else f"#{index}"


def shown(path: tuple) -> str:
    """A place as the user writes it: ``ws[0]``, ``hb.a`` (an ``("attribute", name)``
    key is an attribute, as ``runtime/holders.py`` records them)."""
    text = str(path[0])
    for key in path[1:]:
        if isinstance(key, tuple) and len(key) == 2 and key[0] == "attribute":
            text += f".{key[1]}"
        else:
            text += f"[{key!r}]"
    return text


def _at(values, names, path):
    """The value at ``path`` in ``values`` (named by ``names``), or a marker."""
    try:
        value = values[list(names).index(path[0])]
        for key in path[1:]:
            value = value[key]
        return value
    except (ValueError, KeyError, IndexError, TypeError):
        return _MISSING


_MISSING = object()


def arrays_kept(entry: Layout, values, names, info) -> None:
    """The NumPy arrays shared in ``entry`` must still be one value at every place they
    reach in ``values`` (a body's results): a write through one place would otherwise
    be lost at the others."""
    for group in entry.arrays:
        found = [(path, _at(values, names, path)) for path in group]
        found = [(path, value) for path, value in found if value is not _MISSING]
        if len({id(value) for _, value in found}) > 1:
            raise _shared_array_error(info, [path for path, _ in found])


def same_layouts(left: Layout, right: Layout, info, sides, unordered=frozenset()) -> None:
    """Two branches' results must order their dicts (but those at ``unordered`` paths)
    and share their objects alike."""
    for path, order in left.orders.items():
        other = right.orders.get(path)
        if other is not None and other != order and set(other) == set(order) and (
                path not in unordered):
            raise _order_error(info, path, order, other, sides)
    if left.shared() != right.shared():
        difference = next(iter(left.shared() ^ right.shared()))
        in_left = difference in left.shared()
        raise _sharing_error(info, sorted(difference, key=str),
                             sides[0] if in_left else sides[1],
                             sides[1] if in_left else sides[0])


def kept_by_iteration(entry: Layout, after: Layout, info) -> None:
    """A loop body must leave its carried dicts' order and shared objects as it got them."""
    for path, order in entry.orders.items():
        other = after.orders.get(path)
        if other is not None and other != order and set(other) == set(order):
            raise _order_error(info, path, order, other,
                               ("value before the loop", "value after one iteration"))
    kept = {group for group in after.shared()
            if all(path[0] in entry.roots for path in group)}
    if entry.shared() != kept:
        difference = next(iter(entry.shared() ^ kept))
        if difference in entry.shared():
            raise _sharing_error(info, sorted(difference, key=str), "value before the loop",
                                 "value after one iteration")
        raise _sharing_error(info, sorted(difference, key=str), "value after one iteration",
                             "value before the loop")


def _where(info) -> str:
    if info.kind in ("if", "ternary"):
        return f"this traced {info.statement}"
    return f"this traced `{info.kind}` loop"


def _order_error(info, path, order, other, sides) -> CarryTypeError:
    name = shown(path)
    return CarryTypeError(
        f"dict {name!r} has its keys in the order {list(order)} in the {sides[0]} but "
        f"{list(other)} in the {sides[1]} of {_where(info)}",
        location=info.location, names=(str(path[0]),),
        rule="Python keeps a dict's keys in insertion order; a compiled program carries "
        "only the values, so the order cannot depend on a traced condition or change "
        "from one iteration to the next.",
        fix=f"insert the keys in one order on every path (e.g. create them before the "
        f"statement: `{name} = {{k: 0.0 for k in {list(order)!r}}}`, then only assign "
        "values), or build the dict after the statement.",
    )


def _sharing_error(info, paths, shared_side, other_side) -> CarryTypeError:
    where = " and ".join(repr(shown(path)) for path in paths[:3])
    return CarryTypeError(
        f"{where} are one and the same object in the {shared_side} but not in the "
        f"{other_side} of {_where(info)}",
        location=info.location, names=tuple(dict.fromkeys(str(p[0]) for p in paths)),
        rule="in Python a write through one name of a shared list or dict shows through "
        "every other; a compiled program carries values, so which places share an object "
        "cannot depend on a traced condition or change from one iteration to the next.",
        fix="build distinct objects (e.g. `[[0.0] * n for _ in range(m)]` rather than "
        "`[[0.0] * n] * m`, `{k: [0.0] for k in keys}` rather than `dict.fromkeys(keys, "
        "[0.0])`), or keep the sharing on every path.",
    )


def _shared_array_error(info, paths) -> CarryTypeError:
    where = " and ".join(repr(shown(path)) for path in paths[:3])
    return CarryTypeError(
        f"{where} are one and the same NumPy array, and {_where(info)} gives them "
        "different values (a write through one of them)",
        location=info.location, names=tuple(dict.fromkeys(str(p[0]) for p in paths)),
        rule="NumPy changes the array in place, so every place that holds it sees the "
        "write; inside a compiled program the array is a JAX array, which cannot change in "
        "place, so the other places would keep the old values.",
        fix="hold distinct arrays (e.g. `[buf.copy() for _ in range(2)]`), or assign the "
        "new array to every place explicitly (`bufs[1] = bufs[0]`).",
    )
