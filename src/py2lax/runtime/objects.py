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

from py2lax.diagnostics.errors import CarryTypeError
from py2lax.diagnostics.statements import describe
from py2lax.runtime.choices import is_function_like
from py2lax.runtime.chosen_containers import note_chosen
from py2lax.runtime.attributes import attributes_of, has_attributes
from py2lax.runtime.containers import IN_PLACE, update_in_place
from py2lax.runtime.holders import replaced
from py2lax.runtime.identity import (Choice, Identity, assign as _assign, choice_of, may_be,
                                     changed_names, chosen_code, flush_choices,
                                     follow_candidate_change,
                                     forget_outside, note_choice, outside_candidates,
                                     outside_code, tracing_a_branch,
                                     FIRST_OUTSIDE_CODE)
from py2lax.runtime.implicit_methods import get_attribute, set_attribute
from py2lax.runtime.python_values import same_python_value
from py2lax.runtime.reachable import reachable_from
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
    choice = choice_of(obj)
    if choice is not None:
        choice.check_reachable(f"`.{name} {op or '='} ...`")
    if isinstance(obj, type):
        _check_no_defaulted(obj, name)
    if op is not None:
        old = get_attribute(obj, name)
        value = IN_PLACE[op](old, value)
        # (`self.w *= k`: NumPy's array changes in place, so every name holding it sees
        # the change; a JAX array's new one is recorded, for the holders' write-back)
        replaced(old, value)
    set_attribute(obj, name, value)   # a user property's setter runs converted
    if choice is not None:
        choice.propagate((name,))
    follow_candidate_change(obj, (name,))  # `a.n = ...` where a traced `if` chose `a`
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

    A branch of a traced ``if`` also gives which object its result is (``identity``, see
    :class:`~py2lax.runtime.identity.Identity`): one branch may keep the object it received while the other
    binds the name to a new one, and the two layouts, equal for lax, cannot say which.
    """

    def __init__(self, template, names: tuple[str, ...], static: tuple, fresh: bool,
                 identity: "Identity | None" = None):
        self.template, self.names, self.static, self.fresh = template, names, static, fresh
        self.identity = identity

    def __eq__(self, other) -> bool:
        return (isinstance(other, _Layout) and type(self.template) is type(other.template)
                and (self.identity is None) == (other.identity is None)
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
        if carries_items(obj):  # a list subclass of the user's: its items are state too
            attributes[ITEMS] = list(obj)
        names = tuple(sorted(n for n, v in attributes.items()
                             if _is_dynamic(v) or is_nested_state(v) or _dynamic_items(n, v)))
        static = tuple(sorted((n, v) for n, v in attributes.items() if n not in names))
        fresh = original is None  # not the statement's own object: one its body made
        layout = _Layout(original if original is not None else obj, names, static, fresh)
        return cls(layout, [_captured(attributes[n]) for n in names])

    def tree_flatten(self):
        return self.values, self.layout

    def tree_flatten_with_keys(self):
        """The values keyed by attribute, so that an error names ``o.items[1]``."""
        keys = [jax.tree_util.GetAttrKey(name) for name in self.layout.names]
        if self.layout.identity is not None:  # (the last value: which object it is)
            keys.append(jax.tree_util.GetAttrKey("<which object>"))
        return list(zip(keys, self.values)), self.layout

    @classmethod
    def tree_unflatten(cls, layout, values):
        return cls(layout, list(values))

    @property
    def attributes(self) -> list:
        """The attributes' values (without the branch's identity code)."""
        return self.values[:-1] if self.layout.identity is not None else self.values

    def working_copy(self):
        """A shallow copy of the original carrying this state's values."""
        duplicate = copy.copy(self.layout.template)
        for name, value in zip(self.layout.names, self.values):
            _store(duplicate, name, _working(value))
        if not self.layout.fresh:
            _note_original(duplicate, self.layout.template)
        return duplicate

    def write_back(self):
        """The object Python would hold now: the original, updated in place, or (for an
        object the statement made) a new one like it."""
        target = self.layout.template
        if self.layout.fresh:
            target = copy.copy(target)
        choice = choice_of(target)
        if choice is not None:  # an object a traced condition chose, changed later
            choice.check_reachable("a traced statement that changes it")
        for name, value in zip(self.layout.names, self.attributes):
            _store(target, name, _written_back(_read(target, name), value))
        names = tuple(n for n in self.layout.names if n != ITEMS)
        if choice is not None:
            choice.propagate(names)
        follow_candidate_change(target, names)
        return target


