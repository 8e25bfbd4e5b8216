"""Changes to Python objects while user code is traced into a lax primitive.

``lax.cond``, ``while_loop``, ``fori_loop`` and ``scan`` call a branch or loop body
*once*, to trace it. Python would run it once per taken branch or iteration, so a body
that changes a Python list, dict, set or object from outside the statement
(``l.pop()``, ``d[k] = v``, ``self.count += 1``, ``ws[0], ws[1] = ws[1], ws[0]``) would
change it once at trace time, and the compiled program would silently ignore it.

So each traced body runs *watched*: the Python containers and objects it can reach
(through its closure, the globals it names, and the user's helper functions and objects
they hold) are snapshotted before the call and compared after it. If something
changed, the change is undone and :class:`PythonEffects` is raised out of the lax
trace. The caller then decides:

* *leaf* changes only (an array or number replaced by another: ``self.total = ...``,
  ``d["k"] = v`` for an existing key, ``l[0] = v``): the changed entries become extra
  carried state of the primitive (:class:`Slots`), and their final values are written
  back into the same objects afterwards, as Python's in-place updates would leave them;
* anything else (a list that grows or shrinks, a new key, a string replaced): a static
  loop runs as Python instead; a traced one is refused with a located error naming the
  object.
"""


from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import inspect
import re
import sys
import threading
import types

import jax
import numpy as np

from py2lax.diagnostics.errors import CarryTypeError, OuterWriteError
from py2lax.runtime.calls import is_package_file, is_user_file
from py2lax.runtime.list_growth import AppendOnly
from py2lax.runtime.masked_containers import is_masked
from py2lax.runtime.attributes import attributes_of
from py2lax.runtime.objects import (forget_class_defaults, is_nested_state, is_plain_object,
                                    original_of)
from py2lax.runtime.layout import Layout, arrays_kept, kept_by_iteration, same_layouts
from py2lax.runtime.holders import (arguments_at_entry, array_places, body_links, contents_kept,
                                    current, kept_linked, link_places, record_kept_contents,
                                    record_kept_views, unified, view_links, views_kept,
                                    writes_through_links)
from py2lax.runtime.python_state import Buffer, Guard, Guards, Holder, Touched
from py2lax.runtime.snapshots import (OPAQUE, ArrayContents, Binding, Entry, LongContents,
                                      RandomState, Snapshot, child_path, is_dynamic,
                                      same_contents, snapshot_of)
from py2lax.runtime.undefined import Undefined
from py2lax.runtime.values import is_traced


class PythonEffects(Exception):
    """Raised out of a lax trace when the traced body changed reachable Python objects.

    The changes are already undone; ``entries`` say what changed, ``snapshot`` holds the
    state from before the call.
    """

    def __init__(self, entries: list[Entry]):
        super().__init__(", ".join(entry.path for entry in entries))
        self.entries = entries

    def slots(self) -> "Slots | None":
        """The changed entries as carried slots, or None if a change is structural."""
        slots = []
        for entry in self.entries:
            changed = entry.leaf_changes()
            if changed is None:
                return None
            slots += [(entry.obj, key, label) for key, label in changed]
        return Slots(slots)

    def first_structural(self) -> Entry:
        for entry in self.entries:
            if entry.leaf_changes() is None:
                return entry
        return self.entries[0]


