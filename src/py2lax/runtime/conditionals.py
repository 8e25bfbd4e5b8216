"""``if`` and ``a if c else b``: Python when the condition is concrete, ``lax.cond`` when traced.

Python meaning of :func:`cond` (what the generated code asks for)::

    def cond(pred, true_fn, false_fn, operands):
        return true_fn(*operands) if pred else false_fn(*operands)
"""

from __future__ import annotations

import types

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from py2lax.diagnostics.errors import OuterWriteError, UndefinedVariableError
from py2lax.diagnostics.messages import first_assigned_in_loop, one_sided
from py2lax.runtime.append_only import (GrowingLists, copies_of_watched, grown_position,
                                        is_append_only, watched_lists)
from py2lax.runtime.calls import converted, is_user_code
from py2lax.runtime.choices import choice_table, encoded, is_choice, is_choosable
from py2lax.runtime.chosen_containers import note_chosen
from py2lax.runtime.conversions import note_raised_when, runs_only_when, where_python_runs
from py2lax.runtime.carry import cast_tree, check_no_outer_writes, joined_dtypes, leaf_types
from py2lax.runtime.containers import kept_in_place, originals_follow, update_in_place
from py2lax.runtime.effects import (carrying_effects, held_by_one_variable,
                                   inside_a_traced_loop)
from py2lax.runtime.masked_containers import (mask_plan, masked_as, reordered, shape_of,
                                              truth_of)
from py2lax.runtime.optional_values import (as_optional, check_not_returned, holds_optional,
                                            named, plan_for, result_tested,
                                            shape_of as optional_shape)
from py2lax.runtime.python_values import check_same_on_both_sides, put_back, set_aside
from py2lax.runtime.python_types import leaf_kinds, pass_kinds, remember_joined
from py2lax.runtime.raising_branches import (BranchRaised, caught_at_run_time_error,
                                             caught_by_a_try,
                                             check_not_suppressed, kept, raise_location,
                                             refuse_if_caught_while_tracing,
                                             raising_when_run)
from py2lax.runtime.partial_carry import note_partial_carry
from py2lax.runtime.objects import (carries_objects, class_defaults, is_plain_object,
                                    skeleton, to_states, with_class_defaults,
                                    with_objects, write_back)
from py2lax.diagnostics.statements import describe
from py2lax.runtime.undefined import Undefined
from py2lax.runtime.values import is_traced, truth


def cond(pred, true_fn, false_fn, operands=()):
    """Run ``true_fn(*operands)`` or ``false_fn(*operands)``; both become ``lax.cond`` if traced.

    Each branch returns the tuple of variables the ``if`` assigns that are used later.
    ``false_fn`` None stands for an ``if`` without ``else``: the variables keep the
    values they had.

    >>> import jax
    >>> plus, minus = (lambda y: (y + 1,)), (lambda y: (y - 1,))
    >>> cond(True, plus, minus, (10,))  # concrete: one branch runs as Python
    (11,)
    >>> [int(v) for v in jax.jit(lambda p: cond(p > 0, plus, minus, (10,)))(-3)]  # lax.cond
    [9]
    """
    if false_fn is None:
        false_fn = _unchanged(true_fn)
    pred = _truth_of_user_object(pred)
    if not is_traced(pred):
        branch = true_fn if pred else false_fn
        try:
            return tuple(branch(*operands))
        except BaseException as error:  # a try around the `if` sees what the branch did
            note_partial_carry(error, true_fn, ran=branch)
            raise
    info = describe(true_fn, "if", 0)
    check_no_outer_writes(info, (true_fn, false_fn))
    pred = truth(pred, info.location)

    def run(branches, operands, info):
        return _traced_cond(pred, *branches, operands, info)

    operands = tuple(operands)
    outputs = carrying_effects(run, [(true_fn, 0, True), (false_fn, 0, True)], operands, info)
    return kept_in_place(operands, outputs, info)


