"""Loops: Python when the loop is static, ``lax`` when the trip count or items are traced.

Python meaning of the helpers (what the generated code asks for)::

    def while_loop(cond_fn, body_fn, carry):
        while cond_fn(*carry):
            carry = body_fn(*carry)
        return carry

    def fori_loop(lower, upper, body_fn, carry, step=1, has_break=False, ...):
        for i in range(lower, upper, step):
            if has_break and carry[-1]:      # the last carried value is the break flag
                break
            carry = body_fn(i, *carry)
        return carry

    def for_each(iterable, body_fn, carry, has_break=False, ...):
        for item in iterable:
            if has_break and carry[-1]:
                break
            carry = body_fn(item, *carry)
        return carry

How each runs:

* ``while_loop`` evaluates the condition in Python; as soon as it is traced the rest
  of the loop becomes ``lax.while_loop``.
* ``fori_loop`` with traced bounds becomes ``lax.fori_loop`` (a ``while_loop``). With
  static bounds it keeps Python's meaning, but a range longer than ``UNROLL_LIMIT`` is
  compiled as ``lax.fori_loop`` with static bounds, which lowers to ``scan`` and so is
  reverse-differentiable, instead of being unrolled. If the body cannot run with a
  traced index (it indexes a Python list, say), the loop is unrolled as Python does.
* ``for_each`` over a traced array (or ``enumerate``/``zip`` of arrays) is ``lax.scan``
  over the leading axis; over lists, tuples, dicts and NumPy arrays it is a Python loop.
* ``unroll=True`` (the body mutates objects outside the function) keeps a static loop a
  Python loop, so those effects happen exactly once per iteration.
* ``max_iterations=N`` (from ``py2lax.loop_options``) turns a loop with a traced trip
  count into ``N`` masked ``scan`` steps, which ``jax.grad`` can differentiate.
* A loop with ``break`` (``has_break=True``) that must be compiled becomes a
  ``lax.while_loop`` over the iteration index that also stops on the flag.
* When a carried value changes type in the first iteration of a loop with a known
  length (``s = 0`` then ``s = s + row``), that iteration runs as Python and the rest
  is compiled, so the result is exactly Python's.
"""

from __future__ import annotations

import builtins
import operator

import jax
import jax.numpy as jnp
from jax import lax

from py2lax.errors import CarryTypeError, ConversionError, UndefinedVariableError
from py2lax.runtime.carry import cast_tree, joined_dtypes, leaf_types
from py2lax.runtime.conditionals import cond
from py2lax.runtime.objects import (
    carries_objects,
    to_states,
    to_working_copies,
    with_objects,
    write_back,
)
from py2lax.statements import describe
from py2lax.runtime.undefined import Undefined, is_placeholder
from py2lax.runtime.values import is_jax_array, is_traced, truth

# Static loops with at most this many iterations are unrolled (cheap to compile, and XLA
# optimises straight-line code best); longer ones are compiled as loops. Measured by
# benchmarks/unroll_threshold.py (see docs/performance.md).
UNROLL_LIMIT = 8

# A carried value's dtype can be promoted at most this many times (e.g. int -> float32).
_MAX_PROMOTIONS = 3


# -- the helpers the generated code calls ------------------------------------------

def while_loop(cond_fn, body_fn, carry, max_iterations=None):
    carry = tuple(carry)
    while True:
        keep_going = cond_fn(*carry)
        if is_traced(keep_going):
            return _traced_while(cond_fn, body_fn, carry, max_iterations)
        if not keep_going:
            return carry
        carry = tuple(body_fn(*carry))


def fori_loop(lower, upper, body_fn, carry, step=1, has_break=False, max_iterations=None,
              unroll=False):
    carry = tuple(carry)
    if any(is_traced(bound) for bound in (lower, upper, step)):
        items = _TracedRange(lower, upper, step)
        return _compiled(items, body_fn, carry, has_break, max_iterations)
    indices = range(operator.index(lower), operator.index(upper), operator.index(step))
    if unroll or len(indices) <= UNROLL_LIMIT:
        return _python_loop(indices, body_fn, carry, has_break)
    return _compiled_or_unrolled(_StaticRange(indices), indices, body_fn, carry, has_break,
                                 max_iterations)


