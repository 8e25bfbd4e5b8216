"""NormalizeReturns: early ``return`` inside ``if`` branches becomes one return at the end.

A branch function cannot ``return`` from the user's function, so before lowering every
``return`` nested in an ``if`` is turned into an assignment to a result variable:

1. When one branch of an ``if`` always returns, the statements after the ``if`` move into
   the other branch (they only run on that path anyway).
2. When every path of the function's tail is then a tree of ``if`` s ending in ``return``,
   each ``return v`` becomes ``return_value = v`` and one ``return return_value`` ends the
   function. A path that falls off the end returns ``None``, as in Python.

Before::

    def myabs(x):
        if x > 0:
            return x
        return -x

After::

    def myabs(x):
        if x > 0:
            return_value = x
        else:
            return_value = -x
        return return_value

Returns inside loops, ``with`` and ``try`` are left alone; the lowering keeps the
statements that contain them as Python.
"""

from __future__ import annotations

from py2lax import syntax as S
from py2lax.transforms.context import ConversionContext


def contains_return(node) -> bool:
    return any(isinstance(n, S.Return) for n in _same_scope_nodes(node))


def _same_scope_nodes(node):
    if isinstance(node, list):
        for statement in node:
            yield from S.walk_same_scope(statement)
    else:
        yield from S.walk_same_scope(node)


def always_returns(statements: list) -> bool:
    """True when every path through ``statements`` ends in ``return`` or ``raise``."""
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, (S.Return, S.Raise)):
        return True
    if isinstance(last, S.If):
        return always_returns(last.body) and always_returns(last.orelse)
    return False


def _lift_rest(statements: list) -> list:
    """Move what follows an ``if`` with an always-returning branch into its other branch."""
    for index, statement in enumerate(statements):
        if not (isinstance(statement, S.If) and contains_return(statement)):
            continue
        rest = statements[index + 1:]
        body_returns, else_returns = always_returns(statement.body), always_returns(statement.orelse)
        if body_returns and not else_returns:
            statement.orelse = statement.orelse + rest
        elif else_returns and not body_returns:
            statement.body = statement.body + rest
        elif not (body_returns and else_returns):
            statement.body = _lift_rest(statement.body)
            statement.orelse = _lift_rest(statement.orelse)
            return statements  # a return on some paths only: leave the rest in place
        statement.body = _lift_rest(statement.body)
        statement.orelse = _lift_rest(statement.orelse)
        return statements[:index + 1]  # the rest is in a branch now, or unreachable
    return statements


def _tail_is_if_tree(statements: list) -> bool:
    """Every return sits at the end of a branch of the trailing ``if`` tree."""
    if not statements:
        return True
    *init, last = statements
    if any(contains_return(s) for s in init):
        return False
    if isinstance(last, S.If):
        return _tail_is_if_tree(last.body) and _tail_is_if_tree(last.orelse)
    return isinstance(last, S.Return) or not contains_return(last)


def _assign_result(statements: list, result: str, source) -> list:
    last = statements[-1] if statements else None
    if isinstance(last, S.Return):
        value = last.value if last.value is not None else S.Constant(value=None, kind=None)
        assign = S.Assign(targets=[S.store(result)], value=value, type_comment=None)
        return statements[:-1] + [S.copy_location(assign, last)]
    if isinstance(last, S.If) and contains_return(last):
        last.body = _assign_result(last.body, result, last)
        last.orelse = _assign_result(last.orelse, result, last)
        return statements
    if isinstance(last, S.Raise):
        return statements
    none = S.Assign(targets=[S.store(result)], value=S.Constant(value=None, kind=None),
                    type_comment=None)
    return statements + [S.set_location(none, last if last is not None else source)]


def normalize_returns(function: S.FunctionDef, context: ConversionContext) -> bool:
    """Rewrite ``function`` in place; return whether anything changed."""
    nested = any(
        contains_return(s) and not isinstance(s, S.Return) for s in function.body
    )
    if not nested:
        return False
    function.body = _lift_rest(function.body)
    if not _tail_is_if_tree(function.body):
        return True
    result = context.names.new("return_value")
    function.body = _assign_result(function.body, result, function)
    final = S.Return(value=S.load(result))
    function.body.append(S.set_location(final, function.body[-1]))
    return True
