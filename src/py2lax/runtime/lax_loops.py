"""Running a loop as lax: lowering, carry promotion, placeholders and first-iteration peeling.

``compiled_loop`` is where ``fori_loop``/``for_each`` go when a loop must be compiled,
and ``traced_while`` where ``while_loop`` goes once its condition is traced.
"""

from __future__ import annotations

import builtins
import dataclasses

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.diagnostics.errors import CarryTypeError
from py2lax.runtime.bounded_loops import RangeProgress, masked_scan
from py2lax.runtime.carry import (
    check_defined,
    check_no_outer_writes,
    is_user_undefined,
    lax_loop,
)
from py2lax.runtime.effects import in_a_traced_loop, run_as_python
from py2lax.runtime.choices import has_strings, through_loop, watched
from py2lax.runtime.optional_values import optional_positions, through_loop as optionals_through_loop
from py2lax.runtime.optional_values import watched as optionals_watched
from py2lax.runtime.python_values import is_carriable, unchanged_python_values
from py2lax.runtime.readable_growth import readable_growth_scan
from py2lax.runtime.list_growth import (
    GrowingLists,
    accumulating_scan,
    accumulating_until_break,
    unknown_length_error,
    watching_lists,
)
from py2lax.runtime.append_only import ListRead, is_append_only
from py2lax.runtime.loop_items import Rows, TracedRange
from py2lax.runtime.objects import (
    carries_objects,
    to_states,
    to_working_copies,
    with_objects,
    write_back,
)
from py2lax.runtime.raising_branches import raised_if
from py2lax.runtime.conversions import raised_so_far, runs_only_when
from py2lax.runtime.reverse_mode import note_known_bound
from py2lax.runtime.undefined import Undefined, is_placeholder, watching_reads
from py2lax.runtime.values import reads_a_derivative, truth
from py2lax.diagnostics.statements import describe


@in_a_traced_loop
def compiled_loop(items, body_fn, carry, has_break, max_iterations=None):
    """Lower the loop; peel its first iteration if the carry changes type in it."""
    if carries_objects(carry):
        states = compiled_loop(items, with_objects(body_fn, 1), to_states(carry), has_break,
                           max_iterations)
        return write_back(states)
    if has_strings(carry) and not watched(body_fn):  # a string the loop may change
        return through_loop(lambda body, state: compiled_loop(
            items, body, state, has_break, max_iterations), body_fn, carry,
            describe(body_fn, "for", len(carry)))
    info = describe(body_fn, "for", len(carry))
    optional = optional_positions(carry, info)
    # `best = None`, set in a loop that may run zero times (one with a known length runs
    # its first iteration as Python below when it changes a carried value's type)
    if optional and items.static_length is None and not optionals_watched(body_fn):
        return optionals_through_loop(lambda body, state: compiled_loop(
            items, body, state, has_break, max_iterations), body_fn, carry, optional, info)
    check_no_outer_writes(info, (body_fn,))
    if items.static_length == 0:
        return carry  # Python runs the body zero times, whatever it would compute
    if items.static_length is not None and any(is_user_undefined(v) for v in carry):
        # A variable first assigned in the loop: Python's first iteration defines it.
        carry = run_as_python(body_fn, items.first(), *carry)
        items = items.rest()
        if items.length == 0:
            return carry
    if items.static_length is None and any(is_user_undefined(v) for v in carry):
        carry = _first_assigned_in_the_loop(items, body_fn, carry, info)
    carry, untouched = _fill_placeholders(
        carry, lambda k, *state: body_fn(items.at(k), *state), info)
    if untouched:
        return _passing_through(untouched, body_fn, 1, lambda body, state: compiled_loop(
            items, body, state, has_break, max_iterations), carry)
    python, checked = unchanged_python_values(body_fn, carry, 1, info)
    if python:  # strings and other Python values: set aside, checked to stay the same
        return _passing_through(python, checked, 1, lambda body, state: compiled_loop(
            items, body, state, has_break, max_iterations), carry)
    if (max_iterations is None and has_break and items.static_length is not None
            and reads_a_derivative(body_fn, carry, getattr(items, "sequences", None))):
        # `for _ in range(50): ... break` under jax.grad: reverse mode cannot go through
        # the while_loop a traced break needs, but the loop has a known bound.
        max_iterations = items.static_length
    if max_iterations is not None and (has_break or isinstance(items, TracedRange)):
        keep_going = RangeProgress(items, has_break, items.length)  # length: outside the scan
        return masked_scan(keep_going, lambda k, *c: body_fn(items.at(k), *c), carry,
                            max_iterations, info)
    if has_break and items.static_length is not None:  # (for jax.grad's error, if it comes)
        note_known_bound(info, items.static_length)
    stepping = [i for i, value in enumerate(carry) if is_append_only(value)]
    if stepping:  # an outer loop's step appends to the list: this loop's steps do too
        return _accumulating(items, body_fn, carry, has_break, stepping, info)
    try:
        return _lowered(items, watching_lists(body_fn, carry, 1), carry, has_break, info)
    except GrowingLists as growing:
        if items.traced and not isinstance(items, Rows):
            raise unknown_length_error(info, growing.positions,
                                       "its trip count is traced") from None
        return _accumulating(items, body_fn, carry, has_break, growing.positions, info)
    except CarryTypeError:
        if items.traced and not isinstance(items, Rows):
            raise
    # Python's first iteration may turn `s = 0` into an array: run it as Python, then loop.
    carry = run_as_python(body_fn, items.first(), *carry)
    rest = items.rest()
    if rest.length == 0:
        return carry
    return _lowered(rest, body_fn, carry, has_break, info)


