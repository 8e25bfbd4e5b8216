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
  static bounds it keeps Python's meaning: outside any JAX trace it is a Python loop;
  under one (jit, grad, vmap) a range longer than ``UNROLL_LIMIT`` is compiled as
  ``lax.fori_loop`` with static bounds, which lowers to ``scan`` and so is
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
import contextlib
import dataclasses
import io
import operator
import types

import jax
import jax.numpy as jnp

from py2lax.runtime.append_only import GrowingLists, watched_lists
from py2lax.runtime.calls import is_user_code, is_user_file
from py2lax.runtime.masked_containers import is_masked
from py2lax.runtime.conditionals import cond
from py2lax.runtime.containers import kept_in_place
from py2lax.runtime.effects import carrying_effects, in_a_traced_loop, unrolled_as_python
from py2lax.runtime.snapshots import Snapshot
from py2lax.runtime.lax_loops import compiled_loop, traced_while
from py2lax.runtime.partial_carry import note_partial_carry
from py2lax.runtime.loop_items import RangeArguments, Rows, StaticRange, TracedRange
from py2lax.runtime.raising_branches import raised_when_entered
from py2lax.runtime.jax_compat import is_concrete
from py2lax.runtime.values import TRACED, inside_a_trace, is_jax_array, is_traced, static_value
from py2lax.diagnostics.errors import ConversionError
from py2lax.diagnostics.statements import describe

# Static loops with at most this many iterations are unrolled; longer ones are compiled as
# loops. benchmarks/unroll_threshold.py (2-core CPU): for a matmul+tanh body, unrolling
# compiles slower than the loop from 4 iterations on (2.5x at 4, 5x at 8) with no
# run-time gain; for a cheap elementwise body the two are within 10% up to 16. Three
# keeps tiny loops straight-line without paying for heavy bodies.
UNROLL_LIMIT = 3


def while_loop(cond_fn, body_fn, carry, max_iterations=None):
    """``while cond_fn(*carry): carry = body_fn(*carry)``, then ``carry``.

    Runs as Python while the condition is concrete; from the first traced condition on,
    the rest of the loop is a ``lax.while_loop`` (a masked ``lax.scan`` of
    ``max_iterations`` steps when that is given).

    >>> import jax
    >>> step = lambda i, total: (i + 1, total + i)
    >>> while_loop(lambda i, total: i < 5, step, (0, 0))  # concrete: a Python loop
    (5, 10)
    >>> [int(v) for v in jax.jit(lambda n: while_loop(lambda i, t: i < n, step, (0, 0)))(5)]
    [5, 10]
    """
    carry = tuple(carry)
    while True:
        try:
            keep_going = static_value(lambda: cond_fn(*carry))
            if keep_going is not TRACED and keep_going:
                carry = tuple(body_fn(*carry))
                continue
        except BaseException as error:  # a try around the loop sees the iterations done
            note_partial_carry(error, body_fn, carry)
            raise
        if keep_going is TRACED:
            info = describe(body_fn, "while", len(carry))
            changed = _changed_by(cond_fn, carry)
            if changed:  # `while tick() < 5 and x > 0`: Python ticks once per test
                raise _condition_effects_error(info, changed)
            with raised_when_entered(lambda: cond_fn(*carry), carry, info) as entered:
                result = carrying_effects(
                    lambda functions, state, _info: traced_while(*functions, state,
                                                                 max_iterations),
                    [(cond_fn, 0, False), (body_fn, 0, True)], carry, info)
                return kept_in_place(carry, result, info)
            return entered.carry
        return carry


