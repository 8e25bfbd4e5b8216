"""``obj.v`` where ``v`` is a property of the user's -> ``py2lax.getattr_(obj, "v")``.

Python runs a property's getter for ``obj.v`` itself: there is no call for py2lax to
convert, so a traced ``if`` in the getter raised ``TracerBoolConversionError`` under
``autograph_jit``. The read becomes a runtime call that does what Python does, with the
getter converted (``runtime.implicit_methods.get_attribute``); on an object whose class
has no such property it is plain ``getattr``. (A setter runs through ``py2lax.setattr_``,
which ``obj.v = x`` already becomes.)

Only the names in ``context.user_properties`` are rewritten: those some class of the
user's that the function can reach defines as a property (the decorator fills it in;
the command line leaves it empty and converts the getters themselves, so its output keeps
the user's ``obj.v``). Reads that are called (``obj.v(...)``), assigned or deleted stay as
they are, and so do nested functions and lambdas, which are converted on their own.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter


class _Rewriter(OwnScopeRewriter):

    def visit_Call(self, node):
        # `obj.v(...)` calls what `obj.v` is: a method, almost always; leave it.
        if isinstance(node.func, S.Attribute):
            node.func.value = self.visit(node.func.value)
        else:
            node.func = self.visit(node.func)
        node.args = [self.visit(a) for a in node.args]
        for keyword in node.keywords:
            keyword.value = self.visit(keyword.value)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if not isinstance(node.ctx, S.Load) or node.attr not in self.context.user_properties:
            return node
        self.changed = True
        name = S.set_location(S.Constant(value=node.attr, kind=None), node)
        call = self.context.call("getattr_", node.value, name, line=node.lineno,
                                 target=node.value, name=node.attr)
        return S.set_location(S.copy_location(call, node), node)


def rewrite_property_reads(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if not context.user_properties:
        return False
    rewriter = _Rewriter(context)
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed
