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

import contextlib
import functools
import inspect
import os
import sysconfig
import traceback
import types
import weakref

import jax
import numpy as np

from py2lax.diagnostics.errors import InPlaceArgumentError, Location
from py2lax.diagnostics.messages import traced_in_generator
from py2lax.runtime.optional_values import holds_optional, running
from py2lax.runtime.choices import FunctionChoice
from py2lax.runtime.chosen_containers import check_not_chosen
from py2lax.runtime.builtins import TRACE_AWARE, numpy_version
from py2lax.runtime.conversions import method_version, user_location
from py2lax.runtime.holders import REPLACEMENTS, current, latest
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


# list and dict methods that change the object (see runtime/chosen_containers)
_CHANGING_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort",
                               "reverse", "update", "setdefault", "popitem"})


def converted(function, written_back: bool | None = None, result_unused: bool = False,
              optionals: bool = False, result_tested: bool = False):
    """``function``, converted if it is the user's own code (see the module docstring).

    A helper that may update a parameter in place (``arr[i] = v`` on a JAX array gives
    its ``arr`` a new array, recorded in ``runtime/holders.py``) is checked after the
    call: ``written_back=True``, the caller writes its variables back
    (``a = py2lax.written_through(a)``, see ``transforms/write_back.py``), so nothing
    is checked; ``written_back=False`` (or ``result_unused``), no write-back can reach
    the place the argument came from, so a replaced argument is refused; by default a
    replaced argument is refused unless the helper returns the new array. A helper that
    tests ``x is None`` and receives (or closes over) a value a traced statement may have
    left None is converted with those tests rewritten (``optionals``, see
    ``runtime/optional_values``). ``result_tested``: the caller only tests the result
    for None (and reads it where the test ruled None out), so the helper may return
    None on a path a traced condition chooses (an optional, ``runtime/optional_values``).

    >>> import operator
    >>> converted(operator.add) is operator.add  # not user code: returned as it is
    True
    >>> import math, jax, jax.numpy as jnp
    >>> float(jax.jit(converted(math.sqrt))(jnp.float32(4.0)))  # jnp.sqrt when traced
    2.0
    """
    if type(function) is FunctionChoice:  # chosen by a traced condition: calls the choice
        return function
    try:
        return TRACE_AWARE[function]  # `max(x, 0.0)`, `math.sqrt(dt)` on traced values
    except (KeyError, TypeError):  # not one of them, or not hashable
        pass
    numpy_twin = numpy_version(function)  # `np.sin(x)`: jnp.sin when x is traced
    if numpy_twin is not None:
        return numpy_twin
    owner = getattr(function, "__self__", None)
    if type(owner) in (list, dict) and function.__name__ in _CHANGING_METHODS:
        check_not_chosen(owner, f".{function.__name__}()")  # a copy a traced choice made
    method = method_version(function)  # `x.item()` of a traced x, `scores.index(v)`
    if method is not None:
        return method
    target = _underlying_function(function)
    from py2lax.api import convert  # the API builds on the runtime, not the other way

    if not isinstance(target, types.FunctionType):
        jitted = _jitted_user_function(function)
        if jitted is not None:
            return jitted  # `@jax.jit def helper` at module level: its body converted too
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
    if optionals:
        from py2lax.api import convert_for_optionals
        result = convert_for_optionals(function)
    else:
        result = convert(function)
    facts = getattr(result, "__func__", result)
    if getattr(facts, "__py2lax_tests_none__", False) and not optionals:
        if holds_optional(getattr(target, "__closure__", None) or ()):  # `hit is None` of a closure
            return converted(function, written_back, result_unused, optionals=True,
                             result_tested=result_tested)
        return _aware_of_optionals(function, written_back, result_unused, _testing_result(
            _finished(result, facts, target, written_back, result_unused), result_tested),
            result_tested)
    return _testing_result(_finished(result, facts, target, written_back, result_unused),
                           result_tested)


def _underlying_function(function):
    """The plain function a bound method or ``functools.partial`` calls in the end,
    through any nesting (``partial(obj.method, s=3.0)``: ``method``), so that a partial of
    a bound method is recognised as the user's code and converted like either alone."""
    while True:
        if isinstance(function, types.MethodType):
            function = function.__func__
        elif isinstance(function, functools.partial):
            function = function.func
        else:
            return function


# the options of a `jax.jit` wrapper that change what a call means (not where it runs)
_JIT_OPTIONS = ("static_argnums", "static_argnames", "donate_argnums", "donate_argnames",
                "keep_unused", "inline")