def fori_loop(lower, upper, body_fn, carry, step=1, has_break=False, max_iterations=None,
              unroll=False):
    """``for i in range(lower, upper, step): carry = body_fn(i, *carry)``, then ``carry``.

    Traced bounds give ``lax.fori_loop``; static ones a Python loop when the range is
    short (at most ``UNROLL_LIMIT`` iterations) and ``lax.fori_loop`` with static bounds,
    a ``scan``, when it is longer. With ``has_break`` the last carried value is the break
    flag, and the loop stops once it is true.

    >>> import jax
    >>> add_index = lambda i, total: (total + i,)
    >>> [int(v) for v in fori_loop(0, 4, add_index, (0,))]
    [6]
    >>> [int(v) for v in jax.jit(lambda n: fori_loop(0, n, add_index, (0,)))(4)]  # n traced
    [6]
    """
    carry = tuple(carry)
    if any(is_traced(bound) for bound in (lower, upper, step)):
        items = TracedRange(lower, upper, step)
        return _compiled(items, body_fn, carry, has_break, max_iterations)
    indices = range(operator.index(lower), operator.index(upper), operator.index(step))
    if unroll or len(indices) <= UNROLL_LIMIT or not inside_a_trace():
        return _python_loop(indices, body_fn, carry, has_break)
    return _compiled_or_unrolled(StaticRange(indices), indices, body_fn, carry, has_break,
                                 max_iterations)


def for_each(iterable, body_fn, carry, has_break=False, max_iterations=None, unroll=False,
             items_updated=False, iterator_read_later=False):
    """``for item in iterable: carry = body_fn(item, *carry)``, then ``carry``.

    A JAX array (or ``enumerate``/``zip`` of arrays) is scanned over its leading axis
    with ``lax.scan``; lists, tuples, dicts and NumPy arrays are iterated by Python.

    >>> import jax.numpy as jnp
    >>> add_item = lambda item, total: (total + item,)
    >>> for_each([1, 2, 3], add_item, (0,))  # a list: a Python loop
    (6,)
    >>> (total,) = for_each(jnp.arange(10.0), add_item, (0.0,))  # an array: lax.scan
    >>> float(total)
    45.0
    """
    carry = tuple(carry)
    if is_masked(iterable):  # a list or dict whose length a traced `if` decided
        return _masked_loop(iterable, body_fn, carry, has_break)
    if items_updated:
        positions = _positions_of_carried_items(iterable, body_fn, carry)
        if positions is not None:
            return fori_loop(0, positions.length, positions.body, carry, 1, has_break,
                             max_iterations, unroll)
    if isinstance(iterable, RangeArguments):  # `for i in fn(n)`, `fn` being `range`
        return fori_loop(iterable.start, iterable.stop, body_fn, carry, iterable.step,
                         has_break, max_iterations, unroll)
    items = Rows.of(iterable)
    if items is None:
        carry = _python_loop(iterable, body_fn, carry, has_break)
        if iterator_read_later and has_break and _traced_flag(carry[-1]) and (
                _is_iterator(iterable)):
            raise _iterator_position_error(body_fn)
        return carry
    if unroll or (not items.traced and (items.length <= UNROLL_LIMIT or not inside_a_trace())):
        return _python_loop(iterable, body_fn, carry, has_break)
    return _compiled_or_unrolled(items, iterable, body_fn, carry, has_break, max_iterations)


def _masked_loop(iterable, body_fn, carry, has_break):
    """``for item in L`` over a masked list or dict (``runtime/masked_containers``): each
    slot's body runs under its present flag (and, after a traced ``break``, under the
    flag that no earlier iteration broke), as a traced ``if`` would run it."""
    import dataclasses

    from py2lax.runtime.masked_containers import MaskedDict, refusal

    mapping = getattr(iterable, "mapping", iterable)
    if isinstance(mapping, MaskedDict):
        mapping.in_order("iterating it")
    stacked = getattr(iterable, "stacked", None)
    if stacked is not None:
        return _stacked_loop(stacked, body_fn, carry, has_break)
    items, masks = iterable.masked_view()
    info = dataclasses.replace(describe(body_fn, "for", 0), kind="if")
    for item, mask in builtins.zip(items, masks):
        run = True if mask is None else mask
        if has_break:
            stop = carry[-1]
            if not is_traced(stop):
                if stop:
                    break
            else:
                run = jnp.logical_and(run, jnp.logical_not(stop)) if run is not True else (
                    jnp.logical_not(stop))
        if run is True:
            carry = tuple(body_fn(item, *carry))
            continue

        def taken(*state, item=item):
            return tuple(body_fn(item, *state))

        def skipped(*state):
            return tuple(state)

        taken.__py2lax_info__ = skipped.__py2lax_info__ = info
        taken.__wrapped__ = body_fn
        try:
            carry = tuple(cond(run, taken, skipped, carry))
        except TypeError as error:
            if isinstance(error, ConversionError):
                raise
            raise refusal(mapping, "this loop (its body changes a variable's type or "
                          f"structure: {error})") from None
    return carry