def _truth_of_user_object(pred):
    """``pred``, or for an instance of a user class that defines ``__bool__`` (else
    ``__len__``), what that method gives, converted: ``if flag:`` with ``__bool__``
    returning ``self.v > 0`` is a traced condition (Python would call the method too;
    a traced result is not a bool, which its ``bool()`` refuses)."""
    pred = truth_of(pred)  # `if L:` of a list a traced `if` resized: whether it has items
    kind = type(pred)
    if kind.__module__ == "builtins" or is_traced(pred):
        return pred
    for name in ("__bool__", "__len__"):
        method = getattr(kind, name, None)
        if method is None:
            continue
        if not (isinstance(method, types.FunctionType) and is_user_code(method)):
            return pred
        value = converted(method)(pred)
        return value if name == "__bool__" or not is_traced(value) else value != 0
    return pred


def _unchanged(true_fn):
    """The branch of an ``if`` without ``else``: what the statement returns, as received."""
    info = describe(true_fn, "if", 0)
    positions = ([info.inputs.index(name) for name in info.carried]
                 if set(info.carried) <= set(info.inputs) and info.inputs else None)

    def unchanged(*operands):
        return tuple(operands) if positions is None else tuple(operands[i] for i in positions)

    return unchanged


def if_exp(pred, true_thunk, false_thunk):
    """``true_thunk() if pred else false_thunk()`` with a possibly traced ``pred``.

    >>> import jax
    >>> if_exp(False, lambda: "yes", lambda: "no")
    'no'
    >>> float(jax.jit(lambda x: if_exp(x > 0, lambda: x, lambda: -x))(-2.0))
    2.0
    """
    pred = truth_of(pred)
    if not is_traced(pred):
        return true_thunk() if pred else false_thunk()
    info = describe(true_thunk, "ternary", 1)
    return choose(truth(pred, info.location), true_thunk, false_thunk, info)


def choose(pred, true_thunk, false_thunk, info):
    """``true_thunk() if pred else false_thunk()`` for a traced boolean ``pred``: a
    ``lax.cond`` whose branches carry the Python objects they change, as an ``if``
    statement's do (``lst.pop()`` or a counter bumped in one operand only)."""
    def branch(thunk):
        def value(*_state):
            return (thunk(),)
        value.__wrapped__ = thunk
        return value

    def run(branches, operands, info):
        return _traced_cond(pred, *branches, operands, info)

    (value,) = carrying_effects(
        run, [(branch(true_thunk), 0, True), (branch(false_thunk), 0, True)], (), info)
    return value


class _Operands:
    """The branch inputs, split into what lax passes (arrays) and static leaves.

    Python numbers stay Python inside the branches: a flag such as ``returned = False``
    or a count that a branch leaves alone is still a Python value after the ``if`` (see
    ``_Branch.numbers``), so the code after it keeps deciding in Python.

    Each branch gets freshly built containers, so a branch that mutates a dict or list it
    received (``state["a"] = ...``) cannot leak its values into the other branch.
    """

    def __init__(self, operands):
        self.given = tuple(operands)
        leaves, self.treedef = jax.tree_util.tree_flatten(operands)
        self.dynamic_positions = [i for i, leaf in enumerate(leaves) if _is_dynamic(leaf)]
        self.leaves = leaves

    @property
    def dynamic(self):
        return [self.leaves[i] for i in self.dynamic_positions]

    def rebuild(self, dynamic):
        leaves = list(self.leaves)
        for position, value in zip(self.dynamic_positions, dynamic):
            leaves[position] = value
        return jax.tree_util.tree_unflatten(self.treedef, leaves)


def _is_dynamic(leaf) -> bool:
    return isinstance(leaf, (jax.Array, np.ndarray, np.generic))


_PYTHON_NUMBERS = (bool, int, float, complex)


def _python_numbers(outputs) -> list[list]:
    """Per output, per leaf: the Python number a branch gave, or None."""
    return [[leaf if type(leaf) in _PYTHON_NUMBERS else None
             for leaf in jax.tree_util.tree_leaves(value)] for value in outputs]


def _numbers_both_branches_give(outputs, true_branch, false_branch) -> list:
    """``outputs`` with each leaf that both branches gave as the same Python number (same
    type, same value) put back as that number: Python's value whichever branch runs."""
    result = []
    for value, left, right in zip(outputs, true_branch.numbers, false_branch.numbers):
        leaves, treedef = jax.tree_util.tree_flatten(value)
        same = [a if a is not None and type(a) is type(b) and a == b else None
                for a, b in zip(left, right)]
        if any(a is not None for a in same) and len(leaves) == len(same):
            leaves = [leaf if a is None else a for leaf, a in zip(leaves, same)]
            value = jax.tree_util.tree_unflatten(treedef, leaves)
        result.append(value)
    return result


