"""Which object a name holds after a traced ``if`` that chose between objects.

``lax.cond`` returns values, never Python objects. Where a traced ``if`` keeps an object
on one path and binds another on the other (``t = a`` then ``if x > 0: t = b``), Python's
``t`` *is* ``a`` or ``b``; the compiled program can only give ``t`` a new object holding
the chosen values (``objects._chosen_object``). Everything Python decides through
identity would then silently differ: a change through ``t`` would reach neither ``a`` nor
``b``, a change through ``a`` would not show in ``t``, and ``t is a`` would always be
False. This module keeps, for each such new object, the objects it stands for (its
*candidates*) and the traced code saying which one it is (a :class:`Choice`), so that:

* a change through the name reaches the candidate the condition chose
  (:meth:`Choice.propagate`), and a change through a candidate reaches the name where it
  was chosen (:func:`follow_candidate_change`);
* ``t is a`` (:func:`same_object`), ``t in [a, b]`` (:func:`contains`) and ``t == a`` for
  a class without ``__eq__`` (:func:`equal`), which ``transforms/identity_checks.py``
  writes for the user's tests, are traced bools where the answer depends on the
  condition, and Python's own answer everywhere else;
* what cannot follow (an attribute holding an object chosen between two, a change made
  inside a later traced statement that does not carry the object) is refused at the
  choice's line with an ``OuterWriteError``.

The identity codes themselves (which object each branch's result is) are made here too
(:class:`Identity`, :func:`outside_code`); ``runtime/objects.py`` carries them through
``lax.cond`` with the objects' attributes.
"""

from __future__ import annotations

import builtins
import contextlib
import threading

import jax
import jax.numpy as jnp

from py2lax.diagnostics.errors import OuterWriteError, TracedValueError
from py2lax.runtime.attributes import attributes_of
from py2lax.runtime.chosen_containers import check_not_chosen

try:  # JAX internals: the trace now running (a later change must be made in the same one)
    from jax._src.core import trace_ctx as _trace_ctx
except ImportError:  # pragma: no cover - depends on the installed JAX
    _trace_ctx = None


class _Branches(threading.local):
    """The branches of traced ``if``s being traced now, innermost last."""

    def __init__(self):
        self.depth, self.made = 0, []


_BRANCHES = _Branches()


def current_trace():
    return getattr(_trace_ctx, "trace", None) if _trace_ctx is not None else None


def assign(obj, name: str, value) -> None:
    """``setattr``, also on a frozen dataclass (whose copies py2lax fills in itself)."""
    try:
        setattr(obj, name, value)
    except AttributeError:  # dataclasses.FrozenInstanceError is one
        object.__setattr__(obj, name, value)


