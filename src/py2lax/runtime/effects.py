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
import dataclasses
import dis
import enum
import functools
import itertools
import operator
import pickle
import random
import sys
import threading
import types

import jax
import numpy as np

from py2lax.diagnostics.errors import CarryTypeError, OuterWriteError
from py2lax.runtime.calls import is_user_code, is_user_file
from py2lax.runtime.list_growth import AppendOnly
from py2lax.runtime.masked_containers import is_masked
from py2lax.runtime.attributes import (attributes_of, has_attributes, restore_attributes,
                                       slot_names)
from py2lax.runtime.objects import is_nested_state, is_plain_object, original_of
from py2lax.runtime.layout import Layout, arrays_kept, kept_by_iteration, same_layouts
from py2lax.runtime.holders import (arguments_at_entry, array_places, body_links, contents_kept,
                                    current, kept_linked, link_places, record_kept_contents,
                                    record_kept_views, unified, view_links, views_kept,
                                    writes_through_links)
from py2lax.runtime.python_state import (BUFFERS, Buffer, Guard, Guards, Holder, Touched,
                                         is_opaque, module_state)
from py2lax.runtime.undefined import Undefined
from py2lax.runtime.values import is_traced

# How far the search for reachable objects goes, so that watching stays cheap. A change
# past these bounds is not seen, so they are set well beyond what programs reach: a helper
# chain f -> h1 -> h2 -> h3 that appends to a global, a model whose cache sits five
# attributes down, a few thousand particle objects in a list (finder9 h001-h007).
_MAX_OBJECTS = 20_000     # containers and objects snapshotted per traced body
_MAX_DEPTH = 12           # containers inside containers inside ...
_MAX_FUNCTION_DEPTH = 8   # helper functions reached through helper functions
_MAX_ITEMS = 100_000      # longer containers are compared by identity, not walked into
_MAX_ARRAY = 5_000_000    # larger NumPy arrays are not watched (a copy per traced body)

_SKIPPED = (type, types.ModuleType, types.BuiltinFunctionType, types.CodeType, str, bytes,
            int, float, complex, bool, type(None), jax.Array, np.ndarray, np.generic, Undefined,
            range, slice, frozenset, type(Ellipsis))

_PLAIN_VALUES = frozenset({int, float, complex, bool, str, bytes, type(None)})


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
        if self.saved is _OPAQUE:
            return False  # guarded instead: a use raises Touched (see python_state)
        now = _snapshot_of(self.obj)
        if _same(now, self.saved):
            return False
        self.after = now
        return True

    def restore(self) -> None:
        obj, saved = self.obj, self.saved
        if isinstance(obj, _Binding):
            if saved.value is not _UNBOUND:
                obj.holder.put(saved.value)
            return
        if saved is _OPAQUE:
            return  # never changed (guarded instead)
        if isinstance(saved, _LongContents):
            saved.restore(obj)
            return
        if isinstance(saved, Buffer):
            saved.restore(obj)
            return
        if isinstance(obj, types.FunctionType):  # its own attributes (`tick.calls`)
            for name, _ in _function_data(obj):
                if name not in dict(saved):
                    delattr(obj, name)
            for name, value in saved:
                setattr(obj, name, value)
            return
        if isinstance(obj, collections.deque):
            obj.clear()
            obj.extend(value for _, value in saved)
            return
        if isinstance(saved, _ArrayContents):
            obj[...] = saved.values
            return
        if isinstance(saved, _RandomState):
            _set_random_state(obj, saved)
            return
        if isinstance(obj, list):
            obj[:] = [value for _, value in saved]
        elif isinstance(obj, (type, types.ModuleType)):  # its data (see _class_data)
            now = dict(_module_data(obj) if isinstance(obj, types.ModuleType)
                       else _class_data(obj))
            for name in now.keys() - dict(saved).keys():
                delattr(obj, name)
            for name, value in saved:
                if now.get(name, _UNBOUND) is not value:
                    setattr(obj, name, value)
        elif isinstance(obj, dict):
            obj.clear()
            dict.update(obj, saved)  # not Counter.update, which counts the pairs
        elif isinstance(obj, set):
            obj.clear()
            obj.update(saved)
        else:
            attributes = getattr(obj, "__dict__", None)
            if isinstance(attributes, dict) and not slot_names(type(obj)):
                attributes.clear()  # (through a weakref.proxy too)
                attributes.update(saved)
            else:
                restore_attributes(obj, dict(saved))

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


