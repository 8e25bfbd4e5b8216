"""Calls of the user's own helpers that raise nothing while a branch is traced.

``lax.cond`` traces both branches of an ``if`` whatever its test. In the body of a
``try`` with handlers, an error raised while tracing the branch Python skips would be
caught by the handler now, whatever the values are, so an ``if`` whose branches may
raise stays Python there (``python_form``, ``conditionals``). A helper of the module's
(``Acc.squash(b)``, ``SCALER.apply(y)``, ``Ops.leaky(a)``) whose body raises nothing
itself (no ``raise``, ``assert``, division, item lookup or ``with``) and calls only
jax/NumPy functions, builtins that only read, and such helpers, raises nothing a
handler catches, so the ``if`` around its call can be ``lax.cond``::

    class Acc:
        @staticmethod
        def squash(t):
            if t > 0.5:
                return jnp.tanh(t)
            return t * 0.5

A helper the module does not define once (an import from elsewhere, a rebound name, a
class with bases) may raise anything.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.backends.plain_lax.string_modes import KEYED

_MODULE_ROOTS = {"jax", "jnp", "lax", "np", "numpy"}
# builtins that raise nothing on the numbers and arrays a helper computes, traced or
# not (``float``, ``bool``, ``min``, ``max`` and ``range`` take a traced value's bool or
# int: JAX's TypeError while tracing, which an ``except TypeError:`` would catch)
_QUIET_BUILTINS = {"abs", "sum", "round", "print", "isinstance", "tuple", "list", "zip",
                   "enumerate"}

_AT_UPDATES = {"set", "add", "multiply", "mul", "divide", "min", "max", "power", "get"}
_QUIET_METHODS = {"sum", "prod", "any", "all", "astype", "ravel", "flatten", "copy",
                  "conj", "transpose", "cumsum", "cumprod"}


def may_raise(function, backend, seen: frozenset = frozenset(), owner=None,
              local: frozenset = frozenset()) -> bool:
    """Whether calling ``function`` (the callee expression of a call: ``Acc.squash``,
    ``helper``, ``self.scale_by``) may raise an error. ``owner``: the class whose method
    holds the call (``self.m`` is its method); ``local``: the names that method binds."""
    root = function
    while isinstance(root, S.Attribute):
        root = root.value
    if isinstance(root, S.Name) and root.id in (_MODULE_ROOTS | {backend.spell.jax,
                                                                  backend.spell.numpy_name}):
        return False  # (jax's own errors are about traced values, in every branch)
    if _quiet_method(function, backend, local):
        return False
    if isinstance(function, S.Name) and function.id in _QUIET_BUILTINS and (
            function.id not in local and function.id not in backend.context.local_names
            and _module_bindings(backend, function.id) == 0):
        return False
    definitions = _definitions(function, backend, owner, local)
    if definitions is None or any(id(d) in seen for d in definitions):
        return True
    seen = seen | {id(d) for d in definitions}
    return any(_body_may_raise(d, cls, backend, seen) for d, cls in definitions.items())


def keyed_table(call) -> bool:
    """``_py2lax_keyed({"lo": 2, "hi": 4}, ("lo", "hi"), s)``, which ``string_modes``
    writes for an expression of a string: its table has an entry for every string, so
    it raises nothing (a lookup in the user's own mapping may: a missing key)."""
    return (isinstance(call, S.Call) and isinstance(call.func, S.Name)
            and call.func.id == KEYED and bool(call.args) and isinstance(call.args[0], S.Dict))


def _quiet_method(function, backend, local) -> bool:
    """``w.at[i].set(v)`` or ``v.sum()`` of a variable of the function's: an update or
    reduction that raises nothing (on a list, ``.sum`` is no method: AttributeError,
    which no handler of a program that works catches)."""
    if not isinstance(function, S.Attribute):
        return False
    value = function.value
    if function.attr in _AT_UPDATES and isinstance(value, S.Subscript) and isinstance(
            value.value, S.Attribute) and value.value.attr == "at":
        value = value.value.value
    elif function.attr not in _QUIET_METHODS:
        return False
    return isinstance(value, S.Name) and (value.id in local
                                          or value.id in backend.context.local_names)


def _definitions(function, backend, owner, local) -> dict | None:
    """``{def: its class or None}`` a call of ``function`` runs; None if unknown."""
    expressions = backend.expressions
    if isinstance(function, S.Name) and function.id not in local and (
            function.id not in backend.context.local_names):
        definition = expressions._module_function(function.id)
        if definition is not None:
            return {definition: None}
        cls = backend.objects.classes().get(function.id)
        if cls is None or cls.bases or _module_bindings(backend, function.id) != 1:
            return None
        return {m: cls for m in cls.body if isinstance(m, S.FunctionDef)
                and m.name in ("__init__", "__post_init__")}
    if not isinstance(function, S.Attribute):
        return None
    if owner is not None and isinstance(function.value, S.Name) and (
            function.value.id in ("self", "cls")):
        methods = [m for m in owner.body if isinstance(m, S.FunctionDef)
                   and m.name == function.attr]
        return {methods[0]: owner} if len(methods) == 1 and not owner.bases else None
    method = expressions._module_method(function)
    if method is None:
        return None
    classes = backend.objects.classes()
    cls = next((c for c in classes.values() if any(m is method for m in c.body)), None)
    return {method: cls}


def _module_bindings(backend, name: str) -> int:
    """How many statements of the module bind ``name`` (-1: no module to read)."""
    module = backend.module
    if module is None:
        return -1
    return sum(name in bound_names([s]) for s in module.body)


def _body_may_raise(definition, cls, backend, seen: frozenset) -> bool:
    local = frozenset(parameter_names(definition.args)) | frozenset(
        bound_names(definition.body))
    handled = {id(n) for h in S.walk(definition) if isinstance(h, S.ExceptHandler)
               for n in S.walk(h) if isinstance(n, S.Raise) and n.exc is None}
    for node in S.walk(definition):
        if isinstance(node, S.Raise) and id(node) not in handled:
            return True
        if isinstance(node, (S.Assert, S.With, S.AsyncWith, S.Yield, S.YieldFrom,
                             S.Global, S.Nonlocal)):
            return True
        if isinstance(node, (S.BinOp, S.AugAssign)) and isinstance(
                node.op, (S.Div, S.FloorDiv, S.Mod)):
            return True
        if isinstance(node, S.Subscript) and isinstance(node.ctx, S.Load):
            return True
        if isinstance(node, S.Call) and backend.records.of_call(node) is None and not (
                keyed_table(node)):
            function = _seen_through(node, backend)
            if function is not None and may_raise(function, backend, seen, cls, local):
                return True
    return False


def _seen_through(call, backend):
    """The function a call calls (seen through ``py2lax.converted(f)``); None for a call
    of the runtime's that the pipeline wrote (its operands are walked)."""
    inner = backend.records.of_call(call.func)
    if inner is not None:
        return inner.operands.get("function") if inner.helper == "converted" else None
    return call.func