class _Watched:
    """A traced body that raises :class:`PythonEffects` when a call changes reachable
    Python objects (apart from the carried ``slots``), with the change undone.

    What it watches: what the body's closure, globals and helpers reach, and the Python
    objects among its arguments (a ``Counter``, a ``deque`` or a shared child object
    passed through a carried list: lax hands such leaves to the body as they are).
    Opaque objects (generators, ``itertools``) are guarded instead (see python_state).

    ``paused`` calls run as Python (a loop's first iteration run eagerly): their
    effects are Python's own.
    """

    def __init__(self, function, slots: "Slots", info, skip: int = 0, names=(),
                 layout=None, out_names=(), returns_carry=False):
        self.function, self.slots = function, slots
        self.skip, self.names, self.out_names = skip, tuple(names), tuple(out_names)
        self.layout, self.returns_carry = layout, returns_carry  # see py2lax.runtime.layout
        self.after: Layout | None = None  # the layout of the last traced call's results
        self.after_arrays: set | None = None  # places its results hold as one JAX array
        self.kept: dict | None = None  # see holders.contents_kept (the last traced call)
        self.kept_views: list | None = None  # see holders.views_kept (the last traced call)
        self.__wrapped__ = function
        self.__py2lax_info__ = info
        self.paused = 0

    def __call__(self, *arguments):
        if self.paused:  # (a loop's iteration run as Python: still a loop's body)
            loop = _is_loop_body(self.__py2lax_info__)
            _WATCHING.loops += loop
            try:
                result = self.function(*arguments)
            finally:
                _WATCHING.loops -= loop
            if self.returns_carry and self.layout is not None:  # a peeled iteration
                self.layout.entry = Layout(tuple(result), self.out_names)
                self.layout.arrays = _shared_arrays(tuple(result), self.out_names)
                self.layout.values = tuple(result)
            return result
        head, state = arguments[:self.skip], list(arguments[self.skip:])
        if self.layout is not None:
            state = list(self.layout.entry.apply(state, self.names))
        snapshot = Snapshot([self.function])
        for value, path, holder in _python_leaves(state, self.names):
            snapshot.add(value, path, holder)
        guards = snapshot.guard()
        links = self.layout.arrays if self.layout is not None else ()
        copies = _working_copies(state, self.names) if self.returns_carry else []
        try:
            entry = self.layout.values if self.layout is not None else None
            with body_links(links, state, self.names, entry) as used_links:
                views = view_links(entry, state, self.names) if entry is not None else []
                writes_before = writes_through_links()
                at_entry = arguments_at_entry(entry, state, self.names) if (
                    entry is not None and self.returns_carry) else {}
                loop = _is_loop_body(self.__py2lax_info__)
                _WATCHING.depth += 1
                _WATCHING.loops += loop
                _WATCHING.enclosing.append(self)
                try:
                    result = self.function(*head, *state)
                finally:
                    _WATCHING.enclosing.pop()
                    _WATCHING.depth -= 1
                    _WATCHING.loops -= loop
                if self.returns_carry and isinstance(result, (tuple, list)):
                    if self.layout is not None and writes_through_links() > writes_before:
                        # (read while the body's links hold; only a write through a link
                        # makes its places one array: `best = x` then `x = y` parts them)
                        result = type(result)(unified(tuple(result), self.out_names))
                    # every branch says which places it leaves as one array, so that a
                    # link one branch makes is not kept where the other did not make it
                    self.after_arrays = _shared_arrays(tuple(result), self.out_names)
                    if entry is not None:
                        self.kept = contents_kept(entry, at_entry, self.names,
                                                  tuple(result), self.out_names)
                        self.kept_views = views_kept(views, state, self.names, tuple(result),
                                                     self.out_names)
        except Touched as touched:
            guards.remove()
            snapshot.restore()
            if not guards.owns(touched.guard):
                raise  # an outer watcher's guard
            target = guards.original(touched.guard)
            raise PythonEffects([snapshot.entry_of(target)]) from None
        except BaseException:
            guards.remove()
            snapshot.restore()  # a branch that stopped at a `raise` changed nothing yet
            raise
        guards.remove()
        result = _without_guards(result, guards)
        if self.returns_carry and self.__py2lax_info__.kind in ("if", "ternary"):
            # (an expression's value is always a read: `k if x > 0 else 0.0`)
            _copied_unbound(result, self.out_names,
                            every=self.__py2lax_info__.kind == "ternary")
        dropped = _dropped_changes(copies, result)
        if self.__py2lax_info__.kind not in ("if", "ternary"):
            # an object no other name reaches: its lost change is seen by no one
            dropped = [entry for entry in dropped
                       if entry.path not in self.__py2lax_info__.held_by_one_name]
            if dropped:
                snapshot.restore()
                raise _dropped_in_loop_error(dropped[0], self.__py2lax_info__)
        changed = [entry for entry in snapshot.changes() + dropped
                   if not self.slots.covers(entry)]
        if changed:
            snapshot.restore()
            raise PythonEffects(changed)
        if self.returns_carry and self.layout is not None:
            self._check_layout(tuple(result))
            self._check_links(tuple(result), used_links)
        return result

    def _check_links(self, result: tuple, used_links: list) -> None:
        """See :mod:`py2lax.runtime.holders`: a loop body that wrote through
        one holder of a shared array must keep the holders one array."""
        if self.__py2lax_info__.kind not in ("if", "ternary"):
            kept_linked(used_links, self.after_arrays or [], self.__py2lax_info__)

    def _check_layout(self, result: tuple) -> None:
        info = self.__py2lax_info__
        entry = self.layout.entry
        self.after = Layout(result, self.out_names)
        arrays_kept(entry, result, self.out_names, info)
        if info.kind not in ("if", "ternary"):
            kept_by_iteration(entry, self.after, info)


def _copied_unbound(result, names, every: bool = False) -> None:
    """A branch that gives a variable the marker of another, unbound one (``y = i`` after
    ``for i in range(0)``) read that variable: Python raises UnboundLocalError there, if
    the branch runs. The marker's own error says so (and a branch that raises is made to
    raise only when it runs, see runtime/raising_branches), instead of a refusal blaming
    ``y`` for being assigned in one branch only."""
    if not isinstance(result, (tuple, list)):
        return
    for index, value in enumerate(result):
        if isinstance(value, Undefined) and not value.fill and (every or (
                index < len(names) and names[index] != value.name
                and not names[index].startswith("<"))):
            value._fail()


