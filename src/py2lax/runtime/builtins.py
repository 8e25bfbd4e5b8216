"""Python builtins and ``math`` functions, made to work on traced values.

``max(x, 0.0)`` and ``min(dt, t_end - t)`` call ``bool()`` on a comparison, which a traced
value refuses. Converted code calls them through ``py2lax.converted(max)``, which gives
these versions: Python's own ``max``/``min`` unless an argument is a traced scalar, and
then Python's exact rule, one comparison at a time, as a select:
``max(a, b)`` is ``b if b > a else a`` (so a NaN is kept or dropped as Python would).
With ``key=``, the keys decide by the same rule and the items are selected with them.
Anything else (arrays with several elements compared directly, ``default=`` on a
non-empty traced vector...) goes to Python's builtin, which raises what it raises in
Python. ``any(v)`` and
``all(v)`` of a traced vector are ``jnp.any``/``jnp.all`` of its truth values.

``math.sqrt(dt)`` converts its argument to a Python float, which a traced value cannot
give; ``py2lax.converted(math.sqrt)`` is ``math.sqrt`` on Python values and its
``jax.numpy`` twin (``jnp.sqrt``) on traced ones (the table is
:data:`py2lax.analysis.traced_names.MATH_TWINS`). NumPy functions (``np.sin(x)``,
``np.linalg.norm(v)``) likewise become the ``jax.numpy`` function of the same name when
an argument is traced, where NumPy itself would fail converting it to an array.

>>> import jax, jax.numpy as jnp
>>> float(jax.jit(lambda x: traced_max(x, 0.5))(jnp.float32(0.25)))
0.5
>>> traced_min(3, 1, 2)
1
"""

from __future__ import annotations

import builtins
import functools
import gc
import math
import operator
import types

import jax
import jax.numpy as jnp
import numpy as np

from py2lax.runtime.choices import (StringChoice, attribute_of_choice, format_choice,
                                    method_of_choice)
from py2lax.runtime.containers import owned
from py2lax.runtime.conversions import CONVERSIONS, NUMPY_ITERATORS
from py2lax.runtime.loop_items import RangeArguments
from py2lax.runtime.ordering import traced_sorted
from py2lax.runtime.masked_containers import is_masked
from py2lax.runtime.masked import masked_extremum, masked_items, masked_stream, masked_sum
from py2lax.runtime.python_types import remember, traced_isinstance, traced_type
from py2lax.runtime.values import is_traced
from py2lax.analysis.traced_names import (INTEGRAL_MATH, MATH_FORMULAS, MATH_TWINS,
                                          PREDICATE_MATH)


def traced_max(*values, **options):
    """``max(*values, **options)``, with traced scalars compared by ``jnp.where``."""
    return _extremum(builtins.max, operator.gt, values, options)


def traced_min(*values, **options):
    """``min(*values, **options)``, with traced scalars compared by ``jnp.where``."""
    return _extremum(builtins.min, operator.lt, values, options)


def _extremum(builtin, better, values, options):
    """Python's rule (keep the first, replace it by each item that is ``better``), as
    selects when the items are traced scalars; Python's builtin otherwise.

    ``max(xs)`` and ``max(v for v in xs)`` compare the items the iterable gives.
    """
    if len(values) == 1 and (found := masked_items(values[0])) is not None:
        items, masks = found
        if masks is not None:  # `max(e for x in v if c, default=d)` with a traced c
            result = masked_extremum(builtin.__name__, better, items, masks, options)
            return builtin(items, **options) if result is None else result
        values = (items,)
    if options.get("key") is not None:
        return _extremum_by_key(builtin, better, values, options)
    items, call = values, (lambda: builtin(*values, **options))
    if len(values) == 1 and not set(options) - {"default"}:
        items = _items(values[0])
        if items is None:
            return call()
        call = lambda: builtin(items, **options)  # noqa: E731 - a generator is used up
        if not items:
            return call()
    elif options:
        return call()
    if not (len(items) > 1 and builtins.any(is_traced(v) for v in items)
            and builtins.all(jnp.ndim(v) == 0 for v in items)):
        return call()
    result = items[0]
    for value in items[1:]:
        result = jnp.where(better(value, result), value, result)
    return result