class _Branch:
    """A branch as lax sees it: Undefined markers in its results swapped for ``None``.

    ``casts`` (per output, per leaf: a dtype or None) promote outputs; ``fills`` give
    py2lax's own placeholders a typed zero value (see ``Undefined(fill=True)``).
    """

    def __init__(self, function, operands: _Operands, casts=None, fills=None, choices=None,
                 masks=None, optionals=None, defaults=None):
        self.function, self.operands = function, operands
        self.defaults = defaults or {}  # per output index: (attributes the class gives,
        # the statement, for messages)
        self.objects: list = []  # per output, as the branch gave it
        self.optionals = optionals or {}  # per output index: (plan, name), optional_values
        self.given: list = []  # per output, what the branch gave (for the optional plans)
        self.holding_optionals: dict = {}  # per output holding an optional, that output
        self.masks = masks or {}  # per output index: (plan, name), see masked_containers
        self.shapes: list = []  # per output, the list or dict it is (masked_containers)
        self.casts, self.fills = casts, fills or {}
        self.choices = choices or {}  # per output index: the strings both branches may give
        self.strings: list = []  # per output, the string or StringChoice it is, or None
        self.markers: dict[int, Undefined] = {}
        self.python: list[list] = []  # per output, the Python values set aside
        self.numbers: list[list] = []  # per output, per leaf, the Python number or None
        self.types = None  # the output types, kept (not the tracers: they must not leak)
        self.containers: list = []  # per output, the list, dict or NumPy array it is

    guard = None  # the traced condition under which Python runs this branch

    def __call__(self, *dynamic):
        if self.guard is None:
            return self._traced(*dynamic)
        with runs_only_when(self.guard):
            return self._traced(*dynamic)

    def _traced(self, *dynamic):
        received = self.operands.rebuild(dynamic)
        pass_kinds(self.operands.given, received)  # what a given value stands for, inside
        sizes = [_contents(v) for v in received]
        try:
            # a copy of a list a compiled loop's body grows is grown by that loop too
            with watched_lists(copies_of_watched(zip(received, self.operands.given))):
                outputs = list(self.function(*received))
        except Exception as error:  # noqa: BLE001 - only the user's own `raise` is handled
            location = raise_location(error)
            if location is None:
                raise
            raise BranchRaised(error, self.function, location) from error
        originals = {id(copy): given for copy, given in zip(received, self.operands.given)}
        # a list or dict the branch resized but does not give back: the change is lost
        self.lost = [position for position, (value, size) in enumerate(zip(received, sizes))
                     if size is not None and not _same_contents(_contents(value), size)
                     and not any(value is output for output in outputs)]
        # (a NumPy array too: `t = a if v > 0 else b`, then `t[0] += 1` changes `a` or `b`)
        self.containers = [originals.get(id(v), v) if isinstance(v, (list, dict, np.ndarray))
                           else None for v in outputs]
        self.objects = [skeleton(v) for v in outputs]  # (no tracer outlives the trace)
        for index, (plan, where) in self.defaults.items():  # `c.n` on one path: C.n
            outputs[index] = with_class_defaults(outputs[index], plan, where)
        self.shapes = [shape_of(v) for v in outputs]
        self.appending = {index for index, v in enumerate(outputs) if is_append_only(v)}
        for index, (plan, name) in self.masks.items():  # a length the condition decides
            outputs[index] = masked_as(outputs[index], plan, name)
        self.given = [_MARKER if isinstance(v, Undefined) else optional_shape(v)
                      for v in outputs]
        self.holding_optionals = {index: v for index, v in enumerate(outputs)
                                  if holds_optional((v,))}
        for index, (plan, name) in self.optionals.items():  # None on one path only
            if not isinstance(outputs[index], Undefined):
                outputs[index] = as_optional(outputs[index], plan, name)
        self.markers = {i: v for i, v in enumerate(outputs) if isinstance(v, Undefined)}
        self.strings = [v if is_choosable(v) else None for v in outputs]
        for index, table in self.choices.items():  # which string, as a traced index
            outputs[index] = encoded(outputs[index], table)
        for index in self.markers:
            outputs[index] = self.fills.get(index)
        pairs = [set_aside(v) for v in outputs]
        self.python = [python for _, python in pairs]
        outputs = tuple(v for v, _ in pairs)
        self.kinds = [leaf_kinds(v) for v in outputs]  # Python types, before any cast
        if self.casts is not None:  # the casts were computed on values set aside like these
            outputs = tuple(cast_tree(v, c) for v, c in zip(outputs, self.casts))
        self.numbers = _python_numbers(outputs)
        self.types = tuple(leaf_types(v) for v in outputs)
        return outputs

    @property
    def undefined(self) -> set[int]:
        return set(self.markers)


