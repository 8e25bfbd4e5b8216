"""Compiling a converted function so it runs in the user's world.

The converted tree is compiled with the user's file name and line numbers (tracebacks
show the user's own lines), and bound to the original function's globals dictionary and
closure cells, so it sees the current values of module globals and closure variables.

The ``def`` is compiled inside a factory function that declares the closure variables,
which makes them free variables of the new code object; the original cells are then
passed in directly. Default values and annotations are not re-evaluated: they are
copied from the original function.
"""

from __future__ import annotations

from py2lax.runtime.caller_handlers import register

import sys
import types

from py2lax.frontend import syntax as S

FACTORY = "__py2lax_factory__"
INNER = "__py2lax_function__"


def compile_converted(tree: S.FunctionDef, freevars: tuple[str, ...], runtime: str,
                      filename: str, qualname: str | None = None) -> types.CodeType:
    """The code object of the converted function, ready for :func:`bind`.

    ``qualname`` is the original code's qualified name: the functions defined inside
    keep theirs (``Model.step.<locals>.helper``), which says which class's private names
    they use when they are converted in turn.
    """
    definition = _without_evaluated_parts(tree)
    declared = [S.Assign(targets=[S.store(name)], value=S.Constant(value=None, kind=None),
                         type_comment=None) for name in (*freevars, runtime)]
    definition.name = INNER  # the user's name must stay free: the function may call itself
    wrapper = declared + [S.Return(value=S.load(INNER))]
    factory = S.FunctionDef(
        name=FACTORY, args=_no_arguments(), body=wrapper[:-1] + [definition, wrapper[-1]],
        decorator_list=[], returns=None, type_comment=None, type_params=[],
    )
    # The factory's own lines are the def's; the user's tree is located already (a node
    # that is not takes its parent's location when compiled).
    S.copy_location(factory, tree)
    for node in wrapper:
        S.set_location(node, tree)
    module = S.Module(body=[factory], type_ignores=[])
    module_code = S.compile_module(module, filename)
    factory_code = _constant_code(module_code, FACTORY)
    code = _without_factory_qualname(_constant_code(factory_code, INNER), qualname or tree.name)
    code = code.replace(co_name=tree.name)
    register(code)  # a `raise` it leads to may be caught by its `try` (caller_handlers)
    return code


def _without_factory_qualname(code: types.CodeType, name: str) -> types.CodeType:
    """Nested functions are named ``f.<locals>.g`` (``name`` is ``f``'s qualified name),
    not ``__py2lax_factory__.<locals>...``."""
    prefix = f"{FACTORY}.<locals>.{INNER}"
    constants = tuple(_without_factory_qualname(c, name) if isinstance(c, types.CodeType) else c
                      for c in code.co_consts)
    qualname = code.co_qualname
    if qualname.startswith(prefix):
        qualname = name + qualname[len(prefix):]
    return code.replace(co_qualname=qualname, co_consts=constants)


def bind(code: types.CodeType, original: types.FunctionType, runtime: str) -> types.FunctionType:
    """A function running ``code`` with ``original``'s globals, closure and defaults."""
    original_cells = dict(zip(original.__code__.co_freevars, original.__closure__ or ()))
    runtime_module = sys.modules["py2lax"]
    closure = tuple(
        types.CellType(runtime_module) if name == runtime and name not in original_cells
        else original_cells[name]
        for name in code.co_freevars
    )
    function = types.FunctionType(code, original.__globals__, original.__name__,
                                  original.__defaults__, closure)
    function.__kwdefaults__ = original.__kwdefaults__
    function.__annotations__ = dict(getattr(original, "__annotations__", {}))
    for attribute in ("__module__", "__qualname__", "__doc__"):
        setattr(function, attribute, getattr(original, attribute))
    function.__dict__.update(original.__dict__)
    function.__wrapped__ = original
    return function


def _constant_code(code: types.CodeType, name: str) -> types.CodeType:
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType) and constant.co_name == name:
            return constant
    raise LookupError(f"no code object named {name!r}")


def _no_arguments():
    return S.arguments(args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                       kwarg=None, defaults=[])


def _without_evaluated_parts(definition: S.FunctionDef) -> S.FunctionDef:
    """A shallow twin without decorators, annotations or default expressions.

    Those ran once already, with the original function; the twin shares its body with
    ``definition``, which stays as it is (``to_source`` prints it).
    """
    arguments = definition.args
    none = lambda: S.Constant(value=None, kind=None)  # noqa: E731

    def bare(parameter):
        return None if parameter is None else S.copy_location(S.param(parameter.id), parameter)

    twin_arguments = S.arguments(
        args=[bare(a) for a in arguments.args], posonlyargs=[bare(a) for a in arguments.posonlyargs],
        vararg=bare(arguments.vararg), kwonlyargs=[bare(a) for a in arguments.kwonlyargs],
        kw_defaults=[None if d is None else none() for d in arguments.kw_defaults],
        kwarg=bare(arguments.kwarg), defaults=[none() for _ in arguments.defaults],
    )
    twin = S.FunctionDef(name=definition.name, args=twin_arguments, body=definition.body,
                         decorator_list=[], returns=None, type_comment=None, type_params=[])
    return S.copy_location(twin, definition)
