"""Lists that grow inside a compiled loop: ``ys.append(v)`` becomes a scan output.

A loop that appends to a carried list cannot carry it (its length changes every
iteration). When the loop's length is fixed, each iteration's appended values become
``scan``'s stacked outputs, and the list is rebuilt afterwards exactly as Python would
have built it. When a traced ``break`` may stop such a loop early (``history.append(loss)``
then ``if loss < tol: break``), every step runs under the flag that it has not stopped,
and the list is a masked list afterwards (``runtime/masked_containers``): its traced
length counts the items Python appended. When the length is not bounded (a traced trip
count), the user gets an error with the fix.
"""

from __future__ import annotations

import builtins
import dataclasses

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.diagnostics.errors import ConversionError
from py2lax.runtime.carry import leaf_types, promoted_to
from py2lax.runtime.append_only import (AppendOnly, GrowingLists, ListRead,
                                        MaskedAppendOnly, watched_lists)
from py2lax.runtime.masked_containers import MaskedList, Stacked
from py2lax.runtime.values import truth


def watching_lists(body_fn, carry, skip: int):
    """``body_fn`` that raises ``GrowingLists`` when it makes a carried list longer, on
    every iteration or (a traced ``if`` inside it, ``runtime/conditionals``) on some.

    ``skip`` is the number of leading arguments that are not carried (the item).
    """
    lists = [i for i, value in builtins.enumerate(carry) if isinstance(value, list)]
    if not lists:
        return body_fn

    def watched(*arguments):
        state = arguments[skip:]
        lengths = {i: len(state[i]) for i in lists}
        with watched_lists({id(state[i]): i for i in lists if type(state[i]) is list}):
            result = tuple(body_fn(*arguments))
        grown = [i for i in lists if isinstance(result[i], list) and len(result[i]) > lengths[i]
                 or isinstance(result[i], MaskedList)]  # (an inner loop grew it: masked)
        if grown:
            raise GrowingLists(grown)
        return result

    return watched


class _AppendingStep:
    """One iteration of a loop that appends to the carried lists at ``positions``, as a
    scan step: ``(state, x) -> (state, appended)``, where ``state`` holds the other
    carried values and ``appended`` per list the items this iteration appended and
    whether each was appended (a traced ``if`` may append on some paths only: the list is
    then a ``MaskedAppendOnly``). The lists themselves are :class:`AppendOnly`: the step
    cannot read them."""

    def __init__(self, items, body_fn, carry, positions):
        self.body_fn, self.carry, self.positions = body_fn, carry, positions
        self.initial = {i: carry[i] for i in positions}
        self.kept = [i for i in range(len(carry)) if i not in self.initial]
        self.xs, self.item_of = items.scan_inputs()

    def __call__(self, state, x):
        full = list(self.carry)
        for index, value in builtins.zip(self.kept, state):
            full[index] = value
        for index, prefix in self.initial.items():
            full[index] = _step_list(prefix)
        others = {id(full[i]): i for i in self.kept if type(full[i]) is list}
        with watched_lists(others):  # another list a traced `if` grows: GrowingLists
            result = tuple(self.body_fn(self.item_of(x), *full))
        appended = tuple(self._appended(result[i], _slot_count(self.initial[i]), i)
                         for i in self.positions)
        return tuple(result[i] for i in self.kept), appended

    def _appended(self, grown, before: int, index: int):
        """``(items, flags)`` this step appended to the list at ``index``."""
        if isinstance(grown, MaskedAppendOnly):
            return (tuple(grown.items[before:]),
                    tuple(None if p is True else jnp.asarray(p, bool)
                          for p in grown.present[before:]))
        if not isinstance(grown, AppendOnly):  # `out = ...` rebinds it: not a list it grows
            raise ListRead()
        items = tuple(grown.stored()[before:])
        return items, tuple(None for _ in items)  # appended whichever path ran


def _step_list(initial):
    """What a step appends to: the list's items before the loop (a list, or the list an
    outer loop's step appends to, ``runtime/append_only``), reads refused."""
    if isinstance(initial, MaskedAppendOnly):
        return initial.copy()
    if isinstance(initial, AppendOnly):
        return AppendOnly(initial.stored())
    return AppendOnly(initial)


def _slot_count(initial) -> int:
    if isinstance(initial, (AppendOnly, MaskedAppendOnly)):
        return len(initial.slots()[0])
    return len(initial)