def for_each(iterable, body_fn, carry, has_break=False, max_iterations=None, unroll=False):
    carry = tuple(carry)
    items = _Rows.of(iterable)
    if items is None:
        return _python_loop(iterable, body_fn, carry, has_break)
    if unroll or (not items.traced and items.length <= UNROLL_LIMIT):
        return _python_loop(iterable, body_fn, carry, has_break)
    return _compiled_or_unrolled(items, iterable, body_fn, carry, has_break, max_iterations)


class enumerate(builtins.enumerate):
    """``enumerate`` that ``for_each`` can see through: over an array it becomes a scan."""

    def __new__(cls, iterable, start=0):
        self = super().__new__(cls, iterable, start)
        self.iterable, self.start = iterable, start
        return self


class zip(builtins.zip):
    """``zip`` that ``for_each`` can see through: over arrays it becomes a scan."""

    def __new__(cls, *iterables, **kwargs):
        self = super().__new__(cls, *iterables, **kwargs)
        self.iterables = iterables
        return self


# -- what a compiled loop iterates over ----------------------------------------------

class _StaticRange:
    """A Python ``range`` compiled as a loop: the index is traced, the bounds are not."""

    traced = False

    def __init__(self, indices: range):
        self.indices, self.length = indices, len(indices)

    def first(self):
        return self.indices[0]

    def rest(self):
        return _StaticRange(self.indices[1:])

    def at(self, k):
        return self.indices.start + k * self.indices.step

    def scan_inputs(self):
        return jnp.arange(self.length), self.at

    def fori_bounds(self):
        """``(lower, upper, index)`` for ``lax.fori_loop``, as one would write it by hand."""
        if self.indices.step == 1:
            return self.indices.start, self.indices.stop, lambda i: i
        return 0, self.length, self.at


class _TracedRange:
    traced = True

    def __init__(self, lower, upper, step):
        lower, upper, step = (_as_index(b) for b in (lower, upper, step))
        self.lower, self.upper, self.step = lower, upper, step
        self.length = _trip_count(lower, upper, step)

    def first(self):
        return self.lower

    def at(self, k):
        return self.lower + k * self.step

    def fori_bounds(self):
        if not is_traced(self.step) and self.step == 1:
            return self.lower, self.upper, lambda i: i
        return 0, self.length, self.at


class _Rows:
    """Arrays iterated along their leading axis (``xs``, ``enumerate(xs)``, ``zip(xs, ys)``)."""

    def __init__(self, sequences, make_item):
        self.sequences, self.make_item = sequences, make_item
        leaves = jax.tree_util.tree_leaves(sequences)
        self.length = leaves[0].shape[0]
        self.traced = any(is_traced(leaf) for leaf in leaves)

    @classmethod
    def of(cls, iterable) -> "_Rows | None":
        if isinstance(iterable, enumerate) and is_jax_array(iterable.iterable):
            xs = _iterable_array(iterable.iterable)
            indices = jnp.arange(xs.shape[0]) + iterable.start
            return cls((indices, xs), lambda row: (row[0], row[1]))
        if isinstance(iterable, zip) and iterable.iterables and all(
            is_jax_array(x) for x in iterable.iterables
        ):
            arrays = [_iterable_array(x) for x in iterable.iterables]
            length = min(x.shape[0] for x in arrays)
            return cls(tuple(x[:length] for x in arrays), tuple)
        if is_jax_array(iterable) and not isinstance(iterable, (enumerate, zip)):
            return cls(_iterable_array(iterable), lambda row: row)
        return None

    def _map(self, function):
        return jax.tree_util.tree_map(function, self.sequences)

    def scan_inputs(self):
        return self.sequences, self.make_item

    def first(self):
        return self.make_item(self._map(lambda x: x[0]))

    def rest(self):
        return _Rows(self._map(lambda x: x[1:]), self.make_item)

    def at(self, k):
        return self.make_item(self._map(lambda x: lax.dynamic_index_in_dim(x, k, keepdims=False)))


