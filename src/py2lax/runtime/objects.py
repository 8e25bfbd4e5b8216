"""Plain Python objects as carried state: ``obj.value = x`` inside a traced ``if`` or loop.

lax carries pytrees, and an instance of the user's own class is not one. Where such an
object is a carried variable (its attributes are assigned inside the statement), the
runtime carries its attributes instead: each branch or iteration works on a shallow
copy whose attributes are the traced values, and afterwards the results are written
back into the original object, so its identity is kept, as Python's in-place
assignment would. Attributes that are not arrays or numbers (names, settings,
functions) travel as static data and must not change inside the statement.

Python meaning of :func:`setattr_`, which the generated code calls for
``obj.attr = value`` (and ``obj.attr += value`` with ``op="+="``), and of :func:`getattr_`,
which it calls for ``obj.attr`` where ``attr`` is a property of the user's (a user
property's getter and setter run converted)::

    def setattr_(obj, name, value, op=None):
        setattr(obj, name, value if op is None else getattr(obj, name) <op> value)
        return obj

    def getattr_(obj, name):
        return getattr(obj, name)
"""

from __future__ import annotations

import array
import collections
import copy
import functools
import types
import weakref

import jax
import numpy as np

from py2lax.runtime.choices import is_function_like
from py2lax.runtime.attributes import attributes_of, has_attributes
from py2lax.runtime.containers import IN_PLACE, update_in_place
from py2lax.runtime.implicit_methods import get_attribute, set_attribute
from py2lax.runtime.python_values import same_python_value
from py2lax.runtime.undefined import Undefined

# Containers (a `Counter`, a `deque`, an `array.array`) are not objects whose attributes
# hold their state: a copy of their attributes would leave their items behind. They pass
# through as Python values, and the effects watcher carries or refuses their changes.
# (A list subclass stays plain: the list a scan step appends to, list_growth.AppendOnly,
# is carried as an object, so each branch of a traced `if` inside the step appends to
# its own copy.)
_NOT_PLAIN = (type, types.ModuleType, types.FunctionType, types.MethodType,
              types.BuiltinFunctionType, functools.partial, jax.Array, np.ndarray, Undefined,
              dict, set, collections.deque, array.array, bytearray,
              *weakref.ProxyTypes)  # (a proxy cannot be copied: its object can)


def setattr_(obj, name: str, value, op=None):
    """``obj.name = value`` (or ``obj.name <op> value``), returning ``obj``.

    >>> class Box:
    ...     value = 1
    >>> setattr_(Box(), "value", 2, op="+=").value
    3
    """
    if op is not None:
        value = IN_PLACE[op](get_attribute(obj, name), value)
    set_attribute(obj, name, value)   # a user property's setter runs converted
    return obj


def getattr_(obj, name: str):
    """``obj.name``, where some user class defines ``name`` as a property: its getter runs
    converted, so a traced ``if`` in it works under jit (see
    :mod:`py2lax.transforms.property_reads`); on any other object it is ``getattr``.

    >>> class Box:
    ...     value = 1
    >>> getattr_(Box(), "value")
    1
    """
    return get_attribute(obj, name)


def is_plain_object(value) -> bool:
    """An instance of a user class that lax cannot carry as it is."""
    if (isinstance(value, _NOT_PLAIN) or not has_attributes(value)  # __dict__ or __slots__
            or is_function_like(value)):  # `jnp.tanh` (a jitted function) has a __dict__
        return False
    leaves = jax.tree_util.tree_leaves(value)
    return len(leaves) == 1 and leaves[0] is value  # not a registered pytree


def _is_dynamic(value) -> bool:
    return isinstance(value, (jax.Array, np.ndarray, np.generic, bool, int, float, complex))


class _Layout:
    """The static part of an ``ObjectState``: the object's class, which attributes are
    carried, and its other attributes.

    lax compares the static parts of what goes in and what comes out; two layouts are
    equal when the class, the carried names and the other attributes' values agree,
    whichever object they were read from (a loop may build a new object every iteration:
    ``s = State(s.x - 1, s.v + 1)``).

    ``template`` is the object the values were read from and ``fresh`` says whether it
    was made inside the statement (rather than being the object the statement received).
    """

    def __init__(self, template, names: tuple[str, ...], static: tuple, fresh: bool):
        self.template, self.names, self.static, self.fresh = template, names, static, fresh

    def __eq__(self, other) -> bool:
        return (isinstance(other, _Layout) and type(self.template) is type(other.template)
                and self.names == other.names and len(self.static) == len(other.static)
                and all(a == b and same_python_value(x, y)
                        for (a, x), (b, y) in zip(self.static, other.static)))

    def __hash__(self) -> int:
        return hash((type(self.template), self.names))