def _grown_step_list(initial, appended, ran, steps: int, name):
    """The list an outer loop's step appends to, after an inner loop appended to it: its
    slots, then every inner step's, each with its flag (present where that step ran and
    appended it); no one reads it by position, so the absent ones may stay in between."""
    items, flags = initial.slots()
    values, appended_flags = appended
    if ran is None and all(f is None for f in appended_flags) and isinstance(
            initial, AppendOnly):
        return AppendOnly(items + [slot[k] for k in range(steps) for slot in values])
    for k in range(steps):
        for value, flag in builtins.zip(values, appended_flags):
            here = True if flag is None else flag[k]
            if ran is not None:
                here = ran[k] if here is True else jnp.logical_and(here, ran[k])
            items.append(jax.tree_util.tree_map(lambda column: column[k], value))
            flags.append(here)
    return MaskedAppendOnly(items, flags, name)


def accumulating_scan(items, body_fn, carry, positions, info):
    """A loop that appends to lists: the appended values become ``scan``'s stacked outputs.

    Python's result is the initial list followed by every iteration's appended values,
    which is what is rebuilt here (each element a row of the stacked output); where a
    traced ``if`` appended on some iterations only, the list is a :class:`MaskedList`
    holding the appended items first (``_grown_list``).
    """
    step = _AppendingStep(items, body_fn, carry, positions)
    initial, kept, xs = step.initial, step.kept, step.xs
    final, stacked = lax.scan(step, _promoted_state(step, carry, info), xs)
    result = list(carry)
    for index, value in builtins.zip(kept, final):
        result[index] = value
    for index, appended in builtins.zip(positions, stacked):
        result[index] = _grown_list(initial[index], appended, None, items.length,
                                    info.name_of(index), info)
    return tuple(result)


def accumulating_until_break(items, body_fn, carry, positions, info):
    """A loop of known length that appends to lists and that a traced ``break`` may stop:
    a scan whose step runs the body under ``lax.cond`` while the break flag (the last
    carried value) is still false, and otherwise keeps the state.

    Each step's appended values become stacked outputs together with whether the step
    ran; the list afterwards is a :class:`MaskedList` of the initial items and every
    step's items, present where that step ran (and appended them): Python's items, with
    a traced length.
    """
    run = _AppendingStep(items, body_fn, carry, positions)
    initial, kept, xs = run.initial, run.kept, run.xs
    state = _promoted_state(run, carry, info)
    first_x = jax.tree_util.tree_map(lambda v: v[0], xs)
    appended_types = jax.eval_shape(run, state, first_x)[1]

    def stopped(state, x):
        return state, jax.tree_util.tree_map(lambda t: jnp.zeros(t.shape, t.dtype),
                                             appended_types)

    def step(state, x):
        running = jnp.logical_not(truth(state[-1]))
        new_state, appended = lax.cond(running, run, stopped, state, x)
        return new_state, (appended, running)

    final, (stacked, ran) = lax.scan(step, state, xs)
    # a Python False: the first iteration always runs (`max` of what it appended is known)
    first_runs = carry[-1] is False
    result = list(carry)
    for index, value in builtins.zip(kept, final):
        result[index] = value
    for index, appended in builtins.zip(positions, stacked):
        result[index] = _grown_list(initial[index], appended, ran, items.length,
                                    info.name_of(index), info, first_runs)
    return tuple(result)


class _BoundedSteps:
    """The steps of a loop bounded by ``max_iterations``: the body gets the step number."""

    def __init__(self, max_iterations: int):
        self.max_iterations = max_iterations

    def scan_inputs(self):
        return jnp.arange(self.max_iterations), lambda k: k


def growing_positions(body_fn, carry) -> list:
    """The positions of the carried lists that ``body_fn(k, *carry)`` (one step of a
    loop bounded by ``max_iterations``) makes longer, found by tracing one step."""
    if not any(isinstance(value, list) for value in carry):
        return []
    try:
        jax.eval_shape(lambda *state: watching_lists(body_fn, state, 1)(0, *state), *carry)
    except GrowingLists as growing:
        return sorted(growing.positions)
    return []


