"""Loops with a traced trip count and a user-given bound, as masked scans.

``py2lax.loop_options(max_iterations=N)`` turns such a loop into ``N`` ``scan`` steps
that run the body under ``lax.cond`` while the loop would still be running; reverse-mode
differentiation works through ``scan`` but not ``while_loop``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.diagnostics.errors import ConversionError
from py2lax.runtime.carry import lax_loop, leaf_types, promoted_to
from py2lax.runtime.conversions import runs_only_when, where_python_runs
from py2lax.runtime.jax_compat import eval_shape
from py2lax.runtime.list_growth import accumulating_bounded, growing_positions
from py2lax.runtime.values import truth


class RangeProgress:
    """Whether iteration ``k`` of a range (or array) loop runs: in range and not broken."""

    def __init__(self, items, has_break, length):
        self.items, self.has_break, self.length = items, has_break, length

    def __call__(self, k, *carry):
        running = k < self.length
        if self.has_break:
            running = jnp.logical_and(running, jnp.logical_not(truth(carry[-1])))
        return running


def masked_scan(keep_going, body_fn, carry, max_iterations: int, info):
    """A loop with a traced trip count run as ``max_iterations`` masked scan steps.

    Step ``k`` runs the body under ``lax.cond`` while ``keep_going(k, *carry)`` holds, so
    the result is the loop's and reverse-mode differentiation works. If the loop still
    wants to run after ``max_iterations`` steps, the program raises at run time instead
    of silently returning a truncated result.
    """
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, int) or max_iterations < 1:
        raise ConversionError(
            f"`max_iterations` must be a positive Python int, got {max_iterations!r}",
            location=info.location, names=("max_iterations",),
            rule="the bound becomes the length of a compiled lax.scan, so it must be known while "
            "the function is traced (not a traced value).",
            fix="pass a literal or a static value: `py2lax.loop_options(max_iterations=100)`.",
        )

    growing = growing_positions(body_fn, carry)
    if growing:  # `history.append(x)`: the lists' items become the scan's outputs
        return accumulating_bounded(keep_going, body_fn, carry, growing, max_iterations, info,
                                    lambda unfinished: jax.debug.callback(
                                        _BoundCheck(info, max_iterations), unfinished))
    # The body runs under lax.cond next to the unchanged state, so the state must already
    # have the types the body produces (`y = 0` then `y = y + x`): promote it first.
    body_types = tuple(leaf_types(v) for v in eval_shape(lambda: tuple(body_fn(0, *carry))))
    carry = promoted_to(carry, body_types, info)

    def step(state, k):
        active = jnp.logical_and(state[0], truth(keep_going(k, *state[1:])))
        inner = lax.cond(active, lambda c: _run_only_when(active, body_fn, k, *c),
                         lambda c: tuple(c), state[1:])
        return (active, *inner), None

    def loop(step_fn, state):
        return lax.scan(step_fn, state, jnp.arange(max_iterations))[0]

    final = lax_loop(loop, step, (jnp.bool_(True), *carry), info,
                      carry_of=lambda out: out[0])
    unfinished = jnp.logical_and(final[0], truth(keep_going(max_iterations, *final[1:])))
    jax.debug.callback(_BoundCheck(info, max_iterations), where_python_runs(unfinished))
    return final[1:]


def _run_only_when(active, body_fn, *arguments) -> tuple:
    """The body, traced knowing it runs only where ``active`` holds: under ``jax.vmap``
    the cond runs it for every element, and its checks (a ``raise``) must not fire for an
    element whose loop has ended."""
    with runs_only_when(lambda: active):
        return tuple(body_fn(*arguments))


class _BoundCheck:
    def __init__(self, info, max_iterations):
        self.info, self.max_iterations = info, max_iterations

    def __call__(self, unfinished):
        if bool(unfinished):
            raise ConversionError(
                f"this `{self.info.kind}` loop needed more than max_iterations="
                f"{self.max_iterations} iterations",
                location=self.info.location,
                rule="with `py2lax.loop_options(max_iterations=N)` the loop is compiled as N "
                "masked steps; stopping early would return a wrong result.",
                fix="raise `max_iterations` to a bound the loop never exceeds.",
            )
