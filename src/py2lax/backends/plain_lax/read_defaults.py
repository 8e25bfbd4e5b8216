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
    """The names ``function`` binds in its own scope (not its parameters) that a
    statement of its body reads, itself or through a nested function, before a
    statement of the body assigns them unconditionally."""
    parameters = {a.id for a in function.args.args}
    bound = bound_names(function.body) - parameters - {
        s.name for s in function.body if isinstance(s, S.FunctionDef)}
    found = []
    for name in sorted(bound):
        for statement in function.body:
            if name in _names_read(statement):
                found.append(name)
                break
            if isinstance(statement, S.Assign) and name in {
                    n.id for t in statement.targets for n in S.walk(t)
                    if isinstance(n, S.Name)}:
                break  # bound here first (`a, b = carry`): later reads read its value
    return found


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
