"""``locals()`` and ``vars()`` in a converted function: the user's variables, not py2lax's.

The lowering adds names to the function (``if_true_5``, ``loop_body_9``, placeholders),
moves assignments into branch functions and drops the variables nothing reads later, so
Python's ``locals()`` in the converted function would list other names than in the
original (``len(locals())`` differs). The call becomes
``py2lax.user_locals({'x': lambda: x, 'b': lambda: b})``: one reader per name the
user's function mentions, in the order Python lists its variables. Reading them in
closures makes them variables the whole function shares (as for any closure), so a
branch's assignment is seen; the runtime keeps the names that are the function's own or
its closure's (not globals) and that hold a value, as ``locals()`` does.

Before::

    def f(x):
        if x > 0:
            b = 1.0
        return len(locals())

After::

    def f(x):
        if x > 0:
            b = 1.0
        return len(py2lax.user_locals({'x': lambda: x, 'b': lambda: b}))
"""

from __future__ import annotations

import builtins

from py2lax.frontend import syntax as S
from py2lax.analysis.closures import cell_variables
from py2lax.analysis.names import bound_names, parameter_names
from py2lax.transforms.context import ConversionContext

_BUILTINS = frozenset(dir(builtins))
_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.Lambda, S.ListComp, S.SetComp,
           S.DictComp, S.GeneratorExp)


class _LocalsCalls(S.NodeTransformer):
    """Replaces ``locals()``/``vars()`` (no arguments, the builtins) in the function's own
    scope; nested functions, lambdas and comprehensions have scopes of their own."""

    def __init__(self, shadowed: set[str], readers, context: ConversionContext):
        self.shadowed, self.readers, self.context = shadowed, readers, context
        self.changed = False

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef
    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_FunctionDef

    def visit_Assign(self, node):
        if is_placeholder_guard(node):
            return node  # --standalone's own output: see is_placeholder_guard
        self.generic_visit(node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if not (isinstance(node.func, S.Name) and node.func.id in ("locals", "vars")
                and node.func.id not in self.shadowed and not node.args
                and not node.keywords):
            return node
        self.changed = True
        call = self.context.call("user_locals", self.readers(), line=node.lineno, call=node)
        return S.set_location(S.copy_location(call, node), node)


def is_placeholder_guard(node) -> bool:
    """``x = locals().get('x', jnp.zeros((0,), bool))``, as ``--standalone`` writes a
    placeholder for a name an earlier statement may have bound: the default is an empty
    array that is never read, so the frame's ``locals()`` means the same as the user's
    and the statement stays as written (a second run over the output changes nothing)."""
    if not (isinstance(node, S.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], S.Name)):
        return False
    value = node.value
    return (isinstance(value, S.Call) and isinstance(value.func, S.Attribute)
            and value.func.attr == "get" and isinstance(value.func.value, S.Call)
            and isinstance(value.func.value.func, S.Name)
            and value.func.value.func.id == "locals" and not value.func.value.args
            and len(value.args) == 2 and not value.keywords
            and isinstance(value.args[0], S.Constant)
            and value.args[0].value == node.targets[0].id
            and _is_empty_placeholder(value.args[1]))


def _is_empty_placeholder(node) -> bool:
    """``jnp.zeros((0,), bool)``, or a tuple or list of them (``placeholders``)."""
    if isinstance(node, (S.Tuple, S.List)):
        return bool(node.elts) and all(_is_empty_placeholder(e) for e in node.elts)
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr == "zeros" and len(node.args) == 2 and not node.keywords
            and isinstance(node.args[0], S.Tuple) and len(node.args[0].elts) == 1
            and isinstance(node.args[0].elts[0], S.Constant)
            and node.args[0].elts[0].value == 0
            and isinstance(node.args[1], S.Name) and node.args[1].id == "bool")


def _names_in_python_order(function) -> list[str]:
    """The names ``locals()`` may list, in CPython's order: the parameters, then the
    other names the function's own scope mentions by first mention, then the variables
    its closures share (cells come after plain locals)."""
    parameters = parameter_names(function.args)
    mentioned: list[str] = []
    todo = list(reversed(function.body))
    while todo:  # depth first, left to right
        node = todo.pop()
        if isinstance(node, S.Name):
            mentioned.append(node.id)
        elif isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            mentioned.append(node.name)
        elif isinstance(node, S.alias):
            mentioned.append((node.asname or node.name).split(".")[0])
        if not isinstance(node, _SCOPES) or isinstance(node, S.ClassDef):
            children = S.iter_child_nodes(node) if not isinstance(node, _SCOPES) else (
                node.decorator_list + node.bases)
            todo += list(reversed(children))
    local = set(parameters) | bound_names(function.body)
    ordered = [n for n in dict.fromkeys(parameters + mentioned)
               if n in local or n not in _BUILTINS]  # a builtin is never a variable
    cells = cell_variables(function) - set(parameters)
    return [n for n in ordered if n not in cells] + [n for n in ordered if n in cells]


def rewrite_locals_calls(function: S.FunctionDef, context: ConversionContext) -> bool:
    """``locals()``/``vars()`` -> ``py2lax.user_locals({...})``; return whether any."""
    if not any(isinstance(node, S.Name) and node.id in ("locals", "vars")
               for statement in function.body for node in S.walk(statement)):
        return False  # nothing to replace: skip the name ordering (a walk of every node)
    shadowed = bound_names(function.body) | set(parameter_names(function.args))
    # (the runtime's name, which earlier passes' calls mention, is never the user's)
    names = [n for n in _names_in_python_order(function) if n != context.runtime]

    def readers():
        return S.Dict(keys=[S.Constant(value=n, kind=None) for n in names],
                      values=[S.Lambda(args=_no_arguments(), body=S.load(n)) for n in names])

    transformer = _LocalsCalls(shadowed, readers, context)
    function.body = S.visit_statements(transformer, function.body)
    return transformer.changed


def _no_arguments():
    return S.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                       kwarg=None, defaults=[])