def _working_copies(state: list, names) -> list[Entry]:
    """An entry for each carried object's working copy among a body's arguments (see
    ``runtime/objects.py``), naming the object the statement received, with what the
    copy holds now."""
    found = []
    for index, value in enumerate(state):
        original = original_of(value)
        if original is None:
            continue
        name = names[index] if index < len(names) else f"#{index}"
        found.append((value, Entry(name, original, snapshot_of(value))))
    return found


def _dropped_changes(copies: list, result) -> list[Entry]:
    """The objects a body changed and then let go of (``bump(c)`` then ``c = Counter()``
    in a branch): the working copy that holds the change is in none of the body's
    results, so writing the results back would lose it, while ``d = c`` from before
    the statement still holds the object. Their changed attributes are carried as extra
    state (:class:`Slots`, written into the working copy while the body runs), so the
    object ends as Python leaves it."""
    if not copies:
        return []
    kept = set()

    def walk(value, depth):
        if depth > 3 or id(value) in kept:
            return
        kept.add(id(value))
        if isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif is_plain_object(value):
            for item in vars(value).values() if hasattr(value, "__dict__") else ():
                walk(item, depth + 1)

    walk(result, 0)
    dropped = []
    for copy, entry in copies:
        if id(copy) in kept:
            continue
        now = snapshot_of(copy)
        if not same_contents(now, entry.saved):
            dropped.append(Entry(entry.path, entry.obj, entry.saved, now))
    return dropped


def _dropped_in_loop_error(entry: Entry, info) -> CarryTypeError:
    name = entry.path
    return CarryTypeError(
        f"the object {name!r} holds when an iteration of this traced `{info.kind}` loop "
        f"starts is changed in the body, and then {name!r} is given another object",
        location=info.location, names=(name,),
        rule="Python changes the object itself, which every other name holding it sees; "
        "a compiled loop is traced once, so it cannot change the object the loop started "
        "with in the first iteration and a different object in each later one.",
        fix=f"make the change before the loop, or keep {name!r} one object (assign its "
        f"attributes, `{name}.n = 0`, instead of giving it a new object), or copy it "
        f"first (`{name} = copy.copy({name})`) if nothing else should see the change.",
    )


class _EntryLayout:
    """The layout the statement's traced calls receive (updated by a peeled iteration)."""

    def __init__(self, layout: Layout, arrays: list, values: tuple):
        self.entry = layout
        self.arrays = arrays  # places holding one JAX array (py2lax.runtime.holders)
        self.values = values  # the values themselves


def _shared_arrays(values: tuple, names) -> list:
    return [tuple(paths) for paths in array_places(values, names).values()]


def _link_results(wrapped, entry_arrays: list, result: tuple, names, info) -> None:
    """Link the primitive's results at the places that hold one array on every path:
    in every traced branch, or at the loop's entry and after its body."""
    afters = [w.after_arrays for w in wrapped if w.returns_carry and w.after_arrays is not None]
    if not afters:
        return
    common = {frozenset(group) for group in afters[0]}
    for other in afters[1:]:
        common &= {frozenset(group) for group in other}
    if info.kind not in ("if", "ternary"):
        common &= {frozenset(group) for group in entry_arrays}
    link_places([tuple(group) for group in common], list(result), names)


def _names(names, count: int, what: str) -> tuple:
    """Names for a statement's values; placeholders that never match another statement
    side's names when the facts are missing."""
    names = tuple(names)
    return names + tuple(f"<{what} {i}>" for i in range(len(names), count))


def _result_layout(wrapped, result: tuple, names, info) -> tuple:
    """The primitive's ``result`` in the layout its branches (or iterations) gave it."""
    afters = [w.after for w in wrapped if w.returns_carry and w.after is not None]
    if not afters:
        return result
    if info.kind in ("if", "ternary") and len(afters) == 2:
        # (a dict the statement gives as a masked one keeps no Python order to check:
        # iterating it is refused, see runtime/masked_containers)
        masked = {(n,) for n, v in zip(_names(names, len(result), "result"), result)
                  if is_masked(v)}
        same_layouts(afters[0], afters[1], info, ("true branch", "false branch"), masked)
    return afters[-1].apply(result, names)


def _python_leaves(values: list, names):
    """``(object, path, place)`` for each Python object among a body's arguments that is
    not an array, a number or a container lax rebuilt (those are fresh copies the body
    may change: they are its carried state)."""
    found = []

    def walk(value, path, holder, top):
        if type(value) in (list, dict, collections.OrderedDict, collections.defaultdict):
            items = enumerate(value) if isinstance(value, list) else list(value.items())
            for key, item in items:
                walk(item, child_path(path, value, key), Holder(value, key), False)
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]", None, False)
        elif is_dynamic(value) or value is None or isinstance(
                value, (str, bytes, Undefined, Guard, AppendOnly)):
            return  # AppendOnly: a list a scan step appends to (list_growth), never read
        elif top and _is_working_copy(value):
            # a carried object's working copy (objects.py): its carried attributes are
            # changed on purpose; the others it shares with the original object
            for name, item in _shared_attributes(value):
                found.append((item, f"{path}.{name}", None))
        elif not _is_leaf(value):
            for index, leaf in enumerate(jax.tree_util.tree_leaves(value)):
                walk(leaf, f"{path}<{index}>", None, False)
        else:
            found.append((value, path, holder))

    for index, value in enumerate(values):
        name = names[index] if index < len(names) else f"#{index}"
        walk(value, name, Holder(values, index), True)
    return found