def _extremum_by_key(builtin, better, values, options):
    """``max(items, key=f)``: Python's rule (the first item whose key no later item beats),
    each key computed once; with traced keys, the items are selected by ``jnp.where``."""
    key, rest = options["key"], {k: v for k, v in options.items() if k != "key"}
    items = _items(values[0]) if len(values) == 1 else list(values)
    if items is None or not items or set(rest) - {"default"}:
        return builtin(*values, **options)
    keys = [key(item) for item in items]
    if builtins.any(is_traced(k) for k in keys) and not builtins.all(
            isinstance(item, _SELECTABLE) for item in items):
        raise _chosen_item_error(builtin.__name__, items)
    if not builtins.any(is_traced(k) for k in keys):
        best = 0
        for index in range(1, len(items)):
            if better(keys[index], keys[best]):
                best = index
        return items[best]
    if not builtins.all(jnp.ndim(k) == 0 for k in keys) or len(
            {jnp.shape(item) for item in items}) != 1:
        return builtin(*values, **options)  # keys that are not numbers: Python's error
    result, best = items[0], keys[0]
    for item, value in zip(items[1:], keys[1:]):
        take = better(value, best)
        result, best = jnp.where(take, item, result), jnp.where(take, value, best)
    return result


_SELECTABLE = (bool, int, float, complex, jax.Array, np.ndarray, np.generic)


def _chosen_item_error(name: str, items):
    from py2lax.diagnostics.errors import TracedValueError
    from py2lax.runtime.conversions import user_location

    kind = next(type(item).__name__ for item in items if not isinstance(item, _SELECTABLE))
    return TracedValueError(
        f"`{name}(..., key=...)` chooses among items of type {kind} by traced keys: which "
        f"item it returns is known only at run time, and a {kind} cannot be a traced value",
        location=user_location(), names=(name,),
        rule=f"a compiled program selects among arrays (`jnp.where`); it cannot return one "
        f"{kind} or another depending on a value computed inside it.",
        fix=f"select the values instead of their names: `{name}(d.values())` for "
        f"`d[{name}(d, key=d.get)]`, or the position with `jnp.arg{name}(jnp.stack(keys))`.",
    )


def _items(iterable) -> list | None:
    """The items of an iterable as a list (a traced vector's elements), else None."""
    if is_traced(iterable):
        return list(iterable) if jnp.ndim(iterable) == 1 else None
    try:
        return list(iterable)
    except TypeError:
        return None


def traced_any(values):
    """``any(values)``; for a traced vector (or traced scalars in a list, tuple or
    generator), whether one element is true, as a traced bool. An item of a filtered
    generator whose condition is traced counts only where the condition holds."""
    if is_masked(values):  # a list whose length a traced `if` decided: masked items
        return _masked_truth(values, True)
    if _is_lazy(values):
        return _short_circuit(values, True)
    values, elements = _traced_elements(values)
    return builtins.any(values) if elements is None else jnp.any(elements)


def traced_all(values):
    """``all(values)``; for a traced vector (or traced scalars in a list, tuple or
    generator), whether every element is true, as a traced bool. An item of a filtered
    generator whose condition is traced counts only where the condition holds."""
    if is_masked(values):
        return _masked_truth(values, False)
    if _is_lazy(values):
        return _short_circuit(values, False)
    values, elements = _traced_elements(values)
    return builtins.all(values) if elements is None else jnp.all(elements)


def _masked_truth(values, any_: bool):
    """``any``/``all`` of a masked container: an absent item finds nothing (``any``) and
    is no counterexample (``all``)."""
    items, masks = masked_items(values)
    truths = []
    for item, mask in zip(items, masks or [None] * len(items)):
        truth = jnp.asarray(item, bool) if is_traced(item) else builtins.bool(item)
        if mask is not None:
            truth = jnp.logical_and(mask, truth) if any_ else jnp.logical_or(
                jnp.logical_not(mask), truth)
        truths.append(truth)
    if not truths:
        return not any_
    stacked = jnp.stack([jnp.asarray(t, bool) for t in truths])
    if not builtins.any(is_traced(t) for t in truths):
        return builtins.any(truths) if any_ else builtins.all(truths)
    return jnp.any(stacked) if any_ else jnp.all(stacked)


