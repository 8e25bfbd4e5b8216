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

import dataclasses
import pickle
import random
import sys
import threading
import types

import jax
import numpy as np

from py2lax.diagnostics.errors import OuterWriteError
from py2lax.runtime.calls import is_user_code, is_user_file
from py2lax.runtime.undefined import Undefined
from py2lax.runtime.values import is_traced

# How far the search for reachable objects goes, so that watching stays cheap.
_MAX_OBJECTS = 2000       # containers and objects snapshotted per traced body
_MAX_DEPTH = 4            # containers inside containers inside ...
_MAX_FUNCTION_DEPTH = 2   # helper functions reached through helper functions
_MAX_ITEMS = 10_000       # longer containers are compared by length only

_SKIPPED = (type, types.ModuleType, types.BuiltinFunctionType, types.CodeType, str, bytes,
            int, float, complex, bool, type(None), jax.Array, np.ndarray, np.generic, Undefined,
            range, slice, frozenset, type(Ellipsis))


def is_dynamic(value) -> bool:
    """A value lax can carry: an array or a number."""
    return isinstance(value, (jax.Array, np.ndarray, np.generic, int, float, complex))


@dataclasses.dataclass
class _Entry:
    """One container or object, what it held when the snapshot was taken, and (once a
    change is found) what it held then."""

    path: str
    obj: object
    saved: object         # (key, value) pairs, a set, or the length of a long container
    after: object = None

    def changed(self) -> bool:
        now = _snapshot_of(self.obj)
        if _same(now, self.saved):
            return False
        self.after = now
        return True

    def restore(self) -> None:
        obj, saved = self.obj, self.saved
        if isinstance(saved, int):
            return  # too long to restore; only its length was watched
        if isinstance(saved, _ArrayContents):
            obj[...] = saved.values
            return
        if isinstance(saved, _RandomState):
            _set_random_state(obj, saved)
            return
        if isinstance(obj, list):
            obj[:] = [value for _, value in saved]
        elif isinstance(obj, type):  # a class: its data attributes (see _class_data)
            for name, _ in _class_data(obj):
                if name not in dict(saved):
                    delattr(obj, name)
            for name, value in saved:
                setattr(obj, name, value)
        elif isinstance(obj, (dict, set)):
            obj.clear()
            obj.update(saved)
        else:
            attributes = vars(obj)
            attributes.clear()
            attributes.update(saved)

    def leaf_changes(self) -> list[tuple[object, str]] | None:
        """The ``(key, label)`` of each entry replaced by another array or number, or None
        if the change is structural (lengths, keys, or non-array values differ)."""
        now, old = self.after, self.saved
        if not isinstance(now, list) or not isinstance(old, list) or len(now) != len(old):
            return None
        changed = []
        for (key, new), (old_key, previous) in zip(now, old):
            if key != old_key:
                return None
            if new is not previous:
                if not (is_dynamic(new) and is_dynamic(previous)):
                    return None
                changed.append((key, _child_path(self.path, self.obj, key)))
        return changed


class _ArrayContents:
    """A NumPy array's values when the snapshot was taken (NumPy arrays change in place)."""

    def __init__(self, array: np.ndarray):
        self.values = array.copy()

    def __eq__(self, other) -> bool:
        return (isinstance(other, _ArrayContents) and self.values.shape == other.values.shape
                and self.values.dtype == other.values.dtype
                and np.array_equal(self.values, other.values, equal_nan=self.values.dtype.kind
                                   in "fc"))


def _same(now, saved) -> bool:
    if type(now) is not type(saved):
        return False
    if not isinstance(now, list):  # a length, a set, or an array's values
        return now == saved
    return len(now) == len(saved) and all(
        a is b and ka == kb for (ka, a), (kb, b) in zip(now, saved))