class _Binding:
    """A global or closure variable that a watched function assigns (``global calls;
    calls += 1`` in a helper a traced branch calls): Python rebinds it only when the
    branch runs, a traced branch runs once while tracing, whatever the condition."""

    __slots__ = ("holder", "kind")

    def __init__(self, holder: Holder, kind: str):
        self.holder, self.kind = holder, kind


class _BoundTo:
    """What a :class:`_Binding` held when the snapshot was taken (compared by identity)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other) -> bool:
        return isinstance(other, _BoundTo) and other.value is self.value


_UNBOUND = object()


@functools.lru_cache(maxsize=1024)
def _assigned_names(code: types.CodeType) -> tuple[frozenset, frozenset]:
    """The global names and the free (closure) names ``code`` assigns, nested code too."""
    globals_, cells = set(), set()
    for instruction in dis.get_instructions(code):
        if instruction.opname == "STORE_GLOBAL":
            globals_.add(instruction.argval)
        elif instruction.opname == "STORE_DEREF" and instruction.argval in code.co_freevars:
            cells.add(instruction.argval)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            inner_globals, _ = _assigned_names(constant)
            globals_ |= inner_globals
    return frozenset(globals_), frozenset(cells)


def _snapshot_of(obj):
    if isinstance(obj, _Binding):
        try:
            return _BoundTo(obj.holder.get())
        except (KeyError, ValueError):
            return _BoundTo(_UNBOUND)
    if isinstance(obj, np.ndarray):
        return _ArrayContents(obj)
    if isinstance(obj, (list, dict, set, collections.deque)) and len(obj) > _MAX_ITEMS:
        return _LongContents(obj)
    if isinstance(obj, (list, collections.deque)):
        return list(enumerate(obj))
    if isinstance(obj, BUFFERS):
        return Buffer(obj)
    if isinstance(obj, types.FunctionType):
        return _function_data(obj)
    if isinstance(obj, dict):
        return list(obj.items())
    if isinstance(obj, set):
        return set(obj)
    if isinstance(obj, type):
        return _class_data(obj)
    if isinstance(obj, types.ModuleType):
        return _module_data(obj)
    if isinstance(obj, _RANDOM_STATES):
        return _RandomState(obj)
    return list(attributes_of(obj).items())  # `__slots__` too


class _LongContents:
    """What a container too long to walk into held (more than ``_MAX_ITEMS`` items),
    compared item by item by identity: a traced body's ``big.reverse()`` or ``big[3] = 7``
    is seen, though the objects the items hold are not watched."""

    def __init__(self, container):
        self.pairs = isinstance(container, dict)
        if self.pairs:
            self.items = tuple(itertools.chain.from_iterable(container.items()))
        elif isinstance(container, set):
            self.items = frozenset(container)
        else:
            self.items = tuple(container)

    def __eq__(self, other) -> bool:
        if not isinstance(other, _LongContents) or type(self.items) is not type(other.items):
            return False
        if isinstance(self.items, frozenset):
            return self.items == other.items
        return (self.pairs == other.pairs and len(self.items) == len(other.items)
                and all(map(operator.is_, self.items, other.items)))

    def __len__(self) -> int:
        return len(self.items) // 2 if self.pairs else len(self.items)

    def restore(self, container) -> None:
        container.clear()
        if self.pairs:  # (keys and values, one after the other)
            dict.update(container, zip(self.items[::2], self.items[1::2]))
        elif isinstance(container, set):
            container.update(self.items)
        else:
            container.extend(self.items)


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


class _Opaque:
    """The saved state of an object that cannot be read (see python_state)."""

    def __repr__(self) -> str:
        return "<opaque>"


_OPAQUE = _Opaque()


def _function_data(function) -> list:
    """A function's own data attributes (``tick.calls``), not py2lax's or Python's dunders."""
    return [(name, value) for name, value in vars(function).items()
            if not name.startswith("__")]


def _class_data(cls: type) -> list:
    """A user class's own data attributes (``Tally.total``): not its methods or dunders,
    nor an enum's members (fixed: ``Mode.A = ...`` is refused by the enum)."""
    members = getattr(cls, "__members__", {}) if isinstance(cls, enum.EnumMeta) else {}
    return [(name, value) for name, value in vars(cls).items()
            if not name.startswith("__") and name not in members and not isinstance(
                value, (types.FunctionType, staticmethod, classmethod, property, type))]


