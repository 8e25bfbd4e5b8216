"""HoistWalrus: ``:=`` in an ``if``/``while`` condition becomes a statement before the test.

A condition becomes an argument of a runtime call, or the body of a generated condition
function; an assignment expression inside it would bind the name there, not in the
user's function. So:

Before::

    while (y := f(x)) < 100:
        x = y

After::

    while True:
        y = f(x)
        if not y < 100:
            break
        x = y

and ``if (m := g(x)) > 0:`` becomes ``m = g(x)`` followed by ``if m > 0:``. Only
walruses evaluated unconditionally are hoisted (not those inside ``and``/``or`` or a
ternary, whose evaluation depends on other operands); those are left as they are.
"""

from __future__ import annotations

from py2lax import syntax as S
from py2lax.transforms.context import ConversionContext


def _unconditional_walruses(test) -> list:
    found, todo = [], [test]
    while todo:
        node = todo.pop()
        if isinstance(node, (S.BoolOp, S.IfExp, S.Lambda) + S.SCOPE_NODES):
            continue
        if isinstance(node, S.NamedExpr):
            found.append(node)
        todo.extend(S.iter_child_nodes(node))
    return found


class _Hoister(S.NodeTransformer):
    def __init__(self):
        self.changed = False

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def _hoist(self, node):
        """Statements that bind the walruses of ``node.test``; the test reads the names."""
        statements = []
        for walrus in _unconditional_walruses(node.test):
            assign = S.Assign(targets=[S.store(walrus.target.id)], value=walrus.value,
                              type_comment=None)
            statements.append(S.set_location(S.copy_location(assign, walrus), walrus))
        node.test = _WalrusToName().visit(node.test)
        self.changed = self.changed or bool(statements)
        return statements

    def visit_If(self, node):
        self.generic_visit(node)
        return self._hoist(node) + [node]

    def visit_While(self, node):
        self.generic_visit(node)
        if not _unconditional_walruses(node.test):
            return node
        hoisted = self._hoist(node)
        negated = S.UnaryOp(op=S.Not(), operand=node.test)
        exit_check = S.If(test=negated, body=[S.Break()], orelse=[])
        S.set_location(exit_check, node)
        node.body = hoisted + [exit_check] + node.body
        node.test = S.set_location(S.Constant(value=True, kind=None), node)
        return node


class _WalrusToName(S.NodeTransformer):
    def visit_BoolOp(self, node):
        return node

    visit_IfExp = visit_Lambda = visit_BoolOp

    def visit_NamedExpr(self, node):
        return S.copy_location(S.load(node.target.id), node)


def hoist_walrus(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    hoister = _Hoister()
    function.body = S.visit_statements(hoister, function.body)
    return hoister.changed
