"""``raise ValueError(f"x={x:.2f}")`` -> ``raise py2lax.raised(lambda x: ValueError(...), x)``.

A ``raise`` under a traced condition is traced, and raised by the compiled program when
it runs (``runtime/raising_branches``). Its exception was built while tracing, from
tracers: ``f"{x:.2f}"`` or ``"%d" % i`` of a tracer raised TypeError there (which the
program then raised instead of the user's ValueError), and ``f"{x}"`` wrote
``JitTracer(float32[])`` where Python writes ``5.0``. Built by a function of the local
names it reads, the exception is built again when the program raises it, from their
values (``runtime/raised_values``).

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
        names = list(dict.fromkeys(
            n.id for n in S.walk(built) if isinstance(n, S.Name)
            and isinstance(n.ctx, S.Load) and n.id in self.context.local_names))
        if not names:
            return node
        build = S.Lambda(args=S.arguments(
            args=[S.param(n) for n in names], posonlyargs=[], vararg=None, kwonlyargs=[],
            kw_defaults=[], kwarg=None, defaults=[]), body=built)
        self.changed = True
        call = self.context.call("raised", build, *[S.load(n) for n in names],
                                 line=getattr(node, "lineno", None))
        node.exc = S.set_location(S.copy_location(call, built), built)
        return node
