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
import math
import operator

import jax
import jax.numpy as jnp

from py2lax.runtime.loop_items import RangeArguments
from py2lax.runtime.values import is_traced
from py2lax.analysis.traced_names import INTEGRAL_MATH, MATH_TWINS


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
    generator), whether one element is true, as a traced bool."""
    values, elements = _traced_elements(values)
    return builtins.any(values) if elements is None else jnp.any(elements)


def traced_all(values):
    """``all(values)``; for a traced vector (or traced scalars in a list, tuple or
    generator), whether every element is true, as a traced bool."""
    values, elements = _traced_elements(values)
    return builtins.all(values) if elements is None else jnp.all(elements)


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


def traced_range(*bounds):
    """``range(*bounds)``; with a traced bound, what a converted ``for`` loop needs to run
    ``fori_loop`` (``for i in fn(n)`` where ``fn`` is ``range``)."""
    if any(is_traced(bound) for bound in bounds):
        return RangeArguments(*bounds)
    return builtins.range(*bounds)


TRACE_AWARE = {builtins.max: traced_max, builtins.min: traced_min, builtins.any: traced_any,
               builtins.all: traced_all, builtins.range: traced_range}


def _math_version(name: str):
    """``math.<name>``, or its jax.numpy twin when an argument is traced."""
    python_function = getattr(math, name)
    twin = getattr(jnp, MATH_TWINS[name])
    if name == "log":
        twin = _log
    if name in INTEGRAL_MATH:
        twin = functools.partial(_integral, twin)

    @functools.wraps(python_function)
    def call(*arguments):
        if any(is_traced(a) for a in arguments):
            return twin(*arguments)
        return python_function(*arguments)

    return call


def _log(x, base=None):
    return jnp.log(x) if base is None else jnp.log(x) / jnp.log(base)


def _integral(function, x):
    return function(x).astype(jnp.int32)  # `math.floor` gives an int


TRACE_AWARE.update({getattr(math, name): _math_version(name) for name in MATH_TWINS
                    if hasattr(math, name)})


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
    twin = getattr(_NUMPY_TWINS.get(module), name, None) if isinstance(name, str) else None
    if twin is None or not callable(function):
        return None

    @functools.wraps(function)
    def call(*arguments, **options):
        leaves = jax.tree_util.tree_leaves((arguments, options))
        if any(is_traced(leaf) for leaf in leaves):
            return twin(*arguments, **options)
        return function(*arguments, **options)

    _numpy_versions[function] = call
    return call
