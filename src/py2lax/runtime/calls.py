"""``converted(f)``: what a call site in converted code actually calls.

Python meaning: ``converted(f)`` is ``f``. For the user's own functions it is their
converted version (cached per code object, so each helper is parsed once), and for an
instance of the user's class with ``__call__`` its converted ``__call__``; for ``max``,
``min``, ``any``, ``all``, ``sum``, ``int``, ``float``, ``bool``, ``complex``, the ``math``
functions and NumPy functions with a ``jax.numpy`` twin it is a version that also takes
traced values (:mod:`py2lax.runtime.builtins`), and so it is for ``x.item``/``x.tolist``
of a traced array and ``lst.index``/``lst.count`` of a Python list or tuple
(:mod:`py2lax.runtime.conversions`); for
other code that is not the user's it is ``f``
itself: jax, numpy, the standard library, installed third-party packages, builtins,
classes, and functions marked ``do_not_convert``.
"""

from __future__ import annotations

import functools
import inspect
import os
import sysconfig
import traceback
import types

import jax
import numpy as np

from py2lax.diagnostics.errors import InPlaceArgumentError, Location
from py2lax.diagnostics.messages import traced_in_generator
from py2lax.runtime.builtins import TRACE_AWARE, numpy_version
from py2lax.runtime.conversions import method_version
from py2lax.runtime.containers import SHARED_ARRAYS
from py2lax.runtime.implicit_methods import constructor
from py2lax.runtime.values import is_jax_array

_LIBRARY_ROOTS = tuple(
    os.path.realpath(path) + os.sep
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (path := sysconfig.get_paths().get(key))
)
_SUSPENDS = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
_CONCRETIZATION = (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError,
                   jax.errors.TracerIntegerConversionError,
                   jax.errors.TracerArrayConversionError)
_PACKAGE_ROOT = os.path.realpath(os.path.dirname(os.path.dirname(__file__))) + os.sep


def converted(function, result_unused: bool = False):
    """``function``, converted if it is the user's own code (see the module docstring).

    ``result_unused``: the call is a statement of its own (``bump(w, 0, x)``), so a
    parameter the helper updates in place reaches the caller only through the argument
    itself, which a JAX array cannot do: such a call is refused, as for a helper that
    never returns the parameter.

    >>> import operator
    >>> converted(operator.add) is operator.add  # not user code: returned as it is
    True
    >>> import math, jax, jax.numpy as jnp
    >>> float(jax.jit(converted(math.sqrt))(jnp.float32(4.0)))  # jnp.sqrt when traced
    2.0
    """
    try:
        return TRACE_AWARE[function]  # `max(x, 0.0)`, `math.sqrt(dt)` on traced values
    except (KeyError, TypeError):  # not one of them, or not hashable
        pass
    numpy_twin = numpy_version(function)  # `np.sin(x)`: jnp.sin when x is traced
    if numpy_twin is not None:
        return numpy_twin
    method = method_version(function)  # `x.item()` of a traced x, `scores.index(v)`
    if method is not None:
        return method
    target = function
    if isinstance(target, types.MethodType):
        target = target.__func__
    if isinstance(target, functools.partial):
        target = target.func
    from py2lax.api import convert  # the API builds on the runtime, not the other way

    if not isinstance(target, types.FunctionType):
        if isinstance(function, type):
            construct = constructor(function)  # `C(...)`: the user's __init__, converted
            if construct is not None:
                return construct
        call = getattr(type(function), "__call__", None)
        if (not isinstance(function, type) and isinstance(call, types.FunctionType)
                and is_user_code(call)):
            return types.MethodType(convert(call), function)  # `model(x)`: its `__call__`
        return function
    if not (is_user_code(target) or target.__code__.co_filename == "<string>"):
        return function  # a library's function; `exec`'d code gets convert()'s warning
    if target.__code__.co_flags & inspect.CO_GENERATOR:
        return _located_errors(function, target)  # runs as Python, yielding to the caller
    if target.__code__.co_flags & _SUSPENDS:
        return function
    result = convert(function)
    in_place = getattr(getattr(result, "__func__", result), "__py2lax_updated_in_place__"
                       if result_unused else "__py2lax_in_place__", None)
    if in_place:
        return _refusing_immutable_updates(result, target, in_place)
    return result


def _located_errors(function, original):
    """The user's generator function, as Python; a traced value that reaches Python
    inside it (``for i in range(n)`` with a traced ``n``) is refused at its line."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        return _generating(function(*args, **kwargs), original)

    return call


def _generating(generator, original):
    try:
        return (yield from generator)
    except _CONCRETIZATION as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename == original.__code__.co_filename]
        if not frames:
            raise
        frame = frames[-1]
        raise traced_in_generator(original.__name__, frame.line or "",
                                  Location(frame.filename, frame.lineno)) from error


def _refusing_immutable_updates(function, original, in_place: dict):
    """``function``, refusing a call that passes a JAX array to a parameter the helper
    updates in place without returning it: the caller would never see the update."""
    signature = inspect.signature(original)
    bound_self = getattr(function, "__self__", None)

    @functools.wraps(function)
    def call(*args, **kwargs):
        given = (bound_self, *args) if bound_self is not None else args
        try:
            arguments = signature.bind_partial(*given, **kwargs).arguments
        except TypeError:
            return function(*args, **kwargs)  # Python raises its own error for the call
        shared = {}
        for name, location in in_place.items():
            value = arguments.get(name)
            if is_jax_array(value) and value.ndim > 0:
                # (a scalar stands for a Python number: `n //= 10` rebinds the helper's
                # own name, in Python too)
                raise _in_place_error(original.__name__, name, location)
            if isinstance(value, np.ndarray):
                shared[id(value)] = _in_place_error(original.__name__, name, location,
                                                    numpy=True)
        if not shared:
            return function(*args, **kwargs)
        with SHARED_ARRAYS.holding(shared):
            return function(*args, **kwargs)

    return call


def _in_place_error(helper: str, name: str, location, numpy: bool = False):
    problem = ("with a NumPy array and assigns a traced value into it, which NumPy cannot "
               "hold" if numpy else "with a JAX array, which cannot change")
    return InPlaceArgumentError(
        f"helper {helper!r} assigns into its parameter {name!r} in place, but it was called "
        f"{problem}: the caller's array would not see the update",
        location=location, names=(helper, name),
        rule="JAX arrays are immutable; py2lax writes the update as a new array for the "
        "helper's own variable. Python would change the caller's NumPy array or list.",
        fix=f"return it and assign it in the caller: end {helper!r} with `return {name}` "
        f"and call it as `{name} = {helper}(...)`.",
    )


@functools.lru_cache(maxsize=4096)
def is_user_file(filename: str) -> bool:
    if filename.startswith("<"):  # only IPython's cells keep a readable source
        return filename.startswith("<ipython-input")
    if filename.endswith((".pyx", ".pxd", ".pxi")):  # a compiled library's Cython frame
        return False
    path = os.path.realpath(filename)
    if path.startswith(_PACKAGE_ROOT):
        return False
    return not path.startswith(_LIBRARY_ROOTS) and "site-packages" not in path


def is_user_code(function: types.FunctionType) -> bool:
    """True for functions written by the user (not jax, numpy, stdlib or installed packages)."""
    return is_user_file(function.__code__.co_filename)