def _is_working_copy(value) -> bool:
    return is_plain_object(value)


def _shared_attributes(copy) -> list:
    """The ``(name, value)`` attributes a working copy shares with its original object:
    those its ``ObjectState`` keeps as static data (a list of objects, ``model.layers``),
    and, within its nested working copies, theirs. A body that changes what they reach
    (``m.top.mids[0].leaf.val = v``) changes the original at trace time, so they are
    watched like any other Python object the body can reach."""
    shared = []
    for name, item in attributes_of(copy).items():
        if is_plain_object(item):
            shared += [(f"{name}.{inner}", value) for inner, value in _shared_attributes(item)]
        elif not (is_dynamic(item) or is_nested_state(item)):
            shared.append((name, item))
    return shared


def _is_leaf(value) -> bool:
    leaves = jax.tree_util.tree_leaves(value)
    return len(leaves) == 1 and leaves[0] is value


def _without_guards(result, guards: Guards):
    """``result`` with any guard a body returned (a carried iterator it left alone) back
    as the object it stands for."""
    if not guards.guards:
        return result
    leaves = jax.tree_util.tree_leaves(result)
    if not any(isinstance(leaf, Guard) for leaf in leaves):
        return result
    return jax.tree_util.tree_map(guards.original, result)


def run_as_python(function, *arguments):
    """Call ``function`` eagerly: the watched bodies inside it let their effects happen."""
    watchers, inner = [], function
    while inner is not None:
        if isinstance(inner, _Watched):
            watchers.append(inner)
        inner = getattr(inner, "__wrapped__", None)
    for watcher in watchers:
        watcher.paused += 1
    try:
        return tuple(function(*arguments))
    finally:
        for watcher in watchers:
            watcher.paused -= 1


class Slots:
    """Entries of Python objects carried through a lax primitive as extra state.

    ``values()`` reads them (the carried state), ``write(values)`` assigns them: each
    branch or iteration starts from the carried values, and the primitive's results
    are written back at the end, so the objects end as Python would leave them.
    """

    def __init__(self, slots: list[tuple[object, object, str]]):
        self.slots = slots

    def __len__(self) -> int:
        return len(self.slots)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for _, _, label in self.slots)

    def values(self, live=None) -> tuple:
        live = live or {}
        return tuple(_get(live.get(id(obj), obj), key) for obj, key, _ in self.slots)

    def write(self, values, live=None) -> None:
        live = live or {}
        for (obj, key, _), value in zip(self.slots, values):
            _set(live.get(id(obj), obj), key, value)

    def extended(self, other: "Slots") -> "Slots":
        known = {(id(obj), key) for obj, key, _ in self.slots}
        return Slots(self.slots + [s for s in other.slots if (id(s[0]), s[1]) not in known])

    def covers(self, entry: Entry) -> bool:
        """Whether every change to ``entry`` is to one of these slots."""
        changed = entry.leaf_changes()
        keys = {key for obj, key, _ in self.slots if obj is entry.obj}
        return changed is not None and all(key in keys for key, _ in changed)

    def around(self, function, skip: int, returns_carry: bool = True):
        """``function`` taking (and, if ``returns_carry``, returning) this state before its
        own carried values.

        The first ``skip`` arguments (an index or item) are passed as they are; the
        state comes first in the carried tuple (a loop's break flag must stay last).
        """
        if not self.slots:
            return function
        count = len(self.slots)

        def call(*arguments):
            head, rest = arguments[:skip], arguments[skip:]
            # a slot of an object the body gets a working copy of is the copy's (see
            # _dropped_changes): the body changes the copy
            live = {id(original): copy for copy, original in
                    ((v, original_of(v)) for v in rest[count:]) if original is not None}
            self.write(rest[:count], live)
            result = function(*head, *rest[count:])
            return self.values(live) + tuple(result) if returns_carry else result

        call.__wrapped__ = function
        return call


_MAX_ROUNDS = 4  # each round may find more objects to carry


class _Watching(threading.local):
    """How many watched bodies (branches, loop bodies being traced) are running, how
    many of them are loop bodies, and the running ones, innermost last."""

    depth = 0
    loops = 0
    probing = False  # see outside_every_loop

    def __init__(self):
        self.enclosing: list = []  # the _Watched bodies running now