# The pseudo-attribute holding a list subclass's items (not a valid attribute name)
ITEMS = "[:]"


def carries_items(obj) -> bool:
    """An instance of the user's own ``list`` subclass (``class Path(list)``): lax would
    take it for a leaf, so its items are carried beside its attributes. (py2lax's own
    list subclasses keep their own rules.)"""
    return isinstance(obj, list) and not type(obj).__module__.startswith("py2lax.")


def _dynamic_items(name: str, items) -> bool:
    """Whether a list subclass's items are carried: all arrays and numbers, or none yet
    (a branch may append the first)."""
    return name == ITEMS and all(_is_dynamic(leaf) for leaf in jax.tree_util.tree_leaves(items))


def _read(obj, name: str):
    if name == ITEMS:
        return list(obj)
    return getattr(obj, name, None)


def _store(obj, name: str, value) -> None:
    if name == ITEMS:
        obj[:] = value
    else:
        _assign(obj, name, value)


def is_nested_state(value) -> bool:
    """An attribute that holds state of its own: a plain object, or a dict or list whose
    items are all arrays and numbers (``self.stats = {"acc": 0}``)."""
    if is_plain_object(value):
        return True
    if isinstance(value, (dict, list)) and value:
        try:
            leaves = jax.tree_util.tree_leaves(value)
        except (TypeError, ValueError):  # keys jax cannot sort (`{1: "a", "k": "b"}`)
            return False  # not a pytree: static data, as Python values are
        return bool(leaves) and all(_is_dynamic(leaf) for leaf in leaves)
    return False


def skeleton(value):
    """An object's state as :func:`class_defaults` reads it (its layouts, nested states
    in place), its values left out: what a branch gave must not keep the branch's
    tracers alive after its trace (JAX's leak checker finds them)."""
    if not isinstance(value, ObjectState):
        return None
    return ObjectState(value.layout, [skeleton(v) for v in value.values])


def class_defaults(left, right):
    """How to give two branches' states of an object one structure, where one carries
    attributes the other lacks and the object's class gives each a number or array
    (``class C: n = 0``, then ``if t: c.n = 1``; ``b.inner.n`` too): Python's ``c.n``
    on the other path reads the class's value, so both carry it. ``(names, {attribute:
    plan of the object it holds})``, or None when the states differ otherwise."""
    plan = _default_plan(left, right)
    if plan is None or _introspecting(type(left.layout.template)):
        return None
    return plan


def _default_plan(left, right):
    if not (isinstance(left, ObjectState) and isinstance(right, ObjectState)) or (
            type(left.layout.template) is not type(right.layout.template)):
        return None
    missing = set(left.layout.names) ^ set(right.layout.names)
    static = {n for n, _ in (*left.layout.static, *right.layout.static)}
    kind = type(left.layout.template)
    if missing and (missing & static or not all(
            _is_dynamic(_class_value(kind, n)) for n in missing)):
        return None
    lefts = dict(zip(left.layout.names, left.attributes))
    rights = dict(zip(right.layout.names, right.attributes))
    inner = {n: plan for n in sorted(lefts.keys() & rights.keys())
             if (plan := _default_plan(lefts[n], rights[n])) is not None}
    if not missing and not inner:
        return None
    return tuple(sorted(missing)), inner


_INTROSPECTION = frozenset({"vars", "__dict__", "delattr", "dir"})
# where a jit trace begins: the user's frames past it run outside the compiled program
_TRACE_ENTRIES = ("jax/_src/pjit.py", "jax/_src/api.py")


