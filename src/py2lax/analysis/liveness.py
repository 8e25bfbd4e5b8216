"""Live-variable analysis over a function body.

A variable is *live* at a point when some path from there reads it before writing it.
Lowering needs exactly this: a converted ``if`` returns the variables its branches
assign that are live afterwards, and a converted loop carries the variables it assigns
that are live at its head (read by the next iteration, the condition, or after the loop).

Structured code lets us compute liveness backwards over the tree itself, iterating
loops to a fixed point; no control-flow graph is needed.

>>> from py2lax.frontend import syntax as S
>>> fn = S.parse_module('''
... def f(x, n):
...     s = 0
...     i = 0
...     t = 1
...     while i < n:
...         t = x * 2
...         s = s + t
...         i = i + 1
...     return s
... ''').body[0]
>>> loop = fn.body[3]
>>> sorted(live_variables(fn)[loop].head_live)
['i', 'n', 's', 'x']
"""

from __future__ import annotations

from dataclasses import dataclass

from py2lax.frontend import syntax as S
from py2lax.analysis.names import bound_names, exposed_reads, read_names

BREAK_FLAG = "py2lax_break_flag"  # set on a For node by NormalizeExits: its break flag
ENTERED = "py2lax_entered"  # set on a While node by NormalizeExits: its test was `True`


def always_entered(node) -> bool:
    """A ``while True:`` loop (also once its ``break`` became a flag in the test): the
    body runs at least once, and the loop ends only after a whole iteration."""
    test = getattr(node, "test", None)
    return bool(getattr(node, ENTERED, False)) or (
        isinstance(node, S.While) and isinstance(test, S.Constant) and bool(test.value))


@dataclass(frozen=True)
class LiveFacts:
    """Liveness around one ``if``/``while``/``for`` statement.

    live_out: variables live right after the statement.
    head_live: for loops, live at the start of each iteration (before the ``for`` target
        is assigned); for ``if``, live at the start of either branch.
    """

    live_out: frozenset[str]
    head_live: frozenset[str]


class _Loop:
    def __init__(self, after: set[str], head: set[str]):
        self.after, self.head = after, head