def in_a_traced_loop(function):
    """``function`` (which lowers a loop into lax), counted as a loop body being traced
    while it runs: what it runs of the body as Python (a peeled first iteration) too."""
    @functools.wraps(function)
    def run(*arguments, **options):
        _WATCHING.loops += 1
        try:
            return function(*arguments, **options)
        finally:
            _WATCHING.loops -= 1

    return run


@contextlib.contextmanager
def unrolled_as_python():
    """The loop being lowered (counted by :func:`in_a_traced_loop`) runs every iteration
    as Python instead: no compiled step follows them, so a list whose length a traced
    `if` in one iteration decided (a masked list) may pass to the next, as between two
    statements. An enclosing compiled loop still counts."""
    _WATCHING.loops -= 1
    try:
        yield
    finally:
        _WATCHING.loops += 1


@contextlib.contextmanager
def outside_every_loop():
    """A throwaway trace of one iteration, whose results are only looked at: no loop
    being lowered counts (a list a traced `if` in it grows is masked, not refused)."""
    saved, _WATCHING.probing = _WATCHING.probing, True
    try:
        yield
    finally:
        _WATCHING.probing = saved


def inside_a_traced_statement() -> bool:
    """Whether a traced ``if``'s branch or a lax loop's body is being traced: its Python
    side effects (a ``print``) must happen only where and as often as it runs."""
    return _WATCHING.depth > 0 or _WATCHING.loops > 0


def inside_a_traced_loop() -> bool:
    """Whether a lax loop's body is being traced (a list whose length a traced `if`
    decided cannot leave its iteration: runtime/masked_containers)."""
    return _WATCHING.loops > 0 and not _WATCHING.probing


_WATCHING = _Watching()


_FOR_THE_ENCLOSING_BRANCH = object()  # see _whole_container_slots


def _whole_container_slots(effects, functions) -> "Slots | None":
    """The changes as slots, a structurally changed list or dict as the closure cell that
    alone holds it (``L`` of the function around a traced ``if``); None if one cannot.

    Inside another traced branch, the cell is carried only if that branch carries it
    too: the inner ``if`` gives the variable another object (a masked list), which only
    the enclosing branch's results take out of its trace. If the enclosing branch is an
    ``if`` that does not carry it yet, ``_FOR_THE_ENCLOSING_BRANCH``: the effects are
    raised out of it, so that it carries the cell and traces again; in a loop body,
    None (the loop refuses, located)."""
    slots = []
    for entry in effects.entries:
        changed = entry.leaf_changes()
        if changed is not None:
            slots += [(entry.obj, key, label) for key, label in changed]
            continue
        cell = _only_cell(entry.obj, functions)
        if cell is None:
            return None
        if _WATCHING.depth and not _carried_by_enclosing(cell):
            if _WATCHING.enclosing and _WATCHING.enclosing[-1].__py2lax_info__.kind == "if":
                return _FOR_THE_ENCLOSING_BRANCH
            return None
        slots.append((cell, "cell_contents", entry.path))
    return Slots(slots)


def _carried_by_enclosing(cell) -> bool:
    """Whether the innermost running watched branch carries ``cell`` as a slot."""
    if not _WATCHING.enclosing:
        return False
    return any(obj is cell and key == "cell_contents"
               for obj, key, _ in _WATCHING.enclosing[-1].slots.slots)


def _only_cell(obj, functions):
    """The one closure cell of ``functions`` holding ``obj``, if nothing but that cell
    (and py2lax's own frames and records) refers to it; else None."""
    if type(obj) not in (list, dict, set) and not is_masked(obj):
        return None
    cells, seen = [], set()
    todo = list(functions)
    while todo:
        function = todo.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        for cell in getattr(function, "__closure__", None) or ():
            try:
                if cell.cell_contents is obj and not any(c is cell for c in cells):
                    cells.append(cell)
            except ValueError:
                continue
        for inner in (getattr(function, "__wrapped__", None), getattr(function, "function", None)):
            if inner is not None:
                todo.append(inner)
    if len(cells) != 1:
        return None
    return cells[0] if held_by_one_variable(obj, skip=(cells[0], cells)) else None


_LOWERED_FUNCTION = re.compile(r"(if_true|if_false|loop_body|loop_cond)_\d+(_\d+)*")


def _user_frame_names(obj, snapshots=None) -> int:
    """How many variables of the user's functions running now hold ``obj`` (their
    ``f_locals`` dicts, which hold it too, are added to ``snapshots``). A branch or loop
    body py2lax wrote that holds it under the name the function around it holds it by
    is that one variable, handed down (``hist`` in a cond nested in another)."""
    names = 0
    handed_down: set[str] = set()  # names held by lowered functions inside this frame
    frame = sys._getframe(2)
    while frame is not None:
        if is_user_file(frame.f_code.co_filename):
            local = frame.f_locals  # (a free variable is counted in its owner's frame)
            held = {name for name in (*frame.f_code.co_varnames, *frame.f_code.co_cellvars)
                    if name in local and local[name] is obj}
            if _LOWERED_FUNCTION.fullmatch(frame.f_code.co_name):
                handed_down |= held
            else:
                names += len(held | handed_down)
                handed_down = set()
            if snapshots is not None:
                snapshots.append(local)
            del local
        frame = frame.f_back
    return names + len(handed_down)