class Choice:
    """An object a traced condition chose: the name holds ``chosen``, a new object, where
    Python's name holds one of ``candidates`` (by operand position, the traced ``code``
    saying which). A change through the name is made in ``chosen`` and, where the
    condition chose it, in the candidate, so every other name sees Python's state."""

    def __init__(self, chosen, code, candidates, info, index):
        self.chosen, self.code, self.candidates = chosen, code, candidates
        self.info, self.index = info, index
        self.trace = current_trace()
        # Made inside another traced `if`'s branch: the candidates from outside that
        # branch are written by the outer statement (see `deferred`), these names of them.
        self.outer = _BRANCHES.depth > 0
        self.pending: set[str] = set()

    def deferred(self, candidate) -> bool:
        """Whether a write into ``candidate`` waits for the enclosing statement: the choice
        was made inside another traced ``if``'s branch and ``candidate`` is no working
        copy of that statement's (``c`` in ``if x > 0: t = b`` then ``if x > 2: t = c``).
        Written here, it would keep the branch's traced values after the branch; the
        outer statement learns the choice through :func:`chosen_code` instead, or the
        branch writes them when it ends if the chosen object does not leave it
        (:func:`flush_choices`)."""
        from py2lax.runtime.objects import original_of

        return self.outer and original_of(candidate) is None

    def write(self, position: int, candidate, names, what: str) -> None:
        """``chosen``'s ``names`` written into ``candidate`` where the condition chose it."""
        if self.deferred(candidate):
            self.pending.update(names)
            return
        for name in names:
            assign(candidate, name, self.blend(position, getattr(self.chosen, name, None),
                                               getattr(candidate, name, None), name, what))

    def flush(self) -> None:
        """The deferred writes, made now: the chosen object does not leave the branch."""
        self.outer, names = False, tuple(sorted(self.pending))
        for position, candidate in self.candidates:
            self.write(position, candidate, names, "a change")

    @property
    def name(self) -> str:
        return self.info.name_of(self.index) if self.info.kind != "ternary" else "value"

    def check_reachable(self, what: str) -> None:
        """The change must be made where the choice was: a traced statement run later
        carries its own copy, and only its write-back may reach the candidates."""
        if self.trace is None or current_trace() is not self.trace:
            raise self.error(what, "it is changed inside a traced statement that does not "
                             "carry it")

    def propagate(self, names) -> None:
        """``chosen``'s new ``names`` written into the candidate the condition chose."""
        for position, candidate in self.candidates:
            self.write(position, candidate, names, "a change")
            inner = choice_of(candidate)
            if inner is not None and inner is not self:
                inner.propagate(names)

    def pull(self, candidate, names) -> None:
        """``candidate``'s new ``names`` written into ``chosen`` where the condition chose
        that candidate (``a.n = ...`` after ``t = a; if x > 0: t = b``)."""
        for position, held in self.candidates:
            if held is not candidate:
                continue
            for name in names:
                assign(self.chosen, name, self.blend(
                    position, getattr(candidate, name, None),
                    getattr(self.chosen, name, None), name, "a change through another name"))

    def blend(self, position: int, new, old, name: str, what: str):
        """``new`` where the condition chose the candidate at ``position``, else ``old``."""
        from py2lax.runtime.objects import ObjectState, is_plain_object

        try:
            if isinstance(new, ObjectState) or is_plain_object(new) or old is None:
                raise TypeError("not an array")
            return jax.tree_util.tree_map(
                lambda a, b: jnp.where(self.code == position, a, b), new, old)
        except (TypeError, ValueError):
            raise self.error(f"{what} of its attribute {name!r}",
                             "only arrays and numbers (or lists and dicts of them) can be "
                             "chosen between the two") from None

    def is_candidate(self, position: int):
        """Whether the condition chose the candidate at ``position`` (a traced bool)."""
        return self.code == position

    def error(self, what: str, why: str, kind=OuterWriteError,
              fix: str | None = None) -> OuterWriteError:
        return kind(
            f"variable {self.name!r} holds a new object on one path of this traced "
            f"{self.info.statement} and the object it held before on the other, which "
            f"another name may hold too; {what} cannot follow it: {why}",
            location=self.info.location, names=(self.name,),
            rule="lax.cond returns new values; it cannot make a name refer to one of two "
            "Python objects that other names also hold.",
            fix=fix or f"keep {self.name!r} the same object on every path (assign its "
            "attributes instead of binding a new object), or bind a new object on every "
            f"path (`{self.name} = copy.copy({self.name})` before the statement) so that "
            "no other name holds it")


_CHOICES: dict[int, tuple] = {}  # id(chosen object) -> (the object, its Choice)
_BY_CANDIDATE: dict[int, list] = {}  # id(candidate) -> [(the candidate, a Choice), ...]
_MAX_CHOICES = 1024


def note_choice(chosen, choice: Choice) -> None:
    if len(_CHOICES) >= _MAX_CHOICES:
        _CHOICES.pop(next(iter(_CHOICES)))
        _BY_CANDIDATE.clear()  # (rebuilt from the choices still known)
        for _, known in _CHOICES.values():
            _note_candidates(known)
    _CHOICES[id(chosen)] = (chosen, choice)
    _note_candidates(choice)
    if _BRANCHES.made:
        _BRANCHES.made[-1].append(choice)


def _note_candidates(choice: Choice) -> None:
    for _, candidate in choice.candidates:
        _BY_CANDIDATE.setdefault(id(candidate), []).append((candidate, choice))


def choice_of(obj) -> "Choice | None":
    entry = _CHOICES.get(id(obj))
    return entry[1] if entry is not None and entry[0] is obj else None


def follow_candidate_change(obj, names) -> None:
    """``obj.name = ...`` where ``obj`` is a candidate of a choice made in this trace: the
    chosen object gets the new value where the condition chose ``obj``."""
    for candidate, choice in _BY_CANDIDATE.get(id(obj), ()):
        if candidate is obj and choice.trace is current_trace():
            choice.pull(obj, names)


