"""HoistWalrus: ``:=`` in an ``if``/``while`` condition becomes a statement before the test.

A condition becomes an argument of a runtime call, or the body of a generated condition
function; an assignment expression inside it would bind the name there, not in the
user's function. So:

Before::

    while (y := x * 2) < 100:
        x = y

After::

    while True:
        y = x * 2
        if not y < 100:
            break
        x = y

and ``if (m := g(x)) > 0:`` becomes ``m = g(x)`` followed by ``if m > 0:``. Only
walruses evaluated unconditionally are hoisted (the first operand of ``and``/``or`` and
a ternary's test are; the other operands are evaluated only sometimes); the others are
left as they are. A ``while`` test with any walrus moves into the body as above, so the
name is assigned by the loop body and carried like any other variable.
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.jumps import jump_kinds
from py2lax.transforms.context import ConversionContext, OwnScopeRewriter


def _unconditional_walruses(test) -> list:
    """The walruses evaluated whatever the other operands are, in evaluation order: the
    first operand of ``and``/``or`` and the test of a ternary are always evaluated."""
    found: list = []

    def visit(node) -> None:
        if isinstance(node, S.BoolOp):
            visit(node.values[0])
        elif isinstance(node, S.IfExp):
            visit(node.test)
        elif isinstance(node, S.NamedExpr):
            visit(node.value)
            found.append(node)
        elif not isinstance(node, S.SCOPE_NODES):
            for child in S.iter_child_nodes(node):
                visit(child)

    visit(test)
    return found


def _has_conditional_walrus(test) -> bool:
    return len(_unconditional_walruses(test)) < sum(
        isinstance(node, S.NamedExpr) for node in S.walk_same_scope(test))


def _evaluated_into(expression, name: str, new_name) -> list:
    """Statements computing ``expression`` into ``name`` with Python's short circuit, so
    a walrus in an operand evaluated only sometimes binds in the function itself.

    An ``and``/``or``/ternary with such a walrus inside a larger expression (``not (a
    and (t := f(x)))``) is computed first, into a name ``new_name()`` gives, which the
    expression then reads.
    """
    if isinstance(expression, S.BoolOp):
        first, rest = expression.values[0], expression.values[1:]
        remaining = rest[0] if len(rest) == 1 else S.BoolOp(op=expression.op, values=rest)
        test = S.load(name)
        if isinstance(expression.op, S.Or):
            test = S.generated(S.UnaryOp(op=S.Not(), operand=test))
        guard = S.generated(S.If(test=test, body=_evaluated_into(remaining, name, new_name),
                                 orelse=[]))
        return _evaluated_into(first, name, new_name) + [S.set_location(guard, expression)]
    if isinstance(expression, S.IfExp) and _has_walrus(
            S.Tuple(elts=[expression.body, expression.orelse], ctx=S.Load())):
        choice = S.generated(S.If(test=expression.test,
                                  body=_evaluated_into(expression.body, name, new_name),
                                  orelse=_evaluated_into(expression.orelse, name, new_name)))
        return [S.set_location(choice, expression)]
    part = _lazy_part(expression)
    if part is not None:
        inner = new_name()
        first = _evaluated_into(part, inner, new_name)
        rest = _Replaced(part, S.set_location(S.load(inner), part)).visit(expression)
        return first + _evaluated_into(rest, name, new_name)
    assign = S.Assign(targets=[S.store(name)], value=expression, type_comment=None)
    return [S.set_location(assign, expression)]


def _lazy_part(expression):
    """The first ``and``/``or``/ternary inside ``expression`` (evaluated whenever the
    expression is) with a walrus in an operand it evaluates only sometimes; None if
    there is none, or if the expression reads a name that walrus binds before it (moving
    the part first would change what that read sees)."""
    order = _in_evaluation_order(expression)
    for index, node in enumerate(order):
        if node is expression:
            continue
        if isinstance(node, (S.BoolOp, S.IfExp)) and _has_conditional_walrus(node):
            bound = {n.target.id for n in S.walk_same_scope(node) if isinstance(n, S.NamedExpr)}
            read_before = {n.id for n in order[:index]
                           if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}
            return None if bound & read_before else node
    return None


def _in_evaluation_order(expression) -> list:
    """The nodes of ``expression`` (not of nested scopes, not inside the parts an
    ``and``/``or``/ternary evaluates only sometimes) in the order Python evaluates them."""
    found = []

    def visit(node) -> None:
        found.append(node)
        if isinstance(node, S.SCOPE_NODES):
            return
        if isinstance(node, S.BoolOp):
            visit(node.values[0])
            return
        if isinstance(node, S.IfExp):
            visit(node.test)
            return
        for child in S.iter_child_nodes(node):
            visit(child)

    visit(expression)
    return found


class _Replaced(S.NodeTransformer):
    """``expression`` with the node ``old`` replaced by ``new``."""

    def __init__(self, old, new):
        self.old, self.new = old, new

    def visit(self, node):
        return self.new if node is self.old else super().visit(node)


def _and_with_conditional_walrus(test) -> bool:
    return (isinstance(test, S.BoolOp) and isinstance(test.op, S.And)
            and _has_conditional_walrus(test))


def _or_with_conditional_walrus(test) -> bool:
    return (isinstance(test, S.BoolOp) and isinstance(test.op, S.Or)
            and _has_conditional_walrus(test))


_COPY_LIMIT = 400  # nodes: a longer block is not copied (the whole test is computed first)


def _small(statements: list) -> bool:
    """Whether copying ``statements`` keeps the function small (each walrus operand in an
    ``elif`` chain doubles the ``else`` below it)."""
    return sum(1 for s in statements for _ in S.walk(s)) <= _COPY_LIMIT


def _has_walrus(test) -> bool:
    return any(isinstance(node, S.NamedExpr) for node in S.walk_same_scope(test))


class _Hoister(OwnScopeRewriter):

    def _hoist(self, node):
        """Statements that bind the walruses of ``node.test``; the test reads the names.

        A walrus in an operand evaluated only sometimes (``a and (m := f(x))``) makes the
        whole test statements of its own, computed into a new name.
        """
        if _has_conditional_walrus(node.test):
            name = self.context.names.new("test")
            statements = _evaluated_into(node.test, name, self._new_name)
            node.test = S.set_location(S.load(name), node.test)
            self.changed = True
            return statements
        statements = []
        for walrus in _unconditional_walruses(node.test):
            assign = S.Assign(targets=[S.store(walrus.target.id)], value=walrus.value,
                              type_comment=None)
            statements.append(S.set_location(S.copy_location(assign, walrus), walrus))
        node.test = _WalrusToName().visit(node.test)
        self.changed = self.changed or bool(statements)
        return statements

    def _new_name(self) -> str:
        return self.context.names.new("value")

    def visit_If(self, node):
        self.generic_visit(node)
        if _and_with_conditional_walrus(node.test) and _small(node.orelse):
            return self._split(node, S.And)
        if _or_with_conditional_walrus(node.test) and _small(node.body):
            return self._split(node, S.Or)  # (no `else`: the statements after may read t)
        return self._hoist(node) + [node]

    def _split(self, node, operator) -> list:
        """``if a and (t := f(x)) > 0: body else: other`` as nested ``if``s, so ``t`` is
        assigned, visibly, on exactly the paths where Python assigns it::

            if a:
                t = f(x)
                if t > 0:
                    body
                else:
                    other
            else:
                other            (a copy)

        and ``if a or (t := f(x)) > 0: body else: other`` as ``if a: body`` / ``else:``
        ``t = f(x)``, ``if t > 0: body else: other`` (``other`` may read ``t``, and so may
        the statements after the ``if``, which ``other`` then moves into when ``body``
        returns: ``if x > 0 or (y := 2 * x) > -5: return 1.0`` / ``return y``). Testing
        the whole condition first would leave ``t`` assigned in one branch of a traced
        ``if`` and read in another ``if``: a refusal Python has no reason for. The
        statements the short circuit reaches twice are copied, not put behind a flag: a
        flag would hide from the lowering that a variable ``body`` and ``other`` both
        assign is assigned on every path.
        """
        self.changed = True
        first, rest = node.test.values[0], node.test.values[1:]
        later = rest[0] if len(rest) == 1 else S.BoolOp(op=operator(), values=rest)
        copied = [S.deep_copy(s) for s in (node.orelse if operator is S.And else node.body)]
        inner = (S.If(test=later, body=node.body, orelse=copied) if operator is S.And
                 else S.If(test=later, body=copied, orelse=node.orelse))
        inner = self.visit_If(S.generated(S.set_location(inner, node)))
        node.test = first
        if operator is S.And:
            node.body = inner
        else:
            node.orelse = inner
        return self._hoist(node) + [node]

    def _hoist_value(self, node):
        """``v = a if c else (s := f(x))``, ``return a and (t := g(x))``: the value is
        computed by statements first (the walrus then binds in the function, only when
        Python would evaluate it), and the statement reads the result."""
        if node.value is None or not _has_conditional_walrus(node.value):
            return node
        if _lazy_part(node.value) is None and not isinstance(node.value, (S.BoolOp, S.IfExp)):
            return node  # the value reads a name its walrus binds first: left as written
        name = self._new_name()
        statements = _evaluated_into(node.value, name, self._new_name)
        node.value = S.set_location(S.load(name), node.value)
        self.changed = True
        return statements + [node]

    visit_Assign = visit_AugAssign = visit_AnnAssign = visit_Return = _hoist_value
    visit_Expr = _hoist_value

    def visit_While(self, node):
        self.generic_visit(node)
        if not _has_walrus(node.test) or jump_kinds(node.orelse):
            return node
        # `while test: body else: done` -> `while True: if not test: done; break` + body:
        # the `else` runs exactly when the test is false, and a `break` in body skips it.
        # `while a and (t := f(x)) > 0:` checks each operand in turn (`if not a: break`,
        # then `t = f(x)`, `if not t > 0: break`), so `t` is assigned before the body.
        operands = ([node.test] if node.orelse or not _and_with_conditional_walrus(node.test)
                    else node.test.values)
        checks = []
        for operand in operands:
            negated = S.generated(S.UnaryOp(op=S.Not(), operand=operand))  # (py2lax's `not`)
            exit_check = S.If(test=negated, body=node.orelse + [S.Break()], orelse=[])
            S.set_location(exit_check, node)
            checks += self._hoist(exit_check) + [exit_check]
        node.body = checks + node.body
        node.test = S.set_location(S.Constant(value=True, kind=None), node)
        node.orelse = []
        self.changed = True
        return node


class _WalrusToName(S.NodeTransformer):
    """Replaces the unconditional walruses (see above) by their names."""

    def visit_BoolOp(self, node):
        node.values[0] = self.visit(node.values[0])
        return node

    def visit_IfExp(self, node):
        node.test = self.visit(node.test)
        return node

    def visit_Lambda(self, node):
        return node  # (a walrus in a comprehension runs per item: it stays where it is)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

    def visit_NamedExpr(self, node):
        return S.copy_location(S.load(node.target.id), node)


def hoist_walrus(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    hoister = _Hoister(context)
    function.body = S.visit_statements(hoister, function.body)
    return hoister.changed
