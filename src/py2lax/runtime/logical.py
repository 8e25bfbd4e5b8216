"""``and``, ``or`` and ``not`` that keep Python's meaning on static and traced values.

Python meaning: ``and_(a, lambda: b)`` is ``a and b``; ``or_(a, lambda: b)`` is
``a or b``; ``not_(a)`` is ``not a``; ``in_(a, b)`` is ``a in b``. Static operands short-circuit exactly as in Python
(later operands are not evaluated). Once an operand is traced, the result is selected at
run time: ``x or y`` is ``jnp.where(x != 0, x, y)``, which for boolean operands is simply
``jnp.logical_or(x, y)`` (and likewise for ``and``).
"""

from __future__ import annotations

import functools
import numbers
import operator

import jax.numpy as jnp
from jax import lax
import numpy as np

from py2lax.diagnostics.errors import TracedValueError
from py2lax.diagnostics.statements import describe
from py2lax.runtime.choices import is_string_like
from py2lax.runtime.conditionals import choose
from py2lax.runtime.conversions import runs_only_when
from py2lax.runtime.effects import Snapshot
from py2lax.runtime.masked_containers import truth_of
from py2lax.runtime.python_state import Touched
from py2lax.runtime.python_types import identical
from py2lax.runtime.values import is_jax_array, is_traced, truth


def and_(first, *rest):
    """Python's ``first and rest[0]() and ...``: ``rest`` are thunks, evaluated only if needed.

    >>> import jax
    >>> and_(0, lambda: 1 / 0)  # short-circuits as Python does
    0
    >>> bool(jax.jit(lambda x: and_(x > 0, lambda: x < 1))(0.5))  # jnp.logical_and
    True
    """
    return _short_circuit(first, rest, stop_on=False)


def or_(first, *rest):
    """Python's ``first or rest[0]() or ...``: ``rest`` are thunks, evaluated only if needed.

    A traced operand that is not a boolean is selected with ``jnp.where``, as Python
    returns the operand itself:

    >>> import jax
    >>> or_(0, lambda: 5)
    5
    >>> float(jax.jit(lambda x, default: or_(x, lambda: default))(0.0, 7.0))
    7.0
    """
    return _short_circuit(first, rest, stop_on=True)


def not_(value):
    """Python's ``not value``; ``jnp.logical_not`` of its truth value when traced.

    >>> import jax
    >>> not_([])
    True
    >>> bool(jax.jit(lambda x: not_(x > 0))(1.0))
    False
    """
    value = truth_of(value)  # (a list a traced `if` resized: whether it has items)
    if is_traced(value):
        return lax.bitwise_not(truth(value))
    return not value


def in_(item, container):
    """Python's ``item in container``; with traced values in a list or tuple, whether one
    element is ``item`` or equals it, as a traced bool.

    >>> import jax
    >>> in_(2, [1, 2, 3])
    True
    >>> bool(jax.jit(lambda c: in_(c, [1, 2, 3]))(2))
    True
    """
    from py2lax.runtime.masked_containers import is_masked

    if is_masked(container):  # a list or dict whose length a traced `if` decided
        return container.contains(item)
    if isinstance(container, (list, tuple)) and (
            is_traced(item) or any(is_traced(element) for element in container)):
        found = []
        for element in container:
            equal = True if element is item else element == item
            if not is_traced(equal):
                if bool(equal):
                    return True  # Python stops here: the element is in the container
                continue
            found.append(truth(equal))
        return jnp.any(jnp.stack(found)) if found else False
    return item in container


_COMPARISONS = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne, "is": identical,
    "is not": functools.partial(identical, negate=True),
    "in": in_, "not in": lambda a, b: not_(in_(a, b)),
}


def compare(first, *rest):
    """A chained comparison whose operands are each evaluated once, and only if needed.

    ``rest`` alternates operator spellings and thunks: ``compare(a, "<", lambda: b(),
    "<", lambda: c())`` is Python's ``a < b() < c()``.

    >>> import jax, jax.numpy as jnp
    >>> compare(0, "<", lambda: 0.5, "<", lambda: 1)
    True
    >>> bool(jax.jit(lambda x: compare(0, "<", lambda: jnp.sin(x), "<", lambda: 0.5))(0.3))
    True
    """
    links = [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]
    operands = [first]

    def link(index):
        spelling, thunk = links[index]
        operands.append(thunk())
        return _COMPARISONS[spelling](operands[index], operands[index + 1])

    later = [functools.partial(link, index) for index in range(1, len(links))]
    return _short_circuit(link(0), later, stop_on=False)