def held_by_one_variable(obj, skip=()) -> bool:
    """Whether at most one variable of the user's running functions, and no other
    object, container or closure of the user's, holds ``obj`` (py2lax's own records and
    frames aside): a change no statement carries out is then seen by no one once that
    variable is dead, and the variable may be given a new object."""
    import gc

    snapshots: list = []
    if _user_frame_names(obj, snapshots) > 1:
        return False
    skip = (*skip, *snapshots)
    referrers = gc.get_referrers(obj)
    for referrer in referrers:
        if any(referrer is s for s in skip):
            continue
        if isinstance(referrer, types.FrameType):
            if is_user_file(referrer.f_code.co_filename):
                return False  # another variable of the user's holds it
            continue
        if isinstance(referrer, (types.CellType, dict, tuple)) and not [
                o for o in gc.get_referrers(referrer)
                if o is not referrers and not any(o is s for s in skip)]:
            continue  # a running function's variable (or its f_locals): counted above
        if isinstance(referrer, (Entry, Snapshot)) or type(referrer).__module__.startswith(
                "py2lax."):
            continue
        if isinstance(referrer, tuple) and any(
                type(o).__module__.startswith("py2lax.") for o in gc.get_referrers(referrer)
        ) and not _user_frame_names(referrer):
            continue  # the carried values of a statement py2lax is running
        if isinstance(referrer, (types.CellType, dict, tuple, list)) and _reached_only_by_py2lax(
                referrer, (*skip, referrers)):
            continue  # the operands of a statement py2lax is running (a cond in a cond)
        return False  # a container, object or closure of the user's holds it too
    return True


def _reached_only_by_py2lax(container, skip, depth: int = 4) -> bool:
    """Whether ``container`` (a cell, dict, tuple or list that holds the object) is
    reached only from py2lax's own running code: its frames, functions, generators and
    records, through at most ``depth`` more containers. A user's frame, function or
    object on the way, or a chain longer than that, says no. (No generator expression
    here: one would put the object examined in a cell of this frame, a new holder.)"""
    import gc

    if depth == 0:
        return False
    holders = gc.get_referrers(container)
    skip = (*skip, holders)
    for holder in holders:
        if _one_of(holder, skip):
            continue
        code = getattr(holder, "f_code", None) or getattr(holder, "gi_code", None) or (
            getattr(holder, "__code__", None) if isinstance(holder, types.FunctionType) else None)
        if code is not None:
            if is_package_file(code.co_filename):
                continue
            return False
        if type(holder).__module__.startswith("py2lax."):
            continue
        if not isinstance(holder, (types.CellType, dict, tuple, list)) or not (
                _reached_only_by_py2lax(holder, skip, depth - 1)):
            return False
    return True


def _one_of(obj, objects) -> bool:
    for known in objects:
        if obj is known:
            return True
    return False


def _is_loop_body(info) -> bool:
    """Whether the watched function is a compiled loop's body or condition (counted by
    ``inside_a_traced_loop``), not a branch of a traced ``if`` or of an unrolled
    iteration."""
    return info.kind not in ("if", "ternary") and not info.unrolled_iteration