def _is_lazy(values) -> bool:
    """A generator or iterator: Python takes its items one at a time, and stops early."""
    return not isinstance(values, (list, tuple, dict, set, frozenset, str, range)) and (
        not is_traced(values)) and hasattr(values, "__next__")


def _short_circuit(values, stop_at: bool):
    """``any`` (``stop_at=True``) or ``all`` of an iterator, taking items as Python does:
    it stops at the first concrete item whose truth is ``stop_at``. Traced scalar items
    cannot stop it (their truth is known only at run time): they are combined with
    ``jnp.any``/``jnp.all`` at the end, as is an item a traced filter may drop (it
    counts as ``not stop_at`` where the filter drops it)."""
    stream = (masked_stream(values) if isinstance(values, types.GeneratorType)
              and values.gi_frame is not None else ((item, None) for item in values))
    traced = []
    def decided():
        """Whether an earlier (traced) item decided, which would have stopped Python."""
        if not traced:
            return None
        truths = jnp.stack(traced)
        return jnp.any(truths) if stop_at else jnp.logical_not(jnp.all(truths))

    for item, mask in _pulled(stream, values, decided, stop_at):
        if is_traced(item) or mask is not None:
            if jnp.ndim(item) != 0:
                builtins.bool(item)  # Python's (and JAX's) error for an array's truth
            truth = jnp.asarray(item, bool)
            traced.append(truth if mask is None else jnp.where(mask, truth, not stop_at))
        elif builtins.bool(item) is stop_at:
            return stop_at
    if not traced:
        return not stop_at
    truths = jnp.stack(traced)
    return jnp.any(truths) if stop_at else jnp.all(truths)


def _pulled(stream, values, decided, stop_at: bool):
    """The items of ``stream``; once an item is traced (``decided()`` is not None), Python
    may have stopped there, so each next item is made watching what the generator's code
    can reach: making it must change nothing and raise nothing. A closure variable it
    assigns (``(n := n + 1)``) keeps the value it had where an earlier item decided."""
    stream = iter(stream)
    watch = None  # one snapshot: no item after the first traced one may change anything
    while True:
        earlier = decided()
        if watch is None and earlier is not None:
            watch = _GeneratorState(values)
        try:
            pair = next(stream)
        except StopIteration:
            return
        except Exception as error:
            if watch is None:
                raise
            raise _undecided_error(stop_at, f"raises {type(error).__name__}", ()) from error
        if watch is not None:
            changed = watch.snapshot.changes()
            if changed:
                watch.snapshot.restore()
                names = tuple(entry.path for entry in changed)
                raise _undecided_error(stop_at, f"changes {names[0]!r}", names)
            unmerged = watch.merge_assignments(earlier)
            if unmerged:
                raise _undecided_error(stop_at, f"assigns {unmerged[0]!r}", unmerged)
        yield pair


class _GeneratorState:
    """What a generator expression's code can reach (its closure's variables, the globals
    it names, the helpers it calls), to tell whether making an item changed any of it;
    nothing for any other iterator."""

    def __init__(self, values):
        from py2lax.runtime.effects import Snapshot  # effects imports calls, which import this

        self.frame = getattr(values, "gi_frame", None)
        if not isinstance(values, types.GeneratorType) or self.frame is None:
            self.frame, self.snapshot, self.bound, self.cells = None, Snapshot(), {}, {}
            return
        code = values.gi_code
        self.bound = {name: self.frame.f_locals[name] for name in code.co_freevars
                      if name in self.frame.f_locals}
        cells = tuple(types.CellType(value) for value in self.bound.values())
        reader = (types.FunctionType(code, self.frame.f_globals, code.co_name, None, cells)
                  if len(cells) == len(code.co_freevars) else None)
        self.snapshot = Snapshot(functions=[reader] if reader is not None else [])
        self.cells = _closure_cells(values, self.bound)

    def merge_assignments(self, earlier) -> tuple[str, ...]:
        """Give each closure variable the item assigned Python's value, ``jnp.where(earlier,
        value before, value after)``; return the names that cannot be merged so."""
        if self.frame is None:
            return ()
        now = self.frame.f_locals
        unmerged = []
        for name, before in self.bound.items():
            after = now.get(name)
            if after is before:
                continue
            merged = _selected(earlier, before, after)
            if merged is None or name not in self.cells:
                unmerged.append(name)
                continue
            self.cells[name].cell_contents = merged
            self.bound[name] = merged
        return tuple(unmerged)


