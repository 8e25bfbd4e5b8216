"""Variables that are ``None`` or a value, decided by a traced condition.

Real code writes ``best = None`` before a loop and ``best = i`` in a traced ``if`` inside
it, then tests ``if best is None:``. Python's ``best`` is ``None`` or an int, which one
known only at run time. lax cannot carry ``None`` beside an array, but it can carry the
value and whether it is there: the traced ``if`` (or loop) gives an
:class:`OptionalValue`, a traced ``present`` flag and the value (zeros where absent).

The conversion rewrites what the code does with such a name (``transforms/none_checks``):

- ``best is None`` / ``best is not None`` become :func:`is_none` / :func:`is_not_none`,
  the traced flag, so ``if best is None:`` is a traced ``if`` as usual;
- a read where the code has just checked (``if best is not None: total += best``, ``best
  is None or v[best] < v[i]``, after ``if best is None: return -1``) becomes
  :func:`present`, the value itself.

Any other use (arithmetic, indexing, a ``jnp`` function) needs to know whether the value
is there, so it is refused at the user's line, saying to check first; so is returning
one from the converted function (as a path that falls off the end is: a compiled
function returns arrays, whatever path runs). Only the names the conversion rewrote are
carried this way (the statement's ``StatementInfo.optional``); for any other name,
``None`` on one path only stays the located structure error.

A helper that returns None on one path (``return None`` after a search loop) gives its
caller an optional when the caller only tests the result (``r = first_neg(v)``, then ``r
is None`` and reads the test checked): the call is ``py2lax.converted(first_neg,
result_tested=True)(v)`` (:func:`running`, :func:`result_tested`). Any other caller gets
the located error of a function returning None on one path.

Python meaning, on Python values::

    is_none(v) == (v is None); is_not_none(v) == (v is not None); present(v) is v
"""

from __future__ import annotations

import contextlib
import threading
import types
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from py2lax.diagnostics.errors import InconsistentReturnError, TracedValueError
from py2lax.runtime.values import marked_along_wrappers


class OptionalValue:
    """``None`` or ``value``, as the traced bool ``present`` says."""

    __slots__ = ("present", "value", "name", "location")

    def __init__(self, present, value, name: str | None = None, location=None):
        self.present, self.value, self.name = present, value, name
        self.location = location  # the statement that made it (for the refusals)

    def __repr__(self) -> str:
        return f"<None or {self.value!r}, chosen by a traced condition>"

    def __eq__(self, other):  # `best == None`: the traced flag, as `is None` gives
        if other is None:
            return jnp.logical_not(self.present)
        raise _needs_check(self, "`==`")

    def __ne__(self, other):
        if other is None:
            return self.present
        raise _needs_check(self, "`!=`")

    __hash__ = None

    def __bool__(self):
        raise _needs_check(self, "its truth value")

    def __jax_array__(self):
        raise _needs_check(self, "a jnp function")

    def __array__(self, *_args, **_kwargs):
        raise _needs_check(self, "a NumPy function")

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        raise _needs_check(self, f"`.{attribute}`")

    def __iter__(self):
        raise _needs_check(self, "iterating over it")

    def __len__(self):
        raise _needs_check(self, "`len()`")

    def __getitem__(self, _key):
        raise _needs_check(self, "indexing")

    def __index__(self):
        raise _needs_check(self, "using it as an index")

    def __int__(self):
        raise _needs_check(self, "`int()`")

    def __float__(self):
        raise _needs_check(self, "`float()`")


def _refused_operator(symbol: str):
    def operator(self, *_other):
        raise _needs_check(self, f"`{symbol}`")
    return operator


for _name, _symbol in [("add", "+"), ("sub", "-"), ("mul", "*"), ("truediv", "/"),
                       ("floordiv", "//"), ("mod", "%"), ("pow", "**"), ("matmul", "@"),
                       ("and", "&"), ("or", "|"), ("xor", "^"), ("lshift", "<<"),
                       ("rshift", ">>")]:
    setattr(OptionalValue, f"__{_name}__", _refused_operator(_symbol))
    setattr(OptionalValue, f"__r{_name}__", _refused_operator(_symbol))
for _name, _symbol in [("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="), ("neg", "-"),
                       ("pos", "+"), ("abs", "abs()"), ("invert", "~")]:
    setattr(OptionalValue, f"__{_name}__", _refused_operator(_symbol))


