"""Python values (strings, functions, objects) among the arrays a lax primitive carries.

``lax.cond`` chooses between arrays and lax loops carry arrays; a string such as
``label = "large"`` has no traced form. Such a value can still travel through a traced
statement when it is the same on every path: both branches give ``"small"``, or every
iteration leaves it as it was. Then it is set aside while lax runs and put back
afterwards. When a traced condition or iteration would change it, Python's result
depends on values known only at run time, and the user gets a located error naming
the variable.
"""

from __future__ import annotations

import jax
import numpy as np

from py2lax.diagnostics.errors import CarryTypeError
from py2lax.runtime.choices import StringChoice
from py2lax.runtime.undefined import Undefined
from py2lax.diagnostics.statements import StatementInfo


def is_carriable(leaf) -> bool:
    """A pytree leaf lax can carry: an array or a number."""
    return isinstance(leaf, (jax.Array, np.ndarray, np.generic, bool, int, float, complex))


class _SetAside:
    """Stands in a carried value's place for a Python value set aside (no leaves)."""

    def __repr__(self) -> str:
        return "<set aside>"


SET_ASIDE = _SetAside()
jax.tree_util.register_pytree_node(_SetAside, lambda _: ((), None), lambda _aux, _: SET_ASIDE)


def set_aside(value) -> tuple[object, list]:
    """``value`` with its Python leaves replaced by a stand-in, and those leaves in order."""
    leaves, treedef = jax.tree_util.tree_flatten(value)
    python = [leaf for leaf in leaves if not is_carriable(leaf)]
    if not python:
        return value, []
    kept = [leaf if is_carriable(leaf) else SET_ASIDE for leaf in leaves]
    return jax.tree_util.tree_unflatten(treedef, kept), python


def put_back(value, python: list):
    """Undo :func:`set_aside` on a value lax returned (the stand-ins in the same order)."""
    if not python:
        return value
    leaves, treedef = jax.tree_util.tree_flatten(value, is_leaf=lambda x: x is SET_ASIDE)
    remaining = iter(python)
    leaves = [next(remaining) if leaf is SET_ASIDE else leaf for leaf in leaves]
    return jax.tree_util.tree_unflatten(treedef, leaves)


def same_python_value(a, b) -> bool:
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - values that cannot be compared are not the same
        return False


def check_same_on_both_sides(name: str, left: list, right: list, info: StatementInfo,
                             sides: tuple[str, str]) -> None:
    """The Python values two paths give variable ``name`` must be equal."""
    for a, b in zip(left, right):
        if not same_python_value(a, b):
            raise python_value_error(name, a, b, info, sides)
    if len(left) != len(right):
        a = left[len(right)] if len(left) > len(right) else "an array"
        b = right[len(left)] if len(right) > len(left) else "an array"
        raise python_value_error(name, a, b, info, sides)


def python_value_error(name: str, a, b, info: StatementInfo,
                       sides: tuple[str, str]) -> CarryTypeError:
    loop = info.kind not in ("if", "ternary")
    if not loop and type(a) is type(b) and _default_repr(a):
        return _placed_object_error(name, a, info, sides)
    if loop:
        problem = (f"variable {name!r} is {_shown(a)} before this traced `{info.kind}` loop "
                   f"but {_shown(b)} after an iteration")
    else:
        problem = (f"{info.subject(name)} is {_shown(a)} in the {sides[0]} but {_shown(b)} "
                   f"in the {sides[1]} of this {info.statement}, whose condition is traced")
    return CarryTypeError(
        f"{problem}; only arrays and numbers can depend on a traced value",
        location=info.location, names=(name,),
        rule=("a lax loop carries arrays from one iteration to the next; a string, None or "
              "other Python value must stay the same in every iteration." if loop else
              "lax.cond compiles both branches into one program and chooses between "
              "arrays at run time; a string, None or other Python value must be the same "
              "in both branches."),
        fix=("make the condition static (`static_argnames=`) so Python chooses, or encode "
             f"the choice as a number (e.g. `{name}_code = jnp.where(cond, 1, 0)`) and turn "
             "it into a Python value outside the compiled function."),
    )


def _placed_object_error(name: str, a, info: StatementInfo, sides) -> CarryTypeError:
    """``objs[0], objs[1] = objs[1], objs[0]`` under a traced condition: which object
    sits at a place in a container is what the branches disagree on."""
    kind = type(a).__qualname__
    return CarryTypeError(
        f"{info.subject(name)} holds another {kind} object in the {sides[0]} than in the "
        f"{sides[1]} of this {info.statement}, whose condition is traced: which object sits "
        "at a place in a list, tuple or dict would depend on a traced value",
        location=info.location, names=(name,),
        rule="lax.cond returns arrays, never Python objects. py2lax follows a name bound to "
        "one of two objects (`t = a`, then `if c: t = b`), but not an object's place inside "
        "a container: every other name holding either object would have to see it move.",
        fix=f"keep each {kind} at its place and choose the values instead (swap their "
        "attributes, e.g. `a.v, b.v = b.v, a.v`, or `a.v = jnp.where(c, b.v, a.v)`), keep "
        f"the choice as a position (`k = jnp.where(c, 1, 0)`, then read "
        f"`jnp.stack([o.v for o in {name}])[k]`), or make the condition static "
        "(`static_argnames=`).",
    )


def _default_repr(value) -> bool:
    """An object whose repr is ``<V object at 0x...>``: its address says nothing."""
    return type(value).__repr__ is object.__repr__ and not isinstance(value, type)


def _shown(value) -> str:
    if type(value) is str and value == "an array":
        return value
    if type(value) is StringChoice:  # a string a traced condition chose
        return "one of " + " or ".join(repr(c) for c in value.candidates)
    text = repr(value)
    return text if len(text) <= 40 and not _default_repr(value) else (
        f"a {type(value).__name__}")


def unchanged_python_values(body_fn, carry: tuple, skip: int, info: StatementInfo):
    """Positions of ``carry`` holding Python values, and ``body_fn`` checking that every
    iteration leaves them as they were (else the located error)."""
    positions = [i for i, value in enumerate(carry)
                 if set_aside(value)[1] and not _is_marker(value)]
    if not positions:
        return positions, body_fn
    before = {i: set_aside(carry[i])[1] for i in positions}

    def checked(*arguments):
        result = tuple(body_fn(*arguments))
        for index in positions:
            after = set_aside(result[index])[1]
            check_same_on_both_sides(info.name_of(index), before[index], after, info,
                                     ("value before the loop", "value after one iteration"))
        return result

    checked.__wrapped__ = body_fn
    return positions, checked


def _is_marker(value) -> bool:
    return isinstance(value, Undefined)