class _Liveness:
    def __init__(self, always_live: frozenset[str] = frozenset()) -> None:
        self.always = always_live  # read by code outside the function's own statements
        self.facts: dict[S.AST, LiveFacts] = {}
        self.live_after: dict[S.AST, frozenset[str]] = {}  # per statement, last visit wins
        self.loops: list[_Loop] = []
        # Simple statements are met once per fixed-point round: their names are walked once.
        self.effects: dict[S.AST, tuple[set[str], set[str]]] = {}

    def block(self, statements: list, live: set[str]) -> set[str]:
        for statement in reversed(statements):
            live = self.statement(statement, live)
        return live

    def statement(self, node: S.AST, live: set[str]) -> set[str]:
        if self.always:
            live = live | self.always
        self.live_after[node] = frozenset(live)
        handler = getattr(self, "visit_" + type(node).__name__, None)
        if handler is not None:
            return handler(node, set(live)) | self.always
        effects = self.effects.get(node)
        if effects is None:
            killed = bound_names([node]) if not isinstance(node, S.AugAssign) else set()
            effects = self.effects[node] = (killed, exposed_reads(node))
        killed, reads = effects
        return (live - killed) | reads | self.always

    def visit_If(self, node: S.If, live: set[str]) -> set[str]:
        branches = self.block(node.body, live) | self.block(node.orelse, live)
        self.facts[node] = LiveFacts(frozenset(live), frozenset(branches))
        return branches | read_names(node.test)

    def visit_While(self, node: S.While, live: set[str]) -> set[str]:
        after_else = self.block(node.orelse, live)
        head = self._fixed_point(node, live, lambda h: after_else | read_names(node.test))
        self.facts[node] = LiveFacts(frozenset(live), frozenset(head))
        if always_entered(node):
            # The first test always passes: what is live before the loop is what its
            # first iteration reads (the variables only read after it are assigned first).
            return self.block(node.body, head) | read_names(node.test)
        return head

    def visit_For(self, node: S.For, live: set[str]) -> set[str]:
        after_else = self.block(node.orelse, live)
        flag = getattr(node, BREAK_FLAG, None)  # the runtime reads it before each iteration
        at_head = after_else | ({flag} if flag else set())
        head = self._fixed_point(node, live, lambda h: at_head, for_target=node.target)
        self.facts[node] = LiveFacts(frozenset(live), frozenset(head))
        return head | read_names(node.iter)

    visit_AsyncFor = visit_For

    def _fixed_point(self, node, live_after, head_extra, for_target=None) -> set[str]:
        head: set[str] = set()
        while True:
            self.loops.append(_Loop(live_after, head))
            body = self.block(node.body, head)
            self.loops.pop()
            if for_target is not None:
                body = (body - bound_names([S.Assign(targets=[for_target], value=None)])) | (
                    read_names(for_target)
                )
            new_head = head_extra(head) | body | head
            if new_head == head:
                return head
            head = new_head

    def visit_Break(self, node, live):
        return set(self.loops[-1].after) if self.loops else live

    def visit_Continue(self, node, live):
        return set(self.loops[-1].head) if self.loops else live

    def visit_Return(self, node, live):
        return read_names(node.value) if node.value is not None else set()

    def visit_Raise(self, node, live):
        reads = set()
        for part in (node.exc, node.cause):
            if part is not None:
                reads |= read_names(part)
        return reads

    def visit_Try(self, node, live):
        after = self.block(node.finalbody, live)
        handlers = set()
        for handler in node.handlers:
            handler_live = self.block(handler.body, after)
            if handler.name is not None:  # `except E as e:` binds `e` before its body
                handler_live.discard(handler.name.id if isinstance(handler.name, S.Name)
                                     else handler.name)
            if handler.type is not None:
                handler_live |= read_names(handler.type)
            handlers |= handler_live
        body = self.block(node.body, self.block(node.orelse, after))
        # An exception can leave the body anywhere, so the handlers' needs hold throughout.
        return body | handlers | after

    visit_TryStar = visit_Try

    def visit_With(self, node, live):
        body = self.block(node.body, live)
        targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        body -= bound_names([S.Assign(targets=targets, value=None)]) if targets else set()
        for item in node.items:
            body |= read_names(item.context_expr)
        return body

    visit_AsyncWith = visit_With

    def visit_Match(self, node, live):
        result = read_names(node.subject) | live
        for case in node.cases:
            case_live = self.block(case.body, live) - bound_names([case.pattern])
            case_live |= read_names(case.pattern)
            if case.guard is not None:
                case_live |= read_names(case.guard)
            result |= case_live
        return result


def dead_stores(function: S.FunctionDef, names: set[str]) -> set[S.AST]:
    """Assignments ``name = ...`` (``name`` in ``names``) whose value nothing reads."""
    analysis = _Liveness()
    analysis.block(function.body, set())
    dead = set()
    for node, live in analysis.live_after.items():
        if (isinstance(node, S.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], S.Name) and node.targets[0].id in names
                and node.targets[0].id not in live):
            dead.add(node)
    return dead


def live_after_statements(function: S.FunctionDef, always_live: frozenset[str] = frozenset()
                          ) -> dict[S.AST, frozenset[str]]:
    """Each statement of ``function`` (not in nested defs) -> the variables live right
    after it (a loop's statements: at the fixed point)."""
    analysis = _Liveness(always_live)
    analysis.block(function.body, set())
    return analysis.live_after


def live_variables(function: S.FunctionDef,
                   always_live: frozenset[str] = frozenset()) -> dict[S.AST, LiveFacts]:
    """Map every ``if``/``while``/``for`` in ``function`` (not in nested defs) to its facts.

    ``always_live`` names count as read everywhere: closures and code outside the function
    may read them at any time.
    """
    analysis = _Liveness(always_live)
    analysis.block(function.body, set())
    return analysis.facts
