"""The public API: ``autograph_jit``, ``convert``, ``to_source``, ``transpile``, ``do_not_convert``."""

from __future__ import annotations

import functools
import inspect
import sys
import types
import warnings

import jax
import numpy as np

from py2lax.frontend import syntax as S
from py2lax.diagnostics.tracebacks import api_boundary, hide_package_frames
from py2lax.diagnostics.errors import ConversionError, Location
from py2lax.diagnostics.guard import guarded
from py2lax.backends.loader import bind, compile_converted
from py2lax.pipeline import convert_function_tree, new_context
from py2lax.transforms.private_names import mangle_private_names, mangling_class
from py2lax.runtime.implicit_methods import classes_in_scope, user_properties
from py2lax.runtime.calls import is_user_file
from py2lax.runtime.python_outputs import with_python_outputs
from py2lax.diagnostics.statements import (
    register,
    register_left_as_python,
    register_left_as_python_function,
)
from py2lax.frontend.source import SourceUnavailable, parse_function
from py2lax.analysis.in_place import (HelperParameters, augmented_parameters,
                                      updated_parameters)

hide_package_frames()

_DO_NOT_CONVERT = "__py2lax_do_not_convert__"
_CONVERTED = "__py2lax_converted__"


class ConversionWarning(UserWarning):
    """A function was left unconverted (its source could not be read, for instance)."""


class _Converted:
    """One conversion's results; its source text is printed only if someone asks."""

    def __init__(self, code: types.CodeType | None, tree: S.FunctionDef | None, runtime: str,
                 check_result: bool = False,
                 updated_in_place: dict[str, Location] | None = None,
                 augmented: dict[str, tuple[Location, bool]] | None = None):
        self.code = code   # None: nothing to run, use the original function
        self.tests_none = False  # it has `x is None` tests left as written (none_checks)
        self.tree, self.runtime = tree, runtime
        self.check_result = check_result  # an Undefined marker could be returned
        # parameters it may update in place (analysis.in_place), read by `py2lax.converted`
        self.updated_in_place = updated_in_place or {}
        self.augmented = augmented or {}  # ... with `arr += v`: (where, returned)

    @functools.cached_property
    def source(self) -> str:
        return S.unparse(self.tree) if self.tree is not None else ""


# One conversion per (code object, static parameter names): a second ``autograph_jit`` of
# the same function, or of a closure created again, reuses it without parsing.
_CACHE: dict[tuple, _Converted] = {}


def do_not_convert(function):
    """Keep ``function`` out of conversion: it runs exactly as written.

    >>> @do_not_convert
    ... def helper(x):
    ...     return x
    >>> convert(helper) is helper
    True
    """
    setattr(function, _DO_NOT_CONVERT, True)
    register_left_as_python_function(function, "its function is marked @py2lax.do_not_convert")
    return function


@api_boundary
def convert(function, *, static_argnames=()):
    """The converted, not jitted, function: compose it with ``jax.jit``/``grad``/``vmap``.

    ``static_argnames`` names parameters whose values are static; statements that depend
    only on them stay plain Python in the converted code.

    >>> import jax, jax.numpy as jnp
    >>> def relu(x):
    ...     if x > 0:
    ...         return x
    ...     return 0.0 * x
    >>> float(jax.jit(convert(relu))(jnp.float32(-2.0)))
    -0.0
    """
    return _convert(function, frozenset(static_argnames))


def convert_for_optionals(function):
    """``convert(function)``, every ``x is None`` test in it a ``py2lax.is_none``: for a
    helper called with (or closing over) a value a traced statement may have left None
    (``runtime/optional_values``), whose own conversion could not know it."""
    return _convert(function, frozenset(), every_none_test=True)