def _stacked_loop(stacked, body_fn, carry, has_break):
    """``for item in L`` over a masked list a compiled loop grew (``Stacked``): its items
    from before that loop as Python does, then one scan over the loop's items, each
    step's body under its present flag (a traced ``if``)."""
    import dataclasses

    carry = _python_loop(stacked.prefix, body_fn, carry, has_break)
    info = dataclasses.replace(describe(body_fn, "for", 0), kind="if")

    leaves, structure = jax.tree_util.tree_flatten(stacked.values)

    def each(columns, *state):
        *row, here = columns
        item = jax.tree_util.tree_unflatten(structure, row)

        def taken(*state):
            return tuple(body_fn(item, *state))

        def skipped(*state):
            return tuple(state)

        taken.__py2lax_info__ = skipped.__py2lax_info__ = info
        taken.__wrapped__ = body_fn
        return tuple(cond(here, taken, skipped, state))

    each.__wrapped__ = body_fn  # the user's loop, for messages
    return for_each(zip(*leaves, stacked.flags()), each, carry, has_break)


class _CarriedItems:
    """``for v in u`` (or ``enumerate(u)``) whose body assigns items of the JAX array
    ``u``: each iteration reads item ``k`` of ``u`` as the carry holds it then, as NumPy
    does (its loop reads the array it changes in place), not a copy taken before."""

    def __init__(self, array, position: int, start, body_fn):
        self.length = array.shape[0]

        def body(k, *state):
            item = state[position][k]
            return body_fn(item if start is None else (start + k, item), *state)

        body.__wrapped__ = body_fn  # the user's loop, for messages
        self.body = body


class _CarriedZip:
    """``for u, v in zip(a, b)`` whose body assigns items of a carried JAX array among
    them: item ``k`` of each carried array is read as the carry holds it then (as
    Python's zip reads the NumPy array the loop changes), the others as given."""

    def __init__(self, arrays, positions, start, body_fn):
        self.length = min(array.shape[0] for array in arrays)

        def body(k, *state):
            items = tuple(array[k] if position is None else state[position][k]
                          for array, position in builtins.zip(arrays, positions))
            return body_fn(items if start is None else (start + k, items), *state)

        body.__wrapped__ = body_fn  # the user's loop, for messages
        self.body = body


def _positions_of_zipped_items(iterable, start, body_fn, carry):
    arrays = iterable.iterables
    if not arrays or not all(is_jax_array(a) and getattr(a, "ndim", 0) for a in arrays):
        return None  # a list or a NumPy array among them: Python's loop reads them
    positions = [next((i for i, value in builtins.enumerate(carry) if value is original),
                      None) for original in iterable.iterables]
    if all(p is None for p in positions):
        return None
    return _CarriedZip(arrays, positions, start, body_fn)


def _positions_of_carried_items(iterable, body_fn, carry):
    start = None
    if isinstance(iterable, enumerate):
        iterable, start = iterable.iterable, iterable.start
    if isinstance(iterable, zip):
        return _positions_of_zipped_items(iterable, start, body_fn, carry)
    if not is_jax_array(iterable) or not getattr(iterable, "ndim", 0):
        return None  # lists and NumPy arrays: Python's loop reads the object itself
    position = next((i for i, value in builtins.enumerate(carry) if value is iterable), None)
    if position is None:
        return None
    return _CarriedItems(iterable, position, start, body_fn)


class enumerate(builtins.enumerate):
    """``enumerate`` that ``for_each`` can see through: over an array it becomes a scan.

    Everywhere else it is Python's ``enumerate``:

    >>> list(enumerate("ab", start=1))
    [(1, 'a'), (2, 'b')]
    """

    def __new__(cls, iterable, start=0):
        if is_masked(iterable):  # a list whose length a traced `if` decided
            from py2lax.runtime.masked_containers import Enumerated

            return Enumerated(iterable, start)
        self = super().__new__(cls, iterable, start)
        self.iterable, self.start = iterable, start
        return self