def _accumulating(items, body_fn, carry, has_break, positions, info):
    """The loop as a scan whose steps append to the lists at ``positions``; a step that
    finds another list grown under a traced ``if`` (``GrowingLists``) adds it."""
    positions = set(positions)
    while True:
        try:
            if has_break:  # a known length: the list is masked where the loop stopped
                return accumulating_until_break(items, body_fn, carry, sorted(positions),
                                                info)
            return accumulating_scan(items, body_fn, carry, sorted(positions), info)
        except GrowingLists as growing:
            if set(growing.positions) <= positions:
                raise
            positions |= set(growing.positions)
        except ListRead:  # a step reads a list it grows: carry it as a buffer, if one can
            try:
                return readable_growth_scan(items, body_fn, carry, has_break,
                                            sorted(positions), info)
            except Exception:  # noqa: BLE001 - the loop runs the way it ran before
                raise ListRead() from None


def _lowered(items, body_fn, carry, has_break, info):
    if has_break:
        def step(state):
            k, inner = state[0], state[1:]
            return (k + 1, *body_fn(items.at(k), *inner))

        length = items.length  # computed here, not inside the loop's trace

        def keep_going(state):
            return lax.bitwise_and(state[0] < length, lax.bitwise_not(truth(state[-1])))

        loop = lambda f, c: lax.while_loop(  # noqa: E731
            keep_going, _guarded_step(f, keep_going), (0, *c))[1:]
        return lax_loop(loop, step, carry, info, carry_of=lambda out: out[1:])
    if isinstance(items, Rows):
        def scan_step(state, row):
            return tuple(body_fn(items.make_item(row), *state)), None

        loop = lambda f, c: lax.scan(f, c, items.sequences)[0]  # noqa: E731
        return lax_loop(loop, scan_step, carry, info, carry_of=lambda out: out[0])
    lower, upper, index = items.fori_bounds()

    def fori_step(i, state):
        return tuple(body_fn(index(i), *state))

    return lax_loop(lambda f, c: lax.fori_loop(lower, upper, f, c), fori_step, carry, info)


@in_a_traced_loop
def traced_while(cond_fn, body_fn, carry, max_iterations=None):
    if carries_objects(carry):
        def keep_going(*states):
            return cond_fn(*to_working_copies(states))

        states = traced_while(keep_going, with_objects(body_fn), to_states(carry), max_iterations)
        return write_back(states)
    if has_strings(carry) and not watched(body_fn):  # a string the loop may change
        return through_loop(lambda body, state: traced_while(
            cond_fn, body, state, max_iterations), body_fn, carry,
            describe(body_fn, "while", len(carry)))
    info = describe(body_fn, "while", len(carry))
    optional = optional_positions(carry, info)
    if optional and not optionals_watched(body_fn):  # `best = None`, set in the loop
        return optionals_through_loop(lambda body, state: traced_while(
            cond_fn, body, state, max_iterations), body_fn, carry, optional, info)
    check_no_outer_writes(info, (body_fn,))
    carry, untouched = _fill_placeholders(carry, lambda k, *state: body_fn(*state), info)
    if untouched:
        return _passing_through(untouched, body_fn, 0, lambda body, state: traced_while(
            _dropping(untouched, cond_fn, carry), body, state, max_iterations), carry)
    python, checked = unchanged_python_values(body_fn, carry, 0, info)
    if python:
        return _passing_through(python, checked, 0, lambda body, state: traced_while(
            _dropping(python, cond_fn, carry), body, state, max_iterations), carry)
    if max_iterations is not None:
        return masked_scan(lambda k, *c: cond_fn(*c), lambda k, *c: body_fn(*c), carry,
                            max_iterations, info)
    body = watching_lists(body_fn, carry, 0)

    raised = raised_so_far()  # Python stopped before the loop where a check raises

    def loop(step_fn, state):
        def keep_going(c):  # marked: `done is True` reads a bool
            going = truth(cond_fn(*step_fn.marked(c)), info.location)
            return going if raised is None else going & lax.bitwise_not(raised)

        return lax.while_loop(keep_going, _guarded_step(step_fn, keep_going), state)

    try:
        return lax_loop(loop, lambda state: tuple(body(*state)), carry, info)
    except GrowingLists as growing:
        raise unknown_length_error(info, growing.positions, "its condition is traced") from None


def _guarded_step(step_fn, keep_going):
    """``step_fn`` traced knowing Python runs it only where ``keep_going(state)`` holds:
    under ``jax.vmap`` a while_loop on a batched condition runs the body for elements
    whose loop has ended, and a check in it (a ``raise``) must not fire for them."""
    def step(state):
        with runs_only_when(lambda: keep_going(state)):
            return step_fn(state)

    return step


