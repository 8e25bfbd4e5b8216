"""``raise ValueError(f"x={x:.2f}")`` -> ``raise py2lax.raised(lambda x: ValueError(...), x)``.

A ``raise`` under a traced condition is traced, and raised by the compiled program when
it runs (``runtime/raising_branches``). Its exception was built while tracing, from
tracers: ``f"{x:.2f}"`` or ``"%d" % i`` of a tracer raised TypeError there (which the
program then raised instead of the user's ValueError), and ``f"{x}"`` wrote
``JitTracer(float32[])`` where Python writes ``5.0``. Built by a function of the local
names it reads, the exception is built again when the program raises it, from their
values (``runtime/raised_values``). An attribute it reads (``self.tol``) is given as a
value of its own, since an object holding a traced value is no pytree.

Only a ``raise`` of a call (``raise ValueError(...)``, ``raise self.error_type(...)``)
that reads the function's own names is rewritten, and only for the decorator: the
command line keeps the user's ``raise``. Python meaning: ``raised(build, *values)`` is
``build(*values)``; the names are read before the exception's class and its other
arguments (an unbound one raises the same NameError).
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter

_SCOPED = (S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)


def defer_raised_values(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.module_names is None:  # the command line
        return False
    rewriter = _Raises(context)
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed


class _Raises(OwnScopeRewriter):
    def visit_Raise(self, node):
        built = node.exc
        if not isinstance(built, S.Call) or any(
                isinstance(n, (S.NamedExpr, S.Yield, S.YieldFrom, S.Await) + _SCOPED)
                for n in S.walk(built)):
            return node
        read = _AttributesRead(self.context)
        body = read.visit(built)
        names = list(dict.fromkeys(
            n.id for n in S.walk(body) if isinstance(n, S.Name)
            and isinstance(n.ctx, S.Load) and n.id in self.context.local_names))
        if not names and not read.parameters:
            return node
        parameters = list(read.parameters) + names
        build = S.Lambda(args=S.arguments(
            args=[S.param(n) for n in parameters], posonlyargs=[], vararg=None,
            kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]), body=body)
        self.changed = True
        values = list(read.parameters.values()) + [S.load(n) for n in names]
        call = self.context.call("raised", build, *values,
                                 line=getattr(node, "lineno", None))
        node.exc = S.set_location(S.copy_location(call, built), built)
        return node


class _AttributesRead(S.NodeTransformer):
    """``self.err`` (an attribute of one of the function's names, read, not called) ->
    a parameter of the build, given the attribute's value: an object that holds a
    traced value is no pytree, so its value could not be given to the compiled
    program's callback."""

    def __init__(self, context: ConversionContext):
        self.context = context
        self.parameters: dict[str, S.AST] = {}  # parameter -> the attribute it reads
        self.texts: dict[str, str] = {}

    def visit_Call(self, node):
        node.args = [self.visit(a) for a in node.args]
        node.keywords = [self.visit(k) for k in node.keywords]
        if isinstance(node.func, S.Attribute):  # a method stays called on its object
            node.func.value = self.visit(node.func.value)
        return node

    def visit_Attribute(self, node):
        root = node
        while isinstance(root, S.Attribute):
            root = root.value
        if not (isinstance(node.ctx, S.Load) and isinstance(root, S.Name)
                and root.id in self.context.local_names):
            return self.generic_visit(node)
        text = S.unparse(node)
        if text not in self.texts:
            name = self.context.names.new("attribute")
            self.texts[text], self.parameters[name] = name, node
        return S.copy_location(S.load(self.texts[text]), node)