def _closure_cells(generator, bound: dict) -> dict:
    """The generator's closure cells by name (CPython keeps its own cells, then those of
    ``co_freevars`` in order, in its frame), checked against the values they hold; empty
    if unsure."""
    cells = [r for r in gc.get_referents(generator) if isinstance(r, types.CellType)]
    own, names = len(generator.gi_code.co_cellvars), generator.gi_code.co_freevars
    if len(cells) != own + len(names):
        return {}
    found = dict(zip(names, cells[own:]))
    for name, cell in found.items():
        try:
            if cell.cell_contents is not bound.get(name):
                return {}
        except ValueError:  # an empty cell
            return {}
    return found


def _selected(condition, before, after):
    """``jnp.where(condition, before, after)`` for numbers and arrays of one shape, else None."""
    numbers = (bool, int, float, complex, jax.Array, np.ndarray, np.generic)
    if not (isinstance(before, numbers) and isinstance(after, numbers)):
        return None
    if jnp.shape(before) != jnp.shape(after):
        return None
    return jnp.where(condition, before, after)


def _undecided_error(stop_at: bool, what: str, names: tuple):
    from py2lax.diagnostics.errors import OuterWriteError
    from py2lax.runtime.conversions import user_location

    name, stop = ("any", "true") if stop_at else ("all", "false")
    return OuterWriteError(
        f"`{name}(...)` stops at the first {stop} item, and an earlier item is traced, so "
        f"whether Python makes the next item is known only at run time; making it {what}",
        location=user_location(), names=names,
        rule=f"a compiled program computes every item of the generator; Python's `{name}` "
        "stops taking items once one decides, so the effects of making the later ones "
        "(appending, counting, raising) happen only on some runs.",
        fix="compute the items without effects (e.g. `hits = [x > 2 for x in v]`, then "
        f"`{name}(hits)`), and count or collect separately with values "
        "(`jnp.argmax(...)`, `jnp.sum(...)`), or make the items static.",
    )


def traced_sum(iterable, /, start=0):
    """``sum(iterable, start)``; the items of a filtered generator whose condition is
    traced are added as ``jnp.where(condition, item, 0)``."""
    if (found := masked_items(iterable)) is not None:
        items, masks = found
        if masks is not None:
            return masked_sum(items, masks, start)
        iterable = items
    return builtins.sum(iterable, start)


def _traced_elements(values):
    """``(values, elements)``: the elements as one array when Python would call ``bool``
    on traced ones (else None), and the values to give Python's builtin otherwise (a
    generator's items: Python uses them up too)."""
    if not isinstance(values, (list, tuple)) and not is_traced(values):
        items = _items(values)
        if items is None:
            return values, None
        values = items
    if is_traced(values) and jnp.ndim(values) == 1:
        return values, jnp.asarray(values, bool)
    if isinstance(values, (list, tuple)) and builtins.any(is_traced(v) for v in values) and (
            builtins.all(jnp.ndim(v) == 0 for v in values)):
        return values, jnp.asarray([jnp.asarray(v, bool) for v in values])
    return values, None


def traced_pow(base, exp, mod=None, /):
    """``pow(base, exp, mod)``; with a traced argument, modular exponentiation on integer
    arrays (Python's rule: the result has the sign of ``mod``; a negative ``exp`` uses the
    inverse of ``base``, which must exist). ``pow(base, exp)`` is ``base ** exp``.

    >>> import jax, jax.numpy as jnp
    >>> int(jax.jit(lambda b: traced_pow(b, 13, 7))(jnp.int32(3))), pow(3, 13, 7)
    (3, 3)
    >>> int(jax.jit(lambda e: traced_pow(3, e, -7))(jnp.int32(-2))), pow(3, -2, -7)
    (-3, -3)
    """
    arguments = (base, exp) if mod is None else (base, exp, mod)
    if mod is None or not builtins.any(is_traced(a) for a in arguments):
        return builtins.pow(*arguments)
    values = [jnp.asarray(a) for a in arguments]
    if not builtins.all(jnp.issubdtype(v.dtype, jnp.integer) for v in values):
        raise TypeError("pow() 3rd argument not allowed unless all arguments are integers")
    if builtins.any(v.ndim for v in values):
        return builtins.pow(*arguments)  # what Python (NumPy, JAX) says of arrays
    if not is_traced(mod) and mod == 0:
        raise ValueError("pow() 3rd argument cannot be 0")
    return _modular_power(*values)


