"""Which Python number type a traced value stands for, for ``is True`` and ``isinstance``.

``found = False`` then ``found = True`` in a branch of a traced ``if`` (or a loop whose
trip count is traced): in Python ``found`` is a ``bool`` whichever branch ran, so
``found is True``, ``isinstance(found, bool)`` and ``type(found) is bool`` look at a
Python bool. Under jit it is a tracer, which is never ``True`` and is no ``bool``.

So where the runtime joins the values of branches or iterations into one traced value
(``lax.cond``'s outputs, a lax loop's carry), it remembers per leaf the Python type
every joined value had: ``bool``/``int``/``float``/``complex`` when all were Python
numbers of that one type, :data:`MIXED` when they differ (a Python ``int`` on one path, a
``float`` or an array on another), nothing when all were arrays (an array is what the
tracer is). The record is keyed by the tracer object and dies with it.

:func:`identical` (``is``/``is not`` against ``True``/``False``), :func:`traced_isinstance`
and :func:`traced_type` then answer as Python would, and refuse at the user's line when
the answer depends on which path ran.

>>> import jax, jax.numpy as jnp
>>> def f(x):
...     found = jnp.asarray(x > 2)
...     remember(found, bool)
...     return identical(found, True), traced_isinstance(found, bool)
>>> [bool(v) for v in jax.jit(f)(3.0)]
[True, True]
>>> identical(True, True), traced_isinstance(1.0, float), traced_type(2)
(True, True, <class 'int'>)
"""

from __future__ import annotations

import builtins
import sys
import weakref

import jax
import jax.numpy as jnp

from py2lax.runtime.choices import StringChoice
from py2lax.runtime.conversions import user_location
from py2lax.diagnostics.errors import Location, TracedValueError
from py2lax.runtime.values import is_traced

_PYTHON_NUMBERS = (bool, int, float, complex)


class _Mixed:
    """The Python type differs between the paths that were joined."""

    def __repr__(self) -> str:
        return "MIXED"


MIXED = _Mixed()

# id(tracer) -> (weak reference to it, its Python type or MIXED, whether it is a loop
# body's input, known only if the body keeps the type)
_KINDS: dict[int, tuple[weakref.ref, object, bool]] = {}
# ids of loop inputs whose provisional type a test has read while the body was traced
_READ_PROVISIONAL: set[int] = set()


def remember(value, kind, provisional: bool = False) -> None:
    """Record that the traced ``value`` stands for a Python ``kind`` (a type or MIXED)."""
    if kind is None or not is_traced(value):
        return
    key = id(value)
    try:
        reference = weakref.ref(value, lambda _ref, key=key: _KINDS.pop(key, None))
    except TypeError:  # not weakly referable: it cannot be recorded safely
        return
    _KINDS[key] = (reference, kind, provisional)
    # A new value that has the id of a read one that is gone (a loop whose trace raised
    # before `forget_reads`) has not been read: a stale read made a later loop look as if
    # its body changed a type a test read, and the loop was traced twice. (The reads of
    # a body's inputs are kept after the trace that made them, until `forget_reads`.)
    _READ_PROVISIONAL.discard(key)


def python_kind(value):
    """The Python number type ``value`` is or stands for; MIXED; None for an array."""
    if type(value) in _PYTHON_NUMBERS:
        return type(value)
    if not is_traced(value):
        return None
    entry = _KINDS.get(id(value))
    if entry is None or entry[0]() is not value:
        return None
    if entry[2]:
        _READ_PROVISIONAL.add(id(value))
    return entry[1]


def leaf_kinds(tree) -> list:
    """Per leaf of ``tree``: its Python number type, MIXED, or None (an array)."""
    return [python_kind(leaf) for leaf in jax.tree_util.tree_leaves(tree)]


def joined_kind(kinds):
    """One Python type when every path gave that type; None when every path gave an
    array; MIXED otherwise."""
    kinds = list(kinds)
    first = kinds[0]
    return first if all(k is first for k in kinds[1:]) else MIXED


def remember_joined(outputs, *per_side) -> None:
    """Record for each traced leaf of ``outputs`` the type joined from ``per_side``
    (one list of per-output leaf kinds per side; a side whose output has other leaves,
    an unset placeholder, does not count)."""
    for index, value in enumerate(outputs):
        leaves = jax.tree_util.tree_leaves(value)
        sides = [side[index] for side in per_side
                 if index < len(side) and len(side[index]) == len(leaves)]
        if not sides:
            continue
        for position, leaf in enumerate(leaves):
            remember(leaf, joined_kind(side[position] for side in sides))