def _module_data(module: types.ModuleType) -> list:
    """A user module's own data (``settings.calls``, ``settings.history``): not its
    functions, classes, imported modules or dunders."""
    return [(name, value) for name, value in vars(module).items()
            if not name.startswith("__") and not isinstance(
                value, (types.FunctionType, types.ModuleType, type, types.BuiltinFunctionType))]


def _is_user_module(module: types.ModuleType) -> bool:
    filename = getattr(module, "__file__", None)
    return filename is not None and is_user_file(filename)


def _is_user_class(value) -> bool:
    """A class of the user's own code: its module's file; or a class of a module that was
    run without a place in ``sys.modules`` (``spec.loader.exec_module``, ``exec``), which
    only user code does (a library's modules are imported)."""
    name = getattr(value, "__module__", None) or ""
    module = sys.modules.get(name)
    if module is None:
        return name not in ("", "builtins")
    filename = getattr(module, "__file__", None)
    return filename is not None and is_user_file(filename)


# Iterators over lists, tuples and ranges say where they are and can be put back there.
_SEQUENCE_ITERATORS = (type(iter([])), type(iter(())), type(iter(range(0))))
_RANDOM_STATES = (np.random.Generator, np.random.RandomState, random.Random,
                  *_SEQUENCE_ITERATORS)


def _child_path(path: str, obj, key) -> str:
    if isinstance(obj, (list, dict, collections.deque)):
        return f"{path}[{key!r}]"
    return f"{path}.{key}"


def _has_state(value) -> bool:
    """A mutable Python container or NumPy array, or an object whose attributes can be
    assigned."""
    if isinstance(value, (list, dict, set, collections.deque, *BUFFERS)):
        return True
    if isinstance(value, Guard):  # an outer watcher's: it raises if it is used
        return False
    if isinstance(value, np.ndarray):
        return value.dtype != object and value.size <= _MAX_ARRAY
    if isinstance(value, type):  # class attributes used as state (`Tally.total += 1`)
        return _is_user_class(value)
    if isinstance(value, types.ModuleType):  # a user module's data (`settings.calls`)
        return _is_user_module(value)
    if isinstance(value, _RANDOM_STATES):  # each draw advances it
        return True
    if isinstance(value, _SKIPPED) or isinstance(value, types.FunctionType):
        return False
    if not has_attributes(value):  # in `__dict__` or `__slots__`
        return False
    if is_masked(value):  # a list, dict or set of a traced length: changed in place too
        return True
    return _is_leaf_type(type(value), value)  # registered pytrees are values


_LEAF_TYPES: dict[type, bool] = {}


def _is_leaf_type(cls: type, value) -> bool:
    """Whether objects of ``cls`` are pytree leaves (not a registered pytree node), decided
    once per class: asking JAX for each of thousands of reachable objects made watching a
    body that reaches them slow."""
    known = _LEAF_TYPES.get(cls)
    if known is None:
        leaves = jax.tree_util.tree_leaves(value)
        known = _LEAF_TYPES[cls] = len(leaves) == 1 and leaves[0] is value
    return known