def _guarded_cond(pred, true_branch: _Branch, false_branch: _Branch, operands: _Operands):
    """``lax.cond`` on the two branches, each traced knowing the condition under which
    Python runs it: under ``jax.vmap`` a cond on a batched condition runs both branches,
    so a check inside one (a ``raise``, a range check) must fire only where it is taken."""
    true_branch.guard = lambda: truth(pred)
    false_branch.guard = lambda: lax.bitwise_not(truth(pred))
    return lax.cond(pred, true_branch, false_branch, *operands.dynamic)


def _traced_cond(pred, true_fn, false_fn, operands, info, objects_made=False, states=False):
    """``states``: the branches already give their objects as states (``with_objects``);
    objects they still make (inside a list, ``items[0], items[1] = items[1], items[0]``)
    are not carried, and :func:`_check_python_values` refuses them at the line."""
    if not states and (objects_made or carries_objects(operands)):
        true_fn, false_fn = with_objects(true_fn), with_objects(false_fn)
        return write_back(_traced_cond(pred, true_fn, false_fn, to_states(operands), info,
                                       states=True))
    given = operands
    operands = _Operands(operands)
    true_branch, false_branch = _Branch(true_fn, operands), _Branch(false_fn, operands)
    try:
        outputs = _guarded_cond(pred, true_branch, false_branch, operands)
    except BranchRaised as raised:  # a `raise` in one branch: raise it when that branch runs
        caught_at = caught_by_a_try(raised, info)
        if caught_at is not None:
            raise kept(caught_at_run_time_error(raised, info, caught_at=caught_at)) from None
        check_not_suppressed(raised, info)
        if getattr(raised.function, "raises_when_run", False):
            raise raised.error from None  # the other branch raised too: so does Python
        if raised.function is true_fn:
            true_fn = raising_when_run(raised, false_fn)
            note_raised_when(where_python_runs(truth(pred)))
        elif raised.function is false_fn:
            false_fn = raising_when_run(raised, true_fn)
            note_raised_when(where_python_runs(lax.bitwise_not(truth(pred))))
        else:  # both branches raise: so does Python, whichever runs
            raise raised.error from None
        return _traced_cond(pred, true_fn, false_fn, given, info, states=states)
    except TypeError:
        if true_branch.types is None or false_branch.types is None:
            raise  # a branch itself failed to trace: that error is the user's
        if not states and _objects_made(true_branch, false_branch):  # as states
            return _traced_cond(pred, true_fn, false_fn, given, info, objects_made=True)
        if not _string_tables(true_branch, false_branch):
            _check_python_values(true_branch, false_branch, info)
        outputs = None
    except Exception as error:  # noqa: BLE001 - raised again unless a `try` would catch it
        refuse_if_caught_while_tracing(error, info)
        raise
    _check_nothing_lost(true_branch, false_branch, info)
    choices = _string_tables(true_branch, false_branch)
    if choices:  # the branches leave different strings: lax chooses which one
        true_branch = _Branch(true_fn, operands, choices=choices)
        false_branch = _Branch(false_fn, operands, choices=choices)
        try:
            outputs = _guarded_cond(pred, true_branch, false_branch, operands)
        except TypeError:
            if true_branch.types is None or false_branch.types is None:
                raise
            _check_python_values(true_branch, false_branch, info)
            outputs = None
    masks = {}
    if true_branch.types is not None and false_branch.types is not None:
        # a list, dict or set of a length (keys, members) the condition decides?
        masks = _mask_plans(true_branch, false_branch, info)
        if masks:
            true_branch, false_branch, outputs = _again(
                pred, true_fn, false_fn, operands, choices=choices, masks=masks)
    defaults = {index: (plan, f"line {info.line}") for index, (left, right) in enumerate(
        zip(true_branch.objects, false_branch.objects))
                if (plan := class_defaults(left, right))} if outputs is None else {}
    if defaults:  # an attribute one path sets on the object, the other reads from its class
        true_branch, false_branch, outputs = _again(
            pred, true_fn, false_fn, operands, choices=choices, masks=masks,
            defaults=defaults)
    optionals = _optional_plans(true_branch, false_branch, info) if outputs is None else {}
    if optionals:  # None on one path, a value on the other: carried as an optional
        true_branch, false_branch, outputs = _again(
            pred, true_fn, false_fn, operands, choices=choices, masks=masks,
            optionals=optionals, defaults=defaults)
    if outputs is None:  # the branches disagree on types: join them, outside the except
        fills = _placeholder_fills(true_branch, false_branch, info)
        # A filled placeholder takes the type of the other branch's value.
        true_types, false_types = list(true_branch.types), list(false_branch.types)
        for index in fills:
            if index in true_branch.undefined:
                true_types[index] = false_types[index]
            else:
                false_types[index] = true_types[index]
        casts = joined_dtypes([true_types, false_types], info,
                              "both branches of lax.cond", _sides(info))
        true_branch = _Branch(true_fn, operands, casts, fills, choices, masks, optionals,
                              defaults)
        false_branch = _Branch(false_fn, operands, casts, fills, choices, masks, optionals,
                               defaults)
        outputs = _guarded_cond(pred, true_branch, false_branch, operands)
    if not states and _objects_made(true_branch, false_branch):  # as states
        return _traced_cond(pred, true_fn, false_fn, given, info, objects_made=True)
    _check_python_values(true_branch, false_branch, info)
    outputs = _numbers_both_branches_give(outputs, true_branch, false_branch)
    remember_joined(outputs, true_branch.kinds, false_branch.kinds)  # for `is True`, isinstance
    outputs = [put_back(v, python) for v, python in zip(outputs, true_branch.python)]
    outputs = _same_containers(outputs, true_branch, false_branch, info, pred)
    for index in choices if info.kind != "ternary" else ():
        if is_choice(outputs[index]):
            outputs[index].name = info.name_of(index)
    named(outputs, true_branch.optionals, info)
    both = true_branch.undefined & false_branch.undefined
    return tuple(true_branch.markers[i] if i in both else v for i, v in enumerate(outputs))