def pass_kinds(given, received) -> None:
    """The traced leaves of ``received`` (a branch's copies of ``given``) stand for what
    the leaves of ``given`` stand for."""
    given_leaves = jax.tree_util.tree_leaves(given)
    received_leaves = jax.tree_util.tree_leaves(received)
    if len(given_leaves) != len(received_leaves):
        return
    for before, inside in zip(given_leaves, received_leaves):
        if inside is not before and is_traced(inside):
            kind = python_kind(before) if is_traced(before) else None
            remember(inside, kind, provisional=_is_provisional(before))


def _is_provisional(value) -> bool:
    entry = _KINDS.get(id(value))
    return entry is not None and entry[0]() is value and entry[2]


# -- what a loop body receives -------------------------------------------------------


class LoopKinds:
    """The Python types of a lax loop's carry: given to the body's inputs while it is
    traced (provisionally: the body must give each value back with the same type), and
    joined with what the body returns for the loop's results."""

    def __init__(self, carry):
        self.treedef = jax.tree_util.tree_structure(tuple(carry))
        self.initial = leaf_kinds(tuple(carry))
        self.body = None

    def mark_inputs(self, arguments, carry_of) -> list:
        """Tag the carried values among a step's ``arguments``; return them (leaves)."""
        for candidate in (arguments, *[a for a in arguments if isinstance(a, tuple)]):
            try:
                carried = tuple(carry_of(candidate))
            except (TypeError, IndexError):
                continue
            if jax.tree_util.tree_structure(carried) == self.treedef:
                leaves = jax.tree_util.tree_leaves(carried)
                for leaf, kind in zip(leaves, self.initial):
                    remember(leaf, kind, provisional=True)
                return leaves
        return []

    def record_body(self, carried_out) -> None:
        self.body = leaf_kinds(tuple(carried_out))

    def changed_and_read(self, input_ids) -> bool:
        """Whether the body changes the Python type of a value whose type a test in the
        body or the condition read (``input_ids``: per call, the ids of the values it
        received): the test's answer would hold for the first iteration only."""
        if self.body is None:
            return False
        return any(key in _READ_PROVISIONAL and before is not after
                   for keys in input_ids
                   for key, before, after in zip(keys, self.initial, self.body))

    def remember_results(self, results) -> None:
        leaves = jax.tree_util.tree_leaves(tuple(results))
        if self.body is None or len(leaves) != len(self.initial):
            return
        for leaf, before, after in zip(leaves, self.initial, self.body):
            remember(leaf, joined_kind((before, after)))

    def mixed_where_changed(self) -> None:
        """After :meth:`changed_and_read`: the inputs stand for MIXED on the next trace."""
        self.initial = [before if before is after else MIXED
                        for before, after in zip(self.initial, self.body)]


def forget_reads(input_ids) -> None:
    for keys in input_ids:
        _READ_PROVISIONAL.difference_update(keys)


# -- the tests converted code calls ------------------------------------------------


def identical(a, b, negate: bool = False):
    """Python's ``a is b`` (``a is not b`` with ``negate``); a traced value that stands
    for a Python bool compared with ``True``/``False`` gives a traced bool. A traced
    scalar bool the program computed (``x > 0``) is refused: Python's answer depends on
    the caller's values (a Python number's comparison is ``True``, an array's never is),
    and ``case True:`` or ``flag is True`` silently never holding is no answer."""
    for value, other in ((a, b), (b, a)):
        if (other is True or other is False) and is_traced(value):
            kind = python_kind(value)
            if kind is MIXED:
                raise _mixed_error(f"`{'is not' if negate else 'is'} {other}`",
                                   "True or False on some paths but not on others")
            if kind is None and jnp.ndim(value) == 0 and jnp.result_type(value) == jnp.bool_:
                raise _computed_bool_identity_error(other, negate)
            if kind is bool:
                same = jnp.asarray(value, bool) == other
                return jnp.logical_not(same) if negate else same
            break
    return (a is not b) if negate else (a is b)