def carrying_effects(run, functions, carry, info):
    """``run(functions, carry, info)`` with every function watched (see the module doc).

    ``functions`` holds ``(function, skip, returns_carry)`` triples: how many leading
    arguments are not carried (a loop's index or item) and whether it returns the carry
    (a body) or not (a ``while`` condition). Objects the functions change in place are
    carried as extra state in front of ``carry``, and the run is repeated.
    """
    slots, last = Slots([]), None
    alone: tuple = ()  # labels of whole lists/dicts carried through their only cell
    carry = current(carry)  # an array an earlier write replaced: its newest contents
    for _round in range(_MAX_ROUNDS):
        extended = info if not slots.slots else dataclasses.replace(
            info, carried=slots.labels + tuple(info.carried),
            held_by_one_name=tuple(info.held_by_one_name) + alone)
        names = slots.labels + _names(info.inputs if info.kind == "if" else info.carried,
                                      len(carry), "operand")
        out_names = slots.labels + _names(info.carried, len(carry), "result")
        initial = slots.values()
        layout = _EntryLayout(Layout(initial + tuple(carry), names),
                              _shared_arrays(initial + tuple(carry), names),
                              initial + tuple(carry))
        wrapped = [_Watched(slots.around(f, skip, returns), slots, extended, skip, names,
                            layout, out_names, returns)
                   for f, skip, returns in functions]
        # A round may run an iteration as Python first (a loop whose first iteration
        # defines a variable): what it changed is undone before the next round reruns it.
        before = Snapshot([f for f, _, _ in functions])
        try:
            result = tuple(run(wrapped, initial + tuple(carry), extended))
        except PythonEffects as effects:
            # (its frames, a nested branch's among them, would hold the user's list)
            effects.__traceback__ = effects.__context__ = None
            before.restore()
            slots.write(initial)
            more, last = effects.slots(), effects.entries[0]
            if more is None and info.kind == "if":
                # a list or dict resized in a branch, held by one variable of the
                # function: carried whole (a length the condition decides is masked,
                # runtime/masked_containers), and the variable gets the result
                more = _whole_container_slots(effects, [f for f, _, _ in functions])
                if more is _FOR_THE_ENCLOSING_BRANCH:
                    raise effects  # out of the enclosing branch, which carries it
                if more is not None:
                    alone += tuple(label for obj, key, label in more.slots
                                   if key == "cell_contents")
            if more is None:
                raise effects_error(effects.first_structural(), info) from None
            slots = slots.extended(more)
            continue
        except BaseException:
            slots.write(initial)  # no traced value may stay in the user's objects
            raise
        result = _result_layout(wrapped, result, out_names, info)
        _link_results(wrapped, layout.arrays, result, out_names, info)
        record_kept_contents([w.kept for w in wrapped if w.returns_carry and w.kept is not None],
                             result, out_names)
        record_kept_views([w.kept_views for w in wrapped
                           if w.returns_carry and w.kept_views is not None], result, out_names)
        final = result[:len(slots)]
        slots.write(final)
        if any(is_traced(value) for value in final):
            _TRACED_WRITES.record(slots, initial, info)
        return result[len(slots):]
    raise effects_error(last, info)


def _get(obj, key):
    return obj[key] if isinstance(obj, (list, dict, collections.deque)) else getattr(obj, key)


def _set(obj, key, value) -> None:
    if type(value) is set and isinstance(obj, types.CellType):
        value = set(value)  # a set carried whole: each branch changes its own copy
    if isinstance(obj, (list, dict, collections.deque)):
        obj[key] = value
    else:
        setattr(obj, key, value)


def effects_error(entry: Entry, info, static_fix: bool = True) -> OuterWriteError:
    """The located error for a structural change to ``entry`` inside a traced statement."""
    cached = _cached_properties_filled(entry)
    if cached:
        return _cached_property_error(entry, cached, info)
    kind = _describe_kind(entry.obj)
    where = _where(info)
    return OuterWriteError(
        f"{kind} {entry.path!r} is changed {where}, in a way a compiled program cannot "
        f"carry ({_how(entry)})",
        location=info.location, names=(entry.path,),
        rule="lax traces a branch or loop body once into a program; changes to Python "
        "lists, dicts, sets and objects are not part of that program, so Python's "
        "once-per-iteration (or only-in-the-taken-branch) effects cannot happen.",
        fix=_fix(entry),
    )


def _where(info) -> str:
    """Where the traced statement ``info`` describes runs the change (for messages)."""
    return ("in a branch of this traced `if`" if info.kind in ("if", "ternary")
            else f"inside this traced `{info.kind}` loop")


def _cached_properties_filled(entry: Entry) -> list[str]:
    """The ``functools.cached_property`` names whose cache the statement filled in
    ``entry``'s object (Python stores the first read's value in the object's dict)."""
    if not isinstance(entry.saved, list) or not isinstance(entry.after, list):
        return []
    before = {name for name, _ in entry.saved}
    return [name for name, _ in entry.after if name not in before and isinstance(
        inspect.getattr_static(type(entry.obj), name, None), functools.cached_property)]


def _cached_property_error(entry: Entry, names: list[str], info) -> OuterWriteError:
    """A cached property first read inside a traced statement: Python computes it there
    and stores it in the object only on the paths that read it (the taken branch, a
    loop that runs at least once); a compiled program cannot store it on some paths
    only, and computing it elsewhere would give a later read another value where the
    object changes in between."""
    reads = ", ".join(f"`{entry.path}.{name}`" for name in names)
    where = _where(info)
    return OuterWriteError(
        f"{reads} (a functools.cached_property) is first read {where}, which stores its "
        f"value in {entry.path!r} only where that read runs",
        location=info.location, names=(entry.path,),
        rule="Python computes a cached property at its first read and keeps the value in "
        "the object; a compiled program cannot add it to the object on some paths only.",
        fix=f"read it once before the statement (`{entry.path}.{names[0]}`), so the cache "
        "is filled there and every read inside uses it; or make it a plain `@property` "
        "if computing it again is fine.")


