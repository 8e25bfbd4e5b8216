"""Which variables are certainly, or possibly, defined before each control-flow statement.

A converted statement passes its carried variables to the branch or body functions, so
each must have a value when the statement starts. Where a variable may be unbound
there (first assigned inside the statement), the lowering binds an explicit
``py2lax.Undefined`` marker instead, and the runtime reports a located error only if a
traced ``lax`` primitive actually needs the value.

>>> from py2lax.frontend import syntax as S
>>> fn = S.parse_module('''
... def f(x):
...     if x > 0:
...         y = 1
...     if x > 1:
...         y = 2
... ''').body[0]
>>> facts = defined_variables(fn)
>>> sorted(facts[fn.body[1]].certainly), sorted(facts[fn.body[1]].possibly)
(['x'], ['x', 'y'])
"""

from __future__ import annotations

from dataclasses import dataclass

from py2lax.frontend import syntax as S
from py2lax.analysis.liveness import always_entered
from py2lax.analysis.names import bound_names, parameter_names, read_names


@dataclass(frozen=True)
class DefinedFacts:
    """``certainly``/``possibly``: defined before the statement. ``read_unbound``: the
    names the function reads somewhere they may be unbound (the same for every
    statement); a variable outside it is read only where it holds a value, so a
    placeholder it carries through a lax primitive is never seen."""

    certainly: frozenset[str]
    possibly: frozenset[str]
    read_unbound: frozenset[str] = frozenset()


class _Unreachable(frozenset):
    """The 'certainly defined' set after ``return``/``raise``/``break``: every name."""

    def __and__(self, other):
        return frozenset(other)

    __rand__ = __and__


UNREACHABLE = _Unreachable()
_JUMPS = (S.Return, S.Raise, S.Break, S.Continue)


class _Definedness:
    def __init__(self) -> None:
        self.facts: dict[S.AST, DefinedFacts] = {}
        self.read_unbound: set[str] = set()
        self.breaks: list[list] = []  # per enclosing loop: 'certainly' at each `break`

    def block(self, statements, certainly, possibly):
        for statement in statements:
            certainly, possibly = self.statement(statement, certainly, possibly)
        return certainly, possibly

    def statement(self, node, certainly, possibly):
        if certainly is not UNREACHABLE:
            self.read_unbound |= _reads_on_entry(node) - certainly
        if isinstance(node, (S.If, S.While, S.For, S.AsyncFor)):
            self.facts[node] = DefinedFacts(frozenset(certainly), frozenset(possibly))
        if isinstance(node, S.Break) and self.breaks and certainly is not UNREACHABLE:
            self.breaks[-1].append(frozenset(certainly))
        if isinstance(node, _JUMPS):
            return UNREACHABLE, possibly
        if isinstance(node, S.If):
            c1, p1 = self.block(node.body, certainly, possibly)
            c2, p2 = self.block(node.orelse, certainly, possibly)
            return c1 & c2, p1 | p2
        if isinstance(node, (S.While, S.For, S.AsyncFor)):
            return self._loop(node, certainly, possibly)
        if isinstance(node, (S.Try, S.TryStar, S.Match)):
            return self._may_skip(node, certainly, possibly)
        if isinstance(node, (S.With, S.AsyncWith)):
            targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
            bound = bound_names([S.Assign(targets=targets, value=None)]) if targets else set()
            return self.block(node.body, certainly | bound, possibly | bound)
        bound = bound_names([node])
        if isinstance(node, S.Delete):
            return frozenset(certainly) - bound, possibly
        return frozenset(certainly) | bound, frozenset(possibly) | bound

    def _loop(self, node, certainly, possibly):
        """The body may run zero or many times: its names are only possibly defined,
        unless the loop is ``while True:`` (it ends after a whole first iteration).
        The body is visited as its first iteration: a read of a name that only a later
        statement of the body assigns may be unbound."""
        target = set()
        if not isinstance(node, S.While):
            target = bound_names([S.Assign(targets=[node.target], value=None)])
        inside_possibly = frozenset(possibly) | bound_names(node.body) | target
        self.breaks.append([])
        first, _ = self.block(node.body, frozenset(certainly) | target, inside_possibly)
        breaks = self.breaks.pop()
        after = first if always_entered(node) else certainly
        # The loop ends after its `else:` or at a `break`, which skips the `else:`.
        ended, ended_possibly = self.block(node.orelse, after, inside_possibly)
        for at_break in breaks:
            ended = ended & at_break
        return ended, ended_possibly

    def _may_skip(self, node, certainly, possibly):
        """try/match: a name is certainly defined after the block when every way through
        it defines it (the body and ``else``, or a handler; a case, when some case always
        matches). Each part is visited for the facts of the statements inside it."""
        everything = set()
        for _field, statements in S.statement_lists(node):
            everything |= bound_names(statements)
        for handler in getattr(node, "handlers", []):
            everything |= bound_names(handler.body)
        for case in getattr(node, "cases", []):
            everything |= bound_names(case.body) | bound_names([case.pattern])
        inside = frozenset(possibly) | everything
        if isinstance(node, S.Match):
            paths = [self.block(case.body, frozenset(certainly) | bound_names([case.pattern]),
                                inside)[0] for case in node.cases]
            if not _has_catch_all(node):
                paths.append(frozenset(certainly))
        else:
            body, _ = self.block(node.body, certainly, inside)
            paths = [self.block(node.orelse, body, inside)[0]]
            paths += [self.block(handler.body, frozenset(certainly) | _handler_name(handler),
                                 inside)[0] for handler in node.handlers]
        after = paths[0]
        for path in paths[1:]:
            after = after & path
        final, _ = self.block(getattr(node, "finalbody", []), after, inside)
        return frozenset(final) | frozenset(certainly), inside


def _reads_on_entry(node) -> set[str]:
    """The names a statement reads before running any statement inside it."""
    if isinstance(node, (S.If, S.While)):
        return read_names(node.test)
    if isinstance(node, (S.For, S.AsyncFor)):
        return read_names(node.iter)
    if isinstance(node, (S.With, S.AsyncWith)):
        names = set()
        for item in node.items:
            names |= read_names(item.context_expr)
        return names
    if isinstance(node, S.Match):
        return read_names(node.subject)
    if isinstance(node, (S.Try, S.TryStar)):
        return set()
    return read_names(node)


def _has_catch_all(node) -> bool:
    return any(isinstance(case.pattern, S.MatchAs) and case.pattern.pattern is None
               and case.guard is None for case in node.cases)


def _handler_name(handler) -> frozenset[str]:
    name = handler.name
    if name is None:
        return frozenset()
    return frozenset({name.id if isinstance(name, S.Name) else name})


def names_read_unbound(function: S.FunctionDef, unbound: frozenset[str] = frozenset()
                       ) -> frozenset[str]:
    """The names ``function`` reads somewhere they may be unbound (taking the parameters
    in ``unbound`` as having no value yet)."""
    return frozenset(_analysed(function, unbound).read_unbound)


def _analysed(function: S.FunctionDef, unbound: frozenset[str] = frozenset()) -> _Definedness:
    analysis = _Definedness()
    params = frozenset(parameter_names(function.args)) - unbound
    analysis.block(function.body, params, params)
    return analysis


def defined_variables(function: S.FunctionDef) -> dict[S.AST, DefinedFacts]:
    """Map every ``if``/``while``/``for`` of ``function`` to the names defined before it."""
    analysis = _analysed(function)
    read_unbound = frozenset(analysis.read_unbound)
    return {node: DefinedFacts(facts.certainly, facts.possibly, read_unbound)
            for node, facts in analysis.facts.items()}
