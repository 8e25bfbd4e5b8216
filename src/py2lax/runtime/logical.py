"""``and``, ``or`` and ``not`` that keep Python's short-circuit on static values.

Python meaning: ``and_(a, lambda: b)`` is ``a and b``; ``or_(a, lambda: b)`` is
``a or b``; ``not_(a)`` is ``not a``. Once an operand is traced the result is a traced
boolean (``jnp.logical_and`` of the truth values); a static falsy operand of ``and``
(truthy of ``or``) still decides the result without evaluating the operands after it.
"""

from __future__ import annotations

import jax.numpy as jnp

from py2lax.runtime.values import is_traced, truth


def and_(first, *rest):
    return _short_circuit(first, rest, stop_on=False)


def or_(first, *rest):
    return _short_circuit(first, rest, stop_on=True)


def not_(value):
    if is_traced(value):
        return jnp.logical_not(truth(value))
    return not value


def _short_circuit(value, thunks, stop_on: bool):
    traced = []
    remaining = iter(thunks)
    while True:
        if is_traced(value):
            traced.append(truth(value))
        elif bool(value) == stop_on:
            return jnp.asarray(stop_on) if traced else value
        thunk = next(remaining, None)
        if thunk is None:
            break
        value = thunk()
    if not traced:
        return value
    combine = jnp.logical_or if stop_on else jnp.logical_and
    result = traced[0]
    for part in traced[1:]:
        result = combine(result, part)
    return result