def _introspecting(kind: type) -> bool:
    """Whether the user's code the trace may run reads an object's own attributes
    (``vars(c)``, ``c.__dict__``, ``dir``) or deletes one: after
    :func:`with_class_defaults` the object holds the attribute on every path, where
    Python's holds it on one only. The code looked at: the user's frames being traced,
    the functions and classes of their modules, and ``kind``'s methods. (A later
    ``C.n = v`` is refused where it runs, by :func:`setattr_`.)"""
    import sys

    from py2lax.runtime.calls import is_user_file

    codes, modules = [], []
    frame = sys._getframe(1)
    while frame is not None and not frame.f_code.co_filename.endswith(_TRACE_ENTRIES):
        if is_user_file(frame.f_code.co_filename):
            codes.append(frame.f_code)
            if not any(frame.f_globals is m for m in modules):
                modules.append(frame.f_globals)
        frame = frame.f_back
    for value in [v for module in modules for v in list(module.values())] + list(kind.__mro__):
        codes += _codes_of(value)
    seen = set()
    while codes:
        code = codes.pop()
        if id(code) in seen or not is_user_file(code.co_filename):
            continue
        seen.add(id(code))
        if _reads_own_attributes(code):
            return True
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return False


def _codes_of(value) -> list:
    """The code of a function, or of a class's functions (properties' too)."""
    if isinstance(value, types.FunctionType):
        return [value.__code__]
    if isinstance(value, type):
        found = []
        for member in list(vars(value).values()):
            for function in (member, getattr(member, "__func__", None),
                             getattr(member, "fget", None), getattr(member, "fset", None)):
                if isinstance(function, types.FunctionType):
                    found.append(function.__code__)
        return found
    return []


def _reads_own_attributes(code) -> bool:
    import dis

    return bool(_INTROSPECTION & set(code.co_names)) or any(
        i.opname == "DELETE_ATTR" for i in dis.get_instructions(code))


def _class_value(kind, name: str):
    """The plain value a class (or a base) defines for ``name``, or None: a property,
    method or other descriptor is not one."""
    for base in kind.__mro__:
        if name in vars(base):
            value = vars(base)[name]
            return None if hasattr(type(value), "__get__") else value
    return None


# objects a traced `if` gave a class's attribute on every path: name -> the statement
_DEFAULTED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def forget_class_defaults() -> None:
    """A new outermost converted call: earlier calls' objects are no longer followed."""
    _DEFAULTED.clear()


def _check_no_defaulted(kind: type, name: str) -> None:
    """``C.n = v`` while an instance holds ``n`` as :func:`with_class_defaults` gave it:
    on the path where Python's instance has none, its ``n`` would be the new value."""
    for obj, names in list(_DEFAULTED.items()):
        if isinstance(obj, kind) and name in names:
            from py2lax.runtime.conversions import user_location

            raise CarryTypeError(
                f"class attribute {kind.__name__}.{name} is assigned after a traced `if` "
                f"({names[name]}) assigned {name!r} on an instance on one path only",
                location=user_location(), names=(name,),
                rule="under jit the instance carries its own value of the attribute on "
                "every path (the class's on the path that did not assign it); Python's "
                "instance on that path has none and reads the class's new value.",
                fix=f"assign `obj.{name}` on every path of the `if` (e.g. `obj.{name} = "
                f"{kind.__name__}.{name}` in the other branch), or leave the class "
                "attribute unchanged inside the compiled function.")