def forget_choices() -> None:
    """When the outermost converted function returns: the choices hold tracers, which
    must not outlive their trace (``runtime.holders.replacements_scope``)."""
    _CHOICES.clear()
    _BY_CANDIDATE.clear()
    _OUTSIDE_CODES.clear()
    _OUTSIDE.clear()
    _OUTSIDE_SEEN.clear()


# -- identity tests ------------------------------------------------------------------


def _stands_for(obj, seen=()) -> list:
    """``(object, condition)`` pairs: ``obj`` is that object where the (traced) condition
    holds; None as a condition means always. A chosen object stands for each candidate
    where the condition chose it, and for itself (an object a branch made) elsewhere."""
    choice = choice_of(obj)
    if choice is None or obj in seen:
        return [(obj, None)]
    found, elsewhere = [], None
    for position, candidate in choice.candidates:
        chosen = choice.is_candidate(position)
        elsewhere = jnp.logical_not(chosen) if elsewhere is None else jnp.logical_and(
            elsewhere, jnp.logical_not(chosen))
        for base, inner in _stands_for(candidate, (*seen, obj)):
            found.append((base, chosen if inner is None else jnp.logical_and(chosen, inner)))
    found.append((obj, elsewhere))
    return found


def may_be(obj, other) -> bool:
    """Whether ``obj`` is ``other``, or an object a traced condition chose that may be it
    (one of its candidates, followed through nested choices)."""
    return any(candidate is other for candidate, _ in _candidates_of(obj))


def _candidates_of(obj, seen=()) -> list:
    choice = choice_of(obj)
    if choice is None or obj in seen:
        return [(obj, None)]
    found = [pair for _, candidate in choice.candidates
             for pair in _candidates_of(candidate, (*seen, obj))]
    return found + [(obj, None)]


def same_object(a, b, negate: bool = False):
    """Python's ``a is b`` (``a is not b`` with ``negate``), where either may be an object
    a traced condition chose: a traced bool saying whether the condition chose the same
    object for both. On any other values it is Python's ``is``.

    >>> x = [1]
    >>> same_object(x, x), same_object(x, [1]), same_object(x, [1], negate=True)
    (True, False, True)
    """
    if a is b or (choice_of(a) is None and choice_of(b) is None):
        for value in (a, b):
            _refuse_chosen_container(value, "`is not`" if negate else "`is`")
        return (a is not b) if negate else (a is b)
    result = False
    for first, when_first in _stands_for(a):
        for second, when_second in _stands_for(b):
            if first is not second:
                continue
            both = when_first if when_second is None else when_second if (
                when_first is None) else jnp.logical_and(when_first, when_second)
            if both is None:
                return not negate
            result = both if result is False else jnp.logical_or(result, both)
    if result is False:
        return negate
    return jnp.logical_not(result) if negate else result


def object_id(function, value):
    """``id(value)``, where ``function`` is what the user's ``id`` names: Python's ``id``
    of an object a traced condition chose would be the new object's, equal to no
    candidate's, and a traced one cannot be a Python int, so it is refused at the choice.

    >>> x = object()
    >>> object_id(id, x) == id(x)
    True
    """
    choice = choice_of(value) if function is builtins.id else None
    if choice is not None:
        raise choice.error(f"`id({choice.name})`", "the compiled program's object is a new "
                           "one standing for the chosen object, and which one it is is "
                           "only known when the program runs", kind=TracedValueError,
                           fix=f"compare the objects themselves (`{choice.name} is ...`), "
                           "which follows the choice")
    return function(value)


def _refuse_chosen_container(value, test: str) -> None:
    """A list or dict a traced condition chose between two that other names hold
    (``runtime/chosen_containers.py``) is a new container: no identity test can say which
    one it is."""
    if not isinstance(value, (list, dict)):
        return
    try:
        check_not_chosen(value, test)
    except OuterWriteError as error:
        raise OuterWriteError(
            f"{test} tests which of two containers a traced condition chose here, but the "
            "compiled program's choice is a new container holding the chosen items, the "
            "same object as neither", location=error.location, names=error.names,
            rule="lax.cond returns new values; it cannot make a name refer to one of two "
            "Python objects that other names also hold.",
            fix="keep a flag saying which was chosen (`use_b = x > 0`) and test it") from None