def _again(pred, true_fn, false_fn, operands, **plans):
    """``lax.cond`` traced again with branches that apply ``plans`` (masks, optionals):
    the two branches, and the outputs (None when the types still disagree)."""
    true_branch = _Branch(true_fn, operands, **plans)
    false_branch = _Branch(false_fn, operands, **plans)
    try:
        outputs = _guarded_cond(pred, true_branch, false_branch, operands)
    except TypeError:
        if true_branch.types is None or false_branch.types is None:
            raise
        outputs = None
    return true_branch, false_branch, outputs


def _same_containers(outputs, true_branch, false_branch, info=None, pred=None) -> list:
    """``outputs``, where both branches gave the same list or dict (``return out`` on
    every path, or on one while the other leaves the result unset), as that object
    holding the result: lax returns a copy, but Python's
    result *is* the object, and a later change to it (a ``finally``) shows in both."""
    outputs = list(outputs)
    for index, (left, right) in enumerate(zip(true_branch.containers, false_branch.containers)):
        # A placeholder (a return value the other branch never set) is never read.
        left = right if index in true_branch.markers else left
        right = left if index in false_branch.markers else right
        if left is not None and left is right:
            outputs[index] = update_in_place(left, outputs[index])
        elif (left is not None and right is not None and info is not None
              and (_existing(left, true_branch) or _existing(right, false_branch))
              and not (info.kind != "ternary"
                       and info.name_of(index) in info.held_by_one_name)):
            note_chosen(outputs[index], info, index)  # a change through it reaches neither
            # the lists the name may be get Python's items (in a traced loop the next
            # iteration would need to know which one the name is: kept_in_place refuses)
            if pred is not None and not inside_a_traced_loop():
                originals_follow(pred, outputs[index],
                                 left if _existing(left, true_branch) else None,
                                 right if _existing(right, false_branch) else None)
    return outputs