def accumulating_bounded(keep_going, body_fn, carry, positions, max_iterations: int, info,
                         bound_check):
    """A loop with a traced trip count and ``max_iterations`` that appends to the carried
    lists at ``positions``: ``max_iterations`` scan steps, step ``k`` running the body
    under ``lax.cond`` while ``keep_going(k, *carry)`` holds (and every step before it
    ran), its appended values stacked with whether it ran.

    Each list afterwards is a :class:`MaskedList` of its initial items and the items
    the steps that ran appended: Python's items, with a traced length. ``bound_check``
    gets whether the loop wanted to run past the bound (an error when the program runs).
    A body or condition that reads a list it grows is refused (:class:`ListRead`).
    """
    run = _AppendingStep(_BoundedSteps(max_iterations), body_fn, carry, positions)
    try:
        state = _promoted_state(run, carry, info)
        appended_types = jax.eval_shape(run, state, jnp.int32(0))[1]

        def whole(kept):  # the carried values as the condition sees them
            values = list(carry)
            for index, value in builtins.zip(run.kept, kept):
                values[index] = value
            for index in positions:
                values[index] = _step_list(run.initial[index])  # reads: ListRead
            return values

        def stopped(kept, k):
            return kept, jax.tree_util.tree_map(lambda t: jnp.zeros(t.shape, t.dtype),
                                                appended_types)

        def step(carried, k):
            running = jnp.logical_and(carried[0], truth(keep_going(k, *whole(carried[1:]))))
            kept, appended = lax.cond(running, run, stopped, tuple(carried[1:]), k)
            return (running, *kept), (appended, running)

        final, (stacked, ran) = lax.scan(step, (jnp.bool_(True), *state),
                                         jnp.arange(max_iterations))
        unfinished = jnp.logical_and(final[0], truth(keep_going(max_iterations,
                                                                *whole(final[1:]))))
    except ListRead:  # the loop reads a list it grows: carry it as a buffer, if one can
        # (imported here: readable_growth reads runtime/effects, which imports this module)
        from py2lax.runtime.readable_growth import NotReadableGrowth, readable_bounded_scan

        try:
            return readable_bounded_scan(keep_going, body_fn, carry, positions,
                                         max_iterations, info, bound_check)
        except NotReadableGrowth:
            raise _read_while_growing_error(info, positions) from None
    bound_check(unfinished)
    result = list(carry)
    for index, value in builtins.zip(run.kept, final[1:]):
        result[index] = value
    for index, appended in builtins.zip(positions, stacked):
        result[index] = _grown_list(run.initial[index], appended, ran, max_iterations,
                                    info.name_of(index), info)
    return tuple(result)


def _read_while_growing_error(info, positions):
    name = info.name_of(positions[0])
    return ConversionError(
        f"list {name!r} grows inside this loop, whose trip count is traced, and the loop "
        f"also reads it, so its items cannot be the stacked outputs of a bounded scan",
        location=info.location, names=(name,),
        rule="with `py2lax.loop_options(max_iterations=N)` a list the loop appends to "
        "becomes N stacked outputs, which a step cannot read back.",
        fix=f"carry what the loop reads as its own variable (e.g. `last = value` next to "
        f"`{name}.append(value)`), or preallocate `{name} = jnp.zeros((N,))` and write "
        f"`{name} = {name}.at[i].set(value)`.",
    )


def _grown_list(initial, appended, ran, steps: int, name, info, first_runs=False):
    """The list after the loop: ``initial``, then each step's appended items (``appended``:
    per slot the stacked items, per slot the stacked flags), where the step ran (``ran``:
    a stacked flag per step, None when every step ran).

    A plain list when every item is there; otherwise a :class:`MaskedList` whose present
    items come first, in Python's order (its present slots are a prefix: its traced
    length tells where they end).
    """
    if isinstance(initial, (AppendOnly, MaskedAppendOnly)):  # (an outer loop's step)
        return _grown_step_list(initial, appended, ran, steps, name)
    values, flags = appended
    flags = list(flags)
    if not values:
        return list(initial)
    if ran is None and builtins.all(f is None for f in flags):
        return list(initial) + [slot[k] for k in range(steps) for slot in values]
    present = jnp.stack([jnp.ones((steps,), bool) if f is None else f for f in flags],
                        axis=1)  # (steps, slots)
    if ran is not None:
        present = jnp.logical_and(present, ran[:, None])
    rows, present = _in_order(values, present.reshape(-1), name, info)
    count = jnp.sum(present, dtype=jnp.int32)
    kept = jnp.argsort(jnp.logical_not(present), stable=True)  # present ones first
    rows = jax.tree_util.tree_map(lambda column: column[kept], rows)
    slots = builtins.len(present)
    certain = min(_certainly_present(flags, ran, steps, first_runs), slots)
    # its slots one by one are made when something reads them so (Stacked.one_by_one)
    return MaskedList(None, None, name, stacked=Stacked(initial, rows, count, certain))