def _snapshot_of(obj):
    if isinstance(obj, np.ndarray):
        return _ArrayContents(obj)
    if isinstance(obj, (list, dict, set)) and len(obj) > _MAX_ITEMS:
        return len(obj)
    if isinstance(obj, list):
        return list(enumerate(obj))
    if isinstance(obj, dict):
        return list(obj.items())
    if isinstance(obj, set):
        return set(obj)
    if isinstance(obj, type):
        return _class_data(obj)
    if isinstance(obj, _RANDOM_STATES):
        return _RandomState(obj)
    return list(vars(obj).items())


class _RandomState:
    """Where a Python random generator is in its stream (``rng.normal()`` advances it),
    or an iterator over a sequence (``next(schedule)``)."""

    def __init__(self, generator):
        self.saved = pickle.dumps(_get_random_state(generator))

    def __eq__(self, other) -> bool:
        return isinstance(other, _RandomState) and self.saved == other.saved


def _get_random_state(generator):
    if isinstance(generator, _SEQUENCE_ITERATORS):
        return generator.__reduce__()[2:]  # the position (or nothing, once exhausted)
    if isinstance(generator, np.random.Generator):
        return generator.bit_generator.state
    if isinstance(generator, np.random.RandomState):
        return generator.get_state()
    return generator.getstate()


def _set_random_state(generator, saved: "_RandomState") -> None:
    state = pickle.loads(saved.saved)
    if isinstance(generator, _SEQUENCE_ITERATORS):
        if state:
            generator.__setstate__(state[0])
        return
    if isinstance(generator, np.random.Generator):
        generator.bit_generator.state = state
    elif isinstance(generator, np.random.RandomState):
        generator.set_state(state)
    else:
        generator.setstate(state)


def _class_data(cls: type) -> list:
    """A user class's own data attributes (``Tally.total``): not its methods or dunders."""
    return [(name, value) for name, value in vars(cls).items()
            if not name.startswith("__") and not isinstance(
                value, (types.FunctionType, staticmethod, classmethod, property, type))]


def _is_user_class(value) -> bool:
    module = sys.modules.get(getattr(value, "__module__", None) or "")
    filename = getattr(module, "__file__", None)
    return filename is not None and is_user_file(filename)


# Iterators over lists, tuples and ranges say where they are and can be put back there.
_SEQUENCE_ITERATORS = (type(iter([])), type(iter(())), type(iter(range(0))))
_RANDOM_STATES = (np.random.Generator, np.random.RandomState, random.Random,
                  *_SEQUENCE_ITERATORS)


def _child_path(path: str, obj, key) -> str:
    if isinstance(obj, (list, dict)):
        return f"{path}[{key!r}]"
    return f"{path}.{key}"