def _contents(value):
    """A list's items or a dict's (key, value) pairs, to see whether a branch changed
    it; None otherwise."""
    if type(value) is list:
        return ("list", list(value))
    if type(value) is dict:
        return ("dict", list(value.items()))
    return None


def _same_contents(now, before) -> bool:
    """Whether the items are the same objects (a list's items are compared by identity
    alone: a tuple of arrays in a list is no dict's key and value)."""
    (kind, items), (kind_before, items_before) = now, before
    if kind != kind_before or len(items) != len(items_before):
        return False
    for a, b in zip(items, items_before):
        if kind == "dict":
            if a[0] is not b[0] and a[0] != b[0] or a[1] is not b[1]:
                return False
        elif a is not b:
            return False
    return True


def _check_nothing_lost(true_branch, false_branch, info) -> None:
    """A branch resized a list or dict it received and the statement does not give it
    back (no name reads it later): if another holder (``h.items = L``) sees the object,
    Python's change would be silently lost. Refused at the statement."""
    for branch in (true_branch, false_branch):
        for position in getattr(branch, "lost", ()):
            name = info.inputs[position] if position < len(info.inputs) else None
            if name is None or name in info.held_by_one_name or held_by_one_variable(
                    branch.operands.given[position], skip=(branch.operands.given,)):
                continue
            raise OuterWriteError(
                f"list or dict {name!r} is changed in a branch of this traced "
                f"`{info.kind}`, and another name or object may hold it; the compiled "
                "program cannot give the change to that holder",
                location=info.location, names=(name,),
                rule="lax.cond works on copies of the containers it receives; a change "
                "that no variable carries out of the statement reaches no one.",
                fix=f"read {name!r} itself after the statement (so it is carried), or keep "
                "the values in an array updated with `jnp.where`.")


def _mask_plans(true_branch, false_branch, info) -> dict:
    """Per output that is a list (dict) the branches leave with different lengths (keys):
    how both give it as a masked one (``runtime/masked_containers``). Only for a traced
    ``if`` statement, and only where no other name holds the list the branches changed
    (that name would not see the masked one): none by the code's text, or, where a helper
    received it (``record(hist, v)``), none when the statement runs."""
    if info.kind not in ("if", "for"):
        return {}  # ("for": an unrolled iteration after a traced `break`, see loops.py)
    in_a_loop = inside_a_traced_loop()
    if in_a_loop:
        _check_not_grown_by_the_loop(true_branch, false_branch)
    plans = {}
    for index, (left, right) in enumerate(zip(true_branch.shapes, false_branch.shapes)):
        plan = mask_plan(left, right)
        if plan is None:
            continue
        if in_a_loop and not (index in true_branch.appending
                              and index in false_branch.appending) and not reordered(plan):
            continue  # a list in a loop's carry cannot change its length
        name = info.name_of(index)
        if name not in info.held_by_one_name and any(
                _held_elsewhere(branch, index, (true_branch, false_branch))
                for branch in (true_branch, false_branch)):
            continue
        plans[index] = (plan, name)
    return plans


def _check_not_grown_by_the_loop(true_branch, false_branch) -> None:
    """A list that the compiled loop being traced carries, which the branches leave with
    different lengths: the loop grows it on some iterations only, and becomes a scan
    whose steps append masked slots (``runtime/list_growth``): ``GrowingLists`` says so."""
    grown = set()
    for index, (left, right) in enumerate(zip(true_branch.shapes, false_branch.shapes)):
        if left is None or right is None or left[0] != "list" or len(left[1]) == len(
                right[1]):
            continue
        for branch in (true_branch, false_branch):
            position = grown_position(branch.containers[index])
            if position is not None:
                grown.add(position)
    if grown:
        raise GrowingLists(sorted(grown))


def _held_elsewhere(branch, index: int, branches) -> bool:
    """Whether the container the branch gives at ``index`` is one it received or reads
    from outside, and some other name or object holds it when the statement runs."""
    container = branch.containers[index]
    if container is None or not _existing(container, branch):
        return False
    return not held_by_one_variable(container, skip=(
        branch.operands.given, *(b.containers for b in branches)))