# keyed weakly: a wrapper the user drops (a jit made per call) is not kept alive here
_REJITTED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _jitted_user_function(function):
    """For ``jax.jit(f)`` of the user's ``f`` (``@jax.jit`` or ``@partial(jax.jit,
    static_argnames=...)`` on a module-level helper): ``f`` converted, under ``jax.jit``
    again with the same static and donated arguments; else ``None``.

    Without this the wrapper is library code and is called as it is, so JAX traces the
    helper's own body unconverted and its ``if`` on a traced value raises
    ``TracerBoolConversionError``. A wrapper whose options cannot be read (another JAX
    version) runs ``f`` converted directly: inside the caller's trace a nested ``jit`` is
    inlined anyway, and outside one it means what ``f`` means."""
    wrapped = getattr(function, "__wrapped__", None)
    if (not callable(getattr(function, "lower", None)) or not isinstance(wrapped, types.FunctionType)
            or not is_user_code(wrapped)):
        return None
    try:
        kept = _REJITTED.get(function)
    except TypeError:  # a wrapper that takes no weak reference: convert it again
        kept = None
    if kept is not None:
        return kept
    from py2lax.api import autograph_jit, convert

    info = getattr(function, "_jit_info", None)
    if info is None:
        result = convert(wrapped)
    else:
        result = autograph_jit(wrapped, **{name: getattr(info, name) for name in _JIT_OPTIONS
                                           if hasattr(info, name)})
    try:
        _REJITTED[function] = result
    except TypeError:
        pass
    return result


def _testing_result(function, tested: bool):
    """``function``, run noting whether its caller tests its result for None (each
    converted helper's own: one it calls in turn is noted again)."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        with running(tested):
            return function(*args, **kwargs)

    return call


def _finished(result, facts, target, written_back, result_unused):
    """``result`` (the converted helper) with the checks of its in-place updates."""
    updated = getattr(facts, "__py2lax_updated_in_place__", None)
    if written_back is not None:
        # (an argument another call of the same statement replaced is given as its
        # newest contents, as Python's one object: `ra, rb = find(p, a), find(p, b)`)
        result = _newest_arguments(result)
    if not updated:
        return result
    result = _refusing_shared_updates(result, target, updated)
    strict = written_back is False or result_unused
    # `b = arr.astype(...)`, then `b += v`: a JAX array's new value stays in the helper's
    # variable, which no write-back finds: refused unless the helper returns it (and it
    # is used). (`arr += v` on the parameter itself is recorded: written back.)
    augmented = {name: where for name, (where, returned) in
                 getattr(facts, "__py2lax_augmented__", {}).items()
                 if written_back is not None or strict or not returned}
    if written_back is True and not augmented:
        return _keeping_records(result)
    return _refusing_lost_updates(result, target, {} if written_back else updated, strict,
                                  augmented)


@contextlib.contextmanager
def _records_kept():
    """Around a converted helper called from plain Python (the module ``py2lax --all``
    prints): the replacement records its writes leave outlive its return, for the
    caller's check and write-back (``a = py2lax.written_through(a)``), as a direct
    call's do; the helper's own scope, being outermost, would forget them."""
    state = REPLACEMENTS
    if state.depth:
        yield  # (inside a converted function: its outermost scope forgets them)
        return
    state.depth += 1
    try:
        yield
    finally:
        state.depth -= 1


def _aware_of_optionals(function, written_back, result_unused, result, result_tested):
    """``result``, calling the helper converted with its ``is None`` tests rewritten
    instead when an argument holds a value a traced statement may have left None."""

    @functools.wraps(result)
    def call(*args, **kwargs):
        if holds_optional(args) or holds_optional(kwargs.values()):
            return converted(function, written_back, result_unused, optionals=True,
                             result_tested=result_tested)(*args, **kwargs)
        return result(*args, **kwargs)

    return call


def _keeping_records(function):
    """``function``, its replacement records kept after it returns (see above)."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        with _records_kept():
            return function(*args, **kwargs)

    return call


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