def _has_state(value) -> bool:
    """A mutable Python container or NumPy array, or an object whose attributes can be
    assigned."""
    if isinstance(value, (list, dict, set)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype != object and value.size <= _MAX_ITEMS * 10
    if isinstance(value, type):  # class attributes used as state (`Tally.total += 1`)
        return _is_user_class(value)
    if isinstance(value, _RANDOM_STATES):  # each draw advances it
        return True
    if isinstance(value, _SKIPPED) or isinstance(value, types.FunctionType):
        return False
    try:
        attributes = vars(value)
    except TypeError:
        return False
    if not isinstance(attributes, dict):  # a class's mappingproxy
        return False
    leaves = jax.tree_util.tree_leaves(value)
    return len(leaves) == 1 and leaves[0] is value  # registered pytrees are values


class Snapshot:
    """The reachable Python state of some functions (and values), to compare or restore."""

    def __init__(self, functions=(), values=()):
        self.entries: list[_Entry] = []
        self._seen: set[int] = set()
        for function in functions:
            self._function(function, 0)
        for index, value in enumerate(values):
            self._value(value, f"#{index}", 0)

    # -- finding what a function can reach -------------------------------------
    def _function(self, function, depth: int) -> None:
        function = _unwrapped(function)
        if not isinstance(function, types.FunctionType) or id(function) in self._seen:
            return
        self._seen.add(id(function))
        code = function.__code__
        for name, cell in zip(code.co_freevars, function.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            self._root(name, value, depth)
        module_globals = function.__globals__
        for name in _global_names(code):
            if name in module_globals:
                self._root(name, module_globals[name], depth)

    def _root(self, name: str, value, depth: int) -> None:
        if isinstance(value, tuple) and any(callable(item) for item in value):
            for index, item in enumerate(value[:_MAX_ITEMS]):  # e.g. the thunks of `and`
                self._root(f"{name}[{index}]", item, depth)
            return
        if isinstance(value, types.MethodType):
            self._root(name, value.__self__, depth)
            value = value.__func__
        if isinstance(value, types.FunctionType):
            if depth < _MAX_FUNCTION_DEPTH and is_user_code(value):
                self._function(value, depth + 1)
            return
        self._value(value, name, 0)

    def _value(self, value, path: str, depth: int) -> None:
        if len(self.entries) >= _MAX_OBJECTS or depth > _MAX_DEPTH:
            return
        if isinstance(value, tuple):
            for index, item in enumerate(value[:_MAX_ITEMS]):
                self._value(item, f"{path}[{index}]", depth + 1)
            return
        if id(value) in self._seen or not _has_state(value):
            return
        self._seen.add(id(value))
        saved = _snapshot_of(value)
        self.entries.append(_Entry(path, value, saved))
        if not isinstance(saved, list):
            return
        for key, item in saved:
            self._value(item, _child_path(path, value, key), depth + 1)

    # -- comparing ----------------------------------------------------------------
    def changes(self) -> list[_Entry]:
        return [entry for entry in self.entries if entry.changed()]

    def restore(self) -> None:
        for entry in self.entries:
            entry.restore()


def _unwrapped(function):
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    return function


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


class PythonEffects(Exception):
    """Raised out of a lax trace when the traced body changed reachable Python objects.

    The changes are already undone; ``entries`` say what changed, ``snapshot`` holds the
    state from before the call.
    """

    def __init__(self, entries: list[_Entry]):
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

    def first_structural(self) -> _Entry:
        for entry in self.entries:
            if entry.leaf_changes() is None:
                return entry
        return self.entries[0]


class _Watched:
    """A traced body that raises :class:`PythonEffects` when a call changes reachable
    Python objects (apart from the carried ``slots``), with the change undone.

    ``paused`` calls run as Python (a loop's first iteration run eagerly): their
    effects are Python's own.
    """

    def __init__(self, function, slots: "Slots", info):
        self.function, self.slots = function, slots
        self.__wrapped__ = function
        self.__py2lax_info__ = info
        self.paused = 0

    def __call__(self, *arguments):
        if self.paused:
            return self.function(*arguments)
        snapshot = Snapshot([self.function])
        try:
            result = self.function(*arguments)
        except BaseException:
            snapshot.restore()  # a branch that stopped at a `raise` changed nothing yet
            raise
        changed = [entry for entry in snapshot.changes() if not self.slots.covers(entry)]
        if changed:
            snapshot.restore()
            raise PythonEffects(changed)
        return result


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

    def values(self) -> tuple:
        return tuple(_get(obj, key) for obj, key, _ in self.slots)

    def write(self, values) -> None:
        for (obj, key, _), value in zip(self.slots, values):
            _set(obj, key, value)

    def extended(self, other: "Slots") -> "Slots":
        known = {(id(obj), key) for obj, key, _ in self.slots}
        return Slots(self.slots + [s for s in other.slots if (id(s[0]), s[1]) not in known])

    def covers(self, entry: _Entry) -> bool:
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
            self.write(rest[:count])
            result = function(*head, *rest[count:])
            return self.values() + tuple(result) if returns_carry else result

        call.__wrapped__ = function
        return call


_MAX_ROUNDS = 4  # each round may find more objects to carry


def carrying_effects(run, functions, carry, info):
    """``run(functions, carry, info)`` with every function watched (see the module doc).

    ``functions`` holds ``(function, skip, returns_carry)`` triples: how many leading
    arguments are not carried (a loop's index or item) and whether it returns the carry
    (a body) or not (a ``while`` condition). Objects the functions change in place are
    carried as extra state in front of ``carry``, and the run is repeated.
    """
    slots, last = Slots([]), None
    for _round in range(_MAX_ROUNDS):
        extended = info if not slots.slots else dataclasses.replace(
            info, carried=slots.labels + tuple(info.carried))
        wrapped = [_Watched(slots.around(f, skip, returns), slots, extended)
                   for f, skip, returns in functions]
        initial = slots.values()
        # A round may run an iteration as Python first (a loop whose first iteration
        # defines a variable): what it changed is undone before the next round reruns it.
        before = Snapshot([f for f, _, _ in functions])
        try:
            result = tuple(run(wrapped, initial + tuple(carry), extended))
        except PythonEffects as effects:
            before.restore()
            slots.write(initial)
            more, last = effects.slots(), effects.entries[0]
            if more is None:
                raise effects_error(effects.first_structural(), info) from None
            slots = slots.extended(more)
            continue
        except BaseException:
            slots.write(initial)  # no traced value may stay in the user's objects
            raise
        final = result[:len(slots)]
        slots.write(final)
        if any(is_traced(value) for value in final):
            _TRACED_WRITES.record(slots, initial, info)
        return result[len(slots):]
    raise effects_error(last, info)


def _get(obj, key):
    return obj[key] if isinstance(obj, (list, dict)) else getattr(obj, key)


def _set(obj, key, value) -> None:
    if isinstance(obj, (list, dict)):
        obj[key] = value
    else:
        setattr(obj, key, value)


def effects_error(entry: _Entry, info, static_fix: bool = True) -> OuterWriteError:
    """The located error for a structural change to ``entry`` inside a traced statement."""
    kind = _describe_kind(entry.obj)
    where = ("in a branch of this traced `if`" if info.kind in ("if", "ternary")
             else f"inside this traced `{info.kind}` loop")
    return OuterWriteError(
        f"{kind} {entry.path!r} is changed {where}, in a way a compiled program cannot "
        f"carry ({_how(entry)})",
        location=info.location, names=(entry.path,),
        rule="lax traces a branch or loop body once into a program; changes to Python "
        "lists, dicts, sets and objects are not part of that program, so Python's "
        "once-per-iteration (or only-in-the-taken-branch) effects cannot happen.",
        fix="keep the values in arrays instead (e.g. a preallocated `jnp.zeros(n)` "
        "updated with `.at[i].set(v)`, or a count carried as a variable), build the "
        "Python object after the statement, or make the condition or trip count static "
        "so the statement runs as Python.",
    )


def _describe_kind(obj) -> str:
    if isinstance(obj, np.ndarray):
        return "NumPy array"
    if isinstance(obj, list):
        return "list"
    if isinstance(obj, dict):
        return "dict"
    if isinstance(obj, set):
        return "set"
    return f"{type(obj).__name__} object"


def _how(entry: _Entry) -> str:
    before, after = entry.saved, entry.after
    if isinstance(before, _ArrayContents):
        return "its values change in place, which a traced value cannot do in NumPy"
    if isinstance(before, _RandomState):
        return ("it advances (a draw, or `next`), which a compiled program would do once, "
                "while tracing")
    if isinstance(entry.obj, (list, dict, set)):
        sizes = [v if isinstance(v, int) else len(v) for v in (before, after)]
        if sizes[0] != sizes[1]:
            return f"its length changes from {sizes[0]} to {sizes[1]}"
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
    state.depth += 1
    try:
        return call()
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