def _convert(function, static_names: frozenset[str], every_none_test: bool = False):
    if getattr(function, _DO_NOT_CONVERT, False) or getattr(function, _CONVERTED, False):
        return function
    if isinstance(function, functools.partial):
        return functools.partial(_convert(function.func, static_names, every_none_test),
                                 *function.args, **function.keywords)
    if isinstance(function, types.MethodType):
        return types.MethodType(_convert(function.__func__, static_names, every_none_test),
                                function.__self__)
    if not isinstance(function, types.FunctionType):
        if isinstance(function, (types.BuiltinFunctionType, np.ufunc)) or callable(function) and (
                not hasattr(function, "__code__") and not hasattr(type(function), "__call__")):
            _warn_unconverted(function, "it is a built-in or C function with no Python source")
        return function  # builtins, C functions, callable objects: nothing to rewrite
    converted = _converted_code(function, static_names, every_none_test)
    if converted.code is None:
        return function  # nothing to convert, or its source could not be read
    result = guarded(bind(converted.code, function, converted.runtime), converted.check_result)
    setattr(result, _CONVERTED, True)
    if converted.tests_none:  # read by `py2lax.converted`
        result.__py2lax_tests_none__ = True
    if converted.updated_in_place:  # read by `py2lax.converted`
        result.__py2lax_updated_in_place__ = converted.updated_in_place
        result.__py2lax_augmented__ = converted.augmented
    return result


@api_boundary
def autograph_jit(fun=None, /, **jit_kwargs):
    """Drop-in for ``jax.jit`` whose function may use Python control flow on traced values.

    Accepts every ``jax.jit`` keyword and returns the object ``jax.jit`` returns, so
    ``.lower()``, ``.trace()`` and the fast dispatch path work; the converted function is
    its ``.converted`` attribute. Usable as ``@autograph_jit`` or ``@autograph_jit(...)``.
    Unlike ``jax.jit``, strings among the outputs (computed while tracing, such as the
    keys of a dict the function loops over) come back as Python returns them.

    >>> import jax.numpy as jnp
    >>> @autograph_jit
    ... def sum_up_to(x):
    ...     s, n = 0, 1
    ...     while n < x:
    ...         s, n = s + n, n + 1
    ...     return s
    >>> int(sum_up_to(jnp.array(5)))
    10
    """
    if fun is None:
        return functools.partial(autograph_jit, **jit_kwargs)
    static_names = _static_parameter_names(fun, jit_kwargs)
    converted = convert(fun, static_argnames=static_names)
    # (a string the function returns leaves as part of the output's structure)
    jitted = jax.jit(with_python_outputs(converted), **jit_kwargs)
    jitted.converted = converted
    return jitted


@api_boundary
def to_source(function, *, static_argnames=()) -> str:
    """The rewritten source of ``function``, as py2lax compiles it.

    >>> def clip(x):
    ...     if x > 1:
    ...         x = 1.0
    ...     return x
    >>> print(to_source(clip))  # doctest: +NORMALIZE_WHITESPACE
    def clip(x):
        def if_true_2(x):
            x = 1.0
            return (x,)
        x, = py2lax.cond(x > 1, if_true_2, None, (x,))
        return x
    """
    function = inspect.unwrap(getattr(function, "converted", function))
    function = getattr(function, "__func__", function)
    return _converted_code(function, frozenset(static_argnames)).source


def _converted_code(function: types.FunctionType, static_names: frozenset[str],
                    every_none_test: bool = False) -> _Converted:
    code = function.__code__  # equal code in two files must not share one conversion
    key = (code, code.co_filename, code.co_firstlineno, static_names, every_none_test)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = _convert_now(function, static_names, every_none_test)
    return cached