class zip(builtins.zip):
    """``zip`` that ``for_each`` can see through: over arrays it becomes a scan.

    Everywhere else it is Python's ``zip``:

    >>> list(zip([1, 2, 3], "ab"))
    [(1, 'a'), (2, 'b')]
    """

    def __new__(cls, *iterables, **kwargs):
        self = super().__new__(cls, *iterables, **kwargs)
        self.iterables = iterables
        return self


# -- what a compiled loop iterates over ----------------------------------------------


# Iterations an unbounded iterator (``itertools.count()``, a generator) may run under
# ``cond`` after a traced ``break`` before the loop is refused as endless.
_UNROLLED_AFTER_TRACED_BREAK = 1000


def _python_loop(iterable, body_fn, carry, has_break):
    if _broke(carry, has_break):
        return carry  # the rest of a loop whose first iteration, run apart, broke
    under_cond = 0
    iterator = iter(iterable)
    try:
        while True:
            after_traced_break = has_break and _traced_flag(carry[-1])
            item = (_drawn_without_effects(iterator, body_fn) if after_traced_break
                    else next(iterator, _END))
            if item is _END:
                break
            if after_traced_break:
                # a traced break: the remaining iterations run under cond (a tracer
                # that holds its value, as under jax.grad without jit, is Python's `if`)
                under_cond += 1
                if under_cond > _UNROLLED_AFTER_TRACED_BREAK:
                    raise _endless_error(body_fn)
                carry = cond(carry[-1], *_stopped_or_running(body_fn, item, carry), carry)
            else:
                carry = tuple(body_fn(item, *carry))
            # a Python `True`, after a plain iteration or after a cond whose branches both
            # leave `True` (a `return` in the body): stop before Python's `for` takes the
            # next item, which an iterator keeps
            if _broke(carry, has_break):
                break
    except BaseException as error:  # a try around the loop sees the iterations done
        note_partial_carry(error, body_fn, carry, skip=1)
        raise
    return carry


def _changed_by(cond_fn, carry) -> list[str]:
    """What testing the traced condition once more changes (a throwaway trace)."""
    watched = _Watched(cond_fn)
    try:
        jax.make_jaxpr(lambda: cond_fn(*carry))()
    except Exception:  # noqa: BLE001 - the loop itself reports what fails
        return []
    return watched.changes()


