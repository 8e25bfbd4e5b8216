"""``sum(e for x in v if c)`` with a traced ``c``: the items whose condition is false add nothing.

Python meaning::

    def masked(condition):
        return bool(condition)

A comprehension's ``if`` keeps some items and drops the others, so how many items a
filtered generator gives depends on the values: under jit, with a traced condition, the
generator cannot drop anything. A reduction of those items still has one meaning that
does not depend on how many there are: ``sum`` adds nothing for a dropped item, ``any``
finds nothing in it, ``all`` finds no counterexample, and ``max``/``min`` do not consider
it. So when ``sum``, ``any``, ``all``, ``max`` or ``min`` consumes a filtered generator
(``py2lax.converted(sum)(e for x in v if py2lax.masked(c))`` in converted code),
``masked(c)`` with a traced ``c`` keeps the item and hands ``c`` to the reduction, which
computes ``jnp.where(c, e, 0)`` for a sum (``False`` for ``any``, ``True`` for ``all``, and
for ``max``/``min`` a running best that only a kept item can replace). A concrete ``c``
filters as Python does. ``max``/``min`` of items that may all be dropped needs
``default=``, as in Python (whose ``max`` raises on an empty sequence): without it the
call is refused at the user's line.

Anywhere else (a filtered generator given to ``list()``), a traced condition raises what
``bool()`` of a traced value raises, which py2lax restates at the user's line.
"""

from __future__ import annotations

import builtins
import sys
import types

import jax.numpy as jnp

from py2lax.diagnostics.errors import ValueDependentShapeError
from py2lax.runtime.values import is_traced

# id(frame of a generator being consumed by a reduction) -> the traced conditions of the
# item it is making.
_CONSUMED: dict[int, list] = {}


def masked(condition):
    """``bool(condition)``; a traced ``condition`` inside a generator that ``sum``/``any``/
    ``all``/``max``/``min`` consumes keeps the item, masked by ``condition``.

    >>> import jax, jax.numpy as jnp
    >>> from py2lax.runtime.builtins import TRACE_AWARE
    >>> count = lambda v: TRACE_AWARE[sum](1 for x in v if masked(x > 0))
    >>> count([1.0, -2.0, 3.0])
    2
    >>> jax.jit(count)(jnp.array([1.0, -2.0, 3.0]))
    Array(2, dtype=int32, weak_type=True)
    """
    if not is_traced(condition):
        kept = builtins.bool(condition)
        if not kept:
            conditions = _CONSUMED.get(id(sys._getframe(1)))
            if conditions:
                conditions.clear()  # the item is dropped: its earlier conditions too
        return kept
    conditions = _CONSUMED.get(id(sys._getframe(1)))
    if conditions is None or jnp.size(condition) != 1:
        return builtins.bool(condition)  # JAX's error, restated at the user's line
    conditions.append(jnp.reshape(jnp.asarray(condition), ()).astype(bool))
    return True


def masked_items(iterable):
    """``(items, masks)`` of a generator: ``masks[i]`` is None for an item Python keeps,
    or the traced condition of a kept-if item; None when ``iterable`` is not a generator
    (or no condition was traced: ``masks`` is then None)."""
    from py2lax.runtime.masked_containers import masked_view  # (it imports little)

    view = masked_view(iterable)  # a list or dict whose length a traced `if` decided
    if view is not None:
        items, masks = view
        if getattr(items, "stacked", None) is not None:  # reduced as one array
            return items, masks
        return items, (masks if builtins.any(m is not None for m in masks) else None)
    if not isinstance(iterable, types.GeneratorType) or iterable.gi_frame is None:
        return None
    items, masks = [], []
    for item, mask in masked_stream(iterable):
        items.append(item)
        masks.append(mask)
    return items, (masks if builtins.any(m is not None for m in masks) else None)


def masked_stream(generator):
    """``(item, mask)`` for each item of ``generator``, taken one at a time (a consumer
    may stop early, as ``any`` does): ``mask`` is None for an item Python keeps, or the
    traced condition of a kept-if item."""
    key = id(generator.gi_frame)
    conditions: list = []
    _CONSUMED[key] = conditions
    try:
        for item in generator:
            mask = _all(conditions) if conditions else None
            conditions.clear()
            yield item, mask
    finally:
        _CONSUMED.pop(key, None)