def _certainly_present(flags, ran, steps: int, first_runs: bool) -> int:
    """How many leading items (in Python's order) are appended whatever the values: those
    of steps that always run, appended on every path, before any that may be missing.
    They keep their place (and a Python ``True`` flag: ``max`` of them needs no default)."""
    certain = 0
    for step in range(steps):
        if not (ran is None or (step == 0 and first_runs)):
            return certain
        for flag in flags:
            if flag is not None:
                return certain
            certain += 1
    return certain


def _in_order(values, present, name, info):
    """Every step's slots as one stacked value, row ``step * slots + slot`` (Python's
    order), and the flags in the same order. The slots must be one type of item."""
    avals = {(str(jax.tree_util.tree_structure(v)),
              tuple((tuple(leaf.shape[1:]), str(leaf.dtype))
                    for leaf in jax.tree_util.tree_leaves(v))) for v in values}
    if len(avals) > 1:
        structures = {a[0] for a in avals}
        shapes = {tuple(s for s, _ in a[1]) for a in avals}
        if len(structures) > 1 or len(shapes) > 1:
            raise _mixed_items_error(name, info)
        values = _promoted(values)
    rows = jax.tree_util.tree_map(lambda *columns: jnp.stack(columns, axis=1).reshape(
        (-1, *columns[0].shape[1:])), *values)
    return rows, present


def _promoted(values):
    """The slots' items in one dtype per leaf (``idx.append(i)`` then ``idx.append(0)``)."""
    leaves = [jax.tree_util.tree_leaves(v) for v in values]
    dtypes = [jnp.result_type(*column) for column in zip(*leaves)]
    return tuple(jax.tree_util.tree_unflatten(
        jax.tree_util.tree_structure(v), [leaf.astype(d) for leaf, d in zip(ls, dtypes)])
        for v, ls in zip(values, leaves))


def _mixed_items_error(name, info):
    return ConversionError(
        f"list {name!r} grows on some iterations of this loop with items of different "
        "shapes or kinds, so they cannot be kept as one stacked array",
        location=info.location, names=(name,),
        rule="a compiled loop keeps the items a traced `if` appends as one array per list "
        "with a 'present' flag per item; its items must have one shape.",
        fix=f"append items of one shape to {name!r} (one list per kind of item), or "
        "preallocate an array and write `.at[count].set(value)` in it.",
    )


def _promoted_state(step, carry, info):
    """The carried values other than the grown lists, in the types one step leaves them
    (``best = -1e9`` a float array after ``best = x``), as a scan must carry them."""
    state = tuple(carry[i] for i in step.kept)
    first_x = jax.tree_util.tree_map(lambda v: v[0], step.xs)
    body_state = jax.eval_shape(step, state, first_x)[0]
    return promoted_to(state, tuple(leaf_types(v) for v in body_state),
                       _kept_only(info, step.kept))


def _kept_only(info, kept):
    """``info`` naming only the carried values at ``kept`` (errors name the user's)."""
    return dataclasses.replace(info, carried=tuple(info.name_of(i) for i in kept))


def unknown_length_error(info, positions, why: str):
    name = info.name_of(positions[0])
    return ConversionError(
        f"list {name!r} grows inside this loop, but {why}, so the number of items is not "
        "known when the program is compiled",
        location=info.location, names=(name,),
        rule="a compiled program has fixed shapes; a list built in a loop becomes one stacked "
        "array only when the loop's length is fixed.",
        fix=f"state a bound as the loop body's first statement, "
        f"`py2lax.loop_options(max_iterations=N)` ({name!r} then has a traced length), "
        f"preallocate an array of the maximum length before the loop (e.g. "
        f"`{name} = jnp.zeros((max_n,))`) and write `{name} = {name}.at[i].set(value)` in it, "
        "or give the loop a static length.",
    )