class Snapshot:
    """The reachable Python state of some functions (and values), to compare or restore.

    Opaque objects (generators, ``itertools`` iterators: see python_state) cannot be
    snapshotted; ``places`` records every writable place that holds one, so that
    :meth:`guard` can swap guards in while a body is traced.
    """

    def __init__(self, functions=(), values=(), names=None):
        self.entries: list[_Entry] = []
        self.places: list[tuple[Holder, str, object]] = []
        self._seen: set[int] = set()
        self._bindings: set[tuple[int, str]] = set()
        self._own_cells: set[int] = set()
        for function in functions:
            self._function(function, 0)
        if self._own_cells:  # a variable of the function itself: the body carries it
            self.entries = [e for e in self.entries if not (
                isinstance(e.obj, _Binding) and id(e.obj.holder.container) in self._own_cells)]
        holder = values if isinstance(values, list) else None
        for index, value in enumerate(values):
            name = names[index] if names and index < len(names) else f"#{index}"
            self._value(value, name, 0,
                        Holder(holder, index) if holder is not None else None)

    # -- finding what a function can reach -------------------------------------
    def _function(self, function, depth: int) -> None:
        # A decorator's wrapper (`functools.wraps`) has state of its own (a call count
        # in its closure) besides the function it wraps: both are followed.
        while function is not None:
            if isinstance(function, functools.partial):
                self._root("partial", function.func, depth)
                self._value(function.args, "partial", 1, None)
                function = None
                continue
            inner = getattr(function, "__wrapped__", None)
            if (isinstance(function, types.FunctionType) and id(function) not in self._seen
                    and (inner is None or is_user_code(function))):  # not py2lax's wrappers
                self._seen.add(id(function))
                self._one_function(function, depth)
            function = inner

    def _one_function(self, function, depth: int) -> None:
        if _function_data(function) and is_user_code(function):  # `tick.calls += 1`
            self.entries.append(_Entry(function.__name__, function, _function_data(function)))
        code = function.__code__
        assigned_globals, assigned_cells = _assigned_names(code) if depth else ((), ())
        if not depth:
            self._own_cells |= {id(cell) for cell in function.__closure__ or ()}
        for name, cell in zip(code.co_freevars, function.__closure__ or ()):
            if name in assigned_cells:  # a helper's `nonlocal n; n += 1`
                self._binding(name, Holder(cell, None), "nonlocal")
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            self._root(name, value, depth, Holder(cell, None))
        self._defaults(function)
        module_globals = function.__globals__
        if "globals" in code.co_names and "globals" not in module_globals:
            self._module_namespace(module_globals)  # `globals()["COUNT"] += 1`
        for name in assigned_globals:  # a helper's `global calls; calls += 1`
            self._binding(name, Holder(module_globals, name), "global")
        for name in _global_names(code):
            if name in module_globals:
                self._root(name, module_globals[name], depth, Holder(module_globals, name))

    def _defaults(self, function) -> None:
        """A function's default values are state it keeps between calls (``def
        helper(x, cache=[])``, ``lambda v, s=store: s.append(v)``): a call in a traced
        branch that changes one changes it once per trace, not once per taken branch."""
        name = function.__name__
        for index, value in enumerate(function.__defaults__ or ()):
            self._value(value, f"{name}.__defaults__[{index}]", 1, None)
        for key, value in (function.__kwdefaults__ or {}).items():
            self._value(value, f"{name}.__kwdefaults__[{key!r}]", 1,
                        Holder(function.__kwdefaults__, key))

    def _module_namespace(self, namespace: dict) -> None:
        """The module whose globals ``namespace`` is, watched as a whole: code that reads
        ``globals()`` can change any of them."""
        module = sys.modules.get(namespace.get("__name__", ""))
        if module is not None and vars(module) is namespace:
            self._value(module, "globals()", 0, None)

    def _binding(self, name: str, holder: Holder, kind: str) -> None:
        key = (id(holder.container), name)
        if key in self._bindings or len(self.entries) >= _MAX_OBJECTS:
            return
        self._bindings.add(key)
        binding = _Binding(holder, kind)
        self.entries.append(_Entry(name, binding, _snapshot_of(binding)))

    def _root(self, name: str, value, depth: int, holder=None) -> None:
        if isinstance(value, tuple) and any(callable(item) for item in value):
            for index, item in enumerate(value[:_MAX_ITEMS]):  # e.g. the thunks of `and`
                self._root(f"{name}[{index}]", item, depth)
            return
        if isinstance(value, types.ModuleType):  # `np.random.rand()` draws from a global
            state = module_state(value)
            if state is not None:
                self._value(state[0], state[1], 0, None)
            elif _is_user_module(value):  # `import settings; settings.calls += 1`
                self._value(value, name, 0, holder)
            return
        if isinstance(value, types.BuiltinMethodType):  # `rng.normal`, `random.random`
            owner = getattr(value, "__self__", None)
            if isinstance(owner, types.ModuleType):
                self._root(name, owner, depth)
            elif owner is not None and _has_state(owner):
                self._value(owner, name, 0, None)
            return
        if isinstance(value, types.MethodType):
            self._root(name, value.__self__, depth)
            value = value.__func__
        if isinstance(value, (types.FunctionType, functools.partial)):
            if depth < _MAX_FUNCTION_DEPTH and (isinstance(value, functools.partial)
                                                or is_user_code(value)):
                self._function(value, depth + 1)
            return
        self._value(value, name, 0, holder)

    def _value(self, value, path: str, depth: int, holder=None) -> None:
        if len(self.entries) >= _MAX_OBJECTS or depth > _MAX_DEPTH:
            return
        if isinstance(value, tuple):
            for index, item in enumerate(value[:_MAX_ITEMS]):
                self._value(item, f"{path}[{index}]", depth + 1, None)
            return
        if isinstance(value, (types.MethodType, types.FunctionType, functools.partial)):
            # a handler kept in a container or attribute (`{"put": sink.put}`): what a
            # call of it can change is reachable too
            self._root(path, value, 1)
            return
        if is_opaque(value):
            if holder is not None:
                self.places.append((holder, path, value))
            if id(value) not in self._seen:
                self._seen.add(id(value))
                self.entries.append(_Entry(path, value, _OPAQUE))
            return
        if id(value) in self._seen or not _has_state(value):
            return
        self._seen.add(id(value))
        saved = _snapshot_of(value)
        self.entries.append(_Entry(path, value, saved))
        cls = type(value)
        if not isinstance(value, type) and cls.__module__ != "builtins" and _is_user_class(cls):
            # its methods may change the class's own data (`Meter.reads += 1`)
            self._value(cls, cls.__name__, depth + 1, None)
        if not isinstance(saved, list) or isinstance(value, types.FunctionType):
            return
        for key, item in saved:
            if type(item) in _PLAIN_VALUES:  # (most items: skipped before naming a path)
                continue
            self._value(item, _child_path(path, value, key), depth + 1,
                        _holder_of(value, key))

    # -- comparing ----------------------------------------------------------------
    def changes(self) -> list[_Entry]:
        return [entry for entry in self.entries if entry.changed()]

    def restore(self) -> None:
        for entry in self.entries:
            entry.restore()

    def add(self, value, path: str, holder=None) -> None:
        """Watch ``value`` too (a body's argument), found at ``path`` in ``holder``."""
        self._value(value, path, 0, holder)

    def guard(self) -> Guards:
        """Swap guards in for the opaque objects found (see python_state)."""
        return Guards(self.places)

    def entry_of(self, obj) -> "_Entry":
        for entry in self.entries:
            if entry.obj is obj:
                return entry
        return _Entry(repr(obj), obj, _OPAQUE)