# (The name and location are not part of the tree structure: two paths that name the
# value differently still give lax one structure; the statement names its results.)
jax.tree_util.register_pytree_node(
    OptionalValue, lambda optional: ((optional.present, optional.value), None),
    lambda _aux, children: OptionalValue(*children))


def named(values, positions, info) -> None:
    """Name the optionals among a statement's results after its variables."""
    for index in positions:
        if index < len(values) and type(values[index]) is OptionalValue:
            values[index].name = info.name_of(index)
            values[index].location = info.location


def _optionals_in(value) -> list[OptionalValue]:
    return [leaf for leaf in jax.tree_util.tree_leaves(
        value, is_leaf=lambda v: type(v) is OptionalValue) if type(leaf) is OptionalValue]


def holds_optional(values) -> bool:
    """Whether ``values`` (arguments, closure cells) hold an optional anywhere."""
    for value in values:
        if isinstance(value, types.CellType):
            try:
                value = value.cell_contents
            except ValueError:  # an empty cell
                continue
        if _optionals_in(value):
            return True
    return False


def check_not_returned(result, function_name: str) -> None:
    """A converted function's result holding an optional: refused, as a path that falls
    off the end is (a compiled function returns arrays whatever path runs)."""
    for leaf in _optionals_in(result):
        name = repr(leaf.name) if leaf.name else "a value"
        raise InconsistentReturnError(
            f"function {function_name!r} returns {name}, which is None or a value "
            "depending on a traced condition",
            location=leaf.location, names=(leaf.name,) if leaf.name else (),
            rule="a compiled function returns the same type whatever its traced values "
                 "are; None is not an array.",
            fix=f"return a value on every path (e.g. `if {leaf.name or 'value'} is None: "
                f"{leaf.name or 'value'} = -1` before the return), or return a flag "
                "beside it (`found = True` where it is set).")


# -- a helper's result, tested by its caller -------------------------------------------
class _ResultsTested(threading.local):
    """Per converted function running (innermost last): whether its caller tests its
    result for None (``r = first_neg(v)``, then only ``r is None`` and reads the test
    checked): then a traced condition may choose between returning a value and None, and
    the function returns an optional (``py2lax.converted(f, result_tested=True)``)."""

    def __init__(self):
        self.stack: list[bool] = []


RESULTS_TESTED = _ResultsTested()


def result_tested() -> bool:
    """Whether the converted function running now may return an optional (see above)."""
    stack = RESULTS_TESTED.stack
    return bool(stack) and stack[-1]


@contextlib.contextmanager
def running(tested: bool):
    """Around a call of a converted helper: its caller tests its result (or does not)."""
    RESULTS_TESTED.stack.append(tested)
    try:
        yield
    finally:
        RESULTS_TESTED.stack.pop()


# -- what the generated code calls ----------------------------------------------------
def is_none(value):
    """``value is None``; for a value a traced condition may have left unset, the traced
    flag.

    >>> is_none(None), is_none(0.0)
    (True, False)
    """
    if type(value) is OptionalValue:
        return jnp.logical_not(value.present)
    return value is None


def is_not_none(value):
    """``value is not None``; for a value a traced condition may have left unset, the
    traced flag (see :func:`is_none`).

    >>> is_not_none(None), is_not_none(0.0)
    (False, True)
    """
    if type(value) is OptionalValue:
        return value.present
    return value is not None


def present(value):
    """``value``, read where the code has checked that it is not None: an optional's
    value (on a path where it is absent the result is never used).

    >>> present(3)
    3
    """
    return value.value if type(value) is OptionalValue else value


# -- joining paths ----------------------------------------------------------------------
@dataclass(frozen=True)
class OptionalPlan:
    """The value an optional carries: its tree structure and leaf shapes and dtypes."""

    treedef: object
    leaves: tuple  # (shape, dtype) per leaf

    def absent(self, name=None) -> OptionalValue:
        zeros = [jnp.zeros(shape, dtype) for shape, dtype in self.leaves]
        return OptionalValue(jnp.asarray(False), jax.tree_util.tree_unflatten(self.treedef, zeros),
                             name)


@dataclass(frozen=True)
class Shape:
    """What a path gives a variable, as a plan needs it (no tracers kept): ``kind`` is
    "none", "optional", "value" (arrays and numbers) or "other"."""

    kind: str
    plan: OptionalPlan | None = None