def _newest_arguments(function):
    """``function``, called with each array argument an in-place write replaced (and
    each one a list, dict or object holds) given as its newest contents."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        return function(*current(args), **dict(zip(kwargs, current(kwargs.values()))))

    return call


def _refusing_lost_updates(function, original, updated: dict, strict: bool,
                           augmented: dict):
    """``function``, refusing a call after which an array argument of a parameter the
    helper updates in place has been replaced (a JAX array cannot change; a NumPy array
    that received a traced value became a JAX array) where the caller cannot be given
    the new array: ``strict``, never; otherwise unless the helper returns it."""
    signature = inspect.signature(original)
    bound_self = getattr(function, "__self__", None)
    if bound_self is None:
        bound_self = getattr(getattr(function, "__wrapped__", None), "__self__", None)

    @functools.wraps(function)
    def call(*args, **kwargs):
        args, kwargs = current(args), dict(zip(kwargs, current(kwargs.values())))
        given = (bound_self, *args) if bound_self is not None else args
        try:
            arguments = signature.bind_partial(*given, **kwargs).arguments
        except TypeError:
            return function(*args, **kwargs)  # Python raises its own error for the call
        for name, location in augmented.items():
            value = arguments.get(name)
            if is_jax_array(value) and value.ndim > 0:
                raise _in_place_error(original.__name__, name, location, strict=True,
                                      caller=user_location())
        watched = [(name, arguments[name]) for name in updated
                   if name in arguments and _is_array(arguments[name])]
        with _records_kept():
            result = function(*args, **kwargs)
            for name, value in watched:
                new = latest(value)
                if new is value or (not strict and _holds(result, new)):
                    continue
                raise _in_place_error(original.__name__, name, updated[name],
                                      numpy=isinstance(value, np.ndarray), strict=strict,
                                      caller=user_location())
        return result

    return call


def _refusing_shared_updates(function, original, updated: dict):
    """``function``, refusing a call that passes one JAX array to a parameter the helper
    updates in place and to another parameter too (``bump(a, a)``): NumPy's one array
    would show the write through both names, but a JAX array cannot change, so the
    helper's other name would keep reading the old values (a silent wrong answer)."""
    signature = inspect.signature(original)
    bound_self = getattr(function, "__self__", None)

    @functools.wraps(function)
    def call(*args, **kwargs):
        given = (bound_self, *args) if bound_self is not None else args
        try:
            arguments = signature.bind_partial(*given, **kwargs).arguments
        except TypeError:
            return function(*args, **kwargs)
        for name in updated:
            value = arguments.get(name)
            if not (is_jax_array(value) and value.ndim > 0):
                continue
            others = [other for other, item in arguments.items()  # (one it updates too
                      if other != name and item is value and other not in updated]  # is kept)
            if others:
                raise _shared_argument_error(original.__name__, name, others[0],
                                             updated[name], user_location())
        return function(*args, **kwargs)

    return call


def _shared_argument_error(helper: str, name: str, other: str, location, caller):
    where = f" (the call at {caller.filename}:{caller.line})" if caller is not None else ""
    return InPlaceArgumentError(
        f"helper {helper!r} assigns into its parameter {name!r} in place, but the call "
        f"passes the same array as {other!r} too{where}: with NumPy, {other!r} would see "
        f"the change; a JAX array cannot change, so {other!r} would keep the old values",
        location=location, names=(helper, name, other),
        rule="JAX arrays are immutable; py2lax gives the helper's variable a new array, "
        "which the helper's other names for the same array do not see.",
        fix=f"the two parameters are one array here: read {other!r} through {name!r} inside "
        f"{helper!r} (Python's meaning), or pass a copy as {other!r} if it should keep the "
        "old values.",
    )


def _is_array(value) -> bool:
    """An array the helper could replace: a JAX array (not a scalar, which stands for a
    Python number: ``n //= 10`` rebinds the helper's own name, in Python too) or a
    NumPy array (which becomes a JAX array when it receives a traced value)."""
    return isinstance(value, np.ndarray) or (is_jax_array(value) and value.ndim > 0)


def _holds(result, array, depth: int = 0) -> bool:
    """``result`` is ``array`` or holds it (a returned tuple, list or dict)."""
    if result is array:
        return True
    if depth > 2:
        return False
    if isinstance(result, (tuple, list)):
        return any(_holds(item, array, depth + 1) for item in result)
    if isinstance(result, dict):
        return any(_holds(item, array, depth + 1) for item in result.values())
    return False


def _in_place_error(helper: str, name: str, location, numpy: bool = False,
                    strict: bool = False, caller=None):
    problem = ("with a NumPy array and assigns a traced value into it, which NumPy cannot "
               "hold" if numpy else "with a JAX array, which cannot change")
    where = (f" (the call at line {caller.line})" if caller is not None
             and caller.filename == getattr(location, "filename", None) else
             f" (the call at {caller.filename}:{caller.line})" if caller is not None else "")
    return InPlaceArgumentError(
        f"helper {helper!r} assigns into its parameter {name!r} in place, but it was called "
        f"{problem}, from a place py2lax cannot write the new array back to{where}: the "
        "caller would not see the update",
        location=location, names=(helper, name),
        rule="JAX arrays are immutable; py2lax gives the helper's variable a new array and, "
        "after a call statement, gives it back to the caller's variable "
        "(`a = py2lax.written_through(a)`). It cannot when the argument is a global or "
        "closure variable, a row or slice of an array (a NumPy view), a value the same "
        "statement reads again after the call, or when the call is in a `while` test, a "
        "lambda, a comprehension or one operand of `and`/`or`/`x if c else y`"
        + ("." if strict else ", unless the helper returns it."),
        fix=f"pass a local variable and call the helper as a statement of its own "
        f"(`{helper}(a, ...)`), or end {helper!r} with `return {name}` and assign it: "
        f"`a = {helper}(a, ...)`.",
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


def is_package_file(filename: str) -> bool:
    """Whether ``filename`` is py2lax's own code."""
    return os.path.realpath(filename).startswith(_PACKAGE_ROOT)


def is_user_code(function: types.FunctionType) -> bool:
    """True for functions written by the user (not jax, numpy, stdlib or installed packages)."""
    return is_user_file(function.__code__.co_filename)