def _convert_now(function: types.FunctionType, static_names: frozenset[str],
                 every_none_test: bool = False) -> _Converted:
    try:
        parsed = parse_function(function)
    except SourceUnavailable as reason:
        _warn_unconverted(function, str(reason))
        return _Converted(None, None, "")
    tree = parsed.tree
    tree.decorator_list = []
    # (read before the passes rewrite the tree: `arr[i] = v` as the user wrote it)
    helpers = helper_parameters(function, tree)
    updated = updated_parameters(tree, helpers.get, _module_names(function),
                                 _user_methods(function))
    augmented = augmented_parameters(tree)
    # `self.__t` in a method means `self._Acc__t`; the tree is compiled outside the class.
    mangle_private_names(tree, mangling_class(function.__code__.co_qualname))
    context = new_context(tree, parsed.filename, static_names,
                          reserved=frozenset(function.__code__.co_freevars),
                          module_names=_module_names(function),
                          user_methods=_user_methods(function))
    context.user_properties = user_properties(function)   # obj.v runs its getter converted
    context.helper_parameters = helpers   # their in-place updates are written back
    context.every_none_test = every_none_test
    try:
        convert_function_tree(tree, context)
    except ConversionError as error:
        # Raised deep inside the passes: the user's code is named in the message, and the
        # traceback should end at their call, not in py2lax's or the ast module's frames.
        raise error.with_traceback(None) from None
    # Compiled even when nothing changed: the compiled guard turns JAX's concretization
    # errors (`x[x > 0]`, `int(x)`) into py2lax errors about the user's line.
    code = compile_converted(tree, function.__code__.co_freevars, context.runtime,
                             parsed.filename, function.__code__.co_qualname)
    for name, info in context.statements:
        register(name, info)
    for line, reason in context.left_as_python:
        register_left_as_python(parsed.filename, line, reason)
    updated = {name: Location(parsed.filename, line) for name, line in updated.items()}
    augmented = {name: (Location(parsed.filename, line), name not in context.unreturned_in_place)
                 for name, line in augmented.items()}
    converted = _Converted(code, tree, context.runtime, context.may_return_undefined, updated,
                           augmented)
    converted.tests_none = context.tests_none
    return converted


# -- which parameters the helpers a function calls may update in place --------------------

_ANALYSED: dict[types.CodeType, HelperParameters | None] = {}
_ANALYSING = object()  # a helper being analysed (recursion): not known yet
_MAX_DEPTH = 6


def helper_parameters(function: types.FunctionType, tree: S.FunctionDef,
                      depth: int = 0) -> dict[str, HelperParameters]:
    """``spelled -> HelperParameters`` for the calls in ``tree`` (``helper(...)``,
    ``self.step(...)``) whose callee ``function``'s globals, closure or class hold: a
    user's function, analysed (``analysis.in_place``), also through the helpers it calls."""
    found = {}
    nested = {node.name: node for node in S.walk(tree)
              if isinstance(node, S.FunctionDef) and node is not tree}
    for node in S.walk(tree):
        if not isinstance(node, S.Call):
            continue
        callee = node.func
        if isinstance(callee, S.Name) and callee.id in nested:
            if callee.id not in found:  # a helper defined inside the function
                definition = nested[callee.id]
                found[callee.id] = None  # (recursion: unknown while analysed)
                found[callee.id] = HelperParameters.of(definition, updated_parameters(
                    definition, found.get, _module_names(function), _user_methods(function)))
            continue
        if isinstance(callee, S.Name):
            spelled, value = callee.id, _scope_value(function, callee.id)
        elif (isinstance(callee, S.Attribute) and isinstance(callee.value, S.Name)
              and callee.value.id in ("self", "cls")):
            spelled, value = f"{callee.value.id}.{callee.attr}", _method_of_owner(
                function, callee.attr)
        else:
            continue
        if spelled in found or value is None:
            continue
        analysed = _analysed(value, depth)
        if analysed is not None:
            found[spelled] = analysed
    return {name: known for name, known in found.items() if known is not None}


def _scope_value(function: types.FunctionType, name: str):
    """The value ``name`` has in ``function``'s closure or globals, or None."""
    if name in function.__code__.co_freevars:
        cell = (function.__closure__ or ())[function.__code__.co_freevars.index(name)]
        try:
            return cell.cell_contents
        except ValueError:
            return None
    return function.__globals__.get(name)