def with_class_defaults(state, plan, where: str = "a traced `if`"):
    """``state`` carrying the plan's attributes too (:func:`class_defaults`), the
    missing ones with the class's values."""
    if not isinstance(state, ObjectState):
        return state
    names, inner = plan
    layout = state.layout
    values = dict(zip(layout.names, state.attributes))
    for name, nested in inner.items():
        if name in values:
            values[name] = with_class_defaults(values[name], nested, where)
    missing = [n for n in names if n not in values]
    if missing:
        try:
            _DEFAULTED.setdefault(layout.template, {}).update(dict.fromkeys(missing, where))
        except TypeError:  # (an object that takes no weak reference: not followed)
            pass
    for name in missing:
        values[name] = _class_value(type(layout.template), name)
    ordered = tuple(sorted(values))
    extra = state.values[len(layout.names):]  # (which object it is, for a branch)
    return ObjectState(_Layout(layout.template, ordered, layout.static, layout.fresh,
                               layout.identity), [values[n] for n in ordered] + extra)


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
        return _chosen_object(value) if _is_chosen(value) else value.write_back()
    if isinstance(value, (dict, list)):
        return update_in_place(current, value)
    return value


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
    state.values = [_from_body_nested(_read(value, name), v)
                    for name, v in zip(state.layout.names, state.values)]
    return state


def _from_body_nested(attribute, captured):
    return _from_body(attribute) if isinstance(captured, ObjectState) else captured


def write_back(values: tuple) -> tuple:
    """The objects Python holds after the statement. An object whose identity a traced
    condition decided (one branch kept it, the other bound a new one) is written last,
    into each object it may be (see :func:`_chosen_object`)."""
    written = [v.write_back() if isinstance(v, ObjectState) and not _is_chosen(v) else v
               for v in values]
    written = [_chosen_object(v) if isinstance(v, ObjectState) and _is_chosen(v) else v
               for v in written]
    for value in values:  # (the statement's objects from outside are known until here)
        if isinstance(value, ObjectState) and value.layout.identity is not None:
            forget_outside(value.layout.identity.info)
    return tuple(written)


def _is_chosen(state: ObjectState) -> bool:
    return state.layout.identity is not None and not isinstance(state.values[-1], int)


def _chosen_object(state: ObjectState):
    """``c`` after ``if t: c.n = x else: c = C()`` while ``keep = c`` holds the first
    object: the name is one of two objects, which lax cannot return. Each candidate ends
    as Python leaves it (the branch's values where the condition chose it, else its own),
    and the name gets a new object holding the chosen values, so reads through either
    name give Python's values. A later change through the name is made in the candidate
    the condition chose too (:class:`~py2lax.runtime.identity.Choice`), unless no other name holds them."""
    identity, code = state.layout.identity, state.values[-1]
    names, values = state.layout.names, state.attributes
    outside = outside_candidates(identity.info)
    candidates = [(position, candidate) for position, candidate
                  in [*enumerate(identity.candidates), *outside.items()]
                  if candidate is not None and type(candidate) is type(state.layout.template)]
    choice = Choice(None, code, candidates, identity.info, identity.index)
    fresh = _Layout(state.layout.template, names, state.layout.static, True)
    chosen = ObjectState(fresh, list(values)).write_back()
    choice.chosen = chosen
    for position, candidate in candidates:
        if identity.held_by_one_name and position < FIRST_OUTSIDE_CODE:
            continue  # the statement's own object, which no other name can reach
        written = names if position < FIRST_OUTSIDE_CODE else changed_names(
            identity.info, position, candidate, names)
        choice.write(position, candidate, written, "the choice")
    if not identity.held_by_one_name and candidates:
        note_choice(chosen, choice)
        for name in names:  # a change inside one of its containers cannot be followed
            if isinstance(getattr(chosen, name, None), (dict, list)):
                note_chosen(getattr(chosen, name), identity.info, identity.index)
    return chosen


def with_objects(function, skip: int = 0):
    """``function`` taking and returning carried tuples, seen through ``ObjectState``.

    The first ``skip`` arguments (an index or item) are passed as they are. A branch of a
    traced ``if`` also says, for each object it gives, which object that is (see
    :class:`~py2lax.runtime.identity.Identity`).
    """
    info = describe(function, "if", 0)
    branch = skip == 0 and info.kind in ("if", "ternary") and not _is_loop_body(function)

    @functools.wraps(function)
    def wrapped(*arguments):
        head, carried = arguments[:skip], arguments[skip:]
        copies = to_working_copies(carried)
        if not branch:
            given = tuple(function(*head, *copies))
            _check_replaced_in_loop(given, copies, carried, info)
            return from_body(given)
        with tracing_a_branch() as made:
            given = tuple(function(*head, *copies))
            flush_choices(made, given)
        results = from_body(given)
        before = reachable_from(function, (*head, *carried))
        return _with_identities(results, given, copies, carried, info, before)

    return wrapped