def _iterable_array(value):
    if jnp.ndim(value) == 0:
        raise TypeError("iteration over a 0-d array")
    return value


_INDEX_DTYPE = jnp.result_type(int)  # int32, or int64 with jax_enable_x64


def _as_index(bound):
    """A traced bound as the default signed integer: Python's range indices are ints, and
    unsigned or mixed widths would make ``upper - lower`` wrap around."""
    if not is_traced(bound):
        return bound
    if not jnp.issubdtype(bound.dtype, jnp.integer):
        raise TypeError(f"'{bound.dtype}' object cannot be interpreted as an integer "
                        "(range() needs integer bounds, as in Python)")
    if bound.dtype != _INDEX_DTYPE:
        return lax.convert_element_type(bound, _INDEX_DTYPE)
    return bound


def _trip_count(lower, upper, step):
    """``len(range(lower, upper, step))`` for traced bounds."""
    if not is_traced(step):
        if step == 0:
            raise ValueError("range() arg 3 must not be zero")
        if step > 0:
            return jnp.maximum(0, (upper - lower + step - 1) // step)
        return jnp.maximum(0, (lower - upper - step - 1) // (-step))
    up = jnp.maximum(0, (upper - lower + step - 1) // jnp.maximum(step, 1))
    down = jnp.maximum(0, (lower - upper - step - 1) // jnp.maximum(-step, 1))
    return jnp.where(step > 0, up, down)


# -- running a loop as Python ------------------------------------------------------------

def _python_loop(iterable, body_fn, carry, has_break):
    for item in iterable:
        if has_break:
            stop = carry[-1]
            if is_traced(stop):  # a traced break: the remaining iterations run under cond
                carry = cond(stop, lambda *c: c, lambda *c: tuple(body_fn(item, *c)), carry)
                continue
            if stop:
                break
        carry = tuple(body_fn(item, *carry))
    return carry


def _compiled_or_unrolled(items, iterable, body_fn, carry, has_break, max_iterations):
    """Compile a static loop; unroll it as Python if its body needs concrete items."""
    try:
        return _compiled(items, body_fn, carry, has_break, max_iterations)
    except Exception:  # noqa: BLE001 - any failure: Python's own meaning decides
        return _python_loop(iterable, body_fn, carry, has_break)


# -- running a loop as lax ------------------------------------------------------------

def _compiled(items, body_fn, carry, has_break, max_iterations=None):
    """Lower the loop; peel its first iteration if the carry changes type in it."""
    if carries_objects(carry):
        states = _compiled(items, with_objects(body_fn, 1), to_states(carry), has_break,
                           max_iterations)
        return write_back(states)
    info = describe(body_fn, "for", len(carry))
    if isinstance(items.length, int) and items.length == 0:
        return carry  # Python runs the body zero times, whatever it would compute
    if isinstance(items.length, int) and any(_is_user_undefined(v) for v in carry):
        # A variable first assigned in the loop: Python's first iteration defines it.
        carry = tuple(body_fn(items.first(), *carry))
        items = items.rest()
        if items.length == 0:
            return carry
    carry = _fill_placeholders(carry, lambda: body_fn(items.first(), *carry), info)
    if max_iterations is not None and (has_break or isinstance(items, _TracedRange)):
        keep_going = _RangeProgress(items, has_break)
        return _masked_scan(keep_going, lambda k, *c: body_fn(items.at(k), *c), carry,
                            max_iterations, info)
    try:
        return _lowered(items, _watching_lists(body_fn, carry, 1), carry, has_break, info)
    except _GrowingLists as growing:
        if items.traced and not isinstance(items, _Rows) or has_break:
            why = "it can stop early at a `break`" if has_break else "its trip count is traced"
            raise _unknown_length_error(info, growing.positions, why) from None
        return _accumulating_scan(items, body_fn, carry, growing.positions)
    except CarryTypeError:
        if items.traced and not isinstance(items, _Rows):
            raise
    # Python's first iteration may turn `s = 0` into an array: run it as Python, then loop.
    carry = tuple(body_fn(items.first(), *carry))
    rest = items.rest()
    if rest.length == 0:
        return carry
    return _lowered(rest, body_fn, carry, has_break, info)


class _GrowingLists(Exception):
    """Raised while tracing a loop body that appends to carried lists."""

    def __init__(self, positions):
        super().__init__(positions)
        self.positions = positions


def _watching_lists(body_fn, carry, skip: int):
    """``body_fn`` that raises ``_GrowingLists`` when it makes a carried list longer.

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
            raise _GrowingLists(grown)
        return result

    return watched


def _accumulating_scan(items, body_fn, carry, positions):
    """A loop that appends to lists: the appended values become ``scan``'s stacked outputs.

    Python's result is the initial list followed by every iteration's appended values,
    which is what is rebuilt here (each element a row of the stacked output).
    """
    initial = {i: carry[i] for i in positions}
    kept = [i for i in range(len(carry)) if i not in initial]
    xs, item_of = items.scan_inputs()

    def step(state, x):
        full = list(carry)
        for index, value in builtins.zip(kept, state):
            full[index] = value
        for index, prefix in initial.items():
            full[index] = list(prefix)
        result = tuple(body_fn(item_of(x), *full))
        appended = tuple(tuple(result[i][len(initial[i]):]) for i in positions)
        return tuple(result[i] for i in kept), appended

    final, stacked = lax.scan(step, tuple(carry[i] for i in kept), xs)
    result = list(carry)
    for index, value in builtins.zip(kept, final):
        result[index] = value
    for index, per_slot in builtins.zip(positions, stacked):
        rows = [slot[k] for k in range(items.length) for slot in per_slot]
        result[index] = list(initial[index]) + rows
    return tuple(result)


def _unknown_length_error(info, positions, why: str):
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


def _lowered(items, body_fn, carry, has_break, info):
    if has_break:
        def step(state):
            k, inner = state[0], state[1:]
            return (k + 1, *body_fn(items.at(k), *inner))

        def keep_going(state):
            return jnp.logical_and(state[0] < items.length, jnp.logical_not(truth(state[-1])))

        loop = lambda f, c: lax.while_loop(keep_going, f, (0, *c))[1:]  # noqa: E731
        return _lax_loop(loop, step, carry, info, carry_of=lambda out: out[1:])
    if isinstance(items, _Rows):
        def scan_step(state, row):
            return tuple(body_fn(items.make_item(row), *state)), None

        loop = lambda f, c: lax.scan(f, c, items.sequences)[0]  # noqa: E731
        return _lax_loop(loop, scan_step, carry, info, carry_of=lambda out: out[0])
    lower, upper, index = items.fori_bounds()

    def fori_step(i, state):
        return tuple(body_fn(index(i), *state))

    return _lax_loop(lambda f, c: lax.fori_loop(lower, upper, f, c), fori_step, carry, info)


def _traced_while(cond_fn, body_fn, carry, max_iterations=None):
    if carries_objects(carry):
        def keep_going(*states):
            return cond_fn(*to_working_copies(states))

        states = _traced_while(keep_going, with_objects(body_fn), to_states(carry), max_iterations)
        return write_back(states)
    info = describe(body_fn, "while", len(carry))
    carry = _fill_placeholders(carry, lambda: body_fn(*carry), info)
    if max_iterations is not None:
        return _masked_scan(lambda k, *c: cond_fn(*c), lambda k, *c: body_fn(*c), carry,
                            max_iterations, info)
    body = _watching_lists(body_fn, carry, 0)

    def loop(step_fn, state):
        return lax.while_loop(lambda c: truth(cond_fn(*c), info.location), step_fn, state)

    try:
        return _lax_loop(loop, lambda state: tuple(body(*state)), carry, info)
    except _GrowingLists as growing:
        raise _unknown_length_error(info, growing.positions, "its condition is traced") from None


class _RangeProgress:
    """Whether iteration ``k`` of a range (or array) loop runs: in range and not broken."""

    def __init__(self, items, has_break):
        self.items, self.has_break = items, has_break

    def __call__(self, k, *carry):
        running = k < self.items.length
        if self.has_break:
            running = jnp.logical_and(running, jnp.logical_not(truth(carry[-1])))
        return running


def _masked_scan(keep_going, body_fn, carry, max_iterations: int, info):
    """A loop with a traced trip count run as ``max_iterations`` masked scan steps.

    Step ``k`` runs the body under ``lax.cond`` while ``keep_going(k, *carry)`` holds, so
    the result is the loop's and reverse-mode differentiation works. If the loop still
    wants to run after ``max_iterations`` steps, the program raises at run time instead
    of silently returning a truncated result.
    """
    max_iterations = operator.index(max_iterations)

    def step(state, k):
        active = jnp.logical_and(state[0], truth(keep_going(k, *state[1:])))
        inner = lax.cond(active, lambda c: tuple(body_fn(k, *c)), lambda c: tuple(c), state[1:])
        return (active, *inner), None

    def loop(step_fn, state):
        return lax.scan(step_fn, state, jnp.arange(max_iterations))[0]

    final = _lax_loop(loop, step, (jnp.bool_(True), *carry), info,
                      carry_of=lambda out: out[0])
    unfinished = jnp.logical_and(final[0], truth(keep_going(max_iterations, *final[1:])))
    jax.debug.callback(_BoundCheck(info, max_iterations), unfinished)
    return final[1:]


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


class _Recorder:
    """Wraps a loop step to remember the carry types it produced."""

    def __init__(self, step_fn, carry_of):
        self.step_fn, self.carry_of = step_fn, carry_of
        self.types = None

    def __call__(self, *args):
        result = self.step_fn(*args)
        self.types = tuple(leaf_types(v) for v in self.carry_of(result))
        return result


def _lax_loop(loop, step_fn, carry, info, carry_of=lambda out: out):
    """Run ``loop(step, carry)``; on a carry dtype mismatch promote the carry and retry."""
    _check_defined(carry, info)
    for _attempt in range(_MAX_PROMOTIONS + 1):
        recorder = _Recorder(step_fn, carry_of)
        try:
            return tuple(loop(recorder, carry))
        except TypeError:
            if recorder.types is None:
                raise  # the body itself failed to trace: that error is the user's
        carry = _promoted(carry, recorder.types, info)
    raise AssertionError("unreachable: carry promotion did not converge")


def _promoted(carry, body_types, info):
    """The carry cast to the dtypes the body produces (raises CarryTypeError otherwise)."""
    init_types = tuple(leaf_types(v) for v in carry)
    casts = joined_dtypes([init_types, body_types], info, "every iteration of the loop",
                          ("value before the loop", "value after one iteration"))
    if all(target is None for leaf in casts for target in leaf):
        raise CarryTypeError(
            "the loop's carried values changed type in a way py2lax cannot join",
            location=info.location, names=info.carried,
            rule="a lax loop keeps each carried value's shape and dtype fixed.",
            fix="give each carried variable its final dtype before the loop.",
        )
    return tuple(cast_tree(v, c) for v, c in builtins.zip(carry, casts))


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


def _is_user_undefined(value) -> bool:
    return isinstance(value, Undefined) and not value.fill


def _check_defined(carry, info):
    for index, value in builtins.enumerate(carry):
        if isinstance(value, Undefined):
            name = info.name_of(index)
            raise UndefinedVariableError(
                f"variable {name!r} is first assigned inside this traced `{info.kind}` loop "
                "and used after it (or in the loop's next iteration or condition)",
                location=info.location, names=(name,),
                rule="a lax loop carries its variables from one iteration to the next, so each "
                "needs a value (with its final shape and dtype) before the loop starts; Python "
                "would also fail if the loop ran zero times.",
                fix=f"initialise {name!r} before the loop, e.g. `{name} = 0` or "
                f"`{name} = jnp.zeros_like(...)`.",
            )
