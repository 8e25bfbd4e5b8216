"""FormattedValues: text made from a value that may be traced, in what the code keeps.

Before::

    s = f"pos {x:.2f}"
    return "x=" + str(x)

After::

    s = f"pos {py2lax.formatted(x):.2f}"
    return "x=" + str(py2lax.formatted(x))

``py2lax.formatted`` is the value itself, or a located refusal when it is traced (its
text would be ``JitTracer(...)``: ``runtime/text``). Only the values of assignments and
returns are rewritten, where the string becomes data the program computes with; a
``raise``'s message, a log call or ``print`` (which prints traced values as the program
runs) keep their text as written. Only the decorator rewrites: the command line's output
stays the user's f-string.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter

_TEXT_BUILTINS = ("str", "repr", "format", "ascii")


def guard_formatted_values(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    if context.module_names is None:  # the command line
        return False
    rewriter = _Statements(context)
    function.body = S.visit_statements(rewriter, function.body)
    return rewriter.changed


class _Statements(OwnScopeRewriter):
    def visit_Assign(self, node):
        node.value = self._values(node.value)
        return node

    visit_AugAssign = visit_AnnAssign = visit_Return = visit_Assign

    def _values(self, value):
        return value if value is None else _Values(self).visit(value)


class _Values(S.NodeTransformer):
    """One expression: each formatted part and ``str``/``repr``/``format`` argument."""

    def __init__(self, statements: _Statements):
        self.statements = statements
        self.context = statements.context

    def _guarded(self, value):
        if isinstance(value, S.Constant):
            return value
        self.statements.changed = True
        return S.copy_location(self.context.call("formatted", value), value)

    def visit_FormattedValue(self, node):
        node.value = self._guarded(self.visit(node.value))
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        function = node.func
        if (isinstance(function, S.Name) and function.id in _TEXT_BUILTINS
                and function.id not in self.context.local_names and node.args):
            node.args[0] = self._guarded(node.args[0])
        return node

    def visit_Lambda(self, node):
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda
