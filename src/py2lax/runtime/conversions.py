"""Python numbers and lists made from traced values: ``int(x)``, ``x.item()``, ``lst.index(v)``.

Python meaning: ``int(x)``, ``float(x)``, ``bool(x)``, ``complex(x)``, ``x.item()``,
``x.tolist()``, ``lst.index(v)`` and ``lst.count(v)``, exactly, on Python and NumPy values.
Under jit the value of a traced array is only known when the program runs, so these
compute the same value as a traced array instead of a Python number:

* ``int(x)`` of a traced 0-d array: ``x`` truncated toward zero, as an integer array (a
  float that is NaN, infinite or outside the integer type's range raises when the program
  runs: ``ValueError``/``OverflowError`` as in Python, or a py2lax error for a value
  Python's unbounded ``int`` would hold but int32 cannot). ``float(x)``, ``complex(x)``:
  ``x`` as a float/complex array; ``bool(x)``: ``x != 0``. An array with more than one
  dimension raises NumPy's ``TypeError`` (``bool``: its ``ValueError``), as in Python.
* ``x.item()``: the one element of a size-1 array, as a 0-d array; ``x.tolist()``:
  nested Python lists of 0-d arrays (the shape is static).
* ``lst.index(v)`` on a Python list or tuple whose items (or ``v``) are traced: the first
  position where ``item is v or item == v``, as an integer array; when no item matches,
  the program raises Python's ``ValueError`` when it runs. ``lst.count(v)``: how many
  items match.

``py2lax.converted(int)``, ``py2lax.converted(x.item)`` and
``py2lax.converted(lst.index)`` give these versions; converted code calls them only where
the argument may be traced.
"""

from __future__ import annotations

import builtins
import contextlib
import sys
import threading

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from py2lax.diagnostics.errors import ConversionError, Location
from py2lax.runtime.values import is_traced, numbers_of_one_shape

_NOT_SCALAR = "only 0-dimensional arrays can be converted to Python scalars"


def user_location() -> Location | None:
    """``file:line`` of the innermost frame of the user's code calling the runtime."""
    from py2lax.runtime.calls import is_user_file  # calls imports this module

    frame = sys._getframe(1)
    while frame is not None:
        if is_user_file(frame.f_code.co_filename):
            return Location(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


class _RunsOnlyWhen(threading.local):
    """The traced conditions under which the code being traced runs in Python (the
    right operand of ``x > 0 and items[i] > 0`` runs only where ``x > 0``)."""

    def __init__(self):
        self.conditions: list = []


_RUNS_ONLY_WHEN = _RunsOnlyWhen()


@contextlib.contextmanager
def runs_only_when(condition):
    """Around code Python runs only where the traced ``condition()`` holds, traced anyway
    (``and``/``or`` evaluate their operands and select): its run-time checks
    (:func:`raise_when`) fire only where Python would have run it. (``condition`` is
    called only by a check: code without one gets no extra operation.)"""
    _RUNS_ONLY_WHEN.conditions.append(condition)
    try:
        yield
    finally:
        _RUNS_ONLY_WHEN.conditions.pop()


def where_python_runs(bad):
    """``bad``, only where Python runs the code being traced (see :func:`runs_only_when`)."""
    conditions = _RUNS_ONLY_WHEN.conditions
    for depth, condition in enumerate(list(conditions)):
        # (the condition itself runs where the conditions around it hold: a check in it,
        # such as a list position read by a while loop's test, must not call it again)
        inner = conditions[depth:]
        del conditions[depth:]
        try:
            holds = condition()
        finally:
            conditions.extend(inner)
        bad = jnp.logical_and(bad, holds)
    return bad


class _Deferred(threading.local):
    """The traced conditions under which a check traced so far raises when the compiled
    program runs (see :func:`note_raised_when`)."""

    def __init__(self):
        self.conditions: list = []


_DEFERRED = _Deferred()
_DEFERRED_LIMIT = 64


def note_raised_when(condition) -> None:
    """Record that the compiled program raises where the traced ``condition`` holds (a
    ``raise`` under a traced ``if``, a failed ``assert``): Python would stop there, and a
    ``while`` loop traced later stops too (:func:`raised_so_far`) instead of running
    forever on the input Python rejected (``if tol <= 0: raise ...`` before ``while
    err > tol``). The check itself runs unordered, so it cannot stop the loop."""
    if is_traced(condition):
        _DEFERRED.conditions.append(condition)
        del _DEFERRED.conditions[:-_DEFERRED_LIMIT]


def raised_so_far():
    """A traced bool: whether a check recorded by :func:`note_raised_when` in the trace
    being built (or one around it) raises; None if there is none. A condition of a trace
    that has ended (a branch or loop body traced before) would leak out of it: it is
    forgotten."""
    traces = enclosing_traces()
    usable = [c for c in _DEFERRED.conditions if getattr(c, "_trace", None) in traces]
    _DEFERRED.conditions[:] = usable
    raised = None
    for condition in usable:
        value = jnp.any(condition)
        raised = value if raised is None else jnp.logical_or(raised, value)
    return raised


def enclosing_traces() -> list:
    """The trace being built and those around it, innermost first (JAX's tracing
    context; empty on a JAX that does not expose it, where nothing is stopped early)."""
    try:
        from jax._src import core
        trace = core.trace_ctx.trace
    except (ImportError, AttributeError):
        return []
    traces = []
    while trace is not None and len(traces) < 1000:
        traces.append(trace)
        trace = getattr(trace, "parent_trace", None)
    return traces


def raise_when(bad, error, *values, location: Location | None = None) -> None:
    """Raise ``error(*values)`` (with the concrete values where ``bad`` holds) when the
    compiled program runs with ``bad`` true; nothing happens otherwise (and nothing is
    sent to the host). Under ``vmap`` (where the ``cond`` runs its callback for every
    element) only an element whose ``bad`` holds raises."""
    where = str(location) if location is not None else None
    bad = where_python_runs(bad)
    note_raised_when(bad)

    def check(flags, *concrete):
        flags = np.asarray(flags)
        if not flags.any():
            return
        first = int(np.flatnonzero(flags.reshape(-1))[0])
        concrete = [np.asarray(v).reshape(-1)[first] if np.shape(v) == flags.shape
                    and flags.ndim else v for v in concrete]
        exception = error(*concrete)
        if where is not None:
            exception.add_note(f"raised at {where}")
        raise exception

    lax.cond(jnp.any(bad), lambda: jax.debug.callback(check, bad, *values), lambda: None)


def _scalar(x, name: str):
    x = jnp.asarray(x)
    if x.ndim:
        raise TypeError(_NOT_SCALAR)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        x = jnp.real(x)  # NumPy: the imaginary part is discarded (with a ComplexWarning)
    return x


def _default(kind) -> jnp.dtype:
    return jax.dtypes.canonicalize_dtype(kind)


def traced_int(*arguments, **options):
    """``int(x)``; for a traced 0-d array, ``x`` truncated toward zero as an integer array.

    >>> import jax, jax.numpy as jnp
    >>> jax.jit(lambda x: traced_int(x))(jnp.float32(-2.7))
    Array(-2, dtype=int32)
    """
    if options or len(arguments) != 1 or not is_traced(arguments[0]):
        return builtins.int(*arguments, **options)
    x = _scalar(arguments[0], "int")
    target = _default(jnp.int64)
    if not jnp.issubdtype(x.dtype, jnp.floating):  # bool or integer: no rounding
        if x.dtype == jnp.bool_ or jnp.iinfo(x.dtype).bits < jnp.iinfo(target).bits:
            return x.astype(target)
        return x
    whole = jnp.trunc(x)
    limit = float(2 ** (jnp.iinfo(target).bits - 1))
    fits = (whole >= -limit) & (whole < limit)  # false for NaN and infinities too
    location = user_location()
    raise_when(~fits, lambda value: _int_error(value, target, location), x, location=location)
    return whole.astype(target)


def _int_error(value, target, location) -> BaseException:
    value = float(value)
    if value != value:
        return ValueError("cannot convert float NaN to integer")
    if value in (float("inf"), float("-inf")):
        return OverflowError("cannot convert float infinity to integer")
    return ConversionError(
        f"`int(...)` of {value!r} gives an integer that {target} cannot hold",
        location=location,
        rule="under jit, int() of a traced value is an integer array of JAX's default "
        "integer type; Python's int has no limit.",
        fix="enable 64-bit integers (`jax.config.update('jax_enable_x64', True)`) or keep "
        "the value as a float (`jnp.trunc(x)`).",
    )


def traced_float(*arguments, **options):
    """``float(x)``; for a traced 0-d array, ``x`` as a float array.

    >>> import jax, jax.numpy as jnp
    >>> jax.jit(lambda n: traced_float(n))(jnp.int32(3))
    Array(3., dtype=float32)
    """
    if options or len(arguments) != 1 or not is_traced(arguments[0]):
        return builtins.float(*arguments, **options)
    x = _scalar(arguments[0], "float")
    return x.astype(jnp.promote_types(x.dtype, _default(jnp.float64))
                    if jnp.issubdtype(x.dtype, jnp.floating) else _default(jnp.float64))


def traced_complex(*arguments, **options):
    """``complex(x)``, ``complex(re, im)``; with a traced 0-d part, a complex array."""
    if options or not 1 <= len(arguments) <= 2 or not any(is_traced(a) for a in arguments):
        return builtins.complex(*arguments, **options)
    parts = [jnp.asarray(a) for a in arguments]
    if any(p.ndim for p in parts) or (len(parts) == 2 and any(
            jnp.issubdtype(p.dtype, jnp.complexfloating) for p in parts)):
        return builtins.complex(*arguments, **options)  # Python's (or JAX's) own error
    kind = jnp.promote_types(jnp.result_type(*parts), _default(jnp.complex128))
    value = parts[0].astype(kind)
    return value + 1j * parts[1].astype(kind) if len(parts) == 2 else value


def traced_bool(*arguments, **options):
    """``bool(x)``; for a traced size-1 array, ``x != 0`` as a traced bool."""
    if options or len(arguments) != 1 or not is_traced(arguments[0]):
        return builtins.bool(*arguments, **options)
    x = jnp.asarray(arguments[0])
    if x.size != 1:
        raise ValueError("The truth value of an array with more than one element is "
                         "ambiguous. Use a.any() or a.all()" if x.size else
                         "The truth value of an empty array is ambiguous. Use "
                         "`array.size > 0` to check that an array is not empty.")
    x = jnp.reshape(x, ())
    return x if x.dtype == jnp.bool_ else x != 0


CONVERSIONS = {builtins.int: traced_int, builtins.float: traced_float,
               builtins.bool: traced_bool, builtins.complex: traced_complex}


# -- `np.ndenumerate(a)` of a traced array: its static positions -------------------------
class IndexedItems:
    """``np.ndenumerate(a)`` of a traced ``a``: each position of ``a`` (a tuple of Python
    ints, in NumPy's order) with the element there.

    The shape is static, so the positions are known while tracing. Iterated by Python it
    gives exactly NumPy's items; a converted ``for`` scans it (``runtime.loop_items.Rows``),
    giving each position as a tuple of traced ints, and runs it as Python instead when
    the body needs concrete positions (a list indexed with them, say).
    """

    def __init__(self, array):
        self.array = array
        self.shape = tuple(jnp.shape(array))

    def __iter__(self):
        for position in np.ndindex(*self.shape):
            yield position, self.array[position]

    def scan_inputs(self):
        """``(sequences, make_item)``: every position as a row of an index array, and the
        elements in the same order, for ``lax.scan``."""
        rank = len(self.shape)
        positions = np.indices(self.shape).reshape(rank, -1).T  # C order, as np.ndindex
        sequences = (jnp.asarray(positions, jnp.result_type(int)).reshape(-1, rank),
                     jnp.reshape(self.array, (-1,)))
        return sequences, lambda row: (tuple(row[0][axis] for axis in range(rank)), row[1])


def traced_ndenumerate(array):
    """``np.ndenumerate(array)``; for a traced ``array``, its :class:`IndexedItems`."""
    if is_traced(array):
        return IndexedItems(array)
    return np.ndenumerate(array)


NUMPY_ITERATORS = {np.ndenumerate: traced_ndenumerate}


# -- methods: `x.item()`, `x.tolist()`, `lst.index(v)`, `lst.count(v)` --------------------
def method_version(function):
    """For a bound method these versions replace (``x.item`` of a traced array,
    ``lst.index`` of a Python list or tuple), that version; else None."""
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", None)
    if owner is None or isinstance(owner, type):
        return None
    if is_traced(owner):
        for method, version in (("item", _item), ("tolist", _tolist)):
            if _is_method(function, owner, method):
                return lambda *arguments: version(owner, *arguments)
        return None
    if type(owner) in (list, tuple) and name in ("index", "count") and _is_method(
            function, owner, name):
        search = _index if name == "index" else _count
        return lambda *arguments: search(owner, *arguments)
    if type(owner) is list and name == "remove" and _is_method(function, owner, name):
        return lambda *arguments: _remove(owner, *arguments)
    return None


def _is_method(function, owner, name: str) -> bool:
    try:
        return function == getattr(owner, name)
    except Exception:  # noqa: BLE001 - an object without that attribute
        return False


def _item(x, *index):
    """``x.item(*index)`` of a traced array: the element, as a 0-d array."""
    if not index:
        if x.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return jnp.reshape(x, ())
    if len(index) == 1:
        return jnp.ravel(x)[index[0]]
    return x[tuple(index)]


def _tolist(x):
    """``x.tolist()`` of a traced array: nested lists of 0-d arrays."""
    if x.ndim == 0:
        return x
    return [_tolist(row) for row in x]


def _matches(items, value):
    """Python's ``item is value or item == value`` per item: concrete bools where Python
    can decide, traced 0-d bools otherwise; None when an item compares to an array."""
    found = []
    for item in items:
        if item is value:
            found.append(True)
            continue
        equal = item == value
        if is_traced(equal) or isinstance(equal, jax.Array):
            if jnp.ndim(equal):
                return None  # `bool()` of an array: Python's (or JAX's) own error
            found.append(equal)
        else:
            found.append(builtins.bool(equal))
    return found


def _traced(found) -> bool:
    return found is not None and builtins.any(is_traced(f) for f in found)


def _index(sequence, value, *bounds):
    """``sequence.index(value, *bounds)`` with traced items: the first match's position."""
    start_stop = slice(*bounds) if bounds else slice(None)
    if builtins.any(is_traced(b) for b in bounds) or len(bounds) > 2:
        return sequence.index(value, *bounds)
    positions = range(len(sequence))[start_stop] if bounds else range(len(sequence))
    found = _matches([sequence[p] for p in positions], value)
    if not _traced(found):
        return sequence.index(value, *bounds)
    for count, match in enumerate(found):  # a concrete match ends Python's search
        if match is True:
            found = found[:count + 1]
            break
    matches = jnp.stack([jnp.asarray(f, bool) for f in found])
    index = jnp.asarray(list(positions)[:len(found)], jnp.int32)[jnp.argmax(matches)]
    if type(sequence) is tuple:
        message = lambda *_: ValueError("tuple.index(x): x not in tuple")  # noqa: E731
        shown = ()
    elif is_traced(value) or isinstance(value, jax.Array):
        message = lambda v: ValueError(f"{_shown(v)} is not in list")  # noqa: E731
        shown = (value,)
    else:
        text = f"{value!r} is not in list"
        message = lambda *_: ValueError(text)  # noqa: E731
        shown = ()
    raise_when(~jnp.any(matches), message, *shown, location=user_location())
    return index


def _remove(items: list, value) -> None:
    """``items.remove(value)`` where Python's ``==`` with an item is traced: the list is
    one shorter whatever the values are, so each remaining place takes the item at or after
    it (``jnp.where``) around the first match's traced position."""
    found = _matches(items, value)
    if not _traced(found) or not numbers_of_one_shape(items):
        items.remove(value)  # concrete: Python itself (or its error, reported located)
        return
    position = _index(items, value)
    stacked = jnp.stack([jnp.asarray(item) for item in items])
    items[:] = [jnp.where(place < position, stacked[place], stacked[place + 1])
                for place in range(len(items) - 1)]


def _shown(value):
    try:
        return repr(value.item())
    except Exception:  # noqa: BLE001 - an array of several values
        return repr(value)


def _count(sequence, value):
    """``sequence.count(value)`` with traced items: how many match, as an integer array."""
    found = _matches(list(sequence), value)
    if not _traced(found):
        return sequence.count(value)
    return jnp.sum(jnp.stack([jnp.asarray(f, jnp.int32) for f in found]))