def _short_circuit(value, thunks, stop_on: bool):
    """Python's ``or`` (``stop_on=True``) or ``and`` over operands, traced ones selected."""
    thunks = list(thunks)
    for index, following in enumerate(thunks):
        if is_traced(value):
            return _after_traced(value, thunks[index:], stop_on)
        if bool(value) == stop_on:
            return value  # a static operand decides: Python returns it, later ones never run
        value = following()
    return value


def _after_traced(value, thunks, stop_on: bool):
    """``value or rest`` / ``value and rest`` for a traced ``value``: whether Python
    evaluates the rest is decided at run time.

    Operands without side effects are all evaluated and the result selected
    (``jnp.logical_and``, ``jnp.where``), as one writes by hand. An operand that changes
    Python objects or raises (``lst.pop()``, ``d["missing"]``) would do so whichever way
    ``value`` goes: its effects are undone and the rest runs in a ``lax.cond`` branch
    instead, which carries them with Python's meaning or refuses them at the user's line.
    """
    thunks = tuple(thunks)  # a tuple: the branch's watcher sees the objects they reach

    def rest():
        return _short_circuit(thunks[0](), thunks[1:], stop_on)

    before = Snapshot(thunks)
    guards = before.guard()  # an iterator the rest would advance (`flag or next(it)`)
    try:
        with runs_only_when(lambda: lax.bitwise_not(truth(value)) if stop_on else truth(value)):
            later = rest()
        clean = not before.changes()
    except Touched:  # the rest advances an iterator: it must run only in its branch
        clean = False
    except Exception:  # noqa: BLE001 - it is raised again, inside the branch, if it must be
        clean = False
    finally:
        guards.remove()
    if clean:
        _check_selectable(value, later, thunks[0], stop_on)
        return _select(truth(value), value, later, stop_on)
    before.restore()
    info = describe(thunks[0], "ternary", 1)
    keep = lambda: value  # noqa: E731
    condition = truth(value, info.location)
    return choose(condition, keep, rest, info) if stop_on else choose(condition, rest, keep, info)


def _select(condition, operand, result, stop_on: bool):
    """``operand if condition else result`` for ``or``; the other way round for ``and``."""
    if _is_bool(operand) and _is_bool(result):
        result = truth(result)  # booleans: lax.or_/and_, as one writes by hand (no casts)
        return lax.bitwise_or(condition, result) if stop_on else lax.bitwise_and(condition, result)
    return jnp.where(condition, operand, result) if stop_on else jnp.where(condition, result, operand)


def _check_selectable(value, later, thunk, stop_on: bool) -> None:
    """Refuse, at the user's line, an ``and``/``or`` whose result Python would choose
    between a traced value and an object that is no number or array (a list, ``None``,
    a string): which one it returns is known only when the program runs, and only arrays
    can be chosen there (``jnp.where``)."""
    for operand in (value, later):
        if not _selectable(operand):
            word = "or" if stop_on else "and"
            kind = "str" if is_string_like(operand) else type(operand).__name__
            info = describe(thunk, "ternary", 1)
            raise TracedValueError(
                f"`{word}` between a traced value and a {kind}: Python's `{word}` returns one "
                f"of its operands, and which one depends on the traced value, but a {kind} is "
                "not a number or array that can be chosen when the compiled program runs",
                location=info.location, names=(kind,),
                rule="under jit, `a and b` / `a or b` with a traced operand is computed with "
                "`jnp.where`, so every operand it may return must be a number or an array.",
                fix="test the object's truth explicitly so both operands are booleans: "
                f"`v > 0 {word} len(items) > 0`, `v > 0 {word} d is not None`, or "
                f"`v > 0 {word} bool(s)` for a string.")


def _selectable(value) -> bool:
    """A number or an array: what ``jnp.where`` can choose."""
    return (isinstance(value, (numbers.Number, np.ndarray, np.generic)) or is_jax_array(value)
            or hasattr(value, "__jax_array__"))


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_)) or getattr(value, "dtype", None) == jnp.bool_