def _all(conditions):
    result = conditions[0]
    for condition in conditions[1:]:
        result = result & condition
    return result


def _tail_reduced(items, masks, reduce):
    """``(items, masks)`` of a masked list a loop grew (``StackedItems``): its items before
    the loop, then the loop's items reduced to one by ``reduce(values, flags)``, which
    gives ``(value, whether any is there)`` (the mask: None when one always is); the
    others as they are."""
    stacked = getattr(items, "stacked", None)
    if stacked is None:
        return items, masks
    value, have = reduce(stacked.values, stacked.flags())
    if stacked.certain > 0:  # (`max` of it needs no default)
        have = None
    return [*stacked.prefix, value], [None] * len(stacked.prefix) + [have]


def masked_sum(items, masks, start=0):
    """``start`` plus every kept item: ``jnp.where(mask, item, 0)`` for a masked one."""
    items, masks = _tail_reduced(items, masks, lambda values, flags: (
        jnp.sum(jnp.where(flags, values, 0), axis=0), jnp.any(flags)))
    total = start
    for item, mask in zip(items, masks):
        total = total + (item if mask is None else jnp.where(mask, item, 0))
    return total


def masked_extremum(name: str, better, items, masks, options: dict):
    """``max``/``min`` of the kept items: Python's rule (the first kept item, replaced by
    each later kept item that is ``better``), with ``default`` when none is kept."""
    key = options.get("key")
    if key is None:
        items, masks = _tail_reduced(items, masks, lambda values, flags: _best(
            values, flags, name))
    keys = [key(item) for item in items] if key is not None else items
    if set(options) - {"key", "default"} or not builtins.all(
            jnp.ndim(k) == 0 for k in keys):
        return None
    always = builtins.any(mask is None for mask in masks)
    if not always and ("default" not in options or options["default"] is None):
        raise _empty_error(name, "default" in options)
    result = best = have = None
    for item, value, mask in zip(items, keys, masks):
        kept = jnp.asarray(True) if mask is None else mask
        if have is None:
            result, best, have = item, value, kept
            continue
        take = kept & (~have | better(value, best))
        result, best = jnp.where(take, item, result), jnp.where(take, value, best)
        have = have | kept
    if result is None:  # no items at all
        return options["default"]
    if always:
        return result
    return jnp.where(have, result, options["default"])


def _best(values, flags, name: str):
    """The first largest (``max``) or smallest (``min``) of ``values`` where ``flags``, as
    Python's ``max``/``min`` picks it, and whether any is there."""
    dtype = jnp.result_type(values)
    if jnp.issubdtype(dtype, jnp.floating):
        worst = -jnp.inf if name == "max" else jnp.inf
    elif jnp.issubdtype(dtype, jnp.integer):
        worst = jnp.iinfo(dtype).min if name == "max" else jnp.iinfo(dtype).max
    else:
        worst = name == "min"
    ranked = jnp.where(flags, values, jnp.asarray(worst, dtype))
    position = jnp.argmax(ranked) if name == "max" else jnp.argmin(ranked)
    return values[position], jnp.any(flags)


def _empty_error(name: str, default_none: bool) -> ValueDependentShapeError:
    from py2lax.runtime.conversions import user_location

    return ValueDependentShapeError(
        f"`{name}(...)` of a generator whose `if` condition is traced may receive no items, "
        f"and then Python's {name} raises ValueError"
        + (" (`default=None` is not an array)" if default_none else ""),
        location=user_location(), names=(name,),
        rule="under jit, which items the `if` keeps is only known when the program runs; "
        "a compiled program cannot raise for the empty case as Python does.",
        fix=f"pass a value for the empty case: `{name}(..., default=-jnp.inf)` (or "
        f"`default=0`), or compute `{name}` over all items with "
        f"`jnp.{name}(jnp.where(condition, values, fill))`.",
    )