def _method_of_owner(function: types.FunctionType, name: str):
    """``Owner.name`` for a method ``function`` of ``Owner`` (``self.name(...)``), a
    static method marked so (its parameters do not start with ``self``)."""
    owner = function.__qualname__.rpartition(".")[0]
    if not owner or "<locals>" in owner.rpartition(".")[2]:
        return None
    for value in classes_in_scope(function):
        if value.__qualname__ == owner:
            for klass in value.__mro__:
                if name in vars(klass):
                    member = vars(klass)[name]
                    if isinstance(member, staticmethod):
                        return ("static", member.__func__)
                    return getattr(member, "__func__", member)
    return None


def _analysed(value, depth: int) -> HelperParameters | None:
    """The :class:`HelperParameters` of a user's function, or None (not one, not
    readable, or being analysed further up: unknown)."""
    static = isinstance(value, tuple) and value[0] == "static"
    function = value[1] if static else value
    if not isinstance(function, types.FunctionType) or not is_user_file(
            function.__code__.co_filename) or getattr(function, _DO_NOT_CONVERT, False):
        return None
    code = function.__code__
    known = _ANALYSED.get(code)
    if known is None and code not in _ANALYSED and depth < _MAX_DEPTH:
        _ANALYSED[code] = None  # (a recursive call: unknown while analysed)
        try:
            tree = parse_function(function).tree
            helpers = helper_parameters(function, tree, depth + 1)
            updated = updated_parameters(tree, helpers.get, _module_names(function),
                                         _user_methods(function))
            known = HelperParameters.of(tree, updated)
        except (SourceUnavailable, SyntaxError):
            known = None
        _ANALYSED[code] = known
    if known is not None and static:
        known = known.with_receiver_slot()
    return known


def _module_names(function: types.FunctionType) -> frozenset[str]:
    """The names ``function`` reads from its globals or closure that hold modules."""
    names = {name for name, value in function.__globals__.items()
             if isinstance(value, types.ModuleType)}
    for name, cell in zip(function.__code__.co_freevars, function.__closure__ or ()):
        try:
            if isinstance(cell.cell_contents, types.ModuleType):
                names.add(name)
        except ValueError:  # an empty cell
            pass
    return frozenset(names)


def _user_methods(function: types.FunctionType) -> frozenset[str]:
    """The names of the methods of the user's classes that ``function``'s globals and
    closure hold (``class Stats: def mean(self)``): calls of them are converted."""
    names = set()
    for value in classes_in_scope(function):
        for name, member in vars(value).items():
            member = getattr(member, "__func__", member)  # staticmethod, classmethod
            if isinstance(member, types.FunctionType) and is_user_file(member.__code__.co_filename):
                names.add(name)
    return frozenset(names)


def _warn_unconverted(function, reason: str) -> None:
    name = getattr(function, "__qualname__", repr(function))
    has_python_source = hasattr(function, "__code__")
    register_left_as_python_function(
        function, f"its function `{name}` was left unconverted: its source could not be read "
        f"({reason})")
    advice = ("Python control flow on traced values inside it will fail under jit. Define it "
              "in a file (or a notebook cell) so its source can be read." if has_python_source
              else "It runs as it is; there is no Python control flow in it to convert.")
    warnings.warn(f"py2lax left {name} unconverted: {reason}. {advice}",
                  ConversionWarning, stacklevel=_user_stacklevel())


def _user_stacklevel() -> int:
    """The ``warnings.warn`` stack level of the innermost frame outside py2lax and JAX."""
    frame, level = sys._getframe(1), 1
    while frame is not None and is_user_file(frame.f_code.co_filename) is False:
        frame, level = frame.f_back, level + 1
    return level


def _static_parameter_names(function, jit_kwargs) -> frozenset[str]:
    names = jit_kwargs.get("static_argnames") or ()
    names = {names} if isinstance(names, str) else set(names)
    numbers = jit_kwargs.get("static_argnums")
    if numbers is None:
        return frozenset(names)
    numbers = {numbers} if isinstance(numbers, int) else set(numbers)
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return frozenset(names)
    positional = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for number in numbers:
        if -len(positional) <= number < len(positional):
            names.add(positional[number])
    return frozenset(names)