def _check_replaced_in_loop(given: tuple, copies: tuple, carried: tuple, info) -> None:
    """Refuse a loop body that leaves a carried variable holding another object than the
    working copy of the statement's own object it was given (``if total > 3: acc =
    Acc(0.0)`` in the body), where another name holds that object too (``first = acc``).

    Python's later iterations change the new object, and which iteration gives it one
    depends on the values; the compiled loop carries one object's attributes and writes
    them back into the object it started with, which the other name would then show.
    A body that gives it another object on every path (``s = dataclasses.replace(s,
    p=...)``) carries the new object's attributes and leaves the original as it was; a
    change made to the original before that is ``effects``' dropped change."""
    for index, (value, copy_, state) in enumerate(zip(given, copies, carried)):
        if not (isinstance(state, ObjectState) and not state.layout.fresh
                and value is not copy_ and isinstance(value, ObjectState) is False
                and has_attributes(value)):
            continue
        if not may_be(value, copy_):
            continue  # a new object on every path: the original is left as it was
        name = info.name_of(index)
        if name in info.held_by_one_name:
            continue
        raise CarryTypeError(
            f"{name!r} may be given another object in this traced `{info.kind}` loop, while "
            f"another name still holds the object the loop started with",
            location=info.location, names=(name,),
            rule="Python's later iterations change the new object, and which iteration "
            "gives it depends on the values; a compiled loop carries one object's "
            "attributes, and the other name would see the changes meant for the new one.",
            fix=f"keep {name!r} one object (reset its attributes, `{name}.total = 0.0`, "
            f"instead of giving it a new object), or copy it before the loop (`{name} = "
            f"copy.copy({name})`) if the other name should keep the original.",
        )


def _is_loop_body(function) -> bool:
    """A generated loop body (``loop_body_5``), also where no loader registered it."""
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    return getattr(function, "__name__", "").startswith("loop_body_")


def _with_identities(results: tuple, given: tuple, copies: tuple, carried: tuple,
                     info, before) -> tuple:
    """``results`` with each object's identity code (see
    :class:`~py2lax.runtime.identity.Identity`)."""
    candidates = tuple(state.layout.template if isinstance(state, ObjectState)
                       and not state.layout.fresh else None for state in carried)
    positions = {id(copy_): position for position, (copy_, state) in
                 enumerate(zip(copies, carried)) if isinstance(state, ObjectState)}
    marked = []
    for index, (result, value) in enumerate(zip(results, given)):
        if isinstance(result, ObjectState):
            code = positions.get(id(value))
            if code is None:
                code = chosen_code(value, positions, info)
            if code is None:
                code = outside_code(value, info, before=before)
            result = _coded(result, code, Identity(candidates, info, index), before)
        marked.append(result)
    return tuple(marked)


def _coded(state: ObjectState, code: int, identity: "Identity", before) -> ObjectState:
    """``state`` with its identity ``code``, and its nested objects' (``o.inner``, kept
    in one branch and replaced in the other) coded as the objects they are."""
    nested = Identity((), identity.info, identity.index, nested=True)
    values = [_coded(value, outside_code(value.layout.template, identity.info, before=before,
                                         left=dict(zip(value.layout.names, value.values))),
                     nested, before)
              if isinstance(value, ObjectState) else value for value in state.values]
    layout = state.layout
    return ObjectState(_Layout(layout.template, layout.names, layout.static, layout.fresh,
                               identity), [*values, code])


def carries_objects(values: tuple) -> bool:
    return any(is_plain_object(v) for v in values)