def _modular_power(base, exp, mod):
    from py2lax.runtime.conversions import raise_when, user_location

    location = user_location()
    signed = jnp.result_type(base, exp, mod)
    unsigned = jnp.dtype(f"uint{jnp.iinfo(signed).bits}")
    modulus = jnp.abs(mod.astype(signed))
    raise_when(modulus == 0, lambda: ValueError("pow() 3rd argument cannot be 0"),
               location=location)
    safe = jnp.maximum(modulus, 1)
    reduced = base.astype(signed) % safe  # in [0, |mod|), as Python's % gives
    inverse, invertible = _modular_inverse(reduced, safe)
    negative = exp < 0
    raise_when(negative & ~invertible,
               lambda: ValueError("base is not invertible for the given modulus"),
               location=location)
    base_used = jnp.where(negative, inverse, reduced).astype(unsigned)
    power = _power_mod(base_used, jnp.abs(exp).astype(unsigned), safe.astype(unsigned))
    result = power.astype(signed)
    return jnp.where((mod < 0) & (result != 0), result - modulus, result)


def _add_mod(x, y, m):
    """``(x + y) % m`` for unsigned ``x, y < m``, which cannot overflow (``m`` has a
    sign bit to spare)."""
    total = x + y
    return jnp.where(total >= m, total - m, total)


def _times_mod(x, y, m):
    """``(x * y) % m`` by doubling and adding, so that no product overflows."""
    bits = jnp.iinfo(m.dtype).bits

    def step(i, state):
        result, doubled = state
        take = ((y >> i.astype(y.dtype)) & 1) == 1
        return jnp.where(take, _add_mod(result, doubled, m), result), _add_mod(doubled, doubled, m)

    return jax.lax.fori_loop(0, bits, step, (jnp.zeros_like(x), x % m))[0]


def _power_mod(base, exp, m):
    """``base ** exp % m`` by squaring, one bit of ``exp`` at a time."""
    bits = jnp.iinfo(exp.dtype).bits

    def step(i, state):
        result, square = state
        take = ((exp >> i.astype(exp.dtype)) & 1) == 1
        return (jnp.where(take, _times_mod(result, square, m), result),
                _times_mod(square, square, m))

    one = (jnp.ones_like(base) % m).astype(base.dtype)
    return jax.lax.fori_loop(0, bits, step, (one, base % m))[0]


def _modular_inverse(value, m):
    """The inverse of ``value`` modulo ``m`` (extended Euclid) and whether it exists."""
    def going(state):
        return state[1] != 0

    def step(state):
        old_r, r, old_s, s = state
        q = old_r // r
        return r, old_r - q * r, s, old_s - q * s

    zero, one = jnp.zeros_like(value), jnp.ones_like(value)
    gcd, _, coefficient, _ = jax.lax.while_loop(going, step, (value, m, one, zero))
    return coefficient % m, gcd == 1


def traced_range(*bounds):
    """``range(*bounds)``; with a traced bound, what a converted ``for`` loop needs to run
    ``fori_loop`` (``for i in fn(n)`` where ``fn`` is ``range``)."""
    if any(is_traced(bound) for bound in bounds):
        return RangeArguments(*bounds)
    return builtins.range(*bounds)


def _standing_for(kind, conversion):
    """``float(x)`` (``int``, ``bool``, ``complex``) of a traced ``x``: a traced value that
    stands for a Python ``float``, for ``isinstance`` and ``is`` (see python_types)."""
    @functools.wraps(conversion)
    def call(*arguments, **options):
        result = conversion(*arguments, **options)
        remember(result, kind)
        return result

    return call