def _fix(entry: Entry) -> str:
    if entry.saved is OPAQUE or isinstance(entry.saved, RandomState):
        return (f"draw the values from {entry.path!r} before the statement (e.g. "
                f"`ws = jnp.array([next({entry.path}) for _ in range(n)])`, then index "
                "`ws[i]` in the loop), use `jax.random` for random numbers, or make the "
                "condition or trip count static so the statement runs as Python.")
    return ("keep the values in arrays instead (e.g. a preallocated `jnp.zeros(n)` "
            "updated with `.at[i].set(v)`, or a count carried as a variable), build the "
            "Python object after the statement, or make the condition or trip count static "
            "so the statement runs as Python.")


def _describe_kind(obj) -> str:
    if isinstance(obj, Binding):
        return f"{obj.kind} variable"
    if isinstance(obj, np.ndarray):
        return "NumPy array"
    if isinstance(obj, list):
        return "list"
    if isinstance(obj, dict):
        return "dict"
    if isinstance(obj, set):
        return "set"
    if isinstance(obj, types.FunctionType):
        return "function"
    return f"{type(obj).__module__.replace('builtins', '')}.{type(obj).__qualname__}".lstrip(
        ".") + " object"


def _how(entry: Entry) -> str:
    before, after = entry.saved, entry.after
    if isinstance(entry.obj, Binding):
        return ("a function it calls assigns it, which a compiled program would do once, "
                "while tracing, whether or not Python would run that call")
    if isinstance(before, ArrayContents):
        return "its values change in place, which a traced value cannot do in NumPy"
    if before is OPAQUE:
        return ("it is an iterator or generator that the body advances (`next`, `send`, a "
                "`for` over it), which a compiled program would do once, while tracing, "
                "and which cannot be carried")
    if isinstance(before, Buffer):
        return "its items change in place, and it cannot hold traced values"
    if isinstance(entry.obj, types.FunctionType):
        return "an attribute of the function changes, which a compiled program would do once"
    if isinstance(before, RandomState):
        return ("it advances (a draw, or `next`), which a compiled program would do once, "
                "while tracing")
    if isinstance(entry.obj, (list, dict, set, collections.deque)):
        sizes = [v if isinstance(v, int) else len(v) for v in (before, after)]
        if sizes[0] != sizes[1]:
            return f"its length changes from {sizes[0]} to {sizes[1]}"
        if isinstance(before, LongContents):
            return f"its items change, and it is too long ({sizes[0]} items) to carry"
        if isinstance(entry.obj, set):
            return "its elements change"
        if isinstance(entry.obj, dict):
            return "its keys or a value that is not an array or number change"
        return "an item becomes a value that is not an array or number"
    return "an attribute is added, removed, or set to a value that is not an array or number"


# -- traced values written into objects that outlive the call --------------------------


class _TracedWrites(threading.local):
    """Objects that received traced values, per outermost converted call.

    Writing a traced result into an object made inside the function is Python's meaning;
    writing it into one that outlives the call (a global, a closure variable, an
    argument) would leave a tracer there after jit returns. The outermost converted call
    checks which case it is when it returns (see :func:`outliving_writes_checked`).
    """

    def __init__(self):
        self.depth = 0
        self.writes: list = []

    def record(self, slots: Slots, initial: tuple, info) -> None:
        if self.depth:
            self.writes.append((slots, initial, info))


_TRACED_WRITES = _TracedWrites()


def outliving_writes_checked(function, arguments: tuple, call):
    """Run ``call()``; if it is the outermost converted call, refuse traced values left in
    objects reachable from ``function``'s globals and closure or from ``arguments``."""
    state = _TRACED_WRITES
    outermost = state.depth == 0
    if outermost:
        state.writes = []
        forget_class_defaults()  # (a class attribute's writes are checked per call)
    state.depth += 1
    try:
        result = call()
        if outermost:  # a list of a traced length has no Python value outside the trace
            from py2lax.runtime.masked_containers import refuse_escaping

            result = refuse_escaping(result, getattr(function, "__qualname__", "the function"))
        return result
    finally:
        state.depth -= 1
        if outermost and state.writes:
            writes, state.writes = state.writes, []
            _refuse_outliving(writes, function, arguments)


def _refuse_outliving(writes, function, arguments) -> None:
    outside = {id(entry.obj) for entry in Snapshot([function], arguments).entries}
    for slots, initial, info in writes:
        for (obj, key, label), value in zip(slots.slots, initial):
            if id(obj) in outside and is_traced(_get(obj, key)):
                slots.write(initial)  # leave the object as it was, without tracers
                raise OuterWriteError(
                    f"{label!r} is assigned inside this traced `{info.kind}`, but it belongs "
                    "to an object that outlives the call, so it would keep a traced value",
                    location=info.location, names=(label,),
                    rule="a traced `if` or loop computes its results inside the compiled "
                    "program; an object reachable from a global, a closure or an argument "
                    "cannot hold them after the call (JAX would later raise "
                    "UnexpectedTracerError).",
                    fix="return the new value and assign it outside the compiled function, "
                    "or create the object inside the function, or make the condition "
                    "static.",
                )