@jax.tree_util.register_pytree_with_keys_class
class ObjectState:
    """The array attributes of an object as pytree leaves; the rest as static data."""

    def __init__(self, layout: _Layout, values: list):
        self.layout, self.values = layout, values

    @classmethod
    def capture(cls, obj, original=None) -> "ObjectState":
        """The state of ``obj``: its arrays and numbers, and its attributes that hold
        state themselves (an object, ``self.state.n``; a dict or list of arrays,
        ``self.stats["acc"]``), captured in turn; the rest static."""
        attributes = attributes_of(obj)
        names = tuple(sorted(n for n, v in attributes.items()
                             if _is_dynamic(v) or is_nested_state(v)))
        static = tuple(sorted((n, v) for n, v in attributes.items() if n not in names))
        fresh = original is None  # not the statement's own object: one its body made
        layout = _Layout(original if original is not None else obj, names, static, fresh)
        return cls(layout, [_captured(attributes[n]) for n in names])

    def tree_flatten(self):
        return self.values, self.layout

    def tree_flatten_with_keys(self):
        """The values keyed by attribute, so that an error names ``o.items[1]``."""
        keys = [jax.tree_util.GetAttrKey(name) for name in self.layout.names]
        return list(zip(keys, self.values)), self.layout

    @classmethod
    def tree_unflatten(cls, layout, values):
        return cls(layout, list(values))

    def working_copy(self):
        """A shallow copy of the original carrying this state's values."""
        duplicate = copy.copy(self.layout.template)
        for name, value in zip(self.layout.names, self.values):
            _assign(duplicate, name, _working(value))
        if not self.layout.fresh:
            _note_original(duplicate, self.layout.template)
        return duplicate

    def write_back(self):
        """The object Python would hold now: the original, updated in place, or (for an
        object the statement made) a new one like it."""
        target = self.layout.template
        if self.layout.fresh:
            target = copy.copy(target)
        for name, value in zip(self.layout.names, self.values):
            _assign(target, name, _written_back(getattr(target, name, None), value))
        return target


def is_nested_state(value) -> bool:
    """An attribute that holds state of its own: a plain object, or a dict or list whose
    items are all arrays and numbers (``self.stats = {"acc": 0}``)."""
    if is_plain_object(value):
        return True
    if isinstance(value, (dict, list)) and value:
        leaves = jax.tree_util.tree_leaves(value)
        return bool(leaves) and all(_is_dynamic(leaf) for leaf in leaves)
    return False


def _captured(value):
    return ObjectState.capture(value, value) if is_plain_object(value) else value


def _working(value):
    """What a working copy holds: its own copy of nested objects and containers, so the
    statement never changes the originals while it is traced."""
    if isinstance(value, ObjectState):
        return value.working_copy()
    if isinstance(value, (dict, list)):
        return jax.tree_util.tree_map(lambda leaf: leaf, value)  # fresh containers
    return value


def _written_back(current, value):
    """``value`` written into the object or container the attribute holds now."""
    if isinstance(value, ObjectState):
        return value.write_back()
    if isinstance(value, (dict, list)):
        return update_in_place(current, value)
    return value


def _assign(obj, name: str, value) -> None:
    """``setattr``, also on a frozen dataclass (whose copies py2lax fills in itself)."""
    try:
        setattr(obj, name, value)
    except AttributeError:  # dataclasses.FrozenInstanceError is one
        object.__setattr__(obj, name, value)


# id(working copy) -> (a reference to that copy, its original), while tracing. The copy
# is checked on every look-up: once it is gone its id may be reused by another object,
# which must not be taken for a working copy (a later program's object, or one a body
# made, would be written back into an unrelated original).
_ORIGINALS: dict[int, tuple] = {}
_MAX_ORIGINALS = 1024


def _note_original(duplicate, original) -> None:
    try:
        reference = weakref.ref(duplicate)
    except TypeError:  # (`__slots__` without `__weakref__`: held until forgotten)
        reference = lambda: duplicate  # noqa: E731
    if len(_ORIGINALS) >= _MAX_ORIGINALS:
        for key, (held, _) in list(_ORIGINALS.items()):
            if held() is None:
                del _ORIGINALS[key]
        if len(_ORIGINALS) >= _MAX_ORIGINALS:
            _ORIGINALS.clear()
    _ORIGINALS[id(duplicate)] = (reference, original)


def _recorded_original(value):
    entry = _ORIGINALS.get(id(value))
    if entry is None or entry[0]() is not value:
        return None
    return entry[1]


def original_of(value):
    """The object ``value`` is a body's working copy of (while tracing), or None."""
    original = _recorded_original(value)
    if original is None or original is value or type(original) is not type(value):
        return None
    return original


def to_states(values: tuple) -> tuple:
    """Plain objects among ``values`` become ``ObjectState`` pytrees."""
    return tuple(ObjectState.capture(v, v) if is_plain_object(v) else v for v in values)


def to_working_copies(values: tuple) -> tuple:
    return tuple(v.working_copy() if isinstance(v, ObjectState) else v for v in values)


def from_body(values: tuple) -> tuple:
    """A body's results: working copies (or objects) captured as states of their originals."""
    return tuple(_from_body(v) for v in values)


def _from_body(value):
    if not is_plain_object(value):
        return value
    state = ObjectState.capture(value, _recorded_original(value))
    # Nested working copies are captured as the states of their own originals.
    state.values = [_from_body_nested(getattr(value, name), v)
                    for name, v in zip(state.layout.names, state.values)]
    return state


def _from_body_nested(attribute, captured):
    return _from_body(attribute) if isinstance(captured, ObjectState) else captured


def write_back(values: tuple) -> tuple:
    return tuple(v.write_back() if isinstance(v, ObjectState) else v for v in values)


def with_objects(function, skip: int = 0):
    """``function`` taking and returning carried tuples, seen through ``ObjectState``.

    The first ``skip`` arguments (an index or item) are passed as they are.
    """

    @functools.wraps(function)
    def wrapped(*arguments):
        head, carried = arguments[:skip], arguments[skip:]
        return from_body(tuple(function(*head, *to_working_copies(carried))))

    return wrapped


def carries_objects(values: tuple) -> bool:
    return any(is_plain_object(v) for v in values)