def traced_len(value, /):
    """Python's ``len(value)``; of a string a traced condition chose
    (``runtime/choices``), the traced length of the one it is."""
    if builtins.type(value) is StringChoice:
        return value.length()
    if is_masked(value):  # a list or dict whose length a traced `if` decided
        return value.length()
    return builtins.len(value)


def traced_list(*iterable):
    """Python's ``list(iterable)``; of a list or dict whose length a traced ``if``
    decided, a masked copy (``list(d)`` of a masked dict: its keys), as the caller's
    list would give."""
    if len(iterable) == 1 and is_masked(iterable[0]):
        return _masked_list_of(iterable[0])
    return builtins.list(*iterable)


def _masked_list_of(value):
    from py2lax.runtime.masked_containers import MaskedList

    if builtins.isinstance(value, MaskedList):
        return value.copy()
    mapping = getattr(value, "mapping", value)
    if hasattr(mapping, "in_order"):
        mapping.in_order("`list()` of it")
    items, masks = value.masked_view()
    if builtins.any(m is not None for m in masks[:-1]) and not builtins.all(
            m is None for m in masks):  # absent members between present ones: no prefix
        from py2lax.runtime.masked_containers import refusal

        raise refusal(getattr(value, "source", getattr(value, "mapping", value)),
                      "`list()` of it (its absent members are not its last ones)")
    return MaskedList(items, [True if m is None else m for m in masks],
                      getattr(value, "name", None))


def traced_format(template, /, *values, **named):
    """``template.format(*values, **named)`` (what an f-string is); with a string a
    traced condition chose among the values, the formatted string for each possible one
    (``runtime/choices``)."""
    if builtins.type(template) is builtins.str and any(
            builtins.type(v) is StringChoice for v in (*values, *named.values())):
        return format_choice(template, values, named)
    return template.format(*values, **named)


def _string_method(name: str):
    """``str.<name>(text, ...)`` whose arguments (or the items of a list or tuple among
    them: ``"-".join([tag, "y"])``) hold a string a traced condition chose: the method
    for each possible string (``runtime/choices``)."""
    method = getattr(builtins.str, name)

    @functools.wraps(method)
    def call(text, *arguments):
        return method_of_choice(method, text, arguments)
    return call


def traced_getattr(value, name, *default):
    """``getattr(value, name)`` where ``name`` may be a string a traced condition chose:
    the attribute for each possible name, chosen as traced values are."""
    if builtins.type(name) is StringChoice:
        return attribute_of_choice(value, name, *default)
    return builtins.getattr(value, name, *default)


def traced_hasattr(value, name):
    """``hasattr(value, name)`` for a name a traced condition may have chosen."""
    if builtins.type(name) is StringChoice:
        return name._each(lambda candidate: builtins.hasattr(value, candidate), "`hasattr()`")
    return builtins.hasattr(value, name)


TRACE_AWARE = {builtins.getattr: traced_getattr, builtins.hasattr: traced_hasattr,
               builtins.len: traced_len, builtins.str.format: traced_format, builtins.max: traced_max, builtins.min: traced_min, builtins.any: traced_any,
               builtins.all: traced_all, builtins.range: traced_range,
               builtins.sum: traced_sum, builtins.list: traced_list, builtins.isinstance: traced_isinstance,
               builtins.type: traced_type, builtins.pow: traced_pow,
               builtins.sorted: traced_sorted,
               **{kind: _standing_for(kind, conversion) for kind, conversion in CONVERSIONS.items()},
               **NUMPY_ITERATORS}
TRACE_AWARE.update({getattr(builtins.str, name): _string_method(name) for name in builtins.dir(
    builtins.str) if not name.startswith("_") and name != "format"})


def _math_version(name: str):
    """``math.<name>``, or its jax.numpy twin when an argument is traced (a float result
    where Python's gives a float, an integer one for floor/ceil/trunc, a bool for the
    predicates)."""
    python_function = getattr(math, name)
    twin = _FORMULAS[name] if name in MATH_FORMULAS else getattr(jnp, MATH_TWINS[name])
    if name == "log":
        twin = _log
    elif name == "hypot":
        twin = _hypot
    if name in INTEGRAL_MATH:
        twin = functools.partial(_integral, twin)
    elif name not in PREDICATE_MATH and name not in ("frexp", "modf", "gcd", "lcm"):
        twin = functools.partial(_floating, twin)

    @functools.wraps(python_function)
    def call(*arguments, **options):
        if any(is_traced(a) for a in jax.tree_util.tree_leaves((arguments, options))):
            return twin(*arguments, **options)
        return python_function(*arguments, **options)

    return call


