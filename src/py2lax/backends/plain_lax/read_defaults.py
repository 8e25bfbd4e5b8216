"""Branch and body functions that read a name of the enclosing function and also bind it.

A statement inside a lax branch that stays Python (``for i in range(1): if i > 2: a =
x``, a static loop whose ``if`` tests only its index) is written back into the branch
function as the user wrote it. The runtime's form had the assignment in a function of
its own; in the branch function it makes ``a`` a local of the branch, so the branch's
earlier read of the enclosing ``a`` (``b = jnp.tanh(a)``, or a loop body defined there
that reads it) fails with Python's NameError::

    def if_true_4():
        b = jnp.tanh(a)        # NameError: a is local to if_true_4
        for i in range(1):
            if i > 2:
                a = x

Such a function takes the enclosing value as a parameter default, read when the
function is defined, right before the lax call that runs it (``def if_true_4(a=a):``);
lax calls it with its own arguments only. What the branch assigns to ``a`` stays its own,
as it did in the runtime's function (the statement does not carry ``a`` out).
"""

from __future__ import annotations

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names

_SCOPES = (S.FunctionDef, S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)


def add_read_defaults(backend, function: S.FunctionDef) -> None:
    """Give every lax function of ``function`` (the records' branch and body functions)
    a parameter default for each enclosing name it reads before it binds it."""
    generated = {id(d) for record in backend.records.lowered for d in record.definitions
                 if isinstance(d, S.FunctionDef)}
    known = set(backend.facts.bindings) | set(backend.facts.parameters)
    for node in S.walk(function):
        if isinstance(node, S.FunctionDef) and id(node) in generated:
            for name in read_before_bound(node):
                if name in known:
                    node.args.args.append(S.copy_location(S.param(name), node))
                    node.args.defaults.append(S.load(name))


def read_before_bound(function: S.FunctionDef) -> list[str]:
    """The names ``function`` binds in its own scope (not its parameters) that it reads,
    itself or through a nested function, before any statement binds them, in the order
    its statements come (a block's header before its body)."""
    parameters = {a.id for a in function.args.args}
    bound = bound_names(function.body) - parameters - {
        s.name for s in function.body if isinstance(s, S.FunctionDef)}
    found, seen = [], set()
    for statement in _in_order(function.body):
        read = (_names_read(statement) - _walrus_targets(statement)) & bound
        found += sorted(read - seen - set(found))
        seen |= bound_names([statement]) if not _is_block(statement) else set()
    return found


def _walrus_targets(statement) -> set[str]:
    """``r`` of ``(r := ...)`` in ``statement``: bound where it is read next to it."""
    return {n.target.id for n in S.walk(statement)
            if isinstance(n, S.NamedExpr) and isinstance(n.target, S.Name)}


def _is_block(statement) -> bool:
    return any(True for _ in S.statement_lists(statement)) or bool(
        getattr(statement, "handlers", None) or getattr(statement, "cases", None))


def _in_order(statements: list) -> list:
    """The simple statements, and the headers of blocks (``if`` with its body emptied),
    in the order they run in the text."""
    ordered = []
    for statement in statements:
        if isinstance(statement, S.FunctionDef) or not _is_block(statement):
            ordered.append(statement)
            continue
        header = S.deep_copy(statement)
        for field, _ in list(S.statement_lists(header)):
            setattr(header, field, [])
        for part in getattr(header, "handlers", []) + getattr(header, "cases", []):
            part.body = []
        ordered.append(header)
        for field, inner in list(S.statement_lists(statement)):
            ordered += _in_order(inner)
        for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
            ordered += _in_order(part.body)
    return ordered


def _names_read(statement) -> set[str]:
    """Names ``statement`` reads in its own scope, and those its nested functions and
    comprehensions read from it (not their own parameters or targets)."""
    read = {n.id for n in S.walk_same_scope(statement)
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}
    for inner in S.walk(statement):
        if isinstance(inner, _SCOPES):
            own = _own_names(inner)
            read |= {n.id for n in S.walk(inner) if isinstance(n, S.Name)
                     and isinstance(n.ctx, S.Load)} - own
    return read


def _own_names(scope) -> set[str]:
    if isinstance(scope, (S.FunctionDef, S.Lambda)):
        names = {a.id for a in scope.args.args}
        return names | (bound_names(scope.body) if isinstance(scope, S.FunctionDef) else set())
    return {n.id for g in scope.generators for n in S.walk(g.target) if isinstance(n, S.Name)}