def shape_of(value) -> Shape:
    if value is None:
        return Shape("none")
    inner = value.value if type(value) is OptionalValue else value
    leaves, treedef = jax.tree_util.tree_flatten(inner)
    if not leaves or not all(isinstance(leaf, (jax.Array, np.ndarray, np.generic, bool, int,
                                               float)) for leaf in leaves):
        return Shape("other")
    try:
        plan = OptionalPlan(treedef, tuple((np.shape(leaf), jnp.result_type(leaf))
                                           for leaf in leaves))
    except (TypeError, ValueError):  # (a dtype jnp cannot name: left to the usual errors)
        return Shape("other")
    return Shape("optional" if type(value) is OptionalValue else "value", plan)


def plan_for(*values) -> OptionalPlan | None:
    """How ``values`` (what the paths give one variable, or their :class:`Shape`) are
    carried as one optional, or None when they need no optional (no path gives None, or
    one gives something lax cannot carry, or the paths' values differ in structure: the
    usual errors name those)."""
    shapes = [v if type(v) is Shape else shape_of(v) for v in values]
    kinds = {s.kind for s in shapes}
    if "other" in kinds or not ({"none", "optional"} & kinds) or kinds == {"none"}:
        return None
    plans = [s.plan for s in shapes if s.plan is not None]
    if len({p.treedef for p in plans}) != 1:
        return None
    return plans[0]


def as_optional(value, plan: OptionalPlan, name: str | None = None) -> OptionalValue:
    """``value`` (None, a value, or an optional) as an optional carrying ``plan``'s value."""
    if type(value) is OptionalValue:
        return OptionalValue(value.present, value.value, name or value.name, value.location)
    if value is None:
        return plan.absent(name)
    return OptionalValue(jnp.asarray(True), value, name)


# -- loops: a variable None before the loop that an iteration may set -----------------
class _NewOptional(Exception):
    """An iteration gave a value to a carried variable that was None."""


def watched(body_fn) -> bool:
    return marked_along_wrappers(body_fn, "optionals_watched")


def optional_positions(carry, info) -> list[int]:
    """Where the carry holds None (for a name the conversion rewrote) or an optional."""
    names = getattr(info, "optional", ())
    return [i for i, v in enumerate(carry)
            if type(v) is OptionalValue or (v is None and info.name_of(i) in names)]


def through_loop(run, body_fn, carry, positions, info):
    """``run(body_fn, carry)`` for a lax loop whose carry holds a variable that is None
    (or an optional) and that an iteration may set: traced once to see the value the body
    gives it, then carried as an optional of that value from the start."""
    plans: dict[int, OptionalPlan] = {}
    for _round in range(len(positions) + 1):
        found: dict[int, OptionalPlan] = {}
        state = tuple(as_optional(v, plans[i], info.name_of(i)) if i in plans else v
                      for i, v in enumerate(carry))
        body = _watching(body_fn, positions, plans, found, info)
        try:
            results = run(body, state)
        except _NewOptional:
            plans.update(found)
            continue
        named(results, positions, info)
        return results
    return run(body_fn, carry)  # a plan that does not settle: the usual errors say why


def _watching(body_fn, positions, plans, found, info):
    def body(*arguments):
        result = list(body_fn(*arguments))
        for index in positions:
            if index >= len(result):
                continue
            value = result[index]
            if index in plans:
                result[index] = as_optional(value, plans[index], info.name_of(index))
            elif value is not None:
                plan = plan_for(None, value)
                if plan is not None:
                    found[index] = plan
        if found:
            raise _NewOptional()
        return tuple(result)

    body.__wrapped__ = body_fn
    body.optionals_watched = True
    return body


# -- the refusal -------------------------------------------------------------------------
def _needs_check(optional: OptionalValue, what: str) -> TracedValueError:
    from py2lax.runtime.conversions import user_location
    name = repr(optional.name) if optional.name else "this value"
    return TracedValueError(
        f"{what} needs {name}, which is None or a value depending on a traced condition",
        location=user_location(), names=(optional.name,) if optional.name else (),
        rule="a traced `if` or loop compiles every path; whether it left None is known only "
             "when the program runs, so the value can be used only where the code has "
             "checked that it is not None.",
        fix=f"check first (`if {optional.name or 'value'} is not None:` around the use, or "
            f"`if {optional.name or 'value'} is None: return ...` before it), or give it a "
            "value on every path instead of None.",
    )