def _holder_of(container, key):
    """The writable place ``container[key]`` (or its attribute ``key``), if there is one."""
    if isinstance(container, (list, dict, collections.deque)):
        return Holder(container, key)
    if isinstance(container, type):
        return None
    try:
        if has_attributes(container):
            return Holder(container, key)
    except TypeError:
        pass
    return None


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
            loop = self.__py2lax_info__.kind not in ("if", "ternary")
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
                loop = self.__py2lax_info__.kind not in ("if", "ternary")
                _WATCHING.depth += 1
                _WATCHING.loops += loop
                try:
                    result = self.function(*head, *state)
                finally:
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


def _working_copies(state: list, names) -> list[_Entry]:
    """An entry for each carried object's working copy among a body's arguments (see
    ``runtime/objects.py``), naming the object the statement received, with what the
    copy holds now."""
    found = []
    for index, value in enumerate(state):
        original = original_of(value)
        if original is None:
            continue
        name = names[index] if index < len(names) else f"#{index}"
        found.append((value, _Entry(name, original, _snapshot_of(value))))
    return found


def _dropped_changes(copies: list, result) -> list[_Entry]:
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
        now = _snapshot_of(copy)
        if not _same(now, entry.saved):
            dropped.append(_Entry(entry.path, entry.obj, entry.saved, now))
    return dropped


def _dropped_in_loop_error(entry: _Entry, info) -> CarryTypeError:
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
        same_layouts(afters[0], afters[1], info, ("true branch", "false branch"))
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
                walk(item, _child_path(path, value, key), Holder(value, key), False)
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
    """How many watched bodies (branches, loop bodies being traced) are running, and how
    many of them are loop bodies."""

    depth = 0
    loops = 0


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


def inside_a_traced_loop() -> bool:
    """Whether a lax loop's body is being traced (a list whose length a traced `if`
    decided cannot leave its iteration: runtime/masked_containers)."""
    return _WATCHING.loops > 0


_WATCHING = _Watching()