def count(container, item):
    """``container.count(item)``: a list or tuple counting an object a traced condition
    chose gives how many of its elements are that object (Python's ``element is item or
    element == item``), as a traced int; anything else is the container's own
    ``count`` (converted, if it is the user's).

    >>> count([1, 2, 1], 1), count("abab", "ab")
    (2, 2)
    """
    if not (type(container) in (list, tuple) and (
            choice_of(item) is not None or any(choice_of(e) is not None for e in container))):
        from py2lax.runtime.calls import converted

        return converted(container.count)(item)
    total = 0
    for element in container:
        same = same_object(element, item)
        if same is not True and not (_default_equality(element) and _default_equality(item)):
            same = element == item if same is False else jnp.logical_or(same, element == item)
        total = total + (jnp.asarray(same, jnp.int32) if not isinstance(same, bool)
                         else int(same))
    return total


def _default_equality(value) -> bool:
    return type(value).__eq__ is object.__eq__


def equal(a, b, negate: bool = False):
    """Python's ``a == b`` (``a != b`` with ``negate``): for objects whose classes define
    no ``__eq__`` Python compares identity, which :func:`same_object` answers for an
    object a traced condition chose; any other values compare as Python compares them.

    >>> equal(1, 1.0), equal([1], [2], negate=True)
    (True, True)
    """
    if ((choice_of(a) is not None or choice_of(b) is not None)
            and _default_equality(a) and _default_equality(b)):
        return same_object(a, b, negate)
    return (a != b) if negate else (a == b)


def contains(item, container, negate: bool = False):
    """Python's ``item in container`` (``not in`` with ``negate``): a list, tuple, set or
    dict (its keys) holding, or tested for, an object a traced condition chose gives
    whether the chosen object is one of its elements (Python's ``element is item or
    element == item``) as a traced bool; anything else is ``py2lax.in_``.

    >>> contains(2, [1, 2]), contains(3, (1, 2), negate=True)
    (True, True)
    """
    from py2lax.runtime.logical import in_, not_

    if not (isinstance(container, (list, tuple, set, frozenset, dict)) and (
            choice_of(item) is not None or any(choice_of(e) is not None for e in container))):
        found = in_(item, container)
        return not_(found) if negate else found
    result = False
    for element in container:
        same = same_object(element, item)
        if same is not True and not (_default_equality(element) and _default_equality(item)):
            same = jnp.logical_or(same, element == item) if same is not False else (
                element == item)
        if same is True:
            result = True
            break
        if same is not False:
            result = same if result is False else jnp.logical_or(result, same)
    if isinstance(result, bool):
        return result != negate
    return jnp.logical_not(result) if negate else result


# -- identity codes ------------------------------------------------------------------


class Identity:
    """Which object a branch's result is, for the statement's write-back.

    ``candidates`` are the objects the statement received, by operand position. A
    branch's result is the working copy of one of them (its position), an object that
    existed before the statement (``t = b`` in a branch that does not change ``b``: a code
    of its own, see :func:`outside_code`) or an object the branch made (-1); that code
    travels as the state's last value, so lax gives the branches' common Python int, or
    a traced one where they differ."""

    def __init__(self, candidates: tuple, info, index: int, nested: bool = False):
        self.candidates, self.info, self.index = candidates, info, index
        self.nested = nested  # an attribute's object (its holder's name is no guide)

    @property
    def held_by_one_name(self) -> bool:
        return (self.info.kind != "ternary" and not self.nested
                and self.info.name_of(self.index) in self.info.held_by_one_name)


# Objects a branch gives that it did not receive but that existed before it (``t = b``):
# each gets a code of its own, the same in both branches, and is noted per statement so
# that the write-back knows it as a candidate too.
_OUTSIDE_CODES: dict[int, tuple] = {}  # id(object) -> (the object, its code)
_OUTSIDE: dict[tuple, dict[int, object]] = {}  # (file, line) -> {code: object}
# (file, line) -> {code: [the object's attributes as each branch that gave it left them]}
_OUTSIDE_SEEN: dict[tuple, dict[int, list]] = {}
FIRST_OUTSIDE_CODE = 1 << 16  # (above any operand position)