class _Watched:
    """What a ``while`` condition can change: the objects it reaches (``Snapshot``) and
    the variables of the functions it calls (closure cells: ``nonlocal n``; module
    globals: ``global COUNT``), by identity."""

    def __init__(self, function):
        self.objects = Snapshot([function])
        self.variables: list[tuple[str, object, str, object]] = []
        self._functions(function, 0, set())

    def _functions(self, function, depth: int, seen: set) -> None:
        function = getattr(function, "__func__", function)
        if (not isinstance(function, types.FunctionType) or id(function) in seen
                or depth > 2 or not is_user_code(function)):
            return
        seen.add(id(function))
        code = function.__code__
        for name, cell in builtins.zip(code.co_freevars, function.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:  # not assigned yet
                continue
            self.variables.append((name, cell, "cell", value))
            self._functions(value, depth + 1, seen)
        for name in code.co_names:
            if name in function.__globals__:
                value = function.__globals__[name]
                self.variables.append((name, function.__globals__, "global", value))
                self._functions(value, depth + 1, seen)
        for constant in code.co_consts:  # the condition's own nested functions
            if isinstance(constant, types.CodeType):
                for name in constant.co_names:
                    if name in function.__globals__:
                        self._functions(function.__globals__[name], depth + 1, seen)

    def changes(self) -> list[str]:
        changed = [entry.path for entry in self.objects.changes()]
        for name, holder, kind, value in self.variables:
            try:
                now = holder.cell_contents if kind == "cell" else holder.get(name)
            except ValueError:
                now = None
            if now is not value and name not in changed:
                changed.append(name)
        return changed


def _condition_effects_error(info, changed) -> ConversionError:
    what = ", ".join(f"'{name}'" for name in changed[:3])
    return ConversionError(
        f"the condition of this `while` is traced and changes Python state ({what}) each "
        "time it is tested: a compiled loop tests it inside the program, where Python's "
        "effects cannot happen once per test",
        location=info.location, names=tuple(changed[:3]),
        rule="lax.while_loop traces its condition once; only the values it returns are "
        "part of the program, not the changes it makes to variables and objects.",
        fix="make the change in the loop body: test a variable instead (`k = tick()` "
        "before the loop and again at the end of the body, with `while k < 5 and x > 0:`).",
    )


def _broke(carry, has_break) -> bool:
    """Whether the loop's break flag (the last carried value) is a Python ``True``."""
    return has_break and not _traced_flag(carry[-1]) and bool(carry[-1])


def _traced_flag(flag) -> bool:
    return is_traced(flag) and not is_concrete(flag)


def _is_iterator(iterable) -> bool:
    try:
        return iter(iterable) is iterable
    except TypeError:
        return False


def _iterator_position_error(body_fn) -> ConversionError:
    info = describe(body_fn, "for", 0)
    return ConversionError(
        "this loop walks an iterator that the function reads again afterwards, and its "
        "`break` depends on a traced value: where the iterator stands after the loop is "
        "known only when the compiled program runs, but Python takes its items while "
        "tracing",
        location=info.location,
        rule="a Python iterator is walked while tracing; after a traced `break` py2lax runs "
        "the remaining items under `lax.cond`, which takes them all.",
        fix="keep the values in an array and the position in a variable (`k = 0; while k < "
        "n and not done: ...`), then read the rest as `values[k:]` with a mask.",
    )


_END = object()  # what `next` gives back once the iterator is exhausted


def _drawn_without_effects(iterator, body_fn):
    """The iterator's next item (or ``_END``), drawn after a traced ``break``.

    Python stops drawing at the ``break``; py2lax must draw every later item while
    tracing (each runs under ``lax.cond``). That is only Python's meaning when drawing
    changes nothing the user sees: a generator that appends to an outer list, rebinds a
    ``nonlocal`` or prints would do it one time too many, silently. Such a draw is
    refused."""
    reach = _state_a_draw_reaches(iterator)
    if reach is None:  # a list's or range's iterator: drawing has no effect
        return next(iterator, _END)
    bindings, values = reach
    watched = Snapshot(values=list(values.values()), names=list(values))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        item = next(iterator, _END)
    changed = [f"'{entry.path}'" for entry in watched.changes()]
    changed += [f"'{name}'" for name, (holder, value) in bindings.items()
                if _bound(holder, name) is not value and f"'{name}'" not in changed]
    if printed.getvalue():
        changed.append("what it prints")
    if changed:
        raise _effects_after_break_error(body_fn, changed)
    return item


def _state_a_draw_reaches(iterator):
    """What drawing from ``iterator`` can change: (the variables it can rebind, by name:
    (where, value)), (the objects it can change, by name)); None when drawing has no
    effect."""
    if isinstance(iterator, types.GeneratorType):
        frame, code = iterator.gi_frame, iterator.gi_code
        if frame is None:
            return {}, {}
        local = frame.f_locals
        if not is_user_file(code.co_filename):  # py2lax's or a library's: only what it walks
            return _through_iterators({}, {n: v for n, v in local.items() if _is_iterator(v)})
        outer = [name for name in code.co_freevars  # (not the py2lax runtime's cell)
                 if name in local and not isinstance(local[name], types.ModuleType)]
        arguments = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        named_globals = [name for name in code.co_names if name in frame.f_globals
                         and not isinstance(frame.f_globals[name], types.ModuleType)]
        bindings = {name: (frame.f_globals, frame.f_globals[name]) for name in named_globals}
        bindings.update({name: (iterator, local[name]) for name in outer})
        values = {name: local[name] for name in (*outer, *arguments) if name in local}
        values.update({name: frame.f_globals[name] for name in named_globals})
        return _through_iterators(bindings, values)
    if type(iterator) in (builtins.map, builtins.filter):
        function, *inner = iterator.__reduce__()[1]
        name = getattr(function, "__name__", "the function it maps")
        return _joined([({}, {name: function})] + [_state_a_draw_reaches(i) for i in inner])
    if isinstance(iterator, (builtins.enumerate, builtins.zip)):
        arguments = iterator.__reduce__()[1]
        inner = arguments[0] if isinstance(iterator, builtins.enumerate) else arguments
        inner = inner if isinstance(inner, tuple) else (inner,)
        nested = [_state_a_draw_reaches(each) for each in inner]
        return None if all(reach is None for reach in nested) else _joined(nested)
    return None


def _joined(reaches):
    """The union of several iterators' reach (None: nothing)."""
    bindings, values = {}, {}
    for reach in reaches:
        if reach is not None:
            bindings.update(reach[0])
            values.update(reach[1])
    return bindings, values


def _through_iterators(bindings, values):
    """An iterator among ``values`` (the range a generator expression walks) moves on
    each draw as its own state, not the user's: what drawing from it reaches is watched
    instead (whether the iterator is read again after the loop is checked elsewhere)."""
    watched = {name: value for name, value in values.items() if not _is_iterator(value)}
    inner = [_state_a_draw_reaches(v) for v in values.values() if _is_iterator(v)]
    return _joined([(bindings, watched), *inner])


def _is_iterator(value) -> bool:
    try:
        return iter(value) is value
    except TypeError:
        return False


def _bound(holder, name):
    """What ``name`` is bound to now: a module global, or a generator's outer variable."""
    if isinstance(holder, types.GeneratorType):
        return holder.gi_frame.f_locals.get(name) if holder.gi_frame is not None else None
    return holder.get(name)


def _effects_after_break_error(body_fn, changed: list[str]) -> ConversionError:
    info = describe(body_fn, "for", 0)
    return ConversionError(
        f"this loop's `break` depends on a traced value, and drawing the next item from "
        f"its iterator changes {', '.join(changed)}: Python stops drawing at the `break`, "
        "but py2lax draws every item while tracing, so the change would happen too often",
        location=info.location, names=tuple(c.strip("'") for c in changed),
        rule="after a traced `break` the later items are drawn while tracing, each run "
        "under `lax.cond`; only an iterator whose drawing changes nothing keeps Python's "
        "meaning.",
        fix="move the change out of the generator into the loop body (where the `break` "
        "guards it), or draw the items first (`items = list(gen())`) if every item may "
        "be drawn.",
    )


def _endless_error(body_fn) -> ConversionError:
    info = describe(body_fn, "for", 0)
    return ConversionError(
        f"this loop's `break` depends on a traced value, and the iterator it walks had "
        f"more than {_UNROLLED_AFTER_TRACED_BREAK} items while tracing (`itertools.count()`,"
        " a generator without end): py2lax runs a loop over a Python iterator as Python, "
        "each later item under `lax.cond`, so it would never stop",
        location=info.location,
        rule="a loop whose exit is traced must be a `lax.while_loop`, whose condition "
        "the compiled program tests; a Python iterator cannot be walked by one.",
        fix="write it as a `while` loop over a counter (`n = 0; while not done: ...; n += "
        "1`), or walk a bounded `range(...)`.",
    )


def _stopped_or_running(body_fn, item, carry):
    """The branches of an unrolled iteration after a traced ``break``: keep the carry, or
    run the body. They carry the loop's facts, so an error names the user's loop.

    In ``stopped`` the break flag is the condition that chose it, so it is ``True``
    there: a body that sets the flag too (a static ``return`` in a later iteration) then
    leaves a Python ``True`` after the loop, not a traced flag that makes the end of the
    function look reachable.
    """
    def stopped(*state):
        return (*state[:-1], True)

    def running(*state):
        return tuple(body_fn(item, *state))

    stopped.__py2lax_info__ = running.__py2lax_info__ = dataclasses.replace(
        describe(body_fn, "for", len(carry)), unrolled_iteration=True)
    # the watch of the cond then takes the body's own variables for the statement's own
    # (`nonlocal acc; acc = acc_in`, which the body returns too), not a callee's writes
    running.__wrapped__ = body_fn
    return stopped, running


@in_a_traced_loop
def _compiled_or_unrolled(items, iterable, body_fn, carry, has_break, max_iterations):
    """Compile a static loop; unroll it as Python if its body needs concrete items.

    A failed attempt may have run the first iteration as Python: the objects it changed
    are restored before Python runs the loop from the start.
    """
    if isinstance(items, StaticRange) and not _abstract(carry):
        # Python numbers so far: run the first iteration as Python. If it leaves them
        # Python numbers, nothing traced is involved and the whole loop is Python's (exact
        # ints, Python's IndexError), as under plain jit; otherwise compile the rest.
        indices = iterable
        peeled = _peeled(indices, body_fn, carry, has_break)
        if peeled is None:  # a traced `if` grows a list: every iteration is one scan step
            return _compiled_or_unrolled_from_start(items, iterable, body_fn, carry,
                                                    has_break, max_iterations)
        carry = peeled
        if not _abstract(carry):
            return _python_loop(indices[1:], body_fn, carry, has_break)
        items, iterable = items.rest(), indices[1:]
        if items.length == 0:
            return carry
    return _compiled_or_unrolled_from_start(items, iterable, body_fn, carry, has_break,
                                            max_iterations)


def _compiled_or_unrolled_from_start(items, iterable, body_fn, carry, has_break,
                                     max_iterations):
    before = Snapshot([body_fn], carry)
    try:
        result = _compiled(items, body_fn, carry, has_break, max_iterations)
    except Exception:  # noqa: BLE001 - any failure: Python's own meaning decides
        before.restore()
        with unrolled_as_python():  # (no compiled step follows: masked lists may pass)
            return _python_loop(iterable, body_fn, carry, has_break)
    if not _made_masked(carry, result) or not _short(items):
        return result
    # A list the compiled steps appended to under a condition (masked): in a short loop,
    # a condition on the index alone (`if j >= 0`) is static once Python unrolls it, and
    # the list a plain one, which every read accepts (jnp.stack). Where a condition is
    # traced the unrolled loop refuses, and the compiled loop stands.
    before.restore()
    try:
        return _python_loop(iterable, body_fn, carry, has_break)
    except ConversionError:
        before.restore()
        return _compiled(items, body_fn, carry, has_break, max_iterations)


SHORT_LOOP = 64  # the longest static loop tried unrolled when its compiled form masks a list


def _short(items) -> bool:
    """A static loop of at most SHORT_LOOP steps (its items' length, not ``len`` of the
    iterable: an ``enumerate`` or ``zip`` over rows has none)."""
    length = getattr(items, "static_length", None)
    return isinstance(length, int) and length <= SHORT_LOOP


def _made_masked(carry, result) -> bool:
    return any(type(old) is list and is_masked(new)
               for old, new in builtins.zip(carry, result))


def _peeled(indices, body_fn, carry, has_break):
    """The carry after the first iteration run as Python, or None when a traced ``if`` in
    it appends to a carried list on one path only: that list's length would depend on a
    traced value, which a compiled loop cannot carry, so the whole loop is compiled as a
    scan that appends masked items (``runtime/list_growth``); what the attempt changed is
    put back."""
    lists = {id(value): position for position, value in builtins.enumerate(carry)
             if type(value) is list}
    if not lists:
        return _python_loop(indices[:1], body_fn, carry, has_break)
    before = Snapshot([body_fn], carry)
    try:
        with watched_lists(lists):
            peeled = _python_loop(indices[:1], body_fn, carry, has_break)
    except GrowingLists:
        before.restore()
        return None
    if any(is_masked(peeled[i]) for i in lists.values()):  # an inner loop grew it so
        before.restore()
        return None
    return peeled


def _abstract(values) -> bool:
    """Whether a value is a JAX array only known at run time: a tracer of jit, or an
    array a compiled loop would carry. A tracer that holds its value (jax.grad or jax.jvp
    without jit) is not: Python's loop computes with it as the original does."""
    return any(is_jax_array(leaf) and not (is_traced(leaf) and is_concrete(leaf))
               for leaf in jax.tree_util.tree_leaves(values))


def _compiled(items, body_fn, carry, has_break, max_iterations):
    """``compiled_loop``, carrying the Python objects the body changes in place."""
    info = describe(body_fn, "for", len(carry))

    def run(functions, state, _info):
        return compiled_loop(items, functions[0], state, has_break, max_iterations)

    if not isinstance(items, TracedRange):  # a static trip count: Python raises, or not
        return kept_in_place(carry, carrying_effects(run, [(body_fn, 1, True)], carry, info),
                             info)
    with raised_when_entered(lambda: items.length > 0, carry, info) as entered:
        return kept_in_place(carry, carrying_effects(run, [(body_fn, 1, True)], carry, info),
                             info)
    return entered.carry


# -- running a loop as lax ------------------------------------------------------------