def _whole_container_slots(effects, functions) -> "Slots | None":
    """The changes as slots, a structurally changed list or dict as the closure cell that
    alone holds it (``L`` of the function around a traced ``if``); None if one cannot.

    Not inside another traced branch or body: its watch does not see a variable given
    another object, which would keep a value of this trace after it."""
    if _WATCHING.depth:
        return None
    slots = []
    for entry in effects.entries:
        changed = entry.leaf_changes()
        if changed is not None:
            slots += [(entry.obj, key, label) for key, label in changed]
            continue
        cell = _only_cell(entry.obj, functions)
        if cell is None:
            return None
        slots.append((cell, "cell_contents", entry.path))
    return Slots(slots)


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


def _user_frame_names(obj, snapshots=None) -> int:
    """How many variables of the user's functions running now hold ``obj`` (their
    ``f_locals`` dicts, which hold it too, are added to ``snapshots``)."""
    names = 0
    frame = sys._getframe(2)
    while frame is not None:
        if is_user_file(frame.f_code.co_filename):
            local = frame.f_locals  # (a free variable is counted in its owner's frame)
            for name in (*frame.f_code.co_varnames, *frame.f_code.co_cellvars):
                if name in local and local[name] is obj:
                    names += 1
            if snapshots is not None:
                snapshots.append(local)
            del local
        frame = frame.f_back
    return names


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
        if isinstance(referrer, (_Entry, Snapshot)) or type(referrer).__module__.startswith(
                "py2lax."):
            continue
        if isinstance(referrer, tuple) and any(
                type(o).__module__.startswith("py2lax.") for o in gc.get_referrers(referrer)
        ) and not _user_frame_names(referrer):
            continue  # the carried values of a statement py2lax is running
        return False  # a container, object or closure of the user's holds it too
    return True



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
            before.restore()
            slots.write(initial)
            more, last = effects.slots(), effects.entries[0]
            if more is None and info.kind == "if":
                # a list or dict resized in a branch, held by one variable of the
                # function: carried whole (a length the condition decides is masked,
                # runtime/masked_containers), and the variable gets the result
                more = _whole_container_slots(effects, [f for f, _, _ in functions])
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
        fix=_fix(entry),
    )


def _fix(entry: _Entry) -> str:
    if entry.saved is _OPAQUE or isinstance(entry.saved, _RandomState):
        return (f"draw the values from {entry.path!r} before the statement (e.g. "
                f"`ws = jnp.array([next({entry.path}) for _ in range(n)])`, then index "
                "`ws[i]` in the loop), use `jax.random` for random numbers, or make the "
                "condition or trip count static so the statement runs as Python.")
    return ("keep the values in arrays instead (e.g. a preallocated `jnp.zeros(n)` "
            "updated with `.at[i].set(v)`, or a count carried as a variable), build the "
            "Python object after the statement, or make the condition or trip count static "
            "so the statement runs as Python.")


def _describe_kind(obj) -> str:
    if isinstance(obj, _Binding):
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


def _how(entry: _Entry) -> str:
    before, after = entry.saved, entry.after
    if isinstance(entry.obj, _Binding):
        return ("a function it calls assigns it, which a compiled program would do once, "
                "while tracing, whether or not Python would run that call")
    if isinstance(before, _ArrayContents):
        return "its values change in place, which a traced value cannot do in NumPy"
    if before is _OPAQUE:
        return ("it is an iterator or generator that the body advances (`next`, `send`, a "
                "`for` over it), which a compiled program would do once, while tracing, "
                "and which cannot be carried")
    if isinstance(before, Buffer):
        return "its items change in place, and it cannot hold traced values"
    if isinstance(entry.obj, types.FunctionType):
        return "an attribute of the function changes, which a compiled program would do once"
    if isinstance(before, _RandomState):
        return ("it advances (a draw, or `next`), which a compiled program would do once, "
                "while tracing")
    if isinstance(entry.obj, (list, dict, set, collections.deque)):
        sizes = [v if isinstance(v, int) else len(v) for v in (before, after)]
        if sizes[0] != sizes[1]:
            return f"its length changes from {sizes[0]} to {sizes[1]}"
        if isinstance(before, _LongContents):
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
    state.depth += 1
    try:
        result = call()
        if outermost:  # a list of a traced length has no Python value outside the trace
            from py2lax.runtime.masked_containers import refuse_escaping

            refuse_escaping(result, getattr(function, "__qualname__", "the function"))
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