def _log(x, base=None):
    return jnp.log(x) if base is None else jnp.log(x) / jnp.log(base)


def _hypot(*coordinates):
    """``math.hypot(*coordinates)``: the Euclidean norm of any number of coordinates."""
    if not coordinates:
        return 0.0
    result = jnp.abs(coordinates[0])
    for value in coordinates[1:]:
        result = jnp.hypot(result, value)
    return result


def _integral(function, x):
    return function(x).astype(jnp.int32)  # `math.floor` gives an int


def _floating(function, *arguments, **options):
    """A result that Python gives as a float: ``math.fabs(-3)`` is ``3.0``."""
    result = function(*arguments, **options)
    if jnp.issubdtype(jnp.result_type(result), jnp.floating):
        return result
    return jnp.asarray(result, jax.dtypes.canonicalize_dtype(jnp.float64))


def _isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0):
    """``math.isclose``: Python's rule, ``a == b`` or (both finite and) ``|a - b|`` within
    ``rel_tol`` of the larger magnitude or within ``abs_tol``."""
    for tolerance in (rel_tol, abs_tol):
        if not is_traced(tolerance) and tolerance < 0:
            raise ValueError("tolerances must be non-negative")
    difference = jnp.abs(b - a)
    close = (difference <= jnp.abs(rel_tol * b)) | (difference <= jnp.abs(rel_tol * a)) | (
        difference <= abs_tol)
    return (a == b) | (close & ~(jnp.isinf(a) | jnp.isinf(b)))


def _special(name):
    def call(*arguments):
        from jax.scipy import special

        return getattr(special, name)(*arguments)

    return call


def _gamma(x):
    from jax.scipy import special

    return special.gamma(x)


def _folded(function):
    def call(*arguments):
        if not arguments:
            return 0
        result = jnp.abs(arguments[0])
        for value in arguments[1:]:
            result = function(result, value)
        return result

    return call


def _fsum(values):
    return functools.reduce(operator.add, list(values), 0.0)


def _dist(p, q):
    return _hypot(*[a - b for a, b in zip(p, q, strict=True)])


_FORMULAS = {"isclose": _isclose, "erf": _special("erf"), "erfc": _special("erfc"),
             "gamma": _gamma, "lgamma": _special("gammaln"), "gcd": _folded(jnp.gcd),
             "lcm": _folded(jnp.lcm), "fsum": _fsum, "dist": _dist}

TRACE_AWARE.update({getattr(math, name): _math_version(name)
                    for name in (*MATH_TWINS, *MATH_FORMULAS) if hasattr(math, name)})


# -- NumPy: `np.sin(x)` on a traced `x` ------------------------------------------------
_NUMPY_TWINS = {"numpy": jnp, "numpy.linalg": jnp.linalg, "numpy.fft": jnp.fft}
_numpy_versions: dict = {}


def numpy_version(function):
    """For a NumPy function with a ``jax.numpy`` twin of the same name, a version that calls
    the twin when an argument is traced (and NumPy otherwise); ``None`` for anything else."""
    try:
        return _numpy_versions[function]
    except (KeyError, TypeError):
        pass
    module = getattr(function, "__module__", None)
    name = getattr(function, "__name__", None)
    if module not in _NUMPY_TWINS or not isinstance(name, str) or name.startswith("__"):
        return None  # (`getattr(None, "__init__")` exists: a method-wrapper has no module)
    twin = getattr(_NUMPY_TWINS[module], name, None)
    if twin is None or not callable(function):
        return None

    @functools.wraps(function)
    def call(*arguments, **options):
        leaves = jax.tree_util.tree_leaves((arguments, options))
        if any(is_traced(leaf) for leaf in leaves):
            return twin(*arguments, **options)
        return owned(function(*arguments, **options), (arguments, options))

    _numpy_versions[function] = call
    return call
