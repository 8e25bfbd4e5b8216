"""``converted(f)``: what a call site in converted code actually calls.

Python meaning: ``converted(f)`` is ``f``. For the user's own functions it is their
converted version (cached per code object, so each helper is parsed once), and for an
instance of the user's class with ``__call__`` its converted ``__call__``; for ``max``,
``min``, ``any``, ``all``, the ``math`` functions and NumPy functions with a ``jax.numpy``
twin it is a version that also takes traced values (:mod:`py2lax.runtime.builtins`); for
other code that is not the user's it is ``f``
itself: jax, numpy, the standard library, installed third-party packages, builtins,
classes, and functions marked ``do_not_convert``.
"""

from __future__ import annotations

import functools
import os
import sysconfig
import types

from py2lax.runtime.builtins import TRACE_AWARE, numpy_version

_LIBRARY_ROOTS = tuple(
    os.path.realpath(path) + os.sep
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (path := sysconfig.get_paths().get(key))
)
_PACKAGE_ROOT = os.path.realpath(os.path.dirname(os.path.dirname(__file__))) + os.sep


def converted(function):
    """``function``, converted if it is the user's own code (see the module docstring).

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
    target = function
    if isinstance(target, types.MethodType):
        target = target.__func__
    if isinstance(target, functools.partial):
        target = target.func
    from py2lax.api import convert  # the API builds on the runtime, not the other way

    if not isinstance(target, types.FunctionType):
        call = getattr(type(function), "__call__", None)
        if (not isinstance(function, type) and isinstance(call, types.FunctionType)
                and is_user_code(call)):
            return types.MethodType(convert(call), function)  # `model(x)`: its `__call__`
        return function
    if not (is_user_code(target) or target.__code__.co_filename == "<string>"):
        return function  # a library's function; `exec`'d code gets convert()'s warning
    return convert(function)


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
