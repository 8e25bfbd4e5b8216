"""Running a loop as lax: lowering, carry promotion, placeholders and first-iteration peeling.

``compiled_loop`` is where ``fori_loop``/``for_each`` go when a loop must be compiled,
and ``traced_while`` where ``while_loop`` goes once its condition is traced.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.errors import CarryTypeError
from py2lax.runtime.bounded_loops import RangeProgress, masked_scan
from py2lax.runtime.carry import is_user_undefined, lax_loop
from py2lax.runtime.list_growth import (
    GrowingLists,
    accumulating_scan,
    unknown_length_error,
    watching_lists,
)
from py2lax.runtime.loop_items import Rows, TracedRange
from py2lax.runtime.objects import (
    carries_objects,
    to_states,
    to_working_copies,
    with_objects,
    write_back,
)
from py2lax.runtime.undefined import Undefined, is_placeholder
from py2lax.runtime.values import truth
from py2lax.statements import describe


def compiled_loop(items, body_fn, carry, has_break, max_iterations=None):
    """Lower the loop; peel its first iteration if the carry changes type in it."""
    if carries_objects(carry):
        states = compiled_loop(items, with_objects(body_fn, 1), to_states(carry), has_break,
                           max_iterations)
        return write_back(states)
    info = describe(body_fn, "for", len(carry))
    if items.static_length == 0:
        return carry  # Python runs the body zero times, whatever it would compute
    if items.static_length is not None and any(is_user_undefined(v) for v in carry):
        # A variable first assigned in the loop: Python's first iteration defines it.
        carry = tuple(body_fn(items.first(), *carry))
        items = items.rest()
        if items.length == 0:
            return carry
    carry = _fill_placeholders(carry, lambda: body_fn(items.first(), *carry), info)
    if max_iterations is not None and (has_break or isinstance(items, TracedRange)):
        keep_going = RangeProgress(items, has_break, items.length)  # length: outside the scan
        return masked_scan(keep_going, lambda k, *c: body_fn(items.at(k), *c), carry,
                            max_iterations, info)
    try:
        return _lowered(items, watching_lists(body_fn, carry, 1), carry, has_break, info)
    except GrowingLists as growing:
        if items.traced and not isinstance(items, Rows) or has_break:
            why = "it can stop early at a `break`" if has_break else "its trip count is traced"
            raise unknown_length_error(info, growing.positions, why) from None
        return accumulating_scan(items, body_fn, carry, growing.positions)
    except CarryTypeError:
        if items.traced and not isinstance(items, Rows):
            raise
    # Python's first iteration may turn `s = 0` into an array: run it as Python, then loop.
    carry = tuple(body_fn(items.first(), *carry))
    rest = items.rest()
    if rest.length == 0:
        return carry
    return _lowered(rest, body_fn, carry, has_break, info)


def _lowered(items, body_fn, carry, has_break, info):
    if has_break:
        def step(state):
            k, inner = state[0], state[1:]
            return (k + 1, *body_fn(items.at(k), *inner))

        length = items.length  # computed here, not inside the loop's trace

        def keep_going(state):
            return lax.bitwise_and(state[0] < length, lax.bitwise_not(truth(state[-1])))

        loop = lambda f, c: lax.while_loop(keep_going, f, (0, *c))[1:]  # noqa: E731
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


def traced_while(cond_fn, body_fn, carry, max_iterations=None):
    if carries_objects(carry):
        def keep_going(*states):
            return cond_fn(*to_working_copies(states))

        states = traced_while(keep_going, with_objects(body_fn), to_states(carry), max_iterations)
        return write_back(states)
    info = describe(body_fn, "while", len(carry))
    carry = _fill_placeholders(carry, lambda: body_fn(*carry), info)
    if max_iterations is not None:
        return masked_scan(lambda k, *c: cond_fn(*c), lambda k, *c: body_fn(*c), carry,
                            max_iterations, info)
    body = watching_lists(body_fn, carry, 0)

    def loop(step_fn, state):
        return lax.while_loop(lambda c: truth(cond_fn(*c), info.location), step_fn, state)

    try:
        return lax_loop(loop, lambda state: tuple(body(*state)), carry, info)
    except GrowingLists as growing:
        raise unknown_length_error(info, growing.positions, "its condition is traced") from None


def _fill_placeholders(carry, first_iteration, info):
    """Give py2lax's own placeholders (``Undefined(..., fill=True)``) typed zero values.

    The body assigns them before anything reads them, so one abstract evaluation of the
    first iteration tells their type, and the zeros are never observed.
    """
    if not any(is_placeholder(value) for value in carry):
        return carry
    shapes = jax.eval_shape(lambda: tuple(first_iteration()))
    return tuple(
        jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), shape)
        if is_placeholder(value) and not isinstance(shape, Undefined) else value
        for value, shape in builtins.zip(carry, shapes)
    )