def _existing(container, branch) -> bool:
    """Whether the branch gave a container it received or reads from outside (not one it
    made): other names hold it too."""
    if any(container is given for given in branch.operands.given):
        return True
    function = branch.function
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            try:
                if cell.cell_contents is container:
                    return True
            except ValueError:  # an empty cell
                continue
        function = getattr(function, "__wrapped__", None)
    return False


_MARKER = object()  # a placeholder, in _Branch.given


def _optional_plans(true_branch, false_branch, info) -> dict:
    """Per output that one branch leaves None (or an optional) and the other a value,
    for a name the conversion rewrote (``StatementInfo.optional``): how both give it as
    an optional (``runtime/optional_values``). The function's result is never one: a
    path that returns nothing is the located error of ``value_or_none_error``."""
    plans = {}
    tested = result_tested()  # (a helper whose caller only tests its result for None)
    for index, (left, right) in enumerate(zip(true_branch.given, false_branch.given)):
        name = info.name_of(index)
        optional = name in info.optional
        if name == info.result:  # `return best, best_i` with best_i perhaps None: refused
            if not tested:
                for branch in (true_branch, false_branch):
                    check_not_returned(branch.holding_optionals.get(index), info.function)
            optional = tested
        if not optional or _MARKER in (left, right):
            continue
        plan = plan_for(left, right)
        if plan is not None:
            plans[index] = (plan, name)
    return plans


def _string_tables(true_branch, false_branch) -> dict:
    """Per output where the branches leave different strings (``label = "hi"`` /
    ``label = "lo"``), all the strings it may be: lax carries which one."""
    tables = {}
    for index, (left, right) in enumerate(zip(true_branch.strings, false_branch.strings)):
        if left is None or right is None:
            continue
        table = choice_table(left, right)  # None: the same string or choice, or a mix
        if table is not None:
            tables[index] = table
    return tables


def _sides(info) -> tuple[str, str]:
    """How messages name the two branches: a loop's (an unrolled iteration after a traced
    ``break``, ``loops._stopped_or_running``) are the loop stopping or going on."""
    if info.kind in ("for", "while"):
        return ("state where the loop has stopped early",
                "state where it runs one more iteration")
    return ("true branch", "false branch")


def _objects_made(true_branch, false_branch) -> bool:
    """Whether the branches give different objects of one class of the user's (``s =
    Point(x, 0.)`` / ``s = Point(0., x)``): lax can carry their attributes, values chosen
    per attribute (``runtime.objects``), where it cannot choose between the objects."""
    for left, right in zip(true_branch.python, false_branch.python):
        lefts, rights = jax.tree_util.tree_leaves(left), jax.tree_util.tree_leaves(right)
        if len(lefts) == len(rights) and any(
                a is not b and type(a) is type(b) and is_plain_object(a)
                for a, b in zip(lefts, rights)):
            return True
    return False


def _check_python_values(true_branch, false_branch, info) -> None:
    """Strings and other Python values must be the same in both branches."""
    for index, (left, right) in enumerate(zip(true_branch.python, false_branch.python)):
        if left or right:
            check_same_on_both_sides(info.name_of(index), left, right, info, _sides(info))


def _placeholder_fills(true_branch, false_branch, info) -> dict:
    """Zeros for placeholders undefined in one branch only; any other such variable is an error."""
    fills = {}
    for index in sorted(true_branch.undefined ^ false_branch.undefined):
        undefined, defined = ((true_branch, false_branch) if index in true_branch.undefined
                              else (false_branch, true_branch))
        if not undefined.markers[index].fill:
            raise _one_sided(index, "false" if undefined is true_branch else "true", info)
        leaf_list, treedef = defined.types[index]
        fills[index] = jax.tree_util.tree_unflatten(
            treedef, [jnp.zeros(t.shape, t.dtype) for t in leaf_list])
    return fills


def _one_sided(index, where, info):
    name = info.name_of(index)
    if info.kind in ("for", "while"):  # an unrolled iteration after a traced `break`
        problem, rule, fix = first_assigned_in_loop(name, info.kind)
    else:
        problem, rule, fix = one_sided(name, where, info.kind)
    return UndefinedVariableError(problem, location=info.location, names=(name,), rule=rule,
                                  fix=fix)