def _first_assigned_in_the_loop(items, body_fn, carry, info):
    """Variables a loop with a traced trip count assigns before reading them (``for it
    in range(n): labels = ...``, ``labels`` read after the loop), given zeros of the
    type the body assigns.

    After at least one iteration they hold the last iteration's values, as in Python. A
    loop that runs zero times leaves them unbound: the compiled program then raises
    Python's ``UnboundLocalError``. A variable that the first iteration may read before
    assigning, or may leave unassigned (``if x > 0: w = ...``), keeps the located refusal.
    """
    positions = [i for i, v in enumerate(carry) if is_user_undefined(v)]
    if info.inside_try:  # Python could catch the UnboundLocalError: it must be raised now
        check_defined(carry, info)
    traced = _traceable_positions(carry)

    def first_iteration(k, *values):
        state = list(carry)  # the markers raise if read (or joined with a value by a cond)
        for index, value in builtins.zip(traced, values):
            state[index] = value
        outputs = tuple(body_fn(items.at(k), *state))
        return tuple(outputs[i] for i in positions)

    with watching_reads() as reads:  # also the reads a traced branch defers to run time
        try:
            shapes = jax.eval_shape(first_iteration, 0, *(carry[i] for i in traced))
        except Exception:  # noqa: BLE001 - the refusal below says what to do
            reads.append(None)
    if reads:
        check_defined(carry, info)
    filled = list(carry)
    for index, shape in builtins.zip(positions, shapes):
        filled[index] = jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), shape)
    name = info.name_of(positions[0])
    error = UnboundLocalError(f"cannot access local variable {name!r} where it is not "
                              "associated with a value")
    raised_if(items.length <= 0, error, str(info.location),
              "after a loop whose trip count is traced ran zero times")
    return tuple(filled)


def _traceable_positions(carry) -> list[int]:
    """Where ``carry`` holds values an abstract evaluation can take as traced arguments
    (not markers, not Python objects)."""
    return [i for i, v in enumerate(carry) if not isinstance(v, Undefined) and all(
        is_carriable(leaf) for leaf in jax.tree_util.tree_leaves(v))]


def _fill_placeholders(carry, iteration, info):
    """Give py2lax's own placeholders (``Undefined(..., fill=True)``) typed zero values.

    The body assigns them before anything reads them, so one abstract evaluation of an
    iteration tells their type, and the zeros are never observed. ``iteration(k, *state)``
    runs the body for a traced iteration number ``k``; it is evaluated with traced state,
    exactly as lax will run it (a concrete first item could take other branches).
    Returns the carry and the positions of placeholders the body never assigns: those
    pass through the loop unchanged, outside lax.
    """
    if not any(is_placeholder(value) for value in carry):
        return carry, ()
    untouched = []
    placeholders = {i for i, v in enumerate(carry) if is_placeholder(v)}
    traced = _traceable_positions(carry)  # others: as they are

    def probe(k, *values):
        state = list(carry)
        for index, value in builtins.zip(traced, values):
            state[index] = value
        outputs = tuple(iteration(k, *state))
        untouched.extend(i for i, v in enumerate(outputs) if isinstance(v, Undefined))
        return tuple(v if i in placeholders and not isinstance(v, Undefined) else None
                     for i, v in enumerate(outputs))

    shapes = jax.eval_shape(probe, 0, *(carry[i] for i in traced))
    filled = tuple(
        jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), shape)
        if is_placeholder(value) and i not in untouched else value
        for i, (value, shape) in enumerate(builtins.zip(carry, shapes))
    )
    return filled, tuple(i for i in untouched if is_placeholder(carry[i]))


def _dropping(positions, cond_fn, carry):
    """``cond_fn`` called with the pass-through values put back in place."""
    kept = [i for i in range(len(carry)) if i not in positions]

    def keep_going(*state):
        full = list(carry)
        for index, value in builtins.zip(kept, state):
            full[index] = value
        return cond_fn(*full)

    return keep_going


def _passing_through(positions, body_fn, skip: int, run, carry):
    """Run ``run(body, carry)`` without the carried values at ``positions``.

    The body still receives and returns them (unchanged); lax never sees them.
    """
    if not positions:
        return run(body_fn, carry)
    kept = [i for i in range(len(carry)) if i not in positions]
    info = describe(body_fn, "for", len(carry))

    def body(*arguments):
        head, state = arguments[:skip], arguments[skip:]
        full = list(carry)
        for index, value in builtins.zip(kept, state):
            full[index] = value
        result = tuple(body_fn(*head, *full))
        return tuple(result[i] for i in kept)

    # Errors inside name the user's variables, at the user's statement.
    body.__py2lax_info__ = dataclasses.replace(
        info, carried=tuple(info.name_of(i) for i in kept))
    result = run(body, tuple(carry[i] for i in kept))
    full = list(carry)
    for index, value in builtins.zip(kept, result):
        full[index] = value
    return tuple(full)