def outside_code(value, info, existing: bool = False, before=None, left=None) -> int:
    """The code of an object a branch gives without having received it; -1 for one the
    branch made (it holds the branch's own traced values, or the branch could not reach
    it before it ran, ``before``, a :class:`~py2lax.runtime.reachable.Reachable`: no
    other name can hold it), unless it is known to have existed before (``existing``).
    ``left``: the attributes the branch left it (by default, those it holds now)."""
    trace = current_trace()
    if trace is None or (not existing and (_holds_values_of(value, trace) or (
            before is not None and not before.may_hold(value)))):
        return -1
    entry = _OUTSIDE_CODES.get(id(value))
    if entry is None or entry[0] is not value:
        if len(_OUTSIDE_CODES) >= _MAX_CHOICES:
            _OUTSIDE_CODES.clear()
        entry = (value, FIRST_OUTSIDE_CODE + len(_OUTSIDE_CODES))
        _OUTSIDE_CODES[id(value)] = entry
    _OUTSIDE.setdefault((info.filename, info.line), {})[entry[1]] = value
    _OUTSIDE_SEEN.setdefault((info.filename, info.line), {}).setdefault(
        entry[1], []).append(dict(attributes_of(value) if left is None else left))
    return entry[1]


def changed_names(info, code: int, candidate, names) -> tuple:
    """Of ``names``, those the branches that gave the outside object ``candidate`` (its
    ``code``) may have left other than it holds now (a change the effects watcher undid
    after the branch). The others need no write: writing the choice's blend into them
    would give an object that outlives the call (a global's) a traced value it never had
    in Python."""
    seen = _OUTSIDE_SEEN.get((info.filename, info.line), {}).get(code, [])
    now = attributes_of(candidate)
    return tuple(name for name in names
                 if not seen or any(name not in held or held[name] is not now.get(name)
                                    for held in seen))


def _holds_values_of(value, trace) -> bool:
    """Whether ``value``, or an object its attributes hold (``State(Inner(x), "pos")``,
    nested to any depth, also in lists and dicts), holds a traced value of ``trace``:
    then the branch made it."""
    from py2lax.runtime.reachable import parts_of

    seen, pending = set(), list(parts_of(value))
    while pending and len(seen) < 10_000:
        part = pending.pop()
        if getattr(part, "_trace", None) is trace:
            return True
        if id(part) not in seen:
            seen.add(id(part))
            pending.extend(parts_of(part))
    return False


def chosen_code(value, positions: dict, info):
    """The code of an object a traced ``if`` inside this branch chose (``if x > 0: t = b``
    then ``if x > 2: t = c``, nested): the code of the candidate its condition chose, as a
    traced int, so that the outer statement knows ``t`` is ``b`` or ``c`` too (-1, an
    object the inner branch made, where it chose none). ``positions`` gives the codes of
    the branch's working copies; None where ``value`` is no such object."""
    choice = choice_of(value)
    if choice is None or choice.trace is None or choice.trace is not current_trace():
        return None
    code = jnp.asarray(-1, jnp.int32)
    for position, candidate in choice.candidates:
        known = positions.get(id(candidate))
        if known is None:
            known = outside_code(candidate, info, existing=True)
        code = jnp.where(choice.is_candidate(position), known, code)
    return code


@contextlib.contextmanager
def tracing_a_branch():
    """Around a traced ``if``'s branch function while it is traced: yields the list of
    the choices made in it (see :meth:`Choice.deferred`)."""
    made: list = []
    _BRANCHES.depth += 1
    _BRANCHES.made.append(made)
    try:
        yield made
    finally:
        _BRANCHES.depth -= 1
        _BRANCHES.made.pop()


def flush_choices(made: list, given: tuple) -> None:
    """At the end of a branch: the deferred writes of the choices whose chosen object the
    branch does not give (the outer statement cannot learn them)."""
    for choice in made:
        if choice.pending and not any(value is choice.chosen for value in given):
            choice.flush()


def outside_candidates(info) -> dict:
    """The objects from outside that the statement at ``info`` gave, by code."""
    return _OUTSIDE.get((info.filename, info.line), {})


def forget_outside(info) -> None:
    """The statement at ``info`` has written back: its objects from outside are done."""
    _OUTSIDE.pop((info.filename, info.line), None)
    _OUTSIDE_SEEN.pop((info.filename, info.line), None)
