"""What Python state a traced body can reach, saved so it can be compared and restored.

A lax primitive traces a branch or loop body once, where Python would run it once per
taken branch or iteration (see ``runtime/effects.py``). To notice what such a body does
to Python objects, :class:`Snapshot` walks what the body's functions can reach (their
closures, the globals they name, the helpers and objects those hold, default values)
and saves each container's or object's contents as an :class:`Entry`. Comparing the
entries after the call says what changed; restoring them undoes it.

The walk is bounded (``_MAX_*``) so that watching stays cheap, and objects that cannot
be read without changing them (generators, ``itertools`` iterators) are recorded as
places to guard instead (see ``runtime/python_state.py``).
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
import types

import jax
import numpy as np

from py2lax.runtime.attributes import (attributes_of, has_attributes, restore_attributes,
                                       slot_names)
from py2lax.runtime.calls import is_user_code, is_user_file
from py2lax.runtime.masked_containers import is_masked
from py2lax.runtime.python_state import (BUFFERS, Buffer, Guard, Guards, Holder, is_opaque,
                                         module_state)
from py2lax.runtime.undefined import Undefined

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
class Entry:
    """One container or object, what it held when the snapshot was taken, and (once a
    change is found) what it held then."""

    path: str
    obj: object
    saved: object         # (key, value) pairs, a set, or the length of a long container
    after: object = None

    def changed(self) -> bool:
        if self.saved is OPAQUE:
            return False  # guarded instead: a use raises Touched (see python_state)
        now = snapshot_of(self.obj)
        if same_contents(now, self.saved):
            return False
        self.after = now
        return True

    def restore(self) -> None:
        obj, saved = self.obj, self.saved
        if isinstance(obj, Binding):
            if saved.value is not _UNBOUND:
                obj.holder.put(saved.value)
            return
        if saved is OPAQUE:
            return  # never changed (guarded instead)
        if isinstance(saved, LongContents):
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
        if isinstance(saved, ArrayContents):
            obj[...] = saved.values
            return
        if isinstance(saved, RandomState):
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
                changed.append((key, child_path(self.path, self.obj, key)))
        return changed


class ArrayContents:
    """A NumPy array's values when the snapshot was taken (NumPy arrays change in place)."""

    def __init__(self, array: np.ndarray):
        self.values = array.copy()

    def __eq__(self, other) -> bool:
        return (isinstance(other, ArrayContents) and self.values.shape == other.values.shape
                and self.values.dtype == other.values.dtype
                and np.array_equal(self.values, other.values, equal_nan=self.values.dtype.kind
                                   in "fc"))


def same_contents(now, saved) -> bool:
    if type(now) is not type(saved):
        return False
    if not isinstance(now, list):  # a length, a set, or an array's values
        return now == saved
    return len(now) == len(saved) and all(
        a is b and ka == kb for (ka, a), (kb, b) in zip(now, saved))


class Binding:
    """A global or closure variable that a watched function assigns (``global calls;
    calls += 1`` in a helper a traced branch calls): Python rebinds it only when the
    branch runs, a traced branch runs once while tracing, whatever the condition."""

    __slots__ = ("holder", "kind")

    def __init__(self, holder: Holder, kind: str):
        self.holder, self.kind = holder, kind


class _BoundTo:
    """What a :class:`Binding` held when the snapshot was taken (compared by identity)."""

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


def snapshot_of(obj):
    if isinstance(obj, Binding):
        try:
            return _BoundTo(obj.holder.get())
        except (KeyError, ValueError):
            return _BoundTo(_UNBOUND)
    if isinstance(obj, np.ndarray):
        return ArrayContents(obj)
    if isinstance(obj, (list, dict, set, collections.deque)) and len(obj) > _MAX_ITEMS:
        return LongContents(obj)
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
        return RandomState(obj)
    return list(attributes_of(obj).items())  # `__slots__` too


class LongContents:
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
        if not isinstance(other, LongContents) or type(self.items) is not type(other.items):
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


class RandomState:
    """Where a Python random generator is in its stream (``rng.normal()`` advances it),
    or an iterator over a sequence (``next(schedule)``)."""

    def __init__(self, generator):
        self.saved = pickle.dumps(_get_random_state(generator))

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomState) and self.saved == other.saved


def _get_random_state(generator):
    if isinstance(generator, _SEQUENCE_ITERATORS):
        return generator.__reduce__()[2:]  # the position (or nothing, once exhausted)
    if isinstance(generator, np.random.Generator):
        return generator.bit_generator.state
    if isinstance(generator, np.random.RandomState):
        return generator.get_state()
    return generator.getstate()


def _set_random_state(generator, saved: "RandomState") -> None:
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


OPAQUE = _Opaque()


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


def child_path(path: str, obj, key) -> str:
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
        self.entries: list[Entry] = []
        self.places: list[tuple[Holder, str, object]] = []
        self._seen: set[int] = set()
        self._bindings: set[tuple[int, str]] = set()
        self._own_cells: set[int] = set()
        for function in functions:
            self._function(function, 0)
        if self._own_cells:  # a variable of the function itself: the body carries it
            self.entries = [e for e in self.entries if not (
                isinstance(e.obj, Binding) and id(e.obj.holder.container) in self._own_cells)]
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
            self.entries.append(Entry(function.__name__, function, _function_data(function)))
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
        binding = Binding(holder, kind)
        self.entries.append(Entry(name, binding, snapshot_of(binding)))

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
                self.entries.append(Entry(path, value, OPAQUE))
            return
        if id(value) in self._seen or not _has_state(value):
            return
        self._seen.add(id(value))
        saved = snapshot_of(value)
        self.entries.append(Entry(path, value, saved))
        cls = type(value)
        if not isinstance(value, type) and cls.__module__ != "builtins" and _is_user_class(cls):
            # its methods may change the class's own data (`Meter.reads += 1`)
            self._value(cls, cls.__name__, depth + 1, None)
        if not isinstance(saved, list) or isinstance(value, types.FunctionType):
            return
        for key, item in saved:
            if type(item) in _PLAIN_VALUES:  # (most items: skipped before naming a path)
                continue
            self._value(item, child_path(path, value, key), depth + 1,
                        _holder_of(value, key))

    # -- comparing ----------------------------------------------------------------
    def changes(self) -> list[Entry]:
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

    def entry_of(self, obj) -> "Entry":
        for entry in self.entries:
            if entry.obj is obj:
                return entry
        return Entry(repr(obj), obj, OPAQUE)


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