def stand_in_type(obj):
    """The Python type of the value a runtime stand-in holds (``list`` for a list a
    traced ``if`` resized, ``dict``/``set`` for masked ones, the chosen functions' type),
    or None when ``obj`` is no stand-in. Type tests must answer for Python's value, not
    for py2lax's container (``isinstance(L, list)`` after ``if x > 0: L.append(v)``)."""
    from py2lax.runtime import append_only, choices, masked_containers, undefined
    if builtins.isinstance(obj, undefined.Undefined):
        obj._fail()  # Python raises UnboundLocalError at this read
    if builtins.isinstance(obj, append_only.AppendOnly):
        raise append_only.ListRead()  # the loop runs another way (it reads the list)
    if builtins.isinstance(obj, masked_containers.MaskedList):
        return builtins.list
    if builtins.isinstance(obj, masked_containers.MaskedDict):
        return builtins.dict
    if builtins.isinstance(obj, masked_containers.MaskedSet):
        return builtins.set
    if builtins.isinstance(obj, masked_containers._View):
        return builtins.type(getattr({}, obj.part)())
    if builtins.isinstance(obj, masked_containers.Enumerated):
        return builtins.enumerate
    if builtins.isinstance(obj, choices.FunctionChoice):
        kinds = {builtins.type(c) for c in obj.candidates}
        if len(kinds) == 1:
            return kinds.pop()
        raise _mixed_error("`isinstance`/`type`", "a function of one type on some paths "
                           "and of another on others")
    return None


def _optional_isinstance(obj, classinfo):
    """``isinstance`` of a value that is None on some traced paths: the traced flag
    where only one of None and the value passes the test."""
    from py2lax.runtime.optional_values import OptionalValue
    if not builtins.isinstance(obj, OptionalValue):
        return None
    none_passes = builtins.isinstance(None, classinfo)
    value_passes = traced_isinstance(obj.value, classinfo)
    if is_traced(value_passes):
        raise _mixed_error("`isinstance`", "None on some paths and a value on others")
    if none_passes == value_passes:
        return none_passes
    return obj.present if value_passes else jnp.logical_not(obj.present)


def traced_isinstance(obj, classinfo):
    """Python's ``isinstance(obj, classinfo)``, where a traced ``obj`` that stands for a
    Python number answers for that number's type, and a runtime stand-in for the value it
    holds."""
    standing = stand_in_type(obj)
    if standing is not None:
        return builtins.issubclass(standing, classinfo)
    optional = _optional_isinstance(obj, classinfo)
    if optional is not None:
        return optional
    kind = python_kind(obj) if is_traced(obj) else None
    if kind is MIXED:
        raise _mixed_error("`isinstance`", "of one Python type on some paths and of "
                           "another (or an array) on others")
    if kind is not None:
        return builtins.issubclass(kind, classinfo)
    return builtins.isinstance(obj, classinfo)


def traced_type(*arguments):
    """Python's ``type(obj)``, where a traced ``obj`` that stands for a Python number
    gives that number's type (``type(name, bases, namespace)`` is Python's)."""
    if len(arguments) == 1 and builtins.type(arguments[0]) is StringChoice:
        return builtins.str  # a string a traced condition chose (runtime/choices.py)
    if len(arguments) == 1:
        standing = stand_in_type(arguments[0])
        if standing is not None:
            return standing
        if _is_optional(arguments[0]):
            raise _mixed_error("`type`", "None on some paths and a value on others")
    if len(arguments) == 1 and is_traced(arguments[0]):
        kind = python_kind(arguments[0])
        if kind is MIXED:
            raise _mixed_error("`type`", "of one Python type on some paths and of "
                               "another (or an array) on others")
        if kind is not None:
            return kind
    return builtins.type(*arguments)


def _is_optional(value) -> bool:
    from py2lax.runtime.optional_values import OptionalValue
    return builtins.isinstance(value, OptionalValue)


def _computed_bool_identity_error(constant: bool, negate: bool) -> TracedValueError:
    test = f"`{'is not' if negate else 'is'} {constant}`"
    return TracedValueError(
        f"the {test} test (or `case {constant}:`) reads a traced bool the program computed, "
        "whose identity with the object True or False depends on the caller's values",
        location=user_location(),
        rule="a comparison of Python numbers gives the object True or False, one of arrays "
        "gives an array's bool, which is never `is True`; a traced value could be either.",
        fix=f"test the value instead: `if flag:` / `if not flag:`, `flag == {constant}`, or in "
        "a `match`, `case _ if flag:`.",
    )


def _mixed_error(test: str, what: str) -> TracedValueError:
    return TracedValueError(
        f"the {test} test reads a value that a traced `if` or loop made, which is {what}: "
        "which Python type it has is known only at run time",
        location=user_location(),
        rule="a traced branch or loop joins its paths into one array; Python's identity and "
        "type tests look at which Python object each path left, and that differs here.",
        fix="give the variable one Python type on every path (e.g. `flag = False` before the "
        "loop and `flag = True` in it, not `flag = 0`), or test its value instead of its "
        "type or identity (`if flag:` rather than `if flag is True:`).",
    )
