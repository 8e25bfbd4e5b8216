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
from py2lax.runtime.masked_containers import MaskedList
from py2lax.runtime.values import truth


class GrowingLists(Exception):
    """Raised while tracing a loop body that appends to carried lists."""

    def __init__(self, positions):
        super().__init__(positions)
        self.positions = positions


def watching_lists(body_fn, carry, skip: int):
    """``body_fn`` that raises ``GrowingLists`` when it makes a carried list longer.

    ``skip`` is the number of leading arguments that are not carried (the item).
    """
    lists = [i for i, value in builtins.enumerate(carry) if isinstance(value, list)]
    if not lists:
        return body_fn

    def watched(*arguments):
        state = arguments[skip:]
        lengths = {i: len(state[i]) for i in lists}
        result = tuple(body_fn(*arguments))
        grown = [i for i in lists if isinstance(result[i], list) and len(result[i]) > lengths[i]]
        if grown:
            raise GrowingLists(grown)
        return result

    return watched


class ListRead(Exception):
    """A loop body read a list it also grows: its items are not scan outputs yet."""


class AppendOnly(list):
    """The list a scan step appends to: reading it would see only the items from before
    the loop (the appended ones become stacked outputs), so reading is refused and the
    loop runs another way (as Python when its length is static)."""

    def _refuse(self, *args, **kwargs):
        raise ListRead()

    __getitem__ = __len__ = __iter__ = __contains__ = __reversed__ = _refuse
    index = count = copy = __bool__ = __eq__ = _refuse


class _AppendingStep:
    """One iteration of a loop that appends to the carried lists at ``positions``, as a
    scan step: ``(state, x) -> (state, appended)``, where ``state`` holds the other
    carried values and ``appended`` per list the items this iteration appended (the
    lists themselves are :class:`AppendOnly`: the step cannot read them)."""

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
            full[index] = AppendOnly(prefix)
        result = tuple(self.body_fn(self.item_of(x), *full))
        appended = tuple(tuple(list.__getitem__(result[i], slice(len(self.initial[i]), None)))
                         for i in self.positions)
        return tuple(result[i] for i in self.kept), appended


def accumulating_scan(items, body_fn, carry, positions):
    """A loop that appends to lists: the appended values become ``scan``'s stacked outputs.

    Python's result is the initial list followed by every iteration's appended values,
    which is what is rebuilt here (each element a row of the stacked output).
    """
    step = _AppendingStep(items, body_fn, carry, positions)
    initial, kept, xs = step.initial, step.kept, step.xs
    final, stacked = lax.scan(step, tuple(carry[i] for i in kept), xs)
    result = list(carry)
    for index, value in builtins.zip(kept, final):
        result[index] = value
    for index, per_slot in builtins.zip(positions, stacked):
        rows = [slot[k] for k in range(items.length) for slot in per_slot]
        result[index] = list(initial[index]) + rows
    return tuple(result)


def accumulating_until_break(items, body_fn, carry, positions, info):
    """A loop of known length that appends to lists and that a traced ``break`` may stop:
    a scan whose step runs the body under ``lax.cond`` while the break flag (the last
    carried value) is still false, and otherwise keeps the state.

    Each step's appended values become stacked outputs together with whether the step
    ran; the list afterwards is a :class:`MaskedList` of the initial items and every
    step's items, present where that step ran: Python's items, with a traced length.
    """
    run = _AppendingStep(items, body_fn, carry, positions)
    initial, kept, xs = run.initial, run.kept, run.xs
    first_x = jax.tree_util.tree_map(lambda v: v[0], xs)
    state = tuple(carry[i] for i in kept)
    body_state, appended_types = jax.eval_shape(run, state, first_x)
    kept_info = _kept_only(info, kept)
    state = promoted_to(state, tuple(leaf_types(v) for v in body_state), kept_info)

    def stopped(state, x):
        return state, jax.tree_util.tree_map(lambda t: jnp.zeros(t.shape, t.dtype),
                                             appended_types)

    def step(state, x):
        running = jnp.logical_not(truth(state[-1]))
        new_state, appended = lax.cond(running, run, stopped, state, x)
        return new_state, (appended, running)

    final, (stacked, ran) = lax.scan(step, state, xs)
    ran = [ran[k] for k in range(items.length)]
    if carry[-1] is False:  # a Python False: the first iteration always runs (`max` of it)
        ran[0] = True
    result = list(carry)
    for index, value in builtins.zip(kept, final):
        result[index] = value
    for index, per_slot in builtins.zip(positions, stacked):
        rows = [slot[k] for k in range(items.length) for slot in per_slot]
        flags = [ran[k] for k in range(items.length) for _ in per_slot]
        prefix = list(initial[index])
        result[index] = MaskedList(prefix + rows, [True] * len(prefix) + flags,
                                   info.name_of(index))
    return tuple(result)


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
        fix=f"preallocate an array of the maximum length before the loop (e.g. "
        f"`{name} = jnp.zeros((max_n,))`) and write `{name} = {name}.at[i].set(value)` in it, "
        "or give the loop a static length.",
    )
